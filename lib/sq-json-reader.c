/* sq-json-reader.c: json.loads(line, cls=SquirrelJsonDecoder), strictly
 *
 * Python's json module with squirrel-core's object hook: any object with
 * "type", "data" and "shape" keys becomes
 * `np.array(data, dtype=type).reshape(shape)`. Numbers, strings, NaN and
 * the infinities read as Python reads them. Where Python would quietly do
 * something lossy (wrap 300 into a uint8, truncate 1.5 into an int array,
 * cut a string to the width of a `U` array) this reader refuses, naming
 * the byte: a value Drey shows is the value in the file.
 *
 * The `data` of an array is parsed straight into the array's bytes, typed,
 * after the object's other keys (squirrel writes "data" first, "type" and
 * "shape" after it): an image never becomes a tree of 150,000 numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-json"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sq-error.h"
#include "sq-json.h"
#include "sq-json-private.h"
#include "sq-msgpack-reader-private.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-utf8-private.h"
#include "sq-value-private.h"

/* Typed array bytes may exceed the text that spells them (a "" element of
 * a `<U1000` array is 4000 bytes from 2): allow this much, plus a factor
 * of the text, so no line can ask for unbounded memory. */
#define TYPED_FIXED_ALLOWANCE (G_GUINT64_CONSTANT (256) << 20)
#define TYPED_TEXT_FACTOR     64

typedef struct
{
  const guint8 *start;
  const guint8 *p;
  const guint8 *end;
  SqJsonFlags   flags;
  guint         depth;
  guint64       typed_budget; /* bytes typed arrays may still take */
  GError      **error;
  SqArena      *arena;        /* the values: one allocation, freed together */
  GPtrArray    *stack;        /* the entries and items of the containers
                               * being read, each from its mark on */
} Parser;

/* The element layout of a typed array being read. */
typedef struct
{
  SqDtype    *dtype;
  SqDtypeKind kind;
  gsize       itemsize;
  gboolean    swap;
} Elem;

/* An array's `data`, read into bytes: its nesting and its elements. */
typedef struct
{
  Elem        elem;
  guint       fixed_ndim;  /* complex and records: lists this deep are dimensions */
  gboolean    ndim_fixed;
  gint        ndim;        /* -1 until the first element or empty list */
  guint64     shape[SQ_NDARRAY_MAX_DIMS];
  gboolean    shape_known[SQ_NDARRAY_MAX_DIMS];
  GByteArray *bytes;
  guint64     count;
} Typed;

static SqValue *parse_value (Parser *P);

static gboolean
fail_at (Parser       *P,
         const guint8 *at,
         gint          code,
         const char   *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_at (Parser       *P,
         const guint8 *at,
         gint          code,
         const char   *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (P->error != NULL && *P->error != NULL)
    return FALSE; /* keep the first, innermost error */
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (P->error, SQ_DECODE_ERROR, code, "at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (at - P->start), what);
  return FALSE;
}

static inline void
skip_ws (Parser *P)
{
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r'))
    P->p++;
}

static gboolean
fail_unexpected (Parser     *P,
                 const char *expected)
{
  if (P->p >= P->end)
    return fail_at (P, P->p, SQ_DECODE_ERROR_TRUNCATED, "the line ends where %s should be", expected);
  if (*P->p >= 0x20 && *P->p < 0x7f)
    return fail_at (P, P->p, SQ_DECODE_ERROR_MALFORMED, "expected %s, found '%c'", expected, *P->p);
  return fail_at (P, P->p, SQ_DECODE_ERROR_MALFORMED, "expected %s, found byte 0x%02x", expected, *P->p);
}

static gboolean
match_word (Parser     *P,
            const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (P->end - P->p) >= n && memcmp (P->p, word, n) == 0)
    {
      P->p += n;
      return TRUE;
    }
  return FALSE;
}

static gboolean
expect_char (Parser     *P,
             char        c,
             const char *what)
{
  skip_ws (P);
  if (P->p < P->end && *P->p == (guint8) c)
    {
      P->p++;
      return TRUE;
    }
  return fail_unexpected (P, what);
}

/* ---- strings ---------------------------------------------------------- */

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_u_escape (Parser  *P,
               guint   *unit)
{
  /* P->p is at the 'u' of "\u" */
  guint v = 0;

  if (P->end - P->p < 5)
    return fail_at (P, P->p - 1, SQ_DECODE_ERROR_TRUNCATED, "the line ends inside a \\u escape");
  for (int i = 1; i <= 4; i++)
    {
      int h = hex_value (P->p[i]);

      if (h < 0)
        return fail_at (P, P->p - 1, SQ_DECODE_ERROR_MALFORMED, "invalid \\u escape");
      v = (v << 4) | (guint) h;
    }
  P->p += 5;
  *unit = v;
  return TRUE;
}

/* Reads a string at P->p (its opening quote) into @out, as UTF-8. */
static gboolean
read_string (Parser  *P,
             GString *out)
{
  const guint8 *open = P->p;

  P->p++;
  for (;;)
    {
      const guint8 *run = P->p;

      while (P->p < P->end && *P->p != '"' && *P->p != '\\' && *P->p >= 0x20)
        P->p++;
      if (P->p > run)
        {
          gsize bad;

          if (!_sq_utf8_validate (run, P->p - run, &bad))
            return fail_at (P, run + bad, SQ_DECODE_ERROR_MALFORMED, "invalid UTF-8 in a string");
          g_string_append_len (out, (const char *) run, P->p - run);
        }
      if (P->p >= P->end)
        return fail_at (P, open, SQ_DECODE_ERROR_TRUNCATED, "a string starts here and never ends");
      if (*P->p == '"')
        {
          P->p++;
          return TRUE;
        }
      if (*P->p < 0x20)
        return fail_at (P, P->p, SQ_DECODE_ERROR_MALFORMED,
                        "a control character (0x%02x) inside a string must be escaped", *P->p);

      /* a backslash */
      if (P->end - P->p < 2)
        return fail_at (P, P->p, SQ_DECODE_ERROR_TRUNCATED, "the line ends inside an escape");
      P->p++;
      switch (*P->p)
        {
        case '"': g_string_append_c (out, '"'); P->p++; break;
        case '\\': g_string_append_c (out, '\\'); P->p++; break;
        case '/': g_string_append_c (out, '/'); P->p++; break;
        case 'b': g_string_append_c (out, '\b'); P->p++; break;
        case 'f': g_string_append_c (out, '\f'); P->p++; break;
        case 'n': g_string_append_c (out, '\n'); P->p++; break;
        case 'r': g_string_append_c (out, '\r'); P->p++; break;
        case 't': g_string_append_c (out, '\t'); P->p++; break;
        case 'u':
          {
            const guint8 *escape = P->p - 1;
            guint unit, low;

            if (!read_u_escape (P, &unit))
              return FALSE;
            if (unit >= 0xd800 && unit < 0xdc00 && P->end - P->p >= 6 &&
                P->p[0] == '\\' && P->p[1] == 'u')
              {
                const guint8 *save = P->p;

                P->p++;
                if (!read_u_escape (P, &low))
                  return FALSE;
                if (low >= 0xdc00 && low < 0xe000)
                  unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                else
                  P->p = save;
              }
            /* Python keeps a lone surrogate in its str; UTF-8 cannot. */
            if (unit >= 0xd800 && unit < 0xe000)
              return fail_at (P, escape, SQ_DECODE_ERROR_MALFORMED,
                              "\\u%04x is half of a surrogate pair; a str cannot hold it", unit);
            g_string_append_unichar (out, unit);
            break;
          }
        default:
          return fail_at (P, P->p - 1, SQ_DECODE_ERROR_MALFORMED, "invalid escape");
        }
    }
}

static SqValue *
parse_string (Parser *P)
{
  const guint8 *q = P->p + 1;
  GString *text;
  SqValue *value;
  char *data;

  /* Fast path: no escapes, so the value is the bytes between the quotes. */
  while (q < P->end && *q != '"' && *q != '\\' && *q >= 0x20)
    q++;
  if (q < P->end && *q == '"')
    {
      gsize n = q - (P->p + 1), bad;

      if (!_sq_utf8_validate (P->p + 1, n, &bad))
        {
          fail_at (P, P->p + 1 + bad, SQ_DECODE_ERROR_MALFORMED, "invalid UTF-8 in a string");
          return NULL;
        }
      value = _sq_value_alloc_str_in (P->arena, n, &data);
      memcpy (data, P->p + 1, n);
      P->p = q + 1;
      return value;
    }

  text = g_string_new (NULL);
  if (!read_string (P, text))
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  value = _sq_value_alloc_str_in (P->arena, text->len, &data);
  memcpy (data, text->str, text->len);
  g_string_free (text, TRUE);
  return value;
}

/* ---- base64 (for $bytes) ---------------------------------------------- */

static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Strict standard base64 with padding, as Python's b64encode writes it. */
static GBytes *
decode_base64 (const char *text,
               gsize       length)
{
  guint8 *out;
  gsize n = 0, pad = 0;

  if (length % 4 != 0)
    return NULL;
  if (length > 0 && text[length - 1] == '=')
    pad = (length > 1 && text[length - 2] == '=') ? 2 : 1;
  out = g_malloc (length / 4 * 3 + 1);
  for (gsize i = 0; i < length; i += 4)
    {
      int v[4];

      for (int j = 0; j < 4; j++)
        {
          v[j] = base64_value (text[i + j]);
          if (v[j] < 0 && !(text[i + j] == '=' && i + 4 == length && j >= 4 - (int) pad))
            {
              g_free (out);
              return NULL;
            }
        }
      out[n++] = (guint8) ((v[0] << 2) | (v[1] >> 4));
      if (v[2] >= 0)
        out[n++] = (guint8) (((v[1] & 0xf) << 4) | (v[2] >> 2));
      if (v[3] >= 0)
        out[n++] = (guint8) (((v[2] & 0x3) << 6) | v[3]);
    }
  return g_bytes_new_take (out, n);
}

/* ---- numbers ---------------------------------------------------------- */

typedef enum
{
  NUM_INT,   /* fits gint64 */
  NUM_UINT,  /* above G_MAXINT64, fits guint64 */
  NUM_BIG,   /* an integer beyond 64 bits: its text is [start, start + len) */
  NUM_FLOAT,
} NumKind;

typedef struct
{
  NumKind       kind;
  gint64        i;
  guint64       u;
  double        d;
  const guint8 *start;
  gsize         len;
} Number;

/* Python 3.11 refuses to turn longer digit strings into an int
 * (sys.int_info.default_max_str_digits), json.loads included. */
#define MAX_BIG_INT_DIGITS 4300

/* Python's number grammar, and NaN, Infinity, -Infinity. */
static gboolean
read_number (Parser *P,
             Number *num)
{
  const guint8 *start = P->p;
  const guint8 *q = P->p;
  gboolean negative = FALSE, is_float = FALSE;
  const guint8 *digits;
  char stack[64];
  char *buf;
  gsize len;

  if (q < P->end && *q == '-')
    negative = TRUE, q++;
  /* Python reads NaN, Infinity and -Infinity, but not -NaN. */
  if (!negative && match_word (P, "NaN"))
    {
      num->kind = NUM_FLOAT, num->d = NAN;
      return TRUE;
    }
  P->p = q;
  if (match_word (P, "Infinity"))
    {
      num->kind = NUM_FLOAT, num->d = negative ? -INFINITY : INFINITY;
      return TRUE;
    }
  P->p = start;

  digits = q;
  if (q >= P->end || !g_ascii_isdigit (*q))
    {
      P->p = q;
      return fail_unexpected (P, "a digit");
    }
  if (*q == '0')
    q++;
  else
    while (q < P->end && g_ascii_isdigit (*q))
      q++;
  if (q < P->end && *q == '.')
    {
      q++;
      if (q >= P->end || !g_ascii_isdigit (*q))
        {
          P->p = q;
          return fail_unexpected (P, "a digit after the decimal point");
        }
      while (q < P->end && g_ascii_isdigit (*q))
        q++;
      is_float = TRUE;
    }
  if (q < P->end && (*q == 'e' || *q == 'E'))
    {
      q++;
      if (q < P->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= P->end || !g_ascii_isdigit (*q))
        {
          P->p = q;
          return fail_unexpected (P, "a digit in the exponent");
        }
      while (q < P->end && g_ascii_isdigit (*q))
        q++;
      is_float = TRUE;
    }
  P->p = q;

  if (!is_float)
    {
      guint64 v = 0;

      num->start = start;
      num->len = (gsize) (q - start);
      for (const guint8 *d = digits; d < q; d++)
        if (!g_uint64_checked_mul (&v, v, 10) || !g_uint64_checked_add (&v, v, (guint64) (*d - '0')))
          goto big;
      if (negative)
        {
          if (v > (guint64) G_MAXINT64 + 1)
            goto big;
          num->kind = NUM_INT;
          num->i = v == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) v;
        }
      else if (v > G_MAXINT64)
        num->kind = NUM_UINT, num->u = v;
      else
        num->kind = NUM_INT, num->i = (gint64) v;
      return TRUE;

    big:
      if (q - digits > MAX_BIG_INT_DIGITS)
        return fail_at (P, start, SQ_DECODE_ERROR_LIMIT,
                        "an integer of %" G_GSIZE_FORMAT " digits; Python reads at most %d",
                        (gsize) (q - digits), MAX_BIG_INT_DIGITS);
      num->kind = NUM_BIG;
      return TRUE;
    }

  /* strtod needs a terminated copy; the text may end right after. */
  len = q - start;
  buf = len < sizeof stack ? stack : g_malloc (len + 1);
  memcpy (buf, start, len);
  buf[len] = '\0';
  num->kind = NUM_FLOAT;
  num->d = g_ascii_strtod (buf, NULL); /* 1e400 is inf, as in Python */
  if (buf != stack)
    g_free (buf);
  return TRUE;
}

/* ---- skipping (to read an object's "data" after its "type") ----------- */

typedef enum
{
  SKIP_OK,
  SKIP_HAS_OBJECT, /* P->p is back where it was */
  SKIP_ERROR,
} SkipResult;

/* Skips a value that holds no object, checking only that its brackets and
 * strings close; the value is parsed properly afterwards. Values with
 * objects inside are parsed on the spot instead: skipping them too could
 * make nested {"data": ...} objects cost quadratic time. */
static SkipResult
skip_plain_value (Parser *P)
{
  const guint8 *start;
  guint nesting = 0;

  skip_ws (P);
  start = P->p;
  while (P->p < P->end)
    {
      guint8 c = *P->p;

      switch (c)
        {
        case '"':
          {
            const guint8 *open = P->p++;

            while (P->p < P->end && *P->p != '"')
              P->p += (*P->p == '\\' && P->end - P->p >= 2) ? 2 : 1;
            if (P->p >= P->end)
              {
                fail_at (P, open, SQ_DECODE_ERROR_TRUNCATED, "a string starts here and never ends");
                return SKIP_ERROR;
              }
            P->p++;
            if (nesting == 0)
              return SKIP_OK;
            continue;
          }
        case '{':
          P->p = start;
          return SKIP_HAS_OBJECT;
        case '[':
          nesting++;
          P->p++;
          continue;
        case ']':
          if (nesting == 0)
            break;
          P->p++;
          if (--nesting == 0)
            return SKIP_OK;
          continue;
        case ',':
        case '}':
        case ' ':
        case '\t':
        case '\n':
        case '\r':
          if (nesting == 0)
            break;
          P->p++;
          continue;
        default:
          P->p++;
          continue;
        }
      break; /* the end of a bare token */
    }
  if (nesting > 0)
    {
      fail_at (P, start, SQ_DECODE_ERROR_TRUNCATED, "a list starts here and never ends");
      return SKIP_ERROR;
    }
  if (P->p == start)
    {
      fail_unexpected (P, "a value");
      return SKIP_ERROR;
    }
  return SKIP_OK;
}

/* ---- typed array data ------------------------------------------------- */

static void
elem_init (Elem    *e,
           SqDtype *dtype)
{
  e->dtype = dtype;
  e->kind = sq_dtype_get_kind (dtype);
  e->itemsize = sq_dtype_get_itemsize (dtype);
  e->swap = sq_dtype_needs_swap (dtype);
}

static gboolean parse_element (Parser     *P,
                               const Elem *e,
                               guint8     *dest);

static gboolean
read_integer_element (Parser     *P,
                      const Elem *e,
                      guint8     *dest)
{
  const guint8 *at = P->p;
  gboolean is_signed = e->kind != SQ_DTYPE_KIND_UINT;
  guint bits = (guint) e->itemsize * 8;
  Number num;
  guint64 raw;

  if (P->p >= P->end || !(*P->p == '-' || g_ascii_isdigit (*P->p)))
    return fail_unexpected (P, "an integer");
  if (!read_number (P, &num))
    return FALSE;
  if (num.kind == NUM_FLOAT)
    return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%.*s is not an integer, as a %s element must be",
                    (int) MIN (P->p - at, 40), at, sq_dtype_get_name (e->dtype));
  if (num.kind == NUM_BIG)
    goto range;
  if (is_signed)
    {
      gint64 lo = bits == 64 ? G_MININT64 : -((gint64) 1 << (bits - 1));
      gint64 hi = bits == 64 ? G_MAXINT64 : ((gint64) 1 << (bits - 1)) - 1;

      if (num.kind == NUM_UINT || num.i < lo || num.i > hi)
        goto range;
      raw = (guint64) num.i;
    }
  else
    {
      guint64 hi = bits == 64 ? G_MAXUINT64 : ((guint64) 1 << bits) - 1;

      if (num.kind == NUM_INT && num.i < 0)
        goto range;
      raw = num.kind == NUM_UINT ? num.u : (guint64) num.i;
      if (raw > hi)
        goto range;
    }

  switch (e->itemsize)
    {
    case 1:
      *dest = (guint8) raw;
      break;
    case 2:
      {
        guint16 v = (guint16) raw;
        _sq_store_swapped (dest, &v, 2, e->swap);
        break;
      }
    case 4:
      {
        guint32 v = (guint32) raw;
        _sq_store_swapped (dest, &v, 4, e->swap);
        break;
      }
    default:
      _sq_store_swapped (dest, &raw, 8, e->swap);
      break;
    }
  return TRUE;

range:
  return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%.*s is out of range for a %s element",
                  (int) MIN (P->p - at, 40), at, sq_dtype_get_name (e->dtype));
}

static gboolean
read_real (Parser     *P,
           const char *what,
           double     *out)
{
  Number num;

  if (P->p >= P->end || !(*P->p == '-' || *P->p == 'N' || *P->p == 'I' || g_ascii_isdigit (*P->p)))
    return fail_unexpected (P, what);
  if (!read_number (P, &num))
    return FALSE;
  if (num.kind == NUM_BIG)
    {
      /* numpy turns a big int into the nearest float, as strtod does. */
      g_autofree char *text = g_strndup ((const char *) num.start, num.len);

      *out = g_ascii_strtod (text, NULL);
      return TRUE;
    }
  *out = num.kind == NUM_FLOAT ? num.d : num.kind == NUM_INT ? (double) num.i : (double) num.u;
  return TRUE;
}

static void
store_float (const Elem *e,
             double      v,
             guint8     *dest)
{
  switch (e->itemsize)
    {
    case 2:
      {
        guint16 h = _sq_double_to_half (v);
        _sq_store_swapped (dest, &h, 2, e->swap);
        break;
      }
    case 4:
      {
        float f = (float) v;
        _sq_store_swapped (dest, &f, 4, e->swap);
        break;
      }
    case 8:
      _sq_store_swapped (dest, &v, 8, e->swap);
      break;
    default:
      {
        long double l = v;
        guint8 buf[16] = { 0 };

        memcpy (buf, &l, 10); /* x87 extended: 10 bytes, 6 of padding */
        _sq_store_swapped (dest, buf, 16, e->swap);
        break;
      }
    }
}

/* An element of an `S` or `V` array: {"$bytes": base64} read strictly (no
 * other object can be an element, so none is parsed), or for `S` a plain
 * ASCII str, as numpy takes one. */
static gboolean
read_bytes_element (Parser     *P,
                    const Elem *e,
                    guint8     *dest)
{
  const guint8 *at = P->p;
  SqValue *text = NULL; /* in the arena */
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize n;

  if (P->p < P->end && *P->p == '"' && e->kind == SQ_DTYPE_KIND_BYTES)
    {
      if ((text = parse_string (P)) == NULL)
        return FALSE;
      data = (const guint8 *) sq_value_get_str (text, &n);
      for (gsize i = 0; i < n; i++)
        if (data[i] >= 0x80)
          return fail_at (P, at, SQ_DECODE_ERROR_ARRAY,
                          "a %s element given as a str must be ASCII, as numpy encodes it",
                          sq_dtype_get_name (e->dtype));
    }
  else
    {
      const char *b64;

      if (!(P->flags & SQ_JSON_EXTENDED) || P->p >= P->end || *P->p != '{')
        return fail_unexpected (P, (P->flags & SQ_JSON_EXTENDED) ? "{\"$bytes\": base64}" : "a string");
      P->p++;
      skip_ws (P);
      if (!match_word (P, "\"$bytes\"") || !expect_char (P, ':', "':'"))
        return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "a %s element must be {\"$bytes\": base64}",
                        sq_dtype_get_name (e->dtype));
      skip_ws (P);
      if (P->p >= P->end || *P->p != '"')
        return fail_unexpected (P, "a base64 string");
      if ((text = parse_string (P)) == NULL || !expect_char (P, '}', "'}' after the base64 string"))
        return FALSE;
      b64 = sq_value_get_str (text, &n);
      if ((bytes = decode_base64 (b64, n)) == NULL)
        return fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$bytes\" is not valid base64");
      data = g_bytes_get_data (bytes, &n);
    }
  if (n > e->itemsize)
    return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%" G_GSIZE_FORMAT " bytes do not fit a %s element",
                    n, sq_dtype_get_name (e->dtype));
  memcpy (dest, data, n);
  memset (dest + n, 0, e->itemsize - n);
  return TRUE;
}

static gboolean
read_unicode_element (Parser     *P,
                      const Elem *e,
                      guint8     *dest)
{
  const guint8 *at = P->p;
  g_autoptr(GString) text = NULL;
  gsize width = e->itemsize / 4, n = 0;

  if (P->p >= P->end || *P->p != '"')
    return fail_unexpected (P, "a string");
  text = g_string_new (NULL);
  if (!read_string (P, text))
    return FALSE;
  for (const char *s = text->str; s < text->str + text->len; s = g_utf8_next_char (s), n++)
    {
      guint32 c = g_utf8_get_char (s);

      if (n >= width)
        return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "the string is longer than a %s element holds",
                        sq_dtype_get_name (e->dtype));
      _sq_store_swapped (dest + 4 * n, &c, 4, e->swap);
    }
  memset (dest + 4 * n, 0, 4 * (width - n));
  return TRUE;
}

static gboolean parse_typed_nested (Parser        *P,
                                    const Elem    *e,
                                    guint          ndim,
                                    const guint64 *shape,
                                    guint8       **dest);

/* One element of @e at P->p into @dest (itemsize bytes). */
static gboolean
parse_element (Parser     *P,
               const Elem *e,
               guint8     *dest)
{
  skip_ws (P);
  switch (e->kind)
    {
    case SQ_DTYPE_KIND_BOOL:
      if (match_word (P, "true"))
        *dest = 1;
      else if (match_word (P, "false"))
        *dest = 0;
      else
        return fail_unexpected (P, "true or false (a bool element)");
      return TRUE;
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      /* tolist() makes NaT None, which json writes as null. */
      if (match_word (P, "null"))
        {
          guint64 nat = (guint64) G_MININT64;

          _sq_store_swapped (dest, &nat, 8, e->swap);
          return TRUE;
        }
      return read_integer_element (P, e, dest);
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
      return read_integer_element (P, e, dest);
    case SQ_DTYPE_KIND_FLOAT:
      {
        double v;

        if (!read_real (P, "a number", &v))
          return FALSE;
        store_float (e, v, dest);
        return TRUE;
      }
    case SQ_DTYPE_KIND_COMPLEX:
      {
        Elem part = *e;
        double re, im = 0;

        part.itemsize = e->itemsize / 2;
        if (P->p < P->end && *P->p == '[')
          {
            P->p++;
            skip_ws (P);
            if (!read_real (P, "the real part", &re) || !expect_char (P, ',', "','") )
              return FALSE;
            skip_ws (P);
            if (!read_real (P, "the imaginary part", &im) || !expect_char (P, ']', "']' after [re, im]"))
              return FALSE;
          }
        else if (!read_real (P, "[re, im] (a complex element)", &re))
          return FALSE;
        store_float (&part, re, dest);
        store_float (&part, im, dest + part.itemsize);
        return TRUE;
      }
    case SQ_DTYPE_KIND_UNICODE:
      return read_unicode_element (P, e, dest);
    case SQ_DTYPE_KIND_BYTES:
      return read_bytes_element (P, e, dest);
    case SQ_DTYPE_KIND_VOID:
      {
        guint n = sq_dtype_get_n_fields (e->dtype);

        if (n == 0)
          return read_bytes_element (P, e, dest);
        memset (dest, 0, e->itemsize);
        if (!expect_char (P, '[', "'[' (a record, its fields as a list)"))
          return FALSE;
        for (guint i = 0; i < n; i++)
          {
            const SqDtypeField *field = sq_dtype_get_field (e->dtype, i);
            guint8 *q = dest + field->offset;
            Elem fe;

            if (i > 0 && !expect_char (P, ',', "',' between the fields of a record"))
              return FALSE;
            elem_init (&fe, field->dtype);
            if (!parse_typed_nested (P, &fe, field->ndim, field->shape, &q))
              return FALSE;
          }
        return expect_char (P, ']', "']' after the fields of a record");
      }
    case SQ_DTYPE_KIND_OBJECT:
    default:
      g_assert_not_reached ();
    }
}

/* Exactly @shape deep: a record's sub-array field. */
static gboolean
parse_typed_nested (Parser        *P,
                    const Elem    *e,
                    guint          ndim,
                    const guint64 *shape,
                    guint8       **dest)
{
  if (ndim == 0)
    {
      if (!parse_element (P, e, *dest))
        return FALSE;
      *dest += e->itemsize;
      return TRUE;
    }
  if (!expect_char (P, '[', "'['"))
    return FALSE;
  for (guint64 i = 0; i < shape[0]; i++)
    {
      if (i > 0 && !expect_char (P, ',', "','"))
        return FALSE;
      if (!parse_typed_nested (P, e, ndim - 1, shape + 1, dest))
        return FALSE;
    }
  return expect_char (P, ']', "']' (the list is longer than the field's shape)");
}

static gboolean
typed_set_depth (Parser       *P,
                 Typed        *T,
                 guint         depth,
                 const guint8 *at)
{
  if (T->ndim < 0)
    {
      T->ndim = (gint) depth;
      return TRUE;
    }
  if ((guint) T->ndim != depth)
    return fail_at (P, at, SQ_DECODE_ERROR_ARRAY,
                    "the array's data is ragged: lists nested %u deep here, %d deep before", depth, T->ndim);
  return TRUE;
}

/* The data of an array: nested lists, rectangular, of elements. */
static gboolean
parse_typed (Parser *P,
             Typed  *T,
             guint   level)
{
  const guint8 *open;
  guint64 n = 0;

  skip_ws (P);
  open = P->p;
  if (P->p < P->end && *P->p == '[' && !(T->ndim_fixed && level == T->fixed_ndim))
    {
      if (level >= SQ_NDARRAY_MAX_DIMS)
        return fail_at (P, P->p, SQ_DECODE_ERROR_LIMIT, "the array's data nests deeper than %d lists",
                        SQ_NDARRAY_MAX_DIMS);
      if (++P->depth > SQ_JSON_MAX_DEPTH)
        return fail_at (P, P->p, SQ_DECODE_ERROR_LIMIT, "nested deeper than %d levels", SQ_JSON_MAX_DEPTH);
      P->p++;
      skip_ws (P);
      if (P->p < P->end && *P->p == ']')
        {
          P->p++;
          if (!typed_set_depth (P, T, level + 1, open))
            return FALSE;
        }
      else
        for (;;)
          {
            if (!parse_typed (P, T, level + 1))
              return FALSE;
            n++;
            skip_ws (P);
            if (P->p < P->end && *P->p == ',')
              {
                P->p++;
                continue;
              }
            if (P->p < P->end && *P->p == ']')
              {
                P->p++;
                break;
              }
            return fail_unexpected (P, "',' or ']'");
          }
      P->depth--;
      if (!T->shape_known[level])
        {
          T->shape[level] = n;
          T->shape_known[level] = TRUE;
        }
      else if (T->shape[level] != n)
        return fail_at (P, open, SQ_DECODE_ERROR_ARRAY,
                        "the array's data is ragged: a list of %" G_GUINT64_FORMAT
                        " here, of %" G_GUINT64_FORMAT " before at the same depth",
                        n, T->shape[level]);
      return TRUE;
    }

  if (T->ndim_fixed && level != T->fixed_ndim)
    return fail_at (P, open, SQ_DECODE_ERROR_ARRAY,
                    "a %s array's data must be nested as deep as its shape (%u lists)",
                    sq_dtype_get_name (T->elem.dtype), T->fixed_ndim);
  if (!typed_set_depth (P, T, level, open))
    return FALSE;
  if (T->elem.itemsize > P->typed_budget)
    return fail_at (P, open, SQ_DECODE_ERROR_LIMIT,
                    "the array's elements would take more memory than a line of this length may");
  P->typed_budget -= T->elem.itemsize;
  g_byte_array_set_size (T->bytes, T->bytes->len + (guint) T->elem.itemsize);
  if (!parse_element (P, &T->elem, T->bytes->data + T->bytes->len - T->elem.itemsize))
    return FALSE;
  T->count++;
  return TRUE;
}

/* ---- objects and arrays ----------------------------------------------- */

/* numpy's names, for hand-written files: "uint8" as well as "|u1". */
static const char *
canonical_type_string (const char *type)
{
  static const struct { const char *name, *str; } names[] = {
    { "bool", "|b1" }, { "bool_", "|b1" },
    { "int8", "|i1" }, { "uint8", "|u1" },
    { "int16", "<i2" }, { "uint16", "<u2" },
    { "int32", "<i4" }, { "uint32", "<u4" },
    { "int64", "<i8" }, { "uint64", "<u8" }, { "int", "<i8" },
    { "float16", "<f2" }, { "half", "<f2" },
    { "float32", "<f4" }, { "single", "<f4" },
    { "float64", "<f8" }, { "double", "<f8" }, { "float", "<f8" },
    { "complex64", "<c8" }, { "complex128", "<c16" }, { "complex", "<c16" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (type, names[i].name) == 0)
      return names[i].str;
  return type;
}

/* @any_width: also a dtype of no width ("<U0", "|S0", "|V0"), which numpy
 * has arrays of (but no scalars), and which nested lists cannot spell. */
static SqDtype *
dtype_from_value (Parser       *P,
                  SqValue      *type,
                  const guint8 *at,
                  gboolean      any_width)
{
  g_autoptr(GError) local_error = NULL;
  SqDtype *dtype = NULL;

  if (sq_value_get_value_type (type) == SQ_VALUE_BIN)
    {
      /* JSON has no bytes: only a str spells a type string here. */
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "an array's \"type\" must be a dtype string such as \"<f4\"");
      return NULL;
    }
  if (sq_value_get_value_type (type) == SQ_VALUE_STR &&
      canonical_type_string (sq_value_get_str (type, NULL)) != sq_value_get_str (type, NULL))
    dtype = sq_dtype_new_from_string (canonical_type_string (sq_value_get_str (type, NULL)), &local_error);
  else
    dtype = _sq_dtype_new_from_value (type, &local_error);
  if (dtype == NULL)
    {
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%s", local_error->message);
      return NULL;
    }
  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    {
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "object arrays (dtype \"|O\") are not supported");
      sq_dtype_unref (dtype);
      return NULL;
    }
  if (sq_dtype_get_itemsize (dtype) == 0 && !any_width)
    {
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "dtype \"%s\" has no width", sq_dtype_get_type_string (dtype));
      sq_dtype_unref (dtype);
      return NULL;
    }
  if (!_sq_long_double_is_float128 ())
    {
      SqDtypeKind kind = sq_dtype_get_kind (dtype);
      gsize size = sq_dtype_get_itemsize (dtype);

      if ((kind == SQ_DTYPE_KIND_FLOAT && size == 16) || (kind == SQ_DTYPE_KIND_COMPLEX && size == 32))
        {
          fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%s arrays cannot be read on this machine",
                   sq_dtype_get_name (dtype));
          sq_dtype_unref (dtype);
          return NULL;
        }
    }
  return dtype;
}

/* "shape": a list of lengths (one may be -1, as reshape allows), or one
 * length. */
static gboolean
shape_from_value (Parser       *P,
                  SqValue      *value,
                  const guint8 *at,
                  guint        *ndim,
                  gint64       *shape)
{
  g_autoptr(GError) local_error = NULL;

  if (!_sq_shape_from_value (value, TRUE, ndim, shape, &local_error))
    return fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "an array's %s", local_error->message);
  return TRUE;
}

/* np.array(data, dtype=type).reshape(shape), parsed from the text of
 * "data" at @data_at. */
static SqValue *
build_ndarray (Parser       *P,
               const guint8 *data_at,
               SqValue      *type,
               const guint8 *type_at,
               SqValue      *shape_value,
               const guint8 *shape_at)
{
  g_autoptr(SqDtype) dtype = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 declared[SQ_NDARRAY_MAX_DIMS];
  guint64 shape[SQ_NDARRAY_MAX_DIMS];
  guint ndim = 0, infer = G_MAXUINT;
  guint64 product = 1;
  gboolean overflow = FALSE;
  SqNdarray *array;
  SqValue *value;
  const guint8 *resume = P->p;
  Typed T = { 0 };

  dtype = dtype_from_value (P, type, type_at, FALSE);
  if (dtype == NULL || !shape_from_value (P, shape_value, shape_at, &ndim, declared))
    return NULL;

  elem_init (&T.elem, dtype);
  T.ndim = -1;
  /* Their elements are lists themselves: the nesting cannot be reshaped. */
  T.ndim_fixed = T.elem.kind == SQ_DTYPE_KIND_COMPLEX ||
                 (T.elem.kind == SQ_DTYPE_KIND_VOID && sq_dtype_get_n_fields (dtype) > 0);
  T.fixed_ndim = ndim;
  T.bytes = g_byte_array_new ();

  P->p = data_at;
  if (!parse_typed (P, &T, 0))
    {
      g_byte_array_unref (T.bytes);
      return NULL;
    }
  P->p = resume;
  bytes = g_byte_array_free_to_bytes (T.bytes);

  for (guint i = 0; i < ndim; i++)
    {
      if (declared[i] == -1)
        {
          if (infer != G_MAXUINT)
            {
              fail_at (P, shape_at, SQ_DECODE_ERROR_ARRAY, "only one length of a shape can be -1");
              return NULL;
            }
          infer = i;
          continue;
        }
      shape[i] = (guint64) declared[i];
      if (!g_uint64_checked_mul (&product, product, shape[i]))
        product = G_MAXUINT64, overflow = TRUE;
    }
  if (infer != G_MAXUINT)
    {
      if (product == 0 || T.count % product != 0)
        {
          fail_at (P, shape_at, SQ_DECODE_ERROR_ARRAY, "%" G_GUINT64_FORMAT " elements cannot take this shape",
                   T.count);
          return NULL;
        }
      shape[infer] = T.count / product;
      product = T.count;
    }
  if (overflow && product != 0)
    {
      fail_at (P, shape_at, SQ_DECODE_ERROR_ARRAY,
               "\"shape\" needs more elements than 64 bits can count; \"data\" holds %" G_GUINT64_FORMAT,
               T.count);
      return NULL;
    }
  if (product != T.count)
    {
      fail_at (P, data_at, SQ_DECODE_ERROR_ARRAY,
               "\"data\" holds %" G_GUINT64_FORMAT " elements; \"shape\" needs %" G_GUINT64_FORMAT,
               T.count, product);
      return NULL;
    }

  array = sq_ndarray_new (dtype, ndim, shape, bytes, &local_error);
  if (array == NULL)
    {
      fail_at (P, data_at, SQ_DECODE_ERROR_ARRAY, "%s", local_error->message);
      return NULL;
    }
  value = _sq_value_new_ndarray_in (P->arena, array);
  sq_ndarray_unref (array);
  return value;
}


static gboolean
str_equals (SqValue    *value,
            const char *s)
{
  gsize n, len = strlen (s);
  const char *text;

  if (sq_value_get_value_type (value) != SQ_VALUE_STR)
    return FALSE;
  text = sq_value_get_str (value, &n);
  return n == len && memcmp (text, s, n) == 0;
}

static gboolean
str_has_prefix (SqValue    *value,
                const char *prefix)
{
  gsize n, len = strlen (prefix);
  const char *text;

  if (sq_value_get_value_type (value) != SQ_VALUE_STR)
    return FALSE;
  text = sq_value_get_str (value, &n);
  return n >= len && memcmp (text, prefix, len) == 0;
}

static GBytes *
base64_member (Parser       *P,
               SqValue      *value,
               const char   *what,
               const guint8 *at)
{
  GBytes *bytes = NULL;

  if (sq_value_get_value_type (value) == SQ_VALUE_STR)
    {
      gsize n;
      const char *text = sq_value_get_str (value, &n);

      bytes = decode_base64 (text, n);
    }
  if (bytes == NULL)
    fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "%s must be a base64 string", what);
  return bytes;
}

/* "0x7fc00001": the bits of a float drey-cli cat --exact wrote. */
static gboolean
hex_bits (SqValue *value,
          guint    digits,
          guint64 *bits)
{
  gsize n;
  const char *text;
  guint64 v = 0;

  if (sq_value_get_value_type (value) != SQ_VALUE_STR)
    return FALSE;
  text = sq_value_get_str (value, &n);
  if (n != digits + 2 || text[0] != '0' || text[1] != 'x')
    return FALSE;
  for (gsize i = 2; i < n; i++)
    {
      int d = hex_value ((guint8) text[i]);

      if (d < 0)
        return FALSE;
      v = (v << 4) | (guint64) d;
    }
  *bits = v;
  return TRUE;
}

static gboolean
number_member (SqValue *value,
               double  *out)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_INT:
      *out = (double) sq_value_get_int (value);
      return TRUE;
    case SQ_VALUE_UINT:
      *out = (double) sq_value_get_uint (value);
      return TRUE;
    case SQ_VALUE_FLOAT64:
      *out = sq_value_get_double (value);
      return TRUE;
    default:
      return FALSE;
    }
}

static SqValue *
special_complex (Parser       *P,
                 SqValue      *val,
                 const guint8 *at)
{
  double parts[2];

  /* cat --exact writes the repr msgpack-numpy stores: keep it */
  if (sq_value_get_value_type (val) == SQ_VALUE_STR)
    {
      gsize n;
      const char *text = sq_value_get_str (val, &n);

      if (_sq_parse_complex (text, n, &parts[0], &parts[1]))
        return _sq_value_new_complex_in (P->arena, parts[0], parts[1], text);
      fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$complex\" is not a complex number such as \"(1+2j)\"");
      return NULL;
    }
  if (sq_value_get_value_type (val) == SQ_VALUE_ARRAY && sq_value_get_length (val) == 2 &&
      number_member (sq_value_get_item (val, 0), &parts[0]) && number_member (sq_value_get_item (val, 1), &parts[1]))
    return _sq_value_new_complex_in (P->arena, parts[0], parts[1], NULL);
  fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$complex\" must be [real, imaginary] or a repr");
  return NULL;
}

static SqValue *
special_float (Parser       *P,
               SqValue      *val,
               gboolean      single,
               const guint8 *at)
{
  guint64 bits;
  double v;

  if (single)
    {
      if (hex_bits (val, 8, &bits))
        return _sq_value_new_float32_bits_in (P->arena, (guint32) bits);
      if (number_member (val, &v))
        {
          float f = (float) v;
          guint32 b;

          memcpy (&b, &f, sizeof b);
          return _sq_value_new_float32_bits_in (P->arena, b);
        }
      fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$float32\" must be a number or \"0x\" and 8 hex digits");
      return NULL;
    }
  if (hex_bits (val, 16, &bits))
    {
      memcpy (&v, &bits, sizeof v);
      return _sq_value_new_float64_in (P->arena, v);
    }
  fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$float64\" must be \"0x\" and 16 hex digits");
  return NULL;
}

static SqValue *
special_map (Parser       *P,
             SqValue      *val,
             const guint8 *at)
{
  gsize n;
  g_autoptr(GPtrArray) entries = NULL;

  if (sq_value_get_value_type (val) != SQ_VALUE_ARRAY)
    goto bad;
  n = sq_value_get_length (val);
  entries = g_ptr_array_sized_new ((guint) (2 * n));
  for (gsize i = 0; i < n; i++)
    {
      SqValue *pair = sq_value_get_item (val, i);
      SqValue *key;

      if (sq_value_get_value_type (pair) != SQ_VALUE_ARRAY || sq_value_get_length (pair) != 2)
        goto bad;
      key = sq_value_get_item (pair, 0);
      if (sq_value_get_value_type (key) != SQ_VALUE_STR && sq_value_get_value_type (key) != SQ_VALUE_BIN)
        {
          fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "a \"$map\" key must be a str or {\"$bytes\": base64}");
          return NULL;
        }
      g_ptr_array_add (entries, key);
      g_ptr_array_add (entries, sq_value_get_item (pair, 1));
    }
  n = entries->len / 2;
  return _sq_value_new_map_in (P->arena, (SqValue **) entries->pdata, n, FALSE);

bad:
  fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$map\" must be a list of [key, value] pairs");
  return NULL;
}

static SqValue *
special_scalar (Parser       *P,
                SqValue      *type,
                SqValue      *data,
                const guint8 *at)
{
  g_autoptr(SqDtype) dtype = dtype_from_value (P, type, at, FALSE);
  g_autoptr(GBytes) bytes = NULL;

  if (dtype == NULL)
    return NULL;
  bytes = base64_member (P, data, "a \"$numpy\" scalar's \"data\"", at);
  if (bytes == NULL)
    return NULL;
  if (g_bytes_get_size (bytes) != sq_dtype_get_itemsize (dtype))
    {
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "a %s scalar takes %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
               sq_dtype_get_name (dtype), sq_dtype_get_itemsize (dtype), g_bytes_get_size (bytes));
      return NULL;
    }
  return _sq_value_new_scalar_in (P->arena, dtype, g_bytes_get_data (bytes, NULL));
}

static SqValue *
special_ndarray (Parser       *P,
                 SqValue      *type,
                 SqValue      *shape_value,
                 SqValue      *data,
                 const guint8 *at)
{
  g_autoptr(SqDtype) dtype = dtype_from_value (P, type, at, TRUE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 declared[SQ_NDARRAY_MAX_DIMS];
  guint64 shape[SQ_NDARRAY_MAX_DIMS];
  guint ndim = 0;
  SqNdarray *array;
  SqValue *value;

  if (dtype == NULL || !shape_from_value (P, shape_value, at, &ndim, declared))
    return NULL;
  for (guint i = 0; i < ndim; i++)
    {
      if (declared[i] < 0)
        {
          fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "a \"$ndarray\" shape has no unknown (-1) length");
          return NULL;
        }
      shape[i] = (guint64) declared[i];
    }
  bytes = base64_member (P, data, "an \"$ndarray\"'s \"data\"", at);
  if (bytes == NULL)
    return NULL;
  array = sq_ndarray_new (dtype, ndim, shape, bytes, &local_error);
  if (array == NULL)
    {
      fail_at (P, at, SQ_DECODE_ERROR_ARRAY, "%s", local_error->message);
      return NULL;
    }
  value = _sq_value_new_ndarray_in (P->arena, array);
  sq_ndarray_unref (array);
  return value;
}

static SqValue *
special_ext (Parser       *P,
             SqValue      *code,
             SqValue      *data,
             const guint8 *at)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *problem = NULL;
  gint64 type;

  if (sq_value_get_value_type (code) != SQ_VALUE_INT || sq_value_get_int (code) < -128 ||
      sq_value_get_int (code) > 127)
    {
      fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "\"$ext\" must be a type code of -128 to 127");
      return NULL;
    }
  type = sq_value_get_int (code);
  bytes = base64_member (P, data, "an \"$ext\" value's \"data\"", at);
  if (bytes == NULL)
    return NULL;
  reason = _sq_msgpack_describe_ext ((gint8) type, bytes, &problem);
  if (reason == NULL)
    {
      fail_at (P, at, SQ_DECODE_ERROR_MALFORMED, "%s", problem);
      return NULL;
    }
  return _sq_value_new_opaque_in (P->arena, SQ_OPAQUE_EXT, (gint8) type, bytes, reason);
}

/* drey's marker objects (README): {"$bytes": ...}, {"$complex": ...},
 * {"$opaque": ...}, and what cat --exact writes: {"$float32": ...},
 * {"$float64": ...}, {"$map": ...}, {"$numpy": T, "data": ...},
 * {"$ext": code, "data": ...}, {"$ndarray": T, "shape": ..., "data": ...}.
 * Returns NULL with no error and *handled FALSE if the object is none. */
static SqValue *
drey_special (Parser       *P,
              SqValue     **entries,
              guint         n,
              const guint8 *at,
              gboolean     *handled)
{
  SqValue *key = entries[0];
  SqValue *val = entries[1];

  *handled = TRUE;
  if (n == 1 && str_equals (key, "$bytes"))
    {
      GBytes *bytes = base64_member (P, val, "\"$bytes\"", at);
      SqValue *value;

      if (bytes == NULL)
        return NULL;
      value = _sq_value_new_bin_in (P->arena, bytes);
      g_bytes_unref (bytes);
      return value;
    }
  if (n == 1 && str_equals (key, "$complex"))
    return special_complex (P, val, at);
  if (n == 1 && (str_equals (key, "$float32") || str_equals (key, "$float64")))
    return special_float (P, val, str_equals (key, "$float32"), at);
  if (n == 1 && str_equals (key, "$map"))
    return special_map (P, val, at);
  if (n == 1 && str_equals (key, "$opaque"))
    {
      g_set_error (P->error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
                   "at byte %" G_GSIZE_FORMAT ": an opaque value (%s) cannot be made from JSON",
                   (gsize) (at - P->start),
                   sq_value_get_value_type (val) == SQ_VALUE_STR ? sq_value_get_str (val, NULL) : "?");
      return NULL;
    }
  if (n == 2 && str_equals (entries[2], "data") && str_equals (key, "$numpy"))
    return special_scalar (P, val, entries[3], at);
  if (n == 2 && str_equals (entries[2], "data") && str_equals (key, "$ext"))
    return special_ext (P, val, entries[3], at);
  if (n == 3 && str_equals (key, "$ndarray") && str_equals (entries[2], "shape") && str_equals (entries[4], "data"))
    return special_ndarray (P, val, entries[3], entries[5], at);
  *handled = FALSE;
  return NULL;
}

/* Is "type" numpy's object dtype ("|O", "O", "object")? */
static gboolean
is_object_type (SqValue *type)
{
  g_autoptr(SqDtype) dtype = NULL;
  const char *text;

  if (sq_value_get_value_type (type) != SQ_VALUE_STR)
    return FALSE;
  text = sq_value_get_str (type, NULL);
  if (strcmp (text, "object") == 0)
    return TRUE;
  dtype = sq_dtype_new_from_string (text, NULL);
  return dtype != NULL && sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT;
}

/* np.array(data, dtype=object): Python objects Drey does not interpret;
 * it keeps the object's JSON text, shows it and writes it back as it is.
 * The text is valid JSON (parsed already), so a line break in it can only
 * be whitespace between tokens: it becomes a space, or written back to a
 * JSON Lines shard the text from a multi-line JSON file would split its
 * line in several. */
static SqValue *
new_object_array (Parser       *P,
                  const guint8 *text,
                  gsize         length,
                  SqValue      *shape)
{
  guint8 *copy = g_memdup2 (text, length);
  g_autoptr(GBytes) json = NULL;
  g_autofree char *dims = sq_value_format (shape, 40);

  for (gsize i = 0; i < length; i++)
    if (copy[i] == '\n' || copy[i] == '\r')
      copy[i] = ' ';
  json = g_bytes_new_take (copy, length);
  g_autofree char *reason = g_strdup_printf ("object array (|O) of shape %s, kept as its JSON text", dims);

  return _sq_value_new_opaque_in (P->arena, SQ_OPAQUE_JSON, 0, json, reason);
}

static SqValue *
parse_object (Parser *P)
{
  const guint8 *open = P->p;
  const guint mark = P->stack->len;
  const guint8 *data_at = NULL, *type_at = NULL, *shape_at = NULL;
  SqValue *type = NULL, *shape = NULL;
  gboolean has_data = FALSE;
  GArray *data_positions = g_array_new (FALSE, FALSE, sizeof (const guint8 *));
  SqValue *result = NULL;

  P->p++;
  skip_ws (P);
  if (P->p < P->end && *P->p == '}')
    {
      P->p++;
      result = _sq_value_new_map_in (P->arena, NULL, 0, TRUE);
      goto out;
    }

  for (;;)
    {
      SqValue *key, *val;
      const guint8 *key_at, *val_at;

      skip_ws (P);
      key_at = P->p;
      if (P->p >= P->end || *P->p != '"')
        {
          fail_unexpected (P, "a key in double quotes");
          goto out;
        }
      key = parse_string (P);
      if (key == NULL)
        goto out;
      if ((P->flags & SQ_JSON_EXTENDED) && str_has_prefix (key, "$bytes:"))
        {
          gsize n;
          const char *text = sq_value_get_str (key, &n);
          GBytes *bytes = decode_base64 (text + 7, n - 7);

          if (bytes == NULL)
            {
              fail_at (P, key_at, SQ_DECODE_ERROR_MALFORMED, "a \"$bytes:\" key is not valid base64");
              goto out;
            }
          key = _sq_value_new_bin_in (P->arena, bytes);
          g_bytes_unref (bytes);
        }
      g_ptr_array_add (P->stack, key);
      if (!expect_char (P, ':', "':' after a key"))
        goto out;
      skip_ws (P);
      val_at = P->p;

      val = NULL;
      if (str_equals (key, "data"))
        {
          /* Read it once "type" and "shape" are known (build_ndarray),
           * or as a plain value if they never come. */
          SkipResult skipped = skip_plain_value (P);

          if (skipped == SKIP_ERROR)
            goto out;
          if (skipped == SKIP_HAS_OBJECT && (val = parse_value (P)) == NULL)
            goto out;
          data_at = val_at;
          has_data = TRUE;
          if (val == NULL)
            g_array_append_val (data_positions, val_at);
        }
      else
        {
          val = parse_value (P);
          if (val == NULL)
            goto out;
          /* A repeated key replaces the value, as in a dict. */
          if (str_equals (key, "type"))
            type = val, type_at = val_at;
          else if (str_equals (key, "shape"))
            shape = val, shape_at = val_at;
        }
      g_ptr_array_add (P->stack, val);

      skip_ws (P);
      if (P->p < P->end && *P->p == ',')
        {
          P->p++;
          continue;
        }
      if (P->p < P->end && *P->p == '}')
        {
          P->p++;
          break;
        }
      fail_unexpected (P, "',' or '}'");
      goto out;
    }

  if (has_data && type != NULL && shape != NULL)
    {
      if (is_object_type (type))
        {
          /* Kept as its text, but only JSON that Python reads: a "data"
           * that was skipped is parsed now, and dropped. */
          for (guint k = 0; k < data_positions->len; k++)
            {
              const guint8 *resume = P->p;
              SqValue *checked;

              P->p = g_array_index (data_positions, const guint8 *, k);
              checked = parse_value (P);
              P->p = resume;
              if (checked == NULL)
                goto out;
            }
          result = new_object_array (P, open, (gsize) (P->p - open), shape);
        }
      else
        result = build_ndarray (P, data_at, type, type_at, shape, shape_at);
      goto out;
    }

  /* Not an array: read each "data" as a plain value now. */
  for (guint i = 0, k = 0; i < P->stack->len - mark; i += 2)
    if (P->stack->pdata[mark + i + 1] == NULL)
      {
        const guint8 *resume = P->p;
        SqValue *data;

        /* (parsing may move the stack: stored once it is done) */
        P->p = g_array_index (data_positions, const guint8 *, k++);
        data = parse_value (P);
        P->p = resume;
        if (data == NULL)
          goto out;
        P->stack->pdata[mark + i + 1] = data;
      }

  if ((P->flags & SQ_JSON_EXTENDED) && P->stack->len - mark <= 6 && str_has_prefix (P->stack->pdata[mark], "$"))
    {
      gboolean handled;

      result = drey_special (P, (SqValue **) P->stack->pdata + mark, (P->stack->len - mark) / 2, open, &handled);
      if (handled)
        goto out;
    }

  result = _sq_value_new_map_in (P->arena, (SqValue **) P->stack->pdata + mark, (P->stack->len - mark) / 2, FALSE);

out:
  g_ptr_array_set_size (P->stack, mark);
  g_array_unref (data_positions);
  return result;
}

static SqValue *
parse_list (Parser *P)
{
  const guint mark = P->stack->len;
  SqValue *result;

  P->p++;
  skip_ws (P);
  if (P->p < P->end && *P->p == ']')
    {
      P->p++;
      return _sq_value_new_array_in (P->arena, NULL, 0);
    }

  for (;;)
    {
      SqValue *item = parse_value (P);

      if (item == NULL)
        {
          g_ptr_array_set_size (P->stack, mark);
          return NULL;
        }
      g_ptr_array_add (P->stack, item);
      skip_ws (P);
      if (P->p < P->end && *P->p == ',')
        {
          P->p++;
          continue;
        }
      if (P->p < P->end && *P->p == ']')
        {
          P->p++;
          break;
        }
      fail_unexpected (P, "',' or ']'");
      g_ptr_array_set_size (P->stack, mark);
      return NULL;
    }
  result = _sq_value_new_array_in (P->arena, (SqValue **) P->stack->pdata + mark, P->stack->len - mark);
  g_ptr_array_set_size (P->stack, mark);
  return result;
}

/* An int beyond 64 bits, kept as its exact text. */
static SqValue *
new_big_int (Parser       *P,
             const guint8 *text,
             gsize         length)
{
  g_autoptr(GBytes) digits = g_bytes_new (text, length);
  g_autofree char *reason = g_strndup ((const char *) text, length);

  return _sq_value_new_opaque_in (P->arena, SQ_OPAQUE_BIG_INT, 0, digits, reason);
}

static SqValue *
parse_value (Parser *P)
{
  SqValue *value;

  skip_ws (P);
  if (P->p >= P->end)
    {
      fail_unexpected (P, "a value");
      return NULL;
    }
  switch (*P->p)
    {
    case '{':
    case '[':
      if (P->depth >= SQ_JSON_MAX_DEPTH)
        {
          fail_at (P, P->p, SQ_DECODE_ERROR_LIMIT, "nested deeper than %d levels", SQ_JSON_MAX_DEPTH);
          return NULL;
        }
      P->depth++;
      value = *P->p == '{' ? parse_object (P) : parse_list (P);
      P->depth--;
      return value;
    case '"':
      return parse_string (P);
    case 't':
      if (match_word (P, "true"))
        return sq_value_new_bool (TRUE);
      break;
    case 'f':
      if (match_word (P, "false"))
        return sq_value_new_bool (FALSE);
      break;
    case 'n':
      if (match_word (P, "null"))
        return sq_value_new_nil ();
      break;
    case '-':
    case 'N':
    case 'I':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      {
        Number num;

        if (!read_number (P, &num))
          return NULL;
        switch (num.kind)
          {
          case NUM_INT:
            return _sq_value_new_int_in (P->arena, num.i);
          case NUM_UINT:
            return _sq_value_new_uint_in (P->arena, num.u);
          case NUM_BIG:
            return new_big_int (P, num.start, num.len);
          case NUM_FLOAT:
          default:
            return _sq_value_new_float64_in (P->arena, num.d);
          }
      }
    default:
      break;
    }
  fail_unexpected (P, "a value");
  return NULL;
}

/**
 * sq_json_parse:
 * @text: the JSON text (need not be NUL-terminated)
 * @length: its length in bytes
 * @flags: the convention: %SQ_JSON_SQUIRREL or %SQ_JSON_EXTENDED
 * @error: return location for an error
 *
 * Parses exactly one JSON value, with optional whitespace (space, tab,
 * newline, carriage return) around it, the way squirrel-core's
 * JsonSerializer reads a line (%SQ_JSON_SQUIRREL), or the superset
 * %SQ_JSON_EXTENDED. Errors are #SQ_DECODE_ERROR (or #SQ_ENCODE_ERROR for
 * `$opaque` in EXTENDED mode) with messages that start "at byte N: ", N
 * counted from @text.
 *
 * Returns: (transfer full): the value, or %NULL with @error set
 */
SqValue *
sq_json_parse (const char   *text,
               gsize         length,
               SqJsonFlags   flags,
               GError      **error)
{
  Parser P = {
    .start = (const guint8 *) text,
    .p = (const guint8 *) text,
    .end = (const guint8 *) text + length,
    .flags = flags,
    .depth = 0,
    .error = error,
  };
  SqValue *value;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* GByteArray holds at most 4 GiB; past 2 GiB, use the msgpack format. */
  P.typed_budget = MIN (TYPED_FIXED_ALLOWANCE + (guint64) TYPED_TEXT_FACTOR * length,
                        G_GUINT64_CONSTANT (2) << 30);

  /* Values take a few times the room of their text. */
  P.arena = _sq_arena_new (4 * length + 256);
  P.stack = g_ptr_array_new ();
  value = parse_value (&P);
  g_ptr_array_free (P.stack, TRUE);
  skip_ws (&P);
  if (value != NULL && P.p < P.end)
    {
      fail_at (&P, P.p, SQ_DECODE_ERROR_MALFORMED, "unexpected text after the value");
      value = NULL;
    }
  /* The arena's reference becomes the value's; a static one (None, a
   * small int, an empty list) needs none. */
  if (value == NULL || !_sq_value_is_in_arena (value))
    _sq_arena_unref (P.arena);
  return value;
}

/**
 * sq_value_from_json:
 * @text: JSON text in the %SQ_JSON_EXTENDED convention
 * @length: its length, or -1 if NUL-terminated
 * @error: return location for an error
 *
 * Reads what sq_value_to_json() writes (and squirrel-core's JSON lines).
 *
 * Returns: (transfer full) (nullable): the value
 */
SqValue *
sq_value_from_json (const char  *text,
                    gssize       length,
                    GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  return sq_json_parse (text, length < 0 ? strlen (text) : (gsize) length, SQ_JSON_EXTENDED, error);
}
