/* drey-shard-content.h: the samples of a new shard, read from files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/* Files larger than this are refused: what one shard may take in memory. */
#define DREY_SHARD_CONTENT_MAX_FILE_SIZE SQ_DEFAULT_MEMORY_LIMIT

/**
 * DreyShardContentError:
 * @DREY_SHARD_CONTENT_ERROR_UNKNOWN_KIND: a file that is neither JSON
 *   Lines, JSON, .npy nor PNG (by its name)
 * @DREY_SHARD_CONTENT_ERROR_TOO_LARGE: a file larger than
 *   %DREY_SHARD_CONTENT_MAX_FILE_SIZE
 *
 * Other errors keep their own domain (#SQ_DECODE_ERROR for JSON,
 * #SQ_NPY_ERROR, #DREY_IMAGE_IO_ERROR, #G_IO_ERROR); every message starts
 * with the file's name.
 */
typedef enum
{
  DREY_SHARD_CONTENT_ERROR_UNKNOWN_KIND,
  DREY_SHARD_CONTENT_ERROR_TOO_LARGE,
} DreyShardContentError;

#define DREY_SHARD_CONTENT_ERROR (drey_shard_content_error_quark ())
GQuark     drey_shard_content_error_quark   (void);

GPtrArray *drey_shard_content_load          (GFile               **files,
                                             guint                 n_files,
                                             GCancellable         *cancellable,
                                             GError              **error);
void       drey_shard_content_load_async    (GFile               **files,
                                             guint                 n_files,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray *drey_shard_content_load_finish   (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
