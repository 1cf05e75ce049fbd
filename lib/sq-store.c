/* sq-store.c: keys, get, set and remove, as squirrel-core does them
 *
 * The blocking calls do the work and may run on any thread; each has an
 * _async/_finish pair that runs it on a GTask worker and reports progress
 * on the caller's main context. The store object itself only holds its
 * location and two settings, behind a lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>

#include "sq-error.h"
#include "sq-shard-reader-private.h"
#include "sq-shard-writer.h"
#include "sq-store-private.h"
#include "sq-value-private.h"

/* How often, at most, progress reaches the caller. */
#define PROGRESS_INTERVAL_USEC (50 * 1000)

GParamSpec *_sq_store_properties[_SQ_STORE_N_PROPS];
#define properties _sq_store_properties

G_DEFINE_FINAL_TYPE (SqStore, sq_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sq-store-error-quark, sq_store_error)

static void
sq_store_finalize (GObject *object)
{
  SqStore *self = (SqStore *) object;

  g_clear_object (&self->location);
  g_clear_pointer (&self->evidence, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->detect_lock);

  G_OBJECT_CLASS (sq_store_parent_class)->finalize (object);
}

static void
sq_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SqStore *self = SQ_STORE (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_object (value, self->location);
      break;
    case PROP_SERIALIZER:
      g_value_set_enum (value, sq_store_get_serializer (self));
      break;
    case PROP_SERIALIZER_SOURCE:
      g_value_set_enum (value, sq_store_get_serializer_source (self));
      break;
    case PROP_MEMORY_LIMIT:
      g_value_set_uint64 (value, sq_store_get_memory_limit (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sq_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SqStore *self = SQ_STORE (object);

  switch (prop_id)
    {
    case PROP_LOCATION:
      self->location = g_value_dup_object (value);
      break;
    case PROP_SERIALIZER:
      sq_store_set_serializer (self, g_value_get_enum (value));
      break;
    case PROP_MEMORY_LIMIT:
      sq_store_set_memory_limit (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sq_store_class_init (SqStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sq_store_finalize;
  object_class->get_property = sq_store_get_property;
  object_class->set_property = sq_store_set_property;

  /**
   * SqStore:location:
   *
   * The store's directory (a local path or any GIO location).
   */
  properties[PROP_LOCATION] =
    g_param_spec_object ("location", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SqStore:serializer:
   *
   * The store's serializer: the one chosen, else the one its shards show
   * (%SQ_SERIALIZER_AUTO until they were looked at). Setting it chooses.
   */
  properties[PROP_SERIALIZER] =
    g_param_spec_enum ("serializer", NULL, NULL, SQ_TYPE_SERIALIZER, SQ_SERIALIZER_AUTO,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * SqStore:serializer-source:
   *
   * Why the store has its serializer: chosen, shown by its shards, mixed,
   * ambiguous, or squirrel's default.
   */
  properties[PROP_SERIALIZER_SOURCE] =
    g_param_spec_enum ("serializer-source", NULL, NULL, SQ_TYPE_SERIALIZER_SOURCE,
                       SQ_SERIALIZER_SOURCE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * SqStore:memory-limit:
   *
   * The most decompressed bytes, and memory for decoded values, one shard
   * may take.
   */
  properties[PROP_MEMORY_LIMIT] =
    g_param_spec_uint64 ("memory-limit", NULL, NULL, 1024, G_MAXUINT64, SQ_DEFAULT_MEMORY_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, _SQ_STORE_N_PROPS, properties);
}

static void
sq_store_init (SqStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->detect_lock);
  self->memory_limit = SQ_DEFAULT_MEMORY_LIMIT;
  self->evidence = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * sq_store_new:
 * @location: the store's directory; it need not exist yet (the first set
 *   creates it)
 *
 * Returns: (transfer full): the store
 */
SqStore *
sq_store_new (GFile *location)
{
  g_return_val_if_fail (G_IS_FILE (location), NULL);

  return g_object_new (SQ_TYPE_STORE, "location", location, NULL);
}

/**
 * sq_store_get_location:
 *
 * Returns: (transfer none): the store's directory
 */
GFile *
sq_store_get_location (SqStore *self)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  return self->location;
}

/**
 * sq_store_get_display_name:
 *
 * Returns: (transfer full): the location as people write it: a path, or a URI
 */
char *
sq_store_get_display_name (SqStore *self)
{
  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  return g_file_get_parse_name (self->location);
}

guint64
sq_store_get_memory_limit (SqStore *self)
{
  guint64 limit;

  g_return_val_if_fail (SQ_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  limit = self->memory_limit;
  g_mutex_unlock (&self->lock);
  return limit;
}

void
sq_store_set_memory_limit (SqStore *self,
                           guint64  limit)
{
  gboolean changed;

  g_return_if_fail (SQ_IS_STORE (self));

  g_mutex_lock (&self->lock);
  changed = self->memory_limit != limit;
  self->memory_limit = limit;
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_LIMIT]);
}

/**
 * sq_store_check_key:
 * @for_writing: also refuse keys Drey will not create: a leading `.` (temp
 *   files start so), control characters, invalid UTF-8, names too long
 *
 * Any key names a file in the store's directory: none may be empty or hold
 * a `/`.
 *
 * Returns: whether @key is fine; else a #SQ_STORE_ERROR_INVALID_KEY error
 *   saying why
 */
gboolean
sq_store_check_key (const char *key,
                    gboolean    for_writing,
                    GError    **error)
{
  const char *why = NULL;

  g_return_val_if_fail (key != NULL, FALSE);

  if (*key == '\0')
    why = "it is empty";
  else if (strchr (key, '/') != NULL)
    why = "it holds a '/'";
  else if (for_writing)
    {
      if (key[0] == '.')
        why = "it starts with '.'";
      else if (!g_utf8_validate (key, -1, NULL))
        why = "it is not valid UTF-8";
      else if (strlen (key) > 255 - 3)
        why = "it is longer than a file name can be";
      else
        for (const char *p = key; *p && why == NULL; p++)
          if ((guchar) *p < 0x20 || *p == 0x7f)
            why = "it holds a control character";
    }

  if (why == NULL)
    return TRUE;
  g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_INVALID_KEY, "'%s' cannot be a key: %s", key, why);
  return FALSE;
}

/**
 * sq_store_make_random_key:
 *
 * Returns: (transfer full): 16 characters from A-Z0-9, as squirrel-core's
 *   get_random_key() makes them
 */
char *
sq_store_make_random_key (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char *key = g_malloc (17);

  for (int i = 0; i < 16; i++)
    key[i] = alphabet[g_random_int_range (0, 36)];
  key[16] = '\0';
  return key;
}

static char *
shard_name (const char *key)
{
  return g_strconcat (key, ".gz", NULL);
}

/**
 * sq_store_get_shard_file:
 *
 * Returns: (transfer full): where the shard @key is, or would be:
 *   `KEY.gz` in the store's folder; @key is not checked
 */
GFile *
sq_store_get_shard_file (SqStore    *self,
                         const char *key)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  name = shard_name (key);
  return g_file_get_child (self->location, name);
}

static void
prefix_store_error (SqStore  *self,
                    GError  **error,
                    GError   *io_error)
{
  g_autofree char *name = sq_store_get_display_name (self);

  g_propagate_prefixed_error (error, io_error, "store '%s': ", name);
}

/* A shard found while listing: 16 bytes, so that sorting 100,000 of them
 * moves little memory. */
typedef struct
{
  guint64    prefix;   /* see set_prefixes() */
  SqKeyInfo *info;
} Entry;

/* The byte @i of the file name of the key @key of @len bytes: the key, then
 * ".gz", then zeros. */
static inline guint8
file_name_byte (const char *key,
                gsize       len,
                gsize       i)
{
  return i < len ? (guint8) key[i] : i < len + 3 ? (guint8) ".gz"[i - len] : 0;
}

/* Most keys share a start ("shard-000..."): skip what all share, and take
 * the next 8 bytes of the file name, zero-padded, big-endian. Comparing
 * prefixes then orders as comparing file names does, and most comparisons
 * end there. */
static void
set_prefixes (GArray *entries)
{
  const char *first;
  gsize common;

  if (entries->len == 0)
    return;
  first = sq_key_info_get_key (g_array_index (entries, Entry, 0).info);
  common = strlen (first);
  for (guint i = 1; i < entries->len && common > 0; i++)
    {
      const char *key = sq_key_info_get_key (g_array_index (entries, Entry, i).info);
      gsize n = 0;

      while (n < common && key[n] == first[n])
        n++;
      common = n;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      const char *key = sq_key_info_get_key (entry->info);
      gsize len = strlen (key);
      guint64 prefix = 0;

      for (gsize j = common; j < common + 8; j++)
        prefix = (prefix << 8) | file_name_byte (key, len, j);
      entry->prefix = prefix;
    }
}

static inline gboolean
entry_less (const Entry *a,
            const Entry *b)
{
  if (a->prefix != b->prefix)
    return a->prefix < b->prefix;
  return sq_key_info_compare (a->info, b->info) < 0;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return entry_less (a, b) ? -1 : entry_less (b, a) ? 1 : 0;
}

static inline void
swap_entries (Entry *a,
              Entry *b)
{
  Entry tmp = *a;

  *a = *b;
  *b = tmp;
}

/* Quicksort with the comparison inlined, in place: g_array_sort() takes
 * three times as long on 100,000 keys, and its scratch copy costs page
 * faults. Where partitions keep going badly, g_qsort_with_data() takes
 * over, so the worst case stays n log n. */
static void
sort_entries (Entry *v,
              gsize  n,
              guint  depth)
{
  while (n > 16)
    {
      Entry pivot;
      gsize mid = n / 2;
      gssize i = -1, j = (gssize) n;

      if (depth-- == 0)
        {
          g_qsort_with_data (v, (gint) n, sizeof (Entry), compare_entries, NULL);
          return;
        }
      if (entry_less (&v[mid], &v[0]))
        swap_entries (&v[mid], &v[0]);
      if (entry_less (&v[n - 1], &v[0]))
        swap_entries (&v[n - 1], &v[0]);
      if (entry_less (&v[n - 1], &v[mid]))
        swap_entries (&v[n - 1], &v[mid]);
      pivot = v[mid];

      /* Hoare: afterwards [0, j] <= pivot <= [j + 1, n), both non-empty. */
      for (;;)
        {
          do
            i++;
          while (entry_less (&v[i], &pivot));
          do
            j--;
          while (entry_less (&pivot, &v[j]));
          if (i >= j)
            break;
          swap_entries (&v[i], &v[j]);
        }

      /* Recurse into the smaller side, loop on the larger. */
      if ((gsize) j + 1 < n - (gsize) j - 1)
        {
          sort_entries (v, (gsize) j + 1, depth);
          v += j + 1;
          n -= (gsize) j + 1;
        }
      else
        {
          sort_entries (v + j + 1, n - (gsize) j - 1, depth);
          n = (gsize) j + 1;
        }
    }

  for (gsize i = 1; i < n; i++)
    {
      Entry e = v[i];
      gsize k = i;

      for (; k > 0 && entry_less (&e, &v[k - 1]); k--)
        v[k] = v[k - 1];
      v[k] = e;
    }
}

static gboolean
is_shard_name (const char *name,
               gsize       len)
{
  return len > 3 && memcmp (name + len - 3, ".gz", 3) == 0;
}

/* A streamed listing hands keys over in batches of at most this many, or
 * of what was found in PROGRESS_INTERVAL_USEC, whichever comes first. The
 * first batches are smaller (KEY_FIRST_BATCH_SIZE, then twice as many each
 * time), so that the first keys come soon and a view of them grows by
 * steps it can take. */
#define KEY_BATCH_SIZE       1000
#define KEY_FIRST_BATCH_SIZE 100

typedef struct _KeyStream KeyStream;

static void key_stream_post (KeyStream *stream,
                             GPtrArray *batch);

/* Where listing puts the keys it finds: all into @entries, to be sorted
 * (sq_store_list_keys), or batch by batch to @stream (streamed). */
typedef struct
{
  GArray    *entries;
  KeyStream *stream;
  GPtrArray *batch;
  gint64     batch_start;
  guint      n_keys;
  guint      batch_limit;
} KeySink;

static void
key_sink_flush (KeySink *sink)
{
  if (sink->batch != NULL && sink->batch->len > 0)
    key_stream_post (sink->stream, g_steal_pointer (&sink->batch));
}

/* Takes @info. */
static void
key_sink_add (KeySink   *sink,
              SqKeyInfo *info)
{
  sink->n_keys++;
  if (sink->entries != NULL)
    {
      Entry entry = { 0, info };

      g_array_append_val (sink->entries, entry);
      return;
    }

  if (sink->batch == NULL)
    {
      sink->batch_limit = sink->batch_limit == 0 ? KEY_FIRST_BATCH_SIZE : MIN (2 * sink->batch_limit, KEY_BATCH_SIZE);
      sink->batch = g_ptr_array_new_full (sink->batch_limit, (GDestroyNotify) sq_key_info_unref);
      sink->batch_start = g_get_monotonic_time ();
    }
  g_ptr_array_add (sink->batch, info);
  if (sink->batch->len >= sink->batch_limit ||
      g_get_monotonic_time () - sink->batch_start >= PROGRESS_INTERVAL_USEC)
    key_sink_flush (sink);
}

/* Local directories: readdir, and stat only where it is needed. A store
 * of 100,000 shards lists in milliseconds this way. */
static gboolean
list_local (SqStore          *self,
            const char       *path,
            SqListKeysFlags   flags,
            KeySink          *sink,
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
      key_sink_add (sink, names_only
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
          KeySink          *sink,
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
      prefix_store_error (self, error, local_error);
      return FALSE;
    }

  for (;;)
    {
      GFileInfo *info = NULL;
      const char *name;
      g_autofree char *key = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, &local_error))
        {
          prefix_store_error (self, error, local_error);
          return FALSE;
        }
      if (info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (!is_shard_name (name, strlen (name)) || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;

      key = g_strndup (name, strlen (name) - 3);
      if (flags & SQ_LIST_KEYS_NAMES_ONLY)
        key_sink_add (sink, sq_key_info_new (key, -1, -1));
      else
        {
          gint64 mtime = -1;

          if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
            mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
                    g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
          key_sink_add (sink, sq_key_info_new (key, g_file_info_get_size (info), mtime));
        }
    }
  return TRUE;
}

/**
 * sq_store_list_keys:
 * @flags: whether to read each file's size and time
 * @cancellable: (nullable): a #GCancellable
 *
 * Lists the store's keys in squirrel's order: the shard file names, `.gz`
 * included, sorted by code point. Subdirectories and other files are
 * skipped; a missing directory has no keys.
 *
 * Returns: (transfer full) (element-type SqKeyInfo): the keys, or %NULL
 */
GPtrArray *
sq_store_list_keys (SqStore          *self,
                    SqListKeysFlags   flags,
                    GCancellable     *cancellable,
                    GError          **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  KeySink sink = { entries, NULL, NULL, 0, 0 };
  g_autofree char *path = NULL;
  GPtrArray *keys;
  gboolean ok;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);

  path = g_file_get_path (self->location);
  if (path != NULL)
    ok = list_local (self, path, flags, &sink, cancellable, error);
  else
    ok = list_gio (self, flags, &sink, cancellable, error);

  if (ok)
    {
      set_prefixes (entries);
      sort_entries ((Entry *) (void *) entries->data, entries->len, 2 * g_bit_storage (entries->len));
    }

  keys = g_ptr_array_new_full (entries->len, (GDestroyNotify) sq_key_info_unref);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (keys, g_array_index (entries, Entry, i).info);
  if (!ok)
    g_clear_pointer (&keys, g_ptr_array_unref);
  return keys;
}

static void
list_keys_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *keys = sq_store_list_keys (source_object, GPOINTER_TO_UINT (task_data), cancellable, &error);

  if (keys == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) g_ptr_array_unref);
}

void
sq_store_list_keys_async (SqStore             *self,
                          SqListKeysFlags      flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_list_keys_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (flags), NULL);
  g_task_run_in_thread (task, list_keys_thread);
}

/**
 * sq_store_list_keys_finish:
 *
 * Returns: (transfer full) (element-type SqKeyInfo): the keys, or %NULL
 */
GPtrArray *
sq_store_list_keys_finish (SqStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_list_keys_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A streamed listing. The worker queues batches; one idle source on the
 * caller's context hands them over, one per main loop iteration, then
 * returns the caller's task, so every batch comes before the callback.
 * One source and not one per batch, so that a backlog is not dispatched
 * in one go; an idle below redraw priority, so that the caller paints
 * between batches; and not g_main_context_invoke(), which runs the
 * function on the worker itself whenever it can acquire the context. */
struct _KeyStream
{
  SqListKeysFlags     flags;
  SqKeyBatchCallback  callback;
  gpointer            data;
  GDestroyNotify      notify;
  GMainContext       *context;
  GTask              *task;       /* the caller's; used on its context only */

  GMutex              lock;       /* guards the rest */
  GQueue              batches;
  gboolean            scheduled;  /* a drain source is attached */
  gboolean            finished;   /* the worker is done */
  guint               n_keys;
  GError             *error;
};

static void
key_stream_clear (KeyStream *stream)
{
  g_queue_clear_full (&stream->batches, (GDestroyNotify) g_ptr_array_unref);
  g_clear_error (&stream->error);
  g_clear_object (&stream->task);
  if (stream->notify != NULL)
    stream->notify (stream->data);
  g_main_context_unref (stream->context);
  g_mutex_clear (&stream->lock);
}

static KeyStream *
key_stream_ref (KeyStream *stream)
{
  return g_atomic_rc_box_acquire (stream);
}

static void
key_stream_unref (gpointer stream)
{
  g_atomic_rc_box_release_full (stream, (GDestroyNotify) key_stream_clear);
}

/* On the caller's context: the callback for the caller's task. */
static void
key_stream_return (KeyStream *stream)
{
  g_autoptr(GTask) task = g_steal_pointer (&stream->task);
  GError *error;
  guint n_keys;

  g_mutex_lock (&stream->lock);
  error = g_steal_pointer (&stream->error);
  n_keys = stream->n_keys;
  g_mutex_unlock (&stream->lock);

  /* No batch comes after this, so the data can go now, on this thread. */
  stream->callback = NULL;
  if (stream->notify != NULL)
    {
      GDestroyNotify notify = g_steal_pointer (&stream->notify);

      notify (stream->data);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_int (task, n_keys);
}

static gboolean
key_stream_drain (gpointer user_data)
{
  KeyStream *stream = user_data;
  GPtrArray *batch;
  gboolean finished;

  g_mutex_lock (&stream->lock);
  batch = g_queue_pop_head (&stream->batches);
  finished = batch == NULL && stream->finished;
  if (batch == NULL)
    stream->scheduled = FALSE;
  g_mutex_unlock (&stream->lock);

  if (batch != NULL)
    {
      /* A caller that has cancelled gets no more keys. */
      if (!g_cancellable_is_cancelled (g_task_get_cancellable (stream->task)))
        stream->callback (batch, stream->data);
      g_ptr_array_unref (batch);
      return G_SOURCE_CONTINUE;
    }
  if (finished)
    key_stream_return (stream);
  return G_SOURCE_REMOVE;
}

static void
key_stream_schedule_locked (KeyStream *stream)
{
  GSource *source;

  if (stream->scheduled)
    return;
  stream->scheduled = TRUE;
  source = g_idle_source_new ();
  /* Not an idle priority: a window redrawing a spinner at every frame
   * (slow software rendering) would starve the very keys it waits for.
   * Each dispatch hands over one bounded batch. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sq] key batches");
  g_source_set_callback (source, key_stream_drain, key_stream_ref (stream), key_stream_unref);
  g_source_attach (source, stream->context);
  g_source_unref (source);
}

/* On the worker: takes @batch. */
static void
key_stream_post (KeyStream *stream,
                 GPtrArray *batch)
{
  g_mutex_lock (&stream->lock);
  g_queue_push_tail (&stream->batches, batch);
  key_stream_schedule_locked (stream);
  g_mutex_unlock (&stream->lock);
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
                   KeySink          *sink,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  KeySink names = { entries, NULL, NULL, 0, 0 };
  char name[PATH_MAX];
  gboolean ok;
  int dfd = -1;
  guint i = 0;

  ok = list_local (self, path, flags | SQ_LIST_KEYS_NAMES_ONLY, &names, cancellable, error);
  if (ok)
    {
      set_prefixes (entries);
      sort_entries ((Entry *) (void *) entries->data, entries->len, 2 * g_bit_storage (entries->len));
    }
  if (ok && !(flags & SQ_LIST_KEYS_NAMES_ONLY) && entries->len > 0)
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

  for (; ok && i < entries->len; i++)
    {
      SqKeyInfo *info = g_array_index (entries, Entry, i).info;
      const char *key = sq_key_info_get_key (info);
      struct stat st;

      if ((i & 4095) == 4095 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (dfd < 0)
        {
          key_sink_add (sink, info);
          continue;
        }
      g_snprintf (name, sizeof name, "%s.gz", key);
      if (fstatat (dfd, name, &st, 0) == 0 && S_ISREG (st.st_mode))
        key_sink_add (sink, sq_key_info_new (key, st.st_size,
                                             (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000));
      /* else gone meanwhile */
      sq_key_info_unref (info);
    }

  /* What was not handed on. */
  for (; i < entries->len; i++)
    sq_key_info_unref (g_array_index (entries, Entry, i).info);
  if (dfd >= 0)
    close (dfd);
  return ok;
}

static void
list_keys_streamed_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  SqStore *self = source_object;
  KeyStream *stream = task_data;
  KeySink sink = { NULL, stream, NULL, 0, 0 };
  g_autofree char *path = g_file_get_path (self->location);
  GError *error = NULL;
  gboolean ok;

  if (path != NULL)
    ok = list_local_sorted (self, path, stream->flags, &sink, cancellable, &error);
  else
    ok = list_gio (self, stream->flags, &sink, cancellable, &error);
  if (ok)
    key_sink_flush (&sink);
  g_clear_pointer (&sink.batch, g_ptr_array_unref);

  g_mutex_lock (&stream->lock);
  stream->finished = TRUE;
  stream->n_keys = sink.n_keys;
  stream->error = error;
  key_stream_schedule_locked (stream);
  g_mutex_unlock (&stream->lock);

  g_task_return_boolean (task, TRUE);
}

/**
 * sq_store_list_keys_streamed_async:
 * @flags: whether to read each file's size and time
 * @cancellable: (nullable): a #GCancellable
 * @batch: called with keys as the listing finds them, on the thread-default
 *   main context of the caller, once per main loop iteration at most
 * @batch_data: data for @batch
 * @batch_notify: (nullable): frees @batch_data, on the caller's context,
 *   before @callback runs
 *
 * Lists the store's keys on a worker, as sq_store_list_keys() does, but
 * hands them over as they are found, in batches (of up to 1000 keys, or
 * what 50 ms found), so that the first keys of a store of 100,000 shards
 * show at once. Callers must not rely on the order of the keys: a local
 * store gives them in squirrel's order (its names are read, and sorted,
 * before any file size), other locations in the order they are found.
 * Every batch comes before @callback; none comes once @cancellable is
 * cancelled (from the caller's thread).
 */
void
sq_store_list_keys_streamed_async (SqStore             *self,
                                   SqListKeysFlags      flags,
                                   GCancellable        *cancellable,
                                   SqKeyBatchCallback   batch,
                                   gpointer             batch_data,
                                   GDestroyNotify       batch_notify,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  KeyStream *stream;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (batch != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_list_keys_streamed_async);

  stream = g_atomic_rc_box_new0 (KeyStream);
  stream->flags = flags;
  stream->callback = batch;
  stream->data = batch_data;
  stream->notify = batch_notify;
  stream->context = g_main_context_ref_thread_default ();
  stream->task = g_steal_pointer (&task);
  g_mutex_init (&stream->lock);
  g_queue_init (&stream->batches);

  /* The caller's task returns from the drain source, after the last batch;
   * this one only runs the listing. */
  worker = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (worker, list_keys_streamed_thread);
  g_task_set_task_data (worker, stream, key_stream_unref);
  g_task_run_in_thread (worker, list_keys_streamed_thread);
}

/**
 * sq_store_list_keys_streamed_finish:
 * @n_keys: (out) (optional): how many keys the batches held
 *
 * Returns: whether the listing went through
 */
gboolean
sq_store_list_keys_streamed_finish (SqStore       *self,
                                    GAsyncResult  *result,
                                    guint         *n_keys,
                                    GError       **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_list_keys_streamed_async, FALSE);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (n_keys != NULL)
    *n_keys = (guint) n;
  return TRUE;
}

/* Opens the shard @key for reading sample by sample, reading its bytes
 * as they are (no serializer chosen, no resolver). Blocks. */
SqShardReader *
_sq_store_open_shard_raw (SqStore       *self,
                          const char    *key,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GError *local_error = NULL;
  goffset size = -1;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!sq_store_check_key (key, FALSE, error))
    return NULL;

  file = sq_store_get_shard_file (self, key);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
        {
          g_autofree char *store = sq_store_get_display_name (self);

          g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND, "store '%s' has no shard '%s'", store, key);
          g_error_free (local_error);
        }
      else
        g_propagate_prefixed_error (error, local_error, "shard '%s': ", key);
      return NULL;
    }

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    size = g_file_info_get_size (info);

  return sq_shard_reader_new (G_INPUT_STREAM (stream), key, size, sq_store_get_memory_limit (self));
}

/**
 * sq_store_open_shard:
 *
 * Opens the shard @key to be read sample by sample: with the serializer
 * chosen for the store, if one was; else with the one its bytes show, and
 * a shard that decodes both ways with the store's (found out from its
 * other shards only then). What the shard turns out to be, once read to
 * its end, counts towards the store's serializer.
 *
 * Returns: (transfer full): a reader, or %NULL (a #SQ_STORE_ERROR_NOT_FOUND
 *   error if there is no such shard)
 */
SqShardReader *
sq_store_open_shard (SqStore       *self,
                     const char    *key,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SqShardReader *reader = _sq_store_open_shard_raw (self, key, cancellable, error);

  if (reader != NULL)
    _sq_store_attach_reader (self, reader, key);
  return reader;
}

typedef struct
{
  SqProgressCallback callback;
  gpointer           data;
  gint64             last;
} Throttle;

static void
throttle_report (Throttle *t,
                 guint64   done,
                 guint64   total,
                 gboolean  force)
{
  gint64 now;

  if (t->callback == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - t->last < PROGRESS_INTERVAL_USEC)
    return;
  t->last = now;
  t->callback (done, total, t->data);
}

/**
 * sq_store_get:
 * @progress: (nullable) (scope call): called now and then with compressed
 *   bytes read and the file size
 *
 * Decodes all samples of the shard @key. Blocks.
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
sq_store_get (SqStore             *self,
              const char          *key,
              SqProgressCallback   progress,
              gpointer             progress_data,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  GError *local_error = NULL;
  Throttle throttle = { progress, progress_data, 0 };
  guint64 total;
  SqValue *sample;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);

  reader = sq_store_open_shard (self, key, cancellable, error);
  if (reader == NULL)
    return NULL;
  total = (guint64) MAX (sq_shard_reader_get_size (reader), 0);
  throttle_report (&throttle, 0, total, TRUE);

  samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      g_ptr_array_add (samples, sample);
      throttle_report (&throttle, sq_shard_reader_get_bytes_read (reader), total, FALSE);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  throttle_report (&throttle, total, total, TRUE);
  return g_steal_pointer (&samples);
}

/* Progress from a worker, delivered on the caller's main context. The
 * relay is shared by the task and every update in flight. */
typedef struct
{
  SqProgressCallback  callback;
  gpointer            data;
  GDestroyNotify      notify;
  GMainContext       *context;
} ProgressRelay;

typedef struct
{
  ProgressRelay *relay;
  guint64        done;
  guint64        total;
} ProgressUpdate;

static void
progress_relay_clear (ProgressRelay *relay)
{
  if (relay->notify)
    relay->notify (relay->data);
  g_main_context_unref (relay->context);
}

static ProgressRelay *
progress_relay_new (SqProgressCallback callback,
                    gpointer           data,
                    GDestroyNotify     notify)
{
  ProgressRelay *relay = g_atomic_rc_box_new0 (ProgressRelay);

  relay->callback = callback;
  relay->data = data;
  relay->notify = notify;
  relay->context = g_main_context_ref_thread_default ();
  return relay;
}

static void
progress_relay_unref (ProgressRelay *relay)
{
  g_atomic_rc_box_release_full (relay, (GDestroyNotify) progress_relay_clear);
}

static gboolean
progress_update_dispatch (gpointer data)
{
  ProgressUpdate *update = data;

  update->relay->callback (update->done, update->total, update->relay->data);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  progress_relay_unref (update->relay);
  g_free (update);
}

/* Runs on the worker: posts an update to the caller's context. */
static void
progress_relay_post (guint64  done,
                     guint64  total,
                     gpointer data)
{
  ProgressRelay *relay = data;
  ProgressUpdate *update = g_new (ProgressUpdate, 1);
  GSource *source;

  update->relay = g_atomic_rc_box_acquire (relay);
  update->done = done;
  update->total = total;
  /* Always through a source: g_main_context_invoke() would run the
   * callback right here, on the worker, whenever the worker can acquire
   * the caller's context (a GTask thread's default is the global one). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sq] progress");
  g_source_set_callback (source, progress_update_dispatch, update, progress_update_free);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

typedef struct
{
  char          *key;
  GPtrArray     *samples;
  ProgressRelay *relay;
} ShardTaskData;

static void
shard_task_data_free (ShardTaskData *data)
{
  g_free (data->key);
  g_clear_pointer (&data->samples, g_ptr_array_unref);
  g_clear_pointer (&data->relay, progress_relay_unref);
  g_free (data);
}

static ShardTaskData *
shard_task_data_new (const char         *key,
                     GPtrArray          *samples,
                     SqProgressCallback  progress,
                     gpointer            progress_data,
                     GDestroyNotify      progress_notify)
{
  ShardTaskData *data = g_new0 (ShardTaskData, 1);

  data->key = g_strdup (key);
  data->samples = samples ? g_ptr_array_ref (samples) : NULL;
  if (progress != NULL)
    data->relay = progress_relay_new (progress, progress_data, progress_notify);
  else if (progress_notify != NULL)
    progress_notify (progress_data);
  return data;
}

/* Async work is background work: on Linux a thread has its own nice
 * value, so a worker decoding a big shard yields the CPU to the caller's
 * main loop (the window stays smooth even on two busy cores). */
typedef struct
{
  int      nice;
  gboolean changed;
} BackgroundPriority;

static void
background_priority_enter (BackgroundPriority *saved)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  errno = 0;
  saved->nice = getpriority (PRIO_PROCESS, (id_t) tid);
  saved->changed = errno == 0 && saved->nice < 10 && setpriority (PRIO_PROCESS, (id_t) tid, 10) == 0;
#else
  saved->changed = FALSE;
#endif
}

static void
background_priority_leave (BackgroundPriority *saved)
{
#ifdef __linux__
  /* Without CAP_SYS_NICE this fails and the pool thread stays at nice 10:
   * GTask's pool only runs background work, so that is harmless. */
  if (saved->changed)
    setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), saved->nice);
#endif
}

static void
get_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  ShardTaskData *data = task_data;
  GError *error = NULL;
  GPtrArray *samples;
  BackgroundPriority saved;

  background_priority_enter (&saved);
  samples = sq_store_get (source_object, data->key,
                          data->relay ? progress_relay_post : NULL, data->relay,
                          cancellable, &error);
  background_priority_leave (&saved);
  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sq_store_get_async:
 * @progress: (nullable): called on the thread-default main context of the
 *   caller, at most 20 times a second
 * @progress_notify: (nullable): frees @progress_data when no longer needed
 *
 * Decodes the shard @key on a worker.
 */
void
sq_store_get_async (SqStore             *self,
                    const char          *key,
                    GCancellable        *cancellable,
                    SqProgressCallback   progress,
                    gpointer             progress_data,
                    GDestroyNotify       progress_notify,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_get_async);
  g_task_set_task_data (task, shard_task_data_new (key, NULL, progress, progress_data, progress_notify),
                        (GDestroyNotify) shard_task_data_free);
  g_task_run_in_thread (task, get_thread);
}

/**
 * sq_store_get_finish:
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
sq_store_get_finish (SqStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_get_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Temp files of a set start so; stashes for Undo (sq_store_stash_shard())
 * so, to tell them apart when cleaning up after a crash. */
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
             Throttle            *throttle,
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
      throttle_report (throttle, 0, total, TRUE);
      while ((sample = sq_shard_reader_next (reader, cancellable, &read_error)) != NULL)
        {
          gboolean ok = sq_shard_writer_add (writer, sample, cancellable, error);

          sq_value_unref (sample);
          if (!ok)
            return FALSE;
          throttle_report (throttle, MIN (sq_shard_reader_get_bytes_read (reader), total), total, FALSE);
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
      throttle_report (throttle, 0, total, TRUE);

      for (guint i = 0; i < samples->len; i++)
        {
          SqValue *sample = g_ptr_array_index (samples, i);

          if (!sq_shard_writer_add (writer, sample, cancellable, error))
            return FALSE;
          done += _sq_value_cost (sample);
          throttle_report (throttle, done, total, FALSE);
        }
    }
  if (!sq_shard_writer_finish (writer, cancellable, error) || !sync_stream (stream, error))
    return FALSE;
  throttle_report (throttle, total, total, TRUE);
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
  g_autofree char *name = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFile) temp = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  Throttle throttle = { progress, progress_data, 0 };
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
          prefix_store_error (self, error, local_error);
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
        g_clear_pointer (&name, g_free);
        g_clear_object (&dest);
        chosen = sq_store_make_random_key ();
        name = shard_name (chosen);
        dest = g_file_get_child (self->location, name);
      }
    while (g_file_query_exists (dest, cancellable));

  if (dest == NULL)
    {
      name = shard_name (chosen);
      dest = g_file_get_child (self->location, name);
    }

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

static void
set_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  ShardTaskData *data = task_data;
  GError *error = NULL;
  char *key;

  key = sq_store_set (source_object, data->key, data->samples,
                      data->relay ? progress_relay_post : NULL, data->relay,
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

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (samples != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_set_async);
  g_task_set_task_data (task, shard_task_data_new (key, samples, progress, progress_data, progress_notify),
                        (GDestroyNotify) shard_task_data_free);
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
 *
 * Deletes the shard @key. Blocks.
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

  if (!sq_store_check_key (key, FALSE, error))
    return FALSE;
  file = sq_store_get_shard_file (self, key);
  if (!g_file_delete (file, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_autofree char *store = sq_store_get_display_name (self);

          g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND, "store '%s' has no shard '%s'", store, key);
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
  ShardTaskData *data = task_data;
  GError *error = NULL;

  if (sq_store_remove (source_object, data->key, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

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
  g_task_set_task_data (task, shard_task_data_new (key, NULL, NULL, NULL, NULL),
                        (GDestroyNotify) shard_task_data_free);
  g_task_run_in_thread (task, remove_thread);
}

gboolean
sq_store_remove_finish (SqStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_remove_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The error sq_store_open_shard() gives for a missing shard. */
static void
set_not_found_error (SqStore     *self,
                     const char  *key,
                     GError     **error)
{
  g_autofree char *store = sq_store_get_display_name (self);

  g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND, "store '%s' has no shard '%s'", store, key);
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
 * to it where the store is a local directory (nothing copied: Drey's sets
 * replace a shard's directory entry, never its bytes; but a program that
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
      set_not_found_error (self, key, error);
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
          set_not_found_error (self, key, error);
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
