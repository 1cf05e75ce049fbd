/* drey-histogram.c: the bins of an array's summary, as bars
 *
 * The bars are the library's own bins (sq_summary_new(): 64 equal bins over
 * the finite range), drawn on a linear scale in the accent colour, with the
 * range's ends under the axis. A bin that holds anything is at least a
 * pixel tall, so a lone outlier still shows. Hovering a bar tells its range
 * and count; a screen reader gets the shape of it in one sentence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-histogram"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-format-private.h"
#include "drey-histogram.h"

#define BARS_HEIGHT 88
#define LABEL_SPACING 6
#define MIN_BAR_WIDTH 1
#define NATURAL_BAR_WIDTH 5

struct _DreyHistogram
{
  GtkWidget  parent_instance;

  GtkWidget *lower_label;
  GtkWidget *upper_label;

  guint64   *bins;
  guint      n_bins;
  guint64    max_count;
  double     lower;
  double     upper;
};

G_DEFINE_FINAL_TYPE (DreyHistogram, drey_histogram, GTK_TYPE_WIDGET)

GtkWidget *
drey_histogram_new (void)
{
  return g_object_new (DREY_TYPE_HISTOGRAM, NULL);
}

static void
update_accessible (DreyHistogram *self)
{
  g_autofree char *lower = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *fullest = NULL;
  g_autofree char *description = NULL;

  if (self->n_bins == 0)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }

  lower = _drey_format_figure (self->lower);
  upper = _drey_format_figure (self->upper);
  fullest = _drey_format_count (self->max_count);
  /* Translators: "Histogram of 64 bins from 0 to 255; the fullest bin holds 3,189 values" */
  description = g_strdup_printf (ngettext ("Histogram of %u bins from %s to %s; the fullest bin holds %s value",
                                           "Histogram of %u bins from %s to %s; the fullest bin holds %s values",
                                           self->max_count == 1 ? 1 : 2),
                                 self->n_bins, lower, upper, fullest);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/**
 * drey_histogram_set_bins:
 * @bins: (array length=n_bins) (nullable): counts per bin
 * @n_bins: how many; 0 shows nothing
 * @lower: the lower edge of the first bin
 * @upper: the upper edge of the last bin
 */
void
drey_histogram_set_bins (DreyHistogram *self,
                         const guint64 *bins,
                         guint          n_bins,
                         double         lower,
                         double         upper)
{
  g_autofree char *lower_text = NULL;
  g_autofree char *upper_text = NULL;

  g_return_if_fail (DREY_IS_HISTOGRAM (self));
  g_return_if_fail (bins != NULL || n_bins == 0);

  g_clear_pointer (&self->bins, g_free);
  self->n_bins = n_bins;
  self->max_count = 0;
  self->lower = lower;
  self->upper = upper;
  if (n_bins > 0)
    {
      self->bins = g_memdup2 (bins, n_bins * sizeof (guint64));
      for (guint i = 0; i < n_bins; i++)
        self->max_count = MAX (self->max_count, bins[i]);
    }

  lower_text = _drey_format_figure (lower);
  upper_text = _drey_format_figure (upper);
  gtk_label_set_label (GTK_LABEL (self->lower_label), lower_text);
  gtk_label_set_label (GTK_LABEL (self->upper_label), upper_text);
  gtk_widget_set_visible (self->lower_label, n_bins > 0);
  gtk_widget_set_visible (self->upper_label, n_bins > 0);

  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * drey_histogram_set_summary:
 * @summary: (nullable): shows its bins; nothing if it has no finite values
 */
void
drey_histogram_set_summary (DreyHistogram   *self,
                            const SqSummary *summary)
{
  g_return_if_fail (DREY_IS_HISTOGRAM (self));

  if (summary == NULL || summary->n_finite == 0)
    drey_histogram_set_bins (self, NULL, 0, 0, 0);
  else
    drey_histogram_set_bins (self, summary->hist, SQ_SUMMARY_N_BINS, summary->hist_min, summary->hist_max);
}

guint
drey_histogram_get_n_bins (DreyHistogram *self)
{
  g_return_val_if_fail (DREY_IS_HISTOGRAM (self), 0);

  return self->n_bins;
}

/**
 * drey_histogram_get_max_count:
 *
 * Returns: what the fullest bin holds: the height of the tallest bar
 */
guint64
drey_histogram_get_max_count (DreyHistogram *self)
{
  g_return_val_if_fail (DREY_IS_HISTOGRAM (self), 0);

  return self->max_count;
}

/* The horizontal extent of bin @i in a widget @width wide. */
static void
bin_extent (DreyHistogram *self,
            int            width,
            guint          i,
            double        *x0,
            double        *x1)
{
  *x0 = round ((double) i * width / self->n_bins);
  *x1 = round ((double) (i + 1) * width / self->n_bins);
}

static void
drey_histogram_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  DreyHistogram *self = DREY_HISTOGRAM (widget);
  int lower_min, lower_nat, upper_min, upper_nat;
  guint n_bins = MAX (self->n_bins, 1);

  gtk_widget_measure (self->lower_label, orientation, -1, &lower_min, &lower_nat, NULL, NULL);
  gtk_widget_measure (self->upper_label, orientation, -1, &upper_min, &upper_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX ((int) n_bins * MIN_BAR_WIDTH, lower_min + upper_min + LABEL_SPACING);
      *natural = MAX ((int) n_bins * NATURAL_BAR_WIDTH, lower_nat + upper_nat + LABEL_SPACING);
    }
  else
    {
      *minimum = BARS_HEIGHT + LABEL_SPACING + MAX (lower_min, upper_min);
      *natural = BARS_HEIGHT + LABEL_SPACING + MAX (lower_nat, upper_nat);
    }
}

static void
drey_histogram_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  DreyHistogram *self = DREY_HISTOGRAM (widget);
  int lower_width, upper_width, label_height, ignored;

  gtk_widget_measure (self->lower_label, GTK_ORIENTATION_HORIZONTAL, -1, &ignored, &lower_width, NULL, NULL);
  gtk_widget_measure (self->upper_label, GTK_ORIENTATION_HORIZONTAL, -1, &ignored, &upper_width, NULL, NULL);
  if (lower_width + upper_width + LABEL_SPACING > width)
    lower_width = upper_width = (width - LABEL_SPACING) / 2;
  label_height = height - BARS_HEIGHT - LABEL_SPACING;

  gtk_widget_size_allocate (self->lower_label,
                            &(GtkAllocation) { 0, BARS_HEIGHT + LABEL_SPACING, lower_width, label_height },
                            -1);
  gtk_widget_size_allocate (self->upper_label,
                            &(GtkAllocation) { width - upper_width, BARS_HEIGHT + LABEL_SPACING,
                                               upper_width, label_height },
                            -1);
}

static void
drey_histogram_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DreyHistogram *self = DREY_HISTOGRAM (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA bar, axis;

  if (self->n_bins == 0)
    return;

  /* The accent colour follows the style (light, dark, high contrast). */
  gtk_style_context_get_color (context, &axis);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &bar))
    bar = axis;
  axis.alpha *= 0.25f;

  for (guint i = 0; i < self->n_bins; i++)
    {
      double x0, x1, h;

      if (self->bins[i] == 0)
        continue;
      bin_extent (self, width, i, &x0, &x1);
      if (x1 - x0 >= 3)
        x1 -= 1;
      h = MAX (1.0, round ((double) self->bins[i] / self->max_count * (BARS_HEIGHT - 1)));
      gtk_snapshot_append_color (snapshot, &bar,
                                 &GRAPHENE_RECT_INIT (x0, BARS_HEIGHT - 1 - h, x1 - x0, h));
    }
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (0, BARS_HEIGHT - 1, width, 1));

  gtk_widget_snapshot_child (widget, self->lower_label, snapshot);
  gtk_widget_snapshot_child (widget, self->upper_label, snapshot);
}

static gboolean
drey_histogram_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard_tooltip,
                              GtkTooltip *tooltip)
{
  DreyHistogram *self = DREY_HISTOGRAM (widget);
  int width = gtk_widget_get_width (widget);
  double step;
  guint i;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (self->n_bins == 0 || keyboard_tooltip || y >= BARS_HEIGHT || width <= 0)
    return FALSE;

  i = (guint) CLAMP ((double) x * self->n_bins / width, 0, self->n_bins - 1);
  step = (self->upper - self->lower) / self->n_bins;
  from = _drey_format_figure (self->lower + i * step);
  to = _drey_format_figure (i + 1 == self->n_bins ? self->upper : self->lower + (i + 1) * step);
  count = _drey_format_count (self->bins[i]);
  /* Translators: a bin of the histogram: "12 values from 0.5 to 0.75" */
  text = g_strdup_printf (ngettext ("%s value from %s to %s", "%s values from %s to %s",
                                    self->bins[i] == 1 ? 1 : 2),
                          count, from, to);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
drey_histogram_dispose (GObject *object)
{
  DreyHistogram *self = DREY_HISTOGRAM (object);

  g_clear_pointer (&self->lower_label, gtk_widget_unparent);
  g_clear_pointer (&self->upper_label, gtk_widget_unparent);
  G_OBJECT_CLASS (drey_histogram_parent_class)->dispose (object);
}

static void
drey_histogram_finalize (GObject *object)
{
  DreyHistogram *self = DREY_HISTOGRAM (object);

  g_free (self->bins);
  G_OBJECT_CLASS (drey_histogram_parent_class)->finalize (object);
}

static void
drey_histogram_class_init (DreyHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_histogram_dispose;
  object_class->finalize = drey_histogram_finalize;

  widget_class->measure = drey_histogram_measure;
  widget_class->size_allocate = drey_histogram_size_allocate;
  widget_class->snapshot = drey_histogram_snapshot;
  widget_class->query_tooltip = drey_histogram_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "histogram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static GtkWidget *
axis_label_new (DreyHistogram *self,
                float          xalign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_visible (label, FALSE);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return label;
}

static void
drey_histogram_init (DreyHistogram *self)
{
  self->lower_label = axis_label_new (self, 0.0f);
  self->upper_label = axis_label_new (self, 1.0f);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Histogram"),
                                  -1);
}
