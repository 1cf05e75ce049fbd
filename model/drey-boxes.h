/* drey-boxes.h: Nx4 arrays that are bounding boxes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq.h"

G_BEGIN_DECLS

/**
 * DreyBoxFormat:
 * @DREY_BOX_XYXY: left, top, right, bottom (Pascal VOC, torchvision)
 * @DREY_BOX_XYWH: left, top, width, height (COCO)
 * @DREY_BOX_CXCYWH: centre x, centre y, width, height (YOLO)
 */
typedef enum
{
  DREY_BOX_XYXY,
  DREY_BOX_XYWH,
  DREY_BOX_CXCYWH,
} DreyBoxFormat;

#define DREY_BOX_N_FORMATS 3

/**
 * DreyBoxGuess:
 * @format: the format the boxes read in (the first that fits, if several)
 * @normalized: whether the coordinates are fractions of the image's sides
 * @fits: for each #DreyBoxFormat, whether every box reads in it
 * @n_fits: how many formats fit: 1 is certain, more is ambiguous, 0 none
 * @units_certain: whether the values tell normalized from pixels
 */
typedef struct
{
  DreyBoxFormat format;
  gboolean      normalized;
  gboolean      fits[DREY_BOX_N_FORMATS];
  guint         n_fits;
  gboolean      units_certain;
} DreyBoxGuess;

const char *drey_box_format_get_name (DreyBoxFormat       format);
gboolean    drey_boxes_get_count     (SqNdarray          *array,
                                      guint              *n_boxes);
void        drey_boxes_guess         (SqNdarray          *array,
                                      guint               image_width,
                                      guint               image_height,
                                      DreyBoxGuess       *guess);
double     *drey_boxes_to_pixels     (SqNdarray          *array,
                                      DreyBoxFormat       format,
                                      gboolean            normalized,
                                      guint               image_width,
                                      guint               image_height);

G_END_DECLS
