/* sq-format-probe-private.h: could these bytes be JSON Lines, msgpack, or both?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SqFormatProbe SqFormatProbe;

SqFormatProbe *_sq_format_probe_new              (void);
void           _sq_format_probe_free             (SqFormatProbe       *probe);

gboolean       _sq_format_probe_feed             (SqFormatProbe       *probe,
                                                  const guint8        *data,
                                                  gsize                length);
void           _sq_format_probe_check_lines      (SqFormatProbe       *probe,
                                                  const guint8        *seen,
                                                  gsize                length);

gboolean       _sq_format_probe_is_text          (const SqFormatProbe *probe);
gboolean       _sq_format_probe_is_msgpack       (const SqFormatProbe *probe);
gboolean       _sq_format_probe_msgpack_complete (const SqFormatProbe *probe);
gboolean       _sq_format_probe_only_fixints     (const SqFormatProbe *probe);
gboolean       _sq_format_probe_lines_valid      (const SqFormatProbe *probe);
gboolean       _sq_format_probe_ends_with_newline (const SqFormatProbe *probe);
guint64        _sq_format_probe_get_length       (const SqFormatProbe *probe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqFormatProbe, _sq_format_probe_free)

G_END_DECLS
