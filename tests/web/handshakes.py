#!/usr/bin/env python3
"""TLS handshakes per domain, counted in the web servers' own log (issue 20
point 1, "Done when": one TLS handshake per domain for HTTPS in the common
case).

    handshakes.py BUILD_DIR      (run through scripts/testbed run WORLD)

Crawls the world that is up (dns,tls,http, as tests/e2e/crawl_core.sh
does) and reads STATE/web/conns.log, nginx's line per request with its
connection number and $ssl_session_reused (scripts/tb/webgen.py, log
format "conns").  For every domain whose HTTPS server answered (truth
tls_status ok, with an http_status):

- its main address (IPv4, or IPv6 for an IPv6-only host) saw exactly one
  TLS connection, a full handshake, carrying GET / and then every request
  of the security.txt walk (1 + the truth's sectxt_requests), over h2 or
  HTTP/1.1 kept alive (docs/web.md, "One connection");
- full handshakes in all = 1.  The exceptions are counted and named: the
  IPv6 GET of a dual-stack host (step 7, another address) is a second
  connection, resumed where the server gives sessions (the TLS 1.3
  servers) and a full handshake where it does not (the TLS 1.2-only
  servers, tickets off): there the domain has 2.  Step 8's handshakes
  (other addresses, nothing sent) and port 80 are not in this log (no
  request, no TLS); the crawl summary's resumed count covers step 8
  (tests/e2e/compare.py).  A redirect to another host is never followed,
  so it costs no handshake.
"""

import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "testbed"))
from tap import Tap  # noqa: E402


def crawl(bdir, S, out):
    args = [os.path.join(bdir, "crawler", "uptake-crawl"),
            "--list", os.path.join(S, "list.csv"), "--out", os.path.join(out, "snap"),
            "--ca-file", os.path.join(S, "web", "ca.pem"),
            "--resolver", "192.0.2.53", "--trust-anchor", os.path.join(S, "root.key"),
            "--validation-time", open(os.path.join(S, "world.time")).read().strip(),
            "--probes", "dns,tls,http",
            "--allow-prefix", "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
            "--concurrency", "50", "--timeout", "30"]
    preload = os.path.join(S, "web", "hsts_preload.json")
    if os.path.exists(preload):
        args += ["--hsts-preload", preload]
    return subprocess.run(args, capture_output=True, text=True)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bdir = os.path.abspath(sys.argv[1])
    S = os.environ.get("UPTAKE_TESTBED_STATE")
    tap = Tap()
    if not tap.ok(S is not None, "run through scripts/testbed run"):
        return tap.done()
    log = os.path.join(S, "web", "conns.log")
    if not tap.ok(os.path.exists(log), "nginx writes %s (webgen.py)" % log):
        return tap.done()
    truth = {}
    with open(os.path.join(S, "truth.jsonl")) as f:
        for line in f:
            t = json.loads(line)
            truth[t["domain"]] = t
    sites = json.load(open(os.path.join(S, "web", "sites.json")))["sites"]

    # only this crawl's requests (nginx appends to the open file)
    open(log, "w").close()
    with tempfile.TemporaryDirectory(prefix="uptake-hs.") as out:
        r = crawl(bdir, S, out)
    tap.eq(r.returncode, 0, "crawl exits 0")
    if r.returncode != 0:
        tap.diag(r.stderr[-2000:])
        return tap.done()
    time.sleep(0.5)

    # sni -> connection number -> [(addr, reused, protocol, uri)]
    conns = collections.defaultdict(lambda: collections.defaultdict(list))
    with open(log) as f:
        for line in f:
            p = line.split()
            if len(p) != 10 or p[2] != "443":
                continue
            sni, addr, _, conn, reused, _, proto, _, uri, _ = p
            conns[sni][conn].append((addr, reused, proto, uri))

    n = full_total = 0
    exceptions = []
    for d in sorted(truth):
        t, s = truth[d], sites.get(d)
        if s is None or t.get("tls_status") != "ok" or t.get("http_status") is None:
            continue
        n += 1
        host = s["host"]
        main_addr = s["v4"] or s["v6"]
        by = conns.get(host, {})
        main = [c for c, reqs in by.items() if reqs[0][0] == main_addr]
        want = 1 + t.get("sectxt_requests", 1)
        tap.eq(len(main), 1, "%s: one TLS connection to %s (%s)" % (d, main_addr, t.get("tls_alpn")))
        if len(main) == 1:
            reqs = by[main[0]]
            tap.eq([x[3] for x in reqs][:2], ["/", "/.well-known/security.txt"][:min(2, want)],
                   "%s: GET / then security.txt on it" % d)
            tap.eq(len(reqs), want, "%s: every request of the walk on it (1 + %d)"
                   % (d, want - 1))
            tap.eq(reqs[0][1], ".", "%s: its handshake is the full one" % d)
        full = sum(1 for reqs in by.values() if reqs[0][1] == ".")
        full_total += full
        others = [reqs[0][0] for c, reqs in by.items() if c not in main]
        # the IPv6 GET (step 7): another address; resumed when the server
        # gives sessions (TLS 1.3 here), a full handshake when not
        gives = t.get("tls_version") == "TLSv1.3"
        want_full = 1 if gives else 1 + len(others)
        tap.eq(full, want_full, "%s: full TLS handshakes %d" % (d, want_full))
        for a in others:
            tap.ok(a != main_addr, "%s: the other connection went to another address (%s)" % (d, a))
        if want_full != 1:
            exceptions.append("%s (%s without sessions: the IPv6 GET to %s)"
                              % (d, t.get("tls_version"), ",".join(others)))
    tap.ok(n > 0, "%d domains with an HTTPS server" % n)
    tap.diag("%d domains, %d full handshakes (%.2f per domain); more than one: %s"
             % (n, full_total, full_total / max(n, 1), "; ".join(exceptions) or "none"))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
