/* test-normalize.c: undoing mean/std normalization, per-channel figures
 *
 * (tests/interop/views-interop.py checks the pixels against numpy's.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "drey-normalize.h"
#include "drey-test-array.h"

static void
test_parse (void)
{
  double out[4];
  g_autoptr(SqValue) one = sq_value_new_float64 (0.5);
  SqValue *items[3] = { sq_value_new_float64 (0.1), sq_value_new_int (2), sq_value_new_float64 (0.3) };
  g_autoptr(SqValue) list = sq_value_new_array (items, 3);
  const float three[3] = { 1, 2, 3 };
  g_autoptr(SqNdarray) chw = drey_test_array_new ("<f4", 3, SHAPE (3, 1, 1), three, sizeof three);
  g_autoptr(SqValue) array = sq_value_new_ndarray (chw);
  g_autoptr(SqValue) text = sq_value_new_str ("0.5", -1);

  g_assert_true (drey_normalization_parse_values (one, 3, out));
  g_assert_cmpfloat (out[2], ==, 0.5);
  g_assert_true (drey_normalization_parse_values (list, 3, out));
  g_assert_cmpfloat (out[1], ==, 2);
  g_assert_false (drey_normalization_parse_values (list, 4, out));
  g_assert_true (drey_normalization_parse_values (array, 3, out));
  g_assert_cmpfloat (out[2], ==, 3);
  g_assert_false (drey_normalization_parse_values (text, 3, out));

  g_assert_true (drey_normalization_parse_text ("[0.485, 0.456, 0.406]", 3, out));
  g_assert_cmpfloat (out[1], ==, 0.456);
  g_assert_true (drey_normalization_parse_text ("0.5", 3, out));
  g_assert_cmpfloat (out[2], ==, 0.5);
  g_assert_false (drey_normalization_parse_text ("0.5 0.4", 3, out));
  g_assert_false (drey_normalization_parse_text ("a, b, c", 3, out));
  g_assert_false (drey_normalization_parse_text ("", 3, out));
}

static void
test_pixels (void)
{
  /* A 1x2 CHW tensor: pixel 0 is (0, 0, 0) normalized, pixel 1 is NaN/huge/low. */
  const float data[6] = { 0, NAN, 0, 100, 0, -100 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<f4", 3, SHAPE (3, 1, 2), data, sizeof data);
  DreyImageShape shape;
  DreyNormalization norm;
  g_autofree guint8 *px = NULL;

  g_assert_true (drey_image_get_shape (array, &shape));
  g_assert_true (shape.channels_first);
  drey_normalization_init_imagenet (&norm, 3);
  px = drey_normalization_map_pixels (array, &shape, &norm, NULL, NULL);
  /* 0 * std + mean, times 255, rounded: the ImageNet mean colour. */
  g_assert_cmpuint (px[0], ==, 124);   /* 0.485 x 255 = 123.675 */
  g_assert_cmpuint (px[1], ==, 116);   /* 116.28 */
  g_assert_cmpuint (px[2], ==, 104);   /* 103.53 */
  /* Pixel 1 has a NaN: black, all of it (else 255 and 0, clamped). */
  g_assert_cmpuint (px[3], ==, 0);
  g_assert_cmpuint (px[4], ==, 0);
  g_assert_cmpuint (px[5], ==, 0);
}

static void
test_channel_stats (void)
{
  /* HWC 1x2x3: channel 0 is 1, 3; channel 1 is 2, NaN; channel 2 is -1, -1 */
  const double data[6] = { 1, 2, -1, 3, NAN, -1 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<f8", 3, SHAPE (1, 2, 3), data, sizeof data);
  DreyImageShape shape;
  g_autofree DreyChannelStats *stats = NULL;

  g_assert_true (drey_image_get_shape (array, &shape));
  stats = drey_image_channel_stats (array, &shape, NULL, NULL);
  g_assert_cmpfloat (stats[0].mean, ==, 2);
  g_assert_cmpfloat (stats[0].std, ==, 1);
  g_assert_cmpuint (stats[1].n_finite, ==, 1);
  g_assert_cmpfloat (stats[1].max, ==, 2);
  g_assert_cmpfloat (stats[2].std, ==, 0);
  g_assert_cmpfloat (stats[2].min, ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/normalize/parse", test_parse);
  g_test_add_func ("/normalize/pixels", test_pixels);
  g_test_add_func ("/normalize/channel-stats", test_channel_stats);
  return g_test_run ();
}
