#!/usr/bin/env python3
"""A large crawl on a bench world (run inside the testbed namespace):

  1. a crawl is stopped with SIGTERM part-way (exit 3, snapshot resumable);
  2. the same command resumes it to the end (exit 0);
  3. the snapshot holds exactly one row per input domain, input_index
     0..N-1 each once, every row with an outcome (dns_status set);
  4. the zone-key cache worked: DNSKEY validations stay O(zones), not
     O(domains) (the crawl's summary counter).

    bench_crawl.py BUILD_DIR CONCURRENCY STOP_AFTER_SECONDS MAX_DNSKEY_VALIDATIONS
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "realzone"))

from tap import Tap  # noqa: E402
import invariants  # noqa: E402


def main():
    bdir, conc, stop_after, max_val = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    state = os.environ["UPTAKE_TESTBED_STATE"]
    out = tempfile.mkdtemp(prefix="uptake-bench-")
    snap = os.path.join(out, "snap")
    with open(os.path.join(state, "list.csv")) as f:
        n = sum(1 for line in f if line.strip())
    cmd = [os.path.join(bdir, "crawler", "uptake-crawl"), "--list", os.path.join(state, "list.csv"),
           "--out", snap, "--resolver", "192.0.2.53",
           "--trust-anchor", os.path.join(state, "root.key"),
           "--validation-time", open(os.path.join(state, "world.time")).read().strip(),
           "--probes", "dns,dnssec", "--concurrency", conc, "--timeout", "120",
           "--part-rows", "10000"]
    tap = Tap()
    t0 = time.time()
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    try:
        p.wait(timeout=stop_after)
        stopped = False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        stopped = True
    err1 = p.communicate()[1]
    tap.ok(stopped and p.returncode == 3, "first crawl stopped by SIGTERM exits 3 (got %s)" % p.returncode,
           err1[-2000:])
    r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    tap.ok(r.returncode == 0, "resumed crawl exits 0", r.stderr[-2000:])
    tap.diag("crawl: %d domains, %.0f s in all" % (n, time.time() - t0))
    summary = [line for line in r.stderr.splitlines() if line.startswith("uptake-crawl: done")]
    tap.ok(len(summary) == 1, "resumed crawl prints its summary", r.stderr[-2000:])
    if summary:
        tap.diag(summary[0])
        m = re.search(r"skipped: resume (\d+)", summary[0])
        tap.ok(m is not None and int(m.group(1)) > 0, "resume skipped the rows already written")
        m = re.search(r"DNSKEY validations (\d+)", summary[0])
        v = int(m.group(1)) if m else -1
        tap.ok(0 < v <= max_val, "DNSKEY validations %d <= %d for %d domains (zone-key cache)"
               % (v, max_val, n))
    d = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--csv", "--columns",
                        "input_index,dns_status", snap], stdout=subprocess.PIPE, text=True)
    tap.ok(d.returncode == 0, "uptake-dump reads every part")
    seen = {}
    no_outcome = 0
    for line in d.stdout.splitlines()[1:]:
        idx, st = line.split(",", 1)
        seen[int(idx)] = seen.get(int(idx), 0) + 1
        if not st:
            no_outcome += 1
    dups = sum(1 for c in seen.values() if c > 1)
    tap.eq(dups, 0, "no input_index twice")
    tap.eq(len(seen), n, "one row per input domain")
    tap.eq(sorted(seen) == list(range(n)), True, "input_index is 0..N-1")
    tap.eq(no_outcome, 0, "every row has an outcome (dns_status)")
    # Null means not attempted (tests/realzone/invariants.py), every row;
    # the crawl was resumed, so no one summary covers all its rows.
    invariants.tap_report(tap, invariants.iter_rows(snap, os.path.join(bdir, "analysis", "uptake-dump")),
                          ["dns", "dnssec"])
    shutil.rmtree(out)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
