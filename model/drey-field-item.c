/* drey-field-item.c: one field of a store's schema, as the overview,
 * gallery and table list it
 *
 * A field keeps its path for good; its statistics, presence and drifts
 * are replaced as the scan merges more shards, and "stats" is notified
 * then, so a row bound to it shows the figures of the shards read so far.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-field-item"

#include "config.h"

#include <string.h>

#include "drey-field-item.h"
#include "drey-image.h"

struct _DreyFieldItem
{
  GObject       parent_instance;

  char         *path;
  SqFieldStats *stats;
  double        presence;
  GPtrArray    *drifts;
};

G_DEFINE_FINAL_TYPE (DreyFieldItem, drey_field_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_STATS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
drey_field_item_finalize (GObject *object)
{
  DreyFieldItem *self = DREY_FIELD_ITEM (object);

  g_free (self->path);
  g_clear_pointer (&self->stats, sq_field_stats_unref);
  g_clear_pointer (&self->drifts, g_ptr_array_unref);
  G_OBJECT_CLASS (drey_field_item_parent_class)->finalize (object);
}

static void
drey_field_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DreyFieldItem *self = DREY_FIELD_ITEM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_STATS:
      g_value_set_boxed (value, self->stats);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_field_item_class_init (DreyFieldItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = drey_field_item_finalize;
  object_class->get_property = drey_field_item_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATS] =
    g_param_spec_boxed ("stats", NULL, NULL, SQ_TYPE_FIELD_STATS,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_field_item_init (DreyFieldItem *self)
{
  self->drifts = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_drift_unref);
}

DreyFieldItem *
drey_field_item_new (const char *path)
{
  DreyFieldItem *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DREY_TYPE_FIELD_ITEM, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
drey_field_item_get_path (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), NULL);
  return self->path;
}

/**
 * drey_field_item_get_stats:
 *
 * Returns: (transfer none) (nullable): the field's statistics over the
 *   shards scanned so far
 */
SqFieldStats *
drey_field_item_get_stats (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), NULL);
  return self->stats;
}

/* The share of the store's samples that hold the field (0 to 1). */
double
drey_field_item_get_presence (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), 0);
  return self->presence;
}

/**
 * drey_field_item_get_drifts:
 *
 * Returns: (transfer none) (element-type SqDrift): how the field drifts
 *   across the shards scanned so far (none: it does not)
 */
GPtrArray *
drey_field_item_get_drifts (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), NULL);
  return self->drifts;
}

/* Under a list's items (`boxes[].label`): several values per sample. */
gboolean
drey_field_item_get_in_list (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), FALSE);
  return strstr (self->path, "[]") != NULL;
}

static gboolean
has_type (DreyFieldItem *self,
          gboolean     (*accept) (const char *type))
{
  const SqCount *types;
  guint n = 0;

  if (self->stats == NULL)
    return FALSE;
  types = sq_field_stats_get_types (self->stats, &n);
  for (guint i = 0; i < n; i++)
    if (accept (types[i].name))
      return TRUE;
  return FALSE;
}

static gboolean
is_scalar_type (const char *type)
{
  return g_str_equal (type, "int") || g_str_equal (type, "float") || g_str_equal (type, "bool") ||
         g_str_equal (type, "str") || g_str_equal (type, "bytes") || g_str_equal (type, "complex") ||
         g_str_has_prefix (type, "numpy.");
}

static gboolean
is_container_type (const char *type)
{
  return g_str_equal (type, "list") || g_str_equal (type, "tuple") || g_str_equal (type, "dict") ||
         g_str_equal (type, "ndarray");
}

static gboolean
is_array_type (const char *type)
{
  return g_str_equal (type, "ndarray");
}

/* A field of one plain value per sample: a column of the table. None
 * is allowed beside the scalars (a label that is sometimes missing). */
gboolean
drey_field_item_get_is_scalar (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), FALSE);
  return !drey_field_item_get_in_list (self) && has_type (self, is_scalar_type) &&
         !has_type (self, is_container_type);
}

/* A field of numpy arrays, one per sample. */
gboolean
drey_field_item_get_is_array (DreyFieldItem *self)
{
  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), FALSE);
  return !drey_field_item_get_in_list (self) && has_type (self, is_array_type);
}

/* Arrays that read as images in most samples: a field the gallery shows. */
gboolean
drey_field_item_get_is_image (DreyFieldItem *self)
{
  const SqCount *patterns;
  guint n = 0;
  guint64 images = 0, all = 0;

  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), FALSE);

  if (!drey_field_item_get_is_array (self))
    return FALSE;
  patterns = sq_field_stats_get_patterns (self->stats, &n);
  for (guint i = 0; i < n; i++)
    {
      all += patterns[i].count;
      if (drey_image_pattern_is_image (patterns[i].name))
        images += patterns[i].count;
    }
  return all > 0 && images * 2 >= all;
}

static char *
join_counts (const SqCount *counts,
             guint          n,
             guint64        total)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, counts[i].name);
      /* One case needs no share. */
      if (n > 1 && total > 0)
        g_string_append_printf (text, " %.1f%%", 100.0 * (double) counts[i].count / (double) total);
    }
  return g_string_free (text, FALSE);
}

/* "int", "int 99.8%, NoneType 0.2%" */
char *
drey_field_item_dup_types_text (DreyFieldItem *self)
{
  const SqCount *types;
  guint n = 0;

  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), NULL);

  if (self->stats == NULL)
    return g_strdup ("");
  types = sq_field_stats_get_types (self->stats, &n);
  return join_counts (types, n, sq_field_stats_get_n_values (self->stats));
}

/* "uint8 224x224x3 99.6%, uint8 224x224x1 0.4%", or "" for no arrays */
char *
drey_field_item_dup_patterns_text (DreyFieldItem *self)
{
  const SqCount *patterns;
  guint64 total = 0;
  guint n = 0;

  g_return_val_if_fail (DREY_IS_FIELD_ITEM (self), NULL);

  if (self->stats == NULL)
    return g_strdup ("");
  patterns = sq_field_stats_get_patterns (self->stats, &n);
  for (guint i = 0; i < n; i++)
    total += patterns[i].count;
  return join_counts (patterns, n, total);
}

/**
 * drey_field_item_update:
 * @stats: (transfer none): the field's statistics now
 * @drifts: (element-type SqDrift) (transfer none): its drifts now
 *
 * Takes the schema's figures; notifies "stats".
 */
void
drey_field_item_update (DreyFieldItem *self,
                        SqFieldStats  *stats,
                        double         presence,
                        GPtrArray     *drifts)
{
  g_return_if_fail (DREY_IS_FIELD_ITEM (self));
  g_return_if_fail (stats != NULL);

  /* The schema merges into its stats in place: keep a copy of now. */
  g_clear_pointer (&self->stats, sq_field_stats_unref);
  self->stats = sq_field_stats_copy (stats);
  self->presence = presence;
  g_ptr_array_set_size (self->drifts, 0);
  for (guint i = 0; drifts != NULL && i < drifts->len; i++)
    g_ptr_array_add (self->drifts, sq_drift_ref (g_ptr_array_index (drifts, i)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
}
