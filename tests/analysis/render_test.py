#!/usr/bin/env python3
"""render_test.py - uptake-report's HTML in a real browser: headless
Chromium (Debian package chromium) renders a report of three synthetic
crawls to a PNG, which must be 1280x2000 and not blank (many colours,
a fair share of ink, the bars' blue present).  The report must also be
self-contained: no script, no external resource.  TAP on stdout.

    render_test.py GEN_SYNTH UPTAKE_REPORT WORKDIR [SCREENSHOT_COPY]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png  # noqa: E402

WIDTH, HEIGHT = 1280, 2000
n = 0
failed = 0


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


def main():
    gen, report, work = sys.argv[1:4]
    copy = sys.argv[4] if len(sys.argv) > 4 else None
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    snaps = []
    for i, (date, imp) in enumerate((("2025-11-03", "0"), ("2025-12-01", "0.05"),
                                     ("2026-01-05", "0.12"))):
        d = os.path.join(work, "crawl%d" % i)
        subprocess.run([gen, d, "30000", "--date", date, "--improve", imp,
                        "--seed", "11", "--level", "1", "--part-rows", "10000",
                        "--meta", os.path.join(work, "meta.csv")], check=True)
        snaps.append(d)
    html = os.path.join(work, "report.html")
    r = subprocess.run([report, *snaps, "--meta", os.path.join(work, "meta.csv"),
                        "-o", html], capture_output=True, text=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1767225600"))
    if not ok(r.returncode == 0 and os.path.exists(html),
              "uptake-report wrote %s (%s)" % (html, r.stderr.strip()[:200])):
        return
    text = open(html, encoding="utf-8").read()
    ok("<script" not in text.lower(), "no script")
    ok(not re.search(r"<link|@import|url\(|src=", text, re.I),
       "no linked resource (stylesheet, image, font, import)")
    refs = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    ok(refs <= {"http://www.w3.org/2000/svg"},
       "no URL but the SVG namespace: %s" % sorted(refs))
    ok(text.count("<svg") > 60, "inline SVG charts (%d)" % text.count("<svg"))
    for section in ("Overall adoption", "Country &times; standard", "Sectors",
                    "Trends", "Method", "Provenance"):
        ok(section in text, "section: %s" % section)

    browser = chromium()
    if not ok(browser is not None,
              "headless Chromium found (Debian package chromium; scripts/deps installs it)"):
        return
    shot = os.path.join(work, "report.png")
    profile = tempfile.mkdtemp(prefix="uptake-chromium-")
    try:
        r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            "--hide-scrollbars",
                            "--user-data-dir=" + profile, "--screenshot=" + shot,
                            "--window-size=%d,%d" % (WIDTH, HEIGHT),
                            "file://" + os.path.abspath(html)],
                           capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not ok(r.returncode == 0 and os.path.exists(shot),
              "Chromium rendered a screenshot (exit %d)" % r.returncode):
        print("# " + r.stderr.strip().replace("\n", "\n# ")[-2000:])
        return
    try:
        w, h, ch, rows = png.read(shot)
    except png.PNGError as e:
        ok(False, "the screenshot is a PNG: %s" % e)
        return
    ok((w, h) == (WIDTH, HEIGHT), "screenshot is %dx%d" % (w, h))
    colours, ink, blue = set(), 0, 0
    for y in range(0, h, 2):
        row = rows[y]
        for x in range(0, w * ch, 2 * ch):
            px = (row[x], row[x + 1], row[x + 2])
            colours.add(px)
            if sum(px) < 3 * 235:
                ink += 1
            # The bars' blue, #2f6db5, and the heat map's blues.
            if px[2] > 150 and px[2] - px[0] > 60:
                blue += 1
    total = (h // 2) * (w // 2)
    ok(len(colours) > 200, "not blank: %d distinct colours" % len(colours))
    ok(0.05 < ink / total < 0.9, "ink on %.1f%% of the page" % (100 * ink / total))
    ok(blue / total > 0.01, "blue bars and heat-map cells: %.1f%% of the page" %
       (100 * blue / total))
    if copy:
        shutil.copyfile(shot, copy)


if __name__ == "__main__":
    try:
        main()
    finally:
        print("1..%d" % n)
    sys.exit(1 if failed or n == 0 else 0)
