/* drey-normalize.c: float images normalized with a mean and std, undone
 *
 * Training code feeds networks `(image / 255 - mean) / std` per channel
 * (torchvision's Normalize; ImageNet's mean 0.485, 0.456, 0.406 and std
 * 0.229, 0.224, 0.225 most often). Undoing it gives back the picture:
 * `x * std + mean`, times 255 when mean and std are fractions (the image
 * was scaled to 0..1 first), rounded half up and clamped to 0..255. NaN
 * is black. The same pixel loop as drey_image_map_pixels(), in layout:
 * rows of width x channels bytes, and a NaN in any channel makes its pixel
 * black.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-normalize"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drey-normalize.h"

static const double imagenet_mean[3] = { 0.485, 0.456, 0.406 };
static const double imagenet_std[3] = { 0.229, 0.224, 0.225 };

/**
 * drey_normalization_init_imagenet:
 * @channels: 1, 3 or 4; grey takes the mean of the three, alpha 0 and 1
 */
void
drey_normalization_init_imagenet (DreyNormalization *norm,
                                  guint              channels)
{
  g_return_if_fail (channels >= 1 && channels <= 4);

  norm->channels = channels;
  for (guint c = 0; c < 4; c++)
    {
      norm->mean[c] = c < 3 ? imagenet_mean[c] : 0.0;
      norm->std[c] = c < 3 ? imagenet_std[c] : 1.0;
    }
  if (channels == 1)
    {
      norm->mean[0] = (imagenet_mean[0] + imagenet_mean[1] + imagenet_mean[2]) / 3;
      norm->std[0] = (imagenet_std[0] + imagenet_std[1] + imagenet_std[2]) / 3;
    }
}

static gboolean
value_to_double (SqValue *value,
                 double  *out)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_INT:
      *out = (double) sq_value_get_int (value);
      return TRUE;
    case SQ_VALUE_UINT:
      *out = (double) sq_value_get_uint (value);
      return TRUE;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      *out = sq_value_get_double (value);
      return TRUE;
    case SQ_VALUE_SCALAR:
      if (!sq_dtype_is_numeric (sq_value_get_scalar_dtype (value)) ||
          sq_dtype_get_kind (sq_value_get_scalar_dtype (value)) == SQ_DTYPE_KIND_COMPLEX)
        return FALSE;
      *out = sq_dtype_element_to_double (sq_value_get_scalar_dtype (value), sq_value_get_scalar_data (value));
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * drey_normalization_parse_values:
 * @value: a sample's `mean` or `std`: a number (all channels), or a list or
 *   array of one number a channel (any shape: (3,), (3, 1, 1))
 * @channels: the image's channels
 * @out: (out caller-allocates): a number per channel
 *
 * Returns: whether @value holds a number, or @channels numbers
 */
gboolean
drey_normalization_parse_values (SqValue *value,
                                 guint    channels,
                                 double   out[4])
{
  double one;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (channels >= 1 && channels <= 4, FALSE);

  if (value_to_double (value, &one))
    {
      for (guint c = 0; c < 4; c++)
        out[c] = one;
      return isfinite (one);
    }
  if (sq_value_get_value_type (value) == SQ_VALUE_ARRAY)
    {
      gsize n = sq_value_get_length (value);

      if (n != channels && n != 1)
        return FALSE;
      for (guint c = 0; c < channels; c++)
        if (!value_to_double (sq_value_get_item (value, n == 1 ? 0 : c), &out[c]) || !isfinite (out[c]))
          return FALSE;
      return TRUE;
    }
  if (sq_value_get_value_type (value) == SQ_VALUE_NDARRAY)
    {
      SqNdarray *array = sq_value_get_ndarray (value);
      SqDtype *dtype = sq_ndarray_get_dtype (array);
      guint64 n = sq_ndarray_get_n_elements (array);
      SqDtypeKind kind = sq_dtype_get_kind (dtype);

      if ((n != channels && n != 1) || !sq_dtype_is_numeric (dtype) || kind == SQ_DTYPE_KIND_COMPLEX)
        return FALSE;
      for (guint c = 0; c < channels; c++)
        {
          out[c] = sq_dtype_element_to_double (dtype, sq_ndarray_get_element_data (array, n == 1 ? 0 : c));
          if (!isfinite (out[c]))
            return FALSE;
        }
      return TRUE;
    }
  return FALSE;
}

/**
 * drey_normalization_parse_text:
 * @text: what a user typed: one number, or @channels numbers separated by
 *   commas or spaces, in brackets or not ("0.485, 0.456, 0.406")
 * @out: (out caller-allocates)
 *
 * Returns: whether @text reads as one number or @channels
 */
gboolean
drey_normalization_parse_text (const char *text,
                               guint       channels,
                               double      out[4])
{
  double values[4];
  guint n = 0;
  const char *p = text;

  g_return_val_if_fail (text != NULL, FALSE);

  while (*p != '\0')
    {
      char *end;

      while (*p == ' ' || *p == ',' || *p == '[' || *p == ']' || *p == '(' || *p == ')' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      if (n == 4)
        return FALSE;
      values[n] = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (values[n]))
        return FALSE;
      n++;
      p = end;
    }
  if (n != 1 && n != channels)
    return FALSE;
  for (guint c = 0; c < 4; c++)
    out[c] = values[n == 1 ? 0 : MIN (c, n - 1)];
  return TRUE;
}

static inline guint64
element_index (const DreyImageShape *shape,
               guint                 x,
               guint                 y,
               guint                 c)
{
  return shape->channels_first ? ((guint64) c * shape->height + y) * shape->width + x
                               : ((guint64) y * shape->width + x) * shape->channels + c;
}

/**
 * drey_normalization_map_pixels:
 * @array: a float image (drey_image_get_shape())
 * @shape: its shape
 * @norm: the normalization to undo, @shape's channels of it
 * @cancellable: (nullable): checked every row
 * @error: #G_IO_ERROR_CANCELLED
 *
 * The image with @norm undone (this file's comment says how), 8 bits a
 * channel, width x height x channels bytes. Safe on any thread.
 *
 * Returns: (transfer full): the pixels, or %NULL if cancelled
 */
guint8 *
drey_normalization_map_pixels (SqNdarray               *array,
                               const DreyImageShape    *shape,
                               const DreyNormalization *norm,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  gsize size = sq_dtype_get_itemsize (dtype);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  guint w = shape->width, h = shape->height, nc = shape->channels;
  gboolean fractions = TRUE;
  guint8 *pixels;

  g_return_val_if_fail (norm != NULL, NULL);

  for (guint c = 0; c < nc; c++)
    fractions &= fabs (norm->mean[c]) <= 1.0 && fabs (norm->std[c]) <= 1.0;

  pixels = g_malloc ((gsize) w * h * nc);
  for (guint y = 0; y < h; y++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_free (pixels);
          return NULL;
        }
      for (guint x = 0; x < w; x++)
        {
          guint8 *px = pixels + ((gsize) y * w + x) * nc;
          gboolean nan = FALSE;

          for (guint c = 0; c < nc; c++)
            {
              double v = sq_dtype_element_to_double (dtype, data + element_index (shape, x, y, c) * size);
              double p = v * norm->std[c] + norm->mean[c];

              if (fractions)
                p *= 255.0;
              nan |= isnan (p);
              px[c] = isnan (p) ? 0 : (guint8) CLAMP (floor (p + 0.5), 0, 255);
            }
          /* A NaN in any channel makes the pixel black (and opaque), as
           * drey_image_map_pixels() does. */
          if (nan)
            {
              memset (px, 0, MIN (nc, 3));
              if (nc == 4)
                px[3] = 255;
            }
        }
    }
  return pixels;
}

/**
 * drey_image_channel_stats:
 * @array: an image (drey_image_get_shape())
 * @shape: its shape
 * @cancellable: (nullable)
 * @error: #G_IO_ERROR_CANCELLED
 *
 * Min, max, mean and std of each channel's finite values (two passes, so
 * the std does not lose digits). Safe on any thread.
 *
 * Returns: (transfer full) (array fixed-size=channels): one a channel, or
 *   %NULL if cancelled
 */
DreyChannelStats *
drey_image_channel_stats (SqNdarray             *array,
                          const DreyImageShape  *shape,
                          GCancellable          *cancellable,
                          GError               **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  gsize size = sq_dtype_get_itemsize (dtype);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  guint nc = shape->channels;
  g_autofree DreyChannelStats *stats = g_new0 (DreyChannelStats, nc);

  for (guint c = 0; c < nc; c++)
    {
      double sum = 0, sq = 0;

      stats[c].min = INFINITY;
      stats[c].max = -INFINITY;
      for (guint pass = 0; pass < 2; pass++)
        for (guint y = 0; y < shape->height; y++)
          {
            if (g_cancellable_set_error_if_cancelled (cancellable, error))
              return NULL;
            for (guint x = 0; x < shape->width; x++)
              {
                double v = sq_dtype_element_to_double (dtype, data + element_index (shape, x, y, c) * size);

                if (!isfinite (v))
                  continue;
                if (pass == 0)
                  {
                    stats[c].min = MIN (stats[c].min, v);
                    stats[c].max = MAX (stats[c].max, v);
                    sum += v;
                    stats[c].n_finite++;
                  }
                else
                  sq += (v - stats[c].mean) * (v - stats[c].mean);
              }
            if (pass == 0 && y == shape->height - 1)
              stats[c].mean = stats[c].n_finite > 0 ? sum / stats[c].n_finite : NAN;
          }
      stats[c].std = stats[c].n_finite > 0 ? sqrt (sq / stats[c].n_finite) : NAN;
      if (stats[c].n_finite == 0)
        stats[c].min = stats[c].max = NAN;
    }
  return g_steal_pointer (&stats);
}
