#!/usr/bin/python3
"""The store scan over the whole hostile corpus at once: no crash.

    scan-hostile.py DREY_CLI

A store holding every case of tests/hostile/corpus and one good shard is
scanned by `drey-cli schema --json`, `schema`, `stats` and `query`, each
on all cores, with a 16 MiB limit per shard, under the same time limit
(scaled), address-space cap and peak-memory bound as run-hostile.py.
Each run exits 1 (bad shards), never on a signal; every case that
run-hostile.py expects to be refused is reported as failed with a message
naming its shard; the accepted cases and the good shard are scanned.

Uses only the standard library.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import gzip
import importlib.util
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('run_hostile', os.path.join(HERE, 'run-hostile.py'))
hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostile)


def main():
    drey = sys.argv[1]
    expected = {}
    with open(os.path.join(HERE, 'expected.txt'), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            case, want = line.rstrip('\n').split('\t', 1)
            if case not in hostile.GENERATED:
                expected[case] = want
    tmp = tempfile.mkdtemp(prefix='drey-scan-hostile-')
    os.environ['XDG_CACHE_HOME'] = os.path.join(tmp, 'cache')
    store = os.path.join(tmp, 'store')
    os.makedirs(store)
    for case in expected:
        shutil.copy(os.path.join(HERE, 'corpus', case + '.gz'), os.path.join(store, case + '.gz'))
    # A good shard: msgpack {"label": 1}, as MessagepackDriver writes it.
    with gzip.open(os.path.join(store, 'zz-good.gz'), 'wb') as f:
        f.write(b'\x81\xa5label\x01')

    problems = []
    timeout = hostile.TIMEOUT * 6
    runs = [
        ('schema --json', ['schema', '--json']),
        ('schema', ['schema']),
        ('stats', ['stats']),
        ('query', ['query']),
    ]
    for name, args in runs:
        argv = [drey, '--memory-limit', '16M', *args, store] + (["label == 1 or len(x) > 2"] if name == 'query' else [])
        status, out, err, rss, seconds = hostile.run(argv, timeout)
        print(f'{name}: exit {status}, {seconds:.1f} s, peak {rss >> 20} MiB')
        if status != 1:
            problems.append(f'{name}: exit {status}, not 1; stderr: {err[-500:]!r}')
        if rss > hostile.MAX_RSS:
            problems.append(f'{name}: peak memory {rss >> 20} MiB over {hostile.MAX_RSS >> 20} MiB')
        for case, want in expected.items():
            named = f"shard '{case}'" in err
            if want != hostile.ACCEPTED and not named:
                problems.append(f'{name}: the refused case {case} is not reported on stderr')
            if want == hostile.ACCEPTED and named:
                problems.append(f'{name}: the accepted case {case} is reported: {err!r}')
        if name == 'schema --json' and status == 1:
            schema = json.loads(out)
            failed = {f['key'] for f in schema['failed']}
            refused = {c for c, w in expected.items() if w != hostile.ACCEPTED}
            if failed != refused:
                problems.append(f'schema --json: failed {sorted(failed ^ refused)} differ from the refused cases')
            if schema['shards'] != len(expected) + 1 - len(refused):
                problems.append(f"schema --json: {schema['shards']} shards scanned")
            if not any(f['path'] == 'label' for f in schema['fields']):
                problems.append('schema --json: the good shard\'s field is missing')
        if name == 'query' and 'zz-good\t0' not in out.splitlines():
            problems.append(f'query: the good shard\'s sample does not match: {out!r}')

    shutil.rmtree(tmp)
    for p in problems:
        print(f'FAIL: {p}')
    if problems:
        sys.exit(1)
    print(f'ok: {len(expected)} hostile shards and a good one, scanned four ways')


main()
