/* sq-schema.c: the fields of the shards added, merged, and their drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include <string.h>

#include "sq-drift-private.h"
#include "sq-schema.h"
#include "sq-shard-scan-private.h"

typedef struct
{
  SqFieldStats *stats;   /* merged, store-level */
  SqKeyInfo    *first;   /* the first shard, in key order, that has it */
  guint         index;   /* its place among that shard's fields */
} Field;

struct _SqSchema
{
  gatomicrefcount  ref;
  GPtrArray       *shards;   /* SqShardScan, in key order */
  GHashTable      *keys;     /* key -> SqShardScan */
  GPtrArray       *fields;   /* Field */
  GHashTable      *by_path;  /* path -> Field */
  gboolean         sorted;
  guint64          n_samples;
};

G_DEFINE_BOXED_TYPE (SqSchema, sq_schema, sq_schema_ref, sq_schema_unref)

static void
field_free (Field *field)
{
  sq_field_stats_unref (field->stats);
  sq_key_info_unref (field->first);
  g_free (field);
}

SqSchema *
sq_schema_new (void)
{
  SqSchema *schema = g_new0 (SqSchema, 1);

  g_atomic_ref_count_init (&schema->ref);
  schema->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_shard_scan_unref);
  schema->keys = g_hash_table_new (g_str_hash, g_str_equal);
  schema->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  schema->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  schema->sorted = TRUE;
  return schema;
}

SqSchema *
sq_schema_ref (SqSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);

  g_atomic_ref_count_inc (&schema->ref);
  return schema;
}

void
sq_schema_unref (SqSchema *schema)
{
  g_return_if_fail (schema != NULL);

  if (!g_atomic_ref_count_dec (&schema->ref))
    return;
  g_hash_table_unref (schema->keys);
  g_hash_table_unref (schema->by_path);
  g_ptr_array_unref (schema->fields);
  g_ptr_array_unref (schema->shards);
  g_free (schema);
}

static int
field_compare (gconstpointer a,
               gconstpointer b)
{
  const Field *x = *(const Field **) a;
  const Field *y = *(const Field **) b;
  int c = sq_key_info_compare (x->first, y->first);

  if (c != 0)
    return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void
ensure_sorted (SqSchema *schema)
{
  if (schema->sorted)
    return;
  g_ptr_array_sort (schema->fields, field_compare);
  schema->sorted = TRUE;
}

/**
 * sq_schema_add_shard:
 * @shard: a scanned shard
 *
 * Merges @shard's fields into @schema.
 *
 * Returns: %TRUE if it was added; %FALSE for a failed shard or a key
 *   already added
 */
gboolean
sq_schema_add_shard (SqSchema    *schema,
                     SqShardScan *shard)
{
  SqKeyInfo *info;
  guint lo = 0, hi;

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (shard != NULL, FALSE);

  if (sq_shard_scan_get_error (shard) != NULL ||
      g_hash_table_contains (schema->keys, sq_shard_scan_get_key (shard)))
    return FALSE;

  info = _sq_shard_scan_get_info (shard);
  /* Kept in key order: binary search from the end, where a scan in key
   * order appends. */
  hi = schema->shards->len;
  if (hi > 0 && sq_key_info_compare (_sq_shard_scan_get_info (schema->shards->pdata[hi - 1]), info) < 0)
    lo = hi;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (sq_key_info_compare (_sq_shard_scan_get_info (schema->shards->pdata[mid]), info) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_ptr_array_insert (schema->shards, (gint) lo, sq_shard_scan_ref (shard));
  g_hash_table_insert (schema->keys, (gpointer) sq_shard_scan_get_key (shard), shard);
  schema->n_samples += sq_shard_scan_get_n_samples (shard);

  for (guint i = 0; i < sq_shard_scan_get_n_fields (shard); i++)
    {
      SqFieldStats *stats = sq_shard_scan_get_field (shard, i);
      Field *field = g_hash_table_lookup (schema->by_path, sq_field_stats_get_path (stats));

      if (field == NULL)
        {
          field = g_new0 (Field, 1);
          field->stats = sq_field_stats_copy (stats);
          field->first = sq_key_info_ref (info);
          field->index = i;
          g_ptr_array_add (schema->fields, field);
          g_hash_table_insert (schema->by_path, (gpointer) sq_field_stats_get_path (field->stats), field);
          if (schema->fields->len > 1)
            schema->sorted = FALSE;
          continue;
        }
      sq_field_stats_merge (field->stats, stats);
      if (sq_key_info_compare (info, field->first) < 0)
        {
          sq_key_info_unref (field->first);
          field->first = sq_key_info_ref (info);
          field->index = i;
          schema->sorted = FALSE;
        }
    }
  return TRUE;
}

guint
sq_schema_get_n_shards (SqSchema *schema)
{
  g_return_val_if_fail (schema != NULL, 0);
  return schema->shards->len;
}

guint64
sq_schema_get_n_samples (SqSchema *schema)
{
  g_return_val_if_fail (schema != NULL, 0);
  return schema->n_samples;
}

guint
sq_schema_get_n_fields (SqSchema *schema)
{
  g_return_val_if_fail (schema != NULL, 0);
  return schema->fields->len;
}

SqFieldStats *
sq_schema_get_field (SqSchema *schema,
                     guint     index)
{
  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (index < schema->fields->len, NULL);

  ensure_sorted (schema);
  return ((Field *) schema->fields->pdata[index])->stats;
}

SqFieldStats *
sq_schema_lookup_field (SqSchema   *schema,
                        const char *path)
{
  Field *field;

  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  field = g_hash_table_lookup (schema->by_path, path);
  return field != NULL ? field->stats : NULL;
}

double
sq_schema_get_presence (SqSchema   *schema,
                        const char *path)
{
  SqFieldStats *stats;

  g_return_val_if_fail (schema != NULL, 0.0);

  stats = sq_schema_lookup_field (schema, path);
  if (stats == NULL || schema->n_samples == 0)
    return 0.0;
  return (double) sq_field_stats_get_n_samples (stats) / (double) schema->n_samples;
}

/* ---- drift ---- */

static char *
percent (guint64 part,
         guint64 whole)
{
  double p = whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;

  if (part > 0 && p < 0.1)
    return g_strdup ("<0.1%");
  if (part < whole && p > 99.9)
    return g_strdup (">99.9%");
  return g_strdup_printf ("%.1f%%", p);
}

/* `a in 99.6%, b in 0.4%`, the first three cases and how many more. */
static char *
describe_cases (const SqCount *cases,
                guint          n,
                guint64        total)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n && i < 3; i++)
    {
      g_autofree char *p = percent (cases[i].count, total);

      g_string_append_printf (out, "%s%s in %s", i > 0 ? ", " : "", cases[i].name, p);
    }
  if (n > 3)
    g_string_append_printf (out, ", and %u more", n - 3);
  return g_string_free (out, FALSE);
}

/* Samples [start, end) of @a not in @b: both sorted, disjoint. */
static guint64
subtract_ranges (const SqSampleRange *a,
                 guint                na,
                 const SqSampleRange *b,
                 guint                nb,
                 SqDrift             *drift,
                 gboolean            *shard_added,
                 const char          *key)
{
  guint64 missing = 0;
  guint j = 0;

  for (guint i = 0; i < na; i++)
    {
      guint s = a[i].start;

      while (s < a[i].end)
        {
          guint gap_end;

          while (j < nb && b[j].end <= s)
            j++;
          if (j < nb && b[j].start <= s)
            {
              s = b[j].end;
              continue;
            }
          gap_end = j < nb ? MIN (b[j].start, a[i].end) : a[i].end;
          if (!*shard_added)
            {
              _sq_drift_add_shard (drift, key);
              *shard_added = TRUE;
            }
          for (guint k = s; k < gap_end && sq_drift_get_n_sample_refs (drift) < SQ_DRIFT_MAX_SAMPLES; k++)
            _sq_drift_add_sample (drift, k);
          missing += gap_end - s;
          s = gap_end;
        }
    }
  return missing;
}

static SqDrift *
missing_drift (SqSchema     *schema,
               SqFieldStats *field)
{
  const char *path = sq_field_stats_get_path (field);
  const char *parent = _sq_field_stats_get_parent (field);
  g_autoptr(SqDrift) drift = _sq_drift_new (SQ_DRIFT_MISSING, path, NULL);
  guint64 missing = 0, of = 0;

  for (guint s = 0; s < schema->shards->len; s++)
    {
      SqShardScan *shard = schema->shards->pdata[s];
      SqFieldStats *here = _sq_shard_scan_lookup_field (shard, path);
      SqSampleRange all = { 0, sq_shard_scan_get_n_samples (shard) };
      const SqSampleRange *outer = &all, *inner = NULL;
      guint n_outer = all.end > 0 ? 1 : 0, n_inner = 0;
      gboolean added = FALSE;

      if (*parent != '\0')
        {
          SqFieldStats *up = _sq_shard_scan_lookup_field (shard, parent);

          if (up == NULL)
            continue;  /* the parent's own drift */
          outer = _sq_field_stats_get_presence (up, &n_outer);
        }
      for (guint i = 0; i < n_outer; i++)
        of += outer[i].end - outer[i].start;
      if (here != NULL)
        inner = _sq_field_stats_get_presence (here, &n_inner);
      missing += subtract_ranges (outer, n_outer, inner, n_inner, drift, &added, sq_shard_scan_get_key (shard));
    }
  if (missing == 0)
    return NULL;
  _sq_drift_set_description (drift, g_strdup_printf ("missing from %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                                     " samples%s, in %u of %u shards",
                                                     missing, of, *parent ? " that have its parent" : "",
                                                     sq_drift_get_n_shards (drift), schema->shards->len));
  _sq_drift_set_n_samples (drift, missing);
  return g_steal_pointer (&drift);
}

/* What a pattern says: `uint8 224x224x3` -> dtype `uint8`, rank 3. */
static void
pattern_parts (const char *pattern,
               char      **dtype,
               guint      *rank)
{
  const char *space = strrchr (pattern, ' ');

  *dtype = space != NULL ? g_strndup (pattern, space - pattern) : g_strdup (pattern);
  *rank = 0;
  if (space != NULL && strcmp (space + 1, "scalar") != 0)
    {
      *rank = 1;
      for (const char *p = space + 1; *p; p++)
        if (*p == 'x')
          (*rank)++;
    }
}

static int
uint_compare (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* A drift whose concerned samples are those of the cases @concerned
 * says: of the types (or patterns) of @path in each shard. */
static SqDrift *
cases_drift (SqSchema    *schema,
             SqDriftKind  kind,
             const char  *path,
             gboolean     of_patterns,
             char        *description,
             GPtrArray   *concerned)
{
  SqDrift *drift = _sq_drift_new (kind, path, description);
  guint64 n = 0;

  for (guint s = 0; s < schema->shards->len; s++)
    {
      SqShardScan *shard = schema->shards->pdata[s];
      SqFieldStats *here = _sq_shard_scan_lookup_field (shard, path);
      g_autoptr(GArray) refs = NULL;
      guint64 in_shard = 0;

      if (here == NULL)
        continue;
      refs = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint c = 0; c < concerned->len; c++)
        {
          guint64 count;
          guint n_examples;
          const guint *examples = _sq_field_stats_get_examples (here, of_patterns, concerned->pdata[c], &count,
                                                                &n_examples);

          in_shard += count;
          g_array_append_vals (refs, examples, n_examples);
        }
      if (in_shard == 0)
        continue;
      n += in_shard;
      _sq_drift_add_shard (drift, sq_shard_scan_get_key (shard));
      /* Sorted, once each: cases share samples under []. */
      g_array_sort (refs, uint_compare);
      {
        const guint *data = (const guint *) refs->data;

        for (guint i = 0; i < refs->len; i++)
          if (i == 0 || data[i] != data[i - 1])
            _sq_drift_add_sample (drift, data[i]);
      }
    }
  _sq_drift_set_n_samples (drift, n);
  return drift;
}

typedef struct
{
  char    *name;
  guint64  count;
} Group;

/* Groups @patterns by dtype (or rank); the largest group first. */
static GArray *
group_patterns (const SqCount *patterns,
                guint          n,
                gboolean       by_rank)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (Group));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dtype = NULL;
      guint rank;
      g_autofree char *name = NULL;
      guint g;

      pattern_parts (patterns[i].name, &dtype, &rank);
      name = by_rank ? g_strdup_printf ("%u-d", rank) : g_strdup (dtype);
      for (g = 0; g < groups->len; g++)
        if (strcmp (g_array_index (groups, Group, g).name, name) == 0)
          break;
      if (g == groups->len)
        {
          Group group = { g_steal_pointer (&name), 0 };

          g_array_append_val (groups, group);
        }
      g_array_index (groups, Group, g).count += patterns[i].count;
    }
  return groups;
}

static void
groups_free (GArray *groups)
{
  for (guint i = 0; i < groups->len; i++)
    g_free (g_array_index (groups, Group, i).name);
  g_array_unref (groups);
}

static int
group_compare (gconstpointer a,
               gconstpointer b)
{
  const Group *x = a;
  const Group *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->name, y->name);
}

static SqDrift *
group_drift (SqSchema      *schema,
             SqFieldStats  *field,
             gboolean       by_rank)
{
  guint n;
  const SqCount *patterns = sq_field_stats_get_patterns (field, &n);
  GArray *groups = group_patterns (patterns, n, by_rank);
  g_autoptr(GPtrArray) concerned = g_ptr_array_new ();
  g_autofree SqCount *cases = NULL;
  guint64 total = 0;
  SqDrift *drift;

  if (groups->len < 2)
    {
      groups_free (groups);
      return NULL;
    }
  g_array_sort (groups, group_compare);
  cases = g_new (SqCount, groups->len);
  for (guint g = 0; g < groups->len; g++)
    {
      cases[g].name = g_array_index (groups, Group, g).name;
      cases[g].count = g_array_index (groups, Group, g).count;
      total += cases[g].count;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dtype = NULL;
      g_autofree char *name = NULL;
      guint rank;

      pattern_parts (patterns[i].name, &dtype, &rank);
      name = by_rank ? g_strdup_printf ("%u-d", rank) : g_strdup (dtype);
      if (strcmp (name, cases[0].name) != 0)
        g_ptr_array_add (concerned, (gpointer) patterns[i].name);
    }
  drift = cases_drift (schema, by_rank ? SQ_DRIFT_RANK : SQ_DRIFT_DTYPE, sq_field_stats_get_path (field), TRUE,
                       describe_cases (cases, groups->len, total), concerned);
  groups_free (groups);
  return drift;
}

static SqDrift *
shape_drift (SqSchema     *schema,
             SqFieldStats *field)
{
  guint n;
  const SqCount *patterns = sq_field_stats_get_patterns (field, &n);
  g_autoptr(GPtrArray) concerned = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 total = 0;
  gboolean varies = FALSE;

  if (!sq_field_stats_get_patterns_exact (field))
    {
      /* Over SQ_FIELD_STATS_MAX_PATTERNS shapes: which sample has which
       * is no longer known. */
      return _sq_drift_new (SQ_DRIFT_SHAPE, sq_field_stats_get_path (field),
                            g_strdup_printf ("more than %d shapes", SQ_FIELD_STATS_MAX_PATTERNS));
    }
  /* Patterns come most frequent first: the first of each dtype and rank
   * is its common shape, the others vary from it. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dtype = NULL;
      guint rank;
      char *group;

      pattern_parts (patterns[i].name, &dtype, &rank);
      group = g_strdup_printf ("%s %u", dtype, rank);
      total += patterns[i].count;
      if (g_hash_table_contains (seen, group))
        {
          g_ptr_array_add (concerned, (gpointer) patterns[i].name);
          varies = TRUE;
          g_free (group);
        }
      else
        g_hash_table_add (seen, group);
    }
  if (!varies)
    return NULL;
  return cases_drift (schema, SQ_DRIFT_SHAPE, sq_field_stats_get_path (field), TRUE,
                      describe_cases (patterns, n, total), concerned);
}

static SqDrift *
type_drift (SqSchema     *schema,
            SqFieldStats *field)
{
  guint n;
  const SqCount *types = sq_field_stats_get_types (field, &n);
  g_autoptr(GPtrArray) concerned = g_ptr_array_new ();
  guint64 total = 0;

  if (n < 2)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      total += types[i].count;
      if (i > 0)
        g_ptr_array_add (concerned, (gpointer) types[i].name);
    }
  return cases_drift (schema, SQ_DRIFT_TYPE, sq_field_stats_get_path (field), FALSE,
                      describe_cases (types, n, total), concerned);
}

/**
 * sq_schema_get_drifts:
 *
 * Returns: (transfer full) (element-type SqDrift): the drifts found in the
 *   shards added so far, in field order: missing, type, dtype, rank, shape
 */
GPtrArray *
sq_schema_get_drifts (SqSchema *schema)
{
  GPtrArray *drifts;

  g_return_val_if_fail (schema != NULL, NULL);

  ensure_sorted (schema);
  drifts = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_drift_unref);
  for (guint i = 0; i < schema->fields->len; i++)
    {
      SqFieldStats *field = ((Field *) schema->fields->pdata[i])->stats;
      SqDrift *drift;

      if (!_sq_field_stats_is_under_list (field) && (drift = missing_drift (schema, field)) != NULL)
        g_ptr_array_add (drifts, drift);
      if ((drift = type_drift (schema, field)) != NULL)
        g_ptr_array_add (drifts, drift);
      if ((drift = group_drift (schema, field, FALSE)) != NULL)
        g_ptr_array_add (drifts, drift);
      if ((drift = group_drift (schema, field, TRUE)) != NULL)
        g_ptr_array_add (drifts, drift);
      if ((drift = shape_drift (schema, field)) != NULL)
        g_ptr_array_add (drifts, drift);
    }
  return drifts;
}
