/* sq-json.h: values as JSON: squirrel-core's JsonSerializer convention,
 * and two supersets of it that keep what plain JSON cannot hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-value.h"

G_BEGIN_DECLS

/**
 * SqJsonFlags:
 * @SQ_JSON_SQUIRREL: exactly squirrel-core's JsonSerializer convention:
 *   `json.dumps(x, cls=SquirrelJsonEncoder)` and its decoder's object hook
 *   (numpy arrays as `{"data": tolist(), "type": dtype.str, "shape": shape}`).
 *   What json.dumps cannot write (bytes, complex, np.bool_...) is an error.
 * @SQ_JSON_EXTENDED: a superset of %SQ_JSON_SQUIRREL: bytes as
 *   `{"$bytes": base64}`, bin map keys as `"$bytes:" + base64`, complex as
 *   `{"$complex": [re, im]}`, values that cannot be shown as
 *   `{"$opaque": reason}`; complex, `S`, `V`, datetime and structured
 *   arrays. Reading, it also takes everything %SQ_JSON_EXACT writes.
 * @SQ_JSON_EXACT: writing only, lossless (it includes %SQ_JSON_EXTENDED):
 *   numpy arrays and scalars as their dtype and raw bytes, msgpack float32
 *   marked, NaN payloads kept, Python complex as its repr, ext values kept,
 *   and every map that could read back as something else (a bin key, a
 *   str key starting with `$`, the keys data/type/shape) as
 *   `{"$map": [[k, v]...]}`. Read it back with %SQ_JSON_EXTENDED.
 *
 * The JSON conventions sq_json_append() writes and sq_json_parse() reads.
 */
typedef enum
{
  SQ_JSON_SQUIRREL = 0,
  SQ_JSON_EXTENDED = 1 << 0,
  SQ_JSON_EXACT    = (1 << 1) | SQ_JSON_EXTENDED,
} SqJsonFlags;

gboolean  sq_json_append     (GString      *out,
                              SqValue      *value,
                              SqJsonFlags   flags,
                              GError      **error);
SqValue  *sq_json_parse      (const char   *text,
                              gsize         length,
                              SqJsonFlags   flags,
                              GError      **error);

char     *sq_value_to_json   (SqValue      *value,
                              GError      **error);
SqValue  *sq_value_from_json (const char   *text,
                              gssize        length,
                              GError      **error);

G_END_DECLS
