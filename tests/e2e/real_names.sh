#!/usr/bin/env bash
# real_names.sh - real names, simulated answers: a stratified sample of the
# bundled government lists (uptake-lists sample: every country x sector
# stratum), a world serving exactly those names (scripts/tb/gen_from_list.py:
# zones for every TLD they use, multi-label public suffixes such as gov.uk
# and gov.br as empty non-terminals of their TLD zone), brought up in a
# testbed of its own (namespace uptake-realnames, state under WORKDIR),
# crawled with uptake-crawl --list on the labelled file; then
#   - the DNS and DNSSEC columns equal the world's truth, and every row
#     keeps the invariants of tests/realzone/invariants.py (compare.py),
#   - uptake-stats --meta on the same file, by country and by sector:
#     the group sizes equal the counts in the file.
# TAP on stdout.  Needs root (network namespaces).
#
#   real_names.sh BUILD_DIR WORKDIR [PER_STRATUM [SEED]]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$1 work=$2 per=${3:-3} seed=${4:-2026}
rm -rf "$work"
mkdir -p "$work"
"$bdir/analysis/uptake-lists" sample --per-stratum "$per" --seed "$seed" \
	"$top"/lists/gov-*.csv -o "$work/sample.csv" >&2
python3 "$top/scripts/tb/gen_from_list.py" "$work/sample.csv" "$work/world" \
	--seed "$seed" --list-out "$work/list.csv" >&2
cat >"$work/crawl.sh" <<EOS
#!/usr/bin/env bash
set -euo pipefail
S=\$UPTAKE_TESTBED_STATE
cp "\$S/truth.jsonl" "$work/truth.jsonl"
"$bdir/crawler/uptake-crawl" --list "$work/list.csv" --list-name gov-sample \\
	--out "$work/snapshot" --resolver 192.0.2.53 --probes dns,dnssec \\
	--trust-anchor "\$S/root.key" --validation-time "\$(cat "\$S/world.time")" \\
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \\
	--concurrency 200 --timeout 30 --quiet
EOS
chmod +x "$work/crawl.sh"
UPTAKE_TESTBED_DIR=$work/testbed UPTAKE_NETNS=uptake-realnames \
	"$top/scripts/testbed" run "$work/world" -- "$work/crawl.sh" >&2
"$bdir/analysis/uptake-dump" --jsonl "$work/snapshot" >"$work/rows.jsonl"
for by in country sector; do
	"$bdir/analysis/uptake-stats" "$work/snapshot" --meta "$work/list.csv" \
		--by "$by" --metrics resolves --min-n 1 --format csv -o "$work/by-$by.csv"
done
exec python3 - "$work" "$top/tests/e2e" <<'EOP'
import csv, json, os, subprocess, sys
work, here = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(here, "..", "testbed"))
from tap import Tap
t = Tap()
sample = list(csv.DictReader(open(os.path.join(work, "sample.csv"))))
rows = list(csv.DictReader(open(os.path.join(work, "list.csv"))))
strata = {(r["country"], r["sector"]) for r in sample}
t.eq({(r["country"], r["sector"]) for r in rows}, strata,
     "the world serves every (country, sector) stratum of the sample (%d)" % len(strata))
snap = [json.loads(l) for l in open(os.path.join(work, "rows.jsonl")) if l.strip()]
t.eq(sorted(r["domain"] for r in snap), sorted(r["domain"] for r in rows),
     "one row per listed name (%d)" % len(rows))
t.ok(all(r["dns_status"] == "ok" for r in snap), "every name resolves in the world",
     [r["domain"] for r in snap if r["dns_status"] != "ok"][:20])
multi = [r["domain"] for r in rows if r["domain"].count(".") >= 2]
t.ok(len(multi) > 0, "names below multi-label suffixes crawled (%d, e.g. %s)"
     % (len(multi), ", ".join(multi[:3])))
p = subprocess.run([sys.executable, os.path.join(here, "compare.py"),
                    os.path.join(work, "truth.jsonl"), os.path.join(work, "rows.jsonl"),
                    "dns,dnssec", "--probes", "dns,dnssec"], capture_output=True, text=True)
bad = [l for l in p.stdout.splitlines() if l.startswith("not ok")]
t.ok(p.returncode == 0, "DNS and DNSSEC columns equal the world's truth, invariants hold "
     "(compare.py)", "\n".join(bad[:30]))
for by in ("country", "sector"):
    want = {}
    for r in rows:
        want[r[by]] = want.get(r[by], 0) + 1
    got = {}
    with open(os.path.join(work, "by-%s.csv" % by)) as f:
        for r in csv.DictReader(f):
            if r.get("metric") == "resolves":
                got[r[by]] = int(r["n"])
    t.eq(got, want, "uptake-stats --meta --by %s: group sizes equal the list's counts" % by)
sys.exit(t.done())
EOP
