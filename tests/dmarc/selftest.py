#!/usr/bin/env python3
"""The dmarc world proves its truth (run through scripts/testbed run; suite
testbed): every fact of scripts/tb/dmarctruth.py against what the world's
resolver answers (dig) and against an independent DMARC parser, Debian's
opendmarc-check (libopendmarc's policy parser: p, sp, pct, adkim, aspf, the
rua/ruf URI lists, and its rejections: a missing p, a bad token value, a
bad v=).

Where opendmarc differs from RFC 7489 as docs/email-auth.md reads it, the
check says so and uses dig: two DMARC records at a name (opendmarc takes
the first; 6.6.3 step 5 stops discovery: dig counts the records), a rua
entry without a URI scheme (opendmarc lists it; 6.4 needs a URI: the test
checks opendmarc's list equals the value split at commas, and the truth
counts only the URIs).  opendmarc-check does no organisational-domain
lookup: the organisational domain's record is checked at that domain.

    selftest.py
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "tb"))

from tap import Tap  # noqa: E402
import dmarctruth  # noqa: E402
import world as worldmod  # noqa: E402

RESOLVER = "192.0.2.53"


def dig(name, rtype):
    """(status, [rdata text]) of the resolver's answer for (name, rtype),
    CNAMEs followed (the records of rtype only)."""
    r = subprocess.run(["dig", "@" + RESOLVER, "+noall", "+comments", "+answer",
                        "+nocookie", name, rtype], capture_output=True, text=True)
    m = re.search(r"status: (\w+)", r.stdout)
    out = []
    for line in r.stdout.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        f = line.split(None, 4)
        if len(f) == 5 and f[3] == rtype:
            out.append(f[4])
    return (m.group(1) if m else "FAILED"), out


def txt_value(rdata):
    """A TXT rdata's strings joined."""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', rdata)).replace('\\"', '"')


def opendmarc(names, resolv):
    """{name: (rc, output)} of opendmarc-check NAME, with the world's
    resolver as the system's (a private mount namespace)."""
    script = "mount --bind %s /etc/resolv.conf && for d in %s; do " \
             "echo \"=== $d\"; opendmarc-check \"$d\" 2>&1; echo \"=== rc $?\"; done" % (
                 resolv, " ".join(names))
    r = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True)
    out, cur, buf = {}, None, []
    for line in r.stdout.splitlines():
        if line.startswith("=== rc "):
            out[cur] = (int(line[7:]), "\n".join(buf))
            cur, buf = None, []
        elif line.startswith("=== "):
            cur = line[4:]
        else:
            buf.append(line)
    return out


def od_fields(text):
    f = {}
    m = re.search(r"Sample percentage: (\d+)", text)
    f["pct"] = int(m.group(1)) if m else None
    for key, label in (("adkim", "DKIM alignment"), ("aspf", "SPF alignment")):
        m = re.search(label + r": (\w+)", text)
        f[key] = {"relaxed": "r", "strict": "s"}.get(m.group(1)) if m else None
    m = re.search(r"Domain policy: (\w+)", text)
    f["p"] = m.group(1) if m else None
    m = re.search(r"Subdomain policy: (\w+)", text)
    f["sp"] = None if not m or m.group(1) == "unspecified" else m.group(1)
    for key, label in (("rua", "Aggregate report URIs"), ("ruf", "Failure report URIs")):
        m = re.search(label + r":\n((?:\t\t.*\n?)*)", text)
        lines = [x.strip() for x in (m.group(1).splitlines() if m else [])]
        f[key] = [] if lines == ["(none)"] else lines
    return f


def main():
    state = os.environ["UPTAKE_TESTBED_STATE"]
    world = worldmod.parse(os.path.join(os.environ.get("UPTAKE_WORLD_DIR", os.path.join(
        HERE, "..", "worlds", "dmarc")), "world"))
    truth = dmarctruth.truth(world, None)
    t = Tap()
    owners = {}
    for d in world.domains:
        row = truth[d.name]
        # The records the truth used, as the resolver serves them.
        for name in sorted({d.name, dmarctruth.org_domain(d.name)}):
            st, recs = dig("_dmarc." + name, "TXT")
            got = sorted(x for x in map(txt_value, recs) if dmarctruth.is_dmarc(x))
            want = sorted(x for x in dmarctruth._follow(world, "_dmarc." + name, "TXT")
                          if dmarctruth.is_dmarc(x))
            t.eq(got, want, "dig: the DMARC records at _dmarc.%s" % name)
            if want:
                owners[name] = want
        st, _ = dig("_domainkey." + d.name, "TXT")
        t.eq({"NXDOMAIN": "none", "NOERROR": "maybe"}.get(st), row["dkim_hint"],
             "dig: _domainkey.%s %s (RFC 8020)" % (d.name, st))
        # The CAA tree, climbed with dig.
        labels = d.name.split(".")
        found = None
        for i in range(len(labels)):
            st, recs = dig(".".join(labels[i:]), "CAA")
            if st != "NOERROR" and st != "NXDOMAIN":
                break
            if recs:
                found = (i, recs)
                break
        tags = [r.split()[1].lower() for r in found[1]] if found else []
        t.eq({"issue": "issue" in tags, "iodef": "iodef" in tags,
              "inherited": found is not None and found[0] > 0},
             {"issue": row["caa_issue"], "iodef": row["caa_iodef"],
              "inherited": row["caa_inherited"]}, "dig: the CAA tree of %s" % d.name)
    # Each record the truth parses, parsed by opendmarc.
    with tempfile.NamedTemporaryFile("w", prefix="uptake-resolv.", suffix=".conf") as rc:
        rc.write("nameserver %s\n" % RESOLVER)
        rc.flush()
        od = opendmarc(sorted(owners) + sorted(n for n in truth if n not in owners), rc.name)
    for name in sorted(owners):
        recs = owners[name]
        code, text = od.get(name, (None, ""))
        if len(recs) > 1:
            t.ok(True, "%s: %d records (dig); opendmarc takes the first, RFC 7489 "
                 "6.6.3 step 5 stops: multiple_records" % (name, len(recs)))
            continue
        r = dmarctruth.parse(recs[0])
        if r["error"] == "p_missing":
            t.ok(code != 0 and "lacked a required p=" in text,
                 "opendmarc: %s lacks p= (p_missing)" % name, text)
        elif r["error"] in ("bad_p", "bad_sp", "bad_pct", "bad_adkim", "bad_aspf"):
            t.ok(code != 0 and "bad token value" in text,
                 "opendmarc: %s has a bad token value (%s)" % (name, r["error"]), text)
        else:
            f = od_fields(text)
            t.ok(code == 0, "opendmarc parses %s" % name, text)
            t.eq([f["p"], f["sp"], f["pct"], f["adkim"], f["aspf"]],
                 [r["p"], r["sp"], r["pct"], r["adkim"], r["aspf"]],
                 "opendmarc: %s p, sp, pct, adkim, aspf" % name)
            tags = dict((k.strip().lower(), v.strip()) for k, v in
                        (x.split("=", 1) for x in recs[0].split(";")[1:] if "=" in x))
            for k in ("rua", "ruf"):
                split = [u.strip() for u in tags[k].split(",")] if k in tags else []
                t.eq(f[k], split, "opendmarc: %s %s URIs as written" % (name, k))
                if r["error"] != "bad_" + k:
                    t.eq(r[k], len(split), "opendmarc: %s %s count" % (name, k))
    for name in sorted(n for n in truth if n not in owners):
        code, text = od.get(name, (None, ""))
        t.ok(code != 0 and ("lacked a DMARC record" in text or "bad v= value" in text),
             "opendmarc: no DMARC record at %s" % name, text)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
