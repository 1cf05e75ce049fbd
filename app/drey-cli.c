/* drey-cli.c: Drey's store library from a terminal
 *
 * Exit status: 0 ok, 1 bad data (or a missing shard, or a failed write),
 * 2 usage. Errors go to stderr, one line each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sq.h"

#include <gio/gunixinputstream.h>

#define EXIT_BAD_DATA 1
#define EXIT_USAGE    2

static const char usage[] =
  "Usage: drey-cli [--jobs N] [--memory-limit SIZE] [--no-cache] COMMAND ARGS...\n"
  "\n"
  "Read and write Squirrel stores (squirrel-core's directory of KEY.gz shards).\n"
  "\n"
  "Commands:\n"
  "  keys STORE                 the keys, one a line, in squirrel's order\n"
  "  cat [--exact] [--serializer S] STORE KEY\n"
  "                             the samples as JSON Lines (--exact: lossless,\n"
  "                             for set to write back the same values)\n"
  "  set [--serializer S] STORE [KEY] FILE\n"
  "                             write FILE (JSON Lines, - for stdin) as shard KEY\n"
  "                             (a random key if none); prints the key\n"
  "  copy [--serializer S] [--source-serializer S] SRC_STORE SRC_KEY DEST_STORE [DEST_KEY]\n"
  "                             decode shard SRC_KEY and write it as set does,\n"
  "                             sample by sample (as SRC_KEY if no DEST_KEY;\n"
  "                             S defaults to DEST_STORE's, else SRC_STORE's)\n"
  "  copy --to DEST_STORE [--serializer S] [--source-serializer S] SRC_STORE [KEY...]\n"
  "                             copy the shards KEY (every shard if none) under\n"
  "                             their own keys; prints each key written\n"
  "  rm STORE KEY               remove a shard\n"
  "  check [--serializer S] STORE [KEY...]\n"
  "                             decode every sample; one line per shard, saying\n"
  "                             which serializer decoded it\n"
  "  stats [--serializer S] STORE KEY...\n"
  "                             summaries of each field of a shard, as JSON; for\n"
  "                             several keys one line each, with its \"key\"\n"
  "  info [--serializer S] STORE\n"
  "                             serializer (and why), shard count and sizes\n"
  "  schema [--json] [--no-cache] [--serializer S] STORE\n"
  "                             every field across all shards: presence, types,\n"
  "                             array dtypes and shapes, and drift between shards\n"
  "  stats [--no-cache] [--serializer S] STORE\n"
  "                             store-wide statistics of each field, as JSON (a\n"
  "                             histogram with \"exact\": false counted its numbers\n"
  "                             in buckets at most 0.1% wide, not one by one)\n"
  "  query [--cat] [--no-cache] [--serializer S] STORE EXPR\n"
  "                             the samples EXPR is true for (a Python expression:\n"
  "                             label == 3 and 'cat' in tags, image.shape[0] > 100),\n"
  "                             one KEY<TAB>INDEX line each in store order (INDEX\n"
  "                             0-based in its shard); --cat: the samples as JSON\n"
  "                             Lines\n"
  "\n"
  "STORE is a directory, a GIO location (sftp://, smb://...), or a bucket\n"
  "prefix: s3://BUCKET/PREFIX or gs://BUCKET/PREFIX (credentials as the AWS\n"
  "CLI and gcloud find them; see the README).\n"
  "JSON follows squirrel's convention: arrays as {\"data\", \"type\", \"shape\"};\n"
  "drey-cli adds {\"$bytes\": base64}, {\"$complex\": [re, im]} and\n"
  "{\"$opaque\": why} for what squirrel's JSON cannot hold; cat --exact marks\n"
  "every value that plain JSON would change (see the README).\n"
  "--memory-limit caps what one shard may take, decompressed and decoded\n"
  "(default 4G; suffixes K, M, G). --no-cache reads a bucket's shards from\n"
  "the bucket every time, and keeps none in the cache (~/.cache/drey/shards).\n"
  "check, stats, copy --to, schema and query read several shards at once,\n"
  "one per core (copy --to: two per core, as writes wait on the disk;\n"
  "--jobs N: N at once); what they print is the same.\n"
  "schema, stats STORE and query decode every shard on all cores and keep\n"
  "what they found in $XDG_CACHE_HOME/drey/scan/, so that only shards that\n"
  "changed are decoded again (--no-cache, before or after the command:\n"
  "neither read nor write it).\n"
  "S is messagepack or jsonl. Reading, the default is what each shard's bytes\n"
  "show, and the store's serializer for shards that decode both ways; writing,\n"
  "the store's (messagepack if its shards do not tell; a store whose shards\n"
  "disagree needs --serializer).\n";

static guint64 memory_limit = SQ_DEFAULT_MEMORY_LIMIT;
static gboolean no_cache;
static guint jobs;   /* --jobs: shards read at once; 0 for one per core */

static int
fail_usage (const char *message)
{
  if (message)
    g_printerr ("drey-cli: %s\n", message);
  g_printerr ("%s", usage);
  return EXIT_USAGE;
}

static int
fail (GError *error)
{
  g_printerr ("drey-cli: %s\n", error->message);
  g_error_free (error);
  return EXIT_BAD_DATA;
}

static gboolean
write_out (const char *data,
           gsize       len)
{
  if (fwrite (data, 1, len, stdout) == len)
    return TRUE;
  g_printerr ("drey-cli: cannot write to standard output: %s\n", g_strerror (errno));
  return FALSE;
}

static SqStore *
open_store (const char *location)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (location);
  SqStore *store = sq_store_new (file);

  sq_store_set_memory_limit (store, memory_limit);
  sq_store_set_cache_enabled (store, !no_cache);
  return store;
}

static gboolean
parse_size (const char *text,
            guint64    *out)
{
  char *end = NULL;
  guint64 value;
  guint shift = 0;

  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: break;
    }
  if (*end == 'B' || *end == 'b')
    end++;
  if (*end != '\0' || value > (G_MAXUINT64 >> shift) || (value << shift) < 1024)
    return FALSE;
  *out = value << shift;
  return TRUE;
}

typedef struct
{
  SqSerializer serializer;         /* --serializer */
  SqSerializer source_serializer;  /* --source-serializer (copy) */
  gboolean     exact;              /* --exact (cat) */
  gboolean     json;               /* --json (schema) */
  gboolean     cat;                /* --cat (query) */
  gboolean     no_cache;           /* --no-cache (schema, stats, query) */
  const char  *to;                 /* --to DEST_STORE (copy of several shards) */
} Options;

/* Takes the options right after the command name (`--name VALUE` or
 * `--name=VALUE`) that @allowed names; FALSE, with a message, on anything
 * else that starts with "--". */
static gboolean
parse_options (int          *argc,
               char       ***argv,
               const char   *allowed,
               Options      *options,
               const char  **problem)
{
  *options = (Options) { SQ_SERIALIZER_AUTO, SQ_SERIALIZER_AUTO, FALSE, FALSE, FALSE, FALSE, NULL };
  *problem = NULL;
  while (*argc >= 2 && g_str_has_prefix ((*argv)[1], "--"))
    {
      char *arg = (*argv)[1];
      const char *eq = strchr (arg, '=');
      g_autofree char *name = eq ? g_strndup (arg + 2, (gsize) (eq - arg - 2)) : g_strdup (arg + 2);
      g_autofree char *wanted = g_strdup_printf (" %s ", name);
      SqSerializer *target = NULL;
      const char *value = NULL;

      if (strstr (allowed, wanted) == NULL)
        {
          *problem = "unknown option for this command";
          return FALSE;
        }
      if (strcmp (name, "exact") == 0 || strcmp (name, "json") == 0 || strcmp (name, "cat") == 0 ||
          strcmp (name, "no-cache") == 0)
        {
          if (eq != NULL)
            return (*problem = "this option takes no value"), FALSE;
          if (name[0] == 'e')
            options->exact = TRUE;
          else if (name[0] == 'j')
            options->json = TRUE;
          else if (name[0] == 'c')
            options->cat = TRUE;
          else
            options->no_cache = TRUE;
          *argc -= 1, *argv += 1;
          continue;
        }
      value = eq ? eq + 1 : *argc >= 3 ? (*argv)[2] : NULL;
      if (strcmp (name, "to") == 0)
        {
          if (value == NULL || *value == '\0')
            return (*problem = "--to takes a store"), FALSE;
          options->to = value;
        }
      else
        {
          target = strcmp (name, "serializer") == 0 ? &options->serializer : &options->source_serializer;
          if (value == NULL || !sq_serializer_from_string (value, target) || *target == SQ_SERIALIZER_AUTO)
            {
              *problem = "--serializer takes messagepack or jsonl";
              return FALSE;
            }
        }
      if (eq)
        *argc -= 1, *argv += 1;
      else
        *argc -= 2, *argv += 2;
    }
  return TRUE;
}

#define PARSE_OPTIONS(allowed)                                             \
  Options options;                                                         \
  const char *option_problem;                                              \
  if (!parse_options (&argc, &argv, allowed, &options, &option_problem))  \
    return fail_usage (option_problem)

/* Opens STORE, reading with the serializer given, if one was. */
static SqStore *
open_store_with (const char   *location,
                 SqSerializer  serializer)
{
  SqStore *store = open_store (location);

  if (serializer != SQ_SERIALIZER_AUTO)
    sq_store_set_serializer (store, serializer);
  return store;
}

/* After a write: say so when the serializer was squirrel's default for
 * lack of evidence, not what the store's shards show. */
static void
warn_if_ambiguous (SqStore *store)
{
  if (sq_store_get_serializer_source (store) == SQ_SERIALIZER_SOURCE_AMBIGUOUS)
    {
      g_autofree char *name = sq_store_get_display_name (store);

      g_printerr ("drey-cli: store '%s': its shards decode both as msgpack and as JSON Lines, so this shard "
                  "was written as messagepack, squirrel's default; use --serializer to choose\n", name);
    }
}

/* A write into a mixed store: usage, since --serializer settles it. */
static int
fail_write (GError *error)
{
  if (g_error_matches (error, SQ_STORE_ERROR, SQ_STORE_ERROR_MIXED_SERIALIZERS))
    {
      g_printerr ("drey-cli: %s (--serializer messagepack or jsonl)\n", error->message);
      g_error_free (error);
      return EXIT_USAGE;
    }
  return fail (error);
}

static int
cmd_keys (int    argc,
          char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) out = NULL;
  GError *error = NULL;

  if (argc != 2)
    return fail_usage ("keys takes STORE");
  store = open_store (argv[1]);
  keys = sq_store_list_keys (store, SQ_LIST_KEYS_NAMES_ONLY, NULL, &error);
  if (keys == NULL)
    return fail (error);

  /* In pieces: 100,000 keys need no 2 MB buffer. */
  out = g_string_sized_new (1 << 16);
  for (guint i = 0; i < keys->len; i++)
    {
      g_string_append (out, sq_key_info_get_key (g_ptr_array_index (keys, i)));
      g_string_append_c (out, '\n');
      if (out->len >= (1 << 16) - 256)
        {
          if (!write_out (out->str, out->len))
            return EXIT_BAD_DATA;
          g_string_truncate (out, 0);
        }
    }
  return write_out (out->str, out->len) ? 0 : EXIT_BAD_DATA;
}

static int
cmd_cat (int    argc,
         char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GString) out = g_string_sized_new (1 << 20);
  GError *error = NULL;
  SqJsonFlags flags;
  SqValue *sample;
  PARSE_OPTIONS (" exact serializer ");

  if (argc != 3)
    return fail_usage ("cat takes STORE KEY");
  flags = options.exact ? SQ_JSON_EXACT : SQ_JSON_EXTENDED;
  store = open_store_with (argv[1], options.serializer);
  reader = sq_store_open_shard (store, argv[2], NULL, &error);
  if (reader == NULL)
    return fail (error);

  while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
    {
      gboolean ok = sq_json_append (out, sample, flags, &error);

      sq_value_unref (sample);
      if (!ok)
        break;
      g_string_append_c (out, '\n');
      if (out->len >= (1 << 20))
        {
          if (!write_out (out->str, out->len))
            return EXIT_BAD_DATA;
          g_string_truncate (out, 0);
        }
    }
  /* What decoded before an error is printed, then the error. */
  if (!write_out (out->str, out->len) || fflush (stdout) != 0)
    return EXIT_BAD_DATA;
  if (error != NULL)
    return fail (error);
  return 0;
}

static GPtrArray *
read_samples (const char  *path,
              GError     **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) stdin_bytes = NULL;
  const char *data, *end, *line;
  guint line_no = 1;
  gsize len;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        {
          g_prefix_error (error, "standard input: ");
          return NULL;
        }
      stdin_bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      data = g_bytes_get_data (stdin_bytes, &len);
      path = "standard input";
    }
  else
    {
      mapped = g_mapped_file_new (path, FALSE, error);
      if (mapped == NULL)
        return NULL;
      data = g_mapped_file_get_contents (mapped);
      len = g_mapped_file_get_length (mapped);
    }

  /* An empty file maps to no data at all, and NULL + 0 is undefined. */
  end = len > 0 ? data + len : data;
  for (line = data; line < end; line_no++)
    {
      const char *nl = memchr (line, '\n', (gsize) (end - line));
      const char *stop = nl ? nl : end;
      const char *p = line;
      g_autoptr(GError) local_error = NULL;
      SqValue *sample;

      while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
      if (p < stop)
        {
          sample = sq_json_parse (line, (gsize) (stop - line), SQ_JSON_EXTENDED, &local_error);
          if (sample == NULL)
            {
              g_set_error (error, local_error->domain, local_error->code, "%s: line %u: %s",
                           path, line_no, local_error->message);
              return NULL;
            }
          g_ptr_array_add (samples, sample);
        }
      line = nl ? nl + 1 : end;
    }
  return g_steal_pointer (&samples);
}

static int
cmd_set (int    argc,
         char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *key = NULL;
  GError *error = NULL;
  PARSE_OPTIONS (" serializer ");

  if (argc != 3 && argc != 4)
    return fail_usage ("set takes STORE [KEY] FILE");

  store = open_store_with (argv[1], options.serializer);
  if (argc == 4 && !sq_store_check_key (argv[2], TRUE, &error))
    return fail (error);

  samples = read_samples (argv[argc - 1], &error);
  if (samples == NULL)
    return fail (error);

  key = sq_store_set (store, argc == 4 ? argv[2] : NULL, samples, NULL, NULL, NULL, &error);
  if (key == NULL)
    return fail_write (error);
  warn_if_ambiguous (store);
  g_print ("%s\n", key);
  return 0;
}

/* The keys named on the command line, else every key of @store. */
static GPtrArray *
keys_or_all (SqStore  *store,
             int       argc,
             char    **argv,
             GError  **error)
{
  GPtrArray *keys;

  if (argc == 0)
    {
      g_autoptr(GPtrArray) infos = sq_store_list_keys (store, SQ_LIST_KEYS_NAMES_ONLY, NULL, error);

      if (infos == NULL)
        return NULL;
      keys = g_ptr_array_new_full (infos->len + 1, g_free);
      for (guint i = 0; i < infos->len; i++)
        g_ptr_array_add (keys, g_strdup (sq_key_info_get_key (g_ptr_array_index (infos, i))));
    }
  else
    {
      keys = g_ptr_array_new_full ((guint) argc + 1, g_free);
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (keys, g_strdup (argv[i]));
    }
  /* NULL-terminated too, for sq_store_foreach_shard()'s array. */
  g_ptr_array_add (keys, NULL);
  g_ptr_array_set_size (keys, keys->len - 1);
  return keys;
}

/* Output that a shard's done function adds to, written in pieces. */
typedef struct
{
  GString *out;
  guint    bad;
  gboolean write_failed;
} Printer;

static gboolean
printer_flush (Printer *printer,
               gsize    at_least)
{
  if (printer->write_failed)
    return FALSE;
  if (printer->out->len >= at_least)
    {
      if (!write_out (printer->out->str, printer->out->len))
        {
          printer->write_failed = TRUE;
          return FALSE;
        }
      g_string_truncate (printer->out, 0);
    }
  return TRUE;
}

/* A shard that failed where the output is its result (a key, JSON): named
 * on stderr and counted; the others go on. */
static gboolean
printer_failed (Printer      *printer,
                const GError *error)
{
  g_printerr ("drey-cli: %s\n", error->message);
  printer->bad++;
  return TRUE;
}

/* What copy writes with, without --serializer: the destination store's
 * serializer, or, for a store with no evidence of its own, the source's
 * (then chosen on @dest). FALSE if a store cannot be listed. */
static gboolean
choose_copy_serializer (SqStore  *source,
                        SqStore  *dest,
                        GError  **error)
{
  SqSerializerSource why;

  if (sq_store_detect_serializer (dest, NULL, error) == SQ_SERIALIZER_AUTO)
    return FALSE;
  why = sq_store_get_serializer_source (dest);
  if (why == SQ_SERIALIZER_SOURCE_DEFAULT || why == SQ_SERIALIZER_SOURCE_AMBIGUOUS)
    {
      /* Nothing in DEST tells: keep what the source store is. */
      SqSerializer serializer = sq_store_detect_serializer (source, NULL, error);

      if (serializer == SQ_SERIALIZER_AUTO)
        return FALSE;
      if (sq_store_get_serializer_source (source) == SQ_SERIALIZER_SOURCE_SHARDS ||
          sq_store_get_serializer_source (source) == SQ_SERIALIZER_SOURCE_CHOSEN)
        sq_store_set_serializer (dest, serializer);
    }
  return TRUE;
}

typedef struct
{
  SqStore *dest;
  Printer  printer;
  guint    n_written;
} CopyRun;

/* On a worker: the shard decoded and written into the destination under
 * its own key. */
static gpointer
copy_shard (SqStore        *store,
            guint           index,
            const char     *key,
            SqShardReader  *reader,
            gpointer        user_data,
            GCancellable   *cancellable,
            GError        **error)
{
  CopyRun *run = user_data;

  return sq_store_set_from_reader (run->dest, key, reader, NULL, NULL, cancellable, error);
}

static gboolean
copy_done (SqStore      *store,
           guint         index,
           const char   *key,
           gpointer      result,
           const GError *error,
           gpointer      user_data)
{
  CopyRun *run = user_data;
  g_autofree char *written = result;

  if (error != NULL)
    return printer_failed (&run->printer, error);
  run->n_written++;
  g_string_append_printf (run->printer.out, "%s\n", written);
  return printer_flush (&run->printer, 1 << 16);
}

/* copy --to DEST SRC [KEY...]: several shards, each under its own key,
 * several at once. A shard that fails is named and the others are still
 * copied. */
static int
copy_many (int      argc,
           char   **argv,
           Options *options)
{
  g_autoptr(SqStore) source = NULL;
  g_autoptr(SqStore) dest = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  CopyRun run = { NULL, { out, 0, FALSE }, 0 };
  GError *error = NULL;

  if (argc < 2)
    return fail_usage ("copy --to DEST_STORE takes SRC_STORE [KEY...]");
  source = open_store_with (argv[1], options->source_serializer);
  dest = open_store_with (options->to, options->serializer);
  run.dest = dest;
  keys = keys_or_all (source, argc - 2, argv + 2, &error);
  if (keys == NULL)
    return fail (error);
  for (guint i = 0; i < keys->len; i++)
    if (!sq_store_check_key (keys->pdata[i], TRUE, &error))
      return fail (error);

  if (options->serializer == SQ_SERIALIZER_AUTO)
    {
      if (!choose_copy_serializer (source, dest, &error))
        return fail (error);
      /* Decided once, before the first write: shards written at once
       * must not each decide again while the store forgets what the
       * shards they replace showed. */
      switch (sq_store_get_serializer_source (dest))
        {
        case SQ_SERIALIZER_SOURCE_MIXED:
          {
            g_autofree char *name = sq_store_get_display_name (dest);
            g_autofree char *why = sq_store_describe_serializer (dest);

            g_printerr ("drey-cli: store '%s' is %s; choose the serializer to write with "
                        "(--serializer messagepack or jsonl)\n", name, why);
            return EXIT_USAGE;
          }
        case SQ_SERIALIZER_SOURCE_SHARDS:
          sq_store_set_serializer (dest, sq_store_get_serializer (dest));
          break;
        case SQ_SERIALIZER_SOURCE_CHOSEN:
        case SQ_SERIALIZER_SOURCE_AMBIGUOUS:
        case SQ_SERIALIZER_SOURCE_DEFAULT:
        case SQ_SERIALIZER_SOURCE_UNKNOWN:
        default:
          break;
        }
    }

  /* Each write waits on its fsync: twice as many shards as cores keep the
   * cores busy meanwhile (1.63x -> 1.88x over one job for 200 shards on
   * 2 cores, tests/bench/bench.py --only parallel). */
  if (!sq_store_foreach_shard (source, (const char * const *) keys->pdata, keys->len,
                               jobs != 0 ? jobs : 2 * g_get_num_processors (), copy_shard, g_free,
                               copy_done, &run, NULL, &error))
    return fail (error);
  if (run.printer.write_failed || !write_out (out->str, out->len))
    return EXIT_BAD_DATA;
  if (run.n_written > 0)
    warn_if_ambiguous (dest);
  if (run.printer.bad > 0)
    {
      g_printerr ("drey-cli: %u of %u shards could not be copied\n", run.printer.bad, keys->len);
      return EXIT_BAD_DATA;
    }
  return 0;
}

/* A shard to another store or key, decoded and written again as set
 * writes (in another serializer with --serializer), sample by sample. */
static int
cmd_copy (int    argc,
          char **argv)
{
  g_autoptr(SqStore) source = NULL;
  g_autoptr(SqStore) dest = NULL;
  g_autoptr(SqShardReader) reader = NULL;
  g_autofree char *key = NULL;
  const char *dest_key;
  GError *error = NULL;
  PARSE_OPTIONS (" serializer source-serializer to ");

  if (options.to != NULL)
    return copy_many (argc, argv, &options);
  if (argc != 4 && argc != 5)
    return fail_usage ("copy takes SRC_STORE SRC_KEY DEST_STORE [DEST_KEY]");

  dest_key = argc == 5 ? argv[4] : argv[2];
  if (!sq_store_check_key (dest_key, TRUE, &error))
    return fail (error);

  source = open_store_with (argv[1], options.source_serializer);
  dest = open_store_with (argv[3], options.serializer);
  if (options.serializer == SQ_SERIALIZER_AUTO && !choose_copy_serializer (source, dest, &error))
    return fail (error);
  reader = sq_store_open_shard (source, argv[2], NULL, &error);
  if (reader == NULL)
    return fail (error);

  key = sq_store_set_from_reader (dest, dest_key, reader, NULL, NULL, NULL, &error);
  if (key == NULL)
    return fail_write (error);
  warn_if_ambiguous (dest);
  g_print ("%s\n", key);
  return 0;
}

static int
cmd_rm (int    argc,
        char **argv)
{
  g_autoptr(SqStore) store = NULL;
  GError *error = NULL;

  if (argc != 3)
    return fail_usage ("rm takes STORE KEY");
  store = open_store (argv[1]);
  if (!sq_store_remove (store, argv[2], NULL, &error))
    return fail (error);
  return 0;
}

/* How a shard was read, and what its bytes showed, for check's line. */
static const char *
describe_reading (SqStore       *store,
                  SqShardReader *reader)
{
  SqSerializer serializer = sq_shard_reader_get_serializer (reader);

  if (sq_store_get_serializer_source (store) == SQ_SERIALIZER_SOURCE_CHOSEN)
    return serializer == SQ_SERIALIZER_JSONL ? "jsonl (chosen)" : "messagepack (chosen)";
  switch (sq_shard_reader_get_evidence (reader))
    {
    case SQ_SHARD_EVIDENCE_EMPTY:
      return "empty";
    case SQ_SHARD_EVIDENCE_AMBIGUOUS:
      return serializer == SQ_SERIALIZER_JSONL
             ? "jsonl (ambiguous: it also decodes as msgpack; read as the store's serializer)"
             : "messagepack (ambiguous: it also decodes as JSON Lines; read as the store's serializer)";
    case SQ_SHARD_EVIDENCE_MESSAGEPACK:
    case SQ_SHARD_EVIDENCE_JSONL:
    case SQ_SHARD_EVIDENCE_NONE:
    default:
      return sq_serializer_to_string (serializer);
    }
}

/* On a worker: decode every sample, and say how the shard was read. */
static gpointer
check_shard (SqStore        *store,
             guint           index,
             const char     *key,
             SqShardReader  *reader,
             gpointer        user_data,
             GCancellable   *cancellable,
             GError        **error)
{
  GError *local_error = NULL;
  SqValue *sample;

  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    sq_value_unref (sample);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_strdup_printf ("ok, %u samples, %s", sq_shard_reader_get_n_samples (reader),
                          describe_reading (store, reader));
}

static gboolean
check_done (SqStore      *store,
            guint         index,
            const char   *key,
            gpointer      result,
            const GError *error,
            gpointer      user_data)
{
  Printer *printer = user_data;
  g_autofree char *line = result;

  if (error != NULL)
    {
      g_string_append_printf (printer->out, "%s: FAILED: %s\n", key, error->message);
      printer->bad++;
    }
  else
    g_string_append_printf (printer->out, "%s: %s\n", key, line);
  return printer_flush (printer, 1 << 16);
}

static int
cmd_check (int    argc,
           char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  Printer printer = { out, 0, FALSE };
  GError *error = NULL;
  SqSerializerSource source;
  PARSE_OPTIONS (" serializer ");

  if (argc < 2)
    return fail_usage ("check takes STORE [KEY...]");
  store = open_store_with (argv[1], options.serializer);
  keys = keys_or_all (store, argc - 2, argv + 2, &error);
  if (keys == NULL)
    return fail (error);

  /* Several shards at once; the lines come in key order all the same. */
  if (!sq_store_foreach_shard (store, (const char * const *) keys->pdata, keys->len, jobs, check_shard, g_free,
                               check_done, &printer, NULL, &error))
    return fail (error);
  if (printer.write_failed)
    return EXIT_BAD_DATA;

  /* The shards disagree, or none tells: say so, with what was read. */
  source = sq_store_get_serializer_source (store);
  if (source == SQ_SERIALIZER_SOURCE_MIXED || source == SQ_SERIALIZER_SOURCE_AMBIGUOUS)
    {
      g_autofree char *why = sq_store_describe_serializer (store);

      g_string_append_printf (out, "store: %s\n", why);
    }
  if (!write_out (out->str, out->len))
    return EXIT_BAD_DATA;
  if (printer.bad > 0)
    {
      g_printerr ("drey-cli: %u of %u shards failed to decode\n", printer.bad, keys->len);
      return EXIT_BAD_DATA;
    }
  return 0;
}

/* ---- the store scan: schema, stats STORE, query ---- */

static void
json_str (GString    *out,
          const char *text)
{
  g_autoptr(SqValue) value = sq_value_new_str (text, -1);

  sq_json_append (out, value, SQ_JSON_EXTENDED, NULL);
}

static void
json_double (GString *out,
             double   number)
{
  g_autoptr(SqValue) value = sq_value_new_float64 (number);

  sq_json_append (out, value, SQ_JSON_EXTENDED, NULL);
}

/* {"name": count, ...} in the tally's order. */
static void
json_counts (GString       *out,
             const SqCount *counts,
             guint          n)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      json_str (out, counts[i].name);
      g_string_append_printf (out, ": %" G_GUINT64_FORMAT, counts[i].count);
    }
  g_string_append_c (out, '}');
}

typedef struct
{
  SqStore     *store;
  SqQuery     *query;
  gboolean     cat;
  gboolean     ok;
  GString     *out;
} QueryRun;

/* Prints @samples, a shard's matches as the scan decoded them (it keeps
 * them for --cat), as JSON Lines. */
static gboolean
cat_matches (QueryRun  *run,
             GPtrArray *samples)
{
  GError *error = NULL;

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      if (!sq_json_append (run->out, samples->pdata[i], SQ_JSON_EXTENDED, &error))
        {
          g_printerr ("drey-cli: %s\n", error->message);
          g_error_free (error);
          return FALSE;
        }
      g_string_append_c (run->out, '\n');
    }
  return TRUE;
}

/* Each shard as it finishes, in key order: its error, or its matches. */
static void
shard_scanned (SqStoreScan *scan,
               SqShardScan *shard,
               QueryRun    *run)
{
  const GError *error = sq_shard_scan_get_error (shard);
  const guint *matches;
  guint n = 0;

  if (error != NULL)
    {
      g_printerr ("drey-cli: %s\n", error->message);
      run->ok = FALSE;
      return;
    }
  if (run->out == NULL)
    return;
  matches = sq_shard_scan_get_matches (shard, &n);
  if (run->cat && n > 0)
    {
      if (!cat_matches (run, sq_store_scan_get_matched_samples (scan)))
        run->ok = FALSE;
    }
  else
    for (guint i = 0; i < n; i++)
      g_string_append_printf (run->out, "%s\t%u\n", sq_shard_scan_get_key (shard), matches[i]);
  if (run->out->len >= (1 << 16))
    {
      if (!write_out (run->out->str, run->out->len))
        run->ok = FALSE;
      g_string_truncate (run->out, 0);
    }
}

/* Scans @location; shards that fail are reported on stderr as they come
 * and make *all_ok FALSE. NULL (and an error printed) if the store cannot
 * be listed. */
static SqStoreScan *
run_scan (const char *location,
          Options    *options,
          SqQuery    *query,
          gboolean    cat,
          gboolean    print_matches,
          gboolean   *all_ok)
{
  g_autoptr(SqStore) store = open_store_with (location, options->serializer);
  g_autoptr(SqStoreScan) scan = sq_store_scan_new (store, query);
  g_autoptr(GString) out = print_matches ? g_string_new (NULL) : NULL;
  QueryRun run = { store, query, cat, TRUE, out };
  GError *error = NULL;

  /* A chosen serializer changes what decodes: the cache does not know
   * which was used, so it stays out of the way. */
  sq_store_scan_set_use_cache (scan, !options->no_cache && !no_cache && options->serializer == SQ_SERIALIZER_AUTO);
  sq_store_scan_set_keep_matches (scan, cat);
  sq_store_scan_set_n_workers (scan, jobs);
  g_signal_connect (scan, "shard-scanned", G_CALLBACK (shard_scanned), &run);
  if (!sq_store_scan_run (scan, NULL, &error))
    {
      g_printerr ("drey-cli: %s\n", error->message);
      g_error_free (error);
      g_signal_handlers_disconnect_by_data (scan, &run);
      return NULL;
    }
  g_signal_handlers_disconnect_by_data (scan, &run);
  if (out != NULL && !write_out (out->str, out->len))
    run.ok = FALSE;
  *all_ok = run.ok;
  return g_steal_pointer (&scan);
}

static int
scan_status (SqStoreScan *scan,
             gboolean     all_ok)
{
  if (sq_store_scan_get_n_failed (scan) > 0)
    g_printerr ("drey-cli: %u of %u shards could not be scanned\n", sq_store_scan_get_n_failed (scan),
                sq_store_scan_get_n_shards (scan));
  return all_ok && sq_store_scan_get_n_failed (scan) == 0 ? 0 : EXIT_BAD_DATA;
}

static const char *
drift_kind_name (SqDriftKind kind)
{
  static const char *const names[] = { "missing", "type", "dtype", "rank", "shape" };

  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "drift";
}

static void
json_schema (GString     *out,
             SqStoreScan *scan)
{
  SqSchema *schema = sq_store_scan_get_schema (scan);
  GPtrArray *shards = sq_store_scan_get_shards (scan);
  g_autoptr(GPtrArray) drifts = sq_schema_get_drifts (schema);
  gboolean first = TRUE;

  g_string_append_printf (out, "{\"shards\": %u, \"samples\": %" G_GUINT64_FORMAT ", \"failed\": [",
                          sq_schema_get_n_shards (schema), sq_schema_get_n_samples (schema));
  for (guint i = 0; i < shards->len; i++)
    {
      const GError *error = sq_shard_scan_get_error (shards->pdata[i]);

      if (error == NULL)
        continue;
      g_string_append (out, first ? "{\"key\": " : ", {\"key\": ");
      first = FALSE;
      json_str (out, sq_shard_scan_get_key (shards->pdata[i]));
      g_string_append (out, ", \"error\": ");
      json_str (out, error->message);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "], \"fields\": [");
  for (guint i = 0; i < sq_schema_get_n_fields (schema); i++)
    {
      SqFieldStats *field = sq_schema_get_field (schema, i);
      const SqCount *counts;
      guint n;

      g_string_append (out, i > 0 ? ", {\"path\": " : "{\"path\": ");
      json_str (out, sq_field_stats_get_path (field));
      g_string_append_printf (out, ", \"samples\": %" G_GUINT64_FORMAT ", \"presence\": ",
                              sq_field_stats_get_n_samples (field));
      json_double (out, sq_schema_get_presence (schema, sq_field_stats_get_path (field)));
      g_string_append_printf (out, ", \"values\": %" G_GUINT64_FORMAT ", \"shards\": %u, \"types\": ",
                              sq_field_stats_get_n_values (field), sq_field_stats_get_n_shards (field));
      counts = sq_field_stats_get_types (field, &n);
      json_counts (out, counts, n);
      counts = sq_field_stats_get_patterns (field, &n);
      if (n > 0)
        {
          g_string_append (out, ", \"arrays\": ");
          json_counts (out, counts, n);
          g_string_append_printf (out, ", \"arrays_exact\": %s",
                                  sq_field_stats_get_patterns_exact (field) ? "true" : "false");
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "], \"drift\": [");
  for (guint i = 0; i < drifts->len; i++)
    {
      SqDrift *drift = drifts->pdata[i];

      g_string_append_printf (out, "%s{\"kind\": \"%s\", \"path\": ", i > 0 ? ", " : "",
                              drift_kind_name (sq_drift_get_kind (drift)));
      json_str (out, sq_drift_get_path (drift));
      g_string_append (out, ", \"description\": ");
      json_str (out, sq_drift_get_description (drift));
      g_string_append (out, ", \"shards\": [");
      for (guint k = 0; k < sq_drift_get_n_shards (drift); k++)
        {
          if (k > 0)
            g_string_append (out, ", ");
          json_str (out, sq_drift_get_shard (drift, k));
        }
      g_string_append_printf (out, "], \"n_samples\": %" G_GUINT64_FORMAT ", \"samples\": [",
                              sq_drift_get_n_samples (drift));
      for (guint k = 0; k < sq_drift_get_n_sample_refs (drift); k++)
        {
          guint index;
          const char *key = sq_drift_get_sample_ref (drift, k, &index);

          g_string_append (out, k > 0 ? ", [" : "[");
          json_str (out, key);
          g_string_append_printf (out, ", %u]", index);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}\n");
}

/* `uint8 224x224x3 99.6%, uint8 224x224x1 0.4%`: the first few. */
static void
table_counts (GString       *out,
              const SqCount *counts,
              guint          n,
              guint64        total)
{
  for (guint i = 0; i < n && i < 4; i++)
    {
      double p = total > 0 ? 100.0 * (double) counts[i].count / (double) total : 0.0;

      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", counts[i].name);
      if (n > 1)
        g_string_append_printf (out, " %.*f%%", p < 1.0 || p > 99.0 ? 1 : 0, p);
    }
  if (n > 4)
    g_string_append_printf (out, ", +%u more", n - 4);
}

static void
table_schema (GString     *out,
              SqStoreScan *scan)
{
  SqSchema *schema = sq_store_scan_get_schema (scan);
  g_autoptr(GPtrArray) drifts = sq_schema_get_drifts (schema);
  g_autofree char *name = sq_store_get_display_name (sq_store_scan_get_store (scan));
  guint width = 5;

  g_string_append_printf (out, "store:   %s\nshards:  %u scanned", name, sq_schema_get_n_shards (schema));
  if (sq_store_scan_get_n_failed (scan) > 0)
    g_string_append_printf (out, ", %u could not be", sq_store_scan_get_n_failed (scan));
  g_string_append_printf (out, "\nsamples: %" G_GUINT64_FORMAT "\n\n", sq_schema_get_n_samples (schema));
  for (guint i = 0; i < sq_schema_get_n_fields (schema); i++)
    width = MAX (width, (guint) g_utf8_strlen (sq_field_stats_get_path (sq_schema_get_field (schema, i)), -1));
  width = MIN (width, 40);
  g_string_append_printf (out, "%-*s  %8s  %s\n", (int) width, "FIELD", "PRESENT", "TYPES (ARRAYS)");
  for (guint i = 0; i < sq_schema_get_n_fields (schema); i++)
    {
      SqFieldStats *field = sq_schema_get_field (schema, i);
      const char *path = sq_field_stats_get_path (field);
      guint n;
      const SqCount *counts = sq_field_stats_get_types (field, &n);
      double presence = 100.0 * sq_schema_get_presence (schema, path);
      glong chars = g_utf8_strlen (path, -1);

      g_string_append (out, path);
      g_string_append_printf (out, "%*s  %7.*f%%  ", (int) (chars < (glong) width ? width - (guint) chars : 0), "",
                              presence < 100.0 && presence > 99.9 ? 2 : 1, presence);
      table_counts (out, counts, n, sq_field_stats_get_n_values (field));
      counts = sq_field_stats_get_patterns (field, &n);
      if (n > 0)
        {
          guint64 total = 0;

          for (guint k = 0; k < n; k++)
            total += counts[k].count;
          g_string_append (out, " (");
          table_counts (out, counts, n, total);
          g_string_append_c (out, ')');
        }
      g_string_append_c (out, '\n');
    }
  if (drifts->len == 0)
    {
      g_string_append (out, "\nno drift: every shard has the same fields, types and shapes\n");
      return;
    }
  g_string_append (out, "\ndrift:\n");
  for (guint i = 0; i < drifts->len; i++)
    {
      SqDrift *drift = drifts->pdata[i];
      guint n_shards = sq_drift_get_n_shards (drift);

      g_string_append_printf (out, "  %s: %s: %s", sq_drift_get_path (drift),
                              drift_kind_name (sq_drift_get_kind (drift)), sq_drift_get_description (drift));
      if (n_shards > 0)
        {
          g_string_append_printf (out, " (shard%s %s", n_shards > 1 ? "s" : "", sq_drift_get_shard (drift, 0));
          for (guint k = 1; k < n_shards && k < 5; k++)
            g_string_append_printf (out, ", %s", sq_drift_get_shard (drift, k));
          if (n_shards > 5)
            g_string_append_printf (out, " and %u more", n_shards - 5);
          g_string_append_c (out, ')');
        }
      g_string_append_c (out, '\n');
    }
}

static int
cmd_schema (int    argc,
            char **argv)
{
  g_autoptr(SqStoreScan) scan = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean all_ok;
  PARSE_OPTIONS (" json no-cache serializer ");

  if (argc != 2)
    return fail_usage ("schema takes STORE");
  scan = run_scan (argv[1], &options, NULL, FALSE, FALSE, &all_ok);
  if (scan == NULL)
    return EXIT_BAD_DATA;
  if (options.json)
    json_schema (out, scan);
  else
    table_schema (out, scan);
  if (!write_out (out->str, out->len))
    return EXIT_BAD_DATA;
  return scan_status (scan, all_ok);
}

static void
json_numbers (GString              *out,
              const SqFieldNumbers *numbers)
{
  g_string_append_printf (out, "{\"count\": %" G_GUINT64_FORMAT ", \"nan\": %" G_GUINT64_FORMAT
                          ", \"inf\": %" G_GUINT64_FORMAT ", \"min\": ",
                          numbers->count, numbers->n_nan, numbers->n_inf);
  json_double (out, numbers->min);
  g_string_append (out, ", \"max\": ");
  json_double (out, numbers->max);
  g_string_append (out, ", \"mean\": ");
  json_double (out, numbers->mean);
  g_string_append (out, ", \"std\": ");
  json_double (out, numbers->std);
}

/* How many top values stats prints per field. */
#define TOP_VALUES 20

static int
store_stats (const char *location,
             Options    *options)
{
  g_autoptr(SqStoreScan) scan = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  SqSchema *schema;
  gboolean all_ok;

  scan = run_scan (location, options, NULL, FALSE, FALSE, &all_ok);
  if (scan == NULL)
    return EXIT_BAD_DATA;
  schema = sq_store_scan_get_schema (scan);
  g_string_append_printf (out, "{\"shards\": %u, \"samples\": %" G_GUINT64_FORMAT ", \"fields\": [",
                          sq_schema_get_n_shards (schema), sq_schema_get_n_samples (schema));
  for (guint i = 0; i < sq_schema_get_n_fields (schema); i++)
    {
      SqFieldStats *field = sq_schema_get_field (schema, i);
      const SqFieldNumbers *numbers = sq_field_stats_get_numbers (field);
      const SqFieldNumbers *elements = sq_field_stats_get_elements (field);
      const SqCount *counts;
      guint n;

      g_string_append (out, i > 0 ? ", {\"path\": " : "{\"path\": ");
      json_str (out, sq_field_stats_get_path (field));
      g_string_append_printf (out, ", \"values\": %" G_GUINT64_FORMAT ", \"samples\": %" G_GUINT64_FORMAT
                              ", \"types\": ",
                              sq_field_stats_get_n_values (field), sq_field_stats_get_n_samples (field));
      counts = sq_field_stats_get_types (field, &n);
      json_counts (out, counts, n);
      if (numbers != NULL)
        {
          guint64 bins[SQ_FIELD_STATS_N_BINS];
          double lower, upper;

          g_string_append (out, ", \"numbers\": ");
          json_numbers (out, numbers);
          if (sq_field_stats_get_histogram (field, bins, &lower, &upper))
            {
              g_string_append (out, ", \"histogram\": {\"lower\": ");
              json_double (out, lower);
              g_string_append (out, ", \"upper\": ");
              json_double (out, upper);
              g_string_append_printf (out, ", \"exact\": %s, \"counts\": [",
                                      sq_field_stats_histogram_is_exact (field) ? "true" : "false");
              for (guint b = 0; b < SQ_FIELD_STATS_N_BINS; b++)
                g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, b > 0 ? ", " : "", bins[b]);
              g_string_append (out, "]}");
            }
          g_string_append_c (out, '}');
        }
      counts = sq_field_stats_get_top_values (field, &n);
      if (counts != NULL)
        {
          g_string_append_printf (out, ", \"categorical\": {\"count\": %" G_GUINT64_FORMAT ", \"distinct\": %u, \"top\": [",
                                  sq_field_stats_get_n_categorical (field), n);
          for (guint k = 0; k < n && k < TOP_VALUES; k++)
            {
              g_string_append (out, k > 0 ? ", [" : "[");
              json_str (out, counts[k].name);
              g_string_append_printf (out, ", %" G_GUINT64_FORMAT "]", counts[k].count);
            }
          g_string_append (out, "]}");
        }
      counts = sq_field_stats_get_patterns (field, &n);
      if (n > 0)
        {
          g_string_append (out, ", \"arrays\": ");
          json_counts (out, counts, n);
        }
      if (elements != NULL)
        {
          g_string_append (out, ", \"elements\": ");
          json_numbers (out, elements);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
  if (!write_out (out->str, out->len))
    return EXIT_BAD_DATA;
  return scan_status (scan, all_ok);
}

static int
cmd_query (int    argc,
           char **argv)
{
  g_autoptr(SqStoreScan) scan = NULL;
  g_autoptr(SqQuery) query = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_ok;
  guint position;
  PARSE_OPTIONS (" cat no-cache serializer ");

  if (argc != 3)
    return fail_usage ("query takes STORE EXPR");
  query = sq_query_new (argv[2], &position, &error);
  if (query == NULL)
    {
      /* Where it goes wrong, under the expression. */
      g_printerr ("drey-cli: %s\n  %s\n  %*s^\n", error->message, argv[2], (int) position, "");
      return EXIT_USAGE;
    }
  scan = run_scan (argv[1], &options, query, options.cat, TRUE, &all_ok);
  if (scan == NULL)
    return EXIT_BAD_DATA;
  return scan_status (scan, all_ok);
}

/* On a worker: the shard's per-field summaries, as one line of JSON. */
static gpointer
stats_shard (SqStore        *store,
             guint           index,
             const char     *key,
             SqShardReader  *reader,
             gpointer        user_data,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(SqShardStats) stats = sq_shard_stats_new ();
  g_autoptr(SqValue) result = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  SqValue *sample;
  GError *local_error = NULL;

  while ((sample = sq_shard_reader_next (reader, cancellable, &local_error)) != NULL)
    {
      gboolean ok = sq_shard_stats_add (stats, sample, cancellable, &local_error);

      sq_value_unref (sample);
      if (!ok)
        break;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  result = sq_shard_stats_to_value (stats, cancellable, error);
  if (result == NULL || !sq_json_append (out, result, SQ_JSON_EXTENDED, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  Printer  printer;
  gboolean keyed;   /* several keys: each line says whose */
} StatsRun;

static gboolean
stats_done (SqStore      *store,
            guint         index,
            const char   *key,
            gpointer      result,
            const GError *error,
            gpointer      user_data)
{
  StatsRun *run = user_data;
  g_autofree char *json = result;

  if (error != NULL)
    return printer_failed (&run->printer, error);
  if (run->keyed)
    {
      /* {"key": KEY, "samples": ...}: the shard's map with its key first. */
      g_string_append (run->printer.out, "{\"key\": ");
      json_str (run->printer.out, key);
      g_string_append (run->printer.out, json[1] == '}' ? "" : ", ");
      g_string_append (run->printer.out, json + 1);
    }
  else
    g_string_append (run->printer.out, json);
  g_string_append_c (run->printer.out, '\n');
  return printer_flush (&run->printer, 1 << 16);
}

static int
cmd_stats (int    argc,
           char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  StatsRun run = { { out, 0, FALSE }, FALSE };
  GError *error = NULL;
  PARSE_OPTIONS (" serializer no-cache ");

  if (argc == 2)
    return store_stats (argv[1], &options);
  if (argc < 3)
    return fail_usage ("stats takes STORE [KEY...]");
  store = open_store_with (argv[1], options.serializer);
  keys = keys_or_all (store, argc - 2, argv + 2, &error);
  if (keys == NULL)
    return fail (error);
  run.keyed = keys->len > 1;
  if (!sq_store_foreach_shard (store, (const char * const *) keys->pdata, keys->len, jobs, stats_shard, g_free,
                               stats_done, &run, NULL, &error))
    return fail (error);
  if (run.printer.write_failed || !write_out (out->str, out->len))
    return EXIT_BAD_DATA;
  if (run.printer.bad > 0)
    {
      if (run.keyed)
        g_printerr ("drey-cli: %u of %u shards failed to decode\n", run.printer.bad, keys->len);
      return EXIT_BAD_DATA;
    }
  return 0;
}

static int
cmd_info (int    argc,
          char **argv)
{
  g_autoptr(SqStore) store = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *name = NULL;
  g_autofree char *total_text = NULL;
  GError *error = NULL;
  g_autofree char *serializer = NULL;
  guint64 total = 0, smallest = G_MAXUINT64, largest = 0;
  PARSE_OPTIONS (" serializer ");

  if (argc != 2)
    return fail_usage ("info takes STORE");
  store = open_store_with (argv[1], options.serializer);
  keys = sq_store_list_keys (store, SQ_LIST_KEYS_DEFAULT, NULL, &error);
  if (keys == NULL)
    return fail (error);
  if (sq_store_detect_serializer (store, NULL, &error) == SQ_SERIALIZER_AUTO)
    return fail (error);
  serializer = sq_store_describe_serializer (store);

  for (guint i = 0; i < keys->len; i++)
    {
      guint64 size = (guint64) MAX (sq_key_info_get_size (g_ptr_array_index (keys, i)), 0);

      total += size;
      smallest = MIN (smallest, size);
      largest = MAX (largest, size);
    }

  name = sq_store_get_display_name (store);
  total_text = g_format_size (total);
  g_print ("store:      %s\n", name);
  g_print ("serializer: %s\n", serializer);
  g_print ("shards:     %u\n", keys->len);
  g_print ("size:       %s (%" G_GUINT64_FORMAT " bytes compressed)\n", total_text, total);
  if (keys->len > 0)
    {
      g_autofree char *a = g_format_size (smallest);
      g_autofree char *b = g_format_size (largest);
      g_autofree char *c = g_format_size (total / keys->len);

      g_print ("shard size: %s to %s, %s on average\n", a, b, c);
      g_print ("first key:  %s\n", sq_key_info_get_key (g_ptr_array_index (keys, 0)));
      g_print ("last key:   %s\n", sq_key_info_get_key (g_ptr_array_index (keys, keys->len - 1)));
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  static const struct
  {
    const char *name;
    int       (*run) (int, char **);
  } commands[] = {
    { "keys", cmd_keys },
    { "cat", cmd_cat },
    { "set", cmd_set },
    { "copy", cmd_copy },
    { "rm", cmd_rm },
    { "check", cmd_check },
    { "stats", cmd_stats },
    { "info", cmd_info },
    { "schema", cmd_schema },
    { "query", cmd_query },
  };
  static char out_buffer[1 << 16];

  setlocale (LC_ALL, "");
  setvbuf (stdout, out_buffer, _IOFBF, sizeof out_buffer);

  argc--, argv++;
  while (argc > 0 && argv[0][0] == '-')
    {
      if (strcmp (argv[0], "--help") == 0 || strcmp (argv[0], "-h") == 0)
        {
          g_print ("%s", usage);
          return 0;
        }
      if (strcmp (argv[0], "--version") == 0)
        {
          g_print ("drey-cli %s\n", PACKAGE_VERSION);
          return 0;
        }
      if (strcmp (argv[0], "--no-cache") == 0)
        {
          no_cache = TRUE;
          argc--, argv++;
          continue;
        }
      if (strcmp (argv[0], "--jobs") == 0 || g_str_has_prefix (argv[0], "--jobs="))
        {
          const char *value = argv[0][6] == '=' ? argv[0] + 7 : argc > 1 ? argv[1] : NULL;
          char *end = NULL;
          guint64 n = 0;

          errno = 0;
          if (value != NULL && g_ascii_isdigit (*value))
            n = g_ascii_strtoull (value, &end, 10);
          if (value == NULL || end == NULL || *end != '\0' || errno != 0 || n < 1 || n > 1024)
            return fail_usage ("--jobs takes a number of shards to read at once, from 1 to 1024");
          jobs = (guint) n;
          if (argv[0][6] == '=')
            argc--, argv++;
          else
            argc -= 2, argv += 2;
          continue;
        }
      if (strcmp (argv[0], "--memory-limit") == 0 || g_str_has_prefix (argv[0], "--memory-limit="))
        {
          const char *value = argv[0][14] == '=' ? argv[0] + 15 : argc > 1 ? argv[1] : NULL;

          if (value == NULL || !parse_size (value, &memory_limit))
            return fail_usage ("--memory-limit takes a size such as 512M or 8G");
          if (argv[0][14] == '=')
            argc--, argv++;
          else
            argc -= 2, argv += 2;
          continue;
        }
      return fail_usage ("unknown option");
    }
  if (argc == 0)
    return fail_usage (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[0], commands[i].name) == 0)
      {
        int status = commands[i].run (argc, argv);

        if (fflush (stdout) != 0 && status == 0)
          {
            g_printerr ("drey-cli: cannot write to standard output: %s\n", g_strerror (errno));
            status = EXIT_BAD_DATA;
          }
        return status;
      }
  return fail_usage ("unknown command");
}
