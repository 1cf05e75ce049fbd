/* sq-scan-cache.c: shard scans kept on disk between runs, one file per
 * store location in $XDG_CACHE_HOME/drey/scan/
 *
 * A file is "DREYSCAN", a format version (guint32, little-endian), the
 * SHA-256 of the GVariant, 4 zero bytes, then the GVariant (s location, a shard scans). One
 * that does not check out in every part is ignored: a cache is never
 * trusted blindly, only as a shortcut.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sq-scan-cache-private.h"
#include "sq-shard-scan-private.h"

#define MAGIC          "DREYSCAN"
#define MAGIC_LEN      8
#define VERSION        2
#define DIGEST_LEN     32
/* Padded to 8 bytes so that the GVariant after it is aligned. */
#define HEADER_LEN     (MAGIC_LEN + 4 + DIGEST_LEN + 4)
#define CACHE_TYPE     "(sa" SQ_SHARD_SCAN_VARIANT_TYPE ")"

static char *
cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "drey", "scan", NULL);
}

/* The file for @location: named by a hash of its URI. */
char *
_sq_scan_cache_get_path (GFile *location)
{
  g_autofree char *uri = g_file_get_uri (location);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
  g_autofree char *dir = cache_dir ();
  g_autofree char *name = g_strconcat (hash, ".scan", NULL);

  return g_build_filename (dir, name, NULL);
}

static gboolean
digest_matches (const guint8 *data,
                gsize         len,
                const guint8 *digest)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 computed[DIGEST_LEN];
  gsize n = DIGEST_LEN;

  g_checksum_update (checksum, data, (gssize) len);
  g_checksum_get_digest (checksum, computed, &n);
  return n == DIGEST_LEN && memcmp (computed, digest, DIGEST_LEN) == 0;
}

/* Key -> SqShardScan of what was cached for @location; empty when there
 * is nothing, or nothing to trust. */
GHashTable *
_sq_scan_cache_load (GFile *location)
{
  GHashTable *scans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sq_shard_scan_unref);
  g_autofree char *path = _sq_scan_cache_get_path (location);
  g_autofree char *uri = g_file_get_uri (location);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GVariant) root = NULL;
  g_autoptr(GVariant) entries = NULL;
  const guint8 *data;
  gsize len;
  guint32 version;
  const char *stored_uri;
  GVariantIter iter;
  GVariant *child;

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    return scans;
  bytes = g_mapped_file_get_bytes (mapped);
  data = g_bytes_get_data (bytes, &len);
  if (len < HEADER_LEN || len > (gsize) SQ_SCAN_CACHE_MAX_BYTES || memcmp (data, MAGIC, MAGIC_LEN) != 0)
    return scans;
  memcpy (&version, data + MAGIC_LEN, 4);
  if (GUINT32_FROM_LE (version) != VERSION)
    return scans;
  if (!digest_matches (data + HEADER_LEN, len - HEADER_LEN, data + MAGIC_LEN + 4))
    {
      g_debug ("scan cache %s: checksum mismatch, ignored", path);
      return scans;
    }
  payload = g_bytes_new_from_bytes (bytes, HEADER_LEN, len - HEADER_LEN);
  root = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CACHE_TYPE), payload, FALSE));
  g_variant_get (root, "(&s@a" SQ_SHARD_SCAN_VARIANT_TYPE ")", &stored_uri, &entries);
  /* Another store's file (a hash collision, a copied cache): not ours. */
  if (strcmp (stored_uri, uri) != 0)
    return scans;

  g_variant_iter_init (&iter, entries);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      SqShardScan *scan = _sq_shard_scan_from_variant (child);

      g_variant_unref (child);
      if (scan == NULL || g_hash_table_contains (scans, sq_shard_scan_get_key (scan)))
        {
          g_clear_pointer (&scan, sq_shard_scan_unref);
          g_debug ("scan cache %s: an entry does not hold together, all ignored", path);
          g_hash_table_remove_all (scans);
          return scans;
        }
      g_hash_table_insert (scans, (gpointer) sq_shard_scan_get_key (scan), scan);
    }
  return scans;
}

typedef struct
{
  char   *path;
  gint64  mtime;
  goffset size;
} CacheFile;

static int
cache_file_compare (gconstpointer a,
                    gconstpointer b)
{
  const CacheFile *x = a;
  const CacheFile *y = b;

  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Removes the least recently written files until the directory holds
 * at most SQ_SCAN_CACHE_MAX_BYTES; @keep is never removed. */
static void
trim_cache (const char *dir,
            const char *keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (CacheFile));
  const char *name;
  gint64 total = 0;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      CacheFile file;
      GStatBuf st;

      if (!g_str_has_suffix (name, ".scan"))
        continue;
      file.path = g_build_filename (dir, name, NULL);
      if (g_lstat (file.path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (file.path);
          continue;
        }
      file.mtime = st.st_mtime;
      file.size = st.st_size;
      total += st.st_size;
      g_array_append_val (files, file);
    }
  g_array_sort (files, cache_file_compare);
  for (guint i = 0; i < files->len; i++)
    {
      CacheFile *file = &g_array_index (files, CacheFile, i);

      if (total > SQ_SCAN_CACHE_MAX_BYTES && strcmp (file->path, keep) != 0 && g_unlink (file->path) == 0)
        total -= file->size;
      g_free (file->path);
    }
}

/* Writes @scans (SqShardScan) as the cache of @location, atomically. */
gboolean
_sq_scan_cache_save (GFile      *location,
                     GPtrArray  *scans,
                     GError    **error)
{
  g_autofree char *path = _sq_scan_cache_get_path (location);
  g_autofree char *dir = cache_dir ();
  g_autofree char *uri = g_file_get_uri (location);
  g_autoptr(GVariant) root = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GVariantBuilder entries;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 digest[DIGEST_LEN];
  gsize n = DIGEST_LEN;
  guint32 version = GUINT32_TO_LE (VERSION);
  gsize size;

  g_variant_builder_init (&entries, G_VARIANT_TYPE ("a" SQ_SHARD_SCAN_VARIANT_TYPE));
  for (guint i = 0; i < scans->len; i++)
    g_variant_builder_add_value (&entries, _sq_shard_scan_to_variant (scans->pdata[i]));
  root = g_variant_ref_sink (g_variant_new ("(s@a" SQ_SHARD_SCAN_VARIANT_TYPE ")", uri,
                                            g_variant_builder_end (&entries)));
  size = g_variant_get_size (root);
  if (size + HEADER_LEN > (gsize) SQ_SCAN_CACHE_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "the scan of %s is too big to cache", uri);
      return FALSE;
    }

  g_checksum_update (checksum, g_variant_get_data (root), (gssize) size);
  g_checksum_get_digest (checksum, digest, &n);
  g_byte_array_append (out, (const guint8 *) MAGIC, MAGIC_LEN);
  g_byte_array_append (out, (const guint8 *) &version, 4);
  g_byte_array_append (out, digest, DIGEST_LEN);
  g_byte_array_append (out, (const guint8 *) "\0\0\0\0", 4);
  g_byte_array_append (out, g_variant_get_data (root), (guint) size);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot make %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* A temporary file, fsynced, renamed over the old one. */
  if (!g_file_set_contents_full (path, (const char *) out->data, (gssize) out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  trim_cache (dir, path);
  return TRUE;
}
