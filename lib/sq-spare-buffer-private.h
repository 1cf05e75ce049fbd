/* sq-spare-buffer-private.h: the buffer of a big value of a streamed
 * shard, taken back when the value is dropped, for the next big value
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SqSpareBuffer SqSpareBuffer;

SqSpareBuffer *_sq_spare_buffer_new   (void);
void           _sq_spare_buffer_close (SqSpareBuffer  *self);
GBytes        *_sq_spare_buffer_take  (SqSpareBuffer  *self,
                                       gsize           n,
                                       guint8        **data);

G_END_DECLS
