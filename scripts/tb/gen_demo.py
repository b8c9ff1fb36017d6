#!/usr/bin/env python3
"""Draw the demo world: thousands of domains over 10 countries and 6
sectors, with adoption levels that differ by country and by sector, so that
the demo's statistics and report have something to say.

    gen_demo.py [--domains N] [--seed S] [--epoch 1|2] [--meta META.csv] OUT_WORLD_FILE

The same seed gives the same world.  The world file is then built like any
other (scripts/testbed up OUT_WORLD_FILE); its meta.csv carries the
country and sector of every domain; --meta writes the list's labels with
an organisation column as well (domain,country,sector,organisation, the
bundled lists' format: analysis/uptake_lists.c).

The variety the real world has: TLS 1.2-only servers and legacy ones
(TLS 1.0/1.1, 3DES, static RSA, CBC only, a 1024-bit DH group: the
tlspol= cases of scripts/tb/tlscases.py), HSTS absent or short, CSP bad,
sufficient or good, Referrer-Policy leaking, lame delegations (the whole
delegation, or one of two NS hosts refusing), shared providers (DNS on a
provider's name servers, MX on a few shared mail hosts), mail without MX,
without STARTTLS, SPF ~all or -all, DMARC none, quarantine or reject,
MTA-STS on some, IPv6 on some.

--epoch 2 is the same list a few months later (scripts/demo crawls both):
some domains adopt HSTS, DMARC reject, drop TLS 1.0 or TLS 1.2-only, a few
regress (HSTS dropped, DMARC back to none, a certificate left to expire).
Epoch 1 is drawn first for every domain, then epoch 2 from it with an rng
of its own, so the two worlds differ only by those changes.
"""

import argparse
import csv
import random
import sys

# country: (TLD, overall adoption level 0..1)
COUNTRIES = {
    "SE": ("se", 0.85), "NL": ("nl", 0.80), "DE": ("de", 0.65),
    "NZ": ("nz", 0.60), "FR": ("fr", 0.55), "US": ("com", 0.50),
    "JP": ("jp", 0.40), "IT": ("it", 0.35), "BR": ("br", 0.30),
    "GR": ("gr", 0.20),
}
# sector: multiplier on the country level
SECTORS = {
    "government": 1.10, "finance": 1.15, "health": 0.80,
    "education": 0.90, "telecom": 1.00, "retail": 0.75,
}
# What an organisation of a sector is called in the list's meta.
ORG_NOUN = {
    "government": "Agency", "finance": "Bank", "health": "Hospital",
    "education": "University", "telecom": "Telecom", "retail": "Retailer",
}
# Domains per organisation, in turn (many have one domain, some several).
ORG_SIZES = (1, 2, 1, 3, 1, 2)
# standard: how hard it is relative to the overall level
DIFFICULTY = {
    "dnssec": 0.75, "ipv6": 0.70, "tls_ok": 1.25, "hsts": 0.85,
    "hsts_strong": 0.70, "csp": 0.45, "csp_good": 0.50, "xfo": 0.80, "nosniff": 0.85,
    "referrer": 0.55, "permissions": 0.30, "redirect": 1.10, "sectxt": 0.30,
    "spf_strict": 0.70, "dmarc": 0.60, "mtasts": 0.20, "tlsrpt": 0.20,
    "dane": 0.25, "caa": 0.40, "https_rr": 0.25, "rpki": 0.85,
    "tls13": 1.30, "modern_tls": 1.45, "mail_tls": 1.20,
}
ALGS = ["13", "13", "13", "8", "8", "15"]
# Legacy TLS servers (tlspol= cases, scripts/tb/tlscases.py), by weight.
# 3des runs a fake server process per domain (tlsfake.py): rarer.
LEGACY_CASES = (["legacy"] * 4 + ["staticrsa"] * 3 + ["cbconly"] * 2 +
                ["dh1024"] * 2 + ["3des"])
# tlspol= servers per network: its host indexes 9-15 (scripts/tb/plan.py
# TLSPOL_SLOTS); a network that is full serves the domain TLS 1.2-only.
TLSPOL_PER_NETWORK = 7
# Referrer-Policy values that send the full URL to other origins.
REFERRER_LEAKY = ["unsafe-url", "no-referrer-when-downgrade"]
CSP_GOOD = ("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'")
CSP_BAD = ["default-src *; script-src * 'unsafe-inline' 'unsafe-eval'",
           "script-src 'self' 'unsafe-inline'"]
HSTS_YEAR = 31536000
HSTS_SHORT = [300, 86400, 2592000]

# The shared providers of the demo world: a DNS host with name servers of
# its own (one of them refusing: the partly lame delegations) and three
# mail hosts many domains send their mail to, all on network net-prov.
PROVIDERS = [
    "provider dnsfarm.net sign=13 net=net-prov",
    "provider mailhub.net sign=13 net=net-prov",
    "provider oldmail.net sign=none net=net-prov",
    "provider cheapmx.net sign=8 net=net-prov",
    "nshost dns-a.dnsfarm.net net=net-bad",
    "nshost dns-b.dnsfarm.net net=net-prov lame=refused",
    "mailhost smtp1.mailhub.net net=net-prov tlsa=ee",
    "mailhost smtp2.mailhub.net net=net-prov tlsver=1.2",
    "mailhost smtp.oldmail.net net=net-prov smtp=plain",
    "mailhost mx.cheapmx.net net=net-prov cert=selfsigned",
]
MX_SHARED = "smtp1.mailhub.net,smtp2.mailhub.net"
MX_PLAIN = "smtp.oldmail.net"
MX_SELFSIGNED = "mx.cheapmx.net"
NS_PARTLY_LAME = "dns-a.dnsfarm.net,dns-b.dnsfarm.net"

# Networks: two per country, each alone in its /27 (v4) and /47 (v6).
V4_SLOTS = (["198.51.100.%d/28" % (32 * i) for i in range(8)] +
            ["203.0.113.%d/28" % (32 * i) for i in range(8)] +
            ["192.0.2.%d/28" % (32 * i) for i in range(2, 8)])


def clamp(p):
    return max(0.0, min(0.99, p))


def networks():
    out = []
    slot = 0
    for ci, cc in enumerate(COUNTRIES):
        for k, (rov4, rov6) in enumerate((("valid", "valid"), ("not_found", "not_found"))):
            name = "net-%s%d" % (cc.lower(), k + 1)
            v6 = "2001:db8:%x::/48" % (0x200 + 2 * slot)
            out.append((name, cc, rov4, rov6,
                        'network %s v4=%s v6=%s asn=%d org="%s Hosting %d" country=%s rov4=%s rov6=%s'
                        % (name, V4_SLOTS[slot], v6, 64600 + slot, cc, k + 1, cc, rov4, rov6)))
            slot += 1
    # A few rare invalid cases on one extra network, hosted in the US.
    out.append(("net-bad", "US", "invalid_as", "invalid_length",
                'network net-bad v4=%s v6=2001:db8:%x::/48 asn=64699 org="Misconfigured Transit" '
                'country=US rov4=invalid_as rov6=invalid_length' % (V4_SLOTS[slot], 0x200 + 2 * slot)))
    slot += 1
    # The shared providers' network (mail hosts, a name server), in NL.
    out.append(("net-prov", "NL", "valid", "valid",
                'network net-prov v4=%s v6=2001:db8:%x::/48 asn=64698 org="Shared Hosting BV" '
                'country=NL rov4=valid rov6=valid' % (V4_SLOTS[slot], 0x200 + 2 * slot)))
    return out


class Pools:
    """What a world has room for: tlspol= slots per network (the demo
    world only; gen_from_list.py passes none and gets no tlspol=, shared
    mail or name servers, nor lame delegations: its names all resolve)."""

    def __init__(self):
        self.tlspol = {}

    def take_tlspol(self, net):
        if net == "net-bad" or self.tlspol.get(net, 0) >= TLSPOL_PER_NETWORK:
            return False
        self.tlspol[net] = self.tlspol.get(net, 0) + 1
        return True


def domain_attrs(rng, name, cc, sector, level, nets, pools=None):
    """The keys of one domain line, in order, as [key, value] pairs."""
    def yes(std):
        return rng.random() < clamp(level * DIFFICULTY[std])

    a = []
    if yes("rpki"):
        net = "net-%s1" % cc.lower()
    elif rng.random() < 0.1:
        net = "net-bad"
    else:
        net = "net-%s2" % cc.lower()
    a += [["net", net], ["sector", sector], ["country", cc]]
    r = rng.random()
    lame = None
    if pools is not None and r < 0.012:
        lame = rng.choice(["refused", "unreachable", "noglue"])
        a.append(["lame", lame])
    elif pools is not None and r < 0.04:
        a.append(["nshosts", NS_PARTLY_LAME])
    elif pools is not None and r < 0.20:
        a.append(["nsp", "dnsfarm.net"])
    if yes("dnssec"):
        alg = rng.choice(ALGS)
        a += [["sign", alg], ["denial", rng.choice(["nsec", "nsec3"])]]
        r = rng.random()
        if r < 0.03 and lame is None:
            a.append(["break", rng.choice(["expired", "rrsig_missing", "sig_corrupt"])])
        elif r < 0.05:
            a.append(["ds", "mismatch"])
        elif r < 0.12:
            a.append(["ds", "no"])
    else:
        a.append(["sign", "none"])
    if not yes("ipv6"):
        a += [["v6", "no"], ["ns6", "no"], ["mx6", "no"]]
    if rng.random() < 0.03:
        a.append(["web", "none"])
    elif rng.random() < 0.05:
        a.append(["web", "www"])
    # TLS: modern (1.2 and 1.3), TLS 1.2 only, or a legacy server.
    if not yes("modern_tls") and pools is not None and pools.take_tlspol(net):
        a.append(["tlspol", rng.choice(LEGACY_CASES)])
        # Domains of one case in one network share its server (plan.py):
        # the same addresses, so every tlspol= web host is dual-stack.
        a[:] = [kv for kv in a if kv != ["v6", "no"]]
    elif not yes("tls13"):
        a.append(["tlsver", "1.2"])
    if not yes("tls_ok"):
        a.append(["tls", rng.choice(["expired", "selfsigned", "wrongname", "none", "untrusted"])])
    if yes("hsts"):
        age = HSTS_YEAR if yes("hsts_strong") else rng.choice(HSTS_SHORT)
        v = "max-age=%d" % age
        if rng.random() < 0.5:
            v += "; includeSubDomains"
            if age >= HSTS_YEAR and rng.random() < 0.5:
                v += "; preload"
        a.append(["hsts", v])
    if yes("csp"):
        if yes("csp_good"):
            a.append(["csp", CSP_GOOD])
        elif rng.random() < 0.5:
            a.append(["csp", "default-src 'self'"])
        else:
            a.append(["csp", rng.choice(CSP_BAD)])
    if yes("xfo"):
        a.append(["xfo", rng.choice(["DENY", "SAMEORIGIN"])])
    if yes("nosniff"):
        a.append(["xcto", "nosniff"])
    if yes("referrer"):
        a.append(["referrer", rng.choice(["no-referrer", "strict-origin-when-cross-origin",
                                          "same-origin"])])
    elif rng.random() < 0.3:
        a.append(["referrer", rng.choice(REFERRER_LEAKY)])
    if yes("permissions"):
        a.append(["permissions", "geolocation=()"])
    if not yes("redirect"):
        a.append(["http80", "plain"])
    if yes("sectxt"):
        a.append(["sectxt", "valid"])
    elif rng.random() < 0.05:
        a.append(["sectxt", "invalid"])
    # Mail: no MX, the shared hosts (STARTTLS), one without STARTTLS, one
    # with a self-signed certificate, or MX hosts of the domain's own.
    r = rng.random()
    shared = False
    if r < 0.15:
        a.append(["mx", "0"])
        mx = 0
    elif pools is not None and r < 0.80:
        mx = 1
        if yes("mail_tls"):
            a.append(["mxhosts", MX_SHARED])
            shared = True
        else:
            a.append(["mxhosts", rng.choice([MX_PLAIN, MX_PLAIN, MX_SELFSIGNED])])
    else:
        mx = rng.choice([1, 1, 2])
        a.append(["mx", str(mx)])
    if mx:
        q = "-" if yes("spf_strict") else rng.choice(["~", "?", "~"])
        a.append(["spf", "v=spf1 mx %sall" % q])
        if yes("dmarc"):
            a.append(["dmarc", "v=DMARC1; p=%s" % rng.choice(["reject", "quarantine"])])
        elif rng.random() < 0.5:
            a.append(["dmarc", "v=DMARC1; p=none"])
        if yes("mtasts"):
            if shared:
                a.append(["stspolicy", rng.choice(["enforce", "enforce", "testing"])])
            else:
                a.append(["mtasts", "yes"])
        if yes("tlsrpt"):
            a.append(["tlsrpt", "yes"])
        if "mx" in dict(a) and yes("dane"):
            a.append(["dane_mx", "yes"])
    if yes("caa"):
        a.append(["caa", "yes"])
    if yes("https_rr"):
        a.append(["https_rr", "yes"])
    return a


def attrs_line(name, a):
    parts = []
    for k, v in a:
        if any(c in v for c in " ;\"'*()"):
            v = '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
        parts.append("%s=%s" % (k, v))
    return "domain %s %s" % (name, " ".join(parts))


def domain_line(rng, name, cc, sector, level, nets, pools=None):
    return attrs_line(name, domain_attrs(rng, name, cc, sector, level, nets, pools))


def _set(a, key, value):
    for kv in a:
        if kv[0] == key:
            kv[1] = value
            return
    a.append([key, value])


def _drop(a, key):
    a[:] = [kv for kv in a if kv[0] != key]


def evolve(rng, a, level):
    """A domain a few months later (epoch 2): adoption more likely where
    the level is high, a few regressions anywhere."""
    d = dict(a)
    hsts = d.get("hsts")
    if hsts is None and rng.random() < 0.25 * level + 0.05:
        _set(a, "hsts", "max-age=%d; includeSubDomains" % HSTS_YEAR)
    elif hsts is not None and "max-age=%d" % HSTS_YEAR not in hsts and rng.random() < 0.35:
        _set(a, "hsts", "max-age=%d" % HSTS_YEAR)
    elif hsts is not None and rng.random() < 0.03:
        _drop(a, "hsts")                    # regression: HSTS dropped
    dmarc = d.get("dmarc")
    if dmarc is not None:
        if "p=reject" not in dmarc and rng.random() < 0.30 * level + 0.05:
            _set(a, "dmarc", "v=DMARC1; p=reject")
        elif "p=reject" in dmarc and rng.random() < 0.03:
            _set(a, "dmarc", "v=DMARC1; p=none")  # regression
    elif d.get("spf") and rng.random() < 0.15:
        _set(a, "dmarc", "v=DMARC1; p=none")
    tlspol = d.get("tlspol")
    if tlspol is not None and rng.random() < 0.45:
        _drop(a, "tlspol")                  # TLS 1.0/1.1 and weak suites dropped
    elif d.get("tlsver") == "1.2" and rng.random() < 0.20:
        _drop(a, "tlsver")                  # TLS 1.3 enabled
    if d.get("tls") is None and "tlspol" not in d and rng.random() < 0.02:
        _set(a, "tls", "expired")           # regression: certificate left to expire
    return a


def organisations(strata_domains):
    """domain -> organisation: the domains of a stratum, in list order,
    fall to organisations of ORG_SIZES domains in turn."""
    out = {}
    for (cc, sector), names in strata_domains.items():
        i = o = 0
        while i < len(names):
            o += 1
            size = ORG_SIZES[(o - 1) % len(ORG_SIZES)]
            for n in names[i:i + size]:
                out[n] = "%s %s %02d" % (cc, ORG_NOUN[sector], o)
            i += size
    return out


def main():
    ap = argparse.ArgumentParser(description="draw the demo world")
    ap.add_argument("--domains", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--epoch", type=int, choices=(1, 2), default=1,
                    help="1: the first crawl's world; 2: the same list months later")
    ap.add_argument("--meta", help="write domain,country,sector,organisation here")
    ap.add_argument("out")
    args = ap.parse_args()
    if args.domains < len(COUNTRIES) * len(SECTORS):
        print("gen_demo: --domains must be at least %d (one per country and sector)"
              % (len(COUNTRIES) * len(SECTORS)), file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    lines = ["# Demo world: %d domains, seed %d, epoch %d (scripts/tb/gen_demo.py)."
             % (args.domains, args.seed, args.epoch),
             "root sign=8 denial=nsec", "tld net sign=8 denial=nsec3", "tld org sign=8 denial=nsec"]
    for cc, (tld, _) in COUNTRIES.items():
        if tld == "com":
            lines.append("tld com sign=8 denial=nsec3")
        else:
            lines.append("tld %s sign=%s denial=nsec3 country=%s" % (tld, rng.choice(["8", "13"]), cc))
    nets = networks()
    lines += [n[4] for n in nets]
    lines += PROVIDERS
    # Every country x sector stratum gets domains; the rest are spread with
    # weights so that groups differ in size as real lists do.
    strata = [(cc, s) for cc in COUNTRIES for s in SECTORS]
    counts = {st: 1 for st in strata}
    weights = [1.0 + 3.0 * rng.random() for _ in strata]
    for st in rng.choices(strata, weights=weights, k=args.domains - len(strata)):
        counts[st] += 1
    pools = Pools()
    later = random.Random("%d-later" % args.seed)
    doms, by_stratum = [], {}
    for cc, sector in strata:
        tld, level = COUNTRIES[cc]
        lv = level * SECTORS[sector]
        for i in range(counts[(cc, sector)]):
            name = "%s-%s-%04d.%s" % (sector[:3], cc.lower(), i + 1, tld)
            a = domain_attrs(rng, name, cc, sector, lv, nets, pools)
            if args.epoch == 2:
                evolve(later, a, lv)
            doms.append((name, cc, sector, a))
            by_stratum.setdefault((cc, sector), []).append(name)
    lines += [attrs_line(name, a) for name, _, _, a in doms]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    if args.meta:
        org = organisations(by_stratum)
        with open(args.meta, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["domain", "country", "sector", "organisation"])
            for name, cc, sector, _ in doms:
                w.writerow([name, cc, sector, org[name]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
