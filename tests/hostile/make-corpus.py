#!/usr/bin/python3
"""Generate Drey's hostile corpus: one small shard per case, deterministically.

Run with Debian's python3 (it has msgpack):

    /usr/bin/python3 tests/hostile/make-corpus.py [OUTDIR]

OUTDIR defaults to tests/hostile/corpus next to this script. Every file is
CASE.gz; tests/hostile/expected.txt says what drey-cli must answer for it,
and run-hostile.py checks that it does. The gzip bomb for the default
memory limit is too big to commit (deflate expands at most 1032:1, so 4 GB
take 4 MB): run-hostile.py makes it at test time with make_default_bomb().

SPDX-License-Identifier: GPL-3.0-or-later
"""

import os
import struct
import sys
import zlib

import msgpack

MTIME = 0  # fixed, so the corpus is byte for byte the same every run


def raw_deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9)
    return c.compress(data) + c.flush()


def gzip_member(data, name=None, crc=None, isize=None, deflated=None):
    """One gzip member, as Python's gzip module writes it (FNAME if named)."""
    flags = 0x08 if name else 0
    header = b'\x1f\x8b\x08' + bytes([flags]) + struct.pack('<I', MTIME) + b'\x02\xff'
    if name:
        header += name.encode() + b'\x00'
    body = raw_deflate(data) if deflated is None else deflated
    trailer = struct.pack('<II',
                          zlib.crc32(data) if crc is None else crc,
                          (len(data) if isize is None else isize) & 0xffffffff)
    return header + body + trailer


def gz(data):
    return gzip_member(data)


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


def ndarray(type_, shape, data, kind=b''):
    """A msgpack-numpy ndarray map, keys as bin, in msgpack-numpy's order."""
    return {b'nd': True, b'type': type_, b'kind': kind, b'shape': shape, b'data': data}


def sample(**fields):
    return pack(dict(fields))


def make_default_bomb(path, members=136):
    """A gzip bomb for drey's default limit (4 GiB decompressed per shard):
    JSON Lines whose lines are a tiny sample padded with 32 MiB of spaces,
    one line per gzip member, 4.56 GB from 4.4 MB. Decoding it costs
    little memory, so the decompressed-size budget is what stops it."""
    line = b'{"a": 1}' + b' ' * (32 << 20) + b'\n'
    member = gzip_member(line)
    with open(path, 'wb') as f:
        for _ in range(members):
            f.write(member)


def cases():
    ok = sample(label=1, name='cat')
    c = {}

    # ---- gzip ----------------------------------------------------------
    c['not-gzip'] = b'this is not gzip at all\n'
    c['gzip-bad-magic2'] = b'\x1f\x00' + gz(ok)[2:]
    c['gzip-bad-method'] = b'\x1f\x8b\x07' + gz(ok)[3:]
    c['gzip-truncated-header'] = gz(ok)[:6]
    c['gzip-truncated-name'] = gzip_member(ok, name='shard')[:13]
    big = b''.join(sample(i=i, text='x' * (i % 50)) for i in range(2000))
    c['gzip-truncated-deflate'] = gz(big)[:len(gz(big)) // 2]
    c['gzip-truncated-trailer'] = gz(ok)[:-3]
    c['gzip-crc-mismatch'] = gzip_member(ok, crc=zlib.crc32(ok) ^ 1)
    c['gzip-isize-mismatch'] = gzip_member(ok, isize=len(ok) + 1)
    c['gzip-trailing-garbage'] = gz(ok) + b'garbage'
    c['gzip-trailing-bad-member'] = gz(ok) + b'\x1f\x8b\x08\x00junk junk junk'
    # BFINAL=1, BTYPE=11: a block type that does not exist
    c['gzip-corrupt-block-type'] = gzip_member(ok, deflated=b'\x07' + bytes(16))
    # A stored block whose LEN and NLEN disagree
    c['gzip-corrupt-stored-len'] = gzip_member(ok, deflated=b'\x01\x05\x00\x00\x00' + ok)
    # A match reaching back before the start of the data: fixed Huffman
    # block, length 3 (code 257), distance code 29 (24577+), then end
    c['gzip-corrupt-distance'] = gzip_member(ok, deflated=bytes([0x03, 0x02, 0xfe, 0x07, 0x00, 0x00]))
    # gzip bombs, for --memory-limit 16M: one member of 64 MiB of zeros, and
    # 64 members of 1 MiB each (no single trailer tells the total)
    c['gzip-bomb'] = gz(bytes(64 << 20))
    c['gzip-bomb-members'] = gz(bytes(1 << 20)) * 64
    # a JSON Lines line that never ends
    c['gzip-bomb-jsonl'] = gz(b'{"a": "' + b' ' * (64 << 20))

    # ---- msgpack structure ---------------------------------------------
    s = sample(label=1, name='a string of some length')
    cut = s.index(b'some')
    c['mp-truncated-str'] = gz(ok + s[:cut])
    arr = pack([1, 2, 3, [4, 5, 6]])
    c['mp-truncated-array'] = gz(ok + arr[:4])
    c['mp-truncated-header'] = gz(ok + b'\xcd\x01')           # uint16 cut
    c['mp-truncated-map'] = gz(ok + b'\x82\xa1a\x01\xa1b')
    c['mp-array32-huge'] = gz(b'\xdd\xff\xff\xff\xff\x01\x02\x03')
    c['mp-map32-huge'] = gz(b'\xdf\xff\xff\xff\xff\xa1a\x01')
    c['mp-array32-past-end'] = gz(b'\xdd\x00\x10\x00\x00' + bytes(100))
    c['mp-str32-4g'] = gz(b'\xdb\xff\xff\xff\xff' + b'abc')
    c['mp-str32-past-end'] = gz(b'\xdb\x00\x10\x00\x00' + b'abc')
    c['mp-bin32-4g'] = gz(b'\xc6\xff\xff\xff\xff' + b'abc')
    c['mp-bin32-past-end'] = gz(b'\xc6\x05\x00\x00\x00' + b'abc')
    # the largest str and bin squirrel reads (100 MiB), with 3 bytes there
    c['mp-str32-100m-past-end'] = gz(b'\xdb\x06\x40\x00\x00' + b'abc')
    c['mp-bin32-100m-past-end'] = gz(b'\xc6\x06\x40\x00\x00' + b'abc')
    c['mp-ext32-4g'] = gz(b'\xc9\xff\xff\xff\xff\x05abc')
    c['mp-nest-100000'] = gz(b'\x91' * 100000 + b'\x00')
    c['mp-nest-maps-100000'] = gz(b'\x81\xa1k' * 100000 + b'\x00')
    c['mp-nest-1024'] = gz(b'\x91' * 1024 + b'\x00')
    c['mp-nest-1025'] = gz(b'\x91' * 1025 + b'\x00')
    # 16M items of one byte each: the items' pointers alone need 128 MB
    c['mp-array-many-items'] = gz(b'\xdd\x01\x00\x00\x00' + bytes(1 << 24))
    c['mp-reserved-c1'] = gz(ok + b'\xc1')
    c['mp-int-key'] = gz(pack({1: 2}))
    c['mp-nil-key'] = gz(b'\x81\xc0\x01')
    c['mp-array-key'] = gz(b'\x81\x91\x01\x01')
    c['mp-timestamp-bad-size'] = gz(b'\xc7\x03\xff\x00\x00\x00')
    c['mp-timestamp-bad-ns'] = gz(b'\xd7\xff' + struct.pack('>Q', (1000000000 << 34) | 1))

    # ---- UTF-8 ---------------------------------------------------------
    c['utf8-invalid'] = gz(pack({'name': 'ok'}).replace(b'ok', b'o\xff'))
    c['utf8-surrogate'] = gz(b'\x81\xa4name\xa3\xed\xa0\x80')
    c['utf8-overlong'] = gz(b'\x81\xa4name\xa2\xc0\x80')
    c['utf8-truncated-seq'] = gz(b'\x81\xa4name\xa2a\xe2')
    c['utf8-above-max'] = gz(b'\x81\xa4name\xa4\xf4\x90\x80\x80')
    c['utf8-invalid-key'] = gz(b'\x81\xa2\xc3\x28\x01')
    c['utf8-invalid-long-str'] = gz(b'\x81\xa4name\xd9\x40' + b'x' * 63 + b'\xff')

    # ---- msgpack-numpy arrays ------------------------------------------
    def nd(type_, shape, data, kind=b''):
        return gz(sample(image=ndarray(type_, shape, data, kind)))

    c['nd-data-short'] = nd('<f8', [2, 3], bytes(8 * 5))
    c['nd-data-empty'] = nd('<i4', [1], b'')
    c['nd-shape-negative'] = nd('<f8', [-1, 2], bytes(16))
    c['nd-shape-overflow'] = nd('|u1', [2 ** 32, 2 ** 32, 2 ** 32], b'')
    c['nd-shape-itemsize-overflow'] = nd('<f8', [2 ** 62], b'')
    c['nd-shape-uint64'] = nd('|u1', [2 ** 64 - 1], b'')
    c['nd-shape-huge-negative'] = nd('|u1', [-2 ** 63], b'')
    c['nd-shape-too-many-dims'] = nd('|u1', [1] * 65, b'\x00')
    c['nd-shape-str'] = nd('|u1', '3', b'\x00\x00\x00')
    c['nd-shape-float'] = nd('|u1', [1.5], b'\x00')
    c['nd-type-q9'] = nd('<q9', [1], bytes(16))
    c['nd-type-empty'] = nd('', [1], bytes(8))
    # old data may give the type as bin; an empty bin has no data pointer
    c['nd-type-empty-bin'] = nd(b'', [1], bytes(8))
    c['nd-type-xyz'] = nd('xyz', [1], bytes(8))
    c['nd-type-U-huge'] = nd('<U99999999999', [1], bytes(8))
    c['nd-type-U-overflow'] = nd('<U9999999999999999999999', [1], bytes(8))
    c['nd-type-S-huge-count'] = nd('|S4294967296', [0], b'')
    c['nd-type-nul'] = nd('<f8\x00', [1], bytes(8))
    c['nd-type-long'] = nd('<' + 'f' * 200, [1], bytes(8))
    c['nd-type-int'] = nd(8, [1], bytes(8))
    c['nd-type-object'] = nd('|O', [1], bytes(8))
    c['nd-type-datetime-unit'] = nd('<M8[parsec]', [1], bytes(8))
    c['nd-descr-bad'] = nd([['a', '<q9']], [1], bytes(8), kind=b'V')
    # text from the shard in a message: escaped, on one line, cut short
    c['nd-type-escapes'] = nd('\x1b[2J\n<f8', [1], bytes(8))
    c['nd-descr-long-name'] = nd([['\n' + 'n' * 100000, 8]], [1], bytes(8), kind=b'V')
    c['nd-descr-long-type'] = nd([['a', '<' + 'f' * 100000]], [1], bytes(8), kind=b'V')
    c['nd-descr-deep'] = nd(['x'] * 3, [1], bytes(8), kind=b'V')
    c['nd-kind-V-str-type'] = nd('<f8', [1], bytes(8), kind=b'V')
    c['nd-kind-O-data-str'] = nd('|O', [1], 'not a pickle', kind=b'O')
    c['nd-data-str'] = nd('<f8', [1], 'abcdefgh')
    c['scalar-data-short'] = gz(sample(label={b'nd': False, b'type': '<i8', b'data': b'\x01\x02\x03'}))
    c['scalar-type-bad'] = gz(sample(label={b'nd': False, b'type': '>x8', b'data': bytes(8)}))
    c['scalar-type-empty-bin'] = gz(pack({b'nd': False, b'type': b'', b'data': b'\x00'}))
    c['complex-bad'] = gz(sample(z={b'complex': True, b'data': '(1+2j'}))

    # ---- JSON Lines ----------------------------------------------------
    line = b'{"image": {"data": [[0.0, 1.0], [2.0, 3.0]], "type": "<f4", "shape": [2, 2]}, "label": 1}\n'
    c['json-truncated-line'] = gz(line + line[:40])
    c['json-truncated-string'] = gz(line + b'{"name": "abc')
    c['json-invalid-utf8'] = gz(line + b'{"name": "caf\xc3"}\n')
    c['json-surrogate-utf8'] = gz(line + b'{"name": "\xed\xa0\x80"}\n')
    c['json-nest-100000'] = gz(b'{"a": ' + b'[' * 100000 + b']' * 100000 + b'}\n')
    c['json-nest-100000-objects'] = gz(b'{"a": ' * 100000 + b'1' + b'}' * 100000 + b'\n')
    c['json-nest-100000-data'] = gz(b'{"data": ' + b'[' * 100000 + b'1' + b']' * 100000
                                    + b', "type": "<i8", "shape": [1]}\n')
    c['json-shape-mismatch'] = gz(b'{"image": {"data": [1, 2, 3], "type": "<i8", "shape": [2, 2]}}\n')
    c['json-shape-overflow'] = gz(b'{"image": {"data": [], "type": "<i8", "shape": [4294967296, 4294967296, 4294967296]}}\n')
    c['json-shape-two-unknown'] = gz(b'{"image": {"data": [1], "type": "<i8", "shape": [-1, -1]}}\n')
    c['json-ragged'] = gz(b'{"image": {"data": [[1, 2], [3]], "type": "<i8", "shape": [2, 2]}}\n')
    c['json-type-bad'] = gz(b'{"image": {"data": [1], "type": "<q9", "shape": [1]}}\n')
    c['json-type-newline'] = gz(b'{"image": {"data": [1], "type": "<f8\\n\\u001b[2J", "shape": [1]}}\n')
    c['json-type-U-huge'] = gz(b'{"image": {"data": ["a"], "type": "<U99999999999", "shape": [1]}}\n')
    # Python reads ints of any size in JSON, up to 4300 digits (3.11's
    # int_max_str_digits); Drey keeps the digits, so only a longer one fails.
    c['json-int-overflow'] = gz(b'{"label": 1' + b'0' * 4300 + b'}\n')
    c['json-element-overflow'] = gz(b'{"image": {"data": [300], "type": "|u1", "shape": [1]}}\n')
    c['json-lone-surrogate'] = gz(b'{"name": "\\ud800"}\n')
    c['json-lone-low-surrogate'] = gz(b'{"name": "x\\udc00y"}\n')
    c['json-garbage-after'] = gz(b'{"a": 1} x\n')
    c['json-control-char'] = gz(b'{"a": "tab\there"}\n')
    c['json-empty-line'] = gz(line + b'\n' + line)
    return c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith('.gz'):
            os.unlink(os.path.join(out, name))
    total = 0
    corpus = cases()
    for name, data in corpus.items():
        assert len(data) < 100 * 1024, (name, len(data))
        with open(os.path.join(out, name + '.gz'), 'wb') as f:
            f.write(data)
        total += len(data)
    print(f'{len(corpus)} cases, {total} bytes in {out}')


if __name__ == '__main__':
    main()
