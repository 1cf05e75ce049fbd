/* fuzz-dtype.c: numpy dtypes, from a type string and from a descr
 *
 * The input is tried as a type string (up to its first NUL), as
 * msgpack-numpy writes `type` for a plain array, and as JSON text for a
 * structured descr (`[["x", "<f4"], ["v", "<f8", [2]]]`), as msgpack-numpy
 * writes it for a record array. A dtype made either way holds together
 * (its size, its fields inside the record), comes back equal from what it
 * gives back, and an array of it (elements taken from the input) can be
 * shown, summarised, and written to .npy and read back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sq-json-private.h"

/* Arrays made of a dtype: this many elements, at most this many bytes. */
#define N_ELEMENTS 3
#define MAX_ARRAY_BYTES (1u << 20)

static void
exercise_dtype (SqDtype      *dtype,
                const guint8 *data,
                gsize         size)
{
  gsize itemsize = sq_dtype_get_itemsize (dtype);
  gsize n_bytes = itemsize * N_ELEMENTS;
  guint64 shape[1] = { N_ELEMENTS };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqNdarray) back = NULL;
  g_autoptr(GBytes) npy = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *elements;

  if (!g_utf8_validate (sq_dtype_get_name (dtype), -1, NULL) ||
      !g_utf8_validate (sq_dtype_get_type_string (dtype), -1, NULL))
    fuzz_fail ("a dtype's name or type string is not valid UTF-8");
  if (n_bytes > MAX_ARRAY_BYTES || sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    return;

  /* The input's bytes, over and over: NaNs, odd code points, any bits. */
  elements = g_malloc0 (MAX (n_bytes, 1));
  for (gsize i = 0; i < n_bytes && size > 0; i++)
    elements[i] = data[i % size];
  bytes = g_bytes_new_take (elements, n_bytes);
  array = sq_ndarray_new (dtype, 1, shape, bytes, &error);
  if (array == NULL)
    fuzz_fail ("no array of %" G_GSIZE_FORMAT " bytes of %s: %s", n_bytes, sq_dtype_get_type_string (dtype),
               error->message);
  fuzz_exercise_array (array);

  /* .npy refuses only what its reader would (U+0000 in a descr) */
  npy = sq_npy_write (array, &error);
  if (npy == NULL && g_error_matches (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED) &&
      sq_dtype_get_descr (dtype) != NULL)
    return;
  if (npy == NULL)
    fuzz_fail ("an array of %s cannot be written to .npy: %s", sq_dtype_get_type_string (dtype), error->message);
  back = sq_npy_read (npy, &error);
  if (back == NULL)
    fuzz_fail ("the .npy of an array of %s does not read: %s", sq_dtype_get_type_string (dtype), error->message);
  if (!sq_dtype_equal (sq_ndarray_get_dtype (back), dtype) ||
      !g_bytes_equal (sq_ndarray_get_data (back), sq_ndarray_get_data (array)))
    fuzz_fail ("the .npy of an array of %s reads as another array", sq_dtype_get_type_string (dtype));
}

static void
check_type_string (const guint8 *data,
                   gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (text, &error);
  SqDtypeKind kind;

  if (dtype == NULL)
    {
      if (!g_error_matches (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY) ||
          !g_utf8_validate (error->message, -1, NULL))
        fuzz_fail ("a type string's error is not an SQ_DECODE_ERROR_ARRAY in UTF-8");
      return;
    }
  kind = sq_dtype_get_kind (dtype);
  if (strcmp (sq_dtype_get_type_string (dtype), text) != 0)
    fuzz_fail ("the type string \"%s\" is kept as \"%s\"", text, sq_dtype_get_type_string (dtype));
  if (sq_dtype_get_n_fields (dtype) != 0 || sq_dtype_get_descr (dtype) != NULL)
    fuzz_fail ("a type string made a structured dtype");

  /* The same dtype made from its parts; datetimes have a unit besides. */
  if (kind != SQ_DTYPE_KIND_DATETIME && kind != SQ_DTYPE_KIND_TIMEDELTA)
    {
      g_autoptr(SqDtype) made = sq_dtype_new (kind, sq_dtype_get_byte_order (dtype), sq_dtype_get_itemsize (dtype));
      g_autoptr(SqDtype) again = sq_dtype_new_from_string (sq_dtype_get_type_string (made), &error);

      if (!sq_dtype_equal (made, dtype))
        fuzz_fail ("\"%s\" is not the dtype \"%s\" made from its kind, order and size", text,
                   sq_dtype_get_type_string (made));
      if (again == NULL || !sq_dtype_equal (again, dtype))
        fuzz_fail ("\"%s\", made for \"%s\", reads as another dtype", sq_dtype_get_type_string (made), text);
    }
  exercise_dtype (dtype, data, size);
}

static void
check_fields (SqDtype *dtype,
              SqValue *descr)
{
  gsize end = 0;

  if (sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_VOID || sq_dtype_get_n_fields (dtype) != sq_value_get_length (descr))
    fuzz_fail ("a descr of %" G_GSIZE_FORMAT " fields made a %s of %u fields", sq_value_get_length (descr),
               sq_dtype_get_name (dtype), sq_dtype_get_n_fields (dtype));
  for (guint i = 0; i < sq_dtype_get_n_fields (dtype); i++)
    {
      const SqDtypeField *field = sq_dtype_get_field (dtype, i);
      gsize count = 1;

      for (guint k = 0; k < field->ndim; k++)
        count *= field->shape[k];
      if (field->offset != end)
        fuzz_fail ("field %u starts at %" G_GSIZE_FORMAT ", the one before it ends at %" G_GSIZE_FORMAT, i,
                   field->offset, end);
      end = field->offset + count * sq_dtype_get_itemsize (field->dtype);
      if (sq_dtype_get_n_fields (field->dtype) > 0)
        check_fields (field->dtype, sq_value_get_item (sq_value_get_item (descr, i), 1));
    }
  if (end != sq_dtype_get_itemsize (dtype))
    fuzz_fail ("the fields end at %" G_GSIZE_FORMAT " of a record of %" G_GSIZE_FORMAT, end,
               sq_dtype_get_itemsize (dtype));
}

static void
check_descr (const guint8 *data,
             gsize         size)
{
  g_autoptr(SqValue) descr = sq_json_parse ((const char *) data, size, SQ_JSON_SQUIRREL, NULL);
  g_autoptr(SqDtype) dtype = NULL;
  g_autoptr(SqDtype) again = NULL;
  g_autoptr(GError) error = NULL;

  if (descr == NULL)
    return;
  dtype = sq_dtype_new_from_descr (descr, &error);
  if (dtype == NULL)
    {
      if (!g_error_matches (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY) ||
          !g_utf8_validate (error->message, -1, NULL))
        fuzz_fail ("a descr's error is not an SQ_DECODE_ERROR_ARRAY in UTF-8");
      return;
    }
  check_fields (dtype, descr);
  if (sq_dtype_get_descr (dtype) == NULL || !fuzz_values_identical (sq_dtype_get_descr (dtype), descr))
    fuzz_fail ("a structured dtype does not keep its descr as read");
  again = sq_dtype_new_from_descr (sq_dtype_get_descr (dtype), &error);
  if (again == NULL || !sq_dtype_equal (again, dtype))
    fuzz_fail ("a structured dtype's descr reads as another dtype");
  exercise_dtype (dtype, data, size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init ();
  check_type_string (data, size);
  check_descr (data, size);
  return 0;
}
