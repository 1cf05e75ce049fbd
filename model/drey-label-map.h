/* drey-label-map.h: integer arrays that are segmentation masks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/* More distinct values than this is a picture, not a mask. */
#define DREY_LABEL_MAP_MAX_CLASSES 64

/**
 * DreyLabelClass:
 * @value: the label
 * @count: how many pixels hold it
 */
typedef struct
{
  gint64  value;
  guint64 count;
} DreyLabelClass;

gboolean  drey_label_map_get_size  (SqNdarray     *array,
                                    guint         *width,
                                    guint         *height);
GArray   *drey_label_map_count     (SqNdarray     *array,
                                    guint          max_classes,
                                    gboolean       any,
                                    GCancellable  *cancellable,
                                    GError       **error);
guint8   *drey_label_map_colorize  (SqNdarray     *array,
                                    gboolean       clear_background);

G_END_DECLS
