/* sq-utf8.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-utf8"

#include "config.h"

#include <string.h>

#include "sq-utf8-private.h"

gboolean
_sq_utf8_validate (const guint8 *text,
                   gsize         length,
                   gsize        *bad_offset)
{
  const guint8 *p = text;
  const guint8 *end = text + length;

  while (p < end)
    {
      guint8 c = *p;

      /* Eight ASCII bytes at a time: the common case for keys and captions. */
      if (c < 0x80)
        {
          while (end - p >= 8)
            {
              guint64 word;

              memcpy (&word, p, 8);
              if (word & G_GUINT64_CONSTANT (0x8080808080808080))
                break;
              p += 8;
            }
          while (p < end && *p < 0x80)
            p++;
          continue;
        }

      if (c >= 0xc2 && c <= 0xdf)
        {
          if (end - p < 2 || (p[1] & 0xc0) != 0x80)
            goto bad;
          p += 2;
        }
      else if (c >= 0xe0 && c <= 0xef)
        {
          if (end - p < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            goto bad;
          if ((c == 0xe0 && p[1] < 0xa0) || /* overlong */
              (c == 0xed && p[1] >= 0xa0))  /* surrogate */
            goto bad;
          p += 3;
        }
      else if (c >= 0xf0 && c <= 0xf4)
        {
          if (end - p < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            goto bad;
          if ((c == 0xf0 && p[1] < 0x90) || /* overlong */
              (c == 0xf4 && p[1] >= 0x90))  /* above U+10FFFF */
            goto bad;
          p += 4;
        }
      else
        goto bad;
    }
  return TRUE;

bad:
  if (bad_offset)
    *bad_offset = (gsize) (p - text);
  return FALSE;
}
