#!/usr/bin/env python3
"""The mail world proves itself: its DNS, DNSSEC and web truth with the
testbed's own checkers (tests/testbed/check_dns.py, check_web.py) and its
mail transport truth with tests/mail/check_mail.py (openssl s_client
-starttls smtp, posttls-finger, curl).

    scripts/testbed run tests/worlds/mail -- python3 tests/mail/selftest.py [CHECKER...]

Prints TAP; exits 1 when any check fails.
"""

import concurrent.futures
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402

CHECKERS = ("check_dns", "check_web", "check_mail")
# check_dns measures one domain after another (some 25 dig and delv runs
# each); the mail world's domains are independent of each other, so it runs
# on this many slices of the truth at once, its results printed in order.
DNS_SLICES = 4


class BufTap:
    """Records a checker's results to be replayed, in order, on the Tap."""

    def __init__(self):
        self.items = []

    def ok(self, cond, name, detail=None):
        self.items.append(("ok", cond, name, detail))
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def diag(self, msg):
        self.items.append(("diag", msg))

    def replay(self, tap):
        for it in self.items:
            if it[0] == "ok":
                tap.ok(it[1], it[2], it[3])
            else:
                tap.diag(it[1])


def run_sliced(mod, state, truth, tap):
    # The delv trust anchor file is written once, not by each slice while
    # another one's delv reads it.
    anchor = mod.write_delv_anchor(state)
    mod.write_delv_anchor = lambda _state: anchor
    slices = [truth[i::DNS_SLICES] for i in range(DNS_SLICES)]
    bufs = [BufTap() for _ in slices]
    with concurrent.futures.ThreadPoolExecutor(DNS_SLICES) as ex:
        for f in [ex.submit(mod.run, state, sl, b) for sl, b in zip(slices, bufs)]:
            f.result()
    for b in bufs:
        b.replay(tap)


def main():
    state = os.environ.get("UPTAKE_TESTBED_STATE")
    if not state:
        print("selftest: UPTAKE_TESTBED_STATE not set (run through scripts/testbed)",
              file=sys.stderr)
        return 2
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    only = set(sys.argv[1:])
    tap = Tap()
    for name in CHECKERS:
        if only and name not in only:
            continue
        mod = importlib.import_module(name)
        if name == "check_dns":
            run_sliced(mod, state, truth, tap)
        else:
            mod.run(state, truth, tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
