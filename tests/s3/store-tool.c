/* store-tool.c: what drey-cli does not do, on any store, for
 * tests/s3/test-s3.py: the window's Undo (a stash before a set or a
 * remove, then the unstash), the stamp a save compares, a streamed
 * listing, and the window's save (DreyShardDocument's checks and its
 * write on condition)
 *
 * Usage: store-tool undo-set STORE KEY
 *        store-tool undo-remove STORE KEY
 *        store-tool query STORE KEY
 *        store-tool stream STORE
 *        store-tool save STORE KEY edit|new [replace|again]
 *
 * save loads KEY and adds a sample at the front (edit), or makes KEY a
 * new shard of one sample (new), and saves it as the window does. A
 * refusal (changed on disk, key taken) prints "refused CODE: MESSAGE"
 * and exits 3; with replace it saves again with DREY_SAVE_FLAGS_REPLACE,
 * as after the user agreed. Then "saved", or "failed: MESSAGE". With
 * again, a saved document gets another sample and is saved once more, on
 * the stamp the first save left: a second line, "saved" or "refused ...".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "drey-shard-document.h"
#include "sq.h"

static int
fail (GError *error)
{
  fprintf (stderr, "store-tool: %s\n", error->message);
  g_error_free (error);
  return 1;
}

static void
on_batch (GPtrArray *batch,
          gpointer   user_data)
{
  for (guint i = 0; i < batch->len; i++)
    printf ("%s\n", sq_key_info_get_key (g_ptr_array_index (batch, i)));
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
} Listing;

static void
on_listed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Listing *listing = user_data;
  guint n = 0;

  if (sq_store_list_keys_streamed_finish (SQ_STORE (object), result, &n, &listing->error))
    printf ("# %u keys\n", n);
  g_main_loop_quit (listing->loop);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static int
save (SqStore    *store,
      const char *key,
      const char *mode,
      gboolean    replace,
      gboolean    again)
{
  g_autoptr(DreyShardDocument) doc = drey_shard_document_new (store);
  g_autoptr(SqValue) sample = sq_value_from_json ("{\"saved\": \"by drey\"}", -1, NULL);
  g_autoptr(GAsyncResult) loaded = NULL;
  GError *error = NULL;

  if (g_str_equal (mode, "new"))
    {
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

      g_ptr_array_add (samples, sq_value_ref (sample));
      drey_shard_document_open_new (doc, key, samples);
    }
  else
    {
      drey_shard_document_load_async (doc, key, NULL, store_result, &loaded);
      if (!drey_shard_document_load_finish (doc, wait_result (&loaded), &error))
        return fail (error);
      drey_shard_document_insert_sample (doc, 0, sample);
    }

  for (DreySaveFlags flags = DREY_SAVE_FLAGS_NONE;;)
    {
      g_autoptr(GAsyncResult) saved = NULL;
      g_autoptr(DreyShardUndo) undo = NULL;

      drey_shard_document_save_async (doc, flags, NULL, store_result, &saved);
      undo = drey_shard_document_save_finish (doc, wait_result (&saved), &error);
      if (undo != NULL)
        {
          printf ("saved\n");
          fflush (stdout);
          if (!again)
            return 0;
          /* Once more, on the stamp this save left. */
          again = replace = FALSE;
          flags = DREY_SAVE_FLAGS_NONE;
          drey_shard_document_insert_sample (doc, 0, sample);
          continue;
        }
      if (flags == DREY_SAVE_FLAGS_NONE && error->domain == DREY_SHARD_DOCUMENT_ERROR &&
          (error->code == DREY_SHARD_DOCUMENT_ERROR_EXISTS || error->code == DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK))
        {
          printf ("refused %s: %s\n", error->code == DREY_SHARD_DOCUMENT_ERROR_EXISTS ? "exists" : "changed-on-disk",
                  error->message);
          fflush (stdout);
          g_clear_error (&error);
          if (!replace)
            return 3;
          flags = DREY_SAVE_FLAGS_REPLACE;
          continue;
        }
      printf ("failed: %s\n", error->message);
      g_error_free (error);
      return 1;
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GFile) location = NULL;
  g_autoptr(SqStore) store = NULL;
  GError *error = NULL;

  if (argc < 3)
    {
      fprintf (stderr, "usage: store-tool undo-set|undo-remove|query STORE KEY | stream STORE | "
                       "save STORE KEY edit|new [replace|again]\n");
      return 2;
    }
  location = g_file_new_for_commandline_arg (argv[2]);
  store = sq_store_new (location);

  if (g_str_equal (argv[1], "stream"))
    {
      Listing listing = { g_main_loop_new (NULL, FALSE), NULL };

      sq_store_list_keys_streamed_async (store, SQ_LIST_KEYS_DEFAULT, NULL, on_batch, NULL, NULL, on_listed,
                                         &listing);
      g_main_loop_run (listing.loop);
      g_main_loop_unref (listing.loop);
      fflush (stdout);
      return listing.error ? fail (listing.error) : 0;
    }
  if (argc < 4)
    return 2;

  if (g_str_equal (argv[1], "save") &&
      (argc == 5 || (argc == 6 && (g_str_equal (argv[5], "replace") || g_str_equal (argv[5], "again")))))
    return save (store, argv[3], argv[4], argc == 6 && g_str_equal (argv[5], "replace"),
                 argc == 6 && g_str_equal (argv[5], "again"));
  if (g_str_equal (argv[1], "query"))
    {
      gint64 size, mtime;
      g_autofree char *etag = NULL;

      if (!sq_store_query_shard (store, argv[3], NULL, &size, &mtime, &etag, &error))
        return fail (error);
      printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n", size, mtime, etag ? etag : "-");
      return 0;
    }
  if (g_str_equal (argv[1], "undo-set") || g_str_equal (argv[1], "undo-remove"))
    {
      gboolean set = g_str_equal (argv[1], "undo-set");
      g_autoptr(GFile) stash = sq_store_stash_shard (store, argv[3], set, NULL, &error);
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
      g_autofree char *written = NULL;
      g_autofree char *uri = NULL;

      if (stash == NULL)
        return fail (error);
      if (set)
        {
          g_ptr_array_add (samples, sq_value_from_json ("{\"replaced\": true}", -1, NULL));
          written = sq_store_set (store, argv[3], samples, NULL, NULL, NULL, &error);
          if (written == NULL)
            return fail (error);
        }
      else if (sq_store_query_shard (store, argv[3], NULL, NULL, NULL, NULL, NULL))
        {
          fprintf (stderr, "store-tool: '%s' is still there after its stash\n", argv[3]);
          return 1;
        }
      /* What the window shows between the edit and the Undo. */
      uri = g_file_get_uri (stash);
      printf ("stashed %s\n", uri);
      fflush (stdout);
      if (getenv ("STORE_TOOL_PAUSE") != NULL)
        getchar ();
      if (!sq_store_unstash_shard (store, argv[3], stash, NULL, &error))
        return fail (error);
      return 0;
    }
  return 2;
}
