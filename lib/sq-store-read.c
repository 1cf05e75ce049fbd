/* sq-store-read.c: a shard's samples, sample by sample or all at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-store-private.h"
#include "sq-worker-private.h"

/* Opens the shard @key for reading sample by sample, reading its bytes
 * as they are (no serializer chosen, no resolver). Blocks. */
SqShardReader *
_sq_store_open_shard_raw (SqStore       *self,
                          const char    *key,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;
  gint64 size = -1;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!sq_store_check_key (key, FALSE, error))
    return NULL;

  stream = SQ_BACKEND_GET_IFACE (self->backend)->open_shard (self->backend, self, key, &size, cancellable, error);
  if (stream == NULL)
    return NULL;
  return sq_shard_reader_new (stream, key, size, sq_store_get_memory_limit (self));
}

/**
 * sq_store_open_shard:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Opens the shard @key to be read sample by sample: with the serializer
 * chosen for the store, if one was; else with the one its bytes show, and
 * a shard that decodes both ways with the store's (found out from its
 * other shards only then). What the shard turns out to be, once read to
 * its end, counts towards the store's serializer. Blocks.
 *
 * Returns: (transfer full): a reader, or %NULL (a #SQ_STORE_ERROR_NOT_FOUND
 *   error if there is no such shard)
 */
SqShardReader *
sq_store_open_shard (SqStore       *self,
                     const char    *key,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SqShardReader *reader;

  _sq_assert_not_main_thread ();

  reader = _sq_store_open_shard_raw (self, key, cancellable, error);
  if (reader != NULL)
    _sq_store_attach_reader (self, reader, key);
  return reader;
}

/**
 * sq_store_get:
 * @key: the shard's key
 * @progress: (nullable) (scope call): called now and then with compressed
 *   bytes read and the file size
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Decodes all samples of the shard @key. Blocks.
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
sq_store_get (SqStore             *self,
              const char          *key,
              SqProgressCallback   progress,
              gpointer             progress_data,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  GError *local_error = NULL;
  SqThrottle throttle = { progress, progress_data, 0 };
  guint64 total;
  SqValue *sample;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);
  _sq_assert_not_main_thread ();

  reader = sq_store_open_shard (self, key, cancellable, error);
  if (reader == NULL)
    return NULL;
  total = (guint64) MAX (sq_shard_reader_get_size (reader), 0);
  _sq_throttle_report (&throttle, 0, total, TRUE);

  samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      g_ptr_array_add (samples, sample);
      _sq_throttle_report (&throttle, sq_shard_reader_get_bytes_read (reader), total, FALSE);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  _sq_throttle_report (&throttle, total, total, TRUE);
  return g_steal_pointer (&samples);
}

/* The worker's own copy of what it reads, and where its progress goes. */
typedef struct
{
  char            *key;
  SqProgressRelay *relay;
} GetData;

static void
get_data_free (GetData *data)
{
  g_free (data->key);
  g_clear_pointer (&data->relay, _sq_progress_relay_unref);
  g_free (data);
}

static void
get_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GetData *data = task_data;
  GError *error = NULL;
  GPtrArray *samples;
  SqBackgroundPriority saved;

  _sq_background_priority_enter (&saved);
  samples = sq_store_get (source_object, data->key,
                          data->relay ? _sq_progress_relay_post : NULL, data->relay,
                          cancellable, &error);
  _sq_background_priority_leave (&saved);
  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sq_store_get_async:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable): called on the thread-default main context of the
 *   caller, at most 20 times a second
 * @progress_data: data for @progress
 * @progress_notify: (nullable): frees @progress_data when no longer needed
 * @callback: called when the samples are decoded
 * @user_data: data for @callback
 *
 * Decodes the shard @key on a worker, at a lower priority than the
 * caller's thread; see sq_store_get().
 */
void
sq_store_get_async (SqStore             *self,
                    const char          *key,
                    GCancellable        *cancellable,
                    SqProgressCallback   progress,
                    gpointer             progress_data,
                    GDestroyNotify       progress_notify,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GetData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);

  data = g_new0 (GetData, 1);
  data->key = g_strdup (key);
  data->relay = _sq_progress_relay_new (progress, progress_data, progress_notify);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_get_async);
  g_task_set_task_data (task, data, (GDestroyNotify) get_data_free);
  g_task_run_in_thread (task, get_thread);
}

/**
 * sq_store_get_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
sq_store_get_finish (SqStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_get_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Hands samples on in batches: the first one alone, at once (it is what
 * a window shows first), then what each SQ_PROGRESS_INTERVAL_USEC
 * decoded. */
typedef struct
{
  SqSampleBatchCallback  callback;
  gpointer               data;
  GPtrArray             *batch;
  gint64                 batch_start;
  guint                  n_samples;
} SampleSink;

static void
sample_sink_flush (SampleSink *sink)
{
  if (sink->batch != NULL && sink->batch->len > 0)
    sink->callback (sink->batch, sink->data);
  g_clear_pointer (&sink->batch, g_ptr_array_unref);
}

/* Takes @sample. */
static void
sample_sink_add (SampleSink *sink,
                 SqValue    *sample)
{
  gint64 now = g_get_monotonic_time ();

  if (sink->batch == NULL)
    {
      sink->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
      sink->batch_start = now;
    }
  g_ptr_array_add (sink->batch, sample);
  sink->n_samples++;
  if (sink->n_samples == 1 || now - sink->batch_start >= SQ_PROGRESS_INTERVAL_USEC)
    sample_sink_flush (sink);
}

/**
 * sq_store_get_streamed:
 * @key: the shard's key
 * @batch: (scope call): called on this thread with the samples decoded
 *   since the last call, in the shard's order: the first sample alone as
 *   soon as it is decoded, then what each 50 ms decoded
 * @batch_data: data for @batch
 * @progress: (nullable) (scope call): called now and then with compressed
 *   bytes read and the file size
 * @progress_data: data for @progress
 * @n_samples: (out) (optional): how many samples the batches held
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Decodes the shard @key as sq_store_get() does, but hands the samples
 * over as they are decoded, so that a caller can show the first ones of a
 * big shard at once. A shard that turns out bad half-way has had its
 * samples before the bad one handed over when this returns %FALSE with the
 * error. Blocks.
 *
 * Returns: whether the whole shard was read
 */
gboolean
sq_store_get_streamed (SqStore                *self,
                       const char             *key,
                       SqSampleBatchCallback   batch,
                       gpointer                batch_data,
                       SqProgressCallback      progress,
                       gpointer                progress_data,
                       guint                  *n_samples,
                       GCancellable           *cancellable,
                       GError                **error)
{
  g_autoptr(SqShardReader) reader = NULL;
  GError *local_error = NULL;
  SqThrottle throttle = { progress, progress_data, 0 };
  SampleSink sink = { batch, batch_data, NULL, 0, 0 };
  guint64 total;
  SqValue *sample;

  g_return_val_if_fail (SQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  _sq_assert_not_main_thread ();

  reader = sq_store_open_shard (self, key, cancellable, error);
  if (reader == NULL)
    return FALSE;
  total = (guint64) MAX (sq_shard_reader_get_size (reader), 0);
  _sq_throttle_report (&throttle, 0, total, TRUE);

  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      sample_sink_add (&sink, sample);
      _sq_throttle_report (&throttle, sq_shard_reader_get_bytes_read (reader), total, FALSE);
    }
  /* What came before an error is the caller's too. */
  sample_sink_flush (&sink);
  if (n_samples != NULL)
    *n_samples = sink.n_samples;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  _sq_throttle_report (&throttle, total, total, TRUE);
  return TRUE;
}

typedef struct
{
  SqStore         *store;
  char            *key;
  GCancellable    *cancellable;
  SqBatchRelay    *batches;
  SqProgressRelay *relay;
} StreamData;

static void
stream_data_free (StreamData *data)
{
  g_object_unref (data->store);
  g_free (data->key);
  g_clear_object (&data->cancellable);
  _sq_batch_relay_unref (data->batches);
  g_clear_pointer (&data->relay, _sq_progress_relay_unref);
  g_free (data);
}

/* Its own thread, not GTask's pool: a pool thread that once ran
 * background work may be stuck at nice 10 (raising a priority again needs
 * CAP_SYS_NICE), and a load someone waits for must get its share of the
 * CPU against a main loop that redraws. A new thread starts at the
 * priority of the one that made it, the caller's. */
static gpointer
get_streamed_thread (gpointer user_data)
{
  StreamData *data = user_data;
  GError *error = NULL;
  guint n_samples = 0;

  sq_store_get_streamed (data->store, data->key, _sq_batch_relay_post, data->batches,
                         data->relay ? _sq_progress_relay_post : NULL, data->relay,
                         &n_samples, data->cancellable, &error);
  _sq_batch_relay_finish (data->batches, n_samples, error);
  stream_data_free (data);
  return NULL;
}

/**
 * sq_store_get_streamed_async:
 * @key: the shard's key
 * @cancellable: (nullable): a #GCancellable
 * @batch: called with the samples as they are decoded (see
 *   sq_store_get_streamed()), on the thread-default main context of the
 *   caller, one batch per main loop iteration at most
 * @batch_data: data for @batch
 * @batch_notify: (nullable): frees @batch_data, on the caller's context,
 *   before @callback runs
 * @progress: (nullable): called on the caller's context, at most 20 times
 *   a second
 * @progress_data: data for @progress
 * @progress_notify: (nullable): frees @progress_data when no longer needed
 * @callback: called once every batch has been handed over
 * @user_data: data for @callback
 *
 * Decodes the shard @key on a thread of its own, at the caller's
 * priority (a user waits for it), handing the samples over as they come.
 * Every batch comes before @callback; none comes once @cancellable is
 * cancelled (from the caller's thread).
 */
void
sq_store_get_streamed_async (SqStore                *self,
                             const char             *key,
                             GCancellable           *cancellable,
                             SqSampleBatchCallback   batch,
                             gpointer                batch_data,
                             GDestroyNotify          batch_notify,
                             SqProgressCallback      progress,
                             gpointer                progress_data,
                             GDestroyNotify          progress_notify,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  GTask *task;
  StreamData *data;

  g_return_if_fail (SQ_IS_STORE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (batch != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_get_streamed_async);

  data = g_new0 (StreamData, 1);
  data->store = g_object_ref (self);
  data->key = g_strdup (key);
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  data->batches = _sq_batch_relay_new (batch, batch_data, batch_notify, task);
  data->relay = _sq_progress_relay_new (progress, progress_data, progress_notify);
  g_thread_unref (g_thread_new ("sq-get", get_streamed_thread, data));
}

/**
 * sq_store_get_streamed_finish:
 * @result: the result given to the callback
 * @n_samples: (out) (optional): how many samples the batches held
 * @error: return location for an error
 *
 * Returns: whether the whole shard was read; on %FALSE, the batches
 *   handed over are the samples before the error
 */
gboolean
sq_store_get_streamed_finish (SqStore       *self,
                              GAsyncResult  *result,
                              guint         *n_samples,
                              GError       **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_get_streamed_async, FALSE);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (n_samples != NULL)
    *n_samples = (guint) n;
  return TRUE;
}
