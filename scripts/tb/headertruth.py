"""Truth of the graded header columns (csp_grade, csp_failures,
referrer_policy_grade) from the header values a world's web server sends:
the rules of docs/web.md, "Header quality", written again here from that
text (not from crawler/web/cspgrade.c), so that the crawl's columns are
checked against an independent reading of the rules.
"""

import re

# The rules, in the order csp_failures names them.
RULES = ("default-src", "unsafe-inline", "unsafe-eval", "script-sources",
         "frame-ancestors", "base-uri", "form-action")
SCRIPT_RULES = {"unsafe-inline", "unsafe-eval", "script-sources"}

# Referrer-Policy classes of Internet.nl (checks/tasks/http_headers.py,
# HeaderCheckerReferrerPolicy).
REFERRER_GOOD = {"no-referrer", "same-origin"}
REFERRER_SUFFICIENT = {"strict-origin", "strict-origin-when-cross-origin"}

NONCE_OR_HASH = re.compile(r"^'(nonce|sha256|sha384|sha512)-.+'$")
# a host-source: optional scheme "://", then the host up to ":" or "/"
HOST_SOURCE = re.compile(r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>[^:/']+)")


def _directives(policy):
    """{name: [lower-case tokens]} of one policy, first occurrence wins."""
    out = {}
    for part in policy.split(";"):
        toks = part.split()
        if toks and toks[0].lower() not in out:
            out[toks[0].lower()] = [t.lower() for t in toks[1:]]
    return out


def _host(tok):
    """(scheme or '', host) of a host-source token, or None."""
    if tok.startswith("'") or (tok.endswith(":") and "://" not in tok):
        return None
    m = HOST_SOURCE.match(tok)
    if not m:
        return None
    return (m.group("scheme") or "", m.group("host"))


def _open(tok, data_too):
    """The token lets any host in: *, http:, (data:), a host *, http://."""
    if tok in ("*", "http:") or (data_too and tok == "data:"):
        return True
    h = _host(tok)
    return h is not None and (h[1] == "*" or h[0] == "http")


def _of_site(host, site):
    host = host[2:] if host.startswith("*.") else host
    host = host.rstrip(".")
    return host == site or host.endswith("." + site)


def _default_src_ok(toks, site):
    if toks == ["'none'"]:
        return True
    for t in toks:
        if t.startswith("'"):
            continue
        h = _host(t)
        if h is None or h[0] not in ("", "https") or not _of_site(h[1], site):
            return False
    return "'self'" in toks


def _policy_met(d, site):
    met = set()
    if "default-src" in d and _default_src_ok(d["default-src"], site):
        met.add("default-src")
    script = d.get("script-src", d.get("default-src"))
    if script is not None:
        nonce = any(NONCE_OR_HASH.match(t) for t in script)
        if "'unsafe-inline'" not in script or nonce:
            met.add("unsafe-inline")
        if "'unsafe-eval'" not in script:
            met.add("unsafe-eval")
        ignore_hosts = nonce and "'strict-dynamic'" in script
        obj = d.get("object-src", d.get("default-src"))
        if ((ignore_hosts or not any(_open(t, True) for t in script)) and
                (obj is None or not any(_open(t, True) for t in obj))):
            met.add("script-sources")
    for name in ("frame-ancestors", "base-uri", "form-action"):
        if name in d and not any(_open(t, False) for t in d[name]):
            met.add(name)
    return met


def csp(value, site):
    """(csp_grade, csp_failures) of a combined CSP value (None: absent)."""
    if value is None:
        return ("absent", None)
    met = set()
    for policy in value.split(",")[:16]:
        met |= _policy_met(_directives(policy), site)
    failed = [r for r in RULES if r not in met]
    if not failed:
        grade = "good"
    elif SCRIPT_RULES & set(failed):
        grade = "bad"
    else:
        grade = "sufficient"
    return (grade, ",".join(failed))


def referrer(policy):
    """referrer_policy_grade of the effective referrer_policy value."""
    if policy == "absent":
        return "absent"
    if policy in REFERRER_GOOD:
        return "good"
    if policy in REFERRER_SUFFICIENT:
        return "sufficient"
    return "bad"
