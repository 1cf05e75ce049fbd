/* test-array-views.c: the array panel's pictures, with the figures they
 * rely on: a mask's classes, counts and palette over its image; boxes'
 * coordinates on their image; unnormalized pixels; the plot's min/max per
 * column; slices picked with the sliders; zoom and the value under the
 * pointer; long strings; a pinned picture beside the next.
 *
 * (tests/interop/views-interop.py checks the model's figures against
 * numpy's; these check that the panel shows them.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "sq.h"

#include "drey-array-panel.h"
#include "drey-colormap.h"
#include "drey-image-view.h"
#include "drey-label-map.h"
#include "drey-line-plot.h"
#include "drey-sample-cell.h"
#include "drey-string-view.h"
#include "drey-test-ui.h"
#include "drey-values-table.h"

typedef struct
{
  GtkWidget      *window;
  DreyArrayPanel *panel;
  GPtrArray      *nodes;   /* keeps the samples' nodes */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  f->window = gtk_window_new ();
  f->panel = DREY_ARRAY_PANEL (drey_array_panel_new ());
  f->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 420, 800);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->panel));
  gtk_window_set_child (GTK_WINDOW (f->window), scroller);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  drey_array_panel_set_node (f->panel, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_ptr_array_unref (f->nodes);
}

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Runs the main loop until the panel's workers are done and it is drawn. */
static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (drey_array_panel_get_busy (f->panel) || !gtk_widget_get_mapped (f->window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  iterate ();
}

/* A sample {key: value, ...} of @n entries; selects the entry @selected. */
static void
show_entry (Fixture     *f,
            const char  *selected,
            guint        n,
            const char **keys,
            SqValue    **values)
{
  g_autofree SqValue **entries = g_new (SqValue *, 2 * n);
  g_autoptr(SqValue) sample = NULL;
  DreySampleNode *root;
  GListModel *children;

  for (guint i = 0; i < n; i++)
    {
      entries[2 * i] = sq_value_new_str (keys[i], -1);
      entries[2 * i + 1] = values[i];
    }
  sample = sq_value_new_map (entries, n);
  root = drey_sample_node_new_sample (sample, 0);
  g_ptr_array_add (f->nodes, root);
  children = drey_sample_node_create_children (root);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(DreySampleNode) child = g_list_model_get_item (children, i);

      if (g_str_equal (drey_sample_node_get_name (child), selected))
        {
          drey_array_panel_set_node (f->panel, child, selected);
          wait_idle (f);
          return;
        }
    }
  g_assert_not_reached ();
}

static SqValue *
array_value (const char    *type,
             guint          ndim,
             const guint64 *shape,
             gconstpointer  data,
             gsize          size)
{
  g_autoptr(SqNdarray) array = drey_test_array_new (type, ndim, shape, data, size);

  return sq_value_new_ndarray (array);
}

static SqValue *
str_list (const char *const *items,
          guint              n)
{
  g_autofree SqValue **values = g_new (SqValue *, n);

  for (guint i = 0; i < n; i++)
    values[i] = sq_value_new_str (items[i], -1);
  return sq_value_new_array (values, n);
}

#define ARGB(r, g, b) (0xff000000u | ((guint32) (r) << 16) | ((guint32) (g) << 8) | (guint32) (b))

/* A 20x30 picture and a mask of 3 classes: 0 above row 10, 2 below, a 5x5
 * square of 7 at (12, 4). */
static void
test_mask (Fixture       *f,
           gconstpointer  data)
{
  static guint8 picture[20 * 30 * 3];
  static guint8 labels[20 * 30];
  const char *keys[] = { "image", "mask", "classes" };
  const char *const names[] = { "sky", "-", "grass", "-", "-", "-", "-", "rock" };
  SqValue *values[3];
  GArray *classes;
  guint8 rgb[3];
  g_autofree char *probe = NULL;
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);

  for (guint i = 0; i < sizeof picture; i++)
    picture[i] = (guint8) (i * 7);
  for (guint y = 0; y < 20; y++)
    for (guint x = 0; x < 30; x++)
      labels[y * 30 + x] = (y >= 4 && y < 9 && x >= 12 && x < 17) ? 7 : y < 10 ? 0 : 2;
  values[0] = array_value ("|u1", 3, SHAPE (20, 30, 3), picture, sizeof picture);
  values[1] = array_value ("|u1", 2, SHAPE (20, 30), labels, sizeof labels);
  values[2] = str_list (names, G_N_ELEMENTS (names));
  show_entry (f, "mask", 3, keys, values);

  /* The legend: the classes present, by value, with their pixels. */
  classes = drey_array_panel_get_classes (f->panel);
  g_assert_nonnull (classes);
  g_assert_cmpuint (classes->len, ==, 3);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 0).value, ==, 0);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 0).count, ==, 300 - 25);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).value, ==, 2);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 1).count, ==, 300);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 2).value, ==, 7);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 2).count, ==, 25);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "20 × 30 mask of 3 classes, over “image”"));

  /* Over the image: the picture is the image's own pixels, the overlay the
   * palette's colour of each class, the background clear. */
  g_assert_cmpuint (drey_image_view_get_image_width (view), ==, 30);
  g_assert_cmpuint (drey_image_view_get_image_height (view), ==, 20);
  g_assert_cmphex (drey_image_view_read_pixel (view, 1, 0, FALSE), ==,
                   ARGB (picture[3], picture[4], picture[5]));
  drey_palette_class_color (7, rgb);
  g_assert_cmphex (drey_image_view_read_pixel (view, 13, 5, TRUE), ==, ARGB (rgb[0], rgb[1], rgb[2]));
  drey_palette_class_color (2, rgb);
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 19, TRUE), ==, ARGB (rgb[0], rgb[1], rgb[2]));
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 0, TRUE), ==, 0);

  /* The value under the pointer: the class, and the image's pixel. */
  {
    double wx, wy;

    drey_image_view_image_to_widget (view, 13.5, 5.5, &wx, &wy);
    probe = drey_image_view_probe_at (view, wx, wy);
    g_assert_nonnull (strstr (probe, "[5, 13] = class 7"));
  }

  /* Not over the image: the mask alone, in the palette; 0 is black. */
  drey_array_panel_set_overlay (f->panel, FALSE);
  wait_idle (f);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "20 × 30 mask of 3 classes"));
  g_assert_null (strstr (drey_array_panel_get_caption (f->panel), "over"));
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 0, FALSE), ==, ARGB (0, 0, 0));
  /* And as grey levels, if asked: the labels' values, stretched. */
  drey_array_panel_set_classes (f->panel, FALSE);
  wait_idle (f);
  g_assert_null (drey_array_panel_get_classes (f->panel));
  g_assert_cmphex (drey_image_view_read_pixel (view, 13, 5, FALSE), ==, ARGB (7, 7, 7));
}

/* A binary 0/255 picture is not a mask; a VOC mask is. */
static void
test_mask_or_picture (Fixture       *f,
                      gconstpointer  data)
{
  static guint8 binary[16 * 16];
  const char *keys[] = { "image" };
  SqValue *values[1];

  for (guint i = 0; i < sizeof binary; i++)
    binary[i] = (i % 3 == 0) ? 255 : 0;
  values[0] = array_value ("|u1", 2, SHAPE (16, 16), binary, sizeof binary);
  show_entry (f, "image", 1, keys, values);
  g_assert_null (drey_array_panel_get_classes (f->panel));
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "16 × 16 grayscale"));
  g_assert_cmphex (drey_image_view_read_pixel (drey_array_panel_get_image_view (f->panel), 0, 0, FALSE), ==,
                   ARGB (255, 255, 255));
}

/* Instance IDs of any size, few for the map's size, are a mask by a
 * guess, which the caption says, coloured by rank; Grey Levels undoes it.
 * A photo of as many pixels stays a photo. */
static void
test_mask_sparse_ids (Fixture       *f,
                      gconstpointer  data)
{
  static gint32 ids[48 * 64];
  static guint8 photo[48 * 64];
  const char *keys[] = { "instances", "photo" };
  SqValue *values[2];
  GArray *classes;
  guint8 rgb[3];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  const char *caption;

  for (guint y = 0; y < 48; y++)
    for (guint x = 0; x < 64; x++)
      {
        ids[y * 64 + x] = x < 20 ? 0 : y < 24 ? 1000 : 2003;
        photo[y * 64 + x] = (guint8) ((x * 3 + y * 2 + (x * y) % 7) % 256);
      }
  values[0] = array_value ("<i4", 2, SHAPE (48, 64), ids, sizeof ids);
  values[1] = array_value ("|u1", 2, SHAPE (48, 64), photo, sizeof photo);
  show_entry (f, "instances", 2, keys, values);

  classes = drey_array_panel_get_classes (f->panel);
  g_assert_nonnull (classes);
  g_assert_cmpuint (classes->len, ==, 3);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 1).value, ==, 1000);
  g_assert_cmpuint (g_array_index (classes, DreyLabelClass, 1).count, ==, 24 * 44);
  g_assert_cmpint (g_array_index (classes, DreyLabelClass, 2).value, ==, 2003);
  caption = drey_array_panel_get_caption (f->panel);
  g_assert_nonnull (strstr (caption, "48 × 64 mask of 3 classes"));
  g_assert_nonnull (strstr (caption, "Guessed a mask from its 3 distinct values in "));
  g_assert_nonnull (strstr (caption, "pixels: Show Grey Levels if it is a picture"));
  g_assert_nonnull (strstr (caption, "over “photo”"));
  /* 1000 and 2003 are the first and second class, in the palette's order. */
  drey_palette_class_color (1, rgb);
  g_assert_cmphex (drey_image_view_read_pixel (view, 30, 0, TRUE), ==, ARGB (rgb[0], rgb[1], rgb[2]));
  drey_palette_class_color (2, rgb);
  g_assert_cmphex (drey_image_view_read_pixel (view, 30, 40, TRUE), ==, ARGB (rgb[0], rgb[1], rgb[2]));

  /* Show: Grey Levels, and it is a picture. */
  drey_array_panel_set_classes (f->panel, FALSE);
  wait_idle (f);
  g_assert_null (drey_array_panel_get_classes (f->panel));
  g_assert_null (strstr (drey_array_panel_get_caption (f->panel), "Guessed"));
  g_assert_cmphex (drey_image_view_read_pixel (view, 30, 40, FALSE), ==, ARGB (255, 255, 255));

  /* The photo beside it: grey, no guess. */
  drey_array_panel_set_node (f->panel, NULL, NULL);
  values[0] = array_value ("<i4", 2, SHAPE (48, 64), ids, sizeof ids);
  values[1] = array_value ("|u1", 2, SHAPE (48, 64), photo, sizeof photo);
  show_entry (f, "photo", 2, keys, values);
  g_assert_null (drey_array_panel_get_classes (f->panel));
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "48 × 64 grayscale"));
}

/* Boxes in xywh pixels on a 100x200 image, labelled by a list; then read
 * as xyxy, and as fractions. */
static void
test_boxes (Fixture       *f,
            gconstpointer  data)
{
  static guint8 picture[100 * 200 * 3];
  /* x, y, w, h: x + w > 200 would not fit, but x2 < x1 in xyxy rules xyxy out */
  const float boxes[] = { 120, 10, 50, 40,  5, 60, 30, 35 };
  const char *keys[] = { "image", "boxes", "labels" };
  const char *const labels[] = { "cat", "dog" };
  SqValue *values[3];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  const DreyImageBox *box;

  values[0] = array_value ("|u1", 3, SHAPE (100, 200, 3), picture, sizeof picture);
  values[1] = array_value ("<f4", 2, SHAPE (2, 4), boxes, sizeof boxes);
  values[2] = str_list (labels, 2);
  show_entry (f, "boxes", 3, keys, values);

  g_assert_true (drey_array_panel_has_image (f->panel));
  g_assert_cmpuint (drey_image_view_get_image_width (view), ==, 200);
  g_assert_cmpuint (drey_image_view_get_n_boxes (view), ==, 2);
  box = drey_image_view_get_box (view, 0);
  g_assert_cmpfloat (box->x0, ==, 120);
  g_assert_cmpfloat (box->y0, ==, 10);
  g_assert_cmpfloat (box->x1, ==, 170);
  g_assert_cmpfloat (box->y1, ==, 50);
  g_assert_cmpstr (box->label, ==, "cat");
  box = drey_image_view_get_box (view, 1);
  g_assert_cmpfloat (box->x1, ==, 35);
  g_assert_cmpfloat (box->y1, ==, 95);
  g_assert_cmpstr (box->label, ==, "dog");
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "2 boxes on “image” (100 × 200), labelled by “labels”"));
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "x, y, width, height, pixels · the only reading"));

  /* Picked as cxcywh fractions: the boxes move, the caption says so. */
  drey_array_panel_set_box_format (f->panel, DREY_BOX_CXCYWH, TRUE);
  box = drey_image_view_get_box (view, 0);
  g_assert_cmpfloat (box->x0, ==, (120 - 25) * 200.0);
  g_assert_cmpfloat (box->y1, ==, (10 + 20) * 100.0);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "as picked"));
}

static void
test_boxes_ambiguous (Fixture       *f,
                      gconstpointer  data)
{
  static guint8 picture[64 * 64];
  const gint32 boxes[] = { 4, 4, 20, 24 };  /* fits as xyxy and as xywh */
  const char *keys[] = { "image", "bbox" };
  SqValue *values[2];

  values[0] = array_value ("|u1", 2, SHAPE (64, 64), picture, sizeof picture);
  values[1] = array_value ("<i4", 2, SHAPE (1, 4), boxes, sizeof boxes);
  show_entry (f, "bbox", 2, keys, values);
  g_assert_cmpuint (drey_image_view_get_n_boxes (drey_array_panel_get_image_view (f->panel)), ==, 1);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "ambiguous"));
}

/* A CHW tensor normalized with the sample's own mean and std: shown undone,
 * pixel for pixel (x * std + mean) * 255, rounded; and by min..max. */
static void
test_unnormalize (Fixture       *f,
                  gconstpointer  data)
{
  const double mean[3] = { 0.5, 0.4, 0.3 }, std[3] = { 0.2, 0.25, 0.1 };
  static float tensor[3 * 4 * 6];
  const char *keys[] = { "tensor", "mean", "std" };
  SqValue *values[3];
  SqValue *m[3], *s[3];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);

  for (guint c = 0; c < 3; c++)
    for (guint i = 0; i < 24; i++)
      tensor[c * 24 + i] = (float) (((double) ((i * 37 + c * 11) % 256) / 255.0 - mean[c]) / std[c]);
  for (guint c = 0; c < 3; c++)
    {
      m[c] = sq_value_new_float64 (mean[c]);
      s[c] = sq_value_new_float64 (std[c]);
    }
  values[0] = array_value ("<f4", 3, SHAPE (3, 4, 6), tensor, sizeof tensor);
  values[1] = sq_value_new_array (m, 3);
  values[2] = sq_value_new_array (s, 3);
  show_entry (f, "tensor", 3, keys, values);

  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "4 × 6 RGB · channels first"));
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "undone with the sample’s mean and std"));
  for (guint y = 0; y < 4; y++)
    for (guint x = 0; x < 6; x++)
      {
        guint8 px[3];

        for (guint c = 0; c < 3; c++)
          px[c] = (guint8) CLAMP (floor (((double) tensor[c * 24 + y * 6 + x] * std[c] + mean[c]) * 255.0 + 0.5), 0, 255);
        g_assert_cmphex (drey_image_view_read_pixel (view, x, y, FALSE), ==, ARGB (px[0], px[1], px[2]));
        /* The picture back as it was before it was normalized. */
        g_assert_cmpuint (px[0], ==, ((y * 6 + x) * 37) % 256);
      }

  /* By min..max instead: channel 0's smallest value is black. */
  drey_array_panel_set_unnormalize (f->panel, FALSE);
  wait_idle (f);
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 0, FALSE) & 0xff0000, ==, 0);
}

/* 100,003 samples in a plot: each pixel column's min and max, against a
 * scan of the samples it covers; a one-sample spike is kept. */
static void
test_plot (Fixture       *f,
           gconstpointer  data)
{
  const guint n = 100003;
  g_autofree float *wave = g_new (float, n);
  const char *keys[] = { "waveform", "sample_rate" };
  SqValue *values[2];
  DreyLinePlot *plot = drey_array_panel_get_line_plot (f->panel);
  const float *mins, *maxs;
  guint columns;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  float top = -INFINITY;

  for (guint i = 0; i < n; i++)
    wave[i] = (float) sin (i / 40.0) * 0.5f;
  wave[77777] = 3.0f;
  values[0] = array_value ("<f4", 1, SHAPE (n), wave, n * sizeof (float));
  values[1] = sq_value_new_int (16000);
  show_entry (f, "waveform", 2, keys, values);

  g_assert_nonnull (drey_line_plot_get_series (plot));
  g_assert_true (drey_line_plot_has_spectrogram (plot));
  gtk_widget_queue_draw (drey_line_plot_get_canvas (plot));
  while ((columns = drey_line_plot_get_envelope (plot, &mins, &maxs)) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (columns, ==, (guint) gtk_widget_get_width (drey_line_plot_get_canvas (plot)));
  for (guint c = 0; c < columns; c++)
    {
      guint64 a = (guint64) n * c / columns, b = (guint64) n * (c + 1) / columns;
      float lo = INFINITY, hi = -INFINITY;

      for (guint64 i = a; i < b; i++)
        lo = MIN (lo, wave[i]), hi = MAX (hi, wave[i]);
      g_assert_cmpfloat (mins[c], ==, lo);
      g_assert_cmpfloat (maxs[c], ==, hi);
      top = MAX (top, maxs[c]);
    }
  g_assert_cmpfloat (top, ==, 3.0f);

  /* Zoomed in 4x about the middle: a quarter of the samples. */
  drey_line_plot_zoom (plot, 4, 0.5);
  {
    guint64 start, end;

    drey_line_plot_get_range (plot, &start, &end);
    g_assert_cmpuint (end - start, ==, (guint64) llround (n / 4.0));
    g_assert_cmpuint (start, ==, (guint64) llround ((n - n / 4.0) / 2));
  }
}

/* A 4-D array through its sliders: the slice shown and the values table
 * follow them; the probe says the element's full index. */
static void
test_slices (Fixture       *f,
             gconstpointer  data)
{
  static float volume[3 * 2 * 40 * 50];
  const char *keys[] = { "volume", "axes" };
  const char *const axes[] = { "time", "channel", "y", "x" };
  SqValue *values[2];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  DreyValuesTable *table = drey_array_panel_get_values_table (f->panel);
  g_autofree char *cell = NULL;
  g_autofree char *probe = NULL;
  double wx, wy;

  for (guint i = 0; i < G_N_ELEMENTS (volume); i++)
    volume[i] = (float) i;
  values[0] = array_value ("<f4", 4, SHAPE (3, 2, 40, 50), volume, sizeof volume);
  values[1] = str_list (axes, 4);
  show_entry (f, "volume", 2, keys, values);

  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 2);
  g_assert_cmpuint (drey_image_view_get_image_width (view), ==, 50);
  g_assert_cmpuint (drey_image_view_get_image_height (view), ==, 40);
  g_assert_cmpuint (drey_values_table_get_n_rows (table), ==, 40);
  g_assert_cmpuint (drey_values_table_get_n_columns (table), ==, DREY_VALUES_TABLE_MAX_COLUMNS);

  /* [2, 1, :, :] starts at (2 x 2 + 1) x 2000. */
  drey_array_panel_set_slice_index (f->panel, 0, 2);
  wait_idle (f);
  drey_array_panel_set_slice_index (f->panel, 1, 1);
  wait_idle (f);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "Slice [2, 1, :, :], 40 × 50"));
  cell = drey_values_table_get_text (table, 0, 0);
  g_assert_cmpstr (cell, ==, "10000.0");
  g_clear_pointer (&cell, g_free);
  cell = drey_values_table_get_text (table, 39, 49);
  g_assert_cmpstr (cell, ==, "11999.0");
  drey_image_view_image_to_widget (view, 3.5, 7.5, &wx, &wy);
  probe = drey_image_view_probe_at (view, wx, wy);
  g_assert_cmpstr (probe, ==, "[2, 1, 7, 3] = 10353.0");
  /* Viridis from the slice's min to its max: its first pixel is the map's start. */
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 0, FALSE), ==, ARGB (0x44, 0x01, 0x54));
  g_assert_cmphex (drey_image_view_read_pixel (view, 49, 39, FALSE), ==, ARGB (0xfd, 0xe7, 0x25));

  /* A range typed in: values above it are the map's end. */
  drey_array_panel_set_range (f->panel, 10000, 10100);
  wait_idle (f);
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 10, FALSE), ==, ARGB (0xfd, 0xe7, 0x25));

  /* The table pages through columns wider than it shows. */
  drey_values_table_set_first_column (table, 40);
  g_assert_cmpuint (drey_values_table_get_n_columns (table), ==, 10);
  g_assert_cmpuint (drey_values_table_get_first_column (table), ==, 40);
}

static gboolean shows_text_in (GtkWidget  *widget,
                               const char *text);

/* The Rows or Columns combo row of the panel. */
static AdwComboRow *
find_combo (GtkWidget  *widget,
            const char *title)
{
  if (ADW_IS_COMBO_ROW (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_COMBO_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found = find_combo (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
combo_text (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return g_strdup (gtk_string_object_get_string (item));
}

/* The heatmap's pixels are the colormap of @expected (rows x columns),
 * over its own range; the table holds its values. */
static void
assert_heatmap (Fixture      *f,
                const double *expected,
                guint         rows,
                guint         columns)
{
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  DreyValuesTable *table = drey_array_panel_get_values_table (f->panel);
  double lo = INFINITY, hi = -INFINITY;
  g_autofree guint8 *rgb = NULL;

  for (guint i = 0; i < rows * columns; i++)
    lo = MIN (lo, expected[i]), hi = MAX (hi, expected[i]);
  rgb = drey_colormap_apply (DREY_COLORMAP_VIRIDIS, expected, rows * columns, lo, hi);
  g_assert_cmpuint (drey_image_view_get_image_height (view), ==, rows);
  g_assert_cmpuint (drey_image_view_get_image_width (view), ==, columns);
  g_assert_cmpuint (drey_values_table_get_n_rows (table), ==, rows);
  g_assert_cmpuint (drey_values_table_get_n_columns (table), ==, MIN (columns, DREY_VALUES_TABLE_MAX_COLUMNS));
  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < columns; c++)
      {
        const guint8 *px = rgb + 3 * (r * columns + c);
        g_autofree char *cell = drey_values_table_get_text (table, r, c);
        g_autofree char *want = g_strdup_printf ("%.1f", expected[r * columns + c]);

        g_assert_cmphex (drey_image_view_read_pixel (view, c, r, FALSE), ==, ARGB (px[0], px[1], px[2]));
        if (c < DREY_VALUES_TABLE_MAX_COLUMNS)
          g_assert_cmpstr (cell, ==, want);
      }
}

/* Any two axes of an N-D array, picked as Rows and Columns: the heatmap
 * and the table show that slice, as numpy's a[:, i, j, :] has it, with a
 * slider for every other axis; picking the rows' axis for the columns
 * swaps them (a transpose); the first axes bring the image back. */
static void
test_slice_axes (Fixture       *f,
                 gconstpointer  data)
{
  enum { A = 3, B = 5, C = 6, D = 40 };
  static double volume[A * B * C * D];
  const char *keys[] = { "volume" };
  SqValue *values[1];
  AdwComboRow *rows_row, *columns_row;
  g_autofree char *text = NULL;
  g_autofree char *probe = NULL;
  double expected[A * D], transposed[D * A];
  guint rows = 0, columns = 0;
  double wx, wy;

  /* volume[i, j, k, l] = 1000 i + 100 j + 10 k + l / 10, nothing like a picture of its index. */
  for (guint i = 0; i < A; i++)
    for (guint j = 0; j < B; j++)
      for (guint k = 0; k < C; k++)
        for (guint l = 0; l < D; l++)
          volume[((i * B + j) * C + k) * D + l] = 1000.0 * i + 100.0 * j + 10.0 * k + l / 10.0 + (l % 3) * 0.5;
  values[0] = array_value ("<f8", 4, SHAPE (A, B, C, D), volume, sizeof volume);
  show_entry (f, "volume", 1, keys, values);

  /* 6 x 40 at the trailing axes, with sliders for the first two. */
  g_assert_true (drey_array_panel_get_slice_axes (f->panel, &rows, &columns));
  g_assert_cmpuint (rows, ==, 2);
  g_assert_cmpuint (columns, ==, 3);
  rows_row = find_combo (GTK_WIDGET (f->panel), "Rows");
  columns_row = find_combo (GTK_WIDGET (f->panel), "Columns");
  g_assert_nonnull (rows_row);
  g_assert_nonnull (columns_row);
  text = combo_text (rows_row);
  g_assert_cmpstr (text, ==, "axis 2 (len 6)");
  g_clear_pointer (&text, g_free);
  text = combo_text (columns_row);
  g_assert_cmpstr (text, ==, "axis 3 (len 40)");
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 2);

  /* Rows: axis 0: a[:, j, k, :], sliders for axes 1 and 2. */
  adw_combo_row_set_selected (rows_row, 0);
  wait_idle (f);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 2);
  drey_array_panel_set_slice_index (f->panel, 1, 2);
  wait_idle (f);
  drey_array_panel_set_slice_index (f->panel, 2, 4);
  wait_idle (f);
  for (guint i = 0; i < A; i++)
    for (guint l = 0; l < D; l++)
      expected[i * D + l] = volume[((i * B + 2) * C + 4) * D + l];
  assert_heatmap (f, expected, A, D);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "Slice [:, 2, 4, :], 3 × 40, viridis"));
  drey_image_view_image_to_widget (drey_array_panel_get_image_view (f->panel), 7.5, 1.5, &wx, &wy);
  probe = drey_image_view_probe_at (drey_array_panel_get_image_view (f->panel), wx, wy);
  g_assert_cmpstr (probe, ==, "[1, 2, 4, 7] = 1241.2");
  g_assert_true (shows_text_in (GTK_WIDGET (f->panel), "Slice [:, 2, 4, :] of 3 × 5 × 6 × 40: 3 × 40 values"));

  /* Columns: axis 0, the rows' axis: the rows take axis 3, a transpose. */
  adw_combo_row_set_selected (columns_row, 0);
  wait_idle (f);
  g_assert_true (drey_array_panel_get_slice_axes (f->panel, &rows, &columns));
  g_assert_cmpuint (rows, ==, 3);
  g_assert_cmpuint (columns, ==, 0);
  text = combo_text (rows_row);
  g_assert_cmpstr (text, ==, "axis 3 (len 40)");
  for (guint l = 0; l < D; l++)
    for (guint i = 0; i < A; i++)
      transposed[l * A + i] = expected[i * D + l];
  assert_heatmap (f, transposed, D, A);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "Slice [:, 2, 4, :].T, 40 × 3"));

  /* The axes the panel chose: the trailing axes again, at the sliders' indices. */
  drey_array_panel_set_slice_axes (f->panel, 2, 3);
  wait_idle (f);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 2);
  drey_array_panel_set_slice_index (f->panel, 0, 1);
  wait_idle (f);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "Slice [1, 2, :, :], 6 × 40"));
  {
    g_autofree char *cell = drey_values_table_get_text (drey_array_panel_get_values_table (f->panel), 4, 7);
    g_autofree char *want = g_strdup_printf ("%.1f", volume[((1 * B + 2) * C + 4) * D + 7]);

    g_assert_cmpstr (cell, ==, want);
  }
}

/* A CHW image, 3 x 16 x 24: Rows axis 0 shows its channels down a
 * 3 x 24 heatmap at a row picked with the slider. */
static void
test_slice_axes_image (Fixture       *f,
                       gconstpointer  data)
{
  static float chw[3 * 16 * 24];
  const char *keys[] = { "image", "axes" };
  const char *const axes[] = { "channel", "y", "x" };
  SqValue *values[2];
  AdwComboRow *columns_row;
  double expected[3 * 24];
  g_autofree char *text = NULL;
  guint rows = 0, columns = 0;

  for (guint i = 0; i < G_N_ELEMENTS (chw); i++)
    chw[i] = (float) ((i * 7919) % 1000) / 1000.0f;
  values[0] = array_value ("<f4", 3, SHAPE (3, 16, 24), chw, sizeof chw);
  values[1] = str_list (axes, 3);
  show_entry (f, "image", 2, keys, values);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "16 × 24 RGB · channels first"));
  g_assert_true (drey_array_panel_get_slice_axes (f->panel, &rows, &columns));
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpuint (columns, ==, 2);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 0);
  columns_row = find_combo (GTK_WIDGET (f->panel), "Columns");
  text = combo_text (columns_row);
  g_assert_cmpstr (text, ==, "axis 2, x (len 24)");

  adw_combo_row_set_selected (find_combo (GTK_WIDGET (f->panel), "Rows"), 0);
  wait_idle (f);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (f->panel), ==, 1);
  drey_array_panel_set_slice_index (f->panel, 1, 9);
  wait_idle (f);
  for (guint c = 0; c < 3; c++)
    for (guint x = 0; x < 24; x++)
      {
        /* As the table prints a float32, and the colormap reads it. */
        expected[c * 24 + x] = chw[(c * 16 + 9) * 24 + x];
      }
  {
    DreyImageView *view = drey_array_panel_get_image_view (f->panel);
    DreyValuesTable *table = drey_array_panel_get_values_table (f->panel);
    double lo = INFINITY, hi = -INFINITY;
    g_autofree guint8 *rgb = NULL;

    for (guint i = 0; i < 3 * 24; i++)
      lo = MIN (lo, expected[i]), hi = MAX (hi, expected[i]);
    rgb = drey_colormap_apply (DREY_COLORMAP_VIRIDIS, expected, 3 * 24, lo, hi);
    g_assert_cmpuint (drey_image_view_get_image_height (view), ==, 3);
    g_assert_cmpuint (drey_image_view_get_image_width (view), ==, 24);
    g_assert_cmpuint (drey_values_table_get_n_rows (table), ==, 3);
    for (guint c = 0; c < 3; c++)
      for (guint x = 0; x < 24; x++)
        {
          const guint8 *px = rgb + 3 * (c * 24 + x);
          g_autofree char *cell = drey_values_table_get_text (table, c, x);
          g_autoptr(GString) want = g_string_new (NULL);

          sq_number_append_float (want, expected[c * 24 + x], 4);
          g_assert_cmphex (drey_image_view_read_pixel (view, x, c, FALSE), ==, ARGB (px[0], px[1], px[2]));
          g_assert_cmpstr (cell, ==, want->str);
        }
  }
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "Slice [:, 9, :], 3 × 24, viridis"));

  /* Back to the image's own axes: the picture in colour again. */
  drey_array_panel_set_slice_axes (f->panel, 1, 2);
  wait_idle (f);
  g_assert_nonnull (strstr (drey_array_panel_get_caption (f->panel), "16 × 24 RGB · channels first"));
}

/* Zoom steps, 1:1, fit; panning keeps within the image. */
static void
test_zoom (Fixture       *f,
           gconstpointer  data)
{
  static guint8 picture[64 * 64];
  const char *keys[] = { "image" };
  SqValue *values[1];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  double fit, ix, iy;

  for (guint i = 0; i < sizeof picture; i++)
    picture[i] = (guint8) i;
  values[0] = array_value ("|u1", 2, SHAPE (64, 64), picture, sizeof picture);
  show_entry (f, "image", 1, keys, values);

  g_assert_cmpfloat (drey_image_view_get_zoom (view), ==, 0);
  fit = drey_image_view_get_scale (view);
  g_assert_cmpfloat (fit, >, 1);
  drey_image_view_set_zoom (view, 1);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, 1);
  drey_image_view_zoom_in (view);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, 2);
  drey_image_view_zoom_in (view);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, 4);
  drey_image_view_zoom_out (view);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, 2);
  /* Centred on pixel (10, 20): the canvas's centre shows it. */
  drey_image_view_set_center (view, 10.5, 20.5);
  g_assert_true (drey_image_view_widget_to_image (view, gtk_widget_get_width (drey_image_view_get_canvas (view)) / 2.0,
                                                  gtk_widget_get_height (drey_image_view_get_canvas (view)) / 2.0,
                                                  &ix, &iy));
  g_assert_cmpuint ((guint) ix, ==, 10);
  g_assert_cmpuint ((guint) iy, ==, 20);
  drey_image_view_set_center (view, -50, 1000);
  g_assert_true (drey_image_view_widget_to_image (view, gtk_widget_get_width (drey_image_view_get_canvas (view)) / 2.0,
                                                  gtk_widget_get_height (drey_image_view_get_canvas (view)) / 2.0 - 1,
                                                  &ix, &iy));
  g_assert_cmpfloat (ix, <, 1);
  g_assert_cmpfloat (iy, >, 63);
  drey_image_view_set_zoom (view, 0);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, fit);
}

/* Pinned, a picture stays beside the next one, at the same zoom. */
static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  static guint8 a[32 * 32], b[32 * 32];
  const char *keys[] = { "a", "b" };
  SqValue *values[2];
  DreyImageView *view = drey_array_panel_get_image_view (f->panel);
  DreyImageView *pinned = drey_array_panel_get_pinned_view (f->panel);

  for (guint i = 0; i < sizeof a; i++)
    {
      a[i] = (guint8) (i + 10);
      b[i] = (guint8) (200 - i);
    }
  values[0] = array_value ("|u1", 2, SHAPE (32, 32), a, sizeof a);
  values[1] = array_value ("|u1", 2, SHAPE (32, 32), b, sizeof b);
  show_entry (f, "a", 2, keys, values);
  drey_array_panel_set_pinned (f->panel, TRUE);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (pinned)));

  /* The other array of the same sample. */
  {
    DreySampleNode *root = f->nodes->pdata[0];
    g_autoptr(DreySampleNode) second = g_list_model_get_item (drey_sample_node_get_children (root), 1);

    drey_array_panel_set_node (f->panel, second, "b");
    wait_idle (f);
  }
  g_assert_cmphex (drey_image_view_read_pixel (pinned, 0, 0, FALSE), ==, ARGB (10, 10, 10));
  g_assert_cmphex (drey_image_view_read_pixel (view, 0, 0, FALSE), ==, ARGB (200, 200, 200));
  g_assert_cmphex (drey_image_view_read_pixel (view, 1, 0, FALSE), ==, ARGB (199, 199, 199));
  drey_image_view_set_zoom (view, 4);
  g_assert_cmpfloat (drey_image_view_get_zoom (pinned), ==, 4);
  drey_image_view_set_center (pinned, 3, 5);
  g_assert_cmpfloat (drey_image_view_get_scale (view), ==, 4);

  drey_array_panel_set_pinned (f->panel, FALSE);
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (pinned)));
  g_assert_false (drey_image_view_has_image (pinned));
}

static gboolean
shows_text_in (GtkWidget  *widget,
               const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text_in (child, text))
      return TRUE;
  return FALSE;
}

/* A long str: all of it to read, at most 64 KiB to copy, at a character. */
static void
test_string (Fixture       *f,
             gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  const char *keys[] = { "text" };
  SqValue *values[1];
  DreyStringView *view = drey_array_panel_get_string_view (f->panel);
  g_autofree char *shown = NULL;
  g_autofree char *copied = NULL;

  while (text->len < 100 * 1024)
    g_string_append (text, "Drey lit les magasins — ");
  values[0] = sq_value_new_str (text->str, (gssize) text->len);
  g_assert_true (drey_array_panel_shows_string (values[0]));
  show_entry (f, "text", 1, keys, values);

  shown = drey_string_view_get_shown (view);
  g_assert_cmpstr (shown, ==, text->str);
  copied = drey_string_view_get_copy_text (view);
  g_assert_cmpuint (strlen (copied), <=, DREY_STRING_VIEW_MAX_COPIED);
  g_assert_cmpuint (strlen (copied), >, DREY_STRING_VIEW_MAX_COPIED - 4);
  g_assert_true (g_utf8_validate (copied, -1, NULL));
  g_assert_true (g_str_has_prefix (text->str, copied));

  /* Over a MiB: the first MiB shows, and the view says so. */
  while (text->len < 2 * 1024 * 1024)
    g_string_append (text, text->str);
  drey_string_view_set_text (view, text->str, text->len);
  g_clear_pointer (&shown, g_free);
  shown = drey_string_view_get_shown (view);
  g_assert_cmpuint (strlen (shown), <=, DREY_STRING_VIEW_MAX_SHOWN);
  g_assert_cmpuint (strlen (shown), >, DREY_STRING_VIEW_MAX_SHOWN - 4);
  g_assert_true (g_str_has_prefix (text->str, shown));
  g_assert_true (shows_text_in (GTK_WIDGET (view), "the first 1 MiB are shown"));
  g_string_free (text, TRUE);

  /* A short one stays in the tree. */
  {
    g_autoptr(SqValue) word = sq_value_new_str ("cat", -1);

    g_assert_false (drey_array_panel_shows_string (word));
  }
}

/* A value cell cuts a long str short; its tooltip holds it, bounded. */
static void
test_string_tooltip (void)
{
  GString *text = g_string_new (NULL);
  GtkWidget *cell = g_object_ref_sink (drey_sample_cell_new (FALSE));
  g_autoptr(SqValue) value = NULL;
  g_autoptr(SqValue) word = sq_value_new_str ("cat", -1);
  const char *tooltip;

  while (text->len < 10000)
    g_string_append (text, "tokens ");
  value = sq_value_new_str (text->str, (gssize) text->len);
  drey_sample_cell_set_text (DREY_SAMPLE_CELL (cell), "'tokens tokens tok…'", NULL);
  drey_sample_cell_set_value_tooltip (DREY_SAMPLE_CELL (cell), value);
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (drey_sample_cell_get_label (DREY_SAMPLE_CELL (cell))));
  g_assert_nonnull (tooltip);
  g_assert_true (g_str_has_prefix (tooltip, "tokens tokens tokens"));
  g_assert_nonnull (strstr (tooltip, "(10003 characters in all)"));
  g_assert_cmpuint (g_utf8_strlen (tooltip, -1), <, 2100);

  /* Shown whole: no tooltip. */
  drey_sample_cell_set_text (DREY_SAMPLE_CELL (cell), "'cat'", NULL);
  drey_sample_cell_set_value_tooltip (DREY_SAMPLE_CELL (cell), word);
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (drey_sample_cell_get_label (DREY_SAMPLE_CELL (cell)))));
  g_string_free (text, TRUE);
  g_assert_finalize_object (cell);
}

int
main (int   argc,
      char *argv[])
{
  DREY_TEST_UI_INIT (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/array-views/mask", test_mask);
  ADD ("/array-views/mask-or-picture", test_mask_or_picture);
  ADD ("/array-views/mask-sparse-ids", test_mask_sparse_ids);
  ADD ("/array-views/boxes", test_boxes);
  ADD ("/array-views/boxes-ambiguous", test_boxes_ambiguous);
  ADD ("/array-views/unnormalize", test_unnormalize);
  ADD ("/array-views/plot", test_plot);
  ADD ("/array-views/slices", test_slices);
  ADD ("/array-views/slice-axes", test_slice_axes);
  ADD ("/array-views/slice-axes-image", test_slice_axes_image);
  ADD ("/array-views/zoom", test_zoom);
  ADD ("/array-views/pin", test_pin);
  ADD ("/array-views/string", test_string);
#undef ADD
  g_test_add_func ("/array-views/string-tooltip", test_string_tooltip);
  return g_test_run ();
}
