/* drey-views-dump.c: the array views' computations on .npy files, for
 * tests/interop/views-interop.py to check against numpy
 *
 *   drey-views-dump COMMAND IN.npy [ARGS...] OUT.npy
 *
 *   labels MASK.npy OUT          classes and counts, int64 N x 2
 *   unnormalize IMG.npy MEAN STD OUT   undone pixels, uint8 H x W x C
 *                                (MEAN and STD as typed: "0.5,0.4,0.3")
 *   channel-stats IMG.npy OUT    float64 C x 4: min, max, mean, std
 *   decimate SERIES.npy START END COLUMNS OUT   float32 COLUMNS x 2
 *   spectrogram SERIES.npy NFFT MAXFRAMES OUT   float32 frames x bins
 *   slice ARRAY.npy ROWAXIS COLAXIS I0,I1,... OUT  float64 rows x cols
 *   boxes BOXES.npy W H OUT      the guess, then the boxes in pixels: float64
 *                                (1 + N) x 4, row 0: format, normalized,
 *                                n_fits, units_certain
 *   elements ARRAY.npy -         prints each element as the tree and the
 *                                values table show it, one a line
 *   bench-decimate SERIES.npy COLUMNS REPEATS -   prints, in seconds: the
 *                                pyramid's build, a redraw of the whole
 *                                series and of a tenth of it in COLUMNS
 *                                columns, and a plain scan of the whole
 *                                (tests/bench/plot-decimation.py)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sq.h"

#include "drey-boxes.h"
#include "drey-image.h"
#include "drey-label-map.h"
#include "drey-normalize.h"
#include "drey-series.h"
#include "drey-slice.h"
#include "drey-spectrogram.h"

static SqNdarray *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  SqNdarray *array;

  if (!g_file_get_contents (path, &data, &length, &error))
    g_error ("%s", error->message);
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  array = sq_npy_read (bytes, &error);
  if (array == NULL)
    g_error ("%s: %s", path, error->message);
  return array;
}

static void
save (const char    *path,
      const char    *type,
      guint          ndim,
      const guint64 *shape,
      gpointer       data,
      gsize          size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type, &error);
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, size);
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, ndim, shape, bytes, &error);
  g_autoptr(GBytes) npy = NULL;

  g_assert_no_error (error);
  npy = sq_npy_write (array, &error);
  g_assert_no_error (error);
  if (!g_file_set_contents (path, g_bytes_get_data (npy, NULL), g_bytes_get_size (npy), &error))
    g_error ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SqNdarray) in = NULL;
  g_autoptr(GError) error = NULL;
  const char *command, *out;

  if (argc < 4)
    {
      g_printerr ("usage: drey-views-dump COMMAND IN.npy [ARGS...] OUT.npy\n");
      return 2;
    }
  command = argv[1];
  in = load (argv[2]);
  out = argv[argc - 1];

  if (g_str_equal (command, "labels"))
    {
      g_autoptr(GArray) classes = drey_label_map_count (in, DREY_LABEL_MAP_MAX_CLASSES, FALSE, NULL, NULL, &error);
      gint64 *rows;

      g_assert_no_error (error);
      rows = g_new (gint64, classes->len * 2 + 1);
      for (guint i = 0; i < classes->len; i++)
        {
          rows[2 * i] = g_array_index (classes, DreyLabelClass, i).value;
          rows[2 * i + 1] = (gint64) g_array_index (classes, DreyLabelClass, i).count;
        }
      save (out, "<i8", 2, (guint64[]) { classes->len, 2 }, rows, classes->len * 16);
    }
  else if (g_str_equal (command, "unnormalize") || g_str_equal (command, "channel-stats"))
    {
      DreyImageShape shape;
      DreyNormalization norm;

      g_assert_true (drey_image_get_shape (in, &shape));
      norm.channels = shape.channels;
      if (g_str_equal (command, "unnormalize"))
        {
          guint8 *pixels;

          g_assert_true (argc == 6);
          g_assert_true (drey_normalization_parse_text (argv[3], shape.channels, norm.mean));
          g_assert_true (drey_normalization_parse_text (argv[4], shape.channels, norm.std));
          pixels = drey_normalization_map_pixels (in, &shape, &norm, NULL, &error);
          g_assert_no_error (error);
          save (out, "|u1", 3, (guint64[]) { shape.height, shape.width, shape.channels }, pixels,
                (gsize) shape.height * shape.width * shape.channels);
        }
      else
        {
          g_autofree DreyChannelStats *stats = drey_image_channel_stats (in, &shape, NULL, &error);
          double *rows = g_new (double, shape.channels * 4);

          g_assert_no_error (error);
          for (guint c = 0; c < shape.channels; c++)
            {
              rows[4 * c] = stats[c].min;
              rows[4 * c + 1] = stats[c].max;
              rows[4 * c + 2] = stats[c].mean;
              rows[4 * c + 3] = stats[c].std;
            }
          save (out, "<f8", 2, (guint64[]) { shape.channels, 4 }, rows, shape.channels * 32);
        }
    }
  else if (g_str_equal (command, "decimate"))
    {
      g_autoptr(DreySeries) series = drey_series_new (in, NULL, &error);
      guint64 start = g_ascii_strtoull (argv[3], NULL, 10), end = g_ascii_strtoull (argv[4], NULL, 10);
      guint columns = (guint) g_ascii_strtoull (argv[5], NULL, 10);
      g_autofree float *mins = g_new (float, columns);
      g_autofree float *maxs = g_new (float, columns);
      float *rows = g_new (float, columns * 2);

      g_assert_no_error (error);
      drey_series_decimate (series, start, end, columns, mins, maxs);
      for (guint c = 0; c < columns; c++)
        rows[2 * c] = mins[c], rows[2 * c + 1] = maxs[c];
      save (out, "<f4", 2, (guint64[]) { columns, 2 }, rows, columns * 8);
    }
  else if (g_str_equal (command, "spectrogram"))
    {
      g_autoptr(DreySeries) series = drey_series_new (in, NULL, &error);
      g_autoptr(DreySpectrogram) s = NULL;
      guint n_fft = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      guint max_frames = (guint) g_ascii_strtoull (argv[4], NULL, 10);
      gsize size;

      g_assert_no_error (error);
      s = drey_spectrogram_new (drey_series_get_values (series), drey_series_get_length (series),
                                n_fft, max_frames, NULL, &error);
      g_assert_no_error (error);
      /* The hop, for the reference to frame the same way, on stdout. */
      g_print ("%u\n", s->hop);
      size = (gsize) s->n_frames * s->n_bins * sizeof (float);
      save (out, "<f4", 2, (guint64[]) { s->n_frames, s->n_bins }, g_memdup2 (s->db, size), size);
    }
  else if (g_str_equal (command, "slice"))
    {
      DreySlice slice;
      g_auto(GStrv) index = g_strsplit (argv[5], ",", -1);
      double *values;
      guint64 rows, cols;

      drey_slice_init (&slice, in);
      slice.row_axis = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      slice.col_axis = (guint) g_ascii_strtoull (argv[4], NULL, 10);
      for (guint d = 0; index[d] != NULL && d < SQ_NDARRAY_MAX_DIMS; d++)
        slice.index[d] = g_ascii_strtoull (index[d], NULL, 10);
      rows = drey_slice_get_rows (&slice, in);
      cols = drey_slice_get_columns (&slice, in);
      values = drey_slice_read (&slice, in, 1, NULL, &error);
      g_assert_no_error (error);
      {
        g_autofree char *text = drey_slice_format (&slice, in);

        g_print ("%s\n", text);
      }
      save (out, "<f8", 2, (guint64[]) { rows, cols }, values, rows * cols * 8);
    }
  else if (g_str_equal (command, "boxes"))
    {
      guint w = (guint) g_ascii_strtoull (argv[3], NULL, 10), h = (guint) g_ascii_strtoull (argv[4], NULL, 10);
      guint n = 0;
      DreyBoxGuess guess;
      g_autofree double *pixels = NULL;
      double *rows;

      g_assert_true (drey_boxes_get_count (in, &n));
      drey_boxes_guess (in, w, h, &guess);
      pixels = drey_boxes_to_pixels (in, guess.format, guess.normalized, w, h);
      rows = g_new (double, (n + 1) * 4);
      rows[0] = guess.format, rows[1] = guess.normalized, rows[2] = guess.n_fits, rows[3] = guess.units_certain;
      memcpy (rows + 4, pixels, n * 4 * sizeof (double));
      save (out, "<f8", 2, (guint64[]) { n + 1, 4 }, rows, (n + 1) * 32);
    }
  else if (g_str_equal (command, "elements"))
    {
      for (guint64 i = 0; i < sq_ndarray_get_n_elements (in); i++)
        {
          g_autofree char *text = sq_ndarray_format_element (in, i);

          g_print ("%s\n", text);
        }
    }
  else if (g_str_equal (command, "bench-decimate"))
    {
      guint columns = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      guint repeats = (guint) g_ascii_strtoull (argv[4], NULL, 10);
      g_autofree float *mins = g_new (float, columns);
      g_autofree float *maxs = g_new (float, columns);
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(DreySeries) series = drey_series_new (in, NULL, &error);
      gint64 t1 = g_get_monotonic_time ();
      guint64 n = drey_series_get_length (series);
      const float *v = drey_series_get_values (series);
      double whole, tenth, scan;
      volatile float sink = 0;

      g_assert_no_error (error);
      for (guint r = 0; r < repeats; r++)
        drey_series_decimate (series, 0, n, columns, mins, maxs);
      whole = (g_get_monotonic_time () - t1) / 1e6 / repeats;
      t1 = g_get_monotonic_time ();
      for (guint r = 0; r < repeats; r++)
        drey_series_decimate (series, n / 3, n / 3 + n / 10, columns, mins, maxs);
      tenth = (g_get_monotonic_time () - t1) / 1e6 / repeats;
      /* The reference: every sample read for every redraw. */
      t1 = g_get_monotonic_time ();
      for (guint r = 0; r < repeats; r++)
        for (guint c = 0; c < columns; c++)
          {
            float lo = INFINITY, hi = -INFINITY;

            for (guint64 i = n * c / columns; i < n * (c + 1) / columns; i++)
              lo = fminf (lo, v[i]), hi = fmaxf (hi, v[i]);
            sink += lo + hi;
          }
      scan = (g_get_monotonic_time () - t1) / 1e6 / repeats;
      g_print ("%.6f %.6f %.6f %.6f\n", (t1 - t0) / 1e6 - whole * repeats - tenth * repeats, whole, tenth, scan);
      (void) sink;
    }
  else
    {
      g_printerr ("drey-views-dump: unknown command %s\n", command);
      return 2;
    }
  return 0;
}
