#!/usr/bin/env python3
"""One normaliser for names everywhere (issue 13 point 5).

A crawl of a list of IDNs and mixed-case names (the snapshot's `domain`
column holds the normal form: lower case, A-labels, no trailing dot) is
labelled from a --meta file written with U-labels, upper case and trailing
dots: uptake-stats --by country counts every row in its country and none
in the unlabelled group.  An opt-out file written the same way keeps the
crawler off exactly the names it lists.  No network: the "resolver" is a
closed port on the loopback (as tests/e2e/crawl_lists.py).

  meta_names.py UPTAKE_CRAWL UPTAKE_DUMP UPTAKE_STATS WORKDIR
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

# A closed port on the loopback: queries fail at once.
RESOLVER = "127.0.0.1:9"

# The list as a crawl gets it, and the normal form its rows hold.
LIST = [
    ("bücher.de", "xn--bcher-kva.de"),
    ("straße.de", "xn--strae-oqa.de"),
    ("École.fr", "xn--cole-9oa.fr"),
    ("Example.COM", "example.com"),
    ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
    ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
]

# The same names as a person types them into a metadata file.
META = """\ufeffdomain,country,sector
BÜCHER.de,DE,retail
Straße.de.,DE,government
ÉCOLE.fr,FR,education
EXAMPLE.com.,US,finance
ПРИМЕР.РФ,RU,government
MÜNCHEN.DE,DE,government
"""
WANT_COUNTRY = {"DE": 3, "FR": 1, "US": 1, "RU": 1}

# An opt-out file written the same way.
OPTOUT = """# opt-out requests, as received
BÜCHER.DE.
ÉCOLE.fr
ПРИМЕР.РФ.
"""
OPTED_OUT = {"xn--bcher-kva.de", "xn--cole-9oa.fr", "xn--e1afmkfd.xn--p1ai"}


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def crawl(crawler, dump, lst, out, *extra):
    p = run([crawler, "--list", lst, "--out", out, "--resolver", RESOLVER,
             "--probes", "dns", "--query-timeout", "50", "--query-tries", "1",
             "--timeout", "2", "--concurrency", "20", "--quiet"] + list(extra))
    rows = []
    if p.returncode == 0:
        d = run([dump, "--jsonl", out])
        rows = [json.loads(x) for x in d.stdout.splitlines() if x.strip()]
    return p, rows


def main():
    crawler, dump, stats, work = sys.argv[1:5]
    t = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lst = os.path.join(work, "list.txt")
    with open(lst, "w", encoding="utf-8") as f:
        f.write("".join(name + "\n" for name, _ in LIST))
    meta = os.path.join(work, "meta.csv")
    with open(meta, "w", encoding="utf-8") as f:
        f.write(META)
    opt = os.path.join(work, "optout.txt")
    with open(opt, "w", encoding="utf-8") as f:
        f.write(OPTOUT)

    snap = os.path.join(work, "snapshot")
    p, rows = crawl(crawler, dump, lst, snap)
    if not t.ok(p.returncode == 0, "crawl of the IDN list exits 0",
                p.stderr[-2000:]):
        return t.done()
    t.eq(sorted(r["domain"] for r in rows), sorted(n for _, n in LIST),
         "the domain column holds the normal form")

    s = run([stats, snap, "--meta", meta, "--by", "country", "--format",
             "csv"])
    t.ok(s.returncode == 0, "uptake-stats --meta (U-labels, upper case, "
         "trailing dots) exits 0", s.stderr[-2000:])
    got = {}
    for r in csv.DictReader(io.StringIO(s.stdout)):
        if r.get("metric") == "resolves":
            got[r["country"], r["country_source"]] = int(r["n"])
    t.eq(got, {(c, "meta"): n for c, n in WANT_COUNTRY.items()},
         "--by country: every row in its country from the meta file, "
         "none unlabelled")

    # The same labels must hold for a meta file in normal form (control).
    norm = os.path.join(work, "meta-norm.csv")
    with open(norm, "w") as f:
        f.write("domain,country,sector\n")
        cc = ["DE", "DE", "FR", "US", "RU", "DE"]
        for (_, n), c in zip(LIST, cc):
            f.write("%s,%s,x\n" % (n, c))
    s2 = run([stats, snap, "--meta", norm, "--by", "country", "--format",
              "csv"])
    t.eq(s2.stdout, s.stdout, "the same table as from the normal-form file")

    # A name the crawler would reject is an error naming file and line.
    bad = os.path.join(work, "meta-bad.csv")
    with open(bad, "w") as f:
        f.write("domain,country,sector\nok.example,SE,x\nxn--a.com,SE,x\n")
    s3 = run([stats, snap, "--meta", bad, "--by", "country"])
    t.ok(s3.returncode == 2 and bad + ":3:" in s3.stderr and
         "bad_idn" in s3.stderr, "a bad name in --meta: FILE:LINE and the "
         "reason", s3.stderr.strip())

    p, rows = crawl(crawler, dump, lst, os.path.join(work, "opted"),
                    "--opt-out", opt)
    t.ok(p.returncode == 0, "crawl with a Unicode upper-case opt-out file "
         "exits 0", p.stderr[-2000:])
    t.eq(sorted(r["domain"] for r in rows),
         sorted(n for _, n in LIST if n not in OPTED_OUT),
         "--opt-out in U-labels and upper case: exactly the listed names "
         "are skipped")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
