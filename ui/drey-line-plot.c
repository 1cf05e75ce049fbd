/* drey-line-plot.c: a 1-D array as a line, zoomable, with its spectrogram
 *
 * Each pixel column draws the envelope of the samples it covers (min to
 * max, from drey_series_decimate(): exact, so a one-sample spike shows at
 * any zoom), so a million samples cost what 600 do. Zoomed in past a
 * sample a pixel, the samples are joined by lines instead. The y range is
 * the whole series' (zooming in does not rescale, so amplitudes compare).
 *
 * Ctrl+scroll and the buttons zoom (about the pointer), scroll and drag
 * pan; the spectrogram below, when there is one, follows the same time
 * window. The line under the plot gives the sample under the pointer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-line-plot"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "drey-format-private.h"
#include "drey-line-plot.h"

#define MIN_SPAN 8
#define PAD 6.0

struct _DreyLinePlot
{
  GtkWidget        parent_instance;

  /* template */
  GtkLabel        *range_label;
  GtkDrawingArea  *canvas;
  GtkDrawingArea  *spectrogram_area;
  GtkLabel        *probe_label;

  DreySeries      *series;
  double           sample_rate;    /* 0: unknown, the axis counts samples */
  guint64          start;
  guint64          end;
  double           lo;
  double           hi;

  cairo_surface_t *picture;        /* the spectrogram, a column a frame */
  guint            hop;
  guint            n_fft;

  float           *mins;           /* the envelope last drawn */
  float           *maxs;
  guint            n_columns;

  double           drag_start;
  double           pointer_x;
};

G_DEFINE_FINAL_TYPE (DreyLinePlot, drey_line_plot, GTK_TYPE_WIDGET)

/* "1.25 s" or "sample 20,000". */
static char *
format_position (DreyLinePlot *self,
                 double        sample)
{
  g_autofree char *count = _drey_format_count ((guint64) MAX (sample, 0));

  if (self->sample_rate > 0)
    return g_strdup_printf (_("%.3f s"), sample / self->sample_rate);
  return g_strdup_printf ("%s", count);
}

static void
update_range_label (DreyLinePlot *self)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *text = NULL;
  g_autofree char *total = NULL;

  if (self->series == NULL)
    {
      gtk_label_set_label (self->range_label, "");
      return;
    }
  a = format_position (self, self->start);
  b = format_position (self, self->end);
  total = _drey_format_count (drey_series_get_length (self->series));
  /* Translators: the window shown of a series: "0.500 s – 0.750 s of 48,000 samples" */
  text = g_strdup_printf (_("%s – %s of %s samples"), a, b, total);
  gtk_label_set_label (self->range_label, text);
}

/* ---- drawing ------------------------------------------------------------ */

static double
value_y (DreyLinePlot *self,
         double        v,
         int           height)
{
  if (!(self->hi > self->lo))
    return height / 2.0;
  return PAD + (self->hi - v) / (self->hi - self->lo) * (height - 2 * PAD);
}

/* @text at (@x, @y), its top there (or its bottom, for @above), over a
 * half-clear veil of the background. */
static void
draw_corner_label (GtkWidget     *widget,
                   cairo_t       *cr,
                   const char    *text,
                   double         x,
                   double         y,
                   gboolean       above,
                   const GdkRGBA *fg)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int tw, th;
  /* The veil is the opposite of the text's colour: light text, dark veil. */
  double veil = fg->red + fg->green + fg->blue > 1.5 ? 0.0 : 1.0;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &tw, &th);
  if (above)
    y -= th;
  cairo_set_source_rgba (cr, veil, veil, veil, 0.7);
  cairo_rectangle (cr, x - 2, y, tw + 4, th);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_canvas (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);
  GdkRGBA fg;
  guint64 span;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  if (self->series == NULL || width <= 0 || drey_series_get_length (self->series) == 0)
    return;
  span = self->end - self->start;

  /* The zero line, if zero is in range. */
  if (self->lo < 0 && self->hi > 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, 0, floor (value_y (self, 0, height)) + 0.5);
      cairo_line_to (cr, width, floor (value_y (self, 0, height)) + 0.5);
      cairo_stroke (cr);
    }

  /* Accent blue. */
  cairo_set_source_rgb (cr, 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0);
  if (span >= (guint64) width)
    {
      if (self->n_columns != (guint) width)
        {
          self->mins = g_renew (float, self->mins, width);
          self->maxs = g_renew (float, self->maxs, width);
          self->n_columns = (guint) width;
        }
      drey_series_decimate (self->series, self->start, self->end, self->n_columns, self->mins, self->maxs);
      cairo_set_line_width (cr, 1);
      for (guint c = 0; c < self->n_columns; c++)
        {
          double lo = self->mins[c], hi = self->maxs[c];
          double y0, y1;

          if (isnan (lo))
            continue;
          /* Each bar reaches its neighbour's, so a wave a few samples a
           * pixel stays one line rather than loose dashes. */
          if (c > 0 && !isnan (self->mins[c - 1]))
            {
              lo = MIN (lo, self->maxs[c - 1]);
              hi = MAX (hi, self->mins[c - 1]);
            }
          y0 = value_y (self, hi, height);
          y1 = value_y (self, lo, height);
          /* At least a pixel, so a flat stretch still shows. */
          if (y1 - y0 < 1)
            y0 = (y0 + y1) / 2 - 0.5, y1 = y0 + 1;
          cairo_move_to (cr, c + 0.5, y0);
          cairo_line_to (cr, c + 0.5, y1);
        }
      cairo_stroke (cr);
    }
  else
    {
      const float *v = drey_series_get_values (self->series);
      double step = (double) width / span;
      gboolean open = FALSE;

      self->n_columns = 0;
      cairo_set_line_width (cr, 1.5);
      for (guint64 i = self->start; i < self->end; i++)
        {
          double x = (i - self->start + 0.5) * step;

          if (isnan (v[i]))
            {
              open = FALSE;
              continue;
            }
          if (open)
            cairo_line_to (cr, x, value_y (self, v[i], height));
          else
            cairo_move_to (cr, x, value_y (self, v[i], height));
          open = TRUE;
        }
      cairo_stroke (cr);
      /* Dots on the samples once they are far enough apart. */
      if (step >= 6)
        for (guint64 i = self->start; i < self->end; i++)
          if (!isnan (v[i]))
            {
              cairo_arc (cr, (i - self->start + 0.5) * step, value_y (self, v[i], height), 2.5, 0, 2 * G_PI);
              cairo_fill (cr);
            }
    }

  /* The y range, at the left, on a veil so the line does not hide it. */
  {
    g_autofree char *top = _drey_format_figure (self->hi);
    g_autofree char *bottom = _drey_format_figure (self->lo);

    draw_corner_label (GTK_WIDGET (area), cr, top, 4, 2, FALSE, &fg);
    draw_corner_label (GTK_WIDGET (area), cr, bottom, 4, height - 2, TRUE, &fg);
  }
}

static void
draw_spectrogram (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);
  double px_per_sample;
  int frames, bins;

  if (self->picture == NULL || self->series == NULL || width <= 0)
    return;
  frames = cairo_image_surface_get_width (self->picture);
  bins = cairo_image_surface_get_height (self->picture);
  px_per_sample = (double) width / (self->end - self->start);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_save (cr);
  /* Frame f is centred on sample f hop + n_fft / 2. */
  cairo_translate (cr, ((double) self->n_fft / 2 - (double) self->hop / 2 - (double) self->start) * px_per_sample, 0);
  cairo_scale (cr, self->hop * px_per_sample, (double) height / bins);
  cairo_set_source_surface (cr, self->picture, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, frames, bins);
  cairo_fill (cr);
  cairo_restore (cr);

  /* The frequency axis: Nyquist at the top, 0 at the bottom (in bins,
   * without a sample rate). */
  {
    const GdkRGBA white = { 1, 1, 1, 1 };
    g_autofree char *top = self->sample_rate > 0 ? g_strdup_printf (_("%.0f Hz"), self->sample_rate / 2)
                                                 : g_strdup_printf (_("bin %d"), bins - 1);

    draw_corner_label (GTK_WIDGET (area), cr, top, 4, 2, FALSE, &white);
    draw_corner_label (GTK_WIDGET (area), cr, self->sample_rate > 0 ? _("0 Hz") : _("bin 0"), 4, height - 2, TRUE, &white);
  }
}

/* ---- zoom and pan ------------------------------------------------------- */

/**
 * drey_line_plot_set_range:
 * @start: the first sample shown
 * @end: after the last (clamped to the series, at least 8 samples)
 */
void
drey_line_plot_set_range (DreyLinePlot *self,
                          guint64       start,
                          guint64       end)
{
  guint64 n;

  g_return_if_fail (DREY_IS_LINE_PLOT (self));

  n = self->series != NULL ? drey_series_get_length (self->series) : 0;
  if (n == 0)
    {
      self->start = self->end = 0;
      return;
    }
  end = MIN (end, n);
  if (end < start + MIN_SPAN)
    {
      end = MIN (start + MIN_SPAN, n);
      start = end > MIN_SPAN ? end - MIN_SPAN : 0;
    }
  self->start = start;
  self->end = end;
  update_range_label (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.zoom-out", start > 0 || end < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.zoom-all", start > 0 || end < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.zoom-in", end - start > MIN_SPAN);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
  gtk_widget_queue_draw (GTK_WIDGET (self->spectrogram_area));
}

void
drey_line_plot_get_range (DreyLinePlot *self,
                          guint64      *start,
                          guint64      *end)
{
  g_return_if_fail (DREY_IS_LINE_PLOT (self));

  *start = self->start;
  *end = self->end;
}

/**
 * drey_line_plot_zoom:
 * @factor: above 1 zooms in
 * @at: where, as a fraction of the width (the sample there stays put)
 */
void
drey_line_plot_zoom (DreyLinePlot *self,
                     double        factor,
                     double        at)
{
  double span, pivot, start, n;

  g_return_if_fail (DREY_IS_LINE_PLOT (self));
  g_return_if_fail (factor > 0);

  if (self->series == NULL)
    return;
  n = drey_series_get_length (self->series);
  span = (double) (self->end - self->start);
  pivot = self->start + at * span;
  span = CLAMP (span / factor, MIN_SPAN, n);
  start = CLAMP (pivot - at * span, 0, n - span);
  drey_line_plot_set_range (self, (guint64) llround (start), (guint64) llround (start + span));
}

static void
pan_by (DreyLinePlot *self,
        double        samples)
{
  double n = drey_series_get_length (self->series);
  double span = (double) (self->end - self->start);
  double start = CLAMP (self->start + samples, 0, n - span);

  drey_line_plot_set_range (self, (guint64) llround (start), (guint64) llround (start + span));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyLinePlot *self = DREY_LINE_PLOT (widget);

  if (g_str_equal (action_name, "plot.zoom-in"))
    drey_line_plot_zoom (self, 2, 0.5);
  else if (g_str_equal (action_name, "plot.zoom-out"))
    drey_line_plot_zoom (self, 0.5, 0.5);
  else
    drey_line_plot_set_range (self, 0, G_MAXUINT64);
}

static gboolean
scrolled (GtkEventControllerScroll *controller,
          double                    dx,
          double                    dy,
          gpointer                  user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  int width = gtk_widget_get_width (GTK_WIDGET (self->canvas));

  if (self->series == NULL || width <= 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      if (dy != 0)
        drey_line_plot_zoom (self, dy < 0 ? 1.5 : 1 / 1.5, CLAMP (self->pointer_x / width, 0, 1));
      return TRUE;
    }
  /* Shown whole: nothing to pan, the page scrolls. */
  if (self->start == 0 && self->end == drey_series_get_length (self->series))
    return FALSE;
  pan_by (self, (dx != 0 ? dx : dy) * 0.1 * (self->end - self->start));
  return TRUE;
}

static void
drag_begin (GtkGestureDrag *gesture,
            double          x,
            double          y,
            gpointer        user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  self->drag_start = self->start;
}

static void
drag_update (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             gpointer        user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);
  int width = gtk_widget_get_width (GTK_WIDGET (self->canvas));

  if (self->series == NULL || width <= 0)
    return;
  pan_by (self, self->drag_start - self->start - dx * (double) (self->end - self->start) / width);
}

/**
 * drey_line_plot_probe_at:
 * @x: a point of the canvas
 *
 * Returns: (transfer full) (nullable): the sample drawn at @x, and its
 *   value (the range of values, where a column covers several samples)
 */
char *
drey_line_plot_probe_at (DreyLinePlot *self,
                         double        x)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->canvas));
  guint64 span, a, b;
  g_autofree char *where = NULL;
  float lo, hi;

  g_return_val_if_fail (DREY_IS_LINE_PLOT (self), NULL);

  if (self->series == NULL || width <= 0 || x < 0 || x >= width || self->end <= self->start)
    return NULL;
  span = self->end - self->start;
  a = self->start + (guint64) (x / width * span);
  b = MAX (self->start + (guint64) ((x + 1) / width * span), a + 1);
  b = MIN (b, self->end);
  drey_series_get_range (self->series, a, b, &lo, &hi);
  if (b == a + 1)
    {
      g_autofree char *value = _drey_format_figure (drey_series_get_values (self->series)[a]);
      g_autofree char *index = _drey_format_count (a);

      if (self->sample_rate > 0)
        where = g_strdup_printf (_("[%s] at %.4f s: %s"), index, a / self->sample_rate, value);
      else
        where = g_strdup_printf ("[%s]: %s", index, value);
    }
  else
    {
      g_autofree char *from = _drey_format_count (a);
      g_autofree char *to = _drey_format_count (b - 1);
      g_autofree char *min = _drey_format_figure (lo);
      g_autofree char *max = _drey_format_figure (hi);

      /* Translators: a pixel column's samples and their range: "[1,200–1,279]: -0.5 to 0.75" */
      where = g_strdup_printf (_("[%s–%s]: %s to %s"), from, to, min, max);
    }
  return g_steal_pointer (&where);
}

static void
pointer_motion (GtkEventControllerMotion *controller,
                double                    x,
                double                    y,
                gpointer                  user_data)
{
  DreyLinePlot *self = DREY_LINE_PLOT (user_data);
  g_autofree char *text = NULL;

  self->pointer_x = x;
  text = drey_line_plot_probe_at (self, x);
  gtk_label_set_label (self->probe_label, text != NULL ? text : "");
}

/* ---- API ---------------------------------------------------------------- */

GtkWidget *
drey_line_plot_new (void)
{
  return g_object_new (DREY_TYPE_LINE_PLOT, NULL);
}

/**
 * drey_line_plot_set_series:
 * @series: (nullable): what to plot, shown whole
 * @sample_rate: samples a second, for a time axis; 0 if unknown
 */
void
drey_line_plot_set_series (DreyLinePlot *self,
                           DreySeries   *series,
                           double        sample_rate)
{
  g_return_if_fail (DREY_IS_LINE_PLOT (self));

  g_clear_pointer (&self->series, drey_series_unref);
  drey_line_plot_set_spectrogram (self, NULL, NULL);
  self->sample_rate = sample_rate > 0 ? sample_rate : 0;
  self->lo = self->hi = 0;
  if (series != NULL)
    {
      self->series = drey_series_ref (series);
      drey_series_get_bounds (series, &self->lo, &self->hi);
      if (isnan (self->lo))
        self->lo = self->hi = 0;
    }
  gtk_label_set_label (self->probe_label, _("Point at the plot to read its values"));
  drey_line_plot_set_range (self, 0, G_MAXUINT64);
  update_range_label (self);
}

/**
 * drey_line_plot_get_series:
 *
 * Returns: (transfer none) (nullable): the series plotted
 */
DreySeries *
drey_line_plot_get_series (DreyLinePlot *self)
{
  g_return_val_if_fail (DREY_IS_LINE_PLOT (self), NULL);

  return self->series;
}

/**
 * drey_line_plot_set_spectrogram:
 * @spectrogram: (nullable): of the series, for its framing
 * @picture: (nullable): drey_spectrogram_render() of it, as a surface
 */
void
drey_line_plot_set_spectrogram (DreyLinePlot          *self,
                                const DreySpectrogram *spectrogram,
                                cairo_surface_t       *picture)
{
  g_return_if_fail (DREY_IS_LINE_PLOT (self));

  g_clear_pointer (&self->picture, cairo_surface_destroy);
  if (spectrogram != NULL && picture != NULL)
    {
      self->picture = cairo_surface_reference (picture);
      self->hop = spectrogram->hop;
      self->n_fft = spectrogram->n_fft;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spectrogram_area), self->picture != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->spectrogram_area));
}

gboolean
drey_line_plot_has_spectrogram (DreyLinePlot *self)
{
  g_return_val_if_fail (DREY_IS_LINE_PLOT (self), FALSE);

  return self->picture != NULL;
}

/**
 * drey_line_plot_get_envelope:
 * @mins: (out) (transfer none): each column's minimum, as last drawn
 * @maxs: (out) (transfer none): and maximum
 *
 * Returns: the columns of the envelope last drawn; 0 if the last drawing
 *   joined samples instead (zoomed in past a sample a pixel)
 */
guint
drey_line_plot_get_envelope (DreyLinePlot  *self,
                             const float  **mins,
                             const float  **maxs)
{
  g_return_val_if_fail (DREY_IS_LINE_PLOT (self), 0);

  *mins = self->mins;
  *maxs = self->maxs;
  return self->n_columns;
}

/**
 * drey_line_plot_get_canvas:
 *
 * Returns: (transfer none): the plot's drawing area
 */
GtkWidget *
drey_line_plot_get_canvas (DreyLinePlot *self)
{
  g_return_val_if_fail (DREY_IS_LINE_PLOT (self), NULL);

  return GTK_WIDGET (self->canvas);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_line_plot_dispose (GObject *object)
{
  DreyLinePlot *self = DREY_LINE_PLOT (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_LINE_PLOT);
  /* The template's root box is not bound: unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->series, drey_series_unref);
  g_clear_pointer (&self->picture, cairo_surface_destroy);
  G_OBJECT_CLASS (drey_line_plot_parent_class)->dispose (object);
}

static void
drey_line_plot_finalize (GObject *object)
{
  DreyLinePlot *self = DREY_LINE_PLOT (object);

  g_free (self->mins);
  g_free (self->maxs);
  G_OBJECT_CLASS (drey_line_plot_parent_class)->finalize (object);
}

static void
drey_line_plot_class_init (DreyLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_line_plot_dispose;
  object_class->finalize = drey_line_plot_finalize;

  gtk_widget_class_install_action (widget_class, "plot.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "plot.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "plot.zoom-all", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "plot.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "plot.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "plot.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "plot.zoom-all", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-line-plot.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyLinePlot, range_label);
  gtk_widget_class_bind_template_child (widget_class, DreyLinePlot, canvas);
  gtk_widget_class_bind_template_child (widget_class, DreyLinePlot, spectrogram_area);
  gtk_widget_class_bind_template_child (widget_class, DreyLinePlot, probe_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "line-plot");
}

static void
drey_line_plot_init (DreyLinePlot *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->canvas, draw_canvas, self, NULL);
  gtk_drawing_area_set_draw_func (self->spectrogram_area, draw_spectrogram, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Line plot"),
                                  -1);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scrolled), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (drag));
}
