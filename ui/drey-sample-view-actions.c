/* drey-sample-view-actions.c: what the user does to the samples on screen
 *
 * Every action of the sample view (`samples.*`): copying, exporting,
 * editing, adding, moving and removing values and samples, and arrays
 * from files. Edits go through the view's DreyShardDocument; files are
 * read and written on workers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-image.h"
#include "drey-sample-view-private.h"

/* ---- structure ---------------------------------------------------------- */

/* Where a new sample goes: after the selected one, else at the end. */
static guint
sample_insert_position (DreySampleView *self)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);

  if (node == NULL)
    return drey_shard_document_get_n_samples (self->document);
  return drey_sample_node_get_index (drey_sample_node_get_sample (node)) + 1;
}

static void
insert_sample (DreySampleView *self,
               guint           index,
               SqValue        *value)
{
  DreySampleNode *node = drey_shard_document_insert_sample (self->document, index, value);

  _drey_sample_view_show_edit_error (self, NULL);
  if (node != NULL)
    drey_sample_view_select_node (self, node);
}

static void
add_sample_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(SqValue) empty = sq_value_new_map (NULL, 0);

  if (_drey_sample_view_can_edit (self))
    insert_sample (self, sample_insert_position (self), empty);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  DreySampleNode *sample;

  if (!_drey_sample_view_can_edit (self) || node == NULL)
    return;
  sample = drey_sample_node_get_sample (node);
  /* Values are immutable: the copy shares the original's. */
  insert_sample (self, drey_sample_node_get_index (sample) + 1, drey_sample_node_get_value (sample));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(DreySampleNode) sample = NULL;

  if (!_drey_sample_view_can_edit (self) || node == NULL)
    return;
  sample = g_object_ref (drey_sample_node_get_sample (node));
  if (drey_shard_document_move_sample (self->document, sample, g_str_equal (action_name, "samples.move-up")))
    {
      _drey_sample_view_show_edit_error (self, NULL);
      drey_sample_view_select_node (self, sample);
    }
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(DreySampleNode) parent = NULL;
  g_autoptr(DreySampleNode) next = NULL;
  GListModel *siblings;
  guint index, n;

  if (!_drey_sample_view_can_edit (self) || node == NULL)
    return;
  if (drey_sample_node_get_parent (node) != NULL)
    parent = g_object_ref (drey_sample_node_get_parent (node));
  index = drey_sample_node_get_index (node);
  drey_shard_document_remove (self->document, node);
  _drey_sample_view_show_edit_error (self, NULL);

  /* The selection goes to the next sibling, else the one before, else up. */
  siblings = parent != NULL ? drey_sample_node_get_children (parent) : drey_shard_document_get_samples (self->document);
  n = g_list_model_get_n_items (siblings);
  if (n > 0)
    next = g_list_model_get_item (siblings, MIN (index, n - 1));
  else if (parent != NULL)
    next = g_object_ref (parent);
  drey_sample_view_select_node (self, next);
}

/* The container a new value goes into: the selected map or list itself,
 * else the one holding the selected value (after it). */
DreySampleNode *
_drey_sample_view_add_target (DreySampleView *self,
                              guint          *index)
{
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValueType type;

  if (node == NULL)
    return NULL;
  type = sq_value_get_value_type (drey_sample_node_get_value (node));
  if (type == SQ_VALUE_MAP || type == SQ_VALUE_ARRAY)
    {
      *index = (guint) sq_value_get_length (drey_sample_node_get_value (node));
      return node;
    }
  if (drey_sample_node_get_parent (node) == NULL)
    return NULL;
  *index = drey_sample_node_get_index (node) + 1;
  return drey_sample_node_get_parent (node);
}

/* "new_field", then "new_field_2"…: a key the map does not have. */
static SqValue *
unused_key (SqValue *map)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("new_field") : g_strdup_printf ("new_field_%u", n);
      g_autoptr(SqValue) key = sq_value_new_str (name, -1);
      gboolean taken = FALSE;

      for (gsize i = 0; i < sq_value_get_length (map) && !taken; i++)
        taken = sq_value_equal (sq_value_get_key (map, i), key);
      if (!taken)
        return g_steal_pointer (&key);
    }
}

/* Adds @value to the target container and selects it. */
DreySampleNode *
_drey_sample_view_add_value (DreySampleView *self,
                             SqValue        *value)
{
  DreySampleNode *target;
  g_autoptr(SqValue) key = NULL;
  g_autoptr(GError) error = NULL;
  DreySampleNode *child;
  guint index = 0;

  target = _drey_sample_view_add_target (self, &index);
  if (target == NULL)
    return NULL;
  if (sq_value_get_value_type (drey_sample_node_get_value (target)) == SQ_VALUE_MAP)
    key = unused_key (drey_sample_node_get_value (target));
  child = drey_shard_document_add_value (self->document, target, index, key, value, &error);
  if (child == NULL)
    {
      _drey_sample_view_show_edit_error (self, error->message);
      return NULL;
    }
  _drey_sample_view_show_edit_error (self, NULL);
  drey_sample_view_select_node (self, child);
  return child;
}

static SqValue *
new_value_of_kind (const char *kind)
{
  if (g_str_equal (kind, "str"))
    return sq_value_new_str ("", 0);
  if (g_str_equal (kind, "int"))
    return sq_value_new_int (0);
  if (g_str_equal (kind, "float"))
    return sq_value_new_float64 (0.0);
  if (g_str_equal (kind, "bool"))
    return sq_value_new_bool (FALSE);
  if (g_str_equal (kind, "none"))
    return sq_value_new_nil ();
  if (g_str_equal (kind, "list"))
    return sq_value_new_array (NULL, 0);
  if (g_str_equal (kind, "dict"))
    return sq_value_new_map (NULL, 0);
  return NULL;
}

static void choose_array_file (DreySampleView *self,
                               gboolean        replace);

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autoptr(SqValue) value = NULL;
  DreySampleNode *child;

  if (!_drey_sample_view_can_edit (self))
    return;
  if (g_str_equal (kind, "array"))
    {
      choose_array_file (self, FALSE);
      return;
    }
  value = new_value_of_kind (kind);
  if (value == NULL)
    return;
  child = _drey_sample_view_add_value (self, value);
  if (child == NULL)
    return;
  /* A new field is named first; a list item has no name. */
  if (!_drey_sample_view_start_editing (self, drey_sample_node_get_key (child) != NULL))
    _drey_sample_view_start_editing (self, FALSE);
}

static void
edit_value_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (_drey_sample_view_can_edit (self) && !_drey_sample_view_start_editing (self, FALSE))
    gtk_widget_error_bell (widget);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (_drey_sample_view_can_edit (self) && !_drey_sample_view_start_editing (self, TRUE))
    gtk_widget_error_bell (widget);
}

/* Undoes or redoes one edit, and shows the row it changed. */
static gboolean
step_history (DreySampleView *self,
              gboolean        redo)
{
  DreySampleNode *changed;

  if (self->document == NULL || self->read_only_reason != NULL ||
      !(redo ? drey_shard_document_get_can_redo (self->document) : drey_shard_document_get_can_undo (self->document)))
    return FALSE;
  /* What is being typed is an edit too: it goes first, and is undone. */
  drey_sample_view_commit_editing (self);
  changed = redo ? drey_shard_document_redo (self->document) : drey_shard_document_undo (self->document);
  _drey_sample_view_show_edit_error (self, NULL);
  if (changed != NULL)
    drey_sample_view_select_node (self, changed);
  /* The panel shows the value as it is now. */
  _drey_sample_view_selection_changed (self);
  return TRUE;
}

/**
 * drey_sample_view_undo:
 *
 * Takes back the last edit (Ctrl+Z) and selects the row it changed.
 *
 * Returns: whether there was one to undo
 */
gboolean
drey_sample_view_undo (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);
  return step_history (self, FALSE);
}

/**
 * drey_sample_view_redo:
 *
 * Makes again the last edit undone (Ctrl+Shift+Z).
 *
 * Returns: whether there was one to redo
 */
gboolean
drey_sample_view_redo (DreySampleView *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);
  return step_history (self, TRUE);
}

/**
 * drey_sample_view_set_selected_value:
 * @value: the value
 *
 * Replaces the selected value, whatever its type, as Replace Array does.
 *
 * Returns: %FALSE if nothing is selected or the view cannot edit
 */
gboolean
drey_sample_view_set_selected_value (DreySampleView *self,
                                     SqValue        *value)
{
  g_autoptr(DreySampleNode) node = NULL;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), FALSE);

  node = drey_sample_view_selected_node (self);
  if (!_drey_sample_view_can_edit (self) || node == NULL)
    return FALSE;
  drey_shard_document_set_value (self->document, node, value);
  _drey_sample_view_show_edit_error (self, NULL);
  /* The panel shows the new array. */
  _drey_sample_view_selection_changed (self);
  return TRUE;
}

/* ---- arrays from files -------------------------------------------------- */

typedef struct
{
  DreySampleView *self;
  gboolean        replace;
} ArrayLoad;

static void
array_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ArrayLoad *load = user_data;
  g_autoptr(DreySampleView) self = load->self;
  gboolean replace = load->replace;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = drey_sample_format_load_finish (result, &error);
  SqValue *value;

  g_free (load);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->file_cancellable);
  if (samples == NULL)
    {
      _drey_sample_view_show_edit_error (self, error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  value = samples->len == 1 ? g_ptr_array_index (samples, 0) : NULL;
  if (value == NULL || sq_value_get_value_type (value) != SQ_VALUE_NDARRAY)
    {
      _drey_sample_view_show_edit_error (self, _("The file does not hold one array: choose a .npy file or a PNG image"));
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (replace)
    drey_sample_view_set_selected_value (self, value);
  else
    _drey_sample_view_add_value (self, value);
}

/**
 * drey_sample_view_load_array:
 * @file: a .npy file or a PNG image
 * @replace: replace the selected value, rather than add a field or item
 *
 * Reads @file on a worker and puts its array in the tree; a file that
 * cannot be read is said so above the tree.
 */
void
drey_sample_view_load_array (DreySampleView *self,
                             GFile          *file,
                             gboolean        replace)
{
  ArrayLoad *load;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  self->file_cancellable = g_cancellable_new ();
  load = g_new0 (ArrayLoad, 1);
  load->self = g_object_ref (self);
  load->replace = replace;
  drey_sample_format_load_async (&file, 1, self->file_cancellable, array_loaded, load);
}

static void
array_chooser_response (GtkNativeDialog *dialog,
                        int              response,
                        DreySampleView  *self)
{
  gboolean replace = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "drey-replace"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        drey_sample_view_load_array (self, file, replace);
    }
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->step_key, g_free);
  g_clear_pointer (&self->step_path, g_ptr_array_unref);
}

static GtkFileFilter *
array_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Arrays and images (.npy, .png)"));
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_filter_add_pattern (filter, "*.png");
  gtk_file_filter_add_pattern (filter, "*.PNG");
  return filter;
}

static void
choose_array_file (DreySampleView *self,
                   gboolean        replace)
{
  g_autoptr(GtkFileFilter) filter = array_filter ();
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (replace ? _("Replace with Array") : _("Add Array"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_set_data (G_OBJECT (self->chooser), "drey-replace", GINT_TO_POINTER (replace));
  g_signal_connect (self->chooser, "response", G_CALLBACK (array_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
replace_array_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);

  if (_drey_sample_view_can_edit (self))
    choose_array_file (self, TRUE);
}

/* ---- export ------------------------------------------------------------- */

/**
 * drey_sample_view_export_bytes:
 * @format: %DREY_SAMPLE_FORMAT_JSON (the selected value's sample),
 *   %DREY_SAMPLE_FORMAT_NPY or %DREY_SAMPLE_FORMAT_PNG (the selected array)
 *
 * Returns: (transfer full) (nullable): the file's bytes, or %NULL with
 *   @error set
 */
GBytes *
drey_sample_view_export_bytes (DreySampleView    *self,
                               DreySampleFormat   format,
                               GError           **error)
{
  g_autoptr(DreySampleNode) node = NULL;
  DreySampleNode *exported;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = drey_sample_view_selected_node (self);
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Nothing is selected"));
      return NULL;
    }
  exported = format == DREY_SAMPLE_FORMAT_JSON ? drey_sample_node_get_sample (node) : node;
  return drey_sample_format_export (drey_sample_node_get_value (exported), format, error);
}

static void
export_written (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DreySampleView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));
      g_autofree char *message = g_strdup_printf (_("Cannot write %s: %s"), name, error->message);

      _drey_sample_view_show_edit_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
}

/**
 * drey_sample_view_export:
 * @format: as for drey_sample_view_export_bytes()
 * @file: where to write
 *
 * Writes the export to @file (replacing it) in the background; a failure
 * is said above the tree.
 */
void
drey_sample_view_export (DreySampleView   *self,
                         DreySampleFormat  format,
                         GFile            *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));

  bytes = drey_sample_view_export_bytes (self, format, &error);
  if (bytes == NULL)
    {
      _drey_sample_view_show_edit_error (self, error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       export_written, g_object_ref (self));
}

static void
export_chooser_response (GtkNativeDialog *dialog,
                         int              response,
                         DreySampleView  *self)
{
  DreySampleFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "drey-format"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        drey_sample_view_export (self, format, file);
    }
  g_clear_object (&self->chooser);
}

/**
 * drey_sample_view_dup_export_name:
 * @format: what is exported
 *
 * The name an export of the selected value is offered under, saying what
 * it holds: "KEY-3.json" for sample 3 of KEY, "KEY-3-image.png" for its
 * field image, "KEY-3-meta-0.npy" deeper down. What a file name cannot
 * hold becomes "_".
 *
 * Returns: (transfer full) (nullable): the name; %NULL if nothing is selected
 */
char *
drey_sample_view_dup_export_name (DreySampleView   *self,
                                  DreySampleFormat  format)
{
  g_autoptr(DreySampleNode) node = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *key;
  GString *name;
  DreySampleNode *exported;

  g_return_val_if_fail (DREY_IS_SAMPLE_VIEW (self), NULL);

  node = drey_sample_view_selected_node (self);
  if (node == NULL)
    return NULL;
  names = g_ptr_array_new ();
  key = self->document != NULL ? drey_shard_document_get_key (self->document) : NULL;
  name = g_string_new (key != NULL ? key : "shard");
  exported = format == DREY_SAMPLE_FORMAT_JSON ? drey_sample_node_get_sample (node) : node;

  for (DreySampleNode *n = exported; n != NULL; n = drey_sample_node_get_parent (n))
    g_ptr_array_insert (names, 0, (gpointer) drey_sample_node_get_name (n));
  for (guint i = 0; i < names->len; i++)
    {
      g_string_append_c (name, '-');
      for (const char *c = g_ptr_array_index (names, i); *c != '\0'; c++)
        g_string_append_c (name, *c == '/' || *c == '\\' || (guchar) *c < 0x20 ? '_' : *c);
    }
  g_string_append_printf (name, ".%s", drey_sample_format_get_extension (format));
  return g_string_free (name, FALSE);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  DreySampleFormat format;
  g_autofree char *name = NULL;
  const char *title;

  if (self->chooser != NULL || node == NULL)
    return;
  if (g_str_equal (action_name, "samples.export-json"))
    {
      format = DREY_SAMPLE_FORMAT_JSON;
      title = _("Export Sample as JSON");
    }
  else
    {
      format = g_str_equal (action_name, "samples.export-npy") ? DREY_SAMPLE_FORMAT_NPY : DREY_SAMPLE_FORMAT_PNG;
      title = format == DREY_SAMPLE_FORMAT_NPY ? _("Export Array as .npy") : _("Export Image as PNG");
    }
  name = drey_sample_view_dup_export_name (self, format);
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data (G_OBJECT (self->chooser), "drey-format", GINT_TO_POINTER (format));
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- copying ------------------------------------------------------------ */

/* The most text Ctrl+C puts on the clipboard. GTK 4.8 sends a text of
 * 262,144 bytes or more to another X11 client in INCR steps, and then its
 * main loop never comes back (seen with xclip under Xvfb: 262,140 bytes
 * paste, 262,144 hang Drey, as they hang a bare GTK app). A quarter of
 * that leaves room for the conversions a paste may ask for; more goes
 * through Export. */
#define COPY_MAX_BYTES (64 * 1024)

/* The fewest bytes @value's JSON can take, counted only up to @limit:
 * a large array is refused before it is written out. */
static guint64
json_size_floor (SqValue *value,
                 guint64  limit)
{
  guint64 size = 2;

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_NDARRAY:
      /* a digit and a comma per element, at least */
      return 2 + 2 * sq_ndarray_get_n_elements (sq_value_get_ndarray (value));
    case SQ_VALUE_STR:
      {
        gsize len = 0;

        sq_value_get_str (value, &len);
        return 2 + len;
      }
    case SQ_VALUE_BIN:
      return 2 + g_bytes_get_size (sq_value_get_bin (value));
    case SQ_VALUE_ARRAY:
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (value) && size <= limit; i++)
        {
          size += 1 + json_size_floor (sq_value_get_item (value, i), limit);
          if (sq_value_get_value_type (value) == SQ_VALUE_MAP)
            size += 1 + json_size_floor (sq_value_get_key (value, i), limit);
        }
      return size;
    default:
      return 1;
    }
}

static void
export_instead (AdwToast       *toast,
                DreySampleView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), g_object_get_data (G_OBJECT (toast), "drey-export"), NULL);
}

/* Too large to copy safely: the toast says so and offers Export. */
static void
offer_export (DreySampleView *self,
              SqValue        *value,
              guint64         size)
{
  gboolean is_array = sq_value_get_value_type (value) == SQ_VALUE_NDARRAY;
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *title = NULL;
  g_autoptr(AdwToast) toast = NULL;

  title = size > COPY_MAX_BYTES * 2
          ? g_strdup_printf (_("Too large to copy (over %s): export it instead"), size_text)
          : g_strdup_printf (_("Too large to copy (%s): export it instead"), size_text);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, is_array ? _("_Export as .npy…") : _("_Export Sample…"));
  adw_toast_set_timeout (toast, 8);
  g_object_set_data (G_OBJECT (toast), "drey-export",
                     (gpointer) (is_array ? "samples.export-npy" : "samples.export-json"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (export_instead), self, 0);
  _drey_sample_view_show_toast (self, toast);
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  SqValue *value;
  guint64 floor;

  if (node == NULL)
    return;
  value = drey_sample_node_get_value (node);
  floor = json_size_floor (value, COPY_MAX_BYTES);
  if (floor > COPY_MAX_BYTES)
    {
      offer_export (self, value, floor);
      return;
    }
  json = sq_value_to_json (value, &error);
  if (json == NULL)
    {
      g_warning ("Cannot copy the value: %s", error->message);
      gtk_widget_error_bell (widget);
      return;
    }
  if (strlen (json) > COPY_MAX_BYTES)
    {
      offer_export (self, value, strlen (json));
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), json);
}

static void
copy_python_path_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autofree char *path = drey_sample_view_get_python_path (DREY_SAMPLE_VIEW (widget));

  if (path != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), path);
}

/* ---- stepping through samples ------------------------------------------ */

static gboolean
has_focus_within (DreySampleView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == GTK_WIDGET (self) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)));
}

/* Selects the field at @path in sample @index (or as much of it as that
 * sample has): the tree and the array panel show the same field of
 * another sample. */
static void
select_in_sample (DreySampleView *self,
                  guint           index,
                  GPtrArray      *path)
{
  g_autoptr(DreySampleNode) sample = g_list_model_get_item (self->roots, index);

  if (sample != NULL)
    drey_sample_view_select_node (self, drey_sample_node_follow_field_path (sample, path));
}

/* J and K (Page Down and Up over the array panel): the next or previous
 * sample, with the same field selected. Past either end of the shard the
 * window is asked to open the neighbouring one ("step-out"). */
static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DreySampleView *self = DREY_SAMPLE_VIEW (widget);
  int direction = g_str_equal (action_name, "samples.next-sample") ? 1 : -1;
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  g_autoptr(GPtrArray) path = NULL;
  guint n = self->roots != NULL ? g_list_model_get_n_items (self->roots) : 0;
  gint64 target;
  gboolean handled = FALSE;

  if (self->document == NULL || drey_shard_document_get_state (self->document) != DREY_SHARD_STATE_LOADED)
    return;
  path = node != NULL ? drey_sample_node_dup_field_path (node)
                      : g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  /* With nothing selected, the first step lands on this shard's first
   * (or last) sample. */
  if (node == NULL)
    target = direction > 0 ? 0 : (gint64) n - 1;
  else
    target = (gint64) drey_sample_node_get_index (drey_sample_node_get_sample (node)) + direction;
  if (target >= 0 && target < n)
    {
      select_in_sample (self, (guint) target, path);
      return;
    }

  g_clear_pointer (&self->step_path, g_ptr_array_unref);
  self->step_path = g_steal_pointer (&path);
  g_signal_emit_by_name (self, "step-out", direction, &handled);
  if (!handled)
    gtk_widget_error_bell (widget);
}

static void
expect_sample (DreySampleView *self,
               const char     *key,
               guint           index)
{
  g_free (self->step_key);
  self->step_key = g_strdup (key);
  self->step_index = index;
  self->step_focus = has_focus_within (self);
  if (self->step_path == NULL)
    self->step_path = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  /* Already on screen: at once. */
  _drey_sample_view_finish_step (self);
}

/**
 * drey_sample_view_step_into:
 * @key: the shard the window opens next
 * @direction: 1 if it follows the one on screen, -1 if it comes before
 *
 * Once @key is loaded, selects its first sample (or, for -1, its last)
 * with the field selected at the last "step-out". Another shard loaded,
 * or @key failing, drops the step.
 */
void
drey_sample_view_step_into (DreySampleView *self,
                            const char     *key,
                            int             direction)
{
  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (key != NULL);

  expect_sample (self, key, direction > 0 ? 0 : G_MAXUINT);
}

/**
 * drey_sample_view_reveal:
 * @key: the shard the window opens (or shows)
 * @index: the sample's index in it
 * @field: (nullable): a field path of the store's schema (`image`,
 *   `metadata.key`) to select in it
 *
 * Once @key is loaded (now, if it is), selects that field of sample
 * @index, or the sample if it lacks it: the gallery and the overview
 * open a sample this way.
 */
void
drey_sample_view_reveal (DreySampleView *self,
                         const char     *key,
                         guint           index,
                         const char     *field)
{
  g_auto(GStrv) parts = NULL;

  g_return_if_fail (DREY_IS_SAMPLE_VIEW (self));
  g_return_if_fail (key != NULL);

  g_clear_pointer (&self->step_path, g_ptr_array_unref);
  self->step_path = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  parts = field != NULL && *field != '\0' && !g_str_equal (field, "(sample)") ? g_strsplit (field, ".", -1) : NULL;
  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    g_ptr_array_add (self->step_path, sq_value_new_str (parts[i], -1));
  self->step_shows_panel = TRUE;
  expect_sample (self, key, index);
}

/* Called as the document changes: a step waiting for its shard ends
 * when that shard is loaded (or fails), or another one is read instead. */
void
_drey_sample_view_finish_step (DreySampleView *self)
{
  DreyShardState state;
  gboolean is_key;
  guint n;

  if (self->step_key == NULL || self->document == NULL)
    return;
  state = drey_shard_document_get_state (self->document);
  is_key = g_strcmp0 (drey_shard_document_get_key (self->document), self->step_key) == 0;
  /* Still on the shard stepped from (a load starts by clearing it), or
   * reading the one stepped into: wait; but a sample of its start lands
   * as soon as it is shown, while the rest streams in. */
  if (!is_key && state != DREY_SHARD_STATE_LOADING)
    return;
  if (is_key && state == DREY_SHARD_STATE_LOADING &&
      (self->step_index == G_MAXUINT || self->roots == NULL || self->step_index >= g_list_model_get_n_items (self->roots)))
    return;
  if (is_key && state != DREY_SHARD_STATE_FAILED && self->roots != NULL &&
      (n = g_list_model_get_n_items (self->roots)) > 0)
    {
      select_in_sample (self, MIN (self->step_index, n - 1), self->step_path);
      if (self->step_focus && !has_focus_within (self))
        gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
      /* A field opened from the store's views: its picture, in a narrow
       * window too. */
      if (self->step_shows_panel)
        _drey_sample_view_show_panel (self);
    }
  self->step_shows_panel = FALSE;
  g_clear_pointer (&self->step_key, g_free);
  g_clear_pointer (&self->step_path, g_ptr_array_unref);
}

/* ---- which actions apply ------------------------------------------------ */

void
_drey_sample_view_update_actions (DreySampleView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(DreySampleNode) node = drey_sample_view_selected_node (self);
  SqValue *value = node != NULL ? drey_sample_node_get_value (node) : NULL;
  gboolean loaded = self->document != NULL && drey_shard_document_get_state (self->document) == DREY_SHARD_STATE_LOADED;
  gboolean busy = self->document != NULL && drey_shard_document_get_busy (self->document);
  gboolean editable = _drey_sample_view_can_edit (self);
  gboolean is_array = value != NULL && sq_value_get_value_type (value) == SQ_VALUE_NDARRAY;
  guint n_samples = self->document != NULL ? drey_shard_document_get_n_samples (self->document) : 0;
  guint sample_index = node != NULL ? drey_sample_node_get_index (drey_sample_node_get_sample (node)) : 0;
  guint index = 0;

  gtk_widget_action_set_enabled (widget, "samples.copy-json", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.next-sample", loaded);
  gtk_widget_action_set_enabled (widget, "samples.previous-sample", loaded);
  gtk_widget_action_set_enabled (widget, "samples.copy-python-path", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.export-json", node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.export-npy", is_array);
  gtk_widget_action_set_enabled (widget, "samples.export-png",
                                 is_array && drey_image_get_shape (sq_value_get_ndarray (value), NULL));

  gtk_widget_action_set_enabled (widget, "samples.editing", loaded && self->read_only_reason == NULL && !busy);
  gtk_widget_action_set_enabled (widget, "samples.edit-value",
                                 editable && value != NULL && sq_value_is_editable_scalar (value));
  gtk_widget_action_set_enabled (widget, "samples.rename", editable && node != NULL &&
                                 drey_sample_node_get_key (node) != NULL &&
                                 sq_value_get_value_type (drey_sample_node_get_key (node)) == SQ_VALUE_STR);
  gtk_widget_action_set_enabled (widget, "samples.add-field",
                                 editable && _drey_sample_view_add_target (self, &index) != NULL);
  gtk_widget_action_set_enabled (widget, "samples.replace-array", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.remove", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.add-sample", editable);
  gtk_widget_action_set_enabled (widget, "samples.duplicate-sample", editable && node != NULL);
  gtk_widget_action_set_enabled (widget, "samples.move-up", editable && node != NULL && sample_index > 0);
  gtk_widget_action_set_enabled (widget, "samples.move-down", editable && node != NULL && sample_index + 1 < n_samples);
}

/* Nothing chosen or read after the view goes. */
void
_drey_sample_view_dispose_actions (DreySampleView *self)
{
  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->file_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}

void
_drey_sample_view_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "samples.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "samples.copy-python-path", NULL, copy_python_path_action);
  gtk_widget_class_install_action (widget_class, "samples.export-json", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "samples.export-npy", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "samples.export-png", NULL, export_action);
  gtk_widget_class_install_property_action (widget_class, "samples.editing", "editing");
  gtk_widget_class_install_action (widget_class, "samples.edit-value", NULL, edit_value_action);
  gtk_widget_class_install_action (widget_class, "samples.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "samples.add-field", "s", add_field_action);
  gtk_widget_class_install_action (widget_class, "samples.replace-array", NULL, replace_array_action);
  gtk_widget_class_install_action (widget_class, "samples.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "samples.add-sample", NULL, add_sample_action);
  gtk_widget_class_install_action (widget_class, "samples.duplicate-sample", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "samples.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "samples.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "samples.next-sample", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "samples.previous-sample", NULL, step_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "samples.copy-json", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "samples.copy-python-path", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "samples.edit-value", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, GDK_SHIFT_MASK, "samples.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "samples.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "samples.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "samples.duplicate-sample", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "samples.add-sample", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "samples.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "samples.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "samples.add-field", "s", "str");
  /* Bubbling: a cell being edited types the letter. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, 0, "samples.next-sample", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "samples.previous-sample", NULL);
}
