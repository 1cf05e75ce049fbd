#!/usr/bin/python3
"""How long the window's main loop is kept busy: a benchmark, not a test.

    ui-responsiveness.py [--build DIR] [--runs N] [--renderer cairo|gl]

Runs the UI tests that measure the main loop (test-key-list's 100,000-key
listing and search, test-window's 100 MB shard load,
test-store-view's store of 1,500 fields) with DREY_TEST_TIMING
set, so that they print what they measured and check the 50 ms bound; under
xvfb-run when there is no display. Prints each measurement (the worst of N
runs, and the median), the target, and exits with status 1 if one is missed.

The unit tests run the same code without the bound: on a loaded CI machine
or in a sanitizer build a frame can take longer without anything being
wrong, and a timed unit test that fails then says nothing about the code.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
TARGET_MS = 50.0
KEYSTROKE_WAIT = re.compile(r'^timing: search: slowest keystroke shown after ([\d.]+) ms '
                            r'\(([\d.]+) ms of it waiting for a CPU\)')

CASES = [
    ('test-key-list', '/key-list/many-keys-stream',
     [('listing 100,000 keys', re.compile(r'^timing: 100000 keys: .*longest main loop gap ([\d.]+) ms')),
      ('searching 100,000 keys', re.compile(r'^timing: search: longest main loop gap ([\d.]+) ms')),
      ('a keystroke shown', re.compile(r'^timing: search: slowest keystroke shown after ([\d.]+) ms'))]),
    ('test-window', '/window/big-shard-never-stalls',
     [('loading a 100 MB shard', re.compile(r'^timing: loading 100 MB: longest main loop stall ([\d.]+) ms'))]),
    ('test-store-view', '/store-view/wide-schema',
     [('a store of 1,500 fields', re.compile(r'^timing: overview of 1500 fields: longest main loop gap ([\d.]+) ms'))]),
]


def environment(build, renderer):
    env = dict(os.environ)
    env.update({
        'DREY_TEST_TIMING': '1',
        'G_TEST_SRCDIR': os.path.join(SOURCE_ROOT, 'tests'),
        'G_TEST_BUILDDIR': os.path.join(build, 'tests'),
        'GSK_RENDERER': 'cairo',
        'GDK_BACKEND': 'x11',
        'GSETTINGS_SCHEMA_DIR': os.path.join(build, 'data'),
        'GSETTINGS_BACKEND': 'memory',
        'NO_AT_BRIDGE': '1',
        'GTK_A11Y': 'test',
    })
    if renderer == 'gl':
        # GTK's default: GL, on llvmpipe under Xvfb.
        del env['GSK_RENDERER']
    return env


def run_case(build, binary, path, env):
    argv = [os.path.join(build, 'tests', binary), '-p', path]
    if not os.environ.get('DISPLAY'):
        argv = ['xvfb-run', '-a', '-s', '-screen 0 1400x900x24 -noreset'] + argv
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=600)
    return proc.returncode, proc.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--build', default=os.path.join(SOURCE_ROOT, '_build'))
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--renderer', choices=['cairo', 'gl'], default='cairo')
    args = parser.parse_args()

    if not os.environ.get('DISPLAY') and shutil.which('xvfb-run') is None:
        sys.exit('needs a display or xvfb-run')
    env = environment(args.build, args.renderer)
    rows = []
    waits = []
    missed = False
    for binary, path, measures in CASES:
        values = {name: [] for name, _ in measures}
        for _ in range(args.runs):
            status, err = run_case(args.build, binary, path, env)
            for line in err.splitlines():
                for name, pattern in measures:
                    m = pattern.match(line)
                    if m:
                        values[name].append(float(m.group(1)))
                m = KEYSTROKE_WAIT.match(line)
                if m:
                    waits.append((float(m.group(1)), float(m.group(2))))
            if status != 0 and not any(values.values()):
                print(f'{binary} {path} failed:\n{err}', file=sys.stderr)
                sys.exit(2)
        for name, _ in measures:
            got = values[name]
            if not got:
                print(f'{binary} {path}: no measurement for {name}', file=sys.stderr)
                sys.exit(2)
            worst = max(got)
            ok = worst <= TARGET_MS
            missed |= not ok
            rows.append((name, worst, statistics.median(got), len(got), ok))

    print(f'{"main loop busy while":<26} {"worst":>9} {"median":>9} {"runs":>5} {"target":>9}')
    for name, worst, median, n, ok in rows:
        print(f'{name:<26} {worst:>6.1f} ms {median:>6.1f} ms {n:>5} {"<= %.0f ms" % TARGET_MS:>9}'
              f'  {"ok" if ok else "MISSED"}')
    if waits:
        # The keystroke is timed as a user waits for it; on a shared
        # machine part of that is other processes having the CPU.
        shown, waited = max(waits)
        print(f'the slowest keystroke ({shown:.1f} ms) waited {waited:.1f} ms of it for a CPU')
    print(f'renderer {args.renderer}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs')
    sys.exit(1 if missed else 0)


if __name__ == '__main__':
    main()
