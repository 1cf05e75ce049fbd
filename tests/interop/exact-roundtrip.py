#!/usr/bin/python3
# exact-roundtrip.py: `drey-cli cat --exact | drey-cli set` writes back the
# same values, property-tested on generated samples.
#
# Usage: exact-roundtrip.py DREY_CLI [SEED]
#
# Python writes shards exactly as squirrel-core's drivers do, from random
# samples that hold every kind of value Drey reads: numpy arrays and scalars
# of every dtype and byte order, msgpack float32, NaNs with a sign and a
# payload, bytes, bytes keys, Python complex, ext values, big and small ints,
# and user maps that look like drey's own markers ({"$bytes": ...}, a str
# key "$bytes:...") or like squirrel's JSON arrays (keys data, type, shape).
# For each shard, cat --exact | set into another store must give:
#   - for messagepack, the identical decompressed msgpack stream;
#   - for JSON Lines, the identical JSON text;
#   - and, decoded in Python, values of identical types and bytes.
# A shard holding a pickled object array is refused by set, by name, and
# nothing is written. The seed is printed, so a failure can be replayed.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gzip
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop as squirrel  # noqa: E402

np = squirrel.np
msgpack = squirrel.msgpack

LOOKALIKE_KEYS = ["$bytes", "$complex", "$opaque", "$map", "$numpy", "$ext", "$ndarray", "$float32",
                  "$float64", "$bytes:AP8=", "$", "data", "type", "shape", "nd", "kind", "complex"]
LOOKALIKE_MAPS = [
    {"$bytes": "AP8="},
    {"$complex": [1, 2]},
    {"$opaque": "a pickle"},
    {"$map": [["a", 1]]},
    {"$numpy": "<i8", "data": "AQAAAAAAAAA="},
    {"$ndarray": "|u1", "shape": [1], "data": "AQ=="},
    {"$ext": 5, "data": "AA=="},
    {"$float32": 1.5},
    {"data": [1, 2], "type": "<i8", "shape": [2]},
    {"data": "x", "type": "y", "shape": "z", "more": 1},
]
NUMERIC = ["|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8",
           "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<c8", ">c8", "<c16", ">c16"]
OTHER = ["<U5", ">U3", "|S3", "|V4", [("a", "<i4"), ("b", ">f8", (2,))], "<M8[ns]", ">m8[s]"]


def rand_float(rng):
    choice = rng.random()
    if choice < 0.1:
        return rng.choice([0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, 1e308, 0.1, 1e16])
    if choice < 0.15:
        # a NaN with its sign bit, or a payload: JSON's NaN would lose both
        bits = rng.choice([0xfff8000000000000, 0x7ff8000000000001, 0x7ff0000000000abc | 1 << 51])
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    return rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-20, 20)


def rand_str(rng):
    alphabet = "ab \"\\/\n\t\u00e9\u4e2d\U0001f600\x00\x7f\x1f$"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))


def rand_int(rng):
    return rng.choice([0, 1, 127, 128, 255, 256, -1, -32, -33, -128, -129, 65535, 65536, 2**31, -2**31 - 1,
                       2**63 - 1, -2**63, 2**64 - 1, rng.randint(-2**63, 2**64 - 1)])


def rand_array(rng):
    t = rng.choice(NUMERIC + OTHER)
    dt = np.dtype(t)
    shape = rng.choice([(), (0,), (3,), (2, 3), (1, 0, 2), (4, 1)])
    n = int(np.prod(shape)) if shape else 1
    raw = bytes(rng.getrandbits(8) for _ in range(n * dt.itemsize))
    if dt.kind == "U":
        # valid code points only (numpy refuses the rest on read)
        chars = [rng.choice([0, 65, 0x4e2d, 0x1f600]) for _ in range(n * (dt.itemsize // 4))]
        raw = np.array(chars, dtype=dt.str[0] + "u4").tobytes()
    if dt.kind == "b":
        raw = bytes(b & 1 for b in raw)
    a = np.frombuffer(raw, dtype=dt).reshape(shape) if n else np.zeros(shape, dtype=dt)
    if dt.kind in "Mm":
        # msgpack-numpy can only encode these as non-contiguous views
        a = np.repeat(a.reshape(-1), 2)[::2].reshape(shape) if n > 1 else a
    return a.copy() if dt.kind not in "Mm" else a


def rand_scalar(rng):
    t = rng.choice(NUMERIC)
    dt = np.dtype(t)
    raw = bytes(rng.getrandbits(8) for _ in range(dt.itemsize))
    if dt.kind == "b":
        raw = bytes([raw[0] & 1])
    value = np.frombuffer(raw, dtype=dt)[0]
    # np.float64 is a Python float: msgpack packs it as one, not as numpy
    return value


def rand_value(rng, depth):
    kinds = ["none", "bool", "int", "float", "str", "bytes", "complex", "ext", "scalar", "array",
             "lookalike"]
    if depth < 3:
        kinds += ["list", "tuple", "dict", "dict", "bytes-key-dict"]
    kind = rng.choice(kinds)
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rand_int(rng)
    if kind == "float":
        return rand_float(rng)
    if kind == "str":
        return rand_str(rng)
    if kind == "bytes":
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 6)))
    if kind == "complex":
        return complex(rand_float(rng), rand_float(rng))
    if kind == "ext":
        return msgpack.ExtType(rng.randint(0, 127), bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 5))))
    if kind == "scalar":
        return rand_scalar(rng)
    if kind == "array":
        return rand_array(rng)
    if kind == "lookalike":
        return dict(rng.choice(LOOKALIKE_MAPS))
    if kind in ("list", "tuple"):
        items = [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
        return items if kind == "list" else tuple(items)
    if kind == "bytes-key-dict":
        return {bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3))): rand_value(rng, depth + 1)
                for _ in range(rng.randint(1, 3))}
    keys = [rng.choice(LOOKALIKE_KEYS + ["label", "image", "caption", rand_str(rng)])
            for _ in range(rng.randint(0, 5))]
    return {k: rand_value(rng, depth + 1) for k in keys}


def rand_json_value(rng, depth):
    """What squirrel's JsonlDriver can write: no bytes, complex, ext, numpy bools."""
    kinds = ["none", "bool", "int", "float", "str", "array", "lookalike"]
    if depth < 3:
        kinds += ["list", "dict", "dict"]
    kind = rng.choice(kinds)
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([rand_int(rng), 2**70, -10**30])
    if kind == "float":
        f = rand_float(rng)
        return f if not math.isnan(f) else math.nan
    if kind == "str":
        return rand_str(rng)
    if kind == "array":
        t = rng.choice(["|u1", "<i8", ">i4", "<f4", ">f8", "<f2", "|b1", "<U3"])
        shape = rng.choice([(), (0,), (3,), (2, 2)])
        n = int(np.prod(shape)) if shape else 1
        if t in ("<U3",):
            return np.array([rng.choice(["", "ab", "\u00e9"]) for _ in range(n)], dtype=t).reshape(shape)
        if t.endswith(("f4", "f8", "f2")):
            return np.array([rng.uniform(-100, 100) for _ in range(n)], dtype=t).reshape(shape)
        if t == "|b1":
            return np.array([rng.random() < 0.5 for _ in range(n)], dtype=t).reshape(shape)
        return np.array([rng.randint(0, 100) for _ in range(n)], dtype=t).reshape(shape)
    if kind == "lookalike":
        return dict(rng.choice([m for m in LOOKALIKE_MAPS if not ("data" in m and "type" in m and "shape" in m)]))
    if kind == "list":
        return [rand_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = [rng.choice([k for k in LOOKALIKE_KEYS if k not in ("data", "type", "shape")] +
                       ["label", rand_str(rng)]) for _ in range(rng.randint(0, 4))]
    return {k: rand_json_value(rng, depth + 1) for k in keys}


def same(a, b, path="sample"):
    """None if a and b are the same value tree: same types, same bytes, same
    key order; else where they differ."""
    if type(a) is not type(b):
        return "%s: %s vs %s" % (path, type(a).__name__, type(b).__name__)
    if isinstance(a, np.ndarray):
        if a.dtype.descr != b.dtype.descr or a.dtype.str != b.dtype.str or a.shape != b.shape:
            return "%s: %r %r vs %r %r" % (path, a.dtype.descr, a.shape, b.dtype.descr, b.shape)
        if a.dtype.kind != "O" and a.tobytes() != b.tobytes():
            return "%s: array data differs" % path
        return None
    if isinstance(a, np.generic):
        return None if a.dtype.str == b.dtype.str and a.tobytes() == b.tobytes() else "%s: %r vs %r" % (path, a, b)
    if isinstance(a, float):
        return None if struct.pack("<d", a) == struct.pack("<d", b) else "%s: %r vs %r" % (path, a, b)
    if isinstance(a, complex):
        return same(a.real, b.real, path) or same(a.imag, b.imag, path)
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        return next((d for d in (same(x, y, "%s[%d]" % (path, i)) for i, (x, y) in enumerate(zip(a, b))) if d),
                    None)
    if isinstance(a, dict):
        if list(a) != list(b):
            return "%s: keys %r vs %r" % (path, list(a), list(b))
        return next((d for d in (same(a[k], b[k], "%s[%r]" % (path, k)) for k in a) if d), None)
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def payload(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def first_difference(a, b):
    n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return "at byte %d: %r vs %r" % (n, a[max(0, n - 16):n + 16], b[max(0, n - 16):n + 16])


def roundtrip(t, drey, source, dest, key, serializer):
    cat = subprocess.run([drey, "cat", "--exact", source, key], capture_output=True)
    if cat.returncode != 0:
        return "cat --exact failed: %s" % cat.stderr.decode(errors="replace")
    put = subprocess.run([drey, "set", "--serializer", serializer, dest, key, "-"], input=cat.stdout,
                         capture_output=True)
    if put.returncode != 0:
        return "set failed: %s" % put.stderr.decode(errors="replace")
    a, b = payload(os.path.join(source, key + ".gz")), payload(os.path.join(dest, key + ".gz"))
    if a != b:
        return "the decompressed shards differ %s" % first_difference(a, b)
    return None


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: exact-roundtrip.py DREY_CLI [SEED]", file=sys.stderr)
        return 2
    drey = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) == 3 else random.SystemRandom().randrange(2**32)
    print("seed %d (replay: exact-roundtrip.py DREY_CLI %d)" % (seed, seed))
    rng = random.Random(seed)
    t = squirrel.Runner(drey)
    tmp = tempfile.mkdtemp(prefix="drey-exact-")
    src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "dst")
    os.makedirs(src)

    # messagepack: 40 shards of 25 samples, as MessagepackDriver writes them
    # (msgpack-numpy via pack_like_python, which also takes datetime views)
    for s in range(40):
        key = "mp%02d" % s
        samples = [rand_value(rng, 0) for _ in range(25)]
        with gzip.open(os.path.join(src, key + ".gz"), "wb", compresslevel=9) as f:
            f.write(squirrel.pack_like_python(samples))
        problem = roundtrip(t, drey, src, dst, key, "messagepack")
        if problem is None:
            got = squirrel.squirrel_msgpack_read(os.path.join(dst, key + ".gz"))
            want = squirrel.squirrel_msgpack_read(os.path.join(src, key + ".gz"))
            problem = same(want, got)
        t.check(problem is None,
                "messagepack shard %s: cat --exact | set gives the same bytes and values" % key, problem or "")

    # msgpack float32, which Python writes only with use_single_float
    key = "mp-float32"
    floats = [rand_float(rng) for _ in range(50)] + [{"x": rand_float(rng)} for _ in range(10)]
    packer = msgpack.Packer(use_bin_type=True, use_single_float=True)
    with gzip.open(os.path.join(src, key + ".gz"), "wb") as f:
        f.write(b"".join(packer.pack(x) for x in floats))
    t.check(roundtrip(t, drey, src, dst, key, "messagepack") is None,
            "messagepack float32 shard: cat --exact | set gives the same bytes",
            roundtrip(t, drey, src, dst, key, "messagepack") or "")

    # JSON Lines: 20 shards, as JsonlDriver writes them, in a store of
    # their own (some begin with a bare value, which alone decodes both ways)
    src_js, dst_js = os.path.join(tmp, "src-jsonl"), os.path.join(tmp, "dst-jsonl")
    os.makedirs(src_js)
    for s in range(20):
        key = "js%02d" % s
        samples = [rand_json_value(rng, 0) for _ in range(25)]
        squirrel.squirrel_jsonl_write(os.path.join(src_js, key + ".gz"), samples)
    for s in range(20):
        key = "js%02d" % s
        problem = roundtrip(t, drey, src_js, dst_js, key, "jsonl")
        t.check(problem is None, "JSON Lines shard %s: cat --exact | set gives the same text" % key, problem or "")

    # opaque: refused by name, nothing written
    key = "pickle"
    squirrel.squirrel_msgpack_write(os.path.join(src, key + ".gz"),
                                    [{"ok": 1}, {"objects": np.array([1, "a"], dtype=object)}])
    cat = subprocess.run([drey, "cat", "--exact", src, key], capture_output=True)
    put = subprocess.run([drey, "set", "--serializer", "messagepack", dst, key, "-"], input=cat.stdout,
                         capture_output=True)
    t.check(put.returncode == 1 and b"opaque value (pickled object array" in put.stderr and
            not os.path.exists(os.path.join(dst, key + ".gz")),
            "a pickled object array: set refuses it by name (exit 1), nothing written",
            "exit %d %r" % (put.returncode, put.stderr))

    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
