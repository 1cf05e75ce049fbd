/* drey-array-panel.c: what the selected array holds, the way its users
 * look at it
 *
 * What the array is (dtype, shape, size, byte order) shows at once; the
 * figures are the node's summary (sq_summary_new(), on the node's worker).
 * Below them, the array is shown as what it is:
 *
 * - an image (model/drey-image.c's shape rule): zoomable, with the value
 *   under the pointer; float images by min..max or with their mean/std
 *   normalization undone (the sample's `mean`/`std`, typed ones, or
 *   ImageNet's), with per-channel figures; grey ones in a colormap;
 * - a mask (an integer label map, drey-label-map.c): in the categorical
 *   palette, over the sample's image of the same size, with a legend of
 *   the classes and their pixel counts;
 * - boxes (N x 4..8, drey-boxes.c): drawn on the sample's image, in the
 *   format their values show (or the one picked), labelled from a sibling
 *   field of N values;
 * - a 2-D slice of an N-D array (drey-slice.c), picked with a slider an
 *   axis as h5web does, as an image when the trailing axes read as one,
 *   else as a heatmap with a colormap and a value range; any two axes
 *   can be picked as its rows and columns, a heatmap of them;
 * - a 1-D array as a line plot (drey-series.c), with a spectrogram
 *   (drey-spectrogram.c) for audio-like lengths;
 * - a str as text (DreyStringView).
 * The values table scrolls through the slice shown (DreyValuesTable).
 *
 * Every picture is made on a worker (GTask) from the panel's own refs;
 * a new selection or setting cancels the last one, whose result is never
 * shown. Shapes are written in the array's own order: rows before columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-array-panel"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-array-panel.h"
#include "drey-format-private.h"
#include "drey-histogram.h"
#include "drey-image.h"
#include "drey-label-map.h"
#include "drey-normalize.h"
#include "drey-series.h"
#include "drey-slice.h"
#include "drey-spectrogram.h"

/* Pictures with a longer side than this are sampled down (nearest) first. */
#define MAX_PICTURE_SIDE 2048
/* Series at least this long, of floats, get a spectrogram. */
#define SPECTROGRAM_MIN_LENGTH 4096
#define SPECTROGRAM_N_FFT 512
#define SPECTROGRAM_MAX_FRAMES 1024
#define SPECTROGRAM_RANGE_DB 80.0
/* A heatmap needs at least this many rows and columns to be worth one. */
#define HEATMAP_MIN_SIDE 4
/* A str longer than this (in bytes) shows in the panel. */
#define LONG_STRING 80

typedef enum
{
  VIEW_NONE,
  VIEW_IMAGE,
  VIEW_MASK,
  VIEW_BOXES,
  VIEW_HEATMAP,
  VIEW_PLOT,
} ViewKind;

/* How a float image is shown. */
typedef enum
{
  SHOW_AUTO,         /* undone if it looks normalized, else min..max */
  SHOW_MIN_MAX,
  SHOW_UNNORMALIZED,
} ShowMode;

/* What the value under the pointer is read from: refs of its own, so a
 * pinned picture keeps reading its array after the panel moved on. */
typedef struct
{
  ViewKind        kind;
  SqNdarray      *array;     /* what the picture is of */
  DreyImageShape  shape;
  SqNdarray      *backdrop;  /* the image under a mask or boxes */
  DreyImageShape  backdrop_shape;
  DreySlice       slice;     /* a heatmap's, in array */
  guint           n_fixed;   /* leading axes fixed for an image sub-array */
  guint64         fixed[SQ_NDARRAY_MAX_DIMS];
} Probe;

struct _DreyArrayPanel
{
  GtkWidget            parent_instance;

  /* template */
  GtkStack            *stack;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkWidget           *image_box;
  GtkWidget           *pinned_box;
  GtkLabel            *pinned_title;
  DreyImageView       *pinned_view;
  GtkLabel            *current_title;
  DreyImageView       *image_view;
  GtkLabel            *image_caption;
  AdwPreferencesGroup *plot_group;
  DreyLinePlot        *line_plot;
  AdwPreferencesGroup *display_group;
  GtkToggleButton     *pin_button;
  AdwComboRow         *mode_row;
  AdwEntryRow         *norm_mean_row;
  AdwEntryRow         *norm_std_row;
  AdwComboRow         *colormap_row;
  GtkWidget           *range_row;
  GtkEntry            *range_lo_entry;
  GtkEntry            *range_hi_entry;
  GtkWidget           *range_auto_button;
  GtkWidget           *overlay_row;
  GtkSwitch           *overlay_switch;
  GtkWidget           *opacity_row;
  GtkAdjustment       *opacity;
  AdwComboRow         *box_format_row;
  AdwComboRow         *box_units_row;
  AdwComboRow         *rows_axis_row;
  AdwComboRow         *columns_axis_row;
  AdwPreferencesGroup *legend_group;
  AdwPreferencesGroup *channels_group;
  GtkWidget           *dtype_row;
  GtkLabel            *dtype_label;
  GtkWidget           *shape_row;
  GtkLabel            *shape_label;
  GtkWidget           *elements_row;
  GtkLabel            *elements_label;
  GtkWidget           *size_row;
  GtkLabel            *size_label;
  GtkWidget           *byte_order_row;
  GtkLabel            *byte_order_label;
  GtkLabel            *no_summary_label;
  AdwPreferencesGroup *summary_group;
  GtkSpinner          *spinner;
  GtkWidget           *min_row;
  GtkLabel            *min_label;
  GtkWidget           *max_row;
  GtkLabel            *max_label;
  GtkWidget           *mean_row;
  GtkLabel            *mean_label;
  GtkWidget           *std_row;
  GtkLabel            *std_label;
  GtkWidget           *nan_row;
  GtkLabel            *nan_label;
  GtkWidget           *inf_row;
  GtkLabel            *inf_label;
  GtkWidget           *zero_row;
  GtkLabel            *zero_label;
  AdwPreferencesGroup *histogram_group;
  DreyHistogram       *histogram;
  AdwPreferencesGroup *values_group;
  DreyValuesTable     *values_table;
  GtkLabel            *string_title;
  DreyStringView      *string_view;

  DreySampleNode      *node;        /* the array's, whose summary it shows */
  SqNdarray           *array;
  GCancellable        *cancellable; /* the picture being made */
  gboolean             busy;
  char                *title;

  /* what is shown, and how */
  ViewKind             kind;
  SqNdarray           *shown;       /* array, or the sub-array the sliders pick */
  guint                n_slider_axes;
  guint                slider_axes[SQ_NDARRAY_MAX_DIMS]; /* which, in order */
  gboolean             sub_image;   /* the sliders pick an image sub-array */
  DreySlice            slice;       /* the table's and the heatmap's */
  GPtrArray           *slider_rows;
  /* An N-D picture's rows and columns can be picked; what choose_view()
   * chose is kept to go back to. */
  gboolean             axes_offered;
  ViewKind             default_kind;
  gboolean             default_sub_image;
  guint                default_n_sliders;
  guint                default_rows;
  guint                default_columns;
  GPtrArray           *legend_rows;
  GPtrArray           *channel_rows;
  SqNdarray           *backdrop;    /* the sibling image */
  char                *backdrop_name;
  SqValue             *box_labels;  /* a sibling of N values, or NULL */
  char                *box_labels_name;
  DreyBoxGuess         box_guess;
  DreyBoxFormat        box_format;
  gboolean             box_normalized;
  ShowMode             show_mode;
  gboolean             shown_unnormalized;
  DreyNormalization    norm;
  gboolean             norm_from_sample;
  DreyColormap         colormap;
  gboolean             range_auto;
  double               lo;
  double               hi;
  double               sample_rate;
  gboolean             label_candidate; /* an integer picture: a mask or not */
  gboolean             labels_asked;
  GArray              *classes;
  DreyLabelReading     label_reading;
  gboolean             updating;    /* setting controls from code */

  /* the pinned picture */
  GBinding            *pin_bindings[3];
};

G_DEFINE_FINAL_TYPE (DreyArrayPanel, drey_array_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_HAS_IMAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_render (DreyArrayPanel *self);

/* ---- the worker --------------------------------------------------------- */

typedef struct
{
  ViewKind          kind;
  SqNdarray        *array;
  SqNdarray        *backdrop;
  DreySlice         slice;
  ShowMode          show_mode;
  DreyNormalization norm;
  DreyColormap      colormap;
  gboolean          range_auto;
  double            lo;
  double            hi;
  gboolean          overlay;
  gboolean          spectrogram;
  gboolean          labels_asked;  /* classes, whatever the values */
} Job;

typedef struct
{
  cairo_surface_t  *surface;
  guint             width;
  guint             height;
  cairo_surface_t  *overlay;
  GArray           *classes;
  DreyLabelReading  reading;
  DreyChannelStats *stats;
  guint             n_stats;
  gboolean          unnormalized;
  double            lo;
  double            hi;
  DreySeries       *series;
  DreySpectrogram  *spectrogram;
  cairo_surface_t  *spectrogram_surface;
} Result;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->array, sq_ndarray_unref);
  g_clear_pointer (&job->backdrop, sq_ndarray_unref);
  g_free (job);
}

static void
result_free (Result *result)
{
  g_clear_pointer (&result->surface, cairo_surface_destroy);
  g_clear_pointer (&result->overlay, cairo_surface_destroy);
  g_clear_pointer (&result->classes, g_array_unref);
  g_free (result->stats);
  g_clear_pointer (&result->series, drey_series_unref);
  g_clear_pointer (&result->spectrogram, drey_spectrogram_free);
  g_clear_pointer (&result->spectrogram_surface, cairo_surface_destroy);
  g_free (result);
}

static guint
picture_step (guint64 rows,
              guint64 columns)
{
  guint64 longer = MAX (rows, columns);

  return longer > MAX_PICTURE_SIDE ? (guint) ((longer + MAX_PICTURE_SIDE - 1) / MAX_PICTURE_SIDE) : 1;
}

/* The finite range of @n values; NaN, NaN if none. */
static void
finite_range (const double *values,
              gsize         n,
              double       *lo,
              double       *hi)
{
  double a = INFINITY, b = -INFINITY;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        a = MIN (a, values[i]);
        b = MAX (b, values[i]);
      }
  *lo = a <= b ? a : NAN;
  *hi = a <= b ? b : NAN;
}

/* Values in a colormap, with the job's range or their own. */
static cairo_surface_t *
colormap_surface (Job          *job,
                  Result       *result,
                  const double *values,
                  guint         width,
                  guint         height)
{
  g_autofree guint8 *rgb = NULL;
  double lo = job->lo, hi = job->hi;

  if (job->range_auto)
    {
      finite_range (values, (gsize) width * height, &lo, &hi);
      /* A diverging map is centred on zero. */
      if (job->colormap == DREY_COLORMAP_DIVERGING && isfinite (lo))
        {
          double m = MAX (fabs (lo), fabs (hi));

          lo = -m;
          hi = m;
        }
    }
  result->lo = lo;
  result->hi = hi;
  rgb = drey_colormap_apply (job->colormap, values, (gsize) width * height, lo, hi);
  return drey_image_surface_new (rgb, width, height, 3, FALSE);
}

/* A 2-D slice that reads @array's one-channel image as rows x columns. */
static void
grey_slice (SqNdarray            *array,
            const DreyImageShape *shape,
            DreySlice            *slice)
{
  drey_slice_init (slice, array);
  if (sq_ndarray_get_ndim (array) == 3 && shape->channels_first)
    slice->row_axis = 1, slice->col_axis = 2;
  else if (sq_ndarray_get_ndim (array) == 3)
    slice->row_axis = 0, slice->col_axis = 1;
}

static gboolean
looks_normalized (const DreyChannelStats *stats,
                  guint                   n)
{
  gboolean negative = FALSE;

  for (guint c = 0; c < n; c++)
    {
      if (stats[c].n_finite == 0 || fabs (stats[c].mean) > 1.5 || stats[c].max > 6 || stats[c].min < -6)
        return FALSE;
      negative |= stats[c].min < 0;
    }
  return negative;
}

/* The pixels of an image array, as the job says to show them. */
static cairo_surface_t *
image_surface (Job           *job,
               Result        *result,
               SqNdarray     *array,
               gboolean       apply_mode,
               GCancellable  *cancellable,
               GError       **error)
{
  DreyImageShape shape;
  SqDtypeKind kind = sq_dtype_get_kind (sq_ndarray_get_dtype (array));
  guint step;
  g_autofree guint8 *pixels = NULL;

  if (!drey_image_get_shape (array, &shape))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an image");
      return NULL;
    }
  step = picture_step (shape.height, shape.width);
  result->width = shape.width;
  result->height = shape.height;

  if (apply_mode && kind == SQ_DTYPE_KIND_FLOAT)
    {
      result->stats = drey_image_channel_stats (array, &shape, cancellable, error);
      if (result->stats == NULL)
        return NULL;
      result->n_stats = shape.channels;
      if (job->show_mode == SHOW_UNNORMALIZED ||
          (job->show_mode == SHOW_AUTO && shape.channels != 1 && looks_normalized (result->stats, shape.channels)))
        {
          DreyNormalization norm = job->norm;

          norm.channels = shape.channels;
          pixels = drey_normalization_map_pixels (array, &shape, &norm, cancellable, error);
          if (pixels == NULL)
            return NULL;
          result->unnormalized = TRUE;
          return drey_image_surface_new (pixels, shape.width, shape.height, shape.channels, TRUE);
        }
    }

  /* One channel in a colormap or a range of the user's; grey over its own
   * range is drey_image_map_pixels(), as PNG export writes it. */
  if (apply_mode && shape.channels == 1 && kind != SQ_DTYPE_KIND_BOOL &&
      (job->colormap != DREY_COLORMAP_GREY || !job->range_auto))
    {
      DreySlice slice;
      g_autofree double *values = NULL;

      grey_slice (array, &shape, &slice);
      values = drey_slice_read (&slice, array, step, cancellable, error);
      if (values == NULL)
        return NULL;
      return colormap_surface (job, result, values, (shape.width + step - 1) / step,
                               (shape.height + step - 1) / step);
    }

  pixels = drey_image_map_pixels (array, &shape, step, cancellable, error);
  if (pixels == NULL)
    return NULL;
  return drey_image_surface_new (pixels, (shape.width + step - 1) / step, (shape.height + step - 1) / step,
                                 shape.channels, TRUE);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  Result *result = g_new0 (Result, 1);
  GError *error = NULL;
  gboolean ok = TRUE;

  result->lo = result->hi = NAN;
  switch (job->kind)
    {
    case VIEW_IMAGE:
      result->surface = image_surface (job, result, job->array, TRUE, cancellable, &error);
      ok = result->surface != NULL;
      break;

    case VIEW_MASK:
      result->classes = drey_label_map_count (job->array, DREY_LABEL_MAP_MAX_CLASSES, job->labels_asked,
                                              &result->reading, cancellable, &error);
      if (result->classes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          /* Too many values for a mask: a grey picture after all. */
          g_clear_error (&error);
          result->surface = image_surface (job, result, job->array, TRUE, cancellable, &error);
        }
      else if (result->classes != NULL)
        {
          guint w = 0, h = 0;
          g_autofree guint8 *rgba = NULL;

          drey_label_map_get_size (job->array, &w, &h);
          if (job->backdrop != NULL && job->overlay)
            {
              result->surface = image_surface (job, result, job->backdrop, FALSE, cancellable, &error);
              rgba = drey_label_map_colorize (job->array, result->classes, TRUE);
              result->overlay = drey_image_surface_new (rgba, w, h, 4, TRUE);
            }
          else
            {
              rgba = drey_label_map_colorize (job->array, result->classes, FALSE);
              result->surface = drey_image_surface_new (rgba, w, h, 4, TRUE);
            }
          result->width = w;
          result->height = h;
        }
      ok = result->surface != NULL;
      break;

    case VIEW_BOXES:
      result->surface = image_surface (job, result, job->backdrop, FALSE, cancellable, &error);
      ok = result->surface != NULL;
      break;

    case VIEW_HEATMAP:
      {
        guint64 rows = drey_slice_get_rows (&job->slice, job->array);
        guint64 cols = drey_slice_get_columns (&job->slice, job->array);
        guint step = picture_step (rows, cols);
        g_autofree double *values = drey_slice_read (&job->slice, job->array, step, cancellable, &error);

        if (values == NULL)
          {
            ok = FALSE;
            break;
          }
        result->surface = colormap_surface (job, result, values, (guint) ((cols + step - 1) / step),
                                            (guint) ((rows + step - 1) / step));
        result->width = (guint) cols;
        result->height = (guint) rows;
      }
      break;

    case VIEW_PLOT:
      result->series = drey_series_new (job->array, cancellable, &error);
      ok = result->series != NULL;
      if (ok && job->spectrogram)
        {
          result->spectrogram = drey_spectrogram_new (drey_series_get_values (result->series),
                                                      drey_series_get_length (result->series),
                                                      SPECTROGRAM_N_FFT, SPECTROGRAM_MAX_FRAMES,
                                                      cancellable, &error);
          if (result->spectrogram != NULL)
            {
              g_autofree guint8 *rgb = drey_spectrogram_render (result->spectrogram, SPECTROGRAM_RANGE_DB);

              result->spectrogram_surface = drey_image_surface_new (rgb, result->spectrogram->n_frames,
                                                                    result->spectrogram->n_bins, 3, FALSE);
            }
          else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_clear_error (&error);
          else
            ok = FALSE;
        }
      break;

    case VIEW_NONE:
    default:
      break;
    }

  if (!ok || error != NULL)
    {
      result_free (result);
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "nothing to show");
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, (GDestroyNotify) result_free);
}

/* ---- the value under the pointer ---------------------------------------- */

static void
probe_free (Probe *probe)
{
  g_clear_pointer (&probe->array, sq_ndarray_unref);
  g_clear_pointer (&probe->backdrop, sq_ndarray_unref);
  g_free (probe);
}

static guint64
image_element (const DreyImageShape *shape,
               guint                 x,
               guint                 y,
               guint                 c)
{
  return shape->channels_first ? ((guint64) c * shape->height + y) * shape->width + x
                               : ((guint64) y * shape->width + x) * shape->channels + c;
}

/* "[2, 10, 4] = 0.5" or "[10, 4, :] = (1, 2, 3)": numpy's index of the
 * pixel in the array, its leading fixed axes first. */
static void
append_pixel (GString              *text,
              SqNdarray            *array,
              const DreyImageShape *shape,
              guint                 n_fixed,
              const guint64        *fixed,
              guint                 x,
              guint                 y)
{
  guint ndim = sq_ndarray_get_ndim (array);

  g_string_append_c (text, '[');
  for (guint d = 0; d < n_fixed; d++)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT ", ", fixed[d]);
  if (ndim == 2)
    g_string_append_printf (text, "%u, %u]", y, x);
  else if (shape->channels_first)
    g_string_append_printf (text, shape->channels == 1 ? "0, %u, %u]" : ":, %u, %u]", y, x);
  else
    g_string_append_printf (text, shape->channels == 1 ? "%u, %u, 0]" : "%u, %u, :]", y, x);
  g_string_append (text, " = ");
  if (shape->channels > 1)
    g_string_append_c (text, '(');
  for (guint c = 0; c < shape->channels; c++)
    {
      g_autofree char *v = sq_ndarray_format_element (array, image_element (shape, x, y, c));

      if (c > 0)
        g_string_append (text, ", ");
      g_string_append (text, v);
    }
  if (shape->channels > 1)
    g_string_append_c (text, ')');
}

static char *
probe_pixel (guint    x,
             guint    y,
             gpointer user_data)
{
  Probe *probe = user_data;
  GString *text = g_string_new (NULL);

  switch (probe->kind)
    {
    case VIEW_HEATMAP:
      {
        guint ndim = sq_ndarray_get_ndim (probe->array);
        g_autofree char *v = sq_ndarray_format_element (probe->array,
                                                        drey_slice_element_index (&probe->slice, probe->array, y, x));

        g_string_append_c (text, '[');
        for (guint d = 0; d < ndim; d++)
          {
            if (d > 0)
              g_string_append (text, ", ");
            if (d == probe->slice.row_axis)
              g_string_append_printf (text, "%u", y);
            else if (d == probe->slice.col_axis)
              g_string_append_printf (text, "%u", x);
            else
              g_string_append_printf (text, "%" G_GUINT64_FORMAT, probe->slice.index[d]);
          }
        g_string_append_printf (text, "] = %s", v);
      }
      break;
    case VIEW_MASK:
      {
        g_autofree char *v = sq_ndarray_format_element (probe->array, image_element (&probe->shape, x, y, 0));

        /* Translators: the pixel of a mask and its class: "[12, 40] = class 3" */
        g_string_append_printf (text, _("[%u, %u] = class %s"), y, x, v);
        if (probe->backdrop != NULL)
          {
            g_string_append (text, " · ");
            append_pixel (text, probe->backdrop, &probe->backdrop_shape, 0, NULL, x, y);
          }
      }
      break;
    case VIEW_BOXES:
      append_pixel (text, probe->backdrop, &probe->backdrop_shape, 0, NULL, x, y);
      break;
    case VIEW_IMAGE:
    default:
      append_pixel (text, probe->array, &probe->shape, probe->n_fixed, probe->fixed, x, y);
      break;
    }
  return g_string_free (text, FALSE);
}

static Probe *
probe_new (DreyArrayPanel *self)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->kind = self->kind;
  probe->array = sq_ndarray_ref (self->shown);
  drey_image_get_shape (self->shown, &probe->shape);
  if (self->backdrop != NULL && (self->kind == VIEW_BOXES || self->kind == VIEW_MASK))
    {
      probe->backdrop = sq_ndarray_ref (self->backdrop);
      drey_image_get_shape (self->backdrop, &probe->backdrop_shape);
    }
  if (self->kind == VIEW_HEATMAP)
    {
      g_clear_pointer (&probe->array, sq_ndarray_unref);
      probe->array = sq_ndarray_ref (self->array);
      probe->slice = self->slice;
    }
  if (self->sub_image)
    {
      probe->n_fixed = self->n_slider_axes;
      memcpy (probe->fixed, self->slice.index, sizeof (guint64) * self->n_slider_axes);
    }
  return probe;
}

/* ---- showing it --------------------------------------------------------- */

/* A figure in a row: the label shows it, and the row's accessible
 * description carries it, so a screen reader says "Mean, 0.5". */
static void
set_row_value (GtkWidget  *row,
               GtkLabel   *label,
               const char *value)
{
  gtk_label_set_label (label, value);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), NULL);
  if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value,
                                  -1);
}

/* "224 × 224 × 3" from sq_ndarray_format_shape()'s "224x224x3": the
 * array's own order, always. */
static char *
format_shape (SqNdarray *array)
{
  g_autofree char *shape = sq_ndarray_format_shape (array);
  g_auto(GStrv) dims = NULL;

  if (sq_ndarray_get_ndim (array) == 0)
    return g_strdup (_("Scalar"));
  dims = g_strsplit (shape, "x", -1);
  return g_strjoinv (" × ", dims);
}

/* "12 (18.8%)": a count and its share of the elements. */
static char *
format_count (guint64 count,
              guint64 total)
{
  g_autofree char *text = _drey_format_count (count);

  if (count == 0 || total == 0)
    return g_steal_pointer (&text);
  if (count * 1000 < total)
    return g_strdup_printf ("%s (< 0.1%%)", text);
  return g_strdup_printf ("%s (%.1f%%)", text, 100.0 * (double) count / (double) total);
}

static const char *
byte_order_text (const SqDtype *dtype)
{
  switch (sq_dtype_get_byte_order (dtype))
    {
    case SQ_BYTE_ORDER_LITTLE:
      return G_BYTE_ORDER == G_LITTLE_ENDIAN ? _("Little-endian (native)") : _("Little-endian");
    case SQ_BYTE_ORDER_BIG:
      return G_BYTE_ORDER == G_BIG_ENDIAN ? _("Big-endian (native)") : _("Big-endian");
    case SQ_BYTE_ORDER_NONE:
    default:
      return _("Not applicable");
    }
}

/* Why an array has no figures, in a sentence. */
static char *
no_summary_reason (const SqDtype *dtype)
{
  const char *name = sq_dtype_get_name (dtype);

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_UNICODE:
    case SQ_DTYPE_KIND_BYTES:
      return g_strdup_printf (_("No statistics, histogram or preview: %s elements are strings, not numbers."), name);
    case SQ_DTYPE_KIND_OBJECT:
      return g_strdup (_("No statistics, histogram or preview: object elements are pickled Python objects, which Drey does not decode."));
    case SQ_DTYPE_KIND_VOID:
      return g_strdup_printf (_("No statistics, histogram or preview: %s elements are raw bytes or records, not numbers."), name);
    default:
      return g_strdup_printf (_("No statistics, histogram or preview: Drey cannot read %s elements as numbers."), name);
    }
}

static void
show_facts (DreyArrayPanel *self,
            const char     *title)
{
  SqDtype *dtype = sq_ndarray_get_dtype (self->array);
  guint64 n = sq_ndarray_get_n_elements (self->array);
  guint64 n_bytes = n * sq_dtype_get_itemsize (dtype);
  g_autofree char *shape = format_shape (self->array);
  g_autofree char *dtype_text = NULL;
  g_autofree char *elements = _drey_format_count (n);
  g_autofree char *size = g_format_size_full (n_bytes, G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *short_size = g_format_size (n_bytes);
  g_autofree char *subtitle = NULL;

  gtk_label_set_label (self->title_label, title != NULL && *title != '\0' ? title : _("Array"));
  /* Translators: the array at a glance: "uint8 · 8 × 8 · 64 bytes" */
  subtitle = g_strdup_printf (_("%s · %s · %s"), sq_dtype_get_name (dtype), shape, short_size);
  gtk_label_set_label (self->subtitle_label, subtitle);

  if (g_strcmp0 (sq_dtype_get_name (dtype), sq_dtype_get_type_string (dtype)) == 0)
    dtype_text = g_strdup (sq_dtype_get_name (dtype));
  else
    dtype_text = g_strdup_printf ("%s (%s)", sq_dtype_get_name (dtype), sq_dtype_get_type_string (dtype));
  set_row_value (self->dtype_row, self->dtype_label, dtype_text);
  set_row_value (self->shape_row, self->shape_label, shape);
  set_row_value (self->elements_row, self->elements_label, elements);
  set_row_value (self->size_row, self->size_label, size);
  set_row_value (self->byte_order_row, self->byte_order_label, byte_order_text (dtype));
}

/* The values table follows the slice shown; its caption says which. */
static void
show_values (DreyArrayPanel *self)
{
  SqNdarray *array = self->array;
  guint ndim = sq_ndarray_get_ndim (array);
  guint64 n = sq_ndarray_get_n_elements (array);
  g_autofree char *shape_text = format_shape (array);
  g_autofree char *description = NULL;

  drey_values_table_set_array (self->values_table, n > 0 ? array : NULL, ndim >= 2 ? &self->slice : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->values_table), n > 0);

  if (n == 0)
    description = g_strdup (_("The array is empty."));
  else if (ndim == 0)
    description = g_strdup (_("A single value"));
  else if (ndim == 1)
    description = n == 1 ? g_strdup (_("The only value")) : g_strdup_printf (_("All %s values"), shape_text);
  else if (ndim == 2)
    description = g_strdup_printf (_("All %s values"), shape_text);
  else
    {
      g_autofree char *slice = drey_slice_format (&self->slice, array);
      g_autofree char *rows = _drey_format_count (drey_slice_get_rows (&self->slice, array));
      g_autofree char *cols = _drey_format_count (drey_slice_get_columns (&self->slice, array));

      /* Translators: "Slice [0, :, :] of 3 × 32 × 32: 32 × 32 values" */
      description = g_strdup_printf (_("Slice %s of %s: %s × %s values"), slice, shape_text, rows, cols);
    }
  adw_preferences_group_set_description (self->values_group, description);
}

static void
show_summary_placeholder (DreyArrayPanel *self)
{
  struct { GtkWidget *row; GtkLabel *label; } rows[] = {
    { self->min_row, self->min_label },
    { self->max_row, self->max_label },
    { self->mean_row, self->mean_label },
    { self->std_row, self->std_label },
    { self->nan_row, self->nan_label },
    { self->inf_row, self->inf_label },
    { self->zero_row, self->zero_label },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gtk_label_set_label (rows[i].label, "…");
      gtk_accessible_update_property (GTK_ACCESSIBLE (rows[i].row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Computing"),
                                      -1);
    }
}

static void
show_summary (DreyArrayPanel  *self,
              const SqSummary *s)
{
  SqDtype *dtype = sq_ndarray_get_dtype (self->array);
  g_autofree char *min = _drey_format_figure (s->min);
  g_autofree char *max = _drey_format_figure (s->max);
  g_autofree char *mean = _drey_format_figure (s->mean);
  g_autofree char *std = _drey_format_figure (s->std);
  g_autofree char *nan = format_count (s->n_nan, s->n_elements);
  g_autofree char *inf = format_count (s->n_inf, s->n_elements);
  g_autofree char *zero = format_count (s->n_zero, s->n_elements);
  g_autofree char *description = NULL;

  set_row_value (self->min_row, self->min_label, min);
  set_row_value (self->max_row, self->max_label, max);
  set_row_value (self->mean_row, self->mean_label, mean);
  set_row_value (self->std_row, self->std_label, std);
  set_row_value (self->nan_row, self->nan_label, nan);
  set_row_value (self->inf_row, self->inf_label, inf);
  set_row_value (self->zero_row, self->zero_label, zero);

  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_COMPLEX:
      description = g_strdup (_("Of the magnitude |z| of each element"));
      break;
    case SQ_DTYPE_KIND_DATETIME:
    case SQ_DTYPE_KIND_TIMEDELTA:
      description = g_strdup_printf (_("Of the int64 counts of %s; NaT counts as NaN"), sq_dtype_get_name (dtype));
      break;
    case SQ_DTYPE_KIND_BOOL:
      description = g_strdup (_("False counts as 0 and True as 1"));
      break;
    default:
      if (s->n_finite < s->n_elements)
        description = g_strdup (_("Mean and standard deviation of the finite values"));
      break;
    }
  adw_preferences_group_set_description (self->summary_group, description);

  drey_histogram_set_summary (self->histogram, s);
  gtk_widget_set_visible (GTK_WIDGET (self->histogram_group), s->n_finite > 0);
  if (s->n_finite > 0)
    {
      g_autofree char *finite = _drey_format_count (s->n_finite);

      adw_preferences_group_set_description (self->histogram_group, NULL);
      if (s->n_finite < s->n_elements)
        {
          g_autofree char *text = g_strdup_printf (_("%u bins of the %s finite values"), SQ_SUMMARY_N_BINS, finite);

          adw_preferences_group_set_description (self->histogram_group, text);
        }
    }
}

static void
update_busy (DreyArrayPanel *self)
{
  gboolean busy = self->cancellable != NULL ||
                  (self->node != NULL && drey_sample_node_get_summary_pending (self->node));

  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- the sample around the array ---------------------------------------- */

/* The map the array sits in, and the array's key in it, if any. */
static SqValue *
parent_map (DreyArrayPanel *self)
{
  DreySampleNode *parent = self->node != NULL ? drey_sample_node_get_parent (self->node) : NULL;
  SqValue *value = parent != NULL ? drey_sample_node_get_value (parent) : NULL;

  return value != NULL && sq_value_get_value_type (value) == SQ_VALUE_MAP ? value : NULL;
}

static const char *
key_name (SqValue *map,
          gsize    i)
{
  SqValue *key = sq_value_get_key (map, i);

  return sq_value_get_value_type (key) == SQ_VALUE_STR ? sq_value_get_str (key, NULL) : NULL;
}

static gboolean
name_has (const char *name,
          const char *const *words)
{
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  for (guint i = 0; lower != NULL && words[i] != NULL; i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The sample's image beside the array: of @width x @height if they are not
 * 0, a picture rather than another mask, "image"-like names first. */
static SqNdarray *
find_backdrop (DreyArrayPanel *self,
               guint           width,
               guint           height,
               const char    **name)
{
  static const char *const image_words[] = { "image", "img", "photo", "picture", "frame", "rgb", "input", NULL };
  SqValue *map = parent_map (self);
  SqNdarray *best = NULL;
  int best_score = -1;

  for (gsize i = 0; map != NULL && i < sq_value_get_length (map); i++)
    {
      SqValue *v = sq_value_get_item (map, i);
      SqNdarray *array;
      DreyImageShape shape;
      int score = 0;

      if (sq_value_get_value_type (v) != SQ_VALUE_NDARRAY)
        continue;
      array = sq_value_get_ndarray (v);
      if (array == self->array || !drey_image_get_shape (array, &shape))
        continue;
      if (width > 0 && (shape.width != width || shape.height != height))
        continue;
      if (shape.channels >= 3)
        score += 2;
      if (name_has (key_name (map, i), image_words))
        score += 4;
      if (drey_label_map_get_size (array, NULL, NULL))
        score -= 3;
      if (score > best_score)
        {
          best = array;
          best_score = score;
          *name = key_name (map, i);
        }
    }
  return best;
}

/* A sibling of @n values to label @n boxes with: "label"-like names first. */
static SqValue *
find_box_labels (DreyArrayPanel *self,
                 guint           n,
                 const char    **name)
{
  static const char *const label_words[] = { "label", "class", "categor", "name", "cls", "tag", NULL };
  SqValue *map = parent_map (self);
  SqValue *best = NULL;
  int best_score = -1;

  for (gsize i = 0; map != NULL && i < sq_value_get_length (map); i++)
    {
      SqValue *v = sq_value_get_item (map, i);
      int score = 0;

      if (sq_value_get_value_type (v) == SQ_VALUE_NDARRAY)
        {
          SqNdarray *array = sq_value_get_ndarray (v);

          if (array == self->array || sq_ndarray_get_ndim (array) != 1 || sq_ndarray_get_shape (array)[0] != n)
            continue;
        }
      else if (sq_value_get_value_type (v) != SQ_VALUE_ARRAY || sq_value_get_length (v) != n)
        continue;
      if (name_has (key_name (map, i), label_words))
        score += 4;
      if (score > best_score)
        {
          best = v;
          best_score = score;
          *name = key_name (map, i);
        }
    }
  return best;
}

/* The sample's own mean and std, for @channels channels. */
static gboolean
find_normalization (DreyArrayPanel    *self,
                    guint              channels,
                    DreyNormalization *norm)
{
  static const char *const means[] = { "mean", "image_mean", "pixel_mean", "norm_mean", "img_mean", NULL };
  static const char *const stds[] = { "std", "image_std", "pixel_std", "norm_std", "img_std", NULL };
  SqValue *map = parent_map (self);

  if (map == NULL)
    return FALSE;
  for (guint i = 0; means[i] != NULL; i++)
    {
      SqValue *m = sq_value_lookup (map, means[i]);
      SqValue *s = sq_value_lookup (map, stds[i]);

      if (m != NULL && s != NULL &&
          drey_normalization_parse_values (m, channels, norm->mean) &&
          drey_normalization_parse_values (s, channels, norm->std))
        {
          norm->channels = channels;
          return TRUE;
        }
    }
  return FALSE;
}

static double
find_sample_rate (DreyArrayPanel *self)
{
  static const char *const names[] = { "sample_rate", "sampling_rate", "sr", "rate", "fs", "samplerate", NULL };
  SqValue *map = parent_map (self);

  for (guint i = 0; map != NULL && names[i] != NULL; i++)
    {
      SqValue *v = sq_value_lookup (map, names[i]);
      double out[4];

      if (v != NULL && drey_normalization_parse_values (v, 1, out) && out[0] > 0 && out[0] < 1e7)
        return out[0];
    }
  return 0;
}

/* A sibling list of @min_length strs or more under one of @names: the
 * names of a mask's classes, or of an array's axes. */
static SqValue *
find_names (DreyArrayPanel    *self,
            const char *const *names,
            gsize              min_length)
{
  SqValue *map = parent_map (self);

  for (guint i = 0; map != NULL && names[i] != NULL; i++)
    {
      SqValue *v = sq_value_lookup (map, names[i]);
      gboolean all_str = v != NULL && sq_value_get_value_type (v) == SQ_VALUE_ARRAY &&
                         sq_value_get_length (v) >= min_length;

      for (gsize k = 0; all_str && k < sq_value_get_length (v); k++)
        all_str = sq_value_get_value_type (sq_value_get_item (v, k)) == SQ_VALUE_STR;
      if (all_str)
        return v;
    }
  return NULL;
}

/* ---- what to show ------------------------------------------------------- */

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static void
set_combo_strings (AdwComboRow       *row,
                   const char *const *strings,
                   guint              selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (strings);

  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
}

/* The sub-array or slice the sliders pick, and the table's slice. */
static void
update_shown (DreyArrayPanel *self)
{
  g_clear_pointer (&self->shown, sq_ndarray_unref);
  if (self->sub_image)
    self->shown = drey_slice_subarray (self->array, self->n_slider_axes, self->slice.index);
  else
    self->shown = sq_ndarray_ref (self->array);
}

static void
slider_changed (GtkAdjustment  *adjustment,
                DreyArrayPanel *self)
{
  guint axis = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (adjustment), "axis"));
  guint64 index = (guint64) gtk_adjustment_get_value (adjustment);

  if (self->updating || self->slice.index[axis] == index)
    return;
  self->slice.index[axis] = index;
  update_shown (self);
  show_values (self);
  start_render (self);
}

/* The sample's names of the array's axes ("axes": ["frame", "y", "x"]), or NULL. */
static SqValue *
find_axis_names (DreyArrayPanel *self)
{
  static const char *const axis_words[] = { "axes", "dims", "dim_names", "axis_names", "dimensions", NULL };
  guint ndim = sq_ndarray_get_ndim (self->array);
  SqValue *names = find_names (self, axis_words, ndim);

  return names != NULL && sq_value_get_length (names) == ndim ? names : NULL;
}

/* A slider and a spin button for each axis the picture does not show. */
static void
add_slider_rows (DreyArrayPanel *self)
{
  const guint64 *shape = sq_ndarray_get_shape (self->array);
  SqValue *names = find_axis_names (self);

  for (guint i = 0; i < self->n_slider_axes; i++)
    {
      guint d = self->slider_axes[i];
      GtkWidget *row = adw_action_row_new ();
      GtkAdjustment *adjustment = gtk_adjustment_new ((double) self->slice.index[d], 0, (double) (shape[d] - 1),
                                                      1, 10, 0);
      GtkWidget *scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment);
      GtkWidget *spin = gtk_spin_button_new (adjustment, 1, 0);
      /* Translators: a slider's axis, with its name from the sample's "axes": "Axis 0 (frame)" */
      g_autofree char *title = names != NULL ? g_strdup_printf (_("Axis %u (%s)"), d,
                                                                sq_value_get_str (sq_value_get_item (names, d), NULL))
                                             : g_strdup_printf (_("Axis %u"), d);
      g_autofree char *subtitle = g_strdup_printf (_("%" G_GUINT64_FORMAT " entries"), shape[d]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_size_request (scale, 120, -1);
      gtk_widget_set_hexpand (scale, TRUE);
      gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      g_object_set_data (G_OBJECT (adjustment), "axis", GUINT_TO_POINTER (d));
      g_object_set_data (G_OBJECT (row), "axis", GUINT_TO_POINTER (d));
      g_signal_connect (adjustment, "value-changed", G_CALLBACK (slider_changed), self);
      adw_preferences_group_add (self->display_group, row);
      g_ptr_array_add (self->slider_rows, row);
    }
}

/* The Rows and Columns rows of an N-D picture, set to the slice shown;
 * their axes listed anew (@list) only for a new array: a combo row's
 * model must not change under its own notify::selected. */
static void
show_axis_rows (DreyArrayPanel *self,
                gboolean        list)
{
  const guint64 *shape;
  guint ndim;
  SqValue *names;
  g_autoptr(GPtrArray) items = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->rows_axis_row), self->axes_offered);
  gtk_widget_set_visible (GTK_WIDGET (self->columns_axis_row), self->axes_offered);
  if (!self->axes_offered)
    return;
  if (!list)
    {
      self->updating = TRUE;
      adw_combo_row_set_selected (self->rows_axis_row, self->slice.row_axis);
      adw_combo_row_set_selected (self->columns_axis_row, self->slice.col_axis);
      self->updating = FALSE;
      return;
    }
  shape = sq_ndarray_get_shape (self->array);
  ndim = sq_ndarray_get_ndim (self->array);
  names = find_axis_names (self);
  items = g_ptr_array_new_with_free_func (g_free);
  for (guint d = 0; d < ndim; d++)
    {
      if (names != NULL)
        /* Translators: an axis to show down or across the picture, its name and length: "axis 0, frame (len 6)" */
        g_ptr_array_add (items, g_strdup_printf (_("axis %u, %s (len %" G_GUINT64_FORMAT ")"), d,
                                                 sq_value_get_str (sq_value_get_item (names, d), NULL), shape[d]));
      else
        /* Translators: an axis to show down or across the picture, and its length: "axis 0 (len 3)" */
        g_ptr_array_add (items, g_strdup_printf (_("axis %u (len %" G_GUINT64_FORMAT ")"), d, shape[d]));
    }
  g_ptr_array_add (items, NULL);
  self->updating = TRUE;
  set_combo_strings (self->rows_axis_row, (const char *const *) items->pdata, self->slice.row_axis);
  set_combo_strings (self->columns_axis_row, (const char *const *) items->pdata, self->slice.col_axis);
  self->updating = FALSE;
}

/* An N-D picture's rows and columns as choose_view() chose them: what the
 * table shows (an image's, its channel at index 0), and what Rows and
 * Columns go back to. */
static void
setup_axes (DreyArrayPanel *self)
{
  guint ndim = sq_ndarray_get_ndim (self->array);

  self->axes_offered = FALSE;
  for (guint d = 0; d < self->n_slider_axes; d++)
    self->slider_axes[d] = d;
  if (ndim < 3 || (self->kind != VIEW_IMAGE && self->kind != VIEW_HEATMAP))
    return;
  if (self->kind == VIEW_IMAGE)
    {
      DreyImageShape shape;
      guint first = self->n_slider_axes;

      drey_image_get_shape (self->shown, &shape);
      if (ndim - first == 3 && shape.channels_first)
        first++;
      self->slice.row_axis = first;
      self->slice.col_axis = first + 1;
    }
  self->axes_offered = TRUE;
  self->default_kind = self->kind;
  self->default_sub_image = self->sub_image;
  self->default_n_sliders = self->n_slider_axes;
  self->default_rows = self->slice.row_axis;
  self->default_columns = self->slice.col_axis;
}

static void
rows_axis_changed (DreyArrayPanel *self)
{
  guint rows = adw_combo_row_get_selected (self->rows_axis_row);
  guint columns = self->slice.col_axis;

  if (self->updating || !self->axes_offered || rows == GTK_INVALID_LIST_POSITION)
    return;
  /* Rows onto the columns' axis: the columns take the rows' old one. */
  if (rows == columns)
    columns = self->slice.row_axis;
  drey_array_panel_set_slice_axes (self, rows, columns);
}

static void
columns_axis_changed (DreyArrayPanel *self)
{
  guint columns = adw_combo_row_get_selected (self->columns_axis_row);
  guint rows = self->slice.row_axis;

  if (self->updating || !self->axes_offered || columns == GTK_INVALID_LIST_POSITION)
    return;
  if (rows == columns)
    rows = self->slice.col_axis;
  drey_array_panel_set_slice_axes (self, rows, columns);
}

static void
format_norm_text (const double *values,
                  guint         channels,
                  GtkEditable  *entry)
{
  GString *text = g_string_new (NULL);

  for (guint c = 0; c < channels; c++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (c > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%.6g", values[c]));
    }
  gtk_editable_set_text (entry, text->str);
  g_string_free (text, TRUE);
}

/* Which controls the kind of picture needs, set to the panel's state. */
static void
update_controls (DreyArrayPanel *self)
{
  DreyImageShape shape = { 0 };
  gboolean image = self->kind == VIEW_IMAGE && drey_image_get_shape (self->shown, &shape);
  gboolean is_float = sq_dtype_get_kind (sq_ndarray_get_dtype (self->shown)) == SQ_DTYPE_KIND_FLOAT;
  gboolean float_image = image && is_float;
  gboolean grey = (image && shape.channels == 1 && sq_dtype_get_kind (sq_ndarray_get_dtype (self->shown)) != SQ_DTYPE_KIND_BOOL) ||
                  self->kind == VIEW_HEATMAP;
  gboolean mask = self->kind == VIEW_MASK && self->classes != NULL;
  gboolean boxes = self->kind == VIEW_BOXES;

  self->updating = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->mode_row), (float_image && !grey) || self->label_candidate);
  if (self->label_candidate)
    {
      const char *translated[] = { _("Grey Levels"), _("Classes"), NULL };

      set_combo_strings (self->mode_row, translated, self->kind == VIEW_MASK ? 1 : 0);
    }
  else if (float_image && !grey)
    {
      static const char *const modes[] = { N_("Scaled from Min to Max"), N_("Normalization Undone"), NULL };
      const char *translated[] = { _(modes[0]), _(modes[1]), NULL };

      set_combo_strings (self->mode_row, translated, self->shown_unnormalized ? 1 : 0);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->norm_mean_row), float_image && !grey && self->shown_unnormalized);
  gtk_widget_set_visible (GTK_WIDGET (self->norm_std_row), float_image && !grey && self->shown_unnormalized);
  if (float_image && self->norm.channels > 0)
    {
      format_norm_text (self->norm.mean, self->norm.channels, GTK_EDITABLE (self->norm_mean_row));
      format_norm_text (self->norm.std, self->norm.channels, GTK_EDITABLE (self->norm_std_row));
      gtk_widget_remove_css_class (GTK_WIDGET (self->norm_mean_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->norm_std_row), "error");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->colormap_row), grey);
  gtk_widget_set_visible (self->range_row, grey);
  adw_combo_row_set_selected (self->colormap_row, self->colormap);
  if (grey)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      const SqSummary *summary = drey_array_panel_get_summary (self);
      double lo = self->lo, hi = self->hi;

      /* Grey over its own range: the range is the array's (uint8 as it is). */
      if (!isfinite (lo) && sq_dtype_get_kind (sq_ndarray_get_dtype (self->shown)) == SQ_DTYPE_KIND_UINT &&
          sq_dtype_get_itemsize (sq_ndarray_get_dtype (self->shown)) == 1)
        lo = 0, hi = 255;
      else if (!isfinite (lo) && summary != NULL && summary->n_finite > 0)
        lo = summary->min, hi = summary->max;
      gtk_editable_set_text (GTK_EDITABLE (self->range_lo_entry),
                             isfinite (lo) ? g_ascii_formatd (buffer, sizeof buffer, "%.6g", lo) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->range_hi_entry),
                             isfinite (hi) ? g_ascii_formatd (buffer, sizeof buffer, "%.6g", hi) : "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->range_lo_entry), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->range_hi_entry), "error");
    }
  gtk_widget_set_sensitive (self->range_auto_button, !self->range_auto);

  gtk_widget_set_visible (self->overlay_row, mask && self->backdrop != NULL);
  gtk_widget_set_visible (self->opacity_row, mask && self->backdrop != NULL && gtk_switch_get_active (self->overlay_switch));
  if (self->backdrop_name != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Over “%s”"), self->backdrop_name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->overlay_row), title);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->box_format_row), boxes);
  gtk_widget_set_visible (GTK_WIDGET (self->box_units_row), boxes);
  if (boxes)
    {
      adw_combo_row_set_selected (self->box_format_row, self->box_format);
      adw_combo_row_set_selected (self->box_units_row, self->box_normalized ? 1 : 0);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->pin_button), self->kind != VIEW_PLOT && self->kind != VIEW_NONE);
  self->updating = FALSE;
}

/* A class's colour, with a hairline so black shows on a dark window. */
static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  guint rgb = GPOINTER_TO_UINT (user_data);

  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  cairo_set_source_rgb (cr, (rgb >> 16) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* The legend: a row a class, its colour, its pixels. */
static void
show_legend (DreyArrayPanel *self)
{
  static const char *const class_words[] = { "classes", "class_names", "categories", "label_names", NULL };
  guint64 total;
  g_autofree char *description = NULL;
  SqValue *names;

  clear_rows (self->legend_group, self->legend_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->legend_group), self->classes != NULL);
  if (self->classes == NULL)
    return;
  total = sq_ndarray_get_n_elements (self->shown);
  names = find_names (self, class_words, 1);
  description = g_strdup_printf (ngettext ("%u class present", "%u classes present",
                                              self->classes->len), self->classes->len);
  adw_preferences_group_set_description (self->legend_group, description);

  for (guint i = 0; i < self->classes->len; i++)
    {
      const DreyLabelClass *c = &g_array_index (self->classes, DreyLabelClass, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *swatch = gtk_drawing_area_new ();
      g_autofree char *title = g_strdup_printf (_("Class %" G_GINT64_FORMAT), c->value);
      g_autofree char *count = _drey_format_count (c->count);
      /* Translators: a class's pixels and their share: "3,592 pixels (10.6%)" */
      g_autofree char *pixels = g_strdup_printf (ngettext ("%s pixel (%.1f%%)", "%s pixels (%.1f%%)", c->count),
                                                 count, 100.0 * (double) c->count / (double) MAX (total, 1));
      GtkWidget *label = gtk_label_new (pixels);
      guint8 rgb[3];

      /* The class's name, from the sample's list of them. */
      if (names != NULL && c->value >= 0 && (guint64) c->value < sq_value_get_length (names))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     sq_value_get_str (sq_value_get_item (names, (gsize) c->value), NULL));

      drey_palette_class_color (c->color, rgb);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                      GUINT_TO_POINTER ((guint) rgb[0] << 16 | (guint) rgb[1] << 8 | rgb[2]), NULL);
      gtk_widget_set_size_request (swatch, 18, 18);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, pixels, -1);
      adw_preferences_group_add (self->legend_group, row);
      g_ptr_array_add (self->legend_rows, row);
    }
}

/* Min, max, mean and std a channel. */
static void
show_channels (DreyArrayPanel         *self,
               const DreyChannelStats *stats,
               guint                   n)
{
  static const char *const names[] = { N_("Red"), N_("Green"), N_("Blue"), N_("Alpha") };

  clear_rows (self->channels_group, self->channel_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->channels_group), stats != NULL && n > 1);
  if (stats == NULL || n <= 1)
    return;
  for (guint c = 0; c < n; c++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Channel %u (%s)"), c, n >= 3 ? _(names[c]) : "");
      g_autofree char *min = _drey_format_figure (stats[c].min);
      g_autofree char *max = _drey_format_figure (stats[c].max);
      g_autofree char *mean = _drey_format_figure (stats[c].mean);
      g_autofree char *std = _drey_format_figure (stats[c].std);
      /* Translators: one channel's figures: "-2.1 to 2.6 · mean 0.05 · std 1.01" */
      g_autofree char *text = g_strdup_printf (_("%s to %s · mean %s · std %s"), min, max, mean, std);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (self->channels_group, row);
      g_ptr_array_add (self->channel_rows, row);
    }
}

/* The boxes, converted in the format picked, on the picture. */
static void
show_boxes (DreyArrayPanel *self)
{
  guint n = 0, w = drey_image_view_get_image_width (self->image_view), h = drey_image_view_get_image_height (self->image_view);
  g_autofree double *px = NULL;
  g_autofree DreyImageBox *boxes = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  if (self->kind != VIEW_BOXES || !drey_boxes_get_count (self->array, &n) || w == 0)
    return;
  px = drey_boxes_to_pixels (self->array, self->box_format, self->box_normalized, w, h);
  boxes = g_new0 (DreyImageBox, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 label_value = (gint64) i + 1;
      char *label = NULL;
      guint8 rgb[3];

      if (self->box_labels != NULL && sq_value_get_value_type (self->box_labels) == SQ_VALUE_NDARRAY)
        {
          SqNdarray *labels_array = sq_value_get_ndarray (self->box_labels);
          SqDtypeKind kind = sq_dtype_get_kind (sq_ndarray_get_dtype (labels_array));

          label = sq_ndarray_format_element (labels_array, i);
          if (kind == SQ_DTYPE_KIND_INT || kind == SQ_DTYPE_KIND_UINT)
            label_value = (gint64) sq_dtype_element_to_double (sq_ndarray_get_dtype (labels_array),
                                                               sq_ndarray_get_element_data (labels_array, i)) + 1;
        }
      else if (self->box_labels != NULL)
        {
          SqValue *item = sq_value_get_item (self->box_labels, i);

          if (sq_value_get_value_type (item) == SQ_VALUE_STR)
            label = g_strdup (sq_value_get_str (item, NULL));
          else
            label = sq_value_format (item, 40);
          if (sq_value_get_value_type (item) == SQ_VALUE_INT)
            label_value = sq_value_get_int (item) + 1;
        }
      else
        label = g_strdup_printf ("%u", i);
      /* Strings in sq_ndarray_format_element() come quoted: 'cat' reads cat. */
      if (label != NULL && label[0] == '\'' && strlen (label) >= 2 && label[strlen (label) - 1] == '\'')
        {
          char *bare = g_strndup (label + 1, strlen (label) - 2);

          g_free (label);
          label = bare;
        }
      /* The colour of its class (label 0 is black in masks: shifted by one). */
      drey_palette_class_color (MAX (label_value, 1), rgb);
      boxes[i].x0 = px[4 * i];
      boxes[i].y0 = px[4 * i + 1];
      boxes[i].x1 = px[4 * i + 2];
      boxes[i].y1 = px[4 * i + 3];
      boxes[i].rgb = (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
      boxes[i].label = label;
      g_ptr_array_add (labels, label);
    }
  drey_image_view_set_boxes (self->image_view, boxes, n);
}

static const char *
box_format_text (DreyBoxFormat format)
{
  switch (format)
    {
    case DREY_BOX_XYWH:
      return _("x, y, width, height");
    case DREY_BOX_CXCYWH:
      return _("centre x, centre y, width, height");
    case DREY_BOX_XYXY:
    default:
      return _("x0, y0, x1, y1");
    }
}

/* What the picture shows, under it. */
static void
show_caption (DreyArrayPanel *self)
{
  g_autoptr(GString) caption = g_string_new (NULL);
  guint w = drey_image_view_get_image_width (self->image_view);
  guint h = drey_image_view_get_image_height (self->image_view);
  DreyImageShape shape = { 0 };

  switch (self->kind)
    {
    case VIEW_IMAGE:
      {
        SqDtype *dtype = sq_ndarray_get_dtype (self->shown);
        SqDtypeKind kind = sq_dtype_get_kind (dtype);
        const char *mode;

        drey_image_get_shape (self->shown, &shape);
        mode = shape.channels == 1 ? _("grayscale") : shape.channels == 3 ? _("RGB") : _("RGBA");
        if (self->sub_image)
          {
            /* "Slice [3, 0, :, :], 24 × 32": numpy's index of what is shown. */
            GString *index = g_string_new ("[");

            for (guint d = 0; d < sq_ndarray_get_ndim (self->array); d++)
              {
                if (d > 0)
                  g_string_append (index, ", ");
                if (d < self->n_slider_axes)
                  g_string_append_printf (index, "%" G_GUINT64_FORMAT, self->slice.index[d]);
                else
                  g_string_append_c (index, ':');
              }
            g_string_append_c (index, ']');
            /* Translators: a slice of an N-D array and its rows × columns: "Slice [3, :, :], 24 × 32" */
            g_string_append_printf (caption, _("Slice %s, %u × %u"), index->str, h, w);
            if (shape.channels > 1)
              g_string_append_printf (caption, " %s", mode);
            g_string_free (index, TRUE);
          }
        else
          /* Translators: "28 × 28 grayscale": rows × columns, as the shape */
          g_string_append_printf (caption, _("%u × %u %s"), h, w, mode);
        if (shape.channels_first)
          g_string_append_printf (caption, " · %s", _("channels first"));
        if (self->shown_unnormalized)
          {
            g_string_append_c (caption, '\n');
            g_string_append (caption, self->norm_from_sample ? _("Normalization undone with the sample’s mean and std")
                                                             : _("Normalization undone with the mean and std below"));
          }
        else if (shape.channels == 1 && (self->colormap != DREY_COLORMAP_GREY || !self->range_auto) &&
                 kind != SQ_DTYPE_KIND_BOOL && isfinite (self->lo))
          {
            g_autofree char *lo = _drey_format_figure (self->lo);
            g_autofree char *hi = _drey_format_figure (self->hi);

            g_string_append_c (caption, '\n');
            /* Translators: "viridis from -1.5 to 2.25" */
            g_string_append_printf (caption, _("%s from %s to %s"), drey_colormap_get_name (self->colormap), lo, hi);
          }
        else if (!(kind == SQ_DTYPE_KIND_UINT && sq_dtype_get_itemsize (dtype) == 1) &&
                 kind != SQ_DTYPE_KIND_BOOL && drey_array_panel_get_summary (self) != NULL &&
                 drey_array_panel_get_summary (self)->n_finite > 0 && !self->sub_image)
          {
            const SqSummary *s = drey_array_panel_get_summary (self);
            gboolean finite = isfinite (s->min) && isfinite (s->max);
            g_autofree char *lo = _drey_format_figure (finite ? s->min : s->hist_min);
            g_autofree char *hi = _drey_format_figure (finite ? s->max : s->hist_max);

            g_string_append_c (caption, '\n');
            if (finite && s->min == s->max)
              g_string_append_printf (caption, _("Every value is %s, shown grey"), lo);
            else
              /* Translators: "Scaled from -1.5 to 2.25" */
              g_string_append_printf (caption, _("Scaled from %s to %s"), lo, hi);
          }
      }
      break;

    case VIEW_MASK:
      if (self->classes == NULL)
        g_string_append_printf (caption, _("%u × %u grayscale"), h, w);
      else
        {
          g_string_append_printf (caption, ngettext ("%u × %u mask of %u class",
                                                        "%u × %u mask of %u classes", self->classes->len),
                                  h, w, self->classes->len);
          if (self->backdrop != NULL && gtk_switch_get_active (self->overlay_switch))
            g_string_append_printf (caption, _(", over “%s” at %.0f%%"), self->backdrop_name,
                                    100 * gtk_adjustment_get_value (self->opacity));
          /* IDs of any size are a mask only by a guess: say so, and how to
           * undo it. */
          if (self->label_reading == DREY_LABEL_MAP_SPARSE)
            {
              g_autofree char *pixels = _drey_format_count (sq_ndarray_get_n_elements (self->shown));

              g_string_append_c (caption, '\n');
              g_string_append_printf (caption,
                                      ngettext ("Guessed a mask from its %u distinct value in %s pixels: "
                                                "Show Grey Levels if it is a picture",
                                                "Guessed a mask from its %u distinct values in %s pixels: "
                                                "Show Grey Levels if it is a picture", self->classes->len),
                                      self->classes->len, pixels);
            }
        }
      break;

    case VIEW_BOXES:
      {
        guint n = 0;
        DreyBoxGuess *g = &self->box_guess;

        drey_boxes_get_count (self->array, &n);
        g_string_append_printf (caption, ngettext ("%u box on “%s” (%u × %u)",
                                                      "%u boxes on “%s” (%u × %u)", n),
                                n, self->backdrop_name, h, w);
        if (self->box_labels_name != NULL)
          g_string_append_printf (caption, _(", labelled by “%s”"), self->box_labels_name);
        g_string_append_c (caption, '\n');
        g_string_append_printf (caption, "%s, %s", box_format_text (self->box_format),
                                self->box_normalized ? _("fractions of the image") : _("pixels"));
        if (g->n_fits == 1 && g->units_certain && self->box_format == g->format && self->box_normalized == g->normalized)
          g_string_append_printf (caption, " · %s", _("the only reading that fits every box"));
        else if (g->n_fits > 1 && self->box_format == g->format && self->box_normalized == g->normalized)
          g_string_append_printf (caption, " · %s", _("ambiguous: other formats fit these boxes too, pick one below"));
        else if (g->n_fits == 0)
          g_string_append_printf (caption, " · %s", _("no format fits every box inside the image"));
        else if (!g->units_certain)
          g_string_append_printf (caption, " · %s", _("units uncertain: the image is tiny"));
        else
          g_string_append_printf (caption, " · %s", _("as picked"));
      }
      break;

    case VIEW_HEATMAP:
      {
        g_autofree char *slice = drey_slice_format (&self->slice, self->array);
        g_autofree char *lo = _drey_format_figure (self->lo);
        g_autofree char *hi = _drey_format_figure (self->hi);

        /* Translators: "Slice [0, :, :], 32 × 32, viridis from -1 to 1" */
        g_string_append_printf (caption, _("Slice %s, %u × %u, %s from %s to %s"), slice, h, w,
                                drey_colormap_get_name (self->colormap), lo, hi);
      }
      break;

    case VIEW_PLOT:
    case VIEW_NONE:
    default:
      break;
    }

  gtk_label_set_label (self->image_caption, caption->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drey_image_view_get_canvas (self->image_view)),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption->str,
                                  -1);
}

/* ---- making the picture ------------------------------------------------- */

static void
set_has_image (DreyArrayPanel *self,
               gboolean        had_image)
{
  if (had_image != drey_array_panel_has_image (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_IMAGE]);
}

static void
render_done (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  DreyArrayPanel *self = DREY_ARRAY_PANEL (object);
  g_autoptr(GError) error = NULL;
  Result *result = g_task_propagate_pointer (G_TASK (res), &error);
  gboolean had_image = drey_array_panel_has_image (self);

  /* A cancelled request was replaced (or the panel went away): the newer
   * one owns the panel now. GTask reports a cancelled task as cancelled
   * even when its worker finished first. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&result, result_free);
      return;
    }
  g_clear_object (&self->cancellable);
  update_busy (self);
  if (result == NULL)
    return;

  if (self->kind == VIEW_PLOT)
    {
      drey_line_plot_set_series (self->line_plot, result->series, self->sample_rate);
      if (result->spectrogram != NULL)
        drey_line_plot_set_spectrogram (self->line_plot, result->spectrogram, result->spectrogram_surface);
      gtk_widget_set_visible (GTK_WIDGET (self->plot_group), TRUE);
      result_free (result);
      return;
    }

  if (self->kind == VIEW_MASK && result->classes == NULL)
    {
      /* Its values are no labels: an image after all. */
      self->kind = VIEW_IMAGE;
      g_clear_pointer (&self->backdrop, sq_ndarray_unref);
      g_clear_pointer (&self->backdrop_name, g_free);
      g_clear_pointer (&self->classes, g_array_unref);
      show_legend (self);
    }
  if (self->kind == VIEW_MASK)
    {
      g_clear_pointer (&self->classes, g_array_unref);
      self->classes = g_array_ref (result->classes);
      self->label_reading = result->reading;
      show_legend (self);
    }
  self->shown_unnormalized = result->unnormalized;
  if (isfinite (result->lo))
    {
      self->lo = result->lo;
      self->hi = result->hi;
    }
  show_channels (self, result->stats, result->n_stats);

  drey_image_view_set_image (self->image_view, result->surface, result->width, result->height);
  drey_image_view_set_overlay (self->image_view, result->overlay);
  drey_image_view_set_overlay_opacity (self->image_view, gtk_adjustment_get_value (self->opacity));
  drey_image_view_set_probe (self->image_view, probe_pixel, probe_new (self), (GDestroyNotify) probe_free);
  show_boxes (self);
  gtk_widget_set_visible (self->image_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->display_group), TRUE);
  update_controls (self);
  show_caption (self);
  set_has_image (self, had_image);
  result_free (result);
}

/* Asks a worker for the picture of what the controls say; the last
 * request is cancelled. */
static void
start_render (DreyArrayPanel *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->kind == VIEW_NONE)
    {
      update_busy (self);
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = self->kind;
  job->array = sq_ndarray_ref (self->shown);
  if (self->backdrop != NULL)
    job->backdrop = sq_ndarray_ref (self->backdrop);
  job->slice = self->slice;
  job->show_mode = self->show_mode;
  job->norm = self->norm;
  job->colormap = self->colormap;
  job->range_auto = self->range_auto;
  job->lo = self->lo;
  job->hi = self->hi;
  job->overlay = gtk_switch_get_active (self->overlay_switch);
  job->labels_asked = self->labels_asked;
  job->spectrogram = self->kind == VIEW_PLOT &&
                     sq_ndarray_get_n_elements (self->array) >= SPECTROGRAM_MIN_LENGTH &&
                     sq_dtype_get_kind (sq_ndarray_get_dtype (self->array)) == SQ_DTYPE_KIND_FLOAT;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, render_done, NULL);
  g_task_set_source_tag (task, start_render);
  g_task_set_name (task, "[drey] array picture");
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, render_thread);
  update_busy (self);
}

/* A mask, over the sample's image of its size if there is one. */
static void
setup_mask (DreyArrayPanel *self)
{
  guint w = 0, h = 0;
  const char *name = NULL;

  self->kind = VIEW_MASK;
  drey_label_map_get_size (self->array, &w, &h);
  g_clear_pointer (&self->backdrop, sq_ndarray_unref);
  g_clear_pointer (&self->backdrop_name, g_free);
  self->backdrop = find_backdrop (self, w, h, &name);
  if (self->backdrop != NULL)
    {
      sq_ndarray_ref (self->backdrop);
      self->backdrop_name = g_strdup (name);
    }
}

/* What the array is to look at (this file's comment lists the kinds). */
static void
choose_view (DreyArrayPanel *self)
{
  SqNdarray *array = self->array;
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  SqDtypeKind kind = sq_dtype_get_kind (dtype);
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  guint n_boxes = 0, w = 0, h = 0;
  const char *name = NULL;

  self->kind = VIEW_NONE;
  self->label_candidate = FALSE;
  self->labels_asked = FALSE;
  self->n_slider_axes = 0;
  self->sub_image = FALSE;
  if (ndim >= 2)
    drey_slice_init (&self->slice, array);
  if (!sq_dtype_is_numeric (dtype) || kind == SQ_DTYPE_KIND_COMPLEX || sq_ndarray_get_n_elements (array) == 0)
    return;

  if (ndim == 1 && shape[0] >= 2 && kind != SQ_DTYPE_KIND_DATETIME && kind != SQ_DTYPE_KIND_TIMEDELTA)
    {
      self->kind = VIEW_PLOT;
      self->sample_rate = find_sample_rate (self);
      return;
    }
  if (kind != SQ_DTYPE_KIND_BOOL && kind != SQ_DTYPE_KIND_INT && kind != SQ_DTYPE_KIND_UINT &&
      kind != SQ_DTYPE_KIND_FLOAT)
    return;

  if (drey_boxes_get_count (array, &n_boxes) && (self->backdrop = find_backdrop (self, 0, 0, &name)) != NULL)
    {
      DreyImageShape image;

      sq_ndarray_ref (self->backdrop);
      self->backdrop_name = g_strdup (name);
      drey_image_get_shape (self->backdrop, &image);
      drey_boxes_guess (array, image.width, image.height, &self->box_guess);
      self->box_format = self->box_guess.format;
      self->box_normalized = self->box_guess.normalized;
      self->box_labels = find_box_labels (self, n_boxes, &name);
      if (self->box_labels != NULL)
        {
          sq_value_ref (self->box_labels);
          self->box_labels_name = g_strdup (name);
        }
      self->kind = VIEW_BOXES;
      return;
    }
  if (drey_label_map_get_size (array, &w, &h))
    {
      self->label_candidate = TRUE;
      setup_mask (self);
      return;
    }
  if (drey_image_get_shape (array, NULL))
    {
      self->kind = VIEW_IMAGE;
      return;
    }
  /* N-D: the trailing axes as an image, if they read as one ... */
  if (ndim >= 3)
    for (guint lead = 1; lead + 2 <= ndim && lead <= ndim - 2; lead++)
      {
        g_autoptr(SqNdarray) sub = drey_slice_subarray (array, lead, (guint64[SQ_NDARRAY_MAX_DIMS]) { 0 });

        DreyImageShape sub_shape;

        if (sq_ndarray_get_ndim (sub) >= 2 && drey_image_get_shape (sub, &sub_shape))
          {
            self->kind = VIEW_IMAGE;
            self->n_slider_axes = lead;
            self->sub_image = TRUE;
            /* A slice of numbers, not a photo: a heatmap, as h5web shows one. */
            if (sub_shape.channels == 1 && kind != SQ_DTYPE_KIND_BOOL &&
                !(kind == SQ_DTYPE_KIND_UINT && sq_dtype_get_itemsize (dtype) == 1))
              self->colormap = DREY_COLORMAP_VIRIDIS;
            return;
          }
      }
  /* ... or the last two as a heatmap. */
  if (ndim >= 2 && shape[ndim - 2] >= HEATMAP_MIN_SIDE && shape[ndim - 1] >= HEATMAP_MIN_SIDE)
    {
      self->kind = VIEW_HEATMAP;
      self->n_slider_axes = ndim - 2;
      if (self->colormap == DREY_COLORMAP_GREY)
        self->colormap = DREY_COLORMAP_VIRIDIS;
    }
}

/* Puts the panel back to nothing shown. */
static void
clear_view (DreyArrayPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drey_image_view_set_image (self->image_view, NULL, 0, 0);
  drey_image_view_set_probe (self->image_view, NULL, NULL, NULL);
  drey_line_plot_set_series (self->line_plot, NULL, 0);
  drey_histogram_set_summary (self->histogram, NULL);
  drey_values_table_set_array (self->values_table, NULL, NULL);
  drey_string_view_set_text (self->string_view, NULL, 0);
  clear_rows (self->display_group, self->slider_rows);
  self->axes_offered = FALSE;
  show_axis_rows (self, FALSE);
  g_clear_pointer (&self->classes, g_array_unref);
  show_legend (self);
  show_channels (self, NULL, 0);
  gtk_widget_set_visible (self->image_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->plot_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->display_group), FALSE);
  g_clear_pointer (&self->shown, sq_ndarray_unref);
  g_clear_pointer (&self->backdrop, sq_ndarray_unref);
  g_clear_pointer (&self->backdrop_name, g_free);
  g_clear_pointer (&self->box_labels, sq_value_unref);
  g_clear_pointer (&self->box_labels_name, g_free);
  self->kind = VIEW_NONE;
  self->show_mode = SHOW_AUTO;
  self->shown_unnormalized = FALSE;
  self->range_auto = TRUE;
  self->colormap = DREY_COLORMAP_GREY;
  self->lo = self->hi = NAN;
  self->sample_rate = 0;
  memset (&self->box_guess, 0, sizeof self->box_guess);
}

/* The node's summary arrived (or failed): the figures, and the image's
 * caption, which says what range its greys span. */
static void
summary_changed (DreyArrayPanel *self)
{
  const SqSummary *summary = drey_array_panel_get_summary (self);

  if (summary != NULL)
    {
      show_summary (self, summary);
      if (drey_array_panel_has_image (self))
        show_caption (self);
    }
  else if (!drey_sample_node_get_summary_pending (self->node))
    {
      g_autofree char *text = g_strdup_printf (_("No statistics: %s"), drey_sample_node_get_value_text (self->node));

      gtk_label_set_label (self->no_summary_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->no_summary_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->summary_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->histogram_group), FALSE);
    }
  update_busy (self);
}

/* ---- the controls ------------------------------------------------------- */

static void
mode_changed (DreyArrayPanel *self)
{
  if (self->updating)
    return;
  if (self->label_candidate)
    drey_array_panel_set_classes (self, adw_combo_row_get_selected (self->mode_row) == 1);
  else
    drey_array_panel_set_unnormalize (self, adw_combo_row_get_selected (self->mode_row) == 1);
}

static void
norm_applied (AdwEntryRow    *row,
              DreyArrayPanel *self)
{
  double values[4];
  double *target = row == self->norm_mean_row ? self->norm.mean : self->norm.std;
  guint channels = MAX (self->norm.channels, 1);

  if (!drey_normalization_parse_text (gtk_editable_get_text (GTK_EDITABLE (row)), channels, values))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  memcpy (target, values, sizeof values);
  self->norm_from_sample = FALSE;
  self->show_mode = SHOW_UNNORMALIZED;
  start_render (self);
}

static void
colormap_changed (DreyArrayPanel *self)
{
  if (self->updating)
    return;
  drey_array_panel_set_colormap (self, adw_combo_row_get_selected (self->colormap_row));
}

static gboolean
entry_number (GtkEntry *entry,
              double   *out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end;

  *out = g_ascii_strtod (text, &end);
  while (*end == ' ')
    end++;
  if (end == text || *end != '\0' || !isfinite (*out))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return TRUE;
}

static void
range_changed (DreyArrayPanel *self)
{
  double lo, hi;

  if (self->updating)
    return;
  if (!entry_number (self->range_lo_entry, &lo) || !entry_number (self->range_hi_entry, &hi))
    return;
  drey_array_panel_set_range (self, lo, hi);
}

static void
range_auto_clicked (DreyArrayPanel *self)
{
  self->range_auto = TRUE;
  start_render (self);
}

static void
overlay_changed (DreyArrayPanel *self)
{
  if (self->updating || self->kind != VIEW_MASK)
    return;
  start_render (self);
}

static void
opacity_changed (DreyArrayPanel *self)
{
  drey_image_view_set_overlay_opacity (self->image_view, gtk_adjustment_get_value (self->opacity));
  if (self->kind == VIEW_MASK)
    show_caption (self);
}

static void
box_format_changed (DreyArrayPanel *self)
{
  if (self->updating)
    return;
  drey_array_panel_set_box_format (self, adw_combo_row_get_selected (self->box_format_row),
                                   adw_combo_row_get_selected (self->box_units_row) == 1);
}

static void
pin_toggled (DreyArrayPanel *self)
{
  drey_array_panel_set_pinned (self, gtk_toggle_button_get_active (self->pin_button));
}

/* ---- API ---------------------------------------------------------------- */

GtkWidget *
drey_array_panel_new (void)
{
  return g_object_new (DREY_TYPE_ARRAY_PANEL, NULL);
}

static void
show_string (DreyArrayPanel *self,
             SqValue        *value,
             const char     *title)
{
  gsize length;
  const char *text = sq_value_get_str (value, &length);

  gtk_label_set_label (self->string_title, title != NULL && *title != '\0' ? title : _("String"));
  drey_string_view_set_text (self->string_view, text, length);
  gtk_stack_set_visible_child_name (self->stack, "string");
}

/**
 * drey_array_panel_set_node:
 * @node: (nullable): the node of the array (or str) to show; %NULL clears
 *   the panel
 * @title: (nullable): its name in the sample, like "[3] › image"
 *
 * Shows what the array is at once; its figures are the node's summary
 * (worked out once, for the tree's row and the panel alike), and its
 * picture is made on a worker (see #DreyArrayPanel:busy), the last one
 * cancelled. A str shows as text.
 */
void
drey_array_panel_set_node (DreyArrayPanel *self,
                           DreySampleNode *node,
                           const char     *title)
{
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  SqDtype *dtype;
  gboolean numeric;
  gboolean had_image;

  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));
  g_return_if_fail (value == NULL || sq_value_get_value_type (value) == SQ_VALUE_NDARRAY ||
                    sq_value_get_value_type (value) == SQ_VALUE_STR);

  had_image = drey_array_panel_has_image (self);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_pointer (&self->array, sq_ndarray_unref);
  clear_view (self);
  set_has_image (self, had_image);
  g_free (self->title);
  self->title = g_strdup (title);

  if (node == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_busy (self);
      return;
    }
  if (sq_value_get_value_type (value) == SQ_VALUE_STR)
    {
      show_string (self, value, title);
      update_busy (self);
      return;
    }

  self->node = g_object_ref (node);
  self->array = sq_ndarray_ref (sq_value_get_ndarray (value));
  dtype = sq_ndarray_get_dtype (self->array);
  numeric = sq_dtype_is_numeric (dtype);

  choose_view (self);
  update_shown (self);
  setup_axes (self);
  show_facts (self, title);
  show_values (self);
  gtk_stack_set_visible_child_name (self->stack, "array");
  gtk_label_set_label (self->current_title, title);

  gtk_widget_set_visible (GTK_WIDGET (self->no_summary_label), !numeric);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), numeric);
  gtk_widget_set_visible (GTK_WIDGET (self->histogram_group), numeric);
  adw_preferences_group_set_description (self->summary_group, NULL);
  adw_preferences_group_set_description (self->histogram_group, NULL);
  if (!numeric)
    {
      g_autofree char *reason = no_summary_reason (dtype);

      gtk_label_set_label (self->no_summary_label, reason);
      update_busy (self);
      return;
    }

  if (self->kind == VIEW_IMAGE)
    {
      DreyImageShape shape;

      drey_image_get_shape (self->shown, &shape);
      self->norm_from_sample = find_normalization (self, shape.channels, &self->norm);
      if (!self->norm_from_sample)
        drey_normalization_init_imagenet (&self->norm, shape.channels);
      self->show_mode = self->norm_from_sample ? SHOW_UNNORMALIZED : SHOW_AUTO;
    }
  show_axis_rows (self, TRUE);
  add_slider_rows (self);

  show_summary_placeholder (self);
  g_signal_connect_object (node, "notify::value-text", G_CALLBACK (summary_changed), self, G_CONNECT_SWAPPED);
  drey_sample_node_request_summary (node);
  start_render (self);
  summary_changed (self);
}

/**
 * drey_array_panel_shows_string:
 * @value: a value
 *
 * Returns: whether @value is a str long enough for the panel to show
 *   (one that the tree's cell cannot show whole: a line of text or more)
 */
gboolean
drey_array_panel_shows_string (SqValue *value)
{
  gsize length;
  const char *text;

  g_return_val_if_fail (value != NULL, FALSE);

  if (sq_value_get_value_type (value) != SQ_VALUE_STR)
    return FALSE;
  text = sq_value_get_str (value, &length);
  return length > LONG_STRING || memchr (text, '\n', length) != NULL;
}

/**
 * drey_array_panel_get_array:
 *
 * Returns: (transfer none) (nullable): the array shown
 */
SqNdarray *
drey_array_panel_get_array (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->array;
}

/**
 * drey_array_panel_get_summary:
 *
 * Returns: (transfer none) (nullable): the array's figures; %NULL while the
 *   worker computes them, and for arrays that are not numeric
 */
const SqSummary *
drey_array_panel_get_summary (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->node != NULL ? drey_sample_node_get_summary (self->node) : NULL;
}

/**
 * drey_array_panel_get_busy:
 *
 * Returns: whether a worker is computing the figures or picture of the
 *   array shown
 */
gboolean
drey_array_panel_get_busy (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), FALSE);

  return self->busy;
}

/**
 * drey_array_panel_has_image:
 *
 * Returns: whether a picture of the array is shown (an image, a mask,
 *   boxes on their image, a slice)
 */
gboolean
drey_array_panel_has_image (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), FALSE);

  return self->image_view != NULL && drey_image_view_has_image (self->image_view);
}

/**
 * drey_array_panel_get_image_view:
 *
 * Returns: (transfer none): the view the picture is in
 */
DreyImageView *
drey_array_panel_get_image_view (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->image_view;
}

/**
 * drey_array_panel_get_pinned_view:
 *
 * Returns: (transfer none): the view of the pinned picture
 */
DreyImageView *
drey_array_panel_get_pinned_view (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->pinned_view;
}

/**
 * drey_array_panel_get_line_plot:
 *
 * Returns: (transfer none): the plot of a 1-D array
 */
DreyLinePlot *
drey_array_panel_get_line_plot (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->line_plot;
}

/**
 * drey_array_panel_get_values_table:
 *
 * Returns: (transfer none): the table of values
 */
DreyValuesTable *
drey_array_panel_get_values_table (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->values_table;
}

/**
 * drey_array_panel_get_string_view:
 *
 * Returns: (transfer none): the view of a str
 */
DreyStringView *
drey_array_panel_get_string_view (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->string_view;
}

/**
 * drey_array_panel_get_classes:
 *
 * Returns: (transfer none) (nullable) (element-type DreyLabelClass): the
 *   legend's classes, of a mask once the worker counted them
 */
GArray *
drey_array_panel_get_classes (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return self->classes;
}

/**
 * drey_array_panel_get_caption:
 *
 * Returns: what the line under the picture says
 */
const char *
drey_array_panel_get_caption (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), NULL);

  return gtk_label_get_label (self->image_caption);
}

/**
 * drey_array_panel_get_n_slice_axes:
 *
 * Returns: how many axes have a slider
 */
guint
drey_array_panel_get_n_slice_axes (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), 0);

  return self->n_slider_axes;
}

/**
 * drey_array_panel_set_slice_index:
 * @axis: an axis of the array that has a slider
 * @index: the index to show the slice at
 *
 * What moving the axis's slider does.
 */
void
drey_array_panel_set_slice_index (DreyArrayPanel *self,
                                  guint           axis,
                                  guint64         index)
{
  GtkWidget *row;

  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  row = NULL;
  for (guint i = 0; i < self->slider_rows->len; i++)
    if (GPOINTER_TO_UINT (g_object_get_data (self->slider_rows->pdata[i], "axis")) == axis)
      row = self->slider_rows->pdata[i];
  g_return_if_fail (row != NULL);
  for (GtkWidget *w = gtk_widget_get_first_child (row); w != NULL;)
    {
      if (GTK_IS_SPIN_BUTTON (w))
        {
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), (double) index);
          return;
        }
      /* Depth first: the suffixes sit a few boxes down. */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != row && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == row ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
}

/**
 * drey_array_panel_get_slice_axes:
 * @rows: (out) (optional): the axis down the picture and the table
 * @columns: (out) (optional): the axis across them
 *
 * Returns: whether the array's rows and columns can be picked (an N-D
 *   array shown as an image or a heatmap)
 */
gboolean
drey_array_panel_get_slice_axes (DreyArrayPanel *self,
                                 guint          *rows,
                                 guint          *columns)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), FALSE);

  if (rows != NULL)
    *rows = self->slice.row_axis;
  if (columns != NULL)
    *columns = self->slice.col_axis;
  return self->axes_offered;
}

/**
 * drey_array_panel_set_slice_axes:
 * @rows: the axis to show down the picture and the table
 * @columns: the axis to show across them (before @rows: transposed)
 *
 * What picking Rows and Columns does: any two axes of an N-D array show
 * as a heatmap (in the colormap, over the range) with a slider for every
 * other axis, and the values table shows the same slice. The axes the
 * panel chose first bring its own view back (an image with its channels).
 */
void
drey_array_panel_set_slice_axes (DreyArrayPanel *self,
                                 guint           rows,
                                 guint           columns)
{
  SqDtype *dtype;
  guint ndim;

  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));
  g_return_if_fail (self->axes_offered);
  ndim = sq_ndarray_get_ndim (self->array);
  g_return_if_fail (rows < ndim && columns < ndim && rows != columns);

  if (rows == self->slice.row_axis && columns == self->slice.col_axis)
    return;
  dtype = sq_ndarray_get_dtype (self->array);
  clear_rows (self->display_group, self->slider_rows);
  if (rows == self->default_rows && columns == self->default_columns)
    {
      self->kind = self->default_kind;
      self->sub_image = self->default_sub_image;
      self->n_slider_axes = self->default_n_sliders;
      for (guint d = 0; d < self->n_slider_axes; d++)
        self->slider_axes[d] = d;
    }
  else
    {
      self->kind = VIEW_HEATMAP;
      self->sub_image = FALSE;
      self->n_slider_axes = 0;
      for (guint d = 0; d < ndim; d++)
        if (d != rows && d != columns)
          self->slider_axes[self->n_slider_axes++] = d;
      /* Numbers in viridis, as a heatmap chosen by the panel; bytes stay grey. */
      if (self->colormap == DREY_COLORMAP_GREY &&
          !(sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_UINT && sq_dtype_get_itemsize (dtype) == 1))
        self->colormap = DREY_COLORMAP_VIRIDIS;
    }
  self->slice.row_axis = rows;
  self->slice.col_axis = columns;
  update_shown (self);
  show_values (self);
  show_axis_rows (self, FALSE);
  add_slider_rows (self);
  start_render (self);
}

/**
 * drey_array_panel_set_unnormalize:
 * @unnormalize: whether to undo the mean/std normalization of a float
 *   image (else it is scaled from its min to its max)
 */
void
drey_array_panel_set_unnormalize (DreyArrayPanel *self,
                                  gboolean        unnormalize)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  self->show_mode = unnormalize ? SHOW_UNNORMALIZED : SHOW_MIN_MAX;
  start_render (self);
}

/**
 * drey_array_panel_set_classes:
 * @classes: whether an integer picture shows as classes (a mask, in the
 *   categorical palette, with its legend) or as grey levels
 */
void
drey_array_panel_set_classes (DreyArrayPanel *self,
                              gboolean        classes)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  if (!self->label_candidate)
    return;
  if (classes)
    {
      setup_mask (self);
      self->labels_asked = TRUE;
    }
  else
    {
      self->kind = VIEW_IMAGE;
      g_clear_pointer (&self->classes, g_array_unref);
      show_legend (self);
    }
  start_render (self);
}

/**
 * drey_array_panel_set_overlay:
 * @overlay: whether a mask shows over the sample's image (else alone)
 */
void
drey_array_panel_set_overlay (DreyArrayPanel *self,
                              gboolean        overlay)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  gtk_switch_set_active (self->overlay_switch, overlay);
}

/**
 * drey_array_panel_set_colormap:
 *
 * The colormap of a one-channel picture (a grey image, a heatmap).
 */
void
drey_array_panel_set_colormap (DreyArrayPanel *self,
                               DreyColormap    colormap)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));
  g_return_if_fail (colormap < DREY_COLORMAP_N);

  if (self->colormap == colormap)
    return;
  self->colormap = colormap;
  self->range_auto = TRUE;
  start_render (self);
}

/**
 * drey_array_panel_set_range:
 * @lo: the value at the colormap's start
 * @hi: the value at its end
 *
 * The value range of a one-channel picture.
 */
void
drey_array_panel_set_range (DreyArrayPanel *self,
                            double          lo,
                            double          hi)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  self->lo = lo;
  self->hi = hi;
  self->range_auto = FALSE;
  start_render (self);
}

/**
 * drey_array_panel_set_box_format:
 * @format: how to read the boxes
 * @normalized: whether their values are fractions of the image's sides
 */
void
drey_array_panel_set_box_format (DreyArrayPanel *self,
                                 DreyBoxFormat   format,
                                 gboolean        normalized)
{
  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));
  g_return_if_fail (format < DREY_BOX_N_FORMATS);

  self->box_format = format;
  self->box_normalized = normalized;
  show_boxes (self);
  update_controls (self);
  show_caption (self);
}

/**
 * drey_array_panel_set_pinned:
 * @pinned: whether the picture shown now stays beside the next ones, at
 *   the same zoom and place, to compare them
 */
void
drey_array_panel_set_pinned (DreyArrayPanel *self,
                             gboolean        pinned)
{
  static const char *const names[] = { "zoom", "center-x", "center-y" };

  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));

  for (guint i = 0; i < G_N_ELEMENTS (self->pin_bindings); i++)
    g_clear_pointer (&self->pin_bindings[i], g_binding_unbind);
  if (pinned && drey_array_panel_has_image (self))
    {
      drey_image_view_copy_image (self->pinned_view, self->image_view);
      drey_image_view_set_probe (self->pinned_view, probe_pixel, probe_new (self), (GDestroyNotify) probe_free);
      gtk_label_set_label (self->pinned_title, self->title);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        self->pin_bindings[i] = g_object_bind_property (self->image_view, names[i], self->pinned_view, names[i],
                                                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }
  else
    {
      drey_image_view_set_image (self->pinned_view, NULL, 0, 0);
      drey_image_view_set_probe (self->pinned_view, NULL, NULL, NULL);
      pinned = FALSE;
    }
  gtk_widget_set_visible (self->pinned_box, pinned);
  if (gtk_toggle_button_get_active (self->pin_button) != pinned)
    gtk_toggle_button_set_active (self->pin_button, pinned);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pin_button),
                               pinned ? _("Unpin the Image on the Left")
                                      : _("Pin This Image to Compare It With the Next One"));
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_array_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DreyArrayPanel *self = DREY_ARRAY_PANEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_HAS_IMAGE:
      g_value_set_boolean (value, drey_array_panel_has_image (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_array_panel_dispose (GObject *object)
{
  DreyArrayPanel *self = DREY_ARRAY_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  for (guint i = 0; i < G_N_ELEMENTS (self->pin_bindings); i++)
    g_clear_pointer (&self->pin_bindings[i], g_binding_unbind);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_ARRAY_PANEL);
  g_clear_object (&self->node);
  g_clear_pointer (&self->array, sq_ndarray_unref);
  g_clear_pointer (&self->shown, sq_ndarray_unref);
  g_clear_pointer (&self->backdrop, sq_ndarray_unref);
  g_clear_pointer (&self->box_labels, sq_value_unref);
  g_clear_pointer (&self->classes, g_array_unref);
  G_OBJECT_CLASS (drey_array_panel_parent_class)->dispose (object);
}

static void
drey_array_panel_finalize (GObject *object)
{
  DreyArrayPanel *self = DREY_ARRAY_PANEL (object);

  g_free (self->title);
  g_free (self->backdrop_name);
  g_free (self->box_labels_name);
  g_ptr_array_unref (self->slider_rows);
  g_ptr_array_unref (self->legend_rows);
  g_ptr_array_unref (self->channel_rows);
  G_OBJECT_CLASS (drey_array_panel_parent_class)->finalize (object);
}

static void
drey_array_panel_class_init (DreyArrayPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_array_panel_dispose;
  object_class->finalize = drey_array_panel_finalize;
  object_class->get_property = drey_array_panel_get_property;

  /**
   * DreyArrayPanel:busy:
   *
   * Whether a worker is computing the figures and picture of the array;
   * notified when they arrive.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_IMAGE] =
    g_param_spec_boolean ("has-image", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DREY_TYPE_HISTOGRAM);
  g_type_ensure (DREY_TYPE_IMAGE_VIEW);
  g_type_ensure (DREY_TYPE_LINE_PLOT);
  g_type_ensure (DREY_TYPE_STRING_VIEW);
  g_type_ensure (DREY_TYPE_VALUES_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-array-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, name)
  BIND (stack);
  BIND (title_label);
  BIND (subtitle_label);
  BIND (image_box);
  BIND (pinned_box);
  BIND (pinned_title);
  BIND (pinned_view);
  BIND (current_title);
  BIND (image_view);
  BIND (image_caption);
  BIND (plot_group);
  BIND (line_plot);
  BIND (display_group);
  BIND (pin_button);
  BIND (mode_row);
  BIND (norm_mean_row);
  BIND (norm_std_row);
  BIND (colormap_row);
  BIND (range_row);
  BIND (range_lo_entry);
  BIND (range_hi_entry);
  BIND (range_auto_button);
  BIND (overlay_row);
  BIND (overlay_switch);
  BIND (opacity_row);
  BIND (opacity);
  BIND (box_format_row);
  BIND (box_units_row);
  BIND (rows_axis_row);
  BIND (columns_axis_row);
  BIND (legend_group);
  BIND (channels_group);
  BIND (dtype_row);
  BIND (dtype_label);
  BIND (shape_row);
  BIND (shape_label);
  BIND (elements_row);
  BIND (elements_label);
  BIND (size_row);
  BIND (size_label);
  BIND (byte_order_row);
  BIND (byte_order_label);
  BIND (no_summary_label);
  BIND (summary_group);
  BIND (spinner);
  BIND (min_row);
  BIND (min_label);
  BIND (max_row);
  BIND (max_label);
  BIND (mean_row);
  BIND (mean_label);
  BIND (std_row);
  BIND (std_label);
  BIND (nan_row);
  BIND (nan_label);
  BIND (inf_row);
  BIND (inf_label);
  BIND (zero_row);
  BIND (zero_label);
  BIND (histogram_group);
  BIND (histogram);
  BIND (values_group);
  BIND (values_table);
  BIND (string_title);
  BIND (string_view);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "arraypanel");
}

static void
drey_array_panel_init (DreyArrayPanel *self)
{
  static const char *const colormaps[] = { N_("Grey"), N_("Viridis"), N_("Diverging (Blue–Red)"), NULL };
  static const char *const formats[] = { N_("x0, y0, x1, y1 (xyxy)"), N_("x, y, width, height (xywh)"),
                                         N_("Centre x, y, width, height (cxcywh)"), NULL };
  static const char *const units[] = { N_("Pixels"), N_("Fractions of the Image"), NULL };
  const char *translated[4] = { NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->slider_rows = g_ptr_array_new ();
  self->legend_rows = g_ptr_array_new ();
  self->channel_rows = g_ptr_array_new ();
  self->lo = self->hi = NAN;
  self->range_auto = TRUE;

  for (guint i = 0; colormaps[i] != NULL; i++)
    translated[i] = _(colormaps[i]);
  set_combo_strings (self->colormap_row, translated, 0);
  for (guint i = 0; formats[i] != NULL; i++)
    translated[i] = _(formats[i]);
  set_combo_strings (self->box_format_row, translated, 0);
  translated[2] = NULL;
  for (guint i = 0; units[i] != NULL; i++)
    translated[i] = _(units[i]);
  set_combo_strings (self->box_units_row, translated, 0);

  g_signal_connect_swapped (self->mode_row, "notify::selected", G_CALLBACK (mode_changed), self);
  g_signal_connect (self->norm_mean_row, "apply", G_CALLBACK (norm_applied), self);
  g_signal_connect (self->norm_std_row, "apply", G_CALLBACK (norm_applied), self);
  g_signal_connect_swapped (self->colormap_row, "notify::selected", G_CALLBACK (colormap_changed), self);
  g_signal_connect_swapped (self->range_lo_entry, "activate", G_CALLBACK (range_changed), self);
  g_signal_connect_swapped (self->range_hi_entry, "activate", G_CALLBACK (range_changed), self);
  g_signal_connect_swapped (self->range_auto_button, "clicked", G_CALLBACK (range_auto_clicked), self);
  g_signal_connect_swapped (self->overlay_switch, "notify::active", G_CALLBACK (overlay_changed), self);
  g_signal_connect_swapped (self->opacity, "value-changed", G_CALLBACK (opacity_changed), self);
  g_signal_connect_swapped (self->box_format_row, "notify::selected", G_CALLBACK (box_format_changed), self);
  g_signal_connect_swapped (self->box_units_row, "notify::selected", G_CALLBACK (box_format_changed), self);
  g_signal_connect_swapped (self->pin_button, "toggled", G_CALLBACK (pin_toggled), self);
  g_signal_connect_swapped (self->rows_axis_row, "notify::selected", G_CALLBACK (rows_axis_changed), self);
  g_signal_connect_swapped (self->columns_axis_row, "notify::selected", G_CALLBACK (columns_axis_changed), self);
}
