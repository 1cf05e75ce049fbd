/* drey-sample-row.h: one sample as a row of the table: its scalar fields,
 * its arrays as dtype and shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sq.h"

G_BEGIN_DECLS

#define DREY_TYPE_SAMPLE_ROW (drey_sample_row_get_type ())

G_DECLARE_FINAL_TYPE (DreySampleRow, drey_sample_row, DREY, SAMPLE_ROW, GObject)

DreySampleRow *drey_sample_row_new       (const char    *key,
                                          guint          index,
                                          SqValue       *sample);
const char    *drey_sample_row_get_key   (DreySampleRow *self);
guint          drey_sample_row_get_index (DreySampleRow *self);
SqValue       *drey_sample_row_get_value (DreySampleRow *self,
                                          const char    *path);
char          *drey_sample_row_dup_text  (DreySampleRow *self,
                                          const char    *path);
int            drey_sample_row_compare   (DreySampleRow *a,
                                          DreySampleRow *b,
                                          const char    *path);

G_END_DECLS
