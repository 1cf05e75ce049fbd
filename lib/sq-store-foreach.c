/* sq-store-foreach.c: one function over many shards of a store on the
 * shard pool, with the same results as reading them one after another
 *
 * Shards read in parallel must not change what a store infers from them.
 * A shard that decodes both ways is read with the store's serializer,
 * which depends on what the shards read before it showed
 * (sq-store-serializer.c). Read one after another, shard i sees the
 * evidence of shards 0..i-1 and nothing of the later ones. So here a
 * shard's evidence is counted only when its result is handed over, in
 * key order, and an ambiguous shard waits to ask for the store's
 * serializer until every shard before it was handed over: it sees what
 * it would have seen, and the store ends with the same evidence. Only
 * ambiguous shards wait, and only for the shards before them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-shard-pool-private.h"
#include "sq-shard-reader-private.h"
#include "sq-store-foreach.h"
#include "sq-store-private.h"
#include "sq-worker-private.h"

typedef struct
{
  SqStore              *store;
  SqStoreShardFunc      func;
  GDestroyNotify        result_free;
  SqStoreShardDoneFunc  done;
  gpointer              user_data;

  GMutex                lock;
  GCond                 cond;
  guint                 n_counted;  /* shards 0..n_counted-1 handed over, their evidence counted */
  gboolean              stopping;
  GCancellable         *inner;      /* the pool's, once a worker saw it */
  gulong                handler;
} Run;

/* What a worker hands back for one shard. */
typedef struct
{
  gpointer        result;
  GError         *error;
  gboolean        finished;  /* read to its end: its evidence counts */
  SqShardEvidence evidence;
  Run            *run;       /* for result_free */
} Outcome;

/* Belongs to the reader (freed with it): what an ambiguous shard needs to
 * wait for its turn, and where its evidence goes. */
typedef struct
{
  SqStore        *store;
  Run            *run;       /* NULL once the shard function returned */
  guint           index;
  gboolean        finished;
  SqShardEvidence evidence;
} Slot;

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_object_unref (slot->store);
  g_free (slot);
}

static SqSerializer
slot_resolve (gpointer      data,
              GCancellable *cancellable)
{
  Slot *slot = data;
  Run *run = slot->run;

  if (run != NULL)
    {
      gboolean stopping;

      g_mutex_lock (&run->lock);
      while (run->n_counted < slot->index && !run->stopping)
        g_cond_wait (&run->cond, &run->lock);
      stopping = run->stopping;
      g_mutex_unlock (&run->lock);
      /* Stopping: the result is thrown away, any reading will do. */
      if (stopping)
        return SQ_SERIALIZER_AUTO;
    }
  return sq_store_detect_serializer (slot->store, cancellable, NULL);
}

static void
slot_done (SqShardReader *reader,
           gpointer       data)
{
  Slot *slot = data;

  slot->finished = TRUE;
  slot->evidence = sq_shard_reader_get_evidence (reader);
}

static void
run_cancelled (GCancellable *cancellable,
               gpointer      data)
{
  Run *run = data;

  g_mutex_lock (&run->lock);
  run->stopping = TRUE;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

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
  Slot *slot = NULL;
  gboolean first;

  outcome->run = run;

  /* The pool cancels its own cancellable on a stop: waiting shards must
   * hear it. Connected outside the lock, as it may run at once. */
  g_mutex_lock (&run->lock);
  first = run->inner == NULL;
  if (first)
    run->inner = g_object_ref (cancellable);
  g_mutex_unlock (&run->lock);
  if (first)
    run->handler = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled), run, NULL);

  reader = _sq_store_open_shard_raw (run->store, key, cancellable, &outcome->error);
  if (reader == NULL)
    return outcome;

  if (sq_store_get_serializer_source (run->store) == SQ_SERIALIZER_SOURCE_CHOSEN)
    sq_shard_reader_force_serializer (reader, sq_store_get_serializer (run->store));
  else
    {
      slot = g_new0 (Slot, 1);
      slot->store = g_object_ref (run->store);
      slot->run = run;
      slot->index = index;
      _sq_shard_reader_set_resolver (reader, slot_resolve, slot_done, slot, slot_free);
    }

  outcome->result = run->func (run->store, index, key, reader, run->user_data, cancellable, &outcome->error);
  if (slot != NULL)
    {
      /* A reader kept past the call asks the store as it is then. */
      slot->run = NULL;
      outcome->finished = slot->finished;
      outcome->evidence = slot->evidence;
    }
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
    return FALSE;

  if (outcome->finished)
    _sq_store_record_read (run->store, key, outcome->evidence);
  g_mutex_lock (&run->lock);
  run->n_counted = index + 1;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);

  go_on = run->done (run->store, index, key, g_steal_pointer (&outcome->result), outcome->error, run->user_data);
  outcome_free (outcome);
  if (!go_on)
    run_cancelled (NULL, run);
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
  run.func = func;
  run.result_free = result_free;
  run.done = done;
  run.user_data = user_data;
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);

  ok = _sq_shard_pool_run (keys, n_keys, n_threads, 0, SQ_SHARD_POOL_DEFAULT, foreach_work, outcome_free,
                           foreach_done, &run, cancellable, error);

  if (run.inner != NULL)
    {
      g_cancellable_disconnect (run.inner, run.handler);
      g_object_unref (run.inner);
    }
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
  return ok;
}
