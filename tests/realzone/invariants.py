#!/usr/bin/env python3
"""Null means not attempted: the invariants every row of every crawl keeps,
whatever the world (docs/method.md, docs/web.md, docs/dnssec.md, the
schema's null rules).

    invariants.py SNAPSHOT|ROWS_JSONL --probes P[,P...] [--log CRAWL_LOG]
                  [--dump UPTAKE_DUMP]

SNAPSHOT is a snapshot directory (read with uptake-dump --jsonl; --dump
names the binary, default build/analysis/uptake-dump beside this tree) or
the JSON lines uptake-dump wrote.  --probes: the crawl's --probes (all:
dns,dnssec,rpki,geo,tls,http,mail); list rpki only when the crawl had both
--vrps and --bgp.  --log: the crawl's stderr, whose summary line says how
many domains the deadline cut.  Prints TAP: one test per rule, every
violating row in its diagnostics; exits 1 on any violation.

The rules (R1..R10 below, each checked on every row):

R1  dns probe on: dns_status is set (the DNS stage runs for every row).
R2  dns_status ok: ns_count, a_count, aaaa_count and mx_count are set, and
    spf and dmarc (the mail records are part of the DNS stage), unless
    error says why.
R3  dns_status nxdomain: every DNS count, address and DNSSEC column is
    null (the name has no zone; docs/dnssec.md).
R4  dnssec probe on and the name exists (dns_status not nxdomain):
    dnssec_status is set, unless error says why (the parent's DS answer
    was unusable, or the deadline fell before the DNSSEC stage: one
    "reached in the dnssec stage" leaves indeterminate, docs/dnssec.md).
R5  dnssec_reason is null exactly when dnssec_status is secure or null.
R6  tls probe on: tls_status is set (no_address when the probed host has
    no address), unless error says the address was blocked or opted out,
    or the deadline cut the domain before the web stage (one "reached in
    the web stage" cut a stage that was attempted: it records what it
    saw, docs/web.md).
R7  tls_status is no_address exactly when neither web_ipv4 nor web_ipv6
    is set (for rows whose tls_status is set).
R8  http probe on and tls_status ok: http_status is set, or error says
    why; tls_status not ok: http_status and every header column null.
R9  rpki probe on: v4_rov is set whenever web_ipv4 is, v6_rov whenever
    web_ipv6 is; never set without the address.
R10 a probe left out leaves its columns null (dnssec, tls, http, rpki,
    geo; with http alone the handshake is made but the tls columns stay
    null: docs/uptake-crawl.md, --probes), and the deadline count of the crawl summary equals the rows
    whose error names the deadline.
"""

import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "testbed"))

from tap import Tap  # noqa: E402

ALL_PROBES = ("dns", "dnssec", "rpki", "geo", "tls", "http", "mail")

DNS_COUNTS = ("ns_count", "a_count", "aaaa_count", "mx_count")
NAME_COLUMNS = ("ns_count", "a_count", "aaaa_count", "mx_count", "web_ipv4", "web_ipv6",
                "ipv6_web", "ipv6_ns", "ipv6_mx", "caa", "https_rr")
DNSSEC_COLUMNS = ("dnssec_status", "dnssec_reason", "ds_present", "dnskey_algorithms",
                  "ds_digest_types", "denial", "nsec3_iterations", "signer_zone")
TLS_COLUMNS = ("tls_status", "tls_version", "tls_cipher", "tls_group", "tls_alpn",
               "ocsp_stapled", "cert_verify", "cert_not_after", "cert_days_left",
               "cert_key_bits", "cert_key_type", "cert_sig_alg", "cert_issuer_org")
HTTPS_COLUMNS = ("http_status", "hsts", "hsts_max_age", "hsts_include_subdomains",
                 "hsts_preload", "csp", "csp_frame_ancestors", "csp_unsafe_inline",
                 "x_frame_options", "x_content_type_options", "referrer_policy",
                 "permissions_policy", "security_txt")
HTTP_COLUMNS = HTTPS_COLUMNS + ("http_redirects_https",)
RPKI_COLUMNS = ("v4_origin_asn", "v6_origin_asn", "v4_prefix", "v6_prefix", "v4_rov", "v6_rov")
GEO_COLUMNS = ("hosting_country", "hosting_asn", "hosting_as_org")
MAIL_COLUMNS = ("mx_tested", "mx_starttls", "mx_tls_version", "mx_cert_verify", "mx_dane",
                "mta_sts_mode", "mta_sts_mx_match", "tlsrpt_valid", "mail_error", "mail_ms")
PROBE_COLUMNS = {"dnssec": DNSSEC_COLUMNS, "tls": TLS_COLUMNS + ("dane_web_valid",),
                 "http": HTTP_COLUMNS, "rpki": RPKI_COLUMNS, "geo": GEO_COLUMNS,
                 "mail": MAIL_COLUMNS}

# Violations listed per rule in the TAP diagnostics: a 100,000-row crawl
# can break a rule on every row; the count is always given in full.
MAX_LISTED = 50

DEADLINE = re.compile(r"^deadline: ")
NOT_CONTACTED = re.compile(r"(^|; )blocked: ")


def _deadline_in(err, stage):
    """error names the deadline as reached in this stage (the scheduler's
    'deadline: --timeout N s reached in the STAGE stage')."""
    return bool(err) and DEADLINE.search(err) is not None and \
        ("reached in the %s stage" % stage) in err


def _set(r, c):
    return r.get(c) is not None


def check(rows, probes, summary=None):
    """(violations, rows seen): every violation as (rule, domain, text);
    rules R1..R10 above.  rows may be any iterable (read once)."""
    probes = set(probes)
    out = []
    n_rows = n_deadline = 0

    def bad(rule, r, text):
        out.append((rule, r.get("domain"), text))

    for r in rows:
        n_rows += 1
        err = r.get("error")
        if err and DEADLINE.search(err):
            n_deadline += 1
        dns = r.get("dns_status")
        deadline = bool(err and DEADLINE.search(err))
        # R1
        if "dns" in probes and dns is None:
            bad("R1", r, "dns_status null (error %r)" % err)
        # R2
        if dns == "ok":
            miss = [c for c in DNS_COUNTS + ("spf", "dmarc") if not _set(r, c)]
            if miss and not err:
                bad("R2", r, "dns ok but %s null, error null" % ", ".join(miss))
        # R3
        if dns == "nxdomain":
            extra = [c for c in NAME_COLUMNS + DNSSEC_COLUMNS if _set(r, c)]
            if extra:
                bad("R3", r, "nxdomain but %s set" % ", ".join(extra))
        # R4
        if "dnssec" in probes and dns is not None and dns != "nxdomain":
            if r.get("dnssec_status") is None and (not err or _deadline_in(err, "dnssec")):
                bad("R4", r, "dns_status %s, dnssec_status null, error null" % dns)
        # R5
        st, reason = r.get("dnssec_status"), r.get("dnssec_reason")
        if (reason is None) != (st in (None, "secure")):
            bad("R5", r, "dnssec_status %r with dnssec_reason %r" % (st, reason))
        # R6
        has_addr = _set(r, "web_ipv4") or _set(r, "web_ipv6")
        tls = r.get("tls_status")
        if "tls" in probes and tls is None:
            why = err and (NOT_CONTACTED.search(err) or (deadline and not _deadline_in(err, "web")))
            if not why:
                bad("R6", r, "tls_status null (addresses %s/%s, error %r)"
                    % (r.get("web_ipv4"), r.get("web_ipv6"), err))
        # R7
        if tls is not None and (tls == "no_address") == has_addr:
            bad("R7", r, "tls_status %s with web_ipv4 %s, web_ipv6 %s"
                % (tls, r.get("web_ipv4"), r.get("web_ipv6")))
        # R8
        if "http" in probes and tls == "ok" and not _set(r, "http_status") and not err:
            bad("R8", r, "tls ok, http_status null, error null")
        if tls not in (None, "ok"):
            extra = [c for c in HTTPS_COLUMNS if _set(r, c)]
            if extra:
                bad("R8", r, "tls_status %s but %s set" % (tls, ", ".join(extra)))
        # R9
        if "rpki" in probes:
            for fam in ("v4", "v6"):
                addr, rov = _set(r, "web_ip" + fam), _set(r, fam + "_rov")
                if addr and not rov and not err:
                    bad("R9", r, "web_ip%s %s but %s_rov null" % (fam, r.get("web_ip" + fam), fam))
                if rov and not addr:
                    bad("R9", r, "%s_rov %s without web_ip%s" % (fam, r.get(fam + "_rov"), fam))
        # R10
        for p, cols in PROBE_COLUMNS.items():
            if p in probes:
                continue
            extra = [c for c in cols if _set(r, c)]
            if extra:
                bad("R10", r, "probe %s off but %s set" % (p, ", ".join(extra)))
    if summary is not None:
        m = re.search(r"\bdeadline (\d+)", summary)
        if m and n_deadline != int(m.group(1)):
            out.append(("R10", None, "summary says deadline %s, %d rows name the deadline"
                        % (m.group(1), n_deadline)))
    return out, n_rows


RULES = {
    "R1": "dns_status set for every row (dns probe on)",
    "R2": "dns ok: NS/A/AAAA/MX counts, spf and dmarc set, or error says why",
    "R3": "nxdomain: no DNS count, address or DNSSEC column set",
    "R4": "dnssec probe on, name exists: dnssec_status set, or error says why",
    "R5": "dnssec_reason null exactly when secure (or no verdict)",
    "R6": "tls probe on: tls_status set, unless blocked, opted out or the deadline",
    "R7": "tls_status no_address exactly when the probed host has no address",
    "R8": "tls ok: http_status set or error; tls not ok: HTTPS columns null",
    "R9": "rpki probe on: a ROV state for every web address, none without one",
    "R10": "probes left out leave their columns null; summary deadline count = rows",
}


def tap_report(tap, rows, probes, summary=None, label=""):
    """Add one TAP test per rule to tap, listing each violation."""
    found, n = check(rows, probes, summary)
    for rule, what in RULES.items():
        mine = ["%s: %s" % (d, t) for (r, d, t) in found if r == rule]
        more = ["... and %d more" % (len(mine) - MAX_LISTED)] if len(mine) > MAX_LISTED else []
        tap.ok(not mine, "%sinvariant %s: %s (%d rows, %d violations)"
               % (label, rule, what, n, len(mine)),
               "\n".join(mine[:MAX_LISTED] + more) if mine else None)
    return found


def iter_rows(path, dump=None):
    """The rows of a snapshot directory (streamed from uptake-dump --jsonl)
    or of a JSON lines file, one dict at a time."""
    if not os.path.isdir(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
        return
    dump = dump or os.path.join(TOP, "build", "analysis", "uptake-dump")
    p = subprocess.Popen([dump, "--jsonl", path], stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        if line.strip():
            yield json.loads(line)
    if p.wait() != 0:
        raise SystemExit("invariants: %s --jsonl %s failed (exit %d)" % (dump, path, p.returncode))


def load_rows(path, dump=None):
    return list(iter_rows(path, dump))


def main(argv):
    args = list(argv)
    probes, log, dump = ",".join(ALL_PROBES), None, None
    pos = []
    while args:
        a = args.pop(0)
        if a in ("--probes", "--log", "--dump") and args:
            v = args.pop(0)
            if a == "--probes":
                probes = v
            elif a == "--log":
                log = v
            else:
                dump = v
        else:
            pos.append(a)
    if len(pos) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    plist = [p for p in probes.split(",") if p]
    if plist == ["all"]:		# the crawler's --probes all
        plist = list(ALL_PROBES)
    for p in plist:
        if p not in ALL_PROBES:
            print("invariants: unknown probe %r in --probes" % p, file=sys.stderr)
            return 2
    summary = None
    if log:
        with open(log, errors="replace") as f:
            summary = f.read()
    tap = Tap()
    seen = [0]

    def rows():
        for r in iter_rows(pos[0], dump):
            seen[0] += 1
            yield r
    tap_report(tap, rows(), plist, summary)
    tap.ok(seen[0] > 0, "the snapshot has rows (%d)" % seen[0])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
