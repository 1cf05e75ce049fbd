/* sq-value-edit.c: edits of a value tree, and scalars as a line of text
 *
 * Values are immutable: an edit makes a new container that shares every
 * child it keeps (an edited sample keeps its untouched arrays), and the
 * text an editor shows reads back as the same value, bits included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-value"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sq-number-private.h"
#include "sq-value-edit.h"
#include "sq-value-private.h"

G_DEFINE_QUARK (sq-edit-error-quark, sq_edit_error)

static inline gsize
slots_per_entry (const SqValue *container)
{
  return sq_value_get_value_type (container) == SQ_VALUE_MAP ? 2 : 1;
}

/* Shares @n_slots items: a new reference each, no copy. */
static void
share_slots (SqValue       **dest,
             SqValue *const *src,
             gsize           n_slots)
{
  for (gsize i = 0; i < n_slots; i++)
    dest[i] = sq_value_ref (src[i]);
}

static gboolean
is_key (const SqValue *key)
{
  return sq_value_get_value_type (key) == SQ_VALUE_STR || sq_value_get_value_type (key) == SQ_VALUE_BIN;
}

/* Whether an entry other than @skip has @key. */
static gboolean
map_has_key (const SqValue *map,
             const SqValue *key,
             gsize          skip)
{
  for (gsize i = 0; i < sq_value_get_length (map); i++)
    if (i != skip && sq_value_equal (sq_value_get_key (map, i), key))
      return TRUE;
  return FALSE;
}

static void
set_key_exists_error (GError       **error,
                      const SqValue *key)
{
  /* Python's repr of the str or bytes, cut after 64 characters */
  g_autofree char *repr = sq_value_format (key, 64);

  g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_KEY_EXISTS, "the map already has a key %s", repr);
}

/**
 * sq_value_replace_item:
 * @container: an array or a map
 * @index: the item (array) or entry (map) to replace
 * @item: the new item, or the entry's new value (the key is kept)
 *
 * Returns: (transfer full): a new container holding @item where @container
 *   holds item @index, and sharing all the other children of @container
 */
SqValue *
sq_value_replace_item (const SqValue *container,
                       gsize          index,
                       SqValue       *item)
{
  gsize n, n_slots, slot;
  SqValue *const *src;
  SqValue **dest;
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index < sq_value_get_length (container), NULL);
  g_return_val_if_fail (item != NULL, NULL);

  n = sq_value_get_length (container);
  n_slots = n * slots_per_entry (container);
  slot = sq_value_get_value_type (container) == SQ_VALUE_MAP ? 2 * index + 1 : index;
  src = _sq_value_get_slots (container);
  v = _sq_value_alloc_container (sq_value_get_value_type (container), n, &dest);
  share_slots (dest, src, slot);
  dest[slot] = sq_value_ref (item);
  share_slots (dest + slot + 1, src + slot + 1, n_slots - slot - 1);
  return v;
}

/**
 * sq_value_insert_item:
 * @container: an array or a map
 * @index: where the new item goes, from 0 to the length (append)
 * @key: (nullable): for a map, the new entry's key, a str or a bin; %NULL
 *   for an array
 * @item: the new item or value
 * @error: return location for an %SQ_EDIT_ERROR_KEY_EXISTS error
 *
 * Returns: (transfer full) (nullable): a new container with @item at
 *   @index, or %NULL if the map already has @key
 */
SqValue *
sq_value_insert_item (const SqValue *container,
                      gsize          index,
                      SqValue       *key,
                      SqValue       *item,
                      GError       **error)
{
  gboolean is_map;
  gsize width, n;
  SqValue *const *src;
  SqValue **dest;
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index <= sq_value_get_length (container), NULL);
  g_return_val_if_fail (item != NULL, NULL);
  is_map = sq_value_get_value_type (container) == SQ_VALUE_MAP;
  g_return_val_if_fail (is_map ? key != NULL && is_key (key) : key == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (is_map && map_has_key (container, key, G_MAXSIZE))
    {
      set_key_exists_error (error, key);
      return NULL;
    }

  width = slots_per_entry (container);
  n = sq_value_get_length (container);
  src = _sq_value_get_slots (container);
  v = _sq_value_alloc_container (sq_value_get_value_type (container), n + 1, &dest);
  share_slots (dest, src, index * width);
  dest += index * width;
  if (key != NULL)
    *dest++ = sq_value_ref (key);
  *dest++ = sq_value_ref (item);
  /* An empty container has no slots to point past. */
  if (index < n)
    share_slots (dest, src + index * width, (n - index) * width);
  return v;
}

/**
 * sq_value_remove_item:
 * @container: an array or a map
 * @index: the item or entry to leave out
 *
 * Returns: (transfer full): a new container without item @index
 */
SqValue *
sq_value_remove_item (const SqValue *container,
                      gsize          index)
{
  gsize width, n;
  SqValue *const *src;
  SqValue **dest;
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index < sq_value_get_length (container), NULL);

  width = slots_per_entry (container);
  n = sq_value_get_length (container);
  src = _sq_value_get_slots (container);
  v = _sq_value_alloc_container (sq_value_get_value_type (container), n - 1, &dest);
  if (n == 1)
    return v;
  share_slots (dest, src, index * width);
  share_slots (dest + index * width, src + (index + 1) * width, (n - index - 1) * width);
  return v;
}

/**
 * sq_value_rename_key:
 * @map: a map
 * @index: the entry to rename
 * @key: its new key, a str or a bin (it may equal the old one)
 * @error: return location for an %SQ_EDIT_ERROR_KEY_EXISTS error
 *
 * Returns: (transfer full) (nullable): a new map with entry @index under
 *   @key, in the same place; %NULL if another entry has @key
 */
SqValue *
sq_value_rename_key (const SqValue *map,
                     gsize          index,
                     SqValue       *key,
                     GError       **error)
{
  gsize n;
  SqValue *const *src;
  SqValue **dest;
  SqValue *v;

  g_return_val_if_fail (map != NULL && sq_value_get_value_type (map) == SQ_VALUE_MAP, NULL);
  g_return_val_if_fail (index < sq_value_get_length (map), NULL);
  g_return_val_if_fail (key != NULL && is_key (key), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (map_has_key (map, key, index))
    {
      set_key_exists_error (error, key);
      return NULL;
    }

  n = sq_value_get_length (map);
  src = _sq_value_get_slots (map);
  v = _sq_value_alloc_container (SQ_VALUE_MAP, n, &dest);
  share_slots (dest, src, 2 * index);
  dest[2 * index] = sq_value_ref (key);
  share_slots (dest + 2 * index + 1, src + 2 * index + 1, 2 * (n - index) - 1);
  return v;
}

static gboolean
scalar_dtype_editable (const SqDtype *dtype)
{
  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
      return TRUE;
    case SQ_DTYPE_KIND_FLOAT:
      return sq_dtype_get_itemsize (dtype) <= 8;
    default:
      return FALSE;
    }
}

/**
 * sq_value_is_editable_scalar:
 *
 * Returns: whether @value can be edited as a line of text: a bool, an
 *   integer, a float (32 or 64 bits), a str, or a numpy bool, integer or
 *   float16/32/64 scalar in either byte order. Not a str that holds U+0000:
 *   a line of text cannot, and editing would cut it there.
 */
gboolean
sq_value_is_editable_scalar (const SqValue *value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_BOOL:
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      return TRUE;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *text = sq_value_get_str (value, &len);

        return memchr (text, '\0', len) == NULL;
      }
    case SQ_VALUE_SCALAR:
      return scalar_dtype_editable (sq_value_get_scalar_dtype (value));
    case SQ_VALUE_NIL:
    case SQ_VALUE_BIN:
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
    case SQ_VALUE_NDARRAY:
    case SQ_VALUE_COMPLEX:
    case SQ_VALUE_OPAQUE:
    default:
      return FALSE;
    }
}

/* The bits of a float of @size bytes (2, 4, 8): where its significand
 * field starts, and its exponent field (all ones: infinite or NaN). */
static inline guint
significand_bits (gsize size)
{
  return size == 2 ? 10 : size == 4 ? 23 : 52;
}

static inline guint64
exponent_mask (gsize size)
{
  return size == 2 ? 0x7c00 : size == 4 ? 0x7f800000 : G_GUINT64_CONSTANT (0x7ff0000000000000);
}

/* What `nan` reads as: the quiet bit alone, positive (numpy's and C's NAN). */
static inline guint64
quiet_nan_significand (gsize size)
{
  return G_GUINT64_CONSTANT (1) << (significand_bits (size) - 1);
}

/* A float of @size bytes, from its @bits: as Python's repr writes it, in
 * the fewest digits its own width needs; a NaN with its sign and, unless
 * it is the one `nan` reads as, its significand field in hex, so that it
 * reads back as itself: `nan`, `-nan`, `nan(0x1)` (a signalling NaN),
 * `-nan(0x8000000000001)`. */
static void
append_float_edit_text (GString *out,
                        guint64  bits,
                        gsize    size)
{
  guint64 significand = bits & ((G_GUINT64_CONSTANT (1) << significand_bits (size)) - 1);

  if ((bits & exponent_mask (size)) == exponent_mask (size) && significand != 0)
    {
      if (bits >> (8 * size - 1))
        g_string_append_c (out, '-');
      g_string_append (out, "nan");
      if (significand != quiet_nan_significand (size))
        g_string_append_printf (out, "(0x%" G_GINT64_MODIFIER "x)", significand);
      return;
    }
  if (size == 2)
    _sq_append_narrow_float_repr (out, _sq_half_to_double ((guint16) bits), 2);
  else if (size == 4)
    {
      guint32 b = (guint32) bits;
      float f;

      memcpy (&f, &b, sizeof f);
      _sq_append_narrow_float_repr (out, f, 4);
    }
  else
    {
      double d;

      memcpy (&d, &bits, sizeof d);
      _sq_append_float_repr (out, d, FALSE);
    }
}

static void
append_scalar_edit_text (GString       *out,
                         const SqDtype *dtype,
                         const guint8  *p)
{
  gboolean swap = sq_dtype_needs_swap (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      g_string_append (out, *p ? "True" : "False");
      break;
    case SQ_DTYPE_KIND_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, _sq_load_int (p, size, swap));
      break;
    case SQ_DTYPE_KIND_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, _sq_load_uint (p, size, swap));
      break;
    case SQ_DTYPE_KIND_FLOAT:
      append_float_edit_text (out,
                              size == 2 ? _sq_load_u16 (p, swap)
                              : size == 4 ? _sq_load_u32 (p, swap)
                              : _sq_load_u64 (p, swap),
                              size);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * sq_value_to_edit_text:
 * @value: a value for which sq_value_is_editable_scalar() is %TRUE
 *
 * The text an editor starts with, which sq_value_parse_like() reads back as
 * the same value, bits included: `True`, `-3`, floats as Python's repr
 * writes them (`0.1`, `1.0`, `1e-05`, `nan`, `-inf`) with float32 and
 * float16 values in the fewest digits their own precision needs, a str as
 * it is, unquoted. A NaN other than the one `nan` reads as says what else
 * it holds: its sign (`-nan`), and its significand field in hex when that
 * is not the quiet bit alone (`nan(0x1)` is float64's signalling NaN
 * 0x7ff0000000000001, `-nan(0x400001)` float32's 0xffc00001).
 *
 * Returns: (transfer full): the text
 */
char *
sq_value_to_edit_text (const SqValue *value)
{
  GString *out;

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (sq_value_is_editable_scalar (value), NULL);

  out = g_string_new (NULL);
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_BOOL:
      g_string_append (out, sq_value_get_bool (value) ? "True" : "False");
      break;
    case SQ_VALUE_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, sq_value_get_int (value));
      break;
    case SQ_VALUE_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, sq_value_get_uint (value));
      break;
    case SQ_VALUE_FLOAT32:
      append_float_edit_text (out, _sq_value_get_float32_bits (value), 4);
      break;
    case SQ_VALUE_FLOAT64:
      {
        double d = sq_value_get_double (value);
        guint64 bits;

        memcpy (&bits, &d, sizeof bits);
        append_float_edit_text (out, bits, 8);
      }
      break;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *text = sq_value_get_str (value, &len);

        g_string_append_len (out, text, len);
      }
      break;
    case SQ_VALUE_SCALAR:
      append_scalar_edit_text (out, sq_value_get_scalar_dtype (value), sq_value_get_scalar_data (value));
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

/* The user's text for a one-line message: cut after 40 characters, and
 * line breaks and other control characters escaped as Python's repr
 * escapes them (a pasted "1\n2" is not two lines of message). */
static char *
text_for_message (const char *text)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == 40)
        {
          g_string_append (out, "\xe2\x80\xa6"); /* … */
          break;
        }
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else if (c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
set_not_a (GError    **error,
           const char *text,
           const char *what)
{
  g_autofree char *shown = text_for_message (text);

  /* “text” is not an integer */
  g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_INVALID, "\xe2\x80\x9c%s\xe2\x80\x9d is not %s", shown, what);
  return FALSE;
}

static gboolean
parse_bool_text (const char *text,
                 gboolean   *out,
                 GError    **error)
{
  if (g_str_equal (text, "True") || g_str_equal (text, "true"))
    *out = TRUE;
  else if (g_str_equal (text, "False") || g_str_equal (text, "false"))
    *out = FALSE;
  else
    return set_not_a (error, text, "True or False");
  return TRUE;
}

/* An optional sign and decimal digits, as sign and magnitude; *overflow
 * says the magnitude went past G_MAXUINT64. */
static gboolean
parse_integer_text (const char *text,
                    gboolean   *negative,
                    guint64    *magnitude,
                    gboolean   *overflow,
                    GError    **error)
{
  const char *p = text;

  *negative = *p == '-';
  if (*p == '-' || *p == '+')
    p++;
  if (!g_ascii_isdigit (*p))
    return set_not_a (error, text, "an integer");

  *magnitude = 0;
  *overflow = FALSE;
  for (; g_ascii_isdigit (*p); p++)
    if (!*overflow &&
        (!g_uint64_checked_mul (magnitude, *magnitude, 10) ||
         !g_uint64_checked_add (magnitude, *magnitude, (guint64) (*p - '0'))))
      *overflow = TRUE;
  if (*p != '\0')
    return set_not_a (error, text, "an integer");
  return TRUE;
}

static const char *
skip_digits (const char *p)
{
  while (g_ascii_isdigit (*p))
    p++;
  return p;
}

/* Python's float() syntax, but for underscores: 1, -1.5, .5, 5., 1e-05,
 * inf, infinity, nan, in any case. Hex floats, which strtod also reads,
 * are not. */
static gboolean
is_float_text (const char *text)
{
  const char *p = text;
  const char *start;
  gboolean have_digits;

  if (*p == '+' || *p == '-')
    p++;
  if (g_ascii_strcasecmp (p, "inf") == 0 || g_ascii_strcasecmp (p, "infinity") == 0 ||
      g_ascii_strcasecmp (p, "nan") == 0)
    return TRUE;

  start = p;
  p = skip_digits (p);
  have_digits = p > start;
  if (*p == '.')
    {
      start = ++p;
      p = skip_digits (p);
      have_digits = have_digits || p > start;
    }
  if (!have_digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      start = p;
      p = skip_digits (p);
      if (p == start)
        return FALSE;
    }
  return *p == '\0';
}

static gboolean
set_too_large (GError    **error,
               const char *text,
               const char *type_name)
{
  g_autofree char *shown = text_for_message (text);

  g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_RANGE, "%s is too large for %s", shown, type_name);
  return FALSE;
}

/* `nan`, `-nan`, `nan(0x1)` (any case): a NaN of @size bytes, its sign and
 * its significand field (the quiet bit alone if not given), as
 * sq_value_to_edit_text() writes them. Returns FALSE with *@is_nan unset
 * if @text is not NaN at all, FALSE with @error set if it is a NaN whose
 * significand does not make one. */
static gboolean
parse_nan_text (const char *text,
                gsize       size,
                const char *type_name,
                gboolean   *is_nan,
                guint64    *bits,
                GError    **error)
{
  const char *p = text;
  gboolean negative = FALSE, too_long = FALSE;
  guint64 significand = quiet_nan_significand (size);

  *is_nan = FALSE;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  if (g_ascii_strncasecmp (p, "nan", 3) != 0)
    return FALSE;
  p += 3;
  if (*p == '(')
    {
      if (p[1] != '0' || (p[2] != 'x' && p[2] != 'X') || !g_ascii_isxdigit (p[3]))
        return set_not_a (error, text, "a number");
      significand = 0;
      for (p += 3; g_ascii_isxdigit (*p); p++)
        {
          too_long = too_long || significand >> 60 != 0;
          significand = significand << 4 | (guint64) g_ascii_xdigit_value (*p);
        }
      if (*p++ != ')')
        return set_not_a (error, text, "a number");
    }
  if (*p != '\0')
    return set_not_a (error, text, "a number");
  if (too_long || significand >> significand_bits (size) != 0)
    {
      g_autofree char *shown = text_for_message (text);

      g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_RANGE,
                   "%s does not fit in %s: a NaN holds %u bits there", shown, type_name, significand_bits (size));
      return FALSE;
    }
  if (significand == 0)
    {
      g_autofree char *shown = text_for_message (text);

      /* all ones and nothing else is infinity */
      g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_INVALID,
                   "\xe2\x80\x9c%s\xe2\x80\x9d is not a NaN: its significand must not be 0", shown);
      return FALSE;
    }
  *bits = (negative ? G_GUINT64_CONSTANT (1) << (8 * size - 1) : 0) | exponent_mask (size) | significand;
  *is_nan = TRUE;
  return TRUE;
}

/* The bits, in native order, of the float of @size bytes (2, 4 or 8) that
 * @text names, rounded to nearest (ties to even) in that width; a finite
 * number that becomes infinite in it is an error, not an infinity. */
static gboolean
parse_float_text (const char *text,
                  gsize       size,
                  const char *type_name,
                  guint64    *bits,
                  GError    **error)
{
  gboolean is_nan;
  double value;

  if (parse_nan_text (text, size, type_name, &is_nan, bits, error))
    return TRUE;
  if (error != NULL && *error != NULL)
    return FALSE;
  if (!is_float_text (text))
    return set_not_a (error, text, "a number");

  value = g_ascii_strtod (text, NULL);
  if (strpbrk (text, "iI") == NULL &&
      (isinf (value) ||
       (size == 4 && isinf ((float) value)) ||
       (size == 2 && (_sq_double_to_half (value) & 0x7fff) == 0x7c00)))
    return set_too_large (error, text, type_name);
  if (size == 2)
    *bits = _sq_double_to_half (value);
  else if (size == 4)
    {
      float f = (float) value;
      guint32 b;

      memcpy (&b, &f, sizeof b);
      *bits = b;
    }
  else
    memcpy (bits, &value, sizeof *bits);
  return TRUE;
}

static SqValue *
parse_scalar_text (SqDtype    *dtype,
                   const char *text,
                   GError    **error)
{
  gsize size = sq_dtype_get_itemsize (dtype);
  gboolean swap = sq_dtype_needs_swap (dtype);
  guint8 element[8] = { 0 };

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      {
        gboolean b;

        if (!parse_bool_text (text, &b, error))
          return NULL;
        element[0] = b ? 1 : 0;
        break;
      }
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
      {
        gboolean is_signed = sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_INT;
        guint bits = (guint) size * 8;
        /* the largest magnitude each sign may have */
        guint64 max_positive = is_signed ? (G_GUINT64_CONSTANT (1) << (bits - 1)) - 1
                             : bits == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << bits) - 1;
        guint64 max_negative = is_signed ? G_GUINT64_CONSTANT (1) << (bits - 1) : 0;
        gboolean negative, overflow;
        guint64 magnitude, bits_value;

        if (!parse_integer_text (text, &negative, &magnitude, &overflow, error))
          return NULL;
        if (overflow || magnitude > (negative ? max_negative : max_positive))
          {
            g_autofree char *shown = text_for_message (text);

            g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_RANGE, "%s does not fit in %s",
                         shown, sq_dtype_get_name (dtype));
            return NULL;
          }
        /* two's complement, then the low bytes in the dtype's order */
        bits_value = negative ? (guint64) 0 - magnitude : magnitude;
        if (size == 1)
          element[0] = (guint8) bits_value;
        else if (size == 2)
          {
            guint16 v = (guint16) bits_value;

            _sq_store_swapped (element, &v, 2, swap);
          }
        else if (size == 4)
          {
            guint32 v = (guint32) bits_value;

            _sq_store_swapped (element, &v, 4, swap);
          }
        else
          _sq_store_swapped (element, &bits_value, 8, swap);
        break;
      }
    case SQ_DTYPE_KIND_FLOAT:
      {
        guint64 bits;

        if (!parse_float_text (text, size, sq_dtype_get_name (dtype), &bits, error))
          return NULL;
        if (size == 2)
          {
            guint16 half = (guint16) bits;

            _sq_store_swapped (element, &half, 2, swap);
          }
        else if (size == 4)
          {
            guint32 b = (guint32) bits;

            _sq_store_swapped (element, &b, 4, swap);
          }
        else
          _sq_store_swapped (element, &bits, 8, swap);
        break;
      }
    default:
      g_assert_not_reached ();
    }
  return sq_value_new_scalar (dtype, element);
}

/**
 * sq_value_parse_like:
 * @like: a value for which sq_value_is_editable_scalar() is %TRUE
 * @text: what the user typed
 * @error: return location for an #SQ_EDIT_ERROR
 *
 * Reads @text as a new value of the type of @like: a bool from `True`,
 * `False`, `true` or `false`; an integer from an optional sign and decimal
 * digits, anywhere from -2^63 to 2^64-1 for a plain int (which becomes
 * %SQ_VALUE_INT or %SQ_VALUE_UINT as its value needs) and within the
 * dtype's range for a numpy one; a float from decimal or exponent notation,
 * `nan`, `inf` or `-inf` (in any case), rounded to nearest (ties to even)
 * in its own width, a finite number too large for that width being an
 * error, or from a NaN's edit text with its sign and significand
 * (`-nan`, `nan(0x1)`, see sq_value_to_edit_text()); a str from any text,
 * as it is. A numpy scalar keeps its dtype,
 * byte order included; a msgpack float32 stays float32. Whitespace around
 * anything but a str is ignored.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with
 *   %SQ_EDIT_ERROR_INVALID (not a value of the type) or
 *   %SQ_EDIT_ERROR_RANGE (out of the type's range)
 */
SqValue *
sq_value_parse_like (const SqValue *like,
                     const char    *text,
                     GError       **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (like != NULL, NULL);
  g_return_val_if_fail (sq_value_is_editable_scalar (like), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_INVALID, "the text is not valid UTF-8");
      return NULL;
    }
  if (sq_value_get_value_type (like) == SQ_VALUE_STR)
    return sq_value_new_str (text, -1);

  trimmed = g_strstrip (g_strdup (text));
  switch (sq_value_get_value_type (like))
    {
    case SQ_VALUE_BOOL:
      {
        gboolean b;

        if (!parse_bool_text (trimmed, &b, error))
          return NULL;
        return sq_value_new_bool (b);
      }
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
      {
        gboolean negative, overflow;
        guint64 magnitude;

        if (!parse_integer_text (trimmed, &negative, &magnitude, &overflow, error))
          return NULL;
        if (overflow || (negative && magnitude > (guint64) G_MAXINT64 + 1))
          {
            g_autofree char *shown = text_for_message (trimmed);

            g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_RANGE,
                         "%s is out of range: integers go from %" G_GINT64_FORMAT " to %" G_GUINT64_FORMAT,
                         shown, G_MININT64, G_MAXUINT64);
            return NULL;
          }
        if (negative)
          return sq_value_new_int ((gint64) ((guint64) 0 - magnitude));
        return sq_value_new_uint (magnitude);
      }
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      {
        gboolean is_32 = sq_value_get_value_type (like) == SQ_VALUE_FLOAT32;
        guint64 bits;
        double d;

        if (!parse_float_text (trimmed, is_32 ? 4 : 8, is_32 ? "float32" : "float", &bits, error))
          return NULL;
        if (is_32)
          return _sq_value_new_float32_bits ((guint32) bits);
        memcpy (&d, &bits, sizeof d);
        return sq_value_new_float64 (d);
      }
    case SQ_VALUE_SCALAR:
      return parse_scalar_text (sq_value_get_scalar_dtype (like), trimmed, error);
    default:
      g_assert_not_reached ();
    }
}
