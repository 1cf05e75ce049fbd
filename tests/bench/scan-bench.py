#!/usr/bin/python3
"""Benchmark: drey-cli's store scan against the same scan in Python.

    scan-bench.py [--workdir DIR] [--shards N] [--samples-per-shard N]
                  [--drey PATH] [--runs N] [--regenerate]

Makes (once) a store as squirrel-core's MessagepackDriver writes it:
2,000 shards of 50 samples, 100,000 in all, each {"image": 32x32x3 uint8,
"label": np.int64, "metadata": {"id", "source", "w"}, "tags": tuple};
then times, in one run:

- drey-cli schema --no-cache STORE: decode every shard on all cores and
  build the schema and statistics (a whole process, start-up included);
- drey-cli schema STORE with the cache warm (nothing changed);
- Python in-process, after its imports: every shard read as squirrel reads
  it (gzip.open + msgpack.Unpacker(use_list=False,
  object_hook=msgpack_numpy.decode)) and the same per-field tallies
  (types, array patterns, numbers' min/max/sum/sum of squares, array
  element min/max/mean/std with numpy, categorical counts);

and the peak resident memory of the cold drey-cli run. Prints medians and
the ratio; the issue's target is 5x faster than Python on 2 cores.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import collections
import gzip
import os
import statistics
import subprocess
import sys
import time

import msgpack
import msgpack_numpy
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def make_store(store, n_shards, per_shard):
    os.makedirs(store, exist_ok=True)
    rng = np.random.default_rng(5)
    # Smooth gradients plus a little noise: compresses somewhat like photos.
    base = (np.add.outer(np.arange(32), np.arange(32))[:, :, None] * np.array([3, 2, 1])).astype(np.uint8)
    for s in range(n_shards):
        path = os.path.join(store, f"shard-{s:05d}.gz")
        with gzip.open(path, "wb") as f:
            packer = msgpack.Packer(default=msgpack_numpy.encode)
            for i in range(per_shard):
                image = (base + rng.integers(0, 8, size=base.shape, dtype=np.uint8)).astype(np.uint8)
                sample = {
                    "image": image,
                    "label": np.int64(int(rng.integers(0, 10))),
                    "metadata": {"id": s * per_shard + i, "source": f"cam-{i % 4}", "w": float(rng.random())},
                    "tags": ("a", "b")[: i % 3],
                }
                f.write(packer.pack(sample))


def python_scan(store):
    """What a user would write: decode all, tally per field."""
    types = collections.defaultdict(collections.Counter)
    patterns = collections.defaultdict(collections.Counter)
    numbers = collections.defaultdict(lambda: [0, float("inf"), float("-inf"), 0.0, 0.0])
    elements = collections.defaultdict(list)
    categories = collections.defaultdict(collections.Counter)

    def walk(path, v):
        types[path][type(v).__name__] += 1
        if isinstance(v, np.ndarray):
            patterns[path][f"{v.dtype.name} {'x'.join(map(str, v.shape))}"] += 1
            elements[path].append((v.size, float(v.min()), float(v.max()), float(v.mean()), float(v.std())))
        elif isinstance(v, dict):
            for k, item in v.items():
                walk(f"{path}.{k}" if path else k, item)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(path + "[]", item)
        elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            n = numbers[path]
            x = float(v)
            n[0] += 1
            n[1] = min(n[1], x)
            n[2] = max(n[2], x)
            n[3] += x
            n[4] += x * x
        if isinstance(v, (int, str, bool, np.integer)) or v is None:
            categories[path][repr(v)] += 1

    for name in sorted(os.listdir(store)):
        if not name.endswith(".gz"):
            continue
        with gzip.open(os.path.join(store, name), "rb") as f:
            for sample in msgpack.Unpacker(f, use_list=False, object_hook=msgpack_numpy.decode):
                walk("", sample)
    return len(types)


def time_process(argv, env):
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default=os.path.join(HERE, "out"))
    ap.add_argument("--shards", type=int, default=2000)
    ap.add_argument("--samples-per-shard", type=int, default=50)
    ap.add_argument("--drey", default=os.path.join(ROOT, "_build", "app", "drey-cli"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args()

    store = os.path.join(args.workdir, f"scan-{args.shards}x{args.samples_per_shard}")
    if args.regenerate or not os.path.isdir(store):
        print(f"making {store} ...", flush=True)
        make_store(store, args.shards, args.samples_per_shard)
    size = sum(os.path.getsize(os.path.join(store, n)) for n in os.listdir(store))
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(args.workdir, "scan-cache"))
    print(f"store: {args.shards} shards, {args.shards * args.samples_per_shard} samples, {size / 2**20:.1f} MiB, "
          f"{os.cpu_count()} cores")

    cold, rss = [], []
    for _ in range(args.runs):
        t, m = time_process([args.drey, "schema", "--no-cache", store], env)
        cold.append(t)
        rss.append(m)
    time_process([args.drey, "schema", store], env)  # fills the cache
    warm = [time_process([args.drey, "schema", store], env)[0] for _ in range(args.runs)]
    py = []
    for _ in range(args.runs):
        start = time.monotonic()
        python_scan(store)
        py.append(time.monotonic() - start)

    c, w, p = statistics.median(cold), statistics.median(warm), statistics.median(py)
    print(f"drey-cli schema, cold (no cache): {c:.3f} s  (peak RSS {max(rss) / 2**20:.1f} MiB)")
    print(f"drey-cli schema, cache warm:      {w:.3f} s")
    print(f"Python scan, in-process:          {p:.3f} s")
    print(f"ratio cold: {p / c:.2f}x faster than Python (target 5x: {'met' if p / c >= 5 else 'missed'}); "
          f"warm: {p / w:.1f}x")


main()
