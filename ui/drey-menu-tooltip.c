/* drey-menu-tooltip.c: a menu button's tooltip never covers its menu
 *
 * In GTK 4.8 the tooltip of a GtkMenuButton stays up when its menu opens
 * below it, and lies over the menu's first items. While the menu is open
 * the button has no tooltip; it gets it back once the menu closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-menu-tooltip"

#include "config.h"

#include "drey-menu-tooltip.h"

static void
popover_visible_changed (GtkWidget     *popover,
                         GParamSpec    *pspec,
                         GtkWidget     *button)
{
  gboolean open = gtk_widget_get_visible (popover);

  gtk_widget_set_has_tooltip (button, !open);
  /* A tooltip already on screen goes now, not at the next motion. */
  gtk_widget_trigger_tooltip_query (button);
}

/**
 * drey_menu_tooltip_hide_while_open:
 * @button: a menu button with a menu model or a popover, and a tooltip
 */
void
drey_menu_tooltip_hide_while_open (GtkMenuButton *button)
{
  GtkPopover *popover;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  popover = gtk_menu_button_get_popover (button);
  g_return_if_fail (popover != NULL);
  g_signal_connect_object (popover, "notify::visible", G_CALLBACK (popover_visible_changed), button, 0);
}
