#!/usr/bin/env python3
"""crawl-tlspolicy: crawl the tlspolicy world (tests/worlds/tlspolicy) with
--probes dns,tls,http,tlspolicy and compare every TLS policy column of
every row with the truth (scripts/tb/tlstruth.py, through STATE/truth.jsonl),
and check that the scan ran once per (address, name): the crawler's
summary line counts one scan per distinct (web address, probed host) of
the truth and answers every other domain from earlier scans.

    crawl_tls.py BUILD_DIR      (inside the namespace: scripts/testbed run)
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts", "tb"))
sys.path.insert(0, os.path.join(TOP, "tests", "testbed"))

import tlstruth  # noqa: E402
from tap import Tap  # noqa: E402

PROBES = "dns,tls,http,tlspolicy"
# The crawl's per-domain deadline (s): 16 bounded handshakes per scan.
CRAWL_TIMEOUT_S = 60
# The whole crawl at most (s).
RUN_TIMEOUT_S = 600


def main():
    bdir = sys.argv[1]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    truth = [json.loads(line) for line in open(os.path.join(state, "truth.jsonl"))]
    with tempfile.TemporaryDirectory(prefix="uptake-tlspol.") as out:
        snap = os.path.join(out, "snap")
        args = [os.path.join(bdir, "crawler", "uptake-crawl"),
                "--list", os.path.join(state, "list.csv"), "--out", snap,
                "--ca-file", os.path.join(state, "web", "ca.pem"),
                "--resolver", "192.0.2.53", "--trust-anchor", os.path.join(state, "root.key"),
                "--validation-time", open(os.path.join(state, "world.time")).read().strip(),
                "--probes", PROBES,
                "--allow-prefix", "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
                "--concurrency", "20", "--timeout", str(CRAWL_TIMEOUT_S)]
        r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=RUN_TIMEOUT_S)
        log = r.stderr.decode(errors="replace")
        if not tap.ok(r.returncode == 0, "uptake-crawl --probes %s exits 0" % PROBES, log[-3000:]):
            return tap.done()
        dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl", snap],
                              stdout=subprocess.PIPE, check=True, timeout=RUN_TIMEOUT_S)
        rows = {}
        for line in dump.stdout.decode().splitlines():
            row = json.loads(line)
            rows[row["domain"]] = row
    cols = tlstruth.COLUMNS
    for want in truth:
        name = want["domain"]
        got = rows.get(name)
        if not tap.ok(got is not None, "%s: a row" % name):
            continue
        for c in ("tls_status", "tls_version") + cols:
            if c in want:
                tap.eq(got.get(c), want[c], "%s %s" % (name, c))
    # One scan per (address, name): the truth's distinct pairs.
    pairs = {(w["web_ipv4"] or w["web_ipv6"], w["probed_host"]) for w in truth
             if w.get("tls_scan_status") is not None}
    asked = sum(1 for w in truth if w.get("tls_scan_status") is not None)
    m = re.search(r"tlspolicy: (\d+) domains asked, (\d+) scans \((\d+) answered from "
                  r"earlier scans", log)
    if tap.ok(m is not None, "the crawl's tlspolicy summary line", log[-2000:]):
        tap.eq(int(m.group(1)), asked, "tlspolicy: domains asked")
        tap.eq(int(m.group(2)), len(pairs),
               "tlspolicy: one scan per (address, name) (%d domains share %d pairs)" % (
                   asked, len(pairs)))
        tap.eq(int(m.group(3)), asked - len(pairs), "tlspolicy: answered from earlier scans")
    shared = [w["domain"] for w in truth if w["probed_host"] == "www.tp-shared.se"]
    tap.ok(len(shared) == 2, "two domains share www.tp-shared.se: %s" % shared)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
