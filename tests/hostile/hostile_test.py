#!/usr/bin/env python3
"""Hostile peers against the crawler (docs/web.md "Hostile peers").

Run inside a testbed namespace (scripts/testbed run WORLD -- ...):

    hostile_test.py BUILD_DIR

Adds the hostile addresses (203.0.113.200-209 and .253, documentation
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
  a hostile peer sends accumulates.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402

ADDRS = ["203.0.113.%d" % i for i in range(200, 210)] + ["203.0.113.253"]
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
    return ca, crt, key


def crawl(bdir, d, names, tag, extra=()):
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
                        "--resolver", DNS, "--probes", "dns,tls,http",
                        "--allow-prefix", "203.0.113.0/24",
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


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bdir = os.path.abspath(sys.argv[1])
    tap = Tap()
    d = tempfile.mkdtemp(prefix="uptake-hostile.")
    for a in ADDRS:
        subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                       stderr=subprocess.DEVNULL)
    make_pki(d)
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
                            "--bomb", bomb, "--ready", ready])
    try:
        for _ in range(100):
            if os.path.exists(ready) or srv.poll() is not None:
                break
            time.sleep(0.05)
        if not tap.ok(os.path.exists(ready), "hostile server is up"):
            return tap.done()

        # Three crawls, each case between control sites: the web cases;
        # the DNS cases but dns-oversized; dns-oversized alone (its TCP
        # retry is refused: only its own queries may fail, crawler/query.c).
        groups = [[c for c in CASES if not c.startswith("dns-")],
                  ["dns-malformed", "dns-truncated", "dns-mismatch"],
                  ["dns-oversized"]]
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
