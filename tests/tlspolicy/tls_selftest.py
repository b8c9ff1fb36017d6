#!/usr/bin/env python3
"""tls-selftest: the truth of the tlspolicy world (scripts/tb/tlstruth.py)
proven by two real tools, testssl.sh (JSON) and sslscan (XML), fact by
fact, for every tlspol host.  Runs inside the testbed namespace (scripts/
testbed run tests/worlds/tlspolicy -- python3 tests/tlspolicy/tls_selftest.py).

Each tool's answer is turned into the facts of docs/web.md ("TLS policy:
the rules") by the same rules the scan uses (a suite judged by its name),
then compared with the truth; tls_kex_weak and tls_ncsc_class are made
from the tool's facts by tlstruth's rules and compared too.  Where a tool
defines a fact otherwise, its TAP line says so and the check is of our
definition:

  - testssl.sh reports a cipher order and RFC 5746 for TLS 1.3 too; ours
    are about TLS 1.2 and older (null for a TLS 1.3-only server).
  - sslscan has no verdict on the server's order (it marks the suite it
    got first per version), and its renegotiation check is one OpenSSL
    connection of its own (SSL_get_secure_renegotiation_support), which
    reports secure renegotiation only where its connection negotiated a
    version that has renegotiation: compared only where it says
    "secure", never as a "no".
  - Client-initiated renegotiation: testssl's -R (secure_client_renego:
    "VULNERABLE" = accepted); sslscan does not test it.
testssl.sh is slow (a bash program: a minute or more of CPU for a full
check of one host), so it runs once per host, all hosts at once, with -p
(versions, every host) and the checks of the facts that host's case is
about (TESTSSL_CASE_CHECKS): -s / -4 for the cipher classes, -f for the
DH group, -P for the cipher order (and the suites per version when the
server has an order), -R for renegotiation.  sslscan (fast, C) checks
every fact of every host that it measures.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts", "tb"))
sys.path.insert(0, os.path.join(TOP, "tests", "testbed"))

import tlstruth  # noqa: E402
from tap import Tap  # noqa: E402

# testssl.sh instances at once: every host (the machine's cores are the
# real bound; they mostly wait on the bash of testssl.sh itself).
TESTSSL_PARALLEL = 16
# One testssl.sh run of one host at most (seconds): -p -s took 20-45 s of
# CPU per host, 2.5 min of wall time alone on a 2-core machine at load
# 13-18, 7 min with all fifteen hosts at once at that load.
TESTSSL_TIMEOUT_S = 900
SSLSCAN_TIMEOUT_S = 60
# The checks of every host, and those of each case (tlscases.CASES).
TESTSSL_CHECKS = ["-p"]
TESTSSL_CASE_CHECKS = {
    "legacy": ["-R"], "tls12": ["-R"], "tls13": ["-P", "-R"],
    "3des": ["-s"], "rc4": ["-s", "-4"], "null": ["-s"], "anon": ["-s"], "cbconly": ["-s"],
    "dh1024": ["-f"], "dh2048": ["-f"],
    "staticrsa": ["-P"], "clientorder": ["-P"], "serverorder": ["-P"],
    "reneg": ["-R"], "earlydata": [],
}
# testssl.sh's -s categories and the class each proves (LOW is 64-bit
# ciphers, DES and RC2/RC4: RC4 here, the world has no DES).
TESTSSL_CATEGORIES = {"cipherlist_NULL": "null", "cipherlist_aNULL": "anon",
                      "cipherlist_EXPORT": "export", "cipherlist_3DES_IDEA": "3des"}
VERSIONS = tlstruth.VERSIONS
TESTSSL_VERSION_IDS = {"TLS1": "TLSv1", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2",
                       "TLS1_3": "TLSv1.3"}


def suite_classes(name):
    """Facts of one suite from its OpenSSL or IANA name: (weak classes,
    aead, dhe, static_rsa)."""
    n = name.upper()
    weak = set()
    if "3DES" in n or "DES-CBC3" in n:
        weak.add("3des")
    if "RC4" in n:
        weak.add("rc4")
    if "NULL" in n.replace("_ANON_", "").replace("ANULL", ""):
        weak.add("null")
    if n.startswith(("ADH-", "AECDH-")) or "_ANON_" in n:
        weak.add("anon")
    if "EXP" in n.split("-")[0] or "_EXPORT" in n:
        weak.add("export")
    aead = "GCM" in n or "CHACHA20" in n or "CCM" in n
    dhe = n.startswith(("DHE-", "EDH-", "ADH-", "TLS_DHE_", "TLS_DH_ANON_"))
    if n.startswith("TLS_"):
        static_rsa = n.startswith(("TLS_RSA_WITH_", "TLS_RSA_EXPORT"))
    else:
        static_rsa = not n.startswith(("ECDHE-", "DHE-", "EDH-", "ADH-", "AECDH-", "PSK-",
                                       "RSA-PSK-", "DHE-PSK-", "ECDHE-PSK-", "SRP-"))
    return weak, aead, dhe, static_rsa


def facts_from_suites(versions, suites_by_version, dh_bits_seen):
    """The tls_* facts from the versions and the suites a tool saw per
    version (TLS 1.2 and older only count)."""
    f = {"tls_versions": ",".join(v for v in VERSIONS if v in versions),
         "tls_min_version": next((v for v in VERSIONS if v in versions), None)}
    legacy = [v for v in versions if v != "TLSv1.3"]
    weak, dhe, static_rsa, aead12 = set(), False, False, False
    for v in legacy:
        for s in suites_by_version.get(v, []):
            w, a, d, r = suite_classes(s)
            weak |= w
            dhe = dhe or d
            static_rsa = static_rsa or r
            if v == "TLSv1.2" and a:
                aead12 = True
    if "TLSv1.2" in legacy and not aead12:
        weak.add("cbc_only")
    f["tls_weak_ciphers"] = ",".join(w for w in tlstruth.WEAK_ORDER if w in weak)
    f["tls_dh_bits"] = dh_bits_seen if dhe else 0
    f["tls_static_rsa"] = static_rsa
    dh = f["tls_dh_bits"] or 0
    f["tls_kex_weak"] = static_rsa or (0 < dh < tlstruth.DH_STRONG_BITS)
    return f, bool(legacy)


# --- testssl.sh ---------------------------------------------------------------

def run_testssl(host, addr, case, out):
    args = ["testssl", "--quiet", "--color", "0", "--warnings", "off", "--ip", addr,
            "--nodns", "none", "--jsonfile", out] + TESTSSL_CHECKS + \
        TESTSSL_CASE_CHECKS[case] + [host]
    if os.path.exists(out):
        os.unlink(out)
    t0 = time.time()
    r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TESTSSL_TIMEOUT_S)
    return r.returncode, time.time() - t0, r.stdout.decode(errors="replace")[-1500:]


def offered(finding):
    return finding.startswith("offered") or finding.startswith("VULNERABLE")


def testssl_facts(path, checks):
    """The facts testssl.sh's checks gave ({column: value}, only those
    measured) and the raw findings used."""
    rows = json.load(open(path))
    by = {}
    for r in rows:
        by.setdefault(r["id"], r["finding"])
    f = {}
    versions = [v for k, v in TESTSSL_VERSION_IDS.items() if offered(by.get(k, ""))]
    f["tls_versions"] = ",".join(versions)
    f["tls_min_version"] = versions[0] if versions else None
    legacy = [v for v in versions if v != "TLSv1.3"]
    if "-s" in checks:
        weak = {c for k, c in TESTSSL_CATEGORIES.items() if offered(by.get(k, ""))}
        if "-4" in checks:
            if offered(by.get("RC4", "")):
                weak.add("rc4")
        elif offered(by.get("cipherlist_LOW", "")):
            weak.add("rc4")
        if "TLSv1.2" in legacy and not offered(by.get("cipherlist_STRONG", "")):
            weak.add("cbc_only")
        f["tls_weak_ciphers"] = ",".join(w for w in tlstruth.WEAK_ORDER if w in weak)
    if "-f" in checks:
        # "Unknown DH group (1024 bits)", or a named group: RFC 7919's
        # "ffdhe2048" carries its size in its name, with no "(N bits)".
        m = (re.search(r"\((\d+) bits\)", by.get("DH_groups", "")) or
             re.search(r"\bffdhe(\d+)\b", by.get("DH_groups", "")))
        dhe = any(suite_classes(x)[2] for x in by.get("PFS_ciphers", "").split())
        f["tls_dh_bits"] = (int(m.group(1)) if m else None) if dhe else 0
    if "-P" in checks:
        order = by.get("cipher_order", "")
        f["tls_server_order"] = (True if order.startswith("server") else
                                 False if order.startswith("NOT") else None) \
            if legacy else None
        lists = [by["cipherorder_" + v.replace(".", "_")].split() for v in legacy
                 if "cipherorder_" + v.replace(".", "_") in by]
        if f["tls_server_order"] and lists:
            # the suites per version: listed only with a server order
            f["tls_static_rsa"] = any(suite_classes(x)[3] for li in lists for x in li)
    if "-R" in checks:
        f["tls_secure_reneg"] = by.get("secure_renego", "").startswith("supported") \
            if legacy else None
        f["tls_client_reneg"] = by.get("secure_client_renego", "").startswith("VULNERABLE")
    raw = {k: by.get(k) for k in ("cipher_order", "secure_renego", "secure_client_renego",
                                  "DH_groups", "RC4") if k in by}
    return f, raw


# --- sslscan --------------------------------------------------------------------

def run_sslscan(host, addr):
    r = subprocess.run(["sslscan", "--no-colour", "--xml=-", "--sni-name=" + host, addr],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=SSLSCAN_TIMEOUT_S)
    text = r.stdout.decode(errors="replace")
    return text[text.index("<?xml"):] if "<?xml" in text else text


def sslscan_facts(xml_text):
    root = ET.fromstring(xml_text)
    test = root.find("ssltest")
    versions = []
    for p in test.findall("protocol"):
        if p.get("type") == "tls" and p.get("enabled") == "1":
            versions.append("TLSv" + ("1" if p.get("version") == "1.0" else p.get("version")))
    suites, dh = {}, None
    for c in test.findall("cipher"):
        v = c.get("sslversion").replace("TLSv1.0", "TLSv1")
        suites.setdefault(v, []).append(c.get("cipher"))
        if c.get("dhebits") and suite_classes(c.get("cipher"))[2]:
            dh = int(c.get("dhebits"))
    f, has_legacy = facts_from_suites(versions, suites, dh)
    ren = test.find("renegotiation")
    f["_secure"] = ren is not None and ren.get("secure") == "1"
    f["_has_legacy"] = has_legacy
    return f


# --- main ------------------------------------------------------------------------

def compare(tap, tool, name, got, want, cols):
    for c in cols:
        tap.eq(got.get(c), want[c], "%s %s %s" % (name, tool, c))


FACT_COLS = ("tls_versions", "tls_min_version", "tls_weak_ciphers", "tls_dh_bits",
             "tls_static_rsa", "tls_kex_weak")


def main():
    # --tools sslscan: sslscan alone (seconds; testssl.sh takes many
    # minutes of CPU on a loaded machine); default both.
    tools = sys.argv[sys.argv.index("--tools") + 1].split(",") if "--tools" in sys.argv \
        else ["sslscan", "testssl"]
    state = os.environ["UPTAKE_TESTBED_STATE"]
    tap = Tap()
    servers = json.load(open(os.path.join(state, "tlspol", "servers.json")))
    truth = {}
    for line in open(os.path.join(state, "truth.jsonl")):
        r = json.loads(line)
        truth[r["domain"]] = r
    outdir = os.path.join(state, "tlspol", "tools")
    os.makedirs(outdir, exist_ok=True)
    # One per server: a domain that shares another's server and name
    # (servers.json "shares") is that server's case again.
    names = sorted(n for n in servers if "shares" not in servers[n])
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(TESTSSL_PARALLEL) as ex:
        ss = {n: ex.submit(run_sslscan, servers[n]["host"], servers[n]["v4"]) for n in names}
        ss = {n: f.result() for n, f in ss.items()}
        tap.diag("sslscan: %d hosts in %.0f s" % (len(names), time.time() - t0))
        ts = {n: ex.submit(run_testssl, servers[n]["host"], servers[n]["v4"],
                           servers[n]["case"], os.path.join(outdir, n + ".testssl.json"))
              for n in names if "testssl" in tools}
        ts = {n: f.result() for n, f in ts.items()}
    tap.diag("testssl.sh and sslscan: %d hosts in %.0f s" % (len(names), time.time() - t0))
    summary = []
    for n in names:
        want = truth[n]
        case = servers[n]["case"]
        # sslscan
        with open(os.path.join(outdir, n + ".sslscan.xml"), "w") as f:
            f.write(ss[n])
        try:
            s = sslscan_facts(ss[n])
        except (ET.ParseError, AttributeError, ValueError) as e:
            tap.ok(False, "%s sslscan: XML output" % n, str(e))
            s = None
        if s is not None:
            compare(tap, "sslscan", n, s, want, FACT_COLS)
            cls = tlstruth.ncsc_class(s["tls_versions"].split(","),
                                      [w for w in s["tls_weak_ciphers"].split(",") if w],
                                      s["tls_dh_bits"], s["tls_static_rsa"],
                                      want["tls_client_reneg"])
            tap.eq(cls, want["tls_ncsc_class"],
                   "%s sslscan tls_ncsc_class (our rules on sslscan's facts; client "
                   "renegotiation from the truth: sslscan does not test it)" % n)
            if s["_secure"]:
                tap.eq(True, want["tls_secure_reneg"],
                       "%s sslscan tls_secure_reneg (sslscan's own connection said secure)" % n)
            else:
                tap.ok(True, "%s sslscan tls_secure_reneg # SKIP sslscan's renegotiation "
                       "connection reported nothing (its definition: RFC 5746 on the version "
                       "it negotiated; ours: at TLS 1.2 and older)" % n)
        # testssl.sh
        if n not in ts:
            continue
        rc, secs, tail = ts[n]
        checks = TESTSSL_CHECKS + TESTSSL_CASE_CHECKS[case]
        path = os.path.join(outdir, n + ".testssl.json")
        try:
            t, raw = testssl_facts(path, checks)
        except (OSError, ValueError, KeyError) as e:
            tap.ok(False, "%s testssl.sh %s: JSON output (rc %d, %.0f s)" % (
                n, " ".join(checks), rc, secs), "%s\n%s" % (e, tail))
            continue
        tls13 = want["tls_versions"] == "TLSv1.3"
        for c in sorted(t):
            label = "%s testssl.sh %s %s" % (n, " ".join(checks), c)
            if tls13 and c == "tls_server_order":
                label += (" (testssl.sh says %r for TLS 1.3; ours is about TLS 1.2 and "
                          "older: null)" % raw.get("cipher_order"))
            if tls13 and c == "tls_secure_reneg":
                label += (" (testssl.sh says %r; RFC 5746 does not exist in TLS 1.3: "
                          "ours is null)" % raw.get("secure_renego"))
            if c == "tls_client_reneg":
                label += " (testssl.sh: %r)" % raw.get("secure_client_renego")
            tap.eq(t[c], want[c], label)
        summary.append("%s %s: testssl.sh %s: %s in %.0f s" % (
            n, case, " ".join(checks), json.dumps(t, sort_keys=True), secs))
    for line in summary:
        tap.diag(line)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
