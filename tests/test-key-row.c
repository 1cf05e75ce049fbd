/* test-key-row.c: a key list row draws what the box of labels it replaced drew
 *
 * The row draws its texts itself, with libadwaita's .dim-label, .caption
 * and .numeric written into it: each case here is drawn by the row and
 * by the labels the list had before, in the same window, and compared
 * pixel for pixel, so a theme that changes them fails here rather than
 * looking different in the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "drey-key-item.h"
#include "drey-key-row.h"
#include "drey-test-ui.h"
#include "drey-test-util.h"

#define WAIT_FOR DREY_TEST_WAIT_FOR

/* The row as the key list made it before: a box of labels. */
static GtkWidget *
labels_row (DreyKeyItem *item)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name_label = gtk_label_new (drey_key_item_get_key (item));
  g_autofree char *n_samples = drey_key_item_dup_n_samples_text (item);
  g_autofree char *size = drey_key_item_dup_size_text (item);
  GtkWidget *size_label = gtk_label_new (size);

  if (drey_key_item_get_error (item) != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "error");
      gtk_box_append (GTK_BOX (row), icon);
    }
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0.0);
  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_box_append (GTK_BOX (row), name_label);
  if (*n_samples != '\0')
    {
      GtkWidget *n_samples_label = gtk_label_new (n_samples);

      gtk_widget_add_css_class (n_samples_label, "dim-label");
      gtk_widget_add_css_class (n_samples_label, "caption");
      gtk_widget_add_css_class (n_samples_label, "numeric");
      gtk_box_append (GTK_BOX (row), n_samples_label);
    }
  gtk_label_set_xalign (GTK_LABEL (size_label), 1.0);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_add_css_class (size_label, "numeric");
  gtk_box_append (GTK_BOX (row), size_label);
  return row;
}

static cairo_surface_t *
render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* How many pixels differ, and whether anything was drawn at all. */
static guint
count_differences (cairo_surface_t *a,
                   cairo_surface_t *b,
                   gboolean        *drawn)
{
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a) / 4;
  guint32 *pa = (guint32 *) (void *) cairo_image_surface_get_data (a);
  guint32 *pb = (guint32 *) (void *) cairo_image_surface_get_data (b);
  guint n = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, height);
  *drawn = FALSE;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        n += pa[y * stride + x] != pb[y * stride + x];
        *drawn |= pa[y * stride + x] != 0;
      }
  return n;
}

static DreyKeyItem *
make_item (const char *key,
           gint64      size,
           int         n_samples,
           const char *error)
{
  g_autoptr(SqKeyInfo) info = sq_key_info_new (key, size, -1);
  DreyKeyItem *item = drey_key_item_new (info);

  drey_key_item_set_n_samples (item, n_samples);
  drey_key_item_set_error (item, error);
  return item;
}

static void
compare_cases (GtkTextDirection direction,
               const char      *what)
{
  DreyKeyItem *items[] = {
    make_item ("digits-03", 3500, -1, NULL),
    make_item ("digits-02", 3600, 100, NULL),
    make_item ("broken", 1780, -1, "shard 'broken': gzip data ends early"),
    make_item ("a", 100, 1, NULL),
    make_item ("a-key-far-too-long-for-the-pane-so-that-its-middle-is-left-out", 561751, 12, NULL),
  };
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *rows[G_N_ELEMENTS (items)], *labels[G_N_ELEMENTS (items)];

  gtk_window_set_default_size (window, 320, -1);
  gtk_window_set_child (window, box);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      rows[i] = drey_key_row_new ();
      drey_key_row_show_item (DREY_KEY_ROW (rows[i]), items[i]);
      labels[i] = labels_row (items[i]);
      gtk_widget_set_direction (rows[i], direction);
      gtk_widget_set_direction (labels[i], direction);
      for (GtkWidget *child = gtk_widget_get_first_child (labels[i]); child; child = gtk_widget_get_next_sibling (child))
        gtk_widget_set_direction (child, direction);
      gtk_box_append (GTK_BOX (box), rows[i]);
      gtk_box_append (GTK_BOX (box), labels[i]);
    }
  gtk_window_present (window);
  WAIT_FOR (gtk_widget_get_mapped (rows[0]) && gtk_widget_get_width (rows[0]) > 0);
  /* The icon theme's icon may be read after the first frame. */
  for (int i = 0; i < 3; i++)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (box);
      gint64 frames = gdk_frame_clock_get_frame_counter (clock);

      gtk_widget_queue_draw (box);
      WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frames);
    }

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      cairo_surface_t *drawn_row = render (rows[i]);
      cairo_surface_t *drawn_labels = render (labels[i]);
      gboolean drawn;
      guint differences;

      g_assert_cmpint (gtk_widget_get_height (rows[i]), ==, gtk_widget_get_height (labels[i]));
      g_assert_cmpint (gtk_widget_get_width (rows[i]), ==, gtk_widget_get_width (labels[i]));
      differences = count_differences (drawn_row, drawn_labels, &drawn);
      if (differences != 0 && g_getenv ("DREY_KEY_ROW_PNG") != NULL)
        {
          g_autofree char *row_png = g_strdup_printf ("%s-%s-%u-row.png", g_getenv ("DREY_KEY_ROW_PNG"), what, i);
          g_autofree char *labels_png = g_strdup_printf ("%s-%s-%u-labels.png", g_getenv ("DREY_KEY_ROW_PNG"), what, i);

          cairo_surface_write_to_png (drawn_row, row_png);
          cairo_surface_write_to_png (drawn_labels, labels_png);
        }
      g_test_message ("%s: %s: %u pixels differ", what, drey_key_item_get_key (items[i]), differences);
      g_assert_true (drawn);
      g_assert_cmpuint (differences, ==, 0);
      cairo_surface_destroy (drawn_row);
      cairo_surface_destroy (drawn_labels);
    }

  gtk_window_destroy (window);
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    g_object_unref (items[i]);
}

static void
test_looks_like_labels (void)
{
  compare_cases (GTK_TEXT_DIR_LTR, "ltr");
  compare_cases (GTK_TEXT_DIR_RTL, "rtl");
}

/* With the high-contrast style the dim texts are less dim, in both. */
static void
test_looks_like_labels_high_contrast (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();

  schema = source != NULL ? g_settings_schema_source_lookup (source, "org.gnome.desktop.a11y.interface", TRUE) : NULL;
  if (schema == NULL || !g_settings_schema_has_key (schema, "high-contrast"))
    {
      g_test_skip ("needs the org.gnome.desktop.a11y.interface schema");
      return;
    }
  settings = g_settings_new ("org.gnome.desktop.a11y.interface");
  g_settings_set_boolean (settings, "high-contrast", TRUE);
  WAIT_FOR (adw_style_manager_get_high_contrast (style));
  compare_cases (GTK_TEXT_DIR_LTR, "high-contrast");
  g_settings_set_boolean (settings, "high-contrast", FALSE);
  WAIT_FOR (!adw_style_manager_get_high_contrast (style));
}

/* What the key list and the tests read: the texts drawn, and the mark. */
static void
test_shows_item (void)
{
  g_autoptr(DreyKeyItem) item = make_item ("digits-03", 3500, -1, NULL);
  g_autofree char *size = g_format_size (3500);
  GtkWidget *row = g_object_ref_sink (drey_key_row_new ());
  g_autofree char *label = NULL;

  drey_key_row_show_item (DREY_KEY_ROW (row), item);
  g_assert_cmpstr (drey_key_row_get_key_text (DREY_KEY_ROW (row)), ==, "digits-03");
  g_assert_cmpstr (drey_key_row_get_size_text (DREY_KEY_ROW (row)), ==, size);
  g_assert_cmpstr (drey_key_row_get_n_samples_text (DREY_KEY_ROW (row)), ==, "");
  g_assert_false (drey_key_row_get_marked (DREY_KEY_ROW (row)));
  label = drey_key_item_dup_accessible_label (item);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  drey_key_item_set_n_samples (item, 100);
  drey_key_item_set_error (item, "shard 'digits-03': truncated");
  drey_key_row_show_item (DREY_KEY_ROW (row), item);
  g_assert_cmpstr (drey_key_row_get_n_samples_text (DREY_KEY_ROW (row)), ==, "100 samples");
  g_assert_true (drey_key_row_get_marked (DREY_KEY_ROW (row)));
  g_assert_true (gtk_widget_has_css_class (row, "failed"));
  g_clear_pointer (&label, g_free);
  label = drey_key_item_dup_accessible_label (item);
  g_assert_nonnull (strstr (label, "100 samples"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  /* Read again: no mark, no count. */
  drey_key_item_set_error (item, NULL);
  drey_key_item_set_n_samples (item, -1);
  drey_key_row_show_item (DREY_KEY_ROW (row), item);
  g_assert_false (drey_key_row_get_marked (DREY_KEY_ROW (row)));
  g_assert_false (gtk_widget_has_css_class (row, "failed"));
  g_assert_cmpstr (drey_key_row_get_n_samples_text (DREY_KEY_ROW (row)), ==, "");

  g_assert_finalize_object (row);
}

int
main (int    argc,
      char **argv)
{
  DREY_TEST_UI_INIT (&argc, &argv);

  g_test_add_func ("/key-row/shows-item", test_shows_item);
  g_test_add_func ("/key-row/looks-like-labels", test_looks_like_labels);
  g_test_add_func ("/key-row/looks-like-labels-high-contrast", test_looks_like_labels_high_contrast);
  return g_test_run ();
}
