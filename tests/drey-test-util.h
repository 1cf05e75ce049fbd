/* drey-test-util.h: what several tests need, beside their own code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Deletes @path and everything below it; a symlink to a folder goes, not
 * what it points to. */
static inline void
drey_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        drey_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Copies the files of @from (not its folders) into @to, made if needed. */
static inline void
drey_test_copy_tree (const char *from,
                     const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (dst, contents, (gssize) len, NULL));
    }
}

/* A copy of the bundled example store @name in a new temporary folder
 * (*@dir, for drey_test_remove_tree()), for a test to open and change. */
static inline GFile *
drey_test_copy_example_store (const char  *name,
                              char       **dir)
{
  g_autofree char *example = g_build_filename (SOURCE_DATADIR, "example-stores", name, NULL);
  g_autofree char *store = NULL;
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("drey-test-XXXXXX", &error);
  g_assert_no_error (error);
  store = g_build_filename (*dir, name, NULL);
  drey_test_copy_tree (example, store);
  return g_file_new_for_path (store);
}

/* @payload gzip-compressed: a shard of exactly those bytes. */
static inline GBytes *
drey_test_gzip (const void *payload,
                gsize       len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize written;

  g_assert_true (g_output_stream_write_all (out, payload, len, &written, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Writes @payload gzip-compressed to @path: a shard of exactly those bytes. */
static inline void
drey_test_write_gzip (const char *path,
                      const void *payload,
                      gsize       len)
{
  g_autoptr(GBytes) bytes = drey_test_gzip (payload, len);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL));
}

/* A new temporary home for the test's XDG data and cache, so that opening
 * stores (the recent files, the scan cache) leaves the user's alone; for
 * drey_test_remove_tree() after g_test_run(). */
static inline char *
drey_test_private_home (void)
{
  g_autoptr(GError) error = NULL;
  char *home = g_dir_make_tmp ("drey-test-home-XXXXXX", &error);
  g_autofree char *data_home = NULL;
  g_autofree char *cache_home = NULL;

  g_assert_no_error (error);
  data_home = g_build_filename (home, "data", NULL);
  cache_home = g_build_filename (home, "cache", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  return home;
}

/* A "notify" handler that counts into the guint at @count. */
static inline void
drey_test_count_notify (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    count)
{
  (*(guint *) count)++;
}

static inline gboolean
drey_test_timed_out (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* How long a wait may take before it fails the test: a minute, six under
 * the sanitizers (the suite's own timeout multiplier), whose builds run UI
 * tests several times slower on a loaded machine. */
static inline guint
drey_test_wait_seconds (void)
{
  return g_getenv ("DREY_SANITIZED") != NULL ? 360 : 60;
}

/* A timeout that only wakes the main loop, for DREY_TEST_WAIT_FOR on a
 * condition no event announces. */
static inline gboolean
drey_test_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @cond (polled) or a timeout fails the test. */
#define DREY_TEST_WAIT_FOR(cond)                                                          \
  G_STMT_START {                                                                         \
    guint _timeout = g_timeout_add_seconds (drey_test_wait_seconds (),                   \
                                            drey_test_timed_out, (gpointer) #cond);      \
    while (!(cond))                                                                      \
      g_main_context_iteration (NULL, TRUE);                                             \
    g_source_remove (_timeout);                                                          \
  } G_STMT_END

/* Runs the main loop until the test holds the last reference to @object.
 * Workers let go of their tasks, which hold their source objects, a little
 * after they return, and a thread does that without waking the main loop:
 * so this polls. */
static inline void
drey_test_wait_for_last_ref (gpointer object)
{
  for (guint i = 0; G_OBJECT (object)->ref_count > 1; i++)
    {
      g_assert_cmpuint (i, <, 20000);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Timing bounds are a benchmark's, not a unit test's: a loaded CI machine
 * or a sanitizer build misses them without anything being wrong. Tests
 * that measure print what they measured, and check the bound only when
 * DREY_TEST_TIMING is set, as tests/bench/ui-responsiveness.py sets it. */
static inline gboolean
drey_test_timing (void)
{
  return g_getenv ("DREY_TEST_TIMING") != NULL;
}

G_END_DECLS
