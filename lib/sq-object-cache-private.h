/* sq-object-cache-private.h: downloaded shards kept on disk, keyed by
 * their URL and ETag, so that going back to a shard costs one 304
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The ETag and file of what is kept for @url, if anything. */
gboolean  _sq_object_cache_lookup (const char  *url,
                                   char       **etag,
                                   char       **path);
/* A new temp file in the cache for a download of @url; -1 if the cache
 * cannot be written (then nothing is kept). */
int       _sq_object_cache_begin  (char       **temp_path);
/* @temp_path holds the whole object @url of @etag: keep it, and evict the
 * least recently used past the cache's bound. */
void      _sq_object_cache_commit (const char  *url,
                                   const char  *etag,
                                   const char  *temp_path);
/* The most the cache holds, in bytes: DREY_CACHE_SIZE, else 1 GiB. */
guint64   _sq_object_cache_limit  (void);
/* @path was used now. */
void      _sq_object_cache_touch  (const char  *path);

G_END_DECLS
