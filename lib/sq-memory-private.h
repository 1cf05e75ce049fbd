/* sq-memory-private.h: big buffers in huge pages
 *
 * A decompressed shard or a compression chunk is megabytes, written once
 * front to back. In 4 KiB pages that is a page fault per 4 KiB, and page
 * faults are slow in virtual machines: about 10 us each on the machine of
 * tests/bench, 3 ms per MiB, more than libdeflate takes to fill it. In a
 * transparent huge page it is one fault per 2 MiB. Linux hands them out
 * where madvise() asks (its default mode); elsewhere this is plain memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdlib.h>
#include <sys/mman.h>

#include <glib.h>

G_BEGIN_DECLS

#define SQ_HUGE_PAGE_SIZE ((gsize) 2 * 1024 * 1024)

/* Smaller requests are plain g_try_malloc(). */
#define SQ_BIG_ALLOC_MIN  ((gsize) 1024 * 1024)

/* Like g_try_malloc(): memory for g_free(), or NULL. At least
 * SQ_BIG_ALLOC_MIN bytes come 2 MiB-aligned, their size rounded up to
 * whole huge pages (address space only: untouched pages cost nothing). */
static inline gpointer
_sq_try_malloc_big (gsize size)
{
  gpointer p = NULL;
  gsize rounded;

  if (size < SQ_BIG_ALLOC_MIN)
    return g_try_malloc (MAX (size, 1));
  rounded = (size + SQ_HUGE_PAGE_SIZE - 1) & ~(SQ_HUGE_PAGE_SIZE - 1);
  if (rounded < size || posix_memalign (&p, SQ_HUGE_PAGE_SIZE, rounded) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise (p, rounded, MADV_HUGEPAGE);
#endif
  return p;
}

/* Like g_malloc(): aborts when out of memory. */
static inline gpointer
_sq_malloc_big (gsize size)
{
  gpointer p = _sq_try_malloc_big (size);

  if (p == NULL)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  return p;
}

G_END_DECLS
