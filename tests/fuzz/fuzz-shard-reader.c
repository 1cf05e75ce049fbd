/* fuzz-shard-reader.c: a shard file's bytes, read as drey-cli check reads them
 *
 * The input is the whole KEY.gz. It is read to its end or its first error
 * twice: with its size known (a small shard is inflated whole by
 * libdeflate) and unknown (zlib, streaming), each sample shown, written as
 * drey-cli cat writes it (plain and exact) and summarised as drey-cli stats
 * does. Both ways must agree: the same samples, the same serializer and
 * evidence, or the same failure (only a "decodes both ways" can differ:
 * the streaming reader decides on what it has inflated so far). The probe
 * that a store runs on its shards runs once more on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "sq-shard-reader-private.h"

typedef struct
{
  GPtrArray       *samples;
  GError          *error;
  SqSerializer     serializer;
  SqShardEvidence  evidence;
} Reading;

static void
reading_clear (Reading *reading)
{
  g_clear_pointer (&reading->samples, g_ptr_array_unref);
  g_clear_error (&reading->error);
}

static void
read_shard (GBytes  *bytes,
            goffset  size,
            Reading *reading)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(SqShardReader) reader = sq_shard_reader_new (stream, FUZZ_SHARD, size, FUZZ_MEMORY_LIMIT);
  g_autoptr(SqShardStats) stats = sq_shard_stats_new ();
  g_autoptr(SqValue) summary = NULL;
  SqValue *sample;

  reading->samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  while ((sample = sq_shard_reader_next (reader, NULL, &reading->error)) != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (reading->samples, sample);
      fuzz_exercise_sample (sample);
      if (!sq_shard_stats_add (stats, sample, NULL, &error))
        fuzz_fail ("stats refuse a sample: %s", error->message);
    }
  if (reading->error != NULL)
    fuzz_check_shard_error (reading->error);
  /* After the end or an error, it stays there. */
  if (sq_shard_reader_next (reader, NULL, NULL) != NULL)
    fuzz_fail ("a sample after the end");
  if (sq_shard_reader_get_n_samples (reader) != reading->samples->len)
    fuzz_fail ("the reader counts %u samples, it gave %u", sq_shard_reader_get_n_samples (reader),
               reading->samples->len);

  reading->serializer = sq_shard_reader_get_serializer (reader);
  reading->evidence = sq_shard_reader_get_evidence (reader);
  if (reading->error == NULL)
    {
      g_autoptr(GError) error = NULL;

      summary = sq_shard_stats_to_value (stats, NULL, &error);
      if (summary == NULL)
        fuzz_fail ("no stats: %s", error->message);
      fuzz_exercise_value (summary);
    }
}

static void
probe_shard (GBytes *bytes)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(SqShardReader) reader = sq_shard_reader_new (stream, FUZZ_SHARD, g_bytes_get_size (bytes),
                                                         FUZZ_MEMORY_LIMIT);
  g_autoptr(GError) error = NULL;

  if (_sq_shard_reader_probe (reader, NULL, &error) == SQ_SHARD_EVIDENCE_NONE)
    fuzz_check_shard_error (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  Reading whole = { 0 }, streamed = { 0 };

  fuzz_init ();
  read_shard (bytes, (goffset) size, &whole);
  read_shard (bytes, -1, &streamed);

  if ((whole.error == NULL) != (streamed.error == NULL))
    {
      const GError *failed = whole.error != NULL ? whole.error : streamed.error;

      if (!g_error_matches (failed, SQ_DECODE_ERROR, SQ_DECODE_ERROR_AMBIGUOUS))
        fuzz_fail ("read %s, the shard fails: %s; read %s, it does not",
                   whole.error != NULL ? "whole" : "streaming", failed->message,
                   whole.error != NULL ? "streaming" : "whole");
    }
  else if (whole.error == NULL)
    {
      if (whole.samples->len != streamed.samples->len)
        fuzz_fail ("%u samples read whole, %u streaming", whole.samples->len, streamed.samples->len);
      for (guint i = 0; i < whole.samples->len; i++)
        if (!fuzz_values_identical (whole.samples->pdata[i], streamed.samples->pdata[i]))
          fuzz_fail ("sample %u differs read whole and streaming", i);
      if (whole.serializer != streamed.serializer || whole.evidence != streamed.evidence)
        fuzz_fail ("read whole: serializer %d, evidence %d; streaming: %d, %d", whole.serializer,
                   whole.evidence, streamed.serializer, streamed.evidence);
    }
  else if (whole.error->code != streamed.error->code &&
           whole.error->code != SQ_DECODE_ERROR_AMBIGUOUS && streamed.error->code != SQ_DECODE_ERROR_AMBIGUOUS)
    fuzz_fail ("read whole: %s; streaming: %s", whole.error->message, streamed.error->message);

  probe_shard (bytes);

  reading_clear (&whole);
  reading_clear (&streamed);
  return 0;
}
