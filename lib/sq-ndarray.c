/* sq-ndarray.c: numpy arrays
 *
 * An array references its element bytes, usually a slice of what the reader
 * decompressed: the data is never copied on its way from the shard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-ndarray"

#include "config.h"

#include <math.h>

#include "sq-error.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"

struct _SqNdarray
{
  gint     ref_count;
  guint    ndim;
  SqDtype *dtype;
  guint64  n_elements;
  GBytes  *data;
  guint64  shape[];
};

G_DEFINE_BOXED_TYPE (SqNdarray, sq_ndarray, sq_ndarray_ref, sq_ndarray_unref)

/**
 * sq_ndarray_new:
 * @dtype: the element type
 * @ndim: number of dimensions (0 for a 0-d array holding one element)
 * @shape: (array length=ndim): the dimensions, C order
 * @data: the elements in C order, in the byte order @dtype names. Bytes
 *   beyond what @shape needs are ignored (numpy ignores them too).
 * @error: return location for a #SQ_DECODE_ERROR_ARRAY error
 *
 * Returns: (transfer full): the array, or %NULL when @data holds fewer bytes
 *   than @shape needs or the size does not fit in memory
 */
SqNdarray *
sq_ndarray_new (SqDtype        *dtype,
                guint           ndim,
                const guint64  *shape,
                GBytes         *data,
                GError        **error)
{
  SqNdarray *array;
  guint64 n = 1;
  guint64 needed;
  gsize size;

  g_return_val_if_fail (dtype != NULL, NULL);
  g_return_val_if_fail (shape != NULL || ndim == 0, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (ndim > SQ_NDARRAY_MAX_DIMS)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                   "array has %u dimensions; numpy allows at most %d", ndim, SQ_NDARRAY_MAX_DIMS);
      return NULL;
    }

  for (guint i = 0; i < ndim; i++)
    if (!g_uint64_checked_mul (&n, n, shape[i]))
      goto too_big;
  if (!g_uint64_checked_mul (&needed, n, sq_dtype_get_itemsize (dtype)) || needed > G_MAXSSIZE)
    goto too_big;

  size = g_bytes_get_size (data);
  if (size < needed)
    {
      g_autofree char *dims = NULL;
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < ndim; i++)
        g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? "x" : "", shape[i]);
      dims = g_string_free (s, FALSE);
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                   "array data holds %" G_GSIZE_FORMAT " bytes but shape [%s] of %s needs %" G_GUINT64_FORMAT,
                   size, ndim ? dims : "", sq_dtype_get_type_string (dtype), needed);
      return NULL;
    }

  array = g_malloc (sizeof (SqNdarray) + ndim * sizeof (guint64));
  array->ref_count = 1;
  array->ndim = ndim;
  array->dtype = sq_dtype_ref (dtype);
  array->n_elements = n;
  array->data = size == needed ? g_bytes_ref (data) : g_bytes_new_from_bytes (data, 0, needed);
  for (guint i = 0; i < ndim; i++)
    array->shape[i] = shape[i];
  return array;

too_big:
  g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
               "array shape is too large to hold in memory");
  return NULL;
}

SqNdarray *
sq_ndarray_ref (SqNdarray *array)
{
  g_return_val_if_fail (array != NULL, NULL);

  g_atomic_int_inc (&array->ref_count);
  return array;
}

void
sq_ndarray_unref (SqNdarray *array)
{
  g_return_if_fail (array != NULL);

  if (!g_atomic_int_dec_and_test (&array->ref_count))
    return;
  sq_dtype_unref (array->dtype);
  g_bytes_unref (array->data);
  g_free (array);
}

/**
 * sq_ndarray_get_dtype:
 *
 * Returns: (transfer none): the element type
 */
SqDtype *
sq_ndarray_get_dtype (const SqNdarray *array)
{
  return array->dtype;
}

guint
sq_ndarray_get_ndim (const SqNdarray *array)
{
  return array->ndim;
}

const guint64 *
sq_ndarray_get_shape (const SqNdarray *array)
{
  return array->shape;
}

guint64
sq_ndarray_get_n_elements (const SqNdarray *array)
{
  return array->n_elements;
}

/**
 * sq_ndarray_get_data:
 *
 * Returns: (transfer none): exactly n_elements x itemsize bytes
 */
GBytes *
sq_ndarray_get_data (const SqNdarray *array)
{
  return array->data;
}

gconstpointer
sq_ndarray_get_element_data (const SqNdarray *array,
                             guint64          index)
{
  const guint8 *data = g_bytes_get_data (array->data, NULL);

  g_return_val_if_fail (index < array->n_elements, NULL);

  /* Elements of no width ("|S0") have no bytes, and their data no pointer:
   * any pointer will do, NULL + 0 does not. */
  if (data == NULL)
    return "";
  return data + index * sq_dtype_get_itemsize (array->dtype);
}

/**
 * sq_ndarray_format_shape:
 *
 * Returns: (transfer full): `224x224x3`, `10` or `scalar` for a 0-d array
 */
char *
sq_ndarray_format_shape (const SqNdarray *array)
{
  GString *s;

  if (array->ndim == 0)
    return g_strdup ("scalar");
  s = g_string_new (NULL);
  for (guint i = 0; i < array->ndim; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? "x" : "", array->shape[i]);
  return g_string_free (s, FALSE);
}

static void
append_element (GString       *out,
                const SqDtype *dtype,
                const guint8  *p)
{
  gboolean swap = sq_dtype_needs_swap (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      g_string_append (out, *p ? "True" : "False");
      break;
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      {
        gint64 v = _sq_load_int (p, size, swap);

        if (sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_INT && v == G_MININT64)
          g_string_append (out, "NaT");
        else
          g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
      }
      break;
    case SQ_DTYPE_KIND_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, _sq_load_uint (p, size, swap));
      break;
    case SQ_DTYPE_KIND_FLOAT:
      /* As numpy prints a float16 or float32: the shortest digits that
       * read back as the same float of that width ("0.1", not the
       * "0.10000000149011612" of its widening to double). */
      if (size == 2)
        sq_number_append_float (out, sq_number_half_to_double (_sq_load_u16 (p, swap)), 2);
      else if (size == 4)
        sq_number_append_float (out, _sq_load_f32 (p, swap), 4);
      else if (size == 8)
        _sq_append_float_repr (out, _sq_load_f64 (p, swap), FALSE);
      else if (sq_dtype_is_numeric (dtype))
        _sq_append_float_repr (out, (double) _sq_load_f128 (p, swap), FALSE);
      else
        g_string_append (out, "?");
      break;
    case SQ_DTYPE_KIND_COMPLEX:
      {
        double re, im;

        if (size == 8)
          re = _sq_load_f32 (p, swap), im = _sq_load_f32 (p + 4, swap);
        else if (size == 16)
          re = _sq_load_f64 (p, swap), im = _sq_load_f64 (p + 8, swap);
        else
          re = (double) _sq_load_f128 (p, swap), im = (double) _sq_load_f128 (p + 16, swap);
        /* A complex64's parts as numpy prints them: float32's digits. */
        _sq_append_complex_repr_sized (out, re, im, size == 8 ? 4 : 8);
      }
      break;
    case SQ_DTYPE_KIND_UNICODE:
      {
        gsize n = size / 4;

        while (n > 0 && _sq_load_u32 (p + 4 * (n - 1), swap) == 0)
          n--;
        g_string_append_c (out, '\'');
        for (gsize i = 0; i < n; i++)
          {
            gunichar c = _sq_load_u32 (p + 4 * i, swap);

            if (g_unichar_validate (c) && c != 0)
              g_string_append_unichar (out, c);
            else
              g_string_append (out, "\xef\xbf\xbd");
          }
        g_string_append_c (out, '\'');
      }
      break;
    case SQ_DTYPE_KIND_BYTES:
    case SQ_DTYPE_KIND_VOID:
      {
        gsize n = size;

        if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_BYTES)
          while (n > 0 && p[n - 1] == 0)
            n--;
        g_string_append (out, "b'");
        for (gsize i = 0; i < n; i++)
          {
            if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\')
              g_string_append_c (out, (char) p[i]);
            else
              g_string_append_printf (out, "\\x%02x", p[i]);
          }
        g_string_append_c (out, '\'');
      }
      break;
    case SQ_DTYPE_KIND_OBJECT:
    default:
      g_string_append (out, "?");
      break;
    }
}

/**
 * sq_ndarray_format_element:
 * @index: flat index, C order
 *
 * Returns: (transfer full): one element as Python would print it: `3`,
 *   `0.25`, `True`, `(1+2j)`, `'abc'`, `b'ab'`; a record as `(1, 2.5)`
 */
char *
sq_ndarray_format_element (const SqNdarray *array,
                           guint64          index)
{
  GString *out = g_string_new (NULL);
  const guint8 *p = sq_ndarray_get_element_data (array, index);
  guint n_fields = sq_dtype_get_n_fields (array->dtype);

  if (p == NULL)
    return g_string_free (out, FALSE);

  if (n_fields == 0)
    {
      append_element (out, array->dtype, p);
      return g_string_free (out, FALSE);
    }

  /* A record: its plain fields, sub-arrays and nested records summarised. */
  g_string_append_c (out, '(');
  for (guint i = 0; i < n_fields; i++)
    {
      const SqDtypeField *field = sq_dtype_get_field (array->dtype, i);

      if (i > 0)
        g_string_append (out, ", ");
      if (field->ndim > 0 || sq_dtype_get_n_fields (field->dtype) > 0)
        g_string_append (out, "…");
      else
        append_element (out, field->dtype, p + field->offset);
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}
