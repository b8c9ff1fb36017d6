#!/usr/bin/env python3
"""Each MX address is measured once per crawl (issue 16, point 2), asserted
from the mail servers' own logs.

Inside a testbed of the gen_mailbench.py world (1,000 domains sharing 3
Postfix MX hosts, 5 server addresses; tests/mail/crawl_shared.sh), crawl
every domain with --probes dns,dnssec,mail and check:

- every server address received exactly one SMTP connection during the
  crawl (scripts/tb/smtp_connections.py --since a count taken before): at
  most one is the point; at least one since every address is some
  domain's MX;
- the crawl summary's "SMTP probes sent" is the number of addresses, and
  every domain and address was asked of the MX cache;
- every row's mail columns equal the truth (mx_tested, mx_starttls,
  mx_tls_version, mx_cert_verify, mx_dane, the MTA-STS and TLS-RPT
  columns; mail_error null, or naming the missing MTA-STS policy host
  where the truth says unavailable: every SMTP server is well behaved).

    scripts/testbed run WORLD -- python3 tests/mail/crawl_shared.py BUILD_DIR
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

TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
COUNTER = os.path.join(TOP, "scripts", "tb", "smtp_connections.py")
# postlogd writes asynchronously: wait this long at most for the last lines.
SETTLE = 10.0
COLUMNS = ("mx_tested", "mx_starttls", "mx_tls_version", "mx_cert_verify", "mx_dane",
           "mta_sts_mode", "mta_sts_mx_match", "tlsrpt_valid")
# Mismatching rows printed per column (the rest are counted).
SHOW = 5
SUMMARY = re.compile(r"uptake-crawl: mail: (\d+) domains, (\d+) MX addresses asked, "
                     r"(\d+) SMTP probes sent \((\d+) answered from earlier probes\), "
                     r"(\d+) addresses not contacted")


def counts(state, since=None):
    r = subprocess.run([sys.executable, COUNTER, state] + (["--since", since] if since else []),
                       stdout=subprocess.PIPE, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def main():
    bdir = os.path.abspath(sys.argv[1])
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    out = tempfile.mkdtemp(prefix="uptake-mailshared.")
    before = os.path.join(out, "before.json")
    start = counts(state)
    if not tap.ok(start is not None, "smtp_connections.py reads the logs"):
        return tap.done()
    with open(before, "w") as f:
        json.dump(start, f)
    addrs = sorted(start)
    tap.eq(len(addrs), 5, "the world has 5 MX server addresses")
    with open(os.path.join(state, "world.time")) as f:
        vtime = f.read().strip()
    snap = os.path.join(out, "snap")
    t0 = time.monotonic()
    r = subprocess.run([os.path.join(bdir, "crawler", "uptake-crawl"),
                        "--list", os.path.join(state, "list.csv"), "--out", snap,
                        "--resolver", "192.0.2.53",
                        "--trust-anchor", os.path.join(state, "root.key"),
                        "--validation-time", vtime, "--probes", "dns,dnssec,mail",
                        "--ca-file", os.path.join(state, "web", "ca.pem"),
                        "--allow-prefix",
                        "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32",
                        "--concurrency", "50", "--timeout", "30"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    el = time.monotonic() - t0
    if not tap.eq(r.returncode, 0, "crawl exits 0 (%.1f s)" % el):
        tap.diag(r.stderr[-2000:])
        return tap.done()
    m = SUMMARY.search(r.stderr)
    if tap.ok(m is not None, "the crawl summary has the mail line"):
        tap.diag(m.group(0))
        domains, asked, sent, served, refused = (int(x) for x in m.groups())
        tap.eq(sent, len(addrs), "SMTP probes sent: one per MX address (%d)" % len(addrs))
        tap.eq(domains, 1000, "mail line: 1000 domains")
        tap.eq(served, asked - sent, "every other ask answered from an earlier probe "
               "(%d asked)" % asked)
        tap.eq(refused, 0, "no address left uncontacted")
    # Wait for postlogd: the counts settle at one each, or are shown as
    # they are after SETTLE seconds.
    deadline = time.time() + SETTLE
    while True:
        got = counts(state, before)
        if got == {a: 1 for a in addrs} or time.time() > deadline:
            break
        time.sleep(0.2)
    tap.diag("SMTP connections per address during the crawl: %s"
             % json.dumps(got, sort_keys=True))
    for a in addrs:
        tap.eq(got.get(a), 1, "%s: exactly one SMTP connection during the crawl" % a)

    dump = subprocess.run([os.path.join(bdir, "analysis", "uptake-dump"), "--jsonl", snap],
                          check=True, stdout=subprocess.PIPE, text=True).stdout
    rows = {x["domain"]: x for x in (json.loads(y) for y in dump.splitlines() if y.strip())}
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = {x["domain"]: x for x in (json.loads(y) for y in f if y.strip())}
    tap.eq(len(rows), len(truth), "one row per domain (%d)" % len(truth))
    for col in COLUMNS + ("mail_error",):
        bad = []
        for d, t in sorted(truth.items()):
            got = rows.get(d, {}).get(col, "(no row)")
            if col != "mail_error":
                want = t.get(col)
                ok = got == want
            elif t.get("mta_sts_mode") == "unavailable":
                # No SMTP failure: the one failure is the policy host
                # the world does not have (docs/mail.md, MTA-STS).
                want = "mta-sts: mta-sts.%s: ..." % d
                ok = isinstance(got, str) and \
                    got.startswith("mta-sts: mta-sts.%s: " % d)
            else:
                want = None
                ok = got is None
            if not ok:
                bad.append("%s: got %r, want %r" % (d, got, want))
        tap.ok(not bad, "%s: every row equals the truth (%d rows)" % (col, len(truth)),
               "\n".join(bad[:SHOW] + (["... %d more" % (len(bad) - SHOW)]
                                       if len(bad) > SHOW else [])))
    subprocess.run(["rm", "-rf", out])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
