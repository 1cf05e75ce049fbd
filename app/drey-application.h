/* drey-application.h: the application: windows, app-wide actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DREY_TYPE_APPLICATION (drey_application_get_type ())

G_DECLARE_FINAL_TYPE (DreyApplication, drey_application, DREY, APPLICATION, AdwApplication)

DreyApplication *drey_application_new (void);

G_END_DECLS
