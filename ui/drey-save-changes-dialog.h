/* drey-save-changes-dialog.h: "Save Changes?" before unsaved edits go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * DreySaveChangesResponse:
 * @DREY_SAVE_CHANGES_CANCEL: keep the edits, do not go on
 * @DREY_SAVE_CHANGES_DISCARD: drop the edits and go on
 * @DREY_SAVE_CHANGES_SAVE: save the edits, then go on
 */
typedef enum
{
  DREY_SAVE_CHANGES_CANCEL,
  DREY_SAVE_CHANGES_DISCARD,
  DREY_SAVE_CHANGES_SAVE,
} DreySaveChangesResponse;

void                    drey_save_changes_dialog_run_async  (GtkWindow            *parent,
                                                             const char           *key,
                                                             gboolean              can_save,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
DreySaveChangesResponse drey_save_changes_dialog_run_finish (GAsyncResult         *result,
                                                             GError              **error);

G_END_DECLS
