#!/usr/bin/env python3
"""Data races that KCSAN reported in a guest run, judged against a list.

    kcsan.py LOG [LOG ...]     table of the races; exit 1 if a run failed
                               for another reason or a race in scope is
                               neither fixed nor in scripts/kcsan-known.txt

A KCSAN report is the block between two lines of '=' that names
"BUG: KCSAN: data-race in A / B" (or "... in A"): A and B are the functions
that made the racing accesses. A race is in scope when A or B is in the
code this project changes or tests: vfio-ccw, the css and cio core, the
vfio core and mdev (by function name, below). Callers do not count: a race
inside a mutex's spinning, say, is the mutex's, whoever took the mutex.
scripts/kcsan-known.txt lists the races in scope that are benign, one per
line: "A / B<TAB>why it is benign". Every other line of the log is judged as
any guest run is (scripts/console.py): a splat that is not a KCSAN report, a
leak, a timeout or a failing test still fails.
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402

KNOWN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kcsan-known.txt")
HEAD = re.compile(r"BUG: KCSAN: (data-race|assert: race) in (.*?)\s*$")
RULE = re.compile(r"^=+$")
FRAME = re.compile(r"^\s*(?:\[[^]]*\]\s*)?([A-Za-z_][\w.]*)\+0x")
SCOPE = re.compile(r"^(vfio_ccw_|vfio_|mdev_|css_|cio_|ccw_|chsc_|chp_|io_subchannel_|"
                   r"sch_|__vfio_|vfio_iommu_|fsm_|cp_|ccwchain_|crw_|chsc)")


def known():
    out = {}
    if os.path.isfile(KNOWN):
        with open(KNOWN) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                pair, _, why = line.rstrip("\n").partition("\t")
                out[pair.strip()] = why.strip()
    return out


def split(lines):
    """(lines without the KCSAN reports, [(pair, frames)])"""
    rest, reports, i = [], [], 0
    while i < len(lines):
        if RULE.match(lines[i].strip()) and i + 1 < len(lines) and HEAD.search(lines[i + 1]):
            j = i + 2
            while j < len(lines) and not RULE.match(lines[j].strip()):
                j += 1
            pair = HEAD.search(lines[i + 1]).group(2)
            frames = [m.group(1) for l in lines[i + 2:j] for m in [FRAME.match(l)] if m]
            reports.append((pair, frames))
            i = j + 1
            continue
        rest.append(lines[i])
        i += 1
    return rest, reports


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    ok_list = known()
    races = collections.OrderedDict()
    failed = []
    for path in argv[1:]:
        rest, reports = split(console.read_lines(path))
        v = console.judge(rest)
        if not v["ok"]:
            failed.append("%s: %s" % (path, "; ".join(v["causes"])))
        for pair, frames in reports:
            r = races.setdefault(pair, dict(n=0, scope=False, frames=frames))
            r["n"] += 1
            accessors = [f.split("+")[0].strip() for f in pair.split("/")]
            r["scope"] = any(SCOPE.match(f) for f in accessors)
    print("| race (KCSAN) | reports | in scope | verdict |")
    print("|---|---|---|---|")
    bad = 0
    for pair, r in races.items():
        if not r["scope"]:
            verdict = "outside the code under test"
        elif pair in ok_list:
            verdict = "benign: " + ok_list[pair]
        else:
            verdict = "UNEXPLAINED"
            bad += 1
        print("| %s | %d | %s | %s |" % (pair, r["n"], "yes" if r["scope"] else "no", verdict))
    if not races:
        print("| (none) | 0 | | |")
    for f in failed:
        print("run failed: %s" % f)
    print("%d race(s), %d in scope, %d unexplained" % (
        len(races), sum(r["scope"] for r in races.values()), bad))
    return 1 if bad or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
