/* sq-store-serializer.c: which serializer a store uses, from its shards
 *
 * In squirrel the driver decides (MessagepackDriver or JsonlDriver), never
 * the bytes, and nothing in a store records which. So a store keeps what
 * each shard it looked at showed (SqShardEvidence: decodes only one way,
 * or both) and decides from all of them, not from one: shards that decode
 * only one way and agree decide; if they disagree the store is mixed and
 * says so; shards that decode both ways decide nothing and follow. With no
 * evidence at all, the store is messagepack, squirrel's recommended one. A
 * serializer the user chose wins over all of it.
 *
 * Detection looks at the start of up to DETECT_SHARDS non-empty shards
 * spread over the key order; every shard read to its end later adds what
 * it showed in full, so a shard that contradicts the others makes the
 * store mixed as soon as it is read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-store"

#include "config.h"

#include <string.h>

#include "sq-shard-reader-private.h"
#include "sq-store-private.h"
#include "sq-worker-private.h"

/* Non-empty shards detection looks at, and shards it opens at most. */
#define DETECT_SHARDS     16
#define DETECT_MAX_OPENED 64

/* An evidence table entry: what the shard showed, and whether it was read
 * to its end (which a later look at its start must not override). */
#define ENTRY_FULL 0x100

static SqSerializerSource
compute_locked (SqStore      *self,
                SqSerializer *effective,
                guint         counts[5])
{
  GHashTableIter iter;
  gpointer value;
  guint local[5] = { 0 };

  if (counts == NULL)
    counts = local;
  memset (counts, 0, 5 * sizeof (guint));
  g_hash_table_iter_init (&iter, self->evidence);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    counts[GPOINTER_TO_UINT (value) & 0xff]++;

  if (self->chosen != SQ_SERIALIZER_AUTO)
    {
      *effective = self->chosen;
      return SQ_SERIALIZER_SOURCE_CHOSEN;
    }
  if (counts[SQ_SHARD_EVIDENCE_MESSAGEPACK] > 0 && counts[SQ_SHARD_EVIDENCE_JSONL] > 0)
    {
      *effective = counts[SQ_SHARD_EVIDENCE_JSONL] > counts[SQ_SHARD_EVIDENCE_MESSAGEPACK]
                   ? SQ_SERIALIZER_JSONL : SQ_SERIALIZER_MESSAGEPACK;
      return SQ_SERIALIZER_SOURCE_MIXED;
    }
  if (counts[SQ_SHARD_EVIDENCE_MESSAGEPACK] > 0)
    {
      *effective = SQ_SERIALIZER_MESSAGEPACK;
      return SQ_SERIALIZER_SOURCE_SHARDS;
    }
  if (counts[SQ_SHARD_EVIDENCE_JSONL] > 0)
    {
      *effective = SQ_SERIALIZER_JSONL;
      return SQ_SERIALIZER_SOURCE_SHARDS;
    }
  if (!self->detected)
    {
      *effective = SQ_SERIALIZER_AUTO;
      return SQ_SERIALIZER_SOURCE_UNKNOWN;
    }
  *effective = SQ_SERIALIZER_MESSAGEPACK;
  return counts[SQ_SHARD_EVIDENCE_AMBIGUOUS] > 0 ? SQ_SERIALIZER_SOURCE_AMBIGUOUS : SQ_SERIALIZER_SOURCE_DEFAULT;
}

static void
notify_now (SqStore *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), _sq_store_properties[PROP_SERIALIZER]);
  g_object_notify_by_pspec (G_OBJECT (self), _sq_store_properties[PROP_SERIALIZER_SOURCE]);
}

static gboolean
notify_idle (gpointer data)
{
  g_autoptr(SqStore) self = g_weak_ref_get (data);

  if (self != NULL)
    notify_now (self);
  return G_SOURCE_REMOVE;
}

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Tells listeners when what the store says changed. Detection and reads
 * run on workers: they notify through the main context, with a weak
 * reference, so a store nobody iterates a main loop for still goes. */
static void
update (SqStore *self)
{
  SqSerializer effective;
  SqSerializerSource source;
  gboolean changed;

  g_mutex_lock (&self->lock);
  source = compute_locked (self, &effective, NULL);
  changed = effective != self->notified || source != self->notified_source;
  self->notified = effective;
  self->notified_source = source;
  g_mutex_unlock (&self->lock);

  if (!changed)
    return;
  if (g_main_context_is_owner (g_main_context_default ()))
    notify_now (self);
  else
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      g_idle_add_full (G_PRIORITY_DEFAULT, notify_idle, ref, free_weak_ref);
    }
}

static void
record (SqStore         *self,
        const char      *key,
        SqShardEvidence  evidence,
        gboolean         full)
{
  gpointer old;

  if (evidence == SQ_SHARD_EVIDENCE_NONE)
    return;
  g_mutex_lock (&self->lock);
  if (full || !g_hash_table_lookup_extended (self->evidence, key, NULL, &old) ||
      !(GPOINTER_TO_UINT (old) & ENTRY_FULL))
    g_hash_table_insert (self->evidence, g_strdup (key), GUINT_TO_POINTER (evidence | (full ? ENTRY_FULL : 0)));
  g_mutex_unlock (&self->lock);
}

/* A shard changed (set, removed, stashed): what it showed is gone. */
void
_sq_store_forget_shard (SqStore    *self,
                        const char *key)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->evidence, key);
  g_mutex_unlock (&self->lock);
  update (self);
}

/**
 * sq_store_get_serializer:
 *
 * Returns: the serializer chosen for the store, else the one its shards
 *   show so far (see sq_store_get_serializer_source()), else
 *   %SQ_SERIALIZER_AUTO if none was looked at yet
 */
SqSerializer
sq_store_get_serializer (SqStore *self)
{
  SqSerializer effective;

  g_return_val_if_fail (SQ_IS_STORE (self), SQ_SERIALIZER_AUTO);

  g_mutex_lock (&self->lock);
  compute_locked (self, &effective, NULL);
  g_mutex_unlock (&self->lock);
  return effective;
}

/**
 * sq_store_get_serializer_source:
 *
 * Returns: why the store has the serializer sq_store_get_serializer() gives
 */
SqSerializerSource
sq_store_get_serializer_source (SqStore *self)
{
  SqSerializer effective;
  SqSerializerSource source;

  g_return_val_if_fail (SQ_IS_STORE (self), SQ_SERIALIZER_SOURCE_UNKNOWN);

  g_mutex_lock (&self->lock);
  source = compute_locked (self, &effective, NULL);
  g_mutex_unlock (&self->lock);
  return source;
}

/**
 * sq_store_count_shards:
 * @evidence: what the shards showed
 *
 * Returns: how many of the shards looked at so far showed @evidence
 */
guint
sq_store_count_shards (SqStore         *self,
                       SqShardEvidence  evidence)
{
  SqSerializer effective;
  guint counts[5];

  g_return_val_if_fail (SQ_IS_STORE (self), 0);
  g_return_val_if_fail (evidence <= SQ_SHARD_EVIDENCE_AMBIGUOUS, 0);

  g_mutex_lock (&self->lock);
  compute_locked (self, &effective, counts);
  g_mutex_unlock (&self->lock);
  return counts[evidence];
}

/**
 * sq_store_set_serializer:
 * @serializer: the serializer every shard is read and written with, or
 *   %SQ_SERIALIZER_AUTO to go by the shards again
 *
 * The user's choice: it wins over whatever the shards show.
 */
void
sq_store_set_serializer (SqStore      *self,
                         SqSerializer  serializer)
{
  g_return_if_fail (SQ_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->chosen = serializer;
  g_mutex_unlock (&self->lock);
  update (self);
}

/* Looks at the start of shards spread over the key order, the first
 * DETECT_SHARDS of them evenly, until DETECT_SHARDS non-empty ones spoke. */
static gboolean
sample_shards (SqStore       *self,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  guint n, picks, spoke = 0;

  keys = sq_store_list_keys (self, SQ_LIST_KEYS_NAMES_ONLY, cancellable, error);
  if (keys == NULL)
    return FALSE;
  n = keys->len;
  picks = MIN (n, DETECT_MAX_OPENED);

  /* Visit the picks 0, 4, 8... first, then 2, 6..., then the odd ones. */
  for (guint pass = 0; pass < 4 && spoke < DETECT_SHARDS; pass++)
    {
      static const guint offsets[4] = { 0, 2, 1, 3 };

      for (guint j = offsets[pass]; j < picks && spoke < DETECT_SHARDS; j += 4)
        {
          const char *key = sq_key_info_get_key (g_ptr_array_index (keys, (guint64) j * n / picks));
          g_autoptr(SqShardReader) reader = NULL;
          SqShardEvidence evidence;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          /* A shard that cannot be read says nothing; reading it says why. */
          reader = _sq_store_open_shard_raw (self, key, cancellable, NULL);
          if (reader == NULL)
            continue;
          evidence = _sq_shard_reader_probe (reader, cancellable, NULL);
          if (g_cancellable_is_cancelled (cancellable))
            continue;
          record (self, key, evidence, FALSE);
          if (evidence != SQ_SHARD_EVIDENCE_EMPTY && evidence != SQ_SHARD_EVIDENCE_NONE)
            spoke++;
        }
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/**
 * sq_store_detect_serializer:
 *
 * Finds out which serializer the store uses, looking at up to 16 of its
 * shards the first time (blocks then; later calls return at once). A
 * chosen serializer is returned as it is.
 *
 * Returns: the store's serializer (messagepack when there is no evidence),
 *   or %SQ_SERIALIZER_AUTO with @error set when its shards cannot be
 *   listed
 */
SqSerializer
sq_store_detect_serializer (SqStore       *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  SqSerializer serializer;
  gboolean ok = TRUE;

  g_return_val_if_fail (SQ_IS_STORE (self), SQ_SERIALIZER_AUTO);
  _sq_assert_not_main_thread ();

  g_mutex_lock (&self->detect_lock);
  g_mutex_lock (&self->lock);
  serializer = self->chosen;
  g_mutex_unlock (&self->lock);
  if (serializer == SQ_SERIALIZER_AUTO && !self->detected)
    {
      ok = sample_shards (self, cancellable, error);
      if (ok)
        {
          g_mutex_lock (&self->lock);
          self->detected = TRUE;
          g_mutex_unlock (&self->lock);
        }
    }
  g_mutex_unlock (&self->detect_lock);
  if (!ok)
    return SQ_SERIALIZER_AUTO;
  update (self);
  return sq_store_get_serializer (self);
}

/**
 * sq_store_describe_serializer:
 *
 * Returns: (transfer full): the store's serializer and why, for people:
 *   "messagepack (16 shards looked at decode only as msgpack)"
 */
char *
sq_store_describe_serializer (SqStore *self)
{
  SqSerializer effective;
  SqSerializerSource source;
  guint counts[5];
  g_autoptr(GString) text = g_string_new (NULL);
  const char *name;
  guint n_msgpack, n_jsonl, n_both;

  g_return_val_if_fail (SQ_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  source = compute_locked (self, &effective, counts);
  g_mutex_unlock (&self->lock);
  name = sq_serializer_to_string (effective);
  n_msgpack = counts[SQ_SHARD_EVIDENCE_MESSAGEPACK];
  n_jsonl = counts[SQ_SHARD_EVIDENCE_JSONL];
  n_both = counts[SQ_SHARD_EVIDENCE_AMBIGUOUS];

  switch (source)
    {
    case SQ_SERIALIZER_SOURCE_CHOSEN:
      g_string_printf (text, "%s (chosen)", name);
      break;
    case SQ_SERIALIZER_SOURCE_SHARDS:
      g_string_printf (text, "%s (%u shard%s looked at decode%s only as %s", name,
                       n_msgpack + n_jsonl, n_msgpack + n_jsonl == 1 ? "" : "s",
                       n_msgpack + n_jsonl == 1 ? "s" : "",
                       effective == SQ_SERIALIZER_JSONL ? "JSON Lines" : "msgpack");
      if (n_both > 0)
        g_string_append_printf (text, ", %u both ways", n_both);
      g_string_append_c (text, ')');
      break;
    case SQ_SERIALIZER_SOURCE_MIXED:
      g_string_printf (text, "mixed: %u shard%s decode%s only as msgpack, %u only as JSON Lines",
                       n_msgpack, n_msgpack == 1 ? "" : "s", n_msgpack == 1 ? "s" : "", n_jsonl);
      if (n_both > 0)
        g_string_append_printf (text, ", %u both ways (read as %s)", n_both, name);
      break;
    case SQ_SERIALIZER_SOURCE_AMBIGUOUS:
      g_string_printf (text, "ambiguous: the %u non-empty shard%s looked at decode%s both as msgpack and as "
                       "JSON Lines; read as messagepack, squirrel's default, unless a serializer is chosen",
                       n_both, n_both == 1 ? "" : "s", n_both == 1 ? "s" : "");
      break;
    case SQ_SERIALIZER_SOURCE_DEFAULT:
      g_string_printf (text, "messagepack (%s: squirrel's default)",
                       counts[SQ_SHARD_EVIDENCE_EMPTY] > 0 ? "only empty shards" : "no shards yet");
      break;
    case SQ_SERIALIZER_SOURCE_UNKNOWN:
    default:
      g_string_assign (text, "not known yet (no shard looked at)");
      break;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What set() writes: never a serializer picked between disagreeing shards. */
SqSerializer
_sq_store_get_write_serializer (SqStore       *self,
                                GCancellable  *cancellable,
                                GError       **error)
{
  SqSerializer serializer = sq_store_detect_serializer (self, cancellable, error);

  if (serializer != SQ_SERIALIZER_AUTO &&
      sq_store_get_serializer_source (self) == SQ_SERIALIZER_SOURCE_MIXED)
    {
      g_autofree char *name = sq_store_get_display_name (self);
      g_autofree char *why = sq_store_describe_serializer (self);

      g_set_error (error, SQ_STORE_ERROR, SQ_STORE_ERROR_MIXED_SERIALIZERS,
                   "store '%s' is %s; choose the serializer to write with", name, why);
      return SQ_SERIALIZER_AUTO;
    }
  return serializer;
}

typedef struct
{
  SqStore *store;
  char    *key;
} Attachment;

static void
attachment_free (gpointer data)
{
  Attachment *attachment = data;

  g_object_unref (attachment->store);
  g_free (attachment->key);
  g_free (attachment);
}

static SqSerializer
resolve_for_reader (gpointer      data,
                    GCancellable *cancellable)
{
  Attachment *attachment = data;

  return sq_store_detect_serializer (attachment->store, cancellable, NULL);
}

/* What a shard read to its end showed counts, over what a look at its
 * start said. */
void
_sq_store_record_read (SqStore         *self,
                       const char      *key,
                       SqShardEvidence  evidence)
{
  record (self, key, evidence, TRUE);
  update (self);
}

static void
reader_done (SqShardReader *reader,
             gpointer       data)
{
  Attachment *attachment = data;

  _sq_store_record_read (attachment->store, attachment->key, sq_shard_reader_get_evidence (reader));
}

/* A reader of the store's: the chosen serializer, or the store's for
 * ambiguous shards, and what it shows counted at its end. */
void
_sq_store_attach_reader (SqStore       *self,
                         SqShardReader *reader,
                         const char    *key)
{
  SqSerializer chosen;
  Attachment *attachment;

  g_mutex_lock (&self->lock);
  chosen = self->chosen;
  g_mutex_unlock (&self->lock);
  if (chosen != SQ_SERIALIZER_AUTO)
    {
      sq_shard_reader_force_serializer (reader, chosen);
      return;
    }
  attachment = g_new0 (Attachment, 1);
  attachment->store = g_object_ref (self);
  attachment->key = g_strdup (key);
  _sq_shard_reader_set_resolver (reader, resolve_for_reader, reader_done, attachment, attachment_free);
}

static void
detect_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  SqSerializer serializer = sq_store_detect_serializer (source_object, cancellable, &error);

  if (serializer == SQ_SERIALIZER_AUTO)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, serializer);
}

/**
 * sq_store_detect_serializer_async:
 *
 * Runs sq_store_detect_serializer() on a worker; the store's properties
 * change on the caller's main context.
 */
void
sq_store_detect_serializer_async (SqStore             *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SQ_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sq_store_detect_serializer_async);
  g_task_run_in_thread (task, detect_thread);
}

/**
 * sq_store_detect_serializer_finish:
 *
 * Returns: the store's serializer, or %SQ_SERIALIZER_AUTO with @error set
 */
SqSerializer
sq_store_detect_serializer_finish (SqStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  gssize serializer;

  g_return_val_if_fail (g_task_is_valid (result, self), SQ_SERIALIZER_AUTO);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sq_store_detect_serializer_async,
                        SQ_SERIALIZER_AUTO);

  serializer = g_task_propagate_int (G_TASK (result), error);
  return serializer < 0 ? SQ_SERIALIZER_AUTO : (SqSerializer) serializer;
}
