/* drey-histogram.h: the bins of an array's summary, as bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_HISTOGRAM (drey_histogram_get_type ())

G_DECLARE_FINAL_TYPE (DreyHistogram, drey_histogram, DREY, HISTOGRAM, GtkWidget)

GtkWidget *drey_histogram_new           (void);
void       drey_histogram_set_bins      (DreyHistogram   *self,
                                         const guint64   *bins,
                                         guint            n_bins,
                                         double           lower,
                                         double           upper);
void       drey_histogram_set_summary   (DreyHistogram   *self,
                                         const SqSummary *summary);
guint      drey_histogram_get_n_bins    (DreyHistogram   *self);
guint64    drey_histogram_get_max_count (DreyHistogram   *self);

G_END_DECLS
