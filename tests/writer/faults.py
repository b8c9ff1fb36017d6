#!/usr/bin/env python3
"""Write failures stop the crawl cleanly (issue 14 point 6), and the writer
stops at the last part number (point 5, writer side).

The crawl runs under tests/writer/faultfs.c (LD_PRELOAD), which fails a
write, an fsync or a rename of the snapshot's files.  Each time: exit 3, one
line naming the file, the call and the system's reason; the crawl stopped
probing (fewer rows than names); the parts that exist are whole (uptake-dump
reads them), hold no duplicate, and no temporary file is left; a failed
fsync of the directory says the part is published; the same command
without the fault then completes the snapshot, every name exactly once.
No servers: the resolver is a closed loopback port.

  faults.py UPTAKE_CRAWL UPTAKE_DUMP FAULTFS_SO
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from wcommon import (Tap, crawl_cmd, dump_rows, lines, parts,  # noqa: E402
                     run, temps, write_list)

NAMES = 200
PART_ROWS = 10
EXIT_WRITE_FAILED = 3

# (name, call, path pattern relative to the snapshot dir, nth, errno,
#  strerror, words the line must hold besides the file, call and reason)
CASES = [
    ("write ENOSPC", "write", "/.tmp-part-*", 5, "ENOSPC",
     "No space left on device", []),
    ("write EIO at the first part", "write", "/.tmp-part-*", 1, "EIO",
     "Input/output error", []),
    ("fsync of a part EIO", "fsync", "/.tmp-part-*", 2, "EIO",
     "Input/output error", []),
    ("rename ENOSPC", "rename", "/.tmp-part-*", 3, "ENOSPC",
     "No space left on device", ["part-0000"]),
    ("fsync of the directory EIO", "fsync", "", 2, "EIO",
     "Input/output error", ["published", "part-00001.parquet"]),
]


def crawl(crawler, lst, out, env=None, *extra):
    return run(crawl_cmd(crawler, lst, out, "127.0.0.1:9", "--part-rows",
                         str(PART_ROWS), *extra), env=env)


def check_snapshot(t, dump, out, what, names):
    """The parts are whole and hold no duplicate; returns the rows."""
    rc, rows, err = dump_rows(dump, out)
    t.ok(rc == 0, "%s: uptake-dump reads every part" % what, err[-500:])
    idx = [r["input_index"] for r in rows]
    t.eq(len(idx), len(set(idx)), "%s: no duplicate input_index" % what)
    t.ok(all(names[r["input_index"]] == r["domain"] for r in rows),
         "%s: rows are the list's" % what)
    t.eq(temps(out), [], "%s: no temporary file left" % what)
    return rows


def main():
    crawler, dump, shim = sys.argv[1:4]
    t = Tap()
    asan = os.environ.get("ASAN_OPTIONS", "")
    with tempfile.TemporaryDirectory(prefix="uptake-faults.") as tmp:
        lst = os.path.join(tmp, "list.txt")
        names = write_list(lst, NAMES)
        want = list(enumerate(names))
        for k, (what, call, pat, nth, eno, reason, words) in \
                enumerate(CASES):
            out = os.path.join(tmp, "s%d" % k)
            log = os.path.join(tmp, "faults%d.log" % k)
            env = {"LD_PRELOAD": shim, "FAULTFS_CALL": call,
                   "FAULTFS_PATH": out + pat, "FAULTFS_NTH": str(nth),
                   "FAULTFS_ERRNO": eno, "FAULTFS_LOG": log,
                   # the shim comes before the sanitizer's runtime
                   "ASAN_OPTIONS": (asan + ":" if asan else "") +
                   "verify_asan_link_order=0"}
            p = crawl(crawler, lst, out, env)
            injected = open(log).read() if os.path.exists(log) else ""
            t.ok(injected != "", "%s: the fault was injected" % what)
            t.eq(p.returncode, EXIT_WRITE_FAILED, "%s: exit %d" %
                 (what, EXIT_WRITE_FAILED))
            fname = injected.split(" ", 1)[1].strip() if injected else "?"
            why = [x for x in lines(p.stderr) if reason in x and
                   fname in x and call in x and
                   all(w in x for w in words)]
            t.ok(len(why) >= 1, "%s: a line names %s, %s, %r %s" %
                 (what, os.path.basename(fname), call, reason,
                  " ".join(words)), p.stderr[-1500:])
            t.ok(any("stopped" in x and reason in x for x in
                     lines(p.stderr)[-1:]),
                 "%s: the last line says the crawl stopped and why" % what,
                 p.stderr[-800:])
            rows = check_snapshot(t, dump, out, what, names)
            m = re.search(r"(\d+) domains in", p.stderr)
            probed = int(m.group(1)) if m else -1
            t.ok(0 <= probed < NAMES // 2,
                 "%s: the crawl stopped probing (%d of %d domains)" %
                 (what, probed, NAMES), p.stderr[-300:])
            t.eq(len(rows), PART_ROWS * len(parts(out)),
                 "%s: every published part is whole" % what)
            p = crawl(crawler, lst, out)
            t.ok(p.returncode == 0, "%s: the resume without the fault "
                 "completes" % what, p.stderr[-800:])
            rows = check_snapshot(t, dump, out, what + ", resumed", names)
            t.eq(sorted((r["input_index"], r["domain"]) for r in rows),
                 want, "%s, resumed: the list exactly once" % what)

        # The last part number: the writer stops rather than write a part
        # that the readers ignore.
        out = os.path.join(tmp, "partmax")
        p = crawl(crawler, lst, out, None, "--top", str(PART_ROWS))
        t.ok(p.returncode == 0 and len(parts(out)) == 1, "a one-part crawl",
             p.stderr[-800:])
        os.rename(parts(out)[0], os.path.join(out, "part-999999.parquet"))
        p = crawl(crawler, lst, out)
        t.eq(p.returncode, EXIT_WRITE_FAILED,
             "past part-999999: exit %d" % EXIT_WRITE_FAILED)
        t.ok(any("999999" in x and "stopped" in x for x in
                 lines(p.stderr)[-1:]),
             "past part-999999: the last line names the bound",
             p.stderr[-800:])
        t.eq(sorted(os.listdir(out)),
             sorted(n for n in os.listdir(out) if n.startswith(".lock")) +
             ["part-999999.parquet"],
             "past part-999999: no part beyond it, no temporary file")
        rows = check_snapshot(t, dump, out, "past part-999999", names)
        t.eq(len(rows), PART_ROWS, "past part-999999: the old part intact")
        shutil.rmtree(out)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
