/* drey-store-document.h: the whole store as the window sees it: its scan,
 * schema, samples, a query's results and their decoded shards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-field-item.h"
#include "drey-sample-cache.h"
#include "drey-sample-list.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_DOCUMENT (drey_store_document_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreDocument, drey_store_document, DREY, STORE_DOCUMENT, GObject)

DreyStoreDocument *drey_store_document_new              (SqStore           *store);
SqStore           *drey_store_document_get_store        (DreyStoreDocument *self);
void               drey_store_document_set_use_cache    (DreyStoreDocument *self,
                                                         gboolean           use_cache);
void               drey_store_document_scan             (DreyStoreDocument *self);
void               drey_store_document_cancel           (DreyStoreDocument *self);

gboolean           drey_store_document_get_running      (DreyStoreDocument *self);
guint              drey_store_document_get_n_shards     (DreyStoreDocument *self);
guint              drey_store_document_get_n_shards_done (DreyStoreDocument *self);
guint              drey_store_document_get_n_failed     (DreyStoreDocument *self);
guint64            drey_store_document_get_n_samples    (DreyStoreDocument *self);
guint64            drey_store_document_get_bytes_total  (DreyStoreDocument *self);
guint64            drey_store_document_get_bytes_done   (DreyStoreDocument *self);
const GError      *drey_store_document_get_error        (DreyStoreDocument *self);
GPtrArray         *drey_store_document_dup_failed_shards (DreyStoreDocument *self);

SqSchema          *drey_store_document_get_schema       (DreyStoreDocument *self);
GListModel        *drey_store_document_get_fields       (DreyStoreDocument *self);
DreyFieldItem     *drey_store_document_lookup_field     (DreyStoreDocument *self,
                                                         const char        *path);
DreyFieldItem     *drey_store_document_get_default_image_field (DreyStoreDocument *self);
DreyFieldItem     *drey_store_document_get_default_caption_field (DreyStoreDocument *self);
DreySampleList    *drey_store_document_get_samples      (DreyStoreDocument *self);
DreySampleCache   *drey_store_document_get_cache        (DreyStoreDocument *self);

gboolean           drey_store_document_set_query        (DreyStoreDocument *self,
                                                         const char        *expression,
                                                         guint             *error_position,
                                                         GError           **error);
const char        *drey_store_document_get_query        (DreyStoreDocument *self);
DreySampleList    *drey_store_document_get_results      (DreyStoreDocument *self);
gboolean           drey_store_document_get_query_running (DreyStoreDocument *self);
guint64            drey_store_document_get_n_matches    (DreyStoreDocument *self);

SqValue           *drey_value_lookup_path               (SqValue           *sample,
                                                         const char        *path);

G_END_DECLS
