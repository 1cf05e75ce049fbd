/* drey-store-table.c: one row per sample across the store, sortable
 *
 * A GtkColumnView over DreyStoreRows (every sample, read shard after
 * shard once the table is first shown), filtered to a query's results
 * and to one shard if one is chosen, and sorted by the column the user clicks (incrementally, so a large
 * store never freezes the window). Columns are Key, Index, then one per
 * scalar or array field of the schema, added as the scan finds them; an
 * array shows as its dtype and shape. Activating a row emits
 * "sample-activated".
 *
 * At most MAX_FIELD_COLUMNS field columns, the schema's first, and a note
 * above the table says how many fields are left out: GTK 4.8's column
 * view makes a cell per column for each of the 200 or so rows it keeps,
 * and a tabular store of 1,500 columns took 106 ms only to add them
 * (tests/test-store-view.c, /store-view/wide-schema), before a row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-table"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-store-rows.h"
#include "drey-store-table.h"

struct _DreyStoreTable
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *box;
  GtkLabel           *columns_note;
  GtkWidget          *scroller;
  GtkColumnView      *column_view;

  DreyStoreDocument  *document;
  DreyStoreRows      *rows;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  DreySampleList     *results;
  const char         *shard;     /* interned; NULL: every shard */
  GHashTable         *columns;   /* path -> GtkColumnViewColumn */
};

G_DEFINE_FINAL_TYPE (DreyStoreTable, drey_store_table, GTK_TYPE_WIDGET)

enum {
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Field columns at most: a cell each in every row the view keeps. */
#define MAX_FIELD_COLUMNS 40

/* Key and Index are columns too, by these names. */
#define KEY_COLUMN   "\x1fkey"
#define INDEX_COLUMN "\x1findex"

/* ---- cells -------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  numeric)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), numeric != NULL ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (numeric != NULL)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  numeric)
{
  DreySampleRow *row = gtk_list_item_get_item (item);
  const char *path = g_object_get_data (G_OBJECT (factory), "drey-path");
  g_autofree char *text = NULL;

  if (g_str_equal (path, KEY_COLUMN))
    text = g_strdup (drey_sample_row_get_key (row));
  else if (g_str_equal (path, INDEX_COLUMN))
    text = g_strdup_printf ("%u", drey_sample_row_get_index (row));
  else
    text = drey_sample_row_dup_text (row, path);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      path)
{
  DreySampleRow *x = (DreySampleRow *) a, *y = (DreySampleRow *) b;
  int order;

  if (g_str_equal (path, KEY_COLUMN) || g_str_equal (path, INDEX_COLUMN))
    {
      order = g_str_equal (path, KEY_COLUMN) ? strcmp (drey_sample_row_get_key (x), drey_sample_row_get_key (y)) : 0;
      if (order == 0)
        order = (drey_sample_row_get_index (x) > drey_sample_row_get_index (y)) -
                (drey_sample_row_get_index (x) < drey_sample_row_get_index (y));
      return order;
    }
  return drey_sample_row_compare (x, y, path);
}

static void
add_column (DreyStoreTable *self,
            const char     *path,
            const char     *title,
            gboolean        numeric)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;
  GtkColumnViewColumn *column;
  char *owned = g_strdup (path);

  g_object_set_data_full (G_OBJECT (factory), "drey-path", owned, g_free);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), numeric ? GINT_TO_POINTER (1) : NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), numeric ? GINT_TO_POINTER (1) : NULL);
  column = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, owned, NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_hash_table_insert (self->columns, g_strdup (path), column);
}

/* A column per scalar or array field, as the schema grows. */
static void
sync_columns (DreyStoreTable *self)
{
  GListModel *fields = self->document != NULL ? drey_store_document_get_fields (self->document) : NULL;
  guint n = fields != NULL ? g_list_model_get_n_items (fields) : 0;
  guint n_fit = 0, n_shown = g_hash_table_size (self->columns) - 2;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreyFieldItem) item = g_list_model_get_item (fields, i);
      const char *path = drey_field_item_get_path (item);
      gboolean numeric;

      if (!(drey_field_item_get_is_scalar (item) || drey_field_item_get_is_array (item)))
        continue;
      n_fit++;
      if (g_hash_table_contains (self->columns, path) || n_shown >= MAX_FIELD_COLUMNS)
        continue;
      numeric = drey_field_item_get_is_scalar (item) &&
                sq_field_stats_get_numbers (drey_field_item_get_stats (item)) != NULL;
      add_column (self, path, path, numeric);
      n_shown++;
      /* Wide enough for a number or a short label; resizable. */
      gtk_column_view_column_set_fixed_width (g_hash_table_lookup (self->columns, path), 160);
    }

  if (n_fit > n_shown)
    {
      g_autofree char *note =
        g_strdup_printf (g_dngettext (NULL, "%u of %u fields have a column: the samples themselves show every field.",
                                      "%u of %u fields have a column: the samples themselves show every field.", n_fit),
                         n_shown, n_fit);

      gtk_label_set_text (self->columns_note, note);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->columns_note), n_fit > n_shown);
}

/**
 * drey_store_table_get_n_field_columns:
 *
 * For tests: the field columns the table has (Key and Index aside).
 */
guint
drey_store_table_get_n_field_columns (DreyStoreTable *self)
{
  g_return_val_if_fail (DREY_IS_STORE_TABLE (self), 0);
  return g_hash_table_size (self->columns) - 2;
}

/**
 * drey_store_table_get_columns_note:
 *
 * For tests: the note above the table, %NULL when none shows.
 */
const char *
drey_store_table_get_columns_note (DreyStoreTable *self)
{
  g_return_val_if_fail (DREY_IS_STORE_TABLE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->columns_note)) ? gtk_label_get_text (self->columns_note) : NULL;
}

/* ---- the query ---------------------------------------------------------- */

static gboolean
row_matches (gpointer item,
             gpointer user_data)
{
  DreyStoreTable *self = user_data;

  if (self->shard != NULL && g_strcmp0 (drey_sample_row_get_key (item), self->shard) != 0)
    return FALSE;
  return self->results == NULL ||
         drey_sample_list_find (self->results, drey_sample_row_get_key (item), drey_sample_row_get_index (item)) !=
         G_MAXUINT;
}

static void
results_grew (DreyStoreTable *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);
}

static void
sync_results (DreyStoreTable *self)
{
  DreySampleList *results = NULL;

  if (self->document != NULL && drey_store_document_get_query (self->document) != NULL)
    results = drey_store_document_get_results (self->document);
  if (results == self->results)
    return;
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results, self);
  g_set_object (&self->results, results);
  if (results != NULL)
    g_signal_connect_object (results, "items-changed", G_CALLBACK (results_grew), self, G_CONNECT_SWAPPED);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- the rows ----------------------------------------------------------- */

/* Rows are read only once the table is on screen: a user who never
 * looks at it costs no second pass over the store. */
static void
ensure_rows (DreyStoreTable *self)
{
  if (self->rows != NULL || self->document == NULL)
    return;
  self->rows = drey_store_rows_new (drey_store_document_get_store (self->document),
                                    drey_store_document_get_samples (self->document));
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->rows));
}

static void
row_activated (DreyStoreTable *self,
               guint           position)
{
  g_autoptr(DreySampleRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (row != NULL)
    g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, drey_sample_row_get_key (row), drey_sample_row_get_index (row),
                   NULL);
}

static void
remove_field_columns (DreyStoreTable *self)
{
  GHashTableIter iter;
  gpointer path, column;

  g_hash_table_iter_init (&iter, self->columns);
  while (g_hash_table_iter_next (&iter, &path, &column))
    if (!g_str_equal (path, KEY_COLUMN) && !g_str_equal (path, INDEX_COLUMN))
      {
        gtk_column_view_remove_column (self->column_view, column);
        g_hash_table_iter_remove (&iter);
      }
}

void
drey_store_table_set_document (DreyStoreTable    *self,
                               DreyStoreDocument *document)
{
  g_return_if_fail (DREY_IS_STORE_TABLE (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
    }
  gtk_filter_list_model_set_model (self->filtered, NULL);
  g_clear_object (&self->rows);
  remove_field_columns (self);
  g_set_object (&self->document, document);
  if (document != NULL)
    {
      g_signal_connect_object (drey_store_document_get_fields (document), "items-changed",
                               G_CALLBACK (sync_columns), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::results", G_CALLBACK (sync_results), self, G_CONNECT_SWAPPED);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        ensure_rows (self);
    }
  self->shard = NULL;
  sync_columns (self);
  sync_results (self);
}

/**
 * drey_store_table_set_shard:
 * @key: (nullable): the shard whose rows show, %NULL for all
 */
void
drey_store_table_set_shard (DreyStoreTable *self,
                            const char     *key)
{
  const char *interned = key != NULL ? g_intern_string (key) : NULL;
  gboolean stricter;

  g_return_if_fail (DREY_IS_STORE_TABLE (self));

  if (interned == self->shard)
    return;
  stricter = self->shard == NULL;
  self->shard = interned;
  gtk_filter_changed (GTK_FILTER (self->filter), stricter ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_DIFFERENT);
}

GtkColumnView *
drey_store_table_get_column_view (DreyStoreTable *self)
{
  g_return_val_if_fail (DREY_IS_STORE_TABLE (self), NULL);
  return self->column_view;
}

/**
 * drey_store_table_get_rows:
 *
 * Returns: (transfer none): the rows shown, filtered and sorted
 *   (#DreySampleRow)
 */
GListModel *
drey_store_table_get_rows (DreyStoreTable *self)
{
  g_return_val_if_fail (DREY_IS_STORE_TABLE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/* Whether rows are still read, filtered or sorted. */
gboolean
drey_store_table_get_loading (DreyStoreTable *self)
{
  g_return_val_if_fail (DREY_IS_STORE_TABLE (self), FALSE);
  return self->rows == NULL || drey_store_rows_get_loading (self->rows) ||
         gtk_filter_list_model_get_pending (self->filtered) > 0 || gtk_sort_list_model_get_pending (self->sorted) > 0;
}

/**
 * drey_store_table_sort_by:
 * @path: a field's path (its column's)
 *
 * Sorts as a click on the column's header does.
 */
void
drey_store_table_sort_by (DreyStoreTable *self,
                          const char     *path,
                          GtkSortType     order)
{
  GtkColumnViewColumn *column;

  g_return_if_fail (DREY_IS_STORE_TABLE (self));

  column = g_hash_table_lookup (self->columns, path);
  gtk_column_view_sort_by_column (self->column_view, column, order);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_table_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (drey_store_table_parent_class)->map (widget);
  ensure_rows (DREY_STORE_TABLE (widget));
}

static void
drey_store_table_dispose (GObject *object)
{
  DreyStoreTable *self = DREY_STORE_TABLE (object);

  drey_store_table_set_document (self, NULL);
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results, self);
  g_clear_object (&self->results);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STORE_TABLE);
  G_OBJECT_CLASS (drey_store_table_parent_class)->dispose (object);
}

static void
drey_store_table_finalize (GObject *object)
{
  DreyStoreTable *self = DREY_STORE_TABLE (object);

  g_hash_table_unref (self->columns);
  G_OBJECT_CLASS (drey_store_table_parent_class)->finalize (object);
}

static void
drey_store_table_class_init (DreyStoreTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_store_table_dispose;
  object_class->finalize = drey_store_table_finalize;
  widget_class->map = drey_store_table_map;

  /**
   * DreyStoreTable::sample-activated:
   * @key: the shard
   * @index: the sample's index in it
   * @path: (nullable): always %NULL (the sample itself)
   */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-store-table.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStoreTable, box);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreTable, columns_note);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreTable, scroller);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreTable, column_view);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_store_table_init (DreyStoreTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filter = gtk_custom_filter_new (row_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_column (self, KEY_COLUMN, _("Key"), FALSE);
  add_column (self, INDEX_COLUMN, _("Index"), TRUE);
}

GtkWidget *
drey_store_table_new (void)
{
  return g_object_new (DREY_TYPE_STORE_TABLE, NULL);
}
