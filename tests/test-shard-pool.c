/* test-shard-pool.c: the worker pool delivers every result once, in
 * order, on the calling thread; stops and cancels cleanly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sq-shard-pool-private.h"

#define N_ITEMS 200

typedef struct
{
  GThread *caller;
  guint    next;
  guint    stop_at;
  gint     n_worked;   /* atomic */
  gint     busy;       /* atomic: items worked on at once */
  gint     max_busy;   /* atomic */
  GCancellable *cancel_at_10;
} Run;

static gpointer
work (guint          index,
      const char    *key,
      gpointer       user_data,
      GCancellable  *cancellable,
      GError       **error)
{
  Run *run = user_data;
  gint busy = g_atomic_int_add (&run->busy, 1) + 1;
  gint max;

  while ((max = g_atomic_int_get (&run->max_busy)) < busy &&
         !g_atomic_int_compare_and_exchange (&run->max_busy, max, busy))
    ;
  g_assert_true (g_thread_self () != run->caller);
  /* Uneven work, so that later items often finish first. */
  g_usleep ((index * 7919) % 5 * 200);
  g_atomic_int_inc (&run->n_worked);
  g_atomic_int_add (&run->busy, -1);
  if (index % 17 == 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "item %s is bad", key);
      return NULL;
    }
  return g_strdup_printf ("result %u", index);
}

static void
result_free (gpointer result)
{
  /* Only reached for results never delivered. */
  g_free (result);
}

static gboolean
done (guint          index,
      const char    *key,
      gpointer       result,
      const GError  *error,
      gpointer       user_data)
{
  Run *run = user_data;
  g_autofree char *text = result;
  g_autofree char *want_key = g_strdup_printf ("k%03u", index);

  g_assert_true (g_thread_self () == run->caller);
  g_assert_cmpuint (index, ==, run->next);
  g_assert_cmpstr (key, ==, want_key);
  if (index % 17 == 3)
    {
      g_assert_null (text);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
  else
    {
      g_autofree char *want = g_strdup_printf ("result %u", index);

      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, want);
    }
  run->next++;
  if (run->cancel_at_10 != NULL && index == 10)
    g_cancellable_cancel (run->cancel_at_10);
  return index != run->stop_at;
}

static GPtrArray *
make_keys (void)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_ITEMS; i++)
    g_ptr_array_add (keys, g_strdup_printf ("k%03u", i));
  return keys;
}

static void
test_order (void)
{
  g_autoptr(GPtrArray) keys = make_keys ();
  Run run = { g_thread_self (), 0, G_MAXUINT, 0, 0, 0, NULL };
  GError *error = NULL;

  g_assert_true (_sq_shard_pool_run ((const char * const *) keys->pdata, keys->len, 4, 0,
                                     SQ_SHARD_POOL_DEFAULT, work, result_free, done, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.next, ==, N_ITEMS);
  g_assert_cmpint (run.n_worked, ==, N_ITEMS);
  /* Four workers, each at most on one item. */
  g_assert_cmpint (run.max_busy, <=, 4);
  g_assert_cmpint (run.max_busy, >=, 1);
}

static void
test_stop (void)
{
  g_autoptr(GPtrArray) keys = make_keys ();
  Run run = { g_thread_self (), 0, 20, 0, 0, 0, NULL };
  GError *error = NULL;

  g_assert_true (_sq_shard_pool_run ((const char * const *) keys->pdata, keys->len, 3, 4,
                                     SQ_SHARD_POOL_BACKGROUND, work, result_free, done, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.next, ==, 21);
  /* The look-ahead bounds what was started beyond the stop. */
  g_assert_cmpint (run.n_worked, <=, 21 + 4);
}

static void
test_cancel (void)
{
  g_autoptr(GPtrArray) keys = make_keys ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Run run = { g_thread_self (), 0, G_MAXUINT, 0, 0, 0, cancellable };
  GError *error = NULL;

  g_assert_false (_sq_shard_pool_run ((const char * const *) keys->pdata, keys->len, 2, 0,
                                      SQ_SHARD_POOL_DEFAULT, work, result_free, done, &run,
                                      cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (run.next, ==, 11);

  /* Cancelled before it starts: nothing is worked on. */
  run.next = 0;
  run.n_worked = 0;
  g_assert_false (_sq_shard_pool_run ((const char * const *) keys->pdata, keys->len, 2, 0,
                                      SQ_SHARD_POOL_DEFAULT, work, result_free, done, &run,
                                      cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (run.n_worked, ==, 0);
}

static void
test_empty_and_one (void)
{
  g_autoptr(GPtrArray) keys = make_keys ();
  Run run = { g_thread_self (), 0, G_MAXUINT, 0, 0, 0, NULL };
  GError *error = NULL;

  g_assert_true (_sq_shard_pool_run (NULL, 0, 0, 0, SQ_SHARD_POOL_DEFAULT, work, result_free, done,
                                     &run, NULL, &error));
  g_assert_cmpuint (run.next, ==, 0);
  /* One item still runs on a worker (work() asserts it). */
  g_assert_true (_sq_shard_pool_run ((const char * const *) keys->pdata, 1, 0, 0, SQ_SHARD_POOL_DEFAULT,
                                     work, result_free, done, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.next, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shard-pool/order", test_order);
  g_test_add_func ("/shard-pool/stop", test_stop);
  g_test_add_func ("/shard-pool/cancel", test_cancel);
  g_test_add_func ("/shard-pool/empty-and-one", test_empty_and_one);
  return g_test_run ();
}
