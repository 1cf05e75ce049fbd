/* drey-test-ui.h: what several UI tests need, beside their own code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sq.h"

#include "drey-test-array.h"

G_BEGIN_DECLS

/* The test's thread owns the default main context, as g_application_run()
 * makes a window's own it: in a build with -Dmain_thread_check=true, lib
 * then aborts on any blocking call a widget makes on the main thread. */
static inline void
drey_test_own_main_context (void)
{
  g_assert_true (g_main_context_acquire (NULL));
}

/* gtk_test_init() and adw_init() with GTK's own accessibility backend
 * for tests (no session bus needed, and what
 * gtk_test_accessible_assert_property() reads), owning the main context. */
#define DREY_TEST_UI_INIT(argc, argv)        \
  G_STMT_START {                            \
    g_setenv ("GTK_A11Y", "test", TRUE);    \
    gtk_test_init ((argc), (argv), NULL);   \
    adw_init ();                            \
    drey_test_own_main_context ();          \
  } G_STMT_END

/* For the test's own blocking calls (writing or reading back its stores),
 * which a window never makes: outside the main context, as a worker. */
#define DREY_TEST_BLOCKING(stmt)          \
  G_STMT_START {                          \
    g_main_context_release (NULL);        \
    stmt;                                 \
    g_assert_true (g_main_context_acquire (NULL)); \
  } G_STMT_END

/* Renders @widget as it is on screen into the PNG @path. */
static inline void
drey_test_save_screenshot (GtkWidget  *widget,
                           const char *path)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

G_END_DECLS
