#!/usr/bin/env python3
"""A resume checks what it resumes (issue 14 point 2).

A crawl resumed with the same facts completes it; a resume into a directory
whose parts hold another list (same path, other content), another list
name, another shard, another probe set or another schema version is
refused with exit 2 and one line naming the key, the old and the new value
and the part, before anything is probed or written.  Parts of the other
shards of the same crawl are not a mismatch; parts of a crawl sharded
another way are.  No servers: the resolver is a closed loopback port.

  resume.py UPTAKE_CRAWL UPTAKE_DUMP
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from wcommon import (Tap, crawl_cmd, dump_rows, lines, parts,  # noqa: E402
                     run, write_list)

NAMES = 20
HALF = 10


def crawl(crawler, lst, out, *extra):
    return run(crawl_cmd(crawler, lst, out, "127.0.0.1:9", "--part-rows",
                         "4", *extra))


def data_files(out):
    """The directory's files but the writers' lock files."""
    return sorted(n for n in os.listdir(out) if not n.startswith(".lock"))


# The version this build writes (lib/schema.h), one digit.
SCHEMA_VERSION = re.search(r"^#define SCHEMA_VERSION (\d)$", open(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib", "schema.h")).read(),
    re.M).group(1)


def set_schema_version(path, value):
    """Rewrite the one-character value of uptake.schema_version in a
    part's footer (a Thrift compact string: length 1, then the byte)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    key = b"uptake.schema_version"
    i = data.rindex(key) + len(key)
    # field header of the value, then its length (1), then the value
    j = data.index(b"\x01", i, i + 4) + 1
    assert data[j:j + 1] == SCHEMA_VERSION.encode(), data[i:i + 8]
    data[j] = ord(value)
    with open(path, "wb") as f:
        f.write(data)


def main():
    crawler, dump = sys.argv[1:3]
    t = Tap()
    with tempfile.TemporaryDirectory(prefix="uptake-resume.") as tmp:
        lst = os.path.join(tmp, "list.txt")
        names = write_list(lst, NAMES)
        want = list(enumerate(names))
        base = os.path.join(tmp, "base")
        p = crawl(crawler, lst, base, "--top", str(HALF))
        t.ok(p.returncode == 0, "a first crawl of the first %d names" % HALF,
             p.stderr[-800:])
        first = parts(base)
        t.ok(len(first) >= 2, "it wrote parts (%d)" % len(first))
        # Each part records the facts a resume checks, the shard too.
        d = run([dump, first[0]])
        for key, value in [("uptake.list_name", "list.txt"),
                           ("uptake.probes", "dns"), ("uptake.shard", "0/1"),
                           ("uptake.schema_version", SCHEMA_VERSION)]:
            t.ok("  %s: %s\n" % (key, value) in d.stdout,
                 "a part records %s: %s" % (key, value), d.stdout[-1500:])
        t.ok("  uptake.list_sha256: " in d.stdout,
             "a part records uptake.list_sha256")

        def refused(what, key, old, new, *extra, listpath=lst, src=base):
            out = os.path.join(tmp, "r-" + what.replace(" ", "-"))
            shutil.copytree(src, out)
            before = data_files(out)
            p = crawl(crawler, listpath, out, *extra)
            ls = lines(p.stderr)
            t.ok(p.returncode == 2, "%s: resume refused, exit 2" % what,
                 "rc %d: %s" % (p.returncode, p.stderr[-800:]))
            one = ls[0] if len(ls) == 1 else ""
            t.ok(len(ls) == 1 and key in one and old in one and new in one
                 and "part-0000" in one,
                 "%s: one line naming %s, old %r, new %r and the part"
                 % (what, key, old, new), p.stderr[-800:])
            t.eq(data_files(out), before, "%s: nothing written" % what)

        # Another list at the same path.
        other = os.path.join(tmp, "other", "list.txt")
        os.makedirs(os.path.dirname(other))
        write_list(other, NAMES, prefix="x")
        old_sha = run(["sha256sum", lst]).stdout.split()[0]
        new_sha = run(["sha256sum", other]).stdout.split()[0]
        refused("another list", "uptake.list_sha256", old_sha, new_sha,
                listpath=other)
        refused("another list name", "uptake.list_name", "list.txt",
                "renamed", "--list-name", "renamed")
        refused("another probe set", "uptake.probes", "dns", "dns,tls",
                "--probes", "dns,tls")
        refused("a shard of an unsharded crawl", "uptake.shard", "0/1",
                "0/2", "--shard", "0/2")

        # Another schema version (a part written by another release).
        sv = os.path.join(tmp, "schema-src")
        shutil.copytree(base, sv)
        set_schema_version(parts(sv)[0], "9")
        refused("another schema version", "uptake.schema_version", "9", SCHEMA_VERSION,
                src=sv)

        # The same facts: the resume completes the crawl, exactly once.
        p = crawl(crawler, lst, base)
        t.ok(p.returncode == 0, "the same crawl resumes", p.stderr[-800:])
        rc, rows, err = dump_rows(dump, base)
        t.eq(sorted((r["input_index"], r["domain"]) for r in rows), want,
             "resumed: the list exactly once")

        # Shards sharing a directory: siblings welcome, other N refused.
        sh = os.path.join(tmp, "sharded")
        p = crawl(crawler, lst, sh, "--shard", "0/2")
        t.ok(p.returncode == 0, "shard 0/2 crawls", p.stderr[-800:])
        p = crawl(crawler, lst, sh, "--shard", "1/2")
        t.ok(p.returncode == 0, "shard 1/2 into the same directory: "
             "the parts of shard 0/2 are not a mismatch", p.stderr[-800:])
        rc, rows, err = dump_rows(dump, sh)
        t.eq(sorted((r["input_index"], r["domain"]) for r in rows), want,
             "two shards in one directory: the list exactly once")
        refused("shard 0/3 beside shards of 2", "uptake.shard", "0/2", "0/3",
                "--shard", "0/3", src=sh)
        refused("an unsharded crawl beside shards", "uptake.shard", "0/2",
                "0/1", src=sh)
        other2 = os.path.join(tmp, "other2", "list.txt")
        os.makedirs(os.path.dirname(other2))
        write_list(other2, NAMES, prefix="y")
        new_sha = run(["sha256sum", other2]).stdout.split()[0]
        refused("shard 1/2 of another list", "uptake.list_sha256", old_sha,
                new_sha, "--shard", "1/2", listpath=other2, src=sh)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
