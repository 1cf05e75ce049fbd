/* drey-new-shard-dialog.c: New Shard: a key and where the samples come from
 *
 * The key starts as a random one, as squirrel-core makes them, and is
 * checked as it is typed; a key whose KEY.gz exists is allowed, but Create
 * then asks first. The samples are none, a copy of the shard on screen
 * (shared references: values are immutable), or read from files on a
 * worker. Create hands key and samples to whoever listens to "create";
 * nothing is written here: the window opens them in the editor.
 *
 * Whether KEY.gz exists is asked of the store (sq_store_query_shard_async(),
 * on a worker): one stat for a local store, but a HEAD request for a
 * bucket, and a store may be on a network mount; each keystroke asks.
 * Create waits for the answer (it is disabled until then).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-new-shard-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "drey-new-shard-dialog.h"
#include "drey-sample-format.h"

/* File names listed in the From Files row before "and N more". */
#define MAX_LISTED_FILES 3

typedef enum
{
  CONTENT_EMPTY,
  CONTENT_COPY,
  CONTENT_FILES,
} Content;

struct _DreyNewShardDialog
{
  AdwWindow             parent_instance;

  /* template */
  AdwEntryRow          *key_row;
  GtkWidget            *random_key_button;
  GtkLabel             *key_message;
  GtkWidget            *create_button;
  GtkCheckButton       *empty_check;
  AdwActionRow         *copy_row;
  GtkCheckButton       *copy_check;
  AdwActionRow         *files_row;
  GtkCheckButton       *files_check;
  GtkWidget            *content_status;
  GtkSpinner           *content_spinner;
  GtkLabel             *content_message;

  SqStore              *store;
  char                 *shown_key;
  GPtrArray            *shown_samples;   /* element SqValue, or NULL */

  /* Whether KEY.gz exists: known for checked_key once the query for
   * pending_check (the key typed) is answered. */
  gboolean              key_valid;
  char                 *checked_key;
  gboolean              key_exists;
  char                 *pending_check;
  GCancellable         *check_cancellable;

  GPtrArray            *files;           /* element GFile */
  GPtrArray            *file_samples;    /* element SqValue, once read */
  GError               *files_error;
  GCancellable         *load_cancellable;

  GtkFileChooserNative *chooser;
  AdwMessageDialog     *confirm;
  guint                 replace_idle_id;
};

G_DEFINE_FINAL_TYPE (DreyNewShardDialog, drey_new_shard_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SHOWN_KEY,
  PROP_SHOWN_SAMPLES,
  PROP_KEY,
  N_PROPS
};

enum
{
  CREATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/**
 * drey_new_shard_dialog_new:
 * @store: the store the shard goes to
 * @shown_key: (nullable): the key of the shard on screen
 * @shown_samples: (nullable) (element-type SqValue): its samples, for
 *   "Copy of"; %NULL when no shard is shown
 *
 * Returns: (transfer full): a modal dialog; set its transient parent and
 *   present it
 */
DreyNewShardDialog *
drey_new_shard_dialog_new (SqStore    *store,
                           const char *shown_key,
                           GPtrArray  *shown_samples)
{
  g_return_val_if_fail (SQ_IS_STORE (store), NULL);

  return g_object_new (DREY_TYPE_NEW_SHARD_DIALOG,
                       "store", store,
                       "shown-key", shown_key,
                       "shown-samples", shown_samples,
                       NULL);
}

/**
 * drey_new_shard_dialog_get_key:
 *
 * Returns: (transfer none): the key as typed (valid or not)
 */
const char *
drey_new_shard_dialog_get_key (DreyNewShardDialog *self)
{
  g_return_val_if_fail (DREY_IS_NEW_SHARD_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->key_row));
}

/**
 * drey_new_shard_dialog_set_key:
 * @key: a key, as if typed
 */
void
drey_new_shard_dialog_set_key (DreyNewShardDialog *self,
                               const char         *key)
{
  g_return_if_fail (DREY_IS_NEW_SHARD_DIALOG (self));
  g_return_if_fail (key != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key);
}

static Content
get_content (DreyNewShardDialog *self)
{
  if (gtk_check_button_get_active (self->copy_check))
    return CONTENT_COPY;
  if (gtk_check_button_get_active (self->files_check))
    return CONTENT_FILES;
  return CONTENT_EMPTY;
}

/* A sentence for why @key cannot be a key, or NULL if it can. The
 * library's verdict decides; its wording is for logs, so say it again. */
static char *
key_problem (const char *key)
{
  g_autoptr(GError) error = NULL;

  if (sq_store_check_key (key, TRUE, &error))
    return NULL;
  if (*key == '\0')
    return g_strdup (_("Enter a key: it names the shard’s file."));
  if (strchr (key, '/') != NULL)
    return g_strdup (_("A key cannot contain “/”."));
  if (key[0] == '.')
    return g_strdup (_("A key cannot start with “.”."));
  if (!g_utf8_validate (key, -1, NULL))
    return g_strdup (_("A key must be valid text."));
  for (const char *p = key; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return g_strdup (_("A key cannot contain tabs, line breaks or other control characters."));
  if (strlen (key) > 252)
    return g_strdup (_("This key is too long for a file name."));
  return g_strdup (error->message);
}

static gboolean
key_checked (DreyNewShardDialog *self)
{
  return self->checked_key != NULL &&
         g_str_equal (self->checked_key, drey_new_shard_dialog_get_key (self));
}

static gboolean
content_ready (DreyNewShardDialog *self)
{
  switch (get_content (self))
    {
    case CONTENT_COPY:
      return self->shown_samples != NULL;
    case CONTENT_FILES:
      return self->file_samples != NULL;
    case CONTENT_EMPTY:
    default:
      return TRUE;
    }
}

static gboolean
can_create (DreyNewShardDialog *self)
{
  return self->key_valid && key_checked (self) && content_ready (self);
}

static void
set_message (GtkLabel   *label,
             const char *text,
             const char *style)
{
  const char *styles[] = { "error", "warning", "dim-label" };

  gtk_label_set_text (label, text);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_strcmp0 (styles[i], style) == 0)
      gtk_widget_add_css_class (GTK_WIDGET (label), styles[i]);
    else
      gtk_widget_remove_css_class (GTK_WIDGET (label), styles[i]);
}

static void
update_key_message (DreyNewShardDialog *self)
{
  const char *key = drey_new_shard_dialog_get_key (self);
  g_autofree char *problem = key_problem (key);

  if (problem != NULL)
    {
      set_message (self->key_message, problem, "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->key_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "error");
  if (key_checked (self) && self->key_exists)
    set_message (self->key_message,
                 _("A shard with this key exists. Creating replaces it when you save."), "warning");
  else
    {
      g_autofree char *text = g_strdup_printf (_("The shard’s file will be “%s.gz”."), key);

      set_message (self->key_message, text, "dim-label");
    }
}

static char *
describe_files (DreyNewShardDialog *self)
{
  GString *text = g_string_new (NULL);
  guint n = self->files->len;

  for (guint i = 0; i < n && i < MAX_LISTED_FILES; i++)
    {
      g_autofree char *basename = g_file_get_basename (g_ptr_array_index (self->files, i));
      g_autofree char *name = g_filename_display_name (basename != NULL ? basename : "?");

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, name);
    }
  if (n > MAX_LISTED_FILES)
    g_string_append_printf (text, ngettext (" and %u more", " and %u more", n - MAX_LISTED_FILES),
                            n - MAX_LISTED_FILES);
  return g_string_free (text, FALSE);
}

static void
update_content (DreyNewShardDialog *self)
{
  gboolean loading = self->load_cancellable != NULL;
  g_autofree char *subtitle = NULL;

  if (self->files->len == 0)
    subtitle = g_strdup (_("JSON Lines, JSON, .npy or PNG"));
  else
    {
      g_autofree char *names = describe_files (self);
      g_autofree char *count = g_strdup_printf (ngettext ("%u file", "%u files", self->files->len),
                                                self->files->len);

      subtitle = g_strdup_printf ("%s: %s", count, names);
    }
  adw_action_row_set_subtitle (self->files_row, subtitle);

  gtk_spinner_set_spinning (self->content_spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->content_spinner), loading);
  if (get_content (self) != CONTENT_FILES)
    gtk_widget_set_visible (self->content_status, FALSE);
  else if (self->files->len == 0)
    {
      set_message (self->content_message, _("Choose one or more files."), "dim-label");
      gtk_widget_set_visible (self->content_status, TRUE);
    }
  else if (loading)
    {
      set_message (self->content_message, _("Reading…"), "dim-label");
      gtk_widget_set_visible (self->content_status, TRUE);
    }
  else if (self->files_error != NULL)
    {
      set_message (self->content_message, self->files_error->message, "error");
      gtk_widget_set_visible (self->content_status, TRUE);
    }
  else if (self->file_samples != NULL)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u sample", "%u samples", self->file_samples->len),
                                               self->file_samples->len);

      set_message (self->content_message, text, "dim-label");
      gtk_widget_set_visible (self->content_status, TRUE);
    }
}

static void
update_state (DreyNewShardDialog *self)
{
  update_key_message (self);
  update_content (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-shard.create", can_create (self));
}

/* ---- does KEY.gz exist? ------------------------------------------------- */

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DreyNewShardDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean found = sq_store_query_shard_finish (SQ_STORE (object), result, NULL, NULL, NULL, &error);

  /* Only the latest request, and never after dispose. */
  if (self->pending_check == NULL || g_task_get_cancellable (G_TASK (result)) != self->check_cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_free (self->checked_key);
  self->checked_key = g_steal_pointer (&self->pending_check);
  g_clear_object (&self->check_cancellable);
  /* As g_file_query_exists(): a store that cannot be asked (an unreadable
   * folder, a bucket that refuses) says nothing is there; saving then
   * tells what is wrong. */
  self->key_exists = found;
  update_state (self);
}

static void
check_key (DreyNewShardDialog *self)
{
  const char *key = drey_new_shard_dialog_get_key (self);

  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_pointer (&self->pending_check, g_free);

  self->key_valid = sq_store_check_key (key, TRUE, NULL);
  if (!self->key_valid || key_checked (self))
    return;

  self->pending_check = g_strdup (key);
  self->check_cancellable = g_cancellable_new ();
  sq_store_query_shard_async (self->store, key, self->check_cancellable, check_done, g_object_ref (self));
}

static void
key_changed (DreyNewShardDialog *self)
{
  check_key (self);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

/* ---- content ------------------------------------------------------------ */

static void
content_toggled (DreyNewShardDialog *self)
{
  update_state (self);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DreyNewShardDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = drey_sample_format_load_finish (result, &error);

  /* Only the latest request, and never after dispose. */
  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  self->file_samples = g_steal_pointer (&samples);
  self->files_error = g_steal_pointer (&error);
  update_state (self);
}

/**
 * drey_new_shard_dialog_set_files:
 * @files: (array length=n_files): JSON Lines, JSON, .npy or PNG files
 * @n_files: how many
 *
 * Takes the samples from @files, as choosing them does: selects From
 * Files and reads them on a worker.
 */
void
drey_new_shard_dialog_set_files (DreyNewShardDialog  *self,
                                 GFile              **files,
                                 guint                n_files)
{
  g_return_if_fail (DREY_IS_NEW_SHARD_DIALOG (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->file_samples, g_ptr_array_unref);
  g_clear_error (&self->files_error);

  g_ptr_array_set_size (self->files, 0);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (self->files, g_object_ref (files[i]));

  if (n_files > 0)
    {
      self->load_cancellable = g_cancellable_new ();
      drey_sample_format_load_async ((GFile **) self->files->pdata, self->files->len, self->load_cancellable,
                                     load_done, g_object_ref (self));
    }
  /* Toggling updates the state too; update anyway, it may be active. */
  gtk_check_button_set_active (self->files_check, TRUE);
  update_state (self);
}

static void
chooser_response (GtkNativeDialog    *chooser,
                  int                 response,
                  DreyNewShardDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      guint n = g_list_model_get_n_items (list);
      g_autoptr(GPtrArray) files = g_ptr_array_new_full (n, g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));
      if (n > 0)
        drey_new_shard_dialog_set_files (self, (GFile **) files->pdata, n);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *first_suffix,
            ...)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  va_list args;

  gtk_file_filter_set_name (filter, name);
  va_start (args, first_suffix);
  for (const char *suffix = first_suffix; suffix != NULL; suffix = va_arg (args, const char *))
    gtk_file_filter_add_suffix (filter, suffix);
  va_end (args);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
choose_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (widget);
  GtkFileChooser *chooser;
  g_autoptr(GFile) folder = NULL;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose Content"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  add_filter (chooser, _("Squirrel Content"), "jsonl", "jsonlines", "ndjson", "json", "npy", "png", NULL);
  add_filter (chooser, _("JSON Lines"), "jsonl", "jsonlines", "ndjson", NULL);
  add_filter (chooser, _("JSON"), "json", NULL);
  add_filter (chooser, _("NumPy Arrays"), "npy", NULL);
  add_filter (chooser, _("PNG Images"), "png", NULL);
  /* Next to the files chosen last, else next to the store. */
  if (self->files->len > 0)
    folder = g_file_get_parent (g_ptr_array_index (self->files, 0));
  else
    folder = g_file_get_parent (sq_store_get_location (self->store));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (chooser, folder, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- create ------------------------------------------------------------- */

static GPtrArray *
current_samples (DreyNewShardDialog *self)
{
  GPtrArray *from = NULL;
  GPtrArray *samples;

  switch (get_content (self))
    {
    case CONTENT_COPY:
      from = self->shown_samples;
      break;
    case CONTENT_FILES:
      from = self->file_samples;
      break;
    case CONTENT_EMPTY:
    default:
      break;
    }
  samples = g_ptr_array_new_full (from != NULL ? from->len : 0, (GDestroyNotify) sq_value_unref);
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (samples, sq_value_ref (g_ptr_array_index (from, i)));
  return samples;
}

static void
emit_create (DreyNewShardDialog *self,
             gboolean            replaces_existing)
{
  g_autoptr(GPtrArray) samples = current_samples (self);
  g_autofree char *key = g_strdup (drey_new_shard_dialog_get_key (self));

  /* A handler may drop the dialog's last reference: keep it to close. */
  g_object_ref (self);
  g_signal_emit (self, signals[CREATE], 0, key, samples, replaces_existing);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static gboolean
replace_idle (gpointer user_data)
{
  DreyNewShardDialog *self = user_data;

  self->replace_idle_id = 0;
  if (can_create (self))
    emit_create (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
confirm_response (AdwMessageDialog   *dialog,
                  const char         *response,
                  DreyNewShardDialog *self)
{
  self->confirm = NULL;
  /* Not from inside the response: the message dialog is transient for
   * this one and outlives the emission, so closing this one now would
   * leave it a dangling parent. */
  if (g_str_equal (response, "replace") && self->replace_idle_id == 0)
    self->replace_idle_id = g_idle_add (replace_idle, self);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (!can_create (self) || self->confirm != NULL)
    return;
  if (!self->key_exists)
    {
      emit_create (self, FALSE);
      return;
    }

  heading = g_strdup_printf (_("Replace Shard “%s”?"), drey_new_shard_dialog_get_key (self));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("The store already has a shard with this key. "
                                     "It is replaced only when you save the new one."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response), self, 0);
  self->confirm = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
random_key_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (widget);
  g_autofree char *key = sq_store_make_random_key ();

  drey_new_shard_dialog_set_key (self, key);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_new_shard_dialog_constructed (GObject *object)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (object);
  g_autofree char *key = sq_store_make_random_key ();

  G_OBJECT_CLASS (drey_new_shard_dialog_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  if (self->shown_samples != NULL)
    {
      g_autofree char *count = g_strdup_printf (ngettext ("%u sample", "%u samples", self->shown_samples->len),
                                                self->shown_samples->len);

      if (self->shown_key != NULL)
        {
          g_autofree char *title = g_strdup_printf (_("Copy of “%s”"), self->shown_key);

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->copy_row), title);
        }
      adw_action_row_set_subtitle (self->copy_row, count);
    }
  else if (self->shown_key != NULL)
    adw_action_row_set_subtitle (self->copy_row, _("The shard on screen is not loaded"));
  else
    adw_action_row_set_subtitle (self->copy_row, _("No shard is open"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_row), self->shown_samples != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->copy_row)),
                                  -1);

  drey_new_shard_dialog_set_key (self, key);
  gtk_editable_select_region (GTK_EDITABLE (self->key_row), 0, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
}

static void
drey_new_shard_dialog_dispose (GObject *object)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (object);

  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_pointer (&self->pending_check, g_free);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->confirm != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->confirm)));
  g_clear_handle_id (&self->replace_idle_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_NEW_SHARD_DIALOG);

  g_clear_object (&self->store);
  g_clear_pointer (&self->shown_samples, g_ptr_array_unref);
  g_clear_pointer (&self->file_samples, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);

  G_OBJECT_CLASS (drey_new_shard_dialog_parent_class)->dispose (object);
}

static void
drey_new_shard_dialog_finalize (GObject *object)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (object);

  g_clear_pointer (&self->shown_key, g_free);
  g_clear_pointer (&self->checked_key, g_free);
  g_clear_error (&self->files_error);

  G_OBJECT_CLASS (drey_new_shard_dialog_parent_class)->finalize (object);
}

static void
drey_new_shard_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SHOWN_KEY:
      g_value_set_string (value, self->shown_key);
      break;
    case PROP_SHOWN_SAMPLES:
      g_value_set_boxed (value, self->shown_samples);
      break;
    case PROP_KEY:
      g_value_set_string (value, drey_new_shard_dialog_get_key (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_new_shard_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DreyNewShardDialog *self = DREY_NEW_SHARD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SHOWN_KEY:
      self->shown_key = g_value_dup_string (value);
      break;
    case PROP_SHOWN_SAMPLES:
      self->shown_samples = g_value_dup_boxed (value);
      break;
    case PROP_KEY:
      drey_new_shard_dialog_set_key (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_new_shard_dialog_class_init (DreyNewShardDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = drey_new_shard_dialog_constructed;
  object_class->dispose = drey_new_shard_dialog_dispose;
  object_class->finalize = drey_new_shard_dialog_finalize;
  object_class->get_property = drey_new_shard_dialog_get_property;
  object_class->set_property = drey_new_shard_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOWN_KEY] =
    g_param_spec_string ("shown-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  /* element SqValue */
  properties[PROP_SHOWN_SAMPLES] =
    g_param_spec_boxed ("shown-samples", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                        G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DreyNewShardDialog::create:
   * @key: the key, valid for writing
   * @samples: (element-type SqValue): the samples, to open in the editor
   * @replaces_existing: whether the store has a shard with @key (the user
   *   agreed to replace it on save)
   *
   * The user confirmed; the dialog closes after this.
   */
  signals[CREATE] =
    g_signal_new ("create",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING,
                  G_TYPE_PTR_ARRAY,
                  G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-new-shard-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, random_key_button);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, key_message);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, empty_check);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, copy_row);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, copy_check);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, files_row);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, files_check);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, content_status);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, content_spinner);
  gtk_widget_class_bind_template_child (widget_class, DreyNewShardDialog, content_message);
  gtk_widget_class_bind_template_callback (widget_class, key_changed);
  gtk_widget_class_bind_template_callback (widget_class, content_toggled);

  gtk_widget_class_install_action (widget_class, "new-shard.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "new-shard.random-key", NULL, random_key_action);
  gtk_widget_class_install_action (widget_class, "new-shard.choose-files", NULL, choose_files_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
drey_new_shard_dialog_init (DreyNewShardDialog *self)
{
  self->files = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-shard.create", FALSE);
}
