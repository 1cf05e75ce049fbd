/* drey-colormap.h: numbers to colours: continuous maps and a categorical palette
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DreyColormap:
 * @DREY_COLORMAP_GREY: black to white
 * @DREY_COLORMAP_VIRIDIS: matplotlib's viridis, dark blue to yellow
 * @DREY_COLORMAP_DIVERGING: blue, white at the middle, red (ColorBrewer's RdBu, reversed)
 */
typedef enum
{
  DREY_COLORMAP_GREY,
  DREY_COLORMAP_VIRIDIS,
  DREY_COLORMAP_DIVERGING,
} DreyColormap;

#define DREY_COLORMAP_N 3

const char *drey_colormap_get_name    (DreyColormap  map);
void        drey_colormap_lookup      (DreyColormap  map,
                                       double        t,
                                       guint8        rgb[3]);
guint8     *drey_colormap_apply       (DreyColormap  map,
                                       const double *values,
                                       gsize         n,
                                       double        lo,
                                       double        hi);

void        drey_palette_class_color  (gint64        value,
                                       guint8        rgb[3]);

G_END_DECLS
