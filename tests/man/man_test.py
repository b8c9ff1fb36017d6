#!/usr/bin/env python3
"""The man pages (man/*.1) against the programs they describe.

For every program `meson install` puts in bindir (the build's
meson-info/intro-installed.json: a new installed tool needs a page too):

- man/TOOL.1 exists, is mdoc(7) (.Dt TOOL 1) and has the sections of
  REQUIRED_SECTIONS (ENVIRONMENT, FILES, STANDARDS where they apply);
- every flag of `TOOL --help` (--long and -x) is an item of the page's
  OPTIONS list, with the argument --help gives it (FILE, N, csv|json|md...),
  and the SYNOPSIS gives it the same argument;
- the reverse: no flag in the page that --help lacks.  Flags are taken
  from every Fl macro of the page and from its plain text; a Fl after
  `Xr PROGRAM 1` on its line, and a command line in an example display,
  are checked against the --help of the program they name (when that is
  one of ours), so cross-references and examples use real flags only.
  --help and --version need not be in --help's text: the page may list
  them when the program exits 0 on them;
- its SEE ALSO names the page of every other installed program;
- every value the program's error message lists for --probes is an item
  of the page (--help abbreviates them as dns,dnssec,...);
- the page renders without warnings: `mandoc -T lint -W warning` when
  mandoc is installed (scripts/deps installs it), else
  `groff -mdoc -ww -z` (any output is a warning);
- no page in man/ names a program that is not installed.

Then `meson install --destdir DIR --tags man` puts every page in
DIR/PREFIX/MANDIR/man1.

usage: man_test.py SOURCE_ROOT BUILD_ROOT MESON
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testbed"))
from tap import Tap  # noqa: E402

# A tool's --help must answer quickly; a hang is a failure, not a stall.
HELP_TIMEOUT_S = 30
# meson install of the man pages alone (no rebuild) on a loaded machine.
INSTALL_TIMEOUT_S = 300

# The sections every page has (issue 19 point 8); ENVIRONMENT, FILES and
# STANDARDS are per page, where they apply.
REQUIRED_SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                     "EXIT STATUS", "EXAMPLES", "SEE ALSO"]

# A flag in running text: --long or -x, not inside a word, a path or a
# range ("A-labels", "docs/x-y.md", "2026-11" are not flags).
FLAG_RE = re.compile(r"(?<![\w/.\-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
# The mdoc macros an OPTIONS item head may use (kept simple so that this
# test reads it without a formatter).
HEAD_MACROS = {"Fl", "Ar", "Ns", "Op", "Cm"}
# Flags a page may list without --help's text naming them, when the
# program accepts them.
IMPLICIT_FLAGS = ["--help", "--version"]
# Flags whose values --help abbreviates but whose error message names
# them all: (program, flag); each value must be an `It Cm VALUE` item.
VALUE_FLAGS = [("uptake-crawl", "--probes")]
# A value no flag takes, to make the program list the ones it does.
BAD_VALUE = "no-such-value"


def run(argv, timeout=HELP_TIMEOUT_S):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, "", str(e)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def strip_unbalanced(arg):
    """`KEY[,KEY...]]` -> `KEY[,KEY...]`: the usage line's own brackets."""
    while arg.endswith("]") and arg.count("]") > arg.count("["):
        arg = arg[:-1]
    return arg


def help_flags(text):
    """{flag: set of argument forms} from a --help text ('' = none)."""
    flags = {}
    for m in FLAG_RE.finditer(text):
        rest = text[m.end():]
        arg = ""
        am = re.match(r" ([^\s\[|\-][^\s]*)", rest)
        if am:
            arg = strip_unbalanced(am.group(1))
        flags.setdefault(m.group(1), set()).add(arg)
    return flags


def norm_arg(a):
    """Argument forms compared without blanks, alternatives as a set."""
    a = re.sub(r"\s+", "", a)
    if "|" in a and "[" not in a:
        return frozenset(a.split("|"))
    return a


def unescape(s):
    return (s.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")
            .replace("\\(en", "-").replace("\\(em", "-"))


def macro_tokens(line):
    """The words of an mdoc macro line (quotes kept together)."""
    try:
        return shlex.split(unescape(line[1:]), posix=True)
    except ValueError:
        return unescape(line[1:]).split()


# The mdoc(7) macros that may be called on a line (a word of a macro line
# that is one of these is a macro, not text).
MDOC_MACROS = set("""
    Ac Ad An Ao Ap Aq Ar At Bc Bd Bf Bk Bl Bo Bq Brc Bro Brq Bsx Bt Bx Cd Cm
    D1 Db Dc Dd Dl Do Dq Dt Dv Dx Ec Ed Ef Ek El Em En Eo Er Es Ev Ex Fa Fc
    Fd Fl Fn Fo Fr Ft Fx Hf Ic In It Lb Li Lk Lp Ms Mt Nd Nm No Ns Nx Oc Oo
    Op Os Ot Ox Pa Pc Pf Po Pp Pq Qc Ql Qo Qq Re Rs Rv Sc Sh Sm So Sq Ss St
    Sx Sy Ta Tn Ud Ux Va Vt Xc Xo Xr %A %B %C %D %I %J %N %O %P %Q %R %T %U
    %V
""".split())


def is_macro(tok):
    return tok in MDOC_MACROS


def fl_words(tokens):
    """The flags of the Fl macros among a macro line's tokens, each with
    the program an Xr before it on the line names (`Xr uptake-stats 1 Fl
    -meta`: a flag of uptake-stats), else None (this page's program)."""
    out = []
    in_fl = False
    prog = None
    for i, t in enumerate(tokens):
        if is_macro(t):
            in_fl = t == "Fl"
            if t == "Xr" and i + 1 < len(tokens):
                prog = tokens[i + 1]
            continue
        if in_fl and re.fullmatch(r"[\w-]+", t):
            out.append(("-" + t, prog))
    return out


def render_head(tokens):
    """An OPTIONS item head (`It Fl -by Ar KEY Ns Op , Ns Ar KEY...`) as
    (flag, argument text), or an error string."""
    flag = None
    arg = []
    macro = None
    nospace = False
    depth = 0
    for t in tokens[1:]:
        if is_macro(t):
            if t not in HEAD_MACROS:
                return "macro %s in an option head" % t
            if t == "Ns":
                nospace = True
            elif t == "Op":
                arg.append("" if nospace else " ")
                arg.append("[")
                depth += 1
                nospace = True
            macro = t
            continue
        if macro == "Fl" and flag is None:
            flag = "-" + t
            continue
        arg.append(("" if nospace else " ") + t)
        nospace = False
    arg.append("]" * depth)
    if flag is None:
        return "no Fl in the head"
    return flag, "".join(arg).strip()


def parse_page(path):
    """Sections, OPTIONS items, Fl flags and plain-text flags, example
    command lines of an mdoc page."""
    page = {"sections": [], "items": {}, "errors": [], "fl": set(),
            "text": set(), "commands": [], "dt": None, "synopsis": [],
            "cm_items": set(), "see_also": set()}
    section = None
    in_display = False
    in_options_list = 0
    pending = ""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if line.startswith(".\\\"") or line.startswith("'"):
            continue
        if line.startswith(".Dt "):
            page["dt"] = line.split()[1:]
        if line.startswith(".Sh "):
            section = unescape(line[4:]).strip().strip('"')
            page["sections"].append(section)
            continue
        if line.startswith(".Bd"):
            in_display = True
            continue
        if line.startswith(".Ed"):
            in_display = False
            pending = ""
            continue
        if in_display:
            text = unescape(line)
            if section == "EXAMPLES":
                # A command: "$ " or "# " first, continued by "\".
                body = pending + text
                if body.endswith("\\"):
                    pending = body[:-1] + " "
                    continue
                pending = ""
                cmd = re.sub(r"^[$#] ", "", body.strip())
                if body.strip()[:2] in ("$ ", "# "):
                    page["commands"].append((n, cmd))
                continue
            for m in FLAG_RE.finditer(text):
                page["text"].add((m.group(1), n))
            continue
        if line.startswith("."):
            toks = macro_tokens(line)
            if not toks:
                continue
            if section == "OPTIONS" and toks[0] == "Bl":
                in_options_list += 1
            elif section == "OPTIONS" and toks[0] == "El":
                in_options_list -= 1
            if section == "SEE ALSO" and toks[0] == "Xr" and len(toks) > 2:
                page["see_also"].add(toks[1])
            if toks[:2] == ["It", "Cm"] and len(toks) > 2:
                page["cm_items"].add(toks[2])
            if (section == "OPTIONS" and toks[0] == "It"
                    and in_options_list == 1):
                h = render_head(toks)
                if isinstance(h, str):
                    page["errors"].append("%s:%d: %s" % (path, n, h))
                else:
                    page["items"].setdefault(h[0], []).append((h[1], n))
            for fl, prog in fl_words(toks):
                page["fl"].add((fl, n, prog))
            if section == "SYNOPSIS":
                # "Fl -top Ar N": the argument the synopsis gives.
                for i in range(len(toks) - 3):
                    if (toks[i] == "Fl" and toks[i + 2] == "Ar"
                            and not is_macro(toks[i + 3])):
                        page["synopsis"].append(
                            ("-" + toks[i + 1], toks[i + 3], n))
            # Words of other macros that look like flags (Li, Ql, Dq ...)
            in_fl = False
            for tok in toks:
                if is_macro(tok):
                    in_fl = tok == "Fl"
                elif not in_fl:
                    for m in FLAG_RE.finditer(tok):
                        page["text"].add((m.group(1), n))
            continue
        for m in FLAG_RE.finditer(unescape(line)):
            page["text"].add((m.group(1), n))
    return page


def command_flags(cmd):
    """(program, [flags]) of an example command line; pipelines and
    lists split, the first word of each the program."""
    out = []
    for part in re.split(r"\|\||&&|[|;]", cmd):
        words = part.split()
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # VAR=value prefixes
        if not words:
            continue
        prog = os.path.basename(words[0])
        flags = []
        for w in words[1:]:
            m = re.fullmatch(r"(--[a-z][a-z0-9-]*|-[a-zA-Z])(=.*)?", w)
            if m:
                flags.append(m.group(1))
        out.append((prog, flags))
    return out


def lint(path):
    """(ok, what was said, which linter)."""
    mandoc = shutil.which("mandoc")
    if mandoc:
        rc, out, err = run([mandoc, "-T", "lint", "-W", "warning", path])
        said = (out + err).strip()
        return rc == 0 and said == "", said, "mandoc -T lint -W warning"
    groff = shutil.which("groff")
    if groff:
        rc, out, err = run([groff, "-mdoc", "-ww", "-z", path])
        said = (out + err).strip()
        return rc == 0 and said == "", said, "groff -mdoc -ww -z"
    return False, "neither mandoc nor groff is installed (scripts/deps)", "-"


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src, build, meson = sys.argv[1:]
    t = Tap()
    man_dir = os.path.join(src, "man")
    info = os.path.join(build, "meson-info")
    with open(os.path.join(info, "intro-installed.json")) as f:
        installed = json.load(f)
    with open(os.path.join(info, "intro-buildoptions.json")) as f:
        opts = {o["name"]: o["value"] for o in json.load(f)}
    prefix = opts["prefix"]
    bindir = os.path.join(prefix, opts["bindir"])
    mandir = os.path.join(prefix, opts["mandir"])

    tools = {}
    for built, dest in installed.items():
        if os.path.dirname(dest) == bindir:
            tools[os.path.basename(dest)] = built
    t.ok(len(tools) > 0, "installed programs found in %s" % bindir,
         json.dumps(installed, indent=1))

    helps = {}
    for name, built in sorted(tools.items()):
        rc, out, err = run([built, "--help"])
        if t.ok(rc == 0 and out.strip() != "",
                "%s --help exits 0 with a usage text" % name,
                "exit %d, stderr: %s" % (rc, err.strip())):
            helps[name] = help_flags(out)

    def implicit_ok(name, flag):
        if flag not in IMPLICIT_FLAGS or name not in tools:
            return False
        rc, out, _ = run([tools[name], flag])
        return rc == 0 and out.strip() != ""

    for name in sorted(tools):
        path = os.path.join(man_dir, name + ".1")
        if not t.ok(os.path.isfile(path), "man/%s.1 exists" % name):
            continue
        page = parse_page(path)
        missing = [s for s in REQUIRED_SECTIONS if s not in page["sections"]]
        dt_ok = page["dt"] is not None and page["dt"][:2] == [name.upper(), "1"]
        t.ok(not missing and dt_ok and not page["errors"],
             "%s.1: mdoc with .Dt %s 1 and sections %s" %
             (name, name.upper(), ", ".join(REQUIRED_SECTIONS)),
             "missing sections: %s\n.Dt: %s\n%s" %
             (missing, page["dt"], "\n".join(page["errors"])))
        others = sorted(set(tools) - {name} - page["see_also"])
        t.ok(not others, "%s.1: SEE ALSO names every other program's page"
             % name, "missing: %s" % ", ".join(others))
        ok, said, how = lint(path)
        t.ok(ok, "%s.1 renders without warnings (%s)" % (name, how), said)
        if name not in helps:
            continue
        hf = helps[name]
        # --help -> page: an OPTIONS item with the same argument.
        problems = []
        for flag, forms in sorted(hf.items()):
            items = page["items"].get(flag)
            if not items:
                problems.append("%s (%s): not an item of OPTIONS" %
                                (flag, " / ".join(sorted(forms)) or
                                 "no argument"))
                continue
            want = {norm_arg(a) for a in forms}
            for arg, n in items:
                if norm_arg(arg) not in want:
                    problems.append("%s.1:%d: %s %s, but --help says %s" %
                                    (name, n, flag, arg or "(no argument)",
                                     " or ".join(sorted(forms)) or
                                     "no argument"))
        for flag, arg, n in page["synopsis"]:
            if flag in hf and norm_arg(arg) not in {norm_arg(a)
                                                    for a in hf[flag]}:
                problems.append("%s.1:%d: SYNOPSIS %s %s, but --help says "
                                "%s" % (name, n, flag, arg,
                                        " or ".join(sorted(hf[flag]))))
        t.ok(not problems, "%s.1 lists each of the %d flags of --help "
             "with its argument (OPTIONS and SYNOPSIS)" % (name, len(hf)),
             "\n".join(problems))
        # page -> --help: every flag the page names.
        extra = []
        named = sorted(page["fl"] | {(f, n, None) for f, n in page["text"]},
                       key=lambda x: (x[1], x[0]))
        for flag, n, prog in named:
            prog = prog or name
            if prog not in tools:
                continue  # another program's flag (Xr mandoc 1 Fl T)
            if prog not in helps:
                extra.append("%s.1:%d: %s has no --help to check %s "
                             "against" % (name, n, prog, flag))
            elif flag not in helps[prog] and not implicit_ok(prog, flag):
                extra.append("%s.1:%d: %s is not in %s --help" %
                             (name, n, flag, prog))
        for flag in sorted(page["items"]):
            if flag not in hf and not implicit_ok(name, flag):
                extra.append("%s.1: OPTIONS item %s is not in --help" %
                             (name, flag))
        for n, cmd in page["commands"]:
            for prog, flags in command_flags(cmd):
                if prog not in tools:
                    continue
                if prog not in helps:
                    extra.append("%s.1:%d: %s has no --help to check "
                                 "against" % (name, n, prog))
                    continue
                for fl in flags:
                    if fl not in helps[prog] and not implicit_ok(prog, fl):
                        extra.append("%s.1:%d: example: %s %s is not in "
                                     "%s --help" % (name, n, prog, fl, prog))
        for prog, flag in VALUE_FLAGS:
            if prog != name:
                continue
            rc, out, err = run([tools[name], flag, BAD_VALUE])
            m = re.search(r"\(([a-z0-9_-]+(?:, [a-z0-9_-]+)+)\)", err)
            values = m.group(1).split(", ") if m else []
            lacking = [v for v in values if v not in page["cm_items"]]
            t.ok(rc == 2 and values and not lacking,
                 "%s.1 describes every value of %s (%s) as an It Cm item" %
                 (name, flag, ", ".join(values)),
                 "exit %d, stderr: %s\nno item for: %s" %
                 (rc, err.strip(), ", ".join(lacking)))
        t.ok(not extra, "%s.1 names no flag that --help lacks (examples "
             "checked against their program's --help)" % name,
             "\n".join(sorted(set(extra))))

    stale = sorted(f for f in os.listdir(man_dir) if f.endswith(".1")
                   and f[:-2] not in tools) if os.path.isdir(man_dir) else []
    t.ok(not stale, "every page in man/ is of an installed program",
         "not installed: %s" % ", ".join(stale))

    # meson install --destdir: every page in share/man/man1.
    dest = tempfile.mkdtemp(prefix="uptake-man-install-")
    try:
        rc, out, err = run([meson, "install", "-C", build, "--no-rebuild",
                            "--destdir", dest, "--tags", "man"],
                           timeout=INSTALL_TIMEOUT_S)
        t.ok(rc == 0, "meson install --destdir --tags man exits 0",
             "exit %d\n%s%s" % (rc, out[-2000:], err[-2000:]))
        man1 = os.path.join(dest, mandir.lstrip("/"), "man1")
        absent = [n for n in sorted(tools) if not os.path.isfile(
            os.path.join(man1, n + ".1"))]
        t.ok(not absent, "meson install puts a page for each of the %d "
             "programs in %s" % (len(tools), os.path.join(mandir, "man1")),
             "absent: %s; %s holds %s" % (
                 ", ".join(absent), man1,
                 sorted(os.listdir(man1)) if os.path.isdir(man1) else
                 "nothing"))
        same = [n for n in sorted(tools)
                if os.path.isfile(os.path.join(man1, n + ".1"))
                and os.path.isfile(os.path.join(man_dir, n + ".1"))
                and open(os.path.join(man1, n + ".1"), "rb").read()
                != open(os.path.join(man_dir, n + ".1"), "rb").read()]
        t.ok(not same, "the installed pages are man/'s",
             "differ: %s" % ", ".join(same))
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
