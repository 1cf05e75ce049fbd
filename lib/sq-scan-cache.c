/* sq-scan-cache.c: shard scans kept on disk between runs, one file per
 * store location in $XDG_CACHE_HOME/drey/scan/
 *
 * A file is "DREYSCAN", a format version (guint32, little-endian), the
 * CRC-32 of the GVariant (guint32, little-endian), then the GVariant
 * (s location, a shard scans). The CRC is libdeflate's, ten times as
 * fast as the SHA-256 of version 2, which took a tenth of a warm scan of
 * 2,000 shards: it is there to catch a damaged file, not a forged one. One
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
#include <libdeflate.h>

#include "sq-scan-cache-private.h"
#include "sq-shard-scan-private.h"

#define MAGIC          "DREYSCAN"
#define MAGIC_LEN      8
#define VERSION        3
/* 16 bytes: the GVariant after it is aligned. */
#define HEADER_LEN     (MAGIC_LEN + 4 + 4)
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
crc_matches (const guint8 *data,
             gsize         len,
             const guint8 *stored)
{
  guint32 crc;

  memcpy (&crc, stored, 4);
  return GUINT32_FROM_LE (crc) == libdeflate_crc32 (0, data, len);
}

/* Key -> GVariant entry of what was cached for @location; empty when
 * there is nothing, or nothing to trust. Each entry is read by whoever
 * needs it (and one that does not hold together is only a miss): on a
 * store of 2,000 shards, reading every entry here took three quarters
 * of a warm scan, on one thread. */
GHashTable *
_sq_scan_cache_load (GFile *location)
{
  GHashTable *scans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
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
  if (!crc_matches (data + HEADER_LEN, len - HEADER_LEN, data + MAGIC_LEN + 4))
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
      g_autoptr(GVariant) key = g_variant_get_child_value (child, 0);

      if (g_hash_table_contains (scans, g_variant_get_string (key, NULL)))
        {
          g_variant_unref (child);
          g_debug ("scan cache %s: a key twice, all ignored", path);
          g_hash_table_remove_all (scans);
          return scans;
        }
      g_hash_table_insert (scans, g_variant_dup_string (key, NULL), child);
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

/* Writes @scans (SqShardScan), then @entries (nullable; GVariant entries
 * as _sq_scan_cache_load() gave them, kept as they are), as the cache of
 * @location, atomically. */
gboolean
_sq_scan_cache_save (GFile      *location,
                     GPtrArray  *scans,
                     GPtrArray  *entries,
                     GError    **error)
{
  g_autofree char *path = _sq_scan_cache_get_path (location);
  g_autofree char *dir = cache_dir ();
  g_autofree char *uri = g_file_get_uri (location);
  g_autoptr(GVariant) root = NULL;
  GVariantBuilder builder;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 version = GUINT32_TO_LE (VERSION);
  guint32 crc;
  gsize size;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a" SQ_SHARD_SCAN_VARIANT_TYPE));
  for (guint i = 0; i < scans->len; i++)
    g_variant_builder_add_value (&builder, _sq_shard_scan_to_variant (scans->pdata[i]));
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    g_variant_builder_add_value (&builder, entries->pdata[i]);
  root = g_variant_ref_sink (g_variant_new ("(s@a" SQ_SHARD_SCAN_VARIANT_TYPE ")", uri,
                                            g_variant_builder_end (&builder)));
  size = g_variant_get_size (root);
  if (size + HEADER_LEN > (gsize) SQ_SCAN_CACHE_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "the scan of %s is too big to cache", uri);
      return FALSE;
    }

  crc = GUINT32_TO_LE (libdeflate_crc32 (0, g_variant_get_data (root), size));
  g_byte_array_append (out, (const guint8 *) MAGIC, MAGIC_LEN);
  g_byte_array_append (out, (const guint8 *) &version, 4);
  g_byte_array_append (out, (const guint8 *) &crc, 4);
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
