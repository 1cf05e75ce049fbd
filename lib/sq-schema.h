/* sq-schema.h: the fields of a store's samples, shard by shard, and how
 * they drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq-drift.h"
#include "sq-field-stats.h"
#include "sq-types.h"

G_BEGIN_DECLS

typedef struct _SqShardScan SqShardScan;

/**
 * SqSchema:
 *
 * Every field path of the samples of the shards added to it, with their
 * merged #SqFieldStats, and the drifts between them. An #SqStoreScan keeps
 * one that grows on the caller's main context as shards finish; a new
 * empty one can gather any set of #SqShardScan results (one shard's, a
 * query's shards...). Shards may be added in any order: fields list in
 * the order they first appear in key order, and the result does not
 * depend on the order of adding. Not thread-safe: use it from one thread.
 *
 * - sq_schema_new(): (transfer full) an empty schema.
 * - sq_schema_ref() / sq_schema_unref(): reference counting.
 * - sq_schema_add_shard(): merges a scanned shard (one that failed, or a
 *   key already added, is ignored: returns %FALSE).
 * - sq_schema_get_n_shards(), sq_schema_get_n_samples(): shards added and
 *   their samples.
 * - sq_schema_get_n_fields() / sq_schema_get_field(): (transfer none) the
 *   fields, parents before children (`metadata` before `metadata.key`).
 * - sq_schema_lookup_field(): (transfer none) (nullable) a field by path.
 * - sq_schema_get_presence(): the share of all samples that hold the
 *   field at least once (0 to 1; 0 for a path never seen).
 * - sq_schema_get_drifts(): (transfer full) (element-type SqDrift) every
 *   drift, in field order; each names the shards and samples concerned.
 *   Computed on each call, from what has been added so far.
 */
typedef struct _SqSchema SqSchema;

#define SQ_TYPE_SCHEMA (sq_schema_get_type ())

GType          sq_schema_get_type       (void) G_GNUC_CONST;

SqSchema      *sq_schema_new            (void);
SqSchema      *sq_schema_ref            (SqSchema       *schema);
void           sq_schema_unref          (SqSchema       *schema);
gboolean       sq_schema_add_shard      (SqSchema       *schema,
                                         SqShardScan    *shard);
guint          sq_schema_get_n_shards   (SqSchema       *schema);
guint64        sq_schema_get_n_samples  (SqSchema       *schema);
guint          sq_schema_get_n_fields   (SqSchema       *schema);
SqFieldStats  *sq_schema_get_field      (SqSchema       *schema,
                                         guint           index);
SqFieldStats  *sq_schema_lookup_field   (SqSchema       *schema,
                                         const char     *path);
double         sq_schema_get_presence   (SqSchema       *schema,
                                         const char     *path);
GPtrArray     *sq_schema_get_drifts     (SqSchema       *schema);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqSchema, sq_schema_unref)

G_END_DECLS
