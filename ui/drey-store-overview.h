/* drey-store-overview.h: the store at a glance: its figures, its schema
 * with presence and drift, and every field's statistics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-store-document.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_OVERVIEW (drey_store_overview_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreOverview, drey_store_overview, DREY, STORE_OVERVIEW, GtkWidget)

GtkWidget *drey_store_overview_new          (void);
void       drey_store_overview_set_document (DreyStoreOverview *self,
                                             DreyStoreDocument *document);
const char *drey_store_overview_get_summary_text (DreyStoreOverview *self);
char       *drey_store_overview_dup_histogram_note (DreyStoreOverview *self,
                                                    const char        *path);
void        drey_store_overview_count_field_rows (DreyStoreOverview *self,
                                                  guint             *n_fields,
                                                  guint             *n_rows);

G_END_DECLS
