#!/usr/bin/env python3
"""dups_test.py - readers never double count (issue 14 point 3).

A synthetic snapshot (gen_synth) of 20,000 rows in 4 parts; "dup" is the
same with part 1 copied as part 9 (a copied part); "good,copy" is one
snapshot given twice under two names.  uptake-stats, uptake-trend,
uptake-report and uptake-dump refuse both by default (non-zero exit, no
output, the message naming both parts and one key) and with --dedupe
keep-first give exactly the figures of the clean snapshot, saying how
many rows they dropped in their provenance (CSV note, JSON, Markdown,
report, dump summary).  TAP on stdout.

    dups_test.py BUILD_DIR WORKDIR
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

n = 0
failed = 0
ROWS = 20000
PART = 5000


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name), flush=True)
    return cond


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def figures(out):
    """(keys, metric) -> (n, k) of a uptake-stats CSV."""
    res = {}
    for r in csv.DictReader(io.StringIO(out)):
        res[(r["list"], r["metric"])] = (r["n"], r["k"], r["rows"])
    return res


def main():
    build, work = sys.argv[1:3]
    stats = os.path.join(build, "analysis", "uptake-stats")
    trend = os.path.join(build, "analysis", "uptake-trend")
    report = os.path.join(build, "analysis", "uptake-report")
    dump = os.path.join(build, "analysis", "uptake-dump")
    gen = os.path.join(build, "tests", "gen_synth")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    good = os.path.join(work, "good")
    subprocess.run([gen, good, str(ROWS), "--part-rows", str(PART),
                    "--level", "1", "--date", "2026-02-02"], check=True)
    dup = os.path.join(work, "dup")
    shutil.copytree(good, dup)
    shutil.copy(os.path.join(dup, "part-00001.parquet"),
                os.path.join(dup, "part-00009.parquet"))
    copy = os.path.join(work, "copy")
    shutil.copytree(good, copy)

    rc, base, err = run(stats, good, "--by", "list", "--format", "csv")
    ok(rc == 0 and base, "clean snapshot: exit 0 (%s)" % err.strip()[:200])
    want = figures(base)

    key_re = r"list '[^']*' input_index \d+"
    for name, args, dropped in (("copied part", [dup], PART),
                                ("snapshot given twice", [good, copy], ROWS)):
        rc, out, err = run(stats, *args, "--by", "list", "--format", "csv")
        print("# uptake-stats on %s: exit %d: %s" % (name, rc, err.strip()[:400]))
        ok(rc != 0 and out == "", "uptake-stats refuses a %s: non-zero exit, "
           "no output" % name)
        if name == "copied part":
            ok("part-00001.parquet" in err and "part-00009.parquet" in err
               and re.search(key_re, err) and "%d duplicate rows" % PART in err,
               "uptake-stats names both parts, a key and the count")
        else:
            ok(os.path.join("good", "part-00000.parquet") in err
               and os.path.join("copy", "part-00000.parquet") in err
               and re.search(key_re, err),
               "uptake-stats names the part in each snapshot and a key")
        rc, out, err = run(stats, *args, "--by", "list", "--format", "csv",
                           "--dedupe", "keep-first")
        got = figures(out)
        ok(rc == 0 and got == want,
           "uptake-stats --dedupe keep-first on a %s: the clean figures" % name)
        rows = list(csv.DictReader(io.StringIO(out)))
        ok(rows and all("dropped" in r["note"] and
                        "%d duplicate rows" % dropped in r["note"]
                        for r in rows),
           "every CSV line that says complete also says %d rows were "
           "dropped" % dropped)
        ok("dropped" in err, "stderr says rows were dropped")
        rc, out, err = run(stats, *args, "--by", "list", "--format", "json",
                           "--dedupe", "keep-first")
        j = json.loads(out) if rc == 0 else {}
        ok(j.get("duplicates_dropped") == dropped and
           sum(s["rows"] for s in j.get("snapshots", [])) == ROWS,
           "JSON: duplicates_dropped %d, snapshots' rows %d" % (dropped, ROWS))
        rc, out, err = run(stats, *args, "--by", "list", "--format", "md",
                           "--dedupe", "keep-first")
        ok(rc == 0 and "Duplicate rows dropped" in out,
           "Markdown says duplicate rows were dropped")

    # uptake-trend: the duplicated side is refused, or deduplicated.
    rc, tbase, err = run(trend, good, good, "--format", "csv")
    rc, out, err = run(trend, good, dup, "--format", "csv")
    ok(rc != 0 and out == "" and "NEW" in err and "part-00009.parquet" in err,
       "uptake-trend refuses a NEW with a copied part (%s)" % err.strip()[:200])
    rc, out, err = run(trend, good, dup, "--format", "csv", "--dedupe",
                       "keep-first")
    strip = lambda t: [r[:-1] for r in csv.reader(io.StringIO(t))]
    ok(rc == 0 and strip(out) == strip(tbase),
       "uptake-trend --dedupe keep-first: the clean figures")
    ok(all("dropped" in r["note"] for r in csv.DictReader(io.StringIO(out))),
       "uptake-trend CSV notes say rows were dropped")

    # uptake-report.
    html = os.path.join(work, "r.html")
    rc, out, err = run(report, dup, "-o", html)
    ok(rc != 0 and not os.path.exists(html) and "part-00009.parquet" in err,
       "uptake-report refuses a copied part, writes nothing")
    rc, out, err = run(report, dup, "-o", html, "--dedupe", "keep-first")
    page = open(html).read() if os.path.exists(html) else ""
    ok(rc == 0 and "Duplicate rows dropped" in page and str(PART) in page,
       "uptake-report --dedupe keep-first says so in the report")

    # uptake-dump.
    rc, out, err = run(dump, dup, "--csv")
    ok(rc != 0 and out == "" and "part-00001.parquet" in err
       and "part-00009.parquet" in err, "uptake-dump --csv refuses, no rows")
    rc, out, err = run(dump, dup)
    ok(rc != 0 and "DUPLICATE" in out, "uptake-dump summary: exit non-zero, "
       "says DUPLICATE")
    rc, clean, err = run(dump, good, "--csv")
    rc, out, err = run(dump, dup, "--csv", "--dedupe", "keep-first")
    ok(rc == 0 and out == clean,
       "uptake-dump --csv --dedupe keep-first: the clean rows, in order")
    rc, out, err = run(dump, dup, "--dedupe", "keep-first")
    ok(rc == 0 and re.search(r"rows: %d \(.*%d duplicate rows dropped"
                             % (ROWS, PART), out),
       "uptake-dump summary --dedupe keep-first: %d rows, %d dropped"
       % (ROWS, PART))
    rc, out, err = run(dump, dup, "--dedupe", "sometimes")
    ok(rc == 2 and "--dedupe" in err, "a bad --dedupe value is a usage error")
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
