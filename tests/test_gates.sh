#!/usr/bin/env bash
# The rig's gates fail closed: each way a gate used to vanish (or could)
# is provoked here with a stub, and must show up as a FAIL line, not as a
# shorter list of PASS lines. No kernel tree, no VM: runs in seconds.
# Prints "ok N - name" / "not ok N - name" and "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 n=0

ok() { # ok NAME CONDITION-RESULT(0|1) [WHY]
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1${3:+: $3}"
	fi
}

# Each case runs in a subshell of its own under the rig's shell options, with
# RESULTS_DIR in $T/<case>; it prints what it wants compared.
in_rig() { # in_rig CASE SCRIPT
	local dir=$T/$1
	mkdir -p "$dir"
	(
		set -euo pipefail
		export RESULTS_DIR=$dir
		# shellcheck source=../scripts/results.sh
		. "$ROOT/scripts/results.sh"
		results_init "$dir"
		eval "$2"
	) 2>"$dir/stderr"
}

# --- results.sh: an expected gate that never records is a FAIL by name ---
out=$(in_rig missing '
	expect "gate a" "gate b"
	record PASS "gate a" >/dev/null 2>&1
	results_finish; echo "rc=$?"' 2>&1 || true)
grep -q '^1 passed, 1 failed, 0 skipped$' <<<"$out" && grep -q 'rc=1' <<<"$out" &&
	grep -qP '^FAIL\tgate b\tmissing result' "$T/missing/results.tsv"
ok "results: an expected result that never comes is a FAIL named after it" $? "$out"

# A large run whose first result is expected: "cut | grep -q" under
# pipefail called it missing when grep left before cut had written all
# (SIGPIPE), as make check once did for two names of patch 03.
out=$(in_rig large '
	for i in $(seq 3000); do
		printf "PASS\tgate %04d %s\t\n" "$i" "$(printf "%0100d" 0)"
	done >"$RESULTS_DIR/results.tsv"
	expect "gate 0001 $(printf "%0100d" 0)"
	results_finish' 2>&1 || true)
grep -q '^3000 passed, 0 failed, 0 skipped$' <<<"$out"
ok "results: a found name is not 'missing' in a large run (pipefail, SIGPIPE)" $? "$(tail -n 3 <<<"$out")"

out=$(in_rig twice '
	record PASS "gate a"; record PASS "gate a"
	results_finish || echo "rc=1"' 2>&1 || true)
grep -q 'rc=1' <<<"$out" && grep -q 'recorded more than once: gate a' "$T/twice/results.tsv"
ok "results: a result recorded twice is a FAIL" $? "$out"

out=$(in_rig empty 'results_finish || echo "rc=1"' 2>&1 || true)
grep -q 'rc=1' <<<"$out"
ok "results: a run that recorded nothing fails" $? "$out"

out=$(in_rig verdict 'record MAYBE "gate x" "d"; results_finish || echo "rc=1"' 2>&1 || true)
grep -q 'rc=1' <<<"$out" && grep -qP "^FAIL\tgate x\tnot a verdict" "$T/verdict/results.tsv"
ok "results: an unknown verdict is recorded as FAIL" $? "$out"

# A failed guest run with a splat: the splat's lines come at the end, where
# a CI log cut to its tail still has them (the guest log stays behind).
out=$(in_rig splat "
	record FAIL 'guest run (x): no splat' 'kernel splat (1 line(s), first at line 9: WARNING: x); log $ROOT/tests/logs/selftests-splat-in-test.log'
	results_finish || echo rc=1" 2>&1 || true)
err=$T/splat/stderr
grep -q 'rc=1' <<<"$out" && grep -q '^first splat, line [0-9]* of .*selftests-splat-in-test.log' "$err" &&
	grep -B100 '^failed:' "$err" | grep -q '^  | ' &&
	[ "$(tail -n 1 "$err" | grep -c '^  guest run (x)')" = 1 ]
ok "results: a failed run's splat is printed before the failure list" $? "$out $(cat "$err")"

# The common failure has no splat: the summary must still come under
# errexit and pipefail (a bash of its own: in_rig runs behind "|| true",
# where errexit is off). The splat search finding nothing once ended it.
mkdir -p "$T/plainfail"
out=$(RESULTS_DIR=$T/plainfail ROOT=$ROOT bash -c '
	set -euo pipefail
	. "$ROOT/scripts/results.sh"
	results_init "$RESULTS_DIR"
	record FAIL "gate z" "plain failure" >/dev/null 2>&1
	results_finish
	echo "not reached: results_finish returned 0"' 2>&1)
grep -q '^0 passed, 1 failed, 0 skipped$' <<<"$out" && grep -q '^  gate z  (plain failure)$' <<<"$out"
ok "results: a failure without a splat still ends with the counts (errexit)" $? "$out"

# --- check-patches.sh: checkpatch verdicts, b4-style ---
cpv() { # cpv OUTPUT RC [MESSAGE] -> verdict line
	printf '%s' "$1" >"$T/cp.log"
	printf '%s' "${3:-}" >"$T/cp.msg"
	(
		set -euo pipefail
		CHECK_PATCHES_LIB=1
		# shellcheck source=../scripts/check-patches.sh
		. "$ROOT/scripts/check-patches.sh"
		checkpatch_verdict "$T/cp.log" "$2" "$T/cp.msg"
	)
}
[[ $(cpv "" 1) == FAIL* ]]
ok "checkpatch stubbed to print nothing and exit 1: FAIL" $?
[[ $(cpv "" 0) == PASS* ]]
ok "checkpatch with no output and exit 0: PASS (clean, as b4 reads it)" $?
[[ $(cpv $'-:12: WARNING:LONG_LINE: line length of 101 exceeds 100 columns\n' 1) == FAIL* ]]
ok "checkpatch with a report: FAIL" $?
known_id=$(grep -v '^#' "$ROOT/scripts/upstream-commits.txt" | head -n1 | cut -c1-12)
[[ $(cpv "-:9: WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '$known_id', maybe rebased or not pulled?"$'\n' 1) == PASS* ]]
ok "checkpatch UNKNOWN_COMMIT_ID for an id in upstream-commits.txt: PASS" $?
[[ $(cpv "-:9: WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '0123456789ab', maybe rebased or not pulled?"$'\n' 1) == FAIL* ]]
ok "checkpatch UNKNOWN_COMMIT_ID for an unlisted id: FAIL" $?
nofix=$'-:20: WARNING:MISSING_FIXES_TAG: The commit message has \'BUG: KASAN: \', perhaps it also needs a \'Fixes:\' tag?\n'
[[ $(cpv "$nofix" 1 $'s390/x: fix\n\nBUG: KASAN: ...\n') == FAIL* ]]
ok "checkpatch MISSING_FIXES_TAG without a reason in the message: FAIL" $?
[[ $(cpv "$nofix" 1 $'s390/x: fix\n\nBUG: KASAN: ...\n\nNo Fixes: tag: the commit could not be named.\n') == PASS* ]]
ok "checkpatch MISSING_FIXES_TAG with a 'No Fixes: tag:' paragraph: PASS" $?
[[ $(cpv "$nofix"$'-:30: WARNING:LONG_LINE: line length of 101 exceeds 100 columns\n' 1 $'x\n\nNo Fixes: tag: why.\n') == FAIL* ]]
ok "checkpatch MISSING_FIXES_TAG with a reason next to another report: FAIL" $?
[[ $(cpv "Can't locate Foo.pm in @INC"$'\n' 2) == FAIL* ]]
ok "checkpatch that crashes: FAIL" $?

# The canary: a checkpatch that stays silent on a known-bad patch.
out=$(
	set -euo pipefail
	CHECK_PATCHES_LIB=1
	. "$ROOT/scripts/check-patches.sh"
	checkpatch() { cat >/dev/null; return 0; }
	checkpatch_canary "$T/canary.log"
)
[[ $out == FAIL* ]]
ok "checkpatch stubbed to print nothing on the canary patch: FAIL" $? "$out"

# checkpatch --mailback leaves before its sign-off check when nothing else
# is wrong: a checkpatch that reports a missing sign-off only next to
# another finding must not pass the canary.
out=$(
	set -euo pipefail
	CHECK_PATCHES_LIB=1
	. "$ROOT/scripts/check-patches.sh"
	checkpatch() {
		if grep -q '^+.* $'; then
			printf '%s\n' '-:25: ERROR:MISSING_SIGN_OFF: x' '-:20: ERROR:TRAILING_WHITESPACE: y'
			return 1
		fi
		return 0
	}
	checkpatch_canary "$T/canary-mailback.log"
)
[[ $out == FAIL* ]]
ok "checkpatch silent on a patch missing only its sign-off (--mailback): canary FAIL" $? "$out"

# --- coccicheck and htmldocs finders: a tree with no finding ---
printf 'coccicheck: nothing to report\n' >"$T/none.log"
out=$(
	set -euo pipefail
	CHECK_PATCHES_LIB=1
	. "$ROOT/scripts/check-patches.sh"
	a=$(cocci_filter "$T/none.log")
	b=$(docs_filter "$T/none.log")
	echo "reached a=[$a] b=[$b]"
)
[ "$out" = "reached a=[] b=[]" ]
ok "coccicheck/htmldocs finders with no finding do not end the script" $? "$out"
printf 'drivers/s390/cio/x.c:12:3-9: WARNING: something\n' >"$T/one.log"
out=$(CHECK_PATCHES_LIB=1 bash -c '. "$1/scripts/check-patches.sh"; cocci_filter "$2"' _ "$ROOT" "$T/one.log")
[ "$out" = "drivers/s390/cio/x.c: WARNING: something" ]
ok "coccicheck finder reports a finding without its line number" $? "$out"

# --- base vs series comparison (coccicheck, htmldocs) ---
bvs() { # bvs BASE-FINDINGS SERIES-FINDINGS -> the recorded verdict
	FIND_BASE=$1 FIND_SERIES=$2 in_rig "bvs$RANDOM" '
		CHECK_PATCHES_LIB=1 . "$ROOT/scripts/check-patches.sh"
		git() { :; }; say() { :; }; bis=x base=b commits=(s)
		finder() { if [ "$2" = base ]; then printf "%s" "$FIND_BASE"; else printf "%s" "$FIND_SERIES"; fi; }
		base_vs_series "gate" finder tool "d" 2>/dev/null
		cut -f1 "$RESULTS_DIR/results.tsv"'
}
[ "$(bvs "a: x" "a: x")" = PASS ] && [ "$(bvs "a: x" "a: x
b: new")" = FAIL ] && [ "$(bvs "" "tool failed in d")" = FAIL ] && [ "$(bvs "" "")" = PASS ]
ok "base vs series: PASS with no new finding, FAIL on a new one or when the tool fails" $?

# --- check.sh: the known-issues boot exits non-zero and runs nothing ---
printf 'sch.flaky\t14\tloses an interrupt\nsch.fixed\t14\tused to fail\n' >"$T/known.txt"
out=$(in_rig known '
	. "$ROOT/scripts/check.sh"
	KNOWN_ISSUES=$T/known.txt LOGS=$T
	boot() { echo "qemu-run: FAILED" >&2; printf "@@RUNNER end=timeout after=600\n" >"$4"; return 1; }
	known_issues series "sch.flaky,sch.fixed" 2>/dev/null
	cut -f1,2 "$RESULTS_DIR/results.tsv"' 2>&1)
[ "$(grep -c '^FAIL' <<<"$out")" = 2 ] && ! grep -q '^PASS\|^SKIP' <<<"$out"
ok "known-issues boot that exits non-zero: every listed test FAILs (no SKIP, no PASS)" $? "$out"

# ... and a boot in which one still fails and one passes again.
out=$(in_rig known2 '
	. "$ROOT/scripts/check.sh"
	KNOWN_ISSUES=$T/known.txt LOGS=$T
	boot() { printf "%s\n" "@@SELFTEST vfio_ccw_test" "1..2" "ok 1 sch.fixed" "not ok 2 sch.flaky" \
		"@@RIG-DONE rc=1" "@@RUNNER end=exit after=9" >"$4"; return 1; }
	known_issues series "sch.flaky,sch.fixed" 2>/dev/null
	cut -f1,2 "$RESULTS_DIR/results.tsv"' 2>&1)
grep -qP '^SKIP\tknown issue: sch.flaky' <<<"$out" && grep -qP '^FAIL\tknown issue: sch.fixed' <<<"$out"
ok "known issue still failing is a SKIP, one passing again is a FAIL" $? "$out"

# --- check.sh: a guest run whose kernel does not build ---
out=$(in_rig nobuild '
	. "$ROOT/scripts/check.sh"
	boot() { return 1; }
	expect_guest "s390x series"
	guest_build check series "s390x series" 2>/dev/null || true
	results_finish >/dev/null 2>&1 || true
	cut -f1,2 "$RESULTS_DIR/results.tsv"' 2>&1)
[ "$(grep -c '^FAIL' <<<"$out")" = 2 ] && ! grep -q 'missing result' "$T/nobuild/results.tsv"
ok "a guest kernel that does not build FAILs the run's results by name" $? "$out"

# --- check.sh: a guest run that prints no TAP and crashes ---
out=$(in_rig crash '
	. "$ROOT/scripts/check.sh"
	LOGS=$T
	boot() { printf "%s\n" "@@RIG-START run=selftests" "@@SELFTEST vfio_ccw_test" "Kernel panic - not syncing" \
		"@@RUNNER end=eof after=3" >"$4"; return 1; }
	guest_run check series "s390x series" "$T/crash.log" 2>/dev/null || true
	cut -f1,2 "$RESULTS_DIR/results.tsv"' 2>&1)
[ "$(grep -c '^FAIL' <<<"$out")" = 2 ] && ! grep -q '^PASS' <<<"$out"
ok "a guest run that crashes before any TAP: plan and run FAIL" $? "$out"

# --- no "cmd; rc=\$?" under set -e anywhere in the rig ---
# (a status is taken only as "cmd || rc=$?"; the EXIT trap's is the one exception)
hits=$(grep -nE '\w+=\$\?' "$ROOT"/scripts/*.sh "$ROOT"/bench/*.sh "$ROOT"/guest/*.sh "$ROOT"/.ci/run |
	grep -vE '\|\| *\w+=\$\?|trap .rc=\$\?' || true)
[ -z "$hits" ]
ok "no 'cmd; rc=\$?' under set -e in the rig's scripts" $? "$hits"

# --- a step leaves nothing behind that holds what it inherited ---
# (the progress ticker's orphaned sleep kept build.sh's flock, so every
# build waited up to 30 s for the one before it)
(
	# shellcheck source=../scripts/lib.sh
	. "$ROOT/scripts/lib.sh"
	exec 9>"$T/held.lock"
	flock 9
	step "quick step" "$T/step.log" sleep 0.5 2>/dev/null
)
flock -n "$T/held.lock" true
ok "a step's progress ticker does not outlive it (a lock it inherited is free at once)" $?

# --- bases: BASE picks the pin, the series and the work dirs ---
# (each in a bash of its own: lib.sh exits on an unknown base)
bases=$(cd "$ROOT/bases" && printf '%s\n' * | sort -V | paste -sd' ')
for bad in nope ../bases/6.1 .; do
	rc=0
	out=$(cd "$T" && BASE=$bad bash -c '. "$1/scripts/lib.sh"; echo reached' _ "$ROOT" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] && ! grep -q reached <<<"$out" &&
		grep -qF "ERROR: BASE=$bad: no pin bases/$bad (bases: $bases)" <<<"$out" &&
		{ [ "$bad" != nope ] || [ ! -e "$ROOT/build/nope" ]; }
	ok "an unknown BASE=$bad stops at once, naming the bases there are ($bases)" $? "rc=$rc: $out"
done
[[ " $bases " == *" 6.1 "* && " $bases " == *" 6.12 "* ]]
ok "the bases 6.1 and 6.12 are pinned (bases/)" $? "$bases"

paths() { # paths BASE-OR-UNSET: what lib.sh makes of it
	(
		unset CCACHE_DIR CCACHE_BASEDIR
		if [ "$1" = unset ]; then unset BASE; else export BASE=$1; fi
		# shellcheck source=../scripts/lib.sh
		. "$ROOT/scripts/lib.sh"
		echo "$BASE|$PATCHES|$KTREE|$KBASE|$OUT|$GUEST|$LOGS|$RESULTS|$BUILD|$(base_field DEBIAN_PACKAGE)|${CCACHE_DIR:-no ccache}"
	) 2>&1
}
cc=no\ ccache
command -v ccache >/dev/null 2>&1 && cc=$ROOT/build/ccache
B=$ROOT/build
want() { echo "$1|$ROOT/patches/$1|$B/$1/linux|$B/$1/linux-base|$B/$1/out|$B/$1/guest|$B/$1/logs|$B/$1/results|$B|linux-source-$1|$cc"; }
got=$(paths 6.12)
[ "$got" = "$(want 6.12)" ]
ok "BASE=6.12: PATCHES, KTREE, KBASE, OUT, GUEST, LOGS, RESULTS and the pin follow it; ccache stays shared" $? "$got"
got=$(paths unset)
[ "$got" = "$(want 6.1)" ] && [ "$(paths '')" = "$(want 6.1)" ]
ok "no BASE (or an empty one, as the Makefile exports it): the default 6.1" $? "$got"
got=$(BASE=6.12 bash -c '. "$1/scripts/lib.sh"; bash -c "echo \$BASE"' _ "$ROOT" 2>&1)
[ "$got" = 6.12 ]
ok "lib.sh exports BASE to the scripts it runs" $? "$got"

# An incomplete pin (a new base's TARBALL_SHA256 and BASE_COMMIT, empty until
# measured) is said, and its sha256 check skipped with the measured value; a
# missing package is named. In a copy of the rig, so that neither what this
# machine has installed nor its build/ matters.
mkdir -p "$T/rig"
cp -r "$ROOT/scripts" "$ROOT/bases" "$T/rig/"
sed "s|^TARBALL=.*|TARBALL=$T/absent.tar.xz|; s/^TARBALL_SHA256=.*/TARBALL_SHA256=/; s/^BASE_COMMIT=.*/BASE_COMMIT=/" \
	"$ROOT/bases/6.12" >"$T/rig/bases/6.12"
rc=0
out=$(BASE=6.12 "$T/rig/scripts/base.sh" 2>&1) || rc=$?
[ "$rc" -ne 0 ] && grep -q 'the pin bases/6.12 is incomplete: TARBALL_SHA256 BASE_COMMIT empty' <<<"$out" &&
	grep -qF "$T/absent.tar.xz not found: BASE=6.12 needs linux-source-6.12 6.12.117-1~deb12u1 installed" <<<"$out"
ok "BASE=6.12 without its tarball: the pin is said incomplete, the missing package named" $? "rc=$rc: $out"
printf 'x\n' | xz >"$T/absent.tar.xz"
sha=$(sha256sum "$T/absent.tar.xz" | cut -d' ' -f1)
sed -i 's/^DEBIAN_PACKAGE=.*/DEBIAN_PACKAGE=rig-test-no-such-package/' "$T/rig/bases/6.12"
rc=0
out=$(BASE=6.12 "$T/rig/scripts/base.sh" 2>&1) || rc=$?
[ "$rc" -ne 0 ] && grep -q "bases/6.12: TARBALL_SHA256 not pinned; $T/absent.tar.xz has sha256 $sha" <<<"$out" &&
	! grep -q 'sha256 of' <<<"$out" && grep -q 'package rig-test-no-such-package is none, bases/6.12 pins' <<<"$out"
ok "an empty TARBALL_SHA256: not checked, the measured sha256 said; the other checks still run" $? "rc=$rc: $out"

# --- range-diff.sh: the series of a revision, by base, old layout too ---
R=$T/history
git init -q "$R"
gi() { git -C "$R" -c user.name=t -c user.email=t@t "$@" >/dev/null; }
mkdir -p "$R/patches"
printf 'DEBIAN_PACKAGE=linux-source-6.1\n' >"$R/BASE"
printf '0001-a.patch\n' >"$R/patches/series"
gi add -A && gi commit -q -m old && gi tag old
printf 'DEBIAN_PACKAGE=linux-source-5.10\n' >"$R/BASE"
gi commit -q -am other && gi tag other
gi rm -q -r patches BASE
mkdir -p "$R/patches/6.1"
printf '0001-a.patch\n' >"$R/patches/6.1/series"
gi add -A && gi commit -q -m new && gi tag new
sd() { # sd BASE REV -> "dir" or "FAIL: message"
	(
		export BASE=$1 RANGE_DIFF_LIB=1
		# shellcheck source=../scripts/range-diff.sh
		. "$ROOT/scripts/range-diff.sh"
		series_dir "$R" "$2" 2>"$T/sd.err" || echo "FAIL: $(cat "$T/sd.err")"
	)
}
[ "$(sd 6.1 new)" = patches/6.1 ] && [ "$(sd 6.1 old)" = patches ]
ok "range-diff: patches/6.1/series, or an old revision's patches/series (FROM=<old rev>)" $? "$(sd 6.1 new) $(sd 6.1 old)"
out="$(sd 6.12 old) / $(sd 6.1 other) / $(sd 6.12 new)"
[ "$(grep -o 'FAIL:' <<<"$out" | wc -l)" = 3 ] && grep -q 'series of linux-source-6.1, not of BASE=6.12' <<<"$out" &&
	grep -q 'no patches/6.12/series (nor patches/series) at new' <<<"$out"
ok "range-diff: no old patches/series of another base's package, no series at all: refused" $? "$out"

# --- no script names a work dir outside build/BASE/ or the series outside patches/BASE/ ---
hits=$(grep -nE 'build/(logs|linux|out|results|guest|bisect)\b|"\$ROOT/(patches|BASE)"|\$ROOT/patches/[^$]|"\$BUILD/(logs|linux|out|results|guest|bisect)' \
	"$ROOT"/scripts/*.sh "$ROOT"/scripts/*.py "$ROOT"/bench/* "$ROOT"/guest/*.sh "$ROOT"/Makefile "$ROOT"/.ci/run || true)
[ -z "$hits" ]
ok "no hard-coded build/logs, build/linux, build/out, ... or patches/ path in the rig" $? "$hits"

# --- config fragments: a base's overlay, the last setting of each option wins ---
wo=$(bash -c "$(sed -n '/^wanted_options() {/,/^}/p' "$ROOT/scripts/build.sh")
	printf '%s\n' CONFIG_A=y CONFIG_B=y '# a comment' CONFIG_C=m '# CONFIG_B is not set' CONFIG_A=n CONFIG_D=\"x=y\" | wanted_options")
[ "$wo" = "$(printf '%s\n' CONFIG_A=n CONFIG_B=n CONFIG_C=m CONFIG_D=x=y)" ]
ok "build.sh checks the last setting of each option ('is not set' is =n), not every line" $? "$wo"
bad=()
for f in "$ROOT"/configs/*/*.config; do
	b=$(basename "$(dirname "$f")")
	[ -f "$ROOT/bases/$b" ] && [ -f "$ROOT/configs/$(basename "$f")" ] || bad+=("$f")
done
[ ${#bad[@]} -eq 0 ] && [ -f "$ROOT/configs/6.12/s390x-guest.config" ]
ok "every configs/BASE/NAME.config overlays a fragment configs/NAME.config of a pinned base" $? "${bad[*]}"

# --- check-bases.sh: one summary over the bases; no base drops out ---
cat >"$T/check-stub.sh" <<'STUB'
#!/usr/bin/env bash
d=$CHECK_BUILD/$BASE/logs/check
mkdir -p "$d"
case $BASE in
good) printf 'PASS\tg1\t\nSKIP\tg2\twhy\n' >"$d/results.tsv" ;;
bad) printf 'PASS\tg1\t\nFAIL\tg3\tbroken\n' >"$d/results.tsv" && exit 1 ;;
silent) printf 'PASS\tg1\t\n' >"$d/results.tsv" && exit 4 ;;
vanish) exit 3 ;;
esac
STUB
chmod +x "$T/check-stub.sh"
cb() { # cb BASES -> output; status in $T/cb.rc
	local rc=0 out
	out=$(CHECK_BASES=$1 CHECK_SH=$T/check-stub.sh CHECK_BUILD=$T/cbuild \
		"$ROOT/scripts/check-bases.sh" 2>&1) || rc=$?
	echo "$rc" >"$T/cb.rc"
	printf '%s\n' "$out"
}
out=$(cb "good:full good:light")
[ "$(cat "$T/cb.rc")" = 0 ] && [ "$(tail -n1 <<<"$out")" = "2 passed, 0 failed, 2 skipped" ]
ok "check-bases: bases that pass give one summary of all their results, exit 0" $? "$out"
out=$(cb "good:full bad:light")
[ "$(cat "$T/cb.rc")" = 1 ] && [ "$(tail -n1 <<<"$out")" = "2 passed, 1 failed, 1 skipped" ] &&
	grep -q '^  FAIL \[bad\] g3  (broken)$' <<<"$out"
ok "check-bases: a failing gate of one base fails the whole, named with its base" $? "$out"
mkdir -p "$T/cbuild/vanish/logs/check" && printf 'PASS\tstale\t\n' >"$T/cbuild/vanish/logs/check/results.tsv"
out=$(cb "good:full vanish:light")
[ "$(cat "$T/cb.rc")" = 1 ] && [ "$(tail -n1 <<<"$out")" = "1 passed, 1 failed, 1 skipped" ] &&
	grep -q '^  FAIL \[vanish\] make check  (exit 3 and no results' <<<"$out"
ok "check-bases: a base that records nothing (not even its stale results) is a FAIL" $? "$out"
out=$(cb "silent:light")
[ "$(cat "$T/cb.rc")" = 1 ] && grep -q '^  FAIL \[silent\] make check  (exit 4 with no failure recorded)$' <<<"$out"
ok "check-bases: a base that exits non-zero with only passes is a FAIL" $? "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
