/* drey-menu-tooltip.h: a menu button's tooltip never covers its menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void drey_menu_tooltip_hide_while_open (GtkMenuButton *button);

G_END_DECLS
