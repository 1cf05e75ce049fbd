/* test-npy.c: .npy files, read and written, against files numpy made
 *
 * tests/data/npy holds files numpy.save wrote (and make-npy.py, which made
 * them) and expected.ini, which says what each holds. Every good file is
 * read and checked, then written back and compared with what numpy.save
 * makes of the same C-ordered array; every broken one must fail with the
 * right code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sq.h"

static GKeyFile *expected;

static GBytes *
load_fixture (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "npy", file, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static GBytes *
hex_to_bytes (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *data = g_malloc (n + 1);

  g_assert_cmpuint (strlen (hex) % 2, ==, 0);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, n);
}

static void
test_read_good (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *file = g_strconcat (name, ".npy", NULL);
  g_autoptr(GBytes) bytes = load_fixture (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = sq_npy_read (bytes, &error);
  g_autofree char *descr = g_key_file_get_string (expected, name, "descr", NULL);
  g_autofree char *shape_text = g_key_file_get_string (expected, name, "shape", NULL);
  g_autofree char *data_hex = g_key_file_get_string (expected, name, "data", NULL);
  g_auto(GStrv) dims = g_strsplit (shape_text, ";", -1);
  g_autoptr(GBytes) data = hex_to_bytes (data_hex);
  guint ndim = *shape_text ? g_strv_length (dims) : 0;
  SqDtype *dtype;

  g_assert_no_error (error);
  g_assert_nonnull (array);
  dtype = sq_ndarray_get_dtype (array);

  if (g_str_equal (descr, "struct"))
    {
      g_auto(GStrv) fields = g_key_file_get_string_list (expected, name, "fields", NULL, NULL);
      guint n_named = 0;

      g_assert_cmpint (sq_dtype_get_kind (dtype), ==, SQ_DTYPE_KIND_VOID);
      g_assert_cmpuint (sq_dtype_get_itemsize (dtype), ==,
                        (gsize) g_key_file_get_integer (expected, name, "itemsize", NULL));
      /* numpy's dtype.names leaves out the padding fields that descr holds */
      for (guint i = 0; i < sq_dtype_get_n_fields (dtype); i++)
        {
          const SqDtypeField *field = sq_dtype_get_field (dtype, i);

          if (*field->name == '\0')
            continue;
          g_assert_cmpuint (n_named, <, g_strv_length (fields));
          g_assert_cmpstr (field->name, ==, fields[n_named]);
          n_named++;
        }
      g_assert_cmpuint (n_named, ==, g_strv_length (fields));
    }
  else
    g_assert_cmpstr (sq_dtype_get_type_string (dtype), ==, descr);

  g_assert_cmpuint (sq_ndarray_get_ndim (array), ==, ndim);
  for (guint i = 0; i < ndim; i++)
    g_assert_cmpuint (sq_ndarray_get_shape (array)[i], ==, g_ascii_strtoull (dims[i], NULL, 10));
  g_assert_cmpmem (g_bytes_get_data (sq_ndarray_get_data (array), NULL),
                   g_bytes_get_size (sq_ndarray_get_data (array)),
                   g_bytes_get_data (data, NULL), g_bytes_get_size (data));

  /* the fixture is the format version it claims to test */
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (bytes, NULL))[6], ==,
                   g_key_file_get_integer (expected, name, "version", NULL));
}

static void
test_write_like_numpy (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *file = g_strconcat (name, ".npy", NULL);
  g_autofree char *saved_file = g_key_file_get_string (expected, name, "saved", NULL);
  g_autoptr(GBytes) bytes = load_fixture (file);
  g_autoptr(GBytes) saved = load_fixture (saved_file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = sq_npy_read (bytes, &error);
  g_autoptr(GBytes) written = NULL;

  g_assert_no_error (error);
  written = sq_npy_write (array, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written),
                   g_bytes_get_data (saved, NULL), g_bytes_get_size (saved));
}

static void
test_read_broken (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *file = g_strconcat (name, ".npy", NULL);
  g_autofree char *code = g_key_file_get_string (expected, name, "error", NULL);
  g_autoptr(GBytes) bytes = load_fixture (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = sq_npy_read (bytes, &error);

  g_assert_null (array);
  g_test_message ("%s: %s", name, error ? error->message : "(no error)");
  if (g_str_equal (code, "unsupported"))
    g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED);
  else
    g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID);
}

static void
assert_read_error (const char *file,
                   int         code,
                   const char *message)
{
  g_autoptr(GBytes) bytes = load_fixture (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SqNdarray) array = sq_npy_read (bytes, &error);

  g_assert_null (array);
  g_assert_error (error, SQ_NPY_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_read_messages (void)
{
  assert_read_error ("bad-magic.npy", SQ_NPY_ERROR_INVALID, "not a .npy file (bad magic)");
  assert_read_error ("too-short.npy", SQ_NPY_ERROR_INVALID, "not a .npy file (too short)");
  assert_read_error ("bad-version.npy", SQ_NPY_ERROR_INVALID,
                     "unknown .npy format version 4.0 (1.0, 2.0 and 3.0 are read)");
  assert_read_error ("truncated.npy", SQ_NPY_ERROR_INVALID,
                     "expected 80 bytes of data for shape (10,) of <f8, found 40");
  assert_read_error ("extra-data.npy", SQ_NPY_ERROR_INVALID,
                     "expected 24 bytes of data for shape (3,) of <f8, found 32");
  assert_read_error ("large-shape.npy", SQ_NPY_ERROR_INVALID,
                     "expected 8000000000 bytes of data for shape (1000000000,) of <f8, found 8");
  assert_read_error ("huge-shape.npy", SQ_NPY_ERROR_INVALID,
                     "header: shape (1099511627776, 1099511627776) of <f8 is too large");
  assert_read_error ("header-overrun.npy", SQ_NPY_ERROR_INVALID,
                     "header: the file ends inside the header (32767 bytes claimed, 1 present)");
  assert_read_error ("missing-key.npy", SQ_NPY_ERROR_INVALID, "header: key 'fortran_order' is missing");
  assert_read_error ("extra-key.npy", SQ_NPY_ERROR_INVALID, "header: unexpected key 'x'");
  assert_read_error ("shape-list.npy", SQ_NPY_ERROR_INVALID, "header: shape is not a tuple");
  assert_read_error ("negative-shape.npy", SQ_NPY_ERROR_INVALID,
                     "header: shape dimension 0 is not a non-negative integer");
  assert_read_error ("not-dict.npy", SQ_NPY_ERROR_INVALID, "header: not a dict");
  assert_read_error ("bad-descr.npy", SQ_NPY_ERROR_INVALID,
                     "header: dtype \"<f7\" is not a numpy type string");
  assert_read_error ("deep.npy", SQ_NPY_ERROR_INVALID, "header: values nested too deeply at byte 41");
  assert_read_error ("object.npy", SQ_NPY_ERROR_UNSUPPORTED,
                     "an object array holds pickled Python objects, which are never loaded");
  assert_read_error ("struct-object.npy", SQ_NPY_ERROR_UNSUPPORTED,
                     "a structured array with object fields holds pickled Python objects, "
                     "which are never loaded");
  assert_read_error ("struct-titled.npy", SQ_NPY_ERROR_UNSUPPORTED,
                     "structured fields with titles are not supported");
}

/* C-ordered data is referenced where it lies in the file, not copied. */
static void
test_read_zero_copy (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("f4-le.npy");
  g_autoptr(SqNdarray) array = sq_npy_read (bytes, NULL);
  gsize size;
  const guint8 *file = g_bytes_get_data (bytes, &size);
  const guint8 *data = g_bytes_get_data (sq_ndarray_get_data (array), NULL);

  g_assert_true (data >= file && data < file + size);
}

/* A header that is not padded, not aligned, and written the other way
 * round is still a header. */
static void
test_read_header_forms (void)
{
  static const struct
  {
    const char *header;
    guint       ndim;
  } cases[] = {
    { "{'descr':'|u1','fortran_order':False,'shape':(2,)}", 1 },
    { "{'shape': (2,), 'descr': '|u1', 'fortran_order': True}\n", 1 },
    { "{ 'descr' : '|u1' , 'fortran_order' : False , 'shape' : ( 2 , ) , }", 1 },
    { "{'descr': u'|u1', 'fortran_order': False, 'shape': (1, 2), }", 2 },
    { "{'descr': '\\x7cu1', 'fortran_order': False, 'shape': (2L,), }", 1 },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': ((2),), }", 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].header);
      g_autoptr(GByteArray) file = g_byte_array_new ();
      guint8 length[2] = { len & 0xff, len >> 8 };
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SqNdarray) array = NULL;

      g_byte_array_append (file, (const guint8 *) "\x93NUMPY\x01\x00", 8);
      g_byte_array_append (file, length, 2);
      g_byte_array_append (file, (const guint8 *) cases[i].header, len);
      g_byte_array_append (file, (const guint8 *) "\x05\x07", 2);
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&file));
      array = sq_npy_read (bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sq_ndarray_get_ndim (array), ==, cases[i].ndim);
      g_assert_cmpmem (g_bytes_get_data (sq_ndarray_get_data (array), NULL), 2, "\x05\x07", 2);
    }
}

static void
test_read_bad_headers (void)
{
  static const char *const headers[] = {
    "",
    "{",
    "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), } x",
    "{'descr': '|u1' 'fortran_order': False, 'shape': (2,)}",
    "{'descr': '|u1', 'fortran_order': 0, 'shape': (2,)}",
    "{'descr': '|u1', 'fortran_order': False, 'shape': (2.0,)}",
    "{'descr': '|u1', 'fortran_order': False, 'shape': (0x2,)}",
    "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
    "{'descr': '|u1', 'fortran_order': False, 'shape': 2}",
    "{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': '|u1\\q', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': '|u1\\x00', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': '|u1\\ud800', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': ('|u1', (2,)), 'fortran_order': False, 'shape': (1,)}",
    "{'descr': [('a', '|u1', (2,), 5)], 'fortran_order': False, 'shape': (1,)}",
    "{'descr': [{'a': 1}], 'fortran_order': False, 'shape': (2,)}",
    "{1: '|u1', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': '|u1', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2)}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      gsize len = strlen (headers[i]);
      g_autoptr(GByteArray) file = g_byte_array_new ();
      guint8 length[2] = { len & 0xff, len >> 8 };
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SqNdarray) array = NULL;

      g_byte_array_append (file, (const guint8 *) "\x93NUMPY\x01\x00", 8);
      g_byte_array_append (file, length, 2);
      g_byte_array_append (file, (const guint8 *) headers[i], len);
      g_byte_array_append (file, (const guint8 *) "\x05\x07", 2);
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&file));
      array = sq_npy_read (bytes, &error);
      g_test_message ("%s -> %s", headers[i], error ? error->message : "(no error)");
      g_assert_null (array);
      g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "header: "));
    }
}

/* Every prefix and many one-byte changes of every good file: an array or
 * an error, never a crash or a read out of bounds (run under valgrind or
 * ASan to see the latter). */
static void
test_read_damaged (void)
{
  g_auto(GStrv) groups = g_key_file_get_groups (expected, NULL);
  GRand *rand = g_rand_new_with_seed (20240601);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_autofree char *file = g_strconcat (groups[g], ".npy", NULL);
      g_autoptr(GBytes) bytes = NULL;
      gsize size;
      const guint8 *data;

      if (g_key_file_has_key (expected, groups[g], "error", NULL))
        continue;
      bytes = load_fixture (file);
      data = g_bytes_get_data (bytes, &size);

      for (gsize cut = 0; cut < size; cut++)
        {
          /* a copy of exactly the prefix, so that reading past it is seen */
          g_autoptr(GBytes) prefix = g_bytes_new (data, cut);
          g_autoptr(GError) error = NULL;
          g_autoptr(SqNdarray) array = sq_npy_read (prefix, &error);

          g_assert_null (array);
          g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_INVALID);
        }

      for (guint round = 0; round < 200; round++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, size);
          g_autoptr(GBytes) changed = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(SqNdarray) array = NULL;

          copy[g_rand_int_range (rand, 0, (gint32) MIN (size, 128))] = (guint8) g_rand_int_range (rand, 0, 256);
          changed = g_bytes_new (copy, size);
          array = sq_npy_read (changed, &error);
          g_assert_true ((array == NULL) != (error == NULL));
          if (array != NULL)
            g_assert_cmpuint (g_bytes_get_size (sq_ndarray_get_data (array)), <=, size);
        }
    }
  g_rand_free (rand);
}

/* numpy only switches to format 2.0 for a header over 64 KiB: a structured
 * dtype of thousands of fields. */
static void
test_write_version_2 (void)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(SqValue) descr = NULL;
  g_autoptr(SqDtype) dtype = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(SqNdarray) array = NULL;
  g_autoptr(SqNdarray) back = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GError) error = NULL;
  guint64 one = 1;
  const guint8 *p;
  gsize size, header_len;

  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *name = g_strdup_printf ("field_%u", i);
      SqValue *pair[] = { sq_value_new_str (name, -1), sq_value_new_str ("|u1", -1) };

      g_ptr_array_add (fields, sq_value_new_array (pair, 2));
    }
  descr = sq_value_new_array ((SqValue **) fields->pdata, fields->len);
  dtype = sq_dtype_new_from_descr (descr, &error);
  g_assert_no_error (error);
  data = g_bytes_new_take (g_malloc0 (5000), 5000);
  array = sq_ndarray_new (dtype, 1, &one, data, &error);
  g_assert_no_error (error);

  written = sq_npy_write (array, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (written, &size);
  g_assert_cmpmem (p, 8, "\x93NUMPY\x02\x00", 8);
  header_len = p[8] | p[9] << 8 | p[10] << 16 | (gsize) p[11] << 24;
  g_assert_cmpuint (header_len, >, 65535);
  g_assert_cmpuint ((12 + header_len) % 64, ==, 0);
  g_assert_cmpint (p[12 + header_len - 1], ==, '\n');
  g_assert_cmpuint (size, ==, 12 + header_len + 5000);

  back = sq_npy_read (written, &error);
  g_assert_no_error (error);
  g_assert_true (sq_dtype_equal (sq_ndarray_get_dtype (back), dtype));
}

/* The descr is numpy's dtype.str whatever spelling the dtype was read
 * with; arrays made in C write as numpy would. */
static void
test_write_made_array (void)
{
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("f8", NULL);
  g_autoptr(GBytes) data = g_bytes_new ("\0\0\0\0\0\0\x0c\x40", 8);
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 0, NULL, data, NULL);
  g_autoptr(GBytes) expected_file = load_fixture ("scalar-0d.npy");
  g_autoptr(GBytes) written = sq_npy_write (array, NULL);

  g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written),
                   g_bytes_get_data (expected_file, NULL), g_bytes_get_size (expected_file));
}

static void
test_write_object (void)
{
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("|O", NULL);
  g_autoptr(GBytes) data = g_bytes_new ("\0\0\0\0\0\0\0\0", 8);
  guint64 one = 1;
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 1, &one, data, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) written = sq_npy_write (array, &error);

  g_assert_null (written);
  g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED);
}

/* A field name holding U+0000 (a msgpack or JSON descr may) would be
 * written escaped, as numpy does, but sq_npy_read() refuses it: no file. */
static void
test_write_field_name_nul (void)
{
  SqValue *field_items[] = { sq_value_new_str ("a\0b", 3), sq_value_new_str ("<i4", -1) };
  SqValue *field = sq_value_new_array (field_items, 2);
  g_autoptr(SqValue) descr = sq_value_new_array (&field, 1);
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_descr (descr, NULL);
  g_autoptr(GBytes) data = g_bytes_new ("\0\0\0\0", 4);
  guint64 one = 1;
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 1, &one, data, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) written = sq_npy_write (array, &error);

  g_assert_null (written);
  g_assert_error (error, SQ_NPY_ERROR, SQ_NPY_ERROR_UNSUPPORTED);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  expected = g_key_file_new ();
  path = g_test_build_filename (G_TEST_DIST, "data", "npy", "expected.ini", NULL);
  g_key_file_load_from_file (expected, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (expected, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *read_path = g_strdup_printf ("/npy/read/%s", groups[i]);

      if (g_key_file_has_key (expected, groups[i], "error", NULL))
        g_test_add_data_func (read_path, groups[i], test_read_broken);
      else
        {
          g_autofree char *write_path = g_strdup_printf ("/npy/write/%s", groups[i]);

          g_test_add_data_func (read_path, groups[i], test_read_good);
          g_test_add_data_func (write_path, groups[i], test_write_like_numpy);
        }
    }
  g_test_add_func ("/npy/read/messages", test_read_messages);
  g_test_add_func ("/npy/read/zero-copy", test_read_zero_copy);
  g_test_add_func ("/npy/read/header-forms", test_read_header_forms);
  g_test_add_func ("/npy/read/bad-headers", test_read_bad_headers);
  g_test_add_func ("/npy/read/damaged", test_read_damaged);
  g_test_add_func ("/npy/write/version-2", test_write_version_2);
  g_test_add_func ("/npy/write/made-array", test_write_made_array);
  g_test_add_func ("/npy/write/object", test_write_object);
  g_test_add_func ("/npy/write/field-name-nul", test_write_field_name_nul);

  result = g_test_run ();
  g_key_file_free (expected);
  return result;
}
