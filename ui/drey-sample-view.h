/* drey-sample-view.h: the samples of one shard, as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "drey-array-panel.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_VIEW (drey_sample_view_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleView, drey_sample_view, DREY, SAMPLE_VIEW, GtkWidget)

GtkWidget         *drey_sample_view_new                (void);
void               drey_sample_view_set_store          (DreySampleView *self,
                                                        SqStore        *store);
void               drey_sample_view_load               (DreySampleView *self,
                                                        const char     *key);
const char        *drey_sample_view_get_key            (DreySampleView *self);
const char        *drey_sample_view_get_state          (DreySampleView *self);
const GError      *drey_sample_view_get_error          (DreySampleView *self);
GtkSingleSelection *drey_sample_view_get_selection     (DreySampleView *self);
DreyArrayPanel    *drey_sample_view_get_array_panel    (DreySampleView *self);
char              *drey_sample_view_get_python_path    (DreySampleView *self);

G_END_DECLS
