/* drey-window.c: a window on one store
 *
 * Before a store is open the window shows the welcome page. Opening one
 * checks the folder on a worker, then gives the store's keys (a
 * DreyKeyModel) to the key list on the left and the shard picked (a
 * DreyShardDocument) to the sample view on the right. Every store opened
 * goes to the recent files, for the welcome page.
 *
 * The window does no I/O itself: the models do, on workers. It decides
 * what happens when: it asks before unsaved edits go (the save-changes
 * dialog), before a save writes over what it did not read, and it offers
 * Undo for every save and delete in a toast. Its actions live in
 * drey-window-actions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-menu-tooltip.h"
#include "drey-new-shard-dialog.h"
#include "drey-save-changes-dialog.h"
#include "drey-window-private.h"

G_DEFINE_FINAL_TYPE (DreyWindow, drey_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERIALIZER,
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

/**
 * drey_window_get_document:
 *
 * Returns: (transfer none) (nullable): the shard on screen, once a store
 *   is open
 */
DreyShardDocument *
drey_window_get_document (DreyWindow *self)
{
  g_return_val_if_fail (DREY_IS_WINDOW (self), NULL);
  return self->document;
}

static void
show_store_error (DreyWindow *self,
                  const char *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  adw_status_page_set_description (self->store_error_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "store-error");
}

/* ---- the store ---------------------------------------------------------- */

static void
store_serializer_changed (DreyWindow *self)
{
  _drey_window_update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIALIZER]);
}

static void document_loaded_changed (DreyWindow *self);
static void document_busy_changed   (DreyWindow *self);

static void mark_failed_shards (DreyWindow *self);
static void mark_failed_shards_soon (DreyWindow *self);

static void
set_store (DreyWindow *self,
           SqStore    *store)
{
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  g_set_object (&self->store, store);
  g_clear_object (&self->document);
  if (self->store_document != NULL)
    drey_store_document_cancel (self->store_document);
  g_clear_object (&self->store_document);

  if (store != NULL)
    {
      GFile *location = sq_store_get_location (store);
      g_autofree char *basename = g_file_get_basename (location);
      g_autofree char *name = basename != NULL && strcmp (basename, "/") != 0
                              ? g_steal_pointer (&basename) : sq_store_get_display_name (store);

      adw_window_title_set_title (self->window_title, name);
      gtk_window_set_title (GTK_WINDOW (self), name);
      g_signal_connect_object (store, "notify::serializer-source", G_CALLBACK (store_serializer_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "notify::serializer", G_CALLBACK (store_serializer_changed), self,
                               G_CONNECT_SWAPPED);
      /* On a worker: the header says when the shards disagree, or do not
       * tell, which serializer wrote them. */
      self->detect_cancellable = g_cancellable_new ();
      sq_store_detect_serializer_async (store, self->detect_cancellable, NULL, NULL);

      /* The whole store, scanned on workers as it opens: the overview
       * and gallery fill in as shards come. */
      self->store_document = drey_store_document_new (store);
      g_signal_connect_object (self->store_document, "notify::n-failed", G_CALLBACK (mark_failed_shards_soon), self,
                               G_CONNECT_SWAPPED);
      drey_store_document_scan (self->store_document);

      self->document = drey_shard_document_new (store);
      g_signal_connect_object (self->document, "notify::state", G_CALLBACK (document_loaded_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->document, "notify::busy", G_CALLBACK (document_busy_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->document, "notify::modified", G_CALLBACK (_drey_window_update_header), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->document, "notify::key", G_CALLBACK (_drey_window_update_header), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->document, "notify::can-undo", G_CALLBACK (_drey_window_update_header), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->document, "notify::can-redo", G_CALLBACK (_drey_window_update_header), self,
                               G_CONNECT_SWAPPED);
    }
  else
    {
      adw_window_title_set_title (self->window_title, "Drey");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Drey");
    }
  drey_sample_view_set_document (self->sample_view, self->document);
  drey_store_view_set_document (self->store_view, self->store_document);
  _drey_window_show_store (self);
  /* Folded, a store opens on its keys. */
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->key_list));
  drey_sample_view_set_read_only (self->sample_view, self->read_only_reason);
  drey_key_model_set_store (self->key_model, store);
  _drey_window_update_header (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", store != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIALIZER]);
}

/* The serializer chosen in the window ("auto", "messagepack" or "jsonl"):
 * the store's own choice, which wins over what its shards show. */
static const char *
get_serializer (DreyWindow *self)
{
  if (self->store == NULL || sq_store_get_serializer_source (self->store) != SQ_SERIALIZER_SOURCE_CHOSEN)
    return "auto";
  return sq_serializer_to_string (sq_store_get_serializer (self->store));
}

static void
set_serializer (DreyWindow *self,
                const char *name)
{
  SqSerializer serializer;
  const char *key;

  if (self->store == NULL || !sq_serializer_from_string (name, &serializer) ||
      g_str_equal (name, get_serializer (self)))
    return;
  sq_store_set_serializer (self->store, serializer);
  /* Show the shard as the new choice reads it; edits stay, and Save
   * writes them with it. */
  key = drey_shard_document_get_key (self->document);
  if (key != NULL && !drey_shard_document_get_modified (self->document))
    {
      g_autofree char *again = g_strdup (key);

      _drey_window_load_key (self, again);
    }
  drey_key_model_reload (self->key_model);
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

static void open_store_at (DreyWindow *self,
                           GFile      *location,
                           const char *key);

/* Takes @read_only_reason. */
static void
show_opened_store (DreyWindow *self,
                   GFile      *location,
                   char       *read_only_reason)
{
  g_autoptr(SqStore) store = sq_store_new (location);

  g_free (self->read_only_reason);
  self->read_only_reason = read_only_reason;
  set_store (self, store);
  gtk_stack_set_visible_child_name (self->stack, "store");
  remember_store (location);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_list));
  if (self->open_key != NULL)
    {
      /* Read at once, without waiting for the listing; the key list
       * selects it once it has listed it. */
      _drey_window_load_key (self, self->open_key);
      adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
      g_free (self->select_after_listing);
      self->select_after_listing = g_steal_pointer (&self->open_key);
    }
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
      g_clear_pointer (&self->open_key, g_free);
      set_store (self, NULL);
      show_store_error (self, message);
      return;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && self->open_key == NULL)
    {
      g_autofree char *name = g_file_get_basename (location);
      g_autoptr(GFile) parent = g_file_get_parent (location);

      /* A shard file: its store, at its key. */
      if (parent != NULL && name != NULL && g_str_has_suffix (name, ".gz") && strlen (name) > 3)
        {
          name[strlen (name) - 3] = '\0';
          open_store_at (self, parent, name);
          return;
        }
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *message = g_strdup_printf (_("%s is a file, not a store. A store is a folder of KEY.gz shards."), path);

      g_clear_pointer (&self->open_key, g_free);
      set_store (self, NULL);
      show_store_error (self, message);
      return;
    }

  /* Not every backend answers: a store is writable unless it says no. */
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE))
    show_opened_store (self, location, g_strdup_printf (_("You cannot write to %s, so this store is read-only"),
                                                        path));
  else
    show_opened_store (self, location, NULL);
}

/* A window opened on a store never shows the welcome page first. */
static void
leave_welcome (DreyWindow *self)
{
  if (self->store == NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "welcome") == 0)
    gtk_stack_set_visible_child_full (self->stack, "opening", GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
open_store_at (DreyWindow *self,
               GFile      *location,
               const char *key)
{
  leave_welcome (self);
  g_free (self->open_key);
  self->open_key = g_strdup (key);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  /* A bucket is not GIO's to query: its listing, on a worker, says what
   * is wrong with it (no such bucket, access denied, unreachable). */
  if (sq_store_location_is_bucket (location))
    {
      show_opened_store (self, location, NULL);
      return;
    }
  self->open_cancellable = g_cancellable_new ();
  g_file_query_info_async (location, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE,
                           G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->open_cancellable, query_done, g_object_ref (self));
}

void
_drey_window_open_store_now (DreyWindow *self,
                             GFile      *location)
{
  open_store_at (self, location, NULL);
}

typedef struct
{
  GFile *location;
  char  *key;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_object_unref (request->location);
  g_free (request->key);
  g_free (request);
}

static void
open_confirmed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  OpenRequest *request = user_data;
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    open_store_at (self, request->location, request->key);
  open_request_free (request);
}

/**
 * drey_window_open_store_at_key:
 * @location: the store's folder (a path or any GIO location), or one of
 *   its shard files `KEY.gz` (when @key is %NULL)
 * @key: (nullable): the shard to show once it is open
 *
 * Opens the store at @location (after asking about unsaved edits) and
 * reads the shard @key at once; a folder that is missing or unreadable,
 * or a key that is not there, is said so in the window.
 */
void
drey_window_open_store_at_key (DreyWindow *self,
                               GFile      *location,
                               const char *key)
{
  OpenRequest *request;

  g_return_if_fail (DREY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (location));

  request = g_new0 (OpenRequest, 1);
  request->location = g_object_ref (location);
  request->key = g_strdup (key);
  leave_welcome (self);
  _drey_window_confirm_async (self, open_confirmed, request);
}

/**
 * drey_window_open_store:
 * @location: the store's folder (a path or any GIO location), or one of
 *   its shard files `KEY.gz`
 *
 * Opens the store at @location, as drey_window_open_store_at_key() does
 * with no key: a shard file opens its store at its key.
 */
void
drey_window_open_store (DreyWindow *self,
                        GFile      *location)
{
  drey_window_open_store_at_key (self, location, NULL);
}

/* ---- toasts and Undo ---------------------------------------------------- */

/* libadwaita 1.2 frees a toast's state when its hide animation ends, and
 * its show animation, still running, then ends on that freed state: a
 * crash (libadwaita 1.2.2, adw-toast-overlay.c, show_done_cb; fixed in
 * later releases). Every dismissal goes through the "dismissed" signal
 * (our own, the toast's button, its close button, Escape), so this
 * handler, connected before the overlay's, holds back the dismissal of the
 * toast on screen until its show animation is over (500 ms at most) and
 * then lets it go. A toast still queued was never shown and goes at once. */
#define TOAST_SETTLE_USEC (700 * G_USEC_PER_SEC / 1000)

static gboolean
dismiss_settled_toast (gpointer data)
{
  DreyWindow *self = data;

  self->toast_dismiss_source = 0;
  /* The held-back emission already cleared the toast's overlay (AdwToast's
   * own handler runs first), so adw_toast_dismiss() would do nothing now:
   * the signal itself reaches the overlay's handler. */
  self->toast_releasing = TRUE;
  g_signal_emit_by_name (self->toast_on_screen, "dismissed");
  self->toast_releasing = FALSE;
  return G_SOURCE_REMOVE;
}

static void
toast_dismissed (AdwToast   *toast,
                 DreyWindow *self)
{
  gint64 settled = self->toast_on_screen_since + TOAST_SETTLE_USEC;
  gint64 now = g_get_monotonic_time ();

  if (toast == self->toast_on_screen && !self->toast_releasing && now < settled)
    {
      g_signal_stop_emission_by_name (toast, "dismissed");
      if (self->toast_dismiss_source == 0)
        self->toast_dismiss_source = g_timeout_add ((guint) ((settled - now) / 1000) + 1,
                                                    dismiss_settled_toast, self);
      return;
    }

  if (toast == self->toast_on_screen)
    {
      /* The one queued behind it, if any, is on screen from now on. */
      g_clear_handle_id (&self->toast_dismiss_source, g_source_remove);
      g_clear_object (&self->toast_on_screen);
      if (self->last_toast != NULL && self->last_toast != toast)
        self->toast_on_screen = g_object_ref (self->last_toast);
      self->toast_on_screen_since = now;
    }
  if (self->last_toast == toast)
    g_clear_weak_pointer (&self->last_toast);
}

/* One toast at a time, the newest: an older Undo left queued behind it
 * would come back later and undo this change with its own. (Never
 * ADW_TOAST_PRIORITY_HIGH: libadwaita 1.2 asserts when a toast it pushed
 * back into the queue is shown again.) Handlers the caller connects to
 * "dismissed" after this run only when the toast really goes. */
static void
show_toast (DreyWindow *self,
            AdwToast   *toast)
{
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
  if (self->last_toast != NULL)
    {
      AdwToast *old = self->last_toast;

      g_clear_weak_pointer (&self->last_toast);
      /* Either it goes now, or (on screen and not settled) once it has. */
      adw_toast_dismiss (old);
    }
  if (self->toast_on_screen == NULL)
    {
      self->toast_on_screen = g_object_ref (toast);
      self->toast_on_screen_since = g_get_monotonic_time ();
    }
  g_set_weak_pointer (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The overlay takes the reference add_toast is given; the view keeps its own. */
static void
sample_view_toast (DreyWindow *self,
                   AdwToast   *toast)
{
  show_toast (self, g_object_ref (toast));
}

void
_drey_window_show_error (DreyWindow *self,
                         const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* An error stays until it has been read. */
  adw_toast_set_timeout (toast, 0);
  show_toast (self, toast);
}

/**
 * drey_window_get_last_toast:
 *
 * For tests: the last toast shown, while it is alive.
 *
 * Returns: (transfer none) (nullable): the toast
 */
AdwToast *
drey_window_get_last_toast (DreyWindow *self)
{
  g_return_val_if_fail (DREY_IS_WINDOW (self), NULL);
  return self->last_toast;
}

static void
undo_toast_dismissed (AdwToast   *toast,
                      DreyWindow *self)
{
  DreyShardUndo *undo = g_object_get_data (G_OBJECT (toast), "drey-undo");

  /* Too late to undo: the stashed bytes are not needed any more. */
  drey_shard_undo_forget (undo);
  if (self->undos != NULL)
    g_ptr_array_remove (self->undos, undo);
}

static void
undo_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DreyWindow) self = user_data;
  DreyShardUndo *undo = DREY_SHARD_UNDO (object);
  const char *key = drey_shard_undo_get_key (undo);
  g_autoptr(GError) error = NULL;
  g_autofree char *done_message = NULL;
  gboolean showing;

  if (!drey_shard_undo_run_finish (undo, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot undo: %s"), error->message);

      _drey_window_show_error (self, message);
      return;
    }
  if (drey_shard_undo_get_store (undo) != self->store)
    return;

  showing = g_strcmp0 (drey_shard_document_get_key (self->document), key) == 0 &&
            !drey_shard_document_get_modified (self->document);
  if (drey_shard_undo_get_restores (undo))
    {
      /* The shard is back: show it as it is on disk again. */
      g_free (self->select_after_listing);
      self->select_after_listing = g_strdup (key);
      if (showing || drey_shard_document_get_state (self->document) == DREY_SHARD_STATE_EMPTY)
        _drey_window_load_key (self, key);
    }
  else if (showing)
    _drey_window_load_key (self, NULL);
  drey_key_model_reload (self->key_model);

  if (drey_shard_undo_get_deleted (undo))
    done_message = g_strdup_printf (_("Restored “%s”"), key);
  else if (drey_shard_undo_get_restores (undo))
    done_message = g_strdup_printf (_("Restored the previous “%s”"), key);
  else
    done_message = g_strdup_printf (_("Removed “%s” again"), key);
  show_toast (self, adw_toast_new (done_message));
}

static void
undo_clicked (AdwToast   *toast,
              DreyWindow *self)
{
  DreyShardUndo *undo = g_object_get_data (G_OBJECT (toast), "drey-undo");

  drey_shard_undo_run_async (undo, NULL, undo_done, g_object_ref (self));
}

void
_drey_window_show_undo_toast (DreyWindow    *self,
                              const char    *title,
                              DreyShardUndo *undo)
{
  AdwToast *toast = adw_toast_new (title);

  g_ptr_array_add (self->undos, g_object_ref (undo));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "drey-undo", g_object_ref (undo), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked), self, 0);
  show_toast (self, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed), self, 0);
}

/* ---- saving ------------------------------------------------------------- */

typedef struct
{
  char     *key;
  gboolean  was_new;
} Saving;

static void
saving_free (Saving *saving)
{
  g_free (saving->key);
  g_free (saving);
}

static void start_save (DreyWindow    *self,
                        GTask         *task,
                        DreySaveFlags  flags);

static void
replace_response (AdwMessageDialog *dialog,
                  const char       *response,
                  GTask            *task)
{
  DreyWindow *self = g_task_get_source_object (task);

  if (g_str_equal (response, "replace"))
    start_save (self, task, DREY_SAVE_FLAGS_REPLACE);
  else
    g_task_return_boolean (task, FALSE);
}

/* The save refused to write over what it did not read: ask the user. */
static void
ask_replace (DreyWindow *self,
             GTask      *task,
             gboolean    changed_on_disk)
{
  Saving *saving = g_task_get_task_data (task);
  g_autofree char *title = g_strdup_printf (_("Replace Shard “%s”?"), saving->key);
  const char *body = changed_on_disk
                     ? _("The shard changed on disk since Drey read it: someone else wrote it. "
                         "Saving replaces their version with yours; Undo brings theirs back.")
                     : _("The store already has a shard with this key. Saving replaces it; Undo brings it back.");
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), title, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* The dialog holds the save while it is open. */
  g_object_set_data_full (G_OBJECT (dialog), "drey-task", g_object_ref (task), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (replace_response), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DreyWindow *self = g_task_get_source_object (task);
  Saving *saving = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DreyShardUndo) undo = drey_shard_document_save_finish (DREY_SHARD_DOCUMENT (object), result, &error);
  g_autofree char *title = NULL;

  _drey_window_update_header (self);
  if (undo == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_EXISTS) ||
          g_error_matches (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK))
        {
          ask_replace (self, task,
                       g_error_matches (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK));
          return;
        }
      /* The shard on disk is untouched, and the edits are still here. */
      message = g_strdup_printf (_("“%s” was not saved: %s"), saving->key, error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _drey_window_show_error (self, message);
      if (g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_MIXED_SERIALIZERS))
        gtk_menu_button_popup (GTK_MENU_BUTTON (self->serializer_button));
      g_task_return_boolean (task, FALSE);
      return;
    }

  g_clear_pointer (&self->replace_confirmed_key, g_free);
  if (saving->was_new)
    {
      g_free (self->select_after_listing);
      self->select_after_listing = g_strdup (saving->key);
    }
  drey_key_model_reload (self->key_model);
  title = g_strdup_printf (_("Saved “%s”"), saving->key);
  _drey_window_show_undo_toast (self, title, undo);
  g_task_return_boolean (task, TRUE);
}

static void
start_save (DreyWindow    *self,
            GTask         *task,
            DreySaveFlags  flags)
{
  drey_shard_document_save_async (self->document, flags, NULL, save_done, g_object_ref (task));
  _drey_window_update_header (self);
}

/**
 * _drey_window_save_async:
 *
 * Saves the shard on screen, asking first if it would write over a shard
 * it did not read; a toast offers Undo.
 */
void
_drey_window_save_async (DreyWindow          *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  const char *key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;
  Saving *saving;

  g_task_set_source_tag (task, _drey_window_save_async);
  if (key == NULL || self->read_only_reason != NULL || drey_shard_document_get_busy (self->document) ||
      drey_shard_document_get_state (self->document) != DREY_SHARD_STATE_LOADED)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  saving = g_new0 (Saving, 1);
  saving->key = g_strdup (key);
  saving->was_new = drey_shard_document_get_is_new (self->document);
  g_task_set_task_data (task, saving, (GDestroyNotify) saving_free);
  /* The New Shard dialog asked already whether it replaces the key. */
  start_save (self, task, saving->was_new && g_strcmp0 (self->replace_confirmed_key, key) == 0
                          ? DREY_SAVE_FLAGS_REPLACE : DREY_SAVE_FLAGS_NONE);
}

/* Returns: whether the shard was saved */
gboolean
_drey_window_save_finish (DreyWindow   *self,
                          GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- unsaved edits ------------------------------------------------------ */

static void
confirm_saved (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DreyWindow *self = DREY_WINDOW (object);
  gboolean saved = _drey_window_save_finish (self, result);
  g_autoptr(GTask) task = g_steal_pointer (&self->confirming);

  if (task != NULL)
    g_task_return_boolean (task, saved);
}

static void
confirm_answered (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DreyWindow) self = user_data;
  DreySaveChangesResponse answer = drey_save_changes_dialog_run_finish (result, NULL);
  g_autoptr(GTask) task = NULL;

  if (self->confirming == NULL)
    return;
  if (answer == DREY_SAVE_CHANGES_SAVE)
    {
      /* The request waits for the save (a newer one may replace it). */
      _drey_window_save_async (self, confirm_saved, NULL);
      return;
    }
  task = g_steal_pointer (&self->confirming);
  g_task_return_boolean (task, answer == DREY_SAVE_CHANGES_DISCARD);
}

/* A save that was running ended: the request waiting for it goes on if
 * the edits are on disk now. */
static void
document_busy_changed (DreyWindow *self)
{
  g_autoptr(GTask) task = NULL;

  _drey_window_update_header (self);
  if (drey_shard_document_get_busy (self->document) || self->confirming == NULL ||
      !g_object_get_data (G_OBJECT (self->confirming), "drey-after-save"))
    return;
  task = g_steal_pointer (&self->confirming);
  g_task_return_boolean (task, !drey_shard_document_get_modified (self->document));
}

/**
 * _drey_window_confirm_async:
 *
 * Goes on (the result is %TRUE) at once if no edits are unsaved, else
 * once the user saved or dropped them; %FALSE if they kept them. Asking
 * again while the user is asked (or a save runs) replaces the older
 * request, which does not go on: the newest wins.
 */
void
_drey_window_confirm_async (DreyWindow          *self,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  gboolean asking = self->confirming != NULL;

  g_task_set_source_tag (task, _drey_window_confirm_async);
  drey_sample_view_commit_editing (self->sample_view);
  if (self->document == NULL || !drey_shard_document_get_modified (self->document))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (asking)
    {
      g_autoptr(GTask) old = g_steal_pointer (&self->confirming);

      if (g_object_get_data (G_OBJECT (old), "drey-after-save"))
        g_object_set_data (G_OBJECT (task), "drey-after-save", GINT_TO_POINTER (TRUE));
      g_task_return_boolean (old, FALSE);
      self->confirming = g_steal_pointer (&task);
      return;
    }
  self->confirming = g_steal_pointer (&task);
  if (drey_shard_document_get_busy (self->document))
    {
      /* A save runs: its outcome answers. */
      g_object_set_data (G_OBJECT (self->confirming), "drey-after-save", GINT_TO_POINTER (TRUE));
      return;
    }
  drey_save_changes_dialog_run_async (GTK_WINDOW (self), drey_shard_document_get_key (self->document),
                                      self->read_only_reason == NULL, NULL, confirm_answered, g_object_ref (self));
}

/* Returns: whether to go on */
gboolean
_drey_window_confirm_finish (DreyWindow   *self,
                             GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* ---- the header --------------------------------------------------------- */

void
_drey_window_update_header (DreyWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  DreyShardDocument *document = self->document;
  gboolean modified = document != NULL && drey_shard_document_get_modified (document);
  gboolean busy = document != NULL && drey_shard_document_get_busy (document);
  gboolean writable = self->store != NULL && self->read_only_reason == NULL;
  const char *key = document != NULL ? drey_shard_document_get_key (document) : NULL;
  DreyShardState state = document != NULL ? drey_shard_document_get_state (document) : DREY_SHARD_STATE_EMPTY;

  if (self->store != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (sq_store_get_location (self->store));
      g_autofree char *subtitle = NULL;
      g_autofree char *explained = NULL;
      SqSerializerSource source = sq_store_get_serializer_source (self->store);

      if (modified)
        subtitle = g_strdup_printf (_("Unsaved changes to “%s”"), key);
      else if (self->read_only_reason != NULL)
        subtitle = g_strdup_printf (_("%s (read-only)"), path);
      else if (source == SQ_SERIALIZER_SOURCE_MIXED)
        subtitle = g_strdup_printf (_("%s · mixed serializers"), path);
      else if (source == SQ_SERIALIZER_SOURCE_AMBIGUOUS)
        subtitle = g_strdup_printf (_("%s · serializer unknown"), path);
      else
        subtitle = g_steal_pointer (&path);
      adw_window_title_set_subtitle (self->window_title, subtitle);

      /* Never guess silently: a store whose shards disagree, or do not
       * tell, says so, and offers the choice. */
      gtk_widget_set_visible (self->serializer_button, source == SQ_SERIALIZER_SOURCE_MIXED ||
                                                       source == SQ_SERIALIZER_SOURCE_AMBIGUOUS);
      if (source == SQ_SERIALIZER_SOURCE_MIXED)
        {
          guint n_msgpack = sq_store_count_shards (self->store, SQ_SHARD_EVIDENCE_MESSAGEPACK);
          guint n_jsonl = sq_store_count_shards (self->store, SQ_SHARD_EVIDENCE_JSONL);

          explained = g_strdup_printf (_("<b>Mixed Serializers</b>\n%u of the shards looked at decode only as "
                                         "MessagePack, %u only as JSON Lines. Each is read the way its bytes "
                                         "show; shards that decode both ways are read as %s. Choose the "
                                         "serializer to save with:"),
                                       n_msgpack, n_jsonl,
                                       sq_serializer_get_display_name (sq_store_get_serializer (self->store)));
        }
      else if (source == SQ_SERIALIZER_SOURCE_AMBIGUOUS)
        explained = g_strdup_printf (_("<b>Serializer Unknown</b>\nThe %u shards looked at decode both as "
                                       "MessagePack and as JSON Lines, so their bytes do not say which wrote "
                                       "them. They are read as MessagePack, squirrel’s default; choose if you "
                                       "know:"),
                                     sq_store_count_shards (self->store, SQ_SHARD_EVIDENCE_AMBIGUOUS));
      gtk_label_set_markup (self->serializer_label, explained != NULL ? explained : "");
    }
  else
    gtk_widget_set_visible (self->serializer_button, FALSE);
  gtk_widget_set_visible (self->save_button, modified && writable);
  gtk_widget_action_set_enabled (widget, "win.save", modified && writable && !busy);
  gtk_widget_action_set_enabled (widget, "win.new-shard", writable && !busy);
  gtk_widget_action_set_enabled (widget, "win.undo",
                                 writable && !busy && document != NULL && drey_shard_document_get_can_undo (document));
  gtk_widget_action_set_enabled (widget, "win.redo",
                                 writable && !busy && document != NULL && drey_shard_document_get_can_redo (document));
  gtk_widget_action_set_enabled (widget, "win.delete-shard",
                                 writable && !busy && key != NULL &&
                                 (state == DREY_SHARD_STATE_LOADED || state == DREY_SHARD_STATE_FAILED));
  gtk_widget_action_set_enabled (widget, "win.show-shard-in-gallery",
                                 key != NULL && document != NULL && !drey_shard_document_get_is_new (document));
}

/* ---- wiring between the panes ----------------------------------------- */

/* The key list shows what the sample view shows again. */
void
_drey_window_sync_key_selection (DreyWindow *self)
{
  const char *key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;

  self->ignore_selection = TRUE;
  if (key == NULL || drey_shard_document_get_is_new (self->document) ||
      !drey_key_list_select_key (self->key_list, key))
    drey_key_list_unselect (self->key_list);
  self->ignore_selection = FALSE;
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  /* The document shows the samples, or why there are none. */
  drey_shard_document_load_finish (DREY_SHARD_DOCUMENT (object), result, NULL);
}

void
_drey_window_load_key (DreyWindow *self,
                       const char *key)
{
  if (self->document != NULL)
    drey_shard_document_load_async (self->document, key, NULL, load_done, NULL);
}

/* A shard read: its key shows how many samples it has. */
static void
document_loaded_changed (DreyWindow *self)
{
  DreyShardState state = drey_shard_document_get_state (self->document);
  const char *key = drey_shard_document_get_key (self->document);
  const GError *error = drey_shard_document_get_error (self->document);

  if (state == DREY_SHARD_STATE_LOADED && !drey_shard_document_get_is_new (self->document))
    {
      drey_key_model_set_n_samples (self->key_model, key, drey_shard_document_get_n_samples (self->document));
      drey_key_model_set_shard_error (self->key_model, key, NULL);
    }
  /* A shard that cannot be decoded is marked in the key list. */
  else if (state == DREY_SHARD_STATE_FAILED && key != NULL && error != NULL &&
           !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    drey_key_model_set_shard_error (self->key_model, key, error->message);
  _drey_window_update_header (self);
}

/* The shards the store's scan could not decode are marked in the key
 * list: as the scan finds them, and as the listing brings their keys. */
static void
mark_failed_shards (DreyWindow *self)
{
  g_autoptr(GPtrArray) failed = NULL;

  if (self->store_document == NULL)
    return;
  failed = drey_store_document_dup_failed_shards (self->store_document);
  for (guint i = 0; i < failed->len; i++)
    {
      SqShardScan *shard = g_ptr_array_index (failed, i);

      drey_key_model_set_shard_error (self->key_model, sq_shard_scan_get_key (shard),
                                      sq_shard_scan_get_error (shard)->message);
    }
}

static gboolean
mark_failed_shards_cb (gpointer data)
{
  DreyWindow *self = data;

  self->mark_failed_source = 0;
  mark_failed_shards (self);
  return G_SOURCE_REMOVE;
}

/* Each mark walks every scanned shard: on a store where most shards are
 * broken, marking on each new failure would cost failures x shards.
 * Failures that come within a quarter second are marked together. */
static void
mark_failed_shards_soon (DreyWindow *self)
{
  if (self->mark_failed_source == 0)
    self->mark_failed_source = g_timeout_add (250, mark_failed_shards_cb, self);
}

static void
key_confirmed (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree char *key = user_data;
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    _drey_window_load_key (self, key);
  else
    _drey_window_sync_key_selection (self);
}

/* ---- the store and its samples ------------------------------------------- */

/* ---- folded: one pane at a time --------------------------------------- */

/* Back is there while a pane shows in place of the one before it. */
static gboolean
update_back_now (gpointer data)
{
  DreyWindow *self = data;
  gboolean can_go_back;

  self->update_back_source = 0;
  /* The keys shown again (Back, or Alt+Left the leaflet takes itself):
   * the focus follows, out of the pane now off screen. */
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->key_list))
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      if (focus == NULL || focus == self->back_button || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->content_stack)))
        gtk_widget_grab_focus (GTK_WIDGET (self->key_list));
    }
  can_go_back = (adw_leaflet_get_folded (self->leaflet) &&
                 adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->content_stack)) ||
                (gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->sample_view) &&
                 drey_sample_view_get_can_go_back (self->sample_view));
  gtk_widget_set_visible (self->back_button, can_go_back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", can_go_back);
  return G_SOURCE_REMOVE;
}

/* A leaflet folds while it is allocated, after the header above it: the
 * header changes once this frame is drawn, not in the middle of it. */
void
_drey_window_update_back (DreyWindow *self)
{
  /* While the template is being built. */
  if (self->leaflet == NULL || self->sample_view == NULL || self->update_back_source != 0)
    return;
  self->update_back_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_back_now, self, NULL);
}

/* Back, folded: from the array panel to the tree, from the store or the
 * shard to the keys (whose focus it takes, the pane before being off
 * screen now). Returns whether it went back. */
gboolean
_drey_window_go_back (DreyWindow *self)
{
  if (gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->sample_view) &&
      drey_sample_view_go_back (self->sample_view))
    return TRUE;
  if (!adw_leaflet_get_folded (self->leaflet) ||
      adw_leaflet_get_visible_child (self->leaflet) != GTK_WIDGET (self->content_stack))
    return FALSE;
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->key_list));
  return TRUE;
}

static void
leaflet_child_changed (DreyWindow *self)
{
  _drey_window_update_back (self);
}

/* Folded: the store or the shard in place of the keys. */
static void
show_content (DreyWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
}

static void
show_samples (DreyWindow *self)
{
  drey_key_list_set_store_selected (self->key_list, FALSE);
  gtk_stack_set_visible_child_name (self->content_stack, "samples");
}

/* The Store row: the overview and gallery in place of the shard. */
void
_drey_window_show_store (DreyWindow *self)
{
  /* The shard stays open (and its edits) for when its key is picked
   * again. */
  self->ignore_selection = TRUE;
  drey_key_list_unselect (self->key_list);
  self->ignore_selection = FALSE;
  drey_key_list_set_store_selected (self->key_list, self->store != NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "store");
}

typedef struct
{
  char *key;
  guint index;
  char *field;
} Reveal;

static void
reveal_free (Reveal *reveal)
{
  g_free (reveal->key);
  g_free (reveal->field);
  g_free (reveal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reveal, reveal_free)

static void
reveal_now (DreyWindow *self,
            Reveal     *reveal)
{
  gboolean shown = g_strcmp0 (drey_shard_document_get_key (self->document), reveal->key) == 0 &&
                   !drey_shard_document_get_is_new (self->document) &&
                   drey_shard_document_get_state (self->document) != DREY_SHARD_STATE_FAILED;

  show_samples (self);
  show_content (self);
  self->ignore_selection = TRUE;
  drey_key_list_select_key (self->key_list, reveal->key);
  self->ignore_selection = FALSE;
  if (!shown)
    _drey_window_load_key (self, reveal->key);
  drey_sample_view_reveal (self->sample_view, reveal->key, reveal->index, reveal->field);
  drey_sample_view_focus_samples (self->sample_view);
}

static void
reveal_confirmed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Reveal) reveal = user_data;
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    reveal_now (self, reveal);
}

/* A thumbnail, or a sample a drift concerns: that sample in the tree,
 * with the field selected. */
static void
sample_activated (DreyWindow *self,
                  const char *key,
                  guint       index,
                  const char *field)
{
  g_autoptr(Reveal) reveal = g_new0 (Reveal, 1);

  if (self->document == NULL)
    return;
  reveal->key = g_strdup (key);
  reveal->index = index;
  reveal->field = g_strdup (field);
  if (g_strcmp0 (drey_shard_document_get_key (self->document), key) == 0 ||
      !drey_shard_document_get_modified (self->document))
    reveal_now (self, reveal);
  else
    _drey_window_confirm_async (self, reveal_confirmed, g_steal_pointer (&reveal));
}

static void
selected_key_changed (DreyWindow *self)
{
  const char *key = drey_key_list_get_selected_key (self->key_list);

  if (self->ignore_selection || self->document == NULL)
    return;
  if (key != NULL)
    show_samples (self);
  if (key != NULL && g_strcmp0 (key, drey_shard_document_get_key (self->document)) == 0 &&
      drey_shard_document_get_state (self->document) != DREY_SHARD_STATE_EMPTY)
    return;
  /* A list that lost its selection (a reload) leaves edits on screen. */
  if (key == NULL && drey_shard_document_get_modified (self->document))
    return;
  drey_sample_view_commit_editing (self->sample_view);
  /* Nothing to lose: the shard is read at once. */
  if (!drey_shard_document_get_modified (self->document))
    _drey_window_load_key (self, key);
  else
    _drey_window_confirm_async (self, key_confirmed, g_strdup (key));
}

/* The Store row picked: the overview, in place of the keys if folded. */
static void
store_activated (DreyWindow *self)
{
  _drey_window_show_store (self);
  show_content (self);
}

/* A key clicked or activated (Enter): folded, its samples in place of
 * the keys. Moving through the keys with the arrows only reads them. */
static void
key_picked (DreyWindow *self,
            const char *key)
{
  if (g_strcmp0 (key, drey_key_list_get_selected_key (self->key_list)) == 0)
    show_content (self);
}

/* J or K went past the shard's end: open the neighbouring key of the
 * list, where the sample view goes on with the same field. */
typedef struct
{
  char *key;
  int   direction;
} Step;

static void
step_free (Step *step)
{
  g_free (step->key);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static void
step_now (DreyWindow *self,
          const char *key,
          int         direction)
{
  drey_sample_view_step_into (self->sample_view, key, direction);
  self->ignore_selection = TRUE;
  drey_key_list_select_key (self->key_list, key);
  self->ignore_selection = FALSE;
  _drey_window_load_key (self, key);
}

static void
step_confirmed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  DreyWindow *self = DREY_WINDOW (object);

  if (_drey_window_confirm_finish (self, result))
    step_now (self, step->key, step->direction);
}

static gboolean
sample_view_step_out (DreyWindow *self,
                      int         direction)
{
  const char *key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;
  const char *next;
  Step *step;

  if (key == NULL || drey_shard_document_get_is_new (self->document) ||
      drey_shard_document_get_busy (self->document))
    return FALSE;
  next = drey_key_list_get_neighbour_key (self->key_list, key, direction);
  if (next == NULL)
    return FALSE;
  if (!drey_shard_document_get_modified (self->document))
    {
      step_now (self, next, direction);
      return TRUE;
    }
  step = g_new0 (Step, 1);
  step->key = g_strdup (next);
  step->direction = direction;
  _drey_window_confirm_async (self, step_confirmed, step);
  return TRUE;
}

static void
key_list_loading_changed (DreyWindow *self)
{
  g_autofree char *key = NULL;

  if (drey_key_model_get_loading (self->key_model) || self->document == NULL)
    return;
  /* A listing again (after a save) forgets the sample counts it showed. */
  document_loaded_changed (self);
  mark_failed_shards (self);
  if (self->select_after_listing == NULL)
    return;
  key = g_steal_pointer (&self->select_after_listing);
  drey_key_list_select_key (self->key_list, key);
  /* The grab when the store opened found no rows to focus, and the
   * window gave the focus to its first button: the keys take it now,
   * on the selected row, unless the user went into the samples or the
   * search meanwhile. */
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

    /* Folded, the samples are the pane on screen: the keys wait for Back. */
    if (gtk_widget_get_mapped (GTK_WIDGET (self->key_list)) &&
        (focus == NULL || (!gtk_widget_is_ancestor (focus, GTK_WIDGET (self->sample_view)) &&
                           !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->key_list)))))
      gtk_widget_grab_focus (GTK_WIDGET (self->key_list));
  }
}

static void
key_list_error_changed (DreyWindow *self)
{
  const GError *error = drey_key_model_get_error (self->key_model);

  if (error != NULL)
    show_store_error (self, error->message);
}

void
_drey_window_reload_now (DreyWindow *self)
{
  g_autofree char *key = NULL;

  if (self->store == NULL)
    return;
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "store-error"))
    {
      g_autoptr(GFile) location = g_object_ref (sq_store_get_location (self->store));

      _drey_window_open_store_now (self, location);
      return;
    }
  drey_key_model_reload (self->key_model);
  if (self->store_document != NULL)
    drey_store_document_scan (self->store_document);
  /* A new shard never saved has nothing on disk to read again. */
  if (!drey_shard_document_get_is_new (self->document))
    key = g_strdup (drey_shard_document_get_key (self->document));
  _drey_window_load_key (self, key);
  _drey_window_sync_key_selection (self);
}

/* ---- new shards ---------------------------------------------------------- */

static void
new_shard_created (DreyNewShardDialog *dialog,
                   const char         *key,
                   GPtrArray          *samples,
                   gboolean            replaces_existing,
                   DreyWindow         *self)
{
  if (self->document == NULL)
    return;
  g_free (self->replace_confirmed_key);
  self->replace_confirmed_key = replaces_existing ? g_strdup (key) : NULL;
  drey_shard_document_open_new (self->document, key, samples);
  drey_sample_view_set_editing (self->sample_view, TRUE);
  drey_sample_view_focus_samples (self->sample_view);
  _drey_window_sync_key_selection (self);
  _drey_window_update_header (self);
}

void
_drey_window_present_new_shard (DreyWindow *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  const char *shown_key = NULL;
  DreyNewShardDialog *dialog;

  if (self->store == NULL || self->read_only_reason != NULL)
    return;
  if (drey_shard_document_get_state (self->document) == DREY_SHARD_STATE_LOADED)
    {
      shown = drey_shard_document_dup_samples (self->document);
      shown_key = drey_shard_document_get_key (self->document);
    }
  dialog = drey_new_shard_dialog_new (self->store, shown_key, shown);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_object (dialog, "create", G_CALLBACK (new_shard_created), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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

static void
close_confirmed (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DreyWindow *self = DREY_WINDOW (object);

  if (!_drey_window_confirm_finish (self, result))
    return;
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
drey_window_close_request (GtkWindow *window)
{
  DreyWindow *self = DREY_WINDOW (window);
  int width, height;

  drey_sample_view_commit_editing (self->sample_view);
  if (!self->close_confirmed && self->document != NULL && drey_shard_document_get_modified (self->document))
    {
      _drey_window_confirm_async (self, close_confirmed, NULL);
      return TRUE;
    }

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
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->confirming != NULL)
    g_task_return_boolean (g_steal_pointer (&self->confirming), FALSE);
  if (self->undos != NULL)
    {
      /* The window is going: its Undos go with it. */
      for (guint i = 0; i < self->undos->len; i++)
        drey_shard_undo_forget (g_ptr_array_index (self->undos, i));
      g_clear_pointer (&self->undos, g_ptr_array_unref);
    }
  g_clear_weak_pointer (&self->last_toast);
  g_clear_handle_id (&self->toast_dismiss_source, g_source_remove);
  g_clear_object (&self->toast_on_screen);
  if (self->key_model != NULL)
    {
      /* Its listing stops; nothing of the window hears of it. */
      g_signal_handlers_disconnect_by_data (self->key_model, self);
      drey_key_model_set_store (self->key_model, NULL);
    }
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_WINDOW);
  g_clear_handle_id (&self->update_back_source, g_source_remove);
  g_clear_handle_id (&self->mark_failed_source, g_source_remove);
  g_clear_object (&self->document);
  if (self->store_document != NULL)
    drey_store_document_cancel (self->store_document);
  g_clear_object (&self->store_document);
  g_clear_object (&self->store);
  g_clear_object (&self->key_model);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->read_only_reason, g_free);
  g_clear_pointer (&self->replace_confirmed_key, g_free);
  g_clear_pointer (&self->select_after_listing, g_free);
  g_clear_pointer (&self->open_key, g_free);
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
    case PROP_SERIALIZER:
      g_value_set_string (value, get_serializer (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DreyWindow *self = DREY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SERIALIZER:
      set_serializer (self, g_value_get_string (value));
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
  object_class->set_property = drey_window_set_property;
  window_class->close_request = drey_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The serializer chosen for the open store: "auto" (what its shards
   * show), "messagepack" or "jsonl"; the win.serializer action's state. */
  properties[PROP_SERIALIZER] =
    g_param_spec_string ("serializer", NULL, NULL, "auto",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DREY_TYPE_WELCOME_PAGE);
  g_type_ensure (DREY_TYPE_KEY_LIST);
  g_type_ensure (DREY_TYPE_SAMPLE_VIEW);
  g_type_ensure (DREY_TYPE_STORE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, reload_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, serializer_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, serializer_label);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, key_list);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, sample_view);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, store_view);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, store_error_page);

  gtk_widget_class_bind_template_callback (widget_class, _drey_window_update_back);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_child_changed);

  _drey_window_class_add_actions (widget_class);
}

static void
drey_window_init (DreyWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  drey_menu_tooltip_hide_while_open (self->menu_button);
  drey_menu_tooltip_hide_while_open (GTK_MENU_BUTTON (self->serializer_button));

  self->settings = g_settings_new (APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "key-sort", self->key_list, "sort-by", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "key-sort-reversed", self->key_list, "sort-reversed", G_SETTINGS_BIND_DEFAULT);
  self->key_model = drey_key_model_new ();
  drey_key_list_set_model (self->key_list, self->key_model);
  self->undos = g_ptr_array_new_with_free_func (g_object_unref);

  g_signal_connect_object (self->key_list, "notify::selected-key", G_CALLBACK (selected_key_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "step-out", G_CALLBACK (sample_view_step_out),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "show-toast", G_CALLBACK (sample_view_toast),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_list, "store-activated", G_CALLBACK (store_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_list, "key-activated", G_CALLBACK (key_picked),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_list, "key-clicked", G_CALLBACK (key_picked),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "notify::can-go-back", G_CALLBACK (_drey_window_update_back),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->content_stack, "notify::visible-child", G_CALLBACK (_drey_window_update_back),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drey_store_view_get_gallery (self->store_view), "sample-activated",
                           G_CALLBACK (sample_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drey_store_view_get_overview (self->store_view), "sample-activated",
                           G_CALLBACK (sample_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drey_store_view_get_table (self->store_view), "sample-activated",
                           G_CALLBACK (sample_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_model, "notify::error", G_CALLBACK (key_list_error_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_model, "notify::loading", G_CALLBACK (key_list_loading_changed),
                           self, G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
  _drey_window_update_header (self);
  _drey_window_update_back (self);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
}
