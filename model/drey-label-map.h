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

/* A sparse map (few distinct IDs of any size) needs this many pixels a
 * value, on average, to be guessed a mask. */
#define DREY_LABEL_MAP_SPARSE_PIXELS_PER_CLASS 128

/**
 * DreyLabelReading:
 * @DREY_LABEL_MAP_DENSE: small, dense labels (-1 to 255): surely a mask
 * @DREY_LABEL_MAP_SPARSE: few distinct values of any size for the map's
 *   size (instance IDs such as 1000, 2003): a guess, which the user may undo
 * @DREY_LABEL_MAP_ASKED: the user said it is a mask
 *
 * Why drey_label_map_count() took the array for a mask.
 */
typedef enum
{
  DREY_LABEL_MAP_DENSE,
  DREY_LABEL_MAP_SPARSE,
  DREY_LABEL_MAP_ASKED,
} DreyLabelReading;

/**
 * DreyLabelClass:
 * @value: the label
 * @count: how many pixels hold it
 * @color: the key of its colour (drey_palette_class_color()): the label
 *   itself when labels are small and dense, so a class keeps its colour
 *   from sample to sample; else its rank (1, 2, ...), so that IDs such as
 *   20 and 40 do not share one
 */
typedef struct
{
  gint64  value;
  guint64 count;
  gint64  color;
} DreyLabelClass;

gboolean  drey_label_map_get_size  (SqNdarray     *array,
                                    guint         *width,
                                    guint         *height);
GArray   *drey_label_map_count     (SqNdarray        *array,
                                    guint             max_classes,
                                    gboolean          any,
                                    DreyLabelReading *reading,
                                    GCancellable     *cancellable,
                                    GError          **error);
guint8   *drey_label_map_colorize  (SqNdarray        *array,
                                    GArray           *classes,
                                    gboolean          clear_background);

G_END_DECLS
