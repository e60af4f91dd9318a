#!/usr/bin/env bash
# shellcheck disable=SC2154 # the P_* variables come from the profile (eval)
# Build and boot a guest by profile (scripts/profiles.py), on one of the
# rig's kernel trees. Every target boots through here.
#   boot.sh kernel PROFILE TREE [MAKE_ARGS...]  build the profile's kernel
#                                  (or MAKE_ARGS in its build dir); prints O
#   boot.sh build PROFILE TREE     kernel + guest userspace; prints O and the
#                                  initramfs, one a line
#   boot.sh run PROFILE TREE LOG [--append ARGS]
#                                  boot what `build` made; the runner writes
#                                  LOG and LOG.verdict.json
# TREE: series (build/$BASE/linux: base + patches/$BASE/) or base
# (build/$BASE/linux-base). Profiles that share a build share its dirs:
# build/$BASE/out/TREE-BUILD (kernel), build/$BASE/guest/TREE-BUILD
# (initramfs; TREE-BUILD-USERLAND for a profile with extra userland).
. "$(dirname "$0")/lib.sh"

usage() { die "usage: boot.sh kernel|build PROFILE TREE [...] | boot.sh run PROFILE TREE LOG [--append ARGS]"; }
[ $# -ge 3 ] || usage
cmd=$1 profile=$2 tree=$3
shift 3
# The profile as P_* variables (P_build, P_configs, P_targets, P_image, ...).
prof=$(python3 "$ROOT/scripts/profiles.py" shell "$profile") || die "no guest profile '$profile'"
eval "$prof"
case $tree in
series) src=$KTREE ;;
base) src=$KBASE ;;
*) die "tree '$tree': use series or base" ;;
esac
name=$tree-$P_build
o=$OUT/$name
gdir=$GUEST/$name${P_userland:+-$P_userland}

case $cmd in
kernel)
	if [ $# -gt 0 ]; then
		"$ROOT/scripts/build.sh" "$src" "$name" "$P_configs" "$@"
	else
		# shellcheck disable=SC2086 # targets is a word list
		"$ROOT/scripts/build.sh" "$src" "$name" "$P_configs" $P_targets
	fi
	;;
build)
	# shellcheck disable=SC2086
	"$ROOT/scripts/build.sh" "$src" "$name" "$P_configs" $P_targets >/dev/null
	# The profile may name extra guest userland (client: nested QEMU, mdevctl).
	initrd=$(GUEST_USERLAND=$P_userland "$ROOT/scripts/guest.sh" "$o" "$gdir")
	printf '%s\n%s\n' "$o" "$initrd"
	;;
run)
	[ $# -ge 1 ] || usage
	log=$1
	shift
	[ -f "$o/$P_image" ] && [ -f "$gdir/initrd.gz" ] ||
		die "profile $profile on $tree is not built ($o/$P_image, $gdir/initrd.gz): boot.sh build $profile $tree"
	python3 "$ROOT/scripts/qemu-run.py" --profile "$profile" --kernel "$o/$P_image" \
		--initrd "$gdir/initrd.gz" --log "$log" "$@"
	;;
*) usage ;;
esac
