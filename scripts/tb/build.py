#!/usr/bin/env python3
"""Build a world's state directory: zones, keys, server configurations,
routing and geo data, the crawl list, the metadata CSV and the ground truth.

    build.py WORLD_FILE STATE_DIR [--time UNIX_SECONDS]

The world time T (default: now) is the instant every signature and
certificate is made relative to; the crawl validates at T
(--validation-time) so that the truth holds whenever the testbed runs.
STATE_DIR/truth.jsonl has one JSON object per domain, in list order, with
every schema v1 column the world determines (null: the crawl must record
null).  Columns the world does not determine (timings, error text) are left
out.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import world as worldmod  # noqa: E402
import plan as planmod    # noqa: E402
import dnsgen             # noqa: E402
import webgen             # noqa: E402
import mailgen            # noqa: E402
import routegen           # noqa: E402
import tlsgen             # noqa: E402

# Each generator: generate(world, plan, state_dir, T) writes its files and
# STATE_DIR/<part>/start.sh; truth(world, plan, T) -> {domain: {column: value}}.
# webgen first (the test PKI), then mailgen (certificates, and the records it
# hands dnsgen in mail/records.json: TLSA made from them), then the zones;
# tlsgen last (the tlspol= servers; it issues from webgen's RSA intermediate).
GENERATORS = (webgen, mailgen, dnsgen, routegen, tlsgen)


def identity_truth(world, plan, list_name):
    out = {}
    for i, d in enumerate(world.domains):
        out[d.name] = {
            "input_index": i,
            "domain": d.name,
            "rank": d["rank"] if d["rank"] is not None else i + 1,
            "list": list_name,
            "probed_host": plan[d.name].probed_host,
        }
    return out


def write_lists(world, state):
    with open(os.path.join(state, "list.csv"), "w") as f:
        for i, d in enumerate(world.domains):
            f.write("%d,%s\n" % (d["rank"] if d["rank"] is not None else i + 1, d.name))
    with open(os.path.join(state, "meta.csv"), "w") as f:
        f.write("domain,country,sector\n")
        for d in world.domains:
            f.write("%s,%s,%s\n" % (d.name, d["country"], d["sector"]))


def write_addresses(plan, state):
    v4, v6 = plan.local_addresses()
    with open(os.path.join(state, "addresses"), "w") as f:
        for a in v4:
            f.write("%s/32\n" % a)
        for a in v6:
            f.write("%s/128\n" % a)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("world")
    ap.add_argument("state")
    ap.add_argument("--time", type=int, default=None)
    args = ap.parse_args()
    T = args.time if args.time is not None else int(time.time())
    try:
        world = worldmod.parse(args.world)
    except worldmod.WorldError as e:
        print("testbed: %s" % e, file=sys.stderr)
        return 2
    plan = planmod.Plan(world)
    os.makedirs(args.state, exist_ok=True)
    with open(os.path.join(args.state, "world.time"), "w") as f:
        f.write("%d\n" % T)
    write_lists(world, args.state)
    write_addresses(plan, args.state)

    truth = identity_truth(world, plan, "list.csv")
    for gen in GENERATORS:
        gen.generate(world, plan, args.state, T)
        for name, cols in gen.truth(world, plan, T).items():
            clash = set(cols) & set(truth[name])
            if clash:
                raise SystemExit("testbed: %s: columns %s set twice" % (name, sorted(clash)))
            truth[name].update(cols)
    with open(os.path.join(args.state, "truth.jsonl"), "w") as f:
        for d in world.domains:
            f.write(json.dumps(truth[d.name], sort_keys=True, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
