/* drey-row-model.h: the rows 0 .. n-1 of a table, as a list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DREY_TYPE_ROW_MODEL (drey_row_model_get_type ())

G_DECLARE_FINAL_TYPE (DreyRowModel, drey_row_model, DREY, ROW_MODEL, GObject)

DreyRowModel *drey_row_model_new    (guint n_rows);

G_END_DECLS
