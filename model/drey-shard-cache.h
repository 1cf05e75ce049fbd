/* drey-shard-cache.h: recently decoded shards, kept within a byte budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SHARD_CACHE (drey_shard_cache_get_type ())

G_DECLARE_FINAL_TYPE (DreyShardCache, drey_shard_cache, DREY, SHARD_CACHE, GObject)

DreyShardCache *drey_shard_cache_new            (guint64         budget);
guint64         drey_shard_cache_default_budget (void);
guint64         drey_shard_cache_get_budget     (DreyShardCache *self);
guint64         drey_shard_cache_get_size       (DreyShardCache *self);
guint           drey_shard_cache_get_n_shards   (DreyShardCache *self);
GPtrArray      *drey_shard_cache_lookup         (DreyShardCache *self,
                                                 const char     *key,
                                                 const char     *stamp);
gboolean        drey_shard_cache_insert         (DreyShardCache *self,
                                                 const char     *key,
                                                 const char     *stamp,
                                                 GPtrArray      *samples,
                                                 guint64         size);
void            drey_shard_cache_remove         (DreyShardCache *self,
                                                 const char     *key);
void            drey_shard_cache_clear          (DreyShardCache *self);

guint64         drey_shard_cache_measure        (SqValue        *sample);

G_END_DECLS
