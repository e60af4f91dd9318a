#!/usr/bin/env bash
# `make check`: every gate, each recorded as PASS, FAIL or SKIP with its log
# (scripts/results.sh), then the guest selftests on the debug kernels, one
# result per test. Every result the run must produce is declared first
# (expect_all); one that never comes is a FAIL with its name. Ends with
# "N passed, N failed, N skipped" and exits non-zero on any failure.
#   TREE=base  run only the guest tests, on the unpatched base kernel
# Results: build/$BASE/logs/check/results.tsv (every result),
# build/$BASE/results/check.md (the summary; `make results` publishes it into
# README.md).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/results.sh"

# The guest runs of a check: profile, label suffix, log suffix.
# (%s: the tree)
# check-rel boots side by side with the others (one host thread each).
# client boots vfio-ccw's real users (nested QEMU, mdevctl, lscss) on the
# debug kernel; it comes last, while check-rel still runs.
GUEST_RUNS=("check-rel|s390x %s, fuzz + injected faults + soak|-rel"
	"check|s390x %s|" "check-kobj|s390x %s, delayed kobject release|-kobj"
	"check-x86|x86_64 mtty %s|-x86"
	"client|s390x %s, real clients: nested QEMU, mdevctl, lscss|-client")
# keep_runs PROFILE...: keep only these entries of GUEST_RUNS, in order.
keep_runs() {
	local want=" $* " g kept=()
	for g in "${GUEST_RUNS[@]}"; do
		[[ $want == *" ${g%%|*} "* ]] && kept+=("$g")
	done
	GUEST_RUNS=("${kept[@]}")
}
# The series-wide gates of scripts/check-patches.sh.
SERIES_GATES=("base: W=1 build baseline complete" "checkpatch: SPDX check works"
	"checkpatch: reports a known-bad patch" "series: coccicheck adds no report"
	"series: x86_64 build of drivers/vfio and samples/vfio-mdev (W=1)"
	"series: htmldocs adds no warning" "rig: check-patches.sh ran to the end")
RUN_RESULTS=("TAP plans complete (%s)" "guest run (%s): no splat, no leak, powered off")
# CHECK_SCOPE=light (scripts/check-bases.sh runs the second base so): only
# checkpatch and kernel-doc per patch, and the checkpatch self-checks;
# scripts/check-patches.sh leaves out the builds, coccicheck and htmldocs;
# one guest run, the selftests on the debug kernel.
export CHECK_SCOPE=${CHECK_SCOPE:-full}
case $CHECK_SCOPE in
full) ;;
light)
	keep_runs check
	PATCH_GATES=("checkpatch --strict" "kernel-doc adds no warning")
	SERIES_GATES=("checkpatch: SPDX check works" "checkpatch: reports a known-bad patch"
		"rig: check-patches.sh ran to the end")
	;;
*) die "CHECK_SCOPE=$CHECK_SCOPE: use full or light" ;;
esac

KNOWN_ISSUES=$ROOT/scripts/known-issues/$BASE.txt
# boot: scripts/boot.sh (a function, so that tests/ can stand in for it).
boot() { "$ROOT/scripts/boot.sh" "$@"; }

# known_tests: the tests with an open issue (scripts/known-issues/BASE.txt).
known_tests() { { grep -v '^#' "$KNOWN_ISSUES" || true; } | cut -f1 | sed '/^$/d'; }

# expect_guest LABEL: what one guest run must record.
expect_guest() {
	local r
	for r in "${RUN_RESULTS[@]}"; do
		# shellcheck disable=SC2059 # the formats are ours
		expect "$(printf "$r" "$1")"
	done
}

# expect_all TREE: every result this run must produce.
expect_all() {
	local want=$1 base c n=0 total g t
	if [ "$want" = series ]; then
		base=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
		total=$(git -C "$KTREE" rev-list --count "$base..HEAD")
		for c in $(git -C "$KTREE" rev-list --reverse "$base..HEAD"); do
			n=$((n + 1))
			for g in "${PATCH_GATES[@]}"; do
				expect "$(patch_tag "$n" "$total" "$(git -C "$KTREE" log -1 --format=%s "$c")"): $g"
			done
		done
		expect "${SERIES_GATES[@]}"
	fi
	for g in "${GUEST_RUNS[@]}"; do
		IFS='|' read -r _ t _ <<<"$g"
		# shellcheck disable=SC2059
		expect_guest "$(printf "$t" "$want")"
	done
	if [ "$want" = series ]; then
		while IFS= read -r t; do
			expect "known issue: $t"
		done < <(known_tests)
	fi
}

# guest_run PROFILE TREE LABEL LOG [APPEND]: boot, record one result per
# test, the TAP plans and the run itself. Returns the runner's status.
guest_run() {
	local profile=$1 tree=$2 label=$3 log=$4 append=${5:-} rc=0
	say "==> $label (log: ${log#"$ROOT"/})"
	boot run "$profile" "$tree" "$log" ${append:+--append "$append"} \
		>"${log%.log}.out" 2>&1 || rc=$?
	grep -E '^(qemu-run|@@RIG)' "${log%.log}.out" >&2 || true
	python3 "$ROOT/scripts/console.py" results "$log" "$label" | record_lines ||
		record FAIL "rig: judge ($label)" "console.py could not judge ${log#"$ROOT"/}"
	return "$rc"
}

# guest_build PROFILE TREE LABEL: build what the profile boots, or record
# the run's results as failed (so they are not just missing).
guest_build() {
	local r logdir=${LOGS#"$ROOT"/}
	boot build "$1" "$2" >/dev/null && return 0
	for r in "${RUN_RESULTS[@]}"; do
		# shellcheck disable=SC2059
		record FAIL "$(printf "$r" "$3")" "the $1 kernel or its guest userspace did not build: $logdir/build-$2-*.log, $logdir/guest-$2-*.log*"
	done
	return 1
}

# known_issues TREE SKIPLIST: the known issues in a boot of their own: still
# failing is a SKIP with the reason, passing again is a FAIL until the list
# is updated, no result at all (the boot broke) is a FAIL.
known_issues() {
	local want=$1 list=$2 klog=$LOGS/selftests-$1-known.log rc=0 t issue why verdict
	say "==> tests with an open issue, in their own boot (log: ${klog#"$ROOT"/})"
	boot run check-known "$want" "$klog" --append "rig.only=$list" \
		>"${klog%.log}.out" 2>&1 || rc=$?
	declare -A kv=()
	while IFS=$'\t' read -r verdict t _; do
		case $t in "selftest ("*) kv[${t##*: }]=$verdict ;; esac
	done < <(python3 "$ROOT/scripts/console.py" results "$klog" known || true)
	while IFS=$'\t' read -r t issue why; do
		case $t in '#'* | '') continue ;; esac
		case ${kv[$t]:-none} in
		PASS) record FAIL "known issue: $t" "listed as known issue #$issue but passes now (run rc=$rc): remove it from ${KNOWN_ISSUES#"$ROOT"/}" ;;
		FAIL) record SKIP "known issue: $t" "issue #$issue, still failing (log ${klog#"$ROOT"/}): $why" ;;
		*) record FAIL "known issue: $t" "no result (${kv[$t]:-none}, run rc=$rc): the boot did not run it; log ${klog#"$ROOT"/}" ;;
		esac
	done <"$KNOWN_ISSUES"
}

# finish [normal]: account for every expected result, write the summary,
# exit. Only the normal end records that check.sh ran to the end.
finish() {
	trap - EXIT
	local rc=0 summary=$RESULTS/check.md
	[ "$want" = series ] || summary=$RESULTS/check-$want.md
	[ "${1:-}" = normal ] && record PASS "rig: scripts/check.sh ran to the end"
	results_finish >"$RESULTS_DIR/closing.txt" || rc=1
	{
		echo "Last \`make check\` (TREE=$want, scope $CHECK_SCOPE, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - t0)) s):"
		echo
		echo '```'
		grep -v '^PASS' "$RESULTS_DIR/results.tsv" | cut -f1,2 | tr '\t' ' ' || true
		cat "$RESULTS_DIR/closing.txt"
		echo '```'
	} >"$summary"
	say "check finished in $(($(date +%s) - t0)) s; results: ${RESULTS_DIR#"$ROOT"/}/results.tsv"
	cat "$RESULTS_DIR/closing.txt"
	exit "$rc"
}

main() {
	want=${TREE:-series}
	case $want in series | base) ;; *) die "TREE=$want: use TREE=series (default) or TREE=base" ;; esac
	t0=$(date +%s)
	results_init "$LOGS/check"
	# A rig step that dies (set -e) still ends the run with every expected
	# result accounted for: the trap records why and finishes.
	err_line='?'
	trap 'err_line=$LINENO' ERR
	trap 'rc=$?; record FAIL "rig: scripts/check.sh stopped" "exit $rc at line $err_line"; trap - EXIT; finish' EXIT
	expect "rig: unit tests" "rig: scripts/check.sh ran to the end"

	if step "rig unit tests" "$LOGS/check-rig-tests.log" "$ROOT/tests/run"; then
		record PASS "rig: unit tests" "$(tail -n1 "$LOGS/check-rig-tests.log")"
	else
		record FAIL "rig: unit tests" "log: ${LOGS#"$ROOT"/}/check-rig-tests.log"
	fi
	"$ROOT/scripts/deps.sh"
	# The client run's userland (Debian's s390x QEMU, mdevctl, s390-tools):
	# a download that fails fails that run's build, not the whole check.
	if printf '%s\n' "${GUEST_RUNS[@]}" | grep -q '^client|' &&
		! "$ROOT/scripts/deps.sh" client >"$LOGS/check-deps-client.log" 2>&1; then
		say "scripts/deps.sh client failed (log: ${LOGS#"$ROOT"/}/check-deps-client.log); the client run will fail to build"
	fi

	if [ "$want" = series ]; then
		expect "series applies to the base (git am)"
		if step "series applies to the base (git am)" "$LOGS/check-tree.log" "$ROOT/scripts/tree.sh"; then
			record PASS "series applies to the base (git am)"
		else
			record FAIL "series applies to the base (git am)" "log: ${LOGS#"$ROOT"/}/check-tree.log"
			finish
		fi
	else
		"$ROOT/scripts/tree.sh"
	fi
	expect_all "$want"
	if [ "$want" = series ]; then
		local rc=0
		"$ROOT/scripts/check-patches.sh" || rc=$?
		if [ "$rc" -eq 0 ]; then
			record PASS "rig: check-patches.sh ran to the end"
		else
			record FAIL "rig: check-patches.sh ran to the end" "exit $rc; the gates it did not reach are missing below"
		fi
		# A base whose series goes upstream (docs/postings/BASE/): each
		# posting applies onto the base with only what it says it needs.
		if [ -d "$ROOT/docs/postings/$BASE" ]; then
			local pg="series: each upstream posting applies with what it needs"
			expect "$pg"
			if step "upstream postings" "$LOGS/check-postings.log" "$ROOT/scripts/postings.sh"; then
				record PASS "$pg" "$(tail -n1 "$LOGS/check-postings.log" | sed 's/^\[[0-9:]*\] //')"
			else
				record FAIL "$pg" "$(grep ERROR "$LOGS/check-postings.log" | tail -n1); log: ${LOGS#"$ROOT"/}/check-postings.log"
			fi
		fi
	fi

	# Guest selftests on the debug kernel of the chosen tree: s390x with
	# vfio-ccw passthrough, again with delayed kobject releases (memory that
	# a late release touches, like an mdev parent freed too early, is caught
	# by KASAN every time), then x86_64 with the mtty sample (mdev lifecycle).
	# The gating run leaves out the tests with an open issue; on the base
	# everything runs, since the base is what the series fixes.
	local skip='' g profile t l label s390_ok=0 side=''
	[ "$want" = series ] && skip=$(known_tests | paste -sd, -)
	for g in "${GUEST_RUNS[@]}"; do
		IFS='|' read -r profile t l <<<"$g"
		# shellcheck disable=SC2059
		label=$(printf "$t" "$want")
		guest_build "$profile" "$want" "$label" || continue
		if [ "$profile" = check-rel ]; then
			# The reliability boot (fuzzer, injected faults, a short
			# soak) needs no selftest selection and takes as long as
			# the others together: it runs beside them.
			guest_run "$profile" "$want" "$label" "$LOGS/selftests-$want$l.log" &
			side=$!
			continue
		fi
		[ "$profile" = check ] && s390_ok=1
		guest_run "$profile" "$want" "$label" "$LOGS/selftests-$want$l.log" \
			${skip:+"rig.skip=$skip"} || true
		skip= # only the gating run leaves them out
	done
	if [ -n "$side" ]; then
		wait "$side" || true
	fi
	if [ -n "$(known_tests)" ] && [ "$want" = series ] && [ "$s390_ok" = 1 ]; then
		known_issues "$want" "$(known_tests | paste -sd, -)"
	fi
	finish normal
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
