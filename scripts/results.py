#!/usr/bin/env python3
"""What the runs measured, kept under build/BASE/results/, published on demand.

    results.py demo LOG      build/BASE/results/demo.md from a demo console log
    results.py publish [NAME...]
                             `make results [PUBLISH="NAME..."]`: put
                             build/BASE/results/{demo,check,bench}.md (or the
                             NAMEs) into README.md's blocks (<!-- results:NAME
                             --> ... <!-- /results:NAME -->), bench.md into
                             bench/results.md and bench.png into docs/

BASE, RESULTS (build/BASE/results) and KTREE (build/BASE/linux) come from the
environment: scripts/lib.sh sets them (demo.sh, the Makefile's `results`).
README.md's Results are of one base, the one its marker <!-- results-base: B
--> names; publishing the results of another base is refused (they stay in
build/BASE/results/), so they never overwrite that base's.

Ordinary runs (make, make check, make bench) write only under build/; the
tracked files change only when someone decides to publish what a run showed.
"""
import datetime
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def env(name):
    v = os.environ.get(name)
    if not v:
        sys.exit("results.py: %s is not set: run it through make (scripts/lib.sh sets it)" % name)
    return v


def readme_base(text):
    """The base README.md's Results describe (<!-- results-base: B -->)."""
    m = re.findall(r"^<!-- results-base: (\S+) -->$", text, re.M)
    if len(m) != 1:
        sys.exit("results.py: README.md needs exactly one <!-- results-base: BASE --> marker (found %d)" % len(m))
    return m[0]


def put(name, text):
    s = open(README).read()
    start, end = "<!-- results:%s -->" % name, "<!-- /results:%s -->" % name
    if start not in s or end not in s:
        sys.exit("results.py: README.md has no %s ... %s block" % (start, end))
    head, rest = s.split(start, 1)
    _, tail = rest.split(end, 1)
    open(README, "w").write(head + start + "\n" + text.rstrip("\n") + "\n" + end + tail)


def demo(log):
    lines = open(log, errors="replace").read().splitlines()
    keep = [l for l in lines if l.startswith(("SENSE ID", "@@BENCH", "@@RIG-START", "@@DEMO"))]
    if not any(l.startswith("@@DEMO") for l in keep):
        sys.exit("results.py: %s has no demo result" % log)
    when = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    results, tree = env("RESULTS"), env("KTREE")
    n = subprocess.run(["git", "-C", tree, "rev-list", "--count", "base..HEAD"],
                       capture_output=True, text=True).stdout.strip() or "?"
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "demo.md"), "w") as f:
        f.write("Last `make` (%s), kernel = base + %s patches of the series, guest console:"
                "\n\n```\n%s\n```\n" % (when, n, "\n".join(keep)))


def publish(names):
    base, results = env("BASE"), env("RESULTS")
    want = readme_base(open(README).read())
    if base != want:
        sys.exit("results.py: README.md's Results are of BASE=%s (<!-- results-base: %s -->); "
                 "not publishing the BASE=%s results over them: they stay in %s"
                 % (want, want, base, os.path.relpath(results, ROOT)))
    done = []
    for name in names or ("demo", "check", "bench"):
        p = os.path.join(results, name + ".md")
        if os.path.isfile(p):
            put(name, open(p).read())
            done.append(name)
    if "bench" in done:
        shutil.copyfile(os.path.join(results, "bench.md"), os.path.join(ROOT, "bench", "results.md"))
        if os.path.isfile(os.path.join(results, "bench.png")):
            shutil.copyfile(os.path.join(results, "bench.png"), os.path.join(ROOT, "docs", "bench.png"))
    if not done:
        sys.exit("results.py: nothing in %s to publish (run make, make check or make bench)"
                 % os.path.relpath(results, ROOT))
    print("published into README.md (BASE=%s): %s" % (base, ", ".join(done)))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "demo":
        demo(sys.argv[2])
    elif sys.argv[1:2] == ["publish"] and set(sys.argv[2:]) <= {"demo", "check", "bench"}:
        publish(sys.argv[2:])
    else:
        sys.exit(__doc__)
