/* sq-slab-private.h: big values of a streamed shard, cut from a few
 * mappings faulted in whole
 *
 * A shard too big to inflate whole streams, and each of its arrays needs
 * memory of its own. One malloc() each (an image of 150 KB is past
 * glibc's mmap threshold) is a fresh mapping each time, and a page fault
 * per 4 KiB as it is inflated into: 75,000 faults for 300 MB, most of the
 * time the window took to load such a shard (they cost about 10 us each in
 * a virtual machine). A slab is one mapping of SQ_SLAB_SIZE bytes,
 * faulted in by one madvise() as it is made (not in huge pages: see
 * map_slab() in sq-slab.c); the values are slices of it
 * (GBytes), and it is unmapped, given back to the system at once, when
 * the reader and the last of them let go. A reader that drops its values
 * as it goes (drey-cli check, a scan) finds its slab unused at the next
 * cut and starts it again from the front: the same memory, warm in cache,
 * no fault at all.
 *
 * What a kept value may hold up is its slab: SQ_SLAB_SIZE at most (a
 * shard inflated whole holds up all of it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SQ_SLAB_SIZE     ((gsize) 8 * 1024 * 1024)
/* Larger values get a buffer of their own: a slab would waste up to the
 * size of the value at its end. */
#define SQ_SLAB_CUT_MAX  (SQ_SLAB_SIZE / 4)

typedef struct _SqSlab SqSlab;

SqSlab   *_sq_slab_new     (void);
void      _sq_slab_unref   (SqSlab  *slab);
gboolean  _sq_slab_is_idle (SqSlab  *slab);
void      _sq_slab_rewind  (SqSlab  *slab);
GBytes   *_sq_slab_cut     (SqSlab  *slab,
                            gsize    n,
                            guint8 **data);

G_END_DECLS
