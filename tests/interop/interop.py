#!/usr/bin/python3
# interop.py: Drey against squirrel-core's own serializers, both ways.
#
# Usage: interop.py DREY_CLI
#
# Writes stores the way squirrel-core 0.20.2 writes them (its serializers are
# re-created below: squirrel itself is not installed), then checks that
#   A. drey-cli reads them: `cat` decodes to what Python decodes, and prints
#      the JSON text Python's json.dumps would print for drey-cli's
#      convention; `keys` lists squirrel's order; `check` passes;
#   B. Python reads what drey-cli writes: `set` of cat's output, with both
#      serializers, decodes in Python to the original values, and the
#      decompressed payload is byte for byte what Python writes for the same
#      values;
#   C. Python's gzip reads Drey's shards, including a multi-member one.
#
# Where Drey deliberately differs from Python (each checked below):
#   - cat prints numpy scalars as plain numbers (squirrel's own JSON does
#     the same), so after cat | set an np.float32 label is a float64; the
#     write checks compare numpy scalars by value, and expect the bytes
#     Python packs for the values cat printed.
#   - JSON Lines: Drey refuses to write structured arrays. json.dumps writes
#     them (type "|V20", records holding nested array objects), but
#     squirrel cannot read that back. Drey also refuses by dtype what
#     json.dumps refuses by value (an empty complex array, an all-NaT
#     datetime64[s] array: tolist() gives nothing json chokes on).
#   - An int beyond 64 bits reads as its exact digits and goes back to JSON
#     Lines as it was; msgpack (64-bit ints) refuses it.
#   - Opaque values (pickled object arrays, ext types) are shown, never
#     written.
#   - datetime64/timedelta64: msgpack-numpy cannot encode C-contiguous ones
#     (numpy refuses `obj.data` for them), so the only ones in a squirrel
#     store are non-contiguous views, which it writes with tobytes(); no
#     0-d or empty ones (always contiguous) can exist there.
#
# Needs Debian's python3 (msgpack 1.0.3, msgpack-numpy 0.4.8, numpy 1.24).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import gzip
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib

try:
    import msgpack
    import msgpack_numpy
    import numpy as np
except ImportError as e:
    print("SKIP: %s (this needs Debian's python3-msgpack, -msgpack-numpy and -numpy)" % e)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402


# ---------------------------------------------------------------------------
# squirrel-core's serializers (squirrel/serialization/{msgpack,jsonl}.py)

class SquirrelJsonEncoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return float(obj)
        if isinstance(obj, np.ndarray):
            return {"data": obj.tolist(), "type": obj.dtype.str, "shape": obj.shape}
        return super().default(obj)


def squirrel_json_hook(obj):
    if "type" in obj and "data" in obj and "shape" in obj:
        return np.array(obj["data"], dtype=np.dtype(obj["type"])).reshape(obj["shape"])
    return obj


def squirrel_msgpack_write(path, samples, compresslevel=9):
    # MessagepackSerializer.serialize_shard_to_file: one Packer, one sample
    # at a time, into a gzip file (fsspec's compression="gzip": level 9).
    packer = msgpack.Packer(use_bin_type=True, default=msgpack_numpy.encode)
    with gzip.open(path, "wb", compresslevel=compresslevel) as f:
        for sample in samples:
            f.write(packer.pack(sample))


def squirrel_msgpack_decode(payload):
    unpacker = msgpack.Unpacker(use_list=False, object_hook=msgpack_numpy.decode,
                                max_buffer_size=len(payload) + 1)
    unpacker.feed(payload)
    return list(unpacker)


def squirrel_msgpack_read(path):
    with gzip.open(path, "rb") as f:
        return list(msgpack.Unpacker(f, use_list=False, object_hook=msgpack_numpy.decode))


def squirrel_jsonl_lines(samples):
    return "".join(json.dumps(s, cls=SquirrelJsonEncoder) + "\n" for s in samples).encode("utf-8")


def squirrel_jsonl_write(path, samples):
    with gzip.open(path, "wb") as f:
        f.write(squirrel_jsonl_lines(samples))


def squirrel_jsonl_decode(payload):
    return [json.loads(line, object_hook=squirrel_json_hook)
            for line in payload.decode("utf-8").splitlines() if line.strip()]


def squirrel_keys(store):
    # keys(): the directory's files ending in .gz, sorted by file name
    # (".gz" included), the last ".gz" stripped.
    names = sorted(n for n in os.listdir(store)
                   if n.endswith(".gz") and os.path.isfile(os.path.join(store, n)))
    return [n[:-3] for n in names]


def pack_like_python(samples):
    """msgpack.packb(sample, default=msgpack_numpy.encode) per sample.

    msgpack-numpy takes `obj.data` of a C-contiguous array, which numpy
    refuses for datetime64/timedelta64 ("cannot include dtype 'M' in a
    buffer"); for those it is given `obj.tobytes()`, which is the bytes its
    own non-contiguous path writes."""
    def default(obj):
        if isinstance(obj, np.ndarray) and obj.dtype.kind in "Mm":
            return {b"nd": True, b"type": obj.dtype.str, b"kind": b"",
                    b"shape": obj.shape, b"data": obj.tobytes()}
        return msgpack_numpy.encode(obj)
    packer = msgpack.Packer(use_bin_type=True, default=default)
    return b"".join(packer.pack(s) for s in samples)


# ---------------------------------------------------------------------------
# drey-cli's JSON convention

class Opaque:
    def __init__(self, why):
        self.why = why

    def __repr__(self):
        return "Opaque(%r)" % self.why


def dtype_from_type(t):
    if isinstance(t, str):
        return np.dtype(t)

    def field(f):
        sub = dtype_from_type(f[1])
        return (f[0], sub) + ((tuple(f[2]),) if len(f) > 2 else ())
    return np.dtype([field(f) for f in t])


def map_depth(data, depth, fn):
    if depth == 0:
        return fn(data)
    return [map_depth(x, depth - 1, fn) for x in data]


def element_from_json(x, dt):
    if dt.names is not None:
        return tuple(element_from_json(x[i], dt.fields[name][0])
                     for i, name in enumerate(dt.names))
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return map_depth(x, len(shape), lambda e: element_from_json(e, base))
    if dt.kind == "c":
        return complex(x[0], x[1])
    return x


def array_from_json(data, type_, shape):
    dt = dtype_from_type(type_)
    shape = tuple(shape)
    if dt.kind in "biufUSMm":
        return np.array(data, dtype=dt).reshape(shape)
    elems = map_depth(data, len(shape), lambda e: element_from_json(e, dt))
    if dt.names is not None and len(shape) == 0:
        a = np.empty((), dtype=dt)
        a[()] = elems
        return a
    return np.array(elems, dtype=dt).reshape(shape)


def drey_pairs_hook(pairs):
    keys = [k for k, _ in pairs]
    if keys == ["$bytes"]:
        return base64.b64decode(pairs[0][1], validate=True)
    if keys == ["$complex"]:
        re_, im = pairs[0][1]
        return complex(re_, im)
    if keys == ["$opaque"]:
        return Opaque(pairs[0][1])
    if sorted(keys) == ["data", "shape", "type"]:
        d = dict(pairs)
        return array_from_json(d["data"], d["type"], d["shape"])
    out = {}
    for k, v in pairs:
        if k.startswith("$bytes:"):
            k = base64.b64decode(k[7:], validate=True)
        out[k] = v
    return out


def drey_decode(line):
    return json.loads(line, object_pairs_hook=drey_pairs_hook)


class NotText(Exception):
    pass


def b64(b):
    return base64.b64encode(bytes(b)).decode("ascii")


def elem_to_drey(x, dt):
    if dt.names is not None:
        return [elem_to_drey(x[name], dt.fields[name][0]) for name in dt.names]
    if dt.subdtype is not None:
        return array_data_to_drey(np.asarray(x), dt.subdtype[0])
    k = dt.kind
    if k == "b":
        return bool(x)
    if k in "iu":
        return int(x)
    if k == "f":
        return float(x)
    if k == "c":
        return [float(x.real), float(x.imag)]
    if k == "U":
        return str(x)
    if k == "S":
        return {"$bytes": b64(x)}
    if k in "Mm":
        return int(x.astype(np.int64))
    raise NotText("dtype %s" % dt)


def array_data_to_drey(a, dt):
    if dt.kind in "biufU" and dt.names is None:
        return a.tolist()
    if dt.kind in "Mm":
        return a.view(dt.str[0] + "i8").tolist()
    if a.ndim == 0:
        return elem_to_drey(a[()], dt)
    if a.ndim == 1:
        return [elem_to_drey(x, dt) for x in a]
    return [array_data_to_drey(a[i], dt) for i in range(a.shape[0])]


def to_drey(v):
    """The value drey-cli cat prints, as Python json.dumps input."""
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "O":
            raise NotText("object array")
        t = v.dtype.descr if v.dtype.names is not None else v.dtype.str
        return {"data": array_data_to_drey(v, v.dtype), "type": t, "shape": list(v.shape)}
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, (complex, np.complexfloating)):
        return {"$complex": [float(v.real), float(v.imag)]}
    if isinstance(v, str):
        return str(v)
    if isinstance(v, bytes):
        return {"$bytes": b64(v)}
    if v is None:
        return None
    if isinstance(v, msgpack.ExtType):
        raise NotText("ext type")
    if isinstance(v, (list, tuple)):
        return [to_drey(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(k, bytes):
                k = "$bytes:" + b64(k)
            out[k] = to_drey(x)
        return out
    raise NotText(type(v).__name__)


# ---------------------------------------------------------------------------
# Comparing values

def same_float(a, b):
    if math.isnan(a) and math.isnan(b):
        return True
    return np.float64(a).tobytes() == np.float64(b).tobytes()


def diff_arrays(a, b, path):
    if a.dtype != b.dtype or a.dtype.str != b.dtype.str or a.dtype.descr != b.dtype.descr:
        return "%s: dtype %r != %r" % (path, a.dtype.descr, b.dtype.descr)
    if a.shape != b.shape:
        return "%s: shape %r != %r" % (path, a.shape, b.shape)
    if a.dtype.kind == "O":
        return None
    ab, bb = a.tobytes(), b.tobytes()
    if ab == bb:
        return None
    if a.dtype.kind in "fc" and a.dtype.names is None:
        # JSON cannot carry a NaN's sign or payload: any NaN matches any NaN.
        fdt = a.dtype.str[0] + "f%d" % (a.dtype.itemsize // (2 if a.dtype.kind == "c" else 1))
        fa = np.frombuffer(ab, dtype=fdt)
        fb = np.frombuffer(bb, dtype=fdt)
        nan = np.isnan(fa) & np.isnan(fb)
        if fa[~nan].tobytes() == fb[~nan].tobytes():
            return None
    return "%s: data differs (%r vs %r)" % (path, ab[:48], bb[:48])


def diff(a, b, path="sample", loose=False):
    """None if a (Python's) and b equal, else where they differ.

    loose: b went through drey-cli's JSON, where a numpy scalar is a plain
    number; a numpy scalar in a then matches the plain Python number."""
    if isinstance(a, np.ndarray) and a.dtype.kind == "O" or isinstance(a, msgpack.ExtType):
        return None if isinstance(b, Opaque) else "%s: %r is not opaque" % (path, type(b))
    if isinstance(a, np.ndarray):
        if not isinstance(b, np.ndarray):
            return "%s: ndarray vs %s" % (path, type(b).__name__)
        return diff_arrays(a, b, path)
    if isinstance(a, np.generic) and not isinstance(a, (np.str_, np.bytes_)):
        if loose:
            plain = {"b": bool, "i": int, "u": int, "f": float, "c": complex}[a.dtype.kind]
            if type(b) is not plain:
                return "%s: %r vs %r" % (path, a, b)
            return diff(a.item(), b, path)
        if type(a) is not type(b) or a.dtype.str != b.dtype.str:
            return "%s: %r vs %r" % (path, a, b)
        return diff_arrays(np.asarray(a), np.asarray(b), path)
    if isinstance(a, (list, tuple)):
        if not isinstance(b, (list, tuple)) or len(a) != len(b):
            return "%s: %r vs %r" % (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i), loose)
            if d:
                return d
        return None
    if isinstance(a, dict):
        if not isinstance(b, dict) or list(a.keys()) != list(b.keys()):
            return "%s: keys %r vs %r" % (path, list(a.keys())[:8],
                                          list(b.keys())[:8] if isinstance(b, dict) else b)
        for k in a:
            d = diff(a[k], b[k], "%s[%r]" % (path, k), loose)
            if d:
                return d
        return None
    if type(a) is not type(b):
        return "%s: %r (%s) vs %r (%s)" % (path, a, type(a).__name__, b, type(b).__name__)
    if isinstance(a, float):
        return None if same_float(a, b) else "%s: %r vs %r" % (path, a, b)
    if isinstance(a, complex):
        ok = same_float(a.real, b.real) and same_float(a.imag, b.imag)
        return None if ok else "%s: %r vs %r" % (path, a, b)
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def diff_samples(a, b, loose=False):
    if len(a) != len(b):
        return "%d samples vs %d" % (len(a), len(b))
    for i, (x, y) in enumerate(zip(a, b)):
        d = diff(x, y, "sample %d" % i, loose)
        if d:
            return d
    return None


# ---------------------------------------------------------------------------
# Test data

NAN = float("nan")
INF = float("inf")


def strided(values, dtype):
    # msgpack-numpy cannot encode a C-contiguous datetime64/timedelta64
    # array (numpy refuses `obj.data` for them); a non-contiguous one goes
    # through tobytes() and encodes. That is how such arrays end up in a
    # squirrel store, if they ever do.
    a = np.empty(2 * len(values), dtype=dtype)
    a[::2] = values
    return a[::2]


def int_extremes(dt):
    info = np.iinfo(dt)
    return np.array([info.min, -1 if info.min else 1, 0, 1, info.max], dtype=dt)


def dtype_samples():
    s = [{"name": "bool", "array": np.array([True, False, True])}]
    for dt in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        s.append({"name": dt, "array": int_extremes(np.dtype(dt))})
    s.append({"name": "f2", "array": np.array(
        [0.0, -0.0, 1.5, 0.1, 65504, 6e-8, 6.1e-5, INF, -INF, NAN], dtype="f2")})
    s.append({"name": "f4", "array": np.array(
        [0.1, -0.0, 1e-45, 1.1754942e-38, 3.4028235e38, 16777217, INF, -INF, NAN], dtype="f4")})
    s.append({"name": "f8", "array": np.array(
        [0.1, -0.0, 5e-324, 2.225073858507201e-308, 1e308, 1.7976931348623157e308,
         1e16, 1e-7, 123456789.125, INF, -INF, NAN], dtype="f8")})
    s.append({"name": "c8", "array": np.array(
        [1 + 2j, complex(NAN, -0.0), complex(INF, 1e-45), 0.1 - 0.2j], dtype="c8")})
    s.append({"name": "c16", "array": np.array(
        [1 + 2j, complex(-0.0, NAN), complex(-INF, 5e-324), 0.1 - 0.2j], dtype="c16")})
    s.append({"name": "U", "array": np.array(
        ["", "a", "h\u00e9llo", "\u65e5\u672c", "\U0001d11ex", "a\x00b", "\"\\\n\t\x7f",
         "\u2028\x01", "\U0010ffff"], dtype="<U5")})
    s.append({"name": "S", "array": np.array(
        [b"", b"ab", b"\x00\xff\x80", b"a\x00b", b"\"\\\n"], dtype="S4")})
    s.append({"name": "M8[ns]", "array": strided(
        [np.datetime64("2020-01-01T12:00:00.123456789"), np.datetime64("NaT"),
         np.datetime64("1969-12-31")], "M8[ns]")})
    s.append({"name": "m8[s]", "array": strided(
        [np.timedelta64(5, "s"), np.timedelta64(-86400, "s"), np.timedelta64("NaT")], "m8[s]")})
    s.append({"name": "struct", "array": np.array(
        [(1, (2.0, 3.0)), (-1, (NAN, -0.0))], dtype=[("a", "<i4"), ("b", "<f8", (2,))])})
    s.append({"name": "nested struct", "array": np.array(
        [((7, 1.5), b"xy", 1 - 1j), ((65535, -INF), b"", 0j)],
        dtype=[("p", [("x", "<u2"), ("y", ">f4")]), ("s", "S3"), ("c", "<c8")])})
    s.append({"name": ">i4", "array": np.array([1, -2, 2**31 - 1], dtype=">i4")})
    s.append({"name": ">u8", "array": np.array([1, 2**64 - 1], dtype=">u8")})
    s.append({"name": ">f4", "array": np.array([0.1, -0.0, NAN], dtype=">f4")})
    s.append({"name": ">f8", "array": np.array([0.1, -0.0, 5e-324, INF], dtype=">f8")})
    s.append({"name": ">c16", "array": np.array([1 + 2j, complex(-0.0, 1e300)], dtype=">c16")})
    s.append({"name": ">U3", "array": np.array(["a\u00e9\U0001d11e", "", "xyz"], dtype=">U3")})
    s.append({"name": ">M8[ns]", "array": strided([np.datetime64(1, "ns"), np.datetime64(-1, "ns")], ">M8[ns]")})
    s.append({"name": "2-d", "array": np.arange(12, dtype="<i2").reshape(3, 4)})
    s.append({"name": "fortran", "array": np.asfortranarray(np.arange(6.0).reshape(2, 3))})
    s.append({"name": "3-d", "array": np.arange(24, dtype="u1").reshape(2, 3, 4)})
    # All of them in one sample, too.
    s.append({d["name"]: d["array"] for d in list(s)})
    return s


def shape_samples():
    s = []
    # No datetime64 here: 0-d and zero-size arrays are always C-contiguous,
    # which msgpack-numpy cannot encode for them (see strided()).
    for dt in ["f8", "<i4", "?", "<U2", "S2", "c16", ">f2"]:
        zero_d = np.array(1 if np.dtype(dt).kind not in "US" else "x", dtype=dt)
        s.append({"0-d": zero_d, "(0,)": np.zeros((0,), dtype=dt),
                  "(2,0)": np.zeros((2, 0), dtype=dt), "(0,3)": np.zeros((0, 3), dtype=dt)})
    s.append(np.array(3.5))
    s.append(np.array((5, (1.0, 2.0)), dtype=[("a", "<i4"), ("b", "<f8", (2,))]))
    s.append(np.zeros((2, 0, 3), dtype=">i4"))
    s.append(np.zeros((1, 1, 1, 1), dtype="u2"))
    return s


def scalar_samples():
    return [
        {"bool": np.bool_(True), "false": np.bool_(False),
         "i1": np.int8(-5), "i2": np.int16(-300), "i4": np.int32(-2**31), "i8": np.int64(-2**63),
         "u1": np.uint8(255), "u2": np.uint16(65535), "u4": np.uint32(2**32 - 1),
         "u8": np.uint64(2**64 - 1),
         "f2": np.float16(0.1), "f4": np.float32(0.1), "f4 nan": np.float32(NAN),
         "f4 -0": np.float32(-0.0), "f8": np.float64(0.1),
         "c8": np.complex64(1 + 2j), "c16": np.complex128(complex(-0.0, INF)),
         "str_": np.str_("\u00e9"), "bytes_": np.bytes_(b"x")},
        [np.int64(7), np.float32(1.5), np.bool_(False)],
        np.int64(1),
        np.float16(-INF),
    ]


def plain_samples():
    ints = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**63,
            2**64 - 1, -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]
    floats = [0.0, -0.0, 0.1, 1.5, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
              1e308, 1.7976931348623157e308, 1e16, 1e-7, 123456789012345678.0, 1e22, 1e-5,
              INF, -INF, NAN]
    complexes = [1 + 2j, 1j, -0j, complex(-0.0, 0.0), complex(NAN, INF), complex(1e16, -1e-7),
                 complex(-INF, NAN), 0.1 + 0.2j]
    strings = ["", "a" * 31, "b" * 32, "c" * 255, "d" * 256, "e" * 65535, "f" * 65536,
               "h\u00e9", "\u65e5\u672c\u8a9e", "\U0001f600", "\x00\x1f\"\\/\u2028\ud7ff\ue000\uffff"]
    blobs = [b"", b"\x00", b"x" * 255, b"y" * 256, b"z" * 65536, bytes(range(256))]
    deep = "bottom"
    for i in range(40):
        deep = [deep] if i % 2 else {"d": deep}
    return [
        {"ints": ints, "floats": floats, "strings": strings, "bytes": blobs, "none": None,
         "true": True, "false": False},
        {"complex": complexes},
        {"\u00e9t\u00e9": 1, "\u65e5\u672c": {"\U0001d11e": [None, {"": "empty key"}]},
         b"bin key": b"bin value", b"\xff\x00": 2, "tuple": (1, (2, 3)),
         "nested": {"a": {"b": {"c": [1, [2, [3, {"d": None}]]]}}}},
        {"map16": {str(i): i for i in range(16)}, "array16": list(range(16)),
         "map15": {str(i): i for i in range(15)}, "array15": list(range(15)),
         "big array": list(range(70000)), "big map": {"k%d" % i: i for i in range(70000)}},
        {"deep": deep},
        42, "just a string", None, [1, "two", 3.0], b"bare bytes", 2.5, True,
        {"image": np.zeros((2, 2), dtype="f4"), "label": np.int64(1), "metadata": {"key": 0}},
    ]


def float_samples():
    # Python's repr is the shortest round-trip form, closest to the value:
    # powers of two (denser below than above), every float16, random bits.
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2**64, size=20000, dtype=np.uint64)
    doubles = [float(x) for x in bits.view("f8") if math.isfinite(x)]
    return [
        {"powers of two": [2.0 ** k for k in range(-1074, 1024)] + [-(2.0 ** k) for k in range(-30, 30)]},
        {"every float16": np.arange(65536, dtype="<u2").view("<f2")},
        {"random float32": rng.integers(0, 2**32, size=20000, dtype=np.uint32).view("<f4")},
        {"random float64": doubles},
        {"decimal": [round(x, k) for x in rng.random(2000) for k in range(1, 18)]},
    ]


def opaque_samples():
    return [
        {"object array": np.array([1, "two", None], dtype=object)},
        {"ext": msgpack.ExtType(5, b"ab")},
    ]


def big_samples():
    a = (np.arange(2048 * 2048) % 1000 * 0.5).reshape(2048, 2048)
    return [{"image": a, "label": np.int64(3)}]


def jsonl_samples():
    arrays = {
        "bool": np.array([True, False]),
        "i1": int_extremes(np.dtype("i1")), "i8": int_extremes(np.dtype("i8")),
        "u1": int_extremes(np.dtype("u1")), "u8": int_extremes(np.dtype("u8")),
        "f2": np.array([0.1, -0.0, 6e-8, INF, NAN], dtype="f2"),
        "f4": np.array([0.1, -0.0, 1e-45, 3.4028235e38, -INF], dtype="f4"),
        "f8": np.array([0.1, -0.0, 5e-324, 1e308, INF, NAN], dtype="f8"),
        "U": np.array(["", "h\u00e9", "\U0001d11e\u65e5", "\"\\\n"], dtype="<U3"),
        ">i4": np.array([1, -2], dtype=">i4"), ">f8": np.array([0.5, -INF], dtype=">f8"),
        ">U3": np.array(["a\u00e9\U0001d11e"], dtype=">U3"),
        "M8[ns]": np.array([0, 10**18, None], dtype="M8[ns]"),
        ">m8[ns]": np.array([-5, None], dtype=">m8[ns]"),
        "m8[Y]": np.array([3, None], dtype="<m8[Y]"),
        "M8[10ps]": np.array([7], dtype="<M8[10ps]"),
        "0-d": np.array(3.5), "0-d bool": np.array(True), "0-d U": np.array("\u00e9"),
        "(0,)": np.zeros((0,), dtype="<i4"), "(2,0)": np.zeros((2, 0)),
        "2-d": np.arange(6, dtype="<u2").reshape(2, 3),
    }
    return {
        "arrays": [arrays] + [{"name": k, "array": v} for k, v in arrays.items()],
        "plain": [
            {"ints": [0, 1, -1, 2**63 - 1, 2**63, 2**64 - 1, -2**63],
             "floats": [0.0, -0.0, 0.1, 5e-324, 1e308, 1e16, 1e-7, INF, -INF, NAN],
             "numpy": [np.int64(7), np.uint64(2**64 - 1), np.float32(0.1), np.float16(0.1)],
             "none": None, "bools": [True, False], "str": "\u00e9\U0001d11e\x00\"\\/\n"},
            {"\u00e9t\u00e9": {"\u65e5\u672c": [[], {}, [[1]], {"": None}]}},
            {"image": np.zeros((2, 2), dtype="f4"), "label": 1, "metadata": {"key": 0}},
        ],
        "empty": [],
        # set() of samples that are not maps: still one json.dumps a line.
        "bare": [1, "abc", [1, [2.5]], None, -1, 1.5, True, {}, []],
        "shard_0": [{"key": 0}],
        "shard_1": [{"key": 1}, {"key": 1.5}],
        "shard_10": [{"key": 10}],
    }


# ---------------------------------------------------------------------------
# The run

class Runner(Checks):
    def __init__(self, drey_cli):
        super().__init__()
        self.drey_cli = drey_cli

    def drey(self, *args, stdin=None):
        return subprocess.run([self.drey_cli] + list(args), input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def gzip_members(raw):
    """The decompressed payload of each gzip member of raw."""
    members = []
    while raw:
        if raw[:3] != b"\x1f\x8b\x08":
            raise ValueError("member %d: bad magic %r" % (len(members), raw[:3]))
        d = zlib.decompressobj(wbits=31)
        members.append(d.decompress(raw))
        if not d.eof:
            raise ValueError("member %d is truncated" % len(members))
        raw = d.unused_data
    return members


def run_read_checks(t, store, key, python_samples, what):
    """A: drey-cli cat of a Python-written shard. Returns cat's output."""
    name = "%s/%s" % (os.path.basename(store), key)
    p = t.drey("cat", store, key)
    if not t.check(p.returncode == 0, "read %s: cat exits 0" % name,
                   p.stderr.decode(errors="replace").strip()):
        return None
    out = p.stdout
    t.check(out.isascii(), "read %s: cat output is ASCII" % name)
    lines = out.decode("ascii", errors="replace").splitlines()
    try:
        drey_samples = [drey_decode(line) for line in lines]
    except Exception as e:  # noqa: BLE001
        t.check(False, "read %s: cat output parses" % name, repr(e))
        return None
    d = diff_samples(python_samples, drey_samples, loose=True)
    t.check(d is None, "read %s: %s samples equal Python's decoding" % (name, what), d)

    # The text itself: Python's json.dumps of the same convention.
    bad = None
    for i, (sample, line) in enumerate(zip(python_samples, lines)):
        try:
            expected = json.dumps(to_drey(sample))
        except NotText:
            continue  # opaque: the why-text is Drey's own
        if expected != line:
            j = next((k for k in range(min(len(expected), len(line))) if expected[k] != line[k]),
                     min(len(expected), len(line)))
            bad = "sample %d at char %d: expected %r, got %r" % (
                i, j, expected[max(0, j - 40):j + 40], line[max(0, j - 40):j + 40])
            break
    t.check(bad is None, "read %s: cat text equals Python's json.dumps" % name, bad)
    return out


def run_write_checks(t, src_store, key, cat_out, original, out_dir, tmp):
    """B and C: drey-cli set of cat's output, read back by Python."""
    name = "%s/%s" % (os.path.basename(src_store), key)
    json_path = os.path.join(tmp, "cat.jsonl")
    with open(json_path, "wb") as f:
        f.write(cat_out)
    values = [drey_decode(line) for line in cat_out.decode("ascii").splitlines()]
    has_opaque = "Opaque(" in repr(values)

    # messagepack
    mp_store = os.path.join(out_dir, "messagepack")
    p = t.drey("set", "--serializer", "messagepack", mp_store, key, json_path)
    if has_opaque:
        t.check(p.returncode == 1 and not os.path.exists(os.path.join(mp_store, key + ".gz")),
                "write %s: messagepack set refuses opaque values (exit 1)" % name,
                "exit %d" % p.returncode)
    elif t.check(p.returncode == 0 and p.stdout == (key + "\n").encode(),
                 "write %s: messagepack set exits 0 and prints the key" % name,
                 "exit %d, %r %s" % (p.returncode, p.stdout[:80],
                                     p.stderr.decode(errors="replace").strip())):
        path = os.path.join(mp_store, key + ".gz")
        with gzip.open(path, "rb") as f:
            payload = f.read()
        read_back = squirrel_msgpack_read(path)
        d = diff_samples(original, read_back, loose=True)
        t.check(d is None,
                "write %s: messagepack shard decodes in Python to the original" % name, d)
        expected = pack_like_python(values)
        where = next((i for i in range(min(len(payload), len(expected)))
                      if payload[i] != expected[i]), min(len(payload), len(expected)))
        t.check(payload == expected,
                "write %s: messagepack payload is byte-identical to msgpack.packb" % name,
                "%d vs %d bytes, first difference at %d: drey %s, python %s" % (
                    len(payload), len(expected), where,
                    payload[max(0, where - 8):where + 16].hex(),
                    expected[max(0, where - 8):where + 16].hex()))

    # jsonl: Python's SquirrelJsonEncoder writes only some values; Drey must
    # write exactly those, and refuse the rest. Structured arrays are the one
    # deliberate difference: json.dumps writes them (type "|V20", records
    # holding nested array objects) but squirrel cannot read that back
    # (np.array(data, dtype="|V20") fails), so Drey refuses to write them.
    try:
        expected_lines = squirrel_jsonl_lines(values)
        squirrel_jsonl_decode(expected_lines)
        writable = True
    except (TypeError, ValueError):
        writable = False
    js_store = os.path.join(out_dir, "jsonl")
    p = t.drey("set", "--serializer", "jsonl", js_store, key, json_path)
    if not writable:
        t.check(p.returncode == 1 and not os.path.exists(os.path.join(js_store, key + ".gz")),
                "write %s: jsonl set refuses what json.dumps cannot write (exit 1)" % name,
                "exit %d" % p.returncode)
    elif t.check(p.returncode == 0 and p.stdout == (key + "\n").encode(),
                 "write %s: jsonl set exits 0" % name,
                 "exit %d %s" % (p.returncode, p.stderr.decode(errors="replace").strip())):
        path = os.path.join(js_store, key + ".gz")
        with gzip.open(path, "rb") as f:
            payload = f.read()
        t.check(payload == expected_lines,
                "write %s: jsonl payload is byte-identical to json.dumps lines" % name,
                "drey %r\npython %r" % (payload[:200], expected_lines[:200]))
        read_back = squirrel_jsonl_decode(payload)
        d = diff_samples(original, read_back, loose=True)
        t.check(d is None, "write %s: jsonl shard decodes in Python to the original" % name, d)


def main():
    if len(sys.argv) != 2:
        print("usage: interop.py DREY_CLI", file=sys.stderr)
        return 2
    t = Runner(os.path.abspath(sys.argv[1]))
    start = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="drey-interop-") as tmp:
        # --- Python-written stores
        mp = os.path.join(tmp, "mp")
        os.mkdir(mp)
        mp_shards = {
            "dtypes": dtype_samples(),
            "shapes": shape_samples(),
            "scalars": scalar_samples(),
            "plain": plain_samples(),
            "floats": float_samples(),
            "opaque": opaque_samples(),
            # json.dumps writes these (tolist() gives ints, NaT as None)...
            "datetime-ns": [
                {"M8[ns]": strided([np.datetime64(5, "ns"), np.datetime64("NaT")], "<M8[ns]")},
                {"m8[Y]": strided([np.timedelta64(3, "Y"), np.timedelta64("NaT")], ">m8[Y]")},
                {"m8": strided([np.timedelta64(3), np.timedelta64(-1)], "<m8")}],
            # ...but not these (datetime and timedelta objects).
            "datetime-s": [{"M8[s]": strided([np.datetime64(5, "s"), np.datetime64(6, "s")], "<M8[s]")}],
            "empty": [],
            # Level 1 only to save time: the level does not change the format.
            "big": big_samples(),
        }
        for key, samples in mp_shards.items():
            squirrel_msgpack_write(os.path.join(mp, key + ".gz"), samples,
                                   compresslevel=1 if key == "big" else 9)

        js = os.path.join(tmp, "js")
        os.mkdir(js)
        js_shards = jsonl_samples()
        for key, samples in js_shards.items():
            squirrel_jsonl_write(os.path.join(js, key + ".gz"), samples)

        # Key order, and what keys() skips.
        order = os.path.join(tmp, "order")
        os.mkdir(order)
        order_keys = ["A-1", "A", "B.json", "Z9", "a", "_x", "0", "\u00e4", "double.gz", "A_"]
        for k in order_keys:
            squirrel_msgpack_write(os.path.join(order, k + ".gz"), [{"key": k}])
        os.mkdir(os.path.join(order, "sub.gz"))
        for junk in ["README", "x.gz.tmp", "gz"]:
            with open(os.path.join(order, junk), "wb") as f:
                f.write(b"not a shard")
        # Not how squirrel writes, but what its reader takes: two gzip
        # members without a file name, then zero padding.
        with open(os.path.join(order, "members.gz"), "wb") as f:
            f.write(gzip.compress(msgpack.packb({"m": 1}), mtime=0) +
                    gzip.compress(msgpack.packb({"m": 2}), mtime=0) + b"\0" * 8)

        # --- A: reading
        for store in [mp, js, order]:
            p = t.drey("keys", store)
            got = p.stdout.decode("utf-8", errors="replace").splitlines()
            t.check(p.returncode == 0 and got == squirrel_keys(store),
                    "keys %s: squirrel's order" % os.path.basename(store),
                    "exit %d: %r vs %r" % (p.returncode, got, squirrel_keys(store)))
            p = t.drey("check", store)
            t.check(p.returncode == 0, "check %s: exits 0" % os.path.basename(store),
                    (p.stdout + p.stderr).decode(errors="replace").strip())

        # Python's json reads and writes ints of any size; msgpack holds
        # 64 bits. Drey shows a bigger int as its exact digits (never a
        # rounded float), writes it back to JSON Lines as it was, and
        # refuses it, by name, for a messagepack shard.
        huge = os.path.join(tmp, "huge")
        os.mkdir(huge)
        huge_samples = [{"ok": 2**64 - 1}, {"h": 2**70, "n": -10**30}]
        squirrel_jsonl_write(os.path.join(huge, "h.gz"), huge_samples)
        p = t.drey("cat", huge, "h")
        t.check(p.returncode == 0 and p.stdout == squirrel_jsonl_lines(huge_samples),
                "read huge/h: an int over 64 bits shows as its exact digits",
                "exit %d %r %r" % (p.returncode, p.stdout, p.stderr))
        back = t.drey("set", huge, "h2", "-", stdin=p.stdout)
        with gzip.open(os.path.join(huge, "h2.gz"), "rb") as f:
            payload = f.read() if back.returncode == 0 else b""
        t.check(back.returncode == 0 and payload == squirrel_jsonl_lines(huge_samples),
                "set huge/h2: written back to JSON Lines byte for byte",
                "exit %d %r %r" % (back.returncode, payload, back.stderr))
        mp_huge = os.path.join(tmp, "huge-mp")
        back = t.drey("set", "--serializer", "messagepack", mp_huge, "h", "-", stdin=p.stdout)
        t.check(back.returncode == 1 and b"1180591620717411303424" in back.stderr and b"64" in back.stderr
                and not os.path.exists(os.path.join(mp_huge, "h.gz")),
                "set into messagepack: an int over 64 bits is refused by name (exit 1), nothing written",
                "exit %d %r" % (back.returncode, back.stderr))

        p = t.drey("keys", os.path.join(tmp, "missing"))
        t.check(p.returncode == 0 and p.stdout == b"", "keys of a missing store: none, exit 0",
                "exit %d %r" % (p.returncode, p.stderr))

        cats = {}
        for key in mp_shards:
            python_samples = squirrel_msgpack_read(os.path.join(mp, key + ".gz"))
            cats[("mp", key)] = run_read_checks(t, mp, key, python_samples, "messagepack")
        for key in js_shards:
            with gzip.open(os.path.join(js, key + ".gz"), "rb") as f:
                python_samples = squirrel_jsonl_decode(f.read())
            cats[("js", key)] = run_read_checks(t, js, key, python_samples, "jsonl")
        for key in squirrel_keys(order):
            python_samples = squirrel_msgpack_read(os.path.join(order, key + ".gz"))
            run_read_checks(t, order, key, python_samples, "messagepack")

        # --- B: writing
        for (store_name, key), out in cats.items():
            if out is None:
                continue
            src = mp if store_name == "mp" else js
            if store_name == "mp":
                original = squirrel_msgpack_read(os.path.join(src, key + ".gz"))
            else:
                with gzip.open(os.path.join(src, key + ".gz"), "rb") as f:
                    original = squirrel_jsonl_decode(f.read())
            run_write_checks(t, src, key, out, original,
                             os.path.join(tmp, "out-" + store_name), tmp)

        for store_name in ["mp", "js"]:
            for ser in ["messagepack", "jsonl"]:
                out_store = os.path.join(tmp, "out-" + store_name, ser)
                if not os.path.isdir(out_store):
                    continue
                p = t.drey("check", out_store)
                t.check(p.returncode == 0,
                        "check Drey-written %s/%s: exits 0" % (store_name, ser),
                        (p.stdout + p.stderr).decode(errors="replace").strip())
                p = t.drey("keys", out_store)
                t.check(p.stdout.decode().splitlines() == squirrel_keys(out_store),
                        "keys Drey-written %s/%s: squirrel's order" % (store_name, ser))
                leftovers = [n for n in os.listdir(out_store) if not n.endswith(".gz")]
                t.check(not leftovers,
                        "Drey-written %s/%s: no temporary files left" % (store_name, ser), repr(leftovers))

        # A random key, squirrel's style; then rm.
        rnd = os.path.join(tmp, "random")
        p = t.drey("set", rnd, "-", stdin=b'{"a": 1}\n[2]\n')
        key = p.stdout.decode().strip()
        ok = p.returncode == 0 and re.fullmatch(r"[A-Z0-9]{16}", key) is not None
        if t.check(ok, "set without a key: a 16-character A-Z0-9 key", repr(p.stdout)):
            got = squirrel_msgpack_read(os.path.join(rnd, key + ".gz"))
            t.check(diff_samples([{"a": 1}, (2,)], got) is None, "set without a key: Python reads it",
                    repr(got))
            p = t.drey("rm", rnd, key)
            t.check(p.returncode == 0 and squirrel_keys(rnd) == [], "rm: the shard is gone",
                    repr(os.listdir(rnd)))

        # --- C: gzip members of a big Drey shard
        big = os.path.join(tmp, "out-mp", "messagepack", "big.gz")
        if os.path.exists(big):
            with open(big, "rb") as f:
                raw = f.read()
            try:
                members = gzip_members(raw)
                err = None
            except ValueError as e:
                members, err = [], str(e)
            payload = b"".join(members)
            t.check(err is None and len(members) > 1 and len(payload) > 8 << 20,
                    "gzip: Drey's big shard (%d MiB) has several members" % (len(payload) >> 20),
                    err or "%d members, %d bytes" % (len(members), len(payload)))
            with gzip.open(big, "rb") as f:
                whole = f.read()
            t.check(whole == payload == pack_like_python(
                        [drey_decode(x) for x in cats[("mp", "big")].decode().splitlines()]),
                    "gzip: gzip.open reads every member of Drey's big shard")
            for path in [os.path.join(tmp, "out-mp", "messagepack", "empty.gz"),
                         os.path.join(tmp, "out-js", "jsonl", "empty.gz")]:
                with gzip.open(path, "rb") as f:
                    t.check(f.read() == b"", "gzip: Drey's empty shard %s is a gzip of nothing" %
                            os.path.relpath(path, tmp))

    print("runtime %.1f s" % (time.monotonic() - start))
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
