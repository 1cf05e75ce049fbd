/* test-label-map.c: which arrays are masks, their classes and colours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

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
  g_autoptr(GArray) classes = drey_label_map_count (mask, 64, FALSE, NULL, NULL, &error);
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
  none = drey_label_map_count (mask, 3, FALSE, NULL, NULL, &error);
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
  g_autoptr(GArray) classes = drey_label_map_count (mask, 64, TRUE, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = drey_label_map_count (ids, 64, FALSE, NULL, NULL, &error);

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
  g_autoptr(GArray) none_a = drey_label_map_count (a, 64, FALSE, NULL, NULL, NULL);
  g_autoptr(GArray) none_b = drey_label_map_count (b, 64, FALSE, NULL, NULL, NULL);
  g_autoptr(GArray) classes = drey_label_map_count (c, 64, FALSE, NULL, NULL, NULL);

  g_autoptr(GArray) forced = drey_label_map_count (a, 64, TRUE, NULL, NULL, NULL);

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
  g_autofree guint8 *opaque = drey_label_map_colorize (mask, NULL, FALSE);
  g_autofree guint8 *overlay = drey_label_map_colorize (mask, NULL, TRUE);
  guint8 one[3];

  drey_palette_class_color (1, one);
  g_assert_cmpmem (opaque + 4, 3, one, 3);
  g_assert_cmpmem (opaque + 12, 3, one, 3);
  g_assert_cmpuint (opaque[3], ==, 255);
  g_assert_cmpuint (overlay[3], ==, 0);      /* the background is clear */
  g_assert_cmpuint (overlay[7], ==, 255);
}

/* 64 x 64 blobs of @values, as an array of @type (@itemsize bytes a value). */
static SqNdarray *
blobs_new (const char    *type,
           gsize          itemsize,
           guint          ndim,
           const guint64 *shape,
           const gint64  *values,
           guint          n_values)
{
  g_autofree guint8 *data = g_malloc0 (64 * 64 * itemsize);

  for (guint y = 0; y < 64; y++)
    for (guint x = 0; x < 64; x++)
      {
        gint64 v = values[((y / 16) * 4 + x / 16) % n_values];
        guint8 *p = data + ((gsize) y * 64 + x) * itemsize;

        if (itemsize == 1)
          *p = (guint8) v;
        else if (itemsize == 2)
          {
            guint16 u = (guint16) v;
            memcpy (p, &u, 2);
          }
        else if (itemsize == 4)
          {
            gint32 i = (gint32) v;
            memcpy (p, &i, 4);
          }
        else
          memcpy (p, &v, 8);
      }
  return drey_test_array_new (type, ndim, shape, data, 64 * 64 * itemsize);
}

/* Few values of any size, for the map's size, are a mask by a guess:
 * sparse classes and instance IDs; the colours go by rank, so IDs that
 * are 20 apart (the palette's length) do not share one. */
static void
test_sparse_ids (void)
{
  const gint64 sparse[] = { 0, 200, 255 };
  const gint64 seven[] = { 0, 7, 255 };
  const gint64 instances[] = { 0, 1000, 2003, 1020 };
  const gint64 negative[] = { -1, 0, 5000, 70000 };
  g_autoptr(SqNdarray) a = blobs_new ("|u1", 1, 2, SHAPE (64, 64), sparse, 3);
  g_autoptr(SqNdarray) b = blobs_new ("|u1", 1, 2, SHAPE (64, 64), seven, 3);
  g_autoptr(SqNdarray) c = blobs_new ("<i4", 4, 2, SHAPE (64, 64), instances, 4);
  g_autoptr(SqNdarray) d = blobs_new ("<u2", 2, 3, SHAPE (64, 64, 1), instances, 4);
  g_autoptr(SqNdarray) e = blobs_new ("<i8", 8, 2, SHAPE (64, 64), negative, 4);
  DreyLabelReading reading = DREY_LABEL_MAP_ASKED;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) classes = NULL;
  g_autofree guint8 *rgba = NULL;
  guint8 rgb[3];

  classes = drey_label_map_count (a, 64, FALSE, &reading, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, ==, 3);
  g_assert_cmpint (reading, ==, DREY_LABEL_MAP_SPARSE);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).value, ==, 200);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).color, ==, 1);
  g_clear_pointer (&classes, g_array_unref);

  /* Small dense labels (VOC's 255 for "ignore") are surely a mask. */
  classes = drey_label_map_count (b, 64, FALSE, &reading, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reading, ==, DREY_LABEL_MAP_DENSE);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).color, ==, 7);
  g_clear_pointer (&classes, g_array_unref);

  classes = drey_label_map_count (c, 64, FALSE, &reading, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reading, ==, DREY_LABEL_MAP_SPARSE);
  g_assert_cmpuint (classes->len, ==, 4);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).value, ==, 1000);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 2).value, ==, 1020);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 2).count, ==, 64 * 64 / 4);
  /* 1000 and 1020 are one colour by value, two by rank. */
  rgba = drey_label_map_colorize (c, classes, FALSE);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).color, !=,
                   g_array_index (classes, DreyLabelClass, 2).color);
  drey_palette_class_color (g_array_index (classes, DreyLabelClass, 1).color, rgb);
  g_assert_cmpmem (rgba + 4 * 16, 3, rgb, 3);   /* pixel (0, 16) holds 1000 */
  drey_palette_class_color (g_array_index (classes, DreyLabelClass, 2).color, rgb);
  g_assert_cmpmem (rgba + 4 * 48, 3, rgb, 3);   /* pixel (0, 48) holds 1020 */
  g_assert_cmpmem (rgba, 3, ((guint8[]) { 0, 0, 0 }), 3);
  g_clear_pointer (&classes, g_array_unref);

  /* HxWx1 as well as HxW; negative values stay "ignore". */
  classes = drey_label_map_count (d, 64, FALSE, &reading, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reading, ==, DREY_LABEL_MAP_SPARSE);
  g_clear_pointer (&classes, g_array_unref);
  classes = drey_label_map_count (e, 64, FALSE, &reading, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 0).color, ==, -1);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 2).color, ==, 1);
  g_clear_pointer (&classes, g_array_unref);

  /* Asked for, it says so. */
  classes = drey_label_map_count (a, 64, TRUE, &reading, NULL, &error);
  g_assert_cmpint (reading, ==, DREY_LABEL_MAP_ASKED);
}

/* What must stay a picture: a photo's grey levels, a depth map, a small
 * picture of a few levels, black and white, a 1xHxW tensor. */
static void
test_sparse_pictures (void)
{
  const gint64 levels[] = { 0, 96, 255 };
  const gint64 binary[] = { 0, 255 };
  const gint64 binary16[] = { 0, 65535 };
  const gint64 ids[] = { 0, 1000, 2003 };
  g_autofree guint8 *photo = g_malloc (64 * 64);
  g_autofree guint16 *depth = g_new (guint16, 64 * 64);
  guint8 digit[64];
  g_autoptr(SqNdarray) photo_array = NULL;
  g_autoptr(SqNdarray) depth_array = NULL;
  g_autoptr(SqNdarray) digit_array = NULL;
  g_autoptr(SqNdarray) bw = blobs_new ("|u1", 1, 2, SHAPE (64, 64), binary, 2);
  g_autoptr(SqNdarray) bw16 = blobs_new ("<u2", 2, 2, SHAPE (64, 64), binary16, 2);
  g_autoptr(SqNdarray) chw = blobs_new ("<i4", 4, 3, SHAPE (1, 64, 64), ids, 3);
  SqNdarray *pictures[5];
  GRand *rand = g_rand_new_with_seed (13);

  /* A photo: a gradient with noise, a hundred-odd grey levels. */
  for (guint i = 0; i < 64 * 64; i++)
    photo[i] = (guint8) CLAMP ((int) (i % 64) * 2 + (int) (i / 64) + g_rand_int_range (rand, -8, 9), 0, 255);
  /* A depth map in millimetres: a slanted floor, 1.5 m to 4 m. */
  for (guint i = 0; i < 64 * 64; i++)
    depth[i] = (guint16) (1500 + (i / 64) * 40 + g_rand_int_range (rand, 0, 5));
  for (guint i = 0; i < 64; i++)
    digit[i] = (guint8) levels[(i * 7) % 3];
  g_rand_free (rand);
  photo_array = drey_test_array_new ("|u1", 2, SHAPE (64, 64), photo, 64 * 64);
  depth_array = drey_test_array_new ("<u2", 2, SHAPE (64, 64), depth, 64 * 64 * 2);
  digit_array = drey_test_array_new ("|u1", 2, SHAPE (8, 8), digit, 64);
  pictures[0] = photo_array, pictures[1] = depth_array, pictures[2] = digit_array;
  pictures[3] = bw, pictures[4] = bw16;

  for (guint i = 0; i < G_N_ELEMENTS (pictures); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) none = drey_label_map_count (pictures[i], 64, FALSE, NULL, NULL, &error);

      g_test_message ("picture %u", i);
      g_assert_null (none);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    }
  /* 1xHxW may be a mask by its shape, not by a guess. */
  if (drey_label_map_get_size (chw, NULL, NULL))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) none = drey_label_map_count (chw, 64, FALSE, NULL, NULL, &error);

      g_assert_null (none);
    }
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
  g_test_add_func ("/label-map/sparse-ids", test_sparse_ids);
  g_test_add_func ("/label-map/sparse-pictures", test_sparse_pictures);
  return g_test_run ();
}
