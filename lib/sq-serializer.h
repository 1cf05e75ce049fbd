/* sq-serializer.h: how a store encodes its samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SqSerializer:
 * @SQ_SERIALIZER_AUTO: not known yet: a reader tells from the bytes, a
 *   store from its first non-empty shard (messagepack for a new store)
 * @SQ_SERIALIZER_MESSAGEPACK: squirrel-core's MessagepackDriver:
 *   msgpack with msgpack-numpy arrays
 * @SQ_SERIALIZER_JSONL: squirrel-core's JsonlDriver: one JSON document a line
 */
typedef enum
{
  SQ_SERIALIZER_AUTO,
  SQ_SERIALIZER_MESSAGEPACK,
  SQ_SERIALIZER_JSONL,
} SqSerializer;

#define SQ_TYPE_SERIALIZER (sq_serializer_get_type ())

GType        sq_serializer_get_type     (void) G_GNUC_CONST;
const char  *sq_serializer_to_string    (SqSerializer  serializer);
gboolean     sq_serializer_from_string  (const char   *name,
                                         SqSerializer *serializer);

G_END_DECLS
