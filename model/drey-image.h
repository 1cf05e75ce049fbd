/* drey-image.h: arrays as images, and PNG files to arrays and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/**
 * DreyImageError:
 * @DREY_IMAGE_ERROR_INVALID: not a PNG file, or a damaged one
 * @DREY_IMAGE_ERROR_UNSUPPORTED: a PNG that cannot be read without losing
 *   values (16 bits a channel), or an array that does not read as an image
 */
typedef enum
{
  DREY_IMAGE_ERROR_INVALID,
  DREY_IMAGE_ERROR_UNSUPPORTED,
} DreyImageError;

#define DREY_IMAGE_ERROR (drey_image_error_quark ())
GQuark     drey_image_error_quark (void);

/**
 * DreyImageShape:
 * @width: in pixels
 * @height: in pixels
 * @channels: 1 (grey), 3 (RGB) or 4 (RGBA)
 * @channels_first: whether the array is CxHxW (else HxW or HxWxC)
 */
typedef struct
{
  guint    width;
  guint    height;
  guint    channels;
  gboolean channels_first;
} DreyImageShape;

gboolean   drey_image_get_shape   (SqNdarray             *array,
                                   DreyImageShape        *shape);
gboolean   drey_image_pattern_is_image (const char       *pattern);
guint8    *drey_image_map_pixels  (SqNdarray             *array,
                                   const DreyImageShape  *shape,
                                   guint                  step,
                                   GCancellable          *cancellable,
                                   GError               **error);
SqNdarray *drey_image_load_png    (GBytes                *bytes,
                                   GError               **error);
GBytes    *drey_image_save_png    (SqNdarray             *array,
                                   GError               **error);

G_END_DECLS
