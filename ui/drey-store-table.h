/* drey-store-table.h: one row per sample across the store, sortable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-store-document.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_TABLE (drey_store_table_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreTable, drey_store_table, DREY, STORE_TABLE, GtkWidget)

GtkWidget     *drey_store_table_new          (void);
void           drey_store_table_set_document (DreyStoreTable    *self,
                                              DreyStoreDocument *document);
GtkColumnView *drey_store_table_get_column_view (DreyStoreTable *self);
GListModel    *drey_store_table_get_rows     (DreyStoreTable    *self);
gboolean       drey_store_table_get_loading  (DreyStoreTable    *self);
guint          drey_store_table_get_n_field_columns (DreyStoreTable *self);
const char    *drey_store_table_get_columns_note (DreyStoreTable *self);
void           drey_store_table_set_shard    (DreyStoreTable    *self,
                                              const char        *key);
void           drey_store_table_sort_by      (DreyStoreTable    *self,
                                              const char        *path,
                                              GtkSortType        order);

G_END_DECLS
