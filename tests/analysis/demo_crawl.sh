#!/usr/bin/env bash
# demo_crawl.sh - the demo world crawled, for the tests that check a tool
# on a real crawl (demo_equal.sh, tests/comply/demo_comply.sh): draws the
# demo world (scripts/tb/gen_demo.py, seed 2026), brings it up in a
# testbed of its own (state under WORKDIR/testbed, namespace NETNS: each
# caller its own, so that two such tests can run at once) and crawls it with uptake-crawl, every probe
# and the TLS policy scan, routing, RPKI and geo data from the world.
# Leaves in WORKDIR (emptied first): world, snapshot/, crawl.log, and the
# world's meta.csv and world.time.  Progress on stderr.
#
#   demo_crawl.sh BUILD_DIR WORKDIR DOMAINS NETNS
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$1 work=$2 domains=$3 netns=$4
rm -rf "$work"
mkdir -p "$work"
python3 "$top/scripts/tb/gen_demo.py" --domains "$domains" --seed 2026 "$work/world" >&2
cat >"$work/crawl.sh" <<EOS
#!/usr/bin/env bash
set -euo pipefail
S=\$UPTAKE_TESTBED_STATE
cp "\$S/meta.csv" "\$S/world.time" "$work/"
"$bdir/crawler/uptake-crawl" --list "\$S/list.csv" --list-name demo \\
	--out "$work/snapshot" --resolver 192.0.2.53 \\
	--trust-anchor "\$S/root.key" --validation-time "\$(cat "\$S/world.time")" \\
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \\
	--vrps "\$S/routing/vrps.json" --bgp "\$S/routing/pfx2as.txt" \\
	--geoip "\$S/routing/geo.mmdb" --asn-db "\$S/routing/asn.mmdb" \\
	--probes all,tlspolicy \\
	--concurrency 500 --quiet 2>"$work/crawl.log" || { cat "$work/crawl.log" >&2; exit 1; }
EOS
chmod +x "$work/crawl.sh"
UPTAKE_TESTBED_DIR=$work/testbed UPTAKE_NETNS=$netns \
	"$top/scripts/testbed" run "$work/world" -- "$work/crawl.sh" >&2
