/* drey-shard-undo.h: what puts a saved or deleted shard back as it was
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SHARD_UNDO (drey_shard_undo_get_type ())

G_DECLARE_FINAL_TYPE (DreyShardUndo, drey_shard_undo, DREY, SHARD_UNDO, GObject)

DreyShardUndo *drey_shard_undo_new            (SqStore        *store,
                                               const char     *key,
                                               GFile          *stash,
                                               gboolean        deleted);
SqStore       *drey_shard_undo_get_store      (DreyShardUndo  *self);
const char    *drey_shard_undo_get_key        (DreyShardUndo  *self);
gboolean       drey_shard_undo_get_deleted    (DreyShardUndo  *self);
gboolean       drey_shard_undo_get_restores   (DreyShardUndo  *self);
void           drey_shard_undo_run_async      (DreyShardUndo        *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       drey_shard_undo_run_finish     (DreyShardUndo        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void           drey_shard_undo_forget         (DreyShardUndo  *self);

G_END_DECLS
