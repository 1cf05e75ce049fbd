/* sq-store-foreach.c: one function over many shards of a store on the
 * shard pool, with the same results as reading them one after another
 * (sq-read-order.c says how)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-read-order-private.h"
#include "sq-shard-pool-private.h"
#include "sq-store-foreach.h"
#include "sq-worker-private.h"

typedef struct
{
  SqStore              *store;
  SqReadOrder          *order;
  SqStoreShardFunc      func;
  GDestroyNotify        result_free;
  SqStoreShardDoneFunc  done;
  gpointer              user_data;
} Run;

/* What a worker hands back for one shard. */
typedef struct
{
  gpointer  result;
  GError   *error;
  Run      *run;      /* for result_free */
} Outcome;

static void
outcome_free (gpointer data)
{
  Outcome *outcome = data;

  if (outcome->result != NULL && outcome->run->result_free != NULL)
    outcome->run->result_free (outcome->result);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

static gpointer
foreach_work (guint          index,
              const char    *key,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  Run *run = user_data;
  Outcome *outcome = g_new0 (Outcome, 1);
  g_autoptr(SqShardReader) reader = NULL;

  outcome->run = run;
  reader = _sq_read_order_open (run->order, index, key, cancellable, &outcome->error);
  if (reader != NULL)
    outcome->result = run->func (run->store, index, key, reader, run->user_data, cancellable, &outcome->error);
  return outcome;
}

static gboolean
foreach_done (guint          index,
              const char    *key,
              gpointer       result,
              const GError  *error,
              gpointer       user_data)
{
  Run *run = user_data;
  Outcome *outcome = result;
  gboolean go_on;

  /* Only a cancel leaves no outcome: the pool is stopping anyway. */
  if (outcome == NULL)
    {
      _sq_read_order_stop (run->order);
      return FALSE;
    }

  _sq_read_order_handed_over (run->order, index, key);
  go_on = run->done (run->store, index, key, g_steal_pointer (&outcome->result), outcome->error, run->user_data);
  outcome_free (outcome);
  if (!go_on)
    _sq_read_order_stop (run->order);
  return go_on;
}

/**
 * sq_store_foreach_shard:
 * @keys: (array length=n_keys): the shards, in the order their results
 *   are handed over
 * @n_keys: how many
 * @n_threads: worker threads; 0 for one per processor
 * @func: what a worker runs per shard, with the shard opened
 * @result_free: (nullable): frees a result that is never handed over
 *   (after a stop or a cancel)
 * @done: what the calling thread runs per shard, in key order
 * @user_data: for @func and @done
 * @cancellable: (nullable): stops the run
 * @error: return location for an error
 *
 * Opens each shard of @keys as sq_store_open_shard() does and runs @func
 * on it, on @n_threads threads at once, and hands each result (or why the
 * shard could not be opened or read) to @done on the calling thread in
 * the order of @keys, as soon as it and all before it are done. At most
 * two results per thread wait to be handed over, so memory stays bounded
 * when one shard is slow.
 *
 * Everything the store infers from the shards comes out as if they were
 * read one after another in the order of @keys: a shard that decodes both
 * as msgpack and as JSON Lines is read with the serializer the shards
 * before it show, and what each shard read to its end showed counts
 * towards the store's serializer when its result is handed over. So
 * results, and what the store says of its serializer afterwards, do not
 * depend on @n_threads. (Shards that @func opens itself are read as
 * sq_store_open_shard() reads them.)
 *
 * Blocks until every shard is handed over, @done returned %FALSE or
 * @cancellable is cancelled; every worker has ended when it returns. The
 * work never runs on the calling thread.
 *
 * Returns: %FALSE with @error (%G_IO_ERROR_CANCELLED) when cancelled
 *   before every shard was handed over; %TRUE otherwise, also when @done
 *   stopped the run
 */
gboolean
sq_store_foreach_shard (SqStore              *self,
                        const char * const   *keys,
                        guint                 n_keys,
                        guint                 n_threads,
                        SqStoreShardFunc      func,
                        GDestroyNotify        result_free,
                        SqStoreShardDoneFunc  done,
                        gpointer              user_data,
                        GCancellable         *cancellable,
                        GError              **error)
{
  Run run = { 0 };
  gboolean ok;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (keys != NULL || n_keys == 0, FALSE);
  g_return_val_if_fail (func != NULL && done != NULL, FALSE);
  _sq_assert_not_main_thread ();

  run.store = self;
  run.order = _sq_read_order_new (self, n_keys);
  run.func = func;
  run.result_free = result_free;
  run.done = done;
  run.user_data = user_data;

  ok = _sq_shard_pool_run (keys, n_keys, n_threads, 0, SQ_SHARD_POOL_DEFAULT, foreach_work, outcome_free,
                           foreach_done, &run, cancellable, error);
  _sq_read_order_free (run.order);
  return ok;
}
