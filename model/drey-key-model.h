/* drey-key-model.h: every key of a store, as a list that keeps itself up to date
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "drey-key-item.h"
#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_KEY_MODEL (drey_key_model_get_type ())

G_DECLARE_FINAL_TYPE (DreyKeyModel, drey_key_model, DREY, KEY_MODEL, GObject)

DreyKeyModel *drey_key_model_new            (void);
void          drey_key_model_set_store      (DreyKeyModel *self,
                                             SqStore      *store);
SqStore      *drey_key_model_get_store      (DreyKeyModel *self);
void          drey_key_model_reload         (DreyKeyModel *self);
DreyKeyItem  *drey_key_model_lookup         (DreyKeyModel *self,
                                             const char   *key);
gboolean      drey_key_model_contains       (DreyKeyModel *self,
                                             DreyKeyItem  *item);
gboolean      drey_key_model_get_loading    (DreyKeyModel *self);
const GError *drey_key_model_get_error      (DreyKeyModel *self);
guint64       drey_key_model_get_total_size (DreyKeyModel *self);
void          drey_key_model_set_n_samples  (DreyKeyModel *self,
                                             const char   *key,
                                             guint         n_samples);
void          drey_key_model_set_shard_error (DreyKeyModel *self,
                                              const char   *key,
                                              const char   *error);

G_END_DECLS
