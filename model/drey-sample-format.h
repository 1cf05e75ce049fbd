/* drey-sample-format.h: samples in files, read and written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

/* Files larger than this are refused: what one shard may take in memory. */
#define DREY_SAMPLE_FORMAT_MAX_FILE_SIZE SQ_DEFAULT_MEMORY_LIMIT

/**
 * DreySampleFormat:
 * @DREY_SAMPLE_FORMAT_UNKNOWN: none of these
 * @DREY_SAMPLE_FORMAT_JSON_LINES: `.jsonl`: a sample a line
 * @DREY_SAMPLE_FORMAT_JSON: `.json`: a list of samples, or one
 * @DREY_SAMPLE_FORMAT_NPY: `.npy`: one array
 * @DREY_SAMPLE_FORMAT_PNG: `.png`: one image, as an HxWxC uint8 array
 */
typedef enum
{
  DREY_SAMPLE_FORMAT_UNKNOWN,
  DREY_SAMPLE_FORMAT_JSON_LINES,
  DREY_SAMPLE_FORMAT_JSON,
  DREY_SAMPLE_FORMAT_NPY,
  DREY_SAMPLE_FORMAT_PNG,
} DreySampleFormat;

/**
 * DreySampleFormatError:
 * @DREY_SAMPLE_FORMAT_ERROR_UNKNOWN: a file that is neither JSON Lines,
 *   JSON, .npy nor PNG (by its name), or an export to none of these
 * @DREY_SAMPLE_FORMAT_ERROR_TOO_LARGE: a file larger than
 *   %DREY_SAMPLE_FORMAT_MAX_FILE_SIZE
 * @DREY_SAMPLE_FORMAT_ERROR_NOT_AN_ARRAY: an export to .npy or PNG of a
 *   value that is not an array
 *
 * Other errors keep their own domain (#SQ_DECODE_ERROR for JSON,
 * #SQ_NPY_ERROR, #DREY_IMAGE_ERROR, #G_IO_ERROR); every message of a load
 * starts with the file's name.
 */
typedef enum
{
  DREY_SAMPLE_FORMAT_ERROR_UNKNOWN,
  DREY_SAMPLE_FORMAT_ERROR_TOO_LARGE,
  DREY_SAMPLE_FORMAT_ERROR_NOT_AN_ARRAY,
} DreySampleFormatError;

#define DREY_SAMPLE_FORMAT_ERROR (drey_sample_format_error_quark ())
GQuark           drey_sample_format_error_quark   (void);

DreySampleFormat drey_sample_format_for_file      (GFile                *file);
const char      *drey_sample_format_get_extension (DreySampleFormat      format);

GPtrArray       *drey_sample_format_load          (GFile               **files,
                                                   guint                 n_files,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
void             drey_sample_format_load_async    (GFile               **files,
                                                   guint                 n_files,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray       *drey_sample_format_load_finish   (GAsyncResult         *result,
                                                   GError              **error);
GBytes          *drey_sample_format_export        (SqValue              *value,
                                                   DreySampleFormat      format,
                                                   GError              **error);

G_END_DECLS
