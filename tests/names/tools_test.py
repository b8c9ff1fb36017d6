#!/usr/bin/env python3
"""Every tool the testbed and the benchmarks exec comes from a package
that scripts/deps installs, and a missing one stops them at once with the
package's name (issue 13 point 0).  No root needed: the scripts check
their tools before anything else.

  - each `need TOOL PACKAGE` of scripts/testbed and each entry of
    scripts/bench's NEEDS names a package of scripts/deps; where the tool
    is installed, dpkg says that package owns it;
  - with a tool hidden from PATH, scripts/bench and scripts/testbed exit
    non-zero within seconds with "TOOL not found (Debian package PACKAGE:
    run scripts/deps)" and start nothing.

  tools_test.py SOURCE_ROOT WORKDIR
"""

import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

# A namespace and state of its own, in case an old testbed gets as far as
# creating them.
NETNS = "uptake-needtools"
# Where Debian packages put programs.
SYSTEM_DIRS = ("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/")


def deps_packages(top):
    """Every package scripts/deps can install (all its arrays)."""
    text = open(os.path.join(top, "scripts", "deps")).read()
    pkgs = set()
    for m in re.finditer(r"^\s*[A-Z_]+_PKGS\+?=\(([^)]*)\)", text, re.M | re.S):
        body = re.sub(r"#[^\n]*", "", m.group(1))
        pkgs.update(body.split())
    return pkgs


def testbed_needs(top):
    text = open(os.path.join(top, "scripts", "testbed")).read()
    needs = re.findall(r"^\s*need (\S+) (\S+)\s*$", text, re.M)
    needs += [("perl:" + m, p) for m, p in
              re.findall(r"need_perl_module (\S+) (\S+)", text)]
    return needs


def bench_module(top):
    path = os.path.join(top, "scripts", "bench")
    loader = importlib.machinery.SourceFileLoader("uptake_bench", path)
    spec = importlib.util.spec_from_loader("uptake_bench", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def owners(path):
    """Packages dpkg says own path (trying the /usr-merged twin too)."""
    cands = [path, os.path.realpath(path)]
    for c in list(cands):
        if c.startswith("/usr/"):
            cands.append(c[4:])
        else:
            cands.append("/usr" + c)
    found = set()
    for c in cands:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if line.startswith("diversion by "):
                found.add(line.split()[2])
                continue
            pk, _, f = line.partition(": ")
            if f.strip() == c:
                found.update(x.strip().split(":")[0] for x in pk.split(","))
    return found


def depends(pkg):
    """The packages pkg depends on directly (python3: python3-minimal)."""
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Depends},${Pre-Depends}", pkg],
                       capture_output=True, text=True)
    out = set()
    for alt in r.stdout.split(","):
        for a in alt.split("|"):
            a = a.strip().split(" ")[0].split(":")[0]
            if a:
                out.add(a)
    return out


def fake_path(work, hidden):
    """A directory of links to everything on PATH but the hidden tools."""
    d = os.path.join(work, "path-without-" + "-".join(sorted(hidden)))
    if os.path.isdir(d):
        return d
    os.makedirs(d)
    for p in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(p):
            continue
        for n in os.listdir(p):
            f = os.path.join(p, n)
            if n in hidden or os.path.lexists(os.path.join(d, n)):
                continue
            if os.path.isfile(f) and os.access(f, os.X_OK):
                os.symlink(f, os.path.join(d, n))
    return d


def run_without(work, hidden, cmd, env_extra=None):
    env = dict(os.environ, PATH=fake_path(work, hidden))
    env.update(env_extra or {})
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           timeout=300)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        rc, err = None, "timed out"
    return rc, err, time.monotonic() - t0


def main():
    top, work = sys.argv[1:3]
    t = Tap()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pkgs = deps_packages(top)
    t.ok(len(pkgs) > 20, "scripts/deps: %d packages read" % len(pkgs))

    needs = testbed_needs(top)
    t.ok(len(needs) >= 15, "scripts/testbed: %d need lines" % len(needs))
    bench = bench_module(top)
    bneeds_by = getattr(bench, "NEEDS", {})
    bneeds = sorted({x for v in bneeds_by.values() for x in v})
    t.ok(set(bneeds_by) == {"dns", "cost", "tlspolicy", "memory", "latency",
                              "analysis", "snapshot", "rpki"},
         "scripts/bench: NEEDS covers every benchmark")
    perf = getattr(bench, "PERF_PACKAGE", None)
    t.ok(perf in pkgs, "bench's optional perf (%s) is in scripts/deps" % perf)
    for tool, pkg in needs + bneeds:
        t.ok(pkg in pkgs, "%s: package %s is installed by scripts/deps"
             % (tool, pkg))
        if tool.startswith("perl:"):
            mod = tool[5:]
            r = subprocess.run(["perl", "-M" + mod, "-e",
                                "print $INC{'%s'}" % (mod.replace("::", "/") + ".pm")],
                               capture_output=True, text=True)
            path = r.stdout.strip()
        else:
            path = shutil.which(tool)
        if path and not path.startswith(SYSTEM_DIRS) and not tool.startswith("perl:"):
            # PATH finds a local install first (pyenv, /usr/local): the
            # Debian one is what a fresh machine has.
            for d in SYSTEM_DIRS:
                if os.path.exists(d + tool):
                    path = d + tool
                    break
        if path:
            own = owners(path)
            t.ok(pkg in own or own & depends(pkg), "  %s (%s) belongs to %s "
                 "(or a package it depends on)" % (tool, path, pkg),
                 "dpkg -S: %s" % (", ".join(sorted(own)) or "no owner"))

    # Missing tools stop the scripts at once, naming the package.
    bench_cmd = [os.path.join(top, "scripts", "bench"), "--smoke"]
    for hidden, args, want in (
            ("dnsperf", ["dns"], "bench: dnsperf not found (Debian package "
             "dnsperf: run scripts/deps)"),
            ("time", ["memory"], "bench: time not found (Debian package time: "
             "run scripts/deps)"),
            ("node", ["analysis"], "bench: node not found (Debian package "
             "nodejs: run scripts/deps)")):
        rc, err, el = run_without(work, {hidden}, bench_cmd + args,
                                  {"BUILD_DIR": os.path.join(work, "no-build"),
                                   "UPTAKE_BENCH_NETNS": NETNS})
        t.ok(rc not in (0, None) and want in err and el < 20,
             "scripts/bench %s without %s: exit %s in %.1f s, naming the "
             "package" % (" ".join(args), hidden, rc, el), err[-1500:])

    tb_env = {"UPTAKE_NETNS": NETNS,
              "UPTAKE_TESTBED_DIR": os.path.join(work, "testbed")}
    world = os.path.join(top, "tests", "worlds", "core")
    for hidden, pkg in (("stayrtr", "stayrtr"), ("dig", "bind9-dnsutils"),
                        ("time", "time")):
        rc, err, el = run_without(
            work, {hidden}, [os.path.join(top, "scripts", "testbed"), "up",
                             world], tb_env)
        want = "testbed: %s not found (Debian package %s: run scripts/deps)" % (
            hidden, pkg)
        t.ok(rc == 1 and want in err and el < 20,
             "scripts/testbed up without %s: exit %s in %.1f s, naming the "
             "package" % (hidden, rc, el), err[-1500:])
        t.ok(not os.path.exists(os.path.join(work, "testbed", "state")),
             "  nothing built")
        subprocess.run([os.path.join(top, "scripts", "testbed"), "down"],
                       env=dict(os.environ, **tb_env), capture_output=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
