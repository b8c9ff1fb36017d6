#!/usr/bin/env python3
"""Draw an SPF-concentration world: N domains (default 10,000) whose SPF
records include one mail provider's chain, as SPF is in the real
Internet (issue 18 point 5: the chain's names are to be queried once per
crawl, not once per domain).

    gen_spfbench.py [--domains N] [--seed S] OUT_WORLD_FILE

The domains are names inside signed inline TLDs (cheap to serve) with no
web host and no MX; each has `v=spf1 include:_spf.bulkspf.net` and an
`all` drawn from -all, ~all and ?all.  The provider's chain
(bulkspf.net, a signed zone under net) is _spf -> _nb1, _nb2, _nb3 (four
names, four lookups per domain): CHAIN lists them.  Every tenth domain
lists an ip4: of its own first (no lookup).
"""

import argparse
import random
import sys

TLDS = (("spfb", "13", "nsec3"), ("spfc", "8", "nsec"))
PROVIDER = "bulkspf.net"
CHAIN = ("_spf.bulkspf.net", "_nb1.bulkspf.net", "_nb2.bulkspf.net", "_nb3.bulkspf.net")


def main():
    ap = argparse.ArgumentParser(description="draw an SPF-concentration world")
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = ["# SPF bench world: %d domains including one provider's chain, seed %d "
           "(scripts/tb/gen_spfbench.py)." % (args.domains, args.seed),
           "root sign=8 denial=nsec", "tld net sign=8 denial=nsec3"]
    for name, alg, denial in TLDS:
        out.append("tld %s sign=%s denial=%s inline=yes" % (name, alg, denial))
    out.append("provider %s sign=13 denial=nsec3" % PROVIDER)
    out.append('rr %s TXT "v=spf1 include:%s include:%s include:%s ~all"' % (
        CHAIN[0], CHAIN[1], CHAIN[2], CHAIN[3]))
    out.append('rr %s TXT "v=spf1 ip4:198.51.100.0/28 ip4:198.51.100.32/28 -all"' % CHAIN[1])
    out.append('rr %s TXT "v=spf1 ip6:2001:db8:300::/48 -all"' % CHAIN[2])
    out.append('rr %s TXT "v=spf1 ip4:203.0.113.0/28 -all"' % CHAIN[3])
    for i in range(args.domains):
        tld = TLDS[i % len(TLDS)][0]
        own = "ip4:192.0.2.%d " % (i % 200 + 1) if i % 10 == 0 else ""
        q = rng.choice("-~?")
        out.append('domain s%06d.%s web=none spf="v=spf1 %sinclude:%s %sall"' % (
            i, tld, own, CHAIN[0], q))
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
