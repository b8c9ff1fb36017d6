#!/usr/bin/env bash
# real_names_site.sh - uptake-report --site on the real-names world (issue
# 19, point 6): a stratified sample of the bundled government lists
# (uptake-lists sample, as tests/e2e/real_names.sh), a world serving those
# names (scripts/tb/gen_from_list.py), crawled in a testbed of its own
# (namespace $UPTAKE_NETNS, default uptake-site; state $UPTAKE_TESTBED_DIR,
# default WORKDIR/testbed) with the DNS and DNSSEC probes; then the site
# with --meta on the labelled file and two shipped profiles:
#   - an organisation page for every organisation of the crawled list,
#     its heading the organisation's name;
#   - every href of every page resolves to a file in the site.
# TAP on stdout.  Needs root (network namespaces).
#
#   real_names_site.sh BUILD_DIR WORKDIR [PER_STRATUM [SEED]]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$(cd "$1" && pwd) work=$2 per=${3:-3} seed=${4:-2026}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$bdir/analysis/uptake-lists" sample --per-stratum "$per" --seed "$seed" \
	"$top"/lists/gov-*.csv -o "$work/sample.csv" >&2
python3 "$top/scripts/tb/gen_from_list.py" "$work/sample.csv" "$work/world" \
	--seed "$seed" --list-out "$work/list.csv" >&2
cat >"$work/crawl.sh" <<EOS
#!/usr/bin/env bash
set -euo pipefail
S=\$UPTAKE_TESTBED_STATE
"$bdir/crawler/uptake-crawl" --list "$work/list.csv" --list-name gov-sample \\
	--out "$work/snapshot" --resolver 192.0.2.53 --probes dns,dnssec \\
	--trust-anchor "\$S/root.key" --validation-time "\$(cat "\$S/world.time")" \\
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \\
	--concurrency 200 --timeout 30 --quiet
EOS
chmod +x "$work/crawl.sh"
UPTAKE_TESTBED_DIR=${UPTAKE_TESTBED_DIR:-$work/testbed} \
	UPTAKE_NETNS=${UPTAKE_NETNS:-uptake-site} \
	"$top/scripts/testbed" run "$work/world" -- "$work/crawl.sh" >&2
set +e
"$bdir/analysis/uptake-report" "$work/snapshot" --meta "$work/list.csv" \
	--site "$work/site" --profile "$top/data/profiles/internetnl-web.conf" \
	--profile "$top/data/profiles/internetnl-mail.conf" 2>"$work/report.err"
rc=$?
set -e
exec python3 - "$work" "$top/tests/testbed" "$rc" <<'EOP'
import csv, html, os, re, sys
work, tapdir, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, tapdir)
from tap import Tap
t = Tap()
site = os.path.join(work, "site")
t.ok(rc == 0 and os.path.isfile(os.path.join(site, "index.html")),
     "uptake-report --site on the crawl (exit %d)" % rc,
     open(os.path.join(work, "report.err")).read()[-2000:])
rows = list(csv.DictReader(open(os.path.join(work, "list.csv"), newline="", encoding="utf-8")))
orgs = {r["organisation"] for r in rows if r["organisation"]}
t.ok(len(orgs) > 10, "the crawled list names organisations (%d organisations, %d domains)"
     % (len(orgs), len(rows)))
got = set()
odir = os.path.join(site, "org")
for name in os.listdir(odir) if os.path.isdir(odir) else []:
    if name.endswith(".html"):
        m = re.search(r"<h1>(.*?)</h1>", open(os.path.join(odir, name), encoding="utf-8").read(), re.S)
        if m:
            got.add(html.unescape(m.group(1)))
t.eq(sorted(orgs - got), [], "an organisation page for every organisation of the list "
     "crawled (%d)" % len(orgs))
t.eq(sorted(got - orgs)[:5], [], "no page for an organisation the list does not name")
bad, pages = [], 0
for root, _, names in os.walk(site):
    for name in names:
        if not name.endswith(".html"):
            continue
        pages += 1
        path = os.path.join(root, name)
        for ref in re.findall(r'href="([^"]*)"', open(path, encoding="utf-8").read()):
            target = os.path.realpath(os.path.join(root, html.unescape(ref)))
            if not target.startswith(os.path.realpath(site) + os.sep) or not os.path.isfile(target):
                bad.append((os.path.relpath(path, site), ref))
t.eq(bad[:5], [], "every href of the %d pages resolves to a file in the site" % pages)
sys.exit(t.done())
EOP
