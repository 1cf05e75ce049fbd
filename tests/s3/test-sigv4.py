#!/usr/bin/python3
# test-sigv4.py: Drey's SigV4 signer against botocore's, request by request.
#
# Usage: test-sigv4.py SIGV4_TOOL
#
# s3rver does not check signatures, so a signer that is wrong would pass
# every test against it. Drey's signer takes the time as an argument, so
# the same request at the same time must give the very Authorization
# header botocore's S3SigV4Auth gives (boto3's own signer, as Debian ships
# it); OpenStack Swift's s3api would check signatures too, but it is a
# whole server to run for what one comparison shows.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import os
import subprocess
import sys
import urllib.parse
from unittest import mock

try:
    import botocore.auth
    import botocore.awsrequest
    import botocore.config
    import botocore.credentials
except ImportError as e:
    print("SKIP: %s (this needs Debian's python3-boto3)" % e)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

TOOL = sys.argv[1]
WHEN = datetime.datetime(2026, 12, 2, 3, 4, 5)

CASES = [
    # method, host, path (as sent, encoded), query pairs, extra headers, token
    ("GET", "127.0.0.1:4567", "/bucket/", [("list-type", "2"), ("prefix", "train/"), ("delimiter", "/")], {}, None),
    ("GET", "bucket.s3.eu-west-1.amazonaws.com", "/train/shard-%C3%A9%20x.gz", [], {"range": "bytes=100-", "if-match": '"abc"'}, None),
    ("PUT", "s3.us-east-1.amazonaws.com", "/bkt/p/a%2Bb.gz", [("partNumber", "3"), ("uploadId", "x/y=z")], {}, "FwoGZXIvYXdzEJr//token=="),
    ("PUT", "localhost:9000", "/bkt/p/.drey-undo-ABCDEFGH.tmp", [], {"x-amz-copy-source": "/bkt/p/k.gz"}, None),
    # The conditions of a save: signed as every header Drey sends is.
    ("PUT", "bucket.s3.eu-west-1.amazonaws.com", "/train/k.gz", [], {"if-match": '"0123456789abcdef0123456789abcdef"'}, None),
    ("PUT", "127.0.0.1:4567", "/bucket/train/new.gz", [], {"if-none-match": "*"}, "FwoGZXIvYXdzEJr//token=="),
    ("POST", "s3.us-east-1.amazonaws.com", "/bkt/p/k.gz", [("uploadId", "x/y=z")], {"if-match": '"abc-3"'}, None),
    ("PUT", "storage.googleapis.com", "/bkt/p/k.gz", [], {"x-goog-if-generation-match": "1700000000123456"}, None),
    ("DELETE", "storage.googleapis.com", "/bkt/a/b/c.gz", [], {}, None),
    ("HEAD", "127.0.0.1:80", "/b/~tilde_-.gz", [], {}, None),
    ("GET", "bkt.s3.us-west-2.amazonaws.com", "/", [("continuation-token", "1/abc+def=="), ("delimiter", "/"), ("list-type", "2"), ("prefix", "a b/")], {}, None),
]

REGIONS = ["us-east-1", "eu-west-1", "auto"]
checks = Checks()
for region in REGIONS:
    for method, host, path, query, extra, token in CASES:
        access, secret = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        quoted = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                          for k, v in sorted(query))
        url = "https://%s%s%s" % (host, path, "?" + quoted if quoted else "")
        headers = dict(extra)
        headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
        request = botocore.awsrequest.AWSRequest(method=method, url=url, headers=headers)
        request.context["client_config"] = botocore.config.Config(s3={"payload_signing_enabled": False})
        credentials = botocore.credentials.Credentials(access, secret, token)
        signer = botocore.auth.S3SigV4Auth(credentials, "s3", region)
        with mock.patch("botocore.auth.datetime") as fake:
            fake.datetime.utcnow.return_value = WHEN
            fake.timezone = datetime.timezone
            signer.add_auth(request)
        expected = request.headers["Authorization"]
        amz_date = request.headers["X-Amz-Date"]

        pairs = ["host", host, "x-amz-date", amz_date, "x-amz-content-sha256", "UNSIGNED-PAYLOAD"]
        for k, v in extra.items():
            pairs += [k, v]
        if token:
            pairs += ["x-amz-security-token", token]
        got = subprocess.run([TOOL, method, path, quoted, "UNSIGNED-PAYLOAD", amz_date, region, "s3",
                              access, secret] + pairs, capture_output=True, text=True, check=True).stdout.strip()
        checks.check(got == expected, "%s %s%s (%s)" % (method, host, path, region),
                     "drey:     %s\nbotocore: %s" % (got, expected))

sys.exit(checks.summary())
