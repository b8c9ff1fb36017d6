#!/usr/bin/env python3
"""Crawl the sample lists of tests/lists/ (bad ones included) with a
resolver that answers nothing: the crawl must not crash, must write one row
per good name with input_index 0..n-1, report each bad line with its line
number, honour --opt-out and --shard (the shards partition the list), and
stop at start-up, exit 2 with one line, on unusable input.  No network:
the "resolver" is a closed port on the loopback.

  crawl_lists.py SOURCE_ROOT UPTAKE_CRAWL UPTAKE_DUMP
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

# A closed port on the loopback: queries fail at once.
RESOLVER = "127.0.0.1:9"

# file: (format, good names in order, "FILE:LINE: reason" fragments)
LISTS = {
    "tranco-sample.csv": ("tranco", [
        "google.com", "facebook.com", "microsoft.com", "amazonaws.com",
        "apple.com", "googleapis.com", "youtube.com", "xn--fiqs8s.cn"],
        [":9: bad_rank", ":10: bad_char"]),
    "gov-sample.csv": ("csv", [
        "bund.de", "gouvernement.fr", "gov.uk", "regjeringen.no",
        "canada.ca", "gov.se"],
        [":9: bad_fields", ":10: bad_rank"]),
    "plain-idn.txt": ("plain", [
        "xn--bcher-kva.de", "xn--mnchen-3ya.de", "xn--e1afmkfd.xn--p1ai",
        "xn--r8jz45g.xn--zckzah", "xn--mgbh0fb.xn--kgbechtv",
        "xn--fa-hia.de", "xn--fiqs8s.cn"],
        [":10: bad_idn", ":11: bad_idn", ":12: bad_idn"]),
    "bad-mixed.txt": ("plain", [
        "first.example", "second.example", "third.example",
        "fourth.example", "fifth.example"],
        [":3: line_too_long", ":5: nul_byte", ":6: bad_char",
         ":7: nul_byte", ":9: bad_idn", ":12: bad_char", ":13: too_long"]),
    "example.zone": ("zone", [
        "alpha.example", "bravo.example", "echo.example", "golf.example",
        "hotel.example"],
        [":17: zone_syntax", ":18: zone_syntax", ":20: zone_syntax"]),
}


def crawl(crawler, dump, lst, out, *extra):
    cmd = [crawler, "--list", lst, "--out", out, "--resolver", RESOLVER,
           "--probes", "dns", "--query-timeout", "50", "--query-tries", "1",
           "--timeout", "2", "--concurrency", "20"] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    rows = []
    if p.returncode == 0:
        d = subprocess.run([dump, "--jsonl", out], capture_output=True,
                           text=True, timeout=60)
        rows = [json.loads(x) for x in d.stdout.splitlines() if x.strip()]
    return p, rows


def main():
    src, crawler, dump = sys.argv[1:4]
    lists = os.path.join(src, "tests", "lists")
    t = Tap()
    with tempfile.TemporaryDirectory(prefix="uptake-lists.") as tmp:
        for i, (name, (fmt, good, bad)) in enumerate(sorted(LISTS.items())):
            path = os.path.join(lists, name)
            p, rows = crawl(crawler, dump, path, os.path.join(tmp, "s%d" % i))
            if not t.ok(p.returncode == 0, "%s: crawl exits 0" % name,
                        p.stderr[-2000:]):
                continue
            rows.sort(key=lambda r: r["input_index"])
            t.eq([r["domain"] for r in rows], good,
                 "%s: one row per good name, in list order" % name)
            t.eq([r["input_index"] for r in rows], list(range(len(good))),
                 "%s: input_index 0..n-1" % name)
            t.ok(all(r.get("dns_status") for r in rows),
                 "%s: every row has a DNS outcome" % name)
            for frag in bad:
                t.ok(name + frag in p.stderr,
                     "%s: reported %s" % (name, frag.strip(":")),
                     p.stderr[-2000:])
            t.ok("%s list," % fmt in p.stderr and
                 "%d bad lines" % len(bad) in p.stderr,
                 "%s: summary line (%s, %d bad)" % (name, fmt, len(bad)))

        # Opt-out and shards over the zone sample.
        zone = os.path.join(lists, "example.zone")
        good = LISTS["example.zone"][1]
        opt = os.path.join(tmp, "optout.txt")
        with open(opt, "w") as f:
            f.write("# test\nbravo.example\n")
        p, rows = crawl(crawler, dump, zone, os.path.join(tmp, "o"),
                        "--opt-out", opt)
        t.eq(sorted(r["domain"] for r in rows),
             sorted(set(good) - {"bravo.example"}), "--opt-out skips a domain")
        seen = []
        for k in range(3):
            p, rows = crawl(crawler, dump, zone, os.path.join(tmp, "h%d" % k),
                            "--shard", "%d/3" % k)
            t.ok(p.returncode == 0, "--shard %d/3 runs" % k, p.stderr[-500:])
            seen += [(r["input_index"], r["domain"]) for r in rows]
        t.eq(sorted(seen), list(enumerate(good)),
             "three shards partition the list, same input_index everywhere")

        # --registrable: hostnames read as registrable domains (eTLD+1,
        # Public Suffix List via libpsl), duplicates after mapping dropped.
        hosts = os.path.join(tmp, "hosts.txt")
        with open(hosts, "w") as f:
            f.write("www.bbc.co.uk\nnews.bbc.co.uk\nwww.gov.br\n"
                    "a.b.bmf.gv.at\nbmf.gv.at\nx.y.www.ck\nfoo.bar.ck\n"
                    "www.xn--bcher-kva.de\nxn--bcher-kva.de\n")
        p, rows = crawl(crawler, dump, hosts, os.path.join(tmp, "r"),
                        "--registrable")
        rows.sort(key=lambda r: r["input_index"])
        t.eq([r["domain"] for r in rows],
             ["bbc.co.uk", "www.gov.br", "bmf.gv.at", "www.ck", "foo.bar.ck",
              "xn--bcher-kva.de"],
             "--registrable: registrable domains, duplicates dropped")
        t.ok("duplicates 3" in p.stderr,
             "--registrable: the summary counts the duplicates after mapping",
             p.stderr[-1000:])

        # --list -: the list on standard input, hashed like a file (the
        # same uptake.list_sha256 as the file it came from), named stdin.
        with open(zone, "rb") as f:
            body = f.read()
        out = os.path.join(tmp, "stdin")
        p = subprocess.run([crawler, "--list", "-", "--out", out, "--resolver", RESOLVER,
                            "--probes", "dns", "--query-timeout", "50", "--query-tries",
                            "1", "--timeout", "2", "--list-format", "zone"],
                           input=body, capture_output=True, timeout=120)
        err = p.stderr.decode(errors="replace")
        if t.ok(p.returncode == 0, "--list -: crawl exits 0", err[-1000:]):
            d = subprocess.run([dump, "--jsonl", out], capture_output=True, text=True,
                               timeout=60)
            rows = sorted((json.loads(x) for x in d.stdout.splitlines() if x.strip()),
                          key=lambda r: r["input_index"])
            t.eq([r["domain"] for r in rows], good, "--list -: one row per good name")
            t.eq({r["list"] for r in rows}, {"stdin"}, "--list -: list name stdin")
            meta = subprocess.run([dump, out], capture_output=True, text=True,
                                  timeout=60).stdout
            t.ok("uptake.list_sha256: " + hashlib.sha256(body).hexdigest() in meta,
                 "--list -: the checksum of what came on standard input", meta[-800:])
            t.ok("<stdin>:" in err, "--list -: messages name <stdin>", err[-800:])

        # Unusable input: exit 2, one line naming the file (and line).
        bad_opt = os.path.join(tmp, "bad-optout.txt")
        with open(bad_opt, "w") as f:
            f.write("ok.example\n*.example.com\n")
        u16 = os.path.join(tmp, "u16.txt")
        with open(u16, "wb") as f:
            f.write("example.com\n".encode("utf-16"))
        nodomain = os.path.join(tmp, "x.csv")
        with open(nodomain, "w") as f:
            f.write("name,url\na,b\n")
        cases = [
            ([zone, "--opt-out", bad_opt], bad_opt + ":2:"),
            ([u16], "UTF-16"),
            ([nodomain, "--list-format", "csv"], nodomain + ":1:"),
            ([zone, "--shard", "3/3"], "--shard 3/3"),
            ([os.path.join(tmp, "missing.txt")], "missing.txt"),
        ]
        for j, (args, want) in enumerate(cases):
            p, _ = crawl(crawler, dump, args[0], os.path.join(tmp, "e%d" % j),
                         *args[1:])
            lines = [x for x in p.stderr.splitlines() if x.strip()]
            t.ok(p.returncode == 2 and len(lines) == 1 and want in lines[0],
                 "unusable input stops the crawl: %s" % want,
                 "rc %d: %s" % (p.returncode, p.stderr[-500:]))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
