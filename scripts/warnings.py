#!/usr/bin/env python3
"""Compiler, sparse and kernel-doc warnings from build logs, normalised so a
patched build can be compared with the base build.

    warnings.py extract LOG [PATH_PREFIX ...]   -> one normalised warning a line
    warnings.py new BASE_LIST LOG [PATH_PREFIX ...]  -> warnings not in BASE_LIST
                                                      (exit 1 if any)
A warning is "path: kind: message" with the tree root and line/column numbers
dropped, so moving code does not count as a new warning but a new message does.
"""
import re
import sys

WARN = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+)(?::\d+)?: (?P<kind>warning|error|Warning|Error)\b:? ?(?P<msg>.*)$")
ROOTS = re.compile(r"^(?:.*?/)?(?=(?:drivers|include|arch|samples|kernel|mm|lib|fs|tools|Documentation|scripts|security|net|block|init)/)")
# kernel-doc: "path:123: warning: ..." also matches WARN.


def norm(line, prefixes):
    m = WARN.match(line.strip())
    if not m:
        return None
    path = ROOTS.sub("", m.group("path"))
    if prefixes and not path.startswith(tuple(prefixes)):
        return None
    msg = re.sub(r"\b\d+\b", "N", m.group("msg"))  # sizes, line refs
    return "%s: %s: %s" % (path, m.group("kind").lower(), msg.strip())


def extract(log, prefixes):
    out = set()
    for line in open(log, errors="replace"):
        w = norm(line, prefixes)
        if w:
            out.add(w)
    return out


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "extract":
        for w in sorted(extract(sys.argv[2], sys.argv[3:])):
            print(w)
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "new":
        base = set(l.rstrip("\n") for l in open(sys.argv[2]))
        new = sorted(extract(sys.argv[3], sys.argv[4:]) - base)
        for w in new:
            print(w)
        return 1 if new else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
