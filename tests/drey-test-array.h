/* drey-test-array.h: small arrays for the model tests, without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq.h"

G_BEGIN_DECLS

#ifndef SHAPE
#define SHAPE(...) ((const guint64[]) { __VA_ARGS__ })
#endif

/* An array of @type_string and @shape over a copy of @data. */
static inline SqNdarray *
drey_test_array_new (const char    *type_string,
                     guint          ndim,
                     const guint64 *shape,
                     gconstpointer  data,
                     gsize          size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (type_string, &error);
  g_autoptr(GBytes) bytes = NULL;
  SqNdarray *array;

  g_assert_no_error (error);
  bytes = g_bytes_new (data, size);
  array = sq_ndarray_new (dtype, ndim, shape, bytes, &error);
  g_assert_no_error (error);
  return array;
}

G_END_DECLS
