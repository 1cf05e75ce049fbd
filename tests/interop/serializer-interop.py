#!/usr/bin/python3
# serializer-interop.py: stores whose bytes do not say which serializer
# wrote them, written exactly as squirrel-core 0.20.2's drivers write them.
#
# Usage: serializer-interop.py DREY_CLI
#
# Every ASCII byte is a whole msgpack value (a positive fixint), and msgpack
# strs and lists can spell UTF-8 JSON, so some shards decode both ways. The
# checks: shards of bare small ints, strs and lists whose msgpack bytes are
# valid JSON; such shards in msgpack and in JSON Lines stores, first in key
# order and later; a mixed store; a JSON Lines shard with a byte-order
# mark; `set` and `copy` without --serializer into each kind of store, read
# back by Python exactly as that store's squirrel driver reads it; and
# --serializer winning on every command that reads.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gzip
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop as squirrel  # noqa: E402  (its squirrel-core serializers)


def messagepack_driver_set(store, value, key):
    """MessagepackDriver(url).store.set(value, key=key)."""
    os.makedirs(store, exist_ok=True)
    samples = value if isinstance(value, list) else [value]
    squirrel.squirrel_msgpack_write(os.path.join(store, key + ".gz"), samples)


def jsonl_driver_set(store, value, key):
    """JsonlDriver(url).store.set(value, key=key)."""
    os.makedirs(store, exist_ok=True)
    samples = value if isinstance(value, list) else [value]
    squirrel.squirrel_jsonl_write(os.path.join(store, key + ".gz"), samples)


def msgpack_read(store, key):
    """MessagepackDriver(url).store.get(key)."""
    return squirrel.squirrel_msgpack_read(os.path.join(store, key + ".gz"))


def jsonl_read(store, key):
    """JsonlDriver(url).store.get(key): json.loads of each line, as bytes."""
    with gzip.open(os.path.join(store, key + ".gz"), "rb") as f:
        return [json.loads(line, object_hook=squirrel.squirrel_json_hook) for line in f]


def cat_values(t, store, key, *options):
    p = t.drey("cat", *options, store, key)
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace")
    return [json.loads(line) for line in p.stdout.decode().splitlines()], ""


def as_json(values):
    """What drey-cli cat prints for Python's values, read back as JSON."""
    return [json.loads(json.dumps(squirrel.to_drey(v))) for v in values]


def check_lines(t, store, *options):
    p = t.drey("check", *options, store)
    return p.returncode, dict(line.split(": ", 1) for line in p.stdout.decode().splitlines())


# The shards that read both ways, as MessagepackDriver writes them:
#   [49, 10]                      "1\n": JSON 1
#   [34, True, 'abcdefgh"', 10]   "\"éabcdefgh\"\n": a JSON str
#   [34, False, [49, 50], 34, 10] "\"\u009212\"\n": a JSON str
AMBIGUOUS_MSGPACK = {
    "ints": [49, 10],
    "str": [34, True, 'abcdefgh"', 10],
    "list": [34, False, [49, 50], 34, 10],
}
# ... and as JsonlDriver writes them: "1\n", "\"\\u00e9x\"\n", "[1, 2]\n"
# is JSON text of one-byte msgpack ints, like the objects below, but a bare
# value, not an object or a list, so it says nothing either way.
AMBIGUOUS_JSONL = {
    "ints": [1],
    "str": ["\u00e9x"],
}


def main():
    if len(sys.argv) != 2:
        print("usage: serializer-interop.py DREY_CLI", file=sys.stderr)
        return 2
    t = squirrel.Runner(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="drey-serializer-")

    # -- shards of ints, strs and lists whose msgpack bytes are valid JSON --
    for name, samples in [("ints-12", [49, 50])] + sorted(AMBIGUOUS_MSGPACK.items()):
        store = os.path.join(tmp, "alone-" + name)
        messagepack_driver_set(store, samples, "k")
        got, err = cat_values(t, store, "k")
        want = as_json(msgpack_read(store, "k"))
        t.check(got == want,
                "msgpack shard of %s alone: read as msgpack, as MessagepackDriver reads it" % name,
                "%r vs %r %s" % (got, want, err))
        status, lines = check_lines(t, store)
        t.check(status == 0 and lines.get("k", "").startswith("ok, %d samples, messagepack" % len(samples)),
                "check %s alone: decoded by messagepack" % name,
                repr(lines))

    # "12" is what squirrel's JSON writer never writes (no newline): msgpack
    # even with nothing else to tell, and not flagged ambiguous
    status, lines = check_lines(t, os.path.join(tmp, "alone-ints-12"))
    t.check(lines.get("k") == "ok, 2 samples, messagepack",
            "check [49, 50]: 'ok, 2 samples, messagepack', not ambiguous", repr(lines))

    # -- in a msgpack store, first and later: follow the store ---------------
    mp = os.path.join(tmp, "mp")
    for position in ("0", "z"):
        for name, samples in AMBIGUOUS_MSGPACK.items():
            messagepack_driver_set(mp, samples, "%s-%s" % (position, name))
    for i in range(3):
        messagepack_driver_set(mp, [{"image": squirrel.np.zeros((2, 2), squirrel.np.uint8),
                                     "label": squirrel.np.int64(i)}], "m%d" % i)
    status, lines = check_lines(t, mp)
    for key in sorted(lines):
        if key.startswith(("0-", "z-")):
            got, err = cat_values(t, mp, key)
            want = as_json(msgpack_read(mp, key))
            t.check(got == want, "msgpack store, ambiguous shard %s: read as msgpack" % key,
                    "%r vs %r %s" % (got, want, err))
            t.check(lines[key].startswith("ok, ") and "messagepack (ambiguous" in lines[key],
                    "check msgpack store: %s flagged as decoding both ways" % key, lines[key])
    p = t.drey("info", mp)
    t.check(b"serializer: messagepack (3 shards looked at decode only as msgpack, 6 both ways)" in p.stdout,
            "info msgpack store: messagepack, from its shards",
            p.stdout.decode())

    # -- in a JSON Lines store, first and later: follow the store ------------
    js = os.path.join(tmp, "js")
    for position in ("0", "z"):
        for name, samples in AMBIGUOUS_JSONL.items():
            jsonl_driver_set(js, samples, "%s-%s" % (position, name))
    for i in range(3):
        jsonl_driver_set(js, [{"caption": "a photo", "label": i}], "j%d" % i)
    status, lines = check_lines(t, js)
    for key in sorted(lines):
        got, err = cat_values(t, js, key)
        want = as_json(jsonl_read(js, key))
        t.check(got == want, "JSON Lines store, shard %s: read as JSON Lines" % key,
                "%r vs %r %s" % (got, want, err))
        if key.startswith(("0-", "z-")):
            t.check("jsonl (ambiguous" in lines[key],
                    "check JSON Lines store: %s flagged as decoding both ways" % key, lines[key])
        else:
            t.check(lines[key].endswith(", jsonl"), "check JSON Lines store: %s is jsonl" % key, lines[key])

    # -- a byte-order mark, as Python's json.loads reads it -----------------
    bom = os.path.join(tmp, "bom")
    os.makedirs(bom)
    with gzip.open(os.path.join(bom, "b.gz"), "wb") as f:
        f.write(b'\xef\xbb\xbf{"caption": "bom", "label": 1}\n\xef\xbb\xbf{"label": 2}\n')
    for store in (bom, js):
        if store == js:
            with gzip.open(os.path.join(js, "b.gz"), "wb") as f:
                f.write(b'\xef\xbb\xbf{"caption": "bom", "label": 1}\n')
        got, err = cat_values(t, store, "b")
        want = as_json(jsonl_read(store, "b"))
        t.check(got == want,
                "BOM-prefixed JSON Lines shard (%s): read as JSON Lines" % os.path.basename(store),
                "%r vs %r %s" % (got, want, err))
    os.unlink(os.path.join(js, "b.gz"))

    # -- a mixed store: says so, reads each shard its own way, will not pick -
    mixed = os.path.join(tmp, "mixed")
    messagepack_driver_set(mixed, [{"label": 1}], "a")
    jsonl_driver_set(mixed, [{"label": 2}], "b")
    for key, reader in (("a", msgpack_read), ("b", jsonl_read)):
        got, err = cat_values(t, mixed, key)
        t.check(got == as_json(reader(mixed, key)), "mixed store, shard %s: read its own way" % key, err)
    p = t.drey("info", mixed)
    t.check(b"serializer: mixed: 1 shard decodes only as msgpack, 1 only as JSON Lines" in p.stdout,
            "info mixed store: says mixed",
            p.stdout.decode())
    status, lines = check_lines(t, mixed)
    t.check(status == 0 and lines.get("store", "").startswith("mixed:"),
            "check mixed store: exit 0 and a line saying mixed", repr(lines))
    p = t.drey("set", mixed, "c", "-", stdin=b'{"label": 3}\n')
    t.check(p.returncode == 2 and not os.path.exists(os.path.join(mixed, "c.gz")) and b"mixed" in p.stderr,
            "set into a mixed store without --serializer: refused (exit 2), nothing written",
            "exit %d %r" % (p.returncode, p.stderr))
    p = t.drey("set", "--serializer", "jsonl", mixed, "c", "-", stdin=b'{"label": 3}\n')
    t.check(p.returncode == 0 and jsonl_read(mixed, "c") == [{"label": 3}],
            "set --serializer jsonl into a mixed store: written, JsonlDriver reads it", p.stderr.decode())

    # -- set and copy without --serializer: the store's own driver reads it -
    sample = b'{"caption": "new", "label": 7}\n'
    expect = [{"caption": "new", "label": 7}]
    for store, reader, what in ((mp, msgpack_read, "msgpack store (ambiguous shard first)"),
                                (js, jsonl_read, "JSON Lines store (ambiguous shard first)"),
                                (os.path.join(tmp, "new"), msgpack_read, "new store"),
                                (os.path.join(tmp, "alone-ints"), msgpack_read, "store of one ambiguous shard")):
        p = t.drey("set", store, "set-new", "-", stdin=sample)
        try:
            got = reader(store, "set-new")
        except Exception as e:  # noqa: BLE001 -- any failure to read is the finding
            got = "unreadable: %s" % e
        t.check(p.returncode == 0 and got == expect,
                "set into %s without --serializer: its driver reads the samples" % what,
                "exit %d %r %r" % (p.returncode, got, p.stderr))
        if "ambiguous shard" in what and "store of one" in what:
            t.check(b"squirrel's default" in p.stderr,
                    "set into a store of ambiguous shards: warns that it wrote messagepack by default",
                    p.stderr.decode())
        p = t.drey("copy", store, "set-new", store, "copied")
        try:
            got = reader(store, "copied")
        except Exception as e:  # noqa: BLE001
            got = "unreadable: %s" % e
        t.check(p.returncode == 0 and got == expect,
                "copy within %s without --serializer: its driver reads the copy" % what,
                "exit %d %r %r" % (p.returncode, got, p.stderr))

    # copy into a new store keeps the source store's serializer
    p = t.drey("copy", js, "j0", os.path.join(tmp, "from-js"), "j0")
    try:
        got = jsonl_read(os.path.join(tmp, "from-js"), "j0")
    except Exception as e:  # noqa: BLE001
        got = "unreadable: %s" % e
    t.check(p.returncode == 0 and got == jsonl_read(js, "j0"),
            "copy from a JSON Lines store into a new one: JSON Lines", "%r %r" % (got, p.stderr))

    # -- the user's choice wins, on every command that reads ----------------
    got, err = cat_values(t, mp, "0-ints", "--serializer", "jsonl")
    t.check(got == [1], "cat --serializer jsonl of '1\\n' in a msgpack store: the JSON value 1", repr(got) + err)
    got, err = cat_values(t, js, "0-ints", "--serializer", "messagepack")
    t.check(got == [49, 10],
            "cat --serializer messagepack of '1\\n' in a JSON Lines store: the ints 49, 10", repr(got) + err)
    p = t.drey("check", "--serializer", "jsonl", mp, "m0")
    t.check(p.returncode == 1 and p.stdout.startswith(b"m0: FAILED: "),
            "check --serializer jsonl of a msgpack map shard: FAILED, exit 1", p.stdout.decode())
    p = t.drey("check", "--serializer", "jsonl", js, "j0")
    t.check(p.stdout == b"j0: ok, 1 samples, jsonl (chosen)\n", "check --serializer jsonl: says chosen",
            p.stdout.decode())
    p = t.drey("info", "--serializer=jsonl", mp)
    t.check(b"serializer: jsonl (chosen)" in p.stdout, "info --serializer=jsonl: says chosen", p.stdout.decode())
    p = t.drey("stats", "--serializer", "messagepack", js, "0-ints")
    t.check(p.returncode == 0 and json.loads(p.stdout)["samples"] == 2,
            "stats --serializer messagepack of '1\\n' in a JSON Lines store: the 2 ints 49 and 10",
            p.stdout.decode()[:200] + p.stderr.decode())
    p = t.drey("stats", js, "0-ints")
    t.check(p.returncode == 0 and json.loads(p.stdout)["samples"] == 1,
            "stats of '1\\n' in a JSON Lines store: 1 sample", p.stdout.decode()[:200] + p.stderr.decode())
    p = t.drey("cat", "--serializer", "yaml", js, "j0")
    t.check(p.returncode == 2, "--serializer yaml: a usage error (exit 2)", p.stderr.decode())

    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
