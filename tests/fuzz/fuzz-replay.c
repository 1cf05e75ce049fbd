/* fuzz-replay.c: a harness as an ordinary test, without libFuzzer
 *
 *   fuzz-HARNESS DIR|FILE...
 *
 * Runs LLVMFuzzerTestOneInput() once on every file named, and on every
 * file of every directory named (sorted, hidden files skipped; a missing
 * directory has none), and reports each as a TAP line. A finding aborts,
 * so the test fails on the file it names last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
add_inputs (GPtrArray  *files,
            const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test (names->pdata[i], G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (files, g_strdup (names->pdata[i]));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  fuzz_init ();
  for (int i = 1; i < argc; i++)
    add_inputs (files, argv[i]);

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      gsize size;

      /* Said first: if the input aborts, the log ends with its name. */
      printf ("# %s\n", path);
      fflush (stdout);
      if (!g_file_get_contents (path, &data, &size, &error))
        {
          printf ("not ok %u - %s: %s\n", i + 1, path, error->message);
          continue;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
      printf ("ok %u - %s\n", i + 1, path);
    }
  return 0;
}
