/* drey-sample-ref.c: one sample of a store, by shard key and index
 *
 * What the gallery and the table list: small and immutable, made when a
 * row is asked for, so a list of 100,000 samples holds none of them. The
 * key is interned: every sample of a shard shares its string.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-ref"

#include "config.h"

#include "drey-sample-ref.h"

struct _DreySampleRef
{
  GObject     parent_instance;

  const char *key;
  guint       index;
  guint       position;
};

G_DEFINE_FINAL_TYPE (DreySampleRef, drey_sample_ref, G_TYPE_OBJECT)

static void
drey_sample_ref_class_init (DreySampleRefClass *klass)
{
}

static void
drey_sample_ref_init (DreySampleRef *self)
{
}

/**
 * drey_sample_ref_new:
 * @key: the shard's key
 * @index: the sample's 0-based index in the shard
 * @position: its position in the list that made it
 *
 * Returns: (transfer full): the reference
 */
DreySampleRef *
drey_sample_ref_new (const char *key,
                     guint       index,
                     guint       position)
{
  DreySampleRef *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (DREY_TYPE_SAMPLE_REF, NULL);
  self->key = g_intern_string (key);
  self->index = index;
  self->position = position;
  return self;
}

const char *
drey_sample_ref_get_key (DreySampleRef *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_REF (self), NULL);
  return self->key;
}

guint
drey_sample_ref_get_index (DreySampleRef *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_REF (self), 0);
  return self->index;
}

/* Where the list had it when it was made (lists only grow at the end). */
guint
drey_sample_ref_get_position (DreySampleRef *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_REF (self), 0);
  return self->position;
}
