/* drey-sample-list.h: samples of a store, shard after shard, as a list
 * model of DreySampleRef
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-sample-ref.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_LIST (drey_sample_list_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleList, drey_sample_list, DREY, SAMPLE_LIST, GObject)

DreySampleList *drey_sample_list_new          (void);
void            drey_sample_list_append_shard (DreySampleList *self,
                                               const char     *key,
                                               guint           n_samples,
                                               const guint    *indices,
                                               guint           n_indices);
void            drey_sample_list_clear        (DreySampleList *self);
guint           drey_sample_list_get_n_shards (DreySampleList *self);
const char     *drey_sample_list_get_shard_key (DreySampleList *self,
                                                guint           run);
gboolean        drey_sample_list_get_sample   (DreySampleList *self,
                                               guint           position,
                                               const char    **key,
                                               guint          *index);
guint           drey_sample_list_find         (DreySampleList *self,
                                               const char     *key,
                                               guint           index);
guint           drey_sample_list_get_shard_start (DreySampleList *self,
                                                  const char     *key);
gboolean        drey_sample_list_get_shard_range (DreySampleList *self,
                                                  const char     *key,
                                                  guint          *start,
                                                  guint          *n_items);

G_END_DECLS
