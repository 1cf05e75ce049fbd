/* drey-save-changes-dialog.c: "Save Changes?" before unsaved edits go
 *
 * As GNOME Text Editor's save-changes dialog: a question with an answer,
 * asked with _run_async() and answered with _run_finish(). Closing the
 * dialog, or cancelling the call, is Cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-save-changes-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-save-changes-dialog.h"

static void
dialog_response (AdwMessageDialog *dialog,
                 const char       *response,
                 GTask            *task)
{
  DreySaveChangesResponse answer = DREY_SAVE_CHANGES_CANCEL;

  if (g_str_equal (response, "save"))
    answer = DREY_SAVE_CHANGES_SAVE;
  else if (g_str_equal (response, "discard"))
    answer = DREY_SAVE_CHANGES_DISCARD;
  if (!g_task_get_completed (task))
    g_task_return_int (task, answer);
}

static void
cancelled (GCancellable *cancellable,
           GtkWindow    *dialog)
{
  gtk_window_close (dialog);
}

/**
 * drey_save_changes_dialog_run_async:
 * @parent: the window the dialog belongs to
 * @key: the shard whose edits are not saved
 * @can_save: whether Save is offered (not for a read-only store)
 * @cancellable: (nullable): closes the dialog, answering Cancel
 *
 * Asks whether to save the edits of @key, drop them, or cancel.
 */
void
drey_save_changes_dialog_run_async (GtkWindow           *parent,
                                    const char          *key,
                                    gboolean             can_save,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_save_changes_dialog_run_async);

  body = g_strdup_printf (_("“%s” has unsaved edits. If you don’t save them, they are lost."), key);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Save Changes?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  if (can_save)
    {
      adw_message_dialog_add_response (dialog, "save", _("_Save"));
      adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "save");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* The dialog holds the request while it is open. */
  g_object_set_data_full (G_OBJECT (dialog), "drey-task", g_object_ref (task), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (dialog_response), task);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (cancelled), dialog, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * drey_save_changes_dialog_run_finish:
 *
 * Returns: the answer (%DREY_SAVE_CHANGES_CANCEL also on error)
 */
DreySaveChangesResponse
drey_save_changes_dialog_run_finish (GAsyncResult  *result,
                                     GError       **error)
{
  gssize answer;

  g_return_val_if_fail (g_task_is_valid (result, NULL), DREY_SAVE_CHANGES_CANCEL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_save_changes_dialog_run_async,
                        DREY_SAVE_CHANGES_CANCEL);

  answer = g_task_propagate_int (G_TASK (result), error);
  return answer < 0 ? DREY_SAVE_CHANGES_CANCEL : (DreySaveChangesResponse) answer;
}
