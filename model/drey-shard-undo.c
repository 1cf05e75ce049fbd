/* drey-shard-undo.c: what puts a saved or deleted shard back as it was
 *
 * Before a shard is replaced or deleted its bytes are stashed in the
 * store's folder (sq_store_stash_shard(): a hard link or a rename to a
 * hidden name squirrel never lists). Running the undo renames the stash
 * back over the key, so the shard is exactly the file that was there; an
 * undo without a stash (the key was new) removes the key again. Forgetting
 * it deletes the stash, once nothing can undo any more. Both on workers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-shard-undo"

#include "config.h"

#include "drey-shard-undo.h"

struct _DreyShardUndo
{
  GObject   parent_instance;

  SqStore  *store;
  char     *key;
  GFile    *stash;    /* NULL: the key was not there before */
  gboolean  deleted;  /* a delete, not a save */
  gboolean  spent;    /* run or forgotten */
};

G_DEFINE_FINAL_TYPE (DreyShardUndo, drey_shard_undo, G_TYPE_OBJECT)

static void
drey_shard_undo_finalize (GObject *object)
{
  DreyShardUndo *self = DREY_SHARD_UNDO (object);

  g_clear_object (&self->store);
  g_clear_object (&self->stash);
  g_free (self->key);
  G_OBJECT_CLASS (drey_shard_undo_parent_class)->finalize (object);
}

static void
drey_shard_undo_class_init (DreyShardUndoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = drey_shard_undo_finalize;
}

static void
drey_shard_undo_init (DreyShardUndo *self)
{
}

/**
 * drey_shard_undo_new:
 * @stash: (nullable): the shard's bytes as they were, or %NULL if the key
 *   was not in the store before
 * @deleted: whether the shard was deleted (else saved)
 */
DreyShardUndo *
drey_shard_undo_new (SqStore    *store,
                     const char *key,
                     GFile      *stash,
                     gboolean    deleted)
{
  DreyShardUndo *self;

  g_return_val_if_fail (SQ_IS_STORE (store), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (stash == NULL || G_IS_FILE (stash), NULL);

  self = g_object_new (DREY_TYPE_SHARD_UNDO, NULL);
  self->store = g_object_ref (store);
  self->key = g_strdup (key);
  self->stash = stash != NULL ? g_object_ref (stash) : NULL;
  self->deleted = deleted;
  return self;
}

SqStore *
drey_shard_undo_get_store (DreyShardUndo *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_UNDO (self), NULL);
  return self->store;
}

const char *
drey_shard_undo_get_key (DreyShardUndo *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_UNDO (self), NULL);
  return self->key;
}

gboolean
drey_shard_undo_get_deleted (DreyShardUndo *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_UNDO (self), FALSE);
  return self->deleted;
}

/**
 * drey_shard_undo_get_restores:
 *
 * Returns: whether running the undo brings a shard back (else it removes
 *   the key again: a shard that was new)
 */
gboolean
drey_shard_undo_get_restores (DreyShardUndo *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_UNDO (self), FALSE);
  return self->stash != NULL;
}

static void
unstash_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DreyShardUndo *self = source_object;
  GError *error = NULL;

  if (sq_store_unstash_shard (self->store, self->key, self->stash, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * drey_shard_undo_run_async:
 *
 * Puts the shard back as it was (or removes a key that was new), on a
 * worker. An undo runs once; after drey_shard_undo_forget() it fails.
 */
void
drey_shard_undo_run_async (DreyShardUndo       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DREY_IS_SHARD_UNDO (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_shard_undo_run_async);
  if (self->spent)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "it is too late to undo this");
      return;
    }
  self->spent = TRUE;
  g_task_run_in_thread (task, unstash_thread);
}

gboolean
drey_shard_undo_run_finish (DreyShardUndo  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_shard_undo_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * drey_shard_undo_forget:
 *
 * Nothing will undo this any more: the stash is deleted (in the
 * background). An undo already run or forgotten is left as it is.
 */
void
drey_shard_undo_forget (DreyShardUndo *self)
{
  g_return_if_fail (DREY_IS_SHARD_UNDO (self));

  if (self->spent)
    return;
  self->spent = TRUE;
  if (self->stash != NULL)
    sq_store_drop_stash_async (self->store, self->stash, NULL, NULL, NULL);
}
