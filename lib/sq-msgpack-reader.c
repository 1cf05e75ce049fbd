/* sq-msgpack-reader.c: decode msgpack samples as squirrel-core reads them
 *
 * squirrel reads with msgpack.Unpacker(use_list=False,
 * object_hook=msgpack_numpy.decode), so: str must be valid UTF-8, map keys
 * are str or bin, every map goes through msgpack-numpy's hook (an ndarray,
 * a numpy scalar, a complex, or the map itself), and the unpacker's limits
 * apply (1024 levels of nesting, 100 MiB per str, bin, array or ext).
 *
 * msgpack-c's unpacker is not used for reading: its nesting limit is 32,
 * it preallocates whatever count a header claims, and it needs big bins
 * contiguous in its buffer (FORMAT.md). This pull parser reads from SqInput
 * instead: containers collect their children on one shared stack that grows
 * with what is actually read, so a hostile count costs nothing until the
 * bytes are there, and big bins land in their own buffer, inflated once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-msgpack-reader"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-msgpack-reader-private.h"
#include "sq-ndarray.h"
#include "sq-number-private.h"
#include "sq-utf8-private.h"
#include "sq-value-private.h"

/* Short str map keys repeat in every sample: they are interned, one value
 * per key in an arena of their own that the samples using them keep. The
 * table never evicts, so within one generation a key's slot is its
 * identity; a full table starts a new generation (and key arena), so that
 * hostile data with ever new keys costs bounded memory. */
#define KEY_TABLE_SIZE 1024
#define KEY_TABLE_MAX  512
#define KEY_MAX_LEN    64
/* Maps up to this many entries are checked for repeated keys by their
 * interned slots; larger ones, and maps with other keys, by content. */
#define MAP_FAST_DEDUP_MAX 32
#define CANCEL_CHECK_EVERY 256

typedef struct
{
  guint32  head;   /* 0x100 | its fixstr header byte; 0: free or long */
  guint32  len;    /* 0: free */
  guint64  prefix; /* the first 8 bytes, zero-padded */
  guint64  rest;   /* the next 8, zero-padded */
  guint64  mask_a; /* which bytes of prefix and rest are the key's */
  guint64  mask_b;
  SqValue *key;    /* NULL: free */
  guint32  mark;   /* the map stamp that last saw it */
  guint32  next;   /* the slot of the key read after it last time */
  guint64  unused; /* to 64 bytes: an index is a shift */
} KeySlot;

G_STATIC_ASSERT (sizeof (KeySlot) == 64);

struct _SqMsgpackReader
{
  SqInput       *input;
  char          *shard;
  GCancellable  *cancellable;
  guint64        max_memory;
  guint64        memory;         /* what the decoded values cost, roughly */
  guint          sample;         /* index of the sample being read */
  guint64        sample_offset;  /* where it starts */

  SqValue      **stack;          /* children of the containers being read;
                                  * never NULL, so stack + mark is a pointer
                                  * into it even for an empty container */
  gsize          stack_len;
  gsize          stack_cap;

  SqArena       *arena;          /* the current sample's values */
  SqArena       *spare;          /* the last sample's, to reuse once its
                                  * caller is done with it */
  gsize          last_used;      /* what the last sample's arena took */

  SqArena       *key_arena;
  gboolean       key_arena_kept; /* by the current sample's arena */
  guint          n_keys;
  guint          key_generation;
  gint           last_key;       /* slot of the key just read, or -1 */
  guint          prev_key;       /* slot of the last key interned: keys
                                  * come in the same order sample after
                                  * sample, so its next is the guess */
  guint32        map_stamp;
  guint          until_cancel_check; /* containers to read before looking */
  KeySlot        keys[KEY_TABLE_SIZE];
};

SqMsgpackReader *
_sq_msgpack_reader_new (SqInput    *input,
                        const char *shard,
                        guint64     max_memory)
{
  SqMsgpackReader *r = g_new0 (SqMsgpackReader, 1);

  r->input = input;
  r->shard = g_strdup (shard);
  r->max_memory = max_memory;
  r->stack_cap = 64;
  r->stack = g_new (SqValue *, r->stack_cap);
  /* Makes the static values _sq_value_small_int() hands out. */
  (void) sq_value_new_nil ();
  return r;
}

void
_sq_msgpack_reader_free (SqMsgpackReader *r)
{
  if (r == NULL)
    return;
  /* The stack borrows from the arena: nothing on it holds a reference. */
  g_free (r->stack);
  g_clear_pointer (&r->arena, _sq_arena_unref);
  g_clear_pointer (&r->spare, _sq_arena_unref);
  g_clear_pointer (&r->key_arena, _sq_arena_unref);
  g_free (r->shard);
  g_free (r);
}

guint64
_sq_msgpack_reader_get_memory (SqMsgpackReader *r)
{
  return r->memory;
}

G_GNUC_PRINTF (5, 6)
static void
set_error_at (SqMsgpackReader *r,
              GError         **error,
              gint             code,
              guint64          offset,
              const char      *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SQ_DECODE_ERROR, code, "shard '%s': %s at byte %" G_GUINT64_FORMAT " (sample %u)",
               r->shard, message, offset, r->sample);
}

static inline guint64
offset_here (SqMsgpackReader *r)
{
  return _sq_input_offset_inline (r->input, r->input->pos);
}

/* The data ended inside a value: squirrel-core's reader drops such a last
 * sample without a word; Drey says so. */
static gboolean
set_truncated (SqMsgpackReader *r,
               GError         **error)
{
  g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_TRUNCATED,
               "shard '%s': truncated msgpack data: it ends at byte %" G_GUINT64_FORMAT
               " inside sample %u, which starts at byte %" G_GUINT64_FORMAT,
               r->shard, _sq_input_offset (r->input, r->input->end), r->sample, r->sample_offset);
  return FALSE;
}

static inline gboolean
check_status (SqMsgpackReader *r,
              SqInputStatus    status,
              GError         **error)
{
  if (G_LIKELY (status == SQ_INPUT_OK))
    return TRUE;
  if (status == SQ_INPUT_SHORT)
    set_truncated (r, error);
  return FALSE;
}

/* Makes n bytes readable, or says why not. */
static inline gboolean
need (SqMsgpackReader *r,
      gsize            n,
      GError         **error)
{
  return check_status (r, _sq_input_ensure (r->input, n, r->cancellable, error), error);
}

G_GNUC_NO_INLINE static gboolean
over_budget (SqMsgpackReader *r,
             GError         **error)
{
  set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset_here (r),
                "decoded values take more than %" G_GUINT64_FORMAT " bytes of memory (the limit for one shard)",
                r->max_memory);
  return FALSE;
}

static inline gboolean
charge (SqMsgpackReader *r,
        guint64          cost,
        GError         **error)
{
  r->memory += cost;
  if (G_LIKELY (r->memory <= r->max_memory))
    return TRUE;
  return over_budget (r, error);
}

static inline guint16
be16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static inline guint32
be32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_BE (v);
}

static inline guint64
be64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_BE (v);
}

G_GNUC_NO_INLINE static void
grow_stack (SqMsgpackReader *r)
{
  r->stack_cap *= 2;
  r->stack = g_renew (SqValue *, r->stack, r->stack_cap);
}

static inline void
push (SqMsgpackReader *r,
      SqValue         *value)
{
  if (G_UNLIKELY (r->stack_len == r->stack_cap))
    grow_stack (r);
  r->stack[r->stack_len++] = value;
}

/* What is on the stack is borrowed from the arena, freed with it. */
static inline void
drop_from (SqMsgpackReader *r,
           gsize            mark)
{
  r->stack_len = mark;
}

/* Containers of up to this many entries are made before their children,
 * which go straight into their slots; longer ones, whose length may be a
 * lie the data does not back, collect them on the stack first. */
#define DIRECT_MAX 15

/* Item @i of a container being read: into its slot, or onto the stack. */
static inline void
put (SqMsgpackReader *r,
     SqValue        **direct,
     gsize            i,
     SqValue         *value)
{
  if (direct != NULL)
    direct[i] = value;
  else
    push (r, value);
}

static void
new_key_generation (SqMsgpackReader *r)
{
  g_clear_pointer (&r->key_arena, _sq_arena_unref);
  r->key_arena = _sq_arena_new (4096);
  r->key_arena_kept = FALSE;
  memset (r->keys, 0, sizeof r->keys);
  r->n_keys = 0;
  r->key_generation++;
}

/* The first 16 bytes at p, zero past len: two whole loads where the
 * window has them (a short copy into a word and a load of the word would
 * stall on the store), byte copies near its end. */
static inline void
load_short (const guint8 *p,
            gsize         len,
            const guint8 *end,
            guint64      *a,
            guint64      *b)
{
  if (G_LIKELY (end - p >= 16))
    {
      memcpy (a, p, 8);
      memcpy (b, p + 8, 8);
      *a = GUINT64_FROM_LE (*a);
      *b = GUINT64_FROM_LE (*b);
      if (len < 8)
        *a &= len == 0 ? 0 : G_MAXUINT64 >> (64 - 8 * len);
      if (len < 16)
        *b &= len <= 8 ? 0 : G_MAXUINT64 >> (64 - 8 * (len - 8));
    }
  else
    {
      guint8 bytes[16] = { 0 };

      memcpy (bytes, p, MIN (len, 16));
      memcpy (a, bytes, 8);
      memcpy (b, bytes + 8, 8);
      *a = GUINT64_FROM_LE (*a);
      *b = GUINT64_FROM_LE (*b);
    }
}

/* Short ASCII text, the bulk of keys and labels, needs no validation call. */
static inline gboolean
validate_short (const guint8 *p,
                gsize         len,
                const guint8 *end,
                gsize        *bad)
{
  guint64 a, b;

  if (len <= 16)
    {
      load_short (p, len, end, &a, &b);
      if (((a | b) & G_GUINT64_CONSTANT (0x8080808080808080)) == 0)
        return TRUE;
    }
  return _sq_utf8_validate (p, len, bad);
}

/* Copies @len bytes from @p to @dest as whole words, the NUL after them
 * and zeros to the end of the last word: both have (len | 7) + 1 bytes.
 * Returns whether they are all ASCII (then they need no validation). */
static inline gboolean
copy_words (guint8       *dest,
            const guint8 *p,
            gsize         len)
{
  gsize full = len / 8;
  guint64 any = 0, w;

  for (gsize i = 0; i < full; i++)
    {
      memcpy (&w, p + 8 * i, 8);
      any |= w;
      memcpy (dest + 8 * i, &w, 8);
    }
  memcpy (&w, p + 8 * full, 8);
  w = GUINT64_FROM_LE (w);
  w &= len % 8 == 0 ? 0 : G_MAXUINT64 >> (64 - 8 * (len % 8));
  any |= w;
  w = GUINT64_TO_LE (w);
  memcpy (dest + 8 * full, &w, 8);
  return (any & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

/* Strings up to this long are copied as words when the window has them. */
#define WORD_COPY_MAX 256

static inline guint32
key_hash (guint64       prefix,
          const guint8 *p,
          gsize         len)
{
  guint64 h = (prefix ^ len) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  for (gsize i = 8; i < len; i++)
    h = (h ^ p[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return (guint32) (h >> 32);
}

/* The interned value of the key at input->pos (len bytes, readable), made
 * if it is new; NULL when the table is full or the key is not UTF-8
 * (the caller reads it the long way, and says what is wrong). */
static SqValue *
intern_key (SqMsgpackReader *r,
            gsize            len)
{
  const guint8 *p = r->input->pos;
  guint64 prefix, rest;
  guint i;

  KeySlot *slot;

  load_short (p, len, r->input->end, &prefix, &rest);
  if (r->key_arena == NULL)
    new_key_generation (r);

  /* The guess first, which spares the hash (a free slot has length 0);
   * keys of at most 16 bytes compare in two words, no memcmp(). */
  i = r->keys[r->prev_key].next;
  slot = &r->keys[i];
  if (slot->prefix == prefix && slot->rest == rest && slot->len == len &&
      (len <= 16 || memcmp (slot->key->u.str.data + 16, p + 16, len - 16) == 0))
    goto found;

  for (i = key_hash (prefix, p, len) & (KEY_TABLE_SIZE - 1);; i = (i + 1) & (KEY_TABLE_SIZE - 1))
    {
      slot = &r->keys[i];
      if (slot->key == NULL)
        break;
      if (slot->prefix == prefix && slot->rest == rest && slot->len == len &&
          (len <= 16 || memcmp (slot->key->u.str.data + 16, p + 16, len - 16) == 0))
        goto found;
    }

  if (!validate_short (p, len, r->input->end, NULL))
    return NULL;
  if (r->n_keys >= KEY_TABLE_MAX)
    {
      new_key_generation (r);
      return intern_key (r, len);
    }
  slot->key = _sq_value_new_str_inline (r->key_arena, (const char *) p, len);
  slot->prefix = prefix;
  slot->rest = rest;
  slot->len = (guint32) len;
  slot->head = len <= 16 ? 0x100 | 0xa0 | (guint32) len : 0;
  slot->mask_a = len >= 8 ? G_MAXUINT64 : G_MAXUINT64 >> (64 - 8 * len);
  slot->mask_b = len <= 8 ? 0 : len >= 16 ? G_MAXUINT64 : G_MAXUINT64 >> (64 - 8 * (len - 8));
  slot->mark = 0;
  slot->next = 0;
  r->n_keys++;

found:
  if (!r->key_arena_kept)
    {
      _sq_arena_add_cleanup (r->arena, (GDestroyNotify) _sq_arena_unref, _sq_arena_ref (r->key_arena));
      r->key_arena_kept = TRUE;
    }
  r->keys[r->prev_key].next = i;
  r->prev_key = i;
  r->last_key = (gint) i;
  r->input->pos += len;
  return slot->key;
}

/* intern_key()'s guess, inline, for the usual map key: is the fixstr of
 * at most 16 bytes at @p (with 17 bytes readable) the key that came after
 * the last key last time? Its header and two masked words say. Returns
 * its slot's index, or -1. */
static inline __attribute__ ((always_inline)) gint
guess_key (SqMsgpackReader *r,
           const guint8    *p)
{
  guint i = r->keys[r->prev_key].next;
  const KeySlot *slot = &r->keys[i];
  guint64 a, b;

  memcpy (&a, p + 1, 8);
  memcpy (&b, p + 9, 8);
  if ((p[0] | 0x100u) != slot->head || (GUINT64_FROM_LE (a) & slot->mask_a) != slot->prefix ||
      (GUINT64_FROM_LE (b) & slot->mask_b) != slot->rest)
    return -1;
  return (gint) i;
}

static gboolean read_value_full (SqMsgpackReader *r,
                                 guint            depth,
                                 gboolean         is_key,
                                 SqValue        **out,
                                 GError         **error);
static gboolean read_map        (SqMsgpackReader *r,
                                 gsize            n,
                                 guint            depth,
                                 guint64          offset,
                                 SqValue        **out,
                                 GError         **error);
static gboolean read_array      (SqMsgpackReader *r,
                                 gsize            n,
                                 guint            depth,
                                 guint64          offset,
                                 SqValue        **out,
                                 GError         **error);
static inline gboolean enter_container (SqMsgpackReader *r,
                                        guint            depth,
                                        guint64          offset,
                                        GError         **error);

/* Small ints, most items of most arrays, without a call. */
static inline gboolean
read_value (SqMsgpackReader *r,
            guint            depth,
            gboolean         is_key,
            SqValue        **out,
            GError         **error)
{
  SqInput *in = r->input;
  const guint8 *p = in->pos;

  if (G_LIKELY (p < in->end) && (*p <= 0x7f || *p >= 0xe0))
    {
      in->pos = p + 1;
      *out = _sq_value_small_int ((gint8) *p); /* 0xe0-0xff: -32 to -1 */
      return TRUE;
    }
  return read_value_full (r, depth, is_key, out, error);
}

/* An int in the arena, as _sq_value_new_int_in() makes it, without a call. */
static inline SqValue *
new_int (SqMsgpackReader *r,
         gint64           v)
{
  SqValue *value;

  if (v >= _SQ_VALUE_SMALL_INT_MIN && v <= _SQ_VALUE_SMALL_INT_MAX)
    return _sq_value_small_int ((gint) v);
  value = _sq_value_alloc_in (r->arena, SQ_VALUE_INT, 0);
  value->u.v_int = v;
  return value;
}

/* Bytes at the start of a str whose header is read, for its error. */
G_GNUC_NO_INLINE static gboolean
invalid_str (SqMsgpackReader *r,
             const guint8    *p,
             gsize            bad,
             GError         **error)
{
  set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, _sq_input_offset_inline (r->input, p) + bad,
                "str is not valid UTF-8 (squirrel-core reads str as UTF-8)");
  return FALSE;
}

/* read_value() as the loops of read_map() and read_array() call it, for
 * items: the frequent kinds inline (what read_value_full() does for them,
 * in the same order), the rest through it. */
static inline __attribute__ ((always_inline)) gboolean
read_item (SqMsgpackReader *r,
           guint            depth,
           SqValue        **out,
           GError         **error)
{
  SqInput *in = r->input;
  const guint8 *p = in->pos;
  gsize avail = (gsize) (in->end - p);
  gsize len;
  guint8 b;

  /* Nine bytes hold any of the kinds below. */
  if (G_UNLIKELY (avail < 9))
    return read_value_full (r, depth, FALSE, out, error);
  b = *p;
  if (b <= 0x7f || b >= 0xe0)
    {
      in->pos = p + 1;
      *out = _sq_value_small_int ((gint8) b);
      return TRUE;
    }
  switch (b)
    {
    case 0xa1 ... 0xbf:
      len = b & 0x1f;
      if ((len | 7) + 1 >= avail)
        break;
      in->pos = p + 1;
      if (!charge (r, _SQ_VALUE_NODE_COST + len, error))
        return FALSE;
      in->pos += len;
      {
        SqValue *value = _sq_value_alloc_in (r->arena, SQ_VALUE_STR, (len | 7) + 1);
        gsize bad;

        value->u.str.len = len;
        value->u.str.data = _sq_value_trailing (value);
        if (!copy_words ((guint8 *) value->u.str.data, p + 1, len) && !_sq_utf8_validate (p + 1, len, &bad))
          return invalid_str (r, p + 1, bad, error);
        *out = value;
        return TRUE;
      }
    case 0xcc:
      in->pos = p + 2;
      if (!charge (r, _SQ_VALUE_NODE_COST, error))
        return FALSE;
      *out = _sq_value_small_int (p[1]);
      return TRUE;
    case 0xcd:
      in->pos = p + 3;
      if (!charge (r, _SQ_VALUE_NODE_COST, error))
        return FALSE;
      *out = new_int (r, be16 (p + 1));
      return TRUE;
    case 0xcb:
      in->pos = p + 9;
      if (!charge (r, _SQ_VALUE_NODE_COST, error))
        return FALSE;
      {
        guint64 bits = be64 (p + 1);
        SqValue *value = _sq_value_alloc_in (r->arena, SQ_VALUE_FLOAT64, 0);

        memcpy (&value->u.v_double, &bits, 8);
        *out = value;
        return TRUE;
      }
    case 0x80 ... 0x8f:
      in->pos = p + 1;
      return enter_container (r, depth, _sq_input_offset_inline (in, p), error) &&
             read_map (r, b & 0x0f, depth, _sq_input_offset_inline (in, p), out, error);
    case 0x90 ... 0x9f:
      in->pos = p + 1;
      return enter_container (r, depth, _sq_input_offset_inline (in, p), error) &&
             read_array (r, b & 0x0f, depth, _sq_input_offset_inline (in, p), out, error);
    default:
      break;
    }
  return read_value_full (r, depth, FALSE, out, error);
}

static gboolean
read_str (SqMsgpackReader *r,
          gsize            len,
          gboolean         is_key,
          guint64          offset,
          SqValue        **out,
          GError         **error)
{
  SqValue *value;
  char *data;
  gsize bad;
  guint64 data_offset = offset_here (r); /* the header is read */

  if (len > SQ_MSGPACK_MAX_STR_LEN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset,
                    "str of %" G_GSIZE_FORMAT " bytes is longer than squirrel-core's reader accepts (100 MiB)", len);
      return FALSE;
    }
  if (!charge (r, _SQ_VALUE_NODE_COST + len, error))
    return FALSE;

  if (len == 0)
    {
      *out = _sq_value_new_str_in (r->arena, "", 0);
      return TRUE;
    }

  if (is_key && len <= KEY_MAX_LEN)
    {
      if (!need (r, len, error))
        return FALSE;
      if ((*out = intern_key (r, len)) != NULL)
        return TRUE;
    }

  /* Short ones straight from the window, without a call. */
  if (len <= WORD_COPY_MAX && (len | 7) + 1 <= (gsize) (r->input->end - r->input->pos))
    {
      const guint8 *p = r->input->pos;

      value = _sq_value_alloc_in (r->arena, SQ_VALUE_STR, (len | 7) + 1);
      value->u.str.len = len;
      value->u.str.data = _sq_value_trailing (value);
      if (!copy_words ((guint8 *) value->u.str.data, p, len) && !_sq_utf8_validate (p, len, &bad))
        goto invalid;
      r->input->pos += len;
      *out = value;
      return TRUE;
    }
  /* A length beyond the end of the data costs no allocation. */
  if (len > _sq_input_get_bytes_left (r->input))
    return set_truncated (r, error);
  if (len <= (gsize) (r->input->end - r->input->pos))
    {
      const guint8 *p = r->input->pos;

      if (!validate_short (p, len, r->input->end, &bad))
        goto invalid;
      r->input->pos += len;
      *out = _sq_value_new_str_inline (r->arena, (const char *) p, len);
      return TRUE;
    }
  value = _sq_value_alloc_str_in (r->arena, len, &data);
  if (!check_status (r, _sq_input_read_into (r->input, (guint8 *) data, len, r->cancellable, error), error))
    return FALSE;
  if (!_sq_utf8_validate ((const guint8 *) data, len, &bad))
    goto invalid;
  *out = value;
  return TRUE;

invalid:
  /* the byte within the string, not its header */
  set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, data_offset + bad,
                "str is not valid UTF-8 (squirrel-core reads str as UTF-8)");
  return FALSE;
}

static gboolean
read_bytes (SqMsgpackReader *r,
            gsize            len,
            guint64          offset,
            const char      *what,
            GBytes         **out,
            GError         **error)
{
  if (len > SQ_MSGPACK_MAX_STR_LEN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset,
                    "%s of %" G_GSIZE_FORMAT " bytes is longer than squirrel-core's reader accepts (100 MiB)",
                    what, len);
      return FALSE;
    }
  if (!charge (r, _SQ_VALUE_NODE_COST + len, error))
    return FALSE;
  return check_status (r, _sq_input_take (r->input, len, out, r->cancellable, error), error);
}

static char *
describe_timestamp (gint64  seconds,
                    guint32 nanoseconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  if (dt == NULL)
    return g_strdup_printf ("msgpack timestamp (%" G_GINT64_FORMAT " s, %u ns)", seconds, nanoseconds);
  {
    g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

    return g_strdup_printf ("msgpack timestamp %s.%09uZ", iso, nanoseconds);
  }
}

/**
 * _sq_msgpack_describe_ext:
 * @problem: (out): why the value is refused, when it is
 *
 * What an ext value is, for people, as msgpack-python reads it: type -1 is
 * a timestamp (refused unless it is 4, 8 or 12 bytes of a valid time).
 *
 * Returns: (transfer full) (nullable): the description, or %NULL
 */
char *
_sq_msgpack_describe_ext (gint8    type,
                          GBytes  *data,
                          char   **problem)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  gint64 seconds;
  guint32 nanoseconds;

  *problem = NULL;
  if (type != -1)
    return g_strdup_printf ("msgpack ext type %d (%" G_GSIZE_FORMAT " bytes)", type, len);

  if (len == 4)
    seconds = be32 (p), nanoseconds = 0;
  else if (len == 8)
    {
      guint64 v = be64 (p);

      nanoseconds = (guint32) (v >> 34);
      seconds = (gint64) (v & G_GUINT64_CONSTANT (0x3ffffffff));
    }
  else if (len == 12)
    nanoseconds = be32 (p), seconds = (gint64) be64 (p + 4);
  else
    {
      *problem = g_strdup_printf ("msgpack timestamp of %" G_GSIZE_FORMAT " bytes (it must be 4, 8 or 12)", len);
      return NULL;
    }
  if (nanoseconds >= 1000000000)
    {
      *problem = g_strdup_printf ("msgpack timestamp with %u nanoseconds", nanoseconds);
      return NULL;
    }
  return describe_timestamp (seconds, nanoseconds);
}

static gboolean
read_ext (SqMsgpackReader *r,
          gsize            len,
          guint64          offset,
          SqValue        **out,
          GError         **error)
{
  g_autoptr(GBytes) data = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *problem = NULL;
  gint8 type;

  if (!need (r, 1, error))
    return FALSE;
  type = (gint8) *r->input->pos++;
  if (!read_bytes (r, len, offset, "ext", &data, error))
    return FALSE;
  reason = _sq_msgpack_describe_ext (type, data, &problem);
  if (reason == NULL)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, offset, "%s", problem);
      return FALSE;
    }
  *out = _sq_value_new_opaque_in (r->arena, SQ_OPAQUE_EXT, type, data, reason);
  return TRUE;
}

static gboolean
read_array (SqMsgpackReader *r,
            gsize            n,
            guint            depth,
            guint64          offset,
            SqValue        **out,
            GError         **error)
{
  gsize mark = r->stack_len;
  SqValue *array = NULL;
  SqValue **direct = NULL;

  if (n > SQ_MSGPACK_MAX_ARRAY_LEN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset,
                    "array of %" G_GSIZE_FORMAT " items is longer than squirrel-core's reader accepts", n);
      return FALSE;
    }
  if (n > 0 && n <= DIRECT_MAX)
    {
      array = _sq_value_alloc_in (r->arena, SQ_VALUE_ARRAY, n * sizeof (SqValue *));
      direct = _sq_value_trailing (array);
    }
  /* Each item is charged as it is read: items that cost nothing
   * themselves (small ints, nil, bools) still fill a slot. */
  for (gsize i = 0; i < n; i++)
    {
      SqValue *item;

      if (!charge (r, sizeof (gpointer), error) || !read_item (r, depth + 1, &item, error))
        {
          drop_from (r, mark);
          return FALSE;
        }
      put (r, direct, i, item);
    }
  if (!charge (r, _SQ_VALUE_NODE_COST, error))
    {
      drop_from (r, mark);
      return FALSE;
    }
  if (direct != NULL)
    {
      array->u.list.n = n;
      array->u.list.items = direct;
      *out = array;
      return TRUE;
    }
  *out = _sq_value_new_array_in (r->arena, r->stack + mark, n);
  r->stack_len = mark;
  return TRUE;
}

static SqValue *
lookup_bin (SqValue    *map,
            const char *key)
{
  gsize key_len = strlen (key);

  for (gsize i = 0; i < sq_value_get_length (map); i++)
    {
      SqValue *k = sq_value_get_key (map, i);
      gsize len;
      const guint8 *data;

      if (sq_value_get_value_type (k) != SQ_VALUE_BIN)
        continue;
      data = g_bytes_get_data (sq_value_get_bin (k), &len);
      if (len == key_len && memcmp (data, key, len) == 0)
        return sq_value_get_item (map, i);
    }
  return NULL;
}

static gboolean
is_bin_text (SqValue    *value,
             const char *text)
{
  gsize len;
  const guint8 *data;

  if (sq_value_get_value_type (value) != SQ_VALUE_BIN)
    return FALSE;
  data = g_bytes_get_data (sq_value_get_bin (value), &len);
  return len == strlen (text) && memcmp (data, text, len) == 0;
}

/* msgpack-numpy's `type`: a dtype.str (str, or bin in old data), or a
 * descr list for structured dtypes. */
static SqDtype *
parse_dtype (SqMsgpackReader *r,
             SqValue         *type,
             const char      *what,
             guint64          offset,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  SqDtype *dtype = _sq_dtype_new_from_value (type, &local_error);

  if (dtype == NULL)
    set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "%s: %s", what, local_error->message);
  return dtype;
}

static gboolean
parse_shape (SqMsgpackReader *r,
             SqValue         *shape,
             guint64          offset,
             guint           *ndim,
             guint64         *dims,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 lengths[SQ_NDARRAY_MAX_DIMS];

  if (!_sq_shape_from_value (shape, FALSE, ndim, lengths, &local_error))
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "ndarray: %s", local_error->message);
      return FALSE;
    }
  for (guint i = 0; i < *ndim; i++)
    dims[i] = (guint64) lengths[i];
  return TRUE;
}

static gboolean
decode_ndarray (SqMsgpackReader *r,
                SqValue         *map,
                guint64          offset,
                SqValue        **out,
                GError         **error)
{
  SqValue *kind = lookup_bin (map, "kind");
  SqValue *type = lookup_bin (map, "type");
  SqValue *data = lookup_bin (map, "data");
  SqValue *shape;
  g_autoptr(SqDtype) dtype = NULL;
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 dims[SQ_NDARRAY_MAX_DIMS];
  guint ndim = 0;

  /* Where msgpack-numpy's decode raises KeyError, the map stays a map. */
  if (kind != NULL && is_bin_text (kind, "O"))
    {
      g_autofree char *reason = NULL;

      if (data == NULL)
        return TRUE;
      if (sq_value_get_value_type (data) != SQ_VALUE_BIN)
        {
          set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "object array: data is %s, not a pickle",
                        _sq_value_type_phrase (data));
          return FALSE;
        }
      reason = g_strdup_printf ("pickled object array (%" G_GSIZE_FORMAT " bytes); never unpickled",
                                g_bytes_get_size (sq_value_get_bin (data)));
      *out = _sq_value_new_opaque_in (r->arena, SQ_OPAQUE_PICKLE, 0, sq_value_get_bin (data), reason);
      return TRUE;
    }
  if (type == NULL || data == NULL)
    return TRUE;

  /* msgpack-numpy reads the fields of a structured dtype from a list;
   * anything else fails there. */
  if (kind != NULL && is_bin_text (kind, "V") && sq_value_get_value_type (type) != SQ_VALUE_ARRAY)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset,
                    "ndarray: kind \"V\" (structured) needs a list of fields as its type, not %s", _sq_value_type_phrase (type));
      return FALSE;
    }
  dtype = parse_dtype (r, type, "ndarray", offset, error);
  if (dtype == NULL)
    return FALSE;
  shape = lookup_bin (map, "shape");
  if (shape == NULL)
    return TRUE;

  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset,
                    "ndarray: an object dtype needs kind \"O\" and a pickle");
      return FALSE;
    }
  if (sq_value_get_value_type (data) != SQ_VALUE_BIN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "ndarray: data is %s, not bytes", _sq_value_type_phrase (data));
      return FALSE;
    }
  if (!parse_shape (r, shape, offset, &ndim, dims, error))
    return FALSE;

  array = sq_ndarray_new (dtype, ndim, dims, sq_value_get_bin (data), &local_error);
  if (array == NULL)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "ndarray: %s", local_error->message);
      return FALSE;
    }
  *out = _sq_value_new_ndarray_in (r->arena, array);
  return TRUE;
}

static gboolean
decode_scalar (SqMsgpackReader *r,
               SqValue         *map,
               guint64          offset,
               SqValue        **out,
               GError         **error)
{
  SqValue *type = lookup_bin (map, "type");
  SqValue *data;
  g_autoptr(SqDtype) dtype = NULL;
  gsize size, itemsize;
  const guint8 *bytes;

  if (type == NULL || (data = lookup_bin (map, "data")) == NULL)
    return TRUE;
  dtype = parse_dtype (r, type, "numpy scalar", offset, error);
  if (dtype == NULL)
    return FALSE;
  if (sq_value_get_value_type (data) != SQ_VALUE_BIN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset, "numpy scalar: data is %s, not bytes",
                    _sq_value_type_phrase (data));
      return FALSE;
    }
  itemsize = sq_dtype_get_itemsize (dtype);
  bytes = g_bytes_get_data (sq_value_get_bin (data), &size);
  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_OBJECT || itemsize == 0 || size == 0 || size % itemsize != 0)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_ARRAY, offset,
                    "numpy scalar: %" G_GSIZE_FORMAT " bytes of data do not hold a %s",
                    size, sq_dtype_get_type_string (dtype));
      return FALSE;
    }
  /* np.frombuffer(data, dtype)[0]: the first element. */
  *out = _sq_value_new_scalar_in (r->arena, dtype, bytes);
  return TRUE;
}

static gboolean
decode_complex (SqMsgpackReader *r,
                SqValue         *map,
                guint64          offset,
                SqValue        **out,
                GError         **error)
{
  SqValue *data = lookup_bin (map, "data");
  const char *text = NULL;
  g_autofree char *owned = NULL;
  gsize len = 0;
  double re, im;

  if (data == NULL)
    return TRUE;
  switch (sq_value_get_value_type (data))
    {
    case SQ_VALUE_STR:
      text = sq_value_get_str (data, &len);
      break;
    case SQ_VALUE_BIN:
      text = g_bytes_get_data (sq_value_get_bin (data), &len);
      /* an empty bin has no data pointer: its text is "" */
      if (len == 0)
        text = "";
      else if (!_sq_utf8_validate ((const guint8 *) text, len, NULL))
        text = NULL;
      break;
    case SQ_VALUE_INT:
      text = owned = g_strdup_printf ("%" G_GINT64_FORMAT, sq_value_get_int (data));
      len = strlen (text);
      break;
    default:
      break;
    }
  if (text == NULL || !_sq_parse_complex (text, len, &re, &im))
    {
      set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, offset, "complex: data is not a complex number");
      return FALSE;
    }
  *out = _sq_value_new_complex_in (r->arena, re, im, sq_value_get_value_type (data) == SQ_VALUE_STR ? text : NULL);
  return TRUE;
}

/* msgpack_numpy.decode, applied to every map as the object_hook is. On
 * success *out is the map itself or what it stands for. */
static gboolean
numpy_hook (SqMsgpackReader *r,
            guint64          offset,
            SqValue        **out,
            GError         **error)
{
  SqValue *map = *out;
  SqValue *nd;
  SqValue *decoded = NULL;
  gboolean ok;

  nd = lookup_bin (map, "nd");
  if (nd != NULL)
    {
      if (sq_value_get_value_type (nd) == SQ_VALUE_BOOL && sq_value_get_bool (nd))
        ok = decode_ndarray (r, map, offset, &decoded, error);
      else
        ok = decode_scalar (r, map, offset, &decoded, error);
    }
  else if (lookup_bin (map, "complex") != NULL)
    ok = decode_complex (r, map, offset, &decoded, error);
  else
    return TRUE;

  /* The map stays in the arena, unused, until the sample goes. */
  if (ok && decoded != NULL)
    *out = decoded;
  return ok;
}

static gboolean
read_map (SqMsgpackReader *r,
          gsize            n,
          guint            depth,
          guint64          offset,
          SqValue        **out,
          GError         **error)
{
  gsize mark = r->stack_len;
  guint16 slots[MAP_FAST_DEDUP_MAX];
  gboolean interned = n <= MAP_FAST_DEDUP_MAX;
  guint generation = r->key_generation;
  gboolean any_bin = FALSE;
  SqValue *map = NULL;
  SqValue **direct = NULL;

  if (n > SQ_MSGPACK_MAX_MAP_LEN)
    {
      set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset,
                    "map of %" G_GSIZE_FORMAT " entries is larger than squirrel-core's reader accepts", n);
      return FALSE;
    }
  if (n > 0 && n <= DIRECT_MAX)
    {
      map = _sq_value_alloc_in (r->arena, SQ_VALUE_MAP, 2 * n * sizeof (SqValue *));
      direct = _sq_value_trailing (map);
    }
  for (gsize i = 0; i < n; i++)
    {
      SqValue *key, *value;
      guint64 key_offset;
      const guint8 *p;
      gsize len;
      gint guessed;

      /* The usual key first: the one that came next last time, read as a
       * whole (kept: this sample holds the key arena already). */
      p = r->input->pos;
      if (G_LIKELY (r->input->end - p > 16 && r->key_arena_kept) && (guessed = guess_key (r, p)) >= 0)
        {
          KeySlot *slot = &r->keys[guessed];

          r->input->pos = p + 1;
          if (!charge (r, _SQ_VALUE_NODE_COST + slot->len, error))
            goto fail;
          r->input->pos = p + 1 + slot->len;
          r->prev_key = (guint) guessed;
          key = slot->key;
          if (interned)
            slots[i] = (guint16) guessed;
        }
      else
        {
          if (!need (r, 1, error))
            goto fail;
          key_offset = offset_here (r);
          r->last_key = -1;
          p = r->input->pos;
          len = *p & 0x1f;
          /* A short fixstr in the window goes straight to the table; one
           * that is not valid UTF-8 is read the long way, which says what
           * is wrong. */
          if ((*p & 0xe0) == 0xa0 && len > 0 && (gsize) (r->input->end - p) > len)
            {
              r->input->pos = p + 1;
              if (!charge (r, _SQ_VALUE_NODE_COST + len, error))
                goto fail;
              key = intern_key (r, len);
              if (G_UNLIKELY (key == NULL))
                {
                  r->memory -= _SQ_VALUE_NODE_COST + len;
                  r->input->pos = p;
                  if (!read_value (r, depth + 1, TRUE, &key, error))
                    goto fail;
                }
            }
          else if (!read_value (r, depth + 1, TRUE, &key, error))
            goto fail;
          if (_sq_value_type (key) == SQ_VALUE_BIN)
            any_bin = TRUE;
          else if (_sq_value_type (key) != SQ_VALUE_STR)
            {
              set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, key_offset,
                            "map key is %s; squirrel-core reads only str and bin keys", _sq_value_type_phrase (key));
              goto fail;
            }
          if (interned)
            {
              if (r->last_key < 0)
                interned = FALSE;
              else
                slots[i] = (guint16) r->last_key;
            }
        }
      put (r, direct, 2 * i, key);
      if (!read_item (r, depth + 1, &value, error))
        goto fail;
      put (r, direct, 2 * i + 1, value);
    }
  if (!charge (r, _SQ_VALUE_NODE_COST + 2 * n * sizeof (gpointer), error))
    goto fail;
  /* Interned keys of one generation are equal only if they are the same
   * slot: a repeat shows as a slot already marked for this map. */
  if (interned && generation == r->key_generation)
    {
      if (++r->map_stamp == 0)
        {
          for (guint k = 0; k < KEY_TABLE_SIZE; k++)
            r->keys[k].mark = 0;
          r->map_stamp = 1;
        }
      for (gsize i = 0; i < n && interned; i++)
        {
          KeySlot *slot = &r->keys[slots[i]];

          if (slot->mark == r->map_stamp)
            interned = FALSE;
          slot->mark = r->map_stamp;
        }
    }
  else
    interned = FALSE;
  if (direct != NULL)
    {
      map->u.list.n = interned ? n : _sq_value_dedup_entries_in (direct, n);
      map->u.list.items = direct;
      *out = map;
    }
  else
    {
      *out = _sq_value_new_map_in (r->arena, r->stack + mark, n, interned);
      r->stack_len = mark;
    }
  /* Plain maps have str keys: only maps with a bin key can be special. */
  return !any_bin || numpy_hook (r, offset, out, error);

fail:
  drop_from (r, mark);
  return FALSE;
}

G_GNUC_NO_INLINE static gboolean
too_deep (SqMsgpackReader *r,
          guint64          offset,
          GError         **error)
{
  set_error_at (r, error, SQ_DECODE_ERROR_LIMIT, offset,
                "containers nested deeper than %d levels (squirrel-core's reader stops there)",
                SQ_MSGPACK_MAX_DEPTH);
  return FALSE;
}

/* What every container passes before its items are read: the nesting
 * limit, and cancellation. */
static inline gboolean
enter_container (SqMsgpackReader *r,
                 guint            depth,
                 guint64          offset,
                 GError         **error)
{
  if (G_UNLIKELY (depth >= SQ_MSGPACK_MAX_DEPTH))
    return too_deep (r, offset, error);
  /* Each sample is checked as it starts; within one, every so many
   * containers (the call costs more than a small one takes to read). */
  if (G_UNLIKELY (r->until_cancel_check-- == 0))
    {
      r->until_cancel_check = CANCEL_CHECK_EVERY;
      if (r->cancellable != NULL && g_cancellable_set_error_if_cancelled (r->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

G_GNUC_NO_INLINE static gboolean
read_container (SqMsgpackReader *r,
                guint8           b,
                guint            depth,
                guint64          offset,
                SqValue        **out,
                GError         **error)
{
  SqInput *in = r->input;
  const guint8 *p;
  gsize n;

  if (!enter_container (r, depth, offset, error))
    return FALSE;
  if ((b & 0xf0) == 0x80)
    return read_map (r, b & 0x0f, depth, offset, out, error);
  if ((b & 0xf0) == 0x90)
    return read_array (r, b & 0x0f, depth, offset, out, error);
  if (!need (r, b == 0xdc || b == 0xde ? 2 : 4, error))
    return FALSE;
  p = in->pos;
  n = b == 0xdc || b == 0xde ? be16 (p) : be32 (p);
  in->pos += b == 0xdc || b == 0xde ? 2 : 4;
  if (b == 0xdc || b == 0xdd)
    return read_array (r, n, depth, offset, out, error);
  return read_map (r, n, depth, offset, out, error);
}

/* One switch on the first byte (a jump table), the frequent kinds made
 * inline. */
G_GNUC_NO_INLINE static gboolean
read_value_full (SqMsgpackReader *r,
            guint            depth,
            gboolean         is_key,
            SqValue        **out,
            GError         **error)
{
  SqInput *in = r->input;
  guint64 offset;
  const guint8 *p;
  guint8 b;
  gsize n;

  if (!need (r, 1, error))
    return FALSE;
  p = in->pos;
  b = *p;
  offset = _sq_input_offset_inline (in, p);
  in->pos = p + 1;

  switch (b)
    {
    case 0x00 ... 0x7f:
      *out = _sq_value_small_int (b);
      return TRUE;
    case 0xe0 ... 0xff:
      *out = _sq_value_small_int ((gint8) b);
      return TRUE;
    case 0xa0 ... 0xbf:
      return read_str (r, b & 0x1f, is_key, offset, out, error);
    case 0x80 ... 0x9f:
    case 0xdc ... 0xdf:
      return read_container (r, b, depth, offset, out, error);

    /* (charged once read: a limit error names the byte after it) */
    case 0xcc:
      if (!need (r, 1, error))
        return FALSE;
      b = *in->pos++;
      if (!charge (r, _SQ_VALUE_NODE_COST, error))
        return FALSE;
      *out = _sq_value_small_int (b);
      return TRUE;
    case 0xcd:
      if (!need (r, 2, error))
        return FALSE;
      n = be16 (in->pos);
      in->pos += 2;
      if (!charge (r, _SQ_VALUE_NODE_COST, error))
        return FALSE;
      *out = new_int (r, (gint64) n);
      return TRUE;
    case 0xcb:
      if (!need (r, 8, error))
        return FALSE;
      {
        guint64 bits = be64 (in->pos);
        SqValue *value;

        in->pos += 8;
        if (!charge (r, _SQ_VALUE_NODE_COST, error))
          return FALSE;
        value = _sq_value_alloc_in (r->arena, SQ_VALUE_FLOAT64, 0);
        memcpy (&value->u.v_double, &bits, 8);
        *out = value;
        return TRUE;
      }

    case 0xc0:
      *out = sq_value_new_nil ();
      return TRUE;
    case 0xc2:
    case 0xc3:
      *out = sq_value_new_bool (b == 0xc3);
      return TRUE;

    case 0xc4: case 0xc5: case 0xc6:
      {
        gsize size = (gsize) 1 << (b - 0xc4);
        GBytes *bytes;

        if (!need (r, size, error))
          return FALSE;
        p = in->pos;
        n = size == 1 ? p[0] : size == 2 ? be16 (p) : be32 (p);
        in->pos += size;
        if (!read_bytes (r, n, offset, "bin", &bytes, error))
          return FALSE;
        *out = _sq_value_new_bin_in (r->arena, bytes);
        g_bytes_unref (bytes);
        return TRUE;
      }

    case 0xc7: case 0xc8: case 0xc9:
      {
        gsize size = (gsize) 1 << (b - 0xc7);

        if (!need (r, size, error))
          return FALSE;
        p = in->pos;
        n = size == 1 ? p[0] : size == 2 ? be16 (p) : be32 (p);
        in->pos += size;
        return read_ext (r, n, offset, out, error);
      }
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
      return read_ext (r, (gsize) 1 << (b - 0xd4), offset, out, error);

    case 0xca:
      if (!need (r, 4, error))
        return FALSE;
      {
        guint32 bits = be32 (in->pos);

        in->pos += 4;
        if (!charge (r, _SQ_VALUE_NODE_COST, error))
          return FALSE;
        *out = _sq_value_new_float32_bits_in (r->arena, bits);
        return TRUE;
      }
    case 0xce: case 0xcf:
      {
        gsize size = (gsize) 1 << (b - 0xcc);
        guint64 v;

        if (!need (r, size, error))
          return FALSE;
        p = in->pos;
        v = size == 1 ? p[0] : size == 2 ? be16 (p) : size == 4 ? be32 (p) : be64 (p);
        in->pos += size;
        if (!charge (r, _SQ_VALUE_NODE_COST, error))
          return FALSE;
        *out = _sq_value_new_uint_in (r->arena, v);
        return TRUE;
      }
    case 0xd0: case 0xd1: case 0xd2: case 0xd3:
      {
        gsize size = (gsize) 1 << (b - 0xd0);
        gint64 v;

        if (!need (r, size, error))
          return FALSE;
        p = in->pos;
        v = size == 1 ? (gint8) p[0] : size == 2 ? (gint16) be16 (p) : size == 4 ? (gint32) be32 (p) : (gint64) be64 (p);
        in->pos += size;
        if (!charge (r, _SQ_VALUE_NODE_COST, error))
          return FALSE;
        *out = _sq_value_new_int_in (r->arena, v);
        return TRUE;
      }

    case 0xd9: case 0xda: case 0xdb:
      {
        gsize size = (gsize) 1 << (b - 0xd9);

        if (!need (r, size, error))
          return FALSE;
        p = in->pos;
        n = size == 1 ? p[0] : size == 2 ? be16 (p) : be32 (p);
        in->pos += size;
        return read_str (r, n, is_key, offset, out, error);
      }

    case 0xc1:
    default:
      set_error_at (r, error, SQ_DECODE_ERROR_MALFORMED, offset, "invalid msgpack byte 0x%02x", b);
      return FALSE;
    }
}

/* read_value() for a sample: the usual one, a fixmap, without the
 * dispatch. */
static inline gboolean
read_sample (SqMsgpackReader *r,
             SqValue        **out,
             GError         **error)
{
  const guint8 *p = r->input->pos;

  if ((*p & 0xf0) != 0x80)
    return read_value (r, 0, FALSE, out, error);
  r->input->pos = p + 1;
  return enter_container (r, 0, r->sample_offset, error) && read_map (r, *p & 0x0f, 0, r->sample_offset, out, error);
}

/* Does @arena's first cleanup keep the current key arena? */
static gboolean
holds_key_arena (SqMsgpackReader *r,
                 SqArena         *arena)
{
  return r->key_arena != NULL && arena->n_cleanups > 0 &&
         arena->cleanups[0].func == (GDestroyNotify) _sq_arena_unref && arena->cleanups[0].data == r->key_arena;
}

/* Makes the current arena, new or just reset, hold the key arena. */
static void
keep_key_arena (SqMsgpackReader *r)
{
  r->key_arena_kept = holds_key_arena (r, r->arena);
  if (!r->key_arena_kept && r->key_arena != NULL && r->arena->n_cleanups == 0)
    {
      _sq_arena_add_cleanup (r->arena, (GDestroyNotify) _sq_arena_unref, _sq_arena_ref (r->key_arena));
      r->key_arena_kept = TRUE;
    }
}

/* The arena of the sample to read: the last one's again if its caller
 * has dropped it (a reader that checks or scans a shard does, sample by
 * sample), else a new one. Either holds the key arena from the start, so
 * the keys of its maps need no registering. */
static void
start_arena (SqMsgpackReader *r)
{
  if (r->spare != NULL && _sq_arena_reset (r->spare, holds_key_arena (r, r->spare) ? 1 : 0))
    r->arena = g_steal_pointer (&r->spare);
  else
    {
      g_clear_pointer (&r->spare, _sq_arena_unref);
      /* Sized like the last sample's: samples of a shard look alike. */
      r->arena = _sq_arena_new (r->last_used + r->last_used / 8 + 64);
    }
  keep_key_arena (r);
}

/**
 * _sq_msgpack_reader_next:
 *
 * Returns: (transfer full) (nullable): the next sample, or %NULL: at the end
 *   of the shard (@error unset) or on error
 */
SqValue *
_sq_msgpack_reader_next (SqMsgpackReader *r,
                         GCancellable    *cancellable,
                         GError         **error)
{
  SqValue *sample = NULL;

  r->cancellable = cancellable;
  switch (_sq_input_ensure (r->input, 1, cancellable, error))
    {
    case SQ_INPUT_SHORT:
      return NULL;
    case SQ_INPUT_ERROR:
      return NULL;
    case SQ_INPUT_OK:
    default:
      break;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  r->sample_offset = offset_here (r);
  if (r->arena == NULL)
    start_arena (r);
  if (!charge (r, sizeof (gpointer), error) || !read_sample (r, &sample, error))
    {
      drop_from (r, 0);
      g_clear_pointer (&r->arena, _sq_arena_unref);
      return NULL;
    }
  r->sample++;
  /* The arena's reference becomes the sample's, and the reader keeps one
   * to get it back (start_arena()); a static sample (None, a small int)
   * leaves the arena to the next one. */
  if (_sq_value_is_in_arena (sample))
    {
      r->last_used = _sq_arena_get_used (r->arena);
      r->spare = _sq_arena_ref_unshared (g_steal_pointer (&r->arena));
    }
  else if (_sq_arena_reset (r->arena, holds_key_arena (r, r->arena) ? 1 : 0))
    keep_key_arena (r);
  else
    g_clear_pointer (&r->arena, _sq_arena_unref);
  return sample;
}
