/* sq-arena-private.h: one allocation, one reference count, for many
 * small objects that live and die together
 *
 * A decoded sample is tens of values; allocated one by one, malloc, free
 * and their reference counts cost more than parsing them. An arena hands
 * out memory by bumping a pointer through chunks it owns, and frees it
 * all at once when its last reference goes. What its objects hold outside
 * it (a GBytes, an ndarray, another arena) it releases then too, through
 * the cleanups registered with it. The count is atomic: what a worker
 * decodes, the main thread may keep.
 *
 * An object finds its arena from its own address and a 32-bit offset,
 * given by _sq_arena_alloc(), to the start of the chunk it is in (in units
 * of 8 bytes: chunks are at most 32 GiB).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SqArena      SqArena;
typedef struct _SqArenaChunk SqArenaChunk;

struct _SqArenaChunk
{
  SqArena      *arena;
  SqArenaChunk *next;
};

typedef struct
{
  GDestroyNotify func;
  gpointer       data;
} SqArenaCleanup;

#define SQ_ARENA_INLINE_CLEANUPS 4

struct _SqArena
{
  gint            ref_count;
  guint           n_cleanups;
  guint8         *pos;       /* free space in the current chunk */
  guint8         *end;
  SqArenaChunk   *chunks;    /* the current one first */
  gsize           next_size; /* of the next chunk */
  gsize           used;      /* bytes handed out */
  SqArenaCleanup *cleanups;  /* inline ones first, then more_cleanups */
  guint           cleanups_cap;
  SqArenaCleanup  inline_cleanups[SQ_ARENA_INLINE_CLEANUPS];
};

SqArena  *_sq_arena_new          (gsize           first_chunk);
SqArena  *_sq_arena_ref          (SqArena        *arena);
SqArena  *_sq_arena_ref_unshared (SqArena        *arena);
void      _sq_arena_unref        (SqArena        *arena);
gpointer  _sq_arena_alloc_slow   (SqArena        *arena,
                                  gsize           size,
                                  guint32        *chunk_offset);
void      _sq_arena_add_cleanup  (SqArena        *arena,
                                  GDestroyNotify  func,
                                  gpointer        data);
gboolean  _sq_arena_reset        (SqArena        *arena,
                                  guint           keep_cleanups);

/* Bytes handed out so far: for sizing the next arena like this one. */
static inline gsize
_sq_arena_get_used (const SqArena *arena)
{
  return arena->used;
}

static inline gboolean
_sq_arena_is_empty (const SqArena *arena)
{
  return arena->used == 0 && arena->n_cleanups == 0;
}

/* @size bytes, 8-aligned, and the offset that leads back to the arena. */
static inline gpointer
_sq_arena_alloc (SqArena *arena,
                 gsize    size,
                 guint32 *chunk_offset)
{
  guint8 *p = arena->pos;

  size = (size + 7) & ~(gsize) 7;
  if (G_LIKELY ((gsize) (arena->end - p) >= size))
    {
      arena->pos = p + size;
      arena->used += size;
      *chunk_offset = (guint32) ((gsize) (p - (guint8 *) arena->chunks) / 8);
      return p;
    }
  return _sq_arena_alloc_slow (arena, size, chunk_offset);
}

static inline SqArena *
_sq_arena_of (gconstpointer object,
              guint32       chunk_offset)
{
  return ((const SqArenaChunk *) ((const guint8 *) object - (gsize) chunk_offset * 8))->arena;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqArena, _sq_arena_unref)

G_END_DECLS
