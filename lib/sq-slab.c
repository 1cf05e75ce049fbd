/* sq-slab.c: big values of a streamed shard, cut from a few mappings
 * (sq-slab-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-slab"

#include "config.h"

#include <sys/mman.h>

#include "sq-memory-private.h"
#include "sq-slab-private.h"

/* Linux 5.14's; older kernels refuse it and fault pages in as written. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* AddressSanitizer does not know mapped memory: what is not cut yet is
 * poisoned for it, so that a read past a value's end is still caught. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQ_SLAB_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SQ_SLAB_ASAN 1
#endif
#ifdef SQ_SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION ((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION ((p), (n))
#else
#define POISON(p, n)   ((void) (p), (void) (n))
#define UNPOISON(p, n) ((void) (p), (void) (n))
#endif

/* Cuts start on a cache line: numpy's arrays are aligned too, and an
 * array's loops read it faster so. */
#define CUT_ALIGN 64

struct _SqSlab
{
  gint    ref_count;  /* the reader's, and one per slice */
  guint8 *data;       /* SQ_SLAB_SIZE bytes, 2 MiB-aligned */
  gsize   pos;        /* the next cut */
};

/* A mapping of SQ_SLAB_SIZE bytes on a huge-page boundary (where the
 * system puts every mapping in huge pages): map more, then give back the
 * ends. Its pages are faulted in by one call, not a trap per 4 KiB: a
 * slab is made only when a big value needs one, and filled front to back
 * (a shard's last one is the only one left part empty). */
static guint8 *
map_slab (void)
{
  gsize length = SQ_SLAB_SIZE + SQ_HUGE_PAGE_SIZE;
  guint8 *p = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  guint8 *aligned;
  gsize head;

  if (p == MAP_FAILED)
    return NULL;
  aligned = (guint8 *) (((guintptr) p + SQ_HUGE_PAGE_SIZE - 1) & ~(guintptr) (SQ_HUGE_PAGE_SIZE - 1));
  head = (gsize) (aligned - p);
  if (head > 0)
    munmap (p, head);
  if (length - head > SQ_SLAB_SIZE)
    munmap (aligned + SQ_SLAB_SIZE, length - head - SQ_SLAB_SIZE);
  /* Not MADV_HUGEPAGE: on the virtual machine of tests/bench, a huge page
   * the kernel had free for a few seconds has been handed back to the
   * host (virtio-balloon's free page reporting), and faulting it in again
   * costs the host's fault and clear. 300 MB in huge pages then took the
   * window's decoder 0.6 s, against 0.2 s in small pages populated in one
   * call (and 0.25 s faulted one at a time); check, which reuses one
   * slab, never pays it. */
  madvise (aligned, SQ_SLAB_SIZE, MADV_POPULATE_WRITE);
  return aligned;
}

/**
 * _sq_slab_new:
 *
 * Returns: (transfer full) (nullable): an empty slab with the caller's
 *   reference, or %NULL when there is no memory for one
 */
SqSlab *
_sq_slab_new (void)
{
  guint8 *data = map_slab ();
  SqSlab *slab;

  if (data == NULL)
    return NULL;
  slab = g_new (SqSlab, 1);
  slab->ref_count = 1;
  slab->data = data;
  slab->pos = 0;
  POISON (data, SQ_SLAB_SIZE);
  return slab;
}

static SqSlab *
slab_ref (SqSlab *slab)
{
  g_atomic_int_inc (&slab->ref_count);
  return slab;
}

/* From any thread: a slice goes with the value that held it. */
void
_sq_slab_unref (SqSlab *slab)
{
  if (slab == NULL || !g_atomic_int_dec_and_test (&slab->ref_count))
    return;
  /* The addresses may be mapped again, for anything. */
  UNPOISON (slab->data, SQ_SLAB_SIZE);
  munmap (slab->data, SQ_SLAB_SIZE);
  g_free (slab);
}

/* Whether no slice of @slab is left: only its owner (the one reference
 * that cuts) holds it, and nobody else can take one. */
gboolean
_sq_slab_is_idle (SqSlab *slab)
{
  return g_atomic_int_get (&slab->ref_count) == 1;
}

/* Cuts start at the front again; only for an idle slab. */
void
_sq_slab_rewind (SqSlab *slab)
{
  g_assert (_sq_slab_is_idle (slab));
  POISON (slab->data, slab->pos);
  slab->pos = 0;
}

/**
 * _sq_slab_cut:
 * @n: bytes, at most SQ_SLAB_CUT_MAX
 * @data: (out): where the caller writes them
 *
 * Returns: (transfer full) (nullable): the next @n bytes of @slab, which
 *   lives as long as they do; %NULL when they do not fit in what is left
 */
GBytes *
_sq_slab_cut (SqSlab  *slab,
              gsize    n,
              guint8 **data)
{
  gsize start = (slab->pos + CUT_ALIGN - 1) & ~(gsize) (CUT_ALIGN - 1);

  g_assert (n > 0 && n <= SQ_SLAB_CUT_MAX);

  if (start > SQ_SLAB_SIZE || SQ_SLAB_SIZE - start < n)
    return NULL;
  slab->pos = start + n;
  *data = slab->data + start;
  UNPOISON (*data, n);
  return g_bytes_new_with_free_func (*data, n, (GDestroyNotify) _sq_slab_unref, slab_ref (slab));
}
