/* drey-series.h: a 1-D array as a series to plot, with min/max per column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sq.h"

G_BEGIN_DECLS

typedef struct _DreySeries DreySeries;

#define DREY_TYPE_SERIES (drey_series_get_type ())

GType        drey_series_get_type     (void) G_GNUC_CONST;
DreySeries  *drey_series_new          (SqNdarray     *array,
                                       GCancellable  *cancellable,
                                       GError       **error);
DreySeries  *drey_series_ref          (DreySeries    *series);
void         drey_series_unref        (DreySeries    *series);
guint64      drey_series_get_length   (DreySeries    *series);
const float *drey_series_get_values   (DreySeries    *series);
void         drey_series_get_bounds   (DreySeries    *series,
                                       double        *min,
                                       double        *max);
void         drey_series_get_range    (DreySeries    *series,
                                       guint64        start,
                                       guint64        end,
                                       float         *min,
                                       float         *max);
void         drey_series_decimate     (DreySeries    *series,
                                       guint64        start,
                                       guint64        end,
                                       guint          columns,
                                       float         *mins,
                                       float         *maxs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DreySeries, drey_series_unref)

G_END_DECLS
