/* drey-sample-cache.h: decoded shards of a store, read on workers as
 * views ask for their samples, a bounded number kept
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_CACHE (drey_sample_cache_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleCache, drey_sample_cache, DREY, SAMPLE_CACHE, GObject)

DreySampleCache *drey_sample_cache_new          (SqStore         *store,
                                                 guint            max_shards);
SqStore         *drey_sample_cache_get_store    (DreySampleCache *self);
SqValue         *drey_sample_cache_lookup       (DreySampleCache *self,
                                                 const char      *key,
                                                 guint            index);
gboolean         drey_sample_cache_has_shard    (DreySampleCache *self,
                                                 const char      *key);
void             drey_sample_cache_clear        (DreySampleCache *self);
void             drey_sample_cache_request      (DreySampleCache *self,
                                                 const char      *key);
const GError    *drey_sample_cache_get_error    (DreySampleCache *self,
                                                 const char      *key);
guint            drey_sample_cache_get_n_loaded (DreySampleCache *self);
guint            drey_sample_cache_get_n_reads  (DreySampleCache *self);

G_END_DECLS
