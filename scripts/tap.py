#!/usr/bin/env python3
"""Per-test verdicts from the kselftest TAP in a guest console log.

    tap.py LOG   -> "PASS|FAIL|SKIP<TAB>binary: test" a line

Test binaries are announced by the guest as "@@SELFTEST <binary>"; a binary
that printed no plan ("1..N") or fewer results than planned gets a FAIL line.
"""
import re
import sys

RESULT = re.compile(r"^(not ok|ok) +\d+ +(?:- +)?(.*?)(?: +# +(SKIP|XFAIL|TODO)\b.*)?$")


def main():
    binary, planned, seen = None, None, 0
    out = []

    def close():
        if binary is None:
            return
        if planned is None:
            out.append(("FAIL", "%s: printed no TAP plan (crashed?)" % binary))
        elif seen < planned:
            out.append(("FAIL", "%s: %d of %d planned tests reported" % (binary, seen, planned)))

    for raw in open(sys.argv[1], errors="replace"):
        line = raw.rstrip("\n")
        if line.startswith("@@SELFTEST "):
            close()
            binary, planned, seen = line.split(None, 1)[1].strip(), None, 0
            continue
        if binary is None:
            continue
        m = re.match(r"^1\.\.(\d+)", line)
        if m and planned is None:
            planned = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m:
            seen += 1
            verdict = "PASS" if m.group(1) == "ok" else "FAIL"
            if m.group(3) == "SKIP":
                verdict = "SKIP"
            out.append((verdict, "%s: %s" % (binary, m.group(2))))
    close()
    for v, n in out:
        print("%s\t%s" % (v, n))


if __name__ == "__main__":
    main()
