/* drey-string-view.h: a long string, to read whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DREY_TYPE_STRING_VIEW (drey_string_view_get_type ())

G_DECLARE_FINAL_TYPE (DreyStringView, drey_string_view, DREY, STRING_VIEW, GtkWidget)

/* What the view shows of a string, and what Copy puts on the clipboard,
 * at most (GTK 4.8 can hang on large X11 selection transfers). */
#define DREY_STRING_VIEW_MAX_SHOWN (1024 * 1024)
#define DREY_STRING_VIEW_MAX_COPIED (64 * 1024)

GtkWidget  *drey_string_view_new           (void);
void        drey_string_view_set_text      (DreyStringView *self,
                                            const char     *text,
                                            gsize           length);
char       *drey_string_view_get_shown     (DreyStringView *self);
char       *drey_string_view_get_copy_text (DreyStringView *self);
void        drey_string_view_set_monospace (DreyStringView *self,
                                            gboolean        monospace);

G_END_DECLS
