/* test-key-model.c: the store's keys as a list model, without a window
 *
 * Listing, reloading (the items stay the same objects, new keys come and
 * gone ones go), sizes, sample counts, an unreadable store, and a store
 * swapped in while a listing runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "drey-key-model.h"
#include "drey-test-util.h"

typedef struct
{
  char         *dir;
  SqStore      *store;
  DreyKeyModel *model;
  guint         listed;
  gboolean      listed_changed;
  guint         items_changed;
} Fixture;

static void
write_shard (Fixture    *f,
             const char *key,
             guint       n_bytes)
{
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree guint8 *payload = g_malloc (n_bytes);

  /* msgpack positive fixints: n_bytes samples of small ints */
  for (guint i = 0; i < n_bytes; i++)
    payload[i] = (guint8) (i % 128);
  drey_test_write_gzip (path, payload, n_bytes);
}

static void
on_listed (DreyKeyModel *model,
           gboolean      changed,
           Fixture      *f)
{
  f->listed++;
  f->listed_changed = changed;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->items_changed++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) location = NULL;

  f->dir = g_dir_make_tmp ("drey-keys-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *key = g_strdup_printf ("shard-%03u", i);

      write_shard (f, key, 10 + i);
    }
  location = g_file_new_for_path (f->dir);
  f->store = sq_store_new (location);
  f->model = drey_key_model_new ();
  g_signal_connect (f->model, "listed", G_CALLBACK (on_listed), f);
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  drey_test_wait_for_last_ref (f->model);
  g_assert_finalize_object (f->model);
  g_clear_object (&f->store);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
wait_listed (Fixture *f,
             guint    n)
{
  DREY_TEST_WAIT_FOR (f->listed >= n && !drey_key_model_get_loading (f->model));
}

static guint64
size_on_disk (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      GStatBuf st;

      if (g_str_has_suffix (name, ".gz") && g_stat (path, &st) == 0)
        total += (guint64) st.st_size;
    }
  return total;
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->model);
  g_autoptr(DreyKeyItem) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_true (g_list_model_get_item_type (model) == DREY_TYPE_KEY_ITEM);
  drey_key_model_set_store (f->model, f->store);
  g_assert_true (drey_key_model_get_store (f->model) == f->store);
  g_assert_true (drey_key_model_get_loading (f->model));
  wait_listed (f, 1);

  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 50);
  g_assert_cmpuint (drey_key_model_get_total_size (f->model), ==, size_on_disk (f));
  /* In the store's order */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(DreyKeyItem) item = g_list_model_get_item (model, i);
      g_autofree char *key = g_strdup_printf ("shard-%03u", i);

      g_assert_cmpstr (drey_key_item_get_key (item), ==, key);
      g_assert_true (drey_key_model_contains (f->model, item));
      g_assert_true (drey_key_model_lookup (f->model, key) == item);
    }
  g_assert_null (drey_key_model_lookup (f->model, "nope"));
  g_assert_null (g_list_model_get_item (model, 50));

  /* Sample counts are unknown until a shard is read */
  first = g_list_model_get_item (model, 0);
  g_assert_cmpint (drey_key_item_get_n_samples (first), <, 0);
  drey_key_model_set_n_samples (f->model, "shard-000", 10);
  g_assert_cmpint (drey_key_item_get_n_samples (first), ==, 10);
  drey_key_model_set_n_samples (f->model, "not-a-key", 3); /* ignored */
}

static void
test_reload_reconciles (Fixture       *f,
                        gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->model);
  g_autoptr(DreyKeyItem) kept = NULL;
  g_autoptr(DreyKeyItem) gone = NULL;
  g_autoptr(DreyKeyItem) grown = NULL;
  g_autofree char *gone_path = g_build_filename (f->dir, "shard-010.gz", NULL);
  gint64 old_size;

  drey_key_model_set_store (f->model, f->store);
  wait_listed (f, 1);
  kept = g_object_ref (drey_key_model_lookup (f->model, "shard-005"));
  gone = g_object_ref (drey_key_model_lookup (f->model, "shard-010"));
  grown = g_object_ref (drey_key_model_lookup (f->model, "shard-020"));
  old_size = drey_key_item_get_size (grown);

  g_assert_cmpint (g_unlink (gone_path), ==, 0);
  write_shard (f, "shard-020", 5000);
  write_shard (f, "zzz-new", 30);
  f->items_changed = 0;

  drey_key_model_reload (f->model);
  wait_listed (f, 2);
  g_assert_true (f->listed_changed);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 50);
  /* The same objects, a view keeps its rows and selection */
  g_assert_true (drey_key_model_lookup (f->model, "shard-005") == kept);
  g_assert_true (drey_key_model_lookup (f->model, "shard-020") == grown);
  g_assert_cmpint (drey_key_item_get_size (grown), !=, old_size);
  g_assert_false (drey_key_model_contains (f->model, gone));
  g_assert_null (drey_key_model_lookup (f->model, "shard-010"));
  g_assert_nonnull (drey_key_model_lookup (f->model, "zzz-new"));
  g_assert_cmpuint (drey_key_model_get_total_size (f->model), ==, size_on_disk (f));
  /* Not one splice per key: one for the new one, one for the gone one */
  g_assert_cmpuint (f->items_changed, <=, 2);

  /* Nothing changed: no change reported */
  drey_key_model_reload (f->model);
  wait_listed (f, 3);
  g_assert_false (f->listed_changed);
}

/* Many gone at once, in many runs: the list is right, whatever way it
 * takes to get there. */
static void
test_reload_many_removed (Fixture       *f,
                          gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->model);

  drey_key_model_set_store (f->model, f->store);
  wait_listed (f, 1);
  for (guint i = 0; i < 50; i += 2)
    {
      g_autofree char *path = g_strdup_printf ("%s/shard-%03u.gz", f->dir, i);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  drey_key_model_reload (f->model);
  wait_listed (f, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 25);
  for (guint i = 0; i < 25; i++)
    {
      g_autoptr(DreyKeyItem) item = g_list_model_get_item (model, i);
      g_autofree char *key = g_strdup_printf ("shard-%03u", 2 * i + 1);

      g_assert_cmpstr (drey_key_item_get_key (item), ==, key);
    }
  g_assert_cmpuint (drey_key_model_get_total_size (f->model), ==, size_on_disk (f));
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *missing_path = g_build_filename (f->dir, "not-there", NULL);
  g_autofree char *file_path = g_build_filename (f->dir, "shard-000.gz", NULL);
  g_autoptr(GFile) missing_location = g_file_new_for_path (missing_path);
  g_autoptr(GFile) file_location = g_file_new_for_path (file_path);
  g_autoptr(SqStore) missing = sq_store_new (missing_location);
  g_autoptr(SqStore) not_a_store = sq_store_new (file_location);

  drey_key_model_set_store (f->model, f->store);
  wait_listed (f, 1);

  /* A folder that is not there yet is an empty store, as for squirrel
   * (its first set makes it). */
  drey_key_model_set_store (f->model, missing);
  wait_listed (f, 2);
  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 0);

  /* A file is not a store: an error, and no keys */
  drey_key_model_set_store (f->model, not_a_store);
  DREY_TEST_WAIT_FOR (!drey_key_model_get_loading (f->model));
  g_assert_error (drey_key_model_get_error (f->model), SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE);
  g_assert_cmpuint (f->listed, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 0);
  g_assert_cmpuint (drey_key_model_get_total_size (f->model), ==, 0);

  /* Back to a good store: the error goes */
  drey_key_model_set_store (f->model, f->store);
  wait_listed (f, 3);
  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 50);
}

/* A store swapped in while one is listing: only the second's keys, and
 * the first listing's end changes nothing. */
static void
test_store_replaced (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_dir_make_tmp ("drey-keys-XXXXXX", &error);
  g_autofree char *path = g_build_filename (other_dir, "only.gz", NULL);
  g_autoptr(GFile) location = g_file_new_for_path (other_dir);
  g_autoptr(SqStore) other = sq_store_new (location);
  g_autoptr(DreyKeyItem) item = NULL;

  g_assert_no_error (error);
  drey_test_write_gzip (path, "\x01", 1);
  drey_key_model_set_store (f->model, f->store);
  drey_key_model_set_store (f->model, other);
  wait_listed (f, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_cmpstr (drey_key_item_get_key (item), ==, "only");

  /* Let any late callback of the first listing run */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->listed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 1);

  drey_key_model_set_store (f->model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 0);
  drey_test_remove_tree (other_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/key-model/list", test_list);
  ADD ("/key-model/reload-reconciles", test_reload_reconciles);
  ADD ("/key-model/reload-many-removed", test_reload_many_removed);
  ADD ("/key-model/unreadable", test_unreadable);
  ADD ("/key-model/store-replaced", test_store_replaced);
#undef ADD

  return g_test_run ();
}
