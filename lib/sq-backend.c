/* sq-backend.c: the interface a store's backend implements, and which one
 * a location gets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-backend-local.h"
#include "sq-backend-object.h"
#include "sq-backend-private.h"

G_DEFINE_INTERFACE (SqBackend, sq_backend, G_TYPE_OBJECT)

static void
sq_backend_default_init (SqBackendInterface *iface)
{
}

SqBackend *
_sq_backend_new_for_location (GFile *location)
{
  if (sq_store_location_is_bucket (location))
    {
      g_autofree char *uri = g_file_get_uri (location);

      return _sq_object_backend_new (uri);
    }
  return _sq_local_backend_new (location);
}
