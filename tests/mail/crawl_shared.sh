#!/bin/sh
# crawl_shared.sh SOURCE_ROOT OUT_DIR BUILD_DIR: draw the 1,000-domain,
# 3-MX-host world (scripts/tb/gen_mailbench.py) into OUT_DIR, bring it up
# and crawl it with the mail probe: each MX address must receive exactly
# one SMTP connection, counted from the servers' logs, and every row's mail
# columns must equal the truth (tests/mail/crawl_shared.py).
set -eu
top=$1
out=$2
bdir=$3
mkdir -p "$out"
python3 "$top/scripts/tb/gen_mailbench.py" --domains 1000 "$out/world"
exec "$top/scripts/testbed" run "$out" -- python3 "$top/tests/mail/crawl_shared.py" "$bdir"
