/* sq-drift-private.h: making a drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-drift.h"

G_BEGIN_DECLS

SqDrift *_sq_drift_new        (SqDriftKind  kind,
                               const char  *path,
                               char        *description);
/* Shards and samples are added in store order; a shard's key once. */
void     _sq_drift_add_shard  (SqDrift     *drift,
                               const char  *key);
void     _sq_drift_add_sample (SqDrift     *drift,
                               guint        index);
void     _sq_drift_set_n_samples (SqDrift  *drift,
                                  guint64   n_samples);
void     _sq_drift_set_description (SqDrift *drift,
                                    char    *description);

G_END_DECLS
