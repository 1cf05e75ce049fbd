/* sq-shard-reader-private.h: what the store asks of a shard reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-shard-reader.h"

G_BEGIN_DECLS

/* Called, at most once and only for a shard that decodes both ways, for
 * the serializer to read it with (the store's, found out from its other
 * shards); it may block. */
typedef SqSerializer (*SqSerializerResolveFunc) (gpointer      user_data,
                                                 GCancellable *cancellable);

/* Called once when the reader reaches the end of its shard. */
typedef void (*SqShardReaderDoneFunc) (SqShardReader *reader,
                                       gpointer       user_data);

void            _sq_shard_reader_set_resolver  (SqShardReader           *self,
                                                SqSerializerResolveFunc  resolve,
                                                SqShardReaderDoneFunc    done,
                                                gpointer                 user_data,
                                                GDestroyNotify           notify);
SqShardEvidence _sq_shard_reader_probe         (SqShardReader           *self,
                                                GCancellable            *cancellable,
                                                GError                 **error);

G_END_DECLS
