/* drey-label-map.c: integer arrays that are segmentation masks
 *
 * A label map is an integer array of HxW (or HxWx1) that reads as an image
 * (model/drey-image.c's shape rule) and holds few distinct values
 * (DREY_LABEL_MAP_MAX_CLASSES at most): small ones (-1 to 255, at least
 * one besides 0 and 255), or, as a guess the panel says is one, values of
 * any size that are few for the map's size (instance IDs). One class per
 * pixel. Shown as grey it is nearly black (labels 0..20 of 255) or a few
 * flat greys; shown with the categorical palette (drey-colormap.c) each
 * class has its own colour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-label-map"

#include "config.h"

#include <string.h>

#include "drey-colormap.h"
#include "drey-image.h"
#include "drey-label-map.h"

/**
 * drey_label_map_get_size:
 * @width: (out) (optional)
 * @height: (out) (optional)
 *
 * Whether @array could be a label map by its dtype and shape: signed or
 * unsigned integers, one channel, an image's shape. Whether it is one
 * takes its values too (drey_label_map_count()).
 */
gboolean
drey_label_map_get_size (SqNdarray *array,
                         guint     *width,
                         guint     *height)
{
  SqDtype *dtype;
  DreyImageShape shape;

  g_return_val_if_fail (array != NULL, FALSE);

  dtype = sq_ndarray_get_dtype (array);
  if (sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_INT && sq_dtype_get_kind (dtype) != SQ_DTYPE_KIND_UINT)
    return FALSE;
  if (!drey_image_get_shape (array, &shape) || shape.channels != 1)
    return FALSE;
  if (width != NULL)
    *width = shape.width;
  if (height != NULL)
    *height = shape.height;
  return TRUE;
}

static int
compare_classes (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = ((const DreyLabelClass *) a)->value, y = ((const DreyLabelClass *) b)->value;

  return x < y ? -1 : x > y;
}

static gboolean
element_label (SqDtype       *dtype,
               const guint8  *p,
               gint64        *label)
{
  double v = sq_dtype_element_to_double (dtype, p);
  gsize size = sq_dtype_get_itemsize (dtype);

  /* 64-bit labels exactly, not through a double. */
  if (size == 8)
    {
      guint64 raw;

      memcpy (&raw, p, 8);
      if (sq_dtype_needs_swap (dtype))
        raw = GUINT64_SWAP_LE_BE (raw);
      if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_UINT && raw > G_MAXINT64)
        return FALSE;
      *label = (gint64) raw;
      return TRUE;
    }
  *label = (gint64) v;
  return TRUE;
}

/* Labels are small, dense numbers: -1 to 254, and 255 (both "ignore" in
 * common data sets), with at least one class that is neither 0 nor 255,
 * and none above 4 x the number of classes + 16 (VOC's 0, 15, 255 is a
 * mask; a digit of 0, 96 and 255 is a picture of three grey levels). A
 * user who knows better picks Classes (drey_label_map_count()'s @any). */
static gboolean
look_like_labels (GArray *classes)
{
  gboolean any_class = FALSE;
  gint64 top = 0;

  for (guint i = 0; i < classes->len; i++)
    {
      gint64 v = g_array_index (classes, DreyLabelClass, i).value;

      if (v < -1 || v > 255)
        return FALSE;
      if (v != 255)
        top = MAX (top, v);
      any_class |= v != 0 && v != 255 && v != -1;
    }
  return any_class && top <= 4 * (gint64) classes->len + 16;
}

/* Values of any size, but few for the map's size: instance IDs (1000,
 * 2003), or sparse classes (0, 200). A photo has more distinct grey
 * levels than a mask has classes, and a depth map far more; a small
 * picture of a few grey levels (an 8x8 digit of 0, 96 and 255) has too
 * few pixels a value; a 0/255 (or 0/65535) picture is black and white.
 * Only HxW and HxWx1: a 1xHxW is more often a tensor than a mask. */
static gboolean
look_like_sparse_ids (SqNdarray *array,
                      GArray    *classes)
{
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint bits = 8 * (guint) sq_dtype_get_itemsize (dtype);
  gint64 top = sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_UINT && bits < 64 ? (gint64) ((G_GUINT64_CONSTANT (1) << bits) - 1)
                                                                          : G_MAXINT64;
  gboolean any_class = FALSE;

  if (!(ndim == 2 || (ndim == 3 && shape[2] == 1)))
    return FALSE;
  if (classes->len < 2 ||
      sq_ndarray_get_n_elements (array) < (guint64) classes->len * DREY_LABEL_MAP_SPARSE_PIXELS_PER_CLASS)
    return FALSE;
  for (guint i = 0; i < classes->len; i++)
    {
      gint64 v = g_array_index (classes, DreyLabelClass, i).value;

      any_class |= v != 0 && v != -1 && v != 255 && v != top;
    }
  return any_class;
}

/**
 * drey_label_map_count:
 * @array: an array drey_label_map_get_size() takes
 * @max_classes: give up beyond this many distinct values
 * @any: count any values, even those that do not look like labels
 * @reading: (out) (optional): why the values were taken for labels
 * @cancellable: (nullable)
 * @error: #G_IO_ERROR_CANCELLED, or #G_IO_ERROR_NOT_SUPPORTED when @array
 *   holds more than @max_classes distinct values, or values that are no
 *   labels (look_like_labels(), look_like_sparse_ids()), and so is not a
 *   mask
 *
 * Counts the pixels of each class. Reads every element: call it from a
 * worker for big arrays.
 *
 * Returns: (transfer full) (element-type DreyLabelClass): the classes
 *   present, by value, each with its pixel count; %NULL on error
 */
GArray *
drey_label_map_count (SqNdarray         *array,
                      guint              max_classes,
                      gboolean           any,
                      DreyLabelReading  *reading,
                      GCancellable      *cancellable,
                      GError           **error)
{
  SqDtype *dtype;
  gsize size;
  const guint8 *data;
  guint64 n;
  g_autoptr(GArray) classes = NULL;
  guint last = 0;
  gboolean dense;
  gint64 rank = 0;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (drey_label_map_get_size (array, NULL, NULL), NULL);

  dtype = sq_ndarray_get_dtype (array);
  size = sq_dtype_get_itemsize (dtype);
  data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  n = sq_ndarray_get_n_elements (array);
  classes = g_array_new (FALSE, FALSE, sizeof (DreyLabelClass));

  for (guint64 i = 0; i < n; i++)
    {
      DreyLabelClass *found = NULL;
      gint64 label;

      if (G_UNLIKELY ((i & 0xffff) == 0) && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!element_label (dtype, data + i * size, &label))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "element %" G_GUINT64_FORMAT " is beyond the labels a mask holds", i);
          return NULL;
        }
      /* Neighbouring pixels mostly share a class: try the last one first. */
      if (classes->len > 0 && g_array_index (classes, DreyLabelClass, last).value == label)
        found = &g_array_index (classes, DreyLabelClass, last);
      else
        for (guint k = 0; k < classes->len; k++)
          if (g_array_index (classes, DreyLabelClass, k).value == label)
            {
              found = &g_array_index (classes, DreyLabelClass, k);
              last = k;
              break;
            }
      if (found == NULL)
        {
          DreyLabelClass c = { label, 0, label };

          if (classes->len >= max_classes)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "more than %u distinct values: not a mask", max_classes);
              return NULL;
            }
          g_array_append_val (classes, c);
          last = classes->len - 1;
          found = &g_array_index (classes, DreyLabelClass, last);
        }
      found->count++;
    }
  g_array_sort (classes, compare_classes);
  dense = look_like_labels (classes);
  if (!any && !dense && !look_like_sparse_ids (array, classes))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "the values read as grey levels, not as class labels");
      return NULL;
    }
  if (reading != NULL)
    *reading = any ? DREY_LABEL_MAP_ASKED : dense ? DREY_LABEL_MAP_DENSE : DREY_LABEL_MAP_SPARSE;
  /* IDs are coloured by rank; 0 stays the black background and negative
   * values the grey of "ignore". */
  for (guint i = 0; !dense && i < classes->len; i++)
    {
      DreyLabelClass *c = &g_array_index (classes, DreyLabelClass, i);

      c->color = c->value <= 0 ? c->value : ++rank;
    }
  return g_steal_pointer (&classes);
}

/* The colour key of @label among @classes (sorted by value). */
static gint64
class_color (GArray *classes,
             gint64  label,
             guint  *last)
{
  guint lo = 0, hi;

  if (*last < classes->len && g_array_index (classes, DreyLabelClass, *last).value == label)
    return g_array_index (classes, DreyLabelClass, *last).color;
  hi = classes->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      gint64 v = g_array_index (classes, DreyLabelClass, mid).value;

      if (v == label)
        {
          *last = mid;
          return g_array_index (classes, DreyLabelClass, mid).color;
        }
      if (v < label)
        lo = mid + 1;
      else
        hi = mid;
    }
  return label;
}

/**
 * drey_label_map_colorize:
 * @array: an array drey_label_map_get_size() takes
 * @classes: (nullable) (element-type DreyLabelClass): its classes, from
 *   drey_label_map_count(), for their colours; %NULL colours each label by
 *   its value
 * @clear_background: whether label 0 is transparent (for an overlay)
 *
 * The mask in the categorical palette (drey_palette_class_color()), as
 * RGBA with straight alpha, 4 bytes a pixel, row after row. Safe on any
 * thread.
 *
 * Returns: (transfer full): width x height x 4 bytes
 */
guint8 *
drey_label_map_colorize (SqNdarray *array,
                         GArray    *classes,
                         gboolean   clear_background)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  gsize size = sq_dtype_get_itemsize (dtype);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  guint64 n = sq_ndarray_get_n_elements (array);
  guint8 *out = g_malloc (MAX (n, 1) * 4);
  guint last = 0;

  for (guint64 i = 0; i < n; i++)
    {
      gint64 label = -1;
      guint8 *px = out + i * 4;

      element_label (dtype, data + i * size, &label);
      drey_palette_class_color (classes != NULL ? class_color (classes, label, &last) : label, px);
      px[3] = clear_background && label == 0 ? 0 : 255;
    }
  return out;
}
