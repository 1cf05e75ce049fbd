/* test-series.c: min/max per pixel column, exact at any zoom
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "drey-series.h"
#include "drey-test-array.h"

/* Every range against a plain scan, over spans that cross the pyramid's
 * block edges. */
static void
test_ranges (void)
{
  const guint n = 5000;
  g_autofree float *data = g_new (float, n);
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(DreySeries) series = NULL;
  guint32 seed = 7;

  for (guint i = 0; i < n; i++)
    {
      seed = seed * 1103515245u + 12345u;
      data[i] = (float) (seed >> 8) / (1 << 24) - 0.5f;
    }
  data[1234] = NAN;
  data[4000] = 42;
  array = drey_test_array_new ("<f4", 1, SHAPE (n), data, n * sizeof (float));
  series = drey_series_new (array, NULL, NULL);
  g_assert_cmpuint (drey_series_get_length (series), ==, n);

  for (guint start = 0; start < n; start += 97)
    for (guint end = start + 1; end <= n; end += 311)
      {
        float lo = NAN, hi = NAN, got_lo, got_hi;

        for (guint i = start; i < end; i++)
          {
            lo = fminf (lo, data[i]);
            hi = fmaxf (hi, data[i]);
          }
        drey_series_get_range (series, start, end, &got_lo, &got_hi);
        g_assert_cmpfloat (got_lo, ==, lo);
        g_assert_cmpfloat (got_hi, ==, hi);
      }
}

static void
test_decimate (void)
{
  const gint16 data[10] = { 0, 5, -3, 2, 2, 8, 1, 1, -7, 4 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<i2", 1, SHAPE (10), data, sizeof data);
  g_autoptr(DreySeries) series = drey_series_new (array, NULL, NULL);
  float mins[4], maxs[4];
  double lo, hi;

  /* 10 samples in 4 columns: [0,2) [2,5) [5,7) [7,10) */
  drey_series_decimate (series, 0, 10, 4, mins, maxs);
  g_assert_cmpfloat (mins[0], ==, 0);
  g_assert_cmpfloat (maxs[0], ==, 5);
  g_assert_cmpfloat (mins[1], ==, -3);
  g_assert_cmpfloat (maxs[1], ==, 2);
  g_assert_cmpfloat (maxs[2], ==, 8);
  g_assert_cmpfloat (mins[3], ==, -7);
  /* More columns than samples: each column the sample it falls on. */
  drey_series_decimate (series, 8, 10, 4, mins, maxs);
  g_assert_cmpfloat (mins[0], ==, -7);
  g_assert_cmpfloat (mins[1], ==, -7);
  g_assert_cmpfloat (mins[2], ==, 4);
  g_assert_cmpfloat (maxs[3], ==, 4);
  drey_series_get_bounds (series, &lo, &hi);
  g_assert_cmpfloat (lo, ==, -7);
  g_assert_cmpfloat (hi, ==, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/series/ranges", test_ranges);
  g_test_add_func ("/series/decimate", test_decimate);
  return g_test_run ();
}
