#!/usr/bin/env python3
"""World files: a malformed line stops the generator with its file and line
number; the demo and bench generators draw valid, deterministic worlds.
Needs no root and no servers.  Prints TAP."""

import base64
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts", "tb"))
sys.path.insert(0, HERE)

import dnsgen  # noqa: E402
import world  # noqa: E402
from tap import Tap  # noqa: E402

HEAD = """root sign=8
tld se sign=13 country=SE
network n1 v4=198.51.100.0/28 v6=2001:db8:100::/48 asn=64500 org=X country=SE
"""

# (text after HEAD, line number of the fault, words the message must contain)
BAD = [
    ("domain a.se net=n1 sign=99\n", 4, ["bad value '99'", "sign"]),
    ("domain a.se net=n1 colour=blue\n", 4, ["unknown key 'colour'"]),
    ("domain a.se net=n1\ndomain a.se net=n1\n", 5, ["listed twice"]),
    ("domain A.se net=n1\n", 4, ["lower case"]),
    ("domain a.xx net=n1\n", 4, ["TLD 'xx'"]),
    ("domain a.se net=nope\n", 4, ["unknown network 'nope'"]),
    ("domain a.se\n", 4, ["no net="]),
    ("domain a.se net=n1 hsts=\"unterminated\n", 4, ["No closing quotation"]),
    ("frobnicate x\n", 4, ["unknown line kind"]),
    ("network n2 v4=10.0.0.0/28 v6=2001:db8:1::/48 asn=1 org=Y country=SE\n", 4,
     ["not in IPv4 documentation space"]),
    ("domain a.se net=n1 sign=none break=expired\n", 4, ["need a signed zone"]),
    ("domain a.se net=n1 mx=9\n", 4, ["must be in 0..4"]),
    ("domain bad_name.se net=n1\n", 4, ["not a valid host name"]),
    ("network n2 v4=198.51.100.32/29 v6=2001:db8:102::/48 asn=1 org=Y country=SE\n", 4,
     ["too small"]),
    ("network n2 v4=198.51.100.16/28 v6=2001:db8:102::/48 asn=1 org=Y country=SE\n", 4,
     ["shares the /27"]),
    # mail hosts (issue 16, docs/testbed-mail.md)
    ("mailhost mx.a.se net=n1\n", 4, ["mailhost mx.a.se lies in no served"]),
    ("domain a.se net=n1\nmailhost mx.a.se net=n1 smtp=maybe\n", 5,
     ["bad value 'maybe'", "smtp"]),
    ("domain a.se net=n1 mxhosts=mx.nope.se\n", 4, ["no mailhost line named mx.nope.se"]),
    ("domain a.se net=n1\nmailhost mx.a.se net=n1 cert=selfsigned tlsa=ta\n", 5,
     ["tlsa=ta needs cert=ok"]),
    ("domain a.se net=n1 mx=1 mxhosts=mx.a.se\nmailhost mx.a.se net=n1\n", 4,
     ["mxhosts= with mx="]),
    ("domain a.se net=n1 stsmx=mx.a.se\n", 4, ["stsmx= without stspolicy="]),
    ("domain a.se net=n1\n" + "".join("mailhost m%d.a.se net=n1\n" % i for i in range(7)), 11,
     ["no mail slot left"]),
]


def main():
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="uptake-world-")
    for i, (text, line, words) in enumerate(BAD):
        path = os.path.join(tmp, "w%d" % i)
        with open(path, "w") as f:
            f.write(HEAD + text)
        r = subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/build.py"), path,
                            os.path.join(tmp, "s%d" % i)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        msg = r.stderr.strip()
        tap.ok(r.returncode == 2, "bad world %d exits 2" % i, msg)
        tap.ok(("%s:%d:" % (path, line)) in msg, "bad world %d names file:line %d" % (i, line), msg)
        tap.ok(all(w in msg for w in words), "bad world %d says %s" % (i, words), msg)
        tap.ok(not os.path.exists(os.path.join(tmp, "s%d" % i, "truth.jsonl")),
               "bad world %d writes no truth" % i)

    # The core world parses and covers every case of the foundation issue.
    core = world.parse(os.path.join(TOP, "tests/worlds/core/world"))
    vals = {k: {d[k] for d in core.domains} for k in world.DOMAIN_KEYS if k not in
            ("rank", "hsts", "csp", "xfo", "xcto", "referrer", "permissions", "spf", "dmarc",
             "country", "sector", "net", "digest")}
    must = {
        "sign": {"8", "13", "15", "none"}, "denial": {"nsec", "nsec3"},
        "break": {"expired", "notyet", "dnskey_missing", "rrsig_missing", "sig_corrupt"},
        "ds": {"yes", "no", "mismatch"}, "dns": {"ok", "nxdomain", "servfail"},
        "tls": {"ok", "expired", "notyet", "wrongname", "selfsigned", "untrusted", "none"},
        "key": {"ec256", "rsa2048"}, "tlsver": {"1.2", "1.3"},
        "http80": {"redirect", "plain"}, "sectxt": {"valid", "invalid", "absent"},
        "v4": {"no"}, "v6": {"no"}, "web": {"www", "none"},
    }
    for k, want in sorted(must.items()):
        tap.ok(want <= vals[k], "core world covers %s=%s" % (k, ",".join(sorted(want))),
               "missing: %s" % (want - vals[k]))
    ccs = {t["country"] for t in core.tlds.values() if t["country"]}
    tap.ok(len(ccs) >= 6, "core world has ccTLDs of >= 6 countries (%d)" % len(ccs))
    rov = {n["rov4"] for n in core.networks.values()} | {n["rov6"] for n in core.networks.values()}
    tap.ok(set(world.ROV_STATES) <= rov, "core world covers every ROV state")

    # Demo world: deterministic, every country x sector stratum present.
    a, b = os.path.join(tmp, "demo-a"), os.path.join(tmp, "demo-b")
    for p in (a, b):
        subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/gen_demo.py"),
                        "--domains", "800", "--seed", "7", p], check=True)
    tap.ok(open(a).read() == open(b).read(), "demo world: same seed, same world")
    demo = world.parse(a)
    strata = {(d["country"], d["sector"]) for d in demo.domains}
    tap.eq(len(demo.domains), 800, "demo world: 800 domains")
    tap.ok(len({c for c, _ in strata}) >= 8, "demo world: >= 8 countries")
    tap.ok(len({s for _, s in strata}) >= 6, "demo world: >= 6 sectors")
    tap.eq(len(strata), 60, "demo world: every country x sector stratum")

    bench = os.path.join(tmp, "bench")
    subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/gen_bench.py"),
                    "--domains", "5000", bench], check=True)
    bw = world.parse(bench)
    tap.eq(len(bw.domains), 5000, "bench world: 5000 domains")
    tap.ok(all(d["inline"] for d in bw.domains), "bench world: every domain inline")
    # The mail world covers every mail case of issue 16.
    mail = world.parse(os.path.join(TOP, "tests/worlds/mail/world"))
    mh = list(mail.mailhosts.values())
    for key, want in (("smtp", {"starttls", "plain", "none"}), ("tlsver", {"any", "1.2", "1.3"}),
                      ("cert", {"ok", "selfsigned", "untrusted", "expired", "wrongname"}),
                      ("tlsa", {"none", "ee", "ee-bad", "ta"}), ("v4", {"no"})):
        got = {m[key] for m in mh}
        tap.ok(want <= got, "mail world covers mailhost %s=%s" % (key, ",".join(sorted(want))),
               "missing: %s" % (want - got))
    sts = {d["stspolicy"] for d in mail.domains}
    tap.ok({"enforce", "testing", "none", "invalid", "404", "untrusted", None} <= sts,
           "mail world covers every stspolicy", "have: %s" % sts)
    tap.ok({"ee", "ta", "yes", "no"} <= {d["dane_web"] for d in mail.domains},
           "mail world covers dane_web=yes,no,ee,ta")
    shared = [n for n in mail.mailhosts
              if sum(n in (d["mxhosts"] or []) for d in mail.domains) >= 5]
    tap.ok(shared, "mail world: a mail host shared by >= 5 domains")
    mb = os.path.join(tmp, "mailbench")
    for _ in range(2):
        subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/gen_mailbench.py"), mb],
                       check=True)
        if _ == 0:
            first = open(mb).read()
    mbw = world.parse(mb)
    tap.ok(open(mb).read() == first, "mail bench world: deterministic")
    tap.eq((len(mbw.domains), len(mbw.mailhosts)), (1000, 3),
           "mail bench world: 1000 domains, 3 mail hosts")
    tap.ok(all(set(d["mxhosts"]) <= set(mbw.mailhosts) for d in mbw.domains),
           "mail bench world: every MX is one of the 3")
    # Keys ldns-signzone can pair with their DNSKEY (scripts/tb/dnsgen.py,
    # Keys._make): our key tag is ldns's (the tag in ldns-keygen's file
    # names), and the keys whose KSK tag wraps or carries are refused.
    kd = os.path.join(tmp, "keys")
    keys = dnsgen.Keys(kd)
    made = [(alg, ksk, keys.get(alg, ksk, 0)) for alg in ("13", "15") for ksk in (True, False)
            for _ in range(3)]
    for alg, ksk, k in made:
        flags, proto, a, key = dnsgen._dnskey_fields(k["rdata"])
        tag = int(os.path.basename(k["base"]).split("+")[-1])
        tap.eq(dnsgen._keytag(flags, proto, a, key), tag,
               "key tag of %s (alg %s, flags %d) is ldns-keygen's" % (os.path.basename(k["base"]),
                                                                    alg, flags))
        tap.ok(dnsgen.signzone_pairs(k["rdata"], ksk, keys.ksk_tags - ({tag} if ksk else set())),
               "%s: ldns-signzone pairs it with its DNSKEY" % os.path.basename(k["base"]))

    def key_with_sum(low16):
        # 32 key bytes whose RFC 4034 sum with ZSK flags (256, protocol 3,
        # algorithm 15) has the low 16 bits low16, before the fold.
        head = (256 + (3 << 8) + 15)
        need = (low16 - head) % 65536
        return bytes([need >> 8, need & 0xFF] + [0] * 30)
    def rdata(flags, key):
        return "%d 3 15 %s" % (flags, base64.b64encode(key).decode())
    carry = key_with_sum(0xFFFF)
    tap.ok(not dnsgen.signzone_pairs(rdata(257, carry), True, set()),
           "KSK whose ZSK-flag sum ends in 0xffff (tag %d -> %d) is made again" %
           (dnsgen._keytag(256, 3, 15, carry), dnsgen._keytag(257, 3, 15, carry)))
    plain = key_with_sum(0x1234)
    tap.ok(dnsgen.signzone_pairs(rdata(257, plain), True, set()),
           "KSK tag %d -> %d is kept" % (dnsgen._keytag(256, 3, 15, plain),
                                        dnsgen._keytag(257, 3, 15, plain)))
    t = dnsgen._keytag(256, 3, 15, plain)
    tap.ok(not dnsgen.signzone_pairs(rdata(256, plain), False, {t + 1}),
           "ZSK whose tag plus one is a KSK's is made again")
    tap.ok(dnsgen.signzone_pairs(rdata(256, plain), False, {t + 2}),
           "ZSK clear of every KSK tag is kept")

    # docs/testbed-cases.md is what cases_doc.py makes of the core world now.
    r = subprocess.run([sys.executable, os.path.join(TOP, "scripts/tb/cases_doc.py")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(os.path.join(TOP, "docs/testbed-cases.md")) as f:
        committed = f.read()
    tap.ok(r.returncode == 0 and r.stdout == committed,
           "docs/testbed-cases.md is current (python3 scripts/tb/cases_doc.py > docs/testbed-cases.md)",
           r.stderr[-2000:])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
