"""The rig's other parsers and tables: profiles, the QEMU command line they
make, the warning comparison, the bench report's line format."""
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import profiles  # noqa: E402
import warnings as _stdlib_warnings  # noqa: E402,F401  (the rig's is loaded by path)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


qemu_run = load("qemu_run", os.path.join(ROOT, "scripts", "qemu-run.py"))
rig_warnings = load("rig_warnings", os.path.join(ROOT, "scripts", "warnings.py"))
report = load("report", os.path.join(ROOT, "bench", "report.py"))

FIELDS = {"build", "run", "devices", "smp", "mem", "timeout", "icount", "append",
          "arch", "configs", "targets", "image", "qemu", "machine", "console", "name",
          "userland"}


class Profiles(unittest.TestCase):
    def test_every_profile_is_complete(self):
        for name in profiles.PROFILES:
            p = profiles.profile(name)
            self.assertEqual(set(p), FIELDS, name)
            for c in p["configs"].split(","):
                self.assertTrue(os.path.isfile(os.path.join(ROOT, "configs", c + ".config")), c)

    def test_client_boots_the_checked_kernel(self):
        # make check's client run needs no kernel build of its own: it boots
        # the debug kernel the selftests boot, with its own initramfs.
        c, d = profiles.profile("client"), profiles.profile("check")
        self.assertEqual(c["build"], d["build"])
        self.assertEqual((c["userland"], d["userland"]), ("client", ""))
        self.assertIn("s390x-client", d["configs"].split(","))
        guest = open(os.path.join(ROOT, "scripts", "guest.sh")).read()
        for name in profiles.PROFILES:
            u = profiles.profile(name)["userland"]
            if u:
                self.assertIn('"${GUEST_USERLAND:-}" = %s' % u, guest, name)

    def test_unknown_profile(self):
        with self.assertRaises(KeyError):
            profiles.profile("nope")
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "profiles.py"),
                            "shell", "nope"], capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no guest profile 'nope'", p.stderr)

    def test_qemu_command_follows_the_profile(self):
        a = qemu_run.options(["--profile", "check", "--kernel", "k", "--initrd", "i",
                              "--log", "l", "--append", "rig.only=sch"])
        cmd = qemu_run.qemu_cmd(a, "/tmp/q.sock")
        self.assertEqual(cmd[0], "qemu-system-s390x")
        self.assertEqual(sum(1 for x in cmd if x.startswith("virtio-rng-ccw")), 4)
        self.assertEqual(cmd[cmd.index("-smp") + 1], "2")
        self.assertEqual(cmd[cmd.index("-m") + 1], "512")
        self.assertIn("tcg,thread=single", cmd)
        self.assertIn("rig.only=sch", cmd[cmd.index("-append") + 1])
        icount = qemu_run.qemu_cmd(qemu_run.options(
            ["--profile", "bench-icount", "--kernel", "k", "--initrd", "i", "--log", "l"]), "/q")
        self.assertIn("-icount", icount)
        self.assertIn("rig.bench=icount", icount[icount.index("-append") + 1])
        x86 = qemu_run.qemu_cmd(qemu_run.options(
            ["--profile", "check-x86", "--kernel", "k", "--initrd", "i", "--log", "l"]), "/q")
        self.assertEqual(x86[0], "qemu-system-x86_64")
        self.assertIn("console=ttyS0", x86[x86.index("-append") + 1])

    def test_no_qemu_shape_outside_the_table(self):
        """No rig script passes --devices/--smp/--mem or an image path."""
        bad = []
        for d in ("scripts", "bench", ".ci"):
            for f in os.listdir(os.path.join(ROOT, d)):
                if f in ("qemu-run.py", "profiles.py") or f.endswith(".pyc"):
                    continue
                path = os.path.join(ROOT, d, f)
                if not os.path.isfile(path):
                    continue
                for i, l in enumerate(open(path, errors="replace"), 1):
                    if re.search(r"--(devices|smp|mem)\b|arch/(s390|x86)/boot/bzImage", l):
                        bad.append("%s:%d: %s" % (f, i, l.strip()))
        self.assertEqual(bad, [])


class Warnings(unittest.TestCase):
    def test_new_warning_against_base(self):
        with tempfile.TemporaryDirectory() as t:
            base = os.path.join(t, "base.txt")
            log = os.path.join(t, "log")
            open(log, "w").write(
                "/w/build/6.1/linux/drivers/s390/cio/css.c:120:5: warning: unused variable 'x'\n"
                "drivers/s390/virtio/virtio_ccw.c:77:1: warning: no previous prototype for 'f'\n"
                "fs/ext4/inode.c:1:1: warning: outside\n")
            open(base, "w").write("drivers/s390/cio/css.c: warning: unused variable 'x'\n")
            new = rig_warnings.extract(log, ["drivers/s390/cio/css.c", "drivers/s390/virtio/"])
            self.assertEqual(sorted(new - set(open(base).read().splitlines())),
                             ["drivers/s390/virtio/virtio_ccw.c: warning: no previous prototype for 'f'"])

    def test_relative_paths_of_ccache_basedir(self):
        """With CCACHE_BASEDIR the compiler reports ../../bisect/drivers/...:
        the same warning as /abs/build/6.1/bisect/drivers/... (sparse)."""
        with tempfile.TemporaryDirectory() as t:
            a, b = os.path.join(t, "a"), os.path.join(t, "b")
            open(a, "w").write("/w/build/6.1/bisect/drivers/s390/cio/css.c:120:5: warning: unused variable 'x'\n")
            open(b, "w").write("../../bisect/drivers/s390/cio/css.c:121:5: warning: unused variable 'x'\n")
            self.assertEqual(rig_warnings.extract(a, ["drivers/s390/cio/"]),
                             {"drivers/s390/cio/css.c: warning: unused variable 'x'"})
            self.assertEqual(rig_warnings.extract(a, ["drivers/s390/cio/"]),
                             rig_warnings.extract(b, ["drivers/s390/cio/"]))


class ResultsPublish(unittest.TestCase):
    """`make results` publishes one base's results into README.md: those of
    the base its <!-- results-base: B --> marker names, never another's."""

    SCRIPT = os.path.join(ROOT, "scripts", "results.py")

    def run_publish(self, base, results):
        env = dict(os.environ, BASE=base, RESULTS=results)
        return subprocess.run([sys.executable, self.SCRIPT, "publish"], env=env,
                              capture_output=True, text=True)

    def test_readme_names_one_base_that_is_pinned(self):
        results = load("results_py", self.SCRIPT)
        base = results.readme_base(open(os.path.join(ROOT, "README.md")).read())
        self.assertTrue(os.path.isfile(os.path.join(ROOT, "bases", base)), base)
        with self.assertRaises(SystemExit):
            results.readme_base("no marker")
        with self.assertRaises(SystemExit):
            results.readme_base("<!-- results-base: 6.1 --> <!-- results-base: 6.12 -->")

    def test_other_base_is_refused_and_readme_untouched(self):
        readme = os.path.join(ROOT, "README.md")
        before = open(readme).read()
        with tempfile.TemporaryDirectory() as t:
            open(os.path.join(t, "demo.md"), "w").write("Last `make` of 6.12\n")
            p = self.run_publish("6.12", t)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not publishing the BASE=6.12 results", p.stderr)
        self.assertEqual(before, open(readme).read())

    def test_no_environment_no_default(self):
        env = {k: v for k, v in os.environ.items() if k not in ("BASE", "RESULTS", "KTREE")}
        p = subprocess.run([sys.executable, self.SCRIPT, "publish"], env=env,
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("is not set", p.stderr)


class BenchReport(unittest.TestCase):
    def test_line_format(self):
        m = report.LINE.match("@@BENCH sense_id_round_trip median=264.9 min=240.9 max=1474.7 n=200 us")
        self.assertEqual(m.groups(), ("sense_id_round_trip", "264.9", "240.9", "1474.7", "200", "us"))

    def test_demo_log_has_bench_lines(self):
        lines = open(os.path.join(ROOT, "tests", "logs", "demo-clean.log")).read().splitlines()
        self.assertTrue([l for l in lines if report.LINE.match(l)])


if __name__ == "__main__":
    unittest.main()


class PatchNotes(unittest.TestCase):
    """`make export` writes notes below `---`, `git am` drops them and
    `make tree` restores them with scripts/patch-notes.py: the round trip
    must give back the same note, and no note for a commit without one."""

    def git(self, repo, *args):
        return subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t",
                               *args], check=True, capture_output=True, text=True).stdout

    def test_round_trip(self):
        notes = load("patch_notes", os.path.join(ROOT, "scripts", "patch-notes.py"))
        with tempfile.TemporaryDirectory() as d:
            src, dst, out = (os.path.join(d, x) for x in ("src", "dst", "out"))
            for r in (src, dst):
                subprocess.run(["git", "init", "-q", r], check=True)
            for i, note in enumerate(["Tested: one line.\n\nSecond paragraph,\n  indented.", ""]):
                with open(os.path.join(src, "f"), "a") as f:
                    f.write("%d\n" % i)
                self.git(src, "add", "f")
                self.git(src, "commit", "-q", "-m", "sub: change %d\n\nBody." % i)
                if note:
                    self.git(src, "notes", "add", "-m", note, "HEAD")
            self.git(src, "format-patch", "-q", "--notes", "--root", "-o", out)
            patches = sorted(os.listdir(out))
            self.assertEqual(2, len(patches))
            got = []
            for p in patches:
                with open(os.path.join(out, p)) as f:
                    got.append(notes.notes(f.read()))
            self.assertEqual(["Tested: one line.\n\nSecond paragraph,\n  indented.", ""], got)
            # git am keeps the message and drops the notes: what the restore is for.
            self.git(dst, "am", "-q", os.path.join(out, patches[0]))
            self.assertNotIn("Tested", self.git(dst, "log", "-1", "--format=%B"))
