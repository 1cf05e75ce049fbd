/* sq-field-stats.h: one field's types, shapes and statistics across
 * samples, mergeable in any order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Bins of sq_field_stats_get_histogram(). */
#define SQ_FIELD_STATS_N_BINS 64

/* At most this many distinct values are counted per field; a field with
 * more has no top values (it is not categorical). */
#define SQ_FIELD_STATS_MAX_DISTINCT 1024

/* Strings longer than this (in bytes) are not counted as categorical. */
#define SQ_FIELD_STATS_MAX_CATEGORY_LENGTH 64

/* At most this many distinct dtype-and-shape patterns are kept exactly;
 * a field with more keeps dtype and rank only (`uint8 ?x?x3` becomes
 * `uint8 ?x?x?`). */
#define SQ_FIELD_STATS_MAX_PATTERNS 64

/**
 * SqCount:
 * @name: what is counted: a type name, a pattern, a value
 * @count: how many times it was seen
 *
 * One entry of a tally. Tallies are sorted by @count, highest first, then
 * by @name.
 */
typedef struct
{
  const char *name;
  guint64     count;
} SqCount;

/**
 * SqFieldNumbers:
 * @count: numbers seen (for arrays: elements of all arrays together)
 * @n_nan: of them NaN
 * @n_inf: of them infinite
 * @min: the smallest non-NaN number (may be -inf); NaN if there is none
 * @max: the largest non-NaN number (may be +inf); NaN if there is none
 * @mean: the mean of the finite numbers; NaN if there is none
 * @std: their population standard deviation (numpy's `std`, ddof 0),
 *   merged with Chan's parallel formula, so any order of merging gives
 *   the same figure up to rounding
 *
 * Statistics of the numbers of a field: ints, floats, numpy scalars of
 * a numeric dtype (bools are categorical, not numbers), or the elements
 * of its arrays.
 */
typedef struct
{
  guint64 count;
  guint64 n_nan;
  guint64 n_inf;
  double  min;
  double  max;
  double  mean;
  double  std;
} SqFieldNumbers;

/**
 * SqFieldStats:
 *
 * One field of a store's samples, summarised: how often it is there, the
 * types it holds, for arrays their dtype-and-shape patterns and element
 * statistics, for numbers their statistics and a histogram, for
 * categorical values (ints, bools, short strs) their counts.
 *
 * A field is a path: map keys joined with `.` (`metadata.key`), `[]` for
 * the items of a list (`boxes[]`, `boxes[].label`); a sample that is not a
 * map is the field `(sample)`. A key holding `.` or `[` is not escaped.
 *
 * Built per shard on a worker (see #SqShardScan) and merged with
 * sq_field_stats_merge(): merging shard partials in any order gives what a
 * pass over the whole store would (counts, min, max, tallies and histogram
 * exactly; mean and std up to rounding). Not thread-safe: one thread at a
 * time, reads included (the getters keep their sorted tallies).
 *
 * - sq_field_stats_ref() / sq_field_stats_unref(): reference counting.
 * - sq_field_stats_copy(): (transfer full) a new stats equal to @stats.
 * - sq_field_stats_merge(): adds @other (same path) into @stats.
 * - sq_field_stats_get_path(): the field's path.
 * - sq_field_stats_get_n_values(): values seen at the path (a path under
 *   `[]` may have several per sample).
 * - sq_field_stats_get_n_samples(): samples that hold the path at least once.
 * - sq_field_stats_get_n_shards(): shards that hold it at least once.
 * - sq_field_stats_get_types(): (array length=n_types) the Python types of
 *   the values: `int`, `float`, `bool`, `str`, `bytes`, `NoneType`, `list`,
 *   `dict`, `complex`, `ndarray`, a numpy scalar as `numpy.float32`, and
 *   `object` for what is never interpreted (pickles, ext values).
 * - sq_field_stats_get_patterns(): (array length=n_patterns) arrays by
 *   numpy dtype name and shape: `uint8 224x224x3`, `float32 scalar`
 *   (a 0-d array); see %SQ_FIELD_STATS_MAX_PATTERNS.
 * - sq_field_stats_get_patterns_exact(): %FALSE once the patterns were
 *   reduced to dtype and rank.
 * - sq_field_stats_get_numbers(): (nullable) statistics of the field's
 *   numbers (int, float, numeric numpy scalars), %NULL if it holds none.
 * - sq_field_stats_get_histogram(): %FALSE if the field holds no finite
 *   number; else fills @bins with numpy.histogram's 64 equal bins over
 *   [min, max] of the finite numbers (the last bin closed; min == max
 *   gives min ± 0.5). Numbers are kept in buckets of their float bits:
 *   a number's sign, exponent and first 10 mantissa bits (a bucket is at
 *   most 0.1% wide; every int of magnitude below 2048 has its own).
 *   When a field has more than 4096 buckets, they are halved until it has
 *   at most that many (a merge halves the same way, so the order does
 *   not matter). A bucket falls into the bin of its smallest number: a
 *   bucket holding one distinct number is binned exactly as numpy does.
 * - sq_field_stats_histogram_is_exact(): %TRUE when every bucket holds a
 *   single distinct number, so the histogram equals numpy.histogram's.
 * - sq_field_stats_get_elements(): (nullable) statistics of the elements
 *   of the field's numeric arrays (bool arrays count 0 and 1), %NULL if it
 *   holds none. Arrays have no histogram.
 * - sq_field_stats_get_top_values(): (array length=n_values) (nullable)
 *   the categorical values (ints, bools, strs of at most
 *   %SQ_FIELD_STATS_MAX_CATEGORY_LENGTH bytes) with their counts, most
 *   frequent first, as Python's repr writes them (`3`, `True`, `'cat'`);
 *   %NULL when there are none or more than %SQ_FIELD_STATS_MAX_DISTINCT
 *   distinct ones. An int and a bool are told apart (`1` and `True`).
 * - sq_field_stats_get_n_categorical(): values the tally counted (for
 *   percentages of the top values).
 */
typedef struct _SqFieldStats SqFieldStats;

#define SQ_TYPE_FIELD_STATS (sq_field_stats_get_type ())

GType           sq_field_stats_get_type         (void) G_GNUC_CONST;

SqFieldStats   *sq_field_stats_ref              (SqFieldStats        *stats);
void            sq_field_stats_unref            (SqFieldStats        *stats);
SqFieldStats   *sq_field_stats_copy             (const SqFieldStats  *stats);
void            sq_field_stats_merge            (SqFieldStats        *stats,
                                                 const SqFieldStats  *other);

const char     *sq_field_stats_get_path         (const SqFieldStats  *stats);
guint64         sq_field_stats_get_n_values     (const SqFieldStats  *stats);
guint64         sq_field_stats_get_n_samples    (const SqFieldStats  *stats);
guint           sq_field_stats_get_n_shards     (const SqFieldStats  *stats);
const SqCount  *sq_field_stats_get_types        (const SqFieldStats  *stats,
                                                 guint               *n_types);
const SqCount  *sq_field_stats_get_patterns     (const SqFieldStats  *stats,
                                                 guint               *n_patterns);
gboolean        sq_field_stats_get_patterns_exact (const SqFieldStats *stats);
const SqFieldNumbers *
                sq_field_stats_get_numbers      (const SqFieldStats  *stats);
gboolean        sq_field_stats_get_histogram    (const SqFieldStats  *stats,
                                                 guint64              bins[SQ_FIELD_STATS_N_BINS],
                                                 double              *lower,
                                                 double              *upper);
gboolean        sq_field_stats_histogram_is_exact (const SqFieldStats *stats);
const SqFieldNumbers *
                sq_field_stats_get_elements     (const SqFieldStats  *stats);
const SqCount  *sq_field_stats_get_top_values   (const SqFieldStats  *stats,
                                                 guint               *n_values);
guint64         sq_field_stats_get_n_categorical (const SqFieldStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqFieldStats, sq_field_stats_unref)

G_END_DECLS
