#!/bin/sh
# crawl_spfbench.sh SOURCE_ROOT OUT_DIR BUILD_DIR: draw the 10,000-domain
# world whose domains include one provider's SPF chain
# (scripts/tb/gen_spfbench.py) into OUT_DIR, bring it up with Unbound's
# query log on and crawl it: each of the chain's names is asked once
# (tests/spf/crawl_spfbench.py).
set -eu
top=$1
out=$2
bdir=$3
mkdir -p "$out"
python3 "$top/scripts/tb/gen_spfbench.py" --domains 10000 "$out/world"
UPTAKE_TESTBED_LOG_QUERIES=1
export UPTAKE_TESTBED_LOG_QUERIES
exec "$top/scripts/testbed" run "$out" -- python3 "$top/tests/spf/crawl_spfbench.py" "$bdir"
