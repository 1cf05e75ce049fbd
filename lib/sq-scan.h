/* sq-scan.h: seeing a whole store: the scan, its schema, field statistics,
 * drift and queries
 *
 * The pieces, each in its own header:
 * - #SqQuery (sq-query.h): a Python-shaped expression over one sample.
 * - #SqShardScan (sq-shard-scan.h): one shard decoded: samples, field
 *   statistics, query matches, or its error.
 * - #SqFieldStats (sq-field-stats.h): one field, mergeable across shards.
 * - #SqSchema (sq-schema.h): every field of the shards added, and their
 *   #SqDrift (sq-drift.h).
 * - #SqStoreScan (sq-store-scan.h): all shards on a worker pool, with
 *   progress, partial results on the caller's main context and a cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-drift.h"
#include "sq-field-stats.h"
#include "sq-query.h"
#include "sq-schema.h"
#include "sq-shard-scan.h"
#include "sq-store-scan.h"
