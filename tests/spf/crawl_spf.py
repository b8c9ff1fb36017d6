#!/usr/bin/env python3
"""End to end (suite e2e): crawl the SPF world and compare every SPF
column of every row with the truth (scripts/tb/spftruth.py) and with the
independent evaluator, python3-spf, asked against the same resolver
(tests/spf/pyspf_verdict.py).  Also: the crawl's summary line counts the
names queried and the answers from the table.

    scripts/testbed run tests/worlds/spf -- python3 tests/spf/crawl_spf.py BUILD_DIR

Prints TAP; exits 1 when any check fails.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402
import pyspf_verdict  # noqa: E402

COLUMNS = ("spf_lookups", "spf_void_lookups", "spf_result_all", "spf_error")


def crawl(bdir, state, out, extra=()):
    """Crawl STATE's list into out/snap; (rows by domain, crawl log)."""
    with open(os.path.join(state, "world.time")) as f:
        vtime = f.read().strip()
    cmd = [os.path.join(bdir, "crawler", "uptake-crawl"),
           "--list", os.path.join(state, "list.csv"),
           "--out", os.path.join(out, "snap"),
           "--resolver", "192.0.2.53",
           "--trust-anchor", os.path.join(state, "root.key"),
           "--validation-time", vtime, "--probes", "dns,dnssec",
           "--allow-prefix", "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
           "--concurrency", "50", "--timeout", "30"] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(p.stderr)
    if p.returncode != 0:
        raise SystemExit("uptake-crawl exited %d" % p.returncode)
    dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl",
                           os.path.join(out, "snap")],
                          capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in dump.splitlines():
        r = json.loads(line)
        rows[r["domain"]] = r
    return rows, p.stderr


def summary(log):
    """The spf summary line's counters, or None."""
    m = re.search(r"spf: (\d+) domains evaluated, (\d+) names queried, "
                  r"(\d+) answered from the table", log)
    return tuple(int(x) for x in m.groups()) if m else None


def main():
    bdir = sys.argv[1]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    with tempfile.TemporaryDirectory(prefix="uptake-spf.") as out:
        rows, log = crawl(bdir, state, out)
    tap.eq(sorted(rows), sorted(t["domain"] for t in truth), "one row per listed domain")
    for t in truth:
        d = t["domain"]
        r = rows.get(d, {})
        for c in COLUMNS:
            tap.eq(r.get(c), t.get(c), "%s: %s equals the truth" % (d, c))
        if t.get("dns_status") != "ok":
            continue    # not evaluated (null, compared above)
        v = pyspf_verdict.verdict(d)
        why = pyspf_verdict.agrees(r, v)
        tap.ok(why is None, "%s: the row agrees with python3-spf (%s)" % (d, v[0]), why)
    s = summary(log)
    tap.ok(s is not None, "the crawl's summary has the spf line")
    if s is not None:
        evaluated, queried, table = s
        want_eval = sum(1 for t in truth if t.get("spf_lookups") is not None or
                        t.get("spf_error") is not None)
        tap.eq(evaluated, want_eval, "spf: domains evaluated")
        # Every (name, type) once: the provider's chain is shared by the
        # gov, city, bank, health and redirect domains.
        tap.ok(0 < queried < sum(t.get("spf_lookups") or 0 for t in truth),
               "spf: fewer names queried (%d) than lookups counted" % queried)
        tap.ok(table > 0, "spf: answers from the table (%d)" % table)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
