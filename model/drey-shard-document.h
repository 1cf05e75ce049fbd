/* drey-shard-document.h: the shard on screen: its samples, their edits,
 * and loading, saving and deleting it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-sample-node.h"
#include "drey-shard-cache.h"
#include "drey-shard-undo.h"
#include "sq.h"

G_BEGIN_DECLS

/**
 * DreyShardState:
 * @DREY_SHARD_STATE_EMPTY: no shard
 * @DREY_SHARD_STATE_LOADING: its samples are being read, and shown as they
 *   come; no edit and no save until they are all there
 * @DREY_SHARD_STATE_LOADED: its samples are there (a new shard, not saved
 *   yet, too)
 * @DREY_SHARD_STATE_FAILED: it could not be read (drey_shard_document_get_error());
 *   the samples before the error are shown, and cannot be edited
 */
typedef enum
{
  DREY_SHARD_STATE_EMPTY,
  DREY_SHARD_STATE_LOADING,
  DREY_SHARD_STATE_LOADED,
  DREY_SHARD_STATE_FAILED,
} DreyShardState;

/**
 * DreySaveFlags:
 * @DREY_SAVE_FLAGS_NONE: refuse to write over a shard the document did not
 *   read (a new shard on a key that exists) or that changed on disk since
 * @DREY_SAVE_FLAGS_REPLACE: the user agreed: write over it
 */
typedef enum
{
  DREY_SAVE_FLAGS_NONE = 0,
  DREY_SAVE_FLAGS_REPLACE = 1 << 0,
} DreySaveFlags;

/**
 * DreyShardDocumentError:
 * @DREY_SHARD_DOCUMENT_ERROR_EXISTS: a new shard's key is taken
 * @DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK: someone else wrote the shard
 *   since the document read it
 * @DREY_SHARD_DOCUMENT_ERROR_BUSY: a save or delete is running
 *
 * What a save or delete refused; errors of the store keep their domain.
 */
typedef enum
{
  DREY_SHARD_DOCUMENT_ERROR_EXISTS,
  DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK,
  DREY_SHARD_DOCUMENT_ERROR_BUSY,
} DreyShardDocumentError;

#define DREY_SHARD_DOCUMENT_ERROR (drey_shard_document_error_quark ())
GQuark drey_shard_document_error_quark (void);

#define DREY_TYPE_SHARD_STATE (drey_shard_state_get_type ())
GType  drey_shard_state_get_type (void) G_GNUC_CONST;

#define DREY_TYPE_SHARD_DOCUMENT (drey_shard_document_get_type ())

G_DECLARE_FINAL_TYPE (DreyShardDocument, drey_shard_document, DREY, SHARD_DOCUMENT, GObject)

DreyShardDocument *drey_shard_document_new            (SqStore            *store);
SqStore           *drey_shard_document_get_store      (DreyShardDocument  *self);
const char        *drey_shard_document_get_key        (DreyShardDocument  *self);
DreyShardState     drey_shard_document_get_state      (DreyShardDocument  *self);
const GError      *drey_shard_document_get_error      (DreyShardDocument  *self);
GListModel        *drey_shard_document_get_samples    (DreyShardDocument  *self);
guint              drey_shard_document_get_n_samples  (DreyShardDocument  *self);
GPtrArray         *drey_shard_document_dup_samples    (DreyShardDocument  *self);
gboolean           drey_shard_document_get_modified   (DreyShardDocument  *self);
gboolean           drey_shard_document_get_is_new     (DreyShardDocument  *self);
gboolean           drey_shard_document_get_busy       (DreyShardDocument  *self);
DreyShardCache    *drey_shard_document_get_cache      (DreyShardDocument  *self);
void               drey_shard_document_get_progress   (DreyShardDocument  *self,
                                                       guint64            *done,
                                                       guint64            *total);

void               drey_shard_document_load_async     (DreyShardDocument   *self,
                                                       const char          *key,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           drey_shard_document_load_finish    (DreyShardDocument   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void               drey_shard_document_close          (DreyShardDocument  *self);
void               drey_shard_document_open_new       (DreyShardDocument  *self,
                                                       const char         *key,
                                                       GPtrArray          *samples);

DreySampleNode    *drey_shard_document_insert_sample  (DreyShardDocument  *self,
                                                       guint               index,
                                                       SqValue            *value);
gboolean           drey_shard_document_move_sample    (DreyShardDocument  *self,
                                                       DreySampleNode     *sample,
                                                       gboolean            up);
DreySampleNode    *drey_shard_document_add_value      (DreyShardDocument  *self,
                                                       DreySampleNode     *container,
                                                       guint               index,
                                                       SqValue            *key,
                                                       SqValue            *value,
                                                       GError            **error);
void               drey_shard_document_remove         (DreyShardDocument  *self,
                                                       DreySampleNode     *node);
void               drey_shard_document_set_value      (DreyShardDocument  *self,
                                                       DreySampleNode     *node,
                                                       SqValue            *value);
gboolean           drey_shard_document_rename         (DreyShardDocument  *self,
                                                       DreySampleNode     *node,
                                                       SqValue            *key,
                                                       GError            **error);

void               drey_shard_document_save_async     (DreyShardDocument   *self,
                                                       DreySaveFlags        flags,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
DreyShardUndo     *drey_shard_document_save_finish    (DreyShardDocument   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void               drey_shard_document_delete_async   (DreyShardDocument   *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
DreyShardUndo     *drey_shard_document_delete_finish  (DreyShardDocument   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
