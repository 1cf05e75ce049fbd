/* sigv4-tool.c: prints the Authorization header Drey's signer makes for a
 * request given on the command line, for tests/s3/test-sigv4.py to compare
 * with botocore's
 *
 * Usage: sigv4-tool METHOD URI QUERY PAYLOAD_HASH AMZ_DATE REGION SERVICE
 *                   ACCESS_KEY SECRET_KEY [NAME VALUE]...
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "sq-sigv4-private.h"

int
main (int    argc,
      char **argv)
{
  g_autofree char *authorization = NULL;

  if (argc < 10 || (argc - 10) % 2 != 0)
    {
      fprintf (stderr, "usage: sigv4-tool METHOD URI QUERY PAYLOAD_HASH AMZ_DATE REGION SERVICE "
                       "ACCESS_KEY SECRET_KEY [NAME VALUE]...\n");
      return 2;
    }
  authorization = _sq_sigv4_authorization (argv[1], argv[2], argv[3], (const char * const *) argv + 10, argv[4],
                                           argv[5], argv[6], argv[7], argv[8], argv[9]);
  printf ("%s\n", authorization);
  return 0;
}
