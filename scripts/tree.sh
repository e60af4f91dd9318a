#!/usr/bin/env bash
# build/linux = base + `git am` of patches/, one commit per patch.
# Leaves a work tree alone when it already matches patches/, and refuses to
# throw away commits that `make export` has not written out (FORCE=1 does).
. "$(dirname "$0")/lib.sh"

"$ROOT/scripts/base.sh"

mapfile -t series < <(grep -v '^\s*#' "$ROOT/patches/series" 2>/dev/null | sed '/^\s*$/d')
sum=$( (cd "$ROOT/patches" && cat series "${series[@]}" 2>/dev/null) | sha256sum | cut -d' ' -f1)
state=$KTREE/.git/rig-applied # "<patches sum> <HEAD after am>"
head=$(git -C "$KTREE" rev-parse HEAD)
old_sum='' old_head=''
[ -f "$state" ] && read -r old_sum old_head <"$state"

if [ "$head" = "$(git -C "$KTREE" rev-parse "$BASE_TAG")" ] && [ ${#series[@]} -eq 0 ]; then
	echo "$sum $head" >"$state"
	say "tree: base, no patches in patches/series"
	exit 0
fi
if [ "$sum" = "$old_sum" ] && [ "$head" = "$old_head" ]; then
	say "tree: $KTREE already holds the ${#series[@]} patches of patches/"
	exit 0
fi
if [ -n "$old_head" ] && [ "$head" != "$old_head" ] && [ "${FORCE:-0}" != 1 ]; then
	if [ "$sum" = "$old_sum" ]; then
		say "tree: $KTREE has commits not yet exported to patches/ (run 'make export'); building them as they are"
		exit 0
	fi
	die "both $KTREE (commits since the last 'make tree') and patches/ changed: run 'make export' to keep the tree's commits, or FORCE=1 to reset the tree to patches/"
fi
if [ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] && [ "${FORCE:-0}" != 1 ]; then
	die "$KTREE has uncommitted changes: commit them (and 'make export') or FORCE=1 to discard"
fi

for p in "${series[@]}"; do
	[ -f "$ROOT/patches/$p" ] || die "patches/series names $p, which is not in patches/"
done
git -C "$KTREE" am --abort >/dev/null 2>&1 || true
git -C "$KTREE" checkout -q -f -B series "$BASE_TAG"
# The notes (how each patch was tested) follow the commits through
# `git rebase` and `git commit --amend` in the work tree.
git -C "$KTREE" config notes.rewriteRef refs/notes/commits
log=$LOGS/tree-am.log
: >"$log"
n=0
# Committer of the applied commits and of their notes: this repo's
# identity (a fresh machine may have no global one).
who=(-c user.name="$(git -C "$ROOT" config user.name || echo rig)"
	-c user.email="$(git -C "$ROOT" config user.email || echo rig@localhost)")
for p in "${series[@]}"; do
	n=$((n + 1))
	if ! git -C "$KTREE" "${who[@]}" \
		am --committer-date-is-author-date "$ROOT/patches/$p" >>"$log" 2>&1; then
		say "patch $n/${#series[@]} does not apply: patches/$p"
		grep -E '^(error|Patch failed|patching|Hunk|CONFLICT)' "$log" | sed 's/^/    | /' >&2 || true
		git -C "$KTREE" am --abort >/dev/null 2>&1 || true
		die "git am stopped at patches/$p (full output: $log); $KTREE holds the base plus the $((n - 1)) patches before it; patches/ is untouched"
	fi
	# git am drops what format-patch --notes wrote below the `---`: put
	# the commit's notes back, so that 'make export' writes them again.
	note=$(python3 "$ROOT/scripts/patch-notes.py" "$ROOT/patches/$p") ||
		die "could not read the notes of patches/$p"
	if [ -n "$note" ]; then
		git -C "$KTREE" "${who[@]}" notes add -f -m "$note" HEAD ||
			die "could not attach the notes of patches/$p to its commit"
	fi
done
echo "$sum $(git -C "$KTREE" rev-parse HEAD)" >"$state"
say "tree: applied ${#series[@]} patches onto $BASE_TAG ($(git -C "$KTREE" log -1 --format=%h))"
