/* drey-sample-cell.h: a cell of the sample tree: a label, or an editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_CELL (drey_sample_cell_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleCell, drey_sample_cell, DREY, SAMPLE_CELL, GtkWidget)

GtkWidget  *drey_sample_cell_new           (gboolean        is_name);
gboolean    drey_sample_cell_get_is_name   (DreySampleCell *self);
GtkLabel   *drey_sample_cell_get_label     (DreySampleCell *self);
GtkWidget  *drey_sample_cell_get_editor    (DreySampleCell *self);
void        drey_sample_cell_set_text      (DreySampleCell *self,
                                            const char     *text,
                                            const char     *edit_text);
void        drey_sample_cell_set_value_tooltip (DreySampleCell *self,
                                                SqValue        *value);
void        drey_sample_cell_set_editable  (DreySampleCell *self,
                                            gboolean        editable);
gboolean    drey_sample_cell_get_editable  (DreySampleCell *self);
void        drey_sample_cell_set_edited    (DreySampleCell *self,
                                            gboolean        edited);
gboolean    drey_sample_cell_get_editing   (DreySampleCell *self);
gboolean    drey_sample_cell_start_editing (DreySampleCell *self);
void        drey_sample_cell_stop_editing  (DreySampleCell *self);
const char *drey_sample_cell_get_edit_text (DreySampleCell *self);
void        drey_sample_cell_show_problem  (DreySampleCell *self,
                                            const char     *problem);

G_END_DECLS
