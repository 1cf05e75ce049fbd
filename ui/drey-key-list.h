/* drey-key-list.h: the left pane, every key of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-key-model.h"

G_BEGIN_DECLS

#define DREY_TYPE_KEY_LIST (drey_key_list_get_type ())

G_DECLARE_FINAL_TYPE (DreyKeyList, drey_key_list, DREY, KEY_LIST, GtkWidget)

GtkWidget    *drey_key_list_new              (void);
void          drey_key_list_set_model        (DreyKeyList  *self,
                                              DreyKeyModel *model);
DreyKeyModel *drey_key_list_get_model        (DreyKeyList  *self);
const char   *drey_key_list_get_selected_key (DreyKeyList *self);
gboolean      drey_key_list_select_key       (DreyKeyList *self,
                                              const char  *key);
const char   *drey_key_list_get_neighbour_key (DreyKeyList *self,
                                               const char  *key,
                                               int          direction);
void          drey_key_list_unselect         (DreyKeyList *self);
void          drey_key_list_set_store_selected (DreyKeyList *self,
                                                gboolean     selected);
void          drey_key_list_focus_search     (DreyKeyList *self);
guint         drey_key_list_get_n_keys       (DreyKeyList *self);
guint         drey_key_list_get_n_visible    (DreyKeyList *self);
void          drey_key_list_set_filter_text  (DreyKeyList *self,
                                              const char  *text);
const char   *drey_key_list_get_sort_by      (DreyKeyList *self);
void          drey_key_list_set_sort_by      (DreyKeyList *self,
                                              const char  *sort_by);
gboolean      drey_key_list_get_sort_reversed (DreyKeyList *self);
void          drey_key_list_set_sort_reversed (DreyKeyList *self,
                                               gboolean     reversed);

G_END_DECLS
