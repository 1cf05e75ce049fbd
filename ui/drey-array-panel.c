/* drey-array-panel.c: what the selected array holds
 *
 * What the array is (dtype, shape, size, byte order) and its first values
 * show at once; they cost nothing. The figures (sq_summary_new()) and the
 * image preview read every element, so one worker computes both, and the
 * panel shows them when it is done. A new array cancels the worker of the
 * last one, whose result is never shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-array-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>


#include "drey-array-panel.h"
#include "drey-format-private.h"
#include "drey-histogram.h"
#include "drey-image.h"
#include "drey-image-preview.h"

/* The longer side small images are enlarged towards: an 8x8 digit 32x. */
#define PREVIEW_SIDE 256
/* The table of first values: a 2-D slice's first rows and columns, or the
 * first elements of a vector, this many to a row. */
#define TABLE_ROWS 8
#define TABLE_COLUMNS 8
#define VECTOR_VALUES 32
#define CELL_MAX_CHARS 16
/* What a row of the table may take, in characters: what fits the panel
 * at its narrowest (380 pixels). */
#define TABLE_LINE_CHARS 44

struct _DreyArrayPanel
{
  GtkWidget            parent_instance;

  /* template */
  GtkStack            *stack;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkWidget           *image_box;
  DreyImagePreview    *image_preview;
  GtkLabel            *image_caption;
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
  GtkWidget           *values_card;
  GtkGrid             *values_grid;

  DreySampleNode      *node;     /* the array's, whose summary it shows */
  SqNdarray           *array;
  GCancellable        *cancellable; /* the image preview being made */
  gboolean             busy;
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

/* ---- the worker --------------------------------------------------------- */

static void
texture_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = drey_image_preview_texture_for_array (task_data, PREVIEW_SIDE, cancellable, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
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

/* "224 × 224 × 3" from sq_ndarray_format_shape()'s "224x224x3". */
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

static GtkWidget *
header_label_new (const char *text,
                  float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static GtkWidget *
cell_label_new (const char *text,
                gboolean    numeric,
                const char *accessible_label)
{
  g_autofree char *spoken = g_strdup_printf ("%s: %s", accessible_label, text);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0f : 0.0f);
  gtk_label_set_max_width_chars (GTK_LABEL (label), CELL_MAX_CHARS);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (g_utf8_strlen (text, -1) > CELL_MAX_CHARS)
    gtk_widget_set_tooltip_text (label, text);
  gtk_widget_add_css_class (label, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);
  return label;
}

/* How many columns of values @widest characters wide fit a row of the
 * table, after its row numbers. */
static guint
fitting_columns (guint widest)
{
  return MAX (1, (TABLE_LINE_CHARS - 4) / (MIN (widest, CELL_MAX_CHARS) + 2));
}

/* Every column of values as wide as the widest value, as in a table. */
static void
even_out_cells (GtkGrid *grid)
{
  int width = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (grid)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!gtk_widget_has_css_class (child, "dim-label"))
      width = MAX (width, (int) g_utf8_strlen (gtk_label_get_label (GTK_LABEL (child)), -1));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (grid)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!gtk_widget_has_css_class (child, "dim-label"))
      gtk_label_set_width_chars (GTK_LABEL (child), MIN (width, CELL_MAX_CHARS));
}

/* The first values: a vector VECTOR_VALUES at most, up to TABLE_COLUMNS to
 * a row headed by the index it starts at; a matrix, or the first 2-D slice
 * of a higher array, TABLE_ROWS x TABLE_COLUMNS at most with row and
 * column numbers. Long values take fewer columns, so the table fits the
 * panel at its narrowest. */
static void
show_values (DreyArrayPanel *self)
{
  SqNdarray *array = self->array;
  guint ndim = sq_ndarray_get_ndim (array);
  const guint64 *shape = sq_ndarray_get_shape (array);
  gboolean numeric = sq_dtype_is_numeric (sq_ndarray_get_dtype (array));
  guint64 n = sq_ndarray_get_n_elements (array);
  g_autofree char *shape_text = format_shape (array);
  g_autofree char *description = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->values_grid))) != NULL)
    gtk_grid_remove (self->values_grid, child);

  if (n == 0)
    {
      description = g_strdup (_("The array is empty."));
    }
  else if (ndim == 0)
    {
      g_autofree char *text = sq_ndarray_format_element (array, 0);

      gtk_grid_attach (self->values_grid, cell_label_new (text, numeric, _("Value")), 0, 0, 1, 1);
      description = g_strdup (_("A single value"));
    }
  else if (ndim == 1)
    {
      guint shown = (guint) MIN (n, VECTOR_VALUES);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      guint widest = 1, columns = TABLE_COLUMNS;

      for (guint i = 0; i < shown; i++)
        {
          char *text = sq_ndarray_format_element (array, i);

          widest = MAX (widest, (guint) g_utf8_strlen (text, -1));
          g_ptr_array_add (texts, text);
        }
      /* A vector has no columns of its own: as many to a row as fit a
       * narrow panel, 8, 4, 2 or 1. */
      while (columns > 1 && fitting_columns (widest) < columns)
        columns /= 2;

      for (guint i = 0; i < shown; i++)
        {
          g_autofree char *spoken = g_strdup_printf (_("Element %u"), i);

          if (i % columns == 0)
            {
              g_autofree char *start = g_strdup_printf ("[%u]", i);

              gtk_grid_attach (self->values_grid, header_label_new (start, 1.0f), 0, i / columns, 1, 1);
            }
          gtk_grid_attach (self->values_grid, cell_label_new (texts->pdata[i], numeric, spoken),
                           1 + i % columns, i / columns, 1, 1);
        }
      if (n == 1)
        description = g_strdup (_("The only value"));
      else if (shown == n)
        description = g_strdup_printf (_("All %s values"), shape_text);
      else
        {
          g_autofree char *total = _drey_format_count (n);

          description = g_strdup_printf (_("The first %u of %s values"), shown, total);
        }
    }
  else
    {
      guint64 n_rows = shape[ndim - 2];
      guint64 n_columns = shape[ndim - 1];
      guint rows = (guint) MIN (n_rows, TABLE_ROWS);
      guint columns = (guint) MIN (n_columns, TABLE_COLUMNS);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) slice = g_string_new ("[");
      guint widest = 1;

      /* Leading indices are all 0: row r of the slice starts at r × n_columns. */
      for (guint r = 0; r < rows; r++)
        for (guint c = 0; c < columns; c++)
          {
            char *text = sq_ndarray_format_element (array, r * n_columns + c);

            widest = MAX (widest, (guint) g_utf8_strlen (text, -1));
            g_ptr_array_add (texts, text);
          }
      /* No wider than a narrow panel: fewer columns of long numbers. */
      while (columns > 1 && fitting_columns (widest) < columns)
        columns--;

      for (guint c = 0; c < columns; c++)
        {
          g_autofree char *number = g_strdup_printf ("%u", c);

          gtk_grid_attach (self->values_grid, header_label_new (number, 1.0f), 1 + c, 0, 1, 1);
        }
      if (columns < n_columns)
        gtk_grid_attach (self->values_grid, header_label_new ("…", 0.0f), 1 + columns, 0, 1, 1);

      for (guint r = 0; r < rows; r++)
        {
          g_autofree char *number = g_strdup_printf ("%u", r);

          gtk_grid_attach (self->values_grid, header_label_new (number, 1.0f), 0, 1 + r, 1, 1);
          for (guint c = 0; c < columns; c++)
            {
              g_autofree char *spoken = g_strdup_printf (_("Row %u, column %u"), r, c);
              const char *text = texts->pdata[r * MIN (n_columns, TABLE_COLUMNS) + c];

              gtk_grid_attach (self->values_grid, cell_label_new (text, numeric, spoken),
                               1 + c, 1 + r, 1, 1);
            }
        }
      if (rows < n_rows)
        gtk_grid_attach (self->values_grid, header_label_new ("⋮", 1.0f), 0, 1 + rows, 1, 1);

      for (guint d = 0; d + 2 < ndim; d++)
        g_string_append (slice, "0, ");
      if (rows < n_rows)
        g_string_append_printf (slice, ":%u, ", rows);
      else
        g_string_append (slice, ":, ");
      if (columns < n_columns)
        g_string_append_printf (slice, ":%u]", columns);
      else
        g_string_append (slice, ":]");

      if (ndim == 2 && rows == n_rows && columns == n_columns)
        description = g_strdup_printf (_("All %s values"), shape_text);
      else if (ndim == 2)
        description = g_strdup_printf (_("The first %u × %u of %s, %s"), rows, columns, shape_text, slice->str);
      else
        /* Translators: "Slice [0, :8, :8] of 3 × 32 × 32" */
        description = g_strdup_printf (_("Slice %s of %s"), slice->str, shape_text);
    }

  even_out_cells (self->values_grid);
  adw_preferences_group_set_description (self->values_group, description);
  gtk_widget_set_visible (self->values_card, n > 0);
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
show_image (DreyArrayPanel *self,
            GdkTexture     *texture)
{
  SqDtype *dtype = sq_ndarray_get_dtype (self->array);
  SqDtypeKind kind = sq_dtype_get_kind (dtype);
  DreyImageShape image;
  guint width, height, channels;
  gboolean channels_first;
  g_autoptr(GString) caption = g_string_new (NULL);
  g_autofree char *spoken = NULL;
  const char *mode;
  guint zoom;

  gboolean had_image = drey_array_panel_has_image (self);

  drey_image_preview_set_texture (self->image_preview, texture);
  gtk_widget_set_visible (self->image_box, texture != NULL);
  if (had_image != (texture != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_IMAGE]);
  if (texture == NULL)
    return;

  drey_image_get_shape (self->array, &image);
  width = image.width;
  height = image.height;
  channels = image.channels;
  channels_first = image.channels_first;
  mode = channels == 1 ? _("grayscale") : channels == 3 ? _("RGB") : _("RGBA");
  zoom = (guint) gdk_texture_get_width (texture) / width;

  /* Translators: "28 × 28 grayscale" */
  g_string_append_printf (caption, _("%u × %u %s"), width, height, mode);
  spoken = g_strdup_printf (_("Image preview, %s"), caption->str);
  if (channels_first)
    g_string_append_printf (caption, " · %s", _("channels first"));
  if (zoom > 1)
    /* Translators: how much a small image is enlarged: "enlarged 32×" */
    g_string_append_printf (caption, _(" · enlarged %u×"), zoom);
  /* What the grey levels mean, for all but uint8 and bool, on a line of
   * its own. The preview scales to the finite range, which the summary
   * has: min and max when they are finite, the histogram's range if not. */
  if (!(kind == SQ_DTYPE_KIND_UINT && sq_dtype_get_itemsize (dtype) == 1) &&
      kind != SQ_DTYPE_KIND_BOOL && drey_array_panel_get_summary (self) != NULL &&
      drey_array_panel_get_summary (self)->n_finite > 0)
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

  gtk_label_set_label (self->image_caption, caption->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image_preview),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, caption->str,
                                  -1);
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

static void
texture_done (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  DreyArrayPanel *self = DREY_ARRAY_PANEL (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (res), &error);

  /* A cancelled request was replaced (or the panel went away): the newer
   * one owns the panel now. GTask reports a cancelled task as cancelled
   * even when its worker finished first. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (texture != NULL)
    show_image (self, texture);
  update_busy (self);
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
        show_image (self, drey_image_preview_get_texture (self->image_preview));
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

/* ---- API ---------------------------------------------------------------- */

GtkWidget *
drey_array_panel_new (void)
{
  return g_object_new (DREY_TYPE_ARRAY_PANEL, NULL);
}

/**
 * drey_array_panel_set_node:
 * @node: (nullable): the node of the array to show; %NULL clears the panel
 * @title: (nullable): its name in the sample, like "[3] › image"
 *
 * Shows what the array is at once; its figures are the node's summary
 * (worked out once, for the tree's row and the panel alike), and its image
 * preview is made on a worker (see #DreyArrayPanel:busy), the last one
 * cancelled.
 */
void
drey_array_panel_set_node (DreyArrayPanel *self,
                           DreySampleNode *node,
                           const char     *title)
{
  g_autoptr(GTask) task = NULL;
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  SqNdarray *array;
  SqDtype *dtype;
  gboolean numeric;
  gboolean had_image;

  g_return_if_fail (DREY_IS_ARRAY_PANEL (self));
  g_return_if_fail (value == NULL || sq_value_get_value_type (value) == SQ_VALUE_NDARRAY);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_pointer (&self->array, sq_ndarray_unref);

  had_image = drey_array_panel_has_image (self);
  drey_image_preview_set_texture (self->image_preview, NULL);
  gtk_widget_set_visible (self->image_box, FALSE);
  drey_histogram_set_summary (self->histogram, NULL);
  if (had_image)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_IMAGE]);

  if (node == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_busy (self);
      return;
    }

  self->node = g_object_ref (node);
  array = self->array = sq_ndarray_ref (sq_value_get_ndarray (value));
  dtype = sq_ndarray_get_dtype (array);
  numeric = sq_dtype_is_numeric (dtype);

  show_facts (self, title);
  show_values (self);
  gtk_stack_set_visible_child_name (self->stack, "array");

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

  show_summary_placeholder (self);
  g_signal_connect_object (node, "notify::value-text", G_CALLBACK (summary_changed), self, G_CONNECT_SWAPPED);
  drey_sample_node_request_summary (node);

  if (drey_image_get_shape (array, NULL))
    {
      self->cancellable = g_cancellable_new ();
      task = g_task_new (self, self->cancellable, texture_done, NULL);
      g_task_set_source_tag (task, drey_array_panel_set_node);
      g_task_set_name (task, "[drey] image preview");
      g_task_set_task_data (task, sq_ndarray_ref (array), (GDestroyNotify) sq_ndarray_unref);
      g_task_run_in_thread (task, texture_thread);
    }
  summary_changed (self);
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
 * Returns: whether a worker is computing the figures of the array shown
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
 * Returns: whether an image preview is shown: the array reads as an image
 *   and the worker has made the picture
 */
gboolean
drey_array_panel_has_image (DreyArrayPanel *self)
{
  g_return_val_if_fail (DREY_IS_ARRAY_PANEL (self), FALSE);

  return self->image_preview != NULL && drey_image_preview_get_texture (self->image_preview) != NULL;
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
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_ARRAY_PANEL);
  g_clear_object (&self->node);
  g_clear_pointer (&self->array, sq_ndarray_unref);
  G_OBJECT_CLASS (drey_array_panel_parent_class)->dispose (object);
}

static void
drey_array_panel_class_init (DreyArrayPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_array_panel_dispose;
  object_class->get_property = drey_array_panel_get_property;

  /**
   * DreyArrayPanel:busy:
   *
   * Whether a worker is computing the figures and preview of the array;
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
  g_type_ensure (DREY_TYPE_IMAGE_PREVIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-array-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, image_box);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, image_preview);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, image_caption);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, dtype_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, dtype_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, shape_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, shape_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, elements_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, elements_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, size_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, size_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, byte_order_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, byte_order_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, no_summary_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, summary_group);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, min_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, min_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, max_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, max_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, mean_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, mean_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, std_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, std_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, nan_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, nan_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, inf_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, inf_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, zero_row);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, zero_label);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, histogram_group);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, histogram);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, values_group);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, values_card);
  gtk_widget_class_bind_template_child (widget_class, DreyArrayPanel, values_grid);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "arraypanel");
}

static void
drey_array_panel_init (DreyArrayPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
