/* drey-image.c: arrays as images: which ones read as one, their pixels,
 * and PNG files to arrays and back
 *
 * An array reads as an image when its shape is HxW, HxWxC or CxHxW with C
 * in 1, 3 or 4 (grey, RGB, RGBA) and its elements are bools or real
 * numbers. Its pixels, for the preview and for PNG export alike
 * (drey_image_map_pixels()): uint8 as it is, bool as 0/255, everything else
 * scaled from its finite min..max (a constant image mid-grey, a pixel with
 * a NaN black and opaque).
 *
 * Reading goes through gdk-pixbuf, which always hands out 8-bit RGB or
 * RGBA with straight alpha; the PNG's own header (its colour type) says
 * whether the file was grey, so a grey PNG comes back as HxWx1 and grey
 * with alpha as HxWx2, as numpy users expect from PIL. 16-bit PNGs are
 * refused: gdk-pixbuf would quietly cut them to 8 bits.
 *
 * Writing is a small encoder of our own (zlib for deflate and the CRCs):
 * gdk-pixbuf cannot write grey PNGs, and uint8 arrays must come back
 * exactly as they were.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-image"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <zlib.h>


#include "drey-image.h"

/* A strip longer than this many times its width is a table, not an image. */
#define MAX_ASPECT 16
#define MAX_TABLE_COLUMNS 8
/* The compressed data goes out in IDAT chunks of at most this size. */
#define IDAT_SIZE (256 * 1024)
/* The largest width or height a PNG header can hold. */
#define PNG_MAX_SIDE G_GUINT64_CONSTANT (0x7fffffff)

enum
{
  PNG_GREY = 0,
  PNG_RGB = 2,
  PNG_PALETTE = 3,
  PNG_GREY_ALPHA = 4,
  PNG_RGBA = 6,
};

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

G_DEFINE_QUARK (drey-image-error-quark, drey_image_error)

/* ---- the shape rule and the pixels -------------------------------------- */

static gboolean
is_channel_count (guint64 n)
{
  return n == 1 || n == 3 || n == 4;
}

static gboolean
is_pixel_dtype (const SqDtype *dtype)
{
  switch (sq_dtype_get_kind (dtype))
    {
    case SQ_DTYPE_KIND_BOOL:
    case SQ_DTYPE_KIND_INT:
    case SQ_DTYPE_KIND_UINT:
    case SQ_DTYPE_KIND_FLOAT:
      return sq_dtype_is_numeric (dtype);
    default:
      return FALSE;
    }
}

/* The shape half of the rule, for an array or for a dtype-and-shape
 * pattern of the store's schema. */
static gboolean
shape_reads_as_image (guint           ndim,
                      const guint64  *dims,
                      DreyImageShape *shape)
{
  guint64 h, w, c = 1;
  gboolean first = FALSE;

  switch (ndim)
    {
    case 2:
      h = dims[0];
      w = dims[1];
      break;
    case 3:
      if (is_channel_count (dims[2]))
        {
          h = dims[0];
          w = dims[1];
          c = dims[2];
        }
      else if (is_channel_count (dims[0]))
        {
          c = dims[0];
          h = dims[1];
          w = dims[2];
          first = TRUE;
        }
      else
        return FALSE;
      break;
    default:
      return FALSE;
    }

  if (h == 0 || w == 0 || h > G_MAXINT / MAX_ASPECT || w > G_MAXINT / MAX_ASPECT)
    return FALSE;
  if (h > w * MAX_ASPECT || w > h * MAX_ASPECT)
    return FALSE;
  /* A few columns and at least twice as many rows (N x 4 boxes, N x 2
   * points) is a table. */
  if (c == 1 && ndim == 2 && w <= MAX_TABLE_COLUMNS && h >= 2 * w)
    return FALSE;

  if (shape != NULL)
    {
      shape->width = (guint) w;
      shape->height = (guint) h;
      shape->channels = (guint) c;
      shape->channels_first = first;
    }
  return TRUE;
}

/**
 * drey_image_get_shape:
 * @array: an array
 * @shape: (out) (optional): its width, height, channels and layout
 *
 * Whether @array reads as an image: bools or real numbers in a shape of HxW,
 * HxWxC or CxHxW with C in 1, 3 or 4 (HxWxC when both would fit), no side
 * empty and neither side more than 16 times the other; not a 2-D table of
 * 8 columns or fewer and twice as many rows or more (boxes, points).
 *
 * Returns: %TRUE if @array reads as an image
 */
gboolean
drey_image_get_shape (SqNdarray      *array,
                      DreyImageShape *shape)
{
  g_return_val_if_fail (array != NULL, FALSE);

  if (!is_pixel_dtype (sq_ndarray_get_dtype (array)))
    return FALSE;
  return shape_reads_as_image (sq_ndarray_get_ndim (array), sq_ndarray_get_shape (array), shape);
}

/**
 * drey_image_pattern_is_image:
 * @pattern: an array pattern of a store's schema, numpy's dtype name and
 *   the shape: `uint8 224x224x3`, `float32 8x8`
 *
 * Whether arrays of @pattern read as images, by drey_image_get_shape()'s
 * rule: for picking the fields a gallery can show.
 *
 * Returns: %TRUE if they do
 */
gboolean
drey_image_pattern_is_image (const char *pattern)
{
  static const char *const pixel_names[] = { "bool", "uint", "int", "float" };
  const char *space;
  g_auto(GStrv) parts = NULL;
  guint64 dims[3];
  guint ndim;
  gboolean named = FALSE;

  g_return_val_if_fail (pattern != NULL, FALSE);

  space = strchr (pattern, ' ');
  if (space == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pixel_names); i++)
    named |= strncmp (pattern, pixel_names[i], strlen (pixel_names[i])) == 0;
  /* float16 to float64 only: float128 and complex have no pixels. */
  if (!named || strncmp (pattern, "float128", 8) == 0)
    return FALSE;
  parts = g_strsplit (space + 1, "x", -1);
  ndim = g_strv_length (parts);
  if (ndim < 2 || ndim > 3)
    return FALSE;
  for (guint i = 0; i < ndim; i++)
    if (!g_ascii_string_to_unsigned (parts[i], 10, 1, G_MAXUINT32, &dims[i], NULL))
      return FALSE;
  return shape_reads_as_image (ndim, dims, NULL);
}

/* @lo..@hi onto 0..255; infinities at the ends; a constant image mid-grey.
 * (NaN pixels are the caller's.) */
static inline guint8
scale_element (double v,
               double lo,
               double hi)
{
  if (isinf (v))
    return v > 0 ? 255 : 0;
  if (!(hi > lo))
    return 128;
  return (guint8) CLAMP (lround ((v - lo) / (hi - lo) * 255.0), 0, 255);
}

/**
 * drey_image_map_pixels:
 * @array: an array that reads as an image
 * @shape: its shape, from drey_image_get_shape()
 * @step: every @step-th pixel of every @step-th row (1: all of them)
 * @cancellable: (nullable): checked every row
 * @error: return location for #G_IO_ERROR_CANCELLED
 *
 * The image's pixels, 8 bits a channel: ceil(width / @step) x
 * ceil(height / @step) pixels of @shape's channels each (grey stays one
 * channel), row after row, the mapping of this file's comment. The preview
 * and PNG export both draw with it, so they show the same thing. Safe to
 * call from any thread.
 *
 * Returns: (transfer full): the pixels, or %NULL if cancelled
 */
guint8 *
drey_image_map_pixels (SqNdarray             *array,
                       const DreyImageShape  *shape,
                       guint                  step,
                       GCancellable          *cancellable,
                       GError               **error)
{
  SqDtype *dtype = sq_ndarray_get_dtype (array);
  SqDtypeKind kind = sq_dtype_get_kind (dtype);
  gsize size = sq_dtype_get_itemsize (dtype);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
  gboolean as_is = (kind == SQ_DTYPE_KIND_UINT && size == 1) || kind == SQ_DTYPE_KIND_BOOL;
  guint w = shape->width, h = shape->height, c = shape->channels;
  guint sw, sh;
  guint64 n = (guint64) w * h * c;
  double lo = INFINITY, hi = -INFINITY;
  guint8 *pixels;

  g_return_val_if_fail (step > 0, NULL);

  sw = (w + step - 1) / step;
  sh = (h + step - 1) / step;

  /* Everything but uint8 and bool is scaled to its own finite range. */
  if (!as_is)
    for (guint64 i = 0; i < n; i++)
      {
        double v = sq_dtype_element_to_double (dtype, data + i * size);

        if (G_UNLIKELY ((i & 0xffff) == 0) && g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;
        if (isfinite (v))
          {
            lo = MIN (lo, v);
            hi = MAX (hi, v);
          }
      }

  pixels = g_malloc ((gsize) sw * sh * c);
  for (guint sy = 0; sy < sh; sy++)
    {
      guint y = sy * step;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_free (pixels);
          return NULL;
        }
      for (guint sx = 0; sx < sw; sx++)
        {
          guint x = sx * step;
          guint8 *px = pixels + ((gsize) sy * sw + sx) * c;
          gboolean nan = FALSE;

          for (guint ch = 0; ch < c; ch++)
            {
              guint64 i = shape->channels_first ? ((guint64) ch * h + y) * w + x
                                                : ((guint64) y * w + x) * c + ch;
              const guint8 *p = data + i * size;

              if (kind == SQ_DTYPE_KIND_UINT && size == 1)
                px[ch] = *p;
              else if (kind == SQ_DTYPE_KIND_BOOL)
                px[ch] = *p ? 255 : 0;
              else
                {
                  double v = sq_dtype_element_to_double (dtype, p);

                  nan |= isnan (v);
                  px[ch] = isnan (v) ? 0 : scale_element (v, lo, hi);
                }
            }
          /* A NaN in any channel makes the pixel black (and opaque). */
          if (nan)
            {
              memset (px, 0, MIN (c, 3));
              if (c == 4)
                px[3] = 255;
            }
        }
    }
  return pixels;
}

/* ---- reading ------------------------------------------------------------ */

static guint32
get_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Walks the chunks after the signature: each whole, its CRC right, up to
 * IEND. gdk-pixbuf hands out a half-decoded image for a truncated file
 * without a word, so this is the check that it is whole. */
static gboolean
check_chunks (const guint8  *data,
              gsize          length,
              GError       **error)
{
  gsize pos = sizeof png_signature;

  while (length - pos >= 12)
    {
      guint32 chunk_length = get_be32 (data + pos);
      const guint8 *type = data + pos + 4;

      if (chunk_length > length - pos - 12)
        break;
      if (crc32 (0, type, chunk_length + 4) != get_be32 (type + 4 + chunk_length))
        {
          g_set_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                       "damaged PNG image: the “%c%c%c%c” chunk at byte %" G_GSIZE_FORMAT " fails its checksum",
                       g_ascii_isprint (type[0]) ? type[0] : '?', g_ascii_isprint (type[1]) ? type[1] : '?',
                       g_ascii_isprint (type[2]) ? type[2] : '?', g_ascii_isprint (type[3]) ? type[3] : '?',
                       pos);
          return FALSE;
        }
      if (memcmp (type, "IEND", 4) == 0)
        return TRUE;
      pos += 12 + (gsize) chunk_length;
    }
  g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                       "damaged PNG image: it ends early (the file is truncated)");
  return FALSE;
}

static SqNdarray *
array_from_pixbuf (GdkPixbuf  *pixbuf,
                   guint       channels,
                   GError    **error)
{
  guint width = (guint) gdk_pixbuf_get_width (pixbuf);
  guint height = (guint) gdk_pixbuf_get_height (pixbuf);
  guint n_channels = (guint) gdk_pixbuf_get_n_channels (pixbuf);
  gsize rowstride = (gsize) gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint64 shape[3] = { height, width, channels };
  g_autoptr(SqDtype) dtype = sq_dtype_new (SQ_DTYPE_KIND_UINT, SQ_BYTE_ORDER_NONE, 1);
  g_autoptr(GBytes) bytes = NULL;
  gsize row_bytes = (gsize) width * channels;
  guint8 *data = g_malloc (row_bytes * height);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = pixels + y * rowstride;
      guint8 *dst = data + y * row_bytes;

      if (channels == n_channels)
        {
          memcpy (dst, src, row_bytes);
          continue;
        }
      /* Grey: gdk-pixbuf spread the grey into R, G and B; take R. */
      for (guint x = 0; x < width; x++, src += n_channels)
        {
          *dst++ = src[0];
          if (channels == 2)
            *dst++ = n_channels == 4 ? src[3] : 255;
        }
    }

  bytes = g_bytes_new_take (data, row_bytes * height);
  return sq_ndarray_new (dtype, 3, shape, bytes, error);
}

/**
 * drey_image_load_png:
 * @bytes: the contents of a PNG file
 * @error: return location for a #DREY_IMAGE_ERROR
 *
 * Decodes a PNG into an HxWxC uint8 array in C order: C is 1 for a grey
 * PNG, 2 for grey with alpha, 3 for RGB and 4 for RGBA (a palette or a
 * transparent colour gives 3 or 4 as the image needs). Alpha is straight,
 * as in the file. Blocks: call it from a worker.
 *
 * Returns: (transfer full): the array, or %NULL
 */
SqNdarray *
drey_image_load_png (GBytes  *bytes,
                        GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize length;
  guint bit_depth, colour_type, channels;
  gboolean written;
  GdkPixbuf *pixbuf;
  gboolean has_alpha;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (length < sizeof png_signature || memcmp (data, png_signature, sizeof png_signature) != 0)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                           "not a PNG image (it does not start with the PNG signature)");
      return NULL;
    }
  /* The first chunk is the header: length 13, "IHDR", width, height,
   * bit depth (byte 24 of the file), colour type (byte 25). */
  if (length < 33 || memcmp (data + 12, "IHDR", 4) != 0)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                           "damaged PNG image: it has no image header");
      return NULL;
    }
  if (!check_chunks (data, length, error))
    return NULL;
  bit_depth = data[24];
  colour_type = data[25];
  if (bit_depth == 16)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED,
                           "a PNG image of 16 bits a channel; Drey reads 8 bits a channel and would lose "
                           "values (save it as .npy instead)");
      return NULL;
    }
  if (colour_type != PNG_GREY && colour_type != PNG_RGB && colour_type != PNG_PALETTE &&
      colour_type != PNG_GREY_ALPHA && colour_type != PNG_RGBA)
    {
      g_set_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                   "damaged PNG image: unknown colour type %u", colour_type);
      return NULL;
    }

  loader = gdk_pixbuf_loader_new_with_type ("png", &local_error);
  if (loader == NULL)
    {
      g_set_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED,
                   "PNG images cannot be read here: %s", local_error->message);
      return NULL;
    }
  written = gdk_pixbuf_loader_write_bytes (loader, bytes, &local_error);
  /* Closed either way: a loader finalized open warns. */
  if (!gdk_pixbuf_loader_close (loader, written ? &local_error : NULL) || !written)
    {
      g_set_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                   "damaged PNG image: %s", local_error != NULL ? local_error->message : "it cannot be decoded");
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_INVALID,
                           "damaged PNG image: it cannot be decoded");
      return NULL;
    }

  has_alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  switch (colour_type)
    {
    case PNG_GREY:
      /* A grey PNG with a transparent grey (tRNS) gets alpha. */
      channels = has_alpha ? 2 : 1;
      break;
    case PNG_GREY_ALPHA:
      channels = 2;
      break;
    case PNG_RGBA:
      channels = 4;
      break;
    case PNG_RGB:
    case PNG_PALETTE:
    default:
      channels = has_alpha ? 4 : 3;
      break;
    }
  return array_from_pixbuf (pixbuf, channels, error);
}

/* ---- writing ------------------------------------------------------------ */

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              guint32       length)
{
  guint8 word[4];
  uLong crc;

  put_be32 (word, length);
  g_byte_array_append (out, word, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (out, data, length);
  crc = crc32 (0, (const Bytef *) type, 4);
  if (length > 0)
    crc = crc32 (crc, data, length);
  put_be32 (word, (guint32) crc);
  g_byte_array_append (out, word, 4);
}

typedef struct
{
  z_stream    z;
  GByteArray *out;
  guint8     *buffer; /* IDAT_SIZE bytes: the IDAT chunk being filled */
} Encoder;

/* Deflates @length bytes at @data, writing IDAT chunks as the buffer fills;
 * @finish ends the stream and writes the last, partial chunk. */
static gboolean
encoder_feed (Encoder      *e,
              const guint8 *data,
              gsize         length,
              gboolean      finish)
{
  do
    {
      uInt take = (uInt) MIN (length, (gsize) 1 << 30);
      int flush, ret;

      e->z.next_in = (Bytef *) data;
      e->z.avail_in = take;
      data += take;
      length -= take;
      flush = finish && length == 0 ? Z_FINISH : Z_NO_FLUSH;
      do
        {
          if (e->z.avail_out == 0)
            {
              append_chunk (e->out, "IDAT", e->buffer, IDAT_SIZE);
              e->z.next_out = e->buffer;
              e->z.avail_out = IDAT_SIZE;
            }
          ret = deflate (&e->z, flush);
          if (ret == Z_STREAM_ERROR)
            return FALSE;
        }
      while (e->z.avail_in > 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
    }
  while (length > 0);

  if (finish && e->z.avail_out < IDAT_SIZE)
    append_chunk (e->out, "IDAT", e->buffer, IDAT_SIZE - e->z.avail_out);
  return TRUE;
}

/* An 8-bit PNG of @channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) from
 * rows of @width * @channels bytes, each row with filter 0 (none). */
static GBytes *
encode_png (const guint8  *pixels,
            guint32        width,
            guint32        height,
            guint          channels,
            GError       **error)
{
  static const guint8 colour_types[5] = { 0, PNG_GREY, PNG_GREY_ALPHA, PNG_RGB, PNG_RGBA };
  static const guint8 no_filter = 0;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (IDAT_SIZE);
  gsize row_bytes = (gsize) width * channels;
  Encoder e = { .out = out, .buffer = buffer };
  guint8 header[13];
  gboolean ok = TRUE;

  g_assert (channels >= 1 && channels <= 4);
  g_assert (width > 0 && height > 0);

  g_byte_array_append (out, png_signature, sizeof png_signature);
  put_be32 (header, width);
  put_be32 (header + 4, height);
  header[8] = 8;                       /* bits a channel */
  header[9] = colour_types[channels];
  header[10] = 0;                      /* deflate */
  header[11] = 0;                      /* filtering with a byte a row */
  header[12] = 0;                      /* not interlaced */
  append_chunk (out, "IHDR", header, sizeof header);

  if (deflateInit (&e.z, Z_DEFAULT_COMPRESSION) != Z_OK)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED,
                           "the PNG image cannot be compressed (out of memory)");
      return NULL;
    }
  e.z.next_out = buffer;
  e.z.avail_out = IDAT_SIZE;
  for (guint32 y = 0; y < height && ok; y++)
    ok = encoder_feed (&e, &no_filter, 1, FALSE) &&
         encoder_feed (&e, pixels + y * row_bytes, row_bytes, y == height - 1);
  deflateEnd (&e.z);
  if (!ok)
    {
      g_set_error_literal (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED,
                           "the PNG image cannot be compressed");
      return NULL;
    }

  append_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * drey_image_save_png:
 * @array: an array that reads as an image
 * @error: return location for a #DREY_IMAGE_ERROR
 *
 * Encodes @array as an 8-bit PNG. A uint8 array of HxW or HxWxC with C
 * from 1 to 4 is written exactly: grey, grey with alpha, RGB or RGBA, and
 * drey_image_load_png() gives it back byte for byte. Any other array
 * that drey_image_get_shape() takes (other dtypes, CxHxW) is written as the
 * image preview shows it (drey_image_map_pixels()). Safe to call from any thread.
 *
 * Returns: (transfer full): the PNG file's bytes, or %NULL
 */
GBytes *
drey_image_save_png (SqNdarray  *array,
                        GError    **error)
{
  SqDtype *dtype;
  const guint64 *shape;
  guint ndim;
  guint width, height, channels;
  DreyImageShape image;
  g_autofree guint8 *mapped = NULL;
  const guint8 *pixels;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dtype = sq_ndarray_get_dtype (array);
  shape = sq_ndarray_get_shape (array);
  ndim = sq_ndarray_get_ndim (array);

  if (sq_dtype_get_kind (dtype) == SQ_DTYPE_KIND_UINT && sq_dtype_get_itemsize (dtype) == 1 &&
      (ndim == 2 || (ndim == 3 && shape[2] >= 1 && shape[2] <= 4)) &&
      shape[0] > 0 && shape[0] <= PNG_MAX_SIDE && shape[1] > 0 && shape[1] <= PNG_MAX_SIDE)
    {
      height = (guint) shape[0];
      width = (guint) shape[1];
      channels = ndim == 2 ? 1 : (guint) shape[2];
      pixels = g_bytes_get_data (sq_ndarray_get_data (array), NULL);
    }
  else if (drey_image_get_shape (array, &image))
    {
      mapped = drey_image_map_pixels (array, &image, 1, NULL, NULL);
      pixels = mapped;
      width = image.width;
      height = image.height;
      channels = image.channels;
    }
  else
    {
      g_autofree char *dims = sq_ndarray_format_shape (array);

      g_set_error (error, DREY_IMAGE_ERROR, DREY_IMAGE_ERROR_UNSUPPORTED,
                   "a %s array of shape %s does not read as an image", sq_dtype_get_name (dtype), dims);
      return NULL;
    }

  return encode_png (pixels, width, height, channels, error);
}
