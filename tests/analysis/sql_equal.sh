#!/usr/bin/env bash
# sql_equal.sh - uptake-stats equals DuckDB SQL (tests/duckdb/stats_equal.mjs)
# for every metric and group, on a snapshot.  TAP on stdout.
#
#   sql_equal.sh synthetic GEN_SYNTH UPTAKE_STATS WORKDIR [ROWS]
#       a synthetic snapshot of ROWS rows (default 1000000) and its meta
#   sql_equal.sh snapshot UPTAKE_STATS SNAPSHOT_DIR META_CSV
#       an existing snapshot, e.g. a crawl of the demo world (scripts/demo
#       writes one; the meson test stats-sql-equal-demo uses this mode)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# Every key and combination the tool has, the three forced country
# sources, and rank weighting.
specs=(--by country --by country,sector --by country@cctld --by country@hosting
	--by list,tld --by hosting-country,asn+weight --by all+weight
	--by ns_operator --by mx_operator --by country,ns_operator
	--by sector,mx_operator --by country,sector,ns_operator
	--by hosting_asn,country@cctld)
case "${1:-}" in
synthetic)
	gen=$2 stats=$3 work=$4 rows=${5:-1000000}
	rm -rf "$work"
	mkdir -p "$work"
	"$gen" "$work/snap" "$rows" --meta "$work/meta.csv" --part-rows 250000 --level 3 >&2
	snap=$work/snap meta=$work/meta.csv
	;;
snapshot)
	stats=$2 snap=$3 meta=$4
	;;
*)
	echo "usage: sql_equal.sh synthetic GEN_SYNTH UPTAKE_STATS WORKDIR [ROWS] | snapshot UPTAKE_STATS DIR META" >&2
	exit 2
	;;
esac
exec node "$top/tests/duckdb/stats_equal.mjs" "$stats" "$snap" --meta "$meta" "${specs[@]}"
