"""The address plan and host names of a world: which name has which address.

Fixed infrastructure addresses (all in documentation space):

    root NSD        192.0.2.1     2001:db8::1     a.root-servers.net
    TLD NSD         192.0.2.2     2001:db8::2     ns1.nic.<tld>
    leaf NSD        192.0.2.3     2001:db8::3     ns1..nsN.<domain>
    RTR (stayrtr)   192.0.2.8     2001:db8::8     port 8282
    MX fallback     192.0.2.25    2001:db8::25    (domains without a network)
    Unbound         192.0.2.53    2001:db8::53    the crawl's resolver

Web hosts live in their world network: every domain of a network shares the
network's first host address (nginx picks the site by SNI / Host), except
that TLS-version-restricted sites get the second (TLS 1.2 only) or third
(TLS 1.3 only) address, since nginx applies protocol settings per listening
address, not per name.
"""

import ipaddress

ROOT_V4, ROOT_V6 = "192.0.2.1", "2001:db8::1"
TLD_V4, TLD_V6 = "192.0.2.2", "2001:db8::2"
LEAF_V4, LEAF_V6 = "192.0.2.3", "2001:db8::3"
RTR_V4, RTR_V6 = "192.0.2.8", "2001:db8::8"
RTR_PORT = 8282
MXFALLBACK_V4, MXFALLBACK_V6 = "192.0.2.25", "2001:db8::25"
RESOLVER_V4, RESOLVER_V6 = "192.0.2.53", "2001:db8::53"
ROOT_NS = "a.root-servers.net"
INFRA_V4 = [ROOT_V4, TLD_V4, LEAF_V4, RTR_V4, MXFALLBACK_V4, RESOLVER_V4]
INFRA_V6 = [ROOT_V6, TLD_V6, LEAF_V6, RTR_V6, MXFALLBACK_V6, RESOLVER_V6]

TLSVER_SLOT = {"any": 1, "1.2": 2, "1.3": 3}


def _host(net, index):
    return str(net.network_address + index)


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
        if self.served and d["web"] != "none" and net is not None:
            slot = TLSVER_SLOT[d["tlsver"]]
            if d["v4"] == "yes":
                self.web_v4 = _host(net["v4"], slot)
            if d["v6"] == "yes":
                self.web_v6 = _host(net["v6"], slot)
        # The host the crawler probes: the apex, or www when only www has
        # addresses (web=www).  With no address at all it is still the apex.
        self.probed_host = self.web_host if (self.web_v4 or self.web_v6) else d.name
        self.ns_hosts = ["ns%d.%s" % (i, d.name) for i in range(1, d["ns"] + 1)]
        self.mx_hosts = ["mx%d.%s" % (i, d.name) for i in range(1, d["mx"] + 1)]
        if net is not None:
            self.mx_v4, self.mx_v6 = _host(net["v4"], 1), _host(net["v6"], 1)
        else:
            self.mx_v4, self.mx_v6 = MXFALLBACK_V4, MXFALLBACK_V6


class Plan:
    def __init__(self, world):
        self.world = world
        self.domains = {d.name: DomainPlan(d, world) for d in world.domains}

    def __getitem__(self, name):
        return self.domains[name]

    def local_addresses(self):
        """Every address to configure on the namespace's loopback."""
        v4, v6 = list(INFRA_V4), list(INFRA_V6)
        for net in self.world.networks.values():
            for slot in sorted(set(TLSVER_SLOT.values())):
                v4.append(_host(net["v4"], slot))
                v6.append(_host(net["v6"], slot))
        return v4, v6

    def web_listeners(self):
        """(network name, slot, v4, v6) for every address nginx listens on."""
        out = []
        for name, net in self.world.networks.items():
            for slot in sorted(set(TLSVER_SLOT.values())):
                out.append((name, slot, _host(net["v4"], slot), _host(net["v6"], slot)))
        return out
