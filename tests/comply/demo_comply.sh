#!/usr/bin/env bash
# demo_comply.sh - uptake-comply equals DuckDB SQL on a real crawl: draws
# the demo world and crawls it in a testbed of its own (namespace
# uptake-comply-eq) with tests/analysis/demo_crawl.sh, as demo_equal.sh
# does, every probe on (mail and the TLS policy scan included, which the
# profiles read), then runs
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
"$top/tests/analysis/demo_crawl.sh" "$bdir" "$work" "$domains" uptake-comply-eq
# The bundled lists' organisation column, which the demo world's meta
# lacks: one organisation per country and sector, none for every seventh.
awk -F, 'NR == 1 { print $0 ",organisation"; next }
	{ org = (NR % 7 == 0) ? "" : "Org " $2 "-" $3; print $0 "," org }' \
	"$work/meta.csv" > "$work/meta-org.csv"
# Exceptions: in force on the validation date, expired the day before,
# far ahead; ID and PROFILE:ID forms, over the shipped profiles' ids.
day=$(date -u -d "@$(cat "$work/world.time")" +%F)
before=$(date -u -d "$day - 1 day" +%F)
awk -F, -v day="$day" -v before="$before" '
	NR == 1 { print "domain,requirement,justification,until"; next }
	NR % 4 == 0 { print $1 ",dmarc,\"moving, phase " NR "\"," day }
	NR % 4 == 1 { print $1 ",internetnl-web:hsts,legacy portal," before }
	NR % 4 == 2 { print $1 ",spf,mail moves,2099-12-31" }' \
	"$work/meta-org.csv" > "$work/exceptions.csv"
echo "# demo world, $domains domains, validation date $day"
exec node "$top/tests/duckdb/comply_equal.mjs" "$bdir/analysis/uptake-comply" \
	"$work/snapshot" "$work/meta-org.csv" "$work/exceptions.csv" "$work" "$@"
