/* sq-store.c: the store object: its location, its settings, and the rules
 * for keys
 *
 * A store is a directory of shards KEY.gz, as squirrel-core's
 * SquirrelStore keeps them. Its operations each have their own file, with
 * their blocking form (which may run on any thread but the main one) and
 * an _async/_finish pair that runs it on a GTask worker:
 * sq-store-list.c (the keys), sq-store-read.c (a shard's samples),
 * sq-store-write.c (set, remove, stash, query) and sq-store-serializer.c
 * (which serializer the store uses). The object itself only holds its
 * location and its settings, behind a lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-store-private.h"

GParamSpec *_sq_store_properties[_SQ_STORE_N_PROPS];
#define properties _sq_store_properties

G_DEFINE_FINAL_TYPE (SqStore, sq_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sq-store-error-quark, sq_store_error)

static void
sq_store_finalize (GObject *object)
{
  SqStore *self = (SqStore *) object;

  g_clear_object (&self->location);
  g_clear_object (&self->backend);
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
sq_store_constructed (GObject *object)
{
  SqStore *self = (SqStore *) object;

  G_OBJECT_CLASS (sq_store_parent_class)->constructed (object);
  self->backend = _sq_backend_new_for_location (self->location);
}

static void
sq_store_class_init (SqStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sq_store_constructed;
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
 *   creates it); or a bucket prefix, `s3://BUCKET/PREFIX` or
 *   `gs://BUCKET/PREFIX` (see sq_store_location_is_bucket())
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
 * sq_store_location_is_bucket:
 * @location: a store's location
 *
 * Whether @location is a prefix in a bucket (`s3://BUCKET/PREFIX`,
 * `gs://BUCKET/PREFIX`), which a store reads over HTTP, not through GIO:
 * GIO cannot query it, but sq_store_new() opens it. Does no I/O.
 *
 * Returns: %TRUE for s3://, gs:// and gcs:// URIs
 */
gboolean
sq_store_location_is_bucket (GFile *location)
{
  g_return_val_if_fail (G_IS_FILE (location), FALSE);

  return g_file_has_uri_scheme (location, "s3") || g_file_has_uri_scheme (location, "gs") ||
         g_file_has_uri_scheme (location, "gcs");
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

/**
 * sq_store_get_memory_limit:
 *
 * Returns: the most decompressed bytes, and memory for decoded values, one
 *   shard may take (#SqStore:memory-limit)
 */
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

/**
 * sq_store_set_memory_limit:
 * @limit: bytes, at least 1024
 *
 * Sets #SqStore:memory-limit for shards opened from now on.
 */
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
 * sq_store_set_cache_enabled:
 * @enabled: whether reads may use the cache
 *
 * A bucket's shards, once downloaded, are kept in the user's cache
 * directory (`$XDG_CACHE_HOME/drey/shards`, at most `DREY_CACHE_SIZE`
 * bytes, 1 GiB by default, least recently used evicted), and read from
 * there while the object's ETag stays the same. Off, every read
 * downloads the shard and nothing is kept. A directory store has no cache.
 */
void
sq_store_set_cache_enabled (SqStore  *self,
                            gboolean  enabled)
{
  g_return_if_fail (SQ_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->no_cache = !enabled;
  g_mutex_unlock (&self->lock);
}

/**
 * sq_store_get_cache_enabled:
 *
 * Returns: whether reads of a bucket may use the shard cache
 */
gboolean
sq_store_get_cache_enabled (SqStore *self)
{
  gboolean enabled;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  enabled = !self->no_cache;
  g_mutex_unlock (&self->lock);
  return enabled;
}

/**
 * sq_store_check_key:
 * @for_writing: also refuse keys sq_store_set() will not create: a leading
 *   `.` (temp files start so), control characters, invalid UTF-8, names
 *   too long
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

  name = g_strconcat (key, ".gz", NULL);
  return g_file_get_child (self->location, name);
}


/* The error for a key with no shard, the same from every operation. */
void
_sq_store_set_not_found_error (SqStore     *self,
                               const char  *key,
                               GError     **error)
{
  g_autofree char *store = sq_store_get_display_name (self);

  g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND, "store '%s' has no shard '%s'", store, key);
}

/* What a set found instead of what @condition asked for. */
void
_sq_store_set_condition_error (SqStore        *self,
                               const char     *key,
                               SqSetCondition  condition,
                               GError        **error)
{
  g_autofree char *store = sq_store_get_display_name (self);

  if (condition == SQ_SET_IF_ABSENT)
    g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_EXISTS, "store '%s' already has a shard '%s'", store, key);
  else
    g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_CHANGED,
                 "shard '%s' of store '%s' changed since it was read: someone else wrote or removed it", key,
                 store);
}

/* Takes @io_error, about the store's directory. */
void
_sq_store_prefix_error (SqStore  *self,
                        GError  **error,
                        GError   *io_error)
{
  g_autofree char *name = sq_store_get_display_name (self);

  g_propagate_prefixed_error (error, io_error, "store '%s': ", name);
}
