/* drey-shard-cache.c: recently decoded shards, kept within a byte budget
 *
 * Going back to a shard seen a moment ago should be instant: the document
 * keeps the samples of the shards it read last, least recently used first
 * out, as long as their decoded values fit the budget. Values are
 * immutable, so a cached shard is shared, never copied. An entry holds
 * the shard's stamp (size, time and etag, as the document read them): a
 * lookup with another stamp is a shard someone rewrote, and drops the
 * entry. A shard too big to keep beside others (over an eighth of the
 * budget) is not kept: it would push every other one out, and leaving it
 * should give its memory back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-shard-cache"

#include "config.h"

#include <unistd.h>

#include "drey-shard-cache.h"

/* The default budget: a quarter of the memory, at most this much. */
#define DEFAULT_BUDGET_CAP (G_GUINT64_CONSTANT (1) << 30)

/* What a value costs beyond its bytes, about: the struct, the pointer to
 * it in its container, malloc's header. */
#define VALUE_OVERHEAD 64

typedef struct
{
  char      *key;
  char      *stamp;
  GPtrArray *samples;
  guint64    size;
  GList     *link;      /* in lru; owned by the entry */
} Entry;

struct _DreyShardCache
{
  GObject     parent_instance;

  guint64     budget;
  guint64     size;
  GHashTable *entries;  /* key -> Entry */
  GQueue      lru;      /* of Entry, most recently used first */
};

G_DEFINE_FINAL_TYPE (DreyShardCache, drey_shard_cache, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_free (entry->stamp);
  g_ptr_array_unref (entry->samples);
  g_free (entry);
}

static void
drop (DreyShardCache *self,
      Entry          *entry)
{
  g_queue_delete_link (&self->lru, entry->link);
  self->size -= entry->size;
  g_hash_table_remove (self->entries, entry->key); /* frees it */
}

static void
drey_shard_cache_finalize (GObject *object)
{
  DreyShardCache *self = DREY_SHARD_CACHE (object);

  g_queue_clear (&self->lru);
  g_hash_table_unref (self->entries);
  G_OBJECT_CLASS (drey_shard_cache_parent_class)->finalize (object);
}

static void
drey_shard_cache_class_init (DreyShardCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = drey_shard_cache_finalize;
}

static void
drey_shard_cache_init (DreyShardCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  g_queue_init (&self->lru);
}

/**
 * drey_shard_cache_new:
 * @budget: bytes of decoded values it may hold
 *
 * Returns: (transfer full): an empty cache for the shards of one store
 */
DreyShardCache *
drey_shard_cache_new (guint64 budget)
{
  DreyShardCache *self = g_object_new (DREY_TYPE_SHARD_CACHE, NULL);

  self->budget = budget;
  return self;
}

/**
 * drey_shard_cache_default_budget:
 *
 * Returns: a quarter of the physical memory, at most 1 GiB
 */
guint64
drey_shard_cache_default_budget (void)
{
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);

  if (pages <= 0 || page_size <= 0)
    return DEFAULT_BUDGET_CAP / 4;
  return MIN ((guint64) pages * (guint64) page_size / 4, DEFAULT_BUDGET_CAP);
}

guint64
drey_shard_cache_get_budget (DreyShardCache *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_CACHE (self), 0);
  return self->budget;
}

/**
 * drey_shard_cache_get_size:
 *
 * Returns: the bytes the shards held cost, as drey_shard_cache_insert()
 *   was told
 */
guint64
drey_shard_cache_get_size (DreyShardCache *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_CACHE (self), 0);
  return self->size;
}

guint
drey_shard_cache_get_n_shards (DreyShardCache *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_CACHE (self), 0);
  return g_hash_table_size (self->entries);
}

/**
 * drey_shard_cache_lookup:
 * @key: the shard's key
 * @stamp: (nullable): the shard's stamp as it is now; %NULL (no answer
 *   from the store) never hits
 *
 * A hit becomes the most recently used shard; an entry whose stamp is not
 * @stamp is dropped.
 *
 * Returns: (transfer full) (element-type SqValue) (nullable): the samples
 */
GPtrArray *
drey_shard_cache_lookup (DreyShardCache *self,
                         const char     *key,
                         const char     *stamp)
{
  Entry *entry;

  g_return_val_if_fail (DREY_IS_SHARD_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    return NULL;
  if (stamp == NULL || g_strcmp0 (entry->stamp, stamp) != 0)
    {
      drop (self, entry);
      return NULL;
    }
  g_queue_unlink (&self->lru, entry->link);
  g_queue_push_head_link (&self->lru, entry->link);
  return g_ptr_array_ref (entry->samples);
}

/**
 * drey_shard_cache_insert:
 * @key: the shard's key
 * @stamp: its stamp when it was read
 * @samples: (element-type SqValue): its samples, shared (values are
 *   immutable; the array must not change after this)
 * @size: what they cost, in bytes (drey_shard_cache_measure())
 *
 * Keeps @samples as the most recently used shard, in place of what @key
 * held, and drops the least recently used ones until the cache fits its
 * budget.
 *
 * Returns: whether it was kept (not when over an eighth of the budget)
 */
gboolean
drey_shard_cache_insert (DreyShardCache *self,
                         const char     *key,
                         const char     *stamp,
                         GPtrArray      *samples,
                         guint64         size)
{
  Entry *entry;

  g_return_val_if_fail (DREY_IS_SHARD_CACHE (self), FALSE);
  g_return_val_if_fail (key != NULL && stamp != NULL && samples != NULL, FALSE);

  drey_shard_cache_remove (self, key);
  if (size > self->budget / 8)
    return FALSE;

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->stamp = g_strdup (stamp);
  entry->samples = g_ptr_array_ref (samples);
  entry->size = size;
  g_queue_push_head (&self->lru, entry);
  entry->link = self->lru.head;
  g_hash_table_insert (self->entries, entry->key, entry);
  self->size += size;

  while (self->size > self->budget)
    drop (self, g_queue_peek_tail (&self->lru));
  return TRUE;
}

/**
 * drey_shard_cache_remove:
 * @key: the shard's key
 *
 * Forgets @key's shard (it was written, or deleted).
 */
void
drey_shard_cache_remove (DreyShardCache *self,
                         const char     *key)
{
  Entry *entry;

  g_return_if_fail (DREY_IS_SHARD_CACHE (self));
  g_return_if_fail (key != NULL);

  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    drop (self, entry);
}

void
drey_shard_cache_clear (DreyShardCache *self)
{
  g_return_if_fail (DREY_IS_SHARD_CACHE (self));

  while (!g_queue_is_empty (&self->lru))
    drop (self, g_queue_peek_tail (&self->lru));
}

/**
 * drey_shard_cache_measure:
 * @sample: a decoded value
 *
 * Returns: about what @sample costs in memory: its arrays', strings' and
 *   bytes' data, and a fixed overhead per value
 */
guint64
drey_shard_cache_measure (SqValue *sample)
{
  guint64 size = VALUE_OVERHEAD;
  gsize length;

  switch (sq_value_get_value_type (sample))
    {
    case SQ_VALUE_STR:
      sq_value_get_str (sample, &length);
      size += length;
      break;
    case SQ_VALUE_BIN:
      size += g_bytes_get_size (sq_value_get_bin (sample));
      break;
    case SQ_VALUE_NDARRAY:
      size += g_bytes_get_size (sq_ndarray_get_data (sq_value_get_ndarray (sample)));
      break;
    case SQ_VALUE_OPAQUE:
      size += g_bytes_get_size (sq_value_get_opaque_data (sample));
      break;
    case SQ_VALUE_ARRAY:
      for (gsize i = 0; i < sq_value_get_length (sample); i++)
        size += drey_shard_cache_measure (sq_value_get_item (sample, i));
      break;
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (sample); i++)
        size += drey_shard_cache_measure (sq_value_get_key (sample, i)) +
                drey_shard_cache_measure (sq_value_get_item (sample, i));
      break;
    default:
      break;
    }
  return size;
}
