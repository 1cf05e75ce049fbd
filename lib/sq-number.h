/* sq-number.h: numbers the way numpy stores them and Python prints them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double   sq_number_half_to_double (guint16  half);
guint16  sq_number_double_to_half (double   value);
void     sq_number_append_float   (GString *out,
                                   double   value,
                                   gsize    itemsize);

G_END_DECLS
