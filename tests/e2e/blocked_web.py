#!/usr/bin/env python3
"""An address the crawler may not contact is not measured (docs/web.md,
"Blocklist and opt-out"): crawl the world that is up (run through
scripts/testbed run) with one web address in an --opt-out file, and check
that every domain served from it has tls_status, http_status and
http_redirects_https null with the reason in error, and that every other
domain's tls_status still equals the truth (TAP).

    blocked_web.py BUILD_DIR
"""

import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402


def main():
    bdir = sys.argv[1]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    # The crawler connects to the first A address (web_ipv4) when there is
    # one: block the address that serves the most domains with TLS ok.
    served = collections.Counter(t["web_ipv4"] for t in truth
                                 if t.get("web_ipv4") and t.get("tls_status") == "ok")
    addr = served.most_common(1)[0][0]
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        opt = os.path.join(tmp, "optout.txt")
        with open(opt, "w") as f:
            f.write("# blocked_web.py\n%s\n" % addr)
        snap = os.path.join(tmp, "snap")
        r = subprocess.run(
            [os.path.join(bdir, "crawler", "uptake-crawl"), "--list", os.path.join(state, "list.csv"),
             "--out", snap, "--resolver", "192.0.2.53",
             "--trust-anchor", os.path.join(state, "root.key"),
             "--validation-time", open(os.path.join(state, "world.time")).read().strip(),
             "--probes", "dns,tls,http", "--ca-file", os.path.join(state, "web", "ca.pem"),
             "--allow-prefix", "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
             "--opt-out", opt, "--concurrency", "50", "--timeout", "30"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tap.eq(r.returncode, 0, "the crawl with %s opted out ran" % addr)
        dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl", snap],
                              stdout=subprocess.PIPE, text=True)
        rows = {json.loads(line)["domain"]: json.loads(line)
                for line in dump.stdout.splitlines() if line.strip()}
    blocked = 0
    for t in truth:
        r = rows.get(t["domain"])
        if not tap.ok(r is not None, "%s: has a row" % t["domain"]):
            continue
        if t.get("web_ipv4") == addr:
            blocked += 1
            for c in ("tls_status", "http_status", "http_redirects_https", "hsts"):
                tap.eq(r.get(c), None, "%s (served from %s, opted out): %s null" % (t["domain"], addr, c))
            tap.ok("blocked: opted out (--opt-out)" in (r.get("error") or ""),
                   "%s: error says why: %r" % (t["domain"], r.get("error")))
        else:
            tap.eq(r.get("tls_status"), t.get("tls_status"), "%s: tls_status as without the opt-out"
                   % t["domain"])
    tap.ok(blocked >= 2, "%d domains served from the opted-out address" % blocked)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
