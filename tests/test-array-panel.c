/* test-array-panel.c: the array panel, its histogram and image preview
 *
 * Set DREY_SCREENSHOT_DIR to have /array-panel/render write PNGs of the
 * panel (an 8x8 digit, a 224x224x3 photo) in the light and the dark style.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "sq.h"

#include "drey-array-panel.h"
#include "drey-histogram.h"
#include "drey-image.h"
#include "drey-image-view.h"
#include "drey-test-ui.h"
#include "drey-test-util.h"

#define SHAPE(...) ((const guint64[]) { __VA_ARGS__ })

#define RGB(r, g, b) (0xff000000u | ((guint32) (r) << 16) | ((guint32) (g) << 8) | (guint32) (b))
#define GREY(v) RGB (v, v, v)

/* An image's pixels as the panel draws them (drey_image_map_pixels() into
 * the view's surface), 0xAARRGGBB premultiplied, row after row. */
typedef struct
{
  int      width;
  int      height;
  guint32 *pixels;
} Picture;

static void
picture_clear (Picture *picture)
{
  g_free (picture->pixels);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Picture, picture_clear)

static Picture
picture_for (SqNdarray *array)
{
  Picture result = { 0 };
  Picture *picture = &result;
  DreyImageShape shape;
  g_autofree guint8 *mapped = NULL;
  cairo_surface_t *surface;
  const guint8 *data;
  int stride;

  g_assert_true (drey_image_get_shape (array, &shape));
  mapped = drey_image_map_pixels (array, &shape, 1, NULL, NULL);
  g_assert_nonnull (mapped);
  surface = drey_image_surface_new (mapped, shape.width, shape.height, shape.channels, TRUE);
  picture->width = cairo_image_surface_get_width (surface);
  picture->height = cairo_image_surface_get_height (surface);
  picture->pixels = g_new (guint32, (gsize) picture->width * picture->height);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < picture->height; y++)
    memcpy (picture->pixels + (gsize) y * picture->width, data + (gsize) y * stride, (gsize) picture->width * 4);
  cairo_surface_destroy (surface);
  return result;
}

/* Runs the main loop until the panel's worker is done. */
static void
wait_for_summary (DreyArrayPanel *panel)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (drey_array_panel_get_busy (panel))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Runs the main loop until no task holds the panel any more, cancelled
 * ones included. */
static void
wait_for_tasks (DreyArrayPanel *panel)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (G_OBJECT (panel)->ref_count > 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Shows @array as the tree would: through the node of a sample's value,
 * whose summary the panel shows. */
static void
show_array (DreyArrayPanel *panel,
            SqNdarray      *array,
            const char     *title)
{
  g_autoptr(DreySampleNode) node = NULL;
  g_autoptr(SqValue) value = NULL;

  if (array == NULL)
    {
      drey_array_panel_set_node (panel, NULL, NULL);
      return;
    }
  value = sq_value_new_ndarray (array);
  node = drey_sample_node_new_sample (value, 0);
  drey_array_panel_set_node (panel, node, title);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The boxed-list row titled @title under @widget. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a visible label under @widget contains @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* Whether a cell of the values table holds exactly @text (its first 100
 * rows: the table itself makes rows only as they scroll into view). */
static gboolean
table_shows (DreyArrayPanel *panel,
             const char     *text)
{
  DreyValuesTable *table = drey_array_panel_get_values_table (panel);
  guint rows = MIN (drey_values_table_get_n_rows (table), 100);
  guint columns = drey_values_table_get_n_columns (table);

  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < columns; c++)
      {
        g_autofree char *cell = drey_values_table_get_text (table, r, (guint) drey_values_table_get_first_column (table) + c);

        if (g_str_equal (cell, text))
          return TRUE;
      }
  return FALSE;
}

static void
assert_summaries_equal (const SqSummary *a,
                        const SqSummary *b)
{
#define SAME_DOUBLE(field) g_assert_true ((isnan (a->field) && isnan (b->field)) || a->field == b->field)
  g_assert_cmpuint (a->n_elements, ==, b->n_elements);
  g_assert_cmpuint (a->n_nan, ==, b->n_nan);
  g_assert_cmpuint (a->n_inf, ==, b->n_inf);
  g_assert_cmpuint (a->n_zero, ==, b->n_zero);
  g_assert_cmpuint (a->n_finite, ==, b->n_finite);
  SAME_DOUBLE (min);
  SAME_DOUBLE (max);
  SAME_DOUBLE (mean);
  SAME_DOUBLE (std);
  SAME_DOUBLE (hist_min);
  SAME_DOUBLE (hist_max);
  for (guint i = 0; i < SQ_SUMMARY_N_BINS; i++)
    g_assert_cmpuint (a->hist[i], ==, b->hist[i]);
#undef SAME_DOUBLE
}

/* ---- shapes ------------------------------------------------------------- */

static void
test_shape_is_image (void)
{
  static const struct
  {
    const char *dtype;
    guint       ndim;
    guint64     shape[3];
    gboolean    image;
    guint       width, height, channels;
    gboolean    channels_first;
  } cases[] = {
    { "|u1", 2, { 8, 8 }, TRUE, 8, 8, 1, FALSE },
    { "|u1", 3, { 224, 224, 3 }, TRUE, 224, 224, 3, FALSE },
    { "<f4", 3, { 3, 32, 32 }, TRUE, 32, 32, 3, TRUE },
    { "<f4", 3, { 1, 28, 28 }, TRUE, 28, 28, 1, TRUE },
    { "|u1", 3, { 28, 28, 1 }, TRUE, 28, 28, 1, FALSE },
    { "|u1", 3, { 64, 48, 4 }, TRUE, 48, 64, 4, FALSE },
    { "|b1", 2, { 4, 6 }, TRUE, 6, 4, 1, FALSE },
    { "|u1", 3, { 5, 5, 2 }, FALSE },
    { "|u1", 1, { 10 }, FALSE },
    { "|u1", 2, { 0, 5 }, FALSE },
    { "|u1", 3, { 3, 0, 4 }, FALSE },
    { "|u1", 3, { 2, 8, 8 }, FALSE },
    { "|u1", 2, { 1000, 2 }, FALSE },   /* a table of points, not a picture */
    { "<f4", 2, { 10, 4 }, FALSE },     /* ten boxes, not a 4-pixel-wide picture */
    { "<i8", 2, { 5, 5 }, TRUE, 5, 5, 1, FALSE },
    { "<U3", 2, { 8, 8 }, FALSE },      /* strings are no pixels */
    { "<c8", 2, { 8, 8 }, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (cases[i].dtype, &error);
      guint64 n = 1;
      g_autofree guint8 *data = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SqNdarray) array = NULL;
      DreyImageShape image = { 0, 0, 0, -1 };

      g_assert_no_error (error);
      for (guint d = 0; d < cases[i].ndim; d++)
        n *= cases[i].shape[d];
      data = g_malloc0 (n * sq_dtype_get_itemsize (dtype) + 1);
      bytes = g_bytes_new (data, n * sq_dtype_get_itemsize (dtype));
      array = sq_ndarray_new (dtype, cases[i].ndim, cases[i].shape, bytes, &error);
      g_assert_no_error (error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_cmpint (drey_image_get_shape (array, &image), ==, cases[i].image);
      if (cases[i].image)
        {
          g_assert_cmpuint (image.width, ==, cases[i].width);
          g_assert_cmpuint (image.height, ==, cases[i].height);
          g_assert_cmpuint (image.channels, ==, cases[i].channels);
          g_assert_cmpint (image.channels_first, ==, cases[i].channels_first);
        }
    }
}

/* ---- pixels, as the panel's image view draws them ---------------------- */

static void
test_texture_rgb (void)
{
  /* 2 rows, 3 columns of RGB */
  static const guint8 data[] = {
    255, 0, 0,    0, 255, 0,    0, 0, 255,
    1, 2, 3,      128, 64, 32,  255, 255, 255,
  };
  g_autoptr(SqNdarray) array = drey_test_array_new ("|u1", 3, SHAPE (2, 3, 3), data, sizeof data);
  g_auto(Picture) texture = picture_for (array);
  const guint32 *px = texture.pixels;

  g_assert_cmpint (texture.width, ==, 3);
  g_assert_cmpint (texture.height, ==, 2);
  g_assert_cmphex (px[0], ==, RGB (255, 0, 0));
  g_assert_cmphex (px[1], ==, RGB (0, 255, 0));
  g_assert_cmphex (px[2], ==, RGB (0, 0, 255));
  g_assert_cmphex (px[3], ==, RGB (1, 2, 3));
  g_assert_cmphex (px[4], ==, RGB (128, 64, 32));
  g_assert_cmphex (px[5], ==, RGB (255, 255, 255));
}

static void
test_texture_channels_first (void)
{
  /* 3x1x2: planes of R, G, B */
  static const guint8 data[] = { 10, 20,   30, 40,   50, 60 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("|u1", 3, SHAPE (3, 1, 2), data, sizeof data);
  g_auto(Picture) texture = picture_for (array);
  const guint32 *px = texture.pixels;

  g_assert_cmpint (texture.width, ==, 2);
  g_assert_cmpint (texture.height, ==, 1);
  g_assert_cmphex (px[0], ==, RGB (10, 30, 50));
  g_assert_cmphex (px[1], ==, RGB (20, 40, 60));
}

static void
test_texture_float_scaled (void)
{
  /* -1..3 onto 0..255: 0, 63.75, 127.5, 255 */
  static const float data[] = { -1.0f, 0.0f, 1.0f, 3.0f };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<f4", 2, SHAPE (2, 2), data, sizeof data);
  g_auto(Picture) texture = picture_for (array);
  const guint32 *px = texture.pixels;

  g_assert_cmphex (px[0], ==, GREY (0));
  g_assert_cmphex (px[1], ==, GREY (64));
  g_assert_cmphex (px[2], ==, GREY (128));
  g_assert_cmphex (px[3], ==, GREY (255));
}

static void
test_texture_big_endian (void)
{
  /* >i2: -300, 0, 700, 1700, stored most significant byte first */
  static const gint16 values[] = { -300, 0, 700, 1700 };
  guint8 data[sizeof values];
  g_autoptr(SqNdarray) array = NULL;
  g_auto(Picture) texture = { 0 };
  const guint32 *px;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      guint16 v = GUINT16_TO_BE ((guint16) values[i]);

      memcpy (data + 2 * i, &v, 2);
    }
  array = drey_test_array_new (">i2", 2, SHAPE (2, 2), data, sizeof data);
  texture = picture_for (array);
  px = texture.pixels;
  g_assert_cmphex (px[0], ==, GREY (0));
  g_assert_cmphex (px[1], ==, GREY (38));   /* 300 / 2000 * 255 = 38.25 */
  g_assert_cmphex (px[2], ==, GREY (128));  /* 127.5 */
  g_assert_cmphex (px[3], ==, GREY (255));
}

static void
test_texture_float16 (void)
{
  static const double values[] = { 0.0, 0.25, 0.5, 1.0 };
  guint8 little[8], big[8];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      guint16 h = sq_number_double_to_half (values[i]);
      guint16 le = GUINT16_TO_LE (h), be = GUINT16_TO_BE (h);

      memcpy (little + 2 * i, &le, 2);
      memcpy (big + 2 * i, &be, 2);
    }

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(SqNdarray) array = drey_test_array_new (k == 0 ? "<f2" : ">f2", 2, SHAPE (1, 4),
                                              k == 0 ? little : big, 8);
      g_auto(Picture) texture = picture_for (array);
      const guint32 *px = texture.pixels;

      g_assert_cmphex (px[0], ==, GREY (0));
      g_assert_cmphex (px[1], ==, GREY (64));
      g_assert_cmphex (px[2], ==, GREY (128));
      g_assert_cmphex (px[3], ==, GREY (255));
    }
}

static void
test_texture_nan_black (void)
{
  static const double data[] = { NAN, 2.0, 4.0, 3.0 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<f8", 2, SHAPE (2, 2), data, sizeof data);
  g_auto(Picture) texture = picture_for (array);
  const guint32 *px = texture.pixels;

  g_assert_cmphex (px[0], ==, GREY (0));
  g_assert_cmphex (px[1], ==, GREY (0));
  g_assert_cmphex (px[2], ==, GREY (255));
  g_assert_cmphex (px[3], ==, GREY (128));

  /* A NaN in one channel blacks out the whole pixel. */
  {
    static const float rgb[] = { NAN, 0.5f, 1.0f,   0.0f, 0.5f, 1.0f };
    g_autoptr(SqNdarray) colour = drey_test_array_new ("<f4", 3, SHAPE (1, 2, 3), rgb, sizeof rgb);
    g_auto(Picture) colour_texture = picture_for (colour);
    const guint32 *colour_px = colour_texture.pixels;

    g_assert_cmphex (colour_px[0], ==, RGB (0, 0, 0));
    g_assert_cmphex (colour_px[1], ==, RGB (0, 128, 255));
  }
}

static void
test_texture_constant_and_bool (void)
{
  static const gint32 constant[] = { 7, 7, 7, 7 };
  static const guint8 flags[] = { 0, 1, 1, 0 };
  g_autoptr(SqNdarray) grey = drey_test_array_new ("<i4", 2, SHAPE (2, 2), constant, sizeof constant);
  g_autoptr(SqNdarray) mask = drey_test_array_new ("|b1", 2, SHAPE (2, 2), flags, sizeof flags);
  g_auto(Picture) grey_texture = picture_for (grey);
  g_auto(Picture) mask_texture = picture_for (mask);
  const guint32 *grey_px = grey_texture.pixels;
  const guint32 *mask_px = mask_texture.pixels;

  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmphex (grey_px[i], ==, GREY (128));
      g_assert_cmphex (mask_px[i], ==, GREY (flags[i] ? 255 : 0));
    }
}

/* ---- the histogram ------------------------------------------------------ */

static void
test_histogram_bins (void)
{
  static const guint8 data[] = { 0, 0, 0, 10, 255 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("|u1", 1, SHAPE (5), data, sizeof data);
  g_autoptr(SqSummary) summary = sq_summary_new (array, NULL, NULL);
  DreyHistogram *histogram = g_object_ref_sink (DREY_HISTOGRAM (drey_histogram_new ()));

  g_assert_cmpuint (drey_histogram_get_n_bins (histogram), ==, 0);

  drey_histogram_set_summary (histogram, summary);
  g_assert_cmpuint (drey_histogram_get_n_bins (histogram), ==, SQ_SUMMARY_N_BINS);
  g_assert_cmpuint (drey_histogram_get_max_count (histogram), ==, 3);
  gtk_test_accessible_assert_role (histogram, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (histogram, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Histogram of 64 bins from 0 to 255; the fullest bin holds 3 values");

  drey_histogram_set_summary (histogram, NULL);
  g_assert_cmpuint (drey_histogram_get_n_bins (histogram), ==, 0);

  g_assert_finalize_object (histogram);
}

/* ---- the panel ---------------------------------------------------------- */

static SqNdarray *
float64_array (guint n)
{
  g_autofree double *data = g_new (double, n);

  for (guint i = 0; i < n; i++)
    data[i] = sin (i) * 100.0;
  for (guint i = 0; i < n; i += 97)
    data[i] = NAN;
  for (guint i = 1; i < n; i += 50)
    data[i] = 0.0;
  if (n > 6)
    {
      data[5] = INFINITY;
      data[6] = -INFINITY;
    }
  return drey_test_array_new ("<f8", 1, SHAPE (n), data, n * sizeof (double));
}

static void
test_panel_summary (void)
{
  g_autoptr(SqNdarray) array = float64_array (10000);
  g_autoptr(SqSummary) expected = sq_summary_new (array, NULL, NULL);
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));
  DreyHistogram *histogram;
  guint busy_notifies = 0;

  g_signal_connect (panel, "notify::busy", G_CALLBACK (drey_test_count_notify), &busy_notifies);

  g_assert_false (drey_array_panel_get_busy (panel));
  show_array (panel, array, "[0] › signal");
  g_assert_true (drey_array_panel_get_array (panel) == array);
  g_assert_true (drey_array_panel_get_busy (panel));
  g_assert_null (drey_array_panel_get_summary (panel));
  g_assert_cmpuint (busy_notifies, ==, 1);

  wait_for_summary (panel);
  g_assert_cmpuint (busy_notifies, ==, 2);
  g_assert_nonnull (drey_array_panel_get_summary (panel));
  assert_summaries_equal (drey_array_panel_get_summary (panel), expected);
  g_assert_false (drey_array_panel_has_image (panel));

  /* The figures are on show, with the histogram of the library's bins. */
  g_assert_true (shows_text (GTK_WIDGET (panel), "[0] › signal"));
  g_assert_true (shows_text (GTK_WIDGET (panel), "float64 (<f8)"));
  g_assert_true (shows_text (GTK_WIDGET (panel), "80,000 bytes") ||
                 shows_text (GTK_WIDGET (panel), "80000 bytes"));
  /* A screen reader hears each figure with its name: "Mean, 0.123". */
  {
    GtkWidget *row = find_row (GTK_WIDGET (panel), "Mean");
    g_autofree char *mean = g_strdup_printf ("%.6g", expected->mean);

    g_assert_nonnull (row);
    gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, mean);
  }

  histogram = DREY_HISTOGRAM (find_descendant (GTK_WIDGET (panel), DREY_TYPE_HISTOGRAM));
  g_assert_nonnull (histogram);
  for (GtkWidget *w = GTK_WIDGET (histogram); w != GTK_WIDGET (panel); w = gtk_widget_get_parent (w))
    g_assert_true (gtk_widget_get_visible (w));
  g_assert_cmpuint (drey_histogram_get_n_bins (histogram), ==, SQ_SUMMARY_N_BINS);

  show_array (panel, NULL, NULL);
  g_assert_null (drey_array_panel_get_array (panel));
  g_assert_null (drey_array_panel_get_summary (panel));
  g_assert_false (drey_array_panel_get_busy (panel));

  wait_for_tasks (panel);
  g_assert_finalize_object (panel);
}

static void
test_panel_cancel (void)
{
  /* Big enough that its worker is still at it when the second arrives. */
  g_autoptr(SqNdarray) first = float64_array (4 * 1024 * 1024);
  static const double small[] = { 1.0, 2.0, 4.0 };
  g_autoptr(SqNdarray) second = drey_test_array_new ("<f8", 1, SHAPE (3), small, sizeof small);
  g_autoptr(SqSummary) expected = sq_summary_new (second, NULL, NULL);
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));
  guint busy_notifies = 0;

  g_signal_connect (panel, "notify::busy", G_CALLBACK (drey_test_count_notify), &busy_notifies);

  show_array (panel, first, "[0] › big");
  show_array (panel, second, "[1] › small");
  wait_for_summary (panel);
  g_assert_true (drey_array_panel_get_array (panel) == second);
  assert_summaries_equal (drey_array_panel_get_summary (panel), expected);

  /* The first worker's end changes nothing. */
  wait_for_tasks (panel);
  g_assert_true (drey_array_panel_get_array (panel) == second);
  assert_summaries_equal (drey_array_panel_get_summary (panel), expected);
  g_assert_false (drey_array_panel_get_busy (panel));
  g_assert_cmpuint (busy_notifies, ==, 2);
  g_assert_false (shows_text (GTK_WIDGET (panel), "[0] › big"));

  g_assert_finalize_object (panel);
}

static void
test_panel_image (void)
{
  guint8 digit[64];
  static const guint32 vector[] = { 1, 2, 3 };
  g_autoptr(SqNdarray) image = NULL;
  g_autoptr(SqNdarray) not_image = drey_test_array_new ("<u4", 1, SHAPE (3), vector, sizeof vector);
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));
  guint image_notifies = 0;

  for (guint i = 0; i < 64; i++)
    digit[i] = (guint8) (i % 9 == 0 ? 255 : 0);
  image = drey_test_array_new ("|u1", 2, SHAPE (8, 8), digit, sizeof digit);
  g_signal_connect (panel, "notify::has-image", G_CALLBACK (drey_test_count_notify), &image_notifies);

  show_array (panel, image, "[0] › image");
  wait_for_summary (panel);
  g_assert_true (drey_array_panel_has_image (panel));
  g_assert_cmpuint (image_notifies, ==, 1);
  g_assert_true (shows_text (GTK_WIDGET (panel), "8 × 8 grayscale"));
  g_assert_true (shows_text (GTK_WIDGET (panel), "All 8 × 8 values"));

  show_array (panel, not_image, "[0] › label");
  g_assert_false (drey_array_panel_has_image (panel));
  g_assert_cmpuint (image_notifies, ==, 2);
  wait_for_summary (panel);
  g_assert_false (drey_array_panel_has_image (panel));
  g_assert_cmpuint (image_notifies, ==, 2);
  g_assert_cmpuint (drey_array_panel_get_summary (panel)->n_elements, ==, 3);

  wait_for_tasks (panel);
  g_assert_finalize_object (panel);
}

static void
test_panel_not_numeric (void)
{
  /* <U2: "ab", "c" as UCS-4 */
  static const guint32 data[] = { 'a', 'b', 'c', 0 };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<U2", 1, SHAPE (2), data, sizeof data);
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));

  show_array (panel, array, "[0] › names");
  g_assert_false (drey_array_panel_get_busy (panel));
  g_assert_null (drey_array_panel_get_summary (panel));
  g_assert_false (drey_array_panel_has_image (panel));
  g_assert_true (shows_text (GTK_WIDGET (panel), "not numbers"));
  g_assert_true (table_shows (panel, "'ab'"));
  g_assert_true (table_shows (panel, "'c'"));
  g_assert_false (shows_text (GTK_WIDGET (panel), "Standard Deviation"));

  g_assert_finalize_object (panel);
}

static void
test_panel_values (void)
{
  guint16 data[2 * 3 * 10 * 12];
  g_autoptr(SqNdarray) array = NULL;
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));

  for (guint i = 0; i < G_N_ELEMENTS (data); i++)
    data[i] = (guint16) (1000 + i);
  array = drey_test_array_new ("<u2", 4, SHAPE (2, 3, 10, 12), data, sizeof data);

  /* All of the slice [0, 0, :, :] (1000 + 12 r + c), and the table scrolls
   * through all of it: 10 rows of 12 columns, not only the first few. */
  show_array (panel, array, "[0] › volume");
  g_assert_true (shows_text (GTK_WIDGET (panel), "Slice [0, 0, :, :] of 2 × 3 × 10 × 12: 10 × 12 values"));
  g_assert_cmpuint (drey_values_table_get_n_rows (drey_array_panel_get_values_table (panel)), ==, 10);
  g_assert_cmpuint (drey_values_table_get_n_columns (drey_array_panel_get_values_table (panel)), ==, 12);
  g_assert_true (table_shows (panel, "1000"));
  g_assert_true (table_shows (panel, "1089"));   /* row 7, column 5 */
  g_assert_true (table_shows (panel, "1119"));   /* row 9, column 11: the last */
  g_assert_false (table_shows (panel, "1120"));  /* the next slice's */

  /* Its sliders pick another slice: [1, 2, :, :] starts at 1000 + 5 x 120. */
  wait_for_tasks (panel);
  g_assert_cmpuint (drey_array_panel_get_n_slice_axes (panel), ==, 1);
  drey_array_panel_set_slice_index (panel, 0, 1);
  g_assert_true (shows_text (GTK_WIDGET (panel), "Slice [1, 0, :, :]"));
  g_assert_true (table_shows (panel, "1360"));
  g_assert_false (table_shows (panel, "1000"));

  wait_for_summary (panel);
  wait_for_tasks (panel);
  g_assert_finalize_object (panel);
}

static void
test_panel_values_float32 (void)
{
  /* As numpy prints float32, not the digits of their widening to double */
  static const float data[] = { 0.1f, 0.3576048f, -2.5f, 1e-5f };
  g_autoptr(SqNdarray) array = drey_test_array_new ("<f4", 1, SHAPE (4), data, sizeof data);
  DreyArrayPanel *panel = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));

  show_array (panel, array, "[0] › weights");
  g_assert_true (shows_text (GTK_WIDGET (panel), "All 4 values"));
  g_assert_true (table_shows (panel, "0.3576048"));
  g_assert_true (table_shows (panel, "-2.5"));
  g_assert_true (table_shows (panel, "1e-05"));
  g_assert_true (table_shows (panel, "0.1"));

  /* The tree's Value column says the same of a float32 and a float16
   * scalar as the panel of an array of them: one formatter for both. */
  {
    static const char *const dtypes[] = { "<f4", "<f2" };

    for (guint d = 0; d < G_N_ELEMENTS (dtypes); d++)
      {
        g_autoptr(SqDtype) dtype = sq_dtype_new_from_string (dtypes[d], NULL);

        for (guint i = 0; i < G_N_ELEMENTS (data); i++)
          {
            guint16 half = sq_number_double_to_half (data[i]);
            const void *element = d == 0 ? (const void *) &data[i] : (const void *) &half;
            g_autoptr(SqValue) scalar = sq_value_new_scalar (dtype, element);
            g_autoptr(DreySampleNode) node = drey_sample_node_new_sample (scalar, 0);
            g_autoptr(SqNdarray) one = drey_test_array_new (dtypes[d], 1, SHAPE (1), element,
                                                            sq_dtype_get_itemsize (dtype));
            DreyArrayPanel *cells = g_object_ref_sink (DREY_ARRAY_PANEL (drey_array_panel_new ()));
            const char *text = drey_sample_node_get_value_text (node);

            show_array (cells, one, "[0] › one");
            g_assert_true (table_shows (cells, text));
            g_assert_null (strstr (text, "0000000"));
            wait_for_summary (cells);
            wait_for_tasks (cells);
            g_assert_finalize_object (cells);
          }
      }
  }

  wait_for_summary (panel);
  wait_for_tasks (panel);
  g_assert_finalize_object (panel);
}

/* ---- a look at it ------------------------------------------------------- */

static SqNdarray *
digit_array (void)
{
  /* A "3", drawn as MNIST draws its digits: white on black. */
  static const char *const rows[] = {
    "..####..",
    ".#+..+#.",
    "......#.",
    "...###..",
    "......#.",
    "......#.",
    ".#+..+#.",
    "..####..",
  };
  guint8 data[64];

  for (guint y = 0; y < 8; y++)
    for (guint x = 0; x < 8; x++)
      data[y * 8 + x] = rows[y][x] == '#' ? 255 : rows[y][x] == '+' ? 96 : 0;
  return drey_test_array_new ("|u1", 2, SHAPE (8, 8), data, sizeof data);
}

static SqNdarray *
photo_array (void)
{
  g_autofree guint8 *data = g_malloc (224 * 224 * 3);

  /* A sky, a sun and hills: smooth gradients and hard edges. */
  for (guint y = 0; y < 224; y++)
    for (guint x = 0; x < 224; x++)
      {
        guint8 *p = data + (y * 224 + x) * 3;
        double sun = hypot (x - 160.0, y - 60.0);
        double hill = 150 + 20 * sin (x / 30.0);

        if (y > hill)
          {
            p[0] = (guint8) (40 + (y - hill) / 2);
            p[1] = (guint8) (120 + 40 * sin (x / 7.0) * cos (y / 9.0));
            p[2] = 50;
          }
        else if (sun < 24)
          {
            p[0] = 255;
            p[1] = (guint8) (220 - sun * 2);
            p[2] = 120;
          }
        else
          {
            p[0] = (guint8) (90 + y / 2);
            p[1] = (guint8) (150 + y / 3);
            p[2] = (guint8) (235 - y / 8);
          }
      }
  return drey_test_array_new ("|u1", 3, SHAPE (224, 224, 3), data, 224 * 224 * 3);
}

/* Labels, as <U12. */
static SqNdarray *
strings_array (void)
{
  static const char *const words[] = { "cat", "dog", "horse", "automobile", "ship", "truck" };
  guint32 data[G_N_ELEMENTS (words) * 12] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    for (guint j = 0; words[i][j] != '\0'; j++)
      data[i * 12 + j] = (guint32) words[i][j];
  return drey_test_array_new ("<U12", 1, SHAPE (G_N_ELEMENTS (words)), data, sizeof data);
}

/* A normalised CIFAR-like image: 3x32x32 float32 around 0, with a NaN. */
static SqNdarray *
planes_array (void)
{
  float data[3 * 32 * 32];

  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 32; y++)
      for (guint x = 0; x < 32; x++)
        data[(c * 32 + y) * 32 + x] = (float) (sin (x / 5.0 + c) * cos (y / 7.0) * 1.8 - 0.2 * c);
  data[5 * 32 + 9] = NAN;
  return drey_test_array_new ("<f4", 3, SHAPE (3, 32, 32), data, sizeof data);
}

static void
iterate_until_drawn (GtkWidget *window,
                     GtkWidget *panel)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (window) || gtk_widget_get_width (panel) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* Let a pending relayout or style change settle. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Shows @array in a panel 400 pixels wide, in a window of its own so that
 * the window is as tall as the panel, and draws it; to a PNG if
 * DREY_SCREENSHOT_DIR is set. */
static void
render (SqNdarray  *array,
        const char *title,
        const char *name,
        gboolean    image)
{
  const char *dir = g_getenv ("DREY_SCREENSHOT_DIR");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = drey_array_panel_new ();
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  int width, height;

  show_array (DREY_ARRAY_PANEL (panel), array, title);
  wait_for_summary (DREY_ARRAY_PANEL (panel));
  g_assert_cmpint (drey_array_panel_has_image (DREY_ARRAY_PANEL (panel)), ==, image);

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, -1);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until_drawn (window, panel);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  if (dir != NULL && *dir != '\0')
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cairo_t *cr = cairo_create (surface);

      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
      g_test_message ("wrote %s", path);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_panel_render (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(SqNdarray) digit = digit_array ();
  g_autoptr(SqNdarray) photo = photo_array ();
  g_autoptr(SqNdarray) names = strings_array ();
  g_autoptr(SqNdarray) planes = planes_array ();
  static const struct
  {
    AdwColorScheme scheme;
    const char    *suffix;
  } schemes[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };

  /* GNOME's font, as a GNOME session would set it. */
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      g_autofree char *digit_name = g_strdup_printf ("array-panel-digit-%s.png", schemes[s].suffix);
      g_autofree char *photo_name = g_strdup_printf ("array-panel-photo-%s.png", schemes[s].suffix);

      adw_style_manager_set_color_scheme (style, schemes[s].scheme);
      render (digit, "[3] › image", digit_name, TRUE);
      render (photo, "[12] › photo", photo_name, TRUE);
      if (s == 0)
        {
          render (names, "[3] › names", "array-panel-strings-light.png", FALSE);
          render (planes, "[7] › planes", "array-panel-planes-light.png", TRUE);
        }
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  DREY_TEST_UI_INIT (&argc, &argv);

  g_test_add_func ("/array-panel/image/shape", test_shape_is_image);
  g_test_add_func ("/array-panel/image/rgb", test_texture_rgb);
  g_test_add_func ("/array-panel/image/channels-first", test_texture_channels_first);
  g_test_add_func ("/array-panel/image/float-scaled", test_texture_float_scaled);
  g_test_add_func ("/array-panel/image/big-endian", test_texture_big_endian);
  g_test_add_func ("/array-panel/image/float16", test_texture_float16);
  g_test_add_func ("/array-panel/image/nan-black", test_texture_nan_black);
  g_test_add_func ("/array-panel/image/constant-and-bool", test_texture_constant_and_bool);
  g_test_add_func ("/array-panel/histogram/bins", test_histogram_bins);
  g_test_add_func ("/array-panel/summary", test_panel_summary);
  g_test_add_func ("/array-panel/cancel", test_panel_cancel);
  g_test_add_func ("/array-panel/preview", test_panel_image);
  g_test_add_func ("/array-panel/not-numeric", test_panel_not_numeric);
  g_test_add_func ("/array-panel/values", test_panel_values);
  g_test_add_func ("/array-panel/values/float32", test_panel_values_float32);
  g_test_add_func ("/array-panel/render", test_panel_render);

  return g_test_run ();
}
