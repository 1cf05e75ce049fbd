/* sq-sigv4.c: AWS Signature Version 4, by the specification, with GLib's
 * SHA-256 and HMAC
 *
 * Our own signer rather than libcurl's CURLOPT_AWS_SIGV4: that one takes
 * the time from the clock, so it cannot be checked against botocore's
 * signer for the same request at the same time (tests/s3/test-sigv4.py
 * does that), and 7.88's does not sign an upload's payload header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-sigv4-private.h"

char *
_sq_uri_encode (const char *text,
                gboolean    keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out = g_string_sized_new (strlen (text) + 8);

  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' || (keep_slash && *p == '/'))
        g_string_append_c (out, (char) *p);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 15]);
        }
    }
  return g_string_free (out, FALSE);
}

static void
hmac (const guint8 *key,
      gsize         key_len,
      const char   *data,
      guint8        out[32])
{
  GHmac *h = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize len = 32;

  g_hmac_update (h, (const guchar *) data, -1);
  g_hmac_get_digest (h, out, &len);
  g_hmac_unref (h);
}

typedef struct
{
  const char *name;
  const char *value;
} Header;

static int
compare_headers (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Header *) a)->name, ((const Header *) b)->name);
}

char *
_sq_sigv4_authorization (const char         *method,
                         const char         *canonical_uri,
                         const char         *canonical_query,
                         const char * const *headers,
                         const char         *payload_hash,
                         const char         *amz_date,
                         const char         *region,
                         const char         *service,
                         const char         *access_key,
                         const char         *secret_key)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Header));
  g_autoptr(GString) canonical = g_string_new (NULL);
  g_autoptr(GString) signed_headers = g_string_new (NULL);
  g_autofree char *request_hash = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *signature = NULL;
  char date[9];
  guint8 key[32];

  g_return_val_if_fail (strlen (amz_date) == 16, NULL);

  for (gsize i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      Header h = { headers[i], headers[i + 1] };

      g_array_append_val (sorted, h);
    }
  g_array_sort (sorted, compare_headers);

  g_string_append_printf (canonical, "%s\n%s\n%s\n", method, canonical_uri, canonical_query);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Header *h = &g_array_index (sorted, Header, i);
      g_autofree char *value = g_strstrip (g_strdup (h->value));

      g_string_append_printf (canonical, "%s:%s\n", h->name, value);
      if (i > 0)
        g_string_append_c (signed_headers, ';');
      g_string_append (signed_headers, h->name);
    }
  g_string_append_printf (canonical, "\n%s\n%s", signed_headers->str, payload_hash);

  memcpy (date, amz_date, 8);
  date[8] = '\0';
  scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, region, service);
  request_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical->str, canonical->len);
  to_sign = g_strdup_printf ("AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, request_hash);

  secret = g_strconcat ("AWS4", secret_key, NULL);
  hmac ((const guint8 *) secret, strlen (secret), date, key);
  hmac (key, 32, region, key);
  hmac (key, 32, service, key);
  hmac (key, 32, "aws4_request", key);
  signature = g_compute_hmac_for_string (G_CHECKSUM_SHA256, key, 32, to_sign, -1);
  memset (key, 0, sizeof key);
  memset (secret, 0, strlen (secret));

  return g_strdup_printf ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                          access_key, scope, signed_headers->str, signature);
}
