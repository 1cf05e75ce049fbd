/* sq-number-private.h: numbers the way numpy stores and Python prints them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <float.h>
#include <string.h>

#include <glib.h>

#include "sq-number.h"

G_BEGIN_DECLS

/* The older private names of public sq-number.h functions, for the
 * callers that still use them. */
static inline double
_sq_half_to_double (guint16 half)
{
  return sq_number_half_to_double (half);
}

static inline guint16
_sq_double_to_half (double value)
{
  return sq_number_double_to_half (value);
}

static inline void
_sq_append_narrow_float_repr (GString *out,
                              double   value,
                              gsize    size)
{
  sq_number_append_float (out, value, size);
}

/* g_string_append_len() without a call while there is room: numbers and
 * separators of big arrays are appended a few bytes at a time. */
static inline void
_sq_string_append_short (GString    *out,
                         const char *text,
                         gsize       len)
{
  if (G_LIKELY (out->len + len < out->allocated_len))
    {
      memcpy (out->str + out->len, text, len);
      out->len += len;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, text, (gssize) len);
}

/* TRUE: shortest digits are searched with printf() and strtod() only, the
 * reference the faster integer search is tested against. */
extern gboolean _sq_number_force_printf;

void     _sq_append_decimal_digits (GString    *out,
                                    const char *digits,
                                    int         n,
                                    int         decpt,
                                    gboolean    scientific,
                                    gboolean    add_dot_zero);
void     _sq_append_float_repr    (GString     *out,
                                   double       value,
                                   gboolean     json);
void     _sq_append_complex_repr  (GString     *out,
                                   double       real,
                                   double       imag);
void     _sq_append_complex_repr_sized (GString *out,
                                        double   real,
                                        double   imag,
                                        gsize    part_size);
gboolean _sq_parse_complex        (const char  *text,
                                   gsize        length,
                                   double      *real,
                                   double      *imag);

static inline guint16
_sq_load_u16 (const guint8 *p,
              gboolean      swap)
{
  guint16 v;

  memcpy (&v, p, sizeof v);
  return swap ? GUINT16_SWAP_LE_BE (v) : v;
}

static inline guint32
_sq_load_u32 (const guint8 *p,
              gboolean      swap)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static inline guint64
_sq_load_u64 (const guint8 *p,
              gboolean      swap)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return swap ? GUINT64_SWAP_LE_BE (v) : v;
}

/* A numpy int of @size bytes (1, 2, 4 or 8) at @p, sign-extended. */
static inline gint64
_sq_load_int (const guint8 *p,
              gsize         size,
              gboolean      swap)
{
  return size == 1 ? (gint8) *p
       : size == 2 ? (gint16) _sq_load_u16 (p, swap)
       : size == 4 ? (gint32) _sq_load_u32 (p, swap)
       : (gint64) _sq_load_u64 (p, swap);
}

/* A numpy uint of @size bytes (1, 2, 4 or 8) at @p. */
static inline guint64
_sq_load_uint (const guint8 *p,
               gsize         size,
               gboolean      swap)
{
  return size == 1 ? *p
       : size == 2 ? _sq_load_u16 (p, swap)
       : size == 4 ? _sq_load_u32 (p, swap)
       : _sq_load_u64 (p, swap);
}

static inline float
_sq_load_f32 (const guint8 *p,
              gboolean      swap)
{
  guint32 bits = _sq_load_u32 (p, swap);
  float v;

  memcpy (&v, &bits, sizeof v);
  return v;
}

static inline double
_sq_load_f64 (const guint8 *p,
              gboolean      swap)
{
  guint64 bits = _sq_load_u64 (p, swap);
  double v;

  memcpy (&v, &bits, sizeof v);
  return v;
}

/* numpy's float128 is x87 extended precision in 16 bytes: long double
 * holds it only where long double is that too (x86-64, not arm64). */
static inline gboolean
_sq_long_double_is_float128 (void)
{
  return sizeof (long double) == 16 && LDBL_MANT_DIG == 64;
}

/* numpy's float128 on x86-64: x87 extended precision in 16 bytes. */
static inline long double
_sq_load_f128 (const guint8 *p,
               gboolean      swap)
{
  guint8 buf[16];
  long double v = 0;

  memcpy (buf, p, 16);
  if (swap)
    for (int i = 0; i < 8; i++)
      {
        guint8 t = buf[i];

        buf[i] = buf[15 - i];
        buf[15 - i] = t;
      }
  memcpy (&v, buf, MIN (sizeof v, sizeof buf));
  return v;
}

static inline void
_sq_store_swapped (guint8       *dest,
                   const void   *src,
                   gsize         size,
                   gboolean      swap)
{
  const guint8 *s = src;

  if (!swap)
    {
      memcpy (dest, s, size);
      return;
    }
  for (gsize i = 0; i < size; i++)
    dest[i] = s[size - 1 - i];
}

G_END_DECLS
