"""IPv6 that works (issue 17 point 2; the webv6 section of tests/worlds/web):
the addresses of a web host beyond one per family, the IPv6 side of a
dual-stack host as nginx serves it, and the truth of ipv6_web_reachable,
ipv6_web_same, web_addrs_tested and web_addrs_reachable (docs/web.md,
"IPv6 and every address").

The world key v6web= (scripts/tb/world.py) of a domain with a network:

    same    the default: the IPv6 side is the IPv4 side's server block
    dead    the AAAA is web slot 8 of the network, where nothing listens
    other   the IPv6 side is a server block of its own that sends the
            same headers but no Strict-Transport-Security
    multi   two A and two AAAA: the slot's own pair, plus the slot's twin
            without port 80 (slot + 4, same TLS settings) as a second A
            and slot 8 (nothing listens) as a second AAAA

An IPv6-only host is the existing v4=no.  The extra addresses sort after
the slot's own in the zone (a higher host index), so the first A and
first AAAA the resolver returns are the slot's own (check_dns proves
web_ipv4 and web_ipv6 are).
"""

import ipaddress

KINDS = ("same", "dead", "other", "multi")
# The web slot where nothing listens (plan.py's slot 8: nothing on 443 or 80).
DEAD_SLOT = 8
# The slot twin without port 80 of slots 1-3 (plan.py's WEB_SLOTS).
TWIN_OFFSET = 4
# WEB_MAX_ADDRS_TESTED of crawler/web/webprobe.h: addresses tried per host.
MAX_ADDRS_TESTED = 8

COLUMNS = ("ipv6_web_reachable", "ipv6_web_same", "web_addrs_tested", "web_addrs_reachable")


def _host(prefix, index):
    return str(ipaddress.ip_network(prefix).network_address + index)


def addresses(d, p, net):
    """(every A, every AAAA, the addresses where nothing listens) of domain
    d's probed host, plan p (web_v4 / web_v6 set); may move p.web_v6 to the
    dead slot (v6web=dead)."""
    kind = d.get("v6web") or "same"
    v4 = [p.web_v4] if p.web_v4 else []
    v6 = [p.web_v6] if p.web_v6 else []
    dead = set()
    if kind == "same" or net is None or not (p.web_v4 and p.web_v6):
        return v4, v6, dead
    if kind == "dead":
        p.web_v6 = _host(net["v6"], DEAD_SLOT)
        v6, dead = [p.web_v6], {p.web_v6}
    elif kind == "multi":
        if p.web_slot > 3:
            raise ValueError("%s: v6web=multi needs web slot 1-3 (a server on 80 and 443)"
                             % d.name)
        v4.append(_host(net["v4"], p.web_slot + TWIN_OFFSET))
        v6.append(_host(net["v6"], DEAD_SLOT))
        dead.add(v6[-1])
    return v4, v6, dead


def live(p, addrs):
    """addrs without those where nothing listens for p."""
    return [a for a in addrs if a and a not in p.web_dead]


def listen(p, d, port, params):
    """nginx listen lines of domain d's server block on port: every live
    address (443: the extra ones too; 80: the slot's own), the IPv6 side
    left to other_block with v6web=other."""
    if port == 443:
        addrs = live(p, p.web_v4_all) + live(p, p.web_v6_all)
    else:
        addrs = live(p, [p.web_v4, p.web_v6])
    if (d.get("v6web") or "same") == "other" and port == 443:
        addrs = [a for a in addrs if a != p.web_v6]
    return ["    listen %s:%d%s;" % ("[%s]" % a if ":" in a else a, port, params) for a in addrs]


def other_block(d, p, block, params):
    """v6web=other: the IPv6 side's server block, a copy of the IPv4
    side's (block: its lines) on the IPv6 address, without HSTS."""
    if (d.get("v6web") or "same") != "other" or not p.web_v6:
        return []
    out = ["server {  # %s: v6web=other, the IPv6 side (no HSTS)" % d.name,
           "    listen [%s]:443%s;" % (p.web_v6, params)]
    for ln in block[1:]:
        if ln.lstrip().startswith("listen ") or "Strict-Transport-Security" in ln:
            continue
        out.append(ln)
    return out


def truth(world, plan, out, slots):
    """Add COLUMNS to every row of out (webgen's truth: the tls and http
    columns set), as a crawl with the tls and http probes records them;
    slots: plan.py's WEB_SLOTS.  Also v6_resumed (not a column): the
    extra handshakes of steps 7 and 8 that resume the first one's TLS 1.3
    session (the same server block, which gives tickets; compare.py's
    resumption count)."""
    for d in world.domains:
        row = out.get(d.name)
        if row is None:
            continue
        p = plan[d.name]
        row.update(dict.fromkeys(COLUMNS))
        row["v6_resumed"] = 0
        if not (p.web_v4 or p.web_v6):
            continue
        on443 = slots[p.web_slot][0] is not None
        kind = d.get("v6web") or "same"
        addrs = (p.web_v4_all + p.web_v6_all)[:MAX_ADDRS_TESTED]
        row["web_addrs_tested"] = len(addrs)
        row["web_addrs_reachable"] = sum(1 for a in addrs if on443 and a not in p.web_dead)
        if not p.web_v6:
            continue
        if not p.web_v4:
            # IPv6-only: steps 3-4 were over IPv6
            row["ipv6_web_reachable"] = row["tls_status"] == "ok" and \
                row["http_status"] is not None
            continue
        reached = on443 and p.web_v6 not in p.web_dead
        row["ipv6_web_reachable"] = reached
        if reached and row["http_status"] is not None:
            row["ipv6_web_same"] = kind != "other"
        if row["tls_version"] == "TLSv1.3":
            # the IPv6 GET on the same server block, and the extra live
            # addresses of step 8 (the first of each family excluded)
            row["v6_resumed"] = (1 if reached and kind != "other" else 0) + \
                sum(1 for a in addrs[:] if a not in (p.web_v4, p.web_v6) and
                    a not in p.web_dead)
    return out
