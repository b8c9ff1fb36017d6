"""Self-test of the routing, RPKI and geo part of the testbed.

Checks every domain's v4/v6 origin AS, matched prefix and ROV state, and its
hosting country / AS / AS organisation, against the ground truth, measured
independently of scripts/tb/routegen.py:

- the BGP table is read from pfx2as.txt (CAIDA prefix2as) and cross-checked
  with rib.txt (bgpdump -m lines);
- VRPs are read from vrps.json (rpki-client), vrps-routinator.json,
  vrps.csv (Routinator CSV), vrps-rpki-client.csv (rpki-client CSV) and
  fetched from the RTR server (stayrtr) with a small RFC 8210 client; all
  five must hold the same set;
- ROV is computed per RFC 6811 below, once per VRP source;
- geo and ASN come from `mmdblookup` on geo.mmdb and asn.mmdb.

The web addresses come from STATE/routing/hosts.json, not from DNS, so this
check does not depend on the DNS part.  Run inside the namespace.
"""

import csv
import ipaddress
import json
import os
import re
import socket
import struct
import subprocess
import time

RTR_ADDR = "192.0.2.8"
RTR_PORT = 8282


# --- readers -----------------------------------------------------------------

def parse_asn(v):
    if isinstance(v, int):
        return v
    s = str(v)
    if s[:2].upper() == "AS":
        s = s[2:]
    return int(s)


def read_vrps_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = set()
    for r in doc["roas"]:
        out.add((ipaddress.ip_network(r["prefix"]), int(r["maxLength"]), parse_asn(r["asn"])))
    return doc, out


def read_vrps_csv(path, header):
    out = set()
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if rows[0] != header:
        raise ValueError("%s: header %r, expected %r" % (path, rows[0], header))
    for row in rows[1:]:
        if len(row) != len(header):
            raise ValueError("%s: bad row %r" % (path, row))
        out.add((ipaddress.ip_network(row[1]), int(row[2]), parse_asn(row[0])))
    return out


def read_pfx2as(path):
    """prefix -> origin field as written (e.g. '64500', '64512_64513', '64514,64515')."""
    table = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise ValueError("%s:%d: expected 3 tab-separated fields" % (path, n))
            p = ipaddress.ip_network("%s/%s" % (parts[0], parts[1]))
            if p in table:
                raise ValueError("%s:%d: %s listed twice" % (path, n, p))
            table[p] = parts[2]
    return table


def read_rib(path):
    """prefix -> set of origins seen (an AS set as a frozenset)."""
    table = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("|")
            if len(fields) < 8 or fields[0] != "TABLE_DUMP2" or fields[2] != "B":
                raise ValueError("%s:%d: not a bgpdump -m TABLE_DUMP2 line" % (path, n))
            p = ipaddress.ip_network(fields[5])
            last = fields[6].split()[-1]
            if last.startswith("{"):
                origin = frozenset(int(a) for a in last.strip("{}").split(","))
            else:
                origin = int(last)
            table.setdefault(p, set()).add(origin)
    return table


def pfx2as_field_from_rib(origins):
    """What CAIDA's prefix2as writes for the origins a RIB shows: the
    origins joined by '_', an AS set as its members joined by ','."""
    singles = sorted(o for o in origins if isinstance(o, int))
    sets = sorted(sorted(o) for o in origins if isinstance(o, frozenset))
    return "_".join([str(a) for a in singles] + [",".join(str(a) for a in s) for s in sets])


# --- RFC 6811 ------------------------------------------------------------------

def longest_match(table, addr):
    best = None
    for p in table:
        if p.version == addr.version and addr in p:
            if best is None or p.prefixlen > best.prefixlen:
                best = p
    return best


def rfc6811(route, origin, vrps):
    """origin: an AS number, or None when the route has no single origin."""
    covered = False
    same_as = False
    for prefix, maxlen, asn in vrps:
        if prefix.version != route.version or not route.subnet_of(prefix):
            continue
        covered = True
        if origin is not None and asn != 0 and asn == origin:
            if route.prefixlen <= maxlen:
                return "valid"
            same_as = True
    if not covered:
        return "not_found"
    return "invalid_length" if same_as else "invalid_as"


# --- RTR (RFC 8210, version 1) -------------------------------------------------

def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the RTR server")
        buf += chunk
    return buf


def rtr_fetch(addr, port, timeout=5.0):
    """Reset Query; returns the VRP set of the Cache Response."""
    with socket.create_connection((addr, port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(struct.pack("!BBHI", 1, 2, 0, 8))     # version 1, Reset Query
        vrps = set()
        got_response = False
        while True:
            hdr = _recv_exact(s, 8)
            version, ptype, field, length = struct.unpack("!BBHI", hdr)
            if length < 8 or length > 65536:
                raise ValueError("RTR PDU with length %d" % length)
            body = _recv_exact(s, length - 8)
            if ptype == 10:                                 # Error Report
                raise RuntimeError("RTR error report, code %d" % field)
            if version != 1:
                raise ValueError("RTR PDU of version %d (asked for 1)" % version)
            if ptype == 3:                                  # Cache Response
                got_response = True
            elif ptype == 4:                                # IPv4 Prefix
                flags, plen, maxlen, _z = body[:4]
                prefix = ipaddress.IPv4Network((body[4:8], plen))
                asn = struct.unpack("!I", body[8:12])[0]
                if flags & 1:
                    vrps.add((prefix, maxlen, asn))
            elif ptype == 6:                                # IPv6 Prefix
                flags, plen, maxlen, _z = body[:4]
                prefix = ipaddress.IPv6Network((body[4:20], plen))
                asn = struct.unpack("!I", body[20:24])[0]
                if flags & 1:
                    vrps.add((prefix, maxlen, asn))
            elif ptype == 7:                                # End of Data
                if not got_response:
                    raise ValueError("End of Data without Cache Response")
                return vrps
            elif ptype == 8:                                # Cache Reset
                raise RuntimeError("RTR server sent Cache Reset")
            # other PDUs (Router Key, ...) are not VRPs


def rtr_fetch_retry(addr, port, deadline=10.0):
    """stayrtr answers "No Data Available" (error 2) until it has loaded."""
    end = time.time() + deadline
    while True:
        try:
            return rtr_fetch(addr, port)
        except (OSError, RuntimeError) as e:
            if time.time() > end:
                raise RuntimeError("%s (retried for %.0f s)" % (e, deadline))
            time.sleep(0.3)


# --- mmdblookup ----------------------------------------------------------------

_mmdb_cache = {}


def mmdb(path, addr, *lookup):
    """The value at lookup path, or None when the address or path is absent.
    Domains share addresses, so answers are kept per (file, address, path)."""
    key = (path, addr) + lookup
    if key not in _mmdb_cache:
        _mmdb_cache[key] = _mmdb(path, addr, *lookup)
    return _mmdb_cache[key]


def _mmdb(path, addr, *lookup):
    r = subprocess.run(["mmdblookup", "--file", path, "--ip", addr] + list(lookup),
                       capture_output=True, text=True)
    if r.returncode != 0:
        text = r.stderr + r.stdout
        if "Could not find an entry" in text or "lookup path does not match" in text:
            return None
        raise RuntimeError("mmdblookup %s %s %s: rc %d: %s" %
                           (path, addr, " ".join(lookup), r.returncode, r.stderr.strip()))
    m = re.search(r'^\s*"(.*)" <utf8_string>\s*$', r.stdout, re.M)
    if m:
        return m.group(1)
    m = re.search(r"^\s*(\d+) <uint(16|32|64)>\s*$", r.stdout, re.M)
    if m:
        return int(m.group(1))
    raise RuntimeError("mmdblookup %s %s: cannot read %r" % (path, addr, r.stdout))


def mmdb_type(path):
    r = subprocess.run(["mmdblookup", "--file", path, "--ip", "0.0.0.0", "--verbose"],
                       capture_output=True, text=True)
    m = re.search(r"^\s*Type:\s*(\S+)", r.stdout, re.M)
    return m.group(1) if m else None


# --- the check ----------------------------------------------------------------

def run(state, truth_rows, tap):
    rdir = os.path.join(state, "routing")
    try:
        with open(os.path.join(rdir, "hosts.json")) as f:
            hosts = json.load(f)
        doc, vj = read_vrps_json(os.path.join(rdir, "vrps.json"))
        _, vrt = read_vrps_json(os.path.join(rdir, "vrps-routinator.json"))
        vc = read_vrps_csv(os.path.join(rdir, "vrps.csv"),
                           ["ASN", "IP Prefix", "Max Length", "Trust Anchor"])
        vr = read_vrps_csv(os.path.join(rdir, "vrps-rpki-client.csv"),
                           ["ASN", "IP Prefix", "Max Length", "Trust Anchor", "Expires"])
        pfx = read_pfx2as(os.path.join(rdir, "pfx2as.txt"))
        rib = read_rib(os.path.join(rdir, "rib.txt"))
    except (OSError, ValueError, KeyError) as e:
        tap.ok(False, "routing: read the routing files", str(e))
        return

    # The files agree with each other.
    meta = doc.get("metadata", {})
    tap.ok(isinstance(meta, dict) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", str(meta.get("buildtime"))),
           "routing: vrps.json has metadata.buildtime", repr(meta.get("buildtime")))
    tap.eq(meta.get("vrps"), len(doc["roas"]), "routing: vrps.json metadata.vrps counts the roas")
    tap.ok(vrt == vj, "routing: vrps-routinator.json holds the VRPs of vrps.json",
           "only in routinator json: %s\nonly in json: %s"
           % (sorted(map(str, vrt - vj)), sorted(map(str, vj - vrt))))
    tap.ok(vc == vj, "routing: vrps.csv holds the VRPs of vrps.json",
           "only in csv: %s\nonly in json: %s" % (sorted(map(str, vc - vj)), sorted(map(str, vj - vc))))
    tap.ok(vr == vj, "routing: vrps-rpki-client.csv holds the VRPs of vrps.json",
           "only in csv: %s\nonly in json: %s" % (sorted(map(str, vr - vj)), sorted(map(str, vj - vr))))
    from_rib = {p: pfx2as_field_from_rib(o) for p, o in rib.items()}
    tap.ok(from_rib == pfx, "routing: rib.txt announces what pfx2as.txt lists",
           "differ: %s" % sorted(str(p) for p in set(pfx) | set(from_rib) if pfx.get(p) != from_rib.get(p)))
    tap.ok(any("_" in v for v in pfx.values()), "routing: pfx2as.txt has a multi-origin line")
    tap.ok(any("," in v for v in pfx.values()), "routing: pfx2as.txt has an AS-set line")
    tap.ok(any(asn == 0 for _, _, asn in vj), "routing: the VRPs include an AS0 ROA")

    # What the RTR server serves.
    try:
        vt = rtr_fetch_retry(RTR_ADDR, RTR_PORT)
        tap.ok(vt == vj, "routing: stayrtr on %s:%d serves the VRPs of vrps.json (%d)"
               % (RTR_ADDR, RTR_PORT, len(vj)),
               "only via RTR: %s\nonly in json: %s" % (sorted(map(str, vt - vj)), sorted(map(str, vj - vt))))
    except (OSError, RuntimeError, ValueError) as e:
        tap.ok(False, "routing: fetch VRPs from stayrtr on %s:%d" % (RTR_ADDR, RTR_PORT), str(e))
        vt = None

    geo = os.path.join(rdir, "geo.mmdb")
    asndb = os.path.join(rdir, "asn.mmdb")
    tap.eq(mmdb_type(geo), "GeoLite2-Country", "routing: geo.mmdb database type")
    tap.eq(mmdb_type(asndb), "GeoLite2-ASN", "routing: asn.mmdb database type")

    sources = [("vrps.json", vj), ("vrps-routinator.json", vrt), ("vrps.csv", vc),
               ("vrps-rpki-client.csv", vr)]
    if vt is not None:
        sources.append(("rtr", vt))
    missing = object()
    route_cache = {}
    fallback = 0
    for row in truth_rows:
        dom = row["domain"]
        h = hosts.get(dom)
        if h is None:
            tap.ok(False, "%s: in hosts.json" % dom)
            continue
        for fam in ("v4", "v6"):
            addr = h.get("web_" + fam)
            if "web_ip" + fam in row:
                # The DNS part's truth names the same address (check_dns
                # proves that DNS serves it).
                tap.eq(addr, row["web_ip" + fam], "%s: hosts.json web_%s is web_ip%s" % (dom, fam, fam))
            want_origin = row.get(fam + "_origin_asn", missing)
            want_prefix = row.get(fam + "_prefix", missing)
            want_rov = row.get(fam + "_rov", missing)
            if addr is None:
                origin = prefix = None
                rovs = {name: None for name, _ in sources}
            elif addr in route_cache:
                origin, prefix, rovs = route_cache[addr]
            else:
                ip = ipaddress.ip_address(addr)
                match = longest_match(pfx, ip)
                if match is None:
                    origin = prefix = None
                    rovs = {name: "unrouted" for name, _ in sources}
                else:
                    field = pfx[match]
                    prefix = str(match)
                    # A multi-origin or AS-set field is no single origin: kept
                    # as text, it can never equal a truth value.
                    origin = int(field) if field.isdigit() else field
                    single = origin if isinstance(origin, int) else None
                    rovs = {name: rfc6811(match, single, v) for name, v in sources}
                route_cache[addr] = (origin, prefix, rovs)
            tap.eq(origin, want_origin, "%s: %s_origin_asn" % (dom, fam))
            tap.eq(prefix, want_prefix, "%s: %s_prefix" % (dom, fam))
            for name, _ in sources:
                tap.eq(rovs[name], want_rov, "%s: %s_rov (%s)" % (dom, fam, name))
        probe = h.get("web_v4") or h.get("web_v6")
        if probe is None:
            country = asn = org = None
        else:
            country = mmdb(geo, probe, "country", "iso_code")
            if country is None:
                country = mmdb(geo, probe, "registered_country", "iso_code")
                if country is not None:
                    fallback += 1
            asn = mmdb(asndb, probe, "autonomous_system_number")
            org = mmdb(asndb, probe, "autonomous_system_organization")
        tap.eq(country, row.get("hosting_country", missing), "%s: hosting_country" % dom)
        tap.eq(asn, row.get("hosting_asn", missing), "%s: hosting_asn" % dom)
        tap.eq(org, row.get("hosting_as_org", missing), "%s: hosting_as_org" % dom)
    tap.diag("routing: %d domain(s) got hosting_country from registered_country" % fallback)
