/* test-json.c: the JSON convention, read and written as Python does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sq.h"
#include "sq-json-private.h"

static SqValue *
parse_ok (const char  *text,
          SqJsonFlags  flags)
{
  g_autoptr(GError) error = NULL;
  SqValue *value = sq_json_parse (text, strlen (text), flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  return value;
}

static char *
dump (SqValue     *value,
      SqJsonFlags  flags)
{
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);

  g_assert_true (sq_json_append (out, value, flags, &error));
  g_assert_no_error (error);
  return g_string_free (out, FALSE);
}

/* What json.dumps writes reads back to itself, byte for byte. */
static void
test_json_roundtrip_python_output (void)
{
  /* Each line is json.dumps(json.loads(line)) in Python 3.11. */
  static const char *const lines[] = {
    "{\"a\": 1, \"b\": [true, false, null], \"c\": \"x\"}",
    "[0.1, 1e+16, 1e-07, -0.0, 1.7976931348623157e+308, 5e-324, 123456789.0]",
    "[NaN, Infinity, -Infinity]",
    "[18446744073709551615, -9223372036854775808, 0]",
    "\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0000\\u001f\\u007f\"",
    "{\"\\u00fc\": {}, \"\": []}",
    "{\"image\": {\"data\": [[0.0, 1.0], [2.0, 3.0]], \"type\": \"<f4\", \"shape\": [2, 2]}, \"label\": 1}",
    "{\"data\": [1, 2], \"type\": \"<i8\", \"shape\": [2]}",
    "{\"data\": 7, \"type\": \"<i2\", \"shape\": []}",
    "{\"data\": [], \"type\": \"<f8\", \"shape\": [0]}",
    "{\"data\": [[], []], \"type\": \"|u1\", \"shape\": [2, 0]}",
    "{\"data\": [\"ab\", \"\\u00e9\"], \"type\": \"<U2\", \"shape\": [2]}",
    "{\"data\": [true, false], \"type\": \"|b1\", \"shape\": [2]}",
    "{\"data\": [1.5, NaN, Infinity], \"type\": \"<f2\", \"shape\": [3]}",
    "{\"data\": [-1, 65535], \"type\": \">i4\", \"shape\": [2]}",
    /* integer arrays are written a row at a time: every width, order, sign */
    ("{\"data\": [[[0, 1, 9], [10, 99, 100]], [[101, 199, 200], [254, 255, 7]]], \"type\": \"|u1\", "
     "\"shape\": [2, 2, 3]}"),
    "{\"data\": [[-128, -1], [0, 127]], \"type\": \"|i1\", \"shape\": [2, 2]}",
    "{\"data\": [[[[65535]]]], \"type\": \">u2\", \"shape\": [1, 1, 1, 1]}",
    "{\"data\": [-9223372036854775808, 9223372036854775807, -10], \"type\": \">i8\", \"shape\": [3]}",
    "{\"data\": [[18446744073709551615], [0], [1]], \"type\": \"<u8\", \"shape\": [3, 1]}",
    "{\"data\": [[[1, 2]], [[3, 4]], [[5, 6]]], \"type\": \"<i2\", \"shape\": [3, 1, 2]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(SqValue) value = parse_ok (lines[i], SQ_JSON_SQUIRREL);
      g_autofree char *again = dump (value, SQ_JSON_SQUIRREL);

      g_assert_cmpstr (again, ==, lines[i]);
    }
}

static void
test_json_ensure_ascii (void)
{
  /* Raw UTF-8 in the input is written back escaped, as ensure_ascii does. */
  g_autoptr(SqValue) value = parse_ok ("\"\xc3\xa9\xf0\x9f\x98\x80/\"", SQ_JSON_SQUIRREL);
  g_autofree char *out = dump (value, SQ_JSON_SQUIRREL);

  g_assert_cmpstr (out, ==, "\"\\u00e9\\ud83d\\ude00/\"");
}

static void
test_json_numbers (void)
{
  g_autoptr(SqValue) list = parse_ok ("[1, -1, 1.0, 1e2, 1E-2, -0, 9223372036854775808, 1e400]", SQ_JSON_SQUIRREL);

  g_assert_cmpint (sq_value_get_value_type (sq_value_get_item (list, 0)), ==, SQ_VALUE_INT);
  g_assert_cmpint (sq_value_get_int (sq_value_get_item (list, 1)), ==, -1);
  g_assert_cmpint (sq_value_get_value_type (sq_value_get_item (list, 2)), ==, SQ_VALUE_FLOAT64);
  g_assert_cmpfloat (sq_value_get_double (sq_value_get_item (list, 3)), ==, 100.0);
  g_assert_cmpfloat (sq_value_get_double (sq_value_get_item (list, 4)), ==, 0.01);
  g_assert_cmpint (sq_value_get_value_type (sq_value_get_item (list, 5)), ==, SQ_VALUE_INT);
  g_assert_cmpint (sq_value_get_int (sq_value_get_item (list, 5)), ==, 0);
  g_assert_cmpuint (sq_value_get_uint (sq_value_get_item (list, 6)), ==, G_GUINT64_CONSTANT (9223372036854775808));
  g_assert_cmpfloat (sq_value_get_double (sq_value_get_item (list, 7)), ==, INFINITY);
}

static void
test_json_dict_semantics (void)
{
  /* dict: a repeated key keeps its first position and its last value */
  g_autoptr(SqValue) map = parse_ok ("{\"a\": 1, \"b\": 2, \"a\": 3}", SQ_JSON_SQUIRREL);
  g_autofree char *out = dump (map, SQ_JSON_SQUIRREL);

  g_assert_cmpstr (out, ==, "{\"a\": 3, \"b\": 2}");
}

static void
test_json_arrays_typed (void)
{
  g_autoptr(SqValue) v = parse_ok ("{\"shape\": [2, 3], \"type\": \"uint8\", \"data\": [1, 2, 3, 4, 5, 255], \"note\": 1}",
                                   SQ_JSON_SQUIRREL);
  SqNdarray *a;
  const guint8 *bytes;
  gsize len;

  /* numpy's reshape: flat data takes the declared shape; extra keys go */
  g_assert_cmpint (sq_value_get_value_type (v), ==, SQ_VALUE_NDARRAY);
  a = sq_value_get_ndarray (v);
  g_assert_cmpstr (sq_dtype_get_type_string (sq_ndarray_get_dtype (a)), ==, "|u1");
  g_assert_cmpuint (sq_ndarray_get_ndim (a), ==, 2);
  g_assert_cmpuint (sq_ndarray_get_shape (a)[1], ==, 3);
  bytes = g_bytes_get_data (sq_ndarray_get_data (a), &len);
  g_assert_cmpmem (bytes, len, "\x01\x02\x03\x04\x05\xff", 6);
}

static void
test_json_arrays_big_endian (void)
{
  g_autoptr(SqValue) v = parse_ok ("{\"data\": [1, -2], \"type\": \">i2\", \"shape\": [-1]}", SQ_JSON_SQUIRREL);
  SqNdarray *a = sq_value_get_ndarray (v);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (sq_ndarray_get_data (a), &len);

  g_assert_cmpmem (bytes, len, "\x00\x01\xff\xfe", 4);
  g_assert_cmpuint (sq_ndarray_get_shape (a)[0], ==, 2);
}

static void
test_json_drey_extras (void)
{
  static const char *const lines[] = {
    "{\"$bytes:AAE=\": {\"$bytes\": \"aGk=\"}, \"c\": {\"$complex\": [1.0, -2.5]}}",
    "{\"data\": [[1.0, 2.0], [0.0, -1.0]], \"type\": \"<c16\", \"shape\": [2]}",
    "{\"data\": [{\"$bytes\": \"YQ==\"}, {\"$bytes\": \"\"}], \"type\": \"|S2\", \"shape\": [2]}",
    "{\"data\": [[1, [2.0, 3.0]]], \"type\": [[\"a\", \"<i4\"], [\"b\", \"<f8\", [2]]], \"shape\": [1]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(SqValue) value = parse_ok (lines[i], SQ_JSON_EXTENDED);
      g_autofree char *again = dump (value, SQ_JSON_EXTENDED);

      g_assert_cmpstr (again, ==, lines[i]);
    }
}

static void
test_json_squirrel_refuses (void)
{
  g_autoptr(GBytes) b = g_bytes_new_static ("x", 1);
  g_autoptr(SqValue) bin = sq_value_new_bin (b);
  g_autoptr(SqValue) cplx = sq_value_new_complex (1, 2, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* json.dumps cannot write bytes or complex: neither can a JSONL shard */
  g_assert_false (sq_json_append (out, bin, SQ_JSON_SQUIRREL, &error));
  g_assert_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (sq_json_append (out, cplx, SQ_JSON_SQUIRREL, &error));
  g_assert_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED);
}

static void
test_json_errors (void)
{
  static const struct
  {
    const char *text;
    gint        code;
    const char *message;
  } cases[] = {
    { "", SQ_DECODE_ERROR_TRUNCATED, "at byte 0: the line ends where a value should be" },
    { "{\"a\": 1", SQ_DECODE_ERROR_TRUNCATED, "at byte 7:" },
    { "[1, 2,]", SQ_DECODE_ERROR_MALFORMED, "at byte 6: expected a value, found ']'" },
    { "{'a': 1}", SQ_DECODE_ERROR_MALFORMED, "expected a key in double quotes" },
    { "\"a\x01\"", SQ_DECODE_ERROR_MALFORMED, "control character" },
    { "\"\xff\"", SQ_DECODE_ERROR_MALFORMED, "at byte 1: invalid UTF-8" },
    { "\"\\ud800\"", SQ_DECODE_ERROR_MALFORMED, "half of a surrogate pair" },
    { "\"\\x\"", SQ_DECODE_ERROR_MALFORMED, "invalid escape" },
    { "01", SQ_DECODE_ERROR_MALFORMED, "unexpected text after the value" },
    { "-NaN", SQ_DECODE_ERROR_MALFORMED, "expected a digit" },
    { "1.", SQ_DECODE_ERROR_TRUNCATED, "a digit after the decimal point" },
    { "{\"data\": [18446744073709551616], \"type\": \"<u8\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY,
      "out of range for a uint64" },
    { "{\"data\": [1, 2, 3], \"type\": \"<i4\", \"shape\": [2, 2]}", SQ_DECODE_ERROR_ARRAY,
      "\"data\" holds 3 elements; \"shape\" needs 4" },
    { "{\"data\": [[1, 2], [3]], \"type\": \"<i4\", \"shape\": [3]}", SQ_DECODE_ERROR_ARRAY, "ragged" },
    { "{\"data\": [[1, 2], 3], \"type\": \"<i4\", \"shape\": [3]}", SQ_DECODE_ERROR_ARRAY, "ragged" },
    { "{\"data\": [300], \"type\": \"|u1\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "300 is out of range for a uint8" },
    { "{\"data\": [-1], \"type\": \"<u4\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "out of range" },
    { "{\"data\": [1.5], \"type\": \"<i8\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "1.5 is not an integer" },
    { "{\"data\": [\"abc\"], \"type\": \"<U2\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "longer than" },
    { "{\"data\": [1], \"type\": \"<q9\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "not a numpy type string" },
    { "{\"data\": [1], \"type\": \"<i4\", \"shape\": \"x\"}", SQ_DECODE_ERROR_ARRAY, "an array's shape is a str, not a list" },
    /* read up to its NUL, this was "<f4": a type string holds no NUL */
    { "{\"data\": [1], \"type\": \"<f4\\u0000x\", \"shape\": [1]}", SQ_DECODE_ERROR_ARRAY, "dtype holds a NUL byte" },
    { "{\"data\": [1, 2, 3], \"type\": \"<i4\", \"shape\": [-1, 2]}", SQ_DECODE_ERROR_ARRAY, "cannot take this shape" },
    { "{\"data\": [true], \"type\": \"<f8\", \"shape\": [1]}", SQ_DECODE_ERROR_MALFORMED, "expected a number" },
    /* an object array is kept as its text, once Python would read it */
    { "{\"data\": [1, \xaa], \"type\": \"|O\", \"shape\": [2]}", SQ_DECODE_ERROR_MALFORMED,
      "at byte 13: expected a value, found byte 0xaa" },
    { "{\"data\": [\"\xff\"], \"type\": \"|O\", \"shape\": [1]}", SQ_DECODE_ERROR_MALFORMED,
      "at byte 11: invalid UTF-8" },
  };

  g_autofree char *too_long = g_strdup_printf ("1%04300d", 0);

  /* Python 3.11 reads an int of at most 4300 digits */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SqValue) value = sq_json_parse (too_long, strlen (too_long), SQ_JSON_SQUIRREL, &error);

    g_assert_null (value);
    g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT);
    g_assert_nonnull (strstr (error->message, "4301 digits"));
  }

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqValue) value = sq_json_parse (cases[i].text, strlen (cases[i].text), SQ_JSON_SQUIRREL, &error);

      g_assert_null (value);
      if (error == NULL)
        g_error ("%s: no error", cases[i].text);
      if (error->code != cases[i].code || strstr (error->message, cases[i].message) == NULL)
        g_error ("%s: got \"%s\" (code %d); expected \"%s\" (code %d)",
                 cases[i].text, error->message, error->code, cases[i].message, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "at byte "));
    }
}

static void
test_json_depth (void)
{
  gsize n = 100000;
  g_autofree char *deep = g_malloc (2 * n + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) ok = NULL;
  SqValue *value;

  /* Python reads 1024 levels (in this convention: what a line can hold) */
  memset (deep, '[', SQ_JSON_MAX_DEPTH);
  memset (deep + SQ_JSON_MAX_DEPTH, ']', SQ_JSON_MAX_DEPTH);
  ok = sq_json_parse (deep, 2 * SQ_JSON_MAX_DEPTH, SQ_JSON_SQUIRREL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  memset (deep, '[', n);
  memset (deep + n, ']', n);
  value = sq_json_parse (deep, 2 * n, SQ_JSON_SQUIRREL, &error);
  g_assert_null (value);
  g_assert_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "at byte 1024: nested deeper than 1024 levels"));
}

static void
test_json_nested_data_keys_linear (void)
{
  /* {"data": [{"data": [... 1000 deep: must not take quadratic time or
   * recurse past the limit while looking ahead for "type" */
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = NULL;
  g_autofree char *flat = NULL;

  for (int i = 0; i < 500; i++)
    g_string_append (text, "{\"data\": [");
  g_string_append (text, "1");
  for (int i = 0; i < 500; i++)
    g_string_append (text, "]}");
  flat = g_string_free (text, FALSE);
  value = sq_json_parse (flat, strlen (flat), SQ_JSON_SQUIRREL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sq_value_get_value_type (value), ==, SQ_VALUE_MAP);
}

static void
test_json_not_nul_terminated (void)
{
  /* The text is a slice of a bigger buffer: a number at its very end */
  static const char buffer[] = "[1.25]4567";
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) v = sq_json_parse (buffer + 1, 4, SQ_JSON_SQUIRREL, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (sq_value_get_double (v), ==, 1.25);
}

/* What squirrel's reader takes and 64-bit values cannot hold: ints of any
 * size, object arrays. Shown, and written back to JSON exactly; refused by
 * msgpack, by name. */
static void
test_json_big_ints_and_object_arrays (void)
{
  static const char *const lines[] = {
    "18446744073709551616",
    "-9223372036854775809",
    "{\"n\": 1000000000000000000000000000000, \"m\": [-1000000000000000000000000000000]}",
    "{\"o\": {\"data\": [1, \"a\", null], \"type\": \"|O\", \"shape\": [3]}}",
    "{\"data\": [[1], [2, 3]], \"type\": \"object\", \"shape\": [2]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(SqValue) value = parse_ok (lines[i], SQ_JSON_SQUIRREL);
      g_autofree char *again = dump (value, SQ_JSON_SQUIRREL);
      g_autofree char *exact = dump (value, SQ_JSON_EXACT);
      g_autoptr(SqValue) from_exact = parse_ok (exact, SQ_JSON_EXTENDED);
      g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
      g_autoptr(SqShardWriter) writer = sq_shard_writer_new (sink, SQ_SERIALIZER_MESSAGEPACK, "k");
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (again, ==, lines[i]);
      g_assert_true (sq_value_equal (value, from_exact));
      g_assert_false (sq_shard_writer_add (writer, value, NULL, &error));
      g_assert_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED);
    }

  {
    g_autoptr(SqValue) big = parse_ok ("123456789012345678901234567890", SQ_JSON_SQUIRREL);
    g_autofree char *type = sq_value_describe_type (big);
    g_autofree char *shown = sq_value_format (big, 80);

    g_assert_cmpint (sq_value_get_value_type (big), ==, SQ_VALUE_OPAQUE);
    g_assert_cmpint (sq_value_get_opaque_kind (big), ==, SQ_OPAQUE_BIG_INT);
    g_assert_cmpstr (type, ==, "int");
    g_assert_cmpstr (shown, ==, "123456789012345678901234567890");
  }

  /* an object array from a multi-line JSON file goes back on one line */
  {
    g_autoptr(SqValue) value = parse_ok ("{\"o\": {\"data\": [1,\n  \"a\"],\r\n \"type\": \"|O\", \"shape\": [2]}}",
                                         SQ_JSON_EXACT);
    g_autofree char *line = dump (value, SQ_JSON_SQUIRREL);

    g_assert_cmpstr (line, ==, "{\"o\": {\"data\": [1,   \"a\"],   \"type\": \"|O\", \"shape\": [2]}}");
  }
}

/* tolist() of an empty array is [], whatever its dtype: squirrel writes it. */
static void
test_json_empty_arrays_squirrel_writes (void)
{
  static const char *const lines[] = {
    "{\"data\": [], \"type\": \"|S3\", \"shape\": [0]}",
    "{\"data\": [[], []], \"type\": \"<c16\", \"shape\": [2, 0]}",
    "{\"data\": [], \"type\": \"|V4\", \"shape\": [0]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(SqValue) value = parse_ok (lines[i], SQ_JSON_EXTENDED);
      g_autofree char *again = dump (value, SQ_JSON_SQUIRREL);

      g_assert_cmpstr (again, ==, lines[i]);
    }
}

/* cat --exact: every value reads back identical, and user maps that look
 * like drey's markers or squirrel's arrays stay maps. */
static void
test_json_exact_roundtrip (void)
{
  static const char *const lines[] = {
    "{\"$bytes\": \"AP8=\"}",
    "{\"$complex\": [1, 2]}",
    "{\"$opaque\": \"x\"}",
    "{\"$bytes:AA==\": 1}",
    "{\"data\": [1], \"type\": \"<i8\", \"shape\": [1]}",
    "{\"$map\": 1, \"other\": 2}",
    "{\"$numpy\": \"<i8\", \"data\": \"AQAAAAAAAAA=\"}",
    "{\"$ndarray\": \"|u1\", \"shape\": [1], \"data\": \"AQ==\"}",
    "{\"plain\": [1, 2.0, \"s\", null, true], \"nested\": {\"$float32\": 1}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      /* the user's map, as a msgpack shard would hold it; squirrel's
       * reader makes line 4 an array, so that map is built by hand */
      g_autoptr(SqValue) map = NULL;
      g_autofree char *exact = NULL;
      g_autoptr(SqValue) back = NULL;

      if (g_str_has_prefix (lines[i], "{\"data\""))
        {
          SqValue *entries[6] = {
            sq_value_new_str ("data", -1), sq_value_new_int (1),
            sq_value_new_str ("type", -1), sq_value_new_str ("<i8", -1),
            sq_value_new_str ("shape", -1), sq_value_new_int (2),
          };

          map = sq_value_new_map (entries, 3);
        }
      else
        map = parse_ok (lines[i], SQ_JSON_SQUIRREL);
      exact = dump (map, SQ_JSON_EXACT);
      back = parse_ok (exact, SQ_JSON_EXTENDED);
      if (!sq_value_equal (map, back))
        g_error ("%s: cat --exact wrote %s, which reads back as something else", lines[i], exact);
    }

  /* and the values the markers stand for */
  {
    static const guint8 scalar_data[8] = { 7 };
    static const guint8 half[2] = { 0x00, 0x7e }; /* a float16 NaN */
    g_autoptr(SqDtype) i8 = sq_dtype_new_from_string (">i8", NULL);
    g_autoptr(SqDtype) f2 = sq_dtype_new_from_string ("<f2", NULL);
    g_autoptr(GBytes) bin = g_bytes_new ("\0\xff", 2);
    guint64 nan_bits = G_GUINT64_CONSTANT (0xfff8000000000001);
    double payload_nan;
    SqValue *items[8];
    g_autoptr(SqValue) list = NULL;
    g_autofree char *exact = NULL;
    g_autoptr(SqValue) back = NULL;

    memcpy (&payload_nan, &nan_bits, sizeof payload_nan);
    items[0] = sq_value_new_scalar (i8, scalar_data);
    items[1] = sq_value_new_scalar (f2, half);
    items[2] = sq_value_new_float32 (0.1f);
    items[3] = sq_value_new_float64 (payload_nan);
    items[4] = sq_value_new_bin (bin);
    items[5] = sq_value_new_complex (1, -0.0, "(1-0j)");
    items[6] = sq_value_new_opaque (SQ_OPAQUE_EXT, 5, bin, "msgpack ext type 5 (2 bytes)");
    items[7] = sq_value_new_float64 (-0.0);
    list = sq_value_new_array (items, G_N_ELEMENTS (items));
    exact = dump (list, SQ_JSON_EXACT);
    back = parse_ok (exact, SQ_JSON_EXTENDED);
    g_assert_true (sq_value_equal (list, back));
    g_assert_cmpint (sq_value_get_value_type (sq_value_get_item (back, 2)), ==, SQ_VALUE_FLOAT32);
    g_assert_cmpstr (sq_value_get_complex_repr (sq_value_get_item (back, 5)), ==, "(1-0j)");
    g_assert_nonnull (strstr (exact, "{\"$float64\": \"0xfff8000000000001\"}"));
  }

  /* numpy has arrays of no width, which msgpack-numpy writes and reads */
  {
    static const char *const types[] = { "<U0", "|S0", "|V0" };

    for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
      {
        g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (types[i], NULL);
        g_autoptr(GBytes) none = g_bytes_new (NULL, 0);
        guint64 shape = 3;
        g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 1, &shape, none, NULL);
        g_autoptr(SqValue) value = sq_value_new_ndarray (array);
        g_autofree char *exact = dump (value, SQ_JSON_EXACT);
        g_autoptr(SqValue) back = parse_ok (exact, SQ_JSON_EXACT);

        g_assert_true (sq_value_equal (value, back));
      }
  }
}

/* uint8 arrays take their own routes (a table, pixels a list at a time,
 * long rows in blocks): every shape around their edges reads as the same
 * values written as uint16, which take the digit-by-digit route. */
static void
test_json_arrays_uint8_routes (void)
{
  static const guint64 shapes[][5] = {
    /* ndim, then the shape */
    { 1, 1 }, { 1, 7 }, { 1, 4096 }, { 1, 4097 }, { 1, 9000 },
    { 2, 1, 1 }, { 2, 3, 1 }, { 2, 5, 3 }, { 2, 2, 8 }, { 2, 2, 9 }, { 2, 4097, 3 },
    { 2, 3, 4097 }, { 3, 2, 4097, 1 }, { 3, 3, 2, 4 }, { 4, 2, 3, 4, 5 }, { 4, 1, 1, 1, 1 },
    { 3, 2, 8200, 2 },
  };
  g_autoptr(SqDtype) u1 = sq_dtype_new_from_string ("|u1", NULL);
  g_autoptr(SqDtype) u2 = sq_dtype_new_from_string ("<u2", NULL);
  guint32 seed = 12;

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      guint ndim = (guint) shapes[s][0];
      const guint64 *shape = shapes[s] + 1;
      gsize n = 1;
      g_autofree guint8 *bytes = NULL;
      g_autofree guint16 *wide = NULL;
      g_autoptr(GBytes) b1 = NULL, b2 = NULL;
      g_autoptr(SqNdarray) a1 = NULL, a2 = NULL;
      g_autoptr(SqValue) v1 = NULL, v2 = NULL;
      g_autofree char *t1 = NULL, *t2 = NULL;
      const char *d1, *d2;

      for (guint d = 0; d < ndim; d++)
        n *= shape[d];
      bytes = g_malloc (n);
      wide = g_new (guint16, n);
      for (gsize i = 0; i < n; i++)
        {
          seed = seed * 1103515245 + 12345;
          /* every width of text: 0-9, 10-99, 100-255 */
          bytes[i] = (guint8) (i % 3 == 0 ? (seed >> 16) % 10 : (seed >> 16));
          wide[i] = GUINT16_TO_LE (bytes[i]);
        }
      b1 = g_bytes_new (bytes, n);
      b2 = g_bytes_new (wide, 2 * n);
      a1 = sq_ndarray_new (u1, ndim, shape, b1, NULL);
      a2 = sq_ndarray_new (u2, ndim, shape, b2, NULL);
      g_assert_nonnull (a1);
      g_assert_nonnull (a2);
      v1 = sq_value_new_ndarray (a1);
      v2 = sq_value_new_ndarray (a2);
      t1 = dump (v1, SQ_JSON_SQUIRREL);
      t2 = dump (v2, SQ_JSON_SQUIRREL);
      /* the same text up to the type */
      d1 = strstr (t1, ", \"type\"");
      d2 = strstr (t2, ", \"type\"");
      g_assert_nonnull (d1);
      g_assert_nonnull (d2);
      g_assert_cmpint (d1 - t1, ==, d2 - t2);
      g_assert_true (memcmp (t1, t2, (gsize) (d1 - t1)) == 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/roundtrip-python-output", test_json_roundtrip_python_output);
  g_test_add_func ("/json/ensure-ascii", test_json_ensure_ascii);
  g_test_add_func ("/json/numbers", test_json_numbers);
  g_test_add_func ("/json/dict-semantics", test_json_dict_semantics);
  g_test_add_func ("/json/arrays/typed", test_json_arrays_typed);
  g_test_add_func ("/json/arrays/big-endian", test_json_arrays_big_endian);
  g_test_add_func ("/json/arrays/uint8-routes", test_json_arrays_uint8_routes);
  g_test_add_func ("/json/drey-extras", test_json_drey_extras);
  g_test_add_func ("/json/squirrel-refuses", test_json_squirrel_refuses);
  g_test_add_func ("/json/errors", test_json_errors);
  g_test_add_func ("/json/depth", test_json_depth);
  g_test_add_func ("/json/nested-data-keys", test_json_nested_data_keys_linear);
  g_test_add_func ("/json/not-nul-terminated", test_json_not_nul_terminated);
  g_test_add_func ("/json/big-ints-and-object-arrays", test_json_big_ints_and_object_arrays);
  g_test_add_func ("/json/empty-arrays", test_json_empty_arrays_squirrel_writes);
  g_test_add_func ("/json/exact-roundtrip", test_json_exact_roundtrip);

  return g_test_run ();
}
