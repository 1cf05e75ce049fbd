/* sq-read-order.c: shards read at once, with what the store infers from
 * them as if they were read one after another
 *
 * A shard that decodes both ways is read with the store's serializer,
 * which depends on what the shards read before it showed
 * (sq-store-serializer.c). Read one after another, shard i sees the
 * evidence of shards 0..i-1 and nothing of the later ones. So a shard's
 * evidence is counted only when its result is handed over, in key order,
 * and an ambiguous shard waits to ask for the store's serializer until
 * every shard before it was handed over: it sees what it would have seen,
 * and the store ends with the same evidence. Only ambiguous shards wait,
 * and only for the shards before them (which were all started earlier,
 * the pool starts them in order, so the wait ends).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include "sq-read-order-private.h"
#include "sq-shard-reader-private.h"
#include "sq-store-private.h"

struct _SqReadOrder
{
  SqStore         *store;
  guint            n_keys;
  GMutex           lock;
  GCond            cond;
  guint            n_counted;  /* shards 0..n_counted-1 handed over, their evidence counted */
  gboolean         stopping;
  gboolean        *finished;   /* per shard: read to its end */
  SqShardEvidence *evidence;   /* per shard: what it showed then */
  GCancellable    *cancellable;
  gulong           handler;
};

/* Belongs to a reader (freed with it). */
typedef struct
{
  SqReadOrder *order;   /* a reference */
  guint        index;
} Slot;

static void
order_clear (SqReadOrder *self)
{
  g_object_unref (self->store);
  g_free (self->finished);
  g_free (self->evidence);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
}

static void
order_release (SqReadOrder *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) order_clear);
}

SqReadOrder *
_sq_read_order_new (SqStore *store,
                    guint    n_keys)
{
  SqReadOrder *self = g_atomic_rc_box_new0 (SqReadOrder);

  self->store = g_object_ref (store);
  self->n_keys = n_keys;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->finished = g_new0 (gboolean, MAX (n_keys, 1));
  self->evidence = g_new0 (SqShardEvidence, MAX (n_keys, 1));
  return self;
}

void
_sq_read_order_stop (SqReadOrder *self)
{
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
cancelled (GCancellable *cancellable,
           gpointer      data)
{
  _sq_read_order_stop (data);
}

void
_sq_read_order_free (SqReadOrder *self)
{
  GCancellable *cancellable;
  gulong handler;

  if (self == NULL)
    return;
  _sq_read_order_stop (self);
  g_mutex_lock (&self->lock);
  cancellable = g_steal_pointer (&self->cancellable);
  handler = self->handler;
  self->handler = 0;
  g_mutex_unlock (&self->lock);
  if (cancellable != NULL)
    {
      g_cancellable_disconnect (cancellable, handler);
      g_object_unref (cancellable);
    }
  order_release (self);
}

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  order_release (slot->order);
  g_free (slot);
}

static SqSerializer
slot_resolve (gpointer      data,
              GCancellable *cancellable)
{
  Slot *slot = data;
  SqReadOrder *self = slot->order;
  gboolean stopping;

  g_mutex_lock (&self->lock);
  while (self->n_counted < slot->index && !self->stopping)
    g_cond_wait (&self->cond, &self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  /* Stopping: the reading is thrown away, any serializer will do. */
  if (stopping)
    return SQ_SERIALIZER_AUTO;
  return sq_store_detect_serializer (self->store, cancellable, NULL);
}

static void
slot_done (SqShardReader *reader,
           gpointer       data)
{
  Slot *slot = data;
  SqReadOrder *self = slot->order;

  g_mutex_lock (&self->lock);
  self->finished[slot->index] = TRUE;
  self->evidence[slot->index] = sq_shard_reader_get_evidence (reader);
  g_mutex_unlock (&self->lock);
}

SqShardReader *
_sq_read_order_open (SqReadOrder   *self,
                     guint          index,
                     const char    *key,
                     GCancellable  *cancellable,
                     GError       **error)
{
  SqShardReader *reader;
  Slot *slot;
  gboolean first = FALSE;

  g_return_val_if_fail (self != NULL && index < self->n_keys, NULL);

  /* Waiting shards must hear a cancel; connected outside the lock, as
   * the handler runs at once if it is cancelled already. */
  if (cancellable != NULL)
    {
      g_mutex_lock (&self->lock);
      if (self->cancellable == NULL)
        {
          self->cancellable = g_object_ref (cancellable);
          first = TRUE;
        }
      g_mutex_unlock (&self->lock);
      if (first)
        {
          gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled), self, NULL);

          g_mutex_lock (&self->lock);
          self->handler = handler;
          g_mutex_unlock (&self->lock);
        }
    }

  reader = _sq_store_open_shard_raw (self->store, key, cancellable, error);
  if (reader == NULL)
    return NULL;
  if (sq_store_get_serializer_source (self->store) == SQ_SERIALIZER_SOURCE_CHOSEN)
    {
      sq_shard_reader_force_serializer (reader, sq_store_get_serializer (self->store));
      return reader;
    }
  slot = g_new0 (Slot, 1);
  slot->order = g_atomic_rc_box_acquire (self);
  slot->index = index;
  _sq_shard_reader_set_resolver (reader, slot_resolve, slot_done, slot, slot_free);
  return reader;
}

void
_sq_read_order_handed_over (SqReadOrder *self,
                            guint        index,
                            const char  *key)
{
  gboolean finished;
  SqShardEvidence evidence;

  g_return_if_fail (index < self->n_keys);

  g_mutex_lock (&self->lock);
  finished = self->finished[index];
  evidence = self->evidence[index];
  g_mutex_unlock (&self->lock);
  /* Counted before the next shards may ask. */
  if (finished)
    _sq_store_record_read (self->store, key, evidence);
  g_mutex_lock (&self->lock);
  self->n_counted = MAX (self->n_counted, index + 1);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}
