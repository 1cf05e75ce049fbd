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

#include "sq-arena-private.h"
#include "sq-error.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-value-private.h"


/* Above this many entries, duplicate map keys are found with a hash table. */
#define MAP_LINEAR_DEDUP_MAX 16

G_DEFINE_BOXED_TYPE (SqValue, sq_value, sq_value_ref, sq_value_unref)

static SqValue nil_value;
static SqValue bool_values[2];
SqValue _sq_value_small_ints[_SQ_VALUE_SMALL_INT_MAX - _SQ_VALUE_SMALL_INT_MIN + 1];
static SqValue empty_str;
static SqValue empty_array;
static SqValue empty_map;

static void
init_statics (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  nil_value = (SqValue) { .ref_count = 1, .type = SQ_VALUE_NIL, .flags = SQ_VALUE_FLAG_STATIC };
  for (int i = 0; i < 2; i++)
    bool_values[i] = (SqValue) { .ref_count = 1, .type = SQ_VALUE_BOOL, .flags = SQ_VALUE_FLAG_STATIC, .u.v_bool = i };
  for (int i = _SQ_VALUE_SMALL_INT_MIN; i <= _SQ_VALUE_SMALL_INT_MAX; i++)
    _sq_value_small_ints[i - _SQ_VALUE_SMALL_INT_MIN] =
      (SqValue) { .ref_count = 1, .type = SQ_VALUE_INT, .flags = SQ_VALUE_FLAG_STATIC, .u.v_int = i };
  empty_str = (SqValue) { .ref_count = 1, .type = SQ_VALUE_STR, .flags = SQ_VALUE_FLAG_STATIC, .u.str = { 0, (char *) "" } };
  empty_array = (SqValue) { .ref_count = 1, .type = SQ_VALUE_ARRAY, .flags = SQ_VALUE_FLAG_STATIC };
  empty_map = (SqValue) { .ref_count = 1, .type = SQ_VALUE_MAP, .flags = SQ_VALUE_FLAG_STATIC };

  g_once_init_leave (&initialized, 1);
}

/* What an arena value holds outside the arena is released with it. */
static inline void
arena_owns (SqArena        *arena,
            GDestroyNotify  func,
            gpointer        data)
{
  if (arena != NULL)
    _sq_arena_add_cleanup (arena, func, data);
}

/* A copy of @text: in the arena for an arena value, else on the heap. */
static char *
text_copy (SqArena    *arena,
           const char *text)
{
  gsize len;
  char *copy;
  guint32 offset;

  if (arena == NULL || text == NULL)
    return g_strdup (text);
  len = strlen (text) + 1;
  copy = _sq_arena_alloc (arena, len, &offset);
  memcpy (copy, text, len);
  return copy;
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
_sq_value_new_int_in (SqArena *arena,
                      gint64   value)
{
  SqValue *v;

  if (value >= _SQ_VALUE_SMALL_INT_MIN && value <= _SQ_VALUE_SMALL_INT_MAX)
    {
      init_statics ();
      return &_sq_value_small_ints[value - _SQ_VALUE_SMALL_INT_MIN];
    }
  v = _sq_value_alloc (arena, SQ_VALUE_INT, 0);
  v->u.v_int = value;
  return v;
}

SqValue *
sq_value_new_int (gint64 value)
{
  return _sq_value_new_int_in (NULL, value);
}

SqValue *
_sq_value_new_uint_in (SqArena *arena,
                       guint64  value)
{
  SqValue *v;

  if (value <= G_MAXINT64)
    return _sq_value_new_int_in (arena, (gint64) value);
  v = _sq_value_alloc (arena, SQ_VALUE_UINT, 0);
  v->u.v_uint = value;
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
  return _sq_value_new_uint_in (NULL, value);
}

SqValue *
sq_value_new_float32 (float value)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  return _sq_value_new_float32_bits (bits);
}

SqValue *
_sq_value_new_float32_bits_in (SqArena *arena,
                               guint32  bits)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_FLOAT32, 0);

  v->u.v_float32 = bits;
  return v;
}

SqValue *
_sq_value_new_float32_bits (guint32 bits)
{
  return _sq_value_new_float32_bits_in (NULL, bits);
}

SqValue *
_sq_value_new_float64_in (SqArena *arena,
                          double   value)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_FLOAT64, 0);

  v->u.v_double = value;
  return v;
}

SqValue *
sq_value_new_float64 (double value)
{
  return _sq_value_new_float64_in (NULL, value);
}

SqValue *
_sq_value_alloc_str_in (SqArena  *arena,
                        gsize     length,
                        char    **data)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_STR, length + 1);

  v->u.str.len = length;
  v->u.str.data = _sq_value_trailing (v);
  v->u.str.data[length] = '\0';
  *data = v->u.str.data;
  return v;
}

SqValue *
_sq_value_alloc_str (gsize   length,
                     char  **data)
{
  return _sq_value_alloc_str_in (NULL, length, data);
}

SqValue *
_sq_value_new_str_in (SqArena    *arena,
                      const char *utf8,
                      gsize       len)
{
  SqValue *v;
  char *data;

  if (len == 0)
    {
      init_statics ();
      return &empty_str;
    }
  v = _sq_value_alloc_str_in (arena, len, &data);
  memcpy (data, utf8, len);
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
  g_return_val_if_fail (utf8 != NULL || length == 0, NULL);

  return _sq_value_new_str_in (NULL, utf8, length < 0 ? strlen (utf8) : (gsize) length);
}

SqValue *
_sq_value_new_bin_in (SqArena *arena,
                      GBytes  *bytes)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_BIN, 0);

  v->u.bin = g_bytes_ref (bytes);
  arena_owns (arena, (GDestroyNotify) g_bytes_unref, bytes);
  return v;
}

/**
 * sq_value_new_bin:
 * @bytes: the bytes; referenced, not copied
 */
SqValue *
sq_value_new_bin (GBytes *bytes)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return _sq_value_new_bin_in (NULL, bytes);
}

SqValue *
_sq_value_alloc_container_in (SqArena      *arena,
                              SqValueType   type,
                              gsize         n,
                              SqValue    ***slots)
{
  SqValue *v;

  g_assert (type == SQ_VALUE_ARRAY || type == SQ_VALUE_MAP);

  if (n == 0)
    {
      init_statics ();
      *slots = NULL;
      return type == SQ_VALUE_MAP ? &empty_map : &empty_array;
    }
  v = _sq_value_alloc (arena, type, (type == SQ_VALUE_MAP ? 2 * n : n) * sizeof (SqValue *));
  v->u.list.n = n;
  v->u.list.items = _sq_value_trailing (v);
  *slots = v->u.list.items;
  return v;
}

SqValue *
_sq_value_alloc_container (SqValueType   type,
                           gsize         n,
                           SqValue    ***slots)
{
  return _sq_value_alloc_container_in (NULL, type, n, slots);
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
  g_return_val_if_fail (items != NULL || n_items == 0, NULL);

  return _sq_value_new_array_in (NULL, items, n_items);
}

SqValue *
_sq_value_new_array_in (SqArena  *arena,
                        SqValue **items,
                        gsize     n_items)
{
  SqValue **slots;
  SqValue *v = _sq_value_alloc_container_in (arena, SQ_VALUE_ARRAY, n_items, &slots);

  if (n_items > 0)
    memcpy (slots, items, n_items * sizeof (SqValue *));
  return v;
}

SqValue *const *
_sq_value_get_slots (const SqValue *container)
{
  g_assert (container->type == SQ_VALUE_ARRAY || container->type == SQ_VALUE_MAP);

  return container->u.list.items;
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

/* Entry @i repeats entry @j's key: the dict keeps @j's position and @i's
 * value. Heap entries carry references, arena ones do not. */
static inline void
replace_entry (SqValue  **entries,
               gsize      j,
               gsize      i,
               gboolean   owned)
{
  if (owned)
    {
      sq_value_unref (entries[2 * j + 1]);
      sq_value_unref (entries[2 * i]);
    }
  entries[2 * j + 1] = entries[2 * i + 1];
}

/* A dict keeps a key's first position and its last value; returns the
 * number of entries left. */
static gsize
dedup_entries (SqValue  **entries,
               gsize      n,
               gboolean   owned)
{
  gsize out = 0;

  if (n <= MAP_LINEAR_DEDUP_MAX)
    {
      for (gsize i = 0; i < n; i++)
        {
          gsize j;

          for (j = 0; j < out; j++)
            if (keys_equal (entries[2 * j], entries[2 * i]))
              break;
          if (j < out)
            {
              replace_entry (entries, j, i, owned);
              continue;
            }
          entries[2 * out] = entries[2 * i];
          entries[2 * out + 1] = entries[2 * i + 1];
          out++;
        }
      return out;
    }
  else
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (key_hash, key_equal_func);

      for (gsize i = 0; i < n; i++)
        {
          gpointer position;

          if (g_hash_table_lookup_extended (seen, entries[2 * i], NULL, &position))
            {
              replace_entry (entries, GPOINTER_TO_SIZE (position), i, owned);
              continue;
            }
          entries[2 * out] = entries[2 * i];
          entries[2 * out + 1] = entries[2 * i + 1];
          g_hash_table_insert (seen, entries[2 * out], GSIZE_TO_POINTER (out));
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
  g_return_val_if_fail (entries != NULL || n_entries == 0, NULL);

  for (gsize i = 0; i < n_entries; i++)
    g_return_val_if_fail (entries[2 * i]->type == SQ_VALUE_STR || entries[2 * i]->type == SQ_VALUE_BIN, NULL);

  return _sq_value_new_map_in (NULL, entries, n_entries, FALSE);
}

gsize
_sq_value_dedup_entries_in (SqValue **entries,
                            gsize     n_entries)
{
  return dedup_entries (entries, n_entries, FALSE);
}

/* @unique: the caller knows that no key repeats. In an arena, @entries
 * carry no references, and those a repeated key drops are left there. */
SqValue *
_sq_value_new_map_in (SqArena   *arena,
                      SqValue  **entries,
                      gsize      n_entries,
                      gboolean   unique)
{
  SqValue **slots;
  SqValue *v;

  if (n_entries > 0 && !unique)
    n_entries = dedup_entries (entries, n_entries, arena == NULL);
  v = _sq_value_alloc_container_in (arena, SQ_VALUE_MAP, n_entries, &slots);
  if (n_entries > 0)
    memcpy (slots, entries, 2 * n_entries * sizeof (SqValue *));
  return v;
}

SqValue *
_sq_value_new_ndarray_in (SqArena   *arena,
                          SqNdarray *array)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_NDARRAY, 0);

  v->u.ndarray = sq_ndarray_ref (array);
  arena_owns (arena, (GDestroyNotify) sq_ndarray_unref, array);
  return v;
}

SqValue *
sq_value_new_ndarray (SqNdarray *array)
{
  g_return_val_if_fail (array != NULL, NULL);

  return _sq_value_new_ndarray_in (NULL, array);
}

SqValue *
_sq_value_new_scalar_in (SqArena    *arena,
                         SqDtype    *dtype,
                         const void *element)
{
  gsize size = sq_dtype_get_itemsize (dtype);
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_SCALAR, size);

  v->u.scalar.dtype = sq_dtype_ref (dtype);
  arena_owns (arena, (GDestroyNotify) sq_dtype_unref, dtype);
  v->u.scalar.data = _sq_value_trailing (v);
  memcpy (v->u.scalar.data, element, size);
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
  g_return_val_if_fail (dtype != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);

  return _sq_value_new_scalar_in (NULL, dtype, element);
}

SqValue *
_sq_value_new_complex_in (SqArena    *arena,
                          double      real,
                          double      imag,
                          const char *repr)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_COMPLEX, 0);

  v->u.complex.re = real;
  v->u.complex.im = imag;
  v->u.complex.repr = text_copy (arena, repr);
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
  return _sq_value_new_complex_in (NULL, real, imag, repr);
}

SqValue *
_sq_value_new_opaque_in (SqArena      *arena,
                         SqOpaqueKind  kind,
                         gint8         ext_type,
                         GBytes       *data,
                         const char   *reason)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_OPAQUE, 0);

  v->u.opaque.kind = kind;
  v->u.opaque.ext_type = ext_type;
  v->u.opaque.data = g_bytes_ref (data);
  arena_owns (arena, (GDestroyNotify) g_bytes_unref, data);
  v->u.opaque.reason = text_copy (arena, reason);
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
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  return _sq_value_new_opaque_in (NULL, kind, ext_type, data, reason);
}

SqValue *
sq_value_ref (SqValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  if (G_LIKELY (value->flags & SQ_VALUE_FLAG_ARENA))
    _sq_arena_ref (_sq_arena_of (value, (guint32) value->ref_count));
  else if (!(value->flags & SQ_VALUE_FLAG_STATIC))
    g_atomic_int_inc (&value->ref_count);
  return value;
}

void
sq_value_unref (SqValue *value)
{
  g_return_if_fail (value != NULL);

  if (G_LIKELY (value->flags & SQ_VALUE_FLAG_ARENA))
    {
      _sq_arena_unref (_sq_arena_of (value, (guint32) value->ref_count));
      return;
    }
  if (value->flags & SQ_VALUE_FLAG_STATIC)
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

/**
 * _sq_value_copy_to_heap:
 *
 * Returns: (transfer full): @value itself (referenced) when it is not in
 *   an arena, else a copy on the heap that shares only what the arena
 *   does not own a part of
 */
SqValue *
_sq_value_copy_to_heap (const SqValue *value)
{
  SqValue *copy;

  if (!(value->flags & SQ_VALUE_FLAG_ARENA))
    return sq_value_ref ((SqValue *) value);
  switch ((SqValueType) value->type)
    {
    case SQ_VALUE_STR:
      return sq_value_new_str (value->u.str.data, (gssize) value->u.str.len);
    case SQ_VALUE_BIN:
      return sq_value_new_bin (value->u.bin);
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      {
        gsize n = value->u.list.n * (value->type == SQ_VALUE_MAP ? 2 : 1);
        SqValue **slots;

        copy = _sq_value_alloc_container (value->type, value->u.list.n, &slots);
        for (gsize i = 0; i < n; i++)
          slots[i] = _sq_value_copy_to_heap (value->u.list.items[i]);
        return copy;
      }
    case SQ_VALUE_NDARRAY:
      return sq_value_new_ndarray (value->u.ndarray);
    case SQ_VALUE_SCALAR:
      return sq_value_new_scalar (value->u.scalar.dtype, value->u.scalar.data);
    case SQ_VALUE_COMPLEX:
      return sq_value_new_complex (value->u.complex.re, value->u.complex.im, value->u.complex.repr);
    case SQ_VALUE_OPAQUE:
      return sq_value_new_opaque (value->u.opaque.kind, value->u.opaque.ext_type, value->u.opaque.data,
                                  value->u.opaque.reason);
    case SQ_VALUE_NIL:
    case SQ_VALUE_BOOL:
    case SQ_VALUE_INT:
    case SQ_VALUE_UINT:
    case SQ_VALUE_FLOAT32:
    case SQ_VALUE_FLOAT64:
    default:
      /* numbers: the bits alone */
      copy = _sq_value_alloc (NULL, value->type, 0);
      copy->u = value->u;
      return copy;
    }
}

gboolean
_sq_value_is_in_arena (const SqValue *value)
{
  return (value->flags & SQ_VALUE_FLAG_ARENA) != 0;
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
  if (value->type == SQ_VALUE_FLOAT32)
    {
      float f;

      memcpy (&f, &value->u.v_float32, sizeof f);
      return f;
    }
  return value->u.v_double;
}

/* The exact bits of a float32, NaN payloads and all, for the writers. */
guint32
_sq_value_get_float32_bits (const SqValue *value)
{
  g_return_val_if_fail (value->type == SQ_VALUE_FLOAT32, 0);
  return value->u.v_float32;
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
const char *
_sq_value_type_phrase (const SqValue *value)
{
  static const char *const phrases[] = {
    "None", "a bool", "an int", "an int", "a float", "a float", "a str", "a bin (bytes)", "a list", "a map",
    "an ndarray", "a numpy scalar", "a complex", "an ext",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (phrases) == SQ_VALUE_OPAQUE + 1);
  return phrases[value->type];
}

SqDtype *
_sq_dtype_new_from_value (const SqValue  *type,
                          GError        **error)
{
  gsize len;
  const char *text;
  g_autofree char *copy = NULL;

  switch ((SqValueType) type->type)
    {
    case SQ_VALUE_ARRAY:
      {
        /* The dtype keeps its descr; one from an arena would keep the
         * arena, which keeps the dtype (through its array): a cycle. */
        g_autoptr(SqValue) descr = _sq_value_copy_to_heap (type);

        return sq_dtype_new_from_descr (descr, error);
      }
    case SQ_VALUE_STR:
      text = type->u.str.data;
      len = type->u.str.len;
      break;
    case SQ_VALUE_BIN:
      text = g_bytes_get_data (type->u.bin, &len);
      break;
    default:
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY, "dtype is %s, not a type string",
                   _sq_value_type_phrase (type));
      return NULL;
    }
  /* An empty bin has no data pointer at all (and g_strndup() makes NULL of
   * it), but is a type string like any other, an empty one. */
  copy = g_strndup (len > 0 ? text : "", len);
  if (strlen (copy) != len)
    {
      g_set_error_literal (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                           "dtype holds a NUL byte; it is not a numpy type string");
      return NULL;
    }
  if (len > 64)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                   "dtype of %" G_GSIZE_FORMAT " bytes is not a numpy type string", len);
      return NULL;
    }
  return sq_dtype_new_from_string (copy, error);
}

gboolean
_sq_shape_from_value (const SqValue  *shape,
                      gboolean        allow_infer,
                      guint          *ndim,
                      gint64         *dims,
                      GError        **error)
{
  const SqValue *bad = shape;
  gsize n;

  if (shape->type == SQ_VALUE_INT || shape->type == SQ_VALUE_UINT)
    {
      if (shape->type == SQ_VALUE_UINT)
        goto huge;
      if (shape->u.v_int < (allow_infer ? -1 : 0))
        goto negative;
      *ndim = 1;
      dims[0] = shape->u.v_int;
      return TRUE;
    }
  if (shape->type != SQ_VALUE_ARRAY)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY, "shape is %s, not a list",
                   _sq_value_type_phrase (shape));
      return FALSE;
    }
  n = shape->u.list.n;
  if (n > SQ_NDARRAY_MAX_DIMS)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
                   "%" G_GSIZE_FORMAT " dimensions; numpy allows at most %d", n, SQ_NDARRAY_MAX_DIMS);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      bad = shape->u.list.items[i];
      if (bad->type == SQ_VALUE_UINT)
        goto huge;
      if (bad->type != SQ_VALUE_INT)
        {
          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY, "shape holds %s, not an int",
                       _sq_value_type_phrase (bad));
          return FALSE;
        }
      if (bad->u.v_int < (allow_infer ? -1 : 0))
        goto negative;
      dims[i] = bad->u.v_int;
    }
  *ndim = (guint) n;
  return TRUE;

negative:
  g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY, "negative dimension %" G_GINT64_FORMAT " in shape",
               bad->u.v_int);
  return FALSE;

huge:
  g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_ARRAY,
               "dimension %" G_GUINT64_FORMAT " in shape is beyond what numpy allows", bad->u.v_uint);
  return FALSE;
}

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

        /* empty bytes have no data pointer, and NULL + 0 is undefined */
        append_text_repr (out, len > 0 ? data : "", len, TRUE, max_chars);
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

  if (value->flags & SQ_VALUE_FLAG_STATIC)
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
      return doubles_identical (sq_value_get_double (a), sq_value_get_double (b));
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
