/* drey-window.c: a window on one store
 *
 * Before a store is open the window shows the welcome page. Opening one
 * checks the folder on a worker, then hands the store to the key list
 * (left) and the sample view (right); picking a key loads its shard.
 * Every store opened goes to the recent files, for the welcome page.
 *
 * The window also owns every write to the store: Save, New Shard and
 * Delete Shard. Before a shard is replaced or deleted its bytes are
 * stashed (a hard link in the store's folder), so the toast's Undo puts
 * back exactly the file that was there. Anything that would drop unsaved
 * edits (another key, reload, another store, closing) asks first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-key-list.h"
#include "drey-new-shard-dialog.h"
#include "drey-sample-view.h"
#include "drey-welcome-page.h"
#include "drey-window.h"

struct _DreyWindow
{
  AdwApplicationWindow parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *reload_button;
  GtkWidget           *serializer_button;
  GtkLabel            *serializer_label;
  GtkWidget           *save_button;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  DreyWelcomePage     *welcome_page;
  DreyKeyList         *key_list;
  DreyKeyModel        *key_model;
  DreySampleView      *sample_view;
  AdwStatusPage       *store_error_page;

  GSettings           *settings;
  SqStore             *store;
  GCancellable        *open_cancellable;
  GCancellable        *detect_cancellable;
  GtkFileChooserNative *chooser;

  char                *read_only_reason;
  GCancellable        *save_cancellable;
  /* What to do once unsaved edits are saved or dropped. */
  struct Continuation *pending;
  /* A key the user agreed to replace (a new shard on an existing key, or
   * a shard that changed on disk since it was read). */
  char                *replace_confirmed_key;
  /* The shard on screen as it was on disk when read: size and mtime. */
  char                *disk_stamp_key;
  char                *disk_stamp;
  /* The key to select once the key list has been listed again. */
  char                *select_after_listing;
  /* Set while the window itself moves the key list's selection. */
  gboolean             ignore_selection;
  gboolean             close_confirmed;
  /* Stashes still undoable by a toast: (GFile) -> (char *) key. */
  GHashTable          *stashes;
  AdwToast            *last_toast;
};

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

static void
show_store_error (DreyWindow *self,
                  const char *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  adw_status_page_set_description (self->store_error_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "store-error");
}

static void update_header (DreyWindow *self);

static void
store_serializer_changed (DreyWindow *self)
{
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIALIZER]);
}

static void
set_store (DreyWindow *self,
           SqStore    *store)
{
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      /* On a worker: the header says when the shards disagree, or do
       * not tell, which serializer wrote them. */
      self->detect_cancellable = g_cancellable_new ();
      sq_store_detect_serializer_async (store, self->detect_cancellable, NULL, NULL);
      g_signal_connect_object (store, "notify::serializer-source", G_CALLBACK (store_serializer_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "notify::serializer", G_CALLBACK (store_serializer_changed), self,
                               G_CONNECT_SWAPPED);
    }

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
  drey_sample_view_set_read_only (self->sample_view, self->read_only_reason);
  drey_key_model_set_store (self->key_model, store);
  update_header (self);
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
  key = drey_sample_view_get_key (self->sample_view);
  if (key != NULL && !drey_sample_view_get_modified (self->sample_view) &&
      !drey_sample_view_get_is_new (self->sample_view))
    {
      g_autofree char *again = g_strdup (key);

      drey_sample_view_load (self->sample_view, again);
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
  g_clear_pointer (&self->read_only_reason, g_free);
  /* Not every backend answers: a store is writable unless it says no. */
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE))
    self->read_only_reason = g_strdup_printf (_("You cannot write to %s, so this store is read-only"), path);
  set_store (self, store);
  gtk_stack_set_visible_child_name (self->stack, "store");
  remember_store (location);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_list));
}

/**
 * drey_window_open_store:
 * @location: the store's folder (a path or any GIO location)
 *
 * Opens the store at @location (after asking about unsaved edits); a
 * folder that is missing or unreadable is said so in the window.
 */
static void
open_store_now (DreyWindow *self,
                GFile      *location)
{
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  g_file_query_info_async (location, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE,
                           G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->open_cancellable, query_done, g_object_ref (self));
}

/* ---- unsaved edits ------------------------------------------------------ */

typedef enum
{
  THEN_LOAD_KEY,
  THEN_RELOAD,
  THEN_OPEN_STORE,
  THEN_CLOSE,
  THEN_NEW_SHARD,
} Then;

struct Continuation
{
  Then   then;
  char  *key;
  GFile *location;
};

typedef struct Continuation Continuation;

static Continuation *
continuation_new (Then        then,
                  const char *key,
                  GFile      *location)
{
  Continuation *c = g_new0 (Continuation, 1);

  c->then = then;
  c->key = g_strdup (key);
  c->location = location != NULL ? g_object_ref (location) : NULL;
  return c;
}

static void
continuation_free (Continuation *c)
{
  g_free (c->key);
  g_clear_object (&c->location);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Continuation, continuation_free)

static void open_store_now     (DreyWindow *self,
                                GFile      *location);
static void reload_now         (DreyWindow *self);
static void present_new_shard  (DreyWindow *self);
static void start_save         (DreyWindow *self);

/* The key list shows what the sample view shows again. */
static void
sync_key_selection (DreyWindow *self)
{
  const char *key = drey_sample_view_get_key (self->sample_view);

  self->ignore_selection = TRUE;
  if (key == NULL || drey_sample_view_get_is_new (self->sample_view) ||
      !drey_key_list_select_key (self->key_list, key))
    drey_key_list_unselect (self->key_list);
  self->ignore_selection = FALSE;
}

static void
run_continuation (DreyWindow   *self,
                  Continuation *c)
{
  switch (c->then)
    {
    case THEN_LOAD_KEY:
      drey_sample_view_load (self->sample_view, c->key);
      break;
    case THEN_RELOAD:
      reload_now (self);
      break;
    case THEN_OPEN_STORE:
      open_store_now (self, c->location);
      break;
    case THEN_CLOSE:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case THEN_NEW_SHARD:
      present_new_shard (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The user kept the edits: undo what asked. */
static void
cancel_continuation (DreyWindow   *self,
                     Continuation *c)
{
  if (c->then == THEN_LOAD_KEY)
    sync_key_selection (self);
}

static void
finish_pending (DreyWindow *self,
                gboolean    go_on)
{
  g_autoptr(Continuation) c = g_steal_pointer (&self->pending);

  if (c == NULL)
    return;
  if (go_on)
    run_continuation (self, c);
  else
    cancel_continuation (self, c);
}

static void
unsaved_response (AdwMessageDialog *dialog,
                  const char       *response,
                  DreyWindow       *self)
{
  if (g_str_equal (response, "save"))
    start_save (self);
  else
    finish_pending (self, g_str_equal (response, "discard"));
}

/* Runs @c now, or once the user has saved or dropped the edits. */
static void
then_unless_unsaved (DreyWindow   *self,
                     Continuation *c)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  drey_sample_view_commit_editing (self->sample_view);
  if (!drey_sample_view_get_modified (self->sample_view))
    {
      run_continuation (self, c);
      continuation_free (c);
      return;
    }
  if (self->pending != NULL)
    {
      /* Already asking, or saving first: the newest request wins. */
      Continuation *old = g_steal_pointer (&self->pending);

      cancel_continuation (self, old);
      continuation_free (old);
      self->pending = c;
      return;
    }
  self->pending = c;
  body = g_strdup_printf (_("“%s” has unsaved edits. If you don’t save them, they are lost."),
                          drey_sample_view_get_key (self->sample_view));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  if (self->read_only_reason == NULL)
    {
      adw_message_dialog_add_response (dialog, "save", _("_Save"));
      adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "save");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- toasts and Undo ---------------------------------------------------- */

/* An Undo: put @stash back as @key in @store; no stash means the key was
 * not there before. */
typedef struct
{
  SqStore *store;
  char    *key;
  GFile   *stash;
  char    *done_message;
} Undo;

static void
undo_free (Undo *undo)
{
  g_clear_object (&undo->store);
  g_free (undo->key);
  g_clear_object (&undo->stash);
  g_free (undo->done_message);
  g_free (undo);
}

static void
toast_dismissed (AdwToast   *toast,
                 DreyWindow *self)
{
  if (self->last_toast == toast)
    g_clear_weak_pointer (&self->last_toast);
}

/* One toast at a time, the newest: an older Undo left queued behind it
 * would come back later and undo this change with its own. (Never
 * ADW_TOAST_PRIORITY_HIGH: libadwaita 1.2 asserts when a toast it pushed
 * back into the queue is shown again.) */
static void
show_toast (DreyWindow *self,
            AdwToast   *toast)
{
  if (self->last_toast != NULL)
    {
      AdwToast *old = self->last_toast;

      g_clear_weak_pointer (&self->last_toast);
      adw_toast_dismiss (old);
    }
  g_set_weak_pointer (&self->last_toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (DreyWindow *self,
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
forget_stash (DreyWindow *self,
              GFile      *stash,
              gboolean    delete)
{
  if (stash == NULL || self->stashes == NULL || !g_hash_table_contains (self->stashes, stash))
    return;
  if (delete)
    g_file_delete_async (stash, G_PRIORITY_LOW, NULL, NULL, NULL);
  g_hash_table_remove (self->stashes, stash);
}

static void
undo_toast_dismissed (AdwToast   *toast,
                      DreyWindow *self)
{
  Undo *undo = g_object_get_data (G_OBJECT (toast), "drey-undo");

  /* Too late to undo: the stashed bytes are not needed any more. */
  forget_stash (self, undo->stash, TRUE);
}

static void
undo_clicked (AdwToast   *toast,
              DreyWindow *self)
{
  Undo *undo = g_object_get_data (G_OBJECT (toast), "drey-undo");
  g_autoptr(GError) error = NULL;
  gboolean showing = g_strcmp0 (drey_sample_view_get_key (self->sample_view), undo->key) == 0 &&
                     !drey_sample_view_get_modified (self->sample_view);

  if (self->stashes == NULL || (undo->stash != NULL && !g_hash_table_contains (self->stashes, undo->stash)))
    return;
  if (!sq_store_unstash_shard (undo->store, undo->key, undo->stash, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot undo: %s"), error->message);

      forget_stash (self, undo->stash, FALSE);
      show_error (self, message);
      return;
    }
  forget_stash (self, undo->stash, FALSE);
  if (undo->store != self->store)
    return;

  if (undo->stash != NULL)
    {
      /* The shard is back: show it as it is on disk again. */
      g_free (self->select_after_listing);
      self->select_after_listing = g_strdup (undo->key);
      if (showing)
        drey_sample_view_load (self->sample_view, undo->key);
    }
  else if (showing)
    drey_sample_view_load (self->sample_view, NULL);
  drey_key_model_reload (self->key_model);
  show_toast (self, adw_toast_new (undo->done_message));
}

static void
show_undo_toast (DreyWindow *self,
                 const char *title,
                 Undo       *undo)
{
  AdwToast *toast = adw_toast_new (title);

  if (undo->stash != NULL)
    g_hash_table_insert (self->stashes, g_object_ref (undo->stash), g_strdup (undo->key));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "drey-undo", undo, (GDestroyNotify) undo_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed), self, 0);
  show_toast (self, toast);
}

/* ---- saving ------------------------------------------------------------- */

typedef struct
{
  DreyWindow *self;
  SqStore    *store;
  char       *key;
  GFile      *stash;
  gboolean    was_new;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->self);
  g_clear_object (&save->store);
  g_free (save->key);
  g_clear_object (&save->stash);
  g_free (save);
}

/* Size and modification time: what changes when anyone writes the shard. */
static char *
shard_stamp (SqStore    *store,
             const char *key)
{
  g_autoptr(GFile) file = sq_store_get_shard_file (store, key);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  if (info == NULL)
    return NULL;
  return g_strdup_printf ("%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT ".%06u", g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
}

static void
remember_stamp (DreyWindow *self,
                const char *key)
{
  g_free (self->disk_stamp_key);
  g_free (self->disk_stamp);
  self->disk_stamp_key = g_strdup (key);
  self->disk_stamp = key != NULL && self->store != NULL ? shard_stamp (self->store, key) : NULL;
}

static void
save_progress (guint64  done,
               guint64  total,
               gpointer user_data)
{
  DreyWindow *self = user_data;

  drey_sample_view_set_save_progress (self->sample_view, done, total);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Save *save = user_data;
  DreyWindow *self = save->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = sq_store_set_finish (SQ_STORE (object), result, &error);
  Undo *undo;
  g_autofree char *title = NULL;

  g_clear_object (&self->save_cancellable);
  drey_sample_view_set_saving (self->sample_view, FALSE);
  if (written == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” was not saved: %s"), save->key, error->message);

      /* The shard on disk is untouched, and the edits are still here. */
      if (save->stash != NULL)
        g_file_delete (save->stash, NULL, NULL);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, message);
      if (g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_MIXED_SERIALIZERS))
        gtk_menu_button_popup (GTK_MENU_BUTTON (self->serializer_button));
      finish_pending (self, FALSE);
      update_header (self);
      save_free (save);
      return;
    }

  if (g_strcmp0 (drey_sample_view_get_key (self->sample_view), save->key) == 0)
    {
      drey_sample_view_mark_saved (self->sample_view);
      remember_stamp (self, save->key);
    }
  g_clear_pointer (&self->replace_confirmed_key, g_free);
  if (save->was_new)
    {
      g_free (self->select_after_listing);
      self->select_after_listing = g_strdup (save->key);
    }
  drey_key_model_reload (self->key_model);

  undo = g_new0 (Undo, 1);
  undo->store = g_object_ref (save->store);
  undo->key = g_strdup (save->key);
  undo->stash = g_steal_pointer (&save->stash);
  undo->done_message = g_strdup_printf (undo->stash != NULL ? _("Restored the previous “%s”")
                                                            : _("Removed “%s” again"), save->key);
  title = g_strdup_printf (_("Saved “%s”"), save->key);
  show_undo_toast (self, title, undo);
  save_free (save);
  update_header (self);
  finish_pending (self, TRUE);
}

static void
replace_response (AdwMessageDialog *dialog,
                  const char       *response,
                  DreyWindow       *self)
{
  if (!g_str_equal (response, "replace"))
    {
      finish_pending (self, FALSE);
      return;
    }
  g_free (self->replace_confirmed_key);
  self->replace_confirmed_key = g_strdup (drey_sample_view_get_key (self->sample_view));
  start_save (self);
}

static void
ask_replace (DreyWindow *self,
             const char *key,
             gboolean    changed_on_disk)
{
  AdwMessageDialog *dialog;
  g_autofree char *title = g_strdup_printf (_("Replace Shard “%s”?"), key);
  const char *body = changed_on_disk
                     ? _("The shard changed on disk since Drey read it: someone else wrote it. "
                         "Saving replaces their version with yours; Undo brings theirs back.")
                     : _("The store already has a shard with this key. Saving replaces it; Undo brings it back.");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), title, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Writes the samples on screen as their key, atomically, on a worker. */
static void
start_save (DreyWindow *self)
{
  const char *key = drey_sample_view_get_key (self->sample_view);
  gboolean is_new = drey_sample_view_get_is_new (self->sample_view);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) stash = NULL;
  Save *save;

  if (self->store == NULL || key == NULL || self->save_cancellable != NULL || self->read_only_reason != NULL)
    return;
  file = sq_store_get_shard_file (self->store, key);
  /* One stat, to ask before a new shard takes an existing key, or before
   * an edited one overwrites what someone else wrote since it was read. */
  if (g_strcmp0 (self->replace_confirmed_key, key) != 0)
    {
      if (is_new && g_file_query_exists (file, NULL))
        {
          ask_replace (self, key, FALSE);
          return;
        }
      if (!is_new && g_strcmp0 (self->disk_stamp_key, key) == 0)
        {
          g_autofree char *now = shard_stamp (self->store, key);

          if (g_strcmp0 (now, self->disk_stamp) != 0)
            {
              ask_replace (self, key, TRUE);
              return;
            }
        }
    }

  stash = sq_store_stash_shard (self->store, key, TRUE, NULL, &error);
  if (stash == NULL && !g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” was not saved: %s"), key, error->message);

      /* Without a stash there is no Undo: better not to write at all. */
      show_error (self, message);
      finish_pending (self, FALSE);
      return;
    }

  save = g_new0 (Save, 1);
  save->self = g_object_ref (self);
  save->store = g_object_ref (self->store);
  save->key = g_strdup (key);
  save->stash = g_steal_pointer (&stash);
  save->was_new = is_new;
  samples = drey_sample_view_dup_samples (self->sample_view);
  self->save_cancellable = g_cancellable_new ();
  drey_sample_view_set_saving (self->sample_view, TRUE);
  update_header (self);
  sq_store_set_async (self->store, key, samples, self->save_cancellable,
                      save_progress, g_object_ref (self), g_object_unref, save_done, save);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  /* Ctrl+S while typing saves what is typed. */
  drey_sample_view_commit_editing (self->sample_view);
  if (drey_sample_view_get_modified (self->sample_view))
    start_save (self);
}

/* ---- new and deleted shards --------------------------------------------- */

static void
new_shard_created (DreyNewShardDialog *dialog,
                   const char         *key,
                   GPtrArray          *samples,
                   gboolean            replaces_existing,
                   DreyWindow         *self)
{
  g_free (self->replace_confirmed_key);
  self->replace_confirmed_key = replaces_existing ? g_strdup (key) : NULL;
  drey_sample_view_open_new (self->sample_view, key, samples);
  sync_key_selection (self);
  update_header (self);
}

static void
present_new_shard (DreyWindow *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  const char *shown_key = NULL;
  DreyNewShardDialog *dialog;

  if (self->store == NULL || self->read_only_reason != NULL)
    return;
  if (g_str_equal (drey_sample_view_get_state (self->sample_view), "samples"))
    {
      shown = drey_sample_view_dup_samples (self->sample_view);
      shown_key = drey_sample_view_get_key (self->sample_view);
    }
  dialog = drey_new_shard_dialog_new (self->store, shown_key, shown);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_object (dialog, "create", G_CALLBACK (new_shard_created), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_shard_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);

  then_unless_unsaved (self, continuation_new (THEN_NEW_SHARD, NULL, NULL));
}

static void
delete_response (AdwMessageDialog *dialog,
                 const char       *response,
                 DreyWindow       *self)
{
  const char *key = g_object_get_data (G_OBJECT (dialog), "drey-key");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) stash = NULL;
  g_autofree char *title = NULL;
  Undo *undo;

  if (!g_str_equal (response, "delete") || self->store == NULL)
    return;
  if (drey_sample_view_get_is_new (self->sample_view) &&
      g_strcmp0 (drey_sample_view_get_key (self->sample_view), key) == 0)
    {
      /* Never written: there is nothing on disk to delete. */
      drey_sample_view_load (self->sample_view, NULL);
      sync_key_selection (self);
      update_header (self);
      return;
    }

  /* A rename into the stash: the shard goes at once, and Undo is exact. */
  stash = sq_store_stash_shard (self->store, key, FALSE, NULL, &error);
  if (stash == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” was not deleted: %s"), key, error->message);

      show_error (self, message);
      return;
    }
  if (g_strcmp0 (drey_sample_view_get_key (self->sample_view), key) == 0)
    drey_sample_view_load (self->sample_view, NULL);
  drey_key_model_reload (self->key_model);

  undo = g_new0 (Undo, 1);
  undo->store = g_object_ref (self->store);
  undo->key = g_strdup (key);
  undo->stash = g_steal_pointer (&stash);
  undo->done_message = g_strdup_printf (_("Restored “%s”"), key);
  title = g_strdup_printf (_("Deleted “%s”"), key);
  show_undo_toast (self, title, undo);
  update_header (self);
}

static void
delete_shard_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DreyWindow *self = DREY_WINDOW (widget);
  const char *key = drey_sample_view_get_key (self->sample_view);
  AdwMessageDialog *dialog;
  g_autofree char *title = NULL;
  const char *body;

  if (key == NULL || self->store == NULL || self->read_only_reason != NULL)
    return;
  title = g_strdup_printf (_("Delete Shard “%s”?"), key);
  if (drey_sample_view_get_is_new (self->sample_view))
    body = _("The new shard has not been saved; its samples are dropped.");
  else if (drey_sample_view_get_modified (self->sample_view))
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

/* ---- the header --------------------------------------------------------- */

static void
update_header (DreyWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean modified = drey_sample_view_get_modified (self->sample_view);
  gboolean saving = self->save_cancellable != NULL;
  gboolean writable = self->store != NULL && self->read_only_reason == NULL;
  const char *key = drey_sample_view_get_key (self->sample_view);
  const char *state = drey_sample_view_get_state (self->sample_view);

  if (self->store != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (sq_store_get_location (self->store));
      g_autofree char *subtitle = NULL;

      SqSerializerSource source = sq_store_get_serializer_source (self->store);
      g_autofree char *explained = NULL;

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
  gtk_widget_action_set_enabled (widget, "win.save", modified && writable && !saving);
  gtk_widget_action_set_enabled (widget, "win.new-shard", writable && !saving);
  gtk_widget_action_set_enabled (widget, "win.delete-shard",
                                 writable && !saving && key != NULL &&
                                 (g_str_equal (state, "samples") || g_str_equal (state, "error")));
}

void
drey_window_open_store (DreyWindow *self,
                        GFile      *location)
{
  g_return_if_fail (DREY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (location));

  then_unless_unsaved (self, continuation_new (THEN_OPEN_STORE, NULL, location));
}

/* ---- wiring between the panes ----------------------------------------- */

static void
selected_key_changed (DreyWindow *self)
{
  const char *key = drey_key_list_get_selected_key (self->key_list);

  if (self->ignore_selection)
    return;
  if (key != NULL && g_strcmp0 (key, drey_sample_view_get_key (self->sample_view)) == 0 &&
      !g_str_equal (drey_sample_view_get_state (self->sample_view), "empty"))
    return;
  /* A list that lost its selection (a reload) leaves edits on screen. */
  if (key == NULL && drey_sample_view_get_modified (self->sample_view))
    return;
  then_unless_unsaved (self, continuation_new (THEN_LOAD_KEY, key, NULL));
}

static void
key_list_loading_changed (DreyWindow *self)
{
  g_autofree char *key = NULL;

  if (drey_key_model_get_loading (self->key_model))
    return;
  /* A listing again (after a save) forgets the sample counts it showed. */
  if (g_str_equal (drey_sample_view_get_state (self->sample_view), "samples") &&
      !drey_sample_view_get_is_new (self->sample_view))
    drey_key_model_set_n_samples (self->key_model, drey_sample_view_get_key (self->sample_view),
                                    drey_sample_view_get_n_samples (self->sample_view));
  if (self->select_after_listing == NULL)
    return;
  key = g_steal_pointer (&self->select_after_listing);
  drey_key_list_select_key (self->key_list, key);
}

static void
samples_loaded (DreyWindow *self,
                const char *key,
                guint       n_samples)
{
  drey_key_model_set_n_samples (self->key_model, key, n_samples);
  /* Taken just after the read: a write in that moment goes unnoticed. */
  remember_stamp (self, key);
}

static void
key_list_error_changed (DreyWindow *self)
{
  const GError *error = drey_key_model_get_error (self->key_model);

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

  then_unless_unsaved (self, continuation_new (THEN_RELOAD, NULL, NULL));
}

static void
reload_now (DreyWindow *self)
{
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
  drey_key_model_reload (self->key_model);
  /* A new shard never saved has nothing on disk to read again. */
  if (drey_sample_view_get_is_new (self->sample_view))
    g_clear_pointer (&key, g_free);
  drey_sample_view_load (self->sample_view, key);
  sync_key_selection (self);
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

  drey_sample_view_commit_editing (self->sample_view);
  if (!self->close_confirmed && (drey_sample_view_get_modified (self->sample_view) ||
                                 self->save_cancellable != NULL))
    {
      then_unless_unsaved (self, continuation_new (THEN_CLOSE, NULL, NULL));
      if (drey_sample_view_get_modified (self->sample_view))
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
  g_clear_pointer (&self->pending, continuation_free);
  if (self->stashes != NULL)
    {
      GHashTableIter iter;
      gpointer stash;

      /* The window is going: its Undos go with it. */
      g_hash_table_iter_init (&iter, self->stashes);
      while (g_hash_table_iter_next (&iter, &stash, NULL))
        g_file_delete (stash, NULL, NULL);
      g_clear_pointer (&self->stashes, g_hash_table_unref);
    }
  g_clear_weak_pointer (&self->last_toast);
  if (self->key_model != NULL)
    {
      /* Its listing stops; nothing of the window hears of it. */
      g_signal_handlers_disconnect_by_data (self->key_model, self);
      drey_key_model_set_store (self->key_model, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_WINDOW);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->key_model);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->read_only_reason, g_free);
  g_clear_pointer (&self->replace_confirmed_key, g_free);
  g_clear_pointer (&self->select_after_listing, g_free);
  g_clear_pointer (&self->disk_stamp_key, g_free);
  g_clear_pointer (&self->disk_stamp, g_free);
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
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, reload_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, serializer_button);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, serializer_label);
  gtk_widget_class_bind_template_child (widget_class, DreyWindow, save_button);
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
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.new-shard", NULL, new_shard_action);
  gtk_widget_class_install_action (widget_class, "win.delete-shard", NULL, delete_shard_action);
  gtk_widget_class_install_property_action (widget_class, "win.serializer", "serializer");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-shard", NULL);
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
  self->key_model = drey_key_model_new ();
  drey_key_list_set_model (self->key_list, self->key_model);

  g_signal_connect_object (self->key_list, "notify::selected-key", G_CALLBACK (selected_key_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_model, "notify::error", G_CALLBACK (key_list_error_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "loaded", G_CALLBACK (samples_loaded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "notify::modified", G_CALLBACK (update_header),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "notify::state", G_CALLBACK (update_header),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sample_view, "notify::key", G_CALLBACK (update_header),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_model, "notify::loading", G_CALLBACK (key_list_loading_changed),
                           self, G_CONNECT_SWAPPED);
  self->stashes = g_hash_table_new_full (g_file_hash, (GEqualFunc) g_file_equal, g_object_unref, g_free);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
  update_header (self);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
}
