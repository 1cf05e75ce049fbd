/* sq-input-private.h: the decompressed bytes of a shard, for the parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SqInput SqInput;

typedef enum
{
  SQ_INPUT_ERROR = -1, /* error is set */
  SQ_INPUT_SHORT = 0,  /* the data ends first */
  SQ_INPUT_OK = 1,
} SqInputStatus;

/* The parsers read [pos, end) directly; everything else goes through the
 * functions below. */
struct _SqInput
{
  const guint8 *pos;
  const guint8 *end;
  guint64       bias;  /* decompressed offset of a pointer p: p + bias */
};

SqInput      *_sq_input_new              (GInputStream  *stream,
                                          goffset        compressed_size,
                                          const char    *shard,
                                          guint64        max_decompressed);
void          _sq_input_free             (SqInput       *input);

SqInputStatus _sq_input_fill             (SqInput       *input,
                                          gsize          n,
                                          GCancellable  *cancellable,
                                          GError       **error);
guint64       _sq_input_offset           (SqInput       *input,
                                          const guint8  *at);
SqInputStatus _sq_input_take             (SqInput       *input,
                                          gsize          n,
                                          GBytes       **bytes,
                                          GCancellable  *cancellable,
                                          GError       **error);
SqInputStatus _sq_input_read_into        (SqInput       *input,
                                          guint8        *dest,
                                          gsize          n,
                                          GCancellable  *cancellable,
                                          GError       **error);
guint64       _sq_input_get_bytes_read   (SqInput       *input);
goffset       _sq_input_get_total        (SqInput       *input);
guint64       _sq_input_get_bytes_left   (SqInput       *input);
gboolean      _sq_input_is_done          (SqInput       *input);

/* Sees every decompressed byte once, in order, as it is inflated (before
 * any parser reads it); returns FALSE to stop watching. */
typedef gboolean (*SqInputObserver) (const guint8 *data,
                                     gsize         length,
                                     gpointer      user_data);

void          _sq_input_set_observer     (SqInput        *input,
                                          SqInputObserver observer,
                                          gpointer        user_data);
void          _sq_input_set_stream_only  (SqInput       *input);

/* Makes @n bytes readable at input->pos. */
static inline SqInputStatus
_sq_input_ensure (SqInput       *input,
                  gsize          n,
                  GCancellable  *cancellable,
                  GError       **error)
{
  if (G_LIKELY ((gsize) (input->end - input->pos) >= n))
    return SQ_INPUT_OK;
  return _sq_input_fill (input, n, cancellable, error);
}

/* _sq_input_offset() of a pointer into the window, without a call: the
 * parsers take it for every value they may have to name in an error. */
static inline guint64
_sq_input_offset_inline (const SqInput *input,
                         const guint8  *at)
{
  return (guint64) (guintptr) at + input->bias;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqInput, _sq_input_free)

G_END_DECLS
