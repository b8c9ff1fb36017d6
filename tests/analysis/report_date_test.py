#!/usr/bin/env python3
"""uptake-report --date: which metadata date makes two snapshots two crawls.

scripts/demo crawls two simulated worlds months apart in world time, a few
minutes apart on the wall clock: both snapshots have the same
uptake.crawl_start day, so by default uptake-report takes them for shards
of one crawl (and, the same list crawled twice, refuses the duplicate
rows, naming them).  With --date validation each is dated by its
uptake.validation_time: two crawls, a Trends section with both dates, and
in the site (--site) each organisation's scorecard and organisations.csv
give the change since the previous crawl.  --date bogus is a usage error.

usage: report_date_test.py GEN_SYNTH UPTAKE_REPORT PROFILE OUTDIR
"""

import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

SYNTH, REPORT, PROFILE, OUT = sys.argv[1:5]
t = Tap()
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)

# (name, validation_time, --improve): one wall-clock day, two world times.
SNAPS = [("before", "2026-08-06T06:00:00Z", "0"), ("after", "2026-12-06T06:00:00Z", "0.5")]
meta = os.path.join(OUT, "meta.csv")
for name, vt, imp in SNAPS:
    subprocess.run([SYNTH, os.path.join(OUT, name), "400", "--seed", "5", "--date", "2026-12-06",
                    "--improve", imp, "--meta", meta, "--kv", "uptake.validation_time=" + vt],
                   check=True, stdout=subprocess.DEVNULL)
before, after = (os.path.join(OUT, n) for n, _, _ in SNAPS)

# The labels with an organisation (seven per country).
with open(meta, newline="") as f:
    rows = list(csv.DictReader(f))
meta_org = os.path.join(OUT, "meta-org.csv")
with open(meta_org, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["domain", "country", "sector", "organisation"])
    for i, r in enumerate(rows):
        w.writerow([r["domain"], r["country"], r["sector"],
                    "org-%s-%d" % (r["country"].lower() or "xx", i % 7)])


def report(*args):
    return subprocess.run([REPORT] + list(args), capture_output=True, text=True)


# Default: one crawl day, the same list twice: refused, the rows named.
html = os.path.join(OUT, "default.html")
p = report(before, after, "-o", html)
t.ok(p.returncode == 1 and "duplicate rows" in p.stderr and "before" in p.stderr
     and not os.path.exists(html),
     "--date crawl (default): two snapshots of one crawl day are one crawl; the list twice is refused, named",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))

# --date validation: two crawls, a trend.
html = os.path.join(OUT, "validation.html")
p = report(after, before, "--date", "validation", "-o", html)
t.ok(p.returncode == 0, "--date validation: exit 0", p.stderr.strip()[:300])
doc = open(html).read() if os.path.exists(html) else ""
t.ok("<h2>Trends</h2>" in doc and "All domains of each crawl, 2 crawls." in doc,
     "--date validation: a Trends section over 2 crawls")
t.ok("2026-08-06" in doc and "2026-12-06" in doc and doc.find("2026-08-06") < doc.rfind("2026-12-06"),
     "--date validation: both validation days are named")

# The site: the scorecards' change since the previous crawl.
site = os.path.join(OUT, "site")
p = report(before, after, "--date", "validation", "--site", site, "--meta", meta_org,
           "--profile", PROFILE)
t.ok(p.returncode == 0, "--site --date validation: exit 0", p.stderr.strip()[:300])
orgs = []
path = os.path.join(site, "organisations.csv")
if os.path.exists(path):
    with open(path, newline="") as f:
        orgs = list(csv.DictReader(f))
with_prev = [r for r in orgs if r["previous_share"] != ""]
t.ok(orgs and len(with_prev) > len(orgs) // 2,
     "--site --date validation: organisations.csv gives a previous share for most organisations",
     "%d of %d" % (len(with_prev), len(orgs)))
ok = all(abs(float(r["share"]) - float(r["previous_share"]) - float(r["change"])) < 1e-9
         for r in with_prev if r["share"] and r["change"])
t.ok(with_prev and ok, "--site --date validation: change = share - previous share")
pages = [os.path.join(site, "org", f) for f in os.listdir(os.path.join(site, "org"))
         if f.endswith(".html")] if os.path.isdir(os.path.join(site, "org")) else []
said = [pg for pg in pages if "Change since the previous crawl (2026-08-06" in open(pg).read()]
t.ok(pages and len(said) == len(pages),
     "--site --date validation: every scorecard names the previous crawl by its validation day",
     "%d of %d" % (len(said), len(pages)))

p = report(before, after, "--date", "bogus", "-o", os.path.join(OUT, "x.html"))
t.ok(p.returncode == 2 and "--date" in p.stderr, "--date bogus: usage error (2)",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))
t.done()
