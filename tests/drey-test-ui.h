/* drey-test-ui.h: what several UI tests need, beside their own code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "sq.h"

#include "drey-key-row.h"
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

/* How long this thread has waited for a CPU while runnable, in µs, from
 * the scheduler's statistics; 0 where the kernel keeps none. A timing
 * taken on a shared machine leaves it out: other processes had the CPU. */
static inline gint64
drey_test_runqueue_wait (void)
{
  char buf[128];
  int fd = g_open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC, 0);
  gssize n;
  guint64 run_ns, wait_ns;

  if (fd < 0)
    return 0;
  n = pread (fd, buf, sizeof buf - 1, 0);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return 0;
  return (gint64) (wait_ns / 1000);
}

/* The key list's row that shows @key under @widget, if one is bound. */
static inline DreyKeyRow *
drey_test_find_key_row (GtkWidget  *widget,
                        const char *key)
{
  if (DREY_IS_KEY_ROW (widget) && g_strcmp0 (drey_key_row_get_key_text (DREY_KEY_ROW (widget)), key) == 0)
    return DREY_KEY_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      DreyKeyRow *row = drey_test_find_key_row (child, key);

      if (row != NULL)
        return row;
    }
  return NULL;
}

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

/* Real input, as a user's, from another X client (xdotool, through XTEST):
 * @args are xdotool's, with "%w" standing for @widget's window. Returns
 * once xdotool did it; the events reach GTK on later iterations. Only
 * under X11, which the UI tests run on. */
static inline void
drey_test_xdotool (GtkWidget  *widget,
                   const char *args)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  g_autofree char *xid = NULL;
  g_autoptr(GString) command = g_string_new ("xdotool ");
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  g_string_append (command, args);
  g_string_replace (command, "%w", xid, 0);
  g_assert_true (g_spawn_command_line_sync (command->str, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
#else
  g_test_skip ("needs X11");
#endif
}

/* Where @widget's centre is in its window's X surface. */
static inline void
drey_test_widget_centre (GtkWidget *widget,
                         int       *x,
                         int       *y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                 gtk_widget_get_height (widget) / 2.f);
  graphene_point_t in_native;
  double dx, dy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &centre, &in_native));
  gtk_native_get_surface_transform (native, &dx, &dy);
  *x = (int) (in_native.x + dx);
  *y = (int) (in_native.y + dy);
}

static void
drey_test_count_press (GtkGestureClick *gesture,
                       int              n_press,
                       double           x,
                       double           y,
                       guint           *count)
{
  (*count)++;
}

/* Counts the presses that reach @widget's window, before any widget sees
 * them: a test then knows its click has arrived. */
static inline void
drey_test_count_presses (GtkWidget *widget,
                         guint     *count)
{
  GtkGesture *gesture = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (drey_test_count_press), count);
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_native (widget)), GTK_EVENT_CONTROLLER (gesture));
}

/* Clicks @widget's centre @n times (a double click for 2), for real. */
static inline void
drey_test_click (GtkWidget *widget,
                 guint      n)
{
  int x, y;
  g_autofree char *args = NULL;

  drey_test_widget_centre (widget, &x, &y);
  args = g_strdup_printf ("mousemove --window %%w %d %d click --repeat %u --delay 60 1", x, y, n);
  drey_test_xdotool (widget, args);
}

G_END_DECLS
