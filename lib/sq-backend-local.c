/* sq-backend-local.c: a store that is a directory, local or anywhere GIO
 * reaches
 *
 * A put never changes a shard's bytes in place: it writes a synced temp
 * file in the store's directory and renames it over KEY.gz, so a reader
 * (or a crash) sees the old shard or the new one, whole. The stash relies
 * on that: before a put it is a hard link to the old bytes. A put on
 * condition asks for the shard's etag just before the rename, or renames
 * without replacing (renameat2's RENAME_NOREPLACE) for a new shard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"
#define _GNU_SOURCE /* renameat2() */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>

#include "sq-backend-local.h"
#include "sq-store-private.h"

struct _SqLocalBackend
{
  GObject  parent_instance;

  GFile   *location;
};

static void sq_local_backend_iface_init (SqBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SqLocalBackend, sq_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SQ_TYPE_BACKEND, sq_local_backend_iface_init))

/* Temp files of a put start so; stashes for Undo (sq_store_stash_shard())
 * so, to tell them apart when cleaning up after a crash. The names are
 * documented (README, the crash test): stores written by earlier versions
 * hold them, so they stay as they are. */
#define TEMP_PREFIX  ".drey-"
#define STASH_PREFIX ".drey-undo-"

static gboolean
is_shard_name (const char *name,
               gsize       len)
{
  return len > 3 && memcmp (name + len - 3, ".gz", 3) == 0;
}

/* Local directories: readdir, and stat only where it is needed. A store
 * of 100,000 shards lists in milliseconds this way. */
static gboolean
list_local (SqStore          *self,
            const char       *path,
            SqListKeysFlags   flags,
            SqKeySink          *sink,
            GCancellable     *cancellable,
            GError          **error)
{
  gboolean names_only = (flags & SQ_LIST_KEYS_NAMES_ONLY) != 0;
  DIR *dir = opendir (path);
  struct dirent *ent;
  char key[sizeof ent->d_name];
  guint n = 0;
  int saved;

  if (dir == NULL)
    {
      saved = errno;
      if (saved == ENOENT)
        return TRUE; /* squirrel: a missing store has no keys */
      if (saved == ENOTDIR)
        g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE,
                     "store '%s' is not a directory", path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "store '%s': cannot read the directory: %s", path, g_strerror (saved));
      return FALSE;
    }

  for (;;)
    {
      const char *name;
      gsize len;
      struct stat st;
      gboolean have_stat = FALSE;

      errno = 0;
      ent = readdir (dir);
      if (ent == NULL)
        break;
      name = ent->d_name;
      len = strlen (name);
      if (!is_shard_name (name, len))
        continue;

      if ((++n & 4095) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          closedir (dir);
          return FALSE;
        }

      if (ent->d_type != DT_REG)
        {
          if (ent->d_type != DT_LNK && ent->d_type != DT_UNKNOWN)
            continue;
          /* A link to a shard is a shard, as fsspec's ls sees it. */
          if (fstatat (dirfd (dir), name, &st, 0) != 0 || !S_ISREG (st.st_mode))
            continue;
          have_stat = TRUE;
        }
      if (!names_only && !have_stat && fstatat (dirfd (dir), name, &st, 0) != 0)
        continue; /* gone meanwhile */

      /* The key, copied out of the dirent (which is not ours to change). */
      memcpy (key, name, len - 3);
      key[len - 3] = '\0';
      _sq_key_sink_add (sink, names_only
                          ? sq_key_info_new (key, -1, -1)
                          : sq_key_info_new (key, st.st_size,
                                             (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000));
    }
  saved = errno;
  closedir (dir);
  if (saved != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "store '%s': cannot read the directory: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
list_gio (SqStore          *self,
          SqListKeysFlags   flags,
          SqKeySink          *sink,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GError *local_error = NULL;

  enumerator = g_file_enumerate_children (self->location,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                          G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (enumerator == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_error_free (local_error);
          return TRUE;
        }
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
        {
          g_autofree char *name = sq_store_get_display_name (self);

          g_error_free (local_error);
          g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE, "store '%s' is not a directory", name);
          return FALSE;
        }
      _sq_store_prefix_error (self, error, local_error);
      return FALSE;
    }

  for (;;)
    {
      GFileInfo *info = NULL;
      const char *name;
      g_autofree char *key = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, &local_error))
        {
          _sq_store_prefix_error (self, error, local_error);
          return FALSE;
        }
      if (info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (!is_shard_name (name, strlen (name)) || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;

      key = g_strndup (name, strlen (name) - 3);
      if (flags & SQ_LIST_KEYS_NAMES_ONLY)
        _sq_key_sink_add (sink, sq_key_info_new (key, -1, -1));
      else
        {
          gint64 mtime = -1;

          if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
            mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
                    g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
          _sq_key_sink_add (sink, sq_key_info_new (key, g_file_info_get_size (info), mtime));
        }
    }
  return TRUE;
}

/* A local store, streamed: the names first (one readdir, no stat), sorted,
 * then each file's size and time in that order. Batches so come in
 * squirrel's order, and a sorted view of them grows at its end, where
 * adding rows costs a list view little; keys landing all over it make
 * GTK 4.8's list view walk every row between them, at every batch. */
static gboolean
list_local_sorted (SqStore          *self,
                   const char       *path,
                   SqListKeysFlags   flags,
                   SqKeySink          *sink,
                   GCancellable     *cancellable,
                   GError          **error)
{
  SqKeySink *names = _sq_key_sink_new_collecting ();
  g_autoptr(GPtrArray) keys = NULL;
  char name[PATH_MAX];
  gboolean ok;
  int dfd = -1;

  ok = list_local (self, path, flags | SQ_LIST_KEYS_NAMES_ONLY, names, cancellable, error);
  keys = _sq_key_sink_free_to_sorted (names, ok);
  if (ok && !(flags & SQ_LIST_KEYS_NAMES_ONLY) && keys->len > 0)
    {
      dfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "store '%s': cannot read the directory: %s", path, g_strerror (saved));
          ok = FALSE;
        }
    }

  for (guint i = 0; ok && i < keys->len; i++)
    {
      SqKeyInfo *info = g_ptr_array_index (keys, i);
      const char *key = sq_key_info_get_key (info);
      struct stat st;

      if ((i & 4095) == 4095 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (dfd < 0)
        {
          _sq_key_sink_add (sink, sq_key_info_ref (info));
          continue;
        }
      g_snprintf (name, sizeof name, "%s.gz", key);
      if (fstatat (dfd, name, &st, 0) == 0 && S_ISREG (st.st_mode))
        _sq_key_sink_add (sink, sq_key_info_new (key, st.st_size,
                                                 (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000));
      /* else gone meanwhile */
    }

  if (dfd >= 0)
    close (dfd);
  return ok;
}

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
local_list_keys (SqBackend        *backend,
                 SqStore          *store,
                 SqListKeysFlags   flags,
                 gboolean          in_order,
                 SqKeySink        *sink,
                 GCancellable     *cancellable,
                 GError          **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autofree char *path = g_file_get_path (self->location);

  if (path == NULL)
    return list_gio (store, flags, sink, cancellable, error);
  if (in_order)
    return list_local_sorted (store, path, flags, sink, cancellable, error);
  return list_local (store, path, flags, sink, cancellable, error);
}

static GInputStream *
local_open_shard (SqBackend     *backend,
                  SqStore       *store,
                  const char    *key,
                  gint64        *size,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFile) file = sq_store_get_shard_file (store, key);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GError *local_error = NULL;

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
        {
          _sq_store_set_not_found_error (store, key, error);
          g_error_free (local_error);
        }
      else
        g_propagate_prefixed_error (error, local_error, "shard '%s': ", key);
      return NULL;
    }

  *size = -1;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    *size = g_file_info_get_size (info);
  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

static gboolean
local_shard_exists (SqBackend    *backend,
                    const char   *key,
                    GCancellable *cancellable)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autoptr(GFile) file = g_file_get_child (self->location, name);

  return g_file_query_exists (file, cancellable);
}

static gboolean
local_prepare_put (SqBackend     *backend,
                   SqStore       *store,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  GError *local_error = NULL;

  if (!g_file_make_directory_with_parents (self->location, cancellable, &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          _sq_store_prefix_error (store, error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
    }
  return TRUE;
}

/* The token is the temp file. */
static GOutputStream *
local_create_shard (SqBackend     *backend,
                    const char    *key,
                    gpointer      *token,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  GFile *temp = NULL;
  GFileOutputStream *stream = create_temp (self->location, TEMP_PREFIX, &temp, cancellable, error);

  *token = temp;
  return G_OUTPUT_STREAM (stream);
}

static gboolean local_query_shard (SqBackend     *backend,
                                   SqStore       *store,
                                   const char    *key,
                                   gint64        *size,
                                   gint64        *mtime,
                                   char         **etag,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* Whether KEY.gz is still the one whose etag is @etag. No rename compares,
 * so this asks just before it: as close as a directory gets. */
static gboolean
check_etag (SqBackend     *backend,
            SqStore       *store,
            const char    *key,
            const char    *etag,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *now = NULL;
  GError *local_error = NULL;

  if (!local_query_shard (backend, store, key, NULL, NULL, &now, cancellable, &local_error) &&
      !g_error_matches (local_error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  if (g_strcmp0 (now, etag) != 0)
    {
      _sq_store_set_condition_error (store, key, SQ_SET_IF_MATCH, error);
      return FALSE;
    }
  return TRUE;
}

/* The rename of a new shard, which a shard made meanwhile stops. */
static gboolean
move_if_absent (SqStore       *store,
                const char    *key,
                GFile         *temp,
                GFile         *dest,
                GError       **error)
{
  g_autofree char *from = g_file_get_path (temp);
  g_autofree char *to = g_file_get_path (dest);
  GError *local_error = NULL;

  if (from != NULL && to != NULL)
    {
      if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return TRUE;
      if (errno == EEXIST)
        {
          _sq_store_set_condition_error (store, key, SQ_SET_IF_ABSENT, error);
          return FALSE;
        }
      if (errno != EINVAL && errno != ENOSYS)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
          return FALSE;
        }
      /* A file system without it: GIO's check, then its rename. */
    }
  if (g_file_move (temp, dest, G_FILE_COPY_NO_FALLBACK_FOR_MOVE, NULL, NULL, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_error_free (local_error);
      _sq_store_set_condition_error (store, key, SQ_SET_IF_ABSENT, error);
    }
  else
    g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
local_commit_shard (SqBackend      *backend,
                    SqStore        *store,
                    const char     *key,
                    GOutputStream  *stream,
                    gpointer        token,
                    SqSetCondition  condition,
                    const char     *etag,
                    char          **new_etag,
                    GCancellable   *cancellable,
                    GError        **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autofree char *name = g_strconcat (key, ".gz", NULL);
  g_autoptr(GFile) dest = g_file_get_child (self->location, name);
  GFile *temp = token;

  if (!sync_stream (stream, error) ||
      !g_output_stream_close (stream, cancellable, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (condition == SQ_SET_IF_ABSENT)
    {
      if (!move_if_absent (store, key, temp, dest, error))
        return FALSE;
    }
  else if ((condition == SQ_SET_IF_MATCH && !check_etag (backend, store, key, etag, cancellable, error)) ||
           !g_file_move (temp, dest, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                         NULL, NULL, NULL, error))
    return FALSE;
  g_object_unref (temp);
  sync_directory (self->location);
  /* A rename answers nothing: the caller asks the file. */
  *new_etag = NULL;
  return TRUE;
}

static void
local_abort_shard (SqBackend     *backend,
                   GOutputStream *stream,
                   gpointer       token)
{
  GFile *temp = token;

  if (stream != NULL)
    {
      g_output_stream_close (stream, NULL, NULL);
      g_file_delete (temp, NULL, NULL);
    }
  g_clear_object (&temp);
}

static gboolean
local_remove_shard (SqBackend     *backend,
                    SqStore       *store,
                    const char    *key,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autoptr(GFile) file = sq_store_get_shard_file (store, key);
  GError *local_error = NULL;

  if (!g_file_delete (file, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          _sq_store_set_not_found_error (store, key, error);
          g_error_free (local_error);
        }
      else
        g_propagate_prefixed_error (error, local_error, "cannot remove shard '%s': ", key);
      return FALSE;
    }
  sync_directory (self->location);
  return TRUE;
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

/* @attributes of the shard @key, at @shard. A shard is what listing takes
 * for one: a file, or a link to a file; for none (a directory named KEY.gz
 * is none), %NULL and a not-found error; for any other failure, the error
 * saying what could not be done (@action). */
static GFileInfo *
query_shard_file (SqStore       *store,
                  GFile         *shard,
                  const char    *key,
                  const char    *attributes,
                  const char    *action,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GError *local_error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info (shard, attributes, G_FILE_QUERY_INFO_NONE, cancellable,
                                                 &local_error);

  if (info == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      propagate_shard_error (error, local_error, action, key);
      return NULL;
    }
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_clear_error (&local_error);
      _sq_store_set_not_found_error (store, key, error);
      return NULL;
    }
  return g_steal_pointer (&info);
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

static GFile *
local_stash_shard (SqBackend     *backend,
                   SqStore       *store,
                   const char    *key,
                   gboolean       keep_shard,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autoptr(GFile) shard = sq_store_get_shard_file (store, key);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) stash = NULL;
  GError *local_error = NULL;

  /* A directory named KEY.gz is no shard, and must not be moved away. */
  info = query_shard_file (store, shard, key, G_FILE_ATTRIBUTE_STANDARD_TYPE, "stash", cancellable, error);
  if (info == NULL)
    return NULL;

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
          _sq_store_set_not_found_error (store, key, error);
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

static gboolean
local_unstash_shard (SqBackend     *backend,
                     SqStore       *store,
                     const char    *key,
                     GFile         *stash,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SqLocalBackend *self = SQ_LOCAL_BACKEND (backend);
  g_autoptr(GFile) shard = sq_store_get_shard_file (store, key);
  GError *local_error = NULL;

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

static gboolean
local_drop_stash (SqBackend     *backend,
                  GFile         *stash,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return g_file_delete (stash, cancellable, error);
}

static gboolean
local_query_shard (SqBackend     *backend,
                   SqStore       *store,
                   const char    *key,
                   gint64        *size,
                   gint64        *mtime,
                   char         **etag,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFile) shard = sq_store_get_shard_file (store, key);
  g_autoptr(GFileInfo) info = NULL;

  info = query_shard_file (store, shard, key,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                           G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                           G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                           G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC ","
                           G_FILE_ATTRIBUTE_ETAG_VALUE,
                           "query", cancellable, error);
  if (info == NULL)
    return FALSE;

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

static void
sq_local_backend_finalize (GObject *object)
{
  SqLocalBackend *self = (SqLocalBackend *) object;

  g_clear_object (&self->location);
  G_OBJECT_CLASS (sq_local_backend_parent_class)->finalize (object);
}

static void
sq_local_backend_class_init (SqLocalBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sq_local_backend_finalize;
}

static void
sq_local_backend_init (SqLocalBackend *self)
{
}

static void
sq_local_backend_iface_init (SqBackendInterface *iface)
{
  iface->list_keys = local_list_keys;
  iface->open_shard = local_open_shard;
  iface->shard_exists = local_shard_exists;
  iface->prepare_put = local_prepare_put;
  iface->create_shard = local_create_shard;
  iface->commit_shard = local_commit_shard;
  iface->abort_shard = local_abort_shard;
  iface->remove_shard = local_remove_shard;
  iface->stash_shard = local_stash_shard;
  iface->unstash_shard = local_unstash_shard;
  iface->drop_stash = local_drop_stash;
  iface->query_shard = local_query_shard;
}

/* @location: the store's directory. */
SqBackend *
_sq_local_backend_new (GFile *location)
{
  SqLocalBackend *self = g_object_new (SQ_TYPE_LOCAL_BACKEND, NULL);

  self->location = g_object_ref (location);
  return SQ_BACKEND (self);
}
