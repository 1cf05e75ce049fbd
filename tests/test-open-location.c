/* test-open-location.c: a bucket opened as a user opens one: Ctrl+L, the
 * URL typed, Enter
 *
 * Run by tests/s3/test-open-location.py, which starts s3rver, seeds a
 * bucket with boto3 and says where in the environment: DREY_TEST_S3_URL
 * (the store), DREY_TEST_S3_KEYS (its keys, in order, comma-separated),
 * DREY_TEST_S3_SAMPLES (how many samples the first one holds) and
 * DREY_TEST_S3_SECRET (the secret key, which must be written nowhere).
 * Without them it skips. The keys are real key presses (xdotool), so it
 * runs alone. Set DREY_SCREENSHOT_DIR to have it write remote.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "drey-key-item.h"
#include "drey-key-list.h"
#include "drey-new-shard-dialog.h"
#include "drey-sample-view.h"
#include "drey-window.h"
#include "drey-test-util.h"
#include "sq.h"
#include "drey-test-ui.h"

#define WAIT_FOR DREY_TEST_WAIT_FOR

typedef struct
{
  const char     *url;
  char          **keys;
  guint           n_samples;
  const char     *secret;
  DreyWindow     *window;
  DreyKeyList    *key_list;
  DreySampleView *sample_view;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *keys = g_getenv ("DREY_TEST_S3_KEYS");
  const char *samples = g_getenv ("DREY_TEST_S3_SAMPLES");

  f->url = g_getenv ("DREY_TEST_S3_URL");
  f->secret = g_getenv ("DREY_TEST_S3_SECRET");
  if (f->url == NULL || keys == NULL || samples == NULL || f->secret == NULL)
    return;
  f->keys = g_strsplit (keys, ",", -1);
  f->n_samples = (guint) g_ascii_strtoull (samples, NULL, 10);

  f->window = drey_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  f->key_list = DREY_KEY_LIST (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW, "key_list"));
  f->sample_view = DREY_SAMPLE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW,
                                                                    "sample_view"));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_strfreev (f->keys);
}

/* The window's dialog (Open Location is an AdwMessageDialog), once shown. */
static AdwMessageDialog *
find_dialog (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == GTK_WINDOW (f->window) &&
          gtk_widget_get_mapped (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
keys_are (Fixture *f)
{
  GListModel *model = G_LIST_MODEL (drey_key_list_get_model (f->key_list));
  guint n = g_list_model_get_n_items (model);

  if (n != g_strv_length (f->keys))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreyKeyItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (drey_key_item_get_key (item), f->keys[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Whether what GtkRecentManager wrote holds @text; *@contents is all of it. */
static gboolean
recent_file_holds (const char  *text,
                   char       **contents)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "recently-used.xbel", NULL);

  g_clear_pointer (contents, g_free);
  DREY_TEST_BLOCKING (g_file_get_contents (path, contents, NULL, NULL));
  return *contents != NULL && strstr (*contents, text) != NULL;
}

static void
open_by_location (Fixture *f)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  /* Ctrl+L, typed: the pointer in the window gives it the keyboard (no
   * window manager under Xvfb: the focus follows the pointer). */
  drey_test_xdotool (GTK_WIDGET (f->window), "mousemove --window %w 40 40 key --clearmodifiers ctrl+l");
  WAIT_FOR ((dialog = find_dialog (f)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Open Location");
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (entry));
  WAIT_FOR (gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (dialog))) &&
            gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), entry));

  /* The URL, typed into the dialog, then Enter. The dialog is another X
   * window: it takes the keyboard (windowfocus), as a window manager
   * would give it. */
  {
    g_autofree char *type = g_strdup_printf ("mousemove --window %%w 20 20 windowfocus --sync %%w type --delay 15 '%s'", f->url);

    drey_test_xdotool (GTK_WIDGET (dialog), type);
  }
  WAIT_FOR (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), f->url) == 0);
  drey_test_xdotool (GTK_WIDGET (dialog), "key --clearmodifiers Return");
  WAIT_FOR (find_dialog (f) == NULL);

  WAIT_FOR (drey_window_get_store (f->window) != NULL &&
            !drey_key_model_get_loading (drey_key_list_get_model (f->key_list)));
  g_assert_no_error (drey_key_model_get_error (drey_key_list_get_model (f->key_list)));
}

static void
test_open_location (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *title;
  DreyShardDocument *document;
  g_autofree char *recent = NULL;
  guint waker;
  g_autoptr(GtkRecentInfo) info = NULL;

  if (f->url == NULL)
    {
      g_test_skip ("needs s3rver: tests/s3/test-open-location.py runs this");
      return;
    }
  open_by_location (f);

  /* The bucket's keys, in squirrel's order. */
  WAIT_FOR (keys_are (f));
  g_assert_true (sq_store_location_is_bucket (sq_store_get_location (drey_window_get_store (f->window))));

  /* The header names the store and its bucket. */
  title = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW, "window_title"));
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), ==, strrchr (f->url, '/') + 1);
  WAIT_FOR (g_strcmp0 (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), f->url) == 0);

  /* A shard opens: downloaded and decoded on a worker. */
  g_assert_true (drey_key_list_select_key (f->key_list, f->keys[0]));
  document = drey_sample_view_get_document (f->sample_view);
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (document), f->keys[0]) == 0 &&
            drey_shard_document_get_state (document) != DREY_SHARD_STATE_LOADING &&
            drey_shard_document_get_state (document) != DREY_SHARD_STATE_EMPTY);
  g_assert_no_error (drey_shard_document_get_error (document));
  g_assert_cmpint (drey_shard_document_get_state (document), ==, DREY_SHARD_STATE_LOADED);
  g_assert_cmpuint (drey_shard_document_get_n_samples (document), ==, f->n_samples);

  if (g_getenv ("DREY_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("DREY_SCREENSHOT_DIR"), "remote.png", NULL);

      /* Let the tree and the key list draw their rows first. */
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      drey_test_save_screenshot (GTK_WIDGET (f->window), path);
    }

  /* The recent stores keep the URL, and no credential anywhere. */
  info = gtk_recent_manager_lookup_item (gtk_recent_manager_get_default (), f->url, NULL);
  g_assert_nonnull (info);
  g_assert_cmpstr (gtk_recent_info_get_uri (info), ==, f->url);
  g_assert_null (strstr (gtk_recent_info_get_uri (info), f->secret));
  /* The file is written from an idle: poll it. */
  waker = g_timeout_add (50, drey_test_wake, NULL);
  WAIT_FOR (recent_file_holds (f->url, &recent));
  g_source_remove (waker);
  g_assert_null (strstr (recent, f->secret));
}

/* New Shard asks the bucket whether a key is taken, as it asks a folder. */
static void
test_new_shard_existing_key (Fixture       *f,
                             gconstpointer  data)
{
  DreyNewShardDialog *dialog;
  GtkLabel *message;

  if (f->url == NULL)
    {
      g_test_skip ("needs s3rver: tests/s3/test-open-location.py runs this");
      return;
    }
  open_by_location (f);
  WAIT_FOR (keys_are (f));

  dialog = drey_new_shard_dialog_new (drey_window_get_store (f->window), NULL, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (f->window));
  gtk_window_present (GTK_WINDOW (dialog));
  message = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (dialog), DREY_TYPE_NEW_SHARD_DIALOG,
                                                      "key_message"));

  drey_new_shard_dialog_set_key (dialog, f->keys[0]);
  WAIT_FOR (g_strcmp0 (gtk_label_get_text (message),
                       "A shard with this key exists. Creating replaces it when you save.") == 0);
  drey_new_shard_dialog_set_key (dialog, "not-in-the-bucket");
  WAIT_FOR (g_strcmp0 (gtk_label_get_text (message),
                       "A shard with this key exists. Creating replaces it when you save.") != 0 &&
            gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                                DREY_TYPE_NEW_SHARD_DIALOG,
                                                                                "create_button"))));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  DREY_TEST_UI_INIT (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/open-location/bucket", test_open_location);
  ADD ("/open-location/new-shard-existing-key", test_new_shard_existing_key);
#undef ADD

  return g_test_run ();
}
