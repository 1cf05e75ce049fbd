/* sq-object-input-stream.c: an object's bytes as they download, for the
 * shard reader to decode while the rest is still on its way
 *
 * A pull stream over curl's multi interface: each read runs the transfer
 * until some bytes are here (a read never waits long without looking at
 * its GCancellable). A download that breaks off (a reset, a stall, a body
 * shorter than its Content-Length) goes on where it stopped, with a Range
 * request that carries If-Match with the ETag of the first answer: the
 * rest must be of the same object, or the read fails saying the shard
 * changed. The tries are bounded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sq-object-cache-private.h"
#include "sq-object-http-private.h"
#include "sq-object-input-stream.h"

struct _SqObjectInputStream
{
  GInputStream        parent_instance;

  GObject            *owner;      /* keeps @config alive */
  SqObjectConfig     *config;
  char               *object;
  char               *key;
  char               *etag;       /* of the first answer */
  gint64              size;       /* -1: unknown */

  CURLM              *multi;
  CURL               *easy;
  struct curl_slist  *headers;
  SqObjectResponse    response;
  char                curl_message[CURL_ERROR_SIZE];
  GCancellable       *cancellable; /* of the read under way, for curl's callback */
  gboolean            done;
  CURLcode            result;
  goffset             skip;       /* bytes to drop: a Range the server ignored */
  gboolean            wrote;      /* this transfer has sent body bytes */

  GByteArray         *buffer;
  gsize               pos;
  goffset             delivered;
  guint               attempt;

  char               *if_none_match; /* the first request's, for the cache */
  char               *cache_url;  /* keep what comes in the cache, as this */
  int                 tee_fd;
  char               *tee_path;
};

G_DEFINE_FINAL_TYPE (SqObjectInputStream, sq_object_input_stream, G_TYPE_INPUT_STREAM)

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

static size_t
stream_write (char   *data,
              size_t  size,
              size_t  n,
              void   *user)
{
  SqObjectInputStream *self = user;
  gsize len = size * n;
  long status = 0;

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
      if (status == 200 && self->delivered > 0)
        self->skip = self->delivered;
    }
  if (self->skip > 0)
    {
      gsize dropped = (gsize) MIN ((goffset) len, self->skip);

      self->skip -= dropped;
      data += dropped;
      len -= dropped;
    }
  g_byte_array_append (self->buffer, (const guint8 *) data, (guint) len);
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
  self->curl_message[0] = '\0';
  if (self->if_none_match != NULL && self->delivered == 0 && self->attempt == 1)
    {
      headers[0] = "if-none-match";
      headers[1] = self->if_none_match;
    }
  else if (self->delivered > 0)
    {
      range = g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-", (gint64) self->delivered);
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
  self->easy = _sq_object_easy_new (self->config, &request, &self->headers, &self->response, self->cancellable,
                                    error);
  if (self->easy == NULL)
    return FALSE;
  curl_easy_setopt (self->easy, CURLOPT_WRITEFUNCTION, stream_write);
  curl_easy_setopt (self->easy, CURLOPT_WRITEDATA, self);
  curl_easy_setopt (self->easy, CURLOPT_ERRORBUFFER, self->curl_message);
  /* The progress callback asks the cancellable of the read under way. */
  curl_easy_setopt (self->easy, CURLOPT_XFERINFODATA, self->cancellable);
  curl_multi_add_handle (self->multi, self->easy);
  return TRUE;
}

/* Runs the transfer a little: until bytes come, it ends, or 100 ms. */
static void
pump (SqObjectInputStream *self)
{
  int running = 0;
  CURLMsg *msg;
  int left;

  curl_multi_perform (self->multi, &running);
  while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == self->easy)
      {
        self->done = TRUE;
        self->result = msg->data.result;
        curl_easy_getinfo (self->easy, CURLINFO_RESPONSE_CODE, &self->response.status);
      }
  if (!self->done && self->buffer->len == self->pos)
    curl_multi_poll (self->multi, NULL, 0, 100, NULL);
}

static void
tee_drop (SqObjectInputStream *self)
{
  if (self->tee_fd >= 0)
    {
      close (self->tee_fd);
      g_unlink (self->tee_path);
      self->tee_fd = -1;
    }
}

static void
tee_write (SqObjectInputStream *self,
           const guint8        *data,
           gsize                len)
{
  while (self->tee_fd >= 0 && len > 0)
    {
      gssize n = write (self->tee_fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          tee_drop (self); /* a full cache disk costs the cache, not the read */
          return;
        }
      data += n;
      len -= (gsize) n;
    }
}

/* The whole object came: the cache keeps it. */
static void
tee_finish (SqObjectInputStream *self)
{
  if (self->tee_fd < 0)
    return;
  if (self->etag == NULL || close (self->tee_fd) != 0)
    {
      tee_drop (self);
      return;
    }
  self->tee_fd = -1;
  _sq_object_cache_commit (self->cache_url, self->etag, self->tee_path);
}

/* Fills the buffer or finds the end; FALSE with @error when the transfer
 * failed for good. A failed transfer is started again where it stopped,
 * while tries are left. */
static gboolean
fill (SqObjectInputStream  *self,
      GCancellable         *cancellable,
      GError              **error)
{
  self->cancellable = cancellable;
  if (self->easy != NULL)
    curl_easy_setopt (self->easy, CURLOPT_XFERINFODATA, cancellable);

  while (self->buffer->len == self->pos)
    {
      long status;
      CURLcode code;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
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
          /* The first answer that came through says what the object is. */
          if (self->size < 0)
            self->size = self->response.total_size;
          if (self->etag == NULL)
            self->etag = g_strdup (self->response.etag);
          if (self->size < 0 || self->delivered >= self->size)
            {
              tee_finish (self);
              return TRUE; /* the end */
            }
          code = CURLE_PARTIAL_FILE; /* shorter than it said */
        }
      if (self->attempt < self->config->max_attempts && _sq_object_retryable (code, code == CURLE_OK ? status : 0))
        {
          g_debug ("%s: going on at byte %" G_GINT64_FORMAT " after %s (HTTP %ld)", self->object,
                   (gint64) self->delivered, curl_easy_strerror (code), status);
          _sq_object_backoff (self->attempt++, cancellable);
          if (!start_transfer (self, error))
            return FALSE;
          continue;
        }
      {
        SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

        request.method = "GET";
        request.object = self->object;
        request.operation = "read";
        request.key = self->key;
        if (code == CURLE_PARTIAL_FILE && self->size >= 0)
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "cannot read shard '%s': the download ended after %" G_GINT64_FORMAT " of %"
                       G_GINT64_FORMAT " bytes, %u times", self->key, (gint64) self->delivered, self->size,
                       self->attempt);
        else
          _sq_object_set_error (self->config, &request, code, self->curl_message, &self->response, error);
      }
      return FALSE;
    }
  return TRUE;
}

static gssize
sq_object_input_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SqObjectInputStream *self = SQ_OBJECT_INPUT_STREAM (stream);
  gsize n;

  if (!fill (self, cancellable, error))
    return -1;
  n = MIN (count, self->buffer->len - self->pos);
  memcpy (buffer, self->buffer->data + self->pos, n);
  tee_write (self, self->buffer->data + self->pos, n);
  self->pos += n;
  self->delivered += (goffset) n;
  /* A reader that knows the size stops at its last byte, without the
   * read that would say the end: the whole object is here now. */
  if (self->size >= 0 && self->delivered >= self->size)
    tee_finish (self);
  if (self->pos == self->buffer->len)
    {
      g_byte_array_set_size (self->buffer, 0);
      self->pos = 0;
    }
  return (gssize) n;
}

static gboolean
sq_object_input_stream_close (GInputStream  *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  stop_transfer (SQ_OBJECT_INPUT_STREAM (stream));
  return TRUE;
}

static void
sq_object_input_stream_finalize (GObject *object)
{
  SqObjectInputStream *self = (SqObjectInputStream *) object;

  stop_transfer (self);
  tee_drop (self);
  g_free (self->tee_path);
  g_free (self->if_none_match);
  g_free (self->cache_url);
  curl_multi_cleanup (self->multi);
  _sq_object_response_clear (&self->response);
  g_byte_array_unref (self->buffer);
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
  self->buffer = g_byte_array_new ();
  self->size = -1;
  self->attempt = 1;
  self->tee_fd = -1;
}

/* Starts the download and waits for its first bytes: a missing object is
 * a G_IO_ERROR_NOT_FOUND here, not at the first read. With
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

  self->owner = g_object_ref (owner);
  self->config = config;
  self->object = g_strdup (object);
  self->key = g_strdup (key);
  self->if_none_match = g_strdup (if_none_match);
  self->cancellable = cancellable;
  *not_modified = FALSE;
  if (!start_transfer (self, error))
    return NULL;
  while (!self->done && self->buffer->len == 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      pump (self);
    }
  /* The status so far: of the whole answer once done, else of its head. */
  if (!self->done)
    curl_easy_getinfo (self->easy, CURLINFO_RESPONSE_CODE, &self->response.status);
  if (self->done && self->result == CURLE_OK && self->response.status == 304 && if_none_match != NULL)
    {
      *not_modified = TRUE;
      return NULL;
    }
  if (self->done && self->result == CURLE_OK &&
      (self->response.status < 200 || self->response.status >= 300) &&
      !_sq_object_retryable (CURLE_OK, self->response.status))
    {
      SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

      request.method = "GET";
      request.object = object;
      request.operation = "read";
      request.key = key;
      _sq_object_set_error (config, &request, CURLE_OK, NULL, &self->response, error);
      return NULL;
    }
  /* Anything else that failed is tried again by the first read. */
  self->etag = g_strdup (self->response.etag);
  self->size = self->response.total_size;
  *size = self->size;
  /* Only a whole object, from its first byte, is worth keeping. */
  if (cache_url != NULL && self->response.status == 200)
    {
      self->cache_url = g_strdup (cache_url);
      self->tee_fd = _sq_object_cache_begin (&self->tee_path);
    }
  return G_INPUT_STREAM (g_steal_pointer (&self));
}
