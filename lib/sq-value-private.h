/* sq-value-private.h: construction shortcuts for the decoders and the editors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "sq-arena-private.h"
#include "sq-value.h"

G_BEGIN_DECLS

/* The layout is private to the library: its decoders build and read
 * values inline, the hot path of decoding a shard. */
enum
{
  SQ_VALUE_FLAG_STATIC = 1 << 0,
  SQ_VALUE_FLAG_ARENA = 1 << 1, /* in an arena: ref_count holds its chunk offset */
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
    guint32  v_float32; /* the bits: widening to double quiets a signalling NaN */
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

/* A value in @arena (not NULL; borrowed: the arena's count keeps it). */
static inline SqValue *
_sq_value_alloc_in (SqArena     *arena,
                    SqValueType  type,
                    gsize        trailing)
{
  guint32 offset;
  SqValue *value = _sq_arena_alloc (arena, sizeof (SqValue) + trailing, &offset);

  value->ref_count = (gint) offset;
  value->flags = SQ_VALUE_FLAG_ARENA;
  value->type = type;
  return value;
}

/* A value on the heap (@arena NULL: its own reference count) or in
 * @arena, as _sq_value_alloc_in() makes it. */
static inline SqValue *
_sq_value_alloc (SqArena     *arena,
                 SqValueType  type,
                 gsize        trailing)
{
  SqValue *value;

  if (arena != NULL)
    return _sq_value_alloc_in (arena, type, trailing);
  value = g_malloc (sizeof (SqValue) + trailing);
  value->ref_count = 1;
  value->flags = 0;
  value->type = type;
  return value;
}

static inline gpointer
_sq_value_trailing (SqValue *value)
{
  return (guint8 *) value + sizeof (SqValue);
}

/* None, bools, these ints and empty containers are static, never freed. */
#define _SQ_VALUE_SMALL_INT_MIN (-128)
#define _SQ_VALUE_SMALL_INT_MAX 255

extern SqValue _sq_value_small_ints[_SQ_VALUE_SMALL_INT_MAX - _SQ_VALUE_SMALL_INT_MIN + 1];

/* A small int without a call, once any sq_value_new_*() has run (they
 * make the static values). */
static inline SqValue *
_sq_value_small_int (gint value)
{
  return &_sq_value_small_ints[value - _SQ_VALUE_SMALL_INT_MIN];
}

static inline SqValueType
_sq_value_type (const SqValue *value)
{
  return (SqValueType) value->type;
}

/* A str in @arena (or on the heap) holding a copy of @len > 0 bytes. */
static inline SqValue *
_sq_value_new_str_inline (SqArena    *arena,
                          const char *utf8,
                          gsize       len)
{
  SqValue *v = _sq_value_alloc (arena, SQ_VALUE_STR, len + 1);

  v->u.str.len = len;
  v->u.str.data = (char *) _sq_value_trailing (v);
  memcpy (v->u.str.data, utf8, len);
  v->u.str.data[len] = '\0';
  return v;
}

/* A str of @length bytes whose content the caller writes into *@data (and
 * validates) before sharing the value. */
SqValue *_sq_value_alloc_str (gsize   length,
                              char  **data);

/* An array or a map of @n entries whose slots (items; for a map, key and
 * value interleaved) the caller fills in before sharing it; the shared
 * empty one, with *@slots %NULL, when @n is 0. */
SqValue *_sq_value_alloc_container (SqValueType   type,
                                    gsize         n,
                                    SqValue    ***slots);

/* The slots of an array or a map, laid out as above; %NULL when empty. */
SqValue *const *_sq_value_get_slots (const SqValue *container);

/* A msgpack float32 from its bits, and its bits back: exact, where going
 * through a double would quiet a signalling NaN. */
SqValue *_sq_value_new_float32_bits  (guint32        bits);
guint32  _sq_value_get_float32_bits  (const SqValue *value);

/* The same in an arena (NULL: on the heap, as the public constructors
 * make them). An arena value holds no reference of its own: the arena's
 * count keeps it, sq_value_ref() and sq_value_unref() count on the arena,
 * and a container in an arena borrows its children, which must be in the
 * same arena, static, or kept alive by a cleanup of that arena. Whatever a
 * value holds outside (bytes, an ndarray, a dtype) the arena releases.
 * The caller's reference to the arena becomes the reference of the value
 * it hands out as the root. */
SqValue *_sq_value_new_int_in          (SqArena       *arena,
                                        gint64         value);
SqValue *_sq_value_new_uint_in         (SqArena       *arena,
                                        guint64        value);
SqValue *_sq_value_new_float32_bits_in (SqArena       *arena,
                                        guint32        bits);
SqValue *_sq_value_new_float64_in      (SqArena       *arena,
                                        double         value);
SqValue *_sq_value_alloc_str_in        (SqArena       *arena,
                                        gsize          length,
                                        char         **data);
SqValue *_sq_value_new_str_in          (SqArena       *arena,
                                        const char    *utf8,
                                        gsize          length);
SqValue *_sq_value_new_bin_in          (SqArena       *arena,
                                        GBytes        *bytes);
SqValue *_sq_value_alloc_container_in  (SqArena       *arena,
                                        SqValueType    type,
                                        gsize          n,
                                        SqValue     ***slots);
SqValue *_sq_value_new_array_in        (SqArena       *arena,
                                        SqValue      **items,
                                        gsize          n_items);
SqValue *_sq_value_new_map_in          (SqArena       *arena,
                                        SqValue      **entries,
                                        gsize          n_entries,
                                        gboolean       unique);
SqValue *_sq_value_new_ndarray_in      (SqArena       *arena,
                                        SqNdarray     *array);
SqValue *_sq_value_new_scalar_in       (SqArena       *arena,
                                        SqDtype       *dtype,
                                        const void    *element);
SqValue *_sq_value_new_complex_in      (SqArena       *arena,
                                        double         real,
                                        double         imag,
                                        const char    *repr);
SqValue *_sq_value_new_opaque_in       (SqArena       *arena,
                                        SqOpaqueKind   kind,
                                        gint8          ext_type,
                                        GBytes        *data,
                                        const char    *reason);

/* Drops repeated keys from @n_entries arena entries (key and value
 * interleaved, no references) in place, as sq_value_new_map() does: for a
 * decoder that fills a map's slots itself. Returns how many are left. */
gsize    _sq_value_dedup_entries_in    (SqValue      **entries,
                                        gsize          n_entries);

/* A value that holds nothing of an arena: for what outlives one, or is
 * owned by one (a dtype's descr). */
SqValue *_sq_value_copy_to_heap        (const SqValue *value);

/* Does @value live in an arena (rather than on the heap, or static)? */
gboolean _sq_value_is_in_arena         (const SqValue *value);

/* Bytes a decoded node costs, for the decoders' memory budget. */
#define _SQ_VALUE_NODE_COST 48

G_END_DECLS

G_BEGIN_DECLS

/* Roughly what @value and everything under it cost in memory. */
guint64  _sq_value_cost      (const SqValue *value);

/* What a value is, for the decoders' messages: "an int", "a str". */
const char *_sq_value_type_phrase (const SqValue *value);

/* An array's shape as msgpack-numpy and squirrel's JSON give it: a list of
 * lengths, or one length (numpy takes a bare int). With @allow_infer a
 * length may be -1, as reshape() allows; the caller works it out. The
 * message says what is wrong without saying where. */
/* An array's type as msgpack-numpy and squirrel's JSON give it: a numpy
 * type string (a str, or a bin in old data) or a descr list for a
 * structured dtype. A string holding a NUL, or longer than any numpy
 * type string, is refused rather than read up to the NUL. */
SqDtype *_sq_dtype_new_from_value (const SqValue  *type,
                                   GError        **error);

gboolean _sq_shape_from_value (const SqValue  *shape,
                               gboolean        allow_infer,
                               guint          *ndim,
                               gint64         *dims,
                               GError        **error);

G_END_DECLS
