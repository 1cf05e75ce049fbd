/* sq-summary-private.h: summaries over many arrays and numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-summary.h"

G_BEGIN_DECLS

typedef struct _SqSummaryBuilder SqSummaryBuilder;

SqSummaryBuilder *_sq_summary_builder_new        (void);
void              _sq_summary_builder_free       (SqSummaryBuilder  *builder);
gboolean          _sq_summary_builder_add_array  (SqSummaryBuilder  *builder,
                                                  SqNdarray         *array,
                                                  GCancellable      *cancellable,
                                                  GError           **error);
void              _sq_summary_builder_add_number (SqSummaryBuilder  *builder,
                                                  double             value);
SqSummary        *_sq_summary_builder_finish     (SqSummaryBuilder  *builder,
                                                  GCancellable      *cancellable,
                                                  GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqSummaryBuilder, _sq_summary_builder_free)

G_END_DECLS
