/* sq-field-stats.c: one field's types, patterns, numbers and categories,
 * built per shard and merged in any order (see sq-field-stats.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sq-field-stats-private.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-summary.h"

/* Histogram buckets: a number's sign, exponent and this many leading
 * mantissa bits at first; halved while a field has more than
 * MAX_BUCKETS of them. */
#define MAX_LEVEL   10
#define MAX_BUCKETS 4096

typedef struct
{
  guint64  count;
  GArray  *examples;  /* guint sample indices, shard-level only; nullable */
} Entry;

/* Counts per name; sorted only when read. */
typedef struct
{
  GHashTable *entries;   /* char * -> Entry * */
  gboolean    overflow;  /* patterns: reduced to dtype and rank; categories: too many */
  SqCount    *sorted;    /* cache of the getters, dropped on change */
  guint       n_sorted;
} Tally;

typedef struct
{
  guint64 count;
  guint64 n_nan;
  guint64 n_inf;
  guint64 n_finite;
  double  min;
  double  max;
  double  mean;
  double  m2;     /* sum of squared deviations from the mean, of the finite ones */
} Moments;

typedef struct
{
  guint64 count;
  double  vmin;
  double  vmax;
} Bucket;

struct _SqFieldStats
{
  gatomicrefcount  ref;
  char            *path;
  char            *parent;
  gboolean         under_list;
  guint64          n_values;
  guint64          n_samples;
  guint            n_shards;
  Tally            types;
  Tally            patterns;
  Moments          numbers;
  GHashTable      *buckets;  /* GUINT_TO_POINTER (key) -> Bucket * */
  guint            level;
  Moments          elements;
  Tally            categories;
  guint64          n_categorical;
  GArray          *presence; /* SqSampleRange */
  SqFieldNumbers   numbers_view;
  SqFieldNumbers   elements_view;
};

G_DEFINE_BOXED_TYPE (SqFieldStats, sq_field_stats, sq_field_stats_ref, sq_field_stats_unref)

static void
entry_free (Entry *entry)
{
  if (entry->examples != NULL)
    g_array_unref (entry->examples);
  g_free (entry);
}

static void
tally_init (Tally *tally)
{
  tally->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  tally->overflow = FALSE;
  tally->sorted = NULL;
  tally->n_sorted = 0;
}

static void
tally_clear (Tally *tally)
{
  g_clear_pointer (&tally->entries, g_hash_table_unref);
  g_clear_pointer (&tally->sorted, g_free);
}

static void
tally_changed (Tally *tally)
{
  g_clear_pointer (&tally->sorted, g_free);
  tally->n_sorted = 0;
}

static Entry *
tally_get (Tally      *tally,
           const char *name)
{
  Entry *entry = g_hash_table_lookup (tally->entries, name);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (tally->entries, g_strdup (name), entry);
    }
  tally_changed (tally);
  return entry;
}

static void
entry_add_example (Entry *entry,
                   guint  sample)
{
  if (entry->examples == NULL)
    entry->examples = g_array_new (FALSE, FALSE, sizeof (guint));
  if (entry->examples->len >= SQ_FIELD_STATS_MAX_EXAMPLES)
    return;
  /* A sample holds a path under [] many times: count it once. */
  if (entry->examples->len > 0 && g_array_index (entry->examples, guint, entry->examples->len - 1) == sample)
    return;
  g_array_append_val (entry->examples, sample);
}

static int
count_compare (gconstpointer a,
               gconstpointer b)
{
  const SqCount *x = a;
  const SqCount *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->name, y->name);
}

static const SqCount *
tally_sorted (Tally *tally,
              guint *n)
{
  if (tally->sorted == NULL && g_hash_table_size (tally->entries) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;
      guint i = 0;

      tally->n_sorted = g_hash_table_size (tally->entries);
      tally->sorted = g_new (SqCount, tally->n_sorted);
      g_hash_table_iter_init (&iter, tally->entries);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          tally->sorted[i].name = key;
          tally->sorted[i].count = ((Entry *) value)->count;
          i++;
        }
      qsort (tally->sorted, tally->n_sorted, sizeof (SqCount), count_compare);
    }
  if (n != NULL)
    *n = tally->n_sorted;
  return tally->sorted;
}

static void
tally_merge (Tally       *into,
             const Tally *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    tally_get (into, key)->count += ((Entry *) value)->count;
  into->overflow = into->overflow || from->overflow;
}

static void
moments_init (Moments *m)
{
  memset (m, 0, sizeof *m);
  m->min = NAN;
  m->max = NAN;
}

/* Chan et al.'s pairwise update of the finite part: the same figures
 * whatever the order of the parts. */
static void
moments_add_finite (Moments *m,
                    guint64  n,
                    double   mean,
                    double   m2)
{
  guint64 total = m->n_finite + n;
  double delta;

  if (n == 0)
    return;
  if (m->n_finite == 0)
    {
      m->mean = mean;
      m->m2 = m2;
    }
  else
    {
      delta = mean - m->mean;
      m->mean += delta * ((double) n / (double) total);
      m->m2 += m2 + delta * delta * ((double) m->n_finite * (double) n / (double) total);
    }
  m->n_finite = total;
}

/* min and max skip NaN (their NaN means "none yet"). */
static void
moments_widen (Moments *m,
               double   min,
               double   max)
{
  if (!isnan (min) && (isnan (m->min) || min < m->min))
    m->min = min;
  if (!isnan (max) && (isnan (m->max) || max > m->max))
    m->max = max;
}

static void
moments_merge (Moments       *into,
               const Moments *from)
{
  into->count += from->count;
  into->n_nan += from->n_nan;
  into->n_inf += from->n_inf;
  moments_add_finite (into, from->n_finite, from->mean, from->m2);
  moments_widen (into, from->min, from->max);
}

static void
moments_add (Moments *m,
             double   x)
{
  m->count++;
  if (isnan (x))
    {
      m->n_nan++;
      return;
    }
  if (isinf (x))
    m->n_inf++;
  else
    moments_add_finite (m, 1, x, 0.0);
  moments_widen (m, x, x);
}

static void
moments_view (const Moments  *m,
              SqFieldNumbers *view)
{
  view->count = m->count;
  view->n_nan = m->n_nan;
  view->n_inf = m->n_inf;
  view->min = m->min;
  view->max = m->max;
  view->mean = m->n_finite > 0 ? m->mean : NAN;
  view->std = m->n_finite > 0 ? sqrt (MAX (m->m2, 0.0) / (double) m->n_finite) : NAN;
}

/* Integer elements: exact sums, so the mean and variance are exact up to
 * the final division (and the same in any order). */
#define INT_MOMENTS(type, load)                                           \
  G_STMT_START {                                                          \
    gint64 min = G_MAXINT64, max = G_MININT64;                            \
    __int128 sum = 0, sumsq = 0;                                          \
    for (guint64 i = 0; i < n; i++)                                       \
      {                                                                   \
        gint64 x = (gint64) (type) load;                                  \
        min = MIN (min, x);                                               \
        max = MAX (max, x);                                               \
        sum += x;                                                         \
        sumsq += (__int128) x * x;                                        \
      }                                                                   \
    part->n_finite = n;                                                   \
    part->min = (double) min;                                             \
    part->max = (double) max;                                             \
    part->mean = (double) sum / (double) n;                               \
    part->m2 = (double) (sumsq * (__int128) n - sum * sum) / (double) n;  \
  } G_STMT_END

/* Element @i of native float32 (@size 4) or float64 data. */
static inline double
load_float (const guint8 *p,
            gsize         size,
            guint64       i)
{
  double x;

  if (size == 4)
    {
      float f;

      memcpy (&f, p + 4 * i, 4);
      return f;
    }
  memcpy (&x, p + 8 * i, 8);
  return x;
}

/* The elements' moments of a numeric array: a direct loop for the
 * common dtypes in this machine's order, sq_summary_new() for the rest. */
static gboolean
array_moments (SqNdarray *array,
               Moments   *part)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint64 n = sq_ndarray_get_n_elements (array);
  const guint8 *p = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  gsize size = sq_dtype_get_itemsize (dtype);
  SqDtypeKind kind = sq_dtype_get_kind (dtype);

  moments_init (part);
  part->count = n;
  if (!sq_dtype_needs_swap (dtype) && p != NULL)
    {
      if (kind == SQ_DTYPE_KIND_UINT && size == 1)
        {
          INT_MOMENTS (guint8, p[i]);
          return TRUE;
        }
      if (kind == SQ_DTYPE_KIND_INT && size == 1)
        {
          INT_MOMENTS (gint8, p[i]);
          return TRUE;
        }
      if ((kind == SQ_DTYPE_KIND_UINT || kind == SQ_DTYPE_KIND_INT) && size == 2)
        {
          if (kind == SQ_DTYPE_KIND_UINT)
            INT_MOMENTS (guint16, _sq_load_u16 (p + 2 * i, FALSE));
          else
            INT_MOMENTS (gint16, _sq_load_u16 (p + 2 * i, FALSE));
          return TRUE;
        }
      if ((kind == SQ_DTYPE_KIND_UINT || kind == SQ_DTYPE_KIND_INT) && size == 4)
        {
          if (kind == SQ_DTYPE_KIND_UINT)
            INT_MOMENTS (guint32, _sq_load_u32 (p + 4 * i, FALSE));
          else
            INT_MOMENTS (gint32, _sq_load_u32 (p + 4 * i, FALSE));
          return TRUE;
        }
      if (kind == SQ_DTYPE_KIND_FLOAT && (size == 4 || size == 8))
        {
          double sum = 0.0, mean, m2 = 0.0;

          /* Two passes: the sum, then the squared deviations from the
           * mean, without the cancellation of a sum of squares. */
          for (guint64 i = 0; i < n; i++)
            {
              double x = load_float (p, size, i);

              if (isnan (x))
                {
                  part->n_nan++;
                  continue;
                }
              moments_widen (part, x, x);
              if (isinf (x))
                {
                  part->n_inf++;
                  continue;
                }
              part->n_finite++;
              sum += x;
            }
          if (part->n_finite == 0)
            return TRUE;
          mean = sum / (double) part->n_finite;
          for (guint64 i = 0; i < n; i++)
            {
              double x = load_float (p, size, i);

              if (isfinite (x))
                m2 += (x - mean) * (x - mean);
            }
          part->mean = mean;
          part->m2 = m2;
          return TRUE;
        }
    }
  {
    g_autoptr(SqSummary) s = sq_summary_new (array, NULL, NULL);

    if (s == NULL)
      return FALSE;
    part->n_nan = s->n_nan;
    part->n_inf = s->n_inf;
    part->n_finite = s->n_finite;
    part->mean = s->n_finite > 0 ? s->mean : 0.0;
    part->m2 = s->n_finite > 0 ? s->std * s->std * (double) s->n_finite : 0.0;
    part->min = s->min;
    part->max = s->max;
    return TRUE;
  }
}

/* ---- histogram buckets ---- */

static guint32
bucket_key (double x,
            guint  level)
{
  guint64 bits;

  x += 0.0;  /* -0.0 is 0.0 */
  memcpy (&bits, &x, sizeof bits);
  /* Order-preserving: negatives flipped, positives above them. */
  bits = (bits >> 63) ? ~bits : bits | (G_GUINT64_CONSTANT (1) << 63);
  return (guint32) (bits >> (52 - level));
}

static void
buckets_add (GHashTable *buckets,
             guint32     key,
             guint64     count,
             double      vmin,
             double      vmax)
{
  Bucket *b = g_hash_table_lookup (buckets, GUINT_TO_POINTER (key));

  if (b == NULL)
    {
      b = g_new (Bucket, 1);
      b->count = 0;
      b->vmin = vmin;
      b->vmax = vmax;
      g_hash_table_insert (buckets, GUINT_TO_POINTER (key), b);
    }
  b->count += count;
  b->vmin = MIN (b->vmin, vmin);
  b->vmax = MAX (b->vmax, vmax);
}

static GHashTable *
buckets_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
}

/* Halves the buckets until there are few enough. Deterministic in the
 * set of numbers: a merge ends at the same level in any order. */
static void
buckets_reduce (SqFieldStats *stats,
                guint         level)
{
  while (stats->level > level || g_hash_table_size (stats->buckets) > MAX_BUCKETS)
    {
      GHashTable *halved = buckets_new ();
      GHashTableIter iter;
      gpointer key, value;
      guint shift;

      g_assert (stats->level > 0);
      shift = stats->level > level ? stats->level - level : 1;
      g_hash_table_iter_init (&iter, stats->buckets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Bucket *b = value;

          buckets_add (halved, GPOINTER_TO_UINT (key) >> shift, b->count, b->vmin, b->vmax);
        }
      g_hash_table_unref (stats->buckets);
      stats->buckets = halved;
      stats->level -= shift;
      level = stats->level;
    }
}

static void
add_number (SqFieldStats *stats,
            double        x)
{
  moments_add (&stats->numbers, x);
  if (isfinite (x))
    {
      buckets_add (stats->buckets, bucket_key (x, stats->level), 1, x + 0.0, x + 0.0);
      if (g_hash_table_size (stats->buckets) > MAX_BUCKETS)
        buckets_reduce (stats, stats->level);
    }
}

/* ---- building ---- */

SqFieldStats *
_sq_field_stats_new (const char *path,
                     const char *parent,
                     gboolean    under_list)
{
  SqFieldStats *stats = g_new0 (SqFieldStats, 1);

  g_atomic_ref_count_init (&stats->ref);
  stats->path = g_strdup (path);
  stats->parent = g_strdup (parent);
  stats->under_list = under_list;
  tally_init (&stats->types);
  tally_init (&stats->patterns);
  tally_init (&stats->categories);
  moments_init (&stats->numbers);
  moments_init (&stats->elements);
  stats->buckets = buckets_new ();
  stats->level = MAX_LEVEL;
  return stats;
}

SqFieldStats *
sq_field_stats_ref (SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  g_atomic_ref_count_inc (&stats->ref);
  return stats;
}

void
sq_field_stats_unref (SqFieldStats *stats)
{
  g_return_if_fail (stats != NULL);

  if (!g_atomic_ref_count_dec (&stats->ref))
    return;
  g_free (stats->path);
  g_free (stats->parent);
  tally_clear (&stats->types);
  tally_clear (&stats->patterns);
  tally_clear (&stats->categories);
  g_hash_table_unref (stats->buckets);
  g_clear_pointer (&stats->presence, g_array_unref);
  g_free (stats);
}

static const char *
type_name (const SqValue *value,
           gboolean       lists_are_tuples,
           char         **owned)
{
  *owned = NULL;
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NIL: return "NoneType";
    case SQ_VALUE_BOOL: return "bool";
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT: return "int";
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64: return "float";
    case SQ_VALUE_STR: return "str";
    case SQ_VALUE_BIN: return "bytes";
    case SQ_VALUE_ARRAY: return lists_are_tuples ? "tuple" : "list";
    case SQ_VALUE_MAP: return "dict";
    case SQ_VALUE_NDARRAY: return "ndarray";
    case SQ_VALUE_SCALAR:
      *owned = g_strconcat ("numpy.", sq_dtype_get_name (sq_value_get_scalar_dtype (value)), NULL);
      return *owned;
    case SQ_VALUE_COMPLEX: return "complex";
    case SQ_VALUE_OPAQUE:
    default: return "object";
    }
}

static char *
pattern_of (SqNdarray *array,
            gboolean   coarse)
{
  GString *out = g_string_new (sq_dtype_get_name (sq_ndarray_get_dtype (array)));
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);

  g_string_append_c (out, ' ');
  if (ndim == 0)
    g_string_append (out, "scalar");
  for (guint i = 0; i < ndim; i++)
    {
      if (i > 0)
        g_string_append_c (out, 'x');
      if (coarse)
        g_string_append_c (out, '?');
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, shape[i]);
    }
  return g_string_free (out, FALSE);
}

/* `uint8 224x224x3` -> `uint8 ?x?x?`: what a pattern keeps when there
 * are too many. */
static char *
coarsen_pattern (const char *pattern)
{
  const char *space = strrchr (pattern, ' ');
  GString *out;

  if (space == NULL || strcmp (space + 1, "scalar") == 0)
    return g_strdup (pattern);
  out = g_string_new_len (pattern, space + 1 - pattern);
  g_string_append_c (out, '?');
  for (const char *p = space + 1; *p; p++)
    if (*p == 'x')
      g_string_append (out, "x?");
  return g_string_free (out, FALSE);
}

static void
patterns_coarsen (Tally *patterns)
{
  Tally coarse;
  GHashTableIter iter;
  gpointer key, value;

  tally_init (&coarse);
  g_hash_table_iter_init (&iter, patterns->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *name = coarsen_pattern (key);
      Entry *from = value;
      Entry *to = tally_get (&coarse, name);

      to->count += from->count;
      if (from->examples != NULL)
        for (guint i = 0; i < from->examples->len; i++)
          entry_add_example (to, g_array_index (from->examples, guint, i));
    }
  tally_clear (patterns);
  *patterns = coarse;
  patterns->overflow = TRUE;
}

/* Python's repr of a str, for the top values: quotes as Python picks
 * them, control characters escaped. */
static char *
python_str_repr (const char *s,
                 gsize       len)
{
  gboolean has_single = memchr (s, '\'', len) != NULL;
  gboolean has_double = memchr (s, '"', len) != NULL;
  char quote = has_single && !has_double ? '"' : '\'';
  GString *out = g_string_new (NULL);
  const char *end = s + len;

  g_string_append_c (out, quote);
  while (s < end)
    {
      gunichar c = g_utf8_get_char (s);

      if (c == (gunichar) quote || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
      s = g_utf8_next_char (s);
    }
  g_string_append_c (out, quote);
  return g_string_free (out, FALSE);
}

/* The categorical form of @value, or NULL if it is not categorical. */
static char *
category_of (const SqValue *value)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NIL:
      return g_strdup ("None");
    case SQ_VALUE_BOOL:
      return g_strdup (sq_value_get_bool (value) ? "True" : "False");
    case SQ_VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, sq_value_get_int (value));
    case SQ_VALUE_UINT:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, sq_value_get_uint (value));
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *s = sq_value_get_str (value, &len);

        /* A NUL inside would stop g_utf8 walking: not a category. */
        if (len > SQ_FIELD_STATS_MAX_CATEGORY_LENGTH || memchr (s, '\0', len) != NULL)
          return NULL;
        return python_str_repr (s, len);
      }
    case SQ_VALUE_SCALAR:
      {
        SqDtype *dtype = sq_value_get_scalar_dtype (value);
        const guint8 *p = sq_value_get_scalar_data (value);
        gboolean swap = sq_dtype_needs_swap (dtype);
        gsize size = sq_dtype_get_itemsize (dtype);

        switch (sq_dtype_get_kind (dtype))
          {
          case SQ_DTYPE_KIND_BOOL:
            return g_strdup (*p ? "True" : "False");
          case SQ_DTYPE_KIND_INT:
            return g_strdup_printf ("%" G_GINT64_FORMAT, _sq_load_int (p, size, swap));
          case SQ_DTYPE_KIND_UINT:
            return g_strdup_printf ("%" G_GUINT64_FORMAT, _sq_load_uint (p, size, swap));
          default:
            return NULL;
          }
      }
    default:
      return NULL;
    }
}

static void
add_category (SqFieldStats *stats,
              char         *name)
{
  stats->n_categorical++;
  if (!stats->categories.overflow)
    {
      tally_get (&stats->categories, name)->count++;
      if (g_hash_table_size (stats->categories.entries) > SQ_FIELD_STATS_MAX_DISTINCT)
        {
          g_hash_table_remove_all (stats->categories.entries);
          stats->categories.overflow = TRUE;
          tally_changed (&stats->categories);
        }
    }
  g_free (name);
}

static void
add_presence (SqFieldStats *stats,
              guint         sample)
{
  SqSampleRange *last;

  if (stats->presence == NULL)
    stats->presence = g_array_new (FALSE, FALSE, sizeof (SqSampleRange));
  last = stats->presence->len > 0 ? &g_array_index (stats->presence, SqSampleRange, stats->presence->len - 1) : NULL;
  if (last != NULL && sample < last->end)
    return;  /* the same sample again (a path under []) */
  stats->n_samples++;
  stats->n_shards = 1;
  if (last != NULL && sample == last->end)
    last->end++;
  else
    {
      SqSampleRange range = { sample, sample + 1 };

      g_array_append_val (stats->presence, range);
    }
}

/* Counts one value at this path, in sample @sample of a shard (samples
 * come in ascending order). */
void
_sq_field_stats_add (SqFieldStats  *stats,
                     const SqValue *value,
                     guint          sample,
                     gboolean       lists_are_tuples)
{
  g_autofree char *owned = NULL;
  const char *type = type_name (value, lists_are_tuples, &owned);
  char *category;

  stats->n_values++;
  add_presence (stats, sample);
  {
    Entry *entry = tally_get (&stats->types, type);

    entry->count++;
    entry_add_example (entry, sample);
  }

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_INT:
      add_number (stats, (double) sq_value_get_int (value));
      break;
    case SQ_VALUE_UINT:
      add_number (stats, (double) sq_value_get_uint (value));
      break;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      add_number (stats, sq_value_get_double (value));
      break;
    case SQ_VALUE_SCALAR:
      {
        SqDtype *dtype = sq_value_get_scalar_dtype (value);
        SqDtypeKind kind = sq_dtype_get_kind (dtype);

        if (kind == SQ_DTYPE_KIND_INT || kind == SQ_DTYPE_KIND_UINT || kind == SQ_DTYPE_KIND_FLOAT)
          add_number (stats, sq_dtype_element_to_double (dtype, sq_value_get_scalar_data (value)));
      }
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *array = sq_value_get_ndarray (value);
        SqDtype *dtype = sq_ndarray_get_dtype (array);
        g_autofree char *pattern = pattern_of (array, stats->patterns.overflow);
        Entry *entry = tally_get (&stats->patterns, pattern);

        entry->count++;
        entry_add_example (entry, sample);
        if (!stats->patterns.overflow && g_hash_table_size (stats->patterns.entries) > SQ_FIELD_STATS_MAX_PATTERNS)
          patterns_coarsen (&stats->patterns);

        if (sq_dtype_is_numeric (dtype) && sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_COMPLEX &&
            sq_ndarray_get_n_elements (array) > 0)
          {
            Moments part;

            if (array_moments (array, &part))
              moments_merge (&stats->elements, &part);
          }
      }
      break;
    case SQ_VALUE_NIL:
    case SQ_VALUE_BOOL:
    case SQ_VALUE_STR:
    case SQ_VALUE_BIN:
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
    case SQ_VALUE_COMPLEX:
    case SQ_VALUE_OPAQUE:
    default:
      break;
    }

  category = category_of (value);
  if (category != NULL)
    add_category (stats, category);
}

/* Store-level stats keep no sample indices. */
void
_sq_field_stats_drop_examples (SqFieldStats *stats)
{
  Tally *tallies[] = { &stats->types, &stats->patterns };

  for (guint t = 0; t < G_N_ELEMENTS (tallies); t++)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, tallies[t]->entries);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_clear_pointer (&((Entry *) value)->examples, g_array_unref);
    }
  g_clear_pointer (&stats->presence, g_array_unref);
}

/**
 * sq_field_stats_copy:
 *
 * Returns: (transfer full): a copy of @stats (without what a shard keeps
 *   for drift)
 */
SqFieldStats *
sq_field_stats_copy (const SqFieldStats *stats)
{
  SqFieldStats *copy;

  g_return_val_if_fail (stats != NULL, NULL);

  copy = _sq_field_stats_new (stats->path, stats->parent, stats->under_list);
  sq_field_stats_merge (copy, stats);
  return copy;
}

/**
 * sq_field_stats_merge:
 * @stats: the stats to add to
 * @other: stats of the same path over other samples
 *
 * Adds @other into @stats, as if @stats had seen @other's values too.
 */
void
sq_field_stats_merge (SqFieldStats       *stats,
                      const SqFieldStats *other)
{
  g_return_if_fail (stats != NULL && other != NULL);
  g_return_if_fail (stats != other);

  stats->n_values += other->n_values;
  stats->n_samples += other->n_samples;
  stats->n_shards += other->n_shards;
  tally_merge (&stats->types, &other->types);

  if (stats->patterns.overflow && !other->patterns.overflow)
    {
      Tally tmp;

      tally_init (&tmp);
      tally_merge (&tmp, &other->patterns);
      patterns_coarsen (&tmp);
      tally_merge (&stats->patterns, &tmp);
      tally_clear (&tmp);
    }
  else
    {
      if (other->patterns.overflow && !stats->patterns.overflow)
        patterns_coarsen (&stats->patterns);
      tally_merge (&stats->patterns, &other->patterns);
    }
  if (!stats->patterns.overflow && g_hash_table_size (stats->patterns.entries) > SQ_FIELD_STATS_MAX_PATTERNS)
    patterns_coarsen (&stats->patterns);

  moments_merge (&stats->numbers, &other->numbers);
  moments_merge (&stats->elements, &other->elements);

  /* Buckets at the coarser level of the two, then halved as needed. */
  if (other->level < stats->level)
    buckets_reduce (stats, other->level);
  {
    GHashTableIter iter;
    gpointer key, value;
    guint shift = other->level - stats->level;

    g_hash_table_iter_init (&iter, other->buckets);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        Bucket *b = value;

        buckets_add (stats->buckets, GPOINTER_TO_UINT (key) >> shift, b->count, b->vmin, b->vmax);
      }
    buckets_reduce (stats, stats->level);
  }

  stats->n_categorical += other->n_categorical;
  if (!stats->categories.overflow)
    {
      if (other->categories.overflow)
        {
          g_hash_table_remove_all (stats->categories.entries);
          stats->categories.overflow = TRUE;
          tally_changed (&stats->categories);
        }
      else
        {
          tally_merge (&stats->categories, &other->categories);
          if (g_hash_table_size (stats->categories.entries) > SQ_FIELD_STATS_MAX_DISTINCT)
            {
              g_hash_table_remove_all (stats->categories.entries);
              stats->categories.overflow = TRUE;
              tally_changed (&stats->categories);
            }
        }
    }
}

/* ---- reading ---- */

const char *
sq_field_stats_get_path (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);
  return stats->path;
}

guint64
sq_field_stats_get_n_values (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);
  return stats->n_values;
}

guint64
sq_field_stats_get_n_samples (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);
  return stats->n_samples;
}

guint
sq_field_stats_get_n_shards (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);
  return stats->n_shards;
}

const SqCount *
sq_field_stats_get_types (const SqFieldStats *stats,
                          guint              *n_types)
{
  g_return_val_if_fail (stats != NULL, NULL);
  return tally_sorted ((Tally *) &stats->types, n_types);
}

const SqCount *
sq_field_stats_get_patterns (const SqFieldStats *stats,
                             guint              *n_patterns)
{
  g_return_val_if_fail (stats != NULL, NULL);
  return tally_sorted ((Tally *) &stats->patterns, n_patterns);
}

gboolean
sq_field_stats_get_patterns_exact (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, FALSE);
  return !stats->patterns.overflow;
}

const SqFieldNumbers *
sq_field_stats_get_numbers (const SqFieldStats *stats)
{
  SqFieldStats *self = (SqFieldStats *) stats;

  g_return_val_if_fail (stats != NULL, NULL);
  if (stats->numbers.count == 0)
    return NULL;
  moments_view (&stats->numbers, &self->numbers_view);
  return &stats->numbers_view;
}

const SqFieldNumbers *
sq_field_stats_get_elements (const SqFieldStats *stats)
{
  SqFieldStats *self = (SqFieldStats *) stats;

  g_return_val_if_fail (stats != NULL, NULL);
  if (stats->elements.count == 0)
    return NULL;
  moments_view (&stats->elements, &self->elements_view);
  return &stats->elements_view;
}

gboolean
sq_field_stats_histogram_is_exact (const SqFieldStats *stats)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (stats != NULL, FALSE);

  /* A bucket whose smallest and largest numbers are equal holds one. */
  g_hash_table_iter_init (&iter, stats->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Bucket *) value)->vmin != ((Bucket *) value)->vmax)
      return FALSE;
  return TRUE;
}

/* numpy.histogram's binning of one number into bins over [lo, hi]. */
static guint
bin_of (double v,
        double lo,
        double hi,
        double norm,
        double step)
{
  gint64 i = (gint64) ((v - lo) * norm);
  double edge;

  if (i >= SQ_FIELD_STATS_N_BINS)
    i = SQ_FIELD_STATS_N_BINS - 1;
  if (i < 0)
    i = 0;
  /* numpy corrects the float error against its linspace edges. */
  edge = (double) i * step + lo;
  if (v < edge && i > 0)
    i--;
  edge = i + 1 == SQ_FIELD_STATS_N_BINS ? hi : (double) (i + 1) * step + lo;
  if (v >= edge && i != SQ_FIELD_STATS_N_BINS - 1)
    i++;
  return (guint) i;
}

gboolean
sq_field_stats_get_histogram (const SqFieldStats *stats,
                              guint64             bins[SQ_FIELD_STATS_N_BINS],
                              double             *lower,
                              double             *upper)
{
  GHashTableIter iter;
  gpointer value;
  double lo = INFINITY, hi = -INFINITY;
  double norm, step;

  g_return_val_if_fail (stats != NULL, FALSE);

  memset (bins, 0, sizeof (guint64) * SQ_FIELD_STATS_N_BINS);
  if (stats->numbers.n_finite == 0)
    return FALSE;
  /* The finite range (the numbers' min and max may be infinite). */
  g_hash_table_iter_init (&iter, stats->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      lo = MIN (lo, ((Bucket *) value)->vmin);
      hi = MAX (hi, ((Bucket *) value)->vmax);
    }
  if (lo == hi)
    {
      lo -= 0.5;
      hi += 0.5;
    }
  norm = SQ_FIELD_STATS_N_BINS / (hi - lo);
  step = (hi - lo) / SQ_FIELD_STATS_N_BINS;
  g_hash_table_iter_init (&iter, stats->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Bucket *b = value;

      bins[bin_of (b->vmin, lo, hi, norm, step)] += b->count;
    }
  if (lower != NULL)
    *lower = lo;
  if (upper != NULL)
    *upper = hi;
  return TRUE;
}

const SqCount *
sq_field_stats_get_top_values (const SqFieldStats *stats,
                               guint              *n_values)
{
  g_return_val_if_fail (stats != NULL, NULL);

  if (stats->categories.overflow)
    {
      if (n_values != NULL)
        *n_values = 0;
      return NULL;
    }
  return tally_sorted ((Tally *) &stats->categories, n_values);
}

guint64
sq_field_stats_get_n_categorical (const SqFieldStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);
  return stats->n_categorical;
}

const SqSampleRange *
_sq_field_stats_get_presence (const SqFieldStats *stats,
                              guint              *n_ranges)
{
  *n_ranges = stats->presence != NULL ? stats->presence->len : 0;
  return stats->presence != NULL ? (const SqSampleRange *) stats->presence->data : NULL;
}

const char *
_sq_field_stats_get_parent (const SqFieldStats *stats)
{
  return stats->parent;
}

gboolean
_sq_field_stats_is_under_list (const SqFieldStats *stats)
{
  return stats->under_list;
}

const guint *
_sq_field_stats_get_examples (const SqFieldStats *stats,
                              gboolean            of_patterns,
                              const char         *name,
                              guint64            *count,
                              guint              *n_examples)
{
  Entry *entry = g_hash_table_lookup ((of_patterns ? &stats->patterns : &stats->types)->entries, name);

  *count = entry != NULL ? entry->count : 0;
  *n_examples = entry != NULL && entry->examples != NULL ? entry->examples->len : 0;
  return *n_examples > 0 ? (const guint *) entry->examples->data : NULL;
}

/* ---- the cache's form ---- */

static GVariant *
tally_to_variant (const Tally *tally)
{
  GVariantBuilder b;
  GHashTableIter iter;
  gpointer key, value;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(stau)"));
  g_hash_table_iter_init (&iter, tally->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;

      g_variant_builder_add_value (&b, g_variant_new ("(st@au)", (const char *) key, entry->count,
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32,
                                                                                 entry->examples ? entry->examples->data : NULL,
                                                                                 entry->examples ? entry->examples->len : 0,
                                                                                 sizeof (guint32))));
    }
  return g_variant_builder_end (&b);
}

static gboolean
tally_from_variant (Tally    *tally,
                    GVariant *entries,
                    guint     max_entries)
{
  gsize n_entries = g_variant_n_children (entries);

  if (n_entries > max_entries)
    return FALSE;
  /* Child by child rather than g_variant_iter_next()'s format string,
   * which was scanned again for every entry of a warm scan. */
  for (gsize e = 0; e < n_entries; e++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (entries, e);
      g_autoptr(GVariant) name = g_variant_get_child_value (item, 0);
      g_autoptr(GVariant) count = g_variant_get_child_value (item, 1);
      g_autoptr(GVariant) examples = g_variant_get_child_value (item, 2);
      const char *text = g_variant_get_string (name, NULL);
      gsize n;
      const guint32 *data = g_variant_get_fixed_array (examples, &n, sizeof (guint32));
      Entry *entry;

      if (n > SQ_FIELD_STATS_MAX_EXAMPLES || g_hash_table_contains (tally->entries, text))
        return FALSE;
      entry = tally_get (tally, text);
      entry->count = g_variant_get_uint64 (count);
      for (gsize i = 0; i < n; i++)
        entry_add_example (entry, data[i]);
    }
  return TRUE;
}

static GVariant *
moments_to_variant (const Moments *m)
{
  return g_variant_new ("(ttttdddd)", m->count, m->n_nan, m->n_inf, m->n_finite, m->min, m->max, m->mean, m->m2);
}

/* "(ttttdddd)" is a fixed-size tuple: its 64 bytes are the struct's, in
 * this machine's order (a serialised GVariant of a fixed size always has
 * that size, zeros if the data was not in normal form). */
G_STATIC_ASSERT (sizeof (Moments) == 64);

static void
moments_from_variant (Moments  *m,
                      GVariant *v)
{
  if (g_variant_get_size (v) == sizeof (Moments) && g_variant_get_data (v) != NULL)
    memcpy (m, g_variant_get_data (v), sizeof (Moments));
  else
    g_variant_get (v, "(ttttdddd)", &m->count, &m->n_nan, &m->n_inf, &m->n_finite, &m->min, &m->max, &m->mean,
                   &m->m2);
}

GVariant *
_sq_field_stats_to_variant (const SqFieldStats *stats)
{
  g_autofree guint32 *keys = NULL;
  g_autofree guint64 *counts = NULL;
  g_autofree double *vmins = NULL;
  g_autofree double *vmaxs = NULL;
  guint n_buckets;
  GVariantBuilder presence;
  GHashTableIter iter;
  gpointer key, value;

  /* Buckets as four fixed arrays: read back without a child per bucket. */
  n_buckets = g_hash_table_size (stats->buckets);
  keys = g_new (guint32, n_buckets + 1);
  counts = g_new (guint64, n_buckets + 1);
  vmins = g_new (double, n_buckets + 1);
  vmaxs = g_new (double, n_buckets + 1);
  g_hash_table_iter_init (&iter, stats->buckets);
  for (guint i = 0; g_hash_table_iter_next (&iter, &key, &value); i++)
    {
      Bucket *b = value;

      keys[i] = GPOINTER_TO_UINT (key);
      counts[i] = b->count;
      vmins[i] = b->vmin;
      vmaxs[i] = b->vmax;
    }
  g_variant_builder_init (&presence, G_VARIANT_TYPE ("a(uu)"));
  for (guint i = 0; stats->presence != NULL && i < stats->presence->len; i++)
    {
      SqSampleRange *r = &g_array_index (stats->presence, SqSampleRange, i);

      g_variant_builder_add (&presence, "(uu)", r->start, r->end);
    }
  return g_variant_new ("(ssbttu(@a(stau)b)(@a(stau)b)@(ttttdddd)(@au@at@ad@adu)@(ttttdddd)(@a(stau)bt)a(uu))",
                        stats->path, stats->parent, stats->under_list, stats->n_values, stats->n_samples, stats->n_shards,
                        tally_to_variant (&stats->types), stats->types.overflow,
                        tally_to_variant (&stats->patterns), stats->patterns.overflow,
                        moments_to_variant (&stats->numbers),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, keys, n_buckets, sizeof (guint32)),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, counts, n_buckets, sizeof (guint64)),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, vmins, n_buckets, sizeof (double)),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, vmaxs, n_buckets, sizeof (double)),
                        stats->level,
                        moments_to_variant (&stats->elements),
                        tally_to_variant (&stats->categories), stats->categories.overflow, stats->n_categorical,
                        &presence);
}

/* Reads what _sq_field_stats_to_variant() wrote; NULL for anything that
 * could not have been written (the cache is never trusted blindly). */
SqFieldStats *
_sq_field_stats_from_variant (GVariant *variant)
{
  g_autoptr(SqFieldStats) stats = NULL;
  g_autoptr(GVariant) types = NULL, patterns = NULL, categories = NULL;
  g_autoptr(GVariant) numbers = NULL, elements = NULL;
  g_autoptr(GVariant) bkeys = NULL, bcounts = NULL, bmins = NULL, bmaxs = NULL;
  g_autoptr(GVariant) presence = NULL;
  g_autoptr(GVariant) v_path = NULL, v_parent = NULL, v_under = NULL, v_values = NULL, v_samples = NULL;
  g_autoptr(GVariant) v_shards = NULL, v_types = NULL, v_patterns = NULL, v_buckets = NULL, v_level = NULL;
  g_autoptr(GVariant) v_categories = NULL, v_over = NULL;
  const guint32 *ranges;
  gsize n_ranges;
  const guint32 *keys;
  const guint64 *counts;
  const double *vmins, *vmaxs;
  gsize n_keys, n_counts, n_mins, n_maxs;
  const char *path, *parent;
  gboolean under_list;
  guint64 n_values, n_samples, n_categorical;
  guint n_shards, level;
  gboolean types_over, patterns_over, categories_over;
  guint last_end = 0;

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (SQ_FIELD_STATS_VARIANT_TYPE)))
    return NULL;
  /* Child by child: g_variant_get()'s format string took a good part of
   * a warm scan, read again for every field of every shard. */
#define CHILD(v, i) g_variant_get_child_value ((v), (i))
  v_path = CHILD (variant, 0);
  v_parent = CHILD (variant, 1);
  v_under = CHILD (variant, 2);
  v_values = CHILD (variant, 3);
  v_samples = CHILD (variant, 4);
  v_shards = CHILD (variant, 5);
  v_types = CHILD (variant, 6);
  v_patterns = CHILD (variant, 7);
  numbers = CHILD (variant, 8);
  v_buckets = CHILD (variant, 9);
  elements = CHILD (variant, 10);
  v_categories = CHILD (variant, 11);
  presence = CHILD (variant, 12);
  path = g_variant_get_string (v_path, NULL);
  parent = g_variant_get_string (v_parent, NULL);
  under_list = g_variant_get_boolean (v_under);
  n_values = g_variant_get_uint64 (v_values);
  n_samples = g_variant_get_uint64 (v_samples);
  n_shards = g_variant_get_uint32 (v_shards);
  types = CHILD (v_types, 0);
  g_clear_pointer (&v_over, g_variant_unref);
  v_over = CHILD (v_types, 1);
  types_over = g_variant_get_boolean (v_over);
  patterns = CHILD (v_patterns, 0);
  g_clear_pointer (&v_over, g_variant_unref);
  v_over = CHILD (v_patterns, 1);
  patterns_over = g_variant_get_boolean (v_over);
  bkeys = CHILD (v_buckets, 0);
  bcounts = CHILD (v_buckets, 1);
  bmins = CHILD (v_buckets, 2);
  bmaxs = CHILD (v_buckets, 3);
  v_level = CHILD (v_buckets, 4);
  level = g_variant_get_uint32 (v_level);
  categories = CHILD (v_categories, 0);
  g_clear_pointer (&v_over, g_variant_unref);
  v_over = CHILD (v_categories, 1);
  categories_over = g_variant_get_boolean (v_over);
  g_clear_pointer (&v_over, g_variant_unref);
  v_over = CHILD (v_categories, 2);
  n_categorical = g_variant_get_uint64 (v_over);
#undef CHILD
  if (level > MAX_LEVEL || !g_utf8_validate (path, -1, NULL) || !g_utf8_validate (parent, -1, NULL))
    return NULL;
  stats = _sq_field_stats_new (path, parent, under_list);
  stats->n_values = n_values;
  stats->n_samples = n_samples;
  stats->n_shards = n_shards;
  stats->level = level;
  if (!tally_from_variant (&stats->types, types, 64) ||
      !tally_from_variant (&stats->patterns, patterns, SQ_FIELD_STATS_MAX_PATTERNS) ||
      !tally_from_variant (&stats->categories, categories, SQ_FIELD_STATS_MAX_DISTINCT))
    return NULL;
  stats->types.overflow = types_over;
  stats->patterns.overflow = patterns_over;
  stats->categories.overflow = categories_over;
  stats->n_categorical = n_categorical;
  moments_from_variant (&stats->numbers, numbers);
  moments_from_variant (&stats->elements, elements);
  keys = g_variant_get_fixed_array (bkeys, &n_keys, sizeof (guint32));
  counts = g_variant_get_fixed_array (bcounts, &n_counts, sizeof (guint64));
  vmins = g_variant_get_fixed_array (bmins, &n_mins, sizeof (double));
  vmaxs = g_variant_get_fixed_array (bmaxs, &n_maxs, sizeof (double));
  if (n_keys > MAX_BUCKETS || n_counts != n_keys || n_mins != n_keys || n_maxs != n_keys)
    return NULL;
  for (gsize i = 0; i < n_keys; i++)
    {
      if (g_hash_table_contains (stats->buckets, GUINT_TO_POINTER (keys[i])) || !isfinite (vmins[i]) ||
          !isfinite (vmaxs[i]) || vmins[i] > vmaxs[i] || bucket_key (vmins[i], level) != keys[i] ||
          bucket_key (vmaxs[i], level) != keys[i])
        return NULL;
      buckets_add (stats->buckets, keys[i], counts[i], vmins[i], vmaxs[i]);
    }
  /* a(uu) is an array of a fixed-size element: pairs of guint32. */
  ranges = g_variant_get_fixed_array (presence, &n_ranges, 2 * sizeof (guint32));
  if (n_ranges > 0)
    stats->presence = g_array_sized_new (FALSE, FALSE, sizeof (SqSampleRange), (guint) n_ranges);
  for (gsize i = 0; i < n_ranges; i++)
    {
      SqSampleRange r = { ranges[2 * i], ranges[2 * i + 1] };

      /* Ascending, disjoint, not touching: as add_presence() makes them. */
      if (r.end <= r.start || (stats->presence->len > 0 && r.start <= last_end))
        return NULL;
      last_end = r.end;
      g_array_append_val (stats->presence, r);
    }
  return g_steal_pointer (&stats);
}
