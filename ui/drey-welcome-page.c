/* drey-welcome-page.c: what a window shows before a store is open
 *
 * Open Store, the bundled example store, and the stores opened lately
 * (GtkRecentManager entries Drey added; missing folders are left out).
 * Rows activate `win.open-uri` with the store's URI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-welcome-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-welcome-page.h"

#define MAX_RECENT 6

struct _DreyWelcomePage
{
  GtkWidget   parent_instance;

  GtkWidget  *status_page;
  GtkWidget  *recent_box;
  GtkListBox *recent_list;
  GCancellable *cancellable; /* the recent stores' existence checks */
};

G_DEFINE_FINAL_TYPE (DreyWelcomePage, drey_welcome_page, GTK_TYPE_WIDGET)

GtkWidget *
drey_welcome_page_new (void)
{
  return g_object_new (DREY_TYPE_WELCOME_PAGE, NULL);
}

/**
 * drey_welcome_page_get_example_store:
 *
 * Returns: (transfer full) (nullable): the bundled example store: from the
 *   source tree when Drey runs from its build directory, else installed
 */
GFile *
drey_welcome_page_get_example_store (void)
{
  const char *env = g_getenv ("DREY_EXAMPLE_STORE");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "example-stores", "digits-and-photos", NULL);
  g_autofree char *source = g_build_filename (SOURCE_DATADIR, "example-stores", "digits-and-photos", NULL);

  if (env != NULL && *env != '\0')
    return g_file_new_for_commandline_arg (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (installed);
  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (source);
  return NULL;
}

/* A recent store that is gone: its row goes. Asked on a worker, since a
 * store on a network mount can take long to answer, or never. */
static void
recent_checked (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWidget) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);
  GtkWidget *list = gtk_widget_get_parent (row);
  GtkWidget *box;

  if (info != NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) || list == NULL)
    return;
  box = gtk_widget_get_ancestor (list, DREY_TYPE_WELCOME_PAGE);
  gtk_list_box_remove (GTK_LIST_BOX (list), row);
  if (box != NULL && gtk_widget_get_first_child (list) == NULL)
    gtk_widget_set_visible (DREY_WELCOME_PAGE (box)->recent_box, FALSE);
}

static int
compare_visited (gconstpointer a,
                 gconstpointer b)
{
  GDateTime *da = gtk_recent_info_get_visited (*(GtkRecentInfo **) a);
  GDateTime *db = gtk_recent_info_get_visited (*(GtkRecentInfo **) b);

  return g_date_time_compare (db, da);
}

void
drey_welcome_page_reload_recent (DreyWelcomePage *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_recent_info_unref);
  GtkWidget *child;
  guint shown = 0;

  g_return_if_fail (DREY_IS_WELCOME_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, "Drey"))
      g_ptr_array_add (mine, l->data);
    else
      gtk_recent_info_unref (l->data);
  g_list_free (items);
  g_ptr_array_sort (mine, compare_visited);

  for (guint i = 0; i < mine->len && shown < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (mine, i);
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GFile) file = g_file_new_for_uri (uri);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *path = g_file_get_parse_name (file);
      GtkWidget *row;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), path);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-uri");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", uri);
      gtk_list_box_append (self->recent_list, row);
      if (g_file_is_native (file))
        g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                                 G_PRIORITY_LOW, self->cancellable, recent_checked, g_object_ref (row));
      shown++;
    }
  gtk_widget_set_visible (self->recent_box, shown > 0);
}

static void
drey_welcome_page_dispose (GObject *object)
{
  DreyWelcomePage *self = DREY_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), DREY_TYPE_WELCOME_PAGE);
  G_OBJECT_CLASS (drey_welcome_page_parent_class)->dispose (object);
}

static void
drey_welcome_page_class_init (DreyWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_welcome_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, DreyWelcomePage, recent_box);
  gtk_widget_class_bind_template_child (widget_class, DreyWelcomePage, recent_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_welcome_page_init (DreyWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  drey_welcome_page_reload_recent (self);
}
