/* sq-shard-reader.c: decode a shard sample by sample
 *
 * Which serializer wrote a shard is recorded nowhere, and its bytes can
 * say it only in part: any ASCII text is also a msgpack stream of small
 * ints, and msgpack can spell JSON (sq-format-probe.c). So the reader
 * watches every byte with a probe and decides before the first sample:
 *
 * - bytes that are not JSON text (almost every msgpack shard, within its
 *   first bytes) are msgpack; text that is not a valid msgpack stream, or
 *   whose first line is not JSON, is JSON Lines or msgpack respectively;
 * - JSON text whose first line is an object or a list, and whose msgpack
 *   reading is nothing but one-byte ints, is JSON Lines (only bare small
 *   ints, chosen to spell JSON, would give those bytes as msgpack);
 * - anything else that decodes both ways is ambiguous and is read with the
 *   store's serializer (asked for through the resolver, only then).
 *
 * While it decodes, the probe goes on checking the other reading, so at
 * the end the reader knows whether the shard decoded only one way or both
 * (sq_shard_reader_get_evidence()). A shard that turns out, past what was
 * inflated when the reader decided, to contradict the decision fails with
 * SQ_DECODE_ERROR_AMBIGUOUS instead of being misread. A serializer forced
 * by the caller is used as it is, with no probe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-shard-reader"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-format-probe-private.h"
#include "sq-input-private.h"
#include "sq-json.h"
#include "sq-msgpack-reader-private.h"
#include "sq-shard-reader-private.h"
#include "sq-value-private.h"
#include "sq-worker-private.h"

/* How the serializer was decided. */
typedef enum
{
  DECIDED_NOT_YET,
  DECIDED_FORCED,     /* by the caller */
  DECIDED_ONE_WAY,    /* the bytes decode only one way */
  DECIDED_CONTAINER,  /* JSON container text, msgpack only one-byte ints */
  DECIDED_AMBIGUOUS,  /* both: the store's serializer */
} Decision;

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
  gboolean         finished;
  gboolean         empty;        /* no decompressed bytes at all */
  SqValue         *pending;      /* the first JSON line, parsed while sniffing */

  SqSerializer     forced;
  SqSerializer     fallback;     /* for ambiguous shards without a resolver */
  SqFormatProbe   *probe;
  Decision         decision;
  gboolean         json_refused; /* read as msgpack: a JSON reading failed */
  gboolean         container;    /* the first line is a JSON object or list */
  SqShardEvidence  evidence;

  SqSerializerResolveFunc resolve;
  SqShardReaderDoneFunc   done;
  gpointer                resolve_data;
  GDestroyNotify          resolve_notify;
};

G_DEFINE_FINAL_TYPE (SqShardReader, sq_shard_reader, G_TYPE_OBJECT)

static void
sq_shard_reader_finalize (GObject *object)
{
  SqShardReader *self = (SqShardReader *) object;

  g_clear_pointer (&self->pending, sq_value_unref);
  g_clear_pointer (&self->msgpack, _sq_msgpack_reader_free);
  g_clear_pointer (&self->input, _sq_input_free);
  g_clear_pointer (&self->probe, _sq_format_probe_free);
  if (self->resolve_notify != NULL)
    self->resolve_notify (self->resolve_data);
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

static gboolean
probe_bytes (const guint8 *data,
             gsize         length,
             gpointer      probe)
{
  return _sq_format_probe_feed (probe, data, length);
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
  self->probe = _sq_format_probe_new ();
  _sq_input_set_observer (self->input, probe_bytes, self->probe);
  return self;
}

/**
 * sq_shard_reader_force_serializer:
 * @serializer: the serializer to read with, or %SQ_SERIALIZER_AUTO to tell
 *   from the bytes
 *
 * Reads the shard with @serializer whatever its bytes look like (the
 * user's choice wins); a shard that does not decode with it fails. Call it
 * before the first sq_shard_reader_next().
 */
void
sq_shard_reader_force_serializer (SqShardReader *self,
                                  SqSerializer   serializer)
{
  g_return_if_fail (SQ_IS_SHARD_READER (self));
  g_return_if_fail (!self->started);

  self->forced = serializer;
  _sq_input_set_observer (self->input, serializer == SQ_SERIALIZER_AUTO ? probe_bytes : NULL, self->probe);
}

/**
 * sq_shard_reader_set_fallback_serializer:
 * @serializer: what to read a shard with that decodes both ways
 *   (%SQ_SERIALIZER_AUTO: messagepack, squirrel's default)
 *
 * A reader that a store opened asks the store instead.
 */
void
sq_shard_reader_set_fallback_serializer (SqShardReader *self,
                                         SqSerializer   serializer)
{
  g_return_if_fail (SQ_IS_SHARD_READER (self));
  self->fallback = serializer;
}

void
_sq_shard_reader_set_resolver (SqShardReader           *self,
                               SqSerializerResolveFunc  resolve,
                               SqShardReaderDoneFunc    done,
                               gpointer                 user_data,
                               GDestroyNotify           notify)
{
  g_return_if_fail (SQ_IS_SHARD_READER (self));
  g_return_if_fail (self->resolve_notify == NULL);

  self->resolve = resolve;
  self->done = done;
  self->resolve_data = user_data;
  self->resolve_notify = notify;
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
  const char *text = (const char *) in->pos;
  gsize text_length = length;
  SqValue *value;
  gboolean blank = TRUE;

  /* Python's json.loads takes a line of bytes with a byte-order mark. */
  if (text_length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    text += 3, text_length -= 3;
  for (gsize i = 0; i < length && blank; i++)
    blank = in->pos[i] == ' ' || in->pos[i] == '\t' || in->pos[i] == '\r';
  if (text_length < length)
    blank = FALSE; /* a BOM alone: json.loads finds no value, as below */
  if (blank)
    {
      g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED,
                   "shard '%s': line %u (byte %" G_GUINT64_FORMAT ") is empty; every line must hold a sample",
                   self->name, self->line, offset);
      return NULL;
    }

  value = sq_json_parse (text, text_length, SQ_JSON_SQUIRREL, &local_error);
  if (value == NULL)
    {
      /* Say so when the bytes so far would have decoded the other way. */
      gboolean other = self->decision != DECIDED_FORCED && _sq_format_probe_is_msgpack (self->probe);

      g_set_error (error, local_error->domain, local_error->code,
                   "shard '%s': line %u (byte %" G_GUINT64_FORMAT "): %s%s",
                   self->name, self->line, offset, local_error->message,
                   other ? " (its bytes so far are also a valid msgpack stream: it may be a messagepack shard)" : "");
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

static void
start_msgpack (SqShardReader *self)
{
  self->serializer = SQ_SERIALIZER_MESSAGEPACK;
  self->msgpack = _sq_msgpack_reader_new (self->input, self->name, self->memory_limit);
}

static SqSerializer
resolve_ambiguous (SqShardReader *self,
                   GCancellable  *cancellable)
{
  SqSerializer serializer = SQ_SERIALIZER_AUTO;

  if (self->resolve != NULL)
    serializer = self->resolve (self->resolve_data, cancellable);
  if (serializer == SQ_SERIALIZER_AUTO)
    serializer = self->fallback;
  return serializer == SQ_SERIALIZER_JSONL ? SQ_SERIALIZER_JSONL : SQ_SERIALIZER_MESSAGEPACK;
}

/* Where JSON text would start: after a byte-order mark and blanks. */
static const guint8 *
skip_bom_and_blanks (const guint8 *p,
                     const guint8 *end)
{
  if (end - p >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  return p;
}

/* Is the line an object or a list in ASCII text (after a BOM and blanks)?
 * As msgpack it would be a run of one-byte ints whose codes spell JSON:
 * no msgpack writer makes that but from bare small ints chosen to. */
static gboolean
is_ascii_container_line (const guint8 *line,
                         gsize         length)
{
  const guint8 *end = line + length;
  const guint8 *p = skip_bom_and_blanks (line, end);

  if (p >= end || (*p != '{' && *p != '['))
    return FALSE;
  for (; p < end; p++)
    if (*p >= 0x80 || (*p < 0x20 && *p != '\t' && *p != '\r'))
      return FALSE;
  return TRUE;
}

/* Decides the serializer from what the probe has seen, reading the first
 * line if the bytes are text. With @probing, an ambiguous shard is left
 * undecided (the store's detection asks; it must not ask back). May leave
 * the first sample in self->pending. */
static gboolean
sniff (SqShardReader *self,
       gboolean       probing,
       GCancellable  *cancellable,
       GError       **error)
{
  SqInput *in = self->input;
  SqFormatProbe *probe = self->probe;
  g_autoptr(SqValue) first = NULL;
  gboolean terminated = FALSE;
  gssize length;

  switch (_sq_input_ensure (in, 1, cancellable, error))
    {
    case SQ_INPUT_ERROR:
      return FALSE;
    case SQ_INPUT_SHORT:
      self->decision = DECIDED_ONE_WAY;
      self->empty = TRUE;
      return TRUE; /* empty: either serializer */
    case SQ_INPUT_OK:
    default:
      break;
    }

  if (self->forced != SQ_SERIALIZER_AUTO)
    {
      self->decision = DECIDED_FORCED;
      if (self->forced == SQ_SERIALIZER_JSONL)
        self->serializer = SQ_SERIALIZER_JSONL;
      else
        start_msgpack (self);
      return TRUE;
    }

  /* Bytes that are not JSON text, and do not start like a JSON line: the
   * msgpack shards, decided within their first bytes (no line looked for). */
  {
    const guint8 *start = skip_bom_and_blanks (in->pos, in->end);
    gboolean json_start = start < in->end && (*start == '{' || *start == '[');

    if (!_sq_format_probe_is_text (probe) && !json_start)
      {
        self->decision = DECIDED_ONE_WAY;
        self->json_refused = TRUE;
        start_msgpack (self);
        return TRUE;
      }
  }

  length = find_line (self, &terminated, cancellable, error);
  if (length == -2)
    return FALSE;
  if (length >= 0)
    {
      const guint8 *line = in->pos;
      gsize n = (gsize) length;

      if (n >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
        line += 3, n -= 3;
      first = sq_json_parse ((const char *) line, n, SQ_JSON_SQUIRREL, NULL);
      self->container = is_ascii_container_line (in->pos, (gsize) length);
    }

  if (self->container)
    {
      /* Read as JSON Lines whatever follows: a damaged line is an error
       * of the JSON Lines shard, not msgpack. */
      self->decision = DECIDED_CONTAINER;
      self->serializer = SQ_SERIALIZER_JSONL;
    }
  else if (!_sq_format_probe_is_text (probe))
    {
      self->decision = DECIDED_ONE_WAY;
      self->json_refused = TRUE;
    }
  else if (!_sq_format_probe_is_msgpack (probe) ||
           (_sq_input_is_done (in) && !_sq_format_probe_msgpack_complete (probe)))
    {
      self->decision = DECIDED_ONE_WAY;
      self->serializer = SQ_SERIALIZER_JSONL;
    }
  else if (first == NULL)
    {
      self->decision = DECIDED_ONE_WAY;
      self->json_refused = TRUE;
    }
  else if (_sq_input_is_done (in) && !_sq_format_probe_ends_with_newline (probe))
    {
      /* Not JSON Lines as squirrel writes them: every line ends in \n. */
      self->decision = DECIDED_ONE_WAY;
      self->json_refused = TRUE;
    }
  else
    {
      self->decision = DECIDED_AMBIGUOUS;
      if (probing)
        return TRUE;
      self->serializer = resolve_ambiguous (self, cancellable);
    }

  if (self->serializer == SQ_SERIALIZER_JSONL)
    {
      if (first == NULL)
        {
          self->pending = parse_line (self, (gsize) MAX (length, 0), terminated, error);
          return self->pending != NULL;
        }
      self->pending = accept_line (self, g_steal_pointer (&first), (gsize) length, terminated, error);
      return self->pending != NULL;
    }

  /* msgpack: go on checking whether the text is JSON Lines too, from the
   * first byte (all of it is still in the window). */
  if (!self->json_refused)
    _sq_format_probe_check_lines (probe, in->pos, (gsize) (in->end - in->pos));
  start_msgpack (self);
  return TRUE;
}

/* At the end of the data: what the shard turned out to be, and whether
 * that contradicts how it was read. */
static gboolean
finish (SqShardReader *self,
        GError       **error)
{
  SqFormatProbe *probe = self->probe;
  gboolean msgpack_too, jsonl_too;

  self->finished = TRUE;
  if (self->decision == DECIDED_FORCED)
    self->evidence = SQ_SHARD_EVIDENCE_NONE;
  else if (self->empty)
    self->evidence = SQ_SHARD_EVIDENCE_EMPTY;
  else if (self->serializer == SQ_SERIALIZER_MESSAGEPACK)
    {
      jsonl_too = !self->json_refused && _sq_format_probe_is_text (probe) &&
                  _sq_format_probe_lines_valid (probe) && _sq_format_probe_ends_with_newline (probe);
      self->evidence = jsonl_too ? SQ_SHARD_EVIDENCE_AMBIGUOUS : SQ_SHARD_EVIDENCE_MESSAGEPACK;
    }
  else
    {
      msgpack_too = _sq_format_probe_msgpack_complete (probe);
      if (!msgpack_too || (self->container && _sq_format_probe_only_fixints (probe)))
        self->evidence = SQ_SHARD_EVIDENCE_JSONL;
      else if (!_sq_format_probe_ends_with_newline (probe))
        {
          /* Seen only now (a shard streamed, not inflated whole): not as
           * squirrel writes JSON Lines, and valid msgpack. */
          g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_AMBIGUOUS,
                       "shard '%s': its last line has no newline, as squirrel's JSON writer never leaves it, "
                       "and its bytes are also a valid msgpack stream: choose the serializer to read it with",
                       self->name);
          return FALSE;
        }
      else
        {
          self->evidence = SQ_SHARD_EVIDENCE_AMBIGUOUS;
          if (self->decision == DECIDED_CONTAINER && resolve_ambiguous (self, NULL) != SQ_SERIALIZER_JSONL)
            {
              g_set_error (error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_AMBIGUOUS,
                           "shard '%s': it decodes both as JSON Lines (as it was read) and as msgpack, "
                           "which the store uses: choose the serializer to read it with", self->name);
              return FALSE;
            }
        }
    }
  _sq_input_set_observer (self->input, NULL, NULL);
  if (self->done != NULL)
    self->done (self, self->resolve_data);
  return TRUE;
}

/**
 * _sq_shard_reader_probe:
 *
 * Looks at the start of the shard only (inflating no more than it needs)
 * and says what it shows, without asking the store: a small shard that was
 * inflated whole is judged whole, a larger one by its start. The reader is
 * spent afterwards.
 *
 * Returns: the evidence, or %SQ_SHARD_EVIDENCE_NONE with @error set
 */
SqShardEvidence
_sq_shard_reader_probe (SqShardReader  *self,
                        GCancellable   *cancellable,
                        GError        **error)
{
  SqInput *in = self->input;
  SqFormatProbe *probe = self->probe;

  g_return_val_if_fail (SQ_IS_SHARD_READER (self), SQ_SHARD_EVIDENCE_NONE);
  g_return_val_if_fail (!self->started, SQ_SHARD_EVIDENCE_NONE);

  self->started = TRUE;
  self->failed = TRUE; /* nothing to read after this */
  _sq_input_set_stream_only (in);
  if (!sniff (self, TRUE, cancellable, error))
    return SQ_SHARD_EVIDENCE_NONE;
  if (self->empty)
    return SQ_SHARD_EVIDENCE_EMPTY;

  switch (self->decision)
    {
    case DECIDED_CONTAINER:
      return SQ_SHARD_EVIDENCE_JSONL;
    case DECIDED_AMBIGUOUS:
      if (!_sq_input_is_done (in))
        return SQ_SHARD_EVIDENCE_AMBIGUOUS;
      /* All of it is here: are the other lines JSON too? */
      _sq_format_probe_check_lines (probe, in->pos, (gsize) (in->end - in->pos));
      return _sq_format_probe_lines_valid (probe) ? SQ_SHARD_EVIDENCE_AMBIGUOUS : SQ_SHARD_EVIDENCE_MESSAGEPACK;
    case DECIDED_ONE_WAY:
    case DECIDED_FORCED:
    case DECIDED_NOT_YET:
    default:
      return self->serializer == SQ_SERIALIZER_JSONL ? SQ_SHARD_EVIDENCE_JSONL : SQ_SHARD_EVIDENCE_MESSAGEPACK;
    }
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
  _sq_assert_not_main_thread ();

  if (self->failed)
    return NULL;

  if (!self->started)
    {
      self->started = TRUE;
      if (!sniff (self, FALSE, cancellable, &local_error))
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
    {
      if (self->finished || finish (self, &local_error))
        return NULL;
    }
  else if (self->serializer == SQ_SERIALIZER_MESSAGEPACK && self->decision == DECIDED_AMBIGUOUS &&
           _sq_format_probe_lines_valid (self->probe))
    {
      /* Say so when the text so far would have decoded the other way. */
      char *message = g_strconcat (local_error->message,
                                   " (its lines so far are also JSON: it may be a JSON Lines shard)", NULL);

      g_free (local_error->message);
      local_error->message = message;
    }

failed:
  self->failed = TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * sq_shard_reader_get_serializer:
 *
 * Returns: the serializer the shard is read with, once the first sample
 *   was asked for; %SQ_SERIALIZER_AUTO for an empty shard
 */
SqSerializer
sq_shard_reader_get_serializer (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), SQ_SERIALIZER_AUTO);
  return self->serializer;
}

/**
 * sq_shard_reader_get_evidence:
 *
 * Returns: once the reader reached the end of the shard: whether it decodes
 *   only with the serializer it was read with, or both ways;
 *   %SQ_SHARD_EVIDENCE_NONE before the end, after an error, or when the
 *   serializer was forced
 */
SqShardEvidence
sq_shard_reader_get_evidence (SqShardReader *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_READER (self), SQ_SHARD_EVIDENCE_NONE);
  return self->evidence;
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
