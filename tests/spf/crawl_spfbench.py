#!/usr/bin/env python3
"""The 10,000-domain proof (suite e2e; issue 18 point 5): in a world
where every domain includes one provider's SPF chain
(scripts/tb/gen_spfbench.py), the crawl asks the resolver for each of the
chain's names once, not once per domain.  Asserted twice: from the
crawler's summary (names queried, answers from the table) and from
Unbound's own query log (log-queries, UPTAKE_TESTBED_LOG_QUERIES=1 when
the world was built), which records every query the crawler sent it.
Every row's SPF columns equal the truth.

    UPTAKE_TESTBED_LOG_QUERIES=1 scripts/testbed run WORLD_DIR -- \
        python3 tests/spf/crawl_spfbench.py BUILD_DIR

Prints TAP; exits 1 when any check fails.
"""

import json
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "tb"))

from tap import Tap  # noqa: E402
from crawl_spf import COLUMNS, crawl, summary  # noqa: E402
from gen_spfbench import CHAIN  # noqa: E402

# Unbound's log-queries line: "... info: CLIENT NAME. TYPE IN".
QUERY = re.compile(r"info: (\S+) (\S+)\. (\S+) IN$")


def logged_queries(path, offset):
    """{(name, type): count} of the queries logged after offset."""
    n = {}
    with open(path, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = QUERY.search(line.rstrip("\n"))
            if m:
                k = (m.group(2).lower(), m.group(3))
                n[k] = n.get(k, 0) + 1
    return n


def main():
    bdir = sys.argv[1]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    log = os.path.join(state, "dns", "unbound", "unbound.log")
    tap = Tap()
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(state, "dns", "unbound", "unbound.conf")) as f:
        tap.ok("log-queries: yes" in f.read(),
               "Unbound logs queries (UPTAKE_TESTBED_LOG_QUERIES=1)")
    offset = os.path.getsize(log)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="uptake-spfbench.") as out:
        # --probes dns: the spf stage needs no other probe (a later
        # --probes overrides the first), and the crawl stays short.
        rows, clog = crawl(bdir, state, out, ["--concurrency", "500", "--probes", "dns"])
    tap.diag("crawl of %d domains: %.1f s" % (len(truth), time.time() - t0))
    time.sleep(1)       # Unbound's log lines of the last queries
    q = logged_queries(log, offset)
    tap.ok(sum(q.values()) >= len(truth),
           "Unbound logged the crawl's queries (%d)" % sum(q.values()))
    for name in CHAIN:
        tap.eq(q.get((name, "TXT"), 0), 1,
               "%s TXT: one query in Unbound's log for %d domains" % (name, len(truth)))
    s = summary(clog)
    tap.ok(s is not None, "the crawl's summary has the spf line")
    if s is not None:
        evaluated, queried, table = s
        tap.eq(evaluated, len(truth), "spf: every domain evaluated")
        tap.eq(queried, len(CHAIN), "spf: the chain's %d names queried once each" % len(CHAIN))
        tap.eq(table, len(truth) * len(CHAIN) - len(CHAIN),
               "spf: every other lookup answered from the table")
    bad = []
    for t in truth:
        r = rows.get(t["domain"], {})
        for c in COLUMNS:
            if r.get(c) != t.get(c):
                bad.append("%s %s: got %r, want %r" % (t["domain"], c, r.get(c), t.get(c)))
    tap.ok(not bad, "every row's SPF columns equal the truth (%d rows, %d mismatches)" % (
        len(truth), len(bad)), "\n".join(bad[:20]))
    tap.ok(all(t.get("spf_lookups") == len(CHAIN) for t in truth),
           "the truth: %d lookups per domain" % len(CHAIN))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
