/* fuzz-msgpack-reader.c: msgpack and msgpack-numpy samples, as squirrel
 * reads them
 *
 * The input is the decompressed payload of a messagepack shard: the
 * harness gzips it and reads it with the msgpack reader alone (no
 * serializer detection), sample by sample to the end or the first error.
 * Every sample is shown and written as drey-cli cat writes it, and its
 * exact JSON must read back as the same value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "sq-input-private.h"
#include "sq-msgpack-reader-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) gzip = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SqInput) input = NULL;
  g_autoptr(SqMsgpackReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  SqValue *sample;

  fuzz_init ();
  gzip = fuzz_gzip (data, size);
  stream = g_memory_input_stream_new_from_bytes (gzip);
  input = _sq_input_new (stream, g_bytes_get_size (gzip), FUZZ_SHARD, FUZZ_MEMORY_LIMIT);
  reader = _sq_msgpack_reader_new (input, FUZZ_SHARD, FUZZ_MEMORY_LIMIT);

  while ((sample = _sq_msgpack_reader_next (reader, NULL, &error)) != NULL)
    {
      fuzz_exercise_sample (sample);
      sq_value_unref (sample);
    }
  if (error != NULL)
    fuzz_check_shard_error (error);
  else if (_sq_input_offset (input, input->pos) != size)
    fuzz_fail ("the reader ended at byte %" G_GUINT64_FORMAT " of %zu", _sq_input_offset (input, input->pos), size);
  return 0;
}
