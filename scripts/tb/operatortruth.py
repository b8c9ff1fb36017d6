"""Ground truth of ns_operator and mx_operator (issue 18; docs/method.md,
"Operators"): the registrable domain of a domain's NS host names and of
its MX host names, the one named by the most hosts, a tie to the first in
byte order; None when the domain did not resolve, has no NS or MX record,
or is a name inside its TLD's zone (no NS of its own).

The registrable domain is computed here from the Public Suffix List's text
file (Debian's publicsuffix package, the ICANN section only), by the PSL's
own algorithm (https://publicsuffix.org/list/: the longest matching rule,
an exception rule winning and giving up its leftmost label, "*" when no
rule matches): an implementation independent of the crawler's, which asks
libpsl over the DAFSA file of the same package.
"""

import os

PSL_TEXT = "/usr/share/publicsuffix/public_suffix_list.dat"
ICANN_BEGIN = "// ===BEGIN ICANN DOMAINS==="
ICANN_END = "// ===END ICANN DOMAINS==="

_rules = None


def _alabel(rule):
    """A rule in A-label form (the PSL text holds U-labels); None when a
    label does not encode (then the rule cannot match an LDH host name)."""
    out = []
    for lab in rule.split("."):
        if lab in ("*",) or lab.startswith("!") or lab.isascii():
            out.append(lab.lower())
            continue
        try:
            out.append("xn--" + lab.encode("punycode").decode("ascii"))
        except UnicodeError:
            return None
    return ".".join(out)


def load(path=PSL_TEXT):
    """The ICANN rules: {rule text: kind}, kind "normal", "wild" (the rule
    without its "*.") or "exception" (without its "!")."""
    rules = {"normal": set(), "wild": set(), "exception": set()}
    icann = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith(ICANN_BEGIN):
                icann = True
            elif line.startswith(ICANN_END):
                icann = False
            if not icann or not line or line.startswith("//"):
                continue
            rule = _alabel(line.split()[0])
            if rule is None:
                continue
            if rule.startswith("!"):
                rules["exception"].add(rule[1:])
            elif rule.startswith("*."):
                rules["wild"].add(rule[2:])
            else:
                rules["normal"].add(rule)
    return rules


def public_suffix_labels(name, rules):
    """How many rightmost labels of name are its public suffix."""
    labels = name.split(".")
    best = 1                                    # the implicit "*" rule
    for i in range(len(labels)):
        suffix = ".".join(labels[i:])
        n = len(labels) - i
        if suffix in rules["exception"]:
            return n - 1                        # an exception wins at once
        if suffix in rules["normal"]:
            best = max(best, n)
        # "*.parent": every name one label below parent.
        if i + 1 < len(labels) and ".".join(labels[i + 1:]) in rules["wild"]:
            best = max(best, n)
    return best


def registrable(name, rules=None):
    """The registrable domain of name (lower case, no final dot): its public
    suffix and one more label; name itself when it is a public suffix."""
    global _rules
    if rules is None:
        if _rules is None:
            _rules = load()
        rules = _rules
    name = name.rstrip(".").lower()
    labels = name.split(".")
    n = public_suffix_labels(name, rules)
    if n >= len(labels):
        return name
    return ".".join(labels[-(n + 1):])


def operator(hosts, rules=None):
    """The registrable domain named by the most of hosts, a tie to the first
    in byte order; None for no host."""
    count = {}
    for h in hosts:
        r = registrable(h, rules)
        count[r] = count.get(r, 0) + 1
    if not count:
        return None
    top = max(count.values())
    return min((r for r, c in count.items() if c == top),
               key=lambda s: s.encode("utf-8"))


def truth(world, plan):
    """{domain: {"ns_operator": ..., "mx_operator": ...}} for every listed
    domain."""
    out = {}
    for d in world.domains:
        p = plan[d.name]
        row = {"ns_operator": None, "mx_operator": None}
        out[d.name] = row
        if d["dns"] != "ok":
            continue
        if not d["inline"] and d["ns"] > 0:
            row["ns_operator"] = operator(p.ns_hosts)
        if d["mx"] > 0:
            row["mx_operator"] = operator(p.mx_hosts)
    return out


if __name__ == "__main__":
    import sys
    for a in sys.argv[1:]:
        print(a, registrable(a))
