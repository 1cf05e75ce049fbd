#!/usr/bin/python3
"""Run drey-cli on the hostile corpus: every case rejected cleanly.

    run-hostile.py DREY_CLI [--corpus DIR] [--expected FILE] [--quick] [CASE...]

For each case of expected.txt (CASE<TAB>part of the message), a store
holding only CASE.gz is read with `drey-cli check` and `drey-cli cat`, each
under a time limit and an address-space cap, and:

- the exit status is 1 (0 for the cases marked "(accepted)"), never a
  signal;
- stderr is exactly one line (none for accepted cases);
- the message names the shard, a byte offset or a line, and holds the
  expected part: for cat it is stderr itself, for check it is the shard's
  line on stdout ("KEY: FAILED: message"; stderr then says how many failed);
- the peak resident memory stays under 200 MB.

The gzip bomb for the default memory limit (gzip-bomb-default) is made at
test time in a temporary directory, not committed; --quick skips it.

Uses only the standard library (make-corpus.py's msgpack is needed only to
regenerate the corpus, and for the default bomb it is not used at all).

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import importlib.util
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from checks import Checks  # noqa: E402

TIMEOUT = 10           # seconds, per run
BOMB_TIMEOUT = 90      # the default-limit bomb inflates 4 GiB first
ADDRESS_SPACE = 1 << 30
MAX_RSS = 200 << 20

# A sanitizer build (meson test --setup sanitize sets DREY_SANITIZED):
# ASan reserves terabytes of address space for its shadow, so no
# RLIMIT_AS; ASan itself refuses an allocation over 1 GiB instead (as the
# cap makes malloc fail) and kills a run over 1 GiB resident. Its shadow,
# redzones and quarantine cost memory and time: more of both per run.
SANITIZED = bool(os.environ.get('DREY_SANITIZED'))
if SANITIZED:
    TIMEOUT *= 6
    BOMB_TIMEOUT *= 6
    MAX_RSS = 600 << 20
    os.environ['ASAN_OPTIONS'] = ':'.join(filter(None, [
        os.environ.get('ASAN_OPTIONS', ''),
        'allocator_may_return_null=1', 'max_allocation_size_mb=1024',
        'hard_rss_limit_mb=1024', 'quarantine_size_mb=32']))
ACCEPTED = '(accepted)'

# Cases read with a small memory limit: decompressed and decoded, each shard
# may take 16 MiB. The other cases use drey-cli's default (4 GiB).
OPTIONS = {
    'gzip-bomb': ['--memory-limit', '16M'],
    'gzip-bomb-members': ['--memory-limit', '16M'],
    'gzip-bomb-jsonl': ['--memory-limit', '16M'],
    'mp-array-many-items': ['--memory-limit', '16M'],
}

GENERATED = {'gzip-bomb-default'}

OFFSET = re.compile(r'\b(byte|line) \d+')


def limit_resources():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(argv, timeout):
    """Runs argv; returns (status, stdout, stderr, peak RSS in bytes,
    seconds). status is the exit code, -SIGNAL, or None on a timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                preexec_fn=limit_resources)
        status = None
        while True:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            if time.monotonic() - start > timeout:
                os.kill(proc.pid, signal.SIGKILL)
                _, wait_status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        proc.returncode = status if status is not None else -signal.SIGKILL
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return (status, out.read().decode('utf-8', 'replace'), err.read().decode('utf-8', 'replace'),
                usage.ru_maxrss * 1024, elapsed)


def lines_of(text):
    return text.splitlines()


def check_message(message, key, expected, problems, where):
    if f"shard '{key}'" not in message:
        problems.append(f'{where}: the message does not name shard {key!r}: {message!r}')
    if not OFFSET.search(message):
        problems.append(f'{where}: the message gives no byte offset or line: {message!r}')
    if expected not in message:
        problems.append(f'{where}: expected {expected!r} in {message!r}')


def run_case(drey, store, key, expected, timeout):
    problems = []
    accepted = expected == ACCEPTED
    want = 0 if accepted else 1
    opts = OPTIONS.get(key, [])
    stats = []

    for command in ('check', 'cat'):
        argv = [drey] + opts + ([command, store] if command == 'check' else [command, store, key])
        status, out, err, rss, elapsed = run(argv, timeout)
        stats.append(f'{command} {rss / 2**20:.0f} MB {elapsed:.2f} s')
        where = command
        if status is None:
            problems.append(f'{where}: no answer within {timeout} s (killed)')
            continue
        if status < 0:
            problems.append(f'{where}: killed by signal {-status} ({signal.Signals(-status).name})')
            continue
        if status != want:
            problems.append(f'{where}: exit status {status}, expected {want}')
        if rss > MAX_RSS:
            problems.append(f'{where}: peak memory {rss / 2**20:.0f} MB, more than {MAX_RSS >> 20} MB')
        err_lines = lines_of(err)

        if accepted:
            if err_lines:
                problems.append(f'{where}: stderr for an accepted shard: {err!r}')
            if command == 'check' and lines_of(out) != [f'{key}: ok, 1 samples, messagepack']:
                problems.append(f'{where}: unexpected output {out[:200]!r}')
            continue

        if len(err_lines) != 1:
            problems.append(f'{where}: stderr has {len(err_lines)} lines, expected one: {err[:500]!r}')
        if command == 'cat':
            check_message(err_lines[0] if err_lines else '', key, expected, problems, where)
        else:
            out_lines = lines_of(out)
            prefix = f'{key}: FAILED: '
            if len(out_lines) != 1 or not out_lines[0].startswith(prefix):
                problems.append(f'{where}: expected one line "{prefix}...", got {out[:500]!r}')
            else:
                check_message(out_lines[0][len(prefix):], key, expected, problems, where)
            if err_lines and err_lines[0] != 'drey-cli: 1 of 1 shards failed to decode':
                problems.append(f'{where}: unexpected stderr {err[:500]!r}')
    return problems, stats


def load_make_corpus():
    spec = importlib.util.spec_from_file_location('make_corpus', os.path.join(HERE, 'make-corpus.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('drey_cli')
    parser.add_argument('--corpus', default=os.path.join(HERE, 'corpus'))
    parser.add_argument('--expected', default=os.path.join(HERE, 'expected.txt'))
    parser.add_argument('--quick', action='store_true', help='skip the generated default-limit bomb')
    parser.add_argument('cases', nargs='*')
    args = parser.parse_intermixed_args()

    expected = {}
    with open(args.expected, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            key, sep, part = line.partition('\t')
            if not sep or not part:
                sys.exit(f'{args.expected}:{number}: expected CASE<TAB>message part')
            expected[key] = part

    on_disk = {name[:-3] for name in os.listdir(args.corpus) if name.endswith('.gz')}
    missing = on_disk - set(expected)
    unknown = set(expected) - on_disk - GENERATED
    if missing or unknown:
        sys.exit(f'corpus and expected.txt disagree: no expectation for {sorted(missing)}, '
                 f'no file for {sorted(unknown)}')

    selected = args.cases or list(expected)
    if args.quick:
        selected = [key for key in selected if key not in GENERATED]
    drey = os.path.abspath(args.drey_cli)
    checks = Checks()
    peak = 0

    with tempfile.TemporaryDirectory(prefix='drey-hostile-') as tmp:
        for key in selected:
            if key not in expected:
                sys.exit(f'unknown case {key!r}')
            store = os.path.join(tmp, key)
            os.mkdir(store)
            shard = os.path.join(store, key + '.gz')
            if key in GENERATED:
                load_make_corpus().make_default_bomb(shard)
                timeout = BOMB_TIMEOUT
            else:
                shutil.copyfile(os.path.join(args.corpus, key + '.gz'), shard)
                timeout = TIMEOUT
            problems, stats = run_case(drey, store, key, expected[key], timeout)
            for s in stats:
                peak = max(peak, float(s.split()[1]))
            shutil.rmtree(store)
            checks.check(not problems, f'{key} ({", ".join(stats)})', '\n'.join(problems))

    print(f'peak resident memory: {peak:.0f} MB')
    return checks.summary()


if __name__ == '__main__':
    sys.exit(main())
