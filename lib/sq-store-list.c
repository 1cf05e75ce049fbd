/* sq-store-list.c: a store's keys, all at once in squirrel's order, or
 * streamed in batches as they are found
 *
 * The store's backend finds the keys (sq-backend-local.c: readdir, and
 * stat only where it is needed; sq-backend-object.c: a bucket listing);
 * this file sorts them, with a sort of its own (a store of 100,000 shards
 * lists in milliseconds), and streams them to the caller's context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-backend-private.h"
#include "sq-store-private.h"
#include "sq-worker-private.h"

/* A shard found while listing: 16 bytes, so that sorting 100,000 of them
 * moves little memory. */
typedef struct
{
  guint64    prefix;   /* see set_prefixes() */
  SqKeyInfo *info;
} Entry;

/* The byte @i of the file name of the key @key of @len bytes: the key, then
 * ".gz", then zeros. */
static inline guint8
file_name_byte (const char *key,
                gsize       len,
                gsize       i)
{
  return i < len ? (guint8) key[i] : i < len + 3 ? (guint8) ".gz"[i - len] : 0;
}

/* Most keys share a start ("shard-000..."): skip what all share, and take
 * the next 8 bytes of the file name, zero-padded, big-endian. Comparing
 * prefixes then orders as comparing file names does, and most comparisons
 * end there. */
static void
set_prefixes (GArray *entries)
{
  const char *first;
  gsize common;

  if (entries->len == 0)
    return;
  first = sq_key_info_get_key (g_array_index (entries, Entry, 0).info);
  common = strlen (first);
  for (guint i = 1; i < entries->len && common > 0; i++)
    {
      const char *key = sq_key_info_get_key (g_array_index (entries, Entry, i).info);
      gsize n = 0;

      while (n < common && key[n] == first[n])
        n++;
      common = n;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      const char *key = sq_key_info_get_key (entry->info);
      gsize len = strlen (key);
      guint64 prefix = 0;

      for (gsize j = common; j < common + 8; j++)
        prefix = (prefix << 8) | file_name_byte (key, len, j);
      entry->prefix = prefix;
    }
}

static inline gboolean
entry_less (const Entry *a,
            const Entry *b)
{
  if (a->prefix != b->prefix)
    return a->prefix < b->prefix;
  return sq_key_info_compare (a->info, b->info) < 0;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return entry_less (a, b) ? -1 : entry_less (b, a) ? 1 : 0;
}

static inline void
swap_entries (Entry *a,
              Entry *b)
{
  Entry tmp = *a;

  *a = *b;
  *b = tmp;
}

/* Quicksort with the comparison inlined, in place: g_array_sort() takes
 * three times as long on 100,000 keys, and its scratch copy costs page
 * faults. Where partitions keep going badly, g_qsort_with_data() takes
 * over, so the worst case stays n log n. */
static void
sort_entries (Entry *v,
              gsize  n,
              guint  depth)
{
  while (n > 16)
    {
      Entry pivot;
      gsize mid = n / 2;
      gssize i = -1, j = (gssize) n;

      if (depth-- == 0)
        {
          g_qsort_with_data (v, (gint) n, sizeof (Entry), compare_entries, NULL);
          return;
        }
      if (entry_less (&v[mid], &v[0]))
        swap_entries (&v[mid], &v[0]);
      if (entry_less (&v[n - 1], &v[0]))
        swap_entries (&v[n - 1], &v[0]);
      if (entry_less (&v[n - 1], &v[mid]))
        swap_entries (&v[n - 1], &v[mid]);
      pivot = v[mid];

      /* Hoare: afterwards [0, j] <= pivot <= [j + 1, n), both non-empty. */
      for (;;)
        {
          do
            i++;
          while (entry_less (&v[i], &pivot));
          do
            j--;
          while (entry_less (&pivot, &v[j]));
          if (i >= j)
            break;
          swap_entries (&v[i], &v[j]);
        }

      /* Recurse into the smaller side, loop on the larger. */
      if ((gsize) j + 1 < n - (gsize) j - 1)
        {
          sort_entries (v, (gsize) j + 1, depth);
          v += j + 1;
          n -= (gsize) j + 1;
        }
      else
        {
          sort_entries (v + j + 1, n - (gsize) j - 1, depth);
          n = (gsize) j + 1;
        }
    }

  for (gsize i = 1; i < n; i++)
    {
      Entry e = v[i];
      gsize k = i;

      for (; k > 0 && entry_less (&e, &v[k - 1]); k--)
        v[k] = v[k - 1];
      v[k] = e;
    }
}

/* A streamed listing hands keys over in batches of at most this many, or
 * of what was found in SQ_PROGRESS_INTERVAL_USEC, whichever comes first.
 * The first batches are smaller (KEY_FIRST_BATCH_SIZE, then twice as many
 * each time), so that the first keys come soon and a view of them grows
 * by steps it can take. */
#define KEY_BATCH_SIZE       1000
#define KEY_FIRST_BATCH_SIZE 100

/* Where listing puts the keys it finds: all into @entries, to be sorted
 * (sq_store_list_keys), or batch by batch to @stream (streamed). */
struct _SqKeySink
{
  GArray       *entries;
  SqBatchRelay *relay;
  GPtrArray    *batch;
  gint64        batch_start;
  guint         n_keys;
  guint         batch_limit;
};

static void
key_sink_flush (SqKeySink *sink)
{
  if (sink->batch != NULL && sink->batch->len > 0)
    {
      g_autoptr(GPtrArray) batch = g_steal_pointer (&sink->batch);

      _sq_batch_relay_post (batch, sink->relay);
    }
}

/* Takes @info. */
void
_sq_key_sink_add (SqKeySink *sink,
                  SqKeyInfo *info)
{
  sink->n_keys++;
  if (sink->entries != NULL)
    {
      Entry entry = { 0, info };

      g_array_append_val (sink->entries, entry);
      return;
    }

  if (sink->batch == NULL)
    {
      sink->batch_limit = sink->batch_limit == 0 ? KEY_FIRST_BATCH_SIZE : MIN (2 * sink->batch_limit, KEY_BATCH_SIZE);
      sink->batch = g_ptr_array_new_full (sink->batch_limit, (GDestroyNotify) sq_key_info_unref);
      sink->batch_start = g_get_monotonic_time ();
    }
  g_ptr_array_add (sink->batch, info);
  if (sink->batch->len >= sink->batch_limit ||
      g_get_monotonic_time () - sink->batch_start >= SQ_PROGRESS_INTERVAL_USEC)
    key_sink_flush (sink);
}

SqKeySink *
_sq_key_sink_new_collecting (void)
{
  SqKeySink *sink = g_new0 (SqKeySink, 1);

  sink->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return sink;
}

/* With @keep FALSE, drops what was collected and returns %NULL. */
GPtrArray *
_sq_key_sink_free_to_sorted (SqKeySink *sink,
                             gboolean   keep)
{
  GArray *entries = sink->entries;
  GPtrArray *keys = NULL;

  if (keep)
    {
      set_prefixes (entries);
      sort_entries ((Entry *) (void *) entries->data, entries->len, 2 * g_bit_storage (entries->len));
      keys = g_ptr_array_new_full (entries->len, (GDestroyNotify) sq_key_info_unref);
      for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add (keys, g_array_index (entries, Entry, i).info);
    }
  else
    for (guint i = 0; i < entries->len; i++)
      sq_key_info_unref (g_array_index (entries, Entry, i).info);
  g_array_unref (entries);
  g_free (sink);
  return keys;
}

/**
 * sq_store_list_keys:
 * @flags: whether to read each file's size and time
 * @cancellable: (nullable): a #GCancellable
 *
 * Lists the store's keys in squirrel's order: the shard file names, `.gz`
 * included, sorted by code point. Subdirectories and other files are
 * skipped; a missing directory has no keys.
 *
 * Returns: (transfer full) (element-type SqKeyInfo): the keys, or %NULL
 */
GPtrArray *
sq_store_list_keys (SqStore          *self,
                    SqListKeysFlags   flags,
                    GCancellable     *cancellable,
                    GError          **error)
{
  SqKeySink *sink;
  gboolean ok;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  _sq_assert_not_main_thread ();

  sink = _sq_key_sink_new_collecting ();
  ok = SQ_BACKEND_GET_IFACE (self->backend)->list_keys (self->backend, self, flags, FALSE, sink, cancellable, error);
  return _sq_key_sink_free_to_sorted (sink, ok);
}

static void
list_keys_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *keys = sq_store_list_keys (source_object, GPOINTER_TO_UINT (task_data), cancellable, &error);

  if (keys == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sq_store_list_keys_async:
 * @flags: whether to read each file's size and time
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the keys
 * @user_data: data for @callback
 *
 * Runs sq_store_list_keys() on a worker.
 */
void
sq_store_list_keys_async (SqStore             *self,
                          SqListKeysFlags      flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_list_keys_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (flags), NULL);
  g_task_run_in_thread (task, list_keys_thread);
}

/**
 * sq_store_list_keys_finish:
 *
 * Returns: (transfer full) (element-type SqKeyInfo): the keys, or %NULL
 */
GPtrArray *
sq_store_list_keys_finish (SqStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_list_keys_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A streamed listing: the worker hands its batches to a SqBatchRelay
 * (sq-worker.c), which gives them to the caller one per main loop
 * iteration and then returns the caller's task. */
typedef struct
{
  SqListKeysFlags  flags;
  SqBatchRelay    *relay;
} KeyStream;

static void
key_stream_free (KeyStream *stream)
{
  _sq_batch_relay_unref (stream->relay);
  g_free (stream);
}

static void
list_keys_streamed_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  SqStore *self = source_object;
  KeyStream *stream = task_data;
  SqKeySink sink = { NULL, stream->relay, NULL, 0, 0, 0 };
  GError *error = NULL;
  gboolean ok;

  ok = SQ_BACKEND_GET_IFACE (self->backend)->list_keys (self->backend, self, stream->flags, TRUE, &sink,
                                                         cancellable, &error);
  if (ok)
    key_sink_flush (&sink);
  g_clear_pointer (&sink.batch, g_ptr_array_unref);
  _sq_batch_relay_finish (stream->relay, sink.n_keys, error);

  g_task_return_boolean (task, TRUE);
}

/**
 * sq_store_list_keys_streamed_async:
 * @flags: whether to read each file's size and time
 * @cancellable: (nullable): a #GCancellable
 * @batch: called with keys as the listing finds them, on the thread-default
 *   main context of the caller, once per main loop iteration at most
 * @batch_data: data for @batch
 * @batch_notify: (nullable): frees @batch_data, on the caller's context,
 *   before @callback runs
 *
 * Lists the store's keys on a worker, as sq_store_list_keys() does, but
 * hands them over as they are found, in batches (of up to 1000 keys, or
 * what 50 ms found), so that the first keys of a store of 100,000 shards
 * show at once. Callers must not rely on the order of the keys: a local
 * store gives them in squirrel's order (its names are read, and sorted,
 * before any file size), other locations in the order they are found.
 * Every batch comes before @callback; none comes once @cancellable is
 * cancelled (from the caller's thread).
 */
void
sq_store_list_keys_streamed_async (SqStore             *self,
                                   SqListKeysFlags      flags,
                                   GCancellable        *cancellable,
                                   SqKeyBatchCallback   batch,
                                   gpointer             batch_data,
                                   GDestroyNotify       batch_notify,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  KeyStream *stream;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (batch != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_list_keys_streamed_async);

  stream = g_new0 (KeyStream, 1);
  stream->flags = flags;
  stream->relay = _sq_batch_relay_new (batch, batch_data, batch_notify, g_steal_pointer (&task));

  /* The caller's task returns from the drain source, after the last batch;
   * this one only runs the listing. */
  worker = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (worker, list_keys_streamed_thread);
  g_task_set_task_data (worker, stream, (GDestroyNotify) key_stream_free);
  g_task_run_in_thread (worker, list_keys_streamed_thread);
}

/**
 * sq_store_list_keys_streamed_finish:
 * @n_keys: (out) (optional): how many keys the batches held
 *
 * Returns: whether the listing went through
 */
gboolean
sq_store_list_keys_streamed_finish (SqStore       *self,
                                    GAsyncResult  *result,
                                    guint         *n_keys,
                                    GError       **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_list_keys_streamed_async, FALSE);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (n_keys != NULL)
    *n_keys = (guint) n;
  return TRUE;
}
