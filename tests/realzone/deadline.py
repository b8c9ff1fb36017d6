#!/usr/bin/env python3
"""The per-domain deadline (--timeout) against silent peers: the row
records what the stage saw, whatever the deadline (issue 13 point 3).

    deadline.py BUILD_DIR WORKDIR

Run inside a testbed namespace (scripts/testbed run WORLD -- ...; any
world: only the namespace is used).  Adds extra documentation addresses to
the namespace's loopback and starts on them:

    SILENT_WEB:443, :80   a TCP server that accepts and never speaks
                          (scripts/tb/silent.py)
    SILENT_DNS:53         a UDP/TCP socket that reads queries and never answers
    STUB_DNS:53           a stub resolver: A of every name is SILENT_WEB,
                          every other type NODATA

Then crawls one domain, once per --timeout value:
  - with --resolver STUB_DNS and --probes dns,tls: the TLS handshake never
    completes; --timeout below, equal to and above the web stage's own
    handshake timeout (crawler/web/webprobe.h: WEB_HANDSHAKE_TIMEOUT_MS 5000 ms
    after a connect that succeeds at once): tls_status is timeout each time;
  - with --resolver SILENT_DNS and --probes dns: no reply ever;
    --timeout below one query's timeout, equal to the stage's own bound,
    and above it (crawler/main.c: DEFAULT_QUERY_TIMEOUT_MS 2000 and
    DEFAULT_QUERY_TRIES 3, each try's timeout doubled: 2 + 4 + 8 = 14 s;
    measured: the apex A query timed out after 14.2 s):
    dns_status is timeout each time.
Whenever the deadline falls before the stage's own timeout, error names
the deadline.  Prints TAP.
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "testbed"))
sys.path.insert(0, HERE)

from tap import Tap  # noqa: E402
import invariants  # noqa: E402

# Extra addresses inside the namespace (documentation space, outside every
# world network and the testbed's infrastructure addresses).
SILENT_WEB = "203.0.113.220"
SILENT_DNS = "203.0.113.221"
STUB_DNS = "203.0.113.222"
ADDRESSES = (SILENT_WEB, SILENT_DNS, STUB_DNS)

# The stages' own timeouts (crawler/web/webprobe.h, crawler/main.c).
WEB_HANDSHAKE_S = 5
DNS_QUERY_S, DNS_TRIES = 2, 3
# Each try waits twice as long as the one before (c-ares): 2 + 4 + 8 s.
DNS_STAGE_S = sum(DNS_QUERY_S << k for k in range(DNS_TRIES))
# (--timeout, the deadline cuts the stage): below, equal, above.
TLS_CASES = ((2, True), (WEB_HANDSHAKE_S, True), (WEB_HANDSHAKE_S + 3, False))
DNS_CASES = ((1, True), (DNS_STAGE_S, True), (DNS_STAGE_S + 6, False))
# What a crawl of one domain may take beyond its --timeout (start-up,
# writing the part).
SLACK_S = 3


def stub_resolver(stop):
    """Answer every query: A -> SILENT_WEB, anything else NODATA."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((STUB_DNS, 53))
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            q, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(q) < 12:
            continue
        i = 12
        while i < len(q) and q[i] != 0:
            i += q[i] + 1
        if i + 5 > len(q):
            continue
        qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
        question = q[12:i + 5]
        rd = q[2] & 0x01
        answer = b""
        if qtype == 1:
            answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(SILENT_WEB)
        head = struct.pack("!HBBHHHH", struct.unpack("!H", q[:2])[0], 0x84 | rd, 0x80,
                           1, 1 if answer else 0, 0, 0)
        s.sendto(head + question + answer, peer)
    s.close()


def crawl(bdir, work, name, resolver, probes, timeout):
    d = os.path.join(work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "list.txt"), "w") as f:
        f.write("silent-peer.example\n")
    t0 = time.monotonic()
    r = subprocess.run([os.path.join(bdir, "crawler", "uptake-crawl"),
                        "--list", os.path.join(d, "list.txt"), "--list-format", "plain",
                        "--out", os.path.join(d, "snap"), "--resolver", resolver,
                        "--probes", probes, "--timeout", str(timeout),
                        "--allow-prefix", "203.0.113.0/24", "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.monotonic() - t0
    rows = []
    if r.returncode == 0:
        rows = invariants.load_rows(os.path.join(d, "snap"),
                                    os.path.join(bdir, "analysis", "uptake-dump"))
    return r, rows, took


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    bdir, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    tap = Tap()
    for a in ADDRESSES:
        subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)
    # The pid file says the listeners are up: one left by an earlier run
    # would send the first crawl to a port nobody listens on yet.
    try:
        os.unlink(os.path.join(work, "silent.pid"))
    except FileNotFoundError:
        pass
    silent = subprocess.Popen([sys.executable, os.path.join(TOP, "scripts", "tb", "silent.py"),
                               "--pidfile", os.path.join(work, "silent.pid"),
                               "tcp:%s:443" % SILENT_WEB, "tcp:%s:80" % SILENT_WEB,
                               "udp:%s:53" % SILENT_DNS, "tcp:%s:53" % SILENT_DNS])
    stop = threading.Event()
    stub = threading.Thread(target=stub_resolver, args=(stop,), daemon=True)
    stub.start()
    try:
        for _ in range(300):
            if os.path.exists(os.path.join(work, "silent.pid")):
                break
            time.sleep(0.1)
        tap.ok(os.path.exists(os.path.join(work, "silent.pid")), "the silent servers are up")
        for timeout, cut in TLS_CASES:
            r, rows, took = crawl(bdir, work, "tls-%d" % timeout, STUB_DNS, "dns,tls", timeout)
            what = "silent TLS server, --timeout %d (%s the handshake timeout %d s)" % (
                timeout, "below" if timeout < WEB_HANDSHAKE_S else
                "equal to" if timeout == WEB_HANDSHAKE_S else "above", WEB_HANDSHAKE_S)
            if not tap.ok(r.returncode == 0 and len(rows) == 1, "%s: crawl exits 0, one row" % what,
                          r.stderr.strip()[-500:]):
                continue
            row = rows[0]
            tap.eq(row.get("dns_status"), "ok", "%s: dns_status ok (the stub answered)" % what)
            tap.eq(row.get("web_ipv4"), SILENT_WEB, "%s: web_ipv4" % what)
            tap.eq(row.get("tls_status"), "timeout", "%s: tls_status timeout" % what)
            err = row.get("error") or ""
            if cut:
                tap.ok("deadline" in err, "%s: error names the deadline" % what, "error: %r" % err)
            else:
                tap.ok("deadline" not in err and err != "",
                       "%s: error names the stage's own timeout, not the deadline" % what,
                       "error: %r" % err)
            tap.ok(took <= timeout + SLACK_S, "%s: the crawl took %.1f s (<= %d)"
                   % (what, took, timeout + SLACK_S))
            invariants.tap_report(tap, rows, ["dns", "tls"], None, "%s: " % what)
        for timeout, cut in DNS_CASES:
            r, rows, took = crawl(bdir, work, "dns-%d" % timeout, SILENT_DNS, "dns", timeout)
            own = DNS_STAGE_S
            what = "silent DNS server, --timeout %d (%s the DNS stage's %d s)" % (
                timeout, "below" if timeout < own else "equal to" if timeout == own else "above",
                own)
            if not tap.ok(r.returncode == 0 and len(rows) == 1, "%s: crawl exits 0, one row" % what,
                          r.stderr.strip()[-500:]):
                continue
            row = rows[0]
            tap.eq(row.get("dns_status"), "timeout", "%s: dns_status timeout" % what)
            err = row.get("error") or ""
            if cut:
                tap.ok("deadline" in err, "%s: error names the deadline" % what, "error: %r" % err)
            else:
                tap.ok("deadline" not in err and err != "",
                       "%s: error names the stage's own timeout, not the deadline" % what,
                       "error: %r" % err)
            tap.ok(took <= timeout + SLACK_S, "%s: the crawl took %.1f s (<= %d)"
                   % (what, took, timeout + SLACK_S))
            invariants.tap_report(tap, rows, ["dns"], None, "%s: " % what)
    finally:
        stop.set()
        silent.terminate()
        silent.wait()
        stub.join(2)
        for a in ADDRESSES:
            subprocess.run(["ip", "addr", "del", a + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
