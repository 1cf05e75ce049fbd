/* test-new-shard-dialog.c: New Shard, its file reader and PNG in and out
 *
 * The .npy and PNG fixtures were written by numpy 1.24 and Pillow 9.4 (the
 * reference encoders); the code that made them is next to each.
 *
 * Set DREY_SCREENSHOT_DIR to have /new-shard/screenshot write PNGs of the
 * dialog in the light and the dark style.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sq.h"
#include "sq-npy.h"

#include "drey-image.h"
#include "drey-array-panel.h"
#include "drey-new-shard-dialog.h"
#include "drey-sample-format.h"
#include "drey-test-util.h"
#include "drey-test-ui.h"

#define SHAPE(...) ((const guint64[]) { __VA_ARGS__ })

/* np.save(f, np.arange(6, dtype='<i4').reshape(2, 3)) */
static const guint8 npy_i4_2x3[] = {
  0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27, 0x64, 0x65, 0x73,
  0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x69, 0x34, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f,
  0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46,
  0x61, 0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
  0x28, 0x32, 0x2c, 0x20, 0x33, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
  0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
  0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
  0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
  0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
  0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05, 0x00,
  0x00, 0x00
};

/* The grey image [[0, 10, 200], [255, 7, 128]], and with alpha 255 - grey. */
static const guint8 grey_2x3[] = { 0, 10, 200, 255, 7, 128 };

/* Image.fromarray(grey, 'L').save(f, 'PNG') */
static const guint8 pil_grey_2x3[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0xb8,
  0x1f, 0x39, 0xc6, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
  0xe0, 0x3a, 0xc1, 0xf4, 0xff, 0xef, 0x0e, 0x00, 0x09, 0xe3, 0x03, 0x89, 0x49, 0x60, 0xaf,
  0xad, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* Image.fromarray(np.stack([grey, 255 - grey], axis=-1), 'LA').save(f, 'PNG') */
static const guint8 pil_grey_alpha_2x3[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x04, 0x00, 0x00, 0x00, 0x37,
  0x7d, 0xae, 0x91, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
  0xf8, 0xcf, 0xf5, 0xf5, 0x84, 0x39, 0xd3, 0x7f, 0xc6, 0xbf, 0xcc, 0x3b, 0x3c, 0x00, 0x2a,
  0x84, 0x06, 0x00, 0x2b, 0x98, 0x84, 0x39, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
  0xae, 0x42, 0x60, 0x82
};

/* Image.fromarray(np.arange(18, dtype=np.uint8).reshape(2, 3, 3) * 13, 'RGB') */
static const guint8 pil_rgb_2x3[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12,
  0x16, 0xf1, 0x4d, 0x00, 0x00, 0x00, 0x17, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x64,
  0xe0, 0x95, 0x52, 0x57, 0x57, 0x57, 0x57, 0x57, 0x67, 0x29, 0x2d, 0x2d, 0x85, 0xb0, 0x00,
  0x1d, 0x76, 0x03, 0x60, 0x72, 0x32, 0x41, 0x29, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
  0x44, 0xae, 0x42, 0x60, 0x82
};

/* A 2-bit palette of red, green, blue with alpha 255, 128, 0 (tRNS):
 * p = Image.fromarray(np.array([[0, 1, 2], [2, 1, 0]], np.uint8), 'P');
 * p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255]);
 * p.save(f, 'PNG', transparency=bytes([255, 128, 0])) */
static const guint8 pil_palette_alpha_2x3[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x02, 0x03, 0x00, 0x00, 0x00, 0xe0,
  0x1a, 0x8e, 0x89, 0x00, 0x00, 0x00, 0x09, 0x50, 0x4c, 0x54, 0x45, 0xff, 0x00, 0x00, 0x00,
  0xff, 0x00, 0x00, 0x00, 0xff, 0x2d, 0x4a, 0xcd, 0x8a, 0x00, 0x00, 0x00, 0x03, 0x74, 0x52,
  0x4e, 0x53, 0xff, 0x80, 0x00, 0x7f, 0x6d, 0x68, 0x78, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44,
  0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0x60, 0x98, 0x00, 0x00, 0x00, 0xdc, 0x00, 0xa9, 0x6c,
  0xe7, 0xc0, 0x23, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* Image.fromarray(np.array([[0, 1000], [65535, 3]], np.uint16)).save(f, 'PNG') */
static const guint8 pil_grey16_2x2[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00, 0x07,
  0x4d, 0x8e, 0xbb, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
  0x60, 0x60, 0x7e, 0xc1, 0xf0, 0xff, 0x3f, 0x03, 0x33, 0x00, 0x0c, 0x8b, 0x02, 0xed, 0xab,
  0x43, 0x49, 0x05, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

#define WAIT_FOR DREY_TEST_WAIT_FOR

/* ---- helpers ------------------------------------------------------------ */

static void
assert_array (SqNdarray     *array,
              const char    *type_string,
              guint          ndim,
              const guint64 *shape,
              gconstpointer  data,
              gsize          size)
{
  GBytes *bytes;

  g_assert_nonnull (array);
  g_assert_cmpstr (sq_dtype_get_type_string (sq_ndarray_get_dtype (array)), ==, type_string);
  g_assert_cmpuint (sq_ndarray_get_ndim (array), ==, ndim);
  for (guint i = 0; i < ndim; i++)
    g_assert_cmpuint (sq_ndarray_get_shape (array)[i], ==, shape[i]);
  bytes = sq_ndarray_get_data (array);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), MIN (g_bytes_get_size (bytes), size), data, size);
}

static SqNdarray *
load_png (const guint8 *data,
          gsize         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  SqNdarray *array = drey_image_load_png (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (array);
  return array;
}

static GBytes *
save_png (SqNdarray *array)
{
  g_autoptr(GError) error = NULL;
  GBytes *png = drey_image_save_png (array, &error);

  g_assert_no_error (error);
  g_assert_nonnull (png);
  return png;
}

/* ---- PNG in and out ----------------------------------------------------- */

static void
test_image_io_round_trip (void)
{
  /* uint8 HxW and HxWxC: written exactly, read back exactly, each as the
   * PNG colour type that fits (grey 0, grey+alpha 4, RGB 2, RGBA 6). */
  static const guint8 colour_types[] = { 0, 0, 4, 2, 6 };
  const guint height = 7, width = 5;

  for (guint c = 0; c <= 4; c++)
    {
      guint channels = MAX (c, 1);
      gsize size = (gsize) height * width * channels;
      g_autofree guint8 *data = g_malloc (size);
      g_autoptr(SqNdarray) array = NULL;
      g_autoptr(SqNdarray) back = NULL;
      g_autoptr(GBytes) png = NULL;
      const guint8 *bytes;

      for (gsize i = 0; i < size; i++)
        data[i] = (guint8) g_random_int_range (0, 256);
      data[0] = 0;
      data[1] = 255;
      /* c == 0: HxW */
      array = c == 0 ? drey_test_array_new ("|u1", 2, SHAPE (height, width), data, size)
                     : drey_test_array_new ("|u1", 3, SHAPE (height, width, c), data, size);
      png = save_png (array);
      bytes = g_bytes_get_data (png, NULL);
      g_assert_cmpmem (bytes, 8, "\x89PNG\r\n\x1a\n", 8);
      g_assert_cmpmem (bytes + 12, 4, "IHDR", 4);
      g_assert_cmpuint (bytes[24], ==, 8);
      g_assert_cmpuint (bytes[25], ==, colour_types[c]);

      back = load_png (bytes, g_bytes_get_size (png));
      assert_array (back, "|u1", 3, SHAPE (height, width, channels), data, size);
    }
}

static void
test_image_io_large_round_trip (void)
{
  /* Several IDAT chunks (each at most 256 KiB). */
  const guint height = 700, width = 600, channels = 3;
  gsize size = (gsize) height * width * channels;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqNdarray) back = NULL;
  g_autoptr(GBytes) png = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int_range (0, 256);
  array = drey_test_array_new ("|u1", 3, SHAPE (height, width, channels), data, size);
  png = save_png (array);
  g_assert_cmpuint (g_bytes_get_size (png), >, 2 * 256 * 1024);
  back = load_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  assert_array (back, "|u1", 3, SHAPE (height, width, channels), data, size);
}

static void
test_image_io_reference_pngs (void)
{
  g_autoptr(SqNdarray) grey = load_png (pil_grey_2x3, sizeof pil_grey_2x3);
  g_autoptr(SqNdarray) grey_alpha = load_png (pil_grey_alpha_2x3, sizeof pil_grey_alpha_2x3);
  g_autoptr(SqNdarray) rgb = load_png (pil_rgb_2x3, sizeof pil_rgb_2x3);
  g_autoptr(SqNdarray) palette = load_png (pil_palette_alpha_2x3, sizeof pil_palette_alpha_2x3);
  guint8 la[12], rgb_data[18];
  static const guint8 palette_data[] = {
    255, 0, 0, 255,   0, 255, 0, 128,   0, 0, 255, 0,
    0, 0, 255, 0,     0, 255, 0, 128,   255, 0, 0, 255,
  };

  for (guint i = 0; i < 6; i++)
    {
      la[2 * i] = grey_2x3[i];
      la[2 * i + 1] = 255 - grey_2x3[i];
    }
  for (guint i = 0; i < 18; i++)
    rgb_data[i] = i * 13;

  assert_array (grey, "|u1", 3, SHAPE (2, 3, 1), grey_2x3, sizeof grey_2x3);
  assert_array (grey_alpha, "|u1", 3, SHAPE (2, 3, 2), la, sizeof la);
  assert_array (rgb, "|u1", 3, SHAPE (2, 3, 3), rgb_data, sizeof rgb_data);
  assert_array (palette, "|u1", 3, SHAPE (2, 3, 4), palette_data, sizeof palette_data);
}

static void
test_image_io_errors (void)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("hello, world", 12);
  g_autoptr(GBytes) cut = g_bytes_new_static (pil_rgb_2x3, 50);
  g_autoptr(GBytes) deep = g_bytes_new_static (pil_grey16_2x2, sizeof pil_grey16_2x2);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) strings = NULL;
  g_autoptr(SqNdarray) long_strip = NULL;
  guint8 zeros[80] = { 0 };

  g_assert_null (drey_image_load_png (text, &error));
  g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a PNG"));
  g_clear_error (&error);

  /* Damaged: cut in the middle, or a byte changed. */
  g_assert_null (drey_image_load_png (cut, &error));
  g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "damaged PNG image: it ends early (the file is truncated)");
  g_clear_error (&error);
  {
    guint8 flipped[sizeof pil_rgb_2x3];
    g_autoptr(GBytes) bytes = NULL;

    memcpy (flipped, pil_rgb_2x3, sizeof flipped);
    flipped[45] ^= 0x10; /* in the IDAT data */
    bytes = g_bytes_new (flipped, sizeof flipped);
    g_assert_null (drey_image_load_png (bytes, &error));
    g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "damaged PNG image: the “IDAT” chunk at byte 33 fails its checksum");
    g_clear_error (&error);
  }

  /* 16 bits a channel would lose values: refused, saying so. */
  g_assert_null (drey_image_load_png (deep, &error));
  g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "16 bits"));
  g_clear_error (&error);

  /* Not an image: strings, and a 1x20 strip of floats. */
  strings = drey_test_array_new ("|S4", 2, SHAPE (2, 5), zeros, sizeof zeros);
  g_assert_null (drey_image_save_png (strings, &error));
  g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  long_strip = drey_test_array_new ("<f4", 2, SHAPE (1, 20), zeros, sizeof zeros);
  g_assert_null (drey_image_save_png (long_strip, &error));
  g_assert_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED);
}

/* Other arrays are written as the image preview shows them. */
static void
test_image_io_as_preview (void)
{
  /* (3, 6, 5): a width of 4 would read as HxWxC with C = 4 */
  const guint h = 6, w = 5;
  float rgb[6 * 5 * 3];
  double grey[6 * 5];
  guint8 chw[3 * 6 * 5];
  struct { SqNdarray *array; guint channels; } cases[3];

  for (guint i = 0; i < G_N_ELEMENTS (rgb); i++)
    rgb[i] = (float) i * 0.37f - 3.0f;
  for (guint i = 0; i < G_N_ELEMENTS (grey); i++)
    grey[i] = i * i;
  grey[5] = NAN;
  for (guint i = 0; i < G_N_ELEMENTS (chw); i++)
    chw[i] = (guint8) (i * 7);

  cases[0].array = drey_test_array_new ("<f4", 3, SHAPE (h, w, 3), rgb, sizeof rgb);
  cases[0].channels = 3;
  cases[1].array = drey_test_array_new ("<f8", 2, SHAPE (h, w), grey, sizeof grey);
  cases[1].channels = 1;
  cases[2].array = drey_test_array_new ("|u1", 3, SHAPE (3, h, w), chw, sizeof chw);
  cases[2].channels = 3;

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));
      g_autoptr(SqValue) value = sq_value_new_ndarray (cases[k].array);
      g_autoptr(DreySampleNode) node = drey_sample_node_new_sample (value, 0);
      g_autoptr(GBytes) png = save_png (cases[k].array);
      g_autoptr(SqNdarray) back = load_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
      g_autofree guint32 *pixels = g_new (guint32, h * w);
      DreyImageView *view = drey_array_panel_get_image_view (panel);
      const guint8 *data;
      guint c = cases[k].channels;

      /* What the array panel draws, pixel for pixel. */
      drey_array_panel_set_node (panel, node, "image");
      while (drey_array_panel_get_busy (panel))
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (drey_image_view_get_image_width (view), ==, w);
      g_assert_cmpuint (drey_image_view_get_image_height (view), ==, h);
      for (guint i = 0; i < h * w; i++)
        pixels[i] = drey_image_view_read_pixel (view, i % w, i / w, FALSE);
      drey_array_panel_set_node (panel, NULL, NULL);
      g_object_unref (panel);
      g_assert_cmpuint (sq_ndarray_get_shape (back)[2], ==, c);
      data = g_bytes_get_data (sq_ndarray_get_data (back), NULL);

      for (guint i = 0; i < h * w; i++)
        {
          guint32 p = pixels[i];
          const guint8 *q = data + i * c;

          g_assert_cmpuint ((p >> 16) & 0xff, ==, q[0]);
          g_assert_cmpuint ((p >> 8) & 0xff, ==, q[c == 1 ? 0 : 1]);
          g_assert_cmpuint (p & 0xff, ==, q[c == 1 ? 0 : 2]);
        }
      sq_ndarray_unref (cases[k].array);
    }

  /* CxHxW uint8 is moved, not scaled: pixel (y, x) channel ch. */
  {
    g_autoptr(SqNdarray) array = drey_test_array_new ("|u1", 3, SHAPE (3, h, w), chw, sizeof chw);
    g_autoptr(GBytes) png = save_png (array);
    g_autoptr(SqNdarray) back = load_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (back), NULL);

    for (guint y = 0; y < h; y++)
      for (guint x = 0; x < w; x++)
        for (guint ch = 0; ch < 3; ch++)
          g_assert_cmpuint (data[(y * w + x) * 3 + ch], ==, chw[(ch * h + y) * w + x]);
  }
}

/* ---- reading files ------------------------------------------------------ */

typedef struct
{
  char    *dir;
  char    *store_dir;
  SqStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) location = NULL;
  g_autofree char *existing = NULL;

  f->dir = g_dir_make_tmp ("drey-test-new-shard-XXXXXX", &error);
  g_assert_no_error (error);
  f->store_dir = g_build_filename (f->dir, "store", NULL);
  g_assert_cmpint (g_mkdir (f->store_dir, 0755), ==, 0);
  /* An empty file is an empty shard. */
  existing = g_build_filename (f->store_dir, "existing.gz", NULL);
  g_assert_true (g_file_set_contents (existing, "", 0, NULL));
  location = g_file_new_for_path (f->store_dir);
  f->store = sq_store_new (location);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  drey_test_remove_tree (f->dir);
  g_free (f->store_dir);
  g_free (f->dir);
}

static GFile *
write_file (Fixture      *f,
            const char   *name,
            gconstpointer data,
            gssize        size)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, size < 0 ? (gssize) strlen (data) : size, NULL));
  return g_file_new_for_path (path);
}

static GPtrArray *
load_files (GFile  **files,
            guint    n,
            GError **error)
{
  return drey_sample_format_load (files, n, NULL, error);
}

static gint64
int_field (SqValue    *sample,
           const char *key)
{
  SqValue *v = sq_value_lookup (sample, key);

  g_assert_nonnull (v);
  g_assert_cmpint (sq_value_get_value_type (v), ==, SQ_VALUE_INT);
  return sq_value_get_int (v);
}

static void
test_content_kinds (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GFile) jsonl = write_file (f, "two.jsonl",
                                       "{\"x\": 1, \"img\": {\"data\": [[1, 2], [3, 4]], \"type\": \"uint8\", "
                                       "\"shape\": [2, 2]}}\r\n"
                                       "\n"
                                       "{\"x\": 2, \"name\": \"two\"}\n"
                                       "   \n", -1);
  g_autoptr(GFile) list = write_file (f, "list.JSON", "[{\"x\": 3}, {\"x\": 4}]", -1);
  g_autoptr(GFile) one = write_file (f, "one.json", "\xef\xbb\xbf{\"x\": 5}\n", -1);
  g_autoptr(GFile) npy = write_file (f, "a.npy", npy_i4_2x3, sizeof npy_i4_2x3);
  g_autoptr(GFile) png = write_file (f, "grey.png", pil_grey_2x3, sizeof pil_grey_2x3);
  GFile *files[] = { jsonl, list, one, npy, png };
  static const gint32 i4[] = { 0, 1, 2, 3, 4, 5 };
  static const guint8 u1[] = { 1, 2, 3, 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = load_files (files, G_N_ELEMENTS (files), &error);
  SqValue *img, *name;

  g_assert_no_error (error);
  g_assert_nonnull (samples);
  g_assert_cmpuint (samples->len, ==, 7);

  /* In the order of the files, then of their contents. */
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (int_field (g_ptr_array_index (samples, i), "x"), ==, i + 1);
  img = sq_value_lookup (g_ptr_array_index (samples, 0), "img");
  g_assert_cmpint (sq_value_get_value_type (img), ==, SQ_VALUE_NDARRAY);
  assert_array (sq_value_get_ndarray (img), "|u1", 2, SHAPE (2, 2), u1, sizeof u1);
  name = sq_value_lookup (g_ptr_array_index (samples, 1), "name");
  g_assert_cmpstr (sq_value_get_str (name, NULL), ==, "two");

  g_assert_cmpint (sq_value_get_value_type (g_ptr_array_index (samples, 5)), ==, SQ_VALUE_NDARRAY);
  assert_array (sq_value_get_ndarray (g_ptr_array_index (samples, 5)), "<i4", 2, SHAPE (2, 3), i4, sizeof i4);
  g_assert_cmpint (sq_value_get_value_type (g_ptr_array_index (samples, 6)), ==, SQ_VALUE_NDARRAY);
  assert_array (sq_value_get_ndarray (g_ptr_array_index (samples, 6)), "|u1", 3, SHAPE (2, 3, 1),
                grey_2x3, sizeof grey_2x3);
}

static void
test_content_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GFile) good = write_file (f, "good.jsonl", "{\"x\": 1}\n", -1);
  g_autoptr(GFile) bad_line = write_file (f, "bad.jsonl", "{\"x\": 1}\n{\"x\": }\n", -1);
  g_autoptr(GFile) bad_json = write_file (f, "bad.json", "[1, 2", -1);
  g_autoptr(GFile) bad_npy = write_file (f, "bad.npy", "not numpy", -1);
  g_autoptr(GFile) bad_png = write_file (f, "bad.png", "not a png", -1);
  g_autoptr(GFile) text = write_file (f, "notes.txt", "hello", -1);
  g_autofree char *missing_path = g_build_filename (f->dir, "missing.json", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autofree char *huge_path = g_build_filename (f->dir, "huge.npy", NULL);
  g_autoptr(GFile) huge = NULL;
  struct { GFile *file; const char *prefix; } cases[] = {
    { bad_line, "bad.jsonl: line 2: " },
    { bad_json, "bad.json: " },
    { bad_npy, "bad.npy: " },
    { bad_png, "bad.png: not a PNG" },
    { text, "notes.txt: unknown kind of file; Drey takes .jsonl, .json, .npy and .png" },
    { missing, "missing.json: " },
  };
  int fd;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GFile *files[] = { good, cases[i].file };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) samples = load_files (files, 2, &error);

      g_assert_null (samples);
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, cases[i].prefix))
        g_error ("\"%s\" does not start with \"%s\"", error->message, cases[i].prefix);
    }

  {
    GFile *files[] = { text };
    g_autoptr(GError) error = NULL;

    g_assert_null (load_files (files, 1, &error));
    g_assert_error (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_UNKNOWN);
  }

  /* A file over 4 GiB is refused before it is read (a sparse file). */
  fd = g_open (huge_path, O_CREAT | O_WRONLY, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) DREY_SAMPLE_FORMAT_MAX_FILE_SIZE + 1), ==, 0);
  g_close (fd, NULL);
  huge = g_file_new_for_path (huge_path);
  {
    GFile *files[] = { huge };
    g_autoptr(GError) error = NULL;

    g_assert_null (load_files (files, 1, &error));
    g_assert_error (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_TOO_LARGE);
    g_assert_true (g_str_has_prefix (error->message, "huge.npy: "));
  }
}

/* ---- the dialog --------------------------------------------------------- */

typedef struct
{
  guint      n_emitted;
  char      *key;
  GPtrArray *samples;
  gboolean   replaces;
} Created;

static void
on_create (DreyNewShardDialog *dialog,
           const char         *key,
           GPtrArray          *samples,
           gboolean            replaces_existing,
           Created            *created)
{
  created->n_emitted++;
  g_free (created->key);
  created->key = g_strdup (key);
  g_clear_pointer (&created->samples, g_ptr_array_unref);
  created->samples = g_ptr_array_ref (samples);
  created->replaces = replaces_existing;
}

static void
created_clear (Created *created)
{
  g_clear_pointer (&created->key, g_free);
  g_clear_pointer (&created->samples, g_ptr_array_unref);
}

static gpointer
child (DreyNewShardDialog *dialog,
       const char         *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog), DREY_TYPE_NEW_SHARD_DIALOG, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
create_enabled (DreyNewShardDialog *dialog)
{
  return gtk_widget_get_sensitive (child (dialog, "create_button"));
}

static const char *
key_message (DreyNewShardDialog *dialog)
{
  return gtk_label_get_text (child (dialog, "key_message"));
}

static const char *
content_message (DreyNewShardDialog *dialog)
{
  return gtk_label_get_text (child (dialog, "content_message"));
}

static gboolean
has_class (DreyNewShardDialog *dialog,
           const char         *name,
           const char         *css_class)
{
  return gtk_widget_has_css_class (child (dialog, name), css_class);
}

/* A dialog on screen, its "create" counted in @created. The dialog closes
 * itself after "create": tests hold a weak pointer to see it go. */
static DreyNewShardDialog *
dialog_new (Fixture    *f,
            const char *shown_key,
            GPtrArray  *shown_samples,
            Created    *created)
{
  DreyNewShardDialog *dialog = drey_new_shard_dialog_new (f->store, shown_key, shown_samples);

  g_signal_connect (dialog, "create", G_CALLBACK (on_create), created);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* Destroys a dialog that @dialog weakly points to, and waits until it is
 * finalized: nothing (a worker, a signal) keeps it alive. */
static void
dialog_destroy (DreyNewShardDialog **dialog)
{
  gtk_window_destroy (GTK_WINDOW (*dialog));
  WAIT_FOR (*dialog == NULL);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* The button labelled @label below @widget, or NULL. */
static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return GTK_BUTTON (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkButton *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks a response of a message dialog, as the user would. */
static void
click_response (AdwMessageDialog *dialog,
                const char       *label)
{
  GtkButton *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

/* Enter in the key's entry. */
static void
press_enter (DreyNewShardDialog *dialog)
{
  GtkEditable *text = gtk_editable_get_delegate (child (dialog, "key_row"));

  g_assert_true (GTK_IS_TEXT (text));
  g_signal_emit_by_name (text, "activate");
}

static gboolean
is_random_key (const char *key)
{
  if (strlen (key) != 16)
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return sq_store_check_key (key, TRUE, NULL);
}

static void
test_dialog_random_key (Fixture       *f,
                        gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  g_autofree char *first = g_strdup (drey_new_shard_dialog_get_key (dialog));
  g_autofree char *expected = g_strdup_printf ("The shard’s file will be “%s.gz”.", first);
  g_autofree char *mismatch = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  g_assert_true (is_random_key (first));
  WAIT_FOR (create_enabled (dialog));
  g_assert_cmpstr (key_message (dialog), ==, expected);
  g_assert_false (has_class (dialog, "key_row", "error"));
  g_assert_false (has_class (dialog, "key_message", "error"));

  /* The key has the focus, ready to be typed over. */
  g_assert_true (gtk_widget_is_focus (gtk_root_get_focus (GTK_ROOT (dialog))));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), child (dialog, "key_row")));

  /* The icon button has a name for a screen reader. */
  mismatch = gtk_test_accessible_check_property (child (dialog, "random_key_button"),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, "New Random Key");
  g_assert_null (mismatch);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.random-key", NULL));
  g_assert_true (is_random_key (drey_new_shard_dialog_get_key (dialog)));
  g_assert_cmpstr (drey_new_shard_dialog_get_key (dialog), !=, first);
  WAIT_FOR (create_enabled (dialog));

  /* Enter with a new key: "create" with no samples, not replacing; then
   * the dialog closes. */
  g_free (first);
  first = g_strdup (drey_new_shard_dialog_get_key (dialog));
  press_enter (dialog);
  /* A button activated by Enter clicks after its pressed look, 250 ms. */
  WAIT_FOR (created.n_emitted == 1);
  g_assert_cmpstr (created.key, ==, first);
  g_assert_cmpuint (created.samples->len, ==, 0);
  g_assert_false (created.replaces);
  WAIT_FOR (dialog == NULL);

  created_clear (&created);
}

static void
test_dialog_invalid_keys (Fixture       *f,
                          gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  struct { const char *key; const char *message; } cases[] = {
    { "", "Enter a key: it names the shard’s file." },
    { "a/b", "A key cannot contain “/”." },
    { ".x", "A key cannot start with “.”." },
    { "a\tb", "A key cannot contain tabs, line breaks or other control characters." },
  };

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  WAIT_FOR (create_enabled (dialog));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      drey_new_shard_dialog_set_key (dialog, cases[i].key);
      g_assert_cmpstr (drey_new_shard_dialog_get_key (dialog), ==, cases[i].key);
      g_assert_false (create_enabled (dialog));
      g_assert_cmpstr (key_message (dialog), ==, cases[i].message);
      g_assert_true (has_class (dialog, "key_message", "error"));
      g_assert_true (has_class (dialog, "key_row", "error"));

      /* Create does nothing while the key is invalid. */
      gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL);
      g_assert_cmpuint (created.n_emitted, ==, 0);

      drey_new_shard_dialog_set_key (dialog, "fine-key");
      WAIT_FOR (create_enabled (dialog));
      g_assert_false (has_class (dialog, "key_row", "error"));
      g_assert_false (has_class (dialog, "key_message", "error"));
    }

  /* Escape closes it, creating nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (created.n_emitted, ==, 0);
  created_clear (&created);
}

static void
test_dialog_existing_key (Fixture       *f,
                          gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  AdwMessageDialog *ask;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  drey_new_shard_dialog_set_key (dialog, "existing");
  WAIT_FOR (create_enabled (dialog));
  g_assert_cmpstr (key_message (dialog), ==, "A shard with this key exists. Creating replaces it when you save.");
  g_assert_true (has_class (dialog, "key_message", "warning"));
  g_assert_false (has_class (dialog, "key_row", "error"));

  /* Create asks first; Cancel creates nothing and keeps the dialog. */
  g_assert_null (find_message_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL));
  ask = find_message_dialog ();
  g_assert_nonnull (ask);
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Replace Shard “existing”?");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ask, "replace"), ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (ask)) == GTK_WINDOW (dialog));
  click_response (ask, "_Cancel");
  WAIT_FOR (find_message_dialog () == NULL);
  g_assert_cmpuint (created.n_emitted, ==, 0);
  g_assert_nonnull (dialog);

  /* Replace: "create", replacing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL));
  ask = find_message_dialog ();
  g_assert_nonnull (ask);
  click_response (ask, "_Replace");
  WAIT_FOR (created.n_emitted == 1);
  g_assert_cmpstr (created.key, ==, "existing");
  g_assert_true (created.replaces);
  g_assert_cmpuint (created.samples->len, ==, 0);
  WAIT_FOR (dialog == NULL && find_message_dialog () == NULL);
  created_clear (&created);
}

static void
test_dialog_files (Fixture       *f,
                   gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  g_autoptr(GFile) jsonl = write_file (f, "two.jsonl",
                                       "{\"label\": 7, \"x\": {\"data\": [0.5, -1.0], \"type\": \"<f4\", "
                                       "\"shape\": [2]}}\n"
                                       "{\"label\": 8, \"x\": null}\n", -1);
  g_autoptr(GFile) list = write_file (f, "list.json", "[{\"label\": 9}, {\"label\": 10}]", -1);
  g_autoptr(GFile) npy = write_file (f, "a.npy", npy_i4_2x3, sizeof npy_i4_2x3);
  g_autoptr(GFile) png = NULL;
  g_autoptr(SqNdarray) image = NULL;
  g_autoptr(GBytes) png_bytes = NULL;
  GFile *files[4];
  static const gint32 i4[] = { 0, 1, 2, 3, 4, 5 };
  static const float f4[] = { 0.5f, -1.0f };
  guint8 pixels[5 * 4 * 3];
  SqValue *x;
  const char *subtitle;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 31 + 5);
  image = drey_test_array_new ("|u1", 3, SHAPE (5, 4, 3), pixels, sizeof pixels);
  png_bytes = save_png (image);
  png = write_file (f, "photo.png", g_bytes_get_data (png_bytes, NULL), (gssize) g_bytes_get_size (png_bytes));

  /* One JSON Lines file of two samples. */
  files[0] = jsonl;
  drey_new_shard_dialog_set_files (dialog, files, 1);
  g_assert_true (gtk_check_button_get_active (child (dialog, "files_check")));
  WAIT_FOR (create_enabled (dialog));
  g_assert_cmpstr (content_message (dialog), ==, "2 samples");
  g_assert_cmpstr (adw_action_row_get_subtitle (child (dialog, "files_row")), ==, "1 file: two.jsonl");

  /* All four kinds, in the order given. */
  files[0] = list;
  files[1] = jsonl;
  files[2] = npy;
  files[3] = png;
  drey_new_shard_dialog_set_files (dialog, files, 4);
  g_assert_false (create_enabled (dialog));
  WAIT_FOR (create_enabled (dialog));
  g_assert_cmpstr (content_message (dialog), ==, "6 samples");
  subtitle = adw_action_row_get_subtitle (child (dialog, "files_row"));
  g_assert_cmpstr (subtitle, ==, "4 files: list.json, two.jsonl, a.npy and 1 more");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL));
  g_assert_cmpuint (created.n_emitted, ==, 1);
  g_assert_false (created.replaces);
  g_assert_cmpuint (created.samples->len, ==, 6);
  g_assert_cmpint (int_field (g_ptr_array_index (created.samples, 0), "label"), ==, 9);
  g_assert_cmpint (int_field (g_ptr_array_index (created.samples, 1), "label"), ==, 10);
  g_assert_cmpint (int_field (g_ptr_array_index (created.samples, 2), "label"), ==, 7);
  x = sq_value_lookup (g_ptr_array_index (created.samples, 2), "x");
  assert_array (sq_value_get_ndarray (x), "<f4", 1, SHAPE (2), f4, sizeof f4);
  g_assert_cmpint (int_field (g_ptr_array_index (created.samples, 3), "label"), ==, 8);
  g_assert_cmpint (sq_value_get_value_type (sq_value_lookup (g_ptr_array_index (created.samples, 3), "x")), ==,
                   SQ_VALUE_NIL);
  assert_array (sq_value_get_ndarray (g_ptr_array_index (created.samples, 4)), "<i4", 2, SHAPE (2, 3),
                i4, sizeof i4);
  assert_array (sq_value_get_ndarray (g_ptr_array_index (created.samples, 5)), "|u1", 3, SHAPE (5, 4, 3),
                pixels, sizeof pixels);
  WAIT_FOR (dialog == NULL);
  created_clear (&created);
}

static void
test_dialog_broken_file (Fixture       *f,
                         gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  g_autoptr(GFile) bad = write_file (f, "bad.jsonl", "{\"x\": 1}\n{\"x\": 2,}\n", -1);
  g_autoptr(GFile) good = write_file (f, "good.jsonl", "{\"x\": 1}\n", -1);
  GFile *files[] = { good, bad };

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  WAIT_FOR (create_enabled (dialog));

  /* From Files with nothing chosen cannot create. */
  gtk_check_button_set_active (child (dialog, "files_check"), TRUE);
  g_assert_false (create_enabled (dialog));
  g_assert_cmpstr (content_message (dialog), ==, "Choose one or more files.");

  drey_new_shard_dialog_set_files (dialog, files, 2);
  WAIT_FOR (has_class (dialog, "content_message", "error"));
  g_assert_true (g_str_has_prefix (content_message (dialog), "bad.jsonl: line 2: "));
  g_assert_true (gtk_widget_get_visible (child (dialog, "content_status")));
  g_assert_false (create_enabled (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL);
  g_assert_cmpuint (created.n_emitted, ==, 0);

  /* Empty instead: fine again, and the error goes. */
  gtk_check_button_set_active (child (dialog, "empty_check"), TRUE);
  g_assert_true (create_enabled (dialog));
  g_assert_false (gtk_widget_get_visible (child (dialog, "content_status")));

  /* An unknown kind says what Drey takes. */
  {
    g_autoptr(GFile) text = write_file (f, "notes.txt", "hello", -1);
    GFile *one[] = { text };

    drey_new_shard_dialog_set_files (dialog, one, 1);
    WAIT_FOR (has_class (dialog, "content_message", "error"));
    g_assert_cmpstr (content_message (dialog), ==,
                     "notes.txt: unknown kind of file; Drey takes .jsonl, .json, .npy and .png");
    g_assert_false (create_enabled (dialog));
  }

  dialog_destroy (&dialog);
  created_clear (&created);
}

static void
test_dialog_copy (Fixture       *f,
                  gconstpointer  data)
{
  Created created = { 0 };
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  DreyNewShardDialog *dialog = NULL;
  DreyNewShardDialog *without = NULL;

  g_ptr_array_add (shown, sq_value_new_int (1));
  g_ptr_array_add (shown, sq_value_new_str ("a", -1));
  g_ptr_array_add (shown, sq_value_new_float64 (2.5));

  /* Nothing on screen: no copy to make. */
  without = dialog_new (f, NULL, NULL, &created);
  g_object_add_weak_pointer (G_OBJECT (without), (gpointer *) &without);
  g_assert_false (gtk_widget_get_sensitive (child (without, "copy_row")));
  dialog_destroy (&without);

  dialog = dialog_new (f, "digits-00", shown, &created);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_widget_get_sensitive (child (dialog, "copy_row")));
  g_assert_cmpstr (adw_preferences_row_get_title (child (dialog, "copy_row")), ==, "Copy of “digits-00”");
  g_assert_cmpstr (adw_action_row_get_subtitle (child (dialog, "copy_row")), ==, "3 samples");
  /* Empty is the default. */
  g_assert_true (gtk_check_button_get_active (child (dialog, "empty_check")));

  gtk_check_button_set_active (child (dialog, "copy_check"), TRUE);
  WAIT_FOR (create_enabled (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.create", NULL));
  g_assert_cmpuint (created.n_emitted, ==, 1);
  g_assert_cmpuint (created.samples->len, ==, 3);
  /* The very values: immutable, so shared. */
  for (guint i = 0; i < shown->len; i++)
    g_assert_true (g_ptr_array_index (created.samples, i) == g_ptr_array_index (shown, i));
  g_assert_true (created.samples != shown);
  WAIT_FOR (dialog == NULL);
  created_clear (&created);
}

/* Choose Files offers several files of the kinds Drey takes. */
static void
test_dialog_chooser (Fixture       *f,
                     gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  GtkFileChooser *chooser = NULL;
  g_autoptr(GListModel) filters = NULL;
  g_autoptr(GtkFileFilter) first = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-shard.choose-files", NULL));
  /* Outside a sandbox GtkFileChooserNative shows GTK's own dialog. */
  {
    GList *toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (GTK_IS_FILE_CHOOSER (l->data) && gtk_window_get_transient_for (l->data) == GTK_WINDOW (dialog))
        chooser = l->data;
    g_list_free (toplevels);
  }
  if (chooser == NULL)
    {
      g_test_skip ("the file chooser is not GTK's own here");
      dialog_destroy (&dialog);
      return;
    }
  g_assert_true (gtk_file_chooser_get_select_multiple (chooser));
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
  filters = gtk_file_chooser_get_filters (chooser);
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 5);
  first = g_list_model_get_item (filters, 0);
  g_assert_cmpstr (gtk_file_filter_get_name (first), ==, "Squirrel Content");

  /* Closing the dialog takes the chooser with it. */
  dialog_destroy (&dialog);
  {
    GList *toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      g_assert_false (GTK_IS_FILE_CHOOSER (l->data) && gtk_widget_get_visible (l->data));
    g_list_free (toplevels);
  }
  g_assert_cmpuint (created.n_emitted, ==, 0);
}

/* A closed dialog whose worker is still reading finishes quietly. */
static void
test_dialog_close_while_loading (Fixture       *f,
                                 gconstpointer  data)
{
  Created created = { 0 };
  DreyNewShardDialog *dialog = dialog_new (f, NULL, NULL, &created);
  GString *big = g_string_new (NULL);
  g_autoptr(GFile) file = NULL;
  GFile *files[1];

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (big, "{\"i\": %u, \"s\": \"some text to read\"}\n", i);
  file = write_file (f, "big.jsonl", big->str, (gssize) big->len);
  g_string_free (big, TRUE);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  files[0] = file;
  drey_new_shard_dialog_set_files (dialog, files, 1);
  g_assert_false (create_enabled (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (created.n_emitted, ==, 0);
}

static void
test_dialog_screenshot (Fixture       *f,
                        gconstpointer  data)
{
  const char *dir = g_getenv ("DREY_SCREENSHOT_DIR");
  const char *styles[] = { "light", "dark" };
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GFile) bad = write_file (f, "labels.jsonl", "{\"x\": 1}\n{\"x\": 2,}\n", -1);
  g_autoptr(GFile) png = write_file (f, "digit.png", pil_grey_2x3, sizeof pil_grey_2x3);
  g_autoptr(GFile) good = write_file (f, "labels-0001.jsonl", "{\"x\": 1}\n{\"x\": 2}\n", -1);
  GFile *files[] = { bad, png };
  GFile *good_files[] = { good, png, png, png, png };

  if (dir == NULL)
    {
      g_test_skip ("set DREY_SCREENSHOT_DIR to write screenshots");
      return;
    }
  g_ptr_array_add (shown, sq_value_new_int (1));

  for (guint s = 0; s < G_N_ELEMENTS (styles); s++)
    {
      Created created = { 0 };
      DreyNewShardDialog *dialog = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      gint64 until;

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          s == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT : ADW_COLOR_SCHEME_FORCE_DARK);
      for (guint state = 0; state < 4; state++)
        {
          dialog = dialog_new (f, "digits-00", shown, &created);
          g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
          if (state == 1)
            {
              drey_new_shard_dialog_set_key (dialog, "existing");
              drey_new_shard_dialog_set_files (dialog, files, 2);
              WAIT_FOR (has_class (dialog, "content_message", "error"));
            }
          else if (state == 2)
            drey_new_shard_dialog_set_key (dialog, "a/b");
          else if (state == 3)
            {
              drey_new_shard_dialog_set_files (dialog, good_files, G_N_ELEMENTS (good_files));
              WAIT_FOR (create_enabled (dialog));
            }
          until = g_get_monotonic_time () + 500 * 1000;
          while (g_get_monotonic_time () < until)
            g_main_context_iteration (NULL, FALSE);
          name = g_strdup_printf ("new-shard-%u-%s.png", state, styles[s]);
          path = g_build_filename (dir, name, NULL);
          drey_test_save_screenshot (GTK_WIDGET (dialog), path);
          g_clear_pointer (&name, g_free);
          g_clear_pointer (&path, g_free);
          dialog_destroy (&dialog);
        }
      created_clear (&created);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  drey_test_own_main_context ();

  g_test_add_func ("/image-io/round-trip", test_image_io_round_trip);
  g_test_add_func ("/image-io/large-round-trip", test_image_io_large_round_trip);
  g_test_add_func ("/image-io/reference-pngs", test_image_io_reference_pngs);
  g_test_add_func ("/image-io/errors", test_image_io_errors);
  g_test_add_func ("/image-io/as-preview", test_image_io_as_preview);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/shard-content/kinds", test_content_kinds);
  ADD ("/shard-content/errors", test_content_errors);
  ADD ("/new-shard/random-key", test_dialog_random_key);
  ADD ("/new-shard/invalid-keys", test_dialog_invalid_keys);
  ADD ("/new-shard/existing-key", test_dialog_existing_key);
  ADD ("/new-shard/files", test_dialog_files);
  ADD ("/new-shard/broken-file", test_dialog_broken_file);
  ADD ("/new-shard/copy", test_dialog_copy);
  ADD ("/new-shard/chooser", test_dialog_chooser);
  ADD ("/new-shard/close-while-loading", test_dialog_close_while_loading);
  ADD ("/new-shard/screenshot", test_dialog_screenshot);
#undef ADD

  return g_test_run ();
}
