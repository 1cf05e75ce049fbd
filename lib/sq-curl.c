/* sq-curl.c: libcurl opened on first use (sq-curl-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-curl"

#include "config.h"

#include <gio/gio.h>

#include "sq-curl-private.h"
#include "sq-library-private.h"

/* The soname the build links against (libcurl4-openssl-dev: libcurl.so.4). */
#define LIBCURL_SONAME "libcurl.so.4"

static SqCurl api;
static char *load_error; /* why it could not be loaded, or NULL */

static void
load (void)
{
  static const SqLibrarySymbol symbols[] = {
#define SYMBOL(field) { "curl_" #field, G_STRUCT_OFFSET (SqCurl, field) }
    SYMBOL (global_init),
    SYMBOL (free),
    SYMBOL (share_init),
    SYMBOL (share_setopt),
    SYMBOL (easy_init),
    SYMBOL (easy_setopt),
    SYMBOL (easy_perform),
    SYMBOL (easy_getinfo),
    SYMBOL (easy_cleanup),
    SYMBOL (easy_pause),
    SYMBOL (easy_escape),
    SYMBOL (easy_strerror),
    SYMBOL (slist_append),
    SYMBOL (slist_free_all),
    SYMBOL (multi_init),
    SYMBOL (multi_add_handle),
    SYMBOL (multi_remove_handle),
    SYMBOL (multi_perform),
    SYMBOL (multi_info_read),
    SYMBOL (multi_poll),
    SYMBOL (multi_wakeup),
    SYMBOL (multi_cleanup),
#undef SYMBOL
  };

  load_error = _sq_library_open (LIBCURL_SONAME, symbols, G_N_ELEMENTS (symbols), &api,
                                 "s3:// and gs:// stores need", "libcurl 7.88 or later");
}

static gboolean
ensure_loaded (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      load ();
      g_once_init_leave (&once, 1);
    }
  return load_error == NULL;
}

gboolean
_sq_curl_load (GError **error)
{
  if (ensure_loaded ())
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, load_error);
  return FALSE;
}

const SqCurl *
_sq_curl (void)
{
  if (G_UNLIKELY (!ensure_loaded ()))
    g_error ("%s", load_error);
  return &api;
}
