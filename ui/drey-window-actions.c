/* drey-window-actions.c: every win.* action of the window
 *
 * Opening stores, reloading, searching keys, saving, new and deleted
 * shards, and the serializer choice; each asks about unsaved edits first
 * where it would drop them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-window"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-window-private.h"

/* ---- stores ------------------------------------------------------------- */

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
location_response (AdwMessageDialog *dialog,
                   const char       *response,
                   DreyWindow       *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "drey-entry");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GFile) file = NULL;

  if (g_strcmp0 (response, "open") != 0 || *text == '\0')
    return;
  /* s3://, gs://, sftp://... as written; anything else is a path. */
  file = strstr (text, "://") != NULL ? g_file_new_for_uri (text) : g_file_new_for_commandline_arg (text);
  drey_window_open_store (self, file);
}

/* Ctrl+L: a store by its location, a bucket's URL above all. */
static void
open_location_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Open Location"),
                                              _("A folder, a GIO location, or a bucket: "
                                                "s3://BUCKET/PREFIX or gs://BUCKET/PREFIX"));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "s3://bucket/prefix");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Location"), -1);
  if (self->store != NULL)
    {
      g_autofree char *current = sq_store_get_display_name (self->store);

      gtk_editable_set_text (GTK_EDITABLE (entry), current);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "open", _("_Open"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "drey-entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (location_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
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
reload_confirmed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    _drey_window_reload_now (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  _drey_window_confirm_async (DREY_WINDOW (widget), reload_confirmed, NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  if (self->store != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "store"))
    {
      /* Folded, the keys come back to be searched. */
      adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->key_list));
      drey_key_list_focus_search (self->key_list);
    }
}

/* Folded: the pane before the one shown (Alt+Left, the header's Back). */
static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _drey_window_go_back (DREY_WINDOW (widget));
}

/* ---- saving and shards -------------------------------------------------- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  /* Ctrl+S while typing saves what is typed. */
  drey_sample_view_commit_editing (self->sample_view);
  if (self->document != NULL && drey_shard_document_get_modified (self->document))
    _drey_window_save_async (self, NULL, NULL);
}

static void
new_shard_confirmed (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    _drey_window_present_new_shard (self);
}

static void
new_shard_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _drey_window_confirm_async (DREY_WINDOW (widget), new_shard_confirmed, NULL);
}

static void
delete_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DreyWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DreyShardUndo) undo = drey_shard_document_delete_finish (DREY_SHARD_DOCUMENT (object), result, &error);
  g_autofree char *title = NULL;

  _drey_window_update_header (self);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The shard was not deleted: %s"), error->message);

      _drey_window_show_error (self, message);
      return;
    }
  _drey_window_sync_key_selection (self);
  if (undo == NULL)
    return; /* a new shard, only dropped */
  drey_key_model_reload (self->key_model);
  title = g_strdup_printf (_("Deleted “%s”"), drey_shard_undo_get_key (undo));
  _drey_window_show_undo_toast (self, title, undo);
}

static void
delete_response (AdwMessageDialog *dialog,
                 const char       *response,
                 DreyWindow       *self)
{
  const char *key = g_object_get_data (G_OBJECT (dialog), "drey-key");

  if (!g_str_equal (response, "delete") || self->document == NULL ||
      g_strcmp0 (drey_shard_document_get_key (self->document), key) != 0)
    return;
  /* A rename into the stash, on a worker: the shard goes at once, and
   * Undo is exact. */
  drey_shard_document_delete_async (self->document, NULL, delete_done, g_object_ref (self));
}

static void
delete_shard_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  const char *key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;
  AdwMessageDialog *dialog;
  g_autofree char *title = NULL;
  const char *body;

  if (key == NULL || self->read_only_reason != NULL)
    return;
  title = g_strdup_printf (_("Delete Shard “%s”?"), key);
  if (drey_shard_document_get_is_new (self->document))
    body = _("The new shard has not been saved; its samples are dropped.");
  else if (drey_shard_document_get_modified (self->document))
    body = _("The shard is removed from the store, and your unsaved edits are dropped. "
             "You can undo the deletion for a few seconds.");
  else
    body = _("The shard is removed from the store. You can undo this for a few seconds.");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), title, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "drey-key", g_strdup (key), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* From a shard to the gallery of its samples alone: the store view's
 * shard dropdown says which, and All Shards goes back to every one. */
static void
show_shard_in_gallery_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  g_autofree char *key = NULL;

  if (self->document == NULL || drey_shard_document_get_key (self->document) == NULL ||
      drey_store_view_get_document (self->store_view) == NULL)
    return;
  key = g_strdup (drey_shard_document_get_key (self->document));
  drey_store_view_set_shard (self->store_view, key);
  drey_store_view_set_page (self->store_view, "gallery");
  _drey_window_show_store (self);
}

/* ---- edits -------------------------------------------------------------- */

/* Window-wide, so Ctrl+Z works wherever the focus is; a text being typed
 * in takes it first, for its own undo. */
static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  gboolean done = g_str_equal (action_name, "win.redo") ? drey_sample_view_redo (self->sample_view)
                                                        : drey_sample_view_undo (self->sample_view);

  if (!done)
    gtk_widget_error_bell (widget);
}

void
_drey_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-location", NULL, open_location_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", NULL, open_example_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.new-shard", NULL, new_shard_action);
  gtk_widget_class_install_action (widget_class, "win.delete-shard", NULL, delete_shard_action);
  gtk_widget_class_install_action (widget_class, "win.show-shard-in-gallery", NULL, show_shard_in_gallery_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_property_action (widget_class, "win.serializer", "serializer");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.open-location", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-shard", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  /* A bubbling binding: a text entry with the focus types the slash. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_slash, 0, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Divide, 0, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}
