/* sq-value.c: the decoded value tree
 *
 * Values are immutable once made and reference counted atomically, so a
 * worker can decode a shard and hand the tree to the main thread, and
 * subtrees can be shared between trees (an edited sample keeps its untouched
 * arrays). None, booleans, small integers and empty containers are
 * preallocated and never freed: a shard of a million `0`s costs pointers,
 * not nodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-value"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-value-private.h"

#define SMALL_INT_MIN (-128)
#define SMALL_INT_MAX 255

/* Above this many entries, duplicate map keys are found with a hash table. */
#define MAP_LINEAR_DEDUP_MAX 16

enum
{
  FLAG_STATIC = 1 << 0,
};

struct _SqValue
{
  gint   ref_count;
  guint8 type;
  guint8 flags;
  union
  {
    gboolean v_bool;
    gint64   v_int;
    guint64  v_uint;
    double   v_double;
    struct
    {
      gsize len;
      char *data; /* trailing storage, NUL-terminated */
    } str;
    GBytes *bin;
    struct
    {
      gsize     n;
      SqValue **items; /* trailing storage; maps interleave key, value */
    } list;
    SqNdarray *ndarray;
    struct
    {
      SqDtype *dtype;
      guint8  *data; /* trailing storage, itemsize bytes */
    } scalar;
    struct
    {
      double re;
      double im;
      char  *repr; /* as read, for writing back; NULL for new values */
    } complex;
    struct
    {
      SqOpaqueKind kind;
      gint8        ext_type;
      GBytes      *data;
      char        *reason;
    } opaque;
  } u;
};

G_DEFINE_BOXED_TYPE (SqValue, sq_value, sq_value_ref, sq_value_unref)

static SqValue nil_value;
static SqValue bool_values[2];
static SqValue small_ints[SMALL_INT_MAX - SMALL_INT_MIN + 1];
static SqValue empty_str;
static SqValue empty_array;
static SqValue empty_map;

static void
init_statics (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  nil_value = (SqValue) { .ref_count = 1, .type = SQ_VALUE_NIL, .flags = FLAG_STATIC };
  for (int i = 0; i < 2; i++)
    bool_values[i] = (SqValue) { .ref_count = 1, .type = SQ_VALUE_BOOL, .flags = FLAG_STATIC, .u.v_bool = i };
  for (int i = SMALL_INT_MIN; i <= SMALL_INT_MAX; i++)
    small_ints[i - SMALL_INT_MIN] =
      (SqValue) { .ref_count = 1, .type = SQ_VALUE_INT, .flags = FLAG_STATIC, .u.v_int = i };
  empty_str = (SqValue) { .ref_count = 1, .type = SQ_VALUE_STR, .flags = FLAG_STATIC, .u.str = { 0, (char *) "" } };
  empty_array = (SqValue) { .ref_count = 1, .type = SQ_VALUE_ARRAY, .flags = FLAG_STATIC };
  empty_map = (SqValue) { .ref_count = 1, .type = SQ_VALUE_MAP, .flags = FLAG_STATIC };

  g_once_init_leave (&initialized, 1);
}

static SqValue *
value_alloc (SqValueType type,
             gsize       trailing)
{
  SqValue *value = g_malloc (sizeof (SqValue) + trailing);

  value->ref_count = 1;
  value->type = type;
  value->flags = 0;
  return value;
}

static inline gpointer
trailing (SqValue *value)
{
  return (guint8 *) value + sizeof (SqValue);
}

SqValue *
sq_value_new_nil (void)
{
  init_statics ();
  return &nil_value;
}

SqValue *
sq_value_new_bool (gboolean value)
{
  init_statics ();
  return &bool_values[value ? 1 : 0];
}

SqValue *
sq_value_new_int (gint64 value)
{
  SqValue *v;

  if (value >= SMALL_INT_MIN && value <= SMALL_INT_MAX)
    {
      init_statics ();
      return &small_ints[value - SMALL_INT_MIN];
    }
  v = value_alloc (SQ_VALUE_INT, 0);
  v->u.v_int = value;
  return v;
}

/**
 * sq_value_new_uint:
 *
 * Returns: (transfer full): an %SQ_VALUE_INT if @value fits, else an
 *   %SQ_VALUE_UINT: an integer has one representation whatever its encoding
 */
SqValue *
sq_value_new_uint (guint64 value)
{
  SqValue *v;

  if (value <= G_MAXINT64)
    return sq_value_new_int ((gint64) value);
  v = value_alloc (SQ_VALUE_UINT, 0);
  v->u.v_uint = value;
  return v;
}

SqValue *
sq_value_new_float32 (float value)
{
  SqValue *v = value_alloc (SQ_VALUE_FLOAT32, 0);

  v->u.v_double = value;
  return v;
}

SqValue *
sq_value_new_float64 (double value)
{
  SqValue *v = value_alloc (SQ_VALUE_FLOAT64, 0);

  v->u.v_double = value;
  return v;
}

/**
 * sq_value_new_str:
 * @utf8: valid UTF-8 (it may hold NUL characters when @length is given)
 * @length: bytes in @utf8, or -1 if NUL-terminated
 *
 * Returns: (transfer full): a str value holding a copy of @utf8
 */
SqValue *
sq_value_new_str (const char *utf8,
                  gssize      length)
{
  SqValue *v;
  gsize len;

  g_return_val_if_fail (utf8 != NULL || length == 0, NULL);

  len = length < 0 ? strlen (utf8) : (gsize) length;
  if (len == 0)
    {
      init_statics ();
      return &empty_str;
    }
  v = value_alloc (SQ_VALUE_STR, len + 1);
  v->u.str.len = len;
  v->u.str.data = trailing (v);
  memcpy (v->u.str.data, utf8, len);
  v->u.str.data[len] = '\0';
  return v;
}

SqValue *
_sq_value_alloc_str (gsize   length,
                     char  **data)
{
  SqValue *v = value_alloc (SQ_VALUE_STR, length + 1);

  v->u.str.len = length;
  v->u.str.data = trailing (v);
  v->u.str.data[length] = '\0';
  *data = v->u.str.data;
  return v;
}

/**
 * sq_value_new_bin:
 * @bytes: the bytes; referenced, not copied
 */
SqValue *
sq_value_new_bin (GBytes *bytes)
{
  SqValue *v;

  g_return_val_if_fail (bytes != NULL, NULL);

  v = value_alloc (SQ_VALUE_BIN, 0);
  v->u.bin = g_bytes_ref (bytes);
  return v;
}

/**
 * sq_value_new_array:
 * @items: (array length=n_items) (transfer full): the items; the value takes
 *   over their references (the array itself stays the caller's)
 * @n_items: how many
 */
SqValue *
sq_value_new_array (SqValue **items,
                    gsize     n_items)
{
  SqValue *v;

  g_return_val_if_fail (items != NULL || n_items == 0, NULL);

  if (n_items == 0)
    {
      init_statics ();
      return &empty_array;
    }
  v = value_alloc (SQ_VALUE_ARRAY, n_items * sizeof (SqValue *));
  v->u.list.n = n_items;
  v->u.list.items = trailing (v);
  memcpy (v->u.list.items, items, n_items * sizeof (SqValue *));
  return v;
}

static gboolean
keys_equal (const SqValue *a,
            const SqValue *b)
{
  if (a == b)
    return TRUE;
  if (a->type != b->type)
    return FALSE;
  /* Every map is deduplicated when made: most keys differ in length or in
   * their first byte, and need no memcmp() call. */
  if (a->type == SQ_VALUE_STR)
    return a->u.str.len == b->u.str.len &&
           (a->u.str.len == 0 || a->u.str.data[0] == b->u.str.data[0]) &&
           memcmp (a->u.str.data, b->u.str.data, a->u.str.len) == 0;
  return g_bytes_equal (a->u.bin, b->u.bin);
}

static guint
key_hash (gconstpointer p)
{
  const SqValue *key = p;
  const guint8 *data;
  gsize len;
  guint32 h = key->type == SQ_VALUE_STR ? 5381 : 7919;

  if (key->type == SQ_VALUE_STR)
    {
      data = (const guint8 *) key->u.str.data;
      len = key->u.str.len;
    }
  else
    data = g_bytes_get_data (key->u.bin, &len);
  for (gsize i = 0; i < len; i++)
    h = h * 33 + data[i];
  return h;
}

static gboolean
key_equal_func (gconstpointer a,
                gconstpointer b)
{
  return keys_equal (a, b);
}

/* A dict keeps a key's first position and its last value; returns the
 * number of entries left. */
static gsize
dedup_entries (SqValue **entries,
               gsize     n)
{
  gsize out = 0;

  if (n <= MAP_LINEAR_DEDUP_MAX)
    {
      for (gsize i = 0; i < n; i++)
        {
          SqValue *key = entries[2 * i];
          SqValue *val = entries[2 * i + 1];
          gsize j;

          for (j = 0; j < out; j++)
            if (keys_equal (entries[2 * j], key))
              break;
          if (j < out)
            {
              sq_value_unref (entries[2 * j + 1]);
              entries[2 * j + 1] = val;
              sq_value_unref (key);
              continue;
            }
          entries[2 * out] = key;
          entries[2 * out + 1] = val;
          out++;
        }
      return out;
    }
  else
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (key_hash, key_equal_func);

      for (gsize i = 0; i < n; i++)
        {
          SqValue *key = entries[2 * i];
          SqValue *val = entries[2 * i + 1];
          gpointer position;

          if (g_hash_table_lookup_extended (seen, key, NULL, &position))
            {
              gsize j = GPOINTER_TO_SIZE (position);

              sq_value_unref (entries[2 * j + 1]);
              entries[2 * j + 1] = val;
              sq_value_unref (key);
              continue;
            }
          entries[2 * out] = key;
          entries[2 * out + 1] = val;
          g_hash_table_insert (seen, key, GSIZE_TO_POINTER (out));
          out++;
        }
      return out;
    }
}

/**
 * sq_value_new_map:
 * @entries: (array) (transfer full): 2 x @n_entries values, key then value;
 *   keys must be str or bin. The map takes over their references.
 * @n_entries: how many key-value pairs
 *
 * Makes a map with dict semantics: where a key repeats, it keeps its first
 * position and its last value, as Python's dict does when it reads one.
 *
 * Returns: (transfer full): the map
 */
SqValue *
sq_value_new_map (SqValue **entries,
                  gsize     n_entries)
{
  SqValue *v;

  g_return_val_if_fail (entries != NULL || n_entries == 0, NULL);

  for (gsize i = 0; i < n_entries; i++)
    g_return_val_if_fail (entries[2 * i]->type == SQ_VALUE_STR || entries[2 * i]->type == SQ_VALUE_BIN, NULL);

  if (n_entries == 0)
    {
      init_statics ();
      return &empty_map;
    }
  n_entries = dedup_entries (entries, n_entries);
  v = value_alloc (SQ_VALUE_MAP, 2 * n_entries * sizeof (SqValue *));
  v->u.list.n = n_entries;
  v->u.list.items = trailing (v);
  memcpy (v->u.list.items, entries, 2 * n_entries * sizeof (SqValue *));
  return v;
}

SqValue *
sq_value_new_ndarray (SqNdarray *array)
{
  SqValue *v;

  g_return_val_if_fail (array != NULL, NULL);

  v = value_alloc (SQ_VALUE_NDARRAY, 0);
  v->u.ndarray = sq_ndarray_ref (array);
  return v;
}

/**
 * sq_value_new_scalar:
 * @dtype: a numeric dtype
 * @element: itemsize bytes, in the byte order @dtype names; copied
 */
SqValue *
sq_value_new_scalar (SqDtype    *dtype,
                     const void *element)
{
  gsize size;
  SqValue *v;

  g_return_val_if_fail (dtype != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);

  size = sq_dtype_get_itemsize (dtype);
  v = value_alloc (SQ_VALUE_SCALAR, size);
  v->u.scalar.dtype = sq_dtype_ref (dtype);
  v->u.scalar.data = trailing (v);
  memcpy (v->u.scalar.data, element, size);
  return v;
}

/**
 * sq_value_new_complex:
 * @repr: (nullable): the string it was read from, written back as it was;
 *   %NULL to write Python's repr of the number
 */
SqValue *
sq_value_new_complex (double      real,
                      double      imag,
                      const char *repr)
{
  SqValue *v = value_alloc (SQ_VALUE_COMPLEX, 0);

  v->u.complex.re = real;
  v->u.complex.im = imag;
  v->u.complex.repr = g_strdup (repr);
  return v;
}

/**
 * sq_value_new_opaque:
 * @data: the raw bytes (the pickle, the ext payload); referenced
 * @reason: what it is, for people: "pickled object array (3 elements)"
 */
SqValue *
sq_value_new_opaque (SqOpaqueKind kind,
                     gint8        ext_type,
                     GBytes      *data,
                     const char  *reason)
{
  SqValue *v;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  v = value_alloc (SQ_VALUE_OPAQUE, 0);
  v->u.opaque.kind = kind;
  v->u.opaque.ext_type = ext_type;
  v->u.opaque.data = g_bytes_ref (data);
  v->u.opaque.reason = g_strdup (reason);
  return v;
}

SqValue *
sq_value_ref (SqValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  if (!(value->flags & FLAG_STATIC))
    g_atomic_int_inc (&value->ref_count);
  return value;
}

void
sq_value_unref (SqValue *value)
{
  g_return_if_fail (value != NULL);

  if (value->flags & FLAG_STATIC)
    return;
  if (!g_atomic_int_dec_and_test (&value->ref_count))
    return;

  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_BIN:
      g_bytes_unref (value->u.bin);
      break;
    case SQ_VALUE_ARRAY:
      for (gsize i = 0; i < value->u.list.n; i++)
        sq_value_unref (value->u.list.items[i]);
      break;
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < 2 * value->u.list.n; i++)
        sq_value_unref (value->u.list.items[i]);
      break;
    case SQ_VALUE_NDARRAY:
      sq_ndarray_unref (value->u.ndarray);
      break;
    case SQ_VALUE_SCALAR:
      sq_dtype_unref (value->u.scalar.dtype);
      break;
    case SQ_VALUE_COMPLEX:
      g_free (value->u.complex.repr);
      break;
    case SQ_VALUE_OPAQUE:
      g_bytes_unref (value->u.opaque.data);
      g_free (value->u.opaque.reason);
      break;
    case SQ_VALUE_NIL:
    case SQ_VALUE_BOOL:
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
    case SQ_VALUE_STR:
    default:
      break;
    }
  g_free (value);
}

SqValueType
sq_value_get_value_type (const SqValue *value)
{
  return value->type;
}

gboolean
sq_value_get_bool (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_BOOL, FALSE);
  return value->u.v_bool;
}

gint64
sq_value_get_int (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_INT, 0);
  return value->u.v_int;
}

guint64
sq_value_get_uint (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_UINT, 0);
  return value->u.v_uint;
}

/**
 * sq_value_get_double:
 *
 * Returns: a float32 (widened) or float64 value
 */
double
sq_value_get_double (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_FLOAT32 || value->type == SQ_VALUE_FLOAT64, 0);
  return value->u.v_double;
}

/**
 * sq_value_get_str:
 * @length: (out) (optional): bytes, not counting the terminating NUL
 *
 * Returns: the UTF-8 string, NUL-terminated (and possibly holding NULs)
 */
const char *
sq_value_get_str (const SqValue *value,
                  gsize         *length)
{
  g_return_val_if_fail (value->type == SQ_VALUE_STR, NULL);
  if (length)
    *length = value->u.str.len;
  return value->u.str.data;
}

/**
 * sq_value_get_bin:
 *
 * Returns: (transfer none): the bytes
 */
GBytes *
sq_value_get_bin (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_BIN, NULL);
  return value->u.bin;
}

/**
 * sq_value_get_length:
 *
 * Returns: items of an array, entries of a map, 0 for anything else
 */
gsize
sq_value_get_length (const SqValue *value)
{
  if (value->type == SQ_VALUE_ARRAY || value->type == SQ_VALUE_MAP)
    return value->u.list.n;
  return 0;
}

/**
 * sq_value_get_item:
 *
 * Returns: (transfer none): item @index of an array, or the value of entry
 *   @index of a map
 */
SqValue *
sq_value_get_item (const SqValue *value,
                   gsize          index)
{
  g_return_val_if_fail (value->type == SQ_VALUE_ARRAY || value->type == SQ_VALUE_MAP, NULL);
  g_return_val_if_fail (index < value->u.list.n, NULL);

  if (value->type == SQ_VALUE_MAP)
    return value->u.list.items[2 * index + 1];
  return value->u.list.items[index];
}

/**
 * sq_value_get_key:
 *
 * Returns: (transfer none): the key (str or bin) of entry @index of a map
 */
SqValue *
sq_value_get_key (const SqValue *value,
                  gsize          index)
{
  g_return_val_if_fail (value->type == SQ_VALUE_MAP, NULL);
  g_return_val_if_fail (index < value->u.list.n, NULL);

  return value->u.list.items[2 * index];
}

/**
 * sq_value_lookup:
 * @key: a str key
 *
 * Returns: (transfer none) (nullable): the value of the map entry whose key
 *   is the str @key
 */
SqValue *
sq_value_lookup (const SqValue *value,
                 const char    *key)
{
  gsize len;

  g_return_val_if_fail (value->type == SQ_VALUE_MAP, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  len = strlen (key);
  for (gsize i = 0; i < value->u.list.n; i++)
    {
      const SqValue *k = value->u.list.items[2 * i];

      if (k->type == SQ_VALUE_STR && k->u.str.len == len && memcmp (k->u.str.data, key, len) == 0)
        return value->u.list.items[2 * i + 1];
    }
  return NULL;
}

/**
 * sq_value_get_ndarray:
 *
 * Returns: (transfer none): the array
 */
SqNdarray *
sq_value_get_ndarray (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_NDARRAY, NULL);
  return value->u.ndarray;
}

/**
 * sq_value_get_scalar_dtype:
 *
 * Returns: (transfer none): the dtype of a numpy scalar
 */
SqDtype *
sq_value_get_scalar_dtype (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_SCALAR, NULL);
  return value->u.scalar.dtype;
}

/**
 * sq_value_get_scalar_data:
 *
 * Returns: the itemsize bytes of a numpy scalar, in its dtype's byte order
 */
const guint8 *
sq_value_get_scalar_data (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_SCALAR, NULL);
  return value->u.scalar.data;
}

void
sq_value_get_complex (const SqValue *value,
                      double        *real,
                      double        *imag)
{
  g_return_if_fail (value->type == SQ_VALUE_COMPLEX);
  *real = value->u.complex.re;
  *imag = value->u.complex.im;
}

/**
 * sq_value_get_complex_repr:
 *
 * Returns: (nullable): the string a complex was read from
 */
const char *
sq_value_get_complex_repr (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_COMPLEX, NULL);
  return value->u.complex.repr;
}

SqOpaqueKind
sq_value_get_opaque_kind (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_OPAQUE, 0);
  return value->u.opaque.kind;
}

gint8
sq_value_get_opaque_ext_type (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_OPAQUE, 0);
  return value->u.opaque.ext_type;
}

/**
 * sq_value_get_opaque_data:
 *
 * Returns: (transfer none): the raw bytes
 */
GBytes *
sq_value_get_opaque_data (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_OPAQUE, NULL);
  return value->u.opaque.data;
}

const char *
sq_value_get_opaque_reason (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_OPAQUE, NULL);
  return value->u.opaque.reason;
}

gboolean
sq_value_is_container (const SqValue *value)
{
  return value->type == SQ_VALUE_ARRAY || value->type == SQ_VALUE_MAP;
}

/**
 * sq_value_describe_type:
 *
 * Returns: (transfer full): the type as the inspector shows it:
 *   `ndarray uint8 224x224x3`, `int64` (a numpy scalar), `int`, `str`,
 *   `bytes 12`, `map 3`, `list 2`
 */
char *
sq_value_describe_type (const SqValue *value)
{
  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_NIL:
      return g_strdup ("None");
    case SQ_VALUE_BOOL:
      return g_strdup ("bool");
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
      return g_strdup ("int");
    case SQ_VALUE_FLOAT32:
      return g_strdup ("float (32-bit)");
    case SQ_VALUE_FLOAT64:
      return g_strdup ("float");
    case SQ_VALUE_STR:
      return g_strdup ("str");
    case SQ_VALUE_BIN:
      return g_strdup_printf ("bytes %" G_GSIZE_FORMAT, g_bytes_get_size (value->u.bin));
    case SQ_VALUE_ARRAY:
      return g_strdup_printf ("list %" G_GSIZE_FORMAT, value->u.list.n);
    case SQ_VALUE_MAP:
      return g_strdup_printf ("map %" G_GSIZE_FORMAT, value->u.list.n);
    case SQ_VALUE_NDARRAY:
      {
        g_autofree char *shape = sq_ndarray_format_shape (value->u.ndarray);

        return g_strdup_printf ("ndarray %s %s",
                                sq_dtype_get_name (sq_ndarray_get_dtype (value->u.ndarray)), shape);
      }
    case SQ_VALUE_SCALAR:
      return g_strdup (sq_dtype_get_name (value->u.scalar.dtype));
    case SQ_VALUE_COMPLEX:
      return g_strdup ("complex");
    case SQ_VALUE_OPAQUE:
      switch (value->u.opaque.kind)
        {
        case SQ_OPAQUE_PICKLE:
          return g_strdup ("pickle");
        case SQ_OPAQUE_BIG_INT:
          return g_strdup ("int");
        case SQ_OPAQUE_JSON:
          return g_strdup ("object array");
        case SQ_OPAQUE_EXT:
        default:
          return g_strdup ("ext");
        }
    default:
      g_assert_not_reached ();
    }
}

/* Python's repr of a str or bytes, cut after @max_chars characters. */
static void
append_text_repr (GString      *out,
                  const char   *text,
                  gsize         length,
                  gboolean      is_bytes,
                  gsize         max_chars)
{
  const char *p = text, *end = text + length;
  gsize n = 0;

  if (is_bytes)
    g_string_append_c (out, 'b');
  g_string_append_c (out, '\'');
  while (p < end)
    {
      guchar c = (guchar) *p;

      if (n++ >= max_chars)
        {
          g_string_append (out, "\xe2\x80\xa6"); /* … */
          break;
        }
      if (c == '\'' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f || (is_bytes && c >= 0x80))
        g_string_append_printf (out, "\\x%02x", c);
      else if (!is_bytes && c >= 0x80)
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (out, p, MIN (next, end) - p);
          p = MIN (next, end);
          continue;
        }
      else
        g_string_append_c (out, (char) c);
      p++;
    }
  g_string_append_c (out, '\'');
}

/**
 * sq_value_format:
 * @value: a value
 * @max_chars: strings and bytes longer than this are cut, with "…"
 *
 * One line saying what @value is, as Python's repr would for scalars
 * (`3`, `0.1`, `True`, `None`, `'abc'`, `b'\x00'`, `(1+2j)`), and a count
 * for containers (`3 items`, `2 keys`). An ndarray shows its first
 * elements.
 *
 * Returns: (transfer full): the text
 */
char *
sq_value_format (const SqValue *value,
                 gsize          max_chars)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (value != NULL, NULL);

  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_NIL:
      g_string_append (out, "None");
      break;
    case SQ_VALUE_BOOL:
      g_string_append (out, value->u.v_bool ? "True" : "False");
      break;
    case SQ_VALUE_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->u.v_int);
      break;
    case SQ_VALUE_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, value->u.v_uint);
      break;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      _sq_append_float_repr (out, sq_value_get_double (value), FALSE);
      break;
    case SQ_VALUE_STR:
      append_text_repr (out, value->u.str.data, value->u.str.len, FALSE, max_chars);
      break;
    case SQ_VALUE_BIN:
      {
        gsize len;
        const char *data = g_bytes_get_data (value->u.bin, &len);

        append_text_repr (out, data, len, TRUE, max_chars);
        break;
      }
    case SQ_VALUE_ARRAY:
      g_string_append_printf (out, value->u.list.n == 1 ? "%" G_GSIZE_FORMAT " item" : "%" G_GSIZE_FORMAT " items",
                              value->u.list.n);
      break;
    case SQ_VALUE_MAP:
      g_string_append_printf (out, value->u.list.n == 1 ? "%" G_GSIZE_FORMAT " key" : "%" G_GSIZE_FORMAT " keys",
                              value->u.list.n);
      break;
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *array = value->u.ndarray;
        guint64 n = sq_ndarray_get_n_elements (array);

        g_string_append_c (out, '[');
        for (guint64 i = 0; i < n && out->len < max_chars; i++)
          {
            g_autofree char *element = sq_ndarray_format_element (array, i);

            if (i > 0)
              g_string_append (out, ", ");
            g_string_append (out, element);
          }
        if (out->len >= max_chars && n > 1)
          g_string_append (out, ", \xe2\x80\xa6");
        g_string_append_c (out, ']');
        break;
      }
    case SQ_VALUE_SCALAR:
      {
        g_autoptr(GBytes) bytes = g_bytes_new (value->u.scalar.data, sq_dtype_get_itemsize (value->u.scalar.dtype));
        g_autoptr(SqNdarray) array = sq_ndarray_new (value->u.scalar.dtype, 0, NULL, bytes, NULL);

        if (array != NULL)
          {
            g_autofree char *element = sq_ndarray_format_element (array, 0);

            g_string_append (out, element);
          }
        break;
      }
    case SQ_VALUE_COMPLEX:
      if (value->u.complex.repr != NULL)
        g_string_append (out, value->u.complex.repr);
      else
        _sq_append_complex_repr (out, value->u.complex.re, value->u.complex.im);
      break;
    case SQ_VALUE_OPAQUE:
      g_string_append (out, value->u.opaque.reason);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

guint64
_sq_value_cost (const SqValue *value)
{
  guint64 cost = sizeof (gpointer);

  if (value->flags & FLAG_STATIC)
    return cost;
  cost += _SQ_VALUE_NODE_COST;
  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_STR:
      return cost + value->u.str.len;
    case SQ_VALUE_BIN:
      return cost + g_bytes_get_size (value->u.bin);
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < value->u.list.n * (value->type == SQ_VALUE_MAP ? 2 : 1); i++)
        cost += _sq_value_cost (value->u.list.items[i]);
      return cost;
    case SQ_VALUE_NDARRAY:
      return cost + g_bytes_get_size (sq_ndarray_get_data (value->u.ndarray));
    default:
      return cost;
    }
}

static gboolean
doubles_identical (double a,
                   double b)
{
  return memcmp (&a, &b, sizeof a) == 0 || (isnan (a) && isnan (b));
}

/**
 * sq_value_equal:
 *
 * Deep equality, as a test wants it: same types, same numbers (NaN equals
 * NaN, -0.0 differs from 0.0), same bytes, same dtypes, keys in the same
 * order.
 */
gboolean
sq_value_equal (const SqValue *a,
                const SqValue *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->type != b->type)
    return FALSE;

  switch ((SqValueType) a->type)
    {
    case SQ_VALUE_NIL:
      return TRUE;
    case SQ_VALUE_BOOL:
      return a->u.v_bool == b->u.v_bool;
    case SQ_VALUE_INT:
      return a->u.v_int == b->u.v_int;
    case SQ_VALUE_UINT:
      return a->u.v_uint == b->u.v_uint;
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      return doubles_identical (a->u.v_double, b->u.v_double);
    case SQ_VALUE_STR:
    case SQ_VALUE_BIN:
      return keys_equal (a, b);
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      {
        gsize n = a->u.list.n * (a->type == SQ_VALUE_MAP ? 2 : 1);

        if (a->u.list.n != b->u.list.n)
          return FALSE;
        for (gsize i = 0; i < n; i++)
          if (!sq_value_equal (a->u.list.items[i], b->u.list.items[i]))
            return FALSE;
        return TRUE;
      }
    case SQ_VALUE_NDARRAY:
      {
        const SqNdarray *x = a->u.ndarray, *y = b->u.ndarray;

        return sq_dtype_equal (sq_ndarray_get_dtype (x), sq_ndarray_get_dtype (y)) &&
               sq_ndarray_get_ndim (x) == sq_ndarray_get_ndim (y) &&
               memcmp (sq_ndarray_get_shape (x), sq_ndarray_get_shape (y),
                       sq_ndarray_get_ndim (x) * sizeof (guint64)) == 0 &&
               g_bytes_equal (sq_ndarray_get_data (x), sq_ndarray_get_data (y));
      }
    case SQ_VALUE_SCALAR:
      return sq_dtype_equal (a->u.scalar.dtype, b->u.scalar.dtype) &&
             memcmp (a->u.scalar.data, b->u.scalar.data, sq_dtype_get_itemsize (a->u.scalar.dtype)) == 0;
    case SQ_VALUE_COMPLEX:
      return doubles_identical (a->u.complex.re, b->u.complex.re) &&
             doubles_identical (a->u.complex.im, b->u.complex.im);
    case SQ_VALUE_OPAQUE:
      return a->u.opaque.kind == b->u.opaque.kind && a->u.opaque.ext_type == b->u.opaque.ext_type &&
             g_bytes_equal (a->u.opaque.data, b->u.opaque.data);
    default:
      g_assert_not_reached ();
    }
}

/* Editing: new containers that share every child they keep. */

G_DEFINE_QUARK (sq-edit-error-quark, sq_edit_error)

/* A container of @n entries whose item pointers the caller fills in; the
 * shared empty one for 0. */
static SqValue *
list_alloc (SqValueType type,
            gsize       n)
{
  gsize n_slots = type == SQ_VALUE_MAP ? 2 * n : n;
  SqValue *v;

  if (n == 0)
    {
      init_statics ();
      return type == SQ_VALUE_MAP ? &empty_map : &empty_array;
    }
  v = value_alloc (type, n_slots * sizeof (SqValue *));
  v->u.list.n = n;
  v->u.list.items = trailing (v);
  return v;
}

static inline gsize
slots_per_entry (const SqValue *container)
{
  return container->type == SQ_VALUE_MAP ? 2 : 1;
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
  return key->type == SQ_VALUE_STR || key->type == SQ_VALUE_BIN;
}

/* Whether an entry other than @skip has @key. */
static gboolean
map_has_key (const SqValue *map,
             const SqValue *key,
             gsize          skip)
{
  for (gsize i = 0; i < map->u.list.n; i++)
    if (i != skip && keys_equal (map->u.list.items[2 * i], key))
      return TRUE;
  return FALSE;
}

static void
set_key_exists_error (GError       **error,
                      const SqValue *key)
{
  g_autoptr(GString) repr = g_string_new (NULL);

  if (key->type == SQ_VALUE_STR)
    append_text_repr (repr, key->u.str.data, key->u.str.len, FALSE, 64);
  else
    {
      gsize len;
      const char *data = g_bytes_get_data (key->u.bin, &len);

      append_text_repr (repr, data, len, TRUE, 64);
    }
  g_set_error (error, SQ_EDIT_ERROR, SQ_EDIT_ERROR_KEY_EXISTS, "the map already has a key %s", repr->str);
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
  gsize n_slots, slot;
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index < container->u.list.n, NULL);
  g_return_val_if_fail (item != NULL, NULL);

  n_slots = container->u.list.n * slots_per_entry (container);
  slot = container->type == SQ_VALUE_MAP ? 2 * index + 1 : index;
  v = list_alloc (container->type, container->u.list.n);
  share_slots (v->u.list.items, container->u.list.items, slot);
  v->u.list.items[slot] = sq_value_ref (item);
  share_slots (v->u.list.items + slot + 1, container->u.list.items + slot + 1, n_slots - slot - 1);
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
  gsize width, n;
  SqValue **dest;
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index <= container->u.list.n, NULL);
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (container->type == SQ_VALUE_MAP ? key != NULL && is_key (key) : key == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (container->type == SQ_VALUE_MAP && map_has_key (container, key, G_MAXSIZE))
    {
      set_key_exists_error (error, key);
      return NULL;
    }

  width = slots_per_entry (container);
  n = container->u.list.n;
  v = list_alloc (container->type, n + 1);
  share_slots (v->u.list.items, container->u.list.items, index * width);
  dest = v->u.list.items + index * width;
  if (key != NULL)
    *dest++ = sq_value_ref (key);
  *dest++ = sq_value_ref (item);
  share_slots (dest, container->u.list.items + index * width, (n - index) * width);
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
  SqValue *v;

  g_return_val_if_fail (container != NULL && sq_value_is_container (container), NULL);
  g_return_val_if_fail (index < container->u.list.n, NULL);

  width = slots_per_entry (container);
  n = container->u.list.n;
  v = list_alloc (container->type, n - 1);
  if (n == 1)
    return v;
  share_slots (v->u.list.items, container->u.list.items, index * width);
  share_slots (v->u.list.items + index * width, container->u.list.items + (index + 1) * width,
               (n - index - 1) * width);
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
  SqValue *v;

  g_return_val_if_fail (map != NULL && map->type == SQ_VALUE_MAP, NULL);
  g_return_val_if_fail (index < map->u.list.n, NULL);
  g_return_val_if_fail (key != NULL && is_key (key), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (map_has_key (map, key, index))
    {
      set_key_exists_error (error, key);
      return NULL;
    }

  v = list_alloc (SQ_VALUE_MAP, map->u.list.n);
  share_slots (v->u.list.items, map->u.list.items, 2 * index);
  v->u.list.items[2 * index] = sq_value_ref (key);
  share_slots (v->u.list.items + 2 * index + 1, map->u.list.items + 2 * index + 1,
               2 * (map->u.list.n - index) - 1);
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

  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_BOOL:
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
      return TRUE;
    case SQ_VALUE_STR:
      return memchr (value->u.str.data, '\0', value->u.str.len) == NULL;
    case SQ_VALUE_SCALAR:
      return scalar_dtype_editable (value->u.scalar.dtype);
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
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
                              size == 1 ? (gint64) (gint8) *p
                              : size == 2 ? (gint64) (gint16) _sq_load_u16 (p, swap)
                              : size == 4 ? (gint64) (gint32) _sq_load_u32 (p, swap)
                              : (gint64) _sq_load_u64 (p, swap));
      break;
    case SQ_DTYPE_KIND_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT,
                              size == 1 ? (guint64) *p
                              : size == 2 ? (guint64) _sq_load_u16 (p, swap)
                              : size == 4 ? (guint64) _sq_load_u32 (p, swap)
                              : _sq_load_u64 (p, swap));
      break;
    case SQ_DTYPE_KIND_FLOAT:
      if (size == 2)
        _sq_append_narrow_float_repr (out, _sq_half_to_double (_sq_load_u16 (p, swap)), 2);
      else if (size == 4)
        _sq_append_narrow_float_repr (out, _sq_load_f32 (p, swap), 4);
      else
        _sq_append_float_repr (out, _sq_load_f64 (p, swap), FALSE);
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
 * the same value: `True`, `-3`, floats as Python's repr writes them (`0.1`,
 * `1.0`, `1e-05`, `nan`, `-inf`) with float32 and float16 values in the
 * fewest digits their own precision needs, a str as it is, unquoted.
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
  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_BOOL:
      g_string_append (out, value->u.v_bool ? "True" : "False");
      break;
    case SQ_VALUE_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->u.v_int);
      break;
    case SQ_VALUE_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, value->u.v_uint);
      break;
    case SQ_VALUE_FLOAT32:
      _sq_append_narrow_float_repr (out, value->u.v_double, 4);
      break;
    case SQ_VALUE_FLOAT64:
      _sq_append_float_repr (out, value->u.v_double, FALSE);
      break;
    case SQ_VALUE_STR:
      g_string_append_len (out, value->u.str.data, value->u.str.len);
      break;
    case SQ_VALUE_SCALAR:
      append_scalar_edit_text (out, value->u.scalar.dtype, value->u.scalar.data);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

/* The user's text, short enough for a one-line message. */
static char *
text_for_message (const char *text)
{
  if (g_utf8_strlen (text, -1) <= 40)
    return g_strdup (text);
  {
    g_autofree char *head = g_utf8_substring (text, 0, 40);

    return g_strconcat (head, "\xe2\x80\xa6", NULL); /* … */
  }
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

/* @size: 2, 4 or 8, the float's width; a finite number that becomes
 * infinite in it is an error, not an infinity. */
static gboolean
parse_float_text (const char *text,
                  gsize       size,
                  const char *type_name,
                  double     *out,
                  GError    **error)
{
  double value;

  if (!is_float_text (text))
    return set_not_a (error, text, "a number");

  value = g_ascii_strtod (text, NULL);
  if (strpbrk (text, "iI") == NULL &&
      (isinf (value) ||
       (size == 4 && isinf ((float) value)) ||
       (size == 2 && (_sq_double_to_half (value) & 0x7fff) == 0x7c00)))
    return set_too_large (error, text, type_name);
  *out = value;
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
        double value;

        if (!parse_float_text (text, size, sq_dtype_get_name (dtype), &value, error))
          return NULL;
        if (size == 2)
          {
            guint16 half = _sq_double_to_half (value);

            _sq_store_swapped (element, &half, 2, swap);
          }
        else if (size == 4)
          {
            float f = (float) value;

            _sq_store_swapped (element, &f, 4, swap);
          }
        else
          _sq_store_swapped (element, &value, 8, swap);
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
 * error; a str from any text, as it is. A numpy scalar keeps its dtype,
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
  if (like->type == SQ_VALUE_STR)
    return sq_value_new_str (text, -1);

  trimmed = g_strstrip (g_strdup (text));
  switch ((SqValueType) like->type)
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
        gboolean is_32 = like->type == SQ_VALUE_FLOAT32;
        double value;

        if (!parse_float_text (trimmed, is_32 ? 4 : 8, is_32 ? "float32" : "float", &value, error))
          return NULL;
        return is_32 ? sq_value_new_float32 ((float) value) : sq_value_new_float64 (value);
      }
    case SQ_VALUE_SCALAR:
      return parse_scalar_text (like->u.scalar.dtype, trimmed, error);
    default:
      g_assert_not_reached ();
    }
}
