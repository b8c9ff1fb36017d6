#!/usr/bin/env python3
"""uptake-trend --series, --panel and --regressions against planted truth.

Three crawls of one list are written with gen_panel from a table of
planted states (per domain and crawl: present or not; per metric true,
false or not measured), and given to uptake-trend out of date order.  The
expected figures are computed here from the planted table, not from the
snapshots: the panel's counts per (pair, group, metric), McNemar's
statistic (|b - c| - 1)^2 / (b + c) and its p-value (exact binomial with
fractions below 25 discordant pairs, chi-square 1 df above), the domains in
one crawl only, the regressions per organisation, and the series' k and n.
The series is also compared with uptake-stats run crawl by crawl, on the
planted crawls and on three gen_synth crawls with every metric.

usage: panel_test.py GEN_PANEL UPTAKE_TREND UPTAKE_STATS GEN_SYNTH OUTDIR
"""

import csv
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

GEN, TREND, STATS, SYNTH, OUT = sys.argv[1:6]
EXACT_BELOW = 25          # analysis/panel.h PANEL_EXACT_BELOW
DATES = ["2026-01-05", "2026-04-05", "2026-07-05"]
METRICS = ["caa", "hsts"]  # caa: dns_status = 'ok' AND caa IS NOT NULL
T, F, N = "T", "F", None   # true, false, not measured

t = Tap()
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)


def run(args, want_rc=0):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != want_rc:
        t.diag("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                     p.stderr.strip()[:500]))
    return p


# --- the planted table ------------------------------------------------

rng = random.Random(19)
# organisation -> (domains, country, sector); "" = not in the meta file.
ORGS = [("Ministry of Tests", 260, "NL", "national-government"),
        ("Gemeente Klein, Noord", 30, "NL", "local-government"),
        ("Bundesamt", 80, "DE", "national-government"),
        ("Hand", 0, "NL", "education"),   # the hand-made case below
        ("", 40, "", "")]
domains = {}   # domain -> dict(org, country, sector, states[crawl][metric])


def state_draw(p_true, p_null):
    u = rng.random()
    return N if u < p_null else (T if u < p_null + p_true else F)


for org, count, cc, sec in ORGS:
    for i in range(count):
        tld = "de" if cc == "DE" else "nl" if cc == "NL" else "com"
        d = "%s%d.%s" % (("org%d-" % ORGS.index((org, count, cc, sec)))
                         if org else "free-", i, tld)
        present = [True, True, True]
        u = rng.random()
        if u < 0.05:
            present[0] = False          # joined the list later
        elif u < 0.10:
            present[1] = False          # missing from the middle crawl
        elif u < 0.14:
            present[2] = False          # left the list
        states = []
        for c in range(3):
            st = {}
            for m in METRICS:
                st[m] = state_draw(0.35 + 0.12 * c, 0.12)
            states.append(st if present[c] else None)
        domains[d] = dict(org=org, country=cc, sector=sec, states=states)

# The hand-made organisation: hsts from crawl 0 to 1 has 7 adopted, 1
# dropped, 2 stayed true, 3 stayed false, 2 measured only once (null on
# the other side) and 1 domain in crawl 0 only.  caa stays true.
hand = ([(F, T)] * 7 + [(T, F)] + [(T, T)] * 2 + [(F, F)] * 3 +
        [(N, T), (T, N)])
for i, (a, b) in enumerate(hand):
    domains["hand%d.nl" % i] = dict(
        org="Hand", country="NL", sector="education",
        states=[{"caa": T, "hsts": a}, {"caa": T, "hsts": b},
                {"caa": T, "hsts": b}])
domains["hand-gone.nl"] = dict(org="Hand", country="NL", sector="education",
                               states=[{"caa": T, "hsts": T}, None, None])


def write_crawl(c, path, date, lst="gov-test"):
    rows = os.path.join(OUT, "rows%d-%s.csv" % (c, lst))
    with open(rows, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["domain", "list", "dns_status", "caa", "http_status",
                    "hsts"])
        for d, v in sorted(domains.items()):
            st = v["states"][c]
            if st is None:
                continue
            # caa null: dns_status ok with caa null (not measured) or a
            # domain that does not resolve; hsts null: no HTTPS answer.
            dns = "ok" if st["caa"] is not N or rng.random() < 0.5 \
                else "nxdomain"
            caa = {T: "true", F: "false", N: ""}[st["caa"]]
            http = "" if st["hsts"] is N else "200"
            hsts = {T: "true", F: "false", N: ""}[st["hsts"]]
            if st["hsts"] is N and rng.random() < 0.5:
                http, hsts = "200", ""
            w.writerow([d, lst, dns, caa, http, hsts])
    p = run([GEN, path, rows, "--date", date, "--list", lst])
    return p.returncode == 0


meta = os.path.join(OUT, "meta.csv")
with open(meta, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["domain", "country", "sector", "organisation"])
    for d, v in sorted(domains.items()):
        if v["org"]:
            w.writerow([d, v["country"], v["sector"], v["org"]])

snaps = [os.path.join(OUT, "crawl%d" % c) for c in range(3)]
t.ok(all(write_crawl(c, snaps[c], DATES[c]) for c in range(3)),
     "gen_panel wrote three crawls")
ARGS = [snaps[2], snaps[0], snaps[1]]      # not in date order


def org_label(v):
    return v["org"] or "unknown"


def labels(d, key):
    v = domains[d]
    if key == "organisation":
        return org_label(v)
    if key == "sector":
        return v["sector"] or "unknown"
    if key == "country":
        if v["country"]:
            return v["country"]
        tld = d.rsplit(".", 1)[1]
        return tld.upper() if len(tld) == 2 else "unknown"
    raise KeyError(key)


def exact_p(b, c):
    n, k = b + c, min(b, c)
    s = sum(Fraction(math.comb(n, i), 2 ** n) for i in range(k + 1))
    return float(min(Fraction(1), 2 * s))


def mcnemar(b, c):
    n = b + c
    if n == 0:
        return None, None, None
    stat = 0.0 if b == c else (abs(b - c) - 1) ** 2 / n
    if n < EXACT_BELOW:
        return stat, exact_p(b, c), "exact"
    return stat, math.erfc(math.sqrt(stat / 2)), "chi2"


def expected_panel(keys):
    """(from, to, labels, metric) -> counts, from the planted table."""
    exp = {}
    only = {}
    for i in range(2):
        both = only_from = only_to = 0
        for d, v in domains.items():
            a, b = v["states"][i], v["states"][i + 1]
            if a is not None and b is None:
                only_from += 1
            if a is None and b is not None:
                only_to += 1
            if a is None or b is None:
                continue
            both += 1
            lab = tuple(labels(d, k) for k in keys)
            for m in METRICS:
                e = exp.setdefault((DATES[i], DATES[i + 1], lab, m), dict(
                    domains_both=0, n_pair=0, stayed_true=0, adopted=0,
                    dropped=0, stayed_false=0))
                e["domains_both"] += 1
                if a[m] is N or b[m] is N:
                    continue
                e["n_pair"] += 1
                e[{(T, T): "stayed_true", (F, T): "adopted",
                   (T, F): "dropped", (F, F): "stayed_false"}[
                       (a[m], b[m])]] += 1
        only[(DATES[i], DATES[i + 1])] = (both, only_from, only_to)
    return exp, only


def close(a, b, rel=1e-8):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


# --- the panel ---------------------------------------------------------

for keys in (["organisation"], ["country", "sector"], []):
    by = ["--by", ",".join(keys)] if keys else []
    name = ",".join(keys) or "none"
    p = run([TREND, "--panel", "--format", "json", "--meta", meta,
             "--metrics", ",".join(METRICS)] + by + ARGS)
    if not t.ok(p.returncode == 0, "--panel --by %s runs" % name):
        continue
    got = json.loads(p.stdout)
    exp, only = expected_panel(keys)
    t.eq([s["crawl_start"] for s in got["snapshots"]], DATES,
         "--by %s: crawls ordered by crawl date, not argument order" % name)
    t.eq([(x["from"], x["to"], x["domains_both"], x["domains_only_from"],
           x["domains_only_to"]) for x in got["pairs"]],
         [(a, b) + only[(a, b)] for a, b in zip(DATES, DATES[1:])],
         "--by %s: domains in both crawls and in one only, per pair" % name)
    rows = {}
    for x in got["pairs"]:
        for r in x["rows"]:
            lab = tuple(r["key"][k] for k in keys)
            rows[(x["from"], x["to"], lab, r["metric"])] = r
    t.eq(sorted(rows), sorted(exp),
         "--by %s: one row per pair, group and metric" % name)
    bad_counts, bad_test, tested = [], [], {"exact": 0, "chi2": 0}
    for k, e in exp.items():
        r = rows.get(k)
        if r is None:
            continue
        if {f: r[f] for f in e} != e:
            bad_counts.append((k, {f: r[f] for f in e}, e))
        stat, pv, how = mcnemar(e["adopted"], e["dropped"])
        if not (close(r["mcnemar"], stat) and close(r["p"], pv) and
                r["p_method"] == how):
            bad_test.append((k, r["mcnemar"], r["p"], r["p_method"],
                             stat, pv, how))
        if how:
            tested[how] += 1
        n = e["n_pair"]
        s0 = (e["stayed_true"] + e["dropped"]) / n if n else None
        s1 = (e["stayed_true"] + e["adopted"]) / n if n else None
        if not (close(r["share_from"], s0) and close(r["share_to"], s1)):
            bad_test.append((k, "shares", r["share_from"], r["share_to"],
                             s0, s1))
    t.ok(not bad_counts, "--by %s: n_pair, stayed, adopted, dropped equal "
         "the planted transitions (%d rows)" % (name, len(exp)),
         "\n".join(map(str, bad_counts[:5])))
    t.ok(not bad_test, "--by %s: McNemar statistic, p-value and method "
         "equal the formulas (exact %d, chi2 %d)" % (name, tested["exact"],
                                                    tested["chi2"]),
         "\n".join(map(str, bad_test[:5])))
    if keys == ["organisation"]:
        t.ok(tested["exact"] > 0 and tested["chi2"] > 0,
             "both p-value methods exercised")
        h = rows[(DATES[0], DATES[1], ("Hand",), "hsts")]
        t.eq((h["domains_both"], h["n_pair"], h["adopted"], h["dropped"],
              h["stayed_true"], h["stayed_false"]), (15, 13, 7, 1, 2, 3),
             "hand-made case: nulls and one-crawl domains out of the pairs")
        t.ok(close(h["mcnemar"], 3.125) and close(h["p"], 0.0703125) and
             h["p_method"] == "exact",
             "hand-made case: McNemar 25/8 = 3.125, exact p 18/256",
             str(h))
        orgs = [r["key"]["organisation"] for r in got["pairs"][0]["rows"]]
        t.eq(orgs[-1], "unknown", "groups sorted, unknown last")

# CSV: the same figures as the JSON.
p = run([TREND, "--panel", "--meta", meta, "--by", "organisation",
         "--metrics", ",".join(METRICS)] + ARGS)
rows = list(csv.DictReader(io.StringIO(p.stdout)))
t.eq(list(rows[0].keys()) if rows else None,
     ["from", "to", "organisation", "metric", "domains_both", "n_pair",
      "stayed_true", "adopted", "dropped", "stayed_false", "share_from",
      "share_to", "mcnemar", "p", "p_method", "note"], "--panel CSV header")
exp, _ = expected_panel(["organisation"])
t.ok(all(int(r["adopted"]) == exp[(r["from"], r["to"],
         (r["organisation"],), r["metric"])]["adopted"] and
         int(r["dropped"]) == exp[(r["from"], r["to"], (r["organisation"],),
                                  r["metric"])]["dropped"] for r in rows) and
     len(rows) == len(exp), "--panel CSV: adopted and dropped as planted")

# --- the regressions -----------------------------------------------------

p = run([TREND, "--regressions", "--meta", meta,
         "--metrics", ",".join(METRICS)] + ARGS)
got = [tuple(r) for r in csv.reader(io.StringIO(p.stdout))]
want = []
for i in range(2):
    for d, v in domains.items():
        a, b = v["states"][i], v["states"][i + 1]
        if a is None or b is None:
            continue
        for m in METRICS:
            if a[m] == T and b[m] == F:
                want.append((org_label(v), d, m, DATES[i], DATES[i + 1]))
t.eq(got[0] if got else None,
     ("organisation", "domain", "metric", "from", "to"),
     "--regressions CSV header")
t.eq(sorted(got[1:]), sorted(want),
     "--regressions: every planted true -> false, no other (%d)" % len(want))
orgs = [r[0] for r in got[1:]]
rank = [(o == "unknown", o) for o in orgs]
t.ok(rank == sorted(rank) and ("Hand", "hand7.nl", "hsts", DATES[0],
                               DATES[1]) in got,
     "--regressions grouped by organisation, unknown last")

# --- the series ----------------------------------------------------------


def stats_rows(snap, by, extra):
    p = run([STATS, snap, "--format", "csv", "--min-n", "1"] + by + extra)
    out = {}
    for r in csv.DictReader(io.StringIO(p.stdout)):
        keys = tuple(r[k] for k in by[1].split(",")) if by else ()
        out[(keys, r["metric"])] = (r["k"], r["n"], r["rate"], r["ci_low"],
                                    r["ci_high"])
    return p.returncode, out


def series_check(snaps_, dates, by, extra, what):
    p = run([TREND, "--series", "--min-n", "1"] + by + extra + snaps_)
    if not t.ok(p.returncode == 0, "%s: --series runs" % what):
        return
    keys = by[1].split(",") if by else []
    per = {}
    for r in csv.DictReader(io.StringIO(p.stdout)):
        # gen_synth writes its date with a time of day: the day names it.
        per.setdefault(r["crawl_start"][:10], {})[
            (tuple(r[k] for k in keys), r["metric"])] = (
                r["k"], r["n"], r["share"], r["ci_low"], r["ci_high"])
    t.eq(list(per), dates, "%s: series in crawl-date order" % what)
    for snap, date in zip(sorted(snaps_), dates):
        rc, want = stats_rows(snap, by, extra)
        t.ok(rc == 0 and per.get(date) == want,
             "%s: %s equals uptake-stats on that crawl (%d rows)" %
             (what, date, len(want)),
             "series only: %s\nstats only: %s" % (
                 sorted(set(per.get(date, {}).items()) -
                        set(want.items()))[:3],
                 sorted(set(want.items()) -
                        set(per.get(date, {}).items()))[:3]))
    return per


mflag = ["--meta", meta, "--metrics", ",".join(METRICS)]
per = series_check(ARGS, DATES, ["--by", "organisation"], mflag,
                   "planted, --by organisation")
if per:
    bad = []
    for c, date in enumerate(DATES):
        for m in METRICS:
            cnt = {}
            for d, v in domains.items():
                st = v["states"][c]
                if st is None:
                    continue
                k_, n_ = cnt.get(org_label(v), (0, 0))
                if st[m] is not N:
                    n_ += 1
                    k_ += st[m] == T
                cnt[org_label(v)] = (k_, n_)
            for o, (k_, n_) in cnt.items():
                got_ = per[date].get(((o,), m))
                if got_ is None or (int(got_[0]), int(got_[1])) != (k_, n_):
                    bad.append((date, o, m, got_, k_, n_))
    t.ok(not bad, "series k and n per organisation equal the planted "
         "states", "\n".join(map(str, bad[:5])))
series_check(ARGS, DATES, ["--by", "country,sector"], mflag,
             "planted, --by country,sector")
series_check(ARGS, DATES, [], mflag, "planted, no --by")

# Three gen_synth crawls, every metric, by country and sector.
syn = []
sdates = ["2025-06-01", "2025-12-01", "2026-06-01"]
for i, (d, imp) in enumerate(zip(sdates, ["0", "0.1", "0.2"])):
    s = os.path.join(OUT, "synth%d" % i)
    run([SYNTH, s, "3000", "--seed", "7", "--date", d, "--improve", imp,
         "--meta", os.path.join(OUT, "synth-meta.csv")])
    syn.append(s)
series_check([syn[1], syn[2], syn[0]], sdates, ["--by", "country,sector"],
             ["--meta", os.path.join(OUT, "synth-meta.csv")],
             "gen_synth, every metric")
p = run([TREND, "--series", "--format", "json", "--metrics", "tls13",
         syn[2], syn[0]])
j = json.loads(p.stdout) if p.returncode == 0 else {}
t.ok(sorted(set(r["crawl_start"][:10] for r in j.get("rows", []))) ==
     sdates[0:3:2] and [r["crawl_start"] for r in j.get("rows", [])] ==
     sorted(r["crawl_start"] for r in j.get("rows", [])) and
     all(set(r) >= {"k", "n", "share", "ci_low", "ci_high"}
         for r in j.get("rows", [])), "--series JSON: rows by crawl date")

# --- refusals -------------------------------------------------------------

other = os.path.join(OUT, "other-list")
write_crawl(1, other, "2026-10-05", lst="gov-other")
p = run([TREND, "--panel", snaps[0], other], want_rc=1)
t.ok(p.returncode == 1 and "a series follows one list" in p.stderr,
     "another list's crawl is refused", p.stderr)
twice = os.path.join(OUT, "same-date")
write_crawl(2, twice, DATES[0])
p = run([TREND, "--series", snaps[0], twice], want_rc=1)
t.ok(p.returncode == 1 and "the same crawl date" in p.stderr,
     "two crawls of one date are refused", p.stderr)
p = run([TREND] + ARGS, want_rc=2)
t.ok(p.returncode == 2 and "more than two need" in p.stderr,
     "three snapshots without --series or --panel: usage", p.stderr)
p = run([TREND, "--series", "--panel"] + ARGS, want_rc=2)
t.ok(p.returncode == 2, "--series with --panel: usage")
p = run([TREND, "--panel", "--by", "organisation"] + ARGS, want_rc=2)
t.ok(p.returncode == 2 and "needs --meta" in p.stderr,
     "--by organisation without --meta: usage", p.stderr)

sys.exit(t.done())
