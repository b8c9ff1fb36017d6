#!/usr/bin/env bash
# No domain silently lost, at scale: a 100,000-domain bench world under 3
# TLDs crawled at 10,000 domains in flight, stopped by SIGTERM and resumed
# (tests/e2e/bench_crawl.py).  Usage: bench_100k.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 bdir=$2
world=$bdir/bench-100k.world
python3 "$src/scripts/tb/gen_bench.py" --domains "${BENCH_DOMAINS:-100000}" --tlds 3 "$world"
# Root, 3 TLDs (and net): DNSKEY validations must not grow with domains.
exec "$src/scripts/testbed" run "$world" -- python3 "$src/tests/e2e/bench_crawl.py" "$bdir" \
	"${BENCH_CONCURRENCY:-10000}" 60 10
