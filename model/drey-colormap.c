/* drey-colormap.c: numbers to colours
 *
 * The continuous maps are piecewise linear between published stops:
 * viridis at 16 even stops (matplotlib's own table sampled), the diverging
 * map at ColorBrewer's 11 RdBu stops, reversed so that low is blue.
 *
 * The categorical palette gives a class the same colour wherever it is
 * shown (it depends on the label value, not on which classes a mask
 * happens to hold): 0, by convention the background, is black; 1 to 20
 * take Tableau's 20 colours, strong ones first, and larger labels repeat
 * them; negative labels (often "ignore", -1) are light grey.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-colormap"

#include "config.h"

#include <math.h>

#include "drey-colormap.h"

static const guint8 viridis[16][3] = {
  { 0x44, 0x01, 0x54 }, { 0x48, 0x18, 0x6a }, { 0x47, 0x2d, 0x7b }, { 0x42, 0x40, 0x86 },
  { 0x3b, 0x52, 0x8b }, { 0x33, 0x63, 0x8d }, { 0x2c, 0x72, 0x8e }, { 0x26, 0x82, 0x8e },
  { 0x21, 0x91, 0x8c }, { 0x1f, 0xa0, 0x88 }, { 0x28, 0xae, 0x80 }, { 0x3f, 0xbc, 0x73 },
  { 0x5e, 0xc9, 0x62 }, { 0x84, 0xd4, 0x4b }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

static const guint8 diverging[11][3] = {
  { 0x05, 0x30, 0x61 }, { 0x21, 0x66, 0xac }, { 0x43, 0x93, 0xc3 }, { 0x92, 0xc5, 0xde },
  { 0xd1, 0xe5, 0xf0 }, { 0xf7, 0xf7, 0xf7 }, { 0xfd, 0xdb, 0xc7 }, { 0xf4, 0xa5, 0x82 },
  { 0xd6, 0x60, 0x4d }, { 0xb2, 0x18, 0x2b }, { 0x67, 0x00, 0x1f },
};

static const guint8 tableau20[20][3] = {
  { 0x1f, 0x77, 0xb4 }, { 0xff, 0x7f, 0x0e }, { 0x2c, 0xa0, 0x2c }, { 0xd6, 0x27, 0x28 },
  { 0x94, 0x67, 0xbd }, { 0x8c, 0x56, 0x4b }, { 0xe3, 0x77, 0xc2 }, { 0x7f, 0x7f, 0x7f },
  { 0xbc, 0xbd, 0x22 }, { 0x17, 0xbe, 0xcf }, { 0xae, 0xc7, 0xe8 }, { 0xff, 0xbb, 0x78 },
  { 0x98, 0xdf, 0x8a }, { 0xff, 0x98, 0x96 }, { 0xc5, 0xb0, 0xd5 }, { 0xc4, 0x9c, 0x94 },
  { 0xf7, 0xb6, 0xd2 }, { 0xc7, 0xc7, 0xc7 }, { 0xdb, 0xdb, 0x8d }, { 0x9e, 0xda, 0xe5 },
};

/**
 * drey_colormap_get_name:
 *
 * Returns: the map's name as users know it ("grey", "viridis", "diverging")
 */
const char *
drey_colormap_get_name (DreyColormap map)
{
  switch (map)
    {
    case DREY_COLORMAP_VIRIDIS:
      return "viridis";
    case DREY_COLORMAP_DIVERGING:
      return "diverging";
    case DREY_COLORMAP_GREY:
    default:
      return "grey";
    }
}

static void
interpolate (const guint8 (*stops)[3],
             guint          n_stops,
             double         t,
             guint8         rgb[3])
{
  double pos = t * (n_stops - 1);
  guint i = (guint) floor (pos);
  double f;

  if (i >= n_stops - 1)
    i = n_stops - 2;
  f = pos - i;
  for (guint c = 0; c < 3; c++)
    rgb[c] = (guint8) lround (stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f);
}

/**
 * drey_colormap_lookup:
 * @t: where in the map, 0 to 1 (clamped; NaN is 0)
 * @rgb: (out caller-allocates): the colour
 */
void
drey_colormap_lookup (DreyColormap map,
                      double       t,
                      guint8       rgb[3])
{
  if (!(t > 0))
    t = 0;
  if (t > 1)
    t = 1;
  switch (map)
    {
    case DREY_COLORMAP_VIRIDIS:
      interpolate (viridis, G_N_ELEMENTS (viridis), t, rgb);
      break;
    case DREY_COLORMAP_DIVERGING:
      interpolate (diverging, G_N_ELEMENTS (diverging), t, rgb);
      break;
    case DREY_COLORMAP_GREY:
    default:
      rgb[0] = rgb[1] = rgb[2] = (guint8) lround (t * 255);
      break;
    }
}

/**
 * drey_colormap_apply:
 * @values: @n numbers
 * @lo: the value at the map's start
 * @hi: the value at its end (@hi <= @lo: every finite value at the middle)
 *
 * Colours @n values as RGB, 3 bytes each: below @lo as @lo, above @hi as
 * @hi, NaN magenta, which no map holds, so a hole shows. Safe on any thread.
 *
 * Returns: (transfer full): 3 x @n bytes
 */
guint8 *
drey_colormap_apply (DreyColormap  map,
                     const double *values,
                     gsize         n,
                     double        lo,
                     double        hi)
{
  guint8 table[256][3];
  guint8 *out = g_malloc (MAX (n, 1) * 3);

  for (guint i = 0; i < 256; i++)
    drey_colormap_lookup (map, i / 255.0, table[i]);

  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];
      guint8 *px = out + i * 3;
      guint k;

      if (isnan (v))
        {
          px[0] = 255, px[1] = 0, px[2] = 255;
          continue;
        }
      if (!(hi > lo))
        k = 128;
      else if (v <= lo)
        k = 0;
      else if (v >= hi)
        k = 255;
      else
        k = (guint) CLAMP (lround ((v - lo) / (hi - lo) * 255.0), 0, 255);
      px[0] = table[k][0], px[1] = table[k][1], px[2] = table[k][2];
    }
  return out;
}

/**
 * drey_palette_class_color:
 * @value: a class label
 * @rgb: (out caller-allocates): its colour (this file's comment says which)
 */
void
drey_palette_class_color (gint64 value,
                          guint8 rgb[3])
{
  const guint8 *c;
  static const guint8 black[3] = { 0, 0, 0 };
  static const guint8 ignore[3] = { 0xe0, 0xe0, 0xe0 };

  if (value == 0)
    c = black;
  else if (value < 0)
    c = ignore;
  else
    c = tableau20[(value - 1) % 20];
  rgb[0] = c[0], rgb[1] = c[1], rgb[2] = c[2];
}
