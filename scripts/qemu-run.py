#!/usr/bin/env python3
"""Boot the rig's guest under QEMU (TCG), act as its host agent, judge the run.

    qemu-run.py --kernel bzImage --initrd initrd.gz --log FILE
                [--arch s390x|x86_64] [--run demo|selftests|bench|stress|shell]
                [--devices N] [--smp N] [--mem MB] [--timeout S]
                [--append ARGS] [--icount] [-v]

s390x (the default) boots qemu-system-s390x -M s390-ccw-virtio with N
virtio-rng-ccw devices; x86_64 boots qemu-system-x86_64 with a serial
console and no devices (its tests use the mtty mdev sample). --icount
makes the guest clock count instructions (-icount shift=0,sleep=on: one
instruction is one nanosecond while a vCPU runs), for benchmarks free of host
noise. (sleep=off hangs the s390x guest at "Unpacking initramfs" on QEMU 7.2.)

The guest's /init prints lines starting with @@ (see guest/init):
  @@HOST <verb> <args>   a request this script carries out through QMP
                         (device_del ID | device_add DRIVER,key=val,...)
  @@RIG-DONE rc=N        the guest's own verdict, printed before power-off
Everything the guest prints goes to --log. The run fails (exit 1) when the
guest reports rc != 0, when a kernel splat appears (printed with context),
or when the guest does not power off within --timeout seconds.
"""
import argparse
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

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
]
SPLAT_RE = re.compile("|".join(SPLAT_PATTERNS))


class Qmp:
    """Minimal QMP client: one command at a time, bounded waits."""

    def __init__(self, path, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.buf = b""
        self._read()  # greeting
        self.command("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "return" in reply or "error" in reply:
                return reply


def host_request(qmp, line, log):
    """Carry out one '@@HOST verb args' request from the guest."""
    words = line.split(None, 2)
    verb, arg = words[1], (words[2] if len(words) > 2 else "")
    if verb == "device_del":
        reply = qmp.command("device_del", id=arg.strip())
    elif verb == "device_add":
        fields = arg.strip().split(",")
        params = {"driver": fields[0]}
        for f in fields[1:]:
            k, _, v = f.partition("=")
            params[k] = v
        reply = qmp.command("device_add", **params)
    else:
        reply = {"error": {"desc": "unknown host request %r" % verb}}
    log.write("@@HOST-REPLY %s\n" % json.dumps(reply))
    return "error" not in reply


def qemu_cmd(a, qmp_path):
    common = ["-m", str(a.mem), "-nodefaults", "-nographic", "-no-reboot",
              "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
              "-kernel", a.kernel, "-initrd", a.initrd]
    rig_args = "rdinit=/init panic=-1 rig.run=%s rig.ndev=%d %s" % (
        a.run, a.devices, a.append)
    if a.arch == "x86_64":
        return ["qemu-system-x86_64", "-M", "pc", "-cpu", "max",
                "-chardev", "stdio,id=c0", "-serial", "chardev:c0"] + common + [
                "-smp", str(a.smp), "-append", "console=ttyS0 " + rig_args]
    cmd = ["qemu-system-s390x", "-M", "s390-ccw-virtio", "-cpu", "max",
           "-chardev", "stdio,id=c0", "-device", "sclpconsole,chardev=c0"] + common + [
           "-append", "console=ttysclp0 " + rig_args]
    if a.smp > 1 or a.icount:
        # Multi-threaded TCG hangs at secondary CPU bring-up on QEMU 7.2;
        # one host thread still interleaves the vCPUs at arbitrary points.
        # -icount needs single-threaded TCG too.
        cmd += ["-accel", "tcg,thread=single", "-smp", str(a.smp)]
    if a.icount:
        cmd += ["-icount", "shift=0,sleep=on"]
    for i in range(a.devices):
        cmd += ["-device", "virtio-rng-ccw,devno=fe.0.%04x,id=rng%d" % (i, i)]
    return cmd


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--arch", default="s390x", choices=("s390x", "x86_64"))
    p.add_argument("--run", default="demo")
    p.add_argument("--devices", type=int, default=4)
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--mem", type=int, default=1024)
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--append", default="")
    p.add_argument("--icount", action="store_true",
                   help="guest clock counts instructions (s390x)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="echo every console line, not just results")
    a = p.parse_args()
    for f in (a.kernel, a.initrd):
        if not os.path.isfile(f):
            sys.exit("qemu-run: %s does not exist" % f)

    tmp = tempfile.mkdtemp(prefix="rig-qmp-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    cmd = qemu_cmd(a, qmp_path)
    log = open(a.log, "w", buffering=1)
    log.write("# %s\n" % " ".join(cmd))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    qmp = None
    splats, guest_rc, host_errors = [], None, 0
    lines, pending = [], b""
    timed_out = False
    try:
        while True:
            left = a.timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
            *done, pending = pending.split(b"\n")
            for raw in done:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                log.write(line + "\n")
                lines.append(line)
                if SPLAT_RE.search(line):
                    splats.append(len(lines) - 1)
                if line.startswith("@@HOST "):
                    if qmp is None:
                        qmp = Qmp(qmp_path)
                    if not host_request(qmp, line, log):
                        host_errors += 1
                m = re.match(r"@@RIG-DONE rc=(\d+)", line)
                if m:
                    guest_rc = int(m.group(1))
                if a.verbose or line.startswith(("@@", "ok ", "not ok ", "#", "TAP", "1..")) \
                        or "SENSE ID" in line or line.startswith(("subchannel", "mdev", "torn")):
                    print(line, flush=True)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if qmp is not None:
            qmp.sock.close()
        try:
            os.unlink(qmp_path)
        except OSError:
            pass
        os.rmdir(tmp)

    elapsed = time.monotonic() - start
    ok = True
    for i in splats[:3]:
        ok = False
        print("qemu-run: kernel splat at line %d of %s:" % (i + 1, a.log), file=sys.stderr)
        for l in lines[max(0, i - 2):i + 40]:
            print("    | " + l, file=sys.stderr)
    if splats:
        print("qemu-run: %d splat line(s) in total" % len(splats), file=sys.stderr)
    if timed_out:
        ok = False
        print("qemu-run: guest did not power off within %d s; last lines of %s:"
              % (a.timeout, a.log), file=sys.stderr)
        for l in lines[-25:]:
            print("    | " + l, file=sys.stderr)
    elif guest_rc is None:
        ok = False
        print("qemu-run: guest stopped without reporting a result (panic or crash?); "
              "last lines of %s:" % a.log, file=sys.stderr)
        for l in lines[-25:]:
            print("    | " + l, file=sys.stderr)
    elif guest_rc != 0:
        ok = False
        print("qemu-run: guest reported rc=%d (see %s)" % (guest_rc, a.log), file=sys.stderr)
    if host_errors:
        ok = False
        print("qemu-run: %d host request(s) failed (see @@HOST-REPLY in %s)"
              % (host_errors, a.log), file=sys.stderr)
    print("qemu-run: %s in %.1f s (log: %s)" % ("ok" if ok else "FAILED", elapsed, a.log),
          file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
