/* drey-store-view.h: the whole store: overview, gallery, table and a filter bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-store-document.h"
#include "drey-store-gallery.h"
#include "drey-store-overview.h"
#include "drey-store-table.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_VIEW (drey_store_view_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreView, drey_store_view, DREY, STORE_VIEW, GtkWidget)

GtkWidget         *drey_store_view_new            (void);
void               drey_store_view_set_document   (DreyStoreView     *self,
                                                   DreyStoreDocument *document);
DreyStoreDocument *drey_store_view_get_document   (DreyStoreView     *self);
DreyStoreOverview *drey_store_view_get_overview   (DreyStoreView     *self);
DreyStoreGallery  *drey_store_view_get_gallery    (DreyStoreView     *self);
DreyStoreTable    *drey_store_view_get_table      (DreyStoreView     *self);
const char        *drey_store_view_get_page       (DreyStoreView     *self);
void               drey_store_view_set_page       (DreyStoreView     *self,
                                                   const char        *page);
void               drey_store_view_run_query      (DreyStoreView     *self,
                                                   const char        *expression);
const char        *drey_store_view_get_query_error (DreyStoreView    *self);
const char        *drey_store_view_get_count_text (DreyStoreView     *self);
void               drey_store_view_set_shard      (DreyStoreView     *self,
                                                   const char        *key);
const char        *drey_store_view_get_shard      (DreyStoreView     *self);

G_END_DECLS
