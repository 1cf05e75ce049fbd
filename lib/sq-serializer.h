/* sq-serializer.h: how a store encodes its samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SqSerializer:
 * @SQ_SERIALIZER_AUTO: not known yet, or not chosen: a reader tells from
 *   the shard's bytes, a store from several of its shards (see
 *   #SqSerializerSource)
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

/**
 * SqShardEvidence:
 * @SQ_SHARD_EVIDENCE_NONE: not known: the shard was not read to its end,
 *   failed, or was read with a serializer that was chosen (not checked)
 * @SQ_SHARD_EVIDENCE_EMPTY: no samples: it fits either serializer
 * @SQ_SHARD_EVIDENCE_MESSAGEPACK: it decodes as msgpack and not as JSON
 *   Lines the way squirrel's JSON writer writes them
 * @SQ_SHARD_EVIDENCE_JSONL: it decodes as JSON Lines and not as msgpack;
 *   or it is JSON text whose first line is an object or a list and whose
 *   msgpack reading would be nothing but one-byte ints (any ASCII text is
 *   also that; a msgpack writer produces it only for bare small ints whose
 *   codes happen to spell JSON)
 * @SQ_SHARD_EVIDENCE_AMBIGUOUS: it decodes both ways; it follows the
 *   store's serializer
 *
 * What a shard's bytes say about the serializer that wrote it.
 */
typedef enum
{
  SQ_SHARD_EVIDENCE_NONE,
  SQ_SHARD_EVIDENCE_EMPTY,
  SQ_SHARD_EVIDENCE_MESSAGEPACK,
  SQ_SHARD_EVIDENCE_JSONL,
  SQ_SHARD_EVIDENCE_AMBIGUOUS,
} SqShardEvidence;

/**
 * SqSerializerSource:
 * @SQ_SERIALIZER_SOURCE_UNKNOWN: the store's shards were not looked at yet
 * @SQ_SERIALIZER_SOURCE_CHOSEN: sq_store_set_serializer() chose it: every
 *   shard is read, and set() writes, with it
 * @SQ_SERIALIZER_SOURCE_SHARDS: every shard looked at that decodes only one
 *   way decodes with it
 * @SQ_SERIALIZER_SOURCE_MIXED: some shards decode only as messagepack,
 *   others only as JSON Lines; each is read its own way, ambiguous ones
 *   follow the larger group, and set() refuses to pick one
 * @SQ_SERIALIZER_SOURCE_AMBIGUOUS: every non-empty shard looked at decodes
 *   both ways: messagepack, squirrel's default, until the user says
 * @SQ_SERIALIZER_SOURCE_DEFAULT: no shard to tell by (none, or all empty):
 *   messagepack, squirrel's default
 *
 * Why a store has the serializer it has.
 */
typedef enum
{
  SQ_SERIALIZER_SOURCE_UNKNOWN,
  SQ_SERIALIZER_SOURCE_CHOSEN,
  SQ_SERIALIZER_SOURCE_SHARDS,
  SQ_SERIALIZER_SOURCE_MIXED,
  SQ_SERIALIZER_SOURCE_AMBIGUOUS,
  SQ_SERIALIZER_SOURCE_DEFAULT,
} SqSerializerSource;

#define SQ_TYPE_SERIALIZER (sq_serializer_get_type ())
#define SQ_TYPE_SHARD_EVIDENCE (sq_shard_evidence_get_type ())
#define SQ_TYPE_SERIALIZER_SOURCE (sq_serializer_source_get_type ())

GType        sq_serializer_get_type         (void) G_GNUC_CONST;
GType        sq_shard_evidence_get_type     (void) G_GNUC_CONST;
GType        sq_serializer_source_get_type  (void) G_GNUC_CONST;
const char  *sq_serializer_to_string        (SqSerializer  serializer);
gboolean     sq_serializer_from_string      (const char   *name,
                                             SqSerializer *serializer);
const char  *sq_serializer_get_display_name (SqSerializer  serializer);

G_END_DECLS
