/* sq-shard-writer.h: encode and compress the samples of one shard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-serializer.h"
#include "sq-value.h"

G_BEGIN_DECLS

#define SQ_TYPE_SHARD_WRITER (sq_shard_writer_get_type ())

G_DECLARE_FINAL_TYPE (SqShardWriter, sq_shard_writer, SQ, SHARD_WRITER, GObject)

SqShardWriter *sq_shard_writer_new               (GOutputStream  *stream,
                                                  SqSerializer    serializer,
                                                  const char     *name);
gboolean       sq_shard_writer_add               (SqShardWriter  *self,
                                                  SqValue        *sample,
                                                  GCancellable   *cancellable,
                                                  GError        **error);
gboolean       sq_shard_writer_finish            (SqShardWriter  *self,
                                                  GCancellable   *cancellable,
                                                  GError        **error);
guint64        sq_shard_writer_get_bytes_encoded (SqShardWriter  *self);
guint64        sq_shard_writer_get_bytes_written (SqShardWriter  *self);

G_END_DECLS
