/* test-reader.c: gzip as Python reads it, msgpack as squirrel reads it,
 * and what hostile bytes get
 *
 * Every case runs twice: with the file size known (small shards go through
 * libdeflate in one call) and unknown (zlib, streaming).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <zlib.h>

#include "sq.h"

enum
{
  GZ_FEXTRA = 1 << 0,
  GZ_FNAME = 1 << 1,
  GZ_FCOMMENT = 1 << 2,
  GZ_FHCRC = 1 << 3,
};

/* One gzip member of @payload, with the header fields @flags asks for. */
static void
append_member (GByteArray   *out,
               const void   *payload,
               gsize         len,
               guint         flags)
{
  guint8 header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
  gsize start = out->len;
  z_stream z = { 0 };
  guint8 buf[65536];
  guint32 crc, size;
  int rc;

  header[3] = (flags & GZ_FEXTRA ? 4 : 0) | (flags & GZ_FNAME ? 8 : 0) | (flags & GZ_FCOMMENT ? 16 : 0) |
              (flags & GZ_FHCRC ? 2 : 0);
  g_byte_array_append (out, header, 10);
  if (flags & GZ_FEXTRA)
    g_byte_array_append (out, (const guint8 *) "\x04\x00" "ab\x00\x00", 6);
  if (flags & GZ_FNAME)
    g_byte_array_append (out, (const guint8 *) "shard\0", 6);
  if (flags & GZ_FCOMMENT)
    g_byte_array_append (out, (const guint8 *) "a comment\0", 10);
  if (flags & GZ_FHCRC)
    {
      guint16 hcrc = GUINT16_TO_LE ((guint16) crc32 (0, out->data + start, (uInt) (out->len - start)));

      g_byte_array_append (out, (const guint8 *) &hcrc, 2);
    }

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  z.next_in = (Bytef *) payload;
  z.avail_in = (uInt) len;
  do
    {
      z.next_out = buf;
      z.avail_out = sizeof buf;
      rc = deflate (&z, Z_FINISH);
      g_byte_array_append (out, buf, sizeof buf - z.avail_out);
    }
  while (rc == Z_OK);
  g_assert_cmpint (rc, ==, Z_STREAM_END);
  deflateEnd (&z);

  crc = GUINT32_TO_LE ((guint32) crc32 (0, payload, (uInt) len));
  size = GUINT32_TO_LE ((guint32) len);
  g_byte_array_append (out, (const guint8 *) &crc, 4);
  g_byte_array_append (out, (const guint8 *) &size, 4);
}

static GBytes *
gzip_bytes (const void *payload,
            gsize       len)
{
  GByteArray *out = g_byte_array_new ();

  append_member (out, payload, len, GZ_FNAME);
  return g_byte_array_free_to_bytes (out);
}

typedef struct
{
  GPtrArray    *samples;
  GError       *error;
  SqSerializer  serializer;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->samples, g_ptr_array_unref);
  g_clear_error (&r->error);
}

static Result
read_shard_with (GBytes  *file,
                 gboolean size_known,
                 guint64  limit)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (file);
  g_autoptr(SqShardReader) reader =
    sq_shard_reader_new (stream, "test-shard", size_known ? (goffset) g_bytes_get_size (file) : -1, limit);
  Result r = { g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref), NULL, SQ_SERIALIZER_AUTO };
  SqValue *sample;

  while ((sample = sq_shard_reader_next (reader, NULL, &r.error)) != NULL)
    g_ptr_array_add (r.samples, sample);
  /* After an error the reader stays stopped */
  if (r.error != NULL)
    g_assert_null (sq_shard_reader_next (reader, NULL, NULL));
  r.serializer = sq_shard_reader_get_serializer (reader);
  return r;
}

/* Reads @file both ways and checks both agree. */
static Result
read_shard (GBytes *file)
{
  Result whole = read_shard_with (file, TRUE, SQ_DEFAULT_MEMORY_LIMIT);
  Result streamed = read_shard_with (file, FALSE, SQ_DEFAULT_MEMORY_LIMIT);

  g_assert_cmpuint (whole.samples->len, ==, streamed.samples->len);
  for (guint i = 0; i < whole.samples->len; i++)
    g_assert_true (sq_value_equal (g_ptr_array_index (whole.samples, i), g_ptr_array_index (streamed.samples, i)));
  if (whole.error || streamed.error)
    {
      g_assert_nonnull (whole.error);
      g_assert_nonnull (streamed.error);
      g_assert_cmpstr (whole.error->message, ==, streamed.error->message);
      g_assert_cmpuint (whole.error->code, ==, streamed.error->code);
    }
  g_assert_cmpint (whole.serializer, ==, streamed.serializer);
  result_clear (&streamed);
  return whole;
}

static Result
read_payload (const void *payload,
              gsize       len)
{
  g_autoptr(GBytes) file = gzip_bytes (payload, len);

  return read_shard (file);
}

#define READ_HEX(literal) read_payload (literal, sizeof (literal) - 1)

static void
test_gzip_empty_file (void)
{
  g_autoptr(GBytes) file = g_bytes_new (NULL, 0);
  Result r = read_shard (file);

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 0);
  result_clear (&r);
}

static void
test_gzip_empty_member (void)
{
  /* what squirrel writes for set([]) */
  Result r = read_payload ("", 0);

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 0);
  g_assert_cmpint (r.serializer, ==, SQ_SERIALIZER_AUTO);
  result_clear (&r);
}

static void
test_gzip_members_and_padding (void)
{
  /* samples 1, [2, 3], "abc"; the list is split across two members */
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  Result r;

  append_member (out, "\x01\x92\x02", 3, GZ_FNAME);
  append_member (out, "", 0, 0);
  g_byte_array_append (out, (const guint8 *) "\0\0\0", 3);
  append_member (out, "\x03\xa3" "abc", 5, GZ_FEXTRA | GZ_FNAME | GZ_FCOMMENT | GZ_FHCRC);
  g_byte_array_append (out, (const guint8 *) "\0\0\0\0\0\0\0", 7);
  file = g_byte_array_free_to_bytes (out);

  r = read_shard (file);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 3);
  g_assert_cmpint (sq_value_get_int (g_ptr_array_index (r.samples, 0)), ==, 1);
  g_assert_cmpuint (sq_value_get_length (g_ptr_array_index (r.samples, 1)), ==, 2);
  g_assert_cmpstr (sq_value_get_str (g_ptr_array_index (r.samples, 2), NULL), ==, "abc");
  result_clear (&r);
}

static GBytes *
damaged (GBytes *file,
         gssize  offset,
         guint8  xor_with,
         gsize   truncate_to,
         const char *append,
         gsize   append_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, data, (guint) MIN (len, truncate_to));
  if (offset < 0)
    offset += (gssize) out->len;
  if (xor_with)
    out->data[offset] ^= xor_with;
  if (append)
    g_byte_array_append (out, (const guint8 *) append, (guint) append_len);
  return g_byte_array_free_to_bytes (out);
}

static void
assert_error (GBytes     *file,
              GQuark      domain,
              gint        code,
              const char *message_part)
{
  Result r = read_shard (file);

  if (r.error == NULL)
    g_error ("no error; expected one that says \"%s\"", message_part);
  g_assert_error (r.error, domain, code);
  if (strstr (r.error->message, message_part) == NULL)
    g_error ("\"%s\" does not say \"%s\"", r.error->message, message_part);
  g_assert_true (g_str_has_prefix (r.error->message, "shard 'test-shard': "));
  result_clear (&r);
}

static void
test_gzip_damage (void)
{
  static const char payload[] = "\x93\x01\x02\x03\xa5hello\xc3";
  g_autoptr(GBytes) good = gzip_bytes (payload, sizeof payload - 1);
  gsize len = g_bytes_get_size (good);
  g_autoptr(GBytes) crc = damaged (good, -8, 0x01, G_MAXSIZE, NULL, 0);
  g_autoptr(GBytes) isize = damaged (good, -4, 0x01, G_MAXSIZE, NULL, 0);
  g_autoptr(GBytes) truncated = damaged (good, 0, 0, len - 5, NULL, 0);
  g_autoptr(GBytes) cut_header = damaged (good, 0, 0, 5, NULL, 0);
  g_autoptr(GBytes) garbage = damaged (good, 0, 0, G_MAXSIZE, "\0\0junk", 6);
  g_autoptr(GBytes) not_gzip = g_bytes_new_static (payload, sizeof payload - 1);
  g_autoptr(GBytes) method = damaged (good, 2, 0x01, G_MAXSIZE, NULL, 0);

  assert_error (crc, SQ_DECODE_ERROR, SQ_DECODE_ERROR_GZIP, "CRC mismatch");
  assert_error (isize, SQ_DECODE_ERROR, SQ_DECODE_ERROR_GZIP, "length mismatch");
  assert_error (truncated, SQ_DECODE_ERROR, SQ_DECODE_ERROR_TRUNCATED, "gzip data ends early");
  assert_error (cut_header, SQ_DECODE_ERROR, SQ_DECODE_ERROR_TRUNCATED, "gzip data ends early");
  assert_error (garbage, SQ_DECODE_ERROR, SQ_DECODE_ERROR_GZIP, "unexpected byte 0x6a after the gzip data");
  assert_error (not_gzip, SQ_DECODE_ERROR, SQ_DECODE_ERROR_GZIP, "not a gzip file");
  assert_error (method, SQ_DECODE_ERROR, SQ_DECODE_ERROR_GZIP, "unknown gzip compression method");
}

/* A stream that hands over one byte a read: every field of a gzip header
 * and trailer then arrives in pieces. */
typedef struct
{
  GInputStream  parent_instance;
  GInputStream *base;
} TrickleStream;

typedef GInputStreamClass TrickleStreamClass;

static GType trickle_stream_get_type (void);
G_DEFINE_TYPE (TrickleStream, trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
trickle_stream_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return g_input_stream_read (((TrickleStream *) stream)->base, buffer, MIN (count, 1), cancellable, error);
}

static void
trickle_stream_finalize (GObject *object)
{
  g_clear_object (&((TrickleStream *) object)->base);
  G_OBJECT_CLASS (trickle_stream_parent_class)->finalize (object);
}

static void
trickle_stream_class_init (TrickleStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = trickle_stream_finalize;
  klass->read_fn = trickle_stream_read;
}

static void
trickle_stream_init (TrickleStream *self)
{
}

/* The error (or none) reading @file whole, streamed, and a byte at a time:
 * the same three times. */
static char *
read_error_every_way (GBytes *file)
{
  Result r = read_shard (file);
  g_autoptr(GInputStream) trickle = g_object_new (trickle_stream_get_type (), NULL);
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  SqValue *sample;
  char *message;

  ((TrickleStream *) trickle)->base = g_memory_input_stream_new_from_bytes (file);
  reader = sq_shard_reader_new (trickle, "test-shard", -1, SQ_DEFAULT_MEMORY_LIMIT);
  while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
    sq_value_unref (sample);
  message = g_strdup (r.error ? r.error->message : "");
  g_assert_cmpstr (error ? error->message : "", ==, message);
  result_clear (&r);
  return message;
}

static void
assert_message (GBytes     *file,
                const char *expected)
{
  g_autofree char *message = read_error_every_way (file);

  g_assert_cmpstr (message, ==, expected);
}

/* Header fields, the trailer and later members, each damaged, say where. */
static void
test_gzip_header_damage (void)
{
  static const char payload[] = "\x93\x01\x02\x03\xa5hello\xc3";
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GBytes) all_fields = NULL;
  g_autoptr(GBytes) two = NULL;
  g_autoptr(GBytes) bad_hcrc = NULL;
  g_autoptr(GBytes) reserved = NULL;
  g_autoptr(GBytes) cut_extra = NULL;
  g_autoptr(GBytes) cut_comment = NULL;
  g_autoptr(GBytes) cut_hcrc = NULL;
  g_autoptr(GBytes) crc = NULL;
  g_autoptr(GBytes) isize = NULL;
  g_autoptr(GBytes) cut_trailer = NULL;
  g_autoptr(GBytes) second_magic = NULL;
  g_autoptr(GBytes) second_method = NULL;
  g_autoptr(GBytes) second_cut = NULL;
  gsize len, member;

  /* header 10, extra 6, name 6, comment 10, header CRC 2: deflate at 34 */
  append_member (out, payload, sizeof payload - 1, GZ_FEXTRA | GZ_FNAME | GZ_FCOMMENT | GZ_FHCRC);
  all_fields = g_byte_array_free_to_bytes (out);
  len = g_bytes_get_size (all_fields);
  out = g_byte_array_new ();
  g_byte_array_append (out, g_bytes_get_data (all_fields, NULL), (guint) len);
  g_byte_array_append (out, g_bytes_get_data (all_fields, NULL), (guint) len);
  two = g_byte_array_free_to_bytes (out);

  assert_message (all_fields, "");
  assert_message (two, "");
  bad_hcrc = damaged (all_fields, 32, 0x01, G_MAXSIZE, NULL, 0);
  assert_message (bad_hcrc, "shard 'test-shard': bad gzip header (header crc mismatch) at byte 34 of the file");
  reserved = damaged (all_fields, 3, 0x20, G_MAXSIZE, NULL, 0);
  assert_message (reserved, "shard 'test-shard': bad gzip header (unknown header flags set) at byte 4 of the file");
  cut_extra = damaged (all_fields, 0, 0, 13, NULL, 0);
  assert_message (cut_extra, "shard 'test-shard': gzip data ends early at byte 13 (the file is truncated)");
  cut_comment = damaged (all_fields, 0, 0, 25, NULL, 0);
  assert_message (cut_comment, "shard 'test-shard': gzip data ends early at byte 25 (the file is truncated)");
  cut_hcrc = damaged (all_fields, 0, 0, 33, NULL, 0);
  assert_message (cut_hcrc, "shard 'test-shard': gzip data ends early at byte 33 (the file is truncated)");
  crc = damaged (all_fields, -6, 0x01, G_MAXSIZE, NULL, 0);
  g_autofree char *crc_message =
    g_strdup_printf ("shard 'test-shard': CRC mismatch (the data is not what was compressed) at byte %" G_GSIZE_FORMAT
                     " of the file", len - 4);
  assert_message (crc, crc_message);
  isize = damaged (all_fields, -1, 0x01, G_MAXSIZE, NULL, 0);
  g_autofree char *isize_message =
    g_strdup_printf ("shard 'test-shard': length mismatch (the size in the trailer is wrong) at byte %" G_GSIZE_FORMAT
                     " of the file", len);
  assert_message (isize, isize_message);
  cut_trailer = damaged (all_fields, 0, 0, len - 2, NULL, 0);
  g_autofree char *cut_message =
    g_strdup_printf ("shard 'test-shard': gzip data ends early at byte %" G_GSIZE_FORMAT " (the file is truncated)",
                     len - 2);
  assert_message (cut_trailer, cut_message);

  member = len;
  second_magic = damaged (two, (gssize) member + 1, 0x01, G_MAXSIZE, NULL, 0);
  g_autofree char *magic_message =
    g_strdup_printf ("shard 'test-shard': not a gzip member (no gzip magic) at byte %" G_GSIZE_FORMAT " of the file",
                     member + 2);
  assert_message (second_magic, magic_message);
  second_method = damaged (two, (gssize) member + 2, 0x01, G_MAXSIZE, NULL, 0);
  g_autofree char *method_message =
    g_strdup_printf ("shard 'test-shard': unknown gzip compression method (8, deflate, is the only one) at byte %"
                     G_GSIZE_FORMAT " of the file", member + 4);
  assert_message (second_method, method_message);
  second_cut = damaged (two, 0, 0, member + 3, NULL, 0);
  g_autofree char *second_cut_message =
    g_strdup_printf ("shard 'test-shard': gzip data ends early at byte %" G_GSIZE_FORMAT " (the file is truncated)",
                     member + 3);
  assert_message (second_cut, second_cut_message);
}

static void
test_gzip_bomb (void)
{
  /* 64 MiB of zeros (valid msgpack: a lot of 0s) against a 16 MiB limit */
  gsize n = 64 << 20;
  g_autofree guint8 *zeros = g_malloc0 (n);
  g_autoptr(GBytes) file = gzip_bytes (zeros, n);
  Result whole = read_shard_with (file, TRUE, 16 << 20);
  Result streamed = read_shard_with (file, FALSE, 16 << 20);

  g_assert_error (whole.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT);
  g_assert_error (streamed.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT);
  g_assert_nonnull (strstr (streamed.error->message, "more than 16777216 bytes"));
  result_clear (&whole);
  result_clear (&streamed);
}

/* A msgpack str header and its bytes. */
static void
pack_str (GByteArray *out,
          const char *text)
{
  gsize len = strlen (text);
  guint8 header = (guint8) (0xa0 | len);

  g_assert_cmpuint (len, <, 32);
  g_byte_array_append (out, &header, 1);
  g_byte_array_append (out, (const guint8 *) text, (guint) len);
}

/* Samples share the storage of their shard's values: what a caller keeps
 * of one sample (a key, a list, a str) stays whole after the sample, and
 * every other, is gone; an edit of it shares what it did not change. */
static void
test_msgpack_values_outlive_sample (void)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(SqValue) key = NULL;
  g_autoptr(SqValue) tags = NULL;
  g_autoptr(SqValue) path = NULL;
  g_autoptr(SqValue) edited = NULL;
  g_autoptr(GBytes) file = NULL;
  Result r;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("images/%05d.jpg", i);

      /* {"path": ..., "tags": ["cat", "dog"], "width": 640} */
      g_byte_array_append (payload, (const guint8 *) "\x83", 1);
      pack_str (payload, "path");
      pack_str (payload, text);
      pack_str (payload, "tags");
      g_byte_array_append (payload, (const guint8 *) "\x92", 1);
      pack_str (payload, "cat");
      pack_str (payload, "dog");
      pack_str (payload, "width");
      g_byte_array_append (payload, (const guint8 *) "\xcd\x02\x80", 3);
    }
  file = gzip_bytes (payload->data, payload->len);
  r = read_shard (file);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 100);
  {
    SqValue *sample = g_ptr_array_index (r.samples, 57);
    g_autoptr(SqValue) width = sq_value_new_int (1024);

    key = sq_value_ref (sq_value_get_key (sample, 1));
    tags = sq_value_ref (sq_value_lookup (sample, "tags"));
    path = sq_value_ref (sq_value_lookup (sample, "path"));
    edited = sq_value_replace_item (sample, 2, width);
  }
  result_clear (&r);

  g_assert_cmpstr (sq_value_get_str (key, NULL), ==, "tags");
  g_assert_cmpuint (sq_value_get_length (tags), ==, 2);
  g_assert_cmpstr (sq_value_get_str (sq_value_get_item (tags, 1), NULL), ==, "dog");
  g_assert_cmpstr (sq_value_get_str (path, NULL), ==, "images/00057.jpg");
  g_assert_true (sq_value_lookup (edited, "tags") == tags);
  g_assert_cmpint (sq_value_get_int (sq_value_lookup (edited, "width")), ==, 1024);
}

/* A reader reuses a sample's storage once its caller has dropped the
 * sample, as check and the scans do sample by sample; what a caller still
 * holds of a sample (the sample, or any value in it) is never reused.
 * Samples are dropped at once, kept whole, or kept by one of their values,
 * among static samples and a table of keys that starts over. */
static void
test_msgpack_arena_reused (void)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GPtrArray) kept_tags = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GArray) tags_of = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GBytes) file = NULL;
  Result all;

  for (int i = 0; i < 1500; i++)
    {
      g_autofree char *path = g_strdup_printf ("images/%05d.jpg", i);
      g_autofree char *key = g_strdup_printf ("k%d", i % 700);

      if (i % 100 == 7)
        {
          /* a static sample: 5 */
          g_byte_array_append (payload, (const guint8 *) "\x05", 1);
          continue;
        }
      /* {"path": ..., "tags": [path, "dog"], key: i, "path": "again"} */
      g_byte_array_append (payload, (const guint8 *) "\x84", 1);
      pack_str (payload, "path");
      pack_str (payload, path);
      pack_str (payload, "tags");
      g_byte_array_append (payload, (const guint8 *) "\x92", 1);
      pack_str (payload, path);
      pack_str (payload, "dog");
      pack_str (payload, key);
      g_byte_array_append (payload, (const guint8 *) "\xcd", 1);
      g_byte_array_append (payload, (const guint8[]) { (guint8) (i >> 8), (guint8) i }, 2);
      pack_str (payload, "path");
      pack_str (payload, "again");
    }
  file = gzip_bytes (payload->data, payload->len);
  all = read_shard (file);
  g_assert_no_error (all.error);
  g_assert_cmpuint (all.samples->len, ==, 1500);

  for (int size_known = 0; size_known < 2; size_known++)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (file);
      g_autoptr(SqShardReader) reader =
        sq_shard_reader_new (stream, "test-shard", size_known ? (goffset) g_bytes_get_size (file) : -1,
                             SQ_DEFAULT_MEMORY_LIMIT);
      g_autoptr(GError) error = NULL;
      SqValue *sample;
      guint n = 0;

      g_ptr_array_set_size (kept, 0);
      g_ptr_array_set_size (kept_tags, 0);
      g_array_set_size (tags_of, 0);
      while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
        {
          /* each one as it comes, before the next can reuse anything */
          g_assert_true (sq_value_equal (sample, g_ptr_array_index (all.samples, n)));
          if (n % 3 == 0)
            g_ptr_array_add (kept, sample);
          else
            {
              if (n % 3 == 1 && sq_value_get_value_type (sample) == SQ_VALUE_MAP)
                {
                  g_ptr_array_add (kept_tags, sq_value_ref (sq_value_lookup (sample, "tags")));
                  g_array_append_val (tags_of, n);
                }
              sq_value_unref (sample);
            }
          n++;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 1500);
      for (guint i = 0; i < kept->len; i++)
        g_assert_true (sq_value_equal (g_ptr_array_index (kept, i), g_ptr_array_index (all.samples, 3 * i)));
      g_assert_cmpuint (kept_tags->len, >, 400);
      for (guint i = 0; i < kept_tags->len; i++)
        {
          SqValue *of = g_ptr_array_index (all.samples, g_array_index (tags_of, guint, i));

          g_assert_true (sq_value_equal (g_ptr_array_index (kept_tags, i), sq_value_lookup (of, "tags")));
        }
    }
  result_clear (&all);
}

/* Keys are interned per shard in a table that starts over when full: a
 * repeated key still keeps its first place and its last value, whichever
 * side of a new start it falls on, and keys of old tables stay valid. */
static void
test_msgpack_many_keys (void)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  Result r;

  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *a = g_strdup_printf ("k%d", i);
      g_autofree char *b = g_strdup_printf ("k%d", i + 1);

      /* {a: 1, b: 2, a: 3}: a dict of {a: 3, b: 2} */
      g_byte_array_append (payload, (const guint8 *) "\x83", 1);
      pack_str (payload, a);
      g_byte_array_append (payload, (const guint8 *) "\x01", 1);
      pack_str (payload, b);
      g_byte_array_append (payload, (const guint8 *) "\x02", 1);
      pack_str (payload, a);
      g_byte_array_append (payload, (const guint8 *) "\x03", 1);
    }
  file = gzip_bytes (payload->data, payload->len);
  r = read_shard (file);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 2000);
  for (int i = 0; i < 2000; i++)
    {
      SqValue *map = g_ptr_array_index (r.samples, i);
      g_autofree char *a = g_strdup_printf ("k%d", i);
      g_autofree char *b = g_strdup_printf ("k%d", i + 1);

      g_assert_cmpuint (sq_value_get_length (map), ==, 2);
      g_assert_cmpstr (sq_value_get_str (sq_value_get_key (map, 0), NULL), ==, a);
      g_assert_cmpstr (sq_value_get_str (sq_value_get_key (map, 1), NULL), ==, b);
      g_assert_cmpint (sq_value_get_int (sq_value_get_item (map, 0)), ==, 3);
      g_assert_cmpint (sq_value_get_int (sq_value_get_item (map, 1)), ==, 2);
    }
  result_clear (&r);
}

static gpointer
decode_on_worker (gpointer data)
{
  Result *r = g_new0 (Result, 1);

  *r = read_shard (data);
  return r;
}

/* Decoded on a worker, kept and dropped by another thread, as the window
 * does: the counts that keep values are atomic (ThreadSanitizer and ASan
 * builds see a race or a use after free here). */
static void
test_msgpack_values_cross_threads (void)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  GThread *threads[4];
  Result *results[4];

  for (int i = 0; i < 500; i++)
    {
      g_byte_array_append (payload, (const guint8 *) "\x82", 1);
      pack_str (payload, "name");
      pack_str (payload, "a fairly long caption");
      pack_str (payload, "list");
      g_byte_array_append (payload, (const guint8 *) "\x93\xcd\x01\x00\xcb\x3f\xf0\0\0\0\0\0\0\xc0", 14);
    }
  file = gzip_bytes (payload->data, payload->len);
  for (int t = 0; t < 4; t++)
    threads[t] = g_thread_new ("decode", decode_on_worker, file);
  for (int t = 0; t < 4; t++)
    results[t] = g_thread_join (threads[t]);
  for (int t = 0; t < 4; t++)
    {
      g_assert_no_error (results[t]->error);
      g_assert_cmpuint (results[t]->samples->len, ==, 500);
      g_assert_true (sq_value_equal (g_ptr_array_index (results[t]->samples, 499),
                                     g_ptr_array_index (results[0]->samples, 0)));
    }
  for (int t = 0; t < 4; t++)
    {
      result_clear (results[t]);
      g_free (results[t]);
    }
}

static void
test_msgpack_numpy_array (void)
{
  /* np.array([1.0, 2.0]) as FORMAT.md spells it */
  Result r = READ_HEX ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3<f8\xc4\x04kind\xc4\x00\xc4\x05shape\x91\x02"
                       "\xc4\x04" "data\xc4\x10\0\0\0\0\0\0\xf0\x3f\0\0\0\0\0\0\0\x40");
  SqNdarray *array;
  const double *data;

  g_assert_no_error (r.error);
  g_assert_cmpint (r.serializer, ==, SQ_SERIALIZER_MESSAGEPACK);
  g_assert_cmpint (sq_value_get_value_type (g_ptr_array_index (r.samples, 0)), ==, SQ_VALUE_NDARRAY);
  array = sq_value_get_ndarray (g_ptr_array_index (r.samples, 0));
  g_assert_cmpstr (sq_dtype_get_type_string (sq_ndarray_get_dtype (array)), ==, "<f8");
  g_assert_cmpuint (sq_ndarray_get_ndim (array), ==, 1);
  g_assert_cmpuint (sq_ndarray_get_shape (array)[0], ==, 2);
  /* The data is where the bin was in the shard: not aligned for a double. */
  data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  {
    double values[2];

    memcpy (values, data, sizeof values);
    g_assert_cmpfloat (values[0], ==, 1.0);
    g_assert_cmpfloat (values[1], ==, 2.0);
  }
  result_clear (&r);
}

static void
test_msgpack_numpy_scalar_and_complex (void)
{
  /* np.int64(7), then complex(1, -1) */
  Result r = READ_HEX ("\x83\xc4\x02nd\xc2\xc4\x04type\xa3<i8\xc4\x04" "data\xc4\x08\x07\0\0\0\0\0\0\0"
                       "\x82\xc4\x07" "complex\xc3\xc4\x04" "data\xa6(1-1j)");
  SqValue *scalar, *complex;
  double re, im;

  g_assert_no_error (r.error);
  scalar = g_ptr_array_index (r.samples, 0);
  g_assert_cmpint (sq_value_get_value_type (scalar), ==, SQ_VALUE_SCALAR);
  g_assert_cmpstr (sq_dtype_get_name (sq_value_get_scalar_dtype (scalar)), ==, "int64");
  g_assert_cmpint (*(const gint64 *) sq_value_get_scalar_data (scalar), ==, 7);
  complex = g_ptr_array_index (r.samples, 1);
  sq_value_get_complex (complex, &re, &im);
  g_assert_cmpfloat (re, ==, 1);
  g_assert_cmpfloat (im, ==, -1);
  g_assert_cmpstr (sq_value_get_complex_repr (complex), ==, "(1-1j)");
  result_clear (&r);
}

static void
test_msgpack_numpy_keyerror_keeps_map (void)
{
  /* msgpack_numpy.decode catches KeyError: without `data` it is a map */
  Result r = READ_HEX ("\x83\xc4\x02nd\xc3\xc4\x04type\xa3<f8\xc4\x05shape\x90");
  SqValue *map;

  g_assert_no_error (r.error);
  map = g_ptr_array_index (r.samples, 0);
  g_assert_cmpint (sq_value_get_value_type (map), ==, SQ_VALUE_MAP);
  g_assert_cmpuint (sq_value_get_length (map), ==, 3);
  result_clear (&r);
}

static void
test_msgpack_object_array_is_opaque (void)
{
  Result r = READ_HEX ("\x85\xc4\x02nd\xc3\xc4\x04type\x91\x92\xa0\xa3|O8\xc4\x04kind\xc4\x01O"
                       "\xc4\x05shape\x91\x01\xc4\x04" "data\xc4\x03pkl");
  SqValue *v;

  g_assert_no_error (r.error);
  v = g_ptr_array_index (r.samples, 0);
  g_assert_cmpint (sq_value_get_value_type (v), ==, SQ_VALUE_OPAQUE);
  g_assert_cmpint (sq_value_get_opaque_kind (v), ==, SQ_OPAQUE_PICKLE);
  g_assert_nonnull (strstr (sq_value_get_opaque_reason (v), "never unpickled"));
  result_clear (&r);
}

static void
test_msgpack_ext_and_timestamp (void)
{
  Result r = READ_HEX ("\xd4\x05\x2a" "\xd6\xff\x00\x00\x00\x00");
  SqValue *ext, *ts;

  g_assert_no_error (r.error);
  ext = g_ptr_array_index (r.samples, 0);
  ts = g_ptr_array_index (r.samples, 1);
  g_assert_cmpint (sq_value_get_opaque_kind (ext), ==, SQ_OPAQUE_EXT);
  g_assert_cmpint (sq_value_get_opaque_ext_type (ext), ==, 5);
  g_assert_cmpstr (sq_value_get_opaque_reason (ts), ==, "msgpack timestamp 1970-01-01T00:00:00.000000000Z");
  result_clear (&r);
}

static void
test_msgpack_all_formats (void)
{
  /* every msgpack format once: the values Python reads from them */
  Result r = READ_HEX ("\xc0\xc2\xc3\x7f\xe0\xcc\xff\xcd\xff\xff\xce\xff\xff\xff\xff\xcf\xff\xff\xff\xff\xff\xff\xff\xff"
                       "\xd0\x80\xd1\x80\x00\xd2\x80\x00\x00\x00\xd3\x80\x00\x00\x00\x00\x00\x00\x00"
                       "\xca\x3f\xc0\x00\x00\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00"
                       "\xd9\x01x\xda\x00\x01y\xdb\x00\x00\x00\x01z\xc4\x01\x01\xc5\x00\x01\x02\xc6\x00\x00\x00\x01\x03"
                       "\xdc\x00\x01\xc0\xdd\x00\x00\x00\x01\xc0\xde\x00\x01\xa1k\xc0\xdf\x00\x00\x00\x01\xa1k\xc0");
  SqValue **s;

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 25);
  s = (SqValue **) r.samples->pdata;
  g_assert_cmpint (sq_value_get_value_type (s[0]), ==, SQ_VALUE_NIL);
  g_assert_false (sq_value_get_bool (s[1]));
  g_assert_true (sq_value_get_bool (s[2]));
  g_assert_cmpint (sq_value_get_int (s[3]), ==, 127);
  g_assert_cmpint (sq_value_get_int (s[4]), ==, -32);
  g_assert_cmpint (sq_value_get_int (s[5]), ==, 255);
  g_assert_cmpint (sq_value_get_int (s[6]), ==, 65535);
  g_assert_cmpint (sq_value_get_int (s[7]), ==, G_MAXUINT32);
  g_assert_cmpuint (sq_value_get_uint (s[8]), ==, G_MAXUINT64);
  g_assert_cmpint (sq_value_get_int (s[9]), ==, -128);
  g_assert_cmpint (sq_value_get_int (s[10]), ==, G_MININT16);
  g_assert_cmpint (sq_value_get_int (s[11]), ==, G_MININT32);
  g_assert_cmpint (sq_value_get_int (s[12]), ==, G_MININT64);
  g_assert_cmpint (sq_value_get_value_type (s[13]), ==, SQ_VALUE_FLOAT32);
  g_assert_cmpfloat (sq_value_get_double (s[13]), ==, 1.5);
  g_assert_cmpfloat (sq_value_get_double (s[14]), ==, 1.5);
  g_assert_cmpstr (sq_value_get_str (s[15], NULL), ==, "x");
  g_assert_cmpstr (sq_value_get_str (s[17], NULL), ==, "z");
  g_assert_cmpuint (g_bytes_get_size (sq_value_get_bin (s[20])), ==, 1);
  g_assert_cmpuint (sq_value_get_length (s[21]), ==, 1);
  g_assert_cmpuint (sq_value_get_length (s[23]), ==, 1);
  result_clear (&r);
}

static GBytes *
nested_arrays (guint depth)
{
  g_autofree guint8 *payload = g_malloc (depth + 1);

  memset (payload, 0x91, depth);
  payload[depth] = 0xc0;
  return gzip_bytes (payload, depth + 1);
}

static void
test_msgpack_nesting (void)
{
  g_autoptr(GBytes) ok = nested_arrays (1024);
  g_autoptr(GBytes) deep = nested_arrays (1025);
  g_autoptr(GBytes) very_deep = nested_arrays (1000000);
  Result r = read_shard (ok);

  /* Python reads 1024 levels and refuses 1025 */
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.samples->len, ==, 1);
  result_clear (&r);
  assert_error (deep, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT, "nested deeper than 1024 levels (squirrel-core's reader stops there) at byte 1024");
  assert_error (very_deep, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT, "nested deeper than 1024 levels");
}

static void
test_msgpack_hostile (void)
{
  static const struct
  {
    const char *bytes;
    gsize       len;
    gint        code;
    const char *message;
  } cases[] = {
#define CASE(b, c, m) { b, sizeof (b) - 1, c, m }
    CASE ("\xdd\xff\xff\xff\xff\xc0", SQ_DECODE_ERROR_LIMIT, "array of 4294967295 items is longer than squirrel-core's reader accepts at byte 0"),
    CASE ("\xdd\x06\x40\x00\x00\xc0", SQ_DECODE_ERROR_TRUNCATED, "it ends at byte 6 inside sample 0, which starts at byte 0"),
    CASE ("\xdf\x03\x20\x00\x00", SQ_DECODE_ERROR_TRUNCATED, "truncated msgpack data"),
    CASE ("\xc6\x06\x40\x00\x01", SQ_DECODE_ERROR_LIMIT, "bin of 104857601 bytes is longer than squirrel-core's reader accepts (100 MiB) at byte 0"),
    CASE ("\xc6\x06\x40\x00\x00" "abc", SQ_DECODE_ERROR_TRUNCATED, "truncated msgpack data"),
    CASE ("\xdb\xff\xff\xff\xff", SQ_DECODE_ERROR_LIMIT, "str of 4294967295 bytes"),
    CASE ("\x01\x92\x01", SQ_DECODE_ERROR_TRUNCATED, "it ends at byte 3 inside sample 1, which starts at byte 1"),
    CASE ("\xc1", SQ_DECODE_ERROR_MALFORMED, "invalid msgpack byte 0xc1 at byte 0 (sample 0)"),
    CASE ("\xa3\xed\xa0\x80", SQ_DECODE_ERROR_MALFORMED, "str is not valid UTF-8 (squirrel-core reads str as UTF-8) at byte 1"),
    CASE ("\x81\x01\x02", SQ_DECODE_ERROR_MALFORMED, "map key is an int; squirrel-core reads only str and bin keys at byte 1"),
    CASE ("\x81\xa1k\xa2\xff\xfe", SQ_DECODE_ERROR_MALFORMED, "not valid UTF-8"),
    CASE ("\xd6\xff\x00\x00", SQ_DECODE_ERROR_TRUNCATED, "truncated"),
    CASE ("\xc7\x05\xff\0\0\0\0\0", SQ_DECODE_ERROR_MALFORMED, "msgpack timestamp of 5 bytes"),
    /* ndarrays that do not hold together */
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3<f8\xc4\x04kind\xc4\x00\xc4\x05shape\x91\x03\xc4\x04" "data\xc4\x10" "0123456789abcdef",
          SQ_DECODE_ERROR_ARRAY, "ndarray: array data holds 16 bytes but shape [3] of <f8 needs 24 at byte 0"),
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3<x8\xc4\x04kind\xc4\x00\xc4\x05shape\x91\x01\xc4\x04" "data\xc4\x08" "01234567",
          SQ_DECODE_ERROR_ARRAY, "ndarray: dtype \"<x8\" is not a numpy type string"),
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\x05\xc4\x04kind\xc4\x00\xc4\x05shape\x91\x01\xc4\x04" "data\xc4\x08" "01234567",
          SQ_DECODE_ERROR_ARRAY, "ndarray: dtype is an int, not a type string"),
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3|u1\xc4\x04kind\xc4\x00\xc4\x05shape\x91\xff\xc4\x04" "data\xc4\x01" "0",
          SQ_DECODE_ERROR_ARRAY, "negative dimension"),
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3|u1\xc4\x04kind\xc4\x00\xc4\x05shape\x92\xcf\x00\x00\x01\x00\x00\x00\x00\x00\xcf\x00\x00\x01\x00\x00\x00\x00\x00\xc4\x04" "data\xc4\x01" "0",
          SQ_DECODE_ERROR_ARRAY, "too large"),
    CASE ("\x85\xc4\x02nd\xc3\xc4\x04type\xa3|u1\xc4\x04kind\xc4\x00\xc4\x05shape\x91\x01\xc4\x04" "data\xa1" "0",
          SQ_DECODE_ERROR_ARRAY, "ndarray: data is a str, not bytes"),
    CASE ("\x83\xc4\x02nd\xc2\xc4\x04type\xa3<i8\xc4\x04" "data\xc4\x05" "01234",
          SQ_DECODE_ERROR_ARRAY, "numpy scalar: 5 bytes of data do not hold a <i8"),
    CASE ("\x82\xc4\x07" "complex\xc3\xc4\x04" "data\xa3" "abc", SQ_DECODE_ERROR_MALFORMED, "complex: data is not a complex number"),
#undef CASE
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) file = gzip_bytes (cases[i].bytes, cases[i].len);

      assert_error (file, SQ_DECODE_ERROR, cases[i].code, cases[i].message);
    }
}

static void
test_msgpack_memory_limit (void)
{
  /* a million one-byte strs: 1 MB of input, far more as values */
  gsize n = 1000000;
  GByteArray *payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  Result r;

  g_byte_array_append (payload, (const guint8 *) "\xdd\x00\x0f\x42\x40", 5);
  for (gsize i = 0; i < n; i++)
    g_byte_array_append (payload, (const guint8 *) "\xa1x", 2);
  file = gzip_bytes (payload->data, payload->len);
  g_byte_array_unref (payload);

  r = read_shard_with (file, FALSE, 8 << 20);
  g_assert_error (r.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_LIMIT);
  g_assert_nonnull (strstr (r.error->message, "decoded values take more than 8388608 bytes of memory"));
  result_clear (&r);
}

static void
test_large_bin_streamed (void)
{
  /* A 20 MB bin between two small values: inflated straight into its own
   * buffer, and the offsets after it still right. */
  gsize n = 20 << 20;
  GByteArray *payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  guint8 header[5] = { 0xc6, 0, 0, 0, 0 };
  guint32 be = GUINT32_TO_BE ((guint32) n);
  Result r;
  const guint8 *data;

  memcpy (header + 1, &be, 4);
  g_byte_array_append (payload, (const guint8 *) "\x07", 1);
  g_byte_array_append (payload, header, 5);
  for (gsize i = 0; i < n; i++)
    {
      guint8 b = (guint8) (i * 7 + (i >> 12));

      g_byte_array_append (payload, &b, 1);
    }
  g_byte_array_append (payload, (const guint8 *) "\xa2ok\xc1", 4);
  file = gzip_bytes (payload->data, payload->len);
  g_byte_array_unref (payload);

  r = read_shard (file);
  g_assert_cmpuint (r.samples->len, ==, 3);
  data = g_bytes_get_data (sq_value_get_bin (g_ptr_array_index (r.samples, 1)), NULL);
  for (gsize i = 0; i < n; i += 4099)
    g_assert_cmpuint (data[i], ==, (guint8) (i * 7 + (i >> 12)));
  g_assert_cmpstr (sq_value_get_str (g_ptr_array_index (r.samples, 2), NULL), ==, "ok");
  g_assert_error (r.error, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED);
  {
    g_autofree char *where = g_strdup_printf ("at byte %" G_GSIZE_FORMAT " (sample 3)", n + 1 + 5 + 3);

    g_assert_nonnull (strstr (r.error->message, where));
  }
  result_clear (&r);
}

/* The byte @i of streamed test bin number @k. */
static guint8
bin_byte (guint  k,
          gsize  i)
{
  return (guint8) (k * 31 + i * 7 + (i >> 9));
}

static gsize
bin_size (guint k)
{
  static const gsize sizes[] = { 100, 20000, 20000, 20000, 30000, 20000, 65536, 20000 };

  return k == 451 ? 3 << 20 : sizes[k % G_N_ELEMENTS (sizes)];
}

static void
test_bins_streamed_kept (void)
{
  /* Bins of a streamed shard (its size unknown: no whole inflate) share
   * memory that is reused once nothing holds it. Some are dropped as
   * they come, some kept, some kept then dropped: the kept ones must
   * come out whole, whatever was read after them. Sizes: small (malloc),
   * 20 kB (a slab holds hundreds) and one of 3 MiB (a buffer of its own). */
  const guint n_bins = 1200;
  GByteArray *payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SqShardReader) reader = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  g_autoptr(GArray) kept_index = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  SqValue *sample;
  guint k = 0;

  for (guint b = 0; b < n_bins; b++)
    {
      gsize n = bin_size (b);
      guint8 header[5] = { 0xc6, 0, 0, 0, 0 };
      guint32 be = GUINT32_TO_BE ((guint32) n);
      guint8 *data;

      memcpy (header + 1, &be, 4);
      g_byte_array_append (payload, header, 5);
      data = g_malloc (n);
      for (gsize i = 0; i < n; i++)
        data[i] = bin_byte (b, i);
      g_byte_array_append (payload, data, (guint) n);
      g_free (data);
    }
  file = gzip_bytes (payload->data, payload->len);
  g_byte_array_unref (payload);

  stream = g_memory_input_stream_new_from_bytes (file);
  reader = sq_shard_reader_new (stream, "test-shard", -1, SQ_DEFAULT_MEMORY_LIMIT);
  while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
    {
      /* The first 300 dropped at once; then every third kept; every
       * kept one of the first 600 dropped again at bin 900. */
      if (k >= 300 && k % 3 == 0)
        {
          g_ptr_array_add (kept, sample);
          g_array_append_val (kept_index, k);
        }
      else
        sq_value_unref (sample);
      if (k == 900)
        for (guint j = kept->len; j > 0; j--)
          if (g_array_index (kept_index, guint, j - 1) < 600)
            {
              g_ptr_array_remove_index (kept, j - 1);
              g_array_remove_index (kept_index, j - 1);
            }
      k++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (k, ==, n_bins);
  g_assert_cmpuint (kept->len, >, 100);

  for (guint j = 0; j < kept->len; j++)
    {
      guint b = g_array_index (kept_index, guint, j);
      gsize len;
      const guint8 *data = g_bytes_get_data (sq_value_get_bin (g_ptr_array_index (kept, j)), &len);

      g_assert_cmpuint (len, ==, bin_size (b));
      for (gsize i = 0; i < len; i++)
        if (data[i] != bin_byte (b, i))
          g_error ("bin %u: byte %" G_GSIZE_FORMAT " is %u, not %u", b, i, data[i], bin_byte (b, i));
    }
}

static void
test_big_bins_streamed_reused (void)
{
  /* Bins too big for a slab: a dropped one's buffer is the next one's
   * when it fits (not twice as big); a kept one's never is, and outlives
   * the reader whole. */
  static const gsize sizes[] = { 3 << 20, 3 << 20, 3 << 20, 12 << 20, 3 << 20, (3 << 20) + 5 };
  static const gboolean keep[] = { FALSE, FALSE, TRUE, FALSE, FALSE, TRUE };
  GByteArray *payload = g_byte_array_new ();
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GInputStream) stream = NULL;
  SqShardReader *reader;
  g_autoptr(GError) error = NULL;
  SqValue *kept[G_N_ELEMENTS (sizes)] = { NULL };
  const guint8 *where[G_N_ELEMENTS (sizes)];
  SqValue *sample;
  guint k = 0;

  for (guint b = 0; b < G_N_ELEMENTS (sizes); b++)
    {
      guint8 header[5] = { 0xc6, 0, 0, 0, 0 };
      guint32 be = GUINT32_TO_BE ((guint32) sizes[b]);
      guint8 *data = g_malloc (sizes[b]);

      memcpy (header + 1, &be, 4);
      g_byte_array_append (payload, header, 5);
      for (gsize i = 0; i < sizes[b]; i++)
        data[i] = bin_byte (b, i);
      g_byte_array_append (payload, data, (guint) sizes[b]);
      g_free (data);
    }
  file = gzip_bytes (payload->data, payload->len);
  g_byte_array_unref (payload);

  stream = g_memory_input_stream_new_from_bytes (file);
  reader = sq_shard_reader_new (stream, "test-shard", -1, SQ_DEFAULT_MEMORY_LIMIT);
  while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (sq_value_get_bin (sample), &len);

      g_assert_cmpuint (k, <, G_N_ELEMENTS (sizes));
      g_assert_cmpuint (len, ==, sizes[k]);
      for (gsize i = 0; i < len; i++)
        if (data[i] != bin_byte (k, i))
          g_error ("bin %u: byte %" G_GSIZE_FORMAT " is %u, not %u", k, i, data[i], bin_byte (k, i));
      where[k] = data;
      if (keep[k])
        kept[k] = sample;
      else
        sq_value_unref (sample);
      k++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (k, ==, G_N_ELEMENTS (sizes));
  g_assert_true (where[1] == where[0]);
  g_assert_true (where[2] == where[1]);
  g_assert_true (where[5] == where[4]);
  g_object_unref (reader);

  for (guint b = 0; b < G_N_ELEMENTS (sizes); b++)
    if (kept[b] != NULL)
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (sq_value_get_bin (kept[b]), &len);

        g_assert_cmpuint (len, ==, sizes[b]);
        for (gsize i = 0; i < len; i++)
          if (data[i] != bin_byte (b, i))
            g_error ("kept bin %u: byte %" G_GSIZE_FORMAT " is %u, not %u", b, i, data[i], bin_byte (b, i));
        sq_value_unref (kept[b]);
      }
}

static void
test_jsonl_sniff (void)
{
  static const char jsonl[] = "{\"a\": 1, \"x\": {\"data\": [[1, 2]], \"type\": \"<i2\", \"shape\": [1, 2]}}\n[1, 2]\n3";
  Result r = read_payload (jsonl, sizeof jsonl - 1);
  SqNdarray *array;

  g_assert_no_error (r.error);
  g_assert_cmpint (r.serializer, ==, SQ_SERIALIZER_JSONL);
  g_assert_cmpuint (r.samples->len, ==, 3);
  array = sq_value_get_ndarray (sq_value_lookup (g_ptr_array_index (r.samples, 0), "x"));
  g_assert_cmpstr (sq_dtype_get_type_string (sq_ndarray_get_dtype (array)), ==, "<i2");
  g_assert_cmpint (sq_value_get_int (g_ptr_array_index (r.samples, 2)), ==, 3);
  result_clear (&r);
}

static void
test_jsonl_scalar_samples (void)
{
  /* "7\n8\n" is JSON, and as msgpack the ints 55, 10, 56 and 10: the
   * bytes cannot tell, so it reads with the fallback (messagepack unless
   * set: the store's, see test-serializer) and says it is ambiguous */
  static const SqSerializer fallbacks[] = { SQ_SERIALIZER_AUTO, SQ_SERIALIZER_JSONL };
  g_autoptr(GBytes) file = gzip_bytes ("7\n8\n", 4);
  Result r;

  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (file);
      g_autoptr(SqShardReader) reader = sq_shard_reader_new (stream, "t", (goffset) g_bytes_get_size (file),
                                                             SQ_DEFAULT_MEMORY_LIMIT);
      guint n = 0;
      SqValue *sample;
      GError *error = NULL;

      sq_shard_reader_set_fallback_serializer (reader, fallbacks[i]);
      while ((sample = sq_shard_reader_next (reader, NULL, &error)) != NULL)
        n++, sq_value_unref (sample);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, fallbacks[i] == SQ_SERIALIZER_JSONL ? 2 : 4);
      g_assert_cmpint (sq_shard_reader_get_serializer (reader), ==,
                       fallbacks[i] == SQ_SERIALIZER_JSONL ? SQ_SERIALIZER_JSONL : SQ_SERIALIZER_MESSAGEPACK);
      g_assert_cmpint (sq_shard_reader_get_evidence (reader), ==, SQ_SHARD_EVIDENCE_AMBIGUOUS);
    }

  /* "\x07\x08" is not JSON: msgpack */
  r = read_payload ("\x07\x08", 2);
  g_assert_cmpint (r.serializer, ==, SQ_SERIALIZER_MESSAGEPACK);
  g_assert_cmpuint (r.samples->len, ==, 2);
  result_clear (&r);
}

static void
test_jsonl_errors (void)
{
  g_autoptr(GBytes) blank = gzip_bytes ("{\"a\": 1}\n\n{\"a\": 2}\n", 19);
  g_autoptr(GBytes) bad = gzip_bytes ("{\"a\": 1}\n{\"a\": }\n", 17);

  assert_error (blank, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED, "line 2 (byte 9) is empty");
  assert_error (bad, SQ_DECODE_ERROR, SQ_DECODE_ERROR_MALFORMED, "line 2 (byte 9): ");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reader/gzip/empty-file", test_gzip_empty_file);
  g_test_add_func ("/reader/gzip/empty-member", test_gzip_empty_member);
  g_test_add_func ("/reader/gzip/members-and-padding", test_gzip_members_and_padding);
  g_test_add_func ("/reader/gzip/damage", test_gzip_damage);
  g_test_add_func ("/reader/gzip/header-damage", test_gzip_header_damage);
  g_test_add_func ("/reader/gzip/bomb", test_gzip_bomb);
  g_test_add_func ("/reader/msgpack/values-outlive-sample", test_msgpack_values_outlive_sample);
  g_test_add_func ("/reader/msgpack/many-keys", test_msgpack_many_keys);
  g_test_add_func ("/reader/msgpack/arena-reused", test_msgpack_arena_reused);
  g_test_add_func ("/reader/msgpack/values-cross-threads", test_msgpack_values_cross_threads);
  g_test_add_func ("/reader/msgpack/numpy-array", test_msgpack_numpy_array);
  g_test_add_func ("/reader/msgpack/numpy-scalar-and-complex", test_msgpack_numpy_scalar_and_complex);
  g_test_add_func ("/reader/msgpack/numpy-keyerror", test_msgpack_numpy_keyerror_keeps_map);
  g_test_add_func ("/reader/msgpack/object-array", test_msgpack_object_array_is_opaque);
  g_test_add_func ("/reader/msgpack/ext", test_msgpack_ext_and_timestamp);
  g_test_add_func ("/reader/msgpack/all-formats", test_msgpack_all_formats);
  g_test_add_func ("/reader/msgpack/nesting", test_msgpack_nesting);
  g_test_add_func ("/reader/msgpack/hostile", test_msgpack_hostile);
  g_test_add_func ("/reader/msgpack/memory-limit", test_msgpack_memory_limit);
  g_test_add_func ("/reader/msgpack/large-bin", test_large_bin_streamed);
  g_test_add_func ("/reader/msgpack/bins-streamed-kept", test_bins_streamed_kept);
  g_test_add_func ("/reader/msgpack/big-bins-streamed-reused", test_big_bins_streamed_reused);
  g_test_add_func ("/reader/jsonl/sniff", test_jsonl_sniff);
  g_test_add_func ("/reader/jsonl/scalar-samples", test_jsonl_scalar_samples);
  g_test_add_func ("/reader/jsonl/errors", test_jsonl_errors);

  return g_test_run ();
}
