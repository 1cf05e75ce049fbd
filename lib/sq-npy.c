/* sq-npy.c: numpy's .npy files, read and written
 *
 * A .npy file is a magic string, a version, a header that is a Python dict
 * literal (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`)
 * and the raw elements. The header comes from anywhere: it is parsed by a
 * small literal parser with a nesting limit, every size is checked against
 * the bytes the file holds before anything is allocated, and nothing is
 * ever unpickled. Writing follows numpy.save (numpy 1.24) byte for byte, so
 * an array read from a file numpy wrote can be written back unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-npy"

#include "config.h"

#include <string.h>

#include "sq-npy.h"
#include "sq-value.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* numpy pads magic, version, length and header to a multiple of this. */
#define NPY_ARRAY_ALIGN 64
/* numpy leaves room after the header for the first axis to grow in place. */
#define NPY_GROWTH_AXIS_MAX_DIGITS 21
/* Far deeper than any dtype numpy writes; keeps the parser's stack small. */
#define NPY_MAX_NESTING 32

G_DEFINE_QUARK (sq-npy-error-quark, sq_npy_error)

/* The header's Python literal, parsed. */
typedef enum
{
  LIT_STR,
  LIT_INT,
  LIT_BOOL,
  LIT_NONE,
  LIT_TUPLE,
  LIT_LIST,
  LIT_DICT,
} LitKind;

typedef struct
{
  LitKind    kind;
  char      *str;       /* LIT_STR: UTF-8, no NUL */
  gboolean   negative;  /* LIT_INT: sign and magnitude */
  guint64    magnitude;
  gboolean   v_bool;
  GPtrArray *items;     /* LIT_TUPLE, LIT_LIST; LIT_DICT: key, value, ... */
} Lit;

static void
lit_free (Lit *lit)
{
  g_free (lit->str);
  g_clear_pointer (&lit->items, g_ptr_array_unref);
  g_free (lit);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lit, lit_free)

static Lit *
lit_new (LitKind kind)
{
  Lit *lit = g_new0 (Lit, 1);

  lit->kind = kind;
  if (kind == LIT_TUPLE || kind == LIT_LIST || kind == LIT_DICT)
    lit->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lit_free);
  return lit;
}

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
} Parser;

static gboolean
parse_fail (Parser     *parser,
            GError    **error,
            const char *what)
{
  g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
               "header: %s at byte %" G_GSIZE_FORMAT, what, (gsize) (parser->p - parser->start));
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (parser->p < parser->end &&
         (*parser->p == ' ' || *parser->p == '\t' || *parser->p == '\n' || *parser->p == '\r' ||
          *parser->p == '\f' || *parser->p == '\v'))
    parser->p++;
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean
parse_hex (Parser   *parser,
           guint     n_digits,
           gunichar *out)
{
  gunichar c = 0;

  if ((gsize) (parser->end - parser->p) < n_digits)
    return FALSE;
  for (guint i = 0; i < n_digits; i++)
    {
      int v = g_ascii_xdigit_value (parser->p[i]);

      if (v < 0)
        return FALSE;
      c = c * 16 + (gunichar) v;
    }
  parser->p += n_digits;
  *out = c;
  return TRUE;
}

/* A Python str literal, as repr() writes one: 'a', "it's", '\x00\u03c0'. */
static Lit *
parse_string (Parser  *parser,
              GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char quote;
  Lit *lit;

  /* Python 2 wrote unicode field names as u'name'. */
  if (*parser->p == 'u' || *parser->p == 'U')
    parser->p++;
  quote = *parser->p++;

  for (;;)
    {
      char c;
      gunichar u;

      if (parser->p >= parser->end || *parser->p == '\n')
        {
          parse_fail (parser, error, "unterminated string");
          return NULL;
        }
      c = *parser->p++;
      if (c == quote)
        break;
      if (c != '\\')
        {
          g_string_append_c (out, c);
          continue;
        }
      if (parser->p >= parser->end)
        {
          parse_fail (parser, error, "unterminated string");
          return NULL;
        }
      c = *parser->p++;
      switch (c)
        {
        case '\\': case '\'': case '"':
          g_string_append_c (out, c);
          continue;
        case 'n': g_string_append_c (out, '\n'); continue;
        case 't': g_string_append_c (out, '\t'); continue;
        case 'r': g_string_append_c (out, '\r'); continue;
        case 'a': g_string_append_c (out, '\a'); continue;
        case 'b': g_string_append_c (out, '\b'); continue;
        case 'f': g_string_append_c (out, '\f'); continue;
        case 'v': g_string_append_c (out, '\v'); continue;
        case 'x':
          if (!parse_hex (parser, 2, &u))
            goto bad_escape;
          break;
        case 'u':
          if (!parse_hex (parser, 4, &u))
            goto bad_escape;
          break;
        case 'U':
          if (!parse_hex (parser, 8, &u))
            goto bad_escape;
          break;
        default:
          goto bad_escape;
        }
      if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff))
        goto bad_escape;
      g_string_append_unichar (out, u);
    }

  /* Every string becomes a C string (a dtype, a field name). */
  if (memchr (out->str, '\0', out->len) != NULL)
    {
      parse_fail (parser, error, "a string holds a NUL character");
      return NULL;
    }
  lit = lit_new (LIT_STR);
  lit->str = g_string_free (g_steal_pointer (&out), FALSE);
  return lit;

bad_escape:
  parse_fail (parser, error, "invalid escape in a string");
  return NULL;
}

static Lit *
parse_int (Parser  *parser,
           gboolean python2,
           GError **error)
{
  g_autoptr(Lit) lit = lit_new (LIT_INT);

  if (*parser->p == '-' || *parser->p == '+')
    {
      lit->negative = *parser->p == '-';
      parser->p++;
      skip_space (parser);
    }
  if (parser->p >= parser->end || !g_ascii_isdigit (*parser->p))
    {
      parse_fail (parser, error, "a sign without a number");
      return NULL;
    }
  while (parser->p < parser->end && g_ascii_isdigit (*parser->p))
    {
      if (!g_uint64_checked_mul (&lit->magnitude, lit->magnitude, 10) ||
          !g_uint64_checked_add (&lit->magnitude, lit->magnitude, (guint64) (*parser->p - '0')))
        {
          parse_fail (parser, error, "a number too large");
          return NULL;
        }
      parser->p++;
    }
  /* Python 2 wrote shapes of longs: (3L, 4L). */
  if (python2 && parser->p < parser->end && (*parser->p == 'L' || *parser->p == 'l'))
    parser->p++;
  if (parser->p < parser->end && (is_ident_char (*parser->p) || *parser->p == '.'))
    {
      parse_fail (parser, error, "a number that is not an integer");
      return NULL;
    }
  return g_steal_pointer (&lit);
}

static Lit *parse_value (Parser  *parser,
                         gboolean python2,
                         GError **error);

/* (a, b), [a, b] or {k: v}: items separated by commas, a trailing comma
 * allowed. A parenthesised single value without a comma is that value, as
 * in Python. */
static Lit *
parse_sequence (Parser  *parser,
                gboolean python2,
                GError **error)
{
  char open = *parser->p;
  char close = open == '(' ? ')' : open == '[' ? ']' : '}';
  g_autoptr(Lit) lit = lit_new (open == '(' ? LIT_TUPLE : open == '[' ? LIT_LIST : LIT_DICT);
  gboolean trailing_comma = FALSE;

  if (++parser->depth > NPY_MAX_NESTING)
    {
      parse_fail (parser, error, "values nested too deeply");
      return NULL;
    }
  parser->p++;

  for (;;)
    {
      Lit *item;

      skip_space (parser);
      if (parser->p < parser->end && *parser->p == close)
        {
          parser->p++;
          break;
        }
      if (lit->items->len > 0 && !trailing_comma)
        {
          parse_fail (parser, error, "a comma is missing");
          return NULL;
        }

      item = parse_value (parser, python2, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (lit->items, item);

      if (lit->kind == LIT_DICT)
        {
          skip_space (parser);
          if (parser->p >= parser->end || *parser->p != ':')
            {
              parse_fail (parser, error, "a colon is missing");
              return NULL;
            }
          parser->p++;
          item = parse_value (parser, python2, error);
          if (item == NULL)
            return NULL;
          g_ptr_array_add (lit->items, item);
        }

      skip_space (parser);
      trailing_comma = parser->p < parser->end && *parser->p == ',';
      if (trailing_comma)
        parser->p++;
    }
  parser->depth--;

  if (lit->kind == LIT_TUPLE && lit->items->len == 1 && !trailing_comma)
    return g_ptr_array_steal_index (lit->items, 0);
  return g_steal_pointer (&lit);
}

static Lit *
parse_value (Parser  *parser,
             gboolean python2,
             GError **error)
{
  const char *word;
  gsize len;

  skip_space (parser);
  if (parser->p >= parser->end)
    {
      parse_fail (parser, error, "a value is missing");
      return NULL;
    }

  switch (*parser->p)
    {
    case '(': case '[': case '{':
      return parse_sequence (parser, python2, error);
    case '\'': case '"':
      return parse_string (parser, error);
    case '-': case '+':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return parse_int (parser, python2, error);
    default:
      break;
    }

  if ((*parser->p == 'u' || *parser->p == 'U') && parser->p + 1 < parser->end &&
      (parser->p[1] == '\'' || parser->p[1] == '"'))
    return parse_string (parser, error);

  word = parser->p;
  while (parser->p < parser->end && is_ident_char (*parser->p))
    parser->p++;
  len = parser->p - word;
  if (len == 4 && memcmp (word, "True", 4) == 0)
    {
      Lit *lit = lit_new (LIT_BOOL);

      lit->v_bool = TRUE;
      return lit;
    }
  if (len == 5 && memcmp (word, "False", 5) == 0)
    return lit_new (LIT_BOOL);
  if (len == 4 && memcmp (word, "None", 4) == 0)
    return lit_new (LIT_NONE);

  parser->p = word;
  parse_fail (parser, error, "unexpected character");
  return NULL;
}

static Lit *
parse_header (const char *text,
              gsize       length,
              gboolean    python2,
              GError    **error)
{
  Parser parser = { text, text, text + length, 0 };
  g_autoptr(Lit) lit = parse_value (&parser, python2, error);

  if (lit == NULL)
    return NULL;
  skip_space (&parser);
  if (parser.p != parser.end)
    {
      parse_fail (&parser, error, "unexpected text after the dict");
      return NULL;
    }
  return g_steal_pointer (&lit);
}

/* Headers of format 1.0 and 2.0 are latin-1; the parser wants UTF-8. */
static char *
latin1_to_utf8 (const guint8 *data,
                gsize         length)
{
  GString *out = g_string_sized_new (length + 1);

  for (gsize i = 0; i < length; i++)
    g_string_append_unichar (out, data[i]);
  return g_string_free (out, FALSE);
}

/* What numpy reads but Drey does not take, anywhere in a structured
 * descr: object fields (pickles) and titled fields ((title, name) pairs).
 * Returns a reason, or %NULL. */
static const char *
descr_unsupported (const Lit *descr)
{
  if (descr->kind == LIT_STR)
    {
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (descr->str, NULL);

      if (dtype != NULL && sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
        return "a structured array with object fields holds pickled Python objects, "
               "which are never loaded";
      return NULL;
    }
  if (descr->kind != LIT_LIST)
    return NULL;
  for (guint i = 0; i < descr->items->len; i++)
    {
      const Lit *field = g_ptr_array_index (descr->items, i);
      const char *reason;

      if ((field->kind != LIT_TUPLE && field->kind != LIT_LIST) || field->items->len < 2)
        continue;
      if (((const Lit *) g_ptr_array_index (field->items, 0))->kind == LIT_TUPLE)
        return "structured fields with titles are not supported";
      reason = descr_unsupported (g_ptr_array_index (field->items, 1));
      if (reason != NULL)
        return reason;
    }
  return NULL;
}

/* The descr list as the msgpack-numpy form sq_dtype_new_from_descr()
 * takes: tuples and lists both become arrays. */
static SqValue *
lit_to_value (const Lit *lit,
              GError   **error)
{
  switch (lit->kind)
    {
    case LIT_STR:
      return sq_value_new_str (lit->str, -1);
    case LIT_INT:
      if (lit->magnitude > G_MAXINT64)
        break;
      return sq_value_new_int (lit->negative ? -(gint64) lit->magnitude : (gint64) lit->magnitude);
    case LIT_BOOL:
      return sq_value_new_bool (lit->v_bool);
    case LIT_NONE:
      return sq_value_new_nil ();
    case LIT_TUPLE:
    case LIT_LIST:
      {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

        for (guint i = 0; i < lit->items->len; i++)
          {
            SqValue *item = lit_to_value (g_ptr_array_index (lit->items, i), error);

            if (item == NULL)
              return NULL;
            g_ptr_array_add (items, item);
          }
        /* The array takes the items' references. */
        g_ptr_array_set_free_func (items, NULL);
        return sq_value_new_array ((SqValue **) items->pdata, items->len);
      }
    case LIT_DICT:
    default:
      break;
    }
  g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
               "header: descr is not a list of (name, type) fields");
  return NULL;
}

static SqDtype *
dtype_from_descr (const Lit *descr,
                  GError   **error)
{
  g_autoptr(SqDtype) dtype = NULL;
  g_autoptr(GError) local_error = NULL;

  if (descr->kind == LIT_STR)
    dtype = sq_dtype_new_from_string (descr->str, &local_error);
  else if (descr->kind == LIT_LIST)
    {
      g_autoptr(SqValue) value = NULL;
      const char *reason = descr_unsupported (descr);

      if (reason != NULL)
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED, "%s", reason);
          return NULL;
        }
      value = lit_to_value (descr, error);
      if (value == NULL)
        return NULL;
      dtype = sq_dtype_new_from_descr (value, &local_error);
    }
  else
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   "header: descr is neither a dtype string nor a list of fields");
      return NULL;
    }

  if (dtype == NULL)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: %s", local_error->message);
      return NULL;
    }
  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED,
                   "an object array holds pickled Python objects, which are never loaded");
      return NULL;
    }
  return g_steal_pointer (&dtype);
}

static void
append_shape_repr (GString       *out,
                   guint          ndim,
                   const guint64 *shape)
{
  g_string_append_c (out, '(');
  for (guint i = 0; i < ndim; i++)
    g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
  if (ndim == 1)
    g_string_append_c (out, ',');
  g_string_append_c (out, ')');
}

static char *
format_shape_repr (guint          ndim,
                   const guint64 *shape)
{
  GString *out = g_string_new (NULL);

  append_shape_repr (out, ndim, shape);
  return g_string_free (out, FALSE);
}

static gboolean
check_header_dict (const Lit  *dict,
                   const Lit **descr,
                   const Lit **fortran_order,
                   const Lit **shape,
                   GError    **error)
{
  static const char *const names[] = { "descr", "fortran_order", "shape" };
  const Lit **slots[] = { descr, fortran_order, shape };

  if (dict->kind != LIT_DICT)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: not a dict");
      return FALSE;
    }
  *descr = *fortran_order = *shape = NULL;

  for (guint i = 0; i < dict->items->len; i += 2)
    {
      const Lit *key = g_ptr_array_index (dict->items, i);
      guint k;

      if (key->kind != LIT_STR)
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: a key is not a string");
          return FALSE;
        }
      for (k = 0; k < G_N_ELEMENTS (names); k++)
        if (strcmp (key->str, names[k]) == 0)
          break;
      if (k == G_N_ELEMENTS (names))
        {
          g_autofree char *escaped = g_strescape (key->str, NULL);

          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: unexpected key '%s'", escaped);
          return FALSE;
        }
      if (*slots[k] != NULL)
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: key '%s' appears twice", names[k]);
          return FALSE;
        }
      *slots[k] = g_ptr_array_index (dict->items, i + 1);
    }

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    if (*slots[k] == NULL)
      {
        g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: key '%s' is missing", names[k]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_shape (const Lit *lit,
             guint     *ndim,
             guint64   *shape,
             GError   **error)
{
  if (lit->kind != LIT_TUPLE)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: shape is not a tuple");
      return FALSE;
    }
  if (lit->items->len > SQ_NDARRAY_MAX_DIMS)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   "header: shape has %u dimensions; numpy allows at most %d",
                   lit->items->len, SQ_NDARRAY_MAX_DIMS);
      return FALSE;
    }
  for (guint i = 0; i < lit->items->len; i++)
    {
      const Lit *dim = g_ptr_array_index (lit->items, i);

      if (dim->kind != LIT_INT || (dim->negative && dim->magnitude != 0))
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                       "header: shape dimension %u is not a non-negative integer", i);
          return FALSE;
        }
      shape[i] = dim->magnitude;
    }
  *ndim = lit->items->len;
  return TRUE;
}

/* Fortran order to C order: walks the C-ordered output with an odometer,
 * keeping the offset of the same element in the Fortran-ordered input. */
static GBytes *
fortran_to_c (const guint8  *src,
              gsize          itemsize,
              guint          ndim,
              const guint64 *shape,
              guint64        n_elements)
{
  guint64 strides[SQ_NDARRAY_MAX_DIMS];
  guint64 index[SQ_NDARRAY_MAX_DIMS] = { 0 };
  guint8 *dest = g_malloc (n_elements * itemsize);
  guint64 offset = 0;

  for (guint k = 0; k < ndim; k++)
    strides[k] = k == 0 ? 1 : strides[k - 1] * shape[k - 1];

  for (guint64 i = 0; i < n_elements; i++)
    {
      memcpy (dest + i * itemsize, src + offset * itemsize, itemsize);
      for (guint k = ndim; k-- > 0;)
        {
          offset += strides[k];
          if (++index[k] < shape[k])
            break;
          offset -= strides[k] * shape[k];
          index[k] = 0;
        }
    }
  return g_bytes_new_take (dest, n_elements * itemsize);
}

/**
 * sq_npy_read:
 * @bytes: the content of a .npy file
 * @error: return location for a #SQ_NPY_ERROR error
 *
 * Reads an array from numpy's .npy format, versions 1.0, 2.0 and 3.0.
 * Fortran-ordered data is transposed, so the array is C-ordered like every
 * #SqNdarray. C-ordered data is not copied: the array references @bytes.
 * Object arrays (pickles) are refused, never loaded.
 *
 * Returns: (transfer full): the array, or %NULL
 */
SqNdarray *
sq_npy_read (GBytes  *bytes,
             GError **error)
{
  gsize size;
  const guint8 *data;
  guint major, minor;
  gsize prefix, header_len;
  g_autofree char *header = NULL;
  g_autoptr(Lit) dict = NULL;
  const Lit *descr, *fortran_order, *shape_lit;
  g_autoptr(SqDtype) dtype = NULL;
  guint64 shape[SQ_NDARRAY_MAX_DIMS];
  guint ndim = 0;
  guint64 n_elements = 1, needed;
  gsize found;
  g_autoptr(GBytes) elements = NULL;
  g_autoptr(GError) local_error = NULL;
  SqNdarray *array;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size < NPY_MAGIC_LEN + 2 || memcmp (data, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   size < NPY_MAGIC_LEN + 2 ? "not a .npy file (too short)" : "not a .npy file (bad magic)");
      return NULL;
    }

  major = data[6];
  minor = data[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   "unknown .npy format version %u.%u (1.0, 2.0 and 3.0 are read)", major, minor);
      return NULL;
    }

  /* 1.0 has a 16-bit header length, 2.0 and 3.0 a 32-bit one. */
  prefix = NPY_MAGIC_LEN + 2 + (major == 1 ? 2 : 4);
  if (size < prefix)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: the file ends inside the header length");
      return NULL;
    }
  header_len = major == 1 ? (gsize) data[8] | (gsize) data[9] << 8
                          : (gsize) data[8] | (gsize) data[9] << 8 | (gsize) data[10] << 16 | (gsize) data[11] << 24;
  if (header_len > size - prefix)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   "header: the file ends inside the header (%" G_GSIZE_FORMAT " bytes claimed, %"
                   G_GSIZE_FORMAT " present)", header_len, size - prefix);
      return NULL;
    }

  /* Python refuses source holding NUL; so do we, before C strings would
   * cut the header short. */
  if (memchr (data + prefix, '\0', header_len) != NULL)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: holds a NUL byte");
      return NULL;
    }
  if (major == 3)
    {
      if (!g_utf8_validate_len ((const char *) data + prefix, header_len, NULL))
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: not valid UTF-8");
          return NULL;
        }
      header = g_strndup ((const char *) data + prefix, header_len);
    }
  else
    header = latin1_to_utf8 (data + prefix, header_len);

  dict = parse_header (header, strlen (header), major < 3, error);
  if (dict == NULL)
    return NULL;
  if (!check_header_dict (dict, &descr, &fortran_order, &shape_lit, error))
    return NULL;
  if (fortran_order->kind != LIT_BOOL)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "header: fortran_order is not True or False");
      return NULL;
    }
  if (!parse_shape (shape_lit, &ndim, shape, error))
    return NULL;
  dtype = dtype_from_descr (descr, error);
  if (dtype == NULL)
    return NULL;

  /* A hostile shape must not make us allocate: sizes are checked against
   * what the file holds first. */
  found = size - prefix - header_len;
  for (guint i = 0; i < ndim; i++)
    if (!g_uint64_checked_mul (&n_elements, n_elements, shape[i]))
      goto too_large;
  if (!g_uint64_checked_mul (&needed, n_elements, sq_dtype_get_itemsize (dtype)))
    goto too_large;
  if (needed != found)
    {
      g_autofree char *dims = format_shape_repr (ndim, shape);

      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                   "expected %" G_GUINT64_FORMAT " bytes of data for shape %s of %s, found %" G_GSIZE_FORMAT,
                   needed, dims, sq_dtype_get_type_string (dtype), found);
      return NULL;
    }

  if (fortran_order->v_bool && ndim > 1 && needed > 0)
    elements = fortran_to_c (data + prefix + header_len, sq_dtype_get_itemsize (dtype), ndim, shape, n_elements);
  else
    elements = g_bytes_new_from_bytes (bytes, prefix + header_len, found);

  array = sq_ndarray_new (dtype, ndim, shape, elements, &local_error);
  if (array == NULL)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }
  return array;

too_large:
  {
    g_autofree char *dims = format_shape_repr (ndim, shape);

    g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID,
                 "header: shape %s of %s is too large", dims, sq_dtype_get_type_string (dtype));
    return NULL;
  }
}

/* Python's str.isprintable() for one character: what repr() leaves as is. */
static gboolean
python_printable (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return FALSE;
    case G_UNICODE_SPACE_SEPARATOR:
      return c == ' ';
    default:
      return TRUE;
    }
}

/* Python's repr() of a str. */
static void
append_str_repr (GString    *out,
                 const char *text,
                 gsize       length)
{
  const char *end = text + length;
  char quote = memchr (text, '\'', length) != NULL && memchr (text, '"', length) == NULL ? '"' : '\'';

  g_string_append_c (out, quote);
  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == (gunichar) quote || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c < 0x7f || python_printable (c))
        g_string_append_unichar (out, c);
      else if (c <= 0xff)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c <= 0xffff)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_printf (out, "\\U%08x", c);
    }
  g_string_append_c (out, quote);
}

/* numpy's dtype.str, made from the dtype rather than taken as read: a
 * string read as "f8" or "=f8" is written "<f8" as numpy would. */
static char *
dtype_str (const SqDtype *dtype)
{
  static const char kind_chars[] = "biufcUSMmVO";
  SqDtypeKind kind = sq_dtype_get_kind (dtype);
  SqByteOrder order = sq_dtype_get_byte_order (dtype);
  gsize itemsize = sq_dtype_get_itemsize (dtype);
  char order_char = order == SQ_BYTE_ORDER_LITTLE ? '<' : order == SQ_BYTE_ORDER_BIG ? '>' : '|';
  const char *unit = sq_dtype_get_unit (dtype);

  if (kind == SQ_DTYPE_KIND_OBJECT)
    return g_strdup ("|O");
  if (kind == SQ_DTYPE_KIND_DATETIME || kind == SQ_DTYPE_KIND_TIMEDELTA)
    return g_strdup_printf ("%c%c8%s%s%s", order_char, kind_chars[kind],
                            unit && *unit ? "[" : "", unit ? unit : "", unit && *unit ? "]" : "");
  return g_strdup_printf ("%c%c%" G_GSIZE_FORMAT, order_char, kind_chars[kind],
                          kind == SQ_DTYPE_KIND_UNICODE ? itemsize / 4 : itemsize);
}

/* repr(dtype.descr) of a structured dtype, from the descr it was read
 * with: fields as tuples, sub-array shapes as tuples, nested descrs as
 * lists: `[('x', '<f4'), ('v', '<f8', (2,)), ('p', [('a', '|u1')])]`. */
static gboolean
append_descr_repr (GString       *out,
                   const SqValue *descr,
                   GError       **error)
{
  if (sq_value_get_value_type (descr) != SQ_VALUE_ARRAY)
    goto bad;

  g_string_append_c (out, '[');
  for (gsize i = 0; i < sq_value_get_length (descr); i++)
    {
      SqValue *field = sq_value_get_item (descr, i);
      gsize n = sq_value_get_length (field);
      SqValue *name, *type;
      gsize len;
      const char *text;

      if (sq_value_get_value_type (field) != SQ_VALUE_ARRAY || n < 2 || n > 3)
        goto bad;
      name = sq_value_get_item (field, 0);
      type = sq_value_get_item (field, 1);
      if (sq_value_get_value_type (name) != SQ_VALUE_STR)
        goto bad;

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_c (out, '(');
      text = sq_value_get_str (name, &len);
      if (memchr (text, '\0', len) != NULL)
        goto holds_nul;
      append_str_repr (out, text, len);
      g_string_append (out, ", ");
      if (sq_value_get_value_type (type) == SQ_VALUE_STR)
        {
          text = sq_value_get_str (type, &len);
          if (memchr (text, '\0', len) != NULL)
            goto holds_nul;
          append_str_repr (out, text, len);
        }
      else if (!append_descr_repr (out, type, error))
        return FALSE;

      if (n == 3)
        {
          SqValue *dims = sq_value_get_item (field, 2);
          gsize ndim = sq_value_get_length (dims);

          if (sq_value_get_value_type (dims) != SQ_VALUE_ARRAY)
            goto bad;
          g_string_append (out, ", (");
          for (gsize k = 0; k < ndim; k++)
            {
              SqValue *dim = sq_value_get_item (dims, k);

              if (sq_value_get_value_type (dim) != SQ_VALUE_INT)
                goto bad;
              g_string_append_printf (out, "%s%" G_GINT64_FORMAT, k > 0 ? ", " : "", sq_value_get_int (dim));
            }
          g_string_append (out, ndim == 1 ? ",)" : ")");
        }
      g_string_append_c (out, ')');
    }
  g_string_append_c (out, ']');
  return TRUE;

bad:
  g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID, "the structured dtype has a malformed descr");
  return FALSE;

holds_nul:
  /* numpy would write it escaped, but sq_npy_read() refuses it: a field
   * name is a C string here. Better no file than one that does not read. */
  g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED,
               "a field name or type of the structured dtype holds U+0000, which Drey's .npy reader refuses");
  return FALSE;
}

/* The header in latin-1, if every character fits; %NULL if not. */
static GByteArray *
utf8_to_latin1 (const char *text,
                gsize       length)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (length);

  for (const char *p = text; p < text + length; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint8 byte = (guint8) c;

      if (c > 0xff)
        return NULL;
      g_byte_array_append (out, &byte, 1);
    }
  return g_steal_pointer (&out);
}

/**
 * sq_npy_write:
 * @array: the array
 * @error: return location for a #SQ_NPY_ERROR error
 *
 * Writes @array as `numpy.save` (numpy 1.24) does, byte for byte: format
 * 1.0, the header dict padded with spaces to a multiple of 64 bytes; format
 * 2.0 when the header does not fit in 65535 bytes, 3.0 when it holds
 * characters that latin-1 does not (a structured field name).
 *
 * Returns: (transfer full): the file's content, or %NULL for an object
 *   array or a structured one whose descr holds U+0000
 *   (%SQ_NPY_ERROR_UNSUPPORTED)
 */
GBytes *
sq_npy_write (SqNdarray *array,
              GError   **error)
{
  SqDtype *dtype;
  g_autoptr(GString) header = g_string_new ("{'descr': ");
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(GByteArray) out = NULL;
  const guint64 *shape;
  guint ndim;
  guint major;
  gsize length_size, total, padded;
  GBytes *data;

  g_return_val_if_fail (array != NULL, NULL);

  dtype = sq_ndarray_get_dtype (array);
  shape = sq_ndarray_get_shape (array);
  ndim = sq_ndarray_get_ndim (array);

  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED,
                   "an object array holds pickled Python objects, which are never written");
      return NULL;
    }

  if (sq_dtype_get_n_fields (dtype) > 0)
    {
      SqValue *descr = sq_dtype_get_descr (dtype);

      if (descr == NULL)
        {
          g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED,
                       "the structured dtype has no descr to write");
          return NULL;
        }
      if (!append_descr_repr (header, descr, error))
        return NULL;
    }
  else
    {
      g_autofree char *str = dtype_str (dtype);

      append_str_repr (header, str, strlen (str));
    }

  /* Keys sorted, as numpy writes them, then room for the first axis to
   * grow. */
  g_string_append (header, ", 'fortran_order': False, 'shape': ");
  append_shape_repr (header, ndim, shape);
  g_string_append (header, ", }");
  if (ndim > 0)
    {
      g_autofree char *first = g_strdup_printf ("%" G_GUINT64_FORMAT, shape[0]);
      gsize digits = strlen (first);

      for (gsize i = digits; i < NPY_GROWTH_AXIS_MAX_DIGITS; i++)
        g_string_append_c (header, ' ');
    }

  /* numpy tries 1.0, then 2.0 (both latin-1), then 3.0 (UTF-8). */
  encoded = utf8_to_latin1 (header->str, header->len);
  if (encoded != NULL)
    {
      major = 1;
      length_size = 2;
      total = NPY_MAGIC_LEN + 2 + length_size + encoded->len + 1;
      if (encoded->len + 1 + (NPY_ARRAY_ALIGN - total % NPY_ARRAY_ALIGN) > G_MAXUINT16)
        {
          major = 2;
          length_size = 4;
        }
    }
  else
    {
      major = 3;
      length_size = 4;
      encoded = g_byte_array_sized_new (header->len);
      g_byte_array_append (encoded, (const guint8 *) header->str, header->len);
    }

  /* The padding is never empty: an aligned header gets 64 more spaces,
   * as numpy's arithmetic gives. */
  total = NPY_MAGIC_LEN + 2 + length_size + encoded->len + 1;
  padded = encoded->len + 1 + (NPY_ARRAY_ALIGN - total % NPY_ARRAY_ALIGN);
  if (padded > G_MAXUINT32)
    {
      g_set_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED, "the .npy header would be too large");
      return NULL;
    }

  data = sq_ndarray_get_data (array);
  out = g_byte_array_sized_new (NPY_MAGIC_LEN + 2 + length_size + padded + g_bytes_get_size (data));
  g_byte_array_append (out, (const guint8 *) NPY_MAGIC, NPY_MAGIC_LEN);
  {
    guint8 version[2] = { major, 0 };
    guint8 length[4] = { padded & 0xff, (padded >> 8) & 0xff, (padded >> 16) & 0xff, (padded >> 24) & 0xff };

    g_byte_array_append (out, version, 2);
    g_byte_array_append (out, length, length_size);
  }
  g_byte_array_append (out, encoded->data, encoded->len);
  for (gsize i = encoded->len; i + 1 < padded; i++)
    g_byte_array_append (out, (const guint8 *) " ", 1);
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  g_byte_array_append (out, g_bytes_get_data (data, NULL), g_bytes_get_size (data));

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
