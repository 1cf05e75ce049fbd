/* test-store-scan.c: the scan of a whole store: schema, drift, statistics
 * merged in any order, the cache (hits, invalidation, files that do not
 * check out), a corrupt shard, cancel, partial results on the main
 * context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "drey-test-util.h"
#include "sq.h"
#include "sq-field-stats-private.h"

typedef struct
{
  char    *dir;
  GFile   *location;
  SqStore *store;
} Fixture;

static char *cache_home;

static void
write_shard (Fixture    *f,
             const char *key,
             const char *jsonl)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      SqValue *sample;

      if (*lines[i] == '\0')
        continue;
      sample = sq_json_parse (lines[i], strlen (lines[i]), SQ_JSON_EXTENDED, &error);
      g_assert_no_error (error);
      g_ptr_array_add (samples, sample);
    }
  written = sq_store_set (f->store, key, samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, key);
}

#define IMG(shape, type) "{\"data\": [], \"type\": \"" type "\", \"shape\": " shape "}"

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("drey-scan-XXXXXX", &error);
  g_assert_no_error (error);
  f->location = g_file_new_for_path (f->dir);
  f->store = sq_store_new (f->location);
  /* Three shards; drift planted in the last two. */
  write_shard (f, "a",
               "{\"label\": 1, \"name\": \"cat\", \"meta\": {\"w\": 2}, \"img\": {\"data\": [1, 2, 3, 4], \"type\": \"|u1\", \"shape\": [2, 2]}}\n"
               "{\"label\": 2, \"name\": \"dog\", \"meta\": {\"w\": 4}, \"img\": {\"data\": [5, 6, 7, 8], \"type\": \"|u1\", \"shape\": [2, 2]}}\n");
  write_shard (f, "b",
               "{\"label\": 1, \"name\": \"cat\", \"meta\": {\"w\": 6}, \"img\": {\"data\": [0, 0, 0, 0], \"type\": \"|u1\", \"shape\": [2, 2]}}\n"
               "{\"label\": 3, \"name\": \"cow\", \"meta\": {}, \"img\": {\"data\": [1, 1, 1, 1, 1, 1], \"type\": \"|u1\", \"shape\": [2, 3]}}\n"
               "{\"label\": null, \"name\": \"cat\", \"meta\": {\"w\": 8}, \"img\": {\"data\": [9, 9, 9, 9], \"type\": \"|u1\", \"shape\": [2, 2]}}\n");
  write_shard (f, "c",
               "{\"label\": 4, \"meta\": {\"w\": 10}, \"img\": {\"data\": [0.5, 1.5, 2.5, 3.5], \"type\": \"<f4\", \"shape\": [4]}}\n");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->location);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
  /* Every test starts with no cache. */
  {
    g_autofree char *scan_dir = g_build_filename (cache_home, "drey", "scan", NULL);

    drey_test_remove_tree (scan_dir);
  }
}

static SqStoreScan *
scan_store (Fixture    *f,
            const char *expression,
            gboolean    use_cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqQuery) query = expression ? sq_query_new (expression, NULL, &error) : NULL;
  SqStoreScan *scan;

  g_assert_no_error (error);
  scan = sq_store_scan_new (f->store, query);
  sq_store_scan_set_use_cache (scan, use_cache);
  g_assert_true (sq_store_scan_run (scan, NULL, &error));
  g_assert_no_error (error);
  return scan;
}

static guint64
type_count (SqFieldStats *field,
            const char   *name)
{
  guint n;
  const SqCount *types = sq_field_stats_get_types (field, &n);

  for (guint i = 0; i < n; i++)
    if (strcmp (types[i].name, name) == 0)
      return types[i].count;
  return 0;
}

static SqDrift *
find_drift (GPtrArray   *drifts,
            SqDriftKind  kind,
            const char  *path)
{
  for (guint i = 0; i < drifts->len; i++)
    if (sq_drift_get_kind (drifts->pdata[i]) == kind && strcmp (sq_drift_get_path (drifts->pdata[i]), path) == 0)
      return drifts->pdata[i];
  return NULL;
}

static void
test_schema (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SqStoreScan) scan = scan_store (f, NULL, FALSE);
  SqSchema *schema = sq_store_scan_get_schema (scan);
  g_autoptr(GPtrArray) drifts = sq_schema_get_drifts (schema);
  SqFieldStats *label, *img, *w;
  SqDrift *drift;
  guint n, index;
  const SqCount *counts;
  const SqFieldNumbers *numbers;

  g_assert_cmpuint (sq_store_scan_get_n_shards (scan), ==, 3);
  g_assert_cmpuint (sq_store_scan_get_n_shards_done (scan), ==, 3);
  g_assert_cmpuint (sq_store_scan_get_n_failed (scan), ==, 0);
  g_assert_cmpuint (sq_schema_get_n_samples (schema), ==, 6);
  g_assert_cmpuint (sq_schema_get_n_fields (schema), ==, 5);
  /* First seen order, parents before children. */
  g_assert_cmpstr (sq_field_stats_get_path (sq_schema_get_field (schema, 0)), ==, "label");
  g_assert_cmpstr (sq_field_stats_get_path (sq_schema_get_field (schema, 1)), ==, "name");
  g_assert_cmpstr (sq_field_stats_get_path (sq_schema_get_field (schema, 2)), ==, "meta");
  g_assert_cmpstr (sq_field_stats_get_path (sq_schema_get_field (schema, 3)), ==, "meta.w");
  g_assert_cmpstr (sq_field_stats_get_path (sq_schema_get_field (schema, 4)), ==, "img");

  label = sq_schema_lookup_field (schema, "label");
  g_assert_cmpuint (type_count (label, "int"), ==, 5);
  g_assert_cmpuint (type_count (label, "NoneType"), ==, 1);
  numbers = sq_field_stats_get_numbers (label);
  g_assert_nonnull (numbers);
  g_assert_cmpuint (numbers->count, ==, 5);
  g_assert_cmpfloat (numbers->min, ==, 1.0);
  g_assert_cmpfloat (numbers->max, ==, 4.0);
  g_assert_cmpfloat_with_epsilon (numbers->mean, 11.0 / 5.0, 1e-12);
  counts = sq_field_stats_get_top_values (label, &n);
  g_assert_cmpuint (n, ==, 5);   /* 1 twice, 2, 3, 4, None */
  g_assert_cmpstr (counts[0].name, ==, "1");
  g_assert_cmpuint (counts[0].count, ==, 2);
  g_assert_cmpfloat (sq_schema_get_presence (schema, "name"), ==, 5.0 / 6.0);
  counts = sq_field_stats_get_top_values (sq_schema_lookup_field (schema, "name"), &n);
  g_assert_cmpstr (counts[0].name, ==, "'cat'");
  g_assert_cmpuint (counts[0].count, ==, 3);

  img = sq_schema_lookup_field (schema, "img");
  counts = sq_field_stats_get_patterns (img, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (counts[0].name, ==, "uint8 2x2");
  g_assert_cmpuint (counts[0].count, ==, 4);
  numbers = sq_field_stats_get_elements (img);
  g_assert_cmpuint (numbers->count, ==, 26);
  g_assert_cmpfloat (numbers->max, ==, 9.0);

  w = sq_schema_lookup_field (schema, "meta.w");
  g_assert_cmpuint (sq_field_stats_get_n_samples (w), ==, 5);
  g_assert_cmpuint (sq_field_stats_get_n_shards (w), ==, 3);

  /* name: missing from shard c's sample */
  drift = find_drift (drifts, SQ_DRIFT_MISSING, "name");
  g_assert_nonnull (drift);
  g_assert_cmpuint (sq_drift_get_n_samples (drift), ==, 1);
  g_assert_cmpuint (sq_drift_get_n_shards (drift), ==, 1);
  g_assert_cmpstr (sq_drift_get_shard (drift, 0), ==, "c");
  g_assert_cmpstr (sq_drift_get_sample_ref (drift, 0, &index), ==, "c");
  g_assert_cmpuint (index, ==, 0);
  /* meta.w: missing where meta is there but empty: b[1] */
  drift = find_drift (drifts, SQ_DRIFT_MISSING, "meta.w");
  g_assert_nonnull (drift);
  g_assert_cmpuint (sq_drift_get_n_samples (drift), ==, 1);
  g_assert_cmpstr (sq_drift_get_sample_ref (drift, 0, &index), ==, "b");
  g_assert_cmpuint (index, ==, 1);
  /* label: None in b[2] */
  drift = find_drift (drifts, SQ_DRIFT_TYPE, "label");
  g_assert_nonnull (drift);
  g_assert_cmpstr (sq_drift_get_sample_ref (drift, 0, &index), ==, "b");
  g_assert_cmpuint (index, ==, 2);
  g_assert_nonnull (strstr (sq_drift_get_description (drift), "NoneType in"));
  /* img: float32 in c, rank 1 in c, 2x3 in b */
  drift = find_drift (drifts, SQ_DRIFT_DTYPE, "img");
  g_assert_nonnull (drift);
  g_assert_cmpstr (sq_drift_get_shard (drift, 0), ==, "c");
  drift = find_drift (drifts, SQ_DRIFT_RANK, "img");
  g_assert_nonnull (drift);
  g_assert_cmpuint (sq_drift_get_n_samples (drift), ==, 1);
  drift = find_drift (drifts, SQ_DRIFT_SHAPE, "img");
  g_assert_nonnull (drift);
  g_assert_cmpuint (sq_drift_get_n_samples (drift), ==, 1);
  g_assert_cmpstr (sq_drift_get_sample_ref (drift, 0, &index), ==, "b");
  g_assert_cmpuint (index, ==, 1);
  /* No drift for what does not drift. */
  g_assert_null (find_drift (drifts, SQ_DRIFT_MISSING, "img"));
  g_assert_null (find_drift (drifts, SQ_DRIFT_TYPE, "meta.w"));
}

/* Two schemas agree on everything a user reads. */
static void
assert_same_schema (SqSchema *a,
                    SqSchema *b)
{
  g_assert_cmpuint (sq_schema_get_n_fields (a), ==, sq_schema_get_n_fields (b));
  g_assert_cmpuint (sq_schema_get_n_samples (a), ==, sq_schema_get_n_samples (b));
  for (guint i = 0; i < sq_schema_get_n_fields (a); i++)
    {
      SqFieldStats *x = sq_schema_get_field (a, i);
      SqFieldStats *y = sq_schema_get_field (b, i);
      const SqFieldNumbers *nx = sq_field_stats_get_numbers (x);
      const SqFieldNumbers *ny = sq_field_stats_get_numbers (y);
      guint64 hx[SQ_FIELD_STATS_N_BINS], hy[SQ_FIELD_STATS_N_BINS];
      guint n1, n2;
      const SqCount *c1 = sq_field_stats_get_types (x, &n1);
      const SqCount *c2 = sq_field_stats_get_types (y, &n2);

      g_assert_cmpstr (sq_field_stats_get_path (x), ==, sq_field_stats_get_path (y));
      g_assert_cmpuint (sq_field_stats_get_n_values (x), ==, sq_field_stats_get_n_values (y));
      g_assert_cmpuint (n1, ==, n2);
      for (guint k = 0; k < n1; k++)
        {
          g_assert_cmpstr (c1[k].name, ==, c2[k].name);
          g_assert_cmpuint (c1[k].count, ==, c2[k].count);
        }
      g_assert_true ((nx == NULL) == (ny == NULL));
      if (nx != NULL)
        {
          g_assert_cmpuint (nx->count, ==, ny->count);
          g_assert_cmpfloat (nx->min, ==, ny->min);
          g_assert_cmpfloat (nx->max, ==, ny->max);
          g_assert_cmpfloat_with_epsilon (nx->mean, ny->mean, 1e-9 * (1 + fabs (nx->mean)));
          g_assert_cmpfloat_with_epsilon (nx->std, ny->std, 1e-9 * (1 + fabs (nx->std)));
          g_assert_true (sq_field_stats_get_histogram (x, hx, NULL, NULL));
          g_assert_true (sq_field_stats_get_histogram (y, hy, NULL, NULL));
          g_assert_cmpmem (hx, sizeof hx, hy, sizeof hy);
        }
    }
}

static void
test_merge_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) jsonl = g_string_new (NULL);
  g_autoptr(SqStoreScan) scan = NULL;
  g_autoptr(SqSchema) reversed = sq_schema_new ();
  g_autoptr(SqSchema) shuffled = sq_schema_new ();
  GPtrArray *shards;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  /* Many floats over a wide range: enough buckets that they get halved. */
  for (guint s = 0; s < 6; s++)
    {
      g_autofree char *key = g_strdup_printf ("f%u", s);

      g_string_truncate (jsonl, 0);
      for (guint i = 0; i < 1500; i++)
        g_string_append_printf (jsonl, "{\"x\": %.17g, \"k\": %u}\n",
                                g_rand_double_range (rand, -1e6, 1e6) * (s + 1) / (1 + (i % 7)), i % 13);
      write_shard (f, key, jsonl->str);
    }
  scan = scan_store (f, NULL, FALSE);
  shards = sq_store_scan_get_shards (scan);
  for (guint i = shards->len; i > 0; i--)
    g_assert_true (sq_schema_add_shard (reversed, shards->pdata[i - 1]));
  g_assert_false (sq_schema_add_shard (reversed, shards->pdata[0]));  /* once */
  for (guint i = 0; i < shards->len; i++)
    sq_schema_add_shard (shuffled, shards->pdata[(i * 5) % shards->len]);
  assert_same_schema (sq_store_scan_get_schema (scan), reversed);
  assert_same_schema (sq_store_scan_get_schema (scan), shuffled);
  g_assert_false (sq_field_stats_histogram_is_exact (sq_schema_lookup_field (reversed, "x")));
  g_assert_true (sq_field_stats_histogram_is_exact (sq_schema_lookup_field (reversed, "k")));
  /* Merging a copy into a copy is adding: counts double. */
  {
    g_autoptr(SqFieldStats) copy = sq_field_stats_copy (sq_schema_lookup_field (reversed, "k"));

    sq_field_stats_merge (copy, sq_schema_lookup_field (shuffled, "k"));
    g_assert_cmpuint (sq_field_stats_get_n_values (copy), ==,
                      2 * sq_field_stats_get_n_values (sq_schema_lookup_field (shuffled, "k")));
  }
}

static void
test_cache (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SqStoreScan) first = scan_store (f, NULL, TRUE);
  g_autoptr(SqStoreScan) second = NULL;
  g_autoptr(SqStoreScan) third = NULL;
  g_autoptr(SqStoreScan) fourth = NULL;

  g_assert_cmpuint (sq_store_scan_get_n_from_cache (first), ==, 0);
  second = scan_store (f, NULL, TRUE);
  g_assert_cmpuint (sq_store_scan_get_n_from_cache (second), ==, 3);
  g_assert_true (sq_shard_scan_is_from_cache (sq_store_scan_lookup_shard (second, "a")));
  assert_same_schema (sq_store_scan_get_schema (first), sq_store_scan_get_schema (second));
  {
    g_autoptr(GPtrArray) d1 = sq_schema_get_drifts (sq_store_scan_get_schema (first));
    g_autoptr(GPtrArray) d2 = sq_schema_get_drifts (sq_store_scan_get_schema (second));

    g_assert_cmpuint (d1->len, ==, d2->len);
    for (guint i = 0; i < d1->len; i++)
      g_assert_cmpstr (sq_drift_get_description (d1->pdata[i]), ==, sq_drift_get_description (d2->pdata[i]));
  }

  /* One shard changes: only it is decoded again, and what it holds now
   * shows. */
  write_shard (f, "b", "{\"label\": 7, \"name\": \"emu\", \"meta\": {\"w\": 1}, \"extra\": true}\n");
  third = scan_store (f, NULL, TRUE);
  g_assert_cmpuint (sq_store_scan_get_n_from_cache (third), ==, 2);
  g_assert_false (sq_shard_scan_is_from_cache (sq_store_scan_lookup_shard (third, "b")));
  g_assert_nonnull (sq_schema_lookup_field (sq_store_scan_get_schema (third), "extra"));
  g_assert_cmpuint (sq_schema_get_n_samples (sq_store_scan_get_schema (third)), ==, 4);

  /* A removed shard leaves the results, a new one is scanned. */
  g_assert_true (sq_store_remove (f->store, "a", NULL, NULL));
  write_shard (f, "d", "{\"label\": 9}\n");
  fourth = scan_store (f, NULL, TRUE);
  g_assert_null (sq_store_scan_lookup_shard (fourth, "a"));
  g_assert_cmpuint (sq_store_scan_get_n_from_cache (fourth), ==, 2);
  g_assert_false (sq_shard_scan_is_from_cache (sq_store_scan_lookup_shard (fourth, "d")));

  /* Off, it is neither read nor written. */
  {
    g_autoptr(SqStoreScan) off = scan_store (f, NULL, FALSE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (off), ==, 0);
  }
}

static char *
cache_file (void)
{
  g_autofree char *dir = g_build_filename (cache_home, "drey", "scan", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".scan"))
      return g_build_filename (dir, name, NULL);
  g_assert_not_reached ();
  return NULL;
}

static void
test_cache_untrusted (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SqStoreScan) first = scan_store (f, NULL, TRUE);
  g_autofree char *path = cache_file ();
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpuint (len, >, 100);

  /* One flipped bit in the payload: the checksum tells. */
  contents[len - 10] ^= 0x10;
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, &error));
  {
    g_autoptr(SqStoreScan) scan = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (scan), ==, 0);
    assert_same_schema (sq_store_scan_get_schema (first), sq_store_scan_get_schema (scan));
  }
  /* ...and the file was written anew: the next run hits. */
  {
    g_autoptr(SqStoreScan) scan = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (scan), ==, 3);
  }

  /* Garbage, an empty file, a future version: ignored. */
  g_assert_true (g_file_set_contents (path, "DREYSCAN\x03\0\0\0garbage", 19, &error));
  {
    g_autoptr(SqStoreScan) scan = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (scan), ==, 0);
  }
  g_assert_true (g_file_set_contents (path, "", 0, &error));
  {
    g_autoptr(SqStoreScan) scan = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (scan), ==, 0);
  }

  /* Another store's cache file under this store's name: not used. */
  {
    g_autofree char *other_dir = g_dir_make_tmp ("drey-scan-other-XXXXXX", &error);
    g_autoptr(GFile) other_location = g_file_new_for_path (other_dir);
    g_autoptr(SqStore) other = sq_store_new (other_location);
    g_autoptr(SqStoreScan) other_scan = sq_store_scan_new (other, NULL);
    g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
    g_autofree char *theirs = NULL;
    gsize n;

    g_ptr_array_add (samples, sq_value_from_json ("{\"z\": 1}", -1, NULL));
    g_free (sq_store_set (other, "a", samples, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    /* Alone in the cache directory, its file is the only one. */
    g_unlink (path);
    g_assert_true (sq_store_scan_run (other_scan, NULL, &error));
    g_assert_no_error (error);
    {
      g_autofree char *other_path = cache_file ();

      g_assert_true (g_file_get_contents (other_path, &theirs, &n, NULL));
    }
    g_assert_true (g_file_set_contents (path, theirs, (gssize) n, NULL));
    {
      g_autoptr(SqStoreScan) probe = scan_store (f, NULL, TRUE);

      g_assert_cmpuint (sq_store_scan_get_n_from_cache (probe), ==, 0);
      g_assert_null (sq_schema_lookup_field (sq_store_scan_get_schema (probe), "z"));
      g_assert_cmpuint (sq_schema_get_n_samples (sq_store_scan_get_schema (probe)), ==, 6);
    }
    drey_test_remove_tree (other_dir);
  }
}

static void
test_corrupt_shard (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "b.gz", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(SqStoreScan) scan = NULL;
  SqShardScan *bad;

  /* Cut shard b in half. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) len / 2, NULL));
  scan = scan_store (f, "label >= 1", TRUE);
  g_assert_cmpuint (sq_store_scan_get_n_shards_done (scan), ==, 3);
  g_assert_cmpuint (sq_store_scan_get_n_failed (scan), ==, 1);
  bad = sq_store_scan_lookup_shard (scan, "b");
  g_assert_nonnull (sq_shard_scan_get_error (bad));
  g_assert_nonnull (strstr (sq_shard_scan_get_error (bad)->message, "'b'"));
  g_assert_cmpuint (sq_shard_scan_get_n_fields (bad), ==, 0);
  /* The rest is there: a's two samples and c's one. */
  g_assert_cmpuint (sq_schema_get_n_samples (sq_store_scan_get_schema (scan)), ==, 3);
  g_assert_cmpuint (sq_store_scan_get_n_matches (scan), ==, 3);

  /* The failure is cached too, with its message. */
  {
    g_autoptr(SqStoreScan) again = scan_store (f, "label >= 1", TRUE);
    SqShardScan *cached = sq_store_scan_lookup_shard (again, "b");

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (again), ==, 3);
    g_assert_cmpstr (sq_shard_scan_get_error (cached)->message, ==, sq_shard_scan_get_error (bad)->message);
    g_assert_true (sq_shard_scan_get_error (cached)->domain == sq_shard_scan_get_error (bad)->domain);
  }
}

static void
test_query (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SqStoreScan) scan = scan_store (f, "name == 'cat' or img.dtype == 'float32'", TRUE);
  guint n;
  const guint *matches;
  g_autoptr(SqStoreScan) again = NULL;
  g_autoptr(SqStoreScan) other = NULL;

  g_assert_cmpuint (sq_store_scan_get_n_matches (scan), ==, 4);
  matches = sq_shard_scan_get_matches (sq_store_scan_lookup_shard (scan, "a"), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (matches[0], ==, 0);
  matches = sq_shard_scan_get_matches (sq_store_scan_lookup_shard (scan, "b"), &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (matches[0], ==, 0);
  g_assert_cmpuint (matches[1], ==, 2);
  matches = sq_shard_scan_get_matches (sq_store_scan_lookup_shard (scan, "c"), &n);
  g_assert_cmpuint (n, ==, 1);

  /* The same query: from the cache. Another: decoded again. */
  again = scan_store (f, "name == 'cat' or img.dtype == 'float32'", TRUE);
  g_assert_cmpuint (sq_store_scan_get_n_from_cache (again), ==, 3);
  g_assert_cmpuint (sq_store_scan_get_n_matches (again), ==, 4);
  other = scan_store (f, "label == 2", TRUE);
  g_assert_cmpuint (sq_store_scan_get_n_from_cache (other), ==, 0);
  g_assert_cmpuint (sq_store_scan_get_n_matches (other), ==, 1);
  /* Without a query the cached scans serve, whatever query they hold. */
  {
    g_autoptr(SqStoreScan) plain = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (plain), ==, 3);
    g_assert_cmpuint (sq_store_scan_get_n_matches (plain), ==, 0);
  }
}

/* Each shard's matching samples as shard-scanned hands them over: the
 * names of the samples, "" for a shard handing over none. */
static void
collect_matched (SqStoreScan *scan,
                 SqShardScan *shard,
                 GString     *names)
{
  GPtrArray *samples = sq_store_scan_get_matched_samples (scan);
  guint n = 0;

  sq_shard_scan_get_matches (shard, &n);
  g_assert_cmpuint (samples != NULL ? samples->len : 0, ==, n);
  g_string_append_printf (names, "%s:", sq_shard_scan_get_key (shard));
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      SqValue *name = sq_value_lookup (samples->pdata[i], "name");
      g_autofree char *label = sq_value_format (sq_value_lookup (samples->pdata[i], "label"), 8);

      g_string_append_printf (names, "%s/%s ", name != NULL ? sq_value_get_str (name, NULL) : "-", label);
    }
  g_string_append_c (names, ';');
}

static char *
scan_keeping (Fixture    *f,
              const char *expression,
              gboolean    use_cache,
              guint      *n_from_cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqQuery) query = sq_query_new (expression, NULL, &error);
  g_autoptr(SqStoreScan) scan = NULL;
  GString *names = g_string_new (NULL);

  g_assert_no_error (error);
  scan = sq_store_scan_new (f->store, query);
  sq_store_scan_set_use_cache (scan, use_cache);
  sq_store_scan_set_keep_matches (scan, TRUE);
  g_signal_connect (scan, "shard-scanned", G_CALLBACK (collect_matched), names);
  g_assert_true (sq_store_scan_run (scan, NULL, &error));
  g_assert_no_error (error);
  /* Only during the signal. */
  g_assert_null (sq_store_scan_get_matched_samples (scan));
  *n_from_cache = sq_store_scan_get_n_from_cache (scan);
  return g_string_free (names, FALSE);
}

/* A scan that keeps its matches hands each shard's matching samples over
 * with it, decoded once: the same whether the shard was decoded or its
 * result came from the cache. */
static void
test_keep_matches (Fixture       *f,
                   gconstpointer  data)
{
  const char *expression = "name == 'cat' or img.dtype == 'float32'";
  const char *want = "a:cat/1 ;b:cat/1 cat/None ;c:-/4 ;";
  g_autofree char *decoded = NULL;
  g_autofree char *cached = NULL;
  g_autofree char *none = NULL;
  guint n_from_cache;

  decoded = scan_keeping (f, expression, TRUE, &n_from_cache);
  g_assert_cmpuint (n_from_cache, ==, 0);
  g_assert_cmpstr (decoded, ==, want);
  cached = scan_keeping (f, expression, TRUE, &n_from_cache);
  g_assert_cmpuint (n_from_cache, ==, 3);
  g_assert_cmpstr (cached, ==, want);
  none = scan_keeping (f, "label == 99", FALSE, &n_from_cache);
  g_assert_cmpstr (none, ==, "a:;b:;c:;");
}

static void
cancel_after_first (SqStoreScan  *scan,
                    SqShardScan  *shard,
                    GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SqStoreScan) scan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) jsonl = g_string_new (NULL);

  for (guint s = 0; s < 40; s++)
    {
      g_autofree char *key = g_strdup_printf ("many-%02u", s);

      g_string_printf (jsonl, "{\"i\": %u}\n", s);
      write_shard (f, key, jsonl->str);
    }
  scan = sq_store_scan_new (f->store, NULL);
  sq_store_scan_set_n_workers (scan, 2);
  g_signal_connect (scan, "shard-scanned", G_CALLBACK (cancel_after_first), cancellable);
  g_assert_false (sq_store_scan_run (scan, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sq_store_scan_get_n_shards_done (scan), ==, 1);
  g_assert_cmpuint (sq_store_scan_get_n_shards (scan), ==, 43);
  g_assert_false (sq_store_scan_is_running (scan));

  /* A cancelled run still keeps what it found: the next one hits it. */
  {
    g_autoptr(SqStoreScan) next = scan_store (f, NULL, TRUE);

    g_assert_cmpuint (sq_store_scan_get_n_from_cache (next), >=, 1);
    g_assert_cmpuint (sq_store_scan_get_n_shards_done (next), ==, 43);
  }
}

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  guint      n_signals;
  guint      n_done_notifies;
  gboolean   finished;
  GPtrArray *keys;
} AsyncRun;

static void
async_shard (SqStoreScan *scan,
             SqShardScan *shard,
             AsyncRun    *run)
{
  g_assert_true (g_thread_self () == run->main_thread);
  g_assert_false (run->finished);
  run->n_signals++;
  g_ptr_array_add (run->keys, g_strdup (sq_shard_scan_get_key (shard)));
  /* The schema already holds it when the signal comes. */
  g_assert_nonnull (sq_store_scan_lookup_shard (scan, sq_shard_scan_get_key (shard)));
}

static void
async_notify (SqStoreScan *scan,
              GParamSpec  *pspec,
              AsyncRun    *run)
{
  g_assert_true (g_thread_self () == run->main_thread);
  run->n_done_notifies++;
  g_assert_cmpuint (sq_store_scan_get_n_shards_done (scan), ==, run->n_signals);
}

static void
async_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  AsyncRun *run = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sq_store_scan_run_finish (SQ_STORE_SCAN (object), result, &error));
  g_assert_no_error (error);
  g_assert_false (sq_store_scan_is_running (SQ_STORE_SCAN (object)));
  run->finished = TRUE;
  g_main_loop_quit (run->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SqStoreScan) scan = sq_store_scan_new (f->store, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  AsyncRun run = { loop, g_thread_self (), 0, 0, FALSE, keys };

  g_signal_connect (scan, "shard-scanned", G_CALLBACK (async_shard), &run);
  g_signal_connect (scan, "notify::n-shards-done", G_CALLBACK (async_notify), &run);
  sq_store_scan_run_async (scan, NULL, async_done, &run);
  g_assert_true (sq_store_scan_is_running (scan));
  /* Nothing arrives before the main loop runs: results come through it. */
  g_assert_cmpuint (run.n_signals, ==, 0);
  g_main_loop_run (loop);
  g_assert_true (run.finished);
  g_assert_cmpuint (run.n_signals, ==, 3);
  g_assert_cmpuint (run.n_done_notifies, ==, 3);
  g_assert_cmpstr (keys->pdata[0], ==, "a");
  g_assert_cmpstr (keys->pdata[1], ==, "b");
  g_assert_cmpstr (keys->pdata[2], ==, "c");
  g_assert_cmpuint (sq_schema_get_n_samples (sq_store_scan_get_schema (scan)), ==, 6);
  g_signal_handlers_disconnect_by_data (scan, &run);
}

static void
test_not_a_store (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/drey/store");
  g_autoptr(SqStore) store = sq_store_new (file);
  g_autoptr(SqStoreScan) scan = sq_store_scan_new (store, NULL);
  g_autoptr(GError) error = NULL;

  /* A missing directory has no keys: an empty scan, not an error. */
  g_assert_true (sq_store_scan_run (scan, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sq_store_scan_get_n_shards (scan), ==, 0);
}

/* The elements' statistics of an array, by the direct loops for common
 * dtypes, agree with SqSummary's, negative ints, NaN and inf included. */
static void
test_elements (void)
{
  static const char *const types[] = { "|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<f4", "<f8", ">f8", "<i8", "|b1" };
  static const double values[] = { 3, -7, 120, 0, 42, -128, 5, 99, 1e9, -3.5 };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GString) json = g_string_new ("{\"data\": [");
      g_autoptr(SqValue) value = NULL;
      g_autoptr(SqFieldStats) stats = _sq_field_stats_new ("a", "", FALSE);
      g_autoptr(SqSummary) summary = NULL;
      g_autoptr(GError) error = NULL;
      gboolean is_float = types[t][1] == 'f';
      const SqFieldNumbers *e;

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        {
          double v = values[i];

          if (types[t][1] == 'b')
            g_string_append (json, (int) v % 2 ? "true" : "false");
          else if (types[t][1] == 'u')
            g_string_append_printf (json, "%d", (int) fabs (fmod (v, 100)));
          else if (!is_float)
            g_string_append_printf (json, "%d", (int) fmod (v, 100));
          else
            g_string_append_printf (json, "%g", v);
          g_string_append (json, ", ");
        }
      g_string_append (json, is_float ? "NaN, Infinity" : types[t][1] == 'b' ? "true, false" : "1, 2");
      g_string_append_printf (json, "], \"type\": \"%s\", \"shape\": [%u]}", types[t],
                              (guint) G_N_ELEMENTS (values) + 2);
      value = sq_json_parse (json->str, json->len, SQ_JSON_EXTENDED, &error);
      g_assert_no_error (error);
      _sq_field_stats_add (stats, value, 0, TRUE);
      summary = sq_summary_new (sq_value_get_ndarray (value), NULL, &error);
      g_assert_no_error (error);
      e = sq_field_stats_get_elements (stats);
      g_assert_nonnull (e);
      g_assert_cmpuint (e->count, ==, summary->n_elements);
      g_assert_cmpuint (e->n_nan, ==, summary->n_nan);
      g_assert_cmpuint (e->n_inf, ==, summary->n_inf);
      g_assert_cmpfloat (e->min, ==, summary->min);
      g_assert_cmpfloat (e->max, ==, summary->max);
      g_assert_cmpfloat_with_epsilon (e->mean, summary->mean, 1e-9 * (1 + fabs (summary->mean)));
      g_assert_cmpfloat_with_epsilon (e->std, summary->std, 1e-9 * (1 + fabs (summary->std)));
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Before GLib reads it: the cache goes to a directory of the test's. */
  cache_home = g_dir_make_tmp ("drey-scan-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-scan/schema", Fixture, NULL, fixture_setup, test_schema, fixture_teardown);
  g_test_add ("/store-scan/merge-order", Fixture, NULL, fixture_setup, test_merge_order, fixture_teardown);
  g_test_add ("/store-scan/cache", Fixture, NULL, fixture_setup, test_cache, fixture_teardown);
  g_test_add ("/store-scan/cache-untrusted", Fixture, NULL, fixture_setup, test_cache_untrusted, fixture_teardown);
  g_test_add ("/store-scan/corrupt-shard", Fixture, NULL, fixture_setup, test_corrupt_shard, fixture_teardown);
  g_test_add ("/store-scan/query", Fixture, NULL, fixture_setup, test_query, fixture_teardown);
  g_test_add ("/store-scan/keep-matches", Fixture, NULL, fixture_setup, test_keep_matches, fixture_teardown);
  g_test_add ("/store-scan/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/store-scan/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add_func ("/store-scan/not-a-store", test_not_a_store);
  g_test_add_func ("/field-stats/elements", test_elements);
  status = g_test_run ();
  drey_test_remove_tree (cache_home);
  g_free (cache_home);
  return status;
}
