/* sq-msgpack-writer-private.h: encode samples as squirrel-core writes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <msgpack.h>

#include "sq-value.h"

G_BEGIN_DECLS

gboolean _sq_msgpack_pack (msgpack_packer *packer,
                           SqValue        *value,
                           GError        **error);

G_END_DECLS
