/* sq-serializer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sq-serializer.h"

G_DEFINE_ENUM_TYPE (SqSerializer, sq_serializer,
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_AUTO, "auto"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_MESSAGEPACK, "messagepack"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_JSONL, "jsonl"))

G_DEFINE_ENUM_TYPE (SqShardEvidence, sq_shard_evidence,
                    G_DEFINE_ENUM_VALUE (SQ_SHARD_EVIDENCE_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (SQ_SHARD_EVIDENCE_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (SQ_SHARD_EVIDENCE_MESSAGEPACK, "messagepack"),
                    G_DEFINE_ENUM_VALUE (SQ_SHARD_EVIDENCE_JSONL, "jsonl"),
                    G_DEFINE_ENUM_VALUE (SQ_SHARD_EVIDENCE_AMBIGUOUS, "ambiguous"))

G_DEFINE_ENUM_TYPE (SqSerializerSource, sq_serializer_source,
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_UNKNOWN, "unknown"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_CHOSEN, "chosen"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_SHARDS, "shards"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_MIXED, "mixed"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_AMBIGUOUS, "ambiguous"),
                    G_DEFINE_ENUM_VALUE (SQ_SERIALIZER_SOURCE_DEFAULT, "default"))

/**
 * sq_serializer_to_string:
 *
 * Returns: "messagepack", "jsonl" or "auto"
 */
const char *
sq_serializer_to_string (SqSerializer serializer)
{
  switch (serializer)
    {
    case SQ_SERIALIZER_MESSAGEPACK:
      return "messagepack";
    case SQ_SERIALIZER_JSONL:
      return "jsonl";
    case SQ_SERIALIZER_AUTO:
    default:
      return "auto";
    }
}

/**
 * sq_serializer_from_string:
 * @name: "messagepack" (or "msgpack"), "jsonl" (or "json") or "auto"
 *
 * Returns: whether @name names a serializer
 */
gboolean
sq_serializer_from_string (const char   *name,
                           SqSerializer *serializer)
{
  if (g_strcmp0 (name, "messagepack") == 0 || g_strcmp0 (name, "msgpack") == 0)
    *serializer = SQ_SERIALIZER_MESSAGEPACK;
  else if (g_strcmp0 (name, "jsonl") == 0 || g_strcmp0 (name, "json") == 0)
    *serializer = SQ_SERIALIZER_JSONL;
  else if (g_strcmp0 (name, "auto") == 0)
    *serializer = SQ_SERIALIZER_AUTO;
  else
    return FALSE;
  return TRUE;
}

/**
 * sq_serializer_get_display_name:
 *
 * Returns: "MessagePack", "JSON Lines" or "Automatic", for people
 */
const char *
sq_serializer_get_display_name (SqSerializer serializer)
{
  switch (serializer)
    {
    case SQ_SERIALIZER_MESSAGEPACK:
      return "MessagePack";
    case SQ_SERIALIZER_JSONL:
      return "JSON Lines";
    case SQ_SERIALIZER_AUTO:
    default:
      return "Automatic";
    }
}
