/* drey-sample-row.c: one sample as a row of the table: its scalar fields,
 * its arrays as dtype and shape
 *
 * A row keeps a slim copy of its sample, made once when its shard is
 * read: maps and scalars as they were, every array replaced by its
 * description (`uint8 8x8`), lists by their length, long strings cut, so
 * a table of 100,000 image samples holds no pixels. Rows compare as
 * Python would order the values: numbers by value, strings by code
 * point, a missing value last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-row"

#include "config.h"

#include <math.h>
#include <string.h>

#include "drey-sample-row.h"
#include "drey-store-document.h"

/* Characters of a str a row keeps. */
#define MAX_TEXT 200

struct _DreySampleRow
{
  GObject     parent_instance;

  const char *key;    /* interned */
  guint       index;
  SqValue    *slim;
};

G_DEFINE_FINAL_TYPE (DreySampleRow, drey_sample_row, G_TYPE_OBJECT)

static void
drey_sample_row_finalize (GObject *object)
{
  DreySampleRow *self = DREY_SAMPLE_ROW (object);

  g_clear_pointer (&self->slim, sq_value_unref);
  G_OBJECT_CLASS (drey_sample_row_parent_class)->finalize (object);
}

static void
drey_sample_row_class_init (DreySampleRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = drey_sample_row_finalize;
}

static void
drey_sample_row_init (DreySampleRow *self)
{
}

static SqValue *
slim (SqValue *value)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *array = sq_value_get_ndarray (value);
        g_autofree char *shape = sq_ndarray_format_shape (array);
        g_autofree char *text = g_strdup_printf ("%s %s", sq_dtype_get_name (sq_ndarray_get_dtype (array)), shape);

        return sq_value_new_str (text, -1);
      }
    case SQ_VALUE_ARRAY:
      {
        g_autofree char *text = g_strdup_printf ("list %" G_GSIZE_FORMAT, sq_value_get_length (value));

        return sq_value_new_str (text, -1);
      }
    case SQ_VALUE_STR:
      {
        gsize len = 0;
        const char *str = sq_value_get_str (value, &len);

        if (g_utf8_strlen (str, (gssize) len) <= MAX_TEXT)
          return sq_value_ref (value);
        {
          g_autofree char *cut = g_utf8_substring (str, 0, MAX_TEXT);

          return sq_value_new_str (cut, -1);
        }
      }
    case SQ_VALUE_MAP:
      {
        gsize n = sq_value_get_length (value);
        g_autofree SqValue **entries = g_new (SqValue *, 2 * n + 1);

        for (gsize i = 0; i < n; i++)
          {
            entries[2 * i] = sq_value_ref (sq_value_get_key (value, i));
            entries[2 * i + 1] = slim (sq_value_get_item (value, i));
          }
        return sq_value_new_map (entries, n);
      }
    default:
      return sq_value_ref (value);
    }
}

/**
 * drey_sample_row_new:
 * @sample: the sample, as decoded (a slim copy is kept)
 *
 * Returns: (transfer full): the row
 */
DreySampleRow *
drey_sample_row_new (const char *key,
                     guint       index,
                     SqValue    *sample)
{
  DreySampleRow *self;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (sample != NULL, NULL);

  self = g_object_new (DREY_TYPE_SAMPLE_ROW, NULL);
  self->key = g_intern_string (key);
  self->index = index;
  self->slim = slim (sample);
  return self;
}

const char *
drey_sample_row_get_key (DreySampleRow *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_ROW (self), NULL);
  return self->key;
}

guint
drey_sample_row_get_index (DreySampleRow *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_ROW (self), 0);
  return self->index;
}

/**
 * drey_sample_row_get_value:
 * @path: a field path of the schema
 *
 * Returns: (transfer none) (nullable): the value at @path (an array as
 *   its description), %NULL if the sample lacks it
 */
SqValue *
drey_sample_row_get_value (DreySampleRow *self,
                           const char    *path)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_ROW (self), NULL);
  return drey_value_lookup_path (self->slim, path);
}

/**
 * drey_sample_row_dup_text:
 *
 * Returns: (transfer full): the cell's text: a str as it is, other values
 *   as Python's repr, "" for a missing one
 */
char *
drey_sample_row_dup_text (DreySampleRow *self,
                          const char    *path)
{
  SqValue *value = drey_sample_row_get_value (self, path);

  if (value == NULL)
    return g_strdup ("");
  if (sq_value_get_value_type (value) == SQ_VALUE_STR)
    return g_strdup (sq_value_get_str (value, NULL));
  return sq_value_format (value, 80);
}

/* A number, if the value is one (bools too, as Python orders them). */
static gboolean
as_number (SqValue *value,
           double  *number)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_BOOL:
      *number = sq_value_get_bool (value) ? 1 : 0;
      return TRUE;
    case SQ_VALUE_INT:
      *number = (double) sq_value_get_int (value);
      return TRUE;
    case SQ_VALUE_UINT:
      *number = (double) sq_value_get_uint (value);
      return TRUE;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      *number = sq_value_get_double (value);
      return TRUE;
    case SQ_VALUE_SCALAR:
      if (!sq_dtype_is_numeric (sq_value_get_scalar_dtype (value)))
        return FALSE;
      *number = sq_dtype_element_to_double (sq_value_get_scalar_dtype (value), sq_value_get_scalar_data (value));
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * drey_sample_row_compare:
 *
 * Orders @a and @b by their values at @path: numbers before strings,
 * numbers by value (NaN after the others), strings by code point,
 * missing values and other types last; equal values in store order.
 *
 * Returns: <0, 0 or >0
 */
int
drey_sample_row_compare (DreySampleRow *a,
                         DreySampleRow *b,
                         const char    *path)
{
  SqValue *x = drey_sample_row_get_value (a, path);
  SqValue *y = drey_sample_row_get_value (b, path);
  double nx = 0, ny = 0;
  int rank_x, rank_y, order = 0;

  rank_x = x == NULL ? 3 : as_number (x, &nx) ? 0 : sq_value_get_value_type (x) == SQ_VALUE_STR ? 1 : 2;
  rank_y = y == NULL ? 3 : as_number (y, &ny) ? 0 : sq_value_get_value_type (y) == SQ_VALUE_STR ? 1 : 2;
  if (rank_x != rank_y)
    return rank_x - rank_y;
  if (rank_x == 0)
    {
      if (isnan (nx) || isnan (ny))
        order = isnan (nx) - isnan (ny);
      else
        order = nx < ny ? -1 : nx > ny;
    }
  else if (rank_x == 1)
    order = strcmp (sq_value_get_str (x, NULL), sq_value_get_str (y, NULL));
  if (order != 0)
    return order;
  /* Ties keep the store's order: shards by key order is not known here,
   * so by key, then index. */
  order = strcmp (a->key, b->key);
  return order != 0 ? order : (a->index > b->index) - (a->index < b->index);
}
