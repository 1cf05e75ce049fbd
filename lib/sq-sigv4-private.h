/* sq-sigv4-private.h: AWS Signature Version 4 for S3 requests (and Cloud
 * Storage's HMAC keys, which take the same signature)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Percent-encodes @text as SigV4 wants it: all but A-Z a-z 0-9 - _ . ~,
 * and '/' too unless @keep_slash. */
char *_sq_uri_encode             (const char  *text,
                                  gboolean     keep_slash);

/* The Authorization header's value for a request. @headers holds pairs of
 * lower-case name and value (NULL-terminated), every header to sign,
 * "host" and "x-amz-date" among them; @canonical_uri and
 * @canonical_query are already encoded (the query's pairs sorted);
 * @amz_date is the x-amz-date value (YYYYMMDDTHHMMSSZ). */
char *_sq_sigv4_authorization    (const char  *method,
                                  const char  *canonical_uri,
                                  const char  *canonical_query,
                                  const char * const *headers,
                                  const char  *payload_hash,
                                  const char  *amz_date,
                                  const char  *region,
                                  const char  *service,
                                  const char  *access_key,
                                  const char  *secret_key);

G_END_DECLS
