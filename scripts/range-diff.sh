#!/usr/bin/env bash
# `make range-diff [FROM=REV]`: what changed in the series since the
# patches/$BASE/ of this repo's revision REV (default: HEAD, the last
# committed series): git range-diff of that series, applied onto the base in
# a scratch branch, against build/$BASE/linux. Writes
# build/$BASE/results/range-diff.txt.
# series_dir is a function that tests/ source on their own:
# `RANGE_DIFF_LIB=1 . range-diff.sh`.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# series_dir REPO REV: where REV of REPO keeps this base's series, relative
# to the repo: patches/$BASE, or for a revision from before the series were
# kept by base, patches/ (its series file was that of the base in its BASE
# file: only when that is this base's package).
series_dir() {
	local repo=$1 rev=$2 old_pkg
	if git -C "$repo" cat-file -e "$rev:patches/$BASE/series" 2>/dev/null; then
		echo "patches/$BASE"
		return 0
	fi
	if git -C "$repo" cat-file -e "$rev:patches/series" 2>/dev/null; then
		old_pkg=$(git -C "$repo" show "$rev:BASE" 2>/dev/null | sed -n 's/^DEBIAN_PACKAGE=//p')
		if [ -n "$old_pkg" ] && [ "$old_pkg" = "$(base_field DEBIAN_PACKAGE)" ]; then
			echo patches
			return 0
		fi
		echo "$rev has no patches/$BASE/series; its patches/series is the series of ${old_pkg:-an unknown base}, not of BASE=$BASE ($(base_field DEBIAN_PACKAGE))" >&2
		return 1
	fi
	echo "no patches/$BASE/series (nor patches/series) at $rev" >&2
	return 1
}

[ "${RANGE_DIFF_LIB:-0}" = 1 ] && return 0

from=${FROM:-HEAD}
dir=$(series_dir "$ROOT" "$from") || die "nothing to compare with at $from (see above)"
"$ROOT/scripts/base.sh" >/dev/null
scratch=$WORK/range-diff
git -C "$KTREE" worktree remove -f "$scratch" >/dev/null 2>&1 || rm -rf "$scratch"
git -C "$KTREE" worktree prune
git -C "$KTREE" worktree add -q -f -B rig-from "$scratch" "$BASE_TAG" ||
	die "could not add the scratch worktree $scratch"
log=$LOGS/range-diff-am.log
: >"$log"
mapfile -t series < <(git -C "$ROOT" show "$from:$dir/series" | sed '/^\s*#/d; /^\s*$/d') ||
	die "no $dir/series at $from"
for p in "${series[@]}"; do
	git -C "$ROOT" show "$from:$dir/$p" |
		git -C "$scratch" -c user.name=rig -c user.email=rig@localhost am -q >>"$log" 2>&1 ||
		die "$dir/$p of $from does not apply to the base (see $log)"
done
out=$RESULTS/range-diff.txt
git -C "$KTREE" range-diff --no-color "$BASE_TAG..rig-from" "$BASE_TAG..HEAD" >"$out"
git -C "$KTREE" worktree remove -f "$scratch"
say "range-diff of $from's $dir/ (${#series[@]}) against ${KTREE#"$ROOT"/}: ${out#"$ROOT"/}"
cat "$out"
