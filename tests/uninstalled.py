#!/usr/bin/python3
# uninstalled.py: the build tree's drey, started by hand outside
# `meson devenv` (no GSETTINGS_SCHEMA_DIR), finds the build tree's
# compiled schema and opens its window instead of aborting.
#
# Usage: uninstalled.py DREY   (needs an X display: run under xvfb-run)
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import tempfile
import time

drey = sys.argv[1]
if not os.environ.get("DISPLAY"):
    print("1..0 # SKIP needs an X display")
    sys.exit(0)

env = dict(os.environ)
env.pop("GSETTINGS_SCHEMA_DIR", None)
env["GSETTINGS_BACKEND"] = "memory"
# As a user runs it: no session bus here, and GTK warns about that.
env.pop("G_DEBUG", None)
# An XDG_DATA_DIRS without the build tree, as a shell has it.
env["XDG_DATA_DIRS"] = "/usr/local/share:/usr/share"

with tempfile.TemporaryDirectory() as home:
    env["HOME"] = home
    env["XDG_DATA_HOME"] = os.path.join(home, "data")
    started = time.monotonic()
    proc = subprocess.Popen([drey, os.path.join(home, "no-such-store")],
                            env=env, stderr=subprocess.PIPE, text=True)
    # The window maps only after it read its settings (its size).
    found = False
    deadline = time.monotonic() + 60
    try:
        while not found and proc.poll() is None and time.monotonic() < deadline:
            search = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid)],
                                    capture_output=True, text=True)
            found = search.returncode == 0 and search.stdout.strip() != ""
            time.sleep(0.2)
        died = proc.poll()
        elapsed = time.monotonic() - started
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)

    if died is not None or not found:
        # Also on stderr: meson's error log shows that, not a TAP test's stdout.
        why = "exit status %s after %.2f s" % (died, elapsed) if died is not None \
            else "no window within 60 s"
        print("not ok 1 drey from the build tree opens its window")
        print("# " + why)
        print("drey from the build tree did not open its window: " + why, file=sys.stderr)
        for line in stderr.splitlines():
            print("# " + line)
            print(line, file=sys.stderr)
        print("1..1")
        sys.exit(1)
    print("ok 1 drey from the build tree opens its window")
    print("1..1")
