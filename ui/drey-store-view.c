/* drey-store-view.c: the whole store: overview, gallery and a filter bar
 *
 * What the window shows when a store opens, and from the key list's
 * Store row: an AdwViewStack of the overview (figures, schema, drift,
 * statistics), the gallery and the table, switched by an AdwViewSwitcher.
 * Over the gallery and the table a filter bar runs a query through the document (Enter), shows
 * how many samples it matched as the scan runs, and a malformed query's
 * error in place, the entry's cursor at the fault. The last queries run
 * are kept in GSettings ("recent-queries"). Beside it, a searchable
 * dropdown narrows both views to one shard ("All Shards", then every
 * shard as the scan lists its samples).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-store-view.h"

/* Queries remembered. */
#define MAX_RECENT 10

struct _DreyStoreView
{
  GtkWidget          parent_instance;

  /* template */
  AdwViewStack      *view_stack;
  GtkRevealer       *filter_revealer;
  GtkEntry          *query_entry;
  GtkListBox        *recent_list;
  GtkPopover        *recent_popover;
  GtkSpinner        *query_spinner;
  GtkLabel          *count_label;
  GtkDropDown       *shard_dropdown;
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  DreyStoreOverview *overview;
  DreyStoreGallery  *gallery;
  DreyStoreTable    *table;

  DreyStoreDocument *document;
  GSettings         *settings;
  char              *query_error;
  GtkStringList     *shard_names;  /* "All Shards", then the keys */
  guint              n_shard_names; /* keys listed, of the samples' runs */
  char              *shard;
  gboolean           syncing_shards;
};

G_DEFINE_FINAL_TYPE (DreyStoreView, drey_store_view, GTK_TYPE_WIDGET)

/* ---- the filter bar ----------------------------------------------------- */

static void
update_count (DreyStoreView *self)
{
  DreyStoreDocument *doc = self->document;
  guint64 n = doc != NULL ? drey_store_document_get_n_samples (doc) : 0;
  gboolean running = doc != NULL && (drey_store_document_get_query_running (doc) ||
                                     drey_store_document_get_running (doc));
  g_autofree char *text = NULL;

  if (doc != NULL && self->shard != NULL)
    {
      guint in_shard = 0, matched = 0;

      drey_sample_list_get_shard_range (drey_store_document_get_samples (doc), self->shard, NULL, &in_shard);
      drey_sample_list_get_shard_range (drey_store_document_get_results (doc), self->shard, NULL, &matched);
      if (drey_store_document_get_query (doc) != NULL)
        text = g_strdup_printf (_("%'u of %'u samples in “%s”"), matched, in_shard, self->shard);
      else
        text = g_strdup_printf (g_dngettext (NULL, "%'u sample in “%s”", "%'u samples in “%s”", in_shard), in_shard,
                                self->shard);
    }
  else if (doc != NULL && drey_store_document_get_query (doc) != NULL)
    text = g_strdup_printf (_("%'" G_GUINT64_FORMAT " of %'" G_GUINT64_FORMAT " samples"),
                            drey_store_document_get_n_matches (doc), n);
  else
    text = g_strdup_printf (g_dngettext (NULL, "%'" G_GUINT64_FORMAT " sample", "%'" G_GUINT64_FORMAT " samples", n),
                            n);
  gtk_label_set_text (self->count_label, text);
  gtk_spinner_set_spinning (self->query_spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->query_spinner), running);
}

/**
 * drey_store_view_get_count_text:
 *
 * For tests: what the filter bar says it matched.
 */
const char *
drey_store_view_get_count_text (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return gtk_label_get_text (self->count_label);
}

static void
show_query_error (DreyStoreView *self,
                  const char    *message)
{
  g_free (self->query_error);
  self->query_error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->query_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->query_entry), "error");
}

/**
 * drey_store_view_get_query_error:
 *
 * Returns: (nullable): why the query typed cannot run, as on screen
 */
const char *
drey_store_view_get_query_error (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->query_error;
}

static void
fill_recent (DreyStoreView *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-queries");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (recent[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_widget_add_css_class (label, "monospace");
      gtk_list_box_append (self->recent_list, label);
    }
  if (recent[0] == NULL)
    {
      GtkWidget *label = gtk_label_new (_("No queries yet"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_list_box_append (self->recent_list, label);
      gtk_widget_set_sensitive (gtk_widget_get_parent (label), FALSE);
    }
}

static void
remember_query (DreyStoreView *self,
                const char    *expression)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-queries");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, expression);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (recent[i], expression))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-queries", (const char * const *) updated);
}

/**
 * drey_store_view_run_query:
 * @expression: a query, or "" for every sample
 *
 * What Enter in the filter bar does: runs @expression over the store, or
 * shows why it cannot.
 */
void
drey_store_view_run_query (DreyStoreView *self,
                           const char    *expression)
{
  g_autoptr(GError) error = NULL;
  guint position = 0;

  g_return_if_fail (DREY_IS_STORE_VIEW (self));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->query_entry)), expression) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->query_entry), expression);
  if (self->document == NULL)
    return;
  if (!drey_store_document_set_query (self->document, expression, &position, &error))
    {
      show_query_error (self, error->message);
      /* The cursor goes where the expression goes wrong. */
      gtk_editable_set_position (GTK_EDITABLE (self->query_entry), (int) position);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  show_query_error (self, NULL);
  if (drey_store_document_get_query (self->document) != NULL)
    remember_query (self, drey_store_document_get_query (self->document));
  update_count (self);
}

static void
query_activated (DreyStoreView *self)
{
  drey_store_view_run_query (self, gtk_editable_get_text (GTK_EDITABLE (self->query_entry)));
}

static void
query_changed (DreyStoreView *self)
{
  /* The error is about what was run; typing starts a new try. */
  if (self->query_error != NULL)
    show_query_error (self, NULL);
}

static void
recent_activated (DreyStoreView *self,
                  GtkListBoxRow *row)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  gtk_popover_popdown (self->recent_popover);
  drey_store_view_run_query (self, gtk_label_get_text (GTK_LABEL (label)));
}

static void
page_changed (DreyStoreView *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  gtk_revealer_set_reveal_child (self->filter_revealer, g_strcmp0 (page, "overview") != 0);
}

/* ---- the shard dropdown ------------------------------------------------- */

/* Keys join the dropdown as the scan lists their samples, in key order;
 * a scan from the start (the list cleared) starts it again. */
static void
sync_shard_names (DreyStoreView *self)
{
  DreySampleList *samples = self->document != NULL ? drey_store_document_get_samples (self->document) : NULL;
  guint n = samples != NULL ? drey_sample_list_get_n_shards (samples) : 0;
  g_autoptr(GPtrArray) added = g_ptr_array_new ();

  self->syncing_shards = TRUE;
  if (n < self->n_shard_names)
    {
      gtk_string_list_splice (self->shard_names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->shard_names)) - 1,
                              NULL);
      self->n_shard_names = 0;
    }
  for (guint i = self->n_shard_names; i < n; i++)
    g_ptr_array_add (added, (gpointer) drey_sample_list_get_shard_key (samples, i));
  g_ptr_array_add (added, NULL);
  if (n > self->n_shard_names)
    gtk_string_list_splice (self->shard_names, 1 + self->n_shard_names, 0, (const char * const *) added->pdata);
  self->n_shard_names = n;
  self->syncing_shards = FALSE;
  update_count (self);
}

static void
shard_selected (DreyStoreView *self)
{
  guint selected = gtk_drop_down_get_selected (self->shard_dropdown);

  if (self->syncing_shards || selected == GTK_INVALID_LIST_POSITION)
    return;
  drey_store_view_set_shard (self, selected == 0 ? NULL : gtk_string_list_get_string (self->shard_names, selected));
}

/**
 * drey_store_view_set_shard:
 * @key: (nullable): the shard whose samples the gallery and the table
 *   show, %NULL for every shard
 */
void
drey_store_view_set_shard (DreyStoreView *self,
                           const char    *key)
{
  guint n;

  g_return_if_fail (DREY_IS_STORE_VIEW (self));

  if (g_strcmp0 (self->shard, key) != 0)
    {
      g_free (self->shard);
      self->shard = g_strdup (key);
      drey_store_gallery_set_shard (self->gallery, key);
      drey_store_table_set_shard (self->table, key);
      update_count (self);
    }
  /* The dropdown says so, once the key is listed. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->shard_names));
  for (guint i = 0; i < n; i++)
    if (i == 0 ? key == NULL : g_strcmp0 (gtk_string_list_get_string (self->shard_names, i), key) == 0)
      {
        self->syncing_shards = TRUE;
        gtk_drop_down_set_selected (self->shard_dropdown, i);
        self->syncing_shards = FALSE;
        break;
      }
}

/**
 * drey_store_view_get_shard:
 *
 * Returns: (nullable): the shard shown, %NULL for every shard
 */
const char *
drey_store_view_get_shard (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->shard;
}

/* ---- API ---------------------------------------------------------------- */

void
drey_store_view_set_document (DreyStoreView     *self,
                              DreyStoreDocument *document)
{
  g_return_if_fail (DREY_IS_STORE_VIEW (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_samples (self->document), self);
    }
  g_set_object (&self->document, document);
  drey_store_view_set_shard (self, NULL);
  self->n_shard_names = G_MAXUINT;  /* whatever was listed goes */
  sync_shard_names (self);
  drey_store_overview_set_document (self->overview, document);
  drey_store_gallery_set_document (self->gallery, document);
  drey_store_table_set_document (self->table, document);
  gtk_editable_set_text (GTK_EDITABLE (self->query_entry), "");
  show_query_error (self, NULL);
  if (document != NULL)
    {
      g_signal_connect_object (document, "notify::n-matches", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-samples", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::query-running", G_CALLBACK (update_count), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::running", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::query", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (drey_store_document_get_samples (document), "items-changed",
                               G_CALLBACK (sync_shard_names), self, G_CONNECT_SWAPPED);
    }
  sync_shard_names (self);
  update_count (self);
}

/**
 * drey_store_view_get_document:
 *
 * Returns: (transfer none) (nullable): the store shown
 */
DreyStoreDocument *
drey_store_view_get_document (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->document;
}

DreyStoreOverview *
drey_store_view_get_overview (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->overview;
}

DreyStoreTable *
drey_store_view_get_table (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->table;
}

DreyStoreGallery *
drey_store_view_get_gallery (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return self->gallery;
}

/* "overview" or "gallery" */
const char *
drey_store_view_get_page (DreyStoreView *self)
{
  g_return_val_if_fail (DREY_IS_STORE_VIEW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
drey_store_view_set_page (DreyStoreView *self,
                          const char    *page)
{
  g_return_if_fail (DREY_IS_STORE_VIEW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, page);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_view_dispose (GObject *object)
{
  DreyStoreView *self = DREY_STORE_VIEW (object);

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STORE_VIEW);
  /* The template's outer box has no name to be disposed by. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->document);
  g_clear_object (&self->settings);
  g_clear_object (&self->shard_names);
  G_OBJECT_CLASS (drey_store_view_parent_class)->dispose (object);
}

static void
drey_store_view_finalize (GObject *object)
{
  DreyStoreView *self = DREY_STORE_VIEW (object);

  g_free (self->query_error);
  g_free (self->shard);
  G_OBJECT_CLASS (drey_store_view_parent_class)->finalize (object);
}

static void
drey_store_view_class_init (DreyStoreViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_store_view_dispose;
  object_class->finalize = drey_store_view_finalize;

  g_type_ensure (DREY_TYPE_STORE_OVERVIEW);
  g_type_ensure (DREY_TYPE_STORE_GALLERY);
  g_type_ensure (DREY_TYPE_STORE_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-store-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, filter_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, query_entry);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, recent_list);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, recent_popover);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, query_spinner);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, count_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, shard_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, error_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, overview);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, gallery);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreView, table);
  gtk_widget_class_bind_template_callback (widget_class, query_activated);
  gtk_widget_class_bind_template_callback (widget_class, query_changed);
  gtk_widget_class_bind_template_callback (widget_class, recent_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_store_view_init (DreyStoreView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->shard_names = gtk_string_list_new ((const char *[]) { _("All Shards"), NULL });
  gtk_drop_down_set_model (self->shard_dropdown, G_LIST_MODEL (self->shard_names));
  /* Searchable: a store has thousands of shards. */
  gtk_drop_down_set_expression (self->shard_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  g_signal_connect_swapped (self->shard_dropdown, "notify::selected", G_CALLBACK (shard_selected), self);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::recent-queries", G_CALLBACK (fill_recent), self,
                           G_CONNECT_SWAPPED);
  fill_recent (self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (page_changed), self);
  page_changed (self);
  update_count (self);
}

GtkWidget *
drey_store_view_new (void)
{
  return g_object_new (DREY_TYPE_STORE_VIEW, NULL);
}
