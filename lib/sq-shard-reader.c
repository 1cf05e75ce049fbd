/* sq-shard-reader.c: decode a shard sample by sample
 *
 * Which serializer wrote a shard is not recorded anywhere, so the reader
 * tells from the first decompressed bytes: a sample written by squirrel's
 * JsonlDriver is a JSON document on its own line (a dict: it starts with
 * `{`), a msgpack sample almost always starts with a map header (0x80-0x8f,
 * 0xde, 0xdf). Other ASCII starts are JSON only if the first line parses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-shard-reader"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-input-private.h"
#include "sq-json-private.h"
#include "sq-msgpack-reader-private.h"
#include "sq-shard-reader.h"
#include "sq-value-private.h"

struct _SqShardReader
{
  GObject          parent_instance;

  char            *name;
  goffset          size;
  guint64          memory_limit;
  SqInput         *input;
  SqSerializer     serializer;
  SqMsgpackReader *msgpack;
  guint64          memory;       /* JSON Lines: what decoded lines cost */
  guint            n_samples;
  guint            line;         /* JSON Lines: 1-based number of the next line */
  gboolean         started;
  gboolean         failed;
  SqValue         *pending;      /* the first JSON line, parsed while sniffing */
};

G_DEFINE_FINAL_TYPE (SqShardReader, sq_shard_reader, G_TYPE_OBJECT)

static void
sq_shard_reader_finalize (GObject *object)
{
  SqShardReader *self = (SqShardReader *) object;

  g_clear_pointer (&self->pending, sq_value_unref);
  g_clear_pointer (&self->msgpack, _sq_msgpack_reader_free);
  g_clear_pointer (&self->input, _sq_input_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (sq_shard_reader_parent_class)->finalize (object);
}

static void
sq_shard_reader_class_init (SqShardReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sq_shard_reader_finalize;
}

static void
sq_shard_reader_init (SqShardReader *self)
{
  self->line = 1;
}

/**
 * sq_shard_reader_new:
 * @stream: the shard file, gzip-compressed, positioned at its start
 * @name: the key, for error messages
 * @compressed_size: the file size, or -1 if unknown
 * @memory_limit: the most decompressed bytes, and the most memory for the
 *   decoded values, this shard may take (%SQ_DEFAULT_MEMORY_LIMIT)
 *
 * Returns: (transfer full): a reader; call sq_shard_reader_next() until it
 *   returns %NULL
 */
SqShardReader *
sq_shard_reader_new (GInputStream *stream,
                     const char   *name,
                     goffset       compressed_size,
                     guint64       memory_limit)
{
  SqShardReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SQ_TYPE_SHARD_READER, NULL);
  self->name = g_strdup (name);
  self->size = compressed_size;
  self->memory_limit = memory_limit;
  self->input = _sq_input_new (stream, compressed_size, name, memory_limit);
  return self;
}

/* Finds the end of the line at input->pos, reading more as needed.
 * Returns its length, the terminator excluded; -1 at the end of the data,
 * -2 on error. */
static gssize
find_line (SqShardReader *self,
           gboolean      *terminated,
           GCancellable  *cancellable,
           GError       **error)
{
  SqInput *in = self->input;
  gsize scanned = 0;

  for (;;)
    {
      const guint8 *nl = memchr (in->pos + scanned, '\n', (gsize) (in->end - in->pos) - scanned);

      if (nl != NULL)
        {
          *terminated = TRUE;
          return nl - in->pos;
        }
      scanned = (gsize) (in->end - in->pos);
      switch (_sq_input_fill (in, scanned + 1, cancellable, error))
        {
        case SQ_INPUT_ERROR:
          return -2;
        case SQ_INPUT_SHORT:
          /* Python reads a last line without its newline as well. */
          *terminated = FALSE;
          return scanned == 0 ? -1 : (gssize) scanned;
        case SQ_INPUT_OK:
        default:
          break;
        }
    }
}

/* Takes a parsed line: counts its memory, moves past it. */
static SqValue *
accept_line (SqShardReader *self,
             SqValue       *value,
             gsize          length,
             gboolean       terminated,
             GError       **error)
{
  self->memory += _sq_value_cost (value);
  if (self->memory > self->memory_limit)
    {
      sq_value_unref (value);
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT,
                   "shard '%s': line %u (byte %" G_GUINT64_FORMAT "): decoded values take more than %"
                   G_GUINT64_FORMAT " bytes of memory (the limit for one shard)",
                   self->name, self->line, _sq_input_offset (self->input, self->input->pos),
                   self->memory_limit);
      return NULL;
    }
  self->input->pos += length + (terminated ? 1 : 0);
  self->line++;
  return value;
}

static SqValue *
parse_line (SqShardReader *self,
            gsize          length,
            gboolean       terminated,
            GError       **error)
{
  SqInput *in = self->input;
  guint64 offset = _sq_input_offset (in, in->pos);
  g_autoptr(GError) local_error = NULL;
  SqValue *value;
  gboolean blank = TRUE;

  for (gsize i = 0; i < length && blank; i++)
    blank = in->pos[i] == ' ' || in->pos[i] == '\t' || in->pos[i] == '\r';
  if (blank)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED,
                   "shard '%s': line %u (byte %" G_GUINT64_FORMAT ") is empty; every line must hold a sample",
                   self->name, self->line, offset);
      return NULL;
    }

  value = _sq_json_parse ((const char *) in->pos, length, SQ_JSON_SQUIRREL, &local_error);
  if (value == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "shard '%s': line %u (byte %" G_GUINT64_FORMAT "): %s",
                   self->name, self->line, offset, local_error->message);
      return NULL;
    }
  return accept_line (self, value, length, terminated, error);
}

static SqValue *
next_line (SqShardReader *self,
           GCancellable  *cancellable,
           GError       **error)
{
  gboolean terminated;
  gssize length;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  length = find_line (self, &terminated, cancellable, error);
  if (length < 0)
    return NULL;
  return parse_line (self, (gsize) length, terminated, error);
}

static gboolean
may_start_json (guint8 b)
{
  return strchr ("[\"-0123456789tfnNI \t\r", b) != NULL && b != '\0';
}

/* Looks at the first bytes; may leave the first sample in self->pending. */
static gboolean
sniff (SqShardReader *self,
       GCancellable  *cancellable,
       GError       **error)
{
  SqInput *in = self->input;
  guint8 first;

  switch (_sq_input_ensure (in, 1, cancellable, error))
    {
    case SQ_INPUT_ERROR:
      return FALSE;
    case SQ_INPUT_SHORT:
      return TRUE; /* empty: either serializer */
    case SQ_INPUT_OK:
    default:
      break;
    }

  first = *in->pos;
  if (first == '{')
    self->serializer = SQ_SERIALIZER_JSONL;
  else if (may_start_json (first))
    {
      gboolean terminated;
      gssize length = find_line (self, &terminated, cancellable, error);
      SqValue *value;

      if (length == -2)
        return FALSE;
      value = length >= 0 ? _sq_json_parse ((const char *) in->pos, (gsize) length, SQ_JSON_SQUIRREL, NULL) : NULL;
      if (value != NULL)
        {
          self->serializer = SQ_SERIALIZER_JSONL;
          self->pending = accept_line (self, value, (gsize) length, terminated, error);
          return self->pending != NULL;
        }
      self->serializer = SQ_SERIALIZER_MESSAGEPACK;
    }
  else
    self->serializer = SQ_SERIALIZER_MESSAGEPACK;

  if (self->serializer == SQ_SERIALIZER_MESSAGEPACK)
    self->msgpack = _sq_msgpack_reader_new (in, self->name, self->memory_limit);
  return TRUE;
}

/**
 * sq_shard_reader_next:
 * @cancellable: (nullable): checked between reads
 * @error: return location for a #SQ_DECODE_ERROR, an I/O error, or
 *   #G_IO_ERROR_CANCELLED
 *
 * Decodes the next sample. May block on I/O: call it from a worker.
 *
 * Returns: (transfer full) (nullable): the sample, or %NULL at the end of
 *   the shard (@error unset) or on error. After an error it keeps
 *   returning %NULL.
 */
SqValue *
sq_shard_reader_next (SqShardReader  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  SqValue *sample = NULL;

  g_return_val_if_fail (SQ_IS_SHARD_READER (self), NULL);

  if (self->failed)
    return NULL;

  if (!self->started)
    {
      self->started = TRUE;
      if (!sniff (self, cancellable, &local_error))
        goto failed;
    }

  if (self->pending != NULL)
    sample = g_steal_pointer (&self->pending);
  else if (self->serializer == SQ_SERIALIZER_JSONL)
    sample = next_line (self, cancellable, &local_error);
  else if (self->msgpack != NULL)
    sample = _sq_msgpack_reader_next (self->msgpack, cancellable, &local_error);

  if (sample != NULL)
    {
      self->n_samples++;
      return sample;
    }
  if (local_error == NULL)
    return NULL;

failed:
  self->failed = TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * sq_shard_reader_get_serializer:
 *
 * Returns: the serializer the shard was written with, once the first sample
 *   was read; %SQ_SERIALIZER_AUTO for an empty shard
 */
SqSerializer
sq_shard_reader_get_serializer (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), SQ_SERIALIZER_AUTO);
  return self->serializer;
}

const char *
sq_shard_reader_get_name (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), NULL);
  return self->name;
}

guint
sq_shard_reader_get_n_samples (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), 0);
  return self->n_samples;
}

/**
 * sq_shard_reader_get_bytes_read:
 *
 * Returns: compressed bytes consumed so far (of sq_shard_reader_get_size())
 */
guint64
sq_shard_reader_get_bytes_read (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), 0);
  return _sq_input_get_bytes_read (self->input);
}

goffset
sq_shard_reader_get_size (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), -1);
  return self->size;
}
