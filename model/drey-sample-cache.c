/* drey-sample-cache.c: decoded shards of a store, read on workers as
 * views ask for their samples, a bounded number kept
 *
 * The gallery and the table show samples from all over a store, but only
 * the few on screen: each asks for the sample of each row it binds, and a
 * shard not here yet is read (sq_store_get_async) and announced with
 * "shard-loaded" when it is. The latest request goes first (what the user
 * scrolled to now matters more than what went by), two reads at a time;
 * requests beyond the bound of kept shards drop the oldest waiting ones.
 * At most @max_shards decoded shards are kept, the least recently used
 * going first, so scrolling through 100,000 samples holds a few shards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-cache"

#include "config.h"

#include "drey-sample-cache.h"

#define MAX_READS 2

struct _DreySampleCache
{
  GObject       parent_instance;

  SqStore      *store;
  guint         max_shards;
  GHashTable   *shards;   /* interned key -> GPtrArray of SqValue */
  GHashTable   *errors;   /* interned key -> GError */
  GQueue        used;     /* interned keys, most recently used first */
  GQueue        waiting;  /* interned keys to read, latest request first */
  GHashTable   *reading;  /* interned keys being read */
  GCancellable *cancellable;
  guint         n_reads;
};

G_DEFINE_FINAL_TYPE (DreySampleCache, drey_sample_cache, G_TYPE_OBJECT)

enum {
  SHARD_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_reads (DreySampleCache *self);

static void
drey_sample_cache_dispose (GObject *object)
{
  DreySampleCache *self = DREY_SAMPLE_CACHE (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (drey_sample_cache_parent_class)->dispose (object);
}

static void
drey_sample_cache_finalize (GObject *object)
{
  DreySampleCache *self = DREY_SAMPLE_CACHE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_hash_table_unref (self->shards);
  g_hash_table_unref (self->errors);
  g_hash_table_unref (self->reading);
  g_queue_clear (&self->used);
  g_queue_clear (&self->waiting);
  G_OBJECT_CLASS (drey_sample_cache_parent_class)->finalize (object);
}

static void
drey_sample_cache_class_init (DreySampleCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = drey_sample_cache_dispose;
  object_class->finalize = drey_sample_cache_finalize;

  /**
   * DreySampleCache::shard-loaded:
   * @key: the shard
   *
   * A shard asked for was read (or failed: drey_sample_cache_get_error()).
   */
  signals[SHARD_LOADED] =
    g_signal_new ("shard-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
drey_sample_cache_init (DreySampleCache *self)
{
  self->shards = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->errors = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_error_free);
  self->reading = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->used);
  g_queue_init (&self->waiting);
  self->cancellable = g_cancellable_new ();
}

/**
 * drey_sample_cache_new:
 * @max_shards: decoded shards kept at most (at least 1)
 *
 * Returns: (transfer full): an empty cache over @store
 */
DreySampleCache *
drey_sample_cache_new (SqStore *store,
                       guint    max_shards)
{
  DreySampleCache *self;

  g_return_val_if_fail (SQ_IS_STORE (store), NULL);

  self = g_object_new (DREY_TYPE_SAMPLE_CACHE, NULL);
  self->store = g_object_ref (store);
  self->max_shards = MAX (max_shards, 1);
  return self;
}

SqStore *
drey_sample_cache_get_store (DreySampleCache *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), NULL);
  return self->store;
}

static void
touch (DreySampleCache *self,
       const char      *key)
{
  g_queue_remove (&self->used, key);
  g_queue_push_head (&self->used, (gpointer) key);
}

static void
evict (DreySampleCache *self)
{
  while (g_queue_get_length (&self->used) > self->max_shards)
    {
      const char *oldest = g_queue_pop_tail (&self->used);

      g_hash_table_remove (self->shards, oldest);
    }
}

typedef struct
{
  DreySampleCache *self;
  const char      *key;
} Read;

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Read *read = user_data;
  DreySampleCache *self = read->self;
  const char *key = read->key;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = sq_store_get_finish (SQ_STORE (object), result, &error);

  g_free (read);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  g_hash_table_remove (self->reading, key);
  self->n_reads++;
  if (samples != NULL)
    {
      g_hash_table_replace (self->shards, (gpointer) key, g_steal_pointer (&samples));
      touch (self, key);
      evict (self);
    }
  else
    g_hash_table_replace (self->errors, (gpointer) key, g_steal_pointer (&error));
  g_signal_emit (self, signals[SHARD_LOADED], 0, key);
  start_reads (self);
  g_object_unref (self);
}

static void
start_reads (DreySampleCache *self)
{
  while (g_hash_table_size (self->reading) < MAX_READS && !g_queue_is_empty (&self->waiting))
    {
      const char *key = g_queue_pop_head (&self->waiting);
      Read *read;

      if (g_hash_table_contains (self->shards, key) || g_hash_table_contains (self->errors, key))
        continue;
      g_hash_table_add (self->reading, (gpointer) key);
      read = g_new0 (Read, 1);
      read->self = g_object_ref (self);
      read->key = key;
      sq_store_get_async (self->store, key, self->cancellable, NULL, NULL, NULL, read_done, read);
    }
}

/**
 * drey_sample_cache_request:
 *
 * Reads shard @key on a worker unless it is here, being read, or known
 * to fail; the latest request is read first.
 */
void
drey_sample_cache_request (DreySampleCache *self,
                           const char      *key)
{
  const char *interned;

  g_return_if_fail (DREY_IS_SAMPLE_CACHE (self));
  g_return_if_fail (key != NULL);

  interned = g_intern_string (key);
  if (g_hash_table_contains (self->shards, interned) || g_hash_table_contains (self->errors, interned) ||
      g_hash_table_contains (self->reading, interned))
    return;
  g_queue_remove (&self->waiting, interned);
  g_queue_push_head (&self->waiting, (gpointer) interned);
  /* Requests the user has scrolled past are not worth reading. */
  while (g_queue_get_length (&self->waiting) > self->max_shards)
    g_queue_pop_tail (&self->waiting);
  start_reads (self);
}

/**
 * drey_sample_cache_lookup:
 *
 * Sample @index of shard @key if the shard is here (asking for it if
 * not).
 *
 * Returns: (transfer none) (nullable): the sample, or %NULL until its
 *   shard is read (or if it failed, or has no such sample)
 */
SqValue *
drey_sample_cache_lookup (DreySampleCache *self,
                          const char      *key,
                          guint            index)
{
  const char *interned;
  GPtrArray *samples;

  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  interned = g_intern_string (key);
  samples = g_hash_table_lookup (self->shards, interned);
  if (samples == NULL)
    {
      drey_sample_cache_request (self, key);
      return NULL;
    }
  touch (self, interned);
  return index < samples->len ? g_ptr_array_index (samples, index) : NULL;
}

gboolean
drey_sample_cache_has_shard (DreySampleCache *self,
                             const char      *key)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), FALSE);
  return g_hash_table_contains (self->shards, g_intern_string (key));
}

/**
 * drey_sample_cache_get_error:
 *
 * Returns: (nullable): why shard @key could not be read, if it was tried
 */
const GError *
drey_sample_cache_get_error (DreySampleCache *self,
                             const char      *key)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), NULL);
  return g_hash_table_lookup (self->errors, g_intern_string (key));
}

/**
 * drey_sample_cache_clear:
 *
 * Forgets every shard (the store changed): reads running are cancelled,
 * and what is asked for next is read again.
 */
void
drey_sample_cache_clear (DreySampleCache *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_CACHE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->shards);
  g_hash_table_remove_all (self->errors);
  g_hash_table_remove_all (self->reading);
  g_queue_clear (&self->used);
  g_queue_clear (&self->waiting);
}

/* Decoded shards held now (at most the bound). */
guint
drey_sample_cache_get_n_loaded (DreySampleCache *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), 0);
  return g_hash_table_size (self->shards);
}

/* Shards read so far (again after an eviction). */
guint
drey_sample_cache_get_n_reads (DreySampleCache *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CACHE (self), 0);
  return self->n_reads;
}
