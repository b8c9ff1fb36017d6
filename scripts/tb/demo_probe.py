#!/usr/bin/env python3
"""What the demo shows until the crawler exists: one domain of every
country x sector stratum of the demo world resolved through the world's
Unbound with dig, its DNSSEC verdict (AD bit / SERVFAIL) and web address
compared with the ground truth, and the truth's adoption table by country.
Runs inside the testbed namespace (scripts/testbed run ... -- demo_probe.py).
"""

import collections
import csv
import json
import os
import subprocess
import sys

state = os.environ["UPTAKE_TESTBED_STATE"]
resolver = os.environ.get("UPTAKE_RESOLVER", "192.0.2.53")

with open(os.path.join(state, "truth.jsonl")) as f:
    truth = {r["domain"]: r for r in map(json.loads, f)}
with open(os.path.join(state, "meta.csv")) as f:
    meta = {r["domain"]: r for r in csv.DictReader(f)}


def verdict(host):
    out = subprocess.run(["dig", "+time=2", "+tries=2", "+dnssec", "@" + resolver, host, "A"],
                         stdout=subprocess.PIPE, text=True).stdout
    if "status: SERVFAIL" in out:
        return "bogus", None
    flags = out.split(";; flags:")[1].split(";")[0].split() if ";; flags:" in out else []
    addr = None
    for line in out.splitlines():
        f = line.split()
        if len(f) == 5 and f[3] == "A" and not line.startswith(";"):
            addr = f[4]
            break
    return ("secure" if "ad" in flags else "insecure"), addr


seen = set()
agree = total = 0
print("%-28s %-3s %-10s %-9s %-9s %-15s %s" % ("domain", "cc", "sector", "truth", "unbound", "address", ""))
for name, m in meta.items():
    key = (m["country"], m["sector"])
    t = truth[name]
    if key in seen or t["dns_status"] != "ok":
        continue
    seen.add(key)
    v, addr = verdict(t["probed_host"])
    ok = v == t["dnssec_status"] and (v == "bogus" or addr == t["web_ipv4"])
    agree += ok
    total += 1
    print("%-28s %-3s %-10s %-9s %-9s %-15s %s" % (name, m["country"], m["sector"], t["dnssec_status"],
                                                 v, addr or "-", "ok" if ok else "DIFFERS"))

print()
print("demo: %d of %d sampled domains: resolver agrees with the ground truth" % (agree, total))
by = collections.defaultdict(lambda: [0, 0, 0])
for name, t in truth.items():
    if t["dns_status"] != "ok":
        continue
    c = by[meta[name]["country"]]
    c[0] += 1
    c[1] += t["dnssec_status"] == "secure"
    c[2] += bool(t["ipv6_web"])
print("\nground truth of the demo world (what the crawler must find):")
print("%-4s %6s %9s %7s" % ("cc", "n", "dnssec%", "ipv6%"))
for cc in sorted(by):
    n, s, v6 = by[cc]
    print("%-4s %6d %8.1f%% %6.1f%%" % (cc, n, 100.0 * s / n, 100.0 * v6 / n))
sys.exit(0 if agree == total else 1)
