/* drey-store-rows.c: every sample of a store as a table row, read shard
 * after shard on a worker
 *
 * The table sorts and so needs every row, not only those on screen: this
 * list reads the shards of a DreySampleList (the store's samples, in key
 * order, growing while the scan runs) one after the other on a worker and
 * appends a DreySampleRow per sample, each a slim copy without pixels.
 * "loading" is %TRUE until it has caught up with the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-rows"

#include "config.h"

#include "drey-store-rows.h"

struct _DreyStoreRows
{
  GObject         parent_instance;

  SqStore        *store;
  DreySampleList *samples;
  GPtrArray      *rows;
  guint           next_shard;   /* the next run of @samples to read */
  gboolean        reading;
  GCancellable   *cancellable;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DreyStoreRows, drey_store_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return DREY_TYPE_SAMPLE_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return DREY_STORE_ROWS (model)->rows->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DreyStoreRows *self = DREY_STORE_ROWS (model);

  return position < self->rows->len ? g_object_ref (g_ptr_array_index (self->rows, position)) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void read_next (DreyStoreRows *self);

static void
shard_read (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DreyStoreRows) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = sq_store_get_finish (SQ_STORE (object), result, &error);
  const char *key;
  guint before = self->rows->len;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->reading = FALSE;
  key = drey_sample_list_get_shard_key (self->samples, self->next_shard);
  self->next_shard++;
  /* A shard that cannot be read now (changed since the scan) has no rows;
   * the overview says what is wrong with it. */
  if (samples == NULL)
    g_debug ("no rows for shard '%s': %s", key, error->message);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    g_ptr_array_add (self->rows, drey_sample_row_new (key, i, g_ptr_array_index (samples, i)));
  if (self->rows->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->rows->len - before);
  read_next (self);
}

static void
read_next (DreyStoreRows *self)
{
  gboolean was_loading = drey_store_rows_get_loading (self);

  if (!self->reading && self->next_shard < drey_sample_list_get_n_shards (self->samples))
    {
      self->reading = TRUE;
      sq_store_get_async (self->store, drey_sample_list_get_shard_key (self->samples, self->next_shard),
                          self->cancellable, NULL, NULL, NULL, shard_read, g_object_ref (self));
    }
  if (was_loading != drey_store_rows_get_loading (self) || !self->reading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
samples_changed (DreyStoreRows *self)
{
  /* Cleared (a new scan): start again. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->samples)) == 0 && self->rows->len > 0)
    {
      guint removed = self->rows->len;

      g_cancellable_cancel (self->cancellable);
      g_set_object (&self->cancellable, g_cancellable_new ());
      g_ptr_array_set_size (self->rows, 0);
      self->next_shard = 0;
      self->reading = FALSE;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    }
  read_next (self);
}

static void
drey_store_rows_dispose (GObject *object)
{
  DreyStoreRows *self = DREY_STORE_ROWS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->samples != NULL)
    g_signal_handlers_disconnect_by_data (self->samples, self);
  g_clear_object (&self->samples);
  G_OBJECT_CLASS (drey_store_rows_parent_class)->dispose (object);
}

static void
drey_store_rows_finalize (GObject *object)
{
  DreyStoreRows *self = DREY_STORE_ROWS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (drey_store_rows_parent_class)->finalize (object);
}

static void
drey_store_rows_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, drey_store_rows_get_loading (DREY_STORE_ROWS (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_store_rows_class_init (DreyStoreRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = drey_store_rows_dispose;
  object_class->finalize = drey_store_rows_finalize;
  object_class->get_property = drey_store_rows_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_store_rows_init (DreyStoreRows *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * drey_store_rows_new:
 * @samples: the store's samples (drey_store_document_get_samples())
 *
 * Returns: (transfer full): the rows, starting to read at once
 */
DreyStoreRows *
drey_store_rows_new (SqStore        *store,
                     DreySampleList *samples)
{
  DreyStoreRows *self;

  g_return_val_if_fail (SQ_IS_STORE (store), NULL);
  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (samples), NULL);

  self = g_object_new (DREY_TYPE_STORE_ROWS, NULL);
  self->store = g_object_ref (store);
  self->samples = g_object_ref (samples);
  g_signal_connect_object (samples, "items-changed", G_CALLBACK (samples_changed), self, G_CONNECT_SWAPPED);
  read_next (self);
  return self;
}

/* Whether shards listed are still to be read. */
gboolean
drey_store_rows_get_loading (DreyStoreRows *self)
{
  g_return_val_if_fail (DREY_IS_STORE_ROWS (self), FALSE);
  return self->reading || self->next_shard < drey_sample_list_get_n_shards (self->samples);
}
