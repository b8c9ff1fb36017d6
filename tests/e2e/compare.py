#!/usr/bin/env python3
"""Compare a crawl's snapshot with the world's ground truth, column by
column, printing every mismatch (TAP: one test per domain and column).

    compare.py TRUTH_JSONL SNAPSHOT_JSONL GROUP[,GROUP...] [CRAWL_LOG]
               [--probes P[,P...]] [--ds-zones DIR]

GROUP: identity, dns, dnssec, email, rpki, geo, tls, http (the column groups
of lib/schema.c).  SNAPSHOT_JSONL is `uptake-dump --jsonl SNAPSHOT`.
Every truth row must appear exactly once in the snapshot and no other row
may; a truth column missing from the snapshot is a failure.

CRAWL_LOG (with the http group): the crawl's stderr, whose web summary
must count one resumed TLS session for every HTTPS connection after a
domain's first handshake on a server that gives tickets (the testbed's
TLS 1.3 servers do, its TLS 1.2-only ones do not).  GET / and the whole
security.txt walk are requests on the first connection (h2 streams, or
HTTP/1.1 kept alive: docs/web.md, "One connection"), so the resumed
ones are only the IPv6 GET and the other web addresses' handshakes (the
truth's v6_resumed).

--probes: the crawl's probes; adds the invariants of
tests/realzone/invariants.py (a stage attempted has a status; a status is
null only when the row or the summary says why) over every row.

--ds-zones DIR: the parents' zone files (STATE/dns/tld): the names whose
ds_present is true are exactly the listed names that own a DS RRset there,
name by name, and ds_digest_types are the digest types of that RRset.
"""

import calendar
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "realzone"))

from tap import Tap  # noqa: E402
import invariants  # noqa: E402

GROUPS = {
    "identity": ["input_index", "domain", "rank", "list", "probed_host"],
    "dns": ["dns_status", "ns_count", "a_count", "aaaa_count", "mx_count",
            "web_ipv4", "web_ipv6", "ipv6_web", "ipv6_ns", "ipv6_mx", "caa", "https_rr",
            # Written from the DNS stage's NS and MX host names (issue 18),
            # so compared wherever the DNS columns are (mx_operator's schema
            # group is email, which crawl-mail does not compare).
            "ns_operator", "mx_operator",
            # The dnspolicy stage's columns (issue 18; scripts/tb/dmarctruth.py):
            # from DNS answers alone, so compared wherever the DNS columns
            # are (the mail world's crawl compares no email group).
            "caa_issue", "caa_iodef", "caa_inherited", "dkim_hint",
            "dmarc_source", "dmarc_policy", "dmarc_sp", "dmarc_pct", "dmarc_adkim",
            "dmarc_aspf", "dmarc_rua", "dmarc_ruf", "dmarc_external", "dmarc_error",
            # The spf stage's columns (issue 18; scripts/tb/spftruth.py): from
            # DNS answers alone, compared wherever the DNS columns are (the
            # mail world's crawl too).
            "spf_lookups", "spf_void_lookups", "spf_result_all", "spf_error"],
    "dnssec": ["dnssec_status", "dnssec_reason", "ds_present", "dnskey_algorithms",
               "ds_digest_types", "denial", "nsec3_iterations", "signer_zone"],
    "email": ["spf", "dmarc", "mta_sts", "tlsrpt", "dane_mx", "dane_web"],
    # The mail stage (docs/mail.md): SMTP and STARTTLS of the MX hosts,
    # the MTA-STS policy and the TLS-RPT record.
    "mail": ["mx_tested", "mx_starttls", "mx_tls_version", "mx_cert_verify", "mx_dane",
             "dane_web_valid", "mta_sts_mode", "mta_sts_mx_match", "tlsrpt_valid"],
    # The servers stage (docs/dns.md): routes of every NS, MX and web
    # address, NS depth, MX DNSSEC; compared in crawls with --vrps, --bgp
    # and the dnssec and ns probes (tests/servers/meson.build).
    "servers": ["ns_rov", "ns_rov_addrs", "mx_rov", "mx_rov_addrs", "web_rov_all",
                "web_rov_addrs", "ns_v6_count", "ns_v6_reachable", "ns_lame",
                "ns_asn_count", "mx_dnssec"],
    "rpki": ["v4_origin_asn", "v6_origin_asn", "v4_prefix", "v6_prefix", "v4_rov", "v6_rov"],
    "geo": ["hosting_country", "hosting_asn", "hosting_as_org"],
    "tls": ["tls_status", "tls_version", "tls_cipher", "tls_group", "tls_alpn", "ocsp_stapled",
            "cert_verify", "cert_not_after", "cert_days_left", "cert_key_bits", "cert_key_type",
            "cert_sig_alg", "cert_issuer_org"],
    "http": ["http_status", "hsts", "hsts_max_age", "hsts_include_subdomains", "hsts_preload",
             "csp", "csp_frame_ancestors", "csp_unsafe_inline", "csp_grade", "csp_failures",
             "x_frame_options", "x_content_type_options", "referrer_policy",
             "referrer_policy_grade", "permissions_policy",
             "http_redirects_https", "security_txt", "security_txt_location",
             "security_txt_signed", "security_txt_expires_far", "hsts_preloaded",
             # webv6 (issue 17 point 2; scripts/tb/webv6.py): the IPv6 GET
             # and every web address's handshake
             "ipv6_web_reachable", "ipv6_web_same", "web_addrs_tested",
             "web_addrs_reachable"],
}


# TIMESTAMP columns: the truth has microseconds since the epoch (UTC),
# uptake-dump prints RFC 3339 text.
TIMESTAMPS = {"cert_not_after"}
ISO = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z$")


def micros(v):
    """v as microseconds since the epoch when it is RFC 3339 text."""
    m = ISO.match(v) if isinstance(v, str) else None
    if not m:
        return v
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return secs * 1000000 + int((m.group(7) or "0").ljust(6, "0"))


def zone_ds(zdir):
    """{owner: sorted digest types} of every DS record in the zone files
    served from zdir (the signed file when there is one)."""
    out = {}
    for name in sorted(os.listdir(zdir)):
        if not name.endswith(".zone"):
            continue
        path = os.path.join(zdir, name)
        if os.path.exists(path + ".signed"):
            path += ".signed"
        with open(path) as f:
            for line in f:
                fl = line.split()
                if len(fl) >= 8 and fl[3] == "DS" and fl[2] == "IN":
                    owner = fl[0].rstrip(".").lower()
                    out.setdefault(owner, set()).add(int(fl[6]))
    return {k: sorted(v) for k, v in out.items()}


def check_ds(tap, zdir, truth, by_index):
    zds = zone_ds(zdir)
    listed = {t["domain"] for t in truth}
    want = {n: ",".join(str(x) for x in d) for n, d in zds.items() if n in listed}
    got = {}
    for t in truth:
        r = by_index.get(t["input_index"])
        if r is not None and r.get("ds_present") is True:
            got[t["domain"]] = r.get("ds_digest_types")
    tap.eq(len(got), len(want), "ds_present=true count equals the listed DS owners in the "
           "parents' zone files (%d)" % len(want))
    tap.eq(sorted(set(want) - set(got)), [], "every DS owner in the zone files has ds_present=true")
    tap.eq(sorted(set(got) - set(want)), [], "no ds_present=true without a DS in the zone files")
    diff = sorted("%s: got %s, zone file %s" % (n, got[n], want[n])
                  for n in set(got) & set(want) if got[n] != want[n])
    tap.ok(not diff, "ds_digest_types equal the zone files' digest types, name by name",
           "\n".join(diff))
    lame_ds = [t["domain"] for t in truth if t.get("dns_status") != "ok" and t["domain"] in want]
    tap.ok(len(lame_ds) > 0, "the zone files hold DS for lame delegations (%d)" % len(lame_ds))


def main():
    argv = list(sys.argv[1:])
    probes = ds_zones = None
    pos = []
    while argv:
        a = argv.pop(0)
        if a in ("--probes", "--ds-zones") and argv:
            if a == "--probes":
                probes = argv.pop(0)
            else:
                ds_zones = argv.pop(0)
        else:
            pos.append(a)
    if len(pos) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    sys.argv[1:] = pos
    with open(sys.argv[1]) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    with open(sys.argv[2]) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    cols = []
    for g in sys.argv[3].split(","):
        cols += GROUPS[g]
    tap = Tap()
    by_index = {}
    dups = []
    for r in rows:
        if r["input_index"] in by_index:
            dups.append(r["input_index"])
        by_index[r["input_index"]] = r
    tap.eq(dups, [], "no input_index twice in the snapshot")
    tap.eq(len(rows), len(truth), "one row per input domain")
    extra = set(by_index) - {t["input_index"] for t in truth}
    tap.eq(sorted(extra), [], "no row that is not in the list")
    for t in truth:
        r = by_index.get(t["input_index"])
        if not tap.ok(r is not None, "%s: has a row" % t["domain"]):
            continue
        for c in cols:
            if c not in t:
                continue
            if not tap.ok(c in r, "%s: column %s in the snapshot" % (t["domain"], c)):
                continue
            got = micros(r[c]) if c in TIMESTAMPS else r[c]
            tap.eq(got, t[c], "%s: %s" % (t["domain"], c))
    if len(sys.argv) == 5 and "http" in sys.argv[3].split(","):
        want = 0
        for t in truth:
            if t.get("tls_status") == "ok" and t.get("tls_version") == "TLSv1.3":
                # GET / and every request of the security.txt walk
                # (RFC 9116 3) share the first connection: none resumed;
                # the IPv6 GET and the other addresses' handshakes on the
                # same server are (scripts/tb/webv6.py)
                want += t.get("v6_resumed", 0)
        with open(sys.argv[4]) as f:
            m = re.search(r"TLS resumed (\d+)", f.read())
        tap.eq(int(m.group(1)) if m else None, want,
               "TLS sessions resumed: every HTTPS connection after a domain's first "
               "handshake, GET / and security.txt on the first")
    if ds_zones:
        check_ds(tap, ds_zones, truth, by_index)
    if probes is not None:
        summary = None
        if len(sys.argv) == 5:
            with open(sys.argv[4], errors="replace") as f:
                summary = f.read()
        invariants.tap_report(tap, rows, [p for p in probes.split(",") if p], summary)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
