/* drey-sample-ref.h: one sample of a store, by shard key and index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_REF (drey_sample_ref_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleRef, drey_sample_ref, DREY, SAMPLE_REF, GObject)

DreySampleRef *drey_sample_ref_new       (const char    *key,
                                          guint          index,
                                          guint          position);
const char    *drey_sample_ref_get_key   (DreySampleRef *self);
guint          drey_sample_ref_get_index (DreySampleRef *self);
guint          drey_sample_ref_get_position (DreySampleRef *self);

G_END_DECLS
