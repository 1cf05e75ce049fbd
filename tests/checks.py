# checks.py: what the Python tests share to say how they went: a line a
# check, the counts, and an exit status that fails the test if any check
# failed.
#
# A test in tests/DIR/ imports it with
#     sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
#     from checks import Checks
#
# SPDX-License-Identifier: GPL-3.0-or-later

import sys


class Checks:
    """Counts checks, each printed as a TAP line: `ok - WHAT`, or
    `not ok - WHAT` with what went wrong below it as `#` lines."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        """Counts and prints one check; returns whether it passed."""
        if ok:
            self.passed += 1
            print("ok - %s" % what)
        else:
            self.failed += 1
            print("not ok - %s%s" % (what, ("\n#   " + str(detail).replace("\n", "\n#   ")) if detail else ""))
        # Before any output of the programs the test runs next.
        sys.stdout.flush()
        return bool(ok)

    @property
    def count(self):
        return self.passed + self.failed

    def summary(self):
        """Prints the counts; returns the exit status, 1 if a check failed."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
