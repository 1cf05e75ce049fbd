/* drey-field-row.c: one field of the store overview's schema, a single
 * widget that draws its header
 *
 * Looks and behaves as libadwaita's expander row: the field's path, the
 * types or patterns it holds under it, then the share of samples that
 * hold it, a warning button when it drifts (its popover says how and
 * lists the first samples concerned; picking one emits
 * "sample-activated"), and the arrow. A click or Enter expands it: rows
 * of its numbers, array elements, most frequent values and histogram,
 * made when it is first expanded and updated whenever its DreyFieldItem's
 * "stats" is.
 *
 * Why drawn: GTK 4.8's list view makes about 200 rows whatever is in
 * sight, and a store's fields come at once when its scan ends. Made of
 * libadwaita's expander row, each row was some twenty widgets and 1.5 ms,
 * so a tabular store of 1,500 columns held the window for 300 ms; drawn
 * from two PangoLayouts with the arrow its one child, a row costs what a
 * label does (tests/test-store-view.c, /store-view/wide-schema). The
 * CSS nodes are the expander row's (row.expander, image.expander-row-arrow,
 * list.nested), so libadwaita's styles for those apply; style.css joins
 * the rows into one card.
 *
 * The list view binds a row to one field, then another as it scrolls:
 * the row shows the item it is given, and whether it is expanded is the
 * overview's to remember.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-field-row"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-field-row.h"
#include "drey-histogram.h"
#include "drey-sample-node.h"

/* Samples listed per drift in its popover. */
#define DRIFT_SAMPLES 12

/* libadwaita 1.2's action row: its header's margins, spacing and least
 * height, the title box's margins and spacing, the subtitle's size
 * ("smaller") and the dim labels' opacity. */
#define MARGIN          12
#define SPACING         6
#define MIN_HEADER      50
#define TITLE_MARGIN    6
#define TITLE_SPACING   3
#define SUBTITLE_SCALE  (1 / 1.2)
#define DIM_OPACITY     0.55
#define DIM_OPACITY_HC  0.9
/* A subtitle of many types wraps, to this many lines at most. */
#define SUBTITLE_LINES  4
/* What the texts keep at least in a narrow window. */
#define MIN_TEXT_WIDTH  80

struct _DreyFieldRow
{
  GtkWidget      parent_instance;

  DreyFieldItem *item;
  PangoLayout   *title_layout;
  PangoLayout   *subtitle_layout;
  PangoLayout   *presence_layout;
  GtkWidget     *arrow;
  GtkWidget     *drift_button;  /* made for the first field that drifts */
  GtkWidget     *drift_box;     /* made when its popover first opens */
  gboolean       expanded;
  gboolean       hover;         /* the pointer is over the header */

  /* Where the allocation put things */
  int            header_height;
  int            text_x;
  int            text_width;
  int            presence_x;

  /* The expanded part, made when the row is first expanded */
  GtkWidget     *details;
  AdwActionRow  *numbers_row;
  AdwActionRow  *elements_row;
  AdwActionRow  *top_row;
  AdwActionRow  *histogram_row;
  DreyHistogram *histogram;
};

G_DEFINE_FINAL_TYPE (DreyFieldRow, drey_field_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EXPANDED,
  N_PROPS
};

enum {
  SAMPLE_ACTIVATED,
  TOGGLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
format_number (double v)
{
  return drey_format_number (v, 6);
}

static char *
format_numbers (const SqFieldNumbers *numbers)
{
  g_autofree char *min = format_number (numbers->min);
  g_autofree char *max = format_number (numbers->max);
  g_autofree char *mean = format_number (numbers->mean);
  g_autofree char *std = format_number (numbers->std);
  GString *text = g_string_new (NULL);

  g_string_printf (text, _("min %s · max %s · mean %s · std %s"), min, max, mean, std);
  if (numbers->n_nan > 0)
    g_string_append_printf (text, _(" · %" G_GUINT64_FORMAT " NaN"), numbers->n_nan);
  if (numbers->n_inf > 0)
    g_string_append_printf (text, _(" · %" G_GUINT64_FORMAT " infinite"), numbers->n_inf);
  return g_string_free (text, FALSE);
}

static gboolean
shows_drift_button (DreyFieldRow *self)
{
  return self->drift_button != NULL && gtk_widget_get_visible (self->drift_button);
}

static gboolean
shows_details (DreyFieldRow *self)
{
  return self->details != NULL && self->expanded;
}

/* ---- the drift popover -------------------------------------------------- */

static void
activate_drift_sample (GtkButton    *button,
                       DreyFieldRow *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "drey-key");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "drey-index"));

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->drift_button));
  if (self->item != NULL)
    g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, key, index, drey_field_item_get_path (self->item));
}

/* Each drift's sentence, then the first samples it concerns. */
static void
fill_drift_box (DreyFieldRow *self,
                GPtrArray    *drifts)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->drift_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->drift_box), child);
  for (guint i = 0; i < drifts->len; i++)
    {
      SqDrift *drift = g_ptr_array_index (drifts, i);
      GtkWidget *label = gtk_label_new (sq_drift_get_description (drift));
      GtkWidget *flow = gtk_flow_box_new ();
      guint n = MIN (sq_drift_get_n_sample_refs (drift), DRIFT_SAMPLES);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 44);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (self->drift_box), label);
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 3);
      for (guint s = 0; s < n; s++)
        {
          guint index = 0;
          const char *key = sq_drift_get_sample_ref (drift, s, &index);
          g_autofree char *text = g_strdup_printf ("%s [%u]", key, index);
          GtkWidget *button = gtk_button_new_with_label (text);

          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _("Open this sample"));
          g_object_set_data_full (G_OBJECT (button), "drey-key", g_strdup (key), g_free);
          g_object_set_data (G_OBJECT (button), "drey-index", GUINT_TO_POINTER (index));
          g_signal_connect (button, "clicked", G_CALLBACK (activate_drift_sample), self);
          gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
        }
      if (n > 0)
        gtk_box_append (GTK_BOX (self->drift_box), flow);
      if (sq_drift_get_n_samples (drift) > n)
        {
          g_autofree char *more = g_strdup_printf (_("and %" G_GUINT64_FORMAT " more samples"),
                                                   sq_drift_get_n_samples (drift) - n);
          GtkWidget *more_label = gtk_label_new (more);

          gtk_label_set_xalign (GTK_LABEL (more_label), 0);
          gtk_widget_add_css_class (more_label, "dim-label");
          gtk_box_append (GTK_BOX (self->drift_box), more_label);
        }
    }
}

/* Before the popover opens: made the first time, filled each time. */
static void
create_drift_popup (GtkMenuButton *button,
                    gpointer       data)
{
  DreyFieldRow *self = data;

  if (self->drift_box == NULL)
    {
      GtkWidget *popover = gtk_popover_new ();

      self->drift_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_margin_start (self->drift_box, 6);
      gtk_widget_set_margin_end (self->drift_box, 6);
      gtk_widget_set_margin_top (self->drift_box, 6);
      gtk_widget_set_margin_bottom (self->drift_box, 6);
      gtk_popover_set_child (GTK_POPOVER (popover), self->drift_box);
      gtk_menu_button_set_popover (button, popover);
    }
  if (self->item != NULL)
    fill_drift_box (self, drey_field_item_get_drifts (self->item));
}

static void
ensure_drift_button (DreyFieldRow *self)
{
  if (self->drift_button != NULL)
    return;
  self->drift_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->drift_button), "dialog-warning-symbolic");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->drift_button), create_drift_popup, self, NULL);
  gtk_widget_set_valign (self->drift_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->drift_button, "flat");
  gtk_widget_add_css_class (self->drift_button, "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->drift_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("How this field drifts"), -1);
  gtk_widget_insert_before (self->drift_button, GTK_WIDGET (self), self->arrow);
}

/* ---- the expanded part -------------------------------------------------- */

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && *text != '\0');
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
}

/* Numbers, array elements, top values, histogram. */
static void
update_details (DreyFieldRow *self,
                SqFieldStats *stats)
{
  g_autofree char *numbers_text = NULL;
  g_autofree char *elements_text = NULL;
  const SqFieldNumbers *numbers;
  const SqCount *top;
  guint n_top = 0;
  guint64 bins[SQ_FIELD_STATS_N_BINS];
  double lower, upper;

  numbers = stats != NULL ? sq_field_stats_get_numbers (stats) : NULL;
  if (numbers != NULL)
    numbers_text = format_numbers (numbers);
  set_row_text (self->numbers_row, numbers_text);
  numbers = stats != NULL ? sq_field_stats_get_elements (stats) : NULL;
  if (numbers != NULL)
    elements_text = format_numbers (numbers);
  set_row_text (self->elements_row, elements_text);

  top = stats != NULL ? sq_field_stats_get_top_values (stats, &n_top) : NULL;
  if (top != NULL && n_top > 0)
    {
      GString *text = g_string_new (NULL);
      guint64 total = sq_field_stats_get_n_categorical (stats);

      for (guint i = 0; i < MIN (n_top, 10u); i++)
        g_string_append_printf (text, "%s%s %.1f%%", i > 0 ? " · " : "", top[i].name,
                                total > 0 ? 100.0 * (double) top[i].count / (double) total : 0.0);
      if (n_top > 10)
        g_string_append_printf (text, _(" · %u more"), n_top - 10);
      set_row_text (self->top_row, text->str);
      g_string_free (text, TRUE);
    }
  else
    set_row_text (self->top_row, NULL);

  if (stats != NULL && sq_field_stats_get_histogram (stats, bins, &lower, &upper))
    {
      drey_histogram_set_bins (self->histogram, bins, SQ_FIELD_STATS_N_BINS, lower, upper);
      /* The scan keeps numbers in buckets, not every distinct one: a
       * bucket that straddles a bin edge goes wholly to one side, and
       * the user is told rather than shown a guess as numpy's answer. */
      adw_action_row_set_subtitle (self->histogram_row,
                                   sq_field_stats_histogram_is_exact (stats)
                                   ? ""
                                   : _("Approximate: numbers counted in buckets at most 0.1% wide"));
      gtk_widget_set_visible (GTK_WIDGET (self->histogram_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->histogram_row), FALSE);
}

static AdwActionRow *
add_detail_row (GtkListBox *list,
                const char *title)
{
  GtkWidget *detail = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (detail), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (detail), 0);
  gtk_widget_add_css_class (detail, "property");
  gtk_list_box_append (list, detail);
  return ADW_ACTION_ROW (detail);
}

/* The expanded part's rows, once: a list.nested, as in an expander row. */
static void
make_details (DreyFieldRow *self)
{
  GtkWidget *histogram_box;
  GtkListBox *list;

  if (self->details != NULL)
    return;
  self->details = gtk_list_box_new ();
  list = GTK_LIST_BOX (self->details);
  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->details, "nested");
  self->numbers_row = add_detail_row (list, _("Numbers"));
  self->elements_row = add_detail_row (list, _("Array elements"));
  self->top_row = add_detail_row (list, _("Most frequent values"));
  self->histogram_row = add_detail_row (list, _("Histogram"));
  histogram_box = drey_histogram_new ();
  self->histogram = DREY_HISTOGRAM (histogram_box);
  /* It widens with the row; at least this in a narrow window. */
  gtk_widget_set_size_request (histogram_box, 160, 64);
  gtk_widget_set_hexpand (histogram_box, TRUE);
  gtk_widget_set_margin_top (histogram_box, 6);
  gtk_widget_set_margin_bottom (histogram_box, 6);
  adw_action_row_add_suffix (self->histogram_row, histogram_box);
  gtk_widget_set_parent (self->details, GTK_WIDGET (self));
  update_details (self, self->item != NULL ? drey_field_item_get_stats (self->item) : NULL);
}

/* ---- the header --------------------------------------------------------- */

static void
text_size (PangoLayout *layout,
           int         *width,
           int         *height)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}

static gboolean
has_subtitle (DreyFieldRow *self)
{
  return *pango_layout_get_text (self->subtitle_layout) != '\0';
}

/* The width the right side takes: the share, the warning, the arrow. */
static int
suffixes_width (DreyFieldRow *self)
{
  int width, total;

  gtk_widget_measure (self->arrow, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &total, NULL, NULL);
  text_size (self->presence_layout, &width, NULL);
  total += width + SPACING;
  if (shows_drift_button (self))
    {
      gtk_widget_measure (self->drift_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
      total += width + SPACING;
    }
  return total;
}

/* The title and the subtitle laid out @width wide; their height. */
static int
layout_texts (DreyFieldRow *self,
              int           width)
{
  int title_height, subtitle_height = 0;

  pango_layout_set_width (self->title_layout, width * PANGO_SCALE);
  text_size (self->title_layout, NULL, &title_height);
  if (!has_subtitle (self))
    return title_height;
  pango_layout_set_width (self->subtitle_layout, width * PANGO_SCALE);
  text_size (self->subtitle_layout, NULL, &subtitle_height);
  return title_height + TITLE_SPACING + subtitle_height;
}

static int
header_height_for (DreyFieldRow *self,
                   int           width)
{
  int text_width = MAX (MIN_TEXT_WIDTH, width - 2 * MARGIN - SPACING - suffixes_width (self));
  int button = 0;

  if (shows_drift_button (self))
    gtk_widget_measure (self->drift_button, GTK_ORIENTATION_VERTICAL, -1, NULL, &button, NULL, NULL);
  return MAX (MIN_HEADER, MAX (button, layout_texts (self, text_width) + 2 * TITLE_MARGIN));
}

static GtkSizeRequestMode
drey_field_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
drey_field_row_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  DreyFieldRow *self = DREY_FIELD_ROW (widget);
  int details_min = 0, details_nat = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int others = 2 * MARGIN + SPACING + suffixes_width (self);
      int title_width, subtitle_width = 0;

      /* What the texts take unwrapped, as a label says it would like. */
      pango_layout_set_width (self->title_layout, -1);
      pango_layout_set_width (self->subtitle_layout, -1);
      text_size (self->title_layout, &title_width, NULL);
      if (has_subtitle (self))
        text_size (self->subtitle_layout, &subtitle_width, NULL);
      if (shows_details (self))
        gtk_widget_measure (self->details, orientation, -1, &details_min, &details_nat, NULL, NULL);
      *minimum = MAX (others + MIN_TEXT_WIDTH, details_min);
      *natural = MAX (*minimum, MAX (others + MAX (title_width, subtitle_width), details_nat));
    }
  else
    {
      int width = for_size >= 0 ? for_size : 0;
      int header;

      if (for_size < 0)
        {
          int min_width;

          drey_field_row_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &width, NULL, NULL);
        }
      header = header_height_for (self, width);
      if (shows_details (self))
        gtk_widget_measure (self->details, orientation, width, &details_min, &details_nat, NULL, NULL);
      *minimum = header + details_min;
      *natural = header + details_nat;
    }
}

/* Left to right as the action row lays it out; mirrored for a
 * right-to-left language. */
static void
drey_field_row_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  DreyFieldRow *self = DREY_FIELD_ROW (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int right = width - MARGIN, w, h, presence_width;

#define PLACE(from, w) (rtl ? width - (from) - (w) : (from))
  self->header_height = header_height_for (self, width);
  gtk_widget_measure (self->arrow, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
  gtk_widget_measure (self->arrow, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
  right -= w;
  gtk_widget_size_allocate (self->arrow,
                            &(GtkAllocation) { PLACE (right, w), (self->header_height - h) / 2, w, h }, -1);
  if (shows_drift_button (self))
    {
      gtk_widget_measure (self->drift_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (self->drift_button, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      right -= SPACING + w;
      gtk_widget_size_allocate (self->drift_button,
                                &(GtkAllocation) { PLACE (right, w), (self->header_height - h) / 2, w, h }, -1);
    }
  text_size (self->presence_layout, &presence_width, NULL);
  right -= SPACING + presence_width;
  self->presence_x = PLACE (right, presence_width);

  self->text_width = MAX (MIN_TEXT_WIDTH, right - SPACING - MARGIN);
  layout_texts (self, self->text_width);
  pango_layout_set_alignment (self->title_layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  pango_layout_set_alignment (self->subtitle_layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  self->text_x = PLACE (MARGIN, self->text_width);
#undef PLACE

  if (shows_details (self))
    gtk_widget_size_allocate (self->details,
                              &(GtkAllocation) { 0, self->header_height, width, MAX (0, height - self->header_height) },
                              -1);
}

static void
render_layout (GtkWidget   *widget,
               GtkSnapshot *snapshot,
               PangoLayout *layout,
               int          x,
               int          y,
               double       opacity)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (opacity < 1.0)
    gtk_snapshot_push_opacity (snapshot, opacity);
  gtk_snapshot_render_layout (snapshot, gtk_widget_get_style_context (widget), x - logical.x, y - logical.y,
                              layout);
  if (opacity < 1.0)
    gtk_snapshot_pop (snapshot);
}

static void
drey_field_row_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DreyFieldRow *self = DREY_FIELD_ROW (widget);
  double dim = adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ? DIM_OPACITY_HC
                                                                                        : DIM_OPACITY;
  int title_height, subtitle_height = 0, presence_height, y;

  /* As an activatable row's hover, over the header only. */
  if (self->hover)
    {
      GdkRGBA color;

      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      color.alpha *= 0.03;
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), self->header_height));
    }

  text_size (self->title_layout, NULL, &title_height);
  if (has_subtitle (self))
    text_size (self->subtitle_layout, NULL, &subtitle_height);
  y = (self->header_height - title_height - (subtitle_height > 0 ? TITLE_SPACING + subtitle_height : 0)) / 2;
  render_layout (widget, snapshot, self->title_layout, self->text_x, y, 1.0);
  if (subtitle_height > 0)
    render_layout (widget, snapshot, self->subtitle_layout, self->text_x, y + title_height + TITLE_SPACING, dim);
  text_size (self->presence_layout, NULL, &presence_height);
  render_layout (widget, snapshot, self->presence_layout, self->presence_x,
                 (self->header_height - presence_height) / 2, dim);

  gtk_widget_snapshot_child (widget, self->arrow, snapshot);
  if (shows_drift_button (self))
    gtk_widget_snapshot_child (widget, self->drift_button, snapshot);
  if (shows_details (self))
    gtk_widget_snapshot_child (widget, self->details, snapshot);
}

/* ---- input -------------------------------------------------------------- */

static void
toggle (DreyFieldRow *self)
{
  drey_field_row_set_expanded (self, !self->expanded);
}

static void
header_released (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 DreyFieldRow    *self)
{
  if (y >= self->header_height)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  toggle (self);
}

static void
set_hover (DreyFieldRow *self,
           gboolean      hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pointer_motion (GtkEventControllerMotion *motion,
                double                    x,
                double                    y,
                DreyFieldRow             *self)
{
  set_hover (self, y < self->header_height);
}

static void
pointer_leave (GtkEventControllerMotion *motion,
               DreyFieldRow             *self)
{
  set_hover (self, FALSE);
}

/* ---- the row ------------------------------------------------------------ */

static gboolean
set_text (PangoLayout *layout,
          const char  *text)
{
  if (g_strcmp0 (pango_layout_get_text (layout), text) == 0)
    return FALSE;
  pango_layout_set_text (layout, text, -1);
  return TRUE;
}

static void
update (DreyFieldRow *self)
{
  SqFieldStats *stats = self->item != NULL ? drey_field_item_get_stats (self->item) : NULL;
  GPtrArray *drifts = stats != NULL ? drey_field_item_get_drifts (self->item) : NULL;
  g_autofree char *types = stats != NULL ? drey_field_item_dup_types_text (self->item) : g_strdup ("");
  g_autofree char *patterns = stats != NULL ? drey_field_item_dup_patterns_text (self->item) : g_strdup ("");
  g_autofree char *presence = stats != NULL
                              ? g_strdup_printf ("%.1f%%", 100.0 * drey_field_item_get_presence (self->item))
                              : g_strdup ("");
  g_autofree char *label = NULL;
  const char *path = self->item != NULL ? drey_field_item_get_path (self->item) : "";
  const char *subtitle = *patterns != '\0' ? patterns : types;
  gboolean drifting = drifts != NULL && drifts->len > 0;
  gboolean changed = FALSE;

  changed |= set_text (self->title_layout, path);
  changed |= set_text (self->subtitle_layout, subtitle);
  changed |= set_text (self->presence_layout, presence);

  if (drifting)
    {
      g_autofree char *tip = drifts->len == 1 ? g_strdup (sq_drift_get_description (g_ptr_array_index (drifts, 0)))
                                              : g_strdup_printf (_("Drifts in %u ways"), drifts->len);

      ensure_drift_button (self);
      /* Setting a tooltip talks to the display server: only on change. */
      if (g_strcmp0 (gtk_widget_get_tooltip_text (self->drift_button), tip) != 0)
        gtk_widget_set_tooltip_text (self->drift_button, tip);
      if (self->drift_box != NULL)
        fill_drift_box (self, drifts);
    }
  if (self->drift_button != NULL && gtk_widget_get_visible (self->drift_button) != drifting)
    {
      gtk_widget_set_visible (self->drift_button, drifting);
      changed = TRUE;
    }
  if (self->details != NULL)
    update_details (self, stats);

  /* "label, int, 99.7% of samples": the text drawn, for AT. */
  label = *presence != '\0' ? g_strdup_printf (_("%s, %s, in %s of samples"), path, subtitle, presence)
                            : g_strdup (path);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (changed)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * drey_field_row_set_item:
 * @item: (nullable): the field to show
 */
void
drey_field_row_set_item (DreyFieldRow  *self,
                         DreyFieldItem *item)
{
  g_return_if_fail (DREY_IS_FIELD_ROW (self));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect_swapped (item, "notify::stats", G_CALLBACK (update), self);
  if (self->drift_button != NULL)
    gtk_menu_button_popdown (GTK_MENU_BUTTON (self->drift_button));
  update (self);
}

DreyFieldItem *
drey_field_row_get_item (DreyFieldRow *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ROW (self), NULL);
  return self->item;
}

void
drey_field_row_set_expanded (DreyFieldRow *self,
                             gboolean      expanded)
{
  g_return_if_fail (DREY_IS_FIELD_ROW (self));

  expanded = !!expanded;
  if (self->expanded == expanded)
    return;
  self->expanded = expanded;
  if (expanded)
    {
      make_details (self);
      gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_CHECKED, FALSE);
    }
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_CHECKED);
  gtk_widget_set_child_visible (self->details, expanded);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

gboolean
drey_field_row_get_expanded (DreyFieldRow *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ROW (self), FALSE);
  return self->expanded;
}

/**
 * drey_field_row_set_ends:
 * @first: the row is the schema's first
 * @last: the row is its last
 *
 * Only the ends of the schema's list have rounded corners.
 */
void
drey_field_row_set_ends (DreyFieldRow *self,
                         gboolean      first,
                         gboolean      last)
{
  g_return_if_fail (DREY_IS_FIELD_ROW (self));

  if (first)
    gtk_widget_add_css_class (GTK_WIDGET (self), "first");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "first");
  if (last)
    gtk_widget_add_css_class (GTK_WIDGET (self), "last");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "last");
}

/**
 * drey_field_row_dup_histogram_note:
 *
 * For tests: what the histogram row says under its title ("" for an
 * exact histogram), %NULL if it shows no histogram. Makes the expanded
 * part if it was not.
 */
char *
drey_field_row_dup_histogram_note (DreyFieldRow *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ROW (self), NULL);

  make_details (self);
  return gtk_widget_get_visible (GTK_WIDGET (self->histogram_row))
         ? g_strdup (adw_action_row_get_subtitle (self->histogram_row))
         : NULL;
}

/**
 * drey_field_row_get_title_text:
 *
 * For tests: the path and the subtitle the row draws.
 */
const char *
drey_field_row_get_title_text (DreyFieldRow *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ROW (self), NULL);
  return pango_layout_get_text (self->title_layout);
}

const char *
drey_field_row_get_subtitle_text (DreyFieldRow *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ROW (self), NULL);
  return pango_layout_get_text (self->subtitle_layout);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_field_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DreyFieldRow *self = DREY_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      g_value_set_boolean (value, self->expanded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_field_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DreyFieldRow *self = DREY_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      drey_field_row_set_expanded (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_field_row_dispose (GObject *object)
{
  DreyFieldRow *self = DREY_FIELD_ROW (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_pointer (&self->arrow, gtk_widget_unparent);
  g_clear_pointer (&self->drift_button, gtk_widget_unparent);
  g_clear_pointer (&self->details, gtk_widget_unparent);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->subtitle_layout);
  g_clear_object (&self->presence_layout);
  G_OBJECT_CLASS (drey_field_row_parent_class)->dispose (object);
}

static void
drey_field_row_class_init (DreyFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = drey_field_row_get_property;
  object_class->set_property = drey_field_row_set_property;
  object_class->dispose = drey_field_row_dispose;

  widget_class->get_request_mode = drey_field_row_get_request_mode;
  widget_class->measure = drey_field_row_measure;
  widget_class->size_allocate = drey_field_row_size_allocate;
  widget_class->snapshot = drey_field_row_snapshot;

  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreyFieldRow::sample-activated:
   * @key: the shard
   * @index: the sample's index in it
   * @path: the field
   *
   * The user picked a sample one of the field's drifts concerns.
   */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  /* Enter and Space, as on an expander row's header. */
  signals[TOGGLE] =
    g_signal_new_class_handler ("toggle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                                G_CALLBACK (toggle), NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, signals[TOGGLE]);

  /* The expander row's nodes, for libadwaita's styles of them. */
  gtk_widget_class_set_css_name (widget_class, "row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
drey_field_row_init (DreyFieldRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  PangoAttrList *attrs;

  gtk_widget_add_css_class (widget, "expander");
  gtk_widget_add_css_class (widget, "drey-field");
  gtk_widget_set_focusable (widget, TRUE);
  /* The details' corners are the card's at the list's end. */
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  self->title_layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_ellipsize (self->title_layout, PANGO_ELLIPSIZE_MIDDLE);
  self->subtitle_layout = gtk_widget_create_pango_layout (widget, NULL);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_scale_new (SUBTITLE_SCALE));
  pango_layout_set_attributes (self->subtitle_layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_wrap (self->subtitle_layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (self->subtitle_layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (self->subtitle_layout, -SUBTITLE_LINES);
  self->presence_layout = gtk_widget_create_pango_layout (widget, NULL);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (self->presence_layout, attrs);
  pango_attr_list_unref (attrs);

  self->arrow = gtk_image_new_from_icon_name ("adw-expander-arrow-symbolic");
  gtk_widget_add_css_class (self->arrow, "expander-row-arrow");
  gtk_widget_set_parent (self->arrow, widget);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (header_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (pointer_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (pointer_leave), self);
  gtk_widget_add_controller (widget, motion);
}

GtkWidget *
drey_field_row_new (void)
{
  return g_object_new (DREY_TYPE_FIELD_ROW, NULL);
}
