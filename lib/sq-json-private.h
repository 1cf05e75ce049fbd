/* sq-json-private.h: what the JSON reader and its tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-json.h"

G_BEGIN_DECLS

/* Arrays and objects nest at most this deep, as in Python's reader. */
#define SQ_JSON_MAX_DEPTH 1024

G_END_DECLS
