/* drey-image-preview.c: an image-shaped array, as a picture
 *
 * drey_image_preview_texture_for_array() turns an array that reads as an
 * image (model/drey-image.c says which do, and maps their pixels) into an
 * 8-bit RGB(A) texture, on a worker.
 *
 * GTK 4.8 can only draw a texture with linear filtering, which would blur an
 * 8x8 digit into a smudge; so small images are enlarged in the texture
 * itself, nearest-neighbour by an integer factor, and the widget draws the
 * texture at its own size (or smaller), never larger.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-image-preview"

#include "config.h"

#include <math.h>
#include <string.h>

#include "drey-image.h"
#include "drey-image-preview.h"

/* Images with a longer side than this are sampled down (nearest) first. */
#define MAX_TEXTURE_SIDE 2048
/* The widget's largest height; wider images fit the width they are given. */
#define MAX_DISPLAY_HEIGHT 320
#define CORNER_RADIUS 6

struct _DreyImagePreview
{
  GtkWidget   parent_instance;

  GdkTexture *texture;
};

G_DEFINE_FINAL_TYPE (DreyImagePreview, drey_image_preview, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TEXTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- arrays to textures ------------------------------------------------- */

/**
 * drey_image_preview_texture_for_array:
 * @array: an array that reads as an image (drey_image_get_shape())
 * @max_side: enlarge small images, nearest-neighbour by a whole factor, so
 *   that their longer side comes close to this (0: never enlarge)
 * @cancellable: (nullable): checked every row
 * @error: a #G_IO_ERROR_INVALID_ARGUMENT error if @array does not read as
 *   an image, or #G_IO_ERROR_CANCELLED
 *
 * Turns @array into an 8-bit RGB (or RGBA) texture, with the pixels PNG
 * export writes (drey_image_map_pixels()). Safe to call from any thread.
 *
 * Returns: (transfer full): the texture, or %NULL
 */
static GdkTexture *texture_for_array (SqNdarray     *array,
                                      guint          max_side,
                                      guint          limit,
                                      GCancellable  *cancellable,
                                      GError       **error);

GdkTexture *
drey_image_preview_texture_for_array (SqNdarray     *array,
                                      guint          max_side,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  return texture_for_array (array, max_side, MAX_TEXTURE_SIDE, cancellable, error);
}

/**
 * drey_image_preview_thumbnail_for_array:
 * @array: an array that reads as an image (drey_image_get_shape())
 * @side: the thumbnail's longer side, at most: larger images are sampled
 *   every few pixels, smaller ones enlarged as
 *   drey_image_preview_texture_for_array() does
 *
 * The same pixels, small: for a gallery of many. Safe to call from any
 * thread.
 *
 * Returns: (transfer full): the texture, or %NULL with @error set
 */
GdkTexture *
drey_image_preview_thumbnail_for_array (SqNdarray     *array,
                                        guint          side,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  g_return_val_if_fail (side > 0, NULL);
  return texture_for_array (array, side, side, cancellable, error);
}

/* @limit: the longest side the texture may have; larger images are
 * sampled every few pixels. */
static GdkTexture *
texture_for_array (SqNdarray     *array,
                   guint          max_side,
                   guint          limit,
                   GCancellable  *cancellable,
                   GError       **error)
{
  DreyImageShape shape;
  g_autofree guint8 *mapped = NULL;
  guint longer, step = 1, zoom = 1, sw, sh, tw, th, bpp;
  gsize stride;
  guint8 *pixels;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!drey_image_get_shape (array, &shape))
    {
      g_autofree char *dims = sq_ndarray_format_shape (array);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a %s array of shape %s does not read as an image",
                   sq_dtype_get_name (sq_ndarray_get_dtype (array)), dims);
      return NULL;
    }

  longer = MAX (shape.width, shape.height);
  if (longer > limit)
    step = (longer + limit - 1) / limit;
  else if (max_side > 0 && longer < max_side)
    zoom = max_side / longer;
  mapped = drey_image_map_pixels (array, &shape, step, cancellable, error);
  if (mapped == NULL)
    return NULL;

  /* Grey spread to RGB, each pixel enlarged to zoom x zoom. */
  sw = (shape.width + step - 1) / step;
  sh = (shape.height + step - 1) / step;
  tw = sw * zoom;
  th = sh * zoom;
  bpp = shape.channels == 4 ? 4 : 3;
  stride = (gsize) tw * bpp;
  pixels = g_malloc (stride * th);
  for (guint sy = 0; sy < sh; sy++)
    {
      guint8 *row = pixels + (gsize) sy * zoom * stride;

      for (guint sx = 0; sx < sw; sx++)
        {
          const guint8 *src = mapped + ((gsize) sy * sw + sx) * shape.channels;
          guint8 px[4] = { src[0], src[0], src[0], 255 };

          if (shape.channels >= 3)
            memcpy (px, src, shape.channels);
          for (guint z = 0; z < zoom; z++)
            memcpy (row + ((gsize) sx * zoom + z) * bpp, px, bpp);
        }
      for (guint z = 1; z < zoom; z++)
        memcpy (row + z * stride, row, stride);
    }

  bytes = g_bytes_new_take (pixels, stride * th);
  return gdk_memory_texture_new ((int) tw, (int) th,
                                 shape.channels == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 bytes, stride);
}

/* ---- the widget --------------------------------------------------------- */

GtkWidget *
drey_image_preview_new (void)
{
  return g_object_new (DREY_TYPE_IMAGE_PREVIEW, NULL);
}

/**
 * drey_image_preview_set_texture:
 * @texture: (nullable): what to show, drawn at its own size or smaller
 */
void
drey_image_preview_set_texture (DreyImagePreview *self,
                                GdkTexture       *texture)
{
  g_return_if_fail (DREY_IS_IMAGE_PREVIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (!g_set_object (&self->texture, texture))
    return;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

/**
 * drey_image_preview_get_texture:
 *
 * Returns: (transfer none) (nullable): the texture shown
 */
GdkTexture *
drey_image_preview_get_texture (DreyImagePreview *self)
{
  g_return_val_if_fail (DREY_IS_IMAGE_PREVIEW (self), NULL);

  return self->texture;
}

/* The size the texture is drawn at within @for_width (-1: any). */
static void
display_size (DreyImagePreview *self,
              int               for_width,
              double           *width,
              double           *height)
{
  double tw, th, scale;

  if (self->texture == NULL)
    {
      *width = *height = 0;
      return;
    }
  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  scale = MIN (1.0, MAX_DISPLAY_HEIGHT / th);
  if (for_width >= 0)
    scale = MIN (scale, for_width / tw);
  *width = tw * scale;
  *height = th * scale;
}

static GtkSizeRequestMode
drey_image_preview_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
drey_image_preview_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  DreyImagePreview *self = DREY_IMAGE_PREVIEW (widget);
  double width, height;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      display_size (self, -1, &width, &height);
      *natural = (int) ceil (width);
      *minimum = MIN (*natural, 32);
    }
  else
    {
      display_size (self, for_size, &width, &height);
      *minimum = *natural = (int) ceil (height);
    }
}

static void
drey_image_preview_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DreyImagePreview *self = DREY_IMAGE_PREVIEW (widget);
  int alloc_width = gtk_widget_get_width (widget);
  int alloc_height = gtk_widget_get_height (widget);
  double tw, th, scale, w, h;
  GskRoundedRect outline;
  graphene_rect_t bounds;
  GdkRGBA border;
  GtkStyleContext *context;

  if (self->texture == NULL || alloc_width <= 0 || alloc_height <= 0)
    return;

  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  scale = MIN (1.0, MIN (alloc_width / tw, alloc_height / th));
  w = tw * scale;
  h = th * scale;
  /* On whole pixels, so an enlarged image stays crisp at scale 1. */
  graphene_rect_init (&bounds, floor ((alloc_width - w) / 2), floor ((alloc_height - h) / 2), w, h);
  gsk_rounded_rect_init_from_rect (&outline, &bounds, CORNER_RADIUS);

  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_texture (snapshot, self->texture, &bounds);
  gtk_snapshot_pop (snapshot);

  /* A hairline, so a black image still shows its edge on a dark window. */
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &border);
  border.alpha *= 0.15f;
  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { border, border, border, border });
}

static void
drey_image_preview_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DreyImagePreview *self = DREY_IMAGE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_image_preview_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DreyImagePreview *self = DREY_IMAGE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      drey_image_preview_set_texture (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_image_preview_dispose (GObject *object)
{
  DreyImagePreview *self = DREY_IMAGE_PREVIEW (object);

  g_clear_object (&self->texture);
  G_OBJECT_CLASS (drey_image_preview_parent_class)->dispose (object);
}

static void
drey_image_preview_class_init (DreyImagePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_image_preview_dispose;
  object_class->get_property = drey_image_preview_get_property;
  object_class->set_property = drey_image_preview_set_property;

  widget_class->get_request_mode = drey_image_preview_get_request_mode;
  widget_class->measure = drey_image_preview_measure;
  widget_class->snapshot = drey_image_preview_snapshot;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL,
                         GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "image-preview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
drey_image_preview_init (DreyImagePreview *self)
{
}
