#!/usr/bin/env bash
# `make bench`: base and patched kernels, same config, same QEMU command,
# same device count, measured in one run; table and chart into README/docs.
. "$(dirname "$0")/../scripts/lib.sh"
NDEV=${BENCH_DEVICES:-65}     # 0.0.0000 for round trips + 64 for memory/bind
ROUNDS=${BENCH_ROUNDS:-5}
t0=$(date +%s)
"$ROOT/scripts/deps.sh"
command -v gnuplot >/dev/null || EXTRA_PKGS=gnuplot-nox "$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
for k in base series; do
	src=$KTREE
	[ $k = base ] && src=$KBASE
	o=$("$ROOT/scripts/build.sh" "$src" $k-guest s390x-guest bzImage)
	initrd=$("$ROOT/scripts/guest.sh" "$o" "$BUILD/guest/$k-guest")
	log=$LOGS/bench-$k.log
	say "==> bench on the $k kernel: $NDEV subchannels, $ROUNDS rounds (log: ${log#"$ROOT"/})"
	python3 "$ROOT/scripts/qemu-run.py" --kernel "$o/arch/s390/boot/bzImage" --initrd "$initrd" \
		--run bench --devices "$NDEV" --smp 2 --mem 2048 --timeout 900 \
		--append "rig.rounds=$ROUNDS" --log "$log" >/dev/null ||
		die "bench run on $k failed (see $log)"
done
python3 "$ROOT/bench/report.py" "$LOGS/bench-base.log" "$LOGS/bench-series.log" \
	"$ROOT/bench/results.md" "$ROOT/docs/bench.png"
python3 "$ROOT/scripts/readme.py" block bench "$ROOT/bench/results.md"
cat "$ROOT/bench/results.md"
say "bench done in $(($(date +%s) - t0)) s"
