/* sq-utf8-private.h: UTF-8 validation as Python's strict codec does it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns TRUE if @text[0..@length) is UTF-8 as Python's "utf-8" codec
 * decodes it: no overlong forms, no surrogates, nothing above U+10FFFF;
 * U+0000 is allowed (GLib's g_utf8_validate_len refuses it). Otherwise
 * sets *@bad_offset to the first byte that is wrong. */
gboolean _sq_utf8_validate (const guint8 *text,
                            gsize         length,
                            gsize        *bad_offset);

G_END_DECLS
