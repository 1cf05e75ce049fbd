/* fuzz-edit-text.c: scalars edited as a line of text
 *
 * The input is a like-value and a text: byte 0 picks the type (a Python
 * bool, int, float, msgpack float32, str, or a numpy scalar of any
 * editable dtype and byte order), the next 8 bytes are its bits, the rest
 * is the text the user typed. The text parses as a value of that type or
 * is refused with an SQ_EDIT_ERROR; and for the like-value and for what
 * the text gave, the edit text an editor starts with reads back as the
 * identical value, bits included: editing a cell and leaving it as shown
 * changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"

#define N_BITS 8

enum
{
  LIKE_BOOL,
  LIKE_INT,
  LIKE_UINT,
  LIKE_FLOAT32,
  LIKE_FLOAT64,
  LIKE_STR,
  LIKE_FIRST_SCALAR,
};

/* numpy's editable scalars: bool, ints and floats up to 64 bits. */
static const char *const scalar_types[] = {
  "|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
  "<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8",
};

static SqValue *
make_like (guint         choice,
           const guint8 *bits)
{
  switch (choice)
    {
    case LIKE_BOOL:
      return sq_value_new_bool (bits[0] & 1);
    case LIKE_INT:
      {
        gint64 v;

        memcpy (&v, bits, sizeof v);
        return sq_value_new_int (v);
      }
    case LIKE_UINT:
      {
        guint64 v;

        memcpy (&v, bits, sizeof v);
        return sq_value_new_uint (v);
      }
    case LIKE_FLOAT32:
      {
        float v;

        memcpy (&v, bits, sizeof v);
        return sq_value_new_float32 (v);
      }
    case LIKE_FLOAT64:
      {
        double v;

        memcpy (&v, bits, sizeof v);
        return sq_value_new_float64 (v);
      }
    case LIKE_STR:
      return sq_value_new_str ("like", -1);
    default:
      {
        g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (scalar_types[choice - LIKE_FIRST_SCALAR], NULL);
        guint8 element[N_BITS];

        memcpy (element, bits, N_BITS);
        /* numpy bools are 0 or 1; True and False cannot say more. */
        if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_BOOL)
          element[0] &= 1;
        return sq_value_new_scalar (dtype, element);
      }
    }
}

static gboolean
same_type (const SqValue *like,
           const SqValue *value)
{
  SqValueType a = sq_value_get_value_type (like), b = sq_value_get_value_type (value);

  /* Python has one int: it is an INT or a UINT as its value needs. */
  if ((a == SQ_VALUE_INT || a == SQ_VALUE_UINT) && (b == SQ_VALUE_INT || b == SQ_VALUE_UINT))
    return TRUE;
  if (a != b)
    return FALSE;
  if (a == SQ_VALUE_SCALAR)
    {
      SqDtype *x = sq_value_get_scalar_dtype (like), *y = sq_value_get_scalar_dtype (value);

      return sq_dtype_equal (x, y) && strcmp (sq_dtype_get_type_string (x), sq_dtype_get_type_string (y)) == 0;
    }
  return TRUE;
}

/* What the editor shows for @value, entered as it is. */
static void
check_round_trip (const SqValue *like,
                  const SqValue *value)
{
  g_autofree char *text = sq_value_to_edit_text (value);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) back = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    fuzz_fail ("an edit text is not valid UTF-8");
  back = sq_value_parse_like (like, text, &error);
  if (back == NULL)
    fuzz_fail ("the edit text \"%s\" does not read back: %s", text, error->message);
  if (!fuzz_values_identical (value, back))
    {
      g_autofree char *again = sq_value_to_edit_text (back);

      fuzz_fail ("the edit text \"%s\" reads back as another value (shown as \"%s\")", text, again);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint8 bits[N_BITS] = { 0 };
  g_autoptr(SqValue) like = NULL;
  g_autoptr(SqValue) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  fuzz_init ();
  if (size < 1)
    return 0;
  memcpy (bits, data + 1, MIN (size - 1, N_BITS));
  like = make_like (data[0] % (LIKE_FIRST_SCALAR + G_N_ELEMENTS (scalar_types)), bits);
  if (!sq_value_is_editable_scalar (like))
    fuzz_fail ("a %s is not editable", sq_value_describe_type (like));
  check_round_trip (like, like);

  /* the text, to its first NUL, as an entry holds it */
  text = size > 1 + N_BITS ? g_strndup ((const char *) data + 1 + N_BITS, size - 1 - N_BITS) : g_strdup ("");
  value = sq_value_parse_like (like, text, &error);
  if (value == NULL)
    {
      if (error == NULL || error->domain != SQ_EDIT_ERROR ||
          (error->code != SQ_EDIT_ERROR_INVALID && error->code != SQ_EDIT_ERROR_RANGE))
        fuzz_fail ("a text refused without an SQ_EDIT_ERROR_INVALID or _RANGE");
      if (!g_utf8_validate (error->message, -1, NULL) || strchr (error->message, '\n') != NULL)
        fuzz_fail ("an edit error is not one line of UTF-8");
      return 0;
    }
  if (!same_type (like, value))
    fuzz_fail ("a text parsed like a %s gives a %s", sq_value_describe_type (like), sq_value_describe_type (value));
  if (!sq_value_is_editable_scalar (value))
    fuzz_fail ("a parsed value is not editable");
  check_round_trip (like, value);
  return 0;
}
