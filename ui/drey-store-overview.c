/* drey-store-overview.c: the store at a glance: its figures, its schema
 * with presence and drift, and every field's statistics
 *
 * It shows a DreyStoreDocument and fills in as its scan runs: the
 * figures follow the document's counters, the schema is its fields, one
 * DreyFieldRow each. A field that drifts carries a warning button: its
 * popover lists the first samples concerned; picking one emits
 * "sample-activated".
 *
 * The page is one list view: its first item is the header (the figures,
 * the scan's progress, the shards that failed, the schema's title), one
 * widget handed to whichever row shows that item; the rest are the
 * fields. GTK 4.8's list view makes rows for some 200 items however many
 * there are, and binds them to others as it scrolls: a list box made a
 * row for each of a tabular store's 1,500 columns when the scan's fields
 * came, and measured every one at each resize (175 ms a resize), and the
 * window stalled 600-800 ms (tests/test-store-view.c, /wide-schema).
 * Rows are reused for other fields, so which fields are expanded is kept
 * here, by path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-overview"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-field-row.h"
#include "drey-store-overview.h"

struct _DreyStoreOverview
{
  GtkWidget          parent_instance;

  /* template */
  GtkWidget         *scroller;
  GtkLabel          *samples_label;
  GtkLabel          *shards_label;
  GtkLabel          *shards_caption;
  GtkLabel          *bytes_label;
  GtkLabel          *fields_label;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  GtkWidget         *failed_group;
  GtkListBox        *failed_list;
  GtkListView       *field_view;
  GtkWidget         *header;

  DreyStoreDocument *document;
  char              *summary_text;
  GObject           *header_item;
  GListStore        *parts;          /* GListModel: the header's, the fields */
  GtkFlattenListModel *items;
  GtkWidget         *header_ref;     /* ours: rows hold the header in turn */
  GtkListItem       *header_list_item;
  GPtrArray         *list_items;     /* GtkListItem: every row the view made */
  GHashTable        *expanded;       /* paths of the fields expanded */
};

G_DEFINE_FINAL_TYPE (DreyStoreOverview, drey_store_overview, GTK_TYPE_WIDGET)

enum {
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the schema -------------------------------------------------------- */

/* The list's first item: the figures and the schema's title. */
static gboolean
is_header (DreyStoreOverview *self,
           gpointer           item)
{
  return item == (gpointer) self->header_item;
}

static void
row_expanded (DreyFieldRow      *row,
              GParamSpec        *pspec,
              DreyStoreOverview *self)
{
  DreyFieldItem *item = drey_field_row_get_item (row);

  if (item == NULL)
    return;
  if (drey_field_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (drey_field_item_get_path (item)));
  else
    g_hash_table_remove (self->expanded, drey_field_item_get_path (item));
}

static void
row_sample_activated (DreyFieldRow      *row,
                      const char        *key,
                      guint              index,
                      const char        *path,
                      DreyStoreOverview *self)
{
  g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, key, index, path);
}

/* Rounded corners at the schema's ends only: the first field follows the
 * header, the last ends the list. */
static void
update_ends (DreyStoreOverview *self,
             GtkListItem       *list_item)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  guint position = gtk_list_item_get_position (list_item);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (DREY_IS_FIELD_ROW (child))
    drey_field_row_set_ends (DREY_FIELD_ROW (child), position == 1, position + 1 == n);
}

static void
setup_item (GtkListItemFactory *factory,
            GtkListItem        *list_item,
            DreyStoreOverview  *self)
{
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
  g_ptr_array_add (self->list_items, list_item);
}

static void
teardown_item (GtkListItemFactory *factory,
               GtkListItem        *list_item,
               DreyStoreOverview  *self)
{
  g_ptr_array_remove_fast (self->list_items, list_item);
}

static void
bind_item (GtkListItemFactory *factory,
           GtkListItem        *list_item,
           DreyStoreOverview  *self)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  DreyFieldRow *row;

  if (is_header (self, item))
    {
      /* One header: the row that had it last lets it go first. */
      if (gtk_widget_get_parent (self->header) != NULL && self->header_list_item != NULL)
        gtk_list_item_set_child (self->header_list_item, NULL);
      gtk_list_item_set_child (list_item, self->header);
      self->header_list_item = list_item;
      return;
    }
  if (!DREY_IS_FIELD_ROW (child))
    {
      child = drey_field_row_new ();
      gtk_widget_set_margin_start (child, 12);
      gtk_widget_set_margin_end (child, 12);
      g_signal_connect (child, "notify::expanded", G_CALLBACK (row_expanded), self);
      g_signal_connect (child, "sample-activated", G_CALLBACK (row_sample_activated), self);
      gtk_list_item_set_child (list_item, child);
    }
  row = DREY_FIELD_ROW (child);
  /* The item first: expanding it records its path. */
  drey_field_row_set_item (row, item);
  drey_field_row_set_expanded (row, g_hash_table_contains (self->expanded, drey_field_item_get_path (item)));
  update_ends (self, list_item);
}

static void
unbind_item (GtkListItemFactory *factory,
             GtkListItem        *list_item,
             DreyStoreOverview  *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (child != NULL && child == self->header)
    {
      gtk_list_item_set_child (list_item, NULL);
      self->header_list_item = NULL;
    }
  else if (DREY_IS_FIELD_ROW (child))
    drey_field_row_set_item (DREY_FIELD_ROW (child), NULL);
}

/* A field came or went: the last row may not be the last any more. */
static void
items_changed (DreyStoreOverview *self)
{
  for (guint i = 0; i < self->list_items->len; i++)
    update_ends (self, g_ptr_array_index (self->list_items, i));
}

/**
 * drey_store_overview_dup_histogram_note:
 *
 * For tests: what the histogram row of field @path says under its title
 * ("" for an exact histogram), %NULL if it shows no histogram. Asks a
 * row of its own: the list may have none for that field in sight.
 */
char *
drey_store_overview_dup_histogram_note (DreyStoreOverview *self,
                                        const char        *path)
{
  DreyFieldItem *item;
  GtkWidget *row;
  char *note;

  g_return_val_if_fail (DREY_IS_STORE_OVERVIEW (self), NULL);

  item = self->document != NULL ? drey_store_document_lookup_field (self->document, path) : NULL;
  if (item == NULL)
    return NULL;
  row = g_object_ref_sink (drey_field_row_new ());
  drey_field_row_set_item (DREY_FIELD_ROW (row), item);
  note = drey_field_row_dup_histogram_note (DREY_FIELD_ROW (row));
  g_object_unref (row);
  return note;
}

/**
 * drey_store_overview_count_field_rows:
 * @n_fields: (out): fields in the schema's list
 * @n_rows: (out): rows the list made for them
 *
 * For tests.
 */
void
drey_store_overview_count_field_rows (DreyStoreOverview *self,
                                      guint             *n_fields,
                                      guint             *n_rows)
{
  g_return_if_fail (DREY_IS_STORE_OVERVIEW (self));

  *n_fields = self->document != NULL ? g_list_model_get_n_items (drey_store_document_get_fields (self->document)) : 0;
  *n_rows = 0;
  for (guint i = 0; i < self->list_items->len; i++)
    if (DREY_IS_FIELD_ROW (gtk_list_item_get_child (g_ptr_array_index (self->list_items, i))))
      (*n_rows)++;
}

/* ---- the figures -------------------------------------------------------- */

static void
update_failed (DreyStoreOverview *self)
{
  g_autoptr(GPtrArray) failed = self->document != NULL ? drey_store_document_dup_failed_shards (self->document)
                                                      : g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->failed_list))) != NULL)
    gtk_list_box_remove (self->failed_list, child);
  for (guint i = 0; i < failed->len; i++)
    {
      SqShardScan *shard = g_ptr_array_index (failed, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (sq_shard_scan_get_key (shard), -1);
      g_autofree char *message = g_markup_escape_text (sq_shard_scan_get_error (shard)->message, -1);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message);
      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->failed_list, row);
    }
  gtk_widget_set_visible (self->failed_group, failed->len > 0);
}

static void
update_figures (DreyStoreOverview *self)
{
  DreyStoreDocument *doc = self->document;
  guint64 n_samples = doc != NULL ? drey_store_document_get_n_samples (doc) : 0;
  guint n_shards = doc != NULL ? drey_store_document_get_n_shards (doc) : 0;
  guint done = doc != NULL ? drey_store_document_get_n_shards_done (doc) : 0;
  guint failed = doc != NULL ? drey_store_document_get_n_failed (doc) : 0;
  guint64 bytes = doc != NULL ? drey_store_document_get_bytes_total (doc) : 0;
  guint64 bytes_done = doc != NULL ? drey_store_document_get_bytes_done (doc) : 0;
  guint n_fields = doc != NULL ? g_list_model_get_n_items (drey_store_document_get_fields (doc)) : 0;
  gboolean running = doc != NULL && drey_store_document_get_running (doc);
  g_autofree char *samples_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, n_samples);
  g_autofree char *shards_text = g_strdup_printf ("%'u", n_shards);
  g_autofree char *bytes_text = g_format_size (bytes);
  g_autofree char *fields_text = g_strdup_printf ("%u", n_fields);

  gtk_label_set_text (self->samples_label, samples_text);
  gtk_label_set_text (self->shards_label, shards_text);
  gtk_label_set_text (self->bytes_label, bytes_text);
  gtk_label_set_text (self->fields_label, fields_text);
  if (failed > 0)
    {
      g_autofree char *caption = g_strdup_printf (g_dngettext (NULL, "Shards, %u unreadable", "Shards, %u unreadable",
                                                               failed), failed);

      gtk_label_set_text (self->shards_caption, caption);
    }
  else
    gtk_label_set_text (self->shards_caption, _("Shards"));

  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  if (running)
    {
      g_autofree char *done_size = g_format_size (bytes_done);
      g_autofree char *text = g_strdup_printf (_("Scanning… %u of %u shards, %s of %s"), done, n_shards,
                                               done_size, bytes_text);

      gtk_progress_bar_set_fraction (self->progress_bar, bytes > 0 ? (double) bytes_done / (double) bytes : 0);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }

  g_free (self->summary_text);
  self->summary_text = g_strdup_printf ("%" G_GUINT64_FORMAT " samples, %u shards, %u fields%s", n_samples,
                                        n_shards, n_fields, running ? ", scanning" : "");
}

static void
document_running_changed (DreyStoreOverview *self)
{
  update_figures (self);
  update_failed (self);
}

/**
 * drey_store_overview_get_summary_text:
 *
 * For tests: the figures on screen, as "1802 samples, 19 shards, 9 fields".
 */
const char *
drey_store_overview_get_summary_text (DreyStoreOverview *self)
{
  g_return_val_if_fail (DREY_IS_STORE_OVERVIEW (self), NULL);
  return self->summary_text;
}

/**
 * drey_store_overview_set_document:
 * @document: (nullable): the store to show
 */
void
drey_store_overview_set_document (DreyStoreOverview *self,
                                  DreyStoreDocument *document)
{
  g_return_if_fail (DREY_IS_STORE_OVERVIEW (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
    }
  g_set_object (&self->document, document);
  g_hash_table_remove_all (self->expanded);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->parts)) > 1)
    g_list_store_remove (self->parts, 1);
  if (document != NULL)
    g_list_store_append (self->parts, drey_store_document_get_fields (document));
  if (document != NULL)
    {
      g_signal_connect_object (document, "notify::n-samples", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-shards", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-shards-done", G_CALLBACK (update_figures), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::bytes-done", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-failed", G_CALLBACK (document_running_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::running", G_CALLBACK (document_running_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (drey_store_document_get_fields (document), "items-changed",
                               G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
    }
  document_running_changed (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_overview_dispose (GObject *object)
{
  DreyStoreOverview *self = DREY_STORE_OVERVIEW (object);

  /* The view lets the header go before the template goes. */
  if (self->field_view != NULL)
    gtk_list_view_set_model (self->field_view, NULL);
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
    }
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STORE_OVERVIEW);
  g_clear_object (&self->header_ref);
  g_clear_object (&self->items);
  g_clear_object (&self->parts);
  g_clear_object (&self->header_item);
  /* The template's outer box has no name to be disposed by. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (drey_store_overview_parent_class)->dispose (object);
}

static void
drey_store_overview_finalize (GObject *object)
{
  DreyStoreOverview *self = DREY_STORE_OVERVIEW (object);

  g_free (self->summary_text);
  g_ptr_array_unref (self->list_items);
  g_hash_table_unref (self->expanded);
  G_OBJECT_CLASS (drey_store_overview_parent_class)->finalize (object);
}

static void
drey_store_overview_class_init (DreyStoreOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_store_overview_dispose;
  object_class->finalize = drey_store_overview_finalize;

  /**
   * DreyStoreOverview::sample-activated:
   * @key: the shard
   * @index: the sample's index in it
   * @path: the field the user was looking at
   *
   * The user picked a sample a drift concerns.
   */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-store-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, scroller);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, samples_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, shards_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, shards_caption);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, fields_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, failed_group);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, failed_list);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, field_view);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, header);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_store_overview_init (DreyStoreOverview *self)
{
  g_autoptr(GListStore) header_part = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* No widget holds the header until the view binds its item. */
  self->header_ref = g_object_ref (self->header);
  self->list_items = g_ptr_array_new ();
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->header_item = g_object_new (G_TYPE_OBJECT, NULL);
  g_list_store_append (header_part, self->header_item);
  self->parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (self->parts, header_part);
  self->items = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->parts)));
  g_signal_connect_object (self->items, "items-changed", G_CALLBACK (items_changed), self, G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), self);
  gtk_list_view_set_factory (self->field_view, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_list_view_set_model (self->field_view, GTK_SELECTION_MODEL (selection));
  update_figures (self);
}

GtkWidget *
drey_store_overview_new (void)
{
  return g_object_new (DREY_TYPE_STORE_OVERVIEW, NULL);
}
