#!/usr/bin/env python3
"""bomb_test.py - memory bounded whatever a file claims (issue 14 point 4).

uptake-dump and uptake-stats on small hostile parts: one ZSTD page of
zeros that declares (and holds) 512 MiB; 32 such columns; and 32 columns
whose 12 MiB pages stay under the page limit.  Each tool must fail with a
message naming the file, the column and the page offset (or, under the
limit, succeed), and its peak RSS (ru_maxrss of the child) must stay under
RSS_LIMIT_MB.  TAP on stdout.

    bomb_test.py BUILD_DIR WORKDIR [DONE_LOAD]

DONE_LOAD (tests/readers/done_load.c) runs the crawler's resume read
(snapshot_done_load) on a part whose input_index page is the bomb.
"""
import os
import re
import shutil
import subprocess
import sys

# Peak RSS a tool may reach on a bomb part: its own footprint plus a few
# pages of about a megabyte, far below what the pages claim.
RSS_LIMIT_MB = 64
HERE = os.path.dirname(os.path.abspath(__file__))

n = 0
failed = 0


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name), flush=True)
    return cond


def run_rss(args):
    """Run args; (exit status, stdout, stderr, peak RSS in MiB)."""
    out_r, out_w = os.pipe()
    err_path = args[0] + ".stderr"
    with open(os.devnull, "wb") as devnull, \
            open("/tmp/bomb_test.%d.err" % os.getpid(), "w+b") as errf:
        # Under ASan, freed blocks wait in its quarantine (to catch a use
        # after free) and count in the RSS although the program let them
        # go: measure the program's own memory.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(
            x for x in (env.get("ASAN_OPTIONS"), "quarantine_size_mb=0") if x)
        p = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE,
                             stderr=errf, env=env)
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        p.stdout.close()
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    os.close(out_r)
    os.close(out_w)
    os.unlink("/tmp/bomb_test.%d.err" % os.getpid())
    return p.returncode, out.decode(errors="replace"), err, ru.ru_maxrss / 1024


def gen(path, *args):
    subprocess.run([sys.executable, os.path.join(HERE, "gen_bomb.py"), path]
                   + [str(a) for a in args], check=True)


def main():
    build, work = sys.argv[1:3]
    done_load = sys.argv[3] if len(sys.argv) > 3 else None
    dump = os.path.join(build, "analysis", "uptake-dump")
    stats = os.path.join(build, "analysis", "uptake-stats")
    shutil.rmtree(work, ignore_errors=True)
    cases = {
        "one": ["--columns", "1"],
        "many": ["--columns", "32"],
    }
    for name, args in cases.items():
        d = os.path.join(work, name)
        os.makedirs(d)
        part = os.path.join(d, "part-00000.parquet")
        gen(part, *args)
        size = os.path.getsize(part)
        print("# %s: %d bytes, pages declaring 512 MiB" % (name, size))
        for tool, targs in (("uptake-dump", [dump, "--csv", d]),
                            ("uptake-dump --jsonl", [dump, "--jsonl", part]),
                            ("uptake-stats", [stats, d, "--by", "tld",
                                              "--format", "csv"])):
            rc, out, err, rss = run_rss(targs)
            print("# %s on %s: exit %d, peak RSS %.1f MiB, stderr: %s"
                  % (tool, name, rc, rss, err.strip()[:300]))
            ok(rc != 0, "%s on %s: non-zero exit" % (tool, name))
            ok(re.search(r"part-00000\.parquet: row group 0, column '[a-z_]+': "
                         r"page at offset \d+ declares 536870912 bytes "
                         r"uncompressed.*above the limit", err) is not None,
               "%s on %s: the message names file, column, page offset "
               "and the limit" % (tool, name))
            ok(rss < RSS_LIMIT_MB, "%s on %s: peak RSS %.1f MiB < %d MiB"
               % (tool, name, rss, RSS_LIMIT_MB))
    # Under the limit: 32 columns of 12 MiB zero pages read with bounded
    # memory (a page's buffer is not held once its values are decoded).
    d = os.path.join(work, "under")
    os.makedirs(d)
    gen(os.path.join(d, "part-00000.parquet"), "--columns", "32",
        "--declare", str(12 << 20))
    for tool, targs in (("uptake-dump", [dump, "--csv", d]),
                        ("uptake-stats", [stats, d, "--by", "tld",
                                          "--format", "csv"])):
        rc, out, err, rss = run_rss(targs)
        print("# %s on 32 x 12 MiB pages: exit %d, peak RSS %.1f MiB%s"
              % (tool, rc, rss, (", stderr: " + err.strip()[:300])
                 if err.strip() else ""))
        ok(rc == 0, "%s on 32 columns of 12 MiB pages: exit 0" % tool)
        ok(rss < RSS_LIMIT_MB, "%s on 32 columns of 12 MiB pages: peak RSS "
           "%.1f MiB < %d MiB" % (tool, rss, RSS_LIMIT_MB))
    # The crawler's resume path (snapshot_done_load reads input_index).
    if done_load:
        d = os.path.join(work, "resume")
        os.makedirs(d)
        gen(os.path.join(d, "part-00000.parquet"), "--bomb-index")
        rc, out, err, rss = run_rss([done_load, d])
        print("# resume on an input_index bomb: exit %d, peak RSS %.1f MiB, "
              "stderr: %s" % (rc, rss, err.strip()[:300]))
        ok(rc == 1 and re.search(r"part-00000\.parquet: row group 0, column "
                                 r"'input_index': page at offset \d+ declares "
                                 r"536870912 bytes uncompressed.*above the "
                                 r"limit", err) is not None,
           "resume (snapshot_done_load): fails naming file, column, page "
           "offset and the limit")
        ok(rss < RSS_LIMIT_MB, "resume: peak RSS %.1f MiB < %d MiB"
           % (rss, RSS_LIMIT_MB))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
