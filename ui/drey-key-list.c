/* drey-key-list.c: the left pane, every key of the store
 *
 * It shows a DreyKeyModel, which lists the store as the keys stream in and
 * keeps itself up to date; an incremental GtkSortListModel and
 * GtkFilterListModel sort and search them a slice per main loop iteration,
 * so a store of 100,000 shards shows its first keys at once and the window
 * never freezes.
 *
 *   model (DreyKeyModel, listing order) -> sorted -> filtered -> selection
 *
 * The model's listing order is squirrel's for a local store, so the name
 * order grows at its end; keys landing all over a long list would make GTK
 * 4.8's list view walk every row between them at each batch.
 *
 * The selection is the user's: the search hides rows but never changes it
 * (a hidden selected row is selected again when it shows), and a reload
 * keeps it if its key is still there (the model keeps its items).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-key-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "drey-key-list.h"
#include "drey-key-row.h"
#include "drey-list-keynav.h"
#include "drey-menu-tooltip.h"

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
  GtkListBox         *store_row_list;
  GtkListBoxRow      *store_row;

  /* models */
  DreyKeyModel       *model;
  GtkCustomSorter    *sorter;
  GtkSortListModel   *sorted;
  GtkCustomFilter    *filter;
  char               *search;          /* as typed; "" for none */
  char               *folded_search;   /* drey_key_item_fold_text (search) */
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  DreyKeyItem        *selected;
  char               *sort_by;
  GCompareDataFunc    compare;     /* of sort_by */
  gboolean            sort_reversed;
  guint               n_keys;
  guint               n_visible;
  GtkIconPaintable   *spinner_icons[2];
  guint               scroll_to;
  guint               focus_row_source; /* the cursor to the selected row, after this layout */
};

G_DEFINE_FINAL_TYPE (DreyKeyList, drey_key_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_SELECTED_KEY,
  PROP_N_KEYS,
  PROP_N_VISIBLE,
  PROP_SORT_BY,
  PROP_SORT_REVERSED,
  N_PROPS
};

enum
{
  KEY_ACTIVATED,
  KEY_CLICKED,
  STORE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- rows --------------------------------------------------------------- */

static void
update_row (GtkListItem *list_item)
{
  DreyKeyItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *item_widget = gtk_widget_get_parent (row);

  drey_key_row_show_item (DREY_KEY_ROW (row), item);
  /* The row's label for AT is also on the list's own item widget around
   * it, which is what takes the focus. */
  if (item_widget != NULL)
    {
      g_autofree char *label = drey_key_item_dup_accessible_label (item);

      gtk_accessible_update_property (GTK_ACCESSIBLE (item_widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
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
  if (drey_key_item_get_error (item) != NULL)
    {
      char *with_error = g_strconcat (text, "\n", drey_key_item_get_error (item), NULL);

      g_free (text);
      text = with_error;
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DreyKeyList              *self)
{
  GtkWidget *row = drey_key_row_new ();

  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (query_row_tooltip_cb), list_item);
  g_object_set_data (G_OBJECT (row), "drey-list-item", list_item);
  gtk_list_item_set_child (list_item, row);
}

/* GTK 4.8's list view keeps its keyboard cursor apart from the selection:
 * a key selected from code (`drey STORE KEY`, stepping into the next
 * shard) left it on the first row, and Down went there. While the list
 * holds the focus, the focus goes to the selected row's item widget,
 * which moves the cursor (there is no API for it before 4.12). */
static void
focus_row (DreyKeyList *self,
           guint        position)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));

  if (focus == NULL ||
      (focus != GTK_WIDGET (self->list_view) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view))))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GtkListItem *list_item = row != NULL ? g_object_get_data (G_OBJECT (row), "drey-list-item") : NULL;

      if (list_item != NULL && gtk_list_item_get_position (list_item) == position)
        {
          if (!gtk_widget_has_focus (child))
            gtk_widget_grab_focus (child);
          return;
        }
    }
}

static gboolean
focus_row_cb (gpointer data)
{
  DreyKeyList *self = data;
  guint position = gtk_single_selection_get_selected (self->selection);

  self->focus_row_source = 0;
  if (position != GTK_INVALID_LIST_POSITION)
    focus_row (self, position);
  return G_SOURCE_REMOVE;
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

/* The search: a substring of the key, case-blind, both folded alike. */
static gboolean
key_matches (gpointer item,
             gpointer user_data)
{
  DreyKeyList *self = user_data;

  return strstr (drey_key_item_get_folded_key (item), self->folded_search) != NULL;
}

static gboolean
filter_is_active (DreyKeyList *self)
{
  return self->search != NULL && *self->search != '\0';
}

static void
update_view (DreyKeyList *self)
{
  const GError *error = self->model != NULL ? drey_key_model_get_error (self->model) : NULL;
  gboolean loading = self->model != NULL && drey_key_model_get_loading (self->model);
  gboolean has_store = self->model != NULL && drey_key_model_get_store (self->model) != NULL;
  gboolean filtering = filter_is_active (self) && gtk_filter_list_model_get_pending (self->filtered) > 0;
  const char *page;
  g_autofree char *text = NULL;

  if (error != NULL)
    page = "error";
  else if (self->n_keys == 0 && loading)
    page = "loading";
  else if (self->n_keys == 0 && has_store)
    page = "empty";
  else if (self->n_visible == 0 && filter_is_active (self) && gtk_filter_list_model_get_pending (self->filtered) == 0)
    page = "no-results";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));

  if (!has_store || error != NULL)
    text = g_strdup ("");
  else if (filtering)
    /* TRANSLATORS: the footer while the search still looks through the
     * keys: "Searching… 12 of 1,204 keys" */
    text = g_strdup_printf (ngettext ("Searching… %'u of %'u key", "Searching… %'u of %'u keys", self->n_keys),
                            self->n_visible, self->n_keys);
  else if (filter_is_active (self))
    /* TRANSLATORS: the footer while searching: "12 of 1,204 keys" */
    text = g_strdup_printf (ngettext ("%'u of %'u key", "%'u of %'u keys", self->n_keys), self->n_visible, self->n_keys);
  else
    {
      g_autofree char *size = g_format_size (drey_key_model_get_total_size (self->model));

      /* TRANSLATORS: the footer: "1,204 keys · 3.2 GB" */
      text = g_strdup_printf (ngettext ("%'u key · %s", "%'u keys · %s", self->n_keys), self->n_keys, size);
    }
  gtk_label_set_label (self->footer_label, text);
  gtk_widget_set_visible (self->footer, *text != '\0');
  /* Not while filtering: under a slow renderer a spinning spinner's frames
   * leave the filter's idle steps no time, and the search never ends. */
  gtk_widget_set_visible (GTK_WIDGET (self->footer_spinner), loading && self->n_keys > 0);
  gtk_spinner_set_spinning (self->footer_spinner, loading && self->n_keys > 0);
}

static void
update_counts (DreyKeyList *self)
{
  guint n_keys = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
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
  return self->model != NULL ? drey_key_model_lookup (self->model, key) : NULL;
}

static gboolean
is_listed (DreyKeyList *self,
           DreyKeyItem *item)
{
  return self->model != NULL && drey_key_model_contains (self->model, item);
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

/* ---- the model ------------------------------------------------------------ */

static void
model_error_changed_cb (DreyKeyList *self)
{
  const GError *error = drey_key_model_get_error (self->model);

  if (error != NULL)
    {
      /* The description is markup; file names may hold '<' or '&'. */
      g_autofree char *markup = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, markup);
    }
  update_view (self);
}

/* A listing ended: keys it did not find again are gone, and sizes or
 * times that changed may change the size and date orders. */
static void
model_listed_cb (DreyKeyList *self,
                 gboolean     changed)
{
  if (changed && !g_str_equal (self->sort_by, "name"))
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  if (self->selected != NULL && !is_listed (self, self->selected))
    set_selected (self, NULL);
  update_counts (self);
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

/* The chosen order, or its reverse (squirrel's order stays the tie-break,
 * reversed too: every key has one place). */
static int
compare_sorted (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  DreyKeyList *self = user_data;
  int order = self->compare (a, b, NULL);

  return self->sort_reversed ? -order : order;
}

static void
update_sort_button (DreyKeyList *self)
{
  /* The arrow shows which way the list runs. */
  gtk_menu_button_set_icon_name (self->sort_button, self->sort_reversed ? "view-sort-ascending-symbolic"
                                                                         : "view-sort-descending-symbolic");
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

static void row_activated_cb (DreyKeyList *self,
                              guint        position);

/* Enter in the search: a single match is opened (selected and
 * activated, as Enter on its row would); else the first match is picked
 * and the focus goes to the list. */
static void
search_activate_cb (DreyKeyList *self)
{
  if (self->n_visible == 0)
    return;
  if (self->n_visible == 1 && gtk_filter_list_model_get_pending (self->filtered) == 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
      row_activated_cb (self, 0);
      return;
    }
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Down in the search goes to the list, on its first row. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       DreyKeyList           *self)
{
  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || self->n_visible == 0)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  self->scroll_to = 0;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return TRUE;
}

static void
store_row_activated_cb (DreyKeyList *self)
{
  g_signal_emit (self, signals[STORE_ACTIVATED], 0);
}

/**
 * drey_key_list_set_store_selected:
 *
 * Marks the Store row as what the window shows (the keys' selection is
 * the window's to clear).
 */
void
drey_key_list_set_store_selected (DreyKeyList *self,
                                  gboolean     selected)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  if (selected)
    gtk_list_box_select_row (self->store_row_list, self->store_row);
  else
    gtk_list_box_unselect_all (self->store_row_list);
}

static void
row_activated_cb (DreyKeyList *self,
                  guint        position)
{
  g_autoptr(DreyKeyItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    g_signal_emit (self, signals[KEY_ACTIVATED], 0, drey_key_item_get_key (item));
}

/* A single click on a row: it is selected on the button's release,
 * before this. */
static void
list_clicked_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 DreyKeyList     *self)
{
  if (n_press == 1 && self->selected != NULL)
    g_signal_emit (self, signals[KEY_CLICKED], 0, drey_key_item_get_key (self->selected));
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
          /* Not while allocating: a focus change now leaves parts of
           * the window without an allocation. */
          if (self->focus_row_source == 0)
            self->focus_row_source = g_idle_add (focus_row_cb, self);
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

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_handle_id (&self->focus_row_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_KEY_LIST);

  if (self->filtered != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->filtered, self);
      g_signal_handlers_disconnect_by_data (self->selection, self);
    }
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->folded_search, g_free);
  g_clear_object (&self->sorted);
  g_clear_object (&self->sorter);
  g_clear_object (&self->model);
  g_clear_object (&self->selected);
  g_clear_object (&self->spinner_icons[0]);
  g_clear_object (&self->spinner_icons[1]);

  G_OBJECT_CLASS (drey_key_list_parent_class)->dispose (object);
}

static void
drey_key_list_finalize (GObject *object)
{
  DreyKeyList *self = (DreyKeyList *) object;

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
    case PROP_MODEL:
      g_value_set_object (value, self->model);
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
    case PROP_SORT_BY:
      g_value_set_string (value, self->sort_by);
      break;
    case PROP_SORT_REVERSED:
      g_value_set_boolean (value, self->sort_reversed);
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
    case PROP_MODEL:
      drey_key_list_set_model (self, g_value_get_object (value));
      break;
    case PROP_SORT_BY:
      drey_key_list_set_sort_by (self, g_value_get_string (value));
      break;
    case PROP_SORT_REVERSED:
      drey_key_list_set_sort_reversed (self, g_value_get_boolean (value));
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

  /* The keys shown. */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, DREY_TYPE_KEY_MODEL,
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
  /* "name" (squirrel's order), "size" (largest first) or "date" (newest
   * first): the choices of the key-sort setting. */
  properties[PROP_SORT_BY] =
    g_param_spec_string ("sort-by", NULL, NULL, "name",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The order backwards (the key-sort-reversed setting). */
  properties[PROP_SORT_REVERSED] =
    g_param_spec_boolean ("sort-reversed", NULL, NULL, FALSE,
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

  /**
   * DreyKeyList::key-clicked:
   * @key: the key of the row, now selected
   *
   * A row was clicked once (a narrow window then shows its samples in
   * place of the keys, as it does on Enter).
   */
  signals[KEY_CLICKED] =
    g_signal_new ("key-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * DreyKeyList::store-activated:
   *
   * The Store row above the keys was picked: the whole store, not a key.
   */
  signals[STORE_ACTIVATED] =
    g_signal_new ("store-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_property_action (widget_class, "key-list.sort-by", "sort-by");
  gtk_widget_class_install_property_action (widget_class, "key-list.sort-reversed", "sort-reversed");

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
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, store_row_list);
  gtk_widget_class_bind_template_child (widget_class, DreyKeyList, store_row);
  gtk_widget_class_bind_template_callback (widget_class, store_row_activated_cb);
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
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  drey_menu_tooltip_hide_while_open (self->sort_button);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    g_signal_connect (click, "released", G_CALLBACK (list_clicked_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  }

  self->compare = compare_names;
  self->sorter = gtk_custom_sorter_new (compare_sorted, self, NULL);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (GTK_SORTER (self->sorter)));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);

  /* No filter function while nothing is searched: the filter then matches
   * all, which the filter model knows without asking each key. */
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  self->search = g_strdup ("");
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  /* At once, not a slice per main loop iteration: comparing 100,000
   * folded keys takes a few milliseconds, while slices would each wait
   * for a frame (dozens of milliseconds under software GL). */
  gtk_filter_list_model_set_incremental (self->filtered, FALSE);

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
 * drey_key_list_set_model:
 * @model: (nullable): the keys to show
 *
 * Shows the keys of @model as they are listed; the loading and error pages
 * follow it.
 */
void
drey_key_list_set_model (DreyKeyList  *self,
                         DreyKeyModel *model)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));
  g_return_if_fail (model == NULL || DREY_IS_KEY_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  set_selected (self, NULL);
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (model));
  if (model != NULL)
    {
      g_signal_connect_object (model, "notify::loading", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::total-size", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::store", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "notify::error", G_CALLBACK (model_error_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "listed", G_CALLBACK (model_listed_cb), self, G_CONNECT_SWAPPED);
      model_error_changed_cb (self);
    }
  update_counts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * drey_key_list_get_model:
 *
 * Returns: (transfer none) (nullable): the keys shown
 */
DreyKeyModel *
drey_key_list_get_model (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  return self->model;
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
 * drey_key_list_get_neighbour_key:
 * @key: a key shown in the list
 * @direction: 1 for the row below it, -1 for the row above
 *
 * The key next to @key as the list shows them (sorted and searched), for
 * stepping from one shard into the next.
 *
 * Returns: (nullable): the neighbour's key, or %NULL if @key is not shown
 *   or is at that end
 */
const char *
drey_key_list_get_neighbour_key (DreyKeyList *self,
                                 const char  *key,
                                 int          direction)
{
  DreyKeyItem *item;
  guint position;
  gint64 neighbour;
  g_autoptr(DreyKeyItem) found = NULL;

  g_return_val_if_fail (DREY_IS_KEY_LIST (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  item = lookup_item (self, key);
  if (item == NULL)
    return NULL;
  /* The selected row is the usual case, and needs no search. */
  position = gtk_single_selection_get_selected (self->selection);
  if (gtk_single_selection_get_selected_item (self->selection) != item)
    position = find_visible (self, item, 0, self->n_visible);
  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;
  neighbour = (gint64) position + (direction > 0 ? 1 : -1);
  if (neighbour < 0 || neighbour >= g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    return NULL;
  found = g_list_model_get_item (G_LIST_MODEL (self->filtered), (guint) neighbour);
  /* The model keeps its items: the key outlives this reference. */
  return drey_key_item_get_key (found);
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
  g_autofree char *folded = NULL;
  int change;

  g_return_if_fail (DREY_IS_KEY_LIST (self));

  if (text == NULL)
    text = "";
  /* Not heard back: setting the text empties the entry first, and an
   * empty search entry says so at once, which showed every key before
   * searching them all again for @text. */
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text))
    {
      g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
      g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
    }
  if (g_strcmp0 (self->search, text) == 0)
    return;
  folded = drey_key_item_fold_text (text);
  if (*text == '\0')
    change = -1;
  else if (*self->search == '\0')
    change = GTK_FILTER_CHANGE_DIFFERENT;
  else if (strstr (folded, self->folded_search) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (self->folded_search, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;
  g_free (self->search);
  self->search = g_strdup (text);
  g_free (self->folded_search);
  self->folded_search = g_steal_pointer (&folded);
  if (change < 0)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  else if (change == GTK_FILTER_CHANGE_DIFFERENT && gtk_filter_get_strictness (GTK_FILTER (self->filter)) ==
                                                    GTK_FILTER_MATCH_ALL)
    gtk_custom_filter_set_filter_func (self->filter, key_matches, self, NULL);
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
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
  self->compare = compare;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_BY]);
}

gboolean
drey_key_list_get_sort_reversed (DreyKeyList *self)
{
  g_return_val_if_fail (DREY_IS_KEY_LIST (self), FALSE);
  return self->sort_reversed;
}

/**
 * drey_key_list_set_sort_reversed:
 * @reversed: the order runs backwards: names Z to A, smallest or oldest
 *   first
 */
void
drey_key_list_set_sort_reversed (DreyKeyList *self,
                                 gboolean     reversed)
{
  g_return_if_fail (DREY_IS_KEY_LIST (self));

  reversed = !!reversed;
  if (self->sort_reversed == reversed)
    return;
  self->sort_reversed = reversed;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_INVERTED);
  update_sort_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_REVERSED]);
}
