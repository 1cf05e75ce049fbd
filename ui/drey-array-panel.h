/* drey-array-panel.h: what the selected array holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-sample-node.h"

G_BEGIN_DECLS

#define DREY_TYPE_ARRAY_PANEL (drey_array_panel_get_type ())

G_DECLARE_FINAL_TYPE (DreyArrayPanel, drey_array_panel, DREY, ARRAY_PANEL, GtkWidget)

GtkWidget       *drey_array_panel_new         (void);
void             drey_array_panel_set_node    (DreyArrayPanel *self,
                                               DreySampleNode *node,
                                               const char     *title);
SqNdarray       *drey_array_panel_get_array   (DreyArrayPanel *self);
const SqSummary *drey_array_panel_get_summary (DreyArrayPanel *self);
gboolean         drey_array_panel_get_busy    (DreyArrayPanel *self);
gboolean         drey_array_panel_has_image   (DreyArrayPanel *self);

G_END_DECLS
