/* drey-window.h: a window on one store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "drey-shard-document.h"

G_BEGIN_DECLS

#define DREY_TYPE_WINDOW (drey_window_get_type ())

G_DECLARE_FINAL_TYPE (DreyWindow, drey_window, DREY, WINDOW, AdwApplicationWindow)

DreyWindow *drey_window_new        (AdwApplication *application);
void        drey_window_open_store (DreyWindow     *self,
                                    GFile          *location);
void        drey_window_open_store_at_key (DreyWindow *self,
                                           GFile      *location,
                                           const char *key);
SqStore    *drey_window_get_store  (DreyWindow     *self);
DreyShardDocument *drey_window_get_document (DreyWindow *self);
AdwToast   *drey_window_get_last_toast (DreyWindow *self);

G_END_DECLS
