#!/usr/bin/python3
"""Kill drey-cli (SIGKILL) at random moments while it saves a large shard.

    crash-safety.py DREY_CLI [-v]

A source store holds two large shards, OLD and NEW, written as squirrel-core
writes them (gzip of msgpack.packb(sample, default=msgpack_numpy.encode) per
sample), of image-like arrays that do not compress to nothing. Each
iteration puts OLD at key K of a destination store, starts
`drey-cli copy SRC new DEST K` (decoded and written through the library's
atomic sq_store_set, the path the window's Save takes), SIGKILLs it after a
random delay in 0..1.2 times the duration of an unkilled run, and checks
that afterwards

- the files of DEST that squirrel would list as keys (every name ending in
  .gz, hidden ones included) are exactly K.gz;
- K.gz is OLD, byte for byte, or a whole gzip stream whose decompressed
  bytes are exactly those Drey writes for NEW (captured from unkilled runs
  first);
- nothing else is there but Drey's temp files (.drey-*.tmp), which are
  counted, printed and removed.

Both outcomes must occur, or the delays missed the save and the test proves
nothing: that fails too. The delays are stratified (one in each of N equal
slices of the range, in random order) so that both do.

DREY_CRASH_ITERATIONS (default 40) and DREY_CRASH_SEED (default: a new one,
printed) replay a run; timing makes a replay close, never exact.

Needs Debian's python3 (numpy, msgpack, msgpack-numpy); without them it
skips.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import gzip
import os
import random
import re
import shutil
import signal
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

KEY = 'k'
SPREAD = 1.2               # delays cover 0..SPREAD x an unkilled run
REFERENCE_RUNS = 3
RUN_TIMEOUT = 60           # seconds, for an unkilled run
# Drey's temp files: a set's and an Undo stash's (lib/sq-store.c).
TEMP = re.compile(r'\.drey-(undo-)?[A-Z0-9]{8}\.tmp')


def image_samples(seed, n, height=480, width=640):
    """n samples of an RGB uint8 image, a label and a name: a gradient under
    noise, so that deflate has work to do and the shard stays large."""
    rng = np.random.default_rng(seed)
    ramp = (np.arange(width, dtype=np.uint16)[None, :, None] +
            np.arange(height, dtype=np.uint16)[:, None, None]) // 4
    samples = []
    for i in range(n):
        noise = rng.integers(0, 48, size=(height, width, 3), dtype=np.uint16)
        image = ((ramp * (i + 1) + noise) & 0xFF).astype(np.uint8)
        samples.append({'image': image, 'label': int(rng.integers(0, 10)), 'name': 'sample-%d-%d' % (seed, i)})
    return samples


def squirrel_msgpack_write(path, samples):
    # MessagepackSerializer.serialize_shard_to_file, as interop.py has it;
    # level 1 only to save time: the level does not change the format.
    packer = msgpack.Packer(use_bin_type=True, default=msgpack_numpy.encode)
    with gzip.open(path, 'wb', compresslevel=1) as f:
        for sample in samples:
            f.write(packer.pack(sample))


def decodes_to(payload, samples):
    unpacker = msgpack.Unpacker(use_list=False, object_hook=msgpack_numpy.decode,
                                max_buffer_size=len(payload) + 1)
    unpacker.feed(payload)
    got = list(unpacker)
    if len(got) != len(samples):
        return False
    for a, b in zip(got, samples):
        if (set(a) != set(b) or a['label'] != b['label'] or a['name'] != b['name'] or
                a['image'].dtype != b['image'].dtype or not np.array_equal(a['image'], b['image'])):
            return False
    return True


def writer_argv(drey_cli, src, dest):
    """What saves NEW over K: the library's atomic set, through drey-cli."""
    return [drey_cli, 'copy', src, 'new', dest, KEY]


def reset(dest, old_path):
    """DEST holds OLD at K and nothing else."""
    for name in os.listdir(dest):
        os.unlink(os.path.join(dest, name))
    shutil.copyfile(old_path, os.path.join(dest, KEY + '.gz'))


def first_difference(a, b):
    n = min(len(a), len(b))
    step = 1 << 20
    for start in range(0, n, step):
        if a[start:start + step] != b[start:start + step]:
            for i in range(start, min(start + step, n)):
                if a[i] != b[i]:
                    return i
    return n


def inspect(dest, old_raw, new_payload):
    """Returns (state, temps, problems): state is 'old', 'new' or None."""
    names = os.listdir(dest)
    keys = sorted(n for n in names if n.endswith('.gz'))
    temps = sorted(n for n in names if TEMP.fullmatch(n))
    others = sorted(n for n in names if not n.endswith('.gz') and not TEMP.fullmatch(n))
    problems = []
    state = None

    if keys != [KEY + '.gz']:
        problems.append('squirrel would list %r, expected only %r' % (keys, KEY + '.gz'))
    if others:
        problems.append('unexpected files %r' % others)

    path = os.path.join(dest, KEY + '.gz')
    if os.path.isfile(path):
        with open(path, 'rb') as f:
            raw = f.read()
        if raw == old_raw:
            state = 'old'
        else:
            try:
                payload = gzip.decompress(raw)
            except (OSError, EOFError, zlib.error) as e:
                problems.append('%s.gz (%d bytes) is not OLD and not a whole gzip stream: %s' % (KEY, len(raw), e))
            else:
                if payload == new_payload:
                    state = 'new'
                else:
                    problems.append('%s.gz decompresses to %d bytes, neither OLD nor NEW (%d bytes; '
                                    'first difference at byte %d)'
                                    % (KEY, len(payload), len(new_payload), first_difference(payload, new_payload)))
    return state, temps, problems


def reference_runs(argv, dest, old_path, old_raw, new_samples):
    """Unkilled saves: the longest one's duration (headroom for a machine
    busier later), and the stream Drey writes for NEW."""
    durations = []
    new_payload = None
    for i in range(REFERENCE_RUNS):
        reset(dest, old_path)
        start = time.monotonic()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
        durations.append(time.monotonic() - start)
        if done.returncode != 0:
            sys.exit('an unkilled save failed (status %d): %s' % (done.returncode, done.stderr.decode(errors='replace')))
        names = sorted(os.listdir(dest))
        if names != [KEY + '.gz']:
            sys.exit('an unkilled save left %r' % names)
        with open(os.path.join(dest, KEY + '.gz'), 'rb') as f:
            payload = gzip.decompress(f.read())
        if new_payload is None:
            if not decodes_to(payload, new_samples):
                sys.exit("what drey-cli wrote for NEW does not decode to NEW's samples")
            new_payload = payload
        elif payload != new_payload:
            sys.exit('two unkilled saves of NEW wrote different bytes')
    if new_payload == gzip.decompress(old_raw):
        sys.exit('OLD and NEW are the same')
    return max(durations), new_payload


def main():
    args = [a for a in sys.argv[1:] if a != '-v']
    verbose = '-v' in sys.argv[1:]
    if len(args) != 1:
        print('usage: crash-safety.py DREY_CLI [-v]', file=sys.stderr)
        return 2
    drey_cli = os.path.abspath(args[0])
    iterations = int(os.environ.get('DREY_CRASH_ITERATIONS', '40'))
    seed = int(os.environ.get('DREY_CRASH_SEED') or random.SystemRandom().randrange(1 << 32))
    rng = random.Random(seed)
    print('seed %d, %d iterations (replay: DREY_CRASH_SEED=%d DREY_CRASH_ITERATIONS=%d)'
          % (seed, iterations, seed, iterations))
    sys.stdout.flush()
    began = time.monotonic()

    with tempfile.TemporaryDirectory(prefix='drey-crash-') as tmp:
        src = os.path.join(tmp, 'src')
        dest = os.path.join(tmp, 'dest')
        os.mkdir(src)
        os.mkdir(dest)
        old_path = os.path.join(src, 'old.gz')
        new_samples = image_samples(2, 44)
        squirrel_msgpack_write(old_path, image_samples(1, 40))
        squirrel_msgpack_write(os.path.join(src, 'new.gz'), new_samples)
        with open(old_path, 'rb') as f:
            old_raw = f.read()
        argv = writer_argv(drey_cli, src, dest)

        duration, new_payload = reference_runs(argv, dest, old_path, old_raw, new_samples)
        del new_samples
        print('OLD %.1f MB, NEW %.1f MB compressed (%.1f MB of msgpack); an unkilled save takes %.3f s'
              % (len(old_raw) / 1e6, os.path.getsize(os.path.join(src, 'new.gz')) / 1e6,
                 len(new_payload) / 1e6, duration))
        sys.stdout.flush()

        # One delay in each of N equal slices of 0..SPREAD x duration, in
        # random order: random moments, and the whole range covered.
        delays = [(i + rng.random()) / iterations * SPREAD * duration for i in range(iterations)]
        rng.shuffle(delays)

        passed = failed = 0
        outcomes = {'old': 0, 'new': 0}
        finished = leftover = 0
        for i, delay in enumerate(delays, 1):
            reset(dest, old_path)
            with tempfile.TemporaryFile() as err:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
                time.sleep(delay)
                try:
                    proc.send_signal(signal.SIGKILL)
                except ProcessLookupError:
                    pass
                status = proc.wait()
                err.seek(0)
                stderr = err.read().decode('utf-8', 'replace').strip()

            state, temps, problems = inspect(dest, old_raw, new_payload)
            if status == 0:
                finished += 1
                how = 'finished before the kill'
            elif status == -signal.SIGKILL:
                how = 'killed'
            else:
                how = 'exited with status %d' % status
                problems.append('drey-cli failed: %s' % (stderr or '(no message)'))
            if status == 0 and state != 'new':
                problems.append('drey-cli finished, but %s.gz is not NEW' % KEY)
            leftover += len(temps)

            where = 'iteration %d (delay %.3f s of %.3f s, %s)' % (i, delay, duration, how)
            if problems:
                failed += 1
                print('FAIL %s: %s' % (where, '; '.join(problems)))
            else:
                passed += 1
                outcomes[state] += 1
                if verbose:
                    print('ok   %s: %s%s' % (where, state, ', temp files %r' % temps if temps else ''))
            sys.stdout.flush()

    print('%d old, %d new (%d of them finished before the kill); %d temp files left behind, not keys'
          % (outcomes['old'], outcomes['new'], finished, leftover))
    if failed == 0 and (outcomes['old'] == 0 or outcomes['new'] == 0):
        failed += 1
        print('FAIL the kills never left %s: the delays missed the save (was the machine much busier '
              'than during the unkilled saves?)' % ('OLD' if outcomes['old'] == 0 else 'NEW'))
    print('%.1f s in all' % (time.monotonic() - began))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
