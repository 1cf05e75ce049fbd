/* drey-sample-view.c: the samples of one shard, as a tree, and their editor
 *
 * Loading a key decodes its shard on a worker (sq_store_get_async) with a
 * progress bar; loading another key first cancels the one in flight, so a
 * late result never replaces a newer one. The samples become a
 * GtkTreeListModel over DreySampleNodes whose children are made when a row
 * is expanded.
 *
 * In edit mode the scalars and map keys become editable labels, checked as
 * typed, and the actions below add, remove, move and replace values. Each
 * edit goes through DreySampleNode, which keeps every untouched value as it
 * was read. The view only edits its copy: saving is the window's job (it
 * owns the store's writes, their progress and their Undo).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-image.h"
#include "drey-image-preview.h"
#include "drey-list-keynav.h"
#include "drey-sample-node.h"
#include "drey-sample-view.h"
#include "drey-sample-format.h"

/* How long an edit error stays on screen. */
#define EDIT_ERROR_SECONDS 8

struct _DreySampleView
{
  GtkWidget             parent_instance;

  GtkStack             *stack;
  GtkSpinner           *spinner;
  GtkLabel             *loading_label;
  GtkProgressBar       *progress_bar;
  AdwStatusPage        *error_page;
  GtkLabel             *shard_title;
  GtkLabel             *shard_subtitle;
  GtkWidget            *edit_button;
  GtkProgressBar       *save_progress;
  GtkRevealer          *edit_error_revealer;
  GtkLabel             *edit_error_label;
  GtkRevealer          *edit_bar_revealer;
  GtkWidget            *edit_bar;
  GtkWidget            *add_sample_button;
  GtkColumnView        *column_view;
  GtkWidget            *no_samples_page;
  GtkScrolledWindow    *panel_scroller;
  DreyArrayPanel       *array_panel;

  SqStore              *store;
  char                 *key;
  GCancellable         *cancellable;
  GError               *error;
  GListStore           *roots;
  GtkSingleSelection   *selection;

  gboolean              editing;
  gboolean              modified;
  gboolean              is_new;
  gboolean              saving;
  char                 *read_only_reason;
  /* The GtkListItems bound now, per column, to refresh on mode changes. */
  GHashTable           *name_items;
  GHashTable           *value_items;
  guint                 edit_error_timeout;

  GtkFileChooserNative *chooser;
  GCancellable         *file_cancellable;
};

G_DEFINE_FINAL_TYPE (DreySampleView, drey_sample_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KEY,
  PROP_STATE,
  PROP_EDITING,
  PROP_MODIFIED,
  PROP_IS_NEW,
  N_PROPS
};

enum {
  LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_actions (DreySampleView *self);

GtkWidget *
drey_sample_view_new (void)
{
  return g_object_new (DREY_TYPE_SAMPLE_VIEW, NULL);
}

static void
set_state (DreySampleView *self,
           const char     *state)
{
  gtk_stack_set_visible_child_name (self->stack, state);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (state, "loading"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  update_actions (self);
}

const char *
drey_sample_view_get_state (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
drey_sample_view_get_key (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return self->key;
}

const GError *
drey_sample_view_get_error (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return self->error;
}

GtkSingleSelection *
drey_sample_view_get_selection (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return self->selection;
}

DreyArrayPanel *
drey_sample_view_get_array_panel (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return self->array_panel;
}

gboolean
drey_sample_view_get_editing (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);
  return self->editing;
}

/**
 * drey_sample_view_get_modified:
 *
 * Returns: whether the samples on screen differ from the shard on disk
 *   (always for a new shard not saved yet)
 */
gboolean
drey_sample_view_get_modified (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);
  return self->modified;
}

/**
 * drey_sample_view_get_is_new:
 *
 * Returns: whether the samples on screen are a new shard, not saved yet
 */
gboolean
drey_sample_view_get_is_new (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);
  return self->is_new;
}

static void
set_modified (DreySampleView *self,
              gboolean        modified)
{
  if (self->modified == modified)
    return;
  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/**
 * drey_sample_view_selected_node:
 *
 * Returns: (transfer full) (nullable): the node of the selected row
 */
DreySampleNode *
drey_sample_view_selected_node (DreySampleView *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  if (self->selection == NULL)
    return NULL;
  row = gtk_single_selection_get_selected_item (self->selection);
  return row != NULL ? DREY_SAMPLE_NODE (gtk_tree_list_row_get_item (row)) : NULL;
}

/**
 * drey_sample_view_get_python_path:
 *
 * Returns: (transfer full) (nullable): Python that reaches the selected
 *   value from a squirrel store object, e.g.
 *   `list(store.get("KEY"))[3]["metadata"]["key"]`
 */
char *
drey_sample_view_get_python_path (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = NULL;
  g_autoptr(SqValue) key = NULL;
  g_autofree char *key_repr = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = drey_sample_view_selected_node (self);
  if (node == NULL || self->key == NULL)
    return NULL;
  key = sq_value_new_str (self->key, -1);
  key_repr = drey_python_key_repr (key);
  path = drey_sample_node_get_python_path (node);
  /* store.get() yields the samples; list() makes them subscriptable. */
  return g_strdup_printf ("list(store.get(%s))%s", key_repr, path);
}

/**
 * drey_sample_view_get_n_samples:
 *
 * Returns: how many samples are on screen, edits included
 */
guint
drey_sample_view_get_n_samples (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), 0);
  return self->roots != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->roots)) : 0;
}

/**
 * drey_sample_view_dup_samples:
 *
 * Returns: (transfer full) (element-type SqValue) (nullable): the samples
 *   as they are on screen, edits included
 */
GPtrArray *
drey_sample_view_dup_samples (DreySampleView *self)
{
  GPtrArray *samples;
  guint n;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  if (self->roots == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  samples = g_ptr_array_new_full (n, (GDestroyNotify) sq_value_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      g_ptr_array_add (samples, sq_value_ref (drey_sample_node_get_value (node)));
    }
  return samples;
}

/* ---- edit errors -------------------------------------------------------- */

static gboolean
hide_edit_error (gpointer user_data)
{
  DreySampleView *self = user_data;

  self->edit_error_timeout = 0;
  gtk_revealer_set_reveal_child (self->edit_error_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* An edit that was refused says why above the tree, for a while. */
static void
show_edit_error (DreySampleView *self,
                 const char     *message)
{
  g_clear_handle_id (&self->edit_error_timeout, g_source_remove);
  if (message == NULL)
    {
      gtk_revealer_set_reveal_child (self->edit_error_revealer, FALSE);
      return;
    }
  gtk_label_set_text (self->edit_error_label, message);
  gtk_revealer_set_reveal_child (self->edit_error_revealer, TRUE);
  self->edit_error_timeout = g_timeout_add_seconds (EDIT_ERROR_SECONDS, hide_edit_error, self);
}

/**
 * drey_sample_view_get_edit_error:
 *
 * Returns: (nullable): the refused edit's message on screen, if any
 */
const char *
drey_sample_view_get_edit_error (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->edit_error_revealer))
    return NULL;
  return gtk_label_get_text (self->edit_error_label);
}

static gboolean
can_edit (DreySampleView *self)
{
  return self->editing && self->read_only_reason == NULL && !self->saving && self->roots != NULL;
}

static gboolean
is_renamable (DreySampleNode *node)
{
  SqValue *key = drey_sample_node_get_key (node);

  return key != NULL && sq_value_get_value_type (key) == SQ_VALUE_STR;
}

/* ---- columns ------------------------------------------------------------ */

static DreySampleNode *
item_node (GtkListItem *item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static DreySampleView *
item_view (GtkListItem *item)
{
  return g_object_get_data (G_OBJECT (item), "drey-sample-view");
}

static void
update_accessible_label (GtkWidget      *widget,
                         DreySampleNode *node)
{
  g_autofree char *label = g_strdup_printf ("%s, %s, %s%s", drey_sample_node_get_name (node),
                                            drey_sample_node_get_type_text (node),
                                            drey_sample_node_get_value_text (node),
                                            drey_sample_node_get_edited (node) ? _(", edited") : "");

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The widgets of a cell, found from the cell's child. */
typedef struct
{
  GtkWidget *mark;
  GtkWidget *label;
  GtkWidget *editor;
} Cell;

static Cell
cell_widgets (GtkWidget *box)
{
  Cell cell;

  cell.mark = g_object_get_data (G_OBJECT (box), "mark");
  cell.label = g_object_get_data (G_OBJECT (box), "label");
  cell.editor = g_object_get_data (G_OBJECT (box), "editor");
  return cell;
}

static GtkWidget *
cell_box (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    return gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
  return child;
}

/* Puts @text in @editor unless the user is typing there. */
static void
set_editor_text (GtkWidget  *editor,
                 const char *text)
{
  if (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)))
    return;
  g_object_set_data (G_OBJECT (editor), "drey-setting-text", GINT_TO_POINTER (TRUE));
  gtk_editable_set_text (GTK_EDITABLE (editor), text);
  g_object_set_data (G_OBJECT (editor), "drey-setting-text", NULL);
}

static void
refresh_name_cell (GtkListItem *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleView *self = item_view (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  Cell cell = cell_widgets (cell_box (item));
  gboolean editable;

  if (node == NULL)
    return;
  editable = can_edit (self) && is_renamable (node);
  gtk_label_set_text (GTK_LABEL (cell.label), drey_sample_node_get_name (node));
  if (editable)
    set_editor_text (cell.editor, drey_sample_node_get_name (node));
  gtk_widget_set_visible (cell.label, !editable);
  gtk_widget_set_visible (cell.editor, editable);
  gtk_widget_set_visible (cell.mark, drey_sample_node_get_edited (node));
  update_accessible_label (expander, node);
}

static void
refresh_type_cell (GtkListItem *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);

  if (node != NULL)
    gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), drey_sample_node_get_type_text (node));
}

static void
refresh_value_cell (GtkListItem *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleView *self = item_view (item);
  Cell cell = cell_widgets (cell_box (item));
  gboolean editable;

  if (node == NULL)
    return;
  editable = can_edit (self) && sq_value_is_editable_scalar (drey_sample_node_get_value (node));
  gtk_label_set_text (GTK_LABEL (cell.label), drey_sample_node_get_value_text (node));
  if (editable)
    {
      g_autofree char *text = sq_value_to_edit_text (drey_sample_node_get_value (node));

      set_editor_text (cell.editor, text);
    }
  gtk_widget_set_visible (cell.label, !editable);
  gtk_widget_set_visible (cell.editor, editable);
}

static void
node_notify (DreySampleNode *node,
             GParamSpec     *pspec,
             GtkListItem    *item)
{
  void (*refresh) (GtkListItem *) = g_object_get_data (G_OBJECT (item), "drey-refresh");

  refresh (item);
}

/* ---- editing in place --------------------------------------------------- */

/* The value as typed, or %NULL with @error set. */
static SqValue *
parse_cell (GtkWidget       *editor,
            DreySampleNode  *node,
            gboolean         is_name,
            GError         **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editor));

  if (is_name)
    return sq_value_parse_like (drey_sample_node_get_key (node), text, error);
  return sq_value_parse_like (drey_sample_node_get_value (node), text, error);
}

/* Checked as typed: the editor turns red and says why. */
static void
editor_changed (GtkEditable *editor,
                GtkListItem *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleView *self = item_view (item);
  gboolean is_name = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editor), "drey-is-name"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = NULL;

  if (node == NULL || g_object_get_data (G_OBJECT (editor), "drey-setting-text") != NULL ||
      !gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)))
    return;
  value = parse_cell (GTK_WIDGET (editor), node, is_name, &error);
  if (value != NULL && is_name && drey_sample_node_get_parent (node) != NULL)
    {
      /* A key another field has is refused as typed, too. */
      SqValue *map = drey_sample_node_get_value (drey_sample_node_get_parent (node));
      const char *text = gtk_editable_get_text (editor);

      for (gsize i = 0; i < sq_value_get_length (map); i++)
        if (i != drey_sample_node_get_index (node) && sq_value_equal (sq_value_get_key (map, i), value))
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("This sample already has a field “%s”"), text);
    }
  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (editor), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (editor), error->message);
      show_edit_error (self, error->message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (editor), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (editor), NULL);
      show_edit_error (self, NULL);
    }
}

static void
commit_cell (DreySampleView *self,
             GtkWidget      *editor,
             DreySampleNode *node,
             gboolean        is_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = NULL;
  g_autofree char *old_text = NULL;

  old_text = is_name ? g_strdup (drey_sample_node_get_name (node))
                     : sq_value_to_edit_text (drey_sample_node_get_value (node));
  gtk_widget_remove_css_class (editor, "error");
  gtk_widget_set_tooltip_text (editor, NULL);
  if (g_strcmp0 (old_text, gtk_editable_get_text (GTK_EDITABLE (editor))) == 0)
    return;

  value = parse_cell (editor, node, is_name, &error);
  if (value != NULL && is_name)
    {
      if (!drey_sample_node_rename (node, value, &error))
        g_clear_pointer (&value, sq_value_unref);
    }
  else if (value != NULL)
    drey_sample_node_set_value (node, value);

  if (value == NULL)
    {
      /* The old value stays; the message says what was wrong. */
      g_autofree char *message = g_strdup_printf (_("Not changed: %s"), error->message);

      set_editor_text (editor, old_text);
      show_edit_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  show_edit_error (self, NULL);
  set_modified (self, TRUE);
  update_actions (self);
}

static void
editor_editing_changed (GtkEditableLabel *editor,
                        GParamSpec       *pspec,
                        GtkListItem      *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  gboolean is_name = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editor), "drey-is-name"));

  /* An editor no longer in a window commits nothing: unbinding its row
   * committed already. */
  if (node == NULL || gtk_editable_label_get_editing (editor) || gtk_widget_get_root (GTK_WIDGET (editor)) == NULL)
    return;
  commit_cell (item_view (item), GTK_WIDGET (editor), node, is_name);
}

/* GTK 4.8's GtkEditableLabel ends an edit 100 ms after losing the focus,
 * in a timeout that holds a pointer to its focus controller but no
 * reference: a row recycled or a window closed in between leaves it
 * dangling (a crash seen in the tests). Its own handler is swapped for
 * this one, which ends the edit at once, as Enter would. */
static void
editor_focus_left (GtkEventController *controller,
                   GtkEditableLabel   *editor)
{
  if (gtk_editable_label_get_editing (editor))
    gtk_editable_label_stop_editing (editor, TRUE);
}

static void
replace_focus_out (GtkWidget *editor)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (editor);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_EVENT_CONTROLLER_FOCUS (controller))
        continue;
      g_signal_handlers_disconnect_matched (controller, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, editor);
      g_signal_connect_object (controller, "leave", G_CALLBACK (editor_focus_left), editor, 0);
    }
}

static GtkWidget *
make_cell (GtkListItem *item,
           gboolean     is_name,
           const char  *label_style)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *mark = gtk_image_new_from_icon_name ("media-record-symbolic");
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *editor = gtk_editable_label_new ("");

  gtk_image_set_pixel_size (GTK_IMAGE (mark), 8);
  gtk_widget_add_css_class (mark, "accent");
  gtk_widget_set_tooltip_text (mark, _("Edited"));
  gtk_widget_set_visible (mark, FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  if (label_style != NULL)
    gtk_widget_add_css_class (label, label_style);
  gtk_widget_set_hexpand (editor, TRUE);
  gtk_widget_set_visible (editor, FALSE);
  gtk_editable_set_width_chars (GTK_EDITABLE (editor), 4);
  g_object_set_data (G_OBJECT (editor), "drey-is-name", GINT_TO_POINTER (is_name));
  g_signal_connect_object (editor, "changed", G_CALLBACK (editor_changed), item, 0);
  g_signal_connect_object (editor, "notify::editing", G_CALLBACK (editor_editing_changed), item, 0);
  replace_focus_out (editor);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), editor);
  /* At the end of the name, so names stay aligned. */
  if (is_name)
    gtk_box_append (GTK_BOX (box), mark);
  g_object_set_data (G_OBJECT (box), "mark", mark);
  g_object_set_data (G_OBJECT (box), "label", label);
  g_object_set_data (G_OBJECT (box), "editor", editor);
  return box;
}

static void
setup_name (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DreySampleView           *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();

  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
  g_object_set_data (G_OBJECT (item), "drey-refresh", refresh_name_cell);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), make_cell (item, TRUE, NULL));
  gtk_list_item_set_child (item, expander);
}

static void
setup_type (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DreySampleView           *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
  g_object_set_data (G_OBJECT (item), "drey-refresh", refresh_type_cell);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (item, label);
}

static void
setup_value (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DreySampleView           *self)
{
  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
  g_object_set_data (G_OBJECT (item), "drey-refresh", refresh_value_cell);
  gtk_list_item_set_child (item, make_cell (item, FALSE, "numeric"));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DreySampleView           *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(DreySampleNode) node = gtk_tree_list_row_get_item (row);
  GtkWidget *child = gtk_list_item_get_child (item);
  void (*refresh) (GtkListItem *) = g_object_get_data (G_OBJECT (item), "drey-refresh");

  if (GTK_IS_TREE_EXPANDER (child))
    {
      Cell cell = cell_widgets (cell_box (item));

      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), row);
      if (gtk_tree_list_row_get_depth (row) == 0)
        gtk_widget_add_css_class (cell.label, "numeric");
      else
        gtk_widget_remove_css_class (cell.label, "numeric");
      g_hash_table_add (self->name_items, item);
    }
  if (refresh == refresh_value_cell)
    {
      /* An array's summary is worked out once its row is on screen. */
      drey_sample_node_request_summary (node);
      g_hash_table_add (self->value_items, item);
    }
  refresh (item);
  g_signal_connect_object (node, "notify", G_CALLBACK (node_notify), item, 0);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DreySampleView           *self)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  GtkWidget *box = cell_box (item);

  /* A row scrolled away mid-edit keeps what was typed. */
  if (GTK_IS_BOX (box))
    {
      Cell cell = cell_widgets (box);

      if (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (cell.editor)))
        gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (cell.editor), TRUE);
    }
  if (node != NULL)
    g_signal_handlers_disconnect_by_func (node, node_notify, item);
  g_hash_table_remove (self->name_items, item);
  g_hash_table_remove (self->value_items, item);
}

static void
add_column (DreySampleView *self,
            const char     *title,
            GCallback       setup,
            gboolean        expand,
            int             fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

static void
refresh_cells (DreySampleView *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->name_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    refresh_name_cell (item);
  g_hash_table_iter_init (&iter, self->value_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    refresh_value_cell (item);
}

/**
 * drey_sample_view_commit_editing:
 *
 * Ends any edit in progress as Enter would, so that what is being typed
 * counts before a save, a switch or a close.
 */
void
drey_sample_view_commit_editing (DreySampleView *self)
{
  GHashTable *tables[2];

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  tables[0] = self->name_items;
  tables[1] = self->value_items;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GPtrArray) editors = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer item;

      /* Committing refreshes cells: collect first, then stop. */
      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &item, NULL))
        {
          GtkWidget *editor = cell_widgets (cell_box (item)).editor;

          if (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (editor)))
            g_ptr_array_add (editors, editor);
        }
      for (guint i = 0; i < editors->len; i++)
        gtk_editable_label_stop_editing (g_ptr_array_index (editors, i), TRUE);
    }
}

/* The editor of the selected row's name or value, if it is on screen. */
static GtkWidget *
selected_editor (DreySampleView *self,
                 gboolean        is_name)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  GHashTableIter iter;
  gpointer item;

  if (node == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, is_name ? self->name_items : self->value_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      g_autoptr(DreySampleNode) other = item_node (item);

      if (other == node)
        return cell_widgets (cell_box (item)).editor;
    }
  return NULL;
}

/**
 * drey_sample_view_get_selected_editor:
 * @is_name: the name's editor rather than the value's
 *
 * For tests: the GtkEditableLabel of the selected row, as bound now.
 *
 * Returns: (transfer none) (nullable): the editor
 */
GtkWidget *
drey_sample_view_get_selected_editor (DreySampleView *self,
                                      gboolean        is_name)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return selected_editor (self, is_name);
}

/* ---- the model ---------------------------------------------------------- */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  return drey_sample_node_create_children (item);
}

static GtkTreeListModel *
tree_model (DreySampleView *self)
{
  return self->selection != NULL ? GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (self->selection)) : NULL;
}

/* The row of @node, expanding its ancestors so it has one. */
static GtkTreeListRow *
find_row (DreySampleView *self,
          DreySampleNode *node)
{
  DreySampleNode *parent = drey_sample_node_get_parent (node);
  g_autoptr(GtkTreeListRow) parent_row = NULL;

  if (parent == NULL)
    return gtk_tree_list_model_get_child_row (tree_model (self), drey_sample_node_get_index (node));
  parent_row = find_row (self, parent);
  if (parent_row == NULL)
    return NULL;
  gtk_tree_list_row_set_expanded (parent_row, TRUE);
  return gtk_tree_list_row_get_child_row (parent_row, drey_sample_node_get_index (node));
}

/* GTK 4.8's column view has no scroll-to; its list view has an action. */
static void
scroll_to (DreySampleView *self,
           guint           position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
}

/**
 * drey_sample_view_select_node:
 *
 * Selects @node's row, expanding and scrolling to it.
 */
void
drey_sample_view_select_node (DreySampleView *self,
                              DreySampleNode *node)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  guint position;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  if (node == NULL || self->selection == NULL)
    {
      if (self->selection != NULL)
        gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }
  row = find_row (self, node);
  if (row == NULL)
    return;
  position = gtk_tree_list_row_get_position (row);
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
}

static void
update_subtitle (DreySampleView *self)
{
  guint n = drey_sample_view_get_n_samples (self);
  g_autofree char *subtitle = g_strdup_printf (g_dngettext (NULL, "%u sample", "%u samples", n), n);

  gtk_widget_set_visible (self->no_samples_page, self->roots != NULL && n == 0);

  if (self->is_new)
    {
      g_autofree char *with_new = g_strdup_printf (_("%s · new shard"), subtitle);

      gtk_label_set_text (self->shard_subtitle, with_new);
    }
  else
    gtk_label_set_text (self->shard_subtitle, subtitle);
}

static void
selection_changed (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  gboolean is_array = value != NULL && sq_value_get_value_type (value) == SQ_VALUE_NDARRAY;

  if (is_array)
    {
      g_autofree char *path = drey_sample_node_get_python_path (node);

      drey_array_panel_set_array (self->array_panel, sq_value_get_ndarray (value), path);
    }
  else
    drey_array_panel_set_array (self->array_panel, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->panel_scroller), is_array);
  update_actions (self);
}

static void
show_samples (DreySampleView *self,
              GPtrArray      *samples)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_full (samples->len, g_object_unref);
  GtkTreeListModel *tree;

  for (guint i = 0; i < samples->len; i++)
    g_ptr_array_add (nodes, drey_sample_node_new_sample (g_ptr_array_index (samples, i), i));
  g_clear_object (&self->roots);
  self->roots = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
  g_list_store_splice (self->roots, 0, 0, nodes->pdata, nodes->len);

  tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), FALSE, FALSE,
                                  create_children, NULL, NULL);
  g_clear_object (&self->selection);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed),
                           self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  gtk_label_set_text (self->shard_title, self->key);
  update_subtitle (self);
  selection_changed (self);
  set_state (self, "samples");
}

static void
progress_cb (guint64  done,
             guint64  total,
             gpointer user_data)
{
  DreySampleView *self = user_data;
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *text = g_strdup_printf (_("%s of %s"), done_text, total_text);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / (double) total : 0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
get_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DreySampleView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = sq_store_get_finish (SQ_STORE (object), result, &error);
  g_autofree char *markup = NULL;

  /* A cancelled load was replaced by a newer one: leave the view to it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (samples == NULL)
    {
      self->error = g_steal_pointer (&error);
      markup = g_markup_escape_text (self->error->message, -1);
      adw_status_page_set_description (self->error_page, markup);
      set_state (self, "error");
      return;
    }
  show_samples (self, samples);
  g_signal_emit (self, signals[LOADED], 0, self->key, samples->len);
}

static void
clear_samples (DreySampleView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  g_clear_error (&self->error);
  show_edit_error (self, NULL);
  drey_array_panel_set_array (self->array_panel, NULL, NULL);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->roots);
  self->is_new = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEW]);
  set_modified (self, FALSE);
}

static void
set_key (DreySampleView *self,
         const char     *key)
{
  if (key != self->key)
    {
      g_free (self->key);
      self->key = g_strdup (key);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

/**
 * drey_sample_view_load:
 * @key: (nullable): the key to show, or %NULL for none
 *
 * Decodes the shard @key on a worker and shows its samples; a load still
 * running is cancelled first, and unsaved edits are dropped (the window
 * asks before).
 */
void
drey_sample_view_load (DreySampleView *self,
                       const char     *key)
{
  g_autofree char *text = NULL;
  g_autofree char *key_copy = g_strdup (key);

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  clear_samples (self);
  set_key (self, key_copy);
  if (key_copy == NULL || self->store == NULL)
    {
      set_state (self, "empty");
      return;
    }

  text = g_strdup_printf (_("Reading “%s”…"), key_copy);
  gtk_label_set_text (self->loading_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "");
  set_state (self, "loading");

  self->cancellable = g_cancellable_new ();
  sq_store_get_async (self->store, key_copy, self->cancellable,
                      progress_cb, g_object_ref (self), g_object_unref,
                      get_done, g_object_ref (self));
}

/**
 * drey_sample_view_open_new:
 * @key: the new shard's key
 * @samples: (element-type SqValue): its samples
 *
 * Shows a shard that is not in the store yet, in edit mode and modified:
 * nothing is written until the window saves it.
 */
void
drey_sample_view_open_new (DreySampleView *self,
                           const char     *key,
                           GPtrArray      *samples)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (key != NULL && samples != NULL);

  clear_samples (self);
  set_key (self, key);
  self->is_new = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEW]);
  show_samples (self, samples);
  set_modified (self, TRUE);
  drey_sample_view_set_editing (self, TRUE);
  /* The edit shortcuts work from inside the view: the tree, or for a
   * shard with no samples yet (an empty tree takes no focus), Add Sample. */
  if (samples->len == 0 || !gtk_widget_grab_focus (GTK_WIDGET (self->column_view)))
    gtk_widget_grab_focus (self->add_sample_button);
}

/**
 * drey_sample_view_mark_saved:
 *
 * The samples on screen are now the shard on disk: the marks go.
 */
void
drey_sample_view_mark_saved (DreySampleView *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  if (self->roots != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roots)); i++)
      {
        g_autoptr(DreySampleNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

        drey_sample_node_clear_edited (node);
      }
  if (self->is_new)
    {
      self->is_new = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEW]);
    }
  update_subtitle (self);
  set_modified (self, FALSE);
  update_actions (self);
}

void
drey_sample_view_set_store (DreySampleView *self,
                            SqStore        *store)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (store == NULL || SQ_IS_STORE (store));

  clear_samples (self);
  g_set_object (&self->store, store);
  drey_sample_view_load (self, NULL);
}

void
drey_sample_view_set_editing (DreySampleView *self,
                              gboolean        editing)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  editing = !!editing;
  if (self->editing == editing)
    return;
  self->editing = editing;
  gtk_revealer_set_reveal_child (self->edit_bar_revealer, editing);
  refresh_cells (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

/**
 * drey_sample_view_set_read_only:
 * @reason: (nullable): why the store cannot be written, or %NULL if it can
 *
 * A read-only view shows no edit controls; @reason is what the disabled
 * Edit button says.
 */
void
drey_sample_view_set_read_only (DreySampleView *self,
                                const char     *reason)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  g_free (self->read_only_reason);
  self->read_only_reason = g_strdup (reason);
  gtk_widget_set_tooltip_text (self->edit_button, reason != NULL ? reason : _("Edit Shard"));
  if (reason != NULL)
    drey_sample_view_set_editing (self, FALSE);
  refresh_cells (self);
  update_actions (self);
}

/**
 * drey_sample_view_set_saving:
 *
 * While the window writes the shard, the tree cannot change and a progress
 * bar shows how far it is.
 */
void
drey_sample_view_set_saving (DreySampleView *self,
                             gboolean        saving)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  self->saving = saving;
  gtk_widget_set_visible (GTK_WIDGET (self->save_progress), saving);
  gtk_progress_bar_set_fraction (self->save_progress, 0);
  gtk_progress_bar_set_text (self->save_progress, _("Saving…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_view), !saving);
  refresh_cells (self);
  update_actions (self);
}

void
drey_sample_view_set_save_progress (DreySampleView *self,
                                    guint64         done,
                                    guint64         total)
{
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *text = g_strdup_printf (_("Saving… %s of %s"), done_text, total_text);

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  gtk_progress_bar_set_fraction (self->save_progress, total > 0 ? (double) done / (double) total : 0);
  gtk_progress_bar_set_text (self->save_progress, text);
}

/* ---- editing ------------------------------------------------------------ */

static void
renumber_samples (DreySampleView *self,
                  guint           from)
{
  for (guint i = from; i < drey_sample_view_get_n_samples (self); i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      drey_sample_node_set_index (node, i);
    }
}

static void
edited (DreySampleView *self)
{
  show_edit_error (self, NULL);
  set_modified (self, TRUE);
  update_subtitle (self);
  update_actions (self);
}

static DreySampleNode *
insert_sample (DreySampleView *self,
               guint           index,
               SqValue        *value)
{
  g_autoptr(DreySampleNode) node = drey_sample_node_new_sample (value, index);

  g_list_store_insert (self->roots, index, node);
  renumber_samples (self, index + 1);
  drey_sample_node_mark_edited (node);
  edited (self);
  drey_sample_view_select_node (self, node);
  return node;
}

/* Where a new sample goes: after the selected one, else at the end. */
static guint
sample_insert_position (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);

  if (node == NULL)
    return drey_sample_view_get_n_samples (self);
  return drey_sample_node_get_index (drey_sample_node_get_sample (node)) + 1;
}

static void
add_sample_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(SqValue) empty = sq_value_new_map (NULL, 0);

  if (can_edit (self))
    insert_sample (self, sample_insert_position (self), empty);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  DreySampleNode *sample;

  if (!can_edit (self) || node == NULL)
    return;
  sample = drey_sample_node_get_sample (node);
  /* Values are immutable: the copy shares the original's. */
  insert_sample (self, drey_sample_node_get_index (sample) + 1, drey_sample_node_get_value (sample));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(DreySampleNode) other = NULL;
  DreySampleNode *sample;
  gboolean up = g_str_equal (action_name, "samples.move-up");
  guint index, first;
  gpointer swapped[2];

  if (!can_edit (self) || node == NULL)
    return;
  sample = g_object_ref (drey_sample_node_get_sample (node));
  g_clear_object (&node);
  node = sample;
  index = drey_sample_node_get_index (node);
  if (up ? index == 0 : index + 1 >= drey_sample_view_get_n_samples (self))
    return;
  first = up ? index - 1 : index;
  other = g_list_model_get_item (G_LIST_MODEL (self->roots), up ? index - 1 : index + 1);
  swapped[0] = up ? node : other;
  swapped[1] = up ? other : node;
  g_list_store_splice (self->roots, first, 2, swapped, 2);
  renumber_samples (self, first);
  drey_sample_node_mark_edited (node);
  edited (self);
  drey_sample_view_select_node (self, node);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  DreySampleNode *parent;
  guint index;

  if (!can_edit (self) || node == NULL)
    return;
  parent = drey_sample_node_get_parent (node);
  index = drey_sample_node_get_index (node);
  if (parent == NULL)
    {
      g_list_store_remove (self->roots, index);
      renumber_samples (self, index);
      edited (self);
      if (drey_sample_view_get_n_samples (self) > 0)
        {
          g_autoptr(DreySampleNode) next = g_list_model_get_item (G_LIST_MODEL (self->roots),
                                                                  MIN (index, drey_sample_view_get_n_samples (self) - 1));

          drey_sample_view_select_node (self, next);
        }
      return;
    }

  g_object_ref (parent);
  drey_sample_node_remove_child (parent, index);
  edited (self);
  {
    GListModel *siblings = drey_sample_node_get_children (parent);
    guint n = g_list_model_get_n_items (siblings);

    if (n > 0)
      {
        g_autoptr(DreySampleNode) next = g_list_model_get_item (siblings, MIN (index, n - 1));

        drey_sample_view_select_node (self, next);
      }
    else
      drey_sample_view_select_node (self, parent);
  }
  g_object_unref (parent);
}

/* The container a new value goes into: the selected map or list itself,
 * else the one holding the selected value (after it). */
static DreySampleNode *
add_target (DreySampleView *self,
            guint          *index)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValueType type;

  if (node == NULL)
    return NULL;
  type = sq_value_get_value_type (drey_sample_node_get_value (node));
  if (type == SQ_VALUE_MAP || type == SQ_VALUE_ARRAY)
    {
      *index = (guint) sq_value_get_length (drey_sample_node_get_value (node));
      return node;
    }
  if (drey_sample_node_get_parent (node) == NULL)
    return NULL;
  *index = drey_sample_node_get_index (node) + 1;
  return drey_sample_node_get_parent (node);
}

/* "new_field", then "new_field_2"…: a key the map does not have. */
static SqValue *
unused_key (SqValue *map)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("new_field") : g_strdup_printf ("new_field_%u", n);
      g_autoptr(SqValue) key = sq_value_new_str (name, -1);
      gboolean taken = FALSE;

      for (gsize i = 0; i < sq_value_get_length (map) && !taken; i++)
        taken = sq_value_equal (sq_value_get_key (map, i), key);
      if (!taken)
        return g_steal_pointer (&key);
    }
}

/* Starts editing the selected row's name or value, if it can be. */
static gboolean
start_editing (DreySampleView *self,
               gboolean        is_name)
{
  GtkWidget *editor = selected_editor (self, is_name);

  if (editor == NULL || !gtk_widget_get_visible (editor))
    return FALSE;
  gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (editor));
  gtk_widget_grab_focus (editor);
  return TRUE;
}

/* Adds @value to the target container and selects it; a new field's name
 * is then edited. */
static DreySampleNode *
add_value (DreySampleView *self,
           SqValue        *value)
{
  DreySampleNode *target;
  g_autoptr(SqValue) key = NULL;
  g_autoptr(GError) error = NULL;
  DreySampleNode *child;
  guint index = 0;

  target = add_target (self, &index);
  if (target == NULL)
    return NULL;
  if (sq_value_get_value_type (drey_sample_node_get_value (target)) == SQ_VALUE_MAP)
    key = unused_key (drey_sample_node_get_value (target));
  child = drey_sample_node_insert_child (target, index, key, value, &error);
  if (child == NULL)
    {
      show_edit_error (self, error->message);
      return NULL;
    }
  edited (self);
  drey_sample_view_select_node (self, child);
  return child;
}

static SqValue *
new_value_of_kind (const char *kind)
{
  if (g_str_equal (kind, "str"))
    return sq_value_new_str ("", 0);
  if (g_str_equal (kind, "int"))
    return sq_value_new_int (0);
  if (g_str_equal (kind, "float"))
    return sq_value_new_float64 (0.0);
  if (g_str_equal (kind, "bool"))
    return sq_value_new_bool (FALSE);
  if (g_str_equal (kind, "none"))
    return sq_value_new_nil ();
  if (g_str_equal (kind, "list"))
    return sq_value_new_array (NULL, 0);
  if (g_str_equal (kind, "dict"))
    return sq_value_new_map (NULL, 0);
  return NULL;
}

static void choose_array_file (DreySampleView *self,
                               gboolean        replace);

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autoptr(SqValue) value = NULL;
  DreySampleNode *child;

  if (!can_edit (self))
    return;
  if (g_str_equal (kind, "array"))
    {
      choose_array_file (self, FALSE);
      return;
    }
  value = new_value_of_kind (kind);
  if (value == NULL)
    return;
  child = add_value (self, value);
  if (child == NULL)
    return;
  /* A new field is named first; a list item has no name. */
  if (!start_editing (self, drey_sample_node_get_key (child) != NULL))
    start_editing (self, FALSE);
}

static void
edit_value_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (can_edit (self) && !start_editing (self, FALSE))
    gtk_widget_error_bell (widget);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (can_edit (self) && !start_editing (self, TRUE))
    gtk_widget_error_bell (widget);
}

/* Enter or a double click on a row edits its value in edit mode. */
static void
row_activated (DreySampleView *self,
               guint           position)
{
  if (can_edit (self))
    start_editing (self, FALSE);
}

/**
 * drey_sample_view_set_selected_value:
 * @value: the value
 *
 * Replaces the selected value, whatever its type, as Replace Array does.
 *
 * Returns: %FALSE if nothing is selected or the view cannot edit
 */
gboolean
drey_sample_view_set_selected_value (DreySampleView *self,
                                     SqValue        *value)
{
  g_autoptr(DreySampleNode) node = NULL;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);

  node = drey_sample_view_selected_node (self);
  if (!can_edit (self) || node == NULL)
    return FALSE;
  drey_sample_node_set_value (node, value);
  edited (self);
  /* The panel shows the new array. */
  selection_changed (self);
  return TRUE;
}

/* ---- arrays from files -------------------------------------------------- */

typedef struct
{
  DreySampleView *self;
  gboolean        replace;
} ArrayLoad;

static void
array_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ArrayLoad *load = user_data;
  g_autoptr(DreySampleView) self = load->self;
  gboolean replace = load->replace;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = drey_sample_format_load_finish (result, &error);
  SqValue *value;

  g_free (load);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->file_cancellable);
  if (samples == NULL)
    {
      show_edit_error (self, error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  value = samples->len == 1 ? g_ptr_array_index (samples, 0) : NULL;
  if (value == NULL || sq_value_get_value_type (value) != SQ_VALUE_NDARRAY)
    {
      show_edit_error (self, _("The file does not hold one array: choose a .npy file or a PNG image"));
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (replace)
    drey_sample_view_set_selected_value (self, value);
  else
    add_value (self, value);
}

/**
 * drey_sample_view_load_array:
 * @file: a .npy file or a PNG image
 * @replace: replace the selected value, rather than add a field or item
 *
 * Reads @file on a worker and puts its array in the tree; a file that
 * cannot be read is said so above the tree.
 */
void
drey_sample_view_load_array (DreySampleView *self,
                             GFile          *file,
                             gboolean        replace)
{
  ArrayLoad *load;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  self->file_cancellable = g_cancellable_new ();
  load = g_new0 (ArrayLoad, 1);
  load->self = g_object_ref (self);
  load->replace = replace;
  drey_sample_format_load_async (&file, 1, self->file_cancellable, array_loaded, load);
}

static void
array_chooser_response (GtkNativeDialog *dialog,
                        int              response,
                        DreySampleView  *self)
{
  gboolean replace = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "drey-replace"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        drey_sample_view_load_array (self, file, replace);
    }
  g_clear_object (&self->chooser);
}

static GtkFileFilter *
array_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Arrays and images (.npy, .png)"));
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_filter_add_pattern (filter, "*.png");
  gtk_file_filter_add_pattern (filter, "*.PNG");
  return filter;
}

static void
choose_array_file (DreySampleView *self,
                   gboolean        replace)
{
  g_autoptr(GtkFileFilter) filter = array_filter ();
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (replace ? _("Replace with Array") : _("Add Array"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_set_data (G_OBJECT (self->chooser), "drey-replace", GINT_TO_POINTER (replace));
  g_signal_connect (self->chooser, "response", G_CALLBACK (array_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
replace_array_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (can_edit (self))
    choose_array_file (self, TRUE);
}

/* ---- export ------------------------------------------------------------- */

/**
 * drey_sample_view_export_bytes:
 * @kind: "json" (the selected value's sample), "npy" or "png" (the
 *   selected array)
 *
 * Returns: (transfer full) (nullable): the file's bytes, or %NULL with
 *   @error set
 */
GBytes *
drey_sample_view_export_bytes (DreySampleView  *self,
                               const char      *kind,
                               GError         **error)
{
  g_autoptr(DreySampleNode) node = NULL;
  SqValue *value;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = drey_sample_view_selected_node (self);
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Nothing is selected"));
      return NULL;
    }
  if (g_str_equal (kind, "json"))
    {
      char *json = sq_value_to_json (drey_sample_node_get_value (drey_sample_node_get_sample (node)), error);

      if (json == NULL)
        return NULL;
      /* A text file ends in a newline, as json.dump plus print would. */
      return g_bytes_new_take (g_strconcat (json, "\n", NULL), strlen (json) + 1);
    }
  value = drey_sample_node_get_value (node);
  if (sq_value_get_value_type (value) != SQ_VALUE_NDARRAY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The selected value is not an array"));
      return NULL;
    }
  if (g_str_equal (kind, "npy"))
    return sq_npy_write (sq_value_get_ndarray (value), error);
  return drey_image_save_png (sq_value_get_ndarray (value), error);
}

static void
export_written (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DreySampleView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));
      g_autofree char *message = g_strdup_printf (_("Cannot write %s: %s"), name, error->message);

      show_edit_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
}

/**
 * drey_sample_view_export:
 * @kind: as for drey_sample_view_export_bytes()
 * @file: where to write
 *
 * Writes the export to @file (replacing it) in the background; a failure
 * is said above the tree.
 */
void
drey_sample_view_export (DreySampleView *self,
                         const char     *kind,
                         GFile          *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  bytes = drey_sample_view_export_bytes (self, kind, &error);
  if (bytes == NULL)
    {
      show_edit_error (self, error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       export_written, g_object_ref (self));
}

static void
export_chooser_response (GtkNativeDialog *dialog,
                         int              response,
                         DreySampleView  *self)
{
  const char *kind = g_object_get_data (G_OBJECT (dialog), "drey-kind");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        drey_sample_view_export (self, kind, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  const char *kind = strrchr (action_name, '-') + 1;
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autofree char *name = NULL;
  const char *title;

  if (self->chooser != NULL || node == NULL)
    return;
  if (g_str_equal (kind, "json"))
    {
      title = _("Export Sample as JSON");
      name = g_strdup_printf ("%s-%s.json", self->key, drey_sample_node_get_name (drey_sample_node_get_sample (node)));
    }
  else
    {
      title = g_str_equal (kind, "npy") ? _("Export Array as .npy") : _("Export Image as PNG");
      name = g_strdup_printf ("%s.%s", drey_sample_node_get_name (node), kind);
    }
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data_full (G_OBJECT (self->chooser), "drey-kind", g_strdup (kind), g_free);
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- actions ------------------------------------------------------------ */

static void
update_actions (DreySampleView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  gboolean editable = can_edit (self) && g_str_equal (drey_sample_view_get_state (self), "samples");
  gboolean is_array = value != NULL && sq_value_get_value_type (value) == SQ_VALUE_NDARRAY;
  guint sample_index = node != NULL ? drey_sample_node_get_index (drey_sample_node_get_sample (node)) : 0;
  guint index = 0;

  gtk_widget_action_set_enabled (widget, "samples.copy-json", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.copy-python-path", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.reload", self->key != NULL && self->store != NULL &&
                                                           !self->is_new && !self->saving);
  gtk_widget_action_set_enabled (widget, "samples.export-json", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.export-npy", is_array);
  gtk_widget_action_set_enabled (widget, "samples.export-png",
                                 is_array && drey_image_get_shape (sq_value_get_ndarray (value), NULL));

  gtk_widget_action_set_enabled (widget, "samples.editing",
                                 self->roots != NULL && self->read_only_reason == NULL && !self->saving &&
                                 g_str_equal (drey_sample_view_get_state (self), "samples"));
  gtk_widget_action_set_enabled (widget, "samples.edit-value",
                                 editable && value != NULL && sq_value_is_editable_scalar (value));
  gtk_widget_action_set_enabled (widget, "samples.rename", editable && node != NULL && is_renamable (node));
  gtk_widget_action_set_enabled (widget, "samples.add-field", editable && add_target (self, &index) != NULL);
  gtk_widget_action_set_enabled (widget, "samples.replace-array", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.remove", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.add-sample", editable);
  gtk_widget_action_set_enabled (widget, "samples.duplicate-sample", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.move-up", editable && node != NULL && sample_index > 0);
  gtk_widget_action_set_enabled (widget, "samples.move-down",
                                 editable && node != NULL && sample_index + 1 < drey_sample_view_get_n_samples (self));
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (node == NULL)
    return;
  json = sq_value_to_json (drey_sample_node_get_value (node), &error);
  if (json == NULL)
    {
      g_warning ("Cannot copy the value: %s", error->message);
      gtk_widget_error_bell (widget);
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), json);
}

static void
copy_python_path_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autofree char *path = drey_sample_view_get_python_path (DREY_SAMPLE_VIEW (widget));

  if (path != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), path);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autofree char *key = g_strdup (self->key);

  drey_sample_view_load (self, key);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_sample_view_dispose (GObject *object)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  clear_samples (self);
  g_clear_handle_id (&self->edit_error_timeout, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_SAMPLE_VIEW);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (drey_sample_view_parent_class)->dispose (object);
}

static void
drey_sample_view_finalize (GObject *object)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  g_free (self->key);
  g_free (self->read_only_reason);
  g_hash_table_unref (self->name_items);
  g_hash_table_unref (self->value_items);
  G_OBJECT_CLASS (drey_sample_view_parent_class)->finalize (object);
}

static void
drey_sample_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_STATE:
      g_value_set_string (value, drey_sample_view_get_state (self));
      break;
    case PROP_EDITING:
      g_value_set_boolean (value, self->editing);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    case PROP_IS_NEW:
      g_value_set_boolean (value, self->is_new);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_sample_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_EDITING:
      drey_sample_view_set_editing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_sample_view_class_init (DreySampleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_sample_view_dispose;
  object_class->finalize = drey_sample_view_finalize;
  object_class->get_property = drey_sample_view_get_property;
  object_class->set_property = drey_sample_view_set_property;

  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EDITING] =
    g_param_spec_boolean ("editing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IS_NEW] =
    g_param_spec_boolean ("is-new", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreySampleView::loaded:
   * @key: the key
   * @n_samples: how many samples its shard holds
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);

  g_type_ensure (DREY_TYPE_ARRAY_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-sample-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, stack);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, spinner);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, loading_label);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, error_page);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, shard_title);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, shard_subtitle);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, save_progress);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_error_label);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_bar);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, add_sample_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, column_view);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, no_samples_page);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, array_panel);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);

  gtk_widget_class_install_action (widget_class, "samples.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "samples.copy-python-path", NULL, copy_python_path_action);
  gtk_widget_class_install_action (widget_class, "samples.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "samples.export-json", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "samples.export-npy", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "samples.export-png", NULL, export_action);
  gtk_widget_class_install_property_action (widget_class, "samples.editing", "editing");
  gtk_widget_class_install_action (widget_class, "samples.edit-value", NULL, edit_value_action);
  gtk_widget_class_install_action (widget_class, "samples.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "samples.add-field", "s", add_field_action);
  gtk_widget_class_install_action (widget_class, "samples.replace-array", NULL, replace_array_action);
  gtk_widget_class_install_action (widget_class, "samples.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "samples.add-sample", NULL, add_sample_action);
  gtk_widget_class_install_action (widget_class, "samples.duplicate-sample", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "samples.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "samples.move-down", NULL, move_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "samples.copy-json", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "samples.copy-python-path", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "samples.edit-value", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, GDK_SHIFT_MASK, "samples.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "samples.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "samples.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "samples.duplicate-sample", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "samples.add-sample", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "samples.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "samples.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "samples.add-field", "s", "str");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
drey_sample_view_init (DreySampleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->name_items = g_hash_table_new (NULL, NULL);
  self->value_items = g_hash_table_new (NULL, NULL);
  add_column (self, _("Name"), G_CALLBACK (setup_name), FALSE, 200);
  add_column (self, _("Type"), G_CALLBACK (setup_type), FALSE, 200);
  add_column (self, _("Value"), G_CALLBACK (setup_value), TRUE, -1);
  drey_list_keynav_tab_leaves (GTK_WIDGET (self->column_view));
  update_actions (self);
}
