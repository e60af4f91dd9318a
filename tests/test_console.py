"""The console judge over recorded guest logs (tests/logs/), no VM.

The logs are real console logs of rig runs, some cut or edited to make the
case: selftests-v2-failing.log is the stale-trigger tests on the v2 kernel
(two failures and a kmemleak report); the short-plan, timeout and
splat-in-test logs are that log stopped by a panic, stopped by the runner's
timeout, and with a WARNING inside a passing test; selftests-clean.log is
two rounds of the vfio_ccw and mdev fixtures and the sch teardown tests on
the kernel with the trigger fixes.
"""
import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import console  # noqa: E402


def judged(name):
    return console.judge(console.read_lines(os.path.join(HERE, "logs", name)))


def results(name, label="t"):
    return console.results(judged(name), label, name)


class Judge(unittest.TestCase):
    def test_clean_demo(self):
        v = judged("demo-clean.log")
        self.assertTrue(v["ok"], v["causes"])
        self.assertEqual(v["guest_rc"], 0)
        self.assertEqual(v["end"], "exit")
        self.assertEqual(v["splats"], [])

    def test_clean_selftests(self):
        v = judged("selftests-clean.log")
        self.assertTrue(v["ok"], v["causes"])
        self.assertGreater(len(v["tests"]), 0)
        self.assertTrue(all(t["verdict"] == "PASS" for t in v["tests"]))
        r = results("selftests-clean.log")
        self.assertEqual([x[0] for x in r if not x[1].startswith("selftest")], ["PASS", "PASS"])

    def test_failing_tests_and_leak(self):
        v = judged("selftests-v2-failing.log")
        self.assertFalse(v["ok"])
        verdicts = {t["name"]: t["verdict"] for t in v["tests"]}
        self.assertEqual(verdicts, {"vfio_ccw.triggers_not_inherited": "FAIL",
                                    "sch.request_to_current_opener": "FAIL",
                                    "sch.triggers_released_on_kill": "PASS"})
        self.assertTrue(any("kernel splat" in c for c in v["causes"]), v["causes"])
        self.assertTrue(any("guest rc=1" in c for c in v["causes"]), v["causes"])

    def test_short_plan(self):
        v = judged("selftests-short-plan.log")
        self.assertFalse(v["ok"])
        self.assertIn("vfio_ccw_test: 1 of 3 planned tests reported", v["causes"])
        self.assertTrue(any("without reporting a result" in c for c in v["causes"]))
        plan = [x for x in results("selftests-short-plan.log") if x[1].startswith("TAP plans")]
        self.assertEqual(plan[0][0], "FAIL")

    def test_timeout(self):
        v = judged("selftests-timeout.log")
        self.assertFalse(v["ok"])
        self.assertEqual(v["end"], "timeout")
        self.assertTrue(any(c.startswith("timeout") for c in v["causes"]))
        # a timeout is not also reported as a crash
        self.assertFalse(any("without reporting" in c for c in v["causes"]))

    def test_splat_fails_the_test_it_happened_in(self):
        v = judged("selftests-splat-in-test.log")
        t = {t["name"]: t for t in v["tests"]}["sch.triggers_released_on_kill"]
        self.assertEqual(t["verdict"], "FAIL")
        self.assertIn("kernel splat during the test", t["detail"])
        self.assertIn("fsm_close", t["detail"])

    def test_todo_failure_is_a_skip_with_its_reason(self):
        lines = ["@@RIG-START run=fuzz", "@@SELFTEST vfio_ccw_fuzz", "1..4",
                 "ok 1 fuzz: a", "not ok 2 fuzz: b (3 coalesced) # TODO one IRB",
                 "not ok 3 fuzz: c", "ok 4 soak: d # SKIP left out (why)",
                 "@@RIG-DONE rc=0", "@@RUNNER end=exit after=1"]
        t = {x["name"]: x for x in console.judge(lines)["tests"]}
        self.assertEqual(t["fuzz: a"]["verdict"], "PASS")
        self.assertEqual(t["fuzz: b (3 coalesced)"]["verdict"], "SKIP")
        self.assertEqual(t["fuzz: b (3 coalesced)"]["detail"], "TODO: one IRB")
        self.assertEqual(t["fuzz: c"]["verdict"], "FAIL")
        self.assertEqual(t["soak: d"]["verdict"], "SKIP")
        self.assertEqual(t["soak: d"]["detail"], "left out (why)")

    def test_no_runner_line_is_not_a_pass(self):
        lines = console.read_lines(os.path.join(HERE, "logs", "demo-clean.log"))
        v = console.judge([l for l in lines if not l.startswith("@@RUNNER")])
        self.assertFalse(v["ok"])

    def test_failed_host_request(self):
        lines = console.read_lines(os.path.join(HERE, "logs", "demo-clean.log"))
        lines.insert(-2, '@@HOST-REPLY {"error": {"class": "DeviceNotFound"}}')
        v = console.judge(lines)
        self.assertFalse(v["ok"])
        self.assertIn("1 host request(s) failed", v["causes"])

    def test_undeclared_kind(self):
        lines = console.read_lines(os.path.join(HERE, "logs", "demo-clean.log"))
        lines.insert(-2, "@@NEWTHING 1")
        self.assertFalse(console.judge(lines)["ok"])

    def test_cli_judge_exit_status(self):
        for name, rc in (("demo-clean.log", 0), ("selftests-timeout.log", 1)):
            p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "console.py"),
                                "judge", os.path.join(HERE, "logs", name)],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, rc, p.stdout + p.stderr)


class SplatList(unittest.TestCase):
    """The guest's own splat checks (guest/lib.sh: splat_ere) read the
    judge's list as one grep -E expression; a second, shorter list once let
    the soak call a log with a lockdep report clean."""

    def ere(self):
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "console.py"),
                            "splat-ere"], capture_output=True, text=True, check=True)
        return p.stdout.strip()

    def test_grep_finds_the_lines_the_judge_finds(self):
        ere = self.ere()
        for name in sorted(os.listdir(os.path.join(HERE, "logs"))):
            path = os.path.join(HERE, "logs", name)
            lines = console.read_lines(path)
            g = subprocess.run(["grep", "-n", "-a", "-E", ere, path], capture_output=True, text=True)
            grep_lines = [int(l.split(":", 1)[0]) - 1 for l in g.stdout.splitlines()]
            self.assertEqual(grep_lines, console.judge(lines)["splats"], name)

    def test_every_pattern_matches_through_grep(self):
        ere = self.ere()
        samples = ["INFO: trying to register non-static key.", "Oops: 0004 ilc:2 [#1] SMP",
                   "BUG: KASAN: use-after-free in kernfs_root+0x1/0x2",
                   "INFO: task kworker/0:1:8 blocked for more than 120 seconds."]
        g = subprocess.run(["grep", "-c", "-E", ere], input="\n".join(samples) + "\n",
                           capture_output=True, text=True)
        self.assertEqual(g.stdout.strip(), str(len(samples)))

    def test_no_guest_script_keeps_a_list_of_its_own(self):
        for f in sorted(os.listdir(os.path.join(ROOT, "guest"))):
            with open(os.path.join(ROOT, "guest", f), errors="replace") as fh:
                self.assertNotIn("splat='", fh.read(), "%s keeps its own splat list" % f)

    def test_splat_excerpt_names_the_functions(self):
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "console.py"), "splat",
                            os.path.join(HERE, "logs", "selftests-splat-in-test.log"), "8"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("first splat, line", p.stdout)
        self.assertNotRegex(p.stdout, r"\[<[0-9a-f]+>\]")


class Protocol(unittest.TestCase):
    def test_every_kind_the_rig_prints_is_declared(self):
        printed = set()
        # the writers: the guest's programs and scripts, and the runner
        paths = [os.path.join(ROOT, "guest", f) for f in os.listdir(os.path.join(ROOT, "guest"))]
        paths.append(os.path.join(ROOT, "scripts", "qemu-run.py"))
        for path in paths:
            text = open(path, errors="replace").read()
            printed.update(re.findall(r"@@([A-Z][A-Z-]*[A-Z])\b", text))
        self.assertTrue(printed)
        self.assertEqual(sorted(printed - set(console.KINDS)), [])


if __name__ == "__main__":
    unittest.main()
