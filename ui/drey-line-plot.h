/* drey-line-plot.h: a 1-D array as a line, zoomable, with its spectrogram
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-series.h"
#include "drey-spectrogram.h"

G_BEGIN_DECLS

#define DREY_TYPE_LINE_PLOT (drey_line_plot_get_type ())

G_DECLARE_FINAL_TYPE (DreyLinePlot, drey_line_plot, DREY, LINE_PLOT, GtkWidget)

GtkWidget  *drey_line_plot_new             (void);
void        drey_line_plot_set_series      (DreyLinePlot          *self,
                                            DreySeries            *series,
                                            double                 sample_rate);
DreySeries *drey_line_plot_get_series      (DreyLinePlot          *self);
void        drey_line_plot_set_spectrogram (DreyLinePlot          *self,
                                            const DreySpectrogram *spectrogram,
                                            cairo_surface_t       *picture);
gboolean    drey_line_plot_has_spectrogram (DreyLinePlot          *self);
void        drey_line_plot_set_range       (DreyLinePlot          *self,
                                            guint64                start,
                                            guint64                end);
void        drey_line_plot_get_range       (DreyLinePlot          *self,
                                            guint64               *start,
                                            guint64               *end);
void        drey_line_plot_zoom            (DreyLinePlot          *self,
                                            double                 factor,
                                            double                 at);
guint       drey_line_plot_get_envelope    (DreyLinePlot          *self,
                                            const float          **mins,
                                            const float          **maxs);
GtkWidget  *drey_line_plot_get_canvas      (DreyLinePlot          *self);
char       *drey_line_plot_probe_at        (DreyLinePlot          *self,
                                            double                 x);

G_END_DECLS
