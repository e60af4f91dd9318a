#!/usr/bin/env python3
"""Keep README's results section true: replace the block between
<!-- results:NAME --> and <!-- /results:NAME --> with what a run measured.

    readme.py demo LOG       SENSE ID result and figures from a demo log
    readme.py block NAME FILE  the contents of FILE (markdown) as block NAME
"""
import datetime
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def put(name, text):
    s = open(README).read()
    start, end = "<!-- results:%s -->" % name, "<!-- /results:%s -->" % name
    if start not in s or end not in s:
        sys.exit("readme.py: README.md has no %s ... %s block" % (start, end))
    head, rest = s.split(start, 1)
    _, tail = rest.split(end, 1)
    open(README, "w").write(head + start + "\n" + text.rstrip("\n") + "\n" + end + tail)


def demo(log):
    lines = open(log, errors="replace").read().splitlines()
    keep = [l for l in lines if l.startswith(("SENSE ID", "@@BENCH", "@@RIG-START", "@@DEMO"))]
    if not any(l.startswith("@@DEMO") for l in keep):
        sys.exit("readme.py: %s has no demo result" % log)
    when = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    tree = os.path.join(ROOT, "build", "linux")
    n = subprocess.run(["git", "-C", tree, "rev-list", "--count", "base..HEAD"],
                       capture_output=True, text=True).stdout.strip() or "?"
    put("demo", "Last `make` (%s), kernel = base + %s patches of the series, guest console:"
        "\n\n```\n%s\n```" % (when, n, "\n".join(keep)))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "demo":
        demo(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "block":
        put(sys.argv[2], open(sys.argv[3]).read())
    else:
        sys.exit(__doc__)
