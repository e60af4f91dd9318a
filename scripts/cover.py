#!/usr/bin/env python3
"""Fill in a cover letter that git format-patch --cover-letter wrote.

Usage: cover.py COVER_PATCH TEXT CC
  COVER_PATCH  the 0000-cover-letter.patch to fill in (rewritten in place)
  TEXT         first line: the subject; the rest: the body
  CC           the Cc addresses, one per line (may be empty)
"""
import sys


def main():
    path, text_path, cc = sys.argv[1:4]
    text = open(path).read()
    cover = open(text_path).read().split("\n", 1)
    subject = cover[0].strip()
    body = cover[1].strip("\n") if len(cover) > 1 else ""
    if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
        sys.exit("%s: not a blank git format-patch cover letter" % path)
    text = text.replace("*** SUBJECT HERE ***", subject)
    text = text.replace("*** BLURB HERE ***", body)
    head, rest = text.split("\n\n", 1)
    cc_lines = "".join("Cc: %s\n" % c for c in cc.splitlines() if c.strip())
    if cc_lines:
        text = head + "\n" + cc_lines.rstrip("\n") + "\n\n" + rest
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
