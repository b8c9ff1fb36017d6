#!/usr/bin/env python3
"""uptake-lists: validate (each kind of error with FILE:LINE, the bundled
lists pass), combine (first file wins, --prefer), sample (every stratum
covered, min(N, size) per stratum, same seed -> same sample, another seed
-> another, independent of row and file order), stats, and lists/README.md
holding the current count table.

    test_uptake_lists.py SOURCE_ROOT UPTAKE_LISTS WORKDIR
"""

import csv
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed"))
from tap import Tap  # noqa: E402

src, tool, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
t = Tap()


def run(*args):
    p = subprocess.run([tool] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- validate: good input -------------------------------------------------
good = write("good.csv", "domain,country,sector,organisation\n"
             "example.se,SE,national-government,Myndigheten\n"
             "bristol.gov.uk,GB,local-government,\"Bristol, City of\"\n"
             "xn--bcher-kva.de,DE,education,\n"
             "gov.br,BR,national-government,\n")
rc, out, err = run("validate", good)
t.eq(rc, 0, "validate: a good list passes")
t.ok("| national-government | 1 | | | 1 | 2 |" in out, "validate: count table by sector and country",
     out)
t.ok("| good.csv | 4 | 2 |" in out, "validate: rows and organisations per file", out)

# Extra columns, other column order, no organisation column.
other = write("other-order.csv", "sector,note,domain,country\nhealth,x,nhs.example.uk,GB\n")
rc, out, err = run("validate", other)
t.eq(rc, 0, "validate: columns found by header name, extra columns ignored")

# --- validate: each error, with file:line ---------------------------------
bad = write("bad.csv", "domain,country,sector,organisation\n"
            "ok.example.se,SE,health,\n"             # 2
            "Upper.Example.se,SE,health,\n"          # 3 not normal form
            "bad_name.se,SE,health,\n"               # 4 bad char
            "localhost,SE,health,\n"                 # 5 single label
            "x.example.se,UK,health,\n"              # 6 UK is not ISO
            "y.example.se,se,health,\n"              # 7 lower case
            "z.example.se,XX,health,\n"              # 8 unassigned
            "w.example.se,SE,government,\n"          # 9 not in vocabulary
            "ok.example.se,SE,health,\n"             # 10 duplicate
            "v.example.se,SE\n"                      # 11 fields
            "\"u.example.se,SE,health,\n"            # 12 quoting
            "b\u00fccher.de,DE,education,\n")        # 13 U-label, not A-label
rc, out, err = run("validate", bad)
t.eq(rc, 1, "validate: errors exit 1")
expect = {
    3: "not in normal form", 4: "bad_char", 5: "single_label", 6: "ISO 3166-1",
    7: "ISO 3166-1", 8: "ISO 3166-1", 9: "not in the vocabulary",
    10: "duplicate domain ok.example.se (first on line 2)", 11: "2 fields, the header has 4",
    12: "unterminated quoted field", 13: "write 'xn--bcher-kva.de'",
}
for line, what in expect.items():
    t.ok(any(l.startswith("%s:%d: " % (bad, line)) and what in l for l in err.splitlines()),
         "validate: line %d reported: %s" % (line, what), err)
t.ok("11 errors" in err, "validate: error count", err)
t.ok(":2:" not in err, "validate: the good line is not reported", err)

nohdr = write("nohdr.csv", "example.se,SE,health\n")
rc, out, err = run("validate", nohdr)
t.ok(rc == 1 and "must name the columns domain, country and sector" in err,
     "validate: a file without the header is refused", err)
rc, out, err = run("validate", os.path.join(work, "missing.csv"))
t.eq(rc, 2, "validate: a missing file exits 2")
rc, out, err = run("frobnicate", good)
t.eq(rc, 2, "unknown command exits 2")

# --- the bundled lists ----------------------------------------------------
bundled = sorted(glob.glob(os.path.join(src, "lists", "*.csv")))
t.ok(len(bundled) >= 11, "bundled lists present (%d)" % len(bundled))
rc, table, err = run("validate", *bundled)
t.eq(rc, 0, "validate: every bundled list passes")
if rc != 0:
    t.diag(err[-2000:])
total = sum(len(rows(p)) for p in bundled)
t.ok("| all |" in table and table.rstrip().splitlines()[-1].split("|")[-2].strip().isdigit(),
     "validate: total line present")
with open(os.path.join(src, "lists", "README.md"), encoding="utf-8") as f:
    readme = f.read()
b = "<!-- uptake-lists validate: begin -->\n"
e = "<!-- uptake-lists validate: end -->"
block = readme[readme.find(b) + len(b):readme.find(e)] if b in readme and e in readme else None
t.ok(block == table, "lists/README.md holds the current output of `uptake-lists validate lists/*.csv`",
     "regenerate the block between the markers" if block is not None else "markers missing")
t.ok(str(total) in readme or total > 0, "bundled rows: %d" % total)

# --- combine --------------------------------------------------------------
a = write("a.csv", "domain,country,sector,organisation\n"
          "one.example,SE,health,A1\nboth.example,SE,health,A2\n")
b2 = write("b.csv", "domain,country,sector\n"
           "both.example,NO,education\ntwo.example,NO,water\n")
outp = os.path.join(work, "ab.csv")
rc, out, err = run("combine", a, b2, "-o", outp)
r = rows(outp) if rc == 0 else []
t.eq([x["domain"] for x in r], ["one.example", "both.example", "two.example"],
     "combine: union in input order, each domain once")
t.eq([(x["country"], x["sector"], x["organisation"]) for x in r if x["domain"] == "both.example"],
     [("SE", "health", "A2")], "combine: the first file wins a conflict")
t.ok("both.example is also in" in err and "other labels" in err, "combine: conflict reported", err)
rc, out, err = run("combine", "--prefer", b2, a, b2, "-o", outp)
r = rows(outp) if rc == 0 else []
t.eq([(x["country"], x["sector"]) for x in r if x["domain"] == "both.example"],
     [("NO", "education")], "combine --prefer: the preferred file wins")
rc, out, err = run("combine", "--prefer", good, a, b2, "-o", outp)
t.eq(rc, 2, "combine --prefer a file not given: exit 2")
rc, out, err = run("combine", a, bad, "-o", os.path.join(work, "never.csv"))
t.ok(rc == 1 and not os.path.exists(os.path.join(work, "never.csv")),
     "combine: a list with errors writes nothing")
rc, out, err = run("validate", outp)
t.eq(rc, 0, "combine: the output validates")

# --- sample ---------------------------------------------------------------
big = ["domain,country,sector,organisation"]
sizes = {}
for ci, cc in enumerate(("SE", "FR", "US")):
    for si, sec in enumerate(("health", "education", "water", "judiciary")):
        n = (ci * 7 + si * 3) % 11 + 1
        sizes[(cc, sec)] = n
        for k in range(n):
            big.append("h%d.%s%d.example,%s,%s," % (k, sec, ci, cc, sec))
bigp = write("big.csv", "\n".join(big) + "\n")
rev = write("big-rev.csv", "\n".join([big[0]] + big[:0:-1]) + "\n")


def sample(seed, per, *files):
    o = os.path.join(work, "s-%s-%s-%d.csv" % (seed, per, len(os.listdir(work))))
    rc, out, err = run("sample", "--per-stratum", str(per), "--seed", str(seed), *files, "-o", o)
    return rc, (rows(o) if rc == 0 else []), err


rc, s1, err = sample(1, 4, bigp)
t.eq(rc, 0, "sample: runs")
got = {}
for x in s1:
    got[(x["country"], x["sector"])] = got.get((x["country"], x["sector"]), 0) + 1
t.eq(sorted(got), sorted(sizes), "sample: every stratum (country, sector) covered")
t.eq(got, {k: min(4, v) for k, v in sizes.items()}, "sample: min(N, stratum size) per stratum")
rc, s1b, err = sample(1, 4, bigp)
t.eq(s1b, s1, "sample: same seed, same sample")
rc, s2, err = sample(2, 4, bigp)
t.ok({x["domain"] for x in s2} != {x["domain"] for x in s1}, "sample: another seed, another sample")
rc, s1r, err = sample(1, 4, rev)
t.eq(sorted(x["domain"] for x in s1r), sorted(x["domain"] for x in s1),
     "sample: the same set whatever the row order")
order = [x["domain"] for x in s1]
t.eq(order, [l.split(",")[0] for l in big[1:] if l.split(",")[0] in set(order)],
     "sample: rows keep their input order")
rc, s3, err = sample(1, 100, bigp)
t.eq(len(s3), sum(sizes.values()), "sample: N above every stratum takes everything")
rc, out, err = run("sample", "--seed", "1", bigp, "-o", os.path.join(work, "x.csv"))
t.eq(rc, 2, "sample without --per-stratum: exit 2")
rc, out, err = run("sample", "--per-stratum", "0", bigp, "-o", os.path.join(work, "x.csv"))
t.eq(rc, 2, "sample --per-stratum 0: exit 2")
rc, sb, err = sample(5, 2, *bundled)
strata = {(x["country"], x["sector"]) for p in bundled for x in rows(p)}
t.eq({(x["country"], x["sector"]) for x in sb}, strata,
     "sample of the bundled lists covers all %d strata" % len(strata))

# --- stats ----------------------------------------------------------------
rc, out, err = run("stats", "--format", "csv", bigp)
t.eq(rc, 0, "stats: runs")
lines = out.splitlines()
t.eq(lines[0], "country,sector,domains", "stats --format csv: header")
t.eq({(l.split(",")[0], l.split(",")[1]): int(l.split(",")[2]) for l in lines[1:]}, sizes,
     "stats: counts per stratum")

sys.exit(t.done())
