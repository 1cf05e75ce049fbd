#!/usr/bin/python3
# jobs-interop.py: check, stats KEY... and copy --to read several shards at
# once, and print exactly what reading them one after another prints.
#
# Usage: jobs-interop.py DREY_CLI
#
# The store (200 shards, written as squirrel-core's drivers write them) is
# made so that reading order would show: the 16 shards the serializer
# detection looks at decode both as msgpack and as JSON Lines, and the
# store's serializer turns from msgpack to JSON Lines and back within the
# first shards, with a big, slow JSON Lines shard before the first turn;
# shards that decode both ways are read as the shards before them say.
# Among the rest are a truncated shard, one that is not gzip and an empty
# one. Each command (and the store scan's: schema, stats STORE, query)
# runs with --jobs 1, 2, 3 and the default (one per core); stdout, stderr
# and the exit status must be the same bytes, and the shards copy writes
# the same samples.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gzip
import json
import os
import random
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop as squirrel  # noqa: E402  (its squirrel-core serializers)

N_SHARDS = 200
# What sq-store-serializer.c's detection looks at first, with 200 shards.
PROBED = {j * N_SHARDS // 64 for j in range(0, 64, 4)}
AMBIGUOUS = [49, 10]  # MessagepackDriver writes "1\n": JSON Lines [1] too
JOBS = (["--jobs", "1"], ["--jobs", "2"], ["--jobs=3"], [])


def key(i):
    return "s%03d" % i


def msgpack_samples(rng, n):
    return [{"image": np.frombuffer(bytes(rng.randrange(256) for _ in range(64)), dtype=np.uint8).reshape(8, 8),
             "label": np.int64(rng.randrange(10)), "name": "sample-%d" % rng.randrange(10**6)}
            for _ in range(n)]


def jsonl_samples(rng, n):
    return [{"id": rng.randrange(10**9), "text": "word " * rng.randrange(1, 30), "score": rng.random()}
            for _ in range(n)]


def make_store(store):
    rng = random.Random(20261202)
    os.makedirs(store)
    # Before the turns: 0 both ways (looked at), 1 msgpack, 2 JSON Lines
    # (big: read last), 3 JSON Lines; 4 both ways, read as JSON Lines (2
    # against 1); 5, 6 msgpack; 7 both ways, read as msgpack (3 against 2).
    kinds = {0: "both", 1: "msgpack", 2: "big-jsonl", 3: "jsonl", 4: "both", 5: "msgpack", 6: "msgpack",
             7: "both", 8: "truncated", 9: "garbage", 10: "empty"}
    for i in range(N_SHARDS):
        path = os.path.join(store, key(i) + ".gz")
        kind = "both" if i in PROBED else kinds.get(i) or rng.choice(("msgpack", "msgpack", "jsonl", "both"))
        if kind == "both":
            squirrel.squirrel_msgpack_write(path, AMBIGUOUS)
        elif kind == "msgpack":
            squirrel.squirrel_msgpack_write(path, msgpack_samples(rng, rng.randrange(1, 40)))
        elif kind == "jsonl":
            squirrel.squirrel_jsonl_write(path, jsonl_samples(rng, rng.randrange(1, 40)))
        elif kind == "big-jsonl":
            squirrel.squirrel_jsonl_write(path, jsonl_samples(rng, 40000))
        elif kind == "truncated":
            squirrel.squirrel_msgpack_write(path, msgpack_samples(rng, 30))
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                f.write(data[:len(data) // 2])
        elif kind == "garbage":
            with open(path, "wb") as f:
                f.write(b"this is not a gzip file\n")
        elif kind == "empty":
            squirrel.squirrel_msgpack_write(path, [])


def same_runs(t, what, runs):
    """Every run printed the bytes the --jobs 1 run printed."""
    first = runs[0][1]
    for options, p in runs[1:]:
        lines = [(a, b) for a, b in zip(p.stdout.splitlines(), first.stdout.splitlines()) if a != b]
        t.check((p.stdout, p.stderr, p.returncode) == (first.stdout, first.stderr, first.returncode),
                "%s %s: the same stdout, stderr and exit status as --jobs 1" % (what, " ".join(options) or "(default)"),
                "exit %d vs %d; first line that differs %r; stderr %r vs %r"
                % (p.returncode, first.returncode, lines[:1], p.stderr[:300], first.stderr[:300]))
    return first


def payloads(store):
    out = {}
    for name in sorted(os.listdir(store)):
        with gzip.open(os.path.join(store, name), "rb") as f:
            out[name] = f.read()
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: jobs-interop.py DREY_CLI", file=sys.stderr)
        return 2
    t = squirrel.Runner(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="drey-jobs-")
    try:
        store = os.path.join(tmp, "store")
        make_store(store)

        # -- check, the whole store ----------------------------------------
        runs = [(o, t.drey(*o, "check", store)) for o in JOBS]
        p = same_runs(t, "check", runs)
        lines = p.stdout.decode().splitlines()
        by_key = dict(line.split(": ", 1) for line in lines if line.startswith("s"))
        t.check([line.split(":")[0] for line in lines[:N_SHARDS]] == [key(i) for i in range(N_SHARDS)],
                "check: one line per shard, in key order", repr(lines[:5]))
        t.check(by_key.get("s004", "").startswith("ok, 1 samples, jsonl (ambiguous"),
                "check: s004 read as JSON Lines, as the shards before it say", by_key.get("s004"))
        t.check(by_key.get("s007", "").startswith("ok, 2 samples, messagepack (ambiguous"),
                "check: s007 read as msgpack again", by_key.get("s007"))
        t.check(by_key.get("s002") == "ok, 40000 samples, jsonl", "check: the big JSON Lines shard", by_key.get("s002"))
        t.check(by_key.get("s008", "").startswith("FAILED: shard 's008'") and
                by_key.get("s009", "").startswith("FAILED: shard 's009'"),
                "check: the truncated and the non-gzip shards FAILED, named",
                repr((by_key.get("s008"), by_key.get("s009"))))
        t.check(by_key.get("s010") == "ok, 0 samples, empty", "check: the empty shard", by_key.get("s010"))
        t.check(lines[-1].startswith("store: mixed: "), "check: the store is mixed, said last", lines[-1])
        t.check(p.returncode == 1 and p.stderr == b"drey-cli: 2 of 200 shards failed to decode\n",
                "check: exit 1 and the count on stderr", p.stderr.decode())

        # -- check, keys given, in their order --------------------------------
        keys = ["s150", "s007", "nope", "s002", "s004", "s008", "s001"]
        p = same_runs(t, "check KEY...", [(o, t.drey(*o, "check", store, *keys)) for o in JOBS])
        lines = p.stdout.decode().splitlines()
        t.check([line.split(":")[0] for line in lines[:len(keys)]] == keys,
                "check KEY...: the lines in the order of the keys", repr(lines))
        # Read in this order, s004 comes after s002 and s007 (both ways, so
        # nothing) only: 1 JSON Lines shard and no msgpack one before it.
        t.check(lines[4].startswith("s004: ok, 1 samples, jsonl (ambiguous"),
                "check KEY...: s004 follows the shards given before it", lines[4])
        t.check(lines[2].startswith("nope: FAILED: ") and
                "'nope'" in lines[2], "check KEY...: a missing key FAILED, named", lines[2])

        # -- stats KEY... ------------------------------------------------------
        all_keys = [key(i) for i in range(N_SHARDS)]
        p = same_runs(t, "stats KEY...", [(o, t.drey(*o, "stats", store, *all_keys)) for o in JOBS])
        lines = [json.loads(line) for line in p.stdout.decode().splitlines()]
        t.check([d["key"] for d in lines] == [k for k in all_keys if k not in ("s008", "s009")],
                "stats KEY...: a line per shard that decodes, each with its key, in order",
                repr([d.get("key") for d in lines[:12]]))
        errors = p.stderr.decode().splitlines()
        t.check(p.returncode == 1 and len(errors) == 3 and "'s008'" in errors[0] and "'s009'" in errors[1] and
                errors[2] == "drey-cli: 2 of 200 shards failed to decode",
                "stats KEY...: the bad shards on stderr, named, then the count, exit 1", repr(errors))
        one = t.drey("stats", store, "s001")
        keyed = dict(lines[1])
        del keyed["key"]
        t.check(one.returncode == 0 and json.loads(one.stdout) == keyed,
                "stats KEY...: each line is what stats of the one key prints, with its key", one.stdout[:200].decode())
        t.check(lines[4]["samples"] == 1, "stats KEY...: s004 read as JSON Lines (1 sample)", repr(lines[4])[:200])

        # -- copy --to ---------------------------------------------------------
        written = []
        for i, o in enumerate(JOBS):
            dest = os.path.join(tmp, "dest-%d" % i)
            written.append((o, t.drey(*o, "copy", "--to", dest, store)))
        p = same_runs(t, "copy --to", written)
        t.check(p.stdout.decode().split() == [k for k in all_keys if k not in ("s008", "s009")],
                "copy --to: prints each key written, in order",
                p.stdout.decode()[:100])
        errors = p.stderr.decode().splitlines()
        t.check(p.returncode == 1 and len(errors) == 3 and "'s008'" in errors[0] and "'s009'" in errors[1] and
                errors[2] == "drey-cli: 2 of 200 shards could not be copied",
                "copy --to: the bad shards named, then the count, exit 1", repr(errors))
        first = payloads(os.path.join(tmp, "dest-0"))
        for i in range(1, len(JOBS)):
            t.check(payloads(os.path.join(tmp, "dest-%d" % i)) == first,
                    "copy --to %s: the same shards, with the same bytes" % (" ".join(JOBS[i]) or "(default)"))
        with gzip.open(os.path.join(store, "s001.gz"), "rb") as f:
            t.check(len(squirrel.squirrel_msgpack_read(os.path.join(tmp, "dest-0", "s001.gz"))) > 0 and
                    first.get("s001.gz") == f.read(),
                    "copy --to: a msgpack shard copied, byte for byte once inflated")

        # -- the store scan: schema, stats STORE, query ------------------------
        for command in (["schema", "--json", "--no-cache", store], ["stats", "--no-cache", store],
                        ["query", "--no-cache", store, "score > 0.5 or label == 3"]):
            p = same_runs(t, command[0], [(o, t.drey(*o, *command)) for o in JOBS])
            t.check(p.returncode == 1 and p.stdout, "%s: exit 1 for the 2 bad shards, and output" % command[0],
                    p.stderr.decode()[:200])
        p = t.drey("schema", "--json", "--no-cache", store)
        t.check(json.loads(p.stdout)["samples"] ==
                sum(int(line.split(", ")[1].split()[0]) for line in runs[0][1].stdout.decode().splitlines()
                    if ": ok, " in line),
                "schema: s004 counted as the 1 sample of its JSON Lines reading", p.stdout[:200].decode())

        # -- usage -------------------------------------------------------------
        for bad in (["--jobs", "0"], ["--jobs", "x"], ["--jobs"], ["--jobs=-1"]):
            p = t.drey(*bad, "check", store)
            t.check(p.returncode == 2, "%s: a usage error (exit 2)" % " ".join(bad), p.stderr.decode()[:100])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
