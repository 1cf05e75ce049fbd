/* sq-shard-stats.c: statistics of every field across a shard's samples
 *
 * A field is a path through the samples: map keys joined with '.', `[]` for
 * the items of a list, `(sample)` for samples that are not maps. Each field
 * counts the types it holds; arrays add their dtypes, shapes and a summary
 * of all their elements together; numbers a summary of their values; str a
 * count of distinct values and the range of their lengths.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-shard-stats"

#include "config.h"

#include <math.h>

#include "sq-ndarray.h"
#include "sq-shard-stats.h"
#include "sq-summary-private.h"

/* Beyond this, distinct shapes and str values are not told apart. */
#define MAX_DISTINCT 1000

typedef struct
{
  char             *path;
  guint64           count;
  GHashTable       *types;   /* name -> count, in first-seen order: */
  GPtrArray        *type_order;
  GHashTable       *shapes;
  GPtrArray        *shape_order;
  GHashTable       *strings;
  gsize             min_len;
  gsize             max_len;
  guint64           n_str;
  SqSummaryBuilder *summary;
} Field;

struct _SqShardStats
{
  GHashTable *fields;  /* path -> Field */
  GPtrArray  *order;
  guint64     n_samples;
};

static void
field_free (Field *field)
{
  g_free (field->path);
  g_hash_table_unref (field->types);
  g_ptr_array_unref (field->type_order);
  g_hash_table_unref (field->shapes);
  g_ptr_array_unref (field->shape_order);
  g_hash_table_unref (field->strings);
  g_clear_pointer (&field->summary, _sq_summary_builder_free);
  g_free (field);
}

SqShardStats *
sq_shard_stats_new (void)
{
  SqShardStats *stats = g_new0 (SqShardStats, 1);

  stats->fields = g_hash_table_new (g_str_hash, g_str_equal);
  stats->order = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  return stats;
}

void
sq_shard_stats_free (SqShardStats *stats)
{
  if (stats == NULL)
    return;
  g_hash_table_unref (stats->fields);
  g_ptr_array_unref (stats->order);
  g_free (stats);
}

static Field *
get_field (SqShardStats *stats,
           const char   *path)
{
  Field *field = g_hash_table_lookup (stats->fields, path);

  if (field != NULL)
    return field;
  field = g_new0 (Field, 1);
  field->path = g_strdup (path);
  field->types = g_hash_table_new (g_str_hash, g_str_equal);
  field->type_order = g_ptr_array_new_with_free_func (g_free);
  field->shapes = g_hash_table_new (g_str_hash, g_str_equal);
  field->shape_order = g_ptr_array_new_with_free_func (g_free);
  field->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  field->min_len = G_MAXSIZE;
  g_hash_table_insert (stats->fields, field->path, field);
  g_ptr_array_add (stats->order, field);
  return field;
}

/* Counts @name in an ordered tally of at most MAX_DISTINCT names. */
static void
count_name (GHashTable *table,
            GPtrArray  *order,
            char       *name)
{
  gpointer count;

  if (g_hash_table_lookup_extended (table, name, NULL, &count))
    {
      g_hash_table_insert (table, name, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (count) + 1));
      g_free (name);
      return;
    }
  if (order->len >= MAX_DISTINCT)
    {
      g_free (name);
      name = g_strdup ("(others)");
      if (g_hash_table_lookup_extended (table, name, NULL, &count))
        {
          g_hash_table_insert (table, name, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (count) + 1));
          g_free (name);
          return;
        }
    }
  g_ptr_array_add (order, name);
  g_hash_table_insert (table, name, GSIZE_TO_POINTER (1));
}

static SqSummaryBuilder *
summary_of (Field *field)
{
  if (field->summary == NULL)
    field->summary = _sq_summary_builder_new ();
  return field->summary;
}

static double
scalar_number (SqValue *value)
{
  SqDtype *dtype = sq_value_get_scalar_dtype (value);
  g_autoptr(GBytes) bytes = g_bytes_new (sq_value_get_scalar_data (value), sq_dtype_get_itemsize (dtype));
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 0, NULL, bytes, NULL);
  g_autoptr(SqSummary) s = array ? sq_summary_new (array, NULL, NULL) : NULL;

  return s ? s->min : NAN;
}

static gboolean
add_value (SqShardStats  *stats,
           GString       *path,
           SqValue       *value,
           GCancellable  *cancellable,
           GError       **error)
{
  Field *field = get_field (stats, path->len ? path->str : "(sample)");
  gsize mark = path->len;

  field->count++;
  count_name (field->types, field->type_order,
              sq_value_get_value_type (value) == SQ_VALUE_NDARRAY
              ? g_strdup_printf ("ndarray %s", sq_dtype_get_name (sq_ndarray_get_dtype (sq_value_get_ndarray (value))))
              : sq_value_get_value_type (value) == SQ_VALUE_ARRAY ? g_strdup ("list")
              : sq_value_get_value_type (value) == SQ_VALUE_MAP ? g_strdup ("map")
              : sq_value_get_value_type (value) == SQ_VALUE_BIN ? g_strdup ("bytes")
              : sq_value_describe_type (value));

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_BOOL:
      _sq_summary_builder_add_number (summary_of (field), sq_value_get_bool (value));
      break;
    case SQ_VALUE_INT:
      _sq_summary_builder_add_number (summary_of (field), (double) sq_value_get_int (value));
      break;
    case SQ_VALUE_UINT:
      _sq_summary_builder_add_number (summary_of (field), (double) sq_value_get_uint (value));
      break;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      _sq_summary_builder_add_number (summary_of (field), sq_value_get_double (value));
      break;
    case SQ_VALUE_SCALAR:
      if (sq_dtype_is_numeric (sq_value_get_scalar_dtype (value)))
        _sq_summary_builder_add_number (summary_of (field), scalar_number (value));
      break;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *text = sq_value_get_str (value, &len);

        field->n_str++;
        field->min_len = MIN (field->min_len, len);
        field->max_len = MAX (field->max_len, len);
        if (g_hash_table_size (field->strings) < MAX_DISTINCT)
          g_hash_table_add (field->strings, g_strndup (text, len));
      }
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *array = sq_value_get_ndarray (value);

        count_name (field->shapes, field->shape_order, sq_ndarray_format_shape (array));
        if (sq_dtype_is_numeric (sq_ndarray_get_dtype (array)) &&
            !_sq_summary_builder_add_array (summary_of (field), array, cancellable, error))
          return FALSE;
      }
      break;
    case SQ_VALUE_ARRAY:
      g_string_append (path, "[]");
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        if (!add_value (stats, path, sq_value_get_item (value, i), cancellable, error))
          return FALSE;
      g_string_truncate (path, mark);
      break;
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        {
          SqValue *key = sq_value_get_key (value, i);

          if (mark > 0)
            g_string_append_c (path, '.');
          if (sq_value_get_value_type (key) == SQ_VALUE_STR)
            g_string_append (path, sq_value_get_str (key, NULL));
          else
            g_string_append (path, "(bytes key)");
          if (!add_value (stats, path, sq_value_get_item (value, i), cancellable, error))
            return FALSE;
          g_string_truncate (path, mark);
        }
      break;
    case SQ_VALUE_NIL:
    case SQ_VALUE_BIN:
    case SQ_VALUE_COMPLEX:
    case SQ_VALUE_OPAQUE:
    default:
      break;
    }
  return TRUE;
}

/**
 * sq_shard_stats_add:
 *
 * Adds one sample. Arrays it holds are referenced until the stats are freed.
 */
gboolean
sq_shard_stats_add (SqShardStats  *stats,
                    SqValue       *sample,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GString) path = g_string_new (NULL);

  stats->n_samples++;
  return add_value (stats, path, sample, cancellable, error);
}

/* Building the output as a value lets the JSON writer print it. */
typedef struct
{
  GPtrArray *entries;
} MapBuilder;

static void
put (MapBuilder *m,
     const char *key,
     SqValue    *value)
{
  g_ptr_array_add (m->entries, sq_value_new_str (key, -1));
  g_ptr_array_add (m->entries, value);
}

static SqValue *
map_end (MapBuilder *m)
{
  SqValue *map = sq_value_new_map ((SqValue **) m->entries->pdata, m->entries->len / 2);

  g_ptr_array_free (m->entries, TRUE);
  return map;
}

static MapBuilder
map_begin (void)
{
  return (MapBuilder) { g_ptr_array_new () };
}

static SqValue *
tally_value (GHashTable *table,
             GPtrArray  *order)
{
  MapBuilder m = map_begin ();

  for (guint i = 0; i < order->len; i++)
    {
      const char *name = g_ptr_array_index (order, i);

      put (&m, name, sq_value_new_int ((gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (table, name))));
    }
  return map_end (&m);
}

static SqValue *
number (double value)
{
  if (isfinite (value) && value == floor (value) && fabs (value) < 9007199254740992.0)
    return sq_value_new_int ((gint64) value);
  return sq_value_new_float64 (value);
}

static SqValue *
summary_value (const SqSummary *s)
{
  MapBuilder m = map_begin ();
  MapBuilder h = map_begin ();
  SqValue *counts[SQ_SUMMARY_N_BINS];

  put (&m, "elements", sq_value_new_int ((gint64) s->n_elements));
  put (&m, "min", number (s->min));
  put (&m, "max", number (s->max));
  put (&m, "mean", sq_value_new_float64 (s->mean));
  put (&m, "std", sq_value_new_float64 (s->std));
  put (&m, "nan", sq_value_new_int ((gint64) s->n_nan));
  put (&m, "inf", sq_value_new_int ((gint64) s->n_inf));
  put (&m, "zeros", sq_value_new_int ((gint64) s->n_zero));
  if (s->of_magnitude)
    put (&m, "of", sq_value_new_str ("magnitude", -1));
  if (s->n_finite > 0)
    {
      for (int i = 0; i < SQ_SUMMARY_N_BINS; i++)
        counts[i] = sq_value_new_int ((gint64) s->hist[i]);
      put (&h, "min", number (s->hist_min));
      put (&h, "max", number (s->hist_max));
      put (&h, "counts", sq_value_new_array (counts, SQ_SUMMARY_N_BINS));
      put (&m, "histogram", map_end (&h));
    }
  else
    g_ptr_array_free (h.entries, TRUE);
  return map_end (&m);
}

/**
 * sq_shard_stats_to_value:
 *
 * Returns: (transfer full): `{"samples": N, "fields": {PATH: {...}}}`,
 *   fields in the order they were first seen
 */
SqValue *
sq_shard_stats_to_value (SqShardStats  *stats,
                         GCancellable  *cancellable,
                         GError       **error)
{
  MapBuilder root = map_begin ();
  MapBuilder fields = map_begin ();

  for (guint i = 0; i < stats->order->len; i++)
    {
      Field *field = g_ptr_array_index (stats->order, i);
      MapBuilder f = map_begin ();

      put (&f, "count", sq_value_new_int ((gint64) field->count));
      put (&f, "types", tally_value (field->types, field->type_order));
      if (field->shape_order->len > 0)
        put (&f, "shapes", tally_value (field->shapes, field->shape_order));
      if (field->n_str > 0)
        {
          guint distinct = g_hash_table_size (field->strings);

          put (&f, "distinct", distinct >= MAX_DISTINCT ? sq_value_new_str ("1000 or more", -1)
                                                        : sq_value_new_int (distinct));
          put (&f, "min_length", sq_value_new_int ((gint64) field->min_len));
          put (&f, "max_length", sq_value_new_int ((gint64) field->max_len));
        }
      if (field->summary != NULL)
        {
          g_autoptr(SqSummary) s = _sq_summary_builder_finish (field->summary, cancellable, error);

          if (s == NULL)
            {
              g_ptr_array_set_free_func (f.entries, (GDestroyNotify) sq_value_unref);
              g_ptr_array_free (f.entries, TRUE);
              g_ptr_array_set_free_func (fields.entries, (GDestroyNotify) sq_value_unref);
              g_ptr_array_free (fields.entries, TRUE);
              g_ptr_array_free (root.entries, TRUE);
              return NULL;
            }
          put (&f, "summary", summary_value (s));
        }
      put (&fields, field->path, map_end (&f));
    }
  put (&root, "samples", sq_value_new_int ((gint64) stats->n_samples));
  put (&root, "fields", map_end (&fields));
  return map_end (&root);
}
