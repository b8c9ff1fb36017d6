#!/usr/bin/env python3
"""site_test.py - uptake-report --site on synthetic snapshots (issue 19,
points 4 and 6).  Two crawls (gen_synth, months apart), a --meta whose
organisation column holds hostile names (markup, quotes, "../", a long
name, names that slug alike), two profiles and an exceptions file.

Checks: every page exists (index, one per profile, country, sector and
organisation, by the labels uptake-comply gives); every <a href> resolves
to a file inside DIR; no external URL (http:, https:, //) in any src,
href or url(); no script; every <table> opens with a <caption>, every
<svg> with a <title>; file names are slugs and nothing is written outside
DIR; a hostile name comes back escaped, never as markup; each scorecard
CSV's verdicts equal uptake-comply's per-domain CSV of the latest crawl
for that organisation's domains, and organisations.csv's n, k and
previous share equal uptake-comply --by organisation on each crawl;
headless Chromium renders four pages (non-blank PNG) and prints one to
PDF.  TAP on stdout.

    site_test.py GEN_SYNTH UPTAKE_REPORT UPTAKE_COMPLY WORKDIR PROFILE...
"""

import csv
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "analysis"))
import png  # noqa: E402

n = 0
failed = 0

HOSTILE = [
    "Ministry of Finance",
    "Acme <script>alert(1)</script> & \"Co\"",
    "../../../escaped",
    "Gemeente Één",
    "x" * 250,            # uptake-comply takes up to 255 bytes
    "Bank A",
    "bank-a",             # slugs as "Bank A" does
    "' onmouseover='x",
    "///",
]
ROWS = "4000"
CRAWLS = (("2026-01-05", "0"), ("2026-04-06", "0.15"))


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    return cond


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_run(browser, args):
    profile = tempfile.mkdtemp(prefix="uptake-chromium-")
    try:
        return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                               "--no-first-run", "--disable-background-networking",
                               "--disable-component-update", "--disable-sync",
                               "--hide-scrollbars", "--user-data-dir=" + profile]
                              + args, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def h1_of(path):
    m = re.search(r"<h1>(.*?)</h1>", open(path, encoding="utf-8").read(), re.S)
    return html.unescape(m.group(1)) if m else None


def comply_rows(path):
    return list(csv.DictReader(open(path, newline="", encoding="utf-8")))


def main():
    gen, report, comply, work = sys.argv[1:5]
    profiles = sys.argv[5:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    snaps = []
    for i, (date, imp) in enumerate(CRAWLS):
        d = os.path.join(work, "crawl%d" % i)
        subprocess.run([gen, d, ROWS, "--date", date, "--improve", imp,
                        "--seed", "23", "--meta", os.path.join(work, "meta0.csv")],
                       check=True, stdout=subprocess.DEVNULL)
        snaps.append(d)
    # Organisations: a stable hash of the domain; a few domains without.
    rows = list(csv.reader(open(os.path.join(work, "meta0.csv"), newline="")))
    meta = os.path.join(work, "meta.csv")
    org_of = {}
    with open(meta, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(rows[0] + ["organisation"])
        for r in rows[1:]:
            h = zlib.crc32(r[0].encode()) % (len(HOSTILE) + 2)
            org = HOSTILE[h] if h < len(HOSTILE) else ""
            w.writerow(r + [org])
            if org:
                org_of[r[0]] = org
    # Exceptions: the first failing dnssec of each of three organisations.
    exc = os.path.join(work, "exceptions.csv")
    with open(exc, "w") as f:
        f.write("domain,requirement,justification,until\n")
        for d in sorted(org_of)[:40]:
            f.write("%s,synth:dnssec,\"migration <b>planned</b>\",2027-01-01\n" % d)
    # A profile with a deadline between the two crawls (drawn on its
    # chart) beside the given ones (deadlines years before: not drawn).
    dl = os.path.join(work, "synth-deadline.conf")
    text = open(profiles[0]).read()
    text = re.sub(r"(?m)^profile \S+", "profile synth-deadline", text)
    text = re.sub(r"(?m)^(require dnssec \|.*\| )2020-01-01$", r"\g<1>2026-02-16", text)
    open(dl, "w").write(text)
    site = os.path.join(work, "site")
    pargs = []
    for p in profiles + [dl]:
        pargs += ["--profile", p]
    r = subprocess.run([report, *snaps, "--meta", meta, "--site", site,
                        "--exceptions", exc, *pargs], capture_output=True, text=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600"))
    if not ok(r.returncode == 0 and os.path.exists(os.path.join(site, "index.html")),
              "uptake-report --site wrote %s (exit %d: %s)" % (site, r.returncode,
                                                              r.stderr.strip()[:300])):
        return

    # Nothing outside DIR: the work dir holds only what the test made.
    ok(sorted(os.listdir(work)) == sorted(["crawl0", "crawl1", "meta0.csv", "meta.csv",
                                           "exceptions.csv", "synth-deadline.conf", "site"]),
       "nothing written outside DIR: %s" % sorted(os.listdir(work)))
    files = []
    for root, dirs, names in os.walk(site):
        for name in names:
            files.append(os.path.relpath(os.path.join(root, name), site))
    bad = [p for p in files if not re.fullmatch(
        r"(style\.css|index\.html|organisations\.csv|"
        r"(country|sector|org|profile)/[a-z0-9]+(-[a-z0-9]+)*\.(html|csv))", p)]
    ok(not bad, "every file name is a slug in its place (%d files): %s" % (len(files), bad[:5]))

    # Expected pages: the labels uptake-comply gives on the latest crawl.
    latest = snaps[-1]
    groups = {}
    for by in ("country", "sector", "organisation"):
        out = os.path.join(work, "site-comply-%s.csv" % by)
        subprocess.run([comply, latest, *pargs, "--meta", meta, "--exceptions", exc,
                        "--by", by, "-o", out], check=True)
        groups[by] = {row["group"] for row in comply_rows(out)}
        os.unlink(out)
    groups["organisation"].discard("unknown")
    for by, sub in (("country", "country"), ("sector", "sector"),
                    ("organisation", "org")):
        d = os.path.join(site, sub)
        got = {h1_of(os.path.join(d, p)) for p in os.listdir(d) if p.endswith(".html")}
        ok(got == groups[by], "a %s page for each %s (%d): missing %s, extra %s" %
           (sub, by, len(groups[by]), sorted(groups[by] - got)[:3], sorted(got - groups[by])[:3]))
    ok(set(HOSTILE) <= groups["organisation"], "every hostile organisation name has its page")
    pages = [p for p in files if p.endswith(".html")]
    ok(len([p for p in pages if p.startswith("profile/")]) == len(profiles) + 1,
       "a page per profile")

    # Links, external URLs, captions, titles, escaping.
    unresolved, external, nocap, notitle, script, raw = [], [], [], [], [], []
    linked = set()
    for p in pages:
        path = os.path.join(site, p)
        text = open(path, encoding="utf-8").read()
        for ref in re.findall(r"\bhref=\"([^\"]*)\"", text):
            target = os.path.realpath(os.path.join(os.path.dirname(path), html.unescape(ref)))
            if not target.startswith(os.path.realpath(site) + os.sep) or \
                    not os.path.isfile(target):
                unresolved.append((p, ref))
            else:
                linked.add(os.path.relpath(target, os.path.realpath(site)))
        for ref in re.findall(r"(?:\b(?:src|href)\s*=\s*[\"']?|url\(\s*[\"']?)([^\"'\s)>]*)",
                              text, re.I):
            if re.match(r"(https?:|//)", ref, re.I):
                external.append((p, ref))
        if "<script" in text.lower() or re.search(r"<[^<>]*\son\w+\s*=", text, re.I):
            script.append(p)
        if text.count("<table") != len(re.findall(r"<table[^>]*>\s*<caption>", text)):
            nocap.append(p)
        if text.count("<svg") != len(re.findall(r"<svg[^>]*>\s*<title>[^<]+</title>", text)):
            notitle.append(p)
        if "<b>planned</b>" in text:
            raw.append(p)
        if p != "index.html" and 'href="../index.html"' not in text:
            unresolved.append((p, "no link to the index"))
    css = open(os.path.join(site, "style.css")).read()
    for ref in re.findall(r"url\(\s*[\"']?([^\"')]*)", css):
        external.append(("style.css", ref))
    ok(not unresolved, "every <a href> resolves to a file in DIR, every page links the index: %s"
       % unresolved[:3])
    index = open(os.path.join(site, "index.html"), encoding="utf-8").read()
    from_index = {os.path.normpath(r) for r in re.findall(r"href=\"([^\"]*)\"", index)}
    ok(set(pages) - {"index.html"} <= from_index,
       "the index links every page: missing %s" % sorted(set(pages) - {"index.html"} - from_index)[:3])
    ok(not external, "no external URL in src, href or url(): %s" % external[:3])
    ok(not script, "no script, no injected attribute: %s" % script[:3])
    ok(not nocap, "every <table> has a <caption>: %s" % nocap[:3])
    ok(not notitle, "every <svg> has a <title>: %s" % notitle[:3])
    ok(not raw, "an exception's justification is escaped: %s" % raw[:3])
    ok("@media print" in css, "the stylesheet has a print section")
    ok(all('<link rel="stylesheet" href="' in open(os.path.join(site, p), encoding="utf-8").read()
           for p in pages), "every page uses the one stylesheet")

    # Organisation -> its sector and country pages.
    org_links_ok = True
    for p in pages:
        if p.startswith("org/"):
            text = open(os.path.join(site, p), encoding="utf-8").read()
            org_links_ok &= bool(re.search(r'href="\.\./sector/[^"]+\.html"', text)) and \
                bool(re.search(r'href="\.\./country/[^"]+\.html"', text))
    ok(org_links_ok, "every organisation page links its sector and country pages")
    prof = [p for p in pages if p == "profile/synth.html"]
    ptext = open(os.path.join(site, prof[0]), encoding="utf-8").read() if prof else ""
    dtext = open(os.path.join(site, "profile", "synth-deadline.html"), encoding="utf-8").read() \
        if os.path.exists(os.path.join(site, "profile", "synth-deadline.html")) else ""
    m = re.search(r'<line x1="([0-9.]+)"[^>]*stroke-dasharray="[^"]*"><title>dnssec: effective '
                  r'2026-02-16</title>', dtext)
    xs = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', dtext)[:2]]
    ok(m and len(xs) == 2 and xs[0] < float(m.group(1)) < xs[1],
       "a deadline between the crawls is a dashed line between their points")
    ok("stroke-dasharray" not in ptext and "dnssec 2020-01-01;" in ptext,
       "deadlines years before the crawls are not drawn, but given in the chart's <desc>")

    # Scorecards against uptake-comply's per-domain verdicts (latest crawl).
    vcsv = os.path.join(work, "verdicts-latest.csv")
    subprocess.run([comply, latest, *pargs, "--meta", meta, "--exceptions", exc,
                    "--verdicts", vcsv, "-o", os.devnull], check=True)
    want = {}
    for row in comply_rows(vcsv):
        org = org_of.get(row["domain"])
        if org:
            want.setdefault(org, set()).add((row["domain"], row["profile"],
                                             row["requirement"], row["verdict"],
                                             row["until"]))
    os.unlink(vcsv)
    got = {}
    for p in files:
        if p.startswith("org/") and p.endswith(".csv"):
            for row in comply_rows(os.path.join(site, p)):
                got.setdefault(row["organisation"], set()).add(
                    (row["domain"], row["profile"], row["requirement"], row["verdict"],
                     row["until"]))
    nv = sum(len(v) for v in want.values())
    ok(got == want, "scorecard verdicts equal uptake-comply's for every organisation "
       "(%d organisations, %d verdicts; differing: %s)" %
       (len(want), nv, sorted(o for o in set(want) | set(got)
                              if want.get(o) != got.get(o))[:3]))
    verdicts = {v[3] for s in got.values() for v in s}
    ok({"pass", "fail", "explained", "not_measured"} <= verdicts,
       "all four verdicts appear on scorecards: %s" % sorted(verdicts))
    fails = [row for p in files if p.startswith("org/") and p.endswith(".csv")
             for row in comply_rows(os.path.join(site, p)) if row["verdict"] == "fail"]
    ok(fails and all(row["what_fails"] and "=" in row["what_fails"] and row["source"]
                     and row["effective"] for row in fails),
       "every failure names its columns' values and the requirement's citation (%d)" % len(fails))

    # organisations.csv: share meeting all, and the previous crawl's.
    summ = comply_rows(os.path.join(site, "organisations.csv"))
    byc = []
    for s in snaps:
        out = os.path.join(work, "site-comply-org.csv")
        subprocess.run([comply, s, *pargs, "--meta", meta, "--exceptions", exc,
                        "--by", "organisation", "-o", out], check=True)
        byc.append({(row["profile"], row["group"]): row for row in comply_rows(out)})
        os.unlink(out)
    bad = []
    for row in summ:
        key = (row["profile"], row["organisation"])
        c = byc[-1].get(key)
        if c is None or (c["n"], c["k"]) != (row["n"], row["k"]):
            bad.append(key)
        pc = byc[0].get(key)
        if pc and int(pc["n"]) and int(row["n"]):
            prev = int(pc["k"]) / int(pc["n"])
            cur = int(row["k"]) / int(row["n"])
            if abs(float(row["previous_share"]) - prev) > 1e-6 or \
                    abs(float(row["change"]) - (cur - prev)) > 1e-6:
                bad.append(key + ("change",))
    ok(summ and not bad, "organisations.csv: n, k, previous share and change equal "
       "uptake-comply --by organisation on each crawl (%d rows): %s" % (len(summ), bad[:3]))
    ranks_ok = all(1 <= int(r["rank"]) <= int(r["of"]) for r in summ if r["rank"])
    ok(ranks_ok and any(r["rank"] for r in summ), "ranks within their sector's count")

    # Usage: --site without --profile; two profiles whose pages would be
    # one file.
    r = subprocess.run([report, latest, "--site", os.path.join(work, "nosite")],
                       capture_output=True, text=True)
    ok(r.returncode == 2 and "--profile" in r.stderr and
       not os.path.exists(os.path.join(work, "nosite")),
       "--site without --profile: exit 2, nothing written (%d)" % r.returncode)
    twins = []
    for name in ("twin_a", "twin.a"):
        path = os.path.join(work, name + ".conf")
        open(path, "w").write(re.sub(r"(?m)^profile \S+", "profile " + name,
                                     open(profiles[0]).read()))
        twins += ["--profile", path]
    r = subprocess.run([report, latest, "--site", os.path.join(work, "twins"), *twins],
                       capture_output=True, text=True)
    ok(r.returncode == 2 and "twin_a" in r.stderr and "twin.a" in r.stderr and
       not os.path.exists(os.path.join(work, "twins")),
       "two profiles with one page name: exit 2 naming both (%d: %s)" %
       (r.returncode, r.stderr.strip()[:200]))

    # Headless Chromium: four pages render, one prints.
    browser = chromium()
    if not ok(browser is not None, "headless Chromium found (Debian package chromium)"):
        return
    country = sorted(p for p in pages if p.startswith("country/"))[0]
    org = sorted(p for p in pages if p.startswith("org/"))[0]
    for page in ("index.html", country, org, prof[0] if prof else "index.html"):
        shot = os.path.join(work, "shot.png")
        if os.path.exists(shot):
            os.unlink(shot)
        r = browser_run(browser, ["--screenshot=" + shot, "--window-size=1280,1600",
                                  "file://" + os.path.join(os.path.abspath(site), page)])
        if not ok(r.returncode == 0 and os.path.exists(shot), "%s rendered" % page):
            print("# " + r.stderr.strip().replace("\n", "\n# ")[-1500:])
            continue
        w, h, ch, rows = png.read(shot)
        colours, ink = set(), 0
        for y in range(0, h, 2):
            row = rows[y]
            for x in range(0, w * ch, 2 * ch):
                px = (row[x], row[x + 1], row[x + 2])
                colours.add(px)
                ink += sum(px) < 3 * 235
        total = (h // 2) * (w // 2)
        ok(len(colours) > 30 and 0.01 < ink / total < 0.95,
           "%s is not blank: %d colours, ink on %.1f%%" % (page, len(colours),
                                                          100 * ink / total))
        os.unlink(shot)
    pdf = os.path.join(work, "org.pdf")
    r = browser_run(browser, ["--print-to-pdf=" + pdf, "--no-pdf-header-footer",
                              "file://" + os.path.join(os.path.abspath(site), org)])
    data = open(pdf, "rb").read() if os.path.exists(pdf) else b""
    ok(r.returncode == 0 and data.startswith(b"%PDF") and len(data) > 2000,
       "%s prints to PDF (%d bytes)" % (org, len(data)))


if __name__ == "__main__":
    try:
        main()
    finally:
        print("1..%d" % n)
    sys.exit(1 if failed or n == 0 else 0)
