/* sq-curl-private.h: libcurl, loaded the first time a bucket is used
 *
 * libcurl pulls in some thirty libraries (TLS, Kerberos, LDAP, SSH...):
 * resolving them took 3.5 ms of every drey-cli start, more than reading a
 * small shard, for stores that are mostly local folders. So the library is
 * not linked but opened with GModule on first use, and the curl calls of
 * sq-object-*.c go through a table of its functions under their usual
 * names (the macros below), typed from curl's own declarations.
 *
 * Include this instead of <curl/curl.h>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* curl's type-checking macros would clash with the names below. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  __typeof__ (curl_global_init)        *global_init;
  __typeof__ (curl_free)               *free;
  __typeof__ (curl_share_init)         *share_init;
  __typeof__ (curl_share_setopt)       *share_setopt;
  __typeof__ (curl_easy_init)          *easy_init;
  __typeof__ (curl_easy_setopt)        *easy_setopt;
  __typeof__ (curl_easy_perform)       *easy_perform;
  __typeof__ (curl_easy_getinfo)       *easy_getinfo;
  __typeof__ (curl_easy_cleanup)       *easy_cleanup;
  __typeof__ (curl_easy_pause)         *easy_pause;
  __typeof__ (curl_easy_escape)        *easy_escape;
  __typeof__ (curl_easy_strerror)      *easy_strerror;
  __typeof__ (curl_slist_append)       *slist_append;
  __typeof__ (curl_slist_free_all)     *slist_free_all;
  __typeof__ (curl_multi_init)         *multi_init;
  __typeof__ (curl_multi_add_handle)   *multi_add_handle;
  __typeof__ (curl_multi_remove_handle) *multi_remove_handle;
  __typeof__ (curl_multi_perform)      *multi_perform;
  __typeof__ (curl_multi_info_read)    *multi_info_read;
  __typeof__ (curl_multi_poll)         *multi_poll;
  __typeof__ (curl_multi_wakeup)       *multi_wakeup;
  __typeof__ (curl_multi_cleanup)      *multi_cleanup;
} SqCurl;

/* Opens libcurl once; FALSE with @error when it cannot be. The backend
 * calls it before any request, so that a missing library is an error a
 * user reads, not an abort. */
gboolean      _sq_curl_load (GError **error);

/* The functions; aborts if libcurl cannot be loaded (_sq_curl_load()
 * said so first). */
const SqCurl *_sq_curl      (void);

/* curl.h wraps these three in macros that check the argument count. */
#undef curl_share_setopt
#undef curl_easy_setopt
#undef curl_easy_getinfo

#define curl_global_init         (_sq_curl ()->global_init)
#define curl_free                (_sq_curl ()->free)
#define curl_share_init          (_sq_curl ()->share_init)
#define curl_share_setopt        (_sq_curl ()->share_setopt)
#define curl_easy_init           (_sq_curl ()->easy_init)
#define curl_easy_setopt         (_sq_curl ()->easy_setopt)
#define curl_easy_perform        (_sq_curl ()->easy_perform)
#define curl_easy_getinfo        (_sq_curl ()->easy_getinfo)
#define curl_easy_cleanup        (_sq_curl ()->easy_cleanup)
#define curl_easy_pause          (_sq_curl ()->easy_pause)
#define curl_easy_escape         (_sq_curl ()->easy_escape)
#define curl_easy_strerror       (_sq_curl ()->easy_strerror)
#define curl_slist_append        (_sq_curl ()->slist_append)
#define curl_slist_free_all      (_sq_curl ()->slist_free_all)
#define curl_multi_init          (_sq_curl ()->multi_init)
#define curl_multi_add_handle    (_sq_curl ()->multi_add_handle)
#define curl_multi_remove_handle (_sq_curl ()->multi_remove_handle)
#define curl_multi_perform       (_sq_curl ()->multi_perform)
#define curl_multi_info_read     (_sq_curl ()->multi_info_read)
#define curl_multi_poll          (_sq_curl ()->multi_poll)
#define curl_multi_wakeup        (_sq_curl ()->multi_wakeup)
#define curl_multi_cleanup       (_sq_curl ()->multi_cleanup)

G_END_DECLS
