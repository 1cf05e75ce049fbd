# s3rver.py: what the tests on s3rver share: starting it on loopback, and
# shards made as squirrel-core writes them.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import gzip
import os
import shutil
import socket
import subprocess
import tempfile
import time

import msgpack
import msgpack_numpy

# s3rver takes any keys; its own pair is the one its docs use.
ACCESS_KEY = "S3RVER"
SECRET_KEY = "S3RVER"


def free_port():
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("s3rver exited: %s" % proc.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("s3rver did not start")


@contextlib.contextmanager
def running(s3rver, prefix="drey-s3-"):
    """s3rver on a free loopback port, its data in a temp directory:
    yields (tmp, port); tmp is removed after."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    port = free_port()
    data_dir = os.path.join(tmp, "data")
    os.mkdir(data_dir)
    # s3rver's continuation tokens are DES, which OpenSSL 3 keeps in its
    # legacy provider: without it every second page of a listing fails.
    proc = subprocess.Popen([s3rver, "-d", data_dir, "-a", "127.0.0.1", "-p", str(port), "--silent"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider"))
    try:
        wait_for_port(port, proc)
        yield tmp, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


# Shards as squirrel-core writes them: msgpack per sample with
# msgpack_numpy's encoder, one gzip stream, level 9.
def squirrel_shard(samples):
    payload = b"".join(msgpack.packb(s, default=msgpack_numpy.encode, use_bin_type=True) for s in samples)
    return gzip.compress(payload, compresslevel=9)
