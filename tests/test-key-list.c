/* test-key-list.c: the left pane, on stores of empty shards made here
 *
 * Listing only reads directory entries and file sizes, so shards here are
 * files of zeros of chosen sizes; no shard is decoded.
 *
 * Set DREY_KEY_LIST_PNG to a path to keep a picture of the pane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "drey-key-list.h"
#include "drey-test-ui.h"
#include "drey-test-util.h"
#include "sq.h"

/* The bound on how long the main loop may be kept busy, checked when
 * drey_test_timing() (tests/bench/ui-responsiveness.py). */
#define MAX_GAP_USEC (50 * 1000)
#define N_MANY_KEYS  100000

typedef struct
{
  char        *dir;
  char        *root;
  GtkWindow    *window;
  DreyKeyModel *model;
  DreyKeyList  *list;
} Fixture;

/* The small store: keys, file sizes, and ages in hours. */
static const struct
{
  const char *key;
  gsize       size;
  int         age;
} small_store[] = {
  { "b", 100, 5 },
  { "a", 2000, 1 },
  { "A", 50, 7 },
  { "A-1", 70000, 3 },
  { "digits-03", 3500, 2 },
  { "digits-10", 3700, 6 },
  { "Z9", 10, 4 },
};

/* Squirrel's order: by file name, so "A-1.gz" before "A.gz". */
static const char *const small_order[] = { "A-1", "A", "Z9", "a", "b", "digits-03", "digits-10", NULL };
static const char *const small_by_size[] = { "A-1", "digits-10", "digits-03", "a", "b", "A", "Z9", NULL };
static const char *const small_by_date[] = { "a", "digits-03", "A-1", "Z9", "b", "digits-10", "A", NULL };

#define WAIT_FOR DREY_TEST_WAIT_FOR

static void
write_shard (const char *root,
             const char *key,
             gsize       size,
             int         age_hours)
{
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autofree char *path = g_build_filename (root, name, NULL);
  g_autofree char *zeros = g_malloc0 (size + 1);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, zeros, (gssize) size, NULL));
  times.actime = times.modtime = time (NULL) - age_hours * 3600;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("drey-test-key-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->dir, "store", NULL);
  g_assert_cmpint (g_mkdir (f->root, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (small_store); i++)
    write_shard (f->root, small_store[i].key, small_store[i].size, small_store[i].age);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->model = drey_key_model_new ();
  f->list = DREY_KEY_LIST (drey_key_list_new ());
  drey_key_list_set_model (f->list, f->model);
  gtk_window_set_child (f->window, GTK_WIDGET (f->list));
  gtk_window_set_default_size (f->window, 320, 560);
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gpointer list = f->list;
  gpointer model = f->model;

  /* The pane goes with its window; the model once a listing it cancelled
   * returns. */
  g_object_add_weak_pointer (list, &list);
  g_object_add_weak_pointer (model, &model);
  drey_key_model_set_store (f->model, NULL);
  gtk_window_destroy (f->window);
  g_object_unref (f->model);
  WAIT_FOR (list == NULL && model == NULL);
  drey_test_remove_tree (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static void
open_store (Fixture    *f,
            const char *path)
{
  g_autoptr(GFile) location = g_file_new_for_path (path);
  g_autoptr(SqStore) store = sq_store_new (location);

  drey_key_model_set_store (f->model, store);
  g_assert_true (drey_key_model_get_store (f->model) == store);
  g_assert_true (drey_key_model_get_loading (f->model));
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

#define find_row drey_test_find_key_row

static GtkListView *
list_view (Fixture *f)
{
  GtkWidget *view = find_widget (GTK_WIDGET (f->list), GTK_TYPE_LIST_VIEW);

  g_assert_nonnull (view);
  return GTK_LIST_VIEW (view);
}

static GtkSingleSelection *
selection (Fixture *f)
{
  return GTK_SINGLE_SELECTION (gtk_list_view_get_model (list_view (f)));
}

static const char *
visible_page (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (list_view (f)), GTK_TYPE_STACK);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The footer: the last label of the pane, or NULL if hidden. */
static const char *
footer (Fixture *f)
{
  GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (f->list));
  GtkWidget *footer_box = gtk_widget_get_last_child (box);
  GtkWidget *label = gtk_widget_get_last_child (gtk_widget_get_last_child (footer_box));

  if (!gtk_widget_get_visible (footer_box))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (label));
}

/* Whether the rows show exactly @keys, in that order. */
static gboolean
rows_are (Fixture           *f,
          const char *const *keys)
{
  GListModel *model = G_LIST_MODEL (selection (f));
  guint n = g_list_model_get_n_items (model);

  if (n != g_strv_length ((GStrv) keys))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_autofree char *key = NULL;

      g_object_get (item, "key", &key, NULL);
      if (!g_str_equal (key, keys[i]))
        return FALSE;
    }
  return TRUE;
}

static void
open_small_store (Fixture *f)
{
  open_store (f, f->root);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  WAIT_FOR (rows_are (f, small_order));
}

static void
test_order_and_footer (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *total = g_format_size (100 + 2000 + 50 + 70000 + 3500 + 3700 + 10);
  g_autofree char *expected = g_strdup_printf ("7 keys · %s", total);
  guint n_keys_notified = 0;

  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 0);
  g_assert_null (drey_key_list_get_selected_key (f->list));
  g_signal_connect (f->list, "notify::n-keys", G_CALLBACK (drey_test_count_notify), &n_keys_notified);

  open_small_store (f);
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 7);
  g_assert_cmpuint (drey_key_list_get_n_visible (f->list), ==, 7);
  g_assert_cmpuint (n_keys_notified, >=, 1);
  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpstr (visible_page (f), ==, "list");
  g_assert_cmpstr (footer (f), ==, expected);
  /* Nothing is selected (and so decoded) until the user picks a key. */
  g_assert_null (drey_key_list_get_selected_key (f->list));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, GTK_INVALID_LIST_POSITION);

  drey_key_model_set_store (f->model, NULL);
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 0);
  g_assert_false (drey_key_model_get_loading (f->model));
  g_assert_null (drey_key_model_get_store (f->model));
  g_signal_handlers_disconnect_by_data (f->list, &n_keys_notified);
}

static void
record_most_visible (DreyKeyList *list,
                     GParamSpec  *pspec,
                     guint       *most)
{
  *most = MAX (*most, drey_key_list_get_n_visible (list));
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  static const char *const digits[] = { "digits-03", "digits-10", NULL };

  open_small_store (f);

  drey_key_list_set_filter_text (f->list, "digits");
  WAIT_FOR (rows_are (f, digits));
  g_assert_cmpuint (drey_key_list_get_n_visible (f->list), ==, 2);
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 7);
  g_assert_cmpstr (footer (f), ==, "2 of 7 keys");

  /* Case does not matter, as in any GNOME search. A longer search only
   * looks among the matches: the list never shows every key between. */
  {
    guint most_visible = 0;

    g_signal_connect (f->list, "notify::n-visible", G_CALLBACK (record_most_visible), &most_visible);
    drey_key_list_set_filter_text (f->list, "DIGITS-1");
    WAIT_FOR (drey_key_list_get_n_visible (f->list) == 1);
    g_assert_cmpuint (most_visible, ==, 1);
    g_signal_handlers_disconnect_by_data (f->list, &most_visible);
  }

  drey_key_list_set_filter_text (f->list, "no such key");
  WAIT_FOR (g_str_equal (visible_page (f), "no-results"));
  g_assert_cmpuint (drey_key_list_get_n_visible (f->list), ==, 0);

  drey_key_list_set_filter_text (f->list, "");
  WAIT_FOR (rows_are (f, small_order));
  g_assert_cmpstr (visible_page (f), ==, "list");

  /* Typing in the search entry does the same, once it settles. */
  {
    GtkWidget *entry = find_widget (GTK_WIDGET (f->list), GTK_TYPE_SEARCH_ENTRY);
    GtkWidget *focus;

    drey_key_list_focus_search (f->list);
    focus = gtk_root_get_focus (GTK_ROOT (f->window));
    g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
    gtk_editable_set_text (GTK_EDITABLE (entry), "a");
    WAIT_FOR (drey_key_list_get_n_visible (f->list) == 3); /* A-1, A, a */
  }
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  open_small_store (f);
  g_assert_cmpstr (drey_key_list_get_sort_by (f->list), ==, "name");

  /* As the sort menu does it. */
  gtk_widget_activate_action (GTK_WIDGET (f->list), "key-list.sort-by", "s", "size");
  g_assert_cmpstr (drey_key_list_get_sort_by (f->list), ==, "size");
  WAIT_FOR (rows_are (f, small_by_size));

  g_object_set (f->list, "sort-by", "date", NULL);
  WAIT_FOR (rows_are (f, small_by_date));

  drey_key_list_set_sort_by (f->list, "name");
  WAIT_FOR (rows_are (f, small_order));

  /* Each order also runs backwards (the menu's Reverse Order). */
  {
    g_autofree const char **reversed = g_new0 (const char *, G_N_ELEMENTS (small_order));
    g_autofree const char **size_reversed = g_new0 (const char *, G_N_ELEMENTS (small_by_size));
    guint n = G_N_ELEMENTS (small_order) - 1;

    for (guint i = 0; i < n; i++)
      {
        reversed[i] = small_order[n - 1 - i];
        size_reversed[i] = small_by_size[n - 1 - i];
      }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->list), "key-list.sort-reversed", NULL));
    g_assert_true (drey_key_list_get_sort_reversed (f->list));
    WAIT_FOR (rows_are (f, reversed));
    drey_key_list_set_sort_by (f->list, "size");
    WAIT_FOR (rows_are (f, size_reversed));
    drey_key_list_set_sort_reversed (f->list, FALSE);
    WAIT_FOR (rows_are (f, small_by_size));
  }
}

static void on_key_activated (DreyKeyList  *list,
                              const char   *key,
                              char        **activated);

/* Enter in the search opens a single match; Down goes to the first row. */
static void
test_search_keys (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const digits[] = { "digits-03", "digits-10", NULL };
  g_autofree char *activated = NULL;
  GtkWidget *entry;

  open_small_store (f);
  g_signal_connect (f->list, "key-activated", G_CALLBACK (on_key_activated), &activated);
  drey_key_list_focus_search (f->list);
  entry = find_widget (GTK_WIDGET (f->list), GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "its-1");
  WAIT_FOR (drey_key_list_get_n_visible (f->list) == 1);
  g_signal_emit_by_name (entry, "activate");   /* Enter */
  g_assert_cmpstr (activated, ==, "digits-10");
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "digits-10");

  /* Two matches: Enter only picks the first, opening nothing. */
  g_clear_pointer (&activated, g_free);
  drey_key_list_focus_search (f->list);
  gtk_editable_set_text (GTK_EDITABLE (entry), "digits");
  WAIT_FOR (rows_are (f, digits));
  g_signal_emit_by_name (entry, "activate");
  g_assert_null (activated);

  /* Down, a real key press, from the search: the first row. */
  drey_key_list_select_key (f->list, "digits-10");
  drey_key_list_focus_search (f->list);
  drey_test_xdotool (GTK_WIDGET (f->window), "mousemove --window %w 20 20 key --clearmodifiers Down");
  WAIT_FOR (g_strcmp0 (drey_key_list_get_selected_key (f->list), "digits-03") == 0);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

    g_assert_true (focus == GTK_WIDGET (list_view (f)) || gtk_widget_is_ancestor (focus, GTK_WIDGET (list_view (f))));
  }
  g_signal_handlers_disconnect_by_data (f->list, &activated);
}

/* A menu button's tooltip never lies over its open menu. */
static void
test_sort_tooltip (Fixture       *f,
                   gconstpointer  data)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (f->list), GTK_TYPE_MENU_BUTTON));

  open_small_store (f);
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (button)));
  gtk_menu_button_popup (button);
  WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
  g_assert_false (gtk_widget_get_has_tooltip (GTK_WIDGET (button)));
  gtk_menu_button_popdown (button);
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (button)));
}

static void
on_key_activated (DreyKeyList  *list,
                  const char   *key,
                  char        **activated)
{
  g_free (*activated);
  *activated = g_strdup (key);
}

static guint
position_of (Fixture    *f,
             const char *key)
{
  GListModel *model = G_LIST_MODEL (selection (f));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_autofree char *item_key = NULL;

      g_object_get (item, "key", &item_key, NULL);
      if (g_str_equal (item_key, key))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
test_select (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *activated = NULL;
  guint n_notified = 0;

  open_small_store (f);
  g_signal_connect (f->list, "notify::selected-key", G_CALLBACK (drey_test_count_notify), &n_notified);
  g_signal_connect (f->list, "key-activated", G_CALLBACK (on_key_activated), &activated);

  g_assert_false (drey_key_list_select_key (f->list, "no-such-key"));
  g_assert_cmpuint (n_notified, ==, 0);

  g_assert_true (drey_key_list_select_key (f->list, "digits-03"));
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "digits-03");
  g_assert_cmpuint (n_notified, ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position_of (f, "digits-03"));

  /* The user picks another row. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (selection (f)), position_of (f, "a"), TRUE);
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "a");
  g_assert_cmpuint (n_notified, ==, 2);

  /* Enter or a double click on a row. */
  g_signal_emit_by_name (list_view (f), "activate", position_of (f, "b"));
  g_assert_cmpstr (activated, ==, "b");

  /* A search that hides the selected row does not change the selection,
   * and the row is selected again when it shows. */
  drey_key_list_set_filter_text (f->list, "digits");
  WAIT_FOR (drey_key_list_get_n_visible (f->list) == 2);
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "a");
  drey_key_list_set_filter_text (f->list, "");
  WAIT_FOR (drey_key_list_get_n_visible (f->list) == 7);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position_of (f, "a"));
  g_assert_cmpuint (n_notified, ==, 2);

  /* Sorting moves the row, the selection goes with it. */
  drey_key_list_set_sort_by (f->list, "size");
  WAIT_FOR (rows_are (f, small_by_size));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position_of (f, "a"));
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "a");

  /* Selecting a key the search hides clears the search. */
  drey_key_list_set_filter_text (f->list, "digits");
  WAIT_FOR (drey_key_list_get_n_visible (f->list) == 2);
  g_assert_true (drey_key_list_select_key (f->list, "Z9"));
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "Z9");
  WAIT_FOR (drey_key_list_get_n_visible (f->list) == 7);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position_of (f, "Z9"));
  g_signal_handlers_disconnect_by_data (f->list, &n_notified);
}

static void
test_sample_count (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *size = g_format_size (3500); /* "3.5 kB", with a no-break space */
  g_autofree char *label = g_strdup_printf ("digits-03, %s", size);
  g_autofree char *label_with_count = g_strdup_printf ("digits-03, %s, 100 samples", size);
  DreyKeyRow *row;

  open_small_store (f);
  /* Let the list lay out and bind its rows. */
  WAIT_FOR ((row = find_row (GTK_WIDGET (list_view (f)), "digits-03")) != NULL);

  /* No count yet: the size follows the name. */
  g_assert_cmpstr (drey_key_row_get_n_samples_text (row), ==, "");
  g_assert_cmpstr (drey_key_row_get_size_text (row), ==, size);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (row))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  drey_key_model_set_n_samples (f->model, "digits-03", 100);
  drey_key_model_set_n_samples (f->model, "no-such-key", 3); /* ignored */
  g_assert_cmpstr (drey_key_row_get_n_samples_text (row), ==, "100 samples");
  g_assert_cmpstr (drey_key_row_get_size_text (row), ==, size);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label_with_count);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (row))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, label_with_count);

  drey_key_model_set_n_samples (f->model, "digits-03", 1);
  g_assert_cmpstr (drey_key_row_get_n_samples_text (row), ==, "1 sample");
  /* Unknown again (its shard was rewritten): no count. */
  drey_key_item_set_n_samples (drey_key_model_lookup (f->model, "digits-03"), -1);
  g_assert_cmpstr (drey_key_row_get_n_samples_text (row), ==, "");
}

static int
n_samples_of (Fixture    *f,
              const char *key)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (selection (f)), position_of (f, key));
  int n_samples;

  g_object_get (item, "n-samples", &n_samples, NULL);
  return n_samples;
}

static void
test_reload (Fixture       *f,
             gconstpointer  data)
{
  static const char *const after[] = { "A-1", "A", "Z9", "a", "digits-03", "digits-10", "new-key", NULL };
  g_autofree char *gone = g_build_filename (f->root, "b.gz", NULL);
  g_autofree char *a_size = NULL;
  guint n_notified = 0;

  open_small_store (f);
  g_assert_true (drey_key_list_select_key (f->list, "digits-03"));
  drey_key_model_set_n_samples (f->model, "digits-03", 100);
  drey_key_model_set_n_samples (f->model, "a", 7);
  g_signal_connect (f->list, "notify::selected-key", G_CALLBACK (drey_test_count_notify), &n_notified);

  write_shard (f->root, "new-key", 10, 0);
  write_shard (f->root, "a", 5000, 0);
  g_assert_cmpint (g_unlink (gone), ==, 0);

  drey_key_model_reload (f->model);
  g_assert_true (drey_key_model_get_loading (f->model));
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  WAIT_FOR (rows_are (f, after));
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 7);

  /* The selection stayed, untouched. */
  g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "digits-03");
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position_of (f, "digits-03"));
  g_assert_cmpuint (n_notified, ==, 0);

  /* A sample count stays while its shard is unchanged; the rewritten
   * shard's is no longer known, and it shows its new size. */
  g_assert_cmpint (n_samples_of (f, "digits-03"), ==, 100);
  g_assert_cmpint (n_samples_of (f, "a"), ==, -1);
  a_size = g_format_size (5000);
  g_assert_nonnull (strstr (footer (f), "7 keys"));
  WAIT_FOR (find_row (GTK_WIDGET (list_view (f)), "new-key") != NULL);
  g_assert_cmpstr (drey_key_row_get_size_text (find_row (GTK_WIDGET (list_view (f)), "a")), ==, a_size);

  /* When the selected key goes, so does the selection. */
  {
    g_autofree char *path = g_build_filename (f->root, "digits-03.gz", NULL);

    g_assert_cmpint (g_unlink (path), ==, 0);
  }
  drey_key_model_reload (f->model);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 6);
  g_assert_null (drey_key_list_get_selected_key (f->list));
  g_assert_cmpuint (n_notified, ==, 1);
  g_signal_handlers_disconnect_by_data (f->list, &n_notified);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->dir, "a-file", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);
  guint n_notified = 0;

  g_signal_connect (f->model, "notify::error", G_CALLBACK (drey_test_count_notify), &n_notified);

  /* A missing store lists nothing, as squirrel's does. */
  open_store (f, missing);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 0);
  g_assert_cmpstr (visible_page (f), ==, "empty");
  g_assert_cmpuint (n_notified, ==, 0);

  /* A file is not a store. */
  g_assert_true (g_file_set_contents (file, "not a directory", -1, NULL));
  open_store (f, file);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  g_assert_error ((GError *) drey_key_model_get_error (f->model), SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE);
  g_assert_cmpuint (n_notified, ==, 1);
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 0);
  g_assert_cmpstr (visible_page (f), ==, "error");
  g_assert_null (footer (f));

  /* A good store clears the error. */
  open_store (f, f->root);
  g_assert_null (drey_key_model_get_error (f->model));
  g_assert_cmpuint (n_notified, ==, 2);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, 7);
  g_signal_handlers_disconnect_by_data (f->model, &n_notified);
}

/* ---- a store of 100,000 shards ------------------------------------------ */

typedef struct
{
  gint64   start;
  gint64   first_keys;      /* when n-keys first was > 0 */
  gint64   listed;          /* when loading went FALSE */
  gboolean keys_while_loading;
  gint64   last_beat;
  gint64   last_wait;
  gint64   max_gap;
  gint64   max_blocked;
  gint64   last_tick;
  gint64   max_tick_gap;
  guint    n_ticks;
  gint64   paint_start;
  gint64   paint_time;      /* painting frames since the last beat */
  gint64   max_paint;
} Timing;

static void
n_keys_changed (DreyKeyList *list,
                GParamSpec  *pspec,
                Timing      *t)
{
  if (drey_key_list_get_n_keys (list) > 0 && t->first_keys == 0)
    {
      t->first_keys = g_get_monotonic_time ();
      t->keys_while_loading = drey_key_model_get_loading (drey_key_list_get_model (list));
    }
}

static void
loading_changed (DreyKeyModel *model,
                 GParamSpec   *pspec,
                 Timing       *t)
{
  if (!drey_key_model_get_loading (model))
    t->listed = g_get_monotonic_time ();
}

/* How long this thread has waited for a CPU while runnable, in µs, from
 * the scheduler's statistics; 0 where the kernel keeps none. */
static gint64
runqueue_wait (void)
{
  static int fd = -2;
  char buf[128];
  gssize n;
  guint64 run_ns, wait_ns;

  if (fd == -2)
    fd = g_open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  n = pread (fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return 0;
  return (gint64) (wait_ns / 1000);
}

/* A high-priority timeout every 5 ms: the time between two of them is how
 * long the main loop was kept from it. Part of that time the thread may
 * only have waited for a CPU that other processes had (the test machine
 * is shared); what is left is the main loop being busy or blocked, which
 * is what must stay under 50 ms. */
static gboolean
heartbeat (gpointer data)
{
  Timing *t = data;
  gint64 now = g_get_monotonic_time ();
  gint64 wait = runqueue_wait ();

  if (t->last_beat != 0)
    {
      t->max_gap = MAX (t->max_gap, now - t->last_beat);
      t->max_blocked = MAX (t->max_blocked, (now - t->last_beat) - (wait - t->last_wait) - t->paint_time);
    }
  t->last_wait = wait;
  t->paint_time = 0;

  t->last_beat = now;
  return G_SOURCE_CONTINUE;
}

/* Painting a frame is the test renderer's cost (cairo under Xvfb: tens of
 * ms for a full list, loading or not), not what loading costs the main
 * loop: it is reported apart and left out of the busy time. */
static void
before_paint (GdkFrameClock *clock,
              Timing        *t)
{
  t->paint_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             Timing        *t)
{
  gint64 spent = g_get_monotonic_time () - t->paint_start;

  t->paint_time += spent;
  t->max_paint = MAX (t->max_paint, spent);
}

/* And the frame clock's view: the time between two frames. */
static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       data)
{
  Timing *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last_tick != 0)
    t->max_tick_gap = MAX (t->max_tick_gap, now - t->last_tick);
  t->last_tick = now;
  t->n_ticks++;
  return G_SOURCE_CONTINUE;
}

static gboolean
rows_sorted (Fixture *f)
{
  GListModel *model = G_LIST_MODEL (selection (f));
  guint n = g_list_model_get_n_items (model);
  g_autoptr(SqKeyInfo) previous = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_autofree char *key = NULL;
      g_autoptr(SqKeyInfo) info = NULL;

      g_object_get (item, "key", &key, NULL);
      info = sq_key_info_new (key, -1, -1);
      if (previous != NULL && sq_key_info_compare (previous, info) >= 0)
        return FALSE;
      g_clear_pointer (&previous, sq_key_info_unref);
      previous = g_steal_pointer (&info);
    }
  return TRUE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_many_keys_stream (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *root = g_build_filename (f->dir, "many", NULL);
  Timing t = { 0 };
  GdkFrameClock *clock;
  guint beat_id, tick_id;
  gint64 sorted = 0;
  g_autofree char *report = NULL;

  /* Empty shards, named out of order: "k-…" counts down. */
  g_assert_cmpint (g_mkdir (root, 0755), ==, 0);
  for (guint i = 0; i < N_MANY_KEYS; i++)
    {
      char name[64];
      int fd;

      g_snprintf (name, sizeof name, "%s/k-%06u.gz", root, (N_MANY_KEYS - 1 - i) * 7919 % N_MANY_KEYS);
      fd = g_open (name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      g_assert_cmpint (fd, >=, 0);
      close (fd);
    }

  g_signal_connect (f->list, "notify::n-keys", G_CALLBACK (n_keys_changed), &t);
  g_signal_connect (f->model, "notify::loading", G_CALLBACK (loading_changed), &t);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (f->list)));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->list));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint), &t);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &t);
  beat_id = g_timeout_add_full (G_PRIORITY_HIGH, 5, heartbeat, &t, NULL);
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (f->list), tick, &t, NULL);
  t.start = g_get_monotonic_time ();
  open_store (f, root);
  WAIT_FOR (!drey_key_model_get_loading (f->model));

  /* The incremental sort goes on after the listing: check now and then. */
  while (sorted == 0)
    {
      gboolean woken = FALSE;

      g_timeout_add (100, set_flag, &woken);
      WAIT_FOR (woken);
      if (rows_sorted (f))
        sorted = g_get_monotonic_time ();
    }
  g_source_remove (beat_id);
  gtk_widget_remove_tick_callback (GTK_WIDGET (f->list), tick_id);

  report = g_strdup_printf ("%u keys: first keys after %.1f ms, listed after %.1f ms, sorted after %.1f ms "
                            "(checked every 100 ms); longest main loop gap %.1f ms busy or blocked "
                            "(%.1f ms wall clock), longest frame gap %.1f ms (%u frames), longest paint %.1f ms",
                            N_MANY_KEYS, (t.first_keys - t.start) / 1000.0, (t.listed - t.start) / 1000.0,
                            (sorted - t.start) / 1000.0, t.max_blocked / 1000.0, t.max_gap / 1000.0,
                            t.max_tick_gap / 1000.0, t.n_ticks, t.max_paint / 1000.0);
  g_test_message ("%s", report);
  if (drey_test_timing ())
    g_printerr ("timing: %s\n", report);

  g_assert_cmpuint (drey_key_list_get_n_keys (f->list), ==, N_MANY_KEYS);
  g_assert_cmpuint (drey_key_list_get_n_visible (f->list), ==, N_MANY_KEYS);
  /* The first batch showed before the listing ended. */
  g_assert_true (t.keys_while_loading);
  g_assert_cmpint (t.first_keys, <, t.listed);
  if (drey_test_timing ())
    g_assert_cmpint (t.max_blocked, <=, MAX_GAP_USEC);

  /* Searching 100,000 keys does not block either. */
  t.max_gap = t.max_blocked = 0;
  t.last_beat = 0;
  beat_id = g_timeout_add_full (G_PRIORITY_HIGH, 5, heartbeat, &t, NULL);
  {
    /* As typed, a keystroke at a time: each shows its matches within one
     * frame, a few milliseconds of work at most. */
    static const char *typed[] = { "K", "K-", "K-0", "K-09", "K-099", "K-0999", "K-09999" };
    static const guint visible[] = { 100000, 100000, 100000, 10000, 1000, 100, 10 };
    gint64 worst = 0, worst_wait = 0;

    for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
      {
        gint64 start = g_get_monotonic_time ();
        gint64 wait_start = runqueue_wait ();
        gint64 took, waited;

        drey_key_list_set_filter_text (f->list, typed[i]); /* k-099990 to k-099999 at the end */
        WAIT_FOR (drey_key_list_get_n_visible (f->list) == visible[i] &&
                  gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (
                    gtk_single_selection_get_model (selection (f)))) == 0);
        /* Until it is painted. */
        {
          gint64 frames = gdk_frame_clock_get_frame_counter (clock);

          gtk_widget_queue_draw (GTK_WIDGET (f->list));
          WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frames);
        }
        took = g_get_monotonic_time () - start;
        waited = runqueue_wait () - wait_start;
        if (took > worst)
          worst = took, worst_wait = waited;
        g_test_message ("search: \"%s\": %u keys shown after %.1f ms (%.1f ms of it waiting for a CPU)",
                        typed[i], visible[i], took / 1000.0, waited / 1000.0);
      }
    /* The time as a user waits for it; how much of it other processes
     * had the CPU is said beside it, on a shared machine. */
    g_test_message ("search: slowest keystroke shown after %.1f ms (%.1f ms of it waiting for a CPU)",
                    worst / 1000.0, worst_wait / 1000.0);
    if (drey_test_timing ())
      g_printerr ("timing: search: slowest keystroke shown after %.1f ms (%.1f ms of it waiting for a CPU)\n",
                  worst / 1000.0, worst_wait / 1000.0);
  }
  g_source_remove (beat_id);

  /* Picking a key far down clears the search and scrolls to it. */
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view (f)));

    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0.0);
    g_assert_true (drey_key_list_select_key (f->list, "k-050000"));
    g_assert_cmpstr (drey_key_list_get_selected_key (f->list), ==, "k-050000");
    g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, 50000);
    WAIT_FOR (gtk_adjustment_get_value (adjustment) > 0.0 &&
              find_row (GTK_WIDGET (list_view (f)), "k-050000") != NULL);
  }
  g_test_message ("search: longest main loop gap %.1f ms busy or blocked (%.1f ms wall clock)",
                  t.max_blocked / 1000.0, t.max_gap / 1000.0);
  if (drey_test_timing ())
    {
      g_printerr ("timing: search: longest main loop gap %.1f ms busy or blocked (%.1f ms wall clock)\n",
                  t.max_blocked / 1000.0, t.max_gap / 1000.0);
      g_assert_cmpint (t.max_blocked, <=, MAX_GAP_USEC);
    }

  g_signal_handlers_disconnect_by_data (clock, &t);
  drey_test_remove_tree (root);
  g_signal_handlers_disconnect_by_data (f->list, &t);
  g_signal_handlers_disconnect_by_data (f->model, &t);
}

/* ---- what it looks like ------------------------------------------------- */

static void
test_snapshot (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *example = g_build_filename (f->dir, "example", NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  const char *png = g_getenv ("DREY_KEY_LIST_PNG");
  int width, height;
  gboolean drawn = FALSE;

  /* The example store's keys and sizes. */
  g_assert_cmpint (g_mkdir (example, 0755), ==, 0);
  for (guint i = 0; i < 18; i++)
    {
      g_autofree char *key = g_strdup_printf ("digits-%02u", i);

      write_shard (example, key, 3500 + (i * 37) % 280, (int) i);
    }
  write_shard (example, "photos", 561751, 20);
  write_shard (example, "broken", 1780, 21);

  open_store (f, example);
  WAIT_FOR (!drey_key_model_get_loading (f->model));
  drey_key_model_set_n_samples (f->model, "digits-00", 100);
  drey_key_model_set_n_samples (f->model, "digits-01", 100);
  drey_key_model_set_n_samples (f->model, "photos", 12);
  g_assert_true (drey_key_list_select_key (f->list, "digits-01"));
  gtk_widget_grab_focus (GTK_WIDGET (f->list));

  /* A few frames, so that everything is laid out and drawn. */
  for (int i = 0; i < 3; i++)
    {
      gboolean woken = FALSE;

      g_timeout_add (50, set_flag, &woken);
      WAIT_FOR (woken);
    }

  width = gtk_widget_get_width (GTK_WIDGET (f->window));
  height = gtk_widget_get_height (GTK_WIDGET (f->window));
  g_assert_cmpint (width, >, 0);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (f->window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Something was drawn: not every pixel is the same. */
  {
    guint32 *pixels = (guint32 *) (void *) cairo_image_surface_get_data (surface);
    int stride = cairo_image_surface_get_stride (surface) / 4;

    for (int y = 0; y < height && !drawn; y++)
      for (int x = 0; x < width && !drawn; x++)
        drawn = pixels[y * stride + x] != pixels[0];
  }
  g_assert_true (drawn);

  if (png != NULL)
    g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

int
main (int    argc,
      char **argv)
{
  /* GTK's own accessibility backend for tests: no session bus needed, and
   * what gtk_test_accessible_assert_property() reads. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  drey_test_own_main_context ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/key-list/order-and-footer", test_order_and_footer);
  ADD ("/key-list/filter", test_filter);
  ADD ("/key-list/sort", test_sort);
  ADD ("/key-list/search-keys", test_search_keys);
  ADD ("/key-list/sort-tooltip", test_sort_tooltip);
  ADD ("/key-list/select", test_select);
  ADD ("/key-list/sample-count", test_sample_count);
  ADD ("/key-list/reload", test_reload);
  ADD ("/key-list/errors", test_errors);
  ADD ("/key-list/many-keys-stream", test_many_keys_stream);
  ADD ("/key-list/snapshot", test_snapshot);
#undef ADD

  return g_test_run ();
}
