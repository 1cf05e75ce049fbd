/* drey-image-preview.h: an image-shaped array, as a picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_IMAGE_PREVIEW (drey_image_preview_get_type ())

G_DECLARE_FINAL_TYPE (DreyImagePreview, drey_image_preview, DREY, IMAGE_PREVIEW, GtkWidget)

GtkWidget  *drey_image_preview_new               (void);
void        drey_image_preview_set_texture       (DreyImagePreview *self,
                                                  GdkTexture       *texture);
GdkTexture *drey_image_preview_get_texture       (DreyImagePreview *self);

GdkTexture *drey_image_preview_texture_for_array (SqNdarray        *array,
                                                  guint             max_side,
                                                  GCancellable     *cancellable,
                                                  GError          **error);
GdkTexture *drey_image_preview_thumbnail_for_array (SqNdarray      *array,
                                                    guint           side,
                                                    GCancellable   *cancellable,
                                                    GError        **error);

G_END_DECLS
