"""Routing, RPKI and geo data of a world: VRPs, a BGP table, mmdb files, an
RTR server.  docs/testbed-routing.md describes the cases and truth rules.

generate(world, plan, state, T) writes STATE/routing/:

    vrps.json             rpki-client JSON ("metadata", "roas", ...)
    vrps-routinator.json  Routinator JSON (the same VRPs, "asn": "AS64500")
    vrps.csv              Routinator CSV: ASN,IP Prefix,Max Length,Trust Anchor
    vrps-rpki-client.csv  rpki-client CSV: the same with an Expires column
    pfx2as.txt            CAIDA RouteViews prefix2as (prefix TAB length TAB AS;
                          '_' joins the origins of a multi-origin prefix, ','
                          the members of an AS set)
    rib.txt               the same announcements as `bgpdump -m` TABLE_DUMP2 lines
    geo.mmdb, asn.mmdb    GeoLite2-Country and GeoLite2-ASN layouts
    hosts.json            domain -> web_v4, web_v6, net (for the self-test)
    start.sh              runs stayrtr serving vrps.json on RTR_V4:RTR_PORT

truth(world, plan, T) gives each domain v4/v6 origin AS, prefix and ROV
state and hosting country / AS / AS organisation.

Each world network announces its own prefixes (unless unrouted) and gets
VRPs that produce its rov4/rov6 case; every network must sit alone in its
/27 (IPv4) and /47 (IPv6) so that the covering ROA of an invalid_length
case covers nothing else.  Extra announcements and VRPs (aggregates,
more-specifics, a multi-origin prefix, an AS-set origin, an AS0 ROA, a second
trust anchor) make the data look like the real thing; they are placed
outside every network's /27 and /47, and generate() proves that they change
no domain's answer.  The ROV states are computed (RFC 6811) from the data
written, and must come out as the world file says.
"""

import datetime
import ipaddress
import json
import os
import subprocess
import sys
import time

import plan as planmod
from world import NETWORK_BLOCK, WorldError, network_block

HERE = os.path.dirname(os.path.abspath(__file__))
MMDB_WRITER = os.path.join(HERE, "mmdb-write.pl")

TA = "testbed"            # trust anchor of the world's own VRPs
TA2 = "testbed-b"         # a second trust anchor (extras only)
BLOCK = NETWORK_BLOCK     # every network alone in one /27, /47
PEERS = (                 # route collector peers in rib.txt
    ("192.0.2.240", "2001:db8::240", 64496),
    ("192.0.2.241", "2001:db8::241", 64497),
)
TRANSIT = 64499           # a transit AS in the second peer's paths
VRP_LIFETIME = 2 * 365 * 86400

COUNTRY_NAMES = {
    "AU": "Australia", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland",
    "DE": "Germany", "ES": "Spain", "FR": "France", "GB": "United Kingdom",
    "GR": "Greece", "IE": "Ireland", "IN": "India", "IT": "Italy",
    "JP": "Japan", "KE": "Kenya", "NL": "Netherlands", "NZ": "New Zealand",
    "PL": "Poland", "SE": "Sweden", "SG": "Singapore", "US": "United States",
    "ZA": "South Africa",
}
CONTINENT = {
    "AU": "OC", "BR": "SA", "CA": "NA", "CH": "EU", "DE": "EU", "ES": "EU",
    "FR": "EU", "GB": "EU", "GR": "EU", "IE": "EU", "IN": "AS", "IT": "EU",
    "JP": "AS", "KE": "AF", "NL": "EU", "NZ": "OC", "PL": "EU", "SE": "EU",
    "SG": "AS", "US": "NA", "ZA": "AF",
}


def _net(text):
    return ipaddress.ip_network(text)


# Extra data that no world domain sees.  The IPv4 and the IPv6 part of each
# group are kept or dropped as a whole: dropped (with a note) when any of
# their prefixes overlaps the /27 or /47 of a world network.  An announcement is (prefix, origins, as_set):
# several origins make a multi-origin prefix (one per collector peer), an
# as_set makes the path end in {a,b}.  A VRP is (asn, prefix, maxLength, ta).
EXTRA_GROUPS = [
    {   # infrastructure: an aggregate with a matching ROA
        "name": "infrastructure",
        "ann": [("192.0.2.0/24", [64496], False), ("2001:db8::/48", [64496], False)],
        "vrp": [(64496, "192.0.2.0/24", 24, TA), (64496, "2001:db8::/48", 48, TA)],
        "geo": [("192.0.2.0/24", "NL", 64496, "Testbed Exchange BV"),
                ("2001:db8::/48", "NL", 64496, "Testbed Exchange BV")],
    },
    {   # an aggregate with maxLength, a valid more-specific, a hijacked
        # more-specific (other AS) and a too-long more-specific
        "name": "aggregate",
        "ann": [("198.51.100.192/26", [64510], False),
                ("198.51.100.224/28", [64510], False),
                ("198.51.100.208/28", [64511], False),
                ("2001:db8:f00::/40", [64510], False),
                ("2001:db8:f01::/48", [64510], False),
                ("2001:db8:f10::/48", [64511], False),
                ("2001:db8:f20::/52", [64510], False)],
        "vrp": [(64510, "198.51.100.192/26", 28, TA),
                (64510, "2001:db8:f00::/40", 48, TA)],
        "geo": [("198.51.100.192/26", "DE", 64510, "Transit Aggregate GmbH"),
                ("198.51.100.208/28", "GB", 64511, "Squatter Networks Ltd"),
                ("2001:db8:f00::/40", "DE", 64510, "Transit Aggregate GmbH"),
                ("2001:db8:f10::/48", "GB", 64511, "Squatter Networks Ltd")],
    },
    {   # a multi-origin prefix (MOAS), one of its origins covered by a ROA
        "name": "multi-origin",
        "ann": [("198.51.100.160/27", [64512, 64513], False),
                ("2001:db8:e00::/48", [64512, 64513], False)],
        "vrp": [(64512, "198.51.100.160/27", 27, TA),
                (64513, "2001:db8:e00::/48", 48, TA)],
        "geo": [("198.51.100.160/27", "ES", 64512, "Anycast Uno SL"),
                ("2001:db8:e00::/48", "ES", 64512, "Anycast Uno SL")],
    },
    {   # a prefix whose path ends in an AS set (aggregated route)
        "name": "as-set",
        "ann": [("203.0.113.128/26", [64514, 64515], True),
                ("2001:db8:e01::/48", [64514, 64515], True)],
        "vrp": [],
        "geo": [("203.0.113.128/26", "PL", 64514, "Agregat Sp. z o.o."),
                ("2001:db8:e01::/48", "PL", 64514, "Agregat Sp. z o.o.")],
    },
    {   # AS0 ROAs on unannounced space (RFC 6483: never to be routed)
        "name": "as0",
        "ann": [],
        "vrp": [(0, "203.0.113.224/27", 32, TA), (0, "2001:db8:d00::/40", 128, TA)],
        "geo": [],
    },
    {   # a second trust anchor
        "name": "second-ta",
        "ann": [("203.0.113.192/27", [64516], False), ("2001:db8:e10::/48", [64516], False)],
        "vrp": [(64516, "203.0.113.192/27", 27, TA2), (64516, "2001:db8:e10::/48", 48, TA2)],
        "geo": [("203.0.113.192/27", "AU", 64516, "Southern Cross Hosting Pty Ltd"),
                ("2001:db8:e10::/48", "AU", 64516, "Southern Cross Hosting Pty Ltd")],
    },
]


class Announcement:
    """One BGP route: a prefix with its origin(s).  origins has one AS, or
    several for a multi-origin prefix (each seen via another peer); as_set
    means the AS path ends in the set {origins}, so the route has no single
    origin AS (RFC 6811: origin NONE)."""

    def __init__(self, prefix, origins, as_set=False, prepend=0):
        self.prefix = prefix
        self.origins = list(origins)
        self.as_set = as_set
        self.prepend = prepend

    def pfx2as_origin(self):
        if self.as_set:
            return ",".join(str(a) for a in self.origins)
        return "_".join(str(a) for a in self.origins)


class Vrp:
    def __init__(self, asn, prefix, maxlen, ta):
        self.asn, self.prefix, self.maxlen, self.ta = asn, prefix, maxlen, ta

    def key(self):
        return (self.prefix.version, int(self.prefix.network_address),
                self.prefix.prefixlen, self.maxlen, self.asn, self.ta)


class Data:
    """Everything generate() writes, derived from the world alone."""

    def __init__(self):
        self.ann = []
        self.vrps = []
        self.geo = []      # (prefix, record) for geo.mmdb
        self.asn = []      # (prefix, record) for asn.mmdb
        self.dropped = []  # names of extra groups left out


def _other_asn(asn):
    return asn + 100 if asn + 100 <= 2**32 - 1 else asn - 100


def _block(prefix):
    return network_block(prefix)


def check_networks(world):
    """Each network lies alone in its /27 and /47 (world.py checks this at
    parse time; checked again here for worlds built by hand)."""
    seen = {4: {}, 6: {}}
    for net in world.networks.values():
        for fam, key in ((4, "v4"), (6, "v6")):
            p = net[key]
            if p.prefixlen <= BLOCK[fam] or _block(p) in seen[fam]:
                raise WorldError("%s: network %s: %s is not alone in a /%d of its own"
                                 % (net.where, net.name, p, BLOCK[fam]))
            seen[fam][_block(p)] = net
    return seen


def _geo_record(country, regcountry, registered_only):
    def c(cc):
        return {"iso_code": cc, "names": {"en": COUNTRY_NAMES.get(cc, cc)}}
    rec = {"registered_country": c(regcountry)}
    if not registered_only:
        rec["country"] = c(country)
        if country in CONTINENT:
            rec["continent"] = {"code": CONTINENT[country]}
    return rec


def build(world, with_extras=True):
    seen = check_networks(world)
    d = Data()
    for i, net in enumerate(world.networks.values()):
        asn = net["asn"]
        for key, case in (("v4", net["rov4"]), ("v6", net["rov6"])):
            p = net[key]
            if case != "unrouted":
                # Every third network prepends its AS (origin is still the last AS).
                d.ann.append(Announcement(p, [asn], prepend=2 if i % 3 == 1 else 0))
            if case == "valid":
                d.vrps.append(Vrp(asn, p, p.prefixlen, TA))
            elif case == "invalid_as":
                d.vrps.append(Vrp(_other_asn(asn), p, p.prefixlen, TA))
            elif case == "invalid_length":
                b = _block(p)
                d.vrps.append(Vrp(asn, b, b.prefixlen, TA))
            elif case == "unrouted" and key == "v4":
                # A ROA may exist for space nobody announces.
                d.vrps.append(Vrp(asn, p, p.prefixlen, TA))
            # not_found: no VRP covers it.
        reg = net["regcountry"] or net["country"]
        rec = _geo_record(net["country"], reg, net["geo"] == "registered")
        arec = {"autonomous_system_number": asn, "autonomous_system_organization": net["org"]}
        for key in ("v4", "v6"):
            d.geo.append((net[key], rec))
            d.asn.append((net[key], arec))
    if with_extras:
        for g in EXTRA_GROUPS:
            for fam in (4, 6):
                ann = [a for a in g["ann"] if _net(a[0]).version == fam]
                vrp = [v for v in g["vrp"] if _net(v[1]).version == fam]
                geo = [x for x in g["geo"] if _net(x[0]).version == fam]
                prefixes = ([_net(a[0]) for a in ann] + [_net(v[1]) for v in vrp] +
                            [_net(x[0]) for x in geo])
                if not prefixes:
                    continue
                if any(p.overlaps(b) for p in prefixes for b in seen[fam]):
                    d.dropped.append("%s (IPv%d)" % (g["name"], fam))
                    continue
                for p, origins, as_set in ann:
                    d.ann.append(Announcement(_net(p), origins, as_set))
                for asn, p, ml, ta in vrp:
                    d.vrps.append(Vrp(asn, _net(p), ml, ta))
                for p, cc, asn, org in geo:
                    d.geo.append((_net(p), _geo_record(cc, cc, False)))
                    d.asn.append((_net(p), {"autonomous_system_number": asn,
                                            "autonomous_system_organization": org}))
    _sortkey = lambda p: (p.version, int(p.network_address), p.prefixlen)  # noqa: E731
    d.ann.sort(key=lambda a: _sortkey(a.prefix))
    d.vrps.sort(key=Vrp.key)
    # Broad before narrow: in the mmdb the last insert wins, so this makes
    # the longest prefix win, as truth() assumes.
    d.geo.sort(key=lambda x: (x[0].prefixlen, _sortkey(x[0])))
    d.asn.sort(key=lambda x: (x[0].prefixlen, _sortkey(x[0])))
    return d


# --- RFC 6811 and lookups (the generator's own; the self-test has another) --

def _longest(entries, addr, prefix_of):
    best = None
    for e in entries:
        p = prefix_of(e)
        if p.version == addr.version and addr in p:
            if best is None or p.prefixlen > prefix_of(best).prefixlen:
                best = e
    return best


def rov_state(route, origin, vrps):
    """RFC 6811 for route (a prefix) with origin AS (None: AS_SET origin)."""
    covering = [v for v in vrps
                if v.prefix.version == route.version and route.subnet_of(v.prefix)]
    if not covering:
        return "not_found"
    for v in covering:
        if origin is not None and v.asn != 0 and v.asn == origin and route.prefixlen <= v.maxlen:
            return "valid"
    if origin is not None and any(v.asn == origin and v.asn != 0 for v in covering):
        return "invalid_length"
    return "invalid_as"


class Lookup:
    def __init__(self, data):
        self.data = data
        self._cache = {}

    def route(self, addr_text):
        """(origin AS, prefix text, rov state) of an address."""
        key = ("r", addr_text)
        if key not in self._cache:
            addr = ipaddress.ip_address(addr_text)
            a = _longest(self.data.ann, addr, lambda a: a.prefix)
            if a is None:
                self._cache[key] = (None, None, "unrouted")
            else:
                if a.as_set or len(a.origins) != 1:
                    raise RuntimeError("routegen: %s matches %s, which has no single origin"
                                       % (addr_text, a.prefix))
                origin = a.origins[0]
                self._cache[key] = (origin, str(a.prefix), rov_state(a.prefix, origin, self.data.vrps))
        return self._cache[key]

    def hosting(self, addr_text):
        """(country, asn, org) from the geo and ASN records of an address."""
        key = ("h", addr_text)
        if key not in self._cache:
            addr = ipaddress.ip_address(addr_text)
            g = _longest(self.data.geo, addr, lambda x: x[0])
            a = _longest(self.data.asn, addr, lambda x: x[0])
            country = None
            if g is not None:
                rec = g[1]
                country = (rec.get("country") or rec.get("registered_country") or {}).get("iso_code")
            asn = org = None
            if a is not None:
                asn = a[1]["autonomous_system_number"]
                org = a[1]["autonomous_system_organization"]
            self._cache[key] = (country, asn, org)
        return self._cache[key]


def _truth_from(world, plan, data):
    look = Lookup(data)
    out = {}
    for d in world.domains:
        dp = plan[d.name]
        row = {}
        for fam, addr in (("v4", dp.web_v4), ("v6", dp.web_v6)):
            if addr is None:
                origin = prefix = rov = None
            else:
                origin, prefix, rov = look.route(addr)
            row[fam + "_origin_asn"] = origin
            row[fam + "_prefix"] = prefix
            row[fam + "_rov"] = rov
        probe = dp.web_v4 or dp.web_v6
        if probe is None:
            country = asn = org = None
        else:
            country, asn, org = look.hosting(probe)
        row["hosting_country"] = country
        row["hosting_asn"] = asn
        row["hosting_as_org"] = org
        out[d.name] = row
    return out


def _check_cases(world, data):
    """The computed ROV state of each network is the one the world asks for."""
    look = Lookup(data)
    for net in world.networks.values():
        for key, want in (("v4", net["rov4"]), ("v6", net["rov6"])):
            addr = str(net[key].network_address + 1)
            got = look.route(addr)[2]
            if got != want:
                raise RuntimeError("routegen: %s: network %s %s computes as %s, world says %s"
                                   % (net.where, net.name, key, got, want))


def truth(world, plan, T):
    data = build(world)
    _check_cases(world, data)
    out = _truth_from(world, plan, data)
    bare = _truth_from(world, plan, build(world, with_extras=False))
    if out != bare:
        diff = sorted(n for n in out if out[n] != bare[n])
        raise RuntimeError("routegen: the extra routing data changes the answer of %s" % diff)
    return out


# --- writers ---------------------------------------------------------------

def _iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def write_vrps(data, rdir, T):
    # stayrtr drops VRPs whose "expires" is past by the wall clock, and a
    # crawl validating at T may drop those past T: expire well after both.
    expires = max(T, int(time.time())) + VRP_LIFETIME
    roas = []
    for v in data.vrps:
        roas.append({"asn": v.asn, "prefix": str(v.prefix), "maxLength": v.maxlen,
                     "ta": v.ta, "expires": expires})
    tas = sorted({v.ta for v in data.vrps})
    uniq = {(v.asn, v.prefix, v.maxlen) for v in data.vrps}
    meta = {
        "buildmachine": "uptake-testbed",
        "buildtime": _iso(T),
        "elapsedtime": 0, "usertime": 0, "systemtime": 0,
        "roas": len({(v.asn, v.ta, v.prefix) for v in data.vrps}),
        "failedroas": 0, "invalidroas": 0,
        "aspas": 0, "failedaspas": 0, "invalidaspas": 0,
        "bgpsec_pubkeys": 0,
        "certificates": len(tas), "invalidcertificates": 0,
        "taks": 0, "tals": len(tas), "invalidtals": 0,
        "talfiles": ["/etc/rpki/%s.tal" % t for t in tas],
        "manifests": len(tas), "failedmanifests": 0,
        "crls": len(tas), "gbrs": 0, "repositories": len(tas),
        "vrps": len(data.vrps), "uniquevrps": len(uniq),
    }
    doc = {"metadata": meta, "roas": roas, "bgpsec_keys": [], "nonfunc_cas": [], "aspas": []}
    # rpki-client writes one object per line inside the arrays; so do we.
    lines = ['{\n\t"metadata": ' + json.dumps(meta, ensure_ascii=False) + ',\n\t"roas": [']
    lines.append(",\n".join("\t\t" + json.dumps(r) for r in roas))
    lines.append('\t],\n\t"bgpsec_keys": [],\n\t"nonfunc_cas": [],\n\t"aspas": []\n}\n')
    text = "\n".join(lines)
    assert json.loads(text) == doc
    _write(os.path.join(rdir, "vrps.json"), text)
    # Routinator's JSON (and rpki-client's before 7.x) gives "asn" as "AS123".
    rdoc = {"metadata": {"generated": T, "generatedTime": _iso(T)},
            "roas": [{"asn": "AS%d" % v.asn, "prefix": str(v.prefix), "maxLength": v.maxlen,
                      "ta": v.ta} for v in data.vrps]}
    _write(os.path.join(rdir, "vrps-routinator.json"), json.dumps(rdoc, indent=2) + "\n")
    _write(os.path.join(rdir, "vrps.csv"),
           "ASN,IP Prefix,Max Length,Trust Anchor\n" +
           "".join("AS%d,%s,%d,%s\n" % (v.asn, v.prefix, v.maxlen, v.ta) for v in data.vrps))
    _write(os.path.join(rdir, "vrps-rpki-client.csv"),
           "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n" +
           "".join("AS%d,%s,%d,%s,%d\n" % (v.asn, v.prefix, v.maxlen, v.ta, expires)
                   for v in data.vrps))


def write_bgp(data, rdir, T):
    pfx = []
    for a in data.ann:
        pfx.append("%s\t%d\t%s\n" % (a.prefix.network_address, a.prefix.prefixlen, a.pfx2as_origin()))
    _write(os.path.join(rdir, "pfx2as.txt"), "".join(pfx))
    rib = []
    for pi, (peer4, peer6, peer_as) in enumerate(PEERS):
        for a in data.ann:
            peer = peer4 if a.prefix.version == 4 else peer6
            if a.as_set:
                tail = ["{%s}" % ",".join(str(x) for x in a.origins)]
            else:
                # A multi-origin prefix: each peer sees another origin.
                origin = a.origins[pi % len(a.origins)]
                tail = [str(origin)] * (1 + a.prepend)
            path = [str(peer_as)] + ([str(TRANSIT)] if pi == 1 else []) + tail
            if path[0] == path[-1]:           # the peer's own prefix
                path = tail
            rib.append("TABLE_DUMP2|%d|B|%s|%d|%s|%s|IGP|%s|0|0||NAG||\n"
                       % (T, peer, peer_as, a.prefix, " ".join(path), peer))
    _write(os.path.join(rdir, "rib.txt"), "".join(rib))


def write_mmdb(records, dbtype, desc, path, T):
    spec = {"database_type": dbtype, "description": desc, "build_epoch": T,
            "records": [{"network": str(p), "data": rec} for p, rec in records]}
    src = path[:-len(".mmdb")] + ".input.json"
    _write(src, json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    r = subprocess.run(["perl", MMDB_WRITER, src, path], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("routegen: writing %s failed:\n%s" % (path, r.stderr.strip()))


START_SH = r"""#!/usr/bin/env bash
# Start the RTR server (stayrtr) serving vrps.json; run inside the namespace
# by scripts/testbed with the state directory as $1.  Generated by routegen.py.
set -euo pipefail
STATE=$1
dir=$STATE/routing
log=$dir/stayrtr.log
command -v stayrtr >/dev/null || { echo "routing: stayrtr not installed (scripts/deps)" >&2; exit 1; }
mkdir -p "$STATE/run"
# -cache with a path reads the local file (no HTTP fetch); -metrics.addr ""
# turns the metrics HTTP listener off; -checktime=false accepts a buildtime
# that may be far from now (the world time).
stayrtr -bind @ADDR@:@PORT@ -cache "$dir/vrps.json" -checktime=false \
	-metrics.addr "" -refresh 3600 -loglevel info </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$STATE/run/stayrtr.pid"
for _ in $(seq 1 300); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "routing: stayrtr exited; last lines of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	if grep -q "StayRTR Server started" "$log" 2>/dev/null &&
		(exec 3<>/dev/tcp/@ADDR@/@PORT@) 2>/dev/null; then
		exit 0
	fi
	sleep 0.1
done
echo "routing: stayrtr does not accept connections on @ADDR@:@PORT@ after 30 s; last lines of $log:" >&2
tail -n 20 "$log" >&2
kill "$pid" 2>/dev/null || true
exit 1
"""


def generate(world, plan, state, T):
    data = build(world)
    truth(world, plan, T)   # the checks: cases as asked, extras harmless
    if data.dropped:
        print("testbed: routing: extra data left out where world networks are: %s"
              % ", ".join(data.dropped), file=sys.stderr)
    rdir = os.path.join(state, "routing")
    os.makedirs(rdir, exist_ok=True)
    write_vrps(data, rdir, T)
    write_bgp(data, rdir, T)
    write_mmdb(data.geo, "GeoLite2-Country", "uptake testbed country database",
               os.path.join(rdir, "geo.mmdb"), T)
    write_mmdb(data.asn, "GeoLite2-ASN", "uptake testbed ASN database",
               os.path.join(rdir, "asn.mmdb"), T)
    hosts = {}
    for d in world.domains:
        dp = plan[d.name]
        hosts[d.name] = {"web_v4": dp.web_v4, "web_v6": dp.web_v6, "net": d["net"]}
    # One domain a line: bench worlds have hundreds of thousands.
    _write(os.path.join(rdir, "hosts.json"),
           "{\n" + ",\n".join("%s: %s" % (json.dumps(n), json.dumps(h, sort_keys=True))
                               for n, h in hosts.items()) + "\n}\n")
    sh = (START_SH.replace("@ADDR@", planmod.RTR_V4).replace("@PORT@", str(planmod.RTR_PORT)))
    _write(os.path.join(rdir, "start.sh"), sh)
    os.chmod(os.path.join(rdir, "start.sh"), 0o755)
