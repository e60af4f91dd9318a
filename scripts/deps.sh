#!/usr/bin/env bash
# Install what the rig needs from Debian, or say exactly what is missing.
# Usage: scripts/deps.sh [check|install]   (default: install when root)
#        scripts/deps.sh client            also the s390x userland of
#                                          `make client` (build/dl/client)
. "$(dirname "$0")/lib.sh"

# `make client` runs Debian's own s390x QEMU, mdevctl and lscss inside the
# guest: their .debs go to build/dl/client (about 60 MB), fetched only when
# asked for. The roots are named here; the shared libraries they need are
# resolved from the archive's dependencies (the lib*/zlib1g packages among
# them, followed recursively: not qemu-system-common, udev, debconf and the
# rest of a full install, which the guest does not run). scripts/guest.sh
# then checks that every DT_NEEDED of every binary it packs is present.
# s390-tools is used for lscss (a binary in 2.16) and qemu-system-data for the
# firmware s390-ccw.img only: their own dependencies are not followed.
CLIENT_ROOTS="qemu-system-misc:s390x bash:s390x mdevctl:s390x"
CLIENT_LEAVES="s390-tools:s390x qemu-system-data"
client_resolve() {
	# shellcheck disable=SC2086 # word lists
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances $CLIENT_ROOTS |
		awk -v roots="$CLIENT_ROOTS" '
		/^[^ ]/ { cur = $1; next }
		/^ [ |](Pre)?Depends: [^<]/ { dep[cur] = dep[cur] " " $2 }
		END {
			n = split(roots, q, " ")
			for (i = 1; i <= n; i++) { want[q[i]] = 1 }
			for (i = 1; i <= n; i++) {
				k = split(dep[q[i]], d, " ")
				for (j = 1; j <= k; j++)
					if (d[j] ~ /^(lib|zlib1g)[^ ]*:s390x$/ && !(d[j] in want)) {
						want[d[j]] = 1; q[++n] = d[j]
					}
			}
			for (p in want) print p
		}' | sort
}
client_debs() {
	local dir=$BUILD/dl/client p name missing=()
	mkdir -p "$dir"
	if [ ! -s "$dir/packages.txt" ]; then
		step "resolve the s390x client packages" "$LOGS/deps-client-resolve.log" bash -c "
			dpkg --print-foreign-architectures | grep -qx s390x ||
				{ echo 'dpkg has no s390x architecture: dpkg --add-architecture s390x; apt-get update'; exit 1; }
			$(declare -f client_resolve); CLIENT_ROOTS='$CLIENT_ROOTS'
			{ client_resolve; printf '%s\n' $CLIENT_LEAVES; } >'$dir/packages.txt.tmp' &&
			grep -qx libc6:s390x '$dir/packages.txt.tmp' &&
			mv '$dir/packages.txt.tmp' '$dir/packages.txt'" ||
			die "could not resolve the client packages (see $LOGS/deps-client-resolve.log)"
	fi
	while read -r p; do
		name=${p%:*}
		compgen -G "$dir/${name}_*.deb" >/dev/null || missing+=("$p")
	done <"$dir/packages.txt"
	[ ${#missing[@]} -eq 0 ] && return 0
	step "download ${#missing[@]} s390x client package(s)" "$LOGS/deps-client.log" bash -c "
		cd '$dir' && apt-get download ${missing[*]}" ||
		die "could not download the client packages ${missing[*]} (see $LOGS/deps-client.log)"
}
if [ "${1:-}" = client ]; then
	"$0" install
	client_debs
	exit 0
fi

# command-or-file  package
NEEDS=(
	"s390x-linux-gnu-gcc gcc-s390x-linux-gnu"
	"/usr/s390x-linux-gnu/lib/libc.a libc6-dev-s390x-cross"
	"qemu-system-s390x qemu-system-misc"
	"qemu-system-x86_64 qemu-system-x86"
	"sparse sparse"
	"spatch coccinelle"
	"ocamlopt ocaml-nox"
	"ocamlfind ocaml-findlib"
	"ccache ccache"
	"bc bc"
	"flex flex"
	"bison bison"
	"/usr/include/openssl/ssl.h libssl-dev"
	"/usr/include/libelf.h libelf-dev"
	"cpio cpio"
	"xz xz-utils"
	"python3 python3"
	"sphinx-build python3-sphinx"
	"/usr/lib/python3/dist-packages/ply python3-ply"
	"/usr/lib/python3/dist-packages/git python3-git"
	"perl perl"
	"git git"
	"make make"
	"gcc gcc"
	"sha256sum coreutils"
	"shellcheck shellcheck"
)

read -ra missing <<<"${EXTRA_PKGS:-}"
for n in "${NEEDS[@]}"; do
	what=${n% *} pkg=${n##* }
	case $what in
	/*) [ -e "$what" ] ;;
	*) command -v "$what" >/dev/null 2>&1 ;;
	esac || missing+=("$pkg")
done

# The base package of the selected base only: exactly the version its pin
# bases/$BASE pins, not the newest the archive serves (the archive moves; a
# newer one is a different tree). Each base is its own package
# (linux-source-6.1, linux-source-6.12, ...): they install side by side.
pin=bases/$BASE
base_pkg=$(base_field DEBIAN_PACKAGE) base_ver=$(base_field DEBIAN_VERSION)
[ -n "$base_pkg" ] && [ -n "$base_ver" ] || die "$pin names no DEBIAN_PACKAGE or DEBIAN_VERSION"
have_ver=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$base_pkg" 2>/dev/null | sed -n 's/^ii *//p' || true)
why=
if [ "$have_ver" != "$base_ver" ]; then
	missing+=("$base_pkg=$base_ver")
	why=" ($base_pkg $base_ver is the base of BASE=$BASE, pinned by $pin; installed: ${have_ver:-none})"
fi

# busybox-static for the s390x guest and for the x86_64 (mtty) guest.
host_arch=$(dpkg --print-architecture)
bb_deb() { ls "$BUILD"/dl/busybox-static_*_"$1".deb 2>/dev/null | head -n1; }
bb_missing=()
for a in s390x "$host_arch"; do
	[ -n "$(bb_deb "$a")" ] || bb_missing+=("$a")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#bb_missing[@]} -eq 0 ]; then
	exit 0
fi
[ "${1:-install}" = check ] && die "missing packages: ${missing[*]} ${bb_missing[*]/#/busybox-static:}$why (run scripts/deps.sh as root)"
[ "$(id -u)" -eq 0 ] || [ ${#missing[@]} -eq 0 ] ||
	die "missing packages: ${missing[*]}$why; run as root: apt-get install ${missing[*]}"

log=$LOGS/deps.log
if [ ${#missing[@]} -ne 0 ]; then
	step "apt-get install ${missing[*]}" "$log" bash -c "
		dpkg --add-architecture s390x &&
		apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			--allow-downgrades ${missing[*]}" || {
		if ! apt-cache madison "$base_pkg" 2>/dev/null | awk -v v="$base_ver" '$3 == v { f = 1 } END { exit !f }'; then
			say "the archive no longer serves $base_pkg $base_ver, which $pin pins; it has:"
			apt-cache madison "$base_pkg" | sed 's/^/    /' >&2
			die "pin $pin to a version listed above (DEBIAN_VERSION, KERNEL_VERSION, TARBALL_SHA256, BASE_COMMIT; then check the series applies), or install $base_pkg $base_ver from elsewhere (see $log)"
		fi
		die "could not install: ${missing[*]} (see $log)"
	}
fi
mkdir -p "$BUILD/dl"
for a in "${bb_missing[@]}"; do
	step "download busybox-static:$a" "$LOGS/deps-busybox-$a.log" bash -c "
		[ $a = $host_arch ] || dpkg --print-foreign-architectures | grep -x $a >/dev/null || dpkg --add-architecture $a
		cd '$BUILD/dl' && { apt-get download busybox-static:$a ||
			{ apt-get update -q && apt-get download busybox-static:$a; }; }" ||
		die "could not download busybox-static:$a (see $LOGS/deps-busybox-$a.log)"
done
