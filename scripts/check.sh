#!/usr/bin/env bash
# `make check`: every gate, each reported as PASS/FAIL with its log, then the
# guest selftests on the debug kernel, one result per test. Ends with
# "N passed, N failed" and exits non-zero on any failure.
#   TREE=base  run only the guest tests, on the unpatched base kernel
. "$(dirname "$0")/lib.sh"

want=${TREE:-series}
case $want in series | base) ;; *) die "TREE=$want: use TREE=series (default) or TREE=base" ;; esac
t0=$(date +%s)
passed=0 failed=0 skipped=0
failures=()
summary=$LOGS/check-summary.txt
: >"$summary"

# record PASS|FAIL NAME [DETAIL]
record() {
	local verdict=$1 name=$2 detail=${3:-}
	if [ "$verdict" = PASS ]; then
		passed=$((passed + 1))
	elif [ "$verdict" = SKIP ]; then
		skipped=$((skipped + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
	printf '%s %s%s\n' "$verdict" "$name" "${detail:+  ($detail)}" | tee -a "$summary" >&2
}

# gate NAME LOG CMD...: a gate passes when CMD exits 0.
gate() {
	local name=$1 log=$2
	shift 2
	if step "$name" "$log" "$@"; then
		record PASS "$name"
	else
		record FAIL "$name" "log: ${log#"$ROOT"/}"
	fi
}

finish() {
	trap - EXIT
	say "check finished in $(($(date +%s) - t0)) s; summary: ${summary#"$ROOT"/}"
	{
		echo "Last \`make check\` (TREE=$want, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - t0)) s):"
		echo
		echo '```'
		grep -v '^PASS' "$summary" || true
		echo "$passed passed, $failed failed, $skipped skipped"
		echo '```'
	} >"$LOGS/check-readme.md"
	[ "${CI:-}" = true ] || [ "$want" != series ] || python3 "$ROOT/scripts/readme.py" block check "$LOGS/check-readme.md" || true
	[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}" >&2
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

# A rig step that dies (set -e) still ends the run with the summary line.
err_line=?
trap 'err_line=$LINENO' ERR
trap 'rc=$?; record FAIL "rig: scripts/check.sh stopped (exit $rc) at line $err_line"; finish' EXIT

"$ROOT/scripts/deps.sh"

if [ "$want" = series ]; then
	gate "series applies to the base (git am)" "$LOGS/check-tree.log" "$ROOT/scripts/tree.sh"
	if [ "$failed" -ne 0 ]; then finish; fi
	"$ROOT/scripts/check-patches.sh" "$LOGS/check-patches.results" || true
	# lines are "VERDICT name<TAB>detail"
	while IFS=$'\t' read -r head detail; do
		record "${head%% *}" "${head#* }" "$detail"
	done <"$LOGS/check-patches.results"
fi

# Guest selftests on the debug kernel of the chosen tree: s390x with
# vfio-ccw passthrough, then x86_64 with the mtty sample (mdev lifecycle).
src=$KTREE
[ "$want" = base ] && { "$ROOT/scripts/base.sh"; src=$KBASE; }
[ -d "$KTREE/tools/testing/selftests/vfio" ] ||
	{ record FAIL "guest selftests" "the series has no tools/testing/selftests/vfio"; finish; }

# guest_kernel NAME CONFIGS TARGETS...: build it and its initramfs into
# $o and $initrd, or record the failure and return 1.
guest_kernel() {
	local name=$1 configs=$2
	shift 2
	if ! o=$("$ROOT/scripts/build.sh" "$src" "$name" "$configs" "$@"); then
		record FAIL "build $name kernel with configs $configs" "log: build/logs/build-$name.log"
		return 1
	fi
	if ! initrd=$("$ROOT/scripts/guest.sh" "$o" "$BUILD/guest/$name"); then
		record FAIL "guest userspace for $name builds" "log: build/logs/guest-$name.log*"
		return 1
	fi
}

# guest_run LABEL LOG QEMU_ARGS...: boot, record one result per test and
# one for the run itself (no splat, no leak, powered off). Returns the
# runner's exit status.
guest_run() {
	local label=$1 log=$2 rc ntests=0 verdict name why
	shift 2
	say "==> $label (log: ${log#"$ROOT"/})"
	python3 "$ROOT/scripts/qemu-run.py" --log "$log" "$@" >"${log%.log}.out" 2>&1
	rc=$?
	cat "${log%.log}.out" >&2
	while IFS=$'\t' read -r verdict name; do
		ntests=$((ntests + 1))
		record "$verdict" "selftest ($label): $name"
	done < <(python3 "$ROOT/scripts/tap.py" "$log")
	[ "$ntests" -gt 0 ] || record FAIL "selftests ran ($label)" "no TAP results in ${log#"$ROOT"/}"
	if [ "$rc" -eq 0 ]; then
		record PASS "guest run ($label): no splat, no leak, powered off"
	else
		# name the cause(s) qemu-run found: splat, timeout, guest rc, ...
		why=$(grep '^qemu-run: ' "${log%.log}.out" | grep -v '^qemu-run: FAILED in ' |
			sed 's/^qemu-run: //; s/ (see [^)]*)//; s/; last lines of .*//' | paste -sd ';' -) || true
		record FAIL "guest run ($label): no splat, no leak, powered off" \
			"${why:+$why; }see ${log%.log}.out"
	fi
	return "$rc"
}

# The gating run leaves out the tests with an open issue (known-issues.txt);
# on the base everything runs, since the base is what the series fixes.
known=$( { grep -v '^#' "$ROOT/scripts/known-issues.txt" || true; } | cut -f1 | paste -sd, -)
skip=
[ "$want" = series ] && skip=$known
s390_ok=0
if guest_kernel "$want-debug" s390x-guest,s390x-debug bzImage; then
	s390_ok=1
	guest_run "s390x $want" "$LOGS/selftests-$want.log" \
		--kernel "$o/arch/s390/boot/bzImage" --initrd "$initrd" \
		--run selftests --devices 4 --smp 2 --mem 512 --timeout 900 \
		${skip:+--append "rig.skip=$skip"} || true
	s390_kernel=$o/arch/s390/boot/bzImage s390_initrd=$initrd
fi
# The mdev lifecycle tests again, with every kobject release delayed
# (kobject-release.config): memory that a late release would still touch,
# like an mdev parent freed too early, is then caught by KASAN every time.
if guest_kernel "$want-kobj" s390x-guest,s390x-debug,kobject-release bzImage; then
	guest_run "s390x $want, delayed kobject release" "$LOGS/selftests-$want-kobj.log" \
		--kernel "$o/arch/s390/boot/bzImage" --initrd "$initrd" \
		--run selftests --devices 4 --smp 2 --mem 512 --timeout 600 \
		--append "rig.only=mdev,sch.unbind_with_mdev,sch.remove_while_open,sch.unbind_while_open" || true
fi
if guest_kernel "$want-x86-debug" x86_64-guest,x86_64-debug bzImage modules; then
	guest_run "x86_64 mtty $want" "$LOGS/selftests-$want-x86.log" \
		--arch x86_64 --kernel "$o/arch/x86/boot/bzImage" --initrd "$initrd" \
		--run selftests --devices 0 --smp 2 --mem 1024 --timeout 600 || true
fi

# The known issues, in a boot of their own: still failing is a SKIP with
# the reason, passing again is a FAIL until the list is updated.
if [ -n "$skip" ] && [ "$s390_ok" = 1 ]; then
	klog=$LOGS/selftests-$want-known.log
	say "==> tests with an open issue, in their own boot (log: ${klog#"$ROOT"/})"
	python3 "$ROOT/scripts/qemu-run.py" --kernel "$s390_kernel" --initrd "$s390_initrd" \
		--run selftests --devices 4 --smp 2 --mem 512 --timeout 600 --log "$klog" \
		--append "rig.only=$skip" >"$LOGS/selftests-$want-known.out" 2>&1
	krc=$?
	declare -A kv=()
	while IFS=$'\t' read -r verdict name; do
		kv[${name#*: }]=$verdict
	done < <(python3 "$ROOT/scripts/tap.py" "$klog")
	while IFS=$'\t' read -r t issue why; do
		case $t in '#'* | '') continue ;; esac
		if [ "${kv[$t]:-}" = PASS ] && [ "$krc" -eq 0 ]; then
			record FAIL "selftest: vfio_ccw_test: $t" "listed as known issue #$issue but passes now: remove it from scripts/known-issues.txt"
		else
			record SKIP "selftest: vfio_ccw_test: $t" "known issue #$issue, still failing (${kv[$t]:-no result}, run rc=$krc, log ${klog#"$ROOT"/}): $why"
		fi
	done <"$ROOT/scripts/known-issues.txt"
fi
finish
