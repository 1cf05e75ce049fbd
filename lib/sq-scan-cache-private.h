/* sq-scan-cache-private.h: shard scans kept on disk between runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The cache directory is kept under this many bytes. */
#define SQ_SCAN_CACHE_MAX_BYTES (G_GINT64_CONSTANT (256) << 20)

char       *_sq_scan_cache_get_path (GFile         *location);
/* Key -> the entry's GVariant (SQ_SHARD_SCAN_VARIANT_TYPE), read into
 * an SqShardScan by _sq_shard_scan_from_variant() where it is needed: on
 * the worker that handles the shard, not all at once before the run. */
GHashTable *_sq_scan_cache_load     (GFile         *location);
gboolean    _sq_scan_cache_save     (GFile         *location,
                                     GPtrArray     *scans,
                                     GPtrArray     *entries,
                                     GError       **error);

G_END_DECLS
