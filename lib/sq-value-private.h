/* sq-value-private.h: construction shortcuts for the decoders and the editors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-value.h"

G_BEGIN_DECLS

/* A str of @length bytes whose content the caller writes into *@data (and
 * validates) before sharing the value. */
SqValue *_sq_value_alloc_str (gsize   length,
                              char  **data);

/* An array or a map of @n entries whose slots (items; for a map, key and
 * value interleaved) the caller fills in before sharing it; the shared
 * empty one, with *@slots %NULL, when @n is 0. */
SqValue *_sq_value_alloc_container (SqValueType   type,
                                    gsize         n,
                                    SqValue    ***slots);

/* The slots of an array or a map, laid out as above; %NULL when empty. */
SqValue *const *_sq_value_get_slots (const SqValue *container);

/* A msgpack float32 from its bits, and its bits back: exact, where going
 * through a double would quiet a signalling NaN. */
SqValue *_sq_value_new_float32_bits  (guint32        bits);
guint32  _sq_value_get_float32_bits  (const SqValue *value);

/* Bytes a decoded node costs, for the decoders' memory budget. */
#define _SQ_VALUE_NODE_COST 48

G_END_DECLS

G_BEGIN_DECLS

/* Roughly what @value and everything under it cost in memory. */
guint64  _sq_value_cost      (const SqValue *value);

/* What a value is, for the decoders' messages: "an int", "a str". */
const char *_sq_value_type_phrase (const SqValue *value);

/* An array's shape as msgpack-numpy and squirrel's JSON give it: a list of
 * lengths, or one length (numpy takes a bare int). With @allow_infer a
 * length may be -1, as reshape() allows; the caller works it out. The
 * message says what is wrong without saying where. */
/* An array's type as msgpack-numpy and squirrel's JSON give it: a numpy
 * type string (a str, or a bin in old data) or a descr list for a
 * structured dtype. A string holding a NUL, or longer than any numpy
 * type string, is refused rather than read up to the NUL. */
SqDtype *_sq_dtype_new_from_value (const SqValue  *type,
                                   GError        **error);

gboolean _sq_shape_from_value (const SqValue  *shape,
                               gboolean        allow_infer,
                               guint          *ndim,
                               gint64         *dims,
                               GError        **error);

G_END_DECLS
