/* sq-input.c: gzip decompression for the shard parsers
 *
 * Two ways, one contract. A shard of at most WHOLE_MAX compressed bytes
 * (and, past WHOLE_SMALL, at most WHOLE_BIG_ISIZE decompressed) is read
 * whole and inflated in one call by libdeflate, about twice as fast as
 * zlib; its values then point straight into the decompressed buffer, and
 * memory is the compressed and the decompressed shard while it inflates.
 * Larger shards, and anything libdeflate does not take in one go (several
 * members, a lying size trailer, damage), stream through zlib: the parser sees a
 * window that grows only to the largest value it needs whole, and a big bin
 * is inflated straight into memory of its own: a slice of a slab
 * (sq-slab-private.h), faulted in 8 MiB at a time, not a trap per 4 KiB.
 * Either way memory stays near
 * the size of what the caller keeps, and the decompressed total is capped
 * so a gzip bomb ends in an error, not in swap.
 *
 * Gzip as Python reads it: any header flags, several members, zero bytes
 * between and after members; a CRC or length mismatch, or anything else
 * after a member, is an error. An empty file is an empty shard.
 *
 * The streaming path reads the gzip header and trailer itself (RFC 1952)
 * and has zlib inflate only the raw deflate data between: zlib's own gzip
 * wrapper checks the data with its crc32, which took a fifth to a third
 * of a big shard's decoding; libdeflate's is several times faster. The
 * fields are taken a byte at a time as they come, and checked where
 * zlib's wrapper checked them, so that damage is reported at the same
 * byte as before.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sq-input"

#include "config.h"

#include <string.h>

#include <libdeflate.h>
#include <zlib.h>

#include "sq-error.h"
#include "sq-input-private.h"
#include "sq-memory-private.h"
#include "sq-object-input-stream.h"
#include "sq-slab-private.h"
#include "sq-spare-buffer-private.h"

#define WHOLE_SMALL     (8 * 1024 * 1024)
/* A photo shard of 50 MiB inflates in a fifth of a second this way, and
 * the first sample waits for that: beyond, streaming shows samples sooner. */
#define WHOLE_MAX       (64 * 1024 * 1024)
#define WHOLE_BIG_ISIZE (512u * 1024 * 1024)
#define READ_CHUNK      (128 * 1024)
#define WINDOW_INITIAL  (256 * 1024)
/* Larger takes are inflated into their own buffer instead of the window. */
#define TAKE_DIRECT_MIN (64 * 1024)
/* Smaller takes come from malloc(), which recycles them cheaply; a slice
 * of a slab would hold up the slab while it is kept. */
#define TAKE_SLAB_MIN   (4 * 1024)

typedef enum
{
  MODE_WHOLE,
  MODE_STREAM,
} Mode;

/* Where the streaming path is in a gzip member. */
typedef enum
{
  GZ_FIXED,     /* magic, method, flags, mtime, xfl, os: 10 bytes */
  GZ_XLEN,
  GZ_EXTRA,
  GZ_NAME,
  GZ_COMMENT,
  GZ_HCRC,
  GZ_DEFLATE,
  GZ_TRAILER,   /* CRC-32 and ISIZE: 8 bytes */
} GzipPart;

/* RFC 1952's FLG bits */
#define GZ_FHCRC    0x02
#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08
#define GZ_FCOMMENT 0x10
/* zlib's wrapper took the bits above FCOMMENT as damage. */
#define GZ_FRESERVED 0xe0

typedef struct
{
  SqInput       pub;
  Mode          mode;
  char         *shard;
  GInputStream *stream;
  goffset       total;            /* compressed size, -1 if unknown */
  guint64       max_decompressed;

  /* The window the parser reads: [window, window + cap), valid up to end. */
  guint8       *window;
  gsize         cap;
  guint64       base;             /* decompressed offset of window[0] */
  GBytes       *whole;            /* MODE_WHOLE: all of it */

  /* MODE_STREAM */
  z_stream      z;
  gboolean      z_ready;
  guint8       *in_buf;
  gsize         in_cap;
  const guint8 *mem_in;           /* compressed bytes already in memory, if any */
  gboolean      borrow;           /* ...or in a download's chunks */
  gsize         mem_in_len;
  guint64       in_offset;        /* compressed offset of z.next_in */
  guint64       produced;         /* decompressed bytes so far */
  gboolean      input_eof;
  gboolean      member_open;      /* inside a gzip member */
  GzipPart      part;             /* ...and where in it */
  guint8        field[10];        /* the fixed header, or the trailer */
  guint         field_len;
  guint8        flags;
  guint         extra_left;       /* FEXTRA bytes still to skip */
  guint32       header_crc;       /* of the header so far, for FHCRC */
  guint32       crc;              /* of the member's data so far */
  guint32       isize;            /* ...and its length, mod 2^32 */
  gboolean      done;             /* no more decompressed data */
  gboolean      stream_only;      /* never inflate whole (a probe reads only the start) */
  SqSlab       *slab;             /* takes are cut from it... */
  SqSlab       *spare_slab;       /* ...or from this one once it is idle */
  SqSpareBuffer *spare_buffer;    /* takes too big for a slab */

  SqInputObserver observer;
  gpointer        observer_data;
} Input;

static inline Input *
INPUT (SqInput *pub)
{
  return (Input *) pub;
}

/* Keeps _sq_input_offset_inline() right after the window moves. */
static inline void
update_bias (Input *in)
{
  in->pub.bias = in->base - (guint64) (guintptr) in->window;
}

static inline void
observe (Input        *in,
         const guint8 *data,
         gsize         length)
{
  if (in->observer != NULL && length > 0 && !in->observer (data, length, in->observer_data))
    in->observer = NULL;
}

G_GNUC_PRINTF (4, 5)
static void
set_error (Input      *in,
           GError    **error,
           gint        code,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SQ_DECODE_ERROR, code, "shard '%s': %s", in->shard, message);
}

static void
set_io_error (Input   *in,
              GError **error,
              GError  *io_error)
{
  g_propagate_prefixed_error (error, io_error, "shard '%s': ", in->shard);
}

/* Reads the compressed shard whole. The size was read just before; a file
 * replaced meanwhile (as sq_store_set() replaces them) stays the one that
 * was opened. */
static gboolean
read_whole_input (Input         *in,
                  GBytes       **compressed,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree guint8 *buf = _sq_malloc_big (in->total > 0 ? (gsize) in->total : 1);
  gsize got = 0;
  GError *local_error = NULL;

  if (!g_input_stream_read_all (in->stream, buf, (gsize) in->total, &got, cancellable, &local_error))
    {
      set_io_error (in, error, local_error);
      return FALSE;
    }
  in->input_eof = TRUE;
  *compressed = g_bytes_new_take (g_steal_pointer (&buf), got);
  return TRUE;
}

static gboolean
all_zero (const guint8 *p,
          gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

static struct libdeflate_decompressor *
get_decompressor (void)
{
  static GPrivate cache = G_PRIVATE_INIT ((GDestroyNotify) libdeflate_free_decompressor);
  struct libdeflate_decompressor *d = g_private_get (&cache);

  if (d == NULL)
    {
      d = libdeflate_alloc_decompressor ();
      g_private_set (&cache, d);
    }
  return d;
}

/* One libdeflate call for a single-member shard whose size trailer tells
 * the truth. Returns FALSE (no error) when the streaming path must decide. */
static gboolean
try_whole (Input  *in,
           GBytes *compressed)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (compressed, &len);
  struct libdeflate_decompressor *d;
  guint32 isize;
  guint8 *out;
  size_t in_used = 0, out_len = 0;
  enum libdeflate_result result;

  if (len < 18 || data[0] != 0x1f || data[1] != 0x8b || (d = get_decompressor ()) == NULL)
    return FALSE;
  /* libdeflate skips a header CRC (FHCRC) unchecked, zlib checks it: such
   * a member (Python never writes one) streams, so that a damaged header
   * fails the same way whichever path reads it. */
  if (data[3] & 0x02)
    return FALSE;
  memcpy (&isize, data + len - 4, 4);
  isize = GUINT32_FROM_LE (isize);
  /* Deflate expands at most 1032:1; a larger trailer is not this shard's
   * size (several members, or damage), so do not allocate it. */
  if (isize > in->max_decompressed || (guint64) isize > (guint64) len * 1032)
    return FALSE;
  /* A big shard that inflates to a lot more streams, in bounded memory. */
  if (len > WHOLE_SMALL && isize > WHOLE_BIG_ISIZE)
    return FALSE;

  out = _sq_try_malloc_big (isize);
  if (out == NULL)
    return FALSE;
  result = libdeflate_gzip_decompress_ex (d, data, len, out, isize, &in_used, &out_len);
  if (result != LIBDEFLATE_SUCCESS || out_len != isize || !all_zero (data + in_used, len - in_used))
    {
      g_free (out);
      return FALSE;
    }

  in->whole = g_bytes_new_take (out, out_len);
  in->window = out;
  update_bias (in);
  in->cap = out_len;
  in->pub.pos = out;
  in->pub.end = out + out_len;
  in->produced = out_len;
  in->done = TRUE;
  observe (in, out, out_len);
  return TRUE;
}

SqInput *
_sq_input_new (GInputStream *stream,
               goffset       compressed_size,
               const char   *shard,
               guint64       max_decompressed)
{
  Input *in = g_new0 (Input, 1);

  in->mode = MODE_STREAM;
  in->shard = g_strdup (shard);
  in->stream = g_object_ref (stream);
  in->total = compressed_size;
  in->max_decompressed = max_decompressed;
  return &in->pub;
}

void
_sq_input_free (SqInput *pub)
{
  Input *in = INPUT (pub);

  if (in == NULL)
    return;
  if (in->z_ready)
    inflateEnd (&in->z);
  if (in->whole)
    g_bytes_unref (in->whole);
  else
    g_free (in->window);
  g_free (in->in_buf);
  g_clear_pointer (&in->slab, _sq_slab_unref);
  g_clear_pointer (&in->spare_slab, _sq_slab_unref);
  _sq_spare_buffer_close (in->spare_buffer);
  g_clear_object (&in->stream);
  g_free (in->shard);
  g_free (in);
}

/* Decides between the whole and the streaming path, on first use. */
static gboolean
start (Input         *in,
       GCancellable  *cancellable,
       GError       **error)
{
  GBytes *compressed = NULL;
  int rc;

  if (in->total >= 0 && in->total <= WHOLE_MAX && !in->stream_only)
    {
      if (!read_whole_input (in, &compressed, cancellable, error))
        return FALSE;
      if (g_bytes_get_size (compressed) == 0)
        {
          /* An empty file reads as an empty shard, as in Python. */
          in->done = TRUE;
          in->mode = MODE_WHOLE;
          g_bytes_unref (compressed);
          return TRUE;
        }
      if (try_whole (in, compressed))
        {
          in->mode = MODE_WHOLE;
          g_bytes_unref (compressed);
          return TRUE;
        }
      /* zlib goes through the same bytes, and explains what is wrong. */
      in->in_buf = g_bytes_unref_to_data (compressed, &in->in_cap);
      in->mem_in = in->in_buf;
      in->mem_in_len = in->in_cap;
    }

  in->mode = MODE_STREAM;
  memset (&in->z, 0, sizeof in->z);
  /* Raw deflate: the gzip wrapper is ours (begin_member()). */
  rc = inflateInit2 (&in->z, -15);
  if (rc != Z_OK)
    {
      set_error (in, error, SQ_DECODE_ERROR_LIMIT, "out of memory starting to decompress");
      return FALSE;
    }
  in->z_ready = TRUE;
  if (in->mem_in)
    {
      in->z.next_in = (Bytef *) in->mem_in;
      in->z.avail_in = (uInt) in->mem_in_len;
    }
  else if (SQ_IS_OBJECT_INPUT_STREAM (in->stream))
    in->borrow = TRUE;
  else
    {
      in->in_cap = READ_CHUNK;
      in->in_buf = g_malloc (in->in_cap);
    }
  in->cap = WINDOW_INITIAL;
  in->window = g_malloc (in->cap);
  update_bias (in);
  in->pub.pos = in->pub.end = in->window;
  return TRUE;
}

/* Makes compressed input available; FALSE with no error at its end. */
static gboolean
refill_compressed (Input         *in,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gssize got;
  GError *local_error = NULL;

  if (in->z.avail_in > 0)
    return TRUE;
  if (in->input_eof)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (in->borrow)
    {
      /* A download: inflate from its chunk, not from a copy of it. */
      const guint8 *data = NULL;

      got = _sq_object_input_stream_borrow (SQ_OBJECT_INPUT_STREAM (in->stream), &data, cancellable, &local_error);
      in->z.next_in = (Bytef *) data;
    }
  else
    {
      got = g_input_stream_read (in->stream, in->in_buf, in->in_cap, cancellable, &local_error);
      in->z.next_in = in->in_buf;
    }
  if (got < 0)
    {
      set_io_error (in, error, local_error);
      return FALSE;
    }
  if (got == 0)
    {
      in->input_eof = TRUE;
      return FALSE;
    }
  in->z.avail_in = (uInt) got;
  return TRUE;
}

/* A member starts at z.next_in: its header comes first. */
static void
begin_member (Input *in)
{
  inflateReset (&in->z);
  in->member_open = TRUE;
  in->part = GZ_FIXED;
  in->field_len = 0;
  in->flags = 0;
  in->header_crc = 0;
  in->crc = 0;
  in->isize = 0;
}

/* Takes the next compressed byte, which z.avail_in says is there. */
static inline guint8
take_byte (Input *in)
{
  guint8 byte = *in->z.next_in++;

  in->z.avail_in--;
  in->in_offset++;
  if (in->part < GZ_DEFLATE)
    in->header_crc = libdeflate_crc32 (in->header_crc, &byte, 1);
  return byte;
}

static void
gzip_error (Input       *in,
            GError     **error,
            const char  *what)
{
  set_error (in, error, SQ_DECODE_ERROR_GZIP, "%s at byte %" G_GUINT64_FORMAT " of the file", what, in->in_offset);
}

/* The header's part after @part, as its flags say. */
static GzipPart
header_part_after (Input    *in,
                   GzipPart  part)
{
  switch (part)
    {
    case GZ_FIXED:
      if (in->flags & GZ_FEXTRA)
        return GZ_XLEN;
      G_GNUC_FALLTHROUGH;
    case GZ_XLEN:
    case GZ_EXTRA:
      if (in->flags & GZ_FNAME)
        return GZ_NAME;
      G_GNUC_FALLTHROUGH;
    case GZ_NAME:
      if (in->flags & GZ_FCOMMENT)
        return GZ_COMMENT;
      G_GNUC_FALLTHROUGH;
    case GZ_COMMENT:
      if (in->flags & GZ_FHCRC)
        return GZ_HCRC;
      G_GNUC_FALLTHROUGH;
    case GZ_HCRC:
    case GZ_DEFLATE:
    case GZ_TRAILER:
    default:
      return GZ_DEFLATE;
    }
}

/* Reads what z.avail_in holds of the member's header (some input must be
 * there). FALSE on damage; the checks fall where zlib's wrapper made
 * them: the magic after 2 bytes, method and flags after 4, the header CRC
 * after its 2. */
static gboolean
read_header (Input   *in,
             GError **error)
{
  while (in->z.avail_in > 0 && in->part < GZ_DEFLATE)
    {
      switch (in->part)
        {
        case GZ_FIXED:
          in->field[in->field_len++] = take_byte (in);
          if (in->field_len == 2 && (in->field[0] != 0x1f || in->field[1] != 0x8b))
            {
              gzip_error (in, error, "not a gzip member (no gzip magic)");
              return FALSE;
            }
          if (in->field_len == 4)
            {
              if (in->field[2] != 8)
                {
                  gzip_error (in, error, "unknown gzip compression method (8, deflate, is the only one)");
                  return FALSE;
                }
              if (in->field[3] & GZ_FRESERVED)
                {
                  gzip_error (in, error, "bad gzip header (unknown header flags set)");
                  return FALSE;
                }
              in->flags = in->field[3];
            }
          if (in->field_len == 10)
            {
              in->field_len = 0;
              in->part = header_part_after (in, GZ_FIXED);
            }
          break;
        case GZ_XLEN:
          in->field[in->field_len++] = take_byte (in);
          if (in->field_len == 2)
            {
              in->extra_left = in->field[0] | ((guint) in->field[1] << 8);
              in->field_len = 0;
              in->part = in->extra_left > 0 ? GZ_EXTRA : header_part_after (in, GZ_EXTRA);
            }
          break;
        case GZ_EXTRA:
          {
            gsize n = MIN ((gsize) in->extra_left, (gsize) in->z.avail_in);

            in->header_crc = libdeflate_crc32 (in->header_crc, in->z.next_in, n);
            in->z.next_in += n;
            in->z.avail_in -= (uInt) n;
            in->in_offset += n;
            in->extra_left -= (guint) n;
            if (in->extra_left == 0)
              in->part = header_part_after (in, GZ_EXTRA);
          }
          break;
        case GZ_NAME:
        case GZ_COMMENT:
          if (take_byte (in) == 0)
            in->part = header_part_after (in, in->part);
          break;
        case GZ_HCRC:
          /* Not take_byte(): the header CRC does not cover itself. */
          in->field[in->field_len++] = *in->z.next_in++;
          in->z.avail_in--;
          in->in_offset++;
          if (in->field_len == 2)
            {
              if ((in->field[0] | ((guint) in->field[1] << 8)) != (in->header_crc & 0xffff))
                {
                  gzip_error (in, error, "bad gzip header (header crc mismatch)");
                  return FALSE;
                }
              in->field_len = 0;
              in->part = GZ_DEFLATE;
            }
          break;
        case GZ_DEFLATE:
        case GZ_TRAILER:
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

/* Reads what z.avail_in holds of the member's trailer; the CRC is checked
 * once its 4 bytes are in, the length once its 4 are. */
static gboolean
read_trailer (Input   *in,
              GError **error)
{
  while (in->z.avail_in > 0 && in->field_len < 8)
    {
      in->field[in->field_len++] = take_byte (in);
      if (in->field_len == 4)
        {
          guint32 crc;

          memcpy (&crc, in->field, 4);
          if (GUINT32_FROM_LE (crc) != in->crc)
            {
              gzip_error (in, error, "CRC mismatch (the data is not what was compressed)");
              return FALSE;
            }
        }
      if (in->field_len == 8)
        {
          guint32 isize;

          memcpy (&isize, in->field + 4, 4);
          if (GUINT32_FROM_LE (isize) != in->isize)
            {
              gzip_error (in, error, "length mismatch (the size in the trailer is wrong)");
              return FALSE;
            }
          in->member_open = FALSE;
        }
    }
  return TRUE;
}

/* Between members: skips zero padding, then expects another member or the
 * end. Returns FALSE on error. */
static gboolean
next_member (Input         *in,
             GCancellable  *cancellable,
             GError       **error)
{
  for (;;)
    {
      if (!refill_compressed (in, cancellable, error))
        {
          if (error && *error)
            return FALSE;
          in->done = TRUE;
          return TRUE;
        }
      while (in->z.avail_in > 0 && *in->z.next_in == 0)
        {
          in->z.next_in++;
          in->z.avail_in--;
          in->in_offset++;
        }
      if (in->z.avail_in == 0)
        continue;
      /* Something other than padding: it must be a member's magic. */
      if (*in->z.next_in != 0x1f)
        {
          set_error (in, error, SQ_DECODE_ERROR_GZIP,
                     "unexpected byte 0x%02x after the gzip data at byte %" G_GUINT64_FORMAT " of the file",
                     *in->z.next_in, in->in_offset);
          return FALSE;
        }
      begin_member (in);
      return TRUE;
    }
}

/* What zlib's message means: raw inflate only sees the deflate data. */
static char *
explain_zlib (const char *msg)
{
  if (msg == NULL)
    return g_strdup ("corrupt deflate data");
  return g_strdup_printf ("corrupt deflate data (%s)", msg);
}

/* Inflates into [dest, dest + room); returns bytes produced, or -1. Stops
 * early only at the end of the data. */
static gssize
inflate_into (Input         *in,
              guint8        *dest,
              gsize          room,
              GCancellable  *cancellable,
              GError       **error)
{
  gsize produced = 0;

  while (produced < room && !in->done)
    {
      uInt before_in, before_out, out;
      gsize want = MIN (room - produced, (gsize) G_MAXUINT32);
      int rc;

      if (!in->member_open)
        {
          if (in->produced == 0 && in->in_offset == 0)
            {
              /* The very start: tell "not gzip" from "empty". */
              if (!refill_compressed (in, cancellable, error))
                {
                  if (error && *error)
                    return -1;
                  in->done = TRUE; /* an empty file is an empty shard */
                  break;
                }
              if (in->z.next_in[0] != 0x1f || (in->z.avail_in > 1 && in->z.next_in[1] != 0x8b))
                {
                  if (in->z.avail_in > 1)
                    set_error (in, error, SQ_DECODE_ERROR_GZIP,
                               "not a gzip file: it starts with %02x %02x at byte 0, not the gzip magic 1f 8b",
                               in->z.next_in[0], in->z.next_in[1]);
                  else
                    set_error (in, error, SQ_DECODE_ERROR_GZIP,
                               "not a gzip file: it starts with %02x at byte 0, not the gzip magic 1f 8b",
                               in->z.next_in[0]);
                  return -1;
                }
              begin_member (in);
            }
          else if (!next_member (in, cancellable, error))
            return -1;
          continue;
        }

      if (!refill_compressed (in, cancellable, error))
        {
          if (error && *error)
            return -1;
          set_error (in, error, SQ_DECODE_ERROR_TRUNCATED,
                     "gzip data ends early at byte %" G_GUINT64_FORMAT " (the file is truncated)",
                     in->in_offset);
          return -1;
        }
      if (in->part != GZ_DEFLATE)
        {
          if (!(in->part < GZ_DEFLATE ? read_header (in, error) : read_trailer (in, error)))
            return -1;
          continue;
        }

      if (in->produced + want > in->max_decompressed)
        want = (gsize) (in->max_decompressed - in->produced) + 1;

      in->z.next_out = dest + produced;
      in->z.avail_out = (uInt) want;
      before_in = in->z.avail_in;
      before_out = in->z.avail_out;
      rc = inflate (&in->z, Z_NO_FLUSH);
      in->in_offset += before_in - in->z.avail_in;
      out = before_out - in->z.avail_out;
      in->crc = libdeflate_crc32 (in->crc, dest + produced, out);
      in->isize += out;
      observe (in, dest + produced, out);
      produced += out;
      in->produced += out;

      if (in->produced > in->max_decompressed)
        {
          set_error (in, error, SQ_DECODE_ERROR_LIMIT,
                     "decompresses to more than %" G_GUINT64_FORMAT " bytes, the limit for one shard"
                     " (at byte %" G_GUINT64_FORMAT " of the file)",
                     in->max_decompressed, in->in_offset);
          return -1;
        }

      switch (rc)
        {
        case Z_OK:
          break;
        case Z_STREAM_END:
          /* Raw inflate stops at the deflate data's last byte: the
           * trailer starts at z.next_in. */
          in->part = GZ_TRAILER;
          in->field_len = 0;
          break;
        case Z_BUF_ERROR:
          /* No progress possible: only right when more input is needed. */
          if (in->z.avail_in > 0 && in->z.avail_out > 0)
            {
              set_error (in, error, SQ_DECODE_ERROR_GZIP, "corrupt deflate data at byte %" G_GUINT64_FORMAT
                         " of the file", in->in_offset);
              return -1;
            }
          break;
        case Z_MEM_ERROR:
          set_error (in, error, SQ_DECODE_ERROR_LIMIT, "out of memory while decompressing");
          return -1;
        case Z_DATA_ERROR:
        case Z_NEED_DICT:
        case Z_STREAM_ERROR:
        default:
          {
            g_autofree char *what = explain_zlib (in->z.msg);

            set_error (in, error, SQ_DECODE_ERROR_GZIP, "%s at byte %" G_GUINT64_FORMAT " of the file",
                       what, in->in_offset);
            return -1;
          }
        }
    }
  return (gssize) produced;
}

static inline gboolean
ensure_started (Input         *in,
                GCancellable  *cancellable,
                GError       **error)
{
  return in->window != NULL || in->done || start (in, cancellable, error);
}

SqInputStatus
_sq_input_fill (SqInput       *pub,
                gsize          n,
                GCancellable  *cancellable,
                GError       **error)
{
  Input *in = INPUT (pub);
  gsize avail;

  if (!ensure_started (in, cancellable, error))
    return SQ_INPUT_ERROR;

  avail = (gsize) (pub->end - pub->pos);
  if (avail >= n)
    return SQ_INPUT_OK;
  if (in->done)
    return SQ_INPUT_SHORT;

  /* Move what is unread to the front, and grow the window if it cannot
   * hold n bytes. */
  if (pub->pos != in->window)
    {
      in->base += (guint64) (pub->pos - in->window);
      memmove (in->window, pub->pos, avail);
      pub->pos = in->window;
      pub->end = in->window + avail;
      update_bias (in);
    }
  if (n > in->cap)
    {
      gsize cap = MAX (n, in->cap * 2);
      guint8 *grown = g_try_realloc (in->window, cap);

      if (grown == NULL)
        {
          set_error (in, error, SQ_DECODE_ERROR_LIMIT,
                     "out of memory for a value of %" G_GSIZE_FORMAT " bytes", n);
          return SQ_INPUT_ERROR;
        }
      in->window = grown;
      in->cap = cap;
      pub->pos = grown;
      pub->end = grown + avail;
    }
  update_bias (in);

  while ((gsize) (pub->end - pub->pos) < n && !in->done)
    {
      guint8 *end = (guint8 *) pub->end;
      gssize got = inflate_into (in, end, in->cap - (gsize) (end - in->window), cancellable, error);

      if (got < 0)
        return SQ_INPUT_ERROR;
      pub->end = end + got;
      /* inflate_into stops short only at the end; the loop ends there. */
      if ((gsize) got < in->cap - (gsize) (end - in->window))
        break;
    }
  return (gsize) (pub->end - pub->pos) >= n ? SQ_INPUT_OK : SQ_INPUT_SHORT;
}

guint64
_sq_input_offset (SqInput      *pub,
                  const guint8 *at)
{
  Input *in = INPUT (pub);

  if (in->window == NULL)
    return 0;
  return in->base + (guint64) (at - in->window);
}

SqInputStatus
_sq_input_read_into (SqInput       *pub,
                     guint8        *dest,
                     gsize          n,
                     GCancellable  *cancellable,
                     GError       **error)
{
  Input *in = INPUT (pub);
  gsize avail;
  gssize got;

  if (!ensure_started (in, cancellable, error))
    return SQ_INPUT_ERROR;
  if (n < TAKE_DIRECT_MIN || in->mode == MODE_WHOLE || (gsize) (pub->end - pub->pos) >= n)
    {
      SqInputStatus status = _sq_input_ensure (pub, n, cancellable, error);

      if (status != SQ_INPUT_OK)
        return status;
      memcpy (dest, pub->pos, n);
      pub->pos += n;
      return SQ_INPUT_OK;
    }

  /* Large: copy what the window holds, inflate the rest in place. */
  avail = (gsize) (pub->end - pub->pos);
  memcpy (dest, pub->pos, avail);
  pub->pos += avail;
  got = inflate_into (in, dest + avail, n - avail, cancellable, error);
  if (got < 0)
    return SQ_INPUT_ERROR;
  /* Keep offsets right: the bytes passed the window by. */
  in->base += (guint64) got;
  update_bias (in);
  return (gsize) got == n - avail ? SQ_INPUT_OK : SQ_INPUT_SHORT;
}

/* Memory for a take of @n bytes while streaming: a slice of a slab, a
 * buffer of its own for big or small ones; NULL when out of memory. */
static GBytes *
alloc_take (Input   *in,
            gsize    n,
            guint8 **data)
{
  GBytes *bytes;

  if (n < TAKE_SLAB_MIN)
    {
      *data = g_try_malloc (n);
      return *data != NULL ? g_bytes_new_take (*data, n) : NULL;
    }
  if (n > SQ_SLAB_CUT_MAX)
    {
      /* The buffer of the big value before, if it was dropped. */
      if (in->spare_buffer == NULL)
        in->spare_buffer = _sq_spare_buffer_new ();
      return _sq_spare_buffer_take (in->spare_buffer, n, data);
    }

  /* Values dropped as they come (a check, a scan) leave the slab unused:
   * start it again, in memory already mapped and warm. */
  if (in->slab != NULL && _sq_slab_is_idle (in->slab))
    _sq_slab_rewind (in->slab);
  if (in->slab != NULL && (bytes = _sq_slab_cut (in->slab, n, data)) != NULL)
    return bytes;
  /* Full: the one before may have been let go of meanwhile (a reader
   * that keeps a few samples); else a new one, the full one is the
   * values' to hold. */
  if (in->spare_slab != NULL && _sq_slab_is_idle (in->spare_slab))
    {
      SqSlab *spare = in->spare_slab;

      in->spare_slab = in->slab;
      in->slab = spare;
      _sq_slab_rewind (in->slab);
    }
  else
    {
      g_clear_pointer (&in->spare_slab, _sq_slab_unref);
      in->spare_slab = g_steal_pointer (&in->slab);
      in->slab = _sq_slab_new ();
    }
  if (in->slab != NULL && (bytes = _sq_slab_cut (in->slab, n, data)) != NULL)
    return bytes;
  *data = _sq_try_malloc_big (n);
  return *data != NULL ? g_bytes_new_take (*data, n) : NULL;
}

/**
 * _sq_input_take:
 * @bytes: (out): the next @n bytes: a slice of the decompressed shard when it
 *   is in memory whole, else of a slab, or a buffer of their own
 */
SqInputStatus
_sq_input_take (SqInput       *pub,
                gsize          n,
                GBytes       **bytes,
                GCancellable  *cancellable,
                GError       **error)
{
  Input *in = INPUT (pub);
  SqInputStatus status;
  GBytes *taken;
  guint8 *buf;

  *bytes = NULL;
  if (n == 0)
    {
      *bytes = g_bytes_new (NULL, 0);
      return SQ_INPUT_OK;
    }
  if (!ensure_started (in, cancellable, error))
    return SQ_INPUT_ERROR;

  if (in->mode == MODE_WHOLE)
    {
      if ((gsize) (pub->end - pub->pos) < n)
        return SQ_INPUT_SHORT;
      *bytes = g_bytes_new_from_bytes (in->whole, (gsize) (pub->pos - in->window), n);
      pub->pos += n;
      return SQ_INPUT_OK;
    }

  if (_sq_input_offset (pub, pub->pos) + n > in->max_decompressed)
    {
      set_error (in, error, SQ_DECODE_ERROR_LIMIT,
                 "a value of %" G_GSIZE_FORMAT " bytes goes beyond the limit of %" G_GUINT64_FORMAT
                 " decompressed bytes for one shard", n, in->max_decompressed);
      return SQ_INPUT_ERROR;
    }
  taken = alloc_take (in, n, &buf);
  if (taken == NULL)
    {
      set_error (in, error, SQ_DECODE_ERROR_LIMIT, "out of memory for a value of %" G_GSIZE_FORMAT " bytes", n);
      return SQ_INPUT_ERROR;
    }
  status = _sq_input_read_into (pub, buf, n, cancellable, error);
  if (status != SQ_INPUT_OK)
    {
      g_bytes_unref (taken);
      return status;
    }
  *bytes = taken;
  return SQ_INPUT_OK;
}

/**
 * _sq_input_get_bytes_read:
 *
 * Returns: compressed bytes consumed so far, for progress
 */
guint64
_sq_input_get_bytes_read (SqInput *pub)
{
  Input *in = INPUT (pub);

  if (in->mode == MODE_WHOLE)
    return in->total > 0 ? (guint64) in->total : 0;
  return in->in_offset;
}

goffset
_sq_input_get_total (SqInput *pub)
{
  return INPUT (pub)->total;
}

/**
 * _sq_input_get_bytes_left:
 *
 * Returns: the decompressed bytes not read yet, once they are all known
 *   (a shard inflated whole, or the last of a stream); %G_MAXUINT64 before.
 *   A parser checks a length against it before allocating for the value.
 */
guint64
_sq_input_get_bytes_left (SqInput *pub)
{
  Input *in = INPUT (pub);

  if (!in->done)
    return G_MAXUINT64;
  return (guint64) (pub->end - pub->pos);
}

/* Has the whole shard been inflated (so [pos, end) is all that is left)? */
gboolean
_sq_input_is_done (SqInput *pub)
{
  return INPUT (pub)->done;
}

void
_sq_input_set_observer (SqInput         *pub,
                        SqInputObserver  observer,
                        gpointer         user_data)
{
  Input *in = INPUT (pub);

  in->observer = observer;
  in->observer_data = user_data;
}

/* Before the first read: stream even a small shard, so reading its start
 * inflates only the start. */
void
_sq_input_set_stream_only (SqInput *pub)
{
  INPUT (pub)->stream_only = TRUE;
}
