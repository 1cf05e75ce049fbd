/* test-sample-node.c: the tree's rows without a display: field paths
 * taken in one sample and followed in another (what J and K keep)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sample-node/field-path/followed", test_field_path_followed);
  g_test_add_func ("/sample-node/field-path/missing", test_field_path_missing);
  return g_test_run ();
}
