/* sq-drift.h: one way a field differs across a store's shards or samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SqDriftKind:
 * @SQ_DRIFT_MISSING: the field is missing from some samples that have its
 *   parent (for a top-level field: from some samples of the store); not
 *   reported for fields under `[]`, whose lists may simply be empty
 * @SQ_DRIFT_TYPE: the field holds values of more than one Python type
 *   (`int` in most samples, `NoneType` or `float` in some)
 * @SQ_DRIFT_DTYPE: its arrays have more than one dtype
 * @SQ_DRIFT_RANK: its arrays have more than one number of dimensions
 * @SQ_DRIFT_SHAPE: its arrays of one dtype and rank have more than one shape
 *
 * What drifts. The samples concerned are those that differ from the
 * field's most common case (the most common type, dtype, rank or shape),
 * or, for %SQ_DRIFT_MISSING, the samples without it.
 */
typedef enum
{
  SQ_DRIFT_MISSING,
  SQ_DRIFT_TYPE,
  SQ_DRIFT_DTYPE,
  SQ_DRIFT_RANK,
  SQ_DRIFT_SHAPE,
} SqDriftKind;

/* At most this many samples are named per drift (sq_drift_get_n_samples()
 * counts them all). */
#define SQ_DRIFT_MAX_SAMPLES 1000

/**
 * SqDrift:
 *
 * A drift of one field, immutable, made by sq_schema_get_drifts().
 *
 * - sq_drift_ref() / sq_drift_unref(): reference counting.
 * - sq_drift_get_kind(), sq_drift_get_path(): what drifts, in which field.
 * - sq_drift_get_description(): a sentence for people: `missing from 40
 *   of 1000 samples, in 2 of 20 shards`, `int in 998 samples, NoneType in
 *   2`, `uint8 224x224x3 in 99.6%, uint8 224x224x1 in 0.4%`.
 * - sq_drift_get_n_shards() / sq_drift_get_shard(): the keys of the shards
 *   that hold a concerned sample, in squirrel's key order.
 * - sq_drift_get_n_samples(): how many samples are concerned (all of them).
 * - sq_drift_get_n_sample_refs() / sq_drift_get_sample_ref(): the first
 *   %SQ_DRIFT_MAX_SAMPLES of them at most, as shard key and 0-based index
 *   in the shard, in store order. For a type, dtype, rank or shape drift
 *   the refs are bounded further per shard and case (the first 32 samples
 *   of each case in each shard), so they may be fewer than the count.
 */
typedef struct _SqDrift SqDrift;

#define SQ_TYPE_DRIFT (sq_drift_get_type ())

GType        sq_drift_get_type            (void) G_GNUC_CONST;

SqDrift     *sq_drift_ref                 (SqDrift        *drift);
void         sq_drift_unref               (SqDrift        *drift);
SqDriftKind  sq_drift_get_kind            (const SqDrift  *drift);
const char  *sq_drift_get_path            (const SqDrift  *drift);
const char  *sq_drift_get_description     (const SqDrift  *drift);
guint        sq_drift_get_n_shards        (const SqDrift  *drift);
const char  *sq_drift_get_shard           (const SqDrift  *drift,
                                           guint           index);
guint64      sq_drift_get_n_samples       (const SqDrift  *drift);
guint        sq_drift_get_n_sample_refs   (const SqDrift  *drift);
const char  *sq_drift_get_sample_ref      (const SqDrift  *drift,
                                           guint           index,
                                           guint          *sample_index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqDrift, sq_drift_unref)

G_END_DECLS
