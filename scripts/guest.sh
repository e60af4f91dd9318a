#!/usr/bin/env bash
# Build the guest userspace for a kernel build dir and pack the initramfs.
# Usage: scripts/guest.sh O_DIR OUT_DIR
#   O_DIR    kernel build dir (its uapi headers are installed there)
#   OUT_DIR  gets vfio_ccw_demo, the selftests and initrd.gz
# The selftests come from build/linux (the series); they run on any kernel.
. "$(dirname "$0")/lib.sh"

mkdir -p "$2"
o=$(readlink -f "$1") out=$(readlink -f "$2")
src=$(readlink -f "$o/source")
log=$LOGS/guest-$(basename "$out").log
: >"$log"

step "uapi headers ($(basename "$o"))" "$log.headers" \
	make -C "$src" O="$o" ARCH=s390 CROSS_COMPILE=$CROSS headers ||
	die "installing uapi headers failed (see $log.headers)"
hdr=$o/usr/include
cflags="-static -O2 -pthread -Wall -Wextra -Wno-unused-parameter -isystem $hdr"

files=("$ROOT/guest/init:/init")
for c in "$ROOT"/guest/*.c; do
	b=$(basename "$c" .c)
	step "cross-compile guest/$b.c" "$log.$b" ${CROSS}gcc $cflags -o "$out/$b" "$c" ||
		die "guest/$b.c does not build (see $log.$b)"
	files+=("$out/$b:/rig/$b")
done
for f in "$ROOT"/guest/*.sh; do files+=("$f:/rig/$(basename "$f")"); done

st=${SELFTESTS_SRC:-$KTREE}/tools/testing/selftests
if [ -d "$st/vfio" ]; then
	step "cross-compile selftests/vfio" "$log.selftests" \
		make -C "$st" TARGETS=vfio ARCH=s390 CROSS_COMPILE=$CROSS \
			O="$out/kselftest" KHDR_INCLUDES="-isystem $hdr" \
			LDFLAGS=-static ||
		die "selftests/vfio do not build (see $log.selftests)"
	for b in $(find "$out/kselftest" -type f -perm -u+x -path '*vfio*'); do
		files+=("$b:/rig/selftests/$(basename "$b")")
	done
fi

step "pack initramfs" "$log.cpio" python3 "$ROOT/scripts/initramfs.py" "$out/initrd.gz" \
	"$(ls "$BUILD"/dl/busybox-static_*_s390x.deb | head -n1)" "${files[@]}" ||
	die "packing the initramfs failed (see $log.cpio)"
echo "$out/initrd.gz"
