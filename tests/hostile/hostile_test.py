#!/usr/bin/env python3
"""Hostile peers against the crawler (docs/web.md "Hostile peers").

Run inside a testbed namespace (scripts/testbed run WORLD -- ...):

    hostile_test.py BUILD_DIR [PART...]

PART is any of cases, rss, cpu, blocked, mail, tlspolicy, h2 (default: all).

Adds the hostile addresses (203.0.113.200-221, 230-237 and .253, documentation
space above every world network) to the namespace's loopback, makes a CA,
a leaf for *.hostile.test and a gzip bomb, starts tests/hostile/hostile.c,
and crawls, with --resolver pointing straight at its DNS responder:

- one crawl of every case once, with well-behaved control sites between
  them: each case's row must carry its recorded error and null columns,
  the controls must be measured exactly, and the crawl must end within the
  bound the web stage's timeouts give (webprobe.h);
- the cases that send the most (10 MB of headers, an endless line, the
  gzip bomb, garbage, resets, redirects, bad DNS) crawled SMALL and then
  SCALE times at the same concurrency: the peak RSS (/usr/bin/time -v) of
  the big crawl must stay within RSS_SLACK_KB of the small one's: nothing
  a hostile peer sends accumulates;
- cpu: the linear-CPU cases (issue 14 point 9) crawled CPU_N times each,
  the crawler's CPU (user + system, /usr/bin/time -v) compared with a crawl
  of CPU_N control sites, and for the two drip cases also with a crawl of
  the same bytes in the same number of segments that needs no parsing
  ("bodydrip": a Content-Length body);
- blocked: names whose A, AAAA or CNAME target is loopback, private,
  link-local, IPv4-mapped, NAT64, IPv4-compatible or site-local, crawled
  with the default blocklist (no --allow-prefix): every row says blocked
  with the range, and listeners on those addresses saw no connection;
- mail: the hostile SMTP peers (issue 16: an endless banner line, 421 at
  connect, STARTTLS answered 454, garbage instead of a ServerHello after
  STARTTLS, bytes injected after STARTTLS's 220, a tarpit sending its
  banner a byte a second, a drop after EHLO), each the MX of a domain,
  crawled at once (--probes dns,mail) with a well-behaved SMTP control
  domain between them: each case's mx_starttls and mail_error, its
  mail_ms within the bound that ends it (crawler/mail/smtpprobe.h), the
  crawl within the longest such bound, and every control measured exactly;
- tlspolicy: the TLS policy scan (issue 17) against a server that serves
  the web stage's handshake and then stalls on the scan's, and one that
  answers the scan's with garbage: the web columns exact, the scan ended
  early with its reason and its facts null, within one scan timeout, the
  controls between them scanned completely;
- h2 (issue 20 point 1): servers that select ALPN h2 and then flood
  SETTINGS frames, send a 10 MB HEADERS + CONTINUATION sequence, or never
  end a stream: each case's recorded reason and columns, the controls
  between them exact, the crawl within CRAWL_BOUND_S; then each case
  H2_N times against H2_N controls: the peak RSS within RSS_SLACK_KB of
  the controls' crawl.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402

ADDRS = (["203.0.113.%d" % i for i in range(200, 222)] +
         ["203.0.113.%d" % i for i in range(230, 238)] + ["203.0.113.253"])
DNS = "203.0.113.253"
SMALL, SCALE = 60, 600    # hostile domains of the two RSS crawls
HEAVY = ("bigheaders", "endless", "gzipbomb", "tlsgarbage", "midhandshake", "reset",
         "redirect", "dns-malformed", "dns-truncated", "dns-oversized", "dns-mismatch")
RSS_SLACK_KB = 24 * 1024  # growth allowed from 1x to SCALE (allocator noise)
# Worst case of one domain: trickle = TLS + three requests each cut at the
# exchange timeout (10 s), run one after the other, plus DNS.
CRAWL_BOUND_S = 3 * 10 + 5 + 10

# case: {column: expected value}, and the error's pattern
CASES = {
    "silent": ({"tls_status": "timeout", "http_status": None,
                "http_redirects_https": None, "security_txt": None},
               r"^tls: handshake timed out"),
    "trickle": ({"tls_status": "ok", "http_status": None, "hsts": None,
                 "security_txt": None, "http_redirects_https": None},
                r"^https: response not complete within 10000 ms"),
    "bigheaders": ({"tls_status": "ok", "http_status": None, "security_txt": None,
                    "http_redirects_https": None},
                   r"^https: response head over 65536 bytes"),
    "endless": ({"tls_status": "ok", "http_status": None, "security_txt": None,
                 "http_redirects_https": None},
                r"^https: response head over 65536 bytes"),
    "tlsgarbage": ({"tls_status": "handshake_failed", "tls_version": None,
                    "http_status": None, "http_redirects_https": None},
                   r"^tls: handshake failed: "),
    "midhandshake": ({"tls_status": "handshake_failed", "tls_version": None,
                      "http_status": None, "http_redirects_https": None},
                     r"^tls: handshake failed: "),
    "reset": ({"tls_status": "ok", "http_status": None, "security_txt": None,
               "http_redirects_https": None},
              r"^https: connection (reset|closed) before a response"),
    "redirect": ({"tls_status": "ok", "http_status": 302, "hsts": False,
                  "security_txt": "absent", "http_redirects_https": False},
                 None),
    "gzipbomb": ({"tls_status": "ok", "http_status": 200, "security_txt": "invalid",
                  "http_redirects_https": False},
                 r"^security.txt: body over 32768 bytes"),
    # HTTP/1.1 keep-alive (docs/web.md "One connection"): security.txt on
    # the connection GET / kept after a chunked body (the server has it
    # only there), and again on a new one when the server closes the kept
    # connection unannounced
    "kachunked": ({"tls_status": "ok", "http_status": 200, "hsts": True,
                   "security_txt": "valid", "http_redirects_https": True, "error": None},
                  None),
    "kaclose": ({"tls_status": "ok", "http_status": 200, "hsts": True,
                 "security_txt": "valid", "http_redirects_https": True, "error": None},
                None),
    "dns-malformed": ({"tls_status": "no_address", "web_ipv4": None}, None),
    "dns-truncated": ({"tls_status": "no_address", "web_ipv4": None}, None),
    "dns-oversized": ({"tls_status": "no_address", "web_ipv4": None}, None),
    "dns-mismatch": ({"tls_status": "no_address", "web_ipv4": None}, None),
}
CONTROL = {"dns_status": "ok", "web_ipv4": "203.0.113.200", "tls_status": "ok",
           "tls_version": "TLSv1.3", "cert_verify": "ok", "cert_key_type": "ec",
           "http_status": 200, "hsts": True, "hsts_max_age": 31536000,
           "x_frame_options": "deny", "security_txt": "valid",
           "http_redirects_https": True, "error": None}
DNS_STATUS_BAD = ("timeout", "error", "servfail")


# cpu: CPU_N[case] domains of each case per crawl.  Each segment of a drip
# costs a wakeup and a read (and over TLS a record) whatever the parser
# does, so the drips are judged against drips: what the parser adds must
# keep the cost linear in the bytes.  The bounds:
# - bigdh: within CPU_MULT times the CPU of as many control sites (a
#   refused handshake costs less than a full one);
# - drip (a 65,000-byte head) against dripsmall (the same, a quarter as
#   long), less a control site's cost each: within SCALE_MULT times (a
#   linear reader: 4 at most, 2.1-3.4 measured; one that parses the head
#   again at every read: 7.2 measured);
# - sectxtdrip (a chunked body) against bodydrip (the same body with a
#   Content-Length: no parsing), per segment: within DRIP_MULT times
#   (0.89-1.14 measured; decoding the body again at every read: 1.64).
# One domain per drip crawl (hostile.c's dripping threads spin); three
# bigdh domains (hostile.c pays for its own side of each 10000-bit exchange,
# one at a time).  Measured figures: docs/web.md "Hostile peers".
CPU_N = {"control": 3, "bigdh": 3, "drip": 1, "dripsmall": 1, "sectxtdrip": 1,
         "bodydrip": 1}
CPU_MULT = 3.0
SCALE_MULT = 4.2
DRIP_MULT = 1.4
# CPU figures on a loaded machine are noisy, and noise only ever adds: when
# a ratio is over its bound, the cases are crawled again (at most
# CPU_ROUNDS times in all) and each case's least CPU is kept.  A parser
# that is quadratic is over the bound in every round; the bounds are the
# ones first set (not widened for the noise).
CPU_ROUNDS = 3
CPU_CASES = {
    "drip": ({"tls_status": "ok", "http_status": 200, "http_redirects_https": True,
              "security_txt": "valid", "error": None}, None),
    "dripsmall": ({"tls_status": "ok", "http_status": 200, "http_redirects_https": True,
                   "security_txt": "valid", "error": None}, None),
    "sectxtdrip": ({"tls_status": "ok", "http_status": 200, "security_txt": "valid",
                    "http_redirects_https": True, "error": None}, None),
    "bodydrip": ({"tls_status": "ok", "http_status": 200, "security_txt": "valid",
                  "http_redirects_https": True, "error": None}, None),
    "bigdh": ({"tls_status": "handshake_failed", "tls_version": None, "http_status": None,
               "http_redirects_https": True},
              r"^tls: handshake failed: server DH group of 10000 bits, over the "
              r"8192-bit limit"),
}
# Segments each drip case sends (one byte each), about: the head of drip
# (HOSTILE_DRIP_HEAD), the body of bodydrip (HOSTILE_SECTXT_BODY) and the
# same body chunked by 8 bytes with a 16-byte chunk extension (29 bytes sent
# per 8).
SEGMENTS = {"drip": 65000, "dripsmall": 16250, "sectxtdrip": 43500, "bodydrip": 12000}
PARTS = ["cases", "cpu", "blocked", "rss", "mail", "tlspolicy", "h2"]

# HTTP/2 cases (tests/hostile/hostile.c; docs/web.md "One connection"):
# GET / fails on the h2 connection, security.txt then goes on a new one
# (ALPN http/1.1, served as the control's) except for h2noend, whose GET /
# head came and whose security.txt stream never ends.
H2_CASES = {
    "h2settings": ({"tls_status": "ok", "tls_alpn": "h2", "http_status": None, "hsts": None,
                    "security_txt": "valid", "http_redirects_https": True},
                   r"^https: HTTP/2: .*[Ff]lood"),
    "h2continuation": ({"tls_status": "ok", "tls_alpn": "h2", "http_status": None, "hsts": None,
                        "security_txt": "valid", "http_redirects_https": True},
                       r"^https: response head over 65536 bytes"),
    "h2noend": ({"tls_status": "ok", "tls_alpn": "h2", "http_status": 200, "hsts": False,
                 "security_txt": None, "http_redirects_https": True},
                r"^security.txt: response not complete within 10000 ms"),
}
H2_N = 30   # each h2 case crawled this many times for the RSS check
# tlspolicy (issue 17): the TLS policy scan against a server that serves
# the web stage's handshake and stalls on the scan's (scanstall), or
# answers the scan's with garbage (scangarbage), each between control
# sites: the web columns exact, the scan ended early with its reason, its
# facts null (not measured), within one scan timeout; the controls' scan
# complete (hostile.c's ssl_ctx: OpenSSL's defaults, TLS 1.2 and 1.3).
TLSPOL_CASES = {
    "scanstall": ({"tls_status": "ok", "tls_version": "TLSv1.3", "http_status": 200,
                   "tls_scan_status": "ended_early", "tls_scan_handshakes": 1,
                   "tls_versions": None, "tls_min_version": None,
                   "tls_weak_ciphers": None, "tls_ncsc_class": None},
                  r"^tlspolicy: TLSv1\.\d probe: timeout"),
    "scangarbage": ({"tls_status": "ok", "tls_version": "TLSv1.3", "http_status": 200,
                     "tls_scan_status": "ended_early", "tls_scan_handshakes": 1,
                     "tls_versions": None, "tls_min_version": None,
                     "tls_weak_ciphers": None, "tls_ncsc_class": None},
                    r"^tlspolicy: TLSv1\.\d probe: error"),
}
TLSPOL_CONTROL = dict(CONTROL, tls_scan_status="complete",
                      tls_versions="TLSv1.2,TLSv1.3", tls_min_version="TLSv1.2",
                      tls_weak_ciphers="", tls_kex_weak=False,
                      tls_ncsc_class="sufficient")
# tlscan.h's TLSSCAN_TIMEOUT_MS: the one bound a stalling server costs.
TLSPOL_STALL_S = 5


# mail: the SMTP probe's bounds, read from the crawler's headers so the
# test follows them.
def smtp_bounds():
    top = os.path.join(HERE, "..", "..", "crawler", "mail")
    out = {}
    for h in ("smtpprobe.h", "smtp_reply.h"):
        with open(os.path.join(top, h)) as f:
            for m in re.finditer(r"^#define (SMTP_\w+) (\d+)\b", f.read(), re.M):
                out[m.group(1)] = int(m.group(2))
    return out


SMTP = smtp_bounds()
# hostile.c's SMTP cases: "smtp-CASE.hostile.test" MX 10 "mx-CASE.hostile.test",
# A 203.0.113.(SMTP_BASE + index in SMTP_CASES' order); controls the same
# with CASE "control-N".
SMTP_BASE = 230
SMTP_INJECTED = "MAIL FROM:<injected@hostile.test>\r\n"  # hostile.c, inject
# case: (mx_starttls, the error after "mail: MX [ADDR]: ", the bound in ms
# that ends the probe: None for a peer that ends it itself, at once)
SMTP_CASES = {
    "endless": ("unreachable", r"the greeting: reply line over %d bytes"
                % SMTP["SMTP_MAX_LINE"], None),
    "421": ("unreachable", r"421 at connect", None),
    "454": ("none", r"STARTTLS answered 454", None),
    "garbage": ("none", r"TLS handshake failed: .+", None),
    "inject": ("none", r"%d bytes after the STARTTLS reply, before TLS"
               % len(SMTP_INJECTED), None),
    "tarpit": ("unreachable", r"the greeting not complete within %d ms"
               % SMTP["SMTP_BANNER_TIMEOUT_MS"], SMTP["SMTP_BANNER_TIMEOUT_MS"]),
    "drop": ("unreachable", r"connection closed while waiting for the EHLO reply", None),
}
SMTP_ORDER = ["control"] + list(SMTP_CASES)   # hostile.c's smtp_names[]
SMTP_CONTROL = {"dns_status": "ok", "mx_count": 1, "mx_tested": 1, "mx_starttls": "all",
                "mx_tls_version": "TLSv1.3", "mx_cert_verify": "ok", "mx_dane": "none",
                "mail_error": None}
# Slack over a bound: DNS of the domain and its MX host, a loaded machine.
SMTP_SLACK_MS = 3000
# A peer that ends the probe itself must be done before any phase's own
# bound could have fired (the shortest: connect, handshake).
SMTP_QUICK_MS = min(SMTP["SMTP_CONNECT_TIMEOUT_MS"], SMTP["SMTP_HANDSHAKE_TIMEOUT_MS"])
# The crawl: the longest case's bound, QUIT's courtesy wait, and slack.
SMTP_CRAWL_BOUND_S = (max(b or 0 for _, _, b in SMTP_CASES.values()) +
                      SMTP["SMTP_QUIT_TIMEOUT_MS"] + SMTP_SLACK_MS) / 1000.0
# blocked: kind -> (address listened on or None, the range the error names)
BLOCKED = {
    "loop4": ("127.0.0.1", "127.0.0.0/8 loopback"),
    "priv4": ("10.200.0.1", "10.0.0.0/8 private-use"),
    "ll4": ("169.254.200.1", "169.254.0.0/16 link-local"),
    "loop6": ("::1", "::1/128 loopback"),
    "ula6": ("fd00:200::1", "fc00::/7 unique-local"),
    "ll6": (None, "fe80::/10 link-local"),
    "mapped": (None, "127.0.0.0/8 loopback"),
    "nat64": (None, "64:ff9b::/96 NAT64"),
    "compat": (None, "::/96 deprecated IPv4-compatible"),
    "sitelocal": ("fec0::200:1", "fec0::/10 deprecated site-local"),
    "cname4": (None, "127.0.0.0/8 loopback"),
    "cname6": (None, "::/96 deprecated IPv4-compatible"),
    "cnamepriv": (None, "10.0.0.0/8 private-use"),
}


def cpu_of(stderr):
    """User + system seconds from /usr/bin/time -v."""
    u = re.search(r"User time \(seconds\): ([\d.]+)", stderr)
    s = re.search(r"System time \(seconds\): ([\d.]+)", stderr)
    return float(u.group(1)) + float(s.group(1)) if u and s else None


def sh(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, **kw)


def make_pki(d):
    ca_key, ca, key, csr, crt = (os.path.join(d, n) for n in
                                 ("ca.key", "ca.pem", "leaf.key", "leaf.csr", "leaf.pem"))
    ext = os.path.join(d, "leaf.ext")
    sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", ca_key, "-out", ca, "-days", "30",
        "-subj", "/O=Hostile Test/CN=Hostile Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign"])
    sh(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=hostile.test"])
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:*.hostile.test\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    sh(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
        "-CAcreateserial", "-days", "30", "-extfile", ext, "-out", crt])
    # bigdh: DHE suites are signed with RSA
    rkey, rcsr, rcrt = (os.path.join(d, n) for n in ("rsa.key", "rsa.csr", "rsa.pem"))
    sh(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", rkey, "-out", rcsr,
        "-subj", "/CN=hostile.test"])
    sh(["openssl", "x509", "-req", "-in", rcsr, "-CA", ca, "-CAkey", ca_key,
        "-CAcreateserial", "-days", "30", "-extfile", ext, "-out", rcrt])
    return ca, crt, key


def crawl(bdir, d, names, tag, extra=(), allow=True, probes="dns,tls,http"):
    lst = os.path.join(d, tag + ".txt")
    with open(lst, "w") as f:
        f.write("\n".join(names) + "\n")
    out = os.path.join(d, tag + ".snap")
    # Under ASan, freed memory waits in a quarantine (256 MB by default)
    # and would read as growth: keep it small so RSS means live memory.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(x for x in (env.get("ASAN_OPTIONS"),
                                               "quarantine_size_mb=4") if x)
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v", os.path.join(bdir, "crawler", "uptake-crawl"),
                        "--list", lst, "--list-format", "plain", "--out", out,
                        "--resolver", DNS, "--probes", probes]
                       + (["--allow-prefix", "203.0.113.0/24"] if allow else []) + [
                        "--ca-file", os.path.join(d, "ca.pem"),
                        "--timeout", "60", "--query-timeout", "1000", "--query-tries", "2",
                        "--concurrency", "100"] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env)
    el = time.monotonic() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    rows = []
    if r.returncode == 0:
        dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl", out],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
        rows = [json.loads(x) for x in dump.splitlines() if x.strip()]
    return r, el, int(m.group(1)) if m else None, rows


def check_rows(tap, by, case, want, err, label=""):
    row = by.get(case)
    if not tap.ok(row is not None, "%s%s: has a row" % (case, label)):
        return
    for col, v in want.items():
        tap.eq(row.get(col), v, "%s%s: %s" % (case, label, col))
    if err is not None:
        tap.ok(row.get("error") is not None and re.search(err, row["error"]),
               "%s%s: error %r matches %r" % (case, label, row.get("error"), err))


def cpu_round(tap, bdir, d, cpu, first):
    """Crawl every CPU case once; keep each case's least CPU in cpu."""
    for case in ["control"] + list(CPU_CASES):
        names = ["%s-%d.hostile.test" % (case, i) for i in range(CPU_N[case])]
        r, el, _, rows = crawl(bdir, d, names, "cpu-" + case)
        c = cpu_of(r.stderr)
        if c is not None and (cpu.get(case) is None or c < cpu[case]):
            cpu[case] = c
        elif case not in cpu:
            cpu[case] = c
        if not first:
            continue
        tap.eq(r.returncode, 0, "cpu %s: crawl exits 0 (%.1f s, %s s CPU)"
               % (case, el, c))
        if r.returncode != 0:
            tap.diag(r.stderr[-2000:])
        by = {x["domain"]: x for x in rows}
        for n in names:
            if case == "control":
                check_rows(tap, by, n, CONTROL, None)
            else:
                check_rows(tap, by, n, *CPU_CASES[case])


def cpu_bounds(cpu):
    """(bigdh ok, sectxtdrip ok, drip ok, base, expect, per_seg, big, small)."""
    base_all = cpu["control"]
    base = base_all / CPU_N["control"]
    per_seg = max(cpu["bodydrip"] - base, 0.0) / SEGMENTS["bodydrip"]
    expect = base + per_seg * SEGMENTS["sectxtdrip"]
    big, small = cpu["drip"] - base, max(cpu["dripsmall"] - base, 0.01)
    return (cpu["bigdh"] <= CPU_MULT * base_all,
            cpu["sectxtdrip"] <= DRIP_MULT * expect,
            big <= SCALE_MULT * small, base, expect, per_seg, big, small)


def part_cpu(tap, bdir, d):
    """The linear-CPU cases against control sites (see CPU_N)."""
    cpu = {}
    cpu_round(tap, bdir, d, cpu, True)
    if not tap.ok(all(v is not None for v in cpu.values()), "cpu: every crawl timed"):
        return
    for rnd in range(1, CPU_ROUNDS):
        if all(cpu_bounds(cpu)[:3]):
            break
        tap.diag("cpu: a ratio over its bound in round %d, crawling again" % rnd)
        cpu_round(tap, bdir, d, cpu, False)
    base = cpu["control"]
    tap.diag("crawler CPU (user+sys): %s" % ", ".join(
        "%s %.3f s for %d" % (k, v, CPU_N[k]) for k, v in cpu.items()))
    tap.ok(cpu["bigdh"] <= CPU_MULT * base,
           "bigdh: %.3f s CPU within %.1fx of %d control sites' %.3f s"
           % (cpu["bigdh"], CPU_MULT, CPU_N["control"], base))
    # the fixed cost of a crawl of one domain: a control crawl's, per domain
    base = base / CPU_N["control"]
    # Each segment costs a wakeup and a read: the per-segment cost from
    # bodydrip (its body of HOSTILE_SECTXT_BODY bytes, one per TLS record
    # and segment), scaled to each drip case's segment count (drip's are
    # plain TCP, cheaper than a record each: the bound is generous to it).
    per_seg = max(cpu["bodydrip"] - base, 0.0) / SEGMENTS["bodydrip"]
    expect = base + per_seg * SEGMENTS["sectxtdrip"]
    tap.ok(cpu["sectxtdrip"] <= DRIP_MULT * expect,
           "sectxtdrip: %.3f s CPU within %.2fx of %.3f s (control %.3f s + %d segments "
           "x %.1f us, the cost per segment of bodydrip)"
           % (cpu["sectxtdrip"], DRIP_MULT, expect, base, SEGMENTS["sectxtdrip"],
              per_seg * 1e6))
    big, small = cpu["drip"] - base, max(cpu["dripsmall"] - base, 0.01)
    tap.ok(big <= SCALE_MULT * small,
           "drip: %.3f s CPU for a %d-byte head within %.1fx of %.3f s for a %d-byte one "
           "(each less a control site's %.3f s): %.1fx"
           % (cpu["drip"], SEGMENTS["drip"], SCALE_MULT, cpu["dripsmall"],
              SEGMENTS["dripsmall"], base, big / small))


def part_blocked(tap, bdir, d):
    """Names pointing at blocked addresses: none contacted, each row says so."""
    listeners = []
    for kind, (addr, _) in BLOCKED.items():
        if addr is None or any(a == addr for a, _ in listeners):
            continue
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        if addr not in ("127.0.0.1", "::1"):
            subprocess.run(["ip"] + (["-6"] if fam == socket.AF_INET6 else []) +
                           ["addr", "add", addr + ("/128" if fam == socket.AF_INET6 else "/32"),
                            "dev", "lo"] + (["nodad"] if fam == socket.AF_INET6 else []),
                           stderr=subprocess.DEVNULL)
        for port in (443, 80):
            sk = socket.socket(fam, socket.SOCK_STREAM)
            sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sk.bind((addr, port))
                sk.listen(16)
                sk.setblocking(False)
                listeners.append((addr, sk))
                tap.ok(True, "listening on [%s]:%d" % (addr, port))
            except OSError as e:
                tap.ok(False, "listening on [%s]:%d: %s" % (addr, port, e))
                sk.close()
    names = ["blk-%s.hostile.test" % k for k in BLOCKED]
    # The default blocklist: no --allow-prefix at all.
    r, el, _, rows = crawl(bdir, d, names, "blocked", allow=False)
    tap.eq(r.returncode, 0, "blocked: crawl exits 0 (%.1f s)" % el)
    if r.returncode != 0:
        tap.diag(r.stderr[-2000:])
    by = {x["domain"]: x for x in rows}
    for kind, (_, why) in BLOCKED.items():
        n = "blk-%s.hostile.test" % kind
        row = by.get(n)
        if not tap.ok(row is not None, "%s: has a row" % n):
            continue
        tap.eq(row.get("dns_status"), "ok", "%s: dns_status" % n)
        tap.ok(row.get("web_ipv4") is not None or row.get("web_ipv6") is not None,
               "%s: the address is recorded (%s %s)" % (n, row.get("web_ipv4"),
                                                       row.get("web_ipv6")))
        for c in ("tls_status", "http_status", "http_redirects_https", "security_txt"):
            tap.eq(row.get(c), None, "%s: %s null (not contacted)" % (n, c))
        tap.ok((row.get("error") or "").startswith("blocked: ") and why in row["error"],
               "%s: error %r says blocked: %s" % (n, row.get("error"), why))
    for addr, sk in listeners:
        try:
            c, peer = sk.accept()
            c.close()
            tap.ok(False, "no connection reached [%s]:%d (one came from %s)"
                   % (addr, sk.getsockname()[1], peer))
        except BlockingIOError:
            tap.ok(True, "no connection reached [%s]:%d" % (addr, sk.getsockname()[1]))
        sk.close()


def part_mail(tap, bdir, d):
    """The hostile SMTP peers in one crawl, a control domain after each."""
    names = []
    for i, c in enumerate(SMTP_CASES):
        names += ["smtp-%s.hostile.test" % c, "smtp-control-%d.hostile.test" % i]
    r, el, _, rows = crawl(bdir, d, names, "mail", probes="dns,mail")
    tap.eq(r.returncode, 0, "mail: crawl exits 0")
    if r.returncode != 0:
        tap.diag(r.stderr[-2000:])
    m = re.search(r"uptake-crawl: mail: .*", r.stderr)
    tap.diag(m.group(0) if m else "mail: no mail line in the summary")
    tap.ok(el <= SMTP_CRAWL_BOUND_S, "mail: the crawl of %d domains ends in %.1f s (bound "
           "%.1f s: the tarpit's greeting bound, QUIT, slack)"
           % (len(names), el, SMTP_CRAWL_BOUND_S))
    tap.eq(len(rows), len(names), "mail: one row per domain")
    by = {x["domain"]: x for x in rows}
    for c, (starttls, err, bound) in SMTP_CASES.items():
        n = "smtp-%s.hostile.test" % c
        row = by.get(n)
        if not tap.ok(row is not None, "smtp %s: has a row" % c):
            continue
        tap.eq(row.get("dns_status"), "ok", "smtp %s: dns_status" % c)
        tap.eq(row.get("mx_tested"), 1, "smtp %s: mx_tested" % c)
        tap.eq(row.get("mx_starttls"), starttls, "smtp %s: mx_starttls" % c)
        for col in ("mx_tls_version", "mx_cert_verify"):
            tap.eq(row.get(col), None, "smtp %s: %s null (no TLS completed)" % (c, col))
        tap.eq(row.get("mx_dane"), "none", "smtp %s: mx_dane" % c)
        full = r"^mail: mx-%s\.hostile\.test \[203\.0\.113\.%d\]: %s$" % (
            c, SMTP_BASE + SMTP_ORDER.index(c), err)
        tap.ok(re.search(full, row.get("mail_error") or ""),
               "smtp %s: mail_error %r matches %r" % (c, row.get("mail_error"), full))
        ms = row.get("mail_ms")
        if bound is None:
            tap.ok(ms is not None and ms < SMTP_QUICK_MS,
                   "smtp %s: mail_ms %s under %d ms (the peer ended it, no bound needed)"
                   % (c, ms, SMTP_QUICK_MS))
        else:
            tap.ok(ms is not None and bound <= ms <= bound + SMTP_SLACK_MS,
                   "smtp %s: mail_ms %s cut by its %d ms bound (slack %d ms)"
                   % (c, ms, bound, SMTP_SLACK_MS))
    for i, _ in enumerate(SMTP_CASES):
        n = "smtp-control-%d.hostile.test" % i
        row = by.get(n, {})
        for col, v in SMTP_CONTROL.items():
            tap.eq(row.get(col), v, "smtp control-%d: %s" % (i, col))
        tap.ok((row.get("mail_ms") or SMTP_QUICK_MS) < SMTP_QUICK_MS,
               "smtp control-%d: mail_ms %s under %d ms (not held up by its neighbours)"
               % (i, row.get("mail_ms"), SMTP_QUICK_MS))


def part_tlspolicy(tap, bdir, d):
    names = []
    for i, c in enumerate(TLSPOL_CASES):
        names += ["%s.hostile.test" % c, "control-%d.hostile.test" % i]
    r, el, _, rows = crawl(bdir, d, names, "tlspolicy", probes="dns,tls,http,tlspolicy")
    tap.eq(r.returncode, 0, "tlspolicy crawl exits 0")
    if r.returncode != 0:
        tap.diag(r.stderr[-2000:])
    tap.ok(el <= CRAWL_BOUND_S + TLSPOL_STALL_S,
           "tlspolicy crawl ends in %.1f s (bound %d s)" % (el, CRAWL_BOUND_S + TLSPOL_STALL_S))
    tap.eq(len(rows), len(names), "tlspolicy crawl: one row per domain")
    by = {x["domain"]: x for x in rows}
    for c, (want, err) in TLSPOL_CASES.items():
        check_rows(tap, by, "%s.hostile.test" % c, want, err)
        row = by.get("%s.hostile.test" % c, {})
        tap.ok((row.get("tls_ms") or 0) < TLSPOL_STALL_S * 1000,
               "%s: the web stage's handshake not held by the scan (%s ms)"
               % (c, row.get("tls_ms")))
    for i, _ in enumerate(TLSPOL_CASES):
        check_rows(tap, by, "control-%d.hostile.test" % i, TLSPOL_CONTROL, None)


def part_h2(tap, bdir, d):
    names = []
    for i, c in enumerate(H2_CASES):
        names += ["%s.hostile.test" % c, "control-%d.hostile.test" % i]
    r, el, _, rows = crawl(bdir, d, names, "h2")
    tap.eq(r.returncode, 0, "h2 crawl exits 0")
    if r.returncode != 0:
        tap.diag(r.stderr[-2000:])
    tap.ok(el <= CRAWL_BOUND_S, "h2 crawl ends in %.1f s (bound %d s)" % (el, CRAWL_BOUND_S))
    tap.eq(len(rows), len(names), "h2 crawl: one row per domain")
    by = {x["domain"]: x for x in rows}
    for c, (want, err) in H2_CASES.items():
        check_rows(tap, by, "%s.hostile.test" % c, want, err)
    for i, _ in enumerate(H2_CASES):
        check_rows(tap, by, "control-%d.hostile.test" % i, CONTROL, None)
    # memory: H2_N of each case against as many controls
    opts = ("--concurrency", "50", "--conns-per-addr", "50")
    ctl = ["control-%d.hostile.test" % i for i in range(H2_N * len(H2_CASES))]
    hos = ["%s-%d.hostile.test" % (c, i) for c in H2_CASES for i in range(H2_N)]
    rc, elc, rss_c, rows_c = crawl(bdir, d, ctl, "h2ctl", opts)
    rh, elh, rss_h, rows_h = crawl(bdir, d, hos, "h2many", opts)
    tap.eq((rc.returncode, rh.returncode), (0, 0), "h2 RSS crawls exit 0")
    tap.eq((len(rows_c), len(rows_h)), (len(ctl), len(hos)), "h2 RSS crawls: one row each")
    tap.ok(elh <= CRAWL_BOUND_S, "h2 cases x%d end in %.1f s (bound %d s)"
           % (H2_N, elh, CRAWL_BOUND_S))
    tap.ok(rss_c is not None and rss_h is not None and rss_h <= rss_c + RSS_SLACK_KB,
           "h2 peak RSS: %s KiB for %d hostile h2 domains vs %s KiB for %d controls "
           "(slack %d KiB)" % (rss_h, len(hos), rss_c, len(ctl), RSS_SLACK_KB))
    byh = {x["domain"]: x for x in rows_h}
    for c, (want, err) in H2_CASES.items():
        bad = [n for n in hos if n.startswith(c + "-") and
               any(byh.get(n, {}).get(k) != v for k, v in want.items())]
        tap.eq(bad, [], "%s x%d: every row as the single one" % (c, H2_N))


def main():
    if len(sys.argv) < 2 or any(p not in PARTS for p in sys.argv[2:]):
        print(__doc__, file=sys.stderr)
        return 2
    bdir = os.path.abspath(sys.argv[1])
    parts = sys.argv[2:] or PARTS
    tap = Tap()
    d = tempfile.mkdtemp(prefix="uptake-hostile.")
    for a in ADDRS:
        subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                       stderr=subprocess.DEVNULL)
    make_pki(d)
    rsa = ["--rsa-cert", os.path.join(d, "rsa.pem"), "--rsa-key", os.path.join(d, "rsa.key")]
    bomb = os.path.join(d, "bomb.gz")
    # 1 GiB of zeros in about 1 MB: what a client that inflates would face
    with open(bomb, "wb") as f:
        p1 = subprocess.Popen(["head", "-c", str(1 << 30), "/dev/zero"], stdout=subprocess.PIPE)
        subprocess.run(["gzip", "-9"], stdin=p1.stdout, stdout=f, check=True)
        p1.wait()
    ready = os.path.join(d, "ready")
    srv = subprocess.Popen([os.path.join(bdir, "tests", "hostile"),
                            "--cert", os.path.join(d, "leaf.pem"),
                            "--key", os.path.join(d, "leaf.key"),
                            "--bomb", bomb, "--ready", ready] + rsa)
    try:
        for _ in range(100):
            if os.path.exists(ready) or srv.poll() is not None:
                break
            time.sleep(0.05)
        if not tap.ok(os.path.exists(ready), "hostile server is up"):
            return tap.done()

        # Three crawls, each case between control sites: the web cases;
        # the DNS cases but dns-oversized; dns-oversized alone (its TCP
        # retry is refused: only its own queries may fail, crawler/engine/query.c).
        groups = [[c for c in CASES if not c.startswith("dns-")],
                  ["dns-malformed", "dns-truncated", "dns-mismatch"],
                  ["dns-oversized"]] if "cases" in parts else []
        for gi, group in enumerate(groups):
            names = []
            for i, c in enumerate(group):
                names += ["%s.hostile.test" % c, "control-%d.hostile.test" % i]
            r, el, _, rows = crawl(bdir, d, names, "cases%d" % gi)
            tap.eq(r.returncode, 0, "crawl %d exits 0" % gi)
            if r.returncode != 0:
                tap.diag(r.stderr[-2000:])
            tap.ok(el <= CRAWL_BOUND_S, "crawl %d of %s ends in %.1f s (bound %d s)"
                   % (gi, ",".join(group), el, CRAWL_BOUND_S))
            tap.eq(len(rows), len(names), "crawl %d: one row per domain" % gi)
            by = {x["domain"]: x for x in rows}
            for c in group:
                want, err = CASES[c]
                row = by.get("%s.hostile.test" % c)
                if not tap.ok(row is not None, "%s: has a row" % c):
                    continue
                for col, v in want.items():
                    tap.eq(row.get(col), v, "%s: %s" % (c, col))
                if err is not None:
                    tap.ok(row.get("error") is not None and re.search(err, row["error"]),
                           "%s: error %r matches %r" % (c, row.get("error"), err))
                if c.startswith("dns-"):
                    tap.ok(row.get("dns_status") in DNS_STATUS_BAD,
                           "%s: dns_status %r is a failure" % (c, row.get("dns_status")))
                tap.ok((row.get("dns_ms") or 0) <= CRAWL_BOUND_S * 1000,
                       "%s: dns stage %s ms within the bound" % (c, row.get("dns_ms")))
            for i, _ in enumerate(group):
                row = by.get("control-%d.hostile.test" % i, {})
                for col, v in CONTROL.items():
                    name = "control-%d (crawl %d): %s" % (i, gi, col)
                    tap.eq(row.get(col), v, name)

        if "tlspolicy" in parts:
            part_tlspolicy(tap, bdir, d)
        if "h2" in parts:
            part_h2(tap, bdir, d)
        if "mail" in parts:
            part_mail(tap, bdir, d)
        if "cpu" in parts:
            part_cpu(tap, bdir, d)
        if "blocked" in parts:
            part_blocked(tap, bdir, d)
        if "rss" not in parts:
            tap.ok(srv.poll() is None, "hostile server still running")
            return tap.done()

        # RSS: the heavy cases SMALL and SCALE times over, same window.
        def heavy(n):
            return ["%s-%d.hostile.test" % (HEAVY[i % len(HEAVY)], i) for i in range(n)]
        opts = ("--concurrency", "50", "--conns-per-addr", "50")
        rs, els, rss_small, rows_s = crawl(bdir, d, heavy(SMALL), "small", opts)
        r2, el2, rss_big, rows2 = crawl(bdir, d, heavy(SCALE), "scale", opts)
        tap.eq((rs.returncode, r2.returncode), (0, 0), "RSS crawls exit 0")
        tap.eq((len(rows_s), len(rows2)), (SMALL, SCALE), "RSS crawls: one row each")
        tap.diag("max RSS: %s KiB for %d hostile domains (%.1f s), %s KiB for %d (%.1f s)"
                 % (rss_small, SMALL, els, rss_big, SCALE, el2))
        tap.ok(rss_small is not None and rss_big is not None and
               rss_big <= rss_small + RSS_SLACK_KB,
               "peak RSS flat: %s KiB for %d domains vs %s KiB for %d (slack %d KiB)"
               % (rss_big, SCALE, rss_small, SMALL, RSS_SLACK_KB))
        tap.ok(srv.poll() is None, "hostile server still running (it was the crawler "
               "that had to cope)")
    finally:
        srv.terminate()
        srv.wait()
        subprocess.run(["rm", "-rf", d])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
