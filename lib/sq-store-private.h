/* sq-store-private.h: the store object, shared by the files of its operations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-backend-private.h"
#include "sq-store.h"

G_BEGIN_DECLS

struct _SqStore
{
  GObject       parent_instance;

  GFile        *location;
  SqBackend    *backend;       /* where the bytes are; set at construction */
  guint64       memory_limit;
  gboolean      no_cache;      /* read buckets without the shard cache */

  GMutex        lock;          /* guards the settings and what is below */
  SqSerializer  chosen;        /* by the user; AUTO: tell from the shards */
  gboolean      detected;      /* sampled the shards once */
  GHashTable   *evidence;      /* key -> SqShardEvidence, of shards looked at */
  SqSerializer  notified;      /* what the properties last said */
  SqSerializerSource notified_source;

  GMutex        detect_lock;   /* one detection at a time */
};

enum
{
  _SQ_STORE_PROP_0,
  PROP_LOCATION,
  PROP_SERIALIZER,
  PROP_SERIALIZER_SOURCE,
  PROP_MEMORY_LIMIT,
  _SQ_STORE_N_PROPS
};

extern GParamSpec *_sq_store_properties[_SQ_STORE_N_PROPS];

SqShardReader *_sq_store_open_shard_raw      (SqStore        *self,
                                              const char     *key,
                                              GCancellable   *cancellable,
                                              GError        **error);
void           _sq_store_attach_reader       (SqStore        *self,
                                              SqShardReader  *reader,
                                              const char     *key);
void           _sq_store_forget_shard        (SqStore        *self,
                                              const char     *key);
void           _sq_store_record_read         (SqStore        *self,
                                              const char     *key,
                                              SqShardEvidence evidence);
SqSerializer   _sq_store_get_write_serializer (SqStore       *self,
                                               GCancellable  *cancellable,
                                               GError       **error);
void           _sq_store_set_not_found_error (SqStore       *self,
                                              const char    *key,
                                              GError       **error);
void           _sq_store_set_condition_error (SqStore       *self,
                                              const char    *key,
                                              SqSetCondition condition,
                                              GError       **error);
void           _sq_store_prefix_error        (SqStore       *self,
                                              GError       **error,
                                              GError        *io_error);

G_END_DECLS
