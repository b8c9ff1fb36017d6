"""Self-test of the web part of the testbed (nginx, the test PKI).

For every domain of the world, every TLS and HTTP column of the ground truth
is measured with independent tools inside the namespace and compared:

- `openssl s_client` (SNI = probed host, ALPN h2,http/1.1, status request,
  verification against STATE/web/ca.pem at the world time T with the
  host name checked) gives tls_status, version, cipher, group, ALPN,
  OCSP stapling and the verify result; `openssl x509` reads the served leaf
  (not-after, key, signature algorithm, issuer organisation);
- `curl` fetches https://HOST/, https://HOST/.well-known/security.txt and
  http://HOST/ at the planned address (--resolve, no DNS), and the header
  values are parsed here by the rules of docs/testbed-web.md, written again
  independently of scripts/tb/webgen.py.

Addresses come from the truth's web_ipv4/web_ipv6 (which check_dns proves
DNS serves) or, without them, from STATE/web/sites.json; the probed address
is IPv4 first, IPv6 when the host has no A.  A dual-stack host is measured
on its other address too, and must give the same answers, unless its truth
says the IPv6 side differs (ipv6_web_same false) or is dead.  Run inside the
namespace.

webv6 (issue 17 point 2, scripts/tb/webv6.py): ipv6_web_reachable is curl
-6 reaching https://HOST/ at the first IPv6 address; ipv6_web_same the
IPv4 and IPv6 measurements of the status and the header columns compared;
web_addrs_tested and web_addrs_reachable every address of sites.json
(v4_all, v6_all) tried with curl -4/-6 --resolve, a TLS handshake counting
as reachable.
"""

import calendar
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "tb"))
import headertruth  # noqa: E402  (the grading rules, written from docs/web.md)

COLUMNS = ("tls_status", "tls_version", "tls_cipher", "tls_group", "tls_alpn",
           "ocsp_stapled", "cert_verify", "cert_not_after", "cert_days_left",
           "cert_key_bits", "cert_key_type", "cert_sig_alg", "cert_issuer_org",
           "http_status", "hsts", "hsts_max_age", "hsts_include_subdomains",
           "hsts_preload", "csp", "csp_frame_ancestors", "csp_unsafe_inline",
           "csp_grade", "csp_failures", "x_frame_options",
           "x_content_type_options", "referrer_policy", "referrer_policy_grade",
           "permissions_policy", "http_redirects_https", "security_txt",
           "security_txt_location", "security_txt_signed", "security_txt_expires_far")
MISSING = "<not in truth>"
CLIENT_CIPHERS = "DEFAULT:@SECLEVEL=0"       # as the crawler's probe: measure legacy servers too
TIMEOUT = 10

# X509_V_ERR_* codes of `Verify return code: N` -> cert_verify
VERIFY = {0: "ok", 10: "expired", 9: "not_yet_valid", 18: "self_signed",
          19: "untrusted", 20: "untrusted", 21: "untrusted", 2: "untrusted",
          62: "hostname_mismatch"}
# s_client's "Server Temp Key" names -> TLS group names (IANA registry)
GROUPS = {"X25519": "x25519", "X448": "x448", "prime256v1": "secp256r1",
          "secp384r1": "secp384r1", "secp521r1": "secp521r1"}
KEY_TYPES = {"id-ecPublicKey": "ec", "rsaEncryption": "rsa", "ED25519": "ed25519", "ED448": "ed448"}


def sh(args, timeout=TIMEOUT):
    try:
        r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", ""
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def hostport(addr, port):
    return "[%s]:%d" % (addr, port) if ":" in addr else "%s:%d" % (addr, port)


# --- TLS ---------------------------------------------------------------------------

def measure_tls(host, addr, ca, T, m):
    rc, out, err = sh(["openssl", "s_client",
                       "-connect", hostport(addr, 443), "-servername", host,
                       "-alpn", "h2,http/1.1", "-status", "-CAfile", ca,
                       "-verify_hostname", host, "-attime", str(T),
                       "-cipher", CLIENT_CIPHERS])
    if rc == 124:
        m["tls_status"] = "timeout"
        return
    if "errno=111" in err or "Connection refused" in err:
        m["tls_status"] = "refused"
        return
    hs = re.search(r"^New, (TLSv[\d.]+), Cipher is (\S+)", out, re.M)
    if not hs or hs.group(2) == "(NONE)":
        m["tls_status"] = "handshake_failed"
        return
    m["tls_status"] = "ok"
    m["tls_version"], m["tls_cipher"] = hs.group(1), hs.group(2)
    tk = re.search(r"^Server Temp Key: (?:ECDH, )?([^,]+),", out, re.M)
    m["tls_group"] = GROUPS.get(tk.group(1), tk.group(1)) if tk else None
    alpn = re.search(r"^ALPN protocol: (\S+)", out, re.M)
    m["tls_alpn"] = alpn.group(1) if alpn else None
    if "OCSP response: no response sent" in out:
        m["ocsp_stapled"] = False
    else:
        m["ocsp_stapled"] = bool(re.search(r"OCSP Response Status: successful", out))
    vr = re.search(r"Verify return code: (\d+)", out)
    m["cert_verify"] = VERIFY.get(int(vr.group(1)), "other") if vr else None
    # the leaf as s_client prints it (an OCSP response block before it may
    # hold the responder's certificate)
    pem = re.search(r"^Server certificate\n(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n)",
                    out, re.S | re.M)
    if not pem:
        return
    r = subprocess.run(["openssl", "x509", "-noout", "-issuer", "-nameopt", "multiline,utf8,-esc_msb",
                        "-enddate", "-text"], input=pem.group(1).encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    text = r.stdout.decode("utf-8", "replace")
    issuer = text.split("notAfter=")[0]
    org = re.search(r"^\s*organizationName\s*=\s*(.*)$", issuer, re.M)
    m["cert_issuer_org"] = org.group(1).strip() if org else None
    na = re.search(r"^notAfter=(.*)$", text, re.M).group(1).strip()
    t = calendar.timegm(time.strptime(na, "%b %d %H:%M:%S %Y GMT"))
    m["cert_not_after"] = t * 1000000
    m["cert_days_left"] = (t - T) // 86400
    alg = re.search(r"Public Key Algorithm: (\S+)", text)
    m["cert_key_type"] = KEY_TYPES.get(alg.group(1), alg.group(1)) if alg else None
    bits = re.search(r"Public-Key: \((\d+) bit\)", text)
    m["cert_key_bits"] = int(bits.group(1)) if bits else None
    sig = re.search(r"Signature Algorithm: (\S+)", text)
    m["cert_sig_alg"] = sig.group(1) if sig else None


# --- HTTP --------------------------------------------------------------------------

def curl(url, host, port, addr, extra):
    """(status, {lower-case name: [values]}, body) or None when no HTTP
    response came (refused, closed, timed out)."""
    a = "[%s]" % addr if ":" in addr else addr
    rc, out, err = sh(["curl", "-sS", "--http1.1", "--max-time", str(TIMEOUT), "-D", "/dev/stderr",
                       "--resolve", "%s:%d:%s" % (host, port, a), url] + extra)
    heads = [b for b in re.split(r"\r?\n\r?\n", err) if b.startswith("HTTP/")]
    if not heads:
        return None
    lines = re.split(r"\r?\n", heads[-1])
    status = int(lines[0].split()[1])
    fields = {}
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            fields.setdefault(k.strip().lower(), []).append(v.strip(" \t"))
    return status, fields, out


def joined(fields, name):
    v = fields.get(name)
    return ", ".join(v) if v is not None else None


TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
QUOTED = r'"(?:[^"\\]|\\.)*"'
HSTS_PART = re.compile(r"[ \t]*(?:(%s)(?:[ \t]*=[ \t]*(%s|%s))?)?[ \t]*" % (TOKEN, TOKEN, QUOTED))


def hsts_fields(v):
    none = (False, None, None, None)
    if v is None:
        return none
    dirs, pos = [], 0
    while True:
        mt = HSTS_PART.match(v, pos)
        if mt.group(1):
            val = mt.group(2)
            if val is not None and val.startswith('"'):
                val = re.sub(r"\\(.)", r"\1", val[1:-1])
            dirs.append((mt.group(1).lower(), val))
        pos = mt.end()
        if pos == len(v):
            break
        if v[pos] != ";":
            return none
        pos += 1
    names = [n for n, _ in dirs]
    if len(names) != len(set(names)):
        return none
    d = dict(dirs)
    age = d.get("max-age")
    if age is None or not re.fullmatch(r"[0-9]+", age) or int(age) >= 2**63:
        return none
    if d.get("includesubdomains", None) is not None or d.get("preload", None) is not None:
        return none
    return int(age) != 0, int(age), "includesubdomains" in d, "preload" in d


def csp_fields(v):
    if v is None:
        return False, None, None
    fa = ui = False
    for policy in v.split(","):
        seen = {}
        for d in policy.split(";"):
            words = d.split()
            if words and words[0].lower() not in seen:
                seen[words[0].lower()] = {w.lower() for w in words[1:]}
        fa = fa or "frame-ancestors" in seen
        scripts = seen["script-src"] if "script-src" in seen else seen.get("default-src", set())
        ui = ui or "'unsafe-inline'" in scripts
    return True, fa, ui


def xfo_field(v):
    if v is None:
        return "absent"
    s = set(x.strip().lower() for x in v.split(","))
    return s.pop() if len(s) == 1 and s <= {"deny", "sameorigin"} else "invalid"


REFERRER = {"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
            "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"}


def referrer_field(v):
    if v is None:
        return "absent"
    valid = [t.strip().lower() for t in v.split(",") if t.strip().lower() in REFERRER]
    return valid[-1] if valid else "absent"


RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.\d+)?([Zz]|[+-]\d\d:\d\d)")


# H6 (issue 17 point 3): RFC 9116 3 as docs/web.md says: /.well-known/
# first, then the legacy /security.txt; same-host redirects followed, at
# most this many per location (WEB_SECTXT_MAX_REDIRECTS in webprobe.h).
SECTXT_MAX_REDIRECTS = 3
SECTXT_FAR_S = 365 * 86400          # RFC 9116 2.5.5: "less than a year"
PGP_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----"
PGP_SIG = "-----BEGIN PGP SIGNATURE-----"
PGP_END = "-----END PGP SIGNATURE-----"


def same_host_path(status, location, host):
    """The path a security.txt redirect leads to within host, or None."""
    if status not in (301, 302, 303, 307, 308) or location is None:
        return None
    location = location.strip()
    if location.startswith("/") and not location.startswith("//"):
        path = location
    else:
        u = urllib.parse.urlsplit(location)
        if u.scheme.lower() != "https" or (u.hostname or "").rstrip(".") != host.lower() \
                or u.port not in (None, 443):
            return None
        path = (u.path or "/") + ("?" + u.query if u.query else "")
    path = path.split("#")[0]
    return path if path and not re.search(r"[\x00-\x20\x7f-\uffff]", path) else None


def sectxt_fetch(host, addr, tls):
    """(location, the last response) of the security.txt walk."""
    last = None
    for loc, path in (("well_known", "/.well-known/security.txt"), ("legacy", "/security.txt")):
        for hop in range(SECTXT_MAX_REDIRECTS + 1):
            last = curl("https://%s%s" % (host, path), host, 443, addr, tls)
            if last is None:
                return None, None
            if last[0] == 200:
                return loc, last
            nxt = same_host_path(last[0], (last[1].get("location") or [None])[0], host)
            if nxt is None or hop == SECTXT_MAX_REDIRECTS:
                break
            path = nxt
    return None, last


def sectxt_text(body):
    """(signed, the lines whose fields count): RFC 4880 7 cleartext frame."""
    lines = body.split("\n")
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    if not lines or lines[0] != PGP_SIGNED:
        return False, lines, True
    try:
        blank = lines.index("", 1)
        sig = lines.index(PGP_SIG, blank + 1)
        lines.index(PGP_END, sig + 1)
    except ValueError:
        return False, [], False          # a frame begun, not closed: invalid
    text = [ln[2:] if ln.startswith("- ") else ln for ln in lines[blank + 1:sig]]
    return True, text, True


def sectxt_field(resp, T):
    """security_txt, its signed flag and Expires-far flag (None: null)."""
    if resp is None:
        return None, None, None
    status, fields, body = resp
    if status != 200:
        return "absent", None, None
    ctype = (joined(fields, "content-type") or "").split(";")[0].strip().lower()
    signed, text, framed = sectxt_text(body)
    contact, expires = 0, []
    for ln in text:
        ln = ln.strip()
        if not ln or ln.startswith("#") or ":" not in ln:
            continue
        name, value = ln.split(":", 1)
        name, value = name.strip().lower(), value.strip()
        if name == "contact" and value:
            contact += 1
        elif name == "expires":
            expires.append(value)
    ok = framed and ctype == "text/plain" and contact > 0 and len(expires) == 1
    far = None
    if len(expires) == 1:
        mt = RFC3339.fullmatch(expires[0])
        if not mt:
            ok = False
        else:
            y, mo, d, h, mi, s, tz = mt.groups()
            t = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s), 0, 0, 0))
            if tz not in ("Z", "z"):
                sign = 1 if tz[0] == "+" else -1
                t -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
            ok = ok and t > T
            far = t - T > SECTXT_FAR_S
    return ("valid" if ok else "invalid"), signed, far


def redirects_https(resp, host):
    if resp is None:
        return None
    status, fields, _ = resp
    loc = (fields.get("location") or [None])[0]
    if status not in (301, 302, 303, 307, 308) or not loc:
        return False
    mt = re.match(r"(?i)https://([^/:?#]+)(?::(\d+))?(?:[/?#]|$)", loc)
    return bool(mt) and mt.group(1).lower().rstrip(".") == host and mt.group(2) in (None, "443")


# webv6: the columns ipv6_web_same compares (docs/web.md, "IPv6 and every
# address"), as the IPv4 side measured them
SAME_COLUMNS = ("http_status", "hsts", "hsts_max_age", "hsts_include_subdomains",
                "hsts_preload", "csp", "csp_frame_ancestors", "csp_unsafe_inline",
                "csp_grade", "csp_failures", "x_frame_options", "x_content_type_options",
                "referrer_policy", "permissions_policy")
# WEB_MAX_ADDRS_TESTED of crawler/web/webprobe.h
MAX_ADDRS_TESTED = 8
# curl exit codes of no TLS handshake: cannot connect, timed out, TLS
# connect error (any other code came after the handshake)
CURL_NO_HANDSHAKE = (7, 28, 35)


def handshake(host, addr):
    """True when a TLS handshake with host at addr completes (curl -4/-6,
    --resolve, certificate not judged: the crawler's reachability)."""
    a = "[%s]" % addr if ":" in addr else addr
    rc, _, _ = sh(["curl", "-6" if ":" in addr else "-4", "-sS", "-k", "--http1.1",
                   "--max-time", str(TIMEOUT), "-o", "/dev/null", "--ciphers", CLIENT_CIPHERS,
                   "--resolve", "%s:443:%s" % (host, a), "https://%s/" % host])
    return rc not in CURL_NO_HANDSHAKE


def measure_v6(row, site, m4, m6):
    """The webv6 columns of a row measured: m4, m6 the IPv4 and IPv6
    measurements of the probed host (None when it has no such address)."""
    out = dict.fromkeys(("ipv6_web_reachable", "ipv6_web_same", "web_addrs_tested",
                         "web_addrs_reachable"))
    host = row["probed_host"]
    addrs = (site.get("v4_all") or []) + (site.get("v6_all") or [])
    addrs = addrs[:MAX_ADDRS_TESTED]
    if addrs:
        out["web_addrs_tested"] = len(addrs)
        out["web_addrs_reachable"] = sum(1 for a in addrs if handshake(host, a))
    if m6 is not None:
        out["ipv6_web_reachable"] = m6["http_status"] is not None
        if m4 is not None and m4["http_status"] is not None and m6["http_status"] is not None:
            out["ipv6_web_same"] = all(m4[c] == m6[c] for c in SAME_COLUMNS)
    return out


def measure(host, addr, ca, T, site):
    """The web columns of host at addr as openssl s_client and curl see
    them; site: the listed domain (the CSP grade's own hosts)."""
    m = dict.fromkeys(COLUMNS)
    if addr is None:
        m["tls_status"] = "no_address"
        return m
    m["http_redirects_https"] = redirects_https(curl("http://%s/" % host, host, 80, addr, []), host)
    measure_tls(host, addr, ca, T, m)
    if m["tls_status"] != "ok":
        return m
    tls = ["--cacert", ca, "--ciphers", CLIENT_CIPHERS]
    if m["cert_verify"] != "ok" or abs(time.time() - T) > 20 * 86400:
        tls.append("-k")     # curl checks at the real time; s_client judged at T
    page = curl("https://%s/" % host, host, 443, addr, tls)
    if page is None:
        return m
    status, f, _ = page
    m["http_status"] = status
    (m["hsts"], m["hsts_max_age"], m["hsts_include_subdomains"],
     m["hsts_preload"]) = hsts_fields((f.get("strict-transport-security") or [None])[0])
    m["csp"], m["csp_frame_ancestors"], m["csp_unsafe_inline"] = \
        csp_fields(joined(f, "content-security-policy"))
    # the rules of docs/web.md applied to what curl received
    m["csp_grade"], m["csp_failures"] = headertruth.csp(
        joined(f, "content-security-policy"), site)
    m["x_frame_options"] = xfo_field(joined(f, "x-frame-options"))
    xcto = joined(f, "x-content-type-options")
    m["x_content_type_options"] = xcto is not None and xcto.split(",")[0].strip().lower() == "nosniff"
    m["referrer_policy"] = referrer_field(joined(f, "referrer-policy"))
    m["referrer_policy_grade"] = headertruth.referrer(m["referrer_policy"])
    m["permissions_policy"] = "permissions-policy" in f
    loc, resp = sectxt_fetch(host, addr, tls)
    m["security_txt"], m["security_txt_signed"], m["security_txt_expires_far"] = \
        sectxt_field(resp, T)
    m["security_txt_location"] = loc
    return m


def run(state, truth, tap):
    with open(os.path.join(state, "web", "sites.json")) as f:
        doc = json.load(f)
    sites, ca, T = doc["sites"], doc["ca_file"], doc["time"]
    with open(os.path.join(state, "world.time")) as f:
        tap.eq(int(f.read().split()[0]), T, "web: sites.json made at the world time")

    jobs = []
    for row in truth:
        dom = row["domain"]
        site = sites.get(dom, {})
        v4 = row["web_ipv4"] if "web_ipv4" in row else site.get("v4")
        v6 = row["web_ipv6"] if "web_ipv6" in row else site.get("v6")
        tap.eq((v4, v6), (site.get("v4"), site.get("v6")), "%s: web addresses as planned" % dom)
        jobs.append((row, row["probed_host"], v4 or v6, "probed"))
        if v4 and v6:
            jobs.append((row, row["probed_host"], v6, "v6 " + v6))
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda j: measure(j[1], j[2], ca, T, j[0]["domain"]), jobs))
    by_dom = {}
    for (row, host, addr, what), m in zip(jobs, results):
        by_dom.setdefault(row["domain"], {})["v6" if addr and ":" in addr else "v4"] = m
        if what != "probed" and (row.get("ipv6_web_same") is False or (
                row.get("ipv6_web_reachable") is False and row.get("tls_status") == "ok")):
            continue        # webv6: an IPv6 side that differs, checked below
        for col in COLUMNS:
            name = "%s: %s" % (row["domain"], col)
            if what != "probed":
                name += " (%s)" % what
            tap.eq(m[col], row.get(col, MISSING), name)
    for row in truth:
        if "web_addrs_tested" not in row:
            continue
        got = by_dom.get(row["domain"], {})
        v6 = measure_v6(row, sites.get(row["domain"], {}), got.get("v4"), got.get("v6"))
        for col, v in sorted(v6.items()):
            tap.eq(v, row[col], "%s: %s (curl -4/-6 per address)" % (row["domain"], col))
