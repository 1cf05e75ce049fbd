#!/usr/bin/python3
# scan-interop.py: drey-cli schema --json, stats STORE and query against a
# Python reference that reads the shards as squirrel-core does
# (msgpack.Unpacker with msgpack_numpy.decode), on stores written as
# squirrel-core writes them, with drift planted in some shards.
#
# Usage: scan-interop.py DREY_CLI
#
# SPDX-License-Identifier: GPL-3.0-or-later

import collections
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import interop as squirrel  # noqa: E402  (its squirrel-core serializers)
from checks import Checks  # noqa: E402

DREY = sys.argv[1]
checks = Checks()
check = checks.check


def write_shard(store, key, samples):
    squirrel.squirrel_msgpack_write(os.path.join(store, key + ".gz"), samples)


def read_shard(store, key):
    return squirrel.squirrel_msgpack_read(os.path.join(store, key + ".gz"))


def make_samples(rng, shard, n):
    samples = []
    for i in range(n):
        s = {}
        if shard == 3:
            s["image"] = (np.arange(48, dtype=np.float32).reshape(4, 4, 3) * 0.5 + i)
        elif shard == 2 and i % 5 == 0:
            s["image"] = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
        elif shard == 2 and i % 7 == 0:
            s["image"] = rng.integers(0, 256, size=(8, 8), dtype=np.uint8)
        else:
            s["image"] = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
        if shard == 1 and i % 4 == 0:
            s["label"] = None
        else:
            s["label"] = np.int64(int(rng.integers(0, 10)))
        s["score"] = float(rng.random())
        if shard == 0 and i == 3:
            s["score"] = float("nan")
        if shard == 0 and i == 4:
            s["score"] = float("inf")
        s["metadata"] = {"key": f"k{i % 9}", "w": int(rng.integers(1, 5000))}
        if shard == 4 and i % 3 == 0:
            del s["metadata"]["key"]
        s["tags"] = tuple(random.Random(i + shard * 100).sample(["cat", "dog", "indoor", "night", "é"], i % 3))
        s["boxes"] = [[int(rng.integers(0, 5)), int(rng.integers(0, 5)), 4, 4] for _ in range(i % 3)]
        if shard != 4 or i % 2:
            s["caption"] = f"a picture {i} of x" if i % 2 else f"sample {i}"
        if shard == 5:
            s["flag"] = bool(i % 2)
            s["label"] = int(i % 3)  # a plain int where others have np.int64
        samples.append(s)
    return samples


class Missing(Exception):
    pass


class Wrap(dict):
    """A dict whose keys also read as attributes, as the query's paths do."""

    def __getattr__(self, name):
        try:
            return wrap(self[name])
        except KeyError:
            raise Missing(name)

    def __getitem__(self, key):
        return wrap(dict.__getitem__(self, key))


def wrap(v):
    return Wrap(v) if isinstance(v, dict) else v


class Names(dict):
    def __init__(self, sample):
        super().__init__()
        self.sample = sample

    def __missing__(self, name):
        if name == "len":
            return len
        if isinstance(self.sample, dict) and name in self.sample:
            return wrap(self.sample[name])
        raise Missing(name)


def python_matches(expr, sample):
    try:
        return bool(eval(expr, {"__builtins__": {}}, Names(sample)))
    except Exception:
        return False


def type_name(v):
    if isinstance(v, np.ndarray):
        return "ndarray"
    if isinstance(v, np.generic):
        return "numpy." + v.dtype.name
    return type(v).__name__


def pattern(a):
    return a.dtype.name + " " + ("x".join(str(d) for d in a.shape) if a.ndim else "scalar")


def category(v):
    if v is None:
        return "None"
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, str):
        return repr(v) if len(v.encode()) <= 64 and "\0" not in v else None
    return None


def number(v):
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, np.generic) and v.dtype.kind in "iuf":
        return float(v)
    return None


class Field:
    def __init__(self, path, parent, under_list):
        self.path, self.parent, self.under_list = path, parent, under_list
        self.values = 0
        self.samples = collections.defaultdict(set)  # shard -> sample indices
        self.types = collections.Counter()
        self.type_samples = collections.defaultdict(lambda: collections.defaultdict(set))
        self.patterns = collections.Counter()
        self.pattern_samples = collections.defaultdict(lambda: collections.defaultdict(set))
        self.numbers = []
        self.categories = collections.Counter()
        self.elements = []


def walk(fields, order, shard, index, path, parent, under_list, v):
    if path not in fields:
        fields[path] = Field(path, parent, under_list)
        order.append(path)
    f = fields[path]
    f.values += 1
    f.samples[shard].add(index)
    t = type_name(v)
    f.types[t] += 1
    f.type_samples[t][shard].add(index)
    if isinstance(v, np.ndarray):
        p = pattern(v)
        f.patterns[p] += 1
        f.pattern_samples[p][shard].add(index)
        if v.dtype.kind in "biuf" and v.size:
            f.elements.append(v.astype(np.float64).ravel())
    n = number(v)
    if n is not None:
        f.numbers.append(n)
    c = category(v)
    if c is not None:
        f.categories[c] += 1
    children(fields, order, shard, index, path, under_list, v)


def children(fields, order, shard, index, path, under_list, v):
    if isinstance(v, dict):
        for k, item in v.items():
            walk(fields, order, shard, index, (path + "." if path else "") + k, path, under_list, item)
    elif isinstance(v, (list, tuple)):
        for item in v:
            walk(fields, order, shard, index, path + "[]", path, True, item)


def reference(store, keys):
    fields, order, sizes = {}, [], {}
    for key in keys:
        samples = read_shard(store, key)
        sizes[key] = len(samples)
        for i, s in enumerate(samples):
            if isinstance(s, dict):
                children(fields, order, key, i, "", False, s)
            else:
                walk(fields, order, key, i, "(sample)", "", False, s)
    return fields, order, sizes


def sorted_counts(counter):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def close(a, b):
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def moments(values):
    a = np.array(values, dtype=np.float64)
    nan = int(np.isnan(a).sum())
    inf = int(np.isinf(a).sum())
    finite = a[np.isfinite(a)]
    rest = a[~np.isnan(a)]
    return {
        "count": len(a), "nan": nan, "inf": inf,
        "min": float(rest.min()) if rest.size else float("nan"),
        "max": float(rest.max()) if rest.size else float("nan"),
        "mean": float(finite.mean()) if finite.size else float("nan"),
        "std": float(finite.std()) if finite.size else float("nan"),
    }, finite


def run(*args, expect=0):
    p = subprocess.run([DREY, *args], capture_output=True, text=True)
    if p.returncode != expect:
        print(f"drey-cli {' '.join(args)}: exit {p.returncode}, stderr: {p.stderr.strip()}")
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="drey-scan-interop-")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    store = os.path.join(tmp, "store")
    os.makedirs(store)
    rng = np.random.default_rng(11)
    keys = [f"shard-{s}" for s in range(6)]
    for s, key in enumerate(keys):
        write_shard(store, key, make_samples(rng, s, 30 + 7 * s))
    fields, order, sizes = reference(store, keys)
    total = sum(sizes.values())

    # ---- schema --json ----
    p = run("schema", "--json", store)
    schema = json.loads(p.stdout)
    check(p.returncode == 0, "schema exits 0 on a clean store")
    check(schema["shards"] == len(keys) and schema["samples"] == total,
          f"schema: {schema['shards']} shards, {schema['samples']} samples (want {len(keys)}, {total})")
    check([f["path"] for f in schema["fields"]] == order, "schema: the same field paths, in first-seen order")
    for f in schema["fields"]:
        r = fields.get(f["path"])
        if r is None:
            continue
        n_samples = sum(len(x) for x in r.samples.values())
        ok = (f["samples"] == n_samples and f["values"] == r.values and f["shards"] == len(r.samples)
              and list(f["types"].items()) == sorted_counts(r.types)
              and abs(f["presence"] - n_samples / total) < 1e-12
              and list(f.get("arrays", {}).items()) == sorted_counts(r.patterns))
        check(ok, f"schema: {f['path']}: presence, types and array patterns as Python counts them")

    # ---- drift ----
    drift = {(d["kind"], d["path"]): d for d in schema["drift"]}
    want = {}
    for path in order:
        r = fields[path]
        if not r.under_list:
            missing, shards, refs = 0, [], []
            for key in keys:
                if r.parent:
                    up = fields[r.parent].samples.get(key)
                    if up is None:
                        continue
                else:
                    up = set(range(sizes[key]))
                gone = sorted(up - r.samples.get(key, set()))
                if gone:
                    shards.append(key)
                    refs += [[key, i] for i in gone]
                missing += len(gone)
            if missing:
                want[("missing", path)] = (missing, shards, refs[:1000])
        if len(r.types) > 1:
            top = sorted_counts(r.types)[0][0]
            shards = [k for k in keys if any(k in r.type_samples[t] for t in r.types if t != top)]
            want[("type", path)] = (r.values - r.types[top], shards, None)
        if r.patterns:
            for kind, part in (("dtype", lambda p: p.split(" ")[0]),
                               ("rank", lambda p: 0 if p.endswith("scalar") else p.split(" ")[1].count("x") + 1)):
                groups = collections.Counter()
                for pat, c in r.patterns.items():
                    groups[part(pat)] += c
                if len(groups) > 1:
                    top = sorted(groups.items(), key=lambda kv: (-kv[1], str(kv[0]) if kind == "dtype" else f"{kv[0]}-d"))[0][0]
                    n = sum(c for pat, c in r.patterns.items() if part(pat) != top)
                    shards = [k for k in keys if any(k in r.pattern_samples[pat] for pat in r.patterns if part(pat) != top)]
                    want[(kind, path)] = (n, shards, None)
            seen, n, shards = set(), 0, set()
            for pat, c in sorted_counts(r.patterns):
                group = (pat.split(" ")[0], 0 if pat.endswith("scalar") else pat.split(" ")[1].count("x") + 1)
                if group in seen:
                    n += c
                    shards |= set(r.pattern_samples[pat])
                seen.add(group)
            if n:
                want[("shape", path)] = (n, [k for k in keys if k in shards], None)
    check(set(drift) == set(want), f"drift: the same kinds and fields: {sorted(drift)} vs {sorted(want)}")
    for k in sorted(set(drift) & set(want)):
        n, shards, refs = want[k]
        d = drift[k]
        ok = d["n_samples"] == n and d["shards"] == shards and (refs is None or d["samples"] == refs)
        check(ok, f"drift {k[0]} {k[1]}: {d['description']}")
    check(("missing", "metadata.key") in drift and drift[("missing", "metadata.key")]["shards"] == ["shard-4"],
          "drift: the planted missing metadata.key is in shard-4 only")

    # ---- stats ----
    p = run("stats", store)
    stats = json.loads(p.stdout)
    for f in stats["fields"]:
        r = fields[f["path"]]
        if r.numbers:
            m, finite = moments(r.numbers)
            got = f.get("numbers", {})
            ok = all(close(float(got.get(k, float("nan"))), float(m[k])) for k in m)
            check(ok, f"stats: {f['path']}: count, NaN, inf, min, max, mean, std as numpy gives them")
            h = got.get("histogram")
            if finite.size:
                counts, edges = np.histogram(finite, bins=64)
                if h and h["exact"]:
                    check(h["counts"] == counts.tolist() and close(h["lower"], float(edges[0]))
                          and close(h["upper"], float(edges[-1])),
                          f"stats: {f['path']}: the histogram is numpy.histogram's")
                else:
                    # Buckets 0.1% wide: a number near an edge may fall in the next bin.
                    diff = sum(abs(a - b) for a, b in zip(h["counts"], counts.tolist())) if h else None
                    check(h is not None and sum(h["counts"]) == finite.size and diff <= max(2, finite.size // 50),
                          f"stats: {f['path']}: the histogram is within bucket width of numpy's (off by {diff})")
        else:
            check("numbers" not in f, f"stats: {f['path']}: no numbers")
        if r.categories and len(r.categories) <= 1024:
            cat = f.get("categorical")
            want_top = [list(kv) for kv in sorted_counts(r.categories)[:20]]
            check(cat is not None and cat["top"] == want_top and cat["distinct"] == len(r.categories)
                  and cat["count"] == sum(r.categories.values()),
                  f"stats: {f['path']}: top values and their counts")
        if r.elements:
            m, _ = moments(np.concatenate(r.elements))
            got = f.get("elements", {})
            check(all(close(float(got.get(k, float("nan"))), float(m[k])) for k in m),
                  f"stats: {f['path']}: array elements' range, mean and std")

    # ---- query ----
    samples = {key: read_shard(store, key) for key in keys}
    queries = [
        "label == 3",
        "label is None",
        "label is not None and label >= 5",
        "metadata.key == 'k7'",
        "metadata['w'] < 100 or metadata.w > 4900",
        "'cat' in tags",
        "'é' in tags and len(tags) == 2",
        "len(boxes) > 1",
        "boxes[0][0] >= 2",
        "boxes[-1][1] == 0",
        "image.shape[0] == 4",
        "image.shape == (8, 8)",
        "image.ndim == 2",
        "image.dtype == 'float32'",
        "image.dtype == '<f4'",
        "image.dtype == 'uint8' and image.max() > 250",
        "image.mean() > 10",
        "score != score",
        "0.25 <= score < 0.75",
        "label in (1, 2, 3)",
        "not (label == 1)",
        "caption is not None and 'x' in caption",
        "flag",
        "flag == 1 and label == 1",
        "label == 2.0",
    ]
    for expr in queries:
        want_lines = [f"{key}\t{i}" for key in keys for i, s in enumerate(samples[key]) if python_matches(expr, s)]
        p = run("query", store, expr)
        got_lines = p.stdout.splitlines()
        check(p.returncode == 0 and got_lines == want_lines,
              f"query {expr!r}: {len(got_lines)} matches, Python {len(want_lines)}")

    # --cat prints the samples as cat does
    expr = "label == 3 and 'cat' in tags"
    p = run("query", "--cat", store, expr)
    want_json = []
    for key in keys:
        cat = run("cat", store, key).stdout.splitlines()
        want_json += [cat[i] for i, s in enumerate(samples[key]) if python_matches(expr, s)]
    check(p.stdout.splitlines() == want_json and want_json, f"query --cat: {len(want_json)} samples as cat prints them")

    # a malformed query is a usage error, with where
    p = run("query", store, "label == (3", expect=2)
    check(p.returncode == 2 and "at character 12" in p.stderr, "a malformed query exits 2 and says where")

    # ---- the cache: a second run reads it and says the same ----
    cache = os.path.join(tmp, "cache", "drey", "scan")
    check(os.path.isdir(cache) and len(os.listdir(cache)) == 1, "one cache file for the store")
    again = run("schema", "--json", store)
    check(json.loads(again.stdout) == schema, "schema from the cache equals the first scan's")
    again = run("stats", store)
    check(json.loads(again.stdout) == stats, "stats from the cache equal the first scan's")
    nocache = run("stats", "--no-cache", store)
    check(json.loads(nocache.stdout) == stats, "stats without the cache equal them too")

    # ---- a corrupt shard is reported, the rest scanned ----
    with open(os.path.join(store, "shard-2.gz"), "rb") as f:
        data = f.read()
    with open(os.path.join(store, "shard-2.gz"), "wb") as f:
        f.write(data[: len(data) // 2])
    p = run("schema", "--json", store, expect=1)
    bad = json.loads(p.stdout)
    check(p.returncode == 1 and "'shard-2'" in p.stderr, "a cut shard: exit 1, its name on stderr")
    check(bad["samples"] == total - sizes["shard-2"] and [f["key"] for f in bad["failed"]] == ["shard-2"],
          "the other shards are scanned")
    p = run("query", store, "label == 3", expect=1)
    want_lines = [f"{key}\t{i}" for key in keys if key != "shard-2"
                  for i, s in enumerate(samples[key]) if python_matches("label == 3", s)]
    check(p.stdout.splitlines() == want_lines, "query still prints the matches of the other shards")

    shutil.rmtree(tmp)
    sys.exit(checks.summary())


main()
