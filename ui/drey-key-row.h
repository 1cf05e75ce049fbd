/* drey-key-row.h: one row of the key list, a single widget that draws its text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-key-item.h"

G_BEGIN_DECLS

#define DREY_TYPE_KEY_ROW (drey_key_row_get_type ())

G_DECLARE_FINAL_TYPE (DreyKeyRow, drey_key_row, DREY, KEY_ROW, GtkWidget)

GtkWidget   *drey_key_row_new                (void);
void         drey_key_row_show_item          (DreyKeyRow  *self,
                                              DreyKeyItem *item);
const char  *drey_key_row_get_key_text       (DreyKeyRow  *self);
const char  *drey_key_row_get_n_samples_text (DreyKeyRow  *self);
const char  *drey_key_row_get_size_text      (DreyKeyRow  *self);
gboolean     drey_key_row_get_marked         (DreyKeyRow  *self);

G_END_DECLS
