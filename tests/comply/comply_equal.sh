#!/usr/bin/env bash
# comply_equal.sh - uptake-comply equals DuckDB SQL (tests/duckdb/
# comply_equal.mjs): every per-domain verdict and the "meets all" k and n
# per group, on synthetic snapshots: one whole, one written without
# hsts_max_age (an older schema: the requirement reading it is
# not_measured, never fail).  TAP on stdout.
#
#   comply_equal.sh GEN_SYNTH UPTAKE_COMPLY WORKDIR [ROWS] -- PROFILE...
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$1 comply=$2 work=$3 rows=${4:-6000}
shift 4
[ "${1:-}" = -- ] && shift
rm -rf "$work"
mkdir -p "$work/whole" "$work/drop"
profiles=("$top/tests/comply/synth.conf" "$top/tests/comply/synth-pending.conf" "$@")

"$gen" "$work/whole/snap" "$rows" --meta "$work/meta3.csv" --part-rows 2500 --date 2026-03-01 >&2
"$gen" "$work/drop/snap" "$rows" --part-rows 2500 --date 2026-03-01 --drop hsts_max_age >&2
# The bundled lists' fourth column: an organisation for most domains (one
# per country and sector), none for every seventh.
awk -F, 'NR == 1 { print $0 ",organisation"; next }
	{ org = (NR % 7 == 0) ? "" : "Org " $2 "-" $3; print $0 "," org }' \
	"$work/meta3.csv" > "$work/meta.csv"
# Exceptions around the snapshot's date (2026-03-01): in force on the day,
# expired the day before, far ahead; plain ID and PROFILE:ID.
awk -F, 'NR == 1 { print "domain,requirement,justification,until"; next }
	NR % 5 == 0 { print $1 ",https_hsts,\"migration, phase " NR "\",2026-03-01" }
	NR % 5 == 1 { print $1 ",synth:spf,mail moves,2026-02-28" }
	NR % 5 == 2 { print $1 ",xfo,legacy portal,2030-12-31" }
	NR % 5 == 3 { print $1 ",dnssec,registrar,2026-03-02" }' \
	"$work/meta.csv" > "$work/exceptions.csv"

# Two runs of the checker, renumbered into one TAP stream.
status=0
for snap in whole drop; do
	echo "# snapshot: $snap"
	node "$top/tests/duckdb/comply_equal.mjs" "$comply" "$work/$snap/snap" \
		"$work/meta.csv" "$work/exceptions.csv" "$work/$snap" \
		"${profiles[@]}" > "$work/$snap.tap" || status=1
done
cat "$work/whole.tap" "$work/drop.tap" | awk '
	/^(not )?ok [0-9]+/ { n++; sub(/ok [0-9]+/, "ok " n); print; next }
	/^1\.\./ { next }
	{ print }
	END { print "1.." n }'
exit $status
