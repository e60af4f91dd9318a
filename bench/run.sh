#!/usr/bin/env bash
# `make bench`: base and patched kernels, same config, same QEMU command,
# same device count, measured in one run; table and chart into README/docs.
# Two boots per kernel: wall-clock figures (rig.bench=full), then channel-
# program latencies in instructions (QEMU -icount, rig.bench=icount).
. "$(dirname "$0")/../scripts/lib.sh"
NDEV=${BENCH_DEVICES:-65}     # 0.0.0000 for round trips + 64 for memory/bind
ROUNDS=${BENCH_ROUNDS:-5}
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
for mode in full icount; do
	args=(--devices "$NDEV" --mem 2048 --smp 2 --timeout 900)
	[ $mode = icount ] && args=(--devices 2 --mem 512 --smp 1 --timeout 240 --icount)
	for k in base series; do
		log=$LOGS/bench-$k-$mode.log
		say "==> bench ($mode) on the $k kernel: ${args[1]} subchannels, ${args[5]} vCPUs, $ROUNDS rounds (log: ${log#"$ROOT"/})"
		python3 "$ROOT/scripts/qemu-run.py" --kernel "${kernel[$k]}" --initrd "${initrd[$k]}" \
			--run bench "${args[@]}" \
			--append "rig.rounds=$ROUNDS rig.bench=$mode" --log "$log" >/dev/null ||
			die "bench ($mode) on $k failed (see $log)"
	done
done
python3 "$ROOT/bench/report.py" "$LOGS" "$ROOT/bench/results.md" "$ROOT/docs/bench.png" ||
	die "bench report incomplete (see $ROOT/bench/results.md)"
python3 "$ROOT/scripts/readme.py" block bench "$ROOT/bench/results.md"
cat "$ROOT/bench/results.md"
say "bench done in $(($(date +%s) - t0)) s"
