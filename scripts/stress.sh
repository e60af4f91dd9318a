#!/usr/bin/env bash
# `make stress`: teardown (mdev remove, unbind, close, I/O in flight) racing
# css events (chp vary off/on, rescans), STRESS_RUNS iterations in a row on
# the debug kernel with 2 vCPUs (profile "stress"). TREE=base runs it on the
# unpatched base.
. "$(dirname "$0")/lib.sh"
want=${TREE:-series} runs=${STRESS_RUNS:-100}
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
"$ROOT/scripts/boot.sh" build stress "$want" >/dev/null
log=$LOGS/stress-$want.log
say "==> stress on the $want debug kernel: $runs iterations (log: ${log#"$ROOT"/})"
t0=$(date +%s)
if "$ROOT/scripts/boot.sh" run stress "$want" "$log" --append "rig.count=$runs"; then
	say "stress: $runs iterations passed in $(($(date +%s) - t0)) s"
else
	die "stress failed after $(($(date +%s) - t0)) s: $(grep -c '^@@STRESS [0-9]' "$log" || true) progress lines; see $log"
fi
