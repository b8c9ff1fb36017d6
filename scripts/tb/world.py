"""World files: the parser and the data model of the simulated Internet.

A world file is line oriented; '#' starts a comment; tokens are split as a
shell would (shlex), so values with spaces are quoted.  Four kinds of line:

    root    sign=ALG [denial=nsec|nsec3]
    tld     NAME [sign=ALG|none] [denial=nsec|nsec3] [iterations=N] [ds=yes|no]
                 [country=CC]
    network NAME v4=PREFIX v6=PREFIX asn=N org=TEXT country=CC
                 [rov4=STATE] [rov6=STATE] [geo=country|registered] [regcountry=CC]
    provider NAME [sign=ALG|none] [denial=nsec|nsec3] [iterations=N] [ds=yes|no]
                 [net=NETWORK] [dane=yes|no]
    mailhost NAME net=NETWORK [v4=yes|no] [v6=yes|no] [smtp=starttls|plain|none]
                 [tlsver=any|1.2|1.3] [cert=ok|selfsigned|untrusted|expired|wrongname]
                 [tlsa=none|ee|ee-bad|ta]
    domain  NAME key=value ...

A provider is a zone that is not in the list: name servers, mail hosts and a
web host that listed domains point at (nsp=, mxp=, wwwcname=).  A mailhost is
a real SMTP server (Postfix, scripts/tb/mailgen.py) named NAME inside a
listed domain's or a provider's zone; domains point at it with mxhosts=.

Every key, its values and its default are in DOMAIN_KEYS below; docs/testbed.md
explains them.  A bad line raises WorldError naming the file and line.
"""

import ipaddress
import shlex

import tlscases

ROV_STATES = ("valid", "invalid_as", "invalid_length", "not_found", "unrouted")
SIGN_ALGS = ("none", "8", "13", "15")
ALG_NAMES = {"8": "RSASHA256", "13": "ECDSAP256SHA256", "15": "ED25519"}


class WorldError(Exception):
    """A malformed world: the message names file and line."""


def _choice(*values):
    def check(v):
        if v not in values:
            raise ValueError("must be one of " + ", ".join(values))
        return v
    return check


def _int(lo, hi):
    def check(v):
        n = int(v)
        if n < lo or n > hi:
            raise ValueError("must be in %d..%d" % (lo, hi))
        return n
    return check


def _digests(v):
    out = []
    for part in v.split(","):
        if part not in ("1", "2", "4"):
            raise ValueError("digest types are 1, 2 or 4, comma separated")
        out.append(int(part))
    return sorted(set(out))


def _text(v):
    if any(c in v for c in "\n\r\x00"):
        raise ValueError("control characters not allowed")
    return v


YESNO = _choice("yes", "no")


def _names(v):
    out = [n.strip() for n in v.split(",")]
    if not all(out):
        raise ValueError("empty name in the list")
    return out


def _patterns(v):
    out = [n.strip() for n in v.split(",")]
    if not all(out) or any(c.isspace() for n in out for c in n):
        raise ValueError("empty or blank-holding pattern in the list")
    return out

# key: (parser, default, meaning).  A default of None means "absent".
DOMAIN_KEYS = {
    # metadata (for --meta and the list)
    "country":   (_text, None, "country label for the metadata CSV (default: the TLD's country)"),
    "sector":    (_text, "other", "sector label for the metadata CSV"),
    "rank":      (_int(1, 10**9), None, "rank in the list (default: position + 1)"),
    # DNS
    "dns":       (_choice("ok", "nxdomain", "servfail"), "ok",
                  "ok: delegated and served; nxdomain: not in the TLD; servfail: lame delegation"),
    "lame":      (_choice("silent", "refused", "unreachable", "noglue"), None,
                  "how the delegation is lame (implies dns=servfail; the DS is still "
                  "published as ds= says): the NS address never answers, answers "
                  "REFUSED, is not configured, or has no glue"),
    "nsp":       (_text, None, "provider whose ns1..nsN host the zone (instead of in-bailiwick NS)"),
    "mxp":       (_text, None, "provider whose mx1..mxN are the MX hosts (instead of mxN.<domain>)"),
    "wwwcname":  (_text, None, "provider: www.<domain> is a CNAME to web.<provider>"),
    "ns":        (_int(1, 4), 2, "number of NS records (in-bailiwick ns1..nsN with glue)"),
    "ns6":       (YESNO, "yes", "the NS hosts have AAAA records"),
    "web":       (_choice("apex", "www", "none"), "apex",
                  "which name carries the web addresses: apex, only www, or none"),
    "v4":        (YESNO, "yes", "web host has an A record"),
    "v6":        (YESNO, "yes", "web host has an AAAA record"),
    "net":       (_text, None, "hosting network (a network line) of the web host"),
    "v6web":     (_choice("same", "dead", "other", "multi"), "same",
                  "the IPv6 side of a dual-stack web host (scripts/tb/webv6.py): the same "
                  "server, an AAAA where nothing listens, a server with other headers, or "
                  "a second A and a dead second AAAA"),
    # DNSSEC
    "sign":      (_choice(*SIGN_ALGS), "13", "zone signing algorithm, or none"),
    "denial":    (_choice("nsec", "nsec3"), "nsec", "authenticated denial type"),
    "iterations": (_int(0, 100), 0, "NSEC3 iterations"),
    "ds":        (_choice("yes", "no", "mismatch"), "yes",
                  "DS at the parent: matching, none, or one matching no DNSKEY"),
    "digest":    (_digests, [2], "DS digest types, e.g. 2 or 2,4"),
    "break":     (_choice("none", "expired", "notyet", "dnskey_missing",
                          "rrsig_missing", "sig_corrupt"), "none",
                  "deliberate DNSSEC failure in the leaf zone"),
    # TLS on 443
    "tls":       (_choice("ok", "expired", "notyet", "wrongname", "selfsigned",
                          "untrusted", "none"), "ok",
                  "certificate case; none: nothing listens on 443"),
    "key":       (_choice("ec256", "rsa2048", "rsa1024"), "ec256", "certificate key"),
    "tlsver":    (_choice("any", "1.2", "1.3"), "any", "TLS versions the server allows"),
    "ocsp":      (YESNO, "no", "server staples an OCSP response"),
    "tlspol":    (_choice(*tlscases.CASES), None,
                  "a TLS policy case of scripts/tb/tlscases.py: the web host is that "
                  "case's server on an address of its own (scripts/tb/tlsgen.py), not "
                  "the world's nginx"),
    # HTTP headers (raw values as the server sends them; absent when not given)
    "hsts":      (_text, None, "Strict-Transport-Security value"),
    "csp":       (_text, None, "Content-Security-Policy value"),
    "xfo":       (_text, None, "X-Frame-Options value"),
    "xcto":      (_text, None, "X-Content-Type-Options value"),
    "referrer":  (_text, None, "Referrer-Policy value"),
    "permissions": (_text, None, "Permissions-Policy value"),
    "http80":    (_choice("redirect", "redirect-other", "plain", "none"), "redirect",
                  "port 80: redirect to https same host, to another host, plain 200, nothing listening"),
    "sectxt":    (_choice("valid", "invalid", "absent", "legacy", "redirect", "legacy-redirect",
                          "offhost", "signed", "far"), "absent",
                  "security.txt: /.well-known/ valid|invalid; only /security.txt (legacy); "
                  "/.well-known/ 301 to a same-host path (redirect); only /security.txt, 302 "
                  "to a relative path (legacy-redirect); /.well-known/ 301 to another host "
                  "(offhost); OpenPGP cleartext-signed (signed); Expires 2 years ahead (far)"),
    # mail and other records
    "mx":        (_int(0, 4), 0, "number of MX records (mx1..mxN in the zone)"),
    "mx6":       (YESNO, "yes", "the MX hosts have AAAA records"),
    "spf":       (_text, None, "SPF TXT record at the apex"),
    "dmarc":     (_text, None, "TXT record at _dmarc"),
    "mtasts":    (YESNO, "no", "_mta-sts TXT record (v=STSv1)"),
    "tlsrpt":    (YESNO, "no", "_smtp._tls TXT record (v=TLSRPTv1)"),
    "dane_mx":   (YESNO, "no", "TLSA at _25._tcp of each MX host"),
    "dane_web":  (_choice("yes", "no", "ee", "ta"), "no",
                  "TLSA at _443._tcp of the web host: yes a record matching nothing, ee "
                  "3 1 1 of the served key, ta 2 0 1 of the issuing intermediate CA"),
    "nshosts":   (_names, None, "comma-separated nshost names: the NS records (instead of "
                  "ns=, nsp=)"),
    "mxhosts":   (_names, None, "comma-separated mailhost names: the MX records, in "
                  "preference order (instead of mx=/mxp=)"),
    "stspolicy": (_choice("enforce", "testing", "none", "invalid", "404", "untrusted"), None,
                  "MTA-STS policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt "
                  "(implies mtasts=yes): a valid policy of that mode, one with a bad mode "
                  "value, a 404, or a certificate from the untrusted CA; absent: no "
                  "mta-sts host at all"),
    "stsmx":     (_patterns, None, "comma-separated mx patterns of the policy "
                  "(default: the MX host names)"),
    "tlsrpt_rua": (_text, None, "rua= value of the _smtp._tls TXT (implies tlsrpt=yes; "
                   "default mailto:tlsrpt@<domain>)"),
    "caa":       (YESNO, "no", "CAA record at the apex"),
    "in":        (_text, None, "a listed domain (dns=ok, delegated) whose zone holds this "
                  "name's records: a listed name inside another listed zone, not delegated; "
                  "it shares that zone's DNSSEC"),
    "https_rr":  (YESNO, "no", "HTTPS (type 65) record at the web host"),
}

TLD_KEYS = {
    "sign":      (_choice(*SIGN_ALGS), "8", "TLD signing algorithm, or none"),
    "denial":    (_choice("nsec", "nsec3"), "nsec3", "denial type"),
    "iterations": (_int(0, 100), 0, "NSEC3 iterations"),
    "ds":        (YESNO, "yes", "DS in the root"),
    "country":   (_text, None, "country of a ccTLD (ISO 3166-1 alpha-2)"),
    "inline":    (YESNO, "no", "its domains are names in the TLD zone itself, not delegated "
                  "zones: cheap to serve, for bench worlds; they share the TLD's DNSSEC"),
    "optout":    (YESNO, "no", "NSEC3 opt-out (RFC 5155 6): unsigned delegations are not "
                  "in the NSEC3 chain"),
}

PROVIDER_KEYS = {
    "sign":      (_choice(*SIGN_ALGS), "13", "zone signing algorithm, or none"),
    "denial":    (_choice("nsec", "nsec3"), "nsec3", "authenticated denial type"),
    "iterations": (_int(0, 100), 0, "NSEC3 iterations"),
    "ds":        (YESNO, "yes", "DS at the parent"),
    "net":       (_text, None, "network of web.<provider> and of its mail hosts"),
    "dane":      (YESNO, "no", "TLSA at _25._tcp of each mail host"),
}

MAILHOST_KEYS = {
    "net":       (_text, None, "network whose mail slots (plan.py) hold the host's addresses"),
    "v4":        (YESNO, "yes", "the host has an A record (and a server on it)"),
    "v6":        (YESNO, "yes", "the host has an AAAA record (and a server on it)"),
    "smtp":      (_choice("starttls", "plain", "none"), "starttls",
                  "Postfix offering STARTTLS, Postfix without STARTTLS, nothing listening"),
    "tlsver":    (_choice("any", "1.2", "1.3"), "any", "TLS versions the server allows"),
    "cert":      (_choice("ok", "selfsigned", "untrusted", "expired", "wrongname"), "ok",
                  "certificate case (as tls= of a domain)"),
    "tlsa":      (_choice("none", "ee", "ee-bad", "ta"), "none",
                  "TLSA at _25._tcp.NAME: none, 3 1 1 of the host's key, 3 1 1 matching "
                  "nothing, 2 0 1 of the issuing intermediate CA (needs cert=ok)"),
}

# An nshost line: a name server of its own on slot 15 of its network
# (scripts/tb/plan.py), for the servers world (issue 18): NS hosts in
# networks of every ROV state and in several ASes, without IPv6, with an
# IPv6 address nothing answers at, lame (refusing or silent).
NSHOST_KEYS = {
    "net":       (_text, None, "network whose slot 15 holds the host's addresses"),
    "v6":        (_choice("yes", "no", "dead"), "yes",
                  "an AAAA record: answered there, none, or one where nothing listens"),
    "lame":      (_choice("none", "refused", "silent"), "none",
                  "the host answers for its zones (the leaf server listens there), "
                  "refuses them (an NSD serving no zone), or never answers"),
}

ROOT_KEYS = {
    "sign":      (_choice("8", "13", "15"), "8", "root signing algorithm"),
    "denial":    (_choice("nsec", "nsec3"), "nsec", "denial type"),
}

NETWORK_KEYS = {
    "v4":      (ipaddress.IPv4Network, None, "IPv4 prefix (within documentation space)"),
    "v6":      (ipaddress.IPv6Network, None, "IPv6 prefix (within 2001:db8::/32)"),
    "asn":     (_int(1, 2**32 - 1), None, "origin AS"),
    "org":     (_text, None, "AS organisation"),
    "country": (_text, None, "country of the network (ISO alpha-2)"),
    "rov4":    (_choice(*ROV_STATES), "valid", "ROV case for the IPv4 prefix"),
    "rov6":    (_choice(*ROV_STATES), "valid", "ROV case for the IPv6 prefix"),
    "geo":     (_choice("country", "registered"), "country",
                "geo database record: country and registered_country, or registered_country only"),
    "regcountry": (_text, None, "registered_country in the geo database (default: country)"),
}

DOC_V4 = [ipaddress.ip_network(p) for p in
          ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
DOC_V6 = ipaddress.ip_network("2001:db8::/32")


class Entity:
    """A parsed line: kind, name, attributes (with defaults), origin."""

    def __init__(self, kind, name, attrs, where):
        self.kind = kind
        self.name = name
        self.attrs = attrs
        self.where = where

    def __getitem__(self, key):
        return self.attrs[key]

    def get(self, key, default=None):
        return self.attrs.get(key, default)

    def __repr__(self):
        return "%s(%s)" % (self.kind, self.name)


class World:
    def __init__(self, path):
        self.path = path
        self.root = None
        self.tlds = {}      # name -> Entity
        self.networks = {}  # name -> Entity
        self.domains = []   # in list order
        self.by_name = {}
        self.providers = {}  # name -> Entity (zones not in the list)
        self.mailhosts = {}  # name -> Entity (Postfix servers), in file order
        self.nshosts = {}    # name -> Entity (name servers of their own)
        self.records = []    # rr lines: (owner, type, rdata, where), file order

    def tld_of(self, domain):
        return domain.name.rsplit(".", 1)[-1]


def _check_name(name, where):
    if name != name.lower() or name.endswith(".") or not name:
        raise WorldError("%s: name %r must be lower case without trailing dot" % (where, name))
    for label in name.split("."):
        if not label or len(label) > 63:
            raise WorldError("%s: bad label in %r" % (where, name))
        if not all(c.isalnum() or c == "-" for c in label) or label[0] == "-" or label[-1] == "-":
            raise WorldError("%s: %r is not a valid host name" % (where, name))


def _parse_attrs(tokens, table, where):
    attrs = {}
    for tok in tokens:
        if "=" not in tok:
            raise WorldError("%s: expected key=value, got %r" % (where, tok))
        key, value = tok.split("=", 1)
        if key not in table:
            raise WorldError("%s: unknown key %r (known: %s)" %
                             (where, key, ", ".join(sorted(table))))
        if key in attrs:
            raise WorldError("%s: key %r given twice" % (where, key))
        try:
            attrs[key] = table[key][0](value)
        except ValueError as e:
            raise WorldError("%s: bad value %r for %s: %s" % (where, value, key, e))
    for key, spec in table.items():
        if key not in attrs:
            default = spec[1]
            attrs[key] = list(default) if isinstance(default, list) else default
    return attrs


def parse(path):
    """Parse a world file; returns a World or raises WorldError."""
    world = World(path)
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise WorldError("%s: cannot open: %s" % (path, e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            where = "%s:%d" % (path, lineno)
            try:
                tokens = shlex.split(line, comments=True)
            except ValueError as e:
                raise WorldError("%s: %s" % (where, e))
            if not tokens:
                continue
            kind = tokens[0]
            if kind == "root":
                if world.root is not None:
                    raise WorldError("%s: second root line" % where)
                world.root = Entity("root", ".", _parse_attrs(tokens[1:], ROOT_KEYS, where), where)
                continue
            if len(tokens) < 2:
                raise WorldError("%s: %s line needs a name" % (where, kind))
            name = tokens[1]
            if kind == "tld":
                _check_name(name, where)
                if "." in name:
                    raise WorldError("%s: TLD %r has a dot" % (where, name))
                if name in world.tlds:
                    raise WorldError("%s: TLD %r defined twice" % (where, name))
                world.tlds[name] = Entity("tld", name, _parse_attrs(tokens[2:], TLD_KEYS, where), where)
            elif kind == "network":
                if name in world.networks:
                    raise WorldError("%s: network %r defined twice" % (where, name))
                ent = Entity("network", name, _parse_attrs(tokens[2:], NETWORK_KEYS, where), where)
                for key in ("v4", "v6", "asn", "org", "country"):
                    if ent[key] is None:
                        raise WorldError("%s: network %r needs %s=" % (where, name, key))
                if not any(ent["v4"].subnet_of(p) for p in DOC_V4):
                    raise WorldError("%s: %s is not in IPv4 documentation space" % (where, ent["v4"]))
                if not ent["v6"].subnet_of(DOC_V6):
                    raise WorldError("%s: %s is not in 2001:db8::/32" % (where, ent["v6"]))
                world.networks[name] = ent
            elif kind == "provider":
                _check_name(name, where)
                if name.count(".") != 1:
                    raise WorldError("%s: provider %r must be a name directly under a TLD"
                                     % (where, name))
                if name in world.providers:
                    raise WorldError("%s: provider %r defined twice" % (where, name))
                world.providers[name] = Entity("provider", name,
                                               _parse_attrs(tokens[2:], PROVIDER_KEYS, where), where)
            elif kind == "mailhost":
                _check_name(name, where)
                if name in world.mailhosts:
                    raise WorldError("%s: mailhost %r defined twice" % (where, name))
                world.mailhosts[name] = Entity("mailhost", name,
                                               _parse_attrs(tokens[2:], MAILHOST_KEYS, where), where)
            elif kind == "nshost":
                _check_name(name, where)
                if name in world.nshosts:
                    raise WorldError("%s: nshost %r defined twice" % (where, name))
                world.nshosts[name] = Entity("nshost", name,
                                             _parse_attrs(tokens[2:], NSHOST_KEYS, where), where)
            elif kind == "rr":
                # rr OWNER TYPE RDATA...: one more record in the served zone
                # that holds OWNER (a listed domain's or a provider's); the
                # rdata is given in zone-file syntax, quoted as a whole when
                # it has spaces or quotes of its own.
                owner = name[2:] if name.startswith("*.") else name
                _check_name(owner.lstrip("_").replace("._", "."), where)
                if len(tokens) < 4:
                    raise WorldError("%s: rr needs OWNER TYPE RDATA" % where)
                rtype = tokens[2].upper()
                if not rtype.isalnum():
                    raise WorldError("%s: bad record type %r" % (where, tokens[2]))
                world.records.append((name, rtype, " ".join(tokens[3:]), where))
            elif kind == "domain":
                _check_name(name, where)
                if name.count(".") < 1:
                    raise WorldError("%s: domain %r needs a TLD" % (where, name))
                if name in world.by_name:
                    raise WorldError("%s: domain %r listed twice (first at %s)" %
                                     (where, name, world.by_name[name].where))
                ent = Entity("domain", name, _parse_attrs(tokens[2:], DOMAIN_KEYS, where), where)
                world.domains.append(ent)
                world.by_name[name] = ent
            else:
                raise WorldError("%s: unknown line kind %r (root, tld, network, provider, mailhost, nshost, domain, rr)" % (where, kind))
    _check_world(world)
    return world


# Each network lies alone in its /27 (IPv4) and /47 (IPv6) and is longer than
# that: the covering ROA of an invalid_length case (scripts/tb/routegen.py)
# must cover nothing else.
NETWORK_BLOCK = {4: 27, 6: 47}


def network_block(prefix):
    """The /27 or /47 a network prefix lies in."""
    return prefix.supernet(new_prefix=NETWORK_BLOCK[prefix.version])


def _check_networks(world):
    seen = {}
    for net in world.networks.values():
        for key in ("v4", "v6"):
            p = net[key]
            bl = NETWORK_BLOCK[p.version]
            if p.prefixlen <= bl:
                raise WorldError("%s: network %s: %s must be longer than /%d (each network lies "
                                 "alone in one /%d)" % (net.where, net.name, p, bl, bl))
            # Web slots 1-8 are host indexes in the network (plan.py).
            if p.num_addresses < 16:
                raise WorldError("%s: network %s: %s is too small: the web slots need a /%d "
                                 "or larger" % (net.where, net.name, p, 28 if p.version == 4 else 124))
            b = network_block(p)
            if b in seen:
                raise WorldError("%s: network %s (%s) shares the /%d %s with network %s (%s); "
                                 "every network needs a /%d of its own"
                                 % (net.where, net.name, p, bl, b, seen[b].name, seen[b].where, bl))
            seen[b] = net


def _check_providers(world):
    for pv in world.providers.values():
        tld = pv.name.rsplit(".", 1)[-1]
        if tld not in world.tlds:
            raise WorldError("%s: TLD %r of provider %s has no tld line" % (pv.where, tld, pv.name))
        if world.tlds[tld]["inline"] == "yes":
            raise WorldError("%s: provider %s needs a delegated zone (TLD %s is inline)"
                             % (pv.where, pv.name, tld))
        if pv.name in world.by_name:
            raise WorldError("%s: provider %s is also a listed domain (%s)"
                             % (pv.where, pv.name, world.by_name[pv.name].where))
        if pv["net"] is not None and pv["net"] not in world.networks:
            raise WorldError("%s: unknown network %r" % (pv.where, pv["net"]))
        if pv["sign"] == "none":
            pv.attrs["ds"] = "no"


def _check_domain_refs(world, d):
    """nsp=, mxp=, wwwcname= and lame= of a domain line."""
    for key in ("nsp", "mxp", "wwwcname"):
        if d[key] is not None and d[key] not in world.providers:
            raise WorldError("%s: %s=%s: no provider line of that name" % (d.where, key, d[key]))
    if d["wwwcname"] is not None:
        if world.providers[d["wwwcname"]]["net"] is None:
            raise WorldError("%s: wwwcname=%s: the provider has no net= for web.%s"
                             % (d.where, d["wwwcname"], d["wwwcname"]))
        if d["web"] == "www" and d["net"] is None:
            # The web host's addresses are the provider's: no own network needed.
            d.attrs["net"] = world.providers[d["wwwcname"]]["net"]
        if d["web"] == "www" and (d["dane_web"] != "no" or d["https_rr"] == "yes"):
            raise WorldError("%s: web=www with wwwcname=: www is a CNAME and can hold no "
                             "TLSA or HTTPS record (dane_web, https_rr)" % d.where)
    if d["lame"] is not None:
        if d["dns"] == "nxdomain":
            raise WorldError("%s: lame=%s needs a delegation (not dns=nxdomain)" % (d.where, d["lame"]))
        if d["nsp"] is not None:
            raise WorldError("%s: lame= and nsp= together: a lame delegation has NS of its own"
                             % d.where)
        d.attrs["dns"] = "servfail"


# Host indexes 9-14 of a network hold mail hosts (plan.MAIL_SLOTS): the
# /28 every network has at least, after the web slots 1-8.
MAIL_SLOTS_PER_NETWORK = 6


def mailhost_zone(world, name):
    """The zone that holds a mailhost: the longest listed (delegated, served,
    not inline) domain or provider that the name lies under; None if none."""
    labels = name.split(".")
    for i in range(1, len(labels) - 1):
        z = ".".join(labels[i:])
        if z in world.providers:
            return z
        d = world.by_name.get(z)
        if d is not None:
            if d["dns"] != "ok" or d["inline"]:
                return None
            return z
    return None


def _check_nshosts(world):
    """nshost lines and the nshosts= key: one host per network (slot 15), in
    a provider zone (whose records hold its addresses; no glue needed)."""
    used = {}
    for nh in world.nshosts.values():
        if nh["net"] is None or nh["net"] not in world.networks:
            raise WorldError("%s: nshost %s needs net= naming a network line" % (nh.where, nh.name))
        if nh["net"] in used:
            raise WorldError("%s: nshost %s: network %s already holds nshost %s (one per "
                             "network)" % (nh.where, nh.name, nh["net"], used[nh["net"]]))
        used[nh["net"]] = nh.name
        zone = nh.name.split(".", 1)[1] if "." in nh.name else None
        if zone not in world.providers:
            raise WorldError("%s: nshost %s must lie directly in a provider zone" % (nh.where, nh.name))
        first = nh.name.split(".", 1)[0]
        if first in ("ns1", "ns2", "ns3", "ns4", "mx1", "mx2", "mx3", "mx4", "web"):
            raise WorldError("%s: nshost %s: the provider's own name %s" % (nh.where, nh.name, first))
    for d in world.domains:
        if d["nshosts"] is None:
            continue
        if d["nsp"] is not None or d["inline"] or d["dns"] != "ok":
            raise WorldError("%s: nshosts= needs a served, delegated zone without nsp=" % d.where)
        if len(set(d["nshosts"])) != len(d["nshosts"]) or len(d["nshosts"]) > 4:
            raise WorldError("%s: nshosts= needs 1-4 distinct names" % d.where)
        for n in d["nshosts"]:
            if n not in world.nshosts:
                raise WorldError("%s: nshosts: no nshost line named %s" % (d.where, n))
        if all(world.nshosts[n]["lame"] != "none" for n in d["nshosts"]):
            raise WorldError("%s: nshosts= needs one host that answers" % d.where)
        d.attrs["ns"] = len(d["nshosts"])


def _check_mail(world):
    """mailhost lines and the mail keys of domain lines (after the domains'
    own checks: a mailhost's zone must be a served, delegated zone)."""
    per_net = {}
    for mh in world.mailhosts.values():
        if mh["net"] is None or mh["net"] not in world.networks:
            raise WorldError("%s: mailhost %s needs net= naming a network line" % (mh.where, mh.name))
        per_net[mh["net"]] = per_net.get(mh["net"], 0) + 1
        if per_net[mh["net"]] > MAIL_SLOTS_PER_NETWORK:
            raise WorldError("%s: mailhost %s: network %s has no mail slot left (at most %d "
                             "mail hosts per network)" % (mh.where, mh.name, mh["net"],
                                                          MAIL_SLOTS_PER_NETWORK))
        if mh["v4"] == "no" and mh["v6"] == "no":
            raise WorldError("%s: mailhost %s has neither v4 nor v6" % (mh.where, mh.name))
        if mailhost_zone(world, mh.name) is None:
            raise WorldError("%s: mailhost %s lies in no served, delegated zone of the world "
                             "(a listed domain with dns=ok, or a provider)" % (mh.where, mh.name))
        if mh["tlsa"] == "ta" and mh["cert"] != "ok":
            raise WorldError("%s: tlsa=ta needs cert=ok (a chain to the testbed CA)" % mh.where)
    for d in world.domains:
        if d["mxhosts"] is not None:
            if d["mx"] != 0 or d["mxp"] is not None:
                raise WorldError("%s: mxhosts= with mx= or mxp=" % d.where)
            if len(set(d["mxhosts"])) != len(d["mxhosts"]) or len(d["mxhosts"]) > 4:
                raise WorldError("%s: mxhosts= needs 1-4 distinct names" % d.where)
            for n in d["mxhosts"]:
                if n not in world.mailhosts:
                    raise WorldError("%s: mxhosts: no mailhost line named %s" % (d.where, n))
            d.attrs["mx"] = len(d["mxhosts"])
        if d["stspolicy"] is not None:
            if d["inline"]:
                raise WorldError("%s: stspolicy= needs a delegated zone" % d.where)
            d.attrs["mtasts"] = "yes"
        if d["stsmx"] is not None and d["stspolicy"] is None:
            raise WorldError("%s: stsmx= without stspolicy=" % d.where)
        if d["tlsrpt_rua"] is not None:
            d.attrs["tlsrpt"] = "yes"
        if d["dane_web"] == "ta" and d["tls"] != "ok":
            raise WorldError("%s: dane_web=ta needs tls=ok (a chain to the testbed CA)" % d.where)


def _check_in(world, d):
    """in=PARENT: the name's records are in PARENT's zone (as an inline TLD's
    names are in the TLD's): PARENT is a listed, delegated, served domain
    above the name."""
    parent = world.by_name.get(d["in"])
    if parent is None or not d.name.endswith("." + d["in"]):
        raise WorldError("%s: in=%s is not a listed domain above %s" % (d.where, d["in"], d.name))
    if parent["dns"] != "ok" or parent["in"] is not None or \
            world.tlds[d["in"].rsplit(".", 1)[-1]]["inline"] == "yes":
        raise WorldError("%s: in=%s needs a delegated zone with dns=ok" % (d.where, d["in"]))
    if d["dns"] != "ok" or d["break"] != "none" or d["ds"] == "mismatch" or \
            d["stspolicy"] is not None:
        raise WorldError("%s: in= names have no zone of their own (dns=ok only; no break, "
                         "ds=mismatch or stspolicy)" % d.where)
    d.attrs["sign"] = "none"
    d.attrs["inline"] = True


def _check_world(world):
    if world.root is None:
        raise WorldError("%s: no root line" % world.path)
    _check_networks(world)
    _check_providers(world)
    for t in world.tlds.values():
        if t["optout"] == "yes" and (t["sign"] == "none" or t["denial"] != "nsec3"):
            raise WorldError("%s: optout=yes needs a signed NSEC3 TLD" % t.where)
    for d in world.domains:
        _check_domain_refs(world, d)
        tld = d.name.rsplit(".", 1)[-1]
        if tld not in world.tlds:
            raise WorldError("%s: TLD %r of %s has no tld line" % (d.where, tld, d.name))
        if d["web"] != "none" and d["dns"] == "ok":
            if d["net"] is None:
                raise WorldError("%s: %s has web=%s but no net=" % (d.where, d.name, d["web"]))
            if d["net"] not in world.networks:
                raise WorldError("%s: unknown network %r" % (d.where, d["net"]))
        if d["sign"] == "none" and (d["break"] != "none" or d["ds"] == "mismatch"):
            raise WorldError("%s: break/ds=mismatch need a signed zone" % d.where)
        if world.tlds[tld]["inline"] == "yes":
            if d["dns"] != "ok" and d["dns"] != "nxdomain":
                raise WorldError("%s: dns=%s needs a delegated zone (TLD %s is inline)"
                                 % (d.where, d["dns"], tld))
            if d["break"] != "none" or d["ds"] == "mismatch":
                raise WorldError("%s: break/ds=mismatch need a delegated zone (TLD %s is inline)"
                                 % (d.where, tld))
            d.attrs["sign"] = "none"
            d.attrs["inline"] = True
        else:
            d.attrs["inline"] = False
        if d["in"] is not None:
            _check_in(world, d)
        if d["sign"] == "none":
            d.attrs["ds"] = "no"
        if d["country"] is None:
            d.attrs["country"] = world.tlds[tld]["country"] or ""
    _check_mail(world)
    _check_nshosts(world)
    _check_records(world)


def record_zone(world, owner):
    """The served zone an rr line's OWNER falls in: the longest listed
    domain with a zone of its own, or provider, equal to it or above it;
    None when there is none."""
    zones = set(world.providers)
    zones.update(d.name for d in world.domains
                 if d["dns"] == "ok" and not d["inline"])
    labels = owner.split(".")
    for i in range(len(labels) - 1):
        cand = ".".join(labels[i:])
        if cand in zones:
            return cand
    return None


def _check_records(world):
    for owner, rtype, rdata, where in world.records:
        if record_zone(world, owner) is None:
            raise WorldError("%s: rr owner %s is in no served zone of the world "
                             "(a listed domain with dns=ok or a provider)" % (where, owner))
