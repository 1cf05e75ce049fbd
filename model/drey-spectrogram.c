/* drey-spectrogram.c: the short-time spectrum of a series
 *
 * Frames of n_fft samples, hop apart (n_fft / 4, or more so that there are
 * at most max_frames of them), no padding: frame f is
 * samples[f hop : f hop + n_fft]. Each frame is multiplied by the periodic
 * Hann window 0.5 - 0.5 cos(2 pi j / n_fft) (scipy's default), transformed
 * (drey_fft()), and its magnitudes |X[k]|, k = 0 .. n_fft / 2, kept in dB:
 * 20 log10(max(|X|, 1e-10)). numpy computes the same with
 * 20 * np.log10(np.maximum(abs(np.fft.rfft(frame * window)), 1e-10)).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-spectrogram"

#include "config.h"

#include <math.h>

#include "drey-colormap.h"
#include "drey-fft.h"
#include "drey-spectrogram.h"

/**
 * drey_spectrogram_new:
 * @samples: (array length=length): the series (NaN counts as 0)
 * @n_fft: samples a frame, a power of two, at most @length
 * @max_frames: at most this many frames (the hop grows to fit)
 * @cancellable: (nullable): checked every frame
 * @error: #G_IO_ERROR_INVALID_ARGUMENT for a series shorter than a frame
 *   or an @n_fft that is no power of two; #G_IO_ERROR_CANCELLED
 *
 * Safe on any thread.
 *
 * Returns: (transfer full): the spectrogram, or %NULL
 */
DreySpectrogram *
drey_spectrogram_new (const float   *samples,
                      guint64        length,
                      guint          n_fft,
                      guint          max_frames,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(DreySpectrogram) self = NULL;
  g_autofree double *re = NULL;
  g_autofree double *im = NULL;
  g_autofree double *window = NULL;
  guint64 frames;

  g_return_val_if_fail (max_frames > 0, NULL);

  if (n_fft < 2 || (n_fft & (n_fft - 1)) != 0 || length < n_fft)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "no spectrogram of %" G_GUINT64_FORMAT " samples in frames of %u", length, n_fft);
      return NULL;
    }

  self = g_new0 (DreySpectrogram, 1);
  self->n_fft = n_fft;
  self->hop = n_fft / 4;
  frames = 1 + (length - n_fft) / self->hop;
  if (frames > max_frames)
    {
      /* The smallest hop that gives at most max_frames frames. */
      guint64 hop = max_frames > 1 ? (length - n_fft + max_frames - 2) / (max_frames - 1) : length;

      self->hop = (guint) MIN (MAX (hop, 1), G_MAXUINT);
      frames = 1 + (length - n_fft) / self->hop;
    }
  self->n_frames = (guint) frames;
  self->n_bins = n_fft / 2 + 1;
  self->db = g_new (float, (gsize) self->n_frames * self->n_bins);
  self->max_db = -INFINITY;

  re = g_new (double, n_fft);
  im = g_new (double, n_fft);
  window = g_new (double, n_fft);
  for (guint j = 0; j < n_fft; j++)
    window[j] = 0.5 - 0.5 * cos (2.0 * G_PI * j / n_fft);

  for (guint f = 0; f < self->n_frames; f++)
    {
      const float *frame = samples + (guint64) f * self->hop;
      float *out = self->db + (gsize) f * self->n_bins;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      for (guint j = 0; j < n_fft; j++)
        {
          re[j] = isnan (frame[j]) ? 0.0 : frame[j] * window[j];
          im[j] = 0.0;
        }
      drey_fft (re, im, n_fft);
      for (guint k = 0; k < self->n_bins; k++)
        {
          double db = 20.0 * log10 (MAX (hypot (re[k], im[k]), 1e-10));

          out[k] = (float) db;
          self->max_db = MAX (self->max_db, db);
        }
    }
  return g_steal_pointer (&self);
}

void
drey_spectrogram_free (DreySpectrogram *spectrogram)
{
  g_free (spectrogram->db);
  g_free (spectrogram);
}

/**
 * drey_spectrogram_render:
 * @range_db: the dB below the loudest that still show (80: the rest is
 *   the map's darkest)
 *
 * The spectrogram as an RGB picture in viridis, one column a frame and one
 * row a frequency, the highest at the top: n_frames x n_bins x 3 bytes.
 *
 * Returns: (transfer full): the pixels
 */
guint8 *
drey_spectrogram_render (const DreySpectrogram *spectrogram,
                         double                 range_db)
{
  guint w = spectrogram->n_frames, h = spectrogram->n_bins;
  double lo = spectrogram->max_db - range_db;
  guint8 table[256][3];
  guint8 *pixels = g_malloc ((gsize) w * h * 3);

  for (guint i = 0; i < 256; i++)
    drey_colormap_lookup (DREY_COLORMAP_VIRIDIS, i / 255.0, table[i]);
  for (guint f = 0; f < w; f++)
    for (guint k = 0; k < h; k++)
      {
        double t = (spectrogram->db[(gsize) f * h + k] - lo) / range_db;
        guint i = (guint) CLAMP (lround (t * 255), 0, 255);
        guint8 *px = pixels + ((gsize) (h - 1 - k) * w + f) * 3;

        px[0] = table[i][0], px[1] = table[i][1], px[2] = table[i][2];
      }
  return pixels;
}
