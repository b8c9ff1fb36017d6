#!/usr/bin/env bash
# cli_test.sh - uptake-comply's command line: exit codes and the one-line
# messages naming file and line for a bad profile, a bad exceptions file
# and a bad meta file; usage errors; a snapshot without a date given
# exceptions; the three output formats agree.  TAP on stdout.
#
#   cli_test.sh GEN_SYNTH UPTAKE_COMPLY WORKDIR
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$1 comply=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
n=0 failed=0
check() {	# check NAME WANT_STATUS STDERR_REGEX|EMPTY -- COMMAND...
	local name=$1 want=$2 re=$3
	shift 4
	"$@" >"$work/out" 2>"$work/err"
	local st=$?
	n=$((n + 1))
	if [ "$st" = "$want" ] && { if [ "$re" = EMPTY ]; then [ ! -s "$work/err" ]; \
	    else grep -Eq -- "$re" "$work/err"; fi; }; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name (status $st, want $want)"
		sed 's/^/#   /' "$work/err" | head -5
	fi
}
"$gen" "$work/snap" 300 --meta "$work/meta.csv" >/dev/null 2>&1
"$gen" "$work/nodate" 50 --kv uptake.crawl_start= >/dev/null 2>&1
p=$top/tests/comply/synth.conf
printf 'profile x\nversion 1\n\nrequire a | t | hsts IS TRUE | - | s | | 2020-01-01\n' >"$work/bad.conf"
printf 'domain,requirement,justification,until\na.example,dnssec,why,2020-01-01\nb.example,nope,why,2020-01-01\n' >"$work/bad-exc.csv"
printf 'domain,country,sector\na.example,XYZ,x\n' >"$work/bad-meta.csv"

check "no --profile: usage" 2 "^usage: uptake-comply" -- "$comply" "$work/snap"
check "no snapshot: usage" 2 "^usage: uptake-comply" -- "$comply" --profile "$p"
check "--by sector without --meta" 2 "^uptake-comply: --by sector needs --meta$" -- \
	"$comply" "$work/snap" --profile "$p" --by sector
check "--by bogus" 2 "--by: 'bogus' is not country, sector or organisation" -- \
	"$comply" "$work/snap" --profile "$p" --by bogus
check "bad profile: file:line" 2 "bad.conf:4: empty section" -- \
	"$comply" "$work/snap" --profile "$work/bad.conf"
check "missing profile file" 2 "nonexistent.conf: No such file" -- \
	"$comply" "$work/snap" --profile "$work/nonexistent.conf"
check "the same profile twice" 2 "profile synth is also" -- \
	"$comply" "$work/snap" --profile "$p" --profile "$p"
check "bad exceptions: file:line" 2 "bad-exc.csv:3: requirement 'nope' is in no profile given" -- \
	"$comply" "$work/snap" --profile "$p" --exceptions "$work/bad-exc.csv"
check "bad meta: file:line" 2 "bad-meta.csv:2: country 'XYZ'" -- \
	"$comply" "$work/snap" --profile "$p" --meta "$work/bad-meta.csv"
check "--by organisation without the column" 2 "needs a header line naming domain and organisation" -- \
	"$comply" "$work/snap" --profile "$p" --meta "$work/meta.csv" --by organisation
check "unreadable snapshot" 1 "nosuch" -- "$comply" "$work/nosuch" --profile "$p"
printf 'domain,requirement,justification,until\n' >"$work/empty-exc.csv"
check "exceptions on a snapshot without a date" 1 "no exception can be dated" -- \
	"$comply" "$work/nodate" --profile "$p" --exceptions "$work/empty-exc.csv"
check "without exceptions a dateless snapshot is fine" 0 EMPTY -- \
	"$comply" "$work/nodate" --profile "$p"
check "the same snapshot twice: duplicates refused" 1 "duplicate rows.*--dedupe keep-first" -- \
	"$comply" "$work/snap" "$work/snap" --profile "$p"
check "--dedupe bogus" 2 "--dedupe: 'bogus' is not refuse or keep-first" -- \
	"$comply" "$work/snap" --profile "$p" --dedupe bogus
"$comply" "$work/snap" --profile "$p" --format csv >"$work/once.csv" 2>/dev/null
check "--dedupe keep-first: says what it dropped" 0 "dropped 300 duplicate rows" -- \
	"$comply" "$work/snap" "$work/snap" --profile "$p" --dedupe keep-first --format csv
n=$((n + 1))
if cmp -s "$work/out" "$work/once.csv"; then echo "ok $n - --dedupe keep-first: the figures of the snapshot once"
else failed=$((failed + 1)); echo "not ok $n - --dedupe keep-first: the figures of the snapshot once"; fi
check "--help exits 0" 0 EMPTY -- "$comply" --help

# The formats agree: the CSV's k and n against the JSON's, and -o writes
# what stdout gets.
"$comply" "$work/snap" --profile "$p" --meta "$work/meta.csv" --by country --format csv >"$work/a.csv"
"$comply" "$work/snap" --profile "$p" --meta "$work/meta.csv" --by country --format json -o "$work/a.json"
"$comply" "$work/snap" --profile "$p" --meta "$work/meta.csv" --by country --format md >"$work/a.md"
n=$((n + 1))
if python3 - "$work/a.csv" "$work/a.json" "$work/a.md" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
j = json.load(open(sys.argv[2]))
groups = {g["group"]: g for g in j["profiles"][0]["groups"]}
md = open(sys.argv[3]).read()
assert len(rows) == len(groups) > 1, (len(rows), len(groups))
for r in rows:
    g = groups[r["group"]]
    assert (int(r["n"]), int(r["k"]), int(r["domains"])) == (g["n"], g["k"], g["domains"]), r
    assert f"| {r['group']} | {r['domains']} | {r['n']} | {r['k']} |" in md, r["group"]
PY
then echo "ok $n - csv, json (-o) and md give the same domains, n and k"
else failed=$((failed + 1)); echo "not ok $n - csv, json (-o) and md give the same domains, n and k"; fi
echo "1..$n"
[ "$failed" = 0 ]
