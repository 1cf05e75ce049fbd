#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The line plot's decimation, timed against reading every sample.

A redraw of the plot asks for the min and max of each pixel column
(model/drey-series.c). This makes float32 series of 10^5 to 10^7 samples
and prints, in one run: the min/max pyramid's build (once, on a worker),
a redraw of the whole series and of a tenth of it in 640 columns, and
the same redraw by a plain scan of every sample (C) and by numpy's
np.minimum/maximum.reduceat, with the ratios.

    ninja -C _build && /usr/bin/python3 tests/bench/plot-decimation.py [_build]
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

BUILD = sys.argv[1] if len(sys.argv) > 1 else "_build"
DUMP = os.path.join(BUILD, "tests", "drey-views-dump")
COLUMNS = 640

print(f"{'samples':>10} {'build':>9} {'redraw':>9} {'tenth':>9} {'C scan':>9} {'numpy':>9} {'vs scan':>8} {'vs numpy':>9}")
with tempfile.TemporaryDirectory() as tmp:
    for n in (100_000, 1_000_000, 10_000_000):
        series = np.sin(np.arange(n, dtype=np.float64) / 97.0).astype(np.float32)
        path = os.path.join(tmp, "s.npy")
        np.save(path, series)
        repeats = max(3, 2_000_000 // n)
        out = subprocess.run([DUMP, "bench-decimate", path, str(COLUMNS), str(repeats), "-"],
                             check=True, capture_output=True, text=True).stdout.split()
        build, whole, tenth, scan = map(float, out)
        edges = (np.arange(COLUMNS) * n) // COLUMNS
        t = time.perf_counter()
        for _ in range(repeats):
            np.minimum.reduceat(series, edges)
            np.maximum.reduceat(series, edges)
        ref = (time.perf_counter() - t) / repeats
        print(f"{n:>10} {build * 1e3:>7.2f}ms {whole * 1e3:>7.3f}ms {tenth * 1e3:>7.3f}ms "
              f"{scan * 1e3:>7.2f}ms {ref * 1e3:>7.2f}ms {scan / whole:>7.1f}x {ref / whole:>8.1f}x")
