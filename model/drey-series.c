/* drey-series.c: a 1-D array as a series to plot, with min/max per column
 *
 * A plot of a million samples in 600 pixels draws, per pixel column, a
 * line from the smallest to the largest value the column covers: the
 * envelope every audio editor shows, and exact (no spike is dropped).
 * Column c of [start, end) in n columns covers the samples
 * [start + floor(c (end - start) / n), start + floor((c + 1) (end - start) / n)).
 *
 * To answer that fast at any zoom the values are kept as floats with a
 * pyramid of block minima and maxima (blocks of 16, 256, 4096 ... samples),
 * built once on a worker: the range of any span is read from the largest
 * aligned blocks inside it, so a redraw costs a few hundred reads a
 * column at most, whatever the length. NaNs are left out of ranges; a span
 * of only NaNs has NaN for both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-series"

#include "config.h"

#include <math.h>

#include "drey-series.h"

#define FANOUT_BITS 4
#define MAX_LEVELS 16

struct _DreySeries
{
  gatomicrefcount ref_count;
  guint64         length;
  float          *values;
  guint           n_levels;           /* levels above the values */
  float          *mins[MAX_LEVELS];   /* level l: blocks of 16^(l + 1) */
  float          *maxs[MAX_LEVELS];
  guint64         lengths[MAX_LEVELS];
  double          min, max;
};

G_DEFINE_BOXED_TYPE (DreySeries, drey_series, drey_series_ref, drey_series_unref)

/**
 * drey_series_new:
 * @array: a 1-D array of real numbers or bools
 * @cancellable: (nullable)
 * @error: #G_IO_ERROR_CANCELLED
 *
 * Reads @array into a series (this file's comment says what it holds).
 * Reads every element: call it from a worker.
 *
 * Returns: (transfer full): the series, or %NULL if cancelled
 */
DreySeries *
drey_series_new (SqNdarray     *array,
                 GCancellable  *cancellable,
                 GError       **error)
{
  SqDtype *dtype;
  gsize size;
  const guint8 *data;
  g_autoptr(DreySeries) self = NULL;
  const float *below_min, *below_max;
  guint64 below;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (sq_ndarray_get_ndim (array) == 1, NULL);

  dtype = sq_ndarray_get_dtype (array);
  size = sq_dtype_get_itemsize (dtype);
  data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);

  self = g_new0 (DreySeries, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->length = sq_ndarray_get_n_elements (array);
  self->values = g_new (float, MAX (self->length, 1));
  self->min = INFINITY;
  self->max = -INFINITY;
  for (guint64 i = 0; i < self->length; i++)
    {
      double v = sq_dtype_element_to_double (dtype, data + i * size);

      if (G_UNLIKELY ((i & 0xfffff) == 0) && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      self->values[i] = (float) v;
      if (isfinite (self->values[i]))
        {
          self->min = MIN (self->min, self->values[i]);
          self->max = MAX (self->max, self->values[i]);
        }
    }

  below_min = below_max = self->values;
  below = self->length;
  while (below > 1 && self->n_levels < MAX_LEVELS)
    {
      guint l = self->n_levels;
      guint64 n = (below + (1u << FANOUT_BITS) - 1) >> FANOUT_BITS;

      self->mins[l] = g_new (float, n);
      self->maxs[l] = g_new (float, n);
      self->lengths[l] = n;
      for (guint64 b = 0; b < n; b++)
        {
          float lo = NAN, hi = NAN;

          for (guint64 i = b << FANOUT_BITS; i < MIN (below, (b + 1) << FANOUT_BITS); i++)
            {
              /* fminf/fmaxf skip NaN, so a block of some NaNs has the others' range. */
              lo = fminf (lo, below_min[i]);
              hi = fmaxf (hi, below_max[i]);
            }
          self->mins[l][b] = lo;
          self->maxs[l][b] = hi;
        }
      below_min = self->mins[l];
      below_max = self->maxs[l];
      below = n;
      self->n_levels++;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

DreySeries *
drey_series_ref (DreySeries *series)
{
  g_atomic_ref_count_inc (&series->ref_count);
  return series;
}

void
drey_series_unref (DreySeries *series)
{
  if (!g_atomic_ref_count_dec (&series->ref_count))
    return;
  for (guint l = 0; l < series->n_levels; l++)
    {
      g_free (series->mins[l]);
      g_free (series->maxs[l]);
    }
  g_free (series->values);
  g_free (series);
}

guint64
drey_series_get_length (DreySeries *series)
{
  return series->length;
}

/**
 * drey_series_get_values:
 *
 * Returns: (transfer none): the values, as floats
 */
const float *
drey_series_get_values (DreySeries *series)
{
  return series->values;
}

/**
 * drey_series_get_bounds:
 * @min: (out): the smallest finite value (NaN if none)
 * @max: (out): the largest
 */
void
drey_series_get_bounds (DreySeries *series,
                        double     *min,
                        double     *max)
{
  gboolean any = series->min <= series->max;

  *min = any ? series->min : NAN;
  *max = any ? series->max : NAN;
}

/**
 * drey_series_get_range:
 * @start: the first sample
 * @end: after the last (@start < @end <= length)
 * @min: (out): the smallest of them that is not NaN (NaN if all are)
 * @max: (out): the largest
 */
void
drey_series_get_range (DreySeries *series,
                       guint64     start,
                       guint64     end,
                       float      *min,
                       float      *max)
{
  float lo = NAN, hi = NAN;
  guint64 i = start;

  g_return_if_fail (start < end && end <= series->length);

  while (i < end)
    {
      guint level = 0;
      guint64 span = 1;

      /* The largest block that starts at i and ends by end. */
      while (level < series->n_levels &&
             (i & ((span << FANOUT_BITS) - 1)) == 0 && i + (span << FANOUT_BITS) <= end)
        {
          span <<= FANOUT_BITS;
          level++;
        }
      if (level == 0)
        {
          lo = fminf (lo, series->values[i]);
          hi = fmaxf (hi, series->values[i]);
        }
      else
        {
          guint64 b = i / span;

          lo = fminf (lo, series->mins[level - 1][b]);
          hi = fmaxf (hi, series->maxs[level - 1][b]);
        }
      i += span;
    }
  *min = lo;
  *max = hi;
}

/* floor(span x c / columns), without overflowing 64 bits. */
static guint64
column_start (guint64 span,
              guint64 c,
              guint64 columns)
{
  return (span / columns) * c + ((span % columns) * c) / columns;
}

/**
 * drey_series_decimate:
 * @start: the first sample shown
 * @end: after the last (@start < @end <= length)
 * @columns: pixel columns
 * @mins: (out caller-allocates) (array length=columns): each column's minimum
 * @maxs: (out caller-allocates) (array length=columns): and maximum
 *
 * The envelope of [@start, @end) in @columns columns (this file's comment
 * says which samples a column covers). A column that covers no sample
 * (more columns than samples) takes the sample it falls on.
 */
void
drey_series_decimate (DreySeries *series,
                      guint64     start,
                      guint64     end,
                      guint       columns,
                      float      *mins,
                      float      *maxs)
{
  guint64 span;

  g_return_if_fail (start < end && end <= series->length);
  g_return_if_fail (columns > 0);

  span = end - start;
  for (guint c = 0; c < columns; c++)
    {
      guint64 a = start + column_start (span, c, columns);
      guint64 b = start + column_start (span, c + 1, columns);

      if (b <= a)
        b = a + 1;
      drey_series_get_range (series, a, MIN (b, end), &mins[c], &maxs[c]);
    }
}
