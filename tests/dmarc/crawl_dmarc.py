#!/usr/bin/env python3
"""The crawler on the dmarc world (run through scripts/testbed run): every
column of the dnspolicy stage (dmarc_*, dkim_hint, caa_*), and dmarc, caa,
dns_status, ns_count, dnssec_status and signer_zone (the in=PARENT names:
no zone of their own, their parent's DNSSEC), of every row equals the
truth (STATE/truth.jsonl, scripts/tb/dmarctruth.py); the crawl's summary
shows the organisational domains' cache at work.

    crawl_dmarc.py BUILD_DIR
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "tb"))

from tap import Tap  # noqa: E402
import dmarctruth  # noqa: E402

CHECKED = ("dns_status", "ns_count", "dnssec_status", "signer_zone", "dmarc", "caa") + \
    dmarctruth.COLUMNS
SUMMARY = re.compile(r"uptake-crawl: dnspolicy: (\d+) organisational _dmarc queries "
                     r"\((\d+) answered from the cache of (\d+)\), (\d+) parent CAA queries")


def main():
    bdir = sys.argv[1]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    t = Tap()
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = {r["domain"]: r for r in map(json.loads, f)}
    with tempfile.TemporaryDirectory(prefix="uptake-dmarc.") as out:
        with open(os.path.join(state, "world.time")) as f:
            now = f.read().strip()
        r = subprocess.run([os.path.join(bdir, "crawler", "uptake-crawl"),
                            "--list", os.path.join(state, "list.csv"),
                            "--out", os.path.join(out, "snap"),
                            "--resolver", "192.0.2.53",
                            "--trust-anchor", os.path.join(state, "root.key"),
                            "--validation-time", now, "--probes", "dns,dnssec",
                            "--allow-prefix", "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
                            "--concurrency", "1", "--timeout", "30"],
                           capture_output=True, text=True)
        t.ok(r.returncode == 0, "the crawl exits 0", r.stderr[-2000:])
        dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl",
                               os.path.join(out, "snap")], capture_output=True, text=True)
        rows = {x["domain"]: x for x in map(json.loads, dump.stdout.splitlines())}
    t.eq(sorted(rows), sorted(truth), "one row per listed domain")
    for name in sorted(truth):
        got = rows.get(name, {})
        for c in CHECKED:
            t.eq(got.get(c), truth[name].get(c), "%s %s" % (name, c))
    m = SUMMARY.search(r.stderr)
    t.ok(m is not None, "the summary has the dnspolicy line", r.stderr[-1000:])
    if m:
        # One domain at a time (--concurrency 1): each organisational
        # domain is asked once; its other subdomains hit the cache
        # (the truth: organisational sources whose org repeats).
        orgs = [dmarctruth.org_domain(n) for n in truth
                if truth[n]["dmarc_source"] == "organisational" or
                (truth[n]["dmarc_source"] == "none" and dmarctruth.org_domain(n) != n)]
        t.eq(int(m.group(1)), len(set(orgs)), "organisational queries: one per organisational domain")
        t.eq(int(m.group(2)), len(orgs) - len(set(orgs)), "the rest answered from the cache")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
