/* main.c: the drey window's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey"

#include "config.h"

#include <locale.h>

#include "drey-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DreyApplication) app = NULL;

  setlocale (LC_ALL, "");
  app = drey_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
