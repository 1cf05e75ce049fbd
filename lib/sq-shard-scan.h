/* sq-shard-scan.h: what one shard's scan found: its samples, its schema
 * and statistics, its query matches, or why it could not be read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-query.h"
#include "sq-schema.h"
#include "sq-store.h"

G_BEGIN_DECLS

/**
 * SqShardScan:
 *
 * One shard, scanned: immutable once made, so it can be handed from the
 * worker that made it to any thread.
 *
 * - sq_shard_scan_new(): decodes every sample of shard @key of @store
 *   (blocks; call it on a worker). Returns (transfer full) a scan, also
 *   for a shard that cannot be read or decoded (then
 *   sq_shard_scan_get_error() says why and it has no fields); %NULL with
 *   @error set only when cancelled, or when the shard's size and time
 *   cannot be queried. With a @query, it notes the samples that match.
 * - sq_shard_scan_ref() / sq_shard_scan_unref(): reference counting.
 * - sq_shard_scan_get_key(): the shard's key.
 * - sq_shard_scan_get_size(), sq_shard_scan_get_mtime() (microseconds),
 *   sq_shard_scan_get_etag() (nullable): the shard's stamp from
 *   sq_store_query_shard(), taken before it was read; what the cache
 *   compares.
 * - sq_shard_scan_get_error(): (nullable) why the shard could not be
 *   scanned (a #SQ_DECODE_ERROR naming the shard and the byte, an I/O
 *   error...).
 * - sq_shard_scan_get_n_samples(): samples decoded (for a failed shard,
 *   those before the error).
 * - sq_shard_scan_get_n_fields() / sq_shard_scan_get_field(): (transfer
 *   none) the shard's own field statistics, its contribution to an
 *   #SqSchema (see sq_schema_add_shard()); none for a failed shard.
 * - sq_shard_scan_get_query(): (nullable) the expression the matches are
 *   for.
 * - sq_shard_scan_get_matches(): (array length=n_matches) (nullable) the
 *   0-based indices of the samples that match, ascending; %NULL without a
 *   query (an empty array with one that nothing matches).
 * - sq_shard_scan_is_from_cache(): %TRUE if it was read from the scan
 *   cache rather than decoded.
 */

#define SQ_TYPE_SHARD_SCAN (sq_shard_scan_get_type ())

GType          sq_shard_scan_get_type        (void) G_GNUC_CONST;

SqShardScan   *sq_shard_scan_new             (SqStore              *store,
                                              const char           *key,
                                              SqQuery              *query,
                                              GCancellable         *cancellable,
                                              GError              **error);
SqShardScan   *sq_shard_scan_ref             (SqShardScan          *scan);
void           sq_shard_scan_unref           (SqShardScan          *scan);
const char    *sq_shard_scan_get_key         (const SqShardScan    *scan);
gint64         sq_shard_scan_get_size        (const SqShardScan    *scan);
gint64         sq_shard_scan_get_mtime       (const SqShardScan    *scan);
const char    *sq_shard_scan_get_etag        (const SqShardScan    *scan);
const GError  *sq_shard_scan_get_error       (const SqShardScan    *scan);
guint          sq_shard_scan_get_n_samples   (const SqShardScan    *scan);
guint          sq_shard_scan_get_n_fields    (const SqShardScan    *scan);
SqFieldStats  *sq_shard_scan_get_field       (const SqShardScan    *scan,
                                              guint                 index);
const char    *sq_shard_scan_get_query       (const SqShardScan    *scan);
const guint   *sq_shard_scan_get_matches     (const SqShardScan    *scan,
                                              guint                *n_matches);
gboolean       sq_shard_scan_is_from_cache   (const SqShardScan    *scan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqShardScan, sq_shard_scan_unref)

G_END_DECLS
