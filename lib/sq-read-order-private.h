/* sq-read-order-private.h: shards read at once, with what the store
 * infers from them as if they were read one after another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-store.h"

G_BEGIN_DECLS

typedef struct _SqReadOrder SqReadOrder;

/* For a run over @n_keys shards of @store, handed over in index order. */
SqReadOrder   *_sq_read_order_new         (SqStore       *store,
                                           guint          n_keys);
void           _sq_read_order_free        (SqReadOrder   *self);

/* On a worker: opens shard @index as sq_store_open_shard() does, but a
 * shard that decodes both ways waits, for the store's serializer, until
 * every shard before it was handed over, and what it shows counts only
 * when it is handed over itself. @cancellable (the run's) wakes the waiting shards when it is
 * cancelled. */
SqShardReader *_sq_read_order_open        (SqReadOrder   *self,
                                           guint          index,
                                           const char    *key,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* On the delivering thread, once per shard, in index order, whether or
 * not it was opened: counts what shard @index showed read to its end. */
void           _sq_read_order_handed_over (SqReadOrder   *self,
                                           guint          index,
                                           const char    *key);

/* The run stops: nothing waits any more (readings are then thrown away). */
void           _sq_read_order_stop        (SqReadOrder   *self);

G_END_DECLS
