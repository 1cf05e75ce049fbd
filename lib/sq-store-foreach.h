/* sq-store-foreach.h: one function over many shards of a store on all
 * cores, the results handed back in key order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-shard-reader.h"
#include "sq-store.h"

G_BEGIN_DECLS

/**
 * SqStoreShardFunc:
 * @store: the store
 * @index: the shard's place in the keys given
 * @key: the shard's key
 * @reader: (transfer none): the shard, opened as sq_store_open_shard()
 *   opens it; valid during the call only
 * @user_data: the data given to sq_store_foreach_shard()
 * @cancellable: cancelled when the run stops: pass it on to the reader
 * @error: return location for an error
 *
 * Runs on a worker thread, for one shard at a time, while other workers
 * run it for other shards: it must touch nothing of the caller's thread
 * but what it was given to read, or guards itself.
 *
 * Returns: (transfer full) (nullable): the result, handed to the done
 *   function; %NULL with @error set if the shard failed (a %NULL without
 *   an error is a result too)
 */
typedef gpointer (*SqStoreShardFunc) (SqStore        *store,
                                      guint           index,
                                      const char     *key,
                                      SqShardReader  *reader,
                                      gpointer        user_data,
                                      GCancellable   *cancellable,
                                      GError        **error);

/**
 * SqStoreShardDoneFunc:
 * @store: the store
 * @index: the shard's place in the keys given
 * @key: the shard's key
 * @result: (transfer full) (nullable): what the shard function returned
 *   (the callee frees it), %NULL when it failed
 * @error: (transfer none) (nullable): why the shard could not be opened
 *   or why the shard function failed; the message names the shard when
 *   the library made it
 * @user_data: the data given to sq_store_foreach_shard()
 *
 * Runs on the thread that called sq_store_foreach_shard(), once per shard,
 * in the order of the keys given.
 *
 * Returns: %TRUE to go on, %FALSE to stop: no shard after this one is
 *   handed over, and those under way are cancelled
 */
typedef gboolean (*SqStoreShardDoneFunc) (SqStore       *store,
                                          guint          index,
                                          const char    *key,
                                          gpointer       result,
                                          const GError  *error,
                                          gpointer       user_data);

gboolean sq_store_foreach_shard (SqStore              *self,
                                 const char * const   *keys,
                                 guint                 n_keys,
                                 guint                 n_threads,
                                 SqStoreShardFunc      func,
                                 GDestroyNotify        result_free,
                                 SqStoreShardDoneFunc  done,
                                 gpointer              user_data,
                                 GCancellable         *cancellable,
                                 GError              **error);

G_END_DECLS
