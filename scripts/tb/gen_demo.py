#!/usr/bin/env python3
"""Draw the demo world: thousands of domains over 10 countries and 6
sectors, with adoption levels that differ by country and by sector, so that
the demo's statistics and report have something to say.

    gen_demo.py [--domains N] [--seed S] OUT_WORLD_FILE

The same seed gives the same world.  The world file is then built like any
other (scripts/testbed up OUT_WORLD_FILE); its meta.csv carries the
country and sector of every domain.
"""

import argparse
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
# standard: how hard it is relative to the overall level
DIFFICULTY = {
    "dnssec": 0.75, "ipv6": 0.70, "tls_ok": 1.25, "hsts": 0.85,
    "hsts_strong": 0.70, "csp": 0.45, "xfo": 0.80, "nosniff": 0.85,
    "referrer": 0.55, "permissions": 0.30, "redirect": 1.10, "sectxt": 0.30,
    "spf_strict": 0.70, "dmarc": 0.60, "mtasts": 0.20, "tlsrpt": 0.20,
    "dane": 0.25, "caa": 0.40, "https_rr": 0.25, "rpki": 0.85,
}
ALGS = ["13", "13", "13", "8", "8", "15"]

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
    return out


def domain_line(rng, name, cc, sector, level, nets):
    def yes(std):
        return rng.random() < clamp(level * DIFFICULTY[std])

    a = []
    if yes("rpki"):
        net = "net-%s1" % cc.lower()
    elif rng.random() < 0.1:
        net = "net-bad"
    else:
        net = "net-%s2" % cc.lower()
    a.append("net=" + net)
    a.append("sector=" + sector)
    a.append("country=" + cc)
    if yes("dnssec"):
        alg = rng.choice(ALGS)
        a += ["sign=" + alg, "denial=" + rng.choice(["nsec", "nsec3"])]
        r = rng.random()
        if r < 0.03:
            a.append("break=" + rng.choice(["expired", "rrsig_missing", "sig_corrupt"]))
        elif r < 0.05:
            a.append("ds=mismatch")
        elif r < 0.12:
            a.append("ds=no")
    else:
        a.append("sign=none")
    if not yes("ipv6"):
        a += ["v6=no", "ns6=no", "mx6=no"]
    if rng.random() < 0.03:
        a.append("web=none")
    elif rng.random() < 0.05:
        a.append("web=www")
    if not yes("tls_ok"):
        a.append("tls=" + rng.choice(["expired", "selfsigned", "wrongname", "none", "untrusted"]))
    if yes("hsts"):
        age = 31536000 if yes("hsts_strong") else rng.choice([300, 86400, 2592000])
        v = "max-age=%d" % age
        if rng.random() < 0.5:
            v += "; includeSubDomains"
            if age >= 31536000 and rng.random() < 0.5:
                v += "; preload"
        a.append('hsts="%s"' % v)
    if yes("csp"):
        parts = ["default-src 'self'"]
        if rng.random() < 0.5:
            parts.append("frame-ancestors 'none'")
        if rng.random() < 0.4:
            parts.append("script-src 'self' 'unsafe-inline'")
        a.append('csp="%s"' % "; ".join(parts))
    if yes("xfo"):
        a.append("xfo=" + rng.choice(["DENY", "SAMEORIGIN"]))
    if yes("nosniff"):
        a.append("xcto=nosniff")
    if yes("referrer"):
        a.append("referrer=" + rng.choice(["no-referrer", "strict-origin-when-cross-origin", "same-origin"]))
    if yes("permissions"):
        a.append('permissions="geolocation=()"')
    if not yes("redirect"):
        a.append("http80=plain")
    if yes("sectxt"):
        a.append("sectxt=valid")
    elif rng.random() < 0.05:
        a.append("sectxt=invalid")
    mx = rng.choice([0, 1, 1, 2])
    a.append("mx=%d" % mx)
    if mx:
        q = "-" if yes("spf_strict") else rng.choice(["~", "?", "~"])
        a.append('spf="v=spf1 mx %sall"' % q)
        if yes("dmarc"):
            a.append('dmarc="v=DMARC1; p=%s"' % rng.choice(["reject", "quarantine"]))
        elif rng.random() < 0.5:
            a.append('dmarc="v=DMARC1; p=none"')
        if yes("mtasts"):
            a.append("mtasts=yes")
        if yes("tlsrpt"):
            a.append("tlsrpt=yes")
        if yes("dane"):
            a.append("dane_mx=yes")
    if yes("caa"):
        a.append("caa=yes")
    if yes("https_rr"):
        a.append("https_rr=yes")
    return "domain %s %s" % (name, " ".join(a))


def main():
    ap = argparse.ArgumentParser(description="draw the demo world")
    ap.add_argument("--domains", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("out")
    args = ap.parse_args()
    if args.domains < len(COUNTRIES) * len(SECTORS):
        print("gen_demo: --domains must be at least %d (one per country and sector)"
              % (len(COUNTRIES) * len(SECTORS)), file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    lines = ["# Demo world: %d domains, seed %d (scripts/tb/gen_demo.py)." % (args.domains, args.seed),
             "root sign=8 denial=nsec", "tld net sign=8 denial=nsec3", "tld org sign=8 denial=nsec"]
    for cc, (tld, _) in COUNTRIES.items():
        if tld == "com":
            lines.append("tld com sign=8 denial=nsec3")
        else:
            lines.append("tld %s sign=%s denial=nsec3 country=%s" % (tld, rng.choice(["8", "13"]), cc))
    nets = networks()
    lines += [n[4] for n in nets]
    # Every country x sector stratum gets domains; the rest are spread with
    # weights so that groups differ in size as real lists do.
    strata = [(cc, s) for cc in COUNTRIES for s in SECTORS]
    counts = {st: 1 for st in strata}
    weights = [1.0 + 3.0 * rng.random() for _ in strata]
    for st in rng.choices(strata, weights=weights, k=args.domains - len(strata)):
        counts[st] += 1
    n = 0
    for cc, sector in strata:
        tld, level = COUNTRIES[cc]
        lv = level * SECTORS[sector]
        for i in range(counts[(cc, sector)]):
            n += 1
            name = "%s-%s-%04d.%s" % (sector[:3], cc.lower(), i + 1, tld)
            lines.append(domain_line(rng, name, cc, sector, lv, nets))
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
