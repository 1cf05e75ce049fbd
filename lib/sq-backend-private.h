/* sq-backend-private.h: where a store's shards live, behind one small
 * interface: a local or GIO directory (SqLocalBackend), or a bucket
 * prefix over HTTP (SqObjectBackend, s3:// and gs://)
 *
 * SqStore does what is the same everywhere (keys checked, the main-thread
 * check, the serializer's evidence, the async forms) and asks its backend
 * for the bytes. Every method blocks, runs on a worker, and sets errors
 * that name the store and the shard (it is given the store for that).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq-store.h"

G_BEGIN_DECLS

typedef struct _SqKeySink SqKeySink;

#define SQ_TYPE_BACKEND (sq_backend_get_type ())

G_DECLARE_INTERFACE (SqBackend, sq_backend, SQ, BACKEND, GObject)

struct _SqBackendInterface
{
  GTypeInterface parent_iface;

  /* Keys to @sink (_sq_key_sink_add()); with @in_order, in squirrel's
   * order (a streamed listing), else in any. A missing store has none. */
  gboolean       (*list_keys)     (SqBackend        *self,
                                   SqStore          *store,
                                   SqListKeysFlags   flags,
                                   gboolean          in_order,
                                   SqKeySink        *sink,
                                   GCancellable     *cancellable,
                                   GError          **error);
  /* The shard's bytes as they come, and their size (-1: unknown);
   * SQ_STORE_ERROR_NOT_FOUND if there is none. */
  GInputStream  *(*open_shard)    (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   gint64           *size,
                                   GCancellable     *cancellable,
                                   GError          **error);
  /* Whether a new random key is taken. */
  gboolean       (*shard_exists)  (SqBackend        *self,
                                   const char       *key,
                                   GCancellable     *cancellable);
  /* An atomic put: prepare once (a directory made), then a stream whose
   * bytes nobody sees until commit publishes them whole as KEY.gz; abort
   * drops them. @token is the backend's; after a failed commit, the
   * caller's to abort. Commit publishes only if @condition holds for what
   * KEY.gz is then (@etag as query_shard says it): in the same step where
   * the server can (a conditional request), and by asking just before;
   * if not, _sq_store_set_condition_error(). A commit gives @new_etag,
   * the etag (as query_shard says it) of what it published, where the
   * write's own answer tells it; NULL where it does not. */
  gboolean       (*prepare_put)   (SqBackend        *self,
                                   SqStore          *store,
                                   GCancellable     *cancellable,
                                   GError          **error);
  GOutputStream *(*create_shard)  (SqBackend        *self,
                                   const char       *key,
                                   gpointer         *token,
                                   GCancellable     *cancellable,
                                   GError          **error);
  gboolean       (*commit_shard)  (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   GOutputStream    *stream,
                                   gpointer          token,
                                   SqSetCondition    condition,
                                   const char       *etag,
                                   char            **new_etag,
                                   GCancellable     *cancellable,
                                   GError          **error);
  void           (*abort_shard)   (SqBackend        *self,
                                   GOutputStream    *stream,
                                   gpointer          token);
  /* Errors are whole here: SQ_STORE_ERROR_NOT_FOUND, or prefixed with
   * the operation and the shard. */
  gboolean       (*remove_shard)  (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   GCancellable     *cancellable,
                                   GError          **error);
  GFile         *(*stash_shard)   (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   gboolean          keep_shard,
                                   GCancellable     *cancellable,
                                   GError          **error);
  gboolean       (*unstash_shard) (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   GFile            *stash,
                                   GCancellable     *cancellable,
                                   GError          **error);
  gboolean       (*drop_stash)    (SqBackend        *self,
                                   GFile            *stash,
                                   GCancellable     *cancellable,
                                   GError          **error);
  gboolean       (*query_shard)   (SqBackend        *self,
                                   SqStore          *store,
                                   const char       *key,
                                   gint64           *size,
                                   gint64           *mtime,
                                   char            **etag,
                                   GCancellable     *cancellable,
                                   GError          **error);
};

/* The backend for @location: an object store for s3:// and gs:// URIs,
 * else a directory. Does no I/O. */
SqBackend *_sq_backend_new_for_location (GFile *location);

/* In sq-store-list.c: where a listing puts its keys. */
void       _sq_key_sink_add             (SqKeySink *sink,
                                         SqKeyInfo *info);
/* A sink that keeps every key, and what it kept, sorted in squirrel's
 * order (the sink is freed). */
SqKeySink *_sq_key_sink_new_collecting  (void);
GPtrArray *_sq_key_sink_free_to_sorted  (SqKeySink *sink,
                                         gboolean   keep);

G_END_DECLS
