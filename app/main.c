/* main.c: the drey window's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey"

#include "config.h"

#include <locale.h>

#include "drey-application.h"

/* GLib finds compiled schemas only under the system's data directories
 * (XDG_DATA_DIRS) and GSETTINGS_SCHEMA_DIR, and the window's GSettings
 * aborts without its schema. An install into another prefix (/opt/drey,
 * a prefix in /tmp) has its schema where GLib does not look: add that
 * directory, after any the environment names, so that a schema the
 * developer points at (the build tree's) still wins. Before anything
 * reads settings, and before any thread starts. */
static void
add_installed_schema_dir (void)
{
  g_autofree char *compiled = g_build_filename (GSETTINGS_SCHEMADIR, "gschemas.compiled", NULL);
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "glib-2.0", "schemas", NULL);
  const char *const *data_dirs = g_get_system_data_dirs ();
  const char *env = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *value = NULL;

  if (!g_file_test (compiled, G_FILE_TEST_IS_REGULAR) || g_str_equal (user_dir, GSETTINGS_SCHEMADIR))
    return;
  for (; *data_dirs != NULL; data_dirs++)
    {
      g_autofree char *dir = g_build_filename (*data_dirs, "glib-2.0", "schemas", NULL);

      if (g_str_equal (dir, GSETTINGS_SCHEMADIR))
        return;
    }

  if (env != NULL && *env != '\0')
    value = g_strconcat (env, G_SEARCHPATH_SEPARATOR_S, GSETTINGS_SCHEMADIR, NULL);
  else
    value = g_strdup (GSETTINGS_SCHEMADIR);
  g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DreyApplication) app = NULL;

  setlocale (LC_ALL, "");
  add_installed_schema_dir ();
  app = drey_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
