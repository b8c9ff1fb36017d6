#!/usr/bin/env python3
"""cli_test.py - uptake-stats, uptake-trend and uptake-report from the
command line: bad input gives clear messages and never partial results
presented as complete; columns missing from an older snapshot are
reported, not fatal; trend figures recomputed independently; folding,
output files, the terminal default.  TAP on stdout.

    cli_test.py BUILD_DIR WORKDIR
"""

import csv
import io
import json
import math
import os
import pty
import shutil
import subprocess
import sys

n = 0
failed = 0


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    return cond


def run(*args, env=None):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                       env=env)
    return r.returncode, r.stdout, r.stderr


def corrupt(path):
    """Overwrite every column chunk (byte 4 up to the footer)."""
    with open(path, "r+b") as f:
        size = os.path.getsize(path)
        f.seek(size - 8)
        flen = int.from_bytes(f.read(4), "little")
        f.seek(4)
        f.write(b"\x5a" * (size - 8 - flen - 4))


def main():
    build, work = sys.argv[1:3]
    stats = os.path.join(build, "analysis", "uptake-stats")
    trend = os.path.join(build, "analysis", "uptake-trend")
    report = os.path.join(build, "analysis", "uptake-report")
    gen = os.path.join(build, "tests", "gen_synth")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    good, old = os.path.join(work, "good"), os.path.join(work, "old")
    meta = os.path.join(work, "meta.csv")
    subprocess.run([gen, good, "20000", "--part-rows", "5000", "--meta", meta,
                    "--level", "1", "--date", "2026-02-02", "--improve", "0.1"],
                   check=True)
    # Another crawl: input_index values of its own, so that reading it
    # with good as one crawl holds no duplicate (list, input_index) rows.
    subprocess.run([gen, old, "20000", "--part-rows", "20000", "--level", "1",
                    "--start", "20000",
                    "--date", "2026-01-05", "--drop", "caa,tls_version,hsts_preload"],
                   check=True)
    bad = os.path.join(work, "bad")
    shutil.copytree(good, bad)
    corrupt(os.path.join(bad, "part-00002.parquet"))
    trunc = os.path.join(work, "trunc")
    shutil.copytree(good, trunc)
    os.truncate(os.path.join(trunc, "part-00001.parquet"), 1000)

    # A complete run.
    rc, out, err = run(stats, good, "--by", "country", "--meta", meta, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    ok(rc == 0 and rows and all(r["complete"] == "yes" for r in rows),
       "complete run: exit 0, every row complete=yes")
    ok(list(rows[0].keys())[:6] == ["country", "country_source", "rows", "metric", "n", "k"],
       "CSV columns: keys, country_source, rows, metric, n, k, ...")

    # Columns missing from an older snapshot: reported, not fatal.
    rc, out, err = run(stats, good, old, "--format", "json")
    j = json.loads(out) if rc == 0 else {}
    na = j.get("metrics_not_available", {})
    ok(rc == 0 and set(na) == {"caa", "tls13", "tls_legacy", "hsts_preload"},
       "missing columns: exit 0, exactly the metrics needing them not available (%s)" % sorted(na))
    ok("column caa is not in 1 of 5 parts" in na.get("caa", "") and
       "old/part-00000.parquet" in na.get("caa", ""),
       "the reason names the column and the part: %s" % na.get("caa"))
    ok("caa not available" in err and "old/part-00000.parquet" in err,
       "a warning on stderr")
    ok(all("caa" not in g["metrics"] for g in j.get("groups", [])) and
       all("hsts" in g["metrics"] for g in j.get("groups", [])),
       "no figures for them, figures for the others")
    rc, out, err = run(stats, good, old, "--format", "csv")
    notes = {r["metric"]: r["note"] for r in csv.DictReader(io.StringIO(out))}
    ok(notes.get("caa", "").startswith("not available: column caa") and notes.get("hsts") == "",
       "CSV: not-available note on the metric's line")

    # A corrupt part: an error naming it, no output.
    rc, out, err = run(stats, bad, "--by", "country")
    ok(rc == 1 and out == "" and "part-00002.parquet" in err and "--allow-partial" in err,
       "corrupt part: exit 1, nothing on stdout, the part named: %s" % err.strip().splitlines()[0][:160])
    rc, out, err = run(stats, trunc)
    ok(rc == 1 and out == "" and "part-00001.parquet" in err,
       "truncated part: exit 1, named: %s" % err.strip()[:160])
    # --allow-partial: marked in every format, exit 3.
    rc, out, err = run(stats, bad, "--allow-partial", "--format", "md")
    ok(rc == 3 and out.startswith("> **PARTIAL RESULTS: 1 of 4 parts") and
       "PARTIAL RESULTS" in err, "--allow-partial, md: banner first, exit 3")
    rc, out, err = run(stats, bad, "--allow-partial", "--format", "json")
    j = json.loads(out)
    ok(rc == 3 and j["complete"] is False and len(j["unreadable_parts"]) == 1 and
       j["unreadable_parts"][0]["path"].endswith("part-00002.parquet") and j["rows"] == 15000,
       "--allow-partial, json: complete false, the part listed, its rows left out whole")
    rc, out, err = run(stats, bad, "--allow-partial", "--format", "csv")
    ok(rc == 3 and all(r["complete"] == "no" for r in csv.DictReader(io.StringIO(out))),
       "--allow-partial, csv: complete=no on every line")

    # Metadata with bad lines: file and line.
    cases = [
        ("domain,country,sector\na.se,SE,x\nb.se,SE\n", ":3: 2 fields, expected 3"),
        ("domain,country,sector\na.se,Sweden,x\n", ":2: country 'Sweden' is not a two-letter"),
        ("a.se,SE,x\nb.se,SE,y\na.se,NO,x\n", ":3: domain a.se is on line 1 with other labels"),
        ("domain,country,sector\n\"a.se,SE,x\n", ":2: unterminated quoted field"),
    ]
    for i, (text, want) in enumerate(cases):
        p = os.path.join(work, "meta-bad%d.csv" % i)
        open(p, "w").write(text)
        rc, out, err = run(stats, good, "--meta", p, "--by", "sector")
        ok(rc == 2 and out == "" and (p + want) in err, "bad meta: %s" % err.strip())

    # Usage errors.
    for args, want in ((["--by", "sector"], "--by sector needs --meta"),
                       (["--by", "nation"], "unknown key 'nation'"),
                       (["--by", "country,country"], "'country' given twice"),
                       (["--metrics", "dnssec"], "unknown metric 'dnssec'"),
                       (["--country-source", "meta"], "needs --meta"),
                       (["--format", "xml"], "not csv, json or md")):
        rc, out, err = run(stats, good, *args)
        ok(rc == 2 and want in err, "usage: %s -> %s" % (" ".join(args), err.strip()))
    rc, out, err = run(stats, os.path.join(work, "nope"))
    ok(rc == 1 and "nope" in err, "missing snapshot: %s" % err.strip())
    rc, out, err = run(stats, good, good)
    ok(rc == 1 and "already given" in err, "a snapshot given twice: %s" % err.strip()[:120])

    # Folding and output file.
    rc, out, err = run(stats, good, "--by", "country", "--meta", meta, "--min-n", "1500",
                       "--format", "json", "-o", os.path.join(work, "f.json"))
    j = json.load(open(os.path.join(work, "f.json")))
    sizes = {g["key"]["country"]: g["rows"] for g in j["groups"]}
    ok(rc == 0 and out == "" and "other" in sizes and sum(sizes.values()) == 20000 and
       all(v >= 1500 for k, v in sizes.items() if k != "other"),
       "--min-n 1500 folds small groups into other, -o writes the file (%s)" % sizes)
    rc, out, err = run(stats, good, "--weight", "rank", "--format", "json", "--metrics", "hsts")
    g = json.loads(out)["groups"][0]["metrics"]["hsts"]
    ok(rc == 0 and 0 < g["n_eff"] < g["n"] and abs(g["rate"] - g["weight_k"] / g["weight_n"]) < 1e-9,
       "--weight rank: rate = weighted k / weighted n, n_eff below n (%.1f)" % g["n_eff"])

    # Markdown by default on a terminal.
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(stats, [stats, good, "--by", "country", "--metrics", "tls13"])
    buf = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    os.waitpid(pid, 0)
    ok(buf.decode().startswith("| country | country source | metric | n | k |"),
       "Markdown by default on a terminal")

    # Trend: across schema versions, figures recomputed independently.
    rc, out, err = run(trend, old, good, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    ok(rc == 0 and "caa not available in OLD" in err, "trend over an older schema: exit 0, warning")
    caa = [r for r in rows if r["metric"] == "caa"]
    ok(caa and caa[0]["note"] == "not available in OLD" and caa[0]["p"] == "",
       "trend: the missing metric is reported, not tested")
    tested = [r for r in rows if r["p"] != ""]
    worst = 0.0
    for r in tested:
        k1, n1, k2, n2 = (int(r[c]) for c in ("k_old", "n_old", "k_new", "n_new"))
        p = (k1 + k2) / (n1 + n2)
        se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
        pv = 1.0 if se == 0 else math.erfc(abs((k2 / n2 - k1 / n1) / se) / math.sqrt(2))
        worst = max(worst, abs(pv - float(r["p"])) / max(pv, 1e-300))
    ok(tested and worst < 1e-5, "trend p-values equal an independent z-test (%d tests, max rel. diff %.1e)"
       % (len(tested), worst))
    ps = sorted((float(r["p"]), i) for i, r in enumerate(tested))
    m, run_min, q = len(ps), 1.0, {}
    for j in range(m - 1, -1, -1):
        run_min = min(run_min, ps[j][0] * m / (j + 1))
        q[ps[j][1]] = run_min
    worst = max(abs(q[i] - float(r["q"])) / max(q[i], 1e-300) for i, r in enumerate(tested))
    ok(worst < 1e-5, "trend q-values equal Benjamini-Hochberg (max rel. diff %.1e)" % worst)
    rc, out, err = run(stats, good, "--format", "csv", "--metrics", "hsts")
    s_new = next(csv.DictReader(io.StringIO(out)))
    h = next(r for r in rows if r["metric"] == "hsts")
    ok(h["n_new"] == s_new["n"] and h["k_new"] == s_new["k"], "trend n and k equal uptake-stats'")
    rc, out, err = run(trend, old, good, "--format", "csv", "--only-significant", "--by", "country")
    sig = list(csv.DictReader(io.StringIO(out)))
    ok(rc == 0 and sig and all(r["significant"] == "yes" for r in sig),
       "--only-significant prints only significant changes (%d)" % len(sig))
    rc, out, err = run(trend, old, bad, "--format", "csv")
    ok(rc == 1 and "NEW" in err and "part-00002.parquet" in err, "trend with a corrupt part: exit 1, named")

    # Report: partial marked, nothing written on failure.
    html = os.path.join(work, "r.html")
    rc, out, err = run(report, bad, "-o", html)
    ok(rc == 1 and not os.path.exists(html) and "part-00002.parquet" in err,
       "report with a corrupt part: exit 1, no file")
    rc, out, err = run(report, bad, "--allow-partial", "-o", html)
    text = open(html).read() if os.path.exists(html) else ""
    ok(rc == 3 and "PARTIAL RESULTS" in text and "PARTIAL REPORT" in err,
       "report --allow-partial: exit 3, the banner in the report")
    rc, out, err = run(report, old, good, "--meta", meta, "-o", html)
    text = open(html).read()
    ok(rc == 0 and "Trends" in text and "Not available in these snapshots" not in text,
       "report over two crawls: trends; the latest crawl has every column")
    rc, out, err = run(report, old, "-o", html)
    text = open(html).read()
    ok(rc == 0 and "Not available in these snapshots" in text and "column caa" in text,
       "report of an older snapshot: the missing metrics are listed in Method")


if __name__ == "__main__":
    try:
        main()
    finally:
        print("1..%d" % n)
    sys.exit(1 if failed or n == 0 else 0)
