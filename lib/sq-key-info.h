/* sq-key-info.h: one key of a store, with its file's size and time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _SqKeyInfo SqKeyInfo;

#define SQ_TYPE_KEY_INFO (sq_key_info_get_type ())

GType       sq_key_info_get_type  (void) G_GNUC_CONST;

SqKeyInfo  *sq_key_info_new       (const char      *key,
                                   gint64           size,
                                   gint64           mtime);
SqKeyInfo  *sq_key_info_ref       (SqKeyInfo       *info);
void        sq_key_info_unref     (SqKeyInfo       *info);
const char *sq_key_info_get_key   (const SqKeyInfo *info);
gint64      sq_key_info_get_size  (const SqKeyInfo *info);
gint64      sq_key_info_get_mtime (const SqKeyInfo *info);
int         sq_key_info_compare   (const SqKeyInfo *a,
                                   const SqKeyInfo *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqKeyInfo, sq_key_info_unref)

G_END_DECLS
