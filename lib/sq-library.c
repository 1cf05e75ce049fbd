/* sq-library.c: a shared library opened on first use (sq-library-private.h)
 *
 * libcurl and libcrypto are opened, not linked, so that a process that
 * reads local folders never loads them (sq-curl.c, sq-jwt.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <gmodule.h>

#include "sq-library-private.h"

/* Opens @soname and fills @api with its @symbols; NULL, or why it could
 * not, in words for the user: what @needed_by it, and what
 * @version_needed is when a function is missing. The library stays open
 * for the life of the process, as a linked one does. */
char *
_sq_library_open (const char            *soname,
                  const SqLibrarySymbol *symbols,
                  gsize                  n_symbols,
                  gpointer               api,
                  const char            *needed_by,
                  const char            *version_needed)
{
  GModule *module = g_module_open (soname, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

  if (module == NULL)
    return g_strdup_printf ("cannot load %s, which %s: %s", soname, needed_by, g_module_error ());
  for (gsize i = 0; i < n_symbols; i++)
    {
      gpointer symbol = NULL;

      if (!g_module_symbol (module, symbols[i].name, &symbol) || symbol == NULL)
        return g_strdup_printf ("%s has no %s: %s is needed", soname, symbols[i].name, version_needed);
      *(gpointer *) G_STRUCT_MEMBER_P (api, symbols[i].offset) = symbol;
    }
  return NULL;
}
