/* sq-worker-private.h: what the store's _async forms share: progress
 * throttled and relayed to the caller's main context, and a lower
 * priority for the worker thread
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
 * thread-default one where the relay was made. */
typedef struct _SqProgressRelay SqProgressRelay;

SqProgressRelay *_sq_progress_relay_new        (SqProgressCallback  callback,
                                                gpointer            data,
                                                GDestroyNotify      notify);
void             _sq_progress_relay_unref      (SqProgressRelay    *relay);
void             _sq_progress_relay_post       (guint64             done,
                                                guint64             total,
                                                gpointer            relay);

/* A worker thread at background priority, for the time of one job. */
typedef struct
{
  int      nice;
  gboolean changed;
} SqBackgroundPriority;

void             _sq_background_priority_enter (SqBackgroundPriority *saved);
void             _sq_background_priority_leave (SqBackgroundPriority *saved);

G_END_DECLS
