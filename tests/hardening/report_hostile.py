#!/usr/bin/env python3
"""report_hostile.py - uptake-report escapes everything it did not write
itself (issue 14 point 7).  TAP on stdout.

    report_hostile.py GEN_SYNTH UPTAKE_REPORT WORKDIR

Two reports of the same shape (two synthetic crawls of the same domains,
the same --meta labels, the same number of provenance entries):

- benign: gen_synth's own metadata and labels;
- hostile: the snapshots' key-value metadata (list name, resolver, command
  line, an extra key and its value, the first crawl's date) and the --meta
  sector labels replaced by markup: `<`, `"`, `<!--`, `</svg>`, `<script>`,
  an attribute breakout, a 100 KB list name, control bytes and a byte that
  is not UTF-8.  The first crawl's date is `1<!--xx-->`: it passes the
  report's date check (a digit, '-' at 4 and 7) and is printed in the
  header of a report of several crawls.

Both are rendered by headless Chromium (--dump-dom): the hostile DOM must
hold exactly the elements (by tag, counted) and comments of the benign one,
no script element, no text over the report's limit (REPORT_MAX_TEXT, with
its cut mark present); and its screenshot must not be blank.  A --meta file
with a NUL byte, and one with an overlong label, are refused with a line
naming the file and line.
"""

import collections
import html
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "analysis"))
sys.path.insert(0, os.path.join(HERE, "..", "testbed"))

import png  # noqa: E402
from tap import Tap  # noqa: E402

REPORT_MAX_TEXT = 1024          # analysis/report.h
ROWS = "3000"
DATES = ("2025-11-03", "2026-01-05")
HOSTILE_DATE = "1<!--xx-->"     # sorts before DATES[1], as DATES[0] does
BIG = ('<script>alert(1)</script>"\'<!--</svg><b>' * 2600)[:100 * 1024]
HOSTILE_KV = {
    "uptake.list_name": BIG,
    "uptake.resolver": '"><svg onload=alert(1)><rect/>',
    "uptake.command_line": "</code></dd></dl><!-- x --><script>alert(2)</script>\x01\x7f\xff",
    "<b>key</b>": "<i>value</i>&amp;</title></style>",
}
BENIGN_KV = {"extra.key": "value"}
WIDTH, HEIGHT = 1280, 2000


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(args, timeout=180):
    profile = tempfile.mkdtemp(prefix="uptake-chromium-")
    try:
        return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-background-networking", "--no-first-run",
                               "--disable-component-update", "--disable-sync",
                               "--hide-scrollbars", "--user-data-dir=" + profile] + args,
                              capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Shape(html.parser.HTMLParser):
    """Elements by tag, comments, the longest text node, script elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = collections.Counter()
        self.comments = []
        self.longest = 0
        self.text = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.in_style = tag == "style"
        for k, _ in attrs:
            if k.startswith("on"):
                self.tags["@" + k] += 1     # an event handler attribute

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        if self.in_style:
            return      # the report's own CSS
        self.longest = max(self.longest, len(data))
        self.text.append(data)


def gen(tap, gen_synth, d, date, meta, kv):
    args = [gen_synth, d, ROWS, "--date", date, "--seed", "7", "--level", "1",
            "--meta", meta]
    for k, v in kv.items():
        args += ["--kv", "%s=%s" % (k, v)]
    r = subprocess.run(args, capture_output=True)
    tap.eq(r.returncode, 0, "gen_synth %s" % os.path.basename(d))


def report(report_bin, snaps, meta, out, title=None):
    args = [report_bin, *snaps, "--meta", meta, "-o", out]
    if title:
        args += ["--title", title]
    return subprocess.run(args, capture_output=True, text=True,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600"))


def hostile_meta(src, dst):
    """The benign meta file with each sector label made markup (<= 64 bytes,
    the loader's limit; CSV-quoted)."""
    names = {}
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
        for i, line in enumerate(f):
            if i == 0:
                g.write(line)
                continue
            dom, cc, sec = line.rstrip("\n").split(",")
            if sec:
                if sec not in names:
                    names[sec] = '"><script>%s</script><!--</svg>' % sec[:20]
                sec = '"%s"' % names[sec].replace('"', '""')
            g.write("%s,%s,%s\n" % (dom, cc, sec))
    return names


def main():
    gen_synth, report_bin, work = sys.argv[1:4]
    tap = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    meta = os.path.join(work, "meta.csv")
    snaps = {"benign": [], "hostile": []}
    for i, date in enumerate(DATES):
        d = os.path.join(work, "benign%d" % i)
        gen(tap, gen_synth, d, date, meta, BENIGN_KV)
        snaps["benign"].append(d)
        kv = dict(HOSTILE_KV)
        if i == 0:
            kv["uptake.crawl_start"] = HOSTILE_DATE
        d = os.path.join(work, "hostile%d" % i)
        gen(tap, gen_synth, d, date, os.path.join(work, "meta-unused.csv"), kv)
        snaps["hostile"].append(d)
    hmeta = os.path.join(work, "meta-hostile.csv")
    labels = hostile_meta(meta, hmeta)
    tap.ok(len(labels) >= 2, "hostile sector labels: %d" % len(labels))

    html_out = {}
    for kind, m in (("benign", meta), ("hostile", hmeta)):
        out = os.path.join(work, kind + ".html")
        r = report(report_bin, snaps[kind], m, out,
                   '<script>t()</script>"<!--' if kind == "hostile" else None)
        tap.ok(r.returncode == 0 and os.path.exists(out),
               "uptake-report wrote the %s report (%s)" % (kind, r.stderr.strip()[:200]))
        html_out[kind] = out
    if not all(os.path.exists(p) for p in html_out.values()):
        return tap.done()
    raw = open(html_out["hostile"], "rb").read()
    esc = html.escape(BIG[:2 * REPORT_MAX_TEXT]).replace("&#x27;", "&#39;")
    tap.ok(esc.encode() not in raw,
           "the 100 KB list name is not copied whole (%d bytes of report)" % len(raw))
    tap.ok(b"more bytes]" in raw, "the cut is marked")
    tap.ok(b"\x00" not in raw and b"\x01" not in raw and b"\x7f" not in raw,
           "no NUL, control byte or DEL in the report")
    try:
        raw.decode("utf-8")
        tap.ok(True, "the report is well-formed UTF-8")
    except UnicodeDecodeError as e:
        tap.ok(False, "the report is well-formed UTF-8: %s" % e)

    if not tap.ok(chromium() is not None,
                  "headless Chromium found (Debian package chromium; scripts/deps installs it)"):
        return tap.done()
    shapes = {}
    for kind, path in html_out.items():
        r = browser(["--dump-dom", "file://" + os.path.abspath(path)])
        if not tap.ok(r.returncode == 0 and r.stdout,
                      "Chromium dumped the %s DOM (exit %d)" % (kind, r.returncode)):
            tap.diag(r.stderr.decode(errors="replace")[-1500:])
            return tap.done()
        sh = Shape()
        sh.feed(r.stdout.decode("utf-8", errors="replace"))
        shapes[kind] = sh
    b, h = shapes["benign"], shapes["hostile"]
    tap.diag("benign: %d elements, %d comments; hostile: %d elements, %d comments"
             % (sum(b.tags.values()), len(b.comments), sum(h.tags.values()),
                len(h.comments)))
    extra = h.tags - b.tags
    missing = b.tags - h.tags
    tap.ok(not extra, "no element injected: %s" % dict(extra))
    tap.ok(not missing, "no element swallowed: %s" % dict(missing))
    tap.eq(len(h.comments), len(b.comments), "no comment injected (%r)" % h.comments[:3])
    tap.eq(h.tags["script"], 0, "no script element")
    tap.ok(not any(k.startswith("@") for k in h.tags), "no event handler attribute")
    text = "".join(h.text)
    tap.ok("<script>alert(1)</script>" in text, "the hostile list name is shown as text")
    tap.ok(HOSTILE_DATE in text, "the hostile crawl date is shown as text")
    tap.ok(any(lab in text for lab in labels.values()),
           "the hostile sector labels are shown as text")
    tap.ok(h.longest <= REPORT_MAX_TEXT + 64,
           "no text node over the limit: longest %d characters" % h.longest)

    shot = os.path.join(work, "hostile.png")
    r = browser(["--screenshot=" + shot, "--window-size=%d,%d" % (WIDTH, HEIGHT),
                 "file://" + os.path.abspath(html_out["hostile"])])
    if tap.ok(r.returncode == 0 and os.path.exists(shot), "Chromium rendered a screenshot"):
        w, hh, ch, rows = png.read(shot)
        colours, ink = set(), 0
        for y in range(0, hh, 2):
            row = rows[y]
            for x in range(0, w * ch, 2 * ch):
                px = (row[x], row[x + 1], row[x + 2])
                colours.add(px)
                if sum(px) < 3 * 235:
                    ink += 1
        total = (hh // 2) * (w // 2)
        tap.ok(len(colours) > 200, "the hostile report is not blank: %d colours" % len(colours))
        tap.ok(0.05 < ink / total < 0.9, "ink on %.1f%% of the page" % (100 * ink / total))

    # --meta files the loader refuses, with the file and line named.
    for what, line in (("NUL byte", b"a0.example,DE,fin\x00ance\n"),
                       ("overlong label", b"a0.example,DE," + b"<b>" * 30000 + b"\n")):
        bad = os.path.join(work, "meta-bad.csv")
        with open(bad, "wb") as f:
            f.write(b"domain,country,sector\n" + line)
        r = report(report_bin, snaps["benign"][:1], bad, os.path.join(work, "bad.html"))
        tap.ok(r.returncode != 0 and "meta-bad.csv:2:" in r.stderr,
               "--meta with a %s refused: %s" % (what, r.stderr.strip()[:160]))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
