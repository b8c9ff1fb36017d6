#!/usr/bin/env python3
"""Compact a recorded replay file (docs/replay.md): keep one entry per
distinct (name, type, outcome, reply text), in the order first met.  The
recorder already writes reply IDs as 0, so repeats are identical text.
A key whose distinct entries follow one another keeps them in that order
(the replay answers them in turn, the last again)."""
import sys

src, dst = sys.argv[1], sys.argv[2]
entries, cur = [], []
with open(src) as f:
    for line in f:
        if line == 'ENTRY\n':
            cur = [line]
        elif line == 'END\n':
            cur.append(line)
            entries.append(''.join(cur))
            cur = []
        elif cur:
            cur.append(line)
seen, out = set(), []
for e in entries:
    # Volatile lines of ldns_pkt2str: query time, server, when, size.
    body = ''.join(l for l in e.splitlines(True)
                   if not l.startswith((';; Query time', ';; SERVER',
                                        ';; WHEN', ';; MSG SIZE')))
    if body in seen:
        continue
    seen.add(body)
    out.append(body)
with open(dst, 'w') as f:
    f.write('# The core world (tests/worlds/core) as the crawler saw it: recorded\n'
            '# by tests/replay/record.sh (--probes dns,dnssec).  Format:\n'
            '# docs/replay.md.\n\n')
    for e in out:
        f.write(e + '\n')
print(f'{len(entries)} entries recorded, {len(out)} kept', file=sys.stderr)
