#!/usr/bin/env bash
# Unpack the base pinned by bases/$BASE into build/$BASE/linux as a git repo
# whose first commit (tagged "base") is the untouched Debian source, and add
# build/$BASE/linux-base, a worktree that stays on that commit for base builds.
. "$(dirname "$0")/lib.sh"

want_pkg=$(base_field DEBIAN_VERSION)
want_kver=$(base_field KERNEL_VERSION)
want_sha=$(base_field TARBALL_SHA256)
tarball=$(base_field TARBALL)
pkg=$(base_field DEBIAN_PACKAGE)
want_commit=$(base_field BASE_COMMIT)
# A fixed identity and date make the base commit the same on every machine,
# so the series' base-commit: trailer names it.
BASE_DATE='2000-01-01T00:00:00+0000'

pin=bases/$BASE
tree_rel=${KTREE#"$ROOT"/}
[ -n "$pkg" ] && [ -n "$want_pkg" ] && [ -n "$want_kver" ] && [ -n "$tarball" ] ||
	die "$pin lacks DEBIAN_PACKAGE, DEBIAN_VERSION, KERNEL_VERSION or TARBALL"
# A pin that is not complete yet (a new base, its sha256 and base commit
# to be pinned once measured) is said, never passed over in silence.
incomplete=()
[ -n "$want_sha" ] || incomplete+=(TARBALL_SHA256)
[ -n "$want_commit" ] || incomplete+=(BASE_COMMIT)
[ ${#incomplete[@]} -eq 0 ] ||
	say "WARNING: the pin $pin is incomplete: ${incomplete[*]} empty, so not checked (pin them once measured)"
[ -f "$tarball" ] ||
	die "$tarball not found: BASE=$BASE needs $pkg $want_pkg installed (as root: make BASE=$BASE deps, or apt-get install $pkg=$want_pkg)"

mismatch=()
have_pkg=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo none)
[ "$have_pkg" = "$want_pkg" ] || mismatch+=("package $pkg is $have_pkg, $pin pins $want_pkg")
# Hash the tarball every time (~1 s): dpkg keeps the packaged mtime, so a
# stamp keyed on mtimes keeps the hash of a version no longer installed.
have_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ -z "$want_sha" ]; then
	say "$pin: TARBALL_SHA256 not pinned; $tarball has sha256 $have_sha"
elif [ "$have_sha" != "$want_sha" ]; then
	mismatch+=("sha256 of $tarball is $have_sha, $pin pins $want_sha")
fi
if [ ${#mismatch[@]} -ne 0 ]; then
	for m in "${mismatch[@]}"; do say "base mismatch: $m"; done
	[ "${BASE_OVERRIDE:-0}" = 1 ] ||
		die "the installed base differs from $pin. To try the series on it anyway: make BASE=$BASE ... BASE_OVERRIDE=1 (and update $pin once it applies and passes)"
	say "BASE_OVERRIDE=1: going on with the installed base"
fi

if [ -d "$KTREE/.git" ] && git -C "$KTREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null; then
	have_kver=$(make -s -C "$KTREE" kernelversion 2>/dev/null || true)
	if [ "$have_kver" != "$want_kver" ] && [ "${BASE_OVERRIDE:-0}" != 1 ]; then
		die "$KTREE holds kernel $have_kver, $pin pins $want_kver: remove $tree_rel* to unpack again"
	fi
else
	rm -rf "$KTREE.tmp"
	mkdir -p "$KTREE.tmp"
	step "unpack $tarball" "$LOGS/base-unpack.log" \
		tar -xf "$tarball" -C "$KTREE.tmp" --strip-components=1 ||
		die "unpacking $tarball failed (see $LOGS/base-unpack.log)"
	have_kver=$(make -s -C "$KTREE.tmp" kernelversion)
	if [ "$have_kver" != "$want_kver" ]; then
		say "base mismatch: the tarball holds kernel $have_kver, $pin pins $want_kver"
		[ "${BASE_OVERRIDE:-0}" = 1 ] || { rm -rf "$KTREE.tmp"; die "set BASE_OVERRIDE=1 to go on with $have_kver"; }
	fi
	# Debian's block at the end of .gitignore ignores every top-level path.
	python3 - "$KTREE.tmp/.gitignore" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split('\n')
out = []
for l in lines:
    if l.strip() == '/*':
        # drop the Debian block: '/*' and the '!/...' lines after it
        break
    out.append(l)
while out and (out[-1].startswith('#') or not out[-1].strip()):
    out.pop()
open(p, 'w').write('\n'.join(out) + '\n')
PY
	# gc.auto=0: the first commits after the base's ~80k files made git
	# repack them in the background for minutes, beside the kernel builds.
	step "commit the base (~1 min)" "$LOGS/base-commit.log" bash -c "
		cd '$KTREE.tmp' && git init -q -b series && git config gc.auto 0 &&
		git add -A &&
		GIT_AUTHOR_NAME='$pkg' GIT_AUTHOR_EMAIL='$pkg@packages.debian.org' \
		GIT_COMMITTER_NAME='$pkg' GIT_COMMITTER_EMAIL='$pkg@packages.debian.org' \
		GIT_AUTHOR_DATE='$BASE_DATE' GIT_COMMITTER_DATE='$BASE_DATE' \
		git -c commit.gpgsign=false commit -q -m 'Linux $have_kver ($pkg $have_pkg)' &&
		git tag $BASE_TAG" || die "committing the base failed (see $LOGS/base-commit.log)"
	mv "$KTREE.tmp" "$KTREE"
fi

if [ ! -d "$KBASE" ]; then
	git -C "$KTREE" worktree prune
	git -C "$KTREE" worktree add -q --detach "$KBASE" "$BASE_TAG" ||
		die "could not add the base worktree $KBASE"
fi
have_commit=$(git -C "$KTREE" rev-parse "$BASE_TAG^{commit}")
if [ -z "$want_commit" ]; then
	say "$pin: BASE_COMMIT not pinned; the base commit is $have_commit"
elif [ "$have_commit" != "$want_commit" ]; then
	say "base mismatch: base commit is $have_commit, $pin pins $want_commit"
	[ "${BASE_OVERRIDE:-0}" = 1 ] || die "the unpacked base differs from BASE_COMMIT of $pin; remove $tree_rel* to unpack again, or BASE_OVERRIDE=1"
fi
say "base: $(git -C "$KTREE" log -1 --format='%h %s' "$BASE_TAG")"
