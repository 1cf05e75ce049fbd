#!/usr/bin/python3
# test-s3.py: Drey against a real S3 implementation on loopback.
#
# Usage: test-s3.py DREY_CLI STORE_TOOL S3RVER
#
# Starts s3rver (tests/s3's lockfile, installed by build-aux/install-deps
# test) on 127.0.0.1 and, in front of it, a proxy this script controls, to
# break requests on purpose. boto3 (Debian's python3-boto3) seeds the
# bucket with shards written as squirrel-core writes them and reads back
# what Drey writes. Checked:
#   - listing: squirrel's order, only KEY.gz directly under the prefix,
#     no stash or temp objects; streamed listing the same; many pages;
#   - cat/check/stats/info decode what boto3 uploaded;
#   - set (one PUT, and multipart), copy both ways, rm: boto3 reads back
#     the same samples, and removed keys are gone; a random key's PUT
#     says If-None-Match: *;
#   - Undo: a stash before a set or a remove, then the unstash: boto3 reads
#     the identical object back;
#   - the stamp a save compares (size, time, ETag) changes when boto3
#     writes the shard;
#   - the window's save when boto3 writes between its check and its
#     write: the write carries If-Match on the ETag read (If-None-Match: *
#     for a new shard; on CompleteMultipartUpload for a multipart one;
#     x-goog-if-generation-match for gs://), which the proxy checks as a
#     real server does (s3rver ignores them), so the save is refused with
#     the changed-on-disk or key-taken question, boto3 reads the other
#     writer's object unchanged and no stash is left; agreed to
#     (DREY_SAVE_FLAGS_REPLACE), it writes without a condition;
#   - a save whose write is done but whose answer is lost (the proxy
#     resets the connection after s3rver wrote): the retry is refused by
#     Drey's own object, which Drey recognises by its MD5 (the ETag; AWS's
#     multipart form; gs:// x-goog-hash), so the save succeeds and boto3
#     reads Drey's object; if another writer wrote after it, still refused;
#   - the stamp a save leaves is its write's own ETag (the PUT's header,
#     CompleteMultipartUpload's answer, gs:// x-goog-generation): a write
#     by boto3 just after Drey's, before its answer, makes the next save
#     ask, where a HEAD after the write would have taken it for Drey's;
#   - faults: a reset mid-download (resumed), a 503 then success (retried),
#     a stalled server (a timeout, then a clear error), a 403 (access
#     denied, naming the bucket), a body cut short every time (a clear
#     error), an upload cut off (no half object, the old one intact);
#   - the read cache: a shard read again is a 304 and the kept bytes; a
#     download cut short, or stopped by its reader, keeps nothing; one
#     resumed after a reset is kept whole; the cache stays in its bound;
#     a shard bigger than the bound is not kept; a dead download's temp
#     file is swept, a live (flock()ed) one is not;
#   - errors: no such bucket; no credentials, with where Drey looked;
#   - gs:// through STORAGE_EMULATOR_HOST, anonymous, with
#     CLOUDSDK_AUTH_ACCESS_TOKEN, and with ADC credentials at a loopback
#     token endpoint: an authorized_user's refresh token; a service
#     account's RS256 assertion, whose signature (python3-cryptography)
#     and claims the endpoint checks; refusals, bad and incomplete key
#     files: clear errors without a secret in them.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import fcntl
import gzip
import hashlib
import re
import http.server
import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse

try:
    import boto3
    import botocore.config
    import botocore.exceptions
    import msgpack
    import msgpack_numpy
    import numpy as np

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from s3rver import free_port, running, squirrel_shard
except ImportError as e:
    print("SKIP: %s (this needs Debian's python3-boto3, -msgpack, -msgpack-numpy, -numpy)" % e)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

DREY_CLI, STORE_TOOL, S3RVER = sys.argv[1:4]
BUCKET = "squirrel"
checks = Checks()
check = checks.check


def decode_shard(data):
    unpacker = msgpack.Unpacker(raw=False, object_hook=msgpack_numpy.decode)
    unpacker.feed(gzip.decompress(data))
    return list(unpacker)


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype and \
            a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


# Cloud Storage's generation of an object, as the proxy makes one up from
# s3rver's ETag: another write, another generation; 0 for no object.
def generation(etag):
    return 0 if etag is None else int(hashlib.sha256(etag.encode()).hexdigest()[:15], 16) + 1


# ---------------------------------------------------------------------------
# A proxy in front of s3rver that the test tells what to break.

class Proxy:
    def __init__(self, upstream, s3):
        self.upstream = upstream
        self.s3 = s3              # straight to s3rver: what an object is now
        self.mode = None          # None, "reset", "503", "503-later", "stall", "403", "truncate", "slow",
        #                           "reset-upload", "lose-answer"
        self.times = 0            # how many requests the mode breaks (0: all)
        self.broken = 0
        self.seen = []            # (method, path, headers) of every request
        self.answers = []         # (method, path, status) of what upstream answered
        self.race = None          # another writer's write, just before the next write that publishes
        self.race_after = None    # one just after it, before its answer goes back
        self.completed = set()    # uploadIds of multipart uploads completed
        # Whether multipart objects' ETags are said as AWS makes them (the MD5
        # of the parts' MD5s, "-N"; s3rver's is the MD5 of the whole)
        self.aws_etags = False
        self.part_md5s = {}       # uploadId: {partNumber: MD5 digest}
        self.aws_etag = {}        # object path: (s3rver's ETag, AWS's)
        self.conditions = []      # (method, path, {header: value}, held) of conditional writes
        self.lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                try:
                    proxy.serve(self.request)
                except OSError:
                    pass  # the client went (a timeout it was meant to hit)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set(self, mode, times=0):
        with self.lock:
            self.mode, self.times, self.broken = mode, times, 0

    def take(self, method, path, headers):
        """The fault for this request, if any: only object reads and writes break."""
        with self.lock:
            mode = self.mode
            if mode is None:
                return None
            is_object = "/" in path.split("?")[0].strip("/")
            wanted = {"reset": method == "GET" and is_object,
                      "truncate": method == "GET" and is_object,
                      "slow": method == "GET" and is_object,
                      "stall": method == "GET" and is_object,
                      "403": True,
                      "503": True,
                      # listings past their first page
                      "503-later": method == "GET" and not is_object and
                      ("start-after=" in path or "continuation-token=" in path),
                      "reset-upload": method == "PUT",
                      # the write is done, its answer lost
                      "lose-answer": self.publishes(method, path, headers)}[mode]
            if not wanted or (self.times and self.broken >= self.times):
                return None
            self.broken += 1
            return mode

    def serve(self, client):
        client.settimeout(30)
        buf = b""
        while True:
            # One request at a time on this connection.
            while b"\r\n\r\n" not in buf:
                chunk = client.recv(65536)
                if not chunk:
                    return
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0"))
            fault = self.take(method, path, headers)
            with self.lock:
                self.seen.append((method, path, headers))
            if fault == "reset-upload":
                # Take part of the body, then drop the connection.
                while len(buf) < min(length, 4096):
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                client.shutdown(socket.SHUT_RDWR)
                return
            while len(buf) < length:
                chunk = client.recv(65536)
                if not chunk:
                    return
                buf += chunk
            body, buf = buf[:length], buf[length:]
            if fault == "403":
                msg = b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n\r\n%s" % (len(msg), msg))
                continue
            if fault in ("503", "503-later"):
                msg = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
                client.sendall(b"HTTP/1.1 503 Slow Down\r\nContent-Length: %d\r\n\r\n%s" % (len(msg), msg))
                continue
            if fault == "stall":
                time.sleep(8)
                return
            if not self.precondition_holds(method, path, headers):
                msg = b"<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions " \
                      b"you specified did not hold</Message></Error>"
                client.sendall(b"HTTP/1.1 412 Precondition Failed\r\nContent-Length: %d\r\n\r\n%s" % (len(msg), msg))
                continue
            query = urllib.parse.parse_qs(path.partition("?")[2])
            upload_id = query.get("uploadId", [None])[0]
            object_path = urllib.parse.unquote(path.split("?")[0])
            if method == "PUT" and upload_id is not None and "partNumber" in query:
                with self.lock:
                    self.part_md5s.setdefault(upload_id, {})[int(query["partNumber"][0])] = hashlib.md5(body).digest()
            if method == "POST" and upload_id in self.completed:
                # s3rver says 500 for an upload it completed; S3 and Cloud
                # Storage, that there is no such upload.
                msg = b"<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist</Message></Error>"
                client.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n%s" % (len(msg), msg))
                continue
            answer = self.forward(head, body)
            with self.lock:
                self.answers.append((method, path, int(answer.split(b" ", 2)[1])))
                if method == "POST" and upload_id is not None and answer.startswith(b"HTTP/1.1 200"):
                    self.completed.add(upload_id)
                    parts = self.part_md5s.pop(upload_id, {})
                    if self.aws_etags and parts:
                        bucket, key = object_path.lstrip("/").split("/", 1)
                        self.aws_etag[object_path] = (self.s3.head_object(Bucket=bucket, Key=key)["ETag"].encode(),
                                                      b'"%s-%d"' % (hashlib.md5(b"".join(
                                                          parts[n] for n in sorted(parts))).hexdigest().encode(),
                                                          len(parts)))
                said = self.aws_etag.get(object_path) if self.aws_etags and method in ("HEAD", "GET") else None
                race_after = None
                if self.publishes(method, path, headers):
                    race_after, self.race_after = self.race_after, None
            if said is not None:
                # Only while the object is the one completed.
                head_end = answer.index(b"\r\n\r\n")
                hlines = [b"ETag: " + said[1] if l.lower() == b"etag: " + said[0].lower() else l
                          for l in answer[:head_end].split(b"\r\n")]
                answer = b"\r\n".join(hlines) + answer[head_end:]
            if race_after is not None:
                race_after()
            if fault == "lose-answer":
                # s3rver has written the object; the client hears a reset.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                return
            if fault == "slow":
                # Whole, but over a few seconds: a reader can stop before the end.
                for i in range(0, len(answer), 1 << 16):
                    client.sendall(answer[i:i + (1 << 16)])
                    time.sleep(0.01)
                continue
            if fault in ("reset", "truncate"):
                # The headers and part of the body, then the connection goes.
                cut = answer.index(b"\r\n\r\n") + 4
                cut += max(1, (len(answer) - cut) // 3)
                client.sendall(answer[:cut])
                if fault == "reset":
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                return
            client.sendall(answer)

    @staticmethod
    def publishes(method, path, headers):
        """Whether the request puts an object in place: a PUT of its bytes (not
        a part, not a copy), or the CompleteMultipartUpload of its parts."""
        query = path.partition("?")[2]
        if method == "PUT":
            return "partNumber=" not in query and "x-amz-copy-source" not in headers and \
                "x-goog-copy-source" not in headers
        return method == "POST" and "uploadId=" in query

    def precondition_holds(self, method, path, headers):
        """A real server's check of a write's If-Match, If-None-Match: * and
        x-goog-if-generation-match against the object as it is (s3rver
        ignores them); the other writer's write, if the test set one, goes
        first."""
        if not self.publishes(method, path, headers):
            return True
        with self.lock:
            race, self.race = self.race, None
        if race is not None:
            race()
        names = ("if-match", "if-none-match", "x-goog-if-generation-match")
        given = {k: headers[k] for k in names if k in headers}
        if not given:
            return True
        bucket, key = urllib.parse.unquote(path.split("?")[0]).lstrip("/").split("/", 1)
        try:
            etag = self.s3.head_object(Bucket=bucket, Key=key)["ETag"]
        except botocore.exceptions.ClientError:
            etag = None
        held = True
        if "if-match" in given:
            held = held and etag is not None and given["if-match"].strip('"') in ("*", etag.strip('"'))
        if "if-none-match" in given:
            held = held and given["if-none-match"] == "*" and etag is None
        if "x-goog-if-generation-match" in given:
            held = held and given["x-goog-if-generation-match"] == str(generation(etag))
        with self.lock:
            self.conditions.append((method, path, given, held))
        return held

    def forward(self, head, body):
        # One fresh upstream connection per request, read to its end.
        lines = head.split(b"\r\n")
        # s3rver takes no OAuth tokens: the proxy, like an emulator, lets
        # them through unchecked (the test has looked at them).
        lines = [l for l in lines if not l.lower().startswith((b"connection:", b"authorization: bearer"))]
        # Cloud Storage's copy header in S3's words, as an emulator takes it.
        lines = [b"x-amz-copy-source:" + l.split(b":", 1)[1] if l.lower().startswith(b"x-goog-copy-source:") else l
                 for l in lines]
        lines.append(b"Connection: close")
        up = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
        up.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        data = b""
        while True:
            chunk = up.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        up.close()
        # Keep the client's connection open: drop upstream's Connection: close.
        head_end = data.index(b"\r\n\r\n")
        hlines = [l for l in data[:head_end].split(b"\r\n") if not l.lower().startswith(b"connection:")]
        # Each object's generation beside its ETag, and its MD5 where the ETag
        # is one, as Cloud Storage says them.
        for l in list(hlines):
            if l.lower().startswith(b"etag:"):
                value = l.split(b":", 1)[1].strip().decode()
                hlines.append(b"x-goog-generation: %d" % generation(value))
                if re.fullmatch(r'"[0-9a-f]{32}"', value):
                    hlines.append(b"x-goog-hash: crc32c=AAAAAA==, md5=%s" %
                                  base64.b64encode(bytes.fromhex(value.strip('"'))))
        return b"\r\n".join(hlines) + data[head_end:]


# ---------------------------------------------------------------------------

def run(args, env, timeout=60, input=None):
    start = time.monotonic()
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, input=input)
    return p, time.monotonic() - start


def main():
    with running(S3RVER) as (tmp, port):
        tests(tmp, port)
    sys.exit(checks.summary())


def tests(tmp, port):
    endpoint = "http://127.0.0.1:%d" % port
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
                      region_name="us-east-1", config=botocore.config.Config(retries={"max_attempts": 1}))
    s3.create_bucket(Bucket=BUCKET)
    proxy = Proxy(port, boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="S3RVER",
                                     aws_secret_access_key="S3RVER", region_name="us-east-1"))

    home = os.path.join(tmp, "home")
    os.mkdir(home)
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "STORAGE_", "GCE_"))}
    # Not Compute Engine, whatever machine runs the tests: its metadata
    # server would give gs:// its tokens (test-gcs-tokens.py tests that).
    base_env.update({"DREY_S3_DMI_PRODUCT_NAME": os.devnull})
    base_env.update({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                     "DREY_S3_CONNECT_TIMEOUT": "5", "DREY_S3_LOW_SPEED_TIME": "2", "DREY_S3_ATTEMPTS": "3"})
    env = dict(base_env, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % proxy.port,
               AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER")

    def cli(*args, e=env, **kw):
        return run([DREY_CLI] + list(args), e, **kw)[0]

    # --- seed: shards as squirrel writes them, and what is not a shard
    rng = np.random.default_rng(14)
    keys = ["shard-02", "shard-10", "Shard-1", "shard-01", "a.b", "z", "shard-0\u00e9"]
    originals = {}
    for i, key in enumerate(keys):
        samples = [{"image": rng.integers(0, 255, size=(4, 4, 3), dtype=np.uint8), "label": j + i,
                    "name": "%s/%d" % (key, j)} for j in range(3)]
        originals[key] = samples
        s3.put_object(Bucket=BUCKET, Key="train/%s.gz" % key, Body=squirrel_shard(samples))
    for extra in ["train/sub/nested.gz", "train/notes.txt", "train/.drey-undo-ABCDEFGH.tmp", "train2/other.gz",
                  "trainx.gz"]:
        s3.put_object(Bucket=BUCKET, Key=extra, Body=b"not a shard")
    store = "s3://%s/train" % BUCKET
    expected_keys = [n[:-3] for n in sorted(k + ".gz" for k in keys)]

    p = cli("keys", store)
    check(p.returncode == 0 and p.stdout.split("\n")[:-1] == expected_keys,
          "keys: squirrel's order, only KEY.gz directly under the prefix", p.stdout + p.stderr)
    p = cli("keys", store + "/")
    check(p.stdout.split("\n")[:-1] == expected_keys, "keys: a trailing '/' names the same store")
    p = run([STORE_TOOL, "stream", store], env)[0]
    check(p.returncode == 0 and p.stdout.split("\n")[:-2] == expected_keys and "# 7 keys" in p.stdout,
          "streamed listing: the same keys in squirrel's order", p.stdout + p.stderr)

    # A listing of many pages (s3rver's are 1000 keys long): a run of
    # numbers, names between and after them, a folder in the middle (a
    # common prefix, which counts in a page but is no shard) and objects
    # that are not shards.
    from concurrent.futures import ThreadPoolExecutor
    many = ["m%04d" % i for i in range(2100)] + ["x%05d" % (i * 7) for i in range(300)] + \
        ["A-first", "m1000x", "m1500-", "m0999.5", "mZ", "n", "zzz", "m2099~"]
    many = [name[:-3] for name in sorted(k + ".gz" for k in many)]   # squirrel's order: the file names'
    others = ["many/m1200/sub.gz", "many/m1201/a/b.gz", "many/m1300.txt", "many/m1301.gz.tmp"]
    tiny = squirrel_shard([{"i": 1}])
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=tiny),
                      ["many/%s.gz" % k for k in many] + others))
    p = cli("keys", "s3://%s/many" % BUCKET)
    check(p.returncode == 0 and p.stdout.split("\n")[:-1] == many,
          "keys: %d keys over three pages and more, in order" % len(many), p.stderr)
    p = run([STORE_TOOL, "stream", "s3://%s/many" % BUCKET], env)[0]
    check(p.returncode == 0 and p.stdout.split("\n")[:-2] == many,
          "streamed: %d keys over three pages and more, in order" % len(many), p.stderr)
    proxy.set("503-later")
    p, took = run([DREY_CLI, "keys", "s3://%s/many" % BUCKET], env)
    proxy.set(None)
    check(p.returncode != 0 and "throttles" in p.stderr and took < 30,
          "a listing whose later pages fail: a clear error, no hang (%.1f s)" % took, p.stderr)

    # --- reading what boto3 uploaded
    ok = True
    for key in keys:
        p = cli("cat", store, key)
        lines = [json.loads(l) for l in p.stdout.splitlines()]
        want = [{"image": {"data": s["image"].tolist(), "type": "|u1", "shape": [4, 4, 3]},
                 "label": s["label"], "name": s["name"]} for s in originals[key]]
        if p.returncode != 0 or lines != want:
            ok = False
            print("#   cat %s: %s" % (key, p.stderr))
    check(ok, "cat decodes every shard boto3 uploaded")
    p = cli("check", store)
    check(p.returncode == 0 and p.stdout.count(": ok,") == len(keys), "check: every shard ok", p.stdout + p.stderr)
    p = cli("info", store)
    check(p.returncode == 0 and "shards:     7" in p.stdout and store in p.stdout, "info names the bucket store",
          p.stdout + p.stderr)
    p = cli("stats", store, "z")
    check(p.returncode == 0 and "label" in p.stdout, "stats of a remote shard", p.stderr)
    p = cli("cat", store, "missing")
    check(p.returncode != 0 and "has no shard 'missing'" in p.stderr, "cat of a missing key: not found", p.stderr)

    # --- writing: set, multipart, copy both ways, rm
    lines = "".join(json.dumps({"x": i, "text": "zw\u00f6lf"}) + "\n" for i in range(5))
    p = cli("set", store, "written", "-", input=lines)
    got = decode_shard(s3.get_object(Bucket=BUCKET, Key="train/written.gz")["Body"].read()) \
        if p.returncode == 0 else None
    check(got == [{"x": i, "text": "zw\u00f6lf"} for i in range(5)], "set: boto3 reads back what Drey wrote",
          p.stderr)
    n = len(proxy.conditions)
    p = cli("set", store, "-", input=lines)
    random_key = p.stdout.strip()
    check(p.returncode == 0 and [(c[0], c[2]) for c in proxy.conditions[n:]] == [("PUT", {"if-none-match": "*"})] and
          proxy.conditions[-1][1].startswith("/%s/train/%s.gz" % (BUCKET, random_key)),
          "set with a random key: If-None-Match: *, never over a key taken meanwhile", p.stderr)
    s3.delete_object(Bucket=BUCKET, Key="train/%s.gz" % random_key)

    big = os.path.join(tmp, "big")
    os.makedirs(big)
    with open(os.path.join(big, "big.gz"), "wb") as f:
        f.write(squirrel_shard([{"noise": rng.integers(0, 2**62, size=(800000,), dtype=np.int64)},
                                {"noise": rng.integers(0, 2**62, size=(800000,), dtype=np.int64)}]))
    multipart_env = dict(env, DREY_S3_MULTIPART_THRESHOLD=str(5 << 20), DREY_S3_PART_SIZE=str(5 << 20))
    before = len([s for s in proxy.seen if "uploadId" in s[1]])
    p = cli("copy", big, "big", store, "big", e=multipart_env, timeout=120)
    with open(os.path.join(big, "big.gz"), "rb") as f:
        want = decode_shard(f.read())
    got = decode_shard(s3.get_object(Bucket=BUCKET, Key="train/big.gz")["Body"].read()) \
        if p.returncode == 0 else None
    parts = len([s for s in proxy.seen if "uploadId" in s[1]]) - before
    check(got is not None and same(got, want) and parts >= 3,
          "copy local -> s3 of a 13 MB shard: a multipart upload (%d requests), boto3 reads the same" % parts,
          p.stderr)
    local = os.path.join(tmp, "local")
    p = cli("copy", store, "shard-01", local)
    with open(os.path.join(local, "shard-01.gz"), "rb") as f:
        check(p.returncode == 0 and same(decode_shard(f.read()), originals["shard-01"]),
              "copy s3 -> local: the same samples", p.stderr)
    p = cli("rm", store, "written")
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="train/").get("Contents", [])]
    check(p.returncode == 0 and "train/written.gz" not in listed, "rm: boto3 no longer lists it", p.stderr)
    p = cli("rm", store, "written")
    check(p.returncode != 0 and "has no shard 'written'" in p.stderr, "rm of a missing key: not found", p.stderr)

    # --- Undo restores the identical object
    before = s3.get_object(Bucket=BUCKET, Key="train/z.gz")["Body"].read()
    p = run([STORE_TOOL, "undo-set", store, "z"], env)[0]
    after = s3.get_object(Bucket=BUCKET, Key="train/z.gz")["Body"].read()
    stashes = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="train/.drey-undo-").get("Contents", [])]
    check(p.returncode == 0 and after == before and "train/.drey-undo-ABCDEFGH.tmp" in stashes and len(stashes) == 1,
          "Undo of a set: the identical object back, the stash gone", p.stdout + p.stderr)
    p = run([STORE_TOOL, "undo-remove", store, "z"], env)[0]
    after = s3.get_object(Bucket=BUCKET, Key="train/z.gz")["Body"].read()
    check(p.returncode == 0 and after == before, "Undo of a remove: the identical object back", p.stderr)
    proc = subprocess.Popen([STORE_TOOL, "undo-set", store, "z"], env=dict(env, STORE_TOOL_PAUSE="1"),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()
    mid = cli("keys", store).stdout.split("\n")[:-1]
    proc.communicate("\n", timeout=30)
    check(sorted(mid) == sorted(expected_keys + ["big"]), "a stash is never listed as a key", mid)

    # --- the stamp a save compares
    p1 = run([STORE_TOOL, "query", store, "shard-10"], env)[0]
    head = s3.head_object(Bucket=BUCKET, Key="train/shard-10.gz")
    s3.put_object(Bucket=BUCKET, Key="train/shard-10.gz", Body=squirrel_shard([{"someone": "else"}]))
    p2 = run([STORE_TOOL, "query", store, "shard-10"], env)[0]
    check(p1.returncode == 0 and p1.stdout.split()[2] == head["ETag"] and
          int(p1.stdout.split()[0]) == head["ContentLength"] and p2.stdout.split()[2] != p1.stdout.split()[2],
          "query: size and ETag as boto3 sees them; another writer changes the ETag", p1.stdout + p2.stdout)

    # --- a save when another writer writes between its check and its write
    def stashes():
        return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="train/.drey-undo-").get("Contents", [])]

    def body(key):
        return s3.get_object(Bucket=BUCKET, Key="train/%s.gz" % key)["Body"].read()

    def etag(key):
        return s3.head_object(Bucket=BUCKET, Key="train/%s.gz" % key)["ETag"]

    def race(key, samples):
        """boto3 writes KEY just before Drey's next write that publishes an
        object reaches the server: after Drey's check."""
        data = squirrel_shard(samples)
        proxy.race = lambda: s3.put_object(Bucket=BUCKET, Key="train/%s.gz" % key, Body=data)
        return data

    def save(location, key, mode, *more, e=env):
        n = len(proxy.conditions)
        p = run([STORE_TOOL, "save", location, key, mode] + list(more), e)[0]
        proxy.race = None
        return p, [(c[0], c[2], c[3]) for c in proxy.conditions[n:]]

    kept = stashes()
    read = etag("shard-02")
    theirs = race("shard-02", [{"other": "writer"}])
    n = len(proxy.seen)
    p, conds = save(store, "shard-02", "edit")
    # A first attempt's refusal stands as it is: nothing asks the object after it.
    after = [r[0] for r in proxy.seen[n:] if r[1] == "/%s/train/shard-02.gz" % BUCKET]
    check(p.returncode == 3 and
          p.stdout == "refused changed-on-disk: shard 'shard-02' changed on disk since it was read\n" and
          conds == [("PUT", {"if-match": read}, False)] and body("shard-02") == theirs and stashes() == kept and
          after[-1] == "PUT",
          "a save raced after its check: If-Match on the ETag read, a 412, the changed-on-disk question; "
          "boto3 reads the other writer's object unchanged, no stash left", p.stdout + p.stderr + str(conds))
    again = race("shard-02", [{"other": "again"}])
    p, conds = save(store, "shard-02", "edit", "replace")
    made = [k for k in stashes() if k not in kept]
    got = decode_shard(body("shard-02")) if p.returncode == 0 else None
    check(p.returncode == 0 and
          p.stdout == "refused changed-on-disk: shard 'shard-02' changed on disk since it was read\nsaved\n" and
          len(conds) == 1 and not conds[0][2] and got == [{"saved": "by drey"}, {"other": "writer"}] and
          len(made) == 1 and s3.get_object(Bucket=BUCKET, Key=made[0])["Body"].read() == again,
          "agreed to (replace): written with no condition; the Undo stash holds the other writer's object",
          p.stdout + p.stderr + str(conds))
    for k in made:
        s3.delete_object(Bucket=BUCKET, Key=k)

    theirs = race("taken", [{"taken": "meanwhile"}])
    p, conds = save(store, "taken", "new")
    check(p.returncode == 3 and p.stdout == "refused exists: the store already has a shard 'taken'\n" and
          conds == [("PUT", {"if-none-match": "*"}, False)] and body("taken") == theirs and stashes() == kept,
          "a new shard whose key is taken after the check: If-None-Match: *, the key-taken question, "
          "boto3 reads the other writer's object", p.stdout + p.stderr + str(conds))

    read = etag("shard-01")
    theirs = race("shard-01", [{"other": "multipart"}])
    n = len(proxy.seen)
    p, conds = save(store, "shard-01", "edit", e=dict(env, DREY_S3_MULTIPART_THRESHOLD="64"))
    aborted = [r for r in proxy.seen[n:] if r[0] == "DELETE" and "uploadId=" in r[1]]
    check(p.returncode == 3 and "refused changed-on-disk" in p.stdout and
          conds == [("POST", {"if-match": read}, False)] and aborted and body("shard-01") == theirs and
          stashes() == kept,
          "a multipart save raced: If-Match on CompleteMultipartUpload, refused, the parts aborted",
          p.stdout + p.stderr + str(conds))

    # --- a save whose write is done but whose answer is lost: the retry is
    # refused by Drey's own write, which the object itself then tells
    def lose_answer(location, key, mode, e=env, after=None):
        """Drey's save with the answer to its write lost once (the object
        written, the connection reset); AFTER, if given, writes just after
        Drey's write, before the retry."""
        before = stashes()
        proxy.set("lose-answer", times=1)
        proxy.race_after = after
        p, conds = save(location, key, mode, e=e)
        broken = proxy.broken
        proxy.set(None)
        proxy.race_after = None
        made = [k for k in stashes() if k not in before]
        return p, conds, broken, made

    lost_keys = ["shard-03", "shard-04", "shard-05", "shard-06", "shard-07"]
    for k in lost_keys:
        s3.put_object(Bucket=BUCKET, Key="train/%s.gz" % k, Body=squirrel_shard([{"seed": k}]))

    def undo_holds(made, old):
        ok = len(made) == 1 and s3.get_object(Bucket=BUCKET, Key=made[0])["Body"].read() == old
        for k in made:
            s3.delete_object(Bucket=BUCKET, Key=k)
        return ok

    old = body("shard-03")
    read = etag("shard-03")
    p, conds, broken, made = lose_answer(store, "shard-03", "edit")
    got = decode_shard(body("shard-03"))
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and
          conds == [("PUT", {"if-match": read}, True), ("PUT", {"if-match": read}, False)] and
          got == [{"saved": "by drey"}] + decode_shard(old) and undo_holds(made, old),
          "a save whose PUT's answer is lost: the retry's 412 is Drey's own write (its ETag is the MD5 of the "
          "body), so saved; boto3 reads Drey's object, only the Undo stash made", p.stdout + p.stderr + str(conds))

    p, conds, broken, made = lose_answer(store, "lost-new", "new")
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and
          conds == [("PUT", {"if-none-match": "*"}, True), ("PUT", {"if-none-match": "*"}, False)] and
          decode_shard(body("lost-new")) == [{"saved": "by drey"}] and not made,
          "a new shard whose PUT's answer is lost: If-None-Match's retry refused by Drey's own object, saved",
          p.stdout + p.stderr + str(conds))

    old = body("shard-04")
    read = etag("shard-04")
    n = len(proxy.seen)
    p, conds, broken, made = lose_answer(store, "shard-04", "edit", e=dict(env, DREY_S3_MULTIPART_THRESHOLD="1"))
    aborted = [r for r in proxy.seen[n:] if r[0] == "DELETE" and "uploadId=" in r[1]]
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and
          conds == [("POST", {"if-match": read}, True), ("POST", {"if-match": read}, False)] and not aborted and
          decode_shard(body("shard-04")) == [{"saved": "by drey"}] + decode_shard(old) and undo_holds(made, old),
          "a multipart save whose CompleteMultipartUpload's answer is lost: the retry's 412 is Drey's own object, "
          "saved", p.stdout + p.stderr + str(conds))

    old = body("shard-04")
    read = etag("shard-04")
    proxy.aws_etags = True
    p, conds, broken, made = lose_answer(store, "shard-04", "edit", e=dict(env, DREY_S3_MULTIPART_THRESHOLD="1"))
    said = etag("shard-04")
    seen_etag = proxy.aws_etag.get("/%s/train/shard-04.gz" % BUCKET)
    proxy.aws_etags = False
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and seen_etag is not None and
          seen_etag[0].decode() == said and re.fullmatch(r'"[0-9a-f]{32}-1"', seen_etag[1].decode()) and
          conds == [("POST", {"if-match": read}, True), ("POST", {"if-match": read}, False)] and
          decode_shard(body("shard-04")) == [{"saved": "by drey"}] + decode_shard(old) and undo_holds(made, old),
          "the same where the server's ETag of it is AWS's (the MD5 of the parts' MD5s, -1): saved",
          p.stdout + p.stderr + str(conds) + str(seen_etag))

    # Someone else writes after Drey's lost write: the object is not Drey's,
    # and the refusal stands.
    old = body("shard-05")
    theirs = squirrel_shard([{"other": "after the lost answer"}])
    p, conds, broken, made = lose_answer(store, "shard-05", "edit", after=lambda: s3.put_object(
        Bucket=BUCKET, Key="train/shard-05.gz", Body=theirs))
    check(p.returncode == 3 and "refused changed-on-disk" in p.stdout and broken == 1 and len(conds) == 2 and
          conds[0][2] and not conds[1][2] and body("shard-05") == theirs and not made,
          "a lost answer and then another writer: the object is not Drey's, still refused, theirs kept",
          p.stdout + p.stderr + str(conds))

    # --- the stamp a save leaves is the write's own ETag: another write
    # just after it (before the answer) is not taken for Drey's
    for key, e, what in (("shard-06", env, "one PUT"),
                         ("shard-07", dict(env, DREY_S3_MULTIPART_THRESHOLD="1"), "multipart")):
        p, conds = save(store, key, "edit", "again", e=e)
        check(p.returncode == 0 and p.stdout == "saved\nsaved\n" and len(conds) == 2 and conds[0][2] and
              conds[1][2], "%s: a second save on the stamp the first one's answer left: its check and its "
              "If-Match hold" % what, p.stdout + p.stderr + str(conds))
        theirs = squirrel_shard([{"other": "just after"}])
        proxy.race_after = lambda key=key: s3.put_object(Bucket=BUCKET, Key="train/%s.gz" % key, Body=theirs)
        p, conds = save(store, key, "edit", "again", e=e)
        proxy.race_after = None
        check(p.returncode == 3 and
              p.stdout == "saved\nrefused changed-on-disk: shard '%s' changed on disk since it was read\n" % key and
              body(key) == theirs,
              "%s: a write just after Drey's, before its answer: the next save asks (the stamp is the write's "
              "own ETag, not a HEAD's after it)" % what, p.stdout + p.stderr + str(conds))
    for k in [k for k in stashes() if k not in kept] + ["train/%s.gz" % k for k in lost_keys + ["lost-new"]]:
        s3.delete_object(Bucket=BUCKET, Key=k)

    # --- faults
    # (The cache off: the faults are in the downloads.)
    proxy.set("reset", times=1)
    p = cli("--no-cache", "cat", store, "big", timeout=60)
    check(p.returncode == 0 and proxy.broken == 1 and len(p.stdout.splitlines()) == 2,
          "a reset mid-download: resumed, the shard decodes", p.stderr)
    resumed = [s for s in proxy.seen if s[2].get("range", "").startswith("bytes=")]
    check(resumed and resumed[-1][2].get("if-match") == s3.head_object(Bucket=BUCKET, Key="train/big.gz")["ETag"],
          "the resumed download asks for the rest with Range and If-Match on the ETag")
    proxy.set("503", times=1)
    p = cli("keys", store)
    check(p.returncode == 0 and proxy.broken == 1 and "shard-01" in p.stdout, "a 503 then success: retried",
          p.stderr)
    proxy.set("503")
    p = cli("keys", store)
    check(p.returncode != 0 and "throttles" in p.stderr and proxy.broken == 3,
          "503 SlowDown every time: three tries, then 'throttled'", p.stderr)
    proxy.set("stall")
    p, took = run([DREY_CLI, "--no-cache", "cat", store, "z"], env, timeout=60)
    check(p.returncode != 0 and "stopped answering" in p.stderr and took < 30,
          "a stalled server: a timeout, then a clear error (%.1f s)" % took, p.stderr)
    proxy.set("403")
    p = cli("--no-cache", "cat", store, "z")
    check(p.returncode != 0 and "access denied to bucket 'squirrel'" in p.stderr and "'z'" in p.stderr and
          "S3RVER" not in p.stderr.replace("S3RVER [", ""),
          "a 403: access denied, naming the bucket and the shard, no secret", p.stderr)
    proxy.set("truncate")
    p = cli("--no-cache", "cat", store, "big", timeout=60)
    check(p.returncode != 0 and "download ended after" in p.stderr, "a body cut short every time: a clear error",
          p.stderr)
    proxy.set("reset-upload")
    before = s3.get_object(Bucket=BUCKET, Key="train/z.gz")["Body"].read()
    p = cli("set", store, "z", "-", input='{"half": 1}\n')
    p2 = cli("set", store, "fresh", "-", input='{"half": 1}\n')
    proxy.set(None)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="train/").get("Contents", [])]
    check(p.returncode != 0 and p2.returncode != 0 and
          s3.get_object(Bucket=BUCKET, Key="train/z.gz")["Body"].read() == before and "train/fresh.gz" not in listed,
          "an upload cut off: an error, the old object intact, no new key", p.stderr + p2.stderr)

    # --- errors a user can act on
    p = cli("keys", "s3://no-such-bucket/train")
    check(p.returncode != 0 and "no bucket 'no-such-bucket'" in p.stderr, "no such bucket", p.stderr)
    proxy.set("403")
    anon = dict(base_env, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % proxy.port)
    p = cli("keys", store, e=anon)
    proxy.set(None)
    check(p.returncode != 0 and "without credentials" in p.stderr and ".aws/credentials" in p.stderr,
          "no credentials: denied, and where Drey looked", p.stderr)
    aws = os.path.join(home, ".aws")
    os.mkdir(aws)
    with open(os.path.join(aws, "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = NOPE\naws_secret_access_key = nope\n"
                "[drey]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n")
    with open(os.path.join(aws, "config"), "w") as f:
        f.write("[profile drey]\nregion = eu-central-1\ns3 =\n  endpoint_url = http://127.0.0.1:%d\n" % proxy.port)
    n = len(proxy.seen)
    p = cli("keys", store, e=dict(base_env, AWS_PROFILE="drey"))
    auth = proxy.seen[n][2].get("authorization", "") if len(proxy.seen) > n else ""
    check(p.returncode == 0 and "Credential=S3RVER/" in auth and "/eu-central-1/s3/" in auth,
          "AWS_PROFILE: keys and region from ~/.aws, the endpoint from its s3 section", p.stderr + auth)

    # --- the cache of downloaded shards
    cache = os.path.join(home, ".cache", "drey", "shards")
    first = cli("cat", store, "a.b").stdout
    n = len(proxy.answers)
    again = cli("cat", store, "a.b").stdout
    gets = [a for a in proxy.answers[n:] if a[0] == "GET"]
    check(again == first and gets and gets[-1][2] == 304 and
          proxy.seen[-1][2].get("if-none-match") == s3.head_object(Bucket=BUCKET, Key="train/a.b.gz")["ETag"],
          "a shard read again: If-None-Match with its ETag, a 304, the cached bytes", gets)
    s3.put_object(Bucket=BUCKET, Key="train/a.b.gz", Body=squirrel_shard([{"changed": True}]))
    p = cli("cat", store, "a.b")
    check(p.stdout == '{"changed": true}\n', "a shard someone rewrote: read anew, not from the cache", p.stdout)
    n = len(proxy.seen)
    p = cli("--no-cache", "cat", store, "a.b")
    check(p.stdout == '{"changed": true}\n' and "if-none-match" not in proxy.seen[n][2],
          "--no-cache: no conditional read", proxy.seen[n][2])

    def cache_files():
        return sorted(os.listdir(cache))

    big_object = s3.get_object(Bucket=BUCKET, Key="train/big.gz")["Body"].read()
    before = cache_files()
    proxy.set("truncate")
    p = cli("cat", store, "big", timeout=60)
    proxy.set(None)
    check(p.returncode != 0 and cache_files() == before, "a body cut short, the cache on: an error, nothing kept",
          p.stderr + str(cache_files()))
    # The serializer's probe reads a shard's start only, then closes it.
    s3.copy_object(Bucket=BUCKET, Key="probe/big.gz", CopySource={"Bucket": BUCKET, "Key": "train/big.gz"})
    proxy.set("slow")
    p = cli("info", "s3://%s/probe" % BUCKET, timeout=60)
    proxy.set(None)
    check(p.returncode == 0 and "messagepack" in p.stdout.lower() and cache_files() == before,
          "a download its reader stopped (the probe's): nothing kept", p.stdout + p.stderr + str(cache_files()))
    proxy.set("reset", times=1)
    p = cli("cat", store, "big", timeout=60)
    broken = proxy.broken
    proxy.set(None)
    new = [n for n in cache_files() if n not in before and n.endswith(".gz")]
    with open(os.path.join(cache, new[0]) if len(new) == 1 else os.devnull, "rb") as f:
        whole = f.read() == big_object
    check(p.returncode == 0 and broken == 1 and whole and len(p.stdout.splitlines()) == 2,
          "a download resumed after a reset, the cache on: kept whole", "%s%s" % (p.stderr, new))
    n = len(proxy.answers)
    again = cli("cat", store, "big", timeout=60)
    gets = [a for a in proxy.answers[n:] if a[0] == "GET"]
    check(again.stdout == p.stdout and gets and gets[-1][2] == 304, "...and read from the cache next time", gets)

    bound = dict(env, DREY_CACHE_SIZE=str(400))
    for i in range(4):
        s3.put_object(Bucket=BUCKET, Key="cached/c%d.gz" % i, Body=squirrel_shard([{"i": i, "pad": "x" * 100}]))
        cli("cat", "s3://%s/cached" % BUCKET, "c%d" % i, e=bound)
    sizes = [os.path.getsize(os.path.join(cache, n)) for n in os.listdir(cache) if n.endswith(".gz")]
    check(sum(sizes) <= 400 and len(sizes) >= 1, "the cache stays within DREY_CACHE_SIZE (%d bytes in %d files)"
          % (sum(sizes), len(sizes)))
    check(not [n for n in os.listdir(cache) if n.startswith(".download-")], "no half download left in the cache")

    # Temp files of downloads: one left by a process that died (old, nobody
    # holds its lock) goes at the next eviction; one a live download holds
    # (flock, as Drey's writer does) stays, however old; so does a new one.
    stale, held, new = (os.path.join(cache, ".download-" + n) for n in ("dead01", "held01", "new001"))
    for path in (stale, held, new):
        with open(path, "wb") as f:
            f.write(b"x" * 1000)
    for path in (stale, held):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    holder = open(held, "rb")
    fcntl.flock(holder, fcntl.LOCK_EX)
    s3.put_object(Bucket=BUCKET, Key="cached/c9.gz", Body=squirrel_shard([{"i": 9}]))
    p = cli("cat", "s3://%s/cached" % BUCKET, "c9", e=bound)
    left = sorted(n for n in os.listdir(cache) if n.startswith(".download-"))
    check(p.returncode == 0 and left == [".download-held01", ".download-new001"],
          "a dead download's temp file swept; a held or new one kept", p.stderr + str(left))
    holder.close()
    for path in (held, new):
        os.unlink(path)
    big = squirrel_shard([{"pad": os.urandom(600)}])
    s3.put_object(Bucket=BUCKET, Key="cached/toobig.gz", Body=big)
    before = cache_files()
    p = cli("cat", "s3://%s/cached" % BUCKET, "toobig", e=bound)
    check(p.returncode == 0 and cache_files() == before and len(big) > 400,
          "a shard bigger than the whole cache is read, not kept", p.stderr + str(cache_files()))

    # --- gs:// through STORAGE_EMULATOR_HOST (s3rver speaks the XML API's shapes)
    gs_env = dict(base_env, STORAGE_EMULATOR_HOST="127.0.0.1:%d" % proxy.port)
    n = len(proxy.seen)
    p = cli("keys", "gs://%s/train" % BUCKET, e=gs_env)
    check(p.returncode == 0 and p.stdout.split("\n")[:-1][:len(expected_keys)] != [] and
          "authorization" not in proxy.seen[n][2], "gs:// anonymous through STORAGE_EMULATOR_HOST",
          p.stdout + p.stderr)
    gs_store = "gs://%s/train" % BUCKET
    read = generation(etag("z"))
    p = run([STORE_TOOL, "query", gs_store, "z"], gs_env)[0]
    check(p.returncode == 0 and p.stdout.split()[2] == str(read), "gs:// query: the etag is the generation",
          p.stdout + p.stderr)
    theirs = race("z", [{"other": "gs"}])
    p, conds = save(gs_store, "z", "edit", e=gs_env)
    check(p.returncode == 3 and "refused changed-on-disk" in p.stdout and
          conds == [("PUT", {"x-goog-if-generation-match": str(read)}, False)] and body("z") == theirs and
          stashes() == kept,
          "gs:// save raced: x-goog-if-generation-match on the generation read, refused; theirs unchanged",
          p.stdout + p.stderr + str(conds))
    theirs = race("gs-new", [{"taken": "gs"}])
    p, conds = save(gs_store, "gs-new", "new", e=gs_env)
    check(p.returncode == 3 and "refused exists" in p.stdout and
          conds == [("PUT", {"x-goog-if-generation-match": "0"}, False)] and body("gs-new") == theirs,
          "gs:// new shard raced: generation-match 0, the key-taken question", p.stdout + p.stderr + str(conds))
    read = generation(etag("gs-new"))
    p, conds = save(gs_store, "gs-new", "edit", e=gs_env)
    check(p.returncode == 0 and p.stdout == "saved\n" and
          conds == [("PUT", {"x-goog-if-generation-match": str(read)}, True)] and
          decode_shard(body("gs-new")) == [{"saved": "by drey"}, {"taken": "gs"}],
          "gs:// save with no one else writing: its generation-match holds", p.stdout + p.stderr + str(conds))
    old = body("gs-new")
    read = generation(etag("gs-new"))
    p, conds, broken, made = lose_answer(gs_store, "gs-new", "edit", e=gs_env)
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and
          conds == [("PUT", {"x-goog-if-generation-match": str(read)}, True),
                    ("PUT", {"x-goog-if-generation-match": str(read)}, False)] and
          decode_shard(body("gs-new")) == [{"saved": "by drey"}] + decode_shard(old) and undo_holds(made, old),
          "gs:// a save whose PUT's answer is lost: the retry's 412 is Drey's own object (x-goog-hash's MD5), saved",
          p.stdout + p.stderr + str(conds))
    old = body("gs-new")
    n = len(proxy.seen)
    p, conds, broken, made = lose_answer(gs_store, "gs-new", "edit", e=dict(gs_env, DREY_S3_MULTIPART_THRESHOLD="1"))
    completes = [r for r in proxy.seen[n:] if r[0] == "POST" and "uploadId=" in r[1]]
    check(p.returncode == 0 and p.stdout == "saved\n" and broken == 1 and len(completes) == 2 and not conds and
          decode_shard(body("gs-new")) == [{"saved": "by drey"}] + decode_shard(old) and undo_holds(made, old),
          "gs:// a multipart save whose CompleteMultipartUpload's answer is lost: the retry finds no upload, the "
          "object is Drey's, saved", p.stdout + p.stderr + str(conds))
    p, conds = save(gs_store, "gs-new", "edit", "again", e=gs_env)
    check(p.returncode == 0 and p.stdout == "saved\nsaved\n" and len(conds) == 2 and conds[0][2] and conds[1][2],
          "gs:// a second save on the generation the first PUT's answer gave: it holds", p.stdout + p.stderr + str(conds))
    theirs = squirrel_shard([{"other": "gs, just after"}])
    proxy.race_after = lambda: s3.put_object(Bucket=BUCKET, Key="train/gs-new.gz", Body=theirs)
    p, conds = save(gs_store, "gs-new", "edit", "again", e=gs_env)
    proxy.race_after = None
    check(p.returncode == 3 and p.stdout.startswith("saved\nrefused changed-on-disk") and body("gs-new") == theirs,
          "gs:// a write just after Drey's, before its answer: the next save asks (the stamp is the PUT's "
          "x-goog-generation)", p.stdout + p.stderr + str(conds))
    for k in [k for k in stashes() if k not in kept]:
        s3.delete_object(Bucket=BUCKET, Key=k)

    n = len(proxy.seen)
    p = cli("cat", "gs://%s/train" % BUCKET, "shard-02", e=dict(gs_env, CLOUDSDK_AUTH_ACCESS_TOKEN="ya29.given"))
    check(p.returncode == 0 and proxy.seen[n][2].get("authorization") == "Bearer ya29.given",
          "gs:// with CLOUDSDK_AUTH_ACCESS_TOKEN: a bearer token", p.stderr)

    tokens = []
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    service_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def pem(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()

    def unb64(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    def assertion_problem(assertion, token_uri):
        """None if the JWT is the service account's, signed by its key; else what is wrong."""
        parts = assertion.split(".")
        if len(parts) != 3 or any("=" in part for part in parts):
            return "not three base64url parts without padding"
        header, claims = json.loads(unb64(parts[0])), json.loads(unb64(parts[1]))
        try:
            service_key.public_key().verify(unb64(parts[2]), (parts[0] + "." + parts[1]).encode(),
                                            padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            return "bad signature"
        if header != {"alg": "RS256", "typ": "JWT", "kid": "kid-1234"}:
            return "header %r" % header
        now = time.time()
        if claims.get("iss") != "drey@proj.iam.gserviceaccount.com" or claims.get("aud") != token_uri or \
                claims.get("scope") != "https://www.googleapis.com/auth/devstorage.read_write" or \
                not abs(claims.get("iat", 0) - now) < 60 or claims.get("exp") != claims["iat"] + 3600:
            return "claims %r" % claims
        return None

    class TokenHandler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            form = urllib.parse.parse_qs(body.decode())
            tokens.append(form)
            if form.get("grant_type") == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                problem = assertion_problem(form.get("assertion", [""])[0], "http://%s:%d%s" % (
                    self.server.server_address[0], self.server.server_address[1], self.path))
                ok = problem is None
                answer = json.dumps({"access_token": "ya29.service", "expires_in": 3599, "token_type": "Bearer"}) \
                    if ok else json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT: " + problem})
            else:
                ok = form.get("grant_type") == ["refresh_token"] and form.get("refresh_token") == ["1//refresh"] \
                    and form.get("client_id") == ["id.apps"] and form.get("client_secret") == ["s3cr3t"]
                answer = json.dumps({"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer"}) \
                    if ok else json.dumps({"error": "invalid_grant"})
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args):
            pass

    token_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenHandler)
    threading.Thread(target=token_server.serve_forever, daemon=True).start()
    token_uri = "http://127.0.0.1:%d/token" % token_server.server_address[1]
    adc = os.path.join(home, ".config", "gcloud", "application_default_credentials.json")
    os.makedirs(os.path.dirname(adc))
    with open(adc, "w") as f:
        json.dump({"type": "authorized_user", "client_id": "id.apps", "client_secret": "s3cr3t",
                   "refresh_token": "1//refresh", "token_uri": token_uri}, f)
    n = len(proxy.seen)
    p = cli("check", "gs://%s/train" % BUCKET, "shard-02", "z", e=gs_env)
    auths = {s[2].get("authorization") for s in proxy.seen[n:]}
    check(p.returncode == 0 and len(tokens) == 1 and auths == {"Bearer ya29.fresh"},
          "gs:// with ADC authorized_user: one refresh at the token endpoint, its token on every request",
          p.stdout + p.stderr + str(auths))
    with open(adc, "w") as f:
        json.dump({"type": "authorized_user", "client_id": "id.apps", "client_secret": "wrong",
                   "refresh_token": "1//refresh", "token_uri": token_uri}, f)
    p = cli("keys", "gs://%s/train" % BUCKET, e=gs_env)
    check(p.returncode != 0 and "refused the refresh token" in p.stderr and "invalid_grant" in p.stderr and
          "wrong" not in p.stderr and "1//refresh" not in p.stderr,
          "a refused refresh token: a clear error with Google's reason, no secret in it", p.stderr)

    # A service account's key, as the console downloads it, in the file
    # GOOGLE_APPLICATION_CREDENTIALS names.
    service_account = {"type": "service_account", "project_id": "proj", "private_key_id": "kid-1234",
                       "private_key": pem(service_key), "client_email": "drey@proj.iam.gserviceaccount.com",
                       "client_id": "1234567890", "token_uri": token_uri}
    key_file = os.path.join(home, "drey-sa.json")
    sa_env = dict(gs_env, GOOGLE_APPLICATION_CREDENTIALS=key_file)

    def write_key_file(**fields):
        with open(key_file, "w") as f:
            json.dump({k: v for k, v in dict(service_account, **fields).items() if v is not None}, f)

    write_key_file()
    del tokens[:]
    n = len(proxy.seen)
    p = cli("check", "gs://%s/train" % BUCKET, "shard-02", "z", e=sa_env)
    auths = {s[2].get("authorization") for s in proxy.seen[n:]}
    check(p.returncode == 0 and len(tokens) == 1 and auths == {"Bearer ya29.service"},
          "gs:// with a service_account key: one signed assertion the endpoint verified, its token on every "
          "request", p.stdout + p.stderr + str(auths) + str(tokens))

    def no_secret(text):
        return "PRIVATE KEY" not in text and "ya29" not in text and \
            not any(f.get("assertion", [""])[0][:40] in text for f in tokens if f.get("assertion"))

    write_key_file(private_key=pem(other_key))
    del tokens[:]
    p = cli("keys", "gs://%s/train" % BUCKET, e=sa_env)
    check(p.returncode != 0 and "refused the service account key kid-1234" in p.stderr and
          "Invalid JWT: bad signature" in p.stderr and key_file in p.stderr and len(tokens) == 1 and
          no_secret(p.stderr),
          "a service account key the endpoint refuses: its reason, the key and the file, no secret", p.stderr)

    write_key_file(client_email=None)
    p = cli("keys", "gs://%s/train" % BUCKET, e=sa_env)
    check(p.returncode != 0 and "have no client_email" in p.stderr and key_file in p.stderr and no_secret(p.stderr),
          "a service account key file without client_email: says so", p.stderr)

    write_key_file(private_key="-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    del tokens[:]
    p = cli("keys", "gs://%s/train" % BUCKET, e=sa_env)
    check(p.returncode != 0 and "private_key is not a PEM private key" in p.stderr and key_file in p.stderr and
          not tokens and "bm90IGEga2V5" not in p.stderr,
          "a service account key file whose key is not one: says so, asks no endpoint", p.stderr)

    write_key_file(token_uri="http://127.0.0.1:%d/token" % free_port())
    p = cli("keys", "gs://%s/train" % BUCKET, e=sa_env)
    check(p.returncode != 0 and "cannot get a Google access token at" in p.stderr and no_secret(p.stderr),
          "a token endpoint that cannot be reached: says which", p.stderr)

    with open(adc, "w") as f:
        json.dump({"type": "external_account", "audience": "x"}, f)
    p = cli("keys", "gs://%s/train" % BUCKET, e=gs_env)
    check(p.returncode != 0 and "external_account" in p.stderr and "service_account" in p.stderr,
          "credentials of another type: refused, saying what Drey reads instead", p.stderr)
    token_server.shutdown()


main()
