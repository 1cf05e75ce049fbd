/* sq-store-write.c: writing a shard atomically, removing it, putting its
 * bytes aside for an Undo and back, and asking whether it changed on disk
 *
 * A set never changes a shard's bytes in place: it writes a synced temp
 * file in the store's directory and renames it over KEY.gz, so a reader
 * (or a crash) sees the old shard or the new one, whole. The stash relies
 * on that, and the query (size, time, etag) is the check a window makes
 * before it replaces a shard it read a while ago.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>

#include "sq-error.h"
#include "sq-shard-writer.h"
#include "sq-store-private.h"
#include "sq-value-private.h"
#include "sq-worker-private.h"

/* Temp files of a set start so; stashes for Undo (sq_store_stash_shard())
 * so, to tell them apart when cleaning up after a crash. The names are
 * documented (README, the crash test): stores written by earlier versions
 * hold them, so they stay as they are. */
#define TEMP_PREFIX  ".drey-"
#define STASH_PREFIX ".drey-undo-"

/* A new name for a temp file: in the store's directory (so the rename stays
 * on one file system), hidden, and not ending in .gz, so no reader lists
 * it. */
static GFile *
temp_child (GFile      *dir,
            const char *prefix)
{
  g_autofree char *suffix = sq_store_make_random_key ();
  g_autofree char *name = g_strdup_printf ("%s%.8s.tmp", prefix, suffix);

  return g_file_get_child (dir, name);
}

/* Creates a temp file named by temp_child(), trying other names while one
 * exists. */
static GFileOutputStream *
create_temp (GFile         *dir,
             const char    *prefix,
             GFile        **temp,
             GCancellable  *cancellable,
             GError       **error)
{
  for (int attempt = 0;; attempt++)
    {
      g_autoptr(GFile) file = temp_child (dir, prefix);
      GError *local_error = NULL;
      GFileOutputStream *stream;

      stream = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream != NULL)
        {
          *temp = g_steal_pointer (&file);
          return stream;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || attempt >= 100)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_error_free (local_error);
    }
}

static gboolean
sync_stream (GOutputStream  *stream,
             GError        **error)
{
  int fd;

  if (!G_IS_FILE_DESCRIPTOR_BASED (stream))
    return TRUE;
  fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));
  if (fsync (fd) == 0)
    return TRUE;
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
  }
  return FALSE;
}

/* After a rename, the directory entry itself must reach the disk. */
static void
sync_directory (GFile *dir)
{
  g_autofree char *path = g_file_get_path (dir);
  int fd;

  if (path == NULL)
    return;
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  fsync (fd);
  close (fd);
}

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
  if (!sq_shard_writer_finish (writer, cancellable, error) || !sync_stream (stream, error))
    return FALSE;
  _sq_throttle_report (throttle, total, total, TRUE);
  return TRUE;
}

/* sq_store_set() from @samples, or sq_store_set_from_reader() from
 * @reader. */
static char *
set_shard (SqStore             *self,
           const char          *key,
           GPtrArray           *samples,
           SqShardReader       *reader,
           SqProgressCallback   progress,
           gpointer             progress_data,
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

  return set_shard (self, key, samples, NULL, progress, progress_data, cancellable, error);
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

  return set_shard (self, key, NULL, reader, progress, progress_data, cancellable, error);
}

static char *
set_shard (SqStore             *self,
           const char          *key,
           GPtrArray           *samples,
           SqShardReader       *reader,
           SqProgressCallback   progress,
           gpointer             progress_data,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autofree char *chosen = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFile) temp = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  SqThrottle throttle = { progress, progress_data, 0 };
  SqSerializer serializer;
  GError *local_error = NULL;

  if (key != NULL && !sq_store_check_key (key, TRUE, error))
    return NULL;

  serializer = _sq_store_get_write_serializer (self, cancellable, error);
  if (serializer == SQ_SERIALIZER_AUTO)
    return NULL;

  if (!g_file_make_directory_with_parents (self->location, cancellable, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          _sq_store_prefix_error (self, error, local_error);
          return NULL;
        }
      g_clear_error (&local_error);
    }

  if (key != NULL)
    chosen = g_strdup (key);
  else
    do
      {
        g_clear_pointer (&chosen, g_free);
        g_clear_object (&dest);
        chosen = sq_store_make_random_key ();
        dest = sq_store_get_shard_file (self, chosen);
      }
    while (g_file_query_exists (dest, cancellable));

  if (dest == NULL)
    dest = sq_store_get_shard_file (self, chosen);

  stream = create_temp (self->location, TEMP_PREFIX, &temp, cancellable, &local_error);
  if (stream == NULL)
    goto failed;

  if (!write_shard (self, G_OUTPUT_STREAM (stream), serializer, chosen, samples, reader, &throttle, cancellable,
                    &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &local_error) ||
      !g_file_move (temp, dest, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    NULL, NULL, NULL, &local_error))
    goto failed;

  sync_directory (self->location);
  _sq_store_forget_shard (self, chosen);
  return g_steal_pointer (&chosen);

failed:
  if (stream != NULL)
    {
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
      g_file_delete (temp, NULL, NULL);
    }
  if (local_error->domain == SQ_DECODE_ERROR)
    g_propagate_error (error, local_error); /* the reader's: it names its shard */
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
  GPtrArray       *samples;
  SqProgressRelay *relay;
} SetData;

static void
set_data_free (SetData *data)
{
  g_free (data->key);
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

  key = sq_store_set (source_object, data->key, data->samples,
                      data->relay ? _sq_progress_relay_post : NULL, data->relay,
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
  g_autoptr(GTask) task = NULL;
  SetData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (samples != NULL);

  data = g_new0 (SetData, 1);
  data->key = g_strdup (key);
  data->samples = g_ptr_array_ref (samples);
  if (progress != NULL)
    data->relay = _sq_progress_relay_new (progress, progress_data, progress_notify);
  else if (progress_notify != NULL)
    progress_notify (progress_data);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_set_async);
  g_task_set_task_data (task, data, (GDestroyNotify) set_data_free);
  g_task_run_in_thread (task, set_thread);
}

/**
 * sq_store_set_finish:
 *
 * Returns: (transfer full): the key written, or %NULL
 */
char *
sq_store_set_finish (SqStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_set_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr(GFile) file = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  file = sq_store_get_shard_file (self, key);
  if (!g_file_delete (file, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          _sq_store_set_not_found_error (self, key, error);
          g_error_free (local_error);
        }
      else
        g_propagate_prefixed_error (error, local_error, "cannot remove shard '%s': ", key);
      return FALSE;
    }
  sync_directory (self->location);
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

static void
propagate_shard_error (GError     **error,
                       GError      *local_error,
                       const char  *action,
                       const char  *key)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_prefixed_error (error, local_error, "shard '%s': ", key);
  else
    g_propagate_prefixed_error (error, local_error, "cannot %s shard '%s': ", action, key);
}

/* A hard link to @shard under a new stash name: nothing copied, and exact.
 * A set replaces the shard's directory entry, never its bytes, so the link
 * keeps the old ones. %NULL where there is no path or link(2) fails (EXDEV,
 * EPERM on file systems without hard links, EMLINK...): the caller copies
 * then, and copying reports its own errors. */
static GFile *
stash_by_link (GFile *dir,
               GFile *shard)
{
  g_autofree char *path = g_file_get_path (shard);

  if (path == NULL)
    return NULL;
  for (int attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr(GFile) stash = temp_child (dir, STASH_PREFIX);
      g_autofree char *stash_path = g_file_get_path (stash);

      if (stash_path == NULL)
        return NULL;
      /* link(2) does not follow a symlink: a shard that is a link to
       * another is stashed, and comes back, as that link. */
      if (link (path, stash_path) == 0)
        return g_steal_pointer (&stash);
      if (errno != EEXIST)
        return NULL;
    }
  return NULL;
}

/* A byte copy of @shard, synced, so that a later unstash renames complete
 * bytes into place. */
static GFile *
stash_by_copy (GFile         *dir,
               GFile         *shard,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) stash = NULL;

  in = g_file_read (shard, cancellable, error);
  if (in == NULL)
    return NULL;
  out = create_temp (dir, STASH_PREFIX, &stash, cancellable, error);
  if (out == NULL)
    return NULL;
  if (g_output_stream_splice (G_OUTPUT_STREAM (out), G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                              cancellable, error) < 0 ||
      !sync_stream (G_OUTPUT_STREAM (out), error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
      g_file_delete (stash, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&stash);
}

/* Renames @shard to a new stash name: the key goes and the stash appears
 * in one step, so no crash loses the bytes. */
static GFile *
stash_by_move (GFile         *dir,
               GFile         *shard,
               GCancellable  *cancellable,
               GError       **error)
{
  for (int attempt = 0;; attempt++)
    {
      g_autoptr(GFile) stash = temp_child (dir, STASH_PREFIX);
      GError *local_error = NULL;

      /* No G_FILE_COPY_OVERWRITE: another stash of that name stays. */
      if (g_file_move (shard, stash, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                       cancellable, NULL, NULL, &local_error))
        return g_steal_pointer (&stash);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || attempt >= 100)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_error_free (local_error);
    }
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
 * is deleted with g_file_delete().
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
  g_autoptr(GFile) shard = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) stash = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return NULL;
  shard = sq_store_get_shard_file (self, key);
  if (!keep_shard)
    _sq_store_forget_shard (self, key);

  /* A shard is what listing takes for one: a file, or a link to a file.
   * A directory named KEY.gz is not, and must not be moved away. */
  info = g_file_query_info (shard, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE, cancellable,
                            &local_error);
  if (info == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      propagate_shard_error (error, local_error, "stash", key);
      return NULL;
    }
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_clear_error (&local_error);
      _sq_store_set_not_found_error (self, key, error);
      return NULL;
    }

  if (keep_shard)
    {
      stash = stash_by_link (self->location, shard);
      if (stash == NULL)
        stash = stash_by_copy (self->location, shard, cancellable, &local_error);
    }
  else
    stash = stash_by_move (self->location, shard, cancellable, &local_error);

  if (stash == NULL)
    {
      /* gone since the query */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_error_free (local_error);
          _sq_store_set_not_found_error (self, key, error);
        }
      else
        propagate_shard_error (error, local_error, "stash", key);
      return NULL;
    }

  /* A link shares synced bytes and needs no sync of its own: the set that
   * follows it syncs the directory. */
  if (!keep_shard)
    sync_directory (self->location);
  return g_steal_pointer (&stash);
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
  g_autoptr(GFile) shard = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (stash == NULL || G_IS_FILE (stash), FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  shard = sq_store_get_shard_file (self, key);
  _sq_store_forget_shard (self, key);

  if (stash == NULL)
    {
      if (!g_file_delete (shard, cancellable, &local_error))
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            {
              propagate_shard_error (error, local_error, "remove", key);
              return FALSE;
            }
          /* there was none, and there is none */
          g_error_free (local_error);
          return TRUE;
        }
    }
  else if (!g_file_move (stash, shard,
                         G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                         cancellable, NULL, NULL, &local_error))
    {
      propagate_shard_error (error, local_error, "restore", key);
      return FALSE;
    }
  sync_directory (self->location);
  return TRUE;
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
 *   modification time), or %NULL where the location has none
 * @error: return location for an error
 *
 * What changes when anyone writes the shard @key: a window keeps it from
 * when it read the shard, and asks again before it saves over it, to tell
 * whether someone else wrote it meanwhile (any of the three differs). A
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
  g_autoptr(GFile) shard = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  _sq_assert_not_main_thread ();

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  shard = sq_store_get_shard_file (self, key);
  info = g_file_query_info (shard,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC ","
                            G_FILE_ATTRIBUTE_ETAG_VALUE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      propagate_shard_error (error, local_error, "query", key);
      return FALSE;
    }
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_clear_error (&local_error);
      _sq_store_set_not_found_error (self, key, error);
      return FALSE;
    }

  if (size != NULL)
    *size = g_file_info_get_size (info);
  if (mtime != NULL)
    *mtime = g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
             ? (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
               g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC)
             : -1;
  if (etag != NULL)
    *etag = g_strdup (g_file_info_get_etag (info));
  return TRUE;
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
