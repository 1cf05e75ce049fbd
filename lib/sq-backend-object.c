/* sq-backend-object.c: a store that is a prefix in a bucket: s3://BUCKET/
 * PREFIX (S3 and the services that speak it) or gs://BUCKET/PREFIX (Cloud
 * Storage's XML API, which speaks the same)
 *
 * The shards are the objects PREFIX/KEY.gz directly under the prefix, as
 * squirrel-core's fsspec store sees them. Listing is ListObjectsV2 with
 * the delimiter '/', page by page into the caller's sink; its order (by
 * the names' bytes) is squirrel's. A read streams the object as it
 * downloads. A put writes the shard to a temp file and uploads it whole
 * (one PUT, or a multipart upload for big shards): nobody sees a half
 * object, and a failed upload leaves the old one. A put on condition
 * (sq_store_set_if()) asks for the object first, for servers that ignore
 * conditional requests, and then sends the condition with the request
 * that publishes it, which the server checks as it writes: If-Match on
 * the ETag or If-None-Match: * for S3 (on CompleteMultipartUpload for a
 * multipart upload), x-goog-if-generation-match for Cloud Storage, whose
 * shards' etags are their generations (its multipart uploads take no
 * preconditions: the question before is all). A refusal of a retry whose
 * first attempt's answer was lost may be of Drey's own write: the object
 * is asked for, and only if it is certainly the bytes uploaded (their MD5)
 * is the write done. The etag of what was written comes from the write's
 * own answer (the ETag, or Cloud Storage's generation), not from asking
 * after it, when someone else may have written. The Undo stash is a
 * server-side copy under PREFIX/.drey-undo-XXXXXXXX.tmp, a name no
 * squirrel listing takes for a shard.
 *
 * Reads go through the cache of downloaded shards (sq-object-cache.c)
 * unless the store says not to.
 *
 * The configuration (credentials, endpoint) is read on the first request,
 * on a worker, as all of this runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sq-backend-object.h"
#include "sq-object-cache-private.h"
#include "sq-object-http-private.h"
#include "sq-object-input-stream.h"
#include "sq-sigv4-private.h"
#include "sq-store-private.h"

#define STASH_PREFIX ".drey-undo-"

struct _SqObjectBackend
{
  GObject         parent_instance;

  char           *url;
  GMutex          lock;
  SqObjectConfig *config;   /* once read; then never changes but for tokens */
};

static void sq_object_backend_iface_init (SqBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SqObjectBackend, sq_object_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SQ_TYPE_BACKEND, sq_object_backend_iface_init))

static SqObjectConfig *
get_config (SqObjectBackend  *self,
            GError          **error)
{
  SqObjectConfig *config;

  if (!_sq_curl_load (error))
    return NULL;
  g_mutex_lock (&self->lock);
  if (self->config == NULL)
    self->config = _sq_object_config_new (self->url, error);
  config = self->config;
  g_mutex_unlock (&self->lock);
  return config;
}

static char *
object_name (SqObjectConfig *config,
             const char     *key)
{
  return g_strconcat (config->prefix, key, ".gz", NULL);
}

/* ListObjectsV2, one page. */
typedef struct
{
  SqObjectConfig  *config;
  SqKeySink       *sink;
  gboolean         names_only;
  GString         *text;
  char            *key;
  gint64           size;
  gint64           mtime;
  char            *next_token;
  gboolean         truncated;
  gboolean         in_contents;
  guint            found;
} ListPage;

static void
list_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  ListPage *page = user_data;

  g_string_truncate (page->text, 0);
  if (strcmp (element, "Contents") == 0)
    {
      page->in_contents = TRUE;
      g_clear_pointer (&page->key, g_free);
      page->size = page->mtime = -1;
    }
}

static void
list_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 len,
           gpointer              user_data,
           GError              **error)
{
  ListPage *page = user_data;

  g_string_append_len (page->text, text, (gssize) len);
}

static void
list_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  ListPage *page = user_data;
  const char *text = page->text->str;

  if (page->in_contents && strcmp (element, "Key") == 0)
    page->key = g_strdup (text);
  else if (page->in_contents && strcmp (element, "Size") == 0)
    page->size = g_ascii_strtoll (text, NULL, 10);
  else if (page->in_contents && strcmp (element, "LastModified") == 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

      page->mtime = time ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : -1;
    }
  else if (strcmp (element, "Contents") == 0)
    {
      const char *prefix = page->config->prefix;
      gsize prefix_len = strlen (prefix);

      page->in_contents = FALSE;
      /* Only KEY.gz directly under the prefix is a shard. */
      if (page->key != NULL && g_str_has_prefix (page->key, prefix))
        {
          const char *name = page->key + prefix_len;
          gsize len = strlen (name);

          if (len > 3 && strcmp (name + len - 3, ".gz") == 0 && strchr (name, '/') == NULL)
            {
              g_autofree char *key = g_strndup (name, len - 3);

              page->found++;
              _sq_key_sink_add (page->sink, page->names_only ? sq_key_info_new (key, -1, -1)
                                                             : sq_key_info_new (key, page->size, page->mtime));
            }
        }
    }
  else if (strcmp (element, "NextContinuationToken") == 0)
    {
      g_free (page->next_token);
      page->next_token = g_strdup (text);
    }
  else if (strcmp (element, "IsTruncated") == 0)
    page->truncated = strcmp (text, "true") == 0;
  g_string_truncate (page->text, 0);
}

static const GMarkupParser list_parser = { list_start, list_end, list_text, NULL, NULL };

static gboolean
object_list_keys (SqBackend        *backend,
                  SqStore          *store,
                  SqListKeysFlags   flags,
                  gboolean          in_order,
                  SqKeySink        *sink,
                  GCancellable     *cancellable,
                  GError          **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *token = NULL;
  g_autofree char *prefix = NULL;
  guint n_pages = 0;

  if (config == NULL)
    return FALSE;
  prefix = _sq_uri_encode (config->prefix, FALSE);
  do
    {
      SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;
      SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autofree char *query = NULL;
      g_autofree char *encoded_token = token ? _sq_uri_encode (token, FALSE) : NULL;
      ListPage page = { config, sink, (flags & SQ_LIST_KEYS_NAMES_ONLY) != 0, g_string_new (NULL) };
      gboolean ok;

      /* The pairs sorted by name, as the signature wants them. */
      query = g_strdup_printf ("%s%s%sdelimiter=%%2F&list-type=2&prefix=%s",
                               token ? "continuation-token=" : "", token ? encoded_token : "", token ? "&" : "",
                               prefix);
      request.method = "GET";
      request.query = query;
      request.operation = "list";
      if (!_sq_object_perform (config, &request, NULL, &response, cancellable, error))
        {
          _sq_object_response_clear (&response);
          g_string_free (page.text, TRUE);
          return FALSE;
        }
      context = g_markup_parse_context_new (&list_parser, G_MARKUP_PREFIX_ERROR_POSITION, &page, NULL);
      ok = response.body == NULL ||
           (g_markup_parse_context_parse (context, (const char *) response.body->data, response.body->len, error) &&
            g_markup_parse_context_end_parse (context, error));
      _sq_object_response_clear (&response);
      g_string_free (page.text, TRUE);
      g_free (page.key);
      g_clear_pointer (&token, g_free);
      if (!ok)
        {
          g_autofree char *where = _sq_object_display (config, config->prefix);

          g_prefix_error (error, "cannot list %s: the server's answer is not a listing: ", where);
          g_free (page.next_token);
          return FALSE;
        }
      if (page.truncated)
        token = page.next_token;
      else
        g_free (page.next_token);
      if (page.truncated && token == NULL)
        {
          g_autofree char *where = _sq_object_display (config, config->prefix);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "cannot list %s: a page said there was more, with no token for it", where);
          return FALSE;
        }
      if (++n_pages % 16 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  while (token != NULL);
  return TRUE;
}

static void
not_found_or_propagate (SqStore     *store,
                        const char  *key,
                        GError     **error,
                        GError      *local_error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_error_free (local_error);
      _sq_store_set_not_found_error (store, key, error);
    }
  else
    g_propagate_error (error, local_error);
}

static GInputStream *
object_open_shard (SqBackend     *backend,
                   SqStore       *store,
                   const char    *key,
                   gint64        *size,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cached_etag = NULL;
  g_autofree char *cached_path = NULL;
  GError *local_error = NULL;
  GInputStream *stream;
  gboolean not_modified = FALSE;

  if (config == NULL)
    return NULL;
  object = object_name (config, key);
  if (sq_store_get_cache_enabled (store))
    {
      /* The endpoint too: the same bucket name elsewhere is another. */
      url = g_strdup_printf ("%s/%s/%s", config->endpoint, config->bucket, object);
      _sq_object_cache_lookup (url, &cached_etag, &cached_path);
    }
  stream = _sq_object_input_stream_open (G_OBJECT (backend), config, object, key, cached_etag, url, size,
                                         &not_modified, cancellable, &local_error);
  if (not_modified)
    {
      g_autoptr(GFile) file = g_file_new_for_path (cached_path);
      GFileInputStream *kept = g_file_read (file, cancellable, NULL);
      g_autoptr(GFileInfo) info = kept ? g_file_input_stream_query_info (kept, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                                         cancellable, NULL) : NULL;

      if (kept != NULL && info != NULL)
        {
          _sq_object_cache_touch (cached_path);
          *size = g_file_info_get_size (info);
          return G_INPUT_STREAM (kept);
        }
      /* Evicted since the lookup: the object itself, then. */
      g_clear_object (&kept);
      stream = _sq_object_input_stream_open (G_OBJECT (backend), config, object, key, NULL, url, size,
                                             &not_modified, cancellable, &local_error);
    }
  if (stream == NULL)
    not_found_or_propagate (store, key, error, local_error);
  return stream;
}

static gboolean
head_object (SqObjectConfig    *config,
             const char        *object,
             const char        *key,
             const char        *operation,
             SqObjectResponse  *response,
             GCancellable      *cancellable,
             GError           **error)
{
  SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

  request.method = "HEAD";
  request.object = object;
  request.operation = operation;
  request.key = key;
  return _sq_object_perform (config, &request, NULL, response, cancellable, error);
}

static gboolean
object_shard_exists (SqBackend    *backend,
                     const char   *key,
                     GCancellable *cancellable)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), NULL);
  g_autofree char *object = NULL;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  gboolean found;

  if (config == NULL)
    return FALSE;
  object = object_name (config, key);
  found = head_object (config, object, key, "look up", &response, cancellable, NULL);
  _sq_object_response_clear (&response);
  return found;
}

static gboolean
object_prepare_put (SqBackend     *backend,
                    SqStore       *store,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return get_config (SQ_OBJECT_BACKEND (backend), error) != NULL;
}

/* The token: the temp file the shard is written to, before its upload. */
typedef struct
{
  GFile         *file;
  GFileIOStream *io;
} Put;

static void
put_free (Put *put)
{
  if (put->file != NULL)
    g_file_delete (put->file, NULL, NULL);
  g_clear_object (&put->io);
  g_clear_object (&put->file);
  g_free (put);
}

static GOutputStream *
object_create_shard (SqBackend     *backend,
                     const char    *key,
                     gpointer      *token,
                     GCancellable  *cancellable,
                     GError       **error)
{
  Put *put = g_new0 (Put, 1);

  put->file = g_file_new_tmp ("drey-upload-XXXXXX.gz", &put->io, error);
  if (put->file == NULL)
    {
      g_free (put);
      return NULL;
    }
  *token = put;
  return g_object_ref (g_io_stream_get_output_stream (G_IO_STREAM (put->io)));
}

/* <UploadId> and the like, from a small answer. */
static char *
answer_field (SqObjectResponse *response,
              const char       *name)
{
  g_autofree char *open = g_strdup_printf ("<%s>", name);
  g_autofree char *close = g_strdup_printf ("</%s>", name);
  g_autofree char *text = NULL;
  const char *start, *end;

  if (response->body == NULL)
    return NULL;
  text = g_strndup ((const char *) response->body->data, response->body->len);
  start = strstr (text, open);
  end = start ? strstr (start, close) : NULL;
  if (end == NULL)
    return NULL;
  start += strlen (open);
  return g_strndup (start, (gsize) (end - start));
}

/* What a write changes, as query_shard gives it: the ETag, or for Cloud
 * Storage the generation, which its preconditions compare. */
static char *
object_version (SqObjectConfig   *config,
                SqObjectResponse *response)
{
  return g_strdup (config->gcs && response->generation != NULL ? response->generation : response->etag);
}

static gboolean
is_generation (const char *etag)
{
  if (etag == NULL || *etag == '\0')
    return FALSE;
  for (const char *p = etag; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* The headers that make the server check @condition as it publishes:
 * @headers holds one pair and the NULL, or only the NULL. */
static void
condition_headers (SqObjectConfig  *config,
                   SqSetCondition   condition,
                   const char      *etag,
                   const char      *headers[3])
{
  headers[0] = headers[1] = headers[2] = NULL;
  if (condition == SQ_SET_IF_ABSENT)
    {
      /* Generation 0: no live object. */
      headers[0] = config->gcs ? "x-goog-if-generation-match" : "if-none-match";
      headers[1] = config->gcs ? "0" : "*";
    }
  else if (condition == SQ_SET_IF_MATCH)
    {
      /* An emulator that gave no generation gave its ETag. */
      headers[0] = config->gcs && is_generation (etag) ? "x-goog-if-generation-match" : "if-match";
      headers[1] = etag;
    }
}

/* The check for servers that take no conditions, just before the write. */
static gboolean
check_condition (SqObjectConfig  *config,
                 SqStore         *store,
                 const char      *object,
                 const char      *key,
                 SqSetCondition   condition,
                 const char      *etag,
                 GCancellable    *cancellable,
                 GError         **error)
{
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  g_autofree char *now = NULL;
  GError *local_error = NULL;
  gboolean found;

  if (condition == SQ_SET_ALWAYS)
    return TRUE;
  found = head_object (config, object, key, "write", &response, cancellable, &local_error);
  if (found)
    now = object_version (config, &response);
  _sq_object_response_clear (&response);
  if (!found && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  if ((condition == SQ_SET_IF_ABSENT && found) || (condition == SQ_SET_IF_MATCH && g_strcmp0 (now, etag) != 0))
    {
      _sq_store_set_condition_error (store, key, condition, error);
      return FALSE;
    }
  return TRUE;
}

/* What a put uploads, to know it again on the server: @size bytes of @fd,
 * in parts of @part_size (0: one PUT). */
typedef struct
{
  int     fd;
  goffset size;
  goffset part_size;
} Uploaded;

/* The MD5s a server makes of @uploaded: of the whole (hex, and base64 as
 * Cloud Storage's x-goog-hash says it), and for a multipart upload the
 * MD5 of its parts' MD5s, "-" and their count (S3's ETag of it). Read back
 * from the file only when asked for: a lost answer is rare. */
static gboolean
uploaded_md5s (const Uploaded  *uploaded,
               char           **whole_hex,
               char           **whole_base64,
               char           **parts_hex)
{
  g_autoptr(GChecksum) whole = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GChecksum) parts = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GChecksum) part = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  guint8 digest[16];
  gsize digest_len;
  goffset offset = 0;
  guint n_parts = 0;

  while (offset < uploaded->size)
    {
      goffset end = uploaded->part_size > 0 ? MIN (offset + uploaded->part_size, uploaded->size) : uploaded->size;

      while (offset < end)
        {
          gssize got = pread (uploaded->fd, buffer, MIN (end - offset, 1 << 20), offset);

          if (got < 0 && errno == EINTR)
            continue;
          if (got <= 0)
            return FALSE;
          g_checksum_update (whole, buffer, got);
          g_checksum_update (part, buffer, got);
          offset += got;
        }
      digest_len = sizeof digest;
      g_checksum_get_digest (part, digest, &digest_len);
      g_checksum_update (parts, digest, digest_len);
      g_checksum_reset (part);
      n_parts++;
    }
  *whole_hex = g_strdup (g_checksum_get_string (whole));
  digest_len = sizeof digest;
  g_checksum_get_digest (whole, digest, &digest_len);
  *whole_base64 = g_base64_encode (digest, digest_len);
  *parts_hex = uploaded->part_size > 0 ? g_strdup_printf ("%s-%u", g_checksum_get_string (parts), n_parts) : NULL;
  return TRUE;
}

/* Whether the object is now the one @uploaded holds, as far as is
 * certain: its MD5 (Cloud Storage's x-goog-hash), else its ETag, is the
 * MD5 of those bytes (for a multipart upload, S3's MD5 of the parts'
 * MD5s, or the MD5 of the whole as s3rver makes it). A server whose ETags
 * are not MD5s (S3 with SSE-KMS), a composite object (Cloud Storage's
 * multipart: no MD5) or a server that cannot be asked never passes.
 * @version: its etag, as query_shard gives it. */
static gboolean
is_uploaded (SqObjectConfig  *config,
             const char      *object,
             const char      *key,
             const Uploaded  *uploaded,
             char           **version,
             GCancellable    *cancellable)
{
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  g_autofree char *whole_hex = NULL;
  g_autofree char *whole_base64 = NULL;
  g_autofree char *parts_hex = NULL;
  g_autofree char *etag = NULL;
  gboolean ours = FALSE;

  if (head_object (config, object, key, "write", &response, cancellable, NULL) &&
      uploaded_md5s (uploaded, &whole_hex, &whole_base64, &parts_hex))
    {
      if (config->gcs && response.md5 != NULL)
        ours = strcmp (response.md5, whole_base64) == 0;
      else if (response.etag != NULL)
        {
          /* S3 ignores the quotes when it compares ETags, and so here. */
          etag = g_strdup (response.etag);
          g_strdelimit (etag, "\"", ' ');
          g_strstrip (etag);
          ours = g_ascii_strcasecmp (etag, whole_hex) == 0 ||
                 (parts_hex != NULL && g_ascii_strcasecmp (etag, parts_hex) == 0);
        }
    }
  if (ours)
    *version = object_version (config, &response);
  _sq_object_response_clear (&response);
  return ours;
}

/* The text of an XML element, its entities read. */
static char *
xml_unescape (const char *text)
{
  static const char *const entities[] = { "&quot;", "\"", "&#34;", "\"", "&apos;", "'", "&#39;", "'",
                                          "&lt;", "<", "&gt;", ">", "&amp;", "&", NULL };
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p;)
    {
      gsize i;

      for (i = 0; entities[i] != NULL && !g_str_has_prefix (p, entities[i]); i += 2)
        ;
      if (entities[i] != NULL)
        {
          g_string_append (out, entities[i + 1]);
          p += strlen (entities[i]);
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* The etag, as query_shard gives it, of what @response says it published:
 * the ETag header of a PUT, the ETag in CompleteMultipartUpload's answer;
 * for Cloud Storage only its generation. NULL where it says none. */
static char *
published_version (SqObjectConfig   *config,
                   SqObjectResponse *response,
                   gboolean          multipart)
{
  g_autofree char *field = NULL;

  if (config->gcs)
    return g_strdup (response->generation);
  if (multipart && (field = answer_field (response, "ETag")) != NULL)
    return xml_unescape (field);
  return g_strdup (response->etag);
}

/* Performs @request, which publishes @uploaded, with @condition's headers
 * unless @unconditional: a server that refuses it (412, or 409 for a write
 * that raced another; 404 for If-Match on no object) gives the
 * condition's error. A refusal after an attempt whose answer was lost may
 * be of that attempt's own write (and a retried CompleteMultipartUpload
 * finds its upload gone, NoSuchUpload): then the object is asked for, and
 * if it is certainly @uploaded, the write is done. @version: the etag of
 * what was published, where the answer says it, else NULL. */
static gboolean
perform_publish (SqObjectConfig    *config,
                 SqStore           *store,
                 SqObjectRequest   *request,
                 SqSetCondition     condition,
                 const char        *etag,
                 gboolean           unconditional,
                 const Uploaded    *uploaded,
                 SqObjectResponse  *response,
                 char             **version,
                 GCancellable      *cancellable,
                 GError           **error)
{
  static const long refusals[] = { 404, 409, 412, 0 };
  const char *headers[3];
  g_autofree char *code = NULL;
  gboolean ok, refused, upload_gone;

  *version = NULL;
  condition_headers (config, unconditional ? SQ_SET_ALWAYS : condition, etag, headers);
  request->headers = headers[0] != NULL ? headers : NULL;
  ok = _sq_object_perform (config, request, refusals, response, cancellable, error);
  request->headers = NULL;
  if (!ok)
    return FALSE;
  /* S3 can say 200 and then an error in the body. */
  code = answer_field (response, "Code");
  refused = headers[0] != NULL &&
            (response->status == 412 || response->status == 409 ||
             (response->status == 404 && condition == SQ_SET_IF_MATCH && g_strcmp0 (code, "NoSuchBucket") != 0) ||
             g_strcmp0 (code, "PreconditionFailed") == 0 || g_strcmp0 (code, "ConditionalRequestConflict") == 0);
  upload_gone = response->status == 404 && g_strcmp0 (code, "NoSuchUpload") == 0;
  if ((refused || upload_gone) && response->after_lost_answer &&
      is_uploaded (config, request->object, request->key, uploaded, version, cancellable))
    {
      g_debug ("%s %s: HTTP %ld after a lost answer, and the object is the one written", request->method,
               request->object, response->status);
      return TRUE;
    }
  if (refused)
    {
      _sq_store_set_condition_error (store, request->key, condition, error);
      return FALSE;
    }
  if (response->status >= 300)
    {
      _sq_object_set_error (config, request, CURLE_OK, NULL, response, error);
      return FALSE;
    }
  *version = published_version (config, response, uploaded->part_size > 0);
  return TRUE;
}

static gboolean
upload_multipart (SqObjectConfig  *config,
                  SqStore         *store,
                  const char      *object,
                  const char      *key,
                  int              fd,
                  goffset          size,
                  SqSetCondition   condition,
                  const char      *etag,
                  char           **new_etag,
                  GCancellable    *cancellable,
                  GError         **error)
{
  const Uploaded uploaded = { fd, size, (goffset) config->part_size };
  SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  g_autoptr(GString) complete = g_string_new ("<CompleteMultipartUpload>");
  g_autofree char *upload_id = NULL;
  g_autofree char *encoded_id = NULL;
  g_autofree char *query = NULL;
  goffset offset = 0;
  gboolean ok = TRUE;

  request.method = "POST";
  request.object = object;
  request.query = "uploads=";
  request.operation = "write";
  request.key = key;
  if (!_sq_object_perform (config, &request, NULL, &response, cancellable, error))
    return FALSE;
  upload_id = answer_field (&response, "UploadId");
  _sq_object_response_clear (&response);
  if (upload_id == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "cannot write shard '%s': the server started no multipart upload", key);
      return FALSE;
    }
  encoded_id = _sq_uri_encode (upload_id, FALSE);

  for (guint part = 1; ok && offset < size; part++)
    {
      SqObjectRequest put = SQ_OBJECT_REQUEST_INIT;
      g_autofree char *part_query = g_strdup_printf ("partNumber=%u&uploadId=%s", part, encoded_id);

      put.method = "PUT";
      put.object = object;
      put.query = part_query;
      put.operation = "write";
      put.key = key;
      put.upload_fd = fd;
      put.upload_offset = offset;
      put.upload_length = MIN ((goffset) config->part_size, size - offset);
      ok = _sq_object_perform (config, &put, NULL, &response, cancellable, error);
      if (ok)
        g_string_append_printf (complete, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag></Part>", part,
                                response.etag ? response.etag : "");
      _sq_object_response_clear (&response);
      offset += put.upload_length;
    }

  query = g_strdup_printf ("uploadId=%s", encoded_id);
  if (ok)
    {
      g_string_append (complete, "</CompleteMultipartUpload>");
      request.query = query;
      request.body = complete->str;
      request.body_length = complete->len;
      /* S3 checks a condition on the request that publishes the parts;
       * Cloud Storage takes none there. */
      ok = check_condition (config, store, object, key, condition, etag, cancellable, error) &&
           perform_publish (config, store, &request, condition, etag, config->gcs, &uploaded, &response, new_etag,
                            cancellable, error);
      /* S3 can say 200 and then an error in the body. */
      if (ok && response.status < 300 && response.body != NULL &&
          g_strstr_len ((const char *) response.body->data, response.body->len, "<Error>") != NULL)
        {
          _sq_object_set_error (config, &request, CURLE_OK, NULL, &(SqObjectResponse) { 500, response.body },
                                error);
          g_clear_pointer (new_etag, g_free);
          ok = FALSE;
        }
      _sq_object_response_clear (&response);
    }
  if (!ok)
    {
      /* Nothing was published; the parts go. */
      SqObjectRequest abort_request = SQ_OBJECT_REQUEST_INIT;

      abort_request.method = "DELETE";
      abort_request.object = object;
      abort_request.query = query;
      abort_request.operation = "write";
      abort_request.key = key;
      _sq_object_perform (config, &abort_request, NULL, &response, NULL, NULL);
      _sq_object_response_clear (&response);
    }
  return ok;
}

static gboolean
object_commit_shard (SqBackend      *backend,
                     SqStore        *store,
                     const char     *key,
                     GOutputStream  *stream,
                     gpointer        token,
                     SqSetCondition  condition,
                     const char     *etag,
                     char          **new_etag,
                     GCancellable   *cancellable,
                     GError        **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  Put *put = token;
  g_autofree char *object = NULL;
  g_autofree char *path = NULL;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  struct stat st;
  gboolean ok;
  int fd;

  *new_etag = NULL;
  if (config == NULL || !g_output_stream_close (stream, cancellable, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  object = object_name (config, key);
  path = g_file_get_path (put->file);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read back '%s': %s", path,
                   g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > config->multipart_threshold)
    ok = upload_multipart (config, store, object, key, fd, st.st_size, condition, etag, new_etag, cancellable,
                           error);
  else
    {
      const Uploaded uploaded = { fd, st.st_size, 0 };
      SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;

      request.method = "PUT";
      request.object = object;
      request.operation = "write";
      request.key = key;
      request.upload_fd = fd;
      request.upload_length = st.st_size;
      ok = check_condition (config, store, object, key, condition, etag, cancellable, error) &&
           perform_publish (config, store, &request, condition, etag, FALSE, &uploaded, &response, new_etag,
                            cancellable, error);
      _sq_object_response_clear (&response);
    }
  close (fd);
  if (ok)
    put_free (put);
  return ok;
}

static void
object_abort_shard (SqBackend     *backend,
                    GOutputStream *stream,
                    gpointer       token)
{
  if (stream != NULL)
    g_output_stream_close (stream, NULL, NULL);
  if (token != NULL)
    put_free (token);
}

static gboolean
delete_object (SqObjectConfig  *config,
               const char      *object,
               const char      *key,
               const char      *operation,
               GCancellable    *cancellable,
               GError         **error)
{
  SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  gboolean ok;

  request.method = "DELETE";
  request.object = object;
  request.operation = operation;
  request.key = key;
  ok = _sq_object_perform (config, &request, NULL, &response, cancellable, error);
  _sq_object_response_clear (&response);
  return ok;
}

/* A server-side copy; the copy's bytes are the source's, exactly. */
static gboolean
copy_object (SqObjectConfig  *config,
             const char      *from,
             const char      *to,
             const char      *key,
             const char      *operation,
             GCancellable    *cancellable,
             GError         **error)
{
  SqObjectRequest request = SQ_OBJECT_REQUEST_INIT;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  g_autofree char *source_path = g_strdup_printf ("%s/%s", config->bucket, from);
  g_autofree char *source = _sq_uri_encode (source_path, TRUE);
  /* Cloud Storage with OAuth takes its own header; with HMAC keys it
   * takes S3's, as S3 does. */
  const char *name = config->gcs && config->access_key == NULL ? "x-goog-copy-source" : "x-amz-copy-source";
  g_autofree char *value = g_strconcat ("/", source, NULL);
  const char *headers[] = { name, value, NULL };
  gboolean ok;

  request.method = "PUT";
  request.object = to;
  request.headers = headers;
  request.operation = operation;
  request.key = key;
  ok = _sq_object_perform (config, &request, NULL, &response, cancellable, error);
  if (ok && response.body != NULL &&
      g_strstr_len ((const char *) response.body->data, response.body->len, "<Error>") != NULL)
    {
      response.status = 500;
      _sq_object_set_error (config, &request, CURLE_OK, NULL, &response, error);
      ok = FALSE;
    }
  _sq_object_response_clear (&response);
  return ok;
}

static gboolean
object_remove_shard (SqBackend     *backend,
                     SqStore       *store,
                     const char    *key,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  GError *local_error = NULL;
  gboolean found;

  if (config == NULL)
    return FALSE;
  object = object_name (config, key);
  /* A DELETE of nothing succeeds: ask first, to say there was none. */
  found = head_object (config, object, key, "remove", &response, cancellable, &local_error);
  _sq_object_response_clear (&response);
  if (!found)
    {
      not_found_or_propagate (store, key, error, local_error);
      return FALSE;
    }
  return delete_object (config, object, key, "remove", cancellable, error);
}

static char *
stash_uri (SqObjectConfig *config,
           const char     *object)
{
  g_autofree char *escaped = g_uri_escape_string (object, "/", FALSE);

  return g_strdup_printf ("%s://%s/%s", config->gcs ? "gs" : "s3", config->bucket, escaped);
}

/* The object a stash names, if it is one of this store's. */
static char *
stash_object (SqObjectConfig  *config,
              GFile           *stash,
              GError         **error)
{
  g_autofree char *uri = g_file_get_uri (stash);
  g_autofree char *start = g_strdup_printf ("%s://%s/", config->gcs ? "gs" : "s3", config->bucket);
  g_autofree char *object = NULL;

  if (g_str_has_prefix (uri, start))
    object = g_uri_unescape_string (uri + strlen (start), NULL);
  if (object == NULL || !g_str_has_prefix (object, config->prefix) ||
      !g_str_has_prefix (object + strlen (config->prefix), STASH_PREFIX))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'%s' is not a stash of this store", uri);
      return NULL;
    }
  return g_steal_pointer (&object);
}

static GFile *
object_stash_shard (SqBackend     *backend,
                    SqStore       *store,
                    const char    *key,
                    gboolean       keep_shard,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;
  g_autofree char *suffix = sq_store_make_random_key ();
  g_autofree char *stash = NULL;
  g_autofree char *uri = NULL;
  GError *local_error = NULL;

  if (config == NULL)
    return NULL;
  object = object_name (config, key);
  stash = g_strdup_printf ("%s%s%.8s.tmp", config->prefix, STASH_PREFIX, suffix);
  if (!copy_object (config, object, stash, key, "stash", cancellable, &local_error))
    {
      not_found_or_propagate (store, key, error, local_error);
      return NULL;
    }
  /* Copied first, then deleted: no moment without the bytes. */
  if (!keep_shard && !delete_object (config, object, key, "remove", cancellable, error))
    {
      delete_object (config, stash, key, "remove", NULL, NULL);
      return NULL;
    }
  uri = stash_uri (config, stash);
  return g_file_new_for_uri (uri);
}

static gboolean
object_unstash_shard (SqBackend     *backend,
                      SqStore       *store,
                      const char    *key,
                      GFile         *stash,
                      GCancellable  *cancellable,
                      GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;
  g_autofree char *from = NULL;

  if (config == NULL)
    return FALSE;
  object = object_name (config, key);
  if (stash == NULL)
    return delete_object (config, object, key, "remove", cancellable, error);
  from = stash_object (config, stash, error);
  if (from == NULL || !copy_object (config, from, object, key, "restore", cancellable, error))
    return FALSE;
  /* A stash left over costs space, not data: its delete may fail. */
  delete_object (config, from, key, "restore", cancellable, NULL);
  return TRUE;
}

static gboolean
object_drop_stash (SqBackend     *backend,
                   GFile         *stash,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;

  if (config == NULL)
    return FALSE;
  object = stash_object (config, stash, error);
  return object != NULL && delete_object (config, object, NULL, "drop the stash", cancellable, error);
}

static gboolean
object_query_shard (SqBackend     *backend,
                    SqStore       *store,
                    const char    *key,
                    gint64        *size,
                    gint64        *mtime,
                    char         **etag,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SqObjectConfig *config = get_config (SQ_OBJECT_BACKEND (backend), error);
  g_autofree char *object = NULL;
  SqObjectResponse response = { 0, NULL, NULL, -1, -1, -1 };
  GError *local_error = NULL;

  if (config == NULL)
    return FALSE;
  object = object_name (config, key);
  if (!head_object (config, object, key, "query", &response, cancellable, &local_error))
    {
      not_found_or_propagate (store, key, error, local_error);
      return FALSE;
    }
  if (size != NULL)
    *size = response.content_length;
  if (mtime != NULL)
    *mtime = response.mtime;
  if (etag != NULL)
    *etag = object_version (config, &response);
  _sq_object_response_clear (&response);
  return TRUE;
}

static void
sq_object_backend_finalize (GObject *object)
{
  SqObjectBackend *self = (SqObjectBackend *) object;

  g_free (self->url);
  g_clear_pointer (&self->config, _sq_object_config_free);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sq_object_backend_parent_class)->finalize (object);
}

static void
sq_object_backend_class_init (SqObjectBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sq_object_backend_finalize;
}

static void
sq_object_backend_init (SqObjectBackend *self)
{
  g_mutex_init (&self->lock);
}

static void
sq_object_backend_iface_init (SqBackendInterface *iface)
{
  iface->list_keys = object_list_keys;
  iface->open_shard = object_open_shard;
  iface->shard_exists = object_shard_exists;
  iface->prepare_put = object_prepare_put;
  iface->create_shard = object_create_shard;
  iface->commit_shard = object_commit_shard;
  iface->abort_shard = object_abort_shard;
  iface->remove_shard = object_remove_shard;
  iface->stash_shard = object_stash_shard;
  iface->unstash_shard = object_unstash_shard;
  iface->drop_stash = object_drop_stash;
  iface->query_shard = object_query_shard;
}

SqBackend *
_sq_object_backend_new (const char *url)
{
  SqObjectBackend *self = g_object_new (SQ_TYPE_OBJECT_BACKEND, NULL);

  self->url = g_strdup (url);
  return SQ_BACKEND (self);
}
