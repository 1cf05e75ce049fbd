/* sq-object-http-private.h: one signed request to a bucket over libcurl,
 * with timeouts, cancellation, bounded retries and errors a user can act
 * on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-curl-private.h"
#include "sq-object-config-private.h"

G_BEGIN_DECLS

typedef struct
{
  const char         *method;
  const char         *object;     /* the object's name in the bucket; NULL: the bucket */
  const char         *query;      /* canonical: pairs sorted, encoded; NULL: none */
  const char * const *headers;    /* more headers: lower-case name, value, ..., NULL */
  const char         *operation;  /* for messages: "list", "read", "write"... */
  const char         *key;        /* for messages: the shard, or NULL */
  /* A body: @upload_length bytes of @upload_fd from @upload_offset, or
   * @body of @body_length bytes. */
  int                 upload_fd;
  goffset             upload_offset;
  goffset             upload_length;
  const char         *body;
  gsize               body_length;
} SqObjectRequest;

#define SQ_OBJECT_REQUEST_INIT { NULL, NULL, NULL, NULL, NULL, NULL, -1, 0, -1, NULL, 0 }

typedef struct
{
  long        status;
  GByteArray *body;
  char       *etag;
  gint64      content_length;  /* -1: not said */
  gint64      mtime;           /* usec since the epoch, -1: not said */
  gint64      total_size;      /* from Content-Range, else Content-Length */
  char       *generation;      /* Cloud Storage's x-goog-generation, or NULL */
  char       *md5;             /* Cloud Storage's x-goog-hash md5= (base64), or NULL */
  /* An earlier attempt of the request may have been done by the server,
   * its answer lost (a reset after the request went, a timeout, a 500,
   * 502 or 504): a refusal now may be of the server's own earlier work. */
  gboolean    after_lost_answer;
  guint       token_serial;    /* the access token the request carried */
} SqObjectResponse;

void     _sq_object_response_clear (SqObjectResponse *response);

/* Performs @request; retries resets, timeouts, 5xx and throttling with
 * backoff, a few times, and a 401 once with a new access token (when it
 * carried a bought one). Statuses in @accept (0-terminated; NULL: 2xx
 * only) come back as a response; others are errors. */
gboolean _sq_object_perform        (SqObjectConfig   *config,
                                    SqObjectRequest  *request,
                                    const long       *accept,
                                    SqObjectResponse *response,
                                    GCancellable     *cancellable,
                                    GError          **error);

/* The parts _sq_object_perform() is made of, for a streamed download. */
CURL    *_sq_object_easy_new       (SqObjectConfig    *config,
                                    SqObjectRequest   *request,
                                    struct curl_slist **headers,
                                    SqObjectResponse  *response,
                                    GCancellable      *cancellable,
                                    GError           **error);
gboolean _sq_object_retryable      (CURLcode           code,
                                    long               status);
void     _sq_object_backoff        (guint              attempt,
                                    GCancellable      *cancellable);
void     _sq_object_set_error      (SqObjectConfig    *config,
                                    SqObjectRequest   *request,
                                    CURLcode           code,
                                    const char        *curl_message,
                                    SqObjectResponse  *response,
                                    GError           **error);
char    *_sq_object_display        (SqObjectConfig    *config,
                                    const char        *object);

G_END_DECLS
