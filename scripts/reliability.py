#!/usr/bin/env python3
"""Base and series side by side: one guest profile's runs as a Markdown table.

    reliability.py PROFILE TREE=LOG [TREE=LOG ...]

For each run (judged by scripts/console.py): every TAP result, the figures
the guest programs print as "@@FUZZ done key=value ..." and
"@@SOAK done ..." (the last of each kind per run, summed where a run printed
several rounds), the kernel splats with the first one, the kmemleak verdict
and how the boot ended. Used by scripts/side.sh; prints to stdout.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402

FIGURES = re.compile(r"^@@(FUZZ|FAULT|SOAK) +done\b(.*)$")
PAIR = re.compile(r"(\w[\w.-]*)=(\S+)")


def summarize(path):
    lines = console.read_lines(path)
    v = console.judge(lines)
    figures = {}
    for line in lines:
        m = FIGURES.match(line)
        if not m:
            continue
        for k, val in PAIR.findall(m.group(2)):
            key = "%s %s" % (m.group(1).lower(), k)
            try:
                figures[key] = figures.get(key, 0) + int(val)
            except ValueError:
                figures[key] = val
    runner = next((l for l in reversed(lines) if l.startswith("@@RUNNER")), "")
    m = re.search(r"after=([\d.]+)", runner)
    v["elapsed"] = m.group(1) if m else "?"
    leak = next((l for l in lines if l.startswith("@@KMEMLEAK")), "@@KMEMLEAK none printed")
    first = lines[v["splats"][0]].strip()[:120] if v["splats"] else ""
    return dict(v=v, figures=figures, leak=leak[len("@@KMEMLEAK "):], first_splat=first)


def cell(s):
    return str(s).replace("|", "\\|")


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        sys.exit(__doc__)
    profile = argv[1]
    runs = []
    for a in argv[2:]:
        tree, path = a.split("=", 1)
        if not os.path.isfile(path):
            runs.append((tree, None, path))
        else:
            runs.append((tree, summarize(path), path))
    trees = [t for t, _, _ in runs]
    out = ["`make %s`: %s" % (profile, ", ".join("%s log %s" % (t, os.path.relpath(p))
                                                   for t, _, p in runs)), ""]
    out.append("| | " + " | ".join(trees) + " |")
    out.append("|---|" + "---|" * len(trees))

    def row(name, values):
        out.append("| %s | %s |" % (cell(name), " | ".join(cell(x) for x in values)))

    got = {t: s for t, s, _ in runs}
    row("run", ["no log" if s is None else ("passed" if s["v"]["ok"] else "FAILED")
                for s in got.values()])
    row("boot ended", ["" if s is None else "%s after %s s" % (s["v"]["end"], s["v"].get("elapsed", "?"))
                       for s in got.values()])
    row("kernel splats", ["" if s is None else "%d %s" % (len(s["v"]["splats"]), s["first_splat"])
                          for s in got.values()])
    row("kmemleak", ["" if s is None else s["leak"] for s in got.values()])
    keys = []
    for s in got.values():
        for k in (s or {}).get("figures", {}):
            if k not in keys:
                keys.append(k)
    for k in keys:
        row(k, ["" if s is None else s["figures"].get(k, "") for s in got.values()])
    names = []
    for s in got.values():
        for t in (s or {"v": {"tests": []}})["v"]["tests"]:
            n = "%s: %s" % (t["binary"], t["name"])
            if n not in names:
                names.append(n)
    for n in names:
        vals = []
        for s in got.values():
            verdict = "" if s is None else next(
                (t["verdict"] for t in s["v"]["tests"]
                 if "%s: %s" % (t["binary"], t["name"]) == n), "not run")
            vals.append(verdict)
        row(n, vals)
    for t, s, _ in runs:
        if s is not None and not s["v"]["ok"]:
            out.append("")
            out.append("%s: %s" % (t, "; ".join(s["v"]["causes"])))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
