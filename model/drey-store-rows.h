/* drey-store-rows.h: every sample of a store as a table row, read shard
 * after shard on a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-sample-list.h"
#include "drey-sample-row.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_ROWS (drey_store_rows_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreRows, drey_store_rows, DREY, STORE_ROWS, GObject)

DreyStoreRows *drey_store_rows_new         (SqStore        *store,
                                            DreySampleList *samples);
gboolean       drey_store_rows_get_loading (DreyStoreRows  *self);

G_END_DECLS
