#!/usr/bin/env python3
"""The servers world proves its truth (scripts/tb/serverstruth.py) with
real tools, column by column, for every domain:

- the NS and MX host names and their A and AAAA records: dig through the
  world's resolver;
- each NS address's answer to "DOMAIN SOA": dig +norec at the address,
  -4 or -6 (authoritative: NOERROR, the aa flag, the domain's SOA);
  ns_v6_count, ns_v6_reachable and ns_lame follow from those answers;
- the routes: the addresses dig gave, looked up in the files the crawler
  is given (pfx2as.txt, vrps.json) with routegen's RFC 6811 computation
  (rov_state), worst over the routed; ns_asn_count from their origins;
- mx_dnssec: delv's verdict on each MX host's A (secure for every host:
  true; one unsigned or failing: false).

    scripts/testbed run tests/worlds/servers -- python3 tests/servers/selftest.py

Prints TAP; exits 1 when any check fails.
"""

import ipaddress
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "tb"))

from tap import Tap  # noqa: E402
import check_dns  # noqa: E402
import routegen  # noqa: E402

RESOLVER = "192.0.2.53"
BADNESS = {"valid": 0, "not_found": 1, "invalid_length": 2, "invalid_as": 3}


def dig_rrs(name, rtype):
    # +cd: a bogus zone's records too (the crawler asks with CD as well).
    r = subprocess.run(["dig", "+short", "+cd", "+time=2", "+tries=2", "@" + RESOLVER, name, rtype],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return [l.strip() for l in r.stdout.splitlines() if l.strip() and not l.startswith(";")]


def soa_auth(addr, zone):
    """dig +norec at addr: authoritative for zone's SOA?"""
    fam = "-6" if ":" in addr else "-4"
    r = subprocess.run(["dig", fam, "+norec", "+noedns", "+time=1", "+tries=2", "@" + addr,
                        zone, "SOA"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = r.stdout
    flags = ""
    for line in out.splitlines():
        if line.startswith(";; flags:"):
            flags = line.split(";")[2]
    has_soa = any(l.split()[:1] == [zone + "."] and len(l.split()) > 3 and l.split()[3] == "SOA"
                  for l in out.splitlines() if not l.startswith(";"))
    return "status: NOERROR" in out and " aa" in flags and has_soa


class Routes:
    """The crawler's routing files, read as written."""

    def __init__(self, state):
        rdir = os.path.join(state, "routing")
        self.ann = []
        with open(os.path.join(rdir, "pfx2as.txt")) as f:
            for line in f:
                p = line.split()
                if len(p) < 3:
                    continue
                origins = [int(x) for x in p[2].replace(",", "_").split("_")
                           if x.isdigit()]
                self.ann.append((ipaddress.ip_network("%s/%s" % (p[0], p[1])), origins,
                                 "{" in p[2]))
        with open(os.path.join(rdir, "vrps.json")) as f:
            roas = json.load(f)["roas"]
        self.vrps = [routegen.Vrp(int(str(r["asn"]).lstrip("AS")),
                                  ipaddress.ip_network(r["prefix"]), r["maxLength"], r["ta"])
                     for r in roas]

    def route(self, addr):
        """(state, [origins]) of the longest announcement covering addr."""
        a = ipaddress.ip_address(addr)
        best = None
        for net, origins, as_set in self.ann:
            if net.version == a.version and a in net and \
                    (best is None or net.prefixlen > best[0].prefixlen):
                best = (net, origins, as_set)
        if best is None:
            return "unrouted", []
        states = [routegen.rov_state(best[0], o, self.vrps) for o in best[1]]
        if best[2]:
            states.append(routegen.rov_state(best[0], None, self.vrps))
        order = {"valid": 3, "invalid_length": 2, "invalid_as": 1, "not_found": 0}
        return max(states, key=lambda s: order[s]), best[1]


def rov(routes, addrs):
    addrs = list(dict.fromkeys(addrs))
    if not addrs:
        return None, None
    st = [routes.route(a)[0] for a in addrs]
    routed = [s for s in st if s != "unrouted"]
    if not routed:
        return "unrouted", len(addrs)
    return max(routed, key=lambda s: BADNESS[s]), len(addrs)


def measure(dom, routes, anchor):
    row = {}
    ns = [n.rstrip(".").lower() for n in dig_rrs(dom, "NS")]
    ns_addrs, v6_count, v6_ok, lame = [], 0, 0, 0
    for h in ns:
        v4, v6 = dig_rrs(h, "A"), dig_rrs(h, "AAAA")
        ns_addrs += v4 + v6
        auth = {a: soa_auth(a, dom) for a in v4 + v6}
        if v6:
            v6_count += 1
            if any(auth[a] for a in v6):
                v6_ok += 1
        if not any(auth.values()):
            lame += 1
    row["ns_rov"], row["ns_rov_addrs"] = rov(routes, ns_addrs)
    row["ns_v6_count"] = v6_count if ns else None
    row["ns_v6_reachable"] = v6_ok if ns else None
    row["ns_lame"] = lame if ns else None
    row["ns_asn_count"] = len({o for a in set(ns_addrs) for o in routes.route(a)[1]}) \
        if ns_addrs else None
    mx = [l.split()[1].rstrip(".").lower() for l in dig_rrs(dom, "MX") if len(l.split()) == 2]
    mx_addrs = [a for h in mx for a in dig_rrs(h, "A") + dig_rrs(h, "AAAA")]
    row["mx_rov"], row["mx_rov_addrs"] = rov(routes, mx_addrs)
    verdicts = [check_dns.delv_verdict(h, anchor) for h in mx]
    row["mx_dnssec"] = (False if any(v in ("insecure", "bogus") for v in verdicts) else
                        True if verdicts and all(v == "secure" for v in verdicts) else None)
    web = dig_rrs(dom, "A") + dig_rrs(dom, "AAAA")
    row["web_rov_all"], row["web_rov_addrs"] = rov(routes, web)
    return row


def main():
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    anchor = check_dns.write_delv_anchor(state)
    routes = Routes(state)
    cols = ["ns_rov", "ns_rov_addrs", "mx_rov", "mx_rov_addrs", "web_rov_all", "web_rov_addrs",
            "ns_v6_count", "ns_v6_reachable", "ns_lame", "ns_asn_count", "mx_dnssec"]
    seen = {c: set() for c in cols}
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(l) for l in f]
    for t in truth:
        if t.get("dns_status") != "ok":
            continue
        got = measure(t["domain"], routes, anchor)
        for c in cols:
            tap.eq(got[c], t[c], "%s: %s" % (t["domain"], c))
            seen[c].add(json.dumps(t[c]))
    # The world has the cases it claims: every ROV state of NS and MX, a
    # lame NS, an NS without IPv6, one whose IPv6 does not answer, MX
    # zones secure and not, NS in several ASes.
    for c, want in (("ns_rov", ["valid", "invalid_as", "invalid_length", "not_found",
                                "unrouted"]),
                    ("mx_rov", ["valid", "invalid_as", "invalid_length", "not_found",
                                "unrouted"]),
                    ("ns_lame", [1]), ("mx_dnssec", [True, False]),
                    ("ns_asn_count", [1, 2, 4])):
        for v in want:
            tap.ok(json.dumps(v) in seen[c], "the world has %s = %s" % (c, v))
    tap.ok(any(t.get("ns_v6_count") is not None and t["ns_v6_count"] < t["ns_count"]
               for t in truth), "the world has a domain with an NS host without IPv6")
    tap.ok(any(t.get("ns_v6_count") is not None and t["ns_v6_reachable"] < t["ns_v6_count"]
               for t in truth), "the world has an NS whose IPv6 does not answer")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
