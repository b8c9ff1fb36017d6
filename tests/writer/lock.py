#!/usr/bin/env python3
"""One writer per shard of a snapshot directory (issue 14 point 1).

A second writer of the same shard, an unsharded writer beside a sharded
one and a sharded writer beside an unsharded one are refused (exit 2) with
a line naming the running process; two shards of one crawl write into one
directory at once and their union is the list exactly once; a writer
killed with SIGKILL leaves no lock that blocks the resume.  No servers:
the resolver is a silent loopback socket, so a crawl lasts as long as its
queries take to time out.

  lock.py UPTAKE_CRAWL UPTAKE_DUMP
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from wcommon import (Tap, crawl_cmd, dump_rows, lines, run,  # noqa: E402
                     silent_resolver, temps, write_list)

# A slow crawl: 80 names, 2 at a time, each about 0.3 s of queries timing out: 10 s or more.
SLOW = ["--query-timeout", "300", "--concurrency", "2", "--timeout", "5"]
SLOW_NAMES = 80
# How long a refused writer may take to say so.
REFUSE_TIMEOUT_S = 20
# --rtr-wait of a refused writer whose RTR cache never answers.
RTR_WAIT_S = 20


def start(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_started(out, proc, timeout=10):
    """Until the writer has opened its directory (and taken its lock)."""
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        if os.path.isdir(out):
            time.sleep(0.5)
            break
        time.sleep(0.05)
    return proc.poll() is None


def refused(t, p, pid, what):
    ls = lines(p.stderr)
    t.ok(p.returncode == 2, "%s: exit 2" % what,
         "rc %d: %s" % (p.returncode, p.stderr[-800:]))
    t.ok(len(ls) == 1 and ("pid %d" % pid) in ls[0],
         "%s: one line naming the running writer (pid %d)" % (what, pid),
         p.stderr[-800:])


def main():
    crawler, dump = sys.argv[1:3]
    t = Tap()
    sock, resolver = silent_resolver()
    with tempfile.TemporaryDirectory(prefix="uptake-lock.") as tmp:
        lst = os.path.join(tmp, "list.txt")
        names = write_list(lst, SLOW_NAMES)
        want = list(enumerate(names))

        # 1. The same shard twice; then an unsharded writer beside it.
        out = os.path.join(tmp, "same")
        a = start(crawl_cmd(crawler, lst, out, resolver, "--shard", "0/2",
                            *SLOW))
        t.ok(wait_started(out, a), "first writer of shard 0/2 runs")
        p = run(crawl_cmd(crawler, lst, out, resolver, "--shard", "0/2",
                          *SLOW), timeout=REFUSE_TIMEOUT_S)
        refused(t, p, a.pid, "second writer of shard 0/2")
        p = run(crawl_cmd(crawler, lst, out, resolver, *SLOW),
                timeout=REFUSE_TIMEOUT_S)
        refused(t, p, a.pid, "unsharded writer beside shard 0/2")
        # The refusal comes before any slow start-up (an RTR cache that
        # never answers would be waited for RTR_WAIT_S).
        t0 = time.time()
        p = run(crawl_cmd(crawler, lst, out, resolver, "--shard", "0/2",
                          *SLOW) + ["--probes", "dns,rpki", "--vrps",
                                    "rtr://127.0.0.1:9", "--rtr-wait",
                                    str(RTR_WAIT_S)],
                timeout=REFUSE_TIMEOUT_S + RTR_WAIT_S)
        refused(t, p, a.pid, "second writer of shard 0/2 with an RTR cache")
        t.ok(time.time() - t0 < RTR_WAIT_S / 2,
             "... refused before waiting for the RTR cache (%.1f s)" %
             (time.time() - t0))
        # Another shard of the same crawl is welcome meanwhile.
        b = run(crawl_cmd(crawler, lst, out, resolver, "--shard", "1/2",
                          *SLOW), timeout=120)
        t.ok(b.returncode == 0, "shard 1/2 runs beside shard 0/2",
             b.stderr[-800:])
        a.wait(timeout=120)
        t.ok(a.returncode == 0, "the first writer completes",
             a.stderr.read()[-800:])
        rc, rows, err = dump_rows(dump, out)
        t.ok(rc == 0, "uptake-dump reads the directory", err[-500:])
        t.eq(sorted((r["input_index"], r["domain"]) for r in rows), want,
             "shards 0/2 and 1/2 in one directory: the list exactly once")

        # 2. A sharded writer beside an unsharded one.
        out = os.path.join(tmp, "unsharded")
        a = start(crawl_cmd(crawler, lst, out, resolver, *SLOW))
        t.ok(wait_started(out, a), "unsharded writer runs")
        p = run(crawl_cmd(crawler, lst, out, resolver, "--shard", "1/3",
                          *SLOW), timeout=REFUSE_TIMEOUT_S)
        refused(t, p, a.pid, "shard 1/3 beside an unsharded writer")
        p = run(crawl_cmd(crawler, lst, out, resolver, *SLOW),
                timeout=REFUSE_TIMEOUT_S)
        refused(t, p, a.pid, "a second unsharded writer")
        a.wait(timeout=120)
        t.ok(a.returncode == 0, "the unsharded writer completes")

        # 3. Two shards started together into one fresh directory.
        out = os.path.join(tmp, "together")
        procs = [start(crawl_cmd(crawler, lst, out, resolver, "--shard",
                                 "%d/2" % k, "--part-rows", "3", *SLOW))
                 for k in range(2)]
        for k, pr in enumerate(procs):
            pr.wait(timeout=120)
            t.ok(pr.returncode == 0, "shard %d/2 (started together) exits 0"
                 % k, pr.stderr.read()[-800:])
        rc, rows, err = dump_rows(dump, out)
        t.eq(sorted((r["input_index"], r["domain"]) for r in rows), want,
             "two shards written at once: the list exactly once")

        # 4. kill -9 leaves no lock behind: the resume proceeds.
        out = os.path.join(tmp, "killed")
        a = start(crawl_cmd(crawler, lst, out, resolver, "--part-rows", "2",
                            *SLOW))
        t.ok(wait_started(out, a), "writer to be killed runs")
        time.sleep(1.5)
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=30)
        p = run(crawl_cmd(crawler, lst, out, resolver, "--part-rows", "2",
                          *SLOW), timeout=120)
        t.ok(p.returncode == 0, "resume after kill -9 is not blocked",
             p.stderr[-800:])
        rc, rows, err = dump_rows(dump, out)
        t.eq(sorted((r["input_index"], r["domain"]) for r in rows), want,
             "after kill -9 and resume: the list exactly once")
        t.eq(temps(out), [], "no temporary file left")
    sock.close()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
