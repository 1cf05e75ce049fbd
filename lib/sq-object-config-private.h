/* sq-object-config-private.h: where a bucket is and who asks for it: the
 * endpoint, region, addressing and credentials of an s3:// or gs:// store,
 * found the way boto3, the AWS CLI and Google's clients find them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean  gcs;            /* gs:// */
  char     *bucket;
  char     *prefix;         /* "" or "a/b/": object names start so */
  char     *url;            /* s3://bucket/prefix, as given */

  char     *endpoint;       /* scheme://host[:port], no '/' at the end */
  gboolean  path_style;     /* endpoint/bucket/key, else bucket.host/key */
  char     *region;

  /* SigV4 (S3, or Cloud Storage HMAC keys) */
  char     *access_key;
  char     *secret_key;
  char     *session_token;

  /* Cloud Storage OAuth: a token given, or one bought (sq-object-token.c)
   * at @token_uri with ADC: an authorized_user's refresh token, or a
   * service account's signed assertion (and with that one, another
   * service account's at @impersonation_url); or from the Compute Engine
   * metadata server at @metadata_host */
  GMutex    token_lock;
  char     *bearer;
  gint64    bearer_expires; /* real-time usec it is bought again at */
  guint     bearer_serial;  /* how many were bought */
  char     *refresh_token;
  char     *client_id;
  char     *client_secret;
  char     *private_key;    /* PEM */
  char     *private_key_id;
  char     *client_email;
  char     *token_uri;
  char     *impersonation_url;       /* ...:generateAccessToken, or NULL */
  char     *impersonation_delegates; /* a JSON list */
  char     *impersonated;            /* the service account asked for */
  char     *metadata_host;     /* host[:port] */
  char     *metadata_found_by; /* GCE_METADATA_HOST, or the DMI file */

  char     *credential_source; /* where the credentials came from */
  char     *looked;            /* where Drey looked, for "none found" */

  /* Test knobs, from the environment (DREY_S3_*): seconds, tries, bytes */
  long      connect_timeout;
  long      low_speed_time;
  guint     max_attempts;
  guint64   multipart_threshold;
  guint64   part_size;
} SqObjectConfig;

gboolean        _sq_object_url_parse     (const char       *url,
                                          gboolean         *gcs,
                                          char            **bucket,
                                          char            **prefix,
                                          GError          **error);
SqObjectConfig *_sq_object_config_new    (const char       *url,
                                          GError          **error);
void            _sq_object_config_free   (SqObjectConfig   *config);
gboolean        _sq_object_config_anonymous (SqObjectConfig *config);
/* Its access tokens are bought at its token_uri, and expire. */
gboolean        _sq_object_config_buys_tokens (SqObjectConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqObjectConfig, _sq_object_config_free)

G_END_DECLS
