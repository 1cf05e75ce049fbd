/* sq-value.h: one decoded value of a sample, immutable and shareable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq-types.h"

#include "sq-dtype.h"

G_BEGIN_DECLS


/**
 * SqValueType:
 * @SQ_VALUE_NIL: None
 * @SQ_VALUE_BOOL: a bool
 * @SQ_VALUE_INT: an integer that fits in gint64
 * @SQ_VALUE_UINT: an integer above %G_MAXINT64 (up to %G_MAXUINT64)
 * @SQ_VALUE_FLOAT32: a msgpack float 32 (Python itself always writes float 64)
 * @SQ_VALUE_FLOAT64: a float
 * @SQ_VALUE_STR: a UTF-8 string (may hold U+0000)
 * @SQ_VALUE_BIN: bytes
 * @SQ_VALUE_ARRAY: a list (a tuple, as squirrel reads it)
 * @SQ_VALUE_MAP: a dict: keys are str or bin, unique, in order
 * @SQ_VALUE_NDARRAY: a numpy array
 * @SQ_VALUE_SCALAR: a numpy scalar such as `np.int64(7)`: a dtype and one element
 * @SQ_VALUE_COMPLEX: a Python complex
 * @SQ_VALUE_OPAQUE: something shown but never executed or interpreted: a
 *   pickled object array, a msgpack ext type
 */
typedef enum
{
  SQ_VALUE_NIL,
  SQ_VALUE_BOOL,
  SQ_VALUE_INT,
  SQ_VALUE_UINT,
  SQ_VALUE_FLOAT32,
  SQ_VALUE_FLOAT64,
  SQ_VALUE_STR,
  SQ_VALUE_BIN,
  SQ_VALUE_ARRAY,
  SQ_VALUE_MAP,
  SQ_VALUE_NDARRAY,
  SQ_VALUE_SCALAR,
  SQ_VALUE_COMPLEX,
  SQ_VALUE_OPAQUE,
} SqValueType;

/**
 * SqOpaqueKind:
 * @SQ_OPAQUE_PICKLE: a numpy object array; its data is a pickle
 * @SQ_OPAQUE_EXT: a msgpack ext value (type code and bytes), timestamps included
 * @SQ_OPAQUE_BIG_INT: a JSON integer beyond 64 bits (Python reads `2**64`
 *   and `10**30`); its data is the exact decimal text, written back as it
 *   is to JSON and refused by msgpack (whose ints have 64 bits)
 * @SQ_OPAQUE_JSON: JSON that is kept but not interpreted: an object
 *   array (`"type": "|O"`) of a JSON Lines shard; its data is the JSON
 *   text, written back as it is to JSON
 */
typedef enum
{
  SQ_OPAQUE_PICKLE,
  SQ_OPAQUE_EXT,
  SQ_OPAQUE_BIG_INT,
  SQ_OPAQUE_JSON,
} SqOpaqueKind;

#define SQ_TYPE_VALUE (sq_value_get_type ())

GType         sq_value_get_type            (void) G_GNUC_CONST;

SqValue      *sq_value_new_nil             (void);
SqValue      *sq_value_new_bool            (gboolean        value);
SqValue      *sq_value_new_int             (gint64          value);
SqValue      *sq_value_new_uint            (guint64         value);
SqValue      *sq_value_new_float32         (float           value);
SqValue      *sq_value_new_float64         (double          value);
SqValue      *sq_value_new_str             (const char     *utf8,
                                            gssize          length);
SqValue      *sq_value_new_bin             (GBytes         *bytes);
SqValue      *sq_value_new_array           (SqValue       **items,
                                            gsize           n_items);
SqValue      *sq_value_new_map             (SqValue       **entries,
                                            gsize           n_entries);
SqValue      *sq_value_new_ndarray         (SqNdarray      *array);
SqValue      *sq_value_new_scalar          (SqDtype        *dtype,
                                            const void     *element);
SqValue      *sq_value_new_complex         (double          real,
                                            double          imag,
                                            const char     *repr);
SqValue      *sq_value_new_opaque          (SqOpaqueKind    kind,
                                            gint8           ext_type,
                                            GBytes         *data,
                                            const char     *reason);

SqValue      *sq_value_ref                 (SqValue        *value);
void          sq_value_unref               (SqValue        *value);

SqValueType   sq_value_get_value_type      (const SqValue  *value);
gboolean      sq_value_get_bool            (const SqValue  *value);
gint64        sq_value_get_int             (const SqValue  *value);
guint64       sq_value_get_uint            (const SqValue  *value);
double        sq_value_get_double          (const SqValue  *value);
const char   *sq_value_get_str             (const SqValue  *value,
                                            gsize          *length);
GBytes       *sq_value_get_bin             (const SqValue  *value);
gsize         sq_value_get_length          (const SqValue  *value);
SqValue      *sq_value_get_item            (const SqValue  *value,
                                            gsize           index);
SqValue      *sq_value_get_key             (const SqValue  *value,
                                            gsize           index);
SqValue      *sq_value_lookup              (const SqValue  *value,
                                            const char     *key);
SqNdarray    *sq_value_get_ndarray         (const SqValue  *value);
SqDtype      *sq_value_get_scalar_dtype    (const SqValue  *value);
const guint8 *sq_value_get_scalar_data     (const SqValue  *value);
void          sq_value_get_complex         (const SqValue  *value,
                                            double         *real,
                                            double         *imag);
const char   *sq_value_get_complex_repr    (const SqValue  *value);
SqOpaqueKind  sq_value_get_opaque_kind     (const SqValue  *value);
gint8         sq_value_get_opaque_ext_type (const SqValue  *value);
GBytes       *sq_value_get_opaque_data     (const SqValue  *value);
const char   *sq_value_get_opaque_reason   (const SqValue  *value);

gboolean      sq_value_is_container        (const SqValue  *value);
char         *sq_value_describe_type       (const SqValue  *value);
char         *sq_value_format              (const SqValue  *value,
                                            gsize           max_chars);
gboolean      sq_value_equal               (const SqValue  *a,
                                            const SqValue  *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqValue, sq_value_unref)

G_END_DECLS

#include "sq-value-edit.h"
