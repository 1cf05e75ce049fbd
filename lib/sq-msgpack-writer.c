/* sq-msgpack-writer.c: msgpack.packb(sample, use_bin_type=True,
 * default=msgpack_numpy.encode), byte for byte
 *
 * msgpack-c's packer picks the same smallest encodings as msgpack-python;
 * what it does not do is check lengths (it casts them to 32 bits), so every
 * length is checked here first. Nothing is written that squirrel-core could
 * not read back: no str, bin or ext over its reader's 100 MiB, no pickles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-msgpack-writer"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-msgpack-reader-private.h"
#include "sq-msgpack-writer-private.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-value-private.h"

static gboolean
check_length (gsize       length,
              gsize       limit,
              const char *what,
              GError    **error)
{
  if (length <= limit)
    return TRUE;
  g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
               "%s of %" G_GSIZE_FORMAT " is larger than squirrel-core's reader accepts (%" G_GSIZE_FORMAT ")",
               what, length, limit);
  return FALSE;
}

static void
pack_bin_key (msgpack_packer *pk,
              const char     *key)
{
  gsize len = strlen (key);

  msgpack_pack_bin (pk, len);
  msgpack_pack_bin_body (pk, key, len);
}

static gboolean
pack_bytes (msgpack_packer *pk,
            GBytes         *bytes,
            GError        **error)
{
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);

  if (!check_length (len, SQ_MSGPACK_MAX_STR_LEN, "a bytes value", error))
    return FALSE;
  msgpack_pack_bin (pk, len);
  msgpack_pack_bin_body (pk, data, len);
  return TRUE;
}

static void
pack_text (msgpack_packer *pk,
           const char     *text)
{
  gsize len = strlen (text);

  msgpack_pack_str (pk, len);
  msgpack_pack_str_body (pk, text, len);
}

static gboolean
pack_ndarray (msgpack_packer *pk,
              SqNdarray      *array,
              GError        **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  SqValue *descr = sq_dtype_get_descr (dtype);
  const guint64 *shape = sq_ndarray_get_shape (array);
  guint ndim = sq_ndarray_get_ndim (array);

  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    {
      g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
                   "object arrays are never written (they would be pickles)");
      return FALSE;
    }
  if (!check_length (g_bytes_get_size (sq_ndarray_get_data (array)), SQ_MSGPACK_MAX_STR_LEN,
                     "an array's data, in bytes,", error))
    return FALSE;

  msgpack_pack_map (pk, 5);
  pack_bin_key (pk, "nd");
  msgpack_pack_true (pk);
  pack_bin_key (pk, "type");
  if (descr != NULL)
    {
      if (!_sq_msgpack_pack (pk, descr, error))
        return FALSE;
    }
  else
    pack_text (pk, sq_dtype_get_type_string (dtype));
  pack_bin_key (pk, "kind");
  if (descr != NULL)
    pack_bin_key (pk, "V");
  else
    pack_bin_key (pk, "");
  pack_bin_key (pk, "shape");
  msgpack_pack_array (pk, ndim);
  for (guint i = 0; i < ndim; i++)
    msgpack_pack_uint64 (pk, shape[i]);
  pack_bin_key (pk, "data");
  return pack_bytes (pk, sq_ndarray_get_data (array), error);
}

/**
 * _sq_msgpack_pack:
 *
 * Packs @value; on error the packer may hold part of it.
 */
gboolean
_sq_msgpack_pack (msgpack_packer *pk,
                  SqValue        *value,
                  GError        **error)
{
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NIL:
      msgpack_pack_nil (pk);
      return TRUE;
    case SQ_VALUE_BOOL:
      if (sq_value_get_bool (value))
        msgpack_pack_true (pk);
      else
        msgpack_pack_false (pk);
      return TRUE;
    case SQ_VALUE_INT:
      msgpack_pack_int64 (pk, sq_value_get_int (value));
      return TRUE;
    case SQ_VALUE_UINT:
      msgpack_pack_uint64 (pk, sq_value_get_uint (value));
      return TRUE;
    case SQ_VALUE_FLOAT32:
      {
        /* the float's bits, not the double it widens to */
        guint32 bits = _sq_value_get_float32_bits (value);
        float f;

        memcpy (&f, &bits, sizeof f);
        msgpack_pack_float (pk, f);
        return TRUE;
      }
    case SQ_VALUE_FLOAT64:
      msgpack_pack_double (pk, sq_value_get_double (value));
      return TRUE;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *text = sq_value_get_str (value, &len);

        if (!check_length (len, SQ_MSGPACK_MAX_STR_LEN, "a str, in bytes,", error))
          return FALSE;
        msgpack_pack_str (pk, len);
        msgpack_pack_str_body (pk, text, len);
        return TRUE;
      }
    case SQ_VALUE_BIN:
      return pack_bytes (pk, sq_value_get_bin (value), error);
    case SQ_VALUE_ARRAY:
      {
        gsize n = sq_value_get_length (value);

        if (!check_length (n, SQ_MSGPACK_MAX_ARRAY_LEN, "a list, in items,", error))
          return FALSE;
        msgpack_pack_array (pk, n);
        for (gsize i = 0; i < n; i++)
          if (!_sq_msgpack_pack (pk, sq_value_get_item (value, i), error))
            return FALSE;
        return TRUE;
      }
    case SQ_VALUE_MAP:
      {
        gsize n = sq_value_get_length (value);

        if (!check_length (n, SQ_MSGPACK_MAX_MAP_LEN, "a map, in entries,", error))
          return FALSE;
        msgpack_pack_map (pk, n);
        for (gsize i = 0; i < n; i++)
          if (!_sq_msgpack_pack (pk, sq_value_get_key (value, i), error) ||
              !_sq_msgpack_pack (pk, sq_value_get_item (value, i), error))
            return FALSE;
        return TRUE;
      }
    case SQ_VALUE_NDARRAY:
      return pack_ndarray (pk, sq_value_get_ndarray (value), error);
    case SQ_VALUE_SCALAR:
      {
        SqDtype *dtype = sq_value_get_scalar_dtype (value);
        gsize size = sq_dtype_get_itemsize (dtype);

        msgpack_pack_map (pk, 3);
        pack_bin_key (pk, "nd");
        msgpack_pack_false (pk);
        pack_bin_key (pk, "type");
        if (sq_dtype_get_descr (dtype) != NULL)
          {
            if (!_sq_msgpack_pack (pk, sq_dtype_get_descr (dtype), error))
              return FALSE;
          }
        else
          pack_text (pk, sq_dtype_get_type_string (dtype));
        pack_bin_key (pk, "data");
        msgpack_pack_bin (pk, size);
        msgpack_pack_bin_body (pk, sq_value_get_scalar_data (value), size);
        return TRUE;
      }
    case SQ_VALUE_COMPLEX:
      {
        const char *repr = sq_value_get_complex_repr (value);
        g_autoptr(GString) made = NULL;

        if (repr == NULL)
          {
            double re, im;

            sq_value_get_complex (value, &re, &im);
            made = g_string_new (NULL);
            _sq_append_complex_repr (made, re, im);
            repr = made->str;
          }
        msgpack_pack_map (pk, 2);
        pack_bin_key (pk, "complex");
        msgpack_pack_true (pk);
        pack_bin_key (pk, "data");
        pack_text (pk, repr);
        return TRUE;
      }
    case SQ_VALUE_OPAQUE:
      if (sq_value_get_opaque_kind (value) == SQ_OPAQUE_EXT)
        {
          gsize len;
          const void *data = g_bytes_get_data (sq_value_get_opaque_data (value), &len);

          if (!check_length (len, SQ_MSGPACK_MAX_STR_LEN, "an ext value, in bytes,", error))
            return FALSE;
          msgpack_pack_ext (pk, len, sq_value_get_opaque_ext_type (value));
          msgpack_pack_ext_body (pk, data, len);
          return TRUE;
        }
      if (sq_value_get_opaque_kind (value) == SQ_OPAQUE_BIG_INT)
        g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
                     "the integer %s cannot be written to a messagepack shard (msgpack integers have at most "
                     "64 bits)", sq_value_get_opaque_reason (value));
      else
        g_set_error (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED,
                     "object arrays are never written (they would be pickles)");
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}
