"""The independent SPF evaluator: Debian's python3-spf (pyspf 2.0) run
against the testbed's resolver, reduced to the crawler's SPF columns
(docs/email-auth.md, "The independent check").

check_host() is asked for an address that no mechanism of the testbed's
worlds matches (SENDER_IP, in TEST-NET-1 outside every ip4: of the
worlds), so its result is the record's effective all.  The mapping:

  pyspf none                  no SPF record: the four columns null
  pass, fail, softfail        spf_result_all
  neutral                     spf_result_all neutral, or none (no all:
                              RFC 7208 4.7 makes it neutral)
  permerror                   spf_error, by pyspf's message: too many DNS
                              lookups -> too_many_lookups or loop (pyspf
                              has no loop rule: the lookup limit stops a
                              loop), void lookup limit -> too_many_void,
                              no SPF record for an include or redirect
                              target -> missing_include, two or more
                              records -> multiple_records, any other ->
                              syntax
  temperror                   spf_error temperror
  q.lookups, q.void_lookups   spf_lookups, spf_void_lookups (pyspf counts
                              as RFC 7208 4.6.4 does; where the crawler
                              differs, a/mx hosts' addresses and ptr, the
                              worlds have no such terms)
"""

import sys

SENDER_IP = "192.0.2.250"
RESOLVER = "192.0.2.53"

try:
    import spf
    import dns.resolver
except ImportError:
    # meson's python3 may be another build than Debian's: its packages.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import spf
        import dns.resolver
    except ImportError:
        sys.stderr.write("python3-spf not found (Debian package python3-spf: "
                         "run scripts/deps)\n")
        raise

_r = dns.resolver.Resolver(configure=False)
_r.nameservers = [RESOLVER]
_r.lifetime = 10
dns.resolver.default_resolver = _r


def kind_of(msg):
    m = msg.lower()
    if "too many dns lookups" in m or "more than" in m and "lookups" in m:
        return "too_many_lookups"
    if "void lookup limit" in m:
        return "too_many_void"
    if "no valid spf record for included domain" in m or "redirect domain has no spf record" in m:
        return "missing_include"
    if "two or more" in m:
        return "multiple_records"
    return "syntax"


def verdict(domain):
    """(result, kind or None, lookups, voids, message)."""
    q = spf.query(i=SENDER_IP, s="postmaster@" + domain, h=domain, timeout=10)
    res, _, msg = q.check()
    kind = None
    if res == "permerror":
        kind = kind_of(msg)
    elif res == "temperror":
        kind = "temperror"
    return res, kind, q.lookups, q.void_lookups, msg


def agrees(row, v):
    """None when the row's four SPF columns agree with pyspf's verdict v,
    else why not."""
    res, kind, lookups, voids, msg = v
    cols = (row.get("spf_lookups"), row.get("spf_void_lookups"),
            row.get("spf_result_all"), row.get("spf_error"))
    if res == "none":
        return None if cols == (None, None, None, None) else \
            "pyspf: no SPF record; the columns are %r" % (cols,)
    why = []
    if kind is not None:
        ok = row.get("spf_error") == kind or (kind == "too_many_lookups" and
                                              row.get("spf_error") == "loop")
        if not ok or row.get("spf_result_all") is not None:
            why.append("pyspf %s (%s): spf_error %r, spf_result_all %r" % (
                res, msg, row.get("spf_error"), row.get("spf_result_all")))
    else:
        want = ("neutral", "none") if res == "neutral" else (res,)
        if row.get("spf_result_all") not in want or row.get("spf_error") is not None:
            why.append("pyspf %s: spf_result_all %r, spf_error %r" % (
                res, row.get("spf_result_all"), row.get("spf_error")))
    if row.get("spf_lookups") != lookups:
        why.append("pyspf counted %d lookups, the row %r" % (lookups, row.get("spf_lookups")))
    if row.get("spf_void_lookups") != voids:
        why.append("pyspf counted %d void lookups, the row %r" % (voids, row.get("spf_void_lookups")))
    return "; ".join(why) or None
