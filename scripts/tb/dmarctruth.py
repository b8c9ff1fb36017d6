"""Ground truth of the dnspolicy stage's columns (issue 18, points 4 and 6;
docs/email-auth.md "DMARC", docs/dns.md "CAA tree" and "DKIM hint"):
dmarc_source, dmarc_policy, dmarc_sp, dmarc_pct, dmarc_adkim, dmarc_aspf,
dmarc_rua, dmarc_ruf, dmarc_external, dmarc_error, dkim_hint, caa_issue,
caa_iodef, caa_inherited, and the apex's caa (rr lines included).

Made from the world file alone, with a DMARC parser and a Public Suffix
List reader of its own (not the crawler's C code nor libpsl), following the
rules docs/email-auth.md writes down; tests/dmarc/selftest.py proves the
records with dig and opendmarc's own parser.
"""

import os

COLUMNS = ("dmarc_source", "dmarc_policy", "dmarc_sp", "dmarc_pct", "dmarc_adkim",
           "dmarc_aspf", "dmarc_rua", "dmarc_ruf", "dmarc_external", "dmarc_error",
           "dkim_hint", "caa_issue", "caa_iodef", "caa_inherited")

PSL_FILE = "/usr/share/publicsuffix/public_suffix_list.dat"
_psl = None


def _load_psl():
    """The ICANN section's rules: (exact, wildcard, exception) sets."""
    global _psl
    if _psl is None:
        rules, wild, exc = set(), set(), set()
        icann = False
        with open(PSL_FILE, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("// ===BEGIN ICANN DOMAINS==="):
                    icann = True
                elif line.startswith("// ===END ICANN DOMAINS==="):
                    icann = False
                if not icann or not line or line.startswith("//"):
                    continue
                r = line.split()[0]
                if not r.isascii():
                    try:
                        r = ".".join(x if x.isascii() or x in ("*",) or x.startswith("!")
                                     else x.encode("idna").decode("ascii")
                                     for x in r.split("."))
                    except UnicodeError:
                        continue
                if r.startswith("!"):
                    exc.add(r[1:])
                elif r.startswith("*."):
                    wild.add(r[2:])
                else:
                    rules.add(r)
        _psl = (rules, wild, exc)
    return _psl


def org_domain(name):
    """The registrable domain (public suffix + one label) of name, or name
    itself when it is a public suffix (lib/regdom.h's rule): the longest
    matching rule, an exception rule first, the implicit "*" rule last."""
    rules, wild, exc = _load_psl()
    labels = name.lower().rstrip(".").split(".")
    n = len(labels)
    suffix = None
    for i in range(n):
        if ".".join(labels[i:]) in exc:
            suffix = n - i - 1
            break
    if suffix is None:
        suffix = 1
        for i in range(n):
            if ".".join(labels[i:]) in rules or \
                    (i + 1 < n and ".".join(labels[i + 1:]) in wild):
                suffix = max(suffix, n - i)
    if suffix >= n:
        return ".".join(labels)
    return ".".join(labels[-(suffix + 1):])


# --- DMARC (RFC 7489 6.3, 6.4, 6.6.3), as docs/email-auth.md states it ----

POLICIES = ("none", "quarantine", "reject")


def is_dmarc(text):
    if not text.startswith("v"):
        return False
    rest = text[1:].lstrip(" \t")
    if not rest.startswith("="):
        return False
    rest = rest[1:].lstrip(" \t")
    if not rest.startswith("DMARC1"):
        return False
    rest = rest[6:].lstrip(" \t")
    return rest == "" or rest.startswith(";")


def _uri(u):
    """(valid, mailto host or None) of one dmarc-uri."""
    if u.count("!") > 1:
        return False, None
    if "!" in u:
        u, size = u.split("!")
        digits = size[:-1] if size and size[-1] in "kmgt" else size
        if not digits.isdigit():
            return False, None
    if ":" not in u:
        return False, None
    scheme, rest = u.split(":", 1)
    if not scheme or not scheme[0].isalpha() or not rest or \
            any(not (c.isalnum() or c in "+-.") for c in scheme):
        return False, None
    bad = set(' ,;"<>\\^`{|}')
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == "%":
            if len(rest) < i + 3 or any(x not in "0123456789abcdefABCDEF" for x in rest[i + 1:i + 3]):
                return False, None
            i += 3
            continue
        if ord(c) <= 0x20 or ord(c) >= 0x7f or c in bad:
            return False, None
        i += 1
    if scheme.lower() != "mailto":
        return True, None
    addr = rest.split("?", 1)[0]
    if "@" not in addr or addr.startswith("@"):
        return False, None
    host = addr.rsplit("@", 1)[1]
    labels = host.split(".")
    if not host or len(host) > 253 or any(
            not lab or len(lab) > 63 or any(not (c.isascii() and (c.isalnum() or c in "-_")) for c in lab)
            for lab in labels):
        return False, None
    return True, host.lower()


def _uris(value):
    ok, hosts, n = True, [], 0
    for u in value.split(","):
        good, host = _uri(u.strip(" \t"))
        if good:
            n += 1
            if host is not None:
                hosts.append(host)
        else:
            ok = False
    return ok, n, hosts


def parse(text):
    """The record's fields and its first defect (None: none)."""
    r = {"p": None, "sp": None, "pct": 100, "adkim": "r", "aspf": "r",
         "rua": 0, "ruf": 0, "hosts": [], "error": None}
    if len(text) > 4096:
        r["error"] = "too_long"
        r["applies"] = False
        return r
    seen = set()
    p_bad = sp_bad = False

    def defect(e):
        if r["error"] is None:
            r["error"] = e
    for tag in text.split(";")[1:]:
        tag = tag.strip(" \t")
        if not tag:
            continue
        if "=" not in tag:
            defect("syntax")
            continue
        k, v = (x.strip(" \t") for x in tag.split("=", 1))
        if not k or not k[0].isascii() or not k[0].isalpha() or \
                any(not (c.isascii() and (c.isalnum() or c == "_")) for c in k):
            defect("syntax")
            continue
        k = k.lower()
        if k in seen and k in ("p", "sp", "pct", "adkim", "aspf", "rua", "ruf"):
            continue
        seen.add(k)
        if k in ("p", "sp"):
            if v.lower() in POLICIES:
                r[k] = v.lower()
            else:
                defect("bad_" + k)
                if k == "p":
                    p_bad = True
                else:
                    sp_bad = True
        elif k == "pct":
            if 1 <= len(v) <= 3 and v.isdigit() and int(v) <= 100:
                r["pct"] = int(v)
            else:
                defect("bad_pct")
        elif k in ("adkim", "aspf"):
            if v in ("r", "s"):
                r[k] = v
            else:
                defect("bad_" + k)
        elif k in ("rua", "ruf"):
            good, n, hosts = _uris(v)
            r[k] = n
            r["hosts"] += hosts[:8]
            if not good:
                defect("bad_" + k)
        elif k == "fo":
            parts = [x.strip(" \t") for x in v.split(":")]
            if not all(x in ("0", "1", "d", "s") for x in parts):
                defect("bad_fo")
        elif k == "rf":
            parts = [x.strip(" \t") for x in v.split(":")]
            if not all(x and all(c.isascii() and (c.isalnum() or c == "-") for c in x) for x in parts):
                defect("bad_rf")
        elif k == "ri":
            if not (1 <= len(v) <= 32 and v.isdigit() and int(v) <= 0xffffffff):
                defect("bad_ri")
    if "p" not in seen:
        p_bad = True
        r["error"] = "p_missing"
    if p_bad or sp_bad:
        r["applies"] = r["rua"] > 0
        r["policy"] = r["sub_policy"] = "none" if r["applies"] else None
    else:
        r["applies"] = True
        r["policy"] = r["p"]
        r["sub_policy"] = r["sp"] or r["p"]
    return r


# --- the world's records -----------------------------------------------

def _records(world, owner, rtype):
    """The rdata of the world's records of rtype at owner: rr lines and the
    domain keys that make such records (dnsgen.py _host_records)."""
    out = [rd for o, t, rd, _w in world.records if o == owner and t == rtype]
    if rtype == "TXT" and owner.startswith("_dmarc."):
        d = world.by_name.get(owner[len("_dmarc."):])
        if d is not None and d["dns"] == "ok" and d["dmarc"] is not None:
            out.insert(0, d["dmarc"])
    if rtype == "CAA":
        d = world.by_name.get(owner)
        if d is not None and d["dns"] == "ok" and d["caa"] == "yes":
            out.insert(0, '0 issue "ca.uptake.test"')
    return out


def _follow(world, owner, rtype, depth=0):
    """The records at owner, through a CNAME there (as the resolver does)."""
    out = _records(world, owner, rtype)
    cname = _records(world, owner, "CNAME")
    if not out and cname and depth < 8:
        return _follow(world, cname[0].rstrip(".").lower(), rtype, depth + 1)
    return out


def _exists_below(world, name):
    """A record of the world at name or below it (NOERROR, RFC 8020)."""
    return any(o == name or o.endswith("." + name) for o, _t, _rd, _w in world.records)


def _caa_props(rdatas):
    tags = [rd.split()[1].lower() for rd in rdatas if len(rd.split()) >= 3]
    return "issue" in tags, "iodef" in tags


def dmarc_column(recs):
    """The dns stage's dmarc column (the p= tag of the one record)."""
    if not recs:
        return "absent"
    if len(recs) > 1:
        return "invalid"
    return parse(recs[0])["p"] or "invalid"


def dmarc_columns(world, d):
    org = org_domain(d.name)
    recs = [t for t in _follow(world, "_dmarc." + d.name, "TXT") if is_dmarc(t)]
    row = {"dmarc": dmarc_column(recs)}
    source = "domain"
    if not recs:
        row["dmarc_source"] = "none"
        if org == d.name:
            return row
        recs = [t for t in _follow(world, "_dmarc." + org, "TXT") if is_dmarc(t)]
        source = "organisational"
        if not recs:
            return row
    row["dmarc_source"] = source
    if len(recs) > 1:
        row["dmarc_error"] = "multiple_records"
        return row
    r = parse(recs[0])
    row.update({
        "dmarc_error": r["error"],
        "dmarc_policy": (r["sub_policy"] if source == "organisational" else r["policy"])
        if r["applies"] else None,
        "dmarc_sp": r["sp"],
        "dmarc_pct": r["pct"],
        "dmarc_adkim": r["adkim"],
        "dmarc_aspf": r["aspf"],
        "dmarc_rua": r["rua"],
        "dmarc_ruf": r["ruf"],
        "dmarc_external": any(org_domain(h) != org for h in r["hosts"]),
    })
    return row


def caa_columns(world, d):
    apex = _follow(world, d.name, "CAA")
    if apex:
        issue, iodef = _caa_props(apex)
        return {"caa": True, "caa_issue": issue, "caa_iodef": iodef, "caa_inherited": False}
    labels = d.name.split(".")
    for i in range(1, len(labels)):
        s = _follow(world, ".".join(labels[i:]), "CAA")
        if s:
            issue, iodef = _caa_props(s)
            return {"caa": False, "caa_issue": issue, "caa_iodef": iodef, "caa_inherited": True}
    return {"caa": False, "caa_issue": False, "caa_iodef": False, "caa_inherited": False}


def truth(world, plan):
    """{domain: {column: value}} for every listed domain: null unless the
    apex resolved (dns=ok)."""
    out = {}
    for d in world.domains:
        row = {c: None for c in COLUMNS}
        out[d.name] = row
        if d["dns"] != "ok":
            continue
        row.update(dmarc_columns(world, d))
        row["dkim_hint"] = "maybe" if _exists_below(world, "_domainkey." + d.name) else "none"
        row.update(caa_columns(world, d))
    return out


if __name__ == "__main__":
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import world as worldmod
    w = worldmod.parse(sys.argv[1])
    for name, row in truth(w, None).items():
        print(name, row)
