/* drey-store-gallery.h: thumbnails of one image field across the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-store-document.h"
#include "drey-thumbnail.h"

G_BEGIN_DECLS

#define DREY_TYPE_STORE_GALLERY (drey_store_gallery_get_type ())

G_DECLARE_FINAL_TYPE (DreyStoreGallery, drey_store_gallery, DREY, STORE_GALLERY, GtkWidget)

GtkWidget  *drey_store_gallery_new                (void);
void        drey_store_gallery_set_document       (DreyStoreGallery  *self,
                                                   DreyStoreDocument *document);
const char *drey_store_gallery_get_field          (DreyStoreGallery  *self);
void        drey_store_gallery_set_field          (DreyStoreGallery  *self,
                                                   const char        *path);
const char *drey_store_gallery_get_caption_field  (DreyStoreGallery  *self);
void        drey_store_gallery_set_caption_field  (DreyStoreGallery  *self,
                                                   const char        *path);
guint       drey_store_gallery_get_thumbnail_size (DreyStoreGallery  *self);
void        drey_store_gallery_set_thumbnail_size (DreyStoreGallery  *self,
                                                   guint              size);
void        drey_store_gallery_set_shard          (DreyStoreGallery  *self,
                                                   const char        *key);
const char *drey_store_gallery_get_shard          (DreyStoreGallery  *self);
GListModel *drey_store_gallery_get_model          (DreyStoreGallery  *self);
guint       drey_store_gallery_get_n_thumbnails   (DreyStoreGallery  *self);
GtkGridView *drey_store_gallery_get_grid_view     (DreyStoreGallery  *self);
void        drey_store_gallery_count_shown        (DreyStoreGallery  *self,
                                                   guint             *n_bound,
                                                   guint             *n_ready);
DreyThumbnail *drey_store_gallery_lookup_thumbnail (DreyStoreGallery  *self,
                                                   const char        *key,
                                                   guint              index);
char       *drey_store_gallery_dup_caption        (DreyStoreGallery  *self,
                                                   const char        *key,
                                                   guint              index);
void        drey_store_gallery_activate           (DreyStoreGallery  *self,
                                                   guint              position);

G_END_DECLS
