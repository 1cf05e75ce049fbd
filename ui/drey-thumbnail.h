/* drey-thumbnail.h: a gallery thumbnail, pixels ready for cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DREY_TYPE_THUMBNAIL (drey_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (DreyThumbnail, drey_thumbnail, DREY, THUMBNAIL, GObject)

DreyThumbnail *drey_thumbnail_new        (const guint8 *pixels,
                                          guint         width,
                                          guint         height,
                                          guint         channels);
guint          drey_thumbnail_get_width  (DreyThumbnail *self);
guint          drey_thumbnail_get_height (DreyThumbnail *self);
gsize          drey_thumbnail_get_bytes  (DreyThumbnail *self);
guint32        drey_thumbnail_get_pixel  (DreyThumbnail *self,
                                          guint          x,
                                          guint          y);

G_END_DECLS
