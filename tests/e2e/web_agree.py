#!/usr/bin/env python3
"""The crawler's TLS and HTTP columns against real tools, independent of
any truth file: for every row, `openssl s_client` on the address the crawler
probed (SNI, ALPN h2,http/1.1, status request, -CAfile, -verify_hostname,
-attime T) gives the TLS version, cipher, group, ALPN, OCSP stapling and the
verify result; `curl --http1.1 --resolve` fetches https://HOST/,
/.well-known/security.txt and http://HOST/ and the header verdicts are
parsed from its output (tests/testbed/check_web.py's measure(), written
apart from both the crawler and scripts/tb/webgen.py).  Run inside the
testbed namespace.

    web_agree.py SNAPSHOT_JSONL CA_FILE VALIDATION_TIME
"""

import concurrent.futures
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, HERE)

from tap import Tap  # noqa: E402
import check_web  # noqa: E402
from compare import micros  # noqa: E402


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    ca, T = sys.argv[2], int(sys.argv[3])
    tap = Tap()
    tap.ok(len(rows) > 0, "the crawl wrote rows")

    def one(r):
        addr = r.get("web_ipv4") or r.get("web_ipv6")
        return check_web.measure(r.get("probed_host") or r["domain"], addr, ca, T, r["domain"])

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        results = list(ex.map(one, rows))
    for r, m in zip(rows, results):
        for col in check_web.COLUMNS:
            got = micros(r.get(col)) if col == "cert_not_after" else r.get(col)
            tap.eq(got, m[col], "%s: %s (crawler vs %s)" % (
                r["domain"], col, "curl" if col.startswith(("http", "hsts", "csp", "x_",
                                                              "referrer", "permissions",
                                                              "security")) else "s_client"))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
