/* sq-store.h: a Squirrel store: a directory of shards KEY.gz
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-key-info.h"
#include "sq-serializer.h"
#include "sq-shard-reader.h"
#include "sq-value.h"

G_BEGIN_DECLS

/**
 * SqStoreError:
 * @SQ_STORE_ERROR_INVALID_KEY: the key cannot name a shard
 * @SQ_STORE_ERROR_NOT_FOUND: there is no shard with this key
 * @SQ_STORE_ERROR_NOT_A_STORE: the location is not a directory
 * @SQ_STORE_ERROR_MIXED_SERIALIZERS: set() was asked to write into a store
 *   whose shards disagree on the serializer, and none was chosen
 * @SQ_STORE_ERROR_EXISTS: a set that was to make a new shard found one of
 *   its key (%SQ_SET_IF_ABSENT)
 * @SQ_STORE_ERROR_CHANGED: a set that was to replace the shard as it was
 *   found it written or removed by someone else since (%SQ_SET_IF_MATCH)
 */
typedef enum
{
  SQ_STORE_ERROR_INVALID_KEY,
  SQ_STORE_ERROR_NOT_FOUND,
  SQ_STORE_ERROR_NOT_A_STORE,
  SQ_STORE_ERROR_MIXED_SERIALIZERS,
  SQ_STORE_ERROR_EXISTS,
  SQ_STORE_ERROR_CHANGED,
} SqStoreError;

#define SQ_STORE_ERROR (sq_store_error_quark ())
GQuark sq_store_error_quark (void);

/**
 * SqListKeysFlags:
 * @SQ_LIST_KEYS_DEFAULT: each key with its file size and time
 * @SQ_LIST_KEYS_NAMES_ONLY: the keys alone (sizes and times are -1); no
 *   stat per file, which matters for stores of 100,000 shards
 */
typedef enum
{
  SQ_LIST_KEYS_DEFAULT = 0,
  SQ_LIST_KEYS_NAMES_ONLY = 1 << 0,
} SqListKeysFlags;

/**
 * SqSetCondition:
 * @SQ_SET_ALWAYS: write over any shard of the key, or none
 * @SQ_SET_IF_ABSENT: only if there is no shard of the key
 *   (%SQ_STORE_ERROR_EXISTS if there is)
 * @SQ_SET_IF_MATCH: only over the shard of the key whose etag (from
 *   sq_store_query_shard()) is the one given (%SQ_STORE_ERROR_CHANGED if
 *   it is not, or there is none)
 *
 * What a set asks of the shard it replaces; see sq_store_set_if().
 */
typedef enum
{
  SQ_SET_ALWAYS,
  SQ_SET_IF_ABSENT,
  SQ_SET_IF_MATCH,
} SqSetCondition;

/**
 * SqProgressCallback:
 * @done: bytes done
 * @total: bytes in all
 * @user_data: the data given with the callback
 *
 * Progress of a get (compressed bytes read of the file size) or a set
 * (bytes of sample data encoded of their total).
 */
typedef void (*SqProgressCallback) (guint64  done,
                                    guint64  total,
                                    gpointer user_data);

/**
 * SqKeyBatchCallback:
 * @batch: (element-type SqKeyInfo) (transfer none): keys found since the
 *   last batch, in no promised order (see
 *   sq_store_list_keys_streamed_async()); take a reference to keep it
 * @user_data: the data given with the callback
 *
 * Keys of a streamed listing, as they are found.
 */
typedef void (*SqKeyBatchCallback) (GPtrArray *batch,
                                    gpointer   user_data);

/**
 * SqSampleBatchCallback:
 * @batch: (element-type SqValue) (transfer none): samples decoded since the
 *   last batch, in the shard's order; take a reference to keep them
 * @user_data: the data given with the callback
 *
 * Samples of a streamed get, as they are decoded.
 */
typedef void (*SqSampleBatchCallback) (GPtrArray *batch,
                                       gpointer   user_data);

#define SQ_TYPE_STORE (sq_store_get_type ())

G_DECLARE_FINAL_TYPE (SqStore, sq_store, SQ, STORE, GObject)

SqStore       *sq_store_new                 (GFile               *location);
gboolean       sq_store_location_is_bucket  (GFile               *location);
GFile         *sq_store_get_location        (SqStore             *self);
char          *sq_store_get_display_name    (SqStore             *self);
SqSerializer   sq_store_get_serializer      (SqStore             *self);
void           sq_store_set_serializer      (SqStore             *self,
                                             SqSerializer         serializer);
SqSerializerSource
               sq_store_get_serializer_source (SqStore           *self);
guint          sq_store_count_shards        (SqStore             *self,
                                             SqShardEvidence      evidence);
char          *sq_store_describe_serializer (SqStore             *self);
guint64        sq_store_get_memory_limit    (SqStore             *self);
void           sq_store_set_cache_enabled   (SqStore             *self,
                                             gboolean             enabled);
gboolean       sq_store_get_cache_enabled   (SqStore             *self);
void           sq_store_set_memory_limit    (SqStore             *self,
                                             guint64              limit);

GFile         *sq_store_get_shard_file      (SqStore             *self,
                                             const char          *key);
gboolean       sq_store_check_key           (const char          *key,
                                             gboolean             for_writing,
                                             GError             **error);
char          *sq_store_make_random_key     (void);

GPtrArray     *sq_store_list_keys           (SqStore             *self,
                                             SqListKeysFlags      flags,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_list_keys_async     (SqStore             *self,
                                             SqListKeysFlags      flags,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray     *sq_store_list_keys_finish    (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           sq_store_list_keys_streamed_async  (SqStore             *self,
                                                   SqListKeysFlags      flags,
                                                   GCancellable        *cancellable,
                                                   SqKeyBatchCallback   batch,
                                                   gpointer             batch_data,
                                                   GDestroyNotify       batch_notify,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       sq_store_list_keys_streamed_finish (SqStore             *self,
                                                   GAsyncResult        *result,
                                                   guint               *n_keys,
                                                   GError             **error);

SqSerializer   sq_store_detect_serializer   (SqStore             *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_detect_serializer_async  (SqStore             *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SqSerializer   sq_store_detect_serializer_finish (SqStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

SqShardReader *sq_store_open_shard          (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             GError             **error);

GPtrArray     *sq_store_get                 (SqStore             *self,
                                             const char          *key,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_get_async           (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GDestroyNotify       progress_notify,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray     *sq_store_get_finish          (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
gboolean       sq_store_get_streamed        (SqStore               *self,
                                             const char            *key,
                                             SqSampleBatchCallback  batch,
                                             gpointer               batch_data,
                                             SqProgressCallback     progress,
                                             gpointer               progress_data,
                                             guint                 *n_samples,
                                             GCancellable          *cancellable,
                                             GError               **error);
void           sq_store_get_streamed_async  (SqStore               *self,
                                             const char            *key,
                                             GCancellable          *cancellable,
                                             SqSampleBatchCallback  batch,
                                             gpointer               batch_data,
                                             GDestroyNotify         batch_notify,
                                             SqProgressCallback     progress,
                                             gpointer               progress_data,
                                             GDestroyNotify         progress_notify,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
gboolean       sq_store_get_streamed_finish (SqStore               *self,
                                             GAsyncResult          *result,
                                             guint                 *n_samples,
                                             GError               **error);

char          *sq_store_set                 (SqStore             *self,
                                             const char          *key,
                                             GPtrArray           *samples,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_set_async           (SqStore             *self,
                                             const char          *key,
                                             GPtrArray           *samples,
                                             GCancellable        *cancellable,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GDestroyNotify       progress_notify,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char          *sq_store_set_finish          (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
char          *sq_store_set_if              (SqStore             *self,
                                             const char          *key,
                                             SqSetCondition       condition,
                                             const char          *etag,
                                             GPtrArray           *samples,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             char               **new_etag,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_set_if_async        (SqStore             *self,
                                             const char          *key,
                                             SqSetCondition       condition,
                                             const char          *etag,
                                             GPtrArray           *samples,
                                             GCancellable        *cancellable,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GDestroyNotify       progress_notify,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char          *sq_store_set_if_finish       (SqStore             *self,
                                             GAsyncResult        *result,
                                             char               **new_etag,
                                             GError             **error);
char          *sq_store_set_from_reader     (SqStore             *self,
                                             const char          *key,
                                             SqShardReader       *reader,
                                             SqProgressCallback   progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GError             **error);

gboolean       sq_store_remove              (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_remove_async        (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       sq_store_remove_finish       (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

GFile         *sq_store_stash_shard         (SqStore             *self,
                                             const char          *key,
                                             gboolean             keep_shard,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_stash_shard_async   (SqStore             *self,
                                             const char          *key,
                                             gboolean             keep_shard,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GFile         *sq_store_stash_shard_finish  (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
gboolean       sq_store_unstash_shard       (SqStore             *self,
                                             const char          *key,
                                             GFile               *stash,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_unstash_shard_async (SqStore             *self,
                                             const char          *key,
                                             GFile               *stash,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       sq_store_unstash_shard_finish (SqStore            *self,
                                              GAsyncResult       *result,
                                              GError            **error);

gboolean       sq_store_drop_stash          (SqStore             *self,
                                             GFile               *stash,
                                             GCancellable        *cancellable,
                                             GError             **error);
void           sq_store_drop_stash_async    (SqStore             *self,
                                             GFile               *stash,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       sq_store_drop_stash_finish   (SqStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

gboolean       sq_store_query_shard         (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             gint64              *size,
                                             gint64              *mtime,
                                             char               **etag,
                                             GError             **error);
void           sq_store_query_shard_async   (SqStore             *self,
                                             const char          *key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       sq_store_query_shard_finish  (SqStore             *self,
                                             GAsyncResult        *result,
                                             gint64              *size,
                                             gint64              *mtime,
                                             char               **etag,
                                             GError             **error);

G_END_DECLS
