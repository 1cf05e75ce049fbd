/* sq-key-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sq-key-info.h"

struct _SqKeyInfo
{
  gint   ref_count;
  gint64 size;
  gint64 mtime;
  char   key[];
};

G_DEFINE_BOXED_TYPE (SqKeyInfo, sq_key_info, sq_key_info_ref, sq_key_info_unref)

/**
 * sq_key_info_new:
 * @key: the key (the file name without `.gz`)
 * @size: the file size in bytes, or -1 if not known
 * @mtime: the modification time in microseconds since the epoch, or -1
 */
SqKeyInfo *
sq_key_info_new (const char *key,
                 gint64      size,
                 gint64      mtime)
{
  gsize len = strlen (key);
  SqKeyInfo *info = g_malloc (sizeof (SqKeyInfo) + len + 1);

  info->ref_count = 1;
  info->size = size;
  info->mtime = mtime;
  memcpy (info->key, key, len + 1);
  return info;
}

SqKeyInfo *
sq_key_info_ref (SqKeyInfo *info)
{
  g_atomic_int_inc (&info->ref_count);
  return info;
}

void
sq_key_info_unref (SqKeyInfo *info)
{
  if (g_atomic_int_dec_and_test (&info->ref_count))
    g_free (info);
}

const char *
sq_key_info_get_key (const SqKeyInfo *info)
{
  return info->key;
}

gint64
sq_key_info_get_size (const SqKeyInfo *info)
{
  return info->size;
}

gint64
sq_key_info_get_mtime (const SqKeyInfo *info)
{
  return info->mtime;
}

/**
 * sq_key_info_compare:
 *
 * Squirrel's order: its keys() sorts the file names, `.gz` included, by
 * code point (byte order for UTF-8), so `A-1` comes before `A`.
 */
int
sq_key_info_compare (const SqKeyInfo *a,
                     const SqKeyInfo *b)
{
  static const char suffix[] = ".gz";
  gsize la = strlen (a->key);
  gsize lb = strlen (b->key);

  for (gsize i = 0;; i++)
    {
      int ca = i < la ? (guint8) a->key[i] : i < la + 3 ? suffix[i - la] : -1;
      int cb = i < lb ? (guint8) b->key[i] : i < lb + 3 ? suffix[i - lb] : -1;

      if (ca != cb)
        return ca - cb;
      if (ca == -1)
        return 0;
    }
}
