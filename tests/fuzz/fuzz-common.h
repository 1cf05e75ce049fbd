/* fuzz-common.h: what every fuzz harness shares
 *
 * A harness is one LLVMFuzzerTestOneInput(). It is linked either with
 * libFuzzer (meson -Dfuzzing=true, clang, build-aux/fuzz) or with
 * fuzz-replay.c, which feeds it every file of its corpus and crashers
 * directories as an ordinary test. A finding is an abort: a crash, a
 * sanitizer report, a GLib critical or warning (made fatal here), or a
 * failed check (fuzz_fail()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sq.h"

G_BEGIN_DECLS

/* The shard name the harnesses read with, which every error must name. */
#define FUZZ_SHARD "fuzz"

/* What a shard may cost while fuzzing: small, so that a decoder that keeps
 * to its limit stays far below libFuzzer's own RSS limit (2 GiB). */
#define FUZZ_MEMORY_LIMIT (G_GUINT64_CONSTANT (64) << 20)

/* Samples written as JSON and read back, at most, by what they cost in
 * memory: bigger ones cost more time than they find (a line of 66 bytes
 * makes a <U9999999 array of 40 MB, as numpy would: seconds a JSON trip). */
#define FUZZ_JSON_MAX_COST (G_GUINT64_CONSTANT (4) << 20)

int      LLVMFuzzerTestOneInput  (const uint8_t  *data,
                                  size_t          size);

void     fuzz_init               (void);

G_NORETURN G_GNUC_PRINTF (1, 2)
void     fuzz_fail               (const char     *format,
                                  ...);

GBytes  *fuzz_gzip               (const guint8   *data,
                                  gsize           size);

void     fuzz_exercise_value     (SqValue        *value);
void     fuzz_exercise_array     (SqNdarray      *array);

gboolean fuzz_values_identical   (const SqValue  *a,
                                  const SqValue  *b);
gboolean fuzz_arrays_identical   (const SqNdarray *a,
                                  const SqNdarray *b);

void     fuzz_exercise_sample    (SqValue        *sample);

void     fuzz_check_shard_error  (const GError   *error);
void     fuzz_check_exact_json   (SqValue        *value);

G_END_DECLS
