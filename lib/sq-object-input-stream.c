/* sq-object-input-stream.c: an object's bytes as they download, for the
 * shard reader to decode while the rest is still on its way
 *
 * The download runs on its own thread, so that it goes on while the
 * reader inflates and parses what came: a pull stream that only asked
 * curl for bytes when the decoder wanted more left the socket idle half
 * the time, and a shard took download plus decode instead of the longer
 * of the two. Between the two threads is a queue of chunks, bounded: once
 * the download is `lead` bytes ahead of the reader its transfer pauses
 * (CURL_WRITEFUNC_PAUSE, which also stops curl's low-speed clock, so a
 * slow reader is not a stalled server), and goes on when the reader has
 * taken some. The lead starts small and grows with what the reader took,
 * so a reader that wants only a shard's start (the serializer's probe)
 * does not pull megabytes it drops.
 *
 * A download that breaks off (a reset, a stall, a body shorter than its
 * Content-Length) goes on where it stopped, with a Range request that
 * carries If-Match with the ETag of the first answer: the rest must be of
 * the same object, or the read fails saying the shard changed. The tries
 * are bounded. The reader sees the bytes in order and then the end, or
 * the error that ended the download. Closing the stream (or dropping it)
 * stops the thread at once: curl's progress callback and its poll both
 * look at a cancellable of the stream's own.
 *
 * With the read cache on, a third thread writes the same chunks to a
 * temp file of the cache (sq-object-cache.c) as they fill, a few at a
 * time, and renames it into place once every byte came and was written:
 * a download that fails or is stopped keeps nothing. Written on the
 * download thread, the copy held up the transfer, and it was half of
 * Drey's CPU for a read. A chunk goes back to be filled again once both
 * the reader and the writer are done with it; a writer more than
 * TEE_LAG behind pauses the download as a slow reader does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sq-object-cache-private.h"
#include "sq-object-http-private.h"
#include "sq-object-input-stream.h"
#include "sq-object-token-private.h"

/* What curl hands over at a time, and what the queue holds it in. */
#define CURL_BUFFER (256 * 1024)
#define CHUNK_SIZE  (256 * 1024)
/* How far the download may run ahead of the reader: at first, and at most. */
#define LEAD_MIN    (1024 * 1024)
#define LEAD_MAX    (16 * 1024 * 1024)
/* How often a waiting reader looks at its GCancellable, and at bytes
 * less than a chunk. */
#define WAIT_USEC   (20 * 1000)
/* The cache writer: how far it may fall behind the download, how many
 * chunks one write takes at most, and how many bytes wake it. */
#define TEE_LAG     (16 * 1024 * 1024)
#define TEE_IOV     4
#define TEE_BATCH   (TEE_IOV * CHUNK_SIZE)

/* Downloaded bytes, held by the reader and by the cache writer until each
 * is done with them: filled once, front to back, then read. */
typedef struct
{
  guint8 *data;   /* CHUNK_SIZE bytes */
  gsize   len;
  guint   holds;
} Chunk;

struct _SqObjectInputStream
{
  GInputStream        parent_instance;

  GObject            *owner;      /* keeps @config alive */
  SqObjectConfig     *config;
  char               *object;
  char               *key;
  GThread            *thread;
  GCancellable       *stop;       /* the reader is done: the download stops */
  CURLM              *multi;

  /* The download thread's own */
  CURL               *easy;
  struct curl_slist  *headers;
  SqObjectResponse    response;
  char                curl_message[CURL_ERROR_SIZE];
  gboolean            done;
  CURLcode            result;
  gboolean            answered;   /* the first 2xx answer came */
  gboolean            wrote;      /* this transfer has sent body bytes */
  gboolean            paused;     /* this transfer waits for room */
  goffset             skip;       /* bytes to drop: a Range the server ignored */
  goffset             received;   /* bytes queued so far */
  guint               attempt;
  gboolean            token_renewed; /* after a 401, once */
  char               *etag;       /* of the first answer */
  gint64              size;       /* -1: unknown */
  char               *if_none_match; /* the first request's, for the cache */
  char               *cache_url;  /* keep what comes in the cache, as this */

  /* The cache writer's own */
  int                 tee_fd;
  char               *tee_path;
  gsize               tee_pos;    /* written of the first of @tee_chunks */

  /* Shared, under @lock */
  GMutex              lock;
  GCond               cond;
  GQueue              chunks;     /* Chunk: come, not read yet */
  GPtrArray          *spare;      /* Chunk: read and written, to fill again */
  gsize               queued;     /* bytes in @chunks */
  gsize               lead;
  gboolean            reader_waits;
  gboolean            writer_waits;
  gboolean            head;       /* the first answer's headers are here, or the download ended */
  gint64              head_size;
  long                head_status;
  gboolean            finished;   /* no more bytes will come */
  gboolean            not_modified;
  gboolean            refused;    /* the first answer was an error no retry mends */
  GError             *error;      /* why the download ended, if it failed */
  GThread            *tee_thread; /* the cache writer, once the object came */
  GCond               tee_cond;
  GQueue              tee_chunks; /* Chunk: come, not all written yet */
  gsize               tee_pending; /* bytes in @tee_chunks not written */
  gboolean            teeing;     /* new chunks go to the writer too */
  gboolean            tee_waits;
  gboolean            whole;      /* every byte of the object came */

  /* The reader's own */
  Chunk              *current;
  gsize               pos;
  goffset             delivered;
};

G_DEFINE_FINAL_TYPE (SqObjectInputStream, sq_object_input_stream, G_TYPE_INPUT_STREAM)

/* ---- the download thread ------------------------------------------------ */

static void
stop_transfer (SqObjectInputStream *self)
{
  if (self->easy != NULL)
    {
      curl_multi_remove_handle (self->multi, self->easy);
      curl_easy_cleanup (self->easy);
      self->easy = NULL;
    }
  g_clear_pointer (&self->headers, curl_slist_free_all);
}

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;

  g_free (chunk->data);
  g_free (chunk);
}

/* Under the lock: a spare chunk, or a new one; the reader's to start with. */
static Chunk *
take_chunk (SqObjectInputStream *self)
{
  Chunk *chunk;

  if (self->spare->len > 0)
    chunk = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
  else
    {
      chunk = g_new (Chunk, 1);
      chunk->data = g_malloc (CHUNK_SIZE);
    }
  chunk->len = 0;
  chunk->holds = 1;
  return chunk;
}

/* Under the lock: the reader or the writer is done with @chunk. */
static void
release_chunk (SqObjectInputStream *self,
               Chunk               *chunk)
{
  if (--chunk->holds == 0)
    g_ptr_array_add (self->spare, chunk);
}

/* Under the lock: the download thread waits for room, and there is some.
 * The flag goes down with the wake, so that the next chunk taken before
 * the thread runs does not wake it again (each wake is a syscall). */
static void
wake_writer (SqObjectInputStream *self)
{
  self->writer_waits = FALSE;
  g_cond_broadcast (&self->cond);
}

/* ---- the cache writer --------------------------------------------------- */

/* Under the lock: @n more bytes are in the file; chunks written whole
 * (and no longer filled) are let go. */
static void
tee_advance (SqObjectInputStream *self,
             gsize                n)
{
  Chunk *head;

  self->tee_pending -= n;
  while ((head = g_queue_peek_head (&self->tee_chunks)) != NULL)
    {
      gsize take = MIN (n, head->len - self->tee_pos);

      self->tee_pos += take;
      n -= take;
      /* Only the last chunk can still grow. */
      if (self->tee_pos < head->len || head == g_queue_peek_tail (&self->tee_chunks))
        break;
      release_chunk (self, g_queue_pop_head (&self->tee_chunks));
      self->tee_pos = 0;
    }
  g_assert (n == 0);
}

/* Under the lock: the chunks not written yet, as at most TEE_IOV pieces. */
static int
tee_gather (SqObjectInputStream *self,
            struct iovec        *iov)
{
  gsize pos = self->tee_pos;
  int n = 0;

  for (GList *l = self->tee_chunks.head; l != NULL && n < TEE_IOV; l = l->next, pos = 0)
    {
      Chunk *chunk = l->data;

      if (chunk->len > pos)
        {
          iov[n].iov_base = chunk->data + pos;
          iov[n].iov_len = chunk->len - pos;
          n++;
        }
    }
  return n;
}

/* Writes the chunks as they fill; keeps the file once the whole object
 * is in it, else drops it. */
static gpointer
tee_thread (gpointer data)
{
  SqObjectInputStream *self = data;
  gboolean ok, keep;
  Chunk *chunk;

  self->tee_fd = _sq_object_cache_begin (&self->tee_path);
  ok = self->tee_fd >= 0;

  g_mutex_lock (&self->lock);
  while (ok)
    {
      struct iovec iov[TEE_IOV];
      gssize n;
      int pieces;

      if (self->finished && !self->whole)
        break; /* failed or stopped: nothing is kept, the rest need not be written */
      /* Wait for a few whole chunks: not a wake and a write per packet. */
      if (self->tee_pending < TEE_BATCH && !self->whole && !self->finished)
        {
          self->tee_waits = TRUE;
          g_cond_wait (&self->tee_cond, &self->lock);
          self->tee_waits = FALSE;
          continue;
        }
      pieces = tee_gather (self, iov);
      if (pieces == 0)
        break; /* all of it written */
      g_mutex_unlock (&self->lock);
      /* Filled bytes do not change: they are written without the lock. */
      do
        n = writev (self->tee_fd, iov, pieces);
      while (n < 0 && errno == EINTR);
      g_mutex_lock (&self->lock);
      if (n <= 0)
        {
          ok = FALSE; /* a full cache disk costs the cache, not the read */
          break;
        }
      tee_advance (self, (gsize) n);
      if (self->writer_waits && self->tee_pending <= TEE_LAG / 2)
        wake_writer (self);
    }
  keep = ok && self->whole && self->tee_pending == 0;
  /* From now on the download fills chunks for the reader alone. */
  self->teeing = FALSE;
  while ((chunk = g_queue_pop_head (&self->tee_chunks)) != NULL)
    release_chunk (self, chunk);
  self->tee_pending = 0;
  self->tee_pos = 0;
  if (self->writer_waits)
    wake_writer (self);
  g_mutex_unlock (&self->lock);

  if (self->tee_fd >= 0)
    {
      if (close (self->tee_fd) != 0)
        keep = FALSE;
      self->tee_fd = -1;
      if (keep)
        _sq_object_cache_commit (self->cache_url, self->etag, self->tee_path);
      else
        g_unlink (self->tee_path);
    }
  return NULL;
}

/* On the download thread, before any byte is queued: the cache writer
 * starts, if it can. */
static void
tee_start (SqObjectInputStream *self)
{
  self->teeing = TRUE;
  self->tee_thread = g_thread_try_new ("sq-cache-write", tee_thread, self, NULL);
  if (self->tee_thread == NULL)
    self->teeing = FALSE; /* no cache, the read goes on */
}

/* On the download thread: the last byte came. */
static void
set_whole (SqObjectInputStream *self)
{
  g_mutex_lock (&self->lock);
  self->whole = TRUE;
  g_cond_signal (&self->tee_cond);
  g_mutex_unlock (&self->lock);
}

/* The first answer that came through says what the object is; the
 * reader's open waits for this. */
static void
answer (SqObjectInputStream *self,
        long                 status)
{
  self->answered = TRUE;
  self->etag = g_strdup (self->response.etag);
  self->size = self->response.total_size;
  /* Only a whole object, from its first byte, is worth keeping; not one
   * the cache could not hold, which would evict everything and then go. */
  if (self->cache_url != NULL && status == 200 && self->etag != NULL &&
      (self->size < 0 || (guint64) self->size <= _sq_object_cache_limit ()))
    tee_start (self);

  g_mutex_lock (&self->lock);
  self->head = TRUE;
  self->head_size = self->size;
  self->head_status = status;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static size_t
stream_write (char   *data,
              size_t  size,
              size_t  n,
              void   *user)
{
  SqObjectInputStream *self = user;
  gsize len = size * n;
  long status = 0;
  Chunk *tail;

  curl_easy_getinfo (self->easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300)
    {
      /* An error's body, for its message; bounded. */
      if (self->response.body == NULL)
        self->response.body = g_byte_array_new ();
      if (self->response.body->len < 65536)
        g_byte_array_append (self->response.body, (const guint8 *) data, (guint) MIN (len, 65536));
      return len;
    }
  if (!self->wrote)
    {
      self->wrote = TRUE;
      if (status == 200 && self->received > 0)
        self->skip = self->received;
      if (!self->answered)
        answer (self, status);
    }
  if (self->skip >= (goffset) len)
    {
      self->skip -= (goffset) len;
      return len;
    }

  g_mutex_lock (&self->lock);
  if (self->queued >= self->lead || self->tee_pending >= TEE_LAG)
    {
      /* Nothing is taken: curl hands the same bytes again on resume. */
      g_mutex_unlock (&self->lock);
      self->paused = TRUE;
      return CURL_WRITEFUNC_PAUSE;
    }
  data += self->skip;
  len -= (gsize) self->skip;
  self->skip = 0;
  tail = g_queue_peek_tail (&self->chunks);
  for (gsize done = 0; done < len;)
    {
      gsize room;

      if (tail == NULL || tail->len == CHUNK_SIZE)
        {
          tail = take_chunk (self);
          g_queue_push_tail (&self->chunks, tail);
          if (self->teeing)
            {
              tail->holds++;
              g_queue_push_tail (&self->tee_chunks, tail);
            }
        }
      room = MIN (len - done, CHUNK_SIZE - tail->len);
      memcpy (tail->data + tail->len, data + done, room);
      tail->len += room;
      done += room;
    }
  self->queued += len;
  self->received += (goffset) len;
  /* The last byte: the cache keeps it now, whatever the reader does. */
  if (self->size >= 0 && self->received >= self->size)
    self->whole = TRUE;
  /* A waiting reader is woken by a whole chunk; less it finds by its own
   * timeout. One wake a packet cost more CPU than the copies. */
  if (self->reader_waits && (tail->len == CHUNK_SIZE || self->queued >= CHUNK_SIZE))
    {
      self->reader_waits = FALSE; /* one wake, not one a packet until it runs */
      g_cond_broadcast (&self->cond);
    }
  if (self->teeing)
    {
      self->tee_pending += len;
      if (self->tee_waits && (self->tee_pending >= TEE_BATCH || self->whole))
        {
          self->tee_waits = FALSE;
          g_cond_signal (&self->tee_cond);
        }
    }
  g_mutex_unlock (&self->lock);
  return size * n;
}

static gboolean
start_transfer (SqObjectInputStream  *self,
                GError              **error)
{
  g_autofree char *range = NULL;
  const char *headers[5] = { NULL };
  SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

  stop_transfer (self);
  _sq_object_response_clear (&self->response);
  self->done = FALSE;
  self->result = CURLE_OK;
  self->skip = 0;
  self->wrote = FALSE;
  self->paused = FALSE;
  self->curl_message[0] = '\0';
  if (self->if_none_match != NULL && self->received == 0 && self->attempt == 1)
    {
      headers[0] = "if-none-match";
      headers[1] = self->if_none_match;
    }
  else if (self->received > 0)
    {
      range = g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-", (gint64) self->received);
      headers[0] = "range";
      headers[1] = range;
      if (self->etag != NULL)
        {
          headers[2] = "if-match";
          headers[3] = self->etag;
        }
    }
  request.method = "GET";
  request.object = self->object;
  request.headers = headers;
  request.operation = "read";
  request.key = self->key;
  /* The stream's own cancellable: the progress callback stops the
   * transfer once the reader is gone. */
  self->easy = _sq_object_easy_new (self->config, &request, &self->headers, &self->response, self->stop, error);
  if (self->easy == NULL)
    return FALSE;
  curl_easy_setopt (self->easy, CURLOPT_WRITEFUNCTION, stream_write);
  curl_easy_setopt (self->easy, CURLOPT_WRITEDATA, self);
  curl_easy_setopt (self->easy, CURLOPT_ERRORBUFFER, self->curl_message);
  curl_easy_setopt (self->easy, CURLOPT_BUFFERSIZE, (long) CURL_BUFFER);
  curl_multi_add_handle (self->multi, self->easy);
  return TRUE;
}

/* A paused transfer waits until the reader has taken some, or it goes. */
static void
wait_for_room (SqObjectInputStream *self)
{
  g_mutex_lock (&self->lock);
  /* Half the lead taken first: not a pause and a wake per chunk. */
  while ((self->queued > self->lead / 2 || self->tee_pending > TEE_LAG / 2) &&
         !g_cancellable_is_cancelled (self->stop))
    {
      self->writer_waits = TRUE;
      g_cond_wait (&self->cond, &self->lock);
    }
  self->writer_waits = FALSE;
  g_mutex_unlock (&self->lock);
  if (g_cancellable_is_cancelled (self->stop))
    return;
  self->paused = FALSE;
  /* This may hand the held bytes to stream_write() at once, and pause again. */
  curl_easy_pause (self->easy, CURLPAUSE_CONT);
}

/* Runs the transfer a little: until bytes come, it ends, or a second. */
static void
pump (SqObjectInputStream *self)
{
  int running = 0;
  CURLMsg *msg;
  int left;

  if (self->paused)
    {
      wait_for_room (self);
      return;
    }
  curl_multi_perform (self->multi, &running);
  while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == self->easy)
      {
        self->done = TRUE;
        self->result = msg->data.result;
        curl_easy_getinfo (self->easy, CURLINFO_RESPONSE_CODE, &self->response.status);
      }
  /* Closing the stream wakes the poll (curl_multi_wakeup()). */
  if (!self->done && !self->paused)
    curl_multi_poll (self->multi, NULL, 0, 1000, NULL);
}

/* The whole download, with its retries; FALSE with @error when it failed
 * for good. */
static gboolean
download (SqObjectInputStream  *self,
          GError              **error)
{
  if (!start_transfer (self, error))
    return FALSE;

  for (;;)
    {
      long status;
      CURLcode code;

      if (g_cancellable_set_error_if_cancelled (self->stop, error))
        return FALSE;
      if (!self->done)
        {
          pump (self);
          continue;
        }

      status = self->response.status;
      code = self->result;
      if (code == CURLE_OK && status >= 200 && status < 300)
        {
          if (!self->answered)
            answer (self, status); /* an empty body: no bytes said so */
          if (self->size < 0 || self->received >= self->size)
            {
              set_whole (self);
              return TRUE; /* the end */
            }
          code = CURLE_PARTIAL_FILE; /* shorter than it said */
        }
      else if (code == CURLE_OK && status == 401 && !self->token_renewed &&
               _sq_object_token_refused (self->config, self->response.token_serial))
        {
          g_debug ("%s: access token %u refused, buying another", self->object, self->response.token_serial);
          self->token_renewed = TRUE;
          if (!start_transfer (self, error))
            return FALSE;
          continue;
        }
      else if (code == CURLE_OK && !self->answered)
        {
          if (status == 304 && self->if_none_match != NULL)
            {
              g_mutex_lock (&self->lock);
              self->not_modified = TRUE;
              g_mutex_unlock (&self->lock);
              return TRUE;
            }
          if (!_sq_object_retryable (CURLE_OK, status))
            {
              g_mutex_lock (&self->lock);
              self->refused = TRUE;
              g_mutex_unlock (&self->lock);
              goto fail;
            }
        }
      if (self->attempt < self->config->max_attempts && _sq_object_retryable (code, code == CURLE_OK ? status : 0))
        {
          g_debug ("%s: going on at byte %" G_GINT64_FORMAT " after %s (HTTP %ld)", self->object,
                   (gint64) self->received, curl_easy_strerror (code), status);
          _sq_object_backoff (self->attempt++, self->stop);
          if (!start_transfer (self, error))
            return FALSE;
          continue;
        }
    fail:
      {
        SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

        request.method = "GET";
        request.object = self->object;
        request.operation = "read";
        request.key = self->key;
        if (code == CURLE_PARTIAL_FILE && self->size >= 0)
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "cannot read shard '%s': the download ended after %" G_GINT64_FORMAT " of %"
                       G_GINT64_FORMAT " bytes, %u times", self->key, (gint64) self->received, self->size,
                       self->attempt);
        else
          _sq_object_set_error (self->config, &request, code, self->curl_message, &self->response, error);
      }
      return FALSE;
    }
}

static gpointer
download_thread (gpointer data)
{
  SqObjectInputStream *self = data;
  GError *error = NULL;

  download (self, &error);
  stop_transfer (self);

  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  self->head = TRUE;
  self->error = error;
  g_cond_broadcast (&self->cond);
  g_cond_signal (&self->tee_cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* Stops the download and waits for its thread: at once, whatever it was
 * doing (a poll, a pause, a backoff). Then the cache writer's: a whole
 * object is written to its end (at most TEE_LAG more bytes), the rest
 * dropped. */
static void
stop_thread (SqObjectInputStream *self)
{
  if (self->thread == NULL)
    return;
  g_cancellable_cancel (self->stop);
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  curl_multi_wakeup (self->multi);
  g_thread_join (g_steal_pointer (&self->thread));
  if (self->tee_thread != NULL)
    g_thread_join (g_steal_pointer (&self->tee_thread));
}

/* ---- the reader --------------------------------------------------------- */

/* Under the lock: waits until the download thread has said something,
 * or @cancellable is cancelled (looked at every WAIT_USEC). */
static gboolean
wait_for_thread (SqObjectInputStream  *self,
                 GCancellable         *cancellable,
                 GError              **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  self->reader_waits = TRUE;
  g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + WAIT_USEC);
  self->reader_waits = FALSE;
  return TRUE;
}

/* Makes self->current a chunk with bytes not read yet: 1, or 0 at the
 * end, or -1 with @error. */
static int
next_chunk (SqObjectInputStream  *self,
            GCancellable         *cancellable,
            GError              **error)
{
  if (self->current == NULL || self->pos == self->current->len)
    {
      g_mutex_lock (&self->lock);
      if (self->current != NULL)
        {
          release_chunk (self, g_steal_pointer (&self->current));
          self->pos = 0;
        }
      while (self->queued == 0 && !self->finished)
        if (!wait_for_thread (self, cancellable, error))
          {
            g_mutex_unlock (&self->lock);
            return -1;
          }
      if (self->queued == 0)
        {
          /* The end, or what ended it. */
          GError *failed = self->error ? g_error_copy (self->error) : NULL;

          g_mutex_unlock (&self->lock);
          if (failed != NULL)
            {
              g_propagate_error (error, failed);
              return -1;
            }
          return 0;
        }
      self->current = g_queue_pop_head (&self->chunks);
      self->queued -= self->current->len;
      /* A reader that keeps reading gets a longer lead. */
      self->lead = CLAMP ((gsize) self->delivered, LEAD_MIN, LEAD_MAX);
      if (self->writer_waits && self->queued <= self->lead / 2)
        wake_writer (self);
      g_mutex_unlock (&self->lock);
    }
  return 1;
}

static gssize
sq_object_input_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SqObjectInputStream *self = SQ_OBJECT_INPUT_STREAM (stream);
  int got = next_chunk (self, cancellable, error);
  gsize n;

  if (got <= 0)
    return got;
  n = MIN (count, self->current->len - self->pos);
  memcpy (buffer, self->current->data + self->pos, n);
  self->pos += n;
  self->delivered += (goffset) n;
  return (gssize) n;
}

/**
 * _sq_object_input_stream_borrow:
 * @data: (out): the next bytes, in the stream's own memory: valid until
 *   the next read or borrow, or the close
 *
 * A read without a copy, for the gzip reader, which inflates from
 * wherever the bytes are: the chunk that came, whole (what is left of it).
 * As g_input_stream_read(): the length, 0 at the end, -1 with @error.
 */
gssize
_sq_object_input_stream_borrow (SqObjectInputStream  *self,
                                const guint8        **data,
                                GCancellable         *cancellable,
                                GError              **error)
{
  GInputStream *stream = G_INPUT_STREAM (self);
  gsize n;
  int got;

  *data = NULL;
  if (!g_input_stream_set_pending (stream, error))
    return -1;
  got = next_chunk (self, cancellable, error);
  g_input_stream_clear_pending (stream);
  if (got <= 0)
    return got;
  n = self->current->len - self->pos;
  *data = self->current->data + self->pos;
  self->pos = self->current->len;
  self->delivered += (goffset) n;
  return (gssize) n;
}

static gboolean
sq_object_input_stream_close (GInputStream  *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  stop_thread (SQ_OBJECT_INPUT_STREAM (stream));
  return TRUE;
}

static void
sq_object_input_stream_finalize (GObject *object)
{
  SqObjectInputStream *self = (SqObjectInputStream *) object;

  stop_thread (self);
  stop_transfer (self);
  curl_multi_cleanup (self->multi);
  g_free (self->tee_path);
  g_free (self->if_none_match);
  g_free (self->cache_url);
  _sq_object_response_clear (&self->response);
  /* The writer has let go of its chunks: each is the reader's or spare. */
  g_queue_clear_full (&self->chunks, chunk_free);
  g_ptr_array_unref (self->spare);
  g_clear_pointer (&self->current, chunk_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_cond_clear (&self->tee_cond);
  g_clear_object (&self->stop);
  g_free (self->object);
  g_free (self->key);
  g_free (self->etag);
  g_clear_object (&self->owner);
  G_OBJECT_CLASS (sq_object_input_stream_parent_class)->finalize (object);
}

static void
sq_object_input_stream_class_init (SqObjectInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sq_object_input_stream_finalize;
  stream_class->read_fn = sq_object_input_stream_read;
  stream_class->close_fn = sq_object_input_stream_close;
}

static void
sq_object_input_stream_init (SqObjectInputStream *self)
{
  self->multi = curl_multi_init ();
  self->stop = g_cancellable_new ();
  self->spare = g_ptr_array_new_with_free_func (chunk_free);
  g_queue_init (&self->chunks);
  g_queue_init (&self->tee_chunks);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_cond_init (&self->tee_cond);
  self->lead = LEAD_MIN;
  self->size = -1;
  self->head_size = -1;
  self->attempt = 1;
  self->tee_fd = -1;
}

/* Starts the download and waits for its first answer: a missing object
 * is a G_IO_ERROR_NOT_FOUND here, not at the first read. With
 * @if_none_match, an object of that ETag is %NULL with no error and
 * @not_modified set. With @cache_url, the bytes go to the cache too, kept
 * once they all came. */
GInputStream *
_sq_object_input_stream_open (GObject         *owner,
                              SqObjectConfig  *config,
                              const char      *object,
                              const char      *key,
                              const char      *if_none_match,
                              const char      *cache_url,
                              gint64          *size,
                              gboolean        *not_modified,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(SqObjectInputStream) self = g_object_new (SQ_TYPE_OBJECT_INPUT_STREAM, NULL);
  GError *refused = NULL;

  self->owner = g_object_ref (owner);
  self->config = config;
  self->object = g_strdup (object);
  self->key = g_strdup (key);
  self->if_none_match = g_strdup (if_none_match);
  self->cache_url = g_strdup (cache_url);
  *not_modified = FALSE;
  self->thread = g_thread_try_new ("sq-download", download_thread, self, error);
  if (self->thread == NULL)
    {
      g_prefix_error (error, "cannot read shard '%s': ", key);
      return NULL;
    }

  g_mutex_lock (&self->lock);
  while (!self->head)
    if (!wait_for_thread (self, cancellable, error))
      {
        g_mutex_unlock (&self->lock);
        return NULL;
      }
  *not_modified = self->not_modified;
  if (self->refused)
    refused = g_error_copy (self->error);
  *size = self->head_size;
  g_mutex_unlock (&self->lock);
  if (refused != NULL)
    {
      g_propagate_error (error, refused);
      return NULL;
    }
  if (*not_modified)
    return NULL;
  /* Anything else that failed is said by the first read. */
  return G_INPUT_STREAM (g_steal_pointer (&self));
}
