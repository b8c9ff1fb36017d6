#!/usr/bin/env python3
"""The demo world's crawl is not uniform (issue 19, point 7): a check that
it does not drift back to every server on TLS 1.3 with the same headers.
On a crawl of scripts/tb/gen_demo.py's world with the TLS policy scan
(--probes all,tlspolicy; tests/analysis/demo_equal.sh runs it on its
crawl; by hand on scripts/demo's snapshot):

  - the tls13 share (uptake-stats) overall between TLS13_MIN and TLS13_MAX;
  - at least MIN_VALUES distinct values of tls_ncsc_class (the TLS policy
    scan), of csp_grade, of referrer_policy_grade, of hsts_max_age, of
    dmarc and of mx_starttls, and both TLSv1.2 and TLSv1.3 negotiated;
  - some servers accepting TLS 1.0 (tls_min_version), some domains not
    resolving (lame delegations), some without MX.

TAP on stdout.

usage: demo_variety.py UPTAKE_STATS UPTAKE_DUMP SNAPSHOT
"""

import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

# The bounds of the brief: TLS 1.3 neither rare nor everywhere.
TLS13_MIN, TLS13_MAX = 0.20, 0.95
# Distinct values a varied column shows at least (e.g. good, sufficient,
# phase_out for tls_ncsc_class; absent, bad, good for csp_grade).
MIN_VALUES = 3
COLUMNS = ["tls_version", "tls_ncsc_class", "tls_min_version", "csp_grade",
           "referrer_policy_grade", "hsts_max_age", "dmarc", "mx_starttls", "dns_status",
           "mx_count"]

STATS, DUMP, SNAP = sys.argv[1:4]
t = Tap()
p = subprocess.run([STATS, SNAP, "--metrics", "tls13", "--format", "csv"],
                   capture_output=True, text=True)
rows = list(csv.DictReader(io.StringIO(p.stdout)))
rate = float(rows[0]["rate"]) if p.returncode == 0 and rows else -1
t.ok(TLS13_MIN <= rate <= TLS13_MAX, "tls13 share %.3f is within [%.2f, %.2f]"
     % (rate, TLS13_MIN, TLS13_MAX), p.stderr.strip()[:300])

p = subprocess.run([DUMP, SNAP, "--csv", "--columns", ",".join(COLUMNS)],
                   capture_output=True, text=True, check=True)
vals = {c: {} for c in COLUMNS}
for r in csv.DictReader(io.StringIO(p.stdout)):
    for c in COLUMNS:
        if r[c] != "":
            vals[c][r[c]] = vals[c].get(r[c], 0) + 1
for c in ("tls_ncsc_class", "csp_grade", "referrer_policy_grade", "hsts_max_age",
          "dmarc", "mx_starttls"):
    t.ok(len(vals[c]) >= MIN_VALUES, "%s has at least %d values" % (c, MIN_VALUES),
         "have: %s" % vals[c])
t.ok({"TLSv1.2", "TLSv1.3"} <= set(vals["tls_version"]),
     "TLS 1.2 and TLS 1.3 both negotiated", "have: %s" % vals["tls_version"])
t.ok("TLSv1" in vals["tls_min_version"], "some servers accept TLS 1.0",
     "have: %s" % vals["tls_min_version"])
t.ok(any(v != "ok" for v in vals["dns_status"]), "some domains do not resolve (lame)",
     "have: %s" % vals["dns_status"])
t.ok("0" in vals["mx_count"], "some domains have no MX", "have: %s" % vals["mx_count"])
sys.exit(t.done())
