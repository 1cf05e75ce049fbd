/* drey-sample-node.c: one row of the sample tree
 *
 * A node is an immutable value and where it sits: its parent, its index
 * there and, in a map, its key. Its name and its Python path follow from
 * those. Children are made the first time a row is expanded and then kept,
 * so edits below a collapsed row (and their marks) survive.
 *
 * Editing replaces values, never changes them: a node given a new value
 * rebuilds each ancestor's container with sq_value_replace_item(), which
 * shares every untouched sibling. What the user did not edit is therefore
 * the very value that was read, and is written back bit for bit.
 *
 * The edits keep node objects: a removed child and the children a new
 * value replaced are handed back, so an undo puts back the very rows
 * (with their children, marks and summaries). Marking is the caller's,
 * which knows whether an edit goes away from the file or back to it.
 *
 * An array's one-line summary is computed on a worker the first time its
 * row is shown; "value-text" is notified when it arrives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-sample-node"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "drey-sample-node.h"

/* Characters of a str or bytes shown in the Value column. */
#define VALUE_TEXT_CHARS 120
/* ... and of one inside a map's or a list's preview there. */
#define PREVIEW_ITEM_CHARS 24
/* Lists of at most this many scalars show their items there. */
#define PREVIEW_INLINE_ITEMS 4

struct _DreySampleNode
{
  GObject         parent_instance;

  /* Not a reference: a parent owns its children (through ->children) and
   * clears this when it goes. */
  DreySampleNode *parent;
  guint           index;
  SqValue        *key;
  SqValue        *value;
  GListStore     *children;
  gboolean        edited;

  char           *name;
  char           *type_text;
  char           *value_text;
  SqSummary      *summary;
  GCancellable   *summary_cancellable;
};

G_DEFINE_FINAL_TYPE (DreySampleNode, drey_sample_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_TYPE_TEXT,
  PROP_VALUE_TEXT,
  PROP_EDITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_name (DreySampleNode *self)
{
  char *name;

  if (self->key == NULL)
    name = g_strdup_printf ("%u", self->index);
  else if (sq_value_get_value_type (self->key) == SQ_VALUE_STR)
    name = g_strdup (sq_value_get_str (self->key, NULL));
  else
    name = sq_value_format (self->key, VALUE_TEXT_CHARS);
  if (g_strcmp0 (name, self->name) == 0)
    {
      g_free (name);
      return;
    }
  g_free (self->name);
  self->name = name;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

static gboolean
is_container (SqValue *value)
{
  SqValueType type = sq_value_get_value_type (value);

  return type == SQ_VALUE_ARRAY || type == SQ_VALUE_MAP;
}

/* An item inside a container's preview: short, and never deeper. */
static void
append_preview_item (GString *out,
                     SqValue *item)
{
  switch (sq_value_get_value_type (item))
    {
    case SQ_VALUE_MAP:
      g_string_append (out, sq_value_get_length (item) > 0 ? "{…}" : "{}");
      break;
    case SQ_VALUE_ARRAY:
      {
        gsize n = sq_value_get_length (item);
        gboolean inline_items = n <= PREVIEW_INLINE_ITEMS;

        /* A size, a crop, a box: a few scalars read better than […]. */
        for (gsize i = 0; i < n && inline_items; i++)
          {
            SqValueType type = sq_value_get_value_type (sq_value_get_item (item, i));

            inline_items = type != SQ_VALUE_ARRAY && type != SQ_VALUE_MAP && type != SQ_VALUE_NDARRAY;
          }
        if (!inline_items)
          {
            g_string_append (out, "[…]");
            break;
          }
        g_string_append_c (out, '[');
        for (gsize i = 0; i < n; i++)
          {
            g_autofree char *text = sq_value_format (sq_value_get_item (item, i), PREVIEW_ITEM_CHARS);

            if (i > 0)
              g_string_append (out, ", ");
            g_string_append (out, text);
          }
        g_string_append_c (out, ']');
        break;
      }
    case SQ_VALUE_NDARRAY:
      {
        SqNdarray *array = sq_value_get_ndarray (item);
        g_autofree char *shape = sq_ndarray_format_shape (array);

        g_string_append_printf (out, "%s %s", sq_dtype_get_name (sq_ndarray_get_dtype (array)), shape);
        break;
      }
    default:
      {
        g_autofree char *text = sq_value_format (item, PREVIEW_ITEM_CHARS);

        g_string_append (out, text);
        break;
      }
    }
}

/* A map or a list says what it holds before it is expanded, as a
 * debugger's variables view does: `{image: uint8 8x8, label: 4,
 * metadata: {…}}`, `['cat', 'dog']`. Its count is in the Type column. */
static char *
format_container_preview (SqValue *value)
{
  gboolean is_map = sq_value_get_value_type (value) == SQ_VALUE_MAP;
  gsize n = sq_value_get_length (value);
  GString *out = g_string_new (is_map ? "{" : "[");

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      if (out->len >= VALUE_TEXT_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (is_map)
        {
          SqValue *key = sq_value_get_key (value, i);

          if (sq_value_get_value_type (key) == SQ_VALUE_STR)
            g_string_append (out, sq_value_get_str (key, NULL));
          else
            append_preview_item (out, key);
          g_string_append (out, ": ");
        }
      append_preview_item (out, sq_value_get_item (value, i));
    }
  g_string_append (out, is_map ? "}" : "]");
  return g_string_free (out, FALSE);
}

static void
update_texts (DreySampleNode *self)
{
  g_free (self->type_text);
  self->type_text = sq_value_describe_type (self->value);
  g_clear_pointer (&self->value_text, g_free);
  if (sq_value_get_value_type (self->value) == SQ_VALUE_NDARRAY &&
      sq_dtype_is_numeric (sq_ndarray_get_dtype (sq_value_get_ndarray (self->value))))
    self->value_text = g_strdup ("…");
  else if (!is_container (self->value))
    self->value_text = sq_value_format (self->value, VALUE_TEXT_CHARS);
  /* A container's preview is made when first asked for: a shard's
   * samples get their nodes all at once, most never shown. */
}

static DreySampleNode *
node_new (DreySampleNode *parent,
          guint           index,
          SqValue        *key,
          SqValue        *value)
{
  DreySampleNode *self = g_object_new (DREY_TYPE_SAMPLE_NODE, NULL);

  self->parent = parent;
  self->index = index;
  self->key = key != NULL ? sq_value_ref (key) : NULL;
  self->value = sq_value_ref (value);
  update_name (self);
  update_texts (self);
  return self;
}

/**
 * drey_sample_node_new_sample:
 * @value: the sample
 * @index: its index in the shard
 *
 * Returns: (transfer full): the node of a sample: the root of its tree
 */
DreySampleNode *
drey_sample_node_new_sample (SqValue *value,
                             guint    index)
{
  g_return_val_if_fail (value != NULL, NULL);

  return node_new (NULL, index, NULL, value);
}

const char *
drey_sample_node_get_name (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->name;
}

SqValue *
drey_sample_node_get_value (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->value;
}

/**
 * drey_sample_node_get_key:
 *
 * Returns: (transfer none) (nullable): the node's key in its parent map,
 *   %NULL for a sample or a list item
 */
SqValue *
drey_sample_node_get_key (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->key;
}

/**
 * drey_sample_node_get_parent:
 *
 * Returns: (transfer none) (nullable): the container holding this value,
 *   %NULL for a sample
 */
DreySampleNode *
drey_sample_node_get_parent (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->parent;
}

guint
drey_sample_node_get_index (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), 0);
  return self->index;
}

/* The sample this node belongs to. */
DreySampleNode *
drey_sample_node_get_sample (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);

  while (self->parent != NULL)
    self = self->parent;
  return self;
}

gboolean
drey_sample_node_get_edited (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), FALSE);
  return self->edited;
}

const char *
drey_sample_node_get_type_text (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->type_text;
}

const char *
drey_sample_node_get_value_text (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  if (self->value_text == NULL && is_container (self->value))
    self->value_text = format_container_preview (self->value);
  return self->value_text;
}

const SqSummary *
drey_sample_node_get_summary (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->summary;
}

/* A dict key as Python writes it in a subscript: "key" or b'key'. */
char *
drey_python_key_repr (SqValue *key)
{
  if (sq_value_get_value_type (key) == SQ_VALUE_STR)
    {
      g_autoptr(GError) error = NULL;
      char *json = sq_value_to_json (key, &error);

      /* JSON's string escapes are valid Python string escapes. */
      return json != NULL ? json : g_strdup ("\"?\"");
    }
  return sq_value_format (key, G_MAXSIZE);
}

/**
 * drey_sample_node_get_python_path:
 *
 * Returns: (transfer full): the subscripts that reach this value from the
 *   list of samples, e.g. `[3]["metadata"]["key"]`
 */
char *
drey_sample_node_get_python_path (DreySampleNode *self)
{
  g_autofree char *parent_path = NULL;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);

  parent_path = self->parent != NULL ? drey_sample_node_get_python_path (self->parent) : g_strdup ("");
  if (self->key != NULL)
    {
      g_autofree char *repr = drey_python_key_repr (self->key);

      return g_strdup_printf ("%s[%s]", parent_path, repr);
    }
  return g_strdup_printf ("%s[%u]", parent_path, self->index);
}

/**
 * drey_sample_node_dup_field_path:
 *
 * How @self is reached from its sample, so that the same field can be
 * found in another sample: one step per level, outermost first, a map's
 * key or, for an item of a list, its index as an int value.
 *
 * Returns: (transfer full) (element-type SqValue): the steps (none for a
 *   sample itself)
 */
GPtrArray *
drey_sample_node_dup_field_path (DreySampleNode *self)
{
  GPtrArray *path;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);

  path = g_ptr_array_new_with_free_func ((GDestroyNotify) sq_value_unref);
  for (; self->parent != NULL; self = self->parent)
    g_ptr_array_insert (path, 0, self->key != NULL ? sq_value_ref (self->key) : sq_value_new_int (self->index));
  return path;
}

/**
 * drey_sample_node_follow_field_path:
 * @path: (element-type SqValue): steps from drey_sample_node_dup_field_path()
 *
 * Walks @path down from @self (a sample, usually another one than the
 * path was taken in), making children as it goes. A sample whose fields
 * differ ends the walk early: the deepest node it reached is returned.
 *
 * Returns: (transfer none): the node at @path, or its deepest ancestor
 *   this sample has (@self itself if it has none)
 */
DreySampleNode *
drey_sample_node_follow_field_path (DreySampleNode *self,
                                    GPtrArray      *path)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  g_return_val_if_fail (path != NULL, self);

  for (guint i = 0; i < path->len; i++)
    {
      SqValue *step = g_ptr_array_index (path, i);
      GListModel *children = drey_sample_node_get_children (self);
      guint n = children != NULL ? g_list_model_get_n_items (children) : 0;
      DreySampleNode *next = NULL;

      if (sq_value_get_value_type (self->value) == SQ_VALUE_MAP)
        {
          for (guint j = 0; j < n && next == NULL; j++)
            {
              g_autoptr(DreySampleNode) child = g_list_model_get_item (children, j);

              if (sq_value_equal (child->key, step))
                next = child;
            }
        }
      else if (sq_value_get_value_type (step) == SQ_VALUE_INT && sq_value_get_int (step) >= 0 &&
               sq_value_get_int (step) < n)
        {
          g_autoptr(DreySampleNode) child = g_list_model_get_item (children, (guint) sq_value_get_int (step));

          next = child;
        }
      /* Borrowed: the parent's list of children keeps it. */
      if (next == NULL)
        break;
      self = next;
    }
  return self;
}

/**
 * drey_sample_node_get_children:
 *
 * Returns: (transfer none) (nullable): the children of a list or map
 *   (empty ones included, so an item can be added), made on first use and
 *   kept; %NULL for anything else (arrays are shown whole, in the array
 *   panel)
 */
GListModel *
drey_sample_node_get_children (DreySampleNode *self)
{
  gsize n;
  g_autoptr(GPtrArray) nodes = NULL;
  gboolean is_map;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);

  if (!is_container (self->value))
    return NULL;
  if (self->children != NULL)
    return G_LIST_MODEL (self->children);

  is_map = sq_value_get_value_type (self->value) == SQ_VALUE_MAP;
  n = sq_value_get_length (self->value);
  nodes = g_ptr_array_new_full ((guint) n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (nodes, node_new (self, (guint) i, is_map ? sq_value_get_key (self->value, i) : NULL,
                                      sq_value_get_item (self->value, i)));
  self->children = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
  g_list_store_splice (self->children, 0, 0, nodes->pdata, nodes->len);
  return G_LIST_MODEL (self->children);
}

/**
 * drey_sample_node_create_children:
 *
 * For GtkTreeListModel's create function.
 *
 * Returns: (transfer full) (nullable): drey_sample_node_get_children()
 */
GListModel *
drey_sample_node_create_children (DreySampleNode *self)
{
  GListModel *children = drey_sample_node_get_children (self);

  return children != NULL ? g_object_ref (children) : NULL;
}

/* ---- editing ------------------------------------------------------------ */

/* Marks @self and its ancestors; those that were not marked yet go into
 * @newly (so an undo can take the marks back). */
static void
set_edited (DreySampleNode *self,
            GPtrArray      *newly)
{
  for (; self != NULL; self = self->parent)
    if (!self->edited)
      {
        self->edited = TRUE;
        if (newly != NULL)
          g_ptr_array_add (newly, g_object_ref (self));
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
      }
}

static void
cancel_summary (DreySampleNode *self)
{
  if (self->summary_cancellable != NULL)
    g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  g_clear_pointer (&self->summary, sq_summary_free);
}

/* Gives @self a new value without touching its children: the caller has
 * already changed them (or @self has none). */
static void
replace_own_value (DreySampleNode *self,
                   SqValue        *value)
{
  if (value == self->value)
    return;
  sq_value_unref (self->value);
  self->value = sq_value_ref (value);
  cancel_summary (self);
  update_texts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_TEXT]);
}

/* Rebuilds each ancestor's container around @self's new value. */
static void
propagate_up (DreySampleNode *self)
{
  for (DreySampleNode *child = self; child->parent != NULL; child = child->parent)
    {
      g_autoptr(SqValue) container = sq_value_replace_item (child->parent->value, child->index, child->value);

      replace_own_value (child->parent, container);
    }
}

/* The nodes of @value's items, children of @self. */
static GPtrArray *
nodes_for_items (DreySampleNode *self,
                 SqValue        *value)
{
  gsize n = is_container (value) ? sq_value_get_length (value) : 0;
  gboolean is_map = is_container (value) && sq_value_get_value_type (value) == SQ_VALUE_MAP;
  GPtrArray *nodes = g_ptr_array_new_full ((guint) n, g_object_unref);

  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (nodes, node_new (self, (guint) i, is_map ? sq_value_get_key (value, i) : NULL,
                                      sq_value_get_item (value, i)));
  return nodes;
}

/**
 * drey_sample_node_swap_value:
 * @value: the new value, of any type
 * @children: (nullable) (element-type DreySampleNode): the nodes of
 *   @value's items, as an earlier swap returned them (an undo gives back
 *   the very rows it took); %NULL to make them
 *
 * Replaces the value (and so everything below it). Children already made
 * are swapped in place, so an expanded row shows the new ones.
 *
 * Returns: (transfer full) (nullable) (element-type DreySampleNode): the
 *   children taken out, detached; %NULL if none had been made
 */
GPtrArray *
drey_sample_node_swap_value (DreySampleNode *self,
                             SqValue        *value,
                             GPtrArray      *children)
{
  g_autoptr(GPtrArray) made = NULL;
  GPtrArray *old;
  guint n;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  replace_own_value (self, value);
  propagate_up (self);
  if (self->children == NULL)
    return NULL;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->children));
  old = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      DreySampleNode *child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      child->parent = NULL;
      g_ptr_array_add (old, child);
    }
  if (children == NULL)
    children = made = nodes_for_items (self, value);
  for (guint i = 0; i < children->len; i++)
    {
      DreySampleNode *child = g_ptr_array_index (children, i);

      child->parent = self;
      child->index = i;
    }
  g_list_store_splice (self->children, 0, n, children->pdata, children->len);
  return old;
}

/* After an insertion or removal at @from, the later children move. */
static void
renumber_children (DreySampleNode *self,
                   guint           from)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->children));

  for (guint i = from; i < n; i++)
    {
      g_autoptr(DreySampleNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      child->index = i;
      update_name (child);
    }
}

/* Puts @child (detached, with its key, value and index) into @self. */
static gboolean
insert_node (DreySampleNode  *self,
             DreySampleNode  *child,
             GError         **error)
{
  g_autoptr(SqValue) container = NULL;

  drey_sample_node_get_children (self);
  container = sq_value_insert_item (self->value, child->index, child->key, child->value, error);
  if (container == NULL)
    return FALSE;
  child->parent = self;
  replace_own_value (self, container);
  g_list_store_insert (self->children, child->index, child);
  renumber_children (self, child->index + 1);
  propagate_up (self);
  return TRUE;
}

/**
 * drey_sample_node_insert_child:
 * @index: where, from 0 to the number of children
 * @key: (nullable): the key in a map; %NULL in a list
 * @value: the value
 *
 * Returns: (transfer none) (nullable): the new child, or %NULL with
 *   @error set (a key the map already has)
 */
DreySampleNode *
drey_sample_node_insert_child (DreySampleNode *self,
                               guint           index,
                               SqValue        *key,
                               SqValue        *value,
                               GError        **error)
{
  g_autoptr(DreySampleNode) child = NULL;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  g_return_val_if_fail (is_container (self->value), NULL);
  g_return_val_if_fail (index <= sq_value_get_length (self->value), NULL);

  child = node_new (NULL, index, key, value);
  if (!insert_node (self, child, error))
    return NULL;
  return child; /* the children hold it */
}

/**
 * drey_sample_node_insert_node:
 * @child: a node drey_sample_node_remove_child() took out of @self
 *
 * Puts a removed child back where it was, the same row with its own
 * children and marks.
 *
 * Returns: %FALSE with @error set if the map has its key meanwhile
 */
gboolean
drey_sample_node_insert_node (DreySampleNode  *self,
                              DreySampleNode  *child,
                              GError         **error)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), FALSE);
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (child), FALSE);
  g_return_val_if_fail (child->parent == NULL, FALSE);
  g_return_val_if_fail (is_container (self->value), FALSE);
  g_return_val_if_fail (child->index <= sq_value_get_length (self->value), FALSE);

  return insert_node (self, child, error);
}

/**
 * drey_sample_node_remove_child:
 *
 * Removes the child at @index.
 *
 * Returns: (transfer full): the child's node, detached
 */
DreySampleNode *
drey_sample_node_remove_child (DreySampleNode *self,
                               guint           index)
{
  g_autoptr(SqValue) container = NULL;
  DreySampleNode *child;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  g_return_val_if_fail (is_container (self->value), NULL);
  g_return_val_if_fail (index < sq_value_get_length (self->value), NULL);

  drey_sample_node_get_children (self);
  container = sq_value_remove_item (self->value, index);
  child = g_list_model_get_item (G_LIST_MODEL (self->children), index);
  child->parent = NULL;
  replace_own_value (self, container);
  g_list_store_remove (self->children, index);
  renumber_children (self, index);
  propagate_up (self);
  return child;
}

/**
 * drey_sample_node_rename:
 * @key: the new key: a str, or a bin when the old key is one
 *
 * Renames a map entry in place.
 *
 * Returns: %FALSE with @error set if the map has another entry @key
 */
gboolean
drey_sample_node_rename (DreySampleNode *self,
                         SqValue        *key,
                         GError        **error)
{
  g_autoptr(SqValue) container = NULL;
  DreySampleNode *parent;

  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), FALSE);
  g_return_val_if_fail (self->key != NULL && self->parent != NULL, FALSE);

  if (sq_value_equal (key, self->key))
    return TRUE;
  parent = self->parent;
  container = sq_value_rename_key (parent->value, self->index, key, error);
  if (container == NULL)
    return FALSE;
  g_clear_pointer (&self->key, sq_value_unref);
  self->key = sq_value_ref (key);
  update_name (self);
  replace_own_value (parent, container);
  propagate_up (parent);
  return TRUE;
}

/**
 * drey_sample_node_set_index:
 *
 * For samples, which the sample view keeps in order: the node's place in
 * the shard changed.
 */
void
drey_sample_node_set_index (DreySampleNode *self,
                            guint           index)
{
  g_return_if_fail (DREY_IS_SAMPLE_NODE (self));
  g_return_if_fail (self->parent == NULL);

  self->index = index;
  update_name (self);
}

/**
 * drey_sample_node_mark_edited:
 * @newly: (nullable) (element-type DreySampleNode): where the nodes that
 *   were not marked yet are added
 *
 * Marks an edited node and the containers above it.
 */
void
drey_sample_node_mark_edited (DreySampleNode *self,
                              GPtrArray      *newly)
{
  g_return_if_fail (DREY_IS_SAMPLE_NODE (self));
  set_edited (self, newly);
}

/**
 * drey_sample_node_unmark:
 *
 * Takes back the mark of this node alone (an undone edit had set it).
 */
void
drey_sample_node_unmark (DreySampleNode *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_NODE (self));

  if (!self->edited)
    return;
  self->edited = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
}

/**
 * drey_sample_node_clear_edited:
 *
 * After a save: the node and everything below it is as on disk.
 */
void
drey_sample_node_clear_edited (DreySampleNode *self)
{
  g_return_if_fail (DREY_IS_SAMPLE_NODE (self));

  if (!self->edited)
    return;
  self->edited = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITED]);
  if (self->children != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->children)); i++)
      {
        g_autoptr(DreySampleNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

        drey_sample_node_clear_edited (child);
      }
}

/* ---- summaries ---------------------------------------------------------- */

/**
 * drey_format_number:
 * @digits: significant digits of a number that is not whole
 *
 * A statistic for people: whole numbers in full, others to @digits
 * significant digits, `nan`, `inf`, `-inf`.
 *
 * Returns: (transfer full): the text
 */
char *
drey_format_number (double v,
                    int    digits)
{
  if (isnan (v))
    return g_strdup ("nan");
  if (isinf (v))
    return g_strdup (v > 0 ? "inf" : "-inf");
  if (v == floor (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.*g", digits, v);
}

static char *
format_number (double v)
{
  return drey_format_number (v, 4);
}

static char *
summary_line (const SqSummary *s)
{
  g_autofree char *min = format_number (s->min);
  g_autofree char *max = format_number (s->max);
  g_autofree char *mean = format_number (s->mean);
  GString *out = g_string_new (NULL);

  if (s->n_elements == 0)
    return g_strdup (_("empty"));
  g_string_append_printf (out, _("min %s · max %s · mean %s"), min, max, mean);
  if (s->n_nan > 0)
    g_string_append_printf (out, _(" · %" G_GUINT64_FORMAT " NaN"), s->n_nan);
  if (s->n_inf > 0)
    g_string_append_printf (out, _(" · %" G_GUINT64_FORMAT " inf"), s->n_inf);
  return g_string_free (out, FALSE);
}

static void
summary_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  SqSummary *summary = sq_summary_new (task_data, cancellable, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) sq_summary_free);
}

static void
summary_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DreySampleNode *self = DREY_SAMPLE_NODE (object);
  g_autoptr(GError) error = NULL;
  SqSummary *summary = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->summary_cancellable);
  g_free (self->value_text);
  if (summary != NULL)
    {
      self->summary = summary;
      self->value_text = summary_line (summary);
    }
  else
    self->value_text = g_strdup (error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_TEXT]);
}

/**
 * drey_sample_node_get_summary_pending:
 *
 * Returns: whether the summary is being worked out (it is then notified as
 *   #DreySampleNode:value-text, which says why when it failed)
 */
gboolean
drey_sample_node_get_summary_pending (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), FALSE);
  return self->summary_cancellable != NULL;
}

/* Starts the summary of a numeric array, once. */
void
drey_sample_node_request_summary (DreySampleNode *self)
{
  g_autoptr(GTask) task = NULL;
  SqNdarray *array;

  g_return_if_fail (DREY_IS_SAMPLE_NODE (self));

  if (self->summary != NULL || self->summary_cancellable != NULL ||
      sq_value_get_value_type (self->value) != SQ_VALUE_NDARRAY)
    return;
  array = sq_value_get_ndarray (self->value);
  if (!sq_dtype_is_numeric (sq_ndarray_get_dtype (array)))
    return;

  self->summary_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->summary_cancellable, summary_done, NULL);
  g_task_set_source_tag (task, drey_sample_node_request_summary);
  g_task_set_task_data (task, sq_ndarray_ref (array), (GDestroyNotify) sq_ndarray_unref);
  g_task_run_in_thread (task, summary_thread);
}

static void
drey_sample_node_dispose (GObject *object)
{
  DreySampleNode *self = DREY_SAMPLE_NODE (object);

  if (self->summary_cancellable != NULL)
    g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  if (self->children != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->children)); i++)
      {
        g_autoptr(DreySampleNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

        child->parent = NULL;
      }
  g_clear_object (&self->children);
  G_OBJECT_CLASS (drey_sample_node_parent_class)->dispose (object);
}

static void
drey_sample_node_finalize (GObject *object)
{
  DreySampleNode *self = DREY_SAMPLE_NODE (object);

  g_free (self->name);
  g_clear_pointer (&self->value, sq_value_unref);
  g_clear_pointer (&self->key, sq_value_unref);
  g_free (self->type_text);
  g_free (self->value_text);
  g_clear_pointer (&self->summary, sq_summary_free);
  G_OBJECT_CLASS (drey_sample_node_parent_class)->finalize (object);
}

static void
drey_sample_node_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DreySampleNode *self = DREY_SAMPLE_NODE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_TYPE_TEXT:
      g_value_set_string (value, self->type_text);
      break;
    case PROP_VALUE_TEXT:
      g_value_set_string (value, drey_sample_node_get_value_text (self));
      break;
    case PROP_EDITED:
      g_value_set_boolean (value, self->edited);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_sample_node_class_init (DreySampleNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = drey_sample_node_dispose;
  object_class->finalize = drey_sample_node_finalize;
  object_class->get_property = drey_sample_node_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TYPE_TEXT] =
    g_param_spec_string ("type-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EDITED] =
    g_param_spec_boolean ("edited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALUE_TEXT] =
    g_param_spec_string ("value-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_sample_node_init (DreySampleNode *self)
{
}
