/* drey-values-table.h: every value of an array's 2-D slice, scrolling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-slice.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_VALUES_TABLE (drey_values_table_get_type ())

G_DECLARE_FINAL_TYPE (DreyValuesTable, drey_values_table, DREY, VALUES_TABLE, GtkWidget)

/* The most columns shown at once; a wider slice pages through them. */
#define DREY_VALUES_TABLE_MAX_COLUMNS 32

GtkWidget *drey_values_table_new              (void);
void       drey_values_table_set_array        (DreyValuesTable *self,
                                               SqNdarray       *array,
                                               const DreySlice *slice);
guint      drey_values_table_get_n_rows       (DreyValuesTable *self);
guint      drey_values_table_get_n_columns    (DreyValuesTable *self);
void       drey_values_table_set_first_column (DreyValuesTable *self,
                                               guint64          column);
guint64    drey_values_table_get_first_column (DreyValuesTable *self);
char      *drey_values_table_get_text         (DreyValuesTable *self,
                                               guint64          row,
                                               guint            column);
GtkColumnView *drey_values_table_get_column_view (DreyValuesTable *self);

G_END_DECLS
