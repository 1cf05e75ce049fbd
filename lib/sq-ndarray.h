/* sq-ndarray.h: a numpy array: dtype, shape and the bytes of its elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq-dtype.h"
#include "sq-types.h"

G_BEGIN_DECLS

/* numpy 1.x refuses arrays with more dimensions than this. */
#define SQ_NDARRAY_MAX_DIMS 32

#define SQ_TYPE_NDARRAY (sq_ndarray_get_type ())

GType          sq_ndarray_get_type           (void) G_GNUC_CONST;

SqNdarray     *sq_ndarray_new                (SqDtype         *dtype,
                                              guint            ndim,
                                              const guint64   *shape,
                                              GBytes          *data,
                                              GError         **error);
SqNdarray     *sq_ndarray_ref                (SqNdarray       *array);
void           sq_ndarray_unref              (SqNdarray       *array);

SqDtype       *sq_ndarray_get_dtype          (const SqNdarray *array);
guint          sq_ndarray_get_ndim           (const SqNdarray *array);
const guint64 *sq_ndarray_get_shape          (const SqNdarray *array);
guint64        sq_ndarray_get_n_elements     (const SqNdarray *array);
GBytes        *sq_ndarray_get_data           (const SqNdarray *array);
gconstpointer  sq_ndarray_get_element_data   (const SqNdarray *array,
                                              guint64          index);
char          *sq_ndarray_format_shape       (const SqNdarray *array);
char          *sq_ndarray_format_element     (const SqNdarray *array,
                                              guint64          index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqNdarray, sq_ndarray_unref)

G_END_DECLS
