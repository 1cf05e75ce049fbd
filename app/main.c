/* main.c: the drey window's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey"

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "drey-application.h"

/* Whether this is the drey in the build tree (not an installed copy):
 * its executable lives in BUILD_APPDIR. Linux only (/proc/self/exe);
 * elsewhere it counts as installed. */
static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = NULL;
  g_autofree char *real_exe_dir = NULL;
  g_autofree char *real_build_dir = NULL;

  if (exe == NULL)
    return FALSE;
  exe_dir = g_path_get_dirname (exe);
  real_exe_dir = realpath (exe_dir, NULL);
  real_build_dir = realpath (BUILD_APPDIR, NULL);
  return real_exe_dir != NULL && real_build_dir != NULL && g_str_equal (real_exe_dir, real_build_dir);
}

/* Adds @dir to GSETTINGS_SCHEMA_DIR, after any directories the
 * environment names, so that a schema the developer points at still
 * wins. */
static void
append_schema_dir (const char *dir)
{
  const char *env = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *value = NULL;

  if (env != NULL && *env != '\0')
    value = g_strconcat (env, G_SEARCHPATH_SEPARATOR_S, dir, NULL);
  else
    value = g_strdup (dir);
  g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
}

/* GLib finds compiled schemas only under the system's data directories
 * (XDG_DATA_DIRS) and GSETTINGS_SCHEMA_DIR, and the window's GSettings
 * aborts without its schema. Two cases where its schema is where GLib
 * does not look: the drey of the build tree run by hand, outside
 * `meson devenv` (its schema is compiled in the build tree, and is the
 * one that matches this binary, whatever an older install left), and an
 * install into another prefix (/opt/drey, a prefix in /tmp). Before
 * anything reads settings, and before any thread starts. */
static void
add_schema_dir (void)
{
  g_autofree char *build_compiled = g_build_filename (BUILD_SCHEMADIR, "gschemas.compiled", NULL);
  g_autofree char *compiled = g_build_filename (GSETTINGS_SCHEMADIR, "gschemas.compiled", NULL);
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "glib-2.0", "schemas", NULL);
  const char *const *data_dirs = g_get_system_data_dirs ();

  if (running_from_build_tree ())
    {
      if (g_file_test (build_compiled, G_FILE_TEST_IS_REGULAR))
        append_schema_dir (BUILD_SCHEMADIR);
      return;
    }

  if (!g_file_test (compiled, G_FILE_TEST_IS_REGULAR) || g_str_equal (user_dir, GSETTINGS_SCHEMADIR))
    return;
  for (; *data_dirs != NULL; data_dirs++)
    {
      g_autofree char *dir = g_build_filename (*data_dirs, "glib-2.0", "schemas", NULL);

      if (g_str_equal (dir, GSETTINGS_SCHEMADIR))
        return;
    }
  append_schema_dir (GSETTINGS_SCHEMADIR);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DreyApplication) app = NULL;

  setlocale (LC_ALL, "");
  add_schema_dir ();
  app = drey_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
