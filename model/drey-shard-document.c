/* drey-shard-document.c: the shard on screen: its samples, their edits,
 * and loading, saving and deleting it
 *
 * As GNOME Text Editor's EditorDocument is a buffer with load and save, a
 * DreyShardDocument is one shard's samples as a list of DreySampleNodes,
 * with every structural edit and the writes: widgets bind it and never do
 * I/O. Everything that touches the store runs on workers; the callbacks,
 * on the main thread, are the only place the document changes.
 *
 * - Loading records what the file was before it is read (its size and
 *   etag, as Text Editor's buffer monitor does), then decodes it with
 *   progress, the samples appended to the list as the worker hands them
 *   over. A write by someone else while or after it is read changes the
 *   etag, which the save sees. What was read whole is kept in a
 *   DreyShardCache by that stamp, and memory freed by a shard left is
 *   handed back to the system.
 * - Saving checks first, on a worker, that it writes over what it read:
 *   a new shard's key must be free and a loaded shard unchanged on disk,
 *   unless the caller passes DREY_SAVE_FLAGS_REPLACE (the user agreed).
 *   Then it stashes the old bytes (for Undo), writes atomically with
 *   progress, and hands back a DreyShardUndo. The write asks the same
 *   again as it publishes (sq_store_set_if(): in a bucket, If-Match on
 *   the etag read), so someone else's write after the check is refused
 *   with the same error, not lost. A failed write keeps the edits and
 *   drops the stash. What the next save compares with is the etag that
 *   the write's own answer gave (a bucket's ETag or generation), so that
 *   a write by someone else just after it is not taken for this one;
 *   where the answer has none (a directory), the shard as asked after.
 * - Deleting stashes the shard by renaming it; the undo renames it back.
 * - Every edit before a save can be undone and redone (see "edits and
 *   their history" below).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-shard-document"

#include "config.h"

#include "drey-shard-document.h"

#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "drey-shard-cache.h"

/* What a change on disk changes: the size and the etag (mtime for local
 * files, whatever the backend keeps for others). */

struct _DreyShardDocument
{
  GObject         parent_instance;

  SqStore        *store;
  char           *key;
  DreyShardState  state;
  GError         *error;
  GListStore     *roots;            /* of DreySampleNode; NULL unless loaded */
  gboolean        modified;
  gboolean        is_new;
  gboolean        busy;             /* saving or deleting */
  guint64         progress_done;
  guint64         progress_total;
  char           *stamp;            /* the file as read; NULL if it was not there */
  GCancellable   *load_cancellable; /* the load in flight */

  GPtrArray      *history;          /* of Edit, oldest first */
  guint           position;         /* how many of them are applied */
  gint            saved_position;   /* the position on disk; -1: gone */
  gboolean        can_undo;
  gboolean        can_redo;
  DreyShardCache *cache;            /* shards read a moment ago */
};

G_DEFINE_FINAL_TYPE (DreyShardDocument, drey_shard_document, G_TYPE_OBJECT)
G_DEFINE_QUARK (drey-shard-document-error-quark, drey_shard_document_error)
G_DEFINE_ENUM_TYPE (DreyShardState, drey_shard_state,
                    G_DEFINE_ENUM_VALUE (DREY_SHARD_STATE_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (DREY_SHARD_STATE_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (DREY_SHARD_STATE_LOADED, "loaded"),
                    G_DEFINE_ENUM_VALUE (DREY_SHARD_STATE_FAILED, "failed"))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_KEY,
  PROP_STATE,
  PROP_MODIFIED,
  PROP_IS_NEW,
  PROP_BUSY,
  PROP_N_SAMPLES,
  PROP_PROGRESS,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- state -------------------------------------------------------------- */

static void
notify (DreyShardDocument *self,
        guint              prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (DreyShardDocument *self,
           DreyShardState     state)
{
  if (self->state == state)
    return;
  self->state = state;
  notify (self, PROP_STATE);
}

static void
set_modified (DreyShardDocument *self,
              gboolean           modified)
{
  if (self->modified == modified)
    return;
  self->modified = modified;
  notify (self, PROP_MODIFIED);
}

static void
set_is_new (DreyShardDocument *self,
            gboolean           is_new)
{
  if (self->is_new == is_new)
    return;
  self->is_new = is_new;
  notify (self, PROP_IS_NEW);
}

static void
set_busy (DreyShardDocument *self,
          gboolean           busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  notify (self, PROP_BUSY);
}

static void
set_key (DreyShardDocument *self,
         const char        *key)
{
  if (g_strcmp0 (self->key, key) == 0)
    return;
  g_free (self->key);
  self->key = g_strdup (key);
  notify (self, PROP_KEY);
}

static void
set_progress (DreyShardDocument *self,
              guint64            done,
              guint64            total)
{
  self->progress_done = done;
  self->progress_total = total;
  notify (self, PROP_PROGRESS);
}

static void
set_samples (DreyShardDocument *self,
             GPtrArray         *samples)
{
  g_clear_object (&self->roots);
  if (samples != NULL)
    {
      g_autoptr(GPtrArray) nodes = g_ptr_array_new_full (samples->len, g_object_unref);

      for (guint i = 0; i < samples->len; i++)
        g_ptr_array_add (nodes, drey_sample_node_new_sample (g_ptr_array_index (samples, i), i));
      self->roots = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
      g_list_store_splice (self->roots, 0, 0, nodes->pdata, nodes->len);
    }
  notify (self, PROP_N_SAMPLES);
}

/* ---- giving memory back ------------------------------------------------ */

/* glibc keeps what a big shard's values freed (most of it in small
 * blocks, in the arena of the thread that decoded them) and the RSS stays
 * where the shard left it. Once the widgets have let go of the samples
 * (after the next frame), malloc_trim() hands the free pages back, on a
 * worker: it walks every arena, a few milliseconds on a big heap. */
static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_task_return_boolean (task, TRUE);
}

static gboolean trim_scheduled; /* on the main thread only */

static gboolean
trim_due (gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  trim_scheduled = FALSE;
  g_task_set_source_tag (task, trim_thread);
  g_task_run_in_thread (task, trim_thread);
  return G_SOURCE_REMOVE;
}

/* Not tied to a document: the one disposed of frees the most. */
static void
schedule_trim (void)
{
  if (trim_scheduled)
    return;
  trim_scheduled = TRUE;
  g_timeout_add_full (G_PRIORITY_LOW, 100, trim_due, NULL, NULL);
}

static void clear_history (DreyShardDocument *self);

/* Drops what is shown, and stops a load in flight. */
static void
reset (DreyShardDocument *self)
{
  gboolean had_samples = self->roots != NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->stamp, g_free);
  set_samples (self, NULL);
  if (had_samples)
    schedule_trim ();
  set_is_new (self, FALSE);
  clear_history (self);
}

/* What a shard's stamp is made of, as they are compared: size, time and
 * entity tag (sq_store_query_shard()); NULL for no shard. */
static char *
stamp_new (gint64      size,
           gint64      mtime,
           const char *etag)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s", size, mtime, etag != NULL ? etag : "");
}

/* The etag in @stamp, or NULL for none. */
static const char *
stamp_etag (const char *stamp)
{
  const char *colon = stamp ? strchr (stamp, ':') : NULL;

  colon = colon ? strchr (colon + 1, ':') : NULL;
  return colon != NULL && colon[1] != '\0' ? colon + 1 : NULL;
}

/* The stamp of a shard as a write's answer gave it: its etag only (size
 * and time unknown, -1 as a query says it). */
static char *
stamp_new_written (const char *etag)
{
  return stamp_new (-1, -1, etag);
}

/* Whether @now (from a query) is the shard that @stamp saw. A stamp that
 * a write made knows the etag alone, which is also what the next write's
 * condition compares (If-Match). */
static gboolean
stamp_matches (const char *now,
               const char *stamp)
{
  if (stamp != NULL && g_str_has_prefix (stamp, "-1:-1:") && stamp_etag (stamp) != NULL)
    return g_strcmp0 (stamp_etag (now), stamp_etag (stamp)) == 0;
  return g_strcmp0 (now, stamp) == 0;
}

/* The stamp of @key from a query's result; NULL when there is no shard,
 * or the query failed (the read or the write that follows says why). */
static char *
stamp_finish (SqStore      *store,
              GAsyncResult *result,
              gint64       *size_out)
{
  gint64 size, mtime;
  g_autofree char *etag = NULL;

  if (!sq_store_query_shard_finish (store, result, &size, &mtime, &etag, NULL))
    return NULL;
  if (size_out != NULL)
    *size_out = size;
  return stamp_new (size, mtime, etag);
}

/* ---- loading ------------------------------------------------------------ */

/* Samples reach the list in batches: the first one at once, then at
 * most every FLUSH_INTERVAL_USEC for the first second (what a user looks
 * at while it streams), then once a second. Each batch is an
 * items-changed that the tree and the sample count redraw for, and the
 * progress goes with it, in the same frame: under software GL (llvmpipe)
 * a frame of the window costs tens of milliseconds on every core, taken
 * from the decode it shows. */
#define FLUSH_INTERVAL_USEC      (250 * 1000)
#define SLOW_FLUSH_AFTER_USEC    (1000 * 1000)
#define SLOW_FLUSH_INTERVAL_USEC (1000 * 1000)

/* The tree makes widgets for the first rows (GTK 4.8's list view keeps up
 * to 200 of them, on screen or not): they go in a few at a time, one main
 * loop iteration each, as soon as they are decoded, a frame between
 * flushes (FRAME_WAIT_USEC). Past them a row costs the tree next
 * to nothing, but a flush of a million small samples would still stall:
 * each iteration appends what FLUSH_BUDGET_USEC makes. */
#define FIRST_ROWS        128
#define FIRST_ROWS_SLICE  32
#define FLUSH_BUDGET_USEC (8 * 1000)

/* The slices of one flush go in before the next frame (input is still
 * handled between them): a frame of this window under llvmpipe costs
 * 100-200 ms of both cores, and with one between every slice a 300 MB
 * shard's load drew ten of them. A flush longer than FLUSH_FRAME_USEC
 * lets a frame through after that long, so the window still repaints
 * through a flush of a million small samples. Above GTK's redraw
 * priority (GDK_PRIORITY_REDRAW, G_PRIORITY_HIGH_IDLE + 20); the model
 * does not link GTK. */
#define FLUSH_SLICE_PRIORITY (G_PRIORITY_HIGH_IDLE + 10)
#define FLUSH_FRAME_USEC     (100 * 1000)

/* A frame is due within a refresh interval (60 Hz) of a change: the
 * flushes among the first rows wait that long, at a priority below
 * redraws, so that the frame with the first sample goes first. */
#define FRAME_WAIT_USEC      (25 * 1000)

typedef struct
{
  char      *key;
  char      *stamp;          /* before the read */
  gint64     size;           /* the file's, from the same query */
  GPtrArray *pending;        /* SqValues decoded, not in the list yet */
  guint      n_pending_done; /* of them, already in the list */
  gint64     started;
  gint64     last_flush;
  gint64     flush_began;    /* of the slices since the last frame let through */
  gint64     last_progress;
  guint64    progress_done;  /* the worker's latest, shown with a flush */
  guint64    progress_total;
  guint      flush_source;   /* holds a reference to the task */
  guint64    cost;           /* of the samples, for the cache */
  gboolean   read;           /* the worker is done: what is left is appending */
  GError    *error;          /* what it ended with */
} Load;

static void
load_free (Load *load)
{
  g_assert (load->flush_source == 0);
  g_free (load->key);
  g_free (load->stamp);
  g_ptr_array_unref (load->pending);
  g_clear_error (&load->error);
  g_free (load);
}

/* Whether @task is the load the document shows. */
static gboolean
load_is_current (GTask *task)
{
  return !g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

/* How long after the last flush (or progress notify) the next may be. */
static gint64
load_interval (Load  *load,
               gint64 now)
{
  return now - load->started < SLOW_FLUSH_AFTER_USEC ? FLUSH_INTERVAL_USEC : SLOW_FLUSH_INTERVAL_USEC;
}

static void
load_show_progress (GTask  *task,
                    gint64  now)
{
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);

  load->last_progress = now;
  if (self->progress_done != load->progress_done || self->progress_total != load->progress_total)
    set_progress (self, load->progress_done, load->progress_total);
}

/* Shown with the next flush; alone only when no flush is coming (a big
 * sample that takes long to decode). */
static void
load_progress (guint64  done,
               guint64  total,
               gpointer user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  /* A replaced load's late progress is not this document's any more. */
  if (!load_is_current (task))
    return;
  load->progress_done = done;
  load->progress_total = total;
  if (load->flush_source != 0 || load->pending->len > load->n_pending_done)
    return;
  if (done < total && done > 0 && now - load->last_progress < load_interval (load, now))
    return;
  load_show_progress (task, now);
}

static gboolean load_flush_due (gpointer user_data);
static void     load_finish    (GTask *task);
static void     load_return_cancelled (GTask *task);

/* Appends some of the samples decoded so far to the list: a slice of
 * them among the first rows, else what the time budget allows; the rest
 * in an idle, before the next frame unless the flush has been going on
 * for FLUSH_FRAME_USEC. Once the worker is done and nothing is left, the
 * load ends. */
static void
load_flush (GTask *task)
{
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GPtrArray) nodes = NULL;
  gint64 now = g_get_monotonic_time ();
  guint first, n, left;

  g_clear_handle_id (&load->flush_source, g_source_remove);
  load->last_flush = now;
  if (!load_is_current (task))
    {
      g_ptr_array_set_size (load->pending, 0);
      load->n_pending_done = 0;
      /* The worker's callback came already: nothing else ends the task. */
      if (load->read)
        load_return_cancelled (task);
      return;
    }
  left = load->pending->len - load->n_pending_done;
  if (left > 0 && self->roots == NULL)
    {
      /* For tests/bench/window-load.py, as are the other timestamps. */
      g_debug ("load '%s': first %u samples at %" G_GINT64_FORMAT " us", load->key, left, now);
      self->roots = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
    }
  if (left > 0)
    {
      first = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
      n = first < FIRST_ROWS ? MIN (left, FIRST_ROWS_SLICE) : left;
      nodes = g_ptr_array_new_full (n, g_object_unref);
      for (guint i = 0; i < n; i++)
        {
          SqValue *sample = g_ptr_array_index (load->pending, load->n_pending_done + i);

          /* The clock now and then: a node takes well under a microsecond. */
          if (i % 256 == 255 && g_get_monotonic_time () - now > FLUSH_BUDGET_USEC)
            break;
          load->cost += drey_shard_cache_measure (sample);
          g_ptr_array_add (nodes, drey_sample_node_new_sample (sample, first + i));
        }
      load->n_pending_done += nodes->len;
      /* Dropped in one go once all are in, not shifted at every slice. */
      if (load->n_pending_done == load->pending->len)
        {
          g_ptr_array_set_size (load->pending, 0);
          load->n_pending_done = 0;
        }
      g_list_store_splice (self->roots, first, 0, nodes->pdata, nodes->len);
    }
  load_show_progress (task, now);
  if (left > 0)
    notify (self, PROP_N_SAMPLES);
  if (load->pending->len > load->n_pending_done)
    {
      gboolean frame_due;

      if (load->flush_began == 0)
        load->flush_began = now;
      frame_due = g_get_monotonic_time () - load->flush_began >= FLUSH_FRAME_USEC;
      if (frame_due)
        load->flush_began = 0;
      load->flush_source = g_idle_add_full (frame_due ? G_PRIORITY_DEFAULT_IDLE : FLUSH_SLICE_PRIORITY,
                                            load_flush_due, g_object_ref (task), g_object_unref);
    }
  else
    {
      load->flush_began = 0;
      if (load->read)
        load_finish (task);
    }
}

static gboolean
load_flush_due (gpointer user_data)
{
  GTask *task = user_data;
  Load *load = g_task_get_task_data (task);

  load->flush_source = 0;
  load_flush (task);
  return G_SOURCE_REMOVE;
}

/* A batch from the worker: shown at once if it is the first, else with
 * the next flush. */
static void
load_batch (GPtrArray *batch,
            gpointer   user_data)
{
  GTask *task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  gboolean first_rows;
  gint64 wait;

  if (!load_is_current (task))
    return;
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (load->pending, sq_value_ref (g_ptr_array_index (batch, i)));
  /* Slices of the last flush still going in: they take these too. */
  if (load->flush_source != 0)
    return;
  if (self->roots == NULL)
    {
      load_flush (task);
      return;
    }
  /* Among the first rows, as soon as the frame showing the last flush
   * has begun: its slices would go before it. */
  first_rows = g_list_model_get_n_items (G_LIST_MODEL (self->roots)) < FIRST_ROWS;
  wait = load->last_flush + (first_rows ? FRAME_WAIT_USEC : load_interval (load, now)) - now;
  if (wait <= 0)
    load_flush (task);
  else
    load->flush_source = g_timeout_add_full (first_rows ? G_PRIORITY_DEFAULT_IDLE : G_PRIORITY_DEFAULT,
                                             (guint) (wait / 1000) + 1, load_flush_due,
                                             g_object_ref (task), g_object_unref);
}

/* Ends a load that is not the document's any more. */
static void
load_return_cancelled (GTask *task)
{
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);

  g_clear_handle_id (&load->flush_source, g_source_remove);
  /* Cancelled by the caller, not replaced by another load or closed:
   * what was shown of it goes, nothing stays half-shown. */
  if (self->load_cancellable == g_task_get_cancellable (task))
    drey_shard_document_close (self);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the load was cancelled");
}

/* Every sample is in the list: the load ends as the worker did. */
static void
load_finish (GTask *task)
{
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);

  g_clear_object (&self->load_cancellable);
  if (load->error != NULL)
    {
      /* The samples before the error stay, as squirrel's reader yields
       * them; the document cannot be edited or saved (it is not loaded). */
      self->error = g_error_copy (load->error);
      set_state (self, DREY_SHARD_STATE_FAILED);
      g_task_return_error (task, g_steal_pointer (&load->error));
      return;
    }
  if (self->roots == NULL)
    self->roots = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
  g_free (self->stamp);
  self->stamp = g_steal_pointer (&load->stamp);
  if (self->stamp != NULL)
    {
      g_autoptr(GPtrArray) samples = drey_shard_document_dup_samples (self);

      drey_shard_cache_insert (self->cache, load->key, self->stamp, samples, load->cost);
    }
  g_debug ("load '%s': %u samples loaded at %" G_GINT64_FORMAT " us",
           load->key, drey_shard_document_get_n_samples (self), g_get_monotonic_time ());
  notify (self, PROP_N_SAMPLES);
  set_state (self, DREY_SHARD_STATE_LOADED);
  g_task_return_boolean (task, TRUE);
}

/* The worker is done; what it decoded may not all be in the list yet. */
static void
load_streamed (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  gboolean ok = sq_store_get_streamed_finish (SQ_STORE (object), result, NULL, &load->error);

  g_assert (ok == (load->error == NULL));
  if (!load_is_current (task))
    {
      load_return_cancelled (task);
      return;
    }
  load->read = TRUE;
  /* Now, not at the next interval; still a slice at a time. */
  load_flush (task);
}

static void
load_stamped (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GPtrArray) cached = NULL;

  /* No shard (or no answer): the read says what is wrong. */
  load->stamp = stamp_finish (SQ_STORE (object), result, &load->size);
  if (g_cancellable_is_cancelled (cancellable))
    {
      load_return_cancelled (task);
      return;
    }
  cached = drey_shard_cache_lookup (self->cache, load->key, load->stamp);
  if (cached != NULL)
    {
      /* Read a moment ago and not changed since: no decode at all. */
      g_debug ("load '%s': %u samples from the cache at %" G_GINT64_FORMAT " us",
               load->key, cached->len, g_get_monotonic_time ());
      g_clear_object (&self->load_cancellable);
      self->stamp = g_steal_pointer (&load->stamp);
      set_progress (self, (guint64) load->size, (guint64) load->size);
      set_samples (self, cached);
      set_state (self, DREY_SHARD_STATE_LOADED);
      g_task_return_boolean (task, TRUE);
      return;
    }
  sq_store_get_streamed_async (self->store, load->key, cancellable,
                               load_batch, g_object_ref (task), g_object_unref,
                               load_progress, g_object_ref (task), g_object_unref,
                               load_streamed, g_object_ref (task));
}

/**
 * drey_shard_document_load_async:
 * @key: (nullable): the shard to show, or %NULL for none
 * @cancellable: (nullable): cancels this load (a later load, or closing,
 *   cancels it too)
 *
 * Reads the shard @key on a worker, with progress, and shows its samples
 * as they are decoded: the first one at once, the rest in batches; a
 * shard read a moment ago and unchanged since (same stamp) comes from the
 * cache, whole, without a decode. A load still running is cancelled, and
 * edits not saved are dropped (the caller asks first). The state is
 * %DREY_SHARD_STATE_LOADING until the samples are all there
 * (%DREY_SHARD_STATE_LOADED) or the read failed (%DREY_SHARD_STATE_FAILED,
 * the samples before the error kept). Edits and saves are refused until
 * then. Cancelling @cancellable drops what was shown of the shard.
 */
void
drey_shard_document_load_async (DreyShardDocument   *self,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));

  reset (self);
  self->load_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             self->load_cancellable, G_CONNECT_SWAPPED);
  task = g_task_new (self, self->load_cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_shard_document_load_async);
  set_key (self, key);
  set_progress (self, 0, 0);

  if (key == NULL)
    {
      g_clear_object (&self->load_cancellable);
      set_state (self, DREY_SHARD_STATE_EMPTY);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("load '%s': started at %" G_GINT64_FORMAT " us", key, g_get_monotonic_time ());
  load = g_new0 (Load, 1);
  load->key = g_strdup (key);
  load->started = g_get_monotonic_time ();
  load->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  set_state (self, DREY_SHARD_STATE_LOADING);
  sq_store_query_shard_async (self->store, key, self->load_cancellable, load_stamped, g_steal_pointer (&task));
}

/**
 * drey_shard_document_load_finish:
 *
 * Returns: %TRUE once the samples are shown (or, for no key, none); else
 *   %FALSE with the read's error, or %G_IO_ERROR_CANCELLED
 */
gboolean
drey_shard_document_load_finish (DreyShardDocument  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_shard_document_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * drey_shard_document_close:
 *
 * Shows no shard: a load in flight stops, edits are dropped.
 */
void
drey_shard_document_close (DreyShardDocument *self)
{
  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));

  reset (self);
  set_key (self, NULL);
  set_state (self, DREY_SHARD_STATE_EMPTY);
}

/**
 * drey_shard_document_open_new:
 * @key: the new shard's key
 * @samples: (element-type SqValue): its samples
 *
 * Shows a shard that is not in the store yet, modified: nothing is written
 * until it is saved.
 */
void
drey_shard_document_open_new (DreyShardDocument *self,
                              const char        *key,
                              GPtrArray         *samples)
{
  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));
  g_return_if_fail (key != NULL && samples != NULL);

  reset (self);
  set_key (self, key);
  set_samples (self, samples);
  set_is_new (self, TRUE);
  clear_history (self);
  set_state (self, DREY_SHARD_STATE_LOADED);
}

/* ---- edits and their history ------------------------------------------- */

/* The history is a list of edits, each with what undoes it, rather than
 * snapshots of the samples: values are immutable and shared, so an edit
 * only holds the few values and nodes it swapped (an old value, a removed
 * row), and an undo puts back the very nodes it took out, so rows keep
 * their children, marks and summaries. Edits apply in order, so every
 * node an edit names is where it was when the edit is undone or redone.
 *
 * A save keeps the history, as GNOME Text Editor does: the saved place is
 * remembered, the document is modified whenever the history is elsewhere,
 * and undoing past a save marks the rows it changes again. */

/* Edits kept; the oldest go first. */
#define MAX_EDITS 1000

typedef enum
{
  EDIT_VALUE,          /* node: value before / after */
  EDIT_RENAME,         /* node: key before / after */
  EDIT_INSERT,         /* node put into parent (NULL: a sample) at index */
  EDIT_REMOVE,         /* node taken out of parent (NULL: a sample) at index */
  EDIT_MOVE,           /* node, a sample, one place up (up) or down */
} EditKind;

typedef struct
{
  EditKind        kind;
  DreySampleNode *node;
  DreySampleNode *parent;
  guint           index;
  gboolean        up;
  SqValue        *before;
  SqValue        *after;
  GPtrArray      *children;   /* EDIT_VALUE: the rows of the other value */
  GPtrArray      *marked;     /* what applying it marked, to take back */
} Edit;

static void
edit_free (Edit *edit)
{
  g_clear_object (&edit->node);
  g_clear_object (&edit->parent);
  g_clear_pointer (&edit->before, sq_value_unref);
  g_clear_pointer (&edit->after, sq_value_unref);
  g_clear_pointer (&edit->children, g_ptr_array_unref);
  g_clear_pointer (&edit->marked, g_ptr_array_unref);
  g_free (edit);
}

static Edit *
edit_new (EditKind        kind,
          DreySampleNode *node,
          DreySampleNode *parent,
          guint           index)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = kind;
  edit->node = g_object_ref (node);
  edit->parent = parent != NULL ? g_object_ref (parent) : NULL;
  edit->index = index;
  edit->marked = g_ptr_array_new_with_free_func (g_object_unref);
  return edit;
}

static void
update_history (DreyShardDocument *self)
{
  gboolean can_undo = self->position > 0;
  gboolean can_redo = self->position < self->history->len;

  set_modified (self, self->is_new || (gint) self->position != self->saved_position);
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      notify (self, PROP_CAN_UNDO);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      notify (self, PROP_CAN_REDO);
    }
}

/* A new shard, or one read or saved: no edits to undo. */
static void
clear_history (DreyShardDocument *self)
{
  g_ptr_array_set_size (self->history, 0);
  self->position = 0;
  self->saved_position = 0;
  update_history (self);
}

static void
renumber (DreyShardDocument *self,
          guint              from)
{
  GListModel *roots = G_LIST_MODEL (self->roots);

  for (guint i = from; i < g_list_model_get_n_items (roots); i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (roots, i);

      drey_sample_node_set_index (node, i);
    }
}

static gboolean
can_edit (DreyShardDocument *self)
{
  return self->state == DREY_SHARD_STATE_LOADED && !self->busy;
}

/* An edit just made: the redo list goes, as in any editor. */
static void
push_edit (DreyShardDocument *self,
           Edit              *edit,
           DreySampleNode    *marked)
{
  if (marked != NULL)
    drey_sample_node_mark_edited (marked, edit->marked);
  if (self->saved_position > (gint) self->position)
    self->saved_position = -1;    /* the saved state cannot come back */
  g_ptr_array_set_size (self->history, self->position);
  g_ptr_array_add (self->history, edit);
  if (self->history->len > MAX_EDITS)
    {
      g_ptr_array_remove_index (self->history, 0);
      self->saved_position = self->saved_position > 0 ? self->saved_position - 1 : -1;
    }
  self->position = self->history->len;
  update_history (self);
}

static void
insert_root (DreyShardDocument *self,
             guint              index,
             DreySampleNode    *node)
{
  drey_sample_node_set_index (node, index);
  g_list_store_insert (self->roots, index, node);
  renumber (self, index + 1);
  notify (self, PROP_N_SAMPLES);
}

static void
remove_root (DreyShardDocument *self,
             guint              index)
{
  g_list_store_remove (self->roots, index);
  renumber (self, index);
  notify (self, PROP_N_SAMPLES);
}

/* Swaps a sample with the next one. */
static void
swap_roots (DreyShardDocument *self,
            guint              first)
{
  g_autoptr(DreySampleNode) a = g_list_model_get_item (G_LIST_MODEL (self->roots), first);
  g_autoptr(DreySampleNode) b = g_list_model_get_item (G_LIST_MODEL (self->roots), first + 1);
  gpointer swapped[2] = { b, a };

  g_list_store_splice (self->roots, first, 2, swapped, 2);
  renumber (self, first);
}

/* Does (@forward) or undoes @edit on the tree, without marks.
 *
 * Returns: (transfer none) (nullable): the row the change shows in */
static DreySampleNode *
run_edit (DreyShardDocument *self,
          Edit              *edit,
          gboolean           forward)
{
  gboolean inserting;

  switch (edit->kind)
    {
    case EDIT_VALUE:
      {
        GPtrArray *other = drey_sample_node_swap_value (edit->node, forward ? edit->after : edit->before,
                                                        edit->children);

        g_clear_pointer (&edit->children, g_ptr_array_unref);
        edit->children = other;
        return edit->node;
      }
    case EDIT_RENAME:
      if (!drey_sample_node_rename (edit->node, forward ? edit->after : edit->before, NULL))
        g_return_val_if_reached (NULL);
      return edit->node;
    case EDIT_INSERT:
    case EDIT_REMOVE:
      inserting = (edit->kind == EDIT_INSERT) == forward;
      if (edit->parent == NULL && inserting)
        insert_root (self, edit->index, edit->node);
      else if (edit->parent == NULL)
        remove_root (self, edit->index);
      else if (inserting)
        {
          if (!drey_sample_node_insert_node (edit->parent, edit->node, NULL))
            g_return_val_if_reached (NULL);
        }
      else
        g_object_unref (drey_sample_node_remove_child (edit->parent, edit->index));
      return inserting ? edit->node : edit->parent;
    case EDIT_MOVE:
      /* A swap undoes itself. */
      swap_roots (self, edit->up ? edit->index - 1 : edit->index);
      return edit->node;
    default:
      g_return_val_if_reached (NULL);
    }
}

/* How far the history is from the saved state (G_MAXUINT: unreachable). */
static guint
distance_from_saved (DreyShardDocument *self,
                     guint              position)
{
  if (self->saved_position < 0)
    return G_MAXUINT;
  return position > (guint) self->saved_position ? position - self->saved_position
                                                 : self->saved_position - position;
}

/* Moves the history one step. Going away from the saved state marks the
 * row that changed (and remembers which marks it set); going back to it
 * takes those marks back. */
static DreySampleNode *
step (DreyShardDocument *self,
      gboolean           forward)
{
  guint index = forward ? self->position : self->position - 1;
  guint next = forward ? self->position + 1 : self->position - 1;
  Edit *edit = g_ptr_array_index (self->history, index);
  gboolean away = distance_from_saved (self, next) > distance_from_saved (self, self->position);
  DreySampleNode *changed = run_edit (self, edit, forward);

  for (guint i = 0; i < edit->marked->len; i++)
    drey_sample_node_unmark (g_ptr_array_index (edit->marked, i));
  g_ptr_array_set_size (edit->marked, 0);
  if (away && changed != NULL)
    drey_sample_node_mark_edited (changed, edit->marked);
  self->position = next;
  update_history (self);
  return changed;
}

/**
 * drey_shard_document_undo:
 *
 * Takes back the last edit not undone yet.
 *
 * Returns: (transfer none) (nullable): the row it changed (for a sample
 *   removed again, %NULL), to show it
 */
DreySampleNode *
drey_shard_document_undo (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);

  if (!can_edit (self) || self->position == 0)
    return NULL;
  return step (self, FALSE);
}

/**
 * drey_shard_document_redo:
 *
 * Makes again the last edit undone.
 *
 * Returns: (transfer none) (nullable): the row it changed
 */
DreySampleNode *
drey_shard_document_redo (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);

  if (!can_edit (self) || self->position >= self->history->len)
    return NULL;
  return step (self, TRUE);
}

gboolean
drey_shard_document_get_can_undo (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  return self->can_undo;
}

gboolean
drey_shard_document_get_can_redo (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  return self->can_redo;
}

/**
 * drey_shard_document_insert_sample:
 * @index: where, from 0 to the number of samples
 * @value: the sample (shared, not copied: values are immutable)
 *
 * Returns: (transfer none) (nullable): the new sample's node
 */
DreySampleNode *
drey_shard_document_insert_sample (DreyShardDocument *self,
                                   guint              index,
                                   SqValue           *value)
{
  g_autoptr(DreySampleNode) node = NULL;

  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  if (!can_edit (self) || index > drey_shard_document_get_n_samples (self))
    return NULL;
  node = drey_sample_node_new_sample (value, index);
  insert_root (self, index, node);
  push_edit (self, edit_new (EDIT_INSERT, node, NULL, index), node);
  return node; /* the list holds it */
}

/**
 * drey_shard_document_move_sample:
 * @sample: a sample's node
 * @up: towards the first sample (else the last)
 *
 * Returns: whether it moved (not past either end)
 */
gboolean
drey_shard_document_move_sample (DreyShardDocument *self,
                                 DreySampleNode    *sample,
                                 gboolean           up)
{
  Edit *edit;
  guint index;

  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (sample), FALSE);
  g_return_val_if_fail (drey_sample_node_get_parent (sample) == NULL, FALSE);

  index = drey_sample_node_get_index (sample);
  if (!can_edit (self) || (up ? index == 0 : index + 1 >= drey_shard_document_get_n_samples (self)))
    return FALSE;
  edit = edit_new (EDIT_MOVE, sample, NULL, index);
  edit->up = up;
  run_edit (self, edit, TRUE);
  push_edit (self, edit, sample);
  return TRUE;
}

/**
 * drey_shard_document_add_value:
 * @container: the node of a map or a list
 * @index: where among its items
 * @key: (nullable): the key, for a map
 * @value: the value
 *
 * Returns: (transfer none) (nullable): the new value's node, or %NULL with
 *   @error set (a key the map has)
 */
DreySampleNode *
drey_shard_document_add_value (DreyShardDocument  *self,
                               DreySampleNode     *container,
                               guint               index,
                               SqValue            *key,
                               SqValue            *value,
                               GError            **error)
{
  DreySampleNode *child;

  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (container), NULL);

  if (!can_edit (self))
    {
      g_set_error_literal (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY,
                           "the shard cannot be edited now");
      return NULL;
    }
  child = drey_sample_node_insert_child (container, index, key, value, error);
  if (child != NULL)
    push_edit (self, edit_new (EDIT_INSERT, child, container, index), child);
  return child;
}

/**
 * drey_shard_document_remove:
 * @node: a sample, or a value in one
 */
void
drey_shard_document_remove (DreyShardDocument *self,
                            DreySampleNode    *node)
{
  g_autoptr(DreySampleNode) kept = NULL;
  DreySampleNode *parent;
  guint index;

  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));
  g_return_if_fail (DREY_IS_SAMPLE_NODE (node));

  if (!can_edit (self))
    return;
  kept = g_object_ref (node);
  parent = drey_sample_node_get_parent (node);
  index = drey_sample_node_get_index (node);
  if (parent == NULL)
    {
      remove_root (self, index);
      push_edit (self, edit_new (EDIT_REMOVE, kept, NULL, index), NULL);
    }
  else
    {
      g_object_ref (parent);
      g_object_unref (drey_sample_node_remove_child (parent, index));
      push_edit (self, edit_new (EDIT_REMOVE, kept, parent, index), parent);
      g_object_unref (parent);
    }
}

/**
 * drey_shard_document_set_value:
 *
 * Replaces @node's value, whatever its type; the containers above it are
 * rebuilt around it, sharing everything else.
 */
void
drey_shard_document_set_value (DreyShardDocument *self,
                               DreySampleNode    *node,
                               SqValue           *value)
{
  Edit *edit;

  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));
  g_return_if_fail (DREY_IS_SAMPLE_NODE (node));
  g_return_if_fail (value != NULL);

  if (!can_edit (self) || value == drey_sample_node_get_value (node))
    return;
  edit = edit_new (EDIT_VALUE, node, NULL, 0);
  edit->before = sq_value_ref (drey_sample_node_get_value (node));
  edit->after = sq_value_ref (value);
  run_edit (self, edit, TRUE);
  push_edit (self, edit, node);
}

/**
 * drey_shard_document_rename:
 *
 * Gives the field @node a new key.
 *
 * Returns: %FALSE with @error set if the map has the key already
 */
gboolean
drey_shard_document_rename (DreyShardDocument  *self,
                            DreySampleNode     *node,
                            SqValue            *key,
                            GError            **error)
{
  g_autoptr(SqValue) before = NULL;
  Edit *edit;

  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (node), FALSE);

  if (!can_edit (self))
    {
      g_set_error_literal (error, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY,
                           "the shard cannot be edited now");
      return FALSE;
    }
  if (sq_value_equal (key, drey_sample_node_get_key (node)))
    return TRUE;
  before = sq_value_ref (drey_sample_node_get_key (node));
  if (!drey_sample_node_rename (node, key, error))
    return FALSE;
  edit = edit_new (EDIT_RENAME, node, NULL, 0);
  edit->before = g_steal_pointer (&before);
  edit->after = sq_value_ref (key);
  push_edit (self, edit, node);
  return TRUE;
}

/* ---- saving ------------------------------------------------------------- */

typedef struct
{
  SqStore       *store;
  char          *key;
  gboolean       is_new;
  char          *stamp;     /* what was read, to compare */
  DreySaveFlags  flags;
  SqSetCondition condition; /* what the write asks of the shard it replaces */
  GFile         *stash;     /* the old bytes, for Undo */
  GPtrArray     *samples;
  GError        *error;     /* of a failed write, given once the stash is gone */
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->store);
  g_free (save->key);
  g_free (save->stamp);
  g_clear_object (&save->stash);
  g_clear_pointer (&save->samples, g_ptr_array_unref);
  g_clear_error (&save->error);
  g_free (save);
}

/* The refusals that the window turns into a question. */
static GError *
refusal_new (DreyShardDocumentError  code,
             const char             *key)
{
  if (code == DREY_SHARD_DOCUMENT_ERROR_EXISTS)
    return g_error_new (DREY_SHARD_DOCUMENT_ERROR, code, "the store already has a shard '%s'", key);
  return g_error_new (DREY_SHARD_DOCUMENT_ERROR, code, "shard '%s' changed on disk since it was read", key);
}

/* On a worker: does the write go over what was read? Then the stash. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Save *save = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = NULL;

  if (!(save->flags & DREY_SAVE_FLAGS_REPLACE))
    {
      gint64 size, mtime;
      g_autofree char *etag = NULL;

      if (sq_store_query_shard (save->store, save->key, cancellable, &size, &mtime, &etag, &error))
        now = stamp_new (size, mtime, etag);
      else if (!g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND))
        {
          /* Not knowing whether it changed is no reason to write over it. */
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_error (&error);
      if (save->is_new && now != NULL)
        {
          g_task_return_error (task, refusal_new (DREY_SHARD_DOCUMENT_ERROR_EXISTS, save->key));
          return;
        }
      if (!save->is_new && !stamp_matches (now, save->stamp))
        {
          g_task_return_error (task, refusal_new (DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK, save->key));
          return;
        }
    }

  /* Without a stash there is no Undo: better not to write at all. */
  save->stash = sq_store_stash_shard (save->store, save->key, TRUE, cancellable, &error);
  if (save->stash == NULL && !g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
mark_saved (DreyShardDocument *self)
{
  GListModel *roots = G_LIST_MODEL (self->roots);

  for (guint i = 0; roots != NULL && i < g_list_model_get_n_items (roots); i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (roots, i);

      drey_sample_node_clear_edited (node);
    }
  /* The history stays; this is the place that is on disk now. */
  for (guint i = 0; i < self->history->len; i++)
    g_ptr_array_set_size (((Edit *) g_ptr_array_index (self->history, i))->marked, 0);
  self->saved_position = (gint) self->position;
  set_is_new (self, FALSE);
  update_history (self);
}

/* The write is done; @stamp (taken) is what a later save compares with:
 * the shard as this one wrote it. */
static void
save_done (GTask *task,
           char  *stamp)
{
  DreyShardDocument *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);

  if (g_strcmp0 (self->key, save->key) == 0)
    {
      g_free (self->stamp);
      self->stamp = g_steal_pointer (&stamp);
      mark_saved (self);
    }
  g_free (stamp);
  set_busy (self, FALSE);
  g_task_return_pointer (task, drey_shard_undo_new (save->store, save->key, save->stash, FALSE), g_object_unref);
}

static void
save_stamped (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  save_done (task, stamp_finish (SQ_STORE (object), result, NULL));
}

static void
save_progress (guint64  done,
               guint64  total,
               gpointer user_data)
{
  set_progress (user_data, done, total);
}

/* A write that failed, once its stash is gone (a stash left over costs
 * space, not data: its error is not the save's). */
static void
save_failed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);

  if (result != NULL)
    sq_store_drop_stash_finish (SQ_STORE (object), result, NULL);
  set_busy (self, FALSE);
  g_task_return_error (task, g_steal_pointer (&save->error));
}

static void
save_written (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *written = sq_store_set_if_finish (SQ_STORE (object), result, &etag, &error);

  if (written == NULL)
    {
      /* Someone else wrote after the check: the check's own question. */
      if (g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_EXISTS))
        save->error = refusal_new (DREY_SHARD_DOCUMENT_ERROR_EXISTS, save->key);
      else if (g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_CHANGED))
        save->error = refusal_new (DREY_SHARD_DOCUMENT_ERROR_CHANGED_ON_DISK, save->key);
      else
        save->error = g_steal_pointer (&error);
      /* The shard on disk is untouched, and the edits are still here; the
       * stash goes before the answer, so a save the user then agrees to
       * does not overlap with its delete. */
      if (save->stash != NULL)
        sq_store_drop_stash_async (save->store, save->stash, NULL, save_failed, g_steal_pointer (&task));
      else
        save_failed (NULL, NULL, g_steal_pointer (&task));
      return;
    }
  drey_shard_cache_remove (self->cache, save->key);
  /* The write's own answer names what it wrote (a bucket's ETag or
   * generation). Where it does not (a directory's rename, a server that
   * sends none), the shard is asked for: a write by someone else between
   * the two would then pass for this one. */
  if (etag != NULL)
    save_done (task, stamp_new_written (etag));
  else
    sq_store_query_shard_async (save->store, save->key, NULL, save_stamped, g_steal_pointer (&task));
}

static void
save_prepared (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *prepare = G_TASK (result);
  g_autoptr(GTask) task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable;

  if (!g_task_propagate_boolean (prepare, &error))
    {
      set_busy (self, FALSE);
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  set_progress (self, 0, 0);
  sq_store_set_if_async (save->store, save->key, save->condition, stamp_etag (save->stamp), save->samples,
                         cancellable, save_progress, g_object_ref (self), g_object_unref,
                         save_written, g_steal_pointer (&task));
}

/**
 * drey_shard_document_save_async:
 * @flags: %DREY_SAVE_FLAGS_REPLACE once the user agreed to write over a
 *   shard that changed on disk, or over an existing key with a new shard
 * @cancellable: (nullable): cancels the write (the old shard stays)
 *
 * Writes the samples as the shard's key, atomically, with progress: first
 * the checks and the stash for Undo, then the write, all on workers. The
 * document cannot be edited meanwhile (#DreyShardDocument:busy).
 */
void
drey_shard_document_save_async (DreyShardDocument   *self,
                                DreySaveFlags        flags,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) prepare = NULL;
  Save *save;

  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_shard_document_save_async);
  if (!can_edit (self) || self->key == NULL)
    {
      g_task_return_new_error (task, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY,
                               "the shard cannot be saved now");
      return;
    }

  save = g_new0 (Save, 1);
  save->store = g_object_ref (self->store);
  save->key = g_strdup (self->key);
  save->is_new = self->is_new;
  save->stamp = g_strdup (self->stamp);
  save->flags = flags;
  /* As the check before: no shard where there was none, else the one read
   * (a location without etags has the check alone). */
  if (flags & DREY_SAVE_FLAGS_REPLACE)
    save->condition = SQ_SET_ALWAYS;
  else if (save->is_new || save->stamp == NULL)
    save->condition = SQ_SET_IF_ABSENT;
  else
    save->condition = stamp_etag (save->stamp) != NULL ? SQ_SET_IF_MATCH : SQ_SET_ALWAYS;
  save->samples = drey_shard_document_dup_samples (self);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  set_busy (self, TRUE);

  prepare = g_task_new (self, cancellable, save_prepared, g_steal_pointer (&task));
  g_task_set_source_tag (prepare, prepare_thread);
  g_task_set_task_data (prepare, save, NULL);
  g_task_run_in_thread (prepare, prepare_thread);
}

/**
 * drey_shard_document_save_finish:
 *
 * Returns: (transfer full): what puts back the shard that was there (or
 *   removes a new one), or %NULL with @error set: a
 *   #DREY_SHARD_DOCUMENT_ERROR when the checks refused, or the store's
 */
DreyShardUndo *
drey_shard_document_save_finish (DreyShardDocument  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_shard_document_save_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- deleting ----------------------------------------------------------- */

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Save *save = task_data;
  GError *error = NULL;
  GFile *stash = sq_store_stash_shard (save->store, save->key, FALSE, cancellable, &error);

  if (stash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, drey_shard_undo_new (save->store, save->key, stash, TRUE), g_object_unref);
  g_clear_object (&stash);
}

static void
delete_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DreyShardDocument *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  GError *error = NULL;
  DreyShardUndo *undo = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  if (undo == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  drey_shard_cache_remove (self->cache, save->key);
  if (g_strcmp0 (self->key, save->key) == 0)
    drey_shard_document_close (self);
  g_task_return_pointer (task, undo, g_object_unref);
}

/**
 * drey_shard_document_delete_async:
 *
 * Removes the shard from the store, on a worker: it is renamed to a stash,
 * so the undo is exact. A new shard never saved is only dropped.
 */
void
drey_shard_document_delete_async (DreyShardDocument   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  Save *save;

  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_shard_document_delete_async);
  if (self->busy || self->key == NULL || self->state == DREY_SHARD_STATE_LOADING)
    {
      g_task_return_new_error (task, DREY_SHARD_DOCUMENT_ERROR, DREY_SHARD_DOCUMENT_ERROR_BUSY,
                               "the shard cannot be deleted now");
      return;
    }
  if (self->is_new)
    {
      /* Never written: there is nothing on disk to delete. */
      drey_shard_document_close (self);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  save = g_new0 (Save, 1);
  save->store = g_object_ref (self->store);
  save->key = g_strdup (self->key);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  set_busy (self, TRUE);
  worker = g_task_new (self, cancellable, delete_done, g_steal_pointer (&task));
  g_task_set_source_tag (worker, delete_thread);
  g_task_set_task_data (worker, save, NULL);
  g_task_run_in_thread (worker, delete_thread);
}

/**
 * drey_shard_document_delete_finish:
 *
 * Returns: (transfer full) (nullable): what brings the shard back; %NULL
 *   for a new shard that was only dropped (@error unset), or on error
 */
DreyShardUndo *
drey_shard_document_delete_finish (DreyShardDocument  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_shard_document_delete_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- accessors ---------------------------------------------------------- */

SqStore *
drey_shard_document_get_store (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  return self->store;
}

/**
 * drey_shard_document_get_key:
 *
 * Returns: (nullable): the key of the shard shown, loaded or not
 */
const char *
drey_shard_document_get_key (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  return self->key;
}

DreyShardState
drey_shard_document_get_state (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), DREY_SHARD_STATE_EMPTY);
  return self->state;
}

/**
 * drey_shard_document_get_error:
 *
 * Returns: (nullable): why the shard could not be read
 */
const GError *
drey_shard_document_get_error (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  return self->error;
}

/**
 * drey_shard_document_get_samples:
 *
 * Returns: (transfer none) (nullable): the samples (DreySampleNodes), as
 *   edited; while the state is %DREY_SHARD_STATE_LOADING, those decoded so
 *   far (the list grows at its end, a few times a second; %NULL before the
 *   first one); when it is %DREY_SHARD_STATE_FAILED, those before the
 *   error (%NULL if there were none); %NULL for no shard
 */
GListModel *
drey_shard_document_get_samples (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  return self->roots != NULL ? G_LIST_MODEL (self->roots) : NULL;
}

guint
drey_shard_document_get_n_samples (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), 0);
  return self->roots != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->roots)) : 0;
}

/**
 * drey_shard_document_dup_samples:
 *
 * Returns: (transfer full) (element-type SqValue) (nullable): the samples'
 *   values, edits included
 */
GPtrArray *
drey_shard_document_dup_samples (DreyShardDocument *self)
{
  GPtrArray *samples;
  guint n;

  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);

  if (self->roots == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->roots));
  samples = g_ptr_array_new_full (n, (GDestroyNotify) sq_value_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DreySampleNode) node = g_list_model_get_item (G_LIST_MODEL (self->roots), i);

      g_ptr_array_add (samples, sq_value_ref (drey_sample_node_get_value (node)));
    }
  return samples;
}

/**
 * drey_shard_document_get_modified:
 *
 * Returns: whether the samples differ from the shard on disk (always for
 *   a new shard not saved yet)
 */
gboolean
drey_shard_document_get_modified (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  return self->modified;
}

/**
 * drey_shard_document_get_is_new:
 *
 * Returns: whether the samples are a new shard, not saved yet
 */
gboolean
drey_shard_document_get_is_new (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  return self->is_new;
}

/**
 * drey_shard_document_get_cache:
 *
 * Returns: (transfer none): the shards read a moment ago, kept so that
 *   going back to one is instant
 */
DreyShardCache *
drey_shard_document_get_cache (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), NULL);
  return self->cache;
}

gboolean
drey_shard_document_get_busy (DreyShardDocument *self)
{
  g_return_val_if_fail (DREY_IS_SHARD_DOCUMENT (self), FALSE);
  return self->busy;
}

/**
 * drey_shard_document_get_progress:
 * @done: (out) (optional): bytes read (compressed) or encoded so far
 * @total: (out) (optional): of how many
 *
 * How far the load or the save in flight is.
 */
void
drey_shard_document_get_progress (DreyShardDocument *self,
                                  guint64           *done,
                                  guint64           *total)
{
  g_return_if_fail (DREY_IS_SHARD_DOCUMENT (self));

  if (done != NULL)
    *done = self->progress_done;
  if (total != NULL)
    *total = self->progress_total;
}

/* ---- GObject ------------------------------------------------------------ */

static void
drey_shard_document_dispose (GObject *object)
{
  DreyShardDocument *self = DREY_SHARD_DOCUMENT (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_ptr_array_set_size (self->history, 0);
  if (self->roots != NULL || (self->cache != NULL && drey_shard_cache_get_n_shards (self->cache) > 0))
    schedule_trim ();
  g_clear_object (&self->roots);
  if (self->cache != NULL)
    drey_shard_cache_clear (self->cache);
  G_OBJECT_CLASS (drey_shard_document_parent_class)->dispose (object);
}

static void
drey_shard_document_finalize (GObject *object)
{
  DreyShardDocument *self = DREY_SHARD_DOCUMENT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cache);
  g_clear_error (&self->error);
  g_free (self->key);
  g_free (self->stamp);
  g_ptr_array_unref (self->history);
  G_OBJECT_CLASS (drey_shard_document_parent_class)->finalize (object);
}

static void
drey_shard_document_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DreyShardDocument *self = DREY_SHARD_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    case PROP_IS_NEW:
      g_value_set_boolean (value, self->is_new);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_N_SAMPLES:
      g_value_set_uint (value, drey_shard_document_get_n_samples (self));
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->can_undo);
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->can_redo);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress_total > 0
                                 ? (double) self->progress_done / (double) self->progress_total : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_shard_document_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DreyShardDocument *self = DREY_SHARD_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      /* Another serializer reads the same bytes otherwise. */
      g_signal_connect_object (self->store, "notify::serializer", G_CALLBACK (drey_shard_cache_clear),
                               self->cache, G_CONNECT_SWAPPED);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_shard_document_class_init (DreyShardDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = drey_shard_document_dispose;
  object_class->finalize = drey_shard_document_finalize;
  object_class->get_property = drey_shard_document_get_property;
  object_class->set_property = drey_shard_document_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SQ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DREY_TYPE_SHARD_STATE, DREY_SHARD_STATE_EMPTY,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IS_NEW] =
    g_param_spec_boolean ("is-new", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* A save or a delete is running: no edits meanwhile. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* How far the load or save in flight is, from 0 to 1; see
   * drey_shard_document_get_progress() for the bytes. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether there is an edit to undo, or one undone to make again. */
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_shard_document_init (DreyShardDocument *self)
{
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  self->cache = drey_shard_cache_new (drey_shard_cache_default_budget ());
}

/**
 * drey_shard_document_new:
 * @store: the store whose shards it shows
 *
 * Returns: (transfer full): a document showing no shard
 */
DreyShardDocument *
drey_shard_document_new (SqStore *store)
{
  g_return_val_if_fail (SQ_IS_STORE (store), NULL);

  return g_object_new (DREY_TYPE_SHARD_DOCUMENT, "store", store, NULL);
}
