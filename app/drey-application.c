/* drey-application.c: the application: windows, app-wide actions
 *
 * `drey [STORE [KEY]]` opens STORE (a path or URI) in a window, with the
 * shard KEY read at once; a shard file `KEY.gz` given alone opens its
 * store at KEY. Without STORE, a window with the welcome page. A second
 * `drey STORE` goes to the running instance and opens another window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-application.h"
#include "drey-window.h"

struct _DreyApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (DreyApplication, drey_application, ADW_TYPE_APPLICATION)

DreyApplication *
drey_application_new (void)
{
  return g_object_new (DREY_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/drey/Drey",
                       NULL);
}

static void
drey_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (drey_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

static void
drey_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  /* Two arguments are a store and a key: a key is a file name in the
   * store, which GApplication made a file of the working directory. */
  if (n_files == 2)
    {
      DreyWindow *window = drey_window_new (ADW_APPLICATION (app));
      g_autofree char *key = g_file_get_basename (files[1]);

      drey_window_open_store_at_key (window, files[0], key);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }
  for (int i = 0; i < n_files; i++)
    {
      DreyWindow *window = drey_window_new (ADW_APPLICATION (app));

      drey_window_open_store (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Drey developers", NULL };
  GtkApplication *app = user_data;

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", "Drey",
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Inspect and edit Squirrel stores: shards of msgpack or JSON Lines samples with numpy arrays"),
                         "developer-name", "The Drey developers",
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/drey",
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window lets a window with unsaved work ask first. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (drey_window_new (ADW_APPLICATION (user_data))));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
  { .name = "new-window", .activate = new_window_action },
};

static void
drey_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };

  G_APPLICATION_CLASS (drey_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window", new_window_accels);
}

static void
drey_application_class_init (DreyApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = drey_application_activate;
  app_class->open = drey_application_open;
  app_class->startup = drey_application_startup;
}

static void
drey_application_init (DreyApplication *self)
{
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[STORE [KEY]]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Inspect and edit Squirrel stores.\n\n"
      "STORE is a store: a folder of shards KEY.gz (a path or a URI).\n"
      "KEY is one of its shards, shown at once: its file name without .gz.\n"
      "A shard file KEY.gz given alone opens its store at KEY.\n"
      "Without STORE, the welcome page offers the recent stores."));
}
