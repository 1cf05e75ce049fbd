/* sq-dtype.h: a numpy dtype, as msgpack-numpy names it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq-types.h"

G_BEGIN_DECLS


/**
 * SqDtypeKind:
 *
 * numpy's `dtype.kind`, one value per letter.
 */
typedef enum
{
  SQ_DTYPE_KIND_BOOL,      /* b */
  SQ_DTYPE_KIND_INT,       /* i */
  SQ_DTYPE_KIND_UINT,      /* u */
  SQ_DTYPE_KIND_FLOAT,     /* f */
  SQ_DTYPE_KIND_COMPLEX,   /* c */
  SQ_DTYPE_KIND_UNICODE,   /* U: UCS-4, NUL-padded */
  SQ_DTYPE_KIND_BYTES,     /* S: NUL-padded */
  SQ_DTYPE_KIND_DATETIME,  /* M: int64 counts of a unit */
  SQ_DTYPE_KIND_TIMEDELTA, /* m */
  SQ_DTYPE_KIND_VOID,      /* V: raw bytes, or a structured record */
  SQ_DTYPE_KIND_OBJECT,    /* O: pickled Python objects, never decoded */
} SqDtypeKind;

typedef enum
{
  SQ_BYTE_ORDER_NONE, /* '|': single bytes, strings of bytes, records */
  SQ_BYTE_ORDER_LITTLE,
  SQ_BYTE_ORDER_BIG,
} SqByteOrder;

/**
 * SqDtypeField:
 * @name: the field name ("" for padding)
 * @offset: byte offset of the field in a record
 * @dtype: the element dtype of the field
 * @ndim: number of sub-array dimensions (0 for a plain field)
 * @shape: (array length=ndim): the sub-array shape
 *
 * One field of a structured dtype.
 */
typedef struct
{
  const char    *name;
  gsize          offset;
  SqDtype       *dtype;
  guint          ndim;
  const guint64 *shape;
} SqDtypeField;

#define SQ_TYPE_DTYPE (sq_dtype_get_type ())

GType         sq_dtype_get_type            (void) G_GNUC_CONST;

SqDtype      *sq_dtype_new_from_string     (const char    *type_string,
                                            GError       **error);
SqDtype      *sq_dtype_new_from_descr      (SqValue       *descr,
                                            GError       **error);
SqDtype      *sq_dtype_new                 (SqDtypeKind    kind,
                                            SqByteOrder    byte_order,
                                            gsize          itemsize);
SqDtype      *sq_dtype_ref                 (SqDtype       *dtype);
void          sq_dtype_unref               (SqDtype       *dtype);

SqDtypeKind   sq_dtype_get_kind            (const SqDtype *dtype);
SqByteOrder   sq_dtype_get_byte_order      (const SqDtype *dtype);
gsize         sq_dtype_get_itemsize        (const SqDtype *dtype);
const char   *sq_dtype_get_type_string     (const SqDtype *dtype);
const char   *sq_dtype_get_name            (const SqDtype *dtype);
const char   *sq_dtype_get_unit            (const SqDtype *dtype);
SqValue      *sq_dtype_get_descr           (const SqDtype *dtype);
guint         sq_dtype_get_n_fields        (const SqDtype *dtype);
const SqDtypeField *
              sq_dtype_get_field           (const SqDtype *dtype,
                                            guint          index);
gboolean      sq_dtype_is_numeric          (const SqDtype *dtype);
gboolean      sq_dtype_needs_swap          (const SqDtype *dtype);
gboolean      sq_dtype_equal               (const SqDtype *a,
                                            const SqDtype *b);
double        sq_dtype_element_to_double   (const SqDtype *dtype,
                                            const guint8  *element);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqDtype, sq_dtype_unref)

G_END_DECLS
