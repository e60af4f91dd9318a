#!/usr/bin/env bash
# `make check` without BASE: scripts/check.sh on every base CI runs, one
# after the other, then one summary over all of them that ends with
# "N passed, N failed, N skipped"; exits non-zero if any base failed.
# `make BASE=B check` runs one base, all its gates (scripts/check.sh).
#
# The bases and their scopes (scripts/check.sh, CHECK_SCOPE):
#   6.1   full: every gate, all guest runs (the series under review)
#   6.12  light: the series applies, checkpatch and kernel-doc per patch,
#         the s390x selftests boot on the debug kernel with the known
#         issues; the per-patch W=1/sparse builds, coccicheck, htmldocs
#         and the x86_64 build of the second base take another ~11
#         minutes (measured here, README "Bases"), which would bring CI
#         near its 90-minute limit (6.1 alone took 51 minutes there);
#         `make BASE=6.12 check` runs them.
# A base whose check.sh stops before it records anything, or exits
# non-zero with no FAIL recorded, is a FAIL here under the base's name:
# no base can drop out of the summary.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHECK_BASES=${CHECK_BASES:-"6.1:full 6.12:light"}
# (tests/ stand in for these two)
CHECK_SH=${CHECK_SH:-$ROOT/scripts/check.sh}
CHECK_BUILD=${CHECK_BUILD:-$BUILD} # lib.sh: LOGS=$BUILD/$BASE/logs

declare -A count=([PASS]=0 [FAIL]=0 [SKIP]=0)
failures=()
t0=$(date +%s)
for entry in $CHECK_BASES; do
	b=${entry%%:*} scope=${entry#*:}
	tsv=$CHECK_BUILD/$b/logs/check/results.tsv
	# A stale file from an earlier run must not stand in for this one.
	rm -f "$tsv"
	say "==> make check, base $b ($scope)"
	rc=0
	BASE=$b CHECK_SCOPE=$scope "$CHECK_SH" || rc=$?
	if [ ! -s "$tsv" ]; then
		count[FAIL]=$((count[FAIL] + 1))
		failures+=("[$b] make check  (exit $rc and no results in ${tsv#"$ROOT"/}: see its output above)")
		continue
	fi
	nfail=0
	while IFS=$'\t' read -r verdict name detail; do
		case $verdict in
		PASS | SKIP) count[$verdict]=$((count[$verdict] + 1)) ;;
		*)
			count[FAIL]=$((count[FAIL] + 1)) nfail=$((nfail + 1))
			failures+=("[$b] $name${detail:+  ($detail)}")
			;;
		esac
	done <"$tsv"
	if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		count[FAIL]=$((count[FAIL] + 1))
		failures+=("[$b] make check  (exit $rc with no failure recorded)")
	fi
done

echo
echo "make check over bases ($CHECK_BASES) in $(($(date +%s) - t0)) s"
for f in "${failures[@]}"; do
	echo "  FAIL $f"
done
echo "${count[PASS]} passed, ${count[FAIL]} failed, ${count[SKIP]} skipped"
[ "${count[FAIL]}" -eq 0 ]
