#!/usr/bin/env python3
"""Draw a world that serves the names of a real list: real names, simulated
answers.

    gen_from_list.py LIST.csv [--sample N --seed S] [--list-out FILE] OUT_WORLD

LIST.csv is a labelled list (header naming domain, country, sector; e.g.
lists/gov-se-publicbodies.csv).  With --sample, N names are drawn per
(country, sector) stratum (seeded: the same seed gives the same names).
The world gets a `tld` line for every top-level label the names use, two
hosting networks per country (the ten largest countries; the others share
two), and per domain the adoption levels of the demo world
(scripts/tb/gen_demo.py), varied by country and by sector.

Names below a public suffix of several labels (bristol.gov.uk, gov.br
hosts, bmf.gv.at) are delegated straight from their TLD's zone: the labels
between (gov in gov.uk) are empty non-terminals of the TLD zone, which
NSEC and NSEC3 cover like any other name.  So the world needs no zone for
gov.uk itself, and the world format keeps its root/tld/domain lines.

Some names cannot be served and are left out, each reported on stderr:
a name below another listed name (its zone would be occluded by the
other's delegation: a.b.gouv.fr when b.gouv.fr is listed) and names that
clash with the testbed's own servers (nic.TLD, root-servers.net).
--list-out writes the names that are in the world, with their labels, as
a labelled CSV: the crawl's --list and the analysis' --meta.
"""

import argparse
import csv
import hashlib
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_demo  # noqa: E402

# Sector (lists/README.md vocabulary): multiplier on the country level.
SECTOR_LEVEL = {
    "national-government": 1.10, "regional-government": 1.00, "local-government": 0.80,
    "tribal-government": 0.60, "legislature": 1.05, "judiciary": 0.85,
    "police-emergency": 0.90, "defence": 1.00, "health": 0.80, "education": 0.90,
    "water": 0.70, "public-enterprise": 1.00, "other-public": 0.75,
}
OWN_NETWORKS = 9    # countries with networks of their own (22 /27 slots)


def country_level(cc):
    """The demo's level for its countries, else a stable one from the code."""
    for dcc, (_, level) in gen_demo.COUNTRIES.items():
        if dcc == cc:
            return level
    h = int(hashlib.sha256(cc.encode()).hexdigest()[:8], 16)
    return 0.20 + 0.65 * (h / 0xFFFFFFFF)


def read_list(path):
    with open(path, encoding="utf-8", newline="") as f:
        rd = csv.DictReader(f)
        cols = {c.lower(): c for c in rd.fieldnames or []}
        if "domain" not in cols:
            raise SystemExit("%s: the header names no domain column" % path)
        rows = []
        for r in rd:
            rows.append({"domain": r[cols["domain"]].strip().lower().rstrip("."),
                         "country": r.get(cols.get("country", ""), "") or "",
                         "sector": r.get(cols.get("sector", ""), "") or "other-public",
                         "organisation": r.get(cols.get("organisation", ""), "") or ""})
        return rows


def sample(rows, per, seed):
    """Per (country, sector): the per names with the smallest seeded hash."""
    def key(r):
        return hashlib.sha256(("%d:%s" % (seed, r["domain"])).encode()).hexdigest()
    strata = {}
    for r in rows:
        strata.setdefault((r["country"], r["sector"]), []).append(r)
    keep = set()
    for rs in strata.values():
        for r in sorted(rs, key=key)[:per]:
            keep.add(r["domain"])
    return [r for r in rows if r["domain"] in keep]


def servable(rows):
    """Drop names the world cannot serve; returns (kept, [(name, why)])."""
    kept, dropped, names = [], [], set()
    seen = set()
    # Fewer labels first: an ancestor is always decided before its descendants.
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["domain"].count("."), i))
    ok = [False] * len(rows)
    for i in order:
        d = rows[i]["domain"]
        labels = d.split(".")
        tld = labels[-1]
        if d in seen:
            dropped.append((d, "listed twice"))
            continue
        seen.add(d)
        if len(labels) < 2:
            dropped.append((d, "not a domain"))
            continue
        if d == "nic." + tld or d.endswith(".nic." + tld) or \
                (tld == "net" and (d == "root-servers.net" or d.endswith(".root-servers.net"))):
            dropped.append((d, "clashes with the testbed's own name servers"))
            continue
        anc = next((".".join(labels[k:]) for k in range(1, len(labels) - 1)
                    if ".".join(labels[k:]) in names), None)
        if anc is not None:
            dropped.append((d, "below %s, also listed (its zone would be occluded)" % anc))
            continue
        names.add(d)
        ok[i] = True
    kept = [r for i, r in enumerate(rows) if ok[i]]
    return kept, dropped


def networks(countries):
    """Two networks per country (valid / not_found ROV), the ten largest
    countries their own, the others sharing "zz"; plus net-bad."""
    out, alias = [], {}
    slots = gen_demo.V4_SLOTS
    own = countries[:OWN_NETWORKS]
    groups = [(cc, cc) for cc in own] + ([("zz", "ZZ")] if len(countries) > len(own) else [])
    for slot_base, (tag, cc) in enumerate(groups):
        for k, (rov4, rov6) in enumerate((("valid", "valid"), ("not_found", "not_found"))):
            slot = 2 * slot_base + k
            name = "net-%s%d" % (tag.lower(), k + 1)
            out.append('network %s v4=%s v6=2001:db8:%x::/48 asn=%d org="%s Hosting %d" '
                       'country=%s rov4=%s rov6=%s'
                       % (name, slots[slot], 0x200 + 2 * slot, 64600 + slot, cc, k + 1,
                          cc, rov4, rov6))
    slot = 2 * len(groups)
    out.append('network net-bad v4=%s v6=2001:db8:%x::/48 asn=64699 org="Misconfigured Transit" '
               'country=US rov4=invalid_as rov6=invalid_length' % (slots[slot], 0x200 + 2 * slot))
    for cc in countries:
        alias[cc] = cc.lower() if cc in own else "zz"
    return out, alias


def main():
    ap = argparse.ArgumentParser(description="draw a world serving a list's names")
    ap.add_argument("list")
    ap.add_argument("out")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="N names per (country, sector) stratum")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--list-out", metavar="FILE",
                    help="write the names in the world with their labels (CSV)")
    args = ap.parse_args()
    rows = read_list(args.list)
    if args.sample > 0:
        rows = sample(rows, args.sample, args.seed)
    rows, dropped = servable(rows)
    for d, why in dropped:
        print("gen_from_list: %s left out: %s" % (d, why), file=sys.stderr)
    if not rows:
        print("gen_from_list: no names to serve", file=sys.stderr)
        return 2
    nc = len({r["country"] for r in rows})
    need = 2 * (min(OWN_NETWORKS, nc) + (1 if nc > OWN_NETWORKS else 0)) + 1
    if need > len(gen_demo.V4_SLOTS):
        print("gen_from_list: internal: %d network slots needed" % need, file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    by_size = {}
    for r in rows:
        by_size[r["country"]] = by_size.get(r["country"], 0) + 1
    countries = sorted(by_size, key=lambda c: (-by_size[c], c))
    nets, alias = networks(countries)
    tlds = sorted({r["domain"].rsplit(".", 1)[-1] for r in rows} | {"net"})
    lines = ["# World serving %d names of %s (scripts/tb/gen_from_list.py, sample %d, seed %d)."
             % (len(rows), os.path.basename(args.list), args.sample, args.seed),
             "root sign=8 denial=nsec"]
    for t in tlds:
        # Most TLDs signed as in reality; a few unsigned or without DS.
        h = int(hashlib.sha256(t.encode()).hexdigest()[:4], 16) % 20
        sign = "none" if h == 0 else ("8" if h % 2 else "13")
        lines.append("tld %s sign=%s denial=%s%s" % (
            t, sign, "nsec3" if h % 3 else "nsec", " ds=no" if h == 1 else ""))
    lines += nets
    for r in rows:
        cc = r["country"] or "ZZ"
        level = country_level(cc) * SECTOR_LEVEL.get(r["sector"], 0.8)
        line = gen_demo.domain_line(rng, r["domain"], cc.lower(), r["sector"], level, None)
        # domain_line names networks after the country; fold to ours.
        for k in "12":
            line = line.replace("net=net-%s%s " % (cc.lower(), k),
                                "net=net-%s%s " % (alias.get(cc, "zz"), k))
        line = line.replace(" country=%s " % cc.lower(), " country=%s " % cc)
        lines.append(line)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if args.list_out:
        with open(args.list_out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["domain", "country", "sector", "organisation"])
            for r in rows:
                w.writerow([r["domain"], r["country"], r["sector"], r["organisation"]])
    print("gen_from_list: %d names, %d TLDs, %d left out" % (len(rows), len(tlds), len(dropped)),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
