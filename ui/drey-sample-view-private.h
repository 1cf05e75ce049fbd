/* drey-sample-view-private.h: the sample view's insides, shared by
 * drey-sample-view.c (the tree and its cells) and drey-sample-view-actions.c
 * (what the user does to it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "drey-sample-view.h"

G_BEGIN_DECLS

struct _DreySampleView
{
  GtkWidget             parent_instance;

  /* template */
  GtkStack             *stack;
  GtkLabel             *loading_label;
  GtkProgressBar       *progress_bar;
  AdwStatusPage        *error_page;
  GtkLabel             *shard_title;
  GtkLabel             *shard_subtitle;
  GtkWidget            *edit_button;
  GtkProgressBar       *save_progress;
  GtkProgressBar       *load_progress;    /* samples shown, more coming */
  GtkWidget            *partial_error_bar; /* samples shown, then an error */
  GtkLabel             *partial_error_label;
  GtkRevealer          *edit_error_revealer;
  GtkLabel             *edit_error_label;
  GtkRevealer          *edit_bar_revealer;
  GtkWidget            *edit_bar;
  GtkWidget            *add_sample_button;
  GtkMenuButton        *row_menu_button;
  GtkMenuButton        *add_value_button;
  GtkColumnView        *column_view;
  GtkWidget            *no_samples_page;
  AdwLeaflet           *leaflet;          /* the tree | the array panel */
  GtkWidget            *tree_box;
  GtkScrolledWindow    *panel_scroller;
  DreyArrayPanel       *array_panel;

  DreyShardDocument    *document;
  GListModel           *roots;      /* the document's samples the tree shows */
  GtkSingleSelection   *selection;
  DreySampleNode       *panel_node;   /* weak: the value the panel showed last */

  gboolean              editing;
  gboolean              committing;   /* ending every edit, for a save or a switch */
  char                 *read_only_reason;
  /* The cells bound now, name and value, to refresh on mode changes. */
  GHashTable           *name_cells;
  GHashTable           *value_cells;
  guint                 edit_error_timeout;

  GtkFileChooserNative *chooser;
  GCancellable         *file_cancellable;

  /* A step (J/K) past the shard's end, or a sample opened from the
   * gallery, waiting for its shard: the sample and field to select. */
  GPtrArray            *step_path;
  char                 *step_key;
  guint                 step_index;     /* G_MAXUINT: the last */
  gboolean              step_focus;
  gboolean              step_shows_panel; /* a reveal: the field's panel, if folded */
  gboolean              columns_folded;   /* Name and Type are at their narrow widths */
  guint                 sync_fold_source;
};

gboolean        _drey_sample_view_can_edit          (DreySampleView *self);
void            _drey_sample_view_show_toast        (DreySampleView *self,
                                                     AdwToast       *toast);
void            _drey_sample_view_show_edit_error   (DreySampleView *self,
                                                     const char     *message);
gboolean        _drey_sample_view_start_editing     (DreySampleView *self,
                                                     gboolean        is_name);
void            _drey_sample_view_update_actions    (DreySampleView *self);
void            _drey_sample_view_selection_changed (DreySampleView *self);
gboolean        _drey_sample_view_show_panel        (DreySampleView *self);
DreySampleNode *_drey_sample_view_add_value         (DreySampleView *self,
                                                     SqValue        *value);
DreySampleNode *_drey_sample_view_add_target        (DreySampleView *self,
                                                     guint          *index);

void            _drey_sample_view_finish_step       (DreySampleView *self);

void            _drey_sample_view_class_add_actions (GtkWidgetClass *widget_class);
void            _drey_sample_view_dispose_actions   (DreySampleView *self);

G_END_DECLS
