/* drey-fft.h: a small complex FFT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean drey_fft (double *re,
                   double *im,
                   guint   n);

G_END_DECLS
