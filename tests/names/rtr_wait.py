#!/usr/bin/env python3
"""RTR caches that are starting (issue 13 point 4).  Needs root: a network
namespace of its own (uptake-rtrwait) with only a
loopback, stayrtr and fake caches listening on 127.0.0.1 inside it.

  - stayrtr started some seconds AFTER the crawler: the crawl waits
    (the wait shown on stderr) and loads the full VRP set (the count the
    crawler reports equals the file's unique VRPs);
  - stayrtr started at once but with no data yet (its VRP file appears
    later): the crawl waits through "No Data Available" and loads the set;
  - no cache at all, a silent cache, a cache answering Cache Reset, a
    cache answering an Error Report: exit 2 within the wait (--rtr-wait)
    with one line naming the cache and what it last answered.

The crawler itself needs no DNS: the "resolver" is a closed port.

  rtr_wait.py UPTAKE_CRAWL WORKDIR
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# A namespace of its own (not the testbed's: it is deleted at the end).
NETNS = "uptake-rtrwait"
ADDR = "127.0.0.1"
# stayrtr's and the fakes' ports inside the namespace; nothing listens on
# DEAD_PORT.
STAY_PORT, SILENT_PORT, RESET_PORT, NODATA_PORT, DEAD_PORT = (
    8282, 8290, 8291, 8292, 8299)
# How long after the crawler stayrtr is started.
LATE_S = 4
# Unique VRPs in the file: both families, a few ASes, nested prefixes.
N4, N6 = 300, 120


def sh(*cmd, **kw):
    return subprocess.run(list(cmd), capture_output=True, text=True, **kw)


def nsexec(*cmd):
    return ["ip", "netns", "exec", NETNS] + list(cmd)


def netns_up():
    sh("ip", "netns", "del", NETNS)
    r = sh("ip", "netns", "add", NETNS)
    if r.returncode != 0:
        return r.stderr.strip()
    r = sh(*nsexec("ip", "link", "set", "lo", "up"))
    return r.stderr.strip() if r.returncode != 0 else None


def write_vrps(path):
    roas = []
    for i in range(N4):
        roas.append({"asn": 64496 + i % 7,
                     "prefix": "10.%d.%d.0/24" % (i // 250, i % 250),
                     "maxLength": 24 + i % 3, "ta": "names"})
    for i in range(N6):
        roas.append({"asn": 64510 + i % 5,
                     "prefix": "2001:db8:%x::/48" % i,
                     "maxLength": 48 + i % 2, "ta": "names"})
    doc = {"metadata": {"buildmachine": "uptake-test",
                        "buildtime": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                   time.gmtime()),
                        "roas": len(roas), "vrps": len(roas),
                        "uniquevrps": len(roas)},
           "roas": roas, "bgpsec_keys": [], "aspas": []}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, path)
    return len(roas)


def stayrtr(vrps, port, log):
    return subprocess.Popen(nsexec(
        "stayrtr", "-bind", "%s:%d" % (ADDR, port), "-cache", vrps,
        "-checktime=false", "-metrics.addr", "", "-refresh", "1",
        "-loglevel", "info"), stdin=subprocess.DEVNULL,
        stdout=open(log, "w"), stderr=subprocess.STDOUT)


def fake(mode, port):
    p = subprocess.Popen(nsexec(sys.executable, os.path.join(HERE, "fake_rtr.py"),
                                mode, ADDR, str(port)),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    p.stdout.readline()     # "ready"
    return p


def crawl(crawler, work, name, port, wait=None):
    lst = os.path.join(work, "list.txt")
    with open(lst, "w") as f:
        f.write("example.com\n")
    cmd = [crawler, "--list", lst, "--out", os.path.join(work, name),
           "--resolver", ADDR + ":9", "--probes", "dns,rpki",
           "--vrps", "rtr://%s:%d" % (ADDR, port), "--query-timeout", "50",
           "--query-tries", "1", "--timeout", "2", "--verbose"]
    if wait is not None:
        cmd += ["--rtr-wait", str(wait)]
    return subprocess.Popen(nsexec(*cmd), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(p, limit):
    t0 = time.monotonic()
    try:
        out, err = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, err, time.monotonic() - t0


def loaded(err):
    m = re.search(r"vrps rtr://\S+: (\d+) VRPs", err)
    return int(m.group(1)) if m else None


def stop(p):
    if p is not None and p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    crawler, work = sys.argv[1:3]
    t = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if shutil.which("stayrtr") is None:
        t.ok(False, "stayrtr not found (Debian package stayrtr: run scripts/deps)")
        return t.done()
    why = netns_up()
    if not t.ok(why is None, "network namespace %s" % NETNS, why):
        return t.done()
    vrps = os.path.join(work, "vrps.json")
    nvrps = write_vrps(vrps)
    procs = []
    try:
        # 1. The cache starts LATE_S seconds after the crawler.
        c = crawl(crawler, work, "late", STAY_PORT)
        time.sleep(LATE_S)
        s = stayrtr(vrps, STAY_PORT, os.path.join(work, "stayrtr-late.log"))
        procs.append(s)
        rc, err, _ = finish(c, 120)
        t.ok(rc == 0, "cache started %d s after the crawler: the crawl "
             "completes (default --rtr-wait)" % LATE_S, err[-2000:])
        t.eq(loaded(err), nvrps, "  the full VRP set is loaded")
        t.ok("waiting for the cache (connection refused)" in err,
             "  the wait is shown on stderr", err[-2000:])
        stop(s)

        # 2. The cache is up at once but has no data yet: its VRP file
        # appears a few seconds later.
        vrps2 = os.path.join(work, "vrps-later.json")
        s = stayrtr(vrps2, STAY_PORT + 1, os.path.join(work, "stayrtr-nodata.log"))
        procs.append(s)
        time.sleep(1)
        c = crawl(crawler, work, "nodata", STAY_PORT + 1, 60)
        time.sleep(LATE_S)
        write_vrps(vrps2)
        rc, err, _ = finish(c, 90)
        t.ok(rc == 0, "cache up with no data yet: the crawl completes once "
             "it has data", err[-2000:])
        t.eq(loaded(err), nvrps, "  the full VRP set is loaded")
        t.ok(re.search(r"waiting for the cache \((Error Report 2, No Data "
                       r"Available|Cache Reset)", err) is not None,
             "  the wait shows that the cache had no data", err[-2000:])
        stop(s)

        # 3. Caches that never give a data set: exit 2 within the wait.
        procs.append(fake("silent", SILENT_PORT))
        procs.append(fake("reset", RESET_PORT))
        procs.append(fake("nodata", NODATA_PORT))
        wait = 3
        for name, port, want in (
                ("never started", DEAD_PORT, "connection refused"),
                ("silent", SILENT_PORT, "no answer to the Reset Query"),
                ("Cache Reset", RESET_PORT, "Cache Reset"),
                ("Error Report", NODATA_PORT,
                 "No Data Available: still validating, try again later")):
            c = crawl(crawler, work, "fail-%d" % port, port, wait)
            rc, err, el = finish(c, 60)
            lines = [l for l in err.splitlines() if "within" in l]
            src = "rtr://%s:%d" % (ADDR, port)
            t.ok(rc == 2, "%s cache: exit 2" % name, err[-1000:])
            t.ok(len(lines) == 1 and src in lines[0] and want in lines[0] and
                 "within %d s" % wait in lines[0],
                 "  one line naming the cache and '%s'" % want, err[-1000:])
            t.ok(el < wait + 3, "  within the wait (%.1f s, --rtr-wait %d)"
                 % (el, wait))
            if lines:
                t.diag(lines[0])
    finally:
        for p in procs:
            stop(p)
        sh("ip", "netns", "del", NETNS)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
