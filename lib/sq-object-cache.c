/* sq-object-cache.c: downloaded shards kept on disk
 *
 * In $XDG_CACHE_HOME/drey/shards: the bytes of an object as
 * sha256(URL \n ETag).gz, and an index sha256(URL).etag holding the ETag
 * last kept for the URL. A read sends If-None-Match with that ETag; a 304
 * reads the kept file. The cache holds at most DREY_CACHE_SIZE bytes (1 GiB
 * by default); past that the files used least recently go (their mtime is
 * touched at every use). Files are renamed into place whole, so two
 * processes never see half of one; a kept file that vanished is a miss.
 * A download in progress is a .download-XXXXXX file its writer holds
 * flock()ed; one nobody holds, older than a minute, was left by a process
 * that died, and the next eviction removes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <utime.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sq-object-cache-private.h"

#define DEFAULT_LIMIT ((guint64) 1 << 30)
#define TEMP_PREFIX ".download-"
/* A temp file is locked right after it is made; the age covers that gap. */
#define STALE_TEMP_SECONDS 60

static char *
cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "drey", "shards", NULL);
}

static char *
cache_file (const char *text,
            const char *suffix)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_autofree char *name = g_strconcat (hash, suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

static char *
data_file (const char *url,
           const char *etag)
{
  g_autofree char *both = g_strconcat (url, "\n", etag, NULL);

  return cache_file (both, ".gz");
}

gboolean
_sq_object_cache_lookup (const char  *url,
                         char       **etag,
                         char       **path)
{
  g_autofree char *index = cache_file (url, ".etag");
  g_autofree char *text = NULL;
  g_autofree char *data = NULL;

  if (!g_file_get_contents (index, &text, NULL, NULL) || *text == '\0' || strchr (text, '\n') != NULL)
    return FALSE;
  data = data_file (url, text);
  if (!g_file_test (data, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  *etag = g_steal_pointer (&text);
  *path = g_steal_pointer (&data);
  return TRUE;
}

int
_sq_object_cache_begin (char **temp_path)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *path = NULL;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return -1;
  path = g_build_filename (dir, TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  /* Held until the fd is closed, or the process dies: then it is stale. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_unlink (path);
      return -1;
    }
  *temp_path = g_steal_pointer (&path);
  return fd;
}

guint64
_sq_object_cache_limit (void)
{
  const char *text = g_getenv ("DREY_CACHE_SIZE");
  guint64 limit = DEFAULT_LIMIT;

  if (text != NULL)
    g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &limit, NULL);
  return limit;
}

void
_sq_object_cache_touch (const char *path)
{
  g_utime (path, NULL);
}

typedef struct
{
  char   *path;
  gint64  mtime;
  goffset size;
} Kept;

static int
compare_kept (gconstpointer a,
              gconstpointer b)
{
  const Kept *x = a, *y = b;

  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

static void
kept_clear (gpointer data)
{
  g_free (((Kept *) data)->path);
}

/* A temp file of a download that died with its process. */
static void
remove_if_stale (const char *path)
{
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) != 0 || (gint64) st.st_mtime > g_get_real_time () / G_USEC_PER_SEC - STALE_TEMP_SECONDS)
    return;
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return;
  /* Locked: a download still writing it (one stalled, say). */
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    g_unlink (path);
  close (fd);
}

static void
evict (void)
{
  g_autofree char *dir_path = cache_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (Kept));
  guint64 limit = _sq_object_cache_limit (), total = 0;
  const char *name;

  if (dir == NULL)
    return;
  g_array_set_clear_func (kept, kept_clear);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      Kept k;
      GStatBuf st;

      if (g_str_has_prefix (name, TEMP_PREFIX))
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);

          remove_if_stale (path);
          continue;
        }
      if (!g_str_has_suffix (name, ".gz"))
        continue;
      k.path = g_build_filename (dir_path, name, NULL);
      if (g_stat (k.path, &st) != 0)
        {
          g_free (k.path);
          continue;
        }
      k.mtime = (gint64) st.st_mtime;
      k.size = st.st_size;
      total += (guint64) st.st_size;
      g_array_append_val (kept, k);
    }
  g_array_sort (kept, compare_kept);
  for (guint i = 0; i < kept->len && total > limit; i++)
    {
      Kept *k = &g_array_index (kept, Kept, i);

      if (g_unlink (k->path) == 0)
        total -= (guint64) k->size;
    }
}

void
_sq_object_cache_commit (const char *url,
                         const char *etag,
                         const char *temp_path)
{
  g_autofree char *data = data_file (url, etag);
  g_autofree char *index = cache_file (url, ".etag");

  if (g_rename (temp_path, data) != 0)
    {
      g_unlink (temp_path);
      return;
    }
  g_file_set_contents (index, etag, -1, NULL);
  evict ();
}
