#!/usr/bin/env bash
# `make range-diff [FROM=REV]`: what changed in the series since the patches/
# of this repo's revision REV (default: HEAD, the last committed series):
# git range-diff of that series, applied onto the base in a scratch branch,
# against build/linux. Writes build/results/range-diff.txt.
. "$(dirname "$0")/lib.sh"
from=${FROM:-HEAD}
"$ROOT/scripts/base.sh" >/dev/null
scratch=$BUILD/range-diff
git -C "$KTREE" worktree remove -f "$scratch" >/dev/null 2>&1 || rm -rf "$scratch"
git -C "$KTREE" worktree prune
git -C "$KTREE" worktree add -q -f -B rig-from "$scratch" "$BASE_TAG" ||
	die "could not add the scratch worktree $scratch"
log=$LOGS/range-diff-am.log
: >"$log"
mapfile -t series < <(git -C "$ROOT" show "$from:patches/series" | sed '/^\s*#/d; /^\s*$/d') ||
	die "no patches/series at $from"
for p in "${series[@]}"; do
	git -C "$ROOT" show "$from:patches/$p" |
		git -C "$scratch" -c user.name=rig -c user.email=rig@localhost am -q >>"$log" 2>&1 ||
		die "patches/$p of $from does not apply to the base (see $log)"
done
out=$RESULTS/range-diff.txt
git -C "$KTREE" range-diff --no-color "$BASE_TAG..rig-from" "$BASE_TAG..HEAD" >"$out"
git -C "$KTREE" worktree remove -f "$scratch"
say "range-diff of $from's patches/ (${#series[@]}) against build/linux: ${out#"$ROOT"/}"
cat "$out"
