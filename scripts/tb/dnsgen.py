"""DNS of the simulated Internet: zones, keys, signatures, NSD and Unbound.

Three NSD instances give the resolver real referrals: the root (192.0.2.1),
every TLD (192.0.2.2) and every leaf zone (192.0.2.3).  Unbound (192.0.2.53)
is rooted at our root with its DS as trust anchor.  Keys are made with
ldns-keygen, zones signed with ldns-signzone; the broken cases are made by
signing with bad dates or by editing the signed zone afterwards.

RSA keys are slow to make, so RSA key pairs come from a small pool reused
across zones (the DNSKEY owner is the zone; the key tag depends on the key
material only).  ECDSA and Ed25519 keys are made per zone.
"""

import base64
import glob
import hashlib
import os
import shutil
import subprocess

import dmarctruth
import operatortruth
import plan as planmod
import serverstruth
import spftruth
from world import ALG_NAMES
import world as worldmod

DAY = 86400
RSA_POOL = 3
TLSA_DATA = "3 1 1 " + hashlib.sha256(b"uptake testbed tlsa").hexdigest()


def _ts(t):
    import time
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


def _run(args, cwd=None):
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("testbed: %s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def _txt(value):
    """A TXT RDATA in zone-file syntax: split into <=255-byte strings."""
    raw = value.encode("utf-8")
    parts = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
    out = []
    for p in parts:
        s = p.decode("utf-8", "replace").replace("\\", "\\\\").replace('"', '\\"')
        out.append('"%s"' % s)
    return " ".join(out)


def _dnskey_fields(rdata):
    """flags, protocol, algorithm and key bytes of DNSKEY RDATA text."""
    f = rdata.split()
    return int(f[0]), int(f[1]), int(f[2]), base64.b64decode("".join(f[3:]))


def _keytag(flags, proto, alg, key):
    """The key tag of RFC 4034, appendix B (every algorithm but RSA/MD5)."""
    wire = bytes([flags >> 8, flags & 0xFF, proto, alg]) + key
    ac = 0
    for i, b in enumerate(wire):
        ac += b if i & 1 else b << 8
    ac += (ac >> 16) & 0xFFFF
    return ac & 0xFFFF


def signzone_pairs(rdata, ksk, ksk_tags):
    """Whether ldns-signzone will pair this key with its own DNSKEY (RDATA
    text): a KSK's tag must be the tag with ZSK flags plus one, as plain
    integers; a ZSK's tag, and that plus one, must be no KSK's tag
    (ksk_tags) in the zone.  See Keys._make."""
    _, proto, alg, key = _dnskey_fields(rdata)
    t256 = _keytag(256, proto, alg, key)
    if ksk:
        return _keytag(257, proto, alg, key) == t256 + 1
    return t256 not in ksk_tags and t256 + 1 not in ksk_tags


class Keys:
    """Key pairs for zones: per zone for fast algorithms, pooled for RSA."""

    def __init__(self, keydir):
        self.dir = keydir
        os.makedirs(keydir, exist_ok=True)
        self.pool = {}
        self.count = 0
        self.ksk_tags = set()

    def _make(self, alg, ksk):
        """A key pair that ldns-signzone will pair with its DNSKEY.

        ldns-signzone finds a key's DNSKEY in the zone by the key tag it
        computes with ZSK flags (256), or that tag plus one for a KSK (257),
        as plain integers.  One KSK in ~32,000 has a tag that wraps or
        carries instead (ZSK tag 65535 -> KSK tag 0, or a carry that adds
        two); ldns-signzone then falls back to the .key file, whose owner is
        not the zone, and fails ("has wrong name").  A ZSK whose tag, or tag
        plus one, equals a KSK's would be paired with the KSK's DNSKEY.
        Such keys are made again: rare, and the world stays buildable."""
        while True:
            k = self._make_once(alg, ksk)
            if signzone_pairs(k["rdata"], ksk, self.ksk_tags):
                if ksk:
                    self.ksk_tags.add(_keytag(*_dnskey_fields(k["rdata"])))
                return k
            for ext in (".key", ".private"):
                try:
                    os.unlink(k["base"] + ext)
                except OSError:
                    pass

    def _make_once(self, alg, ksk):
        self.count += 1
        owner = "k%d.pool" % self.count
        args = ["ldns-keygen", "-a", ALG_NAMES[alg]]
        if alg == "8":
            args += ["-b", "2048" if ksk else "1024"]
        if ksk:
            args.append("-k")
        args.append(owner)
        base = _run(args, cwd=self.dir).strip()
        for ext in (".ds",):
            try:
                os.unlink(os.path.join(self.dir, base + ext))
            except OSError:
                pass
        path = os.path.join(self.dir, base)
        with open(path + ".key") as f:
            rr = f.read().split(";")[0].split()
        # rr: owner IN DNSKEY flags proto alg key...
        idx = rr.index("DNSKEY")
        return {"base": path, "rdata": " ".join(rr[idx + 1:])}

    def get(self, alg, ksk, zone_index):
        if alg != "8":
            return self._make(alg, ksk)
        lst = self.pool.setdefault((alg, ksk), [])
        if len(lst) < RSA_POOL:
            lst.append(self._make(alg, ksk))
            return lst[-1]
        return lst[zone_index % RSA_POOL]


class Zone:
    def __init__(self, origin, sign, denial, iterations, optout=False):
        self.origin = origin              # "" for the root
        self.sign = sign                  # "none" or algorithm number string
        self.denial = denial
        self.iterations = iterations
        self.optout = optout              # NSEC3 opt-out (ldns-signzone -p)
        self.records = []
        self.ksk = self.zsk = None

    @property
    def fqdn(self):
        return self.origin + "." if self.origin else "."

    def add(self, owner, rtype, rdata, ttl=3600):
        self.records.append("%s %d IN %s %s" % (owner if owner.endswith(".") else owner + ".",
                                                  ttl, rtype, rdata))

    def filename(self):
        return (self.origin or "root") + ".zone"


def _soa(zone, mname):
    zone.add(zone.fqdn, "SOA", "%s. hostmaster.%s 1 3600 600 86400 300" %
             (mname, zone.fqdn if zone.origin else "root."), ttl=3600)


def _ds_records(owner, key, digests):
    """DS RRs for a KSK, computed with ldns-key2ds (one call per digest)."""
    tmp = key["base"] + ".%s.dskey" % owner
    with open(tmp, "w") as f:
        f.write("%s. 3600 IN DNSKEY %s\n" % (owner, key["rdata"]))
    out = []
    flag = {1: "-1", 2: "-2", 4: "-4"}
    for d in digests:
        line = _run(["ldns-key2ds", "-n", flag[d], tmp])
        rr = line.split()
        out.append(" ".join(rr[rr.index("DS") + 1:]))
    os.unlink(tmp)
    return out


def _sign(zone, zdir, T, inception=None, expiration=None):
    path = os.path.join(zdir, zone.filename())
    with open(path, "w") as f:
        f.write("$TTL 3600\n")
        f.write("\n".join(zone.records) + "\n")
        if zone.sign != "none":
            f.write("%s 3600 IN DNSKEY %s\n" % (zone.fqdn, zone.ksk["rdata"]))
            f.write("%s 3600 IN DNSKEY %s\n" % (zone.fqdn, zone.zsk["rdata"]))
    if zone.sign == "none":
        return path
    inc = inception if inception is not None else T - 7 * DAY
    exp = expiration if expiration is not None else T + 30 * DAY
    args = ["ldns-signzone", "-o", zone.fqdn, "-i", _ts(inc), "-e", _ts(exp),
            "-f", path + ".signed"]
    if zone.denial == "nsec3":
        args += ["-n", "-t", str(zone.iterations)]
        if zone.optout:
            args.append("-p")
    args += [path, zone.ksk["base"], zone.zsk["base"]]
    _run(args)
    return path + ".signed"


def _edit_signed(path, zone_name, host, how):
    """Break a signed zone after signing: drop the DNSKEY RRset, or drop or
    corrupt the RRSIGs over the host's A and AAAA."""
    with open(path) as f:
        lines = f.read().splitlines()
    out = []
    host_fqdn = host + "."
    for line in lines:
        f = line.split()
        if len(f) >= 5 and f[3] in ("DNSKEY",) and how == "dnskey_missing":
            continue
        if len(f) >= 5 and f[3] == "RRSIG" and f[4] == "DNSKEY" and how == "dnskey_missing":
            continue
        if len(f) >= 13 and f[3] == "RRSIG" and f[0] == host_fqdn and f[4] in ("A", "AAAA"):
            if how == "rrsig_missing":
                continue
            if how == "sig_corrupt":
                sig = bytearray(base64.b64decode("".join(f[12:])))
                sig[len(sig) // 2] ^= 0x5a
                f = f[:12] + [base64.b64encode(bytes(sig)).decode()]
                line = "\t".join(f)
        out.append(line)
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")


def _nsd_conf(ddir, name, v4, v6, zones, state, extra=()):
    """NSD listening on v4, v6 (either None) and the extra addresses (the
    servers world's nshost lines), serving zones."""
    os.makedirs(os.path.join(ddir, "xfr"), exist_ok=True)
    conf = ["server:"] + ["  ip-address: %s" % a for a in [v4, v6] + list(extra) if a] + [
        "  port: 53",
        "  server-count: 2" if name in ("leaf", "tld") else "  server-count: 1",
        "  username: \"\"",
        "  chroot: \"\"",
        "  zonesdir: \"%s\"" % ddir,
        "  pidfile: \"%s/run/nsd-%s.pid\"" % (state, name),
        "  logfile: \"%s/nsd.log\"" % ddir,
        "  database: \"\"",
        "  zonelistfile: \"%s/zone.list\"" % ddir,
        "  xfrdfile: \"%s/xfrd.state\"" % ddir,
        "  xfrdir: \"%s/xfr\"" % ddir,
        "  verbosity: 1",
        "  hide-version: yes",
        "  refuse-any: no",
        "  reuseport: yes",
        "  tcp-count: 512",
        "  rrl-ratelimit: 0",
        "  rrl-whitelist-ratelimit: 0",
        "remote-control:",
        "  control-enable: no",
    ]
    for origin, zfile in zones:
        conf += ["zone:", "  name: \"%s\"" % (origin or "."), "  zonefile: \"%s\"" % zfile]
    with open(os.path.join(ddir, "nsd.conf"), "w") as f:
        f.write("\n".join(conf) + "\n")


# Unbound's infrastructure settings for worlds with silent name servers
# (lame=silent).  By default Unbound waits 376 ms for an unknown server and
# doubles the wait on each timeout up to infra-cache-max-rtt (2 minutes),
# and keys its host cache by (address, zone), so every silent child costs
# probes of its own: measured here, the apex query of a silent child was
# answered SERVFAIL after 2.4-4.7 s, beyond the crawler's per-query timeout
# (2 s), and the row would say timeout or servfail depending on timing.
# With an unknown server given 200 ms and the wait capped at 400 ms (a
# server whose wait reaches the cap counts as down), SERVFAIL comes after
# about 1 s (measured 0.98-1.12 s for children with one to three NS names,
# IPv4 and IPv6 glue each): inside one crawler query timeout.  Answers
# inside the namespace take well under a millisecond, so no live server is
# mistaken for down.  outbound-msg-retry stays at its default (5): with 1,
# Unbound gave up on the leaf server for a zone served without its DNSKEY
# (it retries other servers on DNSSEC-stripped answers) and answered
# SERVFAIL to CD queries too.
UNBOUND_SILENT_TUNING = """  unknown-server-time-limit: 200
  infra-cache-max-rtt: 400
"""


def _log_queries():
    """UPTAKE_TESTBED_LOG_QUERIES=1: Unbound logs every query it receives
    (the crawler's), so that a test can count the queries for a name
    (tests/spf/crawl_spfbench.py); off by default: a log line per query."""
    return "  log-queries: yes\n" if os.environ.get("UPTAKE_TESTBED_LOG_QUERIES") == "1" else ""


# Unbound's caches sized for a crawl of n domains, so that a second crawl
# of the list (the benchmarks' warm runs) is answered from the cache
# (docs/operations.md "Sizing the resolver", measured by
# scripts/bench-resolver): bytes of message and RRset cache per domain
# that the default probe set leaves in Unbound after one crawl of a bench
# world, twice that for the slabs' uneven fill and real domains' bigger
# answers, never below the floor that the tests' small worlds have always
# had, and never above a ceiling that keeps a million-domain bench world
# (BENCH_MEMORY_LONG) from taking the host's memory (Unbound allocates only
# what it fills, up to the size).
# Measured at 10,000 domains, 256 MiB caches, `--probes all`: 63,095,082
# bytes of message cache (20.4 messages per domain) and 36,783,688 of RRset
# cache (8.6 RRsets per domain) after one crawl.
UNBOUND_MSG_BYTES_PER_DOMAIN = 6310
UNBOUND_RRSET_BYTES_PER_DOMAIN = 3679
UNBOUND_CACHE_HEADROOM = 2
UNBOUND_CACHE_FLOOR_MB = 32
UNBOUND_CACHE_CEIL_MB = 4096
# The key cache holds a DNSKEY RRset per signed zone that Unbound
# validated: 4 in a bench world (root and its TLDs), so it does not grow
# with n; 16 MiB is what the testbed has always given it.
UNBOUND_KEY_CACHE_FLOOR_MB = 16


def unbound_cache_sizes(n):
    """{"msg", "rrset", "key"}: unbound.conf sizes for a world of n domains."""
    def mb(per_domain, floor):
        need = n * per_domain * UNBOUND_CACHE_HEADROOM
        return "%dm" % min(UNBOUND_CACHE_CEIL_MB, max(floor, -(-need // (1 << 20))))
    return {"msg": mb(UNBOUND_MSG_BYTES_PER_DOMAIN, UNBOUND_CACHE_FLOOR_MB),
            "rrset": mb(UNBOUND_RRSET_BYTES_PER_DOMAIN, UNBOUND_CACHE_FLOOR_MB),
            "key": "%dm" % UNBOUND_KEY_CACHE_FLOOR_MB}


def _unbound_conf(udir, state, root_ds, ndomains, T, tuning=""):
    with open(os.path.join(udir, "root.hints"), "w") as f:
        f.write(". 3600000 NS %s.\n" % planmod.ROOT_NS)
        f.write("%s. 3600000 A %s\n" % (planmod.ROOT_NS, planmod.ROOT_V4))
        f.write("%s. 3600000 AAAA %s\n" % (planmod.ROOT_NS, planmod.ROOT_V6))
    with open(os.path.join(udir, "root.key"), "w") as f:
        for ds in root_ds:
            f.write(". 3600 IN DS %s\n" % ds)
    cache = unbound_cache_sizes(ndomains)
    conf = """server:
  interface: {v4}
  interface: {v6}
  interface: 127.0.0.1
  port: 53
  access-control: 0.0.0.0/0 allow
  access-control: ::/0 allow
  do-ip4: yes
  do-ip6: yes
  do-udp: yes
  do-tcp: yes
  username: ""
  chroot: ""
  directory: "{udir}"
  pidfile: "{state}/run/unbound.pid"
  logfile: "{udir}/unbound.log"
  use-syslog: no
  verbosity: 1
  log-servfail: yes
  val-log-level: 2
  ede: yes
  root-hints: "{udir}/root.hints"
  trust-anchor-file: "{udir}/root.key"
  module-config: "validator iterator"
  num-threads: 2
  so-reuseport: yes
  num-queries-per-thread: 4096
  so-rcvbuf: 4m
  so-sndbuf: 4m
  outgoing-range: 8192
  msg-cache-size: {cache[msg]}
  rrset-cache-size: {cache[rrset]}
  key-cache-size: {cache[key]}
  neg-cache-size: 16m
  qname-minimisation: yes
  harden-dnssec-stripped: yes
  aggressive-nsec: no
  # RRsets in the zone's order, not shuffled (Unbound's default since
  # 1.17): a host with two A or AAAA (scripts/tb/webv6.py) has a first
  # address, the truth's web_ipv4 / web_ipv6
  rrset-roundrobin: no
  prefetch: no
  unwanted-reply-threshold: 0
  wait-limit: 0
  discard-timeout: 0
  do-not-query-localhost: yes
  val-bogus-ttl: 5
  # Validate at the world time T, as the crawler does (--validation-time
  # STATE/world.time), not at the wall clock: a world built months back
  # (UPTAKE_WORLD_TIME, the demo's first crawl) has signatures that
  # expired since, and its root SOA would be bogus to an Unbound at now.
  val-override-date: "{vdate}"
  serve-expired: no
{tuning}remote-control:
  control-enable: no
""".format(v4=planmod.RESOLVER_V4, v6=planmod.RESOLVER_V6, udir=udir, state=state, cache=cache,
           vdate=_ts(T), tuning=tuning + _log_queries())
    with open(os.path.join(udir, "unbound.conf"), "w") as f:
        f.write(conf)


START_SH = r"""#!/usr/bin/env bash
# Start the DNS of the world: three NSD instances, then Unbound.  Run inside
# the namespace by scripts/testbed with the state directory as $1.
set -euo pipefail
S=$1
D=$S/dns
mkdir -p "$S/run"
for n in root tld leaf refuser; do
	[ -f "$D/$n/nsd.conf" ] || continue	# refuser: nshost lame=refused only
	nsd-checkconf "$D/$n/nsd.conf" || { echo "dns: bad nsd.conf for $n" >&2; exit 1; }
	nsd -c "$D/$n/nsd.conf" || { echo "dns: nsd $n failed to start:" >&2; tail -5 "$D/$n/nsd.log" >&2; exit 1; }
done
unbound-checkconf "$D/unbound/unbound.conf" >/dev/null || { unbound-checkconf "$D/unbound/unbound.conf" >&2; exit 1; }
unbound -c "$D/unbound/unbound.conf" || { echo "dns: unbound failed:" >&2; tail -5 "$D/unbound/unbound.log" >&2; exit 1; }
if [ -f "$D/silent.args" ]; then
	# lame=silent: a responder that reads every query and never answers.
	# shellcheck disable=SC2046
	setsid python3 "$D/silent.py" --pidfile "$S/run/silent-ns.pid" $(cat "$D/silent.args") \
		</dev/null >>"$D/silent.log" 2>&1 &
	for i in $(seq 1 50); do [ -s "$S/run/silent-ns.pid" ] && break; sleep 0.1; done
	[ -s "$S/run/silent-ns.pid" ] || { echo "dns: silent responder did not start:" >&2; tail -5 "$D/silent.log" >&2; exit 1; }
fi
# Ready when every server answers for its own zone.
ok=0
for i in $(seq 1 150); do
	if dig +time=1 +tries=1 +norec @192.0.2.1 . SOA >/dev/null 2>&1 &&
	   dig +time=1 +tries=1 +norec @192.0.2.2 net SOA >/dev/null 2>&1 &&
	   dig +time=1 +tries=1 @192.0.2.53 . SOA | grep -q 'status: NOERROR'; then
		ok=1; break
	fi
	sleep 0.2
done
if [ "$ok" != 1 ]; then
	echo "dns: servers did not answer in time" >&2
	tail -5 "$D"/*/nsd.log "$D/unbound/unbound.log" >&2 || true
	exit 1
fi
"""


def _host_records(z, d, p, T):
    """The records of a domain's names other than its NS: web addresses,
    mail, policy TXT records, TLSA, CAA, HTTPS."""
    cname_web = p.cname_target is not None and p.web_host != d.name
    if p.cname_target is not None:
        z.add("www." + d.name, "CNAME", p.cname_target + ".")
    for a in p.web_v4_all if not cname_web else []:
        z.add(p.web_host, "A", a)
    for a in p.web_v6_all if not cname_web else []:
        z.add(p.web_host, "AAAA", a)
    for k, mx in enumerate(p.mx_hosts, 1):
        z.add(d.name, "MX", "%d %s." % (10 * k, mx))
        if not p.mx_in_zone:
            continue            # a provider's host (mxp=): its records are there
        z.add(mx, "A", p.mx_v4)
        if d["mx6"] == "yes":
            z.add(mx, "AAAA", p.mx_v6)
        if d["dane_mx"] == "yes":
            z.add("_25._tcp." + mx, "TLSA", TLSA_DATA)
    if d["spf"] is not None:
        z.add(d.name, "TXT", _txt(d["spf"]))
    if d["dmarc"] is not None:
        z.add("_dmarc." + d.name, "TXT", _txt(d["dmarc"]))
    if d["mtasts"] == "yes":
        z.add("_mta-sts." + d.name, "TXT", _txt("v=STSv1; id=%d" % T))
    if d["tlsrpt"] == "yes":
        rua = d.get("tlsrpt_rua") or "mailto:tlsrpt@%s" % d.name
        z.add("_smtp._tls." + d.name, "TXT", _txt("v=TLSRPTv1; rua=%s" % rua))
    # dane_web=ee|ta: the record matches the served chain; it is made by
    # scripts/tb/mailgen.py from the certificates (STATE/mail/records.json).
    if d["dane_web"] == "yes":
        z.add("_443._tcp." + p.web_host, "TLSA", TLSA_DATA)
    if d["caa"] == "yes":
        z.add(d.name, "CAA", '0 issue "ca.uptake.test"')
    if d["https_rr"] == "yes":
        z.add(p.web_host, "HTTPS", '1 . alpn="h2,http/1.1"')


def _extra_records(state):
    """{zone: [[owner, type, rdata]]}: the records scripts/tb/mailgen.py
    (which runs first) puts into zones: its mail hosts' addresses and TLSA,
    the MTA-STS hosts, TLSA made from certificates."""
    path = os.path.join(state, "mail", "records.json")
    if not os.path.exists(path):
        return {}
    import json
    with open(path) as f:
        return json.load(f)


def generate(world, plan, state, T):
    extra = _extra_records(state)
    for owner, rtype, rdata, _where in world.records:
        zone = worldmod.record_zone(world, owner)
        if rtype == "TXT":
            rdata = _txt(rdata)     # the text value, split as the zone needs
        extra.setdefault(zone, []).append([owner, rtype, rdata])
    ddir = os.path.join(state, "dns")
    if os.path.exists(ddir):
        shutil.rmtree(ddir)
    for sub in ("root", "tld", "leaf", "unbound", "keys"):
        os.makedirs(os.path.join(ddir, sub))
    keys = Keys(os.path.join(ddir, "keys"))

    # Leaf zones first (their DS goes into the TLDs), then TLDs, then root.
    leaf_files = []
    ds_for = {}           # child fqdn-less name -> [DS rdata]
    tld_children = {t: [] for t in world.tlds}
    inline_records = {t: [] for t in world.tlds}
    in_records = {}       # in=PARENT: the names whose records PARENT's zone holds
    for d in world.domains:
        if d["in"] is not None:
            in_records.setdefault(d["in"], []).append(d)
    for i, d in enumerate(world.domains):
        p = plan[d.name]
        tld = d.name.rsplit(".", 1)[-1]
        if d["dns"] == "nxdomain":
            continue
        tld_children[tld].append(d)
        if d["dns"] != "ok":
            if d["lame"] is not None and d["sign"] != "none":
                # A lame delegation's DS is made from a real key: the parent
                # publishes it whatever the child's servers do.
                ksk = keys.get(d["sign"], True, i)
                if d["ds"] == "yes":
                    ds_for[d.name] = _ds_records(d.name, ksk, d["digest"])
                elif d["ds"] == "mismatch":
                    ds_for[d.name] = _ds_records(d.name, keys.get("13", True, i), d["digest"])
            continue
        if d["inline"]:
            if d["in"] is None:
                inline_records[tld].append(d)
            continue
        z = Zone(d.name, d["sign"], d["denial"], d["iterations"])
        _soa(z, p.ns_hosts[0])
        for h in p.ns_hosts:
            z.add(d.name, "NS", h + ".")
            if not p.ns_in_bailiwick:
                continue        # a provider's host (nsp=): its records are there
            z.add(h, "A", planmod.LEAF_V4)
            if d["ns6"] == "yes":
                z.add(h, "AAAA", planmod.LEAF_V6)
        _host_records(z, d, p, T)
        for sub in in_records.get(d.name, []):
            _host_records(z, sub, plan[sub.name], T)
        for owner, rtype, rdata in extra.get(d.name, []):
            z.add(owner, rtype, rdata)
        if d["sign"] != "none":
            z.ksk = keys.get(d["sign"], True, i)
            z.zsk = keys.get(d["sign"], False, i)
            if d["ds"] == "yes":
                ds_for[d.name] = _ds_records(d.name, z.ksk, d["digest"])
            elif d["ds"] == "mismatch":
                other = keys.get("13", True, i)
                ds_for[d.name] = _ds_records(d.name, other, d["digest"])
        inc = exp = None
        # Far enough from T that no validator's clock skew allowance (Unbound:
        # 10% of the validity period, at most a day) makes them valid.
        if d["break"] == "expired":
            inc, exp = T - 40 * DAY, T - 7 * DAY
        elif d["break"] == "notyet":
            inc, exp = T + 7 * DAY, T + 40 * DAY
        path = _sign(z, os.path.join(ddir, "leaf"), T, inc, exp)
        if d["break"] in ("dnskey_missing", "rrsig_missing", "sig_corrupt"):
            _edit_signed(path, d.name, p.web_host, d["break"])
        leaf_files.append((d.name, path))

    # Provider zones (not listed): name servers, mail hosts, a web host.
    tld_providers = {t: [] for t in world.tlds}
    for k, (pname, pv) in enumerate(sorted(world.providers.items())):
        pp = plan.providers[pname]
        tld_providers[pname.rsplit(".", 1)[-1]].append(pv)
        z = Zone(pname, pv["sign"], pv["denial"], pv["iterations"])
        _soa(z, pp.ns_hosts[0])
        for h in pp.ns_hosts[:2]:
            z.add(pname, "NS", h + ".")
        for h in pp.ns_hosts:
            z.add(h, "A", planmod.LEAF_V4)
            z.add(h, "AAAA", planmod.LEAF_V6)
        for h in pp.mx_hosts:
            if h in world.mailhosts:
                continue        # a mailhost line of that name: its records are mailgen's
            z.add(h, "A", pp.mx_v4)
            z.add(h, "AAAA", pp.mx_v6)
            if pv["dane"] == "yes":
                z.add("_25._tcp." + h, "TLSA", TLSA_DATA)
        for nh in plan.nshosts.values():
            if nh.zone == pname:    # an nshost line (servers world)
                z.add(nh.name, "A", nh.v4)
                if nh.v6:
                    z.add(nh.name, "AAAA", nh.v6)
        if pp.web_v4:
            z.add(pp.web_host, "A", pp.web_v4)
            z.add(pp.web_host, "AAAA", pp.web_v6)
        for owner, rtype, rdata in extra.get(pname, []):
            z.add(owner, rtype, rdata)
        if pv["sign"] != "none":
            idx = len(world.domains) + k
            z.ksk = keys.get(pv["sign"], True, idx)
            z.zsk = keys.get(pv["sign"], False, idx)
            if pv["ds"] == "yes":
                ds_for[pname] = _ds_records(pname, z.ksk, [2])
        leaf_files.append((pname, _sign(z, os.path.join(ddir, "leaf"), T)))

    tld_files = []
    tld_ds = {}
    for ti, (tname, t) in enumerate(sorted(world.tlds.items())):
        z = Zone(tname, t["sign"], t["denial"], t["iterations"], optout=t["optout"] == "yes")
        nic = "ns1.nic." + tname
        _soa(z, nic)
        z.add(tname, "NS", nic + ".")
        z.add(nic, "A", planmod.TLD_V4)
        z.add(nic, "AAAA", planmod.TLD_V6)
        if tname == "net":
            z.add(planmod.ROOT_NS, "A", planmod.ROOT_V4)
            z.add(planmod.ROOT_NS, "AAAA", planmod.ROOT_V6)
        for d in inline_records[tname]:
            _host_records(z, d, plan[d.name], T)
        for d in tld_children[tname]:
            if d["inline"]:
                continue
            p = plan[d.name]
            for h in p.ns_hosts:
                z.add(d.name, "NS", h + ".")
                if not p.ns_in_bailiwick or p.glue is None:
                    continue    # a provider's host, or lame=noglue
                z.add(h, "A", p.glue[0])
                if d["ns6"] == "yes":
                    z.add(h, "AAAA", p.glue[1])
            for ds in ds_for.get(d.name, []):
                z.add(d.name, "DS", ds)
        for pv in tld_providers[tname]:
            pp = plan.providers[pv.name]
            for h in pp.ns_hosts[:2]:
                z.add(pv.name, "NS", h + ".")
                z.add(h, "A", planmod.LEAF_V4)
                z.add(h, "AAAA", planmod.LEAF_V6)
            for ds in ds_for.get(pv.name, []):
                z.add(pv.name, "DS", ds)
        if t["sign"] != "none":
            z.ksk = keys.get(t["sign"], True, ti)
            z.zsk = keys.get(t["sign"], False, ti)
            if t["ds"] == "yes":
                tld_ds[tname] = _ds_records(tname, z.ksk, [2])
        tld_files.append((tname, _sign(z, os.path.join(ddir, "tld"), T)))

    r = world.root
    z = Zone("", r["sign"], r["denial"], 0)
    _soa(z, planmod.ROOT_NS)
    z.add(".", "NS", planmod.ROOT_NS + ".")
    z.add(planmod.ROOT_NS, "A", planmod.ROOT_V4)
    z.add(planmod.ROOT_NS, "AAAA", planmod.ROOT_V6)
    for tname in sorted(world.tlds):
        nic = "ns1.nic." + tname
        z.add(tname, "NS", nic + ".")
        z.add(nic, "A", planmod.TLD_V4)
        z.add(nic, "AAAA", planmod.TLD_V6)
        for ds in tld_ds.get(tname, []):
            z.add(tname, "DS", ds)
    z.ksk = keys.get(r["sign"], True, 0)
    z.zsk = keys.get(r["sign"], False, 0)
    root_ds = _ds_records("", z.ksk, [2])
    root_file = _sign(z, os.path.join(ddir, "root"), T)

    _nsd_conf(os.path.join(ddir, "root"), "root", planmod.ROOT_V4, planmod.ROOT_V6,
              [("", root_file)], state)
    _nsd_conf(os.path.join(ddir, "tld"), "tld", planmod.TLD_V4, planmod.TLD_V6, tld_files, state)
    _nsd_conf(os.path.join(ddir, "leaf"), "leaf", planmod.LEAF_V4, planmod.LEAF_V6, leaf_files, state,
              [a for nh in plan.nshosts.values() for a in nh.by_kind("leaf")])
    refusing = [a for nh in plan.nshosts.values() for a in nh.by_kind("refuser")]
    if refusing:
        # nshost lame=refused: an NSD that serves no zone answers REFUSED.
        _nsd_conf(os.path.join(ddir, "refuser"), "refuser", None, None, [], state, refusing)
    _unbound_conf(os.path.join(ddir, "unbound"), state, root_ds, len(world.domains), T,
                  UNBOUND_SILENT_TUNING if plan.has_silent else "")
    if plan.has_silent:
        shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "silent.py"),
                    os.path.join(ddir, "silent.py"))
        with open(os.path.join(ddir, "silent.args"), "w") as f:
            f.write("udp:%s:53 tcp:%s:53 udp:[%s]:53 tcp:[%s]:53\n" % (
                planmod.SILENT_V4, planmod.SILENT_V4, planmod.SILENT_V6, planmod.SILENT_V6))
            for a in (a for nh in plan.nshosts.values() for a in nh.by_kind("silent")):
                f.write("udp:%s:53 tcp:%s:53\n" % ((a, a) if ":" not in a else
                                                   ("[%s]" % a, "[%s]" % a)))
    # The trust anchor the crawler is given (--trust-anchor): the root DS.
    shutil.copy(os.path.join(ddir, "unbound", "root.key"), os.path.join(state, "root.key"))
    with open(os.path.join(ddir, "start.sh"), "w") as f:
        f.write(START_SH)
    for tmp in glob.glob(os.path.join(ddir, "keys", "*.dskey")):
        os.unlink(tmp)


# --- ground truth ------------------------------------------------------------

SPF_MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")


def spf_truth(value):
    """The 'all' qualifier of an SPF record (RFC 7208): absent when there is
    no v=spf1 record; invalid on an unknown mechanism; none without 'all'."""
    if value is None:
        return "absent"
    terms = value.split()
    if not terms or terms[0].lower() != "v=spf1":
        return "absent"
    result = "none"
    for term in terms[1:]:
        t = term.lower()
        q = "+"
        if t[0] in "+-~?":
            q, t = t[0], t[1:]
        name = t
        for sep in (":", "/"):
            name = name.split(sep, 1)[0]
        if "=" in name:             # a modifier (redirect=, exp=, unknown=)
            if q != "+" or term[0] in "+-~?":
                return "invalid"
            continue
        if name not in SPF_MECHANISMS:
            return "invalid"
        if name == "all":
            result = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}[q]
    return result


def dmarc_truth(value):
    """The p= policy of a DMARC record (RFC 7489): absent, none, quarantine,
    reject, or invalid (no or unknown p=, or v=DMARC1 not first)."""
    if value is None:
        return "absent"
    tags = [t.strip() for t in value.split(";")]
    if not tags or tags[0].replace(" ", "") != "v=DMARC1":
        return "absent"
    for t in tags[1:]:
        if "=" not in t:
            continue
        k, v = (x.strip() for x in t.split("=", 1))
        if k.lower() == "p":
            v = v.lower()
            return v if v in ("none", "quarantine", "reject") else "invalid"
    return "invalid"


DNS_COLUMNS = ("dns_status", "ns_count", "a_count", "aaaa_count", "mx_count",
               "web_ipv4", "web_ipv6", "ipv6_web", "ipv6_ns", "ipv6_mx", "caa",
               "https_rr", "dnssec_status", "dnssec_reason", "ds_present",
               "dnskey_algorithms", "ds_digest_types", "denial",
               "nsec3_iterations", "signer_zone", "spf", "dmarc", "mta_sts",
               "tlsrpt", "dane_mx", "dane_web")

BREAK_REASON = {
    "expired": "rrsig_expired",
    "notyet": "rrsig_not_yet_valid",
    "dnskey_missing": "dnskey_missing",
    "rrsig_missing": "rrsig_missing",
    "sig_corrupt": "signature_invalid",
}


def dnssec_truth(world, d):
    """(status, reason) for the probed host's addresses: the chain of trust
    from the root's DS, through the TLD, to the leaf zone."""
    tld = world.tlds[d.name.rsplit(".", 1)[-1]]
    if tld["sign"] == "none" or tld["ds"] == "no":
        return "insecure", "no_ds"
    if d["in"] is not None:
        return dnssec_truth(world, world.by_name[d["in"]])
    if d["inline"]:
        return "secure", None
    if d["sign"] == "none" or d["ds"] == "no":
        return "insecure", "no_ds"
    if d["ds"] == "mismatch":
        return "bogus", "ds_mismatch"
    if d["break"] != "none":
        return "bogus", BREAK_REASON[d["break"]]
    return "secure", None


def tld_secure(world, tname):
    t = world.tlds[tname]
    return t["sign"] != "none" and t["ds"] == "yes"


def provider_truth(world, pv):
    """(status, reason) of a provider zone's answers (a chain of trust from
    the root through the provider's TLD)."""
    if not tld_secure(world, pv.name.rsplit(".", 1)[-1]):
        return "insecure", "no_ds"
    if pv["sign"] == "none" or pv["ds"] != "yes":
        return "insecure", "no_ds"
    return "secure", None


# The order in which a chain's verdicts combine (docs/dnssec.md: the worst
# RRset of the answer decides; among equals the first, closest to the name).
VERDICT_RANK = {"secure": 0, "insecure": 1, "indeterminate": 2, "bogus": 3}


def lame_truth(world, d):
    """The parent-side facts of a lame delegation (dns=servfail), from what
    the parent zone file holds (docs/dnssec.md, "What the parent says"):
    the DS RRset, and the verdict that follows from it.  No DS (its absence
    proven by a signed parent, or any insecure link above): insecure /
    no_ds; a DS under a secure parent with the child's keys unobtainable:
    indeterminate / no_response.  The child's own-zone columns stay null.
    Only lame= delegations get a DS (from a real key, ds= and digest= as
    for any zone); a plain dns=servfail one (the core world's lame.de)
    has none."""
    has_ds = d["lame"] is not None and d["sign"] != "none" and d["ds"] in ("yes", "mismatch")
    if not has_ds or not tld_secure(world, d.name.rsplit(".", 1)[-1]):
        status, reason = "insecure", "no_ds"
    else:
        status, reason = "indeterminate", "no_response"
    return {
        "ds_present": has_ds,
        "ds_digest_types": ",".join(str(x) for x in d["digest"]) if has_ds else None,
        "dnssec_status": status,
        "dnssec_reason": reason,
    }


def zone_status(world, zone):
    """The verdict on answers from a served zone of the world: a listed
    domain's own zone or a provider's."""
    if zone in world.providers:
        return provider_truth(world, world.providers[zone])[0]
    return dnssec_truth(world, world.by_name[zone])[0]


def _dane_mx(world, d, mxp, own_status):
    """A TLSA RRset at _25._tcp of the first MX host, validated secure."""
    if d.get("mxhosts") is not None:
        mh = world.mailhosts[d["mxhosts"][0]]
        return mh["tlsa"] != "none" and zone_status(world, plan_zone(world, mh.name)) == "secure"
    if mxp is None:
        return d["dane_mx"] == "yes" and own_status == "secure"
    return mxp["dane"] == "yes" and provider_truth(world, mxp)[0] == "secure"


def plan_zone(world, name):
    import world as worldmod
    return worldmod.mailhost_zone(world, name)


def truth(world, plan, T):
    out = {}
    for d in world.domains:
        p = plan[d.name]
        row = {c: None for c in DNS_COLUMNS}
        out[d.name] = row
        if d["dns"] != "ok":
            row["dns_status"] = d["dns"]
            if d["dns"] == "servfail":
                # A lame delegation: the parent still answers for its DS.
                row.update(lame_truth(world, d))
            continue
        # A zone whose DNSKEY RRset is gone is served as unsigned (NSD sends
        # RRSIGs and NSEC only for zones with keys): a DS pointing at an
        # unsigned zone, the usual real-world cause of dnskey_missing.
        signed = d["sign"] != "none" and d["break"] != "dnskey_missing"
        status, reason = dnssec_truth(world, d)
        own_status = status         # the own zone's (TLSA under the domain)
        if p.cname_target is not None and p.web_host != d.name:
            # The probed host is a CNAME into a provider's zone: the answer's
            # verdict is the worse of the two zones' (own zone first).
            pst, prs = provider_truth(world, world.providers[d["wwwcname"]])
            if VERDICT_RANK[pst] > VERDICT_RANK[status]:
                status, reason = pst, prs
        nsp = world.providers.get(d["nsp"]) if d["nsp"] else None
        mxp = world.providers.get(d["mxp"]) if d["mxp"] else None
        row.update({
            "dns_status": "ok",
            "ns_count": d["ns"],
            "a_count": len(p.web_v4_all),
            "aaaa_count": len(p.web_v6_all),
            "mx_count": d["mx"],
            "web_ipv4": p.web_v4,
            "web_ipv6": p.web_v6,
            "ipv6_web": p.web_v6 is not None,
            # A provider's name and mail hosts all have AAAA.
            "ipv6_ns": True if nsp is not None else d["ns6"] == "yes",
            "ipv6_mx": ((any(plan.mailhosts[n].v6 for n in d["mxhosts"])
                         if d.get("mxhosts") is not None else
                         mxp is not None or d["mx6"] == "yes") if d["mx"] > 0 else None),
            "caa": d["caa"] == "yes",
            "https_rr": d["https_rr"] == "yes",
            "dnssec_status": status,
            "dnssec_reason": reason,
            "ds_present": d["ds"] in ("yes", "mismatch"),
            "dnskey_algorithms": d["sign"] if signed else None,
            "ds_digest_types": ",".join(str(x) for x in d["digest"]) if d["ds"] != "no" else None,
            "denial": d["denial"] if signed else None,
            "nsec3_iterations": d["iterations"] if signed and d["denial"] == "nsec3" else None,
            # The signer of the RRSIGs over the probed host's addresses (over
            # the CNAME when the probed host is one: the own zone, never the
            # provider's).
            "signer_zone": d.name if signed and d["break"] != "rrsig_missing" else None,
            "spf": spf_truth(d["spf"]),
            "dmarc": dmarc_truth(d["dmarc"]),
            "mta_sts": d["mtasts"] == "yes",
            "tlsrpt": d["tlsrpt"] == "yes",
            "dane_mx": _dane_mx(world, d, mxp, own_status) if d["mx"] > 0 else None,
            "dane_web": (d["dane_web"] != "no" and status == "secure")
            if (p.web_v4 or p.web_v6) else None,
        })
        if d["inline"]:
            # A name inside its TLD's zone (or in=PARENT's): no NS, DS or
            # DNSKEY of its own; that zone's keys sign it and its denial is
            # that zone's.
            t = world.by_name[d["in"]] if d["in"] is not None else \
                world.tlds[d.name.rsplit(".", 1)[-1]]
            tsigned = t["sign"] != "none" and (d["in"] is None or t["break"] != "dnskey_missing")
            row.update({
                "ns_count": 0, "ipv6_ns": False, "ds_present": False,
                "dnskey_algorithms": None, "ds_digest_types": None,
                "denial": t["denial"] if tsigned else None,
                "nsec3_iterations": t["iterations"] if tsigned and t["denial"] == "nsec3" else None,
                "signer_zone": t.name if tsigned else None,
            })
    # ns_rov .. mx_dnssec (issue 18): scripts/tb/serverstruth.py.
    for name, cols in serverstruth.truth(world, plan).items():
        out[name].update(cols)
    # ns_operator, mx_operator (issue 18): scripts/tb/operatortruth.py.
    for name, cols in operatortruth.truth(world, plan).items():
        out[name].update(cols)
    # DMARC, the DKIM hint, the CAA tree (issue 18): scripts/tb/dmarctruth.py.
    for name, cols in dmarctruth.truth(world, plan).items():
        out[name].update(cols)
    # spf_lookups, spf_void_lookups, spf_result_all, spf_error (issue 18):
    # scripts/tb/spftruth.py.
    for name, cols in spftruth.truth(world, plan).items():
        out[name].update(cols)
    return out
