/* sq-number.c: float16, Python's repr of floats and complex numbers, and
 * array elements read as doubles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-number"

#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sq-dtype.h"
#include "sq-number.h"
#include "sq-number-private.h"

/**
 * sq_number_half_to_double:
 * @half: the bits of a float16 (IEEE 754 binary16), in this machine's
 *   byte order
 *
 * Returns: its value, exactly (every float16 is a double): subnormals,
 *   infinities and NaN included
 */
double
sq_number_half_to_double (guint16 half)
{
  guint sign = half >> 15;
  guint exponent = (half >> 10) & 0x1f;
  guint mantissa = half & 0x3ff;
  double value;

  if (exponent == 0)
    value = ldexp ((double) mantissa, -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = ldexp ((double) (mantissa | 0x400), (int) exponent - 25);
  return sign ? -value : value;
}

/**
 * sq_number_double_to_half:
 * @value: a double
 *
 * Rounds @value to the nearest float16, ties to even, straight from the
 * double, as numpy's `astype(np.float16)` does (going through float first
 * would round twice); too large a value becomes an infinity.
 *
 * Returns: the bits of the float16, in this machine's byte order
 */
guint16
sq_number_double_to_half (double value)
{
  guint64 bits;
  guint16 sign;
  int exponent;
  guint64 mantissa;

  memcpy (&bits, &value, sizeof bits);
  sign = (guint16) ((bits >> 48) & 0x8000);
  exponent = (int) ((bits >> 52) & 0x7ff);
  mantissa = bits & G_GUINT64_CONSTANT (0xfffffffffffff);

  if (exponent == 0x7ff)
    return sign | 0x7c00 | (mantissa ? 0x200 : 0);

  exponent -= 1023;
  if (exponent > 15)
    return sign | 0x7c00;

  if (exponent >= -14)
    {
      /* Normal half: keep 10 of the 52 mantissa bits. */
      guint64 rest = mantissa & ((G_GUINT64_CONSTANT (1) << 42) - 1);
      guint64 halfway = G_GUINT64_CONSTANT (1) << 41;
      guint32 h = ((guint32) (exponent + 15) << 10) | (guint32) (mantissa >> 42);

      if (rest > halfway || (rest == halfway && (h & 1)))
        h++; /* may carry into the exponent, up to infinity: still right */
      return sign | (guint16) h;
    }

  if (exponent < -25)
    return sign;

  {
    /* Subnormal half: the value in units of 2^-24. */
    guint64 full = mantissa | (G_GUINT64_CONSTANT (1) << 52);
    int shift = 52 - 24 - exponent; /* 42 + (-14 - exponent) */
    guint64 h = full >> shift;
    guint64 rest = full & ((G_GUINT64_CONSTANT (1) << shift) - 1);
    guint64 halfway = G_GUINT64_CONSTANT (1) << (shift - 1);

    if (rest > halfway || (rest == halfway && (h & 1)))
      h++;
    return sign | (guint16) h;
  }
}

/* Adds one unit in the last place to the positive "d.ddde[+-]xx" in @buf. */
static gboolean
increment_last_digit (char  *buf,
                      gsize  size)
{
  char *e = strchr (buf, 'e');
  int exp10;

  if (e == NULL)
    return FALSE;
  exp10 = atoi (e + 1);
  for (gssize i = e - buf - 1; i >= 0; i--)
    {
      if (buf[i] == '.')
        continue;
      if (buf[i] != '9')
        {
          buf[i]++;
          return TRUE;
        }
      buf[i] = '0';
    }
  /* All nines: 9.99e-08 and one more is 1.00e-07. */
  buf[0] = '1';
  snprintf (e + 1, size - (gsize) (e + 1 - buf), "%+03d", exp10 + 1);
  return TRUE;
}

/* The shortest digits that read back as @value, like Python's repr: the
 * correctly rounded 15-, 16- or 17-digit form, the first that round-trips,
 * trailing zeros dropped. Returns the digits and the decimal exponent such
 * that value = 0.DIGITS x 10^decpt.
 *
 * Starting at 15 digits is only right for normal numbers: any decimal of 15
 * digits survives the trip through a normal double, so the 15-digit form is
 * the shortest one padded with zeros. Subnormals hold fewer digits (5e-324
 * also reads back from 4.94065645841247e-324), so they search from 1. */
static void
shortest_digits (double  value,
                 char   *digits,
                 int    *n_digits,
                 int    *decpt)
{
  char buf[40];
  int len = 0;
  int exp10;
  char *e;
  int first = value != 0 && fabs (value) < DBL_MIN ? 1 : 15;

  for (int precision = first; precision <= 17; precision++)
    {
      double back;

      snprintf (buf, sizeof buf, "%.*e", precision - 1, value);
      back = strtod (buf, NULL);
      if (precision == 17 || back == value)
        break;
      /* Doubles are twice as dense just below a power of two as above it:
       * the nearest decimal may miss while the next one up reads back
       * (2^-24 is 5.960464477539063e-08, not 5.9604644775390625e-08). */
      if (back < value && increment_last_digit (buf, sizeof buf) && strtod (buf, NULL) == value)
        break;
    }

  /* buf is "[-]d.ddddde[+-]xx" */
  e = strchr (buf, 'e');
  exp10 = atoi (e + 1);
  for (char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[len++] = *p;
  while (len > 1 && digits[len - 1] == '0')
    len--;
  digits[len] = '\0';
  *n_digits = len;
  *decpt = exp10 + 1;
}

/**
 * _sq_append_decimal_digits:
 * @digits: significant digits, NUL-terminated, no trailing zeros
 * @n: how many
 * @decpt: where the decimal point goes: value = 0.DIGITS × 10^@decpt
 * @scientific: write `d.ddde±XX` rather than positional notation
 * @add_dot_zero: write a whole number as `5.0`, not `5`
 *
 * Lays out digits as Python's repr() and numpy's str() do, once the
 * caller has chosen them and the notation.
 */
void
_sq_append_decimal_digits (GString    *out,
                           const char *digits,
                           int         n,
                           int         decpt,
                           gboolean    scientific,
                           gboolean    add_dot_zero)
{
  if (scientific)
    {
      int exponent = decpt - 1;

      g_string_append_c (out, digits[0]);
      if (n > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
  else if (decpt <= 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -decpt; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else if (decpt >= n)
    {
      g_string_append (out, digits);
      for (int i = n; i < decpt; i++)
        g_string_append_c (out, '0');
      if (add_dot_zero)
        g_string_append (out, ".0");
    }
  else
    {
      g_string_append_len (out, digits, decpt);
      g_string_append_c (out, '.');
      g_string_append (out, digits + decpt);
    }
}

static void
append_repr (GString *out,
             double   value,
             gboolean add_dot_zero)
{
  char digits[24];
  int n, decpt;

  if (signbit (value))
    g_string_append_c (out, '-');
  value = fabs (value);

  shortest_digits (value, digits, &n, &decpt);
  _sq_append_decimal_digits (out, digits, n, decpt, decpt <= -4 || decpt > 16, add_dot_zero);
}

/**
 * _sq_append_float_repr:
 * @json: spell non-finite values as Python's json module does (`NaN`,
 *   `Infinity`) rather than as repr() does (`nan`, `inf`)
 *
 * Appends @value as Python's `repr(float)` writes it: `0.1`, `1.0`,
 * `1e-05`, `1e+16`, `-0.0`.
 */
void
_sq_append_float_repr (GString *out,
                       double   value,
                       gboolean json)
{
  if (isnan (value))
    g_string_append (out, json ? "NaN" : "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"));
  else
    append_repr (out, value, TRUE);
}

static void
append_complex_part (GString *out,
                     double   value,
                     gboolean force_sign)
{
  if (force_sign && !signbit (value))
    g_string_append_c (out, '+');
  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    append_repr (out, value, FALSE);
}

/**
 * _sq_append_complex_repr:
 *
 * Appends Python's `repr(complex)`: `(1-1j)`, `2j`, `(-0+1j)`; this is the
 * string msgpack-numpy stores for a complex.
 */
void
_sq_append_complex_repr (GString *out,
                         double   real,
                         double   imag)
{
  if (real == 0 && !signbit (real))
    {
      append_complex_part (out, imag, FALSE);
      g_string_append_c (out, 'j');
      return;
    }
  g_string_append_c (out, '(');
  append_complex_part (out, real, FALSE);
  append_complex_part (out, imag, TRUE);
  g_string_append (out, "j)");
}

static gboolean
parse_float_at (const char **p,
                double      *out)
{
  const char *s = *p;
  char *end = NULL;

  /* strtod would also take hex floats, which Python's complex() does not. */
  if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ||
      ((s[0] == '+' || s[0] == '-') && s[1] == '0' && (s[2] == 'x' || s[2] == 'X')))
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  if (end == s)
    return FALSE;
  *p = end;
  return TRUE;
}

/**
 * _sq_parse_complex:
 *
 * Parses what Python's `complex(str)` accepts: `1+2j`, `(1-1j)`, `2j`, `j`,
 * `-j`, `1`, with optional surrounding whitespace and parentheses.
 */
gboolean
_sq_parse_complex (const char *text,
                   gsize       length,
                   double     *real,
                   double     *imag)
{
  g_autofree char *copy = g_strndup (text, length);
  const char *p = copy;
  const char *end;
  double first;

  if (strlen (copy) != length)
    return FALSE;

  while (g_ascii_isspace (*p))
    p++;
  end = copy + length;
  while (end > p && g_ascii_isspace (end[-1]))
    end--;
  if (p < end && *p == '(')
    {
      if (end[-1] != ')')
        return FALSE;
      p++;
      end--;
      while (g_ascii_isspace (*p))
        p++;
      while (end > p && g_ascii_isspace (end[-1]))
        end--;
    }
  copy[end - copy] = '\0';
  if (p == end)
    return FALSE;

  *real = 0;
  *imag = 0;

  /* A lone "j", "+j" or "-j" is a unit imaginary part. */
  if ((*p == '+' || *p == '-') && (p[1] == 'j' || p[1] == 'J') && p + 2 == end)
    {
      *imag = *p == '-' ? -1 : 1;
      return TRUE;
    }
  if ((*p == 'j' || *p == 'J') && p + 1 == end)
    {
      *imag = 1;
      return TRUE;
    }

  if (!parse_float_at (&p, &first))
    return FALSE;
  if (p == end)
    {
      *real = first;
      return TRUE;
    }
  if ((*p == 'j' || *p == 'J') && p + 1 == end)
    {
      *imag = first;
      return TRUE;
    }
  if (*p != '+' && *p != '-')
    return FALSE;
  *real = first;
  if ((p[1] == 'j' || p[1] == 'J') && p + 2 == end)
    {
      *imag = *p == '-' ? -1 : 1;
      return TRUE;
    }
  if (!parse_float_at (&p, imag))
    return FALSE;
  return (*p == 'j' || *p == 'J') && p + 1 == end;
}

static gboolean
narrow_float_equal (double candidate,
                    double value,
                    gsize  size)
{
  if (size == 4)
    return (float) candidate == (float) value;
  return sq_number_double_to_half (candidate) == sq_number_double_to_half (value);
}

/* Adds one unit in the last place to the positive "d.ddde[+-]xx" in @buf. */
static void
round_up_last_digit (char  *buf,
                     gsize  size)
{
  char *e = strchr (buf, 'e');
  int exp10 = (int) g_ascii_strtoll (e + 1, NULL, 10);

  for (gssize i = e - buf - 1; i >= 0; i--)
    {
      if (buf[i] == '.')
        continue;
      if (buf[i] != '9')
        {
          buf[i]++;
          return;
        }
      buf[i] = '0';
    }
  /* All nines: 9.9e-08 and one more is 1.0e-07. */
  buf[0] = '1';
  g_snprintf (e + 1, size - (gsize) (e + 1 - buf), "%+03d", exp10 + 1);
}

/* A float16 or float32 as numpy prints it: the fewest digits that read
 * back as the same value (through a double, as sq_value_parse_like() and
 * the JSON reader read them). */
static void
append_narrow_repr (GString *out,
                    double   value,
                    gsize    size)
{
  char buf[40];
  char digits[24];
  int n = 0, exp10, decpt;
  char *e;

  if (isnan (value) || isinf (value) || value == 0)
    {
      _sq_append_float_repr (out, value, FALSE);
      return;
    }
  if (signbit (value))
    g_string_append_c (out, '-');
  value = fabs (value);

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision - 1);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (narrow_float_equal (g_ascii_strtod (buf, NULL), value, size))
        break;
      /* Just below a power of two the nearest decimal may miss while the
       * next one up reads back. */
      if (g_ascii_strtod (buf, NULL) < value)
        {
          round_up_last_digit (buf, sizeof buf);
          if (narrow_float_equal (g_ascii_strtod (buf, NULL), value, size))
            break;
          g_ascii_formatd (buf, sizeof buf, format, value);
        }
    }

  e = strchr (buf, 'e');
  exp10 = (int) g_ascii_strtoll (e + 1, NULL, 10);
  for (char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[n++] = *p;
  while (n > 1 && digits[n - 1] == '0')
    n--;
  digits[n] = '\0';
  decpt = exp10 + 1;

  /* numpy picks the notation by the value, not by its digits: float32's
   * 1e-4 is 9.99999974738e-05 and prints as 1e-04. */
  _sq_append_decimal_digits (out, digits, n, decpt, value < 1e-4 || value >= 1e16, TRUE);
}

/**
 * sq_number_append_float:
 * @out: where to append
 * @value: the value, widened to a double
 * @itemsize: the size of the float it is: 2 (float16), 4 (float32) or 8
 *   (float64)
 *
 * Appends the shortest text that reads back as the same float16, float32
 * or float64, as numpy prints its elements and Python's `repr()` its
 * floats: `0.1`, `1.0`, `1e-05`, `1e+16`, `-0.0`, `nan`, `inf`, `-inf`.
 * A float32 0.1 is `0.1`, not the `0.10000000149011612` of its double.
 */
void
sq_number_append_float (GString *out,
                        double   value,
                        gsize    itemsize)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (itemsize == 2 || itemsize == 4 || itemsize == 8);

  if (itemsize == 8)
    _sq_append_float_repr (out, value, FALSE);
  else
    append_narrow_repr (out, value, itemsize);
}

/**
 * sq_dtype_element_to_double:
 * @dtype: a bool, int, uint or float dtype
 * @element: (array): the bytes of one element, sq_dtype_get_itemsize() of
 *   them, in @dtype's byte order
 *
 * One element of a numeric array as a double, byte order applied: to map
 * it to a pixel, or to print it with sq_number_append_float(). Integers
 * above 2^53 lose their last digits. A float128 reads as a double where
 * numpy's float128 is this machine's long double (x86-64), else as NaN.
 *
 * Returns: the element's value, or NaN for a dtype of another kind
 */
double
sq_dtype_element_to_double (const SqDtype *dtype,
                            const guint8  *element)
{
  gsize size;
  gboolean swap;

  g_return_val_if_fail (dtype != NULL, NAN);
  g_return_val_if_fail (element != NULL, NAN);

  size = sq_dtype_get_itemsize (dtype);
  swap = sq_dtype_needs_swap (dtype);
  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      return *element != 0;
    case SQ_DTYPE_KIND_INT:
      return size == 1 ? (gint8) *element
           : size == 2 ? (gint16) _sq_load_u16 (element, swap)
           : size == 4 ? (gint32) _sq_load_u32 (element, swap)
           : (double) (gint64) _sq_load_u64 (element, swap);
    case SQ_DTYPE_KIND_UINT:
      return size == 1 ? *element
           : size == 2 ? _sq_load_u16 (element, swap)
           : size == 4 ? _sq_load_u32 (element, swap)
           : (double) _sq_load_u64 (element, swap);
    case SQ_DTYPE_KIND_FLOAT:
      if (size == 2)
        return sq_number_half_to_double (_sq_load_u16 (element, swap));
      if (size == 4)
        return _sq_load_f32 (element, swap);
      if (size == 8)
        return _sq_load_f64 (element, swap);
      return _sq_long_double_is_float128 () ? (double) _sq_load_f128 (element, swap) : NAN;
    default:
      g_return_val_if_reached (NAN);
    }
}
