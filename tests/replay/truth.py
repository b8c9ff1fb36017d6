#!/usr/bin/env python3
"""The expected rows of the replay test (tests/replay/core.truth): from the
world's truth.jsonl, each domain's input_index, domain and the columns of
the groups the DNS probe fills (the groups of tests/e2e/compare.py:
probed_host, dns, dnssec, email), one JSON object per line.  The same
comparison rule as compare.py: a column present in the truth (null
included) must equal the row's.

    truth.py TRUTH_JSONL > core.truth
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from compare import GROUPS  # noqa: E402

COLS = ["probed_host"] + GROUPS["dns"] + GROUPS["dnssec"] + GROUPS["email"]

with open(sys.argv[1]) as f:
    truth = [json.loads(line) for line in f if line.strip()]
for t in sorted(truth, key=lambda t: t["input_index"]):
    row = {"input_index": t["input_index"], "domain": t["domain"]}
    for c in COLS:
        if c in t:
            row[c] = t[c]
    print(json.dumps(row, sort_keys=False))
