#!/usr/bin/env bash
# Per-patch gates (bisect): each patch of build/linux, in order, must build
# (s390x guest config, W=1, sparse on what it rebuilds) with no new warning
# against the base, pass checkpatch --strict, and keep kernel-doc clean on
# the files it touches. Then whole-series gates: coccicheck and an x86_64
# build of the vfio core and the mdev samples.
# Usage: check-patches.sh RESULTS  (writes "PASS|FAIL name<TAB>detail" lines)
. "$(dirname "$0")/lib.sh"

results=$1
: >"$results"
res() { printf '%s %s\t%s\n' "$1" "$2" "${3:-}" >>"$results"; }

# Where warnings count: the files the series is about.
PREFIXES=(drivers/s390/cio/ drivers/vfio/ include/linux/vfio.h include/linux/mdev.h
	samples/vfio-mdev/)
base=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
mapfile -t commits < <(git -C "$KTREE" rev-list --reverse "$base..HEAD")
bis=$BUILD/bisect
if [ ! -d "$bis" ]; then
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$bis" "$base"
fi
git -C "$bis" checkout -q -f --detach "$base"

# Base: build once with the same flags, so each patch rebuilds only what it
# changes; sparse (C=2) over the series' directories gives the baseline.
wbase=$LOGS/check-warnings-base.txt
# Compiler and kernel-doc warnings only show when a file is compiled: drop
# the series' objects so a warm build dir still records all of the base's.
dropped=0
for d in drivers/s390/cio drivers/vfio; do
	[ -d "$OUT/bisect-w1/$d" ] &&
		dropped=$((dropped + $(find "$OUT/bisect-w1/$d" -name '*.o' -print -delete | wc -l)))
done
if ! "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest W=1 vmlinux >/dev/null; then
	res FAIL "base builds with W=1" "log: build/logs/build-bisect-w1.log"
	exit 1
fi
# A baseline from a build that skipped some of them would blame the base's
# own warnings on the first patch that recompiles the file.
rebuilt=$(grep -cE '^  CC +drivers/(s390/cio|vfio)/' "$LOGS/build-bisect-w1.log" || true)
if [ "$rebuilt" -lt "$dropped" ]; then
	res FAIL "base baseline complete" "W=1 build compiled $rebuilt of the $dropped objects of drivers/s390/cio and drivers/vfio; log: build/logs/build-bisect-w1.log"
	exit 1
fi
cp "$LOGS/build-bisect-w1.log" "$LOGS/check-build-base.log"
if ! "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest C=2 W=1 drivers/s390/cio/ drivers/vfio/ >/dev/null; then
	res FAIL "base builds with sparse" "log: build/logs/build-bisect-w1.log"
	exit 1
fi
cat "$LOGS/build-bisect-w1.log" >>"$LOGS/check-build-base.log"
python3 "$ROOT/scripts/warnings.py" extract "$LOGS/check-build-base.log" "${PREFIXES[@]}" >"$wbase"
say "base: $(wc -l <"$wbase") known warnings in the series' files (${wbase#"$ROOT"/})"

kdoc() { # kdoc TREE FILE... -> normalised kernel-doc warnings
	local t=$1
	shift
	(cd "$t" && ./scripts/kernel-doc -none "$@" 2>&1 >/dev/null) | kdoc_norm
}
# Line numbers move with every patch: drop them, in the message too.
kdoc_norm() { sed -E 's/:[0-9]+:/:/; s/on line [0-9]+/on line N/'; }

# spdxcheck.py needs python3-ply and python3-git; without them checkpatch
# quietly takes every SPDX identifier as valid.
if ! printf 'SPDX-License-Identifier: GPL-2.0-bogus\n' |
	(cd "$bis" && PATH=/usr/bin:$PATH ./scripts/spdxcheck.py - 2>&1) | grep -q 'Invalid License ID'; then
	res FAIL "checkpatch's SPDX check works" "scripts/spdxcheck.py did not reject a bogus license (python3-ply, python3-git?)"
	exit 1
fi

n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$KTREE" log -1 --format=%s "$c")
	tag=$(printf 'patch %02d/%02d "%s"' "$n" "${#commits[@]}" "$subj")
	git -C "$bis" checkout -q -f --detach "$c"

	log=$LOGS/check-build-$(printf %02d "$n").log
	if "$ROOT/scripts/build.sh" "$bis" bisect-w1 s390x-guest C=1 W=1 vmlinux >/dev/null; then
		cp "$LOGS/build-bisect-w1.log" "$log"
		res PASS "$tag: builds (s390x, W=1, sparse)"
		new=$(python3 "$ROOT/scripts/warnings.py" new "$wbase" "$log" "${PREFIXES[@]}" || true)
		if [ -z "$new" ]; then
			res PASS "$tag: no new compiler/sparse warning"
		else
			res FAIL "$tag: no new compiler/sparse warning" "$(echo "$new" | head -n 3 | tr '\n' ';') log: ${log#"$ROOT"/}"
		fi
	else
		cp "$LOGS/build-bisect-w1.log" "$log"
		res FAIL "$tag: builds (s390x, W=1, sparse)" "log: ${log#"$ROOT"/}"
	fi

	cp_log=$LOGS/check-checkpatch-$(printf %02d "$n").log
	# Nothing ignored. The base has no git history, so a commit id in a
	# message (Fixes:, "commit <id>") fails here as UNKNOWN_COMMIT_ID; the
	# series names upstream commits by subject; their ids are in
	# scripts/upstream-commits.txt.
	# Debian's python3 first: checkpatch runs spdxcheck.py with it.
	git -C "$KTREE" format-patch -1 --stdout "$c" |
		(cd "$bis" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --show-types -) \
		>"$cp_log" 2>&1 || true
	read -r errs warns checks < <(sed -nE 's/^total: ([0-9]+) errors, ([0-9]+) warnings, ([0-9]+) checks.*/\1 \2 \3/p' "$cp_log")
	if [ -z "${errs:-}" ]; then
		res FAIL "$tag: checkpatch --strict" "no summary line: ${cp_log#"$ROOT"/}"
	elif grep -q Traceback "$cp_log"; then
		res FAIL "$tag: checkpatch --strict" "a checkpatch helper failed: ${cp_log#"$ROOT"/}"
	elif [ "$errs" -eq 0 ] && [ "$warns" -eq 0 ] && [ "$checks" -eq 0 ]; then
		res PASS "$tag: checkpatch --strict" clean
	else
		res FAIL "$tag: checkpatch --strict" "$errs errors, $warns warnings, $checks checks: ${cp_log#"$ROOT"/}"
	fi

	mapfile -t files < <(git -C "$KTREE" diff-tree --no-commit-id --name-only -r --diff-filter=AM "$c" -- '*.c' '*.h' | grep -v '^tools/')
	if [ ${#files[@]} -gt 0 ]; then
		after=$(kdoc "$bis" "${files[@]}" | sort -u)
		before=$(for f in "${files[@]}"; do
			git -C "$KTREE" show "$base:$f" >"$BUILD/kdoc-base.tmp" 2>/dev/null || continue
			(cd "$bis" && ./scripts/kernel-doc -none "$BUILD/kdoc-base.tmp" 2>&1 >/dev/null) |
				sed -E "s|$BUILD/kdoc-base.tmp|$f|" | kdoc_norm
		done | sort -u)
		newdoc=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
		if [ -z "$newdoc" ]; then
			res PASS "$tag: kernel-doc clean on ${#files[@]} touched file(s)"
		else
			res FAIL "$tag: kernel-doc clean on touched files" "$(echo "$newdoc" | head -n 3 | tr '\n' ';')"
		fi
	fi
done
rm -f "$BUILD/kdoc-base.tmp"
git -C "$bis" checkout -q -f --detach "$base"

# Whole series: coccicheck on the directories it touches, base vs patched.
# (directories of the .c files: headers are checked through them)
# (a directory inside another one listed is covered by it)
mapfile -t dirs < <(git -C "$KTREE" diff --name-only "$base..HEAD" -- '*.c' |
	grep -v '^tools/' | xargs -r -n1 dirname | sort -u |
	awk '{ for (i = 1; i <= n; i++) if (index($0, d[i] "/") == 1) next; d[++n] = $0; print }')
cocci() { # cocci TREE LOG -> normalised reports
	local t=$1 out=$2 d
	: >"$out"
	for d in "${dirs[@]}"; do
		[ -d "$t/$d" ] || continue
		make -C "$t" coccicheck ARCH=s390 MODE=report M="$d" J="$JOBS" >>"$out" 2>&1 ||
			echo "coccicheck failed in $d" >>"$out"
	done
	grep -E '^[^ ]+:[0-9]+:[0-9-]+: (WARNING|ERROR|ERROR:|WARNING:)|coccicheck failed' "$out" |
		sed -E 's/:[0-9]+:[0-9-]+:/:/; s/line [0-9]+/line N/g' | sort -u
}
if [ ${#dirs[@]} -gt 0 ]; then
	say "==> coccicheck MODE=report on ${dirs[*]}, base and series (logs: build/logs/check-cocci-*.log)"
	git -C "$bis" checkout -q -f --detach "$base"
	cb=$(cocci "$bis" "$LOGS/check-cocci-base.log")
	git -C "$bis" checkout -q -f --detach "${commits[-1]}"
	ca=$(cocci "$bis" "$LOGS/check-cocci-series.log")
	newc=$(comm -13 <(echo "$cb") <(echo "$ca") | sed '/^$/d')
	if grep -q 'coccicheck failed' <<<"$ca"; then
		res FAIL "series: coccicheck MODE=report runs on ${dirs[*]}" "log: build/logs/check-cocci-series.log"
	elif [ -z "$newc" ]; then
		res PASS "series: coccicheck adds no report in ${dirs[*]}"
	else
		res FAIL "series: coccicheck adds no report" "$(echo "$newc" | head -n 3 | tr '\n' ';')"
	fi
	git -C "$bis" checkout -q -f --detach "$base"
fi

# Whole series: the vfio core and the mdev samples on a second architecture,
# in the build dir of the x86_64 guest kernel that check.sh boots next.
say "==> x86_64 build of drivers/vfio and samples/vfio-mdev"
if "$ROOT/scripts/build.sh" "$KTREE" series-x86-debug x86_64-guest,x86_64-debug W=1 \
	drivers/vfio/ samples/vfio-mdev/ >/dev/null; then
	res PASS "series: x86_64 build of drivers/vfio and samples/vfio-mdev (W=1)"
else
	res FAIL "series: x86_64 build of drivers/vfio and samples/vfio-mdev" "log: build/logs/build-series-x86-debug.log"
fi

# Whole series: the documents it touches build with no new Sphinx warning.
mapfile -t docdirs < <(git -C "$KTREE" diff --name-only "$base..HEAD" -- 'Documentation/*.rst' |
	cut -d/ -f2 | sort -u)
docs() { # docs TREE NAME -> normalised Sphinx warnings
	local t=$1 name=$2 log=$LOGS/check-htmldocs-$2.log
	rm -rf "$OUT/docs-$name"
	make -C "$t" O="$OUT/docs-$name" SPHINXDIRS="${docdirs[*]}" htmldocs >"$log" 2>&1 ||
		echo "htmldocs failed" >>"$log"
	grep -E '(WARNING|ERROR|htmldocs failed)' "$log" |
		sed -E 's|^.*/Documentation/|Documentation/|; s/:[0-9]+:/:/' | sort -u
}
if [ ${#docdirs[@]} -gt 0 ]; then
	say "==> htmldocs SPHINXDIRS=${docdirs[*]}, base and series (logs: build/logs/check-htmldocs-*.log)"
	git -C "$bis" checkout -q -f --detach "$base"
	db=$(docs "$bis" base)
	git -C "$bis" checkout -q -f --detach "${commits[-1]}"
	da=$(docs "$bis" series)
	newd=$(comm -13 <(echo "$db") <(echo "$da") | sed '/^$/d')
	if [ -z "$newd" ]; then
		res PASS "series: htmldocs (SPHINXDIRS=${docdirs[*]}) adds no warning"
	else
		res FAIL "series: htmldocs adds no warning" "$(echo "$newd" | head -n 3 | tr '\n' ';') log: build/logs/check-htmldocs-series.log"
	fi
	git -C "$bis" checkout -q -f --detach "$base"
fi
