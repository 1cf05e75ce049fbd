/* drey-row-item.h: one row of a table of values, by its index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DREY_TYPE_ROW_ITEM (drey_row_item_get_type ())

G_DECLARE_FINAL_TYPE (DreyRowItem, drey_row_item, DREY, ROW_ITEM, GObject)

DreyRowItem *drey_row_item_new       (guint64      index);
guint64      drey_row_item_get_index (DreyRowItem *self);

G_END_DECLS
