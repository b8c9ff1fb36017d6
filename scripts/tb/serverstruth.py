"""Ground truth of the servers stage's columns (issue 18; docs/dns.md):
the routes of every NS, MX and web address of a domain, the NS hosts'
IPv6 and lameness, their origin ASes, and the DNSSEC of the MX hosts'
zones.  Called from dnsgen.truth() for every world.

The ROV state of each address is routegen's RFC 6811 computation
(routegen.Lookup over the world's announcements and VRPs, the same data
the crawl is given); the set's state is the worst over its routed
addresses (invalid_as > invalid_length > not_found > valid), unrouted
when none is routed.  Addresses are those the world's zones publish:

- NS hosts: in-bailiwick nsN.<domain> on the leaf server (AAAA with
  ns6=yes), a provider's nsN.<provider> on the leaf server (both
  families), an `nshost` line on slot 15 of its network (AAAA unless
  v6=no; v6=dead publishes an AAAA where nothing listens; lame=refused
  or silent: no address of it answers for the zone).
- MX hosts: mxN.<domain> (slot 1 or the MX fallback; AAAA with mx6=yes),
  a provider's (both families), a mailhost's own addresses.
- Web: the probed host's one A and one AAAA (the world publishes one of
  each at most).

Every crawl these are compared against has --vrps, --bgp, the dnssec
probe and the ns probe on (tests/servers/meson.build); without them the
columns are null (docs/dns.md), which this truth does not model.
"""

import plan as planmod
import routegen

COLUMNS = ["ns_rov", "ns_rov_addrs", "mx_rov", "mx_rov_addrs", "web_rov_all",
           "web_rov_addrs", "ns_v6_count", "ns_v6_reachable", "ns_lame",
           "ns_asn_count", "mx_dnssec"]

BADNESS = {"valid": 0, "not_found": 1, "invalid_length": 2, "invalid_as": 3}


def _rov(look, addrs):
    """(state, count) over the distinct addresses; (None, None) for none."""
    addrs = list(dict.fromkeys(addrs))
    if not addrs:
        return None, None
    routed = [look.route(a)[2] for a in addrs]
    routed = [s for s in routed if s != "unrouted"]
    if not routed:
        return "unrouted", len(addrs)
    return max(routed, key=lambda s: BADNESS[s]), len(addrs)


def ns_hosts(world, plan, d):
    """[(host, v4 addresses, v6 addresses, answering addresses)]."""
    p = plan[d.name]
    nshosts = getattr(plan, "nshosts", {})
    out = []
    for h in p.ns_hosts:
        nh = nshosts.get(h)
        if nh is not None:
            v4 = [nh.v4]
            v6 = [nh.v6] if nh.v6 else []
            answering = nh.answering()
        elif p.ns_in_bailiwick:
            v4 = [planmod.LEAF_V4]
            v6 = [planmod.LEAF_V6] if d["ns6"] == "yes" else []
            answering = v4 + v6
        else:
            v4, v6 = [planmod.LEAF_V4], [planmod.LEAF_V6]
            answering = v4 + v6
        out.append((h, v4, v6, answering))
    return out


def _own_mx_status(world, d):
    """The verdict on the A answer of an mxN.<domain> host: the own zone's,
    except that break=rrsig_missing and sig_corrupt touch only the web
    host's addresses (dnsgen._edit_signed)."""
    import dnsgen           # (dnsgen imports this module)
    status = dnsgen.dnssec_truth(world, d)[0]
    if d["break"] in ("rrsig_missing", "sig_corrupt"):
        probe = dict(d.attrs, **{"break": "none"})
        status = dnsgen.dnssec_truth(world, _Fake(d, probe))[0]
    return status


class _Fake:
    """A domain entity with other attributes (for _own_mx_status)."""

    def __init__(self, d, attrs):
        self.name, self.attrs = d.name, attrs

    def __getitem__(self, key):
        return self.attrs[key]

    def get(self, key, default=None):
        return self.attrs.get(key, default)


def mx_hosts(world, plan, d):
    """[(host, [addresses], zone verdict)] of the domain's MX hosts."""
    import dnsgen           # (dnsgen imports this module)
    p = plan[d.name]
    if d["mx"] == 0 and d.get("mxhosts") is None:
        return []
    out = []
    for h in p.mx_hosts:
        if h in plan.mailhosts:
            mp = plan.mailhosts[h]
            out.append((h, mp.addresses(), dnsgen.zone_status(world, mp.zone)))
        elif d["mxp"] is not None:
            pp = plan.providers[d["mxp"]]
            out.append((h, [pp.mx_v4, pp.mx_v6],
                        dnsgen.provider_truth(world, world.providers[d["mxp"]])[0]))
        else:
            addrs = [p.mx_v4] + ([p.mx_v6] if d["mx6"] == "yes" else [])
            out.append((h, addrs, _own_mx_status(world, d)))
    return out


def truth(world, plan):
    look = routegen.Lookup(routegen.build(world))
    out = {}
    for d in world.domains:
        row = {c: None for c in COLUMNS}
        out[d.name] = row
        if d["dns"] != "ok":
            continue        # no zone answering: every column null
        p = plan[d.name]
        # A name inside its TLD's (or in=PARENT's) zone has no NS RRset.
        ns = ns_hosts(world, plan, d) if not d["inline"] else []
        ns_addrs = [a for _, v4, v6, _ in ns for a in v4 + v6]
        row["ns_rov"], row["ns_rov_addrs"] = _rov(look, ns_addrs)
        if ns:
            row["ns_v6_count"] = sum(1 for _, _, v6, _ in ns if v6)
            row["ns_v6_reachable"] = sum(1 for _, _, v6, ans in ns
                                         if any(a in ans for a in v6))
            row["ns_lame"] = sum(1 for _, _, _, ans in ns if not ans)
        if ns_addrs:
            row["ns_asn_count"] = len({look.route(a)[0] for a in set(ns_addrs)
                                       if look.route(a)[0] is not None})
        mx = mx_hosts(world, plan, d)
        row["mx_rov"], row["mx_rov_addrs"] = _rov(look, [a for _, addrs, _ in mx for a in addrs])
        if mx:
            verdicts = [v for _, _, v in mx]
            if any(v in ("insecure", "bogus") for v in verdicts):
                row["mx_dnssec"] = False
            elif all(v == "secure" for v in verdicts):
                row["mx_dnssec"] = True
        row["web_rov_all"], row["web_rov_addrs"] = _rov(
            look, [a for a in (p.web_v4, p.web_v6) if a])
    return out
