#!/usr/bin/env python3
"""Draw a bench world: N domains (100,000 and more) that are cheap to serve.

    gen_bench.py [--domains N] [--seed S] [--tlds T] [--mail-providers K]
                 OUT_WORLD_FILE

The domains are names inside a few signed, inline TLD zones (tld ...
inline=yes): no zone per domain, so a million names cost one signing run
per TLD, and the DNSSEC chain is the same short one for all (root, TLD),
which is what a zone-key cache makes cheap in a real crawl too.  Each
domain has web addresses (IPv4, most with IPv6), MX, SPF and DMARC; the
query mix per domain is that of a real one.

Mail: by default every domain has one MX host of its own (mx1.DOMAIN) on
an address where nothing listens.  With --mail-providers K, mail hosting
is concentrated as it is in reality: MAIL_PROVIDER_SHARE of the domains
point two MX records at K shared Postfix hosts of one provider
(mx1..mxK.mailprov.net, real STARTTLS servers, IPv4 and for most IPv6),
the others keep a host of their own where nothing listens (self-hosted
mail that is down or filtered), so the mail stage does real SMTP sessions
but only once per provider address (crawler/mail/mxcache.c).
"""

import argparse
import random
import sys

TLDS = (("bench", "13", "nsec3"), ("benchb", "8", "nsec"), ("benchc", "13", "nsec"), ("benchd", "15", "nsec3"))
# With --mail-providers: the share of domains whose mail a provider hosts.
# Surveys of MX records find most domains' mail at a few large providers;
# 0.7 is a round figure of that order, not a measured one.
MAIL_PROVIDER_SHARE = 0.7
# At most this many provider hosts: their addresses are the 14 usable of
# net-mail's /28 (one v4 each, v6 from the /48).
MAIL_PROVIDERS_MAX = 8


def main():
    ap = argparse.ArgumentParser(description="draw a bench world")
    ap.add_argument("--domains", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tlds", type=int, default=len(TLDS), choices=range(1, len(TLDS) + 1),
                    help="inline TLDs the domains are spread over")
    ap.add_argument("--mail-providers", type=int, default=0,
                    choices=range(0, MAIL_PROVIDERS_MAX + 1), metavar="K",
                    help="K shared Postfix MX hosts for %d%%%% of the domains (0: every "
                    "domain its own MX host, nothing listening)" % (100 * MAIL_PROVIDER_SHARE))
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
    hosts = ["mx%d.mailprov.net" % (k + 1) for k in range(args.mail_providers)]
    if hosts:
        out.append('network net-mail v4=198.51.100.0/28 v6=2001:db8:3f0::/48 asn=64700 '
                   'org="Mail Provider" country=US rov4=valid rov6=valid')
        out.append("provider mailprov.net sign=13 denial=nsec3")
        for k, h in enumerate(hosts):
            # The last host IPv4 only, as some providers' are.
            out.append("mailhost %s net=net-mail%s" % (h, " v6=no" if k == len(hosts) - 1
                                                       and len(hosts) > 1 else ""))
    for i in range(args.domains):
        tld = tlds[i % len(tlds)][0]
        a = ["net=" + nets[i % len(nets)]]
        provider = hosts and rng.random() < MAIL_PROVIDER_SHARE
        if provider:
            first = rng.randrange(len(hosts))
            second = (first + 1 + rng.randrange(len(hosts) - 1)) % len(hosts) \
                if len(hosts) > 1 else first
            a.append("mxhosts=" + ",".join(sorted({hosts[first], hosts[second]})))
        else:
            a.append("mx=1")
        if rng.random() < 0.3:
            a += ["v6=no"] + ([] if provider else ["mx6=no"])
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
