/* sq-object-token-private.h: the OAuth access token a gs:// request
 * carries, bought when there is none or it is about to expire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-curl-private.h"
#include "sq-object-config-private.h"

G_BEGIN_DECLS

/* "Bearer TOKEN", the token bought first if need be; @serial says which
 * token, for _sq_object_token_refused(). NULL with @error when none
 * could be bought (the error names where it was asked for, never a
 * secret). */
char     *_sq_object_token_authorization (SqObjectConfig  *config,
                                          guint           *serial,
                                          GCancellable    *cancellable,
                                          GError         **error);

/* A server refused token @serial (HTTP 401): the next request buys
 * another. FALSE when @config buys none (a token given as it is), so a
 * new one cannot help. */
gboolean  _sq_object_token_refused       (SqObjectConfig  *config,
                                          guint            serial);

G_END_DECLS
