/* drey-normalize.h: float images normalized with a mean and std, undone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-image.h"
#include "sq.h"

G_BEGIN_DECLS

/**
 * DreyNormalization:
 * @channels: how many of @mean and @std are used (1, 3 or 4)
 * @mean: per channel
 * @std: per channel
 *
 * The transform `x = (pixel - mean) / std` that made a tensor, per channel.
 */
typedef struct
{
  guint  channels;
  double mean[4];
  double std[4];
} DreyNormalization;

/**
 * DreyChannelStats:
 * @min: of the finite values
 * @max:
 * @mean:
 * @std: the population standard deviation (numpy's default)
 * @n_finite: how many values are finite
 */
typedef struct
{
  double  min;
  double  max;
  double  mean;
  double  std;
  guint64 n_finite;
} DreyChannelStats;

void              drey_normalization_init_imagenet (DreyNormalization     *norm,
                                                    guint                  channels);
gboolean          drey_normalization_parse_values  (SqValue               *value,
                                                    guint                  channels,
                                                    double                 out[4]);
gboolean          drey_normalization_parse_text    (const char            *text,
                                                    guint                  channels,
                                                    double                 out[4]);
guint8           *drey_normalization_map_pixels    (SqNdarray             *array,
                                                    const DreyImageShape  *shape,
                                                    const DreyNormalization *norm,
                                                    GCancellable          *cancellable,
                                                    GError               **error);
DreyChannelStats *drey_image_channel_stats         (SqNdarray             *array,
                                                    const DreyImageShape  *shape,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

G_END_DECLS
