/* drey-array-panel.h: what the selected array holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-boxes.h"
#include "drey-colormap.h"
#include "drey-image-view.h"
#include "drey-line-plot.h"
#include "drey-sample-node.h"
#include "drey-string-view.h"
#include "drey-values-table.h"

G_BEGIN_DECLS

#define DREY_TYPE_ARRAY_PANEL (drey_array_panel_get_type ())

G_DECLARE_FINAL_TYPE (DreyArrayPanel, drey_array_panel, DREY, ARRAY_PANEL, GtkWidget)

GtkWidget       *drey_array_panel_new               (void);
void             drey_array_panel_set_node          (DreyArrayPanel *self,
                                                     DreySampleNode *node,
                                                     const char     *title);
gboolean         drey_array_panel_shows_string      (SqValue        *value);
SqNdarray       *drey_array_panel_get_array         (DreyArrayPanel *self);
const SqSummary *drey_array_panel_get_summary       (DreyArrayPanel *self);
gboolean         drey_array_panel_get_busy          (DreyArrayPanel *self);
gboolean         drey_array_panel_has_image         (DreyArrayPanel *self);

DreyImageView   *drey_array_panel_get_image_view    (DreyArrayPanel *self);
DreyImageView   *drey_array_panel_get_pinned_view   (DreyArrayPanel *self);
DreyLinePlot    *drey_array_panel_get_line_plot     (DreyArrayPanel *self);
DreyValuesTable *drey_array_panel_get_values_table  (DreyArrayPanel *self);
DreyStringView  *drey_array_panel_get_string_view   (DreyArrayPanel *self);
GArray          *drey_array_panel_get_classes       (DreyArrayPanel *self);
const char      *drey_array_panel_get_caption       (DreyArrayPanel *self);
guint            drey_array_panel_get_n_slice_axes  (DreyArrayPanel *self);
void             drey_array_panel_set_slice_index   (DreyArrayPanel *self,
                                                     guint           axis,
                                                     guint64         index);
gboolean         drey_array_panel_get_slice_axes    (DreyArrayPanel *self,
                                                     guint          *rows,
                                                     guint          *columns);
void             drey_array_panel_set_slice_axes    (DreyArrayPanel *self,
                                                     guint           rows,
                                                     guint           columns);
void             drey_array_panel_set_unnormalize   (DreyArrayPanel *self,
                                                     gboolean        unnormalize);
void             drey_array_panel_set_classes       (DreyArrayPanel *self,
                                                     gboolean        classes);
void             drey_array_panel_set_overlay       (DreyArrayPanel *self,
                                                     gboolean        overlay);
void             drey_array_panel_set_colormap      (DreyArrayPanel *self,
                                                     DreyColormap    colormap);
void             drey_array_panel_set_range         (DreyArrayPanel *self,
                                                     double          lo,
                                                     double          hi);
void             drey_array_panel_set_box_format    (DreyArrayPanel *self,
                                                     DreyBoxFormat   format,
                                                     gboolean        normalized);
void             drey_array_panel_set_pinned        (DreyArrayPanel *self,
                                                     gboolean        pinned);

G_END_DECLS
