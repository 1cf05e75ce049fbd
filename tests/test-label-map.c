/* test-label-map.c: which arrays are masks, their classes and colours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "drey-colormap.h"
#include "drey-label-map.h"
#include "drey-test-array.h"

static void
test_candidates (void)
{
  const guint8 bytes[64] = { 0 };
  g_autoptr(SqNdarray) u8 = drey_test_array_new ("|u1", 2, SHAPE (8, 8), bytes, 64);
  g_autoptr(SqNdarray) hw1 = drey_test_array_new ("|i1", 3, SHAPE (8, 8, 1), bytes, 64);
  g_autoptr(SqNdarray) f4 = drey_test_array_new ("<f4", 2, SHAPE (4, 4), bytes, 64);
  g_autoptr(SqNdarray) rgb = drey_test_array_new ("|u1", 3, SHAPE (4, 4, 3), bytes, 48);
  g_autoptr(SqNdarray) flag = drey_test_array_new ("|b1", 2, SHAPE (8, 8), bytes, 64);
  guint w = 0, h = 0;

  g_assert_true (drey_label_map_get_size (u8, &w, &h));
  g_assert_cmpuint (w, ==, 8);
  g_assert_true (drey_label_map_get_size (hw1, NULL, NULL));
  g_assert_false (drey_label_map_get_size (f4, NULL, NULL));
  g_assert_false (drey_label_map_get_size (rgb, NULL, NULL));
  g_assert_false (drey_label_map_get_size (flag, NULL, NULL));
}

static void
test_count (void)
{
  /* 3 rows of 4: classes 0 x5, 2 x4, 9 x2, -1 x1 */
  const gint16 labels[12] = { 0, 0, 2, 2, 0, 9, 9, 2, 0, 0, 2, -1 };
  g_autoptr(SqNdarray) mask = drey_test_array_new ("<i2", 2, SHAPE (3, 4), labels, sizeof labels);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) classes = drey_label_map_count (mask, 64, FALSE, NULL, &error);
  g_autoptr(GArray) none = NULL;
  const DreyLabelClass expected[] = { { -1, 1 }, { 0, 5 }, { 2, 4 }, { 9, 2 } };

  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < classes->len; i++)
    {
      g_assert_cmpint (g_array_index (classes, DreyLabelClass, i).value, ==, expected[i].value);
      g_assert_cmpuint (g_array_index (classes, DreyLabelClass, i).count, ==, expected[i].count);
    }

  /* More classes than allowed: not a mask. */
  none = drey_label_map_count (mask, 3, FALSE, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_big_endian_int64 (void)
{
  /* Big-endian labels read right; 2^40 + 1 needs all 64 bits and is no label. */
  const guint64 be[4] = { GUINT64_TO_BE (1), GUINT64_TO_BE (1), GUINT64_TO_BE (254), GUINT64_TO_BE (1) };
  const guint64 big[4] = { GUINT64_TO_BE (1), GUINT64_TO_BE (1), GUINT64_TO_BE ((G_GUINT64_CONSTANT (1) << 40) + 1), GUINT64_TO_BE (1) };
  g_autoptr(SqNdarray) mask = drey_test_array_new (">i8", 2, SHAPE (2, 2), be, sizeof be);
  g_autoptr(SqNdarray) ids = drey_test_array_new (">i8", 2, SHAPE (2, 2), big, sizeof big);
  g_autoptr(GArray) classes = drey_label_map_count (mask, 64, TRUE, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = drey_label_map_count (ids, 64, FALSE, NULL, &error);

  g_assert_cmpuint (classes->len, ==, 2);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 0).value, ==, 1);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 0).count, ==, 3);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).value, ==, 254);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* A binary 0/255 picture and a few grey levels are pictures; VOC's
 * classes with 255 for "ignore" are a mask. */
static void
test_pictures_are_not_masks (void)
{
  const guint8 binary[4] = { 0, 255, 255, 0 };
  const guint8 levels[4] = { 0, 128, 200, 255 };
  const guint8 voc[4] = { 0, 15, 255, 15 };
  g_autoptr(SqNdarray) a = drey_test_array_new ("|u1", 2, SHAPE (2, 2), binary, 4);
  g_autoptr(SqNdarray) b = drey_test_array_new ("|u1", 2, SHAPE (2, 2), levels, 4);
  g_autoptr(SqNdarray) c = drey_test_array_new ("|u1", 2, SHAPE (2, 2), voc, 4);
  g_autoptr(GArray) none_a = drey_label_map_count (a, 64, FALSE, NULL, NULL);
  g_autoptr(GArray) none_b = drey_label_map_count (b, 64, FALSE, NULL, NULL);
  g_autoptr(GArray) classes = drey_label_map_count (c, 64, FALSE, NULL, NULL);

  g_autoptr(GArray) forced = drey_label_map_count (a, 64, TRUE, NULL, NULL);

  g_assert_null (none_a);
  g_assert_null (none_b);
  g_assert_cmpuint (classes->len, ==, 3);
  /* Asked for, any values are classes. */
  g_assert_cmpuint (forced->len, ==, 2);
}

static void
test_colorize (void)
{
  const guint8 labels[4] = { 0, 1, 2, 1 };
  g_autoptr(SqNdarray) mask = drey_test_array_new ("|u1", 2, SHAPE (2, 2), labels, sizeof labels);
  g_autofree guint8 *opaque = drey_label_map_colorize (mask, FALSE);
  g_autofree guint8 *overlay = drey_label_map_colorize (mask, TRUE);
  guint8 one[3];

  drey_palette_class_color (1, one);
  g_assert_cmpmem (opaque + 4, 3, one, 3);
  g_assert_cmpmem (opaque + 12, 3, one, 3);
  g_assert_cmpuint (opaque[3], ==, 255);
  g_assert_cmpuint (overlay[3], ==, 0);      /* the background is clear */
  g_assert_cmpuint (overlay[7], ==, 255);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/label-map/candidates", test_candidates);
  g_test_add_func ("/label-map/count", test_count);
  g_test_add_func ("/label-map/big-endian-int64", test_big_endian_int64);
  g_test_add_func ("/label-map/colorize", test_colorize);
  g_test_add_func ("/label-map/pictures", test_pictures_are_not_masks);
  return g_test_run ();
}
