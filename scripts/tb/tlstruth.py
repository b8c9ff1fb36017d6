"""The truth of the TLS policy columns (issue 17, point 1; docs/web.md "TLS
policy: the rules") for the tlspolicy world: the value a correct scan
records for each tlspol= case, derived from the case's settings in
scripts/tb/tlscases.py by the rules of docs/web.md, not from running any
scanner.  Domains without tlspol= get nothing here.

    tlstruth.py WORLD       print one JSON object per tlspol domain

A suite of a case is judged from its OpenSSL name by the same tokens
docs/web.md gives for IANA names: GCM / CHACHA20 (AEAD); a DHE- or ADH-
prefix (finite-field DH); ADH- / AECDH- (anonymous); NULL (no encryption);
no ECDHE-, DHE-, ADH-, AECDH- prefix (static RSA key transport).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tlscases  # noqa: E402

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
WEAK_ORDER = ("3des", "rc4", "null", "anon", "export", "cbc_only")
# The group sizes of the DH parameter files a case may name.
DH_BITS = {"dh1024": 1024, "ffdhe2048": 2048}
# docs/web.md: TLSPOL_DH_STRONG_BITS, TLSPOL_DH_SUFFICIENT_BITS.
DH_STRONG_BITS = 2048
DH_SUFFICIENT_BITS = 3072
NCSC = ("good", "sufficient", "phase_out", "insufficient")
# The scan's plan (crawler/tlspolicy/tlspolscan.h): the version steps, the
# four cipher steps (NULL, anon, static RSA, DHE), the renegotiation step
# and the four hand-written hellos (3DES, RC4, EXPORT, compression).
VERSION_STEPS = 4
CIPHER_STEPS = 4
RAW_HELLOS = 4


def suite(name):
    """(aead, dhe, anon, null, static_rsa) of an OpenSSL suite name."""
    aead = "GCM" in name or "CHACHA20" in name or "CCM" in name
    dhe = name.startswith(("DHE-", "ADH-"))
    anon = name.startswith(("ADH-", "AECDH-"))
    null = "NULL" in name
    static_rsa = not name.startswith(("ECDHE-", "DHE-", "ADH-", "AECDH-"))
    return aead, dhe, anon, null, static_rsa


def ncsc_class(versions, weak, dh_bits, static_rsa, client_reneg):
    """docs/web.md's table: the worst class of the facts."""
    c = 0
    if versions == ["TLSv1.3"]:
        c = 0
    elif "TLSv1" in versions or "TLSv1.1" in versions:
        c = 2
    else:
        c = 1
    for w in weak:
        c = max(c, {"3des": 2, "cbc_only": 1}.get(w, 3))
    if dh_bits:
        c = max(c, 1 if dh_bits >= DH_SUFFICIENT_BITS else
                2 if dh_bits >= DH_STRONG_BITS else 3)
    if static_rsa:
        c = max(c, 2)
    if client_reneg:
        c = max(c, 1)
    return NCSC[c]


def columns(case):
    """The tls_* columns of a case (a tlscases.CASES value)."""
    versions = [v for v in VERSIONS if v in case["protocols"]]
    legacy = [v for v in versions if v != "TLSv1.3"]
    # The web stage negotiates the newest version; the scan does not ask it
    # again.
    hs = VERSION_STEPS - 1
    row = {"tls_scan_status": "complete", "tls_min_version": versions[0],
           "tls_versions": ",".join(versions)}
    if not legacy:
        # TLS 1.3 alone: no weak suite, DH group, static RSA or
        # renegotiation exists; the server's order is not asked.
        row.update(tls_scan_handshakes=hs, tls_weak_ciphers="", tls_dh_bits=0,
                   tls_static_rsa=False, tls_kex_weak=False, tls_server_order=None,
                   tls_secure_reneg=None, tls_client_reneg=False,
                   tls_compression=False,
                   tls_ncsc_class=ncsc_class(versions, [], 0, False, False))
        return row
    suites = [suite(n) for n in case["ciphers"]]
    weak = set()
    if case["fake"]:
        weak.add(case["fake"][0])
    if any(s[3] for s in suites):
        weak.add("null")
    if any(s[2] for s in suites):
        weak.add("anon")
    if "TLSv1.2" in versions and not any(s[0] for s in suites):
        weak.add("cbc_only")
    dh_bits = DH_BITS[case["dhparam"]] if any(s[1] for s in suites) else 0
    static_rsa = any(s[4] for s in suites)
    shared = len(case["ciphers"])
    if shared < 2:
        order = None
    else:
        order = case["prefer"]
    hs += CIPHER_STEPS
    hs += 1 if "TLSv1.2" in versions else 0         # the AEAD-only offer
    # The order steps: the first offer is the newest legacy version's own
    # step, unless the web stage negotiated that version (then asked anew);
    # the third only when the second chose the same suite again.
    hs += 1 if legacy[-1] == versions[-1] else 0
    hs += 1
    hs += 1 if order is not False else 0
    hs += 1 + RAW_HELLOS
    weak_s = ",".join(w for w in WEAK_ORDER if w in weak)
    row.update(tls_scan_handshakes=hs, tls_weak_ciphers=weak_s, tls_dh_bits=dh_bits,
               tls_static_rsa=static_rsa,
               tls_kex_weak=static_rsa or (0 < dh_bits < DH_STRONG_BITS),
               tls_server_order=order, tls_secure_reneg=True,
               tls_client_reneg=case["reneg"],
               # Every case shares an ordinary suite (BASE) with the
               # compression hello; nginx and OpenSSL never choose DEFLATE.
               tls_compression=False,
               tls_ncsc_class=ncsc_class(versions, weak, dh_bits, static_rsa, case["reneg"]))
    return row


def zero_rtt(case):
    """tls_0rtt: the first TLS 1.3 session ticket offers early data; false
    below TLS 1.3.  Every TLS 1.3 server here sends tickets (nginx and
    openssl s_server do by default)."""
    return bool(case["early"]) and "TLSv1.3" in case["protocols"]


COLUMNS = ("tls_scan_status", "tls_scan_handshakes", "tls_min_version", "tls_versions",
           "tls_weak_ciphers", "tls_dh_bits", "tls_static_rsa", "tls_kex_weak",
           "tls_server_order", "tls_secure_reneg", "tls_client_reneg", "tls_compression",
           "tls_ncsc_class", "tls_0rtt")


def truth(world, plan):
    """{domain: {column: value}} for every tlspol domain with an address."""
    out = {}
    for d in world.domains:
        p = plan[d.name]
        if p.tlspol is None or not (p.web_v4 or p.web_v6):
            continue
        case = tlscases.CASES[p.tlspol]
        out[d.name] = dict(columns(case), tls_0rtt=zero_rtt(case))
    return out


if __name__ == "__main__":
    import world as worldmod
    import plan as planmod
    w = worldmod.parse(sys.argv[1])
    for name, row in truth(w, planmod.Plan(w)).items():
        print(json.dumps(dict(domain=name, **row), sort_keys=True))
