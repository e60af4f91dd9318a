#!/usr/bin/env python3
"""Write the guest initramfs (gzipped newc cpio) without needing root.

    initramfs.py OUT.gz BUSYBOX_DEB SRC:DEST [SRC:DEST ...]

Adds busybox from the Debian package as /bin/busybox, the /dev/console node
the kernel needs before /init runs, and every SRC file at DEST (mode kept).
"""
import gzip
import io
import os
import subprocess
import sys
import tempfile


def entry(out, ino, name, mode, data=b"", rdev=(0, 0)):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
        len(name_b), 0))
    out.write(hdr.encode() + name_b)
    out.write(b"\0" * (-(110 + len(name_b)) % 4))
    out.write(data)
    out.write(b"\0" * (-len(data) % 4))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_path, deb = sys.argv[1], sys.argv[2]
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
        with open(os.path.join(tmp, "bin/busybox"), "rb") as f:
            files["bin/busybox"] = (0o100755, f.read())
    for spec in sys.argv[3:]:
        src, dest = spec.split(":", 1)
        with open(src, "rb") as f:
            files[dest.lstrip("/")] = (0o100000 | (os.stat(src).st_mode & 0o777), f.read())
    dirs = {"dev", "proc", "sys", "tmp", "bin", "sbin", "root"}
    for name in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    buf = io.BytesIO()
    ino = 1
    for d in sorted(dirs):
        entry(buf, ino, d, 0o40755)
        ino += 1
    entry(buf, ino, "dev/console", 0o20600, rdev=(5, 1))
    ino += 1
    for name in sorted(files):
        mode, data = files[name]
        entry(buf, ino, name, mode, data)
        ino += 1
    entry(buf, 0, "TRAILER!!!", 0)
    tmp_out = out_path + ".tmp"
    with open(tmp_out, "wb") as f:
        f.write(gzip.compress(buf.getvalue(), compresslevel=6, mtime=0))
    os.replace(tmp_out, out_path)


if __name__ == "__main__":
    main()
