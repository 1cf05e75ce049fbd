/* drey-new-shard-dialog.h: New Shard: a key and where the samples come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_NEW_SHARD_DIALOG (drey_new_shard_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DreyNewShardDialog, drey_new_shard_dialog, DREY, NEW_SHARD_DIALOG, AdwWindow)

DreyNewShardDialog *drey_new_shard_dialog_new       (SqStore            *store,
                                                     const char         *shown_key,
                                                     GPtrArray          *shown_samples);
const char         *drey_new_shard_dialog_get_key   (DreyNewShardDialog *self);
void                drey_new_shard_dialog_set_key   (DreyNewShardDialog *self,
                                                     const char         *key);
void                drey_new_shard_dialog_set_files (DreyNewShardDialog *self,
                                                     GFile             **files,
                                                     guint               n_files);

G_END_DECLS
