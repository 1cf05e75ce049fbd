/* drey-pixel-private.h: array elements as pixels, for the image preview
 * and the PNG export, which must show the same thing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include "sq-number-private.h"
#include "sq.h"

G_BEGIN_DECLS

/* One element of a numeric array, as a double. */
static inline double
_drey_pixel_load (SqDtypeKind   kind,
                  gsize         size,
                  gboolean      swap,
                  const guint8 *p)
{
  switch (kind)
    {
    case SQ_DTYPE_KIND_BOOL:
      return *p != 0;
    case SQ_DTYPE_KIND_INT:
      return size == 1 ? (gint8) *p
           : size == 2 ? (gint16) _sq_load_u16 (p, swap)
           : size == 4 ? (gint32) _sq_load_u32 (p, swap)
           : (double) (gint64) _sq_load_u64 (p, swap);
    case SQ_DTYPE_KIND_UINT:
      return size == 1 ? *p
           : size == 2 ? _sq_load_u16 (p, swap)
           : size == 4 ? _sq_load_u32 (p, swap)
           : (double) _sq_load_u64 (p, swap);
    case SQ_DTYPE_KIND_FLOAT:
      return size == 2 ? _sq_half_to_double (_sq_load_u16 (p, swap))
           : size == 4 ? _sq_load_f32 (p, swap)
           : size == 8 ? _sq_load_f64 (p, swap)
           : (double) _sq_load_f128 (p, swap);
    default:
      g_assert_not_reached ();
    }
}

/* One element as a byte: @lo..@hi onto 0..255; infinities at the ends; a
 * constant image mid-grey. (NaN pixels are the caller's.) */
static inline guint8
_drey_pixel_scale (double v,
                   double lo,
                   double hi)
{
  if (isnan (v))
    return 0;
  if (isinf (v))
    return v > 0 ? 255 : 0;
  if (!(hi > lo))
    return 128;
  return (guint8) CLAMP (lround ((v - lo) / (hi - lo) * 255.0), 0, 255);
}

G_END_DECLS
