/* sq-shard-stats.h: each field of a shard's samples, summarised
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-value.h"

G_BEGIN_DECLS

typedef struct _SqShardStats SqShardStats;

SqShardStats *sq_shard_stats_new        (void);
void          sq_shard_stats_free       (SqShardStats  *stats);
gboolean      sq_shard_stats_add        (SqShardStats  *stats,
                                         SqValue       *sample,
                                         GCancellable  *cancellable,
                                         GError       **error);
SqValue      *sq_shard_stats_to_value   (SqShardStats  *stats,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqShardStats, sq_shard_stats_free)

G_END_DECLS
