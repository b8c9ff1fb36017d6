#!/usr/bin/env python3
"""The testbed proves itself: every ground-truth field of a world, checked
with independent real tools inside the namespace (dig/delv for DNS and
DNSSEC, openssl s_client for TLS, curl for HTTP, an RFC 6811 computation
over the VRP and pfx2as files for ROV, mmdblookup for geo).

Run inside the namespace with the world up:
    scripts/testbed run tests/worlds/core -- python3 tests/testbed/selftest.py
Prints TAP; exits 1 when any check fails.
"""

import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from tap import Tap  # noqa: E402

CHECKERS = ("check_dns", "check_routing", "check_web")


def main():
    state = os.environ.get("UPTAKE_TESTBED_STATE")
    if not state:
        print("selftest: UPTAKE_TESTBED_STATE not set (run through scripts/testbed)", file=sys.stderr)
        return 2
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    only = set(sys.argv[1:])
    tap = Tap()
    for name in CHECKERS:
        if only and name not in only:
            continue
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            tap.ok(False, "%s: cannot import: %s" % (name, e))
            continue
        mod.run(state, truth, tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
