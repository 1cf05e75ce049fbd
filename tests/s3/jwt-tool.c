/* jwt-tool.c: prints the service-account assertion Drey signs for the
 * arguments, for tests/s3/test-jwt.py to compare with its own
 *
 * Usage: jwt-tool KEY_PEM_FILE KEY_ID|- ISSUER SCOPE AUDIENCE ISSUED_AT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "sq-jwt-private.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *assertion = NULL;
  gint64 issued_at;

  if (argc != 7 || !g_ascii_string_to_signed (argv[6], 10, 0, G_MAXINT64, &issued_at, NULL))
    {
      fprintf (stderr, "usage: jwt-tool KEY_PEM_FILE KEY_ID|- ISSUER SCOPE AUDIENCE ISSUED_AT\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &key, NULL, &error))
    {
      fprintf (stderr, "jwt-tool: %s\n", error->message);
      return 2;
    }
  assertion = _sq_jwt_rs256_assertion (key, g_str_equal (argv[2], "-") ? NULL : argv[2], argv[3], argv[4], argv[5],
                                       issued_at, &error);
  if (assertion == NULL)
    {
      fprintf (stderr, "jwt-tool: %s\n", error->message);
      return 1;
    }
  printf ("%s\n", assertion);
  return 0;
}
