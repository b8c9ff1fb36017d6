#!/usr/bin/env python3
"""special_out.py - the analysis tools' output files that are not regular
files: a FIFO (and so /dev/null, /dev/stdout) is written in place, never
replaced.  Each tool writes a regular file through a temporary name renamed
over it when complete; a rename over a device or FIFO would replace it by
a regular file (run as root, `-o /dev/null` once broke the machine's
/dev/null for every other process).  TAP on stdout.

    special_out.py GEN_SYNTH STATS REPORT COMPLY LISTS PROFILE LIST WORKDIR

As root it also writes to a null device node of its own (mknod c 1 3 in
WORKDIR, what /dev/null is), including the Parquet verdicts, which a FIFO
cannot take (the writer seeks).
"""

import os
import shutil
import stat
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed"))
from tap import Tap  # noqa: E402

# Seconds a tool may take to write a small output (a bound, not a figure).
TIMEOUT_S = 120


def drain(path, got):
    with open(path, "rb") as f:
        got.append(f.read())


def through_fifo(tap, name, argv_of, fifo):
    """Run the tool writing to fifo, read it on a thread; the FIFO must
    still be a FIFO afterwards and must have carried the output."""
    if os.path.lexists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    got = []
    t = threading.Thread(target=drain, args=(fifo, got), daemon=True)
    t.start()
    r = subprocess.run(argv_of(fifo), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=TIMEOUT_S)
    t.join(TIMEOUT_S)
    tap.eq(r.returncode, 0, "%s: exits 0 writing to a FIFO" % name)
    if r.returncode != 0:
        tap.diag(r.stderr[-1000:])
    st = os.lstat(fifo)
    tap.ok(stat.S_ISFIFO(st.st_mode), "%s: the FIFO is still a FIFO" % name)
    tap.ok(bool(got) and len(got[0]) > 0, "%s: the output came through it (%d bytes)"
           % (name, len(got[0]) if got else 0))
    tap.ok(not [x for x in os.listdir(os.path.dirname(fifo)) if ".tmp" in x],
           "%s: no temporary file left beside it" % name)
    os.unlink(fifo)


def through_null(tap, name, argv_of, node):
    """Run the tool writing to a null device node: exit 0, the node still
    the device, nothing left beside it."""
    if os.path.lexists(node):
        os.unlink(node)
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    r = subprocess.run(argv_of(node), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=TIMEOUT_S)
    tap.eq(r.returncode, 0, "%s: exits 0 writing to a null device" % name)
    if r.returncode != 0:
        tap.diag(r.stderr[-1000:])
    st = os.lstat(node)
    tap.ok(stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3),
           "%s: the null device is still the device" % name)
    tap.ok(not [x for x in os.listdir(os.path.dirname(node)) if ".tmp" in x],
           "%s: no temporary file left beside it" % name)
    os.unlink(node)


def main():
    gen_synth, stats, report, comply, lists, profile, blist, work = sys.argv[1:9]
    tap = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    snap = os.path.join(work, "snap")
    meta = os.path.join(work, "meta.csv")
    r = subprocess.run([gen_synth, snap, "2000", "--meta", meta, "--seed", "3"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tap.eq(r.returncode, 0, "gen_synth")
    outdir = os.path.join(work, "out")
    os.makedirs(outdir)
    fifo = os.path.join(outdir, "fifo")
    through_fifo(tap, "uptake-stats -o", lambda p: [stats, snap, "-o", p], fifo)
    through_fifo(tap, "uptake-report -o", lambda p: [report, snap, "-o", p], fifo)
    through_fifo(tap, "uptake-comply -o", lambda p: [comply, snap, "--profile", profile,
                                                    "-o", p], fifo)
    through_fifo(tap, "uptake-comply --verdicts", lambda p: [comply, snap, "--profile",
                                                            profile, "--verdicts", p], fifo)
    through_fifo(tap, "uptake-lists combine -o", lambda p: [lists, "combine", blist, "-o", p],
                 fifo)
    if os.geteuid() == 0:
        node = os.path.join(outdir, "null")
        through_null(tap, "uptake-stats -o", lambda p: [stats, snap, "-o", p], node)
        through_null(tap, "uptake-report -o", lambda p: [report, snap, "-o", p], node)
        through_null(tap, "uptake-comply --verdicts-parquet",
                     lambda p: [comply, snap, "--profile", profile, "--verdicts-parquet", p],
                     node)
        through_null(tap, "uptake-lists combine -o",
                     lambda p: [lists, "combine", blist, "-o", p], node)
    else:
        tap.diag("not root: the null-device cases are skipped")
    # A regular file is still written whole through its temporary name.
    out = os.path.join(outdir, "stats.csv")
    r = subprocess.run([stats, snap, "-o", out], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    tap.ok(r.returncode == 0 and os.path.getsize(out) > 0 and
           stat.S_ISREG(os.lstat(out).st_mode), "uptake-stats -o FILE: a regular file")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
