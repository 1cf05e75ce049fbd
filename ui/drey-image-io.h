/* drey-image-io.h: PNG files to arrays and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/**
 * DreyImageIoError:
 * @DREY_IMAGE_IO_ERROR_INVALID: not a PNG file, or a damaged one
 * @DREY_IMAGE_IO_ERROR_UNSUPPORTED: a PNG Drey cannot read without losing
 *   values (16 bits a channel), or an array that does not read as an image
 */
typedef enum
{
  DREY_IMAGE_IO_ERROR_INVALID,
  DREY_IMAGE_IO_ERROR_UNSUPPORTED,
} DreyImageIoError;

#define DREY_IMAGE_IO_ERROR (drey_image_io_error_quark ())
GQuark     drey_image_io_error_quark (void);

SqNdarray *drey_image_io_load_png    (GBytes     *bytes,
                                      GError    **error);
GBytes    *drey_image_io_save_png    (SqNdarray  *array,
                                      GError    **error);

G_END_DECLS
