/* drey-store-document.c: the whole store as the window sees it: its scan,
 * schema, samples, a query's results and their decoded shards
 *
 * Opening a store starts an SqStoreScan (all cores, with the library's
 * cache on disk, so a store scanned before shows at once). As each shard
 * arrives, on the main thread and in key order, its samples are appended
 * to the store's DreySampleList and, at most every SCHEMA_MS, the fields
 * list (DreyFieldItem, in the schema's order) takes the schema's figures:
 * the overview, the gallery and the table fill in as the scan runs.
 *
 * A query is a second scan with that expression: its matches make the
 * results list, filled in the same way; a new query cancels the last one.
 * Without a query the results are the store's samples.
 *
 * The document does no I/O on the main thread: the scans and the
 * DreySampleCache, which reads the shards views show, work on workers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-store-document"

#include "config.h"

#include <string.h>

#include "drey-store-document.h"

/* How often the fields list takes the schema's figures while scanning:
 * a 2,000-shard store would otherwise redo them 2,000 times. */
#define SCHEMA_MS 150

/* Decoded shards the gallery and table keep. */
#define CACHED_SHARDS 12

struct _DreyStoreDocument
{
  GObject          parent_instance;

  SqStore         *store;
  gboolean         use_cache;
  SqStoreScan     *scan;
  GCancellable    *scan_cancellable;
  /* Until the run's callback, which comes after its last shard. */
  gboolean         running;
  gboolean         query_running;
  GError          *error;
  guint64          n_samples;
  GListStore      *fields;
  GHashTable      *fields_by_path;
  guint            schema_source;
  DreySampleList  *samples;
  DreySampleCache *cache;

  SqQuery         *query;
  SqStoreScan     *query_scan;
  GCancellable    *query_cancellable;
  DreySampleList  *results;
  guint64          n_matches;
};

G_DEFINE_FINAL_TYPE (DreyStoreDocument, drey_store_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_N_SHARDS,
  PROP_N_SHARDS_DONE,
  PROP_N_FAILED,
  PROP_N_SAMPLES,
  PROP_BYTES_DONE,
  PROP_ERROR,
  PROP_QUERY,
  PROP_RESULTS,
  PROP_QUERY_RUNNING,
  PROP_N_MATCHES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (DreyStoreDocument *self,
        guint              prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* ---- the fields --------------------------------------------------------- */

static GPtrArray *
drifts_of (GPtrArray  *drifts,
           const char *path)
{
  GPtrArray *own = g_ptr_array_new ();

  for (guint i = 0; i < drifts->len; i++)
    if (g_str_equal (sq_drift_get_path (g_ptr_array_index (drifts, i)), path))
      g_ptr_array_add (own, g_ptr_array_index (drifts, i));
  return own;
}

static void
sync_fields (DreyStoreDocument *self)
{
  SqSchema *schema = self->scan != NULL ? sq_store_scan_get_schema (self->scan) : NULL;
  guint n = schema != NULL ? sq_schema_get_n_fields (schema) : 0;
  guint n_had = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  g_autoptr(GPtrArray) drifts = schema != NULL ? sq_schema_get_drifts (schema) : NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same_order = n >= n_had;

  for (guint i = 0; i < n; i++)
    {
      SqFieldStats *stats = sq_schema_get_field (schema, i);
      const char *path = sq_field_stats_get_path (stats);
      DreyFieldItem *item = g_hash_table_lookup (self->fields_by_path, path);
      g_autoptr(GPtrArray) own = drifts_of (drifts, path);

      if (item == NULL)
        {
          item = drey_field_item_new (path);
          g_hash_table_insert (self->fields_by_path, g_strdup (path), item);
        }
      else
        g_object_ref (item);
      if (same_order && i < n_had)
        {
          g_autoptr(DreyFieldItem) had = g_list_model_get_item (G_LIST_MODEL (self->fields), i);

          same_order = had == item;
        }
      drey_field_item_update (item, stats, sq_schema_get_presence (schema, path), own);
      g_ptr_array_add (items, item);
    }
  /* Fields list parents before children: one seen late may go in the
   * middle. Only then is the list made again. */
  if (same_order)
    {
      /* An empty GPtrArray has no pdata: no offset into NULL. */
      if (items->len > n_had)
        g_list_store_splice (self->fields, n_had, 0, items->pdata + n_had, items->len - n_had);
    }
  else
    g_list_store_splice (self->fields, 0, n_had, items->pdata, items->len);
}

static gboolean
sync_fields_cb (gpointer data)
{
  DreyStoreDocument *self = data;

  self->schema_source = 0;
  sync_fields (self);
  return G_SOURCE_REMOVE;
}

/* ---- the scan ----------------------------------------------------------- */

static void
shard_scanned (SqStoreScan       *scan,
               SqShardScan       *shard,
               DreyStoreDocument *self)
{
  /* A shard that failed shows in the overview, not in the samples. */
  if (sq_shard_scan_get_error (shard) == NULL)
    {
      self->n_samples += sq_shard_scan_get_n_samples (shard);
      drey_sample_list_append_shard (self->samples, sq_shard_scan_get_key (shard),
                                     sq_shard_scan_get_n_samples (shard), NULL, 0);
      notify (self, PROP_N_SAMPLES);
    }
  if (self->schema_source == 0)
    self->schema_source = g_timeout_add (SCHEMA_MS, sync_fields_cb, self);
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DreyStoreDocument) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sq_store_scan_run_finish (SQ_STORE_SCAN (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (SQ_STORE_SCAN (object) != self->scan)
    return;
  g_clear_handle_id (&self->schema_source, g_source_remove);
  sync_fields (self);
  self->running = FALSE;
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      notify (self, PROP_ERROR);
    }
  notify (self, PROP_RUNNING);
}

static void
forward_notify (DreyStoreDocument *self,
                GParamSpec        *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "n-shards"))
    notify (self, PROP_N_SHARDS);
  else if (g_str_equal (name, "n-shards-done"))
    notify (self, PROP_N_SHARDS_DONE);
  else if (g_str_equal (name, "n-failed"))
    notify (self, PROP_N_FAILED);
  else if (g_str_equal (name, "bytes-done"))
    notify (self, PROP_BYTES_DONE);
}

static void
stop_scan (DreyStoreDocument *self)
{
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  if (self->scan != NULL)
    g_signal_handlers_disconnect_by_data (self->scan, self);
  g_clear_object (&self->scan);
  g_clear_handle_id (&self->schema_source, g_source_remove);
  self->running = FALSE;
}

static void stop_query (DreyStoreDocument *self);
static void start_query (DreyStoreDocument *self);

/**
 * drey_store_document_scan:
 *
 * Scans the store again from the start (what the cache holds for
 * unchanged shards comes at once); a scan or query running is cancelled,
 * and the query runs again.
 */
void
drey_store_document_scan (DreyStoreDocument *self)
{
  g_return_if_fail (DREY_IS_STORE_DOCUMENT (self));

  stop_scan (self);
  g_clear_error (&self->error);
  self->n_samples = 0;
  drey_sample_list_clear (self->samples);
  g_hash_table_remove_all (self->fields_by_path);
  g_list_store_remove_all (self->fields);
  /* Shards may have changed: what was decoded is read again. */
  drey_sample_cache_clear (self->cache);

  self->scan = sq_store_scan_new (self->store, NULL);
  sq_store_scan_set_use_cache (self->scan, self->use_cache);
  self->scan_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->scan, "shard-scanned", G_CALLBACK (shard_scanned), self, 0);
  g_signal_connect_object (self->scan, "notify", G_CALLBACK (forward_notify), self, G_CONNECT_SWAPPED);
  sq_store_scan_run_async (self->scan, self->scan_cancellable, scan_done, g_object_ref (self));
  self->running = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_RUNNING);
  notify (self, PROP_N_SHARDS);
  notify (self, PROP_N_SHARDS_DONE);
  notify (self, PROP_N_FAILED);
  notify (self, PROP_N_SAMPLES);
  notify (self, PROP_BYTES_DONE);
  notify (self, PROP_ERROR);
  g_object_thaw_notify (G_OBJECT (self));
  if (self->query != NULL)
    start_query (self);
}

/* Stops the scans (the window closes the store). */
void
drey_store_document_cancel (DreyStoreDocument *self)
{
  g_return_if_fail (DREY_IS_STORE_DOCUMENT (self));

  stop_scan (self);
  stop_query (self);
  notify (self, PROP_RUNNING);
  notify (self, PROP_QUERY_RUNNING);
}

/* ---- the query ---------------------------------------------------------- */

static void
query_shard_scanned (SqStoreScan       *scan,
                     SqShardScan       *shard,
                     DreyStoreDocument *self)
{
  const guint *matches;
  guint n = 0;

  if (sq_shard_scan_get_error (shard) != NULL)
    return;
  matches = sq_shard_scan_get_matches (shard, &n);
  if (matches == NULL || n == 0)
    return;
  self->n_matches += n;
  drey_sample_list_append_shard (self->results, sq_shard_scan_get_key (shard),
                                 sq_shard_scan_get_n_samples (shard), matches, n);
  notify (self, PROP_N_MATCHES);
}

static void
query_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DreyStoreDocument) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sq_store_scan_run_finish (SQ_STORE_SCAN (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (SQ_STORE_SCAN (object) != self->query_scan)
    return;
  self->query_running = FALSE;
  notify (self, PROP_QUERY_RUNNING);
}

static void
stop_query (DreyStoreDocument *self)
{
  if (self->query_cancellable != NULL)
    g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  if (self->query_scan != NULL)
    g_signal_handlers_disconnect_by_data (self->query_scan, self);
  g_clear_object (&self->query_scan);
  self->query_running = FALSE;
}

static void
start_query (DreyStoreDocument *self)
{
  stop_query (self);
  g_clear_object (&self->results);
  self->results = drey_sample_list_new ();
  self->n_matches = 0;
  self->query_scan = sq_store_scan_new (self->store, self->query);
  sq_store_scan_set_use_cache (self->query_scan, self->use_cache);
  self->query_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->query_scan, "shard-scanned", G_CALLBACK (query_shard_scanned), self, 0);
  sq_store_scan_run_async (self->query_scan, self->query_cancellable, query_done, g_object_ref (self));
  self->query_running = TRUE;
  notify (self, PROP_RESULTS);
  notify (self, PROP_N_MATCHES);
  notify (self, PROP_QUERY_RUNNING);
}

/**
 * drey_store_document_set_query:
 * @expression: (nullable): a query (sq-query.h), or %NULL or blank for
 *   none: every sample
 * @error_position: (out) (optional): where a malformed @expression goes
 *   wrong (0-based, in characters)
 *
 * Runs @expression over the store; the results list fills in as shards
 * are scanned. A malformed expression leaves the last query running.
 *
 * Returns: %FALSE with @error if @expression is malformed
 */
gboolean
drey_store_document_set_query (DreyStoreDocument  *self,
                               const char         *expression,
                               guint              *error_position,
                               GError            **error)
{
  g_autoptr(SqQuery) query = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (expression != NULL ? expression : ""));

  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), FALSE);

  if (*stripped != '\0')
    {
      query = sq_query_new (stripped, error_position, error);
      if (query == NULL)
        return FALSE;
    }
  if (query == NULL && self->query == NULL)
    return TRUE;
  if (query != NULL && self->query != NULL &&
      g_str_equal (sq_query_get_expression (query), sq_query_get_expression (self->query)))
    return TRUE;
  g_set_object (&self->query, query);
  if (query != NULL)
    start_query (self);
  else
    {
      stop_query (self);
      g_clear_object (&self->results);
      self->n_matches = 0;
      notify (self, PROP_RESULTS);
      notify (self, PROP_N_MATCHES);
      notify (self, PROP_QUERY_RUNNING);
    }
  notify (self, PROP_QUERY);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_store_document_dispose (GObject *object)
{
  DreyStoreDocument *self = DREY_STORE_DOCUMENT (object);

  stop_scan (self);
  stop_query (self);
  g_clear_object (&self->cache);
  G_OBJECT_CLASS (drey_store_document_parent_class)->dispose (object);
}

static void
drey_store_document_finalize (GObject *object)
{
  DreyStoreDocument *self = DREY_STORE_DOCUMENT (object);

  g_clear_object (&self->store);
  g_clear_error (&self->error);
  g_clear_object (&self->fields);
  g_hash_table_unref (self->fields_by_path);
  g_clear_object (&self->samples);
  g_clear_object (&self->query);
  g_clear_object (&self->results);
  G_OBJECT_CLASS (drey_store_document_parent_class)->finalize (object);
}

static void
drey_store_document_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DreyStoreDocument *self = DREY_STORE_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, drey_store_document_get_running (self));
      break;
    case PROP_N_SHARDS:
      g_value_set_uint (value, drey_store_document_get_n_shards (self));
      break;
    case PROP_N_SHARDS_DONE:
      g_value_set_uint (value, drey_store_document_get_n_shards_done (self));
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, drey_store_document_get_n_failed (self));
      break;
    case PROP_N_SAMPLES:
      g_value_set_uint64 (value, self->n_samples);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, drey_store_document_get_bytes_done (self));
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_QUERY:
      g_value_set_string (value, drey_store_document_get_query (self));
      break;
    case PROP_RESULTS:
      g_value_set_object (value, drey_store_document_get_results (self));
      break;
    case PROP_QUERY_RUNNING:
      g_value_set_boolean (value, drey_store_document_get_query_running (self));
      break;
    case PROP_N_MATCHES:
      g_value_set_uint64 (value, self->n_matches);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_store_document_class_init (DreyStoreDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = drey_store_document_dispose;
  object_class->finalize = drey_store_document_finalize;
  object_class->get_property = drey_store_document_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_N_SHARDS] = g_param_spec_uint ("n-shards", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_SHARDS_DONE] = g_param_spec_uint ("n-shards-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_SAMPLES] = g_param_spec_uint64 ("n-samples", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_DONE] = g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_QUERY] = g_param_spec_string ("query", NULL, NULL, NULL, ro);
  properties[PROP_RESULTS] = g_param_spec_object ("results", NULL, NULL, DREY_TYPE_SAMPLE_LIST, ro);
  properties[PROP_QUERY_RUNNING] = g_param_spec_boolean ("query-running", NULL, NULL, FALSE, ro);
  properties[PROP_N_MATCHES] = g_param_spec_uint64 ("n-matches", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_store_document_init (DreyStoreDocument *self)
{
  self->use_cache = TRUE;
  self->fields = g_list_store_new (DREY_TYPE_FIELD_ITEM);
  self->fields_by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->samples = drey_sample_list_new ();
}

/**
 * drey_store_document_new:
 *
 * Returns: (transfer full): the document of @store, not scanning yet
 *   (drey_store_document_scan())
 */
DreyStoreDocument *
drey_store_document_new (SqStore *store)
{
  DreyStoreDocument *self;

  g_return_val_if_fail (SQ_IS_STORE (store), NULL);

  self = g_object_new (DREY_TYPE_STORE_DOCUMENT, NULL);
  self->store = g_object_ref (store);
  self->cache = drey_sample_cache_new (store, CACHED_SHARDS);
  return self;
}

SqStore *
drey_store_document_get_store (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->store;
}

/* %FALSE: the scans neither read nor write the library's cache (tests).
 * Before drey_store_document_scan(). */
void
drey_store_document_set_use_cache (DreyStoreDocument *self,
                                   gboolean           use_cache)
{
  g_return_if_fail (DREY_IS_STORE_DOCUMENT (self));
  self->use_cache = use_cache;
}

gboolean
drey_store_document_get_running (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), FALSE);
  return self->running;
}

guint
drey_store_document_get_n_shards (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->scan != NULL ? sq_store_scan_get_n_shards (self->scan) : 0;
}

guint
drey_store_document_get_n_shards_done (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->scan != NULL ? sq_store_scan_get_n_shards_done (self->scan) : 0;
}

guint
drey_store_document_get_n_failed (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->scan != NULL ? sq_store_scan_get_n_failed (self->scan) : 0;
}

/* Samples of the shards scanned so far (failed shards not counted). */
guint64
drey_store_document_get_n_samples (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->n_samples;
}

guint64
drey_store_document_get_bytes_total (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->scan != NULL ? sq_store_scan_get_bytes_total (self->scan) : 0;
}

guint64
drey_store_document_get_bytes_done (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->scan != NULL ? sq_store_scan_get_bytes_done (self->scan) : 0;
}

/**
 * drey_store_document_get_error:
 *
 * Returns: (nullable): why the store could not be scanned (listed)
 */
const GError *
drey_store_document_get_error (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->error;
}

/**
 * drey_store_document_dup_failed_shards:
 *
 * Returns: (transfer container) (element-type SqShardScan): the shards
 *   that could not be scanned so far, in key order, each with its error
 */
GPtrArray *
drey_store_document_dup_failed_shards (DreyStoreDocument *self)
{
  GPtrArray *shards = self->scan != NULL ? sq_store_scan_get_shards (self->scan) : NULL;
  GPtrArray *failed = g_ptr_array_new ();

  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), failed);

  for (guint i = 0; shards != NULL && i < shards->len; i++)
    if (sq_shard_scan_get_error (g_ptr_array_index (shards, i)) != NULL)
      g_ptr_array_add (failed, g_ptr_array_index (shards, i));
  return failed;
}

/**
 * drey_store_document_get_schema:
 *
 * Returns: (transfer none) (nullable): the schema of the shards scanned
 *   so far
 */
SqSchema *
drey_store_document_get_schema (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->scan != NULL ? sq_store_scan_get_schema (self->scan) : NULL;
}

/**
 * drey_store_document_get_fields:
 *
 * Returns: (transfer none): the schema's fields, #DreyFieldItem, in its
 *   order (parents before children)
 */
GListModel *
drey_store_document_get_fields (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return G_LIST_MODEL (self->fields);
}

/**
 * drey_store_document_lookup_field:
 *
 * Returns: (transfer none) (nullable): the field at @path
 */
DreyFieldItem *
drey_store_document_lookup_field (DreyStoreDocument *self,
                                  const char        *path)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return path != NULL ? g_hash_table_lookup (self->fields_by_path, path) : NULL;
}

/**
 * drey_store_document_get_default_image_field:
 *
 * Returns: (transfer none) (nullable): the first field of images, what
 *   the gallery shows unless the user picks another
 */
DreyFieldItem *
drey_store_document_get_default_image_field (DreyStoreDocument *self)
{
  guint n;

  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreyFieldItem) item = g_list_model_get_item (G_LIST_MODEL (self->fields), i);

      if (drey_field_item_get_is_image (item))
        return item;
    }
  return NULL;
}

/**
 * drey_store_document_get_default_caption_field:
 *
 * Returns: (transfer none) (nullable): the field written under each
 *   thumbnail unless the user picks another: `label` if there is one,
 *   else the first scalar field with few distinct values, else the first
 *   scalar field
 */
DreyFieldItem *
drey_store_document_get_default_caption_field (DreyStoreDocument *self)
{
  DreyFieldItem *label, *first = NULL;
  guint n;

  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);

  label = g_hash_table_lookup (self->fields_by_path, "label");
  if (label != NULL && drey_field_item_get_is_scalar (label))
    return label;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreyFieldItem) item = g_list_model_get_item (G_LIST_MODEL (self->fields), i);
      guint n_values = 0;

      if (!drey_field_item_get_is_scalar (item))
        continue;
      if (first == NULL)
        first = item;
      if (sq_field_stats_get_top_values (drey_field_item_get_stats (item), &n_values) != NULL && n_values > 0)
        return item;
    }
  return first;
}

/**
 * drey_store_document_get_samples:
 *
 * Returns: (transfer none): every sample of the shards scanned so far
 */
DreySampleList *
drey_store_document_get_samples (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->samples;
}

/**
 * drey_store_document_get_cache:
 *
 * Returns: (transfer none): the decoded shards the views read samples from
 */
DreySampleCache *
drey_store_document_get_cache (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->cache;
}

/**
 * drey_store_document_get_query:
 *
 * Returns: (nullable): the query's expression, %NULL for none
 */
const char *
drey_store_document_get_query (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->query != NULL ? sq_query_get_expression (self->query) : NULL;
}

/**
 * drey_store_document_get_results:
 *
 * Returns: (transfer none): the samples the query matched so far, or
 *   without a query every sample
 */
DreySampleList *
drey_store_document_get_results (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), NULL);
  return self->results != NULL ? self->results : self->samples;
}

gboolean
drey_store_document_get_query_running (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), FALSE);
  return self->query_running;
}

guint64
drey_store_document_get_n_matches (DreyStoreDocument *self)
{
  g_return_val_if_fail (DREY_IS_STORE_DOCUMENT (self), 0);
  return self->n_matches;
}

/**
 * drey_value_lookup_path:
 * @path: a field path of the schema (`label`, `metadata.key`)
 *
 * The value at @path in @sample, following map keys; a path under a
 * list's items (`boxes[]`) has no single value.
 *
 * Returns: (transfer none) (nullable): the value, %NULL if the sample
 *   lacks it
 */
SqValue *
drey_value_lookup_path (SqValue    *sample,
                        const char *path)
{
  g_auto(GStrv) parts = NULL;
  SqValue *value = sample;

  g_return_val_if_fail (path != NULL, NULL);

  if (sample == NULL || strstr (path, "[]") != NULL)
    return NULL;
  if (g_str_equal (path, "(sample)"))
    return sample;
  parts = g_strsplit (path, ".", -1);
  for (guint i = 0; parts[i] != NULL && value != NULL; i++)
    {
      if (sq_value_get_value_type (value) != SQ_VALUE_MAP)
        return NULL;
      value = sq_value_lookup (value, parts[i]);
    }
  return value;
}
