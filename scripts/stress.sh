#!/usr/bin/env bash
# `make stress`: teardown (mdev remove, unbind, close, I/O in flight) racing
# css events (chp vary off/on, rescans), STRESS_RUNS iterations in a row on
# the debug kernel with 2 vCPUs. TREE=base runs it on the unpatched base.
. "$(dirname "$0")/lib.sh"
want=${TREE:-series} runs=${STRESS_RUNS:-100}
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
src=$KTREE
[ "$want" = base ] && src=$KBASE
o=$("$ROOT/scripts/build.sh" "$src" "$want-debug" s390x-guest,s390x-debug bzImage)
initrd=$("$ROOT/scripts/guest.sh" "$o" "$BUILD/guest/$want-debug")
log=$LOGS/stress-$want.log
say "==> stress on the $want debug kernel: $runs iterations (log: ${log#"$ROOT"/})"
t0=$(date +%s)
if python3 "$ROOT/scripts/qemu-run.py" --kernel "$o/arch/s390/boot/bzImage" --initrd "$initrd" \
	--run stress --devices 2 --smp 2 --timeout 2400 --append "rig.count=$runs" --log "$log"; then
	say "stress: $runs iterations passed in $(($(date +%s) - t0)) s"
else
	die "stress failed after $(($(date +%s) - t0)) s: $(grep -c '^@@STRESS [0-9]' "$log" || true) progress lines; see $log"
fi
