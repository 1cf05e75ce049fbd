#!/usr/bin/python3
"""The window on a big shard: a benchmark, not a test.

    window-load.py [--build DIR] [--workdir DIR] [--size-mb N] [--runs N]
                   [--images photo-like|noise]
                   [--renderer gl|cairo] ...

Makes a store the way squirrel-core writes it (msgpack + msgpack-numpy,
gzip level 9): two small shards `a` and `b` (2,000 metadata samples each)
and `c-big`, about N MB (default 300) compressed of 224x224x3 uint8
images with a label and metadata: photo-like (noise over a gradient,
which level 9 shrinks to 87% as it does raw photos) or, with --images
noise, incompressible (stored blocks, which inflate only copies). Then, under each renderer (GTK's default, GL on
llvmpipe under Xvfb, and GSK_RENDERER=cairo), it starts the real app as a
user would, `drey STORE a`, on an Xvfb of its own, and drives it with
xdotool: Down to `b`, Up back to `a` (from the cache), Down twice to
`c-big`, Up to `b` once it is read. It reads the document's and the sample
view's debug timestamps (G_MESSAGES_DEBUG) and /proc/PID/status, and
prints:

- first sample: from the load's start to the frame that painted the
  first samples of `c-big` (target 300 ms);
- full load: from the load's start to the last sample, against the median
  of `drey-cli check STORE c-big` as a whole process (target 1.3x); and
  the CPU time the app took for it against check's (no target: on a
  shared machine it says what the wall clock cannot);
- RSS before `c-big` (on `a`), its peak while `c-big` loads, and after
  going back to `b` (target: after within 1.2x of before);
- going back to a shard read a moment ago (the cache): load start to
  samples shown.

It exits with status 1 if a target is missed. The store is made once in
the work directory (default tests/bench/out/window, git-ignored) and
reused. Needs Debian's /usr/bin/python3 (msgpack, msgpack_numpy, numpy),
Xvfb and xdotool.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import msgpack
import msgpack_numpy
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

FIRST_SAMPLE_TARGET_MS = 300.0
LOAD_RATIO_TARGET = 1.3
RSS_RATIO_TARGET = 1.2

EVENT = re.compile(r"load '(?P<key>[^']*)': (?P<what>started|first \d+ samples|\d+ samples loaded|"
                   r"\d+ samples from the cache) at (?P<t>\d+) us")
PAINTED = re.compile(r"samples of '(?P<key>[^']*)' painted at (?P<t>\d+) us")


def write_shard(path, samples):
    """As squirrel-core's MessagepackSerializer writes a shard."""
    with gzip.open(path, 'wb') as f:
        packer = msgpack.Packer(use_bin_type=True, default=msgpack_numpy.encode)
        for sample in samples:
            f.write(packer.pack(sample))


def metadata_samples(n, seed):
    rng = np.random.default_rng(seed)
    for i in range(n):
        yield {'id': i, 'path': f'images/{seed}/{i:06d}.png', 'label': np.int64(rng.integers(0, 1000)),
               'score': float(rng.random()), 'tags': ['train', 'v2'][: 1 + i % 2],
               'bbox': [int(x) for x in rng.integers(0, 224, 4)]}


# Raw photos at level 9 come out at most of their size: deflate's Huffman
# codes win a little, its matches next to nothing. Noise of 32 levels
# over a gradient does the same (87%), and inflating it decodes every
# byte as a photo's would. Noise over all 256 levels (--images noise)
# does not compress at all: zlib writes it as stored blocks, which
# inflate only copies, so check runs at memory speed and the window's
# load is what it costs to fault in the memory it keeps.
IMAGE_RATIO = {'photo-like': 0.87, 'noise': 1.0}


def image_samples(n, images):
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:224, 0:224]
    gradient = ((x + y) * 200 // 446)[:, :, None].astype(np.uint16)
    for i in range(n):
        if images == 'noise':
            image = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
        else:
            image = (gradient + rng.integers(0, 32, (224, 224, 3), dtype=np.uint16)).astype(np.uint8)
        yield {'image': image, 'label': np.int64(i % 1000),
               'metadata': {'id': i, 'source': f'cam-{i % 4}', 'split': 'train'}}


def make_store(store, size_mb, images):
    stamp = os.path.join(store, f'.made-{size_mb}-{images}')
    if os.path.exists(stamp):
        return
    shutil.rmtree(store, ignore_errors=True)
    os.makedirs(store)
    print(f'making {store} ({size_mb} MB shard, once)...', file=sys.stderr)
    write_shard(os.path.join(store, 'a.gz'), metadata_samples(2000, 1))
    write_shard(os.path.join(store, 'b.gz'), metadata_samples(2000, 2))
    write_shard(os.path.join(store, 'c-big.gz'), image_samples(int(size_mb * 1000 * 1000 / IMAGE_RATIO[images]) // (224 * 224 * 3), images))
    open(stamp, 'w').close()


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User and system time of every thread of @pid so far."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def time_check(drey_cli, store, key, runs):
    """Medians of the wall clock and of the CPU time (user + system)."""
    times, cpus = [], []
    for _ in range(runs):
        start = time.monotonic()
        proc = subprocess.Popen([drey_cli, 'check', store, key], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.monotonic() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if status != 0:
            sys.exit(f'drey-cli check failed: {status}')
    return statistics.median(times), statistics.median(cpus)


class App:
    """The real app on its own display, its debug lines gathered."""

    def __init__(self, build, store, key, display, renderer, home):
        env = dict(os.environ)
        env.update({
            'DISPLAY': display,
            'GDK_BACKEND': 'x11',
            'G_MESSAGES_DEBUG': 'drey-shard-document drey-sample-view',
            'GSETTINGS_BACKEND': 'memory',
            'GSETTINGS_SCHEMA_DIR': os.path.join(build, 'data'),
            'XDG_DATA_HOME': os.path.join(home, 'data'),
            'XDG_CONFIG_HOME': os.path.join(home, 'config'),
            'NO_AT_BRIDGE': '1',
        })
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env.pop('GSK_RENDERER', None)
        if renderer == 'cairo':
            env['GSK_RENDERER'] = 'cairo'
        self.display = display
        self.events = []
        self.lines = []
        self.lock = threading.Condition()
        # GLib writes debug messages to stdout, warnings to stderr.
        self.proc = subprocess.Popen([os.path.join(build, 'app', 'drey'), store, key], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = EVENT.search(line)
            if m:
                what = m.group('what')
                what = ('started' if what == 'started' else 'first' if what.startswith('first')
                        else 'loaded' if what.endswith('loaded') else 'cache')
            else:
                m = PAINTED.search(line)
                if not m:
                    continue
                what = 'painted'
            with self.lock:
                self.events.append((m.group('key'), what, int(m.group('t')) / 1000.0))
                self.lock.notify_all()

    def wait(self, key, what, after=0, timeout=600):
        """The time (ms) of the first event @what of @key after index @after."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for i, (k, w, t) in enumerate(self.events[after:], after):
                    if k == key and w == what:
                        return i, t
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f'no "{what}" for {key}: {self.events[after:]}')
                self.lock.wait(min(left, 0.5))

    def mark(self):
        with self.lock:
            return len(self.events)

    def key(self, name):
        """A key press in the window (no window manager: focus it first)."""
        print(f'  key {name}; events so far: {[(k, w) for k, w, _ in self.events][-4:]}', file=sys.stderr)
        env = dict(os.environ, DISPLAY=self.display)
        found = subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(self.proc.pid)],
                               check=True, env=env, stdout=subprocess.PIPE, text=True)
        window = found.stdout.split()[0]
        subprocess.run(['xdotool', 'windowfocus', '--sync', window], check=True, env=env)
        subprocess.run(['xdotool', 'key', '--clearmodifiers', name], check=True, env=env)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def loaded_event(app, key, after):
    """(index, time) of @key's samples all there: read, or from the cache."""
    deadline = time.monotonic() + 600
    while True:
        with app.lock:
            for i, (k, w, t) in enumerate(app.events[after:], after):
                if k == key and w in ('loaded', 'cache'):
                    return i, t, w
            if app.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'{key} never loaded: {app.events[after:]}; exit {app.proc.poll()}; '
                                   f'stderr: {"".join(app.lines[-20:])}')
            app.lock.wait(0.5)


def run_once(args, store, renderer, display):
    home = tempfile.mkdtemp(prefix='drey-bench-home-')
    app = App(args.build, store, 'a', display, renderer, home)
    try:
        loaded_event(app, 'a', 0)
        time.sleep(1.0)  # the window settles, the key list is focused
        mark = app.mark()
        app.key('Down')
        loaded_event(app, 'b', mark)
        mark = app.mark()
        app.key('Up')
        i, start = app.wait('a', 'started', mark)
        _, done, how = loaded_event(app, 'a', i)
        cache_ms = done - start if how == 'cache' else None
        time.sleep(1.5)
        before = rss_kib(app.proc.pid)

        mark = app.mark()
        app.key('Down')
        loaded_event(app, 'b', mark)
        mark = app.mark()
        peak = rss_kib(app.proc.pid)
        cpu_before = cpu_seconds(app.proc.pid)
        app.key('Down')
        i, start = app.wait('c-big', 'started', mark)
        while True:
            peak = max(peak, rss_kib(app.proc.pid))
            with app.lock:
                finished = any(k == 'c-big' and w == 'loaded' for k, w, _ in app.events[i:])
            if finished or app.proc.poll() is not None:
                break
            time.sleep(0.05)
        cpu = cpu_seconds(app.proc.pid) - cpu_before
        # The first frame with c-big's samples in it: after they came.
        j, _ = app.wait('c-big', 'first', i)
        _, first = app.wait('c-big', 'painted', j)
        _, done, _ = loaded_event(app, 'c-big', i)

        mark = app.mark()
        app.key('Up')
        loaded_event(app, 'b', mark)
        time.sleep(2.0)  # the trim runs 100 ms after, on a worker
        after = rss_kib(app.proc.pid)
        return {'first': first - start, 'load': (done - start) / 1000.0, 'cpu': cpu, 'before': before,
                'peak': peak, 'after': after, 'cache': cache_ms}
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)


def start_xvfb():
    for n in range(90, 140):
        if os.path.exists(f'/tmp/.X{n}-lock'):
            continue
        proc = subprocess.Popen(['Xvfb', f':{n}', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        if proc.poll() is None:
            return proc, f':{n}'
    sys.exit('no free X display')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--build', default=os.path.join(SOURCE_ROOT, '_build'))
    parser.add_argument('--workdir', default=os.path.join(HERE, 'out', 'window'))
    parser.add_argument('--size-mb', type=int, default=300)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--images', choices=['photo-like', 'noise'], default='photo-like')
    parser.add_argument('--renderer', action='append', choices=['gl', 'cairo'])
    args = parser.parse_args()
    renderers = args.renderer or ['gl', 'cairo']

    for tool in ('Xvfb', 'xdotool'):
        if shutil.which(tool) is None:
            sys.exit(f'needs {tool}')
    store = os.path.join(args.workdir, 'store' if args.images == 'photo-like' else 'store-noise')
    make_store(store, args.size_mb, args.images)
    big = os.path.join(store, 'c-big.gz')
    check, check_cpu = time_check(os.path.join(args.build, 'app', 'drey-cli'), store, 'c-big', args.runs)
    load_start = os.getloadavg()[0]

    xvfb, display = start_xvfb()
    missed = False
    rows = []
    try:
        for renderer in renderers:
            runs = [run_once(args, store, renderer, display) for _ in range(args.runs)]
            rows.append((renderer, runs))
    finally:
        xvfb.terminate()

    print(f'c-big: {os.path.getsize(big) / 1e6:.0f} MB compressed, {args.images} images; '
          f'drey-cli check: {check:.2f} s, {check_cpu:.2f} s of CPU (medians of {args.runs})')
    print(f'{"renderer":<9} {"first sample":>13} {"full load":>10} {"/ check":>8} {"CPU":>7} {"/ check":>8} '
          f'{"RSS before":>11} {"peak":>9} {"after":>9} {"after/before":>13} {"cache hit":>10}')
    for renderer, runs in rows:
        first = statistics.median(r['first'] for r in runs)
        load = statistics.median(r['load'] for r in runs)
        cpu = statistics.median(r['cpu'] for r in runs)
        before = statistics.median(r['before'] for r in runs)
        peak = statistics.median(r['peak'] for r in runs)
        after = statistics.median(r['after'] for r in runs)
        hits = [r['cache'] for r in runs if r['cache'] is not None]
        ratio = load / check
        rss = after / before
        ok = first <= FIRST_SAMPLE_TARGET_MS and ratio <= LOAD_RATIO_TARGET and rss <= RSS_RATIO_TARGET \
            and len(hits) == len(runs)
        missed |= not ok
        print(f'{renderer:<9} {first:>10.0f} ms {load:>8.2f} s {ratio:>7.2f}x {cpu:>5.2f} s {cpu / check_cpu:>7.2f}x '
              f'{before / 1024:>7.0f} MiB {peak / 1024:>5.0f} MiB {after / 1024:>5.0f} MiB {rss:>12.2f}x '
              f'{(statistics.median(hits) if hits else float("nan")):>7.1f} ms  {"ok" if ok else "MISSED"}')
    print(f'medians of {args.runs} runs; targets: first sample <= {FIRST_SAMPLE_TARGET_MS:.0f} ms, '
          f'full load <= {LOAD_RATIO_TARGET}x check, RSS after <= {RSS_RATIO_TARGET}x before, '
          f'going back served from the cache')
    print(f'load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, '
          f'on {os.cpu_count()} CPUs; CPU: the whole app\'s, from the key press to the last sample '
          f'(every thread: decode, main loop, renderer), against check\'s')
    sys.exit(1 if missed else 0)


if __name__ == '__main__':
    main()
