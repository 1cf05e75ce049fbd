/* sq-object-input-stream.h: an object's bytes as they download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-object-config-private.h"

G_BEGIN_DECLS

#define SQ_TYPE_OBJECT_INPUT_STREAM (sq_object_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (SqObjectInputStream, sq_object_input_stream, SQ, OBJECT_INPUT_STREAM, GInputStream)

GInputStream *_sq_object_input_stream_open     (GObject         *owner,
                                                SqObjectConfig  *config,
                                                const char      *object,
                                                const char      *key,
                                                const char      *if_none_match,
                                                const char      *cache_url,
                                                gint64          *size,
                                                gboolean        *not_modified,
                                                GCancellable    *cancellable,
                                                GError         **error);
gssize        _sq_object_input_stream_borrow   (SqObjectInputStream  *self,
                                                const guint8        **data,
                                                GCancellable         *cancellable,
                                                GError              **error);

G_END_DECLS
