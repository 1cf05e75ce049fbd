#!/usr/bin/python3
"""Edits made in the window read back in Python as squirrel-core reads them.

Writes a store with msgpack + msgpack-numpy exactly as squirrel-core's
messagepack serializer does, runs test-editing's /editing/scripted on it
(every edit goes through the window's actions and editors, then Save),
and decodes the result with msgpack.Unpacker(object_hook=msgpack_numpy
.decode). The same edits are applied here to the Python values; the shard
must decode to them, every untouched array bit-identical, and its msgpack
stream must be byte for byte what msgpack.packb writes for them (so key
order, str vs bytes and numpy scalar types are kept). The other shard must
be untouched.

usage: edit-interop.py TEST_EDITING_BINARY
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import msgpack
    import msgpack_numpy
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"1..0 # SKIP {e}")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import interop as squirrel  # noqa: E402  (its squirrel-core serializers)
from checks import Checks  # noqa: E402

checks = Checks()
check = checks.check


def sample(n):
    image = (np.arange(4 * 4 * 3) * 7 + n).astype(np.uint8).reshape(4, 4, 3)
    wave = (np.arange(10) * 0.5 + n).astype(">f8")
    return {
        "id": 7 + n,
        "score": 0.5 + n,
        "ratio": np.float32(0.25),
        "name": "cat" if n == 0 else "owl",
        "ok": True,
        "blob": b"\x00\x01\xff",
        "label": np.int64(3 + n),
        "temp": np.float32(1.5),
        "image": image,
        "wave": wave,
        "tags": ["a", "b"],
        "meta": {"source": "camera", "none": None},
    }


def originals():
    return [sample(0), sample(1), (np.arange(6, dtype="<f4") + 1).reshape(2, 3)]


def read_shard(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    unpacker = msgpack.Unpacker(use_list=False, object_hook=msgpack_numpy.decode, raw=False)
    unpacker.feed(raw)
    return raw, list(unpacker)


def expected():
    s0, s1, s2 = originals()
    e0 = {}
    for k, v in s0.items():
        if k == "tags":
            k = "labels"
        e0[k] = v
    e0.update(id=8, score=0.125, name="dog", ok=False, label=np.int64(4))
    e0["meta"] = {"source": "camera"}
    e0["note"] = "hand-made"
    e1 = dict(s1)
    e1["image"] = (np.arange(2 * 3 * 3) * 13).astype(np.uint8).reshape(2, 3, 3)
    return [e0, e1, s2, {"new_field": 42}]


def same(a, b, where):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype.str == b.dtype.str
                and a.shape == b.shape and a.tobytes() == b.tobytes())
    if isinstance(a, np.generic) or isinstance(b, np.generic):
        return type(a) is type(b) and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return (isinstance(b, dict) and list(a) == list(b)
                and all(same(a[k], b[k], f"{where}[{k!r}]") for k in a))
    if isinstance(a, (list, tuple)):
        return (isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(same(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b))))
    return type(a) is type(b) and a == b


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="drey-edit-interop-")
    try:
        store = os.path.join(tmp, "store")
        os.mkdir(store)
        squirrel.squirrel_msgpack_write(os.path.join(store, "mixed.gz"), originals())
        squirrel.squirrel_msgpack_write(os.path.join(store, "other.gz"), [{"x": 1}])
        with open(os.path.join(store, "other.gz"), "rb") as f:
            other_before = f.read()

        env = dict(os.environ, DREY_EDIT_STORE=store)
        run = subprocess.run([binary, "-p", "/editing/scripted"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        check(run.returncode == 0, "the window's scripted edits ran and saved")
        if run.returncode != 0:
            print(run.stdout[-4000:])
            raise SystemExit(1)

        raw, got = read_shard(os.path.join(store, "mixed.gz"))
        want = expected()
        check(len(got) == 4, f"4 samples after duplicate, move, add and delete (got {len(got)})")
        for i, (g, w) in enumerate(zip(got, want)):
            check(same(g, w, f"[{i}]"), f"sample {i} decodes to the expected values")
        check(list(got[0]) == list(want[0]),
              "map key order kept; the renamed key in its place, the new one last")
        check(type(got[0]["label"]) is np.int64 and got[0]["label"] == 4, "numpy int64 scalar edited, type kept")
        check(type(got[0]["ratio"]) is np.float32 and type(got[0]["temp"]) is np.float32,
              "unedited numpy float32 scalars kept")
        check(isinstance(got[0]["blob"], bytes) and isinstance(got[0]["name"], str), "bytes stay bytes, str stays str")
        for key in ("image", "wave"):
            check(got[0][key].tobytes() == want[0][key].tobytes() and got[0][key].dtype.str == want[0][key].dtype.str,
                  f"unedited array [0][{key!r}] bit-identical ({want[0][key].dtype.str})")
        check(got[2].tobytes() == want[2].tobytes(), "the unedited array sample bit-identical")
        packed = b"".join(msgpack.packb(s, default=msgpack_numpy.encode) for s in want)
        check(raw == packed, "the msgpack stream is byte for byte msgpack.packb of the expected samples")

        with open(os.path.join(store, "other.gz"), "rb") as f:
            check(f.read() == other_before, "the other shard is untouched")
        listed = sorted(n for n in os.listdir(store) if n.endswith(".gz"))
        check(listed == ["mixed.gz", "other.gz"], f"no other key appeared ({listed})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    sys.exit(checks.summary())


if __name__ == "__main__":
    main()
