/* drey-key-row.c: one row of the key list, a single widget that draws its text
 *
 * The key, then the sample count once it is known, then the file size,
 * with a warning icon before the key when its shard cannot be read:
 * what a box of labels showed, drawn here from three PangoLayouts. Each
 * keystroke of a search over 100,000 keys shows new rows, and GTK 4.8's
 * list view makes, binds and measures a new row for each of the 200 it
 * keeps: for a box of two labels that was more than half of what a
 * keystroke cost (tests/bench/ui-responsiveness.py); one widget, whose
 * key is laid out once for its widths, is a few milliseconds.
 *
 * It looks as the labels did under libadwaita 1.2: the count and the size
 * are .dim-label and .numeric, the count .caption too. Those classes
 * cannot style part of a widget, so their values are here, and the test
 * /key-row/looks-like-labels draws both and compares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-key-row"

#include "config.h"

#include <adwaita.h>

#include "drey-key-row.h"

/* The box's spacing and the classes' values, as libadwaita 1.2 has them. */
#define SPACING         12
#define DIM_OPACITY     0.55
#define DIM_OPACITY_HC  0.9
#define CAPTION_SIZE_PT 9

struct _DreyKeyRow
{
  GtkWidget    parent_instance;

  PangoLayout *key_layout;
  PangoLayout *n_samples_layout; /* made when a count is first known */
  PangoLayout *size_layout;
  GtkWidget   *error_icon;       /* made when a shard first fails */
  int          key_natural;      /* key_widths(), -1 until measured */
  int          key_min;
  guint        key_serial;       /* of the font they were measured in */
  int          key_x;            /* where each text starts, LTR or RTL */
  int          n_samples_x;
  int          size_x;
};

G_DEFINE_FINAL_TYPE (DreyKeyRow, drey_key_row, GTK_TYPE_WIDGET)

static PangoLayout *
make_numeric_layout (DreyKeyRow *self,
                     gboolean    caption)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  if (caption)
    {
      pango_attr_list_insert (attrs, pango_attr_size_new (CAPTION_SIZE_PT * PANGO_SCALE));
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_NORMAL));
    }
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static gboolean
shows_n_samples (DreyKeyRow *self)
{
  return self->n_samples_layout != NULL && *pango_layout_get_text (self->n_samples_layout) != '\0';
}

static gboolean
shows_error_icon (DreyKeyRow *self)
{
  return self->error_icon != NULL && gtk_widget_get_visible (self->error_icon);
}

/* The layout's own size, as a label of it asks for. */
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

/* The whole key's width, and what an ellipsized label needs at least
 * (the ellipsis): asked for at each measure, laid out once for each text
 * and font. */
static void
key_widths (DreyKeyRow *self,
            int        *min,
            int        *natural)
{
  guint serial = pango_context_get_serial (pango_layout_get_context (self->key_layout));

  if (self->key_natural < 0 || self->key_serial != serial)
    {
      PangoLayout *measuring = pango_layout_copy (self->key_layout);

      pango_layout_set_width (measuring, -1);
      text_size (measuring, &self->key_natural, NULL);
      pango_layout_set_text (measuring, "…", -1);
      text_size (measuring, &self->key_min, NULL);
      self->key_min = MIN (self->key_min, self->key_natural); /* "a" is narrower */
      g_object_unref (measuring);
      self->key_serial = serial;
    }
  if (min != NULL)
    *min = self->key_min;
  if (natural != NULL)
    *natural = self->key_natural;
}

static void
drey_key_row_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  DreyKeyRow *self = DREY_KEY_ROW (widget);
  int icon_min = 0, icon_nat = 0;

  if (shows_error_icon (self))
    gtk_widget_measure (self->error_icon, orientation, -1, &icon_min, &icon_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int others = 0, key_min, key_natural, width;

      if (shows_error_icon (self))
        others += icon_nat + SPACING;
      if (shows_n_samples (self))
        {
          text_size (self->n_samples_layout, &width, NULL);
          others += width + SPACING;
        }
      text_size (self->size_layout, &width, NULL);
      others += width + SPACING;
      key_widths (self, &key_min, &key_natural);
      *minimum = others + key_min;
      *natural = others + key_natural;
    }
  else
    {
      int height;

      text_size (self->key_layout, NULL, &height);
      *minimum = MAX (icon_min, height);
      *natural = MAX (icon_nat, height);
      text_size (self->size_layout, NULL, &height);
      *minimum = MAX (*minimum, height);
      *natural = MAX (*natural, height);
      if (shows_n_samples (self))
        {
          text_size (self->n_samples_layout, NULL, &height);
          *minimum = MAX (*minimum, height);
          *natural = MAX (*natural, height);
        }
    }
}

/* Left to right as a box lays its children out: the icon, the key with
 * what is left, the count and the size at their own width; mirrored
 * for a right-to-left language. */
static void
drey_key_row_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  DreyKeyRow *self = DREY_KEY_ROW (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int x = 0, right = width, text_width, key_width, key_natural;

#define PLACE(from, w) (rtl ? width - (from) - (w) : (from))
  if (shows_error_icon (self))
    {
      int icon_width;

      gtk_widget_measure (self->error_icon, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &icon_width, NULL, NULL);
      gtk_widget_size_allocate (self->error_icon,
                                &(GtkAllocation) { PLACE (0, icon_width), 0, icon_width, height }, -1);
      x += icon_width + SPACING;
    }
  text_size (self->size_layout, &text_width, NULL);
  right -= text_width;
  self->size_x = PLACE (right, text_width);
  if (shows_n_samples (self))
    {
      text_size (self->n_samples_layout, &text_width, NULL);
      right -= SPACING + text_width;
      self->n_samples_x = PLACE (right, text_width);
    }
  key_width = MAX (0, right - SPACING - x);
  /* As a label does: the key ellipsized to its width; a key that fits is
   * not laid out again for it. */
  key_widths (self, NULL, &key_natural);
  pango_layout_set_width (self->key_layout, key_natural > key_width ? key_width * PANGO_SCALE : -1);
  pango_layout_set_alignment (self->key_layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  text_size (self->key_layout, &text_width, NULL);
  self->key_x = PLACE (x, MIN (text_width, key_width));
#undef PLACE
}

static void
render_text (GtkWidget   *widget,
             GtkSnapshot *snapshot,
             PangoLayout *layout,
             int          x,
             double       opacity)
{
  PangoRectangle logical;
  int y;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  y = (int) floor ((gtk_widget_get_height (widget) - logical.height) * 0.5);
  if (opacity < 1.0)
    gtk_snapshot_push_opacity (snapshot, opacity);
  gtk_snapshot_render_layout (snapshot, gtk_widget_get_style_context (widget), x - logical.x, y, layout);
  if (opacity < 1.0)
    gtk_snapshot_pop (snapshot);
}

static void
drey_key_row_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  DreyKeyRow *self = DREY_KEY_ROW (widget);
  double dim = adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ? DIM_OPACITY_HC
                                                                                        : DIM_OPACITY;

  if (shows_error_icon (self))
    gtk_widget_snapshot_child (widget, self->error_icon, snapshot);
  render_text (widget, snapshot, self->key_layout, self->key_x, 1.0);
  if (shows_n_samples (self))
    render_text (widget, snapshot, self->n_samples_layout, self->n_samples_x, dim);
  render_text (widget, snapshot, self->size_layout, self->size_x, dim);
}

static void
drey_key_row_dispose (GObject *object)
{
  DreyKeyRow *self = (DreyKeyRow *) object;

  g_clear_pointer (&self->error_icon, gtk_widget_unparent);
  g_clear_object (&self->key_layout);
  g_clear_object (&self->n_samples_layout);
  g_clear_object (&self->size_layout);

  G_OBJECT_CLASS (drey_key_row_parent_class)->dispose (object);
}

static void
drey_key_row_class_init (DreyKeyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_key_row_dispose;

  widget_class->measure = drey_key_row_measure;
  widget_class->size_allocate = drey_key_row_size_allocate;
  widget_class->snapshot = drey_key_row_snapshot;

  gtk_widget_class_set_css_name (widget_class, "keyrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
drey_key_row_init (DreyKeyRow *self)
{
  self->key_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  self->key_natural = -1;
  pango_layout_set_ellipsize (self->key_layout, PANGO_ELLIPSIZE_MIDDLE);
  self->size_layout = make_numeric_layout (self, FALSE);
}

GtkWidget *
drey_key_row_new (void)
{
  return g_object_new (DREY_TYPE_KEY_ROW, NULL);
}

static gboolean
set_text (PangoLayout *layout,
          const char  *text)
{
  if (g_strcmp0 (pango_layout_get_text (layout), text) == 0)
    return FALSE;
  pango_layout_set_text (layout, text, -1);
  return TRUE;
}

/**
 * drey_key_row_show_item:
 * @item: the key to show
 *
 * Shows @item as it is now: call it again when the item changes.
 */
void
drey_key_row_show_item (DreyKeyRow  *self,
                        DreyKeyItem *item)
{
  g_autofree char *n_samples = NULL;
  g_autofree char *size = NULL;
  g_autofree char *label = NULL;
  const char *error;
  gboolean changed = FALSE;

  g_return_if_fail (DREY_IS_KEY_ROW (self));
  g_return_if_fail (DREY_IS_KEY_ITEM (item));

  n_samples = drey_key_item_dup_n_samples_text (item);
  size = drey_key_item_dup_size_text (item);
  label = drey_key_item_dup_accessible_label (item);
  error = drey_key_item_get_error (item);

  if (set_text (self->key_layout, drey_key_item_get_key (item)))
    self->key_natural = -1, changed = TRUE;
  if (*n_samples != '\0' && self->n_samples_layout == NULL)
    self->n_samples_layout = make_numeric_layout (self, TRUE);
  if (self->n_samples_layout != NULL)
    changed |= set_text (self->n_samples_layout, n_samples);
  changed |= set_text (self->size_layout, size);

  /* A shard that failed to decode (read here, or in the store's scan). */
  if (error != NULL && self->error_icon == NULL)
    {
      self->error_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (self->error_icon, "error");
      gtk_widget_set_parent (self->error_icon, GTK_WIDGET (self));
      changed = TRUE;
    }
  if (self->error_icon != NULL && gtk_widget_get_visible (self->error_icon) != (error != NULL))
    {
      gtk_widget_set_visible (self->error_icon, error != NULL);
      changed = TRUE;
    }
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "failed");

  /* "digits-03, 3.5 kB, 100 samples": the text drawn, for AT. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (changed)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * drey_key_row_get_key_text:
 *
 * Returns: the key the row draws
 */
const char *
drey_key_row_get_key_text (DreyKeyRow *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ROW (self), NULL);
  return pango_layout_get_text (self->key_layout);
}

/**
 * drey_key_row_get_n_samples_text:
 *
 * Returns: the sample count the row draws ("100 samples"), "" for none
 */
const char *
drey_key_row_get_n_samples_text (DreyKeyRow *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ROW (self), NULL);
  return shows_n_samples (self) ? pango_layout_get_text (self->n_samples_layout) : "";
}

/**
 * drey_key_row_get_size_text:
 *
 * Returns: the file size the row draws ("3.5 kB")
 */
const char *
drey_key_row_get_size_text (DreyKeyRow *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ROW (self), NULL);
  return pango_layout_get_text (self->size_layout);
}

/**
 * drey_key_row_get_marked:
 *
 * Returns: whether the row shows its shard cannot be read: the warning
 *   icon, and the "failed" style class
 */
gboolean
drey_key_row_get_marked (DreyKeyRow *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ROW (self), FALSE);
  return shows_error_icon (self) && gtk_widget_has_css_class (GTK_WIDGET (self), "failed");
}
