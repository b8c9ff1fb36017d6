#!/usr/bin/env bash
# Record the core world for the replay tests (docs/replay.md).  Needs root
# and the testbed; run by hand when the core world changes:
#   tests/replay/record.sh BUILD_DIR
# It crawls the core world with --probes dns,dnssec in record mode
# (UPTAKE_QUERY_RECORD), then writes into tests/replay/:
#   core.rpl     every query and reply of the crawl, one entry per distinct
#                (name, type, outcome, reply) in the order first met
#   core.key     the world's trust anchor (root DS)
#   core.time    the world's validation time
#   core.truth   the expected probed_host, dns, dnssec and email columns
#                of every domain, from the world's truth.jsonl
#   *.rpl, anchor-*.key   the crafted cases (craft.py), copies of recorded
#                replies edited
set -euo pipefail
bdir=$(cd "${1:?usage: record.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export UPTAKE_NETNS=${UPTAKE_NETNS:-uptake-replay}
export UPTAKE_TESTBED_DIR=${UPTAKE_TESTBED_DIR:-$top/.testbed-replay}
tmp=$(mktemp -d /tmp/uptake-record.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/inside.sh" <<'INSIDE'
set -euo pipefail
S=$UPTAKE_TESTBED_STATE
UPTAKE_QUERY_RECORD="$OUT/raw.rpl" "$BDIR/crawler/uptake-crawl" \
	--list "$S/list.csv" --out "$OUT/snap" \
	--resolver 192.0.2.53 --trust-anchor "$S/root.key" \
	--validation-time "$(cat "$S/world.time")" --probes dns,dnssec \
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \
	--concurrency 50 --timeout 30 2>"$OUT/crawl.log"
cp "$S/root.key" "$OUT/core.key"
cp "$S/world.time" "$OUT/core.time"
cp "$S/truth.jsonl" "$OUT/truth.jsonl"
"$BDIR/analysis/uptake-dump" --jsonl "$OUT/snap" >"$OUT/rows.jsonl"
INSIDE
OUT=$tmp BDIR=$bdir "$top/scripts/testbed" run "$top/tests/worlds/core" -- \
	bash "$tmp/inside.sh"
python3 "$here/compact.py" "$tmp/raw.rpl" "$here/core.rpl"
cp "$tmp/core.key" "$here/core.key"
cp "$tmp/core.time" "$here/core.time"
python3 "$here/truth.py" "$tmp/truth.jsonl" >"$here/core.truth"
python3 "$here/craft.py" "$here"
ls -la "$here/core.rpl" "$here/core.truth"
