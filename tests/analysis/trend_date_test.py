#!/usr/bin/env python3
"""uptake-trend --date: which metadata date orders a series.

A simulated crawl (scripts/demo: two worlds months apart, crawled minutes
apart) measures the Internet as of its --validation-time, which the
crawler records as uptake.validation_time; uptake.crawl_start stays the
wall-clock start.  Two gen_synth snapshots with the two dates in opposite
orders: by default (--date crawl) the series and the panel follow
crawl_start and name that column; with --date validation they follow
validation_time and name it so.  Refusals: a snapshot without
uptake.validation_time under --date validation, two crawls of one
validation date, --date bogus, --date without --series/--panel/
--regressions.

usage: trend_date_test.py GEN_SYNTH UPTAKE_TREND OUTDIR
"""

import csv
import io
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

SYNTH, TREND, OUT = sys.argv[1:4]
t = Tap()
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)

# (name, crawl_start date, validation_time or None, --improve)
SNAPS = [("early-world", "2026-12-06", "2026-08-06T06:00:00Z", "0"),
         ("late-world", "2026-12-05", "2026-12-06T06:00:00Z", "0.5"),
         ("no-vtime", "2026-12-07", None, "0"),
         ("same-vtime", "2026-12-08", "2026-12-06T06:00:00Z", "0")]
for name, date, vt, imp in SNAPS:
    args = [SYNTH, os.path.join(OUT, name), "400", "--seed", "5", "--date", date,
            "--improve", imp]
    if vt:
        args += ["--kv", "uptake.validation_time=" + vt]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
snap = {n: os.path.join(OUT, n) for n, _, _, _ in SNAPS}


def trend(*args):
    return subprocess.run([TREND] + list(args), capture_output=True, text=True)


def firsts(out, col):
    """The distinct values of column col, in output order."""
    seen = []
    for r in csv.DictReader(io.StringIO(out)):
        if r.get(col) not in seen:
            seen.append(r.get(col))
    return seen


# Default: crawl_start order (late-world started first, on 12-05).
p = trend("--series", snap["early-world"], snap["late-world"], "--metrics", "hsts")
if p.returncode:
    t.diag(p.stderr.strip()[:300])
t.eq(p.returncode, 0, "series by crawl_start: exit 0")
t.eq(p.stdout.split(",", 1)[0], "crawl_start", "series by crawl_start: its first column says so")
t.eq(firsts(p.stdout, "snapshot"), [snap["late-world"], snap["early-world"]],
     "series by crawl_start: the crawl started first comes first")

# --date validation: the measurement dates order the series.
p = trend("--series", "--date", "validation", snap["late-world"], snap["early-world"],
          "--metrics", "hsts")
if p.returncode:
    t.diag(p.stderr.strip()[:300])
t.eq(p.returncode, 0, "series --date validation: exit 0")
t.eq(p.stdout.split(",", 1)[0], "validation_time",
     "series --date validation: the first column is validation_time")
t.eq(firsts(p.stdout, "validation_time"), ["2026-08-06T06:00:00Z", "2026-12-06T06:00:00Z"],
     "series --date validation: dated by uptake.validation_time, earlier first")
t.eq(firsts(p.stdout, "snapshot"), [snap["early-world"], snap["late-world"]],
     "series --date validation: the earlier world comes first")

p = trend("--panel", "--date", "validation", snap["late-world"], snap["early-world"],
          "--metrics", "hsts")
rows = list(csv.DictReader(io.StringIO(p.stdout)))
t.ok(p.returncode == 0 and rows and all(r["from"] == "2026-08-06T06:00:00Z" and
                                        r["to"] == "2026-12-06T06:00:00Z" for r in rows),
     "panel --date validation: from the earlier validation date to the later",
     "rc %d %s" % (p.returncode, p.stderr.strip()[:300]))
adopted = sum(int(r["adopted"]) for r in rows) if rows else 0
dropped = sum(int(r["dropped"]) for r in rows) if rows else 0
t.ok(adopted > dropped, "panel --date validation: the improved world is the later one",
     "adopted %d dropped %d" % (adopted, dropped))

p = trend("--series", "--date", "validation", "--format", "json", snap["late-world"],
          snap["early-world"], "--metrics", "hsts")
t.ok(p.returncode == 0 and '"validation_time": "2026-08-06T06:00:00Z"' in p.stdout
     and '"crawl_start"' not in p.stdout,
     "series --date validation --format json: snapshots and rows dated by validation_time")

# Refusals.
p = trend("--series", "--date", "validation", snap["early-world"], snap["no-vtime"])
t.ok(p.returncode == 1 and "uptake.validation_time" in p.stderr and "no-vtime" in p.stderr,
     "--date validation: a snapshot without uptake.validation_time is refused, named",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))
p = trend("--series", "--date", "validation", snap["late-world"], snap["same-vtime"])
t.ok(p.returncode == 1 and "same" in p.stderr,
     "--date validation: two crawls of one validation date are refused",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))
p = trend("--series", "--date", "bogus", snap["early-world"], snap["late-world"])
t.ok(p.returncode == 2 and "--date" in p.stderr, "--date bogus: usage error (2)",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))
p = trend("--date", "validation", snap["early-world"], snap["late-world"])
t.ok(p.returncode == 2 and "--date" in p.stderr,
     "--date without --series, --panel or --regressions: usage error (2)",
     "rc %d: %s" % (p.returncode, p.stderr.strip()[:300]))
t.done()
