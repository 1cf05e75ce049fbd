/* fuzz-msgpack-roundtrip.c: decode one sample, write it with Drey's
 * writer, decode again
 *
 * The input is a msgpack payload; its first sample is decoded (the rest is
 * ignored), packed with _sq_msgpack_pack() and decoded once more: the two
 * value trees must be identical (fuzz_values_identical()), and the writer
 * may refuse only a pickle. Where the sample's bytes were canonical, the
 * bytes written must be the sample's bytes.
 *
 * Canonical, checked here without Drey's reader, means what msgpack-python
 * 1.0 packb(use_bin_type=True, default=msgpack_numpy.encode) writes, plus
 * the float32 that Drey keeps as a type of its own:
 *
 * 1. every value in its smallest encoding: ints as positive or negative
 *    fixint, else uint8/16/32/64 for >= 0 and int8/16/32/64 for < 0, in
 *    the fewest bytes; str as fixstr/str8/16/32, bin as bin8/16/32,
 *    arrays and maps as fix/16/32, ext as fixext 1/2/4/8/16 or ext8/16/32,
 *    all by length; floats as float64, or float32;
 * 2. no map with two equal keys (a dict keeps one of them);
 * 3. a map with a bin key `nd` or `complex` is exactly one of the forms
 *    msgpack_numpy.encode writes, keys as bin and in this order:
 *    {nd: true, type: str, kind: "", shape, data} or {nd: true, type:
 *    [descr], kind: "V", shape, data} for an ndarray, with shape a list of
 *    ints and data exactly the elements' bytes (dtype and shape read with
 *    Drey's dtype parser); {nd: false, type, data} for a numpy scalar, data
 *    exactly one element; {complex: true, data: str} for a complex.
 *
 * Dtype strings and descrs are not checked against numpy's spelling
 * ("<f8", not "f8"): Drey writes both back as it read them, so this is a
 * superset of Python's canonical bytes, and the check is at least as
 * strict as "bytes Python wrote come back unchanged".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <msgpack.h>

#include "fuzz-common.h"
#include "sq-input-private.h"
#include "sq-msgpack-reader-private.h"
#include "sq-msgpack-writer-private.h"

/* ---- the canonical check ---------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Cursor;

/* A value's place in the bytes, for comparing keys and reading the
 * msgpack-numpy fields. */
typedef struct
{
  guint8        type; /* the first byte */
  const guint8 *start;
  const guint8 *end;
} Span;

static gboolean canonical_value (Cursor *c,
                                 guint   depth,
                                 Span   *span);

static gboolean
take (Cursor *c,
      gsize   n,
      guint64 *v)
{
  if ((gsize) (c->end - c->p) < n)
    return FALSE;
  *v = 0;
  for (gsize i = 0; i < n; i++)
    *v = *v << 8 | c->p[i];
  c->p += n;
  return TRUE;
}

static gboolean
skip (Cursor *c,
      guint64 n)
{
  if ((guint64) (c->end - c->p) < n)
    return FALSE;
  c->p += n;
  return TRUE;
}

/* Is a header that holds up to @max the smallest for a length of @n, the
 * next smaller one holding up to @smaller_max (-1: there is none)? */
static gboolean
smallest_length (guint64 n,
                 gint64  smaller_max,
                 guint64 max)
{
  return (smaller_max < 0 || n > (guint64) smaller_max) && n <= max;
}

static gboolean
spans_equal (const Span *a,
             const Span *b)
{
  return a->end - a->start == b->end - b->start && memcmp (a->start, b->start, a->end - a->start) == 0;
}

/* A bin key spelling @name (c4 len name). */
static gboolean
is_bin_key (const Span *key,
            const char *name)
{
  gsize len = strlen (name);

  return key->type == 0xc4 && (gsize) (key->end - key->start) == 2 + len && key->start[1] == len &&
         memcmp (key->start + 2, name, len) == 0;
}

/* The payload of a str or bin span: after its header. */
static gboolean
span_payload (const Span    *span,
              const guint8 **data,
              gsize         *len)
{
  guint8 b = span->type;
  gsize header;

  if ((b & 0xe0) == 0xa0)
    header = 1;
  else if (b == 0xd9 || b == 0xc4)
    header = 2;
  else if (b == 0xda || b == 0xc5)
    header = 3;
  else if (b == 0xdb || b == 0xc6)
    header = 5;
  else
    return FALSE;
  *data = span->start + header;
  *len = (gsize) (span->end - span->start) - header;
  return TRUE;
}

static gboolean
is_str (const Span *span)
{
  return (span->type & 0xe0) == 0xa0 || span->type == 0xd9 || span->type == 0xda || span->type == 0xdb;
}

static gboolean
is_bin (const Span *span)
{
  return span->type == 0xc4 || span->type == 0xc5 || span->type == 0xc6;
}

static gboolean
is_array (const Span *span)
{
  return (span->type & 0xf0) == 0x90 || span->type == 0xdc || span->type == 0xdd;
}

/* Reads the ints of a canonical shape list; FALSE if it is not one. */
static gboolean
shape_elements (const Span *shape,
                guint64    *n_elements)
{
  Cursor c = { shape->start, shape->end };
  guint64 n, product = 1;
  guint8 b = *c.p++;

  if ((b & 0xf0) == 0x90)
    n = b & 0x0f;
  else if (!take (&c, b == 0xdc ? 2 : 4, &n))
    return FALSE;
  for (guint64 i = 0; i < n; i++)
    {
      guint64 dim;

      b = *c.p++;
      if (b <= 0x7f)
        dim = b;
      else if (b >= 0xcc && b <= 0xcf)
        {
          if (!take (&c, (gsize) 1 << (b - 0xcc), &dim))
            return FALSE;
        }
      else
        return FALSE; /* negative, or not an int */
      if (!g_uint64_checked_mul (&product, product, dim))
        return FALSE;
    }
  *n_elements = product;
  return TRUE;
}

/* The itemsize the type (a str, or a descr list) names, read with Drey's
 * own parsers: what is checked here is the form of the map. */
static gboolean
type_itemsize (const Span *type,
               gsize      *itemsize)
{
  g_autoptr(SqDtype) dtype = NULL;

  if (is_str (type))
    {
      const guint8 *data = NULL;
      gsize len = 0;
      g_autofree char *text = NULL;

      span_payload (type, &data, &len);
      text = g_strndup ((const char *) data, len);
      if (strlen (text) != len)
        return FALSE;
      dtype = sq_dtype_new_from_string (text, NULL);
    }
  else
    {
      g_autoptr(GBytes) gzip = fuzz_gzip (type->start, (gsize) (type->end - type->start));
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (gzip);
      g_autoptr(SqInput) input = _sq_input_new (stream, g_bytes_get_size (gzip), FUZZ_SHARD, FUZZ_MEMORY_LIMIT);
      g_autoptr(SqMsgpackReader) reader = _sq_msgpack_reader_new (input, FUZZ_SHARD, FUZZ_MEMORY_LIMIT);
      g_autoptr(SqValue) descr = _sq_msgpack_reader_next (reader, NULL, NULL);

      if (descr != NULL)
        dtype = sq_dtype_new_from_descr (descr, NULL);
    }
  if (dtype == NULL)
    return FALSE;
  *itemsize = sq_dtype_get_itemsize (dtype);
  return TRUE;
}

static gboolean
bin_length (const Span *data,
            gsize      *len)
{
  const guint8 *payload;

  return is_bin (data) && span_payload (data, &payload, len);
}

/* Rule 3: the forms msgpack_numpy.encode writes. */
static gboolean
canonical_numpy_map (const Span *keys,
                     const Span *values,
                     guint64     n)
{
  gsize itemsize, data_len;

  if (n == 5 && is_bin_key (&keys[0], "nd") && values[0].type == 0xc3 && is_bin_key (&keys[1], "type") &&
      is_bin_key (&keys[2], "kind") && is_bin_key (&keys[3], "shape") && is_bin_key (&keys[4], "data"))
    {
      guint64 n_elements, needed;

      if (is_str (&values[1]) ? !is_bin_key (&values[2], "") : !(is_array (&values[1]) && is_bin_key (&values[2], "V")))
        return FALSE;
      return is_array (&values[3]) && shape_elements (&values[3], &n_elements) &&
             type_itemsize (&values[1], &itemsize) && bin_length (&values[4], &data_len) &&
             g_uint64_checked_mul (&needed, n_elements, itemsize) && needed == data_len;
    }
  if (n == 3 && is_bin_key (&keys[0], "nd") && values[0].type == 0xc2 && is_bin_key (&keys[1], "type") &&
      is_bin_key (&keys[2], "data"))
    return (is_str (&values[1]) || is_array (&values[1])) && type_itemsize (&values[1], &itemsize) &&
           bin_length (&values[2], &data_len) && data_len == itemsize;
  if (n == 2 && is_bin_key (&keys[0], "complex") && values[0].type == 0xc3 && is_bin_key (&keys[1], "data"))
    return is_str (&values[1]);
  return FALSE;
}

static gboolean
canonical_map (Cursor *c,
               guint64 n,
               guint   depth)
{
  g_autofree Span *keys = NULL;
  g_autofree Span *values = NULL;
  gboolean special = FALSE;

  if (n > (guint64) (c->end - c->p) / 2)
    return FALSE;
  keys = g_new (Span, MAX (n, 1));
  values = g_new (Span, MAX (n, 1));
  for (guint64 i = 0; i < n; i++)
    {
      if (!canonical_value (c, depth + 1, &keys[i]) || !canonical_value (c, depth + 1, &values[i]))
        return FALSE;
      for (guint64 j = 0; j < i; j++)
        if (spans_equal (&keys[i], &keys[j]))
          return FALSE;
      special = special || is_bin_key (&keys[i], "nd") || is_bin_key (&keys[i], "complex");
    }
  return !special || canonical_numpy_map (keys, values, n);
}

static gboolean
canonical_value (Cursor *c,
                 guint   depth,
                 Span   *span)
{
  guint8 b;
  guint64 v;

  if (c->p >= c->end || depth > SQ_MSGPACK_MAX_DEPTH)
    return FALSE;
  span->start = c->p;
  span->type = b = *c->p++;

  if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
    ;
  else if ((b & 0xe0) == 0xa0)
    {
      if (!skip (c, b & 0x1f))
        return FALSE;
    }
  else if ((b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd)
    {
      if ((b & 0xf0) == 0x90)
        v = b & 0x0f;
      else if (!take (c, b == 0xdc ? 2 : 4, &v) || !smallest_length (v, b == 0xdc ? 15 : 0xffff, b == 0xdc ? 0xffff : G_MAXUINT32))
        return FALSE;
      for (guint64 i = 0; i < v; i++)
        {
          Span item;

          if (!canonical_value (c, depth + 1, &item))
            return FALSE;
        }
    }
  else if ((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf)
    {
      if ((b & 0xf0) == 0x80)
        v = b & 0x0f;
      else if (!take (c, b == 0xde ? 2 : 4, &v) || !smallest_length (v, b == 0xde ? 15 : 0xffff, b == 0xde ? 0xffff : G_MAXUINT32))
        return FALSE;
      if (!canonical_map (c, v, depth))
        return FALSE;
    }
  else
    switch (b)
      {
      case 0xca:
      case 0xcb:
        if (!skip (c, b == 0xca ? 4 : 8))
          return FALSE;
        break;
      case 0xcc: case 0xcd: case 0xce: case 0xcf:
        {
          gsize size = (gsize) 1 << (b - 0xcc);

          /* not smaller as a fixint or a narrower uint */
          if (!take (c, size, &v) || v <= 0x7f || (size > 1 && v >> (4 * size) == 0))
            return FALSE;
          break;
        }
      case 0xd0: case 0xd1: case 0xd2: case 0xd3:
        {
          gsize size = (gsize) 1 << (b - 0xd0);
          gint64 s;

          if (!take (c, size, &v))
            return FALSE;
          s = size == 1 ? (gint8) v : size == 2 ? (gint16) v : size == 4 ? (gint32) v : (gint64) v;
          /* negative (else a uint), below a negative fixint, and not
           * narrower in fewer bytes */
          if (s >= -32 || (size > 1 && s >= -((gint64) 1 << (4 * size - 1))))
            return FALSE;
          break;
        }
      case 0xd9: case 0xda: case 0xdb:
      case 0xc4: case 0xc5: case 0xc6:
        {
          gsize width = (gsize) 1 << (b >= 0xd9 ? b - 0xd9 : b - 0xc4);
          /* str has a fix form up to 31 bytes, bin none: bin8 holds 0 */
          gint64 smaller_max = width == 1 ? (b >= 0xd9 ? 31 : -1) : width == 2 ? 0xff : 0xffff;

          if (!take (c, width, &v) || !skip (c, v) ||
              !smallest_length (v, smaller_max, width == 1 ? 0xff : width == 2 ? 0xffff : G_MAXUINT32))
            return FALSE;
          break;
        }
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        if (!skip (c, 1 + ((gsize) 1 << (b - 0xd4))))
          return FALSE;
        break;
      case 0xc7: case 0xc8: case 0xc9:
        {
          gsize width = (gsize) 1 << (b - 0xc7);

          if (!take (c, width, &v) || !skip (c, 1 + v))
            return FALSE;
          /* a fixext size, or a narrower length, is smaller */
          if (v == 1 || v == 2 || v == 4 || v == 8 || v == 16 ||
              (width > 1 && v >> (4 * width) == 0))
            return FALSE;
          break;
        }
      default:
        return FALSE;
      }
  span->end = c->p;
  return TRUE;
}

/* ---- the round trip ---------------------------------------------------- */

/* The first sample of @data (and where it ends), or NULL. */
static SqValue *
decode_first (const guint8 *data,
              gsize         size,
              gsize        *consumed,
              gboolean     *only)
{
  g_autoptr(GBytes) gzip = fuzz_gzip (data, size);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (gzip);
  g_autoptr(SqInput) input = _sq_input_new (stream, g_bytes_get_size (gzip), FUZZ_SHARD, FUZZ_MEMORY_LIMIT);
  g_autoptr(SqMsgpackReader) reader = _sq_msgpack_reader_new (input, FUZZ_SHARD, FUZZ_MEMORY_LIMIT);
  g_autoptr(GError) error = NULL;
  SqValue *sample = _sq_msgpack_reader_next (reader, NULL, &error);

  if (sample == NULL)
    {
      if (error != NULL)
        fuzz_check_shard_error (error);
      return NULL;
    }
  *consumed = (gsize) _sq_input_offset (input, input->pos);
  if (only != NULL)
    {
      g_autoptr(SqValue) next = _sq_msgpack_reader_next (reader, NULL, &error);

      *only = next == NULL && error == NULL;
    }
  return sample;
}

static gboolean
holds_pickle (SqValue *value)
{
  if (sq_value_get_value_type (value) == SQ_VALUE_OPAQUE)
    return sq_value_get_opaque_kind (value) == SQ_OPAQUE_PICKLE;
  for (gsize i = 0; i < sq_value_get_length (value); i++)
    if (holds_pickle (sq_value_get_item (value, i)))
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SqValue) sample = NULL;
  g_autoptr(SqValue) again = NULL;
  g_autoptr(GError) error = NULL;
  msgpack_sbuffer buffer;
  msgpack_packer packer;
  gsize consumed = 0, consumed_again = 0;
  gboolean only = FALSE;
  Cursor cursor = { data, data + size };
  Span span;

  fuzz_init ();
  sample = decode_first (data, size, &consumed, NULL);
  if (sample == NULL)
    return 0;

  msgpack_sbuffer_init (&buffer);
  msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
  if (!_sq_msgpack_pack (&packer, sample, &error))
    {
      if (!holds_pickle (sample))
        fuzz_fail ("the writer refuses a sample the reader made: %s", error->message);
      msgpack_sbuffer_destroy (&buffer);
      return 0;
    }

  again = decode_first ((const guint8 *) buffer.data, buffer.size, &consumed_again, &only);
  if (again == NULL || !only || consumed_again != buffer.size)
    fuzz_fail ("what the writer wrote is not one sample");
  if (!fuzz_values_identical (sample, again))
    fuzz_fail ("a sample written and read again is another value");

  if (canonical_value (&cursor, 0, &span) && (gsize) (cursor.p - data) == consumed &&
      (buffer.size != consumed || memcmp (buffer.data, data, consumed) != 0))
    fuzz_fail ("canonical bytes (%zu) come back as other bytes (%zu)", consumed, buffer.size);

  msgpack_sbuffer_destroy (&buffer);
  return 0;
}
