/* sq-store-scan.c: every shard of a store on the shard pool, results
 * applied in key order on the caller's thread or main context, the
 * cache read before and written after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include "sq-read-order-private.h"
#include "sq-scan-cache-private.h"
#include "sq-shard-pool-private.h"
#include "sq-shard-scan-private.h"
#include "sq-store-scan.h"
#include "sq-worker-private.h"

struct _SqStoreScan
{
  GObject     parent_instance;
  SqStore    *store;
  SqQuery    *query;
  guint       n_workers;
  gboolean    use_cache;
  gboolean    keep_matches;
  gboolean    started;
  gboolean    running;
  SqSchema   *schema;
  GPtrArray  *shards;   /* SqShardScan, in key order */
  GHashTable *by_key;
  guint       n_shards;
  guint       n_done;
  guint       n_failed;
  guint       n_cached;
  guint64     bytes_total;
  guint64     bytes_done;
  guint64     n_matches;
  GPtrArray  *delivering;  /* the matched samples, during shard-scanned */
};

G_DEFINE_FINAL_TYPE (SqStoreScan, sq_store_scan, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_QUERY,
  PROP_N_SHARDS,
  PROP_N_SHARDS_DONE,
  PROP_BYTES_TOTAL,
  PROP_BYTES_DONE,
  PROP_N_FAILED,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SHARD_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sq_store_scan_dispose (GObject *object)
{
  SqStoreScan *self = SQ_STORE_SCAN (object);

  g_clear_object (&self->store);
  g_clear_object (&self->query);
  G_OBJECT_CLASS (sq_store_scan_parent_class)->dispose (object);
}

static void
sq_store_scan_finalize (GObject *object)
{
  SqStoreScan *self = SQ_STORE_SCAN (object);

  g_clear_pointer (&self->schema, sq_schema_unref);
  g_clear_pointer (&self->shards, g_ptr_array_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  G_OBJECT_CLASS (sq_store_scan_parent_class)->finalize (object);
}

static void
sq_store_scan_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SqStoreScan *self = SQ_STORE_SCAN (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_QUERY: g_value_set_object (value, self->query); break;
    case PROP_N_SHARDS: g_value_set_uint (value, self->n_shards); break;
    case PROP_N_SHARDS_DONE: g_value_set_uint (value, self->n_done); break;
    case PROP_BYTES_TOTAL: g_value_set_uint64 (value, self->bytes_total); break;
    case PROP_BYTES_DONE: g_value_set_uint64 (value, self->bytes_done); break;
    case PROP_N_FAILED: g_value_set_uint (value, self->n_failed); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->running); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sq_store_scan_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SqStoreScan *self = SQ_STORE_SCAN (object);

  switch (prop_id)
    {
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_QUERY: self->query = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sq_store_scan_class_init (SqStoreScanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = sq_store_scan_dispose;
  object_class->finalize = sq_store_scan_finalize;
  object_class->get_property = sq_store_scan_get_property;
  object_class->set_property = sq_store_scan_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] = g_param_spec_object ("query", NULL, NULL, SQ_TYPE_QUERY,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SHARDS] = g_param_spec_uint ("n-shards", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_SHARDS_DONE] = g_param_spec_uint ("n-shards-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_BYTES_TOTAL] = g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_DONE] = g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SqStoreScan::shard-scanned:
   * @shard: (transfer none): the shard's result
   *
   * A shard finished, or came from the cache; in key order.
   */
  signals[SHARD_SCANNED] = g_signal_new ("shard-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         SQ_TYPE_SHARD_SCAN | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sq_store_scan_init (SqStoreScan *self)
{
  self->use_cache = TRUE;
  self->schema = sq_schema_new ();
  self->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_shard_scan_unref);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
}

SqStoreScan *
sq_store_scan_new (SqStore *store,
                   SqQuery *query)
{
  g_return_val_if_fail (SQ_IS_STORE (store), NULL);
  g_return_val_if_fail (query == NULL || SQ_IS_QUERY (query), NULL);

  return g_object_new (SQ_TYPE_STORE_SCAN, "store", store, "query", query, NULL);
}

SqStore *
sq_store_scan_get_store (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  return self->store;
}

SqQuery *
sq_store_scan_get_query (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  return self->query;
}

void
sq_store_scan_set_n_workers (SqStoreScan *self,
                             guint        n_workers)
{
  g_return_if_fail (SQ_IS_STORE_SCAN (self));
  g_return_if_fail (!self->started);
  self->n_workers = n_workers;
}

void
sq_store_scan_set_use_cache (SqStoreScan *self,
                             gboolean     use_cache)
{
  g_return_if_fail (SQ_IS_STORE_SCAN (self));
  g_return_if_fail (!self->started);
  self->use_cache = use_cache;
}

/**
 * sq_store_scan_set_keep_matches:
 * @keep: %TRUE to hand over the samples that match
 *
 * With a query: during each #SqStoreScan::shard-scanned,
 * sq_store_scan_get_matched_samples() gives the samples of that shard
 * that match, as the worker decoded them, so that a caller printing them
 * need not read the shard again. A shard whose result comes from the
 * cache is read once for them (no statistics made). The scan lets go of
 * them once the signal has returned: at most the shards on their way to
 * delivery are held. Before the run.
 */
void
sq_store_scan_set_keep_matches (SqStoreScan *self,
                                gboolean     keep)
{
  g_return_if_fail (SQ_IS_STORE_SCAN (self));
  g_return_if_fail (!self->started);
  self->keep_matches = keep;
}

/**
 * sq_store_scan_get_matched_samples:
 *
 * Returns: (transfer none) (element-type SqValue) (nullable): during
 *   #SqStoreScan::shard-scanned of a scan that keeps its matches
 *   (sq_store_scan_set_keep_matches()), the samples of that shard that
 *   match, in the order of sq_shard_scan_get_matches(); %NULL otherwise,
 *   and for a shard that failed
 */
GPtrArray *
sq_store_scan_get_matched_samples (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  return self->delivering;
}

/* ---- applying results, on the caller's thread ---- */

static void
apply_listed (SqStoreScan *self,
              guint        n_shards,
              guint64      bytes_total)
{
  self->n_shards = n_shards;
  self->bytes_total = bytes_total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHARDS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
}

static void
apply_shard (SqStoreScan *self,
             SqShardScan *shard,
             GPtrArray   *samples)
{
  guint n_matches = 0;

  g_ptr_array_add (self->shards, sq_shard_scan_ref (shard));
  g_hash_table_insert (self->by_key, (gpointer) sq_shard_scan_get_key (shard), shard);
  sq_schema_add_shard (self->schema, shard);
  self->n_done++;
  self->bytes_done += (guint64) MAX (sq_shard_scan_get_size (shard), 0);
  if (sq_shard_scan_get_error (shard) != NULL)
    self->n_failed++;
  if (sq_shard_scan_is_from_cache (shard))
    self->n_cached++;
  /* A cached shard may hold the matches of another run's query. */
  if (self->query != NULL &&
      g_strcmp0 (sq_shard_scan_get_query (shard), sq_query_get_expression (self->query)) == 0)
    {
      sq_shard_scan_get_matches (shard, &n_matches);
      self->n_matches += n_matches;
    }

  g_object_freeze_notify (G_OBJECT (self));
  self->delivering = samples;
  g_signal_emit (self, signals[SHARD_SCANNED], 0, shard);
  self->delivering = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHARDS_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  if (sq_shard_scan_get_error (shard) != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_running (SqStoreScan *self,
             gboolean     running)
{
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* ---- the run, on the thread that does the work ---- */

typedef enum
{
  DELIVER_LISTED,
  DELIVER_SHARD,
  DELIVER_END,
} DeliveryKind;

typedef struct
{
  SqStoreScan  *scan;
  DeliveryKind  kind;
  SqShardScan  *shard;
  GPtrArray    *samples;     /* SqValue, with keep_matches */
  guint         n_shards;
  guint64       bytes_total;
} Delivery;

typedef struct
{
  SqStoreScan  *scan;        /* touched only through deliver() */
  SqStore      *store;
  SqQuery      *query;
  GMainContext *context;     /* NULL: deliver on the running thread */
  GPtrArray    *infos;       /* SqKeyInfo, in key order */
  GHashTable   *cached;      /* key -> GVariant entry, read-only while the pool runs */
  gboolean      keep_matches;
  GPtrArray    *results;     /* what was delivered, for the cache */
  gboolean      cache_changed;
  SqReadOrder  *order;       /* ambiguous shards read as one after another would */
} Job;

static void
delivery_free (Delivery *delivery)
{
  g_object_unref (delivery->scan);
  g_clear_pointer (&delivery->shard, sq_shard_scan_unref);
  g_clear_pointer (&delivery->samples, g_ptr_array_unref);
  g_free (delivery);
}

static void
delivery_apply (Delivery *delivery)
{
  switch (delivery->kind)
    {
    case DELIVER_LISTED:
      apply_listed (delivery->scan, delivery->n_shards, delivery->bytes_total);
      break;
    case DELIVER_SHARD:
      apply_shard (delivery->scan, delivery->shard, delivery->samples);
      break;
    case DELIVER_END:
    default:
      set_running (delivery->scan, FALSE);
      break;
    }
}

static gboolean
delivery_dispatch (gpointer data)
{
  delivery_apply (data);
  return G_SOURCE_REMOVE;
}

/* Hands @delivery to the scan: at once on a blocking run, else through
 * the caller's main context, in the order posted (same-priority sources
 * dispatch first attached, first run; the task's own return comes after
 * them the same way). */
static void
deliver (Job      *job,
         Delivery *delivery)
{
  GSource *source;

  delivery->scan = g_object_ref (job->scan);
  if (job->context == NULL)
    {
      delivery_apply (delivery);
      delivery_free (delivery);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sq] scan result");
  g_source_set_callback (source, delivery_dispatch, delivery, (GDestroyNotify) delivery_free);
  g_source_attach (source, job->context);
  g_source_unref (source);
}

/* What a worker hands over: the shard's result and, with keep_matches,
 * the samples that match. */
typedef struct
{
  SqShardScan *shard;
  GPtrArray   *samples;
} Scanned;

static void
scanned_free (Scanned *scanned)
{
  g_clear_pointer (&scanned->shard, sq_shard_scan_unref);
  g_clear_pointer (&scanned->samples, g_ptr_array_unref);
  g_free (scanned);
}

static Scanned *
scanned_new (SqShardScan *shard,
             GPtrArray   *samples)
{
  Scanned *scanned = g_new0 (Scanned, 1);

  scanned->shard = shard;
  scanned->samples = samples;
  return scanned;
}

/* A shard that could not be read, taking @local_error: a failed result
 * without a stamp, so that the next run scans it again; a cancel is the
 * pool's to stop on, not a result. */
static Scanned *
scanned_new_failed (const char  *key,
                    GError      *local_error,
                    GError     **error)
{
  SqShardScan *failed;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  failed = _sq_shard_scan_new_failed (key, -1, -1, local_error);
  g_error_free (local_error);
  return scanned_new (failed, NULL);
}

/* The samples at the cached result's matches, read again (its statistics
 * are the cache's); a failed result if the shard no longer reads. */
static Scanned *
read_cached_matches (Job          *job,
                     guint         shard_index,
                     SqShardScan  *cached,
                     GCancellable *cancellable,
                     GError      **error)
{
  const char *key = sq_shard_scan_get_key (cached);
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  GError *local_error = NULL;
  const guint *matches;
  guint n = 0, index = 0, next = 0;
  SqValue *sample;

  matches = sq_shard_scan_get_matches (cached, &n);
  if (n > 0)
    reader = _sq_read_order_open (job->order, shard_index, key, cancellable, &local_error);
  while (reader != NULL && next < n && (sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      if (index++ == matches[next])
        {
          next++;
          g_ptr_array_add (samples, sample);
        }
      else
        sq_value_unref (sample);
    }
  if (local_error == NULL && next < n)
    local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "shard '%s' changed while it was scanned", key);
  if (local_error != NULL)
    return scanned_new_failed (key, local_error, error);
  return scanned_new (sq_shard_scan_ref (cached), g_steal_pointer (&samples));
}

static gpointer
scan_one (guint          index,
          const char    *key,
          gpointer       user_data,
          GCancellable  *cancellable,
          GError       **error)
{
  Job *job = user_data;
  GError *local_error = NULL;
  gint64 size = -1, mtime = -1;
  g_autofree char *etag = NULL;
  g_autoptr(SqShardScan) cached = NULL;
  SqShardScan *shard;
  GVariant *entry;
  GPtrArray *samples = NULL;

  if (!sq_store_query_shard (job->store, key, cancellable, &size, &mtime, &etag, &local_error))
    return scanned_new_failed (key, local_error, error);

  /* Read here, on the worker: the entries of a big store are most of a
   * warm scan's work. One that does not hold together is a miss. */
  entry = job->cached != NULL ? g_hash_table_lookup (job->cached, key) : NULL;
  if (entry != NULL && (cached = _sq_shard_scan_from_variant (entry)) == NULL)
    g_debug ("scan cache: the entry of %s does not hold together", key);
  if (cached != NULL && g_strcmp0 (sq_shard_scan_get_key (cached), key) != 0)
    g_clear_pointer (&cached, sq_shard_scan_unref);
  if (cached != NULL && _sq_shard_scan_has_stamp (cached, size, mtime, etag) &&
      (job->query == NULL ||
       g_strcmp0 (sq_shard_scan_get_query (cached), sq_query_get_expression (job->query)) == 0))
    {
      if (job->keep_matches && job->query != NULL && sq_shard_scan_get_error (cached) == NULL)
        return read_cached_matches (job, index, cached, cancellable, error);
      return scanned_new (sq_shard_scan_ref (cached), NULL);
    }

  if (job->keep_matches && job->query != NULL)
    samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  shard = _sq_shard_scan_new_stamped (job->store, job->order, index, key, job->query, size, mtime, etag, samples,
                                      cancellable, error);
  if (shard == NULL)
    {
      g_clear_pointer (&samples, g_ptr_array_unref);
      return NULL;
    }
  if (sq_shard_scan_get_error (shard) != NULL)
    g_clear_pointer (&samples, g_ptr_array_unref);
  return scanned_new (shard, samples);
}

static gboolean
scan_done (guint          index,
           const char    *key,
           gpointer       result,
           const GError  *error,
           gpointer       user_data)
{
  Job *job = user_data;
  Scanned *scanned = result;
  Delivery *delivery;

  /* Only a cancel leaves no result: the pool is stopping anyway. */
  if (scanned == NULL)
    {
      _sq_read_order_stop (job->order);
      return FALSE;
    }
  _sq_read_order_handed_over (job->order, index, key);
  if (!sq_shard_scan_is_from_cache (scanned->shard))
    job->cache_changed = TRUE;
  g_ptr_array_add (job->results, sq_shard_scan_ref (scanned->shard));
  delivery = g_new0 (Delivery, 1);
  delivery->kind = DELIVER_SHARD;
  delivery->shard = g_steal_pointer (&scanned->shard);
  delivery->samples = g_steal_pointer (&scanned->samples);
  scanned_free (scanned);
  deliver (job, delivery);
  return TRUE;
}

static void
save_cache (Job *job)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  /* What this run found, and what it did not reach but the cache still
   * holds for a listed key (a cancelled run keeps its older results). */
  for (guint i = 0; i < job->results->len; i++)
    {
      g_ptr_array_add (all, job->results->pdata[i]);
      g_hash_table_add (done, (gpointer) sq_shard_scan_get_key (job->results->pdata[i]));
    }
  for (guint i = 0; i < job->infos->len; i++)
    {
      const char *key = sq_key_info_get_key (job->infos->pdata[i]);
      GVariant *old = g_hash_table_lookup (job->cached, key);

      if (old != NULL && !g_hash_table_contains (done, key))
        g_ptr_array_add (kept, old);
    }
  /* Unchanged and nothing dropped: no write. */
  if (!job->cache_changed && all->len + kept->len == g_hash_table_size (job->cached))
    return;
  if (!_sq_scan_cache_save (sq_store_get_location (job->store), all, kept, &error))
    g_debug ("the scan cache was not written: %s", error->message);
}

static gboolean
run_job (Job           *job,
         SqShardPoolFlags flags,
         guint          n_workers,
         gboolean       use_cache,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree const char **keys = NULL;
  Delivery *listed;
  guint64 bytes = 0;
  gboolean ok;

  job->infos = sq_store_list_keys (job->store, SQ_LIST_KEYS_DEFAULT, cancellable, error);
  if (job->infos == NULL)
    return FALSE;
  keys = g_new0 (const char *, job->infos->len + 1);
  for (guint i = 0; i < job->infos->len; i++)
    {
      keys[i] = sq_key_info_get_key (job->infos->pdata[i]);
      bytes += (guint64) MAX (sq_key_info_get_size (job->infos->pdata[i]), 0);
    }
  listed = g_new0 (Delivery, 1);
  listed->kind = DELIVER_LISTED;
  listed->n_shards = job->infos->len;
  listed->bytes_total = bytes;
  deliver (job, listed);

  if (use_cache)
    job->cached = _sq_scan_cache_load (sq_store_get_location (job->store));
  job->results = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_shard_scan_unref);
  job->order = _sq_read_order_new (job->store, job->infos->len);
  ok = _sq_shard_pool_run (keys, job->infos->len, n_workers, 0, flags, scan_one,
                           (GDestroyNotify) scanned_free, scan_done, job, cancellable, error);
  g_clear_pointer (&job->order, _sq_read_order_free);
  if (use_cache)
    save_cache (job);
  return ok;
}

static void
job_free (Job *job)
{
  g_clear_object (&job->scan);
  g_clear_object (&job->store);
  g_clear_object (&job->query);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->infos, g_ptr_array_unref);
  g_clear_pointer (&job->cached, g_hash_table_unref);
  g_clear_pointer (&job->results, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (SqStoreScan  *self,
         GMainContext *context)
{
  Job *job = g_new0 (Job, 1);

  job->scan = g_object_ref (self);
  job->store = g_object_ref (self->store);
  job->query = self->query != NULL ? g_object_ref (self->query) : NULL;
  job->keep_matches = self->keep_matches;
  job->context = context != NULL ? g_main_context_ref (context) : NULL;
  return job;
}

static gboolean
start (SqStoreScan *self)
{
  if (self->started)
    {
      g_critical ("an SqStoreScan runs once; make another to scan again");
      return FALSE;
    }
  self->started = TRUE;
  set_running (self, TRUE);
  return TRUE;
}

/**
 * sq_store_scan_run:
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Scans every shard; see #SqStoreScan. Blocks.
 *
 * Returns: %FALSE when cancelled or when the store cannot be listed
 */
gboolean
sq_store_scan_run (SqStoreScan   *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  Job *job;
  gboolean ok;

  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), FALSE);
  _sq_assert_not_main_thread ();

  if (!start (self))
    return FALSE;
  job = job_new (self, NULL);
  ok = run_job (job, SQ_SHARD_POOL_DEFAULT, self->n_workers, self->use_cache, cancellable, error);
  job_free (job);
  set_running (self, FALSE);
  return ok;
}

typedef struct
{
  Job      *job;
  guint     n_workers;
  gboolean  use_cache;
} RunData;

static void
run_data_free (RunData *data)
{
  job_free (data->job);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  GError *error = NULL;
  gboolean ok = run_job (data->job, SQ_SHARD_POOL_BACKGROUND, data->n_workers, data->use_cache, cancellable, &error);
  Delivery *end = g_new0 (Delivery, 1);

  end->kind = DELIVER_END;
  deliver (data->job, end);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sq_store_scan_run_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the scan is over, after its last result
 * @user_data: data for @callback
 *
 * Scans every shard on workers; results arrive on the thread-default
 * main context of the caller. See #SqStoreScan.
 */
void
sq_store_scan_run_async (SqStoreScan         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;
  RunData *data;

  g_return_if_fail (SQ_IS_STORE_SCAN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_scan_run_async);
  if (!start (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "the scan has already run");
      return;
    }
  context = g_main_context_ref_thread_default ();
  data = g_new0 (RunData, 1);
  data->job = job_new (self, context);
  data->n_workers = self->n_workers;
  data->use_cache = self->use_cache;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/**
 * sq_store_scan_run_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: %FALSE when cancelled or when the store cannot be listed
 */
gboolean
sq_store_scan_run_finish (SqStoreScan   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_scan_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

SqSchema *
sq_store_scan_get_schema (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  return self->schema;
}

GPtrArray *
sq_store_scan_get_shards (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  return self->shards;
}

SqShardScan *
sq_store_scan_lookup_shard (SqStoreScan *self,
                            const char  *key)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->by_key, key);
}

guint
sq_store_scan_get_n_shards (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->n_shards;
}

guint
sq_store_scan_get_n_shards_done (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->n_done;
}

guint64
sq_store_scan_get_bytes_total (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->bytes_total;
}

guint64
sq_store_scan_get_bytes_done (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->bytes_done;
}

guint
sq_store_scan_get_n_failed (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->n_failed;
}

guint
sq_store_scan_get_n_from_cache (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->n_cached;
}

guint64
sq_store_scan_get_n_matches (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), 0);
  return self->n_matches;
}

gboolean
sq_store_scan_is_running (SqStoreScan *self)
{
  g_return_val_if_fail (SQ_IS_STORE_SCAN (self), FALSE);
  return self->running;
}
