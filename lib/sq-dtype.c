/* sq-dtype.c: parse and describe numpy dtypes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-dtype"

#include "config.h"

#include <float.h>
#include <string.h>

#include "sq-dtype.h"
#include "sq-error.h"
#include "sq-value.h"

/* numpy refuses more dimensions than this (NPY_MAXDIMS in numpy 1.x). */
#define SQ_DTYPE_MAX_SUBARRAY_DIMS 32
/* Larger items than this are not something numpy makes; it keeps sizes in int. */
#define SQ_DTYPE_MAX_ITEMSIZE ((gsize) G_MAXINT32)

struct _SqDtype
{
  gint          ref_count;
  SqDtypeKind   kind;
  SqByteOrder   byte_order;
  gsize         itemsize;
  char         *type_string; /* dtype.str, as read, for writing back */
  char         *name;
  char         *unit;        /* datetime64 / timedelta64 only */
  SqValue      *descr;       /* structured only: dtype.descr as read */
  guint         n_fields;
  SqDtypeField *fields;
};

G_DEFINE_BOXED_TYPE (SqDtype, sq_dtype, sq_dtype_ref, sq_dtype_unref)

static const char *const datetime_units[] = {
  "Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", NULL
};

static char *
make_name (SqDtypeKind kind,
           gsize       itemsize,
           const char *unit,
           guint       n_fields)
{
  switch (kind)
    {
    case SQ_DTYPE_KIND_BOOL:
      return g_strdup ("bool");
    case SQ_DTYPE_KIND_INT:
      return g_strdup_printf ("int%" G_GSIZE_FORMAT, itemsize * 8);
    case SQ_DTYPE_KIND_UINT:
      return g_strdup_printf ("uint%" G_GSIZE_FORMAT, itemsize * 8);
    case SQ_DTYPE_KIND_FLOAT:
      return g_strdup_printf ("float%" G_GSIZE_FORMAT, itemsize * 8);
    case SQ_DTYPE_KIND_COMPLEX:
      return g_strdup_printf ("complex%" G_GSIZE_FORMAT, itemsize * 8);
    case SQ_DTYPE_KIND_UNICODE:
      return g_strdup_printf ("unicode[%" G_GSIZE_FORMAT "]", itemsize / 4);
    case SQ_DTYPE_KIND_BYTES:
      return g_strdup_printf ("bytes[%" G_GSIZE_FORMAT "]", itemsize);
    case SQ_DTYPE_KIND_DATETIME:
      return unit && *unit ? g_strdup_printf ("datetime64[%s]", unit) : g_strdup ("datetime64");
    case SQ_DTYPE_KIND_TIMEDELTA:
      return unit && *unit ? g_strdup_printf ("timedelta64[%s]", unit) : g_strdup ("timedelta64");
    case SQ_DTYPE_KIND_VOID:
      if (n_fields > 0)
        return g_strdup_printf ("struct[%u]", n_fields);
      return g_strdup_printf ("void[%" G_GSIZE_FORMAT "]", itemsize);
    case SQ_DTYPE_KIND_OBJECT:
      return g_strdup ("object");
    default:
      g_assert_not_reached ();
    }
}

static SqDtype *
dtype_alloc (SqDtypeKind kind,
             SqByteOrder byte_order,
             gsize       itemsize,
             char       *type_string,
             char       *unit)
{
  SqDtype *dtype = g_new0 (SqDtype, 1);

  dtype->ref_count = 1;
  dtype->kind = kind;
  dtype->byte_order = byte_order;
  dtype->itemsize = itemsize;
  dtype->type_string = type_string;
  dtype->unit = unit;
  dtype->name = make_name (kind, itemsize, unit, 0);
  return dtype;
}

static gboolean
valid_size (SqDtypeKind kind,
            gsize       size)
{
  switch (kind)
    {
    case SQ_DTYPE_KIND_BOOL:
      return size == 1;
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
      return size == 1 || size == 2 || size == 4 || size == 8;
    case SQ_DTYPE_KIND_FLOAT:
      return size == 2 || size == 4 || size == 8 || size == 16;
    case SQ_DTYPE_KIND_COMPLEX:
      return size == 8 || size == 16 || size == 32;
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
    case SQ_DTYPE_KIND_OBJECT:
      return size == 8;
    case SQ_DTYPE_KIND_UNICODE:
    case SQ_DTYPE_KIND_BYTES:
    case SQ_DTYPE_KIND_VOID:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Text from a shard, fit for a one-line message: control characters and
 * non-ASCII bytes escaped, cut after 64 bytes. */
static char *
quote_text (const char *text)
{
  gsize len = strlen (text);
  g_autofree char *head = g_strndup (text, MIN (len, 64));
  g_autofree char *escaped = g_strescape (head, NULL);

  return len > 64 ? g_strconcat (escaped, "...", NULL) : g_steal_pointer (&escaped);
}

static gboolean
parse_unit (const char **p,
            char       **unit)
{
  const char *s = *p;
  const char *start;
  g_autofree char *name = NULL;

  if (*s != '[')
    {
      *unit = g_strdup ("");
      return TRUE;
    }
  start = ++s;
  while (g_ascii_isdigit (*s))
    s++;
  if (s - start > 9)
    return FALSE;
  {
    const char *name_start = s;

    while (g_ascii_isalpha (*s))
      s++;
    name = g_strndup (name_start, s - name_start);
  }
  if (*s != ']' || !g_strv_contains (datetime_units, name))
    return FALSE;
  *unit = g_strndup (start, s - start);
  *p = s + 1;
  return TRUE;
}

/**
 * sq_dtype_new_from_string:
 * @type_string: a numpy `dtype.str` such as `<f4`, `|u1`, `>i4`, `<U5`,
 *   `|S3` or `<M8[ns]`
 * @error: return location for a #SQ_DECODE_ERROR_ARRAY error
 *
 * Parses the type string msgpack-numpy writes for non-structured arrays.
 * A missing byte order, `=`, or `|` on a type of more than one byte (numpy
 * writes `|` only where order does not apply) means this machine's order.
 *
 * Returns: (transfer full): the dtype, or %NULL if @type_string is not one
 */
SqDtype *
sq_dtype_new_from_string (const char *type_string,
                          GError    **error)
{
  const char *p = type_string;
  SqByteOrder order;
  SqDtypeKind kind;
  gsize count = 0;
  gboolean have_count = FALSE;
  gsize itemsize;
  char *unit = NULL;

  g_return_val_if_fail (type_string != NULL, NULL);

  switch (*p)
    {
    case '<':
      order = SQ_BYTE_ORDER_LITTLE;
      p++;
      break;
    case '>':
      order = SQ_BYTE_ORDER_BIG;
      p++;
      break;
    case '|':
      order = SQ_BYTE_ORDER_NONE;
      p++;
      break;
    case '=':
      p++;
      G_GNUC_FALLTHROUGH;
    default:
      order = G_BYTE_ORDER == G_LITTLE_ENDIAN ? SQ_BYTE_ORDER_LITTLE : SQ_BYTE_ORDER_BIG;
      break;
    }

  switch (*p)
    {
    case 'b': case '?': kind = SQ_DTYPE_KIND_BOOL; break;
    case 'i': kind = SQ_DTYPE_KIND_INT; break;
    case 'u': kind = SQ_DTYPE_KIND_UINT; break;
    case 'f': kind = SQ_DTYPE_KIND_FLOAT; break;
    case 'c': kind = SQ_DTYPE_KIND_COMPLEX; break;
    case 'U': kind = SQ_DTYPE_KIND_UNICODE; break;
    case 'S': case 'a': kind = SQ_DTYPE_KIND_BYTES; break;
    case 'M': kind = SQ_DTYPE_KIND_DATETIME; break;
    case 'm': kind = SQ_DTYPE_KIND_TIMEDELTA; break;
    case 'V': kind = SQ_DTYPE_KIND_VOID; break;
    case 'O': kind = SQ_DTYPE_KIND_OBJECT; break;
    default:
      goto malformed;
    }
  p++;

  if (g_ascii_isdigit (*p))
    {
      const char *digits = p;

      while (g_ascii_isdigit (*p))
        {
          if (p - digits >= 10)
            goto malformed;
          count = count * 10 + (gsize) (*p - '0');
          p++;
        }
      have_count = TRUE;
    }

  if (kind == SQ_DTYPE_KIND_DATETIME || kind == SQ_DTYPE_KIND_TIMEDELTA)
    {
      if (!parse_unit (&p, &unit))
        goto malformed;
    }

  if (*p != '\0')
    goto malformed;

  if (!have_count)
    {
      /* Only the kinds whose size is implied: `?`, `O`, `M`, `m`. */
      if (kind == SQ_DTYPE_KIND_BOOL)
        count = 1;
      else if (kind == SQ_DTYPE_KIND_OBJECT || kind == SQ_DTYPE_KIND_DATETIME ||
               kind == SQ_DTYPE_KIND_TIMEDELTA)
        count = 8;
      else
        goto malformed;
    }

  itemsize = kind == SQ_DTYPE_KIND_UNICODE ? count * 4 : count;
  if (itemsize > SQ_DTYPE_MAX_ITEMSIZE || !valid_size (kind, itemsize))
    goto malformed;

  if (itemsize <= 1 || kind == SQ_DTYPE_KIND_BYTES || kind == SQ_DTYPE_KIND_VOID ||
      kind == SQ_DTYPE_KIND_OBJECT || kind == SQ_DTYPE_KIND_BOOL)
    order = SQ_BYTE_ORDER_NONE;
  else if (order == SQ_BYTE_ORDER_NONE)
    /* "|i2" is numpy's int16 in this machine's order, as "i2" is */
    order = G_BYTE_ORDER == G_LITTLE_ENDIAN ? SQ_BYTE_ORDER_LITTLE : SQ_BYTE_ORDER_BIG;

  return dtype_alloc (kind, order, itemsize, g_strdup (type_string), unit);

malformed:
  g_free (unit);
  {
    g_autofree char *quoted = quote_text (type_string);

    g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                 "dtype \"%s\" is not a numpy type string", quoted);
  }
  return NULL;
}

/**
 * sq_dtype_new:
 * @kind: the kind
 * @byte_order: the byte order (ignored for one-byte and unordered kinds)
 * @itemsize: bytes per element (for unicode: 4 per character)
 *
 * Makes a non-structured dtype, e.g. `|u1` for a PNG's pixels.
 *
 * Returns: (transfer full): the dtype
 */
SqDtype *
sq_dtype_new (SqDtypeKind kind,
              SqByteOrder byte_order,
              gsize       itemsize)
{
  static const char kind_chars[] = "biufcUSMmVO";
  char order_char;
  char *type_string;
  gsize count;

  g_return_val_if_fail (kind <= SQ_DTYPE_KIND_OBJECT, NULL);
  g_return_val_if_fail (valid_size (kind, itemsize), NULL);
  g_return_val_if_fail (kind != SQ_DTYPE_KIND_UNICODE || itemsize % 4 == 0, NULL);

  if (itemsize <= 1 || kind == SQ_DTYPE_KIND_BYTES || kind == SQ_DTYPE_KIND_VOID ||
      kind == SQ_DTYPE_KIND_OBJECT || kind == SQ_DTYPE_KIND_BOOL)
    byte_order = SQ_BYTE_ORDER_NONE;
  else if (byte_order == SQ_BYTE_ORDER_NONE)
    byte_order = G_BYTE_ORDER == G_LITTLE_ENDIAN ? SQ_BYTE_ORDER_LITTLE : SQ_BYTE_ORDER_BIG;

  order_char = byte_order == SQ_BYTE_ORDER_LITTLE ? '<' : byte_order == SQ_BYTE_ORDER_BIG ? '>' : '|';
  count = kind == SQ_DTYPE_KIND_UNICODE ? itemsize / 4 : itemsize;
  type_string = g_strdup_printf ("%c%c%" G_GSIZE_FORMAT, order_char, kind_chars[kind], count);
  return dtype_alloc (kind, byte_order, itemsize, type_string,
                      kind == SQ_DTYPE_KIND_DATETIME || kind == SQ_DTYPE_KIND_TIMEDELTA ? g_strdup ("") : NULL);
}

static gboolean
parse_subarray_shape (SqValue  *shape_value,
                      guint    *ndim,
                      guint64 **shape,
                      gsize    *count,
                      GError  **error)
{
  gsize n = sq_value_get_length (shape_value);
  g_autofree guint64 *dims = NULL;
  gsize total = 1;

  if (sq_value_get_value_type (shape_value) != SQ_VALUE_ARRAY || n > SQ_DTYPE_MAX_SUBARRAY_DIMS)
    goto bad;
  dims = g_new0 (guint64, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      SqValue *dim = sq_value_get_item (shape_value, i);

      if (sq_value_get_value_type (dim) != SQ_VALUE_INT || sq_value_get_int (dim) < 0 ||
          !g_size_checked_mul (&total, total, (gsize) sq_value_get_int (dim)))
        goto bad;
      dims[i] = (guint64) sq_value_get_int (dim);
    }
  *ndim = n;
  *shape = g_steal_pointer (&dims);
  *count = total;
  return TRUE;

bad:
  g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
               "structured dtype has a malformed sub-array shape");
  return FALSE;
}

/**
 * sq_dtype_new_from_descr:
 * @descr: numpy's `dtype.descr` as msgpack-numpy writes it for structured
 *   arrays: a list of `[name, type]`, `[name, type, shape]` or
 *   `[name, [nested descr]]`; padding is `["", "|V3"]`
 * @error: return location for a #SQ_DECODE_ERROR_ARRAY error
 *
 * Parses a structured dtype. The descr itself is kept for writing back.
 *
 * Returns: (transfer full): the dtype, or %NULL
 */
SqDtype *
sq_dtype_new_from_descr (SqValue *descr,
                         GError **error)
{
  g_autoptr(SqDtype) dtype = NULL;
  gsize n;
  gsize offset = 0;

  g_return_val_if_fail (descr != NULL, NULL);

  if (sq_value_get_value_type (descr) != SQ_VALUE_ARRAY || sq_value_get_length (descr) == 0)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                   "structured dtype is not a list of fields");
      return NULL;
    }

  n = sq_value_get_length (descr);
  dtype = g_new0 (SqDtype, 1);
  dtype->ref_count = 1;
  dtype->kind = SQ_DTYPE_KIND_VOID;
  dtype->byte_order = SQ_BYTE_ORDER_NONE;
  dtype->descr = sq_value_ref (descr);
  dtype->fields = g_new0 (SqDtypeField, n);

  for (gsize i = 0; i < n; i++)
    {
      SqValue *field = sq_value_get_item (descr, i);
      SqDtypeField *out = &dtype->fields[i];
      SqValue *name, *type;
      gsize count = 1;
      gsize field_size;
      guint64 *shape = NULL;

      if (sq_value_get_value_type (field) != SQ_VALUE_ARRAY ||
          sq_value_get_length (field) < 2 || sq_value_get_length (field) > 3)
        {
          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                       "structured dtype field %" G_GSIZE_FORMAT " is not [name, type] or [name, type, shape]", i);
          return NULL;
        }
      name = sq_value_get_item (field, 0);
      type = sq_value_get_item (field, 1);
      if (sq_value_get_value_type (name) != SQ_VALUE_STR)
        {
          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                       "structured dtype field %" G_GSIZE_FORMAT " has no name", i);
          return NULL;
        }

      if (sq_value_get_value_type (type) == SQ_VALUE_STR)
        out->dtype = sq_dtype_new_from_string (sq_value_get_str (type, NULL), error);
      else if (sq_value_get_value_type (type) == SQ_VALUE_ARRAY)
        out->dtype = sq_dtype_new_from_descr (type, error);
      else
        {
          g_autofree char *quoted = quote_text (sq_value_get_str (name, NULL));

          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                       "structured dtype field \"%s\" has no type", quoted);
        }
      if (out->dtype == NULL)
        return NULL;
      dtype->n_fields = i + 1; /* so finalize frees what was made */

      if (sq_dtype_get_kind (out->dtype) == SQ_DTYPE_KIND_OBJECT)
        {
          g_autofree char *quoted = quote_text (sq_value_get_str (name, NULL));

          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                       "structured dtype field \"%s\" holds Python objects", quoted);
          return NULL;
        }

      if (sq_value_get_length (field) == 3 &&
          !parse_subarray_shape (sq_value_get_item (field, 2), &out->ndim, &shape, &count, error))
        return NULL;
      out->shape = shape;
      out->name = sq_value_get_str (name, NULL);
      out->offset = offset;

      if (!g_size_checked_mul (&field_size, count, out->dtype->itemsize) ||
          !g_size_checked_add (&offset, offset, field_size) ||
          offset > SQ_DTYPE_MAX_ITEMSIZE)
        {
          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                       "structured dtype is too large");
          return NULL;
        }
    }

  dtype->itemsize = offset;
  dtype->type_string = g_strdup_printf ("|V%" G_GSIZE_FORMAT, offset);
  dtype->name = make_name (SQ_DTYPE_KIND_VOID, offset, NULL, dtype->n_fields);
  return g_steal_pointer (&dtype);
}

SqDtype *
sq_dtype_ref (SqDtype *dtype)
{
  g_return_val_if_fail (dtype != NULL, NULL);

  g_atomic_int_inc (&dtype->ref_count);
  return dtype;
}

void
sq_dtype_unref (SqDtype *dtype)
{
  g_return_if_fail (dtype != NULL);

  if (!g_atomic_int_dec_and_test (&dtype->ref_count))
    return;

  for (guint i = 0; i < dtype->n_fields; i++)
    {
      g_clear_pointer (&dtype->fields[i].dtype, sq_dtype_unref);
      g_free ((gpointer) dtype->fields[i].shape);
    }
  g_free (dtype->fields);
  g_clear_pointer (&dtype->descr, sq_value_unref);
  g_free (dtype->type_string);
  g_free (dtype->name);
  g_free (dtype->unit);
  g_free (dtype);
}

SqDtypeKind
sq_dtype_get_kind (const SqDtype *dtype)
{
  return dtype->kind;
}

SqByteOrder
sq_dtype_get_byte_order (const SqDtype *dtype)
{
  return dtype->byte_order;
}

gsize
sq_dtype_get_itemsize (const SqDtype *dtype)
{
  return dtype->itemsize;
}

/**
 * sq_dtype_get_type_string:
 *
 * Returns: numpy's `dtype.str`, as read (`<f4`); `|V<n>` for structured
 *   dtypes, whose full form is sq_dtype_get_descr()
 */
const char *
sq_dtype_get_type_string (const SqDtype *dtype)
{
  return dtype->type_string;
}

/**
 * sq_dtype_get_name:
 *
 * Returns: a name for people: `uint8`, `float32`, `bool`,
 *   `datetime64[ns]`, `unicode[4]`, `bytes[3]`, `struct[2]`, `object`
 */
const char *
sq_dtype_get_name (const SqDtype *dtype)
{
  return dtype->name;
}

/**
 * sq_dtype_get_unit:
 *
 * Returns: (nullable): the unit of a datetime64 or timedelta64 dtype (`ns`,
 *   `10s`, or `""` for a generic one), %NULL for other kinds
 */
const char *
sq_dtype_get_unit (const SqDtype *dtype)
{
  return dtype->unit;
}

/**
 * sq_dtype_get_descr:
 *
 * Returns: (nullable) (transfer none): the structured descr as read
 */
SqValue *
sq_dtype_get_descr (const SqDtype *dtype)
{
  return dtype->descr;
}

guint
sq_dtype_get_n_fields (const SqDtype *dtype)
{
  return dtype->n_fields;
}

const SqDtypeField *
sq_dtype_get_field (const SqDtype *dtype,
                    guint          index)
{
  g_return_val_if_fail (index < dtype->n_fields, NULL);

  return &dtype->fields[index];
}

/**
 * sq_dtype_is_numeric:
 *
 * Returns: whether elements are numbers that can be summarised: bool, int,
 *   uint, float, complex, datetime64 and timedelta64
 */
gboolean
sq_dtype_is_numeric (const SqDtype *dtype)
{
  switch (dtype->kind)
    {
    case SQ_DTYPE_KIND_BOOL:
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
    case SQ_DTYPE_KIND_COMPLEX:
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      return TRUE;
    case SQ_DTYPE_KIND_FLOAT:
      /* float128 is x87 extended precision where numpy runs on x86-64. */
      return dtype->itemsize != 16 || (sizeof (long double) == 16 && LDBL_MANT_DIG == 64);
    default:
      return FALSE;
    }
}

/**
 * sq_dtype_needs_swap:
 *
 * Returns: whether elements are stored in the other byte order than this
 *   machine's (or, for unicode, whether code units are)
 */
gboolean
sq_dtype_needs_swap (const SqDtype *dtype)
{
  if (dtype->byte_order == SQ_BYTE_ORDER_NONE)
    return FALSE;
  return (dtype->byte_order == SQ_BYTE_ORDER_LITTLE) != (G_BYTE_ORDER == G_LITTLE_ENDIAN);
}

gboolean
sq_dtype_equal (const SqDtype *a,
                const SqDtype *b)
{
  if (a == b)
    return TRUE;
  if (a->kind != b->kind || a->itemsize != b->itemsize || a->byte_order != b->byte_order)
    return FALSE;
  if (a->descr != NULL || b->descr != NULL)
    return a->descr != NULL && b->descr != NULL && sq_value_equal (a->descr, b->descr);
  return g_strcmp0 (a->unit, b->unit) == 0;
}
