/* drey-sample-node.c: one row of the sample tree
 *
 * A node is a name (sample index, map key or list index), an immutable
 * value and the Python expression that reaches it. Its children are made
 * only when the row is expanded. An array's one-line summary is computed
 * on a worker the first time its row is shown; "value-text" is notified
 * when it arrives.
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

struct _DreySampleNode
{
  GObject       parent_instance;

  char         *name;
  SqValue      *value;
  char         *python_path;
  char         *type_text;
  char         *value_text;
  SqSummary    *summary;
  GCancellable *summary_cancellable;
};

G_DEFINE_FINAL_TYPE (DreySampleNode, drey_sample_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_TYPE_TEXT,
  PROP_VALUE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DreySampleNode *
drey_sample_node_new (const char *name,
                      SqValue    *value,
                      const char *python_path)
{
  DreySampleNode *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  self = g_object_new (DREY_TYPE_SAMPLE_NODE, NULL);
  self->name = g_strdup (name);
  self->value = sq_value_ref (value);
  self->python_path = g_strdup (python_path);
  self->type_text = sq_value_describe_type (value);
  if (sq_value_get_value_type (value) == SQ_VALUE_NDARRAY &&
      sq_dtype_is_numeric (sq_ndarray_get_dtype (sq_value_get_ndarray (value))))
    self->value_text = g_strdup ("…");
  else
    self->value_text = sq_value_format (value, VALUE_TEXT_CHARS);
  return self;
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
  return self->value_text;
}

const char *
drey_sample_node_get_python_path (DreySampleNode *self)
{
  g_return_val_if_fail (DREY_IS_SAMPLE_NODE (self), NULL);
  return self->python_path;
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
 * drey_sample_node_create_children:
 *
 * Returns: (transfer full) (nullable): the children of a list or map, %NULL
 *   for anything else (arrays are shown whole, in the array panel)
 */
GListModel *
drey_sample_node_create_children (DreySampleNode *self)
{
  SqValueType type = sq_value_get_value_type (self->value);
  gsize n = sq_value_get_length (self->value);
  g_autoptr(GPtrArray) nodes = NULL;
  GListStore *store;

  if ((type != SQ_VALUE_ARRAY && type != SQ_VALUE_MAP) || n == 0)
    return NULL;

  nodes = g_ptr_array_new_full ((guint) n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (type == SQ_VALUE_MAP)
        {
          SqValue *key = sq_value_get_key (self->value, i);
          g_autofree char *repr = drey_python_key_repr (key);

          name = sq_value_get_value_type (key) == SQ_VALUE_STR ? g_strdup (sq_value_get_str (key, NULL))
                                                               : sq_value_format (key, VALUE_TEXT_CHARS);
          path = g_strdup_printf ("%s[%s]", self->python_path, repr);
        }
      else
        {
          name = g_strdup_printf ("%" G_GSIZE_FORMAT, i);
          path = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", self->python_path, i);
        }
      g_ptr_array_add (nodes, drey_sample_node_new (name, sq_value_get_item (self->value, i), path));
    }

  store = g_list_store_new (DREY_TYPE_SAMPLE_NODE);
  g_list_store_splice (store, 0, 0, nodes->pdata, nodes->len);
  return G_LIST_MODEL (store);
}

static char *
format_number (double v)
{
  if (isnan (v))
    return g_strdup ("nan");
  if (isinf (v))
    return g_strdup (v > 0 ? "inf" : "-inf");
  if (v == floor (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.4g", v);
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
  G_OBJECT_CLASS (drey_sample_node_parent_class)->dispose (object);
}

static void
drey_sample_node_finalize (GObject *object)
{
  DreySampleNode *self = DREY_SAMPLE_NODE (object);

  g_free (self->name);
  g_clear_pointer (&self->value, sq_value_unref);
  g_free (self->python_path);
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
      g_value_set_string (value, self->value_text);
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
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPE_TEXT] =
    g_param_spec_string ("type-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE_TEXT] =
    g_param_spec_string ("value-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_sample_node_init (DreySampleNode *self)
{
}
