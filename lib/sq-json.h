/* sq-json.h: values as JSON, in drey-cli's convention
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-value.h"

G_BEGIN_DECLS

char    *sq_value_to_json   (SqValue     *value,
                             GError     **error);
SqValue *sq_value_from_json (const char  *text,
                             gssize       length,
                             GError     **error);

G_END_DECLS
