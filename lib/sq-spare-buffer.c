/* sq-spare-buffer.c: the buffer of a big value of a streamed shard, taken
 * back when the value is dropped, for the next big value
 * (sq-spare-buffer-private.h)
 *
 * A value too big for a slab gets memory of its own. A reader that drops
 * each value before the next (check, a scan) then had the kernel map,
 * fault in and zero fresh pages for every one and unmap them after: a
 * fifth of the CPU of decoding a shard of 4 MiB arrays. The buffer of a
 * dropped value now waits here, one at a time, for the next value of
 * about its size; a value kept is never touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-input"

#include "config.h"

#include "sq-memory-private.h"
#include "sq-spare-buffer-private.h"

struct _SqSpareBuffer
{
  gint      ref_count;  /* the reader's, and one per buffer a value holds */
  GMutex    lock;
  gboolean  open;       /* the reader may still take the idle buffer */
  guint8   *idle;       /* a buffer no value holds, or NULL */
  gsize     idle_size;
};

/* A buffer a value holds. */
typedef struct
{
  SqSpareBuffer *owner;
  guint8        *data;
  gsize          size;  /* as allocated */
} Lent;

SqSpareBuffer *
_sq_spare_buffer_new (void)
{
  SqSpareBuffer *self = g_new0 (SqSpareBuffer, 1);

  self->ref_count = 1;
  self->open = TRUE;
  g_mutex_init (&self->lock);
  return self;
}

static void
spare_buffer_unref (SqSpareBuffer *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* The reader is done: what is idle goes, and what values hold goes with
 * them. */
void
_sq_spare_buffer_close (SqSpareBuffer *self)
{
  guint8 *idle;

  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->open = FALSE;
  idle = g_steal_pointer (&self->idle);
  g_mutex_unlock (&self->lock);
  g_free (idle);
  spare_buffer_unref (self);
}

/* From any thread: the value that held @data is gone. */
static void
give_back (gpointer data)
{
  Lent *lent = data;
  SqSpareBuffer *self = lent->owner;

  g_mutex_lock (&self->lock);
  if (self->open && self->idle == NULL)
    {
      self->idle = g_steal_pointer (&lent->data);
      self->idle_size = lent->size;
    }
  g_mutex_unlock (&self->lock);
  g_free (lent->data);
  g_free (lent);
  spare_buffer_unref (self);
}

/**
 * _sq_spare_buffer_take:
 * @data: (out): where the value's @n bytes go
 *
 * Memory for a big value (at least SQ_BIG_ALLOC_MIN bytes): the idle
 * buffer if it holds @n bytes and not more than twice that, else a new
 * one (an idle one that does not fit is let go).
 *
 * Returns: (transfer full) (nullable): the value's bytes, or %NULL when
 *   out of memory
 */
GBytes *
_sq_spare_buffer_take (SqSpareBuffer  *self,
                       gsize           n,
                       guint8        **data)
{
  gsize size = (n + SQ_HUGE_PAGE_SIZE - 1) & ~(SQ_HUGE_PAGE_SIZE - 1);
  guint8 *buf = NULL, *unfit = NULL;
  Lent *lent;

  g_return_val_if_fail (n >= SQ_BIG_ALLOC_MIN, NULL);

  if (size < n)
    return NULL;
  g_mutex_lock (&self->lock);
  if (self->idle != NULL && self->idle_size >= size && self->idle_size / 2 <= size)
    {
      buf = g_steal_pointer (&self->idle);
      size = self->idle_size;
    }
  else
    unfit = g_steal_pointer (&self->idle);
  g_mutex_unlock (&self->lock);
  g_free (unfit);
  /* _sq_try_malloc_big() rounds the same way. */
  if (buf == NULL && (buf = _sq_try_malloc_big (n)) == NULL)
    return NULL;

  lent = g_new (Lent, 1);
  lent->owner = self;
  lent->data = buf;
  lent->size = size;
  g_atomic_int_inc (&self->ref_count);
  *data = buf;
  return g_bytes_new_with_free_func (buf, n, give_back, lent);
}
