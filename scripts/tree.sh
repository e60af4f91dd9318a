#!/usr/bin/env bash
# build/$BASE/linux = base + `git am` of patches/$BASE/, one commit per patch.
# Leaves a work tree alone when it already matches patches/$BASE/, and refuses
# to throw away commits that `make export` has not written out (FORCE=1 does).
. "$(dirname "$0")/lib.sh"

pdir=${PATCHES#"$ROOT"/} # patches/$BASE, for messages
[ -f "$PATCHES/series" ] ||
	die "no $pdir/series: BASE=$BASE needs one (an empty series, comments only, gives the bare base)"
# Work dirs of the layout before build/BASE/ are not used any more.
old=()
for d in linux linux-base bisect out guest; do
	[ -e "$BUILD/$d" ] && old+=("build/$d")
done
[ ${#old[@]} -eq 0 ] ||
	say "note: ${old[*]} (the layout before build/BASE/) are not used any more: the $BASE base works in ${WORK#"$ROOT"/}/; remove them to free the space"
"$ROOT/scripts/base.sh"

mapfile -t series < <(grep -v '^\s*#' "$PATCHES/series" | sed '/^\s*$/d')
sum=$( (cd "$PATCHES" && cat series "${series[@]}" 2>/dev/null) | sha256sum | cut -d' ' -f1)
state=$KTREE/.git/rig-applied # "<patches sum> <HEAD after am>"
head=$(git -C "$KTREE" rev-parse HEAD)
old_sum='' old_head=''
[ -f "$state" ] && read -r old_sum old_head <"$state"

if [ "$head" = "$(git -C "$KTREE" rev-parse "$BASE_TAG")" ] && [ ${#series[@]} -eq 0 ]; then
	echo "$sum $head" >"$state"
	say "tree: base, no patches in $pdir/series"
	exit 0
fi
if [ "$sum" = "$old_sum" ] && [ "$head" = "$old_head" ]; then
	say "tree: $KTREE already holds the ${#series[@]} patches of $pdir/"
	exit 0
fi
if [ -n "$old_head" ] && [ "$head" != "$old_head" ] && [ "${FORCE:-0}" != 1 ]; then
	if [ "$sum" = "$old_sum" ]; then
		say "tree: $KTREE has commits not yet exported to $pdir/ (run 'make export'); building them as they are"
		exit 0
	fi
	die "both $KTREE (commits since the last 'make tree') and $pdir/ changed: run 'make export' to keep the tree's commits, or FORCE=1 to reset the tree to $pdir/"
fi
if [ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] && [ "${FORCE:-0}" != 1 ]; then
	die "$KTREE has uncommitted changes: commit them (and 'make export') or FORCE=1 to discard"
fi

for p in "${series[@]}"; do
	[ -f "$PATCHES/$p" ] || die "$pdir/series names $p, which is not in $pdir/"
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
		am --committer-date-is-author-date "$PATCHES/$p" >>"$log" 2>&1; then
		say "patch $n/${#series[@]} does not apply: $pdir/$p"
		grep -E '^(error|Patch failed|patching|Hunk|CONFLICT)' "$log" | sed 's/^/    | /' >&2 || true
		git -C "$KTREE" am --abort >/dev/null 2>&1 || true
		die "git am stopped at $pdir/$p (full output: $log); $KTREE holds the base plus the $((n - 1)) patches before it; $pdir/ is untouched"
	fi
	# git am drops what format-patch --notes wrote below the `---`: put
	# the commit's notes back, so that 'make export' writes them again.
	note=$(python3 "$ROOT/scripts/patch-notes.py" "$PATCHES/$p") ||
		die "could not read the notes of $pdir/$p"
	if [ -n "$note" ]; then
		git -C "$KTREE" "${who[@]}" notes add -f -m "$note" HEAD ||
			die "could not attach the notes of $pdir/$p to its commit"
	fi
done
echo "$sum $(git -C "$KTREE" rev-parse HEAD)" >"$state"
say "tree: applied ${#series[@]} patches onto $BASE_TAG ($(git -C "$KTREE" log -1 --format=%h))"
