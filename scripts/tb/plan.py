"""The address plan and host names of a world: which name has which address.

Fixed infrastructure addresses (all in documentation space):

    root NSD        192.0.2.1     2001:db8::1     a.root-servers.net
    TLD NSD         192.0.2.2     2001:db8::2     ns1.nic.<tld>
    leaf NSD        192.0.2.3     2001:db8::3     ns1..nsN.<domain>
    RTR (stayrtr)   192.0.2.8     2001:db8::8     port 8282
    MX fallback     192.0.2.25    2001:db8::25    (domains without a network)
    Unbound         192.0.2.53    2001:db8::53    the crawl's resolver
    silent NS       192.0.2.60    2001:db8::60    lame=silent: reads queries, never answers
    unreachable NS  192.0.2.250   2001:db8::250   lame=unreachable: never configured

Web hosts live in their world network: every domain of a network shares the
network's first host address (nginx picks the site by SNI / Host), except
that TLS-version-restricted sites get the second (TLS 1.2 only) or third
(TLS 1.3 only) address, since nginx applies protocol settings per listening
address, not per name.  Likewise a port listens on an address for all of its
names or for none, so sites with nothing on 443 (tls=none) or nothing on 80
(http80=none) get addresses of their own.  The web slots (host index in the
network's prefixes; a network needs a /28 and a /124 or larger):

    slot  on 443              on 80
    1     TLS 1.2 and 1.3     HTTP
    2     TLS 1.2 only        HTTP
    3     TLS 1.3 only        HTTP
    4     nothing             HTTP       tls=none
    5-7   as 1-3              nothing    http80=none
    8     nothing             nothing    tls=none http80=none

Mail hosts (mailhost lines, scripts/tb/mailgen.py) take the network's host
indexes 9-14, in the order the world file lists them: one Postfix instance
per host, each on addresses of its own (a port listens on an address for
all names or none, and Postfix picks no certificate by name).  Name servers of their
own (nshost lines, the servers world) take host index 15, one per
network: the leaf NSD listens there (lame=none), an NSD serving no zone
(lame=refused), the silent responder (lame=silent); with v6=dead the
IPv6 address is configured and nothing listens on it.  The MTA-STS
policy hosts (mta-sts.<domain>, stspolicy=) all live on one nginx at
192.0.2.26 / 2001:db8::26, configured only in worlds that have a policy.
The TLS policy servers (tlspol= domains, the tlspolicy world,
scripts/tb/tlsgen.py) take host indexes 9-15 of their network, one per
case (domains of one case share it), in a network without mail hosts or
an nshost.
"""

import ipaddress

import webv6

ROOT_V4, ROOT_V6 = "192.0.2.1", "2001:db8::1"
TLD_V4, TLD_V6 = "192.0.2.2", "2001:db8::2"
LEAF_V4, LEAF_V6 = "192.0.2.3", "2001:db8::3"
RTR_V4, RTR_V6 = "192.0.2.8", "2001:db8::8"
RTR_PORT = 8282
MXFALLBACK_V4, MXFALLBACK_V6 = "192.0.2.25", "2001:db8::25"
# The MTA-STS policy server (nginx, every mta-sts.<domain> by SNI).
MTASTS_V4, MTASTS_V6 = "192.0.2.26", "2001:db8::26"
# Host indexes of a world network that hold mail hosts: after the web
# slots 1-8, inside the /28 every network has at least.
MAIL_SLOTS = range(9, 15)
# The host index of a network that holds its nshost (one per network).
NS_SLOT = 15
# The host indexes of tlspol= servers (the tlspolicy world, scripts/tb/
# tlsgen.py): one address per case of a network, in a network without
# mail hosts or an nshost.
TLSPOL_SLOTS = range(9, 16)
RESOLVER_V4, RESOLVER_V6 = "192.0.2.53", "2001:db8::53"
# Lame delegations (world key lame=): the glue of a silent delegation points
# at an address where a responder reads every query and never answers
# (scripts/tb/silent.py); that of an unreachable one at an address that is
# configured nowhere in the namespace (no route: the sender gets an error at
# once).  Both lie in the infrastructure /24, which holds no world network.
SILENT_V4, SILENT_V6 = "192.0.2.60", "2001:db8::60"
UNREACH_V4, UNREACH_V6 = "192.0.2.250", "2001:db8::250"
ROOT_NS = "a.root-servers.net"
INFRA_V4 = [ROOT_V4, TLD_V4, LEAF_V4, RTR_V4, MXFALLBACK_V4, RESOLVER_V4]
INFRA_V6 = [ROOT_V6, TLD_V6, LEAF_V6, RTR_V6, MXFALLBACK_V6, RESOLVER_V6]

TLSVER_SLOT = {"any": 1, "1.2": 2, "1.3": 3}
# slot: (TLS versions on 443 or None for nothing on 443, anything on 80)
WEB_SLOTS = {1: ("any", True), 2: ("1.2", True), 3: ("1.3", True), 4: (None, True),
             5: ("any", False), 6: ("1.2", False), 7: ("1.3", False), 8: (None, False)}


def web_slot(d):
    """The web slot of a domain entity (see the table above)."""
    slot = 4 if d["tls"] == "none" else TLSVER_SLOT[d["tlsver"]]
    return slot + 4 if d["http80"] == "none" else slot


def tlspol_slot(world, d):
    """The host index of tlspol domain d: the k-th case of its network
    takes TLSPOL_SLOTS[k] (the mail and nshost indexes: such a network has
    neither); domains of one case in one network share its server."""
    cases = []
    for e in world.domains:
        if e.get("tlspol") and e["net"] == d["net"] and e["tlspol"] not in cases:
            cases.append(e["tlspol"])
    k = cases.index(d["tlspol"])
    if k >= len(TLSPOL_SLOTS):
        raise ValueError("%s: network %s has no tlspol slot left for %s (at most %d cases "
                         "per network)" % (d.where, d["net"], d.name, len(TLSPOL_SLOTS)))
    if any(mh["net"] == d["net"] for mh in getattr(world, "mailhosts", {}).values()) or \
            any(nh["net"] == d["net"] for nh in getattr(world, "nshosts", {}).values()):
        raise ValueError("%s: network %s holds a tlspol domain and a mailhost or nshost "
                         "(they share host indexes 9-15)" % (d.where, d["net"]))
    return TLSPOL_SLOTS[k]


def _host(net, index):
    addr = net.network_address + index
    if addr not in net:
        raise ValueError("network %s is too small for web slot %d (needs /28, /124 or larger)"
                         % (net, index))
    return str(addr)


class DomainPlan:
    """Names and addresses of one domain.  Addresses are None when absent."""

    def __init__(self, d, world):
        self.name = d.name
        self.delegated = d["dns"] in ("ok", "servfail")
        self.served = d["dns"] == "ok"
        net = world.networks.get(d["net"]) if d["net"] else None
        self.network = net
        if d["web"] == "www":
            self.web_host = "www." + d.name
        else:
            self.web_host = d.name
        self.web_v4 = self.web_v6 = None
        self.web_slot = slot = web_slot(d)
        if self.served and d["web"] != "none" and net is not None:
            if d["v4"] == "yes":
                self.web_v4 = _host(net["v4"], slot)
            if d["v6"] == "yes":
                self.web_v6 = _host(net["v6"], slot)
        # tlspol= (the tlspolicy world): the case's own server, on an
        # address of its own in its network (TLSPOL_SLOTS; tlsgen.py).
        self.tlspol = d.get("tlspol")
        if self.tlspol is not None and self.served and d["web"] != "none" and net is not None:
            slot = tlspol_slot(world, d)
            self.web_v4 = _host(net["v4"], slot) if d["v4"] == "yes" else None
            self.web_v6 = _host(net["v6"], slot) if d["v6"] == "yes" else None
        # The host the crawler probes: the apex, or www when only www has
        # addresses (web=www).  With no address at all it is still the apex.
        self.probed_host = self.web_host if (self.web_v4 or self.web_v6) else d.name
        # Name servers: in-bailiwick ns1..nsN.<domain>, or a provider's
        # (nsp=) ns1..nsN.<provider>; mail hosts likewise (mxp=).
        nsp, mxp = d.get("nsp"), d.get("mxp")
        self.ns_in_bailiwick = nsp is None
        self.ns_hosts = ["ns%d.%s" % (i, nsp or d.name) for i in range(1, d["ns"] + 1)]
        if d.get("nshosts") is not None:
            # nshost lines: out of bailiwick, in provider zones (no glue).
            self.ns_hosts = list(d["nshosts"])
            self.ns_in_bailiwick = False
        # mxhosts=: the MX hosts are mailhost lines (their records are in
        # their own zones).
        self.mx_in_zone = mxp is None and d.get("mxhosts") is None
        if d.get("mxhosts") is not None:
            self.mx_hosts = list(d["mxhosts"])
        else:
            self.mx_hosts = ["mx%d.%s" % (i, mxp or d.name) for i in range(1, d["mx"] + 1)]
        if net is not None:
            self.mx_v4, self.mx_v6 = _host(net["v4"], 1), _host(net["v6"], 1)
        else:
            self.mx_v4, self.mx_v6 = MXFALLBACK_V4, MXFALLBACK_V6
        # www.<domain> a CNAME to web.<provider> (wwwcname=): with web=www
        # the probed host's addresses are the provider web host's (both
        # families, slot 1 of the provider's network).
        self.cname_target = None
        if d.get("wwwcname"):
            self.cname_target = "web." + d["wwwcname"]
            if self.web_host != d.name:
                pnet = world.networks[world.providers[d["wwwcname"]]["net"]]
                self.web_v4 = _host(pnet["v4"], 1) if self.served else None
                self.web_v6 = _host(pnet["v6"], 1) if self.served else None
                self.web_slot = 1
                self.probed_host = self.web_host if self.served else d.name
        # Every A and AAAA of the web host, and where nothing listens
        # (v6web=, the web world's webv6 section: scripts/tb/webv6.py).
        self.web_v4_all, self.web_v6_all, self.web_dead = webv6.addresses(d, self, net)
        # The glue the parent publishes for in-bailiwick NS hosts (v4, v6), by
        # how the delegation is lame; None: no glue (lame=noglue).
        lame = d.get("lame")
        if lame == "silent":
            self.glue = (SILENT_V4, SILENT_V6)
        elif lame == "unreachable":
            self.glue = (UNREACH_V4, UNREACH_V6)
        elif lame == "noglue":
            self.glue = None
        else:                       # served, or refused by the leaf server
            self.glue = (LEAF_V4, LEAF_V6)


class ProviderPlan:
    """Names and addresses of a provider zone (not listed)."""

    NS_HOSTS = 4        # ns1..ns4: as many as a domain's ns= may use
    MX_HOSTS = 4        # mx1..mx4: as many as a domain's mx= may use

    def __init__(self, pv, world):
        self.name = pv.name
        net = world.networks.get(pv["net"]) if pv["net"] else None
        self.ns_hosts = ["ns%d.%s" % (i, pv.name) for i in range(1, self.NS_HOSTS + 1)]
        self.mx_hosts = ["mx%d.%s" % (i, pv.name) for i in range(1, self.MX_HOSTS + 1)]
        if net is not None:
            self.mx_v4, self.mx_v6 = _host(net["v4"], 1), _host(net["v6"], 1)
            self.web_v4, self.web_v6 = _host(net["v4"], 1), _host(net["v6"], 1)
        else:
            self.mx_v4, self.mx_v6 = MXFALLBACK_V4, MXFALLBACK_V6
            self.web_v4 = self.web_v6 = None
        self.web_host = "web." + pv.name


class MailhostPlan:
    """Addresses and zone of a mailhost (None: no address of that family)."""

    def __init__(self, mh, index, world):
        import world as worldmod
        self.name = mh.name
        net = world.networks[mh["net"]]
        slot = MAIL_SLOTS[index]
        self.slot = slot
        self.v4 = _host(net["v4"], slot) if mh["v4"] == "yes" else None
        self.v6 = _host(net["v6"], slot) if mh["v6"] == "yes" else None
        self.zone = worldmod.mailhost_zone(world, mh.name)

    def addresses(self):
        return [a for a in (self.v4, self.v6) if a]


class NshostPlan:
    """Addresses of an nshost (v6 None with v6=no) and which answer."""

    def __init__(self, nh, world):
        self.name = nh.name
        self.zone = nh.name.split(".", 1)[1]
        net = world.networks[nh["net"]]
        self.v4 = _host(net["v4"], NS_SLOT)
        self.v6 = _host(net["v6"], NS_SLOT) if nh["v6"] != "no" else None
        self.lame = nh["lame"]
        self.v6_mode = nh["v6"]

    def answering(self):
        """The addresses where the leaf server answers for the host's zones."""
        if self.lame != "none":
            return []
        return [self.v4] + ([self.v6] if self.v6_mode == "yes" else [])

    def by_kind(self, kind):
        """Addresses served by: 'leaf', 'refuser', 'silent' (or none)."""
        addrs = [self.v4] + ([self.v6] if self.v6 else [])
        if self.lame == "none":
            return self.answering() if kind == "leaf" else []
        if kind == ("refuser" if self.lame == "refused" else "silent"):
            return addrs
        return []


class Plan:
    def __init__(self, world):
        self.world = world
        self.domains = {d.name: DomainPlan(d, world) for d in world.domains}
        self.providers = {n: ProviderPlan(pv, world) for n, pv in world.providers.items()}
        self.nshosts = {n: NshostPlan(nh, world)
                        for n, nh in getattr(world, "nshosts", {}).items()}
        self.has_silent = any(d.get("lame") == "silent" for d in world.domains) or \
            any(nh.lame == "silent" for nh in self.nshosts.values())
        self.mailhosts = {}
        used = {}
        for name, mh in getattr(world, "mailhosts", {}).items():
            k = used.get(mh["net"], 0)
            if k >= len(MAIL_SLOTS):     # world.py refuses such a world first
                raise ValueError("%s: network %s has no mail slot left for %s (at most %d "
                                 "mail hosts per network)" % (mh.where, mh["net"], name,
                                                              len(MAIL_SLOTS)))
            used[mh["net"]] = k + 1
            self.mailhosts[name] = MailhostPlan(mh, k, world)
        self.has_mtasts = any(d.get("stspolicy") is not None for d in world.domains)

    def __getitem__(self, name):
        return self.domains[name]

    def local_addresses(self):
        """Every address to configure on the namespace's loopback."""
        v4, v6 = list(INFRA_V4), list(INFRA_V6)
        if self.has_silent:
            v4.append(SILENT_V4)
            v6.append(SILENT_V6)
        if self.has_mtasts:
            v4.append(MTASTS_V4)
            v6.append(MTASTS_V6)
        for net in self.world.networks.values():
            for slot in sorted(WEB_SLOTS):
                v4.append(_host(net["v4"], slot))
                v6.append(_host(net["v6"], slot))
        for dp in self.domains.values():     # tlspol= case servers
            if dp.tlspol is not None:
                v4 += [dp.web_v4] if dp.web_v4 and dp.web_v4 not in v4 else []
                v6 += [dp.web_v6] if dp.web_v6 and dp.web_v6 not in v6 else []
        for nh in self.nshosts.values():
            v4.append(nh.v4)
            if nh.v6:
                v6.append(nh.v6)
        # Every mail slot in use, both families: an address a host does not
        # publish is still configured (nothing listens there).
        for mp in self.mailhosts.values():
            net = self.world.networks[self.world.mailhosts[mp.name]["net"]]
            for a in (_host(net["v4"], mp.slot), _host(net["v6"], mp.slot)):
                (v6 if ":" in a else v4).append(a)
        return v4, v6

    def web_listeners(self):
        """(network name, slot, v4, v6) for every web address (WEB_SLOTS says
        which ports listen there)."""
        out = []
        for name, net in self.world.networks.items():
            for slot in sorted(WEB_SLOTS):
                out.append((name, slot, _host(net["v4"], slot), _host(net["v6"], slot)))
        return out
