/* drey-field-row.h: one field of the store overview's schema: its path,
 * what it holds and how many samples hold it, its drifts, and, expanded,
 * its statistics and histogram
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-field-item.h"

G_BEGIN_DECLS

#define DREY_TYPE_FIELD_ROW (drey_field_row_get_type ())

G_DECLARE_FINAL_TYPE (DreyFieldRow, drey_field_row, DREY, FIELD_ROW, GtkWidget)

GtkWidget     *drey_field_row_new                (void);
void           drey_field_row_set_item           (DreyFieldRow  *self,
                                                  DreyFieldItem *item);
DreyFieldItem *drey_field_row_get_item           (DreyFieldRow  *self);
void           drey_field_row_set_expanded       (DreyFieldRow  *self,
                                                  gboolean       expanded);
gboolean       drey_field_row_get_expanded       (DreyFieldRow  *self);
void           drey_field_row_set_ends           (DreyFieldRow  *self,
                                                  gboolean       first,
                                                  gboolean       last);
char          *drey_field_row_dup_histogram_note (DreyFieldRow  *self);
const char    *drey_field_row_get_title_text     (DreyFieldRow  *self);
const char    *drey_field_row_get_subtitle_text  (DreyFieldRow  *self);

G_END_DECLS
