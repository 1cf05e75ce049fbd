/* test-shard-document.c: the open shard as a document, without a window
 *
 * Loading, every edit and its undo and redo, saving (with the changed-on-disk and key-taken
 * checks, and the same refusals from the write itself when someone else
 * writes after the checks), Undo of a save and of a delete, and cancelling, all through the
 * async API the window uses, on a real store in a temporary folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "drey-shard-document.h"
#include "drey-test-util.h"

typedef struct
{
  char              *dir;
  SqStore           *store;
  DreyShardDocument *doc;
} Fixture;

/* Sample @i: {"id": i, "name": "sample-<i>"} */
static SqValue *
make_sample (gint64 i)
{
  g_autofree char *name = g_strdup_printf ("sample-%" G_GINT64_FORMAT, i);
  SqValue *entries[] = {
    sq_value_new_str ("id", -1), sq_value_new_int (i),
    sq_value_new_str ("name", -1), sq_value_new_str (name, -1),
  };

  return sq_value_new_map (entries, 2);
}

static GPtrArray *
make_samples (gint64 first,
              guint  n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (samples, make_sample (first + i));
  return samples;
}

/* The store's shard @key, read outside the main loop. */
static GPtrArray *
read_shard (Fixture    *f,
            const char *key)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *samples = sq_store_get (f->store, key, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return samples;
}

static void
write_shard (Fixture    *f,
             const char *key,
             GPtrArray  *samples)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *written = sq_store_set (f->store, key, samples, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, key);
}

static void
assert_samples_equal (GPtrArray *a,
                      GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (sq_value_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) location = NULL;
  g_autoptr(GPtrArray) a = make_samples (0, 3);
  g_autoptr(GPtrArray) b = make_samples (100, 5);

  f->dir = g_dir_make_tmp ("drey-doc-XXXXXX", &error);
  g_assert_no_error (error);
  location = g_file_new_for_path (f->dir);
  f->store = sq_store_new (location);
  sq_store_set_serializer (f->store, SQ_SERIALIZER_MESSAGEPACK);
  write_shard (f, "a", a);
  write_shard (f, "b", b);
  f->doc = drey_shard_document_new (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  drey_test_wait_for_last_ref (f->doc);
  g_assert_finalize_object (f->doc);
  g_clear_object (&f->store);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* ---- running the async calls to their end ------------------------------- */

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  DREY_TEST_WAIT_FOR (*slot != NULL);
  return *slot;
}

static gboolean
load (Fixture     *f,
      const char  *key,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  drey_shard_document_load_async (f->doc, key, NULL, store_result, &result);
  return drey_shard_document_load_finish (f->doc, wait_result (&result), error);
}

static DreyShardUndo *
save (Fixture        *f,
      DreySaveFlags   flags,
      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  drey_shard_document_save_async (f->doc, flags, NULL, store_result, &result);
  return drey_shard_document_save_finish (f->doc, wait_result (&result), error);
}

static DreyShardUndo *
delete (Fixture  *f,
        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  drey_shard_document_delete_async (f->doc, NULL, store_result, &result);
  return drey_shard_document_delete_finish (f->doc, wait_result (&result), error);
}

static gboolean
run_undo (DreyShardUndo  *undo,
          GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  drey_shard_undo_run_async (undo, NULL, store_result, &result);
  return drey_shard_undo_run_finish (undo, wait_result (&result), error);
}

static DreySampleNode *
sample_node (Fixture *f,
             guint    index)
{
  DreySampleNode *node = g_list_model_get_item (drey_shard_document_get_samples (f->doc), index);

  g_object_unref (node); /* the document holds it */
  return node;
}

/* The child of @node whose key is @name. */
static DreySampleNode *
field_node (DreySampleNode *node,
            const char     *name)
{
  GListModel *children = drey_sample_node_get_children (node);

  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(DreySampleNode) child = g_list_model_get_item (children, i);

      if (g_strcmp0 (sq_value_get_str (drey_sample_node_get_key (child), NULL), name) == 0)
        return child; /* the parent holds it */
    }
  return NULL;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = make_samples (100, 5);
  g_autoptr(GPtrArray) shown = NULL;
  guint64 done, total;
  guint state_notifies = 0;

  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);
  g_signal_connect (f->doc, "notify::state", G_CALLBACK (drey_test_count_notify), &state_notifies);

  g_assert_true (load (f, "b", &error));
  g_assert_no_error (error);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_LOADED);
  g_assert_cmpuint (state_notifies, ==, 2); /* loading, loaded */
  g_assert_cmpstr (drey_shard_document_get_key (f->doc), ==, "b");
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (drey_shard_document_get_samples (f->doc)), ==, 5);
  g_assert_false (drey_shard_document_get_modified (f->doc));
  g_assert_false (drey_shard_document_get_is_new (f->doc));
  g_assert_false (drey_shard_document_get_busy (f->doc));
  shown = drey_shard_document_dup_samples (f->doc);
  assert_samples_equal (shown, expected);
  drey_shard_document_get_progress (f->doc, &done, &total);
  g_assert_cmpuint (done, ==, total);
  g_assert_cmpuint (total, >, 0);

  /* A shard that is not there: failed, and the error says which. */
  g_assert_false (load (f, "missing", &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_FAILED);
  g_assert_error (drey_shard_document_get_error (f->doc), SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 0);
  g_clear_error (&error);

  /* No key: empty. */
  g_assert_true (load (f, NULL, &error));
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);
  g_assert_null (drey_shard_document_get_key (f->doc));
  g_assert_null (drey_shard_document_get_error (f->doc));
  g_signal_handlers_disconnect_by_data (f->doc, &state_notifies);
}

static void
test_load_corrupt (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "broken.gz", NULL);

  g_assert_true (g_file_set_contents (path, "\x1f\x8b not gzip at all", -1, NULL));
  g_assert_false (load (f, "broken", &error));
  g_assert_nonnull (error);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_FAILED);
  g_assert_nonnull (strstr (error->message, "broken"));
}

/* A second load replaces the first: the first ends cancelled and the
 * document shows the second. */
static void
test_load_replaced (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  drey_shard_document_load_async (f->doc, "a", NULL, store_result, &first);
  drey_shard_document_load_async (f->doc, "b", NULL, store_result, &second);
  g_assert_false (drey_shard_document_load_finish (f->doc, wait_result (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (drey_shard_document_load_finish (f->doc, wait_result (&second), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (drey_shard_document_get_key (f->doc), ==, "b");
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 5);
}

static void
test_load_cancelled (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  drey_shard_document_load_async (f->doc, "b", cancellable, store_result, &result);
  g_cancellable_cancel (cancellable);
  g_assert_false (drey_shard_document_load_finish (f->doc, wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);
  g_assert_null (drey_shard_document_get_samples (f->doc));
}

/* What a streamed load showed, as it grew. */
typedef struct
{
  Fixture      *f;
  GListModel   *list;          /* the samples, once there */
  guint         n_seen;        /* items the list reported */
  guint         n_changes;     /* items-changed emissions */
  guint         shown_loading; /* n-samples notifies while loading */
  GCancellable *cancel_at_first;
} Growth;

static void
growth_items_changed (GListModel *list,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    data)
{
  Growth *growth = data;

  /* Only appended at the end, in order. */
  g_assert_cmpuint (position, ==, growth->n_seen);
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (added, >, 0);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (list, i);
      SqValue *id = sq_value_lookup (drey_sample_node_get_value (node), "id");

      g_assert_cmpuint (drey_sample_node_get_index (node), ==, i);
      g_assert_cmpint (sq_value_get_int (id), ==, (gint64) i);
    }
  growth->n_seen += added;
  growth->n_changes++;
}

static void
growth_n_samples (DreyShardDocument *doc,
                  GParamSpec        *pspec,
                  gpointer           data)
{
  Growth *growth = data;
  GListModel *list = drey_shard_document_get_samples (doc);

  if (drey_shard_document_get_state (doc) != DREY_SHARD_STATE_LOADING || list == NULL)
    return;
  growth->shown_loading++;
  if (growth->list == NULL)
    {
      g_autoptr(SqValue) extra = make_sample (-1);

      /* The first batch: the list is made with it; one list from then on. */
      growth->list = list;
      g_signal_connect (list, "items-changed", G_CALLBACK (growth_items_changed), growth);
      growth_items_changed (list, 0, 0, g_list_model_get_n_items (list), growth);
      g_assert_cmpuint (drey_shard_document_get_n_samples (doc), >, 0);
      /* Edits and saves wait for the whole shard. */
      g_assert_null (drey_shard_document_insert_sample (doc, 0, extra));
      if (growth->cancel_at_first != NULL)
        g_cancellable_cancel (growth->cancel_at_first);
    }
  g_assert_true (list == growth->list);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, growth->n_seen);
}

/* A big shard shows its samples while it is read: the first batch while
 * the state is still loading, then more appended at the end, in order,
 * into the same list; the count is right at the end. */
static void
test_load_streamed (Fixture       *f,
                    gconstpointer  data)
{
  const guint n = 20000;
  g_autoptr(GPtrArray) samples = make_samples (0, n);
  g_autoptr(GError) error = NULL;
  Growth growth = { f, NULL, 0, 0, 0, NULL };

  write_shard (f, "big", samples);
  g_signal_connect (f->doc, "notify::n-samples", G_CALLBACK (growth_n_samples), &growth);
  g_assert_true (load (f, "big", &error));
  g_assert_no_error (error);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_LOADED);
  g_assert_true (drey_shard_document_get_samples (f->doc) == growth.list);
  g_assert_cmpuint (growth.n_seen, ==, n);
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, n);
  g_assert_cmpuint (growth.shown_loading, >=, 1);
  g_test_message ("%u samples came in %u batches", n, growth.n_changes);
  g_signal_handlers_disconnect_by_data (growth.list, &growth);
  g_signal_handlers_disconnect_by_data (f->doc, &growth);
}

/* Cancelled once samples are on screen: they all go, nothing half-shown. */
static void
test_load_cancelled_midway (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = make_samples (0, 20000);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Growth growth = { f, NULL, 0, 0, 0, cancellable };

  write_shard (f, "big", samples);
  g_signal_connect (f->doc, "notify::n-samples", G_CALLBACK (growth_n_samples), &growth);
  drey_shard_document_load_async (f->doc, "big", cancellable, store_result, &result);
  g_assert_false (drey_shard_document_load_finish (f->doc, wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (growth.shown_loading, >=, 1);
  g_assert_cmpuint (growth.n_seen, >, 0);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);
  g_assert_null (drey_shard_document_get_samples (f->doc));
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 0);
  g_assert_null (drey_shard_document_get_key (f->doc));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (drey_shard_document_get_cache (f->doc)), ==, 0);
  g_signal_handlers_disconnect_by_data (f->doc, &growth);
}

/* A shard bad half-way: the samples before the error stay, with the
 * error; nothing can be edited or saved. */
static void
test_load_failed_midway (Fixture       *f,
                         gconstpointer  data)
{
  /* 1, 2, 3 as msgpack ints, then 0xc1, a byte msgpack never uses. */
  static const guint8 payload[] = { 0x01, 0x02, 0x03, 0xc1, 0x04 };
  g_autofree char *path = g_build_filename (f->dir, "half.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) save_error = NULL;
  GListModel *list;

  drey_test_write_gzip (path, payload, sizeof payload);
  g_assert_false (load (f, "half", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "half"));
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_FAILED);
  g_assert_nonnull (drey_shard_document_get_error (f->doc));
  list = drey_shard_document_get_samples (f->doc);
  g_assert_nonnull (list);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (list, i);

      g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (node)), ==, (gint64) i + 1);
    }
  {
    g_autoptr(SqValue) extra = sq_value_new_int (9);

    g_assert_null (drey_shard_document_insert_sample (f->doc, 0, extra));
  }
  drey_shard_document_save_async (f->doc, DREY_SAVE_FLAGS_NONE, NULL, store_result, &saved);
  g_assert_null (drey_shard_document_save_finish (f->doc, wait_result (&saved), &save_error));
  g_assert_error (save_error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY);
  g_assert_cmpuint (drey_shard_cache_get_n_shards (drey_shard_document_get_cache (f->doc)), ==, 0);

  /* The next load starts clean. */
  g_assert_true (load (f, "a", &error));
  g_assert_null (drey_shard_document_get_error (f->doc));
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 3);
}

/* Going back to a shard read a moment ago takes its samples from the
 * cache (the very values, not a new decode), unless the file changed. */
static void
test_load_cached (Fixture       *f,
                  gconstpointer  data)
{
  DreyShardCache *cache = drey_shard_document_get_cache (f->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) rewritten = make_samples (500, 2);
  g_autoptr(GPtrArray) after = NULL;

  g_assert_true (load (f, "a", &error));
  first = drey_shard_document_dup_samples (f->doc);
  g_assert_true (load (f, "b", &error));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 2);
  g_assert_true (load (f, "a", &error));
  g_assert_no_error (error);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_LOADED);
  again = drey_shard_document_dup_samples (f->doc);
  g_assert_cmpuint (again->len, ==, first->len);
  for (guint i = 0; i < first->len; i++)
    g_assert_true (g_ptr_array_index (again, i) == g_ptr_array_index (first, i));

  /* Someone else writes "a": its stamp changes, and it is read again. */
  write_shard (f, "a", rewritten);
  g_assert_true (load (f, "b", &error));
  g_assert_true (load (f, "a", &error));
  after = drey_shard_document_dup_samples (f->doc);
  assert_samples_equal (after, rewritten);
  g_assert_false (g_ptr_array_index (after, 0) == g_ptr_array_index (first, 0));

  /* Another serializer would read the same bytes otherwise. */
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), >, 0);
  sq_store_set_serializer (f->store, SQ_SERIALIZER_JSONL);
  DREY_TEST_WAIT_FOR (drey_shard_cache_get_n_shards (cache) == 0);
}

static void
test_edits (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) name = sq_value_new_str ("renamed", -1);
  g_autoptr(SqValue) id_key = sq_value_new_str ("id", -1);
  g_autoptr(SqValue) extra_key = sq_value_new_str ("extra", -1);
  g_autoptr(SqValue) extra = sq_value_new_float64 (0.5);
  g_autoptr(SqValue) label_key = sq_value_new_str ("label", -1);
  g_autoptr(SqValue) inserted = make_sample (7);
  g_autoptr(GPtrArray) samples = NULL;
  DreySampleNode *first, *node, *added;
  guint modified_notifies = 0;

  g_assert_true (load (f, "a", &error));
  g_signal_connect (f->doc, "notify::modified", G_CALLBACK (drey_test_count_notify), &modified_notifies);

  /* A value */
  first = sample_node (f, 0);
  node = field_node (first, "name");
  g_assert_nonnull (node);
  drey_shard_document_set_value (f->doc, node, name);
  g_assert_true (drey_shard_document_get_modified (f->doc));
  g_assert_cmpuint (modified_notifies, ==, 1);
  g_assert_true (drey_sample_node_get_edited (node));
  g_assert_true (drey_sample_node_get_edited (first));

  /* A field added, and renamed; a key that is taken is refused. */
  added = drey_shard_document_add_value (f->doc, first, 2, extra_key, extra, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);
  g_assert_false (drey_shard_document_rename (f->doc, added, id_key, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (drey_shard_document_rename (f->doc, added, label_key, &error));
  g_assert_no_error (error);

  /* The id field removed */
  drey_shard_document_remove (f->doc, field_node (first, "id"));

  /* A sample inserted at the top, then moved down past the edited one */
  drey_shard_document_insert_sample (f->doc, 0, inserted);
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 4);
  g_assert_true (drey_shard_document_move_sample (f->doc, sample_node (f, 0), FALSE));
  g_assert_true (sample_node (f, 0) == first);
  g_assert_cmpuint (drey_sample_node_get_index (first), ==, 0);
  g_assert_cmpuint (drey_sample_node_get_index (sample_node (f, 1)), ==, 1);
  /* The last cannot go further down */
  g_assert_false (drey_shard_document_move_sample (f->doc, sample_node (f, 3), FALSE));

  /* The last sample removed */
  drey_shard_document_remove (f->doc, sample_node (f, 3));
  g_assert_cmpuint (drey_shard_document_get_n_samples (f->doc), ==, 3);

  samples = drey_shard_document_dup_samples (f->doc);
  g_assert_cmpuint (samples->len, ==, 3);
  {
    SqValue *s0 = g_ptr_array_index (samples, 0);
    g_autoptr(SqValue) s1 = make_sample (7);
    g_autoptr(SqValue) s2 = make_sample (1);

    g_assert_cmpuint (sq_value_get_length (s0), ==, 2);
    g_assert_cmpstr (sq_value_get_str (sq_value_get_key (s0, 0), NULL), ==, "name");
    g_assert_cmpstr (sq_value_get_str (sq_value_get_item (s0, 0), NULL), ==, "renamed");
    g_assert_cmpstr (sq_value_get_str (sq_value_get_key (s0, 1), NULL), ==, "label");
    g_assert_cmpfloat (sq_value_get_double (sq_value_get_item (s0, 1)), ==, 0.5);
    g_assert_true (sq_value_equal (g_ptr_array_index (samples, 1), s1));
    g_assert_true (sq_value_equal (g_ptr_array_index (samples, 2), s2));
  }
  /* Nothing was written */
  {
    g_autoptr(GPtrArray) on_disk = read_shard (f, "a");
    g_autoptr(GPtrArray) original = make_samples (0, 3);

    assert_samples_equal (on_disk, original);
  }
  g_signal_handlers_disconnect_by_data (f->doc, &modified_notifies);
}

static void
test_save_and_undo (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = sq_value_new_int (-1);
  g_autoptr(DreyShardUndo) undo = NULL;
  g_autoptr(DreyShardUndo) second_undo = NULL;
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(GPtrArray) original = make_samples (0, 3);
  guint busy_notifies = 0;

  g_assert_true (load (f, "a", &error));
  drey_shard_document_set_value (f->doc, field_node (sample_node (f, 1), "id"), value);
  edited = drey_shard_document_dup_samples (f->doc);
  g_signal_connect (f->doc, "notify::busy", G_CALLBACK (drey_test_count_notify), &busy_notifies);

  undo = save (f, DREY_SAVE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (undo);
  g_assert_cmpuint (busy_notifies, ==, 2);
  g_assert_false (drey_shard_document_get_busy (f->doc));
  g_assert_false (drey_shard_document_get_modified (f->doc));
  g_assert_false (drey_sample_node_get_edited (sample_node (f, 1)));
  g_assert_cmpstr (drey_shard_undo_get_key (undo), ==, "a");
  g_assert_false (drey_shard_undo_get_deleted (undo));
  g_assert_true (drey_shard_undo_get_restores (undo));
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, edited);
  g_clear_pointer (&on_disk, g_ptr_array_unref);

  /* A second save compares with what the first wrote: no conflict. */
  drey_shard_document_set_value (f->doc, field_node (sample_node (f, 2), "id"), value);
  second_undo = save (f, DREY_SAVE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second_undo);
  drey_shard_undo_forget (second_undo);

  /* Undo puts back the shard as it was before the first save. */
  g_assert_true (run_undo (undo, &error));
  g_assert_no_error (error);
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, original);
  g_signal_handlers_disconnect_by_data (f->doc, &busy_notifies);
}

static void
test_save_changed_on_disk (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = sq_value_new_int (42);
  g_autoptr(GPtrArray) theirs = make_samples (500, 9);
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(DreyShardUndo) undo = NULL;

  g_assert_true (load (f, "a", &error));
  drey_shard_document_set_value (f->doc, field_node (sample_node (f, 0), "id"), value);
  mine = drey_shard_document_dup_samples (f->doc);

  /* Someone else writes the shard meanwhile. */
  write_shard (f, "a", theirs);

  g_assert_null (save (f, DREY_SAVE_FLAGS_NONE, &error));
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK);
  g_clear_error (&error);
  /* Their shard is untouched, and the edits are still here. */
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, theirs);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  g_assert_true (drey_shard_document_get_modified (f->doc));

  /* The user agreed to write over it; Undo brings theirs back. */
  undo = save (f, DREY_SAVE_FLAGS_REPLACE, &error);
  g_assert_no_error (error);
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, mine);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  g_assert_true (run_undo (undo, &error));
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, theirs);
}

/* Stashes for Undo in the store's folder. */
static guint
count_stashes (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, ".drey-undo-");
  return n;
}

typedef struct
{
  Fixture    *f;
  const char *key;
  GPtrArray  *theirs;
  gboolean    after_stash;  /* a stash must be there: the checks are done */
  gboolean    written;
} Race;

static gpointer
write_theirs (gpointer data)
{
  Race *race = data;

  write_shard (race->f, race->key, race->theirs);
  return NULL;
}

/* Someone else writes the shard as the save's write begins (its progress
 * goes back to nothing then), after its checks: only the write's own
 * condition can see it. The time is one no write of this test makes, so
 * the etag differs however coarse the file system's clock. */
static void
write_theirs_on_progress (DreyShardDocument *doc,
                          GParamSpec        *pspec,
                          Race              *race)
{
  g_autofree char *name = g_strconcat (race->key, ".gz", NULL);
  g_autofree char *path = g_build_filename (race->f->dir, name, NULL);
  const struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

  if (race->written || !drey_shard_document_get_busy (doc))
    return;
  race->written = TRUE;
  g_assert_cmpuint (count_stashes (race->f), ==, race->after_stash ? 1 : 0);
  /* Another program's write, waited for: it blocks, so not on this
   * thread. */
  g_thread_join (g_thread_new ("theirs", write_theirs, race));
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

static void
test_save_raced (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = sq_value_new_int (42);
  g_autoptr(GPtrArray) theirs = make_samples (500, 9);
  g_autoptr(GPtrArray) fresh = make_samples (900, 2);
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(DreyShardUndo) undo = NULL;
  Race race = { f, "a", theirs, TRUE, FALSE };
  gulong handler;

  g_assert_true (load (f, "a", &error));
  drey_shard_document_set_value (f->doc, field_node (sample_node (f, 0), "id"), value);
  mine = drey_shard_document_dup_samples (f->doc);

  handler = g_signal_connect (f->doc, "notify::progress", G_CALLBACK (write_theirs_on_progress), &race);
  g_assert_null (save (f, DREY_SAVE_FLAGS_NONE, &error));
  g_assert_true (race.written);
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK);
  g_assert_cmpstr (error->message, ==, "shard 'a' changed on disk since it was read");
  g_clear_error (&error);
  /* Theirs is untouched, the edits are here, and the stash goes. */
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, theirs);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  g_assert_true (drey_shard_document_get_modified (f->doc));
  g_assert_cmpuint (count_stashes (f), ==, 0);

  /* The user agreed: the write goes, and Undo brings theirs back. */
  undo = save (f, DREY_SAVE_FLAGS_REPLACE, &error);
  g_assert_no_error (error);
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, mine);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  g_assert_true (run_undo (undo, &error));
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, theirs);
  g_clear_pointer (&on_disk, g_ptr_array_unref);

  /* A new shard whose key someone takes after the check. */
  race = (Race) { f, "fresh", theirs, FALSE, FALSE };
  drey_shard_document_open_new (f->doc, "fresh", fresh);
  g_assert_null (save (f, DREY_SAVE_FLAGS_NONE, &error));
  g_assert_true (race.written);
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "the store already has a shard 'fresh'");
  g_clear_error (&error);
  on_disk = read_shard (f, "fresh");
  assert_samples_equal (on_disk, theirs);
  g_assert_true (drey_shard_document_get_is_new (f->doc));
  g_assert_cmpuint (count_stashes (f), ==, 0);
  g_signal_handler_disconnect (f->doc, handler);
}

static void
test_new_shard (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = make_samples (1000, 2);
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(DreyShardUndo) undo = NULL;
  g_autofree char *path = g_build_filename (f->dir, "fresh.gz", NULL);

  drey_shard_document_open_new (f->doc, "fresh", samples);
  g_assert_true (drey_shard_document_get_is_new (f->doc));
  g_assert_true (drey_shard_document_get_modified (f->doc));
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_LOADED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  undo = save (f, DREY_SAVE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (drey_shard_document_get_is_new (f->doc));
  on_disk = read_shard (f, "fresh");
  assert_samples_equal (on_disk, samples);
  /* Undo of a new shard's save removes it. */
  g_assert_true (run_undo (undo, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_object (&undo);

  /* A new shard on a key that is taken is refused, until the user agrees. */
  drey_shard_document_open_new (f->doc, "b", samples);
  g_assert_null (save (f, DREY_SAVE_FLAGS_NONE, &error));
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_EXISTS);
  g_clear_error (&error);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  on_disk = read_shard (f, "b");
  g_assert_cmpuint (on_disk->len, ==, 5);
  undo = save (f, DREY_SAVE_FLAGS_REPLACE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&on_disk, g_ptr_array_unref);
  on_disk = read_shard (f, "b");
  assert_samples_equal (on_disk, samples);
  drey_shard_undo_forget (undo);

  /* A new shard never saved is only dropped when deleted. */
  drey_shard_document_open_new (f->doc, "never", samples);
  g_assert_null (delete (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);
}

static void
test_delete_and_undo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DreyShardUndo) undo = NULL;
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(GPtrArray) original = make_samples (100, 5);
  g_autofree char *path = g_build_filename (f->dir, "b.gz", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
  g_assert_true (load (f, "b", &error));
  undo = delete (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (undo);
  g_assert_true (drey_shard_undo_get_deleted (undo));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (drey_shard_document_get_state (f->doc), ==, DREY_SHARD_STATE_EMPTY);

  /* The same bytes come back, not a re-encoding. */
  g_assert_true (run_undo (undo, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  on_disk = read_shard (f, "b");
  assert_samples_equal (on_disk, original);
}

/* While a save runs, the document refuses edits, saves and deletes. */
static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(DreyShardUndo) undo = NULL;
  g_autoptr(SqValue) key = sq_value_new_str ("other", -1);

  g_assert_true (load (f, "a", &error));
  drey_shard_document_save_async (f->doc, DREY_SAVE_FLAGS_NONE, NULL, store_result, &first);
  g_assert_true (drey_shard_document_get_busy (f->doc));
  g_assert_false (drey_shard_document_rename (f->doc, field_node (sample_node (f, 0), "id"), key, &error));
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_null (save (f, DREY_SAVE_FLAGS_NONE, &error));
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_null (delete (f, &error));
  g_assert_error (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY);
  g_clear_error (&error);

  undo = drey_shard_document_save_finish (f->doc, wait_result (&first), &error);
  g_assert_no_error (error);
  g_assert_false (drey_shard_document_get_busy (f->doc));
  drey_shard_undo_forget (undo);
}

/* A cancelled save leaves the old shard, and the edits. */
static void
test_save_cancelled (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SqValue) value = sq_value_new_int (9);
  g_autoptr(GPtrArray) on_disk = NULL;
  g_autoptr(GPtrArray) original = make_samples (0, 3);
  g_autoptr(DreyShardUndo) undo = NULL;

  g_assert_true (load (f, "a", &error));
  drey_shard_document_set_value (f->doc, field_node (sample_node (f, 0), "id"), value);
  g_cancellable_cancel (cancellable);
  drey_shard_document_save_async (f->doc, DREY_SAVE_FLAGS_NONE, cancellable, store_result, &result);
  undo = drey_shard_document_save_finish (f->doc, wait_result (&result), &error);
  g_assert_null (undo);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (drey_shard_document_get_busy (f->doc));
  g_assert_true (drey_shard_document_get_modified (f->doc));
  on_disk = read_shard (f, "a");
  assert_samples_equal (on_disk, original);
}

/* The values of every sample now, to compare with a later state. */
static GPtrArray *
state (Fixture *f)
{
  return drey_shard_document_dup_samples (f->doc);
}

static void
assert_state (Fixture   *f,
              GPtrArray *expected)
{
  g_autoptr(GPtrArray) now = state (f);

  assert_samples_equal (now, expected);
}

/* No row of the samples, or of the children made so far, is marked. */
static gboolean
any_marked (GListModel *nodes)
{
  for (guint i = 0; nodes != NULL && i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (nodes, i);

      if (drey_sample_node_get_edited (node) || any_marked (drey_sample_node_get_children (node)))
        return TRUE;
    }
  return FALSE;
}

static void
test_undo_redo (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) renamed = sq_value_new_str ("renamed", -1);
  g_autoptr(SqValue) extra_key = sq_value_new_str ("extra", -1);
  g_autoptr(SqValue) label_key = sq_value_new_str ("label", -1);
  g_autoptr(SqValue) extra = sq_value_new_float64 (0.5);
  g_autoptr(SqValue) inserted = make_sample (7);
  g_autoptr(SqValue) replacement = NULL;
  g_autoptr(DreySampleNode) id_node = NULL;
  g_autoptr(DreySampleNode) s1_id = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  DreySampleNode *first, *added;
  guint n;

  {
    float pixels[4] = { 1, 2, 3, 4 };
    guint64 shape[] = { 2, 2 };
    g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("<f4", NULL);
    g_autoptr(GBytes) bytes = g_bytes_new (pixels, sizeof pixels);
    g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 2, shape, bytes, &error);

    g_assert_no_error (error);
    replacement = sq_value_new_ndarray (array);
  }

  g_assert_true (load (f, "a", &error));
  g_assert_false (drey_shard_document_get_can_undo (f->doc));
  g_assert_null (drey_shard_document_undo (f->doc));
  g_ptr_array_add (states, state (f));
  first = sample_node (f, 0);
  id_node = g_object_ref (field_node (first, "id"));
  s1_id = g_object_ref (field_node (sample_node (f, 1), "id"));

  /* Every kind of edit, each state kept: a value, a field added and
   * renamed, a field removed, a sample inserted, moved, duplicated and
   * removed, a whole sample replaced (its rows were made), an array put
   * in place of a value. */
  drey_shard_document_set_value (f->doc, field_node (first, "name"), renamed);
  g_ptr_array_add (states, state (f));
  added = drey_shard_document_add_value (f->doc, first, 2, extra_key, extra, &error);
  g_assert_no_error (error);
  g_ptr_array_add (states, state (f));
  g_assert_true (drey_shard_document_rename (f->doc, added, label_key, &error));
  g_ptr_array_add (states, state (f));
  drey_shard_document_remove (f->doc, id_node);
  g_ptr_array_add (states, state (f));
  drey_shard_document_insert_sample (f->doc, 0, inserted);
  g_ptr_array_add (states, state (f));
  g_assert_true (drey_shard_document_move_sample (f->doc, sample_node (f, 0), FALSE));
  g_ptr_array_add (states, state (f));
  drey_shard_document_insert_sample (f->doc, 2, drey_sample_node_get_value (sample_node (f, 1)));
  g_ptr_array_add (states, state (f));
  drey_shard_document_remove (f->doc, sample_node (f, 4));
  g_ptr_array_add (states, state (f));
  drey_shard_document_set_value (f->doc, sample_node (f, 3), inserted);
  g_ptr_array_add (states, state (f));
  drey_shard_document_set_value (f->doc, field_node (first, "name"), replacement);
  g_ptr_array_add (states, state (f));
  n = states->len - 1;
  g_assert_cmpuint (n, ==, 10);
  g_assert_true (drey_shard_document_get_can_undo (f->doc));
  g_assert_false (drey_shard_document_get_can_redo (f->doc));

  /* Undo walks back through every state, to the shard as read: not
   * modified, nothing marked, and the rows taken out are the very same. */
  for (guint i = n; i > 0; i--)
    {
      g_assert_true (drey_shard_document_get_modified (f->doc));
      drey_shard_document_undo (f->doc);
      assert_state (f, g_ptr_array_index (states, i - 1));
      g_assert_true (drey_shard_document_get_can_redo (f->doc));
    }
  g_assert_false (drey_shard_document_get_can_undo (f->doc));
  g_assert_false (drey_shard_document_get_modified (f->doc));
  g_assert_false (any_marked (drey_shard_document_get_samples (f->doc)));
  g_assert_true (sample_node (f, 0) == first);
  g_assert_true (field_node (first, "id") == id_node);
  g_assert_true (drey_sample_node_get_parent (id_node) == first);
  g_assert_true (field_node (sample_node (f, 1), "id") == s1_id);
  g_assert_null (drey_shard_document_undo (f->doc));

  /* Redo walks forward again, marking what it changes. */
  for (guint i = 1; i <= n; i++)
    {
      drey_shard_document_redo (f->doc);
      assert_state (f, g_ptr_array_index (states, i));
      g_assert_true (drey_shard_document_get_modified (f->doc));
    }
  g_assert_false (drey_shard_document_get_can_redo (f->doc));
  g_assert_true (drey_sample_node_get_edited (field_node (first, "name")));
  g_assert_true (drey_sample_node_get_edited (first));

  /* A new edit after undoing drops what could be redone. */
  drey_shard_document_undo (f->doc);
  drey_shard_document_undo (f->doc);
  g_assert_true (drey_shard_document_get_can_redo (f->doc));
  drey_shard_document_set_value (f->doc, field_node (first, "name"), extra);
  g_assert_false (drey_shard_document_get_can_redo (f->doc));
  g_assert_null (drey_shard_document_redo (f->doc));
  for (guint i = n - 1; i > 0; i--)
    drey_shard_document_undo (f->doc);
  assert_state (f, g_ptr_array_index (states, 0));
  g_assert_false (drey_shard_document_get_modified (f->doc));
}

/* A save keeps the history, as Text Editor does: undoing past it is a
 * change again, and redoing back to it is not. */
static void
test_undo_after_save (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) one = sq_value_new_int (-1);
  g_autoptr(SqValue) two = sq_value_new_int (-2);
  g_autoptr(DreyShardUndo) undo = NULL;
  g_autoptr(GPtrArray) original = make_samples (0, 3);
  DreySampleNode *id;

  g_assert_true (load (f, "a", &error));
  id = field_node (sample_node (f, 0), "id");
  drey_shard_document_set_value (f->doc, id, one);
  undo = save (f, DREY_SAVE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  drey_shard_undo_forget (undo);
  g_assert_false (drey_shard_document_get_modified (f->doc));
  g_assert_false (drey_sample_node_get_edited (id));
  g_assert_true (drey_shard_document_get_can_undo (f->doc));

  g_assert_true (drey_shard_document_undo (f->doc) == id);
  assert_state (f, original);
  g_assert_true (drey_shard_document_get_modified (f->doc));
  g_assert_true (drey_sample_node_get_edited (id));
  g_assert_true (drey_sample_node_get_edited (sample_node (f, 0)));

  drey_shard_document_redo (f->doc);
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, -1);
  g_assert_false (drey_shard_document_get_modified (f->doc));
  g_assert_false (drey_sample_node_get_edited (id));

  /* Undone past the save, then edited: the saved state cannot come back. */
  drey_shard_document_undo (f->doc);
  drey_shard_document_set_value (f->doc, id, two);
  drey_shard_document_undo (f->doc);
  g_assert_true (drey_shard_document_get_modified (f->doc));
  assert_state (f, original);

  /* Another shard starts with no history. */
  g_assert_true (load (f, "b", &error));
  g_assert_false (drey_shard_document_get_can_undo (f->doc));
  g_assert_false (drey_shard_document_get_can_redo (f->doc));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/document/load", test_load);
  ADD ("/document/load-corrupt", test_load_corrupt);
  ADD ("/document/load-replaced", test_load_replaced);
  ADD ("/document/load-cancelled", test_load_cancelled);
  ADD ("/document/load-streamed", test_load_streamed);
  ADD ("/document/load-cancelled-midway", test_load_cancelled_midway);
  ADD ("/document/load-failed-midway", test_load_failed_midway);
  ADD ("/document/load-cached", test_load_cached);
  ADD ("/document/edits", test_edits);
  ADD ("/document/undo-redo", test_undo_redo);
  ADD ("/document/undo-after-save", test_undo_after_save);
  ADD ("/document/save-and-undo", test_save_and_undo);
  ADD ("/document/save-changed-on-disk", test_save_changed_on_disk);
  ADD ("/document/save-raced", test_save_raced);
  ADD ("/document/new-shard", test_new_shard);
  ADD ("/document/delete-and-undo", test_delete_and_undo);
  ADD ("/document/busy", test_busy);
  ADD ("/document/save-cancelled", test_save_cancelled);
#undef ADD

  return g_test_run ();
}
