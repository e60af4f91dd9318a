#!/usr/bin/env python3
"""What the runs measured, kept under build/results/, and published on demand.

    results.py demo LOG      build/results/demo.md from a demo console log
    results.py publish [NAME...]
                             `make results [PUBLISH="NAME..."]`: put
                             build/results/{demo,check,bench}.md (or the NAMEs)
                             into README.md's blocks (<!-- results:NAME --> ...
                             <!-- /results:NAME -->), bench.md into
                             bench/results.md and bench.png into docs/

Ordinary runs (make, make check, make bench) write only under build/; the
tracked files change only when someone decides to publish what a run showed.
"""
import datetime
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
RESULTS = os.path.join(ROOT, "build", "results")


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
    tree = os.path.join(ROOT, "build", "linux")
    n = subprocess.run(["git", "-C", tree, "rev-list", "--count", "base..HEAD"],
                       capture_output=True, text=True).stdout.strip() or "?"
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "demo.md"), "w") as f:
        f.write("Last `make` (%s), kernel = base + %s patches of the series, guest console:"
                "\n\n```\n%s\n```\n" % (when, n, "\n".join(keep)))


def publish(names):
    done = []
    for name in names or ("demo", "check", "bench"):
        p = os.path.join(RESULTS, name + ".md")
        if os.path.isfile(p):
            put(name, open(p).read())
            done.append(name)
    if "bench" in done:
        shutil.copyfile(os.path.join(RESULTS, "bench.md"), os.path.join(ROOT, "bench", "results.md"))
        if os.path.isfile(os.path.join(RESULTS, "bench.png")):
            shutil.copyfile(os.path.join(RESULTS, "bench.png"), os.path.join(ROOT, "docs", "bench.png"))
    if not done:
        sys.exit("results.py: nothing in %s to publish (run make, make check or make bench)" % RESULTS)
    print("published into README.md: %s" % ", ".join(done))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "demo":
        demo(sys.argv[2])
    elif sys.argv[1:2] == ["publish"] and set(sys.argv[2:]) <= {"demo", "check", "bench"}:
        publish(sys.argv[2:])
    else:
        sys.exit(__doc__)
