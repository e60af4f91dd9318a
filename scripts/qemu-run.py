#!/usr/bin/env python3
"""Boot the rig's guest under QEMU (TCG), act as its host agent, judge the run.

    qemu-run.py --profile NAME --kernel IMAGE --initrd initrd.gz --log FILE
                [--append ARGS] [-v]
                [--arch A --run R --devices N --smp N --mem MB --timeout S --icount]

The profile (scripts/profiles.py) says the arch, what runs in the guest,
the devices, vCPUs, memory, timeout and whether the clock counts
instructions; the options after it override single fields for a manual run.
s390x boots qemu-system-s390x -M s390-ccw-virtio with N virtio-rng-ccw
devices; x86_64 boots qemu-system-x86_64 with a serial console and no
devices (its tests use the mtty mdev sample). -icount makes the guest clock
count instructions (-icount shift=0,sleep=on), for benchmarks free of host
noise (sleep=off hangs the s390x guest at "Unpacking initramfs" on QEMU 7.2).

Everything the guest prints goes to --log; the runner adds its own protocol
lines (@@HOST-REPLY, @@RUNNER, see scripts/console.py), so the log alone can
be judged again (console.py judge LOG). A guest's "@@HOST verb args" request
is carried out through QMP, and its @@HOST-REPLY is also written to the
guest console's input, where guest/host-cmd.sh waits for it. The verdict is also written as JSON
to LOG.verdict.json. Exit 0 when the run passed, 1 when not.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402
import profiles  # noqa: E402

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


def host_request(qmp, line):
    """Carry out one '@@HOST verb args' request from the guest; QMP's reply."""
    words = line.split(None, 2)
    verb, arg = (words[1] if len(words) > 1 else ""), (words[2] if len(words) > 2 else "")
    if verb == "device_del":
        return qmp.command("device_del", id=arg.strip())
    if verb == "device_add":
        fields = arg.strip().split(",")
        params = {"driver": fields[0]}
        for f in fields[1:]:
            k, _, v = f.partition("=")
            params[k] = v
        return qmp.command("device_add", **params)
    return {"error": {"desc": "unknown host request %r" % verb}}


def reply_to_guest(proc, line):
    """Write one reply line to the guest console's input (QEMU's stdin)."""
    try:
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
    except (BrokenPipeError, ValueError):
        pass  # QEMU is gone: the run ends anyway


def qemu_cmd(a, qmp_path):
    m = profiles.MACHINES[a.arch]
    common = ["-m", str(a.mem), "-nodefaults", "-nographic", "-no-reboot",
              "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
              "-kernel", a.kernel, "-initrd", a.initrd]
    rig_args = "console=%s rdinit=/init panic=-1 rig.run=%s rig.ndev=%d %s" % (
        m["console"], a.run, a.devices, a.append)
    cmd = [m["qemu"], "-M", m["machine"], "-cpu", "max", "-chardev", "stdio,id=c0"]
    if a.arch == "x86_64":
        return cmd + ["-serial", "chardev:c0"] + common + [
            "-smp", str(a.smp), "-append", rig_args]
    cmd += ["-device", "sclpconsole,chardev=c0"] + common + ["-append", rig_args]
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


def options(argv):
    """Command line -> options: the profile's fields, then the overrides."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--profile", help="guest profile (scripts/profiles.py)")
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--append", default="", help="more kernel arguments")
    p.add_argument("--arch", choices=sorted(profiles.MACHINES))
    p.add_argument("--run")
    p.add_argument("--devices", type=int)
    p.add_argument("--smp", type=int)
    p.add_argument("--mem", type=int)
    p.add_argument("--timeout", type=int)
    p.add_argument("--icount", action="store_true", default=None,
                   help="guest clock counts instructions (s390x)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="echo every console line, not just results")
    a = p.parse_args(argv)
    # Without a profile (a manual run): the check profile's QEMU side.
    try:
        prof = profiles.profile(a.profile or "check")
    except KeyError as e:
        p.error(e.args[0])
    for k in ("arch", "run", "devices", "smp", "mem", "timeout", "icount"):
        if getattr(a, k) is None:
            setattr(a, k, prof[k])
    a.append = " ".join(x for x in (prof["append"] if a.profile else "", a.append) if x)
    return a


ECHO = ("@@", "ok ", "not ok ", "#", "TAP", "1..", "SENSE ID", "subchannel", "mdev", "torn")


def main():
    a = options(sys.argv[1:])
    for f in (a.kernel, a.initrd):
        if not os.path.isfile(f):
            sys.exit("qemu-run: %s does not exist" % f)

    tmp = tempfile.mkdtemp(prefix="rig-qmp-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    cmd = qemu_cmd(a, qmp_path)
    log = open(a.log, "w", buffering=1)
    log.write("# %s\n" % " ".join(cmd))
    start = time.monotonic()
    # stdin is the guest console's input: the replies to @@HOST requests
    # go there (guest/host-cmd.sh waits for them).
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    qmp = None
    lines, pending = ["# " + " ".join(cmd)], b""
    end = "eof"
    try:
        while True:
            left = a.timeout - (time.monotonic() - start)
            if left <= 0:
                end = "timeout"
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
                if line.startswith("@@HOST "):
                    if qmp is None:
                        qmp = Qmp(qmp_path)
                    reply = host_request(qmp, line)
                    lines.append("@@HOST-REPLY %s" % json.dumps(reply))
                    log.write(lines[-1] + "\n")
                    reply_to_guest(proc, lines[-1])
                if a.verbose or line.startswith(ECHO):
                    print(line, flush=True)
    finally:
        if proc.poll() is None:
            proc.kill()
        try:
            proc.stdin.close()
        except OSError:
            pass
        rc = proc.wait()
        if end == "eof" and rc == 0:
            end = "exit"
        if qmp is not None:
            qmp.sock.close()
        try:
            os.unlink(qmp_path)
        except OSError:
            pass
        os.rmdir(tmp)
    elapsed = time.monotonic() - start
    lines.append("@@RUNNER end=%s after=%.1f qemu-rc=%s" % (end, elapsed, rc))
    log.write(lines[-1] + "\n")
    log.close()

    v = console.judge(lines)
    v["log"], v["elapsed"] = a.log, round(elapsed, 1)
    with open(a.log + ".verdict.json", "w") as f:
        json.dump(v, f, indent=1)
    for i in v["splats"][:3]:
        print("qemu-run: kernel splat at line %d of %s:" % (i + 1, a.log), file=sys.stderr)
        for l in lines[max(0, i - 2):i + 40]:
            print("    | " + l, file=sys.stderr)
    if not v["ok"]:
        for c in v["causes"]:
            print("qemu-run: %s" % c, file=sys.stderr)
        print("qemu-run: last lines of %s:" % a.log, file=sys.stderr)
        for l in lines[-25:]:
            print("    | " + l, file=sys.stderr)
    print("qemu-run: %s in %.1f s (log: %s)" % ("ok" if v["ok"] else "FAILED", elapsed, a.log),
          file=sys.stderr)
    return 0 if v["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
