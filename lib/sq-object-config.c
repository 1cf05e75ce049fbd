/* sq-object-config.c: an s3:// or gs:// URL, and the endpoint, region and
 * credentials it is read with
 *
 * S3 as boto3 and the AWS CLI take them: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; else the profile
 * (AWS_PROFILE, else "default") in ~/.aws/credentials
 * (AWS_SHARED_CREDENTIALS_FILE) and ~/.aws/config (AWS_CONFIG_FILE); the
 * region from AWS_REGION, AWS_DEFAULT_REGION or the profile; the endpoint
 * from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile's
 * endpoint_url; none of them: anonymous, as for a public bucket.
 *
 * Cloud Storage as Google's clients take them: STORAGE_EMULATOR_HOST for
 * the endpoint; CLOUDSDK_AUTH_ACCESS_TOKEN; else Application Default
 * Credentials (GOOGLE_APPLICATION_CREDENTIALS, else gcloud's
 * application_default_credentials.json): of type authorized_user, whose
 * refresh token buys access tokens, or service_account, whose key signs
 * the assertion that buys them (sq-jwt.c), or impersonated_service_account,
 * whose source credentials (either kind) buy another service account's;
 * else HMAC keys in gsutil's
 * ~/.boto (BOTO_CONFIG), signed as S3 requests are; else, on Compute
 * Engine, the metadata server's tokens; else anonymous.
 *
 * Secrets stay in this struct: no message, log or URL holds them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-json.h"
#include "sq-object-config-private.h"

gboolean
_sq_object_url_parse (const char  *url,
                      gboolean    *gcs,
                      char       **bucket,
                      char       **prefix,
                      GError     **error)
{
  const char *rest, *slash;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (g_ascii_strncasecmp (url, "s3://", 5) == 0)
    *gcs = FALSE;
  else if (g_ascii_strncasecmp (url, "gs://", 5) == 0 || g_ascii_strncasecmp (url, "gcs://", 6) == 0)
    *gcs = TRUE;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'%s' is not an s3:// or gs:// URL", url);
      return FALSE;
    }
  rest = strstr (url, "://") + 3;
  slash = strchr (rest, '/');
  name = slash ? g_strndup (rest, (gsize) (slash - rest)) : g_strdup (rest);
  if (*name == '\0' || strpbrk (name, "?#@: ") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s': no bucket name (write s3://BUCKET/PREFIX)", url);
      return FALSE;
    }

  /* The prefix, with one '/' at its end: "a//b/" stays as the user wrote
   * it, but "a/" and "a" are the same store. */
  path = g_strdup (slash ? slash + 1 : "");
  while (*path && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';
  *bucket = g_steal_pointer (&name);
  *prefix = *path ? g_strconcat (path, "/", NULL) : g_strdup ("");
  return TRUE;
}

/* An INI file as the AWS CLI writes it: [section], key = value, and
 * indented lines under "key =" as "key.subkey". Section -> (key -> value). */
static GHashTable *
read_ini (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  GHashTable *current = NULL;
  g_autofree char *parent = NULL;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return sections;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gboolean indented = line[0] == ' ' || line[0] == '\t';
      char *eq;

      g_strstrip (line);
      if (*line == '\0' || *line == '#' || *line == ';')
        continue;
      if (*line == '[' && line[strlen (line) - 1] == ']')
        {
          g_autofree char *name = g_strstrip (g_strndup (line + 1, strlen (line) - 2));

          current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_replace (sections, g_steal_pointer (&name), current);
          g_clear_pointer (&parent, g_free);
          continue;
        }
      eq = strchr (line, '=');
      if (current == NULL || eq == NULL)
        continue;
      *eq = '\0';
      g_strstrip (line);
      g_strstrip (eq + 1);
      if (indented && parent != NULL)
        g_hash_table_replace (current, g_strconcat (parent, ".", line, NULL), g_strdup (eq + 1));
      else
        {
          g_hash_table_replace (current, g_strdup (line), g_strdup (eq + 1));
          g_free (parent);
          parent = eq[1] == '\0' ? g_strdup (line) : NULL;
        }
    }
  return sections;
}

static const char *
ini_get (GHashTable *sections,
         const char *section,
         const char *key)
{
  GHashTable *values = g_hash_table_lookup (sections, section);

  return values ? g_hash_table_lookup (values, key) : NULL;
}

static char *
home_file (const char *env,
           const char *relative)
{
  const char *set = g_getenv (env);

  if (set != NULL && *set)
    return g_strdup (set);
  return g_build_filename (g_get_home_dir (), relative, NULL);
}

static const char *
nonempty_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value ? value : NULL;
}

static long
env_long (const char *name,
          long        fallback)
{
  const char *value = nonempty_env (name);
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 1, G_MAXINT32, &n, NULL))
    return fallback;
  return (long) n;
}

static char *
normalize_endpoint (const char *endpoint)
{
  char *url = strstr (endpoint, "://") ? g_strdup (endpoint) : g_strconcat ("http://", endpoint, NULL);

  while (*url && url[strlen (url) - 1] == '/')
    url[strlen (url) - 1] = '\0';
  return url;
}

static void
config_aws (SqObjectConfig *config)
{
  g_autofree char *credentials_path = home_file ("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  g_autofree char *config_path = home_file ("AWS_CONFIG_FILE", ".aws/config");
  g_autoptr(GHashTable) credentials = read_ini (credentials_path);
  g_autoptr(GHashTable) settings = read_ini (config_path);
  const char *profile = nonempty_env ("AWS_PROFILE") ? nonempty_env ("AWS_PROFILE") : "default";
  g_autofree char *config_section = g_str_equal (profile, "default") ? g_strdup ("default")
                                                                     : g_strconcat ("profile ", profile, NULL);
  const char *value, *style;

  if (nonempty_env ("AWS_ACCESS_KEY_ID") && nonempty_env ("AWS_SECRET_ACCESS_KEY"))
    {
      config->access_key = g_strdup (g_getenv ("AWS_ACCESS_KEY_ID"));
      config->secret_key = g_strdup (g_getenv ("AWS_SECRET_ACCESS_KEY"));
      config->session_token = g_strdup (nonempty_env ("AWS_SESSION_TOKEN"));
      config->credential_source = g_strdup ("AWS_ACCESS_KEY_ID");
    }
  else if (ini_get (credentials, profile, "aws_access_key_id") && ini_get (credentials, profile, "aws_secret_access_key"))
    {
      config->access_key = g_strdup (ini_get (credentials, profile, "aws_access_key_id"));
      config->secret_key = g_strdup (ini_get (credentials, profile, "aws_secret_access_key"));
      config->session_token = g_strdup (ini_get (credentials, profile, "aws_session_token"));
      config->credential_source = g_strdup_printf ("%s [%s]", credentials_path, profile);
    }
  else if (ini_get (settings, config_section, "aws_access_key_id") &&
           ini_get (settings, config_section, "aws_secret_access_key"))
    {
      config->access_key = g_strdup (ini_get (settings, config_section, "aws_access_key_id"));
      config->secret_key = g_strdup (ini_get (settings, config_section, "aws_secret_access_key"));
      config->session_token = g_strdup (ini_get (settings, config_section, "aws_session_token"));
      config->credential_source = g_strdup_printf ("%s [%s]", config_path, config_section);
    }
  config->looked = g_strdup_printf ("AWS_ACCESS_KEY_ID, %s [%s], %s [%s]",
                                    credentials_path, profile, config_path, config_section);

  if ((value = nonempty_env ("AWS_REGION")) || (value = nonempty_env ("AWS_DEFAULT_REGION")) ||
      (value = ini_get (settings, config_section, "region")))
    config->region = g_strdup (value);
  else
    config->region = g_strdup ("us-east-1");

  style = ini_get (settings, config_section, "s3.addressing_style");
  if ((value = nonempty_env ("AWS_ENDPOINT_URL_S3")) || (value = nonempty_env ("AWS_ENDPOINT_URL")) ||
      (value = ini_get (settings, config_section, "s3.endpoint_url")) ||
      (value = ini_get (settings, config_section, "endpoint_url")))
    {
      /* Another service (MinIO, Ceph, a test server): path-style, as
       * botocore addresses a custom endpoint, unless told otherwise. */
      config->endpoint = normalize_endpoint (value);
      config->path_style = g_strcmp0 (style, "virtual") != 0;
    }
  else
    {
      config->endpoint = g_strdup_printf ("https://s3.%s.amazonaws.com", config->region);
      /* Virtual-hosted where the bucket is a DNS label TLS can check. */
      config->path_style = g_strcmp0 (style, "path") == 0 || strchr (config->bucket, '.') != NULL;
      for (const char *p = config->bucket; *p; p++)
        if (g_ascii_isupper (*p) || *p == '_')
          config->path_style = TRUE;
    }
}

static char *
str_field (SqValue    *json,
           const char *name)
{
  SqValue *value = sq_value_lookup (json, name);

  if (value == NULL || sq_value_get_value_type (value) != SQ_VALUE_STR || *sq_value_get_str (value, NULL) == '\0')
    return NULL;
  return g_strdup (sq_value_get_str (value, NULL));
}

static gboolean
is_http_url (const char *url)
{
  return g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://");
}

/* An authorized_user's refresh token, or a service account's key: the
 * file's own, or its source_credentials' (@within says which). */
static gboolean
config_adc_fields (SqObjectConfig  *config,
                   SqValue         *json,
                   const char      *path,
                   const char      *within,
                   GError         **error)
{
  g_autofree char *type = str_field (json, "type");
  const char *missing = NULL;

#define REQUIRE(field, name) \
  G_STMT_START { if ((config->field = str_field (json, name)) == NULL && missing == NULL) missing = name; } G_STMT_END
  if (g_strcmp0 (type, "authorized_user") == 0)
    {
      REQUIRE (refresh_token, "refresh_token");
      REQUIRE (client_id, "client_id");
      REQUIRE (client_secret, "client_secret");
    }
  else if (g_strcmp0 (type, "service_account") == 0)
    {
      REQUIRE (private_key, "private_key");
      REQUIRE (client_email, "client_email");
      config->private_key_id = str_field (json, "private_key_id");
    }
  else if (*within)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Google credentials '%s'%s are of type '%s': Drey impersonates with authorized_user "
                   "credentials and service_account keys", path, within, type ? type : "none");
      return FALSE;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Google credentials '%s' are of type '%s': Drey reads authorized_user credentials "
                   "(gcloud auth application-default login), service_account keys and "
                   "impersonated_service_account credentials, CLOUDSDK_AUTH_ACCESS_TOKEN or HMAC keys",
                   path, type ? type : "none");
      return FALSE;
    }
#undef REQUIRE
  config->token_uri = str_field (json, "token_uri");
  if (missing != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Google credentials '%s'%s (%s) have no %s",
                   path, within, type, missing);
      return FALSE;
    }
  if (config->token_uri == NULL)
    config->token_uri = g_strdup ("https://oauth2.googleapis.com/token");
  if (!is_http_url (config->token_uri))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Google credentials '%s'%s: token_uri '%s' is not an http(s) URL", path, within,
                   config->token_uri);
      return FALSE;
    }
  return TRUE;
}

/* An impersonated_service_account's: the service account named in its
 * service_account_impersonation_url (google-auth's reading of it), the
 * delegates, and the source credentials that ask for its tokens. The
 * URL is asked as it is written, as Go's client does (google-auth asks
 * iamcredentials.googleapis.com for the same service account). */
static gboolean
config_adc_impersonated (SqObjectConfig  *config,
                         SqValue         *json,
                         const char      *path,
                         GError         **error)
{
  SqValue *delegates = sq_value_lookup (json, "delegates");
  SqValue *source = sq_value_lookup (json, "source_credentials");
  const char *url, *last, *end;

  config->impersonation_url = str_field (json, "service_account_impersonation_url");
  url = config->impersonation_url;
  last = url ? strrchr (url, '/') : NULL;
  end = url ? strstr (url, ":generateAccessToken") : NULL;
  if (url == NULL || !is_http_url (url) || last == NULL || end == NULL || end < last + 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Google credentials '%s' (impersonated_service_account): service_account_impersonation_url "
                   "is not an http(s) URL ending in /SERVICE_ACCOUNT:generateAccessToken", path);
      return FALSE;
    }
  config->impersonated = g_strndup (last + 1, (gsize) (end - last - 1));

  if (delegates == NULL || sq_value_get_value_type (delegates) == SQ_VALUE_NIL)
    config->impersonation_delegates = g_strdup ("[]");
  else
    {
      gboolean strings = sq_value_get_value_type (delegates) == SQ_VALUE_ARRAY;

      for (gsize i = 0; strings && i < sq_value_get_length (delegates); i++)
        strings = sq_value_get_value_type (sq_value_get_item (delegates, i)) == SQ_VALUE_STR;
      config->impersonation_delegates = strings ? sq_value_to_json (delegates, NULL) : NULL;
      if (config->impersonation_delegates == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Google credentials '%s' (impersonated_service_account): delegates is not a list of "
                       "service accounts", path);
          return FALSE;
        }
    }

  if (source == NULL || sq_value_get_value_type (source) != SQ_VALUE_MAP)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Google credentials '%s' (impersonated_service_account) have no source_credentials", path);
      return FALSE;
    }
  return config_adc_fields (config, source, path, "'s source_credentials", error);
}

/* ADC: an authorized_user's refresh token, or a service account's key,
 * for access tokens later; or either, to ask for another service
 * account's. */
static gboolean
config_adc (SqObjectConfig  *config,
            const char      *path,
            GError         **error)
{
  g_autofree char *text = NULL;
  g_autofree char *type = NULL;
  g_autoptr(SqValue) json = NULL;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return TRUE;
  json = sq_value_from_json (text, (gssize) len, NULL);
  memset (text, 0, len);
  if (json == NULL || sq_value_get_value_type (json) != SQ_VALUE_MAP)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Google credentials '%s' are not a JSON object", path);
      return FALSE;
    }
  type = str_field (json, "type");
  if (g_strcmp0 (type, "impersonated_service_account") == 0 ? !config_adc_impersonated (config, json, path, error)
                                                             : !config_adc_fields (config, json, path, "", error))
    return FALSE;
  config->credential_source = g_strdup (path);
  return TRUE;
}

/* The Compute Engine metadata server: at GCE_METADATA_HOST (or its
 * older name GCE_METADATA_ROOT), as google-auth and Go's client take it;
 * else where the machine's DMI product name says it is a Google one, at
 * GCE_METADATA_IP or 169.254.169.254 (the address, as Go's client asks,
 * no DNS to wait for). Off Google's cloud it is never probed, as
 * google-auth does for seconds: anonymous access is no slower there. */
static void
config_metadata (SqObjectConfig *config,
                 GString        *looked)
{
  const char *dmi = nonempty_env ("DREY_S3_DMI_PRODUCT_NAME") ? g_getenv ("DREY_S3_DMI_PRODUCT_NAME")
                                                              : "/sys/class/dmi/id/product_name";
  const char *names[] = { "GCE_METADATA_HOST", "GCE_METADATA_ROOT" };
  g_autofree char *product = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (nonempty_env (names[i]))
      {
        config->metadata_host = g_strdup (g_getenv (names[i]));
        config->metadata_found_by = g_strdup (names[i]);
        break;
      }
  if (config->metadata_host == NULL && g_file_get_contents (dmi, &product, NULL, NULL) &&
      g_str_has_prefix (product, "Google"))
    {
      config->metadata_host = g_strdup (nonempty_env ("GCE_METADATA_IP") ? g_getenv ("GCE_METADATA_IP")
                                                                          : "169.254.169.254");
      config->metadata_found_by = g_strdup_printf ("%s '%s'", dmi, g_strstrip (product));
    }
  if (config->metadata_host != NULL)
    {
      config->credential_source = g_strdup_printf ("the Compute Engine metadata server %s (found by %s)",
                                                   config->metadata_host, config->metadata_found_by);
      g_string_append_printf (looked, ", the Compute Engine metadata server %s", config->metadata_host);
    }
  else
    g_string_append_printf (looked, ", GCE_METADATA_HOST, the Compute Engine metadata server "
                            "(not asked: %s does not say Google)", dmi);
}

static gboolean
config_gcs (SqObjectConfig  *config,
            GError         **error)
{
  g_autofree char *adc = NULL;
  g_autofree char *boto_path = home_file ("BOTO_CONFIG", ".boto");
  g_autoptr(GHashTable) boto = NULL;
  g_autoptr(GString) looked = NULL;
  const char *value;

  if ((value = nonempty_env ("STORAGE_EMULATOR_HOST")))
    config->endpoint = normalize_endpoint (value);
  else
    config->endpoint = g_strdup ("https://storage.googleapis.com");
  config->path_style = TRUE;
  config->region = g_strdup ("auto");

  if (nonempty_env ("GOOGLE_APPLICATION_CREDENTIALS"))
    adc = g_strdup (g_getenv ("GOOGLE_APPLICATION_CREDENTIALS"));
  else
    adc = g_build_filename (g_get_user_config_dir (), "gcloud", "application_default_credentials.json", NULL);
  looked = g_string_new (NULL);
  g_string_printf (looked, "CLOUDSDK_AUTH_ACCESS_TOKEN, %s, %s [Credentials]", adc, boto_path);

  if ((value = nonempty_env ("CLOUDSDK_AUTH_ACCESS_TOKEN")))
    {
      config->bearer = g_strdup (value);
      config->credential_source = g_strdup ("CLOUDSDK_AUTH_ACCESS_TOKEN");
    }
  else if (!config_adc (config, adc, error))
    return FALSE;
  else if (!_sq_object_config_buys_tokens (config))
    {
      boto = read_ini (boto_path);
      if (ini_get (boto, "Credentials", "gs_access_key_id") &&
          ini_get (boto, "Credentials", "gs_secret_access_key"))
        {
          config->access_key = g_strdup (ini_get (boto, "Credentials", "gs_access_key_id"));
          config->secret_key = g_strdup (ini_get (boto, "Credentials", "gs_secret_access_key"));
          config->credential_source = g_strdup_printf ("%s [Credentials]", boto_path);
        }
      else
        config_metadata (config, looked);
    }
  config->looked = g_string_free (g_steal_pointer (&looked), FALSE);
  return TRUE;
}

/* Reads the environment and the credential files: call it on a worker. */
SqObjectConfig *
_sq_object_config_new (const char  *url,
                       GError     **error)
{
  g_autoptr(SqObjectConfig) config = g_new0 (SqObjectConfig, 1);

  g_mutex_init (&config->token_lock);
  config->url = g_strdup (url);
  if (!_sq_object_url_parse (url, &config->gcs, &config->bucket, &config->prefix, error))
    return NULL;
  if (config->gcs)
    {
      if (!config_gcs (config, error))
        return NULL;
    }
  else
    config_aws (config);

  config->connect_timeout = env_long ("DREY_S3_CONNECT_TIMEOUT", 15);
  config->low_speed_time = env_long ("DREY_S3_LOW_SPEED_TIME", 30);
  config->max_attempts = (guint) env_long ("DREY_S3_ATTEMPTS", 4);
  config->multipart_threshold = (guint64) env_long ("DREY_S3_MULTIPART_THRESHOLD", 64 << 20);
  config->part_size = MAX ((guint64) env_long ("DREY_S3_PART_SIZE", 16 << 20), 5 << 20);
  return g_steal_pointer (&config);
}

gboolean
_sq_object_config_anonymous (SqObjectConfig *config)
{
  return config->access_key == NULL && config->bearer == NULL && !_sq_object_config_buys_tokens (config);
}

gboolean
_sq_object_config_buys_tokens (SqObjectConfig *config)
{
  return config->refresh_token != NULL || config->private_key != NULL || config->metadata_host != NULL;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
_sq_object_config_free (SqObjectConfig *config)
{
  g_free (config->bucket);
  g_free (config->prefix);
  g_free (config->url);
  g_free (config->endpoint);
  g_free (config->region);
  g_free (config->access_key);
  clear_secret (&config->secret_key);
  clear_secret (&config->session_token);
  clear_secret (&config->bearer);
  clear_secret (&config->refresh_token);
  g_free (config->client_id);
  clear_secret (&config->client_secret);
  clear_secret (&config->private_key);
  g_free (config->private_key_id);
  g_free (config->client_email);
  g_free (config->token_uri);
  g_free (config->impersonation_url);
  g_free (config->impersonation_delegates);
  g_free (config->impersonated);
  g_free (config->metadata_host);
  g_free (config->metadata_found_by);
  g_free (config->credential_source);
  g_free (config->looked);
  g_mutex_clear (&config->token_lock);
  g_free (config);
}
