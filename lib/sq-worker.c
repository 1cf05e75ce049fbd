/* sq-worker.c: progress throttled and relayed to the caller's main
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
  SqProgressRelay *relay = g_atomic_rc_box_new0 (SqProgressRelay);

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
