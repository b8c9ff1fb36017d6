#!/usr/bin/env python3
"""Count the SMTP connections each testbed mail server address received.

    smtp_connections.py STATE_DIR [--since FILE]

Reads the Postfix logs of the world's mail hosts (STATE_DIR/mail/*/maillog:
each instance logs there through maillog_file, and each address's smtpd
under the name mx/ADDRESS, scripts/tb/mailgen.py) and prints a JSON object
{address: connections} with every listening address of the world, 0 when
none came.  A connection is a "connect from" line of smtpd.  --since FILE:
a count printed before (this script's JSON); the output is the difference,
the connections made since.  Exits 2 when the world has no mail host logs.
"""

import argparse
import glob
import json
import os
import re
import sys

CONNECT = re.compile(r" mx/([0-9A-Fa-f:.]+)/smtpd\[\d+\]: connect from ")


def count(state):
    mail = os.path.join(state, "mail")
    out = {}
    try:
        with open(os.path.join(mail, "instances")) as f:
            for line in f:
                for addr in line.split()[1:]:
                    out[addr] = 0
    except OSError:
        return None
    for log in sorted(glob.glob(os.path.join(mail, "*", "maillog"))):
        with open(log, errors="replace") as f:
            for line in f:
                m = CONNECT.search(line)
                if m:
                    out[m.group(1)] = out.get(m.group(1), 0) + 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("state")
    ap.add_argument("--since", default=None)
    args = ap.parse_args()
    got = count(args.state)
    if got is None:
        print("smtp_connections: no mail hosts in %s (no mail/instances)" % args.state,
              file=sys.stderr)
        return 2
    if args.since:
        with open(args.since) as f:
            before = json.load(f)
        got = {a: n - before.get(a, 0) for a, n in got.items()}
    print(json.dumps(got, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
