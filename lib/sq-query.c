/* sq-query.c: a Python-shaped expression over one sample: a recursive
 * descent parser to a small tree, evaluated with a third truth value for
 * what is missing (see sq-query.h for the language)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-query"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-query.h"

G_DEFINE_QUARK (sq-query-error-quark, sq_query_error)

/* ---- values met while evaluating ---- */

typedef enum
{
  V_UNKNOWN,  /* missing, or what Python would refuse */
  V_NONE,
  V_BOOL,
  V_INT,
  V_UINT,     /* above G_MAXINT64 only */
  V_FLOAT,
  V_DTYPE,
  V_VALUE,    /* str, bytes, list, map, ndarray, complex, opaque */
} ValKind;

typedef struct
{
  ValKind kind;
  union
  {
    gboolean  b;
    gint64    i;
    guint64   u;
    double    f;
    SqDtype  *dtype;  /* a reference */
    SqValue  *value;  /* a reference */
  } u;
} Val;

static void
val_clear (Val *v)
{
  if (v->kind == V_VALUE)
    sq_value_unref (v->u.value);
  else if (v->kind == V_DTYPE)
    sq_dtype_unref (v->u.dtype);
  v->kind = V_UNKNOWN;
}

static void
val_set_uint (Val    *v,
              guint64 u)
{
  if (u <= G_MAXINT64)
    {
      v->kind = V_INT;
      v->u.i = (gint64) u;
    }
  else
    {
      v->kind = V_UINT;
      v->u.u = u;
    }
}

/* One element of numpy data as a query value: bool, int or float. */
static void
val_set_element (Val           *v,
                 const SqDtype *dtype,
                 const guint8  *p)
{
  gboolean swap = sq_dtype_needs_swap (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
      v->kind = V_BOOL;
      v->u.b = *p != 0;
      return;
    case SQ_DTYPE_KIND_INT:
      v->kind = V_INT;
      v->u.i = _sq_load_int (p, size, swap);
      return;
    case SQ_DTYPE_KIND_UINT:
      val_set_uint (v, _sq_load_uint (p, size, swap));
      return;
    case SQ_DTYPE_KIND_FLOAT:
      v->kind = V_FLOAT;
      v->u.f = sq_dtype_element_to_double (dtype, p);
      return;
    default:
      break;
    }
  v->kind = V_UNKNOWN;
}

/* What a decoded value is to the query: numbers as numbers, the rest
 * kept as the value. */
static void
val_set_value (Val           *v,
               const SqValue *value)
{
  if (value == NULL)
    {
      v->kind = V_UNKNOWN;
      return;
    }
  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NIL:
      v->kind = V_NONE;
      break;
    case SQ_VALUE_BOOL:
      v->kind = V_BOOL;
      v->u.b = sq_value_get_bool (value);
      break;
    case SQ_VALUE_INT:
      v->kind = V_INT;
      v->u.i = sq_value_get_int (value);
      break;
    case SQ_VALUE_UINT:
      val_set_uint (v, sq_value_get_uint (value));
      break;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      v->kind = V_FLOAT;
      v->u.f = sq_value_get_double (value);
      break;
    case SQ_VALUE_SCALAR:
      val_set_element (v, sq_value_get_scalar_dtype (value), sq_value_get_scalar_data (value));
      break;
    case SQ_VALUE_STR:
    case SQ_VALUE_BIN:
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
    case SQ_VALUE_NDARRAY:
    case SQ_VALUE_COMPLEX:
    case SQ_VALUE_OPAQUE:
    default:
      v->kind = V_VALUE;
      v->u.value = sq_value_ref ((SqValue *) value);
      break;
    }
}

static gboolean
val_is_number (const Val *v)
{
  return v->kind == V_BOOL || v->kind == V_INT || v->kind == V_UINT || v->kind == V_FLOAT;
}

static SqValueType
val_value_type (const Val *v)
{
  return v->kind == V_VALUE ? sq_value_get_value_type (v->u.value) : (SqValueType) -1;
}

/* ---- the tree ---- */

typedef enum
{
  N_CONST,    /* a literal */
  N_NAME,     /* a key of the sample */
  N_ATTR,     /* child.name */
  N_INDEX,    /* child[index] */
  N_METHOD,   /* child.name() */
  N_LEN,      /* len(child) */
  N_NEG,
  N_POS,
  N_NOT,
  N_AND,
  N_OR,
  N_COMPARE,  /* children[0] op[0] children[1] op[1] ... */
  N_LIST,     /* a list or tuple display of non-literal items */
} NodeKind;

typedef enum
{
  OP_EQ,
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
  OP_IN,
  OP_NOT_IN,
  OP_IS,
  OP_IS_NOT,
} CompareOp;

typedef struct _Node Node;
struct _Node
{
  NodeKind   kind;
  char      *name;      /* N_NAME, N_ATTR, N_METHOD */
  Val        constant;  /* N_CONST */
  Node     **children;
  guint      n_children;
  CompareOp *ops;       /* N_COMPARE: n_children - 1 */
};

static void
node_free (Node *node)
{
  if (node == NULL)
    return;
  for (guint i = 0; i < node->n_children; i++)
    node_free (node->children[i]);
  g_free (node->children);
  g_free (node->ops);
  g_free (node->name);
  val_clear (&node->constant);
  g_free (node);
}

static Node *
node_new (NodeKind kind)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  return node;
}

static void
node_add (Node *node,
          Node *child)
{
  node->children = g_renew (Node *, node->children, node->n_children + 1);
  node->children[node->n_children++] = child;
}

/* ---- tokens ---- */

typedef enum
{
  T_END,
  T_NAME,
  T_INT,
  T_FLOAT,
  T_STR,
  T_OP,       /* text in op: == != < <= > >= ( ) [ ] , . - + */
} TokKind;

typedef struct
{
  TokKind  kind;
  gsize    start;    /* byte offset */
  gsize    end;
  char     op[3];
  gint64   i;
  guint64  u;
  gboolean is_uint;  /* the int is above G_MAXINT64 */
  double   f;
  GString *str;      /* T_STR, T_NAME */
} Token;

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
  Token       tok;
  guint       depth;
  GError     *error;
  gsize       error_at;
} Parser;

static void
parser_fail (Parser     *p,
             gsize       at,
             SqQueryError code,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
parser_fail (Parser      *p,
             gsize        at,
             SqQueryError code,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;
  glong chars;

  if (p->error != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  chars = g_utf8_pointer_to_offset (p->text, p->text + MIN (at, p->length));
  p->error_at = (gsize) chars;
  g_set_error (&p->error, SQ_QUERY_ERROR, code, "query: at character %ld: %s", chars + 1, message);
}

/* How a token reads in a message. */
static char *
describe_token (Parser *p)
{
  switch (p->tok.kind)
    {
    case T_END:
      return g_strdup ("the end");
    case T_STR:
      return g_strdup ("a string");
    default:
      {
        g_autofree char *text = g_strndup (p->text + p->tok.start, MIN (p->tok.end - p->tok.start, 40));

        if (!g_utf8_validate (text, -1, NULL))
          return g_strdup ("a character");
        return g_strdup_printf ("'%s'", text);
      }
    }
}

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

static void
lex_string (Parser *p)
{
  const char *s = p->text;
  char quote = s[p->pos];
  gsize i = p->pos + 1;
  GString *out = g_string_new (NULL);

  while (TRUE)
    {
      char c;

      if (i >= p->length || s[i] == '\n')
        {
          g_string_free (out, TRUE);
          parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "unterminated string");
          return;
        }
      c = s[i];
      if (c == quote)
        {
          i++;
          break;
        }
      if (c != '\\')
        {
          g_string_append_c (out, c);
          i++;
          continue;
        }
      if (i + 1 >= p->length)
        {
          g_string_free (out, TRUE);
          parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "unterminated string");
          return;
        }
      c = s[i + 1];
      switch (c)
        {
        case '\\': case '\'': case '"':
          g_string_append_c (out, c);
          i += 2;
          break;
        case 'n': g_string_append_c (out, '\n'); i += 2; break;
        case 't': g_string_append_c (out, '\t'); i += 2; break;
        case 'r': g_string_append_c (out, '\r'); i += 2; break;
        case '0': g_string_append_c (out, '\0'); i += 2; break;
        case 'x': case 'u': case 'U':
          {
            guint n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            gunichar ch = 0;

            for (guint k = 0; k < n; k++)
              {
                int d = i + 2 + k < p->length ? hex_value (s[i + 2 + k]) : -1;

                if (d < 0)
                  {
                    g_string_free (out, TRUE);
                    parser_fail (p, i, SQ_QUERY_ERROR_SYNTAX, "\\%c needs %u hex digits", c, n);
                    return;
                  }
                ch = ch * 16 + (gunichar) d;
              }
            if (ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF))
              {
                g_string_free (out, TRUE);
                parser_fail (p, i, SQ_QUERY_ERROR_SYNTAX, "\\%c escape is not a character", c);
                return;
              }
            g_string_append_unichar (out, ch);
            i += 2 + n;
          }
          break;
        default:
          /* Python keeps an unknown escape as it is. */
          g_string_append_c (out, '\\');
          i++;
          break;
        }
    }
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      g_string_free (out, TRUE);
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "the string is not valid UTF-8");
      return;
    }
  p->tok.kind = T_STR;
  p->tok.str = out;
  p->tok.end = i;
  p->pos = i;
}

static void
lex_number (Parser *p)
{
  const char *s = p->text;
  gsize i = p->pos;
  int base = 10;
  gboolean is_float = FALSE;
  g_autofree char *digits = NULL;
  guint64 value = 0;

  if (s[i] == '0' && i + 1 < p->length && strchr ("xXoObB", s[i + 1]) != NULL && s[i + 1] != '\0')
    {
      base = s[i + 1] == 'x' || s[i + 1] == 'X' ? 16 : s[i + 1] == 'o' || s[i + 1] == 'O' ? 8 : 2;
      i += 2;
      while (i < p->length && g_ascii_isalnum (s[i]))
        i++;
      digits = g_strndup (s + p->pos + 2, i - p->pos - 2);
    }
  else
    {
      while (i < p->length && g_ascii_isdigit (s[i]))
        i++;
      if (i < p->length && s[i] == '.')
        {
          is_float = TRUE;
          i++;
          while (i < p->length && g_ascii_isdigit (s[i]))
            i++;
        }
      if (i < p->length && (s[i] == 'e' || s[i] == 'E'))
        {
          gsize j = i + 1;

          if (j < p->length && (s[j] == '+' || s[j] == '-'))
            j++;
          if (j < p->length && g_ascii_isdigit (s[j]))
            {
              is_float = TRUE;
              i = j;
              while (i < p->length && g_ascii_isdigit (s[i]))
                i++;
            }
        }
      digits = g_strndup (s + p->pos, i - p->pos);
    }
  if (i < p->length && is_name_char (s[i]))
    {
      parser_fail (p, i, SQ_QUERY_ERROR_SYNTAX, "invalid number");
      return;
    }
  p->tok.end = i;
  if (is_float)
    {
      p->tok.kind = T_FLOAT;
      p->tok.f = g_ascii_strtod (digits, NULL);
      p->pos = i;
      return;
    }
  if (*digits == '\0')
    {
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "invalid number");
      return;
    }
  /* Python refuses 007 (but takes 0 and 00). */
  if (base == 10 && digits[0] == '0' && strspn (digits, "0") != strlen (digits))
    {
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "leading zeros in a decimal int are not allowed");
      return;
    }
  for (const char *d = digits; *d; d++)
    {
      int dv = g_ascii_xdigit_value (*d);

      if (dv < 0 || dv >= base)
        {
          parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "invalid digit in a base %d int", base);
          return;
        }
      if (value > (G_MAXUINT64 - (guint64) dv) / (guint64) base)
        {
          parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "the int does not fit in 64 bits");
          return;
        }
      value = value * (guint64) base + (guint64) dv;
    }
  p->tok.kind = T_INT;
  p->tok.u = value;
  p->pos = i;
}

static void
next_token (Parser *p)
{
  const char *s = p->text;

  if (p->tok.str != NULL)
    g_string_free (p->tok.str, TRUE);
  memset (&p->tok, 0, sizeof p->tok);
  if (p->error != NULL)
    {
      p->tok.kind = T_END;
      return;
    }
  while (p->pos < p->length && (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r'))
    p->pos++;
  p->tok.start = p->pos;
  p->tok.end = p->pos;
  if (p->pos >= p->length)
    {
      p->tok.kind = T_END;
      return;
    }
  if (is_name_start (s[p->pos]))
    {
      gsize i = p->pos;

      while (i < p->length && is_name_char (s[i]))
        i++;
      p->tok.kind = T_NAME;
      p->tok.str = g_string_new_len (s + p->pos, (gssize) (i - p->pos));
      p->tok.end = i;
      p->pos = i;
      return;
    }
  if (g_ascii_isdigit (s[p->pos]) ||
      (s[p->pos] == '.' && p->pos + 1 < p->length && g_ascii_isdigit (s[p->pos + 1])))
    {
      lex_number (p);
      return;
    }
  if (s[p->pos] == '\'' || s[p->pos] == '"')
    {
      lex_string (p);
      return;
    }
  {
    static const char *const ops[] = {
      "==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", ".", "-", "+",
    };

    for (guint k = 0; k < G_N_ELEMENTS (ops); k++)
      {
        gsize n = strlen (ops[k]);

        if (p->pos + n <= p->length && memcmp (s + p->pos, ops[k], n) == 0)
          {
            p->tok.kind = T_OP;
            memcpy (p->tok.op, ops[k], n);
            p->pos += n;
            p->tok.end = p->pos;
            return;
          }
      }
  }
  {
    const char *end = g_utf8_find_next_char (s + p->pos, s + p->length);
    g_autofree char *ch = g_strndup (s + p->pos, end ? (gsize) (end - s) - p->pos : p->length - p->pos);

    if (s[p->pos] == '=')
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "'=' assigns in Python; compare with '=='");
    else if (g_utf8_validate (ch, -1, NULL) && g_unichar_isprint (g_utf8_get_char (ch)))
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "unexpected character '%s'", ch);
    else
      parser_fail (p, p->pos, SQ_QUERY_ERROR_SYNTAX, "unexpected character");
    p->tok.kind = T_END;
  }
}

static gboolean
tok_is_op (Parser     *p,
           const char *op)
{
  return p->tok.kind == T_OP && strcmp (p->tok.op, op) == 0;
}

static gboolean
tok_is_word (Parser     *p,
             const char *word)
{
  return p->tok.kind == T_NAME && strcmp (p->tok.str->str, word) == 0;
}

static gboolean
is_keyword (const char *name)
{
  static const char *const words[] = { "and", "or", "not", "in", "is", "None", "True", "False" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (name, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
expect_op (Parser     *p,
           const char *op,
           gsize       opened_at)
{
  if (tok_is_op (p, op))
    {
      next_token (p);
      return;
    }
  {
    g_autofree char *found = describe_token (p);

    if (opened_at != G_MAXSIZE)
      {
        glong chars = g_utf8_pointer_to_offset (p->text, p->text + opened_at);

        parser_fail (p, p->tok.start, SQ_QUERY_ERROR_SYNTAX, "expected '%s' (to close character %ld), found %s",
                     op, chars + 1, found);
      }
    else
      parser_fail (p, p->tok.start, SQ_QUERY_ERROR_SYNTAX, "expected '%s', found %s", op, found);
  }
}

static Node *parse_or (Parser *p);

static gboolean
enter (Parser *p)
{
  if (++p->depth > SQ_QUERY_MAX_DEPTH)
    {
      parser_fail (p, p->tok.start, SQ_QUERY_ERROR_LIMIT, "nested deeper than %d", SQ_QUERY_MAX_DEPTH);
      return FALSE;
    }
  return TRUE;
}

static void
leave (Parser *p)
{
  p->depth--;
}

static Node *
const_node (void)
{
  return node_new (N_CONST);
}

/* A list or tuple display: literals become one constant value (so
 * `label in [1, 2, 3]` builds nothing per sample); otherwise N_LIST. */
static Node *
finish_sequence (GPtrArray *items)
{
  gboolean all_const = TRUE;
  Node *node;

  for (guint i = 0; i < items->len; i++)
    {
      Node *item = items->pdata[i];

      if (item->kind != N_CONST)
        all_const = FALSE;
    }
  if (all_const)
    {
      g_autofree SqValue **values = g_new0 (SqValue *, items->len + 1);

      for (guint i = 0; i < items->len; i++)
        {
          Val *c = &((Node *) items->pdata[i])->constant;

          switch (c->kind)
            {
            case V_NONE: values[i] = sq_value_new_nil (); break;
            case V_BOOL: values[i] = sq_value_new_bool (c->u.b); break;
            case V_INT: values[i] = sq_value_new_int (c->u.i); break;
            case V_UINT: values[i] = sq_value_new_uint (c->u.u); break;
            case V_FLOAT: values[i] = sq_value_new_float64 (c->u.f); break;
            case V_VALUE: values[i] = sq_value_ref (c->u.value); break;
            case V_UNKNOWN:
            case V_DTYPE:
            default: g_assert_not_reached ();
            }
        }
      node = const_node ();
      node->constant.kind = V_VALUE;
      /* sq_value_new_array takes the items. */
      node->constant.u.value = sq_value_new_array (values, items->len);
      g_ptr_array_set_free_func (items, (GDestroyNotify) node_free);
      return node;
    }
  node = node_new (N_LIST);
  for (guint i = 0; i < items->len; i++)
    node_add (node, items->pdata[i]);
  g_ptr_array_set_free_func (items, NULL);
  return node;
}

/* Items up to @close, after the opening bracket; @is_tuple says whether
 * a single item without a comma is just a parenthesized expression. */
static Node *
parse_sequence (Parser     *p,
                const char *close,
                gsize       opened_at,
                gboolean    parens)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  gboolean saw_comma = FALSE;

  while (!tok_is_op (p, close) && p->error == NULL)
    {
      Node *item = parse_or (p);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
      if (tok_is_op (p, ","))
        {
          saw_comma = TRUE;
          next_token (p);
          continue;
        }
      break;
    }
  expect_op (p, close, opened_at);
  if (p->error != NULL)
    return NULL;
  if (parens && items->len == 1 && !saw_comma)
    return g_ptr_array_steal_index (items, 0);
  return finish_sequence (items);
}

static Node *
parse_primary (Parser *p)
{
  Node *node;
  gsize at = p->tok.start;

  switch (p->tok.kind)
    {
    case T_INT:
      node = const_node ();
      val_set_uint (&node->constant, p->tok.u);
      next_token (p);
      return node;
    case T_FLOAT:
      node = const_node ();
      node->constant.kind = V_FLOAT;
      node->constant.u.f = p->tok.f;
      next_token (p);
      return node;
    case T_STR:
      {
        g_autoptr(GString) text = g_string_new (NULL);

        /* Adjacent strings join, as in Python. */
        while (p->tok.kind == T_STR)
          {
            g_string_append_len (text, p->tok.str->str, (gssize) p->tok.str->len);
            next_token (p);
          }
        node = const_node ();
        node->constant.kind = V_VALUE;
        node->constant.u.value = sq_value_new_str (text->str, (gssize) text->len);
        return node;
      }
    case T_NAME:
      {
        const char *name = p->tok.str->str;

        if (strcmp (name, "None") == 0 || strcmp (name, "True") == 0 || strcmp (name, "False") == 0)
          {
            node = const_node ();
            node->constant.kind = name[0] == 'N' ? V_NONE : V_BOOL;
            node->constant.u.b = name[0] == 'T';
            next_token (p);
            return node;
          }
        if (is_keyword (name))
          {
            parser_fail (p, at, SQ_QUERY_ERROR_SYNTAX, "expected an operand, found '%s'", name);
            return NULL;
          }
        node = node_new (N_NAME);
        node->name = g_strdup (name);
        next_token (p);
        if (tok_is_op (p, "("))
          {
            gsize open = p->tok.start;
            Node *arg;

            if (strcmp (node->name, "len") != 0)
              {
                parser_fail (p, at, SQ_QUERY_ERROR_SYNTAX, "unknown function '%s' (only len() is known)", node->name);
                node_free (node);
                return NULL;
              }
            node_free (node);
            next_token (p);
            if (tok_is_op (p, ")"))
              {
                parser_fail (p, p->tok.start, SQ_QUERY_ERROR_SYNTAX, "len() takes exactly one argument");
                return NULL;
              }
            arg = parse_or (p);
            if (arg == NULL)
              return NULL;
            if (tok_is_op (p, ","))
              {
                parser_fail (p, p->tok.start, SQ_QUERY_ERROR_SYNTAX, "len() takes exactly one argument");
                node_free (arg);
                return NULL;
              }
            expect_op (p, ")", open);
            if (p->error != NULL)
              {
                node_free (arg);
                return NULL;
              }
            node = node_new (N_LEN);
            node_add (node, arg);
          }
        return node;
      }
    case T_OP:
      if (tok_is_op (p, "(") || tok_is_op (p, "["))
        {
          gboolean parens = tok_is_op (p, "(");

          next_token (p);
          return parse_sequence (p, parens ? ")" : "]", at, parens);
        }
      break;
    case T_END:
    default:
      break;
    }
  {
    g_autofree char *found = describe_token (p);

    parser_fail (p, at, SQ_QUERY_ERROR_SYNTAX, "expected an operand, found %s", found);
  }
  return NULL;
}

static const char *const methods[] = { "min", "max", "mean", "std", "sum" };

static Node *
parse_postfix (Parser *p)
{
  Node *node = parse_primary (p);
  guint depth = 0;  /* added to p->depth: nested postfixes recurse when evaluated */

  while (node != NULL && p->error == NULL)
    {
      Node *outer;

      if (tok_is_op (p, "."))
        {
          next_token (p);
          if (p->tok.kind != T_NAME || is_keyword (p->tok.str->str))
            {
              g_autofree char *found = describe_token (p);

              parser_fail (p, p->tok.start, SQ_QUERY_ERROR_SYNTAX, "expected a name after '.', found %s", found);
              break;
            }
          outer = node_new (N_ATTR);
          outer->name = g_strdup (p->tok.str->str);
          {
            gsize name_at = p->tok.start;

            next_token (p);
            if (tok_is_op (p, "("))
              {
                gboolean known = FALSE;

                for (guint k = 0; k < G_N_ELEMENTS (methods); k++)
                  known = known || strcmp (outer->name, methods[k]) == 0;
                if (!known)
                  {
                    parser_fail (p, name_at, SQ_QUERY_ERROR_SYNTAX,
                                 "unknown method '%s' (known: min, max, mean, std, sum)", outer->name);
                    node_free (outer);
                    break;
                  }
                outer->kind = N_METHOD;
                next_token (p);
                expect_op (p, ")", G_MAXSIZE);
                if (p->error != NULL)
                  {
                    node_free (outer);
                    break;
                  }
              }
          }
        }
      else if (tok_is_op (p, "["))
        {
          gsize open = p->tok.start;
          Node *index;

          next_token (p);
          index = parse_or (p);
          if (index == NULL)
            break;
          expect_op (p, "]", open);
          outer = node_new (N_INDEX);
          node_add (outer, node);
          node_add (outer, index);
          node = outer;
          depth++;
          if (!enter (p))
            break;
          continue;
        }
      else
        break;

      g_assert (outer->n_children == 0);
      node_add (outer, node);
      node = outer;
      depth++;
      if (!enter (p))
        break;
    }
  p->depth -= depth;
  if (p->error != NULL)
    {
      node_free (node);
      return NULL;
    }
  return node;
}

static Node *
parse_unary (Parser *p)
{
  if (tok_is_op (p, "-") || tok_is_op (p, "+"))
    {
      gboolean neg = tok_is_op (p, "-");
      Node *child;
      Node *node;

      if (!enter (p))
        return NULL;
      next_token (p);
      child = parse_unary (p);
      leave (p);
      if (child == NULL)
        return NULL;
      /* Fold a negative literal: -9223372036854775808 fits. */
      if (child->kind == N_CONST && neg && child->constant.kind == V_UINT &&
          child->constant.u.u == (guint64) G_MAXINT64 + 1)
        {
          child->constant.kind = V_INT;
          child->constant.u.i = G_MININT64;
          return child;
        }
      if (child->kind == N_CONST && neg && child->constant.kind == V_INT)
        {
          child->constant.u.i = -child->constant.u.i;
          return child;
        }
      if (child->kind == N_CONST && neg && child->constant.kind == V_FLOAT)
        {
          child->constant.u.f = -child->constant.u.f;
          return child;
        }
      node = node_new (neg ? N_NEG : N_POS);
      node_add (node, child);
      return node;
    }
  return parse_postfix (p);
}

static gboolean
parse_compare_op (Parser    *p,
                  CompareOp *op)
{
  static const struct { const char *text; CompareOp op; } table[] = {
    { "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT }, { "<=", OP_LE }, { ">", OP_GT }, { ">=", OP_GE },
  };

  if (p->tok.kind == T_OP)
    {
      for (guint i = 0; i < G_N_ELEMENTS (table); i++)
        if (strcmp (p->tok.op, table[i].text) == 0)
          {
            *op = table[i].op;
            next_token (p);
            return TRUE;
          }
      return FALSE;
    }
  if (tok_is_word (p, "in"))
    {
      *op = OP_IN;
      next_token (p);
      return TRUE;
    }
  if (tok_is_word (p, "is"))
    {
      next_token (p);
      *op = OP_IS;
      if (tok_is_word (p, "not"))
        {
          *op = OP_IS_NOT;
          next_token (p);
        }
      return TRUE;
    }
  if (tok_is_word (p, "not"))
    {
      gsize at = p->tok.start;

      next_token (p);
      if (!tok_is_word (p, "in"))
        {
          parser_fail (p, at, SQ_QUERY_ERROR_SYNTAX, "expected 'not in' here, or an operator before 'not'");
          return FALSE;
        }
      next_token (p);
      *op = OP_NOT_IN;
      return TRUE;
    }
  return FALSE;
}

static Node *
parse_comparison (Parser *p)
{
  Node *first = parse_unary (p);
  Node *node = NULL;
  CompareOp op;

  if (first == NULL)
    return NULL;
  while (p->error == NULL && parse_compare_op (p, &op))
    {
      Node *right;

      if (node == NULL)
        {
          node = node_new (N_COMPARE);
          node_add (node, first);
        }
      right = parse_unary (p);
      if (right == NULL)
        break;
      node->ops = g_renew (CompareOp, node->ops, node->n_children);
      node->ops[node->n_children - 1] = op;
      node_add (node, right);
    }
  if (p->error != NULL)
    {
      node_free (node != NULL ? node : first);
      return NULL;
    }
  return node != NULL ? node : first;
}

static Node *
parse_not (Parser *p)
{
  if (tok_is_word (p, "not"))
    {
      Node *child;
      Node *node;

      if (!enter (p))
        return NULL;
      next_token (p);
      child = parse_not (p);
      leave (p);
      if (child == NULL)
        return NULL;
      node = node_new (N_NOT);
      node_add (node, child);
      return node;
    }
  return parse_comparison (p);
}

static Node *
parse_chain (Parser     *p,
             const char *word,
             NodeKind    kind,
             Node     *(*operand) (Parser *))
{
  Node *first = operand (p);
  Node *node = NULL;

  if (first == NULL)
    return NULL;
  while (p->error == NULL && tok_is_word (p, word))
    {
      Node *next;

      next_token (p);
      next = operand (p);
      if (next == NULL)
        break;
      if (node == NULL)
        {
          node = node_new (kind);
          node_add (node, first);
        }
      node_add (node, next);
    }
  if (p->error != NULL)
    {
      node_free (node != NULL ? node : first);
      return NULL;
    }
  return node != NULL ? node : first;
}

static Node *
parse_and (Parser *p)
{
  return parse_chain (p, "and", N_AND, parse_not);
}

static Node *
parse_or (Parser *p)
{
  Node *node;

  if (!enter (p))
    return NULL;
  node = parse_chain (p, "or", N_OR, parse_and);
  leave (p);
  return node;
}

/* ---- evaluation ---- */

typedef enum
{
  TRI_FALSE,
  TRI_TRUE,
  TRI_UNKNOWN,
} Tri;

static Tri
tri_of (gboolean b)
{
  return b ? TRI_TRUE : TRI_FALSE;
}

static void eval (Node *node, const SqValue *sample, Val *out);
static const char *val_bytes (const Val *v, gsize *len, gboolean *is_str);

/* Python's bool(). */
static Tri
truth (const Val *v)
{
  switch (v->kind)
    {
    case V_NONE: return TRI_FALSE;
    case V_BOOL: return tri_of (v->u.b);
    case V_INT: return tri_of (v->u.i != 0);
    case V_UINT: return TRI_TRUE;
    case V_FLOAT: return tri_of (v->u.f != 0.0);
    case V_DTYPE: return TRI_TRUE;
    case V_VALUE:
      switch (sq_value_get_value_type (v->u.value))
        {
        case SQ_VALUE_STR:
        case SQ_VALUE_BIN:
          {
            gsize len = 0;
            gboolean is_str;

            val_bytes (v, &len, &is_str);
            return tri_of (len > 0);
          }
        case SQ_VALUE_ARRAY:
        case SQ_VALUE_MAP:
          return tri_of (sq_value_get_length (v->u.value) > 0);
        case SQ_VALUE_NDARRAY:
          {
            SqNdarray *a = sq_value_get_ndarray (v->u.value);
            Val e = { V_UNKNOWN, { 0 } };

            /* numpy refuses the truth of more than one element. */
            if (sq_ndarray_get_n_elements (a) != 1)
              return TRI_UNKNOWN;
            val_set_element (&e, sq_ndarray_get_dtype (a), sq_ndarray_get_element_data (a, 0));
            return e.kind == V_UNKNOWN ? TRI_UNKNOWN : truth (&e);
          }
        case SQ_VALUE_COMPLEX:
          {
            double re, im;

            sq_value_get_complex (v->u.value, &re, &im);
            return tri_of (re != 0.0 || im != 0.0);
          }
        default:
          return TRI_UNKNOWN;
        }
    case V_UNKNOWN:
    default:
      return TRI_UNKNOWN;
    }
}

/* -1, 0, 1, or 2 when unordered (a NaN). Both are numbers. */
static int
cmp_int_double (gint64 a,
                double b)
{
  double fl;
  gint64 bi;

  if (isnan (b))
    return 2;
  if (b >= 9223372036854775808.0)
    return -1;
  if (b < -9223372036854775808.0)
    return 1;
  fl = floor (b);
  bi = (gint64) fl;
  if (a < bi)
    return -1;
  if (a > bi)
    return 1;
  return b > fl ? -1 : 0;
}

static int
cmp_uint_double (guint64 a,
                 double  b)
{
  double fl;
  guint64 bu;

  if (isnan (b))
    return 2;
  if (b >= 18446744073709551616.0)
    return -1;
  if (b < 9223372036854775808.0)
    return 1;  /* a is above G_MAXINT64 */
  fl = floor (b);
  bu = (guint64) fl;
  if (a < bu)
    return -1;
  if (a > bu)
    return 1;
  return b > fl ? -1 : 0;
}

static int
cmp_numbers (const Val *a,
             const Val *b)
{
  gint64 ai = a->kind == V_BOOL ? a->u.b : a->u.i;
  gint64 bi = b->kind == V_BOOL ? b->u.b : b->u.i;

  if (a->kind == V_FLOAT && b->kind == V_FLOAT)
    {
      if (isnan (a->u.f) || isnan (b->u.f))
        return 2;
      return a->u.f < b->u.f ? -1 : a->u.f > b->u.f ? 1 : 0;
    }
  if (a->kind == V_FLOAT)
    {
      int r = b->kind == V_UINT ? cmp_uint_double (b->u.u, a->u.f) : cmp_int_double (bi, a->u.f);

      return r == 2 ? 2 : -r;
    }
  if (b->kind == V_FLOAT)
    return a->kind == V_UINT ? cmp_uint_double (a->u.u, b->u.f) : cmp_int_double (ai, b->u.f);
  if (a->kind == V_UINT && b->kind == V_UINT)
    return a->u.u < b->u.u ? -1 : a->u.u > b->u.u ? 1 : 0;
  if (a->kind == V_UINT)
    return 1;
  if (b->kind == V_UINT)
    return -1;
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

static const char *
val_bytes (const Val *v,
           gsize     *len,
           gboolean  *is_str)
{
  SqValueType type = val_value_type (v);

  if (type == SQ_VALUE_STR)
    {
      *is_str = TRUE;
      return sq_value_get_str (v->u.value, len);
    }
  if (type == SQ_VALUE_BIN)
    {
      *is_str = FALSE;
      return g_bytes_get_data (sq_value_get_bin (v->u.value), len);
    }
  return NULL;
}

static gboolean
is_sequence (const Val *v)
{
  return val_value_type (v) == SQ_VALUE_ARRAY;
}

/* numpy's aliases that are not dtype names. */
static const char *
dtype_alias (const char *name)
{
  static const char *const aliases[][2] = {
    { "float", "float64" }, { "double", "float64" }, { "int", "int64" }, { "uint", "uint64" },
    { "bool_", "bool" }, { "half", "float16" }, { "single", "float32" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (name, aliases[i][0]) == 0)
      return aliases[i][1];
  return name;
}

static gboolean
dtype_matches (const SqDtype *dtype,
               const char    *text,
               gsize          len)
{
  g_autofree char *copy = NULL;
  g_autoptr(SqDtype) parsed = NULL;
  SqByteOrder order = sq_dtype_get_byte_order (dtype);
  gboolean native = order == SQ_BYTE_ORDER_NONE ||
                    (G_BYTE_ORDER == G_LITTLE_ENDIAN ? order == SQ_BYTE_ORDER_LITTLE : order == SQ_BYTE_ORDER_BIG);

  if (memchr (text, '\0', len) != NULL)
    return FALSE;
  copy = g_strndup (text, len);
  /* A name means this machine's byte order, as in numpy. */
  if (native && strcmp (dtype_alias (copy), sq_dtype_get_name (dtype)) == 0)
    return TRUE;
  parsed = sq_dtype_new_from_string (copy, NULL);
  return parsed != NULL && sq_dtype_equal (parsed, dtype);
}

static Tri equal (const Val *a, const Val *b);

/* equal() of two members of containers. */
static Tri
equal_values (const SqValue *a,
              const SqValue *b)
{
  Val x = { V_UNKNOWN, { 0 } };
  Val y = { V_UNKNOWN, { 0 } };
  Tri t;

  val_set_value (&x, a);
  val_set_value (&y, b);
  t = equal (&x, &y);
  val_clear (&x);
  val_clear (&y);
  return t;
}

static Tri
equal_items (const SqValue *a,
             const SqValue *b)
{
  gsize n = sq_value_get_length (a);
  Tri result = TRI_TRUE;

  if (sq_value_get_length (b) != n)
    return TRI_FALSE;
  for (gsize i = 0; i < n; i++)
    {
      Tri t = equal_values (sq_value_get_item (a, i), sq_value_get_item (b, i));

      if (t == TRI_FALSE)
        return TRI_FALSE;
      if (t == TRI_UNKNOWN)
        result = TRI_UNKNOWN;
    }
  return result;
}

static Tri
equal_maps (const SqValue *a,
            const SqValue *b)
{
  gsize n = sq_value_get_length (a);
  Tri result = TRI_TRUE;

  if (sq_value_get_length (b) != n)
    return TRI_FALSE;
  for (gsize i = 0; i < n; i++)
    {
      SqValue *key = sq_value_get_key (a, i);
      SqValue *other = NULL;
      Tri t;

      for (gsize j = 0; j < n && other == NULL; j++)
        if (sq_value_equal (key, sq_value_get_key (b, j)))
          other = sq_value_get_item (b, j);
      if (other == NULL)
        return TRI_FALSE;
      t = equal_values (sq_value_get_item (a, i), other);
      if (t == TRI_FALSE)
        return TRI_FALSE;
      if (t == TRI_UNKNOWN)
        result = TRI_UNKNOWN;
    }
  return result;
}

/* Python's ==, with unknown for what it would raise on or give an array
 * for. */
static Tri
equal (const Val *a,
       const Val *b)
{
  if (a->kind == V_UNKNOWN || b->kind == V_UNKNOWN)
    return TRI_UNKNOWN;
  if (val_value_type (a) == SQ_VALUE_NDARRAY || val_value_type (b) == SQ_VALUE_NDARRAY ||
      val_value_type (a) == SQ_VALUE_OPAQUE || val_value_type (b) == SQ_VALUE_OPAQUE ||
      val_value_type (a) == SQ_VALUE_COMPLEX || val_value_type (b) == SQ_VALUE_COMPLEX)
    return TRI_UNKNOWN;
  if (val_is_number (a) && val_is_number (b))
    return tri_of (cmp_numbers (a, b) == 0);
  if (a->kind == V_NONE || b->kind == V_NONE)
    return tri_of (a->kind == b->kind);
  if (a->kind == V_DTYPE || b->kind == V_DTYPE)
    {
      const Val *d = a->kind == V_DTYPE ? a : b;
      const Val *o = a->kind == V_DTYPE ? b : a;
      gsize len;
      gboolean is_str;
      const char *text;

      if (o->kind == V_DTYPE)
        return tri_of (sq_dtype_equal (d->u.dtype, o->u.dtype));
      text = val_bytes (o, &len, &is_str);
      return tri_of (text != NULL && is_str && dtype_matches (d->u.dtype, text, len));
    }
  {
    gsize la, lb;
    gboolean sa, sb;
    const char *ta = val_bytes (a, &la, &sa);
    const char *tb = val_bytes (b, &lb, &sb);

    if (ta != NULL || tb != NULL)
      return tri_of (ta != NULL && tb != NULL && sa == sb && la == lb && memcmp (ta, tb, la) == 0);
  }
  if (is_sequence (a) && is_sequence (b))
    return equal_items (a->u.value, b->u.value);
  if (val_value_type (a) == SQ_VALUE_MAP && val_value_type (b) == SQ_VALUE_MAP)
    return equal_maps (a->u.value, b->u.value);
  /* Different kinds of things: Python says False. */
  return TRI_FALSE;
}

/* Python's ordering: -1, 0, 1; 2 unordered (NaN); 3 refused. */
static int
order (const Val *a,
       const Val *b)
{
  if (a->kind == V_UNKNOWN || b->kind == V_UNKNOWN)
    return 3;
  if (val_is_number (a) && val_is_number (b))
    return cmp_numbers (a, b);
  {
    gsize la, lb;
    gboolean sa, sb;
    const char *ta = val_bytes (a, &la, &sa);
    const char *tb = val_bytes (b, &lb, &sb);

    if (ta != NULL && tb != NULL)
      {
        int c;

        if (sa != sb)
          return 3;
        /* UTF-8 orders as code points do. */
        c = memcmp (ta, tb, MIN (la, lb));
        if (c != 0)
          return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb ? 1 : 0;
      }
  }
  if (is_sequence (a) && is_sequence (b))
    {
      gsize na = sq_value_get_length (a->u.value);
      gsize nb = sq_value_get_length (b->u.value);

      /* Lexicographic: the first items that differ decide. */
      for (gsize i = 0; i < MIN (na, nb); i++)
        {
          Val x = { V_UNKNOWN, { 0 } };
          Val y = { V_UNKNOWN, { 0 } };
          Tri eq;
          int r = 0;

          val_set_value (&x, sq_value_get_item (a->u.value, i));
          val_set_value (&y, sq_value_get_item (b->u.value, i));
          eq = equal (&x, &y);
          if (eq != TRI_TRUE)
            r = eq == TRI_UNKNOWN ? 3 : order (&x, &y);
          val_clear (&x);
          val_clear (&y);
          if (eq != TRI_TRUE)
            return r;
        }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
  return 3;
}

static Tri
contains (const Val *needle,
          const Val *hay)
{
  SqValueType type = val_value_type (hay);

  if (needle->kind == V_UNKNOWN || hay->kind == V_UNKNOWN)
    return TRI_UNKNOWN;
  if (type == SQ_VALUE_STR || type == SQ_VALUE_BIN)
    {
      gsize ln, lh;
      gboolean sn, sh;
      const char *tn = val_bytes (needle, &ln, &sn);
      const char *th = val_bytes (hay, &lh, &sh);

      if (tn == NULL || sn != sh)
        return TRI_UNKNOWN;
      if (ln == 0)
        return TRI_TRUE;
      for (gsize i = 0; ln <= lh && i <= lh - ln; i++)
        if (memcmp (th + i, tn, ln) == 0)
          return TRI_TRUE;
      return TRI_FALSE;
    }
  if (type == SQ_VALUE_ARRAY || type == SQ_VALUE_MAP)
    {
      gsize n = sq_value_get_length (hay->u.value);
      Tri result = TRI_FALSE;

      for (gsize i = 0; i < n; i++)
        {
          Val item = { V_UNKNOWN, { 0 } };
          Tri t;

          val_set_value (&item, type == SQ_VALUE_MAP ? sq_value_get_key (hay->u.value, i)
                                                     : sq_value_get_item (hay->u.value, i));
          t = equal (needle, &item);
          val_clear (&item);
          if (t == TRI_TRUE)
            return TRI_TRUE;
          if (t == TRI_UNKNOWN)
            result = TRI_UNKNOWN;
        }
      return result;
    }
  if (type == SQ_VALUE_NDARRAY && val_is_number (needle))
    {
      SqNdarray *a = sq_value_get_ndarray (hay->u.value);
      SqDtype *dtype = sq_ndarray_get_dtype (a);
      guint64 n = sq_ndarray_get_n_elements (a);
      SqDtypeKind kind = sq_dtype_get_kind (dtype);

      if (kind != SQ_DTYPE_KIND_BOOL && kind != SQ_DTYPE_KIND_INT && kind != SQ_DTYPE_KIND_UINT &&
          kind != SQ_DTYPE_KIND_FLOAT)
        return TRI_UNKNOWN;
      for (guint64 i = 0; i < n; i++)
        {
          Val e = { V_UNKNOWN, { 0 } };

          val_set_element (&e, dtype, sq_ndarray_get_element_data (a, i));
          if (e.kind != V_UNKNOWN && cmp_numbers (needle, &e) == 0)
            return TRI_TRUE;
        }
      return TRI_FALSE;
    }
  return TRI_UNKNOWN;
}

static Tri
identical (const Val *a,
           const Val *b)
{
  if (a->kind == V_UNKNOWN || b->kind == V_UNKNOWN)
    return TRI_UNKNOWN;
  if (a->kind == V_NONE || b->kind == V_NONE)
    return tri_of (a->kind == b->kind);
  if (a->kind == V_BOOL || b->kind == V_BOOL)
    return tri_of (a->kind == b->kind && a->u.b == b->u.b);
  /* Identity of other objects means nothing for decoded values. */
  return TRI_UNKNOWN;
}

static Tri
compare (CompareOp  op,
         const Val *a,
         const Val *b)
{
  int r;

  switch (op)
    {
    case OP_EQ:
      return equal (a, b);
    case OP_NE:
      {
        Tri t = equal (a, b);

        return t == TRI_UNKNOWN ? t : tri_of (t == TRI_FALSE);
      }
    case OP_IN:
      return contains (a, b);
    case OP_NOT_IN:
      {
        Tri t = contains (a, b);

        return t == TRI_UNKNOWN ? t : tri_of (t == TRI_FALSE);
      }
    case OP_IS:
      return identical (a, b);
    case OP_IS_NOT:
      {
        Tri t = identical (a, b);

        return t == TRI_UNKNOWN ? t : tri_of (t == TRI_FALSE);
      }
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    default:
      break;
    }
  r = order (a, b);
  if (r == 3)
    return TRI_UNKNOWN;
  if (r == 2)
    return TRI_FALSE;
  switch (op)
    {
    case OP_LT: return tri_of (r < 0);
    case OP_LE: return tri_of (r <= 0);
    case OP_GT: return tri_of (r > 0);
    case OP_GE: return tri_of (r >= 0);
    case OP_EQ: case OP_NE: case OP_IN: case OP_NOT_IN: case OP_IS: case OP_IS_NOT:
    default: g_assert_not_reached ();
    }
  return TRI_UNKNOWN;
}

static void
val_set_tri (Val *out,
             Tri  t)
{
  if (t == TRI_UNKNOWN)
    out->kind = V_UNKNOWN;
  else
    {
      out->kind = V_BOOL;
      out->u.b = t == TRI_TRUE;
    }
}

static SqValue *
shape_value (SqNdarray *a)
{
  guint ndim = sq_ndarray_get_ndim (a);
  const guint64 *shape = sq_ndarray_get_shape (a);
  g_autofree SqValue **items = g_new0 (SqValue *, ndim + 1);

  for (guint i = 0; i < ndim; i++)
    items[i] = shape[i] <= G_MAXINT64 ? sq_value_new_int ((gint64) shape[i]) : sq_value_new_uint (shape[i]);
  return sq_value_new_array (items, ndim);
}

static void
eval_attr (Node          *node,
           const Val     *obj,
           Val           *out)
{
  SqValueType type = val_value_type (obj);

  out->kind = V_UNKNOWN;
  if (type == SQ_VALUE_MAP)
    {
      val_set_value (out, sq_value_lookup (obj->u.value, node->name));
      return;
    }
  if (type == SQ_VALUE_NDARRAY)
    {
      SqNdarray *a = sq_value_get_ndarray (obj->u.value);

      if (strcmp (node->name, "shape") == 0)
        {
          out->kind = V_VALUE;
          out->u.value = shape_value (a);
        }
      else if (strcmp (node->name, "ndim") == 0)
        {
          out->kind = V_INT;
          out->u.i = sq_ndarray_get_ndim (a);
        }
      else if (strcmp (node->name, "size") == 0)
        val_set_uint (out, sq_ndarray_get_n_elements (a));
      else if (strcmp (node->name, "dtype") == 0)
        {
          out->kind = V_DTYPE;
          out->u.dtype = sq_dtype_ref (sq_ndarray_get_dtype (a));
        }
      return;
    }
  if (type == SQ_VALUE_SCALAR && strcmp (node->name, "dtype") == 0)
    {
      out->kind = V_DTYPE;
      out->u.dtype = sq_dtype_ref (sq_value_get_scalar_dtype (obj->u.value));
    }
}

/* numpy scalars turn into numbers when fetched; their dtype must be
 * asked for before that. */
static gboolean
wants_raw (Node *node)
{
  return node->kind == N_ATTR && strcmp (node->name, "dtype") == 0;
}

static void
eval_method (Node      *node,
             const Val *obj,
             Val       *out)
{
  SqNdarray *a;
  SqDtype *dtype;
  SqDtypeKind kind;
  guint64 n;
  double min = INFINITY, max = -INFINITY;
  double mean = 0.0, m2 = 0.0, sum = 0.0;
  gboolean nan = FALSE;

  out->kind = V_UNKNOWN;
  if (val_value_type (obj) != SQ_VALUE_NDARRAY)
    return;
  a = sq_value_get_ndarray (obj->u.value);
  dtype = sq_ndarray_get_dtype (a);
  kind = sq_dtype_get_kind (dtype);
  n = sq_ndarray_get_n_elements (a);
  if (kind != SQ_DTYPE_KIND_BOOL && kind != SQ_DTYPE_KIND_INT && kind != SQ_DTYPE_KIND_UINT &&
      kind != SQ_DTYPE_KIND_FLOAT)
    return;
  if (n == 0 && strcmp (node->name, "sum") != 0)
    return;  /* numpy raises (min, max) or warns and gives NaN (mean) */
  for (guint64 i = 0; i < n; i++)
    {
      double x = sq_dtype_element_to_double (dtype, sq_ndarray_get_element_data (a, i));
      double delta;

      if (isnan (x))
        {
          nan = TRUE;
          continue;
        }
      min = MIN (min, x);
      max = MAX (max, x);
      sum += x;
      /* Welford: the std of 10^8 pixels without cancellation. */
      delta = x - mean;
      mean += delta / (double) (i + 1);
      m2 += delta * (x - mean);
    }
  out->kind = V_FLOAT;
  if (nan)
    out->u.f = NAN;
  else if (strcmp (node->name, "min") == 0)
    out->u.f = min;
  else if (strcmp (node->name, "max") == 0)
    out->u.f = max;
  else if (strcmp (node->name, "mean") == 0)
    out->u.f = isinf (min) || isinf (max) ? sum / (double) n : mean;
  else if (strcmp (node->name, "std") == 0)
    out->u.f = isinf (min) || isinf (max) ? NAN : sqrt (m2 / (double) n);
  else
    out->u.f = sum;
}

static void
eval_index (const Val *obj,
            const Val *index,
            Val       *out)
{
  SqValueType type = val_value_type (obj);
  gint64 i;
  gint64 n;

  out->kind = V_UNKNOWN;
  if (type == SQ_VALUE_MAP)
    {
      gsize len;
      gboolean is_str;
      const char *key = val_bytes (index, &len, &is_str);

      if (key != NULL)
        {
          gsize count = sq_value_get_length (obj->u.value);

          for (gsize k = 0; k < count; k++)
            {
              Val kv = { V_UNKNOWN, { 0 } };
              Tri t;

              val_set_value (&kv, sq_value_get_key (obj->u.value, k));
              t = equal (&kv, index);
              val_clear (&kv);
              if (t == TRI_TRUE)
                {
                  val_set_value (out, sq_value_get_item (obj->u.value, k));
                  return;
                }
            }
        }
      return;
    }
  if (index->kind != V_INT && index->kind != V_BOOL)
    return;
  i = index->kind == V_BOOL ? index->u.b : index->u.i;
  switch ((int) type)
    {
    case SQ_VALUE_ARRAY:
      n = (gint64) sq_value_get_length (obj->u.value);
      break;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *s = sq_value_get_str (obj->u.value, &len);

        n = g_utf8_strlen (s, (gssize) len);
        if (memchr (s, '\0', len) != NULL)
          return;  /* g_utf8 counts stop at a NUL */
      }
      break;
    case SQ_VALUE_BIN:
      n = (gint64) g_bytes_get_size (sq_value_get_bin (obj->u.value));
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *a = sq_value_get_ndarray (obj->u.value);

        if (sq_ndarray_get_ndim (a) != 1)
          return;
        n = (gint64) sq_ndarray_get_shape (a)[0];
      }
      break;
    default:
      return;
    }
  if (i < 0)
    i += n;
  if (i < 0 || i >= n)
    return;
  switch ((int) type)
    {
    case SQ_VALUE_ARRAY:
      val_set_value (out, sq_value_get_item (obj->u.value, (gsize) i));
      break;
    case SQ_VALUE_STR:
      {
        const char *s = sq_value_get_str (obj->u.value, NULL);
        const char *at = g_utf8_offset_to_pointer (s, (glong) i);
        const char *next = g_utf8_next_char (at);

        out->kind = V_VALUE;
        out->u.value = sq_value_new_str (at, next - at);
      }
      break;
    case SQ_VALUE_BIN:
      out->kind = V_INT;
      out->u.i = ((const guint8 *) g_bytes_get_data (sq_value_get_bin (obj->u.value), NULL))[i];
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *a = sq_value_get_ndarray (obj->u.value);

        val_set_element (out, sq_ndarray_get_dtype (a), sq_ndarray_get_element_data (a, (guint64) i));
      }
      break;
    default:
      break;
    }
}

static void
eval_len (const Val *obj,
          Val       *out)
{
  out->kind = V_UNKNOWN;
  switch ((int) val_value_type (obj))
    {
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      val_set_uint (out, sq_value_get_length (obj->u.value));
      break;
    case SQ_VALUE_BIN:
      val_set_uint (out, g_bytes_get_size (sq_value_get_bin (obj->u.value)));
      break;
    case SQ_VALUE_STR:
      {
        gsize len;
        const char *s = sq_value_get_str (obj->u.value, &len);
        guint64 chars = 0;

        /* Code points, NULs included. */
        for (gsize i = 0; i < len; i++)
          if (((guint8) s[i] & 0xC0) != 0x80)
            chars++;
        val_set_uint (out, chars);
      }
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *a = sq_value_get_ndarray (obj->u.value);

        if (sq_ndarray_get_ndim (a) > 0)
          val_set_uint (out, sq_ndarray_get_shape (a)[0]);
      }
      break;
    default:
      break;
    }
}

/* The value of @node before numpy scalars become numbers. */
static void
eval_raw (Node          *node,
          const SqValue *sample,
          Val           *out)
{
  Val obj = { V_UNKNOWN, { 0 } };

  if (node->kind == N_NAME)
    {
      SqValue *v = sample != NULL && sq_value_get_value_type (sample) == SQ_VALUE_MAP
                   ? sq_value_lookup (sample, node->name) : NULL;

      out->kind = v != NULL ? V_VALUE : V_UNKNOWN;
      if (v != NULL)
        out->u.value = sq_value_ref (v);
      return;
    }
  if (node->kind == N_ATTR)
    {
      eval_raw (node->children[0], sample, &obj);
      if (obj.kind == V_VALUE && sq_value_get_value_type (obj.u.value) == SQ_VALUE_MAP)
        {
          SqValue *v = sq_value_lookup (obj.u.value, node->name);

          out->kind = v != NULL ? V_VALUE : V_UNKNOWN;
          if (v != NULL)
            out->u.value = sq_value_ref (v);
          val_clear (&obj);
          return;
        }
      /* What eval() gives, from the child already evaluated: the raw
       * and the plain child differ only in numbers, which have no
       * attribute but the dtype, asked for raw anyway. Evaluating it
       * again made a chain of attributes cost 2^n. */
      eval_attr (node, &obj, out);
      val_clear (&obj);
      return;
    }
  eval (node, sample, out);
}

static void
eval (Node          *node,
      const SqValue *sample,
      Val           *out)
{
  Val a = { V_UNKNOWN, { 0 } };
  Val b = { V_UNKNOWN, { 0 } };

  out->kind = V_UNKNOWN;
  switch (node->kind)
    {
    case N_CONST:
      *out = node->constant;
      if (out->kind == V_VALUE)
        sq_value_ref (out->u.value);
      return;
    case N_NAME:
      if (sample != NULL && sq_value_get_value_type (sample) == SQ_VALUE_MAP)
        val_set_value (out, sq_value_lookup (sample, node->name));
      return;
    case N_ATTR:
      if (wants_raw (node))
        eval_raw (node->children[0], sample, &a);
      else
        eval (node->children[0], sample, &a);
      eval_attr (node, &a, out);
      break;
    case N_METHOD:
      eval (node->children[0], sample, &a);
      eval_method (node, &a, out);
      break;
    case N_INDEX:
      eval (node->children[0], sample, &a);
      eval (node->children[1], sample, &b);
      eval_index (&a, &b, out);
      break;
    case N_LEN:
      eval (node->children[0], sample, &a);
      eval_len (&a, out);
      break;
    case N_NEG:
    case N_POS:
      eval (node->children[0], sample, &a);
      if (node->kind == N_POS && val_is_number (&a))
        {
          *out = a;
          if (out->kind == V_BOOL)
            {
              out->kind = V_INT;
              out->u.i = a.u.b;
            }
          return;
        }
      if (a.kind == V_FLOAT)
        {
          out->kind = V_FLOAT;
          out->u.f = -a.u.f;
        }
      else if (a.kind == V_INT || a.kind == V_BOOL)
        {
          gint64 i = a.kind == V_BOOL ? a.u.b : a.u.i;

          if (i == G_MININT64)
            {
              out->kind = V_UINT;
              out->u.u = (guint64) G_MAXINT64 + 1;
            }
          else
            {
              out->kind = V_INT;
              out->u.i = -i;
            }
        }
      else if (a.kind == V_UINT && a.u.u == (guint64) G_MAXINT64 + 1)
        {
          out->kind = V_INT;
          out->u.i = G_MININT64;
        }
      /* Else beyond 64 bits, or not a number: unknown. */
      break;
    case N_NOT:
      eval (node->children[0], sample, &a);
      {
        Tri t = truth (&a);

        val_set_tri (out, t == TRI_UNKNOWN ? t : tri_of (t == TRI_FALSE));
      }
      break;
    case N_AND:
    case N_OR:
      {
        gboolean is_and = node->kind == N_AND;
        Tri result = is_and ? TRI_TRUE : TRI_FALSE;

        for (guint i = 0; i < node->n_children; i++)
          {
            Tri t;

            eval (node->children[i], sample, &a);
            t = truth (&a);
            val_clear (&a);
            if (t == (is_and ? TRI_FALSE : TRI_TRUE))
              {
                result = t;
                break;
              }
            if (t == TRI_UNKNOWN)
              result = TRI_UNKNOWN;
          }
        val_set_tri (out, result);
      }
      break;
    case N_COMPARE:
      {
        Tri result = TRI_TRUE;

        eval (node->children[0], sample, &a);
        for (guint i = 1; i < node->n_children; i++)
          {
            Tri t;

            eval (node->children[i], sample, &b);
            t = compare (node->ops[i - 1], &a, &b);
            val_clear (&a);
            a = b;
            b.kind = V_UNKNOWN;
            /* A chain is an and: a false link ends it. */
            if (t == TRI_FALSE)
              {
                result = TRI_FALSE;
                break;
              }
            if (t == TRI_UNKNOWN)
              result = TRI_UNKNOWN;
          }
        val_set_tri (out, result);
      }
      break;
    case N_LIST:
      {
        g_autofree SqValue **items = g_new0 (SqValue *, node->n_children + 1);
        gboolean ok = TRUE;

        for (guint i = 0; i < node->n_children; i++)
          {
            Val item = { V_UNKNOWN, { 0 } };

            eval (node->children[i], sample, &item);
            switch (item.kind)
              {
              case V_NONE: items[i] = sq_value_new_nil (); break;
              case V_BOOL: items[i] = sq_value_new_bool (item.u.b); break;
              case V_INT: items[i] = sq_value_new_int (item.u.i); break;
              case V_UINT: items[i] = sq_value_new_uint (item.u.u); break;
              case V_FLOAT: items[i] = sq_value_new_float64 (item.u.f); break;
              case V_VALUE: items[i] = sq_value_ref (item.u.value); break;
              case V_UNKNOWN:
              case V_DTYPE:
              default:
                /* A list holding a missing value is itself unknown. */
                ok = FALSE;
                items[i] = sq_value_new_nil ();
                break;
              }
            val_clear (&item);
          }
        {
          SqValue *list = sq_value_new_array (items, node->n_children);

          if (ok)
            {
              out->kind = V_VALUE;
              out->u.value = list;
            }
          else
            sq_value_unref (list);
        }
      }
      break;
    default:
      g_assert_not_reached ();
    }
  val_clear (&a);
  val_clear (&b);
}

/* ---- the object ---- */

struct _SqQuery
{
  GObject  parent_instance;
  char    *expression;
  Node    *root;
};

G_DEFINE_FINAL_TYPE (SqQuery, sq_query, G_TYPE_OBJECT)

static void
sq_query_finalize (GObject *object)
{
  SqQuery *self = SQ_QUERY (object);

  g_free (self->expression);
  node_free (self->root);
  G_OBJECT_CLASS (sq_query_parent_class)->finalize (object);
}

static void
sq_query_class_init (SqQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sq_query_finalize;
}

static void
sq_query_init (SqQuery *self)
{
}

/**
 * sq_query_new:
 * @expression: the query, UTF-8
 * @error_position: (out) (optional): where a malformed query goes wrong,
 *   as a 0-based offset in characters
 * @error: return location for an #SQ_QUERY_ERROR
 *
 * Parses @expression (see #SqQuery for the language).
 *
 * Returns: (transfer full) (nullable): the query, or %NULL if
 *   @expression is malformed
 */
SqQuery *
sq_query_new (const char  *expression,
              guint       *error_position,
              GError     **error)
{
  Parser p = { 0 };
  Node *root = NULL;
  SqQuery *self;
  gsize length;

  g_return_val_if_fail (expression != NULL, NULL);

  length = strlen (expression);
  if (error_position != NULL)
    *error_position = 0;
  if (!g_utf8_validate_len (expression, length, NULL))
    {
      const char *end;

      g_utf8_validate_len (expression, length, &end);
      if (error_position != NULL)
        *error_position = (guint) g_utf8_pointer_to_offset (expression, end);
      g_set_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_SYNTAX, "query: at character %ld: not valid UTF-8",
                   g_utf8_pointer_to_offset (expression, end) + 1);
      return NULL;
    }
  if (length > SQ_QUERY_MAX_LENGTH)
    {
      g_set_error (error, SQ_QUERY_ERROR, SQ_QUERY_ERROR_LIMIT, "query: longer than %d bytes", SQ_QUERY_MAX_LENGTH);
      return NULL;
    }

  p.text = expression;
  p.length = length;
  next_token (&p);
  if (p.tok.kind == T_END && p.error == NULL)
    parser_fail (&p, 0, SQ_QUERY_ERROR_SYNTAX, "the query is empty");
  else
    root = parse_or (&p);
  if (p.error == NULL && p.tok.kind != T_END)
    {
      g_autofree char *found = describe_token (&p);

      parser_fail (&p, p.tok.start, SQ_QUERY_ERROR_SYNTAX, "expected an operator or the end, found %s", found);
    }
  if (p.tok.str != NULL)
    g_string_free (p.tok.str, TRUE);
  if (p.error != NULL)
    {
      node_free (root);
      if (error_position != NULL)
        *error_position = (guint) p.error_at;
      g_propagate_error (error, p.error);
      return NULL;
    }

  self = g_object_new (SQ_TYPE_QUERY, NULL);
  self->expression = g_strdup (expression);
  self->root = root;
  return self;
}

/**
 * sq_query_get_expression:
 *
 * Returns: the expression the query was made from
 */
const char *
sq_query_get_expression (SqQuery *self)
{
  g_return_val_if_fail (SQ_IS_QUERY (self), NULL);

  return self->expression;
}

/**
 * sq_query_matches:
 * @sample: a decoded sample
 *
 * Evaluates the query on @sample. Safe from any thread, at once.
 *
 * Returns: %TRUE if the expression is true for @sample; %FALSE if it is
 *   false or unknown (a field it needs is missing)
 */
gboolean
sq_query_matches (SqQuery       *self,
                  const SqValue *sample)
{
  Val v = { V_UNKNOWN, { 0 } };
  Tri t;

  g_return_val_if_fail (SQ_IS_QUERY (self), FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  eval (self->root, sample, &v);
  t = truth (&v);
  val_clear (&v);
  return t == TRI_TRUE;
}
