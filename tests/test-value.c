/* test-value.c: values, dtypes, arrays and their summaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "sq.h"

static void
test_dtype_parse (void)
{
  static const struct
  {
    const char *str;
    SqDtypeKind kind;
    SqByteOrder order;
    gsize       itemsize;
    const char *name;
  } good[] = {
    { "<f8", SQ_DTYPE_KIND_FLOAT, SQ_BYTE_ORDER_LITTLE, 8, "float64" },
    { "<f4", SQ_DTYPE_KIND_FLOAT, SQ_BYTE_ORDER_LITTLE, 4, "float32" },
    { "<f2", SQ_DTYPE_KIND_FLOAT, SQ_BYTE_ORDER_LITTLE, 2, "float16" },
    { "|u1", SQ_DTYPE_KIND_UINT, SQ_BYTE_ORDER_NONE, 1, "uint8" },
    { "|i1", SQ_DTYPE_KIND_INT, SQ_BYTE_ORDER_NONE, 1, "int8" },
    { ">i4", SQ_DTYPE_KIND_INT, SQ_BYTE_ORDER_BIG, 4, "int32" },
    { "<u8", SQ_DTYPE_KIND_UINT, SQ_BYTE_ORDER_LITTLE, 8, "uint64" },
    { "|b1", SQ_DTYPE_KIND_BOOL, SQ_BYTE_ORDER_NONE, 1, "bool" },
    { "<c8", SQ_DTYPE_KIND_COMPLEX, SQ_BYTE_ORDER_LITTLE, 8, "complex64" },
    { "<c16", SQ_DTYPE_KIND_COMPLEX, SQ_BYTE_ORDER_LITTLE, 16, "complex128" },
    { "<U5", SQ_DTYPE_KIND_UNICODE, SQ_BYTE_ORDER_LITTLE, 20, "unicode[5]" },
    { "|S3", SQ_DTYPE_KIND_BYTES, SQ_BYTE_ORDER_NONE, 3, "bytes[3]" },
    { "<M8[ns]", SQ_DTYPE_KIND_DATETIME, SQ_BYTE_ORDER_LITTLE, 8, "datetime64[ns]" },
    { "<m8[10s]", SQ_DTYPE_KIND_TIMEDELTA, SQ_BYTE_ORDER_LITTLE, 8, "timedelta64[10s]" },
    { "|V12", SQ_DTYPE_KIND_VOID, SQ_BYTE_ORDER_NONE, 12, "void[12]" },
    { "|O", SQ_DTYPE_KIND_OBJECT, SQ_BYTE_ORDER_NONE, 8, "object" },
  };
  static const char *const bad[] = {
    "", "<", "f", "<x4", "<i3", "<f3", "|b2", "<c4", "<M8[xs]", "<M8[ns", "<f8 ", "<i99999999999",
    "<U99999999999", "<<f8", "<M4",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (good[i].str, &error);

      g_assert_no_error (error);
      g_assert_cmpint (sq_dtype_get_kind (dtype), ==, good[i].kind);
      g_assert_cmpint (sq_dtype_get_byte_order (dtype), ==, good[i].order);
      g_assert_cmpuint (sq_dtype_get_itemsize (dtype), ==, good[i].itemsize);
      g_assert_cmpstr (sq_dtype_get_name (dtype), ==, good[i].name);
      g_assert_cmpstr (sq_dtype_get_type_string (dtype), ==, good[i].str);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (bad[i], &error);

      g_assert_null (dtype);
      g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY);
      g_assert_nonnull (strstr (error->message, "is not a numpy type string"));
    }

  /* Without an order, or with "|" where one applies, numpy means this
   * machine's: "|i2" is "i2" is "<i2" on x86. */
  {
    static const char *const native[] = { "i2", "=i2", "|i2" };
    g_autoptr(SqDtype) i2 = sq_dtype_new (SQ_DTYPE_KIND_INT, SQ_BYTE_ORDER_NONE, 2);

    for (gsize i = 0; i < G_N_ELEMENTS (native); i++)
      {
        g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (native[i], NULL);

        g_assert_true (sq_dtype_equal (dtype, i2));
        g_assert_false (sq_dtype_needs_swap (dtype));
        g_assert_cmpstr (sq_dtype_get_type_string (dtype), ==, native[i]);
      }
  }
}

static SqValue *
str (const char *text)
{
  return sq_value_new_str (text, -1);
}

static SqValue *
list2 (SqValue *a,
       SqValue *b)
{
  SqValue *items[] = { a, b };

  return sq_value_new_array (items, 2);
}

static SqValue *
list3 (SqValue *a,
       SqValue *b,
       SqValue *c)
{
  SqValue *items[] = { a, b, c };

  return sq_value_new_array (items, 3);
}

static void
test_dtype_structured (void)
{
  /* [("x", "<i4"), ("", "|V4"), ("v", "<f8", [2]), ("p", [("a", "|u1")])] */
  SqValue *dims[] = { sq_value_new_int (2) };
  SqValue *nested_fields[] = { list2 (str ("a"), str ("|u1")) };
  SqValue *fields[] = {
    list2 (str ("x"), str ("<i4")),
    list2 (str (""), str ("|V4")),
    list3 (str ("v"), str ("<f8"), sq_value_new_array (dims, 1)),
    list2 (str ("p"), sq_value_new_array (nested_fields, 1)),
  };
  g_autoptr(SqValue) descr = sq_value_new_array (fields, G_N_ELEMENTS (fields));
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_descr (descr, &error);
  const SqDtypeField *f;

  g_assert_no_error (error);
  g_assert_cmpuint (sq_dtype_get_itemsize (dtype), ==, 4 + 4 + 16 + 1);
  g_assert_cmpuint (sq_dtype_get_n_fields (dtype), ==, 4);
  g_assert_cmpstr (sq_dtype_get_type_string (dtype), ==, "|V25");
  g_assert_cmpstr (sq_dtype_get_name (dtype), ==, "struct[4]");
  f = sq_dtype_get_field (dtype, 2);
  g_assert_cmpstr (f->name, ==, "v");
  g_assert_cmpuint (f->offset, ==, 8);
  g_assert_cmpuint (f->ndim, ==, 1);
  g_assert_cmpuint (f->shape[0], ==, 2);
  f = sq_dtype_get_field (dtype, 3);
  g_assert_cmpuint (sq_dtype_get_n_fields (f->dtype), ==, 1);
  g_assert_true (sq_dtype_get_descr (dtype) == descr);
}

static void
test_dtype_structured_bad (void)
{
  SqValue *fields[] = { list2 (sq_value_new_int (1), str ("<i4")) };
  g_autoptr(SqValue) descr = sq_value_new_array (fields, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_descr (descr, &error);

  g_assert_null (dtype);
  g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY);
}

static void
test_map_dict_semantics (void)
{
  /* {"a": 1, "b": 2, "a": 3} reads as Python's dict does: {"a": 3, "b": 2} */
  SqValue *entries[] = {
    str ("a"), sq_value_new_int (1), str ("b"), sq_value_new_int (2), str ("a"), sq_value_new_int (3),
  };
  g_autoptr(SqValue) map = sq_value_new_map (entries, 3);

  g_assert_cmpuint (sq_value_get_length (map), ==, 2);
  g_assert_cmpstr (sq_value_get_str (sq_value_get_key (map, 0), NULL), ==, "a");
  g_assert_cmpint (sq_value_get_int (sq_value_get_item (map, 0)), ==, 3);
  g_assert_cmpint (sq_value_get_int (sq_value_lookup (map, "b")), ==, 2);
  g_assert_null (sq_value_lookup (map, "c"));
}

static void
test_map_dict_semantics_large (void)
{
  /* Past the linear search: the same rule through the hash table. */
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(SqValue) map = NULL;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%d", i % 40);

      g_ptr_array_add (entries, str (key));
      g_ptr_array_add (entries, sq_value_new_int (i));
    }
  map = sq_value_new_map ((SqValue **) entries->pdata, 100);
  g_assert_cmpuint (sq_value_get_length (map), ==, 40);
  g_assert_cmpstr (sq_value_get_str (sq_value_get_key (map, 5), NULL), ==, "k5");
  g_assert_cmpint (sq_value_get_int (sq_value_lookup (map, "k5")), ==, 85);
  g_assert_cmpint (sq_value_get_int (sq_value_lookup (map, "k39")), ==, 79);
}

static void
test_str_and_bin_keys_differ (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new ("a", 1);
  SqValue *entries[] = { str ("a"), sq_value_new_int (1), sq_value_new_bin (bytes), sq_value_new_int (2) };
  g_autoptr(SqValue) map = sq_value_new_map (entries, 2);

  g_assert_cmpuint (sq_value_get_length (map), ==, 2);
}

static void
test_value_types (void)
{
  g_autoptr(SqValue) big = sq_value_new_uint (G_MAXUINT64);
  g_autoptr(SqValue) small = sq_value_new_uint (5);
  g_autoptr(SqValue) nul = sq_value_new_str ("a\0b", 3);
  gsize len;

  g_assert_cmpint (sq_value_get_value_type (big), ==, SQ_VALUE_UINT);
  g_assert_cmpint (sq_value_get_value_type (small), ==, SQ_VALUE_INT);
  g_assert_cmpint (sq_value_get_int (small), ==, 5);
  g_assert_cmpmem (sq_value_get_str (nul, &len), 3, "a\0b", 3);
  g_assert_cmpuint (len, ==, 3);
  g_assert_true (sq_value_equal (sq_value_new_nil (), sq_value_new_nil ()));
  g_assert_false (sq_value_equal (sq_value_new_int (1), sq_value_new_bool (TRUE)));
}

static SqNdarray *
make_array (const char    *type,
            guint          ndim,
            const guint64 *shape,
            const void    *data,
            gsize          size,
            GError       **error)
{
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  return sq_ndarray_new (dtype, ndim, shape, bytes, error);
}

static void
test_ndarray_data_size (void)
{
  guint64 shape[] = { 2, 3 };
  gint32 data[7] = { 0, 1, 2, 3, 4, 5, 99 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) exact = make_array ("<i4", 2, shape, data, 24, &error);
  g_autoptr(SqNdarray) extra = make_array ("<i4", 2, shape, data, 28, &error);
  g_autoptr(SqNdarray) shorter = NULL;
  g_autofree char *dims = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (sq_ndarray_get_n_elements (exact), ==, 6);
  /* numpy ignores bytes beyond the shape; the array holds exactly its own */
  g_assert_cmpuint (g_bytes_get_size (sq_ndarray_get_data (extra)), ==, 24);
  dims = sq_ndarray_format_shape (extra);
  g_assert_cmpstr (dims, ==, "2x3");

  shorter = make_array ("<i4", 2, shape, data, 20, &error);
  g_assert_null (shorter);
  g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY);
  g_assert_cmpstr (error->message, ==, "array data holds 20 bytes but shape [2x3] of <i4 needs 24");
}

static void
test_ndarray_huge_shape (void)
{
  guint64 shape[] = { G_GUINT64_CONSTANT (1) << 40, G_GUINT64_CONSTANT (1) << 40 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = make_array ("<f8", 2, shape, "", 0, &error);

  g_assert_null (array);
  g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY);
}

static void
test_ndarray_zero_size_and_0d (void)
{
  guint64 shape[] = { 0, 4 };
  double seven = 7.25;
  g_autoptr(SqNdarray) empty = make_array ("<i2", 2, shape, "", 0, NULL);
  g_autoptr(SqNdarray) scalar = make_array ("<f8", 0, NULL, &seven, 8, NULL);
  g_autofree char *text = sq_ndarray_format_element (scalar, 0);
  g_autofree char *dims = sq_ndarray_format_shape (scalar);

  g_assert_cmpuint (sq_ndarray_get_n_elements (empty), ==, 0);
  g_assert_cmpuint (sq_ndarray_get_n_elements (scalar), ==, 1);
  g_assert_cmpstr (text, ==, "7.25");
  g_assert_cmpstr (dims, ==, "scalar");
}

static void
test_ndarray_format_elements (void)
{
  static const guint8 be_i4[] = { 0xff, 0xff, 0xff, 0xfe };
  static const guint8 u4[] = { 'a', 0, 0, 0, 0x3a, 0x04, 0, 0, 0, 0, 0, 0 };
  static const guint8 f2[] = { 0x00, 0x3e };
  static const double c16[] = { 1.0, -2.0 };
  guint64 one = 1;
  struct
  {
    const char   *type;
    const void   *data;
    gsize         size;
    const char   *expected;
  } cases[] = {
    { ">i4", be_i4, 4, "-2" },
    { "<U3", u4, 12, "'aк'" },
    { "<f2", f2, 2, "1.5" },
    { "<c16", c16, 16, "(1-2j)" },
    { "|S3", "a\0\0", 3, "b'a'" },
    { "|b1", "\1", 1, "True" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SqNdarray) array = make_array (cases[i].type, 1, &one, cases[i].data, cases[i].size, NULL);
      g_autofree char *text = sq_ndarray_format_element (array, 0);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_summary_uint8 (void)
{
  guint8 data[1000];
  guint64 shape = G_N_ELEMENTS (data);
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqSummary) s = NULL;
  double sum = 0, sq = 0, mean;

  for (gsize i = 0; i < shape; i++)
    {
      data[i] = (guint8) ((i * 37) % 251);
      sum += data[i];
    }
  mean = sum / (double) shape;
  for (gsize i = 0; i < shape; i++)
    sq += (data[i] - mean) * (data[i] - mean);

  array = make_array ("|u1", 1, &shape, data, sizeof data, NULL);
  s = sq_summary_new (array, NULL, NULL);
  g_assert_cmpuint (s->n_elements, ==, 1000);
  g_assert_cmpfloat (s->min, ==, 0);
  g_assert_cmpfloat (s->max, ==, 250);
  g_assert_cmpfloat_with_epsilon (s->mean, mean, 1e-9);
  g_assert_cmpfloat_with_epsilon (s->std, sqrt (sq / 1000), 1e-9);
  g_assert_cmpuint (s->n_zero, ==, 4);
  g_assert_cmpuint (s->n_nan, ==, 0);
  {
    guint64 total = 0;

    for (int i = 0; i < SQ_SUMMARY_N_BINS; i++)
      total += s->hist[i];
    g_assert_cmpuint (total, ==, 1000);
    /* numpy.histogram(data, 64): 250/64 wide bins, the last one closed */
    g_assert_cmpfloat (s->hist_min, ==, 0);
    g_assert_cmpfloat (s->hist_max, ==, 250);
  }
}

static void
test_summary_float_special (void)
{
  double data[] = { 1.0, NAN, INFINITY, -2.0, 0.0, 3.0, -INFINITY, NAN };
  guint64 shape = G_N_ELEMENTS (data);
  g_autoptr(SqNdarray) array = make_array ("<f8", 1, &shape, data, sizeof data, NULL);
  g_autoptr(SqSummary) s = sq_summary_new (array, NULL, NULL);

  g_assert_cmpuint (s->n_nan, ==, 2);
  g_assert_cmpuint (s->n_inf, ==, 2);
  g_assert_cmpuint (s->n_zero, ==, 1);
  g_assert_cmpuint (s->n_finite, ==, 4);
  g_assert_cmpfloat (s->min, ==, -INFINITY);
  g_assert_cmpfloat (s->max, ==, INFINITY);
  g_assert_cmpfloat_with_epsilon (s->mean, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->std, sqrt ((0.25 + 6.25 + 0.25 + 6.25) / 4), 1e-12);
  g_assert_cmpfloat (s->hist_min, ==, -2);
  g_assert_cmpfloat (s->hist_max, ==, 3);
  g_assert_cmpuint (s->hist[0], ==, 1);
  g_assert_cmpuint (s->hist[63], ==, 1);
}

static void
test_summary_big_endian_matches_little (void)
{
  gint32 le[256];
  guint32 be[256];
  guint64 shape = 256;
  g_autoptr(SqNdarray) a = NULL;
  g_autoptr(SqNdarray) b = NULL;
  g_autoptr(SqSummary) sa = NULL;
  g_autoptr(SqSummary) sb = NULL;

  for (int i = 0; i < 256; i++)
    {
      le[i] = i * i - 3000;
      be[i] = GUINT32_TO_BE ((guint32) le[i]);
    }
  a = make_array ("<i4", 1, &shape, le, sizeof le, NULL);
  b = make_array (">i4", 1, &shape, be, sizeof be, NULL);
  sa = sq_summary_new (a, NULL, NULL);
  sb = sq_summary_new (b, NULL, NULL);
  g_assert_nonnull (sa);
  g_assert_nonnull (sb);
  g_assert_cmpfloat (sa->min, ==, -3000);
  g_assert_cmpmem (sa, sizeof *sa, sb, sizeof *sb);
  g_assert_cmpfloat (sa->max, ==, 255 * 255 - 3000);
}

static void
test_summary_float16_table (void)
{
  static const guint16 f2[] = { 0x3e00, 0x7e00, 0x7c00, 0xbc00, 0x0000 }; /* 1.5 NaN inf -1 0 */
  guint64 shape = G_N_ELEMENTS (f2);
  g_autoptr(SqNdarray) array = make_array ("<f2", 1, &shape, f2, sizeof f2, NULL);
  g_autoptr(SqSummary) s = sq_summary_new (array, NULL, NULL);

  g_assert_cmpuint (s->n_nan, ==, 1);
  g_assert_cmpuint (s->n_inf, ==, 1);
  g_assert_cmpuint (s->n_zero, ==, 1);
  g_assert_cmpfloat (s->min, ==, -1);
  g_assert_cmpfloat (s->max, ==, INFINITY);
  g_assert_cmpfloat_with_epsilon (s->mean, 0.5 / 3, 1e-12);
}

static void
test_summary_not_numeric (void)
{
  guint64 shape = 1;
  g_autoptr(SqNdarray) array = make_array ("|S3", 1, &shape, "abc", 3, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqSummary) s = sq_summary_new (array, NULL, &error);

  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_summary_constant (void)
{
  double data[] = { 4, 4, 4 };
  guint64 shape = 3;
  g_autoptr(SqNdarray) array = make_array ("<f8", 1, &shape, data, sizeof data, NULL);
  g_autoptr(SqSummary) s = sq_summary_new (array, NULL, NULL);

  /* as numpy.histogram: the range becomes value ± 0.5 */
  g_assert_cmpfloat (s->hist_min, ==, 3.5);
  g_assert_cmpfloat (s->hist_max, ==, 4.5);
  g_assert_cmpuint (s->hist[32], ==, 3);
  g_assert_cmpfloat (s->std, ==, 0);
}

/* Ranges doubles cannot span: none at all (1e18 ± 0.5 is 1e18) and wider
 * than DBL_MAX. Each value still lands in a bin, as for any other range. */
static void
test_summary_extreme_ranges (void)
{
  gint64 big[] = { G_GINT64_CONSTANT (1) << 62, G_GINT64_CONSTANT (1) << 62 };
  double wide[] = { -DBL_MAX, DBL_MAX, 0 };
  guint64 n_big = G_N_ELEMENTS (big), n_wide = G_N_ELEMENTS (wide);
  g_autoptr(SqNdarray) a = make_array ("<i8", 1, &n_big, big, sizeof big, NULL);
  g_autoptr(SqNdarray) b = make_array ("<f8", 1, &n_wide, wide, sizeof wide, NULL);
  g_autoptr(SqSummary) sa = sq_summary_new (a, NULL, NULL);
  g_autoptr(SqSummary) sb = sq_summary_new (b, NULL, NULL);

  g_assert_cmpfloat (sa->hist_min, ==, sa->hist_max);
  g_assert_cmpuint (sa->hist[32], ==, 2);
  g_assert_cmpuint (sb->hist[0], ==, 1);
  g_assert_cmpuint (sb->hist[32], ==, 1);
  g_assert_cmpuint (sb->hist[63], ==, 1);
}

static void
test_summary_cancelled (void)
{
  g_autofree double *data = g_new0 (double, 3 << 20);
  guint64 shape = 3 << 20;
  g_autoptr(SqNdarray) array = make_array ("<f8", 1, &shape, data, shape * 8, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SqSummary) s = NULL;

  g_cancellable_cancel (cancellable);
  s = sq_summary_new (array, cancellable, &error);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Editing */

static SqValue *
int_list (int n)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  /* big enough not to be the shared small ints: each is its own node */
  for (int i = 0; i < n; i++)
    g_ptr_array_add (items, sq_value_new_int (1000 + i));
  return sq_value_new_array ((SqValue **) items->pdata, items->len);
}

static SqValue *
abc_map (void)
{
  SqValue *entries[] = {
    str ("a"), sq_value_new_float64 (1.5), str ("b"), sq_value_new_int (1000), str ("c"), str ("text"),
  };

  return sq_value_new_map (entries, 3);
}

static void
assert_keys (SqValue    *map,
             const char *keys)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (gsize i = 0; i < sq_value_get_length (map); i++)
    g_string_append (joined, sq_value_get_str (sq_value_get_key (map, i), NULL));
  g_assert_cmpstr (joined->str, ==, keys);
}

static void
test_edit_replace (void)
{
  g_autoptr(SqValue) array = int_list (3);
  g_autoptr(SqValue) map = abc_map ();
  g_autoptr(SqValue) item = str ("new");
  g_autoptr(SqValue) edited = sq_value_replace_item (array, 1, item);
  g_autoptr(SqValue) edited_map = sq_value_replace_item (map, 1, item);

  g_assert_cmpint (sq_value_get_value_type (edited), ==, SQ_VALUE_ARRAY);
  g_assert_cmpuint (sq_value_get_length (edited), ==, 3);
  g_assert_true (sq_value_get_item (edited, 0) == sq_value_get_item (array, 0));
  g_assert_true (sq_value_get_item (edited, 1) == item);
  g_assert_true (sq_value_get_item (edited, 2) == sq_value_get_item (array, 2));
  /* the original is untouched */
  g_assert_cmpint (sq_value_get_int (sq_value_get_item (array, 1)), ==, 1001);

  g_assert_cmpint (sq_value_get_value_type (edited_map), ==, SQ_VALUE_MAP);
  assert_keys (edited_map, "abc");
  for (gsize i = 0; i < 3; i++)
    g_assert_true (sq_value_get_key (edited_map, i) == sq_value_get_key (map, i));
  g_assert_true (sq_value_get_item (edited_map, 0) == sq_value_get_item (map, 0));
  g_assert_true (sq_value_get_item (edited_map, 1) == item);
  g_assert_true (sq_value_get_item (edited_map, 2) == sq_value_get_item (map, 2));
  g_assert_cmpint (sq_value_get_int (sq_value_get_item (map, 1)), ==, 1000);
}

static void
test_edit_insert (void)
{
  g_autoptr(SqValue) array = int_list (2);
  g_autoptr(SqValue) map = abc_map ();
  g_autoptr(SqValue) item = str ("new");
  g_autoptr(SqValue) key = str ("k");
  g_autoptr(GError) error = NULL;

  for (gsize at = 0; at <= 2; at++)
    {
      g_autoptr(SqValue) edited = sq_value_insert_item (array, at, NULL, item, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (sq_value_get_length (edited), ==, 3);
      for (gsize i = 0, j = 0; i < 3; i++)
        {
          if (i == at)
            g_assert_true (sq_value_get_item (edited, i) == item);
          else
            g_assert_true (sq_value_get_item (edited, i) == sq_value_get_item (array, j++));
        }
    }
  g_assert_cmpuint (sq_value_get_length (array), ==, 2);

  {
    g_autoptr(SqValue) edited = sq_value_insert_item (map, 1, key, item, &error);

    g_assert_no_error (error);
    assert_keys (edited, "akbc");
    g_assert_true (sq_value_get_key (edited, 1) == key);
    g_assert_true (sq_value_get_item (edited, 1) == item);
    g_assert_true (sq_value_get_item (edited, 0) == sq_value_get_item (map, 0));
    g_assert_true (sq_value_get_key (edited, 3) == sq_value_get_key (map, 2));
    g_assert_true (sq_value_get_item (edited, 3) == sq_value_get_item (map, 2));
    assert_keys (map, "abc");
  }
  {
    g_autoptr(SqValue) edited = sq_value_insert_item (map, 3, key, item, &error);

    g_assert_no_error (error);
    assert_keys (edited, "abck");
  }

  /* into the shared empty containers */
  {
    g_autoptr(SqValue) empty_array = sq_value_new_array (NULL, 0);
    g_autoptr(SqValue) empty_map = sq_value_new_map (NULL, 0);
    g_autoptr(SqValue) one = sq_value_insert_item (empty_array, 0, NULL, item, &error);
    g_autoptr(SqValue) one_map = sq_value_insert_item (empty_map, 0, key, item, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sq_value_get_length (one), ==, 1);
    g_assert_cmpuint (sq_value_get_length (one_map), ==, 1);
    g_assert_cmpuint (sq_value_get_length (empty_array), ==, 0);
    g_assert_cmpuint (sq_value_get_length (empty_map), ==, 0);
  }
}

static void
test_edit_insert_duplicate_key (void)
{
  g_autoptr(SqValue) map = abc_map ();
  g_autoptr(SqValue) item = sq_value_new_int (1);
  g_autoptr(SqValue) key = str ("b");
  g_autoptr(GBytes) b = g_bytes_new ("b", 1);
  g_autoptr(SqValue) bin_key = sq_value_new_bin (b);
  g_autoptr(SqValue) with_bin = NULL;
  g_autoptr(SqValue) again = NULL;
  g_autoptr(SqValue) edited = NULL;
  g_autoptr(GError) error = NULL;

  edited = sq_value_insert_item (map, 0, key, item, &error);
  g_assert_null (edited);
  g_assert_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_KEY_EXISTS);
  g_assert_cmpstr (error->message, ==, "the map already has a key 'b'");
  g_clear_error (&error);

  /* bin b'b' and str 'b' are different keys, as in Python */
  with_bin = sq_value_insert_item (map, 3, bin_key, item, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sq_value_get_length (with_bin), ==, 4);
  again = sq_value_insert_item (with_bin, 0, bin_key, item, &error);
  g_assert_null (again);
  g_assert_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_KEY_EXISTS);
  g_assert_cmpstr (error->message, ==, "the map already has a key b'b'");
}

static void
test_edit_remove (void)
{
  g_autoptr(SqValue) array = int_list (3);
  g_autoptr(SqValue) map = abc_map ();
  g_autoptr(SqValue) edited = sq_value_remove_item (array, 1);
  g_autoptr(SqValue) edited_map = sq_value_remove_item (map, 0);
  g_autoptr(SqValue) single = int_list (1);
  g_autoptr(SqValue) none = sq_value_remove_item (single, 0);
  g_autoptr(SqValue) map_1 = sq_value_remove_item (edited_map, 1);
  g_autoptr(SqValue) map_0 = sq_value_remove_item (map_1, 0);

  g_assert_cmpuint (sq_value_get_length (edited), ==, 2);
  g_assert_true (sq_value_get_item (edited, 0) == sq_value_get_item (array, 0));
  g_assert_true (sq_value_get_item (edited, 1) == sq_value_get_item (array, 2));
  g_assert_cmpuint (sq_value_get_length (array), ==, 3);

  assert_keys (edited_map, "bc");
  g_assert_true (sq_value_get_key (edited_map, 0) == sq_value_get_key (map, 1));
  g_assert_true (sq_value_get_item (edited_map, 1) == sq_value_get_item (map, 2));
  assert_keys (map, "abc");

  g_assert_cmpint (sq_value_get_value_type (none), ==, SQ_VALUE_ARRAY);
  g_assert_cmpuint (sq_value_get_length (none), ==, 0);
  assert_keys (map_1, "b");
  g_assert_cmpint (sq_value_get_value_type (map_0), ==, SQ_VALUE_MAP);
  g_assert_cmpuint (sq_value_get_length (map_0), ==, 0);
}

static void
test_edit_rename (void)
{
  g_autoptr(SqValue) map = abc_map ();
  g_autoptr(SqValue) z = str ("z");
  g_autoptr(SqValue) c = str ("c");
  g_autoptr(SqValue) b = str ("b");
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) renamed = sq_value_rename_key (map, 1, z, &error);
  g_autoptr(SqValue) clash = NULL;
  g_autoptr(SqValue) same = NULL;

  g_assert_no_error (error);
  assert_keys (renamed, "azc");
  g_assert_true (sq_value_get_key (renamed, 1) == z);
  for (gsize i = 0; i < 3; i++)
    g_assert_true (sq_value_get_item (renamed, i) == sq_value_get_item (map, i));
  g_assert_true (sq_value_get_key (renamed, 0) == sq_value_get_key (map, 0));
  g_assert_true (sq_value_get_key (renamed, 2) == sq_value_get_key (map, 2));
  assert_keys (map, "abc");

  clash = sq_value_rename_key (map, 1, c, &error);
  g_assert_null (clash);
  g_assert_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_KEY_EXISTS);
  g_assert_cmpstr (error->message, ==, "the map already has a key 'c'");
  g_clear_error (&error);

  /* to the key it has: nothing clashes */
  same = sq_value_rename_key (map, 1, b, &error);
  g_assert_no_error (error);
  g_assert_true (sq_value_equal (same, map));
}

static SqValue *
numpy_scalar (const char *type,
              const void *bytes)
{
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type, NULL);

  g_assert_nonnull (dtype);
  return sq_value_new_scalar (dtype, bytes);
}

static void
test_edit_editable (void)
{
  static const guint8 zeros[32] = { 0 };
  g_autoptr(GBytes) bytes = g_bytes_new ("x", 1);
  guint64 one = 1;
  g_autoptr(SqNdarray) array = make_array ("|u1", 1, &one, "x", 1, NULL);
  struct
  {
    SqValue *value;
    gboolean editable;
  } cases[] = {
    { sq_value_new_bool (TRUE), TRUE },
    { sq_value_new_int (-5), TRUE },
    { sq_value_new_uint (G_MAXUINT64), TRUE },
    { sq_value_new_float32 (0.5f), TRUE },
    { sq_value_new_float64 (0.5), TRUE },
    { str ("text"), TRUE },
    { str (""), TRUE },
    { numpy_scalar ("|b1", zeros), TRUE },
    { numpy_scalar ("|i1", zeros), TRUE },
    { numpy_scalar (">i2", zeros), TRUE },
    { numpy_scalar ("<u4", zeros), TRUE },
    { numpy_scalar (">u8", zeros), TRUE },
    { numpy_scalar ("<f2", zeros), TRUE },
    { numpy_scalar (">f4", zeros), TRUE },
    { numpy_scalar ("<f8", zeros), TRUE },
    { sq_value_new_nil (), FALSE },
    { sq_value_new_str ("a\0b", 3), FALSE },
    { sq_value_new_bin (bytes), FALSE },
    { int_list (2), FALSE },
    { abc_map (), FALSE },
    { sq_value_new_ndarray (array), FALSE },
    { sq_value_new_complex (1, 2, NULL), FALSE },
    { sq_value_new_opaque (SQ_OPAQUE_EXT, 1, bytes, "ext"), FALSE },
    { numpy_scalar ("<f16", zeros), FALSE },
    { numpy_scalar ("<c8", zeros), FALSE },
    { numpy_scalar ("<M8[ns]", zeros), FALSE },
    { numpy_scalar ("<m8", zeros), FALSE },
    { numpy_scalar ("<U2", zeros), FALSE },
    { numpy_scalar ("|S2", zeros), FALSE },
    { numpy_scalar ("|V2", zeros), FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *type = sq_value_describe_type (cases[i].value);

      g_test_message ("%s", type);
      g_assert_cmpint (sq_value_is_editable_scalar (cases[i].value), ==, cases[i].editable);
      sq_value_unref (cases[i].value);
    }
}

static void
test_edit_text (void)
{
  static const guint8 u1_255[] = { 255 };
  static const guint8 be_i2_minus2[] = { 0xff, 0xfe };
  static const guint8 le_i8_min[] = { 0, 0, 0, 0, 0, 0, 0, 0x80 };
  static const guint8 be_u8_max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const guint8 le_f2_tenth[] = { 0x66, 0x2e };
  static const guint8 be_f2_max[] = { 0x7b, 0xff };
  static const guint8 le_f2_tiny[] = { 0x01, 0x00 };
  static const guint8 le_f2_2_minus_6[] = { 0x00, 0x24 };
  static const guint8 be_f4_tenth[] = { 0x3d, 0xcc, 0xcc, 0xcd };
  static const guint8 le_f4_third[] = { 0xab, 0xaa, 0xaa, 0x3e };
  static const guint8 be_f8_tenth[] = { 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a };
  static const guint8 b1_true[] = { 1 };
  struct
  {
    SqValue    *value;
    const char *text;
  } cases[] = {
    { sq_value_new_bool (TRUE), "True" },
    { sq_value_new_bool (FALSE), "False" },
    { sq_value_new_int (-42), "-42" },
    { sq_value_new_int (G_MININT64), "-9223372036854775808" },
    { sq_value_new_uint (G_MAXUINT64), "18446744073709551615" },
    { sq_value_new_float64 (0.1), "0.1" },
    { sq_value_new_float64 (1.0), "1.0" },
    { sq_value_new_float64 (1e-05), "1e-05" },
    { sq_value_new_float64 (1e16), "1e+16" },
    { sq_value_new_float64 (-0.0), "-0.0" },
    { sq_value_new_float64 (NAN), "nan" },
    { sq_value_new_float64 (INFINITY), "inf" },
    { sq_value_new_float64 (-INFINITY), "-inf" },
    /* float32: the digits float32 needs, not those of the double it widens to */
    { sq_value_new_float32 (0.1f), "0.1" },
    { sq_value_new_float32 (1.0f / 3), "0.33333334" },
    { sq_value_new_float32 (16777216.0f), "16777216.0" },
    { sq_value_new_float32 (1e-45f), "1e-45" },
    { sq_value_new_float32 (FLT_MAX), "3.4028235e+38" },
    { sq_value_new_float32 (1e-4f), "1e-04" },
    { sq_value_new_float32 (-INFINITY), "-inf" },
    /* powers of two, whose nearest decimal misses where the next one up
     * reads back */
    { sq_value_new_float32 (0x1p-96f), "1.2621775e-29" },
    { sq_value_new_float32 (0x1p87f), "1.5474251e+26" },
    { str ("it's \"quoted\"\n"), "it's \"quoted\"\n" },
    { numpy_scalar ("|u1", u1_255), "255" },
    { numpy_scalar (">i2", be_i2_minus2), "-2" },
    { numpy_scalar ("<i8", le_i8_min), "-9223372036854775808" },
    { numpy_scalar (">u8", be_u8_max), "18446744073709551615" },
    { numpy_scalar ("<f2", le_f2_tenth), "0.1" },
    { numpy_scalar (">f2", be_f2_max), "65500.0" },
    { numpy_scalar ("<f2", le_f2_tiny), "6e-08" },
    { numpy_scalar ("<f2", le_f2_2_minus_6), "0.01563" },
    { numpy_scalar (">f4", be_f4_tenth), "0.1" },
    { numpy_scalar ("<f4", le_f4_third), "0.33333334" },
    { numpy_scalar (">f8", be_f8_tenth), "0.1" },
    { numpy_scalar ("|b1", b1_true), "True" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sq_value_to_edit_text (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
      sq_value_unref (cases[i].value);
    }
}

static void
assert_parse_error (SqValue    *like,
                    const char *text,
                    int         code,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = sq_value_parse_like (like, text, &error);
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("%s -> %s", escaped, error ? error->message : "(no error)");
  g_assert_null (value);
  g_assert_error (error, SQ_EDIT_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static SqValue *
parse_ok (SqValue    *like,
          const char *text)
{
  g_autoptr(GError) error = NULL;
  SqValue *value = sq_value_parse_like (like, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  return value;
}

static void
test_edit_parse_bool (void)
{
  g_autoptr(SqValue) like = sq_value_new_bool (FALSE);
  static const char *const bad[] = { "TRUE", "1", "0", "yes", "", "Truee", "T" };

  g_assert_true (parse_ok (like, "True") == sq_value_new_bool (TRUE));
  g_assert_true (parse_ok (like, "true") == sq_value_new_bool (TRUE));
  g_assert_true (parse_ok (like, "False") == sq_value_new_bool (FALSE));
  g_assert_true (parse_ok (like, "false") == sq_value_new_bool (FALSE));
  g_assert_true (parse_ok (like, " True\n") == sq_value_new_bool (TRUE));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (like, bad[i], SQ_EDIT_ERROR_INVALID, NULL);
  assert_parse_error (like, "yes", SQ_EDIT_ERROR_INVALID, "\xe2\x80\x9cyes\xe2\x80\x9d is not True or False");
}

static void
assert_parse_int (SqValue    *like,
                  const char *text,
                  SqValueType type,
                  gint64      v_int,
                  guint64     v_uint)
{
  g_autoptr(SqValue) value = parse_ok (like, text);

  g_assert_cmpint (sq_value_get_value_type (value), ==, type);
  if (type == SQ_VALUE_INT)
    g_assert_cmpint (sq_value_get_int (value), ==, v_int);
  else
    g_assert_cmpuint (sq_value_get_uint (value), ==, v_uint);
}

static void
test_edit_parse_int (void)
{
  g_autoptr(SqValue) like_int = sq_value_new_int (5000);
  g_autoptr(SqValue) like_uint = sq_value_new_uint (G_MAXUINT64);
  static const char *const bad[] = { "", " ", "abc", "1.5", "1e3", "0x10", "1_000", "- 5", "--5", "5-", "١٢", "+" };

  assert_parse_int (like_int, "42", SQ_VALUE_INT, 42, 0);
  assert_parse_int (like_int, "-7", SQ_VALUE_INT, -7, 0);
  assert_parse_int (like_int, "+5", SQ_VALUE_INT, 5, 0);
  assert_parse_int (like_int, " 12\t", SQ_VALUE_INT, 12, 0);
  assert_parse_int (like_int, "007", SQ_VALUE_INT, 7, 0);
  assert_parse_int (like_int, "-0", SQ_VALUE_INT, 0, 0);
  assert_parse_int (like_int, "9223372036854775807", SQ_VALUE_INT, G_MAXINT64, 0);
  assert_parse_int (like_int, "-9223372036854775808", SQ_VALUE_INT, G_MININT64, 0);
  /* Python has one int: past gint64 it is a UINT, whatever it was before */
  assert_parse_int (like_int, "9223372036854775808", SQ_VALUE_UINT, 0, G_GUINT64_CONSTANT (9223372036854775808));
  assert_parse_int (like_int, "18446744073709551615", SQ_VALUE_UINT, 0, G_MAXUINT64);
  assert_parse_int (like_uint, "3", SQ_VALUE_INT, 3, 0);
  assert_parse_int (like_uint, "-3", SQ_VALUE_INT, -3, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (like_int, bad[i], SQ_EDIT_ERROR_INVALID, NULL);
  assert_parse_error (like_int, "abc", SQ_EDIT_ERROR_INVALID, "\xe2\x80\x9c" "abc\xe2\x80\x9d is not an integer");
  assert_parse_error (like_int, "18446744073709551616", SQ_EDIT_ERROR_RANGE,
                      "18446744073709551616 is out of range: integers go from "
                      "-9223372036854775808 to 18446744073709551615");
  assert_parse_error (like_int, "-9223372036854775809", SQ_EDIT_ERROR_RANGE, NULL);
  assert_parse_error (like_uint, "99999999999999999999999999999", SQ_EDIT_ERROR_RANGE, NULL);
}

static void
assert_parse_double (SqValue    *like,
                     const char *text,
                     double      expected)
{
  g_autoptr(SqValue) value = parse_ok (like, text);
  double got = sq_value_get_double (value);

  g_assert_cmpint (sq_value_get_value_type (value), ==, sq_value_get_value_type (like));
  if (isnan (expected))
    g_assert_true (isnan (got));
  else
    g_assert_cmpmem (&got, sizeof got, &expected, sizeof expected);
}

static void
test_edit_parse_float (void)
{
  g_autoptr(SqValue) like64 = sq_value_new_float64 (0.5);
  g_autoptr(SqValue) like32 = sq_value_new_float32 (0.5f);
  static const char *const bad[] = {
    "", "abc", "0x1p3", "1e", "e5", ".", "1.2.3", "1,5", "in f", "nanx", "1e+", "--1", "1 000", "infinit",
  };

  assert_parse_double (like64, "0.1", 0.1);
  assert_parse_double (like64, "1e-05", 1e-05);
  assert_parse_double (like64, "1E3", 1000);
  assert_parse_double (like64, " 2.5 ", 2.5);
  assert_parse_double (like64, ".5", 0.5);
  assert_parse_double (like64, "5.", 5);
  assert_parse_double (like64, "-0.0", -0.0);
  assert_parse_double (like64, "+7", 7);
  assert_parse_double (like64, "nan", NAN);
  assert_parse_double (like64, "NaN", NAN);
  assert_parse_double (like64, "inf", INFINITY);
  assert_parse_double (like64, "-inf", -INFINITY);
  assert_parse_double (like64, "-Infinity", -INFINITY);
  assert_parse_double (like64, "INF", INFINITY);
  assert_parse_double (like64, "1e-400", 0.0);
  assert_parse_double (like64, "1.7976931348623157e308", DBL_MAX);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_error (like64, bad[i], SQ_EDIT_ERROR_INVALID, NULL);
  assert_parse_error (like64, "abc", SQ_EDIT_ERROR_INVALID, "\xe2\x80\x9c" "abc\xe2\x80\x9d is not a number");
  assert_parse_error (like64, "1e400", SQ_EDIT_ERROR_RANGE, "1e400 is too large for float");
  /* one line, whatever was pasted */
  assert_parse_error (like64, "1\n2\t\x7f\xe2\x80\xa8", SQ_EDIT_ERROR_INVALID,
                      "\xe2\x80\x9c" "1\\n2\\t\\x7f\\u2028\xe2\x80\x9d is not a number");

  /* float32 stays float32, rounded to it */
  assert_parse_double (like32, "0.1", (float) 0.1);
  assert_parse_double (like32, "3.4028235e+38", FLT_MAX);
  assert_parse_double (like32, "-inf", -INFINITY);
  assert_parse_double (like32, "1e-50", 0.0);
  assert_parse_error (like32, "1e39", SQ_EDIT_ERROR_RANGE, "1e39 is too large for float32");
  assert_parse_error (like32, "-3.5e38", SQ_EDIT_ERROR_RANGE, "-3.5e38 is too large for float32");
}

static void
assert_parse_scalar (const char *type,
                     const char *text,
                     const void *expected)
{
  static const guint8 zeros[8] = { 0 };
  g_autoptr(SqValue) like = numpy_scalar (type, zeros);
  g_autoptr(SqValue) value = parse_ok (like, text);
  SqDtype *dtype = sq_value_get_scalar_dtype (like);

  g_assert_cmpint (sq_value_get_value_type (value), ==, SQ_VALUE_SCALAR);
  g_assert_true (sq_dtype_equal (sq_value_get_scalar_dtype (value), dtype));
  g_assert_cmpint (sq_dtype_get_byte_order (sq_value_get_scalar_dtype (value)), ==,
                   sq_dtype_get_byte_order (dtype));
  g_assert_cmpmem (sq_value_get_scalar_data (value), sq_dtype_get_itemsize (dtype),
                   expected, sq_dtype_get_itemsize (dtype));
}

static void
assert_scalar_error (const char *type,
                     const char *text,
                     int         code,
                     const char *message)
{
  static const guint8 zeros[8] = { 0 };
  g_autoptr(SqValue) like = numpy_scalar (type, zeros);

  assert_parse_error (like, text, code, message);
}

static void
test_edit_parse_numpy (void)
{
  assert_parse_scalar ("|b1", "true", "\x01");
  assert_parse_scalar ("|b1", "False", "\x00");
  assert_parse_scalar ("|u1", "255", "\xff");
  assert_parse_scalar ("|u1", "-0", "\x00");
  assert_parse_scalar ("|i1", "-128", "\x80");
  assert_parse_scalar ("|i1", "127", "\x7f");
  assert_parse_scalar (">i2", "-2", "\xff\xfe");
  assert_parse_scalar ("<i2", "-2", "\xfe\xff");
  assert_parse_scalar (">u4", "305419896", "\x12\x34\x56\x78");
  assert_parse_scalar ("<u4", "4294967295", "\xff\xff\xff\xff");
  assert_parse_scalar ("<i8", "-9223372036854775808", "\0\0\0\0\0\0\0\x80");
  assert_parse_scalar (">u8", "18446744073709551615", "\xff\xff\xff\xff\xff\xff\xff\xff");
  assert_parse_scalar (">f4", "0.1", "\x3d\xcc\xcc\xcd");
  assert_parse_scalar ("<f4", "0.1", "\xcd\xcc\xcc\x3d");
  assert_parse_scalar (">f8", "0.1", "\x3f\xb9\x99\x99\x99\x99\x99\x9a");
  assert_parse_scalar ("<f8", "-inf", "\0\0\0\0\0\0\xf0\xff");

  /* float16, rounded to nearest, ties to even, as numpy rounds */
  assert_parse_scalar ("<f2", "0.1", "\x66\x2e");
  assert_parse_scalar (">f2", "0.1", "\x2e\x66");
  assert_parse_scalar ("<f2", "65504", "\xff\x7b");
  assert_parse_scalar ("<f2", "65519", "\xff\x7b");
  assert_parse_scalar ("<f2", "2049", "\x00\x68");
  assert_parse_scalar ("<f2", "2051", "\x02\x68");
  assert_parse_scalar ("<f2", "1.00048828125", "\x00\x3c");
  assert_parse_scalar ("<f2", "1.00146484375", "\x02\x3c");
  assert_parse_scalar ("<f2", "2.98023223876953125e-08", "\x00\x00");
  assert_parse_scalar ("<f2", "4.470348358154297e-08", "\x01\x00");
  assert_parse_scalar ("<f2", "6e-08", "\x01\x00");
  assert_parse_scalar ("<f2", "-1e-10", "\x00\x80");
  assert_parse_scalar ("<f2", "inf", "\x00\x7c");
  assert_parse_scalar ("<f2", "nan", "\x00\x7e");

  assert_scalar_error ("|u1", "300", SQ_EDIT_ERROR_RANGE, "300 does not fit in uint8");
  assert_scalar_error ("|u1", "-1", SQ_EDIT_ERROR_RANGE, "-1 does not fit in uint8");
  assert_scalar_error ("|i1", "128", SQ_EDIT_ERROR_RANGE, "128 does not fit in int8");
  assert_scalar_error ("|i1", "-129", SQ_EDIT_ERROR_RANGE, "-129 does not fit in int8");
  assert_scalar_error (">i2", "32768", SQ_EDIT_ERROR_RANGE, "32768 does not fit in int16");
  assert_scalar_error ("<u4", "4294967296", SQ_EDIT_ERROR_RANGE, "4294967296 does not fit in uint32");
  assert_scalar_error ("<i8", "9223372036854775808", SQ_EDIT_ERROR_RANGE, NULL);
  assert_scalar_error ("<u8", "18446744073709551616", SQ_EDIT_ERROR_RANGE, NULL);
  assert_scalar_error ("<u8", "1.0", SQ_EDIT_ERROR_INVALID, "\xe2\x80\x9c" "1.0\xe2\x80\x9d is not an integer");
  assert_scalar_error ("|b1", "1", SQ_EDIT_ERROR_INVALID, NULL);
  assert_scalar_error ("<f2", "65520", SQ_EDIT_ERROR_RANGE, "65520 is too large for float16");
  assert_scalar_error (">f4", "1e39", SQ_EDIT_ERROR_RANGE, "1e39 is too large for float32");
  assert_scalar_error ("<f8", "1e309", SQ_EDIT_ERROR_RANGE, "1e309 is too large for float64");
  assert_scalar_error ("<f8", "one", SQ_EDIT_ERROR_INVALID, NULL);
}

static void
test_edit_parse_str (void)
{
  g_autoptr(SqValue) like = str ("old");
  g_autoptr(SqValue) spaced = parse_ok (like, "  spaced  ");
  g_autoptr(SqValue) empty = parse_ok (like, "");
  g_autoptr(SqValue) utf8 = parse_ok (like, "π ≈ 3.14");

  g_assert_cmpstr (sq_value_get_str (spaced, NULL), ==, "  spaced  ");
  g_assert_cmpstr (sq_value_get_str (empty, NULL), ==, "");
  g_assert_cmpstr (sq_value_get_str (utf8, NULL), ==, "π ≈ 3.14");
  assert_parse_error (like, "\xff", SQ_EDIT_ERROR_INVALID, "the text is not valid UTF-8");
}

/* to_edit_text then parse_like gives the value back, bit for bit (a NaN's
 * edit text spells all of its bits: the same text is the same NaN). */
static void
assert_round_trip (SqValue *value)
{
  g_autofree char *text = sq_value_to_edit_text (value);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) back = sq_value_parse_like (value, text, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  if (!sq_value_equal (back, value))
    g_error ("%s does not read back as the value it was written from", text);
  again = sq_value_to_edit_text (back);
  g_assert_cmpstr (again, ==, text);
  if (sq_value_get_value_type (value) == SQ_VALUE_SCALAR)
    g_assert_cmpmem (sq_value_get_scalar_data (back), sq_dtype_get_itemsize (sq_value_get_scalar_dtype (back)),
                     sq_value_get_scalar_data (value),
                     sq_dtype_get_itemsize (sq_value_get_scalar_dtype (value)));
}

/* A NaN's edit text says its sign, and its significand unless it is the
 * quiet bit alone (what `nan` reads as), so it reads back as itself. */
static void
test_edit_text_nan (void)
{
  static const struct
  {
    const char *type;
    guint64     bits;
    const char *text;
  } cases[] = {
    { "<f8", G_GUINT64_CONSTANT (0x7ff8000000000000), "nan" },
    { "<f8", G_GUINT64_CONSTANT (0xfff8000000000000), "-nan" },
    { ">f8", G_GUINT64_CONSTANT (0x7ff0000000000001), "nan(0x1)" },
    { "<f8", G_GUINT64_CONSTANT (0xfff8000000000001), "-nan(0x8000000000001)" },
    { "<f4", 0x7fc00000, "nan" },
    { ">f4", 0xffc00001, "-nan(0x400001)" },
    { "<f4", 0x7f800001, "nan(0x1)" },
    { "<f2", 0x7e00, "nan" },
    { ">f2", 0xfe00, "-nan" },
    { "<f2", 0x7c01, "nan(0x1)" },
    { "<f2", 0xffff, "-nan(0x3ff)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (cases[i].type, NULL);
      gsize size = sq_dtype_get_itemsize (dtype);
      gboolean big = sq_dtype_get_byte_order (dtype) == SQ_BYTE_ORDER_BIG;
      guint8 data[8];
      g_autoptr(SqValue) scalar = NULL;
      g_autoptr(SqValue) back = NULL;
      g_autofree char *text = NULL;

      for (gsize k = 0; k < size; k++)
        data[big ? size - 1 - k : k] = (guint8) (cases[i].bits >> (8 * k));
      scalar = sq_value_new_scalar (dtype, data);
      text = sq_value_to_edit_text (scalar);
      g_assert_cmpstr (text, ==, cases[i].text);
      back = parse_ok (scalar, text);
      g_assert_cmpmem (sq_value_get_scalar_data (back), size, data, size);

      /* the msgpack floats, which Python writes as float64 */
      if (size == 8 || size == 4)
        {
          g_autoptr(SqValue) plain = NULL;
          g_autofree char *plain_text = NULL;
          guint32 bits32 = (guint32) cases[i].bits;
          double d;
          float f;

          memcpy (&d, &cases[i].bits, 8);
          memcpy (&f, &bits32, 4);
          plain = size == 8 ? sq_value_new_float64 (d) : sq_value_new_float32 (f);
          plain_text = sq_value_to_edit_text (plain);
          g_assert_cmpstr (plain_text, ==, cases[i].text);
        }
    }

  /* typed by hand: any case, and the errors of a bad significand */
  {
    g_autoptr(SqValue) like64 = sq_value_new_float64 (0.5);
    g_autoptr(SqValue) value = parse_ok (like64, " NaN(0X1) ");
    double d = sq_value_get_double (value);
    guint64 bits;

    memcpy (&bits, &d, 8);
    g_assert_cmphex (bits, ==, G_GUINT64_CONSTANT (0x7ff0000000000001));
    assert_parse_error (like64, "nan(0x0)", SQ_EDIT_ERROR_INVALID,
                        "\xe2\x80\x9cnan(0x0)\xe2\x80\x9d is not a NaN: its significand must not be 0");
    assert_parse_error (like64, "nan(0x10000000000000)", SQ_EDIT_ERROR_RANGE,
                        "nan(0x10000000000000) does not fit in float: a NaN holds 52 bits there");
    assert_scalar_error ("<f4", "nan(0x800000)", SQ_EDIT_ERROR_RANGE,
                         "nan(0x800000) does not fit in float32: a NaN holds 23 bits there");
    assert_scalar_error ("<f2", "-nan(0x400)", SQ_EDIT_ERROR_RANGE, NULL);
    assert_scalar_error ("<f8", "nan(0x1", SQ_EDIT_ERROR_INVALID, NULL);
    assert_scalar_error ("<f8", "nan(1)", SQ_EDIT_ERROR_INVALID, NULL);
    assert_scalar_error ("<f8", "nan()", SQ_EDIT_ERROR_INVALID, NULL);
    assert_scalar_error ("<f8", "nan(0x1)x", SQ_EDIT_ERROR_INVALID, NULL);
  }
}

static void
test_edit_round_trip (void)
{
  static const char *const types[] = {
    "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2",
    "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8", "|b1",
  };

  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (types[t], NULL);
      gsize size = sq_dtype_get_itemsize (dtype);
      gboolean big = sq_dtype_get_byte_order (dtype) == SQ_BYTE_ORDER_BIG;
      gboolean is_float = sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_FLOAT;
      /* every float16, and a sample of the wider types with their edges */
      guint n = size == 2 && is_float ? 65536 : sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_BOOL ? 2 : 20000;

      for (guint i = 0; i < n + 4; i++)
        {
          guint8 data[8];
          g_autoptr(SqValue) value = NULL;

          if (size == 2 && is_float)
            {
              if (i >= n)
                break;
              data[big ? 0 : 1] = (guint8) (i >> 8);
              data[big ? 1 : 0] = (guint8) i;
            }
          else if (i < 4)
            {
              /* all zeros, all ones, the lowest and the highest of the range */
              memset (data, i == 0 ? 0x00 : i == 1 ? 0xff : i == 2 ? 0x80 : 0x7f, size);
              if (i >= 2)
                memset (data + (big ? 1 : 0), i == 2 ? 0x00 : 0xff, size - 1);
              if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_BOOL)
                data[0] = i & 1;
            }
          else if (i - 4 < n)
            {
              for (gsize k = 0; k < size; k++)
                data[k] = (guint8) g_test_rand_int_range (0, 256);
              if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_BOOL)
                data[0] = i & 1;
            }
          else
            break;

          value = sq_value_new_scalar (dtype, data);
          assert_round_trip (value);
        }
    }

  for (guint i = 0; i < 20000; i++)
    {
      guint32 bits32 = (guint32) g_test_rand_int ();
      guint64 bits64 = (guint64) g_test_rand_int () << 32 | (guint32) g_test_rand_int ();
      float f;
      double d;
      g_autoptr(SqValue) v32 = NULL;
      g_autoptr(SqValue) v64 = NULL;
      g_autoptr(SqValue) vint = NULL;
      g_autoptr(SqValue) vuint = sq_value_new_uint (bits64);

      /* NaNs, with any sign and payload, included */
      if (i % 2 == 0)
        {
          bits32 |= 0x7f800000;
          bits64 |= G_GUINT64_CONSTANT (0x7ff0000000000000);
        }
      memcpy (&f, &bits32, 4);
      memcpy (&d, &bits64, 8);
      v32 = sq_value_new_float32 (f);
      assert_round_trip (v32);
      v64 = sq_value_new_float64 (d);
      assert_round_trip (v64);
      vint = sq_value_new_int ((gint64) bits64);
      assert_round_trip (vint);
      assert_round_trip (vuint);
    }
  {
    float edges32[] = { FLT_MIN, FLT_MAX, FLT_TRUE_MIN, -FLT_TRUE_MIN, 1e-4f, 1e16f, 9.999999e15f, 0.0f, -0.0f };
    double edges64[] = { DBL_MIN, DBL_MAX, 5e-324, 1e-4, 1e16, 9999999999999998.0, 0.0, -0.0, 0.1 };

    for (gsize i = 0; i < G_N_ELEMENTS (edges32); i++)
      {
        g_autoptr(SqValue) v = sq_value_new_float32 (edges32[i]);

        assert_round_trip (v);
      }
    for (gsize i = 0; i < G_N_ELEMENTS (edges64); i++)
      {
        g_autoptr(SqValue) v = sq_value_new_float64 (edges64[i]);

        assert_round_trip (v);
      }
  }
  {
    g_autoptr(SqValue) t = sq_value_new_bool (TRUE);
    g_autoptr(SqValue) s = str ("  it's ok\t");

    assert_round_trip (t);
    assert_round_trip (s);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dtype/parse", test_dtype_parse);
  g_test_add_func ("/dtype/structured", test_dtype_structured);
  g_test_add_func ("/dtype/structured-bad", test_dtype_structured_bad);
  g_test_add_func ("/value/types", test_value_types);
  g_test_add_func ("/value/map/dict-semantics", test_map_dict_semantics);
  g_test_add_func ("/value/map/dict-semantics-large", test_map_dict_semantics_large);
  g_test_add_func ("/value/map/str-and-bin-keys", test_str_and_bin_keys_differ);
  g_test_add_func ("/ndarray/data-size", test_ndarray_data_size);
  g_test_add_func ("/ndarray/huge-shape", test_ndarray_huge_shape);
  g_test_add_func ("/ndarray/zero-size-and-0d", test_ndarray_zero_size_and_0d);
  g_test_add_func ("/ndarray/format-elements", test_ndarray_format_elements);
  g_test_add_func ("/summary/uint8", test_summary_uint8);
  g_test_add_func ("/summary/float-special", test_summary_float_special);
  g_test_add_func ("/summary/big-endian", test_summary_big_endian_matches_little);
  g_test_add_func ("/summary/float16", test_summary_float16_table);
  g_test_add_func ("/summary/not-numeric", test_summary_not_numeric);
  g_test_add_func ("/summary/constant", test_summary_constant);
  g_test_add_func ("/summary/extreme-ranges", test_summary_extreme_ranges);
  g_test_add_func ("/summary/cancelled", test_summary_cancelled);
  g_test_add_func ("/value/edit/replace", test_edit_replace);
  g_test_add_func ("/value/edit/insert", test_edit_insert);
  g_test_add_func ("/value/edit/insert-duplicate-key", test_edit_insert_duplicate_key);
  g_test_add_func ("/value/edit/remove", test_edit_remove);
  g_test_add_func ("/value/edit/rename", test_edit_rename);
  g_test_add_func ("/value/edit/editable", test_edit_editable);
  g_test_add_func ("/value/edit/text", test_edit_text);
  g_test_add_func ("/value/edit/text-nan", test_edit_text_nan);
  g_test_add_func ("/value/edit/parse-bool", test_edit_parse_bool);
  g_test_add_func ("/value/edit/parse-int", test_edit_parse_int);
  g_test_add_func ("/value/edit/parse-float", test_edit_parse_float);
  g_test_add_func ("/value/edit/parse-numpy", test_edit_parse_numpy);
  g_test_add_func ("/value/edit/parse-str", test_edit_parse_str);
  g_test_add_func ("/value/edit/round-trip", test_edit_round_trip);

  return g_test_run ();
}
