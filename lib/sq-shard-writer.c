/* sq-shard-writer.c: samples in, gzip out
 *
 * Python writes one gzip member with zlib at level 9, which is slow. This
 * writer cuts the encoded samples into 4 MiB chunks, compresses each with
 * libdeflate on a worker (as many at once as there are cores) and writes
 * them in order, each a gzip member of its own: files about as small,
 * several times faster (tests/bench). Every gzip reader, Python's included,
 * reads a multi-member file as the concatenation of its members. A shard
 * under 4 MiB is one member with Python's header: the shard's name in
 * FNAME, the time, OS 255.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-shard-writer"

#include "config.h"

#include <string.h>

#include <libdeflate.h>
#include <msgpack.h>

#include "sq-error.h"
#include "sq-json.h"
#include "sq-memory-private.h"
#include "sq-msgpack-writer-private.h"
#include "sq-shard-writer.h"

#define CHUNK_SIZE (4 * 1024 * 1024)
/* What a chunk buffer holds before it grows: a chunk and the sample that
 * crosses its end, or a chunk compressed (deflate's bound, a header). */
#define BUFFER_SIZE (CHUNK_SIZE + CHUNK_SIZE / 4)
/* libdeflate level 6: within 5% of zlib level 9 on images (0.6% smaller)
 * and on metadata (3.6% larger), in under half of zlib's time on one core
 * (a sixth on metadata); level 7 is only 0.4% larger than zlib on metadata
 * but takes 1.7 times as long there (tests/bench/README.md). */
#define LEVEL 6

typedef struct
{
  SqShardWriter *writer;
  GByteArray    *input;
  GByteArray    *output;
  gboolean       first;
  gboolean       done;
} Chunk;

struct _SqShardWriter
{
  GObject         parent_instance;

  GOutputStream  *stream;
  SqSerializer    serializer;
  GBytes         *fname;        /* FNAME of the first member, or NULL */
  guint32         mtime;

  GByteArray     *buffer;       /* encoded samples not yet in a chunk */
  msgpack_packer  packer;
  GString        *json;
  guint           n_samples;
  guint64         bytes_encoded;
  guint64         bytes_written;
  gboolean        started;      /* the first member has been handed out */
  gboolean        finished;

  GMutex          lock;
  GCond           cond;
  GQueue          chunks;       /* in file order */
  GPtrArray      *spare;        /* buffers of written chunks, for the next */
};

G_DEFINE_FINAL_TYPE (SqShardWriter, sq_shard_writer, G_TYPE_OBJECT)

static void compress_job (gpointer data,
                          gpointer user_data);

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *made = NULL;
      guint n = g_get_num_processors ();

      if (n > 1)
        made = g_thread_pool_new (compress_job, NULL, (gint) n, FALSE, NULL);
      g_once_init_leave (&pool, made ? made : GSIZE_TO_POINTER (1));
    }
  return pool == GSIZE_TO_POINTER (1) ? NULL : pool;
}

static struct libdeflate_compressor *
get_compressor (void)
{
  static GPrivate cache = G_PRIVATE_INIT ((GDestroyNotify) libdeflate_free_compressor);
  struct libdeflate_compressor *c = g_private_get (&cache);

  if (c == NULL)
    {
      c = libdeflate_alloc_compressor (LEVEL);
      g_private_set (&cache, c);
    }
  return c;
}

/* Chunk buffers go round: a shard of 70 MB passes through a handful of
 * them, not through 36 fresh ones (each a few MB of page faults). */
static GByteArray *
take_buffer (SqShardWriter *self,
             gsize          size)
{
  GByteArray *buffer = NULL;

  g_mutex_lock (&self->lock);
  if (self->spare->len > 0)
    buffer = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
  g_mutex_unlock (&self->lock);

  if (buffer == NULL)
    buffer = g_byte_array_new_take (_sq_malloc_big (size), size);
  g_byte_array_set_size (buffer, 0);
  return buffer;
}

static void
give_back_buffer (SqShardWriter *self,
                  GByteArray    *buffer)
{
  if (buffer == NULL)
    return;
  g_mutex_lock (&self->lock);
  if (self->spare->len < 2 * g_get_num_processors () + 4)
    {
      g_ptr_array_add (self->spare, buffer);
      buffer = NULL;
    }
  g_mutex_unlock (&self->lock);
  if (buffer != NULL)
    g_byte_array_unref (buffer);
}

static void
put_le32 (guint8  *p,
          guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

/* One gzip member: header, raw deflate, CRC-32 and size. */
static void
compress_chunk (Chunk *chunk)
{
  SqShardWriter *self = chunk->writer;
  struct libdeflate_compressor *c = get_compressor ();
  gsize fname_len = 0;
  const guint8 *fname = NULL;
  gsize header_len;
  gsize bound, deflated;
  guint8 *out;

  if (chunk->first && self->fname)
    fname = g_bytes_get_data (self->fname, &fname_len);
  header_len = 10 + (fname ? fname_len + 1 : 0);
  bound = libdeflate_deflate_compress_bound (c, chunk->input->len);
  chunk->output = take_buffer (self, header_len + bound + 8);
  g_byte_array_set_size (chunk->output, (guint) (header_len + bound + 8));
  out = chunk->output->data;

  out[0] = 0x1f;
  out[1] = 0x8b;
  out[2] = 8;                  /* deflate */
  out[3] = fname ? 0x08 : 0;   /* FNAME */
  put_le32 (out + 4, self->mtime);
  out[8] = 0;                  /* XFL: neither best nor fastest */
  out[9] = 0xff;               /* OS unknown, as Python writes */
  if (fname)
    {
      memcpy (out + 10, fname, fname_len);
      out[10 + fname_len] = 0;
    }

  deflated = libdeflate_deflate_compress (c, chunk->input->data, chunk->input->len, out + header_len, bound);
  g_assert (deflated > 0);
  put_le32 (out + header_len + deflated, libdeflate_crc32 (0, chunk->input->data, chunk->input->len));
  put_le32 (out + header_len + deflated + 4, (guint32) chunk->input->len);

  g_byte_array_set_size (chunk->output, (guint) (header_len + deflated + 8));
}

static void
chunk_free (Chunk *chunk)
{
  give_back_buffer (chunk->writer, g_steal_pointer (&chunk->input));
  give_back_buffer (chunk->writer, g_steal_pointer (&chunk->output));
  g_free (chunk);
}

static void
compress_job (gpointer data,
              gpointer user_data)
{
  Chunk *chunk = data;
  SqShardWriter *self = chunk->writer;

  compress_chunk (chunk);
  g_mutex_lock (&self->lock);
  chunk->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
wait_for (SqShardWriter *self,
          Chunk         *chunk)
{
  g_mutex_lock (&self->lock);
  while (!chunk->done)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

/* Writes the oldest chunk, once compressed. */
static gboolean
write_head (SqShardWriter  *self,
            GCancellable   *cancellable,
            GError        **error)
{
  Chunk *chunk = g_queue_pop_head (&self->chunks);
  gboolean ok;

  wait_for (self, chunk);
  ok = g_output_stream_write_all (self->stream, chunk->output->data, chunk->output->len, NULL, cancellable, error);
  if (ok)
    self->bytes_written += chunk->output->len;
  chunk_free (chunk);
  return ok;
}

static gboolean
submit (SqShardWriter  *self,
        GByteArray     *input,
        GCancellable   *cancellable,
        GError        **error)
{
  GThreadPool *pool = get_pool ();
  Chunk *chunk = g_new0 (Chunk, 1);
  guint in_flight = pool ? g_thread_pool_get_max_threads (pool) + 1 : 1;

  chunk->writer = self;
  chunk->input = input;
  chunk->first = !self->started;
  self->started = TRUE;
  g_queue_push_tail (&self->chunks, chunk);

  if (pool == NULL)
    {
      compress_chunk (chunk);
      chunk->done = TRUE;
    }
  else
    g_thread_pool_push (pool, chunk, NULL);

  while (self->chunks.length >= in_flight)
    if (!write_head (self, cancellable, error))
      return FALSE;
  return TRUE;
}

/* Hands out whole chunks of what is buffered, and with @all the rest too
 * (an empty shard is one empty member, as Python writes it). */
static gboolean
flush_chunks (SqShardWriter  *self,
              gboolean        all,
              GCancellable   *cancellable,
              GError        **error)
{
  GByteArray *buffer = self->buffer;
  gsize offset = 0;

  if (buffer->len < CHUNK_SIZE && !all)
    return TRUE;

  if (buffer->len <= CHUNK_SIZE && (buffer->len == CHUNK_SIZE || all))
    {
      /* The common case: hand over the buffer itself, no copy. */
      self->buffer = take_buffer (self, all ? 1024 : BUFFER_SIZE);
      if (buffer->len > 0 || !self->started)
        return submit (self, buffer, cancellable, error);
      give_back_buffer (self, buffer);
      return TRUE;
    }

  while (buffer->len - offset >= CHUNK_SIZE || (all && offset < buffer->len))
    {
      gsize size = MIN ((gsize) CHUNK_SIZE, buffer->len - offset);
      GByteArray *chunk = take_buffer (self, BUFFER_SIZE);

      g_byte_array_append (chunk, buffer->data + offset, (guint) size);
      offset += size;
      if (!submit (self, chunk, cancellable, error))
        return FALSE;
    }
  g_byte_array_remove_range (buffer, 0, (guint) offset);
  return TRUE;
}

static int
append_to_buffer (void       *data,
                  const char *buf,
                  size_t      len)
{
  SqShardWriter *self = data;

  g_byte_array_append (self->buffer, (const guint8 *) buf, (guint) len);
  return 0;
}

static void
sq_shard_writer_finalize (GObject *object)
{
  SqShardWriter *self = (SqShardWriter *) object;
  Chunk *chunk;

  /* Workers may still be compressing chunks that were never written. */
  while ((chunk = g_queue_pop_head (&self->chunks)) != NULL)
    {
      wait_for (self, chunk);
      chunk_free (chunk);
    }
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_clear_pointer (&self->spare, g_ptr_array_unref);
  if (self->json)
    g_string_free (self->json, TRUE);
  g_clear_pointer (&self->fname, g_bytes_unref);
  g_clear_object (&self->stream);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (sq_shard_writer_parent_class)->finalize (object);
}

static void
sq_shard_writer_class_init (SqShardWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sq_shard_writer_finalize;
}

static void
sq_shard_writer_init (SqShardWriter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->chunks);
  self->spare = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  /* Small at first: most shards are. */
  self->buffer = take_buffer (self, 64 * 1024);
  msgpack_packer_init (&self->packer, self, append_to_buffer);
}

/* Python's gzip writes the file name in Latin-1, or none. */
static GBytes *
latin1_name (const char *name)
{
  g_autofree char *latin1 = g_convert (name, -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);

  if (latin1 == NULL || *latin1 == '\0')
    return NULL;
  return g_bytes_new (latin1, strlen (latin1));
}

/**
 * sq_shard_writer_new:
 * @stream: where the gzip file goes; the writer never closes it
 * @serializer: %SQ_SERIALIZER_MESSAGEPACK or %SQ_SERIALIZER_JSONL
 * @name: the key, written into the gzip header as Python does
 *
 * Returns: (transfer full): a writer
 */
SqShardWriter *
sq_shard_writer_new (GOutputStream *stream,
                     SqSerializer   serializer,
                     const char    *name)
{
  SqShardWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (serializer == SQ_SERIALIZER_MESSAGEPACK || serializer == SQ_SERIALIZER_JSONL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SQ_TYPE_SHARD_WRITER, NULL);
  self->stream = g_object_ref (stream);
  self->serializer = serializer;
  self->fname = latin1_name (name);
  self->mtime = (guint32) (g_get_real_time () / G_USEC_PER_SEC);
  if (serializer == SQ_SERIALIZER_JSONL)
    self->json = g_string_new (NULL);
  return self;
}

/**
 * sq_shard_writer_add:
 * @sample: the next sample
 * @error: return location for a #SQ_ENCODE_ERROR (the sample cannot be
 *   written in this serializer; nothing of it is kept) or an I/O error
 *
 * Encodes @sample; may write compressed data to the stream.
 */
gboolean
sq_shard_writer_add (SqShardWriter  *self,
                     SqValue        *sample,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  guint mark;
  gboolean ok;

  g_return_val_if_fail (SQ_IS_SHARD_WRITER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  mark = self->buffer->len;
  if (self->serializer == SQ_SERIALIZER_JSONL)
    {
      g_string_truncate (self->json, 0);
      ok = sq_json_append (self->json, sample, SQ_JSON_SQUIRREL, &local_error);
      if (ok)
        {
          g_string_append_c (self->json, '\n');
          g_byte_array_append (self->buffer, (const guint8 *) self->json->str, (guint) self->json->len);
        }
      /* A long line should not pin its memory for the next sample. */
      if (self->json->allocated_len > CHUNK_SIZE)
        {
          g_string_free (self->json, TRUE);
          self->json = g_string_new (NULL);
        }
    }
  else
    ok = _sq_msgpack_pack (&self->packer, sample, &local_error);

  if (!ok)
    {
      g_byte_array_set_size (self->buffer, mark);
      g_set_error (error, local_error->domain, local_error->code, "sample %u: %s",
                   self->n_samples, local_error->message);
      return FALSE;
    }
  self->n_samples++;
  self->bytes_encoded += self->buffer->len - mark;
  return flush_chunks (self, FALSE, cancellable, error);
}

/**
 * sq_shard_writer_finish:
 *
 * Compresses and writes what is left. The stream stays open: the caller
 * syncs and closes it.
 */
gboolean
sq_shard_writer_finish (SqShardWriter  *self,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_return_val_if_fail (SQ_IS_SHARD_WRITER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  self->finished = TRUE;
  if (!flush_chunks (self, TRUE, cancellable, error))
    return FALSE;
  while (self->chunks.length > 0)
    if (!write_head (self, cancellable, error))
      return FALSE;
  return TRUE;
}

/**
 * sq_shard_writer_get_bytes_encoded:
 *
 * Returns: bytes of encoded samples so far, before compression
 */
guint64
sq_shard_writer_get_bytes_encoded (SqShardWriter *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_WRITER (self), 0);
  return self->bytes_encoded;
}

/**
 * sq_shard_writer_get_bytes_written:
 *
 * Returns: compressed bytes written to the stream so far
 */
guint64
sq_shard_writer_get_bytes_written (SqShardWriter *self)
{
  g_return_val_if_fail (SQ_IS_SHARD_WRITER (self), 0);
  return self->bytes_written;
}
