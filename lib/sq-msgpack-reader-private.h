/* sq-msgpack-reader-private.h: msgpack + msgpack-numpy samples from a shard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-input-private.h"
#include "sq-value.h"

G_BEGIN_DECLS

/* What squirrel-core's reader (msgpack-python 1.0's Unpacker with its
 * default max_buffer_size of 100 MiB) accepts. */
#define SQ_MSGPACK_MAX_STR_LEN   (100u * 1024 * 1024)
#define SQ_MSGPACK_MAX_ARRAY_LEN (100u * 1024 * 1024)
#define SQ_MSGPACK_MAX_MAP_LEN   (50u * 1024 * 1024)
#define SQ_MSGPACK_MAX_DEPTH     1024

typedef struct _SqMsgpackReader SqMsgpackReader;

SqMsgpackReader *_sq_msgpack_reader_new  (SqInput          *input,
                                          const char       *shard,
                                          guint64           max_memory);
void             _sq_msgpack_reader_free (SqMsgpackReader  *reader);
SqValue         *_sq_msgpack_reader_next (SqMsgpackReader  *reader,
                                          GCancellable     *cancellable,
                                          GError          **error);
char            *_sq_msgpack_describe_ext (gint8             type,
                                          GBytes           *data,
                                          char            **problem);
guint64          _sq_msgpack_reader_get_memory
                                         (SqMsgpackReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqMsgpackReader, _sq_msgpack_reader_free)

G_END_DECLS
