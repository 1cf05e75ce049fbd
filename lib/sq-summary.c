/* sq-summary.c: statistics in one pass over the elements
 *
 * Elements are widened to double a block at a time. Each block contributes
 * its counts, extremes, sum and sum of squared deviations, merged with
 * Chan's formula (accurate over hundreds of millions of elements). Types of
 * one or two bytes are counted into a table of their 256 or 65536 bit
 * patterns instead, which gives everything, histogram included, from that
 * one pass. Wider types need the finite range before they can be binned:
 * their histogram is a second pass over the in-memory data.
 *
 * A builder takes many arrays and plain numbers (a field across the samples
 * of a shard, for SqShardStats); sq_summary_new() is a builder of one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-summary"

#include "config.h"

#include <math.h>

#include "sq-number-private.h"
#include "sq-summary-private.h"

#define BLOCK 4096
/* Check for cancellation this often, in elements. */
#define CANCEL_STRIDE (1u << 20)

G_DEFINE_BOXED_TYPE (SqSummary, sq_summary, sq_summary_copy, sq_summary_free)

SqSummary *
sq_summary_copy (const SqSummary *summary)
{
  return g_memdup2 (summary, sizeof *summary);
}

void
sq_summary_free (SqSummary *summary)
{
  g_free (summary);
}

typedef struct
{
  SqDtype *dtype;
  gsize    n_codes;
  guint64 *counts;  /* per stored bit pattern */
} Table;

struct _SqSummaryBuilder
{
  SqSummary  s;
  double     lo;       /* finite range */
  double     hi;
  guint64    n;        /* finite elements merged into the moments */
  double     mean;
  double     m2;       /* sum of squared deviations from the mean */
  GPtrArray *tables;   /* Table per small dtype */
  GPtrArray *arrays;   /* wider arrays, replayed for the histogram */
  GArray    *numbers;  /* plain numbers, replayed for the histogram */
  gboolean   complex;
  gboolean   other;    /* anything that is not complex */
};

static void
table_free (Table *table)
{
  sq_dtype_unref (table->dtype);
  g_free (table->counts);
  g_free (table);
}

SqSummaryBuilder *
_sq_summary_builder_new (void)
{
  SqSummaryBuilder *b = g_new0 (SqSummaryBuilder, 1);

  b->s.min = b->s.max = b->s.mean = b->s.std = NAN;
  b->s.hist_min = b->s.hist_max = NAN;
  b->lo = INFINITY;
  b->hi = -INFINITY;
  b->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  b->arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_ndarray_unref);
  b->numbers = g_array_new (FALSE, FALSE, sizeof (double));
  return b;
}

void
_sq_summary_builder_free (SqSummaryBuilder *b)
{
  if (b == NULL)
    return;
  g_ptr_array_unref (b->tables);
  g_ptr_array_unref (b->arrays);
  g_array_unref (b->numbers);
  g_free (b);
}

/* Converts @n elements starting at @p to doubles. NaT becomes NaN, a
 * complex number its magnitude. */
static void
widen (const SqDtype *dtype,
       const guint8  *p,
       gsize          n,
       double        *out)
{
  gboolean swap = sq_dtype_needs_swap (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);

#define LOOP(expr) for (gsize i = 0; i < n; i++, p += size) out[i] = (expr)
  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      LOOP (*p != 0);
      break;
    case SQ_DTYPE_KIND_INT:
      if (size == 1)
        LOOP ((gint8) *p);
      else if (size == 2)
        LOOP ((gint16) _sq_load_u16 (p, swap));
      else if (size == 4)
        LOOP ((gint32) _sq_load_u32 (p, swap));
      else
        LOOP ((double) (gint64) _sq_load_u64 (p, swap));
      break;
    case SQ_DTYPE_KIND_UINT:
      if (size == 1)
        LOOP (*p);
      else if (size == 2)
        LOOP (_sq_load_u16 (p, swap));
      else if (size == 4)
        LOOP (_sq_load_u32 (p, swap));
      else
        LOOP ((double) _sq_load_u64 (p, swap));
      break;
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      LOOP ((gint64) _sq_load_u64 (p, swap) == G_MININT64 ? NAN : (double) (gint64) _sq_load_u64 (p, swap));
      break;
    case SQ_DTYPE_KIND_FLOAT:
      if (size == 2)
        LOOP (sq_number_half_to_double (_sq_load_u16 (p, swap)));
      else if (size == 4)
        LOOP (_sq_load_f32 (p, swap));
      else if (size == 8)
        LOOP (_sq_load_f64 (p, swap));
      else
        LOOP ((double) _sq_load_f128 (p, swap));
      break;
    case SQ_DTYPE_KIND_COMPLEX:
      if (size == 8)
        LOOP (hypot (_sq_load_f32 (p, swap), _sq_load_f32 (p + 4, swap)));
      else if (size == 16)
        LOOP (hypot (_sq_load_f64 (p, swap), _sq_load_f64 (p + 8, swap)));
      else
        LOOP (hypot ((double) _sq_load_f128 (p, swap), (double) _sq_load_f128 (p + 16, swap)));
      break;
    case SQ_DTYPE_KIND_UNICODE:
    case SQ_DTYPE_KIND_BYTES:
    case SQ_DTYPE_KIND_VOID:
    case SQ_DTYPE_KIND_OBJECT:
    default:
      g_assert_not_reached ();
    }
#undef LOOP
}

/* Merges k copies-worth of a block with mean mean_k and squared deviations
 * m2_k into the running moments (Chan et al.). */
static void
merge_moments (SqSummaryBuilder *b,
               guint64           k,
               double            mean_k,
               double            m2_k)
{
  guint64 total = b->n + k;
  double delta = mean_k - b->mean;

  if (k == 0)
    return;
  b->mean += delta * (double) k / (double) total;
  b->m2 += m2_k + delta * delta * (double) b->n * (double) k / (double) total;
  b->n = total;
}

static void
tally (SqSummaryBuilder *b,
       double            v,
       guint64           count)
{
  SqSummary *s = &b->s;

  s->n_elements += count;
  if (isnan (v))
    {
      s->n_nan += count;
      return;
    }
  if (v == 0)
    s->n_zero += count;
  if (isinf (v))
    s->n_inf += count;
  else
    {
      s->n_finite += count;
      b->lo = MIN (b->lo, v);
      b->hi = MAX (b->hi, v);
    }
  s->min = isnan (s->min) ? v : MIN (s->min, v);
  s->max = isnan (s->max) ? v : MAX (s->max, v);
}

static void
tally_block (SqSummaryBuilder *b,
             const double     *x,
             gsize             n)
{
  double sum = 0, mean, m2 = 0;
  gsize k = 0;

  for (gsize i = 0; i < n; i++)
    {
      tally (b, x[i], 1);
      if (isfinite (x[i]))
        {
          sum += x[i];
          k++;
        }
    }
  if (k == 0)
    return;
  mean = sum / (double) k;
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]))
      m2 += (x[i] - mean) * (x[i] - mean);
  merge_moments (b, k, mean, m2);
}

static Table *
table_for (SqSummaryBuilder *b,
           SqDtype          *dtype)
{
  Table *table;

  for (guint i = 0; i < b->tables->len; i++)
    {
      table = g_ptr_array_index (b->tables, i);
      if (sq_dtype_equal (table->dtype, dtype))
        return table;
    }
  table = g_new0 (Table, 1);
  table->dtype = sq_dtype_ref (dtype);
  table->n_codes = sq_dtype_get_itemsize (dtype) == 1 ? 256 : 65536;
  table->counts = g_new0 (guint64, table->n_codes);
  g_ptr_array_add (b->tables, table);
  return table;
}

/**
 * _sq_summary_builder_add_array:
 * @array: an array of a numeric dtype
 *
 * Adds every element of @array. Arrays wider than two bytes are kept until
 * the builder finishes.
 */
gboolean
_sq_summary_builder_add_array (SqSummaryBuilder  *b,
                               SqNdarray         *array,
                               GCancellable      *cancellable,
                               GError           **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  gsize size = sq_dtype_get_itemsize (dtype);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  guint64 n = sq_ndarray_get_n_elements (array);
  double block[BLOCK];

  if (!sq_dtype_is_numeric (dtype))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s elements have no numeric summary", sq_dtype_get_name (dtype));
      return FALSE;
    }
  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_COMPLEX)
    b->complex = TRUE;
  else
    b->other = TRUE;

  if (size <= 2)
    {
      Table *table = table_for (b, dtype);

      if (size == 1)
        for (guint64 i = 0; i < n; i++)
          table->counts[data[i]]++;
      else
        for (guint64 i = 0; i < n; i++)
          {
            guint16 code;

            memcpy (&code, data + 2 * i, 2);
            table->counts[code]++;
            if (G_UNLIKELY ((i & (CANCEL_STRIDE - 1)) == 0) &&
                g_cancellable_set_error_if_cancelled (cancellable, error))
              return FALSE;
          }
      return TRUE;
    }

  for (guint64 start = 0; start < n; start += BLOCK)
    {
      gsize k = (gsize) MIN ((guint64) BLOCK, n - start);

      if ((start & (CANCEL_STRIDE - 1)) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      widen (dtype, data + start * size, k, block);
      tally_block (b, block, k);
    }
  g_ptr_array_add (b->arrays, sq_ndarray_ref (array));
  return TRUE;
}

/**
 * _sq_summary_builder_add_number:
 *
 * Adds one plain number (an int, a float, a numpy scalar's value).
 */
void
_sq_summary_builder_add_number (SqSummaryBuilder *b,
                                double            value)
{
  b->other = TRUE;
  tally_block (b, &value, 1);
  g_array_append_val (b->numbers, value);
}

static inline void
add_to_histogram (SqSummary *s,
                  double     value,
                  guint64    count)
{
  double width, position;
  long bin;

  if (!isfinite (value))
    return;
  /* Halved, as the range may be wider than DBL_MAX (-DBL_MAX to DBL_MAX),
   * and may be none at all: a single value of 1e18 plus and minus 0.5 is
   * still 1e18. Either way the plain quotient would be NaN, and converting
   * NaN to an integer is undefined. */
  width = s->hist_max / 2 - s->hist_min / 2;
  if (width > 0)
    position = (value / 2 - s->hist_min / 2) / width * SQ_SUMMARY_N_BINS;
  else
    position = SQ_SUMMARY_N_BINS / 2; /* the middle, as for any single value */
  bin = (long) CLAMP (position, 0, SQ_SUMMARY_N_BINS - 1);
  s->hist[bin] += count;
}

/* The value each stored bit pattern of a small dtype stands for. Tables
 * only hold numeric dtypes of one or two bytes (bool, int8, uint8, int16,
 * uint16, float16), but the compiler cannot know that: the pattern has
 * room for any element sq_dtype_element_to_double() reads. */
static double *
table_values (const Table *table)
{
  double *values = g_new (double, table->n_codes);

  for (gsize code = 0; code < table->n_codes; code++)
    {
      guint8 pattern[16] = { 0 };

      if (table->n_codes == 256)
        pattern[0] = (guint8) code;
      else
        {
          guint16 c = (guint16) code;

          memcpy (pattern, &c, 2);
        }
      values[code] = sq_dtype_element_to_double (table->dtype, pattern);
    }
  return values;
}

/**
 * _sq_summary_builder_finish:
 *
 * Returns: (transfer full): the summary of everything added
 */
SqSummary *
_sq_summary_builder_finish (SqSummaryBuilder  *b,
                            GCancellable      *cancellable,
                            GError           **error)
{
  SqSummary *s = &b->s;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  double block[BLOCK];

  /* Tables join the figures now, weighted by their counts. */
  for (guint t = 0; t < b->tables->len; t++)
    {
      Table *table = g_ptr_array_index (b->tables, t);
      double *v = table_values (table);

      g_ptr_array_add (values, v);
      for (gsize code = 0; code < table->n_codes; code++)
        if (table->counts[code])
          {
            tally (b, v[code], table->counts[code]);
            if (isfinite (v[code]))
              merge_moments (b, table->counts[code], v[code], 0);
          }
    }

  s->of_magnitude = b->complex && !b->other;
  if (b->n == 0)
    return sq_summary_copy (s);

  s->mean = b->mean;
  s->std = sqrt (b->m2 / (double) b->n);
  s->hist_min = b->lo;
  s->hist_max = b->hi;
  if (b->lo == b->hi)
    {
      /* numpy's histogram does the same for a single value */
      s->hist_min -= 0.5;
      s->hist_max += 0.5;
    }

  for (guint t = 0; t < b->tables->len; t++)
    {
      Table *table = g_ptr_array_index (b->tables, t);
      double *v = g_ptr_array_index (values, t);

      for (gsize code = 0; code < table->n_codes; code++)
        if (table->counts[code])
          add_to_histogram (s, v[code], table->counts[code]);
    }
  for (guint a = 0; a < b->arrays->len; a++)
    {
      SqNdarray *array = g_ptr_array_index (b->arrays, a);
      SqDtype *dtype = sq_ndarray_get_dtype (array);
      gsize size = sq_dtype_get_itemsize (dtype);
      const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
      guint64 n = sq_ndarray_get_n_elements (array);

      for (guint64 start = 0; start < n; start += BLOCK)
        {
          gsize k = (gsize) MIN ((guint64) BLOCK, n - start);

          if ((start & (CANCEL_STRIDE - 1)) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          widen (dtype, data + start * size, k, block);
          for (gsize i = 0; i < k; i++)
            add_to_histogram (s, block[i], 1);
        }
    }
  for (guint i = 0; i < b->numbers->len; i++)
    add_to_histogram (s, g_array_index (b->numbers, double, i), 1);

  return sq_summary_copy (s);
}

/**
 * sq_summary_new:
 * @array: an array of a numeric dtype (sq_dtype_is_numeric())
 * @cancellable: (nullable): checked every million elements
 * @error: return location for a #G_IO_ERROR_NOT_SUPPORTED (not numeric) or
 *   #G_IO_ERROR_CANCELLED error
 *
 * Computes the figures the array panel shows. Safe to call from any thread.
 *
 * Returns: (transfer full): the summary, or %NULL
 */
SqSummary *
sq_summary_new (SqNdarray     *array,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SqSummaryBuilder) b = NULL;

  g_return_val_if_fail (array != NULL, NULL);

  b = _sq_summary_builder_new ();
  if (!_sq_summary_builder_add_array (b, array, cancellable, error))
    return NULL;
  return _sq_summary_builder_finish (b, cancellable, error);
}
