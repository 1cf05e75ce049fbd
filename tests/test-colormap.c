/* test-colormap.c: continuous colormaps and the categorical palette
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "drey-colormap.h"

static void
test_ends (void)
{
  guint8 rgb[3];

  drey_colormap_lookup (DREY_COLORMAP_GREY, 0.0, rgb);
  g_assert_cmpuint (rgb[0] | rgb[1] | rgb[2], ==, 0);
  drey_colormap_lookup (DREY_COLORMAP_GREY, 1.0, rgb);
  g_assert_cmpuint (rgb[0] & rgb[1] & rgb[2], ==, 255);
  /* viridis runs from #440154 to #fde725 */
  drey_colormap_lookup (DREY_COLORMAP_VIRIDIS, 0.0, rgb);
  g_assert_cmpuint (rgb[0], ==, 0x44);
  g_assert_cmpuint (rgb[2], ==, 0x54);
  drey_colormap_lookup (DREY_COLORMAP_VIRIDIS, 1.0, rgb);
  g_assert_cmpuint (rgb[0], ==, 0xfd);
  g_assert_cmpuint (rgb[1], ==, 0xe7);
  /* The diverging map is white-ish at its middle, blue below, red above. */
  drey_colormap_lookup (DREY_COLORMAP_DIVERGING, 0.5, rgb);
  g_assert_cmpuint (rgb[0], ==, 0xf7);
  g_assert_cmpuint (rgb[2], ==, 0xf7);
  drey_colormap_lookup (DREY_COLORMAP_DIVERGING, 0.1, rgb);
  g_assert_cmpuint (rgb[2], >, rgb[0]);
  drey_colormap_lookup (DREY_COLORMAP_DIVERGING, 0.9, rgb);
  g_assert_cmpuint (rgb[0], >, rgb[2]);
  /* Out of range clamps; NaN is the start. */
  drey_colormap_lookup (DREY_COLORMAP_GREY, 7.0, rgb);
  g_assert_cmpuint (rgb[0], ==, 255);
  drey_colormap_lookup (DREY_COLORMAP_GREY, NAN, rgb);
  g_assert_cmpuint (rgb[0], ==, 0);
}

static void
test_apply (void)
{
  const double values[] = { -1, 0, 5, 10, 20, NAN };
  g_autofree guint8 *px = drey_colormap_apply (DREY_COLORMAP_GREY, values, G_N_ELEMENTS (values), 0, 10);
  g_autofree guint8 *flat = drey_colormap_apply (DREY_COLORMAP_GREY, values, 2, 3, 3);

  g_assert_cmpuint (px[0], ==, 0);       /* below lo */
  g_assert_cmpuint (px[3], ==, 0);
  g_assert_cmpuint (px[6], ==, 128);     /* 5 of 0..10: 127.5, rounded */
  g_assert_cmpuint (px[9], ==, 255);
  g_assert_cmpuint (px[12], ==, 255);    /* above hi */
  g_assert_cmpuint (px[15], ==, 255);    /* NaN: magenta */
  g_assert_cmpuint (px[16], ==, 0);
  g_assert_cmpuint (px[17], ==, 255);
  g_assert_cmpuint (flat[0], ==, 128);   /* an empty range: the middle */
}

static void
test_palette (void)
{
  guint8 a[3], b[3], c[3];

  drey_palette_class_color (0, a);
  g_assert_cmpuint (a[0] | a[1] | a[2], ==, 0);
  /* Neighbouring labels differ; the palette repeats after 20. */
  for (gint64 v = 1; v < 20; v++)
    {
      drey_palette_class_color (v, a);
      drey_palette_class_color (v + 1, b);
      g_assert_false (a[0] == b[0] && a[1] == b[1] && a[2] == b[2]);
    }
  drey_palette_class_color (1, a);
  drey_palette_class_color (21, c);
  g_assert_cmpmem (a, 3, c, 3);
  drey_palette_class_color (-1, a);
  g_assert_cmpuint (a[0], ==, 0xe0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/colormap/ends", test_ends);
  g_test_add_func ("/colormap/apply", test_apply);
  g_test_add_func ("/colormap/palette", test_palette);
  return g_test_run ();
}
