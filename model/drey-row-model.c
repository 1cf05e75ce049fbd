/* drey-row-model.c: the rows 0 .. n-1 of a table, as a list model
 *
 * Items (DreyRowItem) are made when asked for and not kept: a list view
 * holds the few it shows, so any number of rows costs nothing up front.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-row-model"

#include "config.h"

#include "drey-row-item.h"
#include "drey-row-model.h"

struct _DreyRowModel
{
  GObject parent_instance;

  guint   n_rows;
};

static GType
get_item_type (GListModel *model)
{
  return DREY_TYPE_ROW_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return DREY_ROW_MODEL (model)->n_rows;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  if (position >= DREY_ROW_MODEL (model)->n_rows)
    return NULL;
  return drey_row_item_new (position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (DreyRowModel, drey_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
drey_row_model_class_init (DreyRowModelClass *klass)
{
}

static void
drey_row_model_init (DreyRowModel *self)
{
}

/**
 * drey_row_model_new:
 * @n_rows: how many rows (a list model counts in guint)
 *
 * Returns: (transfer full): the model of rows 0 .. @n_rows - 1
 */
DreyRowModel *
drey_row_model_new (guint n_rows)
{
  DreyRowModel *self = g_object_new (DREY_TYPE_ROW_MODEL, NULL);

  self->n_rows = n_rows;
  return self;
}
