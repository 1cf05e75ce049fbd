/* sq-jwt-private.h: the signed assertion (a JWT, RS256) a Google service
 * account trades at its token endpoint for an access token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* header.claims.signature, base64url without padding: header
 * {"alg":"RS256","typ":"JWT","kid":@key_id}, claims {"iss":@issuer,
 * "scope":@scope,"aud":@audience,"iat":@issued_at,"exp":@issued_at+3600},
 * signed with the PEM RSA @private_key. NULL with @error (which never
 * holds the key) when the key is not one, or libcrypto cannot be loaded. */
char *_sq_jwt_rs256_assertion (const char  *private_key,
                               const char  *key_id,
                               const char  *issuer,
                               const char  *scope,
                               const char  *audience,
                               gint64       issued_at,
                               GError     **error);

G_END_DECLS
