#!/usr/bin/env bash
# Build the guest userspace for a kernel build dir and pack the initramfs.
# Usage: scripts/guest.sh O_DIR OUT_DIR
#   O_DIR    kernel build dir (its uapi headers are installed there); its
#            .config says the architecture (s390x or x86_64)
#   OUT_DIR  gets the guest programs, the selftests and initrd.gz
#   GUEST_USERLAND=client  also packs nested QEMU, mdevctl and lscss
# The selftests come from build/$BASE/linux (the series); they run on any
# kernel.
# s390x gets the vfio-ccw programs of guest/*.c; x86_64 gets the mtty sample
# module instead, for the mdev lifecycle tests.
. "$(dirname "$0")/lib.sh"

mkdir -p "$2"
o=$(readlink -f "$1") out=$(readlink -f "$2")
src=$(readlink -f "$o/source")
log=$LOGS/guest-$(basename "$out").log
: >"$log"
if grep -q '^CONFIG_S390=y' "$o/.config"; then
	arch=s390 cross=$CROSS debarch=s390x
else
	arch=x86_64 cross='' debarch=$(dpkg --print-architecture)
fi

step "uapi headers ($(basename "$o"))" "$log.headers" \
	make -C "$src" O="$o" ARCH=$arch CROSS_COMPILE=$cross headers ||
	die "installing uapi headers failed (see $log.headers)"
hdr=$o/usr/include
cflags="-static -O2 -pthread -Wall -Wextra -Wno-unused-parameter -isystem $hdr"

files=("$ROOT/guest/init:/init")
if [ $arch = s390 ]; then
	for c in "$ROOT"/guest/*.c; do
		b=$(basename "$c" .c)
		step "cross-compile guest/$b.c" "$log.$b" ${cross}gcc $cflags -o "$out/$b" "$c" ||
			die "guest/$b.c does not build (see $log.$b)"
		files+=("$out/$b:/rig/$b")
	done
else
	m=$o/samples/vfio-mdev/mtty.ko
	[ -f "$m" ] || die "$m not built (build the x86_64 kernel with its modules)"
	files+=("$m:/rig/modules/mtty.ko")
	# 6.12 has VFIO_MDEV=m (the samples select it): mtty.ko needs mdev.ko,
	# which guest/init loads first (it loads the modules in name order).
	if grep -q '^CONFIG_VFIO_MDEV=m' "$o/.config"; then
		m=$o/drivers/vfio/mdev/mdev.ko
		[ -f "$m" ] || die "$m not built (CONFIG_VFIO_MDEV=m)"
		files+=("$m:/rig/modules/mdev.ko")
	fi
fi
for f in "$ROOT"/guest/*.sh; do files+=("$f:/rig/$(basename "$f")"); done
# The one list of what a splat is (scripts/console.py), for the guest's
# own checks (guest/lib.sh: splat_ere).
python3 "$ROOT/scripts/console.py" splat-ere >"$out/splat.ere" ||
	die "scripts/console.py splat-ere failed"
files+=("$out/splat.ere:/rig/splat.ere")

st=${SELFTESTS_SRC:-$KTREE}/tools/testing/selftests
# The vfio-ccw selftests: in vfio/ on 6.1; the 6.12 port puts them in
# drivers/s390x/vfio_ccw/, clear of the vfio/ that later mainline has for
# vfio-pci.
target=
for t in vfio drivers/s390x/vfio_ccw; do
	[ -f "$st/$t/vfio_ccw_test.c" ] && target=$t
done
if [ -n "$target" ]; then
	step "cross-compile selftests/$target" "$log.selftests" \
		make -C "$st" TARGETS=$target ARCH=$arch CROSS_COMPILE=$cross \
			O="$out/kselftest" KHDR_INCLUDES="-isystem $hdr" \
			LDFLAGS=-static ||
		die "selftests/$target do not build (see $log.selftests)"
	while IFS= read -r b; do
		files+=("$b:/rig/selftests/$(basename "$b")")
	done < <(find "$out/kselftest" -type f -perm -u+x -path '*vfio*')
fi

# The client userland (make client, make check) also carries Debian's s390x QEMU, mdevctl
# and lscss (from build/dl/client, scripts/deps.sh client): the programs,
# every shared library their DT_NEEDED entries reach (checked: a missing
# one stops the build, naming it), the dynamic loader and QEMU's s390x
# firmware. Only these files, not whole packages: the image stays small.
if [ "${GUEST_USERLAND:-}" = client ] && [ $arch = s390 ]; then
	dl=$BUILD/dl/client
	[ -s "$dl/packages.txt" ] || die "no client packages in $dl (run scripts/deps.sh client)"
	croot=$out/client
	rm -rf "$croot"
	mkdir -p "$croot"
	while read -r p; do
		deb=$(compgen -G "$dl/${p%:*}_*.deb" | head -n1) ||
			die "$p is in $dl/packages.txt but not downloaded (run scripts/deps.sh client)"
		dpkg-deb -x "$deb" "$croot" || die "could not unpack $deb"
	done <"$dl/packages.txt"
	libdirs=(lib/s390x-linux-gnu usr/lib/s390x-linux-gnu)
	todo=(usr/bin/qemu-system-s390x usr/bin/mdevctl sbin/lscss bin/bash)
	done_=" "
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		case $done_ in *" $f "*) continue ;; esac
		done_="$done_$f "
		[ -e "$croot/$f" ] || die "client userland: $f is not in the unpacked packages of $dl"
		files+=("$(readlink -f "$croot/$f"):/$f")
		while read -r so; do
			hit=
			for d in "${libdirs[@]}"; do
				[ -e "$croot/$d/$so" ] && { hit=$d/$so; break; }
			done
			[ -n "$hit" ] || die "client userland: $f needs $so, which no package in $dl/packages.txt provides"
			todo+=("$hit")
		done < <(${cross}readelf -d "$croot/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	done
	[ -e "$croot/lib/s390x-linux-gnu/ld64.so.1" ] || die "client userland: no ld64.so.1 in libc6:s390x"
	files+=("$(readlink -f "$croot/lib/s390x-linux-gnu/ld64.so.1"):/lib/ld64.so.1"
		"$croot/usr/share/qemu/s390-ccw.img:/usr/share/qemu/s390-ccw.img")
	say "client userland: ${done_// /$'\n'}" 2>>"$log"
fi

bb=$(find "$BUILD/dl" -maxdepth 1 -name "busybox-static_*_$debarch.deb" | head -n1)
[ -n "$bb" ] || die "no busybox-static for $debarch in $BUILD/dl (run scripts/deps.sh)"
rm -rf "$out/bb"
dpkg-deb -x "$bb" "$out/bb" || die "could not unpack $bb"
files=("$out/bb/bin/busybox:/bin/busybox" "${files[@]}")
# The kernel's own usr/gen_init_cpio packs it (no root needed for the
# device node); a fixed timestamp keeps the image the same for the same files.
{
	echo "nod /dev/console 0600 0 0 c 5 1"
	printf 'dir /%s 0755 0 0\n' dev proc sys tmp bin sbin root
	for f in "${files[@]}"; do
		d=$(dirname "${f#*:}")
		while [ "$d" != / ]; do echo "dir $d 0755 0 0"; d=$(dirname "$d"); done
	done | sort -u
	for f in "${files[@]}"; do
		printf 'file %s %s %s 0 0\n' "${f#*:}" "${f%%:*}" "$(stat -c %a "${f%%:*}")"
	done
} | awk '!seen[$0]++' >"$out/initramfs.list"
step "pack initramfs (usr/gen_init_cpio)" "$log.cpio" bash -c "
	'$o/usr/gen_init_cpio' -t 0 '$out/initramfs.list' | gzip -9n >'$out/initrd.gz.tmp' &&
	mv '$out/initrd.gz.tmp' '$out/initrd.gz'" ||
	die "packing the initramfs failed (see $log.cpio)"
echo "$out/initrd.gz"
