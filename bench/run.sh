#!/usr/bin/env bash
# `make bench`: base and patched kernels, same config, same QEMU command,
# same device count, measured in one run (profiles bench-full, bench-icount,
# bench-alloc in scripts/profiles.py). Wall-clock figures, then
# channel-program latencies in instructions (QEMU -icount), each from
# BENCH_BOOTS boots of either kernel, alternating which one boots first: a
# host that gets busier or quieter during the run then weighs on both
# kernels alike, and the spread between boots is the noise the report
# judges ratios against. The alloc boots track the allocating function of
# every kmalloc and vfio_ccw cache object (slub_debug=U): one boot of each.
# Results: build/$BASE/results/bench.md and bench.png ('make results'
# publishes).
. "$(dirname "$0")/../scripts/lib.sh"
ROUNDS=${BENCH_ROUNDS:-5}
BOOTS=${BENCH_BOOTS:-3}
t0=$(date +%s)
"$ROOT/scripts/deps.sh"
command -v gnuplot >/dev/null || EXTRA_PKGS=gnuplot-nox "$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
# The three profiles boot one kernel build ("guest") per tree.
for k in base series; do
	"$ROOT/scripts/boot.sh" build bench-full $k >/dev/null
done
for mode in full icount alloc; do
	nboots=$BOOTS
	[ $mode = alloc ] && nboots=1
	for ((b = 1; b <= nboots; b++)); do
		order="base series"
		((b % 2)) || order="series base"
		for k in $order; do
			log=$LOGS/bench-$k-$mode-$b.log
			say "==> bench-$mode (boot $b/$nboots) on the $k kernel, $ROUNDS rounds (log: ${log#"$ROOT"/})"
			"$ROOT/scripts/boot.sh" run "bench-$mode" $k "$log" --append "rig.rounds=$ROUNDS" >/dev/null ||
				die "bench ($mode) on $k failed (see $log)"
		done
	done
done
python3 "$ROOT/bench/report.py" "$LOGS" "$BOOTS" "$RESULTS/bench.md" "$RESULTS/bench.png" ||
	die "bench report incomplete (see $RESULTS/bench.md)"
cat "$RESULTS/bench.md"
say "bench done in $(($(date +%s) - t0)) s; 'make results' puts it into README.md"
