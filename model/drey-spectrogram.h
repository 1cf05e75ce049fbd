/* drey-spectrogram.h: the short-time spectrum of a series
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DreySpectrogram:
 * @n_fft: samples a frame (a power of two)
 * @hop: samples between frame starts
 * @n_frames: frames (columns)
 * @n_bins: frequencies a frame, n_fft / 2 + 1 (rows, 0 Hz first)
 * @db: @n_frames x @n_bins magnitudes in dB, frame after frame
 * @max_db: the largest of them
 */
typedef struct
{
  guint   n_fft;
  guint   hop;
  guint   n_frames;
  guint   n_bins;
  float  *db;
  double  max_db;
} DreySpectrogram;

DreySpectrogram *drey_spectrogram_new    (const float   *samples,
                                          guint64        length,
                                          guint          n_fft,
                                          guint          max_frames,
                                          GCancellable  *cancellable,
                                          GError       **error);
void             drey_spectrogram_free   (DreySpectrogram *spectrogram);
guint8          *drey_spectrogram_render (const DreySpectrogram *spectrogram,
                                          double         range_db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DreySpectrogram, drey_spectrogram_free)

G_END_DECLS
