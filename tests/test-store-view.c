/* test-store-view.c: the whole store in the window: the overview's
 * figures, the gallery's thumbnails and captions, the filter bar, and a
 * sample opened from the gallery
 *
 * On a copy of the bundled example store, written by the reference
 * encoder: 18 digits shards (8x8 uint8 images, a label, metadata), then
 * photos (five RGB photos with a caption, no label).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "drey-key-list.h"
#include "drey-sample-row.h"
#include "drey-field-row.h"
#include "drey-sample-view.h"
#include "drey-store-view.h"
#include "drey-window.h"
#include "drey-test-util.h"
#include "drey-test-ui.h"

typedef struct
{
  char           *dir;
  GFile          *location;
  DreyWindow     *window;
  DreyKeyList    *key_list;
  DreySampleView *sample_view;
  DreyStoreView  *store_view;
  GtkStack       *content_stack;
} Fixture;

#define WAIT_FOR DREY_TEST_WAIT_FOR
#define DOC(f) drey_sample_view_get_document ((f)->sample_view)
#define STORE_DOC(f) drey_store_view_get_document ((f)->store_view)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->location = drey_test_copy_example_store ("digits-and-photos", &f->dir);

  f->window = drey_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
#define CHILD(name) gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW, name)
  f->key_list = DREY_KEY_LIST (CHILD ("key_list"));
  f->sample_view = DREY_SAMPLE_VIEW (CHILD ("sample_view"));
  f->store_view = DREY_STORE_VIEW (CHILD ("store_view"));
  f->content_stack = GTK_STACK (CHILD ("content_stack"));
#undef CHILD

  drey_window_open_store (f->window, f->location);
  WAIT_FOR (STORE_DOC (f) != NULL && !drey_store_document_get_running (STORE_DOC (f)) &&
            drey_store_document_get_n_shards_done (STORE_DOC (f)) == 19);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
  g_object_unref (f->location);
}

/* A store opens on its overview, which shows the scan's figures. */
static void
test_store_view_overview (Fixture       *f,
                          gconstpointer  data)
{
  DreyStoreOverview *overview = drey_store_view_get_overview (f->store_view);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->content_stack), ==, "store");
  g_assert_cmpstr (drey_store_view_get_page (f->store_view), ==, "overview");
  WAIT_FOR (g_list_model_get_n_items (drey_store_document_get_fields (STORE_DOC (f))) == 9);
  /* image, label, metadata, metadata.index, metadata.source, caption,
   * source, size, size[] */
  WAIT_FOR (g_strcmp0 (drey_store_overview_get_summary_text (overview), "1802 samples, 19 shards, 9 fields") == 0);

  /* a key shows its shard; the Store row the store again */
  g_assert_true (drey_key_list_select_key (f->key_list, "digits-03"));
  WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (f->content_stack), "samples") == 0);
  g_signal_emit_by_name (f->key_list, "store-activated");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->content_stack), ==, "store");
  g_assert_null (drey_key_list_get_selected_key (f->key_list));
}

/* A float histogram that the scan's buckets cannot make exactly says so
 * under it; an exact one says nothing. */
static void
test_store_view_histogram_note (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->dir, "floats", NULL);
  g_autofree char *shard = g_build_filename (dir, "a.gz", NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GFile) location = NULL;
  DreyStoreOverview *overview = drey_store_view_get_overview (f->store_view);
  g_autofree char *w_note = NULL;
  g_autofree char *n_note = NULL;

  /* As squirrel's JSON Lines driver writes them: w's 1.0 and 1.0001 share
   * a bucket, n's small ints each have their own. */
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (lines, "{\"w\": %s, \"n\": %u}\n", i % 2 ? "1.0001" : "1.0", i % 5);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  drey_test_write_gzip (shard, lines->str, lines->len);
  location = g_file_new_for_path (dir);
  drey_window_open_store (f->window, location);
  WAIT_FOR (STORE_DOC (f) != NULL && g_file_equal (sq_store_get_location (drey_store_document_get_store (STORE_DOC (f))),
                                                   location) &&
            !drey_store_document_get_running (STORE_DOC (f)) &&
            ({ g_autofree char *shown = drey_store_overview_dup_histogram_note (overview, "n");
               shown != NULL; }));
  w_note = drey_store_overview_dup_histogram_note (overview, "w");
  n_note = drey_store_overview_dup_histogram_note (overview, "n");
  g_assert_nonnull (w_note);
  g_assert_nonnull (strstr (w_note, "Approximate"));
  g_assert_cmpstr (n_note, ==, "");
}

/* A schema row draws its field and what it holds; activating it (Enter,
 * Space) expands it, and the row made for another field is not. */
static void
test_store_view_field_row (Fixture       *f,
                           gconstpointer  data)
{
  GListModel *fields = drey_store_document_get_fields (STORE_DOC (f));
  g_autoptr(DreyFieldItem) label = NULL;
  g_autoptr(DreyFieldItem) other = NULL;
  GtkWidget *row = g_object_ref_sink (drey_field_row_new ());
  guint notified = 0;
  g_autofree char *note = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr(DreyFieldItem) item = g_list_model_get_item (fields, i);

      if (g_str_equal (drey_field_item_get_path (item), "label"))
        label = g_object_ref (item);
      else if (other == NULL)
        other = g_object_ref (item);
    }
  g_assert_nonnull (label);
  g_assert_nonnull (other);

  drey_field_row_set_item (DREY_FIELD_ROW (row), label);
  g_assert_cmpstr (drey_field_row_get_title_text (DREY_FIELD_ROW (row)), ==, "label");
  g_assert_cmpstr (drey_field_row_get_subtitle_text (DREY_FIELD_ROW (row)), ==, "numpy.int64");
  g_signal_connect (row, "notify::expanded", G_CALLBACK (drey_test_count_notify), &notified);
  g_assert_false (drey_field_row_get_expanded (DREY_FIELD_ROW (row)));
  g_assert_true (gtk_widget_activate (row));
  g_assert_true (drey_field_row_get_expanded (DREY_FIELD_ROW (row)));
  g_assert_cmpuint (notified, ==, 1);
  note = drey_field_row_dup_histogram_note (DREY_FIELD_ROW (row));
  g_assert_cmpstr (note, ==, "");

  /* Given another field, it shows that one; whether that one is expanded
   * is the overview's to say. */
  drey_field_row_set_item (DREY_FIELD_ROW (row), other);
  g_assert_cmpstr (drey_field_row_get_title_text (DREY_FIELD_ROW (row)), ==, drey_field_item_get_path (other));
  drey_field_row_set_expanded (DREY_FIELD_ROW (row), FALSE);
  g_assert_cmpuint (notified, ==, 2);
  g_object_unref (row);
}

static char *cell_text (GListModel *rows,
                        guint       position,
                        const char *path);

static DreyThumbnail *
wait_for_thumbnail (DreyStoreGallery *gallery,
                    const char       *key,
                    guint             index)
{
  WAIT_FOR (drey_store_gallery_lookup_thumbnail (gallery, key, index) != NULL);
  return drey_store_gallery_lookup_thumbnail (gallery, key, index);
}

/* The first image field, as thumbnails of the size asked for, with the
 * label under each; another caption field when picked. */
static void
test_store_view_gallery (Fixture       *f,
                         gconstpointer  data)
{
  DreyStoreGallery *gallery = drey_store_view_get_gallery (f->store_view);
  DreyThumbnail *thumbnail;
  g_autofree char *caption = NULL;
  g_autofree char *source = NULL;

  drey_store_view_set_page (f->store_view, "gallery");
  g_assert_cmpstr (drey_store_gallery_get_field (gallery), ==, "image");
  g_assert_cmpstr (drey_store_gallery_get_caption_field (gallery), ==, "label");
  g_assert_cmpuint (g_list_model_get_n_items (drey_store_gallery_get_model (gallery)), ==, 1802);

  /* an 8x8 digit, enlarged 16 times to the 128 pixels asked for */
  thumbnail = wait_for_thumbnail (gallery, "digits-00", 0);
  /* In the screen's pixels: twice as many at a scale factor of 2. */
  g_assert_cmpint (drey_thumbnail_get_width (thumbnail), ==, 128 * gtk_widget_get_scale_factor (GTK_WIDGET (gallery)));
  g_assert_cmpint (drey_thumbnail_get_height (thumbnail), ==, 128 * gtk_widget_get_scale_factor (GTK_WIDGET (gallery)));
  caption = drey_store_gallery_dup_caption (gallery, "digits-00", 1);
  g_assert_cmpstr (caption, ==, "1");
  /* only the shards on screen were read, not all 19 */
  g_assert_cmpuint (drey_sample_cache_get_n_reads (drey_store_document_get_cache (STORE_DOC (f))), <, 19);

  drey_store_gallery_set_thumbnail_size (gallery, 64);
  thumbnail = wait_for_thumbnail (gallery, "digits-00", 0);
  g_assert_cmpint (drey_thumbnail_get_width (thumbnail), ==, 64 * gtk_widget_get_scale_factor (GTK_WIDGET (gallery)));

  drey_store_gallery_set_caption_field (gallery, "metadata.source");
  source = drey_store_gallery_dup_caption (gallery, "digits-00", 0);
  g_assert_cmpstr (source, ==, "sklearn.datasets.load_digits");
}

/* The filter bar: a query's matches in the gallery and their count; a
 * malformed query says where; recent queries are kept. */
static void
test_store_view_filter (Fixture       *f,
                        gconstpointer  data)
{
  DreyStoreGallery *gallery = drey_store_view_get_gallery (f->store_view);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.drey.Drey");
  g_auto(GStrv) recent = NULL;
  GListModel *shown;
  guint n;
  g_autofree char *count = NULL;

  drey_store_view_set_page (f->store_view, "gallery");
  drey_store_view_run_query (f->store_view, "label == 3 and image.shape[0] == 8");
  g_assert_null (drey_store_view_get_query_error (f->store_view));
  WAIT_FOR (!drey_store_document_get_query_running (STORE_DOC (f)));
  shown = drey_store_gallery_get_model (gallery);
  n = g_list_model_get_n_items (shown);
  /* sklearn's digits hold 183 threes */
  g_assert_cmpuint (n, ==, 183);
  count = g_strdup_printf ("%u of 1802 samples", n);
  WAIT_FOR (g_strcmp0 (drey_store_view_get_count_text (f->store_view), count) == 0);
  for (guint i = 0; i < n; i += 20)
    {
      g_autoptr(DreySampleRef) ref = g_list_model_get_item (shown, i);
      g_autofree char *caption = NULL;

      WAIT_FOR ((caption = drey_store_gallery_dup_caption (gallery, drey_sample_ref_get_key (ref),
                                                           drey_sample_ref_get_index (ref))) != NULL);
      g_assert_cmpstr (caption, ==, "3");
    }

  drey_store_view_run_query (f->store_view, "label == ");
  g_assert_nonnull (drey_store_view_get_query_error (f->store_view));
  g_assert_nonnull (strstr (drey_store_view_get_query_error (f->store_view), "at character"));
  /* the last good query still shows */
  g_assert_cmpuint (g_list_model_get_n_items (drey_store_gallery_get_model (gallery)), ==, 183);

  recent = g_settings_get_strv (settings, "recent-queries");
  g_assert_cmpstr (recent[0], ==, "label == 3 and image.shape[0] == 8");

  drey_store_view_run_query (f->store_view, "");
  g_assert_cmpuint (g_list_model_get_n_items (drey_store_gallery_get_model (gallery)), ==, 1802);
}

/* The filter bar's shard dropdown narrows the gallery and the table to
 * one shard, the query too; "All Shards" brings back every one. */
static void
test_store_view_shard_scope (Fixture       *f,
                             gconstpointer  data)
{
  DreyStoreGallery *gallery = drey_store_view_get_gallery (f->store_view);
  DreyStoreTable *table = drey_store_view_get_table (f->store_view);
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (f->store_view),
                                                                        DREY_TYPE_STORE_VIEW, "shard_dropdown"));
  GListModel *names = gtk_drop_down_get_model (dropdown);
  GListModel *shown, *rows;
  guint n, n_threes;

  drey_store_view_set_page (f->store_view, "gallery");
  /* All Shards, then the 19 keys in squirrel's order */
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 20);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 2), ==, "digits-01");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 19), ==, "photos");

  /* the user picks digits-01 */
  gtk_drop_down_set_selected (dropdown, 2);
  g_assert_cmpstr (drey_store_view_get_shard (f->store_view), ==, "digits-01");
  shown = drey_store_gallery_get_model (gallery);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 100);
  for (guint i = 0; i < 100; i += 33)
    {
      g_autoptr(DreySampleRef) ref = g_list_model_get_item (shown, i);

      g_assert_cmpstr (drey_sample_ref_get_key (ref), ==, "digits-01");
      g_assert_cmpuint (drey_sample_ref_get_index (ref), ==, i);
    }
  g_assert_cmpstr (drey_store_view_get_count_text (f->store_view), ==, "100 samples in “digits-01”");
  /* thumbnails of that shard are made */
  g_assert_nonnull (wait_for_thumbnail (gallery, "digits-01", 0));

  /* a query within the shard */
  drey_store_view_run_query (f->store_view, "label == 3");
  WAIT_FOR (!drey_store_document_get_query_running (STORE_DOC (f)));
  shown = drey_store_gallery_get_model (gallery);
  n_threes = g_list_model_get_n_items (shown);
  g_assert_cmpuint (n_threes, >, 0);
  g_assert_cmpuint (n_threes, <, 100);
  for (guint i = 0; i < n_threes; i++)
    {
      g_autoptr(DreySampleRef) ref = g_list_model_get_item (shown, i);

      g_assert_cmpstr (drey_sample_ref_get_key (ref), ==, "digits-01");
    }
  {
    g_autofree char *count = g_strdup_printf ("%u of 100 samples in “digits-01”", n_threes);

    g_assert_cmpstr (drey_store_view_get_count_text (f->store_view), ==, count);
  }

  /* the table shows the same rows */
  drey_store_view_set_page (f->store_view, "table");
  rows = drey_store_table_get_rows (table);
  WAIT_FOR (!drey_store_table_get_loading (table) && g_list_model_get_n_items (rows) == n_threes);
  for (guint i = 0; i < n_threes; i++)
    {
      g_autoptr(DreySampleRow) row = g_list_model_get_item (rows, i);
      g_autofree char *label = cell_text (rows, i, "label");

      g_assert_cmpstr (drey_sample_row_get_key (row), ==, "digits-01");
      g_assert_cmpstr (label, ==, "3");
    }

  /* every shard again, the query still on */
  gtk_drop_down_set_selected (dropdown, 0);
  g_assert_null (drey_store_view_get_shard (f->store_view));
  n = g_list_model_get_n_items (drey_store_gallery_get_model (gallery));
  g_assert_cmpuint (n, ==, 183);
  WAIT_FOR (!drey_store_table_get_loading (table) && g_list_model_get_n_items (rows) == 183);

  /* From an open shard, Show Shard in Gallery: its samples alone. */
  drey_store_view_run_query (f->store_view, "");
  g_assert_true (drey_key_list_select_key (f->key_list, "photos"));
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), "photos") == 0 &&
            drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-shard-in-gallery", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->content_stack), ==, "store");
  g_assert_cmpstr (drey_store_view_get_page (f->store_view), ==, "gallery");
  g_assert_cmpstr (drey_store_view_get_shard (f->store_view), ==, "photos");
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 19);
  g_assert_cmpuint (g_list_model_get_n_items (drey_store_gallery_get_model (gallery)), ==, 5);
}

/* Activating a thumbnail opens its sample in the tree, its image
 * selected. */
static void
test_store_view_open_from_gallery (Fixture       *f,
                                   gconstpointer  data)
{
  DreyStoreGallery *gallery = drey_store_view_get_gallery (f->store_view);
  DreySampleList *samples = drey_store_document_get_samples (STORE_DOC (f));
  guint position = drey_sample_list_find (samples, "digits-01", 5);

  drey_store_view_set_page (f->store_view, "gallery");
  g_assert_cmpuint (position, ==, 105);
  drey_store_gallery_activate (gallery, position);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->content_stack), ==, "samples");
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), "digits-01") == 0 &&
            drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED &&
            ({ g_autofree char *path = drey_sample_view_get_python_path (f->sample_view);
               g_strcmp0 (path, "list(store.get(\"digits-01\"))[5][\"image\"]") == 0; }));
  g_assert_cmpstr (drey_key_list_get_selected_key (f->key_list), ==, "digits-01");

  /* a photo, with the field chosen */
  g_signal_emit_by_name (f->key_list, "store-activated");
  drey_store_gallery_set_field (gallery, "image");
  position = drey_sample_list_find (samples, "photos", 2);
  drey_store_gallery_activate (gallery, position);
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), "photos") == 0 &&
            ({ g_autofree char *path = drey_sample_view_get_python_path (f->sample_view);
               g_strcmp0 (path, "list(store.get(\"photos\"))[2][\"image\"]") == 0; }));
}

static char *
cell_text (GListModel *rows,
           guint       position,
           const char *path)
{
  g_autoptr(DreySampleRow) row = g_list_model_get_item (rows, position);

  return drey_sample_row_dup_text (row, path);
}

/* The iris store as a table: one row per sample, a column per field,
 * sorted by a column, filtered by the query. */
static void
test_store_view_table (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *iris_path = g_build_filename (SOURCE_DATADIR, "example-stores", "iris-jsonl", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "iris-jsonl", NULL);
  g_autoptr(GFile) iris = NULL;
  DreyStoreTable *table = drey_store_view_get_table (f->store_view);
  GListModel *rows = drey_store_table_get_rows (table);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *features = NULL;

  drey_test_copy_tree (iris_path, copy);
  iris = g_file_new_for_path (copy);
  drey_window_open_store (f->window, iris);
  WAIT_FOR (STORE_DOC (f) != NULL && drey_store_document_get_store (STORE_DOC (f)) == drey_window_get_store (f->window) &&
            g_file_equal (sq_store_get_location (drey_store_document_get_store (STORE_DOC (f))), iris) &&
            !drey_store_document_get_running (STORE_DOC (f)));
  drey_store_view_set_page (f->store_view, "table");
  WAIT_FOR (!drey_store_table_get_loading (table) && g_list_model_get_n_items (rows) == 150);
  /* Key, Index, features, label, species (lists have no column) */
  WAIT_FOR (g_list_model_get_n_items (gtk_column_view_get_columns (drey_store_table_get_column_view (table))) == 5);
  features = cell_text (rows, 0, "features");
  g_assert_cmpstr (features, ==, "float64 4");

  drey_store_table_sort_by (table, "label", GTK_SORT_DESCENDING);
  WAIT_FOR (!drey_store_table_get_loading (table));
  first = cell_text (rows, 0, "label");
  last = cell_text (rows, 149, "label");
  g_assert_cmpstr (first, ==, "2");
  g_assert_cmpstr (last, ==, "0");

  g_clear_pointer (&first, g_free);
  drey_store_table_sort_by (table, "species", GTK_SORT_ASCENDING);
  WAIT_FOR (!drey_store_table_get_loading (table));
  first = cell_text (rows, 0, "species");
  g_assert_cmpstr (first, ==, "setosa");

  drey_store_view_run_query (f->store_view, "species == 'virginica'");
  WAIT_FOR (!drey_store_document_get_query_running (STORE_DOC (f)) && !drey_store_table_get_loading (table) &&
            g_list_model_get_n_items (rows) == 50);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *species = cell_text (rows, i, "species");

      g_assert_cmpstr (species, ==, "virginica");
    }
}

/* ---- a wide schema ------------------------------------------------------ */

/* Tabular stores hold hundreds of columns a sample: the overview lists
 * every field, and making their rows must not stall the window. */
#define WIDE_FIELDS  1500
#define WIDE_SHARDS  6
#define WIDE_SAMPLES 20

static void
write_wide_store (const char *dir)
{
  g_autoptr(GFile) location = g_file_new_for_path (dir);
  g_autoptr(SqStore) store = sq_store_new (location);

  for (guint s = 0; s < WIDE_SHARDS; s++)
    {
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("wide-%02u", s);
      g_autofree char *set = NULL;

      for (guint i = 0; i < WIDE_SAMPLES; i++)
        {
          SqValue **entries = g_new (SqValue *, 2 * WIDE_FIELDS);

          for (guint c = 0; c < WIDE_FIELDS; c++)
            {
              g_autofree char *name = g_strdup_printf ("f%04u", c);

              entries[2 * c] = sq_value_new_str (name, -1);
              entries[2 * c + 1] = sq_value_new_float64 (c + i * 0.25 + s);
            }
          g_ptr_array_add (samples, sq_value_new_map (entries, WIDE_FIELDS));
          g_free (entries);
        }
      DREY_TEST_BLOCKING (set = sq_store_set (store, key, samples, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

/* The longest gap between runs of a 5 ms timeout, less the time the
 * thread waited for a CPU (the machine is shared) and the time frames
 * spent painting: under Xvfb a frame of the cairo renderer costs tens of
 * milliseconds whatever is shown. Measuring and laying out the rows is
 * counted: that is the rows' cost. */
static gint64 wide_last_tick, wide_last_wait, wide_longest_gap, wide_paint_start, wide_paint_time;

static void
wide_paint_begins (GdkFrameClock *clock)
{
  wide_paint_start = g_get_monotonic_time ();
}

static void
wide_paint_ends (GdkFrameClock *clock)
{
  if (wide_paint_start > 0)
    wide_paint_time += g_get_monotonic_time () - wide_paint_start;
  wide_paint_start = 0;
}

static gboolean
wide_measure_gap (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = drey_test_runqueue_wait ();

  wide_longest_gap = MAX (wide_longest_gap, now - wide_last_tick - (wait - wide_last_wait) - wide_paint_time);
  wide_last_tick = now;
  wide_last_wait = wait;
  wide_paint_time = 0;
  return G_SOURCE_CONTINUE;
}

static void
test_store_view_wide_schema (Fixture       *f,
                             gconstpointer  data)
{
  DreyStoreOverview *overview = drey_store_view_get_overview (f->store_view);
  g_autofree char *dir = g_dir_make_tmp ("drey-wide-XXXXXX", NULL);
  g_autoptr(GFile) location = g_file_new_for_path (dir);
  g_autofree char *summary = g_strdup_printf ("%u samples, %u shards, %u fields", WIDE_SHARDS * WIDE_SAMPLES,
                                              WIDE_SHARDS, WIDE_FIELDS);
  GdkFrameClock *clock;
  gint64 start;
  guint tick, n_fields, n_rows;

  write_wide_store (dir);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  g_signal_connect_after (clock, "layout", G_CALLBACK (wide_paint_begins), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (wide_paint_ends), NULL);
  drey_store_view_set_page (f->store_view, "overview");
  wide_longest_gap = wide_paint_time = wide_paint_start = 0;
  start = wide_last_tick = g_get_monotonic_time ();
  wide_last_wait = drey_test_runqueue_wait ();
  tick = g_timeout_add (5, wide_measure_gap, NULL);
  drey_window_open_store (f->window, location);
  WAIT_FOR (STORE_DOC (f) != NULL && !drey_store_document_get_running (STORE_DOC (f)) &&
            g_strcmp0 (drey_store_overview_get_summary_text (overview), summary) == 0 &&
            ({ drey_store_overview_count_field_rows (overview, &n_fields, &n_rows); n_fields == WIDE_FIELDS; }));
  g_source_remove (tick);
  g_signal_handlers_disconnect_by_func (clock, wide_paint_begins, NULL);
  g_signal_handlers_disconnect_by_func (clock, wide_paint_ends, NULL);
  g_test_message ("%u fields: shown in %.0f ms, longest main loop gap %.1f ms, %u rows made", WIDE_FIELDS,
                  (g_get_monotonic_time () - start) / 1000.0, wide_longest_gap / 1000.0, n_rows);
  if (drey_test_timing ())
    {
      g_printerr ("timing: overview of %u fields: longest main loop gap %.1f ms, %u rows made\n", WIDE_FIELDS,
                  wide_longest_gap / 1000.0, n_rows);
      g_assert_cmpint (wide_longest_gap, <, 50 * 1000);
    }
  /* The rows the list view made are a few screens', not one a field. */
  g_assert_cmpuint (n_rows, <, 300);

  /* The table has columns for the schema's first fields only, and says so. */
  {
    DreyStoreTable *table = drey_store_view_get_table (f->store_view);
    g_autofree char *note = g_strdup_printf ("40 of %u fields have a column: the samples themselves show every field.",
                                             WIDE_FIELDS);

    g_assert_cmpuint (drey_store_table_get_n_field_columns (table), ==, 40);
    g_assert_cmpstr (drey_store_table_get_columns_note (table), ==, note);
  }
  drey_window_open_store (f->window, f->location);
  drey_test_remove_tree (dir);
}

/* ---- the gallery benchmark (tests/bench/gallery.py) ------------------- */

static gint64 last_tick;
static gint64 longest_gap;

static gboolean
measure_gap (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  longest_gap = MAX (longest_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* The window's frames: from the frame clock's before-paint to its
 * after-paint, layout and drawing included. */
static gint64 frame_start, frame_cpu_start, longest_frame, longest_frame_cpu, frames_total;
static guint n_frames;

static gint64 thread_cpu_us (void);

static void
frame_begins (GdkFrameClock *clock)
{
  frame_start = g_get_monotonic_time ();
  frame_cpu_start = thread_cpu_us ();
}

static void
frame_ends (GdkFrameClock *clock)
{
  gint64 took = g_get_monotonic_time () - frame_start;

  longest_frame = MAX (longest_frame, took);
  longest_frame_cpu = MAX (longest_frame_cpu, thread_cpu_us () - frame_cpu_start);
  frames_total += took;
  n_frames++;
}

static gboolean
screen_filled (DreyStoreGallery *gallery)
{
  guint bound, ready;

  drey_store_gallery_count_shown (gallery, &bound, &ready);
  return bound > 0 && ready == bound;
}

/* CPU time of the calling thread: steadier than wall time on a loaded
 * machine, and what the main thread itself spends. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

/* DREY_BENCH_STORE=DIR: opens that store on the gallery, and prints the
 * time to the first screen of thumbnails, the main loop's longest stall
 * while scrolling page by page and after a jump to the end, and the time
 * to fill the screen there. Without it, skipped: the numbers are the
 * benchmark's (tests/bench/gallery.py), not a test's. */
static void
test_store_view_bench_gallery (Fixture       *f,
                               gconstpointer  data)
{
  const char *path = g_getenv ("DREY_BENCH_STORE");
  DreyStoreGallery *gallery = drey_store_view_get_gallery (f->store_view);
  g_autoptr(GFile) location = NULL;
  GtkAdjustment *adjustment;
  guint tick;
  gint64 start, first_screen, scroll_gap, scroll_cpu, jump_start, jump_filled;
  guint bound, ready;

  if (path == NULL)
    {
      g_test_skip ("DREY_BENCH_STORE is not set (tests/bench/gallery.py sets it)");
      return;
    }
  location = g_file_new_for_path (path);
  drey_store_view_set_page (f->store_view, "gallery");
  tick = g_timeout_add (5, measure_gap, NULL);
  start = last_tick = g_get_monotonic_time ();
  drey_window_open_store (f->window, location);
  WAIT_FOR (STORE_DOC (f) != NULL && g_file_equal (sq_store_get_location (drey_store_document_get_store (STORE_DOC (f))),
                                                   location) &&
            screen_filled (gallery));
  first_screen = g_get_monotonic_time () - start;
  WAIT_FOR (!drey_store_document_get_running (STORE_DOC (f)));
  g_print ("timing: scan of %" G_GUINT64_FORMAT " samples in %u shards: %.0f ms\n",
           drey_store_document_get_n_samples (STORE_DOC (f)), drey_store_document_get_n_shards (STORE_DOC (f)),
           (g_get_monotonic_time () - start) / 1000.0);

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (drey_store_gallery_get_grid_view (gallery)));

  {
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));

    g_signal_connect (clock, "before-paint", G_CALLBACK (frame_begins), NULL);
    g_signal_connect (clock, "after-paint", G_CALLBACK (frame_ends), NULL);
  }
  longest_gap = 0;
  last_tick = g_get_monotonic_time ();
  scroll_cpu = thread_cpu_us ();
  for (guint i = 0; i < 60; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                            gtk_adjustment_get_page_size (adjustment));
      run_for (50);
    }
  scroll_gap = longest_gap;
  scroll_cpu = thread_cpu_us () - scroll_cpu;
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (f->window)), frame_begins, NULL);
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (f->window)), frame_ends, NULL);
  drey_store_gallery_count_shown (gallery, &bound, &ready);

  longest_gap = 0;
  jump_start = last_tick = g_get_monotonic_time ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  run_for (20);
  WAIT_FOR (screen_filled (gallery));
  jump_filled = g_get_monotonic_time () - jump_start;
  g_source_remove (tick);

  g_print ("timing: first screen of thumbnails: %.0f ms\n", first_screen / 1000.0);
  g_print ("timing: scrolling 60 pages: longest main loop gap %.1f ms\n", scroll_gap / 1000.0);
  g_print ("timing: scrolling 60 pages: main thread CPU %.0f ms, %.1f ms a page (%u items bound)\n",
           scroll_cpu / 1000.0, scroll_cpu / 60000.0, bound);
  g_print ("timing: scrolling 60 pages: %u frames, %.1f ms each, the longest %.1f ms (%.1f ms of CPU)\n", n_frames,
           n_frames > 0 ? frames_total / 1000.0 / n_frames : 0.0, longest_frame / 1000.0, longest_frame_cpu / 1000.0);
  g_print ("timing: jump to the middle: screen filled in %.0f ms, longest main loop gap %.1f ms\n",
           jump_filled / 1000.0, longest_gap / 1000.0);
  g_print ("timing: decoded shards kept %u, shards read %u, thumbnails kept %u\n",
           drey_sample_cache_get_n_loaded (drey_store_document_get_cache (STORE_DOC (f))),
           drey_sample_cache_get_n_reads (drey_store_document_get_cache (STORE_DOC (f))),
           drey_store_gallery_get_n_thumbnails (gallery));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = drey_test_private_home ();
  int status;

  DREY_TEST_UI_INIT (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store-view/overview", test_store_view_overview);
  ADD ("/store-view/histogram-note", test_store_view_histogram_note);
  ADD ("/store-view/field-row", test_store_view_field_row);
  ADD ("/store-view/gallery", test_store_view_gallery);
  ADD ("/store-view/filter", test_store_view_filter);
  ADD ("/store-view/shard-scope", test_store_view_shard_scope);
  ADD ("/store-view/open-from-gallery", test_store_view_open_from_gallery);
  ADD ("/store-view/table", test_store_view_table);
  ADD ("/store-view/wide-schema", test_store_view_wide_schema);
  ADD ("/store-view/bench-gallery", test_store_view_bench_gallery);
#undef ADD

  status = g_test_run ();
  drey_test_remove_tree (home);
  return status;
}
