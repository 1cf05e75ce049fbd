#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The array views' figures against numpy's.

The mask legend's classes and counts, unnormalized pixels, per-channel
statistics, the plot's min/max per column, the spectrogram, 2-D slices of
an N-D array and box coordinates: each computed by model/ (through
tests/drey-views-dump) on arrays numpy makes, and compared with what numpy
computes from the same arrays.

    views-interop.py DREY_VIEWS_DUMP
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("1..0 # SKIP numpy is missing")
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

DUMP = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="drey-views-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
checks = Checks()
check = checks.check


def run(command, array, *args):
    src = os.path.join(TMP, "in.npy")
    out = os.path.join(TMP, "out.npy")
    np.save(src, array)
    done = subprocess.run([DUMP, command, src, *map(str, args), out],
                          check=True, capture_output=True, text=True)
    return np.load(out), done.stdout.strip()


rng = np.random.default_rng(13)

# ---- mask classes and counts
for dtype in ("<u1", "<i4", ">i8", "<u2"):
    mask = rng.choice([0, 1, 2, 7, 15], size=(48, 64), p=[0.6, 0.2, 0.1, 0.07, 0.03]).astype(dtype)
    got, _ = run("labels", mask)
    values, counts = np.unique(mask, return_counts=True)
    expected = np.stack([values.astype(np.int64), counts.astype(np.int64)], axis=1)
    check(np.array_equal(got, expected), f"labels {dtype}", f"{got} != {expected}")
mask = np.tile(np.array([[-1, 0], [3, 3]], dtype=np.int16), (4, 4))
got, _ = run("labels", mask)
values, counts = np.unique(mask, return_counts=True)
check(np.array_equal(got, np.stack([values, counts], axis=1)), "labels negative")

# ---- unnormalized pixels, CHW and HWC, float32 and float64
mean = np.array([0.485, 0.456, 0.406])
std = np.array([0.229, 0.224, 0.225])
picture = rng.integers(0, 256, size=(20, 30, 3)).astype(np.float64)
normalized = (picture / 255.0 - mean) / std
for layout in ("hwc", "chw"):
    for dtype in (np.float32, np.float64):
        tensor = normalized.astype(dtype)
        if layout == "chw":
            tensor = np.ascontiguousarray(tensor.transpose(2, 0, 1))
        got, _ = run("unnormalize", tensor, ",".join(map(repr, mean)), ",".join(map(repr, std)))
        hwc = tensor.astype(np.float64) if layout == "hwc" else tensor.astype(np.float64).transpose(1, 2, 0)
        expected = np.clip(np.floor((hwc * std + mean) * 255.0 + 0.5), 0, 255).astype(np.uint8)
        check(np.array_equal(got, expected), f"unnormalize {layout} {np.dtype(dtype).name}",
              f"{int((got != expected).sum())} pixels differ")
        check(np.abs(got.astype(int) - picture.astype(int)).max() <= 1,
              f"unnormalize {layout} {np.dtype(dtype).name} gives the picture back")
# Means in 0..255 (no scaling by 255)
tensor = ((picture - [123.675, 116.28, 103.53]) / [58.395, 57.12, 57.375]).astype(np.float32)
got, _ = run("unnormalize", tensor, "123.675,116.28,103.53", "58.395,57.12,57.375")
expected = np.clip(np.floor(tensor.astype(np.float64) * [58.395, 57.12, 57.375] + [123.675, 116.28, 103.53] + 0.5),
                   0, 255).astype(np.uint8)
check(np.array_equal(got, expected), "unnormalize 0..255 means")

# ---- per-channel statistics
tensor = rng.normal(size=(3, 16, 24)).astype(np.float32)
tensor[1, 2, 3] = np.nan
got, _ = run("channel-stats", tensor)
t = tensor.astype(np.float64)
expected = np.stack([np.nanmin(t, axis=(1, 2)), np.nanmax(t, axis=(1, 2)),
                     np.nanmean(t, axis=(1, 2)), np.nanstd(t, axis=(1, 2))], axis=1)
check(np.allclose(got, expected, rtol=1e-12, atol=1e-12), "channel stats", f"{got} != {expected}")

# ---- plot decimation: min/max per pixel column
series = (np.sin(np.arange(100003) / 50.0) + rng.normal(scale=0.1, size=100003)).astype(np.float32)
series[4242] = 9.0       # a spike the envelope must keep
series[777:790] = np.nan
for start, end, columns in ((0, 100003, 640), (1000, 1900, 640), (5, 12, 640), (4200, 4300, 7), (0, 100003, 1)):
    got, _ = run("decimate", series, start, end, columns)
    span = end - start
    expected = []
    for c in range(columns):
        a = start + span * c // columns
        b = start + span * (c + 1) // columns
        b = max(b, a + 1)
        part = series[a:min(b, end)]
        if np.all(np.isnan(part)):
            expected.append((np.nan, np.nan))
        else:
            expected.append((np.nanmin(part), np.nanmax(part)))
    expected = np.array(expected, dtype=np.float32)
    check(np.array_equal(got, expected, equal_nan=True), f"decimate [{start}, {end}) in {columns}")
got, _ = run("decimate", series, 0, 100003, 640)
check(got[:, 1].max() == np.float32(9.0), "decimate keeps the spike")

# ---- spectrogram: periodic Hann, |rfft| in dB
rate = 16000
t = np.arange(rate * 2) / rate
audio = (0.5 * np.sin(2 * np.pi * 440 * t) + 0.1 * rng.normal(size=t.size)).astype(np.float32)
for n_fft, max_frames in ((512, 100000), (256, 300), (1024, 50)):
    got, hop = run("spectrogram", audio, n_fft, max_frames)
    hop = int(hop)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = 1 + (audio.size - n_fft) // hop
    expected = np.array([20 * np.log10(np.maximum(np.abs(np.fft.rfft(audio[f * hop:f * hop + n_fft].astype(np.float64) * window)), 1e-10))
                         for f in range(frames)], dtype=np.float32)
    check(got.shape == expected.shape and frames <= max_frames, f"spectrogram {n_fft}: frames",
          f"{got.shape} != {expected.shape}")
    check(got.shape == expected.shape and np.allclose(got, expected, atol=1e-3), f"spectrogram {n_fft}: dB",
          f"max error {np.abs(got - expected).max() if got.shape == expected.shape else 'shape'}")
    peak = int(np.argmax(got.mean(axis=0)))
    check(abs(peak * rate / n_fft - 440) <= rate / n_fft, f"spectrogram {n_fft}: 440 Hz peak")

# ---- 2-D slices of an N-D array
array = rng.integers(-1000, 1000, size=(2, 3, 4, 5)).astype(">i4")
for rows, cols, index, expected in (
        (2, 3, (1, 2, 0, 0), array[1, 2, :, :]),
        (3, 2, (1, 0, 0, 0), array[1, 0, :, :].T),
        (0, 3, (0, 1, 3, 0), array[:, 1, 3, :]),
        (1, 2, (0, 0, 0, 4), array[0, :, :, 4])):
    got, text = run("slice", array, rows, cols, ",".join(map(str, index)))
    check(np.array_equal(got, expected.astype(np.float64)), f"slice {text}", f"{got} != {expected}")

# ---- boxes: format and units from the values, converted to pixels
W, H = 640, 480
xyxy = np.array([[10, 20, 200, 220], [300, 100, 630, 470]], dtype=np.float32)
xywh = np.array([[400, 20, 200, 220], [300, 300, 330, 170]], dtype=np.float32)
yolo = np.array([[0.5, 0.5, 0.2, 0.3], [0.1, 0.9, 0.2, 0.2]])
cases = [
    ("xyxy pixels", xyxy, 0, False, xyxy),
    ("xywh pixels", xywh, 1, False, np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)),
    ("xyxy normalized", xyxy / [W, H, W, H], 0, True, xyxy),
    ("cxcywh normalized", yolo, 2, True,
     np.stack([(yolo[:, 0] - yolo[:, 2] / 2) * W, (yolo[:, 1] - yolo[:, 3] / 2) * H,
               (yolo[:, 0] + yolo[:, 2] / 2) * W, (yolo[:, 1] + yolo[:, 3] / 2) * H], axis=1)),
]
for name, boxes, fmt, normalized, expected in cases:
    got, _ = run("boxes", boxes, W, H)
    check(int(got[0, 0]) == fmt and bool(got[0, 1]) == normalized, f"boxes {name}: format", f"{got[0]}")
    check(np.allclose(got[1:], expected, atol=1e-3), f"boxes {name}: pixels", f"{got[1:]} != {expected}")
# A box that reads both as xyxy and as xywh: said to be ambiguous
both = np.array([[10, 10, 50, 60]], dtype=np.int64)
got, _ = run("boxes", both, W, H)
check(int(got[0, 2]) > 1, "boxes ambiguous", f"{got[0]}")
# Score and class columns after the box are left alone
scored = np.concatenate([xyxy, [[0.9, 3], [0.4, 1]]], axis=1).astype(np.float64)
got, _ = run("boxes", scored, W, H)
check(np.allclose(got[1:], xyxy), "boxes with scores", f"{got}")

# ---- elements as numpy's repr prints them: a complex64's parts in float32's
# shortest digits, not widened to double
parts = np.array([0.1, 0.2, 1.0, -0.0, 0.0, 1e-5, 1e-4, 1e16, 123456789.0, 3.14159265, -2.5, 5e-5,
                  np.nan, np.inf, -np.inf, 1e-45, 3.4e38, 16777217.0])
values = np.empty(parts.size ** 2 + 200, dtype=np.complex128)
values.real[:parts.size ** 2] = np.repeat(parts, parts.size)
values.imag[:parts.size ** 2] = np.tile(parts, parts.size)
values.real[parts.size ** 2:] = rng.normal(size=200) * 10.0 ** rng.integers(-8, 9, size=200)
values.imag[parts.size ** 2:] = rng.normal(size=200)
for dtype in (np.complex64, np.complex128, np.float32, np.float16):
    with np.errstate(over="ignore"):
        array = values.astype(dtype) if np.dtype(dtype).kind == "c" else values.real.astype(dtype)
    src = os.path.join(TMP, "elements.npy")
    np.save(src, array)
    done = subprocess.run([DUMP, "elements", src, "-"], check=True, capture_output=True, text=True)
    got = done.stdout.splitlines()
    expected = [repr(x) for x in array]
    wrong = [(g, e) for g, e in zip(got, expected) if g != e]
    check(len(got) == len(expected) and not wrong, f"elements {np.dtype(dtype).name} as numpy's repr",
          f"{len(wrong)} differ, first {wrong[:3]}")

print(f"1..{checks.count}")
sys.exit(1 if checks.failed else 0)
