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

/* Tests set it to compare the integer search with printf's. */
gboolean _sq_number_force_printf = FALSE;

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


/* The shortest-digit searches below print a value to p digits and read
 * that back, p = 1, 2, ... They are exactly what printf("%.*e") and
 * strtod() give, done in integers: the correctly rounded p digits of a
 * double (ties to even, as glibc's printf) are num / den with 128-bit
 * integers for all but extreme exponents, and a decimal of at most 15
 * digits times a power of ten up to 10^22 reads back by one exactly
 * rounded multiplication or division (Clinger's fast path). Where either
 * does not hold, the printf and strtod route is taken, as before. */
#ifdef __SIZEOF_INT128__
typedef unsigned __int128 U128;
#define HAVE_U128 1
#endif

static const double exact_pow10[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const guint64 pow10_u64[] = {
  G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100), G_GUINT64_CONSTANT (1000),
  G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000), G_GUINT64_CONSTANT (1000000),
  G_GUINT64_CONSTANT (10000000), G_GUINT64_CONSTANT (100000000), G_GUINT64_CONSTANT (1000000000),
  G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000), G_GUINT64_CONSTANT (1000000000000),
  G_GUINT64_CONSTANT (10000000000000), G_GUINT64_CONSTANT (100000000000000),
  G_GUINT64_CONSTANT (1000000000000000), G_GUINT64_CONSTANT (10000000000000000),
  G_GUINT64_CONSTANT (100000000000000000), G_GUINT64_CONSTANT (1000000000000000000),
};

/* A positive finite value rounded to p significant digits: value is about
 * d.ddd x 10^exp10, digits holds the p digits as an integer. */
typedef struct
{
  guint64 digits;
  int     p;
  int     exp10;
} Rounded;

#ifdef HAVE_U128
/* x * 10^k, or 0 if that takes more than 126 bits. */
static inline U128
times_pow10 (U128 x,
             int  k)
{
  for (; k > 0; k -= MIN (k, 18))
    {
      guint64 f = pow10_u64[MIN (k, 18)];

      if (x > ((((U128) 1) << 126) - 1) / f)
        return 0;
      x *= f;
    }
  return x;
}
#endif

/* printf ("%.*e", p - 1, value) as an integer; FALSE where it is out of
 * the integers' reach. */
static gboolean
round_exact (double   value,
             int      p,
             Rounded *out)
{
#ifdef HAVE_U128
  int binexp, exp10;
  guint64 m;
  double f = frexp (value, &binexp);

  if (p > 18 || !(value > 0) || isinf (value))
    return FALSE;
  m = (guint64) ldexp (f, 53);  /* value = m x 2^e, exactly */
  binexp -= 53;
  /* floor (log10 (value)) within one, from the top bit; the loop below
   * settles it exactly. */
  exp10 = (int) floor ((binexp + 52) * 0.30102999566398120);
  for (int attempt = 0; attempt < 3; attempt++)
    {
      int q = p - 1 - exp10;
      U128 num = m, den = 1, d, rem;

      if (q > 38 || q < -38)
        return FALSE;
      /* value x 10^q = num / den */
      if (q > 0 && (num = times_pow10 (num, q)) == 0)
        return FALSE;
      if (q < 0 && (den = times_pow10 (den, -q)) == 0)
        return FALSE;
      if (binexp > 0)
        {
          if (binexp >= 126 || num >= (((U128) 1) << (126 - binexp)))
            return FALSE;
          num <<= binexp;
        }
      else if (binexp < 0)
        {
          if (-binexp >= 126 || den >= (((U128) 1) << (126 + binexp)))
            return FALSE;
          den <<= -binexp;
        }
      if (q >= 0 && binexp < 0)
        {
          d = num >> -binexp; /* den is 2^-binexp */
          rem = num & (den - 1);
        }
      else
        {
          d = num / den;
          rem = num - d * den;
        }
      if (2 * rem > den || (2 * rem == den && (d & 1)))
        d++;
      if (d >= pow10_u64[p])
        exp10++;
      else if (d < pow10_u64[p - 1])
        exp10--;
      else
        {
          *out = (Rounded) { (guint64) d, p, exp10 };
          return TRUE;
        }
    }
#endif
  return FALSE;
}

/* The same p digits, one unit in the last place up: 9.99e-08 is 1.00e-07. */
static Rounded
rounded_up (Rounded r)
{
  r.digits++;
  if (r.digits == pow10_u64[r.p])
    {
      r.digits = pow10_u64[r.p - 1];
      r.exp10++;
    }
  return r;
}

/* strtod() of the decimal, exactly. */
static double
rounded_to_double (const Rounded *r)
{
  int k = r->exp10 - r->p + 1;
  char buf[48];

  if (r->digits < (G_GUINT64_CONSTANT (1) << 53) && k >= -22 && k <= 22)
    return k >= 0 ? (double) r->digits * exact_pow10[k] : (double) r->digits / exact_pow10[-k];
  snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT "e%d", r->digits, k);
  return strtod (buf, NULL);
}

/* The digits without trailing zeros, and value = 0.DIGITS x 10^decpt. */
static void
rounded_to_digits (const Rounded *r,
                   char          *digits,
                   int           *n_digits,
                   int           *decpt)
{
  guint64 d = r->digits;
  int len = r->p;

  for (int i = len - 1; i >= 0; i--, d /= 10)
    digits[i] = (char) ('0' + d % 10);
  while (len > 1 && digits[len - 1] == '0')
    len--;
  digits[len] = '\0';
  *n_digits = len;
  *decpt = r->exp10 + 1;
}

static gboolean narrow_float_equal (double candidate,
                                    double value,
                                    gsize  size);

/* The searches of shortest_digits() and append_narrow_repr() (size 8, and
 * 2 or 4), in integers; FALSE where a value is beyond them. */
static gboolean
shortest_exact (double  value,
                gsize   size,
                char   *digits,
                int    *n_digits,
                int    *decpt)
{
  int first = size != 8 || (value != 0 && value < DBL_MIN) ? 1 : 15;
  Rounded r;

  if (value == 0)
    {
      /* printf's 0.000e+00: one digit, 0 */
      digits[0] = '0';
      digits[1] = '\0';
      *n_digits = 1;
      *decpt = 1;
      return TRUE;
    }
  for (int p = first; p <= 17; p++)
    {
      double back;

      if (!round_exact (value, p, &r))
        return FALSE;
      if (size == 8 && p == 17)
        break; /* 17 digits always read back; printf's route does not check */
      back = rounded_to_double (&r);
      if (size == 8 ? back == value : narrow_float_equal (back, value, size))
        break;
      if (back < value)
        {
          Rounded up = rounded_up (r);

          if (size == 8 ? rounded_to_double (&up) == value : narrow_float_equal (rounded_to_double (&up), value, size))
            {
              r = up;
              break;
            }
        }
      if (p == 17)
        return FALSE; /* a narrow float needs at most 9 digits: not reached */
    }
  rounded_to_digits (&r, digits, n_digits, decpt);
  return TRUE;
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

  if (!_sq_number_force_printf && shortest_exact (value, 8, digits, n_digits, decpt))
    return;
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
  /* Laid out in a buffer, appended once. */
  char buf[400];
  char *p = buf;

  g_return_if_fail (n >= 1 && n <= 24 && decpt > -360 && decpt < 360);
  if (scientific)
    {
      int exponent = decpt - 1;

      *p++ = digits[0];
      if (n > 1)
        {
          *p++ = '.';
          memcpy (p, digits + 1, (gsize) n - 1);
          p += n - 1;
        }
      p += g_snprintf (p, 8, "e%c%02d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
  else if (decpt <= 0)
    {
      *p++ = '0';
      *p++ = '.';
      memset (p, '0', (gsize) -decpt);
      p += -decpt;
      memcpy (p, digits, (gsize) n);
      p += n;
    }
  else if (decpt >= n)
    {
      memcpy (p, digits, (gsize) n);
      p += n;
      memset (p, '0', (gsize) (decpt - n));
      p += decpt - n;
      if (add_dot_zero)
        {
          *p++ = '.';
          *p++ = '0';
        }
    }
  else
    {
      memcpy (p, digits, (gsize) decpt);
      p += decpt;
      *p++ = '.';
      memcpy (p, digits + decpt, (gsize) (n - decpt));
      p += n - decpt;
    }
  _sq_string_append_short (out, buf, (gsize) (p - buf));
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

static void append_narrow_repr (GString *out,
                                double   value,
                                gsize    size,
                                gboolean add_dot_zero);

/* A part of a complex: float64 as repr(), float32 (@size 4, a complex64's)
 * as numpy prints it, both without repr(float)'s ".0". */
static void
append_complex_part (GString *out,
                     double   value,
                     gsize    size,
                     gboolean force_sign)
{
  if (force_sign && !signbit (value))
    g_string_append_c (out, '+');
  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else if (size == 4 && value != 0)
    append_narrow_repr (out, value, size, FALSE);
  else
    append_repr (out, value, FALSE);
}

/**
 * _sq_append_complex_repr_sized:
 * @part_size: the size of each part's float: 8 (complex128, Python's
 *   complex) or 4 (complex64)
 *
 * Appends numpy's repr of a complex of that size: a complex64's parts
 * are float32s, printed in their own shortest digits (`(0.1+0.2j)`, not
 * the `(0.10000000149011612+0.20000000298023224j)` of their doubles).
 */
void
_sq_append_complex_repr_sized (GString *out,
                               double   real,
                               double   imag,
                               gsize    part_size)
{
  if (real == 0 && !signbit (real))
    {
      append_complex_part (out, imag, part_size, FALSE);
      g_string_append_c (out, 'j');
      return;
    }
  g_string_append_c (out, '(');
  append_complex_part (out, real, part_size, FALSE);
  append_complex_part (out, imag, part_size, TRUE);
  g_string_append (out, "j)");
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
  _sq_append_complex_repr_sized (out, real, imag, 8);
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
                    gsize    size,
                    gboolean add_dot_zero)
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

  if (!_sq_number_force_printf && shortest_exact (value, size, digits, &n, &decpt))
    goto layout;
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

layout:
  /* numpy picks the notation by the value, not by its digits: float32's
   * 1e-4 is 9.99999974738e-05 and prints as 1e-04. */
  _sq_append_decimal_digits (out, digits, n, decpt, value < 1e-4 || value >= 1e16, add_dot_zero);
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
    append_narrow_repr (out, value, itemsize, TRUE);
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
      return (double) _sq_load_int (element, size, swap);
    case SQ_DTYPE_KIND_UINT:
      return (double) _sq_load_uint (element, size, swap);
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
