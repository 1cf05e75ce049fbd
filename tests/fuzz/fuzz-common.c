/* fuzz-common.c: what every fuzz harness shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fuzz-common.h"
#include "sq-json-private.h"
#include "sq-number-private.h"
#include "sq-value-private.h"

/* Elements formatted per array: the first few and the last. */
#define FORMAT_ELEMENTS 4
/* Arrays summarised (min, max, histogram), by element count: bigger ones
 * cost more time than they find. */
#define SUMMARY_MAX_ELEMENTS (1u << 16)

void
fuzz_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  /* A critical is a broken precondition: a bug, as G_DEBUG=fatal-criticals
   * makes it in the test suite. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_once_init_leave (&done, 1);
}

void
fuzz_fail (const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  fputs ("fuzz: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  fflush (stderr);
  abort ();
}

/**
 * fuzz_gzip:
 *
 * One gzip member of @data at zlib's fastest level: a harness of the
 * decoders gets the payload, the reader wants a shard.
 *
 * Returns: (transfer full): the gzip bytes
 */
GBytes *
fuzz_gzip (const guint8 *data,
           gsize         size)
{
  z_stream z = { 0 };
  gsize cap;
  guint8 *out;
  int rc;

  if (deflateInit2 (&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fuzz_fail ("deflateInit2 failed");
  cap = deflateBound (&z, (uLong) size) + 64;
  out = g_malloc (cap);
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) size;
  z.next_out = out;
  z.avail_out = (uInt) cap;
  rc = deflate (&z, Z_FINISH);
  if (rc != Z_STREAM_END)
    fuzz_fail ("deflate returned %d", rc);
  cap = z.total_out;
  deflateEnd (&z);
  return g_bytes_new_take (out, cap);
}

static void
check_utf8 (const char *text,
            const char *what)
{
  if (!g_utf8_validate (text, -1, NULL))
    fuzz_fail ("%s is not valid UTF-8", what);
}

/**
 * fuzz_exercise_array:
 *
 * Does with @array what the window and drey-cli do: its name, shape, a few
 * elements as text, and a summary of a numeric one.
 */
void
fuzz_exercise_array (SqNdarray *array)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint64 n = sq_ndarray_get_n_elements (array);
  g_autofree char *shape = sq_ndarray_format_shape (array);

  check_utf8 (sq_dtype_get_name (dtype), "a dtype name");
  check_utf8 (shape, "a shape");
  if (g_bytes_get_size (sq_ndarray_get_data (array)) != n * sq_dtype_get_itemsize (dtype))
    fuzz_fail ("an array of %" G_GUINT64_FORMAT " %s elements holds %" G_GSIZE_FORMAT " bytes", n,
               sq_dtype_get_type_string (dtype), g_bytes_get_size (sq_ndarray_get_data (array)));

  for (guint64 i = 0; i < n; i = i + 1 < FORMAT_ELEMENTS || i + 1 == n ? i + 1 : n - 1)
    {
      g_autofree char *element = sq_ndarray_format_element (array, i);

      check_utf8 (element, "an element");
    }

  if (sq_dtype_is_numeric (dtype) && n <= SUMMARY_MAX_ELEMENTS)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqSummary) summary = sq_summary_new (array, NULL, &error);

      if (summary == NULL)
        fuzz_fail ("no summary of a numeric %s array: %s", sq_dtype_get_type_string (dtype), error->message);
      if (summary->n_elements != n)
        fuzz_fail ("a summary of %" G_GUINT64_FORMAT " elements for %" G_GUINT64_FORMAT, summary->n_elements, n);
    }
}

/**
 * fuzz_exercise_value:
 *
 * Shows @value and everything under it as the inspector would: type,
 * one-line text, the edit text of editable scalars.
 */
void
fuzz_exercise_value (SqValue *value)
{
  g_autofree char *type = sq_value_describe_type (value);
  g_autofree char *text = sq_value_format (value, 40);

  check_utf8 (type, "a type description");
  check_utf8 (text, "a value's text");
  if (sq_value_is_editable_scalar (value))
    {
      g_autofree char *edit = sq_value_to_edit_text (value);

      check_utf8 (edit, "an edit text");
    }

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_ARRAY:
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        fuzz_exercise_value (sq_value_get_item (value, i));
      break;
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        {
          fuzz_exercise_value (sq_value_get_key (value, i));
          fuzz_exercise_value (sq_value_get_item (value, i));
        }
      break;
    case SQ_VALUE_NDARRAY:
      fuzz_exercise_array (sq_value_get_ndarray (value));
      break;
    case SQ_VALUE_SCALAR:
      if (sq_dtype_get_itemsize (sq_value_get_scalar_dtype (value)) == 0)
        fuzz_fail ("a numpy scalar of no bytes");
      break;
    default:
      break;
    }
}

static gboolean
same_bits (double a,
           double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

/* The repr a complex is written with: as read, or else Python's. */
static char *
complex_repr (const SqValue *value)
{
  GString *repr = g_string_new (sq_value_get_complex_repr (value));
  double re, im;

  if (sq_value_get_complex_repr (value) == NULL)
    {
      sq_value_get_complex (value, &re, &im);
      _sq_append_complex_repr (repr, re, im);
    }
  return g_string_free (repr, FALSE);
}

static gboolean
complex_reprs_equal (const SqValue *a,
                     const SqValue *b)
{
  g_autofree char *x = complex_repr (a);
  g_autofree char *y = complex_repr (b);

  return strcmp (x, y) == 0;
}

/**
 * fuzz_values_identical:
 *
 * sq_value_equal(), and more: NaNs with the same bits (sq_value_equal()
 * takes any NaN for any other), complex numbers with the same repr (the
 * one read is written back; without one, Python's).
 */
gboolean
fuzz_values_identical (const SqValue *a,
                       const SqValue *b)
{
  if (!sq_value_equal (a, b))
    return FALSE;
  switch (sq_value_get_value_type (a))
    {
    case SQ_VALUE_FLOAT32:
      return _sq_value_get_float32_bits (a) == _sq_value_get_float32_bits (b);
    case SQ_VALUE_FLOAT64:
      return same_bits (sq_value_get_double (a), sq_value_get_double (b));
    case SQ_VALUE_COMPLEX:
      {
        double ar, ai, br, bi;

        sq_value_get_complex (a, &ar, &ai);
        sq_value_get_complex (b, &br, &bi);
        return same_bits (ar, br) && same_bits (ai, bi) && complex_reprs_equal (a, b);
      }
    case SQ_VALUE_ARRAY:
      for (gsize i = 0; i < sq_value_get_length (a); i++)
        if (!fuzz_values_identical (sq_value_get_item (a, i), sq_value_get_item (b, i)))
          return FALSE;
      return TRUE;
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (a); i++)
        if (!fuzz_values_identical (sq_value_get_item (a, i), sq_value_get_item (b, i)))
          return FALSE;
      return TRUE;
    default:
      return TRUE;
    }
}

gboolean
fuzz_arrays_identical (const SqNdarray *a,
                       const SqNdarray *b)
{
  return sq_dtype_equal (sq_ndarray_get_dtype (a), sq_ndarray_get_dtype (b)) &&
         g_strcmp0 (sq_dtype_get_type_string (sq_ndarray_get_dtype (a)),
                    sq_dtype_get_type_string (sq_ndarray_get_dtype (b))) == 0 &&
         sq_ndarray_get_ndim (a) == sq_ndarray_get_ndim (b) &&
         memcmp (sq_ndarray_get_shape (a), sq_ndarray_get_shape (b),
                 sq_ndarray_get_ndim (a) * sizeof (guint64)) == 0 &&
         g_bytes_equal (sq_ndarray_get_data (a), sq_ndarray_get_data (b));
}

/* "byte 17": an offset, as every decode error gives one. */
static gboolean
names_a_byte (const char *message)
{
  for (const char *p = strstr (message, "byte "); p != NULL; p = strstr (p + 1, "byte "))
    if (g_ascii_isdigit (p[5]))
      return TRUE;
  return FALSE;
}

/**
 * fuzz_check_shard_error:
 *
 * What a reader says about bad bytes is one clear line: an
 * #SQ_DECODE_ERROR that names the shard and the byte (only "decodes both
 * ways" has no byte to name).
 */
void
fuzz_check_shard_error (const GError *error)
{
  if (error == NULL)
    fuzz_fail ("a reader failed without an error");
  check_utf8 (error->message, "an error message");
  if (error->domain != SQ_DECODE_ERROR)
    fuzz_fail ("not a decode error: %s", error->message);
  if (!g_str_has_prefix (error->message, "shard '" FUZZ_SHARD "': "))
    fuzz_fail ("the error does not name the shard: %s", error->message);
  if (error->code != SQ_DECODE_ERROR_AMBIGUOUS && !names_a_byte (error->message))
    fuzz_fail ("the error does not name the byte: %s", error->message);
  if (strchr (error->message, '\n') != NULL)
    fuzz_fail ("the error is more than one line: %s", error->message);
}

/**
 * fuzz_exercise_sample:
 *
 * Does with a decoded sample what drey-cli cat and the inspector do: shows
 * it (fuzz_exercise_value()) and writes it as cat's JSON, which may refuse
 * a value (with an SQ_ENCODE_ERROR) but not fail otherwise; and checks its
 * exact JSON (fuzz_check_exact_json()). Samples of more than a few MiB
 * are only shown.
 */
void
fuzz_exercise_sample (SqValue *sample)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  fuzz_exercise_value (sample);
  if (_sq_value_cost (sample) > FUZZ_JSON_MAX_COST)
    return;
  json = sq_value_to_json (sample, &error);
  if (json != NULL)
    check_utf8 (json, "cat's JSON");
  else if (error == NULL || error->domain != SQ_ENCODE_ERROR)
    fuzz_fail ("cat's JSON fails without an SQ_ENCODE_ERROR");
  fuzz_check_exact_json (sample);
}

static gboolean
holds_pickle (SqValue *value)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_OPAQUE:
      return sq_value_get_opaque_kind (value) == SQ_OPAQUE_PICKLE;
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        if (holds_pickle (sq_value_get_item (value, i)))
          return TRUE;
      return FALSE;
    default:
      return FALSE;
    }
}

/**
 * fuzz_check_exact_json:
 *
 * `drey-cli cat --exact | drey-cli set` is lossless (README): the exact
 * JSON of any value Drey reads parses back as the identical value. Only
 * pickles are refused (they are never written).
 */
void
fuzz_check_exact_json (SqValue *value)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) back = NULL;

  if (holds_pickle (value))
    return;
  if (!sq_json_append (json, value, SQ_JSON_EXACT, &error))
    fuzz_fail ("cat --exact cannot write a value it read: %s", error->message);
  check_utf8 (json->str, "exact JSON");
  back = sq_json_parse (json->str, json->len, SQ_JSON_EXACT, &error);
  if (back == NULL)
    fuzz_fail ("cat --exact wrote JSON that set cannot read: %s\n%.400s", error->message, json->str);
  if (!fuzz_values_identical (value, back))
    fuzz_fail ("cat --exact | set changes the value:\n%.400s", json->str);
}
