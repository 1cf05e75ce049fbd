#!/usr/bin/python3
"""Seed inputs for the fuzz harnesses, from the test data and by hand.

    make-seeds.py OUTDIR

writes OUTDIR/HARNESS/NAME for every harness of tests/fuzz. They are raw
seeds: build-aux/fuzz --seed merges them (libFuzzer -merge=1) into the
committed corpora, tests/fuzz/corpus/HARNESS, keeping only the files that
add coverage. Samples are made as squirrel-core makes them: Python's
msgpack with msgpack_numpy, and json.dumps.
"""

import gzip
import json
import math
import os
import struct
import sys
import zlib

import msgpack
import msgpack_numpy
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Larger files add time to every replay and little coverage.
MAX_SEED = 16 * 1024


def write(outdir, harness, name, data):
    if len(data) > MAX_SEED:
        return
    path = os.path.join(outdir, harness, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def shard_files():
    for top in ("tests/data/squirrel-0.20.2", "tests/hostile/corpus", "data/example-stores"):
        for dirpath, _, names in sorted(os.walk(os.path.join(ROOT, top))):
            for name in sorted(names):
                if name.endswith(".gz"):
                    path = os.path.join(dirpath, name)
                    yield os.path.relpath(path, ROOT).replace("/", "_"), open(path, "rb").read()


def inflate_partly(data, limit=MAX_SEED):
    """The start of a gzip file's payload, as far as it inflates."""
    out = b""
    try:
        d = zlib.decompressobj(16 + 15)
        out = d.decompress(data, limit)
    except zlib.error:
        pass
    return out[:limit]


def first_samples(payload, n=2):
    """The bytes of the first n msgpack samples of a payload."""
    unpacker = msgpack.Unpacker(use_list=False, raw=False, strict_map_key=False)
    unpacker.feed(payload)
    end = 0
    try:
        for _ in range(n):
            unpacker.unpack()
            end = unpacker.tell()
    except Exception:
        pass
    return payload[:end] if end else payload


def pack(value):
    return msgpack.packb(value, use_bin_type=True, default=msgpack_numpy.encode)


def numpy_values():
    dtypes = ["<f8", "<f4", "<f2", "|u1", "|i1", "<i2", ">i4", "<u8", "|b1", "<c8", "<c16", ">f8",
              "<U5", "|S3", "<M8[ns]", "<m8[10s]", "<f16"]
    for t in dtypes:
        a = np.zeros((2, 3), dtype=t)
        yield "ndarray-" + t, a
        yield "ndarray-0d-" + t, np.zeros((), dtype=t)
        yield "ndarray-empty-" + t, np.zeros((0, 4), dtype=t)
    yield "ndarray-struct", np.zeros(2, dtype=[("x", "<f4"), ("v", "<f8", (2,)), ("p", [("a", "|u1")])])
    yield "ndarray-struct-padded", np.zeros(2, dtype={"names": ["a", "b"], "formats": ["<i4", "<i2"],
                                                       "offsets": [0, 8], "itemsize": 16})
    yield "ndarray-void", np.zeros(3, dtype="|V4")
    yield "ndarray-nan", np.array([math.nan, -math.nan, math.inf, -0.0, 5e-324])
    yield "ndarray-unicode", np.array(["a\u00e9", "\U0001f600"])
    for t in ["<i8", "<f4", "|b1", "<u2", ">f2", "<c16", "|i1"]:
        yield "scalar-" + t, np.zeros((), dtype=t)[()]


def msgpack_values():
    yield "int-edges", [0, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1,
                        -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]
    yield "floats", [0.1, -0.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308]
    yield "strs", ["", "a" * 31, "b" * 32, "c" * 255, "d" * 256, "\u00e9\U0001f600", "nul\0inside"]
    yield "bins", [b"", b"\0\xff", b"x" * 255, b"y" * 256]
    yield "containers", [[], {}, [[]], {"a": {}}, list(range(15)), list(range(16)),
                         {str(i): i for i in range(16)}]
    yield "bin-keys", {b"k": 1, "s": 2, b"": b""}
    yield "sample", {"image": np.zeros((4, 4, 3), dtype="|u1"), "label": np.int64(7),
                     "metadata": {"name": "a", "tags": ["x", "y"], "ok": True, "none": None}}
    yield "complex", [1 + 2j, complex(0, -1), complex(math.nan, math.inf)]
    yield "nested", [[[[[[[[1]]]]]]]]
    yield "tuple", (1, (2, 3))


def raw_msgpack():
    """Bytes Python would not write, but might read."""
    yield "float32", b"\x92\xca\x3d\xcc\xcc\xcd\xca\x7f\xc0\x00\x01"
    yield "float32-snan", b"\xca\x7f\x80\x00\x01"
    yield "float64-nan-payload", b"\xcb\xff\xf8\x00\x00\x00\x00\x00\x01"
    yield "ext", b"\x93\xd4\x05\x01\xc7\x03\x07abc\xd8\x01" + bytes(16)
    yield "timestamps", (b"\x93\xd6\xff\x00\x00\x00\x01\xd7\xff" + bytes(4) + b"\x00\x00\x00\x01"
                         + b"\xc7\x0c\xff" + bytes(12))
    yield "non-smallest-ints", b"\x94\xcc\x05\xd0\x05\xcd\x00\x01\xd1\xff\xff"
    yield "duplicate-keys", b"\x82\xa1a\x01\xa1a\x02"
    yield "type-bin", (b"\x83\xc4\x02nd\xc2\xc4\x04type\xc4\x03<i8\xc4\x04data\xc4\x08" + bytes(8))
    yield "scalar-extra-data", (b"\x83\xc4\x02nd\xc2\xc4\x04type\xa3<i2\xc4\x04data\xc4\x04" + bytes(4))
    yield "ndarray-no-kind", (b"\x84\xc4\x02nd\xc3\xc4\x04type\xa3<i2\xc4\x05shape\x91\x02"
                              b"\xc4\x04data\xc4\x04" + bytes(4))
    yield "ndarray-shape-int", (b"\x85\xc4\x02nd\xc3\xc4\x04type\xa3|u1\xc4\x04kind\xc4\x00"
                                b"\xc4\x05shape\x03\xc4\x04data\xc4\x03abc")
    yield "pickle", (b"\x85\xc4\x02nd\xc3\xc4\x04type\xa3|O8\xc4\x04kind\xc4\x01O"
                     b"\xc4\x05shape\x91\x01\xc4\x04data\xc4\x02\x80\x04")
    yield "complex-bin", b"\x82\xc4\x07complex\xc3\xc4\x04data\xc4\x06(1+2j)"
    yield "array32", b"\xdd\x00\x00\x00\x01\x01"
    yield "map16", b"\xde\x00\x01\xa1k\xc0"


def json_lines():
    yield "squirrel-array", json.dumps({"image": {"data": [[0.0, 1.0], [2.0, 3.0]], "type": "<f4",
                                                  "shape": [2, 2]}, "label": 1})
    yield "specials", json.dumps([math.nan, math.inf, -math.inf, 2**64, 10**30, -2**63, 1e400 * 0])
    yield "escapes", json.dumps(["\u00e9\U0001f600\n\t\"\\", "\ud7ff"], ensure_ascii=True)
    yield "datetime", '{"data": [0, null, 5], "type": "<M8[ns]", "shape": [3]}'
    yield "shape-unknown", '{"data": [1, 2, 3, 4, 5, 6], "type": "int16", "shape": [-1, 3]}'
    yield "unicode-array", '{"data": [["ab", ""]], "type": "<U3", "shape": [1, 2]}'
    yield "bool-array", '{"data": [true, false], "type": "|b1", "shape": [2]}'
    yield "object-array", '{"data": [1, "a", null], "type": "|O", "shape": [3]}'
    yield "f2-array", '{"data": [65504, 1e-07, -0.0], "type": ">f2", "shape": 3}'
    yield "complex-array", '{"data": [[1.0, 2.0], [NaN, -Infinity]], "type": "<c8", "shape": [2]}'
    yield "struct-array", ('{"data": [[1.5, [2, 3]]], "type": [["x", "<f4"], ["v", "<i2", [2]]],'
                           ' "shape": [1]}')
    yield "bytes-array", '{"data": [{"$bytes": "YWI="}, "c"], "type": "|S2", "shape": [2]}'
    yield "drey-bytes", '{"$bytes": "AP8="}'
    yield "drey-bytes-key", '{"$bytes:AP8=": 1, "a": {"$complex": [1, -2]}}'
    yield "exact-float32", '[{"$float32": 0.1}, {"$float32": "0x7fc00001"}, {"$float32": "0x7f800001"}]'
    yield "exact-float64", '{"$float64": "0xfff8000000000000"}'
    yield "exact-ndarray", '{"$ndarray": "<f4", "shape": [2], "data": "AAAAAAAAgD8="}'
    yield "exact-ndarray-struct", '{"$ndarray": [["a", "|u1"], ["b", ">i2"]], "shape": [1], "data": "AQID"}'
    yield "exact-numpy", '{"$numpy": "<i8", "data": "BwAAAAAAAAA="}'
    yield "exact-complex", '{"$complex": "(1+2j)"}'
    yield "exact-ext", '[{"$ext": 5, "data": "AQI="}, {"$ext": -1, "data": "AAAAAQ=="}]'
    yield "exact-map", '{"$map": [[{"$bytes": "AA=="}, 1], ["$x", 2], ["data", 3]]}'
    yield "opaque", '{"$opaque": "pickled object array"}'
    yield "nested", "[" * 40 + "]" * 40


def dtype_seeds():
    for t in ["<f8", "<f4", "<f2", "|u1", "|i1", "<i2", ">i4", "<u8", "|b1", "<c8", "<c16", "<c32",
              "<U5", "|S3", "<M8[ns]", "<M8", ">m8[10s]", "|V4", "|O", "f8", "=i4", "?", "a5",
              "<U0", "|S0", "<f16", "M8[25us]"]:
        yield "type-" + t.replace("|", "p").replace("<", "l").replace(">", "b").replace("?", "q"), t
    yield "descr", '[["x", "<f4"], ["v", "<f8", [2]], ["p", [["a", "|u1"]]]]'
    yield "descr-padding", '[["a", "<i4"], ["", "|V4"], ["b", ">i2", [2, 2]]]'
    yield "descr-unicode", '[["\\u00e9", "<U2"], ["t", "<M8[ns]"]]'


def npy_files():
    npy = os.path.join(ROOT, "tests/data/npy")
    for name in sorted(os.listdir(npy)):
        if name.endswith(".npy"):
            yield name, open(os.path.join(npy, name), "rb").read()


def edit_seeds():
    kinds = ["bool", "int", "uint", "float32", "float64", "str",
             "|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
             "<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8"]
    bits = {
        "zero": bytes(8),
        "one": struct.pack("<d", 1.0),
        "minus": b"\xff" * 8,
        "nan": struct.pack("<d", math.nan),
        "negnan": struct.pack("<Q", 0xfff8000000000000),
        "nanpayload": struct.pack("<Q", 0x7ff0000000000001),
        "f32nan": struct.pack("<I", 0xffc00001) + bytes(4),
        "f16nan": struct.pack("<H", 0xfe01) + bytes(6),
        "tiny": struct.pack("<Q", 1),
    }
    texts = ["", "0", "-0", "True", "false", "255", "-128", "65504", "1e-45", "3.4028235e+38",
             "nan", "-nan", "inf", "-Infinity", "1e309", "0.1", " 7 ", "18446744073709551616",
             "nan(0x1)", "-nan(0x8000000000001)", "\u00e9"]
    for i, kind in enumerate(kinds):
        for name, b in bits.items():
            yield "%s-%s" % (kind.replace("|", "p").replace("<", "l").replace(">", "b"), name), \
                bytes([i]) + b + texts[(i + len(name)) % len(texts)].encode()
    for j, text in enumerate(texts):
        yield "text-%d" % j, bytes([4]) + bits["one"] + text.encode()


def main():
    outdir = sys.argv[1]
    for name, data in shard_files():
        write(outdir, "shard-reader", name, data)
        payload = inflate_partly(data)
        if payload and name.find("jsonl") < 0 and not name.startswith("tests_hostile_corpus_json"):
            write(outdir, "msgpack-reader", name, first_samples(payload, 3))
            write(outdir, "msgpack-roundtrip", name, first_samples(payload, 1))
        elif payload:
            for k, line in enumerate(payload.split(b"\n")[:3]):
                write(outdir, "json-reader", "%s-%d" % (name, k), line)
    for name, value in list(numpy_values()) + list(msgpack_values()):
        try:
            data = pack(value)
        except Exception:
            continue
        write(outdir, "msgpack-reader", name, data)
        write(outdir, "msgpack-roundtrip", name, data)
        write(outdir, "shard-reader", name + ".gz", gzip.compress(data))
    for name, data in raw_msgpack():
        write(outdir, "msgpack-reader", name, data)
        write(outdir, "msgpack-roundtrip", name, data)
    for name, line in json_lines():
        write(outdir, "json-reader", name, line.encode())
        write(outdir, "shard-reader", "jsonl-" + name + ".gz", gzip.compress(line.encode() + b"\n"))
    # gzip as Python reads it: several members, padding, a BOM, an empty file
    write(outdir, "shard-reader", "members.gz", gzip.compress(b"\x01") + gzip.compress(b"\x02") + bytes(4))
    write(outdir, "shard-reader", "bom.gz", gzip.compress(b"\xef\xbb\xbf[1]\n{}\n"))
    write(outdir, "shard-reader", "empty-file.gz", b"")
    for name, data in npy_files():
        write(outdir, "npy-reader", name, data)
    for name, text in dtype_seeds():
        write(outdir, "dtype", name, text.encode())
    for name, data in edit_seeds():
        write(outdir, "edit-text", name, data)


if __name__ == "__main__":
    main()
