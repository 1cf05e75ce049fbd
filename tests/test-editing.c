/* test-editing.c: editing, saving and deleting shards through the window
 *
 * Every edit goes through the window's own actions and editors, as a user's
 * clicks and keys do. A store made here with the library holds a shard of
 * every kind of value; tests/interop/edit-interop.py runs /editing/scripted
 * on a store written by Python instead (DREY_EDIT_STORE) and decodes the
 * result with msgpack + msgpack-numpy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drey-image.h"
#include "drey-key-list.h"
#include "drey-sample-node.h"
#include "drey-sample-view.h"
#include "drey-window.h"
#include "drey-test-ui.h"
#include "drey-test-util.h"
#include "sq.h"

#define WAIT_FOR DREY_TEST_WAIT_FOR
/* The shard on screen. */
#define DOC(f) drey_sample_view_get_document ((f)->sample_view)

/* What the window does with what the New Shard dialog hands over. */
static void
open_new (gpointer    fixture,
          const char *key,
          GPtrArray  *samples);

typedef struct
{
  char           *dir;
  char           *store_path;
  GFile          *location;
  SqStore        *store;
  DreyWindow     *window;
  DreyKeyList    *key_list;
  DreySampleView *sample_view;
} Fixture;

/* ---- the store ---------------------------------------------------------- */

static SqValue *
str (const char *s)
{
  return sq_value_new_str (s, -1);
}

static SqValue *
ndarray (const char    *type,
         guint          ndim,
         const guint64 *shape,
         const void    *data,
         gsize          size)
{
  g_autoptr(SqNdarray) array = drey_test_array_new (type, ndim, shape, data, size);

  return sq_value_new_ndarray (array);
}

static SqValue *
scalar (const char *type,
        const void *element)
{
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type, NULL);

  return sq_value_new_scalar (dtype, element);
}

/* A map from alternating key strings and (owned) values, NULL-ended. */
static SqValue *
map (const char *first_key,
     ...)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  va_list args;
  SqValue *result;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      g_ptr_array_add (entries, str (key));
      g_ptr_array_add (entries, va_arg (args, SqValue *));
    }
  va_end (args);
  result = sq_value_new_map ((SqValue **) entries->pdata, entries->len / 2);
  for (guint i = 0; i < entries->len; i++)
    sq_value_ref (g_ptr_array_index (entries, i));
  return result;
}

static SqValue *
sample_value (guint n)
{
  guint8 image[4 * 4 * 3];
  double wave[10];
  guint64 image_shape[] = { 4, 4, 3 };
  guint64 wave_shape[] = { 10 };
  gint64 label = 3 + n;
  guint8 temp[4] = { 0x3f, 0xc0, 0x00, 0x00 }; /* >f4 1.5 */
  guint8 blob[] = { 0, 1, 0xff };
  g_autoptr(GBytes) blob_bytes = g_bytes_new (blob, sizeof blob);
  SqValue *tags[2] = { str ("a"), str ("b") };

  for (guint i = 0; i < sizeof image; i++)
    image[i] = (guint8) (i * 7 + n);
  for (guint i = 0; i < G_N_ELEMENTS (wave); i++)
    {
      double v = i * 0.5 + n;
      guint64 bits;

      /* big-endian doubles: written back as they are */
      memcpy (&bits, &v, 8);
      bits = GUINT64_TO_BE (bits);
      memcpy (&wave[i], &bits, 8);
    }
  return map ("id", sq_value_new_int (7 + n),
              "score", sq_value_new_float64 (0.5 + n),
              "ratio", sq_value_new_float32 (0.25f),
              "name", str (n == 0 ? "cat" : "owl"),
              "ok", sq_value_new_bool (TRUE),
              "blob", sq_value_new_bin (blob_bytes),
              "label", scalar ("<i8", &label),
              "temp", scalar (">f4", temp),
              "image", ndarray ("|u1", 3, image_shape, image, sizeof image),
              "wave", ndarray (">f8", 1, wave_shape, wave, sizeof wave),
              "tags", sq_value_new_array (tags, 2),
              "meta", map ("source", str ("camera"), "none", sq_value_new_nil (), NULL),
              NULL);
}

static GPtrArray *
mixed_samples (void)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  float plain[6] = { 1, 2, 3, 4, 5, 6 };
  guint64 shape[] = { 2, 3 };

  g_ptr_array_add (samples, sample_value (0));
  g_ptr_array_add (samples, sample_value (1));
  /* a sample that is an array, not a dict */
  g_ptr_array_add (samples, ndarray ("<f4", 2, shape, plain, sizeof plain));
  return samples;
}

static void
write_store (const char *path)
{
  g_autoptr(GFile) location = g_file_new_for_path (path);
  g_autoptr(SqStore) store = sq_store_new (location);
  g_autoptr(GPtrArray) mixed = mixed_samples ();
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *k1 = NULL;
  g_autofree char *k2 = NULL;

  g_ptr_array_add (other, map ("x", sq_value_new_int (1), NULL));
  DREY_TEST_BLOCKING (k1 = sq_store_set (store, "mixed", mixed, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  DREY_TEST_BLOCKING (k2 = sq_store_set (store, "other", other, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static GBytes *
shard_bytes (Fixture    *f,
             const char *key)
{
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autofree char *path = g_build_filename (f->store_path, name, NULL);
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/* Files of the store that squirrel would list as keys, sorted. */
static char *
listed_keys (Fixture *f)
{
  g_autoptr(GPtrArray) keys = NULL;
  GString *out = g_string_new (NULL);

  DREY_TEST_BLOCKING (keys = sq_store_list_keys (f->store, SQ_LIST_KEYS_NAMES_ONLY, NULL, NULL));

  for (guint i = 0; keys != NULL && i < keys->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "", sq_key_info_get_key (g_ptr_array_index (keys, i)));
  return g_string_free (out, FALSE);
}

/* ---- the fixture -------------------------------------------------------- */

static void
open_new (gpointer    fixture,
          const char *key,
          GPtrArray  *samples)
{
  Fixture *f = fixture;

  drey_shard_document_open_new (DOC (f), key, samples);
  drey_sample_view_set_editing (f->sample_view, TRUE);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *given = g_getenv ("DREY_EDIT_STORE");
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("drey-test-editing-XXXXXX", &error);
  g_assert_no_error (error);
  if (given != NULL && data != NULL)
    f->store_path = g_strdup (given);
  else
    {
      f->store_path = g_build_filename (f->dir, "store", NULL);
      write_store (f->store_path);
    }
  f->location = g_file_new_for_path (f->store_path);
  f->store = sq_store_new (f->location);

  f->window = drey_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1400, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  f->key_list = DREY_KEY_LIST (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW, "key_list"));
  f->sample_view = DREY_SAMPLE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW,
                                                                    "sample_view"));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->store_path);
  g_object_unref (f->location);
  g_object_unref (f->store);
}

static void
open_and_wait (Fixture *f)
{
  drey_window_open_store (f->window, f->location);
  WAIT_FOR (drey_window_get_store (f->window) != NULL &&
            !drey_key_model_get_loading (drey_key_list_get_model (f->key_list)) && drey_key_list_get_n_keys (f->key_list) > 0);
}

static void
select_and_wait (Fixture    *f,
                 const char *key)
{
  g_assert_true (drey_key_list_select_key (f->key_list, key));
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), key) == 0 &&
            (drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED));
}

static void
activate (Fixture    *f,
          const char *action,
          const char *string_parameter)
{
  GtkWidget *widget = g_str_has_prefix (action, "win.") ? GTK_WIDGET (f->window) : GTK_WIDGET (f->sample_view);

  if (string_parameter != NULL)
    g_assert_true (gtk_widget_activate_action (widget, action, "s", string_parameter));
  else
    g_assert_true (gtk_widget_activate_action (widget, action, NULL));
}

/* Whether @action is enabled where @widget is, as a button bound to it
 * sees it: GTK 4.8 has no other way to ask about a widget class action. */
static gboolean
action_enabled (Fixture    *f,
                const char *action)
{
  GtkActionBar *bar = GTK_ACTION_BAR (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view),
                                                                     DREY_TYPE_SAMPLE_VIEW, "edit_bar"));
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  gtk_action_bar_pack_start (bar, probe);
  enabled = gtk_widget_get_sensitive (probe);
  gtk_action_bar_remove (bar, probe);
  return enabled;
}

static DreySampleNode *
sample (Fixture *f,
        guint    index)
{
  GtkTreeListModel *tree = GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (drey_sample_view_get_selection (f->sample_view)));
  GListModel *roots = gtk_tree_list_model_get_model (tree);
  DreySampleNode *node = g_list_model_get_item (roots, index);

  g_assert_nonnull (node);
  g_object_unref (node);
  return node;
}

static DreySampleNode *
child (DreySampleNode *node,
       const char     *name)
{
  GListModel *children = drey_sample_node_get_children (node);

  g_assert_nonnull (children);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(DreySampleNode) c = g_list_model_get_item (children, i);

      if (g_str_equal (drey_sample_node_get_name (c), name))
        return c;
    }
  g_error ("no child %s", name);
  return NULL;
}

static void
select_node (Fixture        *f,
             DreySampleNode *node)
{
  drey_sample_view_select_node (f->sample_view, node);
  /* Let the selected row be bound, so its editors exist. */
  for (int i = 0; i < 5; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
  {
    g_autoptr(DreySampleNode) selected = drey_sample_view_selected_node (f->sample_view);

    g_assert_true (selected == node);
  }
}

static GtkWidget *
start_editing (Fixture        *f,
               DreySampleNode *node,
               gboolean        is_name)
{
  GtkWidget *editor;

  select_node (f, node);
  activate (f, is_name ? "samples.rename" : "samples.edit-value", NULL);
  editor = drey_sample_view_get_selected_editor (f->sample_view, is_name);
  g_assert_nonnull (editor);
  g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
  return editor;
}

/* Types @text into the selected row's editor and presses Enter. */
static void
type_and_commit (Fixture        *f,
                 DreySampleNode *node,
                 gboolean        is_name,
                 const char     *text)
{
  GtkWidget *editor = start_editing (f, node, is_name);

  gtk_editable_set_text (GTK_EDITABLE (editor), text);
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (editor), TRUE);
}

static GtkWindow *
find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *window = g_list_model_get_item (toplevels, i);

      /* GTK keeps its toplevels alive: a borrowed pointer is enough. */
      g_object_unref (window);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* Answers the message dialog on screen, which must be there. */
static void
respond (const char *response)
{
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR ((dialog = (AdwMessageDialog *) find_dialog (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static const char *
toast_title (Fixture *f)
{
  AdwToast *toast = drey_window_get_last_toast (f->window);

  return toast != NULL ? adw_toast_get_title (toast) : NULL;
}

/* What the toast's Undo button does: the signal, then the toast goes. */
static void
click_undo (Fixture *f)
{
  AdwToast *toast = drey_window_get_last_toast (f->window);

  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_object_ref (toast);
  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
  g_object_unref (toast);
  /* The undo runs on a worker; its own toast says it is done. */
  WAIT_FOR (toast_title (f) != NULL &&
            (g_str_has_prefix (toast_title (f), "Restored") || g_str_has_prefix (toast_title (f), "Removed")));
}

static void
save_and_wait (Fixture *f)
{
  activate (f, "win.save", NULL);
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)) &&
            g_str_has_prefix (toast_title (f) != NULL ? toast_title (f) : "", "Saved"));
}

static GPtrArray *
read_shard (Fixture    *f,
            const char *key)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *samples = NULL;

  DREY_TEST_BLOCKING (samples = sq_store_get (f->store, key, NULL, NULL, NULL, &error));

  g_assert_no_error (error);
  return samples;
}

static const char *
subtitle (Fixture *f)
{
  AdwWindowTitle *title = ADW_WINDOW_TITLE (gtk_widget_get_template_child (GTK_WIDGET (f->window), DREY_TYPE_WINDOW,
                                                                         "window_title"));

  return adw_window_title_get_subtitle (title);
}

/* ---- tests -------------------------------------------------------------- */

static void
test_editing_scalars (Fixture       *f,
                      gconstpointer  data)
{
  DreySampleNode *s0, *id, *label, *score, *ratio, *name, *ok;
  GtkWidget *editor;
  gint64 v;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  /* Not in edit mode: nothing edits. */
  g_assert_false (drey_sample_view_get_editing (f->sample_view));
  s0 = sample (f, 0);
  select_node (f, child (s0, "id"));
  editor = drey_sample_view_get_selected_editor (f->sample_view, FALSE);
  g_assert_true (editor == NULL || !gtk_widget_get_visible (editor));
  g_assert_false (action_enabled (f, "samples.edit-value"));

  activate (f, "samples.editing", NULL);
  g_assert_true (drey_sample_view_get_editing (f->sample_view));

  /* An int: garbage is refused as typed, and on Enter the value stays. */
  id = child (s0, "id");
  editor = start_editing (f, id, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (editor), "12x");
  g_assert_true (gtk_widget_has_css_class (editor, "error"));
  g_assert_nonnull (drey_sample_view_get_edit_error (f->sample_view));
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (editor), TRUE);
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, 7);
  g_assert_false (drey_shard_document_get_modified (DOC (f)));
  g_assert_false (drey_sample_node_get_edited (id));
  g_assert_nonnull (strstr (drey_sample_view_get_edit_error (f->sample_view), "12x"));

  type_and_commit (f, id, FALSE, "8");
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (id)), ==, SQ_VALUE_INT);
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, 8);
  g_assert_true (drey_sample_node_get_edited (id));
  g_assert_true (drey_sample_node_get_edited (s0));
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  g_assert_cmpstr (subtitle (f), ==, "Unsaved changes to “mixed”");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                                                      DREY_TYPE_WINDOW,
                                                                                      "save_button"))));
  /* The parent map holds the new value; its other values are the same
   * objects as before. */
  g_assert_true (sq_value_get_item (drey_sample_node_get_value (s0), 0) == drey_sample_node_get_value (id));

  /* A numpy int64 stays a numpy int64, range checked. */
  label = child (s0, "label");
  type_and_commit (f, label, FALSE, "99999999999999999999");
  g_assert_nonnull (drey_sample_view_get_edit_error (f->sample_view));
  type_and_commit (f, label, FALSE, "-5");
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (label)), ==, SQ_VALUE_SCALAR);
  g_assert_cmpstr (sq_dtype_get_type_string (sq_value_get_scalar_dtype (drey_sample_node_get_value (label))), ==, "<i8");
  memcpy (&v, sq_value_get_scalar_data (drey_sample_node_get_value (label)), 8);
  g_assert_cmpint (GINT64_FROM_LE (v), ==, -5);

  score = child (s0, "score");
  type_and_commit (f, score, FALSE, "nope");
  g_assert_cmpfloat (sq_value_get_double (drey_sample_node_get_value (score)), ==, 0.5);
  type_and_commit (f, score, FALSE, "0.125");
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (score)), ==, SQ_VALUE_FLOAT64);
  g_assert_cmpfloat (sq_value_get_double (drey_sample_node_get_value (score)), ==, 0.125);

  /* A msgpack float 32 stays one. */
  ratio = child (s0, "ratio");
  type_and_commit (f, ratio, FALSE, "1e39");
  g_assert_nonnull (drey_sample_view_get_edit_error (f->sample_view));
  type_and_commit (f, ratio, FALSE, "0.75");
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (ratio)), ==, SQ_VALUE_FLOAT32);

  name = child (s0, "name");
  type_and_commit (f, name, FALSE, "dog ünïcode");
  g_assert_cmpstr (sq_value_get_str (drey_sample_node_get_value (name), NULL), ==, "dog ünïcode");

  ok = child (s0, "ok");
  type_and_commit (f, ok, FALSE, "maybe");
  g_assert_true (sq_value_get_bool (drey_sample_node_get_value (ok)));
  type_and_commit (f, ok, FALSE, "False");
  g_assert_false (sq_value_get_bool (drey_sample_node_get_value (ok)));

  /* bytes, None, arrays and containers have no value editor */
  select_node (f, child (s0, "blob"));
  g_assert_false (action_enabled (f, "samples.edit-value"));
  select_node (f, child (s0, "image"));
  g_assert_false (action_enabled (f, "samples.edit-value"));
}

static void
test_editing_fields (Fixture       *f,
                     gconstpointer  data)
{
  DreySampleNode *s0, *tags, *meta, *added;
  SqValue *value;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  s0 = sample (f, 0);

  /* Renaming to a key the dict has is refused; the order never changes. */
  tags = child (s0, "tags");
  type_and_commit (f, tags, TRUE, "name");
  g_assert_nonnull (strstr (drey_sample_view_get_edit_error (f->sample_view), "name"));
  g_assert_cmpstr (drey_sample_node_get_name (tags), ==, "tags");
  type_and_commit (f, tags, TRUE, "labels");
  value = drey_sample_node_get_value (s0);
  g_assert_cmpstr (sq_value_get_str (sq_value_get_key (value, 10), NULL), ==, "labels");
  g_assert_cmpuint (sq_value_get_length (value), ==, 12);

  /* Add a field to the selected dict: a str, named at once. */
  select_node (f, s0);
  activate (f, "samples.add-field", "str");
  added = drey_sample_view_selected_node (f->sample_view);
  g_object_unref (added);
  g_assert_cmpstr (drey_sample_node_get_name (added), ==, "new_field");
  g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (drey_sample_view_get_selected_editor (f->sample_view, TRUE))));
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (drey_sample_view_get_selected_editor (f->sample_view, TRUE)), FALSE);
  type_and_commit (f, added, TRUE, "note");
  type_and_commit (f, added, FALSE, "hand-made");
  value = drey_sample_node_get_value (s0);
  g_assert_cmpuint (sq_value_get_length (value), ==, 13);
  g_assert_cmpstr (sq_value_get_str (sq_value_lookup (value, "note"), NULL), ==, "hand-made");

  /* Every kind of new value, into a nested dict and a list. */
  meta = child (s0, "meta");
  select_node (f, meta);
  activate (f, "samples.add-field", "int");
  activate (f, "samples.add-field", "none");
  select_node (f, meta);
  activate (f, "samples.add-field", "dict");
  g_assert_cmpuint (sq_value_get_length (drey_sample_node_get_value (meta)), ==, 5);
  g_assert_cmpint (sq_value_get_value_type (sq_value_lookup (drey_sample_node_get_value (meta), "new_field")), ==, SQ_VALUE_INT);
  g_assert_cmpint (sq_value_get_value_type (sq_value_lookup (drey_sample_node_get_value (meta), "new_field_2")), ==, SQ_VALUE_NIL);
  tags = child (s0, "labels");
  select_node (f, tags);
  activate (f, "samples.add-field", "float");
  g_assert_cmpuint (sq_value_get_length (drey_sample_node_get_value (tags)), ==, 3);
  g_assert_cmpint (sq_value_get_value_type (sq_value_get_item (drey_sample_node_get_value (tags), 2)), ==, SQ_VALUE_FLOAT64);

  /* Remove a field, and an item of the list. */
  select_node (f, child (meta, "none"));
  activate (f, "samples.remove", NULL);
  g_assert_null (sq_value_lookup (drey_sample_node_get_value (meta), "none"));
  select_node (f, child (tags, "0"));
  activate (f, "samples.remove", NULL);
  g_assert_cmpuint (sq_value_get_length (drey_sample_node_get_value (tags)), ==, 2);
  g_assert_cmpstr (sq_value_get_str (sq_value_get_item (drey_sample_node_get_value (tags), 0), NULL), ==, "b");
  g_assert_cmpstr (drey_sample_node_get_name (child (tags, "0")), ==, "0");
  {
    g_autofree char *path = drey_sample_node_get_python_path (child (tags, "1"));

    g_assert_cmpstr (path, ==, "[0][\"labels\"][1]");
  }
  g_assert_true (drey_sample_node_get_edited (meta));
  g_assert_false (drey_sample_node_get_edited (sample (f, 1)));
}

static void
test_editing_samples (Fixture       *f,
                      gconstpointer  data)
{
  SqValue *s1_value;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  s1_value = drey_sample_node_get_value (sample (f, 1));

  /* Duplicate: the copy shares the values (they are immutable). */
  select_node (f, child (sample (f, 1), "image"));
  activate (f, "samples.duplicate-sample", NULL);
  g_assert_true (drey_sample_node_get_value (sample (f, 2)) == s1_value);
  g_assert_cmpstr (drey_sample_node_get_name (sample (f, 3)), ==, "3");

  /* Move the array sample up, past the copy. */
  select_node (f, sample (f, 3));
  g_assert_false (action_enabled (f, "samples.move-down"));
  activate (f, "samples.move-up", NULL);
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (sample (f, 2))), ==, SQ_VALUE_NDARRAY);
  g_assert_true (drey_sample_node_get_value (sample (f, 3)) == s1_value);
  select_node (f, sample (f, 0));
  g_assert_false (action_enabled (f, "samples.move-up"));
  activate (f, "samples.move-down", NULL);
  g_assert_true (drey_sample_node_get_value (sample (f, 0)) == s1_value);
  activate (f, "samples.move-up", NULL);

  /* Add an empty sample after the selected one, then delete the copy. */
  select_node (f, sample (f, 3));
  activate (f, "samples.add-sample", NULL);
  g_assert_cmpint (sq_value_get_value_type (drey_sample_node_get_value (sample (f, 4))), ==, SQ_VALUE_MAP);
  g_assert_cmpuint (sq_value_get_length (drey_sample_node_get_value (sample (f, 4))), ==, 0);
  select_node (f, sample (f, 3));
  activate (f, "samples.remove", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (drey_sample_view_get_selection (f->sample_view))) > 0, ==, TRUE);
  g_assert_cmpstr (drey_sample_node_get_name (sample (f, 3)), ==, "3");
  g_assert_cmpuint (sq_value_get_length (drey_sample_node_get_value (sample (f, 3))), ==, 0);
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
}

/* Whether @path holds @text now (the export writes on a worker). */
static gboolean
file_holds (const char *path,
            const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && g_str_equal (contents, text);
}

static void
test_editing_replace_and_export (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *png_path = g_build_filename (f->dir, "in.png", NULL);
  g_autofree char *npy_path = g_build_filename (f->dir, "in.npy", NULL);
  g_autofree char *bad_path = g_build_filename (f->dir, "bad.npy", NULL);
  g_autoptr(GFile) png_file = g_file_new_for_path (png_path);
  g_autoptr(GFile) npy_file = g_file_new_for_path (npy_path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  guint8 pixels[2 * 3 * 3];
  guint64 shape[] = { 2, 3, 3 };
  g_autoptr(SqValue) picture = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) npy = NULL;
  g_autoptr(GError) error = NULL;
  DreySampleNode *image, *wave;
  SqNdarray *got;

  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 13);
  picture = ndarray ("|u1", 3, shape, pixels, sizeof pixels);
  png = drey_image_save_png (sq_value_get_ndarray (picture), &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
  g_assert_true (g_file_set_contents (bad_path, "\x93NUMPY garbage", -1, NULL));

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);

  /* Export the wave as .npy, then bring it back in place of the image. */
  wave = child (sample (f, 0), "wave");
  select_node (f, wave);
  npy = drey_sample_view_export_bytes (f->sample_view, DREY_SAMPLE_FORMAT_NPY, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (npy_path, g_bytes_get_data (npy, NULL), (gssize) g_bytes_get_size (npy), NULL));
  image = child (sample (f, 0), "image");
  select_node (f, image);
  drey_sample_view_load_array (f->sample_view, npy_file, TRUE);
  WAIT_FOR (sq_value_get_value_type (drey_sample_node_get_value (image)) == SQ_VALUE_NDARRAY &&
            sq_ndarray_get_ndim (sq_value_get_ndarray (drey_sample_node_get_value (image))) == 1);
  got = sq_value_get_ndarray (drey_sample_node_get_value (image));
  g_assert_cmpstr (sq_dtype_get_type_string (sq_ndarray_get_dtype (got)), ==, ">f8");
  g_assert_true (g_bytes_equal (sq_ndarray_get_data (got),
                                sq_ndarray_get_data (sq_value_get_ndarray (drey_sample_node_get_value (wave)))));

  /* A PNG as HxWxC uint8, exactly. */
  drey_sample_view_load_array (f->sample_view, png_file, TRUE);
  WAIT_FOR (sq_ndarray_get_ndim (sq_value_get_ndarray (drey_sample_node_get_value (image))) == 3);
  got = sq_value_get_ndarray (drey_sample_node_get_value (image));
  g_assert_cmpuint (sq_ndarray_get_shape (got)[0], ==, 2);
  g_assert_cmpuint (sq_ndarray_get_shape (got)[1], ==, 3);
  g_assert_cmpuint (sq_ndarray_get_shape (got)[2], ==, 3);
  g_assert_true (g_bytes_equal (sq_ndarray_get_data (got), sq_ndarray_get_data (sq_value_get_ndarray (picture))));

  /* A broken file says so and changes nothing. */
  drey_sample_view_load_array (f->sample_view, bad_file, TRUE);
  WAIT_FOR (drey_sample_view_get_edit_error (f->sample_view) != NULL);
  g_assert_nonnull (strstr (drey_sample_view_get_edit_error (f->sample_view), "bad.npy"));
  g_assert_cmpuint (sq_ndarray_get_ndim (sq_value_get_ndarray (drey_sample_node_get_value (image))), ==, 3);

  /* Exports: the sample as JSON, the image as a PNG that reads back. */
  {
    g_autoptr(GBytes) json = drey_sample_view_export_bytes (f->sample_view, DREY_SAMPLE_FORMAT_JSON, &error);
    g_autoptr(GBytes) png_out = NULL;
    g_autoptr(SqNdarray) back = NULL;
    g_autoptr(SqValue) parsed = NULL;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
    g_assert_true (g_str_has_suffix (text, "}\n"));
    parsed = sq_value_from_json (text, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (sq_value_get_int (sq_value_lookup (parsed, "id")), ==, 7);

    png_out = drey_sample_view_export_bytes (f->sample_view, DREY_SAMPLE_FORMAT_PNG, &error);
    g_assert_no_error (error);
    back = drey_image_load_png (png_out, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (sq_ndarray_get_data (back), sq_ndarray_get_data (sq_value_get_ndarray (picture))));

    /* the same through the file the action writes */
    {
      g_autofree char *out_path = g_build_filename (f->dir, "out.json", NULL);
      g_autoptr(GFile) out = g_file_new_for_path (out_path);

      drey_sample_view_export (f->sample_view, DREY_SAMPLE_FORMAT_JSON, out);
      WAIT_FOR (file_holds (out_path, text));
    }
  }
  select_node (f, child (sample (f, 0), "name"));
  g_assert_false (action_enabled (f, "samples.export-npy"));
  g_assert_true (action_enabled (f, "samples.export-json"));
}

static void
test_editing_save_and_undo (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) undone = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GPtrArray) original = mixed_samples ();
  g_autofree char *keys = NULL;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  before = shard_bytes (f, "mixed");
  g_assert_false (action_enabled (f, "win.save"));
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 1), "name"), FALSE, "hawk");
  g_assert_true (action_enabled (f, "win.save"));

  save_and_wait (f);
  g_assert_cmpstr (toast_title (f), ==, "Saved “mixed”");
  g_assert_false (drey_sample_node_get_edited (sample (f, 1)));
  g_assert_cmpstr (subtitle (f), ==, f->store_path);
  saved = read_shard (f, "mixed");
  g_assert_cmpuint (saved->len, ==, 3);
  g_assert_cmpstr (sq_value_get_str (sq_value_lookup (g_ptr_array_index (saved, 1), "name"), NULL), ==, "hawk");
  /* Everything not edited reads back equal, arrays byte for byte. */
  g_assert_true (sq_value_equal (g_ptr_array_index (saved, 0), g_ptr_array_index (original, 0)));
  g_assert_true (sq_value_equal (g_ptr_array_index (saved, 2), g_ptr_array_index (original, 2)));
  g_assert_true (sq_value_equal (sq_value_lookup (g_ptr_array_index (saved, 1), "wave"),
                                 sq_value_lookup (g_ptr_array_index (original, 1), "wave")));
  after = shard_bytes (f, "mixed");
  g_assert_false (g_bytes_equal (before, after));
  /* The stash for Undo is hidden from squirrel. */
  keys = listed_keys (f);
  g_assert_cmpstr (keys, ==, "mixed other");

  /* Undo puts the very same file back. */
  click_undo (f);
  undone = shard_bytes (f, "mixed");
  g_assert_true (g_bytes_equal (before, undone));
  WAIT_FOR ((drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED) &&
            g_str_equal (sq_value_get_str (drey_sample_node_get_value (child (sample (f, 1), "name")), NULL), "owl"));
  g_clear_pointer (&keys, g_free);
  keys = listed_keys (f);
  g_assert_cmpstr (keys, ==, "mixed other");
  {
    /* No stash is left once it is used. */
    g_autoptr(GDir) dir = g_dir_open (f->store_path, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 2);
  }
}

static guint
count_files (Fixture    *f,
             const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (f->store_path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, prefix);
  return n;
}

/* A second save ends the first one's Undo: undoing it later would also
 * undo the second. */
static void
test_editing_one_undo_at_a_time (Fixture       *f,
                                 gconstpointer  data)
{
  AdwToast *first;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 0), "id"), FALSE, "1");
  save_and_wait (f);
  first = drey_window_get_last_toast (f->window);
  g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
  g_assert_cmpuint (count_files (f, ".drey-undo-"), ==, 1);

  type_and_commit (f, child (sample (f, 0), "id"), FALSE, "2");
  activate (f, "win.save", NULL);
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)) && drey_window_get_last_toast (f->window) != first);
  WAIT_FOR (first == NULL && count_files (f, ".drey-undo-") == 1);
}

/* Someone else wrote the shard after Drey read it: saving asks first. */
static void
test_editing_changed_on_disk (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) theirs = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GBytes) their_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  open_and_wait (f);
  select_and_wait (f, "other");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 0), "x"), FALSE, "2");

  g_ptr_array_add (theirs, map ("x", sq_value_new_int (99), "y", sq_value_new_int (1), NULL));
  DREY_TEST_BLOCKING (key = sq_store_set (f->store, "other", theirs, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  their_bytes = shard_bytes (f, "other");

  activate (f, "win.save", NULL);
  respond ("cancel");
  {
    g_autoptr(GBytes) now = shard_bytes (f, "other");

    g_assert_true (g_bytes_equal (now, their_bytes));
  }
  g_assert_true (drey_shard_document_get_modified (DOC (f)));

  activate (f, "win.save", NULL);
  respond ("replace");
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)));
  {
    g_autoptr(GPtrArray) saved = read_shard (f, "other");

    g_assert_cmpint (sq_value_get_int (sq_value_lookup (g_ptr_array_index (saved, 0), "x")), ==, 2);
    g_assert_null (sq_value_lookup (g_ptr_array_index (saved, 0), "y"));
  }
  /* Their version is what Undo brings back. */
  click_undo (f);
  {
    g_autoptr(GBytes) now = shard_bytes (f, "other");

    g_assert_true (g_bytes_equal (now, their_bytes));
  }

  /* A save of our own does not count as someone else's. */
  WAIT_FOR ((drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED) &&
            sq_value_get_int (drey_sample_node_get_value (child (sample (f, 0), "x"))) == 99);
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 0), "x"), FALSE, "3");
  save_and_wait (f);
  type_and_commit (f, child (sample (f, 0), "x"), FALSE, "4");
  activate (f, "win.save", NULL);
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)));
  g_assert_null (find_dialog (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_editing_save_fails_keeps_edits (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(SqValue) opaque = NULL;
  g_autoptr(GBytes) pickle = g_bytes_new_static ("\x80\x04N.", 4);

  open_and_wait (f);
  select_and_wait (f, "mixed");
  before = shard_bytes (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  /* Something the writer refuses: an opaque (pickled) value. */
  opaque = sq_value_new_opaque (SQ_OPAQUE_PICKLE, 0, pickle, "a pickled object array");
  select_node (f, child (sample (f, 0), "name"));
  g_assert_true (drey_sample_view_set_selected_value (f->sample_view, opaque));
  activate (f, "win.save", NULL);
  WAIT_FOR (toast_title (f) != NULL && strstr (toast_title (f), "not saved") != NULL);
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  after = shard_bytes (f, "mixed");
  g_assert_true (g_bytes_equal (before, after));
  {
    g_autofree char *keys = listed_keys (f);

    g_assert_cmpstr (keys, ==, "mixed other");
  }
}

static void
test_editing_new_shard (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GBytes) other_before = NULL;
  g_autoptr(GBytes) other_after = NULL;
  GtkWindow *dialog;

  open_and_wait (f);
  select_and_wait (f, "mixed");

  /* Ctrl+N's dialog, with the shard on screen as a choice. */
  activate (f, "win.new-shard", NULL);
  WAIT_FOR ((dialog = find_dialog (g_type_from_name ("DreyNewShardDialog"))) != NULL);
  gtk_window_destroy (dialog);

  /* What the dialog hands over opens in edit mode, unsaved. */
  g_ptr_array_add (samples, map ("x", sq_value_new_int (5), NULL));
  open_new (f, "fresh", samples);
  g_assert_true (drey_sample_view_get_editing (f->sample_view));
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  g_assert_true (drey_shard_document_get_is_new (DOC (f)));
  g_assert_null (shard_bytes (f, "fresh"));
  save_and_wait (f);
  saved = read_shard (f, "fresh");
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_cmpint (sq_value_get_int (sq_value_lookup (g_ptr_array_index (saved, 0), "x")), ==, 5);
  WAIT_FOR (g_strcmp0 (drey_key_list_get_selected_key (f->key_list), "fresh") == 0);
  /* Undo of a new shard removes it. */
  click_undo (f);
  g_assert_null (shard_bytes (f, "fresh"));

  /* A new shard over an existing key asks before replacing it. */
  other_before = shard_bytes (f, "other");
  open_new (f, "other", samples);
  activate (f, "win.save", NULL);
  respond ("cancel");
  g_assert_true (g_bytes_equal (other_before, shard_bytes (f, "other")));
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  activate (f, "win.save", NULL);
  respond ("replace");
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)));
  other_after = shard_bytes (f, "other");
  g_assert_false (g_bytes_equal (other_before, other_after));
  click_undo (f);
  {
    g_autoptr(GBytes) restored = shard_bytes (f, "other");

    g_assert_true (g_bytes_equal (other_before, restored));
  }
}

static void
test_editing_delete_and_undo (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) restored = NULL;
  g_autofree char *keys = NULL;

  open_and_wait (f);
  select_and_wait (f, "other");
  before = shard_bytes (f, "other");

  activate (f, "win.delete-shard", NULL);
  respond ("cancel");
  g_assert_nonnull (shard_bytes (f, "other"));

  activate (f, "win.delete-shard", NULL);
  respond ("delete");
  /* The shard goes on a worker; the toast says when. */
  WAIT_FOR (g_strcmp0 (toast_title (f), "Deleted “other”") == 0);
  g_assert_null (shard_bytes (f, "other"));
  keys = listed_keys (f);
  g_assert_cmpstr (keys, ==, "mixed");
  WAIT_FOR (!drey_key_model_get_loading (drey_key_list_get_model (f->key_list)) && drey_key_list_get_n_keys (f->key_list) == 1);
  g_assert_cmpint (drey_shard_document_get_state (DOC (f)), ==, DREY_SHARD_STATE_EMPTY);

  click_undo (f);
  restored = shard_bytes (f, "other");
  g_assert_true (g_bytes_equal (before, restored));
  WAIT_FOR (!drey_key_model_get_loading (drey_key_list_get_model (f->key_list)) && drey_key_list_get_n_keys (f->key_list) == 2);
  WAIT_FOR (g_strcmp0 (drey_shard_document_get_key (DOC (f)), "other") == 0 &&
            (drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED));
}

static void
test_editing_unsaved_asks (Fixture       *f,
                           gconstpointer  data)
{
  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 0), "id"), FALSE, "100");

  /* Another key: Cancel keeps the edits and the key list's selection. */
  g_assert_true (drey_key_list_select_key (f->key_list, "other"));
  respond ("cancel");
  WAIT_FOR (g_strcmp0 (drey_key_list_get_selected_key (f->key_list), "mixed") == 0);
  g_assert_cmpstr (drey_shard_document_get_key (DOC (f)), ==, "mixed");
  g_assert_true (drey_shard_document_get_modified (DOC (f)));

  /* Reload: Discard drops them and reads the shard again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reload", NULL));
  respond ("discard");
  WAIT_FOR (!drey_shard_document_get_modified (DOC (f)) &&
            drey_shard_document_get_state (DOC (f)) == DREY_SHARD_STATE_LOADED);
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (child (sample (f, 0), "id"))), ==, 7);

  /* Closing: Save writes first, then the window goes. */
  drey_sample_view_set_editing (f->sample_view, TRUE);
  type_and_commit (f, child (sample (f, 0), "id"), FALSE, "101");
  g_object_ref (f->window);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  respond ("save");
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (f->window)));
  {
    g_autoptr(GPtrArray) saved = read_shard (f, "mixed");

    g_assert_cmpint (sq_value_get_int (sq_value_lookup (g_ptr_array_index (saved, 0), "id")), ==, 101);
  }
  g_object_unref (f->window);
  /* the fixture destroys a fresh window */
  f->window = drey_window_new (NULL);
}

/* A large shard: the tree is locked while it saves, and a bar shows how
 * far the save is. */
static void
test_editing_save_progress (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) big = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  GtkProgressBar *bar = GTK_PROGRESS_BAR (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view),
                                                                         DREY_TYPE_SAMPLE_VIEW, "save_progress"));
  GtkWidget *tree = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view), DREY_TYPE_SAMPLE_VIEW,
                                                              "column_view"));
  double seen = 0;
  gboolean locked = FALSE;

  for (guint i = 0; i < 40; i++)
    {
      guint64 shape[] = { 1024 * 1024 };
      g_autofree guint8 *pixels = g_malloc (shape[0]);

      /* noise, so compressing takes a while */
      for (guint64 j = 0; j < shape[0]; j++)
        pixels[j] = (guint8) g_random_int ();
      g_ptr_array_add (big, map ("pixels", ndarray ("|u1", 1, shape, pixels, shape[0]), NULL));
    }
  DREY_TEST_BLOCKING (key = sq_store_set (f->store, "big", big, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  open_and_wait (f);
  select_and_wait (f, "big");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  select_node (f, sample (f, 0));
  activate (f, "samples.duplicate-sample", NULL);
  activate (f, "win.save", NULL);
  while (drey_shard_document_get_modified (DOC (f)))
    {
      g_main_context_iteration (NULL, TRUE);
      if (gtk_widget_get_visible (GTK_WIDGET (bar)))
        {
          seen = MAX (seen, gtk_progress_bar_get_fraction (bar));
          locked |= !gtk_widget_get_sensitive (tree);
          g_assert_false (action_enabled (f, "samples.add-sample"));
        }
    }
  g_test_message ("progress seen up to %.2f", seen);
  g_assert_cmpfloat (seen, >, 0.0);
  g_assert_true (locked);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  {
    g_autoptr(GPtrArray) saved = read_shard (f, "big");

    g_assert_cmpuint (saved->len, ==, 41);
  }
}

/* A folder the user cannot write to: every edit action is off, and says
 * why. Run in a child process, which drops root if it has it. */
static void
test_editing_read_only (Fixture       *f,
                        gconstpointer  data)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (geteuid () == 0)
    {
      const char *data_home = g_get_user_data_dir ();
      g_autofree char *recent = g_build_filename (data_home, "recently-used.xbel", NULL);

      /* root writes anywhere: be nobody, in a folder nobody can't write,
       * keeping GTK's recent files writable */
      g_assert_cmpint (g_mkdir_with_parents (data_home, 0755), ==, 0);
      g_assert_cmpint (chown (data_home, 65534, 65534), ==, 0);
      if (g_file_test (recent, G_FILE_TEST_EXISTS))
        g_assert_cmpint (chown (recent, 65534, 65534), ==, 0);
      g_assert_cmpint (chmod (f->dir, 0755), ==, 0);
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setresgid (65534, 65534, 65534), ==, 0);
      g_assert_cmpint (setresuid (65534, 65534, 65534), ==, 0);
    }
  else
    g_assert_cmpint (chmod (f->store_path, 0555), ==, 0);

  open_and_wait (f);
  select_and_wait (f, "mixed");
  g_assert_true (g_str_has_suffix (subtitle (f), "(read-only)"));
  g_assert_false (action_enabled (f, "samples.editing"));
  g_assert_false (action_enabled (f, "win.new-shard"));
  g_assert_false (action_enabled (f, "win.delete-shard"));
  g_assert_false (action_enabled (f, "win.save"));
  {
    GtkWidget *edit = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view), DREY_TYPE_SAMPLE_VIEW,
                                                                 "edit_button"));

    g_assert_false (gtk_widget_is_sensitive (edit));
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (edit), "read-only"));
  }
  /* Setting edit mode by hand changes nothing: there is no editor. */
  drey_sample_view_set_editing (f->sample_view, TRUE);
  select_node (f, child (sample (f, 0), "id"));
  g_assert_false (action_enabled (f, "samples.edit-value"));
  g_assert_false (action_enabled (f, "samples.remove"));
}

/* ---- small things ------------------------------------------------------- */

static GtkTreeListRow *
selected_row (Fixture *f)
{
  return gtk_single_selection_get_selected_item (drey_sample_view_get_selection (f->sample_view));
}

/* Export names say what they hold; counts are in the singular for one;
 * Right and Left expand and collapse rows of the tree. */
static void
test_editing_small_things (Fixture       *f,
                           gconstpointer  data)
{
  GtkLabel *subtitle_label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view),
                                                                       DREY_TYPE_SAMPLE_VIEW, "shard_subtitle"));
  DreySampleNode *s0;
  char *name;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  g_assert_cmpstr (gtk_label_get_text (subtitle_label), ==, "3 samples");
  s0 = sample (f, 0);

  select_node (f, child (s0, "image"));
  name = drey_sample_view_dup_export_name (f->sample_view, DREY_SAMPLE_FORMAT_PNG);
  g_assert_cmpstr (name, ==, "mixed-0-image.png");
  g_free (name);
  name = drey_sample_view_dup_export_name (f->sample_view, DREY_SAMPLE_FORMAT_JSON);
  g_assert_cmpstr (name, ==, "mixed-0.json");
  g_free (name);
  select_node (f, child (child (sample (f, 1), "meta"), "source"));
  name = drey_sample_view_dup_export_name (f->sample_view, DREY_SAMPLE_FORMAT_NPY);
  g_assert_cmpstr (name, ==, "mixed-1-meta-source.npy");
  g_free (name);
  name = drey_sample_view_dup_export_name (f->sample_view, DREY_SAMPLE_FORMAT_JSON);
  g_assert_cmpstr (name, ==, "mixed-1.json");
  g_free (name);

  /* Right expands the selected row, then goes into it; Left goes back up
   * and collapses. Real keys, with the focus in the tree. */
  select_node (f, sample (f, 2));
  select_node (f, s0);
  gtk_tree_list_row_set_expanded (selected_row (f), FALSE);
  drey_sample_view_focus_samples (f->sample_view);
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers Right");
  WAIT_FOR (gtk_tree_list_row_get_expanded (selected_row (f)));
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers Right");
  WAIT_FOR (gtk_tree_list_row_get_item (selected_row (f)) != (gpointer) s0 &&
            (g_object_unref (gtk_tree_list_row_get_item (selected_row (f))), TRUE));
  {
    g_autoptr(DreySampleNode) selected = drey_sample_view_selected_node (f->sample_view);

    g_assert_true (selected == child (s0, "id"));
  }
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers Left");
  WAIT_FOR (drey_sample_view_selected_node (f->sample_view) == s0 && (g_object_unref (s0), TRUE));
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers Left");
  WAIT_FOR (!gtk_tree_list_row_get_expanded (selected_row (f)));

  /* The array panel starts at its top for each value. */
  {
    GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (f->sample_view),
                                                                                      DREY_TYPE_SAMPLE_VIEW,
                                                                                      "panel_scroller"));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

    select_node (f, child (s0, "image"));
    WAIT_FOR (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 50);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
    select_node (f, child (s0, "wave"));
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  }

  /* One sample: "1 sample". */
  select_and_wait (f, "other");
  g_assert_cmpstr (gtk_label_get_text (subtitle_label), ==, "1 sample");
}

/* ---- copying ------------------------------------------------------------ */

typedef struct
{
  char     *text;
  gboolean  done;
} Paste;

static void
paste_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Paste *paste = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &paste->text, NULL, &error);
  g_assert_no_error (error);
  paste->done = TRUE;
}

/* What another X client pastes from the clipboard (xclip, as a terminal
 * would), while the window's main loop runs to answer it. xclip gives up
 * after 20 s; a main loop that hung answering never gets here. */
static char *
paste_elsewhere (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) xclip = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                                   "timeout", "20", "xclip", "-o", "-selection", "clipboard",
                                                   NULL);
  Paste paste = { NULL, FALSE };

  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (xclip, NULL, NULL, paste_done, &paste);
  WAIT_FOR (paste.done);
  g_assert_true (g_subprocess_get_if_exited (xclip));
  return paste.text;
}

static gboolean
main_loop_beat (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Ctrl+C never freezes the window: what it copies is small enough for
 * GTK 4.8's X11 clipboard, and a larger value offers Export instead. */
static void
test_editing_copy_bounded (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree guint8 *pixels = g_malloc0 (224 * 224 * 3);
  guint64 shape[] = { 224, 224, 3 };
  g_autoptr(SqValue) big = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *pasted_after = NULL;
  AdwToast *toast;
  DreySampleNode *s0;
  guint beats = 0;
  guint beat_source;

  for (guint i = 0; i < 224 * 224 * 3; i++)
    pixels[i] = (guint8) (i * 31);
  big = ndarray ("|u1", 3, shape, pixels, 224 * 224 * 3);
  open_and_wait (f);
  select_and_wait (f, "mixed");
  s0 = sample (f, 0);

  /* A small value pastes elsewhere as its JSON. */
  select_node (f, child (s0, "image"));
  expected = sq_value_to_json (drey_sample_node_get_value (child (s0, "image")), NULL);
  drey_sample_view_focus_samples (f->sample_view);
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers ctrl+c");
  /* (the key reaches the window a little later) */
  for (guint tries = 0; pasted == NULL || !g_str_equal (pasted, expected); tries++)
    {
      g_assert_cmpuint (tries, <, 100);
      g_free (pasted);
      pasted = paste_elsewhere ();
    }

  /* A 224x224x3 image is not copied: the toast offers Export, the
   * clipboard keeps what it had, and a paste elsewhere returns while the
   * main loop keeps running. */
  drey_sample_view_set_editing (f->sample_view, TRUE);
  g_assert_true (drey_sample_view_set_selected_value (f->sample_view, big));
  activate (f, "samples.copy-json", NULL);
  toast = drey_window_get_last_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_nonnull (strstr (adw_toast_get_title (toast), "Too large to copy"));
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Export as .npy…");
  beat_source = g_timeout_add (10, main_loop_beat, &beats);
  pasted_after = paste_elsewhere ();
  g_assert_cmpstr (pasted_after, ==, expected);
  WAIT_FOR (beats > 2);
  g_source_remove (beat_source);

  /* A whole sample with the image in it: the same, offering the sample. */
  select_node (f, s0);
  activate (f, "samples.copy-json", NULL);
  toast = drey_window_get_last_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Export Sample…");
}

/* ---- forgiving edits ---------------------------------------------------- */

/* The values of the shard on screen, to compare states. */
static GPtrArray *
doc_state (Fixture *f)
{
  return drey_shard_document_dup_samples (DOC (f));
}

static gboolean
same_state (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!sq_value_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

/* Every kind of edit is undone and redone through the window's actions,
 * in order, each to the state before or after it. */
static void
test_editing_undo_redo (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(SqValue) array = NULL;
  DreySampleNode *s0, *added;
  guint n;

  {
    guint8 pixels[2 * 2 * 3] = { 0 };
    guint64 shape[] = { 2, 2, 3 };

    array = ndarray ("|u1", 3, shape, pixels, sizeof pixels);
  }
  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  g_assert_false (action_enabled (f, "win.undo"));
  g_assert_false (action_enabled (f, "win.redo"));
  g_ptr_array_add (states, doc_state (f));
  s0 = sample (f, 0);

  type_and_commit (f, child (s0, "id"), FALSE, "8");                    /* a value */
  g_ptr_array_add (states, doc_state (f));
  type_and_commit (f, child (s0, "tags"), TRUE, "labels");              /* a rename */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, s0);
  activate (f, "samples.add-field", "int");                             /* a field added */
  added = drey_sample_view_selected_node (f->sample_view);
  g_object_unref (added);
  drey_sample_view_commit_editing (f->sample_view);
  g_ptr_array_add (states, doc_state (f));
  select_node (f, child (s0, "ok"));
  activate (f, "samples.remove", NULL);                                 /* a field removed */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, sample (f, 1));
  activate (f, "samples.add-sample", NULL);                             /* a sample added */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, sample (f, 0));
  activate (f, "samples.duplicate-sample", NULL);                       /* duplicated */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, sample (f, 3));
  activate (f, "samples.move-up", NULL);                                /* moved */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, sample (f, 4));
  activate (f, "samples.remove", NULL);                                 /* a sample removed */
  g_ptr_array_add (states, doc_state (f));
  select_node (f, child (sample (f, 0), "image"));
  g_assert_true (drey_sample_view_set_selected_value (f->sample_view, array));   /* an array replaced */
  g_ptr_array_add (states, doc_state (f));
  n = states->len - 1;
  g_assert_cmpuint (n, ==, 9);
  for (guint i = 1; i <= n; i++)
    g_assert_false (same_state (g_ptr_array_index (states, i - 1), g_ptr_array_index (states, i)));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(GPtrArray) now = NULL;

      g_assert_true (action_enabled (f, "win.undo"));
      activate (f, "win.undo", NULL);
      now = doc_state (f);
      g_assert_true (same_state (now, g_ptr_array_index (states, i - 1)));
      g_assert_true (action_enabled (f, "win.redo"));
    }
  g_assert_false (action_enabled (f, "win.undo"));
  g_assert_false (drey_shard_document_get_modified (DOC (f)));
  g_assert_false (drey_sample_node_get_edited (sample (f, 0)));
  g_assert_cmpstr (subtitle (f), !=, "Unsaved changes to “mixed”");

  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(GPtrArray) now = NULL;

      activate (f, "win.redo", NULL);
      now = doc_state (f);
      g_assert_true (same_state (now, g_ptr_array_index (states, i)));
    }
  g_assert_false (action_enabled (f, "win.redo"));
  g_assert_true (drey_shard_document_get_modified (DOC (f)));

  /* The redone array replacement is what the panel shows. */
  {
    g_autoptr(DreySampleNode) selected = drey_sample_view_selected_node (f->sample_view);

    g_assert_true (drey_sample_node_get_value (selected) == array);
  }

  /* A save keeps the history: undoing after it is a change again. */
  save_and_wait (f);
  g_assert_true (action_enabled (f, "win.undo"));
  activate (f, "win.undo", NULL);
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  activate (f, "win.redo", NULL);
  g_assert_false (drey_shard_document_get_modified (DOC (f)));
}

/* What the user does with real keys and clicks, from another X client. */
static void
wait_for_presses (guint *count,
                  guint  n)
{
  WAIT_FOR (*count >= n);
  /* and for what the press started */
  for (int i = 0; i < 3; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

/* The expander arrow of the tree's first row (sample 0), once it is drawn. */
static GtkWidget *
first_expander_icon (GtkWidget *widget)
{
  if (g_str_equal (gtk_widget_get_css_name (widget), "expander") && gtk_widget_get_mapped (widget) &&
      gtk_widget_get_width (widget) > 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_expander_icon (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A click on a row's arrow expands it, and a second one collapses it, as
 * a mouse user expects; whether the row was selected or not, in edit mode
 * or not. */
static void
test_expander_click (Fixture       *f,
                     gconstpointer  data)
{
  guint presses = 0;
  GtkTreeListModel *tree;
  g_autoptr(GtkTreeListRow) row = NULL;
  GtkWidget *icon;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_test_count_presses (GTK_WIDGET (f->window), &presses);
  tree = GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (drey_sample_view_get_selection (f->sample_view)));
  row = gtk_tree_list_model_get_row (tree, 0);
  WAIT_FOR ((icon = first_expander_icon (GTK_WIDGET (f->sample_view))) != NULL);
  g_assert_false (gtk_tree_list_row_get_expanded (row));

  /* Not selected: the click expands it. */
  drey_test_click (icon, 1);
  wait_for_presses (&presses, 1);
  WAIT_FOR (gtk_tree_list_row_get_expanded (row));

  /* Selected: a click (not a double one) collapses it, near the arrow's
   * left edge, the side of the sidebar's divider, too. */
  select_node (f, sample (f, 0));
  g_usleep (600 * 1000);
  icon = first_expander_icon (GTK_WIDGET (f->sample_view));
  {
    int x, y;
    g_autofree char *args = NULL;

    drey_test_widget_centre (icon, &x, &y);
    args = g_strdup_printf ("mousemove --window %%w %d %d click 1", x - gtk_widget_get_width (icon) / 2 + 2, y);
    drey_test_xdotool (icon, args);
  }
  wait_for_presses (&presses, 2);
  WAIT_FOR (!gtk_tree_list_row_get_expanded (row));

  /* In edit mode too. */
  drey_sample_view_set_editing (f->sample_view, TRUE);
  g_usleep (600 * 1000);
  icon = first_expander_icon (GTK_WIDGET (f->sample_view));
  drey_test_click (icon, 1);
  wait_for_presses (&presses, 3);
  WAIT_FOR (gtk_tree_list_row_get_expanded (row));
}

static void
test_editing_real_input (Fixture       *f,
                         gconstpointer  data)
{
  guint presses = 0;
  DreySampleNode *s0, *name, *id;
  GtkWidget *editor;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  drey_test_count_presses (GTK_WIDGET (f->window), &presses);
  s0 = sample (f, 0);
  name = child (s0, "name");
  select_node (f, name);

  /* A click on the selected row's name selects; it never renames. */
  editor = drey_sample_view_get_selected_editor (f->sample_view, TRUE);
  g_assert_nonnull (editor);
  drey_test_click (editor, 1);
  wait_for_presses (&presses, 1);
  g_assert_false (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
  /* Later, a second single click on it: still not. */
  g_usleep (600 * 1000);
  drey_test_click (editor, 1);
  wait_for_presses (&presses, 2);
  editor = drey_sample_view_get_selected_editor (f->sample_view, TRUE);
  g_assert_false (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
  {
    g_autoptr(DreySampleNode) selected = drey_sample_view_selected_node (f->sample_view);

    g_assert_true (selected == name);
  }

  /* A double click renames. */
  g_usleep (600 * 1000);
  drey_test_click (editor, 2);
  wait_for_presses (&presses, 4);
  editor = drey_sample_view_get_selected_editor (f->sample_view, TRUE);
  WAIT_FOR (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));

  /* Delete in the editor deletes text (all of it, selected on focus),
   * and never the field. */
  drey_test_xdotool (editor, "key --clearmodifiers Delete");
  WAIT_FOR (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (editor)), ""));
  g_assert_true (drey_sample_node_get_parent (name) == s0);
  g_assert_nonnull (sq_value_lookup (drey_sample_node_get_value (s0), "name"));
  g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (editor), FALSE);

  /* Ctrl+Z and Ctrl+Shift+Z, with the focus in the tree. */
  id = child (s0, "id");
  type_and_commit (f, id, FALSE, "41");
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, 41);
  drey_sample_view_focus_samples (f->sample_view);
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers ctrl+z");
  WAIT_FOR (sq_value_get_int (drey_sample_node_get_value (id)) == 7);
  drey_test_xdotool (GTK_WIDGET (f->window), "key --clearmodifiers ctrl+shift+z");
  WAIT_FOR (sq_value_get_int (drey_sample_node_get_value (id)) == 41);
}

/* An empty name asks first; a refused value stays in its editor. */
static void
test_editing_refusals (Fixture       *f,
                       gconstpointer  data)
{
  DreySampleNode *s0, *tags, *id;
  GtkWidget *editor;
  gsize len = 0;

  open_and_wait (f);
  select_and_wait (f, "mixed");
  drey_sample_view_set_editing (f->sample_view, TRUE);
  s0 = sample (f, 0);

  tags = child (s0, "tags");
  type_and_commit (f, tags, TRUE, "");
  respond ("cancel");
  g_assert_cmpstr (drey_sample_node_get_name (tags), ==, "tags");
  g_assert_false (drey_shard_document_get_modified (DOC (f)));
  type_and_commit (f, tags, TRUE, "");
  respond ("rename");
  g_assert_cmpstr (sq_value_get_str (drey_sample_node_get_key (tags), &len), ==, "");
  g_assert_cmpuint (len, ==, 0);
  g_assert_true (drey_shard_document_get_modified (DOC (f)));
  activate (f, "win.undo", NULL);
  g_assert_cmpstr (drey_sample_node_get_name (tags), ==, "tags");

  /* Enter on a refused value: the editor stays open with the text. */
  id = child (s0, "id");
  editor = start_editing (f, id, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (editor), "12x");
  /* Enter in the editor's text */
  gtk_widget_activate (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (editor))));
  g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor)), ==, "12x");
  g_assert_true (gtk_widget_has_css_class (editor, "error"));
  g_assert_nonnull (strstr (drey_sample_view_get_edit_error (f->sample_view), "12x"));
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, 7);
  /* Fixed, it is taken. */
  gtk_editable_set_text (GTK_EDITABLE (editor), "12");
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (editor), TRUE);
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (id)), ==, 12);
  g_assert_false (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)));
}


/* The edits tests/interop/edit-interop.py expects, then Save. */
static void
test_editing_scripted (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *png_path = g_build_filename (f->dir, "replacement.png", NULL);
  g_autoptr(GFile) png_file = g_file_new_for_path (png_path);
  guint8 pixels[2 * 3 * 3];
  guint64 shape[] = { 2, 3, 3 };
  g_autoptr(SqValue) picture = NULL;
  g_autoptr(GBytes) png = NULL;
  DreySampleNode *s0, *s1, *image, *added;

  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 13);
  picture = ndarray ("|u1", 3, shape, pixels, sizeof pixels);
  png = drey_image_save_png (sq_value_get_ndarray (picture), NULL);
  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));

  open_and_wait (f);
  select_and_wait (f, "mixed");
  activate (f, "samples.editing", NULL);
  s0 = sample (f, 0);
  type_and_commit (f, child (s0, "id"), FALSE, "8");
  type_and_commit (f, child (s0, "score"), FALSE, "0.125");
  type_and_commit (f, child (s0, "name"), FALSE, "dog");
  type_and_commit (f, child (s0, "ok"), FALSE, "False");
  type_and_commit (f, child (s0, "label"), FALSE, "4");
  type_and_commit (f, child (s0, "tags"), TRUE, "labels");
  select_node (f, s0);
  activate (f, "samples.add-field", "str");
  added = drey_sample_view_selected_node (f->sample_view);
  g_object_unref (added);
  type_and_commit (f, added, TRUE, "note");
  type_and_commit (f, added, FALSE, "hand-made");
  select_node (f, child (child (s0, "meta"), "none"));
  activate (f, "samples.remove", NULL);

  s1 = sample (f, 1);
  image = child (s1, "image");
  select_node (f, image);
  drey_sample_view_load_array (f->sample_view, png_file, TRUE);
  WAIT_FOR (sq_ndarray_get_shape (sq_value_get_ndarray (drey_sample_node_get_value (image)))[0] == 2);

  /* [s0, s1, s2] -> [s0, s1, s1', s2] -> [s0, s1, s2, s1'] */
  select_node (f, s1);
  activate (f, "samples.duplicate-sample", NULL);
  select_node (f, sample (f, 3));
  activate (f, "samples.move-up", NULL);
  /* -> [s0, s1, s2, s1', {}] -> [s0, s1, s2, {}] */
  select_node (f, sample (f, 3));
  activate (f, "samples.add-sample", NULL);
  select_node (f, sample (f, 3));
  activate (f, "samples.remove", NULL);
  /* {} -> {"new_field": 42} */
  select_node (f, sample (f, 3));
  activate (f, "samples.add-field", "int");
  added = drey_sample_view_selected_node (f->sample_view);
  g_object_unref (added);
  gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (drey_sample_view_get_selected_editor (f->sample_view, TRUE)), FALSE);
  type_and_commit (f, added, FALSE, "42");

  save_and_wait (f);
  if (g_getenv ("DREY_EDIT_STORE") == NULL)
    {
      g_autoptr(GPtrArray) saved = read_shard (f, "mixed");
      g_autoptr(GPtrArray) original = mixed_samples ();
      SqValue *m0 = g_ptr_array_index (saved, 0);

      g_assert_cmpuint (saved->len, ==, 4);
      g_assert_cmpint (sq_value_get_int (sq_value_lookup (m0, "id")), ==, 8);
      g_assert_cmpstr (sq_value_get_str (sq_value_get_key (m0, 10), NULL), ==, "labels");
      g_assert_cmpstr (sq_value_get_str (sq_value_get_key (m0, 12), NULL), ==, "note");
      g_assert_true (sq_value_equal (sq_value_lookup (m0, "image"), sq_value_lookup (g_ptr_array_index (original, 0), "image")));
      g_assert_true (sq_value_equal (sq_value_lookup (m0, "blob"), sq_value_lookup (g_ptr_array_index (original, 0), "blob")));
      g_assert_true (sq_value_equal (g_ptr_array_index (saved, 2), g_ptr_array_index (original, 2)));
      g_assert_cmpint (sq_value_get_int (sq_value_lookup (g_ptr_array_index (saved, 3), "new_field")), ==, 42);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = drey_test_private_home ();
  int status;

  g_chmod (home, 0777);
  DREY_TEST_UI_INIT (&argc, &argv);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/editing/scalars", test_editing_scalars, NULL);
  ADD ("/editing/fields", test_editing_fields, NULL);
  ADD ("/editing/samples", test_editing_samples, NULL);
  ADD ("/editing/replace-and-export", test_editing_replace_and_export, NULL);
  ADD ("/editing/save-and-undo", test_editing_save_and_undo, NULL);
  ADD ("/editing/one-undo-at-a-time", test_editing_one_undo_at_a_time, NULL);
  ADD ("/editing/changed-on-disk", test_editing_changed_on_disk, NULL);
  ADD ("/editing/save-fails-keeps-edits", test_editing_save_fails_keeps_edits, NULL);
  ADD ("/editing/new-shard", test_editing_new_shard, NULL);
  ADD ("/editing/delete-and-undo", test_editing_delete_and_undo, NULL);
  ADD ("/editing/unsaved-asks", test_editing_unsaved_asks, NULL);
  ADD ("/editing/save-progress", test_editing_save_progress, NULL);
  ADD ("/editing/read-only", test_editing_read_only, NULL);
  ADD ("/editing/undo-redo", test_editing_undo_redo, NULL);
  ADD ("/editing/real-input", test_editing_real_input, NULL);
  ADD ("/editing/expander-click", test_expander_click, NULL);
  ADD ("/editing/refusals", test_editing_refusals, NULL);
  ADD ("/editing/copy-bounded", test_editing_copy_bounded, NULL);
  ADD ("/editing/small-things", test_editing_small_things, NULL);
  ADD ("/editing/scripted", test_editing_scripted, "may use DREY_EDIT_STORE");
#undef ADD

  status = g_test_run ();
  drey_test_remove_tree (home);
  return status;
}
