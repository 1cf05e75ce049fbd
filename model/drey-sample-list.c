/* drey-sample-list.c: samples of a store, shard after shard, as a list
 * model of DreySampleRef
 *
 * A list holds runs, one per shard: every sample of it (the whole store)
 * or the indices a query matched. Items are made when asked for, found by
 * a binary search over where each run starts, so the list of a store of
 * 100,000 samples costs a few bytes per shard. Runs are only appended (a
 * scan delivers its shards in key order), so positions never move.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-list"

#include "config.h"

#include <stdlib.h>

#include "drey-sample-list.h"

typedef struct
{
  const char *key;      /* interned */
  guint       start;    /* position of the run's first item */
  guint       n_items;
  guint      *indices;  /* NULL: 0 .. n_items - 1 */
} Run;

struct _DreySampleList
{
  GObject  parent_instance;

  GArray  *runs;
  GHashTable *run_of_key;  /* interned key -> run index + 1 */
  guint    n_items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DreySampleList, drey_sample_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->indices, g_free);
}

/* The run holding @position, which is below n_items. */
static const Run *
find_run (DreySampleList *self,
          guint           position)
{
  guint lo = 0, hi = self->runs->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->runs, Run, mid).start <= position)
        lo = mid;
      else
        hi = mid;
    }
  return &g_array_index (self->runs, Run, lo);
}

/**
 * drey_sample_list_get_sample:
 * @key: (out) (optional) (transfer none): the shard's key
 * @index: (out) (optional): the sample's index in its shard
 *
 * The sample at @position, without making an item.
 *
 * Returns: %FALSE if @position is past the end
 */
gboolean
drey_sample_list_get_sample (DreySampleList  *self,
                             guint            position,
                             const char     **key,
                             guint           *index)
{
  const Run *run;
  guint offset;

  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), FALSE);

  if (position >= self->n_items)
    return FALSE;
  run = find_run (self, position);
  offset = position - run->start;
  if (key != NULL)
    *key = run->key;
  if (index != NULL)
    *index = run->indices != NULL ? run->indices[offset] : offset;
  return TRUE;
}

static GType
get_item_type (GListModel *model)
{
  return DREY_TYPE_SAMPLE_REF;
}

static guint
get_n_items (GListModel *model)
{
  return DREY_SAMPLE_LIST (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  const char *key;
  guint index;

  if (!drey_sample_list_get_sample (DREY_SAMPLE_LIST (model), position, &key, &index))
    return NULL;
  return drey_sample_ref_new (key, index, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
drey_sample_list_finalize (GObject *object)
{
  DreySampleList *self = DREY_SAMPLE_LIST (object);

  g_array_unref (self->runs);
  g_hash_table_unref (self->run_of_key);
  G_OBJECT_CLASS (drey_sample_list_parent_class)->finalize (object);
}

static void
drey_sample_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DreySampleList *self = DREY_SAMPLE_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_sample_list_class_init (DreySampleListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = drey_sample_list_finalize;
  object_class->get_property = drey_sample_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_sample_list_init (DreySampleList *self)
{
  self->runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_array_set_clear_func (self->runs, (GDestroyNotify) run_clear);
  self->run_of_key = g_hash_table_new (NULL, NULL);
}

DreySampleList *
drey_sample_list_new (void)
{
  return g_object_new (DREY_TYPE_SAMPLE_LIST, NULL);
}

/**
 * drey_sample_list_append_shard:
 * @key: the shard
 * @n_samples: its samples
 * @indices: (array length=n_indices) (nullable): the ones to list,
 *   ascending, or %NULL for all of them
 *
 * Adds a shard's samples at the end. A shard with none adds nothing.
 */
void
drey_sample_list_append_shard (DreySampleList *self,
                               const char     *key,
                               guint           n_samples,
                               const guint    *indices,
                               guint           n_indices)
{
  Run run = { 0 };
  guint added;

  g_return_if_fail (DREY_IS_SAMPLE_LIST (self));
  g_return_if_fail (key != NULL);

  added = indices != NULL ? n_indices : n_samples;
  if (added == 0 || added > G_MAXUINT - self->n_items)
    return;
  run.key = g_intern_string (key);
  run.start = self->n_items;
  run.n_items = added;
  if (indices != NULL)
    run.indices = g_memdup2 (indices, sizeof (guint) * n_indices);
  g_array_append_val (self->runs, run);
  g_hash_table_insert (self->run_of_key, (gpointer) run.key, GUINT_TO_POINTER (self->runs->len));
  self->n_items += added;
  g_list_model_items_changed (G_LIST_MODEL (self), run.start, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
drey_sample_list_clear (DreySampleList *self)
{
  guint removed;

  g_return_if_fail (DREY_IS_SAMPLE_LIST (self));

  removed = self->n_items;
  if (removed == 0 && self->runs->len == 0)
    return;
  g_array_set_size (self->runs, 0);
  g_hash_table_remove_all (self->run_of_key);
  self->n_items = 0;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

guint
drey_sample_list_get_n_shards (DreySampleList *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), 0);
  return self->runs->len;
}

/**
 * drey_sample_list_get_shard_start:
 *
 * Returns: the position of the first listed sample of shard @key, or
 *   GTK_INVALID_LIST_POSITION's value (G_MAXUINT) if it lists none
 */
guint
drey_sample_list_get_shard_start (DreySampleList *self,
                                  const char     *key)
{
  guint run;

  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), G_MAXUINT);
  g_return_val_if_fail (key != NULL, G_MAXUINT);

  run = GPOINTER_TO_UINT (g_hash_table_lookup (self->run_of_key, g_intern_string (key)));
  return run > 0 ? g_array_index (self->runs, Run, run - 1).start : G_MAXUINT;
}

/**
 * drey_sample_list_get_shard_range:
 * @start: (out) (optional): the position of its first listed sample
 * @n_items: (out) (optional): how many of its samples are listed
 *
 * Returns: %FALSE if the list holds no sample of shard @key
 */
gboolean
drey_sample_list_get_shard_range (DreySampleList *self,
                                  const char     *key,
                                  guint          *start,
                                  guint          *n_items)
{
  guint run;

  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  run = GPOINTER_TO_UINT (g_hash_table_lookup (self->run_of_key, g_intern_string (key)));
  if (run == 0)
    return FALSE;
  if (start != NULL)
    *start = g_array_index (self->runs, Run, run - 1).start;
  if (n_items != NULL)
    *n_items = g_array_index (self->runs, Run, run - 1).n_items;
  return TRUE;
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/**
 * drey_sample_list_find:
 *
 * Returns: the position of sample @index of shard @key, or G_MAXUINT if
 *   the list does not hold it (a hash and a binary search: cheap enough
 *   for a filter over every sample)
 */
guint
drey_sample_list_find (DreySampleList *self,
                       const char     *key,
                       guint           index)
{
  const Run *run;
  guint found;
  const guint *at;

  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), G_MAXUINT);
  g_return_val_if_fail (key != NULL, G_MAXUINT);

  found = GPOINTER_TO_UINT (g_hash_table_lookup (self->run_of_key, g_intern_string (key)));
  if (found == 0)
    return G_MAXUINT;
  run = &g_array_index (self->runs, Run, found - 1);
  if (run->indices == NULL)
    return index < run->n_items ? run->start + index : G_MAXUINT;
  at = bsearch (&index, run->indices, run->n_items, sizeof (guint), compare_index);
  return at != NULL ? run->start + (guint) (at - run->indices) : G_MAXUINT;
}

/**
 * drey_sample_list_get_shard_key:
 * @run: 0 to drey_sample_list_get_n_shards() - 1
 *
 * Returns: the key of the @run-th shard listed (interned)
 */
const char *
drey_sample_list_get_shard_key (DreySampleList *self,
                                guint           run)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_LIST (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);
  return g_array_index (self->runs, Run, run).key;
}
