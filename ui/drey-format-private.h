/* drey-format-private.h: figures as the array panel and histogram print them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include <glib.h>

G_BEGIN_DECLS

/* A value: whole numbers in full (up to 2^53, where doubles stop being
 * exact), others to six significant digits; "NaN", "inf", "-inf". */
static inline char *
_drey_format_figure (double value)
{
  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    return g_strdup_printf ("%.0f", value == 0 ? 0.0 : value);
  return g_strdup_printf ("%.6g", value);
}

/* A count, grouped as the locale groups thousands: "3,189". */
static inline char *
_drey_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

G_END_DECLS
