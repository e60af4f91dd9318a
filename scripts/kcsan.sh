#!/usr/bin/env bash
# `make kcsan`: the selftests and the stress run on the KCSAN kernel of the
# series (configs/s390x-kcsan.config; KCSAN excludes KASAN), the two boots
# side by side, then every reported data race judged by scripts/kcsan.py:
# a race in the code under test must be fixed or listed, with the reason
# it is benign, in scripts/kcsan-known.txt. TREE=base runs it on the base.
. "$(dirname "$0")/lib.sh"
want=${TREE:-series} runs=${STRESS_RUNS:-30}
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
"$ROOT/scripts/boot.sh" build kcsan "$want" >/dev/null ||
	die "the KCSAN kernel or its guest did not build (${LOGS#"$ROOT"/}/build-$want-kcsan.log)"
t0=$(date +%s)
declare -A pid=()
for p in kcsan kcsan-stress; do
	log=$LOGS/$p-$want.log
	say "==> $p on the $want KCSAN kernel (log: ${log#"$ROOT"/})"
	args=
	[ $p = kcsan-stress ] && args="rig.count=$runs"
	# The runner fails on any KCSAN report (a splat); kcsan.py judges them.
	"$ROOT/scripts/boot.sh" run "$p" "$want" "$log" ${args:+--append "$args"} \
		>"${log%.log}.out" 2>&1 &
	pid[$p]=$!
done
for p in "${!pid[@]}"; do wait "${pid[$p]}" || true; done
say "KCSAN boots done in $(($(date +%s) - t0)) s"
python3 "$ROOT/scripts/kcsan.py" "$LOGS/kcsan-$want.log" "$LOGS/kcsan-stress-$want.log" |
	tee "$RESULTS/kcsan-$want.md"
