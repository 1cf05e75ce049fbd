/* sq-object-token.c: Cloud Storage's OAuth access token, bought and kept
 *
 * Bought at an ADC file's token_uri (with an authorized_user's refresh
 * token, or an assertion signed with a service account's key), or from
 * the Compute Engine metadata server; for an impersonated_service_account
 * file, its source credentials' token buys the service account's at the
 * IAM Credentials API (generateAccessToken). Kept until shortly before the
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

/* What source credentials ask for to impersonate, as google-auth asks. */
#define IAM_SCOPE "https://www.googleapis.com/auth/iam"

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
 * signed with the service account's key, for @scope. */
static char *
token_request_body (SqObjectConfig  *config,
                    const char      *scope,
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
                                       scope, config->token_uri, g_get_real_time () / G_USEC_PER_SEC, &local_error);
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

static const char *
json_str (SqValue    *json,
          const char *name)
{
  SqValue *value = json ? sq_value_lookup (json, name) : NULL;

  return value && sq_value_get_value_type (value) == SQ_VALUE_STR ? sq_value_get_str (value, NULL) : NULL;
}

/* Google's own words on a refusal (none holds a secret): OAuth's
 * {"error": ..., "error_description": ...}, or the APIs' {"error":
 * {"status": ..., "message": ...}}. */
static char *
token_refusal (SqValue *json)
{
  SqValue *error = json ? sq_value_lookup (json, "error") : NULL;
  const char *code = json_str (json, "error");
  const char *description = json_str (json, "error_description");

  if (error != NULL && sq_value_get_value_type (error) == SQ_VALUE_MAP)
    {
      code = json_str (error, "status");
      description = json_str (error, "message");
    }
  if (code == NULL)
    return g_strdup ("");
  return g_strdup_printf (": %s%s%.300s", code, description ? ": " : "", description ? description : "");
}

/* A token answer: its body, its status, whether it said Metadata-Flavor:
 * Google, and when it was asked for (its life counts from then: the
 * answer's way back is spent). */
typedef struct
{
  CURLcode    code;
  long        status;
  GByteArray *body;
  gboolean    flavor;
  gint64      asked;
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

/* One request for a token: a POST of @body (a GET without), with
 * @headers; the answer's JSON object, or NULL. The body is wiped: it
 * holds the token. */
static SqValue *
ask (SqObjectConfig     *config,
     const char         *url,
     const char         *body,
     struct curl_slist  *headers,
     gboolean            link_local,
     GCancellable       *cancellable,
     Answer             *answer)
{
  SqValue *json = NULL;
  CURL *easy = curl_easy_init ();

  curl_easy_setopt (easy, CURLOPT_URL, url);
  if (body != NULL)
    curl_easy_setopt (easy, CURLOPT_POSTFIELDS, body);
  if (headers != NULL)
    curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  if (link_local)
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
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, answer_header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, answer);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, answer_progress_cb);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, cancellable);
  answer->asked = g_get_real_time ();
  answer->code = curl_easy_perform (easy);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &answer->status);
  curl_easy_cleanup (easy);

  if (answer->code == CURLE_OK && answer->body != NULL)
    json = sq_value_from_json ((const char *) answer->body->data, answer->body->len, NULL);
  if (answer->body != NULL)
    {
      memset (answer->body->data, 0, answer->body->len);
      g_clear_pointer (&answer->body, g_byte_array_unref);
    }
  if (json != NULL && sq_value_get_value_type (json) != SQ_VALUE_MAP)
    g_clear_pointer (&json, sq_value_unref);
  return json;
}

/* When a token of @life usec asked for at @asked is bought again. */
static gint64
renew_at (gint64 asked,
          gint64 life)
{
  return asked + life - MIN (REFRESH_MARGIN_USEC, life / 4);
}

/* The error for a token not bought: which source, and what it said. */
static void
set_buy_error (SqObjectConfig  *config,
               const char      *url,
               Answer          *answer,
               SqValue         *json,
               GError         **error)
{
  g_autofree char *refusal = token_refusal (json);
  g_autofree char *whose = NULL;
  long status = answer->status;

  /* What the URL is, for a server that did not answer. */
  if (config->metadata_host != NULL)
    whose = g_strdup_printf ("the Compute Engine metadata server, found by %s", config->metadata_found_by);
  else if (g_strcmp0 (url, config->impersonation_url) == 0)
    whose = g_strdup_printf ("the service_account_impersonation_url of %s", config->credential_source);
  else
    whose = g_strdup_printf ("the token_uri of %s", config->credential_source);

  if (answer->code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  else if (answer->code == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "cannot get a Google access token: %s (%s) stopped answering", url, whose);
  else if (answer->code != CURLE_OK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                 "cannot get a Google access token at %s (%s): %s", url, whose, curl_easy_strerror (answer->code));
  else if (config->metadata_host != NULL && !answer->flavor)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "cannot get a Google access token at %s: it answered HTTP %ld without "
                 "'Metadata-Flavor: Google', so it is no metadata server (found by %s)",
                 url, status, config->metadata_found_by);
  else if (config->metadata_host != NULL && status == 404)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Compute Engine metadata server %s has no token for a default service account "
                 "(HTTP 404): this machine may have none attached (found by %s)", url,
                 config->metadata_found_by);
  else if (config->metadata_host != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Compute Engine metadata server %s gave no access token (HTTP %ld%s) (found by %s)",
                 url, status, refusal, config->metadata_found_by);
  else if (g_strcmp0 (url, config->impersonation_url) == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "%s gave the credentials from %s no token of the service account %s (HTTP %ld%s): they "
                 "need the Service Account Token Creator role on it, and the IAM Credentials API enabled",
                 url, config->credential_source, config->impersonated, status, refusal);
  else if (config->refresh_token != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Google token endpoint %s refused the refresh token from %s (HTTP %ld%s): "
                 "run 'gcloud auth application-default login' again",
                 url, config->credential_source, status, refusal);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 "the Google token endpoint %s refused the service account key %s of %s from %s "
                 "(HTTP %ld%s): the key may be deleted or disabled, or this machine's clock wrong",
                 url, config->private_key_id ? config->private_key_id : "(no private_key_id)",
                 config->client_email, config->credential_source, status, refusal);
}

/* An OAuth token for @scope (a service account's; an authorized user's
 * has the scopes they agreed to): from the token endpoint, or the
 * metadata server. */
static char *
buy_oauth (SqObjectConfig  *config,
           const char      *scope,
           gint64          *renew,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autofree char *url = NULL;
  g_autoptr(SqValue) json = NULL;
  struct curl_slist *headers = NULL;
  Answer answer = { CURLE_OK, 0, NULL, FALSE, 0 };
  char *body = NULL;
  const char *token;
  SqValue *expires;

  if (config->metadata_host != NULL)
    {
      url = g_strdup_printf ("http://%s/computeMetadata/v1/instance/service-accounts/default/token",
                             config->metadata_host);
      headers = curl_slist_append (headers, "Metadata-Flavor: Google");
    }
  else
    {
      url = g_strdup (config->token_uri);
      body = token_request_body (config, scope, error);
      if (body == NULL)
        return NULL;
    }
  json = ask (config, url, body, headers, config->metadata_host != NULL, cancellable, &answer);
  curl_slist_free_all (headers);
  free_secret (body);

  token = json && answer.status == 200 && (config->metadata_host == NULL || answer.flavor)
          ? json_str (json, "access_token") : NULL;
  if (token == NULL || *token == '\0')
    {
      set_buy_error (config, url, &answer, json, error);
      return NULL;
    }
  expires = sq_value_lookup (json, "expires_in");
  if (expires != NULL && sq_value_get_value_type (expires) == SQ_VALUE_INT && sq_value_get_int (expires) > 0)
    *renew = renew_at (answer.asked, MIN (sq_value_get_int (expires), G_MAXINT32) * G_USEC_PER_SEC);
  else
    /* No lifetime said: kept until a server refuses it. */
    *renew = G_MAXINT64;
  g_debug ("bought an access token from %s", url);
  return g_strdup (token);
}

/* The impersonated service account's token, asked for with a token of
 * the source credentials. */
static char *
buy_impersonated (SqObjectConfig  *config,
                  gint64          *renew,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(SqValue) json = NULL;
  g_autoptr(GDateTime) expire = NULL;
  struct curl_slist *headers = NULL;
  Answer answer = { CURLE_OK, 0, NULL, FALSE, 0 };
  g_autofree char *body = NULL;
  char *source, *authorization;
  const char *token, *expire_time;
  gint64 source_renew;

  source = buy_oauth (config, IAM_SCOPE, &source_renew, cancellable, error);
  if (source == NULL)
    return NULL;
  authorization = g_strdup_printf ("Authorization: Bearer %s", source);
  free_secret (source);
  headers = curl_slist_append (headers, authorization);
  free_secret (authorization);
  headers = curl_slist_append (headers, "Content-Type: application/json");
  body = g_strdup_printf ("{\"delegates\":%s,\"scope\":[\"" SERVICE_ACCOUNT_SCOPE "\"],\"lifetime\":\"3600s\"}",
                          config->impersonation_delegates);
  json = ask (config, config->impersonation_url, body, headers, FALSE, cancellable, &answer);
  for (struct curl_slist *l = headers; l != NULL; l = l->next)
    memset (l->data, 0, strlen (l->data));
  curl_slist_free_all (headers);

  token = json && answer.status == 200 ? json_str (json, "accessToken") : NULL;
  expire_time = json_str (json, "expireTime");
  expire = expire_time ? g_date_time_new_from_iso8601 (expire_time, NULL) : NULL;
  if (token == NULL || *token == '\0' || expire == NULL)
    {
      set_buy_error (config, config->impersonation_url, &answer, json, error);
      return NULL;
    }
  *renew = renew_at (answer.asked, MAX (g_date_time_to_unix (expire) * G_USEC_PER_SEC - answer.asked, 0));
  g_debug ("bought an access token of %s from %s", config->impersonated, config->impersonation_url);
  return g_strdup (token);
}

/* A fresh access token, with the lock held. */
static gboolean
buy_token (SqObjectConfig  *config,
           GCancellable    *cancellable,
           GError         **error)
{
  gint64 renew = 0;
  char *token = config->impersonation_url
                ? buy_impersonated (config, &renew, cancellable, error)
                : buy_oauth (config, SERVICE_ACCOUNT_SCOPE, &renew, cancellable, error);

  if (token == NULL)
    return FALSE;
  free_secret (config->bearer);
  config->bearer = token;
  config->bearer_expires = renew;
  config->bearer_serial++;
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
