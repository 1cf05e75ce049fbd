/* test-number.c: float16, numbers printed as numpy prints them, and array
 * elements read as doubles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "sq.h"
#include "sq-number-private.h"

static char *
float_text (double value,
            gsize  itemsize)
{
  GString *out = g_string_new (NULL);

  sq_number_append_float (out, value, itemsize);
  return g_string_free (out, FALSE);
}

static void
test_half (void)
{
  static const struct
  {
    guint16 half;
    double  value;
  } cases[] = {
    { 0x0000, 0.0 },
    { 0x3c00, 1.0 },
    { 0xc000, -2.0 },
    { 0x3555, 0.333251953125 },
    { 0x7bff, 65504.0 },
    { 0x0400, 6.103515625e-05 },       /* the smallest normal */
    { 0x0001, 5.9604644775390625e-08 }, /* the smallest subnormal, 2^-24 */
    { 0x7c00, INFINITY },
    { 0xfc00, -INFINITY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpfloat (sq_number_half_to_double (cases[i].half), ==, cases[i].value);
      g_assert_cmphex (sq_number_double_to_half (cases[i].value), ==, cases[i].half);
    }
  g_assert_true (signbit (sq_number_half_to_double (0x8000)));
  g_assert_true (isnan (sq_number_half_to_double (0x7e00)));
  g_assert_true (isnan (sq_number_half_to_double (0xfc01)));
  g_assert_cmphex (sq_number_double_to_half (NAN) & 0x7c00, ==, 0x7c00);
  g_assert_cmphex (sq_number_double_to_half (NAN) & 0x03ff, !=, 0);

  /* every float16 survives the trip through a double */
  for (guint h = 0; h <= 0xffff; h++)
    if ((h & 0x7c00) != 0x7c00 || (h & 0x03ff) == 0)
      g_assert_cmphex (sq_number_double_to_half (sq_number_half_to_double ((guint16) h)), ==, h);
}

/* As numpy's astype(np.float16): to nearest, ties to even, from the double
 * itself, and too large is infinite. */
static void
test_double_to_half_rounding (void)
{
  g_assert_cmphex (sq_number_double_to_half (1.0 + ldexp (1, -11)), ==, 0x3c00);     /* tie, to even */
  g_assert_cmphex (sq_number_double_to_half (1.0 + 3 * ldexp (1, -11)), ==, 0x3c02); /* tie, to even */
  g_assert_cmphex (sq_number_double_to_half (1.0 + ldexp (1, -11) + ldexp (1, -40)), ==, 0x3c01);
  g_assert_cmphex (sq_number_double_to_half (65519.0), ==, 0x7bff);
  g_assert_cmphex (sq_number_double_to_half (65520.0), ==, 0x7c00);
  g_assert_cmphex (sq_number_double_to_half (-1e300), ==, 0xfc00);
  g_assert_cmphex (sq_number_double_to_half (ldexp (1, -25)), ==, 0x0000);          /* tie, to even */
  g_assert_cmphex (sq_number_double_to_half (ldexp (1, -25) * 1.5), ==, 0x0001);
  g_assert_cmphex (sq_number_double_to_half (-1e-300), ==, 0x8000);
}

/* The expected texts are numpy 1.24's str() and Python's repr(). */
static void
test_append_float (void)
{
  static const struct
  {
    double      value;
    gsize       itemsize;
    const char *text;
  } cases[] = {
    { 0.1, 8, "0.1" },
    { 1.0, 8, "1.0" },
    { 1e-05, 8, "1e-05" },
    { 1e16, 8, "1e+16" },
    { 123456789012.0, 8, "123456789012.0" },
    { -0.0, 8, "-0.0" },
    { 5e-324, 8, "5e-324" },
    { (float) 0.1, 8, "0.10000000149011612" },
    { (float) 0.1, 4, "0.1" },
    { (float) 1e-4, 4, "1e-04" },
    { (float) 3.4028235e38, 4, "3.4028235e+38" },
    { (float) 1e16, 4, "1e+16" },
    { 16777216.0, 4, "16777216.0" },
    { (float) 1.1754944e-38, 4, "1.1754944e-38" },
    { -0.0, 4, "-0.0" },
    { 0.0999755859375, 2, "0.1" },           /* np.float16(0.1) */
    { 0.0001000165939331054, 2, "0.0001" },  /* np.float16(1e-4) */
    { 65504.0, 2, "65500.0" },
    { 5.960464477539063e-08, 2, "6e-08" },
    { 0.357666015625, 2, "0.3577" },         /* np.float16(0.3576048) */
    { NAN, 8, "nan" },
    { NAN, 4, "nan" },
    { INFINITY, 2, "inf" },
    { -INFINITY, 8, "-inf" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = float_text (cases[i].value, cases[i].itemsize);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Every float16 prints as text that reads back as itself. */
static void
test_append_float_half_exhaustive (void)
{
  for (guint h = 0; h <= 0xffff; h++)
    {
      double value = sq_number_half_to_double ((guint16) h);
      g_autofree char *text = NULL;
      char *end = NULL;
      double back;

      if (!isfinite (value))
        continue;
      text = float_text (value, 2);
      back = g_ascii_strtod (text, &end);
      g_assert_cmpint (*end, ==, '\0');
      g_assert_cmphex (sq_number_double_to_half (back), ==, h);
    }
}

/* The text of @value with the integer digit search and with printf's. */
static void
assert_same_as_printf (double value,
                       gsize  itemsize)
{
  g_autofree char *fast = NULL;
  g_autofree char *reference = NULL;

  fast = float_text (value, itemsize);
  _sq_number_force_printf = TRUE;
  reference = float_text (value, itemsize);
  _sq_number_force_printf = FALSE;
  if (g_strcmp0 (fast, reference) != 0)
    g_error ("%a (itemsize %" G_GSIZE_FORMAT "): %s, printf gives %s", value, itemsize, fast, reference);
}

/* The integer search prints exactly what printf's does: random bit
 * patterns of every exponent, values near 1 (where arrays live), powers
 * of two and ten, subnormals and the extremes. */
static void
test_append_float_same_as_printf (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  int n = g_test_thorough () ? 2000000 : 40000;

  for (int i = 0; i < n; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      guint32 bits32 = g_rand_int (rand);
      double d;
      float f;

      memcpy (&d, &bits, sizeof d);
      memcpy (&f, &bits32, sizeof f);
      if (isfinite (d))
        assert_same_as_printf (d, 8);
      if (isfinite (f))
        assert_same_as_printf (f, 4);
      d = ldexp ((double) (bits >> 11), -53 + g_rand_int_range (rand, -20, 20));
      f = (float) d;
      assert_same_as_printf (d, 8);
      assert_same_as_printf (f, 4);
      /* few digits: 0.25, 3.5e-7, 12345.0 */
      d = g_rand_int_range (rand, 1, 100000) * pow (10, g_rand_int_range (rand, -30, 30));
      assert_same_as_printf (d, 8);
      assert_same_as_printf ((float) d, 4);
    }
  for (int e = -1074; e <= 1023; e++)
    {
      assert_same_as_printf (ldexp (1, e), 8);
      assert_same_as_printf (nextafter (ldexp (1, e), 0), 8);
      assert_same_as_printf (nextafter (ldexp (1, e), INFINITY), 8);
      if (e >= -149 && e <= 127)
        {
          assert_same_as_printf ((float) ldexp (1, e), 4);
          assert_same_as_printf (nextafterf ((float) ldexp (1, e), 0), 4);
          assert_same_as_printf (nextafterf ((float) ldexp (1, e), INFINITY), 4);
        }
    }
  for (int e = -330; e <= 310; e++)
    {
      assert_same_as_printf (pow (10, e), 8);
      assert_same_as_printf ((float) pow (10, e), 4);
    }
  assert_same_as_printf (DBL_MAX, 8);
  assert_same_as_printf (DBL_MIN, 8);
  assert_same_as_printf (DBL_TRUE_MIN, 8);
  assert_same_as_printf (FLT_MAX, 4);
  assert_same_as_printf (FLT_MIN, 4);
  assert_same_as_printf (FLT_TRUE_MIN, 4);
  assert_same_as_printf (0.0, 8);
  assert_same_as_printf (-0.0, 4);
}

static double
element (const char   *type_string,
         const guint8 *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type_string, &error);

  g_assert_no_error (error);
  return sq_dtype_element_to_double (dtype, bytes);
}

static void
test_element_to_double (void)
{
  static const guint8 fe[] = { 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const guint8 one_le[] = { 0x00, 0x00, 0x80, 0x3f };
  static const guint8 one_be[] = { 0x3f, 0x80, 0x00, 0x00 };
  static const guint8 half_le[] = { 0x00, 0xbc };
  static const guint8 pi_be[] = { 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18 };
  static const guint8 two = 2;

  g_assert_cmpfloat (element ("|b1", &two), ==, 1.0);
  g_assert_cmpfloat (element ("|i1", fe), ==, -1.0);
  g_assert_cmpfloat (element ("|u1", fe), ==, 255.0);
  g_assert_cmpfloat (element ("<i2", fe), ==, -257.0);
  g_assert_cmpfloat (element (">i2", fe), ==, -2.0);
  g_assert_cmpfloat (element ("<u2", fe), ==, 65279.0);
  g_assert_cmpfloat (element (">u4", fe), ==, 4294901759.0);
  g_assert_cmpfloat (element ("<i8", fe), ==, -257.0);
  g_assert_cmpfloat (element ("<u8", fe), ==, 18446744073709551615.0);
  g_assert_cmpfloat (element ("<f4", one_le), ==, 1.0);
  g_assert_cmpfloat (element (">f4", one_be), ==, 1.0);
  g_assert_cmpfloat (element ("<f2", half_le), ==, -1.0);
  g_assert_cmpfloat (element (">f8", pi_be), ==, G_PI);
}

static void
test_element_to_double_not_numeric (void)
{
  if (g_test_subprocess ())
    {
      static const guint8 text[8] = "abcd";

      g_assert_true (isnan (element ("|S4", text)));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*sq_dtype_element_to_double*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/number/half", test_half);
  g_test_add_func ("/number/double-to-half-rounding", test_double_to_half_rounding);
  g_test_add_func ("/number/append-float", test_append_float);
  g_test_add_func ("/number/append-float-half-exhaustive", test_append_float_half_exhaustive);
  g_test_add_func ("/number/append-float-same-as-printf", test_append_float_same_as_printf);
  g_test_add_func ("/dtype/element-to-double", test_element_to_double);
  g_test_add_func ("/dtype/element-to-double-not-numeric", test_element_to_double_not_numeric);

  return g_test_run ();
}
