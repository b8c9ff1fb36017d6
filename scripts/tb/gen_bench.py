#!/usr/bin/env python3
"""Draw a bench world: N domains (100,000 and more) that are cheap to serve.

    gen_bench.py [--domains N] [--seed S] OUT_WORLD_FILE

The domains are names inside a few signed, inline TLD zones (tld ...
inline=yes): no zone per domain, so a million names cost one signing run
per TLD, and the DNSSEC chain is the same short one for all (root, TLD),
which is what a zone-key cache makes cheap in a real crawl too.  Each
domain has web addresses (IPv4, most with IPv6), MX, SPF and DMARC; the
query mix per domain is that of a real one.
"""

import argparse
import random
import sys

TLDS = (("bench", "13", "nsec3"), ("benchb", "8", "nsec"), ("benchc", "13", "nsec"), ("benchd", "15", "nsec3"))


def main():
    ap = argparse.ArgumentParser(description="draw a bench world")
    ap.add_argument("--domains", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tlds", type=int, default=len(TLDS), choices=range(1, len(TLDS) + 1),
                    help="inline TLDs the domains are spread over")
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = ["# Bench world: %d domains, seed %d (scripts/tb/gen_bench.py)." % (args.domains, args.seed),
           "root sign=8 denial=nsec", "tld net sign=8 denial=nsec3"]
    tlds = TLDS[:args.tlds]
    for name, alg, denial in tlds:
        out.append("tld %s sign=%s denial=%s inline=yes" % (name, alg, denial))
    nets = []
    for i in range(4):
        nets.append("net-b%d" % i)
        out.append('network net-b%d v4=203.0.113.%d/28 v6=2001:db8:3%02x::/48 asn=%d org="Bench Hosting %d" '
                   'country=%s rov4=%s rov6=valid' % (i, 32 * i, 2 * i, 65000 + i, i,
                                                     ("SE", "DE", "US", "BR")[i],
                                                     ("valid", "not_found", "invalid_as", "valid")[i]))
    for i in range(args.domains):
        tld = tlds[i % len(tlds)][0]
        a = ["net=" + nets[i % len(nets)], "mx=1"]
        if rng.random() < 0.3:
            a += ["v6=no", "mx6=no"]
        a.append('spf="v=spf1 mx %sall"' % rng.choice("-~?"))
        if rng.random() < 0.5:
            a.append('dmarc="v=DMARC1; p=%s"' % rng.choice(["none", "quarantine", "reject"]))
        if rng.random() < 0.2:
            a.append("caa=yes")
        out.append("domain d%07d.%s %s" % (i, tld, " ".join(a)))
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
