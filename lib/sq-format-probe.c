/* sq-format-probe.c: could these bytes be JSON Lines, msgpack, or both?
 *
 * Which serializer wrote a shard is recorded nowhere, and the two overlap:
 * every byte 0x00-0x7f (and 0xe0-0xff) is a whole msgpack value, so any
 * ASCII JSON text is also a stream of small msgpack ints, and msgpack strs
 * and lists can spell UTF-8 JSON. The shard reader decodes one way; this
 * probe watches every decompressed byte (in order, as it is inflated) to
 * tell whether the other way would decode too:
 *
 * - text: could the bytes be JSON text as Python's json reads it (UTF-8,
 *   no raw control bytes but tab, newline and carriage return)? msgpack
 *   output almost never is past its first few bytes, so for msgpack shards
 *   the probe stops there and costs nothing more.
 * - msgpack: while the bytes are text, are they a valid msgpack stream as
 *   squirrel's Unpacker reads it (structure, lengths, UTF-8 strs, str or bin
 *   map keys, the limits)? Without building values. msgpack-numpy's maps
 *   cannot occur in text (their bin keys' lengths are not UTF-8), so the
 *   structure is all there is to check.
 * - lines: on request, is every line a JSON document (for a shard read as
 *   msgpack whose bytes are still text)?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-format-probe"

#include "config.h"

#include <string.h>

#include "sq-format-probe-private.h"
#include "sq-json.h"
#include "sq-msgpack-reader-private.h"

typedef struct
{
  guint64  left;  /* items still to come; a map counts keys and values */
  gboolean map;
} Frame;

/* Where a UTF-8 sequence stands: continuation bytes still wanted, and the
 * range the next one must fall in (no overlong forms, no surrogates). */
typedef struct
{
  guint8 need;
  guint8 lo;
  guint8 hi;
} Utf8State;

struct _SqFormatProbe
{
  guint64     length;
  guint8      last;

  gboolean    text;
  Utf8State   text_utf8;

  gboolean    msgpack;
  gboolean    only_fixints;   /* every top-level value one byte */
  guint8      head;           /* a value's first byte, while its header is read */
  guint8      head_need;
  guint8      head_have;
  guint8      head_buf[8];
  guint64     skip;           /* payload bytes to pass over */
  gboolean    skip_str;       /* ... of a str, whose UTF-8 is checked */
  Utf8State   str_utf8;
  GArray     *stack;          /* of Frame */

  gboolean    lines;
  gboolean    lines_valid;
  GByteArray *line;
};

SqFormatProbe *
_sq_format_probe_new (void)
{
  SqFormatProbe *probe = g_new0 (SqFormatProbe, 1);

  probe->text = TRUE;
  probe->msgpack = TRUE;
  probe->only_fixints = TRUE;
  probe->stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  return probe;
}

void
_sq_format_probe_free (SqFormatProbe *probe)
{
  if (probe == NULL)
    return;
  g_array_unref (probe->stack);
  if (probe->line != NULL)
    g_byte_array_unref (probe->line);
  g_free (probe);
}

/* One byte of UTF-8, as Python's strict codec reads it. */
static inline gboolean
utf8_step (Utf8State *s,
           guint8     b)
{
  if (s->need > 0)
    {
      if (b < s->lo || b > s->hi)
        return FALSE;
      s->need--;
      s->lo = 0x80;
      s->hi = 0xbf;
      return TRUE;
    }
  if (b < 0x80)
    return TRUE;
  s->lo = 0x80;
  s->hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf)
    s->need = 1;
  else if (b == 0xe0)
    s->need = 2, s->lo = 0xa0;
  else if (b == 0xed)
    s->need = 2, s->hi = 0x9f;
  else if (b >= 0xe1 && b <= 0xef)
    s->need = 2;
  else if (b == 0xf0)
    s->need = 3, s->lo = 0x90;
  else if (b >= 0xf1 && b <= 0xf3)
    s->need = 3;
  else if (b == 0xf4)
    s->need = 3, s->hi = 0x8f;
  else
    return FALSE;
  return TRUE;
}

static inline gboolean
is_text_ascii (guint8 b)
{
  return (b >= 0x20 && b < 0x80) || b == '\n' || b == '\t' || b == '\r';
}

/* The end of the run of ASCII bytes JSON text may hold, from @p. */
static const guint8 *
skip_text_ascii (const guint8 *p,
                 const guint8 *end)
{
  for (;;)
    {
      const guint8 *stop;

      while (end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, 8);
          /* No byte >= 0x80, none < 0x20 (tab and newline go below). */
          if ((w & G_GUINT64_CONSTANT (0x8080808080808080)) != 0 ||
              ((w - G_GUINT64_CONSTANT (0x2020202020202020)) & ~w & G_GUINT64_CONSTANT (0x8080808080808080)) != 0)
            break;
          p += 8;
        }
      /* The word that held a newline, byte by byte; then words again. */
      stop = p + MIN ((gsize) (end - p), 8);
      while (p < stop && is_text_ascii (*p))
        p++;
      if (p < stop || p == end)
        return p;
    }
}

/* ---- msgpack, structure only ------------------------------------------ */

static void
msgpack_fail (SqFormatProbe *probe)
{
  probe->msgpack = FALSE;
  g_array_set_size (probe->stack, 0);
}

/* A value ended: count it in its container, and close what it completes. */
static void
value_done (SqFormatProbe *probe)
{
  while (probe->stack->len > 0)
    {
      Frame *top = &g_array_index (probe->stack, Frame, probe->stack->len - 1);

      if (--top->left > 0)
        return;
      g_array_set_size (probe->stack, probe->stack->len - 1);
    }
}

static void
start_payload (SqFormatProbe *probe,
               guint64        length,
               gboolean       str)
{
  if (length > SQ_MSGPACK_MAX_STR_LEN)
    {
      msgpack_fail (probe);
      return;
    }
  if (length == 0)
    {
      value_done (probe);
      return;
    }
  probe->skip = length;
  probe->skip_str = str;
  probe->str_utf8.need = 0;
}

static void
start_container (SqFormatProbe *probe,
                 guint64        n,
                 gboolean       map)
{
  Frame frame = { map ? 2 * n : n, map };

  if (n > (map ? SQ_MSGPACK_MAX_MAP_LEN : SQ_MSGPACK_MAX_ARRAY_LEN) ||
      probe->stack->len >= SQ_MSGPACK_MAX_DEPTH)
    {
      msgpack_fail (probe);
      return;
    }
  if (n == 0)
    {
      value_done (probe);
      return;
    }
  g_array_append_val (probe->stack, frame);
}

static void
start_header (SqFormatProbe *probe,
              guint8         head,
              guint8         need)
{
  probe->head = head;
  probe->head_need = need;
  probe->head_have = 0;
}

/* A header's length fields are complete. */
static void
header_done (SqFormatProbe *probe)
{
  guint64 n = 0;
  guint8 head = probe->head;
  guint8 len_bytes = probe->head_have;

  /* ext headers end with their type byte, which is not part of the length */
  if (head >= 0xc7 && head <= 0xc9)
    len_bytes--;
  for (guint8 i = 0; i < len_bytes; i++)
    n = (n << 8) | probe->head_buf[i];
  probe->head_need = 0;
  switch (head)
    {
    case 0xc4: case 0xc5: case 0xc6: /* bin */
    case 0xc7: case 0xc8: case 0xc9: /* ext */
      start_payload (probe, n, FALSE);
      break;
    case 0xd9: case 0xda: case 0xdb: /* str */
      start_payload (probe, n, TRUE);
      break;
    case 0xdc: case 0xdd:
      start_container (probe, n, FALSE);
      break;
    case 0xde: case 0xdf:
    default:
      start_container (probe, n, TRUE);
      break;
    }
}

static void
begin_value (SqFormatProbe *probe,
             guint8         b)
{
  if (probe->stack->len > 0)
    {
      Frame *top = &g_array_index (probe->stack, Frame, probe->stack->len - 1);

      /* squirrel's Unpacker takes only str and bin map keys */
      if (top->map && top->left % 2 == 0 &&
          !((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb) || (b >= 0xc4 && b <= 0xc6)))
        {
          msgpack_fail (probe);
          return;
        }
    }
  else if (b >= 0x80 && b < 0xe0)
    probe->only_fixints = FALSE;

  if (b < 0x80 || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
    value_done (probe);
  else if (b <= 0x8f)
    start_container (probe, b & 0x0f, TRUE);
  else if (b <= 0x9f)
    start_container (probe, b & 0x0f, FALSE);
  else if (b <= 0xbf)
    start_payload (probe, b & 0x1f, TRUE);
  else
    switch (b)
      {
      case 0xc4: start_header (probe, b, 1); break;
      case 0xc5: start_header (probe, b, 2); break;
      case 0xc6: start_header (probe, b, 4); break;
      case 0xc7: start_header (probe, b, 2); break;
      case 0xc8: start_header (probe, b, 3); break;
      case 0xc9: start_header (probe, b, 5); break;
      case 0xca: start_payload (probe, 4, FALSE); break;
      case 0xcb: start_payload (probe, 8, FALSE); break;
      case 0xcc: case 0xd0: start_payload (probe, 1, FALSE); break;
      case 0xcd: case 0xd1: start_payload (probe, 2, FALSE); break;
      case 0xce: case 0xd2: start_payload (probe, 4, FALSE); break;
      case 0xcf: case 0xd3: start_payload (probe, 8, FALSE); break;
      case 0xd4: start_payload (probe, 2, FALSE); break;
      case 0xd5: start_payload (probe, 3, FALSE); break;
      case 0xd6: start_payload (probe, 5, FALSE); break;
      case 0xd7: start_payload (probe, 9, FALSE); break;
      case 0xd8: start_payload (probe, 17, FALSE); break;
      case 0xd9: start_header (probe, b, 1); break;
      case 0xda: case 0xdc: case 0xde: start_header (probe, b, 2); break;
      case 0xdb: case 0xdd: case 0xdf: start_header (probe, b, 4); break;
      case 0xc1: /* never used */
      default:
        msgpack_fail (probe);
        break;
      }
}

static void
msgpack_byte (SqFormatProbe *probe,
              guint8         b)
{
  if (probe->head_need > 0)
    {
      probe->head_buf[probe->head_have++] = b;
      if (--probe->head_need == 0)
        header_done (probe);
    }
  else if (probe->skip > 0)
    {
      if (probe->skip_str && !utf8_step (&probe->str_utf8, b))
        {
          msgpack_fail (probe);
          return;
        }
      if (--probe->skip == 0)
        {
          if (probe->skip_str && probe->str_utf8.need > 0)
            msgpack_fail (probe);
          else
            value_done (probe);
        }
    }
  else
    begin_value (probe, b);
}

/* A run of ASCII bytes: at the top level each is a whole value, inside a
 * payload it is skipped; only the rest goes byte by byte. */
static void
msgpack_ascii (SqFormatProbe *probe,
               const guint8  *p,
               gsize          n)
{
  const guint8 *end = p + n;

  while (p < end && probe->msgpack)
    {
      if (probe->head_need == 0 && probe->skip > 0 && probe->str_utf8.need == 0)
        {
          gsize k = (gsize) MIN (probe->skip, (guint64) (end - p));

          probe->skip -= k;
          p += k;
          if (probe->skip == 0)
            value_done (probe);
        }
      else if (probe->head_need == 0 && probe->skip == 0 && probe->stack->len == 0)
        return; /* positive fixints, each a sample */
      else
        msgpack_byte (probe, *p++);
    }
}

/* ---- JSON lines ------------------------------------------------------- */

static void
check_line (SqFormatProbe *probe,
            const guint8  *line,
            gsize          length)
{
  g_autoptr(SqValue) value = NULL;

  if (length >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
    line += 3, length -= 3;
  value = sq_json_parse ((const char *) line, length, SQ_JSON_SQUIRREL, NULL);
  if (value == NULL)
    {
      probe->lines_valid = FALSE;
      g_clear_pointer (&probe->line, g_byte_array_unref);
    }
}

static void
feed_lines (SqFormatProbe *probe,
            const guint8  *data,
            gsize          length)
{
  const guint8 *end = data + length;

  while (data < end && probe->lines_valid)
    {
      const guint8 *nl = memchr (data, '\n', (gsize) (end - data));

      if (nl == NULL)
        {
          g_byte_array_append (probe->line, data, (guint) (end - data));
          return;
        }
      if (probe->line->len == 0)
        check_line (probe, data, (gsize) (nl - data));
      else
        {
          g_byte_array_append (probe->line, data, (guint) (nl - data));
          check_line (probe, probe->line->data, probe->line->len);
          if (probe->line != NULL)
            g_byte_array_set_size (probe->line, 0);
        }
      data = nl + 1;
    }
}

/**
 * _sq_format_probe_feed:
 * @data: the next decompressed bytes of the shard
 *
 * Returns: %FALSE once the bytes cannot be JSON text, when nothing more
 *   is to be learnt and the caller may stop feeding
 */
gboolean
_sq_format_probe_feed (SqFormatProbe *probe,
                       const guint8  *data,
                       gsize          length)
{
  const guint8 *p = data;
  const guint8 *end = data + length;

  if (!probe->text)
    return FALSE;
  if (length == 0)
    return TRUE;

  while (p < end)
    {
      if (probe->text_utf8.need == 0)
        {
          const guint8 *run = p;

          p = skip_text_ascii (p, end);
          if (p > run && probe->msgpack)
            msgpack_ascii (probe, run, (gsize) (p - run));
          if (p == end)
            break;
        }
      if ((*p < 0x80 && !is_text_ascii (*p)) || !utf8_step (&probe->text_utf8, *p))
        {
          probe->text = FALSE;
          probe->lines_valid = FALSE;
          g_clear_pointer (&probe->line, g_byte_array_unref);
          return FALSE;
        }
      if (probe->msgpack)
        msgpack_byte (probe, *p);
      p++;
    }

  if (probe->lines && probe->lines_valid)
    feed_lines (probe, data, length);
  probe->length += length;
  probe->last = data[length - 1];
  return TRUE;
}

/**
 * _sq_format_probe_check_lines:
 * @seen: every byte fed so far (from the first), to catch up on
 *
 * From now on also checks that every line is a JSON document.
 */
void
_sq_format_probe_check_lines (SqFormatProbe *probe,
                              const guint8  *seen,
                              gsize          length)
{
  g_return_if_fail (length == probe->length);

  if (probe->lines)
    return;
  probe->lines = TRUE;
  probe->lines_valid = probe->text;
  if (!probe->text)
    return;
  probe->line = g_byte_array_new ();
  feed_lines (probe, seen, length);
}

/* Could every byte so far be UTF-8 JSON text? */
gboolean
_sq_format_probe_is_text (const SqFormatProbe *probe)
{
  return probe->text;
}

/* While the bytes are text: are they a valid msgpack stream so far? */
gboolean
_sq_format_probe_is_msgpack (const SqFormatProbe *probe)
{
  return probe->text && probe->msgpack;
}

/* ... and do they end between two values? */
gboolean
_sq_format_probe_msgpack_complete (const SqFormatProbe *probe)
{
  return _sq_format_probe_is_msgpack (probe) && probe->head_need == 0 && probe->skip == 0 &&
         probe->stack->len == 0;
}

/* ... and is every value one byte (an int of -32..127)? */
gboolean
_sq_format_probe_only_fixints (const SqFormatProbe *probe)
{
  return probe->only_fixints;
}

/* Since _sq_format_probe_check_lines(): every finished line a JSON value? */
gboolean
_sq_format_probe_lines_valid (const SqFormatProbe *probe)
{
  return probe->lines && probe->lines_valid;
}

gboolean
_sq_format_probe_ends_with_newline (const SqFormatProbe *probe)
{
  return probe->length > 0 && probe->last == '\n';
}

guint64
_sq_format_probe_get_length (const SqFormatProbe *probe)
{
  return probe->length;
}
