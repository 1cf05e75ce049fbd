/* sq-summary.h: statistics of a numeric array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-ndarray.h"

G_BEGIN_DECLS

#define SQ_SUMMARY_N_BINS 64

/**
 * SqSummary:
 * @n_elements: elements in the array
 * @n_nan: NaN elements (NaT for datetime64 and timedelta64)
 * @n_inf: infinite elements
 * @n_zero: elements equal to zero
 * @n_finite: elements that are neither NaN nor infinite
 * @min: the smallest non-NaN element (may be -inf); NaN if there is none
 * @max: the largest non-NaN element (may be +inf); NaN if there is none
 * @mean: the mean of the finite elements; NaN if there is none
 * @std: their population standard deviation (numpy's `std`, ddof 0)
 * @hist_min: the lower edge of the first bin: the smallest finite element
 * @hist_max: the upper edge of the last bin: the largest finite element
 * @hist: finite elements per bin; 64 equal bins over [@hist_min, @hist_max],
 *   the last one closed, as numpy.histogram counts. When all finite
 *   elements are equal the range is that value ± 0.5.
 * @of_magnitude: %TRUE for complex arrays, whose figures are of |z|
 *
 * Bool counts as 0 and 1, datetime64 and timedelta64 as their int64 counts.
 */
typedef struct
{
  guint64  n_elements;
  guint64  n_nan;
  guint64  n_inf;
  guint64  n_zero;
  guint64  n_finite;
  double   min;
  double   max;
  double   mean;
  double   std;
  double   hist_min;
  double   hist_max;
  guint64  hist[SQ_SUMMARY_N_BINS];
  gboolean of_magnitude;
} SqSummary;

#define SQ_TYPE_SUMMARY (sq_summary_get_type ())

GType      sq_summary_get_type (void) G_GNUC_CONST;

SqSummary *sq_summary_new      (SqNdarray       *array,
                                GCancellable    *cancellable,
                                GError         **error);
SqSummary *sq_summary_copy     (const SqSummary *summary);
void       sq_summary_free     (SqSummary       *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqSummary, sq_summary_free)

G_END_DECLS
