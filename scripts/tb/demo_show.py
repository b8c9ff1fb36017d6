#!/usr/bin/env python3
"""What scripts/demo prints and writes besides the tools' own output.

    demo_show.py table CSV [COLUMN,...]
        CSV as aligned text on stdout (the named columns, in that order;
        all by default).
    demo_show.py scorecard META.csv MEETS_ALL_BY_ORG.csv VERDICTS.csv OUTDIR
        One organisation's scorecard: the organisation with the most
        domains in META (the first by name among equals), its "meets all"
        rows (uptake-comply --by organisation) and every verdict of its
        domains (uptake-comply --verdicts), failures first, written to
        OUTDIR/scorecard-<organisation>.txt; prints that path.

The organisation's HTML page is uptake-report --site's (issue 19 point 4);
this text card is what the demo shows without it.
"""

import csv
import os
import re
import sys

# Verdicts in the order a scorecard lists them: what to fix first.
VERDICT_ORDER = {"fail": 0, "explained": 1, "not_measured": 2, "pass": 3}


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def table(rows, cols):
    w = [max([len(c)] + [len(r.get(c) or "") for r in rows]) for c in cols]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(cols)).rstrip()]
    for r in rows:
        lines.append("  ".join((r.get(c) or "").ljust(w[i]) for i, c in enumerate(cols)).rstrip())
    return "\n".join(lines)


def cmd_table(args):
    rows = read(args[0])
    if not rows:
        return 0
    cols = args[1].split(",") if len(args) > 1 else list(rows[0].keys())
    print(table(rows, cols))
    return 0


def cmd_scorecard(args):
    meta, meets, verdicts, outdir = args
    count = {}
    org_of = {}
    for r in read(meta):
        o = r.get("organisation") or ""
        if o:
            org_of[r["domain"]] = o
            count[o] = count.get(o, 0) + 1
    if not count:
        print("demo_show: %s has no organisation" % meta, file=sys.stderr)
        return 1
    org = sorted(count, key=lambda o: (-count[o], o))[0]
    doms = sorted(d for d, o in org_of.items() if o == org)
    mrows = [r for r in read(meets) if r.get("group") == org]
    vrows = [r for r in read(verdicts) if r["domain"] in doms]
    vrows.sort(key=lambda r: (VERDICT_ORDER.get(r["verdict"], 9), r["domain"],
                              r["profile"], r["requirement"]))
    path = os.path.join(outdir, "scorecard-%s.txt" % re.sub(r"[^A-Za-z0-9]+", "-", org).strip("-"))
    with open(path, "w") as f:
        f.write("Scorecard: %s (%d domains: %s)\n\n" % (org, len(doms), ", ".join(doms)))
        f.write("Meets all:\n%s\n\n" % table(mrows, ["profile", "domains", "n", "k", "share",
                                                    "lo", "hi"]))
        f.write("Verdicts (failures first):\n%s\n" % table(
            vrows, ["domain", "profile", "requirement", "verdict", "until"]))
    print(path)
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        return cmd_table(sys.argv[2:])
    if len(sys.argv) == 6 and sys.argv[1] == "scorecard":
        return cmd_scorecard(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
