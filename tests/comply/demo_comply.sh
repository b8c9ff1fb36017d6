#!/usr/bin/env bash
# demo_comply.sh - uptake-comply equals DuckDB SQL on a real crawl: draws
# the demo world (scripts/tb/gen_demo.py), crawls it in a testbed of its
# own (UPTAKE_TESTBED_DIR, default WORKDIR/testbed; UPTAKE_NETNS, default
# uptake-comply-eq) as tests/analysis/demo_equal.sh does, every probe
# on (mail and the TLS policy scan included, which the profiles read), then runs
# tests/duckdb/comply_equal.mjs on the snapshot with the shipped profiles
# and exceptions around the crawl's validation date: every per-domain
# verdict and the "meets all" k and n per group.  TAP on stdout.  Needs
# root (network namespaces).
#
#   demo_comply.sh BUILD_DIR WORKDIR DOMAINS -- PROFILE...
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$1 work=$2 domains=$3
shift 3
[ "${1:-}" = -- ] && shift
rm -rf "$work"
mkdir -p "$work"
python3 "$top/scripts/tb/gen_demo.py" --domains "$domains" --seed 2026 "$work/world" >&2
cat >"$work/crawl.sh" <<EOS
#!/usr/bin/env bash
set -euo pipefail
S=\$UPTAKE_TESTBED_STATE
cp "\$S/meta.csv" "$work/meta3.csv"
cp "\$S/world.time" "$work/world.time"
"$bdir/crawler/uptake-crawl" --list "\$S/list.csv" --list-name demo \\
	--out "$work/snapshot" --resolver 192.0.2.53 \\
	--trust-anchor "\$S/root.key" --validation-time "\$(cat "\$S/world.time")" \\
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \\
	--vrps "\$S/routing/vrps.json" --bgp "\$S/routing/pfx2as.txt" \\
	--geoip "\$S/routing/geo.mmdb" --asn-db "\$S/routing/asn.mmdb" \\
	--probes dns,dnssec,rpki,geo,tls,http,mail,ns,tlspolicy \\
	--concurrency 500 --quiet 2>"$work/crawl.log" || { cat "$work/crawl.log" >&2; exit 1; }
EOS
chmod +x "$work/crawl.sh"
UPTAKE_TESTBED_DIR=${UPTAKE_TESTBED_DIR:-$work/testbed} \
UPTAKE_NETNS=${UPTAKE_NETNS:-uptake-comply-eq} \
	"$top/scripts/testbed" run "$work/world" -- "$work/crawl.sh" >&2
# The bundled lists' organisation column, which the demo world's meta
# lacks: one organisation per country and sector, none for every seventh.
awk -F, 'NR == 1 { print $0 ",organisation"; next }
	{ org = (NR % 7 == 0) ? "" : "Org " $2 "-" $3; print $0 "," org }' \
	"$work/meta3.csv" > "$work/meta.csv"
# Exceptions: in force on the validation date, expired the day before,
# far ahead; ID and PROFILE:ID forms, over the shipped profiles' ids.
day=$(date -u -d "@$(cat "$work/world.time")" +%F)
before=$(date -u -d "$day - 1 day" +%F)
awk -F, -v day="$day" -v before="$before" '
	NR == 1 { print "domain,requirement,justification,until"; next }
	NR % 4 == 0 { print $1 ",dmarc,\"moving, phase " NR "\"," day }
	NR % 4 == 1 { print $1 ",internetnl-web:hsts,legacy portal," before }
	NR % 4 == 2 { print $1 ",spf,mail moves,2099-12-31" }' \
	"$work/meta.csv" > "$work/exceptions.csv"
echo "# demo world, $domains domains, validation date $day"
exec node "$top/tests/duckdb/comply_equal.mjs" "$bdir/analysis/uptake-comply" \
	"$work/snapshot" "$work/meta.csv" "$work/exceptions.csv" "$work" "$@"
