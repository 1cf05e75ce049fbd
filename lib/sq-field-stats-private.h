/* sq-field-stats-private.h: building a field's statistics from values,
 * what a shard keeps for drift, and the cache's form of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-field-stats.h"
#include "sq-value.h"

G_BEGIN_DECLS

/* Sample indices a shard keeps per type and pattern, for drift. */
#define SQ_FIELD_STATS_MAX_EXAMPLES 32

/* Samples [start, end) of a shard that hold the field. */
typedef struct
{
  guint start;
  guint end;
} SqSampleRange;

SqFieldStats *_sq_field_stats_new            (const char         *path,
                                              const char         *parent,
                                              gboolean            under_list);
/* The path of the field that holds this one ("" for a key of the sample
 * itself), and whether a list lies between (a path under `[]`). */
const char   *_sq_field_stats_get_parent     (const SqFieldStats *stats);
gboolean      _sq_field_stats_is_under_list  (const SqFieldStats *stats);
void          _sq_field_stats_add            (SqFieldStats       *stats,
                                              const SqValue      *value,
                                              guint               sample,
                                              gboolean            lists_are_tuples);
void          _sq_field_stats_drop_examples  (SqFieldStats       *stats);

/* Only shard-level stats (made with _sq_field_stats_add) have these. */
const SqSampleRange *
              _sq_field_stats_get_presence   (const SqFieldStats *stats,
                                              guint              *n_ranges);
const guint  *_sq_field_stats_get_examples   (const SqFieldStats *stats,
                                              gboolean            of_patterns,
                                              const char         *name,
                                              guint64            *count,
                                              guint              *n_examples);

GVariant     *_sq_field_stats_to_variant     (const SqFieldStats *stats);
SqFieldStats *_sq_field_stats_from_variant   (GVariant           *variant);
#define SQ_FIELD_STATS_VARIANT_TYPE \
  "(ssbttu(a(stau)b)(a(stau)b)(ttttdddd)(auatadadu)(ttttdddd)(a(stau)bt)a(uu))"

G_END_DECLS
