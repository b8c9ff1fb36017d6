#!/usr/bin/env bash
# End-to-end: crawl the world that is up (run through scripts/testbed run)
# and compare the snapshot with the ground truth.
#   crawl_core.sh BUILD_DIR GROUPS PROBES [MODE]
# MODE: truth (compare.py, default), unbound (unbound_agree.py), tools
# (web_agree.py: TLS and HTTP columns against openssl s_client and curl) or
# realzone (truth, plus every DS fact against the parents' zone files).
# In truth and realzone modes compare.py also checks the invariants of
# tests/realzone/invariants.py over every row (--probes PROBES).
# With tls, http or mail in PROBES the crawl trusts the world's test CA
# (--ca-file STATE/web/ca.pem).
# UPTAKE_E2E_VRPS=json|csv|rtr adds the world's routing and geo data:
# --vrps (vrps.json, vrps-rpki-client.csv or the RTR server), --bgp
# (pfx2as.txt; rib.txt with csv), --geoip, --asn-db.
set -euo pipefail
bdir=$1 groups=$2 probes=$3 mode=${4:-truth}
here=$(cd "$(dirname "$0")" && pwd)
S=${UPTAKE_TESTBED_STATE:?run through scripts/testbed run}
out=$(mktemp -d /tmp/uptake-e2e.XXXXXX)
trap 'rm -rf "$out"' EXIT
data=()
case ${UPTAKE_E2E_VRPS:-} in
json) data=(--vrps "$S/routing/vrps.json" --bgp "$S/routing/pfx2as.txt") ;;
csv) data=(--vrps "$S/routing/vrps-rpki-client.csv" --bgp "$S/routing/rib.txt") ;;
rtr) data=(--vrps rtr://192.0.2.8:8282 --bgp "$S/routing/pfx2as.txt") ;;
esac
case ,$probes, in
*,tls,*|*,http,*|*,mail,*) data+=(--ca-file "$S/web/ca.pem") ;;
esac
# A world that ships an HSTS preload list (webgen copies it): hsts_preloaded.
case ,$probes, in
*,http,*) [ -f "$S/web/hsts_preload.json" ] &&
	data+=(--hsts-preload "$S/web/hsts_preload.json") ;;
esac
if [ -n "${UPTAKE_E2E_VRPS:-}" ]; then
	data+=(--geoip "$S/routing/geo.mmdb" --asn-db "$S/routing/asn.mmdb")
fi
"$bdir/crawler/uptake-crawl" --list "$S/list.csv" --out "$out/snap" "${data[@]}" \
	--resolver 192.0.2.53 --trust-anchor "$S/root.key" \
	--validation-time "$(cat "$S/world.time")" --probes "$probes" \
	--allow-prefix 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \
	--concurrency 50 --timeout 30 2>"$out/crawl.log" || rc=$?
cat "$out/crawl.log" >&2
[ "${rc:-0}" -eq 0 ] || exit "$rc"
"$bdir/analysis/uptake-dump" --jsonl "$out/snap" >"$out/rows.jsonl"
if [ "$mode" = tools ]; then
	exec python3 "$here/web_agree.py" "$out/rows.jsonl" "$S/web/ca.pem" \
		"$(cat "$S/world.time")"
fi
if [ "$mode" = unbound ]; then
	exec python3 "$here/unbound_agree.py" "$out/rows.jsonl"
fi
extra=()
[ "$mode" = realzone ] && extra=(--ds-zones "$S/dns/tld")
python3 "$here/compare.py" "$S/truth.jsonl" "$out/rows.jsonl" "$groups" \
	"$out/crawl.log" --probes "$probes" "${extra[@]}"
