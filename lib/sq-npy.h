/* sq-npy.h: numpy's .npy files, read and written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-ndarray.h"

G_BEGIN_DECLS

/**
 * SqNpyError:
 * @SQ_NPY_ERROR_INVALID: not a .npy file, or a header that does not hold
 *   together (bad magic, version, dict, dtype, shape, or a data size that
 *   does not match the shape)
 * @SQ_NPY_ERROR_UNSUPPORTED: a valid file this library does not take: an
 *   object (pickled) array, or a structured dtype with object or titled
 *   fields
 */
typedef enum
{
  SQ_NPY_ERROR_INVALID,
  SQ_NPY_ERROR_UNSUPPORTED,
} SqNpyError;

#define SQ_NPY_ERROR (sq_npy_error_quark ())
GQuark      sq_npy_error_quark (void);

SqNdarray  *sq_npy_read        (GBytes     *bytes,
                                GError    **error);
GBytes     *sq_npy_write       (SqNdarray  *array,
                                GError    **error);

G_END_DECLS
