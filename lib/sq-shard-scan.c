/* sq-shard-scan.c: one shard decoded, every value of every sample added
 * to the statistics of its field path, the query run on each sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-scan"

#include "config.h"

#include <string.h>

#include "sq-error.h"
#include "sq-shard-scan-private.h"
#include "sq-store.h"

struct _SqShardScan
{
  gatomicrefcount  ref;
  SqKeyInfo       *info;
  char            *etag;
  GError          *error;
  guint            n_samples;
  GPtrArray       *fields;      /* SqFieldStats, in the order first met */
  GHashTable      *by_path;
  char            *query;
  GArray          *matches;     /* guint; NULL without a query */
  gboolean         from_cache;
};

G_DEFINE_BOXED_TYPE (SqShardScan, sq_shard_scan, sq_shard_scan_ref, sq_shard_scan_unref)

static SqShardScan *
shard_scan_alloc (const char *key,
                  gint64      size,
                  gint64      mtime,
                  const char *etag)
{
  SqShardScan *scan = g_new0 (SqShardScan, 1);

  g_atomic_ref_count_init (&scan->ref);
  scan->info = sq_key_info_new (key, size, mtime);
  scan->etag = g_strdup (etag);
  scan->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_field_stats_unref);
  scan->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  return scan;
}

SqShardScan *
sq_shard_scan_ref (SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  g_atomic_ref_count_inc (&scan->ref);
  return scan;
}

void
sq_shard_scan_unref (SqShardScan *scan)
{
  g_return_if_fail (scan != NULL);

  if (!g_atomic_ref_count_dec (&scan->ref))
    return;
  sq_key_info_unref (scan->info);
  g_free (scan->etag);
  g_clear_error (&scan->error);
  g_hash_table_unref (scan->by_path);
  g_ptr_array_unref (scan->fields);
  g_free (scan->query);
  g_clear_pointer (&scan->matches, g_array_unref);
  g_free (scan);
}

SqShardScan *
_sq_shard_scan_new_failed (const char   *key,
                           gint64        size,
                           gint64        mtime,
                           const GError *error)
{
  SqShardScan *scan = shard_scan_alloc (key, size, mtime, NULL);

  scan->error = g_error_copy (error);
  return scan;
}

static void
add_field (SqShardScan *scan,
           SqFieldStats *stats)
{
  g_ptr_array_add (scan->fields, stats);
  g_hash_table_insert (scan->by_path, (gpointer) sq_field_stats_get_path (stats), stats);
}

typedef struct
{
  SqShardScan *scan;
  GString     *path;
  guint        sample;
  gboolean     tuples;
} Walk;

static void walk_value (Walk *walk, const SqValue *value, gboolean under_list, gsize parent_len);

/* What @value holds, below the path in @walk. */
static void
walk_children (Walk          *walk,
               const SqValue *value,
               gboolean       under_list)
{
  gsize len = walk->path->len;

  switch (sq_value_get_value_type (value))
    {
    case SQ_VALUE_MAP:
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        {
          SqValue *key = sq_value_get_key (value, i);

          if (len > 0)
            g_string_append_c (walk->path, '.');
          if (sq_value_get_value_type (key) == SQ_VALUE_STR)
            {
              gsize klen;
              const char *k = sq_value_get_str (key, &klen);

              g_string_append_len (walk->path, k, (gssize) klen);
            }
          else
            {
              /* A bytes key, as drey-cli's JSON names it. */
              GBytes *bytes = sq_value_get_bin (key);
              g_autofree char *b64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

              g_string_append_printf (walk->path, "$bytes:%s", b64);
            }
          /* A NUL in a key would cut the path: keep it visible. */
          for (gsize c = len; c < walk->path->len; c++)
            if (walk->path->str[c] == '\0')
              walk->path->str[c] = '?';
          walk_value (walk, sq_value_get_item (value, i), under_list, len);
          g_string_truncate (walk->path, len);
        }
      break;
    case SQ_VALUE_ARRAY:
      g_string_append (walk->path, "[]");
      for (gsize i = 0; i < sq_value_get_length (value); i++)
        walk_value (walk, sq_value_get_item (value, i), TRUE, len);
      g_string_truncate (walk->path, len);
      break;
    default:
      break;
    }
}

/* Adds @value at the path in @walk (whose parent is its first
 * @parent_len bytes), then what it holds. */
static void
walk_value (Walk          *walk,
            const SqValue *value,
            gboolean       under_list,
            gsize          parent_len)
{
  SqFieldStats *stats = g_hash_table_lookup (walk->scan->by_path, walk->path->str);

  if (stats == NULL && walk->scan->fields->len < SQ_SHARD_SCAN_MAX_FIELDS)
    {
      g_autofree char *parent = g_strndup (walk->path->str, parent_len);

      stats = _sq_field_stats_new (walk->path->str, parent, under_list);
      add_field (walk->scan, stats);
    }
  if (stats != NULL)
    _sq_field_stats_add (stats, value, walk->sample, walk->tuples);
  walk_children (walk, value, under_list);
}

static void
walk_sample (Walk          *walk,
             const SqValue *sample)
{
  g_string_truncate (walk->path, 0);
  /* The sample itself is no field, its keys are; unless it is not a map. */
  if (sq_value_get_value_type (sample) == SQ_VALUE_MAP)
    walk_children (walk, sample, FALSE);
  else
    {
      g_string_append (walk->path, "(sample)");
      walk_value (walk, sample, FALSE, 0);
    }
}

SqShardScan *
_sq_shard_scan_new_stamped (SqStore       *store,
                            SqReadOrder   *order,
                            guint          index,
                            const char    *key,
                            SqQuery       *query,
                            gint64         size,
                            gint64         mtime,
                            const char    *etag,
                            GPtrArray     *matched,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(SqShardScan) scan = shard_scan_alloc (key, size, mtime, etag);
  GError *local_error = NULL;
  Walk walk = { scan, NULL, 0, FALSE };
  SqValue *sample;

  if (query != NULL)
    {
      scan->query = g_strdup (sq_query_get_expression (query));
      scan->matches = g_array_new (FALSE, FALSE, sizeof (guint));
    }

  reader = order != NULL ? _sq_read_order_open (order, index, key, cancellable, &local_error)
                         : sq_store_open_shard (store, key, cancellable, &local_error);
  if (reader == NULL)
    goto failed;

  walk.path = g_string_new (NULL);
  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      walk.tuples = sq_shard_reader_get_serializer (reader) == SQ_SERIALIZER_MESSAGEPACK;
      walk_sample (&walk, sample);
      if (query != NULL && sq_query_matches (query, sample))
        {
          g_array_append_val (scan->matches, walk.sample);
          if (matched != NULL)
            g_ptr_array_add (matched, sq_value_ref (sample));
        }
      walk.sample++;
      sq_value_unref (sample);
    }
  g_string_free (walk.path, TRUE);
  scan->n_samples = walk.sample;
  if (local_error != NULL)
    goto failed;
  return g_steal_pointer (&scan);

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  /* A shard that cannot be read is a result: its error, and nothing of
   * what came before it counts. */
  scan->error = local_error;
  g_hash_table_remove_all (scan->by_path);
  g_ptr_array_set_size (scan->fields, 0);
  if (scan->matches != NULL)
    g_array_set_size (scan->matches, 0);
  if (matched != NULL)
    g_ptr_array_set_size (matched, 0);
  return g_steal_pointer (&scan);
}

SqShardScan *
sq_shard_scan_new (SqStore       *store,
                   const char    *key,
                   SqQuery       *query,
                   GCancellable  *cancellable,
                   GError       **error)
{
  GError *local_error = NULL;
  gint64 size = -1, mtime = -1;
  g_autofree char *etag = NULL;

  g_return_val_if_fail (SQ_IS_STORE (store), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (query == NULL || SQ_IS_QUERY (query), NULL);

  if (!sq_store_query_shard (store, key, cancellable, &size, &mtime, &etag, &local_error))
    {
      SqShardScan *failed;

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      failed = _sq_shard_scan_new_failed (key, -1, -1, local_error);
      g_error_free (local_error);
      return failed;
    }
  return _sq_shard_scan_new_stamped (store, NULL, 0, key, query, size, mtime, etag, NULL, cancellable, error);
}

const char *
sq_shard_scan_get_key (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return sq_key_info_get_key (scan->info);
}

gint64
sq_shard_scan_get_size (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, -1);
  return sq_key_info_get_size (scan->info);
}

gint64
sq_shard_scan_get_mtime (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, -1);
  return sq_key_info_get_mtime (scan->info);
}

const char *
sq_shard_scan_get_etag (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return scan->etag;
}

const GError *
sq_shard_scan_get_error (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return scan->error;
}

guint
sq_shard_scan_get_n_samples (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, 0);
  return scan->n_samples;
}

guint
sq_shard_scan_get_n_fields (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, 0);
  return scan->fields->len;
}

SqFieldStats *
sq_shard_scan_get_field (const SqShardScan *scan,
                         guint              index)
{
  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (index < scan->fields->len, NULL);
  return scan->fields->pdata[index];
}

const char *
sq_shard_scan_get_query (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);
  return scan->query;
}

const guint *
sq_shard_scan_get_matches (const SqShardScan *scan,
                           guint             *n_matches)
{
  static const guint none[1] = { 0 };

  g_return_val_if_fail (scan != NULL, NULL);

  if (n_matches != NULL)
    *n_matches = scan->matches != NULL ? scan->matches->len : 0;
  if (scan->matches == NULL)
    return NULL;
  return scan->matches->len > 0 ? (const guint *) scan->matches->data : none;
}

gboolean
sq_shard_scan_is_from_cache (const SqShardScan *scan)
{
  g_return_val_if_fail (scan != NULL, FALSE);
  return scan->from_cache;
}

SqKeyInfo *
_sq_shard_scan_get_info (const SqShardScan *scan)
{
  return scan->info;
}

SqFieldStats *
_sq_shard_scan_lookup_field (const SqShardScan *scan,
                             const char        *path)
{
  return g_hash_table_lookup (scan->by_path, path);
}

gboolean
_sq_shard_scan_has_stamp (const SqShardScan *scan,
                          gint64             size,
                          gint64             mtime,
                          const char        *etag)
{
  /* Unknown parts of a stamp never match: better scan again. */
  if (size < 0 || mtime < 0)
    return FALSE;
  return sq_key_info_get_size (scan->info) == size && sq_key_info_get_mtime (scan->info) == mtime &&
         g_strcmp0 (scan->etag, etag) == 0;
}

/* ---- the cache's form ---- */

GVariant *
_sq_shard_scan_to_variant (const SqShardScan *scan)
{
  GVariantBuilder fields;
  GVariant *error = NULL;
  GVariant *matches = NULL;

  g_variant_builder_init (&fields, G_VARIANT_TYPE ("a" SQ_FIELD_STATS_VARIANT_TYPE));
  for (guint i = 0; i < scan->fields->len; i++)
    g_variant_builder_add_value (&fields, _sq_field_stats_to_variant (scan->fields->pdata[i]));
  if (scan->error != NULL)
    error = g_variant_new ("(sis)", g_quark_to_string (scan->error->domain), scan->error->code,
                           scan->error->message);
  if (scan->matches != NULL)
    matches = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, scan->matches->data, scan->matches->len,
                                         sizeof (guint32));
  return g_variant_new ("(sxxm" "s" "@m(sis)u@a" SQ_FIELD_STATS_VARIANT_TYPE "m" "s" "@mau)",
                        sq_key_info_get_key (scan->info), sq_key_info_get_size (scan->info),
                        sq_key_info_get_mtime (scan->info), scan->etag,
                        g_variant_new_maybe (G_VARIANT_TYPE ("(sis)"), error), scan->n_samples,
                        g_variant_builder_end (&fields), scan->query,
                        g_variant_new_maybe (G_VARIANT_TYPE ("au"), matches));
}

/* NULL for anything the cache could not have written. */
SqShardScan *
_sq_shard_scan_from_variant (GVariant *variant)
{
  g_autoptr(SqShardScan) scan = NULL;
  g_autoptr(GVariant) error = NULL, fields = NULL, matches = NULL;
  const char *key, *etag = NULL, *query = NULL;
  gint64 size, mtime;
  guint n_samples;
  GVariantIter iter;
  GVariant *child;

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (SQ_SHARD_SCAN_VARIANT_TYPE)))
    return NULL;
  g_variant_get (variant, "(&sxxm&s@m(sis)u@a" SQ_FIELD_STATS_VARIANT_TYPE "m&s@mau)",
                 &key, &size, &mtime, &etag, &error, &n_samples, &fields, &query, &matches);
  if (!sq_store_check_key (key, FALSE, NULL))
    return NULL;
  scan = shard_scan_alloc (key, size, mtime, etag);
  scan->from_cache = TRUE;
  scan->n_samples = n_samples;
  scan->query = g_strdup (query);
  {
    g_autoptr(GVariant) e = g_variant_get_maybe (error);

    if (e != NULL)
      {
        const char *domain, *message;
        int code;
        GQuark quark;

        g_variant_get (e, "(&si&s)", &domain, &code, &message);
        /* Only domains this process knows: no quark made from a file. */
        quark = g_quark_try_string (domain);
        if (quark == 0 || !g_utf8_validate (message, -1, NULL))
          return NULL;
        scan->error = g_error_new_literal (quark, code, message);
      }
  }
  if (g_variant_n_children (fields) > SQ_SHARD_SCAN_MAX_FIELDS || (scan->error != NULL && g_variant_n_children (fields) > 0))
    return NULL;
  g_variant_iter_init (&iter, fields);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      SqFieldStats *stats = _sq_field_stats_from_variant (child);
      const SqSampleRange *ranges;
      guint n_ranges;

      g_variant_unref (child);
      if (stats == NULL || g_hash_table_contains (scan->by_path, sq_field_stats_get_path (stats)))
        {
          g_clear_pointer (&stats, sq_field_stats_unref);
          return NULL;
        }
      ranges = _sq_field_stats_get_presence (stats, &n_ranges);
      if (n_ranges > 0 && ranges[n_ranges - 1].end > n_samples)
        {
          sq_field_stats_unref (stats);
          return NULL;
        }
      add_field (scan, stats);
    }
  {
    g_autoptr(GVariant) m = g_variant_get_maybe (matches);

    if ((m != NULL) != (query != NULL))
      return NULL;
    if (m != NULL)
      {
        gsize n;
        const guint32 *data = g_variant_get_fixed_array (m, &n, sizeof (guint32));

        scan->matches = g_array_sized_new (FALSE, FALSE, sizeof (guint), (guint) n);
        for (gsize i = 0; i < n; i++)
          {
            if (data[i] >= n_samples || (i > 0 && data[i] <= data[i - 1]))
              return NULL;
            g_array_append_val (scan->matches, data[i]);
          }
      }
  }
  return g_steal_pointer (&scan);
}
