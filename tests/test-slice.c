/* test-slice.c: 2-D slices of N-D arrays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "drey-slice.h"
#include "drey-test-array.h"

static void
test_slice (void)
{
  gint32 data[24];
  g_autoptr(SqNdarray) array = NULL;
  DreySlice slice;
  g_autofree char *text = NULL;
  g_autofree double *values = NULL;
  g_autofree double *sampled = NULL;

  for (guint i = 0; i < 24; i++)
    data[i] = (gint32) i;
  array = drey_test_array_new ("<i4", 3, SHAPE (2, 3, 4), data, sizeof data);

  drey_slice_init (&slice, array);
  g_assert_cmpuint (slice.row_axis, ==, 1);
  g_assert_cmpuint (slice.col_axis, ==, 2);
  slice.index[0] = 1;
  text = drey_slice_format (&slice, array);
  g_assert_cmpstr (text, ==, "[1, :, :]");
  g_assert_cmpuint (drey_slice_element_index (&slice, array, 2, 3), ==, 23);
  values = drey_slice_read (&slice, array, 1, NULL, NULL);
  g_assert_cmpfloat (values[0], ==, 12);
  g_assert_cmpfloat (values[11], ==, 23);
  sampled = drey_slice_read (&slice, array, 2, NULL, NULL);
  /* rows 0 and 2, columns 0 and 2 */
  g_assert_cmpfloat (sampled[1], ==, 14);
  g_assert_cmpfloat (sampled[2], ==, 20);

  /* array[:, 1, :]: rows along axis 0 */
  slice.row_axis = 0;
  slice.col_axis = 2;
  slice.index[1] = 1;
  g_clear_pointer (&text, g_free);
  text = drey_slice_format (&slice, array);
  g_assert_cmpstr (text, ==, "[:, 1, :]");
  g_assert_cmpuint (drey_slice_get_rows (&slice, array), ==, 2);
  g_assert_cmpuint (drey_slice_element_index (&slice, array, 1, 2), ==, 12 + 4 + 2);

  /* transposed: array[0, :, :].T */
  slice.row_axis = 2;
  slice.col_axis = 1;
  slice.index[0] = 0;
  g_clear_pointer (&text, g_free);
  text = drey_slice_format (&slice, array);
  g_assert_cmpstr (text, ==, "[0, :, :].T");
  g_assert_cmpuint (drey_slice_element_index (&slice, array, 3, 1), ==, 1 * 4 + 3);
}

static void
test_subarray (void)
{
  guint8 data[2 * 3 * 4 * 5];
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqNdarray) sub = NULL;
  const guint8 *bytes;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) i;
  array = drey_test_array_new ("|u1", 4, SHAPE (2, 3, 4, 5), data, sizeof data);
  sub = drey_slice_subarray (array, 2, (const guint64[]) { 1, 2 });
  g_assert_cmpuint (sq_ndarray_get_ndim (sub), ==, 2);
  g_assert_cmpuint (sq_ndarray_get_shape (sub)[0], ==, 4);
  g_assert_cmpuint (sq_ndarray_get_n_elements (sub), ==, 20);
  bytes = g_bytes_get_data (sq_ndarray_get_data (sub), NULL);
  g_assert_cmpuint (bytes[0], ==, (1 * 3 + 2) * 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/slice/slice", test_slice);
  g_test_add_func ("/slice/subarray", test_subarray);
  return g_test_run ();
}
