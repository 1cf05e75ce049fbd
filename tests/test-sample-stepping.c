/* test-sample-stepping.c: J/K (and Page Down/Up over the array panel)
 * walk the samples across shard boundaries, keeping the field selected
 *
 * On a copy of the bundled example store (written by the reference
 * encoder): digits-00 ... digits-17 of 100 samples each, then photos.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "drey-array-panel.h"
#include "drey-key-list.h"
#include "drey-sample-node.h"
#include "drey-sample-view.h"
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
} Fixture;

#define WAIT_FOR DREY_TEST_WAIT_FOR
#define DOC(f) drey_sample_view_get_document ((f)->sample_view)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->location = drey_test_copy_example_store ("digits-and-photos", &f->dir);

  f->window = drey_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  f->key_list = DREY_KEY_LIST (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW, "key_list"));
  f->sample_view = DREY_SAMPLE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW,
                                                                    "sample_view"));

  drey_window_open_store (f->window, f->location);
  WAIT_FOR (drey_window_get_store (f->window) != NULL &&
            !drey_key_model_get_loading (drey_key_list_get_model (f->key_list)) &&
            drey_key_list_get_n_keys (f->key_list) == 19);
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

static void
select_and_wait (Fixture    *f,
                 const char *key)
{
  g_assert_true (drey_key_list_select_key (f->key_list, key));
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), key) == 0 &&
            drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED);
}

/* The field @name of sample @index of the shard on screen. */
static DreySampleNode *
field_of (Fixture    *f,
          guint       index,
          const char *name)
{
  g_autoptr(DreySampleNode) sample = g_list_model_get_item (drey_shard_document_get_samples (DOC (f)), index);
  GListModel *children = drey_sample_node_get_children (sample);

  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(DreySampleNode) child = g_list_model_get_item (children, i);

      if (g_strcmp0 (drey_sample_node_get_name (child), name) == 0)
        return g_steal_pointer (&child);
    }
  g_assert_not_reached ();
}

static char *
selected_path (Fixture *f)
{
  return drey_sample_view_get_python_path (f->sample_view);
}

/* Waits until the tree shows @key with @path selected. */
static void
wait_for_selection (Fixture    *f,
                    const char *key,
                    const char *path)
{
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), key) == 0 &&
            drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED &&
            ({ g_autofree char *shown = selected_path (f); g_strcmp0 (shown, path) == 0; }));
}

static void
step (Fixture *f,
      int      direction)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sample_view),
                                             direction > 0 ? "samples.next-sample" : "samples.previous-sample",
                                             NULL));
}

/* The array panel's own Page Down or Up, as its shortcut controller
 * has it. */
static void
panel_key (Fixture    *f,
           const char *trigger)
{
  GtkWidget *scroller = gtk_widget_get_parent (GTK_WIDGET (drey_sample_view_get_array_panel (f->sample_view)));
  gboolean done = FALSE;

  /* The panel sits in a scrolled window, through a viewport. */
  while (scroller != NULL && !GTK_IS_SCROLLED_WINDOW (scroller))
    scroller = gtk_widget_get_parent (scroller);
  g_assert_nonnull (scroller);
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (scroller);

    for (guint c = 0; c < g_list_model_get_n_items (controllers) && !done; c++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

        if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
          continue;
        for (guint s = 0; s < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !done; s++)
          {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), s);
            g_autofree char *name = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

            if (g_str_equal (name, trigger))
              done = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, scroller, NULL);
          }
      }
  }
  g_assert_true (done);
}

/* J at a shard's last sample opens the next key with the same field
 * selected in its first sample, the array panel showing it; K goes back. */
static void
test_stepping_across_shards (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DreySampleNode) image = NULL;
  DreyArrayPanel *panel = drey_sample_view_get_array_panel (f->sample_view);

  select_and_wait (f, "digits-00");
  g_assert_cmpuint (drey_shard_document_get_n_samples (DOC (f)), ==, 100);
  image = field_of (f, 99, "image");
  drey_sample_view_select_node (f->sample_view, image);
  wait_for_selection (f, "digits-00", "list(store.get(\"digits-00\"))[99][\"image\"]");

  step (f, 1);
  wait_for_selection (f, "digits-01", "list(store.get(\"digits-01\"))[0][\"image\"]");
  g_assert_cmpstr (drey_key_list_get_selected_key (f->key_list), ==, "digits-01");
  WAIT_FOR (!drey_array_panel_get_busy (panel) && drey_array_panel_get_summary (panel) != NULL);
  g_assert_true (drey_array_panel_has_image (panel));
  {
    /* the panel shows this sample's array, not the one before */
    g_autoptr(DreySampleNode) first = field_of (f, 0, "image");
    g_autoptr(SqSummary) expected = sq_summary_new (sq_value_get_ndarray (drey_sample_node_get_value (first)),
                                                    NULL, NULL);

    g_assert_cmpfloat (drey_array_panel_get_summary (panel)->mean, ==, expected->mean);
  }

  step (f, -1);
  wait_for_selection (f, "digits-00", "list(store.get(\"digits-00\"))[99][\"image\"]");
  g_assert_cmpstr (drey_key_list_get_selected_key (f->key_list), ==, "digits-00");

  /* within a shard: a nested field is kept too */
  {
    g_autoptr(DreySampleNode) meta = field_of (f, 98, "metadata");
    GListModel *children = drey_sample_node_get_children (meta);
    g_autoptr(DreySampleNode) source = g_list_model_get_item (children, 1);

    g_assert_cmpstr (drey_sample_node_get_name (source), ==, "source");
    drey_sample_view_select_node (f->sample_view, source);
    step (f, 1);
    wait_for_selection (f, "digits-00", "list(store.get(\"digits-00\"))[99][\"metadata\"][\"source\"]");
    step (f, 1);
    wait_for_selection (f, "digits-01", "list(store.get(\"digits-01\"))[0][\"metadata\"][\"source\"]");
  }
}

/* Page Down and Up over the array panel step as J and K do. */
static void
test_stepping_from_array_panel (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(DreySampleNode) image = NULL;

  select_and_wait (f, "digits-05");
  image = field_of (f, 98, "image");
  drey_sample_view_select_node (f->sample_view, image);
  panel_key (f, "Page_Down");
  wait_for_selection (f, "digits-05", "list(store.get(\"digits-05\"))[99][\"image\"]");
  panel_key (f, "Page_Down");
  wait_for_selection (f, "digits-06", "list(store.get(\"digits-06\"))[0][\"image\"]");
  panel_key (f, "Page_Up");
  wait_for_selection (f, "digits-05", "list(store.get(\"digits-05\"))[99][\"image\"]");
}

/* Lets whatever a step started (there should be nothing) happen. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* Before the first key and after the last there is nowhere to go: the
 * selection stays. A field the next shard's samples lack leaves their
 * sample selected. */
static void
test_stepping_ends (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DreySampleNode) label = NULL;
  g_autoptr(DreySampleNode) caption = NULL;

  select_and_wait (f, "digits-00");
  label = field_of (f, 0, "label");
  drey_sample_view_select_node (f->sample_view, label);
  step (f, -1);
  settle ();
  {
    g_autofree char *path = selected_path (f);

    g_assert_cmpstr (drey_shard_document_get_key (DOC (f)), ==, "digits-00");
    g_assert_cmpstr (path, ==, "list(store.get(\"digits-00\"))[0][\"label\"]");
  }

  /* digits-17's label, then photos: whose samples have no label */
  select_and_wait (f, "digits-17");
  g_clear_object (&label);
  label = field_of (f, drey_shard_document_get_n_samples (DOC (f)) - 1, "label");
  drey_sample_view_select_node (f->sample_view, label);
  step (f, 1);
  wait_for_selection (f, "photos", "list(store.get(\"photos\"))[0]");

  /* photos is the last key */
  caption = field_of (f, 4, "caption");
  drey_sample_view_select_node (f->sample_view, caption);
  step (f, 1);
  settle ();
  {
    g_autofree char *path = selected_path (f);

    g_assert_cmpstr (path, ==, "list(store.get(\"photos\"))[4][\"caption\"]");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = drey_test_private_home ();
  int status;

  DREY_TEST_UI_INIT (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/stepping/across-shards", test_stepping_across_shards);
  ADD ("/stepping/from-array-panel", test_stepping_from_array_panel);
  ADD ("/stepping/ends", test_stepping_ends);
#undef ADD

  status = g_test_run ();
  drey_test_remove_tree (home);
  return status;
}
