"""Ground truth of the SPF evaluation columns (issue 18 point 5;
docs/email-auth.md): spf_lookups, spf_void_lookups, spf_result_all,
spf_error for every listed domain, from the world's records (the apex
`spf=` value and the `rr` lines) without asking DNS.

The rules are the crawler's (crawler/policy/spfprobe.c), written again
here from RFC 7208: check_host() for an address that no mechanism
matches.  tests/spf/selftest.py and tests/spf/crawl_spf.py check them
against an independent evaluator (Debian's python3-spf) run against the
testbed's resolver.

The name model: TXT records are the apex `spf=` values and the `rr ...
TXT` lines; a name has A records when it is a listed domain's web host
with IPv4, a provider's host (ns1-4, mx1-4, web), a mail host, or an `rr
... A` owner; MX records when it is a listed domain with MX hosts or an
`rr ... MX` owner.
"""

import re

MAX_LOOKUPS = 10    # RFC 7208 4.6.4
MAX_VOID = 2        # RFC 7208 4.6.4
MAX_MX = 10         # RFC 7208 4.6.4

MECHS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
QUAL = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
MODNAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*=")
MACRO = re.compile(r"%\{[slodiphvSLODIPHV][0-9]*[rR]?[-.+,/_=]*\}")
TOPLABEL = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$")


class Error(Exception):
    def __init__(self, kind):
        Exception.__init__(self, kind)
        self.kind = kind


def is_spf(text):
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")


def _spec_ok(spec):
    """A domain-spec as RFC 7208 7.1 has it (the macros of this world:
    braced ones with the domain-spec letters, %%, %_, %-)."""
    if not spec or len(spec) > 255:
        return False
    rest = MACRO.sub("\x00", spec).replace("%%", "\x00").replace("%_", "\x00").replace("%-", "\x00")
    if "%" in rest or any(not (0x21 <= ord(c) <= 0x7e) for c in rest if c != "\x00"):
        return False
    if rest.endswith("\x00"):
        return True
    tail = rest[:-1] if rest.endswith(".") else rest
    lit = tail.rsplit("\x00", 1)[-1]
    if "." not in lit:
        return False
    return bool(TOPLABEL.match(lit.rsplit(".", 1)[1]))


def _cidr(s, maxv):
    return (s.isdigit() and 1 <= len(s) <= 3 and not (len(s) > 1 and s[0] == "0")
            and int(s) <= maxv)


def _dual(s):
    if not s:
        return True
    if s.startswith("//"):
        return _cidr(s[2:], 128)
    if not s.startswith("/"):
        return False
    v4, _, v6 = s[1:].partition("//")
    if "/" in v4 or not _cidr(v4, 32):
        return False
    return _cidr(v6, 128) if "//" in s[1:] else True


def parse(text):
    """[(qual, mech, spec or None, has_macro)], redirect (spec, macro) or
    None; raises Error('syntax')."""
    import ipaddress
    terms, redirect, exp = [], None, False
    for t in text[6:].split(" "):
        if not t:
            continue
        if MODNAME.match(t):
            name, val = t.split("=", 1)
            if name.lower() == "redirect":
                if redirect is not None or not _spec_ok(val):
                    raise Error("syntax")
                redirect = (val, "%{" in val)
            elif name.lower() == "exp":
                if exp or not _spec_ok(val):
                    raise Error("syntax")
                exp = True
            continue
        q = "+"
        if t[0] in "+-~?":
            q, t = t[0], t[1:]
        m = re.match(r"^([^:/]*)(.*)$", t)
        mech, arg = m.group(1).lower(), m.group(2)
        if mech not in MECHS:
            raise Error("syntax")
        spec = None
        if mech == "all":
            if arg:
                raise Error("syntax")
        elif mech in ("include", "exists", "ptr"):
            if mech != "ptr" and not arg.startswith(":"):
                raise Error("syntax")
            if arg:
                if not arg.startswith(":") or not _spec_ok(arg[1:]):
                    raise Error("syntax")
                spec = arg[1:]
        elif mech in ("a", "mx"):
            if arg.startswith(":"):
                spec, _, c = arg[1:].partition("/")
                c = "/" + c if _ else ""
                if not _spec_ok(spec) or not _dual(c):
                    raise Error("syntax")
            elif not _dual(arg):
                raise Error("syntax")
        else:
            if not arg.startswith(":"):
                raise Error("syntax")
            net, _, ln = arg[1:].partition("/")
            try:
                (ipaddress.IPv4Address if mech == "ip4" else ipaddress.IPv6Address)(net)
            except ValueError:
                raise Error("syntax")
            if _ and not _cidr(ln, 32 if mech == "ip4" else 128):
                raise Error("syntax")
        terms.append((QUAL[q], mech, spec, spec is not None and "%{" in spec))
    return terms, redirect


class Names:
    """The world's names as SPF sees them."""

    def __init__(self, world, plan):
        self.txt, self.a, self.mx = {}, set(), {}
        # Listed zones that do not answer (a lame delegation: Unbound says
        # SERVFAIL): any name in them is a temperror.
        self.failing = {d.name for d in world.domains if d["dns"] == "servfail"}
        for d in world.domains:
            if d["dns"] != "ok":
                continue
            p = plan[d.name]
            if d["spf"] is not None:
                self.txt.setdefault(d.name, []).append(d["spf"])
            if p.web_v4 and p.cname_target is None:
                self.a.add(p.web_host)
            if p.mx_hosts:
                self.mx[d.name] = len(p.mx_hosts)
                if p.mx_in_zone and p.mx_v4:
                    self.a.update(p.mx_hosts)
            if p.ns_in_bailiwick:
                self.a.update(p.ns_hosts)
        for pv in world.providers.values():
            self.a.update("%s%d.%s" % (h, i, pv.name) for h in ("ns", "mx") for i in range(1, 5))
            if pv["net"]:
                self.a.add("web." + pv.name)
        self.a.update(world.mailhosts)
        for owner, rtype, rdata, _ in world.records:
            if rtype == "TXT":
                self.txt.setdefault(owner, []).append(rdata)
            elif rtype == "A":
                self.a.add(owner)
            elif rtype == "MX":
                self.mx[owner] = self.mx.get(owner, 0) + 1


def _fails(names, name):
    return any(name == z or name.endswith("." + z) for z in names.failing)


class Eval:
    def __init__(self, names):
        self.n = names
        self.lookups = 0
        self.voids = 0
        self.stack = []
        self.loop = False

    def count(self):
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise Error("loop" if self.loop else "too_many_lookups")

    def void(self):
        self.voids += 1
        if self.voids > MAX_VOID:
            raise Error("too_many_void")

    def record_of(self, name):
        if _fails(self.n, name.lower().rstrip(".")):
            raise Error("temperror")
        txts = self.n.txt.get(name.lower().rstrip("."), [])
        if not txts:
            self.void()
        spf = [t for t in txts if is_spf(t)]
        if not spf:
            raise Error("missing_include")
        if len(spf) > 1:
            raise Error("multiple_records")
        return spf[0]

    def run(self, name, text):
        """The outcome of name's record: a qualifier, 'none' (no all),
        or 'unknown' (a redirect to a macro)."""
        terms, redirect = parse(text)
        if any(s.lower() == name.lower() for s in self.stack):
            self.loop = True
        self.stack.append(name)
        try:
            for qual, mech, spec, macro in terms:
                target = (spec or name).rstrip(".").lower()
                if mech == "all":
                    return qual
                if mech in ("ip4", "ip6"):
                    continue
                self.count()
                if macro or mech == "ptr":
                    continue
                if mech == "include":
                    r = self.run(target, self.record_of(target))
                    if r == "pass":
                        return qual
                    if r == "unknown":
                        return r
                elif _fails(self.n, target):
                    raise Error("temperror")
                elif mech in ("a", "exists"):
                    if target not in self.n.a:
                        self.void()
                    elif mech == "exists":
                        return qual
                elif mech == "mx":
                    n = self.n.mx.get(target, 0)
                    if n == 0:
                        self.void()
                    elif n > MAX_MX:
                        raise Error("too_many_lookups")
            if redirect is None:
                return "none"
            self.count()
            if redirect[1]:
                return "unknown"
            target = redirect[0].rstrip(".").lower()
            return self.run(target, self.record_of(target))
        finally:
            self.stack.pop()


def evaluate(names, domain):
    """The four columns for domain (all None without an SPF record)."""
    cols = {"spf_lookups": None, "spf_void_lookups": None,
            "spf_result_all": None, "spf_error": None}
    spf = [t for t in names.txt.get(domain, []) if is_spf(t)]
    if not spf:
        return cols
    ev = Eval(names)
    try:
        if len(spf) > 1:
            raise Error("multiple_records")
        r = ev.run(domain, spf[0])
        cols["spf_result_all"] = None if r == "unknown" else r
    except Error as e:
        cols["spf_error"] = e.kind
    cols["spf_lookups"] = ev.lookups
    cols["spf_void_lookups"] = ev.voids
    return cols


def truth(world, plan):
    """{domain: the four columns} for every listed domain; null when the
    domain is not served (dns != ok) or has no SPF record."""
    names = Names(world, plan)
    out = {}
    for d in world.domains:
        if d["dns"] != "ok":
            out[d.name] = {"spf_lookups": None, "spf_void_lookups": None,
                           "spf_result_all": None, "spf_error": None}
            continue
        out[d.name] = evaluate(names, d.name)
    return out
