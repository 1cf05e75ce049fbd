/* drey-image-view.c: a picture to look at closely
 *
 * An image (a cairo surface made on a worker, drey_image_surface_new()),
 * optionally a mask drawn over it at some opacity, and boxes with labels.
 * Zoom fits the view by default; the buttons, Ctrl+scroll, + and − step
 * it by powers of two, 1 shows one screen pixel an image pixel. Enlarged
 * pixels are drawn nearest-neighbour, so a pixel stays a square. Scrolling
 * pans an image larger than the view (and scrolls the page round it
 * otherwise); dragging pans too. The line below the picture says what the
 * pixel under the pointer holds (DreyImageViewProbe: the owner knows the
 * array behind the picture).
 *
 * zoom, center-x and center-y are properties so that two views can be
 * bound together and show the same part of two images side by side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-image-view"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "drey-image-view.h"

#define MIN_SCALE (1.0 / 64)
#define MAX_SCALE 256.0
/* Pixels a scroll step pans. */
#define SCROLL_STEP 48.0
#define BOX_LINE_WIDTH 2.0

struct _DreyImageView
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *toolbar;
  GtkLabel           *zoom_label;
  GtkDrawingArea     *canvas;
  GtkLabel           *probe_label;

  cairo_surface_t    *surface;
  guint               width;      /* in image pixels; the surface may be smaller */
  guint               height;
  cairo_surface_t    *overlay;
  double              overlay_opacity;
  GArray             *boxes;      /* of DreyImageBox */

  DreyImageViewProbe  probe;
  gpointer            probe_data;
  GDestroyNotify      probe_destroy;

  double              zoom;       /* screen pixels an image pixel; 0: fit */
  double              center_x;   /* the image point at the canvas's centre */
  double              center_y;
  double              drag_x;
  double              drag_y;
  double              pointer_x;
  double              pointer_y;
  gboolean            pointer_in;
};

G_DEFINE_FINAL_TYPE (DreyImageView, drey_image_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_CENTER_X,
  PROP_CENTER_Y,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- surfaces ----------------------------------------------------------- */

/**
 * drey_image_surface_new:
 * @pixels: rows of @width x @channels bytes: grey, grey+alpha, RGB or RGBA
 * @straight_alpha: whether alpha is straight (not premultiplied)
 *
 * Safe on any thread (a worker makes the surface, the view draws it).
 *
 * Returns: (transfer full): an ARGB32 image surface
 */
cairo_surface_t *
drey_image_surface_new (const guint8 *pixels,
                        guint         width,
                        guint         height,
                        guint         channels,
                        gboolean      straight_alpha)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) width, (int) height);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  g_return_val_if_fail (channels >= 1 && channels <= 4, surface);

  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      const guint8 *src = pixels + (gsize) y * width * channels;

      for (guint x = 0; x < width; x++, src += channels)
        {
          guint r, g, b, a = 255;

          if (channels <= 2)
            r = g = b = src[0];
          else
            r = src[0], g = src[1], b = src[2];
          if (channels == 2 || channels == 4)
            a = src[channels - 1];
          if (straight_alpha && a < 255)
            {
              r = (r * a + 127) / 255;
              g = (g * a + 127) / 255;
              b = (b * a + 127) / 255;
            }
          row[x] = (guint32) a << 24 | r << 16 | g << 8 | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* ---- geometry ----------------------------------------------------------- */

static double
fit_scale (DreyImageView *self)
{
  int cw = gtk_widget_get_width (GTK_WIDGET (self->canvas));
  int ch = gtk_widget_get_height (GTK_WIDGET (self->canvas));

  if (self->width == 0 || cw <= 0 || ch <= 0)
    return 1.0;
  return CLAMP (MIN ((double) cw / self->width, (double) ch / self->height), MIN_SCALE, MAX_SCALE);
}

/**
 * drey_image_view_get_scale:
 *
 * Returns: screen pixels an image pixel, as drawn now
 */
double
drey_image_view_get_scale (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 1.0);

  return self->zoom > 0 ? self->zoom : fit_scale (self);
}

static void
get_origin (DreyImageView *self,
            double        *ox,
            double        *oy)
{
  double scale = drey_image_view_get_scale (self);
  double cw = gtk_widget_get_width (GTK_WIDGET (self->canvas));
  double ch = gtk_widget_get_height (GTK_WIDGET (self->canvas));
  double cx = self->zoom > 0 ? self->center_x : self->width / 2.0;
  double cy = self->zoom > 0 ? self->center_y : self->height / 2.0;

  /* On whole pixels, so enlarged pixels stay crisp. */
  *ox = round (cw / 2 - cx * scale);
  *oy = round (ch / 2 - cy * scale);
}

/**
 * drey_image_view_image_to_widget:
 * @ix: a point of the image, in image pixels
 * @wx: (out): where it is drawn, in the canvas's coordinates
 */
void
drey_image_view_image_to_widget (DreyImageView *self,
                                 double         ix,
                                 double         iy,
                                 double        *wx,
                                 double        *wy)
{
  double ox, oy, scale = drey_image_view_get_scale (self);

  get_origin (self, &ox, &oy);
  *wx = ox + ix * scale;
  *wy = oy + iy * scale;
}

/**
 * drey_image_view_widget_to_image:
 * @wx: a point of the canvas
 * @ix: (out): the image point drawn there
 *
 * Returns: whether the point is on the image
 */
gboolean
drey_image_view_widget_to_image (DreyImageView *self,
                                 double         wx,
                                 double         wy,
                                 double        *ix,
                                 double        *iy)
{
  double ox, oy, scale = drey_image_view_get_scale (self);

  get_origin (self, &ox, &oy);
  *ix = (wx - ox) / scale;
  *iy = (wy - oy) / scale;
  return self->surface != NULL && *ix >= 0 && *iy >= 0 && *ix < self->width && *iy < self->height;
}

/* ---- drawing ------------------------------------------------------------ */

static void
paint_surface (DreyImageView   *self,
               cairo_t         *cr,
               cairo_surface_t *surface,
               double           alpha)
{
  double scale = drey_image_view_get_scale (self);
  int sw = cairo_image_surface_get_width (surface);
  int sh = cairo_image_surface_get_height (surface);
  double ox, oy;

  get_origin (self, &ox, &oy);
  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale * self->width / sw, scale * self->height / sh);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            scale * self->width / sw >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, sw, sh);
  cairo_clip (cr);
  cairo_paint_with_alpha (cr, alpha);
  cairo_restore (cr);
}

static void
draw_boxes (DreyImageView *self,
            cairo_t       *cr)
{
  for (guint i = 0; self->boxes != NULL && i < self->boxes->len; i++)
    {
      const DreyImageBox *box = &g_array_index (self->boxes, DreyImageBox, i);
      double x0, y0, x1, y1;
      double r = ((box->rgb >> 16) & 0xff) / 255.0, g = ((box->rgb >> 8) & 0xff) / 255.0, b = (box->rgb & 0xff) / 255.0;

      if (!isfinite (box->x0) || !isfinite (box->y0) || !isfinite (box->x1) || !isfinite (box->y1))
        continue;
      drey_image_view_image_to_widget (self, box->x0, box->y0, &x0, &y0);
      drey_image_view_image_to_widget (self, box->x1, box->y1, &x1, &y1);

      /* A dark halo, so a box shows on a light image and a dark one. */
      cairo_set_line_width (cr, BOX_LINE_WIDTH + 2);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
      cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
      cairo_stroke (cr);
      cairo_set_line_width (cr, BOX_LINE_WIDTH);
      cairo_set_source_rgb (cr, r, g, b);
      cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
      cairo_stroke (cr);

      if (box->label != NULL && *box->label != '\0')
        {
          PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), box->label);
          PangoAttrList *attrs = pango_attr_list_new ();
          int tw, th;
          double ty;

          pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
          pango_layout_get_pixel_size (layout, &tw, &th);
          /* Above the box, or inside it at the image's top edge. */
          ty = y0 - th - 2 >= 0 ? y0 - th - 2 : y0;
          cairo_set_source_rgb (cr, r, g, b);
          cairo_rectangle (cr, x0 - 1, ty, tw + 6, th + 2);
          cairo_fill (cr);
          /* Black or white text, whichever reads on the box's colour. */
          if (0.299 * r + 0.587 * g + 0.114 * b > 0.55)
            cairo_set_source_rgb (cr, 0, 0, 0);
          else
            cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_move_to (cr, x0 + 2, ty + 1);
          pango_cairo_show_layout (cr, layout);
          g_object_unref (layout);
        }
    }
}

static void
draw_canvas (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);

  /* A neutral backdrop that is neither the image's black nor its white. */
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  if (self->surface == NULL)
    return;
  paint_surface (self, cr, self->surface, 1.0);
  if (self->overlay != NULL && self->overlay_opacity > 0)
    paint_surface (self, cr, self->overlay, self->overlay_opacity);
  draw_boxes (self, cr);
}

/* ---- zoom and pan ------------------------------------------------------- */

static void
update_zoom_label (DreyImageView *self)
{
  double percent = drey_image_view_get_scale (self) * 100;
  g_autofree char *text = NULL;

  /* Fitted, the scale follows the canvas's size: the label says "Fit",
   * which does not change with it (a label changed while the canvas is
   * allocated would lay the view out again). */
  if (self->zoom == 0)
    text = g_strdup (_("Fit"));
  else if (percent >= 10)
    text = g_strdup_printf ("%.0f%%", percent);
  else
    text = g_strdup_printf ("%.1f%%", percent);
  gtk_label_set_label (self->zoom_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "image.zoom-in", self->zoom == 0 || self->zoom < MAX_SCALE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "image.zoom-out", self->zoom == 0 || self->zoom > MIN_SCALE);
}

static void
clamp_center (DreyImageView *self)
{
  self->center_x = CLAMP (self->center_x, 0, self->width);
  self->center_y = CLAMP (self->center_y, 0, self->height);
}

/**
 * drey_image_view_set_center:
 * @x: the image point to show at the canvas's centre (clamped to the image)
 *
 * Leaves fit mode at its scale, if the view was fitted.
 */
void
drey_image_view_set_center (DreyImageView *self,
                            double         x,
                            double         y)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  if (self->zoom == 0)
    drey_image_view_set_zoom (self, fit_scale (self));
  self->center_x = x;
  self->center_y = y;
  clamp_center (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER_X]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER_Y]);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

/**
 * drey_image_view_set_zoom:
 * @zoom: screen pixels an image pixel; 0 fits the image to the view
 */
void
drey_image_view_set_zoom (DreyImageView *self,
                          double         zoom)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  if (zoom > 0)
    zoom = CLAMP (zoom, MIN_SCALE, MAX_SCALE);
  else
    zoom = 0;
  if (self->zoom == 0 && zoom > 0)
    {
      /* From fit: zoom about the centre. */
      self->center_x = self->width / 2.0;
      self->center_y = self->height / 2.0;
    }
  if (self->zoom == zoom)
    return;
  self->zoom = zoom;
  update_zoom_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
drey_image_view_get_zoom (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 0);

  return self->zoom;
}

/* The next power of two above (or below) @scale. */
static double
step_scale (double scale,
            int    direction)
{
  double level = log2 (scale);
  double next = direction > 0 ? floor (level + 1e-9) + 1 : ceil (level - 1e-9) - 1;

  return CLAMP (exp2 (next), MIN_SCALE, MAX_SCALE);
}

/* Zooms by a step, keeping the image point under (@wx, @wy) in place. */
static void
zoom_about (DreyImageView *self,
            int            direction,
            double         wx,
            double         wy)
{
  double ix, iy, ox, oy, scale;

  drey_image_view_widget_to_image (self, wx, wy, &ix, &iy);
  drey_image_view_set_zoom (self, step_scale (drey_image_view_get_scale (self), direction));
  scale = drey_image_view_get_scale (self);
  /* The centre that puts (ix, iy) back under (wx, wy). */
  ox = gtk_widget_get_width (GTK_WIDGET (self->canvas)) / 2.0;
  oy = gtk_widget_get_height (GTK_WIDGET (self->canvas)) / 2.0;
  drey_image_view_set_center (self, ix - (wx - ox) / scale, iy - (wy - oy) / scale);
}

void
drey_image_view_zoom_in (DreyImageView *self)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  zoom_about (self, 1, gtk_widget_get_width (GTK_WIDGET (self->canvas)) / 2.0,
              gtk_widget_get_height (GTK_WIDGET (self->canvas)) / 2.0);
}

void
drey_image_view_zoom_out (DreyImageView *self)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  zoom_about (self, -1, gtk_widget_get_width (GTK_WIDGET (self->canvas)) / 2.0,
              gtk_widget_get_height (GTK_WIDGET (self->canvas)) / 2.0);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyImageView *self = DREY_IMAGE_VIEW (widget);

  if (g_str_equal (action_name, "image.zoom-in"))
    drey_image_view_zoom_in (self);
  else if (g_str_equal (action_name, "image.zoom-out"))
    drey_image_view_zoom_out (self);
  else if (g_str_equal (action_name, "image.zoom-fit"))
    drey_image_view_set_zoom (self, 0);
  else
    drey_image_view_set_zoom (self, 1);
}

/* Whether the image at this scale is larger than the canvas. */
static gboolean
can_pan (DreyImageView *self)
{
  double scale = drey_image_view_get_scale (self);

  return self->surface != NULL && self->zoom > 0 &&
         (self->width * scale > gtk_widget_get_width (GTK_WIDGET (self->canvas)) ||
          self->height * scale > gtk_widget_get_height (GTK_WIDGET (self->canvas)));
}

static gboolean
scrolled (GtkEventControllerScroll *controller,
          double                    dx,
          double                    dy,
          gpointer                  user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double scale;

  if (self->surface == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      if (dy != 0)
        zoom_about (self, dy < 0 ? 1 : -1, self->pointer_x, self->pointer_y);
      return TRUE;
    }
  /* Nothing to pan: the page scrolls instead. */
  if (!can_pan (self))
    return FALSE;
  if (state & GDK_SHIFT_MASK)
    dx = dx != 0 ? dx : dy, dy = 0;
  scale = drey_image_view_get_scale (self);
  drey_image_view_set_center (self, self->center_x + dx * SCROLL_STEP / scale,
                              self->center_y + dy * SCROLL_STEP / scale);
  return TRUE;
}

static void
drag_begin (GtkGestureDrag *gesture,
            double          x,
            double          y,
            gpointer        user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  if (self->zoom == 0)
    drey_image_view_set_zoom (self, fit_scale (self));
  self->drag_x = self->center_x;
  self->drag_y = self->center_y;
}

static void
drag_update (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             gpointer        user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);
  double scale = drey_image_view_get_scale (self);

  drey_image_view_set_center (self, self->drag_x - dx / scale, self->drag_y - dy / scale);
}

/* ---- the value under the pointer ---------------------------------------- */

/**
 * drey_image_view_probe_at:
 * @wx: a point of the canvas
 *
 * Returns: (transfer full) (nullable): what the probe says of the pixel
 *   drawn there, %NULL off the image
 */
char *
drey_image_view_probe_at (DreyImageView *self,
                          double         wx,
                          double         wy)
{
  double ix, iy;

  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), NULL);

  if (!drey_image_view_widget_to_image (self, wx, wy, &ix, &iy) || self->probe == NULL)
    return NULL;
  return self->probe ((guint) ix, (guint) iy, self->probe_data);
}

static void
update_probe (DreyImageView *self)
{
  g_autofree char *text = self->pointer_in ? drey_image_view_probe_at (self, self->pointer_x, self->pointer_y) : NULL;

  gtk_label_set_label (self->probe_label, text != NULL ? text : _("Point at the image to read its values"));
}

static void
pointer_motion (GtkEventControllerMotion *controller,
                double                    x,
                double                    y,
                gpointer                  user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_in = TRUE;
  update_probe (self);
}

static void
pointer_leave (GtkEventControllerMotion *controller,
               gpointer                  user_data)
{
  DreyImageView *self = DREY_IMAGE_VIEW (user_data);

  self->pointer_in = FALSE;
  update_probe (self);
}

/* ---- API ---------------------------------------------------------------- */

GtkWidget *
drey_image_view_new (void)
{
  return g_object_new (DREY_TYPE_IMAGE_VIEW, NULL);
}

/**
 * drey_image_view_set_image:
 * @surface: (nullable): the picture, @width x @height or smaller (a big
 *   image sampled down); %NULL shows nothing
 * @width: the image's width in its own pixels
 * @height:
 *
 * Shows @surface fitted to the view; the overlay and boxes are cleared.
 */
void
drey_image_view_set_image (DreyImageView   *self,
                           cairo_surface_t *surface,
                           guint            width,
                           guint            height)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->overlay, cairo_surface_destroy);
  drey_image_view_set_boxes (self, NULL, 0);
  if (surface != NULL)
    self->surface = cairo_surface_reference (surface);
  self->width = surface != NULL ? width : 0;
  self->height = surface != NULL ? height : 0;
  self->center_x = self->width / 2.0;
  self->center_y = self->height / 2.0;
  self->zoom = -1;
  drey_image_view_set_zoom (self, 0);
  update_probe (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

guint
drey_image_view_get_image_width (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 0);

  return self->width;
}

guint
drey_image_view_get_image_height (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 0);

  return self->height;
}

gboolean
drey_image_view_has_image (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), FALSE);

  return self->surface != NULL;
}

/**
 * drey_image_view_copy_image:
 * @source: another view
 *
 * Shows what @source shows (picture, overlay, boxes), to compare them.
 */
void
drey_image_view_copy_image (DreyImageView *self,
                            DreyImageView *source)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));
  g_return_if_fail (DREY_IS_IMAGE_VIEW (source));

  drey_image_view_set_image (self, source->surface, source->width, source->height);
  drey_image_view_set_overlay (self, source->overlay);
  self->overlay_opacity = source->overlay_opacity;
  drey_image_view_set_boxes (self, (const DreyImageBox *) (gpointer) source->boxes->data, source->boxes->len);
}

/**
 * drey_image_view_set_overlay:
 * @surface: (nullable): drawn over the image, stretched to its size
 */
void
drey_image_view_set_overlay (DreyImageView   *self,
                             cairo_surface_t *surface)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  g_clear_pointer (&self->overlay, cairo_surface_destroy);
  if (surface != NULL)
    self->overlay = cairo_surface_reference (surface);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

/**
 * drey_image_view_set_overlay_opacity:
 * @opacity: 0 (hidden) to 1 (opaque)
 */
void
drey_image_view_set_overlay_opacity (DreyImageView *self,
                                     double         opacity)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  self->overlay_opacity = CLAMP (opacity, 0, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

static void
clear_box (gpointer data)
{
  g_free (((DreyImageBox *) data)->label);
}

/**
 * drey_image_view_set_boxes:
 * @boxes: (array length=n_boxes) (nullable): boxes to draw, copied
 */
void
drey_image_view_set_boxes (DreyImageView      *self,
                           const DreyImageBox *boxes,
                           guint               n_boxes)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  g_array_set_size (self->boxes, 0);
  for (guint i = 0; i < n_boxes; i++)
    {
      DreyImageBox copy = boxes[i];

      copy.label = g_strdup (boxes[i].label);
      g_array_append_val (self->boxes, copy);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

guint
drey_image_view_get_n_boxes (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 0);

  return self->boxes->len;
}

/**
 * drey_image_view_get_box:
 *
 * Returns: (transfer none): box @index as drawn
 */
const DreyImageBox *
drey_image_view_get_box (DreyImageView *self,
                         guint          index)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), NULL);
  g_return_val_if_fail (index < self->boxes->len, NULL);

  return &g_array_index (self->boxes, DreyImageBox, index);
}

/**
 * drey_image_view_set_probe:
 * @probe: (nullable): says what a pixel holds
 */
void
drey_image_view_set_probe (DreyImageView      *self,
                           DreyImageViewProbe  probe,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (DREY_IS_IMAGE_VIEW (self));

  if (self->probe_destroy != NULL)
    self->probe_destroy (self->probe_data);
  self->probe = probe;
  self->probe_data = user_data;
  self->probe_destroy = destroy;
  update_probe (self);
}

/**
 * drey_image_view_read_pixel:
 * @x: a pixel column of the image
 * @y: a pixel row
 * @overlay: read the overlay instead of the picture
 *
 * Returns: the colour drawn for image pixel (@x, @y), 0xAARRGGBB
 *   premultiplied (cairo's ARGB32); 0 off the image
 */
guint32
drey_image_view_read_pixel (DreyImageView *self,
                            guint          x,
                            guint          y,
                            gboolean       overlay)
{
  cairo_surface_t *surface;
  int sx, sy;

  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), 0);

  surface = overlay ? self->overlay : self->surface;
  if (surface == NULL || x >= self->width || y >= self->height)
    return 0;
  /* The surface may be the image sampled down. */
  sx = (int) ((guint64) x * cairo_image_surface_get_width (surface) / self->width);
  sy = (int) ((guint64) y * cairo_image_surface_get_height (surface) / self->height);
  cairo_surface_flush (surface);
  return ((const guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                        (gsize) sy * cairo_image_surface_get_stride (surface)))[sx];
}

/**
 * drey_image_view_get_canvas:
 *
 * Returns: (transfer none): the drawing area, for tests to point at
 */
GtkWidget *
drey_image_view_get_canvas (DreyImageView *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_VIEW (self), NULL);

  return GTK_WIDGET (self->canvas);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_image_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DreyImageView *self = DREY_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_CENTER_X:
      g_value_set_double (value, self->center_x);
      break;
    case PROP_CENTER_Y:
      g_value_set_double (value, self->center_y);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_image_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DreyImageView *self = DREY_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      drey_image_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_CENTER_X:
      if (self->center_x != g_value_get_double (value))
        drey_image_view_set_center (self, g_value_get_double (value), self->center_y);
      break;
    case PROP_CENTER_Y:
      if (self->center_y != g_value_get_double (value))
        drey_image_view_set_center (self, self->center_x, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_image_view_dispose (GObject *object)
{
  DreyImageView *self = DREY_IMAGE_VIEW (object);

  drey_image_view_set_probe (self, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_IMAGE_VIEW);
  /* The template's root box is not bound: unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->overlay, cairo_surface_destroy);
  G_OBJECT_CLASS (drey_image_view_parent_class)->dispose (object);
}

static void
drey_image_view_finalize (GObject *object)
{
  DreyImageView *self = DREY_IMAGE_VIEW (object);

  g_clear_pointer (&self->boxes, g_array_unref);
  G_OBJECT_CLASS (drey_image_view_parent_class)->finalize (object);
}

static void
drey_image_view_class_init (DreyImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_image_view_dispose;
  object_class->finalize = drey_image_view_finalize;
  object_class->get_property = drey_image_view_get_property;
  object_class->set_property = drey_image_view_set_property;

  /**
   * DreyImageView:zoom:
   *
   * Screen pixels an image pixel; 0 while the image is fitted to the view.
   */
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, MAX_SCALE, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CENTER_X] =
    g_param_spec_double ("center-x", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CENTER_Y] =
    g_param_spec_double ("center-y", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "image.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "image.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "image.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "image.zoom-actual", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "image.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "image.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "image.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "image.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "image.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "image.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "image.zoom-actual", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-image-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyImageView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, DreyImageView, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, DreyImageView, canvas);
  gtk_widget_class_bind_template_child (widget_class, DreyImageView, probe_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "image-view");
}

static void
drey_image_view_init (DreyImageView *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->boxes = g_array_new (FALSE, FALSE, sizeof (DreyImageBox));
  g_array_set_clear_func (self->boxes, clear_box);
  self->overlay_opacity = 0.5;

  gtk_drawing_area_set_draw_func (self->canvas, draw_canvas, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Image"),
                                  -1);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scrolled), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (pointer_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (pointer_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (pointer_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (drag));

  update_zoom_label (self);
}
