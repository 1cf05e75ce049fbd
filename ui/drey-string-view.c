/* drey-string-view.c: a long string, to read whole
 *
 * The string in a read-only text view that scrolls, wraps (or not) and
 * switches to a monospace font. A string longer than a MiB shows its first
 * MiB, and says so: a text view lays out all it holds. Copy puts at most
 * 64 KiB on the clipboard, cut at a character, and says when it cut:
 * GTK 4.8 hangs for good on some large X11 selection transfers (a paste of
 * a 2 MB string into another X11 client does it), and a window that hangs
 * loses more than a clipboard that holds the start of a string.
 * U+0000, which a text view cannot hold, shows as U+2400 (␀).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-string-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-format-private.h"
#include "drey-string-view.h"

struct _DreyStringView
{
  GtkWidget        parent_instance;

  /* template */
  GtkLabel        *length_label;
  GtkToggleButton *monospace_button;
  GtkToggleButton *wrap_button;
  GtkTextView     *text_view;
  GtkLabel        *status_label;

  char            *text;        /* what is shown, U+0000 replaced */
  gsize            length;      /* in bytes */
  gboolean         cut;         /* the str is longer than what is shown */
};

G_DEFINE_FINAL_TYPE (DreyStringView, drey_string_view, GTK_TYPE_WIDGET)

/* The longest prefix of @text within @max bytes that ends at a character. */
static gsize
prefix_length (const char *text,
               gsize       length,
               gsize       max)
{
  const char *end;

  if (length <= max)
    return length;
  end = g_utf8_find_prev_char (text, text + max + 1);
  return end != NULL ? (gsize) (end - text) : 0;
}

/**
 * drey_string_view_get_shown:
 *
 * Returns: (transfer full): what the text view holds
 */
char *
drey_string_view_get_shown (DreyStringView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (DREY_IS_STRING_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/**
 * drey_string_view_get_copy_text:
 *
 * Returns: (transfer full) (nullable): what Copy puts on the clipboard
 */
char *
drey_string_view_get_copy_text (DreyStringView *self)
{
  g_return_val_if_fail (DREY_IS_STRING_VIEW (self), NULL);

  if (self->text == NULL)
    return NULL;
  return g_strndup (self->text, prefix_length (self->text, self->length, DREY_STRING_VIEW_MAX_COPIED));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreyStringView *self = DREY_STRING_VIEW (widget);
  g_autofree char *text = drey_string_view_get_copy_text (self);

  if (text == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  if (strlen (text) < self->length || self->cut)
    {
      g_autofree char *copied = _drey_format_count (g_utf8_strlen (text, -1));
      g_autofree char *message = g_strdup_printf (_("Copied the first %s characters: larger copies can "
                                                    "freeze the clipboard. Export the sample as JSON for all of it."),
                                                  copied);

      gtk_label_set_label (self->status_label, message);
    }
  else
    gtk_label_set_label (self->status_label, _("Copied"));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

GtkWidget *
drey_string_view_new (void)
{
  return g_object_new (DREY_TYPE_STRING_VIEW, NULL);
}

/**
 * drey_string_view_set_text:
 * @text: (nullable): UTF-8, may hold U+0000
 * @length: its length in bytes
 */
void
drey_string_view_set_text (DreyStringView *self,
                           const char     *text,
                           gsize           length)
{
  GString *clean;
  gsize shown;
  g_autofree char *chars = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *summary = NULL;
  glong n_lines = 1;

  g_return_if_fail (DREY_IS_STRING_VIEW (self));

  g_clear_pointer (&self->text, g_free);
  self->length = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  if (text == NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
      gtk_label_set_label (self->length_label, "");
      return;
    }

  /* Only what is shown is copied (and what Copy takes, a prefix of it);
   * a 100 MB str is counted, not copied. */
  shown = prefix_length (text, length, DREY_STRING_VIEW_MAX_SHOWN);
  clean = g_string_sized_new (shown);
  for (gsize i = 0; i < shown; i++)
    {
      if (text[i] == '\0')
        g_string_append (clean, "\xe2\x90\x80");
      else
        g_string_append_c (clean, text[i]);
    }
  for (const char *p = text, *end = text + length; (p = memchr (p, '\n', (gsize) (end - p))) != NULL; p++)
    n_lines++;
  self->length = clean->len;
  self->cut = shown < length;
  self->text = g_string_free (clean, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), self->text, (int) self->length);

  chars = _drey_format_count (g_utf8_strlen (text, (gssize) length));
  bytes = g_format_size (length);
  /* Translators: "12,345 characters · 12.3 kB · 40 lines" */
  summary = g_strdup_printf (ngettext ("%s characters · %s · %ld line", "%s characters · %s · %ld lines", n_lines),
                             chars, bytes, n_lines);
  if (self->cut)
    {
      g_autofree char *cut = g_strdup_printf (_("%s; the first %s are shown"), summary, "1 MiB");

      gtk_label_set_label (self->length_label, cut);
    }
  else
    gtk_label_set_label (self->length_label, summary);
}

/**
 * drey_string_view_set_monospace:
 */
void
drey_string_view_set_monospace (DreyStringView *self,
                                gboolean        monospace)
{
  g_return_if_fail (DREY_IS_STRING_VIEW (self));

  gtk_toggle_button_set_active (self->monospace_button, monospace);
}

static void
monospace_toggled (DreyStringView *self)
{
  gtk_text_view_set_monospace (self->text_view, gtk_toggle_button_get_active (self->monospace_button));
}

static void
wrap_toggled (DreyStringView *self)
{
  gtk_text_view_set_wrap_mode (self->text_view,
                               gtk_toggle_button_get_active (self->wrap_button) ? GTK_WRAP_WORD_CHAR : GTK_WRAP_NONE);
}

static void
drey_string_view_dispose (GObject *object)
{
  DreyStringView *self = DREY_STRING_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STRING_VIEW);
  /* The template's root box is not bound: unparented here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (drey_string_view_parent_class)->dispose (object);
}

static void
drey_string_view_finalize (GObject *object)
{
  DreyStringView *self = DREY_STRING_VIEW (object);

  g_free (self->text);
  G_OBJECT_CLASS (drey_string_view_parent_class)->finalize (object);
}

static void
drey_string_view_class_init (DreyStringViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_string_view_dispose;
  object_class->finalize = drey_string_view_finalize;

  gtk_widget_class_install_action (widget_class, "string.copy", NULL, copy_action);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-string-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStringView, length_label);
  gtk_widget_class_bind_template_child (widget_class, DreyStringView, monospace_button);
  gtk_widget_class_bind_template_child (widget_class, DreyStringView, wrap_button);
  gtk_widget_class_bind_template_child (widget_class, DreyStringView, text_view);
  gtk_widget_class_bind_template_child (widget_class, DreyStringView, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "string-view");
}

static void
drey_string_view_init (DreyStringView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->monospace_button, "toggled", G_CALLBACK (monospace_toggled), self);
  g_signal_connect_swapped (self->wrap_button, "toggled", G_CALLBACK (wrap_toggled), self);
}
