"""A TAP producer shared by the testbed checkers."""

import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name))
        if not cond and detail:
            for line in str(detail).splitlines():
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        """Compare a measured value with the truth; print both on mismatch."""
        return self.ok(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def diag(self, msg):
        print("# " + msg)

    def done(self):
        print("1..%d" % self.n)
        if self.failed:
            print("# %d of %d checks failed" % (self.failed, self.n))
        return 1 if self.failed else 0
