/* drey-fft.c: a small complex FFT
 *
 * Iterative radix-2 Cooley-Tukey, in place, forward, unscaled: numpy's
 * np.fft.fft conventions (X[k] = sum x[j] exp(-2 pi i j k / n)). The
 * twiddles come from sin and cos per stage rather than a recurrence, so the
 * error stays at a few ulps for the lengths a spectrogram uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-fft"

#include "config.h"

#include <math.h>

#include "drey-fft.h"

/**
 * drey_fft:
 * @re: (inout) (array length=n): real parts
 * @im: (inout) (array length=n): imaginary parts
 * @n: a power of two
 *
 * Transforms @re + i @im in place.
 *
 * Returns: %FALSE (and leaves the data alone) if @n is not a power of two
 */
gboolean
drey_fft (double *re,
          double *im,
          guint   n)
{
  if (n == 0 || (n & (n - 1)) != 0)
    return FALSE;

  /* Bit-reversed order. */
  for (guint i = 1, j = 0; i < n; i++)
    {
      guint bit = n >> 1;

      for (; j & bit; bit >>= 1)
        j ^= bit;
      j ^= bit;
      if (i < j)
        {
          double t = re[i];

          re[i] = re[j], re[j] = t;
          t = im[i], im[i] = im[j], im[j] = t;
        }
    }

  for (guint len = 2; len <= n; len <<= 1)
    {
      guint half = len / 2;

      for (guint k = 0; k < half; k++)
        {
          double angle = -2.0 * G_PI * k / len;
          double wr = cos (angle), wi = sin (angle);

          for (guint start = 0; start < n; start += len)
            {
              guint a = start + k, b = a + half;
              double xr = re[b] * wr - im[b] * wi;
              double xi = re[b] * wi + im[b] * wr;

              re[b] = re[a] - xr;
              im[b] = im[a] - xi;
              re[a] += xr;
              im[a] += xi;
            }
        }
    }
  return TRUE;
}
