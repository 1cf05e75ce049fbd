/* test-sample-node.c: the tree's rows without a display: field paths
 * taken in one sample and followed in another (what J and K keep)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "drey-sample-node.h"

/* {"image": 1, "boxes": [{"label": label}, {"label": label + 1}]} */
static SqValue *
make_sample (gint64 label)
{
  SqValue *box0[] = { sq_value_new_str ("label", -1), sq_value_new_int (label) };
  SqValue *box1[] = { sq_value_new_str ("label", -1), sq_value_new_int (label + 1) };
  SqValue *boxes[] = { sq_value_new_map (box0, 1), sq_value_new_map (box1, 1) };
  SqValue *entries[] = {
    sq_value_new_str ("image", -1), sq_value_new_int (1),
    sq_value_new_str ("boxes", -1), sq_value_new_array (boxes, 2),
  };

  return sq_value_new_map (entries, 2);
}

static DreySampleNode *
child (DreySampleNode *node,
       guint           index)
{
  /* Borrowed, as the parent keeps its children. */
  g_autoptr(DreySampleNode) item = g_list_model_get_item (drey_sample_node_get_children (node), index);

  return item;
}

static void
test_field_path_followed (void)
{
  g_autoptr(SqValue) value_a = make_sample (10);
  g_autoptr(SqValue) value_b = make_sample (20);
  g_autoptr(DreySampleNode) a = drey_sample_node_new_sample (value_a, 0);
  g_autoptr(DreySampleNode) b = drey_sample_node_new_sample (value_b, 1);
  DreySampleNode *label = child (child (child (a, 1), 1), 0);
  g_autoptr(GPtrArray) path = drey_sample_node_dup_field_path (label);
  g_autoptr(GPtrArray) none = drey_sample_node_dup_field_path (a);
  DreySampleNode *found;
  g_autofree char *python = NULL;

  g_assert_cmpuint (path->len, ==, 3);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (drey_sample_node_follow_field_path (b, none) == b);

  /* the second box's label in the other sample: 21 */
  found = drey_sample_node_follow_field_path (b, path);
  python = drey_sample_node_get_python_path (found);
  g_assert_cmpstr (python, ==, "[1][\"boxes\"][1][\"label\"]");
  g_assert_cmpint (sq_value_get_int (drey_sample_node_get_value (found)), ==, 21);
}

/* A sample that lacks part of the path gives the deepest node it has. */
static void
test_field_path_missing (void)
{
  g_autoptr(SqValue) value_a = make_sample (10);
  SqValue *entries[] = { sq_value_new_str ("boxes", -1), sq_value_new_array (NULL, 0) };
  g_autoptr(SqValue) value_b = sq_value_new_map (entries, 1);
  SqValue *other[] = { sq_value_new_str ("image", -1), sq_value_new_int (2) };
  g_autoptr(SqValue) value_c = sq_value_new_map (other, 1);
  g_autoptr(DreySampleNode) a = drey_sample_node_new_sample (value_a, 0);
  g_autoptr(DreySampleNode) b = drey_sample_node_new_sample (value_b, 0);
  g_autoptr(DreySampleNode) c = drey_sample_node_new_sample (value_c, 0);
  g_autoptr(GPtrArray) path = drey_sample_node_dup_field_path (child (child (a, 1), 0));
  DreySampleNode *found;
  g_autofree char *python = NULL;

  /* boxes is there but empty: boxes itself */
  found = drey_sample_node_follow_field_path (b, path);
  python = drey_sample_node_get_python_path (found);
  g_assert_cmpstr (python, ==, "[0][\"boxes\"]");
  /* no boxes at all: the sample */
  g_assert_true (drey_sample_node_follow_field_path (c, path) == c);
}

/* A map or a list shows what it holds before it is expanded; one level
 * deep, arrays by dtype and shape, and cut short past the column. */
static void
test_container_preview (void)
{
  g_autoptr(SqValue) value = make_sample (10);
  g_autoptr(DreySampleNode) node = drey_sample_node_new_sample (value, 0);
  g_autoptr(SqDtype) dtype = sq_dtype_new_from_string ("|u1", NULL);
  const guint64 shape[] = { 8, 8, 3 };
  g_autoptr(GBytes) pixels = g_bytes_new_take (g_malloc0 (8 * 8 * 3), 8 * 8 * 3);
  g_autoptr(SqNdarray) array = sq_ndarray_new (dtype, 3, shape, pixels, NULL);
  SqValue *entries[] = {
    sq_value_new_str ("image", -1), sq_value_new_ndarray (array),
    sq_value_new_str ("caption", -1), sq_value_new_str ("it's a cat sitting on a very long mat", -1),
    sq_value_new_str ("empty", -1), sq_value_new_map (NULL, 0),
    sq_value_new_str ("sizes", -1), NULL,
  };
  SqValue *size[] = { sq_value_new_int (256), sq_value_new_int (256) };
  SqValue *box[] = { sq_value_new_int (0), sq_value_new_int (0), sq_value_new_int (1), sq_value_new_str ("x", -1) };
  SqValue *five[] = { sq_value_new_int (1), sq_value_new_int (2), sq_value_new_int (3), sq_value_new_int (4),
                      sq_value_new_int (5) };
  SqValue *sizes[4];
  g_autoptr(SqValue) photo = NULL;
  g_autoptr(DreySampleNode) photo_node = NULL;
  SqValue *many[100];
  g_autoptr(SqValue) long_list = NULL;
  g_autoptr(DreySampleNode) long_node = NULL;
  const char *text;

  sizes[0] = sq_value_new_array (size, 2);
  sizes[1] = sq_value_new_array (box, 4);
  sizes[2] = sq_value_new_array (NULL, 0);
  sizes[3] = sq_value_new_array (five, 5);
  entries[7] = sq_value_new_array (sizes, 4);
  photo = sq_value_new_map (entries, 4);
  photo_node = drey_sample_node_new_sample (photo, 1);
  g_assert_cmpstr (drey_sample_node_get_value_text (node), ==, "{image: 1, boxes: […]}");
  g_assert_cmpstr (drey_sample_node_get_value_text (child (photo_node, 3)), ==, "[[256, 256], [0, 0, 1, 'x'], [], […]]");
  g_assert_cmpstr (drey_sample_node_get_value_text (child (node, 1)), ==, "[{…}, {…}]");
  g_assert_cmpstr (drey_sample_node_get_value_text (child (child (node, 1), 1)), ==, "{label: 11}");
  g_assert_cmpstr (drey_sample_node_get_value_text (photo_node), ==,
                   "{image: uint8 8x8x3, caption: 'it\\'s a cat sitting on a …', empty: {}, sizes: […]}");

  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = sq_value_new_int (1000 + i);
  long_list = sq_value_new_array (many, G_N_ELEMENTS (many));
  long_node = drey_sample_node_new_sample (long_list, 2);
  text = drey_sample_node_get_value_text (long_node);
  g_assert_true (g_str_has_prefix (text, "[1000, 1001, "));
  g_assert_true (g_str_has_suffix (text, ", …]"));
  g_assert_cmpuint (g_utf8_strlen (text, -1), <, 140);
  g_assert_null (strstr (text, "1099"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sample-node/field-path/followed", test_field_path_followed);
  g_test_add_func ("/sample-node/field-path/missing", test_field_path_missing);
  g_test_add_func ("/sample-node/container-preview", test_container_preview);
  return g_test_run ();
}
