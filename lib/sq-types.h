/* sq-types.h: the library's boxed types, declared once for every header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SqDtype   SqDtype;
typedef struct _SqNdarray SqNdarray;
typedef struct _SqValue   SqValue;

G_END_DECLS
