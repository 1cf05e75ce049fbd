/* sq-drift.c: one way a field differs across shards or samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include "sq-drift-private.h"

typedef struct
{
  guint shard;   /* index in shards */
  guint index;
} Ref;

struct _SqDrift
{
  gatomicrefcount  ref;
  SqDriftKind      kind;
  char            *path;
  char            *description;
  GPtrArray       *shards;  /* char * */
  GArray          *refs;    /* Ref */
  guint64          n_samples;
};

G_DEFINE_BOXED_TYPE (SqDrift, sq_drift, sq_drift_ref, sq_drift_unref)

SqDrift *
_sq_drift_new (SqDriftKind  kind,
               const char  *path,
               char        *description)
{
  SqDrift *drift = g_new0 (SqDrift, 1);

  g_atomic_ref_count_init (&drift->ref);
  drift->kind = kind;
  drift->path = g_strdup (path);
  drift->description = description;
  drift->shards = g_ptr_array_new_with_free_func (g_free);
  drift->refs = g_array_new (FALSE, FALSE, sizeof (Ref));
  return drift;
}

void
_sq_drift_add_shard (SqDrift    *drift,
                     const char *key)
{
  g_ptr_array_add (drift->shards, g_strdup (key));
}

/* A sample of the shard added last. */
void
_sq_drift_add_sample (SqDrift *drift,
                      guint    index)
{
  Ref ref = { drift->shards->len - 1, index };

  g_assert (drift->shards->len > 0);
  if (drift->refs->len < SQ_DRIFT_MAX_SAMPLES)
    g_array_append_val (drift->refs, ref);
}

void
_sq_drift_set_n_samples (SqDrift *drift,
                         guint64  n_samples)
{
  drift->n_samples = n_samples;
}

void
_sq_drift_set_description (SqDrift *drift,
                           char    *description)
{
  g_free (drift->description);
  drift->description = description;
}

SqDrift *
sq_drift_ref (SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, NULL);

  g_atomic_ref_count_inc (&drift->ref);
  return drift;
}

void
sq_drift_unref (SqDrift *drift)
{
  g_return_if_fail (drift != NULL);

  if (!g_atomic_ref_count_dec (&drift->ref))
    return;
  g_free (drift->path);
  g_free (drift->description);
  g_ptr_array_unref (drift->shards);
  g_array_unref (drift->refs);
  g_free (drift);
}

SqDriftKind
sq_drift_get_kind (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, SQ_DRIFT_MISSING);
  return drift->kind;
}

const char *
sq_drift_get_path (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, NULL);
  return drift->path;
}

const char *
sq_drift_get_description (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, NULL);
  return drift->description;
}

guint
sq_drift_get_n_shards (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, 0);
  return drift->shards->len;
}

const char *
sq_drift_get_shard (const SqDrift *drift,
                    guint          index)
{
  g_return_val_if_fail (drift != NULL, NULL);
  g_return_val_if_fail (index < drift->shards->len, NULL);
  return drift->shards->pdata[index];
}

guint64
sq_drift_get_n_samples (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, 0);
  return drift->n_samples;
}

guint
sq_drift_get_n_sample_refs (const SqDrift *drift)
{
  g_return_val_if_fail (drift != NULL, 0);
  return drift->refs->len;
}

/**
 * sq_drift_get_sample_ref:
 * @index: which ref, below sq_drift_get_n_sample_refs()
 * @sample_index: (out) (optional): the sample's 0-based index in its shard
 *
 * Returns: the key of the shard holding the sample
 */
const char *
sq_drift_get_sample_ref (const SqDrift *drift,
                         guint          index,
                         guint         *sample_index)
{
  const Ref *ref;

  g_return_val_if_fail (drift != NULL, NULL);
  g_return_val_if_fail (index < drift->refs->len, NULL);

  ref = &g_array_index (drift->refs, Ref, index);
  if (sample_index != NULL)
    *sample_index = ref->index;
  return drift->shards->pdata[ref->shard];
}
