#!/usr/bin/env bash
# `make bench`: base and patched kernels, same config, same QEMU command,
# same device count, measured in one run; table and chart into README/docs.
# Wall-clock figures (rig.bench=full), then channel-program latencies in
# instructions (QEMU -icount, rig.bench=icount), each from BENCH_BOOTS boots
# of either kernel, alternating which one boots first: a host that gets
# busier or quieter during the run then weighs on both kernels alike, and
# the spread between boots is the noise the report judges ratios against.
. "$(dirname "$0")/../scripts/lib.sh"
NDEV=${BENCH_DEVICES:-65}     # 0.0.0000 for round trips + 64 for memory/bind
ROUNDS=${BENCH_ROUNDS:-5}
BOOTS=${BENCH_BOOTS:-3}
t0=$(date +%s)
"$ROOT/scripts/deps.sh"
command -v gnuplot >/dev/null || EXTRA_PKGS=gnuplot-nox "$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
declare -A kernel initrd
for k in base series; do
	src=$KTREE
	[ $k = base ] && src=$KBASE
	o=$("$ROOT/scripts/build.sh" "$src" $k-guest s390x-guest bzImage)
	kernel[$k]=$o/arch/s390/boot/bzImage
	initrd[$k]=$("$ROOT/scripts/guest.sh" "$o" "$BUILD/guest/$k-guest")
done
# The icount boots only time programs on 0.0.0000, and instruction counting
# makes booting with many devices and much memory very slow: keep them small.
# They get one vCPU: with two, QEMU 7.2 now and then hangs the icount guest
# at "Unpacking initramfs" (seen twice in about ten boots).
# The alloc boots track the allocating function of every kmalloc and
# vfio_ccw cache object (slub_debug=U), which costs memory and time of its
# own: they only count what vfio_ccw allocates, one boot of each kernel.
SLUB_TRACE="slub_debug=U,kmalloc-*,dma-kmalloc-*,kmalloc-cg-*,vfio_ccw_*"
for mode in full icount alloc; do
	args=(--devices "$NDEV" --mem 2048 --smp 2 --timeout 900)
	[ $mode = icount ] && args=(--devices 2 --mem 512 --smp 1 --timeout 240 --icount)
	extra= nboots=$BOOTS
	[ $mode = alloc ] && extra=$SLUB_TRACE nboots=1
	for ((b = 1; b <= nboots; b++)); do
		order="base series"
		((b % 2)) || order="series base"
		for k in $order; do
			log=$LOGS/bench-$k-$mode-$b.log
			say "==> bench ($mode, boot $b/$nboots) on the $k kernel: ${args[1]} subchannels, ${args[5]} vCPUs, $ROUNDS rounds (log: ${log#"$ROOT"/})"
			python3 "$ROOT/scripts/qemu-run.py" --kernel "${kernel[$k]}" --initrd "${initrd[$k]}" \
				--run bench "${args[@]}" \
				--append "rig.rounds=$ROUNDS rig.bench=$mode $extra" --log "$log" >/dev/null ||
				die "bench ($mode) on $k failed (see $log)"
		done
	done
done
rm -f "$LOGS"/bench-{base,series}-{full,icount}.log   # one-boot logs of older rigs
python3 "$ROOT/bench/report.py" "$LOGS" "$BOOTS" "$ROOT/bench/results.md" "$ROOT/docs/bench.png" ||
	die "bench report incomplete (see $ROOT/bench/results.md)"
python3 "$ROOT/scripts/readme.py" block bench "$ROOT/bench/results.md"
cat "$ROOT/bench/results.md"
say "bench done in $(($(date +%s) - t0)) s"
