/* fuzz-npy-reader.c: a .npy file, as the New Shard dialog reads it
 *
 * The input is the file. An array read from it is shown, and written back
 * as numpy.save writes it: that file reads back as the identical array,
 * and writing it again gives the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqNdarray) back = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GBytes) again = NULL;

  fuzz_init ();
  array = sq_npy_read (bytes, &error);
  if (array == NULL)
    {
      if (error == NULL || error->domain != SQ_NPY_ERROR || !g_utf8_validate (error->message, -1, NULL))
        fuzz_fail ("a .npy error that is not an SQ_NPY_ERROR");
      return 0;
    }
  fuzz_exercise_array (array);

  written = sq_npy_write (array, &error);
  if (written == NULL)
    fuzz_fail ("an array read from .npy cannot be written back: %s", error->message);
  back = sq_npy_read (written, &error);
  if (back == NULL)
    fuzz_fail ("the .npy written back does not read: %s", error->message);
  if (!sq_dtype_equal (sq_ndarray_get_dtype (array), sq_ndarray_get_dtype (back)) ||
      sq_ndarray_get_ndim (array) != sq_ndarray_get_ndim (back) ||
      memcmp (sq_ndarray_get_shape (array), sq_ndarray_get_shape (back),
              sq_ndarray_get_ndim (array) * sizeof (guint64)) != 0 ||
      !g_bytes_equal (sq_ndarray_get_data (array), sq_ndarray_get_data (back)))
    fuzz_fail ("the .npy written back reads as another array");
  again = sq_npy_write (back, &error);
  if (again == NULL || !g_bytes_equal (written, again))
    fuzz_fail ("writing the array read back gives other bytes");
  return 0;
}
