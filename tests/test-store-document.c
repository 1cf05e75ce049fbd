/* test-store-document.c: the whole store as the window sees it, without
 * a display: the scan filling in the fields and samples, a query's
 * results, and the decoded shards the gallery and table read
 *
 * On a copy of the bundled example store, written by the reference
 * encoder: 18 digits shards (100 samples each, the last 97) with image,
 * label and metadata, then photos (5 samples of image, caption, source,
 * size, no label).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "drey-store-document.h"
#include "drey-test-util.h"

#define WAIT_FOR DREY_TEST_WAIT_FOR

typedef struct
{
  char              *dir;
  SqStore           *store;
  DreyStoreDocument *doc;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *example = g_build_filename (SOURCE_DATADIR, "example-stores", "digits-and-photos", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) location = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("drey-test-store-document-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store", NULL);
  drey_test_copy_tree (example, path);
  location = g_file_new_for_path (path);
  f->store = sq_store_new (location);
  f->doc = drey_store_document_new (f->store);
  drey_store_document_set_use_cache (f->doc, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drey_store_document_cancel (f->doc);
  g_clear_object (&f->doc);
  g_clear_object (&f->store);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
scan_and_wait (Fixture *f)
{
  drey_store_document_scan (f->doc);
  g_assert_true (drey_store_document_get_running (f->doc));
  WAIT_FOR (!drey_store_document_get_running (f->doc));
}

static gboolean
has_drift (DreyFieldItem *item,
           SqDriftKind    kind)
{
  GPtrArray *drifts = drey_field_item_get_drifts (item);

  for (guint i = 0; i < drifts->len; i++)
    if (sq_drift_get_kind (g_ptr_array_index (drifts, i)) == kind)
      return TRUE;
  return FALSE;
}

/* The figures, the fields and the samples, once the scan is over. */
static void
test_store_document_scan (Fixture       *f,
                          gconstpointer  data)
{
  GListModel *fields = drey_store_document_get_fields (f->doc);
  DreySampleList *samples = drey_store_document_get_samples (f->doc);
  DreyFieldItem *image, *label, *caption;
  const char *key;
  guint index;
  scan_and_wait (f);
  g_assert_no_error (drey_store_document_get_error (f->doc));
  g_assert_cmpuint (drey_store_document_get_n_shards (f->doc), ==, 19);
  g_assert_cmpuint (drey_store_document_get_n_shards_done (f->doc), ==, 19);
  g_assert_cmpuint (drey_store_document_get_n_failed (f->doc), ==, 0);
  g_assert_cmpuint (drey_store_document_get_n_samples (f->doc), ==, 17 * 100 + 97 + 5);
  g_assert_cmpuint (drey_store_document_get_bytes_total (f->doc), ==, 627065);

  /* every sample, in key order */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (samples)), ==, 1802);
  g_assert_true (drey_sample_list_get_sample (samples, 0, &key, &index));
  g_assert_cmpstr (key, ==, "digits-00");
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (drey_sample_list_get_sample (samples, 1799, &key, &index));
  g_assert_cmpstr (key, ==, "photos");
  g_assert_cmpuint (index, ==, 2);
  g_assert_false (drey_sample_list_get_sample (samples, 1802, NULL, NULL));
  g_assert_cmpuint (drey_sample_list_find (samples, "digits-17", 96), ==, 1796);
  g_assert_cmpuint (drey_sample_list_find (samples, "digits-17", 97), ==, G_MAXUINT);
  {
    g_autoptr(DreySampleRef) ref = g_list_model_get_item (G_LIST_MODEL (samples), 150);

    g_assert_cmpstr (drey_sample_ref_get_key (ref), ==, "digits-01");
    g_assert_cmpuint (drey_sample_ref_get_index (ref), ==, 50);
  }

  /* the fields, with what the views pick */
  g_assert_cmpuint (g_list_model_get_n_items (fields), >=, 7);
  image = drey_store_document_lookup_field (f->doc, "image");
  label = drey_store_document_lookup_field (f->doc, "label");
  caption = drey_store_document_lookup_field (f->doc, "caption");
  g_assert_nonnull (image);
  g_assert_nonnull (label);
  g_assert_nonnull (caption);
  g_assert_nonnull (drey_store_document_lookup_field (f->doc, "metadata.source"));
  g_assert_true (drey_field_item_get_is_image (image));
  g_assert_true (drey_field_item_get_is_array (image));
  g_assert_false (drey_field_item_get_is_scalar (image));
  g_assert_true (drey_field_item_get_is_scalar (label));
  g_assert_false (drey_field_item_get_is_image (label));
  g_assert_true (drey_store_document_get_default_image_field (f->doc) == image);
  g_assert_true (drey_store_document_get_default_caption_field (f->doc) == label);

  /* the photos have no label: it drifts, present in 1797 of 1802 */
  g_assert_cmpfloat_with_epsilon (drey_field_item_get_presence (label), 1797.0 / 1802.0, 1e-9);
  g_assert_true (has_drift (label, SQ_DRIFT_MISSING));
  g_assert_cmpuint (sq_field_stats_get_n_samples (drey_field_item_get_stats (label)), ==, 1797);
  /* 8x8 digits and 256x256x3 photos: the image's shape varies */
  g_assert_true (has_drift (image, SQ_DRIFT_RANK));
  {
    g_autofree char *patterns = drey_field_item_dup_patterns_text (image);

    g_assert_true (g_str_has_prefix (patterns, "uint8 8x8 "));
  }
}

static guint64
count_label (Fixture *f,
             gint64   wanted)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_NAMES_ONLY, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GPtrArray) samples = sq_store_get (f->store, sq_key_info_get_key (g_ptr_array_index (keys, i)), NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      for (guint s = 0; s < samples->len; s++)
        {
          SqValue *label = sq_value_lookup (g_ptr_array_index (samples, s), "label");
          /* an int or a numpy int, as JSON the same number */
          g_autofree char *json = label != NULL ? sq_value_to_json (label, NULL) : NULL;
          g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, wanted);

          if (g_strcmp0 (json, want) == 0)
            n++;
        }
    }
  return n;
}

/* A query's results fill in; a malformed one says where and changes
 * nothing; none gives every sample again. */
static void
test_store_document_query (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DreySampleList *results;
  guint64 expected = count_label (f, 3);
  guint position = 0;

  scan_and_wait (f);
  g_assert_true (drey_store_document_get_results (f->doc) == drey_store_document_get_samples (f->doc));

  g_assert_true (drey_store_document_set_query (f->doc, "label == 3", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (drey_store_document_get_query (f->doc), ==, "label == 3");
  WAIT_FOR (!drey_store_document_get_query_running (f->doc));
  results = drey_store_document_get_results (f->doc);
  g_assert_true (results != drey_store_document_get_samples (f->doc));
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (drey_store_document_get_n_matches (f->doc), ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), ==, expected);
  for (guint i = 0; i < expected; i++)
    {
      const char *key;
      guint index;
      g_autoptr(GPtrArray) samples = NULL;

      g_assert_true (drey_sample_list_get_sample (results, i, &key, &index));
      samples = sq_store_get (f->store, key, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      {
        g_autofree char *json = sq_value_to_json (sq_value_lookup (g_ptr_array_index (samples, index), "label"), NULL);

        g_assert_cmpstr (json, ==, "3");
      }
    }

  /* "label ==": the operand is missing at character 9 (0-based 8) */
  g_assert_false (drey_store_document_set_query (f->doc, "label == ", &position, &error));
  g_assert_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_SYNTAX);
  g_assert_cmpuint (position, >=, 8);
  g_assert_cmpstr (drey_store_document_get_query (f->doc), ==, "label == 3");
  g_clear_error (&error);

  g_assert_true (drey_store_document_set_query (f->doc, "  ", NULL, &error));
  g_assert_null (drey_store_document_get_query (f->doc));
  g_assert_true (drey_store_document_get_results (f->doc) == drey_store_document_get_samples (f->doc));
}

static void
count_loaded (DreySampleCache *cache,
              const char      *key,
              guint           *n)
{
  (*n)++;
}

/* Samples come from shards read on workers, a bounded number kept. */
static void
test_store_document_cache (Fixture       *f,
                           gconstpointer  data)
{
  DreySampleCache *cache = drey_store_document_get_cache (f->doc);
  guint loaded = 0;
  SqValue *sample;

  g_signal_connect (cache, "shard-loaded", G_CALLBACK (count_loaded), &loaded);
  g_assert_null (drey_sample_cache_lookup (cache, "photos", 1));
  WAIT_FOR (loaded == 1);
  sample = drey_sample_cache_lookup (cache, "photos", 1);
  g_assert_nonnull (sample);
  g_assert_nonnull (sq_value_lookup (sample, "caption"));
  g_assert_null (drey_sample_cache_lookup (cache, "photos", 5));

  /* asking for a missing shard gives its error, once */
  g_assert_null (drey_sample_cache_lookup (cache, "no-such-shard", 0));
  WAIT_FOR (loaded == 2);
  g_assert_nonnull (drey_sample_cache_get_error (cache, "no-such-shard"));

  /* at most 12 shards are kept */
  for (guint i = 0; i < 18; i++)
    {
      g_autofree char *key = g_strdup_printf ("digits-%02u", i);

      while (drey_sample_cache_lookup (cache, key, 0) == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (drey_sample_cache_get_n_loaded (cache), <=, 12);
  g_assert_true (drey_sample_cache_has_shard (cache, "digits-17"));
  g_assert_false (drey_sample_cache_has_shard (cache, "digits-00"));
}

/* A store closed while its scan runs: the scan stops, and nothing it was
 * doing comes back to the document or the scan after they are gone. */
static void
test_store_document_closed_while_scanning (Fixture       *f,
                                           gconstpointer  data)
{
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(DreyStoreDocument) doc = drey_store_document_new (f->store);
      gint64 until;

      drey_store_document_set_use_cache (doc, FALSE);
      drey_store_document_scan (doc);
      /* a few shards in, or none */
      for (guint spin = 0; spin < i; spin++)
        g_main_context_iteration (NULL, FALSE);
      drey_store_document_cancel (doc);
      g_clear_object (&doc);
      until = g_get_monotonic_time () + 50 * 1000;
      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store-document/scan", test_store_document_scan);
  ADD ("/store-document/query", test_store_document_query);
  ADD ("/store-document/cache", test_store_document_cache);
  ADD ("/store-document/closed-while-scanning", test_store_document_closed_while_scanning);
#undef ADD
  return g_test_run ();
}
