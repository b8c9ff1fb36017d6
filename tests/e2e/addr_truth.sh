#!/bin/sh
# addr_truth.sh TOP ADDRCHECK - build the core world's state (no servers)
# into a temporary directory and check the address modules against its
# truth with every VRP file and both BGP formats (tests/e2e/addrcheck.c).
set -eu
top=$1
addrcheck=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! python3 "$top/scripts/tb/build.py" "$top/tests/worlds/core/world" \
	"$tmp/state" >"$tmp/build.log" 2>&1; then
	echo "addr_truth: building the core world failed:" >&2
	cat "$tmp/build.log" >&2
	exit 1
fi
"$addrcheck" --state "$tmp/state"
