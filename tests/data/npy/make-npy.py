#!/usr/bin/python3
"""Generate the .npy fixtures for tests/test-npy.c, with numpy itself.

Run with Debian's python3 (it has numpy 1.24):

    /usr/bin/python3 tests/data/npy/make-npy.py [OUTDIR]

OUTDIR defaults to the folder of this script. Each good case is NAME.npy,
written by numpy.save (or numpy.lib.format.write_array for other versions);
each broken case is NAME.npy made by hand. expected.ini (a GKeyFile) says
what a reader must find in each: the dtype, the shape, the elements in C
order as hex, the file numpy.save makes of the C-ordered array (the same
file, or NAME.c.npy), or which error it must report.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import io
import os
import struct
import sys
import warnings

import numpy as np
import numpy.lib.format as npformat


def saved(array, version=None, allow_pickle=False):
    out = io.BytesIO()
    with warnings.catch_warnings():
        # numpy warns when it has to pick format 2.0 or 3.0
        warnings.simplefilter('ignore')
        if version is None:
            np.save(out, array, allow_pickle=allow_pickle)
        else:
            npformat.write_array(out, array, version=version, allow_pickle=allow_pickle)
    return out.getvalue()


def raw(header, data=b'', version=(1, 0), pad=True):
    """A .npy file with a header written by hand (padded as numpy pads)."""
    header = header.encode('latin1' if version < (3, 0) else 'utf8')
    fmt = '<H' if version == (1, 0) else '<I'
    if pad:
        total = 6 + 2 + struct.calcsize(fmt) + len(header) + 1
        header += b' ' * (-total % 64) + b'\n'
    return (b'\x93NUMPY' + bytes(version) + struct.pack(fmt, len(header)) + header + data)


def keyfile_escape(text):
    """One item of a GKeyFile string list."""
    text = text.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t')
    text = text.replace('\r', '\\r').replace(';', '\\;')
    return '\\s' + text[1:] if text.startswith(' ') else text


def good_cases():
    half = np.array([1.5, -0.0, np.inf, np.nan, 65504, 6e-8], '<f2')
    nested = np.dtype([('x', '<f4'), ('y', '<i2'), ('v', '<f8', (2,)), ('p', [('a', '|u1')])])
    padded = np.dtype({'names': ['a', 'b'], 'formats': ['u1', '<i4'], 'offsets': [0, 4], 'itemsize': 12})
    rec = np.zeros(2, nested)
    rec['x'] = [1.5, -2]
    rec['y'] = [7, -7]
    rec['v'] = [[0.25, 0.5], [1, 2]]
    rec['p']['a'] = [9, 255]
    pad = np.zeros(2, padded)
    pad['a'] = [1, 2]
    pad['b'] = [-1, 100000]
    fortran = np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3))
    fortran3 = np.asfortranarray(np.arange(24, dtype='<i2').reshape(2, 3, 4))

    return [
        ('u1', np.array([0, 1, 127, 128, 255], 'u1')),
        ('i1', np.array([-128, -1, 0, 1, 127], 'i1')),
        ('i2-le', np.array([[-32768, 0, 32767], [1, 2, 3]], '<i2')),
        ('i4-be', np.array([-2, 1, 0x12345678], '>i4')),
        ('u8-le', np.array([0, 2**64 - 1, 2**63], '<u8')),
        ('f2-le', half),
        ('f4-le', (np.arange(12, dtype='<f4') / 3).reshape(3, 4)),
        ('f8-be', np.array([0.1, -1e300, np.nan], '>f8')),
        ('b1', np.array([True, False, True])),
        ('c8', np.array([1 + 2j, -0.5j], '<c8')),
        ('c16', np.array([[1 + 2j], [3 - 4j]], '<c16')),
        ('U5', np.array(['a', 'h\u00e9llo', '\u03c0'], '<U5')),
        ('S3', np.array([b'ab', b'abc', b''], '|S3')),
        ('M8-ns', np.array(['2020-01-01T00:00:00', 'NaT'], 'M8[ns]')),
        ('m8-10s', np.array([1, -2], 'm8[10s]')),
        ('V4', np.array([b'\x01\x02\x03\x04', b'\xff\x00\x00\x00'], 'V4')),
        ('struct', rec),
        ('struct-padded', pad),
        # a field name that latin-1 holds: format 1.0, the name in latin-1
        ('struct-latin1', np.array([(1,), (2,)], [('caf\u00e9', '<i2')])),
        # one that it does not: numpy writes format 3.0, UTF-8
        ('struct-v3', np.array([(1,), (2,)], [('\u03c0', '<i2')])),
        # names that repr() quotes and escapes
        ('struct-names', np.zeros(1, [("it's", 'u1'), ('a"b\\', 'u1'), ("'\"", 'u1'), ('x\ty\n', 'u1'),
                                      ('\xa0\xad', 'u1'), ('\u2028\U0001f600', 'u1')])),
        ('scalar-0d', np.array(3.5, '<f8')),
        ('empty', np.zeros((0, 3), '<i4')),
        ('3d', np.arange(24, dtype='<i2').reshape(2, 3, 4)),
        ('fortran', fortran),
        ('fortran-3d', fortran3),
    ]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    expected = ['# What tests/test-npy.c must find in each file; made by make-npy.py.',
                '# descr: dtype.str, or "struct" and fields; shape: dims, ";"-separated;',
                '# data: the elements in C order, hex; saved: the file numpy.save makes of',
                '# the C-ordered array; error: invalid or unsupported.',
                '']

    def write(name, content):
        with open(os.path.join(outdir, name + '.npy'), 'wb') as f:
            f.write(content)

    def resaved(name, content, c_array):
        # The file numpy.save makes of the C-ordered array: this one, or
        # NAME.c.npy beside it.
        again = saved(c_array)
        if again == content:
            return name + '.npy'
        write(name + '.c', again)
        return name + '.c.npy'

    for name, array in good_cases():
        content = saved(array)
        write(name, content)
        c_array = array if array.flags.c_contiguous else array.copy(order='C')
        expected.append('[%s]' % name)
        if array.dtype.names is not None:
            expected.append('descr=struct')
            expected.append('fields=%s' % ';'.join(keyfile_escape(n) for n in array.dtype.names))
            expected.append('itemsize=%d' % array.dtype.itemsize)
        else:
            expected.append('descr=%s' % array.dtype.str)
        expected.append('shape=%s' % ';'.join(str(d) for d in array.shape))
        expected.append('data=%s' % c_array.tobytes().hex())
        expected.append('version=%d' % content[6])
        expected.append('saved=%s' % resaved(name, content, c_array))
        expected.append('')

    # Format 2.0, which numpy only picks for huge headers, asked for here.
    v2 = np.arange(5, dtype='<u2')
    write('v2', saved(v2, version=(2, 0)))
    expected += ['[v2]', 'descr=<u2', 'shape=5', 'data=%s' % v2.tobytes().hex(), 'version=2',
                 'saved=%s' % resaved('v2', None, v2), '']

    # A header numpy never writes but reads: other key order, other quotes,
    # no trailing comma, Python 2 longs, odd spacing.
    tolerant = np.array([[1, 2], [3, 4]], '<i4')
    write('tolerant', raw("{ \"shape\" : ( 2L ,2 ) ,'fortran_order':False,\n 'descr' :'<i4'}",
                          tolerant.tobytes()))
    expected += ['[tolerant]', 'descr=<i4', 'shape=2;2', 'data=%s' % tolerant.tobytes().hex(),
                 'version=1', 'saved=%s' % resaved('tolerant', None, tolerant), '']

    broken = [
        ('bad-magic', b'\x93NUMPZ\x01\x00' + saved(np.zeros(2))[8:], 'invalid'),
        ('too-short', b'\x93NUM', 'invalid'),
        ('bad-version', b'\x93NUMPY\x04\x00' + saved(np.zeros(2))[8:], 'invalid'),
        ('header-overrun', b'\x93NUMPY\x01\x00\xff\x7f{', 'invalid'),
        ('truncated', saved(np.arange(10, dtype='<f8'))[:-40], 'invalid'),
        ('extra-data', saved(np.arange(3, dtype='<f8')) + b'\0' * 8, 'invalid'),
        ('huge-shape', raw("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }",
                           b'\0' * 8), 'invalid'),
        ('large-shape', raw("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }",
                            b'\0' * 8), 'invalid'),
        ('negative-shape', raw("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"), 'invalid'),
        ('shape-list', raw("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }", b'\0' * 8), 'invalid'),
        ('missing-key', raw("{'descr': '<f8', 'shape': (1,), }", b'\0' * 8), 'invalid'),
        ('extra-key', raw("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }",
                          b'\0' * 8), 'invalid'),
        ('not-dict', raw("[('descr', '<f8')]"), 'invalid'),
        ('bad-descr', raw("{'descr': '<f7', 'fortran_order': False, 'shape': (1,), }", b'\0' * 8), 'invalid'),
        ('unterminated', raw("{'descr': '<f8, 'fortran_order': False, 'shape': (1,), }", b'\0' * 8), 'invalid'),
        ('deep', raw("{'descr': " + '[' * 3000 + ", 'fortran_order': False, 'shape': (1,), }"), 'invalid'),
        ('object', saved(np.array([1, 'a', None], object), allow_pickle=True), 'unsupported'),
        ('struct-object', raw("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }",
                              b'\0' * 12), 'unsupported'),
        ('struct-titled', saved(np.zeros(1, [(('Title', 'a'), '<i4')])), 'unsupported'),
    ]
    for name, content, error in broken:
        write(name, content)
        expected += ['[%s]' % name, 'error=%s' % error, '']

    with open(os.path.join(outdir, 'expected.ini'), 'w') as f:
        f.write('\n'.join(expected))


if __name__ == '__main__':
    main()
