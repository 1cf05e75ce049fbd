/* test-serializer.c: which serializer reads a shard, and which a store uses
 *
 * The bytes of a shard can decode both as msgpack and as JSON Lines (every
 * ASCII byte is a msgpack int). Each case here is a payload with what its
 * bytes show, read with the file size known (inflated whole) and unknown
 * (streamed); then stores of such shards, and what they decide.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "drey-test-util.h"
#include "sq.h"

typedef struct
{
  guint            n_samples;
  SqSerializer     serializer;
  SqShardEvidence  evidence;
  GError          *error;
  SqValue         *first;
} Reading;

static void
reading_clear (Reading *r)
{
  g_clear_error (&r->error);
  g_clear_pointer (&r->first, sq_value_unref);
}

static Reading
read_payload (const char   *payload,
              gsize         len,
              gboolean      size_known,
              SqSerializer  fallback,
              SqSerializer  forced)
{
  g_autoptr(GBytes) file = drey_test_gzip (payload, len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (file);
  g_autoptr(SqShardReader) reader =
    sq_shard_reader_new (stream, "t", size_known ? (goffset) g_bytes_get_size (file) : -1, SQ_DEFAULT_MEMORY_LIMIT);
  Reading r = { 0 };
  SqValue *sample;

  sq_shard_reader_set_fallback_serializer (reader, fallback);
  sq_shard_reader_force_serializer (reader, forced);
  while ((sample = sq_shard_reader_next (reader, NULL, &r.error)) != NULL)
    {
      if (r.first == NULL)
        r.first = sq_value_ref (sample);
      r.n_samples++;
      sq_value_unref (sample);
    }
  r.serializer = sq_shard_reader_get_serializer (reader);
  r.evidence = sq_shard_reader_get_evidence (reader);
  return r;
}

typedef struct
{
  const char      *what;
  const char      *payload;
  gsize            len;
  SqSerializer     serializer;   /* read with, no fallback given */
  SqShardEvidence  evidence;
  guint            n_samples;
} Case;

#define P(s) s, sizeof s - 1

static const Case cases[] = {
  { "empty", P (""), SQ_SERIALIZER_AUTO, SQ_SHARD_EVIDENCE_EMPTY, 0 },
  { "a msgpack map", P ("\x81\xa1" "a\x01"), SQ_SERIALIZER_MESSAGEPACK, SQ_SHARD_EVIDENCE_MESSAGEPACK, 1 },
  /* MessagepackDriver.set([49, 50]): "12" is JSON, but squirrel's JSON
   * writer ends every line with a newline */
  { "ints that spell 12", P ("12"), SQ_SERIALIZER_MESSAGEPACK, SQ_SHARD_EVIDENCE_MESSAGEPACK, 2 },
  /* MessagepackDriver.set([49, 10]) and JsonlDriver.set([1]) write it */
  { "1 and a newline", P ("1\n"), SQ_SERIALIZER_MESSAGEPACK, SQ_SHARD_EVIDENCE_AMBIGUOUS, 2 },
  { "a JSON object", P ("{\"a\": 1}\n{\"a\": 2}\n"), SQ_SERIALIZER_JSONL, SQ_SHARD_EVIDENCE_JSONL, 2 },
  { "a JSON list, no newline at the end", P ("[1, 2]"), SQ_SERIALIZER_JSONL, SQ_SHARD_EVIDENCE_JSONL, 1 },
  { "a byte-order mark", P ("\xef\xbb\xbf{\"a\": 1}\n"), SQ_SERIALIZER_JSONL, SQ_SHARD_EVIDENCE_JSONL, 1 },
  /* 34, True, the str 'abcdefgh"', 10 -- and the JSON str "éabcdefgh" */
  { "a msgpack str that spells JSON", P ("\"\xc3\xa9" "abcdefgh\"\n"), SQ_SERIALIZER_MESSAGEPACK,
    SQ_SHARD_EVIDENCE_AMBIGUOUS, 4 },
  /* 34, False, [49, 50], 34, 10 -- and the JSON str "\u009212" */
  { "a msgpack list that spells JSON", P ("\"\xc2\x92" "12\"\n"), SQ_SERIALIZER_MESSAGEPACK,
    SQ_SHARD_EVIDENCE_AMBIGUOUS, 5 },
  /* as msgpack: 34, True, then a str of 9 bytes that is not there */
  { "UTF-8 JSON that is not msgpack", P ("\"\xc3\xa9\"\n"), SQ_SERIALIZER_JSONL, SQ_SHARD_EVIDENCE_JSONL, 1 },
  { "a bare number line, then msgpack", P ("1\n\x81\xa1" "a\x01"), SQ_SERIALIZER_MESSAGEPACK,
    SQ_SHARD_EVIDENCE_MESSAGEPACK, 3 },
  { "text that is not JSON", P ("12 ab\n"), SQ_SERIALIZER_MESSAGEPACK, SQ_SHARD_EVIDENCE_MESSAGEPACK, 6 },
};

/* What each payload's bytes show, read whole and streamed. */
static void
test_reader_decides (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int known = 0; known < 2; known++)
      {
        const Case *c = &cases[i];
        Reading r = read_payload (c->payload, c->len, known, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_AUTO);

        if (r.error != NULL)
          g_error ("%s: %s", c->what, r.error->message);
        if (r.serializer != c->serializer || r.evidence != c->evidence || r.n_samples != c->n_samples)
          g_error ("%s (%s): read as %s with %u samples, showing %d; expected %s, %u, %d", c->what,
                   known ? "whole" : "streamed", sq_serializer_to_string (r.serializer), r.n_samples, r.evidence,
                   sq_serializer_to_string (c->serializer), c->n_samples, c->evidence);
        reading_clear (&r);
      }
}

/* A shard that decodes both ways follows the serializer it is given (the
 * store's); one that decodes one way ignores it. */
static void
test_reader_fallback (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int known = 0; known < 2; known++)
      {
        const Case *c = &cases[i];
        Reading r = read_payload (c->payload, c->len, known, SQ_SERIALIZER_JSONL, SQ_SERIALIZER_AUTO);
        SqSerializer expected = c->evidence == SQ_SHARD_EVIDENCE_AMBIGUOUS ? SQ_SERIALIZER_JSONL : c->serializer;

        g_assert_no_error (r.error);
        if (r.serializer != expected || r.evidence != c->evidence)
          g_error ("%s: read as %s, expected %s", c->what, sq_serializer_to_string (r.serializer),
                   sq_serializer_to_string (expected));
        reading_clear (&r);
      }

  {
    Reading r = read_payload (P ("1\n"), TRUE, SQ_SERIALIZER_JSONL, SQ_SERIALIZER_AUTO);

    g_assert_cmpuint (r.n_samples, ==, 1);
    g_assert_cmpint (sq_value_get_int (r.first), ==, 1);
    reading_clear (&r);
  }
}

/* The user's choice wins: no probing, and a shard that does not decode
 * with it fails. */
static void
test_reader_forced (void)
{
  Reading r = read_payload (P ("{\"a\": 1}\n"), TRUE, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_MESSAGEPACK);

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.n_samples, ==, 9);
  g_assert_cmpint (sq_value_get_int (r.first), ==, '{');
  g_assert_cmpint (r.evidence, ==, SQ_SHARD_EVIDENCE_NONE);
  reading_clear (&r);

  r = read_payload (P ("\x81\xa1" "a\x01"), TRUE, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_JSONL);
  g_assert_error (r.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED);
  reading_clear (&r);

  /* "12" without a newline: squirrel's JSON reader reads it */
  r = read_payload (P ("12"), FALSE, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_JSONL);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.n_samples, ==, 1);
  g_assert_cmpint (sq_value_get_int (r.first), ==, 12);
  reading_clear (&r);
}

/* A JSON Lines shard damaged after its first line is a JSON Lines error,
 * even where its bytes also happen to be msgpack ints. */
static void
test_reader_damaged_jsonl (void)
{
  for (int known = 0; known < 2; known++)
    {
      Reading r = read_payload (P ("{\"a\": 1}\n{\"a\": }\n"), known, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_AUTO);

      g_assert_error (r.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED);
      g_assert_nonnull (strstr (r.error->message, "line 2"));
      g_assert_nonnull (strstr (r.error->message, "also a valid msgpack stream"));
      reading_clear (&r);

      r = read_payload (P ("{\"a\": 1}\n{\"b\": \"\xff\"}\n"), known, SQ_SERIALIZER_AUTO, SQ_SERIALIZER_AUTO);
      g_assert_error (r.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED);
      g_assert_nonnull (strstr (r.error->message, "line 2"));
      reading_clear (&r);
    }
}

/* ---- stores ------------------------------------------------------------ */

typedef struct
{
  char    *dir;
  SqStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GFile) location = NULL;

  f->dir = g_dir_make_tmp ("drey-test-serializer-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  location = g_file_new_for_path (f->dir);
  f->store = sq_store_new (location);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* detection notifies through idle sources holding weak references */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->store);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
put (Fixture    *f,
     const char *key,
     const char *payload,
     gsize       len)
{
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);

  drey_test_write_gzip (path, payload, len);
}

#define PUT(f, key, s) put (f, key, s, sizeof s - 1)

static GPtrArray *
get (Fixture    *f,
     const char *key)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *samples = sq_store_get (f->store, key, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return samples;
}

static void
assert_detects (Fixture            *f,
                SqSerializer        serializer,
                SqSerializerSource  source)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sq_store_detect_serializer (f->store, NULL, &error), ==, serializer);
  g_assert_no_error (error);
  g_assert_cmpint (sq_store_get_serializer (f->store), ==, serializer);
  g_assert_cmpint (sq_store_get_serializer_source (f->store), ==, source);
}

/* A msgpack store whose first shard is also JSON: the others decide, and
 * it is read as msgpack. */
static void
test_store_msgpack_with_ambiguous_first (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;

  PUT (f, "a", "1\n");
  PUT (f, "b", "\x81\xa1" "a\x01");
  PUT (f, "c", "\x82\xa1" "a\x02\xa1" "b\xc3");
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_SHARDS);
  g_assert_cmpuint (sq_store_count_shards (f->store, SQ_SHARD_EVIDENCE_MESSAGEPACK), ==, 2);
  g_assert_cmpuint (sq_store_count_shards (f->store, SQ_SHARD_EVIDENCE_AMBIGUOUS), ==, 1);

  first = get (f, "a");
  g_assert_cmpuint (first->len, ==, 2);
  g_assert_cmpint (sq_value_get_int (g_ptr_array_index (first, 0)), ==, 49);
}

/* The same bytes in a JSON Lines store are a JSON line. */
static void
test_store_jsonl_with_ambiguous_shards (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) last = NULL;
  g_autofree char *why = NULL;

  PUT (f, "a", "1\n");
  PUT (f, "b", "{\"x\": [1, 2]}\n");
  PUT (f, "c", "\xef\xbb\xbf{\"x\": [3]}\n");
  PUT (f, "d", "\"\xc3\xa9" "abcdefgh\"\n");
  assert_detects (f, SQ_SERIALIZER_JSONL, SQ_SERIALIZER_SOURCE_SHARDS);

  first = get (f, "a");
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpint (sq_value_get_int (g_ptr_array_index (first, 0)), ==, 1);
  last = get (f, "d");
  g_assert_cmpuint (last->len, ==, 1);
  g_assert_cmpstr (sq_value_get_str (g_ptr_array_index (last, 0), NULL), ==, "\xc3\xa9" "abcdefgh");

  why = sq_store_describe_serializer (f->store);
  g_assert_cmpstr (why, ==, "jsonl (2 shards looked at decode only as JSON Lines, 2 both ways)");
}

/* Shards that disagree: each read its own way, and set() will not pick. */
static void
test_store_mixed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *why = NULL;

  PUT (f, "a", "\x81\xa1" "a\x01");
  PUT (f, "b", "{\"a\": 1}\n");
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_MIXED);
  why = sq_store_describe_serializer (f->store);
  g_assert_cmpstr (why, ==, "mixed: 1 shard decodes only as msgpack, 1 only as JSON Lines");

  a = get (f, "a");
  b = get (f, "b");
  g_assert_true (sq_value_equal (g_ptr_array_index (a, 0), g_ptr_array_index (b, 0)));

  g_ptr_array_add (samples, sq_value_new_int (1));
  key = sq_store_set (f->store, "c", samples, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_MIXED_SERIALIZERS);
  {
    g_autofree char *c_path = g_build_filename (f->dir, "c.gz", NULL);

    g_assert_false (g_file_test (c_path, G_FILE_TEST_EXISTS));
  }
  g_clear_error (&error);

  sq_store_set_serializer (f->store, SQ_SERIALIZER_JSONL);
  key = sq_store_set (f->store, "c", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sq_store_get_serializer_source (f->store), ==, SQ_SERIALIZER_SOURCE_CHOSEN);
}

/* Nothing but shards that decode both ways: messagepack, and it says so. */
static void
test_store_ambiguous (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(SqValue) sample = NULL;

  PUT (f, "a", "1\n");
  PUT (f, "b", "2\n3\n");
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_AMBIGUOUS);

  g_ptr_array_add (samples, sq_value_new_str ("x", -1));
  key = sq_store_set (f->store, "c", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  reader = sq_store_open_shard (f->store, "c", NULL, &error);
  sample = sq_shard_reader_next (reader, NULL, &error);
  g_assert_cmpint (sq_shard_reader_get_serializer (reader), ==, SQ_SERIALIZER_MESSAGEPACK);
}

static void
test_store_empty (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *why = NULL;

  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_DEFAULT);
  why = sq_store_describe_serializer (f->store);
  g_assert_cmpstr (why, ==, "messagepack (no shards yet: squirrel's default)");
}

static void
test_store_only_empty_shards (Fixture       *f,
                              gconstpointer  data)
{
  PUT (f, "a", "");
  PUT (f, "b", "");
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_DEFAULT);
}

/* The user's choice wins over what the shards show, for every shard. */
static void
test_store_chosen (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = NULL;

  PUT (f, "a", "{\"a\": 1}\n");
  sq_store_set_serializer (f->store, SQ_SERIALIZER_MESSAGEPACK);
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_CHOSEN);
  samples = get (f, "a");
  g_assert_cmpuint (samples->len, ==, 9);

  /* AUTO goes by the shards again */
  sq_store_set_serializer (f->store, SQ_SERIALIZER_AUTO);
  assert_detects (f, SQ_SERIALIZER_JSONL, SQ_SERIALIZER_SOURCE_SHARDS);
}

/* Detection looks at 16 shards; a shard read later that disagrees makes
 * the store mixed, and the store says so. */
static void
test_store_learns_from_reads (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) odd = NULL;
  guint notified = 0;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%02u", i);

      /* detection visits every fourth key first, then the even ones */
      if (i == 1)
        PUT (f, key, "\x81\xa1" "a\x01");
      else
        PUT (f, key, "{\"a\": 1}\n");
    }
  assert_detects (f, SQ_SERIALIZER_JSONL, SQ_SERIALIZER_SOURCE_SHARDS);
  g_assert_cmpuint (sq_store_count_shards (f->store, SQ_SHARD_EVIDENCE_JSONL), ==, 16);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_signal_connect (f->store, "notify::serializer-source", G_CALLBACK (drey_test_count_notify), &notified);
  odd = get (f, "k01");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (sq_store_get_serializer_source (f->store), ==, SQ_SERIALIZER_SOURCE_MIXED);
  g_assert_cmpuint (notified, ==, 1);
}

/* A shard that was written says nothing about the store any more until it
 * is read again. */
static void
test_store_set_forgets (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  PUT (f, "a", "\x81\xa1" "a\x01");
  PUT (f, "b", "{\"a\": 1}\n");
  assert_detects (f, SQ_SERIALIZER_MESSAGEPACK, SQ_SERIALIZER_SOURCE_MIXED);
  g_assert_true (sq_store_remove (f->store, "b", NULL, &error));
  g_assert_cmpint (sq_store_get_serializer_source (f->store), ==, SQ_SERIALIZER_SOURCE_SHARDS);

  g_ptr_array_add (samples, sq_value_new_int (1));
  sq_store_set_serializer (f->store, SQ_SERIALIZER_JSONL);
  key = sq_store_set (f->store, "a", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  sq_store_set_serializer (f->store, SQ_SERIALIZER_AUTO);
  g_assert_cmpuint (sq_store_count_shards (f->store, SQ_SHARD_EVIDENCE_MESSAGEPACK), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/serializer/reader/decides", test_reader_decides);
  g_test_add_func ("/serializer/reader/fallback", test_reader_fallback);
  g_test_add_func ("/serializer/reader/forced", test_reader_forced);
  g_test_add_func ("/serializer/reader/damaged-jsonl", test_reader_damaged_jsonl);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/serializer/store/msgpack-with-ambiguous-first", test_store_msgpack_with_ambiguous_first);
  ADD ("/serializer/store/jsonl-with-ambiguous-shards", test_store_jsonl_with_ambiguous_shards);
  ADD ("/serializer/store/mixed", test_store_mixed);
  ADD ("/serializer/store/ambiguous", test_store_ambiguous);
  ADD ("/serializer/store/empty", test_store_empty);
  ADD ("/serializer/store/only-empty-shards", test_store_only_empty_shards);
  ADD ("/serializer/store/chosen", test_store_chosen);
  ADD ("/serializer/store/learns-from-reads", test_store_learns_from_reads);
  ADD ("/serializer/store/set-forgets", test_store_set_forgets);
#undef ADD

  return g_test_run ();
}
