/* drey-sample-view.h: the samples of one shard, as a tree, and their editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "drey-array-panel.h"
#include "drey-sample-format.h"
#include "drey-sample-node.h"
#include "drey-shard-document.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_VIEW (drey_sample_view_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleView, drey_sample_view, DREY, SAMPLE_VIEW, GtkWidget)

GtkWidget          *drey_sample_view_new                 (void);
void                drey_sample_view_set_document        (DreySampleView    *self,
                                                          DreyShardDocument *document);
DreyShardDocument  *drey_sample_view_get_document        (DreySampleView    *self);
GtkSingleSelection *drey_sample_view_get_selection       (DreySampleView    *self);
DreyArrayPanel     *drey_sample_view_get_array_panel     (DreySampleView    *self);
char               *drey_sample_view_get_python_path     (DreySampleView    *self);
DreySampleNode     *drey_sample_view_selected_node       (DreySampleView    *self);
void                drey_sample_view_select_node         (DreySampleView    *self,
                                                          DreySampleNode    *node);
void                drey_sample_view_reveal              (DreySampleView    *self,
                                                          const char        *key,
                                                          guint              index,
                                                          const char        *field);
void                drey_sample_view_step_into           (DreySampleView    *self,
                                                          const char        *key,
                                                          int                direction);

gboolean            drey_sample_view_get_editing         (DreySampleView    *self);
void                drey_sample_view_set_editing         (DreySampleView    *self,
                                                          gboolean           editing);
void                drey_sample_view_set_read_only       (DreySampleView    *self,
                                                          const char        *reason);
void                drey_sample_view_commit_editing      (DreySampleView    *self);
void                drey_sample_view_focus_samples       (DreySampleView    *self);
AdwLeaflet         *drey_sample_view_get_leaflet         (DreySampleView    *self);
gboolean            drey_sample_view_get_can_go_back     (DreySampleView    *self);
gboolean            drey_sample_view_go_back             (DreySampleView    *self);
const char         *drey_sample_view_get_edit_error      (DreySampleView    *self);
GtkWidget          *drey_sample_view_get_selected_editor (DreySampleView    *self,
                                                          gboolean           is_name);
gboolean            drey_sample_view_undo                (DreySampleView    *self);
gboolean            drey_sample_view_redo                (DreySampleView    *self);
gboolean            drey_sample_view_set_selected_value  (DreySampleView    *self,
                                                          SqValue           *value);
void                drey_sample_view_load_array          (DreySampleView    *self,
                                                          GFile             *file,
                                                          gboolean           replace);
char               *drey_sample_view_dup_export_name     (DreySampleView    *self,
                                                          DreySampleFormat   format);
GBytes             *drey_sample_view_export_bytes        (DreySampleView    *self,
                                                          DreySampleFormat   format,
                                                          GError           **error);
void                drey_sample_view_export              (DreySampleView    *self,
                                                          DreySampleFormat   format,
                                                          GFile             *file);

G_END_DECLS
