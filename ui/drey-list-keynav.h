/* drey-list-keynav.h: Tab leaves a list view instead of walking its rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void drey_list_keynav_tab_leaves (GtkWidget *list);

G_END_DECLS
