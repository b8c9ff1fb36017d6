#!/usr/bin/env python3
"""Draw the realzone world (tests/worlds/realzone/world): the shapes real
TLD zone files are full of.

    gen_realzone.py OUT

Deterministic (no randomness: every case is enumerated), so the committed
world equals what this prints.  What it holds:

- TLDs with every kind of parent: signed NSEC (org, de), signed NSEC3
  (se, nl), signed NSEC3 with opt-out (com), unsigned (jp), signed without
  DS in the root (gr).
- Lame delegations, a third of all: silent name server, REFUSED, an
  unreachable address, no glue; each with and without DS (from a real key)
  under every kind of parent, some with SHA-384 digests or a DS matching
  no key.
- Providers shared by many domains: signed NSEC3 zones holding the name
  servers and mail hosts of unsigned and NSEC-signed domains, and the
  reverse (NSEC3-signed domains at an NSEC or an unsigned provider); mail
  at a provider signed with another algorithm than the domain's; www
  CNAMEs into other zones (signed with DS, signed without DS), both as the
  probed host (no address at the apex) and beside an apex that has one.
"""

import sys

# Number of domains drawn per (lame kind, DS, parent) cell, and of plain
# served domains per parent: the counts keep lame delegations at a third.
LAME_KINDS = ("silent", "refused", "unreachable", "noglue")
PARENTS = ("com", "org", "se", "de", "nl", "jp", "gr")
SIGN_CYCLE = (("13", "nsec", 0), ("8", "nsec3", 0), ("15", "nsec", 0), ("13", "nsec3", 5))

HEAD = """# The realzone world: real-TLD-zone shapes (lame delegations, providers,
# CNAMEs into other zones).  Drawn by scripts/tb/gen_realzone.py; the
# ground truth rules are in docs/testbed.md ("Lame delegations and
# providers").  Crawled by tests/realzone (meson tests realzone-selftest,
# crawl-realzone).

root sign=8 denial=nsec

tld net sign=8  denial=nsec3
tld com sign=8  denial=nsec3 optout=yes
tld org sign=13 denial=nsec
tld se  sign=8  denial=nsec3 iterations=0 country=SE
tld de  sign=13 denial=nsec  country=DE
tld nl  sign=13 denial=nsec3 iterations=1 country=NL
tld jp  sign=none country=JP
tld gr  sign=8  denial=nsec ds=no country=GR

network net-a v4=198.51.100.0/28  v6=2001:db8:200::/48 asn=64600 org="Alpha Hosting" country=SE
network net-b v4=198.51.100.32/28 v6=2001:db8:202::/48 asn=64601 org="Beta Cloud" country=DE
network net-c v4=203.0.113.0/28   v6=2001:db8:204::/48 asn=64602 org="Gamma Mail and CDN" country=NL

# Providers (zones not in the list) shared by many listed domains.
provider dnsprov.net  sign=13 denial=nsec3 iterations=0 net=net-c dane=yes
provider mailprov.com sign=8  denial=nsec3 iterations=5 net=net-c
provider nsecprov.org sign=13 denial=nsec net=net-c dane=yes
provider plainprov.de sign=none net=net-c
provider cdn.se       sign=15 denial=nsec3 net=net-b
provider cdn-nods.nl  sign=13 denial=nsec ds=no net=net-b
"""


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = [HEAD]
    n = 0

    def dom(name, *keys):
        nonlocal n
        n += 1
        out.append("domain %s %s" % (name, " ".join(k for k in keys if k)))

    out.append("\n# --- lame delegations: kind x DS x parent ---")
    for kind in LAME_KINDS:
        for ds in ("ds", "nods"):
            for i, tld in enumerate(PARENTS):
                alg, denial, it = SIGN_CYCLE[i % len(SIGN_CYCLE)]
                keys = ["lame=" + kind, "ns=%d" % (1 + i % 3)]
                if ds == "ds":
                    keys += ["sign=" + alg]
                    if i == 2:
                        keys.append("digest=2,4")
                else:
                    keys.append("sign=none" if i % 2 else "ds=no")
                dom("lame-%s-%s.%s" % (kind, ds, tld), *keys)
    out.append("\n# --- more lame delegations: DS matching no key, IPv4-only glue ---")
    for kind in LAME_KINDS:
        for tld in ("com", "org", "se", "nl"):
            dom("lame-%s-dsmis.%s" % (kind, tld), "lame=" + kind, "ds=mismatch")
            dom("lame-%s-v4.%s" % (kind, tld), "lame=" + kind, "ns6=no", "ns=2")

    out.append("\n# --- served, own name servers: every parent, several algorithms ---")
    for i, tld in enumerate(PARENTS):
        for j, (alg, denial, it) in enumerate(SIGN_CYCLE):
            net = "net-a" if (i + j) % 2 else "net-b"
            dom("signed%d.%s" % (j, tld), "net=" + net, "sign=" + alg, "denial=" + denial,
                "iterations=%d" % it if denial == "nsec3" else "", "mx=%d" % (j % 3),
                'spf="v=spf1 mx -all"' if j == 0 else "",
                'dmarc="v=DMARC1; p=reject"' if j == 1 else "")
        dom("unsigned.%s" % tld, "net=net-a", "sign=none", "mx=1")
        dom("unsigned-noweb.%s" % tld, "web=none", "sign=none")
        dom("nods.%s" % tld, "net=net-b", "ds=no", "denial=nsec3")

    out.append("\n# --- unsigned and NSEC domains at a signed NSEC3 provider (NS and MX) ---")
    for i, tld in enumerate(PARENTS):
        dom("unsigned-at-dnsprov.%s" % tld, "net=net-a", "sign=none", "nsp=dnsprov.net",
            "mxp=dnsprov.net", "mx=2", "ns=2")
        dom("nsec-at-dnsprov.%s" % tld, "net=net-b", "sign=13", "denial=nsec",
            "nsp=dnsprov.net", "mxp=dnsprov.net", "mx=1", "ns=3", "dane_mx=yes")
        dom("unsigned-mx-dnsprov.%s" % tld, "web=none", "sign=none", "mxp=dnsprov.net",
            "mx=2", 'spf="v=spf1 include:dnsprov.net -all"')
    out.append("\n# --- the reverse: NSEC3 domains at an NSEC or an unsigned provider ---")
    for i, tld in enumerate(PARENTS):
        dom("nsec3-at-nsecprov.%s" % tld, "net=net-a", "sign=8", "denial=nsec3",
            "iterations=%d" % (i % 3), "nsp=nsecprov.org", "mxp=nsecprov.org", "mx=1")
        dom("nsec3-at-plainprov.%s" % tld, "net=net-b", "sign=13", "denial=nsec3",
            "nsp=plainprov.de", "mxp=plainprov.de", "mx=2", "ns=1")
    out.append("\n# --- mail at a provider signed with another algorithm (8) ---")
    for tld in PARENTS:
        dom("alg13-mx-alg8.%s" % tld, "net=net-a", "sign=13", "denial=nsec",
            "mxp=mailprov.com", "mx=2", 'dmarc="v=DMARC1; p=quarantine"')
        dom("alg15-mx-alg8.%s" % tld, "web=none", "sign=15", "denial=nsec3",
            "mxp=mailprov.com", "mx=1")
    out.append("\n# --- www CNAMEs into other zones ---")
    for i, tld in enumerate(PARENTS):
        own = ("sign=13", "sign=none", "sign=8 denial=nsec3")[i % 3]
        # apex without address: the probed host is www, a CNAME
        dom("www-cname-cdn.%s" % tld, "web=www", "wwwcname=cdn.se", *own.split())
        dom("www-cname-nods.%s" % tld, "web=www", "wwwcname=cdn-nods.nl", *own.split())
        # apex with its own address, www a CNAME (not probed)
        dom("apex-and-cname.%s" % tld, "net=net-a", "wwwcname=cdn.se", *own.split())
    out.append("\n# --- a few broken and absent ones, for contrast ---")
    dom("expired.org", "net=net-a", "break=expired")
    dom("mismatch.se", "net=net-b", "ds=mismatch")
    dom("nodnskey.de", "net=net-a", "break=dnskey_missing")
    dom("absent.com", "dns=nxdomain")
    dom("absent.nl", "dns=nxdomain")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(out) + "\n")
    print("gen_realzone: %d domains" % n, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
