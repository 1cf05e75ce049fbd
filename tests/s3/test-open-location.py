#!/usr/bin/python3
# test-open-location.py: the window's Open Location (Ctrl+L) on a bucket.
#
# Usage: test-open-location.py TEST_OPEN_LOCATION S3RVER EXAMPLE_STORE
#
# Starts s3rver on loopback (tests/s3/s3rver.py, as test-s3.py does),
# uploads the bundled example store EXAMPLE_STORE with boto3 under
# s3://squirrel-data/datasets/NAME, then runs the UI test binary
# TEST_OPEN_LOCATION (tests/test-open-location.c) with the store's URL,
# its keys and the credentials in its environment, and passes its TAP
# output and exit status on. The recent files go to a home of its own.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gzip
import os
import subprocess
import sys

try:
    import boto3
    import msgpack
    import msgpack_numpy

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from s3rver import ACCESS_KEY, SECRET_KEY, running
except ImportError as e:
    print("1..0 # SKIP %s (this needs Debian's python3-boto3, -msgpack, -msgpack-numpy)" % e)
    sys.exit(0)

TEST, S3RVER, EXAMPLE = sys.argv[1:4]
BUCKET = "squirrel-data"


def main():
    name = os.path.basename(os.path.normpath(EXAMPLE))
    files = sorted(f for f in os.listdir(EXAMPLE) if f.endswith(".gz"))
    keys = [f[:-3] for f in files]
    with open(os.path.join(EXAMPLE, files[0]), "rb") as f:
        unpacker = msgpack.Unpacker(raw=False, object_hook=msgpack_numpy.decode)
        unpacker.feed(gzip.decompress(f.read()))
        n_samples = sum(1 for _ in unpacker)

    with running(S3RVER, prefix="drey-open-location-") as (tmp, port):
        endpoint = "http://127.0.0.1:%d" % port
        s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for f in files:
            with open(os.path.join(EXAMPLE, f), "rb") as data:
                s3.put_object(Bucket=BUCKET, Key="datasets/%s/%s" % (name, f), Body=data.read())
        # Not a shard: below the prefix, or not KEY.gz.
        s3.put_object(Bucket=BUCKET, Key="datasets/%s/README.md" % name, Body=b"not a shard")
        s3.put_object(Bucket=BUCKET, Key="datasets/%s/nested/deeper.gz" % name, Body=b"")

        home = os.path.join(tmp, "home")
        os.mkdir(home)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_"))}
        env.update({
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "DREY_TEST_S3_URL": "s3://%s/datasets/%s" % (BUCKET, name),
            "DREY_TEST_S3_KEYS": ",".join(keys),
            "DREY_TEST_S3_SAMPLES": str(n_samples),
            "DREY_TEST_S3_SECRET": SECRET_KEY,
        })
        p = subprocess.run([TEST, "--tap"], env=env, timeout=300)
    sys.exit(p.returncode)


main()
