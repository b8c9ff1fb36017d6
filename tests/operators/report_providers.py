#!/usr/bin/env python3
"""The report's Providers section (issue 18, point 7): on a synthetic
snapshot, every country line of the DNS and mail tables equals what
uptake-stats --by country,ns_operator / country,mx_operator --format json
says (domains with and without an operator, providers, the index, its
DoJ/FTC reading, the top providers and their shares); the HTML stays an
offline document (no script, the Content-Security-Policy meta, no remote
URL in any src or href, balanced tags in the section); a snapshot without
the operator columns (an older schema) says so instead of a table.

    report_providers.py GEN_SYNTH UPTAKE_STATS UPTAKE_REPORT WORKDIR
"""

import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed"))
from tap import Tap  # noqa: E402

TOP = 3     # REPORT_TOP_PROVIDERS (analysis/report.h)
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr"}


def section(doc, title):
    """The <section> holding <h2>title</h2>, or None."""
    i = doc.find("<h2>%s</h2>" % title)
    if i < 0:
        return None
    start = doc.rfind("<section", 0, i)
    end = doc.find("</section>", i)
    return doc[start:end + len("</section>")]


def tables(sec):
    """{h3 text: [[cell text, ...] per body row]}."""
    out = {}
    for m in re.finditer(r"<h3>(.*?)</h3>\s*(<table.*?</table>|<p>.*?</p>)", sec, re.S):
        rows = []
        for tr in re.findall(r"<tbody>(.*?)</tbody>", m.group(2), re.S)[:1]:
            for r in re.findall(r"<tr>(.*?)</tr>", tr, re.S):
                cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
                rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells])
        out[html.unescape(m.group(1))] = rows if m.group(2).startswith("<table") else None
    return out


class Balance(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(tag)
        else:
            self.stack.pop()


def expected(stats, snap, meta, key):
    """{country: (with, without, providers, hhi, [(name, share)...])}."""
    out = json.loads(subprocess.run(
        [stats, snap, "--meta", meta, "--by", "country," + key, "--format", "json",
         "--metrics", "dnssec_signed"], check=True, capture_output=True, text=True).stdout)
    want = {}
    for m in out["concentration"]["markets"]:
        cc = m["key"]["country"]
        provs = sorted(((g["rows"], g["key"][key], g["share"]) for g in out["groups"]
                        if g["key"]["country"] == cc and g["key"][key] != "unknown"),
                       key=lambda x: (-x[0], x[1].encode()))
        want[cc] = (m["with_operator"], m["without_operator"], m["providers"], m["hhi"],
                    [(n, s) for _, n, s in provs[:TOP]])
    return want


def reading(h):
    return ("unconcentrated" if h < 1500 else "moderately concentrated" if h <= 2500
            else "highly concentrated")


def check_table(tap, rows, want, role):
    tap.ok(rows is not None and len(rows) > 0, "%s: a table with a line per country (%d)"
           % (role, len(rows or [])))
    bad = []
    for r in rows or []:
        cc, with_op, nprov, top, hhi, level, without = r
        w = want.get(cc)
        if w is None:
            bad.append("%s: not in uptake-stats" % cc)
            continue
        top_want = ", ".join("%s %.1f%%" % (n, 100 * s) for n, s in w[4])
        got = (int(with_op.replace(",", "")), int(without.replace(",", "")), int(nprov),
               int(hhi), level, re.sub(r"\s+", " ", top).strip())
        exp = (w[0], w[1], w[2], int("%.0f" % w[3]), reading(w[3]), top_want)
        if got != exp:
            bad.append("%s: report %s, uptake-stats %s" % (cc, got, exp))
    tap.ok(not bad, "%s: every country's operators, shares, HHI and reading equal uptake-stats"
           % role, "\n".join(bad[:5]))


def main():
    gen, stats, report, work = sys.argv[1:5]
    tap = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    snap, meta, out = os.path.join(work, "snap"), os.path.join(work, "meta.csv"), \
        os.path.join(work, "report.html")
    subprocess.run([gen, snap, "20000", "--meta", meta], check=True, capture_output=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    rc = subprocess.run([report, snap, "--meta", meta, "-o", out], env=env,
                        capture_output=True, text=True)
    tap.eq(rc.returncode, 0, "uptake-report exits 0")
    doc = open(out, encoding="utf-8").read()
    sec = section(doc, "Providers")
    if not tap.ok(sec is not None, "the report has a Providers section"):
        return tap.done()
    t = tables(sec)
    check_table(tap, t.get("DNS (NS) operators"), expected(stats, snap, meta, "ns_operator"),
                "DNS (NS)")
    check_table(tap, t.get("Mail (MX) operators"), expected(stats, snap, meta, "mx_operator"),
                "Mail (MX)")
    tap.ok("Herfindahl-Hirschman" in sec and "1500" in sec and "2500" in sec,
           "the section explains the index and its thresholds")
    # Still an offline document.
    tap.ok("<script" not in doc.lower(), "no script")
    tap.ok(re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'",
                     doc) is not None, "the Content-Security-Policy meta is there")
    remote = re.findall(r"(?:src|href)\s*=\s*\"(?:https?:)?//[^\"]*\"", doc, re.I)
    tap.eq(remote, [], "no remote URL in src or href")
    b = Balance()
    b.feed(sec)
    tap.ok(not b.bad and not b.stack, "the section's tags are balanced",
           "unbalanced: %s, open: %s" % (b.bad[:5], b.stack[:5]))
    # An older schema: no operator columns.
    old = os.path.join(work, "old")
    subprocess.run([gen, old, "5000", "--drop", "ns_operator,mx_operator"], check=True,
                   capture_output=True)
    rc = subprocess.run([report, old, "-o", out + ".old"], env=env, capture_output=True, text=True)
    tap.eq(rc.returncode, 0, "uptake-report on a snapshot without the operator columns exits 0")
    sec = section(open(out + ".old", encoding="utf-8").read(), "Providers") or ""
    tap.eq(sec.count("Not measured in this crawl"), 2,
           "without the columns both tables say 'not measured'")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
