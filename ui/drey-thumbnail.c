/* drey-thumbnail.c: a gallery thumbnail, pixels ready for cairo
 *
 * A GdkPaintable over a cairo image surface in cairo's own format
 * (premultiplied ARGB32), made on a worker. GTK 4.8's cairo renderer
 * draws a GdkTexture by converting it into a new cairo surface on every
 * frame, for every thumbnail the grid has bound (some 250, most of them
 * off screen): this one hands cairo its surface as it is, so a frame
 * costs the pixels on screen and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-thumbnail"

#include "config.h"

#include "drey-thumbnail.h"

struct _DreyThumbnail
{
  GObject          parent_instance;
  cairo_surface_t *surface;
  guint            width;
  guint            height;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DreyThumbnail, drey_thumbnail, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

static void
drey_thumbnail_snapshot (GdkPaintable *paintable,
                         GdkSnapshot  *snapshot,
                         double        width,
                         double        height)
{
  DreyThumbnail *self = DREY_THUMBNAIL (paintable);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height);
  cairo_t *cr;
  cairo_pattern_t *pattern;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &bounds);
  cairo_scale (cr, width / self->width, height / self->height);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  pattern = cairo_get_source (cr);
  /* Pixels stay pixels when enlarged, as in the array panel. */
  cairo_pattern_set_filter (pattern, width >= self->width ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static int
drey_thumbnail_get_intrinsic_width (GdkPaintable *paintable)
{
  return (int) DREY_THUMBNAIL (paintable)->width;
}

static int
drey_thumbnail_get_intrinsic_height (GdkPaintable *paintable)
{
  return (int) DREY_THUMBNAIL (paintable)->height;
}

static GdkPaintableFlags
drey_thumbnail_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = drey_thumbnail_snapshot;
  iface->get_intrinsic_width = drey_thumbnail_get_intrinsic_width;
  iface->get_intrinsic_height = drey_thumbnail_get_intrinsic_height;
  iface->get_flags = drey_thumbnail_get_flags;
}

static void
drey_thumbnail_finalize (GObject *object)
{
  DreyThumbnail *self = DREY_THUMBNAIL (object);

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  G_OBJECT_CLASS (drey_thumbnail_parent_class)->finalize (object);
}

static void
drey_thumbnail_class_init (DreyThumbnailClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = drey_thumbnail_finalize;
}

static void
drey_thumbnail_init (DreyThumbnail *self)
{
}

/**
 * drey_thumbnail_new:
 * @pixels: @width x @height pixels, rows first, @channels bytes each:
 *   3 (RGB) or 4 (RGBA, not premultiplied)
 *
 * Safe on any thread.
 *
 * Returns: (transfer full): the thumbnail
 */
DreyThumbnail *
drey_thumbnail_new (const guint8 *pixels,
                    guint         width,
                    guint         height,
                    guint         channels)
{
  DreyThumbnail *self;
  guint8 *data;
  int stride;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 3 || channels == 4, NULL);

  self = g_object_new (DREY_TYPE_THUMBNAIL, NULL);
  self->width = width;
  self->height = height;
  self->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) width, (int) height);
  data = cairo_image_surface_get_data (self->surface);
  stride = cairo_image_surface_get_stride (self->surface);
  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * width * channels;
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) y * (gsize) stride);

      for (guint x = 0; x < width; x++, src += channels)
        {
          guint a = channels == 4 ? src[3] : 255;

          /* ARGB32 is premultiplied, in native byte order. */
          row[x] = (guint32) a << 24 | (guint32) ((src[0] * a + 127) / 255) << 16 |
                   (guint32) ((src[1] * a + 127) / 255) << 8 | (guint32) ((src[2] * a + 127) / 255);
        }
    }
  cairo_surface_mark_dirty (self->surface);
  return self;
}

guint
drey_thumbnail_get_width (DreyThumbnail *self)
{
  g_return_val_if_fail (DREY_IS_THUMBNAIL (self), 0);
  return self->width;
}

guint
drey_thumbnail_get_height (DreyThumbnail *self)
{
  g_return_val_if_fail (DREY_IS_THUMBNAIL (self), 0);
  return self->height;
}

/* What its pixels take. */
gsize
drey_thumbnail_get_bytes (DreyThumbnail *self)
{
  g_return_val_if_fail (DREY_IS_THUMBNAIL (self), 0);
  return (gsize) cairo_image_surface_get_stride (self->surface) * self->height;
}

/**
 * drey_thumbnail_get_pixel:
 *
 * For tests: the pixel at @x, @y as premultiplied 0xAARRGGBB.
 */
guint32
drey_thumbnail_get_pixel (DreyThumbnail *self,
                          guint          x,
                          guint          y)
{
  const guint8 *data;

  g_return_val_if_fail (DREY_IS_THUMBNAIL (self), 0);
  g_return_val_if_fail (x < self->width && y < self->height, 0);

  data = cairo_image_surface_get_data (self->surface);
  return ((const guint32 *) (gconstpointer) (data + (gsize) y * (gsize) cairo_image_surface_get_stride (self->surface)))[x];
}
