/* sq-backend-object.h: a store that is a prefix in an S3 or Cloud Storage
 * bucket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-backend-private.h"

G_BEGIN_DECLS

#define SQ_TYPE_OBJECT_BACKEND (sq_object_backend_get_type ())

G_DECLARE_FINAL_TYPE (SqObjectBackend, sq_object_backend, SQ, OBJECT_BACKEND, GObject)

SqBackend *_sq_object_backend_new (const char *url);

G_END_DECLS
