/* sq-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sq-error.h"

G_DEFINE_QUARK (sq-decode-error-quark, sq_decode_error)
G_DEFINE_QUARK (sq-encode-error-quark, sq_encode_error)
