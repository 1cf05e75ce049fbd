/* sq-object-token.c: Cloud Storage's OAuth access token, bought and kept
 *
 * Bought at an ADC file's token_uri (with an authorized_user's refresh
 * token, or an assertion signed with a service account's key), or from
 * the Compute Engine metadata server. Kept until shortly before the
 * expires_in it came with, by the wall clock: a laptop's suspend stops
 * the monotonic clock, not the token's. A request the server refuses
 * with 401 forgets the token it carried, and is sent once more with a
 * new one, as google-auth's AuthorizedSession does: a token may die
 * early (revoked, a clock wrong) whatever it said.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-json.h"
#include "sq-jwt-private.h"
#include "sq-object-token-private.h"

/* What a service account asks for: objects read, listed, written and
 * deleted; not full_control, which would let Drey change a bucket's ACLs
 * and IAM, which it never does. */
#define SERVICE_ACCOUNT_SCOPE "https://www.googleapis.com/auth/devstorage.read_write"

/* A token is bought again this long before it expires, so that it does
 * not expire in flight; a quarter of its life if that is shorter, so
 * that a short-lived one is not bought again for every request. */
#define REFRESH_MARGIN_USEC (60 * G_USEC_PER_SEC)

/* The metadata server is on the machine's own link: it answers at once
 * or not at all. */
#define METADATA_CONNECT_TIMEOUT 3L

static char *
form_escape (const char *text)
{
  char *escaped = curl_easy_escape (NULL, text, 0);
  char *copy = g_strdup (escaped);

  memset (escaped, 0, strlen (escaped));
  curl_free (escaped);
  return copy;
}

static void
free_secret (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

/* The token request's body: the refresh token, or a fresh assertion
 * signed with the service account's key. */
static char *
token_request_body (SqObjectConfig  *config,
                    GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  char *assertion, *escaped, *body;

  if (config->refresh_token != NULL)
    {
      char *id = form_escape (config->client_id);
      char *secret = form_escape (config->client_secret);
      char *refresh = form_escape (config->refresh_token);

      body = g_strdup_printf ("grant_type=refresh_token&client_id=%s&client_secret=%s&refresh_token=%s",
                              id, secret, refresh);
      g_free (id);
      free_secret (secret);
      free_secret (refresh);
      return body;
    }

  assertion = _sq_jwt_rs256_assertion (config->private_key, config->private_key_id, config->client_email,
                                       SERVICE_ACCOUNT_SCOPE, config->token_uri, g_get_real_time () / G_USEC_PER_SEC,
                                       &local_error);
  if (assertion == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "Google credentials '%s': %s",
                   config->credential_source, local_error->message);
      return NULL;
    }
  escaped = form_escape (assertion);
  body = g_strconcat ("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", escaped, NULL);
  free_secret (assertion);
  free_secret (escaped);
  return body;
}

/* Google's own words on a refusal: {"error": ..., "error_description": ...}
 * (neither holds a secret). */
static char *
token_refusal (SqValue *json)
{
  SqValue *code = json ? sq_value_lookup (json, "error") : NULL;
  SqValue *description = json ? sq_value_lookup (json, "error_description") : NULL;
  const char *code_text = code && sq_value_get_value_type (code) == SQ_VALUE_STR ? sq_value_get_str (code, NULL)
                                                                                : NULL;
  const char *description_text = description && sq_value_get_value_type (description) == SQ_VALUE_STR
                                 ? sq_value_get_str (description, NULL) : NULL;

  if (code_text == NULL)
    return g_strdup ("");
  return g_strdup_printf (": %s%s%s", code_text, description_text ? ": " : "",
                          description_text ? description_text : "");
}

/* A token answer: its JSON, and whether it said Metadata-Flavor: Google. */
typedef struct
{
  GByteArray *body;
  gboolean    flavor;
} Answer;

static size_t
answer_body_cb (char   *data,
                size_t  size,
                size_t  n,
                void   *user)
{
  Answer *answer = user;

  if (answer->body == NULL)
    answer->body = g_byte_array_new ();
  /* A token answer is a few hundred bytes. */
  if (answer->body->len + size * n > 1 << 20)
    return 0;
  g_byte_array_append (answer->body, (const guint8 *) data, (guint) (size * n));
  return size * n;
}

static size_t
answer_header_cb (char   *data,
                  size_t  size,
                  size_t  n,
                  void   *user)
{
  Answer *answer = user;
  g_autofree char *line = g_strstrip (g_strndup (data, size * n));

  if (g_str_has_prefix (line, "HTTP/"))
    answer->flavor = FALSE;
  else if (g_ascii_strncasecmp (line, "metadata-flavor:", 16) == 0)
    answer->flavor = strcmp (g_strstrip (line + 16), "Google") == 0;
  return size * n;
}

static int
answer_progress_cb (void       *user,
                    curl_off_t  dltotal,
                    curl_off_t  dlnow,
                    curl_off_t  ultotal,
                    curl_off_t  ulnow)
{
  return g_cancellable_is_cancelled (user) ? 1 : 0;
}

/* The error for a token not bought: which source, and what it said. */
static void
set_buy_error (SqObjectConfig  *config,
               const char      *where,
               CURLcode         code,
               long             status,
               gboolean         flavor,
               SqValue         *json,
               GError         **error)
{
  g_autofree char *refusal = token_refusal (json);

  if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  else if (code == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "cannot get a Google access token: %s stopped answering", where);
  else if (code != CURLE_OK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                 "cannot get a Google access token at %s: %s", where, curl_easy_strerror (code));
  else if (config->metadata_host != NULL && !flavor)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "cannot get a Google access token at %s: it answered HTTP %ld without "
                 "'Metadata-Flavor: Google', so it is no metadata server (found by %s)",
                 where, status, config->metadata_found_by);
  else if (config->metadata_host != NULL && status == 404)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Compute Engine metadata server %s has no token for a default service account "
                 "(HTTP 404): this machine may have none attached (found by %s)", where,
                 config->metadata_found_by);
  else if (config->metadata_host != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Compute Engine metadata server %s gave no access token (HTTP %ld%s) (found by %s)",
                 where, status, refusal, config->metadata_found_by);
  else if (config->refresh_token != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Google token endpoint %s refused the refresh token from %s (HTTP %ld%s): "
                 "run 'gcloud auth application-default login' again",
                 where, config->credential_source, status, refusal);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Google token endpoint %s refused the service account key %s of %s from %s "
                 "(HTTP %ld%s): the key may be deleted or disabled, or this machine's clock wrong",
                 where, config->private_key_id ? config->private_key_id : "(no private_key_id)",
                 config->client_email, config->credential_source, status, refusal);
}

/* A fresh access token, with the lock held: a POST to the token
 * endpoint, or a GET of the metadata server's. */
static gboolean
buy_token (SqObjectConfig  *config,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autofree char *url = NULL;
  g_autoptr(SqValue) json = NULL;
  struct curl_slist *headers = NULL;
  Answer answer = { NULL, FALSE };
  char *body = NULL;
  SqValue *token, *expires;
  gint64 asked;
  long status = 0;
  CURL *easy;
  CURLcode code;

  if (config->metadata_host != NULL)
    {
      url = g_strdup_printf ("http://%s/computeMetadata/v1/instance/service-accounts/default/token",
                             config->metadata_host);
      headers = curl_slist_append (headers, "Metadata-Flavor: Google");
    }
  else
    {
      url = g_strdup (config->token_uri);
      body = token_request_body (config, error);
      if (body == NULL)
        return FALSE;
    }

  easy = curl_easy_init ();
  curl_easy_setopt (easy, CURLOPT_URL, url);
  if (body != NULL)
    curl_easy_setopt (easy, CURLOPT_POSTFIELDS, body);
  if (headers != NULL)
    curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  if (config->metadata_host != NULL)
    {
      /* A link-local server is never behind a proxy: an http_proxy
       * would otherwise take the request (and the token) elsewhere. */
      curl_easy_setopt (easy, CURLOPT_NOPROXY, "*");
      curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, MIN (config->connect_timeout, METADATA_CONNECT_TIMEOUT));
    }
  else
    curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, config->connect_timeout);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, config->low_speed_time);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, answer_body_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, answer_header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, answer_progress_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, cancellable);
  /* Its life counts from the asking: the answer's way back is spent. */
  asked = g_get_real_time ();
  code = curl_easy_perform (easy);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (easy);
  curl_slist_free_all (headers);
  free_secret (body);

  if (code == CURLE_OK && answer.body != NULL)
    json = sq_value_from_json ((const char *) answer.body->data, answer.body->len, NULL);
  if (answer.body != NULL)
    {
      memset (answer.body->data, 0, answer.body->len);
      g_byte_array_unref (answer.body);
    }
  if (json != NULL && sq_value_get_value_type (json) != SQ_VALUE_MAP)
    g_clear_pointer (&json, sq_value_unref);
  token = json && status == 200 && (config->metadata_host == NULL || answer.flavor)
          ? sq_value_lookup (json, "access_token") : NULL;
  if (token == NULL || sq_value_get_value_type (token) != SQ_VALUE_STR || *sq_value_get_str (token, NULL) == '\0')
    {
      set_buy_error (config, url, code, status, answer.flavor, json, error);
      return FALSE;
    }

  free_secret (config->bearer);
  config->bearer = g_strdup (sq_value_get_str (token, NULL));
  config->bearer_serial++;
  expires = sq_value_lookup (json, "expires_in");
  if (expires != NULL && sq_value_get_value_type (expires) == SQ_VALUE_INT && sq_value_get_int (expires) > 0)
    {
      gint64 life = MIN (sq_value_get_int (expires), G_MAXINT32) * G_USEC_PER_SEC;

      config->bearer_expires = asked + life - MIN (REFRESH_MARGIN_USEC, life / 4);
    }
  else
    /* No lifetime said: kept until a server refuses it. */
    config->bearer_expires = G_MAXINT64;
  g_debug ("bought access token %u from %s", config->bearer_serial, url);
  return TRUE;
}

char *
_sq_object_token_authorization (SqObjectConfig  *config,
                                guint           *serial,
                                GCancellable    *cancellable,
                                GError         **error)
{
  char *value = NULL;

  g_mutex_lock (&config->token_lock);
  if (!_sq_object_config_buys_tokens (config) ||
      (config->bearer != NULL && g_get_real_time () < config->bearer_expires) ||
      buy_token (config, cancellable, error))
    {
      value = g_strdup_printf ("Bearer %s", config->bearer);
      *serial = config->bearer_serial;
    }
  g_mutex_unlock (&config->token_lock);
  return value;
}

gboolean
_sq_object_token_refused (SqObjectConfig *config,
                          guint           serial)
{
  if (!_sq_object_config_buys_tokens (config))
    return FALSE;
  g_mutex_lock (&config->token_lock);
  /* Another request may have bought the next one already. */
  if (serial == config->bearer_serial)
    config->bearer_expires = 0;
  g_mutex_unlock (&config->token_lock);
  return TRUE;
}
