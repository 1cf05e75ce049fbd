/* drey-boxes.c: Nx4 arrays that are bounding boxes
 *
 * An array of N rows of 4 to 8 real numbers (the first four the box, the
 * rest a score or a class) is a list of boxes, not a picture. Its format
 * is told from the values against the image it belongs to: a format fits
 * when every box it reads is a box with a non-negative size inside the
 * image (a pixel of slack for rounding); values all within 0..1 on an
 * image bigger than a few pixels are fractions of its sides. When more
 * than one format fits, the guess says so and the user picks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-boxes"

#include "config.h"

#include <math.h>

#include "drey-boxes.h"

/* The largest box list and the widest row read as boxes. */
#define MAX_BOXES 100000
#define MAX_COLUMNS 8

const char *
drey_box_format_get_name (DreyBoxFormat format)
{
  switch (format)
    {
    case DREY_BOX_XYWH:
      return "xywh";
    case DREY_BOX_CXCYWH:
      return "cxcywh";
    case DREY_BOX_XYXY:
    default:
      return "xyxy";
    }
}

/**
 * drey_boxes_get_count:
 * @n_boxes: (out) (optional): N
 *
 * Whether @array's dtype and shape read as boxes: N x 4 to N x 8 of
 * integers or floats, N >= 1.
 */
gboolean
drey_boxes_get_count (SqNdarray *array,
                      guint     *n_boxes)
{
  SqDtypeKind kind;
  const guint64 *shape;

  g_return_val_if_fail (array != NULL, FALSE);

  kind = sq_dtype_get_kind (sq_ndarray_get_dtype (array));
  if (kind != SQ_DTYPE_KIND_INT && kind != SQ_DTYPE_KIND_UINT && kind != SQ_DTYPE_KIND_FLOAT)
    return FALSE;
  if (!sq_dtype_is_numeric (sq_ndarray_get_dtype (array)) || sq_ndarray_get_ndim (array) != 2)
    return FALSE;
  shape = sq_ndarray_get_shape (array);
  if (shape[0] < 1 || shape[0] > MAX_BOXES || shape[1] < 4 || shape[1] > MAX_COLUMNS)
    return FALSE;
  if (n_boxes != NULL)
    *n_boxes = (guint) shape[0];
  return TRUE;
}

static void
read_box (SqNdarray *array,
          guint      i,
          double     v[4])
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  guint64 columns = sq_ndarray_get_shape (array)[1];

  for (guint k = 0; k < 4; k++)
    v[k] = sq_dtype_element_to_double (dtype, sq_ndarray_get_element_data (array, i * columns + k));
}

/* Box @v in @format as left, top, right, bottom. */
static void
to_corners (const double  v[4],
            DreyBoxFormat format,
            double        out[4])
{
  switch (format)
    {
    case DREY_BOX_XYWH:
      out[0] = v[0], out[1] = v[1], out[2] = v[0] + v[2], out[3] = v[1] + v[3];
      break;
    case DREY_BOX_CXCYWH:
      out[0] = v[0] - v[2] / 2, out[1] = v[1] - v[3] / 2;
      out[2] = v[0] + v[2] / 2, out[3] = v[1] + v[3] / 2;
      break;
    case DREY_BOX_XYXY:
    default:
      out[0] = v[0], out[1] = v[1], out[2] = v[2], out[3] = v[3];
      break;
    }
}

/**
 * drey_boxes_guess:
 * @array: boxes (drey_boxes_get_count())
 * @image_width: the image they are on, in pixels
 * @image_height:
 * @guess: (out caller-allocates): which formats fit, and the units
 *
 * Tells the boxes' format and units from their values (this file's
 * comment says how). Rows with a NaN or an infinity are left out.
 */
void
drey_boxes_guess (SqNdarray    *array,
                  guint         image_width,
                  guint         image_height,
                  DreyBoxGuess *guess)
{
  guint n = 0;
  double hi = -INFINITY, lo = INFINITY;
  double w, h, slack;

  g_return_if_fail (drey_boxes_get_count (array, &n));
  g_return_if_fail (guess != NULL);

  for (guint i = 0; i < n; i++)
    {
      double v[4];

      read_box (array, i, v);
      for (guint k = 0; k < 4; k++)
        if (isfinite (v[k]))
          {
            hi = MAX (hi, v[k]);
            lo = MIN (lo, v[k]);
          }
    }
  /* Fractions: nothing above 1 (and a float array: 0/1 integers are pixels
   * more likely than a box the size of the image). */
  guess->normalized = hi <= 1.0 + 1e-6 &&
                      sq_dtype_get_kind (sq_ndarray_get_dtype (array)) == SQ_DTYPE_KIND_FLOAT;
  guess->units_certain = !guess->normalized || (image_width > 4 && image_height > 4 && hi > 0);
  w = guess->normalized ? 1.0 : image_width;
  h = guess->normalized ? 1.0 : image_height;
  slack = guess->normalized ? 1e-3 : 1.0;

  guess->n_fits = 0;
  for (guint f = 0; f < DREY_BOX_N_FORMATS; f++)
    {
      gboolean fits = TRUE;

      for (guint i = 0; i < n && fits; i++)
        {
          double v[4], c[4];

          read_box (array, i, v);
          if (!isfinite (v[0]) || !isfinite (v[1]) || !isfinite (v[2]) || !isfinite (v[3]))
            continue;
          to_corners (v, f, c);
          fits = c[2] >= c[0] && c[3] >= c[1] &&
                 c[0] >= -slack && c[1] >= -slack && c[2] <= w + slack && c[3] <= h + slack;
        }
      guess->fits[f] = fits;
      guess->n_fits += fits;
    }

  guess->format = DREY_BOX_XYXY;
  for (guint f = 0; f < DREY_BOX_N_FORMATS; f++)
    if (guess->fits[f])
      {
        guess->format = f;
        break;
      }
}

/**
 * drey_boxes_to_pixels:
 * @array: boxes (drey_boxes_get_count())
 * @format: how to read them
 * @normalized: whether the values are fractions of the image's sides
 * @image_width: the image, in pixels
 * @image_height:
 *
 * Returns: (transfer full): N x 4 doubles, each box's left, top, right and
 *   bottom in image pixels (NaN for a box with a NaN)
 */
double *
drey_boxes_to_pixels (SqNdarray     *array,
                      DreyBoxFormat  format,
                      gboolean       normalized,
                      guint          image_width,
                      guint          image_height)
{
  guint n = 0;
  double *out;

  g_return_val_if_fail (drey_boxes_get_count (array, &n), NULL);

  out = g_new (double, (gsize) n * 4);
  for (guint i = 0; i < n; i++)
    {
      double v[4];
      double *c = out + (gsize) i * 4;

      read_box (array, i, v);
      to_corners (v, format, c);
      if (normalized)
        {
          c[0] *= image_width, c[2] *= image_width;
          c[1] *= image_height, c[3] *= image_height;
        }
    }
  return out;
}
