#!/usr/bin/python3
"""Regenerate the example Squirrel stores kept beside this script.

Run with Debian's system Python, which has the packages this needs
(python3-numpy, python3-msgpack, python3-msgpack-numpy, python3-sklearn,
python3-skimage):

    /usr/bin/python3 data/example-stores/make-example-stores.py

Every input ships inside those packages, so nothing is downloaded.  The
shards are written with the same calls squirrel-core makes, so that Drey is
tested against what the real library produces rather than against our own
reading of the format.  The gzip header carries a fixed mtime, so running the
script again with the same package versions rewrites identical bytes and git
sees no change.
"""

import gzip
import json
import shutil
from pathlib import Path

import msgpack
import msgpack_numpy
import numpy as np
from skimage import data as skdata
from sklearn import datasets

HERE = Path(__file__).resolve().parent

DIGITS_SHARD_SIZE = 100
IRIS_SHARD_SIZE = 50
# Any fixed seed will do; it only has to mix the species (sorted in the
# source data) so that every iris shard holds all three.
IRIS_SEED = 20240501

PHOTOS = [
    ("astronaut", "Astronaut Eileen Collins"),
    ("coffee", "A cup of coffee"),
    ("chelsea", "Chelsea the cat"),
    ("rocket", "Launch of a Falcon 9 rocket"),
    ("camera", "A cameraman and his tripod, in grey levels"),
]


class SquirrelJsonEncoder(json.JSONEncoder):
    """numpy values in squirrel-core's JSON convention (its JsonlDriver):
    numpy numbers as plain numbers, arrays as {"data", "type", "shape"}."""

    def default(self, obj):
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return float(obj)
        if isinstance(obj, np.ndarray):
            return {"data": obj.tolist(), "type": obj.dtype.str,
                    "shape": obj.shape}
        return json.JSONEncoder.default(self, obj)


def encode_msgpack(sample):
    return msgpack.packb(sample, use_bin_type=True,
                         default=msgpack_numpy.encode)


def encode_jsonl(sample):
    return (json.dumps(sample, cls=SquirrelJsonEncoder) + "\n").encode("utf-8")


SERIALIZERS = {"messagepack": encode_msgpack, "jsonl": encode_jsonl}


def write_shard(store_dir, key, samples, serializer):
    """Write KEY.gz the way squirrel-core's drivers do, one write per sample.

    squirrel opens the shard through fsspec, which wraps the file in
    gzip.GzipFile(fileobj=f, mode="wb"): level 9 and the file name (minus
    .gz) in the FNAME field.  Only mtime differs here: pinned to 0 so the
    output is reproducible.
    """
    encode = SERIALIZERS[serializer]
    path = store_dir / f"{key}.gz"
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename=path.name, fileobj=raw, mode="wb",
                          compresslevel=9, mtime=0) as f:
        for sample in samples:
            f.write(encode(sample))


def fresh_store(name):
    # Start from an empty directory so shards dropped from this script do
    # not linger from an earlier run.
    store_dir = HERE / name
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir()
    return store_dir


def digits_samples():
    digits = datasets.load_digits()
    # The source pixels are 0..16; stretch them to the usual 8-bit range so
    # the images look like images in a viewer.
    images = np.round(digits.images * 255 / 16).astype(np.uint8)
    return [
        {
            "image": images[i],
            "label": np.int64(digits.target[i]),
            "metadata": {"index": int(i),
                         "source": "sklearn.datasets.load_digits"},
        }
        for i in range(len(images))
    ]


def photo_samples():
    samples = []
    for name, caption in PHOTOS:
        # Halving each side keeps the repository small; the copy makes the
        # strided view C-contiguous again.
        image = np.ascontiguousarray(getattr(skdata, name)()[::2, ::2])
        samples.append({
            "image": image,
            "caption": caption,
            "source": f"skimage.data.{name}",
            "size": [int(image.shape[0]), int(image.shape[1])],
        })
    return samples


def iris_samples():
    iris = datasets.load_iris()
    order = np.random.default_rng(IRIS_SEED).permutation(len(iris.target))
    return [
        {
            "features": np.ascontiguousarray(iris.data[i]),
            "label": np.int64(iris.target[i]),
            "species": str(iris.target_names[iris.target[i]]),
            "feature_names": list(iris.feature_names),
        }
        for i in order
    ]


def chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def main():
    store = fresh_store("digits-and-photos")
    for n, shard in enumerate(chunks(digits_samples(), DIGITS_SHARD_SIZE)):
        write_shard(store, f"digits-{n:02d}", shard, "messagepack")
    write_shard(store, "photos", photo_samples(), "messagepack")

    store = fresh_store("iris-jsonl")
    for n, shard in enumerate(chunks(iris_samples(), IRIS_SHARD_SIZE)):
        if len({s["species"] for s in shard}) != 3:
            raise SystemExit(f"iris shard {n} lacks a species; "
                             "pick another IRIS_SEED")
        write_shard(store, f"iris-{n}", shard, "jsonl")


if __name__ == "__main__":
    main()
