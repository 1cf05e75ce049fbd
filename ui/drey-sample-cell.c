/* drey-sample-cell.c: a cell of the sample tree: a label, or an editor
 *
 * A name or value cell shows its text in a label; in edit mode, for what
 * can be edited in place, a GtkEditableLabel instead. The cell tells its
 * owner what the user does: ::edit-changed as they type (to check the
 * text), ::edit-done when the edit ends (to commit it). Setting the text
 * never counts as typing, and a cell being typed in keeps what is typed.
 * A name cell also shows a dot when its value was edited.
 *
 * The editor is made the first time the cell is editable: a
 * GtkEditableLabel is a stack, a label and a GtkText with its controllers
 * and input method, most of what a row costs to make, and a tree that
 * streams in a shard makes rows while nobody edits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-cell"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-sample-cell.h"

/* The most of a long str a value cell's tooltip shows. */
#define TOOLTIP_MAX_CHARS 2000

struct _DreySampleCell
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *editor;        /* NULL until the cell is first editable */
  char      *edit_text;     /* what the editor starts from, until it is made */
  GtkWidget *mark;
  gboolean   is_name;
  gboolean   editable;
  gboolean   setting_text;
  gboolean   left;          /* the edit ended as the focus went elsewhere */
};

G_DEFINE_FINAL_TYPE (DreySampleCell, drey_sample_cell, GTK_TYPE_WIDGET)

enum
{
  EDIT_CHANGED,
  EDIT_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
editor_changed (DreySampleCell *self)
{
  if (!self->setting_text && gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->editor)))
    g_signal_emit (self, signals[EDIT_CHANGED], 0);
}

static void
editor_editing_changed (DreySampleCell *self)
{
  /* A cell no longer in a window commits nothing: unbinding its row
   * committed already. */
  if (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->editor)) ||
      gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  g_signal_emit (self, signals[EDIT_DONE], 0);
}

/* GTK 4.8's GtkEditableLabel ends an edit 100 ms after losing the focus,
 * in a timeout that holds a pointer to its focus controller but no
 * reference: a row recycled or a window closed in between leaves it
 * dangling (a crash seen in the tests). Its own handler is swapped for
 * this one, which ends the edit at once, as Enter would. */
static void
editor_focus_left (GtkEventController *controller,
                   GtkEditableLabel   *editor)
{
  DreySampleCell *self = DREY_SAMPLE_CELL (gtk_widget_get_ancestor (GTK_WIDGET (editor), DREY_TYPE_SAMPLE_CELL));

  if (!gtk_editable_label_get_editing (editor))
    return;
  self->left = TRUE;
  gtk_editable_label_stop_editing (editor, TRUE);
  self->left = FALSE;
}

static void
replace_focus_out (GtkWidget *editor)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (editor);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_EVENT_CONTROLLER_FOCUS (controller))
        continue;
      g_signal_handlers_disconnect_matched (controller, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, editor);
      g_signal_connect_object (controller, "leave", G_CALLBACK (editor_focus_left), editor, 0);
    }
}

/* GtkEditableLabel starts editing on any click on its text, so a click
 * that only selects a row (or one on the row already selected) would
 * start a rename. Its click gesture goes: the row takes single clicks,
 * and the cell's own gesture starts an edit on a double click. */
static void
remove_click_to_edit (GtkWidget *editor)
{
  for (GtkWidget *stack = gtk_widget_get_first_child (editor); stack != NULL;
       stack = gtk_widget_get_next_sibling (stack))
    for (GtkWidget *child = gtk_widget_get_first_child (stack); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        g_autoptr(GListModel) controllers = NULL;

        if (!GTK_IS_LABEL (child))
          continue;
        controllers = gtk_widget_observe_controllers (child);
        for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
          {
            g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

            if (GTK_IS_GESTURE_CLICK (controller))
              gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_NONE);
          }
      }
}

static void
cell_pressed (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              DreySampleCell  *self)
{
  /* The second press of a double click edits this cell (the name, or
   * the value), and the row does not see it as an activation. */
  if (n_press == 2 && self->editable && !drey_sample_cell_get_editing (self))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      drey_sample_cell_start_editing (self);
    }
}

static void
drey_sample_cell_dispose (GObject *object)
{
  DreySampleCell *self = DREY_SAMPLE_CELL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->edit_text, g_free);
  G_OBJECT_CLASS (drey_sample_cell_parent_class)->dispose (object);
}

static void
drey_sample_cell_class_init (DreySampleCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_sample_cell_dispose;

  /**
   * DreySampleCell::edit-changed:
   *
   * The user changed the text being edited.
   */
  signals[EDIT_CHANGED] = g_signal_new ("edit-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DreySampleCell::edit-done:
   *
   * An edit ended (Enter, or the focus went elsewhere): commit it.
   */
  signals[EDIT_DONE] = g_signal_new ("edit-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "samplecell");
}

static void
drey_sample_cell_init (DreySampleCell *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->label = gtk_label_new (NULL);
  self->mark = gtk_image_new_from_icon_name ("media-record-symbolic");

  gtk_image_set_pixel_size (GTK_IMAGE (self->mark), 8);
  gtk_widget_add_css_class (self->mark, "accent");
  /* Hidden first: setting the tooltip of a visible widget asks the X
   * server where the pointer is (a round trip), for every cell made. */
  gtk_widget_set_visible (self->mark, FALSE);
  gtk_widget_set_tooltip_text (self->mark, _("Edited"));
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (self->label), TRUE);
  gtk_widget_set_hexpand (self->label, TRUE);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
    g_signal_connect_object (click, "pressed", G_CALLBACK (cell_pressed), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  }

  gtk_box_append (GTK_BOX (self->box), self->label);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

static GtkWidget *
ensure_editor (DreySampleCell *self)
{
  if (self->editor != NULL)
    return self->editor;
  self->editor = gtk_editable_label_new (self->edit_text != NULL ? self->edit_text : "");
  g_clear_pointer (&self->edit_text, g_free);
  gtk_widget_set_hexpand (self->editor, TRUE);
  gtk_widget_set_visible (self->editor, FALSE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->editor), 4);
  g_signal_connect_object (self->editor, "changed", G_CALLBACK (editor_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::editing", G_CALLBACK (editor_editing_changed), self,
                           G_CONNECT_SWAPPED);
  replace_focus_out (self->editor);
  remove_click_to_edit (self->editor);
  gtk_box_insert_child_after (GTK_BOX (self->box), self->editor, self->label);
  return self->editor;
}

static gboolean
is_editing (DreySampleCell *self)
{
  return self->editor != NULL && gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (self->editor));
}

/**
 * drey_sample_cell_new:
 * @is_name: a name cell (a dict key or a list index, with the edited
 *   mark), else a value cell
 */
GtkWidget *
drey_sample_cell_new (gboolean is_name)
{
  DreySampleCell *self = g_object_new (DREY_TYPE_SAMPLE_CELL, NULL);

  self->is_name = is_name;
  /* At the end of the name, so names stay aligned. */
  if (is_name)
    gtk_box_append (GTK_BOX (self->box), self->mark);
  else
    gtk_widget_add_css_class (self->label, "numeric");
  return GTK_WIDGET (self);
}

gboolean
drey_sample_cell_get_is_name (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), FALSE);
  return self->is_name;
}

/**
 * drey_sample_cell_get_label:
 *
 * Returns: (transfer none): the label shown when not editable
 */
GtkLabel *
drey_sample_cell_get_label (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), NULL);
  return GTK_LABEL (self->label);
}

/**
 * drey_sample_cell_get_editor:
 *
 * Returns: (transfer none): the GtkEditableLabel shown when editable
 */
GtkWidget *
drey_sample_cell_get_editor (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), NULL);
  return ensure_editor (self);
}

/**
 * drey_sample_cell_set_text:
 * @text: what the label shows
 * @edit_text: (nullable): what the editor starts from, if editable
 *
 * Shows a value; an editor the user is typing in keeps what is typed.
 */
void
drey_sample_cell_set_text (DreySampleCell *self,
                           const char     *text,
                           const char     *edit_text)
{
  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));

  gtk_label_set_text (GTK_LABEL (self->label), text);
  if (edit_text == NULL || is_editing (self))
    return;
  if (self->editor == NULL)
    {
      g_free (self->edit_text);
      self->edit_text = g_strdup (edit_text);
      return;
    }
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->editor), edit_text);
  self->setting_text = FALSE;
}

/* The whole of a str the label cuts short; NULL for none. */
static char *
value_tooltip (DreySampleCell *self,
               SqValue        *value)
{
  gsize length;
  const char *text;
  glong n_chars;
  GString *tooltip;

  if (value == NULL || sq_value_get_value_type (value) != SQ_VALUE_STR)
    return NULL;
  text = sq_value_get_str (value, &length);
  n_chars = g_utf8_strlen (text, (gssize) length);
  /* The cell shows the str quoted: shorter than that, it is shown whole. */
  if (n_chars + 2 <= g_utf8_strlen (gtk_label_get_text (GTK_LABEL (self->label)), -1) &&
      memchr (text, '\n', length) == NULL)
    return NULL;
  tooltip = g_string_new_len (text, (gssize) (g_utf8_offset_to_pointer (text, MIN (n_chars, TOOLTIP_MAX_CHARS)) - text));
  /* A NUL would end the tooltip early. */
  for (gsize i = 0; i < tooltip->len; i++)
    if (tooltip->str[i] == '\0')
      tooltip->str[i] = ' ';
  if (n_chars > TOOLTIP_MAX_CHARS)
    g_string_append_printf (tooltip, _("… (%ld characters in all)"), n_chars);
  return g_string_free (tooltip, FALSE);
}

/**
 * drey_sample_cell_set_value_tooltip:
 * @value: (nullable): the value the cell shows
 *
 * A str the cell cuts short gets all of it as the tooltip, up to
 * TOOLTIP_MAX_CHARS characters (a tooltip is no place for a book: the
 * array panel shows long strings whole).
 */
void
drey_sample_cell_set_value_tooltip (DreySampleCell *self,
                                    SqValue        *value)
{
  g_autofree char *tooltip = NULL;

  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));

  tooltip = value_tooltip (self, value);
  /* Only when it changes: setting a tooltip asks the X server where the
   * pointer is, a round trip for every cell a streaming load refreshes. */
  if (g_strcmp0 (tooltip, gtk_widget_get_tooltip_text (self->label)) != 0)
    gtk_widget_set_tooltip_text (self->label, tooltip);
}

void
drey_sample_cell_set_editable (DreySampleCell *self,
                               gboolean        editable)
{
  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));

  self->editable = editable;
  gtk_widget_set_visible (self->label, !editable);
  if (editable || self->editor != NULL)
    gtk_widget_set_visible (ensure_editor (self), editable);
}

gboolean
drey_sample_cell_get_editable (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), FALSE);
  return self->editable;
}

void
drey_sample_cell_set_edited (DreySampleCell *self,
                             gboolean        edited)
{
  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));
  gtk_widget_set_visible (self->mark, edited && self->is_name);
}

gboolean
drey_sample_cell_get_editing (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), FALSE);
  return is_editing (self);
}

/**
 * drey_sample_cell_start_editing:
 *
 * Returns: whether the cell is editable (and now edited)
 */
gboolean
drey_sample_cell_start_editing (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), FALSE);

  if (!self->editable)
    return FALSE;
  gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (self->editor));
  gtk_widget_grab_focus (self->editor);
  return TRUE;
}

/**
 * drey_sample_cell_stop_editing:
 *
 * Ends an edit as Enter would: what is typed is committed (::edit-done).
 */
void
drey_sample_cell_stop_editing (DreySampleCell *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));

  if (is_editing (self))
    gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (self->editor), TRUE);
}

/**
 * drey_sample_cell_get_left:
 *
 * In ::edit-done: whether the edit ended because the focus went elsewhere
 * (rather than Enter, or the owner ending it).
 */
gboolean
drey_sample_cell_get_left (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), FALSE);
  return self->left;
}

const char *
drey_sample_cell_get_edit_text (DreySampleCell *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_CELL (self), NULL);
  if (self->editor == NULL)
    return self->edit_text != NULL ? self->edit_text : "";
  return gtk_editable_get_text (GTK_EDITABLE (self->editor));
}

/**
 * drey_sample_cell_show_problem:
 * @problem: (nullable): why the text typed is refused, or %NULL if it is fine
 *
 * The editor turns red and its tooltip says why.
 */
void
drey_sample_cell_show_problem (DreySampleCell *self,
                               const char     *problem)
{
  g_return_if_fail (DREY_IS_SAMPLE_CELL (self));

  if (problem == NULL && self->editor == NULL)
    return;
  ensure_editor (self);
  if (problem != NULL)
    gtk_widget_add_css_class (self->editor, "error");
  else
    gtk_widget_remove_css_class (self->editor, "error");
  gtk_widget_set_tooltip_text (self->editor, problem);
}
