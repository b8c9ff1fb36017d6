#!/usr/bin/env python3
"""Counting SMTP connections per server address from the Postfix logs
(scripts/tb/smtp_connections.py) is exact: inside a testbed namespace with
a mail world up, connect a known number of times to every listening
address (openssl s_client -starttls smtp: k times to the k-th address;
posttls-finger once per address in addition) and compare the counts
before and after.  Also checks that bringing the world up made no
connection (readiness is tested with ss, not by connecting).

    scripts/testbed run WORLD -- python3 tests/mail/connections.py
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402

TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
COUNTER = os.path.join(TOP, "scripts", "tb", "smtp_connections.py")
# postlogd writes asynchronously: wait this long at most for the last lines.
SETTLE = 10.0


def counts(state):
    r = subprocess.run([sys.executable, COUNTER, state], stdout=subprocess.PIPE, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def openssl(addr, name):
    hp = "[%s]:25" % addr if ":" in addr else "%s:25" % addr
    r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect", hp,
                        "-servername", name], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    return "Cipher is" in r.stdout.decode(errors="replace")


def finger(state, addr, name):
    cmd = ('mount --bind "$1" /etc/resolv.conf && MAIL_CONFIG="$2" exec posttls-finger '
           '-c -t 10 -T 10 -l may -a "$3" "[$4]:25"')
    r = subprocess.run(["unshare", "-m", "sh", "-c", cmd, "sh",
                        os.path.join(state, "mail", "resolv.conf"),
                        os.path.join(state, "mail", "finger"),
                        "ipv6" if ":" in addr else "ipv4", name],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=40)
    return "TLS connection established" in r.stdout.decode(errors="replace")


def main():
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    with open(os.path.join(state, "mail", "instances")) as f:
        inst = [line.split() for line in f if line.strip()]
    addrs = [(a, name) for name, *aa in inst for a in aa]
    before = counts(state)
    tap.ok(before is not None, "smtp_connections.py reads the logs")
    tap.eq(sorted(before), sorted(a for a, _ in addrs), "one count per listening address")
    tap.eq(sum(before.values()), 0, "starting the world made no SMTP connection")
    want = {}
    for k, (a, name) in enumerate(addrs, 1):
        ok = all([openssl(a, name) for _ in range(k)])
        ok = finger(state, a, name) and ok
        tap.ok(ok, "%s (%s): %d openssl + 1 posttls-finger sessions completed TLS" % (a, name, k))
        want[a] = before[a] + k + 1
    deadline = time.time() + SETTLE
    while True:
        after = counts(state)
        if after == want or time.time() > deadline:
            break
        time.sleep(0.2)
    for a, _ in addrs:
        tap.eq(after.get(a), want[a], "%s: connections counted from its log" % a)
    tap.diag("counts: %s" % json.dumps(after, sort_keys=True))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
