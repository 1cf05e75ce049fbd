/* sq-arena.c: chunks of memory freed together (sq-arena-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-arena"

#include "config.h"

#include <string.h>

#include "sq-arena-private.h"

#define HEADER_SIZE ((sizeof (SqArenaChunk) + 7) & ~(gsize) 7)
#define ARENA_SIZE  ((sizeof (SqArena) + 7) & ~(gsize) 7)
#define MIN_CHUNK   256
/* Chunks grow by doubling up to this; a larger object gets a chunk of
 * its own, so a big string wastes nothing. */
#define MAX_CHUNK   (1024 * 1024)

/**
 * _sq_arena_new:
 * @first_chunk: bytes to have room for before a second chunk is needed
 *   (a guess: the size of the last arena of this kind)
 *
 * Returns: (transfer full): an arena with one reference
 */
SqArena *
_sq_arena_new (gsize first_chunk)
{
  gsize size = CLAMP (first_chunk, MIN_CHUNK, MAX_CHUNK);
  SqArenaChunk *chunk = g_malloc (HEADER_SIZE + ARENA_SIZE + size);
  SqArena *arena = (SqArena *) ((guint8 *) chunk + HEADER_SIZE);

  chunk->arena = arena;
  chunk->next = NULL;
  arena->ref_count = 1;
  arena->n_cleanups = 0;
  arena->chunks = chunk;
  arena->pos = (guint8 *) arena + ARENA_SIZE;
  arena->end = arena->pos + size;
  arena->next_size = MIN (2 * size, (gsize) MAX_CHUNK);
  arena->used = 0;
  arena->cleanups = arena->inline_cleanups;
  arena->cleanups_cap = SQ_ARENA_INLINE_CLEANUPS;
  return arena;
}

SqArena *
_sq_arena_ref (SqArena *arena)
{
  g_atomic_int_inc (&arena->ref_count);
  return arena;
}

/* Runs the cleanups registered after the first @keep, last first: what
 * was made later may point into what was made before. */
static void
run_cleanups (SqArena *arena,
              guint    keep)
{
  for (guint i = arena->n_cleanups; i > keep; i--)
    arena->cleanups[i - 1].func (arena->cleanups[i - 1].data);
  arena->n_cleanups = keep;
}

/* A second reference to an arena no other thread has seen yet (whatever
 * hands it over orders this before their use of it): no atomic
 * instruction, which costs as much as the rest of a small sample's
 * bookkeeping. */
SqArena *
_sq_arena_ref_unshared (SqArena *arena)
{
  arena->ref_count++;
  return arena;
}

void
_sq_arena_unref (SqArena *arena)
{
  SqArenaChunk *chunk, *first = NULL;

  if (arena == NULL || !g_atomic_int_dec_and_test (&arena->ref_count))
    return;

  run_cleanups (arena, 0);
  if (arena->cleanups != arena->inline_cleanups)
    g_free (arena->cleanups);

  /* The arena itself lives in its first chunk, the last in the list. */
  chunk = arena->chunks;
  while (chunk != NULL)
    {
      SqArenaChunk *next = chunk->next;

      if ((guint8 *) chunk + HEADER_SIZE == (guint8 *) arena)
        first = chunk;
      else
        g_free (chunk);
      chunk = next;
    }
  g_free (first);
}

/**
 * _sq_arena_reset:
 * @keep_cleanups: how many of the first cleanups to keep (they must not
 *   point into the arena)
 *
 * Empties an arena of one chunk that only the caller holds, for the next
 * lot of objects: a reader that hands out one arena per sample and gets
 * it back spares a malloc() and a free() per sample, and its memory stays
 * in the cache. The caller's reference is the only one: nothing can see
 * the objects that go.
 *
 * Returns: %FALSE (and leaves the arena as it was) if it has several
 *   chunks or other references
 */
gboolean
_sq_arena_reset (SqArena *arena,
                 guint    keep_cleanups)
{
  g_assert (keep_cleanups <= arena->n_cleanups);

  /* (a count of 1 read here is final: a new reference needs an old one) */
  if (g_atomic_int_get (&arena->ref_count) != 1 || arena->chunks->next != NULL)
    return FALSE;
  run_cleanups (arena, keep_cleanups);
  arena->used = 0;
  arena->pos = (guint8 *) arena + ARENA_SIZE;
  return TRUE;
}

gpointer
_sq_arena_alloc_slow (SqArena *arena,
                      gsize    size,
                      guint32 *chunk_offset)
{
  SqArenaChunk *chunk;
  guint8 *p;

  g_assert (size <= G_MAXSIZE - HEADER_SIZE && size / 8 < G_MAXUINT32);

  if (size > arena->next_size / 2)
    {
      /* A chunk of its own, behind the current one, which keeps its room. */
      chunk = g_malloc (HEADER_SIZE + size);
      chunk->arena = arena;
      chunk->next = arena->chunks->next;
      arena->chunks->next = chunk;
      arena->used += size;
      *chunk_offset = HEADER_SIZE / 8;
      return (guint8 *) chunk + HEADER_SIZE;
    }

  chunk = g_malloc (HEADER_SIZE + arena->next_size);
  chunk->arena = arena;
  chunk->next = arena->chunks;
  arena->chunks = chunk;
  p = (guint8 *) chunk + HEADER_SIZE;
  arena->pos = p + size;
  arena->end = p + arena->next_size;
  arena->next_size = MIN (2 * arena->next_size, (gsize) MAX_CHUNK);
  arena->used += size;
  *chunk_offset = HEADER_SIZE / 8;
  return p;
}

/* @func (@data) runs when the arena is freed: for what its objects hold
 * outside it. */
void
_sq_arena_add_cleanup (SqArena        *arena,
                       GDestroyNotify  func,
                       gpointer        data)
{
  if (arena->n_cleanups == arena->cleanups_cap)
    {
      guint cap = 2 * arena->cleanups_cap;

      if (arena->cleanups == arena->inline_cleanups)
        {
          arena->cleanups = g_new (SqArenaCleanup, cap);
          memcpy (arena->cleanups, arena->inline_cleanups, sizeof arena->inline_cleanups);
        }
      else
        arena->cleanups = g_renew (SqArenaCleanup, arena->cleanups, cap);
      arena->cleanups_cap = cap;
    }
  arena->cleanups[arena->n_cleanups++] = (SqArenaCleanup) { func, data };
}
