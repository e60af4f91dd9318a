"""The @@HOST round trip: the runner's reply reaches the guest console's
input (scripts/qemu-run.py), and guest/host-cmd.sh maps a ccw bus id to
the request it prints."""
import importlib.util
import io
import os
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    "qemu_run_hr", os.path.join(ROOT, "scripts", "qemu-run.py"))
qemu_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qemu_run)


class FakeProc:
    def __init__(self, stdin):
        self.stdin = stdin


class Broken(io.BytesIO):
    def write(self, b):
        raise BrokenPipeError()


class TestHostReply(unittest.TestCase):
    def test_reply_is_one_line_on_stdin(self):
        buf = io.BytesIO()
        qemu_run.reply_to_guest(FakeProc(buf), '@@HOST-REPLY {"return": {}}')
        self.assertEqual(buf.getvalue(), b'@@HOST-REPLY {"return": {}}\n')

    def test_gone_qemu_is_not_an_error(self):
        qemu_run.reply_to_guest(FakeProc(Broken()), "@@HOST-REPLY {}")

    def test_host_cmd_rejects_bad_arguments(self):
        sh = os.path.join(ROOT, "guest", "host-cmd.sh")
        for args in (["unplug", "rng1"], ["unplug", "0.0.12"], ["frob", "0.0.0001"], []):
            r = subprocess.run(["sh", sh] + args, capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)


if __name__ == "__main__":
    unittest.main()
