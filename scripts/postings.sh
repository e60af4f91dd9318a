#!/usr/bin/env bash
# `make postings`: cut patches/$BASE/ into the postings that
# docs/postings/$BASE/ describes, one file each (NN-NAME.txt):
#   patches: 1-3        the series' patches this posting carries
#   needs: 9-12         patches applied first, from earlier postings (may be
#                       empty: an independent fix applies on the base alone)
#   <subject>           the cover letter's subject
#   <body>              the rest, its text
# Each posting is applied with `git am` onto the base plus what it needs, in
# a worktree of build/$BASE/linux, and written as a format-patch series with
# its own cover letter (Cc from get_maintainer.pl, base-commit and the
# prerequisite patch ids of what it needs) to build/$BASE/postings/NN-NAME/.
# Every patch of the series must be in exactly one posting. A failed step
# names the posting and the patch and leaves build/$BASE/postings/ as it was.
. "$(dirname "$0")/lib.sh"

ddir=$ROOT/docs/postings/$BASE
[ -d "$ddir" ] || die "no ${ddir#"$ROOT"/}/: BASE=$BASE has no postings"
[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
mapfile -t series < <(grep -v '^\s*#' "$PATCHES/series" | sed '/^\s*$/d')
[ ${#series[@]} -gt 0 ] || die "patches/$BASE/series is empty: nothing to post"
base=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
log=$LOGS/postings.log
: >"$log"

# "1-3,5" -> 1 2 3 5, one per line; dies on anything but patch numbers of the series.
numbers() {
	local part a b
	for part in ${1//,/ }; do
		[[ $part =~ ^([0-9]+)(-([0-9]+))?$ ]] || die "$2: '$part' is not a patch number or range"
		a=${BASH_REMATCH[1]} b=${BASH_REMATCH[3]:-${BASH_REMATCH[1]}}
		((a >= 1 && b <= ${#series[@]} && a <= b)) ||
			die "$2: $part is outside patches 1-${#series[@]} of patches/$BASE/"
		seq "$a" "$b"
	done
}

# One worktree for all postings, reset to the base before each.
wt=$WORK/postings-wt
if ! git -C "$wt" rev-parse --git-dir >/dev/null 2>&1; then
	rm -rf "$wt"
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$wt" "$base" >>"$log" 2>&1 ||
		die "could not add a worktree at $wt (see $log)"
fi
who=(-c user.name="$(git -C "$KTREE" log -1 --format=%an HEAD)"
	-c user.email="$(git -C "$KTREE" log -1 --format=%ae HEAD)")

tmp=$WORK/postings.new
rm -rf "$tmp"
mkdir -p "$tmp"
declare -A owner=()
for f in "$ddir"/*.txt; do
	[ -f "$f" ] || die "no postings in ${ddir#"$ROOT"/}/"
	name=$(basename "$f" .txt)
	what="posting $name (${f#"$ROOT"/})"
	if [[ $(sed -n 1p "$f") != patches:* ]] || [[ $(sed -n 2p "$f") != needs:* ]]; then
		die "$what: the first two lines must be 'patches: ...' and 'needs: ...'"
	fi
	own=$(numbers "$(sed -n '1s/^patches: *//p' "$f")" "$what" | paste -sd' ' -)
	needs=$(numbers "$(sed -n '2s/^needs: *//p' "$f")" "$what" | paste -sd' ' -)
	[ -n "$own" ] || die "$what carries no patch"
	for n in $own; do
		[ -z "${owner[$n]:-}" ] || die "patch $n is in two postings: ${owner[$n]} and $name"
		owner[$n]=$name
	done

	git -C "$wt" am --abort >/dev/null 2>&1 || true
	if ! git -C "$wt" reset -q --hard "$base" || ! git -C "$wt" clean -fdqx; then
		die "could not reset $wt to the base"
	fi
	for n in $needs; do
		git "${who[@]}" -C "$wt" am -q --committer-date-is-author-date \
			"$PATCHES/${series[n - 1]}" >>"$log" 2>&1 ||
			die "$what: needed patch $n (${series[n - 1]}) does not apply (see $log)"
	done
	tip=$(git -C "$wt" rev-parse HEAD)
	for n in $own; do
		git "${who[@]}" -C "$wt" am -q --committer-date-is-author-date \
			"$PATCHES/${series[n - 1]}" >>"$log" 2>&1 ||
			die "$what: patch $n (${series[n - 1]}) does not apply onto the base${needs:+ plus patches $needs} (see $log)"
	done
	git "${who[@]}" -C "$wt" -c core.abbrev=9 format-patch -q --cover-letter \
		--base="$base" -o "$tmp/$name" "$tip..HEAD" >>"$log" 2>&1 ||
		die "$what: git format-patch failed (see $log)"
	cc=$(cd "$KTREE" && printf '%s\n' "$tmp/$name"/0*.patch | grep -v 0000-cover-letter |
		xargs ./scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback \
			--no-tree 2>/dev/null | sort -u)
	sed '1,2d' "$f" >"$tmp/$name.cover"
	python3 "$ROOT/scripts/cover.py" "$tmp/$name/0000-cover-letter.patch" "$tmp/$name.cover" "$cc" ||
		die "$what: could not fill in its cover letter"
	rm "$tmp/$name.cover"
	say "postings: $name: patches $own${needs:+ on top of $needs}, applies"
done
missing=()
for ((n = 1; n <= ${#series[@]}; n++)); do
	[ -n "${owner[$n]:-}" ] || missing+=("$n")
done
[ ${#missing[@]} -eq 0 ] || die "patches in no posting: ${missing[*]} (docs/postings/$BASE/)"
git -C "$wt" reset -q --hard "$base"

rm -rf "$WORK/postings"
mv "$tmp" "$WORK/postings"
say "postings: ${#owner[@]} patches in $(find "$WORK/postings" -mindepth 1 -maxdepth 1 -type d | wc -l) postings written to ${WORK#"$ROOT"/}/postings/"
