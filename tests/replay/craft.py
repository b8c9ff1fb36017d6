#!/usr/bin/env python3
"""Write the crafted replay cases (docs/replay.md) from a recording of the
core world: overlays for core.rpl that give what the world lacks, and the
trust anchors of the validator's crafted cases.  record.sh runs it after
each recording (the world's keys change with every testbed start, so the
copies must come from the same recording).

    craft.py DIR      (DIR holds core.rpl and core.key; files written there)
"""
import os
import re
import sys

d = sys.argv[1]
txt = open(os.path.join(d, "core.rpl")).read()
ents = re.findall(r"ENTRY\n.*?\nEND\n", txt, re.S)


def get(q):
    for e in ents:
        if e.split("\n")[1] == "QUERY " + q:
            return e
    sys.exit("craft.py: core.rpl has no entry for " + q)


def write(name, head, body):
    with open(os.path.join(d, name), "w") as f:
        f.write("# Crafted by tests/replay/craft.py (docs/replay.md), an overlay for\n"
                "# core.rpl: " + head.strip().replace("\n", "\n# ") + "\n\n" + body)


# denial_invalid: the NXDOMAIN of the denial probe name, NSEC records (and
# their RRSIGs) removed.
lines = [ln for ln in get("uptake-denial-probe-7f3a.best.se. A").split("\n")
         if not re.search(r"\tNSEC\t|\tRRSIG\tNSEC ", ln)]
n_auth = 0
section = None
for ln in lines:
    if ln.startswith(";; ") and ln.endswith("SECTION:"):
        section = ln
    elif section == ";; AUTHORITY SECTION:" and ln and not ln.startswith(";"):
        n_auth += 1
body = "\n".join(lines)
body = re.sub(r"AUTHORITY: \d+", "AUTHORITY: %d" % n_auth, body)
write("denial-invalid.rpl", """the negative answer of the secure
zone best.se to the denial probe name, its NSEC records (and their RRSIGs)
removed: bogus, denial_invalid.""", body)

write("dnskey-timeout.rpl", """DNSKEY best.se. never answers:
indeterminate, no_response.""",
      "ENTRY\nQUERY best.se. DNSKEY\nOUTCOME TIMEOUT\nEND\n")

write("dnskey-servfail.rpl", """DNSKEY alg13-nsec3.de. is
answered SERVFAIL: indeterminate, no_response.""",
      "ENTRY\nQUERY alg13-nsec3.de. DNSKEY\nOUTCOME OK\nREPLY\n"
      ";; ->>HEADER<<- opcode: QUERY, rcode: SERVFAIL, id: 0\n"
      ";; flags: qr rd cd ra ; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n"
      ";; QUESTION SECTION:\n;; alg13-nsec3.de.\tIN\tDNSKEY\n\n"
      ";; EDNS: version 0; flags: do ; udp: 1232\nEND\n")

write("apex-timeout.rpl", """the apex A of best.se times out
(every try): dns_status timeout.""",
      "ENTRY\nQUERY best.se. A\nOUTCOME TIMEOUT\nDELAY 5\nEND\n")

e = get("best.se. A")
t = e.replace("OUTCOME OK", "OUTCOME TRUNCATED").replace(";; flags: qr ", ";; flags: qr tc ")
write("apex-truncated.rpl", """the apex A of best.se comes back
truncated (TC), then whole on the retry: the row is as without truncation,
one truncated reply counted.""", t + "\n" + e)

e = get("best.se. DNSKEY")
slow = e.replace("OUTCOME OK\n", "OUTCOME OK\nDELAY 200\n")
write("dnskey-slow.rpl", """DNSKEY best.se. answers after 200
ms: a validation that waits, still secure.""", slow)
write("cancel-one.rpl", """the first DNSKEY best.se. query (the
first job's DNS stage) is answered at once, every later one (the second
job's DNS stage, the validator's) after 200 ms: the first job waits in its
validation, where the test cancels it.""", e + "\n" + slow)
write("cancel-all.rpl", """the first two DNSKEY best.se.
queries (the DNS stages of two jobs) are answered at once, the validator's
after 200 ms: both jobs wait in their validation when the test abandons
them all (as SIGTERM does).""", e + "\n" + e + "\n" + slow)

# Anchors: the root's DS with an unsupported digest type; se.'s DS alone.
root = open(os.path.join(d, "core.key")).read().split()
assert root[3] == "DS", root
root[6] = "200"
with open(os.path.join(d, "anchor-unsupported.key"), "w") as f:
    f.write(" ".join(root) + "\n")
ds = [ln for ln in get("se. DS").split("\n") if "\tDS\t" in ln]
with open(os.path.join(d, "anchor-se.key"), "w") as f:
    f.write("\n".join(ds) + "\n")
