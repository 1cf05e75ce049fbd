/* sq-backend-local.h: a store that is a directory (local, or GIO's)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-backend-private.h"

G_BEGIN_DECLS

#define SQ_TYPE_LOCAL_BACKEND (sq_local_backend_get_type ())

G_DECLARE_FINAL_TYPE (SqLocalBackend, sq_local_backend, SQ, LOCAL_BACKEND, GObject)

SqBackend *_sq_local_backend_new (GFile *location);

G_END_DECLS
