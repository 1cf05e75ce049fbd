/* drey-key-model.c: every key of a store, as a list that keeps itself up to date
 *
 * A GListModel of DreyKeyItems, as D-Spy's names model is of bus names.
 * The listing streams in: batches of keys from a worker are appended in one
 * splice each, so a store of 100,000 shards shows its first keys at once.
 * A local store lists in squirrel's order already, so the name order grows
 * at its end (a view sorting them has little to move).
 *
 * Reloading reconciles: the items stay the same objects (a view keeps its
 * selection and rows), sizes and times are updated in place, new keys are
 * appended and keys that were not found again are removed, in runs. The
 * ::listed signal says when a listing ended, and whether sizes or times
 * changed (a view sorted by them sorts again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-key-model"

#include "config.h"

#include "drey-key-model.h"

/* Removing more runs than this one by one costs more than a new splice. */
#define MAX_REMOVAL_RUNS 32

struct _DreyKeyModel
{
  GObject       parent_instance;

  GPtrArray    *items;   /* of DreyKeyItem, in listing order */
  SqStore      *store;
  GCancellable *cancellable;
  /* key -> DreyKeyItem: what this listing found; and during a reload, what
   * the last one found that this one has not (yet) */
  GHashTable   *listed;
  GHashTable   *unseen;
  GError       *error;
  guint64       total_size;
  gboolean      loading;
  gboolean      changed; /* a size or time changed in this listing */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DreyKeyModel, drey_key_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  PROP_ERROR,
  PROP_TOTAL_SIZE,
  PROP_N_ITEMS,
  N_PROPS
};

enum
{
  LISTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- GListModel --------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  return DREY_TYPE_KEY_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return DREY_KEY_MODEL (model)->items->len;
}

/* An array, not a GListStore: a search or a sort over 100,000 keys asks
 * for every item, and a GListStore finds each in a GSequence. */
static gpointer
get_item (GListModel *model,
          guint       position)
{
  GPtrArray *items = DREY_KEY_MODEL (model)->items;

  return position < items->len ? g_object_ref (g_ptr_array_index (items, position)) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Replaces @removed items at @position with @n_added from @added (adding
 * references), as g_list_store_splice() does. */
static void
splice (DreyKeyModel *self,
        guint         position,
        guint         removed,
        gpointer     *added,
        guint         n_added)
{
  g_assert (position + removed <= self->items->len);

  if (removed > 0)
    g_ptr_array_remove_range (self->items, position, removed);
  for (guint i = 0; i < n_added; i++)
    g_ptr_array_insert (self->items, (gint) (position + i), g_object_ref (added[i]));
  if (removed == 0 && n_added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, n_added);
  if (removed != n_added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* ---- state -------------------------------------------------------------- */

static GHashTable *
key_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
set_loading (DreyKeyModel *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (DreyKeyModel *self,
           GError       *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
add_size (DreyKeyModel *self,
          DreyKeyItem  *item,
          gboolean      add)
{
  guint64 size = (guint64) MAX (drey_key_item_get_size (item), 0);

  self->total_size = add ? self->total_size + size : self->total_size - size;
}

static void
clear_items (DreyKeyModel *self)
{
  g_clear_pointer (&self->unseen, g_hash_table_unref);
  g_hash_table_remove_all (self->listed);
  self->total_size = 0;
  self->changed = FALSE;
  splice (self, 0, self->items->len, NULL, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_SIZE]);
}

/* ---- listing ------------------------------------------------------------ */

/* A batch of keys from the worker: in any order (a local store's come in
 * squirrel's order, see sq_store_list_keys_streamed_async()). */
static void
keys_found_cb (GPtrArray *batch,
               gpointer   data)
{
  DreyKeyModel *self = data;
  g_autoptr(GPtrArray) added = g_ptr_array_new_full (batch->len, g_object_unref);

  for (guint i = 0; i < batch->len; i++)
    {
      SqKeyInfo *info = g_ptr_array_index (batch, i);
      const char *key = sq_key_info_get_key (info);
      char *stolen_key = NULL;
      DreyKeyItem *item = NULL;

      if (self->unseen != NULL &&
          g_hash_table_steal_extended (self->unseen, key, (gpointer *) &stolen_key, (gpointer *) &item))
        {
          /* Listed again: the same item, maybe with a new size. */
          add_size (self, item, FALSE);
          if (drey_key_item_set_info (item, info))
            self->changed = TRUE;
          add_size (self, item, TRUE);
          g_hash_table_insert (self->listed, stolen_key, item);
        }
      else if (!g_hash_table_contains (self->listed, key))
        {
          item = drey_key_item_new (info);
          add_size (self, item, TRUE);
          g_hash_table_insert (self->listed, g_strdup (key), g_object_ref (item));
          g_ptr_array_add (added, item);
        }
    }

  if (added->len > 0)
    splice (self, self->items->len, 0, added->pdata, added->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_SIZE]);
}

/* After a reload: drop the keys it did not find again. */
static void
remove_unseen (DreyKeyModel *self)
{
  typedef struct { guint start, end; } Run;
  g_autoptr(GHashTable) unseen = g_steal_pointer (&self->unseen);
  g_autoptr(GArray) runs = NULL;
  GListModel *model = G_LIST_MODEL (self);
  guint n_items = g_list_model_get_n_items (model);

  if (unseen == NULL || g_hash_table_size (unseen) == 0)
    return;

  /* Runs of items to remove, [start, end), from the last. */
  runs = g_array_new (FALSE, FALSE, sizeof (Run));
  for (guint i = n_items; i-- > 0;)
    {
      g_autoptr(DreyKeyItem) item = g_list_model_get_item (model, i);
      Run *last = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;

      if (g_hash_table_lookup (unseen, drey_key_item_get_key (item)) != item)
        continue;
      add_size (self, item, FALSE);
      if (last != NULL && last->start == i + 1)
        last->start = i;
      else
        {
          Run run = { i, i + 1 };

          g_array_append_val (runs, run);
        }
    }

  if (runs->len <= MAX_REMOVAL_RUNS)
    {
      for (guint r = 0; r < runs->len; r++)
        {
          Run *run = &g_array_index (runs, Run, r);

          splice (self, run->start, run->end - run->start, NULL, 0);
        }
    }
  else
    {
      g_autoptr(GPtrArray) kept = g_ptr_array_new_full (n_items, g_object_unref);

      for (guint i = 0; i < n_items; i++)
        {
          DreyKeyItem *item = g_list_model_get_item (model, i);

          if (g_hash_table_lookup (unseen, drey_key_item_get_key (item)) == item)
            g_object_unref (item);
          else
            g_ptr_array_add (kept, item);
        }
      splice (self, 0, n_items, kept->pdata, kept->len);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_SIZE]);
}

static void
keys_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DreyKeyModel) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean changed;

  if (!sq_store_list_keys_streamed_finish (SQ_STORE (source), result, NULL, &error))
    {
      /* A new listing, another store or dispose took over. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("%s", error->message);
      g_clear_object (&self->cancellable);
      clear_items (self);
      set_error (self, g_steal_pointer (&error));
      set_loading (self, FALSE);
      return;
    }

  remove_unseen (self);
  changed = self->changed;
  self->changed = FALSE;
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  g_signal_emit (self, signals[LISTED], 0, changed);
}

static void
start_listing (DreyKeyModel *self)
{
  g_assert (self->store != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* What is listed is unseen until this listing finds it again. A listing
   * cut short by this one leaves some in each table. */
  if (self->unseen == NULL)
    {
      self->unseen = g_steal_pointer (&self->listed);
      self->listed = key_table_new ();
    }
  else
    {
      GHashTableIter iter;
      gpointer key, item;

      g_hash_table_iter_init (&iter, self->listed);
      while (g_hash_table_iter_next (&iter, &key, &item))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (self->unseen, key, item);
        }
    }

  set_error (self, NULL);
  set_loading (self, TRUE);
  sq_store_list_keys_streamed_async (self->store, SQ_LIST_KEYS_DEFAULT, self->cancellable,
                                     keys_found_cb, self, NULL,
                                     keys_listed_cb, g_object_ref (self));
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_key_model_dispose (GObject *object)
{
  DreyKeyModel *self = DREY_KEY_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (drey_key_model_parent_class)->dispose (object);
}

static void
drey_key_model_finalize (GObject *object)
{
  DreyKeyModel *self = DREY_KEY_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  g_clear_pointer (&self->unseen, g_hash_table_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (drey_key_model_parent_class)->finalize (object);
}

static void
drey_key_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DreyKeyModel *self = DREY_KEY_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_TOTAL_SIZE:
      g_value_set_uint64 (value, self->total_size);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_model_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DreyKeyModel *self = DREY_KEY_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      drey_key_model_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_model_class_init (DreyKeyModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = drey_key_model_dispose;
  object_class->finalize = drey_key_model_finalize;
  object_class->get_property = drey_key_model_get_property;
  object_class->set_property = drey_key_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* While a listing runs; the keys stream in meanwhile. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Why the last listing failed (the list is empty then), or NULL. */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The compressed bytes of every shard listed. */
  properties[PROP_TOTAL_SIZE] =
    g_param_spec_uint64 ("total-size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreyKeyModel::listed:
   * @changed: whether a size or modification time of a key listed before
   *   changed
   *
   * A listing ended; keys it did not find again are gone.
   */
  signals[LISTED] = g_signal_new ("listed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
drey_key_model_init (DreyKeyModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->listed = key_table_new ();
}

/* ---- public API --------------------------------------------------------- */

DreyKeyModel *
drey_key_model_new (void)
{
  return g_object_new (DREY_TYPE_KEY_MODEL, NULL);
}

/**
 * drey_key_model_set_store:
 * @store: (nullable): the store to list, or %NULL for none
 *
 * Lists the keys of @store on a worker; they stream in while
 * #DreyKeyModel:loading is %TRUE.
 */
void
drey_key_model_set_store (DreyKeyModel *self,
                          SqStore      *store)
{
  g_return_if_fail (DREY_IS_KEY_MODEL (self));
  g_return_if_fail (store == NULL || SQ_IS_STORE (store));

  if (self->store == store)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->store, store);

  g_object_freeze_notify (G_OBJECT (self));
  clear_items (self);
  set_error (self, NULL);
  set_loading (self, FALSE);
  if (store != NULL)
    start_listing (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * drey_key_model_get_store:
 *
 * Returns: (transfer none) (nullable): the store listed
 */
SqStore *
drey_key_model_get_store (DreyKeyModel *self)
{
  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), NULL);
  return self->store;
}

/**
 * drey_key_model_reload:
 *
 * Lists the store again: new keys are added, gone ones removed, changed
 * sizes updated, in the items already there.
 */
void
drey_key_model_reload (DreyKeyModel *self)
{
  g_return_if_fail (DREY_IS_KEY_MODEL (self));

  if (self->store != NULL)
    start_listing (self);
}

/**
 * drey_key_model_lookup:
 *
 * Returns: (transfer none) (nullable): the item of @key: found by this
 *   listing, or by the last one and not yet gone
 */
DreyKeyItem *
drey_key_model_lookup (DreyKeyModel *self,
                       const char   *key)
{
  DreyKeyItem *item;

  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  item = g_hash_table_lookup (self->listed, key);
  if (item == NULL && self->unseen != NULL)
    item = g_hash_table_lookup (self->unseen, key);
  return item;
}

/**
 * drey_key_model_contains:
 *
 * Returns: whether @item is (still) one of the model's items
 */
gboolean
drey_key_model_contains (DreyKeyModel *self,
                         DreyKeyItem  *item)
{
  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), FALSE);
  g_return_val_if_fail (DREY_IS_KEY_ITEM (item), FALSE);

  return drey_key_model_lookup (self, drey_key_item_get_key (item)) == item;
}

gboolean
drey_key_model_get_loading (DreyKeyModel *self)
{
  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), FALSE);
  return self->loading;
}

/**
 * drey_key_model_get_error:
 *
 * Returns: (nullable): why the listing failed: the store is a file, or
 *   cannot be read
 */
const GError *
drey_key_model_get_error (DreyKeyModel *self)
{
  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), NULL);
  return self->error;
}

guint64
drey_key_model_get_total_size (DreyKeyModel *self)
{
  g_return_val_if_fail (DREY_IS_KEY_MODEL (self), 0);
  return self->total_size;
}

/**
 * drey_key_model_set_n_samples:
 *
 * Records how many samples the shard @key holds, once it has been read.
 */
void
drey_key_model_set_n_samples (DreyKeyModel *self,
                              const char   *key,
                              guint         n_samples)
{
  DreyKeyItem *item;

  g_return_if_fail (DREY_IS_KEY_MODEL (self));
  g_return_if_fail (key != NULL);

  item = drey_key_model_lookup (self, key);
  if (item != NULL)
    drey_key_item_set_n_samples (item, (int) MIN (n_samples, (guint) G_MAXINT));
}

/**
 * drey_key_model_set_shard_error:
 * @error: (nullable): why the shard @key cannot be decoded (its read or
 *   the store's scan failed), or %NULL once it was read
 *
 * Marks @key's shard as one that fails, or no longer. A key not listed
 * (yet) is left alone.
 */
void
drey_key_model_set_shard_error (DreyKeyModel *self,
                                const char   *key,
                                const char   *error)
{
  DreyKeyItem *item;

  g_return_if_fail (DREY_IS_KEY_MODEL (self));
  g_return_if_fail (key != NULL);

  item = drey_key_model_lookup (self, key);
  if (item != NULL)
    drey_key_item_set_error (item, error);
}
