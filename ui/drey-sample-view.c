/* drey-sample-view.c: the samples of one shard, as a tree, and their editor
 *
 * The view shows a DreyShardDocument: its state picks the page (nothing,
 * loading with its progress, the error, the samples), and its samples
 * become a GtkTreeListModel whose children are made when a row is
 * expanded. The view does no I/O: loading, saving and every edit are the
 * document's; the view turns what the user does into those calls
 * (drey-sample-view-actions.c) and shows the result.
 *
 * In edit mode the scalars and map keys become editable cells
 * (DreySampleCell), checked as typed and committed through the document,
 * which keeps every untouched value as it was read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-view"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-list-keynav.h"
#include "drey-menu-tooltip.h"
#include "drey-sample-cell.h"
#include "drey-sample-view-private.h"

/* How long an edit error stays on screen. */
#define EDIT_ERROR_SECONDS 8

G_DEFINE_FINAL_TYPE (DreySampleView, drey_sample_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_EDITING,
  PROP_CAN_GO_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  STEP_OUT,
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
drey_sample_view_new (void)
{
  return g_object_new (DREY_TYPE_SAMPLE_VIEW, NULL);
}

/**
 * drey_sample_view_get_document:
 *
 * Returns: (transfer none) (nullable): the shard shown
 */
DreyShardDocument *
drey_sample_view_get_document (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);
  return self->document;
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
  const char *shard;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = drey_sample_view_selected_node (self);
  shard = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;
  if (node == NULL || shard == NULL)
    return NULL;
  key = sq_value_new_str (shard, -1);
  key_repr = drey_python_key_repr (key);
  path = drey_sample_node_get_python_path (node);
  /* store.get() yields the samples; list() makes them subscriptable. */
  return g_strdup_printf ("list(store.get(%s))%s", key_repr, path);
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
void
_drey_sample_view_show_toast (DreySampleView *self,
                              AdwToast       *toast)
{
  g_signal_emit (self, signals[SHOW_TOAST], 0, toast);
}

void
_drey_sample_view_show_edit_error (DreySampleView *self,
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

gboolean
_drey_sample_view_can_edit (DreySampleView *self)
{
  return self->editing && self->read_only_reason == NULL && self->document != NULL &&
         drey_shard_document_get_state (self->document) == DREY_SHARD_STATE_LOADED &&
         !drey_shard_document_get_busy (self->document);
}

static gboolean
is_renamable (DreySampleNode *node)
{
  SqValue *key = drey_sample_node_get_key (node);

  return key != NULL && sq_value_get_value_type (key) == SQ_VALUE_STR;
}

/* ---- cells -------------------------------------------------------------- */

static DreySampleNode *
item_node (GtkListItem *item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static DreySampleCell *
item_cell (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    child = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
  return DREY_IS_SAMPLE_CELL (child) ? DREY_SAMPLE_CELL (child) : NULL;
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

static void
refresh_cell (DreySampleView *self,
              GtkListItem    *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleCell *cell = item_cell (item);
  gboolean editable;

  if (node == NULL || cell == NULL)
    return;
  if (drey_sample_cell_get_is_name (cell))
    {
      editable = _drey_sample_view_can_edit (self) && is_renamable (node);
      drey_sample_cell_set_text (cell, drey_sample_node_get_name (node),
                                 editable ? drey_sample_node_get_name (node) : NULL);
      drey_sample_cell_set_edited (cell, drey_sample_node_get_edited (node));
      update_accessible_label (gtk_list_item_get_child (item), node);
    }
  else
    {
      SqValue *value = drey_sample_node_get_value (node);
      g_autofree char *text = NULL;

      editable = _drey_sample_view_can_edit (self) && sq_value_is_editable_scalar (value);
      if (editable)
        text = sq_value_to_edit_text (value);
      drey_sample_cell_set_text (cell, drey_sample_node_get_value_text (node), text);
      drey_sample_cell_set_value_tooltip (cell, value);
    }
  drey_sample_cell_set_editable (cell, editable);
}

static void
refresh_type_cell (GtkListItem *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);

  if (node != NULL)
    gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), drey_sample_node_get_type_text (node));
}

static void
node_notify (DreySampleNode *node,
             GParamSpec     *pspec,
             GtkListItem    *item)
{
  DreySampleView *self = g_object_get_data (G_OBJECT (item), "drey-sample-view");

  if (item_cell (item) != NULL)
    refresh_cell (self, item);
  else
    refresh_type_cell (item);
}

static void
refresh_cells (DreySampleView *self)
{
  GHashTable *tables[2] = { self->name_cells, self->value_cells };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      GHashTableIter iter;
      gpointer item;

      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &item, NULL))
        refresh_cell (self, item);
    }
}

/* ---- editing in place --------------------------------------------------- */

/* The value as typed, or %NULL with @error set. */
static SqValue *
parse_cell (DreySampleCell  *cell,
            DreySampleNode  *node,
            GError         **error)
{
  SqValue *like = drey_sample_cell_get_is_name (cell) ? drey_sample_node_get_key (node)
                                                      : drey_sample_node_get_value (node);

  return sq_value_parse_like (like, drey_sample_cell_get_edit_text (cell), error);
}

/* Checked as typed: the cell turns red and says why. */
static void
cell_edit_changed (DreySampleCell *cell,
                   GtkListItem    *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleView *self = g_object_get_data (G_OBJECT (item), "drey-sample-view");
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = NULL;

  if (node == NULL)
    return;
  value = parse_cell (cell, node, &error);
  if (value != NULL && drey_sample_cell_get_is_name (cell) && drey_sample_node_get_parent (node) != NULL)
    {
      /* A key another field has is refused as typed, too. */
      SqValue *map = drey_sample_node_get_value (drey_sample_node_get_parent (node));

      for (gsize i = 0; i < sq_value_get_length (map); i++)
        if (i != drey_sample_node_get_index (node) && sq_value_equal (sq_value_get_key (map, i), value))
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("This sample already has a field “%s”"),
                       drey_sample_cell_get_edit_text (cell));
    }
  drey_sample_cell_show_problem (cell, error != NULL ? error->message : NULL);
  _drey_sample_view_show_edit_error (self, error != NULL ? error->message : NULL);
}

typedef struct
{
  DreySampleView *self;
  DreySampleNode *node;
  SqValue        *key;
} EmptyRename;

static void
empty_rename_free (EmptyRename *rename)
{
  g_object_unref (rename->self);
  g_object_unref (rename->node);
  sq_value_unref (rename->key);
  g_free (rename);
}

static void
empty_rename_response (AdwMessageDialog *dialog,
                       const char       *response,
                       EmptyRename      *rename)
{
  DreySampleView *self = rename->self;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "rename") && self->document != NULL &&
      drey_sample_node_get_parent (rename->node) != NULL)
    {
      if (drey_shard_document_rename (self->document, rename->node, rename->key, &error))
        _drey_sample_view_show_edit_error (self, NULL);
      else
        _drey_sample_view_show_edit_error (self, error->message);
    }
  refresh_cells (self);
  _drey_sample_view_update_actions (self);
  empty_rename_free (rename);
}

/* An empty key is valid Python, and easy to make by mistake: ask. */
static void
ask_empty_rename (DreySampleView *self,
                  DreySampleNode *node,
                  SqValue        *key)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  EmptyRename *rename;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Use an Empty Name?"), NULL));
  adw_message_dialog_format_body (dialog, _("The field “%s” would be named by an empty string, "
                                            "read in Python as sample[\"\"]."),
                                  drey_sample_node_get_name (node));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Keep the Name"), "rename", _("_Use Empty Name"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  rename = g_new0 (EmptyRename, 1);
  rename->self = g_object_ref (self);
  rename->node = g_object_ref (node);
  rename->key = sq_value_ref (key);
  g_signal_connect (dialog, "response", G_CALLBACK (empty_rename_response), rename);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
is_empty_key (SqValue *key)
{
  gsize len = 0;

  return sq_value_get_value_type (key) == SQ_VALUE_STR && sq_value_get_str (key, &len) != NULL && len == 0;
}

static void
cell_edit_done (DreySampleCell *cell,
                GtkListItem    *item)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleView *self = g_object_get_data (G_OBJECT (item), "drey-sample-view");
  gboolean is_name = drey_sample_cell_get_is_name (cell);
  /* Enter on a refused text keeps it in the editor, to be fixed; an edit
   * ended otherwise (the focus went, a save or a switch) keeps the old
   * value. */
  gboolean keep_open = !drey_sample_cell_get_left (cell) && !self->committing;
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) value = NULL;
  g_autofree char *old_text = NULL;

  if (node == NULL || self->document == NULL)
    return;
  old_text = is_name ? g_strdup (drey_sample_node_get_name (node))
                     : sq_value_to_edit_text (drey_sample_node_get_value (node));
  drey_sample_cell_show_problem (cell, NULL);
  if (g_strcmp0 (old_text, drey_sample_cell_get_edit_text (cell)) == 0)
    return;

  value = parse_cell (cell, node, &error);
  if (value != NULL && is_name && is_empty_key (value) && keep_open)
    {
      drey_sample_cell_set_text (cell, drey_sample_node_get_name (node), old_text);
      ask_empty_rename (self, node, value);
      return;
    }
  if (value != NULL && is_name && is_empty_key (value))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("an empty name is taken only with Enter, once confirmed"));
      g_clear_pointer (&value, sq_value_unref);
    }
  else if (value != NULL && is_name)
    {
      if (!drey_shard_document_rename (self->document, node, value, &error))
        g_clear_pointer (&value, sq_value_unref);
    }
  else if (value != NULL)
    drey_shard_document_set_value (self->document, node, value);

  if (value == NULL)
    {
      /* The old value stays; the message says what was wrong. */
      g_autofree char *message = g_strdup_printf (_("Not changed: %s"), error->message);

      _drey_sample_view_show_edit_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      if (keep_open)
        {
          drey_sample_cell_start_editing (cell);
          drey_sample_cell_show_problem (cell, error->message);
        }
      else
        drey_sample_cell_set_text (cell, is_name ? drey_sample_node_get_name (node)
                                                 : drey_sample_node_get_value_text (node), old_text);
      return;
    }
  _drey_sample_view_show_edit_error (self, NULL);
  _drey_sample_view_update_actions (self);
}

static void
setup_name (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DreySampleView           *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *cell = drey_sample_cell_new (TRUE);

  /* A sample's arrow keeps 12 px off the pane's edge: the GtkPaned the
   * sidebar had took presses up to 15 px into this pane, and a divider or
   * a swipe edge beside it may again. */
  gtk_widget_set_margin_start (expander, 12);
  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
  g_signal_connect_object (cell, "edit-changed", G_CALLBACK (cell_edit_changed), item, 0);
  g_signal_connect_object (cell, "edit-done", G_CALLBACK (cell_edit_done), item, 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), cell);
  gtk_list_item_set_child (item, expander);
}

static void
setup_type (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DreySampleView           *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
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
  GtkWidget *cell = drey_sample_cell_new (FALSE);

  g_object_set_data (G_OBJECT (item), "drey-sample-view", self);
  g_signal_connect_object (cell, "edit-changed", G_CALLBACK (cell_edit_changed), item, 0);
  g_signal_connect_object (cell, "edit-done", G_CALLBACK (cell_edit_done), item, 0);
  gtk_list_item_set_child (item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DreySampleView           *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(DreySampleNode) node = gtk_tree_list_row_get_item (row);
  GtkWidget *child = gtk_list_item_get_child (item);
  DreySampleCell *cell = item_cell (item);

  if (GTK_IS_TREE_EXPANDER (child))
    {
      GtkWidget *label = GTK_WIDGET (drey_sample_cell_get_label (cell));

      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), row);
      /* Sample numbers line up as numbers; field names are text. */
      if (gtk_tree_list_row_get_depth (row) == 0)
        gtk_widget_add_css_class (label, "numeric");
      else
        gtk_widget_remove_css_class (label, "numeric");
      g_hash_table_add (self->name_cells, item);
    }
  else if (cell != NULL)
    {
      /* An array's summary is worked out once its row is on screen. */
      drey_sample_node_request_summary (node);
      g_hash_table_add (self->value_cells, item);
    }
  if (cell != NULL)
    refresh_cell (self, item);
  else
    refresh_type_cell (item);
  g_signal_connect_object (node, "notify", G_CALLBACK (node_notify), item, 0);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DreySampleView           *self)
{
  g_autoptr(DreySampleNode) node = item_node (item);
  DreySampleCell *cell = item_cell (item);

  /* A row scrolled away mid-edit keeps what was typed, if it is valid. */
  if (cell != NULL)
    {
      gboolean committing = self->committing;

      self->committing = TRUE;
      drey_sample_cell_stop_editing (cell);
      self->committing = committing;
    }
  if (node != NULL)
    g_signal_handlers_disconnect_by_func (node, node_notify, item);
  g_hash_table_remove (self->name_cells, item);
  g_hash_table_remove (self->value_cells, item);
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

  tables[0] = self->name_cells;
  tables[1] = self->value_cells;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GPtrArray) cells = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer item;

      /* Committing refreshes cells: collect first, then stop. */
      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &item, NULL))
        if (drey_sample_cell_get_editing (item_cell (item)))
          g_ptr_array_add (cells, item_cell (item));
      self->committing = TRUE;
      for (guint i = 0; i < cells->len; i++)
        drey_sample_cell_stop_editing (g_ptr_array_index (cells, i));
      self->committing = FALSE;
    }
}

/* The cell of the selected row's name or value, if it is on screen. */
static DreySampleCell *
selected_cell (DreySampleView *self,
               gboolean        is_name)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  GHashTableIter iter;
  gpointer item;

  if (node == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, is_name ? self->name_cells : self->value_cells);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      g_autoptr(DreySampleNode) other = item_node (item);

      if (other == node)
        return item_cell (item);
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
  DreySampleCell *cell;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  cell = selected_cell (self, is_name);
  return cell != NULL ? drey_sample_cell_get_editor (cell) : NULL;
}

/* Starts editing the selected row's name or value, if it can be. */
gboolean
_drey_sample_view_start_editing (DreySampleView *self,
                                 gboolean        is_name)
{
  DreySampleCell *cell = selected_cell (self, is_name);

  return cell != NULL && drey_sample_cell_start_editing (cell);
}

/* Enter or a double click on a row edits its value in edit mode. */
static void
row_activated (DreySampleView *self,
               guint           position)
{
  /* Outside edit mode, Enter on an array (or a long str) goes to its
   * panel, in place of the tree when folded. */
  if (_drey_sample_view_can_edit (self))
    _drey_sample_view_start_editing (self, FALSE);
  else
    _drey_sample_view_show_panel (self);
}

/* ---- the tree | the panel, folded ---------------------------------------- */

/* The array panel, the pane the user picked (a click or Enter on an
 * array): in place of the tree when folded, now or once the panel just
 * shown makes the leaflet fold. Returns whether the panel shows a value. */
gboolean
_drey_sample_view_show_panel (DreySampleView *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->panel_scroller)))
    return FALSE;
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->panel_scroller));
  return TRUE;
}

/**
 * drey_sample_view_go_back:
 *
 * Folded, with the array panel in place of the tree: back to the tree,
 * with the focus on it.
 *
 * Returns: whether it went back
 */
gboolean
drey_sample_view_go_back (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);

  if (!drey_sample_view_get_can_go_back (self))
    return FALSE;
  adw_leaflet_set_visible_child_name (self->leaflet, "tree");
  return TRUE;
}

/**
 * drey_sample_view_get_can_go_back:
 *
 * Returns: whether the view is folded with its array panel in place of
 *   the tree (drey_sample_view_go_back() goes back)
 */
gboolean
drey_sample_view_get_can_go_back (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);

  return gtk_stack_get_visible_child (self->stack) == GTK_WIDGET (self->leaflet) &&
         adw_leaflet_get_folded (self->leaflet) &&
         adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->panel_scroller) &&
         gtk_widget_get_visible (GTK_WIDGET (self->panel_scroller));
}

/**
 * drey_sample_view_get_leaflet:
 *
 * Returns: (transfer none): the leaflet of the tree and the array panel,
 *   whose folded and visible-child the window's Back button follows
 */
AdwLeaflet *
drey_sample_view_get_leaflet (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  return self->leaflet;
}

static gboolean
focus_is_in (DreySampleView *self,
             GtkWidget      *widget)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* After the leaflet folded or changed panes (it folds while it is
 * allocated: this runs once that frame is drawn):
 * - Name and Type narrower when folded (a window down to 360 pixels), so
 *   that Value still shows beside them;
 * - the focus leaves the pane now off screen: on the panel, Page Down and
 *   Up step through the samples as beside the tree; back on the tree, the
 *   tree has it. */
static gboolean
sync_fold_now (gpointer data)
{
  DreySampleView *self = data;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  GtkWidget *visible = adw_leaflet_get_visible_child (self->leaflet);

  self->sync_fold_source = 0;
  if (self->columns_folded != folded)
    {
      GListModel *columns = gtk_column_view_get_columns (self->column_view);
      const int widths[] = { folded ? 130 : 200, folded ? 110 : 200 };

      for (guint i = 0; i < G_N_ELEMENTS (widths) && i < g_list_model_get_n_items (columns); i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

          gtk_column_view_column_set_fixed_width (column, widths[i]);
        }
      self->columns_folded = folded;
    }
  if (folded && visible == GTK_WIDGET (self->panel_scroller) && focus_is_in (self, self->tree_box))
    gtk_widget_child_focus (GTK_WIDGET (self->panel_scroller), GTK_DIR_TAB_FORWARD);
  else if (visible == self->tree_box && focus_is_in (self, GTK_WIDGET (self->panel_scroller)))
    drey_sample_view_focus_samples (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
  return G_SOURCE_REMOVE;
}

static void
leaflet_child_changed (DreySampleView *self)
{
  /* While the template is being built. */
  if (self->leaflet == NULL || self->panel_scroller == NULL || self->sync_fold_source != 0)
    return;
  self->sync_fold_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, sync_fold_now, self, NULL);
}

/* A click on an array's row, folded: its panel (the row is selected on
 * the button's release, before this). */
static void
tree_clicked (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              DreySampleView  *self)
{
  if (n_press == 1)
    _drey_sample_view_show_panel (self);
}

/* ---- the tree ----------------------------------------------------------- */

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

/* Right expands the selected row (or, expanded, goes to its first child),
 * Left collapses it (or goes to its parent), as in a file manager's tree.
 * Not while a cell's text is edited: there the arrows move the cursor. */
static gboolean
tree_key_pressed (GtkEventControllerKey *controller,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  DreySampleView        *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean right = keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right;
  GtkTreeListRow *row;
  guint position;

  if ((!right && keyval != GDK_KEY_Left && keyval != GDK_KEY_KP_Left) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || GTK_IS_EDITABLE (focus) || self->selection == NULL)
    return FALSE;
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return FALSE;
  position = gtk_tree_list_row_get_position (row);
  if (right && gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
    gtk_tree_list_row_set_expanded (row, TRUE);
  else if (right && gtk_tree_list_row_get_expanded (row) && gtk_tree_list_row_get_children (row) != NULL &&
           g_list_model_get_n_items (gtk_tree_list_row_get_children (row)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, position + 1);
      scroll_to (self, position + 1);
    }
  /* Folded, Right on an array goes on to its panel, the pane after. */
  else if (right && adw_leaflet_get_folded (self->leaflet) && _drey_sample_view_show_panel (self))
    return TRUE;
  else if (!right && gtk_tree_list_row_get_expanded (row))
    gtk_tree_list_row_set_expanded (row, FALSE);
  else if (!right)
    {
      g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);

      if (parent == NULL)
        return FALSE;
      position = gtk_tree_list_row_get_position (parent);
      gtk_single_selection_set_selected (self->selection, position);
      scroll_to (self, position);
    }
  else
    return FALSE;
  return TRUE;
}

void
_drey_sample_view_selection_changed (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  /* Arrays show in the panel, and so do long strs, to be read whole. */
  gboolean is_array = value != NULL && (sq_value_get_value_type (value) == SQ_VALUE_NDARRAY ||
                                        drey_array_panel_shows_string (value));

  if (is_array)
    {
      g_autofree char *path = drey_sample_node_get_python_path (node);

      drey_array_panel_set_node (self->array_panel, node, path);
    }
  else
    drey_array_panel_set_node (self->array_panel, NULL, NULL);
  /* Another value starts at the panel's top, not where the last one was
   * scrolled to; the same value (after an undo, say) stays put. */
  if (node != self->panel_node)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->panel_scroller), 0);
  g_set_weak_pointer (&self->panel_node, node);
  gtk_widget_set_visible (GTK_WIDGET (self->panel_scroller), is_array);
  /* Folded, nothing to show in the panel: the tree. */
  if (!is_array)
    adw_leaflet_set_visible_child (self->leaflet, self->tree_box);
  _drey_sample_view_update_actions (self);
}

/* When the first samples of a shard reached the screen, for
 * tests/bench/window-load.py (G_MESSAGES_DEBUG=drey-sample-view). */
static void
samples_painted (GdkFrameClock  *clock,
                 DreySampleView *self)
{
  g_debug ("samples of '%s' painted at %" G_GINT64_FORMAT " us",
           self->document != NULL ? drey_shard_document_get_key (self->document) : "",
           g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, samples_painted, self);
}

/* The tree shows the document's samples: made again when they are new
 * ones (another shard), kept while they are edited. */
static void
sync_tree (DreySampleView *self)
{
  GListModel *roots = self->document != NULL ? drey_shard_document_get_samples (self->document) : NULL;
  GtkTreeListModel *tree;

  if (roots == self->roots)
    return;
  /* The samples the frame was to show are not the ones shown any more. */
  if (gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)), samples_painted, self);
  _drey_sample_view_show_edit_error (self, NULL);
  drey_array_panel_set_node (self->array_panel, NULL, NULL);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_set_object (&self->roots, roots);
  if (roots == NULL)
    return;

  tree = gtk_tree_list_model_new (g_object_ref (roots), FALSE, FALSE, create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (_drey_sample_view_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  _drey_sample_view_selection_changed (self);
  if (gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL &&
      g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                               G_CALLBACK (samples_painted), self, 0);
    }
}

static void
update_header (DreySampleView *self)
{
  guint n = self->document != NULL ? drey_shard_document_get_n_samples (self->document) : 0;
  g_autofree char *subtitle = g_strdup_printf (g_dngettext (NULL, "%u sample", "%u samples", n), n);
  const char *key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;

  gtk_widget_set_visible (self->no_samples_page, self->roots != NULL && n == 0);
  gtk_label_set_text (self->shard_title, key != NULL ? key : "");
  if (self->document != NULL && drey_shard_document_get_is_new (self->document))
    {
      g_autofree char *with_new = g_strdup_printf (_("%s · new shard"), subtitle);

      gtk_label_set_text (self->shard_subtitle, with_new);
    }
  else
    gtk_label_set_text (self->shard_subtitle, subtitle);
}

/* A shard shows its samples as soon as the first one is decoded, with a
 * progress bar above them while more come, and the error below them if
 * the read fails half-way. No spinner: its animation would keep the
 * frame clock, and a software renderer, busy through the whole decode. */
static void
update_page (DreySampleView *self)
{
  DreyShardState state = self->document != NULL ? drey_shard_document_get_state (self->document)
                                                : DREY_SHARD_STATE_EMPTY;
  const GError *error = self->document != NULL ? drey_shard_document_get_error (self->document) : NULL;
  g_autofree char *error_text = g_markup_escape_text (error != NULL ? error->message : "", -1);
  const char *page;

  switch (state)
    {
    case DREY_SHARD_STATE_LOADING:
      {
        g_autofree char *text = g_strdup_printf (_("Reading “%s”…"), drey_shard_document_get_key (self->document));

        gtk_label_set_text (self->loading_label, text);
        page = self->roots != NULL ? "samples" : "loading";
        break;
      }
    case DREY_SHARD_STATE_LOADED:
      page = "samples";
      break;
    case DREY_SHARD_STATE_FAILED:
      adw_status_page_set_description (self->error_page, error_text);
      page = self->roots != NULL ? "samples" : "error";
      break;
    case DREY_SHARD_STATE_EMPTY:
    default:
      page = "empty";
      break;
    }
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->load_progress),
                          state == DREY_SHARD_STATE_LOADING && self->roots != NULL);
  gtk_widget_set_visible (self->partial_error_bar, state == DREY_SHARD_STATE_FAILED && self->roots != NULL);
  gtk_label_set_text (self->partial_error_label, error != NULL ? error->message : "");
}

/* The document notifies progress a few times a second at most. */
static void
update_progress (DreySampleView *self)
{
  guint64 done, total;
  g_autofree char *done_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;
  double fraction;

  drey_shard_document_get_progress (self->document, &done, &total);
  done_text = g_format_size (done);
  total_text = g_format_size (total);
  fraction = total > 0 ? (double) done / (double) total : 0;
  if (drey_shard_document_get_busy (self->document))
    {
      text = g_strdup_printf (_("Saving… %s of %s"), done_text, total_text);
      gtk_progress_bar_set_fraction (self->save_progress, fraction);
      gtk_progress_bar_set_text (self->save_progress, text);
    }
  else
    {
      text = g_strdup_printf (_("%s of %s"), done_text, total_text);
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      gtk_progress_bar_set_text (self->progress_bar, total > 0 ? text : "");
      gtk_progress_bar_set_fraction (self->load_progress, fraction);
      gtk_progress_bar_set_text (self->load_progress, total > 0 ? text : "");
    }
}

/* While the document is written, the tree cannot change and a progress
 * bar shows how far it is. */
static void
update_busy (DreySampleView *self)
{
  gboolean busy = self->document != NULL && drey_shard_document_get_busy (self->document);

  gtk_widget_set_visible (GTK_WIDGET (self->save_progress), busy);
  gtk_progress_bar_set_fraction (self->save_progress, 0);
  gtk_progress_bar_set_text (self->save_progress, _("Saving…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_view), !busy);
  refresh_cells (self);
  _drey_sample_view_update_actions (self);
}

/* More samples (or fewer): the cells shown are the same nodes, which
 * notify their own changes, so none is refreshed; a load in slices
 * notifies this for every slice. */
static void
samples_changed (DreySampleView *self)
{
  sync_tree (self);
  update_page (self);
  update_header (self);
  _drey_sample_view_update_actions (self);
  _drey_sample_view_finish_step (self);
}

/* Another state: what can be edited changes with it. */
static void
document_changed (DreySampleView *self)
{
  samples_changed (self);
  refresh_cells (self);
}

/**
 * drey_sample_view_set_document:
 * @document: (nullable): the shard to show
 */
void
drey_sample_view_set_document (DreySampleView    *self,
                               DreyShardDocument *document)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (document == NULL || DREY_IS_SHARD_DOCUMENT (document));

  if (self->document == document)
    return;
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_set_object (&self->document, document);
  if (document != NULL)
    {
      g_signal_connect_object (document, "notify::state", G_CALLBACK (document_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-samples", G_CALLBACK (samples_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::is-new", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::key", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::modified", G_CALLBACK (_drey_sample_view_update_actions), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::progress", G_CALLBACK (update_progress), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::busy", G_CALLBACK (update_busy), self, G_CONNECT_SWAPPED);
    }
  document_changed (self);
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
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
  _drey_sample_view_update_actions (self);
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
  _drey_sample_view_update_actions (self);
}

/**
 * drey_sample_view_focus_samples:
 *
 * Puts the focus where the edit shortcuts work: the tree, or for a shard
 * with no samples yet (an empty tree takes no focus), Add Sample.
 */
void
drey_sample_view_focus_samples (DreySampleView *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  if (self->roots == NULL || g_list_model_get_n_items (self->roots) == 0 ||
      !gtk_widget_grab_focus (GTK_WIDGET (self->column_view)))
    gtk_widget_grab_focus (self->add_sample_button);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_sample_view_dispose (GObject *object)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  _drey_sample_view_dispose_actions (self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_handle_id (&self->edit_error_timeout, g_source_remove);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_weak_pointer (&self->panel_node);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_SAMPLE_VIEW);
  g_clear_handle_id (&self->sync_fold_source, g_source_remove);
  g_clear_object (&self->roots);
  g_clear_object (&self->document);
  G_OBJECT_CLASS (drey_sample_view_parent_class)->dispose (object);
}

static void
drey_sample_view_finalize (GObject *object)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  g_free (self->read_only_reason);
  g_hash_table_unref (self->name_cells);
  g_hash_table_unref (self->value_cells);
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
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, drey_sample_view_get_can_go_back (self));
      break;
    case PROP_EDITING:
      g_value_set_boolean (value, self->editing);
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
    case PROP_DOCUMENT:
      drey_sample_view_set_document (self, g_value_get_object (value));
      break;
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

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, DREY_TYPE_SHARD_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EDITING] =
    g_param_spec_boolean ("editing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Folded, with the array panel in place of the tree. */
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreySampleView::step-out:
   * @direction: 1 past the last sample, -1 before the first
   *
   * J or K went past the shard's end; a handler that opens the
   * neighbouring shard calls drey_sample_view_step_into() and returns
   * %TRUE (else the view rings the bell).
   */
  signals[STEP_OUT] =
    g_signal_new ("step-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_INT);

  /**
   * DreySampleView::show-toast:
   * @toast: what to say
   *
   * The view has something to tell that is not an edit's error (a value
   * too large to copy): the window shows it as its other toasts.
   */
  signals[SHOW_TOAST] =
    g_signal_new ("show-toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  g_type_ensure (DREY_TYPE_ARRAY_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-sample-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, stack);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, loading_label);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, error_page);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, shard_title);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, shard_subtitle);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, save_progress);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, load_progress);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, partial_error_bar);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, partial_error_label);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_error_label);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, edit_bar);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, add_sample_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, row_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, add_value_button);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, column_view);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, no_samples_page);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, tree_box);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, array_panel);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_child_changed);

  _drey_sample_view_class_add_actions (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
drey_sample_view_init (DreySampleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->name_cells = g_hash_table_new (NULL, NULL);
  self->value_cells = g_hash_table_new (NULL, NULL);
  add_column (self, _("Name"), G_CALLBACK (setup_name), FALSE, 200);
  add_column (self, _("Type"), G_CALLBACK (setup_type), FALSE, 200);
  add_column (self, _("Value"), G_CALLBACK (setup_value), TRUE, -1);
  drey_list_keynav_tab_leaves (GTK_WIDGET (self->column_view));
  drey_menu_tooltip_hide_while_open (self->row_menu_button);
  drey_menu_tooltip_hide_while_open (self->add_value_button);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (tree_key_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), keys);
  }
  {
    GtkGesture *click = gtk_gesture_click_new ();

    g_signal_connect (click, "released", G_CALLBACK (tree_clicked), self);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
  }

  /* Over the array panel Page Down and Up step through the samples, as J
   * and K do, rather than scroll it: the panel follows the field. */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Down, 0),
                                                            gtk_named_action_new ("samples.next-sample")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Up, 0),
                                                            gtk_named_action_new ("samples.previous-sample")));
    gtk_widget_add_controller (GTK_WIDGET (self->panel_scroller), shortcuts);
  }
  update_page (self);
  _drey_sample_view_update_actions (self);
}
