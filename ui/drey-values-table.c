/* drey-values-table.c: every value of an array's 2-D slice, scrolling
 *
 * A GtkColumnView over DreyRowModel: rows are made as they scroll into
 * view and each cell formats its one element when bound, so a slice of a
 * million rows costs what the visible ones do. A slice wider than
 * DREY_VALUES_TABLE_MAX_COLUMNS shows that many at a time, from a first
 * column the spin button picks. A vector is one column of all its values;
 * a 0-d array, its one value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-values-table"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-format-private.h"
#include "drey-row-item.h"
#include "drey-row-model.h"
#include "drey-values-table.h"

#define CELL_MAX_CHARS 16

struct _DreyValuesTable
{
  GtkWidget      parent_instance;

  /* template */
  GtkWidget     *columns_box;
  GtkSpinButton *first_column_spin;
  GtkAdjustment *first_column_adjustment;
  GtkLabel      *columns_label;
  GtkColumnView *column_view;

  SqNdarray     *array;
  DreySlice      slice;
  gboolean       matrix;       /* 2-D or more: the slice; else a vector */
  guint64        n_rows;
  guint64        n_columns;
  guint64        first_column;
  int            cell_chars;   /* the width of the widest value sampled */
};

G_DEFINE_FINAL_TYPE (DreyValuesTable, drey_values_table, GTK_TYPE_WIDGET)

static guint64
element_index (DreyValuesTable *self,
               guint64          row,
               guint64          column)
{
  if (!self->matrix)
    return row;
  return drey_slice_element_index (&self->slice, self->array, row, column);
}

/**
 * drey_values_table_get_text:
 * @row: a row of the slice
 * @column: a column of the slice (not of the columns shown)
 *
 * Returns: (transfer full): the element as its cell shows it
 */
char *
drey_values_table_get_text (DreyValuesTable *self,
                            guint64          row,
                            guint            column)
{
  g_return_val_if_fail (DREY_IS_VALUES_TABLE (self), NULL);
  g_return_val_if_fail (self->array != NULL && row < self->n_rows && column < self->n_columns, NULL);

  return sq_ndarray_format_element (self->array, element_index (self, row, column));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_label_set_width_chars (GTK_LABEL (label), DREY_VALUES_TABLE (user_data)->cell_chars);
  gtk_label_set_max_width_chars (GTK_LABEL (label), CELL_MAX_CHARS);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  DreyValuesTable *self = DREY_VALUES_TABLE (user_data);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  DreyRowItem *row = gtk_list_item_get_item (item);
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  g_autofree char *text = NULL;

  if (self->array == NULL || row == NULL)
    return;
  if (column < 0)
    {
      text = _drey_format_count (drey_row_item_get_index (row));
      gtk_label_set_label (label, text);
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
      return;
    }
  text = drey_values_table_get_text (self, drey_row_item_get_index (row), (guint) (self->first_column + column));
  gtk_label_set_label (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), g_utf8_strlen (text, -1) > CELL_MAX_CHARS ? text : NULL);
}

static void
add_column (DreyValuesTable *self,
            const char      *title,
            int              column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

static void
rebuild (DreyValuesTable *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  guint shown;
  g_autoptr(DreyRowModel) rows = NULL;
  GtkNoSelection *selection;

  gtk_column_view_set_model (self->column_view, NULL);
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
  if (self->array == NULL)
    return;

  shown = (guint) MIN (self->n_columns - self->first_column, DREY_VALUES_TABLE_MAX_COLUMNS);
  /* Columns as wide as the widest of the first rows' values, so numbers
   * are not cut while they scroll. */
  self->cell_chars = 3;
  for (guint64 r = 0; r < MIN (self->n_rows, 8); r++)
    for (guint c = 0; c < shown; c++)
      {
        g_autofree char *text = drey_values_table_get_text (self, r, (guint) (self->first_column + c));

        self->cell_chars = MAX (self->cell_chars, (int) g_utf8_strlen (text, -1));
      }
  self->cell_chars = MIN (self->cell_chars, CELL_MAX_CHARS);
  add_column (self, "", -1);
  for (guint c = 0; c < shown; c++)
    {
      g_autofree char *title = self->matrix ? g_strdup_printf ("%" G_GUINT64_FORMAT, self->first_column + c)
                                            : g_strdup (_("Value"));

      add_column (self, title, (int) c);
    }

  /* A list model counts in guint: more rows than that are out of reach. */
  rows = drey_row_model_new ((guint) MIN (self->n_rows, G_MAXUINT));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  if (self->n_columns > DREY_VALUES_TABLE_MAX_COLUMNS)
    {
      g_autofree char *total = _drey_format_count (self->n_columns);
      g_autofree char *text = g_strdup_printf (_("to %" G_GUINT64_FORMAT " of %s"),
                                               self->first_column + shown - 1, total);

      gtk_label_set_label (self->columns_label, text);
    }
}

static void
first_column_changed (DreyValuesTable *self)
{
  guint64 column = (guint64) gtk_adjustment_get_value (self->first_column_adjustment);

  if (column == self->first_column)
    return;
  self->first_column = column;
  rebuild (self);
}

GtkWidget *
drey_values_table_new (void)
{
  return g_object_new (DREY_TYPE_VALUES_TABLE, NULL);
}

/**
 * drey_values_table_set_array:
 * @array: (nullable): the array
 * @slice: (nullable): the slice of it to show, for arrays of 2 dimensions
 *   or more (%NULL: the last two axes at index 0)
 *
 * Shows every value of the slice (or of a vector), scrolled to the top.
 */
void
drey_values_table_set_array (DreyValuesTable *self,
                             SqNdarray       *array,
                             const DreySlice *slice)
{
  g_return_if_fail (DREY_IS_VALUES_TABLE (self));

  if (array != NULL)
    sq_ndarray_ref (array);
  g_clear_pointer (&self->array, sq_ndarray_unref);
  self->array = array;
  self->first_column = 0;
  self->n_rows = self->n_columns = 0;
  if (array != NULL)
    {
      self->matrix = sq_ndarray_get_ndim (array) >= 2;
      if (self->matrix)
        {
          if (slice != NULL)
            self->slice = *slice;
          else
            drey_slice_init (&self->slice, array);
          self->n_rows = drey_slice_get_rows (&self->slice, array);
          self->n_columns = drey_slice_get_columns (&self->slice, array);
        }
      else
        {
          self->n_rows = sq_ndarray_get_ndim (array) == 0 ? 1 : sq_ndarray_get_n_elements (array);
          self->n_columns = 1;
        }
    }
  g_signal_handlers_block_by_func (self->first_column_adjustment, first_column_changed, self);
  gtk_adjustment_configure (self->first_column_adjustment, 0, 0,
                            self->n_columns > DREY_VALUES_TABLE_MAX_COLUMNS ? self->n_columns - 1 : 0,
                            1, DREY_VALUES_TABLE_MAX_COLUMNS, 0);
  g_signal_handlers_unblock_by_func (self->first_column_adjustment, first_column_changed, self);
  gtk_widget_set_visible (self->columns_box, self->n_columns > DREY_VALUES_TABLE_MAX_COLUMNS);
  rebuild (self);
}

/**
 * drey_values_table_get_n_rows:
 *
 * Returns: the rows the table scrolls through
 */
guint
drey_values_table_get_n_rows (DreyValuesTable *self)
{
  GtkSelectionModel *model;

  g_return_val_if_fail (DREY_IS_VALUES_TABLE (self), 0);

  model = gtk_column_view_get_model (self->column_view);
  return model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
}

/**
 * drey_values_table_get_n_columns:
 *
 * Returns: the columns of values shown (without the row numbers)
 */
guint
drey_values_table_get_n_columns (DreyValuesTable *self)
{
  guint n;

  g_return_val_if_fail (DREY_IS_VALUES_TABLE (self), 0);

  n = g_list_model_get_n_items (gtk_column_view_get_columns (self->column_view));
  return n > 0 ? n - 1 : 0;
}

/**
 * drey_values_table_set_first_column:
 * @column: the slice's column shown first (for slices wider than the table)
 */
void
drey_values_table_set_first_column (DreyValuesTable *self,
                                    guint64          column)
{
  g_return_if_fail (DREY_IS_VALUES_TABLE (self));

  gtk_adjustment_set_value (self->first_column_adjustment, (double) column);
}

guint64
drey_values_table_get_first_column (DreyValuesTable *self)
{
  g_return_val_if_fail (DREY_IS_VALUES_TABLE (self), 0);

  return self->first_column;
}

/**
 * drey_values_table_get_column_view:
 *
 * Returns: (transfer none): the column view
 */
GtkColumnView *
drey_values_table_get_column_view (DreyValuesTable *self)
{
  g_return_val_if_fail (DREY_IS_VALUES_TABLE (self), NULL);

  return self->column_view;
}

static void
drey_values_table_dispose (GObject *object)
{
  DreyValuesTable *self = DREY_VALUES_TABLE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_VALUES_TABLE);
  /* The template's root box is not bound: unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->array, sq_ndarray_unref);
  G_OBJECT_CLASS (drey_values_table_parent_class)->dispose (object);
}

static void
drey_values_table_class_init (DreyValuesTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_values_table_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-values-table.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyValuesTable, columns_box);
  gtk_widget_class_bind_template_child (widget_class, DreyValuesTable, first_column_spin);
  gtk_widget_class_bind_template_child (widget_class, DreyValuesTable, first_column_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DreyValuesTable, columns_label);
  gtk_widget_class_bind_template_child (widget_class, DreyValuesTable, column_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "values-table");
}

static void
drey_values_table_init (DreyValuesTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->first_column_adjustment, "value-changed",
                            G_CALLBACK (first_column_changed), self);
}
