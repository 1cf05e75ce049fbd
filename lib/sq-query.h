/* sq-query.h: a Python-shaped expression that a sample matches or not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq-value.h"

G_BEGIN_DECLS

/**
 * SqQueryError:
 * @SQ_QUERY_ERROR_SYNTAX: the expression is malformed: an unexpected or
 *   missing token, an unknown function or method, an unterminated string
 * @SQ_QUERY_ERROR_LIMIT: the expression is too long or nested too deep
 *
 * Why an expression is refused. The message names the position:
 * `query: at character 9: expected an operand, found ')'` (1-based, in
 * characters, not bytes).
 */
typedef enum
{
  SQ_QUERY_ERROR_SYNTAX,
  SQ_QUERY_ERROR_LIMIT,
} SqQueryError;

#define SQ_QUERY_ERROR (sq_query_error_quark ())
GQuark sq_query_error_quark (void);

/* Limits of what sq_query_new() accepts: longer or deeper is an error. */
#define SQ_QUERY_MAX_LENGTH (64 * 1024)
#define SQ_QUERY_MAX_DEPTH  200

/**
 * SqQuery:
 *
 * A filter over samples, written as a Python expression over the
 * sample's fields, immutable (usable from any thread once made).
 *
 * **Operands.**
 * - A name is a key of the sample (a map): `label`. Then `.key` or
 *   `['key']` looks up a map key (`metadata.key`, `meta['a b']`), `[i]`
 *   an item of a list, a tuple, a str, or a 1-d array (`boxes[0]`,
 *   negative from the end: `boxes[-1]`).
 * - Literals: ints (decimal, `0x`, `0o`, `0b`; at most 64 bits), floats
 *   (`1.5`, `1e-3`, `inf` and `nan` are not literals), strs in `'...'` or
 *   `"..."` with Python's escapes (`\n`, `\t`, `\\`, `\'`, `\"`,
 *   `\xhh`, `\uhhhh`, `\Uhhhhhhhh`), `True`, `False`, `None`, lists
 *   `[1, 2]` and tuples `(1, 2)`; unary `-` and `+` on numbers.
 * - `len(x)`: items of a list, tuple or map, characters of a str, bytes of
 *   bytes, the first dimension of an array.
 * - On an array (or a numpy scalar, for `dtype`): `x.shape` (a tuple, so
 *   `x.shape[0]`, `x.shape == (224, 224, 3)`), `x.ndim`, `x.size`,
 *   `x.dtype`, and `x.min()`, `x.max()`, `x.mean()`, `x.std()`, `x.sum()`
 *   (as floats; NaN when the array holds one, as numpy gives; an empty
 *   array has none of them, as numpy raises). `x.dtype` equals a str that
 *   names the same dtype, by numpy's name or its type string: a
 *   little-endian float32 array matches `x.dtype == 'float32'`,
 *   `== '<f4'`, `== 'f4'` and `== '=f4'`, not `== '>f4'`.
 *
 * **Operators**, loosest first: `or`; `and`; `not`; comparisons `==`
 * `!=` `<` `<=` `>` `>=` `in` `not in` `is` `is not`, chained as in Python
 * (`0 <= label < 10`); parentheses group. `a in b` is a substring test
 * for strs and bytes, membership for lists and tuples, a key test for
 * maps, and for arrays numpy's `(b == a).any()`. `is` tells None, True
 * and False apart from everything else (`x is None`, `x is not None`).
 *
 * **Values compare as Python compares them**: ints and floats exactly
 * (`9007199254740993 != 9007199254740992.0`), bool as an int (`True == 1`), a numpy scalar
 * or a msgpack float32 as its number, a list equal to a tuple with equal
 * items (squirrel reads lists as tuples, so `bbox == [0, 0, 4, 4]` is
 * what users mean); a str never equals bytes.
 *
 * **Missing fields are not errors.** A path that is not there (a key
 * that is not in the map, an index out of range, `.shape` of an int), and
 * an operation Python would refuse (`'a' < 1`, `len(3)`, an array in a
 * truth test, `None < 1`) give *unknown*: it compares and tests as
 * neither true nor false, `not` of unknown is unknown, `and` is false if
 * either side is false, `or` true if either side is true, and a sample
 * matches only when the whole expression is true. So a sample without
 * `label` matches neither `label == 3` nor `not label == 3`, nor
 * `label is None`. A bare operand is true as Python's `bool()` says
 * (`tags` is true for a non-empty list).
 *
 * - sq_query_new(): parses @expression; %NULL with an #SQ_QUERY_ERROR
 *   (whose message says where) if it is malformed, and then, if
 *   @error_position is not %NULL, the 0-based character offset of the
 *   fault in it.
 * - sq_query_get_expression(): the text it was made from.
 * - sq_query_matches(): %TRUE if @sample makes the expression true.
 */

#define SQ_TYPE_QUERY (sq_query_get_type ())

G_DECLARE_FINAL_TYPE (SqQuery, sq_query, SQ, QUERY, GObject)

SqQuery    *sq_query_new            (const char     *expression,
                                     guint          *error_position,
                                     GError        **error);
const char *sq_query_get_expression (SqQuery        *self);
gboolean    sq_query_matches        (SqQuery        *self,
                                     const SqValue  *sample);

G_END_DECLS
