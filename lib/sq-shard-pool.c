/* sq-shard-pool.c: one function over many shards on a few threads, the
 * results handed back in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-shard-pool-private.h"
#include "sq-worker-private.h"

typedef struct
{
  GMutex               lock;
  GCond                cond;
  const char * const  *keys;
  guint                n_keys;
  guint                max_ahead;
  guint                next_to_start;
  guint                next_to_deliver;
  gpointer            *results;
  GError             **errors;
  gboolean            *ready;
  gboolean             stop;
  SqShardPoolFlags     flags;
  SqShardPoolWork      work;
  gpointer             user_data;
  GCancellable        *inner;   /* what the work sees: cancelled on a stop too */
} Pool;

static gpointer
pool_worker (gpointer data)
{
  Pool *pool = data;
  SqBackgroundPriority saved = { 0, FALSE };

  if (pool->flags & SQ_SHARD_POOL_BACKGROUND)
    _sq_background_priority_enter (&saved);

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      guint index;
      gpointer result;
      GError *error = NULL;

      /* Bounded look-ahead: a slow item does not let the others pile up
       * results that nobody can take yet. */
      while (!pool->stop && pool->next_to_start < pool->n_keys &&
             pool->next_to_start >= pool->next_to_deliver + pool->max_ahead)
        g_cond_wait (&pool->cond, &pool->lock);
      if (pool->stop || pool->next_to_start >= pool->n_keys)
        break;
      index = pool->next_to_start++;
      g_mutex_unlock (&pool->lock);

      result = pool->work (index, pool->keys[index], pool->user_data, pool->inner, &error);

      g_mutex_lock (&pool->lock);
      pool->results[index] = result;
      pool->errors[index] = error;
      pool->ready[index] = TRUE;
      g_cond_broadcast (&pool->cond);
    }
  g_mutex_unlock (&pool->lock);

  if (pool->flags & SQ_SHARD_POOL_BACKGROUND)
    _sq_background_priority_leave (&saved);
  return NULL;
}

static void
pool_stop (Pool *pool)
{
  g_mutex_lock (&pool->lock);
  pool->stop = TRUE;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
}

static void
pool_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  Pool *pool = data;

  pool_stop (pool);
  g_cancellable_cancel (pool->inner);
}

gboolean
_sq_shard_pool_run (const char * const *keys,
                    guint               n_keys,
                    guint               n_threads,
                    guint               max_ahead,
                    SqShardPoolFlags    flags,
                    SqShardPoolWork     work,
                    GDestroyNotify      result_free,
                    SqShardPoolDone     done,
                    gpointer            user_data,
                    GCancellable       *cancellable,
                    GError            **error)
{
  Pool pool = { 0 };
  g_autoptr(GPtrArray) threads = NULL;
  gulong handler = 0;
  gboolean delivered_all;

  g_return_val_if_fail (keys != NULL || n_keys == 0, FALSE);
  g_return_val_if_fail (work != NULL && done != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (n_keys == 0)
    return TRUE;

  if (n_threads == 0)
    n_threads = MAX (g_get_num_processors (), 1);
  n_threads = MIN (n_threads, n_keys);
  if (max_ahead == 0)
    max_ahead = 2 * n_threads;

  g_mutex_init (&pool.lock);
  g_cond_init (&pool.cond);
  pool.keys = keys;
  pool.n_keys = n_keys;
  pool.max_ahead = max_ahead;
  pool.results = g_new0 (gpointer, n_keys);
  pool.errors = g_new0 (GError *, n_keys);
  pool.ready = g_new0 (gboolean, n_keys);
  pool.flags = flags;
  pool.work = work;
  pool.user_data = user_data;
  pool.inner = g_cancellable_new ();

  /* Connected before any lock is taken: it runs at once if already
   * cancelled. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (pool_cancelled), &pool, NULL);

  threads = g_ptr_array_new ();
  for (guint i = 0; i < n_threads; i++)
    {
      GError *local_error = NULL;
      GThread *thread = g_thread_try_new ("sq-shard-pool", pool_worker, &pool, &local_error);

      if (thread == NULL)
        {
          /* Fewer threads still finish the work; none cannot. */
          g_debug ("a shard pool thread could not start: %s", local_error->message);
          g_error_free (local_error);
          break;
        }
      g_ptr_array_add (threads, thread);
    }

  if (threads->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no worker thread could be started");
      pool.stop = TRUE;
    }

  g_mutex_lock (&pool.lock);
  while (!pool.stop && pool.next_to_deliver < n_keys)
    {
      guint index = pool.next_to_deliver;
      gpointer result;
      GError *item_error;
      gboolean go_on;

      while (!pool.stop && !pool.ready[index])
        g_cond_wait (&pool.cond, &pool.lock);
      if (pool.stop)
        break;
      result = g_steal_pointer (&pool.results[index]);
      item_error = g_steal_pointer (&pool.errors[index]);
      pool.next_to_deliver++;
      g_cond_broadcast (&pool.cond);
      g_mutex_unlock (&pool.lock);

      go_on = done (index, keys[index], result, item_error, user_data);
      g_clear_error (&item_error);

      g_mutex_lock (&pool.lock);
      if (!go_on)
        {
          pool.stop = TRUE;
          g_cond_broadcast (&pool.cond);
          g_mutex_unlock (&pool.lock);
          g_cancellable_cancel (pool.inner);
          g_mutex_lock (&pool.lock);
        }
    }
  delivered_all = pool.next_to_deliver == n_keys;
  g_mutex_unlock (&pool.lock);

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  for (guint i = 0; i < n_keys; i++)
    {
      if (pool.results[i] != NULL && result_free != NULL)
        result_free (pool.results[i]);
      g_clear_error (&pool.errors[i]);
    }
  g_free (pool.results);
  g_free (pool.errors);
  g_free (pool.ready);
  g_object_unref (pool.inner);
  g_mutex_clear (&pool.lock);
  g_cond_clear (&pool.cond);

  if (threads->len == 0)
    return FALSE;
  if (!delivered_all && g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return TRUE;
}
