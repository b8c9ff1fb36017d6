"""The web part of the testbed: a test PKI, nginx, and the ground truth of
every TLS and HTTP column.  docs/testbed-web.md describes the cases and the
exact truth rules; this module is their executable form.

generate(world, plan, state, T) writes STATE/web/:

    ca.pem              the root the crawler trusts (--ca-file); root only
    ca/                 the CAs made with the openssl CLI: root, the two
                        intermediates (RSA and ECC), an untrusted root, and
                        the database each keeps (index.txt, also the OCSP
                        responder's index)
    keys/               leaf keys, one per key kind, shared by all leaves
    certs/UNIT.pem      leaf (+ intermediate) as nginx serves it; a unit is a
                        site, or up to UNIT_MAX sites of one web profile
                        (make_units)
    ocsp/UNIT.der       the OCSP response nginx staples (ocsp=yes)
    sectxt/NAME.txt     the security.txt served for NAME (sectxt=valid|invalid)
    tls-*.conf          TLS settings per web slot kind
    nginx.conf          one nginx for the whole world
    sites.json          per domain: probed host, addresses, slot (self-test)
    start.sh            starts nginx in the namespace, waits until it answers

truth(world, plan, T) -> {domain: {column: value}} for the tls_* cert_*
http_* hsts* csp* x_* referrer_policy permissions_policy
http_redirects_https security_txt columns of schema v1.
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import time

import headertruth
import hststruth
import plan as planmod
import webv6

DAY = 86400

# --- the PKI -------------------------------------------------------------------

TRUSTED_ORG = "Uptake Testbed"
UNTRUSTED_ORG = "Nowhere Trust Services"
WRONG_NAME = "wrong-name.example"        # the only name a wrongname cert carries
REDIRECT_OTHER = "https://redirect-target.example/"

# CA name: (subject, key kind, signer CA or None for self-signed, validity
# (days before T, days after T), extension section)
CAS = {
    "root": ("/C=SE/O=%s/CN=Uptake Testbed Root CA" % TRUSTED_ORG, "ec256", None,
             (3650, 3650), "v3_root"),
    "rsa": ("/C=SE/O=%s/CN=Uptake Testbed RSA CA 1" % TRUSTED_ORG, "rsa2048", "root",
            (1825, 1825), "v3_inter"),
    "ecc": ("/C=SE/O=%s/CN=Uptake Testbed ECC CA 1" % TRUSTED_ORG, "ec256", "root",
            (1825, 1825), "v3_inter"),
    "untrusted": ("/C=NL/O=%s/CN=Nowhere Trust Root" % UNTRUSTED_ORG, "ec256", None,
                  (3650, 3650), "v3_root"),
}

# key kind: (openssl genpkey arguments, schema key type, bits, signature
# algorithm of a certificate this key signs (OpenSSL long name, as printed by
# `openssl x509 -text` and returned by OBJ_nid2ln))
KEYS = {
    "ec256": (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "ec", 256,
              "ecdsa-with-SHA256"),
    "rsa2048": (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "rsa", 2048,
                "sha256WithRSAEncryption"),
    "rsa1024": (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], "rsa", 1024,
                "sha256WithRSAEncryption"),
}


def leaf_spec(d):
    """How the leaf certificate of domain entity d is made: a dict with
    names (SAN dNSNames, the first is the CN), issuer (a CAS key or "self"),
    validity (days relative to T: not_before, not_after)."""
    tls = d["tls"]
    names = [d.name, "www." + d.name]
    if tls == "wrongname":
        names = [WRONG_NAME, "www." + WRONG_NAME]
    if tls == "selfsigned":
        issuer = "self"
    elif tls == "untrusted":
        issuer = "untrusted"
    else:
        issuer = "ecc" if KEYS[d["key"]][1] == "ec" else "rsa"
    validity = {"expired": (-120, -1), "notyet": (1, 120)}.get(tls, (-30, 90))
    return {"names": names, "issuer": issuer, "validity": validity}


def issuer_org(issuer):
    if issuer == "self":
        return None          # the leaf's subject is just CN=...
    return TRUSTED_ORG if issuer in ("root", "rsa", "ecc") else UNTRUSTED_ORG


def sig_alg(d, issuer):
    kind = d["key"] if issuer == "self" else CAS[issuer][1]
    return KEYS[kind][3]


# --- TLS per web slot --------------------------------------------------------------
# Every server on one listening address shares these (OpenSSL takes cipher
# lists, groups and versions from the listener's default server), so they
# are fixed per slot and the server's choice is determined: one group, server
# cipher preference, and a client offering OpenSSL's defaults gets the first.

TLS_KINDS = {
    "any": {
        "protocols": "TLSv1.2 TLSv1.3",
        "ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
        "suites": "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
        "curve": "X25519", "http2": True,
        "version": "TLSv1.3", "cipher": {"ec": "TLS_AES_256_GCM_SHA384",
                                         "rsa": "TLS_AES_256_GCM_SHA384"},
        "group": "x25519", "alpn": "h2", "tickets": "on",
    },
    "1.2": {
        "protocols": "TLSv1.2",
        "ciphers": "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
        "suites": "TLS_AES_256_GCM_SHA384",       # unused: no TLS 1.3 here
        "curve": "prime256v1", "http2": False,
        "version": "TLSv1.2", "cipher": {"ec": "ECDHE-ECDSA-AES128-GCM-SHA256",
                                         "rsa": "ECDHE-RSA-AES128-GCM-SHA256"},
        "group": "secp256r1", "alpn": "http/1.1", "tickets": "off",
    },
    "1.3": {
        "protocols": "TLSv1.3",
        "ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
        "suites": "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
        "curve": "secp384r1", "http2": True,
        "version": "TLSv1.3", "cipher": {"ec": "TLS_CHACHA20_POLY1305_SHA256",
                                         "rsa": "TLS_CHACHA20_POLY1305_SHA256"},
        "group": "secp384r1", "alpn": "h2", "tickets": "on",
    },
}

# --- header parsing: the truth rules (docs/testbed-web.md) -------------------------

TCHAR = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
OWS = " \t"
INT64_MAX = 2**63 - 1
REFERRER_POLICIES = ("no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
                     "strict-origin", "origin-when-cross-origin",
                     "strict-origin-when-cross-origin", "unsafe-url")


def _hsts_directives(v):
    """RFC 6797 6.1: [directive] *(";" [directive]), directive = token
    [OWS "=" OWS (token / quoted-string)].  Returns [(name, value|None)] or
    None when the value does not follow the grammar."""
    out = []
    i, n = 0, len(v)
    while True:
        while i < n and v[i] in OWS:
            i += 1
        if i < n and v[i] != ";":
            j = i
            while j < n and v[j] in TCHAR:
                j += 1
            if j == i:
                return None
            name, i = v[i:j].lower(), j
            while i < n and v[i] in OWS:
                i += 1
            value = None
            if i < n and v[i] == "=":
                i += 1
                while i < n and v[i] in OWS:
                    i += 1
                if i < n and v[i] == '"':
                    i += 1
                    buf = []
                    while i < n and v[i] != '"':
                        if v[i] == "\\" and i + 1 < n:
                            i += 1
                        buf.append(v[i])
                        i += 1
                    if i >= n:
                        return None
                    i += 1
                    value = "".join(buf)
                else:
                    j = i
                    while j < n and v[j] in TCHAR:
                        j += 1
                    if j == i:
                        return None
                    value, i = v[i:j], j
                while i < n and v[i] in OWS:
                    i += 1
            out.append((name, value))
        if i >= n:
            return out
        if v[i] != ";":
            return None
        i += 1


def parse_hsts(v):
    """(hsts, max_age, include_subdomains, preload) of the first
    Strict-Transport-Security header value v (None: absent).  hsts: a valid
    header with max-age > 0; the other three are null unless the header is
    valid."""
    bad = (False, None, None, None)
    if v is None:
        return bad
    dirs = _hsts_directives(v)
    if dirs is None:
        return bad
    names = [k for k, _ in dirs]
    if len(set(names)) != len(names):
        return bad
    d = dict(dirs)
    age = d.get("max-age")
    if age is None or not age.isdigit() or not age.isascii() or int(age) > INT64_MAX:
        return bad
    for flag in ("includesubdomains", "preload"):
        if flag in d and d[flag] is not None:
            return bad
    # max-age=0 is valid but tells the UA to forget the host: no HSTS in force
    return (int(age) > 0, int(age), "includesubdomains" in d, "preload" in d)


def parse_csp(v):
    """(csp, csp_frame_ancestors, csp_unsafe_inline) of the
    Content-Security-Policy header value v (fields joined by ','; None:
    absent).  CSP3 parsing: policies split on ',', directives on ';', the
    name up to the first whitespace, lower-cased, first occurrence wins."""
    if v is None:
        return (False, None, None)
    fa = ui = False
    for policy in v.split(","):
        dirs = {}
        for tok in policy.split(";"):
            parts = tok.split()          # ASCII whitespace
            if not parts:
                continue
            name = parts[0].lower()
            if name not in dirs:
                dirs[name] = [p.lower() for p in parts[1:]]
        if "frame-ancestors" in dirs:
            fa = True
        script = dirs.get("script-src", dirs.get("default-src"))
        if script is not None and "'unsafe-inline'" in script:
            ui = True
    return (True, fa, ui)


def parse_xfo(v):
    if v is None:
        return "absent"
    vals = {p.strip(OWS).lower() for p in v.split(",")}
    if vals == {"deny"}:
        return "deny"
    if vals == {"sameorigin"}:
        return "sameorigin"
    return "invalid"


def parse_xcto(v):
    if v is None:
        return False
    return v.split(",")[0].strip(OWS).lower() == "nosniff"


def parse_referrer(v):
    if v is None:
        return "absent"
    policy = "absent"
    for tok in v.split(","):
        tok = tok.strip(OWS).lower()
        if tok in REFERRER_POLICIES:
            policy = tok
    return policy


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# --- H6 (issue 17 point 3): security.txt where RFC 9116 3 looks -------------
# sectxt=KIND -> (location column, path nginx serves the file at, the
# redirects before it: (path, status, Location) each).  offhost: a
# redirect to another host, not followed; the legacy path is not there.
SECTXT_WELL_KNOWN = "/.well-known/security.txt"
SECTXT_LEGACY = "/security.txt"
SECTXT_SERVE = {
    "valid": ("well_known", SECTXT_WELL_KNOWN, []),
    "invalid": ("well_known", SECTXT_WELL_KNOWN, []),
    "signed": ("well_known", SECTXT_WELL_KNOWN, []),
    "far": ("well_known", SECTXT_WELL_KNOWN, []),
    "legacy": ("legacy", SECTXT_LEGACY, []),
    "redirect": ("well_known", "/policies/security.txt",
                 [(SECTXT_WELL_KNOWN, 301, "https://$host/policies/security.txt")]),
    "legacy-redirect": ("legacy", "/contact/security.txt",
                        [(SECTXT_LEGACY, 302, "/contact/security.txt")]),
    "offhost": (None, None, [(SECTXT_WELL_KNOWN, 301, REDIRECT_OTHER + "security.txt")]),
}
# A stand-in OpenPGP signature block: the crawler recognises the framing
# and does not verify (docs/web.md), so any armored text does.
SECTXT_FAKE_SIG = ("-----BEGIN PGP SIGNATURE-----\n\n"
                   "iHUEARYKAB0WIQRVcHRha2UgdGVzdGJlZCBzaWduYXR1cmUAAAAA\n"
                   "=upTk\n-----END PGP SIGNATURE-----\n")


def sectxt_body(d, host, T):
    """The security.txt served for sectxt=KIND (None: none served)."""
    kind = d["sectxt"]
    if kind == "absent" or SECTXT_SERVE[kind][1] is None:
        return None
    lines = ["# security.txt of %s (uptake testbed, sectxt=%s)" % (d.name, kind),
             "Contact: mailto:security@%s" % d.name]
    # invalid: the one required Expires field lies in the past; far: two
    # years ahead (RFC 9116 2.5.5 asks for less than one)
    ahead = {"invalid": -30 * DAY, "far": 730 * DAY}.get(kind, 180 * DAY)
    lines.append("Expires: %s" % rfc3339(T + ahead))
    lines.append("Preferred-Languages: en")
    lines.append("Canonical: https://%s%s" % (host, SECTXT_SERVE[kind][1]))
    if kind != "signed":
        return "\n".join(lines) + "\n"
    # RFC 4880 7: the cleartext frame, a dash-escaped line inside
    lines.insert(1, "- -----a line that begins with a dash")
    return ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" +
            "\n".join(lines) + "\n" + SECTXT_FAKE_SIG)


# HTTPS requests the security.txt walk makes per kind (docs/web.md): the
# well-known path, each redirect followed, the legacy path when the
# well-known one gave no file.
SECTXT_REQUESTS = {"valid": 1, "invalid": 1, "signed": 1, "far": 1, "redirect": 2,
                   "absent": 2, "offhost": 2, "legacy": 2, "legacy-redirect": 3}


def sectxt_truth(kind):
    """security_txt and the H6 columns for sectxt=KIND (docs/web.md)."""
    if kind == "absent" or SECTXT_SERVE[kind][0] is None:
        return {"security_txt": "absent", "security_txt_location": None,
                "security_txt_signed": None, "security_txt_expires_far": None}
    return {"security_txt": "invalid" if kind == "invalid" else "valid",
            "security_txt_location": SECTXT_SERVE[kind][0],
            "security_txt_signed": kind == "signed",
            "security_txt_expires_far": kind == "far"}


def _header(d, key):
    v = d[key]
    return v if v else None        # nginx sends no header for an empty value


# --- truth ---------------------------------------------------------------------

COLUMNS = ("tls_status", "tls_version", "tls_cipher", "tls_group", "tls_alpn",
           "ocsp_stapled", "cert_verify", "cert_not_after", "cert_days_left",
           "cert_key_bits", "cert_key_type", "cert_sig_alg", "cert_issuer_org",
           "http_status", "hsts", "hsts_max_age", "hsts_include_subdomains",
           "hsts_preload", "csp", "csp_frame_ancestors", "csp_unsafe_inline",
           "csp_grade", "csp_failures", "x_frame_options",
           "x_content_type_options", "referrer_policy", "referrer_policy_grade",
           "permissions_policy", "http_redirects_https", "security_txt",
           "security_txt_location", "security_txt_signed", "security_txt_expires_far",
           "hsts_preloaded")

CERT_VERIFY = {"ok": "ok", "expired": "expired", "notyet": "not_yet_valid",
               "wrongname": "hostname_mismatch", "selfsigned": "self_signed",
               "untrusted": "untrusted"}


def truth(world, plan, T):
    out = {}
    lp = hststruth.list_path(world)
    preload = hststruth.load(lp) if lp else None
    for d in world.domains:
        p = plan[d.name]
        if p.tlspol is not None:
            continue            # tlspol=: tlsgen.truth gives its TLS columns
        row = dict.fromkeys(COLUMNS)
        out[d.name] = row
        if not (p.web_v4 or p.web_v6):
            row["tls_status"] = "no_address"
            continue
        if preload is not None:
            # a fact of the list, asked of the probed host (crawl_core.sh
            # passes the list to every crawl with the http probe)
            row["hsts_preloaded"] = hststruth.preloaded(preload, p.probed_host)
        tlsver, has80 = planmod.WEB_SLOTS[p.web_slot]
        if has80:
            row["http_redirects_https"] = d["http80"] == "redirect"
        if tlsver is None:
            row["tls_status"] = "refused"
            continue
        kind = TLS_KINDS[tlsver]
        ktype, kbits = KEYS[d["key"]][1], KEYS[d["key"]][2]
        spec = leaf_spec(d)
        not_after = T + spec["validity"][1] * DAY
        row.update({
            "tls_status": "ok",
            "tls_version": kind["version"],
            "tls_cipher": kind["cipher"][ktype],
            "tls_group": kind["group"],
            "tls_alpn": kind["alpn"],
            "ocsp_stapled": d["ocsp"] == "yes",
            "cert_verify": CERT_VERIFY[d["tls"]],
            "cert_not_after": not_after * 1000000,
            "cert_days_left": (not_after - T) // DAY,
            "cert_key_bits": kbits,
            "cert_key_type": ktype,
            "cert_sig_alg": sig_alg(d, spec["issuer"]),
            "cert_issuer_org": issuer_org(spec["issuer"]),
            "http_status": 200,
        })
        hsts = parse_hsts(_header(d, "hsts"))
        csp = parse_csp(_header(d, "csp"))
        graded = headertruth.csp(_header(d, "csp"), d.name)
        row.update({
            "hsts": hsts[0], "hsts_max_age": hsts[1],
            "hsts_include_subdomains": hsts[2], "hsts_preload": hsts[3],
            "csp": csp[0], "csp_frame_ancestors": csp[1], "csp_unsafe_inline": csp[2],
            "x_frame_options": parse_xfo(_header(d, "xfo")),
            "x_content_type_options": parse_xcto(_header(d, "xcto")),
            "referrer_policy": parse_referrer(_header(d, "referrer")),
            "referrer_policy_grade": headertruth.referrer(parse_referrer(_header(d, "referrer"))),
            "csp_grade": graded[0], "csp_failures": graded[1],
            "permissions_policy": _header(d, "permissions") is not None,
        })
        row.update(sectxt_truth(d["sectxt"]))
        # not a column: what crawl-*'s TLS resumption count expects
        row["sectxt_requests"] = SECTXT_REQUESTS[d["sectxt"]]
    return webv6.truth(world, plan, out, planmod.WEB_SLOTS)


# --- generation ------------------------------------------------------------------

CA_CNF = """# generated by scripts/tb/webgen.py
[ca]
default_ca = this_ca
[this_ca]
dir = {dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/new
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = copy
[policy_any]
countryName = optional
organizationName = optional
commonName = supplied
[req]
distinguished_name = req_dn
prompt = no
[req_dn]
CN = unused
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_self]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
"""


def asn1_time(t):
    tm = time.gmtime(t)
    fmt = "%y%m%d%H%M%SZ" if tm.tm_year < 2050 else "%Y%m%d%H%M%SZ"
    return time.strftime(fmt, tm)


class Gen:
    def __init__(self, state, T):
        self.web = os.path.join(os.path.abspath(state), "web")
        self.T = T
        self.serial = 0x1000
        self.jobs = max(1, os.cpu_count() or 1)

    def path(self, *parts):
        return os.path.join(self.web, *parts)

    def run(self, args, what):
        r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=self.web)
        if r.returncode != 0:
            raise SystemExit("testbed: web: %s failed (%s):\n%s" %
                             (what, " ".join(args[:3]), r.stdout.decode(errors="replace")[-2000:]))
        return r.stdout

    def parallel(self, fn, items):
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
            for _ in ex.map(fn, items):
                pass

    # keys and CAs
    def key(self, kind):
        path = self.path("keys", kind + ".key")
        if not os.path.exists(path):
            self.run(["openssl", "genpkey"] + KEYS[kind][0] + ["-out", path], "key " + kind)
        return path

    def ca_dir(self, name):
        d = self.path("ca", name)
        if not os.path.isdir(d):
            os.makedirs(os.path.join(d, "new"))
            open(os.path.join(d, "index.txt"), "w").close()
            with open(os.path.join(d, "index.txt.attr"), "w") as f:
                f.write("unique_subject = no\n")
            with open(os.path.join(d, "ca.cnf"), "w") as f:
                f.write(CA_CNF.format(dir=d))
        return d

    def sign(self, ca, csrs, validity, ext, signer_cert=None, signer_key=None, selfsign=False):
        """Sign CSR files with the CA whose database is ca_dir(ca); returns the
        certificate paths, in order."""
        d = self.ca_dir(ca)
        out = []
        for i in range(0, len(csrs), 500):
            chunk = csrs[i:i + 500]
            first = self.serial
            self.serial += len(chunk)
            with open(os.path.join(d, "serial"), "w") as f:
                f.write("%X\n" % first)
            args = ["openssl", "ca", "-batch", "-config", os.path.join(d, "ca.cnf"),
                    "-startdate", asn1_time(self.T + validity[0] * DAY),
                    "-enddate", asn1_time(self.T + validity[1] * DAY),
                    "-extensions", ext, "-notext", "-outdir", os.path.join(d, "new")]
            if selfsign:
                args += ["-selfsign", "-keyfile", signer_key]
            else:
                args += ["-cert", signer_cert, "-keyfile", signer_key]
            self.run(args + ["-infiles"] + chunk, "openssl ca (%s)" % ca)
            for k in range(len(chunk)):
                hx = "%X" % (first + k)
                if len(hx) % 2:
                    hx = "0" + hx
                p = os.path.join(d, "new", hx + ".pem")
                if not os.path.exists(p):
                    raise SystemExit("testbed: web: openssl ca wrote no %s" % p)
                out.append(p)
        return out

    def csr(self, key, subject, names, path):
        args = ["openssl", "req", "-new", "-config", self.path("ca", "req.cnf"), "-key", key,
                "-subj", subject, "-out", path]
        if names:
            args += ["-addext", "subjectAltName=" + ",".join("DNS:" + n for n in names)]
        self.run(args, "openssl req " + subject)

    def make_cas(self):
        os.makedirs(self.path("ca"), exist_ok=True)
        with open(self.path("ca", "req.cnf"), "w") as f:
            f.write(CA_CNF.format(dir="unused"))
        self.ca_cert = {}
        self.ca_key = {}
        for name in ("root", "untrusted", "rsa", "ecc"):
            subject, kind, signer, (before, after), ext = CAS[name]
            key = self.path("ca", name + ".key")
            self.run(["openssl", "genpkey"] + KEYS[kind][0] + ["-out", key], "CA key " + name)
            csr = self.path("ca", name + ".csr")
            self.csr(key, subject, None, csr)
            if signer is None:
                [cert] = self.sign(name, [csr], (-before, after), ext, signer_key=key, selfsign=True)
            else:
                [cert] = self.sign(signer, [csr], (-before, after), ext,
                                   signer_cert=self.ca_cert[signer], signer_key=self.ca_key[signer])
            dst = self.path("ca", name + ".pem")
            os.replace(cert, dst)
            self.ca_cert[name], self.ca_key[name] = dst, key
        with open(self.path("ca.pem"), "w") as f:
            f.write(open(self.ca_cert["root"]).read())

    def leaves(self, units):
        """units: [Unit] serving TLS; makes each unit's certificate, writes
        certs/UNIT.pem (leaf + intermediate, as nginx serves it) and sets
        unit.leaf, unit.issuer (certificate, key, CA database)."""
        os.makedirs(self.path("csr"), exist_ok=True)
        os.makedirs(self.path("certs"), exist_ok=True)
        for u in units:          # keys first, serially, so that none is made twice
            self.key(u.d["key"])

        def mkcsr(u):
            names = u.cert_names()
            self.csr(self.key(u.d["key"]), "/CN=" + names[0], names,
                     self.path("csr", u.name + ".csr"))
        self.parallel(mkcsr, units)

        groups = {}
        for u in units:
            ca = "self-" + u.d["key"] if u.spec["issuer"] == "self" else u.spec["issuer"]
            groups.setdefault((ca, u.spec["validity"]), []).append(u)
        for (ca, validity), members in sorted(groups.items()):
            csrs = [self.path("csr", u.name + ".csr") for u in members]
            if ca.startswith("self-"):
                key = self.key(ca[5:])
                certs = self.sign(ca, csrs, validity, "v3_self", signer_key=key, selfsign=True)
            else:
                certs = self.sign(ca, csrs, validity, "v3_leaf",
                                  signer_cert=self.ca_cert[ca], signer_key=self.ca_key[ca])
            for u, cert in zip(members, certs):
                chain = open(cert).read()
                if ca in ("rsa", "ecc"):
                    chain += open(self.ca_cert[ca]).read()
                with open(self.path("certs", u.name + ".pem"), "w") as f:
                    f.write(chain)
                u.leaf = cert
                if ca.startswith("self-"):
                    u.issuer = (cert, self.key(ca[5:]), self.ca_dir(ca))
                else:
                    u.issuer = (self.ca_cert[ca], self.ca_key[ca], self.ca_dir(ca))

    def ocsp(self, units):
        os.makedirs(self.path("ocsp"), exist_ok=True)

        def one(u):
            icert, ikey, db = u.issuer
            req = self.path("ocsp", u.name + ".req")
            self.run(["openssl", "ocsp", "-issuer", icert, "-cert", u.leaf, "-no_nonce",
                      "-reqout", req], "OCSP request " + u.name)
            self.run(["openssl", "ocsp", "-index", os.path.join(db, "index.txt"),
                      "-rsigner", icert, "-rkey", ikey, "-CA", icert, "-reqin", req,
                      "-respout", self.path("ocsp", u.name + ".der"), "-ndays", "3650"],
                     "OCSP response " + u.name)
        self.parallel(one, units)


# Sites whose web profile is identical (addresses, slot, certificate case and
# key, headers, security.txt, port 80) share a server block and a
# certificate naming all of them, up to UNIT_MAX domains: a bench world's
# 100,000 alike domains then cost a few thousand openssl runs and server
# blocks, not 100,000 (about 9 ms and 80 KiB of nginx memory each).  A site
# with OCSP stapling has a block and certificate of its own.
UNIT_MAX = 50
PROFILE_KEYS = ("tls", "key", "ocsp", "hsts", "csp", "xfo", "xcto", "referrer", "permissions",
                "sectxt", "http80", "v6web")


class Unit:
    def __init__(self, members):
        self.members = members               # [(entity, DomainPlan)]
        self.d, self.p = members[0]
        self.name = self.d.name
        self.spec = leaf_spec(self.d)
        self.leaf = self.issuer = None

    def cert_names(self):
        if self.d["tls"] == "wrongname":
            return self.spec["names"]
        return [n for d, _ in self.members for n in (d.name, "www." + d.name)]

    def server_names(self):
        return [n for d, _ in self.members for n in (d.name, "www." + d.name)]


def make_units(world, plan):
    groups = {}
    for d in world.domains:
        p = plan[d.name]
        if not (p.web_v4 or p.web_v6) or p.tlspol is not None:
            continue            # tlspol=: served by tlsgen.py's servers
        key = (p.web_v4, p.web_v6, p.web_slot) + tuple(d[k] for k in PROFILE_KEYS)
        if d["ocsp"] == "yes":
            key += (d.name,)
        groups.setdefault(key, []).append((d, p))
    units = []
    for members in groups.values():
        for i in range(0, len(members), UNIT_MAX):
            units.append(Unit(members[i:i + UNIT_MAX]))
    return units




def q(v):
    """An nginx double-quoted string; '$' cannot be escaped in nginx, so it
    comes from the variable $dollar (a geo block below)."""
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("$", "${dollar}") + '"'


def listen_lines(v4, v6, port, params=""):
    out = []
    if v4:
        out.append("    listen %s:%d%s;" % (v4, port, params))
    if v6:
        out.append("    listen [%s]:%d%s;" % (v6, port, params))
    return out


def tls_params(tlsver):
    return " ssl http2" if TLS_KINDS[tlsver]["http2"] else " ssl"


def nginx_conf(g, plan, units, state, nnames):
    web = g.web
    run = os.path.join(os.path.abspath(state), "run")
    hash_max = 512
    while hash_max < 2 * nnames:
        hash_max *= 2
    L = ["# generated by scripts/tb/webgen.py: the web servers of the world",
         "user root;",
         "worker_processes 1;",
         "pid %s/nginx.pid;" % run,
         "error_log %s/error.log warn;" % web,
         "events { worker_connections 4096; }",
         "http {",
         "    access_log %s/access.log;" % web,
         # One line per request with its TLS connection: the number (one
         # worker: unique), whether its session was resumed ("r") or a full
         # handshake ("."), the name and address it came to
         # (tests/web/handshakes.py counts handshakes per domain).
         "    log_format conns '$ssl_server_name $server_addr $server_port "
         "$connection $ssl_session_reused $ssl_protocol $server_protocol "
         "$request_method $request_uri $status';",
         "    access_log %s/conns.log conns;" % web,
         "    client_body_temp_path %s/tmp/body;" % web,
         "    proxy_temp_path %s/tmp/proxy;" % web,
         "    fastcgi_temp_path %s/tmp/fastcgi;" % web,
         "    uwsgi_temp_path %s/tmp/uwsgi;" % web,
         "    scgi_temp_path %s/tmp/scgi;" % web,
         "    types { text/plain txt; text/html html; }",
         "    default_type text/html;",
         "    server_tokens off;",
         "    server_names_hash_max_size %d;" % hash_max,
         "    server_names_hash_bucket_size 256;",
         "    geo $dollar { default \"$\"; }",
         ""]
    for tlsver, k in TLS_KINDS.items():
        with open(os.path.join(web, "tls-%s.conf" % tlsver), "w") as f:
            f.write("# TLS settings of every server on a TLS %s address (webgen.py)\n" % tlsver)
            f.write("ssl_protocols %s;\n" % k["protocols"])
            # @SECLEVEL=0: OpenSSL 3 refuses RSA-1024 keys (key=rsa1024) otherwise.
            f.write("ssl_ciphers %s:@SECLEVEL=0;\n" % k["ciphers"])
            f.write("ssl_conf_command Ciphersuites %s;\n" % k["suites"])
            f.write("ssl_prefer_server_ciphers on;\n")
            f.write("ssl_ecdh_curve %s;\n" % k["curve"])
            # Session tickets as nginx has them by default (the crawler
            # resumes a domain's session for its HTTP requests), except on
            # the TLS 1.2-only addresses: a server that gives no session,
            # so that the full-handshake path is tested too.
            f.write("ssl_session_tickets %s;\n" % k["tickets"])
    # Default servers: the listener's TLS settings; unknown names are refused
    # (TLS alert unrecognized_name, or a connection closed without an answer
    # on port 80).
    for net, slot, v4, v6 in plan.web_listeners():
        tlsver, has80 = planmod.WEB_SLOTS[slot]
        if tlsver:
            L.append("server {  # %s slot %d: default on 443" % (net, slot))
            L += listen_lines(v4, v6, 443, tls_params(tlsver) + " default_server")
            L.append("    include %s/tls-%s.conf;" % (web, tlsver))
            L.append("    ssl_reject_handshake on;")
            L.append("}")
        if has80:
            L.append("server {  # %s slot %d: default on 80" % (net, slot))
            L += listen_lines(v4, v6, 80, " default_server")
            L.append("    return 444;")
            L.append("}")
    L.append("")
    for u in units:
        d, p = u.d, u.p
        tlsver, has80 = planmod.WEB_SLOTS[p.web_slot]
        names = "\n        ".join(" ".join(u.server_names()[i:i + 6])
                                  for i in range(0, len(u.server_names()), 6))
        what = d.name if len(u.members) == 1 else "%s and %d more" % (d.name, len(u.members) - 1)
        if tlsver:
            block = len(L)
            L.append("server {  # %s: tls=%s key=%s tlsver=%s ocsp=%s" %
                     (what, d["tls"], d["key"], d["tlsver"], d["ocsp"]))
            L += webv6.listen(p, d, 443, tls_params(tlsver))
            L.append("    server_name %s;" % names)
            L.append("    include %s/tls-%s.conf;" % (web, tlsver))
            L.append("    ssl_certificate %s/certs/%s.pem;" % (web, u.name))
            L.append("    ssl_certificate_key %s;" % g.key(d["key"]))
            if d["ocsp"] == "yes":
                L.append("    ssl_stapling on;")
                L.append("    ssl_stapling_file %s/ocsp/%s.der;" % (web, u.name))
            for key, header in (("hsts", "Strict-Transport-Security"),
                                ("csp", "Content-Security-Policy"),
                                ("xfo", "X-Frame-Options"),
                                ("xcto", "X-Content-Type-Options"),
                                ("referrer", "Referrer-Policy"),
                                ("permissions", "Permissions-Policy")):
                v = _header(d, key)
                if v is not None:
                    L.append("    add_header %s %s always;" % (header, q(v)))
            L.append("    location = / { return 200 \"uptake testbed: $host\\n\"; }")
            if d["sectxt"] != "absent":
                _, served, hops = SECTXT_SERVE[d["sectxt"]]
                for path, status, to in hops:
                    L.append("    location = %s {" % path)
                    if to.startswith("/"):
                        L.append("        absolute_redirect off;")
                    L.append("        return %d %s;" % (status, to))
                    L.append("    }")
                if served is not None:
                    L.append("    location = %s {" % served)
                    L.append("        default_type text/plain;")
                    L.append("        alias %s/sectxt/$host.txt;" % web)
                    L.append("    }")
            L.append("    location / { return 404; }")
            L.append("}")
            L += webv6.other_block(d, p, L[block:], tls_params(tlsver))
        if has80:
            L.append("server {  # %s: http80=%s" % (what, d["http80"]))
            L += webv6.listen(p, d, 80, "")
            L.append("    server_name %s;" % names)
            if d["http80"] == "redirect":
                L.append("    return 301 https://$host$request_uri;")
            elif d["http80"] == "redirect-other":
                L.append("    return 301 %s;" % REDIRECT_OTHER)
            else:
                L.append("    location = / { return 200 \"uptake testbed (plain http): $host\\n\"; }")
                L.append("    location / { return 404; }")
            L.append("}")
    L.append("}")
    with open(os.path.join(web, "nginx.conf"), "w") as f:
        f.write("\n".join(L) + "\n")


START_SH = r"""#!/usr/bin/env bash
# Start the testbed's nginx (generated by scripts/tb/webgen.py).
#   start.sh STATE    -- run inside the namespace, as root
set -u
STATE=${1:?usage: start.sh STATE}
W=$STATE/web
PID=$STATE/run/nginx.pid
fail() {
	echo "testbed: web: $*" >&2
	[ -f "$W/error.log" ] && tail -n 20 "$W/error.log" >&2
	exit 1
}
mkdir -p "$STATE/run" "$W/tmp"
rm -f "$PID"
nginx -e "$W/error.log" -c "$W/nginx.conf" -p "$W/" || fail "nginx did not start"
# nginx has bound every listener before its start command returns; wait
# for the master's pid file and for a first answer.
for i in $(seq 1 300); do
	if [ -s "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null &&
		timeout 2 bash -c 'exec 3<>/dev/tcp/$0/$1' %(probe_addr)s %(probe_port)s 2>/dev/null; then
		exit 0
	fi
	sleep 0.1
done
fail "nginx does not answer on %(probe_addr)s port %(probe_port)s"
"""


def generate(world, plan, state, T):
    g = Gen(state, T)
    os.makedirs(g.path("keys"), exist_ok=True)
    os.makedirs(g.path("sectxt"), exist_ok=True)
    lp = hststruth.list_path(world)
    if lp:
        shutil.copyfile(lp, g.path(hststruth.LIST_NAME))
    os.makedirs(g.path("tmp"), exist_ok=True)
    g.make_cas()
    units = make_units(world, plan)
    unit_of = {d.name: u for u in units for d, _ in u.members}
    sites = {}
    for d in world.domains:
        p = plan[d.name]
        tlsver, has80 = planmod.WEB_SLOTS[p.web_slot]
        u = unit_of.get(d.name)
        sites[d.name] = {"host": p.probed_host, "v4": p.web_v4, "v6": p.web_v6,
                         "slot": p.web_slot, "tls": u is not None and tlsver is not None,
                         "http80": u is not None and has80,
                         "cert": u.name if u is not None and tlsver is not None else None,
                         "v4_all": p.web_v4_all, "v6_all": p.web_v6_all}
        body = sectxt_body(d, p.probed_host, T) if u is not None else None
        if body is not None:
            for name in (d.name, "www." + d.name):
                with open(g.path("sectxt", name + ".txt"), "w") as f:
                    f.write(body)
    tls_units = [u for u in units if planmod.WEB_SLOTS[u.p.web_slot][0] is not None]
    g.leaves(tls_units)
    g.ocsp([u for u in tls_units if u.d["ocsp"] == "yes"])
    with open(g.path("sites.json"), "w") as f:
        json.dump({"time": T, "ca_file": g.path("ca.pem"), "sites": sites}, f, indent=1,
                  sort_keys=True)
    listeners = plan.web_listeners()
    if not listeners:
        with open(g.path("start.sh"), "w") as f:
            f.write("#!/usr/bin/env bash\n# no world networks: no web servers\nexit 0\n")
        return
    nginx_conf(g, plan, units, state, 2 * len(unit_of))
    net, slot, v4, v6 = listeners[0]
    with open(g.path("start.sh"), "w") as f:
        f.write(START_SH % {"probe_addr": v4, "probe_port": 443})
    os.chmod(g.path("start.sh"), 0o755)


if __name__ == "__main__":
    # Debug aid: print the truth of a world.  webgen.py WORLD [T]
    import sys
    import world as worldmod
    w = worldmod.parse(sys.argv[1])
    T = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
    for name, row in truth(w, planmod.Plan(w), T).items():
        print(json.dumps(dict(domain=name, **row), sort_keys=True))
