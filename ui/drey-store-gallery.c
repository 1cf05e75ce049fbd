/* drey-store-gallery.c: thumbnails of one image field across the store
 *
 * A GtkGridView over the document's results (every sample, or a query's
 * matches), which only binds the items on screen: each bound item asks
 * the document's DreySampleCache for its sample, so only the shards under
 * the visible thumbnails are read (on workers), and once a sample is
 * there its thumbnail is made on a worker too and kept in a bounded cache
 * (the most recently made first to stay). A caption field is written
 * under each. Activating a thumbnail emits "sample-activated". With a
 * shard chosen (drey_store_gallery_set_shard()), only that shard's part
 * of the results shows: a slice of them, since a shard's samples are one
 * run of the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-gallery"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include <string.h>

#include "drey-image.h"
#include "drey-store-gallery.h"
#include "drey-thumbnail.h"

/* Thumbnails kept, in bytes of pixels. */
#define MAX_THUMBNAIL_BYTES (64 * 1024 * 1024)
/* Characters of a caption. */
#define CAPTION_CHARS 40
/* Thumbnails made by one worker task. Each task wakes a pool thread,
 * which on a busy machine takes the CPU from the main loop: one task
 * per thumbnail was 50 preemptions per shard read. */
#define BATCH 16

struct _DreyStoreGallery
{
  GtkWidget           parent_instance;

  /* template */
  GtkDropDown        *field_dropdown;
  GtkDropDown        *caption_dropdown;
  GtkAdjustment      *size_adjustment;
  GtkStack           *stack;
  GtkGridView        *grid_view;

  DreyStoreDocument  *document;
  DreySampleList     *results;     /* the document's, followed for the slice */
  GtkSliceListModel  *slice;       /* the shard's part of them, with a shard */
  char               *shard;
  GListModel         *model;
  GtkSingleSelection *selection;
  GtkStringList      *field_names;
  GtkStringList      *caption_names;
  gboolean            syncing_dropdowns;
  gboolean            dropdowns_stale; /* fields changed while unmapped */
  char               *field;
  char               *caption;
  guint               size;

  GHashTable         *thumbnails;  /* thumbnail key -> DreyThumbnail */
  GQueue              thumbnail_order; /* thumbnail keys, newest first */
  gsize               thumbnail_bytes;
  GHashTable         *making;      /* thumbnail keys asked for, not made yet */
  GPtrArray          *pending;     /* Job, not handed to a worker yet */
  guint               flush_source;
  GCancellable       *cancellable; /* of the tasks at work */
  GHashTable         *failed;      /* thumbnail keys that cannot be made */
  GHashTable         *bound;       /* GtkListItem -> itself */
};

G_DEFINE_FINAL_TYPE (DreyStoreGallery, drey_store_gallery, GTK_TYPE_WIDGET)

enum {
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A thumbnail's side in the screen's pixels: at a scale factor of 2, a
 * 128-pixel thumbnail is made 256 pixels wide, not enlarged (and blurred)
 * by the renderer. */
static guint
thumbnail_side (DreyStoreGallery *self)
{
  return self->size * (guint) MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

static char *
thumbnail_key (DreyStoreGallery *self,
               const char       *key,
               guint             index)
{
  return g_strdup_printf ("%s\x1f%u\x1f%s\x1f%u", key, index, self->field != NULL ? self->field : "",
                          thumbnail_side (self));
}

/* ---- thumbnails on workers ---------------------------------------------- */

typedef struct
{
  char          *tkey;
  SqValue       *value;
  guint          size;
  DreyThumbnail *thumbnail;  /* made */
  char          *error;      /* or why not */
} Job;

static void
job_free (Job *job)
{
  g_free (job->tkey);
  sq_value_unref (job->value);
  g_clear_object (&job->thumbnail);
  g_free (job->error);
  g_free (job);
}

/* @array's pixels (drey_image_map_pixels(), the mapping of the array
 * panel and PNG export) with the longer side at most @side: larger
 * images sampled every few pixels, smaller ones enlarged nearest-neighbour
 * by a whole factor, grey spread to RGB. */
static DreyThumbnail *
thumbnail_for_array (SqNdarray     *array,
                     guint          side,
                     GCancellable  *cancellable,
                     GError       **error)
{
  DreyImageShape shape;
  g_autofree guint8 *mapped = NULL;
  g_autofree guint8 *pixels = NULL;
  guint longer, step = 1, zoom = 1, sw, sh, tw, th, bpp;
  gsize stride;

  if (!drey_image_get_shape (array, &shape))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the array does not read as an image");
      return NULL;
    }
  longer = MAX (shape.width, shape.height);
  if (longer > side)
    step = (longer + side - 1) / side;
  else
    zoom = side / longer;
  mapped = drey_image_map_pixels (array, &shape, step, cancellable, error);
  if (mapped == NULL)
    return NULL;
  sw = (shape.width + step - 1) / step;
  sh = (shape.height + step - 1) / step;
  tw = sw * zoom;
  th = sh * zoom;
  bpp = shape.channels == 4 ? 4 : 3;
  stride = (gsize) tw * bpp;
  pixels = g_malloc (stride * th);
  for (guint sy = 0; sy < sh; sy++)
    {
      guint8 *row = pixels + (gsize) sy * zoom * stride;

      for (guint sx = 0; sx < sw; sx++)
        {
          const guint8 *src = mapped + ((gsize) sy * sw + sx) * shape.channels;
          guint8 px[4] = { src[0], src[0], src[0], 255 };

          if (shape.channels >= 3)
            memcpy (px, src, shape.channels);
          for (guint z = 0; z < zoom; z++)
            memcpy (row + ((gsize) sx * zoom + z) * bpp, px, bpp);
        }
      for (guint z = 1; z < zoom; z++)
        memcpy (row + z * stride, row, stride);
    }
  return drey_thumbnail_new (pixels, tw, th, bpp);
}

static void
make_thumbnails (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GPtrArray *jobs = task_data;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = jobs->pdata[i];
      GError *error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      job->thumbnail = thumbnail_for_array (sq_value_get_ndarray (job->value), job->size, cancellable, &error);
      if (job->thumbnail == NULL)
        {
          job->error = g_strdup (error->message);
          g_error_free (error);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void refresh_item (DreyStoreGallery *self,
                          GtkListItem      *item);

static void
keep_thumbnail (DreyStoreGallery *self,
                char             *tkey,
                DreyThumbnail    *thumbnail)
{
  g_hash_table_insert (self->thumbnails, tkey, thumbnail);
  g_queue_push_head (&self->thumbnail_order, tkey);
  self->thumbnail_bytes += drey_thumbnail_get_bytes (thumbnail);
  while (self->thumbnail_bytes > MAX_THUMBNAIL_BYTES && g_queue_get_length (&self->thumbnail_order) > 1)
    {
      char *oldest = g_queue_pop_tail (&self->thumbnail_order);

      self->thumbnail_bytes -= drey_thumbnail_get_bytes (g_hash_table_lookup (self->thumbnails, oldest));
      g_hash_table_remove (self->thumbnails, oldest);
    }
}

/* The bound item showing sample @index of @key, if any. */
static GtkListItem *
find_bound_item (DreyStoreGallery *self,
                 const char       *key,
                 guint             index)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      DreySampleRef *ref = gtk_list_item_get_item (item);

      if (ref != NULL && drey_sample_ref_get_index (ref) == index && g_str_equal (drey_sample_ref_get_key (ref), key))
        return item;
    }
  return NULL;
}

static void
thumbnails_made (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (object);
  GPtrArray *jobs = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* Cancelled: forget_thumbnails() has let go of their keys. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = jobs->pdata[i];
      g_autofree char *key = NULL;
      GtkListItem *item;

      g_hash_table_remove (self->making, job->tkey);
      if (job->thumbnail == NULL)
        {
          g_debug ("no thumbnail: %s", job->error);
          g_hash_table_add (self->failed, g_strdup (job->tkey));
          continue;
        }
      keep_thumbnail (self, g_strdup (job->tkey), g_steal_pointer (&job->thumbnail));
      /* Only the item showing it changes: refreshing every item of the
       * shard, once per thumbnail made, was 50 refreshes each. */
      key = g_strndup (job->tkey, strcspn (job->tkey, "\x1f"));
      item = find_bound_item (self, key, (guint) g_ascii_strtoull (job->tkey + strlen (key) + 1, NULL, 10));
      if (item != NULL)
        refresh_item (self, item);
    }
}

/* Hands what was asked for to workers, BATCH thumbnails per task. */
static gboolean
flush_requests (gpointer data)
{
  DreyStoreGallery *self = data;

  self->flush_source = 0;
  while (self->pending->len > 0)
    {
      guint n = MIN (self->pending->len, BATCH);
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, thumbnails_made, NULL);
      GPtrArray *jobs = g_ptr_array_new_full (n, (GDestroyNotify) job_free);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (jobs, g_ptr_array_steal_index (self->pending, 0));
      g_task_set_source_tag (task, flush_requests);
      g_task_set_task_data (task, jobs, (GDestroyNotify) g_ptr_array_unref);
      g_task_run_in_thread (task, make_thumbnails);
    }
  return G_SOURCE_REMOVE;
}

/* Asked for while items bind (many in one frame): gathered, and handed
 * over once the main loop is free, or a batch is full. */
static void
request_thumbnail (DreyStoreGallery *self,
                   char             *tkey,
                   SqValue          *value)
{
  Job *job;

  if (g_hash_table_contains (self->making, tkey) || g_hash_table_contains (self->failed, tkey))
    {
      g_free (tkey);
      return;
    }
  g_hash_table_add (self->making, g_strdup (tkey));
  job = g_new0 (Job, 1);
  job->tkey = tkey;
  job->value = sq_value_ref (value);
  job->size = thumbnail_side (self);
  g_ptr_array_add (self->pending, job);
  if (self->pending->len >= BATCH)
    {
      g_clear_handle_id (&self->flush_source, g_source_remove);
      flush_requests (self);
    }
  else if (self->flush_source == 0)
    self->flush_source = g_idle_add (flush_requests, self);
}

static void
forget_thumbnails (DreyStoreGallery *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->making);
  g_queue_clear (&self->thumbnail_order);
  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->failed);
  self->thumbnail_bytes = 0;
}

/* ---- items -------------------------------------------------------------- */

static SqValue *
lookup_sample (DreyStoreGallery *self,
               const char       *key,
               guint             index)
{
  if (self->document == NULL)
    return NULL;
  return drey_sample_cache_lookup (drey_store_document_get_cache (self->document), key, index);
}

/**
 * drey_store_gallery_dup_caption:
 *
 * Returns: (transfer full) (nullable): what is written under sample
 *   @index of @key, once its shard is read
 */
char *
drey_store_gallery_dup_caption (DreyStoreGallery *self,
                                const char       *key,
                                guint             index)
{
  SqValue *sample, *value;

  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);

  if (self->caption == NULL)
    return g_strdup ("");
  sample = lookup_sample (self, key, index);
  if (sample == NULL)
    return NULL;
  value = drey_value_lookup_path (sample, self->caption);
  if (value == NULL)
    return g_strdup ("—");
  if (sq_value_get_value_type (value) == SQ_VALUE_STR)
    return g_utf8_substring (sq_value_get_str (value, NULL), 0, CAPTION_CHARS);
  return sq_value_format (value, CAPTION_CHARS);
}

static void
refresh_item (DreyStoreGallery *self,
              GtkListItem      *item)
{
  DreySampleRef *ref = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkPicture *picture = GTK_PICTURE (gtk_widget_get_first_child (box));
  GtkLabel *label = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (picture)));
  const char *key = drey_sample_ref_get_key (ref);
  guint index = drey_sample_ref_get_index (ref);
  g_autofree char *caption = drey_store_gallery_dup_caption (self, key, index);
  g_autofree char *tkey = thumbnail_key (self, key, index);
  DreyThumbnail *thumbnail = g_hash_table_lookup (self->thumbnails, tkey);
  g_autofree char *accessible = g_strdup_printf (_("%s, sample %u%s%s"), key, index,
                                                 caption != NULL && *caption ? ", " : "",
                                                 caption != NULL ? caption : "");

  gtk_widget_set_size_request (GTK_WIDGET (picture), (int) self->size, (int) self->size);
  gtk_label_set_text (label, caption != NULL ? caption : "…");
  gtk_widget_set_visible (GTK_WIDGET (label), self->caption != NULL);
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (thumbnail));
  /* Told again only when it changes: every scroll rebinds items, and
   * each update reaches the accessibility bus. */
  if (g_strcmp0 (g_object_get_data (G_OBJECT (box), "drey-accessible"), accessible) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data_full (G_OBJECT (box), "drey-accessible", g_steal_pointer (&accessible), g_free);
    }

  if (thumbnail == NULL && self->field != NULL)
    {
      SqValue *sample = lookup_sample (self, key, index);
      SqValue *value = sample != NULL ? drey_value_lookup_path (sample, self->field) : NULL;

      if (value != NULL && sq_value_get_value_type (value) == SQ_VALUE_NDARRAY)
        request_thumbnail (self, g_steal_pointer (&tkey), value);
    }
}

static void
refresh_items_of (DreyStoreGallery *self,
                  const char       *key)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      DreySampleRef *ref = gtk_list_item_get_item (item);

      if (ref != NULL && (key == NULL || g_str_equal (drey_sample_ref_get_key (ref), key)))
        refresh_item (self, item);
    }
}

static void
shard_loaded (DreyStoreGallery *self,
              const char       *key)
{
  refresh_items_of (self, key);
}

/* Made when asked for: setting a tooltip text on every bind talks to the
 * display server each time. */
static gboolean
query_item_tooltip (GtkWidget   *box,
                    int          x,
                    int          y,
                    gboolean     keyboard_mode,
                    GtkTooltip  *tooltip,
                    GtkListItem *item)
{
  DreySampleRef *ref = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_widget_get_last_child (box);
  g_autofree char *text = NULL;

  if (ref == NULL)
    return FALSE;
  text = g_strdup_printf (_("Sample %u of “%s”\n%s"), drey_sample_ref_get_index (ref), drey_sample_ref_get_key (ref),
                          gtk_label_get_text (GTK_LABEL (label)));
  gtk_tooltip_set_text (tooltip, g_strstrip (text));
  return TRUE;
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            DreyStoreGallery         *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "drey-thumbnail");
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_add_css_class (picture, "drey-thumbnail-picture");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "caption");
  /* Sized from the start: a grid of items without their size would
   * take many more of them to fill the screen, and bind them all. */
  gtk_widget_set_size_request (picture, (int) self->size, (int) self->size);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (query_item_tooltip), item);
  gtk_list_item_set_child (item, box);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DreyStoreGallery         *self)
{
  g_hash_table_add (self->bound, item);
  refresh_item (self, item);
}

static void
unbind_item (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DreyStoreGallery         *self)
{
  g_hash_table_remove (self->bound, item);
}

/**
 * drey_store_gallery_activate:
 *
 * Opens the sample at @position, as a double click or Enter on it does.
 */
void
drey_store_gallery_activate (DreyStoreGallery *self,
                             guint             position)
{
  g_autoptr(DreySampleRef) ref = NULL;

  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  if (self->model == NULL || (ref = g_list_model_get_item (self->model, position)) == NULL)
    return;
  g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, drey_sample_ref_get_key (ref), drey_sample_ref_get_index (ref),
                 self->field);
}

static void
grid_activated (DreyStoreGallery *self,
                guint             position)
{
  drey_store_gallery_activate (self, position);
}

/* ---- fields ------------------------------------------------------------- */

static void
update_page (DreyStoreGallery *self)
{
  gboolean scanning = self->document != NULL && drey_store_document_get_running (self->document);

  gtk_stack_set_visible_child_name (self->stack, self->field != NULL || scanning ? "grid" : "no-images");
}

static guint
find_name (GtkStringList *list,
           const char    *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; name != NULL && i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (list, i), name))
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; name != NULL && i + 1 < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

/* @list becomes @names (NULL-terminated), if it is not already: a list
 * spliced makes the dropdown's popup list rebind its rows. */
static void
replace_names (GtkStringList *list,
               GPtrArray     *names)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean same = n == names->len - 1;

  for (guint i = 0; same && i < n; i++)
    same = g_str_equal (gtk_string_list_get_string (list, i), g_ptr_array_index (names, i));
  if (!same)
    gtk_string_list_splice (list, 0, n, (const char * const *) names->pdata);
}

/* The dropdowns offer the schema's image fields and scalar fields; the
 * choice stays while it is there, else the document's default. The
 * dropdowns' lists are filled only while the gallery is on screen: for
 * a tabular store's 1,500 columns, filling the captions' list made its
 * popup bind some 200 rows, 16 ms, on the overview. */
static void
sync_fields (DreyStoreGallery *self)
{
  GListModel *fields = self->document != NULL ? drey_store_document_get_fields (self->document) : NULL;
  guint n = fields != NULL ? g_list_model_get_n_items (fields) : 0;
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  g_autoptr(GPtrArray) captions = g_ptr_array_new ();
  g_autofree char *field = g_strdup (self->field);
  g_autofree char *caption = g_strdup (self->caption);
  DreyFieldItem *fallback;

  g_ptr_array_add (captions, (gpointer) _("None"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreyFieldItem) item = g_list_model_get_item (fields, i);

      if (drey_field_item_get_is_image (item))
        g_ptr_array_add (images, (gpointer) drey_field_item_get_path (item));
      else if (drey_field_item_get_is_scalar (item))
        g_ptr_array_add (captions, (gpointer) drey_field_item_get_path (item));
    }
  g_ptr_array_add (images, NULL);
  g_ptr_array_add (captions, NULL);

  if (!has_name (images, field))
    {
      fallback = self->document != NULL ? drey_store_document_get_default_image_field (self->document) : NULL;
      g_free (field);
      field = fallback != NULL ? g_strdup (drey_field_item_get_path (fallback)) : NULL;
    }
  /* The caption is the user's once chosen ("None" too). */
  if (caption == NULL && g_object_get_data (G_OBJECT (self), "drey-caption-chosen") == NULL)
    {
      fallback = self->document != NULL ? drey_store_document_get_default_caption_field (self->document) : NULL;
      caption = fallback != NULL ? g_strdup (drey_field_item_get_path (fallback)) : NULL;
    }
  drey_store_gallery_set_field (self, field);
  drey_store_gallery_set_caption_field (self, caption);

  self->dropdowns_stale = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (!self->dropdowns_stale)
    {
      self->syncing_dropdowns = TRUE;
      replace_names (self->field_names, images);
      replace_names (self->caption_names, captions);
      gtk_drop_down_set_selected (self->field_dropdown, field != NULL ? find_name (self->field_names, field) : 0);
      gtk_drop_down_set_selected (self->caption_dropdown,
                                  self->caption != NULL ? find_name (self->caption_names, self->caption) : 0);
      self->syncing_dropdowns = FALSE;
    }
  update_page (self);
}

static void
field_dropdown_changed (DreyStoreGallery *self)
{
  guint selected = gtk_drop_down_get_selected (self->field_dropdown);

  if (self->syncing_dropdowns || selected == GTK_INVALID_LIST_POSITION)
    return;
  drey_store_gallery_set_field (self, gtk_string_list_get_string (self->field_names, selected));
}

static void
caption_dropdown_changed (DreyStoreGallery *self)
{
  guint selected = gtk_drop_down_get_selected (self->caption_dropdown);

  if (self->syncing_dropdowns || selected == GTK_INVALID_LIST_POSITION)
    return;
  g_object_set_data (G_OBJECT (self), "drey-caption-chosen", GINT_TO_POINTER (TRUE));
  drey_store_gallery_set_caption_field (self, selected == 0 ? NULL
                                                            : gtk_string_list_get_string (self->caption_names, selected));
}

static void
size_changed (DreyStoreGallery *self)
{
  drey_store_gallery_set_thumbnail_size (self, (guint) gtk_adjustment_get_value (self->size_adjustment));
}

static void
scale_changed (DreyStoreGallery *self)
{
  refresh_items_of (self, NULL);
}

/* ---- the document ------------------------------------------------------- */

/* The slice follows the shard's run, which comes once it is scanned
 * (and goes when the store is scanned again). */
static void
update_slice (DreyStoreGallery *self)
{
  guint start = 0, n = 0;

  if (self->slice == NULL)
    return;
  if (self->results == NULL || self->shard == NULL ||
      !drey_sample_list_get_shard_range (self->results, self->shard, &start, &n))
    start = n = 0;
  if (gtk_slice_list_model_get_offset (self->slice) != start || gtk_slice_list_model_get_size (self->slice) != n)
    {
      gtk_slice_list_model_set_size (self->slice, 0);
      gtk_slice_list_model_set_offset (self->slice, start);
      gtk_slice_list_model_set_size (self->slice, n);
    }
}

static void
sync_model (DreyStoreGallery *self)
{
  DreySampleList *results = self->document != NULL ? drey_store_document_get_results (self->document) : NULL;
  GListModel *model = G_LIST_MODEL (results);

  if (results != self->results)
    {
      if (self->results != NULL)
        g_signal_handlers_disconnect_by_data (self->results, self);
      g_set_object (&self->results, results);
      if (results != NULL)
        g_signal_connect_object (results, "items-changed", G_CALLBACK (update_slice), self,
                                 G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  if (self->shard != NULL && results != NULL)
    {
      if (self->slice == NULL)
        self->slice = gtk_slice_list_model_new (NULL, 0, 0);
      gtk_slice_list_model_set_model (self->slice, G_LIST_MODEL (results));
      update_slice (self);
      model = G_LIST_MODEL (self->slice);
    }
  else if (self->slice != NULL)
    gtk_slice_list_model_set_model (self->slice, NULL);

  if (model == self->model)
    return;
  g_set_object (&self->model, model);
  /* Unmapped (another page on screen), the grid binds nothing: an
   * unallocated grid view would bind item after item. */
  gtk_single_selection_set_model (self->selection, gtk_widget_get_mapped (GTK_WIDGET (self)) ? model : NULL);
}

/* GTK 4.8's grid view binds max-columns x 30 items whatever its real
 * columns: kept near what fits, it binds a few screens, not thousands. */
static void
drey_store_gallery_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (widget);
  guint columns = MAX (1, (guint) width / (self->size + 16));

  GTK_WIDGET_CLASS (drey_store_gallery_parent_class)->size_allocate (widget, width, height, baseline);
  if (gtk_grid_view_get_max_columns (self->grid_view) != columns)
    gtk_grid_view_set_max_columns (self->grid_view, columns);
}

static void
drey_store_gallery_map (GtkWidget *widget)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (widget);

  GTK_WIDGET_CLASS (drey_store_gallery_parent_class)->map (widget);
  gtk_single_selection_set_model (self->selection, self->model);
  if (self->dropdowns_stale)
    sync_fields (self);
}

static void
drey_store_gallery_unmap (GtkWidget *widget)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (widget);

  gtk_single_selection_set_model (self->selection, NULL);
  GTK_WIDGET_CLASS (drey_store_gallery_parent_class)->unmap (widget);
}

/**
 * drey_store_gallery_set_document:
 * @document: (nullable): the store to show
 */
void
drey_store_gallery_set_document (DreyStoreGallery  *self,
                                 DreyStoreDocument *document)
{
  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_fields (self->document), self);
      g_signal_handlers_disconnect_by_data (drey_store_document_get_cache (self->document), self);
    }
  forget_thumbnails (self);
  g_set_object (&self->document, document);
  g_clear_pointer (&self->field, g_free);
  g_clear_pointer (&self->caption, g_free);
  g_clear_pointer (&self->shard, g_free);
  g_object_set_data (G_OBJECT (self), "drey-caption-chosen", NULL);
  if (document != NULL)
    {
      g_signal_connect_object (document, "notify::results", G_CALLBACK (sync_model), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (drey_store_document_get_cache (document), "shard-loaded", G_CALLBACK (shard_loaded),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::running", G_CALLBACK (sync_fields), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (drey_store_document_get_fields (document), "items-changed", G_CALLBACK (sync_fields),
                               self, G_CONNECT_SWAPPED);
    }
  sync_model (self);
  sync_fields (self);
}

/**
 * drey_store_gallery_set_shard:
 * @key: (nullable): the shard whose samples show, %NULL for all
 */
void
drey_store_gallery_set_shard (DreyStoreGallery *self,
                              const char       *key)
{
  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  if (g_strcmp0 (self->shard, key) == 0)
    return;
  g_free (self->shard);
  self->shard = g_strdup (key);
  sync_model (self);
}

/**
 * drey_store_gallery_get_shard:
 *
 * Returns: (nullable): the shard shown, %NULL for all of them
 */
const char *
drey_store_gallery_get_shard (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);
  return self->shard;
}

/**
 * drey_store_gallery_get_model:
 *
 * Returns: (transfer none) (nullable): the samples shown, #DreySampleRef
 */
GListModel *
drey_store_gallery_get_model (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);
  return self->model;
}

/**
 * drey_store_gallery_get_field:
 *
 * Returns: (nullable): the field shown as thumbnails
 */
const char *
drey_store_gallery_get_field (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);
  return self->field;
}

void
drey_store_gallery_set_field (DreyStoreGallery *self,
                              const char       *path)
{
  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  if (g_strcmp0 (self->field, path) == 0)
    return;
  g_free (self->field);
  self->field = g_strdup (path);
  refresh_items_of (self, NULL);
  update_page (self);
}

/**
 * drey_store_gallery_get_caption_field:
 *
 * Returns: (nullable): the field written under the thumbnails
 */
const char *
drey_store_gallery_get_caption_field (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);
  return self->caption;
}

void
drey_store_gallery_set_caption_field (DreyStoreGallery *self,
                                      const char       *path)
{
  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  if (g_strcmp0 (self->caption, path) == 0)
    return;
  g_free (self->caption);
  self->caption = g_strdup (path);
  refresh_items_of (self, NULL);
}

guint
drey_store_gallery_get_thumbnail_size (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), 0);
  return self->size;
}

void
drey_store_gallery_set_thumbnail_size (DreyStoreGallery *self,
                                       guint             size)
{
  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  size = CLAMP (size, 48, 320);
  if (self->size == size)
    return;
  self->size = size;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  if ((guint) gtk_adjustment_get_value (self->size_adjustment) != size)
    gtk_adjustment_set_value (self->size_adjustment, size);
  refresh_items_of (self, NULL);
}

GtkGridView *
drey_store_gallery_get_grid_view (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);
  return self->grid_view;
}

/**
 * drey_store_gallery_count_shown:
 * @n_bound: (out): items bound now (on screen, and a few around)
 * @n_ready: (out): of them, those showing their thumbnail
 *
 * For tests and benchmarks: how far the screen is filled in.
 */
void
drey_store_gallery_count_shown (DreyStoreGallery *self,
                                guint            *n_bound,
                                guint            *n_ready)
{
  GHashTableIter iter;
  gpointer item;

  g_return_if_fail (DREY_IS_STORE_GALLERY (self));

  *n_bound = 0;
  *n_ready = 0;
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *box = gtk_list_item_get_child (item);

      (*n_bound)++;
      if (gtk_picture_get_paintable (GTK_PICTURE (gtk_widget_get_first_child (box))) != NULL)
        (*n_ready)++;
    }
}

/* For tests and benchmarks: thumbnails made and kept now. */
guint
drey_store_gallery_get_n_thumbnails (DreyStoreGallery *self)
{
  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), 0);
  return g_hash_table_size (self->thumbnails);
}

/**
 * drey_store_gallery_lookup_thumbnail:
 *
 * Returns: (transfer none) (nullable): the thumbnail of sample @index of
 *   @key, for the field and size shown, if it has been made
 */
DreyThumbnail *
drey_store_gallery_lookup_thumbnail (DreyStoreGallery *self,
                                     const char       *key,
                                     guint             index)
{
  g_autofree char *tkey = NULL;

  g_return_val_if_fail (DREY_IS_STORE_GALLERY (self), NULL);

  tkey = thumbnail_key (self, key, index);
  return g_hash_table_lookup (self->thumbnails, tkey);
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_gallery_dispose (GObject *object)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (object);

  drey_store_gallery_set_document (self, NULL);
  forget_thumbnails (self);
  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);
  g_clear_object (&self->selection);
  gtk_widget_dispose_template (GTK_WIDGET (self), DREY_TYPE_STORE_GALLERY);
  /* The template's outer box has no name to be disposed by. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results, self);
  g_clear_object (&self->results);
  g_clear_object (&self->slice);
  g_clear_object (&self->field_names);
  g_clear_object (&self->caption_names);
  G_OBJECT_CLASS (drey_store_gallery_parent_class)->dispose (object);
}

static void
drey_store_gallery_finalize (GObject *object)
{
  DreyStoreGallery *self = DREY_STORE_GALLERY (object);

  g_free (self->field);
  g_free (self->caption);
  g_free (self->shard);
  g_hash_table_unref (self->thumbnails);
  g_hash_table_unref (self->making);
  g_ptr_array_unref (self->pending);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->failed);
  g_hash_table_unref (self->bound);
  G_OBJECT_CLASS (drey_store_gallery_parent_class)->finalize (object);
}

static void
drey_store_gallery_class_init (DreyStoreGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = drey_store_gallery_dispose;
  object_class->finalize = drey_store_gallery_finalize;
  widget_class->map = drey_store_gallery_map;
  widget_class->size_allocate = drey_store_gallery_size_allocate;
  widget_class->unmap = drey_store_gallery_unmap;

  /**
   * DreyStoreGallery::sample-activated:
   * @key: the shard
   * @index: the sample's index in it
   * @path: (nullable): the field shown
   */
  signals[SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/drey/Drey/drey-store-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, DreyStoreGallery, field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreGallery, caption_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreGallery, size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreGallery, stack);
  gtk_widget_class_bind_template_child (widget_class, DreyStoreGallery, grid_view);
  gtk_widget_class_bind_template_callback (widget_class, grid_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
drey_store_gallery_init (DreyStoreGallery *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->size = 128;
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->making = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->cancellable = g_cancellable_new ();
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bound = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->thumbnail_order);

  self->field_names = gtk_string_list_new (NULL);
  self->caption_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->field_dropdown, G_LIST_MODEL (self->field_names));
  gtk_drop_down_set_model (self->caption_dropdown, G_LIST_MODEL (self->caption_names));
  g_signal_connect_swapped (self->field_dropdown, "notify::selected", G_CALLBACK (field_dropdown_changed), self);
  g_signal_connect_swapped (self->caption_dropdown, "notify::selected", G_CALLBACK (caption_dropdown_changed), self);
  g_signal_connect_swapped (self->size_adjustment, "value-changed", G_CALLBACK (size_changed), self);
  /* On a monitor of another scale, thumbnails of its pixels. */
  g_signal_connect_swapped (self, "notify::scale-factor", G_CALLBACK (scale_changed), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
  update_page (self);
}

GtkWidget *
drey_store_gallery_new (void)
{
  return g_object_new (DREY_TYPE_STORE_GALLERY, NULL);
}
