#!/usr/bin/env bash
# Write patches/$BASE/ from build/$BASE/linux's commits since the base: git
# format-patch output (with each commit's git notes below its `---`: how it
# was tested) and a cover letter (text from docs/cover-letter/$BASE.txt, Cc list
# from get_maintainer.pl, shortlog, diffstat, base-commit) and a quilt series
# file. The new series is checked to rebuild the work tree's exact tree from
# the base before it replaces patches/$BASE/; a failed step leaves it untouched.
. "$(dirname "$0")/lib.sh"
pdir=${PATCHES#"$ROOT"/} # patches/$BASE, for messages

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "$KTREE has uncommitted changes: commit them first (one commit per patch)"
base=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
n=$(git -C "$KTREE" rev-list --count "$base..HEAD")
[ "$n" -gt 0 ] || die "no commits on top of the base in $KTREE: nothing to export"
cover=$ROOT/docs/cover-letter/$BASE.txt
[ -f "$cover" ] || die "no $cover (first line: subject; then the cover letter body)"

tmp=$WORK/export.new
rm -rf "$tmp"
mkdir -p "$tmp"
# The newest entry of the cover letter's changelog ("v2: ...") is the version.
ver=$(sed -nE 's/^v([0-9]+):.*/\1/p' "$cover" | sort -n | tail -n1)
prefix=PATCH
[ "${ver:-1}" -gt 1 ] && prefix="PATCH v$ver"
# The cover letter is from the series' author (the author of its last
# patch), not from whoever runs the export, who may have no identity at all
# on a fresh machine; a fixed abbreviation keeps the index lines the same in
# a fresh clone and in a tree with more objects.
git -C "$KTREE" -c user.name="$(git -C "$KTREE" log -1 --format=%an HEAD)" \
	-c user.email="$(git -C "$KTREE" log -1 --format=%ae HEAD)" \
	-c core.abbrev=9 format-patch -q --notes --cover-letter --subject-prefix="$prefix" --base="$base" \
	-o "$tmp" "$base..HEAD" || die "git format-patch failed"

# Cc: what the tree's get_maintainer.pl says for the whole series.
cc=$(cd "$KTREE" && printf '%s\n' "$tmp"/0*.patch | grep -v 0000-cover-letter |
	xargs ./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback \
		--no-tree 2>/dev/null | sort -u)
python3 "$ROOT/scripts/cover.py" "$tmp/0000-cover-letter.patch" "$cover" "$cc" ||
	die "could not fill in the cover letter"
(cd "$tmp" && printf '%s\n' 0*.patch | grep -v 0000-cover-letter >series)

# The series must rebuild HEAD's tree from the base, patch by patch.
idx=$(mktemp)
rm -f "$idx"
export GIT_INDEX_FILE=$idx
git -C "$KTREE" read-tree "$base"
while read -r p; do
	git -C "$KTREE" apply --cached "$tmp/$p" 2>"$LOGS/export-check.log" ||
		{ rm -f "$idx"; die "exported $p does not apply to the base plus its predecessors (see $LOGS/export-check.log); $pdir/ untouched"; }
done <"$tmp/series"
got=$(git -C "$KTREE" write-tree)
rm -f "$idx"
unset GIT_INDEX_FILE
[ "$got" = "$(git -C "$KTREE" rev-parse 'HEAD^{tree}')" ] ||
	die "the exported series does not reproduce HEAD's tree; $pdir/ untouched"

rm -rf "$PATCHES.old"
[ -d "$PATCHES" ] && mv "$PATCHES" "$PATCHES.old"
mv "$tmp" "$PATCHES"
rm -rf "$PATCHES.old"
# The work tree now matches patches/$BASE/: record it so 'make tree' keeps it.
sum=$( (cd "$PATCHES" && mapfile -t s <series && cat series "${s[@]}") | sha256sum | cut -d' ' -f1)
echo "$sum $(git -C "$KTREE" rev-parse HEAD)" >"$KTREE/.git/rig-applied"
say "export: $n patches + cover letter written to $pdir/"
