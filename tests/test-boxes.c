/* test-boxes.c: box lists, their format and units
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "drey-boxes.h"
#include "drey-test-array.h"

static void
test_count (void)
{
  const float data[40] = { 0 };
  g_autoptr(SqNdarray) n4 = drey_test_array_new ("<f4", 2, SHAPE (10, 4), data, sizeof data);
  g_autoptr(SqNdarray) n3 = drey_test_array_new ("<f4", 2, SHAPE (10, 3), data, 120);
  g_autoptr(SqNdarray) flat = drey_test_array_new ("<f4", 1, SHAPE (40), data, sizeof data);
  guint n = 0;

  g_assert_true (drey_boxes_get_count (n4, &n));
  g_assert_cmpuint (n, ==, 10);
  g_assert_false (drey_boxes_get_count (n3, NULL));
  g_assert_false (drey_boxes_get_count (flat, NULL));
}

static void
test_guess (void)
{
  /* Right below left in xyxy (x2 = 30 < x1 = 50): only xywh fits. */
  const gint32 coco[8] = { 50, 10, 30, 40, 0, 0, 100, 100 };
  /* Fractions with x + w > 1: xyxy only. */
  const double voc[8] = { 0.2, 0.1, 0.9, 0.8, 0.5, 0.5, 0.6, 0.6 };
  g_autoptr(SqNdarray) a = drey_test_array_new ("<i4", 2, SHAPE (2, 4), coco, sizeof coco);
  g_autoptr(SqNdarray) b = drey_test_array_new ("<f8", 2, SHAPE (2, 4), voc, sizeof voc);
  DreyBoxGuess guess;
  g_autofree double *px = NULL;

  drey_boxes_guess (a, 200, 100, &guess);
  g_assert_cmpint (guess.format, ==, DREY_BOX_XYWH);
  g_assert_cmpuint (guess.n_fits, ==, 1);
  g_assert_false (guess.normalized);
  px = drey_boxes_to_pixels (a, guess.format, guess.normalized, 200, 100);
  g_assert_cmpfloat (px[2], ==, 80);
  g_assert_cmpfloat (px[3], ==, 50);

  drey_boxes_guess (b, 200, 100, &guess);
  g_assert_cmpint (guess.format, ==, DREY_BOX_XYXY);
  g_assert_true (guess.normalized);
  g_assert_true (guess.units_certain);
  g_assert_true (guess.fits[DREY_BOX_XYXY]);
  g_assert_false (guess.fits[DREY_BOX_XYWH]);
  g_clear_pointer (&px, g_free);
  px = drey_boxes_to_pixels (b, DREY_BOX_XYXY, TRUE, 200, 100);
  g_assert_cmpfloat_with_epsilon (px[0], 40, 1e-9);
  g_assert_cmpfloat_with_epsilon (px[3], 80, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/boxes/count", test_count);
  g_test_add_func ("/boxes/guess", test_guess);
  return g_test_run ();
}
