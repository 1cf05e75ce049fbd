/* drey-key-item.c: one key of the key list, with what is known of its shard
 *
 * The listing gives the key, the file size and time (an SqKeyInfo); the
 * sample count is only known once the shard has been decoded, so it starts
 * unknown (-1) and the window sets it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "drey-key-item"

#include "config.h"

#include <glib/gi18n.h>

#include "drey-key-item.h"

struct _DreyKeyItem
{
  GObject    parent_instance;

  SqKeyInfo *info;
  int        n_samples;
  char      *folded;     /* the key as a search compares it; made once */
  char      *error;      /* why its shard cannot be decoded, once that is known */
};

G_DEFINE_FINAL_TYPE (DreyKeyItem, drey_key_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KEY,
  PROP_SIZE,
  PROP_MTIME,
  PROP_N_SAMPLES,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
drey_key_item_finalize (GObject *object)
{
  DreyKeyItem *self = (DreyKeyItem *) object;

  g_clear_pointer (&self->info, sq_key_info_unref);
  g_free (self->folded);
  g_free (self->error);

  G_OBJECT_CLASS (drey_key_item_parent_class)->finalize (object);
}

static void
drey_key_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DreyKeyItem *self = DREY_KEY_ITEM (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, drey_key_item_get_key (self));
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, drey_key_item_get_size (self));
      break;
    case PROP_MTIME:
      g_value_set_int64 (value, drey_key_item_get_mtime (self));
      break;
    case PROP_N_SAMPLES:
      g_value_set_int (value, self->n_samples);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DreyKeyItem *self = DREY_KEY_ITEM (object);

  switch (prop_id)
    {
    case PROP_N_SAMPLES:
      drey_key_item_set_n_samples (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drey_key_item_class_init (DreyKeyItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = drey_key_item_finalize;
  object_class->get_property = drey_key_item_get_property;
  object_class->set_property = drey_key_item_set_property;

  /* What the search matches, through a GtkPropertyExpression. */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MTIME] =
    g_param_spec_int64 ("mtime", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* -1 until the shard has been read. */
  properties[PROP_N_SAMPLES] =
    g_param_spec_int ("n-samples", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Why the shard cannot be decoded; NULL while none failed. */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
drey_key_item_init (DreyKeyItem *self)
{
  self->n_samples = -1;
}

DreyKeyItem *
drey_key_item_new (SqKeyInfo *info)
{
  DreyKeyItem *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (DREY_TYPE_KEY_ITEM, NULL);
  self->info = sq_key_info_ref (info);
  return self;
}

/**
 * drey_key_item_get_info:
 *
 * Returns: (transfer none): the key with its file's size and time
 */
SqKeyInfo *
drey_key_item_get_info (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), NULL);
  return self->info;
}

/**
 * drey_key_item_set_info:
 * @info: the same key, listed again
 *
 * A shard whose size or time changed has been rewritten: its sample count
 * is no longer known.
 *
 * Returns: whether the size or the time changed
 */
/**
 * drey_key_item_fold_text:
 * @text: a key, or what is searched for
 *
 * Returns: (transfer full): @text as a case-blind search compares it:
 *   normalized and case-folded (a plain lower-case copy for ASCII, which
 *   keys nearly always are)
 */
char *
drey_key_item_fold_text (const char *text)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
        return g_utf8_casefold (normal != NULL ? normal : text, -1);
      }
  return g_ascii_strdown (text, -1);
}

/**
 * drey_key_item_get_folded_key:
 *
 * Returns: the key, folded by drey_key_item_fold_text(): made on the first
 *   call and kept, so that a search over 100,000 keys compares bytes only
 */
const char *
drey_key_item_get_folded_key (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), NULL);

  if (self->folded == NULL)
    self->folded = drey_key_item_fold_text (sq_key_info_get_key (self->info));
  return self->folded;
}

gboolean
drey_key_item_set_info (DreyKeyItem *self,
                        SqKeyInfo   *info)
{
  gboolean size_changed, mtime_changed;

  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (g_str_equal (sq_key_info_get_key (info), sq_key_info_get_key (self->info)), FALSE);

  size_changed = sq_key_info_get_size (info) != sq_key_info_get_size (self->info);
  mtime_changed = sq_key_info_get_mtime (info) != sq_key_info_get_mtime (self->info);
  sq_key_info_ref (info);
  sq_key_info_unref (self->info);
  self->info = info;
  if (!size_changed && !mtime_changed)
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (size_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  if (mtime_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MTIME]);
  drey_key_item_set_n_samples (self, -1);
  drey_key_item_set_error (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

const char *
drey_key_item_get_key (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), NULL);
  return sq_key_info_get_key (self->info);
}

/**
 * drey_key_item_get_size:
 *
 * Returns: the shard's file size in bytes, or -1 if not known
 */
gint64
drey_key_item_get_size (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), -1);
  return sq_key_info_get_size (self->info);
}

/**
 * drey_key_item_get_mtime:
 *
 * Returns: the shard's modification time in microseconds since the epoch,
 *   or -1 if not known
 */
gint64
drey_key_item_get_mtime (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), -1);
  return sq_key_info_get_mtime (self->info);
}

/**
 * drey_key_item_get_n_samples:
 *
 * Returns: the shard's sample count, or -1 until it is known
 */
int
drey_key_item_get_n_samples (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), -1);
  return self->n_samples;
}

void
drey_key_item_set_n_samples (DreyKeyItem *self,
                             int          n_samples)
{
  g_return_if_fail (DREY_IS_KEY_ITEM (self));
  g_return_if_fail (n_samples >= -1);

  if (self->n_samples == n_samples)
    return;
  self->n_samples = n_samples;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
}

/**
 * drey_key_item_get_error:
 *
 * Returns: (nullable): why the shard cannot be decoded ("shard 'x': gzip
 *   data ends early at byte 1789..."), as its last read or the store's
 *   scan found; %NULL while none failed
 */
const char *
drey_key_item_get_error (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), NULL);
  return self->error;
}

/**
 * drey_key_item_set_error:
 * @error: (nullable): why the shard cannot be decoded, or %NULL once it
 *   was read
 */
void
drey_key_item_set_error (DreyKeyItem *self,
                         const char  *error)
{
  g_return_if_fail (DREY_IS_KEY_ITEM (self));

  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * drey_key_item_dup_size_text:
 *
 * Returns: (transfer full): "3.5 kB", or "" if the size is not known
 */
char *
drey_key_item_dup_size_text (DreyKeyItem *self)
{
  gint64 size = drey_key_item_get_size (self);

  return size >= 0 ? g_format_size ((guint64) size) : g_strdup ("");
}

/**
 * drey_key_item_dup_n_samples_text:
 *
 * Returns: (transfer full): "100 samples", or "" if the count is not known
 */
char *
drey_key_item_dup_n_samples_text (DreyKeyItem *self)
{
  g_return_val_if_fail (DREY_IS_KEY_ITEM (self), NULL);

  if (self->n_samples < 0)
    return g_strdup ("");
  return g_strdup_printf (ngettext ("%'d sample", "%'d samples", (gulong) self->n_samples), self->n_samples);
}

/**
 * drey_key_item_dup_mtime_text:
 *
 * Returns: (transfer full): the modification time in local time, or "" if
 *   not known
 */
char *
drey_key_item_dup_mtime_text (DreyKeyItem *self)
{
  gint64 mtime = drey_key_item_get_mtime (self);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (mtime < 0)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (mtime / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  /* TRANSLATORS: a file's modification time; see g_date_time_format() */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

/**
 * drey_key_item_dup_accessible_label:
 *
 * Returns: (transfer full): what a screen reader says for the row:
 *   "digits-03, 3.5 kB, 100 samples" ("broken, 1.8 kB, cannot be read")
 */
char *
drey_key_item_dup_accessible_label (DreyKeyItem *self)
{
  g_autofree char *size = drey_key_item_dup_size_text (self);
  g_autofree char *n_samples = drey_key_item_dup_n_samples_text (self);
  GString *label = g_string_new (drey_key_item_get_key (self));

  if (*size != '\0')
    g_string_append_printf (label, ", %s", size);
  if (*n_samples != '\0')
    g_string_append_printf (label, ", %s", n_samples);
  if (self->error != NULL)
    /* TRANSLATORS: a key whose shard failed, to a screen reader */
    g_string_append (label, _(", cannot be read"));
  return g_string_free (label, FALSE);
}
