/* drey-key-list.c: the left pane, every key of the store
 *
 * The listing streams in: batches of keys from a worker are appended to a
 * GListStore in one splice each, and an incremental GtkSortListModel and
 * GtkFilterListModel sort and search them a slice per main loop iteration,
 * so a store of 100,000 shards shows its first keys at once and the window
 * never freezes.
 *
 *   items (GListStore, listing order) -> sorted -> filtered -> selection
 *
 * A local store lists in squirrel's order already, so the name order grows
 * at its end; keys landing all over a long list would make GTK 4.8's list
 * view walk every row between them at each batch.
 *
 * The selection is the user's: the search hides rows but never changes it
 * (a hidden selected row is selected again when it shows), and a reload
 * keeps it if its key is still there. Reloading updates the items in place
 * (same objects, new sizes) and drops the keys it did not find again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-key-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-key-item.h"
#include "drey-key-list.h"
#include "drey-list-keynav.h"

/* Removing more runs than this one by one costs more than a new splice. */
#define MAX_REMOVAL_RUNS 32

struct _DreyKeyList
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkMenuButton      *sort_button;
  GtkStack           *stack;
  GtkListView        *list_view;
  GtkSpinner         *loading_spinner;
  AdwStatusPage      *error_page;
  GtkWidget          *footer;
  GtkSpinner         *footer_spinner;
  GtkLabel           *footer_label;

  /* models */
  GListStore         *items;
  GtkCustomSorter    *sorter;
  GtkSortListModel   *sorted;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  SqStore            *store;
  GCancellable       *cancellable;
  /* key -> DreyKeyItem: what this listing found; and during a reload, what
   * the last one found that this one has not (yet) */
  GHashTable         *listed;
  GHashTable         *unseen;
  DreyKeyItem        *selected;
  GError             *error;
  char               *sort_by;
  guint64             total_size;
  guint               n_keys;
  guint               n_visible;
  GtkIconPaintable   *spinner_icons[2];
  guint               scroll_to;
  gboolean            loading;
  gboolean            resort;
};

G_DEFINE_FINAL_TYPE (DreyKeyList, drey_key_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SELECTED_KEY,
  PROP_N_KEYS,
  PROP_N_VISIBLE,
  PROP_LOADING,
  PROP_ERROR,
  PROP_SORT_BY,
  N_PROPS
};

enum
{
  KEY_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GHashTable *
key_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/* ---- rows --------------------------------------------------------------- */

static void
update_row (GtkListItem *list_item)
{
  DreyKeyItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *name_label = gtk_widget_get_first_child (row);
  GtkWidget *n_samples_label = gtk_widget_get_next_sibling (name_label);
  GtkWidget *size_label = gtk_widget_get_next_sibling (n_samples_label);
  GtkWidget *item_widget = gtk_widget_get_parent (row);
  g_autofree char *n_samples = drey_key_item_dup_n_samples_text (item);
  g_autofree char *size = drey_key_item_dup_size_text (item);
  g_autofree char *label = drey_key_item_dup_accessible_label (item);

  gtk_label_set_label (GTK_LABEL (name_label), drey_key_item_get_key (item));
  gtk_label_set_label (GTK_LABEL (n_samples_label), n_samples);
  gtk_widget_set_visible (n_samples_label, *n_samples != '\0');
  gtk_label_set_label (GTK_LABEL (size_label), size);

  /* "digits-03, 3.5 kB, 100 samples": on the row, and on the list's own
   * item widget around it, which is what takes the focus. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (item_widget != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item_widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Made when asked for: setting a tooltip text costs more than all the rest
 * of a bind, and rows are bound again whenever sorting or searching moves
 * them. */
static gboolean
query_row_tooltip_cb (GtkWidget   *row,
                      int          x,
                      int          y,
                      gboolean     keyboard_mode,
                      GtkTooltip  *tooltip,
                      GtkListItem *list_item)
{
  DreyKeyItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *mtime = NULL;
  g_autofree char *text = NULL;

  if (item == NULL)
    return FALSE;
  mtime = drey_key_item_dup_mtime_text (item);
  if (*mtime != '\0')
    /* TRANSLATORS: a key's tooltip: the key, then when its shard changed */
    text = g_strdup_printf (_("%s\nModified %s"), drey_key_item_get_key (item), mtime);
  else
    text = g_strdup (drey_key_item_get_key (item));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DreyKeyList              *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name_label = gtk_label_new (NULL);
  GtkWidget *n_samples_label = gtk_label_new (NULL);
  GtkWidget *size_label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0.0);
  gtk_widget_set_hexpand (name_label, TRUE);

  gtk_widget_add_css_class (n_samples_label, "dim-label");
  gtk_widget_add_css_class (n_samples_label, "caption");
  gtk_widget_add_css_class (n_samples_label, "numeric");

  gtk_label_set_xalign (GTK_LABEL (size_label), 1.0);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_add_css_class (size_label, "numeric");

  gtk_box_append (GTK_BOX (row), name_label);
  gtk_box_append (GTK_BOX (row), n_samples_label);
  gtk_box_append (GTK_BOX (row), size_label);
  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (query_row_tooltip_cb), list_item);
  gtk_list_item_set_child (list_item, row);
}

static void
row_item_notify_cb (DreyKeyItem *item,
                    GParamSpec  *pspec,
                    GtkListItem *list_item)
{
  update_row (list_item);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DreyKeyList              *self)
{
  update_row (list_item);
  g_signal_connect (gtk_list_item_get_item (list_item), "notify", G_CALLBACK (row_item_notify_cb), list_item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DreyKeyList              *self)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), row_item_notify_cb, list_item);
}

/* ---- state -------------------------------------------------------------- */

static gboolean
filter_is_active (DreyKeyList *self)
{
  const char *search = gtk_string_filter_get_search (self->filter);

  return search != NULL && *search != '\0';
}

static void
update_view (DreyKeyList *self)
{
  const char *page;
  g_autofree char *text = NULL;

  if (self->error != NULL)
    page = "error";
  else if (self->n_keys == 0 && self->loading)
    page = "loading";
  else if (self->n_keys == 0 && self->store != NULL)
    page = "empty";
  else if (self->n_visible == 0 && filter_is_active (self) && gtk_filter_list_model_get_pending (self->filtered) == 0)
    page = "no-results";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));

  if (self->store == NULL || self->error != NULL)
    text = g_strdup ("");
  else if (filter_is_active (self))
    /* TRANSLATORS: the footer while searching: "12 of 1,204 keys" */
    text = g_strdup_printf (ngettext ("%'u of %'u key", "%'u of %'u keys", self->n_keys), self->n_visible, self->n_keys);
  else
    {
      g_autofree char *size = g_format_size (self->total_size);

      /* TRANSLATORS: the footer: "1,204 keys · 3.2 GB" */
      text = g_strdup_printf (ngettext ("%'u key · %s", "%'u keys · %s", self->n_keys), self->n_keys, size);
    }
  gtk_label_set_label (self->footer_label, text);
  gtk_widget_set_visible (self->footer, *text != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->footer_spinner), self->loading && self->n_keys > 0);
  gtk_spinner_set_spinning (self->footer_spinner, self->loading && self->n_keys > 0);
}

static void
update_counts (DreyKeyList *self)
{
  guint n_keys = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  g_object_freeze_notify (G_OBJECT (self));
  if (n_keys != self->n_keys)
    {
      self->n_keys = n_keys;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_KEYS]);
    }
  if (n_visible != self->n_visible)
    {
      self->n_visible = n_visible;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VISIBLE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  update_view (self);
}

static void
set_loading (DreyKeyList *self,
             gboolean     loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (DreyKeyList *self,
           GError      *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  self->error = error;
  if (error != NULL)
    {
      /* The description is markup; file names may hold '<' or '&'. */
      g_autofree char *markup = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, markup);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_selected (DreyKeyList *self,
              DreyKeyItem *item)
{
  if (self->selected == item)
    return;
  g_set_object (&self->selected, item);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_KEY]);
}

static DreyKeyItem *
lookup_item (DreyKeyList *self,
             const char  *key)
{
  DreyKeyItem *item = g_hash_table_lookup (self->listed, key);

  if (item == NULL && self->unseen != NULL)
    item = g_hash_table_lookup (self->unseen, key);
  return item;
}

static gboolean
is_listed (DreyKeyList *self,
           DreyKeyItem *item)
{
  return lookup_item (self, drey_key_item_get_key (item)) == item;
}

/* The position of @item among the visible rows, or GTK_INVALID_LIST_POSITION. */
static guint
find_visible (DreyKeyList *self,
              DreyKeyItem *item,
              guint        from,
              guint        n)
{
  GListModel *model = G_LIST_MODEL (self->filtered);

  for (guint i = from; i < from + n; i++)
    {
      g_autoptr(DreyKeyItem) other = g_list_model_get_item (model, i);

      if (other == item)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
selection_changed_cb (DreyKeyList *self)
{
  DreyKeyItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (item != NULL)
    set_selected (self, item);
  /* Nothing selected: the row was hidden by the search (keep it, it comes
   * back) or its key went away. */
  else if (self->selected != NULL && !is_listed (self, self->selected))
    set_selected (self, NULL);
}

static void
visible_items_changed_cb (DreyKeyList *self,
                          guint        position,
                          guint        removed,
                          guint        added)
{
  /* The selection handled this change first: if it lost our row, which
   * shows again here, select it again. */
  if (self->selected != NULL && added > 0 &&
      gtk_single_selection_get_selected_item (self->selection) != self->selected)
    {
      guint found = find_visible (self, self->selected, position, added);

      if (found != GTK_INVALID_LIST_POSITION)
        gtk_single_selection_set_selected (self->selection, found);
    }
  update_counts (self);
}

static void
filter_pending_cb (DreyKeyList *self)
{
  update_view (self);
}

/* ---- listing ------------------------------------------------------------ */

static void
clear_items (DreyKeyList *self)
{
  g_clear_pointer (&self->unseen, g_hash_table_unref);
  g_hash_table_remove_all (self->listed);
  self->total_size = 0;
  self->resort = FALSE;
  g_list_store_remove_all (self->items);
  set_selected (self, NULL);
  update_counts (self);
}

static guint64
known_size (DreyKeyItem *item)
{
  return (guint64) MAX (drey_key_item_get_size (item), 0);
}

/* A batch of keys from the worker: in any order (a local store's come in
 * squirrel's order, see sq_store_list_keys_streamed_async()). */
static void
keys_found_cb (GPtrArray *batch,
               gpointer   data)
{
  DreyKeyList *self = data;
  g_autoptr(GPtrArray) added = g_ptr_array_new_full (batch->len, g_object_unref);

  for (guint i = 0; i < batch->len; i++)
    {
      SqKeyInfo *info = g_ptr_array_index (batch, i);
      const char *key = sq_key_info_get_key (info);
      char *stolen_key = NULL;
      DreyKeyItem *item = NULL;

      if (self->unseen != NULL &&
          g_hash_table_steal_extended (self->unseen, key, (gpointer *) &stolen_key, (gpointer *) &item))
        {
          /* Listed again: the same row, maybe with a new size. */
          self->total_size -= known_size (item);
          if (drey_key_item_set_info (item, info))
            self->resort = TRUE;
          self->total_size += known_size (item);
          g_hash_table_insert (self->listed, stolen_key, item);
        }
      else if (!g_hash_table_contains (self->listed, key))
        {
          item = drey_key_item_new (info);
          self->total_size += known_size (item);
          g_hash_table_insert (self->listed, g_strdup (key), g_object_ref (item));
          g_ptr_array_add (added, item);
        }
    }

  if (added->len > 0)
    g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                         added->pdata, added->len);
  update_counts (self);
}

/* After a reload: drop the keys it did not find again. */
static void
remove_unseen (DreyKeyList *self)
{
  typedef struct { guint start, end; } Run;
  g_autoptr(GHashTable) unseen = g_steal_pointer (&self->unseen);
  g_autoptr(GArray) runs = NULL;
  GListModel *model = G_LIST_MODEL (self->items);
  guint n_items = g_list_model_get_n_items (model);

  if (unseen == NULL || g_hash_table_size (unseen) == 0)
    return;

  /* Runs of rows to remove, [start, end), from the last. */
  runs = g_array_new (FALSE, FALSE, sizeof (Run));
  for (guint i = n_items; i-- > 0;)
    {
      g_autoptr(DreyKeyItem) item = g_list_model_get_item (model, i);
      Run *last = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;

      if (g_hash_table_lookup (unseen, drey_key_item_get_key (item)) != item)
        continue;
      self->total_size -= known_size (item);
      if (last != NULL && last->start == i + 1)
        last->start = i;
      else
        {
          Run run = { i, i + 1 };

          g_array_append_val (runs, run);
        }
    }

  if (runs->len <= MAX_REMOVAL_RUNS)
    {
      for (guint r = 0; r < runs->len; r++)
        {
          Run *run = &g_array_index (runs, Run, r);

          g_list_store_splice (self->items, run->start, run->end - run->start, NULL, 0);
        }
    }
  else
    {
      g_autoptr(GPtrArray) kept = g_ptr_array_new_full (n_items, g_object_unref);

      for (guint i = 0; i < n_items; i++)
        {
          DreyKeyItem *item = g_list_model_get_item (model, i);

          if (g_hash_table_lookup (unseen, drey_key_item_get_key (item)) == item)
            g_object_unref (item);
          else
            g_ptr_array_add (kept, item);
        }
      g_list_store_splice (self->items, 0, n_items, kept->pdata, kept->len);
    }

  if (self->selected != NULL && !is_listed (self, self->selected))
    set_selected (self, NULL);
}

static void
keys_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DreyKeyList) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sq_store_list_keys_streamed_finish (SQ_STORE (source), result, NULL, &error))
    {
      /* A new listing, another store or dispose took over. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("%s", error->message);
      clear_items (self);
      set_error (self, g_steal_pointer (&error));
    }
  else
    remove_unseen (self);

  /* Sizes or times changed: the size and date orders may have too. */
  if (self->resort && !g_str_equal (self->sort_by, "name"))
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  self->resort = FALSE;

  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  update_counts (self);
}

static void
start_listing (DreyKeyList *self)
{
  g_assert (self->store != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* What is shown is unseen until this listing finds it again. A listing
   * cut short by this one leaves some in each table. */
  if (self->unseen == NULL)
    {
      self->unseen = g_steal_pointer (&self->listed);
      self->listed = key_table_new ();
    }
  else
    {
      GHashTableIter iter;
      gpointer key, item;

      g_hash_table_iter_init (&iter, self->listed);
      while (g_hash_table_iter_next (&iter, &key, &item))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (self->unseen, key, item);
        }
    }

  set_error (self, NULL);
  set_loading (self, TRUE);
  sq_store_list_keys_streamed_async (self->store, SQ_LIST_KEYS_DEFAULT, self->cancellable,
                                     keys_found_cb, self, NULL,
                                     keys_listed_cb, g_object_ref (self));
  update_view (self);
}

/* ---- sorting and searching ---------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return sq_key_info_compare (drey_key_item_get_info ((DreyKeyItem *) a),
                              drey_key_item_get_info ((DreyKeyItem *) b));
}

/* Largest first; equal sizes in squirrel's order. */
static int
compare_sizes (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gint64 sa = drey_key_item_get_size ((DreyKeyItem *) a);
  gint64 sb = drey_key_item_get_size ((DreyKeyItem *) b);

  if (sa != sb)
    return sa > sb ? -1 : 1;
  return compare_names (a, b, NULL);
}

/* Newest first. */
static int
compare_dates (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gint64 ta = drey_key_item_get_mtime ((DreyKeyItem *) a);
  gint64 tb = drey_key_item_get_mtime ((DreyKeyItem *) b);

  if (ta != tb)
    return ta > tb ? -1 : 1;
  return compare_names (a, b, NULL);
}

static void
search_changed_cb (DreyKeyList *self)
{
  drey_key_list_set_filter_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
stop_search_cb (DreyKeyList *self)
{
  drey_key_list_set_filter_text (self, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Enter in the search: pick the first match, and go to the list. */
static void
search_activate_cb (DreyKeyList *self)
{
  if (self->n_visible == 0)
    return;
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
row_activated_cb (DreyKeyList *self,
                  guint        position)
{
  g_autoptr(DreyKeyItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    g_signal_emit (self, signals[KEY_ACTIVATED], 0, drey_key_item_get_key (item));
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_key_list_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  DreyKeyList *self = DREY_KEY_LIST (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static void
drey_key_list_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  DreyKeyList *self = DREY_KEY_LIST (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);

  if (self->scroll_to != GTK_INVALID_LIST_POSITION)
    {
      guint position = self->scroll_to;

      self->scroll_to = GTK_INVALID_LIST_POSITION;
      if (position < self->n_visible)
        {
          /* Scrolling queues an allocation of the list: do it now. */
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
          gtk_widget_allocate (self->box, width, height, baseline, NULL);
        }
    }
}

static gboolean
drey_key_list_grab_focus (GtkWidget *widget)
{
  DreyKeyList *self = DREY_KEY_LIST (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
drey_key_list_dispose (GObject *object)
{
  DreyKeyList *self = (DreyKeyList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_KEY_LIST);

  if (self->filtered != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->filtered, self);
      g_signal_handlers_disconnect_by_data (self->selection, self);
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorted);
  g_clear_object (&self->sorter);
  g_clear_object (&self->items);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  g_clear_pointer (&self->unseen, g_hash_table_unref);
  g_clear_object (&self->selected);
  g_clear_object (&self->store);
  g_clear_object (&self->spinner_icons[0]);
  g_clear_object (&self->spinner_icons[1]);

  G_OBJECT_CLASS (drey_key_list_parent_class)->dispose (object);
}

static void
drey_key_list_finalize (GObject *object)
{
  DreyKeyList *self = (DreyKeyList *) object;

  g_clear_error (&self->error);
  g_clear_pointer (&self->sort_by, g_free);

  G_OBJECT_CLASS (drey_key_list_parent_class)->finalize (object);
}

static void
drey_key_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DreyKeyList *self = DREY_KEY_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED_KEY:
      g_value_set_string (value, drey_key_list_get_selected_key (self));
      break;
    case PROP_N_KEYS:
      g_value_set_uint (value, self->n_keys);
      break;
    case PROP_N_VISIBLE:
      g_value_set_uint (value, self->n_visible);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_SORT_BY:
      g_value_set_string (value, self->sort_by);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DreyKeyList *self = DREY_KEY_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      drey_key_list_set_store (self, g_value_get_object (value));
      break;
    case PROP_SORT_BY:
      drey_key_list_set_sort_by (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_list_class_init (DreyKeyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_key_list_dispose;
  object_class->finalize = drey_key_list_finalize;
  object_class->get_property = drey_key_list_get_property;
  object_class->set_property = drey_key_list_set_property;

  widget_class->measure = drey_key_list_measure;
  widget_class->size_allocate = drey_key_list_size_allocate;
  widget_class->grab_focus = drey_key_list_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The key of the selected row; a row the search hides stays selected. */
  properties[PROP_SELECTED_KEY] =
    g_param_spec_string ("selected-key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* All keys listed so far. */
  properties[PROP_N_KEYS] =
    g_param_spec_uint ("n-keys", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The keys the search shows. */
  properties[PROP_N_VISIBLE] =
    g_param_spec_uint ("n-visible", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Why the last listing failed, or NULL. A missing store is no error. */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "name" (squirrel's order), "size" (largest first) or "date" (newest
   * first): the choices of the key-sort setting. */
  properties[PROP_SORT_BY] =
    g_param_spec_string ("sort-by", NULL, NULL, "name",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreyKeyList::key-activated:
   * @key: the key of the row
   *
   * A row was activated: Enter, or a double click.
   */
  signals[KEY_ACTIVATED] =
    g_signal_new ("key-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_install_property_action (widget_class, "key-list.sort-by", "sort-by");

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-key-list.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, box);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, sort_button);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, stack);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, list_view);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, error_page);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, footer);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, footer_spinner);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, footer_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_class_set_css_name (widget_class, "keylist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
drey_key_list_init (DreyKeyList *self)
{
  /* Before the template: the sort menu reads it. */
  self->sort_by = g_strdup ("name");
  self->scroll_to = GTK_INVALID_LIST_POSITION;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->listed = key_table_new ();

  self->items = g_list_store_new (DREY_TYPE_KEY_ITEM);
  self->sorter = gtk_custom_sorter_new (compare_names, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->items)),
                                          g_object_ref (GTK_SORTER (self->sorter)));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);

  self->filter = gtk_string_filter_new (gtk_property_expression_new (DREY_TYPE_KEY_ITEM, NULL, "key"));
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);

  /* Nothing is decoded until the user picks a key. */
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);

  /* After the selection's own handler, which is connected first. */
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (visible_items_changed_cb), self);
  g_signal_connect_swapped (self->filtered, "notify::pending", G_CALLBACK (filter_pending_cb), self);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  drey_list_keynav_tab_leaves (GTK_WIDGET (self->list_view));
  update_view (self);

  /* The spinners' icon, at the loading page's size and the footer's, read
   * now on a thread: else the first frame showing a spinner reads and
   * renders it, which takes a few dozen milliseconds. */
  for (guint i = 0; i < G_N_ELEMENTS (self->spinner_icons); i++)
    self->spinner_icons[i] =
      gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                  "process-working-symbolic", NULL, i == 0 ? 16 : 32, 1,
                                  GTK_TEXT_DIR_NONE, GTK_ICON_LOOKUP_PRELOAD);
}

/* ---- public API --------------------------------------------------------- */

GtkWidget *
drey_key_list_new (void)
{
  return g_object_new (DREY_TYPE_KEY_LIST, NULL);
}

/**
 * drey_key_list_set_store:
 * @store: (nullable): the store to list, or %NULL to clear the list
 *
 * Shows the keys of @store, listing them on a worker; the keys stream in
 * while #DreyKeyList:loading is %TRUE.
 */
void
drey_key_list_set_store (DreyKeyList *self,
                         SqStore     *store)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));
  g_return_if_fail (store == NULL || SQ_IS_STORE (store));

  if (self->store == store)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->store, store);

  g_object_freeze_notify (G_OBJECT (self));
  clear_items (self);
  set_error (self, NULL);
  set_loading (self, FALSE);
  if (store != NULL)
    start_listing (self);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * drey_key_list_get_store:
 *
 * Returns: (transfer none) (nullable): the store listed
 */
SqStore *
drey_key_list_get_store (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  return self->store;
}

/**
 * drey_key_list_reload:
 *
 * Lists the store again: new keys are added, gone ones removed, changed
 * sizes updated; the selection stays if its key is still there.
 */
void
drey_key_list_reload (DreyKeyList *self)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  if (self->store == NULL)
    return;
  /* After an error the list is empty: nothing to keep. */
  start_listing (self);
}

/**
 * drey_key_list_get_selected_key:
 *
 * Returns: (nullable): the key of the selected row
 */
const char *
drey_key_list_get_selected_key (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  return self->selected != NULL ? drey_key_item_get_key (self->selected) : NULL;
}

/**
 * drey_key_list_select_key:
 *
 * Selects the row of @key and scrolls to it, clearing the search if it
 * hides the row.
 *
 * Returns: whether @key has been listed (and is now selected)
 */
gboolean
drey_key_list_select_key (DreyKeyList *self,
                          const char  *key)
{
  DreyKeyItem *item;
  guint position;

  g_return_val_if_fail (DREY_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  item = lookup_item (self, key);
  if (item == NULL)
    return FALSE;

  if (!gtk_filter_match (GTK_FILTER (self->filter), item))
    drey_key_list_set_filter_text (self, "");

  /* Set first, so that if the row is not there yet (the search is still
   * running) it is selected when it shows. */
  set_selected (self, item);
  position = find_visible (self, item, 0, self->n_visible);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (self->selection, position);
      /* After the next allocation: rows the search just showed have no
       * height before it, and GTK 4.8 cannot scroll to them. */
      self->scroll_to = position;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
  return TRUE;
}

/**
 * drey_key_list_unselect:
 *
 * Selects no key: the window shows a shard the list does not have (a new
 * one, not saved yet).
 */
void
drey_key_list_unselect (DreyKeyList *self)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  set_selected (self, NULL);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

/**
 * drey_key_list_set_sample_count:
 *
 * Shows how many samples the shard @key holds, once it has been read.
 */
void
drey_key_list_set_sample_count (DreyKeyList *self,
                                const char  *key,
                                guint        n_samples)
{
  DreyKeyItem *item;

  g_return_if_fail (DREY_IS_KEY_LIST (self));
  g_return_if_fail (key != NULL);

  item = lookup_item (self, key);
  if (item != NULL)
    drey_key_item_set_n_samples (item, (int) MIN (n_samples, (guint) G_MAXINT));
}

void
drey_key_list_focus_search (DreyKeyList *self)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

guint
drey_key_list_get_n_keys (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), 0);
  return self->n_keys;
}

guint
drey_key_list_get_n_visible (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), 0);
  return self->n_visible;
}

gboolean
drey_key_list_get_loading (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), FALSE);
  return self->loading;
}

/**
 * drey_key_list_get_error:
 *
 * Returns: (nullable): why the listing failed: the store is a file, or
 *   cannot be read
 */
const GError *
drey_key_list_get_error (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  return self->error;
}

/**
 * drey_key_list_set_filter_text:
 *
 * Shows only the keys holding @text, ignoring case: what typing in the
 * search entry does.
 */
void
drey_key_list_set_filter_text (DreyKeyList *self,
                               const char  *text)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  if (text == NULL)
    text = "";
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text))
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  if (g_strcmp0 (gtk_string_filter_get_search (self->filter), text) == 0)
    return;
  gtk_string_filter_set_search (self->filter, text);
  update_counts (self);
}

const char *
drey_key_list_get_sort_by (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  return self->sort_by;
}

/**
 * drey_key_list_set_sort_by:
 * @sort_by: "name" (squirrel's order), "size" (largest first) or "date"
 *   (newest first)
 */
void
drey_key_list_set_sort_by (DreyKeyList *self,
                           const char  *sort_by)
{
  GCompareDataFunc compare;

  g_return_if_fail (DREY_IS_KEY_LIST (self));

  if (sort_by == NULL || g_str_equal (sort_by, "name"))
    sort_by = "name", compare = compare_names;
  else if (g_str_equal (sort_by, "size"))
    compare = compare_sizes;
  else if (g_str_equal (sort_by, "date"))
    compare = compare_dates;
  else
    {
      g_warning ("Unknown key order '%s'", sort_by);
      return;
    }

  if (g_str_equal (self->sort_by, sort_by))
    return;
  g_free (self->sort_by);
  self->sort_by = g_strdup (sort_by);
  gtk_custom_sorter_set_sort_func (self->sorter, compare, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_BY]);
}
