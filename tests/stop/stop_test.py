#!/usr/bin/env python3
"""Stopping is safe under load (issue 14, point 8).

    stop_test.py UPTAKE_CRAWL UPTAKE_DUMP WORKDIR

A fake resolver on 127.0.0.1 (fake_resolver.py) answers every domain's
address with a signed-looking answer and never answers DNSKEY or DS, so
that every domain in flight waits on one zone's validation (the root's
key task).  The crawl of ROUNDS lists is interrupted (SIGINT, then
SIGTERM alternately) at varied instants in that state: each run must end
at once with the interrupt's exit status (3), no sanitizer report (the
test also runs on scripts/test's AddressSanitizer build, where a touch of a
freed job or a leak aborts), and a snapshot that uptake-dump reads.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
from tap import Tap  # noqa: E402

DOMAINS = 1500
ROUNDS = 8
EXIT_INTERRUPTED = 3


def main():
    crawl, dump, work = sys.argv[1:4]
    t = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lst = os.path.join(work, "list.txt")
    with open(lst, "w") as f:
        for i in range(DOMAINS):
            f.write("d%d.slow.test\n" % i)
    anchor = os.path.join(work, "anchor")
    with open(anchor, "w") as f:
        f.write(". IN DS 20326 8 2 " + "ab" * 32 + "\n")
    res = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_resolver.py")],
                           stdout=subprocess.PIPE, text=True)
    try:
        port = int(res.stdout.readline())
        env = dict(os.environ)
        for r in range(ROUNDS):
            out = os.path.join(work, "snap%d" % r)
            sig = signal.SIGINT if r % 2 == 0 else signal.SIGTERM
            delay = 0.8 + 0.25 * r
            p = subprocess.Popen([crawl, "--list", lst, "--list-format", "plain",
                                  "--out", out, "--resolver", "127.0.0.1:%d" % port,
                                  "--trust-anchor", anchor, "--probes", "dns,dnssec",
                                  "--concurrency", str(DOMAINS), "--timeout", "60",
                                  "--quiet"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env)
            time.sleep(delay)
            alive = p.poll() is None
            t.ok(alive, "round %d: crawl still waiting on the validation after %.2f s"
                 % (r, delay))
            p.send_signal(sig)
            try:
                _, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                _, err = p.communicate()
                t.ok(False, "round %d: crawl ends within 30 s of %s" % (r, sig.name))
                continue
            san = [ln for ln in err.splitlines()
                   if "Sanitizer" in ln or "runtime error" in ln]
            t.ok(not san, "round %d: no sanitizer report after %s" % (r, sig.name),
                 "\n".join(err.splitlines()[-40:]) if san else None)
            t.eq(p.returncode, EXIT_INTERRUPTED if alive else 0,
                 "round %d: exit status after %s" % (r, sig.name))
            d = subprocess.run([dump, out], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            t.eq(d.returncode, 0, "round %d: uptake-dump reads the snapshot" % r)
    finally:
        res.kill()
        res.wait()
    t.done()


if __name__ == "__main__":
    main()
