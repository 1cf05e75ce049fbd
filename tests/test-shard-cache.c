/* test-shard-cache.c: recently decoded shards within a byte budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "drey-shard-cache.h"

static GPtrArray *
make_samples (guint n)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (samples, sq_value_new_int (i));
  return samples;
}

/* A hit gives the very array back; another stamp drops the entry. */
static void
test_hit_and_stamp (void)
{
  g_autoptr(DreyShardCache) cache = drey_shard_cache_new (8000);
  g_autoptr(GPtrArray) samples = make_samples (3);
  g_autoptr(GPtrArray) hit = NULL;
  g_autoptr(GPtrArray) stale = NULL;

  g_assert_null (drey_shard_cache_lookup (cache, "a", "10:1:x"));
  g_assert_true (drey_shard_cache_insert (cache, "a", "10:1:x", samples, 100));
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 100);
  hit = drey_shard_cache_lookup (cache, "a", "10:1:x");
  g_assert_true (hit == samples);

  /* No answer about the file is no hit, and neither is a changed file. */
  g_assert_null (drey_shard_cache_lookup (cache, "a", NULL));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 0);
  g_assert_true (drey_shard_cache_insert (cache, "a", "10:1:x", samples, 100));
  stale = drey_shard_cache_lookup (cache, "a", "10:2:y");
  g_assert_null (stale);
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 0);
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 0);

  /* Inserting a key again replaces it. */
  g_assert_true (drey_shard_cache_insert (cache, "a", "1", samples, 100));
  g_assert_true (drey_shard_cache_insert (cache, "a", "2", samples, 300));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 1);
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 300);
  drey_shard_cache_remove (cache, "a");
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 0);
}

/* Over budget, the least recently used shards go first; a lookup counts
 * as a use. A shard over an eighth of the budget is not kept. */
static void
test_budget (void)
{
  g_autoptr(DreyShardCache) cache = drey_shard_cache_new (8000);
  g_autoptr(GPtrArray) samples = make_samples (1);
  g_autoptr(GPtrArray) a = NULL;
  const char *keys[] = { "a", "b", "c", "d", "e", "f", "g", "h" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (drey_shard_cache_insert (cache, keys[i], "s", samples, 1000));
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 8000);
  a = drey_shard_cache_lookup (cache, "a", "s"); /* now the most recent */
  g_assert_nonnull (a);

  g_assert_true (drey_shard_cache_insert (cache, "i", "s", samples, 1000));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 8);
  g_assert_cmpuint (drey_shard_cache_get_size (cache), <=, 8000);
  g_assert_null (drey_shard_cache_lookup (cache, "b", "s"));
  g_ptr_array_unref (g_steal_pointer (&a));
  a = drey_shard_cache_lookup (cache, "a", "s");
  g_assert_nonnull (a);

  g_assert_false (drey_shard_cache_insert (cache, "big", "s", samples, 1001));
  g_assert_null (drey_shard_cache_lookup (cache, "big", "s"));
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 8);

  drey_shard_cache_clear (cache);
  g_assert_cmpuint (drey_shard_cache_get_n_shards (cache), ==, 0);
  g_assert_cmpuint (drey_shard_cache_get_size (cache), ==, 0);
  g_assert_cmpuint (drey_shard_cache_default_budget (), >, 0);
  g_assert_cmpuint (drey_shard_cache_default_budget (), <=, G_GUINT64_CONSTANT (1) << 30);
}

/* What a sample costs grows with its data. */
static void
test_measure (void)
{
  g_autofree guint8 *zeros = g_malloc0 (4096);
  g_autoptr(SqValue) small = sq_value_new_str ("x", -1);
  g_autoptr(SqValue) big = sq_value_new_bin (g_bytes_new_take (g_steal_pointer (&zeros), 4096));
  SqValue *entries[] = { sq_value_new_str ("k", -1), sq_value_ref (big) };
  g_autoptr(SqValue) map = sq_value_new_map (entries, 1);

  g_assert_cmpuint (drey_shard_cache_measure (big), >=, 4096);
  g_assert_cmpuint (drey_shard_cache_measure (small), <, drey_shard_cache_measure (big));
  g_assert_cmpuint (drey_shard_cache_measure (map), >, drey_shard_cache_measure (big));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shard-cache/hit-and-stamp", test_hit_and_stamp);
  g_test_add_func ("/shard-cache/budget", test_budget);
  g_test_add_func ("/shard-cache/measure", test_measure);

  return g_test_run ();
}
