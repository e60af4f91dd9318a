#!/usr/bin/env python3
"""The guest profiles: everything that describes one kind of boot, in one table.

    profiles.py list                   names, one a line
    profiles.py shell NAME             the profile as shell assignments (P_*)
    profiles.py get NAME FIELD         one field

A profile names the kernel it boots by its build (`build`: configs/ fragments,
make targets and the image they produce), so profiles that boot the same
kernel share one build dir (build/<base>/out/<tree>-<build>); `userland`
names extra programs for its initramfs (build/<base>/guest/<tree>-<build>
[-<userland>]). demo, check, stress and bench boot by profile name
(scripts/boot.sh); scripts/qemu-run.py reads the QEMU side (machine,
devices, vCPUs, memory, timeout, icount) from here too.

To add a profile: add an entry to PROFILES (and a build to BUILDS if it needs
a kernel of its own); nothing else names devices, vCPUs, memory or images.
"""
import shlex
import sys

# A kernel build: arch, fragments merged onto tinyconfig, targets, image.
BUILDS = {
    "guest": dict(arch="s390x", configs="s390x-guest",
                  targets="bzImage", image="arch/s390/boot/bzImage"),
    # The debug kernel also carries what nested QEMU and glibc need
    # (s390x-client): `make check` boots vfio-ccw's real users on it without
    # a kernel build of their own (about 20% more objects than without).
    "debug": dict(arch="s390x", configs="s390x-guest,s390x-debug,s390x-client",
                  targets="bzImage", image="arch/s390/boot/bzImage"),
    "kobj": dict(arch="s390x", configs="s390x-guest,s390x-debug,kobject-release",
                 targets="bzImage", image="arch/s390/boot/bzImage"),
    # KCSAN excludes KASAN: the data-race kernel is a build of its own.
    "kcsan": dict(arch="s390x", configs="s390x-guest,s390x-kcsan",
                  targets="bzImage", image="arch/s390/boot/bzImage"),
    "x86-debug": dict(arch="x86_64", configs="x86_64-guest,x86_64-debug",
                      targets="bzImage modules", image="arch/x86/boot/bzImage"),
}

# QEMU machine per arch. s390x: N virtio-rng-ccw devices at fe.0.0000..;
# x86_64: none (its tests use the mtty mdev sample).
MACHINES = {
    "s390x": dict(qemu="qemu-system-s390x", machine="s390-ccw-virtio",
                  console="ttysclp0"),
    "x86_64": dict(qemu="qemu-system-x86_64", machine="pc", console="ttyS0"),
}

# What the gating check boots on the debug kernel, and how.
_CHECK = dict(build="debug", run="selftests", devices=4, smp=2, mem=512,
              timeout=900, icount=False, append="")
_BENCH = dict(build="guest", run="bench", devices=65, smp=2, mem=2048,
              timeout=900, icount=False, append="")

PROFILES = {
    # `make`: SENSE ID through vfio-ccw on the plain guest kernel.
    "demo": dict(build="guest", run="demo", devices=4, smp=2, mem=1024,
                 timeout=180, icount=False, append=""),
    # `make check`: every selftest, debug kernel, 2 vCPUs.
    "check": dict(_CHECK),
    # the mdev lifecycle tests with every kobject release delayed
    "check-kobj": dict(_CHECK, build="kobj", timeout=600,
                       append="rig.only=mdev,sch.unbind_with_mdev,"
                              "sch.remove_while_open,sch.unbind_while_open"),
    # make check's short reliability run: guest/run-reliability.sh
    "check-rel": dict(_CHECK, run="reliability", timeout=1500,
                      append="rig.count=3000 rig.minutes=3"),
    # the tests scripts/known-issues/BASE.txt lists, in a boot of their own
    "check-known": dict(_CHECK, timeout=600),
    # the mdev lifecycle tests against the mtty sample on x86_64
    "check-x86": dict(_CHECK, build="x86-debug", devices=0, mem=1024,
                      timeout=600),
    # `make stress`: teardown racing css events, rig.count iterations
    "stress": dict(_CHECK, run="stress", devices=2, timeout=2400),
    # `make fuzz`: seeded random channel programs (rig.count programs from
    # rig.seed), every one ending in an interrupt or a documented errno.
    "fuzz": dict(_CHECK, run="fuzz", devices=2, timeout=3600),
    # `make fault`: every allocation of bind, mdev create, open and
    # channel-program translation made to fail in turn (fail-nth).
    "fault": dict(_CHECK, run="fault", devices=2, timeout=1800),
    # `make storm`: the fuzzer on 0.0.0001 while its channel path is varied
    # off and on every few ms (rig.seeds, rig.count programs each).
    "storm": dict(_CHECK, run="storm", devices=2, timeout=3600),
    # `make soak`: everything at once for rig.minutes, on the debug kernel.
    "soak": dict(_CHECK, run="soak", devices=4, timeout=3000),
    # the selftests and the stress run on the KCSAN kernel
    "kcsan": dict(_CHECK, build="kcsan", timeout=1200),
    "kcsan-stress": dict(_CHECK, build="kcsan", run="stress", devices=2,
                         timeout=2400),
    # `make client` and make check: vfio-ccw driven by its real users inside
    # the guest: nested QEMU (-device vfio-ccw), mdevctl, lscss,
    # driver_override. Its initramfs adds Debian's s390x QEMU and tools
    # (userland "client", scripts/deps.sh client) to the debug kernel's.
    "client": dict(_CHECK, run="client", userland="client", devices=4,
                   mem=2048, timeout=3600),
    # `make bench`: wall clock, instruction counts, allocation traces.
    "bench-full": dict(_BENCH, append="rig.bench=full"),
    # -icount needs single-threaded TCG; with two vCPUs QEMU 7.2 now and then
    # hangs the icount guest at "Unpacking initramfs": one vCPU, few devices.
    "bench-icount": dict(_BENCH, devices=2, smp=1, mem=512, timeout=240,
                         icount=True, append="rig.bench=icount"),
    "bench-alloc": dict(_BENCH, append="rig.bench=alloc slub_debug=U,kmalloc-*,"
                                       "dma-kmalloc-*,kmalloc-cg-*,vfio_ccw_*"),
}


def profile(name):
    """The profile NAME with its build's fields merged in."""
    if name not in PROFILES:
        raise KeyError("no guest profile %r (profiles: %s)"
                       % (name, ", ".join(sorted(PROFILES))))
    p = dict(PROFILES[name], name=name)
    # extra userland in the initramfs, beside the rig's own programs
    p.setdefault("userland", "")
    p.update(BUILDS[p["build"]])
    p.update(MACHINES[p["arch"]])
    return p


def main(argv):
    try:
        if argv[1:2] == ["list"]:
            print("\n".join(sorted(PROFILES)))
        elif len(argv) == 3 and argv[1] == "shell":
            for k, v in sorted(profile(argv[2]).items()):
                if isinstance(v, bool):
                    v = int(v)
                print("P_%s=%s" % (k, shlex.quote(str(v))))
        elif len(argv) == 4 and argv[1] == "get":
            v = profile(argv[2])[argv[3]]
            print(int(v) if isinstance(v, bool) else v)
        else:
            sys.exit(__doc__)
    except KeyError as e:
        sys.exit("profiles.py: %s" % e.args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
