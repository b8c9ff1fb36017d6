#!/usr/bin/env python3
"""The realzone world and the invariant checker, without root or servers:

- the committed world equals what scripts/tb/gen_realzone.py draws;
- its shape is what issue 13 asks for: at least 200 delegations, at least
  a third lame, every lame kind with and without DS, under NSEC, NSEC3,
  NSEC3 opt-out, unsigned and DS-less parents; providers shared by several
  domains; www CNAMEs; the truth derived from it follows the rules of
  docs/testbed.md (lame rows: DS facts only; own-zone columns from the own
  zone);
- malformed provider, lame and opt-out lines stop the build with FILE:LINE;
- invariants.py finds each rule's violation in a row made to break it, and
  none in rows that keep them.
Prints TAP.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts", "tb"))
sys.path.insert(0, os.path.join(TOP, "tests", "testbed"))
sys.path.insert(0, HERE)

import world as worldmod  # noqa: E402
import plan as planmod    # noqa: E402
import dnsgen             # noqa: E402
import invariants         # noqa: E402
from tap import Tap       # noqa: E402

WORLD = os.path.join(TOP, "tests", "worlds", "realzone", "world")

HEAD = """root sign=8
tld se sign=13 country=SE
tld nu sign=13 denial=nsec
network n1 v4=198.51.100.0/28 v6=2001:db8:100::/48 asn=64500 org=X country=SE
provider prov.se net=n1
"""

# (text after HEAD, line number of the fault, words the message must contain)
BAD = [
    ("domain a.se lame=silent nsp=prov.se\n", 6, ["lame= and nsp="]),
    ("domain a.se net=n1 nsp=nope.se\n", 6, ["nsp=nope.se", "no provider line"]),
    ("domain a.se lame=asleep\n", 6, ["bad value 'asleep'", "lame"]),
    ("domain a.se lame=silent dns=nxdomain\n", 6, ["needs a delegation"]),
    ("tld xx sign=13 denial=nsec optout=yes\n", 6, ["optout=yes needs a signed NSEC3 TLD"]),
    ("provider prov.se\n", 6, ["provider 'prov.se' defined twice"]),
    ("provider www.prov.se\n", 6, ["directly under a TLD"]),
    ("provider p.zz\n", 6, ["TLD 'zz' of provider p.zz"]),
    ("domain a.se web=www wwwcname=prov.se https_rr=yes\n", 6, ["can hold no TLSA or HTTPS"]),
]


def world_shape(tap):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "world")
        r = subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/gen_realzone.py"), out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with open(out) as f, open(WORLD) as g:
            tap.ok(r.returncode == 0 and f.read() == g.read(),
                   "tests/worlds/realzone/world equals gen_realzone.py's output", r.stderr)
    w = worldmod.parse(WORLD)
    plan = planmod.Plan(w)
    truth = dnsgen.truth(w, plan, 0)
    deleg = [d for d in w.domains if d["dns"] != "nxdomain"]
    lame = [d for d in deleg if d["lame"] is not None]
    tap.ok(len(deleg) >= 200, "at least 200 delegations (%d)" % len(deleg))
    tap.ok(3 * len(lame) >= len(deleg), "a third or more lame (%d of %d)" % (len(lame), len(deleg)))
    kinds = {"optout": [], "nsec3": [], "nsec": [], "unsigned": [], "nods": []}
    for name, t in w.tlds.items():
        if t["sign"] == "none":
            kinds["unsigned"].append(name)
        elif t["ds"] == "no":
            kinds["nods"].append(name)
        elif t["denial"] == "nsec3":
            kinds["optout" if t["optout"] == "yes" else "nsec3"].append(name)
        else:
            kinds["nsec"].append(name)
    for kind in ("silent", "refused", "unreachable", "noglue"):
        for has_ds in (True, False):
            parents = {k for k, tlds in kinds.items() for d in lame
                       if d["lame"] == kind and d.name.rsplit(".", 1)[-1] in tlds
                       and truth[d.name]["ds_present"] == has_ds}
            tap.eq(sorted(parents), sorted(kinds), "lame=%s %s DS under every kind of parent"
                   % (kind, "with" if has_ds else "without"))
    for d in lame:
        t = truth[d.name]
        leaked = [c for c in ("ns_count", "a_count", "dnskey_algorithms", "denial",
                              "nsec3_iterations", "signer_zone", "spf", "mx_count")
                  if t[c] is not None]
        if leaked or t["dnssec_status"] is None or t["ds_present"] is None:
            tap.ok(False, "%s: lame truth has DS facts and a verdict only (%s)" % (d.name, leaked))
            break
    else:
        tap.ok(True, "every lame row's truth: DS facts and verdict, nothing from the child")
    users = {}
    for d in w.domains:
        for key in ("nsp", "mxp", "wwwcname"):
            if d[key]:
                users.setdefault(d[key], set()).add(d.name)
    tap.ok(all(len(v) >= 5 for v in users.values()) and len(users) == len(w.providers),
           "every provider is shared by several domains (%s)"
           % ", ".join("%s %d" % (k, len(v)) for k, v in sorted(users.items())))
    leaks = []
    for d in w.domains:
        if d["dns"] != "ok":
            continue
        t = truth[d.name]
        if d["sign"] == "none" and (t["denial"] or t["dnskey_algorithms"] or t["signer_zone"]):
            leaks.append(d.name)
        if d["sign"] != "none" and d["break"] == "none" and t["signer_zone"] != d.name:
            leaks.append(d.name)
    tap.eq(leaks, [], "own-zone truth columns come from the own zone only")


def bad_worlds(tap):
    tmp = tempfile.mkdtemp(prefix="uptake-realzone-")
    for i, (text, line, words) in enumerate(BAD):
        path = os.path.join(tmp, "w%d" % i)
        with open(path, "w") as f:
            f.write(HEAD + text)
        r = subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/build.py"), path,
                            os.path.join(tmp, "s%d" % i)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        msg = r.stderr.strip()
        tap.ok(r.returncode == 2 and ("%s:%d:" % (path, line)) in msg
               and all(w in msg for w in words),
               "bad world %d: exit 2, %s:%d, says %s" % (i, os.path.basename(path), line, words), msg)


GOOD = {"domain": "good.se", "error": None, "dns_status": "ok", "ns_count": 2, "a_count": 1,
        "aaaa_count": 0, "mx_count": 0, "spf": "absent", "dmarc": "absent",
        "web_ipv4": "198.51.100.1", "dnssec_status": "secure", "dnssec_reason": None,
        "ds_present": True, "tls_status": "ok", "http_status": 200, "v4_rov": "valid"}

# rule: a row that breaks it, with the probes of its crawl
BROKEN = {
    "R1": (dict(GOOD, dns_status=None), "dns"),
    "R2": (dict(GOOD, mx_count=None), "dns"),
    "R3": (dict(GOOD, dns_status="nxdomain", dnssec_status=None, ds_present=True,
                ns_count=None, a_count=None, aaaa_count=None, mx_count=None,
                web_ipv4=None, tls_status="no_address", http_status=None, v4_rov=None), "dns"),
    "R4": (dict(GOOD, dns_status="servfail", dnssec_status=None, ds_present=None, ns_count=None,
                a_count=None, aaaa_count=None, mx_count=None, web_ipv4=None, spf=None,
                dmarc=None), "dns,dnssec"),
    "R5": (dict(GOOD, dnssec_status="insecure", dnssec_reason=None), "dns,dnssec"),
    "R6": (dict(GOOD, tls_status=None, http_status=None,
                error="deadline: --timeout 5 s reached in the web stage"), "dns,tls"),
    "R7": (dict(GOOD, tls_status="no_address", http_status=None), "dns,tls"),
    "R8": (dict(GOOD, http_status=None), "dns,tls,http"),
    "R9": (dict(GOOD, v4_rov=None), "dns,rpki"),
    "R10": (dict(GOOD), "dns"),
}


def checker(tap):
    for probes in ("dns,dnssec,tls,http,rpki", ):
        found, n = invariants.check([GOOD], probes.split(","))
        tap.eq(found, [], "invariants: a row that keeps every rule passes (%s)" % probes)
    for rule, (row, probes) in BROKEN.items():
        found, _ = invariants.check([row], probes.split(","))
        rules = sorted({r for r, _, _ in found})
        tap.ok(rule in rules, "invariants: %s finds its violation (found %s)" % (rule, rules),
               json.dumps(found))
    # The deadline count of the summary.
    row = dict(GOOD, error="deadline: --timeout 5 s reached in the dns stage")
    found, _ = invariants.check([row], ["dns"], "uptake-crawl: done: ...; deadline 0; ...")
    tap.ok(any(r == "R10" and d is None for r, d, _ in found),
           "invariants: a summary deadline count that differs from the rows is found")
    # Not contacted, or cut before the web stage: tls_status may be null.
    for err in ("blocked: 10.0.0.0/8 private-use (RFC 1918)",
                "deadline: --timeout 5 s reached in the dns stage"):
        found, _ = invariants.check([dict(GOOD, tls_status=None, http_status=None, error=err)],
                                    ["dns", "tls"])
        tap.eq([r for r, _, _ in found if r == "R6"], [], "invariants: tls_status null allowed "
               "when error says %r" % err.split(":")[0])


def main():
    tap = Tap()
    world_shape(tap)
    bad_worlds(tap)
    checker(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
