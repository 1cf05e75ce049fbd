/* drey-image-view.h: a picture to look at closely: zoom, pan, overlays,
 * the value under the pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DREY_TYPE_IMAGE_VIEW (drey_image_view_get_type ())

G_DECLARE_FINAL_TYPE (DreyImageView, drey_image_view, DREY, IMAGE_VIEW, GtkWidget)

/**
 * DreyImageViewProbe:
 * @x: a pixel column of the image
 * @y: a pixel row
 * @user_data:
 *
 * Returns: (transfer full): what the pixel holds, in a line
 */
typedef char *(*DreyImageViewProbe) (guint    x,
                                     guint    y,
                                     gpointer user_data);

/**
 * DreyImageBox:
 * @x0: left, in image pixels
 * @y0: top
 * @x1: right
 * @y1: bottom
 * @rgb: its colour, 0xRRGGBB
 * @label: (nullable): drawn at its top left corner
 */
typedef struct
{
  double  x0, y0, x1, y1;
  guint32 rgb;
  char   *label;
} DreyImageBox;

GtkWidget       *drey_image_view_new             (void);
void             drey_image_view_set_image       (DreyImageView      *self,
                                                  cairo_surface_t    *surface,
                                                  guint               width,
                                                  guint               height);
guint            drey_image_view_get_image_width (DreyImageView      *self);
guint            drey_image_view_get_image_height (DreyImageView     *self);
gboolean         drey_image_view_has_image       (DreyImageView      *self);
void             drey_image_view_copy_image      (DreyImageView      *self,
                                                  DreyImageView      *source);
void             drey_image_view_set_overlay     (DreyImageView      *self,
                                                  cairo_surface_t    *surface);
void             drey_image_view_set_overlay_opacity (DreyImageView  *self,
                                                  double              opacity);
void             drey_image_view_set_boxes       (DreyImageView      *self,
                                                  const DreyImageBox *boxes,
                                                  guint               n_boxes);
guint            drey_image_view_get_n_boxes     (DreyImageView      *self);
const DreyImageBox *drey_image_view_get_box      (DreyImageView      *self,
                                                  guint               index);
void             drey_image_view_set_probe       (DreyImageView      *self,
                                                  DreyImageViewProbe  probe,
                                                  gpointer            user_data,
                                                  GDestroyNotify      destroy);
void             drey_image_view_set_zoom        (DreyImageView      *self,
                                                  double              zoom);
double           drey_image_view_get_zoom        (DreyImageView      *self);
double           drey_image_view_get_scale       (DreyImageView      *self);
void             drey_image_view_zoom_in         (DreyImageView      *self);
void             drey_image_view_zoom_out        (DreyImageView      *self);
void             drey_image_view_set_center      (DreyImageView      *self,
                                                  double              x,
                                                  double              y);
gboolean         drey_image_view_widget_to_image (DreyImageView      *self,
                                                  double              wx,
                                                  double              wy,
                                                  double             *ix,
                                                  double             *iy);
void             drey_image_view_image_to_widget (DreyImageView      *self,
                                                  double              ix,
                                                  double              iy,
                                                  double             *wx,
                                                  double             *wy);
char            *drey_image_view_probe_at        (DreyImageView      *self,
                                                  double              wx,
                                                  double              wy);
guint32          drey_image_view_read_pixel      (DreyImageView      *self,
                                                  guint               x,
                                                  guint               y,
                                                  gboolean            overlay);
GtkWidget       *drey_image_view_get_canvas      (DreyImageView      *self);

cairo_surface_t *drey_image_surface_new          (const guint8       *pixels,
                                                  guint               width,
                                                  guint               height,
                                                  guint               channels,
                                                  gboolean            straight_alpha);

G_END_DECLS
