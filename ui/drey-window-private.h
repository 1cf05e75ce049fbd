/* drey-window-private.h: the window's insides, shared by drey-window.c
 * (building it, its store, header and toasts) and drey-window-actions.c
 * (every win.* action)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "drey-key-list.h"
#include "drey-sample-view.h"
#include "drey-store-view.h"
#include "drey-welcome-page.h"
#include "drey-window.h"

G_BEGIN_DECLS

struct _DreyWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  AdwLeaflet           *leaflet;
  GtkWidget            *reload_button;
  GtkWidget            *serializer_button;
  GtkMenuButton        *menu_button;
  GtkLabel             *serializer_label;
  GtkWidget            *save_button;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  DreyWelcomePage      *welcome_page;
  DreyKeyList          *key_list;
  DreySampleView       *sample_view;
  GtkStack             *content_stack;
  DreyStoreView        *store_view;
  AdwStatusPage        *store_error_page;

  GSettings            *settings;
  SqStore              *store;
  DreyKeyModel         *key_model;
  DreyShardDocument    *document;
  DreyStoreDocument    *store_document;
  GCancellable         *open_cancellable;
  GCancellable         *detect_cancellable;
  GtkFileChooserNative *chooser;

  char                 *read_only_reason;
  /* Unsaved edits: the request waiting for the user's answer, if any. */
  GTask                *confirming;
  /* A key the user agreed a new shard replaces (the New Shard dialog
   * asked already). */
  char                 *replace_confirmed_key;
  /* The key to select once the key list has been listed again. */
  char                 *select_after_listing;
  char                 *open_key;         /* to show once the store opening is open */
  /* Set while the window itself moves the key list's selection. */
  gboolean              ignore_selection;
  gboolean              close_confirmed;
  /* Undos a toast still offers (DreyShardUndo): forgotten when it goes. */
  GPtrArray            *undos;
  AdwToast             *last_toast;
  AdwToast             *toast_on_screen;
  gint64                toast_on_screen_since;
  guint                 toast_dismiss_source; /* its held-back dismissal */
  gboolean              toast_releasing;
  guint                 update_back_source; /* the header's Back, once this frame is drawn */
  guint                 mark_failed_source; /* the key list's failed marks, coalesced */
};

void     _drey_window_update_header      (DreyWindow          *self);
void     _drey_window_update_back        (DreyWindow          *self);
gboolean _drey_window_go_back            (DreyWindow          *self);
void     _drey_window_show_error         (DreyWindow          *self,
                                          const char          *message);
void     _drey_window_show_undo_toast    (DreyWindow          *self,
                                          const char          *title,
                                          DreyShardUndo       *undo);
void     _drey_window_sync_key_selection (DreyWindow          *self);
void     _drey_window_load_key           (DreyWindow          *self,
                                          const char          *key);
void     _drey_window_open_store_now     (DreyWindow          *self,
                                          GFile               *location);
void     _drey_window_reload_now         (DreyWindow          *self);
void     _drey_window_show_store         (DreyWindow          *self);
void     _drey_window_present_new_shard  (DreyWindow          *self);

void     _drey_window_confirm_async      (DreyWindow          *self,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean _drey_window_confirm_finish     (DreyWindow          *self,
                                          GAsyncResult        *result);
void     _drey_window_save_async         (DreyWindow          *self,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean _drey_window_save_finish        (DreyWindow          *self,
                                          GAsyncResult        *result);

void     _drey_window_class_add_actions  (GtkWidgetClass      *widget_class);

G_END_DECLS
