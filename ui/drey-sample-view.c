/* drey-sample-view.c: the samples of one shard, as a tree
 *
 * Loading a key decodes its shard on a worker (sq_store_get_async) with a
 * progress bar; loading another key first cancels the one in flight, so a
 * late result never replaces a newer one. The samples become a
 * GtkTreeListModel whose children are made when a row is expanded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-list-keynav.h"
#include "drey-sample-node.h"
#include "drey-sample-view.h"

struct _DreySampleView
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkLabel           *loading_label;
  GtkProgressBar     *progress_bar;
  AdwStatusPage      *error_page;
  GtkLabel           *shard_title;
  GtkLabel           *shard_subtitle;
  GtkColumnView      *column_view;
  GtkScrolledWindow  *panel_scroller;
  DreyArrayPanel     *array_panel;

  SqStore            *store;
  char               *key;
  GCancellable       *cancellable;
  GError             *error;
  GPtrArray          *samples;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (DreySampleView, drey_sample_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KEY,
  PROP_STATE,
  N_PROPS
};

enum {
  LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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

static DreySampleNode *
selected_node (DreySampleView *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

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

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = selected_node (self);
  if (node == NULL || self->key == NULL)
    return NULL;
  key = sq_value_new_str (self->key, -1);
  key_repr = drey_python_key_repr (key);
  /* store.get() yields the samples; list() makes them subscriptable. */
  return g_strdup_printf ("list(store.get(%s))%s", key_repr, drey_sample_node_get_python_path (node));
}

/* ---- columns ------------------------------------------------------------ */

static void
setup_name (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
update_accessible_label (GtkWidget      *widget,
                         DreySampleNode *node)
{
  g_autofree char *label = g_strdup_printf ("%s, %s, %s", drey_sample_node_get_name (node),
                                            drey_sample_node_get_type_text (node),
                                            drey_sample_node_get_value_text (node));

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
node_value_text_changed (DreySampleNode *node,
                         GParamSpec     *pspec,
                         GtkListItem    *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_LABEL (child))
    gtk_label_set_text (GTK_LABEL (child), drey_sample_node_get_value_text (node));
  else if (GTK_IS_TREE_EXPANDER (child))
    update_accessible_label (child, node);
}

static void
bind_name (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  DreySampleNode *node = gtk_tree_list_row_get_item (row);
  gboolean is_sample = gtk_tree_list_row_get_depth (row) == 0;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (label), drey_sample_node_get_name (node));
  if (is_sample)
    gtk_widget_add_css_class (label, "numeric");
  else
    gtk_widget_remove_css_class (label, "numeric");
  update_accessible_label (expander, node);
  g_signal_connect_object (node, "notify::value-text", G_CALLBACK (node_value_text_changed), item, 0);
  g_object_unref (node);
}

static void
unbind_disconnect (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(DreySampleNode) node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (node != NULL)
    g_signal_handlers_disconnect_by_func (node, node_value_text_changed, item);
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);
  const char *style = user_data;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_list_item_set_child (item, label);
}

static void
bind_type (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(DreySampleNode) node = gtk_tree_list_row_get_item (row);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), drey_sample_node_get_type_text (node));
}

static void
bind_value (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(DreySampleNode) node = gtk_tree_list_row_get_item (row);

  /* An array's summary is worked out once its row is on screen. */
  drey_sample_node_request_summary (node);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), drey_sample_node_get_value_text (node));
  g_signal_connect_object (node, "notify::value-text", G_CALLBACK (node_value_text_changed), item, 0);
}

static void
add_column (DreySampleView *self,
            const char     *title,
            GCallback       setup,
            gpointer        setup_data,
            GCallback       bind,
            gboolean        expand,
            int             fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, setup_data);
  g_signal_connect (factory, "bind", bind, self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_disconnect), self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

/* ---- the model ---------------------------------------------------------- */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  return drey_sample_node_create_children (item);
}

static void
selection_changed (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = selected_node (self);
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  gboolean is_array = value != NULL && sq_value_get_value_type (value) == SQ_VALUE_NDARRAY;

  if (is_array)
    {
      g_autofree char *path = g_strdup (drey_sample_node_get_python_path (node));

      drey_array_panel_set_array (self->array_panel, sq_value_get_ndarray (value), path);
    }
  else
    drey_array_panel_set_array (self->array_panel, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->panel_scroller), is_array);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.copy-json", node != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.copy-python-path", node != NULL);
}

static void
show_samples (DreySampleView *self,
              GPtrArray      *samples)
{
  g_autoptr(GListStore) roots = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_full (samples->len, g_object_unref);
  GtkTreeListModel *tree;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < samples->len; i++)
    {
      char name[24], path[32];

      g_snprintf (name, sizeof name, "%u", i);
      g_snprintf (path, sizeof path, "[%u]", i);
      g_ptr_array_add (nodes, drey_sample_node_new (name, g_ptr_array_index (samples, i), path));
    }
  g_list_store_splice (roots, 0, 0, nodes->pdata, nodes->len);

  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&roots)), FALSE, FALSE,
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
  subtitle = g_strdup_printf (g_dngettext (NULL, "%u sample", "%u samples", samples->len), samples->len);
  gtk_label_set_text (self->shard_subtitle, subtitle);
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
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  self->samples = g_ptr_array_ref (samples);
  show_samples (self, samples);
  g_signal_emit (self, signals[LOADED], 0, self->key, samples->len);
}

static void
clear_samples (DreySampleView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  drey_array_panel_set_array (self->array_panel, NULL, NULL);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
}

/**
 * drey_sample_view_load:
 * @key: (nullable): the key to show, or %NULL for none
 *
 * Decodes the shard @key on a worker and shows its samples; a load still
 * running is cancelled first.
 */
void
drey_sample_view_load (DreySampleView *self,
                       const char     *key)
{
  g_autofree char *text = NULL;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  clear_samples (self);
  if (g_strcmp0 (self->key, key) != 0)
    {
      g_free (self->key);
      self->key = g_strdup (key);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.reload", key != NULL && self->store != NULL);
  if (key == NULL || self->store == NULL)
    {
      set_state (self, "empty");
      return;
    }

  text = g_strdup_printf (_("Reading “%s”…"), key);
  gtk_label_set_text (self->loading_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "");
  set_state (self, "loading");

  self->cancellable = g_cancellable_new ();
  sq_store_get_async (self->store, key, self->cancellable,
                      progress_cb, g_object_ref (self), g_object_unref,
                      get_done, g_object_ref (self));
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

/* ---- actions ------------------------------------------------------------ */

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = selected_node (self);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_SAMPLE_VIEW);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (drey_sample_view_parent_class)->dispose (object);
}

static void
drey_sample_view_finalize (GObject *object)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (object);

  g_free (self->key);
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

  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
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
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, column_view);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, DreySampleView, array_panel);

  gtk_widget_class_install_action (widget_class, "samples.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "samples.copy-python-path", NULL, copy_python_path_action);
  gtk_widget_class_install_action (widget_class, "samples.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "samples.copy-json", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "samples.copy-python-path", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
drey_sample_view_init (DreySampleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  add_column (self, _("Name"), G_CALLBACK (setup_name), NULL, G_CALLBACK (bind_name), FALSE, 200);
  add_column (self, _("Type"), G_CALLBACK (setup_label), "dim-label", G_CALLBACK (bind_type), FALSE, 200);
  add_column (self, _("Value"), G_CALLBACK (setup_label), "numeric", G_CALLBACK (bind_value), TRUE, -1);
  drey_list_keynav_tab_leaves (GTK_WIDGET (self->column_view));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.copy-json", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.copy-python-path", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.reload", FALSE);
}
