#!/usr/bin/env bash
# Configure and build a kernel out of tree.
# Usage: scripts/build.sh SRC NAME CONFIGS [make targets...]
#   SRC      kernel source tree (build/BASE/linux, build/BASE/linux-base, ...)
#   NAME     build dir name under build/BASE/out (one per tree x config)
#   CONFIGS  comma-separated fragments from configs/ (first one names the arch)
# Prints the O= directory on stdout.
. "$(dirname "$0")/lib.sh"

src=$(cd "$1" && pwd) || die "no kernel tree $1"
name=$2 configs=$3
shift 3
o=$OUT/$name
mkdir -p "$o"
case $configs in
s390x*) arch=s390 cross=$CROSS cc=$KCC ;;
x86_64*) arch=x86_64 cross='' cc=$KCC_X86 ;;
*) die "unknown config '$configs': fragments are configs/s390x-*.config or configs/x86_64-*.config" ;;
esac
# Two cores: concurrent kernel builds (helpers, CI steps) queue on one lock.
# flock -o holds the lock itself and does not hand its descriptor down: a
# child that outlives the build (the progress ticker's sleep) would keep the
# lock, and the next build would wait up to 30 s for it.
if [ -z "${RIG_BUILD_LOCKED:-}" ]; then
	export RIG_BUILD_LOCKED=1
	exec flock -o "$BUILD/.build.lock" "$0" "$src" "$name" "$configs" "$@"
fi
# With CCACHE_BASEDIR (scripts/lib.sh) the compiler sees the sources as
# $rel/...: map that prefix away too, so that __FILE__ (WARN, BUG) reads
# drivers/... as with the kernel's own map of the absolute srctree.
rel=$(realpath --relative-to="$(realpath "$o")" "$(realpath "$src")")
kmake() {
	KCPPFLAGS="-fmacro-prefix-map=$rel/=" \
		make -C "$src" O="$o" ARCH=$arch CROSS_COMPILE=$cross CC="$cc" HOSTCC="$KCC_X86" -j"$JOBS" "$@"
}

# Each fragment, then what this base changes in it (configs/$BASE/NAME.config:
# an option the base lacks or sets otherwise), merged in that order.
frags=()
IFS=, read -ra names <<<"$configs"
for c in "${names[@]}"; do
	f=$ROOT/configs/$c.config
	[ -f "$f" ] || die "no config fragment $f"
	frags+=("$f")
	[ ! -f "$ROOT/configs/$BASE/$c.config" ] || frags+=("$ROOT/configs/$BASE/$c.config")
done

# wanted_options: fragment lines in, the last setting of each option out
# ("# CONFIG_X is not set" as CONFIG_X=n), in first-seen order.
wanted_options() {
	sed -E 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/' |
		awk -F= '/^CONFIG_[A-Za-z0-9_]+=/ { if (!($1 in v)) k[n++] = $1; v[$1] = $0 }
			END { for (i = 0; i < n; i++) print v[k[i]] }'
}

# Regenerate .config only when a fragment changed, so builds stay incremental.
sum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$o/.config" ] || [ "$(cat "$o/.fragments.sha256" 2>/dev/null)" != "$sum" ]; then
	log=$LOGS/config-$name.log
	step "configure $name (tinyconfig + $configs)" "$log" bash -c "
		$(declare -f kmake); src='$src' o='$o' rel='$rel' arch=$arch cross='$cross' cc='$cc' KCC_X86='$KCC_X86' JOBS=$JOBS
		kmake tinyconfig &&
		cd '$src' && ARCH=$arch scripts/kconfig/merge_config.sh -m -O '$o' '$o/.config' ${frags[*]} &&
		kmake olddefconfig" || die "configuring $name failed (see $log)"
	# Every option the fragments ask for must survive Kconfig: the last
	# setting of each, as merge_config.sh merges them ("is not set" is =n).
	dropped=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$o/.config" && dropped+=("$line (got $(grep "^$opt=" "$o/.config"))") ;;
		CONFIG_*=*) grep -qxF "$line" "$o/.config" ||
			dropped+=("$line (got $(grep -E "^(# )?${line%%=*}[= ]" "$o/.config" || echo 'not in .config'))") ;;
		esac
	done < <(cat "${frags[@]}" | sed 's/[[:space:]]*$//' | wanted_options)
	if [ ${#dropped[@]} -ne 0 ]; then
		rm -f "$o/.config"
		for d in "${dropped[@]}"; do say "Kconfig dropped: $d"; done
		die "config $name: ${#dropped[@]} option(s) asked for by $configs were not set (unmet dependencies?); fix the fragment"
	fi
	echo "$sum" >"$o/.fragments.sha256"
fi

if [ $# -gt 0 ]; then
	log=$LOGS/build-$name.log
	step "build $name: $*" "$log" kmake "$@" || die "build $name failed (see $log)"
fi
echo "$o"
