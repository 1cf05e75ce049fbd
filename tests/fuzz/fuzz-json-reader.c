/* fuzz-json-reader.c: one JSON value, as squirrel's JsonlDriver and as
 * drey-cli set read it
 *
 * The input is one line's text (without its newline), parsed with
 * SQ_JSON_SQUIRREL and with SQ_JSON_EXACT. Whatever parses is shown; its
 * exact JSON reads back as the same value; and what a JSON Lines shard
 * holds, written back as Drey saves such a shard, reads back the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sq-json-private.h"
#include "sq-value-private.h"

static void
check_parse_error (const GError *error)
{
  if (!g_utf8_validate (error->message, -1, NULL))
    fuzz_fail ("an error message is not valid UTF-8");
  if (!g_str_has_prefix (error->message, "at byte "))
    fuzz_fail ("a JSON error does not start with its byte: %s", error->message);
  if (error->domain != SQ_DECODE_ERROR && !g_error_matches (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED))
    fuzz_fail ("not a decode error: %s", error->message);
}

/* Saving a JSON Lines shard writes every sample again, edited or not: what
 * was read must come back as it was, or the writer must refuse. */
static void
check_jsonl_round_trip (SqValue *value)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqValue) back = NULL;

  if (!sq_json_append (json, value, SQ_JSON_SQUIRREL, &error))
    {
      if (!g_error_matches (error, SQ_ENCODE_ERROR, SQ_ENCODE_ERROR_UNSUPPORTED))
        fuzz_fail ("the JSON Lines writer fails on a value its reader made: %s", error->message);
      return;
    }
  if (memchr (json->str, '\n', json->len) != NULL)
    fuzz_fail ("a JSON line holds a newline");
  back = sq_json_parse (json->str, json->len, SQ_JSON_SQUIRREL, &error);
  if (back == NULL)
    fuzz_fail ("the JSON Lines writer wrote what its reader refuses: %s\n%.400s", error->message, json->str);
  if (!fuzz_values_identical (value, back))
    fuzz_fail ("a JSON Lines sample written back reads differently:\n%.400s", json->str);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const SqJsonFlags modes[] = { SQ_JSON_SQUIRREL, SQ_JSON_EXACT };

  fuzz_init ();
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SqValue) value = sq_json_parse ((const char *) data, size, modes[i], &error);

      if (value == NULL)
        {
          check_parse_error (error);
          continue;
        }
      fuzz_exercise_sample (value);
      if (modes[i] == SQ_JSON_SQUIRREL && _sq_value_cost (value) <= FUZZ_JSON_MAX_COST)
        check_jsonl_round_trip (value);
    }
  return 0;
}
