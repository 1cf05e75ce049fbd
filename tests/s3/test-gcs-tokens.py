#!/usr/bin/python3
# test-gcs-tokens.py: gs:// access tokens that expire, and the Compute
# Engine metadata server.
#
# Usage: test-gcs-tokens.py DREY_CLI S3RVER
#
# s3rver on loopback holds the bucket (seeded by boto3); in front of it a
# proxy that does what Cloud Storage does with OAuth tokens and s3rver
# does not: it takes only the tokens a loopback token endpoint or
# metadata server issued, until they expire (by the expires_in they were
# issued with, on this script's clock), and answers 401 otherwise. Each
# answer can be held back a little, so that one drey-cli run outlives a
# short-lived token without any fake clock. Checked:
#   - a token with a short expires_in is bought again before it expires,
#     not for every request, and no request carries an expired one;
#     without expires_in one token serves the whole run;
#   - a token the server refuses (401) before its time is bought again
#     once and the request sent again (a listing page, a streamed shard);
#     a second refusal is an error naming the credentials, not a loop;
#     a token given in CLOUDSDK_AUTH_ACCESS_TOKEN is not asked again;
#   - the metadata server (GCE_METADATA_HOST; GCE_METADATA_IP where the
#     DMI product name says Google): asked with Metadata-Flavor: Google,
#     its answer must say it too; its tokens expire and are bought again;
#     a 404, an answer without the header, a stall and a closed port are
#     errors naming it; off Compute Engine it is never asked, and "no
#     credentials" says where Drey looked, the metadata server included;
#     ADC files come first;
#   - impersonated_service_account: the source credentials' token (an
#     authorized_user's; a service account's, asked for the iam scope)
#     buys the service account's at the file's generateAccessToken URL
#     (a loopback IAM Credentials API), with the delegates, scope and
#     lifetime; only that token goes to the bucket; its expireTime is
#     kept to; refusals and files missing a part are errors that say so;
#   - no token, refresh token or secret in any error or debug log.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse

try:
    import boto3
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    import msgpack  # noqa: F401 (s3rver.py's)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from s3rver import ACCESS_KEY, SECRET_KEY, free_port, running, squirrel_shard
except ImportError as e:
    print("SKIP: %s (this needs Debian's python3-boto3, -cryptography, -msgpack, -msgpack-numpy)" % e)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

DREY_CLI, S3RVER = sys.argv[1:3]
BUCKET = "squirrel"
SHARDS = ["shard-%02d" % i for i in range(8)]
# A token is taken this long after it expired: a request on its way when
# it expired is not the bug looked for, and the machine may be loaded.
GRACE = 0.5
checks = Checks()
check = checks.check


def serve(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Issuer:
    """Tokens issued, each with when it expires (None: never)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expiry = {}
        self.issued = []          # tokens, in order
        self.expires_in = 3599    # None: not said
        self.count = 0

    def issue(self, prefix):
        with self.lock:
            self.count += 1
            token = "ya29.%s-%d" % (prefix, self.count)
            self.expiry[token] = None if self.expires_in is None else time.monotonic() + self.expires_in
            self.issued.append(token)
            answer = {"access_token": token, "token_type": "Bearer"}
            if self.expires_in is not None:
                answer["expires_in"] = self.expires_in
            return answer

    def valid(self, token):
        with self.lock:
            if token not in self.expiry:
                return False
            expiry = self.expiry[token]
            return expiry is None or time.monotonic() < expiry + GRACE

    def issue_until(self, prefix, seconds):
        """A token as the IAM Credentials API gives it: with the (whole)
        second it expires at."""
        with self.lock:
            self.count += 1
            token = "ya29.%s-%d" % (prefix, self.count)
            until = int(time.time() + seconds)
            self.expiry[token] = time.monotonic() + (until - time.time())
            self.issued.append(token)
            return {"accessToken": token,
                    "expireTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(until))}

    def revoke(self, token):
        with self.lock:
            self.expiry[token] = time.monotonic() - 3600

    def reset(self, expires_in=3599):
        with self.lock:
            self.issued = []
            self.expires_in = expires_in


issuer = Issuer()


class GcsProxy:
    """Cloud Storage's check of the bearer token in front of s3rver."""

    def __init__(self, upstream):
        self.lock = threading.Lock()
        self.seen = []            # (method, path, token or None, status)
        self.delay = 0.0          # seconds each answer is held back
        self.anonymous = True     # whether a request without a token is served
        self.revoke_at = None     # revoke the token of the request with this index
        self.given = set()        # tokens taken without an issuer (CLOUDSDK_AUTH_ACCESS_TOKEN)
        self.only = None          # the prefix of the only tokens taken (the impersonated ones)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                auth = self.headers.get("Authorization")
                token = auth[7:] if auth and auth.startswith("Bearer ") else None
                with proxy.lock:
                    index = len(proxy.seen)
                    if proxy.revoke_at == index and token is not None:
                        issuer.revoke(token)
                if token is not None:
                    ok = token in proxy.given or (issuer.valid(token) and
                                                  token.startswith(proxy.only or "ya29."))
                else:
                    ok = proxy.anonymous
                if not ok:
                    # Cloud Storage's words for a token it does not take.
                    status = 401 if token is not None else 403
                    msg = (b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AuthenticationRequired</Code>"
                           b"<Message>Authentication required.</Message></Error>" if token is not None else
                           b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
                           b"<Message>Anonymous caller does not have storage.objects.list access.</Message>"
                           b"</Error>")
                    with proxy.lock:
                        proxy.seen.append((self.command, self.path, token, status))
                    self.send_response(status)
                    if token is not None:
                        self.send_header("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/", '
                                         'error="invalid_token"')
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    self.wfile.write(msg)
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("authorization", "connection", "host")}
                up = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                up.request(self.command, self.path, body=body, headers=headers)
                reply = up.getresponse()
                data = reply.read()
                up.close()
                with proxy.lock:
                    proxy.seen.append((self.command, self.path, token, reply.status))
                time.sleep(proxy.delay)
                self.send_response(reply.status)
                for k, v in reply.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = answer

            def log_message(self, *args):
                pass

        self.server = serve(Handler)
        self.port = self.server.server_address[1]

    def reset(self, delay=0.0, anonymous=True, revoke_at=None, only=None):
        with self.lock:
            self.seen = []
            self.delay, self.anonymous, self.revoke_at, self.only = delay, anonymous, revoke_at, only


token_forms = []


SERVICE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SERVICE_EMAIL = "source@proj.iam.gserviceaccount.com"


def unb64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def assertion_claims(assertion):
    """The claims of a JWT SERVICE_KEY signed, else None."""
    try:
        header, claims, signature = assertion.split(".")
        SERVICE_KEY.public_key().verify(unb64(signature), (header + "." + claims).encode(), padding.PKCS1v15(),
                                        hashes.SHA256())
        return json.loads(unb64(claims))
    except (ValueError, InvalidSignature):
        return None


class TokenHandler(http.server.BaseHTTPRequestHandler):
    """The token endpoint: an authorized_user's refresh token, or an
    assertion signed with SERVICE_KEY."""

    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        token_forms.append(form)
        if "assertion" in form:
            claims = assertion_claims(form["assertion"][0])
            form["claims"] = claims
            ok = claims is not None and claims.get("iss") == SERVICE_EMAIL
            prefix = "sa"
        else:
            ok = form.get("refresh_token") == ["1//refresh-secret"] and form.get("client_secret") == ["s3cr3t"]
            prefix = "user"
        answer = json.dumps(issuer.issue(prefix) if ok else {"error": "invalid_grant"}).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class Iam:
    """The IAM Credentials API's generateAccessToken: a token of the
    service account for a valid source token."""

    def __init__(self):
        self.asked = []           # (path, source token, body) of every request
        self.refuse = False
        self.life = 3600
        iam = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                auth = self.headers.get("Authorization", "")
                source = auth[7:] if auth.startswith("Bearer ") else None
                iam.asked.append((self.path, source, body, self.headers.get("Content-Type")))
                if iam.refuse:
                    status, answer = 403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message":
                                                     "Permission 'iam.serviceAccounts.getAccessToken' denied on "
                                                     "resource (or it may not exist)."}}
                elif source is None or not issuer.valid(source) or source.startswith("ya29.imp-"):
                    status, answer = 401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                                     "message": "Request had invalid authentication credentials."}}
                else:
                    status, answer = 200, issuer.issue_until("imp", iam.life)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = serve(Handler)
        self.port = self.server.server_address[1]

    def reset(self, refuse=False, life=3600):
        self.asked, self.refuse, self.life = [], refuse, life


class Metadata:
    """The Compute Engine metadata server's token, as it answers it."""

    def __init__(self):
        self.mode = None          # None, "404", "no-flavor", "stall"
        self.asked = []           # (path, Metadata-Flavor header) of every request
        metadata = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                metadata.asked.append((self.path, self.headers.get("Metadata-Flavor")))
                if metadata.mode == "stall":
                    time.sleep(8)
                    return
                if self.headers.get("Metadata-Flavor") != "Google":
                    status, body = 403, b"Missing required header: Metadata-Flavor"
                elif self.path != "/computeMetadata/v1/instance/service-accounts/default/token" or \
                        metadata.mode == "404":
                    status, body = 404, b"Not Found"
                else:
                    status, body = 200, json.dumps(issuer.issue("gce")).encode()
                self.send_response(status)
                if metadata.mode != "no-flavor":
                    self.send_header("Metadata-Flavor", "Google")
                self.send_header("Content-Type", "application/json" if status == 200 else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = serve(Handler)
        self.host = "127.0.0.1:%d" % self.server.server_address[1]

    def reset(self, mode=None):
        self.mode, self.asked = mode, []


def run(args, env, timeout=60):
    start = time.monotonic()
    p = subprocess.run([DREY_CLI] + args, env=env, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p, time.monotonic() - start


def main():
    with running(S3RVER, prefix="drey-gcs-tokens-") as (tmp, port):
        tests(tmp, port)
    sys.exit(checks.summary())


def tests(tmp, port):
    s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % port, aws_access_key_id=ACCESS_KEY,
                      aws_secret_access_key=SECRET_KEY, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    for i, key in enumerate(SHARDS):
        s3.put_object(Bucket=BUCKET, Key="train/%s.gz" % key, Body=squirrel_shard([{"i": i}]))
    proxy = GcsProxy(port)
    token_server = serve(TokenHandler)
    token_uri = "http://127.0.0.1:%d/token" % token_server.server_address[1]
    metadata = Metadata()

    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, ".config"))
    not_gce = os.path.join(tmp, "product_name-pc")
    with open(not_gce, "w") as f:
        f.write("Standard PC (Q35 + ICH9, 2009)\n")
    gce = os.path.join(tmp, "product_name-gce")
    with open(gce, "w") as f:
        f.write("Google Compute Engine\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "STORAGE_", "GCE_", "BOTO_"))}
    env.update({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                "STORAGE_EMULATOR_HOST": "http://127.0.0.1:%d" % proxy.port,
                # Whatever machine the tests run on, it is not Compute Engine
                # unless a test says so.
                "DREY_S3_DMI_PRODUCT_NAME": not_gce,
                "DREY_S3_CONNECT_TIMEOUT": "5", "DREY_S3_LOW_SPEED_TIME": "2", "DREY_S3_ATTEMPTS": "2",
                "G_MESSAGES_DEBUG": "sq-store"})
    adc_file = os.path.join(home, "adc.json")
    with open(adc_file, "w") as f:
        json.dump({"type": "authorized_user", "client_id": "id.apps", "client_secret": "s3cr3t",
                   "refresh_token": "1//refresh-secret", "token_uri": token_uri}, f)
    user_env = dict(env, GOOGLE_APPLICATION_CREDENTIALS=adc_file)
    gce_env = dict(env, GCE_METADATA_HOST=metadata.host)
    store = "gs://%s/train" % BUCKET
    check_all = ["--jobs", "1", "--no-cache", "check", store]

    def no_secret(p):
        text = p.stdout + p.stderr
        return "ya29" not in text and "1//refresh-secret" not in text and "s3cr3t" not in text

    def out(p):
        """stdout without GLib's debug lines (which go there)."""
        return [l for l in p.stdout.splitlines() if "-DEBUG: " not in l]

    def tokens_used():
        return [s[2] for s in proxy.seen]

    # --- expiry: a short expires_in against a run that outlives it
    for name, e, prefix in (("authorized_user", user_env, "user"), ("the metadata server", gce_env, "gce")):
        issuer.reset(expires_in=2)
        proxy.reset(delay=0.5)
        metadata.reset()
        p, took = run(check_all, e)
        used = tokens_used()
        refused = [s for s in proxy.seen if s[3] == 401]
        bought = len(issuer.issued)
        check(p.returncode == 0 and not refused and len(used) == len(SHARDS) + 1 and
              all(t is not None and t.startswith("ya29.%s-" % prefix) for t in used) and
              2 <= bought <= len(used) // 2 and set(used) == set(issuer.issued),
              "%s: a 2 s token over a %.1f s run is bought again before it expires (%d tokens for %d requests), "
              "never sent expired" % (name, took, bought, len(used)),
              p.stdout + p.stderr + "\n" + str(proxy.seen) + "\n" + str(issuer.issued))
        check(no_secret(p), "%s: no token in the output or the debug log" % name, p.stderr)

    issuer.reset(expires_in=None)
    proxy.reset(delay=0.3)
    p, took = run(check_all, user_env)
    used = tokens_used()
    check(p.returncode == 0 and len(issuer.issued) == 1 and len(used) == len(SHARDS) + 1 and
          set(used) == set(issuer.issued),
          "a token answer without expires_in: one token for the whole run (%.1f s), not one a request" % took,
          p.stdout + p.stderr + "\n" + str(proxy.seen))

    # --- a token the server refuses before its time
    for index, what in ((0, "the listing"), (2, "a streamed shard")):
        issuer.reset()
        proxy.reset(revoke_at=index)
        p, took = run(check_all, user_env)
        refused = [i for i, s in enumerate(proxy.seen) if s[3] == 401]
        check(p.returncode == 0 and refused == [index] and len(issuer.issued) == 2 and
              proxy.seen[index + 1][:2] == proxy.seen[index][:2] and
              proxy.seen[index + 1][2] == issuer.issued[1] and len(out(p)) == len(SHARDS),
              "a 401 on %s: a new token bought once, the request sent again with it" % what,
              p.stdout + p.stderr + "\n" + str(proxy.seen))
        check(no_secret(p), "a 401 on %s: no token in the output or the debug log" % what, p.stderr)

    issuer.reset()
    proxy.reset()
    # Every token refused: the endpoint issues them, the bucket takes none.
    saved_valid = issuer.valid
    issuer.valid = lambda token: False
    p, took = run(["keys", store], user_env)
    check(p.returncode != 0 and len(issuer.issued) == 2 and [s[3] for s in proxy.seen] == [401, 401] and
          "access denied to bucket 'squirrel' for the credentials from %s" % adc_file in p.stderr and
          "AuthenticationRequired" in p.stderr and no_secret(p),
          "tokens refused every time: one new token, then an error naming the credentials, no secret",
          p.stderr + "\n" + str(proxy.seen))
    p, took = run(["--no-cache", "cat", store, SHARDS[0]], user_env)
    check(p.returncode != 0 and "access denied" in p.stderr and no_secret(p) and len(issuer.issued) == 4,
          "the same for a shard read", p.stderr + "\n" + str(issuer.issued))
    issuer.valid = saved_valid

    proxy.reset()
    p, took = run(["keys", store], dict(env, CLOUDSDK_AUTH_ACCESS_TOKEN="ya29.given-revoked"))
    check(p.returncode != 0 and [s[3] for s in proxy.seen] == [401] and
          "credentials from CLOUDSDK_AUTH_ACCESS_TOKEN" in p.stderr and no_secret(p),
          "a refused CLOUDSDK_AUTH_ACCESS_TOKEN: not sent again (there is no other), an error", p.stderr)

    # --- the metadata server
    issuer.reset()
    proxy.reset(anonymous=False)
    metadata.reset()
    p, took = run(["keys", store], gce_env)
    check(p.returncode == 0 and out(p) == SHARDS and
          metadata.asked == [("/computeMetadata/v1/instance/service-accounts/default/token", "Google")] and
          tokens_used() == issuer.issued == ["ya29.gce-%d" % issuer.count],
          "GCE_METADATA_HOST: the default service account's token, asked with Metadata-Flavor: Google",
          p.stdout + p.stderr + str(metadata.asked) + str(proxy.seen))

    issuer.reset()
    proxy.reset(anonymous=False)
    metadata.reset()
    p, took = run(["keys", store], dict(env, DREY_S3_DMI_PRODUCT_NAME=gce, GCE_METADATA_IP=metadata.host))
    check(p.returncode == 0 and out(p) == SHARDS and len(metadata.asked) == 1 and
          tokens_used() == issuer.issued and len(issuer.issued) == 1,
          "a machine whose DMI product name says Google: its metadata server (GCE_METADATA_IP) asked",
          p.stdout + p.stderr + str(metadata.asked))

    issuer.reset()
    proxy.reset(anonymous=False)
    metadata.reset()
    p, took = run(["keys", store], dict(gce_env, GOOGLE_APPLICATION_CREDENTIALS=adc_file))
    check(p.returncode == 0 and not metadata.asked and len(issuer.issued) == 1 and
          issuer.issued[0].startswith("ya29.user-"),
          "an ADC file comes before the metadata server", p.stderr + str(metadata.asked))

    for mode, words in (("404", ["has no token for a default service account", "HTTP 404"]),
                        ("no-flavor", ["without 'Metadata-Flavor: Google'", "no metadata server"])):
        issuer.reset()
        proxy.reset(anonymous=False)
        metadata.reset(mode)
        p, took = run(["keys", store], gce_env)
        check(p.returncode != 0 and metadata.host in p.stderr and "GCE_METADATA_HOST" in p.stderr and
              all(w in p.stderr for w in words) and not proxy.seen and no_secret(p),
              "the metadata server answering %s: an error naming it, its token not used" % mode,
              p.stderr + str(proxy.seen))

    metadata.reset("stall")
    p, took = run(["keys", store], gce_env)
    check(p.returncode != 0 and "stopped answering" in p.stderr and metadata.host in p.stderr and
          "found by GCE_METADATA_HOST" in p.stderr and took < 10,
          "a metadata server that stalls: a timeout naming it (%.1f s)" % took, p.stderr)

    gone = "127.0.0.1:%d" % free_port()
    p, took = run(["keys", store], dict(env, GCE_METADATA_HOST=gone))
    check(p.returncode != 0 and "cannot get a Google access token at http://%s/" % gone in p.stderr and
          "the Compute Engine metadata server, found by GCE_METADATA_HOST" in p.stderr and took < 10,
          "a metadata server that is not there: an error naming it", p.stderr)

    # --- off Compute Engine: anonymous, the metadata server never asked
    metadata.reset()
    proxy.reset(anonymous=True)
    p, took = run(["keys", store], dict(env, GCE_METADATA_IP=metadata.host))
    check(p.returncode == 0 and not metadata.asked and tokens_used() == [None],
          "off Compute Engine (GCE_METADATA_IP set, the DMI product name not Google): anonymous, no metadata "
          "server asked", p.stderr + str(metadata.asked))
    proxy.reset(anonymous=False)
    p, took = run(["keys", store], env)
    check(p.returncode != 0 and "without credentials" in p.stderr and adc_file not in p.stderr and
          "the Compute Engine metadata server (not asked: %s does not say Google)" % not_gce in p.stderr and
          not metadata.asked,
          "no credentials, off Compute Engine: where Drey looked, the metadata server included", p.stderr)

    # --- impersonated_service_account, as gcloud auth application-default
    # login --impersonate-service-account writes it
    iam = Iam()
    target = "target@proj.iam.gserviceaccount.com"
    iam_url = "http://127.0.0.1:%d/v1/projects/-/serviceAccounts/%s:generateAccessToken" % (iam.port, target)
    user_source = {"type": "authorized_user", "client_id": "id.apps", "client_secret": "s3cr3t",
                   "refresh_token": "1//refresh-secret", "token_uri": token_uri}
    key_pem = SERVICE_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    key_source = {"type": "service_account", "project_id": "proj", "private_key_id": "kid-1",
                  "private_key": key_pem, "client_email": SERVICE_EMAIL, "token_uri": token_uri}
    imp_file = os.path.join(home, "impersonated.json")
    imp_env = dict(env, GOOGLE_APPLICATION_CREDENTIALS=imp_file)
    scope = "https://www.googleapis.com/auth/devstorage.read_write"

    def write_imp(**fields):
        info = {"type": "impersonated_service_account", "service_account_impersonation_url": iam_url,
                "source_credentials": user_source, "delegates": []}
        with open(imp_file, "w") as f:
            json.dump({k: v for k, v in dict(info, **fields).items() if v is not None}, f)

    def imp_secret_free(p):
        return no_secret(p) and "PRIVATE KEY" not in p.stdout + p.stderr

    write_imp()
    issuer.reset()
    proxy.reset(anonymous=False, only="ya29.imp-")
    iam.reset()
    del token_forms[:]
    p, took = run(["keys", store], imp_env)
    check(p.returncode == 0 and out(p) == SHARDS and len(token_forms) == 1 and len(iam.asked) == 1 and
          iam.asked[0][0] == "/v1/projects/-/serviceAccounts/%s:generateAccessToken" % target and
          iam.asked[0][1] == issuer.issued[0] and issuer.issued[0].startswith("ya29.user-") and
          iam.asked[0][2] == {"delegates": [], "scope": [scope], "lifetime": "3600s"} and
          iam.asked[0][3] == "application/json" and tokens_used() == issuer.issued[1:] and
          issuer.issued[1].startswith("ya29.imp-"),
          "impersonated_service_account (authorized_user source): the user's token buys the service account's "
          "at generateAccessToken, which alone goes to the bucket", p.stdout + p.stderr + str(iam.asked))
    check(imp_secret_free(p), "impersonation: no token or secret in the output or the debug log", p.stderr)

    mid = "mid@proj.iam.gserviceaccount.com"
    write_imp(source_credentials=key_source, delegates=[mid])
    issuer.reset()
    proxy.reset(anonymous=False, only="ya29.imp-")
    iam.reset()
    del token_forms[:]
    p, took = run(["keys", store], imp_env)
    claims = token_forms[0].get("claims") if token_forms else None
    check(p.returncode == 0 and out(p) == SHARDS and claims is not None and
          claims.get("scope") == "https://www.googleapis.com/auth/iam" and len(iam.asked) == 1 and
          iam.asked[0][1].startswith("ya29.sa-") and
          iam.asked[0][2] == {"delegates": [mid], "scope": [scope], "lifetime": "3600s"} and
          all(t.startswith("ya29.imp-") for t in tokens_used()),
          "impersonation from a service_account key, through a delegate: its assertion asks for the iam scope, "
          "the delegates go as written", p.stdout + p.stderr + str(claims) + str(iam.asked))
    check(imp_secret_free(p), "impersonation from a key: no key, token or secret in the output", p.stderr)

    write_imp()
    issuer.reset()
    proxy.reset(delay=0.5, anonymous=False, only="ya29.imp-")
    iam.reset(life=3)
    p, took = run(check_all, imp_env)
    used = tokens_used()
    imp = [t for t in issuer.issued if t.startswith("ya29.imp-")]
    check(p.returncode == 0 and not [s for s in proxy.seen if s[3] == 401] and len(used) == len(SHARDS) + 1 and
          2 <= len(imp) <= len(used) // 2 and set(used) == set(imp) and len(iam.asked) == len(imp),
          "an impersonated token expiring in 3 s (expireTime) over a %.1f s run: bought again before it "
          "expires (%d tokens for %d requests)" % (took, len(imp), len(used)),
          p.stdout + p.stderr + "\n" + str(proxy.seen) + "\n" + str(issuer.issued))

    issuer.reset()
    proxy.reset(anonymous=False, only="ya29.imp-")
    iam.reset(refuse=True)
    p, took = run(["keys", store], imp_env)
    check(p.returncode != 0 and iam_url in p.stderr and target in p.stderr and imp_file in p.stderr and
          "PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied" in p.stderr and
          "Service Account Token Creator" in p.stderr and not proxy.seen and imp_secret_free(p),
          "generateAccessToken refused: Google's reason, the service account, the file, what role is needed; "
          "no secret", p.stderr)

    write_imp(source_credentials=dict(user_source, client_secret="wrong"))
    iam.reset()
    p, took = run(["keys", store], imp_env)
    check(p.returncode != 0 and "refused the refresh token from %s" % imp_file in p.stderr and not iam.asked and
          "wrong" not in p.stderr and imp_secret_free(p),
          "impersonation whose source credentials are refused: says so, asks no IAM", p.stderr)

    for fields, words, what in (
            ({"source_credentials": None}, "have no source_credentials", "no source_credentials"),
            ({"service_account_impersonation_url": "http://127.0.0.1:1/v1/projects/-/serviceAccounts/x"},
             "ending in /SERVICE_ACCOUNT:generateAccessToken", "a URL that names no service account"),
            ({"source_credentials": {"type": "external_account", "audience": "x"}},
             "source_credentials are of type 'external_account'", "source credentials of another type"),
            ({"delegates": "mid@proj"}, "delegates is not a list", "delegates not a list")):
        write_imp(**fields)
        iam.reset()
        p, took = run(["keys", store], imp_env)
        check(p.returncode != 0 and words in p.stderr and imp_file in p.stderr and not iam.asked and
              imp_secret_free(p), "an impersonated_service_account file with %s: says so" % what, p.stderr)

    iam.server.shutdown()
    token_server.shutdown()
    metadata.server.shutdown()
    proxy.server.shutdown()


main()
