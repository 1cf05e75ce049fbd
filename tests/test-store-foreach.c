/* test-store-foreach.c: sq_store_foreach_shard() hands every shard's
 * result over once, in key order, with errors named; stops and cancels;
 * and reads shards that decode both ways exactly as reading one shard
 * after another does, whatever the number of threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "drey-test-util.h"
#include "sq.h"

typedef struct
{
  char    *dir;
  SqStore *store;
  GPtrArray *keys;   /* NULL-terminated */
} Fixture;

/* Shard contents, as bytes: msgpack only, JSON Lines only, and "1\n",
 * which is both the msgpack ints [49, 10] and the JSON Lines [1]. */
#define MSGPACK   "\x81\xa1" "a\x01"
#define JSONL     "{\"a\": 1}\n"
#define AMBIGUOUS "1\n"

/* 100 shards: detection looks at the start of 16 of them, spread (0, 6,
 * 12, 18...), all ambiguous, so what the store's serializer is when a
 * shard is read depends on the shards read before it. Shards 1..8 make
 * it turn: after s01 (msgpack), s02 and s03 (JSON Lines) the store reads
 * s04 as JSON Lines; after s05 and s07 (msgpack) s08 as msgpack. s02 is
 * made slow by the test, so that a later shard would be done before it. */
static const char *
shard_kind (guint index)
{
  static const char *const first[] = {
    AMBIGUOUS, MSGPACK, JSONL, JSONL, AMBIGUOUS, MSGPACK, AMBIGUOUS, MSGPACK, AMBIGUOUS,
  };

  for (guint j = 0; j < 64; j += 4)
    if (index == j * 100 / 64)
      return AMBIGUOUS;
  if (index < G_N_ELEMENTS (first))
    return first[index];
  return index % 3 == 0 ? JSONL : index % 3 == 1 ? MSGPACK : AMBIGUOUS;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_dir = NULL;
  g_autoptr(GFile) location = NULL;

  f->dir = g_dir_make_tmp ("drey-test-foreach-XXXXXX", &error);
  g_assert_no_error (error);
  store_dir = g_build_filename (f->dir, "store", NULL);
  g_assert_cmpint (g_mkdir (store_dir, 0755), ==, 0);
  f->keys = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("s%02u", i);
      g_autofree char *name = g_strdup_printf ("%s.gz", key);
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      const char *kind = shard_kind (i);

      /* "1\n" is two msgpack values, "\x81..." one: as many as JSON Lines
       * gives, so that a sample count tells the reading too. */
      drey_test_write_gzip (path, kind, strlen (kind));
      g_ptr_array_add (f->keys, g_steal_pointer (&key));
    }
  g_ptr_array_add (f->keys, NULL);
  g_ptr_array_set_size (f->keys, f->keys->len - 1);
  location = g_file_new_for_path (store_dir);
  f->store = sq_store_new (location);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  g_ptr_array_unref (f->keys);
  drey_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* What one shard's reading gave. */
typedef struct
{
  SqSerializer    serializer;
  SqShardEvidence evidence;
  guint           n_samples;
  char           *error;
} Reading;

static void
reading_free (gpointer data)
{
  Reading *reading = data;

  g_free (reading->error);
  g_free (reading);
}

typedef struct
{
  GThread   *caller;
  guint      next;
  guint      slow;       /* this index sleeps before it reads */
  guint      stop_at;
  GPtrArray *readings;   /* Reading, in key order */
  GCancellable *cancel_at;
  guint      cancel_index;
} Run;

static gpointer
read_shard (SqStore        *store,
            guint           index,
            const char     *key,
            SqShardReader  *reader,
            gpointer        user_data,
            GCancellable   *cancellable,
            GError        **error)
{
  Run *run = user_data;
  Reading *reading;
  SqValue *sample;
  GError *local_error = NULL;

  g_assert_true (g_thread_self () != run->caller);
  g_assert_cmpstr (sq_shard_reader_get_name (reader), ==, key);
  if (index == run->slow)
    g_usleep (300 * 1000);
  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    sq_value_unref (sample);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  reading = g_new0 (Reading, 1);
  reading->serializer = sq_shard_reader_get_serializer (reader);
  reading->evidence = sq_shard_reader_get_evidence (reader);
  reading->n_samples = sq_shard_reader_get_n_samples (reader);
  return reading;
}

static gboolean
shard_done (SqStore      *store,
            guint         index,
            const char   *key,
            gpointer      result,
            const GError *error,
            gpointer      user_data)
{
  Run *run = user_data;
  Reading *reading = result;

  g_assert_true (g_thread_self () == run->caller);
  g_assert_cmpuint (index, ==, run->next);
  run->next++;
  if (error != NULL)
    {
      g_assert_null (reading);
      reading = g_new0 (Reading, 1);
      reading->error = g_strdup (error->message);
    }
  g_ptr_array_add (run->readings, reading);
  if (run->cancel_at != NULL && index == run->cancel_index)
    g_cancellable_cancel (run->cancel_at);
  return index != run->stop_at;
}

static Run
run_init (void)
{
  return (Run) { g_thread_self (), 0, G_MAXUINT, G_MAXUINT, g_ptr_array_new_with_free_func (reading_free),
                 NULL, 0 };
}

/* The same, one shard after another with sq_store_open_shard(), on one
 * worker thread, on a store of its own. */
static gpointer
read_sequentially (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GFile) location = g_file_dup (sq_store_get_location (f->store));
  g_autoptr(SqStore) store = sq_store_new (location);
  GPtrArray *readings = g_ptr_array_new_with_free_func (reading_free);

  for (guint i = 0; i < f->keys->len; i++)
    {
      g_autoptr(SqShardReader) reader = sq_store_open_shard (store, f->keys->pdata[i], NULL, NULL);
      Reading *reading = g_new0 (Reading, 1);
      GError *error = NULL;
      SqValue *sample;

      g_assert_nonnull (reader);
      while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
        sq_value_unref (sample);
      if (error != NULL)
        {
          reading->error = g_strdup (error->message);
          g_error_free (error);
        }
      else
        {
          reading->serializer = sq_shard_reader_get_serializer (reader);
          reading->evidence = sq_shard_reader_get_evidence (reader);
          reading->n_samples = sq_shard_reader_get_n_samples (reader);
        }
      g_ptr_array_add (readings, reading);
    }
  g_ptr_array_add (readings, sq_store_describe_serializer (store));
  return readings;
}

static void
assert_same_readings (GPtrArray *a,
                      GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      Reading *x = a->pdata[i], *y = b->pdata[i];

      g_test_message ("shard %u: serializer %d/%d, evidence %d/%d", i, x->serializer, y->serializer,
                      x->evidence, y->evidence);
      g_assert_cmpint (x->serializer, ==, y->serializer);
      g_assert_cmpint (x->evidence, ==, y->evidence);
      g_assert_cmpuint (x->n_samples, ==, y->n_samples);
      g_assert_cmpstr (x->error, ==, y->error);
    }
}

static void
test_serializer_order (Fixture       *f,
                       gconstpointer  data)
{
  GThread *thread = g_thread_new ("sequential", read_sequentially, f);
  g_autoptr(GPtrArray) sequential = g_thread_join (thread);
  g_autofree char *described = g_ptr_array_steal_index (sequential, sequential->len - 1);
  Reading *r;

  /* The store's serializer turns as the readings say. */
  r = sequential->pdata[4];
  g_assert_cmpint (r->evidence, ==, SQ_SHARD_EVIDENCE_AMBIGUOUS);
  g_assert_cmpint (r->serializer, ==, SQ_SERIALIZER_JSONL);
  g_assert_cmpuint (r->n_samples, ==, 1);
  r = sequential->pdata[8];
  g_assert_cmpint (r->evidence, ==, SQ_SHARD_EVIDENCE_AMBIGUOUS);
  g_assert_cmpint (r->serializer, ==, SQ_SERIALIZER_MESSAGEPACK);
  g_assert_cmpuint (r->n_samples, ==, 2);

  for (guint n_threads = 1; n_threads <= 5; n_threads += 2)
    {
      g_autoptr(GFile) location = g_file_dup (sq_store_get_location (f->store));
      g_autoptr(SqStore) store = sq_store_new (location);
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      Run run = run_init ();

      run.slow = 2;
      g_assert_true (sq_store_foreach_shard (store, (const char * const *) f->keys->pdata, f->keys->len, n_threads,
                                             read_shard, reading_free, shard_done, &run, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (run.next, ==, f->keys->len);
      assert_same_readings (sequential, run.readings);
      after = sq_store_describe_serializer (store);
      g_assert_cmpstr (after, ==, described);
      g_ptr_array_unref (run.readings);
    }
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  const char *keys[] = { "s01", "missing", "s02", "../bad", "s03" };
  g_autoptr(GError) error = NULL;
  Run run = run_init ();
  Reading *r;

  g_assert_true (sq_store_foreach_shard (f->store, keys, G_N_ELEMENTS (keys), 0, read_shard, reading_free,
                                         shard_done, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.readings->len, ==, 5);
  r = run.readings->pdata[1];
  g_assert_nonnull (strstr (r->error, "'missing'"));
  r = run.readings->pdata[3];
  g_assert_nonnull (strstr (r->error, "../bad"));
  r = run.readings->pdata[4];
  g_assert_null (r->error);
  g_assert_cmpint (r->serializer, ==, SQ_SERIALIZER_JSONL);
  g_ptr_array_unref (run.readings);

  /* None at all. */
  run = run_init ();
  g_assert_true (sq_store_foreach_shard (f->store, NULL, 0, 0, read_shard, reading_free, shard_done, &run, NULL,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.next, ==, 0);
  g_ptr_array_unref (run.readings);
}

static void
test_stop_and_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Run run = run_init ();

  /* Stopped by the done function after s10 (s02 slow, s04 waiting for
   * it): nothing after is handed over, and nothing hangs. */
  run.slow = 2;
  run.stop_at = 10;
  g_assert_true (sq_store_foreach_shard (f->store, (const char * const *) f->keys->pdata, f->keys->len, 3,
                                         read_shard, reading_free, shard_done, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.next, ==, 11);
  g_ptr_array_unref (run.readings);

  /* Cancelled from outside, while an ambiguous shard waits for its turn. */
  run = run_init ();
  run.slow = 2;
  run.cancel_at = cancellable;
  run.cancel_index = 1;
  g_assert_false (sq_store_foreach_shard (f->store, (const char * const *) f->keys->pdata, f->keys->len, 4,
                                          read_shard, reading_free, shard_done, &run, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.next, ==, 2);
  g_ptr_array_unref (run.readings);
}

/* A chosen serializer is used for every shard, ambiguous or not. */
static void
test_chosen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Run run = run_init ();

  sq_store_set_serializer (f->store, SQ_SERIALIZER_MESSAGEPACK);
  g_assert_true (sq_store_foreach_shard (f->store, (const char * const *) f->keys->pdata, 10, 2, read_shard,
                                         reading_free, shard_done, &run, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 10; i++)
    {
      Reading *r = run.readings->pdata[i];

      /* JSON Lines text is msgpack ints too: it reads, as msgpack. */
      g_assert_null (r->error);
      g_assert_cmpint (r->serializer, ==, SQ_SERIALIZER_MESSAGEPACK);
    }
  g_ptr_array_unref (run.readings);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-foreach/serializer-order", Fixture, NULL, fixture_setup, test_serializer_order,
              fixture_teardown);
  g_test_add ("/store-foreach/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/store-foreach/stop-and-cancel", Fixture, NULL, fixture_setup, test_stop_and_cancel,
              fixture_teardown);
  g_test_add ("/store-foreach/chosen", Fixture, NULL, fixture_setup, test_chosen, fixture_teardown);
  return g_test_run ();
}
