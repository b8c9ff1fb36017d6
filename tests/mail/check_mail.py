"""Mail transport ground truth (issue 16), checked with real tools inside the
namespace against the world's servers:

- `dig` through the world's Unbound for the MX hosts (preference order),
  their addresses, the TLSA RRsets and whether they validate (AD bit), the
  _mta-sts and _smtp._tls TXT records;
- `openssl s_client -starttls smtp` on every address of every tested MX
  host (SNI and -verify_hostname the MX name, -CAfile the world's CA,
  -attime the world time): STARTTLS offered, handshake, version, verify
  result;
- Postfix's `posttls-finger -l dane` (its own DNSSEC-aware lookups through
  the world's resolver: STATE/mail/resolv.conf with trust-ad, bound over
  /etc/resolv.conf in a private mount namespace) for DANE validity of
  every MX host that completed TLS: it must apply DANE exactly when dig
  says the TLSA RRset is secure, and match or not as the truth says;
- `openssl s_client -dane_tlsa_domain -dane_tlsa_rrdata` (DANE-EE name
  checks off, RFC 7671) for the web host's secure TLSA;
- `curl` with the world's CA for the MTA-STS policy, parsed here by the
  rules of RFC 8461 3.2 and 4.1; TLS-RPT rua URIs by RFC 8460 3.

The per-domain columns are folded from those measurements by the rules of
docs/testbed-mail.md (the mail stage's, docs/mail.md), written again here independently of
scripts/tb/mailgen.py.  Run inside the namespace.
"""

import concurrent.futures
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

from check_dns import dig  # noqa: E402

COLUMNS = ("mx_tested", "mx_starttls", "mx_tls_version", "mx_cert_verify", "mx_dane",
           "dane_web_valid", "mta_sts_mode", "mta_sts_mx_match", "tlsrpt_valid")
MISSING = "<not in truth>"
MX_MAX = 4                  # the crawler's default --mx-max
TIMEOUT = 15                # one tool run inside the namespace (answers take ms)
CLIENT_CIPHERS = "DEFAULT:@SECLEVEL=0"
VERIFY = {0: "ok", 10: "expired", 9: "not_yet_valid", 18: "self_signed",
          19: "untrusted", 20: "untrusted", 21: "untrusted", 2: "untrusted",
          62: "hostname_mismatch"}
WORST_FIRST = ("other", "hostname_mismatch", "self_signed", "untrusted", "expired",
               "not_yet_valid", "ok")
STS_MAX_AGE = 31557600      # RFC 8461 3.2


def sh(args, timeout=TIMEOUT):
    try:
        r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", ""
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def hostport(addr, port):
    return "[%s]:%d" % (addr, port) if ":" in addr else "%s:%d" % (addr, port)


def addresses(host):
    return ([r[4] for r in dig(host, "A", cd=False).rrs("A")] +
            [r[4] for r in dig(host, "AAAA", cd=False).rrs("AAAA")])


def secure_tlsa(name):
    """The TLSA rdata at name when it validates secure (AD), else []."""
    a = dig(name, "TLSA", cd=False)
    if "ad" not in a.flags:
        return []
    return [" ".join(r[4:7]) + " " + "".join(r[7:]) for r in a.rrs("TLSA")]


def txt(name):
    a = dig(name, "TXT", cd=False)
    out = []
    for line in a.text.splitlines():
        f = line.split(None, 4)
        if len(f) == 5 and f[3] == "TXT" and not line.startswith(";"):
            out.append("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', f[4])))
    return out


# --- SMTP ------------------------------------------------------------------------

def smtp_probe(host, addr, ca, T):
    """(outcome, version, cert_verify) of one address, by openssl s_client."""
    rc, out, err = sh(["openssl", "s_client", "-starttls", "smtp",
                       "-connect", hostport(addr, 25), "-servername", host,
                       "-CAfile", ca, "-verify_hostname", host, "-attime", str(T),
                       "-cipher", CLIENT_CIPHERS])
    if rc == 124:
        return "timeout", None, None
    if "Connection refused" in err or "connect:errno" in err:
        return "connect_failed", None, None
    if "Didn't find STARTTLS" in out + err:
        return "no_starttls", None, None
    hs = re.search(r"^New, (TLSv[\d.]+), Cipher is (\S+)", out, re.M)
    if not hs or hs.group(2) == "(NONE)":
        return "tls_failed", None, None
    vr = re.search(r"Verify return code: (\d+)", out)
    return "tls", hs.group(1), VERIFY.get(int(vr.group(1)), "other") if vr else None


def finger(state, host, addr):
    """posttls-finger's DANE verdict on one address: 'match', 'nomatch', or
    None when it applied no DANE (no secure TLSA); the output too."""
    conf = os.path.join(state, "mail", "finger")
    resolv = os.path.join(state, "mail", "resolv.conf")
    ca = os.path.join(state, "web", "ca.pem")
    fam = "ipv6" if ":" in addr else "ipv4"
    cmd = ('mount --bind "$1" /etc/resolv.conf && MAIL_CONFIG="$2" exec posttls-finger '
           '-c -t 10 -T 10 -l dane -F "$3" -a "$4" "[$5]:25"')
    rc, out, err = sh(["unshare", "-m", "sh", "-c", cmd, "sh", resolv, conf, ca, fam, host],
                      timeout=30)
    text = out + err
    if "Matched DANE" in text and "Verified TLS connection established" in text:
        return "match", text
    if "no matching DANE TLSA records" in text:
        return "nomatch", text
    if "DANE" in text:
        return "unknown", text
    return None, text


# --- MTA-STS and TLS-RPT -------------------------------------------------------------

def sts_parse(body):
    """RFC 8461 3.2: (mode, [mx patterns]) of a valid policy, or None."""
    fields = {}
    mx = []
    for line in re.split(r"\r?\n", body):
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9_]+):[ \t]*(.*?)[ \t]*$", line)
        if not m:
            return None
        k, v = m.group(1), m.group(2)
        if k == "mx":
            mx.append(v)
        elif k not in fields:
            fields[k] = v
    if fields.get("version") != "STSv1":
        return None
    mode = fields.get("mode")
    if mode not in ("enforce", "testing", "none"):
        return None
    age = fields.get("max_age", "")
    if not re.fullmatch(r"\d{1,10}", age) or int(age) > STS_MAX_AGE:
        return None
    if mode != "none" and not mx:
        return None
    return mode, mx


def sts_matches(pattern, host):
    """RFC 8461 4.1: '*.' stands for exactly one leftmost label."""
    p, h = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if p.startswith("*."):
        return "." in h and h.split(".", 1)[1] == p[2:] and h.split(".", 1)[0] != ""
    return p == h


def mta_sts(domain, ca):
    """(mode, mx_match) as the contract defines them; (None, None) without
    an _mta-sts TXT."""
    if not any(t.startswith("v=STSv1") for t in txt("_mta-sts." + domain)):
        return None, None
    host = "mta-sts." + domain
    addrs = addresses(host)
    if not addrs:
        return "unavailable", None
    rc, out, err = sh(["curl", "-sS", "--max-time", "10", "--cacert", ca,
                       "--resolve", "%s:443:%s" % (host, addrs[0] if ":" not in addrs[0]
                                                   else "[%s]" % addrs[0]),
                       "-w", "\n%{http_code}", "https://%s/.well-known/mta-sts.txt" % host])
    if rc != 0:
        return "unavailable", None
    body, _, code = out.rpartition("\n")
    if code != "200":
        return "unavailable", None
    pol = sts_parse(body)
    if pol is None:
        return "invalid", None
    mode, pats = pol
    mxs = [r[5].rstrip(".") for r in dig(domain, "MX", cd=False).rrs("MX")]
    return mode, all(any(sts_matches(p, h) for p in pats) for h in mxs)


def tlsrpt(domain):
    recs = [t for t in txt("_smtp._tls." + domain) if t.startswith("v=TLSRPTv1")]
    if not recs:
        return None
    tags = [t.strip() for t in recs[0].split(";")]
    rua = [t.split("=", 1)[1] for t in tags[1:] if t.lower().startswith("rua=")]
    if len(recs) != 1 or not rua or not rua[0].strip():
        return False
    for u in rua[0].split(","):
        u = u.strip()
        if not (re.fullmatch(r"mailto:[^@\s,;!]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", u) or
                re.fullmatch(r"https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/\S*)?", u)):
            return False
    return True


# --- web DANE ----------------------------------------------------------------------

def web_dane(host, addr, T):
    """dane_web_valid of the web host at addr: None when nothing serves TLS."""
    rc, out, err = sh(["openssl", "s_client", "-connect", hostport(addr, 443),
                       "-servername", host])
    if "Connection refused" in err or not re.search(r"^New, TLSv", out, re.M):
        return None
    rrs = secure_tlsa("_443._tcp." + host)
    if not rrs:
        return "none"
    args = ["openssl", "s_client", "-connect", hostport(addr, 443), "-servername", host,
            "-dane_tlsa_domain", host, "-dane_ee_no_namechecks", "-attime", str(T)]
    for rr in rrs:
        args += ["-dane_tlsa_rrdata", rr]
    rc, out, err = sh(args)
    ok = "Verification: OK" in out and re.search(r"^DANE TLSA .* matched", out, re.M)
    return "valid" if ok else "invalid"


# --- one domain ----------------------------------------------------------------------

def measure(state, row, ca, T):
    dom = row["domain"]
    m = dict.fromkeys(COLUMNS)
    notes = []
    web = row.get("web_ipv4") or row.get("web_ipv6")
    if web:
        m["dane_web_valid"] = web_dane(row["probed_host"], web, T)
    mx = dig(dom, "MX", cd=False)
    recs = sorted((int(r[4]), r[5].rstrip(".")) for r in mx.rrs("MX"))
    if mx.status != "NOERROR" or not recs:
        return m, notes
    hosts = [h for _, h in recs][:MX_MAX]
    m["mx_tested"] = len(hosts)
    banner, tls = [], []
    versions, verifies, dane = [], [], []
    for h in hosts:
        probes = [(a,) + smtp_probe(h, a, ca, T) for a in addresses(h)]
        notes.append("%s: %s" % (h, ", ".join("%s %s" % (a, o) for a, o, _, _ in probes)))
        if any(o not in ("connect_failed", "timeout") for _, o, _, _ in probes):
            banner.append(h)
        if probes and all(o == "tls" for _, o, _, _ in probes):
            tls.append(h)
            versions += [v for _, _, v, _ in probes]
            verifies += [c for _, _, _, c in probes]
            secure = bool(secure_tlsa("_25._tcp." + h))
            verdicts = [finger(state, h, a) for a, _, _, _ in probes]
            applied = {v for v, _ in verdicts}
            notes.append("%s: TLSA secure %s, posttls-finger %s" % (h, secure, sorted(map(str, applied))))
            if secure:
                if applied <= {"match", "nomatch"} and len(applied) == 1:
                    dane.append(applied == {"match"})
                else:
                    dane.append(None)       # posttls-finger disagrees with dig
                    notes.append("posttls-finger: " + verdicts[0][1][-600:])
            elif applied != {None}:
                dane.append(None)
                notes.append("posttls-finger applied DANE to an insecure TLSA: " +
                             verdicts[0][1][-600:])
    m["mx_starttls"] = ("unreachable" if not banner else "all" if len(tls) == len(banner)
                        else "none" if not tls else "some")
    if tls:
        m["mx_tls_version"] = min(versions)
        m["mx_cert_verify"] = min(verifies, key=lambda v: WORST_FIRST.index(v or "other"))
    if None in dane:
        m["mx_dane"] = "posttls-finger and dig disagree"
    else:
        m["mx_dane"] = ("none" if not dane else "valid" if all(dane) else
                        "invalid" if not any(dane) else "partial")
    m["mta_sts_mode"], m["mta_sts_mx_match"] = mta_sts(dom, ca)
    m["tlsrpt_valid"] = tlsrpt(dom)
    return m, notes


def run(state, truth, tap):
    ca = os.path.join(state, "web", "ca.pem")
    with open(os.path.join(state, "world.time")) as f:
        T = int(f.read().split()[0])
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda r: measure(state, r, ca, T), truth))
    for row, (m, notes) in zip(truth, results):
        for col in COLUMNS:
            ok = tap.eq(m[col], row.get(col, MISSING), "%s: %s" % (row["domain"], col))
            if not ok:
                for n in notes:
                    tap.diag("  " + n)
