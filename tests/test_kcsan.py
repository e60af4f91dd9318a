"""scripts/kcsan.py: which KCSAN reports fail `make kcsan`, no VM."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULE = "=" * 66


def report(a, b):
    return [RULE, "BUG: KCSAN: data-race in %s / %s" % (a, b), "",
            "write to 0x1 of 4 bytes by task 1 on cpu 0:", " %s" % a, " do_syscall+0x1/0x2", "",
            "read to 0x1 of 4 bytes by task 2 on cpu 1:", " %s" % b, " vfio_ccw_sch_irq+0x1/0x2", "",
            "Reported by Kernel Concurrency Sanitizer on:", RULE]


def run(*reports):
    lines = ["@@RIG-START run=selftests", "@@SELFTEST t", "1..1"]
    for r in reports:
        lines += r
    lines += ["ok 1 x", "@@RIG-DONE rc=0", "@@RUNNER end=exit after=1"]
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "kcsan.py"), f.name],
                           capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return p.returncode, p.stdout


class Kcsan(unittest.TestCase):
    def test_no_race_passes(self):
        rc, out = run()
        self.assertEqual(rc, 0, out)

    def test_race_in_code_under_test_fails(self):
        rc, out = run(report("vfio_ccw_sch_io_todo+0x10/0x20", "fsm_io_request+0x1/0x2"))
        self.assertEqual(rc, 1, out)
        self.assertIn("UNEXPLAINED", out)

    def test_race_elsewhere_is_listed_not_failed(self):
        # a vfio_ccw caller in the stack does not make the race vfio-ccw's
        rc, out = run(report("arch_vcpu_is_preempted+0x40/0xb8", "mutex_spin_on_owner+0x1/0x2"))
        self.assertEqual(rc, 0, out)
        self.assertIn("outside the code under test", out)


if __name__ == "__main__":
    unittest.main()
