/* drey-field-item.h: one field of a store's schema, as the overview,
 * gallery and table list it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq.h"
#include "sq-scan.h"

G_BEGIN_DECLS

#define DREY_TYPE_FIELD_ITEM (drey_field_item_get_type ())

G_DECLARE_FINAL_TYPE (DreyFieldItem, drey_field_item, DREY, FIELD_ITEM, GObject)

DreyFieldItem *drey_field_item_new            (const char    *path);
const char    *drey_field_item_get_path       (DreyFieldItem *self);
SqFieldStats  *drey_field_item_get_stats      (DreyFieldItem *self);
double         drey_field_item_get_presence   (DreyFieldItem *self);
GPtrArray     *drey_field_item_get_drifts     (DreyFieldItem *self);
gboolean       drey_field_item_get_is_image   (DreyFieldItem *self);
gboolean       drey_field_item_get_is_scalar  (DreyFieldItem *self);
gboolean       drey_field_item_get_is_array   (DreyFieldItem *self);
gboolean       drey_field_item_get_in_list    (DreyFieldItem *self);
char          *drey_field_item_dup_types_text (DreyFieldItem *self);
char          *drey_field_item_dup_patterns_text (DreyFieldItem *self);
void           drey_field_item_update         (DreyFieldItem *self,
                                               SqFieldStats  *stats,
                                               double         presence,
                                               GPtrArray     *drifts);

G_END_DECLS
