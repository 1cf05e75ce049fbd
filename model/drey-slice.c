/* drey-slice.c: 2-D slices of N-D arrays
 *
 * A slice keeps two axes whole (rows and columns) and fixes every other one
 * at an index, as h5web's sliders do; elements are read through the
 * array's C-order strides, so any two axes can be shown, transposed or not.
 * drey_slice_subarray() is the cheap case: fixing leading axes leaves a
 * contiguous block, which is an array of its own over the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-slice"

#include "config.h"

#include <string.h>

#include "drey-slice.h"

/**
 * drey_slice_init:
 * @array: an array of 2 dimensions or more
 *
 * The slice of the last two axes at index 0 of the others.
 */
void
drey_slice_init (DreySlice *slice,
                 SqNdarray *array)
{
  guint ndim = sq_ndarray_get_ndim (array);

  g_return_if_fail (ndim >= 2);

  memset (slice, 0, sizeof *slice);
  slice->row_axis = ndim - 2;
  slice->col_axis = ndim - 1;
}

guint64
drey_slice_get_rows (const DreySlice *slice,
                     SqNdarray       *array)
{
  return sq_ndarray_get_shape (array)[slice->row_axis];
}

guint64
drey_slice_get_columns (const DreySlice *slice,
                        SqNdarray       *array)
{
  return sq_ndarray_get_shape (array)[slice->col_axis];
}

/**
 * drey_slice_element_index:
 *
 * Returns: the flat (C-order) index of element (@row, @column) of the slice
 */
guint64
drey_slice_element_index (const DreySlice *slice,
                          SqNdarray       *array,
                          guint64          row,
                          guint64          column)
{
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  guint64 flat = 0;

  for (guint d = 0; d < ndim; d++)
    {
      guint64 i = d == slice->row_axis ? row : d == slice->col_axis ? column : slice->index[d];

      flat = flat * shape[d] + i;
    }
  return flat;
}

/**
 * drey_slice_format:
 *
 * Returns: (transfer full): the slice as numpy indexes it, "[2, :, :]"; a
 *   transposed one ends ".T"
 */
char *
drey_slice_format (const DreySlice *slice,
                   SqNdarray       *array)
{
  guint ndim = sq_ndarray_get_ndim (array);
  GString *text = g_string_new ("[");

  for (guint d = 0; d < ndim; d++)
    {
      if (d > 0)
        g_string_append (text, ", ");
      if (d == slice->row_axis || d == slice->col_axis)
        g_string_append_c (text, ':');
      else
        g_string_append_printf (text, "%" G_GUINT64_FORMAT, slice->index[d]);
    }
  g_string_append_c (text, ']');
  if (slice->col_axis < slice->row_axis)
    g_string_append (text, ".T");
  return g_string_free (text, FALSE);
}

/**
 * drey_slice_read:
 * @step: every @step-th row and column (1: all)
 * @cancellable: (nullable): checked every row
 * @error: #G_IO_ERROR_CANCELLED
 *
 * The slice's values as doubles, ceil(rows / @step) x ceil(columns / @step),
 * row after row. Safe on any thread.
 *
 * Returns: (transfer full): the values, or %NULL if cancelled
 */
double *
drey_slice_read (const DreySlice *slice,
                 SqNdarray       *array,
                 guint            step,
                 GCancellable    *cancellable,
                 GError         **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  guint ndim = sq_ndarray_get_ndim (array);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  gsize size = sq_dtype_get_itemsize (dtype);
  guint64 rows = shape[slice->row_axis], cols = shape[slice->col_axis];
  guint64 sr = (rows + step - 1) / step, sc = (cols + step - 1) / step;
  guint64 row_stride = 1, col_stride = 1, base;
  double *out;

  g_return_val_if_fail (step > 0, NULL);

  for (guint d = ndim; d-- > 0;)
    {
      if (d > slice->row_axis)
        row_stride *= shape[d];
      if (d > slice->col_axis)
        col_stride *= shape[d];
    }
  base = drey_slice_element_index (slice, array, 0, 0);

  out = g_new (double, MAX (sr * sc, 1));
  for (guint64 r = 0; r < sr; r++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_free (out);
          return NULL;
        }
      for (guint64 c = 0; c < sc; c++)
        {
          guint64 i = base + r * step * row_stride + c * step * col_stride;

          out[r * sc + c] = sq_dtype_element_to_double (dtype, data + i * size);
        }
    }
  return out;
}

/**
 * drey_slice_subarray:
 * @n_fixed: how many leading axes to fix (fewer than the array has)
 * @index: their indices
 *
 * `array[i0, i1]`: the array of the trailing axes at @index, sharing
 * @array's bytes.
 *
 * Returns: (transfer full): the sub-array
 */
SqNdarray *
drey_slice_subarray (SqNdarray     *array,
                     guint          n_fixed,
                     const guint64 *index)
{
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint64 block = 1, offset = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SqNdarray *sub;

  g_return_val_if_fail (n_fixed < ndim, NULL);

  for (guint d = n_fixed; d < ndim; d++)
    block *= shape[d];
  for (guint d = 0; d < n_fixed; d++)
    {
      g_return_val_if_fail (index[d] < shape[d], NULL);
      offset = offset * shape[d] + index[d];
    }
  bytes = g_bytes_new_from_bytes (sq_ndarray_get_data (array),
                                  offset * block * sq_dtype_get_itemsize (dtype),
                                  block * sq_dtype_get_itemsize (dtype));
  sub = sq_ndarray_new (dtype, ndim - n_fixed, shape + n_fixed, bytes, &error);
  g_assert_no_error (error);
  return sub;
}
