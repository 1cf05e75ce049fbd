/* sq-jwt.c: a service account's RS256 assertion (sq-jwt-private.h)
 *
 * GLib has no RSA, so the signature is OpenSSL's (EVP, PKCS#1 v1.5 with
 * SHA-256). Like libcurl (sq-curl.c), libcrypto is opened on first use,
 * not linked: a process reading local folders never loads it, and one
 * reading a bucket has it already, as libcurl's TLS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sq-jwt-private.h"
#include "sq-library-private.h"

/* The soname the build's headers are of (libssl-dev 3: libcrypto.so.3). */
#define LIBCRYPTO_SONAME "libcrypto.so.3"

#define LIFETIME_SECONDS 3600

static struct
{
  __typeof__ (BIO_new_mem_buf)         *bio_new_mem_buf;
  __typeof__ (BIO_free)                *bio_free;
  __typeof__ (PEM_read_bio_PrivateKey) *pem_read_bio_private_key;
  __typeof__ (EVP_PKEY_get_base_id)    *pkey_get_base_id;
  __typeof__ (EVP_PKEY_free)           *pkey_free;
  __typeof__ (EVP_MD_CTX_new)          *md_ctx_new;
  __typeof__ (EVP_MD_CTX_free)         *md_ctx_free;
  __typeof__ (EVP_sha256)              *sha256;
  __typeof__ (EVP_DigestSignInit)      *digest_sign_init;
  __typeof__ (EVP_DigestSign)          *digest_sign;
  __typeof__ (ERR_peek_last_error)     *err_peek_last_error;
  __typeof__ (ERR_reason_error_string) *err_reason_error_string;
  __typeof__ (ERR_clear_error)         *err_clear_error;
} api;
static char *load_error; /* why libcrypto could not be loaded, or NULL */

static void
load (void)
{
  static const SqLibrarySymbol symbols[] = {
#define SYMBOL(name, field) { name, G_STRUCT_OFFSET (__typeof__ (api), field) }
    SYMBOL ("BIO_new_mem_buf", bio_new_mem_buf),
    SYMBOL ("BIO_free", bio_free),
    SYMBOL ("PEM_read_bio_PrivateKey", pem_read_bio_private_key),
    SYMBOL ("EVP_PKEY_get_base_id", pkey_get_base_id),
    SYMBOL ("EVP_PKEY_free", pkey_free),
    SYMBOL ("EVP_MD_CTX_new", md_ctx_new),
    SYMBOL ("EVP_MD_CTX_free", md_ctx_free),
    SYMBOL ("EVP_sha256", sha256),
    SYMBOL ("EVP_DigestSignInit", digest_sign_init),
    SYMBOL ("EVP_DigestSign", digest_sign),
    SYMBOL ("ERR_peek_last_error", err_peek_last_error),
    SYMBOL ("ERR_reason_error_string", err_reason_error_string),
    SYMBOL ("ERR_clear_error", err_clear_error),
#undef SYMBOL
  };

  load_error = _sq_library_open (LIBCRYPTO_SONAME, symbols, G_N_ELEMENTS (symbols), &api,
                                 "a service account key needs", "OpenSSL 3");
}

static gboolean
ensure_loaded (GError **error)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      load ();
      g_once_init_leave (&once, 1);
    }
  if (load_error == NULL)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, load_error);
  return FALSE;
}

static void
append_base64url (GString      *out,
                  const guint8 *data,
                  gsize         len)
{
  g_autofree char *base64 = g_base64_encode (data, len);

  for (const char *p = base64; *p && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

/* A key with a passphrase is not a service account's: no prompt. */
static int
no_passphrase (char *buf, int size, int rwflag, void *user)
{
  return -1;
}

static gboolean
sign (const char    *private_key,
      const GString *input,
      guint8       **signature,
      gsize         *signature_len,
      GError       **error)
{
  BIO *bio = api.bio_new_mem_buf (private_key, -1);
  EVP_PKEY *key = bio ? api.pem_read_bio_private_key (bio, NULL, no_passphrase, NULL) : NULL;
  EVP_MD_CTX *ctx = NULL;
  gboolean ok = FALSE;

  if (bio != NULL)
    api.bio_free (bio);
  if (key == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "its private_key is not a PEM private key");
      goto out;
    }
  if (api.pkey_get_base_id (key) != EVP_PKEY_RSA)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "its private_key is not an RSA key, which RS256 needs");
      goto out;
    }
  ctx = api.md_ctx_new ();
  *signature_len = 0;
  if (ctx == NULL || api.digest_sign_init (ctx, NULL, api.sha256 (), NULL, key) != 1 ||
      api.digest_sign (ctx, NULL, signature_len, (const guint8 *) input->str, input->len) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "its private_key cannot sign (%s)",
                   api.err_reason_error_string (api.err_peek_last_error ())
                   ? api.err_reason_error_string (api.err_peek_last_error ()) : "unknown");
      goto out;
    }
  *signature = g_malloc (*signature_len);
  if (api.digest_sign (ctx, *signature, signature_len, (const guint8 *) input->str, input->len) != 1)
    {
      g_clear_pointer (signature, g_free);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "its private_key cannot sign");
      goto out;
    }
  ok = TRUE;
out:
  if (ctx != NULL)
    api.md_ctx_free (ctx);
  if (key != NULL)
    api.pkey_free (key);
  /* OpenSSL's error queue is per thread: leave none for the next caller. */
  api.err_clear_error ();
  return ok;
}

char *
_sq_jwt_rs256_assertion (const char  *private_key,
                         const char  *key_id,
                         const char  *issuer,
                         const char  *scope,
                         const char  *audience,
                         gint64       issued_at,
                         GError     **error)
{
  g_autoptr(GString) header = g_string_new ("{\"alg\":\"RS256\",\"typ\":\"JWT\"");
  g_autoptr(GString) claims = g_string_new ("{\"iss\":");
  GString *assertion = g_string_new (NULL);
  guint8 *signature = NULL;
  gsize signature_len = 0;

  if (!ensure_loaded (error))
    {
      g_string_free (assertion, TRUE);
      return NULL;
    }
  if (key_id != NULL)
    {
      g_string_append (header, ",\"kid\":");
      append_json_string (header, key_id);
    }
  g_string_append_c (header, '}');
  append_json_string (claims, issuer);
  g_string_append (claims, ",\"scope\":");
  append_json_string (claims, scope);
  g_string_append (claims, ",\"aud\":");
  append_json_string (claims, audience);
  g_string_append_printf (claims, ",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}", issued_at,
                          issued_at + LIFETIME_SECONDS);

  append_base64url (assertion, (const guint8 *) header->str, header->len);
  g_string_append_c (assertion, '.');
  append_base64url (assertion, (const guint8 *) claims->str, claims->len);
  if (!sign (private_key, assertion, &signature, &signature_len, error))
    {
      g_string_free (assertion, TRUE);
      return NULL;
    }
  g_string_append_c (assertion, '.');
  append_base64url (assertion, signature, signature_len);
  g_free (signature);
  return g_string_free (assertion, FALSE);
}
