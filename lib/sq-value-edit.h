/* sq-value-edit.h: edits of a value tree, and scalars as a line of text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sq-value.h"

G_BEGIN_DECLS

/**
 * SqEditError:
 * @SQ_EDIT_ERROR_KEY_EXISTS: sq_value_insert_item() or sq_value_rename_key()
 *   names a key that another entry of the map already has
 * @SQ_EDIT_ERROR_INVALID: sq_value_parse_like() was given text that is not a
 *   value of the type wanted ("“abc” is not an integer"), or is not UTF-8
 * @SQ_EDIT_ERROR_RANGE: sq_value_parse_like() was given a number of the
 *   right kind that the type cannot hold ("300 does not fit in uint8",
 *   "1e39 is too large for float32")
 *
 * Why an edit was refused. Messages are for the user as they are.
 */
typedef enum
{
  SQ_EDIT_ERROR_KEY_EXISTS,
  SQ_EDIT_ERROR_INVALID,
  SQ_EDIT_ERROR_RANGE,
} SqEditError;

#define SQ_EDIT_ERROR (sq_edit_error_quark ())
GQuark        sq_edit_error_quark          (void);

/* Editing: each returns a new container (or value); the one given is
 * unchanged and every item not named is shared, not copied. Errors are
 * #SQ_EDIT_ERROR. */
SqValue      *sq_value_replace_item        (const SqValue  *container,
                                            gsize           index,
                                            SqValue        *item);
SqValue      *sq_value_insert_item         (const SqValue  *container,
                                            gsize           index,
                                            SqValue        *key,
                                            SqValue        *item,
                                            GError        **error);
SqValue      *sq_value_remove_item         (const SqValue  *container,
                                            gsize           index);
SqValue      *sq_value_rename_key          (const SqValue  *map,
                                            gsize           index,
                                            SqValue        *key,
                                            GError        **error);
gboolean      sq_value_is_editable_scalar  (const SqValue  *value);
char         *sq_value_to_edit_text        (const SqValue  *value);
SqValue      *sq_value_parse_like          (const SqValue  *like,
                                            const char     *text,
                                            GError        **error);

G_END_DECLS
