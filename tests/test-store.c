/* test-store.c: keys, get, set and remove on real directories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "drey-test-util.h"
#include "sq.h"

typedef struct
{
  char    *dir;
  GFile   *location;
  SqStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("drey-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->location = g_file_new_build_filename (f->dir, "store", NULL);
  f->store = sq_store_new (f->location);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gpointer weak = f->store;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* A GTask worker drops its reference a moment after the callback ran,
   * so wait (boundedly) for the store to go rather than assert at once. */
  g_object_add_weak_pointer (G_OBJECT (f->store), &weak);
  g_object_unref (f->store);
  while (g_atomic_pointer_get (&weak) != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
  g_object_unref (f->location);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
store_path (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->dir, "store", name, NULL);
}

static GStrv
key_names (GPtrArray *keys)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; i < keys->len; i++)
    g_strv_builder_add (builder, sq_key_info_get_key (g_ptr_array_index (keys, i)));
  return g_strv_builder_end (builder);
}

/* qsort() hands over pointers to the elements. */
static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every file the store directory holds, sorted: to see temp files. */
static GStrv
dir_listing (Fixture *f)
{
  g_autofree char *path = g_file_get_path (f->location);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv names;
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (builder, name);
  names = g_strv_builder_end (builder);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return names;
}

static SqValue *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  SqValue *value = sq_json_parse (json, strlen (json), SQ_JSON_EXTENDED, &error);

  g_assert_no_error (error);
  return value;
}

static GPtrArray *
samples_from (const char *const *lines)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

  for (; *lines; lines++)
    g_ptr_array_add (samples, parse (*lines));
  return samples;
}

static void
test_keys_order (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const files[] = { "Z9.gz", "a.gz", "A.gz", "B.json.gz", "A-1.gz", "notes.txt", ".gz", "x.gz.tmp" };
  static const char *const expected[] = { "A-1", "A", "B.json", "Z9", "a", NULL };
  g_autofree char *root = g_file_get_path (f->location);
  g_autofree char *sub = store_path (f, "sub.gz");
  g_autofree char *link = store_path (f, "link.gz");
  g_autofree char *dangling = store_path (f, "dangling.gz");
  g_autoptr(GPtrArray) keys = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (root, 0755), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = store_path (f, files[i]);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);          /* subdirectories are skipped */
  g_assert_cmpint (symlink ("A.gz", link), ==, 0);       /* a link to a shard is one */
  g_assert_cmpint (symlink ("nowhere", dangling), ==, 0);

  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  names = key_names (keys);
  {
    const char *const with_link[] = { "A-1", "A", "B.json", "Z9", "a", "link", NULL };

    g_assert_cmpstrv (names, with_link);
  }
  g_assert_cmpint (sq_key_info_get_size (g_ptr_array_index (keys, 0)), ==, 0);
  g_assert_cmpint (sq_key_info_get_mtime (g_ptr_array_index (keys, 0)), >, 0);

  /* and squirrel's order is what sq_key_info_compare() says */
  for (guint i = 1; i < keys->len; i++)
    g_assert_cmpint (sq_key_info_compare (g_ptr_array_index (keys, i - 1), g_ptr_array_index (keys, i)), <, 0);

  g_unlink (link);
  g_clear_pointer (&keys, g_ptr_array_unref);
  g_clear_pointer (&names, g_strfreev);
  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_NAMES_ONLY, NULL, &error);
  g_assert_no_error (error);
  names = key_names (keys);
  g_assert_cmpstrv (names, expected);
  g_assert_cmpint (sq_key_info_get_size (g_ptr_array_index (keys, 0)), ==, -1);
}

static void
test_keys_missing_and_not_a_directory (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_file_get_path (f->location);

  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);
  g_clear_pointer (&keys, g_ptr_array_unref);

  g_assert_true (g_file_set_contents (root, "not a directory", -1, NULL));
  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
  g_assert_null (keys);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE);
  g_unlink (root);
}

static void
test_keys_unreadable (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *root = g_file_get_path (f->location);
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads every directory");
      return;
    }
  g_assert_cmpint (g_mkdir (root, 0), ==, 0);
  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
  g_assert_null (keys);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "cannot read the directory"));
  g_chmod (root, 0755);
}

/* Streamed listing: what the batch and ready callbacks saw. */
typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancel_on_batch;
  GHashTable   *seen;
  GPtrArray    *order;
  guint         n_batches;
  guint         n_keys;
  gboolean      notified;
  gboolean      finished;
  GError       *error;
} StreamState;

static void
on_key_batch (GPtrArray *batch,
              gpointer   data)
{
  StreamState *state = data;

  g_assert_false (state->finished);
  g_assert_false (state->notified);
  g_assert_cmpuint (batch->len, >, 0);
  g_assert_cmpuint (batch->len, <=, 1000);
  state->n_batches++;
  for (guint i = 0; i < batch->len; i++)
    {
      SqKeyInfo *info = g_ptr_array_index (batch, i);

      g_assert_cmpint (sq_key_info_get_size (info), ==, 0);
      g_assert_true (g_hash_table_add (state->seen, g_strdup (sq_key_info_get_key (info))));
      g_ptr_array_add (state->order, sq_key_info_ref (info));
    }
  if (state->cancel_on_batch != NULL)
    g_cancellable_cancel (state->cancel_on_batch);
}

static void
on_key_batch_notify (gpointer data)
{
  StreamState *state = data;

  g_assert_false (state->finished);
  state->notified = TRUE;
}

static void
on_keys_streamed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  StreamState *state = data;

  state->finished = TRUE;
  sq_store_list_keys_streamed_finish (SQ_STORE (source), result, &state->n_keys, &state->error);
  g_main_loop_quit (state->loop);
}

/* Streams @f's store to the end; @cancellable is cancelled by the first
 * batch if @cancel_on_batch. */
static void
stream_keys (Fixture      *f,
             StreamState  *state,
             GCancellable *cancellable,
             gboolean      cancel_on_batch)
{
  memset (state, 0, sizeof *state);
  state->loop = g_main_loop_new (NULL, FALSE);
  state->cancel_on_batch = cancel_on_batch ? cancellable : NULL;
  state->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->order = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_key_info_unref);
  state->n_keys = G_MAXUINT;

  sq_store_list_keys_streamed_async (f->store, SQ_LIST_KEYS_DEFAULT, cancellable, on_key_batch, state,
                                     on_key_batch_notify, on_keys_streamed, state);
  g_assert_cmpuint (state->n_batches, ==, 0); /* none before the main loop runs */
  g_main_loop_run (state->loop);
  g_assert_true (state->notified);
}

static void
stream_state_clear (StreamState *state)
{
  g_main_loop_unref (state->loop);
  g_hash_table_unref (state->seen);
  g_ptr_array_unref (state->order);
  g_clear_error (&state->error);
}

static void
make_empty_shards (Fixture *f,
                   guint    n)
{
  g_autofree char *root = g_file_get_path (f->location);

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("shard-%05u.gz", i);
      g_autofree char *path = g_build_filename (root, name, NULL);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }
}

/* Keys arrive in batches, each key once, all of them, before the end; from
 * a local store in squirrel's order, sizes included. */
static void
test_keys_streamed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) keys = NULL;
  StreamState state;

  make_empty_shards (f, 4500);
  stream_keys (f, &state, NULL, FALSE);
  g_assert_no_error (state.error);
  g_assert_cmpuint (state.n_batches, >=, 5);
  g_assert_cmpuint (state.n_keys, ==, 4500);
  g_assert_cmpuint (g_hash_table_size (state.seen), ==, 4500);
  keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_NAMES_ONLY, NULL, NULL);
  g_assert_cmpuint (keys->len, ==, 4500);
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (sq_key_info_get_key (g_ptr_array_index (state.order, i)), ==,
                     sq_key_info_get_key (g_ptr_array_index (keys, i)));
  stream_state_clear (&state);
}

static void
test_keys_streamed_missing_and_not_a_directory (Fixture       *f,
                                                gconstpointer  data)
{
  g_autofree char *root = g_file_get_path (f->location);
  StreamState state;

  stream_keys (f, &state, NULL, FALSE);
  g_assert_no_error (state.error);
  g_assert_cmpuint (state.n_keys, ==, 0);
  g_assert_cmpuint (state.n_batches, ==, 0);
  stream_state_clear (&state);

  g_assert_true (g_file_set_contents (root, "not a directory", -1, NULL));
  stream_keys (f, &state, NULL, FALSE);
  g_assert_error (state.error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE);
  g_assert_cmpuint (state.n_batches, ==, 0);
  stream_state_clear (&state);
  g_unlink (root);
}

/* Once cancelled, no batch comes, and the listing ends cancelled. */
static void
test_keys_streamed_cancel (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  StreamState state;

  make_empty_shards (f, 4500);
  g_cancellable_cancel (cancellable);
  stream_keys (f, &state, cancellable, FALSE);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.n_batches, ==, 0);
  stream_state_clear (&state);

  g_cancellable_reset (cancellable);
  stream_keys (f, &state, cancellable, TRUE);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.n_batches, ==, 1);
  stream_state_clear (&state);
}

/* The shards squirrel-core 0.20.2 wrote decode to what it decodes them to.
 * Both sides go through drey-cli's JSON convention, which is how the
 * expected files are written (numpy scalars as plain numbers). */
static void
test_squirrel_fixtures (void)
{
  static const char *const stores[] = {
    "seed-msgpack-named", "seed-msgpack-random-keys", "seed-jsonl-named", "variety-msgpack",
  };

  for (gsize s = 0; s < G_N_ELEMENTS (stores); s++)
    {
      g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "squirrel-0.20.2", stores[s], NULL);
      g_autofree char *expected_name = g_strconcat (stores[s], ".expected.json", NULL);
      g_autofree char *expected_path = g_test_build_filename (G_TEST_DIST, "data", "squirrel-0.20.2", expected_name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(SqValue) expected = NULL;
      g_autoptr(GFile) location = g_file_new_for_path (dir);
      g_autoptr(SqStore) store = sq_store_new (location);
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (expected_path, &text, &len, NULL));
      expected = sq_json_parse (text, len, SQ_JSON_EXTENDED, &error);
      g_assert_no_error (error);

      keys = sq_store_list_keys (store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (keys->len, ==, sq_value_get_length (expected));

      for (guint k = 0; k < keys->len; k++)
        {
          const char *key = sq_key_info_get_key (g_ptr_array_index (keys, k));
          SqValue *want = sq_value_lookup (expected, key);
          g_autoptr(GPtrArray) samples = sq_store_get (store, key, NULL, NULL, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (want);
          g_assert_cmpuint (samples->len, ==, sq_value_get_length (want));
          for (guint i = 0; i < samples->len; i++)
            {
              g_autoptr(GString) json = g_string_new (NULL);
              g_autoptr(SqValue) normalised = NULL;

              g_assert_true (sq_json_append (json, g_ptr_array_index (samples, i), SQ_JSON_EXTENDED, &error));
              normalised = sq_json_parse (json->str, json->len, SQ_JSON_EXTENDED, &error);
              g_assert_no_error (error);
              if (!sq_value_equal (normalised, sq_value_get_item (want, i)))
                g_error ("%s/%s sample %u decodes to %s", stores[s], key, i, json->str);
            }
        }
      g_assert_cmpint (sq_store_get_serializer (store), ==,
                       g_str_has_prefix (stores[s], "seed-jsonl") ? SQ_SERIALIZER_JSONL : SQ_SERIALIZER_MESSAGEPACK);
    }
}

static void
test_set_get_roundtrip (Fixture       *f,
                        gconstpointer  data)
{
  static const char *const lines[] = {
    "{\"image\": {\"data\": [[1, 2], [3, 4]], \"type\": \"|u1\", \"shape\": [2, 2]}, \"label\": 3, \"name\": \"x\"}",
    "{\"f\": {\"data\": [0.5, NaN, -Infinity], \"type\": \">f4\", \"shape\": [3]}, \"b\": {\"$bytes\": \"AAE=\"}}",
    "[1, [2, [3]], {\"k\": null}]",
    NULL,
  };
  SqSerializer serializer = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) files = NULL;

  if (serializer == SQ_SERIALIZER_JSONL)
    g_ptr_array_remove_index (samples, 1); /* JSON Lines holds no bytes */
  sq_store_set_serializer (f->store, serializer);
  key = sq_store_set (f->store, "shard-1", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "shard-1");

  back = sq_store_get (f->store, "shard-1", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, samples->len);
  for (guint i = 0; i < samples->len; i++)
    g_assert_true (sq_value_equal (g_ptr_array_index (samples, i), g_ptr_array_index (back, i)));

  files = dir_listing (f);
  {
    const char *const only[] = { "shard-1.gz", NULL };

    g_assert_cmpstrv (files, only);
  }
}

static void
test_set_random_key (Fixture       *f,
                     gconstpointer  data)
{
  static const char *const lines[] = { "{\"a\": 1}", NULL };
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = sq_store_set (f->store, NULL, samples, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (key), ==, 16);
  for (const char *p = key; *p; p++)
    g_assert_true ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
  /* the first set made the directory; a new store is messagepack */
  g_assert_cmpint (sq_store_get_serializer (f->store), ==, SQ_SERIALIZER_MESSAGEPACK);
}

static void
test_set_keeps_the_store_serializer (Fixture       *f,
                                     gconstpointer  data)
{
  static const char *const lines[] = { "{\"a\": 1}", NULL };
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqStore) fresh = NULL;
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(SqValue) first = NULL;
  g_autofree char *k1 = NULL;
  g_autofree char *k2 = NULL;

  sq_store_set_serializer (f->store, SQ_SERIALIZER_JSONL);
  k1 = sq_store_set (f->store, "first", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* a new store object on the same directory finds JSON Lines there */
  fresh = sq_store_new (f->location);
  k2 = sq_store_set (fresh, "second", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  reader = sq_store_open_shard (fresh, "second", NULL, &error);
  first = sq_shard_reader_next (reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sq_shard_reader_get_serializer (reader), ==, SQ_SERIALIZER_JSONL);
}

static void
test_set_invalid_keys (Fixture       *f,
                       gconstpointer  data)
{
  static const char *const bad[] = { "", "a/b", ".hidden", "tab\tkey", "\x7f" };
  g_autoptr(GPtrArray) samples = g_ptr_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = sq_store_set (f->store, bad[i], samples, NULL, NULL, NULL, &error);

      g_assert_null (key);
      g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY);
    }
  g_assert_false (g_file_query_exists (f->location, NULL));
}

static GBytes *
file_bytes (Fixture    *f,
            const char *name)
{
  g_autofree char *path = store_path (f, name);
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/* A set that fails leaves the old shard as it was and no temp file. */
static void
assert_old_shard_kept (Fixture *f,
                       GBytes  *before)
{
  g_autoptr(GBytes) after = file_bytes (f, "k.gz");
  g_auto(GStrv) files = dir_listing (f);
  const char *const only[] = { "k.gz", NULL };

  g_assert_nonnull (after);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpstrv (files, only);
}

static GBytes *
write_old_shard (Fixture *f)
{
  static const char *const lines[] = { "{\"old\": true}", NULL };
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = sq_store_set (f->store, "k", samples, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "k");
  return file_bytes (f, "k.gz");
}

static void
test_set_atomic_on_encode_error (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GBytes) pickle = g_bytes_new_static ("pkl", 3);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_ptr_array_add (samples, parse ("{\"fine\": 1}"));
  g_ptr_array_add (samples, sq_value_new_opaque (SQ_OPAQUE_PICKLE, 0, pickle, "pickled object array"));
  key = sq_store_set (f->store, "k", samples, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "shard 'k': sample 1: object arrays are never written (they would be pickles)");
  assert_old_shard_kept (f, before);
}

/* A set on condition: over the shard whose etag it was given, or where
 * there is none; else refused, naming the shard, with no temp file left. */
static void
test_set_if (Fixture       *f,
             gconstpointer  data)
{
  static const char *const lines[] = { "{\"mine\": 1}", NULL };
  static const char *const theirs_lines[] = { "{\"theirs\": 2}", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GPtrArray) theirs = samples_from (theirs_lines);
  g_autoptr(GBytes) theirs_bytes = NULL;
  g_autofree char *path = store_path (f, "k.gz");
  g_autofree char *read_etag = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  /* A time no set of this test makes, so that the etag the read saw is
   * not the one of a write a moment later. */
  const struct timespec times[2] = { { 1000000000, 123456000 }, { 1000000000, 123456000 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
  g_assert_true (sq_store_query_shard (f->store, "k", NULL, NULL, NULL, &read_etag, &error));
  g_assert_no_error (error);

  /* There is a shard: a new one is refused, and a stale etag too. */
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_ABSENT, NULL, samples, NULL, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "already has a shard 'k'"));
  g_clear_error (&error);
  assert_old_shard_kept (f, before);
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_MATCH, "0:0", samples, NULL, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "shard 'k'"));
  g_assert_nonnull (strstr (error->message, "changed since it was read"));
  g_clear_error (&error);
  assert_old_shard_kept (f, before);

  /* Someone else writes it after the read: the read's etag is refused. */
  key = sq_store_set (f->store, "k", theirs, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&key, g_free);
  theirs_bytes = file_bytes (f, "k.gz");
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_MATCH, read_etag, samples, NULL, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_CHANGED);
  g_clear_error (&error);
  assert_old_shard_kept (f, theirs_bytes);

  /* Their etag is the one to replace; then a write always goes. */
  g_clear_pointer (&read_etag, g_free);
  g_assert_true (sq_store_query_shard (f->store, "k", NULL, NULL, NULL, &read_etag, &error));
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_MATCH, read_etag, samples, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "k");
  g_clear_pointer (&key, g_free);
  key = sq_store_set_if (f->store, "k", SQ_SET_ALWAYS, NULL, theirs, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&key, g_free);
  {
    g_autoptr(GPtrArray) got = sq_store_get (f->store, "k", NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, 1);
    g_assert_true (sq_value_equal (g_ptr_array_index (got, 0), g_ptr_array_index (theirs, 0)));
  }

  /* No shard: If-Match is refused, a new one is written. */
  g_assert_true (sq_store_remove (f->store, "k", NULL, &error));
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_MATCH, read_etag, samples, NULL, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_CHANGED);
  g_clear_error (&error);
  key = sq_store_set_if (f->store, "k", SQ_SET_IF_ABSENT, NULL, samples, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "k");
  {
    g_auto(GStrv) files = dir_listing (f);
    const char *const only[] = { "k.gz", NULL };
    g_autoptr(GPtrArray) got = sq_store_get (f->store, "k", NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, 1);
    g_assert_true (sq_value_equal (g_ptr_array_index (got, 0), g_ptr_array_index (samples, 0)));
    g_assert_cmpstrv (files, only);
  }
}

static void
test_set_atomic_on_cancel (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_ptr_array_add (samples, parse ("{\"new\": 1}"));
  g_cancellable_cancel (cancellable);
  key = sq_store_set (f->store, "k", samples, NULL, NULL, cancellable, &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_old_shard_kept (f, before);
}

/* A full disk, as far as the writer can tell: RLIMIT_FSIZE makes writes
 * past 1 MiB fail. In a subprocess, so the limit stays there. */
static void
test_set_atomic_on_full_disk (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) before = NULL;
  g_autofree char *root = NULL;

  if (g_test_subprocess ())
    {
      struct rlimit limit = { 1 << 20, 1 << 20 };
      g_autoptr(GFile) location = g_file_new_for_path (g_getenv ("DREY_TEST_FULL_DISK_STORE"));
      g_autoptr(SqStore) store = sq_store_new (location);
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
      g_autoptr(GError) error = NULL;
      g_autofree char *key = NULL;
      guint64 shape = 8 << 20;
      guint8 *noise = g_malloc (shape);
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("|u1", NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SqNdarray) array = NULL;

      for (gsize i = 0; i < shape; i++)
        noise[i] = (guint8) g_random_int ();
      bytes = g_bytes_new_take (noise, shape);
      array = sq_ndarray_new (dtype, 1, &shape, bytes, NULL);
      g_ptr_array_add (samples, sq_value_new_ndarray (array));

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      key = sq_store_set (store, "k", samples, NULL, NULL, NULL, &error);
      g_assert_null (key);
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "cannot write shard 'k': "));
      return;
    }

  before = write_old_shard (f);
  root = g_file_get_path (f->location);
  g_setenv ("DREY_TEST_FULL_DISK_STORE", root, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  assert_old_shard_kept (f, before);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;

  g_assert_nonnull (before);
  g_assert_true (sq_store_remove (f->store, "k", NULL, &error));
  g_assert_no_error (error);
  files = dir_listing (f);
  g_assert_cmpuint (g_strv_length (files), ==, 0);
  g_assert_false (sq_store_remove (f->store, "k", NULL, &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
}

static void
test_get_missing (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = sq_store_get (f->store, "nope", NULL, NULL, NULL, &error);
  g_autoptr(GPtrArray) traversal = NULL;

  g_assert_null (samples);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "has no shard 'nope'"));
  g_clear_error (&error);
  traversal = sq_store_get (f->store, "../etc/passwd", NULL, NULL, NULL, &error);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY);
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *samples;
  GError    *error;
  guint      n_progress;
  guint64    last_done;
  guint64    total;
  char      *key;
} AsyncState;

static GThread *main_thread;

static void
on_progress (guint64  done,
             guint64  total,
             gpointer data)
{
  AsyncState *state = data;

  /* on the caller's thread, never on the worker */
  g_assert_true (g_thread_self () == main_thread);
  g_assert_cmpuint (done, >=, state->last_done);
  g_assert_cmpuint (done, <=, total);
  state->last_done = done;
  state->total = total;
  state->n_progress++;
}

static void
on_get (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  AsyncState *state = data;

  state->samples = sq_store_get_finish (SQ_STORE (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
on_set (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  AsyncState *state = data;

  state->key = sq_store_set_finish (SQ_STORE (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
test_async_set_get (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  AsyncState state = { g_main_loop_new (NULL, FALSE) };
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("<f4", NULL);

  for (int i = 0; i < 40; i++)
    {
      guint64 shape[] = { 256, 256 };
      g_autofree float *pixels = g_new (float, 256 * 256);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SqNdarray) array = NULL;

      for (int p = 0; p < 256 * 256; p++)
        pixels[p] = (float) g_random_double ();
      bytes = g_bytes_new_take (g_steal_pointer (&pixels), 256 * 256 * 4);
      array = sq_ndarray_new (dtype, 2, shape, bytes, NULL);
      g_ptr_array_add (samples, sq_value_new_ndarray (array));
    }

  sq_store_set_async (f->store, "big", samples, NULL, on_progress, &state, NULL, on_set, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_cmpstr (state.key, ==, "big");
  g_assert_cmpuint (state.n_progress, >=, 2);
  g_assert_cmpuint (state.last_done, ==, state.total);

  state.n_progress = 0;
  state.last_done = 0;
  sq_store_get_async (f->store, "big", NULL, on_progress, &state, NULL, on_get, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_cmpuint (state.samples->len, ==, 40);
  for (guint i = 0; i < 40; i++)
    g_assert_true (sq_value_equal (g_ptr_array_index (samples, i), g_ptr_array_index (state.samples, i)));
  g_assert_cmpuint (state.n_progress, >=, 2);
  g_assert_cmpuint (state.last_done, ==, state.total);

  g_ptr_array_unref (state.samples);
  g_free (state.key);
  g_main_loop_unref (state.loop);
}

static void
test_async_get_cancelled (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState state = { g_main_loop_new (NULL, FALSE) };

  g_assert_nonnull (before);
  g_cancellable_cancel (cancellable);
  sq_store_get_async (f->store, "k", cancellable, NULL, NULL, NULL, on_get, &state);
  g_main_loop_run (state.loop);
  g_assert_null (state.samples);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);
  g_main_loop_unref (state.loop);
}

/* Samples of a streamed get, as they came. */
typedef struct
{
  GMainLoop    *loop;
  GPtrArray    *samples;
  guint         n_batches;
  guint         first_batch;
  GCancellable *cancel_on_batch;
  gboolean      finished;
  gboolean      ok;
  guint         n_samples;
  GError       *error;
} SampleStream;

static void
on_sample_batch (GPtrArray *batch,
                 gpointer   data)
{
  SampleStream *stream = data;

  g_assert_false (stream->finished);
  g_assert_cmpuint (batch->len, >, 0);
  if (stream->n_batches++ == 0)
    stream->first_batch = batch->len;
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (stream->samples, sq_value_ref (g_ptr_array_index (batch, i)));
  if (stream->cancel_on_batch != NULL)
    g_cancellable_cancel (stream->cancel_on_batch);
}

static void
on_streamed (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SampleStream *stream = data;

  stream->finished = TRUE;
  stream->ok = sq_store_get_streamed_finish (SQ_STORE (source), result, &stream->n_samples, &stream->error);
  g_main_loop_quit (stream->loop);
}

static void
sample_stream_clear (SampleStream *stream)
{
  g_clear_pointer (&stream->samples, g_ptr_array_unref);
  g_clear_pointer (&stream->loop, g_main_loop_unref);
  g_clear_error (&stream->error);
}

static void
write_int_shard (Fixture    *f,
                 const char *key,
                 guint       n)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (samples, sq_value_new_int (i));
  sq_store_set_serializer (f->store, SQ_SERIALIZER_MESSAGEPACK);
  written = sq_store_set (f->store, key, samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
assert_ints_in_order (GPtrArray *samples,
                      guint      n)
{
  g_assert_cmpuint (samples->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (sq_value_get_int (g_ptr_array_index (samples, i)), ==, (gint64) i);
}

/* The blocking form: the first sample alone, then batches, in order; a
 * shard bad half-way has handed over the samples before the error. */
static void
test_get_streamed (Fixture       *f,
                   gconstpointer  data)
{
  static const guint8 half[] = { 0x00, 0x01, 0x02, 0xc1 };
  SampleStream stream = { NULL, g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref) };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  write_int_shard (f, "ints", 5000);
  g_assert_true (sq_store_get_streamed (f->store, "ints", on_sample_batch, &stream, NULL, NULL, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5000);
  g_assert_cmpuint (stream.first_batch, ==, 1);
  assert_ints_in_order (stream.samples, 5000);

  path = g_build_filename (f->dir, "store", "half.gz", NULL);
  drey_test_write_gzip (path, half, sizeof half);
  g_ptr_array_set_size (stream.samples, 0);
  g_assert_false (sq_store_get_streamed (f->store, "half", on_sample_batch, &stream, NULL, NULL, &n, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "half"));
  g_assert_cmpuint (n, ==, 3);
  assert_ints_in_order (stream.samples, 3);

  g_clear_error (&error);
  g_assert_false (sq_store_get_streamed (f->store, "nope", on_sample_batch, &stream, NULL, NULL, &n, NULL, &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  sample_stream_clear (&stream);
}

/* The async form: every batch before the callback, on the caller's
 * context; none once cancelled. */
static void
test_async_get_streamed (Fixture       *f,
                         gconstpointer  data)
{
  static const guint8 half[] = { 0x00, 0x01, 0xc1 };
  SampleStream stream = { g_main_loop_new (NULL, FALSE),
                          g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref) };
  AsyncState progress = { NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = NULL;

  write_int_shard (f, "ints", 5000);
  sq_store_get_streamed_async (f->store, "ints", NULL, on_sample_batch, &stream, NULL,
                               on_progress, &progress, NULL, on_streamed, &stream);
  g_main_loop_run (stream.loop);
  g_assert_no_error (stream.error);
  g_assert_true (stream.ok);
  g_assert_cmpuint (stream.n_samples, ==, 5000);
  g_assert_cmpuint (stream.first_batch, ==, 1);
  assert_ints_in_order (stream.samples, 5000);
  g_assert_cmpuint (progress.last_done, ==, progress.total);

  path = g_build_filename (f->dir, "store", "half.gz", NULL);
  drey_test_write_gzip (path, half, sizeof half);
  g_ptr_array_set_size (stream.samples, 0);
  stream.finished = FALSE;
  sq_store_get_streamed_async (f->store, "half", NULL, on_sample_batch, &stream, NULL,
                               NULL, NULL, NULL, on_streamed, &stream);
  g_main_loop_run (stream.loop);
  g_assert_false (stream.ok);
  g_assert_nonnull (stream.error);
  assert_ints_in_order (stream.samples, 2);
  g_clear_error (&stream.error);

  g_ptr_array_set_size (stream.samples, 0);
  stream.finished = FALSE;
  stream.n_batches = 0;
  stream.cancel_on_batch = cancellable;
  sq_store_get_streamed_async (f->store, "ints", cancellable, on_sample_batch, &stream, NULL,
                               NULL, NULL, NULL, on_streamed, &stream);
  g_main_loop_run (stream.loop);
  g_assert_false (stream.ok);
  g_assert_error (stream.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (stream.n_batches, ==, 1);
  g_assert_cmpuint (stream.samples->len, ==, 1);
  sample_stream_clear (&stream);
}

/* A second store next to the fixture's, with one shard "src". */
static SqStore *
source_store (Fixture           *f,
              SqSerializer       serializer,
              const char *const *lines)
{
  g_autoptr(GFile) location = g_file_new_build_filename (f->dir, "source", NULL);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  SqStore *store = sq_store_new (location);

  sq_store_set_serializer (store, serializer);
  key = sq_store_set (store, "src", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_set_from_reader (Fixture       *f,
                      gconstpointer  data)
{
  static const char *const lines[] = {
    "{\"image\": {\"data\": [[1, 2], [3, 4]], \"type\": \"|u1\", \"shape\": [2, 2]}, \"label\": 3}",
    "{\"name\": \"x\", \"tags\": [\"a\", \"b\"]}",
    "[1, [2, [3]], {\"k\": null}]",
    NULL,
  };
  g_autoptr(SqStore) source = source_store (f, SQ_SERIALIZER_JSONL, lines);
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(SqShardReader) check = NULL;
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(SqValue) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  /* JSON Lines in, messagepack out, sample by sample */
  reader = sq_store_open_shard (source, "src", NULL, &error);
  g_assert_no_error (error);
  sq_store_set_serializer (f->store, SQ_SERIALIZER_MESSAGEPACK);
  key = sq_store_set_from_reader (f->store, "copy", reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "copy");

  back = sq_store_get (f->store, "copy", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, samples->len);
  for (guint i = 0; i < samples->len; i++)
    g_assert_true (sq_value_equal (g_ptr_array_index (samples, i), g_ptr_array_index (back, i)));
  check = sq_store_open_shard (f->store, "copy", NULL, &error);
  first = sq_shard_reader_next (check, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sq_shard_reader_get_serializer (check), ==, SQ_SERIALIZER_MESSAGEPACK);
}

/* A source that fails to decode halfway: its error, the old shard kept. */
static void
test_set_from_reader_atomic_on_decode_error (Fixture       *f,
                                             gconstpointer  data)
{
  static const char *const lines[] = { "{\"a\": \"first sample\"}", "{\"b\": \"second sample\"}", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(SqStore) source = source_store (f, SQ_SERIALIZER_MESSAGEPACK, lines);
  g_autofree char *path = g_build_filename (f->dir, "source", "src.gz", NULL);
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) len - 12, NULL));

  reader = sq_store_open_shard (source, "src", NULL, &error);
  g_assert_no_error (error);
  key = sq_store_set_from_reader (f->store, "k", reader, NULL, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SQ_DECODE_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "shard 'src': "));
  assert_old_shard_kept (f, before);
}

/* The keys listed, both ways, are @expected: stashes never are keys. */
static void
assert_keys (Fixture           *f,
             const char *const *expected)
{
  const SqListKeysFlags modes[] = { SQ_LIST_KEYS_DEFAULT, SQ_LIST_KEYS_NAMES_ONLY };

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) keys = sq_store_list_keys (f->store, modes[i], NULL, &error);
      g_auto(GStrv) names = NULL;

      g_assert_no_error (error);
      names = key_names (keys);
      g_assert_cmpstrv (names, expected);
    }
}

static GBytes *
load_bytes (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_load_contents (file, NULL, &contents, &len, NULL, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
assert_is_stash (Fixture *f,
                 GFile   *stash)
{
  g_autoptr(GFile) parent = g_file_get_parent (stash);
  g_autofree char *name = g_file_get_basename (stash);

  g_assert_true (g_file_equal (parent, f->location));
  g_assert_true (g_str_has_prefix (name, ".drey-undo-"));
  g_assert_true (g_str_has_suffix (name, ".tmp"));
}

/* Save, then Undo: the stash keeps the old bytes while a set replaces the
 * shard, and unstashing puts exactly them back. */
static void
test_stash_keep (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const lines[] = { "{\"new\": [1, 2, 3]}", "{\"more\": \"samples\"}", NULL };
  const char *const only_k[] = { "k", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GFile) shard = g_file_get_child (f->location, "k.gz");
  g_autoptr(GFile) stash = NULL;
  g_autoptr(GBytes) stashed = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) restored = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) files = NULL;

  stash = sq_store_stash_shard (f->store, "k", TRUE, NULL, &error);
  g_assert_no_error (error);
  assert_is_stash (f, stash);
  stashed = load_bytes (stash);
  g_assert_true (g_bytes_equal (stashed, before));
  /* the shard stays, readable and unchanged */
  kept = load_bytes (shard);
  g_assert_true (g_bytes_equal (kept, before));
  back = sq_store_get (f->store, "k", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  assert_keys (f, only_k);

  key = sq_store_set (f->store, "k", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  saved = load_bytes (shard);
  g_assert_false (g_bytes_equal (saved, before));
  g_clear_pointer (&stashed, g_bytes_unref);
  stashed = load_bytes (stash);
  g_assert_true (g_bytes_equal (stashed, before));
  assert_keys (f, only_k);

  g_assert_true (sq_store_unstash_shard (f->store, "k", stash, NULL, &error));
  g_assert_no_error (error);
  restored = load_bytes (shard);
  g_assert_true (g_bytes_equal (restored, before));
  assert_keys (f, only_k);
  files = dir_listing (f);
  {
    const char *const only[] = { "k.gz", NULL };

    g_assert_cmpstrv (files, only);
  }

  /* the stash was used up */
  g_assert_false (sq_store_unstash_shard (f->store, "k", stash, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "cannot restore shard 'k': "));
}

/* Delete Shard, then Undo. */
static void
test_stash_delete (Fixture       *f,
                   gconstpointer  data)
{
  const char *const none[] = { NULL };
  const char *const only_k[] = { "k", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GFile) shard = g_file_get_child (f->location, "k.gz");
  g_autoptr(GFile) stash = NULL;
  g_autoptr(GBytes) stashed = NULL;
  g_autoptr(GBytes) restored = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stash_name = NULL;
  g_auto(GStrv) files = NULL;

  stash = sq_store_stash_shard (f->store, "k", FALSE, NULL, &error);
  g_assert_no_error (error);
  assert_is_stash (f, stash);
  assert_keys (f, none);
  g_assert_false (g_file_query_exists (shard, NULL));
  samples = sq_store_get (f->store, "k", NULL, NULL, NULL, &error);
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  stashed = load_bytes (stash);
  g_assert_true (g_bytes_equal (stashed, before));
  files = dir_listing (f);
  stash_name = g_file_get_basename (stash);
  {
    const char *const only[] = { stash_name, NULL };

    g_assert_cmpstrv (files, only);
  }

  g_assert_true (sq_store_unstash_shard (f->store, "k", stash, NULL, &error));
  g_assert_no_error (error);
  assert_keys (f, only_k);
  restored = load_bytes (shard);
  g_assert_true (g_bytes_equal (restored, before));
  g_assert_false (g_file_query_exists (stash, NULL));
}

/* Undo of a save that made a new shard: no stash, the shard goes; and
 * none there is no error. */
static void
test_unstash_none (Fixture       *f,
                   gconstpointer  data)
{
  static const char *const lines[] = { "{\"a\": 1}", NULL };
  const char *const none[] = { NULL };
  const char *const only_k[] = { "k", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) files = NULL;

  g_assert_nonnull (before);
  key = sq_store_set (f->store, "new", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sq_store_unstash_shard (f->store, "new", NULL, NULL, &error));
  g_assert_no_error (error);
  assert_keys (f, only_k);

  g_assert_true (sq_store_unstash_shard (f->store, "k", NULL, NULL, &error));
  g_assert_no_error (error);
  assert_keys (f, none);
  g_assert_true (sq_store_unstash_shard (f->store, "k", NULL, NULL, &error));
  g_assert_no_error (error);
  files = dir_listing (f);
  g_assert_cmpuint (g_strv_length (files), ==, 0);

  g_assert_false (sq_store_unstash_shard (f->store, "a/b", NULL, NULL, &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY);
}

static void
test_stash_missing (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = store_path (f, "dir.gz");
  g_autoptr(GBytes) before = NULL;

  for (int keep = 0; keep <= 1; keep++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) stash = NULL;

      /* no directory at all */
      stash = sq_store_stash_shard (f->store, "nope", keep, NULL, &error);
      g_assert_null (stash);
      g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "has no shard 'nope'"));
      g_clear_error (&error);

      stash = sq_store_stash_shard (f->store, "../etc/passwd", keep, NULL, &error);
      g_assert_null (stash);
      g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY);
    }

  before = write_old_shard (f);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  for (int keep = 0; keep <= 1; keep++)
    {
      const char *const only_k[] = { "k", NULL };
      const char *const only[] = { "dir.gz", "k.gz", NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) stash = NULL;
      g_auto(GStrv) files = NULL;

      stash = sq_store_stash_shard (f->store, "nope", keep, NULL, &error);
      g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
      g_clear_error (&error);
      /* a directory named like a shard is none, and stays where it is */
      stash = sq_store_stash_shard (f->store, "dir", keep, NULL, &error);
      g_assert_null (stash);
      g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
      assert_keys (f, only_k);
      files = dir_listing (f);
      g_assert_cmpstrv (files, only);
    }
}

/* A shard that is a link to another comes back as that link, and the
 * shard it points to is never touched. */
static void
test_stash_symlink (Fixture       *f,
                    gconstpointer  data)
{
  static const char *const lines[] = { "{\"new\": 1}", NULL };
  const char *const keys[] = { "k", "link", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autofree char *link = store_path (f, "link.gz");
  g_autofree char *target = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GFile) stash = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_assert_cmpint (symlink ("k.gz", link), ==, 0);
  for (int keep = 1; keep >= 0; keep--)
    {
      stash = sq_store_stash_shard (f->store, "link", keep, NULL, &error);
      g_assert_no_error (error);
      if (keep)
        {
          key = sq_store_set (f->store, "link", samples, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          g_clear_pointer (&key, g_free);
          g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
        }
      g_assert_true (sq_store_unstash_shard (f->store, "link", stash, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&stash);

      target = g_file_read_link (link, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (target, ==, "k.gz");
      g_clear_pointer (&target, g_free);
      after = file_bytes (f, "k.gz");
      g_assert_true (g_bytes_equal (after, before));
      g_clear_pointer (&after, g_bytes_unref);
      assert_keys (f, keys);
    }
}

/* What an async stash, unstash or query gave. */
typedef struct
{
  GMainLoop *loop;
  GFile     *stash;
  gboolean   ok;
  gint64     size;
  gint64     mtime;
  char      *etag;
  GError    *error;
} ShardState;

static void
on_stashed (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  ShardState *state = data;

  g_assert_true (g_thread_self () == main_thread);
  state->stash = sq_store_stash_shard_finish (SQ_STORE (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
on_unstashed (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  ShardState *state = data;

  g_assert_true (g_thread_self () == main_thread);
  state->ok = sq_store_unstash_shard_finish (SQ_STORE (source), result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
on_queried (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  ShardState *state = data;

  g_assert_true (g_thread_self () == main_thread);
  g_clear_pointer (&state->etag, g_free);
  state->ok = sq_store_query_shard_finish (SQ_STORE (source), result, &state->size, &state->mtime,
                                           &state->etag, &state->error);
  g_main_loop_quit (state->loop);
}

/* Save and Undo as a window runs them: off its main thread. */
static void
test_async_stash_unstash (Fixture       *f,
                          gconstpointer  data)
{
  static const char *const lines[] = { "{\"new\": [1, 2, 3]}", NULL };
  const char *const none[] = { NULL };
  const char *const only_k[] = { "k", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autoptr(GBytes) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  ShardState state = { g_main_loop_new (NULL, FALSE) };

  for (int keep = 1; keep >= 0; keep--)
    {
      sq_store_stash_shard_async (f->store, "k", keep, NULL, on_stashed, &state);
      g_main_loop_run (state.loop);
      g_assert_no_error (state.error);
      assert_is_stash (f, state.stash);
      if (keep)
        {
          key = sq_store_set (f->store, "k", samples, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          g_clear_pointer (&key, g_free);
          assert_keys (f, only_k);
        }
      else
        assert_keys (f, none);

      sq_store_unstash_shard_async (f->store, "k", state.stash, NULL, on_unstashed, &state);
      g_main_loop_run (state.loop);
      g_assert_no_error (state.error);
      g_assert_true (state.ok);
      restored = file_bytes (f, "k.gz");
      g_assert_true (g_bytes_equal (restored, before));
      g_clear_pointer (&restored, g_bytes_unref);
      g_clear_object (&state.stash);
      assert_old_shard_kept (f, before);
    }

  /* a missing shard: no stash, the error sq_store_stash_shard() gives */
  sq_store_stash_shard_async (f->store, "nope", TRUE, NULL, on_stashed, &state);
  g_main_loop_run (state.loop);
  g_assert_null (state.stash);
  g_assert_error (state.error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&state.error);

  /* no stash: the shard goes */
  sq_store_unstash_shard_async (f->store, "k", NULL, NULL, on_unstashed, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_true (state.ok);
  assert_keys (f, none);

  g_main_loop_unref (state.loop);
}

/* The changed-on-disk check: size, time and etag of the shard as it is,
 * all three blocking and async, and a shard written since differs. */
static void
test_query_shard (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const lines[] = { "{\"new\": [1, 2, 3]}", NULL };
  g_autoptr(GBytes) before = write_old_shard (f);
  g_autoptr(GPtrArray) samples = samples_from (lines);
  g_autofree char *path = store_path (f, "k.gz");
  g_autofree char *dir = store_path (f, "dir.gz");
  g_autofree char *etag = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  /* 2001-09-09 01:46:40.123456 UTC: a time no set of this test makes */
  const struct timespec times[2] = { { 1000000000, 123456000 }, { 1000000000, 123456000 } };
  ShardState state = { g_main_loop_new (NULL, FALSE) };
  gint64 size = 0, mtime = 0;

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
  g_assert_true (sq_store_query_shard (f->store, "k", NULL, &size, &mtime, &etag, &error));
  g_assert_no_error (error);
  g_assert_cmpint (size, ==, (gint64) g_bytes_get_size (before));
  g_assert_cmpint (mtime, ==, G_GINT64_CONSTANT (1000000000123456));
  g_assert_nonnull (etag);
  /* every out argument is optional */
  g_assert_true (sq_store_query_shard (f->store, "k", NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  sq_store_query_shard_async (f->store, "k", NULL, on_queried, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_true (state.ok);
  g_assert_cmpint (state.size, ==, size);
  g_assert_cmpint (state.mtime, ==, mtime);
  g_assert_cmpstr (state.etag, ==, etag);

  /* someone else writes the shard */
  key = sq_store_set (f->store, "k", samples, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  sq_store_query_shard_async (f->store, "k", NULL, on_queried, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_true (state.ok);
  g_assert_cmpint (state.mtime, !=, mtime);
  g_assert_cmpstr (state.etag, !=, etag);

  /* no shard: a missing file, a directory named like one, a bad key */
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_false (sq_store_query_shard (f->store, "nope", NULL, &size, NULL, NULL, &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "has no shard 'nope'"));
  g_clear_error (&error);
  sq_store_query_shard_async (f->store, "dir", NULL, on_queried, &state);
  g_main_loop_run (state.loop);
  g_assert_false (state.ok);
  g_assert_error (state.error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&state.error);
  g_assert_false (sq_store_query_shard (f->store, "a/b", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY);

  g_free (state.etag);
  g_main_loop_unref (state.loop);
}

static gboolean
list_keys_from_main_loop (gpointer data)
{
  Fixture *f = data;
  GPtrArray *keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_DEFAULT, NULL, NULL);

  g_clear_pointer (&keys, g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

/* With -Dmain_thread_check=true, a blocking call made from the main loop
 * aborts and names itself; made from a worker meanwhile, it does not (the
 * async tests). */
static void
test_main_thread_check (Fixture       *f,
                        gconstpointer  data)
{
  if (!SQ_MAIN_THREAD_CHECK)
    {
      g_test_skip ("built without -Dmain_thread_check=true");
      return;
    }
  if (g_test_subprocess ())
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

      g_idle_add (list_keys_from_main_loop, f);
      g_main_loop_run (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*sq_store_list_keys() blocks*");
}

int
main (int    argc,
      char **argv)
{
  main_thread = g_thread_self ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/store/keys/order", test_keys_order, NULL);
  ADD ("/store/keys/missing-and-not-a-directory", test_keys_missing_and_not_a_directory, NULL);
  ADD ("/store/keys/unreadable", test_keys_unreadable, NULL);
  ADD ("/store/keys/streamed", test_keys_streamed, NULL);
  ADD ("/store/keys/streamed-missing-and-not-a-directory", test_keys_streamed_missing_and_not_a_directory, NULL);
  ADD ("/store/keys/streamed-cancel", test_keys_streamed_cancel, NULL);
  g_test_add_func ("/store/get/squirrel-fixtures", test_squirrel_fixtures);
  ADD ("/store/get/missing", test_get_missing, NULL);
  ADD ("/store/get/streamed", test_get_streamed, NULL);
  ADD ("/store/set/roundtrip-msgpack", test_set_get_roundtrip, GINT_TO_POINTER (SQ_SERIALIZER_MESSAGEPACK));
  ADD ("/store/set/roundtrip-jsonl", test_set_get_roundtrip, GINT_TO_POINTER (SQ_SERIALIZER_JSONL));
  ADD ("/store/set/random-key", test_set_random_key, NULL);
  ADD ("/store/set/store-serializer", test_set_keeps_the_store_serializer, NULL);
  ADD ("/store/set/invalid-keys", test_set_invalid_keys, NULL);
  ADD ("/store/set/atomic-encode-error", test_set_atomic_on_encode_error, NULL);
  ADD ("/store/set/atomic-cancel", test_set_atomic_on_cancel, NULL);
  ADD ("/store/set/if", test_set_if, NULL);
  ADD ("/store/set/atomic-full-disk", test_set_atomic_on_full_disk, NULL);
  ADD ("/store/set/from-reader", test_set_from_reader, NULL);
  ADD ("/store/set/from-reader-atomic-decode-error", test_set_from_reader_atomic_on_decode_error, NULL);
  ADD ("/store/remove", test_remove, NULL);
  ADD ("/store/stash/keep", test_stash_keep, NULL);
  ADD ("/store/stash/delete", test_stash_delete, NULL);
  ADD ("/store/stash/unstash-none", test_unstash_none, NULL);
  ADD ("/store/stash/missing", test_stash_missing, NULL);
  ADD ("/store/stash/symlink", test_stash_symlink, NULL);
  ADD ("/store/async/set-get-progress", test_async_set_get, NULL);
  ADD ("/store/async/get-cancelled", test_async_get_cancelled, NULL);
  ADD ("/store/async/get-streamed", test_async_get_streamed, NULL);
  ADD ("/store/async/stash-unstash", test_async_stash_unstash, NULL);
  ADD ("/store/query", test_query_shard, NULL);
  ADD ("/store/main-thread-check", test_main_thread_check, NULL);
#undef ADD

  return g_test_run ();
}
