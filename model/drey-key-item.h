/* drey-key-item.h: one key of the key list, with what is known of its shard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_KEY_ITEM (drey_key_item_get_type ())

G_DECLARE_FINAL_TYPE (DreyKeyItem, drey_key_item, DREY, KEY_ITEM, GObject)

DreyKeyItem *drey_key_item_new                  (SqKeyInfo   *info);
SqKeyInfo   *drey_key_item_get_info             (DreyKeyItem *self);
gboolean     drey_key_item_set_info             (DreyKeyItem *self,
                                                 SqKeyInfo   *info);
const char  *drey_key_item_get_key              (DreyKeyItem *self);
const char  *drey_key_item_get_folded_key       (DreyKeyItem *self);
char        *drey_key_item_fold_text            (const char  *text);
gint64       drey_key_item_get_size             (DreyKeyItem *self);
gint64       drey_key_item_get_mtime            (DreyKeyItem *self);
int          drey_key_item_get_n_samples        (DreyKeyItem *self);
void         drey_key_item_set_n_samples        (DreyKeyItem *self,
                                                 int          n_samples);
const char  *drey_key_item_get_error            (DreyKeyItem *self);
void         drey_key_item_set_error            (DreyKeyItem *self,
                                                 const char  *error);
char        *drey_key_item_dup_size_text        (DreyKeyItem *self);
char        *drey_key_item_dup_n_samples_text   (DreyKeyItem *self);
char        *drey_key_item_dup_mtime_text       (DreyKeyItem *self);
char        *drey_key_item_dup_accessible_label (DreyKeyItem *self);

G_END_DECLS
