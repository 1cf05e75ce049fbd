/* sq-object-http.c: signed requests to a bucket over libcurl
 *
 * Every request has a connect timeout and a low-speed timeout (a server
 * that stalls is given up on), honours its GCancellable through curl's
 * progress callback, and is retried a few times with backoff after a
 * reset, a timeout, a 5xx or a throttle. Connections are shared between
 * requests (one curl share), so listing a big bucket does not open a
 * connection per page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sq-object-http-private.h"
#include "sq-sigv4-private.h"
#include "sq-store.h"
#include "sq-object-token-private.h"

/* Error and list bodies are small; a server sending more is wrong. */
#define MAX_BODY (64 << 20)

static GMutex share_locks[CURL_LOCK_DATA_LAST];
static CURLSH *share;

static void
share_lock (CURL *handle, curl_lock_data data, curl_lock_access access, void *user)
{
  g_mutex_lock (&share_locks[data]);
}

static void
share_unlock (CURL *handle, curl_lock_data data, void *user)
{
  g_mutex_unlock (&share_locks[data]);
}

static void
ensure_curl (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      share = curl_share_init ();
      curl_share_setopt (share, CURLSHOPT_LOCKFUNC, share_lock);
      curl_share_setopt (share, CURLSHOPT_UNLOCKFUNC, share_unlock);
      curl_share_setopt (share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
      curl_share_setopt (share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt (share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      g_once_init_leave (&once, 1);
    }
}

void
_sq_object_response_clear (SqObjectResponse *response)
{
  g_clear_pointer (&response->body, g_byte_array_unref);
  g_clear_pointer (&response->etag, g_free);
  g_clear_pointer (&response->generation, g_free);
  g_clear_pointer (&response->md5, g_free);
  response->after_lost_answer = FALSE;
  response->status = 0;
  response->content_length = -1;
  response->mtime = -1;
  response->total_size = -1;
}

static size_t
body_cb (char   *data,
         size_t  size,
         size_t  n,
         void   *user)
{
  SqObjectResponse *response = user;

  if (response->body == NULL)
    response->body = g_byte_array_new ();
  if (response->body->len + size * n > MAX_BODY)
    return 0;
  g_byte_array_append (response->body, (const guint8 *) data, (guint) (size * n));
  return size * n;
}

static gint64
parse_http_date (const char *text)
{
  /* "Wed, 02 Dec 2026 02:00:00 GMT" */
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  char month[4] = { 0 };
  int day, year, hour, minute, second;
  g_autoptr(GDateTime) time = NULL;

  if (sscanf (text, "%*3s, %d %3s %d %d:%d:%d", &day, month, &year, &hour, &minute, &second) != 6)
    return -1;
  for (int m = 0; m < 12; m++)
    if (strcmp (month, months[m]) == 0)
      time = g_date_time_new_utc (year, m + 1, day, hour, minute, second);
  return time ? g_date_time_to_unix (time) * G_USEC_PER_SEC : -1;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  n,
           void   *user)
{
  SqObjectResponse *response = user;
  gsize len = size * n;
  g_autofree char *line = g_strstrip (g_strndup (data, len));
  char *colon;

  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* A new response (after a 100 Continue): forget the last one's. */
      g_clear_pointer (&response->etag, g_free);
      g_clear_pointer (&response->generation, g_free);
      g_clear_pointer (&response->md5, g_free);
      response->content_length = response->total_size = response->mtime = -1;
      return len;
    }
  colon = strchr (line, ':');
  if (colon == NULL)
    return len;
  *colon = '\0';
  g_strstrip (colon + 1);
  if (g_ascii_strcasecmp (line, "etag") == 0)
    {
      g_free (response->etag);
      response->etag = g_strdup (colon + 1);
    }
  else if (g_ascii_strcasecmp (line, "x-goog-generation") == 0)
    {
      g_free (response->generation);
      response->generation = g_strdup (colon + 1);
    }
  else if (g_ascii_strcasecmp (line, "x-goog-hash") == 0)
    {
      /* "crc32c=...", "md5=...": one a line, or both after a comma. */
      g_auto(GStrv) hashes = g_strsplit (colon + 1, ",", -1);

      for (gsize i = 0; hashes[i] != NULL; i++)
        if (g_str_has_prefix (g_strstrip (hashes[i]), "md5="))
          {
            g_free (response->md5);
            response->md5 = g_strdup (hashes[i] + 4);
          }
    }
  else if (g_ascii_strcasecmp (line, "content-length") == 0)
    {
      response->content_length = g_ascii_strtoll (colon + 1, NULL, 10);
      if (response->total_size < 0)
        response->total_size = response->content_length;
    }
  else if (g_ascii_strcasecmp (line, "content-range") == 0)
    {
      const char *slash = strrchr (colon + 1, '/');

      if (slash != NULL && slash[1] != '*')
        response->total_size = g_ascii_strtoll (slash + 1, NULL, 10);
    }
  else if (g_ascii_strcasecmp (line, "last-modified") == 0)
    response->mtime = parse_http_date (colon + 1);
  return len;
}

static int
progress_cb (void       *user,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  return g_cancellable_is_cancelled (user) ? 1 : 0;
}

/* The body of a PUT (@fd from @start) or of a POST (@body), as curl
 * reads it; @rewound once curl sent it again by itself (a reused
 * connection that turned out dead, its request maybe done). */
typedef struct
{
  int         fd;
  const char *body;
  goffset     start;
  goffset     length;
  goffset     done;
  gboolean    rewound;
} Upload;

static size_t
upload_cb (char   *buffer,
           size_t  size,
           size_t  n,
           void   *user)
{
  Upload *upload = user;
  gsize want = MIN ((goffset) (size * n), upload->length - upload->done);
  gssize got;

  if (want == 0)
    return 0;
  if (upload->body != NULL)
    {
      memcpy (buffer, upload->body + upload->done, want);
      upload->done += want;
      return want;
    }
  do
    got = pread (upload->fd, buffer, want, upload->start + upload->done);
  while (got < 0 && errno == EINTR);
  if (got <= 0)
    return CURL_READFUNC_ABORT;
  upload->done += got;
  return (size_t) got;
}

static int
upload_seek_cb (void       *user,
                curl_off_t  offset,
                int         origin)
{
  Upload *upload = user;

  if (origin != SEEK_SET || offset < 0 || offset > upload->length)
    return CURL_SEEKFUNC_CANTSEEK;
  upload->done = offset;
  upload->rewound = TRUE;
  return CURL_SEEKFUNC_OK;
}

char *
_sq_object_display (SqObjectConfig *config,
                    const char     *object)
{
  return g_strdup_printf ("%s://%s/%s", config->gcs ? "gs" : "s3", config->bucket, object ? object : "");
}

static struct curl_slist *
add_header (struct curl_slist *list,
            const char        *name,
            const char        *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

  return curl_slist_append (list, line);
}

CURL *
_sq_object_easy_new (SqObjectConfig     *config,
                     SqObjectRequest    *request,
                     struct curl_slist **headers,
                     SqObjectResponse   *response,
                     GCancellable       *cancellable,
                     GError            **error)
{
  const char *endpoint_host = strstr (config->endpoint, "://") + 3;
  g_autofree char *scheme = g_strndup (config->endpoint, (gsize) (endpoint_host - config->endpoint));
  g_autofree char *object = _sq_uri_encode (request->object ? request->object : "", TRUE);
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) signed_headers = g_ptr_array_new ();
  struct curl_slist *list = NULL;
  CURL *easy;

  ensure_curl ();
  if (config->path_style)
    {
      host = g_strdup (endpoint_host);
      path = g_strdup_printf ("/%s/%s", config->bucket, object);
    }
  else
    {
      host = g_strdup_printf ("%s.%s", config->bucket, endpoint_host);
      path = g_strdup_printf ("/%s", object);
    }
  url = g_strdup_printf ("%s%s%s%s%s", scheme, host, path, request->query ? "?" : "",
                         request->query ? request->query : "");

  for (gsize i = 0; request->headers != NULL && request->headers[i] != NULL; i += 2)
    {
      g_ptr_array_add (signed_headers, (gpointer) request->headers[i]);
      g_ptr_array_add (signed_headers, (gpointer) request->headers[i + 1]);
      list = add_header (list, request->headers[i], request->headers[i + 1]);
    }

  if (config->bearer != NULL || _sq_object_config_buys_tokens (config))
    {
      g_autofree char *value = _sq_object_token_authorization (config, &response->token_serial, cancellable,
                                                               error);

      if (value == NULL)
        {
          curl_slist_free_all (list);
          return NULL;
        }
      list = add_header (list, "authorization", value);
      memset (value, 0, strlen (value));
    }
  else if (config->access_key != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *amz_date = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
      g_autofree char *authorization = NULL;

      g_ptr_array_add (signed_headers, "host");
      g_ptr_array_add (signed_headers, host);
      g_ptr_array_add (signed_headers, "x-amz-date");
      g_ptr_array_add (signed_headers, amz_date);
      g_ptr_array_add (signed_headers, "x-amz-content-sha256");
      g_ptr_array_add (signed_headers, "UNSIGNED-PAYLOAD");
      if (config->session_token != NULL)
        {
          g_ptr_array_add (signed_headers, "x-amz-security-token");
          g_ptr_array_add (signed_headers, config->session_token);
          list = add_header (list, "x-amz-security-token", config->session_token);
        }
      g_ptr_array_add (signed_headers, NULL);
      authorization = _sq_sigv4_authorization (request->method, path, request->query ? request->query : "",
                                               (const char * const *) signed_headers->pdata, "UNSIGNED-PAYLOAD",
                                               amz_date, config->region, config->gcs ? "s3" : "s3",
                                               config->access_key, config->secret_key);
      list = add_header (list, "x-amz-date", amz_date);
      list = add_header (list, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
      list = add_header (list, "authorization", authorization);
    }
  /* No 100-continue round trip before an upload. */
  list = curl_slist_append (list, "Expect:");

  easy = curl_easy_init ();
  curl_easy_setopt (easy, CURLOPT_SHARE, share);
  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, config->connect_timeout);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, config->low_speed_time);
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "drey/" PACKAGE_VERSION " libcurl");
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, response);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, response);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, cancellable);
  if (strcmp (request->method, "HEAD") == 0)
    curl_easy_setopt (easy, CURLOPT_NOBODY, 1L);
  else if (strcmp (request->method, "POST") == 0)
    {
      /* The body from _sq_object_perform()'s read callback. */
      curl_easy_setopt (easy, CURLOPT_POST, 1L);
      curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request->body_length);
    }
  else if (strcmp (request->method, "PUT") == 0)
    {
      curl_easy_setopt (easy, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (easy, CURLOPT_INFILESIZE_LARGE,
                        (curl_off_t) (request->upload_fd >= 0 ? request->upload_length : 0));
    }
  else if (strcmp (request->method, "GET") != 0)
    curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, request->method);
  *headers = list;
  return easy;
}

gboolean
_sq_object_retryable (CURLcode code,
                      long     status)
{
  switch (code)
    {
    case CURLE_OK:
      return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether a failed attempt may still have been done by the server: its
 * request may have reached it whole and only the answer been lost. Not a
 * connection never made, nor a throttle (429, 503 SlowDown), which S3
 * answers before it does anything. */
static gboolean
answer_may_be_lost (CURLcode code,
                    long     status)
{
  if (code == CURLE_OK)
    return status == 500 || status == 502 || status == 504;
  return code != CURLE_COULDNT_CONNECT && code != CURLE_SSL_CONNECT_ERROR;
}

/* 200 ms, 400 ms, 800 ms...: a throttled server gets room. */
void
_sq_object_backoff (guint         attempt,
                    GCancellable *cancellable)
{
  gint64 until = g_get_monotonic_time () + (200 << MIN (attempt, 5)) * 1000 + g_random_int_range (0, 100000);

  while (g_get_monotonic_time () < until && !g_cancellable_is_cancelled (cancellable))
    g_usleep (10000);
}

/* <Code> and <Message> of an S3 error body. */
static char *
xml_field (GByteArray *body,
           const char *name)
{
  g_autofree char *open = g_strdup_printf ("<%s>", name);
  g_autofree char *close = g_strdup_printf ("</%s>", name);
  g_autofree char *text = NULL;
  const char *start, *end;

  if (body == NULL)
    return NULL;
  text = g_strndup ((const char *) body->data, body->len);
  start = strstr (text, open);
  end = start ? strstr (start, close) : NULL;
  if (end == NULL)
    return NULL;
  start += strlen (open);
  /* A line of the server's words, no more. */
  return g_utf8_make_valid (start, MIN (end - start, 200));
}

void
_sq_object_set_error (SqObjectConfig   *config,
                      SqObjectRequest  *request,
                      CURLcode          code,
                      const char       *curl_message,
                      SqObjectResponse *response,
                      GError          **error)
{
  g_autofree char *where = _sq_object_display (config, config->prefix);
  g_autofree char *what = request->key ? g_strdup_printf ("cannot %s shard '%s' in %s", request->operation,
                                                          request->key, where)
                                       : g_strdup_printf ("cannot %s %s", request->operation, where);
  g_autofree char *xml_code = NULL;
  g_autofree char *xml_message = NULL;
  long status = response->status;
  g_autofree char *status_text = g_strdup_printf ("HTTP %ld", status);

  if (code == CURLE_ABORTED_BY_CALLBACK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return;
    }
  if (code != CURLE_OK)
    {
      const char *endpoint = config->endpoint;
      const char *detail = curl_message && *curl_message ? curl_message : curl_easy_strerror (code);

      switch (code)
        {
        case CURLE_OPERATION_TIMEDOUT:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: %s stopped answering (%s)", what, endpoint,
                       detail);
          break;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, "%s: no such host (%s)", what, detail);
          break;
        case CURLE_COULDNT_CONNECT:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE, "%s: cannot reach %s (%s)", what,
                       endpoint, detail);
          break;
        default:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "%s: the connection to %s failed (%s)",
                       what, endpoint, detail);
        }
      return;
    }

  xml_code = xml_field (response->body, "Code");
  xml_message = xml_field (response->body, "Message");
  if (status == 401 || status == 403)
    {
      if (_sq_object_config_anonymous (config))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     "%s: access denied to bucket '%s' without credentials (%s); Drey looked for them in: %s",
                     what, config->bucket, xml_code ? xml_code : status_text, config->looked);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     "%s: access denied to bucket '%s' for the credentials from %s (%s%s%s)",
                     what, config->bucket, config->credential_source, xml_code ? xml_code : status_text,
                     xml_message ? ": " : "", xml_message ? xml_message : "");
    }
  else if (status == 404 && g_strcmp0 (xml_code, "NoSuchBucket") == 0)
    g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_A_STORE, "%s: there is no bucket '%s' at %s", what,
                 config->bucket, config->endpoint);
  else if (status == 404)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: not found", what);
  else if (status == 412)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG, "%s: someone else wrote it meanwhile", what);
  else if (status == 429 || (status == 503 && g_strcmp0 (xml_code, "SlowDown") == 0))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "%s: the server throttles requests (%s); try again later",
                 what, xml_code ? xml_code : "HTTP 429");
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the server answered HTTP %ld%s%s%s%s", what, status,
                 xml_code ? " " : "", xml_code ? xml_code : "", xml_message ? ": " : "",
                 xml_message ? xml_message : "");
}

gboolean
_sq_object_perform (SqObjectConfig   *config,
                    SqObjectRequest  *request,
                    const long       *accept,
                    SqObjectResponse *response,
                    GCancellable     *cancellable,
                    GError          **error)
{
  gboolean lost = FALSE;
  gboolean token_renewed = FALSE;

  for (guint attempt = 1;; attempt++)
    {
      struct curl_slist *headers = NULL;
      char curl_message[CURL_ERROR_SIZE] = "";
      Upload upload = { request->upload_fd, NULL, request->upload_offset, request->upload_length, 0, FALSE };
      gboolean accepted;
      CURLcode code;
      CURL *easy;

      _sq_object_response_clear (response);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      easy = _sq_object_easy_new (config, request, &headers, response, cancellable, error);
      if (easy == NULL)
        return FALSE;
      curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, curl_message);
      if (strcmp (request->method, "PUT") == 0 || strcmp (request->method, "POST") == 0)
        {
          if (strcmp (request->method, "POST") == 0)
            {
              upload.body = request->body ? request->body : "";
              upload.length = (goffset) request->body_length;
            }
          else if (request->upload_fd < 0)
            upload.length = 0;
          curl_easy_setopt (easy, CURLOPT_READFUNCTION, upload_cb);
          curl_easy_setopt (easy, CURLOPT_READDATA, &upload);
          /* curl then sends it again itself over a fresh connection when a
           * reused one died: which may have done it. */
          curl_easy_setopt (easy, CURLOPT_SEEKFUNCTION, upload_seek_cb);
          curl_easy_setopt (easy, CURLOPT_SEEKDATA, &upload);
        }
      code = curl_easy_perform (easy);
      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &response->status);
      curl_easy_cleanup (easy);
      curl_slist_free_all (headers);
      if (upload.rewound)
        g_debug ("%s %s: sent again by curl on a fresh connection", request->method,
                 request->object ? request->object : "/");
      lost = lost || upload.rewound;
      response->after_lost_answer = lost;

      accepted = code == CURLE_OK && response->status >= 200 && response->status < 300;
      for (gsize i = 0; code == CURLE_OK && accept != NULL && accept[i] != 0; i++)
        accepted = accepted || response->status == accept[i];
      if (accepted)
        return TRUE;
      if (code == CURLE_OK && response->status == 401 && !token_renewed &&
          _sq_object_token_refused (config, response->token_serial))
        {
          g_debug ("%s %s: access token %u refused, buying another", request->method,
                   request->object ? request->object : "/", response->token_serial);
          token_renewed = TRUE;
          continue;
        }
      if (attempt < config->max_attempts && _sq_object_retryable (code, response->status) &&
          !g_cancellable_is_cancelled (cancellable))
        {
          g_debug ("%s %s: retrying after %s (HTTP %ld)", request->method, request->object ? request->object : "/",
                   curl_easy_strerror (code), response->status);
          lost = lost || answer_may_be_lost (code, response->status);
          _sq_object_backoff (attempt, cancellable);
          continue;
        }
      _sq_object_set_error (config, request, code, curl_message, response, error);
      return FALSE;
    }
}
