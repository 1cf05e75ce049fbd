/* drey-sample-view.h: the samples of one shard, as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-array-panel.h"
#include "drey-sample-node.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_VIEW (drey_sample_view_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleView, drey_sample_view, DREY, SAMPLE_VIEW, GtkWidget)

GtkWidget          *drey_sample_view_new                 (void);
void                drey_sample_view_set_store           (DreySampleView *self,
                                                          SqStore        *store);
void                drey_sample_view_load                (DreySampleView *self,
                                                          const char     *key);
void                drey_sample_view_open_new            (DreySampleView *self,
                                                          const char     *key,
                                                          GPtrArray      *samples);
const char         *drey_sample_view_get_key             (DreySampleView *self);
const char         *drey_sample_view_get_state           (DreySampleView *self);
const GError       *drey_sample_view_get_error           (DreySampleView *self);
GtkSingleSelection *drey_sample_view_get_selection       (DreySampleView *self);
DreyArrayPanel     *drey_sample_view_get_array_panel     (DreySampleView *self);
char               *drey_sample_view_get_python_path     (DreySampleView *self);
DreySampleNode     *drey_sample_view_selected_node       (DreySampleView *self);
void                drey_sample_view_select_node         (DreySampleView *self,
                                                          DreySampleNode *node);
guint               drey_sample_view_get_n_samples       (DreySampleView *self);
GPtrArray          *drey_sample_view_dup_samples         (DreySampleView *self);

gboolean            drey_sample_view_get_editing         (DreySampleView *self);
void                drey_sample_view_set_editing         (DreySampleView *self,
                                                          gboolean        editing);
gboolean            drey_sample_view_get_modified        (DreySampleView *self);
gboolean            drey_sample_view_get_is_new          (DreySampleView *self);
void                drey_sample_view_set_read_only       (DreySampleView *self,
                                                          const char     *reason);
void                drey_sample_view_set_saving          (DreySampleView *self,
                                                          gboolean        saving);
void                drey_sample_view_set_save_progress   (DreySampleView *self,
                                                          guint64         done,
                                                          guint64         total);
void                drey_sample_view_mark_saved          (DreySampleView *self);
void                drey_sample_view_commit_editing      (DreySampleView *self);
const char         *drey_sample_view_get_edit_error      (DreySampleView *self);
GtkWidget          *drey_sample_view_get_selected_editor (DreySampleView *self,
                                                          gboolean        is_name);
gboolean            drey_sample_view_set_selected_value  (DreySampleView *self,
                                                          SqValue        *value);
void                drey_sample_view_load_array          (DreySampleView *self,
                                                          GFile          *file,
                                                          gboolean        replace);
GBytes             *drey_sample_view_export_bytes        (DreySampleView *self,
                                                          const char     *kind,
                                                          GError        **error);
void                drey_sample_view_export              (DreySampleView *self,
                                                          const char     *kind,
                                                          GFile          *file);

G_END_DECLS
