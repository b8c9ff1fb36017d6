#!/bin/sh
# mailbench.sh SOURCE_ROOT OUT_DIR: draw the 1,000-domain, 3-MX-host world
# (scripts/tb/gen_mailbench.py) into OUT_DIR and check, inside a testbed of
# it, that scripts/tb/smtp_connections.py counts every SMTP connection per
# server address exactly (tests/mail/connections.py).
set -eu
top=$1
out=$2
mkdir -p "$out"
python3 "$top/scripts/tb/gen_mailbench.py" --domains 1000 "$out/world"
exec "$top/scripts/testbed" run "$out" -- python3 "$top/tests/mail/connections.py"
