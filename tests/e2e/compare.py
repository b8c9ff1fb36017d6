#!/usr/bin/env python3
"""Compare a crawl's snapshot with the world's ground truth, column by
column, printing every mismatch (TAP: one test per domain and column).

    compare.py TRUTH_JSONL SNAPSHOT_JSONL GROUP[,GROUP...] [CRAWL_LOG]

GROUP: identity, dns, dnssec, email, rpki, geo, tls, http (the column groups
of lib/schema.c).  SNAPSHOT_JSONL is `uptake-dump --jsonl SNAPSHOT`.
Every truth row must appear exactly once in the snapshot and no other row
may; a truth column missing from the snapshot is a failure.

CRAWL_LOG (with the http group): the crawl's stderr, whose web summary
must count one resumed TLS session for every HTTPS request after a
domain's first handshake on a server that gives tickets (the testbed's
TLS 1.3 servers do, its TLS 1.2-only ones do not): GET / when the first
connection chose h2, and security.txt.
"""

import calendar
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402

GROUPS = {
    "identity": ["input_index", "domain", "rank", "list", "probed_host"],
    "dns": ["dns_status", "ns_count", "a_count", "aaaa_count", "mx_count",
            "web_ipv4", "web_ipv6", "ipv6_web", "ipv6_ns", "ipv6_mx", "caa", "https_rr"],
    "dnssec": ["dnssec_status", "dnssec_reason", "ds_present", "dnskey_algorithms",
               "ds_digest_types", "denial", "nsec3_iterations", "signer_zone"],
    "email": ["spf", "dmarc", "mta_sts", "tlsrpt", "dane_mx", "dane_web"],
    "rpki": ["v4_origin_asn", "v6_origin_asn", "v4_prefix", "v6_prefix", "v4_rov", "v6_rov"],
    "geo": ["hosting_country", "hosting_asn", "hosting_as_org"],
    "tls": ["tls_status", "tls_version", "tls_cipher", "tls_group", "tls_alpn", "ocsp_stapled",
            "cert_verify", "cert_not_after", "cert_days_left", "cert_key_bits", "cert_key_type",
            "cert_sig_alg", "cert_issuer_org"],
    "http": ["http_status", "hsts", "hsts_max_age", "hsts_include_subdomains", "hsts_preload",
             "csp", "csp_frame_ancestors", "csp_unsafe_inline", "x_frame_options",
             "x_content_type_options", "referrer_policy", "permissions_policy",
             "http_redirects_https", "security_txt"],
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


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
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
                want += 2 if t.get("tls_alpn") == "h2" else 1
        with open(sys.argv[4]) as f:
            m = re.search(r"TLS resumed (\d+)", f.read())
        tap.eq(int(m.group(1)) if m else None, want,
               "TLS sessions resumed: every HTTPS request after a domain's first handshake")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
