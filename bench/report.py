#!/usr/bin/env python3
"""Base vs patched table (markdown) and bar chart from the bench guest logs.

    report.py LOGDIR BOOTS OUT.md OUT.png

LOGDIR holds bench-{base,series}-{full,icount}-B.log, B = 1..BOOTS, from
bench/run.sh. Each boot reports a median per figure over its repetitions;
the table shows the median of those per-boot medians and, in brackets, the
lowest and highest of them. A ratio is "within noise" when the two kernels'
ranges of boot medians overlap: the boots of one kernel already differ by
that much. Memory is the growth of allocated slab objects (/proc/slabinfo
after shrinking every cache); the Slab and MemFree lines of /proc/meminfo
the guest also prints count whole pages and are too coarse for a few
hundred bytes per subchannel, so they are not tabled. The icount boots
count guest instructions (QEMU -icount shift=0,sleep=on: one instruction is
one virtual nanosecond while a vCPU runs), so their latencies are thousands
of instructions, free of host timing noise. Targets (issue 8) are checked
and reported as measured.
"""
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"@@BENCH (\S+) median=([\d.]+) min=([\d.]+) max=([\d.]+) n=(\d+) (\S+)")

# (mode, name, label, unit shown, higher is better)
FIGURES = [
    ("alloc", "bytes_per_idle_subchannel_driver", "bytes vfio_ccw allocates per idle bound subchannel", "bytes", False),
    ("full", "bytes_per_idle_subchannel_objects", "slab growth per idle bound subchannel, all caches", "bytes", False),
    ("full", "bytes_per_subchannel_with_mdev_objects", "slab growth per subchannel with an mdev, all caches", "bytes", False),
    ("full", "bind_all_to_vfio_ccw", "bind N subchannels to vfio_ccw", "us", False),
    ("full", "unbind_all_from_vfio_ccw", "unbind N subchannels from vfio_ccw", "us", False),
    ("full", "mdev_create_remove", "mdev create+remove", "us", False),
    ("full", "open_close", "device open+close", "us", False),
    ("full", "sense_id_round_trip", "SENSE ID round trip", "us", False),
    ("full", "io_1ccw_1dev_latency", "1-CCW program latency, 1 thread", "us", False),
    ("full", "io_16ccw_1dev_latency", "16-CCW program latency, 1 thread", "us", False),
    ("full", "io_1ccw_4dev_latency", "1-CCW program latency, 4 threads/devices", "us", False),
    ("full", "io_16ccw_4dev_latency", "16-CCW program latency, 4 threads/devices", "us", False),
    ("full", "io_1ccw_1dev_throughput", "1-CCW programs/s, 1 thread", "programs/s", True),
    ("full", "io_16ccw_1dev_throughput", "16-CCW programs/s, 1 thread", "programs/s", True),
    ("full", "io_1ccw_4dev_throughput", "1-CCW programs/s, 4 threads/devices", "programs/s", True),
    ("full", "io_16ccw_4dev_throughput", "16-CCW programs/s, 4 threads/devices", "programs/s", True),
    ("icount", "io_1ccw_1dev_latency", "1-CCW program, guest instructions (icount)", "k instr", False),
    ("icount", "io_16ccw_1dev_latency", "16-CCW program, guest instructions (icount)", "k instr", False),
]
# (mode, name) -> (limit on patched/base, what the target says)
TARGETS = {
    ("alloc", "bytes_per_idle_subchannel_driver"): (0.10, "at most 10% of base"),
    ("full", "bytes_per_idle_subchannel_objects"): (0.10, "at most 10% of base"),
    ("full", "sense_id_round_trip"): (1.02, "patched/base at most 1.02"),
    ("full", "mdev_create_remove"): (1.02, "patched/base at most 1.02"),
    ("full", "open_close"): (1.02, "patched/base at most 1.02"),
    ("full", "io_1ccw_1dev_latency"): (1.02, "patched/base at most 1.02"),
    ("full", "io_16ccw_1dev_latency"): (1.02, "patched/base at most 1.02"),
    ("icount", "io_1ccw_1dev_latency"): (1.02, "patched/base at most 1.02"),
    ("icount", "io_16ccw_1dev_latency"): (1.02, "patched/base at most 1.02"),
    ("full", "bind_all_to_vfio_ccw"): (1.0, "faster than base"),
}


def breakdown(path, tag):
    """@@BENCH-<tag> KEY... +BYTES lines (first round) -> {KEY...: bytes per
    subchannel}: SLAB lines are keyed by cache, SITE lines by (function, cache)."""
    out = {}
    if os.path.exists(path):
        for line in open(path, errors="replace"):
            m = re.match(r"@@BENCH-%s ((?:\S+ )+)([+-]\d+) bytes" % tag, line)
            if m:
                key = tuple(m.group(1).split())
                out[key[0] if len(key) == 1 else key] = int(m.group(2))
    return out


def parse(path):
    out, n = {}, None
    if not os.path.exists(path):
        return out, n
    for line in open(path, errors="replace"):
        m = LINE.search(line)
        if m:
            out[m.group(1)] = dict(median=float(m.group(2)), min=float(m.group(3)),
                                   max=float(m.group(4)), n=int(m.group(5)), unit=m.group(6))
        m = re.search(r"@@BENCH-N subchannels=(\d+) rounds=(\d+)", line)
        if m:
            n = (int(m.group(1)), int(m.group(2)))
    return out, n


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def boots_of(logdir, kernel, mode, boots):
    """Per-boot parses; a figure missing from any boot is missing. With one
    boot, the spread is that of the boot's own repetitions."""
    runs = [parse(os.path.join(logdir, "bench-%s-%s-%d.log" % (kernel, mode, b)))
            for b in range(1, boots + 1)]
    figures = {}
    for name in set().union(*(r[0] for r in runs)):
        if boots == 1:
            figures[name] = runs[0][0][name]
        elif all(name in r[0] for r in runs):
            meds = [r[0][name]["median"] for r in runs]
            figures[name] = dict(median=median(meds), min=min(meds), max=max(meds))
    return figures, next((r[1] for r in runs if r[1]), None)


def main():
    logdir, boots, out_md, out_png = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    logs = {(k, mode): boots_of(logdir, k, mode, 1 if mode == "alloc" else boots)
            for k in ("base", "series") for mode in ("full", "icount", "alloc")}
    nsub = logs[("series", "full")][1] or logs[("base", "full")][1]
    rows, chart, missing = [], [], 0
    for mode, name, label, unit, higher in FIGURES:
        b = logs[("base", mode)][0].get(name)
        s = logs[("series", mode)][0].get(name)
        if not b or not s:
            missing += 1
            rows.append("| %s | %s | %s | - | not measured |" % (
                label, "missing" if not b else "", "missing" if not s else ""))
            continue
        ratio = s["median"] / b["median"] if b["median"] else float("nan")
        noise = not (s["max"] < b["min"] or s["min"] > b["max"])
        verdict = ""
        if (mode, name) in TARGETS:
            limit, text = TARGETS[(mode, name)]
            ok = ratio < limit if limit == 1.0 else ratio <= limit
            verdict = "; %s: %s" % (text, "met" if ok else "NOT met")
            if not ok and noise:
                verdict += " (within noise)"
        # icount latencies: 1 us = 1000 instructions, show them to one.
        fig = "%.3f" if mode == "icount" else "%.1f"
        cell = "%s (%s-%s)" % (fig, fig, fig)
        rows.append(("| %s [%s] | " + cell + " | " + cell + " | %.3f | %s%s%s |") % (
            label, unit, b["median"], b["min"], b["max"],
            s["median"], s["min"], s["max"], ratio,
            "within noise" if noise else "outside noise",
            "; higher is better" if higher else "", verdict))
        chart.append((label, ratio))
    md = ["Measured by `make bench` in one run: base and patched kernels from the same "
          "config (`s390x-guest`), same QEMU command (TCG, 2 vCPUs, %s+1 virtio-ccw "
          "subchannels), %d boots of each, alternating which kernel boots first. Each boot "
          "takes the median over its repetitions (%s rounds for memory and bind, 1000 SENSE IDs, "
          "50 lifecycle cycles, %s rounds of 200 programs for the channel-program rows); "
          "the table shows the median of the boots' medians and (in brackets) the lowest and highest of them. The icount rows come from %d more "
          "boots of each with `-icount shift=0` and one vCPU, where guest time counts "
          "instructions. The first row comes from one more boot of each with "
          "`slub_debug=U` on the kmalloc and vfio_ccw caches: the bytes of the live "
          "objects whose allocation trace names a `vfio_ccw_*` function, median (min-max) "
          "over the rounds; the second row is all the slab growth, which adds the sysfs "
          "nodes and the mdev core's objects that binding creates on both kernels." % (
              nsub[0] if nsub else "?", boots, nsub[1] if nsub else "?",
              nsub[1] if nsub else "?", boots),
          "",
          "| figure | base | patched | patched/base | noise; target |",
          "|---|---|---|---|---|"] + rows
    sb = breakdown(os.path.join(logdir, "bench-base-full-1.log"), "SLAB")
    ss = breakdown(os.path.join(logdir, "bench-series-full-1.log"), "SLAB")
    if sb or ss:
        md += ["", "Where the slab bytes of binding the subchannels went, per subchannel, "
               "first round of the first boot (every cache shrunk before each snapshot, so "
               "these are allocated objects, not whole per-CPU slabs). The names are those "
               "of SLUB's merged caches: a boot with `slab_nomerge` shows the `pid` row as "
               "kernfs_node_cache, the sysfs nodes that binding creates on both kernels:", "",
               "| slab cache | base | patched |", "|---|---|---|"]
        for cache in sorted(set(sb) | set(ss), key=lambda c: (-(abs(sb.get(c, 0)) + abs(ss.get(c, 0))), c)):
            md.append("| %s | %+d | %+d |" % (cache, sb.get(cache, 0), ss.get(cache, 0)))
    ab = breakdown(os.path.join(logdir, "bench-base-alloc-1.log"), "SITE")
    as_ = breakdown(os.path.join(logdir, "bench-series-alloc-1.log"), "SITE")
    if ab or as_:
        md += ["", "What vfio_ccw allocated for binding the subchannels, per subchannel, by "
               "allocating function and cache (allocation traces, first round):", "",
               "| function | cache | base | patched |", "|---|---|---|---|"]
        for site in sorted(set(ab) | set(as_), key=lambda k: (-(abs(ab.get(k, 0)) + abs(as_.get(k, 0))), k)):
            md.append("| `%s` | %s | %+d | %+d |" % (site[0], site[1], ab.get(site, 0), as_.get(site, 0)))
    md += ["", "![base vs patched](docs/bench.png)"]
    open(out_md, "w").write("\n".join(md) + "\n")

    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for i, (label, ratio) in enumerate(chart):
            dat.write('%d "%s" %f\n' % (i, label.replace('"', "'"), ratio))
    script = """
set terminal pngcairo size 1300,700 noenhanced
set output '%s'
set title 'vfio-ccw series: patched / base (1.0 = unchanged; programs/s: higher is better, all else lower)'
set style fill solid 0.7
set boxwidth 0.6
set yrange [0:*]
set xtics rotate by -35 font ',8'
set bmargin 16
set rmargin 20
set grid ytics
plot '%s' using 1:3:xtic(2) with boxes notitle, 1 with lines lw 2 title 'base'
""" % (out_png, dat.name)
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    os.unlink(dat.name)
    if r.returncode:
        sys.exit("report.py: gnuplot failed: %s" % r.stderr)
    if missing:
        sys.exit("report.py: %d figure(s) not measured (see the table)" % missing)


if __name__ == "__main__":
    main()
