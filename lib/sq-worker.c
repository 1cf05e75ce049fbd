/* sq-worker.c: progress and batches relayed to the caller's main
 * context, and the worker thread's priority
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sq-worker-private.h"

void
_sq_throttle_report (SqThrottle *throttle,
                     guint64     done,
                     guint64     total,
                     gboolean    force)
{
  gint64 now;

  if (throttle->callback == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - throttle->last < SQ_PROGRESS_INTERVAL_USEC)
    return;
  throttle->last = now;
  throttle->callback (done, total, throttle->data);
}

/* Shared by the task and every update in flight. */
struct _SqProgressRelay
{
  SqProgressCallback  callback;
  gpointer            data;
  GDestroyNotify      notify;
  GMainContext       *context;
};

typedef struct
{
  SqProgressRelay *relay;
  guint64          done;
  guint64          total;
} ProgressUpdate;

static void
progress_relay_clear (SqProgressRelay *relay)
{
  if (relay->notify)
    relay->notify (relay->data);
  g_main_context_unref (relay->context);
}

SqProgressRelay *
_sq_progress_relay_new (SqProgressCallback callback,
                        gpointer           data,
                        GDestroyNotify     notify)
{
  SqProgressRelay *relay;

  if (callback == NULL)
    {
      if (notify != NULL)
        notify (data);
      return NULL;
    }
  relay = g_atomic_rc_box_new0 (SqProgressRelay);
  relay->callback = callback;
  relay->data = data;
  relay->notify = notify;
  relay->context = g_main_context_ref_thread_default ();
  return relay;
}

void
_sq_progress_relay_unref (SqProgressRelay *relay)
{
  g_atomic_rc_box_release_full (relay, (GDestroyNotify) progress_relay_clear);
}

static gboolean
progress_update_dispatch (gpointer data)
{
  ProgressUpdate *update = data;

  update->relay->callback (update->done, update->total, update->relay->data);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  _sq_progress_relay_unref (update->relay);
  g_free (update);
}

/* An SqProgressCallback, run on the worker: posts an update to the
 * caller's context. */
void
_sq_progress_relay_post (guint64  done,
                         guint64  total,
                         gpointer data)
{
  SqProgressRelay *relay = data;
  ProgressUpdate *update = g_new (ProgressUpdate, 1);
  GSource *source;

  update->relay = g_atomic_rc_box_acquire (relay);
  update->done = done;
  update->total = total;
  /* Always through a source: g_main_context_invoke() would run the
   * callback right here, on the worker, whenever the worker can acquire
   * the caller's context (a GTask thread's default is the global one). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sq] progress");
  g_source_set_callback (source, progress_update_dispatch, update, progress_update_free);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

/* One idle source drains the queue, one batch per dispatch, so that a
 * backlog is not handed over in one go and the caller paints between
 * batches; at default priority and not idle, so that a window redrawing
 * at every frame (slow software rendering) cannot starve what it waits
 * for; and never g_main_context_invoke(), which would run the callback on
 * the worker whenever it can acquire the context. */
struct _SqBatchRelay
{
  SqBatchFunc     callback;
  gpointer        data;
  GDestroyNotify  notify;
  GMainContext   *context;
  GTask          *task;       /* the caller's; used on its context only */

  GMutex          lock;       /* guards the rest */
  GQueue          batches;
  gboolean        scheduled;  /* a drain source is attached */
  gboolean        finished;   /* the worker is done */
  guint           count;
  GError         *error;
};

static void
batch_relay_clear (SqBatchRelay *relay)
{
  g_queue_clear_full (&relay->batches, (GDestroyNotify) g_ptr_array_unref);
  g_clear_error (&relay->error);
  g_clear_object (&relay->task);
  if (relay->notify != NULL)
    relay->notify (relay->data);
  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
}

/* Takes @task. */
SqBatchRelay *
_sq_batch_relay_new (SqBatchFunc     callback,
                     gpointer        data,
                     GDestroyNotify  notify,
                     GTask          *task)
{
  SqBatchRelay *relay = g_atomic_rc_box_new0 (SqBatchRelay);

  relay->callback = callback;
  relay->data = data;
  relay->notify = notify;
  relay->context = g_main_context_ref_thread_default ();
  relay->task = task;
  g_mutex_init (&relay->lock);
  g_queue_init (&relay->batches);
  return relay;
}

void
_sq_batch_relay_unref (gpointer relay)
{
  g_atomic_rc_box_release_full (relay, (GDestroyNotify) batch_relay_clear);
}

/* On the caller's context, after the last batch. */
static void
batch_relay_return (SqBatchRelay *relay)
{
  g_autoptr(GTask) task = g_steal_pointer (&relay->task);
  GError *error;
  guint count;

  g_mutex_lock (&relay->lock);
  error = g_steal_pointer (&relay->error);
  count = relay->count;
  g_mutex_unlock (&relay->lock);

  /* No batch comes after this, so the data can go now, on this thread. */
  relay->callback = NULL;
  if (relay->notify != NULL)
    {
      GDestroyNotify notify = g_steal_pointer (&relay->notify);

      notify (relay->data);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_int (task, count);
}

static gboolean
batch_relay_drain (gpointer user_data)
{
  SqBatchRelay *relay = user_data;
  GPtrArray *batch;
  gboolean finished;

  g_mutex_lock (&relay->lock);
  batch = g_queue_pop_head (&relay->batches);
  finished = batch == NULL && relay->finished;
  if (batch == NULL)
    relay->scheduled = FALSE;
  g_mutex_unlock (&relay->lock);

  if (batch != NULL)
    {
      if (!g_cancellable_is_cancelled (g_task_get_cancellable (relay->task)))
        relay->callback (batch, relay->data);
      g_ptr_array_unref (batch);
      return G_SOURCE_CONTINUE;
    }
  if (finished)
    batch_relay_return (relay);
  return G_SOURCE_REMOVE;
}

static void
batch_relay_schedule_locked (SqBatchRelay *relay)
{
  GSource *source;

  if (relay->scheduled)
    return;
  relay->scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sq] batches");
  g_source_set_callback (source, batch_relay_drain, g_atomic_rc_box_acquire (relay), _sq_batch_relay_unref);
  g_source_attach (source, relay->context);
  g_source_unref (source);
}

/* A SqBatchFunc, run on the worker: queues a reference to @batch. */
void
_sq_batch_relay_post (GPtrArray *batch,
                      gpointer   data)
{
  SqBatchRelay *relay = data;

  g_mutex_lock (&relay->lock);
  g_queue_push_tail (&relay->batches, g_ptr_array_ref (batch));
  batch_relay_schedule_locked (relay);
  g_mutex_unlock (&relay->lock);
}

/* On the worker, once: takes @error. */
void
_sq_batch_relay_finish (SqBatchRelay *relay,
                        guint         count,
                        GError       *error)
{
  g_mutex_lock (&relay->lock);
  relay->finished = TRUE;
  relay->count = count;
  relay->error = error;
  batch_relay_schedule_locked (relay);
  g_mutex_unlock (&relay->lock);
}

/* Async work is background work: on Linux a thread has its own nice
 * value, so a worker decoding a big shard yields the CPU to the caller's
 * main loop (the window stays smooth even on two busy cores). */
void
_sq_background_priority_enter (SqBackgroundPriority *saved)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  errno = 0;
  saved->nice = getpriority (PRIO_PROCESS, (id_t) tid);
  saved->changed = errno == 0 && saved->nice < 10 && setpriority (PRIO_PROCESS, (id_t) tid, 10) == 0;
#else
  saved->changed = FALSE;
#endif
}

void
_sq_background_priority_leave (SqBackgroundPriority *saved)
{
#ifdef __linux__
  /* Without CAP_SYS_NICE this fails and the pool thread stays at nice 10:
   * GTask's pool only runs background work, so that is harmless. */
  if (saved->changed)
    setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), saved->nice);
#endif
}
