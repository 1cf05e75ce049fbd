/* sq-json-private.h: samples as JSON, the way squirrel-core's JsonlDriver
 * writes and reads them (and drey-cli's superset of that)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-value.h"

G_BEGIN_DECLS

/* Arrays and objects nest at most this deep, as in Python's reader. */
#define SQ_JSON_MAX_DEPTH 1024

/**
 * SqJsonFlags:
 * @SQ_JSON_SQUIRREL: exactly squirrel-core's JsonSerializer convention:
 *   `json.dumps(x, cls=SquirrelJsonEncoder)` and its decoder's object hook
 * @SQ_JSON_DREY: drey-cli's convention, a superset: bytes as
 *   `{"$bytes": base64}`, bin map keys as `"$bytes:" + base64`, complex as
 *   `{"$complex": [re, im]}`, opaque values as `{"$opaque": reason}`,
 *   complex, `S`, `V`, datetime and structured arrays. Reading, it also
 *   takes everything %SQ_JSON_EXACT writes.
 * @SQ_JSON_EXACT: writing only: `drey-cli cat --exact`, lossless (README):
 *   numpy arrays and scalars as their dtype and raw bytes, msgpack float32
 *   marked, NaN payloads kept, Python complex as its repr, ext values kept,
 *   and every map that could read back as something else (a bin key, a
 *   str key starting with `$`, keys data/type/shape) as `{"$map": [[k, v]...]}`
 */
typedef enum
{
  SQ_JSON_SQUIRREL = 0,
  SQ_JSON_DREY     = 1 << 0,
  SQ_JSON_EXACT    = (1 << 1) | SQ_JSON_DREY,
} SqJsonFlags;

/* Appends @value as one JSON value (no newline). On failure returns FALSE
 * and sets an SQ_ENCODE_ERROR; @out may then hold a partial write, which
 * the caller discards. */
gboolean  _sq_json_append (GString      *out,
                           SqValue      *value,
                           SqJsonFlags   flags,
                           GError      **error);

/* Parses exactly one JSON value, with optional whitespace (space, \t, \n,
 * \r) around it, from @text[0..@length): @text need not be NUL-terminated.
 * Errors are SQ_DECODE_ERROR (or SQ_ENCODE_ERROR for `$opaque` in DREY
 * mode) with messages that start "at byte N: ", N counted from @text. */
SqValue  *_sq_json_parse  (const char   *text,
                           gsize         length,
                           SqJsonFlags   flags,
                           GError      **error);

G_END_DECLS
