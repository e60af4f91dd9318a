#!/usr/bin/env bash
# Boot one guest profile on the series and on the base debug kernel at the
# same time, with the same kernel arguments (the same seeds), and compare.
#   side.sh PROFILE [KERNEL_ARGS]      (make fuzz, make fault, make soak)
#   TREES="series base" (default) or one of them
#   TIMEOUT=S: the guest's deadline instead of the profile's (make fuzz
#   and make soak scale it with the work asked for)
# Each boot is one host thread (TCG, thread=single), so the two run side by
# side on two cores. The series' run must pass; the base's result is
# reported, not judged: the base is what the series fixes. The comparison
# (scripts/reliability.py) goes to build/$BASE/results/PROFILE.md and the
# console.
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || die "usage: side.sh PROFILE [KERNEL_ARGS]"
profile=$1 args=${2:-}
trees=${TREES:-series base}
case ${TIMEOUT:-} in '' | *[!0-9]*) tmo=() ;; *) tmo=(--timeout "$TIMEOUT") ;; esac
[ -z "${TIMEOUT:-}" ] || [ ${#tmo[@]} -gt 0 ] || die "TIMEOUT='$TIMEOUT' is not a number of seconds"
python3 "$ROOT/scripts/profiles.py" get "$profile" run >/dev/null ||
	die "no guest profile '$profile' (scripts/profiles.py list)"
"$ROOT/scripts/deps.sh"
"$ROOT/scripts/tree.sh"
for t in $trees; do
	case $t in series | base) ;; *) die "TREES: '$t' is neither series nor base" ;; esac
	"$ROOT/scripts/boot.sh" build "$profile" "$t" >/dev/null ||
		die "the $profile kernel or guest of the $t tree did not build (${LOGS#"$ROOT"/}/build-$t-*.log)"
done

t0=$(date +%s)
declare -A pid=() rc=()
for t in $trees; do
	log=$LOGS/$profile-$t.log
	say "==> $profile on the $t debug kernel${args:+ ($args)} (log: ${log#"$ROOT"/})"
	"$ROOT/scripts/boot.sh" run "$profile" "$t" "$log" ${args:+--append "$args"} "${tmo[@]}" \
		>"${log%.log}.out" 2>&1 &
	pid[$t]=$!
done
for t in $trees; do
	rc[$t]=0
	wait "${pid[$t]}" || rc[$t]=$?
	say "$profile on $t: $([ "${rc[$t]}" = 0 ] && echo passed || echo "FAILED (see ${LOGS#"$ROOT"/}/$profile-$t.log)") after $(($(date +%s) - t0)) s"
done
logs=()
for t in $trees; do logs+=("$t=$LOGS/$profile-$t.log"); done
python3 "$ROOT/scripts/reliability.py" "$profile" "${logs[@]}" | tee "$RESULTS/$profile.md"
case " $trees " in
*" series "*) [ "${rc[series]}" = 0 ] || die "$profile failed on the series: $LOGS/$profile-series.log" ;;
esac
