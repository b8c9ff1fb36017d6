"""DNS and DNSSEC ground truth, checked with dig and delv against the
world's Unbound (192.0.2.53) and with dig against the authoritative servers.

Independent of scripts/tb: it reads only truth.jsonl, the root trust anchor
and what the servers answer.
"""

import os
import re
import subprocess

RESOLVER = "192.0.2.53"
TLD_SERVER = "192.0.2.2"     # every TLD zone
LEAF_SERVER = "192.0.2.3"    # every leaf zone

# The extended DNS error Unbound gives for each bogus reason (RFC 8914).
REASON_EDE = {
    "rrsig_expired": 7,          # Signature Expired
    "rrsig_not_yet_valid": 8,    # Signature Not Yet Valid
    "dnskey_missing": 9,         # DNSKEY Missing
    "ds_mismatch": 9,            # DNSKEY Missing: no DNSKEY matches the DS
    "rrsig_missing": 10,         # RRSIGs Missing
    "signature_invalid": 6,      # DNSSEC Bogus: signature crypto failed
}


class Answer:
    def __init__(self, text):
        self.text = text
        m = re.search(r"status: (\w+)", text)
        self.status = m.group(1) if m else "NONE"
        m = re.search(r";; flags: ([a-z ]+);", text)
        self.flags = set(m.group(1).split()) if m else set()
        m = re.search(r"EDE: (\d+)", text)
        self.ede = int(m.group(1)) if m else None
        self.answer = []
        self.authority = []
        section = None
        for line in text.splitlines():
            if line.startswith(";; ANSWER SECTION"):
                section = self.answer
            elif line.startswith(";; AUTHORITY SECTION"):
                section = self.authority
            elif line.startswith(";;") or not line.strip():
                if not line.strip():
                    section = None
            elif section is not None and not line.startswith(";"):
                section.append(line.split())

    def rrs(self, rtype, where="answer"):
        return [r for r in getattr(self, where) if len(r) > 3 and r[3] == rtype]


def dig(name, rtype, cd=True, dnssec=True, server=RESOLVER):
    args = ["dig", "+time=3", "+tries=2", "@" + server, name, rtype, "+nocmd", "+noquestion"]
    if server != RESOLVER:
        args.append("+norec")
    if cd:
        args.append("+cd")
    if dnssec:
        args.append("+dnssec")
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Answer(r.stdout)


def delv_verdict(name, anchor_file):
    r = subprocess.run(["delv", "@" + RESOLVER, "-a", anchor_file, "+root=.", name, "A"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = r.stdout
    # A NODATA answer prints "resolution failed: ncache nxrrset" followed by
    # the verdict on the negative response: look for the verdict lines first.
    # A CNAME chain prints one verdict per zone: an unsigned link makes the
    # whole answer insecure (a secure CNAME into an unsigned zone).
    if "; unsigned answer" in out or "; negative response, unsigned answer" in out:
        return "insecure"
    if "; fully validated" in out or "; negative response, fully validated" in out:
        return "secure"
    if "resolution failed" in out or "broken trust chain" in out or "no valid" in out:
        return "bogus"
    return "unknown: " + out.strip().splitlines()[-1] if out.strip() else "unknown"


def write_delv_anchor(state):
    """delv wants BIND syntax: trust-anchors { . initial-ds ...; };"""
    path = os.path.join(state, "selftest-anchor.conf")
    lines = []
    with open(os.path.join(state, "root.key")) as f:
        for line in f:
            f_ = line.split()
            if len(f_) >= 8 and f_[3] == "DS":
                lines.append('  . initial-ds %s %s %s "%s";' % (f_[4], f_[5], f_[6], "".join(f_[7:])))
    with open(path, "w") as f:
        f.write("trust-anchors {\n%s\n};\n" % "\n".join(lines))
    return path


def lame_kind(dom, tld_server=TLD_SERVER):
    """How a delegation is lame, from the parent's referral and what its
    servers answer: noglue (an in-bailiwick NS without glue), silent (the
    glue address never answers), refused (it answers REFUSED), unreachable
    (the address is configured nowhere: no route), or 'answers ...' when a
    server gives the zone's SOA (not lame)."""
    ref = dig(dom, "NS", cd=False, dnssec=False, server=tld_server)
    names = {r[4].rstrip(".").lower() for r in ref.rrs("NS", "authority")}
    glue = []
    section = None
    for line in ref.text.splitlines():
        if line.startswith(";; ADDITIONAL SECTION"):
            section = True
        elif not line.strip():
            section = None
        elif section and not line.startswith(";"):
            f = line.split()
            if len(f) > 4 and f[3] in ("A", "AAAA") and f[0].rstrip(".").lower() in names:
                glue.append(f[4])
    if not names:
        return "no delegation"
    if not glue:
        inside = [n for n in names if n == dom or n.endswith("." + dom)]
        return "noglue" if inside else "out-of-bailiwick"
    kinds = set()
    # The first glue address of each family (a silent one costs a second).
    firsts = [next((a for a in glue if ":" not in a), None),
              next((a for a in glue if ":" in a), None)]
    for addr in [a for a in firsts if a]:
        r = subprocess.run(["dig", "+time=1", "+tries=1", "+norec", "@" + addr, dom, "SOA"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out = r.stdout
        if "status: REFUSED" in out:
            kinds.add("refused")
        elif "unreachable" in out.lower():
            kinds.add("unreachable")
        elif "timed out" in out or "no servers could be reached" in out:
            kinds.add("silent")
        else:
            m = re.search(r"status: (\w+)", out)
            kinds.add("answers " + (m.group(1) if m else out.strip()[-60:]))
    return ",".join(sorted(kinds))


def chain_missing_ds(zone):
    """True when the chain from the root to zone lacks a DS or the TLD's
    DNSKEY (an insecure link: no_ds)."""
    tld = zone.rsplit(".", 1)[-1]
    return not dig(tld, "DS").rrs("DS") or not dig(zone, "DS").rrs("DS") or \
        not dig(tld, "DNSKEY").rrs("DNSKEY")


def check_lame(dom, want, anchor, tap, kinds):
    """A lame delegation (dns_status not ok, with parent-side facts): the DS
    the parent publishes, the child's servers lame, and the verdict."""
    def eq(col, got):
        tap.eq(got, want[col], "%s: %s" % (dom, col))
    kind = lame_kind(dom)
    kinds[kind] = kinds.get(kind, 0) + 1
    tap.ok(kind in ("noglue", "silent", "refused", "unreachable"),
           "%s: the child's servers are lame (%s)" % (dom, kind))
    ds = dig(dom, "DS", server=TLD_SERVER)
    eq("ds_present", bool(ds.rrs("DS")))
    eq("ds_digest_types", ",".join(sorted({r[6] for r in ds.rrs("DS")}, key=int)) or None)
    # The resolver gives the parent's DS even though the child is lame.
    rds = dig(dom, "DS")
    tap.eq(bool(rds.rrs("DS")), want["ds_present"], "%s: DS through the resolver (+cd)" % dom)
    keys = dig(dom, "DNSKEY")
    tap.eq(keys.status, "SERVFAIL", "%s: the child's DNSKEY cannot be had (+cd)" % dom)
    if want["dnssec_status"] == "insecure":
        tap.eq("no_ds" if chain_missing_ds(dom) else "has_ds", want["dnssec_reason"],
               "%s: dnssec_reason (DS chain)" % dom)
        # delv: the DS absence (or an insecure parent) is proven.
        r = subprocess.run(["delv", "@" + RESOLVER, "-a", anchor, "+root=.", dom, "DS"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        tap.ok("fully validated" in r.stdout or "unsigned answer" in r.stdout,
               "%s: delv proves no DS (or an insecure parent)" % dom, r.stdout.strip()[-300:])
    elif want["dnssec_status"] == "indeterminate":
        tap.eq(want["dnssec_reason"], "no_response", "%s: dnssec_reason" % dom)
        tap.ok(not chain_missing_ds(dom), "%s: a DS under a secure chain" % dom)
        r = subprocess.run(["delv", "@" + RESOLVER, "-a", anchor, "+root=.", dom, "DS"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        tap.ok("; fully validated" in r.stdout and re.search(r"\sDS\s", r.stdout),
               "%s: delv validates the parent's DS" % dom, r.stdout.strip()[-300:])
    else:
        tap.ok(False, "%s: dnssec_status %r for a lame delegation" % (dom, want["dnssec_status"]))
    for col in ("ns_count", "a_count", "dnskey_algorithms", "denial", "signer_zone", "spf"):
        tap.ok(want[col] is None, "%s: %s null when the child gave nothing" % (dom, col))


def txt_strings(ans):
    """TXT RDATA of each answer record, the character-strings joined."""
    out = []
    for r in ans.rrs("TXT"):
        rdata = " ".join(r[4:])
        out.append("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', rdata)).replace('\\"', '"'))
    return out


def classify_spf(records):
    spf = [t for t in records if re.match(r"(?i)^v=spf1(\s|$)", t)]
    if not spf:
        return "absent"
    if len(spf) > 1:
        return "invalid"
    result = "none"
    for term in spf[0].split()[1:]:
        m = re.match(r"(?i)^([+\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)([:/].*)?$", term)
        if m:
            if m.group(2).lower() == "all":
                result = {"": "pass", "+": "pass", "-": "fail", "~": "softfail",
                          "?": "neutral"}[m.group(1)]
            continue
        if re.match(r"(?i)^[a-z][a-z0-9_.\-]*=", term):
            continue
        return "invalid"
    return result


def classify_dmarc(records):
    dm = [t for t in records if re.match(r"^v\s*=\s*DMARC1\s*(;|$)", t)]
    if not dm:
        return "absent"
    if len(dm) > 1:
        return "invalid"
    m = re.search(r";\s*p\s*=\s*([^;\s]*)", dm[0], re.I)
    if not m:
        return "invalid"
    p = m.group(1).lower()
    return p if p in ("none", "quarantine", "reject") else "invalid"


def run(state, truth, tap):
    anchor = write_delv_anchor(state)
    kinds = {}
    for row in truth:
        dom = row["domain"]
        host = row["probed_host"]
        want = row

        def eq(col, got):
            tap.eq(got, want[col], "%s: %s" % (dom, col))

        # The verdict first, before any CD query puts the domain's data in
        # Unbound's cache (a cached bogus answer loses its specific EDE).
        plain = dig(host, "A", cd=False)
        a = dig(dom, "SOA")
        status = {"NOERROR": "ok", "NXDOMAIN": "nxdomain", "SERVFAIL": "servfail",
                  "REFUSED": "refused"}.get(a.status, "error")
        eq("dns_status", status)
        if status != "ok":
            if want["dnssec_status"] is not None:
                check_lame(dom, want, anchor, tap, kinds)
                continue
            for col in ("ns_count", "a_count", "dnssec_status", "spf"):
                tap.ok(want[col] is None, "%s: %s null when not resolved" % (dom, col))
            continue

        ns = dig(dom, "NS")
        ns_names = [r[4].rstrip(".") for r in ns.rrs("NS")]
        eq("ns_count", len(ns_names))
        eq("ipv6_ns", any(dig(n, "AAAA").rrs("AAAA") for n in ns_names))

        a4 = dig(host, "A")
        a6 = dig(host, "AAAA")
        eq("a_count", len(a4.rrs("A")))
        eq("aaaa_count", len(a6.rrs("AAAA")))
        eq("web_ipv4", a4.rrs("A")[0][4] if a4.rrs("A") else None)
        eq("web_ipv6", a6.rrs("AAAA")[0][4] if a6.rrs("AAAA") else None)
        eq("ipv6_web", bool(a6.rrs("AAAA")))

        mx = dig(dom, "MX")
        # in preference order: dane_mx is about the first (most preferred)
        mx_hosts = [r[5].rstrip(".") for r in sorted(mx.rrs("MX"), key=lambda r: int(r[4]))]
        eq("mx_count", len(mx_hosts))
        eq("ipv6_mx", any(dig(m, "AAAA").rrs("AAAA") for m in mx_hosts) if mx_hosts else None)
        eq("caa", bool(dig(dom, "CAA").rrs("CAA")))
        eq("https_rr", bool(dig(host, "HTTPS").rrs("HTTPS")))

        # DNSSEC verdict: Unbound's AD bit / SERVFAIL without CD, and delv.
        if "ad" in plain.flags:
            verdict = "secure"
        elif plain.status == "SERVFAIL":
            verdict = "bogus"
        elif plain.status == "NOERROR":
            verdict = "insecure"
        else:
            verdict = "unknown " + plain.status
        eq("dnssec_status", verdict)
        tap.eq(delv_verdict(host, anchor), want["dnssec_status"], "%s: dnssec_status (delv)" % dom)
        if want["dnssec_status"] == "bogus":
            tap.eq(plain.ede, REASON_EDE.get(want["dnssec_reason"]),
                   "%s: dnssec_reason %s (Unbound EDE)" % (dom, want["dnssec_reason"]))
        elif want["dnssec_status"] == "insecure":
            # no_ds: some link from the root down has no DS (to the domain,
            # or to the zone of the CNAME target its probed host points at).
            zones = [dom] + [".".join(r[4].rstrip(".").split(".")[1:])
                             for r in a4.rrs("CNAME")]
            missing = any(chain_missing_ds(z) for z in zones)
            tap.eq("no_ds" if missing else "has_ds", want["dnssec_reason"],
                   "%s: dnssec_reason (DS chain)" % dom)
        else:
            eq("dnssec_reason", None)

        # Zone content (what is published, whatever a resolver makes of it)
        # straight from the authoritative servers.
        # The zone holding the domain: its own (a leaf zone on the leaf
        # server) or its TLD's (an inline name in a bench world).
        soa = a.rrs("SOA") or a.rrs("SOA", "authority")
        own_zone = bool(soa) and soa[0][0].rstrip(".") == dom
        auth = LEAF_SERVER if own_zone else TLD_SERVER
        ds = dig(dom, "DS", server=TLD_SERVER)
        eq("ds_present", bool(ds.rrs("DS")))
        eq("ds_digest_types", ",".join(sorted({r[6] for r in ds.rrs("DS")}, key=int)) or None)
        keys = dig(dom, "DNSKEY", server=auth)
        eq("dnskey_algorithms", ",".join(sorted({r[6] for r in keys.rrs("DNSKEY")}, key=int)) or None)

        nx = dig("uptake-selftest-nx." + dom, "A", server=auth)
        denial = None
        iters = None
        if nx.rrs("NSEC3", "authority"):
            denial = "nsec3"
            iters = int(nx.rrs("NSEC3", "authority")[0][6])
        elif nx.rrs("NSEC", "authority"):
            denial = "nsec"
        eq("denial", denial)
        eq("nsec3_iterations", iters)

        l4 = dig(host, "A", server=auth)
        l6 = dig(host, "AAAA", server=auth)
        # Over the addresses, or over the CNAME at the probed host (the
        # target's signer is another zone's).
        # (NSD adds a CNAME target it serves itself: records owned by the
        # probed host only.)
        sigs = [r for r in (l4.answer + l6.answer) if len(r) > 11 and r[3] == "RRSIG"
                and r[4] in ("A", "AAAA", "CNAME") and r[0].rstrip(".") == host]
        if not l4.rrs("A") and not l6.rrs("AAAA") and not l4.rrs("CNAME"):
            sigs = [r for r in l4.authority if len(r) > 11 and r[3] == "RRSIG" and r[4] == "SOA"]
        eq("signer_zone", sigs[0][11].rstrip(".") if sigs else None)

        eq("spf", classify_spf(txt_strings(dig(dom, "TXT"))))
        eq("dmarc", classify_dmarc(txt_strings(dig("_dmarc." + dom, "TXT"))))
        eq("mta_sts", any(t.startswith("v=STSv1") for t in txt_strings(dig("_mta-sts." + dom, "TXT"))))
        eq("tlsrpt", any(t.startswith("v=TLSRPTv1") for t in txt_strings(dig("_smtp._tls." + dom, "TXT"))))

        def dane(name):
            t = dig(name, "TLSA", cd=False)
            return bool(t.rrs("TLSA")) and "ad" in t.flags
        eq("dane_mx", dane("_25._tcp." + mx_hosts[0]) if mx_hosts else None)
        has_web = bool(a4.rrs("A") or a6.rrs("AAAA"))
        eq("dane_web", dane("_443._tcp." + host) if has_web else None)
    if kinds:
        tap.diag("lame delegations by kind: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(kinds.items())))
