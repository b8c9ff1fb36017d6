#!/usr/bin/env python3
"""The SPF world proves itself (suite testbed): for every domain, the
v=spf1 records the resolver serves at the apex (dig) are the world's, and
the truth's SPF columns (scripts/tb/spftruth.py) agree with the
independent evaluator, python3-spf, run against the resolver
(tests/spf/pyspf_verdict.py has the mapping).

    scripts/testbed run tests/worlds/spf -- python3 tests/spf/selftest.py

Prints TAP; exits 1 when any check fails.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from tap import Tap  # noqa: E402
import pyspf_verdict  # noqa: E402


def dig_spf(name):
    """The v=spf1 TXT records at name, as dig prints them (joined)."""
    out = subprocess.run(["dig", "+short", "+tries=2", "+time=5", "TXT", name,
                          "@" + pyspf_verdict.RESOLVER],
                         capture_output=True, text=True, check=True).stdout
    recs = []
    for line in out.splitlines():
        # "a" "b" -> ab (RFC 7208 3.3: the strings are joined)
        parts = [p for p in line.strip().split('"') if p.strip() not in ("",)]
        text = "".join(parts[i] for i in range(0, len(parts)))
        if text[:6].lower() == "v=spf1":
            recs.append(text)
    return sorted(recs)


def main():
    state = os.environ["UPTAKE_TESTBED_STATE"]
    sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "tb"))
    import world as worldmod
    import spftruth
    tap = Tap()
    with open(os.path.join(state, "truth.jsonl")) as f:
        truth = [json.loads(line) for line in f if line.strip()]
    w = worldmod.parse(os.path.join(HERE, "..", "worlds", "spf", "world"))
    apex = {}
    for d in w.domains:
        apex[d.name] = [d["spf"]] if d["spf"] is not None else []
    for owner, rtype, rdata, _ in w.records:
        if rtype == "TXT" and owner in apex:
            apex[owner].append(rdata)
    for t in truth:
        d = t["domain"]
        want = sorted(x for x in apex[d] if spftruth.is_spf(x))
        tap.eq(dig_spf(d), want, "%s: dig: the apex's v=spf1 records" % d)
        if t.get("dns_status") != "ok":
            # Not measured: the crawler evaluates no record of a domain
            # that did not resolve.
            tap.ok(all(t.get(c) is None for c in ("spf_lookups", "spf_void_lookups",
                                                  "spf_result_all", "spf_error")),
                   "%s: does not resolve: the SPF columns are null" % d)
            continue
        v = pyspf_verdict.verdict(d)
        why = pyspf_verdict.agrees(t, v)
        tap.ok(why is None, "%s: the truth (%s %s, %s lookups, %s void) agrees "
               "with python3-spf (%s)" % (d, t.get("spf_result_all"), t.get("spf_error"),
                                          t.get("spf_lookups"), t.get("spf_void_lookups"),
                                          v[0]), why)
    # The world has every case the issue names.
    errors = {t.get("spf_error") for t in truth}
    for k in ("too_many_lookups", "too_many_void", "syntax", "loop",
              "missing_include", "multiple_records", "temperror"):
        tap.ok(k in errors, "the world has a domain with spf_error %s" % k)
    results = {t.get("spf_result_all") for t in truth}
    for k in ("pass", "fail", "softfail", "neutral", "none"):
        tap.ok(k in results, "the world has a domain with spf_result_all %s" % k)
    tap.ok(any(t.get("spf_lookups") == 3 and t.get("spf_error") is None for t in truth),
           "the world has a chain of 3 lookups")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
