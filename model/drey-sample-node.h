/* drey-sample-node.h: one row of the sample tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_NODE (drey_sample_node_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleNode, drey_sample_node, DREY, SAMPLE_NODE, GObject)

DreySampleNode  *drey_sample_node_new_sample      (SqValue        *value,
                                                   guint           index);
const char      *drey_sample_node_get_name        (DreySampleNode *self);
SqValue         *drey_sample_node_get_value       (DreySampleNode *self);
SqValue         *drey_sample_node_get_key         (DreySampleNode *self);
DreySampleNode  *drey_sample_node_get_parent      (DreySampleNode *self);
guint            drey_sample_node_get_index       (DreySampleNode *self);
DreySampleNode  *drey_sample_node_get_sample      (DreySampleNode *self);
gboolean         drey_sample_node_get_edited      (DreySampleNode *self);
const char      *drey_sample_node_get_type_text   (DreySampleNode *self);
const char      *drey_sample_node_get_value_text  (DreySampleNode *self);
char            *drey_sample_node_get_python_path (DreySampleNode *self);
GPtrArray       *drey_sample_node_dup_field_path  (DreySampleNode *self);
DreySampleNode  *drey_sample_node_follow_field_path (DreySampleNode *self,
                                                   GPtrArray      *path);
GListModel      *drey_sample_node_get_children    (DreySampleNode *self);
GListModel      *drey_sample_node_create_children (DreySampleNode *self);
void             drey_sample_node_request_summary (DreySampleNode *self);
const SqSummary *drey_sample_node_get_summary     (DreySampleNode *self);
gboolean         drey_sample_node_get_summary_pending (DreySampleNode *self);

GPtrArray       *drey_sample_node_swap_value      (DreySampleNode *self,
                                                   SqValue        *value,
                                                   GPtrArray      *children);
DreySampleNode  *drey_sample_node_insert_child    (DreySampleNode *self,
                                                   guint           index,
                                                   SqValue        *key,
                                                   SqValue        *value,
                                                   GError        **error);
gboolean         drey_sample_node_insert_node     (DreySampleNode *self,
                                                   DreySampleNode *child,
                                                   GError        **error);
DreySampleNode  *drey_sample_node_remove_child    (DreySampleNode *self,
                                                   guint           index);
gboolean         drey_sample_node_rename          (DreySampleNode *self,
                                                   SqValue        *key,
                                                   GError        **error);
void             drey_sample_node_set_index       (DreySampleNode *self,
                                                   guint           index);
void             drey_sample_node_mark_edited     (DreySampleNode *self,
                                                   GPtrArray      *newly);
void             drey_sample_node_unmark          (DreySampleNode *self);
void             drey_sample_node_clear_edited    (DreySampleNode *self);

char           *drey_python_key_repr              (SqValue        *key);
char           *drey_format_number                (double          v,
                                                   int             digits);

G_END_DECLS
