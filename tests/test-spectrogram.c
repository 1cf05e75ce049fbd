/* test-spectrogram.c: the FFT and the spectrogram
 *
 * (tests/interop/views-interop.py checks them against numpy's rfft.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "drey-fft.h"
#include "drey-spectrogram.h"

/* Against the O(n^2) definition. */
static void
test_fft (void)
{
  const guint n = 64;
  double re[64], im[64];
  double x[64];

  for (guint j = 0; j < n; j++)
    x[j] = re[j] = sin (j * 0.7) + (j % 5) * 0.25, im[j] = 0;
  g_assert_true (drey_fft (re, im, n));
  for (guint k = 0; k < n; k++)
    {
      double sr = 0, si = 0;

      for (guint j = 0; j < n; j++)
        {
          sr += x[j] * cos (-2 * G_PI * j * k / n);
          si += x[j] * sin (-2 * G_PI * j * k / n);
        }
      g_assert_cmpfloat_with_epsilon (re[k], sr, 1e-9);
      g_assert_cmpfloat_with_epsilon (im[k], si, 1e-9);
    }
  g_assert_false (drey_fft (re, im, 48));
}

static void
test_spectrogram (void)
{
  const guint rate = 8000, length = 8000;
  g_autofree float *tone = g_new (float, length);
  g_autoptr(DreySpectrogram) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint peak = 0;

  /* 1 kHz: bin 1000 / (8000 / 256) = 32 */
  for (guint j = 0; j < length; j++)
    tone[j] = (float) sin (2 * G_PI * 1000.0 * j / rate);
  s = drey_spectrogram_new (tone, length, 256, 40, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->n_bins, ==, 129);
  g_assert_cmpuint (s->n_frames, <=, 40);
  g_assert_cmpuint (s->n_frames, >=, 39);
  for (guint k = 1; k < s->n_bins; k++)
    if (s->db[k] > s->db[peak])
      peak = k;
  g_assert_cmpuint (peak, ==, 32);

  /* The loudest bin is the map's brightest, at row n_bins - 1 - 32. */
  pixels = drey_spectrogram_render (s, 80);
  g_assert_cmpuint (pixels[((s->n_bins - 1 - 32) * s->n_frames) * 3], >, 200);

  g_clear_pointer (&s, drey_spectrogram_free);
  s = drey_spectrogram_new (tone, 100, 256, 40, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spectrogram/fft", test_fft);
  g_test_add_func ("/spectrogram/spectrogram", test_spectrogram);
  return g_test_run ();
}
