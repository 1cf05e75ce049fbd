/* drey-window.c: a window on one store
 *
 * Before a store is open the window shows the welcome page. Opening one
 * checks the folder on a worker, then hands the store to the key list
 * (left) and the sample view (right); picking a key loads its shard.
 * Every store opened goes to the recent files, for the welcome page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-key-list.h"
#include "drey-sample-view.h"
#include "drey-welcome-page.h"
#include "drey-window.h"

struct _DreyWindow
{
  AdwApplicationWindow parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *reload_button;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  DreyWelcomePage     *welcome_page;
  DreyKeyList         *key_list;
  DreySampleView      *sample_view;
  AdwStatusPage       *store_error_page;

  GSettings           *settings;
  SqStore             *store;
  GCancellable        *open_cancellable;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (DreyWindow, drey_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DreyWindow *
drey_window_new (AdwApplication *application)
{
  return g_object_new (DREY_TYPE_WINDOW, "application", application, NULL);
}

SqStore *
drey_window_get_store (DreyWindow *self)
{
  g_return_val_if_fail (DREY_IS_WINDOW (self), NULL);
  return self->store;
}

static void
show_store_error (DreyWindow *self,
                  const char *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  adw_status_page_set_description (self->store_error_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "store-error");
}

static void
set_store (DreyWindow *self,
           SqStore    *store)
{
  if (!g_set_object (&self->store, store))
    return;

  if (store != NULL)
    {
      GFile *location = sq_store_get_location (store);
      g_autofree char *basename = g_file_get_basename (location);
      g_autofree char *path = g_file_get_parse_name (location);
      g_autofree char *name = basename != NULL && strcmp (basename, "/") != 0
                              ? g_steal_pointer (&basename) : sq_store_get_display_name (store);

      adw_window_title_set_title (self->window_title, name);
      adw_window_title_set_subtitle (self->window_title, path);
      gtk_window_set_title (GTK_WINDOW (self), name);
    }
  else
    {
      adw_window_title_set_title (self->window_title, "Drey");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Drey");
    }
  drey_sample_view_set_store (self->sample_view, store);
  drey_key_list_set_store (self->key_list, store);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", store != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
remember_store (GFile *location)
{
  g_autofree char *uri = g_file_get_uri (location);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *) "inode/directory",
    .app_name = (char *) "Drey",
    .app_exec = (char *) "drey %u",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
query_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DreyWindow) self = user_data;
  GFile *location = G_FILE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (location, result, &error);
  g_autofree char *path = g_file_get_parse_name (location);
  g_autoptr(SqStore) store = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->open_cancellable);

  if (info == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        message = g_strdup_printf (_("There is no folder at %s."), path);
      else
        message = g_strdup_printf (_("%s cannot be read: %s"), path, error->message);
      set_store (self, NULL);
      show_store_error (self, message);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *message = g_strdup_printf (_("%s is a file, not a store. A store is a folder of KEY.gz shards."), path);

      set_store (self, NULL);
      show_store_error (self, message);
      return;
    }

  store = sq_store_new (location);
  set_store (self, store);
  gtk_stack_set_visible_child_name (self->stack, "store");
  remember_store (location);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_list));
}

/**
 * drey_window_open_store:
 * @location: the store's folder (a path or any GIO location)
 *
 * Opens the store at @location; a folder that is missing or unreadable is
 * said so in the window.
 */
void
drey_window_open_store (DreyWindow *self,
                        GFile      *location)
{
  g_return_if_fail (DREY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (location));

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  g_file_query_info_async (location, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->open_cancellable, query_done, g_object_ref (self));
}

/* ---- wiring between the panes ----------------------------------------- */

static void
selected_key_changed (DreyWindow *self)
{
  const char *key = drey_key_list_get_selected_key (self->key_list);

  if (key != NULL && g_strcmp0 (key, drey_sample_view_get_key (self->sample_view)) == 0 &&
      !g_str_equal (drey_sample_view_get_state (self->sample_view), "empty"))
    return;
  drey_sample_view_load (self->sample_view, key);
}

static void
samples_loaded (DreyWindow *self,
                const char *key,
                guint       n_samples)
{
  drey_key_list_set_sample_count (self->key_list, key, n_samples);
}

static void
key_list_error_changed (DreyWindow *self)
{
  const GError *error = drey_key_list_get_error (self->key_list);

  if (error != NULL)
    show_store_error (self, error->message);
}

/* ---- actions ------------------------------------------------------------ */

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  DreyWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        drey_window_open_store (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Store"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->store != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (sq_store_get_location (self->store));

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_example_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autoptr(GFile) example = drey_welcome_page_get_example_store ();

  if (example == NULL)
    {
      adw_toast_overlay_add_toast (DREY_WINDOW (widget)->toast_overlay,
                                   adw_toast_new (_("The example store is not installed")));
      return;
    }
  drey_window_open_store (DREY_WINDOW (widget), example);
}

static void
open_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  drey_window_open_store (DREY_WINDOW (widget), file);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  g_autofree char *key = NULL;

  if (self->store == NULL)
    return;
  key = g_strdup (drey_sample_view_get_key (self->sample_view));
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "store-error"))
    {
      g_autoptr(GFile) location = g_object_ref (sq_store_get_location (self->store));

      drey_window_open_store (self, location);
      return;
    }
  drey_key_list_reload (self->key_list);
  drey_sample_view_load (self->sample_view, key);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  if (self->store != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "store"))
    drey_key_list_focus_search (self->key_list);
}

/* ---- drag and drop ------------------------------------------------------ */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DreyWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  drey_window_open_store (self, files->data);
  g_slist_free (files);
  return TRUE;
}

/* ---- window state ------------------------------------------------------- */

static gboolean
drey_window_close_request (GtkWindow *window)
{
  DreyWindow *self = DREY_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (drey_window_parent_class)->close_request (window);
}

static void
drey_window_dispose (GObject *object)
{
  DreyWindow *self = DREY_WINDOW (object);

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (drey_window_parent_class)->dispose (object);
}

static void
drey_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DreyWindow *self = DREY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_window_class_init (DreyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = drey_window_dispose;
  object_class->get_property = drey_window_get_property;
  window_class->close_request = drey_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DREY_TYPE_WELCOME_PAGE);
  g_type_ensure (DREY_TYPE_KEY_LIST);
  g_type_ensure (DREY_TYPE_SAMPLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, reload_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, key_list);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, sample_view);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, store_error_page);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", NULL, open_example_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  /* A bubbling binding: a text entry with the focus types the slash. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_slash, 0, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Divide, 0, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
drey_window_init (DreyWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "key-sort", self->key_list, "sort-by", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->key_list, "notify::selected-key", G_CALLBACK (selected_key_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_list, "notify::error", G_CALLBACK (key_list_error_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "loaded", G_CALLBACK (samples_loaded), self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
}
