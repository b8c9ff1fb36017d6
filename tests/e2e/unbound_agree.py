#!/usr/bin/env python3
"""The crawler's DNSSEC verdict against Unbound's own, independent of any
truth file: for every row whose DNS resolved, ask Unbound (no CD bit) for
the probed host's A: AD set means secure, SERVFAIL means bogus, an answer
without AD means insecure.  Run inside the testbed namespace.

    unbound_agree.py SNAPSHOT_JSONL [RESOLVER]
"""

import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402


def unbound_verdict(resolver, host):
    out = subprocess.run(["dig", "+time=3", "+tries=2", "+dnssec", "@" + resolver, host, "A"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    m = re.search(r"status: (\w+)", out)
    status = m.group(1) if m else "NONE"
    m = re.search(r";; flags: ([a-z ]+);", out)
    flags = set(m.group(1).split()) if m else set()
    if status == "SERVFAIL":
        return "bogus"
    if "ad" in flags:
        return "secure"
    if status in ("NOERROR", "NXDOMAIN"):
        return "insecure"
    return "unknown (%s)" % status


def main():
    resolver = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("UPTAKE_RESOLVER", "192.0.2.53")
    with open(sys.argv[1]) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    tap = Tap()
    checked = 0
    for r in rows:
        if r.get("dns_status") != "ok":
            continue
        checked += 1
        tap.eq(r.get("dnssec_status"), unbound_verdict(resolver, r["probed_host"]),
               "%s: crawler's dnssec_status equals Unbound's verdict" % r["domain"])
    tap.ok(checked > 0, "some rows resolved (%d)" % checked)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
