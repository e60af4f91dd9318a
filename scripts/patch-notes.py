#!/usr/bin/env python3
"""Print the git notes that `git format-patch --notes` wrote into a patch.

The series keeps what a commit message should not carry upstream (how the
patch was tested on this rig) in git notes: `make export` writes them below
the patch's `---` line, where `git am` drops them, and `make tree` puts them
back with this script after each `git am`. Prints nothing for a patch
without notes.

Usage: scripts/patch-notes.py PATCH
"""
import sys


def notes(text):
    """The notes block of a format-patch text, unindented, or ''."""
    lines = text.split("\n")
    # The first "---" line ends the message; "Notes:" follows it, after
    # one blank line, only if the commit has notes.
    if "---" not in lines:
        return ""
    i = lines.index("---") + 1
    while i < len(lines) and lines[i] == "":
        i += 1
    if i >= len(lines) or lines[i] != "Notes:":
        return ""
    out = []
    for line in lines[i + 1:]:
        if line.startswith("    "):
            out.append(line[4:])
        elif line == "":
            out.append("")
        else:
            break
    return "\n".join(out).strip("\n")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        n = notes(f.read())
    if n:
        print(n)


if __name__ == "__main__":
    main(sys.argv)
