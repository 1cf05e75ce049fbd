/* sq-shard-reader.h: the samples of one shard, one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-serializer.h"
#include "sq-value.h"

G_BEGIN_DECLS

/* What one shard may cost by default: decompressed bytes, and memory for its
 * decoded values. A gzip bomb or a hostile count stops here. */
#define SQ_DEFAULT_MEMORY_LIMIT (G_GUINT64_CONSTANT (4) << 30)

#define SQ_TYPE_SHARD_READER (sq_shard_reader_get_type ())

G_DECLARE_FINAL_TYPE (SqShardReader, sq_shard_reader, SQ, SHARD_READER, GObject)

SqShardReader *sq_shard_reader_new            (GInputStream   *stream,
                                               const char     *name,
                                               goffset         compressed_size,
                                               guint64         memory_limit);
void           sq_shard_reader_force_serializer    (SqShardReader  *self,
                                                    SqSerializer    serializer);
void           sq_shard_reader_set_fallback_serializer
                                                   (SqShardReader  *self,
                                                    SqSerializer    serializer);
SqValue       *sq_shard_reader_next           (SqShardReader  *self,
                                               GCancellable   *cancellable,
                                               GError        **error);
SqSerializer   sq_shard_reader_get_serializer (SqShardReader  *self);
SqShardEvidence sq_shard_reader_get_evidence  (SqShardReader  *self);
const char    *sq_shard_reader_get_name       (SqShardReader  *self);
guint          sq_shard_reader_get_n_samples  (SqShardReader  *self);
guint64        sq_shard_reader_get_bytes_read (SqShardReader  *self);
goffset        sq_shard_reader_get_size       (SqShardReader  *self);

G_END_DECLS
