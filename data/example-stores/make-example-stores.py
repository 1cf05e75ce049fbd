#!/usr/bin/python3
"""Regenerate the example Squirrel stores kept beside this script.

Run with Debian's system Python, which has the packages this needs
(python3-numpy, python3-msgpack, python3-msgpack-numpy, python3-sklearn,
python3-skimage):

    /usr/bin/python3 data/example-stores/make-example-stores.py [STORE...]

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
    from sklearn import datasets

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
    from sklearn import datasets

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


# The array views' store: a sample of each kind of array the panel shows
# its own way.  Seeds are fixed, so the bytes are too.
VIEWS_SEED = 13
# Boxes on the halved astronaut, xyxy in pixels: the face is what
# skimage's LBP frontal-face cascade finds; the rest were placed by eye.
ASTRONAUT_BOXES = [
    ("face", (87, 33, 138, 84)),
    ("flag", (0, 0, 48, 230)),
    ("space shuttle", (176, 0, 232, 125)),
    ("helmet", (138, 170, 250, 256)),
    ("mission patch", (66, 174, 106, 214)),
]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def kmeans_labels(image, k, seed):
    """A colour clustering of @image into @k classes, darkest first: a
    segmentation mask as a quick model would make one."""
    pixels = image.reshape(-1, 3).astype(np.float64)
    rng = np.random.default_rng(seed)
    centres = pixels[rng.choice(len(pixels), k, replace=False)]
    for _ in range(20):
        labels = np.argmin(((pixels[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
        centres = np.array([pixels[labels == j].mean(0) if np.any(labels == j) else centres[j]
                            for j in range(k)])
    order = np.argsort(centres.sum(1))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[labels].reshape(image.shape[:2]).astype(np.uint8)


def array_views_samples():
    rng = np.random.default_rng(VIEWS_SEED)
    cat = np.ascontiguousarray(skdata.chelsea()[::2, ::2])
    astronaut = np.ascontiguousarray(skdata.astronaut()[::2, ::2])
    coffee = skdata.coffee()[::6, ::6][:32, :48]

    # CHW float32, as torchvision's ToTensor + Normalize hand it to a model.
    tensor = ((coffee / 255.0 - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1)

    # Two seconds at 16 kHz: a rising chirp, a 440 Hz tone with its
    # harmonics from 1.2 s, and a little noise.
    rate = 16000
    t = np.arange(2 * rate) / rate
    chirp = 0.4 * np.sin(2 * np.pi * (200 * t + 900 * t ** 2)) * (t < 1.0)
    tone = sum(0.3 / h * np.sin(2 * np.pi * 440 * h * t) for h in (1, 2, 3)) * (t >= 1.2)
    audio = (chirp + tone + 0.01 * rng.normal(size=t.size)).astype(np.float32)

    # A small video-like volume: 6 frames of 2 channels of 24 x 32, waves
    # that move from frame to frame.
    f, c, y, x = np.meshgrid(np.arange(6), np.arange(2), np.arange(24), np.arange(32), indexing="ij")
    volume = (np.sin(x / 4.0 + f * 0.6 + c) * np.cos(y / 5.0 - f * 0.3)).astype(np.float32)

    text = " ".join(
        f"Paragraph {p + 1}. Squirrel stores shards of samples; each sample here is a dict "
        "of arrays, numbers and strings. This one is long enough to need a view of its own: "
        "it wraps, scrolls, and copies at most what the clipboard can take." for p in range(40))

    return {
        "segmentation": [{
            "image": cat,
            "mask": kmeans_labels(cat, 4, VIEWS_SEED),
            "classes": ["shadow", "fur", "light fur", "highlight"],
            "source": "skimage.data.chelsea, halved; the mask is a 4-colour clustering",
        }],
        "detection": [{
            "image": astronaut,
            "boxes": np.array([b for _, b in ASTRONAUT_BOXES], dtype=np.float32),
            "labels": [name for name, _ in ASTRONAUT_BOXES],
            "source": "skimage.data.astronaut, halved",
        }],
        "normalized": [{
            "tensor": np.ascontiguousarray(tensor.astype(np.float32)),
            "mean": IMAGENET_MEAN,
            "std": IMAGENET_STD,
            "source": "skimage.data.coffee, a sixth of each side, normalized as for ImageNet",
        }],
        "audio": [{
            "waveform": audio,
            "sample_rate": rate,
            "transcript": "a chirp, then A440 with two harmonics",
        }],
        "volume": [{
            "volume": np.ascontiguousarray(volume),
            "axes": ["frame", "channel", "y", "x"],
        }],
        "text": [{
            "text": text,
            "tokens": np.array([len(w) for w in text.split()], dtype=np.int32),
        }],
    }


def chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def main(names):
    """Writes the stores named (all of them if none are)."""
    if not names or "digits-and-photos" in names:
        store = fresh_store("digits-and-photos")
        for n, shard in enumerate(chunks(digits_samples(), DIGITS_SHARD_SIZE)):
            write_shard(store, f"digits-{n:02d}", shard, "messagepack")
        write_shard(store, "photos", photo_samples(), "messagepack")

    if not names or "iris-jsonl" in names:
        store = fresh_store("iris-jsonl")
        for n, shard in enumerate(chunks(iris_samples(), IRIS_SHARD_SIZE)):
            if len({s["species"] for s in shard}) != 3:
                raise SystemExit(f"iris shard {n} lacks a species; "
                                 "pick another IRIS_SEED")
            write_shard(store, f"iris-{n}", shard, "jsonl")

    if not names or "array-views" in names:
        store = fresh_store("array-views")
        for key, samples in array_views_samples().items():
            write_shard(store, key, samples, "messagepack")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
