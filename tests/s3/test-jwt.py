#!/usr/bin/python3
# test-jwt.py: Drey's service-account assertion against one Python makes.
#
# Usage: test-jwt.py JWT_TOOL
#
# RS256 is RSASSA-PKCS1-v1_5 with SHA-256, which is deterministic: for the
# same key, header, claims and time, Drey's assertion must be the very
# string python3-cryptography signs here, and verify with the public key.
# Keys that are not RSA, not PEM or locked by a passphrase are errors that
# do not show the key.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import json
import os
import subprocess
import sys
import tempfile

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
except ImportError as e:
    print("SKIP: %s (this needs Debian's python3-cryptography)" % e)
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

TOOL = sys.argv[1]
checks = Checks()
check = checks.check


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def expected(key, kid, iss, scope, aud, iat):
    header = {"alg": "RS256", "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    claims = {"iss": iss, "scope": scope, "aud": aud, "iat": iat, "exp": iat + 3600}
    dump = lambda o: json.dumps(o, separators=(",", ":"), ensure_ascii=False).encode()
    signing_input = b64url(dump(header)) + "." + b64url(dump(claims))
    return signing_input + "." + b64url(key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))


def run(key_pem, kid, iss, scope, aud, iat):
    with tempfile.NamedTemporaryFile("wb", suffix=".pem") as f:
        f.write(key_pem)
        f.flush()
        return subprocess.run([TOOL, f.name, "-" if kid is None else kid, iss, scope, aud, str(iat)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)


def pem(key, encryption=serialization.NoEncryption(), form=serialization.PrivateFormat.PKCS8):
    return key.private_bytes(serialization.Encoding.PEM, form, encryption)


SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"
AUD = "https://oauth2.googleapis.com/token"
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

CASES = [
    # private_key_id, client_email, issued at
    ("0123456789abcdef0123456789abcdef01234567", "drey@proj.iam.gserviceaccount.com", 1796180645),
    (None, "drey@proj.iam.gserviceaccount.com", 0),
    # JSON escapes, and UTF-8 as it is, in what a key file may hold
    ('k"\\1', "d\u00e9j\u00e0@proj.iam.gserviceaccount.com", 4102444800),
]
for kid, iss, iat in CASES:
    p = run(pem(key), kid, iss, SCOPE, AUD, iat)
    want = expected(key, kid, iss, SCOPE, AUD, iat)
    check(p.returncode == 0 and p.stdout.strip() == want, "the assertion for %r %r %d is Python's, byte for byte"
          % (kid, iss, iat), p.stdout + p.stderr + "\n" + want)
    parts = p.stdout.strip().split(".")
    try:
        key.public_key().verify(base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4)),
                                (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256())
        verified = True
    except Exception:
        verified = False
    check(verified and all("=" not in part for part in parts), "its signature verifies with the public key, "
          "no padding", p.stdout)

p = run(pem(key, form=serialization.PrivateFormat.TraditionalOpenSSL), "k", "a@b", SCOPE, AUD, 5)
check(p.returncode == 0 and p.stdout.strip() == expected(key, "k", "a@b", SCOPE, AUD, 5),
      "a PKCS#1 (BEGIN RSA PRIVATE KEY) key signs the same", p.stderr)

secret_line = lambda pem_bytes: pem_bytes.decode().splitlines()[1]
ec_pem = pem(ec.generate_private_key(ec.SECP256R1()))
p = run(ec_pem, "k", "a@b", SCOPE, AUD, 5)
check(p.returncode == 1 and "not an RSA key" in p.stderr and secret_line(ec_pem) not in p.stderr,
      "an EC key: an error saying RS256 needs RSA, without the key", p.stderr)

garbage = b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n"
p = run(garbage, "k", "a@b", SCOPE, AUD, 5)
check(p.returncode == 1 and "not a PEM private key" in p.stderr and "bm90" not in p.stderr,
      "a PEM block that is no key: an error, without its text", p.stderr)

locked = pem(key, serialization.BestAvailableEncryption(b"passphrase"))
p = run(locked, "k", "a@b", SCOPE, AUD, 5)
check(p.returncode == 1 and "not a PEM private key" in p.stderr and secret_line(locked) not in p.stderr,
      "a key locked by a passphrase: an error, no prompt", p.stderr)

sys.exit(checks.summary())
