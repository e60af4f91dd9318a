#!/usr/bin/env bash
# `make`: from a fresh clone to the SENSE ID result from the guest.
. "$(dirname "$0")/lib.sh"
t0=$(date +%s)
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
o=$("$ROOT/scripts/build.sh" "$KTREE" series-guest s390x-guest bzImage)
initrd=$("$ROOT/scripts/guest.sh" "$o" "$BUILD/guest/series-guest")
log=$LOGS/demo.log
say "==> boot the patched kernel, pass subchannel 0.0.0000 through vfio-ccw (log: ${log#"$ROOT"/})"
python3 "$ROOT/scripts/qemu-run.py" --kernel "$o/arch/s390/boot/bzImage" --initrd "$initrd" \
	--run demo --devices 4 --smp 2 --timeout 180 --log "$log" ||
	die "the demo failed: see $log"
python3 "$ROOT/scripts/readme.py" demo "$log"
say "demo done in $(($(date +%s) - t0)) s; logs in ${LOGS#"$ROOT"/}/"
