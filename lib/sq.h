/* sq.h: the Squirrel store library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sq-dtype.h"
#include "sq-error.h"
#include "sq-json.h"
#include "sq-key-info.h"
#include "sq-ndarray.h"
#include "sq-npy.h"
#include "sq-number.h"
#include "sq-scan.h"
#include "sq-serializer.h"
#include "sq-shard-reader.h"
#include "sq-shard-stats.h"
#include "sq-shard-writer.h"
#include "sq-store.h"
#include "sq-store-foreach.h"
#include "sq-summary.h"
#include "sq-value.h"
