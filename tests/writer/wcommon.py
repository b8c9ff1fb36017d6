"""Shared by the writer tests: crawl a generated list with no servers (a
resolver that answers nothing), read a snapshot back with uptake-dump."""

import glob
import json
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402,F401

# A closed port on the loopback: queries fail at once.
CLOSED_RESOLVER = "127.0.0.1:9"


def write_list(path, n, prefix="d"):
    """A plain list of n names; returns the names in order."""
    names = ["%s%04d.example" % (prefix, i) for i in range(n)]
    with open(path, "w") as f:
        f.write("".join(x + "\n" for x in names))
    return names


def silent_resolver():
    """A UDP socket on the loopback that never answers: queries time out.
    Returns (socket, "127.0.0.1:PORT"); keep the socket open."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s, "127.0.0.1:%d" % s.getsockname()[1]


def crawl_cmd(crawler, lst, out, resolver=CLOSED_RESOLVER, *extra):
    return [crawler, "--list", lst, "--out", out, "--resolver", resolver,
            "--probes", "dns", "--query-timeout", "50", "--query-tries", "1",
            "--timeout", "2", "--concurrency", "4"] + list(extra)


def run(cmd, env=None, timeout=120):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, env=e,
                          timeout=timeout)


def dump_rows(dump, path):
    """(returncode, rows, stderr) of uptake-dump --jsonl over path."""
    d = subprocess.run([dump, "--jsonl", path], capture_output=True,
                       text=True, timeout=60)
    rows = [json.loads(x) for x in d.stdout.splitlines() if x.strip()]
    return d.returncode, rows, d.stderr


def parts(out):
    return sorted(glob.glob(os.path.join(out, "part-*.parquet")))


def temps(out):
    return sorted(glob.glob(os.path.join(out, ".tmp-part-*")))


def lines(stderr):
    return [x for x in stderr.splitlines() if x.strip()]
