#!/usr/bin/env python3
"""Base vs patched table (markdown) and bar chart from two bench guest logs.

    report.py BASE_LOG SERIES_LOG OUT.md OUT.png

Each figure is a median over the repetitions of one run; "noise" says whether
the two [min, max] ranges overlap, in which case the ratio is within noise.
Targets (issue 8) are checked and reported as measured.
"""
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"@@BENCH (\S+) median=([\d.]+) min=([\d.]+) max=([\d.]+) n=(\d+) (\S+)")

LABELS = {
    "bytes_per_idle_subchannel_slab": "bytes per idle bound subchannel (Slab)",
    "bytes_per_idle_subchannel_memfree": "bytes per idle bound subchannel (MemFree)",
    "bytes_per_subchannel_with_mdev_slab": "bytes per subchannel with an mdev (Slab)",
    "bind_all_to_vfio_ccw": "bind N subchannels to vfio_ccw",
    "unbind_all_from_vfio_ccw": "unbind N subchannels from vfio_ccw",
    "mdev_create_remove": "mdev create+remove",
    "open_close": "device open+close",
    "sense_id_round_trip": "SENSE ID round trip",
}
# name -> (maximum patched/base ratio, what the target says)
TARGETS = {
    "bytes_per_idle_subchannel_slab": (0.10, "at most 10% of base"),
    "sense_id_round_trip": (1.02, "patched/base at most 1.02"),
    "mdev_create_remove": (1.02, "patched/base at most 1.02"),
    "open_close": (1.02, "patched/base at most 1.02"),
    "bind_all_to_vfio_ccw": (1.0, "faster than base"),
}


def parse(path):
    out, n = {}, None
    for line in open(path, errors="replace"):
        m = LINE.search(line)
        if m:
            name = m.group(1)
            out[name] = dict(median=float(m.group(2)), min=float(m.group(3)),
                             max=float(m.group(4)), n=int(m.group(5)), unit=m.group(6))
        m = re.search(r"@@BENCH-N subchannels=(\d+) rounds=(\d+)", line)
        if m:
            n = (int(m.group(1)), int(m.group(2)))
    return out, n


def main():
    base_log, series_log, out_md, out_png = sys.argv[1:5]
    base, nb = parse(base_log)
    series, ns = parse(series_log)
    rows, chart = [], []
    for name, label in LABELS.items():
        if name not in base or name not in series:
            rows.append("| %s | %s | %s | - | not measured |" % (
                label, "missing" if name not in base else "", "missing" if name not in series else ""))
            continue
        b, s = base[name], series[name]
        ratio = s["median"] / b["median"] if b["median"] else float("nan")
        noise = not (s["max"] < b["min"] or s["min"] > b["max"])
        verdict = ""
        if name in TARGETS:
            limit, text = TARGETS[name]
            ok = ratio < limit if limit == 1.0 else ratio <= limit
            verdict = "%s: %s" % (text, "met" if ok else "NOT met")
            if not ok and noise:
                verdict += " (within noise)"
        rows.append("| %s | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.3f | %s%s |" % (
            label + " [%s]" % b["unit"], b["median"], b["min"], b["max"],
            s["median"], s["min"], s["max"], ratio,
            "within noise" if noise else "outside noise", "; " + verdict if verdict else ""))
        chart.append((label, ratio))
    md = ["Measured by `make bench` in one run: base and patched kernels from the same "
          "config (`s390x-guest`), same QEMU command (TCG, 2 vCPUs), %s subchannels x %s rounds "
          "for memory and bind; median (min-max) over the repetitions." % (
              nb[0] if nb else "?", nb[1] if nb else "?"),
          "",
          "| figure | base | patched | patched/base | noise; target |",
          "|---|---|---|---|---|"] + rows + ["", "![base vs patched](docs/bench.png)"]
    open(out_md, "w").write("\n".join(md) + "\n")

    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as dat:
        for i, (label, ratio) in enumerate(chart):
            dat.write('%d "%s" %f\n' % (i, label.replace('"', "'"), ratio))
    script = """
set terminal pngcairo size 1100,520 noenhanced
set output '%s'
set title 'vfio-ccw series: patched / base (1.0 = unchanged, lower is better)'
set style fill solid 0.7
set boxwidth 0.6
set yrange [0:*]
set xtics rotate by -25
set grid ytics
plot '%s' using 1:3:xtic(2) with boxes notitle, 1 with lines lw 2 title 'base'
""" % (out_png, dat.name)
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        sys.exit("report.py: gnuplot failed: %s" % r.stderr)


if __name__ == "__main__":
    main()
