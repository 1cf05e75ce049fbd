/* drey-row-item.c: one row of a table of values, by its index
 *
 * DreyRowModel hands these out as a list view asks for rows, so a table
 * of a million rows holds a few dozen of them at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-row-item"

#include "config.h"

#include "drey-row-item.h"

struct _DreyRowItem
{
  GObject parent_instance;

  guint64 index;
};

G_DEFINE_FINAL_TYPE (DreyRowItem, drey_row_item, G_TYPE_OBJECT)

static void
drey_row_item_class_init (DreyRowItemClass *klass)
{
}

static void
drey_row_item_init (DreyRowItem *self)
{
}

DreyRowItem *
drey_row_item_new (guint64 index)
{
  DreyRowItem *self = g_object_new (DREY_TYPE_ROW_ITEM, NULL);

  self->index = index;
  return self;
}

guint64
drey_row_item_get_index (DreyRowItem *self)
{
  g_return_val_if_fail (DREY_IS_ROW_ITEM (self), 0);

  return self->index;
}
