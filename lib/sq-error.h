/* sq-error.h: error domains shared by the readers and writers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SqDecodeError:
 * @SQ_DECODE_ERROR_GZIP: not gzip, corrupt deflate data, a CRC or length
 *   mismatch, or bytes after the last member that are not padding
 * @SQ_DECODE_ERROR_TRUNCATED: the data ends inside a gzip member or a value
 * @SQ_DECODE_ERROR_MALFORMED: invalid msgpack or JSON, invalid UTF-8, a map
 *   key that is neither str nor bin
 * @SQ_DECODE_ERROR_ARRAY: an ndarray or numpy scalar that does not hold
 *   together: a bad dtype, a shape that does not match its data
 * @SQ_DECODE_ERROR_LIMIT: nesting, a length, the decompressed size or the
 *   memory budget goes beyond its limit
 * @SQ_DECODE_ERROR_AMBIGUOUS: the bytes decode both as msgpack and as JSON
 *   Lines, and nothing tells which serializer wrote them; choose one
 *
 * What is wrong with a shard's bytes. Messages name the shard and the byte
 * offset (in the decompressed data, or in the file for gzip errors).
 */
typedef enum
{
  SQ_DECODE_ERROR_GZIP,
  SQ_DECODE_ERROR_TRUNCATED,
  SQ_DECODE_ERROR_MALFORMED,
  SQ_DECODE_ERROR_ARRAY,
  SQ_DECODE_ERROR_LIMIT,
  SQ_DECODE_ERROR_AMBIGUOUS,
} SqDecodeError;

/**
 * SqEncodeError:
 * @SQ_ENCODE_ERROR_UNSUPPORTED: the value cannot be written in the chosen
 *   serializer (bytes in JSON Lines, an object array anywhere)
 * @SQ_ENCODE_ERROR_INVALID: the value is inconsistent (an integer out of
 *   range for its dtype, a ragged array)
 */
typedef enum
{
  SQ_ENCODE_ERROR_UNSUPPORTED,
  SQ_ENCODE_ERROR_INVALID,
} SqEncodeError;

#define SQ_DECODE_ERROR (sq_decode_error_quark ())
#define SQ_ENCODE_ERROR (sq_encode_error_quark ())

GQuark sq_decode_error_quark (void);
GQuark sq_encode_error_quark (void);

G_END_DECLS
