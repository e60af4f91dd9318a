#!/usr/bin/env bash
# `make`: from a fresh clone to the SENSE ID result from the guest.
. "$(dirname "$0")/lib.sh"
t0=$(date +%s)
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
"$ROOT/scripts/boot.sh" build demo series >/dev/null
log=$LOGS/demo.log
say "==> boot the patched kernel, pass subchannel 0.0.0000 through vfio-ccw (log: ${log#"$ROOT"/})"
"$ROOT/scripts/boot.sh" run demo series "$log" || die "the demo failed: see $log"
RESULTS=$RESULTS KTREE=$KTREE python3 "$ROOT/scripts/results.py" demo "$log"
say "demo done in $(($(date +%s) - t0)) s; logs in ${LOGS#"$ROOT"/}/, result in ${RESULTS#"$ROOT"/}/demo.md ('make results' puts it into README.md)"
