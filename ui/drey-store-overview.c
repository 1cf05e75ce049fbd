/* drey-store-overview.c: the store at a glance: its figures, its schema
 * with presence and drift, and every field's statistics
 *
 * It shows a DreyStoreDocument and fills in as its scan runs: the
 * figures follow the document's counters, the schema is a boxed list
 * bound to its fields (one expander row per field, whose statistics,
 * histogram and top values are made when it is first expanded, then
 * updated whenever the field's "stats" is).
 * A field that drifts carries a warning button: its popover says how, and
 * lists the first samples concerned; picking one emits "sample-activated".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-overview"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-histogram.h"
#include "drey-sample-node.h"
#include "drey-store-overview.h"

/* Samples listed per drift in its popover. */
#define DRIFT_SAMPLES 12

struct _DreyStoreOverview
{
  GtkWidget          parent_instance;

  /* template */
  GtkWidget         *scroller;
  GtkLabel          *samples_label;
  GtkLabel          *shards_label;
  GtkLabel          *shards_caption;
  GtkLabel          *bytes_label;
  GtkLabel          *fields_label;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  GtkWidget         *failed_group;
  GtkListBox        *failed_list;
  GtkListBox        *field_list;

  DreyStoreDocument *document;
  char              *summary_text;
};

G_DEFINE_FINAL_TYPE (DreyStoreOverview, drey_store_overview, GTK_TYPE_WIDGET)

enum {
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- one field ---------------------------------------------------------- */

typedef struct
{
  DreyStoreOverview *overview;
  DreyFieldItem     *item;
  AdwExpanderRow    *row;
  GtkLabel          *presence;
  GtkMenuButton     *drift_button;
  GtkWidget         *drift_box;     /* made when its popover first opens */
  /* The expanded part, made when the row is first expanded: a store's
   * fields all come at once when its scan ends, and five rows of widgets
   * for each held the main loop for 50-100 ms. */
  gboolean           details_made;
  AdwActionRow      *numbers_row;
  AdwActionRow      *elements_row;
  AdwActionRow      *top_row;
  AdwActionRow      *histogram_row;
  DreyHistogram     *histogram;
} FieldRow;

static void
field_row_free (FieldRow *fr)
{
  g_signal_handlers_disconnect_by_data (fr->item, fr);
  g_object_unref (fr->item);
  g_free (fr);
}

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

static void
activate_drift_sample (GtkButton *button,
                       FieldRow  *fr)
{
  const char *key = g_object_get_data (G_OBJECT (button), "drey-key");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "drey-index"));

  gtk_menu_button_popdown (fr->drift_button);
  g_signal_emit (fr->overview, signals[SAMPLE_ACTIVATED], 0, key, index, drey_field_item_get_path (fr->item));
}

/* The popover: each drift's sentence, then the first samples it concerns. */
static void
fill_drift_box (FieldRow  *fr,
                GPtrArray *drifts)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (fr->drift_box)) != NULL)
    gtk_box_remove (GTK_BOX (fr->drift_box), child);
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
      gtk_box_append (GTK_BOX (fr->drift_box), label);
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
          g_signal_connect (button, "clicked", G_CALLBACK (activate_drift_sample), fr);
          gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
        }
      if (n > 0)
        gtk_box_append (GTK_BOX (fr->drift_box), flow);
      if (sq_drift_get_n_samples (drift) > n)
        {
          g_autofree char *more = g_strdup_printf (_("and %" G_GUINT64_FORMAT " more samples"),
                                                   sq_drift_get_n_samples (drift) - n);
          GtkWidget *more_label = gtk_label_new (more);

          gtk_label_set_xalign (GTK_LABEL (more_label), 0);
          gtk_widget_add_css_class (more_label, "dim-label");
          gtk_box_append (GTK_BOX (fr->drift_box), more_label);
        }
    }
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && *text != '\0');
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
}

/* The expanded part: numbers, array elements, top values, histogram. */
static void
update_details (FieldRow     *fr,
                SqFieldStats *stats)
{
  g_autofree char *numbers_text = NULL;
  g_autofree char *elements_text = NULL;
  const SqFieldNumbers *numbers;
  const SqCount *top;
  guint n_top = 0;
  guint64 bins[SQ_FIELD_STATS_N_BINS];
  double lower, upper;

  numbers = sq_field_stats_get_numbers (stats);
  if (numbers != NULL)
    numbers_text = format_numbers (numbers);
  set_row_text (fr->numbers_row, numbers_text);
  numbers = sq_field_stats_get_elements (stats);
  if (numbers != NULL)
    elements_text = format_numbers (numbers);
  set_row_text (fr->elements_row, elements_text);

  top = sq_field_stats_get_top_values (stats, &n_top);
  if (top != NULL && n_top > 0)
    {
      GString *text = g_string_new (NULL);
      guint64 total = sq_field_stats_get_n_categorical (stats);

      for (guint i = 0; i < MIN (n_top, 10u); i++)
        g_string_append_printf (text, "%s%s %.1f%%", i > 0 ? " · " : "", top[i].name,
                                total > 0 ? 100.0 * (double) top[i].count / (double) total : 0.0);
      if (n_top > 10)
        g_string_append_printf (text, _(" · %u more"), n_top - 10);
      set_row_text (fr->top_row, text->str);
      g_string_free (text, TRUE);
    }
  else
    set_row_text (fr->top_row, NULL);

  if (sq_field_stats_get_histogram (stats, bins, &lower, &upper))
    {
      drey_histogram_set_bins (fr->histogram, bins, SQ_FIELD_STATS_N_BINS, lower, upper);
      /* The scan keeps numbers in buckets, not every distinct one: a
       * bucket that straddles a bin edge goes wholly to one side, and
       * the user is told rather than shown a guess as numpy's answer. */
      adw_action_row_set_subtitle (fr->histogram_row,
                                   sq_field_stats_histogram_is_exact (stats)
                                   ? ""
                                   : _("Approximate: numbers counted in buckets at most 0.1% wide"));
      gtk_widget_set_visible (GTK_WIDGET (fr->histogram_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (fr->histogram_row), FALSE);
}

static void
update_field_row (FieldRow *fr)
{
  SqFieldStats *stats = drey_field_item_get_stats (fr->item);
  g_autofree char *types = drey_field_item_dup_types_text (fr->item);
  g_autofree char *patterns = drey_field_item_dup_patterns_text (fr->item);
  g_autofree char *presence = g_strdup_printf ("%.1f%%", 100.0 * drey_field_item_get_presence (fr->item));
  g_autofree char *subtitle = NULL;
  GPtrArray *drifts = drey_field_item_get_drifts (fr->item);

  if (stats == NULL)
    return;
  subtitle = *patterns != '\0' ? g_strdup (patterns) : g_strdup (types);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (fr->row), drey_field_item_get_path (fr->item));
  adw_expander_row_set_subtitle (fr->row, subtitle);
  gtk_label_set_text (fr->presence, presence);

  gtk_widget_set_visible (GTK_WIDGET (fr->drift_button), drifts->len > 0);
  if (drifts->len > 0)
    {
      g_autofree char *tip = drifts->len == 1 ? g_strdup (sq_drift_get_description (g_ptr_array_index (drifts, 0)))
                                              : g_strdup_printf (_("Drifts in %u ways"), drifts->len);

      /* Setting a tooltip talks to the display server: only on change. */
      if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (fr->drift_button)), tip) != 0)
        gtk_widget_set_tooltip_text (GTK_WIDGET (fr->drift_button), tip);
      if (fr->drift_box != NULL)
        fill_drift_box (fr, drifts);
    }
  if (fr->details_made)
    update_details (fr, stats);
}

static AdwActionRow *
add_detail_row (AdwExpanderRow *row,
                const char     *title)
{
  GtkWidget *detail = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (detail), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (detail), 0);
  gtk_widget_add_css_class (detail, "property");
  adw_expander_row_add_row (row, detail);
  return ADW_ACTION_ROW (detail);
}

/* The expanded part's rows, once. */
static void
make_details (FieldRow *fr)
{
  GtkWidget *histogram_box;
  SqFieldStats *stats = drey_field_item_get_stats (fr->item);

  if (fr->details_made)
    return;
  fr->details_made = TRUE;
  fr->numbers_row = add_detail_row (fr->row, _("Numbers"));
  fr->elements_row = add_detail_row (fr->row, _("Array elements"));
  fr->top_row = add_detail_row (fr->row, _("Most frequent values"));
  fr->histogram_row = add_detail_row (fr->row, _("Histogram"));
  histogram_box = drey_histogram_new ();
  fr->histogram = DREY_HISTOGRAM (histogram_box);
  /* It widens with the row; at least this in a narrow window. */
  gtk_widget_set_size_request (histogram_box, 160, 64);
  gtk_widget_set_hexpand (histogram_box, TRUE);
  gtk_widget_set_margin_top (histogram_box, 6);
  gtk_widget_set_margin_bottom (histogram_box, 6);
  adw_action_row_add_suffix (fr->histogram_row, histogram_box);
  if (stats != NULL)
    update_details (fr, stats);
}

static void
field_row_expanded (AdwExpanderRow *row,
                    GParamSpec     *pspec,
                    FieldRow       *fr)
{
  if (adw_expander_row_get_expanded (row))
    make_details (fr);
}

/* Before the drift popover opens: made the first time, filled each time. */
static void
create_drift_popup (GtkMenuButton *button,
                    gpointer       data)
{
  FieldRow *fr = data;

  if (fr->drift_box == NULL)
    {
      GtkWidget *popover = gtk_popover_new ();

      fr->drift_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_margin_start (fr->drift_box, 6);
      gtk_widget_set_margin_end (fr->drift_box, 6);
      gtk_widget_set_margin_top (fr->drift_box, 6);
      gtk_widget_set_margin_bottom (fr->drift_box, 6);
      gtk_popover_set_child (GTK_POPOVER (popover), fr->drift_box);
      gtk_menu_button_set_popover (button, popover);
    }
  fill_drift_box (fr, drey_field_item_get_drifts (fr->item));
}

static GtkWidget *
create_field_row (gpointer item,
                  gpointer user_data)
{
  DreyStoreOverview *self = user_data;
  FieldRow *fr = g_new0 (FieldRow, 1);

  fr->overview = self;
  fr->item = g_object_ref (item);
  fr->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  gtk_widget_add_css_class (GTK_WIDGET (fr->row), "drey-field-row");

  fr->presence = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (fr->presence), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (fr->presence), "dim-label");
  gtk_widget_set_valign (GTK_WIDGET (fr->presence), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (fr->presence), _("Samples that hold this field"));

  fr->drift_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (fr->drift_button, "dialog-warning-symbolic");
  gtk_menu_button_set_create_popup_func (fr->drift_button, create_drift_popup, fr, NULL);
  gtk_widget_set_valign (GTK_WIDGET (fr->drift_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (fr->drift_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (fr->drift_button), "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (fr->drift_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("How this field drifts"), -1);
  adw_expander_row_add_action (fr->row, GTK_WIDGET (fr->presence));
  adw_expander_row_add_action (fr->row, GTK_WIDGET (fr->drift_button));

  g_object_set_data_full (G_OBJECT (fr->row), "drey-field-row", fr, (GDestroyNotify) field_row_free);
  g_signal_connect_swapped (fr->item, "notify::stats", G_CALLBACK (update_field_row), fr);
  g_signal_connect (fr->row, "notify::expanded", G_CALLBACK (field_row_expanded), fr);
  update_field_row (fr);
  return GTK_WIDGET (fr->row);
}

/**
 * drey_store_overview_dup_histogram_note:
 *
 * For tests: what the histogram row of field @path says under its title
 * ("" for an exact histogram), %NULL if it shows no histogram.
 */
char *
drey_store_overview_dup_histogram_note (DreyStoreOverview *self,
                                        const char        *path)
{
  g_return_val_if_fail (DREY_IS_STORE_OVERVIEW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->field_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      FieldRow *fr = g_object_get_data (G_OBJECT (child), "drey-field-row");

      if (fr != NULL && g_str_equal (drey_field_item_get_path (fr->item), path))
        {
          make_details (fr);
          return gtk_widget_get_visible (GTK_WIDGET (fr->histogram_row))
                 ? g_strdup (adw_action_row_get_subtitle (fr->histogram_row))
                 : NULL;
        }
    }
  return NULL;
}

/* ---- the figures -------------------------------------------------------- */

static void
update_failed (DreyStoreOverview *self)
{
  g_autoptr(GPtrArray) failed = drey_store_document_dup_failed_shards (self->document);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->failed_list))) != NULL)
    gtk_list_box_remove (self->failed_list, child);
  for (guint i = 0; i < failed->len; i++)
    {
      SqShardScan *shard = g_ptr_array_index (failed, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (sq_shard_scan_get_key (shard), -1);
      g_autofree char *message = g_markup_escape_text (sq_shard_scan_get_error (shard)->message, -1);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message);
      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->failed_list, row);
    }
  gtk_widget_set_visible (self->failed_group, failed->len > 0);
}

static void
update_figures (DreyStoreOverview *self)
{
  DreyStoreDocument *doc = self->document;
  guint64 n_samples = doc != NULL ? drey_store_document_get_n_samples (doc) : 0;
  guint n_shards = doc != NULL ? drey_store_document_get_n_shards (doc) : 0;
  guint done = doc != NULL ? drey_store_document_get_n_shards_done (doc) : 0;
  guint failed = doc != NULL ? drey_store_document_get_n_failed (doc) : 0;
  guint64 bytes = doc != NULL ? drey_store_document_get_bytes_total (doc) : 0;
  guint64 bytes_done = doc != NULL ? drey_store_document_get_bytes_done (doc) : 0;
  guint n_fields = doc != NULL ? g_list_model_get_n_items (drey_store_document_get_fields (doc)) : 0;
  gboolean running = doc != NULL && drey_store_document_get_running (doc);
  g_autofree char *samples_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, n_samples);
  g_autofree char *shards_text = g_strdup_printf ("%'u", n_shards);
  g_autofree char *bytes_text = g_format_size (bytes);
  g_autofree char *fields_text = g_strdup_printf ("%u", n_fields);

  gtk_label_set_text (self->samples_label, samples_text);
  gtk_label_set_text (self->shards_label, shards_text);
  gtk_label_set_text (self->bytes_label, bytes_text);
  gtk_label_set_text (self->fields_label, fields_text);
  if (failed > 0)
    {
      g_autofree char *caption = g_strdup_printf (g_dngettext (NULL, "Shards, %u unreadable", "Shards, %u unreadable",
                                                               failed), failed);

      gtk_label_set_text (self->shards_caption, caption);
    }
  else
    gtk_label_set_text (self->shards_caption, _("Shards"));

  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  if (running)
    {
      g_autofree char *done_size = g_format_size (bytes_done);
      g_autofree char *text = g_strdup_printf (_("Scanning… %u of %u shards, %s of %s"), done, n_shards,
                                               done_size, bytes_text);

      gtk_progress_bar_set_fraction (self->progress_bar, bytes > 0 ? (double) bytes_done / (double) bytes : 0);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }

  g_free (self->summary_text);
  self->summary_text = g_strdup_printf ("%" G_GUINT64_FORMAT " samples, %u shards, %u fields%s", n_samples,
                                        n_shards, n_fields, running ? ", scanning" : "");
}

static void
document_running_changed (DreyStoreOverview *self)
{
  update_figures (self);
  update_failed (self);
}

/**
 * drey_store_overview_get_summary_text:
 *
 * For tests: the figures on screen, as "1802 samples, 19 shards, 9 fields".
 */
const char *
drey_store_overview_get_summary_text (DreyStoreOverview *self)
{
  g_return_val_if_fail (DREY_IS_STORE_OVERVIEW (self), NULL);
  return self->summary_text;
}

/**
 * drey_store_overview_set_document:
 * @document: (nullable): the store to show
 */
void
drey_store_overview_set_document (DreyStoreOverview *self,
                                  DreyStoreDocument *document)
{
  g_return_if_fail (DREY_IS_STORE_OVERVIEW (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
    }
  g_set_object (&self->document, document);
  gtk_list_box_bind_model (self->field_list, document != NULL ? drey_store_document_get_fields (document) : NULL,
                           create_field_row, self, NULL);
  if (document != NULL)
    {
      g_signal_connect_object (document, "notify::n-samples", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-shards", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-shards-done", G_CALLBACK (update_figures), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::bytes-done", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::n-failed", G_CALLBACK (document_running_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::running", G_CALLBACK (document_running_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (drey_store_document_get_fields (document), "items-changed",
                               G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
    }
  document_running_changed (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_overview_dispose (GObject *object)
{
  DreyStoreOverview *self = DREY_STORE_OVERVIEW (object);

  if (self->field_list != NULL)
    gtk_list_box_bind_model (self->field_list, NULL, NULL, NULL, NULL);
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
    }
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STORE_OVERVIEW);
  /* The template's outer box has no name to be disposed by. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (drey_store_overview_parent_class)->dispose (object);
}

static void
drey_store_overview_finalize (GObject *object)
{
  DreyStoreOverview *self = DREY_STORE_OVERVIEW (object);

  g_free (self->summary_text);
  G_OBJECT_CLASS (drey_store_overview_parent_class)->finalize (object);
}

static void
drey_store_overview_class_init (DreyStoreOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_store_overview_dispose;
  object_class->finalize = drey_store_overview_finalize;

  /**
   * DreyStoreOverview::sample-activated:
   * @key: the shard
   * @index: the sample's index in it
   * @path: the field the user was looking at
   *
   * The user picked a sample a drift concerns.
   */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-store-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, scroller);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, samples_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, shards_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, shards_caption);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, fields_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, failed_group);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, failed_list);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreOverview, field_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_store_overview_init (DreyStoreOverview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_figures (self);
}

GtkWidget *
drey_store_overview_new (void)
{
  return g_object_new (DREY_TYPE_STORE_OVERVIEW, NULL);
}
