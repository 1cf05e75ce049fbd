/* drey-sample-format.c: samples in files, read (a new shard's content, an
 * array to add) and written (export)
 *
 * Each file's format is told by its name:
 *
 * - JSON Lines (.jsonl, .jsonlines, .ndjson): a sample a line, in
 *   squirrel's JSON convention (an array is {"data", "type", "shape"});
 *   blank lines are skipped, as a file edited by hand often ends in one.
 * - JSON (.json): a top-level list is a list of samples, one per item;
 *   any other value (a dict, an array object, a number) is one sample. A
 *   list as one sample would be rare (squirrel's samples are dicts), and
 *   "a file of samples" is what someone saving json.dump(samples) means.
 * - .npy: one sample, the array.
 * - PNG: one sample, the image as an HxWxC uint8 array.
 *
 * The samples come in the order of the files, then of their contents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-format"

#include "config.h"

#include <string.h>

#include "sq-npy.h"

#include "drey-image.h"
#include "drey-sample-format.h"

G_DEFINE_QUARK (drey-sample-format-error-quark, drey_sample_format_error)

/**
 * drey_sample_format_for_file:
 *
 * Returns: the format @file's name says, or %DREY_SAMPLE_FORMAT_UNKNOWN
 */
DreySampleFormat
drey_sample_format_for_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *name = basename != NULL ? g_ascii_strdown (basename, -1) : NULL;

  if (name == NULL)
    return DREY_SAMPLE_FORMAT_UNKNOWN;
  if (g_str_has_suffix (name, ".jsonl") || g_str_has_suffix (name, ".jsonlines") ||
      g_str_has_suffix (name, ".ndjson"))
    return DREY_SAMPLE_FORMAT_JSON_LINES;
  if (g_str_has_suffix (name, ".json"))
    return DREY_SAMPLE_FORMAT_JSON;
  if (g_str_has_suffix (name, ".npy"))
    return DREY_SAMPLE_FORMAT_NPY;
  if (g_str_has_suffix (name, ".png"))
    return DREY_SAMPLE_FORMAT_PNG;
  return DREY_SAMPLE_FORMAT_UNKNOWN;
}

/**
 * drey_sample_format_get_extension:
 *
 * Returns: the file name extension of @format, without the dot ("json")
 */
const char *
drey_sample_format_get_extension (DreySampleFormat format)
{
  switch (format)
    {
    case DREY_SAMPLE_FORMAT_JSON_LINES:
      return "jsonl";
    case DREY_SAMPLE_FORMAT_JSON:
      return "json";
    case DREY_SAMPLE_FORMAT_NPY:
      return "npy";
    case DREY_SAMPLE_FORMAT_PNG:
      return "png";
    case DREY_SAMPLE_FORMAT_UNKNOWN:
    default:
      return "";
    }
}

/* Skips a UTF-8 byte order mark: editors on Windows write one, and it is
 * not JSON. */
static const char *
skip_bom (const char *p,
          const char *end)
{
  if (end - p >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    return p + 3;
  return p;
}

static gboolean
read_jsonl (GBytes        *bytes,
            GPtrArray     *samples,
            GCancellable  *cancellable,
            GError       **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  const char *end, *p;

  if (data == NULL)
    return TRUE; /* an empty file: no samples */
  end = data + length;
  p = skip_bom (data, end);

  for (guint line = 1; p < end; line++)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = nl != NULL ? nl : end;
      gboolean blank = TRUE;

      for (const char *q = p; q < line_end && blank; q++)
        blank = *q == ' ' || *q == '\t' || *q == '\r';
      if (!blank)
        {
          g_autoptr(GError) local_error = NULL;
          SqValue *value = sq_value_from_json (p, line_end - p, &local_error);

          if (value == NULL)
            {
              g_set_error (error, local_error->domain, local_error->code, "line %u: %s",
                           line, local_error->message);
              return FALSE;
            }
          g_ptr_array_add (samples, value);
        }
      p = nl != NULL ? nl + 1 : end;
      if ((line & 0x3ff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_json (GBytes     *bytes,
           GPtrArray  *samples,
           GError    **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  const char *start;
  g_autoptr(SqValue) value = NULL;

  if (data == NULL)
    data = "";
  start = skip_bom (data, data + length);
  value = sq_value_from_json (start, (gssize) (length - (gsize) (start - data)), error);
  if (value == NULL)
    return FALSE;
  if (sq_value_get_value_type (value) == SQ_VALUE_ARRAY)
    {
      gsize n = sq_value_get_length (value);

      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (samples, sq_value_ref (sq_value_get_item (value, i)));
    }
  else
    g_ptr_array_add (samples, g_steal_pointer (&value));
  return TRUE;
}

static gboolean
read_array (GBytes            *bytes,
            DreySampleFormat   format,
            GPtrArray         *samples,
            GError           **error)
{
  g_autoptr(SqNdarray) array = NULL;

  if (format == DREY_SAMPLE_FORMAT_NPY)
    array = sq_npy_read (bytes, error);
  else
    array = drey_image_load_png (bytes, error);
  if (array == NULL)
    return FALSE;
  g_ptr_array_add (samples, sq_value_new_ndarray (array));
  return TRUE;
}

/* The name a user knows @file by, for messages; no I/O. */
static char *
display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);
  return g_filename_display_name (basename);
}

static gboolean
load_file (GFile         *file,
           GPtrArray     *samples,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *name = display_name (file);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  DreySampleFormat format = drey_sample_format_for_file (file);
  gboolean ok = FALSE;

  if (format == DREY_SAMPLE_FORMAT_UNKNOWN)
    {
      g_set_error (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_UNKNOWN,
                   "%s: unknown kind of file; Drey takes .jsonl, .json, .npy and .png", name);
      return FALSE;
    }

  /* The size first: a file too large is never read. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      (guint64) g_file_info_get_size (info) > DREY_SAMPLE_FORMAT_MAX_FILE_SIZE)
    {
      g_set_error (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_TOO_LARGE,
                   "%s: the file is larger than %" G_GUINT64_FORMAT " GiB, the most a shard may take",
                   name, DREY_SAMPLE_FORMAT_MAX_FILE_SIZE >> 30);
      return FALSE;
    }

  bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (bytes == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }

  switch (format)
    {
    case DREY_SAMPLE_FORMAT_JSON_LINES:
      ok = read_jsonl (bytes, samples, cancellable, &local_error);
      break;
    case DREY_SAMPLE_FORMAT_JSON:
      ok = read_json (bytes, samples, &local_error);
      break;
    case DREY_SAMPLE_FORMAT_NPY:
    case DREY_SAMPLE_FORMAT_PNG:
      ok = read_array (bytes, format, samples, &local_error);
      break;
    case DREY_SAMPLE_FORMAT_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
    }
  return ok;
}

/**
 * drey_sample_format_load:
 * @files: (array length=n_files): JSON Lines, JSON, .npy or PNG files
 * @n_files: how many
 * @cancellable: (nullable): checked between files and while reading
 * @error: return location for an error whose message starts with the
 *   name of the file at fault
 *
 * Reads the samples of a new shard from @files, in their order. Blocks:
 * call it from a worker.
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
drey_sample_format_load (GFile        **files,
                         guint          n_files,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);

  g_return_val_if_fail (files != NULL || n_files == 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_files; i++)
    {
      g_return_val_if_fail (G_IS_FILE (files[i]), NULL);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!load_file (files[i], samples, cancellable, error))
        return NULL;
    }
  return g_steal_pointer (&samples);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GPtrArray *files = task_data;
  GError *error = NULL;
  GPtrArray *samples = drey_sample_format_load ((GFile **) files->pdata, files->len, cancellable, &error);

  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * drey_sample_format_load_async:
 * @files: (array length=n_files): the files
 * @n_files: how many
 * @cancellable: (nullable): a cancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * drey_sample_format_load() on a worker thread.
 */
void
drey_sample_format_load_async (GFile               **files,
                               guint                 n_files,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *copy;

  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The worker's own list: the caller may change or drop its files. */
  copy = g_ptr_array_new_full (n_files, g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (copy, g_object_ref (files[i]));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, drey_sample_format_load_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_thread);
}

/**
 * drey_sample_format_load_finish:
 *
 * Returns: (transfer full) (element-type SqValue): the samples, or %NULL
 */
GPtrArray *
drey_sample_format_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == drey_sample_format_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * drey_sample_format_export:
 * @value: a sample (for JSON) or an array (for .npy and PNG)
 * @format: %DREY_SAMPLE_FORMAT_JSON, %DREY_SAMPLE_FORMAT_NPY or
 *   %DREY_SAMPLE_FORMAT_PNG
 * @error: return location for an error
 *
 * The bytes of a file holding @value: JSON as drey-cli cat writes it (with
 * a newline at the end, as a text file has), .npy as numpy.save writes it,
 * PNG as the image preview shows it (uint8 images exactly). Safe to call
 * from any thread.
 *
 * Returns: (transfer full) (nullable): the file's bytes, or %NULL
 */
GBytes *
drey_sample_format_export (SqValue           *value,
                           DreySampleFormat   format,
                           GError           **error)
{
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == DREY_SAMPLE_FORMAT_JSON)
    {
      g_autofree char *json = sq_value_to_json (value, error);

      if (json == NULL)
        return NULL;
      return g_bytes_new_take (g_strconcat (json, "\n", NULL), strlen (json) + 1);
    }
  if (format != DREY_SAMPLE_FORMAT_NPY && format != DREY_SAMPLE_FORMAT_PNG)
    {
      g_set_error (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_UNKNOWN,
                   "samples are not exported as .%s", drey_sample_format_get_extension (format));
      return NULL;
    }
  if (sq_value_get_value_type (value) != SQ_VALUE_NDARRAY)
    {
      g_set_error_literal (error, DREY_SAMPLE_FORMAT_ERROR, DREY_SAMPLE_FORMAT_ERROR_NOT_AN_ARRAY,
                           "the value is not an array");
      return NULL;
    }
  if (format == DREY_SAMPLE_FORMAT_NPY)
    return sq_npy_write (sq_value_get_ndarray (value), error);
  return drey_image_save_png (sq_value_get_ndarray (value), error);
}
