/* fuzz-query.c: the query language's parser and evaluator
 *
 * The input's first line (up to a newline or NUL) is a query; what
 * follows, if it reads as one JSON sample (drey's extended form), is the
 * sample it runs on, besides a fixed sample with a bit of everything. A
 * query parses, or is refused with an SQ_QUERY_ERROR whose message is
 * UTF-8 and says where, at a position inside the text. One that parses
 * evaluates without a crash, the same twice, the same once parsed again
 * from its own expression, and never both it and its negation match (a
 * missing field makes both false, never both true).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"

static const char fixed_json[] =
  "{\"label\": 3, \"score\": 0.5, \"name\": \"cat\", \"none\": null, \"tags\": [\"a\", \"b\"],"
  " \"meta\": {\"key\": \"k\", \"n\": [1, [2, 3]]}, \"big\": 18446744073709551615,"
  " \"img\": {\"data\": [1, 2, 3, 4, 5, 6], \"type\": \"|u1\", \"shape\": [2, 3]},"
  " \"v\": {\"data\": [1.5, NaN], \"type\": \"<f4\", \"shape\": [2]}, \"raw\": {\"$bytes\": \"AAE=\"}}";

static void
check_error (const GError *error,
             guint         position,
             const char   *text)
{
  if (error == NULL || error->domain != SQ_QUERY_ERROR)
    fuzz_fail ("a refused query has no SQ_QUERY_ERROR");
  if (!g_utf8_validate (error->message, -1, NULL) || strstr (error->message, "query: ") != error->message)
    fuzz_fail ("a query error's message is not UTF-8 starting with 'query: '");
  if (g_utf8_validate (text, -1, NULL) && position > (guint) g_utf8_strlen (text, -1))
    fuzz_fail ("a query error at character %u of a query of %ld", position, g_utf8_strlen (text, -1));
}

static void
run_query (const char *text,
           SqValue   **samples,
           guint       n_samples)
{
  g_autoptr(GError) error = NULL;
  guint position = G_MAXUINT;
  g_autoptr(SqQuery) query = sq_query_new (text, &position, &error);
  g_autoptr(SqQuery) again = NULL;
  g_autoptr(SqQuery) negated = NULL;
  g_autofree char *not_text = NULL;

  if (query == NULL)
    {
      check_error (error, position, text);
      return;
    }
  if (strcmp (sq_query_get_expression (query), text) != 0)
    fuzz_fail ("a query does not keep its expression");
  again = sq_query_new (sq_query_get_expression (query), NULL, NULL);
  if (again == NULL)
    fuzz_fail ("a query's own expression does not parse again");
  not_text = g_strdup_printf ("not (%s)", text);
  negated = sq_query_new (not_text, NULL, NULL);
  for (guint i = 0; i < n_samples; i++)
    {
      gboolean m = sq_query_matches (query, samples[i]);

      if (sq_query_matches (query, samples[i]) != m || sq_query_matches (again, samples[i]) != m)
        fuzz_fail ("'%s' does not match the same sample the same way each time", text);
      /* A comment-free query in parentheses means the same: its negation
       * never matches along with it. (Too deep for one more level is
       * fine.) */
      if (negated != NULL && m && sq_query_matches (negated, samples[i]))
        fuzz_fail ("'%s' and its negation both match", text);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *end = memchr (data, '\n', size);
  gsize text_len = end != NULL ? (gsize) (end - data) : size;
  g_autofree char *text = NULL;
  g_autoptr(SqValue) fixed = NULL;
  g_autoptr(SqValue) given = NULL;
  SqValue *samples[2];
  guint n = 0;

  fuzz_init ();
  text = g_strndup ((const char *) data, text_len);  /* up to a NUL too */
  fixed = sq_json_parse (fixed_json, strlen (fixed_json), SQ_JSON_EXTENDED, NULL);
  g_assert (fixed != NULL);
  samples[n++] = fixed;
  if (end != NULL)
    {
      given = sq_json_parse ((const char *) end + 1, size - text_len - 1, SQ_JSON_EXTENDED, NULL);
      if (given != NULL)
        samples[n++] = given;
    }
  run_query (text, samples, n);
  return 0;
}
