/* test-query.c: the query language: every construct parses and
 * evaluates as Python would; malformed queries say where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sq.h"
#include "sq-scan.h"

/* A sample with a bit of everything, as JSON in Drey's extended form. */
static const char sample_json[] =
  "{\"label\": 3, \"score\": 0.25, \"name\": \"tabby cat\", \"flag\": true, \"none\": null,"
  " \"tags\": [\"cat\", \"indoor\"], \"bbox\": [0, 0, 4, 4], \"metadata\": {\"key\": \"a1\", \"w\": 640,"
  " \"a b\": 1, \"nested\": {\"deep\": [1, [2, 3]]}},"
  " \"big\": 18446744073709551615, \"neg\": -9223372036854775808,"
  " \"image\": {\"data\": [1, 2, 3, 4, 5, 6], \"type\": \"|u1\", \"shape\": [1, 2, 3]},"
  " \"vec\": {\"data\": [1.5, -2.0, 3.5], \"type\": \"<f4\", \"shape\": [3]},"
  " \"bevec\": {\"data\": [1.0], \"type\": \">f4\", \"shape\": [1]},"
  " \"nanvec\": {\"data\": [1.0, NaN], \"type\": \"<f8\", \"shape\": [2]},"
  " \"empty\": {\"data\": [], \"type\": \"<i4\", \"shape\": [0]},"
  " \"raw\": {\"$bytes\": \"AAECAw==\"}, \"fnan\": NaN, \"uni\": \"h\\u00e9llo\"}";

static SqValue *
make_sample (void)
{
  g_autoptr(GError) error = NULL;
  SqValue *sample = sq_json_parse (sample_json, strlen (sample_json), SQ_JSON_EXTENDED, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sample);
  return sample;
}

static gboolean
matches (SqValue    *sample,
         const char *expression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqQuery) query = sq_query_new (expression, NULL, &error);

  if (query == NULL)
    g_error ("'%s' does not parse: %s", expression, error->message);
  return sq_query_matches (query, sample);
}

#define assert_match(s, e) G_STMT_START { if (!matches (s, e)) g_error ("'%s' should match", e); } G_STMT_END
#define assert_no_match(s, e) G_STMT_START { if (matches (s, e)) g_error ("'%s' should not match", e); } G_STMT_END

static void
test_paths (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "label == 3");
  assert_match (s, "metadata.key == 'a1'");
  assert_match (s, "metadata['key'] == \"a1\"");
  assert_match (s, "metadata['a b'] == 1");
  assert_match (s, "metadata.nested.deep[1][0] == 2");
  assert_match (s, "metadata.nested.deep[-1][-1] == 3");
  assert_match (s, "tags[0] == 'cat'");
  assert_match (s, "tags[-1] == 'indoor'");
  assert_match (s, "name[0] == 't'");
  assert_match (s, "uni[1] == '\\u00e9'");
  assert_match (s, "raw[3] == 3");
  assert_match (s, "vec[1] == -2");
  assert_match (s, "vec[-1] == 3.5");
  /* Out of range, absent, the wrong kind of thing: no match either way. */
  assert_no_match (s, "tags[2] == 'x'");
  assert_no_match (s, "not tags[2] == 'x'");
  assert_no_match (s, "tags[-3] == 'cat'");
  assert_no_match (s, "nothing == 1");
  assert_no_match (s, "not nothing == 1");
  assert_no_match (s, "nothing != 1");
  assert_no_match (s, "label.key == 1");
  assert_no_match (s, "image[0] == 1");   /* 3-d: no element */
  assert_no_match (s, "metadata[0] == 1");
}

static void
test_comparisons (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "label != 4");
  assert_match (s, "label < 4 and label <= 3 and label > 2 and label >= 3");
  assert_match (s, "0 <= label < 10");
  assert_no_match (s, "0 <= label < 3");
  assert_match (s, "1 < 2 < 3 <= label");
  assert_no_match (s, "1 < 2 > 3 <= label");
  /* ints and floats compare exactly, bools as ints */
  assert_match (s, "label == 3.0");
  assert_match (s, "score == 0.25 and score < 1");
  assert_match (s, "flag == 1 and flag == True and flag != 2");
  assert_match (s, "True == 1");
  assert_match (s, "9007199254740993 != 9007199254740992.0");
  assert_match (s, "9007199254740992 == 9007199254740992.0");
  assert_match (s, "big == 18446744073709551615 and big > 9223372036854775807 and big > 1e19");
  assert_match (s, "big < 1.9e19");
  assert_match (s, "neg == -9223372036854775808 and neg < -9223372036854775807");
  assert_match (s, "neg < -9.2e18");
  /* NaN compares false, != true */
  assert_no_match (s, "fnan == fnan");
  assert_match (s, "fnan != 1");
  assert_no_match (s, "fnan < 1");
  assert_no_match (s, "fnan >= 1");
  assert_match (s, "not fnan < 1");
  /* strs */
  assert_match (s, "name == 'tabby cat' and name < 'tabbz' and name > 'tab'");
  assert_match (s, "uni > 'hz'");  /* code point order: é > z */
  /* Python refuses these: unknown */
  assert_no_match (s, "name < 3");
  assert_no_match (s, "not name < 3");
  assert_no_match (s, "none < 1");
  /* but equality of different kinds is false */
  assert_match (s, "name != 3");
  assert_match (s, "none != 0");
  assert_match (s, "raw != 'x'");
  /* lists and tuples */
  assert_match (s, "bbox == [0, 0, 4, 4]");
  assert_match (s, "bbox == (0, 0, 4, 4)");
  assert_match (s, "bbox != [0, 0, 4]");
  assert_match (s, "bbox < [0, 1]");
  assert_match (s, "tags == ['cat', 'indoor']");
  assert_match (s, "[label, score] == [3, 0.25]");
  assert_no_match (s, "[label, nothing] == [3, 1]");
}

static void
test_logic (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "label == 3 or nothing == 1");
  assert_match (s, "nothing == 1 or label == 3");
  assert_no_match (s, "nothing == 1 or label == 4");
  assert_no_match (s, "label == 3 and nothing == 1");
  assert_no_match (s, "nothing == 1 and label == 3");
  assert_no_match (s, "not (label == 3 and nothing == 1)");
  assert_match (s, "not (label == 4 and nothing == 1)");
  assert_match (s, "not not label == 3");
  assert_match (s, "not label == 4");
  assert_match (s, "(label == 3)");
  assert_match (s, "((label == 4) or (score > 0)) and flag");
  /* precedence: not binds looser than ==, and tighter than or */
  assert_match (s, "not label == 4 and label == 3");
  assert_match (s, "label == 4 or label == 3 and flag");
  assert_no_match (s, "(label == 4 or label == 3) and not flag");
  /* truth of bare operands */
  assert_match (s, "tags and name and label and flag and score");
  assert_no_match (s, "none");
  assert_match (s, "not none");
  assert_no_match (s, "image");        /* numpy: ambiguous */
  assert_no_match (s, "not image");
  assert_match (s, "bevec");           /* one element */
  assert_no_match (s, "nothing");
  assert_no_match (s, "not nothing");
  assert_match (s, "-label == -3 and +label == 3 and --label == 3");
  assert_match (s, "-flag == -1");
}

static void
test_membership (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "'cat' in tags");
  assert_match (s, "'dog' not in tags");
  assert_match (s, "'cat' in name and 'bby' in name and '' in name");
  assert_match (s, "'dog' not in name");
  assert_match (s, "label in [1, 2, 3]");
  assert_match (s, "label in (3,)");
  assert_match (s, "label not in [1, 2]");
  assert_match (s, "3.0 in [1, 2, 3]");
  assert_match (s, "True in [1]");
  assert_match (s, "'key' in metadata and 'nokey' not in metadata");
  assert_match (s, "2 in image and 7 not in image");
  assert_match (s, "3.5 in vec");
  assert_match (s, "[2, 3] in metadata.nested.deep");
  assert_no_match (s, "label in [nothing, 3]");  /* the list itself is unknown */
  assert_no_match (s, "label in [nothing, 4]");
  /* wrong kinds are refused by Python: unknown */
  assert_no_match (s, "3 in name");
  assert_no_match (s, "not 3 in name");
  assert_no_match (s, "'a' in label");
}

static void
test_none_and_is (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "none is None");
  assert_match (s, "none == None");
  assert_match (s, "label is not None");
  assert_match (s, "flag is True and flag is not False");
  assert_no_match (s, "label is True");   /* 3 is not True */
  /* a missing field is neither None nor not None */
  assert_no_match (s, "nothing is None");
  assert_no_match (s, "nothing is not None");
  assert_no_match (s, "metadata.missing is None");
}

static void
test_functions (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "len(tags) == 2");
  assert_match (s, "len(name) == 9");
  assert_match (s, "len(uni) == 5");
  assert_match (s, "len(raw) == 4");
  assert_match (s, "len(metadata) == 4");
  assert_match (s, "len(image) == 1 and len(vec) == 3");
  assert_match (s, "len(metadata.nested.deep[1]) == 2");
  assert_no_match (s, "len(label) == 1");
  assert_no_match (s, "len(nothing) == 0");
  assert_no_match (s, "not len(nothing) == 0");
}

static void
test_arrays (void)
{
  g_autoptr(SqValue) s = make_sample ();

  assert_match (s, "image.shape == (1, 2, 3)");
  assert_match (s, "image.shape == [1, 2, 3]");
  assert_match (s, "image.shape[0] == 1 and image.shape[-1] == 3");
  assert_match (s, "image.ndim == 3 and image.size == 6");
  assert_match (s, "image.dtype == 'uint8' and image.dtype == '|u1' and image.dtype == 'u1'");
  assert_match (s, "image.dtype != 'int8'");
  assert_match (s, "image.min() == 1 and image.max() == 6 and image.mean() == 3.5 and image.sum() == 21");
  assert_match (s, "image.std() > 1.707 and image.std() < 1.708");
  assert_match (s, "vec.dtype == 'float32' and vec.dtype == '<f4' and vec.dtype == 'f4'");
  assert_match (s, "vec.dtype == 'single'");
  assert_no_match (s, "vec.dtype == '>f4'");
  assert_no_match (s, "vec.dtype == 'float64'");
  assert_match (s, "bevec.dtype == '>f4'");
  assert_no_match (s, "bevec.dtype == 'float32'");  /* numpy: a name is this machine's order */
  assert_match (s, "vec.min() == -2 and vec.max() == 3.5");
  assert_match (s, "'float32' == vec.dtype");
  /* NaN as numpy gives it */
  assert_no_match (s, "nanvec.max() == 1");
  assert_match (s, "nanvec.max() != 1");
  /* an empty array has no min; its sum is 0 */
  assert_no_match (s, "empty.min() == 0");
  assert_no_match (s, "not empty.min() == 0");
  assert_match (s, "empty.sum() == 0 and empty.size == 0 and empty.shape == (0,)");
  /* an array compared as a whole is numpy's ambiguous truth */
  assert_no_match (s, "image == 1");
  assert_no_match (s, "image != 1");
  /* attributes of what is not an array */
  assert_no_match (s, "label.shape == 1");
  assert_no_match (s, "tags.min() == 1");
}

static void
test_scalars (void)
{
  g_autoptr(GError) error = NULL;
  const char json[] = "{\"i\": {\"$numpy\": \"<i8\", \"data\": \"BwAAAAAAAAA=\"},"
                      " \"f\": {\"$float32\": 0.5}}";
  g_autoptr(SqValue) s = sq_json_parse (json, strlen (json), SQ_JSON_EXTENDED, &error);

  g_assert_no_error (error);
  assert_match (s, "i == 7 and i.dtype == 'int64' and i > 6.5");
  assert_match (s, "f == 0.5");
}

static void
test_not_a_map (void)
{
  g_autoptr(SqValue) list = sq_value_from_json ("[1, 2]", -1, NULL);

  assert_no_match (list, "label == 1");
  assert_match (list, "1 == 1");
}

typedef struct
{
  const char *expression;
  guint       position;  /* 0-based characters */
  const char *message;   /* a part of it */
} BadQuery;

static void
test_errors (void)
{
  static const BadQuery bad[] = {
    { "", 0, "empty" },
    { "   ", 0, "empty" },
    { "label ==", 8, "expected an operand, found the end" },
    { "label = 3", 6, "'=='" },
    { "label == 3)", 10, "expected an operator or the end, found ')'" },
    { "(label == 3", 11, "expected ')' (to close character 1)" },
    { "[1, 2", 5, "expected ']'" },
    { "label == 'abc", 9, "unterminated string" },
    { "label == \"abc\\", 9, "unterminated string" },
    { "foo(x)", 0, "unknown function 'foo'" },
    { "len()", 4, "exactly one argument" },
    { "len(a, b)", 5, "exactly one argument" },
    { "x.median()", 2, "unknown method 'median'" },
    { "x.", 2, "expected a name after '.'" },
    { "x.and", 2, "expected a name after '.'" },
    { "label and", 9, "expected an operand" },
    { "and label", 0, "expected an operand, found 'and'" },
    { "label not 3", 6, "'not in'" },
    { "label == 007", 9, "leading zeros" },
    { "label == 1x", 10, "invalid number" },
    { "label == 0x", 9, "invalid number" },
    { "label == 0b102", 9, "invalid digit" },
    { "x == 99999999999999999999", 5, "64 bits" },
    { "label $ 3", 6, "unexpected character '$'" },
    { "é == 1", 0, "unexpected character 'é'" },
    { "ü == 1 and $", 0, "unexpected character 'ü'" },
    { "'é' == x $", 9, "unexpected character '$'" },
    { "'\\x4' == x", 1, "hex digits" },
    { "'\\ud800' == x", 1, "not a character" },
    { "x[1", 3, "expected ']'" },
    { "x[]", 2, "expected an operand" },
    { "x..y", 2, "expected a name" },
    { "label == == 3", 9, "expected an operand" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint position = 12345;
      g_autoptr(SqQuery) query = sq_query_new (bad[i].expression, &position, &error);
      g_autofree char *where = g_strdup_printf ("at character %u:", bad[i].position + 1);

      if (query != NULL)
        g_error ("'%s' should not parse", bad[i].expression);
      g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_SYNTAX);
      if (position != bad[i].position || strstr (error->message, bad[i].message) == NULL ||
          strstr (error->message, where) == NULL)
        g_error ("'%s': got position %u, '%s'; want %u, '%s'", bad[i].expression, position, error->message,
                 bad[i].position, bad[i].message);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) chain = g_string_new ("x");
  g_autoptr(GString) wide = g_string_new ("x == 0");
  g_autoptr(GString) nots = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqQuery) ok = NULL;
  g_autoptr(SqValue) s = make_sample ();
  SqQuery *query;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "x");
  query = sq_query_new (deep->str, NULL, &error);
  g_assert_null (query);
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_LIMIT);
  g_clear_error (&error);

  /* Postfixes nest too. */
  for (guint i = 0; i < 5000; i++)
    g_string_append (chain, "[0]");
  query = sq_query_new (chain->str, NULL, &error);
  g_assert_null (query);
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_LIMIT);
  g_clear_error (&error);

  for (guint i = 0; i < 5000; i++)
    g_string_append (nots, "not ");
  g_string_append (nots, "x");
  query = sq_query_new (nots->str, NULL, &error);
  g_assert_null (query);
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_LIMIT);
  g_clear_error (&error);

  g_string_truncate (nots, 0);
  for (guint i = 0; i < 5000; i++)
    g_string_append (nots, "-");
  g_string_append (nots, "x");
  query = sq_query_new (nots->str, NULL, &error);
  g_assert_null (query);
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_LIMIT);
  g_clear_error (&error);

  /* Long but flat is fine. */
  for (guint i = 1; i < 2000; i++)
    g_string_append_printf (wide, " or x == %u", i);
  g_string_append (wide, " or label == 3");
  ok = sq_query_new (wide->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sq_query_matches (ok, s));
  g_assert_cmpstr (sq_query_get_expression (ok), ==, wide->str);

  query = sq_query_new ("x == '\xff'", NULL, &error);
  g_assert_null (query);
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_SYNTAX);
  g_clear_error (&error);

  /* A chain of dtypes and attributes evaluates each link once (it was
   * 2^n: found by the fuzzer). image.dtype has no attribute x. */
  {
    g_autoptr(GString) dtypes = g_string_new ("image");
    g_autoptr(SqQuery) long_chain = NULL;

    for (guint i = 0; i < 60; i++)
      g_string_append (dtypes, ".dtype.x");
    g_string_append (dtypes, " is None");
    long_chain = sq_query_new (dtypes->str, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (sq_query_matches (long_chain, s));
  }
  assert_match (s, "metadata.nested.deep[1][0] == 2 and image.dtype == 'uint8'");
}

typedef struct
{
  SqQuery *query;
  SqValue *sample;
} Shared;

static gpointer
match_many (gpointer data)
{
  Shared *shared = data;

  for (guint i = 0; i < 2000; i++)
    g_assert_true (sq_query_matches (shared->query, shared->sample));
  return NULL;
}

static void
test_threads_share (void)
{
  /* A query is immutable: many threads may match with it at once. */
  g_autoptr(SqQuery) query = sq_query_new ("'cat' in tags and image.max() == 6 and [label] == [3]", NULL, NULL);
  g_autoptr(SqValue) s = make_sample ();
  Shared shared = { query, s };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("match", match_many, &shared);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/query/paths", test_paths);
  g_test_add_func ("/query/comparisons", test_comparisons);
  g_test_add_func ("/query/logic", test_logic);
  g_test_add_func ("/query/membership", test_membership);
  g_test_add_func ("/query/none-and-is", test_none_and_is);
  g_test_add_func ("/query/functions", test_functions);
  g_test_add_func ("/query/arrays", test_arrays);
  g_test_add_func ("/query/scalars", test_scalars);
  g_test_add_func ("/query/not-a-map", test_not_a_map);
  g_test_add_func ("/query/errors", test_errors);
  g_test_add_func ("/query/limits", test_limits);
  g_test_add_func ("/query/threads", test_threads_share);
  return g_test_run ();
}
