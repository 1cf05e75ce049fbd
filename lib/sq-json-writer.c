/* sq-json-writer.c: json.dumps(sample, cls=SquirrelJsonEncoder), byte for byte
 *
 * Python's defaults: separators ", " and ": ", ensure_ascii (every non-ASCII
 * character as \uXXXX, lowercase hex), NaN and infinities as bare tokens.
 * numpy values are written the way SquirrelJsonEncoder.default turns them
 * into Python ones: integer and float scalars as plain numbers, arrays as
 * {"data": tolist(), "type": dtype.str, "shape": shape}. What json.dumps
 * cannot write (bytes, complex, np.bool_) is an error in SQUIRREL mode and a
 * `$`-convention object in EXTENDED mode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-json"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sq-error.h"
#include "sq-json.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-value-private.h"

/* An empty dimension still prints its outer lists: shape (10**9, 0) would
 * be a gigabyte of "[], ". numpy would write it; we refuse past this many. */
#define MAX_EMPTY_LISTS (G_GUINT64_CONSTANT (1) << 24)

static const char hex_digits[] = "0123456789abcdef";
static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

typedef enum
{
  ELEM_BOOL,
  ELEM_INT,
  ELEM_INT_NAT_NULL,
  ELEM_UINT,
  ELEM_F16,
  ELEM_F32,
  ELEM_F64,
  ELEM_F128,
  ELEM_COMPLEX,
  ELEM_UNICODE,
  ELEM_BYTES,
  ELEM_VOID,
  ELEM_RECORD,
} ElemKind;

/* How to print the elements of one dtype, worked out once per array. */
typedef struct
{
  const SqDtype *dtype;
  ElemKind       kind;
  gboolean       swap;
  gsize          itemsize;
} ElemFormat;

static gboolean append_value (GString     *out,
                              SqValue     *value,
                              SqJsonFlags  flags,
                              GError     **error);

static gboolean
unsupported (SqJsonFlags  flags,
             GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (3, 4);

static gboolean
unsupported (SqJsonFlags  flags,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED, "%s cannot be written %s",
               what, (flags & SQ_JSON_EXTENDED) ? "as JSON" : "to a JSON Lines shard");
  return FALSE;
}

/* Digits without printf: a cat of a big shard writes millions of them. */
static inline void
append_uint (GString *out,
             guint64  v)
{
  char buf[20];
  char *p = buf + sizeof buf;

  do
    {
      *--p = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  _sq_string_append_short (out, p, (gsize) (buf + sizeof buf - p));
}

static inline void
append_int (GString *out,
            gint64   v)
{
  if (v < 0)
    {
      g_string_append_c (out, '-');
      append_uint (out, (guint64) 0 - (guint64) v);
    }
  else
    append_uint (out, (guint64) v);
}

static inline void
append_double (GString *out,
               double   v)
{
  _sq_append_float_repr (out, v, TRUE);
}

static void
append_u_escape (GString *out,
                 guint    unit)
{
  char buf[6] = { '\\', 'u',
                  hex_digits[(unit >> 12) & 0xf], hex_digits[(unit >> 8) & 0xf],
                  hex_digits[(unit >> 4) & 0xf], hex_digits[unit & 0xf] };

  g_string_append_len (out, buf, sizeof buf);
}

/* One code point as ensure_ascii writes it. Surrogates are written as they
 * are (Python's str, and so a numpy U array, can hold them). */
static void
append_code_point (GString  *out,
                   gunichar  c)
{
  if (c >= 0x20 && c < 0x7f)
    {
      if (c == '"' || c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, (char) c);
      return;
    }
  switch (c)
    {
    case '\n':
      g_string_append_len (out, "\\n", 2);
      return;
    case '\r':
      g_string_append_len (out, "\\r", 2);
      return;
    case '\t':
      g_string_append_len (out, "\\t", 2);
      return;
    case '\b':
      g_string_append_len (out, "\\b", 2);
      return;
    case '\f':
      g_string_append_len (out, "\\f", 2);
      return;
    default:
      break;
    }
  if (c > 0xffff)
    {
      c -= 0x10000;
      append_u_escape (out, 0xd800 | (c >> 10));
      append_u_escape (out, 0xdc00 | (c & 0x3ff));
    }
  else
    append_u_escape (out, c); /* control characters, DEL and the BMP */
}

static gboolean
append_string (GString     *out,
               const char  *text,
               gsize        length,
               GError     **error)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;

  g_string_append_c (out, '"');
  while (p < end)
    {
      const guchar *run = p;
      gunichar c;
      gsize n;

      while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p == end)
        break;

      if (*p < 0x80)
        {
          append_code_point (out, *p++);
          continue;
        }

      /* Values hold valid UTF-8; still, never read past the end. */
      if (*p >= 0xf0)
        c = *p & 0x07, n = 4;
      else if (*p >= 0xe0)
        c = *p & 0x0f, n = 3;
      else if (*p >= 0xc0)
        c = *p & 0x1f, n = 2;
      else
        n = 0, c = 0;
      if (n == 0 || (gsize) (end - p) < n)
        goto invalid;
      for (gsize i = 1; i < n; i++)
        {
          if ((p[i] & 0xc0) != 0x80)
            goto invalid;
          c = (c << 6) | (p[i] & 0x3f);
        }
      p += n;
      append_code_point (out, c);
    }
  g_string_append_c (out, '"');
  return TRUE;

invalid:
  g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_INVALID,
               "a str holds invalid UTF-8 at byte %" G_GSIZE_FORMAT, (gsize) (p - (const guchar *) text));
  return FALSE;
}

static void
append_base64 (GString      *out,
               const guint8 *data,
               gsize         length)
{
  gsize i = 0;

  for (; i + 3 <= length; i += 3)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];
      char buf[4] = { base64_alphabet[v >> 18], base64_alphabet[(v >> 12) & 0x3f],
                      base64_alphabet[(v >> 6) & 0x3f], base64_alphabet[v & 0x3f] };

      g_string_append_len (out, buf, 4);
    }
  if (i < length)
    {
      guint32 v = (guint32) data[i] << 16;
      char buf[4];

      if (i + 1 < length)
        v |= (guint32) data[i + 1] << 8;
      buf[0] = base64_alphabet[v >> 18];
      buf[1] = base64_alphabet[(v >> 12) & 0x3f];
      buf[2] = i + 1 < length ? base64_alphabet[(v >> 6) & 0x3f] : '=';
      buf[3] = '=';
      g_string_append_len (out, buf, 4);
    }
}

static void
append_bytes_object (GString      *out,
                     const guint8 *data,
                     gsize         length)
{
  g_string_append (out, "{\"$bytes\": \"");
  append_base64 (out, data, length);
  g_string_append (out, "\"}");
}

static void
append_pair (GString *out,
             double   re,
             double   im)
{
  g_string_append_c (out, '[');
  append_double (out, re);
  g_string_append_len (out, ", ", 2);
  append_double (out, im);
  g_string_append_c (out, ']');
}

/* Does numpy's tolist() turn datetime64 or timedelta64 elements into ints? */
static gboolean
tolist_gives_ints (const SqDtype *dtype)
{
  static const char *const datetime_units[] = { "ns", "ps", "fs", "as", NULL };
  static const char *const timedelta_units[] = { "", "Y", "M", "ns", "ps", "fs", "as", NULL };
  const char *unit = sq_dtype_get_unit (dtype);

  while (g_ascii_isdigit (*unit))
    unit++;
  return g_strv_contains (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_DATETIME ? datetime_units
                                                                              : timedelta_units, unit);
}

/* Can elements of @dtype be written in this mode, in an array or as a
 * numpy scalar? */
static gboolean
check_writable (const SqDtype  *dtype,
                SqJsonFlags     flags,
                gboolean        scalar,
                GError        **error)
{
  gboolean extended = (flags & SQ_JSON_EXTENDED) != 0;
  const char *name = sq_dtype_get_name (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);
  gboolean ok;

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
    case SQ_DTYPE_KIND_UNICODE:
      return TRUE;
    case SQ_DTYPE_KIND_FLOAT:
      if (size == 16 && !_sq_long_double_is_float128 ())
        return unsupported (flags, error, "a float128 %s (on this machine)", scalar ? "scalar" : "array");
      return TRUE;
    case SQ_DTYPE_KIND_BOOL:
      /* tolist() gives Python bools, which json writes; np.bool_ it cannot. */
      ok = extended || !scalar;
      break;
    case SQ_DTYPE_KIND_COMPLEX:
      if (extended && size == 32 && !_sq_long_double_is_float128 ())
        return unsupported (flags, error, "a complex256 %s (on this machine)", scalar ? "scalar" : "array");
      ok = extended;
      break;
    case SQ_DTYPE_KIND_BYTES:
      ok = extended;
      break;
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      /* tolist() gives ints for these units (NaT as None), and datetime,
       * date or timedelta objects, which json cannot write, for others. */
      ok = extended || (!scalar && tolist_gives_ints (dtype));
      break;
    case SQ_DTYPE_KIND_VOID:
      if (!extended)
        {
          ok = FALSE;
          break;
        }
      for (guint i = 0; i < sq_dtype_get_n_fields (dtype); i++)
        if (!check_writable (sq_dtype_get_field (dtype, i)->dtype, flags, scalar, error))
          return FALSE;
      return TRUE;
    case SQ_DTYPE_KIND_OBJECT:
    default:
      return unsupported (flags, error, "an object %s (its elements are pickled Python objects)",
                          scalar ? "scalar" : "array");
    }

  if (ok)
    return TRUE;
  if (scalar)
    return unsupported (flags, error, "a numpy %s scalar", name);
  return unsupported (flags, error, "a%s %s array", name[0] == 'i' ? "n" : "", name);
}

static void
elem_format_init (ElemFormat    *f,
                  const SqDtype *dtype)
{
  gsize size = sq_dtype_get_itemsize (dtype);

  f->dtype = dtype;
  f->swap = sq_dtype_needs_swap (dtype);
  f->itemsize = size;
  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      f->kind = ELEM_BOOL;
      break;
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      f->kind = ELEM_INT;
      break;
    case SQ_DTYPE_KIND_UINT:
      f->kind = ELEM_UINT;
      break;
    case SQ_DTYPE_KIND_FLOAT:
      f->kind = size == 2 ? ELEM_F16 : size == 4 ? ELEM_F32 : size == 8 ? ELEM_F64 : ELEM_F128;
      break;
    case SQ_DTYPE_KIND_COMPLEX:
      f->kind = ELEM_COMPLEX;
      break;
    case SQ_DTYPE_KIND_UNICODE:
      f->kind = ELEM_UNICODE;
      break;
    case SQ_DTYPE_KIND_BYTES:
      f->kind = ELEM_BYTES;
      break;
    case SQ_DTYPE_KIND_VOID:
    case SQ_DTYPE_KIND_OBJECT:
    default:
      f->kind = sq_dtype_get_n_fields (dtype) > 0 ? ELEM_RECORD : ELEM_VOID;
      break;
    }
}

static gboolean append_nested (GString          *out,
                               const ElemFormat *f,
                               const guint8    **p,
                               guint             ndim,
                               const guint64    *shape,
                               GError          **error);

static gboolean
append_element (GString          *out,
                const ElemFormat *f,
                const guint8     *p,
                gboolean          scalar,
                GError          **error)
{
  gboolean swap = f->swap;

  switch (f->kind)
    {
    case ELEM_BOOL:
      if (*p)
        g_string_append_len (out, "true", 4);
      else
        g_string_append_len (out, "false", 5);
      return TRUE;
    case ELEM_INT:
      append_int (out, _sq_load_int (p, f->itemsize, swap));
      return TRUE;
    case ELEM_INT_NAT_NULL:
      {
        gint64 v = (gint64) _sq_load_u64 (p, swap);

        if (v == G_MININT64)
          g_string_append_len (out, "null", 4);
        else
          append_int (out, v);
        return TRUE;
      }
    case ELEM_UINT:
      append_uint (out, _sq_load_uint (p, f->itemsize, swap));
      return TRUE;
    case ELEM_F16:
      append_double (out, sq_number_half_to_double (_sq_load_u16 (p, swap)));
      return TRUE;
    case ELEM_F32:
      append_double (out, _sq_load_f32 (p, swap));
      return TRUE;
    case ELEM_F64:
      append_double (out, _sq_load_f64 (p, swap));
      return TRUE;
    case ELEM_F128:
      append_double (out, (double) _sq_load_f128 (p, swap));
      return TRUE;
    case ELEM_COMPLEX:
      {
        double re, im;

        if (f->itemsize == 8)
          re = _sq_load_f32 (p, swap), im = _sq_load_f32 (p + 4, swap);
        else if (f->itemsize == 16)
          re = _sq_load_f64 (p, swap), im = _sq_load_f64 (p + 8, swap);
        else
          re = (double) _sq_load_f128 (p, swap), im = (double) _sq_load_f128 (p + 16, swap);
        if (scalar)
          {
            g_string_append (out, "{\"$complex\": ");
            append_pair (out, re, im);
            g_string_append_c (out, '}');
          }
        else
          append_pair (out, re, im);
        return TRUE;
      }
    case ELEM_UNICODE:
      {
        gsize n = f->itemsize / 4;

        /* numpy drops trailing NULs (the padding) when it makes a str. */
        while (n > 0 && _sq_load_u32 (p + 4 * (n - 1), swap) == 0)
          n--;
        g_string_append_c (out, '"');
        for (gsize i = 0; i < n; i++)
          {
            guint32 c = _sq_load_u32 (p + 4 * i, swap);

            if (c > 0x10ffff)
              {
                g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_INVALID,
                             "a %s element holds 0x%x, which is not a character",
                             sq_dtype_get_name (f->dtype), c);
                return FALSE;
              }
            append_code_point (out, c);
          }
        g_string_append_c (out, '"');
        return TRUE;
      }
    case ELEM_BYTES:
      {
        gsize n = f->itemsize;

        while (n > 0 && p[n - 1] == 0)
          n--;
        append_bytes_object (out, p, n);
        return TRUE;
      }
    case ELEM_VOID:
      append_bytes_object (out, p, f->itemsize);
      return TRUE;
    case ELEM_RECORD:
      {
        guint n = sq_dtype_get_n_fields (f->dtype);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            const SqDtypeField *field = sq_dtype_get_field (f->dtype, i);
            const guint8 *q = p + field->offset;
            ElemFormat ff;

            if (i > 0)
              g_string_append_len (out, ", ", 2);
            elem_format_init (&ff, field->dtype);
            if (!append_nested (out, &ff, &q, field->ndim, field->shape, error))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

/* An integer element of @f at @p, widened; FALSE for the other kinds. */
static inline gboolean
load_integer (const ElemFormat *f,
              const guint8     *p,
              gboolean         *negative,
              guint64          *magnitude)
{
  gint64 v;

  if (f->kind == ELEM_UINT)
    {
      *negative = FALSE;
      *magnitude = _sq_load_uint (p, f->itemsize, f->swap);
      return TRUE;
    }
  if (f->kind != ELEM_INT)
    return FALSE;
  v = _sq_load_int (p, f->itemsize, f->swap);
  *negative = v < 0;
  *magnitude = v < 0 ? (guint64) 0 - (guint64) v : (guint64) v;
  return TRUE;
}

/* "0, " to "255, ": each uint8 with the separator after it, padded to 8
 * bytes so that one store writes it, its length in the last byte. */
typedef char Uint8Item[8];

static const Uint8Item *
uint8_items (void)
{
  static Uint8Item table[256];
  static gsize made = 0;

  if (g_once_init_enter (&made))
    {
      for (guint i = 0; i < 256; i++)
        table[i][7] = (char) g_snprintf (table[i], 7, "%u, ", i);
      g_once_init_leave (&made, 1);
    }
  return table;
}

/* Makes room for @need more bytes after @w, which points into @out. */
static inline char *
reserve (GString *out,
         char    *w,
         gsize    need)
{
  gsize at = (gsize) (w - out->str);

  if (G_LIKELY (out->len - at >= need))
    return w;
  g_string_set_size (out, MAX (2 * out->len, at + need));
  return out->str + at;
}

/* Items of a uint8 row written per call, so that the room asked for
 * stays small whatever the row's length. */
#define UINT8_BLOCK 4096

/* A row of uint8 (a mask's, a long one): a table item per element, the
 * last one's separator taken back. */
static inline char *
append_uint8_row (GString         *out,
                  char            *w,
                  const Uint8Item *items,
                  const guint8   **p,
                  guint64          row,
                  guint            ndim)
{
  const guint8 *q = *p;

  for (guint64 i = 0; i < row;)
    {
      guint64 n = MIN (row - i, UINT8_BLOCK);
      const guint8 *end = q + n;

      w = reserve (out, w, 8 * n + 32 + 4 * (gsize) ndim);
      for (; q < end; q++)
        {
          memcpy (w, items[*q], 8);
          w += items[*q][7];
        }
      i += n;
    }
  *p = q;
  return w - 2;
}

/* A row of any other integers, digit by digit. */
static inline char *
append_integer_row (GString          *out,
                    char             *w,
                    const ElemFormat *f,
                    const guint8    **p,
                    guint64           row,
                    guint             ndim)
{
  const guint8 *q = *p;

  for (guint64 i = 0; i < row; i++)
    {
      gboolean negative = FALSE;
      guint64 v = 0;
      char digits[20];
      int n = 0;

      /* an element, its separator and the brackets after it */
      w = reserve (out, w, 32 + 4 * (gsize) ndim);
      if (i > 0)
        {
          *w++ = ',';
          *w++ = ' ';
        }
      (void) load_integer (f, q, &negative, &v);
      if (negative)
        *w++ = '-';
      do
        {
          digits[n++] = (char) ('0' + v % 10);
          v /= 10;
        }
      while (v != 0);
      while (n > 0)
        *w++ = digits[--n];
      q += f->itemsize;
    }
  *p = q;
  return w;
}

/* append_nested() for a non-empty integer array, its text written
 * straight into @out a row (the last dimension) at a time: an image is
 * millions of elements of a few bytes, and a call or two per element was
 * most of the time. */
static void
append_integer_array (GString          *out,
                      const ElemFormat *f,
                      const guint8    **p,
                      guint             ndim,
                      const guint64    *shape)
{
  guint64 idx[SQ_NDARRAY_MAX_DIMS] = { 0 };
  guint64 row = shape[ndim - 1];
  gboolean bytes = f->kind == ELEM_UINT && f->itemsize == 1;
  const Uint8Item *items = bytes ? uint8_items () : NULL;
  const guint8 *q = *p;
  gsize len = out->len;
  char *w;

  g_string_set_size (out, len + 4096);
  w = out->str + len;
  for (guint d = 0; d + 1 < ndim; d++)
    *w++ = '[';
  for (;;)
    {
      guint d;

      *w++ = '[';
      /* uint8 pixels (rows of a few channels): this row and the rest of
       * its list in one loop, each row closed and the next opened by one
       * store over its last separator; the last "], [" is taken back and
       * the row left for the steps below to close */
      if (bytes && row <= 8 && ndim >= 2)
        {
          guint64 n = MIN (shape[ndim - 2] - idx[ndim - 2], UINT8_BLOCK);

          w = reserve (out, w, n * (8 * row + 4) + 32 + 4 * (gsize) ndim);
          for (guint64 k = 0; k < n; k++)
            {
              for (guint64 i = 0; i < row; i++)
                {
                  memcpy (w, items[q[i]], 8);
                  w += items[q[i]][7];
                }
              q += row;
              memcpy (w - 2, "], [", 4);
              w += 2;
            }
          w -= 4;
          idx[ndim - 2] += n - 1;
        }
      else if (bytes)
        w = append_uint8_row (out, w, items, &q, row, ndim);
      else
        w = append_integer_row (out, w, f, &q, row, ndim);
      *w++ = ']';

      /* the next row; a list closes for every outer dimension that wraps */
      for (d = ndim - 1; d > 0; d--)
        {
          if (++idx[d - 1] < shape[d - 1])
            break;
          idx[d - 1] = 0;
          *w++ = ']';
        }
      if (d == 0)
        break;
      *w++ = ',';
      *w++ = ' ';
      for (guint e = d; e + 1 < ndim; e++)
        *w++ = '[';
    }
  g_string_truncate (out, (gsize) (w - out->str));
  *p = q;
}

/* numpy's tolist(): lists nested as the shape, the bare element for 0-d. */
static gboolean
append_nested (GString          *out,
               const ElemFormat *f,
               const guint8    **p,
               guint             ndim,
               const guint64    *shape,
               GError          **error)
{
  if (ndim > 0 && (f->kind == ELEM_UINT || f->kind == ELEM_INT))
    {
      gboolean empty = FALSE;

      for (guint d = 0; d < ndim; d++)
        empty |= shape[d] == 0;
      if (!empty)
        {
          append_integer_array (out, f, p, ndim, shape);
          return TRUE;
        }
    }
  if (ndim == 0)
    {
      if (!append_element (out, f, *p, FALSE, error))
        return FALSE;
      *p += f->itemsize;
      return TRUE;
    }

  g_string_append_c (out, '[');
  for (guint64 i = 0; i < shape[0]; i++)
    {
      if (i > 0)
        _sq_string_append_short (out, ", ", 2);
      if (ndim == 1)
        {
          if (!append_element (out, f, *p, FALSE, error))
            return FALSE;
          *p += f->itemsize;
        }
      else if (!append_nested (out, f, p, ndim - 1, shape + 1, error))
        return FALSE;
    }
  g_string_append_c (out, ']');
  return TRUE;
}

/* numpy's dtype.str, or the descr list of a structured dtype. */
static gboolean
append_type (GString       *out,
             const SqDtype *dtype,
             SqJsonFlags    flags,
             GError       **error)
{
  SqValue *descr = sq_dtype_get_descr (dtype);
  const char *type = sq_dtype_get_type_string (dtype);

  if (descr != NULL)
    return append_value (out, descr, flags & SQ_JSON_EXTENDED, error); /* lists of strs and ints */
  return append_string (out, type, strlen (type), error);
}

static void
append_shape (GString       *out,
              guint          ndim,
              const guint64 *shape)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < ndim; i++)
    {
      if (i > 0)
        g_string_append_len (out, ", ", 2);
      append_uint (out, shape[i]);
    }
  g_string_append_c (out, ']');
}

static gboolean
append_ndarray (GString     *out,
                SqNdarray   *array,
                SqJsonFlags  flags,
                GError     **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  const guint8 *p = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  ElemFormat f;

  /* elements of no width ("<U0") have no data pointer, and p steps by 0 */
  if (p == NULL)
    p = (const guint8 *) "";

  /* An empty array's tolist() is [] whatever its dtype, which json writes
   * (a record's type would be its descr, which squirrel does not write). */
  if (!(sq_ndarray_get_n_elements (array) == 0 && sq_dtype_get_n_fields (dtype) == 0 &&
        sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_OBJECT) &&
      !check_writable (dtype, flags, FALSE, error))
    return FALSE;

  if (sq_ndarray_get_n_elements (array) == 0)
    {
      guint64 lists = 1;

      for (guint i = 0; i < ndim && shape[i] != 0; i++)
        if (!g_uint64_checked_mul (&lists, lists, shape[i]) || lists > MAX_EMPTY_LISTS)
          {
            g_autofree char *dims = sq_ndarray_format_shape (array);

            g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
                         "an empty array of shape %s would take more than %" G_GUINT64_FORMAT
                         " empty lists to write as JSON", dims, MAX_EMPTY_LISTS);
            return FALSE;
          }
    }

  elem_format_init (&f, dtype);
  if (f.kind == ELEM_INT && !(flags & SQ_JSON_EXTENDED) && sq_dtype_get_unit (dtype) != NULL)
    f.kind = ELEM_INT_NAT_NULL;
  g_string_append (out, "{\"data\": ");
  if (!append_nested (out, &f, &p, ndim, shape, error))
    return FALSE;
  g_string_append (out, ", \"type\": ");
  if (!append_type (out, dtype, flags, error))
    return FALSE;
  g_string_append (out, ", \"shape\": ");
  append_shape (out, ndim, shape);
  g_string_append_c (out, '}');
  return TRUE;
}

/* The exact form: the dtype, the shape and the raw bytes, as they are. */
static gboolean
append_exact_ndarray (GString     *out,
                      SqNdarray   *array,
                      SqJsonFlags  flags,
                      GError     **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), &len);

  g_string_append (out, "{\"$ndarray\": ");
  if (!append_type (out, sq_ndarray_get_dtype (array), flags, error))
    return FALSE;
  g_string_append (out, ", \"shape\": ");
  append_shape (out, sq_ndarray_get_ndim (array), sq_ndarray_get_shape (array));
  g_string_append (out, ", \"data\": \"");
  append_base64 (out, data, len);
  g_string_append (out, "\"}");
  return TRUE;
}

static gboolean
append_scalar (GString     *out,
               SqValue     *value,
               SqJsonFlags  flags,
               GError     **error)
{
  SqDtype *dtype = sq_value_get_scalar_dtype (value);
  ElemFormat f;

  if ((flags & SQ_JSON_EXACT) == SQ_JSON_EXACT)
    {
      g_string_append (out, "{\"$numpy\": ");
      if (!append_type (out, dtype, flags, error))
        return FALSE;
      g_string_append (out, ", \"data\": \"");
      append_base64 (out, sq_value_get_scalar_data (value), sq_dtype_get_itemsize (dtype));
      g_string_append (out, "\"}");
      return TRUE;
    }

  if (!check_writable (dtype, flags, TRUE, error))
    return FALSE;
  elem_format_init (&f, dtype);
  return append_element (out, &f, sq_value_get_scalar_data (value), TRUE, error);
}

/* Would this map, written as a JSON object, read back as something else:
 * a bin key, a str key that starts with `$` (the extended markers), or the
 * keys of squirrel's array form? */
static gboolean
map_needs_escape (SqValue *map)
{
  gsize n = sq_value_get_length (map);
  guint array_keys = 0;

  for (gsize i = 0; i < n; i++)
    {
      SqValue *key = sq_value_get_key (map, i);
      const char *text;
      gsize len;

      if (sq_value_get_value_type (key) != SQ_VALUE_STR)
        return TRUE;
      text = sq_value_get_str (key, &len);
      if (len > 0 && text[0] == '$')
        return TRUE;
      if ((len == 4 && memcmp (text, "data", 4) == 0) || (len == 4 && memcmp (text, "type", 4) == 0) ||
          (len == 5 && memcmp (text, "shape", 5) == 0))
        array_keys++;
    }
  return array_keys == 3;
}

/* {"$map": [[key, value], ...]}: keys as values (bin as {"$bytes"}). */
static gboolean
append_escaped_map (GString     *out,
                    SqValue     *map,
                    SqJsonFlags  flags,
                    GError     **error)
{
  gsize n = sq_value_get_length (map);

  g_string_append (out, "{\"$map\": [");
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_len (out, ", ", 2);
      g_string_append_c (out, '[');
      if (!append_value (out, sq_value_get_key (map, i), flags, error))
        return FALSE;
      g_string_append_len (out, ", ", 2);
      if (!append_value (out, sq_value_get_item (map, i), flags, error))
        return FALSE;
      g_string_append_c (out, ']');
    }
  g_string_append (out, "]}");
  return TRUE;
}

/* The bits of a NaN JSON's `NaN` would not give back, as hex. */
static void
append_hex_bits (GString *out,
                 guint64  bits,
                 int      width)
{
  g_string_append_printf (out, "\"0x%0*" G_GINT64_MODIFIER "x\"", width, bits);
}

static void
append_exact_float (GString *out,
                    SqValue *value)
{
  double v = sq_value_get_double (value);

  if (sq_value_get_value_type (value) == SQ_VALUE_FLOAT32)
    {
      guint32 bits = _sq_value_get_float32_bits (value);
      float f;

      memcpy (&f, &bits, sizeof f);
      g_string_append (out, "{\"$float32\": ");
      if (isnan (f) && bits != 0x7fc00000u)
        append_hex_bits (out, bits, 8);
      else if (isnan (f) || isinf (f))
        append_double (out, v);
      else
        sq_number_append_float (out, v, 4);
      g_string_append_c (out, '}');
      return;
    }
  if (isnan (v))
    {
      guint64 bits;

      memcpy (&bits, &v, sizeof bits);
      if (bits != G_GUINT64_CONSTANT (0x7ff8000000000000))
        {
          g_string_append (out, "{\"$float64\": ");
          append_hex_bits (out, bits, 16);
          g_string_append_c (out, '}');
          return;
        }
    }
  append_double (out, v);
}

static gboolean
append_value (GString     *out,
              SqValue     *value,
              SqJsonFlags  flags,
              GError     **error)
{
  gboolean extended = (flags & SQ_JSON_EXTENDED) != 0;
  gboolean exact = (flags & SQ_JSON_EXACT) == SQ_JSON_EXACT;

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NIL:
      g_string_append_len (out, "null", 4);
      return TRUE;
    case SQ_VALUE_BOOL:
      if (sq_value_get_bool (value))
        g_string_append_len (out, "true", 4);
      else
        g_string_append_len (out, "false", 5);
      return TRUE;
    case SQ_VALUE_INT:
      append_int (out, sq_value_get_int (value));
      return TRUE;
    case SQ_VALUE_UINT:
      append_uint (out, sq_value_get_uint (value));
      return TRUE;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      if (exact)
        append_exact_float (out, value);
      else
        append_double (out, sq_value_get_double (value));
      return TRUE;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *text = sq_value_get_str (value, &len);

        return append_string (out, text, len, error);
      }
    case SQ_VALUE_BIN:
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (sq_value_get_bin (value), &len);

        if (!extended)
          return unsupported (flags, error, "bytes");
        append_bytes_object (out, data, len);
        return TRUE;
      }
    case SQ_VALUE_ARRAY:
      {
        gsize n = sq_value_get_length (value);

        g_string_append_c (out, '[');
        for (gsize i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_len (out, ", ", 2);
            if (!append_value (out, sq_value_get_item (value, i), flags, error))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }
    case SQ_VALUE_MAP:
      {
        gsize n = sq_value_get_length (value);

        if (exact && map_needs_escape (value))
          return append_escaped_map (out, value, flags, error);
        g_string_append_c (out, '{');
        for (gsize i = 0; i < n; i++)
          {
            SqValue *key = sq_value_get_key (value, i);

            if (i > 0)
              g_string_append_len (out, ", ", 2);
            if (sq_value_get_value_type (key) == SQ_VALUE_BIN)
              {
                gsize len;
                const guint8 *data = g_bytes_get_data (sq_value_get_bin (key), &len);

                if (!extended)
                  return unsupported (flags, error, "a map key of bytes");
                g_string_append (out, "\"$bytes:");
                append_base64 (out, data, len);
                g_string_append_c (out, '"');
              }
            else
              {
                gsize len;
                const char *text = sq_value_get_str (key, &len);

                if (!append_string (out, text, len, error))
                  return FALSE;
              }
            g_string_append_len (out, ": ", 2);
            if (!append_value (out, sq_value_get_item (value, i), flags, error))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }
    case SQ_VALUE_NDARRAY:
      if (exact)
        return append_exact_ndarray (out, sq_value_get_ndarray (value), flags, error);
      return append_ndarray (out, sq_value_get_ndarray (value), flags, error);
    case SQ_VALUE_SCALAR:
      return append_scalar (out, value, flags, error);
    case SQ_VALUE_COMPLEX:
      {
        double re, im;

        if (!extended)
          return unsupported (flags, error, "a complex number");
        if (exact)
          {
            /* Its repr, as msgpack-numpy stores it (and as set writes it). */
            g_autoptr(GString) repr = g_string_new (sq_value_get_complex_repr (value));

            if (sq_value_get_complex_repr (value) == NULL)
              {
                sq_value_get_complex (value, &re, &im);
                _sq_append_complex_repr (repr, re, im);
              }
            g_string_append (out, "{\"$complex\": ");
            if (!append_string (out, repr->str, repr->len, error))
              return FALSE;
            g_string_append_c (out, '}');
            return TRUE;
          }
        sq_value_get_complex (value, &re, &im);
        g_string_append (out, "{\"$complex\": ");
        append_pair (out, re, im);
        g_string_append_c (out, '}');
        return TRUE;
      }
    case SQ_VALUE_OPAQUE:
      {
        const char *reason = sq_value_get_opaque_reason (value);
        gsize len;
        const guint8 *data = g_bytes_get_data (sq_value_get_opaque_data (value), &len);

        /* JSON kept as it was read: written back as it is. */
        if (sq_value_get_opaque_kind (value) == SQ_OPAQUE_BIG_INT ||
            sq_value_get_opaque_kind (value) == SQ_OPAQUE_JSON)
          {
            g_string_append_len (out, (const char *) data, (gssize) len);
            return TRUE;
          }
        if (exact && sq_value_get_opaque_kind (value) == SQ_OPAQUE_EXT)
          {
            g_string_append (out, "{\"$ext\": ");
            append_int (out, sq_value_get_opaque_ext_type (value));
            g_string_append (out, ", \"data\": \"");
            append_base64 (out, data, len);
            g_string_append (out, "\"}");
            return TRUE;
          }
        if (!extended)
          return unsupported (flags, error, "an opaque value (%s)", reason);
        g_string_append (out, "{\"$opaque\": ");
        if (!append_string (out, reason, strlen (reason), error))
          return FALSE;
        g_string_append_c (out, '}');
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

/**
 * sq_json_append:
 * @out: where to append
 * @value: the value
 * @flags: the convention
 * @error: return location for an #SQ_ENCODE_ERROR
 *
 * Appends @value as one JSON value, without a newline: in
 * %SQ_JSON_SQUIRREL, as `json.dumps` with squirrel-core's encoder writes
 * it, byte for byte; in %SQ_JSON_EXTENDED and %SQ_JSON_EXACT, with the
 * `$` objects for what plain JSON cannot hold.
 *
 * Returns: %FALSE if @value cannot be written in @flags' convention; @out
 *   may then hold part of it, which the caller discards
 */
gboolean
sq_json_append (GString      *out,
                SqValue      *value,
                SqJsonFlags   flags,
                GError      **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return append_value (out, value, flags, error);
}

/**
 * sq_value_to_json:
 * @value: a value
 * @error: return location for an %SQ_ENCODE_ERROR
 *
 * Writes @value in the %SQ_JSON_EXTENDED convention: squirrel-core's JSON
 * (arrays as `{"data", "type", "shape"}`) with the `$bytes`, `$complex`
 * and `$opaque` objects for what JSON cannot hold.
 *
 * Returns: (transfer full) (nullable): the JSON text, without a newline
 */
char *
sq_value_to_json (SqValue  *value,
                  GError  **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (value != NULL, NULL);

  if (!sq_json_append (out, value, SQ_JSON_EXTENDED, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
