/* sq-worker-private.h: what the store's _async forms share: progress
 * throttled and relayed to the caller's main context, a lower priority for
 * the worker thread, and the check that blocking calls stay off the main
 * thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-store.h"

G_BEGIN_DECLS

/* How often, at most, progress reaches the caller; also how long a
 * streamed listing gathers keys before it hands a batch over. */
#define SQ_PROGRESS_INTERVAL_USEC (50 * 1000)

/* Progress reported by blocking work, at most every
 * SQ_PROGRESS_INTERVAL_USEC but for the first and the last report. */
typedef struct
{
  SqProgressCallback callback;  /* nullable: then nothing is reported */
  gpointer           data;
  gint64             last;
} SqThrottle;

void             _sq_throttle_report           (SqThrottle         *throttle,
                                                guint64             done,
                                                guint64             total,
                                                gboolean            force);

/* Progress from a worker, delivered on the main context that was the
 * thread-default one where the relay was made; %NULL for no @callback,
 * @notify then called at once. */
typedef struct _SqProgressRelay SqProgressRelay;

SqProgressRelay *_sq_progress_relay_new        (SqProgressCallback  callback,
                                                gpointer            data,
                                                GDestroyNotify      notify);
void             _sq_progress_relay_unref      (SqProgressRelay    *relay);
void             _sq_progress_relay_post       (guint64             done,
                                                guint64             total,
                                                gpointer            relay);

/* Batches from a worker (samples of a streamed get), handed over on the
 * main context that was the caller's thread-default one, one batch per
 * main loop iteration; @task (the caller's) returns once the worker has
 * finished and every batch is out: its int is the count the worker gave,
 * or the worker's error. No batch is handed over once @task's
 * cancellable is cancelled. */
typedef struct _SqBatchRelay SqBatchRelay;

typedef void (*SqBatchFunc) (GPtrArray *batch,
                             gpointer   user_data);

SqBatchRelay    *_sq_batch_relay_new           (SqBatchFunc         callback,
                                                gpointer            data,
                                                GDestroyNotify      notify,
                                                GTask              *task);
void             _sq_batch_relay_unref         (gpointer            relay);
void             _sq_batch_relay_post          (GPtrArray          *batch,
                                                gpointer            relay);
void             _sq_batch_relay_finish        (SqBatchRelay       *relay,
                                                guint               count,
                                                GError             *error);

/* A worker thread at background priority, for the time of one job. */
typedef struct
{
  int      nice;
  gboolean changed;
} SqBackgroundPriority;

void             _sq_background_priority_enter (SqBackgroundPriority *saved);
void             _sq_background_priority_leave (SqBackgroundPriority *saved);

/* The main-thread check, for test builds (meson option main_thread_check,
 * off by default). The blocking entry points of the library (listing,
 * detecting the serializer, opening and reading a shard, writing,
 * removing, stashing and querying one, and sq_shard_reader_next()) may
 * take seconds on a big shard or a slow mount: a window that calls one
 * from its main loop freezes. With the check on, each of them aborts,
 * naming itself, when it runs on the thread that owns the default main
 * context (the one iterating it: a GTK application's main thread, or a
 * test's inside g_main_loop_run()). A command-line program that never
 * iterates that context is never stopped. */
#if SQ_MAIN_THREAD_CHECK
#define _sq_assert_not_main_thread() \
  G_STMT_START { \
    if (g_main_context_is_owner (g_main_context_default ())) \
      g_error ("%s() blocks, and must not run on the thread of the default main context: " \
               "call its _async form, or call it on a worker", G_STRFUNC); \
  } G_STMT_END
#else
#define _sq_assert_not_main_thread() G_STMT_START { } G_STMT_END
#endif

G_END_DECLS
