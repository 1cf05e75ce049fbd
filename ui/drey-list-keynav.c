/* drey-list-keynav.c: Tab leaves a list view instead of walking its rows
 *
 * In GTK 4.8 Tab moves from row to row of a GtkListView or GtkColumnView
 * (4.12 added "tab-behavior" for this), so with 100,000 keys the sample
 * pane is 100,000 presses away. Arrows move between rows; Tab and
 * Shift+Tab go to the widget before or after the list, as in any GNOME
 * app's sidebar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-list-keynav"

#include "config.h"

#include "drey-list-keynav.h"

static gboolean
key_pressed (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (list));
  GtkDirectionType direction;
  gboolean moved;

  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = (state & GDK_SHIFT_MASK) ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;
  else if (keyval == GDK_KEY_ISO_Left_Tab)
    direction = GTK_DIR_TAB_BACKWARD;
  else
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return FALSE;

  /* With the list out of the focus chain for a moment, the window's
   * focus moves on from the row to what comes before or after the list. */
  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (root, direction);
  gtk_widget_set_can_focus (list, TRUE);
  return moved;
}

/**
 * drey_list_keynav_tab_leaves:
 * @list: a GtkListView or GtkColumnView
 *
 * Makes Tab and Shift+Tab leave @list rather than move between its rows.
 */
void
drey_list_keynav_tab_leaves (GtkWidget *list)
{
  GtkEventController *controller = gtk_event_controller_key_new ();

  g_return_if_fail (GTK_IS_WIDGET (list));

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed), NULL);
  gtk_widget_add_controller (list, controller);
}
