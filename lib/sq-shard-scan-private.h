/* sq-shard-scan-private.h: what the store scan, the schema and the cache
 * need of a shard's scan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-field-stats-private.h"
#include "sq-key-info.h"
#include "sq-read-order-private.h"
#include "sq-shard-scan.h"

G_BEGIN_DECLS

/* At most this many field paths are kept per shard; a shard with more
 * (hostile, or keyed by ids) keeps the first ones. */
#define SQ_SHARD_SCAN_MAX_FIELDS 4096

/* Scans with the stamp already queried; NULL only when cancelled. With
 * @matched (empty, freeing with sq_value_unref), it is filled with the
 * samples that match @query, in order; left empty for a shard that fails.
 * With @order, the shard is opened as shard @index of that run. */
SqShardScan  *_sq_shard_scan_new_stamped   (SqStore            *store,
                                            SqReadOrder        *order,
                                            guint               index,
                                            const char         *key,
                                            SqQuery            *query,
                                            gint64              size,
                                            gint64              mtime,
                                            const char         *etag,
                                            GPtrArray          *matched,
                                            GCancellable       *cancellable,
                                            GError            **error);
SqShardScan  *_sq_shard_scan_new_failed    (const char         *key,
                                            gint64              size,
                                            gint64              mtime,
                                            const GError       *error);
SqKeyInfo    *_sq_shard_scan_get_info      (const SqShardScan  *scan);
SqFieldStats *_sq_shard_scan_lookup_field  (const SqShardScan  *scan,
                                            const char         *path);
gboolean      _sq_shard_scan_has_stamp     (const SqShardScan  *scan,
                                            gint64              size,
                                            gint64              mtime,
                                            const char         *etag);

/* The cache's form: a scan read back is marked from the cache. */
#define SQ_SHARD_SCAN_VARIANT_TYPE \
  "(sxxmsm(sis)ua" SQ_FIELD_STATS_VARIANT_TYPE "msmau)"
GVariant     *_sq_shard_scan_to_variant    (const SqShardScan  *scan);
SqShardScan  *_sq_shard_scan_from_variant  (GVariant           *variant);

G_END_DECLS
