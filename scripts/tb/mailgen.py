"""The mail part of the testbed: real Postfix SMTP servers (one instance per
mailhost line), an nginx serving the MTA-STS policies, and the ground truth
of the mail transport columns (issue 16).  docs/testbed-mail.md describes
the cases and the exact truth rules; this module is their executable form.

It runs after webgen (it uses the world's test CA and leaf keys) and before
dnsgen, which puts the records this module decides into the zones
(STATE/mail/records.json: the mail hosts' A, AAAA and TLSA, the mta-sts
hosts, the TLSA of dane_web=ee|ta made from the served certificates).

generate(world, plan, state, T) writes STATE/mail/:

    records.json        {zone: [[owner, type, rdata]]} for dnsgen
    hosts.json          per mailhost: addresses, instance directory (tools)
    NAME/conf/          main.cf and master.cf of the Postfix instance of NAME
    NAME/queue/, data/  its queue and data directories
    NAME/maillog        its log (maillog_file): one smtpd per address, logging
                        as mx/ADDRESS (scripts/tb/smtp_connections.py counts)
    NAME/key.pem, chain.pem   its key and served chain (leaf + intermediate)
    mtasts/             nginx.conf, certificates and policy files of the
                        MTA-STS policy server (192.0.2.26, 2001:db8::26)
    resolv.conf         the world's resolver with trust-ad, for the DNSSEC-
                        aware tools (posttls-finger) run in the namespace
    finger/main.cf      posttls-finger's configuration (MAIL_CONFIG)
    start.sh            starts every instance and the policy server

truth(world, plan, T) -> {domain: {column: value}} for mx_tested,
mx_starttls, mx_tls_version, mx_cert_verify, mx_dane, dane_web_valid,
mta_sts_mode, mta_sts_mx_match and tlsrpt_valid (docs/mail.md, issue 16).
"""

import hashlib
import json
import os
import re
import subprocess

import dnsgen
import plan as planmod
import webgen

DAY = 86400
# The crawler's default --mx-max: MX hosts tested per domain.  The worlds
# give every MX record its own preference, so the bound takes the first.
MX_MAX = 4
# A TLSA record matching no key (tlsa=ee-bad): the hash of a fixed text.
TLSA_BAD = "3 1 1 " + hashlib.sha256(b"uptake testbed mail tlsa matching nothing").hexdigest()
# RFC 8461 3.2: max_age is at most 31557600 seconds (about a year).
STS_MAX_AGE = 86400
# Postfix's TLS protocol setting per mailhost tlsver= (Postfix 3.6 syntax).
POSTFIX_PROTOCOLS = {"any": ">=TLSv1.2", "1.2": ">=TLSv1.2, <=TLSv1.2", "1.3": ">=TLSv1.3"}
# The negotiated version with a client offering TLS 1.2 and 1.3.
NEGOTIATED = {"any": "TLSv1.3", "1.2": "TLSv1.2", "1.3": "TLSv1.3"}
# cert_verify badness (the mail stage's order, docs/mail.md): the worst first.
VERIFY_ORDER = ("other", "hostname_mismatch", "self_signed", "untrusted", "expired",
                "not_yet_valid", "ok")

COLUMNS = ("mx_tested", "mx_starttls", "mx_tls_version", "mx_cert_verify", "mx_dane",
           "dane_web_valid", "mta_sts_mode", "mta_sts_mx_match", "tlsrpt_valid")


# --- truth rules -----------------------------------------------------------------

def host_outcome(world, plan, d, host):
    """[(address, outcome)] of one MX host: the contract's per-address
    outcome (tls, no_starttls, connect_failed)."""
    mh = world.mailhosts.get(host)
    if mh is not None and d.get("mxhosts") is not None:
        out = {"starttls": "tls", "plain": "no_starttls", "none": "connect_failed"}[mh["smtp"]]
        return [(a, out) for a in plan.mailhosts[host].addresses()]
    # mx= / mxp= hosts: slot 1 of a web network or the MX fallback address,
    # where nothing listens on port 25 (the connection is refused).
    p = plan[d.name]
    if d["mxp"] is not None:
        pp = plan.providers[d["mxp"]]
        addrs = [pp.mx_v4, pp.mx_v6]
    else:
        addrs = [p.mx_v4] + ([p.mx_v6] if d["mx6"] == "yes" else [])
    return [(a, "connect_failed") for a in addrs]


def tlsa_secure(world, host):
    mh = world.mailhosts[host]
    return mh["tlsa"] != "none" and \
        dnsgen.zone_status(world, dnsgen.plan_zone(world, host)) == "secure"


def sts_match(pattern, host):
    """RFC 8461 4.1: a pattern matches the host name exactly, or '*.'
    followed by a suffix matches a host with exactly one more label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == pattern[2:]
    return pattern == host


TLSRPT_MAILTO = re.compile(r"^mailto:[^@\s,;!]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
TLSRPT_HTTPS = re.compile(r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/\S*)?$")


def tlsrpt_truth(value):
    """RFC 8460 3: v=TLSRPTv1 first, a rua= of one or more comma-separated
    URIs, each a mailto: address or an https: URL."""
    tags = [t.strip() for t in value.split(";")]
    if not tags or tags[0].replace(" ", "") != "v=TLSRPTv1":
        return False
    rua = None
    for t in tags[1:]:
        k, _, v = t.partition("=")
        if k.strip().lower() == "rua":
            rua = v.strip()
    if not rua:
        return False
    return all(TLSRPT_MAILTO.match(u.strip()) or TLSRPT_HTTPS.match(u.strip())
               for u in rua.split(","))


def tlsrpt_value(d):
    return "v=TLSRPTv1; rua=%s" % (d["tlsrpt_rua"] or "mailto:tlsrpt@%s" % d.name)


def sts_patterns(d, plan):
    return d["stsmx"] if d["stsmx"] is not None else list(plan[d.name].mx_hosts)


def sts_policy(d, plan):
    """The policy text served for stspolicy= (None: 404 or no host)."""
    kind = d["stspolicy"]
    if kind in (None, "404"):
        return None
    mode = "strict" if kind == "invalid" else ("enforce" if kind == "untrusted" else kind)
    lines = ["version: STSv1", "mode: %s" % mode]
    lines += ["mx: %s" % m for m in sts_patterns(d, plan)]
    lines.append("max_age: %d" % STS_MAX_AGE)
    return "\r\n".join(lines) + "\r\n"


def web_dane_valid(world, plan, d):
    """dane_web_valid: null without a TLS server on the web host; none
    without a secure TLSA; valid for ee/ta records, invalid for yes."""
    p = plan[d.name]
    if d["dns"] != "ok" or not (p.web_v4 or p.web_v6):
        return None
    if planmod.WEB_SLOTS[p.web_slot][0] is None:
        return None
    status = dnsgen.dnssec_truth(world, d)[0]
    if d["dane_web"] == "no" or status != "secure":
        return "none"
    return "valid" if d["dane_web"] in ("ee", "ta") else "invalid"


def truth(world, plan, T):
    out = {}
    for d in world.domains:
        row = dict.fromkeys(COLUMNS)
        out[d.name] = row
        row["dane_web_valid"] = web_dane_valid(world, plan, d)
        if d["dns"] != "ok" or d["mx"] == 0:
            continue
        hosts = plan[d.name].mx_hosts[:MX_MAX]
        row["mx_tested"] = len(hosts)
        banner, tls = [], []
        for h in hosts:
            outs = [o for _, o in host_outcome(world, plan, d, h)]
            if any(o != "connect_failed" for o in outs):
                banner.append(h)
            if outs and all(o == "tls" for o in outs):
                tls.append(h)
        if not banner:
            row["mx_starttls"] = "unreachable"
        else:
            row["mx_starttls"] = ("all" if len(tls) == len(banner) else
                                  "none" if not tls else "some")
        if tls:
            mhs = [world.mailhosts[h] for h in tls]
            row["mx_tls_version"] = min(NEGOTIATED[m["tlsver"]] for m in mhs)
            row["mx_cert_verify"] = min((webgen.CERT_VERIFY[m["cert"]] for m in mhs),
                                        key=VERIFY_ORDER.index)
        dane = [world.mailhosts[h]["tlsa"] in ("ee", "ta") for h in tls if tlsa_secure(world, h)]
        row["mx_dane"] = ("none" if not dane else "valid" if all(dane) else
                          "invalid" if not any(dane) else "partial")
        if d["mtasts"] == "yes":
            kind = d["stspolicy"]
            if kind in (None, "404", "untrusted"):
                row["mta_sts_mode"] = "unavailable"
            elif kind == "invalid":
                row["mta_sts_mode"] = "invalid"
            else:
                row["mta_sts_mode"] = kind
                pats = sts_patterns(d, plan)
                row["mta_sts_mx_match"] = all(any(sts_match(pt, h) for pt in pats)
                                              for h in plan[d.name].mx_hosts)
        if d["tlsrpt"] == "yes":
            row["tlsrpt_valid"] = tlsrpt_truth(tlsrpt_value(d))
    return out


# --- generation --------------------------------------------------------------------

MAIN_CF = """# generated by scripts/tb/mailgen.py: mail host {name}
# Never relays, accepts nothing for delivery: the crawler only reads the
# banner, EHLO, STARTTLS and QUIT.
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {dir}/data
maillog_file = {dir}/maillog
maillog_file_prefixes = {dir}
myhostname = {name}
mydomain = {name}
myorigin = {name}
mydestination =
relay_domains =
local_recipient_maps =
mynetworks =
inet_interfaces = {interfaces}
inet_protocols = {protocols}
smtpd_banner = $myhostname ESMTP uptake testbed
smtpd_peername_lookup = no
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_tls_session_cache_database =
smtpd_tls_security_level = {level}
smtpd_tls_protocols = {protos}
smtpd_tls_mandatory_protocols = {protos}
smtpd_tls_chain_files = {dir}/key.pem, {dir}/chain.pem
smtpd_tls_loglevel = 1
biff = no
"""

START_SH = r"""#!/usr/bin/env bash
# Start the mail servers of the world (generated by scripts/tb/mailgen.py):
# one Postfix instance per mail host, then the MTA-STS policy nginx.
#   start.sh STATE    -- run inside the namespace, as root
set -u
STATE=${1:?usage: start.sh STATE}
M=$STATE/mail
mkdir -p "$STATE/run"
fail() { echo "testbed: mail: $*" >&2; exit 1; }
# A world without mail hosts or policies starts nothing.
[ -s "$M/instances" ] || [ -f "$M/mtasts/nginx.conf" ] || exit 0
[ -s "$M/instances" ] && ! id postfix >/dev/null 2>&1 &&
	fail "no user postfix (Debian package postfix: run scripts/deps)"
pids=()
while read -r name addrs; do
	[ -n "$name" ] || continue
	chown postfix "$M/$name/data"
	# queue_directory is a short link to the queue (mailgen.queue_link).
	q=$(postconf -c "$M/$name/conf" -h queue_directory) ||
		fail "postconf cannot read $M/$name/conf"
	mkdir -p "${q%%/*}" && ln -sfn "$M/$name/queue" "$q" ||
		fail "cannot link $q to $M/$name/queue"
	postfix -c "$M/$name/conf" start >>"$M/$name/start.log" 2>&1 &
	pids+=($!)
done <"$M/instances"
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
# Ready when every instance's master listens on each of its addresses
# (ss, not a connection: the logs count the crawler's connections only).
while read -r name addrs; do
	[ -n "$name" ] || continue
	ok=0
	for i in $(seq 1 300); do
		listening=$(ss -Hltn 'sport = :25' | awk '{print $4}')
		ok=1
		for a in $addrs; do
			case $a in *:*) want="[$a]:25" ;; *) want="$a:25" ;; esac
			grep -qxF "$want" <<<"$listening" || ok=0
		done
		[ "$ok" = 1 ] && [ -s "$M/$name/queue/pid/master.pid" ] && break
		ok=0
		sleep 0.1
	done
	if [ "$ok" != 1 ]; then
		tail -n 20 "$M/$name/maillog" "$M/$name/start.log" >&2 2>/dev/null
		fail "postfix for $name does not listen on $addrs port 25"
	fi
	tr -d ' ' <"$M/$name/queue/pid/master.pid" >"$STATE/run/postfix-$name.pid"
done <"$M/instances"
[ "$rc" = 0 ] || fail "a postfix instance failed to start (logs under $M/*/maillog)"
if [ -f "$M/mtasts/nginx.conf" ]; then
	mkdir -p "$M/mtasts/tmp"
	nginx -e "$M/mtasts/error.log" -c "$M/mtasts/nginx.conf" -p "$M/mtasts/" ||
		fail "the MTA-STS nginx did not start ($M/mtasts/error.log)"
	for i in $(seq 1 300); do
		if [ -s "$STATE/run/nginx-mtasts.pid" ] &&
			timeout 2 bash -c 'exec 3<>/dev/tcp/$0/443' %(mtasts)s 2>/dev/null; then
			exit 0
		fi
		sleep 0.1
	done
	fail "the MTA-STS nginx does not answer on %(mtasts)s port 443"
fi
exit 0
"""


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _der(args, path):
    r = subprocess.run(["openssl"] + args + ["-in", path, "-outform", "DER"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit("testbed: mail: openssl %s %s failed: %s" %
                         (args[0], path, r.stderr.decode(errors="replace").strip()))
    return r.stdout


def spki_sha256(key_path):
    """Selector 1 matching type 1: SHA-256 of the SubjectPublicKeyInfo."""
    return _sha256_hex(_der(["pkey", "-pubout"], key_path))


def cert_sha256(cert_path):
    """Selector 0 matching type 1: SHA-256 of the whole certificate."""
    return _sha256_hex(_der(["x509"], cert_path))


class MailGen(webgen.Gen):
    """webgen's openssl helpers, with files under STATE/mail and the CAs of
    STATE/web/ca (the one test PKI of the world)."""

    def __init__(self, state, T):
        super().__init__(state, T)
        webca = os.path.join(self.web, "ca")
        self.web = os.path.join(os.path.abspath(state), "mail")
        # Serial numbers of their own: the CA databases here are new ones.
        self.serial = 0x200000
        self.ca_cert = {n: os.path.join(webca, n + ".pem") for n in webgen.CAS}
        self.ca_key = {n: os.path.join(webca, n + ".key") for n in webgen.CAS}
        os.makedirs(self.path("ca"), exist_ok=True)
        with open(self.path("ca", "req.cnf"), "w") as f:
            f.write(webgen.CA_CNF.format(dir="unused"))

    def cert(self, tag, key, names, case):
        """A leaf for names by certificate case (ok, selfsigned, untrusted,
        expired, wrongname); returns (chain text, issuing CA name or None)."""
        if case == "wrongname":
            names = [webgen.WRONG_NAME]
        csr = self.path("ca", tag + ".csr")
        self.csr(key, "/CN=" + names[0], names, csr)
        validity = (-120, -1) if case == "expired" else (-30, 90)
        if case == "selfsigned":
            [c] = self.sign("self-" + tag, [csr], validity, "v3_self", signer_key=key,
                            selfsign=True)
            return open(c).read(), None
        ca = "untrusted" if case == "untrusted" else "ecc"
        [c] = self.sign(ca, [csr], validity, "v3_leaf", signer_cert=self.ca_cert[ca],
                        signer_key=self.ca_key[ca])
        chain = open(c).read()
        if ca == "ecc":
            chain += open(self.ca_cert["ecc"]).read()
        return chain, ca


QUEUE_LINKS = "/run/uptake-pf"


def queue_link(d):
    """The queue_directory Postfix is given: a short symbolic link to
    D/queue made by start.sh.  Postfix names its UNIX-domain sockets by
    path under the queue directory (public/postlog, private/anvil), and a
    socket path is at most 107 bytes: under a deep build directory (the
    CI's) D/queue/public/postlog is longer, and postfix start fails with
    "unix-domain name too long"."""
    h = hashlib.sha256(os.path.abspath(d).encode()).hexdigest()[:16]
    return "%s/%s" % (QUEUE_LINKS, h)


def _postfix_instance(g, world, plan, name, records):
    mh = world.mailhosts[name]
    mp = plan.mailhosts[name]
    d = g.path(name)
    for sub in ("conf", "queue", "data"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    key = os.path.join(d, "key.pem")
    g.run(["openssl", "genpkey"] + webgen.KEYS["ec256"][0] + ["-out", key], "key " + name)
    chain, ca = g.cert(name, key, [name], mh["cert"])
    with open(os.path.join(d, "chain.pem"), "w") as f:
        f.write(chain)
    zone = records.setdefault(mp.zone, [])
    if mp.v4:
        zone.append([name, "A", mp.v4])
    if mp.v6:
        zone.append([name, "AAAA", mp.v6])
    tlsa = {"ee": "3 1 1 " + spki_sha256(key), "ee-bad": TLSA_BAD,
            "ta": "2 0 1 " + cert_sha256(g.ca_cert["ecc"]) if ca == "ecc" else None}
    if mh["tlsa"] != "none":
        zone.append(["_25._tcp." + name, "TLSA", tlsa[mh["tlsa"]]])
    addrs = mp.addresses()
    if mh["smtp"] == "none":
        return None          # nothing listens: the address is configured only
    with open(os.path.join(d, "conf", "main.cf"), "w") as f:
        f.write(MAIN_CF.format(
            name=name, dir=d, queue=queue_link(d), interfaces=", ".join(addrs),
            protocols=", ".join((["ipv4"] if mp.v4 else []) + (["ipv6"] if mp.v6 else [])),
            level="may" if mh["smtp"] == "starttls" else "none",
            protos=POSTFIX_PROTOCOLS[mh["tlsver"]]))
    # One smtpd service per address, each logging under its own name, so
    # that connections can be counted per server address.
    lines = ["# generated by scripts/tb/mailgen.py: mail host %s" % name]
    for a in addrs:
        listen = "[%s]:25" % a if ":" in a else "%s:25" % a
        lines.append("%s inet n - n - - smtpd -o syslog_name=mx/%s" % (listen, a))
    lines += ["anvil unix - - n - 1 anvil",
              "tlsmgr unix - - n 1000? 1 tlsmgr",
              "postlog unix-dgram n - n - 1 postlogd"]
    with open(os.path.join(d, "conf", "master.cf"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return addrs


def _mtasts(g, world, plan, state, records):
    """The MTA-STS policy server: one nginx, one server block and one
    certificate per domain with stspolicy=."""
    doms = [d for d in world.domains if d["stspolicy"] is not None]
    if not doms:
        return
    m = g.path("mtasts")
    os.makedirs(os.path.join(m, "policy"), exist_ok=True)
    os.makedirs(os.path.join(m, "certs"), exist_ok=True)
    os.makedirs(os.path.join(m, "tmp"), exist_ok=True)
    key = os.path.join(m, "key.pem")
    g.run(["openssl", "genpkey"] + webgen.KEYS["ec256"][0] + ["-out", key], "key mtasts")
    run = os.path.join(os.path.abspath(state), "run")
    L = ["# generated by scripts/tb/mailgen.py: the MTA-STS policy hosts",
         "user root;", "worker_processes 1;", "pid %s/nginx-mtasts.pid;" % run,
         "error_log %s/error.log warn;" % m, "events { worker_connections 1024; }",
         "http {", "    access_log %s/access.log;" % m]
    L += ["    %s_temp_path %s/tmp/%s;" % (t, m, t)
          for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    L += ["    types { text/plain txt; }", "    default_type text/plain;",
          "    server_tokens off;", "    server_names_hash_bucket_size 256;",
          "    server {",
          "        listen %s:443 ssl default_server;" % planmod.MTASTS_V4,
          "        listen [%s]:443 ssl default_server;" % planmod.MTASTS_V6,
          "        include %s/tls.conf;" % m,
          "        ssl_reject_handshake on;", "    }"]
    with open(os.path.join(m, "tls.conf"), "w") as f:
        f.write("ssl_protocols TLSv1.2 TLSv1.3;\n")
    for d in doms:
        host = "mta-sts." + d.name
        records.setdefault(d.name, []).extend(
            [[host, "A", planmod.MTASTS_V4], [host, "AAAA", planmod.MTASTS_V6]])
        chain, _ = g.cert("mtasts-" + d.name, key, [host],
                          "untrusted" if d["stspolicy"] == "untrusted" else "ok")
        cert = os.path.join(m, "certs", d.name + ".pem")
        with open(cert, "w") as f:
            f.write(chain)
        L += ["    server {  # %s: stspolicy=%s" % (d.name, d["stspolicy"]),
              "        listen %s:443 ssl;" % planmod.MTASTS_V4,
              "        listen [%s]:443 ssl;" % planmod.MTASTS_V6,
              "        server_name %s;" % host,
              "        include %s/tls.conf;" % m,
              "        ssl_certificate %s;" % cert,
              "        ssl_certificate_key %s;" % key]
        body = sts_policy(d, plan)
        if body is not None:
            pfile = os.path.join(m, "policy", d.name + ".txt")
            with open(pfile, "w", newline="") as f:
                f.write(body)
            L += ["        location = /.well-known/mta-sts.txt { alias %s; }" % pfile]
        L += ["        location / { return 404; }", "    }"]
    L.append("}")
    with open(os.path.join(m, "nginx.conf"), "w") as f:
        f.write("\n".join(L) + "\n")


def _web_tlsa(world, plan, state, records):
    """dane_web=ee|ta: a TLSA at _443._tcp of the web host that matches the
    chain webgen serves (its leaf key per key kind; its intermediate)."""
    web = os.path.join(os.path.abspath(state), "web")
    for d in world.domains:
        p = plan[d.name]
        if d["dane_web"] not in ("ee", "ta") or d["dns"] != "ok" or d["inline"]:
            continue
        if d["dane_web"] == "ee":
            rdata = "3 1 1 " + spki_sha256(os.path.join(web, "keys", d["key"] + ".key"))
        else:
            issuer = webgen.leaf_spec(d)["issuer"]
            rdata = "2 0 1 " + cert_sha256(os.path.join(web, "ca", issuer + ".pem"))
        records.setdefault(d.name, []).append(["_443._tcp." + p.web_host, "TLSA", rdata])


def generate(world, plan, state, T):
    g = MailGen(state, T)
    os.makedirs(g.path(), exist_ok=True)
    records = {}
    instances = []
    hosts = {}
    for name in world.mailhosts:
        addrs = _postfix_instance(g, world, plan, name, records)
        mp = plan.mailhosts[name]
        hosts[name] = {"v4": mp.v4, "v6": mp.v6, "zone": mp.zone,
                       "dir": g.path(name), "listening": addrs is not None}
        if addrs is not None:
            instances.append("%s %s" % (name, " ".join(addrs)))
    _mtasts(g, world, plan, state, records)
    _web_tlsa(world, plan, state, records)
    with open(g.path("records.json"), "w") as f:
        json.dump(records, f, indent=1, sort_keys=True)
    with open(g.path("hosts.json"), "w") as f:
        json.dump({"time": T, "ca_file": os.path.join(os.path.abspath(state), "web", "ca.pem"),
                   "hosts": hosts}, f, indent=1, sort_keys=True)
    with open(g.path("instances"), "w") as f:
        f.write("".join(line + "\n" for line in instances))
    with open(g.path("resolv.conf"), "w") as f:
        f.write("nameserver %s\noptions trust-ad\n" % planmod.RESOLVER_V4)
    # posttls-finger reads a main.cf (MAIL_CONFIG=STATE/mail/finger): DNSSEC
    # lookups, so that it applies DANE where the TLSA RRset is secure.
    os.makedirs(g.path("finger"), exist_ok=True)
    with open(g.path("finger", "main.cf"), "w") as f:
        f.write("compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n"
                "smtp_tls_loglevel = 1\n")
    with open(g.path("start.sh"), "w") as f:
        f.write(START_SH % {"mtasts": planmod.MTASTS_V4})
    os.chmod(g.path("start.sh"), 0o755)


if __name__ == "__main__":
    # Debug aid: print the mail truth of a world.  mailgen.py WORLD
    import sys
    import world as worldmod
    w = worldmod.parse(sys.argv[1])
    for n, r in truth(w, planmod.Plan(w), 0).items():
        print(json.dumps(dict(domain=n, **r), sort_keys=True))
