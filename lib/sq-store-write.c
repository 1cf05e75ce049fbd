/* sq-store-write.c: writing a shard atomically, removing it, putting its
 * bytes aside for an Undo and back, and asking whether it changed on disk
 *
 * A set never changes a shard's bytes in place: its backend's put
 * publishes them whole or not at all (a synced temp file renamed over
 * KEY.gz in a directory; one PUT in a bucket), so a reader (or a crash)
 * sees the old shard or the new one. The stash relies on that, and the
 * query (size, time, etag) is the check a window makes before it replaces
 * a shard it read a while ago; the etag then goes with the set as its
 * condition, which a bucket checks in the PUT itself (If-Match), so that
 * a write by someone else between the check and the PUT is not lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-error.h"
#include "sq-shard-writer.h"
#include "sq-store-private.h"
#include "sq-value-private.h"
#include "sq-worker-private.h"

static gboolean
write_shard (SqStore             *self,
             GOutputStream       *stream,
             SqSerializer         serializer,
             const char          *key,
             GPtrArray           *samples,
             SqShardReader       *reader,
             SqThrottle          *throttle,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(SqShardWriter) writer = sq_shard_writer_new (stream, serializer, key);
  guint64 total = 0, done = 0;

  if (reader != NULL)
    {
      /* Sample by sample: progress in compressed bytes read. */
      GError *read_error = NULL;
      SqValue *sample;

      total = (guint64) MAX (sq_shard_reader_get_size (reader), 0);
      _sq_throttle_report (throttle, 0, total, TRUE);
      while ((sample = sq_shard_reader_next (reader, cancellable, &read_error)) != NULL)
        {
          gboolean ok = sq_shard_writer_add (writer, sample, cancellable, error);

          sq_value_unref (sample);
          if (!ok)
            return FALSE;
          _sq_throttle_report (throttle, MIN (sq_shard_reader_get_bytes_read (reader), total), total, FALSE);
        }
      if (read_error != NULL)
        {
          g_propagate_error (error, read_error);
          return FALSE;
        }
    }
  else
    {
      for (guint i = 0; i < samples->len; i++)
        total += _sq_value_cost (g_ptr_array_index (samples, i));
      _sq_throttle_report (throttle, 0, total, TRUE);

      for (guint i = 0; i < samples->len; i++)
        {
          SqValue *sample = g_ptr_array_index (samples, i);

          if (!sq_shard_writer_add (writer, sample, cancellable, error))
            return FALSE;
          done += _sq_value_cost (sample);
          _sq_throttle_report (throttle, done, total, FALSE);
        }
    }
  if (!sq_shard_writer_finish (writer, cancellable, error))
    return FALSE;
  _sq_throttle_report (throttle, total, total, TRUE);
  return TRUE;
}

/* sq_store_set_if() from @samples, or sq_store_set_from_reader() from
 * @reader. */
static char *
set_shard (SqStore             *self,
           const char          *key,
           SqSetCondition       condition,
           const char          *etag,
           GPtrArray           *samples,
           SqShardReader       *reader,
           SqProgressCallback   progress,
           gpointer             progress_data,
           char               **new_etag,
           GCancellable        *cancellable,
           GError             **error);

/**
 * sq_store_set:
 * @key: (nullable): the key; %NULL for a new random one
 * @samples: (element-type SqValue): the shard's samples
 * @progress: (nullable) (scope call): called now and then with bytes of
 *   sample data encoded and their total
 *
 * Writes the shard @key, replacing any shard of that key, in the store's
 * serializer (found out from its shards if not set). Atomic: the samples go
 * to a temp file in the store's directory, which is synced and then renamed
 * over `KEY.gz`; on any failure or cancellation the old shard is untouched
 * and the temp file removed. Creates the directory if needed. Blocks.
 *
 * Returns: (transfer full): the key written, or %NULL
 */
char *
sq_store_set (SqStore             *self,
              const char          *key,
              GPtrArray           *samples,
              SqProgressCallback   progress,
              gpointer             progress_data,
              GCancellable        *cancellable,
              GError             **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (samples != NULL, NULL);
  _sq_assert_not_main_thread ();

  return set_shard (self, key, SQ_SET_ALWAYS, NULL, samples, NULL, progress, progress_data, NULL, cancellable,
                    error);
}

/**
 * sq_store_set_if:
 * @key: (nullable): the key; %NULL for a new random one
 * @condition: what the shard @key must be for the set to write over it
 * @etag: (nullable): with %SQ_SET_IF_MATCH, the etag the shard must still
 *   have, as sq_store_query_shard() gave it; else ignored
 * @samples: (element-type SqValue): the shard's samples
 * @progress: (nullable) (scope call): as for sq_store_set()
 * @new_etag: (out) (optional) (nullable) (transfer full): the etag of the
 *   shard written (as sq_store_query_shard() says it), from the write's
 *   own answer: a bucket's PUT or CompleteMultipartUpload; %NULL where
 *   that says none (a directory's rename, a server that gives no ETag),
 *   and sq_store_query_shard() then tells, unless someone else writes
 *   in between
 *
 * Writes the shard @key as sq_store_set() does, if @condition holds when
 * it is published: no shard @key (%SQ_SET_IF_ABSENT), or the shard whose
 * etag is @etag (%SQ_SET_IF_MATCH), so that a set does not write over
 * what someone else wrote since the caller looked. A bucket checks it in
 * the write itself (If-Match, If-None-Match, or Cloud Storage's
 * generation-match); before that, and on servers that ignore those, the
 * shard is asked for just before it is published, as a directory's is
 * before the rename (a rename that never replaces, for
 * %SQ_SET_IF_ABSENT). A random key is always %SQ_SET_IF_ABSENT. Blocks.
 *
 * Returns: (transfer full): the key written, or %NULL
 *   (%SQ_STORE_ERROR_EXISTS or %SQ_STORE_ERROR_CHANGED when @condition
 *   did not hold; the shard there is untouched)
 */
char *
sq_store_set_if (SqStore             *self,
                 const char          *key,
                 SqSetCondition       condition,
                 const char          *etag,
                 GPtrArray           *samples,
                 SqProgressCallback   progress,
                 gpointer             progress_data,
                 char               **new_etag,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (samples != NULL, NULL);
  g_return_val_if_fail (condition != SQ_SET_IF_MATCH || (key != NULL && etag != NULL), NULL);
  _sq_assert_not_main_thread ();

  if (new_etag != NULL)
    *new_etag = NULL;
  return set_shard (self, key, condition, etag, samples, NULL, progress, progress_data, new_etag, cancellable,
                    error);
}

/**
 * sq_store_set_from_reader:
 * @key: (nullable): the key; %NULL for a new random one
 * @reader: the samples: what it has left to read, read to its end
 * @progress: (nullable) (scope call): called now and then with compressed
 *   bytes read from @reader and its file size
 *
 * Writes the shard @key as sq_store_set() does, from samples decoded one at
 * a time: copying or converting a shard never holds all of it in memory,
 * and decoding it overlaps with compressing it. If @reader fails, its
 * error is returned as it is and the old shard stays untouched. Blocks.
 *
 * Returns: (transfer full): the key written, or %NULL
 */
char *
sq_store_set_from_reader (SqStore             *self,
                          const char          *key,
                          SqShardReader       *reader,
                          SqProgressCallback   progress,
                          gpointer             progress_data,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (SQ_IS_SHARD_READER (reader), NULL);
  _sq_assert_not_main_thread ();

  return set_shard (self, key, SQ_SET_ALWAYS, NULL, NULL, reader, progress, progress_data, NULL, cancellable,
                    error);
}

static char *
set_shard (SqStore             *self,
           const char          *key,
           SqSetCondition       condition,
           const char          *etag,
           GPtrArray           *samples,
           SqShardReader       *reader,
           SqProgressCallback   progress,
           gpointer             progress_data,
           char               **new_etag,
           GCancellable        *cancellable,
           GError             **error)
{
  SqBackendInterface *backend = SQ_BACKEND_GET_IFACE (self->backend);
  g_autofree char *chosen = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autofree char *written = NULL;
  gpointer token = NULL;
  SqThrottle throttle = { progress, progress_data, 0 };
  SqSerializer serializer;
  GError *local_error = NULL;

  if (key != NULL && !sq_store_check_key (key, TRUE, error))
    return NULL;

  serializer = _sq_store_get_write_serializer (self, cancellable, error);
  if (serializer == SQ_SERIALIZER_AUTO)
    return NULL;

  if (!backend->prepare_put (self->backend, self, cancellable, error))
    return NULL;

  if (key != NULL)
    chosen = g_strdup (key);
  else
    {
      do
        {
          g_clear_pointer (&chosen, g_free);
          chosen = sq_store_make_random_key ();
        }
      while (backend->shard_exists (self->backend, chosen, cancellable));
      /* Free when looked at; and still free when written. */
      condition = SQ_SET_IF_ABSENT;
    }

  stream = backend->create_shard (self->backend, chosen, &token, cancellable, &local_error);
  if (stream == NULL)
    goto failed;

  if (!write_shard (self, stream, serializer, chosen, samples, reader, &throttle, cancellable, &local_error) ||
      !backend->commit_shard (self->backend, self, chosen, stream, token, condition, etag, &written,
                              cancellable, &local_error))
    goto failed;

  _sq_store_forget_shard (self, chosen);
  if (new_etag != NULL)
    *new_etag = g_steal_pointer (&written);
  return g_steal_pointer (&chosen);

failed:
  if (token != NULL || stream != NULL)
    backend->abort_shard (self->backend, stream, g_steal_pointer (&token));
  if (local_error->domain == SQ_DECODE_ERROR || local_error->domain == SQ_STORE_ERROR)
    g_propagate_error (error, local_error); /* the reader's, or the condition's: they name the shard */
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           local_error->domain == SQ_ENCODE_ERROR)
    g_propagate_prefixed_error (error, local_error, "shard '%s': ", chosen);
  else
    g_propagate_prefixed_error (error, local_error, "cannot write shard '%s': ", chosen);
  return NULL;
}

/* The worker's own reference to the samples, and where its progress
 * goes. */
typedef struct
{
  char            *key;
  SqSetCondition   condition;
  char            *etag;
  GPtrArray       *samples;
  SqProgressRelay *relay;
  char            *new_etag;  /* the worker's, for sq_store_set_if_finish() */
} SetData;

static void
set_data_free (SetData *data)
{
  g_free (data->key);
  g_free (data->etag);
  g_free (data->new_etag);
  g_ptr_array_unref (data->samples);
  g_clear_pointer (&data->relay, _sq_progress_relay_unref);
  g_free (data);
}

static void
set_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SetData *data = task_data;
  GError *error = NULL;
  char *key;

  key = sq_store_set_if (source_object, data->key, data->condition, data->etag, data->samples,
                         data->relay ? _sq_progress_relay_post : NULL, data->relay, &data->new_etag,
                         cancellable, &error);
  if (key == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, g_free);
}

/**
 * sq_store_set_async:
 * @key: (nullable): the key; %NULL for a new random one
 * @samples: (element-type SqValue): the samples; values are immutable, so
 *   the caller may keep using them
 *
 * Writes a shard on a worker; see sq_store_set().
 */
void
sq_store_set_async (SqStore             *self,
                    const char          *key,
                    GPtrArray           *samples,
                    GCancellable        *cancellable,
                    SqProgressCallback   progress,
                    gpointer             progress_data,
                    GDestroyNotify       progress_notify,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  sq_store_set_if_async (self, key, SQ_SET_ALWAYS, NULL, samples, cancellable, progress, progress_data,
                         progress_notify, callback, user_data);
}

/**
 * sq_store_set_if_async:
 * @key: (nullable): the key; %NULL for a new random one
 * @condition: what the shard @key must be; see sq_store_set_if()
 * @etag: (nullable): with %SQ_SET_IF_MATCH, the etag it must still have
 * @samples: (element-type SqValue): the samples, as for
 *   sq_store_set_async()
 *
 * Runs sq_store_set_if() on a worker; sq_store_set_if_finish() gives its
 * result, or sq_store_set_finish() without the etag.
 */
void
sq_store_set_if_async (SqStore             *self,
                       const char          *key,
                       SqSetCondition       condition,
                       const char          *etag,
                       GPtrArray           *samples,
                       GCancellable        *cancellable,
                       SqProgressCallback   progress,
                       gpointer             progress_data,
                       GDestroyNotify       progress_notify,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SetData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (samples != NULL);
  g_return_if_fail (condition != SQ_SET_IF_MATCH || (key != NULL && etag != NULL));

  data = g_new0 (SetData, 1);
  data->key = g_strdup (key);
  data->condition = condition;
  data->etag = g_strdup (etag);
  data->samples = g_ptr_array_ref (samples);
  data->relay = _sq_progress_relay_new (progress, progress_data, progress_notify);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_set_async);
  g_task_set_task_data (task, data, (GDestroyNotify) set_data_free);
  g_task_run_in_thread (task, set_thread);
}

/**
 * sq_store_set_finish:
 *
 * The result of sq_store_set_async() or sq_store_set_if_async().
 *
 * Returns: (transfer full): the key written, or %NULL
 */
char *
sq_store_set_finish (SqStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return sq_store_set_if_finish (self, result, NULL, error);
}

/**
 * sq_store_set_if_finish:
 * @new_etag: (out) (optional) (nullable) (transfer full): as for
 *   sq_store_set_if()
 *
 * The result of sq_store_set_if_async(), with the etag of what it wrote.
 *
 * Returns: (transfer full): the key written, or %NULL
 */
char *
sq_store_set_if_finish (SqStore       *self,
                        GAsyncResult  *result,
                        char         **new_etag,
                        GError       **error)
{
  SetData *data;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_set_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  key = g_task_propagate_pointer (G_TASK (result), error);
  if (new_etag != NULL)
    *new_etag = key != NULL ? g_steal_pointer (&data->new_etag) : NULL;
  return key;
}

/**
 * sq_store_remove:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Deletes the shard @key. Blocks.
 *
 * Returns: whether the shard was removed (a #SQ_STORE_ERROR_NOT_FOUND
 *   error if there was none)
 */
gboolean
sq_store_remove (SqStore       *self,
                 const char    *key,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  if (!SQ_BACKEND_GET_IFACE (self->backend)->remove_shard (self->backend, self, key, cancellable, error))
    return FALSE;
  _sq_store_forget_shard (self, key);
  return TRUE;
}

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (sq_store_remove (source_object, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sq_store_remove_async:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the shard is gone
 * @user_data: data for @callback
 *
 * Runs sq_store_remove() on a worker.
 */
void
sq_store_remove_async (SqStore             *self,
                       const char          *key,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_remove_async);
  g_task_set_task_data (task, g_strdup (key), g_free);
  g_task_run_in_thread (task, remove_thread);
}

/**
 * sq_store_remove_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the shard was removed (a #SQ_STORE_ERROR_NOT_FOUND
 *   error if there was none)
 */
gboolean
sq_store_remove_finish (SqStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_remove_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sq_store_stash_shard:
 * @key: the shard's key
 * @keep_shard: whether the shard stays (before a set replaces it) or goes
 *   (a shard deleted)
 *
 * Puts the bytes of the shard @key aside for an Undo: in a new hidden file
 * in the store's directory, named `.drey-undo-XXXXXXXX.tmp`, which no
 * reader lists as a key (it does not end in `.gz`).
 *
 * If @keep_shard, the shard stays as it is, and the stash is a hard link
 * to it where the store is a local directory (nothing copied: a set
 * replaces a shard's directory entry, never its bytes; but a program that
 * rewrites the file in place changes the stash too), else a synced byte
 * copy. If not, the shard is renamed to the stash, atomically, and the key
 * is gone. Blocks.
 *
 * sq_store_unstash_shard() puts the stash back; a stash no longer needed
 * is deleted with sq_store_drop_stash().
 *
 * Returns: (transfer full): the stash, or %NULL (a
 *   #SQ_STORE_ERROR_NOT_FOUND error if there is no such shard)
 */
GFile *
sq_store_stash_shard (SqStore       *self,
                      const char    *key,
                      gboolean       keep_shard,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return NULL;
  if (!keep_shard)
    _sq_store_forget_shard (self, key);
  return SQ_BACKEND_GET_IFACE (self->backend)->stash_shard (self->backend, self, key, keep_shard, cancellable,
                                                            error);
}

/**
 * sq_store_unstash_shard:
 * @key: the shard's key
 * @stash: (nullable): a stash that sq_store_stash_shard() made for @key,
 *   or %NULL if there was no shard @key
 *
 * Undoes what happened to the shard @key since it was stashed: renames
 * @stash over `KEY.gz`, atomically, whether a shard is there now or not;
 * the stash is used up. With no @stash, deletes the shard @key, if there
 * is one. Blocks.
 *
 * Returns: whether the shard is as it was
 */
gboolean
sq_store_unstash_shard (SqStore       *self,
                        const char    *key,
                        GFile         *stash,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (stash == NULL || G_IS_FILE (stash), FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  _sq_store_forget_shard (self, key);
  return SQ_BACKEND_GET_IFACE (self->backend)->unstash_shard (self->backend, self, key, stash, cancellable, error);
}

/**
 * sq_store_drop_stash:
 * @stash: a stash that sq_store_stash_shard() made
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Deletes a stash no longer needed for an Undo. Blocks.
 *
 * Returns: whether it is gone
 */
gboolean
sq_store_drop_stash (SqStore       *self,
                     GFile         *stash,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (stash), FALSE);
  _sq_assert_not_main_thread ();

  return SQ_BACKEND_GET_IFACE (self->backend)->drop_stash (self->backend, stash, cancellable, error);
}

typedef struct
{
  char     *key;
  gboolean  keep_shard;
  GFile    *stash;
} StashData;

static void
stash_data_free (StashData *data)
{
  g_free (data->key);
  g_clear_object (&data->stash);
  g_free (data);
}

static void
stash_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StashData *data = task_data;
  GError *error = NULL;
  GFile *stash = sq_store_stash_shard (source_object, data->key, data->keep_shard, cancellable, &error);

  if (stash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stash, g_object_unref);
}

/**
 * sq_store_stash_shard_async:
 * @key: the shard's key
 * @keep_shard: whether the shard stays or goes; see sq_store_stash_shard()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the shard is stashed
 * @user_data: data for @callback
 *
 * Runs sq_store_stash_shard() on a worker.
 */
void
sq_store_stash_shard_async (SqStore             *self,
                            const char          *key,
                            gboolean             keep_shard,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StashData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);

  data = g_new0 (StashData, 1);
  data->key = g_strdup (key);
  data->keep_shard = keep_shard;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_stash_shard_async);
  g_task_set_task_data (task, data, (GDestroyNotify) stash_data_free);
  g_task_run_in_thread (task, stash_thread);
}

/**
 * sq_store_stash_shard_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the stash, or %NULL (a
 *   #SQ_STORE_ERROR_NOT_FOUND error if there is no such shard)
 */
GFile *
sq_store_stash_shard_finish (SqStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_stash_shard_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
unstash_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  StashData *data = task_data;
  GError *error = NULL;

  if (sq_store_unstash_shard (source_object, data->key, data->stash, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sq_store_unstash_shard_async:
 * @key: the shard's key
 * @stash: (nullable): a stash that sq_store_stash_shard() made for @key,
 *   or %NULL if there was no shard @key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the shard is back as it was
 * @user_data: data for @callback
 *
 * Runs sq_store_unstash_shard() on a worker.
 */
void
sq_store_unstash_shard_async (SqStore             *self,
                              const char          *key,
                              GFile               *stash,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StashData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (stash == NULL || G_IS_FILE (stash));

  data = g_new0 (StashData, 1);
  data->key = g_strdup (key);
  data->stash = stash != NULL ? g_object_ref (stash) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_unstash_shard_async);
  g_task_set_task_data (task, data, (GDestroyNotify) stash_data_free);
  g_task_run_in_thread (task, unstash_thread);
}

/**
 * sq_store_unstash_shard_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the shard is as it was
 */
gboolean
sq_store_unstash_shard_finish (SqStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_unstash_shard_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
drop_stash_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;

  if (sq_store_drop_stash (source_object, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sq_store_drop_stash_async:
 * @stash: a stash that sq_store_stash_shard() made
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when the stash is gone
 * @user_data: data for @callback
 *
 * Runs sq_store_drop_stash() on a worker; with no @callback, in the
 * background, its errors ignored.
 */
void
sq_store_drop_stash_async (SqStore             *self,
                           GFile               *stash,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (G_IS_FILE (stash));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_drop_stash_async);
  g_task_set_task_data (task, g_object_ref (stash), g_object_unref);
  g_task_run_in_thread (task, drop_stash_thread);
}

/**
 * sq_store_drop_stash_finish:
 *
 * Returns: whether the stash is gone
 */
gboolean
sq_store_drop_stash_finish (SqStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_drop_stash_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sq_store_query_shard:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @size: (out) (optional): the shard's file size in bytes
 * @mtime: (out) (optional): when it was last modified, in microseconds
 *   since the epoch (as sq_key_info_get_mtime()), or -1 where the location
 *   does not tell
 * @etag: (out) (optional) (nullable) (transfer full): its entity tag
 *   (%G_FILE_ATTRIBUTE_ETAG_VALUE; for a local file, made from its
 *   modification time; in a gs:// bucket, the object's generation), or
 *   %NULL where the location has none
 * @error: return location for an error
 *
 * What changes when anyone writes the shard @key: a window keeps it from
 * when it read the shard, and asks again before it saves over it, to tell
 * whether someone else wrote it meanwhile (any of the three differs); the
 * etag is also what sq_store_set_if() takes to replace only that shard. A
 * link to a shard is followed, as listing does. Blocks.
 *
 * Returns: whether there is a shard @key; else a #SQ_STORE_ERROR_NOT_FOUND
 *   error if there is none (or KEY.gz is not a file), or an I/O error
 */
gboolean
sq_store_query_shard (SqStore       *self,
                      const char    *key,
                      GCancellable  *cancellable,
                      gint64        *size,
                      gint64        *mtime,
                      char         **etag,
                      GError       **error)
{
  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  return SQ_BACKEND_GET_IFACE (self->backend)->query_shard (self->backend, self, key, size, mtime, etag,
                                                            cancellable, error);
}

typedef struct
{
  gint64  size;
  gint64  mtime;
  char   *etag;
} ShardStamp;

static void
shard_stamp_free (ShardStamp *stamp)
{
  g_free (stamp->etag);
  g_free (stamp);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ShardStamp *stamp = g_new0 (ShardStamp, 1);
  GError *error = NULL;

  if (sq_store_query_shard (source_object, task_data, cancellable, &stamp->size, &stamp->mtime, &stamp->etag,
                            &error))
    g_task_return_pointer (task, stamp, (GDestroyNotify) shard_stamp_free);
  else
    {
      shard_stamp_free (stamp);
      g_task_return_error (task, error);
    }
}

/**
 * sq_store_query_shard_async:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Runs sq_store_query_shard() on a worker, so that a window can check a
 * shard on a slow mount without blocking its main loop.
 */
void
sq_store_query_shard_async (SqStore             *self,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_query_shard_async);
  g_task_set_task_data (task, g_strdup (key), g_free);
  g_task_run_in_thread (task, query_thread);
}

/**
 * sq_store_query_shard_finish:
 * @result: the result given to the callback
 * @size: (out) (optional): the shard's file size in bytes
 * @mtime: (out) (optional): when it was last modified, in microseconds
 *   since the epoch, or -1
 * @etag: (out) (optional) (nullable) (transfer full): its entity tag, or
 *   %NULL
 * @error: return location for an error
 *
 * Returns: whether there is a shard; see sq_store_query_shard()
 */
gboolean
sq_store_query_shard_finish (SqStore       *self,
                             GAsyncResult  *result,
                             gint64        *size,
                             gint64        *mtime,
                             char         **etag,
                             GError       **error)
{
  ShardStamp *stamp;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_query_shard_async, FALSE);

  stamp = g_task_propagate_pointer (G_TASK (result), error);
  if (stamp == NULL)
    return FALSE;
  if (size != NULL)
    *size = stamp->size;
  if (mtime != NULL)
    *mtime = stamp->mtime;
  if (etag != NULL)
    *etag = g_steal_pointer (&stamp->etag);
  shard_stamp_free (stamp);
  return TRUE;
}
