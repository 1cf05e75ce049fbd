/* sq-library-private.h: a shared library opened on first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One function of the library, and where in the caller's table of
 * function pointers it goes. */
typedef struct
{
  const char *name;
  gsize       offset;
} SqLibrarySymbol;

char *_sq_library_open (const char            *soname,
                        const SqLibrarySymbol *symbols,
                        gsize                  n_symbols,
                        gpointer               api,
                        const char            *needed_by,
                        const char            *version_needed);

G_END_DECLS
