#!/usr/bin/env python3
"""The guest console protocol, and the one judge of a guest run.

    console.py judge LOG             verdict of a saved console log as JSON;
                                     exit 0 if the run passed, 1 if not
    console.py results LOG LABEL     the run as result lines for make check:
                                     "PASS|FAIL|SKIP<TAB>name<TAB>detail"
    console.py splat LOG [N]         the first splat of a log and the N
                                     (16) lines after it, call traces
                                     shortened to function names
    console.py splat-ere             the splat patterns as one grep -E
                                     expression (the guest's own checks
                                     read it from /rig/splat.ere)

Every line the rig's guest and host runner exchange that starts with "@@" is
declared in KINDS below, with who writes it; nothing else in the rig invents
one. To add a message: add it to KINDS (and, if it decides a verdict, to
judge()), then print it from the guest.

A run passes when the guest reported rc=0 (@@RIG-DONE), the runner saw it
power off (@@RUNNER end=exit), no kernel splat is in the log, every host
request succeeded, and every selftest binary printed its whole TAP plan.
A splat that appears while a selftest runs (between its "RUN" line and its
result) fails that test as well: the per-test kernel-log oracle.
"""
import json
import re
import sys

# kind -> (writer, meaning). Writers: init = guest/init and guest/*.sh,
# prog = the guest programs (guest/*.c), runner = scripts/qemu-run.py.
KINDS = {
    "RIG-START": ("init", "run=WHAT ndev=N cpus=N kernel=VERSION: the guest is up"),
    "RIG-WARN": ("init", "something the run should know (not a failure by itself)"),
    "RIG-ERROR": ("init", "the guest could not do what it was asked: fails the run"),
    "RIG-DONE": ("init", "rc=N: the guest's own verdict, printed before power-off"),
    "SELFTEST": ("init", "BINARY: the TAP that follows is this binary's"),
    "ROUND": ("init", "N rc=N: end of one round of a repeated selftest run"),
    "KMEMLEAK": ("init", "'scanned: no leaks' | 'found leaks:' (+ report) | 'not available'"),
    "HOST": ("init", "VERB ARGS: a request the runner carries out through QMP "
                     "(device_del ID | device_add DRIVER,key=val,...), "
                     "from guest/host-cmd.sh"),
    "HOST-REPLY": ("runner", "JSON: QMP's reply to the request before it, also "
                             "written to the guest console's input"),
    "RUNNER": ("runner", "end=exit|timeout|eof after=SECONDS: how the boot ended"),
    "DEMO": ("prog", "PASS|FAIL: the passthrough demo's result"),
    "STRESS": ("prog", "progress and 'PASS N iterations ...' of the stress run"),
    "SOAK": ("init", "start | minute=M worker counts splats=N | failure WORKER: WHAT | "
                     "stopping: WHY | done seconds=N key=N... (guest/run-soak.sh)"),
    "BENCH": ("prog", "NAME median=.. min=.. max=.. n=.. UNIT (bench/report.py)"),
    "BENCH-N": ("prog", "subchannels=N rounds=N"),
    "BENCH-SLAB": ("prog", "CACHE +BYTES bytes per subchannel"),
    "BENCH-SITE": ("prog", "FUNCTION CACHE +BYTES bytes per subchannel"),
    "FUZZ": ("prog", "n=.. accepted=.. refused=.. lost=.. stray=.. suspended=.. rate=../s "
                     "and the summary of the channel-program fuzzer (vfio_ccw_fuzz)"),
}
KIND_RE = re.compile(r"^@@([A-Z][A-Z-]*)\b ?(.*)$")

# Lines that mean the kernel found a bug in itself.
SPLAT_PATTERNS = [
    r"BUG:", r"WARNING:", r"\bOops\b", r"Kernel panic", r"KASAN:",
    r"UBSAN:", r"kmemleak: .*(new suspected|unreferenced)",
    r"unreferenced object 0x", r"INFO: task .* blocked for more than",
    r"INFO: possible .*locking", r"INFO: trying to register non-static key",
    r"DEBUG_LOCKS_WARN_ON", r"rcu: INFO: .* self-detected stall",
    r"rcu_.* detected stalls?", r"soft lockup", r"hard LOCKUP",
    r"ODEBUG:", r"list_(add|del) corruption", r"general protection fault",
    r"Unable to handle kernel", r"Internal error:", r"@@KMEMLEAK found leaks",
    r"BUG: KCSAN:",
]
SPLAT_RE = re.compile("|".join(SPLAT_PATTERNS))

TAP_RESULT = re.compile(r"^(not ok|ok) +\d+ +(?:- +)?(.*?)(?: +# +(SKIP|XFAIL|TODO)\b.*)?$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)")
# kselftest_harness.h announces each test before it runs.
TEST_RUN = re.compile(r"^# +RUN +(\S+) \.\.\.")


def parse(line):
    """(kind, rest) of a protocol line, (None, None) for any other line.
    An @@ line of an undeclared kind is returned as kind '?'."""
    m = KIND_RE.match(line)
    if not m:
        return None, None
    kind = m.group(1)
    return (kind if kind in KINDS else "?"), m.group(2)


def judge(lines):
    """Verdict of a run from its console lines (a list of str)."""
    v = dict(ok=True, causes=[], guest_rc=None, end=None, splats=[], tests=[],
             binaries=[], host_errors=0, unknown=[])
    binary = planned = running = None
    seen = 0
    splat_in_test = {}

    def close_binary():
        if binary is None:
            return
        if planned is None:
            v["binaries"].append(dict(name=binary, planned=None, seen=seen,
                                      complete=False))
        else:
            v["binaries"].append(dict(name=binary, planned=planned, seen=seen,
                                      complete=seen >= planned))

    for i, line in enumerate(lines):
        if SPLAT_RE.search(line):
            v["splats"].append(i)
            if running is not None:
                splat_in_test.setdefault(running, i)
        kind, rest = parse(line)
        if kind == "?":
            v["unknown"].append(i)
        elif kind == "RIG-DONE":
            m = re.match(r"rc=(\d+)", rest)
            v["guest_rc"] = int(m.group(1)) if m else -1
        elif kind == "RUNNER":
            m = re.match(r"end=(\w+)", rest)
            v["end"] = m.group(1) if m else "?"
        elif kind == "RIG-ERROR":
            v["causes"].append("guest error: %s" % rest)
        elif kind == "HOST-REPLY":
            try:
                if "error" in json.loads(rest):
                    v["host_errors"] += 1
            except ValueError:
                v["host_errors"] += 1
        elif kind == "SELFTEST":
            close_binary()
            binary, planned, seen, running = rest.strip(), None, 0, None
        if binary is None or kind is not None:
            continue
        m = TEST_RUN.match(line)
        if m:
            running = m.group(1)
            continue
        m = TAP_PLAN.match(line)
        if m and planned is None:
            planned = int(m.group(1))
            continue
        m = TAP_RESULT.match(line)
        if m:
            seen += 1
            name = m.group(2)
            verdict = "PASS" if m.group(1) == "ok" else "FAIL"
            detail = ""
            if m.group(3) == "SKIP":
                verdict, detail = "SKIP", line.split("# SKIP", 1)[1].strip()
            elif m.group(3) == "TODO" and verdict == "FAIL":
                # a known failure, named by its TODO reason (TAP: not a
                # failure); an "ok" with a TODO is an ordinary pass
                verdict, detail = "SKIP", "TODO: " + line.split("# TODO", 1)[1].strip()
            at = splat_in_test.pop(name, None)
            if at is not None:
                verdict, detail = "FAIL", "kernel splat during the test, log line %d: %s" % (
                    at + 1, lines[at].strip()[:160])
            v["tests"].append(dict(binary=binary, name=name, verdict=verdict,
                                   detail=detail))
            running = None
    close_binary()

    if v["splats"]:
        first = v["splats"][0]
        v["causes"].append("kernel splat (%d line(s), first at line %d: %s)" % (
            len(v["splats"]), first + 1, lines[first].strip()[:160]))
    if v["end"] is None:
        v["causes"].append("the log does not end with the runner's @@RUNNER line")
    elif v["end"] == "timeout":
        v["causes"].append("timeout: the guest did not power off in time")
    if v["guest_rc"] is None:
        if v["end"] != "timeout":
            v["causes"].append("the guest stopped without reporting a result (panic or crash?)")
    elif v["guest_rc"] != 0:
        v["causes"].append("guest rc=%d" % v["guest_rc"])
    if v["host_errors"]:
        v["causes"].append("%d host request(s) failed" % v["host_errors"])
    if v["unknown"]:
        v["causes"].append("%d @@ line(s) of an undeclared kind, first: %s" % (
            len(v["unknown"]), lines[v["unknown"][0]].strip()[:80]))
    for b in v["binaries"]:
        if not b["complete"]:
            v["causes"].append("%s: %s" % (b["name"], "printed no TAP plan" if b["planned"] is None
                               else "%d of %d planned tests reported" % (b["seen"], b["planned"])))
    v["ok"] = not v["causes"]
    return v


def read_lines(path):
    with open(path, errors="replace") as f:
        return [l.rstrip("\n").rstrip("\r") for l in f]


def results(v, label, log):
    """Result lines of a judged run: one per test, the plan, the run."""
    out = []
    for t in v["tests"]:
        out.append((t["verdict"], "selftest (%s): %s: %s" % (label, t["binary"], t["name"]),
                    t["detail"]))
    bad = [b for b in v["binaries"] if not b["complete"]]
    if not v["binaries"]:
        out.append(("FAIL", "TAP plans complete (%s)" % label, "no selftest binary ran; log %s" % log))
    elif bad:
        out.append(("FAIL", "TAP plans complete (%s)" % label, "; ".join(
            "%s: %s" % (b["name"], "no plan" if b["planned"] is None else
                        "%d of %d" % (b["seen"], b["planned"])) for b in bad)))
    else:
        out.append(("PASS", "TAP plans complete (%s)" % label,
                    "%d binaries" % len(v["binaries"])))
    out.append(("PASS" if v["ok"] else "FAIL",
                "guest run (%s): no splat, no leak, powered off" % label,
                "; ".join(v["causes"] + ["log %s" % log])))
    return out


def main(argv):
    if len(argv) == 3 and argv[1] == "judge":
        v = judge(read_lines(argv[2]))
        json.dump(v, sys.stdout, indent=1)
        print()
        return 0 if v["ok"] else 1
    if len(argv) in (3, 4) and argv[1] == "splat":
        lines = read_lines(argv[2])
        v = judge(lines)
        if not v["splats"]:
            return 1
        first = v["splats"][0]
        n = int(argv[3]) if len(argv) == 4 else 16
        print("first splat, line %d of %s:" % (first + 1, argv[2]))
        for l in lines[first:first + n + 1]:
            # " [<000000000063f600>] ccw_device_unregister+0x60/0x168 " -> the name
            m = re.match(r"^\s*\[<[0-9a-f]+>\] (\S+?)\+0x", l)
            print("  | " + (m.group(1) if m else l.strip()[:120]))
        return 0
    if len(argv) == 2 and argv[1] == "splat-ere":
        print("|".join(SPLAT_PATTERNS))
        return 0
    if len(argv) == 4 and argv[1] == "results":
        for verdict, name, detail in results(judge(read_lines(argv[2])), argv[3], argv[2]):
            print("%s\t%s\t%s" % (verdict, name, detail))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
