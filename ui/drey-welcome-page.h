/* drey-welcome-page.h: what a window shows before a store is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DREY_TYPE_WELCOME_PAGE (drey_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (DreyWelcomePage, drey_welcome_page, DREY, WELCOME_PAGE, GtkWidget)

GtkWidget *drey_welcome_page_new            (void);
void       drey_welcome_page_reload_recent  (DreyWelcomePage *self);
GFile     *drey_welcome_page_get_example_store (void);

G_END_DECLS
