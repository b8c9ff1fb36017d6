#!/usr/bin/env python3
"""Draw a mail-concentration world: N domains (default 1,000) whose MX hosts
are 3 shared Postfix servers of one provider, as mail hosting is in the
real Internet (issue 16: each MX address is to be measured once per crawl).

    gen_mailbench.py [--domains N] [--seed S] OUT_WORLD_FILE

The domains are names inside signed inline TLDs (cheap to serve) with no
web host; each has two MX records, drawn from mx1, mx2, mx3.bulkmail.net
(a signed provider zone under net), so every host serves about two thirds
of the domains.  mx1 and mx2 have IPv4 and IPv6, mx3 IPv4 only: 5 server
addresses in all.  mx1 carries a DANE-EE TLSA.  Some domains have an
MTA-STS record and a TLS-RPT record (no policy host: the policy fetch is
not what this world measures).  Count the connections each address
received with scripts/tb/smtp_connections.py STATE.
"""

import argparse
import random
import sys

TLDS = (("mailb", "13", "nsec3"), ("mailc", "8", "nsec"))
HOSTS = ("mx1.bulkmail.net", "mx2.bulkmail.net", "mx3.bulkmail.net")


def main():
    ap = argparse.ArgumentParser(description="draw a mail-concentration world")
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = ["# Mail bench world: %d domains sharing 3 MX hosts, seed %d "
           "(scripts/tb/gen_mailbench.py)." % (args.domains, args.seed),
           "root sign=8 denial=nsec", "tld net sign=8 denial=nsec3"]
    for name, alg, denial in TLDS:
        out.append("tld %s sign=%s denial=%s inline=yes" % (name, alg, denial))
    out.append('network net-bulk v4=198.51.100.0/28 v6=2001:db8:300::/48 asn=64700 '
               'org="Bulk Mail Hosting" country=SE')
    out.append("provider bulkmail.net sign=13 denial=nsec3")
    out.append("mailhost %s net=net-bulk tlsa=ee cert=selfsigned" % HOSTS[0])
    out.append("mailhost %s net=net-bulk" % HOSTS[1])
    out.append("mailhost %s net=net-bulk v6=no tlsver=1.2" % HOSTS[2])
    for i in range(args.domains):
        tld = TLDS[i % len(TLDS)][0]
        first = i % len(HOSTS)
        second = (first + 1 + rng.randrange(len(HOSTS) - 1)) % len(HOSTS)
        a = ["web=none", "mxhosts=%s,%s" % (HOSTS[first], HOSTS[second]),
             'spf="v=spf1 mx -all"']
        if rng.random() < 0.3:
            a.append("mtasts=yes")
        if rng.random() < 0.3:
            a.append("tlsrpt=yes")
        out.append("domain m%06d.%s %s" % (i, tld, " ".join(a)))
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
