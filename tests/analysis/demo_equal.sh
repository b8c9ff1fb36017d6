#!/usr/bin/env bash
# demo_equal.sh - uptake-stats equals DuckDB SQL on a real crawl: draws the
# demo world (scripts/tb/gen_demo.py), brings it up in a testbed of its
# own (state under WORKDIR, namespace uptake-demo-eq), crawls it with
# uptake-crawl (routing, RPKI and geo data from the world), then runs
# sql_equal.sh on the snapshot and the world's meta.csv.  TAP on stdout.
# Before that, the invariants of tests/realzone/invariants.py over every
# row (null means not attempted) and the world's variety
# (tests/analysis/demo_variety.py): a violation bails out, listing them.
# Needs root (network namespaces).
#
#   demo_equal.sh BUILD_DIR WORKDIR [DOMAINS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=$1 work=$2 domains=${3:-1500}
"$top/tests/analysis/demo_crawl.sh" "$bdir" "$work" "$domains" uptake-demo-eq
if ! python3 "$top/tests/realzone/invariants.py" "$work/snapshot" \
	--probes all --log "$work/crawl.log" \
	--dump "$bdir/analysis/uptake-dump" >"$work/invariants.tap"; then
	grep -v '^ok' "$work/invariants.tap" >&2
	echo "Bail out! the demo crawl breaks the invariants of tests/realzone/invariants.py ($work/invariants.tap)"
	exit 1
fi
# The demo world's variety (tests/analysis/demo_variety.py): TLS versions,
# the TLS policy classes, headers and mail not uniform.
if ! python3 "$top/tests/analysis/demo_variety.py" "$bdir/analysis/uptake-stats" \
	"$bdir/analysis/uptake-dump" "$work/snapshot" >"$work/variety.tap"; then
	grep -v '^ok' "$work/variety.tap" >&2
	echo "Bail out! the demo world's crawl is too uniform ($work/variety.tap)"
	exit 1
fi
exec "$top/tests/analysis/sql_equal.sh" snapshot "$bdir/analysis/uptake-stats" \
	"$work/snapshot" "$work/meta.csv"
