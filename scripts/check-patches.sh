#!/usr/bin/env bash
# Per-patch gates (bisect): each patch of build/$BASE/linux, in order, must
# build (s390x guest config, W=1, sparse on what it rebuilds) with no new
# warning against the base in the files the series touches, pass checkpatch
# --strict, and add no kernel-doc warning to the files it touches. Then
# whole-series gates: coccicheck, an x86_64 build of the vfio core and the
# mdev samples, htmldocs. Every gate records its result (scripts/results.sh);
# check.sh expects each by name, so a gate that does not run is a FAIL.
# Usage: check-patches.sh   (RESULTS_DIR set by check.sh)
# The filters (checkpatch_verdict, cocci_filter, docs_filter) are functions
# that tests/ source on their own: `CHECK_PATCHES_LIB=1 . check-patches.sh`.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/results.sh"

# checkpatch_verdict LOG RC: "PASS|FAIL<TAB>detail" for checkpatch output run
# the way b4 runs it (--terse --no-summary --mailback): clean is no output
# and exit 0. The base is a tarball without history, so checkpatch cannot
# look up the commit ids of Fixes: tags (UNKNOWN_COMMIT_ID); such a report is
# accepted only for an id listed in scripts/upstream-commits.txt.
#
# MISSING_FIXES_TAG (a crash report or Cc: stable without Fixes:) is
# accepted only when MSG, the commit message, has a paragraph beginning
# "No Fixes: tag:" that says why none can be given.
checkpatch_verdict() {
	local log=$1 rc=$2 msg=${3:-} known=$ROOT/scripts/upstream-commits.txt line id rest='' allowed=0
	while IFS= read -r line; do
		if [[ $line == *WARNING:MISSING_FIXES_TAG:* ]] && [ -n "$msg" ] &&
			grep -q '^No Fixes: tag: ' "$msg"; then
			allowed=$((allowed + 1))
			continue
		fi
		if [[ $line =~ UNKNOWN_COMMIT_ID:\ Unknown\ commit\ id\ \'([0-9a-f]{12,40})\' ]]; then
			id=${BASH_REMATCH[1]}
			if grep -v '^#' "$known" | awk -v id="$id" 'index($0, id) == 1 { f = 1 } END { exit !f }'; then
				allowed=$((allowed + 1))
				continue
			fi
		fi
		rest+="$line; "
	done <"$log"
	if [ -n "$rest" ]; then
		printf 'FAIL\t%s\n' "${rest:0:400}"
	elif [ "$rc" -ne 0 ] && [ "$allowed" -eq 0 ]; then
		printf 'FAIL\tcheckpatch exited %s with no report\n' "$rc"
	elif [ "$allowed" -gt 0 ]; then
		printf 'PASS\tclean but %d accepted report(s): Fixes: ids listed in scripts/upstream-commits.txt, or no Fixes: with its reason\n' "$allowed"
	else
		printf 'PASS\tclean\n'
	fi
}

# cocci_filter LOG: coccicheck reports, line numbers dropped (none: empty).
cocci_filter() {
	{ grep -E '^[^ ]+:[0-9]+:[0-9-]+: (WARNING|ERROR|ERROR:|WARNING:)|coccicheck failed' "$1" || true; } |
		sed -E 's/:[0-9]+:[0-9-]+:/:/; s/line [0-9]+/line N/g' | sort -u
}

# docs_filter LOG: Sphinx warnings, relative paths, no line numbers.
docs_filter() {
	{ grep -E '(WARNING|ERROR|htmldocs failed)' "$1" || true; } |
		sed -E 's|^.*/Documentation/|Documentation/|; s/:[0-9]+:/:/' | sort -u
}

# kdoc_norm: line numbers move with every patch: drop them, in the message too.
kdoc_norm() { sed -E 's/:[0-9]+:/:/; s/on line [0-9]+/on line N/'; }

# checkpatch: checkpatch.pl of the bisect tree, as the gates run it. No
# --mailback: with it, checkpatch leaves before its sign-off check when
# nothing else is wrong, so a patch whose only defect is a missing
# Signed-off-by passed as clean.
checkpatch() {
	(cd "$bis" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --terse --no-summary \
		--strict --show-types -)
}

# checkpatch_canary LOG: "PASS|FAIL<TAB>detail". A checkpatch that reports
# nothing on a patch known to be bad would make every clean verdict
# meaningless: one canary with a missing sign-off and trailing whitespace,
# one with nothing wrong but the missing sign-off.
checkpatch_canary() {
	local log=$1 rc=0 rc2=0
	checkpatch <"$ROOT/tests/data/checkpatch-canary.patch" >"$log" 2>&1 || rc=$?
	checkpatch <"$ROOT/tests/data/checkpatch-canary-signoff.patch" >"$log.signoff" 2>&1 || rc2=$?
	if [ "$rc" -ne 0 ] && grep -q 'MISSING_SIGN_OFF' "$log" && grep -q 'TRAILING_WHITESPACE' "$log" &&
		[ "$rc2" -ne 0 ] && grep -q 'MISSING_SIGN_OFF' "$log.signoff"; then
		printf 'PASS	the canaries got MISSING_SIGN_OFF and TRAILING_WHITESPACE, and MISSING_SIGN_OFF alone\n'
	else
		printf 'FAIL	exit %s/%s, reports missing from %s(.signoff)\n' "$rc" "$rc2" "${log#"$ROOT"/}"
	fi
}

# base_vs_series GATE FINDER WHAT DETAIL: FINDER TREE NAME on the base and
# on the whole series (bisect tree); the gate fails on a finding only the
# series has, or when the finder says "WHAT failed" (it could not run).
base_vs_series() {
	local gate=$1 finder=$2 what=$3 before after new logdir=${LOGS#"$ROOT"/}
	say "==> $what, base and series (logs: $logdir/check-$what-*.log)"
	git -C "$bis" checkout -q -f --detach "$base"
	before=$("$finder" "$bis" base)
	git -C "$bis" checkout -q -f --detach "${commits[-1]}"
	after=$("$finder" "$bis" series)
	git -C "$bis" checkout -q -f --detach "$base"
	new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
	if grep -q "$what failed" <<<"$before$after"; then
		record FAIL "$gate" "$what did not run; logs: $logdir/check-$what-*.log"
	elif [ -z "$new" ]; then
		record PASS "$gate" "$4"
	else
		record FAIL "$gate" "$(echo "$new" | head -n 3 | tr '\n' ';') log: $logdir/check-$what-series.log"
	fi
}

[ "${CHECK_PATCHES_LIB:-0}" = 1 ] && return 0
_results_need || exit 2

# CHECK_SCOPE=light (scripts/check.sh): checkpatch and kernel-doc per patch
# and the checkpatch self-checks only; no build, coccicheck or htmldocs.
light=0
[ "${CHECK_SCOPE:-full}" = light ] && light=1

base=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
mapfile -t commits < <(git -C "$KTREE" rev-list --reverse "$base..HEAD")
total=${#commits[@]}
bis=$WORK/bisect
if [ ! -d "$bis" ]; then
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$bis" "$base"
fi
git -C "$bis" checkout -q -f --detach "$base"

# Where warnings count: the C files the series changes (outside tools/) and
# their directories, from the series' own diff.
mapfile -t cfiles < <(git -C "$KTREE" diff --name-only "$base..HEAD" -- '*.c' '*.h' | grep -v '^tools/' || true)
mapfile -t cdirs < <(git -C "$KTREE" diff --name-only "$base..HEAD" -- '*.c' | grep -v '^tools/' |
	xargs -r -n1 dirname | sort -u)
PREFIXES=("${cfiles[@]}" "${cdirs[@]/%//}")
say "warnings count in: ${PREFIXES[*]}"

# Base: build once with the same flags, so each patch rebuilds only what it
# changes; sparse (C=2) over the series' directories gives the baseline.
# Compiler and kernel-doc warnings only show when a file is compiled: drop
# the series' objects so a warm build dir still records all of the base's.
if [ "$light" = 0 ]; then
	wbase=$LOGS/check-warnings-base.txt
	dropped=0
	for d in "${cdirs[@]}"; do
		[ -d "$OUT/bisect-w1/$d" ] &&
			dropped=$((dropped + $(find "$OUT/bisect-w1/$d" -maxdepth 1 -name '*.o' -print -delete | wc -l)))
	done
	baseline_ok=1
	if ! "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest W=1 vmlinux >/dev/null; then
		record FAIL "base: W=1 build baseline complete" "the base does not build; log: ${LOGS#"$ROOT"/}/build-bisect-w1.log"
		baseline_ok=0
	else
		# A baseline from a build that skipped some of them would blame the
		# base's own warnings on the first patch that recompiles the file.
		rebuilt=0
		for d in "${cdirs[@]}"; do
			rebuilt=$((rebuilt + $(grep -cE "^  CC +$d/[^/]+\.o\$" "$LOGS/build-bisect-w1.log" || true)))
		done
		cp "$LOGS/build-bisect-w1.log" "$LOGS/check-build-base.log"
		if [ "$rebuilt" -lt "$dropped" ]; then
			record FAIL "base: W=1 build baseline complete" "compiled $rebuilt of the $dropped objects of ${cdirs[*]}"
			baseline_ok=0
		elif ! "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest C=2 W=1 "${cdirs[@]/%//}" >/dev/null; then
			record FAIL "base: W=1 build baseline complete" "sparse (C=2) on ${cdirs[*]} failed; log: ${LOGS#"$ROOT"/}/build-bisect-w1.log"
			baseline_ok=0
		else
			cat "$LOGS/build-bisect-w1.log" >>"$LOGS/check-build-base.log"
			python3 "$ROOT/scripts/warnings.py" extract "$LOGS/check-build-base.log" "${PREFIXES[@]}" >"$wbase"
			record PASS "base: W=1 build baseline complete" "$rebuilt objects recompiled, $(wc -l <"$wbase") known warnings in the series' files"
		fi
	fi
fi

# spdxcheck.py needs python3-ply and python3-git; without them checkpatch
# quietly takes every SPDX identifier as valid.
spdx=$(printf 'SPDX-License-Identifier: GPL-2.0-bogus\n' |
	(cd "$bis" && PATH=/usr/bin:$PATH ./scripts/spdxcheck.py - 2>&1) || true)
if grep -q 'Invalid License ID' <<<"$spdx"; then
	record PASS "checkpatch: SPDX check works"
else
	record FAIL "checkpatch: SPDX check works" "scripts/spdxcheck.py did not reject a bogus license (python3-ply, python3-git?)"
fi
IFS=$'\t' read -r verdict detail < <(checkpatch_canary "$LOGS/check-checkpatch-canary.log")
record "$verdict" "checkpatch: reports a known-bad patch" "$detail"

n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	tag=$(patch_tag "$n" "$total" "$(git -C "$KTREE" log -1 --format=%s "$c")")
	git -C "$bis" checkout -q -f --detach "$c"

	if [ "$light" = 0 ]; then
		log=$LOGS/check-build-$(printf %02d "$n").log
		if "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest C=1 W=1 vmlinux >/dev/null; then
			cp "$LOGS/build-bisect-w1.log" "$log"
			record PASS "$tag: builds (s390x, W=1, sparse)"
			if [ "$baseline_ok" != 1 ]; then
				record FAIL "$tag: no new compiler/sparse warning" "no base baseline to compare with"
			elif new=$(python3 "$ROOT/scripts/warnings.py" new "$wbase" "$log" "${PREFIXES[@]}"); then
				record PASS "$tag: no new compiler/sparse warning"
			else
				record FAIL "$tag: no new compiler/sparse warning" "$(echo "$new" | head -n 3 | tr '\n' ';') log: ${log#"$ROOT"/}"
			fi
		else
			cp "$LOGS/build-bisect-w1.log" "$log"
			record FAIL "$tag: builds (s390x, W=1, sparse)" "log: ${log#"$ROOT"/}"
			record FAIL "$tag: no new compiler/sparse warning" "did not build"
		fi
	fi

	cp_log=$LOGS/check-checkpatch-$(printf %02d "$n").log
	rc=0
	git -C "$KTREE" format-patch -1 --stdout "$c" | checkpatch >"$cp_log" 2>&1 || rc=$?
	git -C "$KTREE" log -1 --format=%B "$c" >"$cp_log.msg"
	IFS=$'\t' read -r verdict detail < <(checkpatch_verdict "$cp_log" "$rc" "$cp_log.msg")
	record "$verdict" "$tag: checkpatch --strict" "$detail; log ${cp_log#"$ROOT"/}"

	mapfile -t files < <(git -C "$KTREE" diff-tree --no-commit-id --name-only -r --diff-filter=AM "$c" -- '*.c' '*.h' | grep -v '^tools/' || true)
	if [ ${#files[@]} -eq 0 ]; then
		record PASS "$tag: kernel-doc adds no warning" "no .c/.h file outside tools/ touched"
		continue
	fi
	after=$( (cd "$bis" && ./scripts/kernel-doc -none "${files[@]}" 2>&1 >/dev/null) | kdoc_norm | sort -u)
	before=$(for f in "${files[@]}"; do
		git -C "$KTREE" show "$c~1:$f" >"$WORK/kdoc-base.tmp" 2>/dev/null || continue
		(cd "$bis" && ./scripts/kernel-doc -none "$WORK/kdoc-base.tmp" 2>&1 >/dev/null) |
			sed -E "s|$WORK/kdoc-base.tmp|$f|" | kdoc_norm
	done | sort -u)
	newdoc=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
	if [ -z "$newdoc" ]; then
		record PASS "$tag: kernel-doc adds no warning" "${#files[@]} file(s)"
	else
		record FAIL "$tag: kernel-doc adds no warning" "$(echo "$newdoc" | head -n 3 | tr '\n' ';')"
	fi
done
rm -f "$WORK/kdoc-base.tmp"
git -C "$bis" checkout -q -f --detach "$base"

[ "$light" = 1 ] && exit 0

# Whole series: coccicheck on the directories of the .c files it touches
# (headers are checked through them), base vs patched.
mapfile -t dirs < <(printf '%s\n' "${cdirs[@]}" | sed '/^$/d' |
	awk '{ for (i = 1; i <= n; i++) if (index($0, d[i] "/") == 1) next; d[++n] = $0; print }')
cocci() { # cocci TREE NAME -> normalised reports
	local t=$1 out=$LOGS/check-coccicheck-$2.log d
	: >"$out"
	for d in "${dirs[@]}"; do
		[ -d "$t/$d" ] || continue
		make -C "$t" coccicheck ARCH=s390 MODE=report M="$d" J="$JOBS" >>"$out" 2>&1 ||
			echo "coccicheck failed in $d" >>"$out"
	done
	cocci_filter "$out"
}

if [ ${#dirs[@]} -eq 0 ]; then
	record PASS "series: coccicheck adds no report" "no .c file touched"
else
	base_vs_series "series: coccicheck adds no report" cocci coccicheck "MODE=report on ${dirs[*]}"
fi

# Whole series: the vfio core and the mdev samples on a second architecture,
# in the build dir of the x86_64 guest kernel that check.sh boots next.
say "==> x86_64 build of drivers/vfio and samples/vfio-mdev"
if "$ROOT/scripts/boot.sh" kernel check-x86 series W=1 drivers/vfio/ samples/vfio-mdev/ >/dev/null; then
	record PASS "series: x86_64 build of drivers/vfio and samples/vfio-mdev (W=1)"
else
	record FAIL "series: x86_64 build of drivers/vfio and samples/vfio-mdev (W=1)" "log: ${LOGS#"$ROOT"/}/build-series-x86-debug.log"
fi

# Whole series: the documents it touches build with no new Sphinx warning.
mapfile -t docdirs < <(git -C "$KTREE" diff --name-only "$base..HEAD" -- 'Documentation/*.rst' |
	cut -d/ -f2 | sort -u)
docs() { # docs TREE NAME -> normalised Sphinx warnings
	local t=$1 name=$2 log=$LOGS/check-htmldocs-$2.log
	rm -rf "$OUT/docs-$name"
	make -C "$t" O="$OUT/docs-$name" SPHINXDIRS="${docdirs[*]}" htmldocs >"$log" 2>&1 ||
		echo "htmldocs failed" >>"$log"
	docs_filter "$log"
}
if [ ${#docdirs[@]} -eq 0 ]; then
	record PASS "series: htmldocs adds no warning" "no .rst file touched"
else
	base_vs_series "series: htmldocs adds no warning" docs htmldocs "SPHINXDIRS=${docdirs[*]}"
fi
