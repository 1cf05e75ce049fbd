/* sq-shard-pool-private.h: one function over many shards on a few
 * threads, the results handed back in the shards' order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs on a worker for item @index (@key is keys[index]). Returns the
 * result, or NULL with @error set; a NULL without an error is a valid
 * "nothing". It must not touch objects of the caller's thread but those
 * it was given to read (a store, a query): workers run at once. */
typedef gpointer (*SqShardPoolWork) (guint          index,
                                     const char    *key,
                                     gpointer       user_data,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* Runs on the thread that called _sq_shard_pool_run(), once per item, in
 * item order (index 0, 1, 2...): @result is the work's (transfer full:
 * the callee owns it and frees it), @error its error (transfer none,
 * NULL on success). Returns FALSE to stop: no item after this one is
 * delivered, and work still running is cancelled and its results freed. */
typedef gboolean (*SqShardPoolDone) (guint          index,
                                     const char    *key,
                                     gpointer       result,
                                     const GError  *error,
                                     gpointer       user_data);

/**
 * SqShardPoolFlags:
 * @SQ_SHARD_POOL_DEFAULT: workers at the caller's priority
 * @SQ_SHARD_POOL_BACKGROUND: workers at background priority (for work
 *   behind a window: its main loop keeps the CPU it needs)
 */
typedef enum
{
  SQ_SHARD_POOL_DEFAULT = 0,
  SQ_SHARD_POOL_BACKGROUND = 1 << 0,
} SqShardPoolFlags;

/* _sq_shard_pool_run:
 * @keys: the items (shard keys), in the order results are delivered
 * @n_keys: how many
 * @n_threads: workers; 0 for g_get_num_processors(); never more than
 *   @n_keys
 * @max_ahead: how many results at most may wait for delivery (or be
 *   worked on) beyond the next one to deliver: a bound on the memory the
 *   results take when one item is slow; 0 for 2 per worker
 * @work: what each worker runs per item
 * @result_free: (nullable): frees a result that is never delivered (after
 *   a stop or a cancel)
 * @done: what the caller's thread runs per result, in order
 * @user_data: for @work and @done
 * @cancellable: (nullable): stops the run; results not yet delivered are
 *   freed with @result_free
 * @error: G_IO_ERROR_CANCELLED if @cancellable was cancelled before every
 *   item was delivered
 *
 * Runs @work over @keys on @n_threads threads of its own and hands each
 * result to @done on the calling thread, in order, as soon as it and all
 * before it are done. Blocks until every item is delivered, @done
 * returned FALSE, or @cancellable is cancelled; all workers have ended
 * when it returns. With one item or one thread, the work still runs on a
 * worker (so the work never runs on the calling thread: a main-thread
 * check inside it holds).
 *
 * Returns: FALSE with @error when cancelled; TRUE otherwise (also when
 *   @done stopped the run).
 */
gboolean _sq_shard_pool_run (const char * const *keys,
                             guint               n_keys,
                             guint               n_threads,
                             guint               max_ahead,
                             SqShardPoolFlags    flags,
                             SqShardPoolWork     work,
                             GDestroyNotify      result_free,
                             SqShardPoolDone     done,
                             gpointer            user_data,
                             GCancellable       *cancellable,
                             GError            **error);

G_END_DECLS
