/* test-value.c: values, dtypes, arrays and their summaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

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
  g_test_add_func ("/summary/cancelled", test_summary_cancelled);

  return g_test_run ();
}
