/* sq-store-scan.h: every shard of a store decoded on all cores, with
 * progress, partial results, a query, and a cache on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-query.h"
#include "sq-schema.h"
#include "sq-shard-scan.h"
#include "sq-store.h"

G_BEGIN_DECLS

/**
 * SqStoreScan:
 *
 * A scan of every shard of an #SqStore: listed, then decoded on
 * g_get_num_processors() workers (see sq_store_scan_set_n_workers()). As
 * each shard finishes, in squirrel's key order, the scan adds it to its
 * #SqSchema, updates its counters and emits #SqStoreScan::shard-scanned,
 * all on the main context that was the thread-default one when the scan
 * started (sq_store_scan_run_async()), or on the thread that runs the
 * blocking sq_store_scan_run(). Workers never touch the scan, its schema
 * or the caller's objects: they hand over immutable #SqShardScan results.
 *
 * A shard that cannot be read or decoded is a result too (its
 * sq_shard_scan_get_error() says why) and the others are scanned; the
 * run itself fails only when it is cancelled or the store cannot be
 * listed.
 *
 * **Cache.** Unless sq_store_scan_set_use_cache() turned it off, each
 * shard's result is kept in `$XDG_CACHE_HOME/drey/scan/` (one file per
 * store location, g_get_user_cache_dir()), stamped with the shard's size,
 * time and etag from sq_store_query_shard(). A rerun over an unchanged
 * shard takes its result from the cache without decoding it, so reopening
 * a scanned store shows its schema at once and only changed shards are
 * decoded again. With a query, a cached shard is decoded again unless its
 * entry holds the matches of the same expression. Cache files are written
 * atomically, carry a format version and a checksum, and one that does not
 * check out (or is for another location) is ignored and rewritten; the
 * directory is kept under 256 MiB by removing the least recently written
 * files.
 *
 * Signals and properties:
 * - #SqStoreScan::shard-scanned (SqShardScan *shard): a shard finished
 *   (or came from the cache), in key order. A failed shard is reported
 *   here too.
 * - #SqStoreScan:n-shards (guint): shards in the store, known once listed.
 * - #SqStoreScan:n-shards-done (guint): shards finished so far.
 * - #SqStoreScan:bytes-total, #SqStoreScan:bytes-done (guint64):
 *   compressed bytes of all shards and of those finished.
 * - #SqStoreScan:n-failed (guint): shards that could not be scanned.
 * - #SqStoreScan:running (gboolean).
 * Each notify comes on the scan's main context, after the schema has
 * the shard.
 *
 * Functions:
 * - sq_store_scan_new(): (transfer full) a scan of @store; @query
 *   (nullable) is run on every sample.
 * - sq_store_scan_get_store(), sq_store_scan_get_query(): (transfer none).
 * - sq_store_scan_set_n_workers(): worker threads (0, the default:
 *   g_get_num_processors()). Before the run.
 * - sq_store_scan_set_use_cache(): %FALSE to neither read nor write the
 *   cache. Before the run.
 * - sq_store_scan_set_keep_matches(): with a query, each shard's matching
 *   samples are handed over with it, for sq_store_scan_get_matched_samples()
 *   during #SqStoreScan::shard-scanned (drey-cli query --cat prints them
 *   without reading the shard again). Before the run.
 * - sq_store_scan_run(): blocks until every shard is scanned; %FALSE with
 *   @error when cancelled or when the store cannot be listed. Signals are
 *   emitted on the calling thread, which must not be the thread of the
 *   default main context in a program that runs one (see the library's
 *   main-thread check).
 * - sq_store_scan_run_async() / sq_store_scan_run_finish(): the same on a
 *   worker; results arrive on the caller's thread-default main context,
 *   the callback comes after the last of them. A scan runs once.
 * - sq_store_scan_get_schema(): (transfer none) the schema of the shards
 *   finished so far, growing as they finish.
 * - sq_store_scan_get_shards(): (transfer none) (element-type SqShardScan)
 *   the shards finished so far, in key order (failed ones included).
 * - sq_store_scan_lookup_shard(): (transfer none) (nullable) one of them.
 * - sq_store_scan_get_n_shards(), sq_store_scan_get_n_shards_done(),
 *   sq_store_scan_get_bytes_total(), sq_store_scan_get_bytes_done(),
 *   sq_store_scan_get_n_failed(), sq_store_scan_get_n_from_cache(),
 *   sq_store_scan_get_n_matches() (samples matching the query so far, 0
 *   without one), sq_store_scan_is_running().
 */

#define SQ_TYPE_STORE_SCAN (sq_store_scan_get_type ())

G_DECLARE_FINAL_TYPE (SqStoreScan, sq_store_scan, SQ, STORE_SCAN, GObject)

SqStoreScan  *sq_store_scan_new              (SqStore              *store,
                                              SqQuery              *query);
SqStore      *sq_store_scan_get_store        (SqStoreScan          *self);
SqQuery      *sq_store_scan_get_query        (SqStoreScan          *self);
void          sq_store_scan_set_n_workers    (SqStoreScan          *self,
                                              guint                 n_workers);
void          sq_store_scan_set_use_cache    (SqStoreScan          *self,
                                              gboolean              use_cache);
void          sq_store_scan_set_keep_matches (SqStoreScan          *self,
                                              gboolean              keep);
GPtrArray    *sq_store_scan_get_matched_samples (SqStoreScan       *self);

gboolean      sq_store_scan_run              (SqStoreScan          *self,
                                              GCancellable         *cancellable,
                                              GError              **error);
void          sq_store_scan_run_async        (SqStoreScan          *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean      sq_store_scan_run_finish       (SqStoreScan          *self,
                                              GAsyncResult         *result,
                                              GError              **error);

SqSchema     *sq_store_scan_get_schema       (SqStoreScan          *self);
GPtrArray    *sq_store_scan_get_shards       (SqStoreScan          *self);
SqShardScan  *sq_store_scan_lookup_shard     (SqStoreScan          *self,
                                              const char           *key);
guint         sq_store_scan_get_n_shards     (SqStoreScan          *self);
guint         sq_store_scan_get_n_shards_done (SqStoreScan         *self);
guint64       sq_store_scan_get_bytes_total  (SqStoreScan          *self);
guint64       sq_store_scan_get_bytes_done   (SqStoreScan          *self);
guint         sq_store_scan_get_n_failed     (SqStoreScan          *self);
guint         sq_store_scan_get_n_from_cache (SqStoreScan          *self);
guint64       sq_store_scan_get_n_matches    (SqStoreScan          *self);
gboolean      sq_store_scan_is_running       (SqStoreScan          *self);

G_END_DECLS
