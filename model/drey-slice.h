/* drey-slice.h: 2-D slices of N-D arrays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/**
 * DreySlice:
 * @row_axis: the axis down the slice
 * @col_axis: the axis across it (after @row_axis or before: a transpose)
 * @index: for every other axis, the index the slice is taken at
 *
 * `array[i0, :, i2, :]` as numpy writes it.
 */
typedef struct
{
  guint   row_axis;
  guint   col_axis;
  guint64 index[SQ_NDARRAY_MAX_DIMS];
} DreySlice;

void       drey_slice_init          (DreySlice       *slice,
                                     SqNdarray       *array);
guint64    drey_slice_get_rows      (const DreySlice *slice,
                                     SqNdarray       *array);
guint64    drey_slice_get_columns   (const DreySlice *slice,
                                     SqNdarray       *array);
guint64    drey_slice_element_index (const DreySlice *slice,
                                     SqNdarray       *array,
                                     guint64          row,
                                     guint64          column);
char      *drey_slice_format        (const DreySlice *slice,
                                     SqNdarray       *array);
double    *drey_slice_read          (const DreySlice *slice,
                                     SqNdarray       *array,
                                     guint            step,
                                     GCancellable    *cancellable,
                                     GError         **error);
SqNdarray *drey_slice_subarray      (SqNdarray       *array,
                                     guint            n_fixed,
                                     const guint64   *index);

G_END_DECLS
