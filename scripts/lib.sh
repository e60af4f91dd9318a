# shellcheck shell=bash
# shellcheck disable=SC2034 # the paths and tools here are used by the scripts that source this
# Common helpers for the rig scripts: paths, logging, steps with progress.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

ts() { date +%H:%M:%S; }
say() { printf '[%s] %s\n' "$(ts)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(ts)" "$*" >&2; exit 1; }

# The base: which pin (bases/$BASE) and which series (patches/$BASE) a run
# is about. `make BASE=6.12 ...` or BASE=6.12 in the environment; this is
# the one place that names the default.
export BASE=${BASE:-6.1}
BASES=$(cd "$ROOT/bases" && printf '%s\n' * | sort -V | paste -sd' ')
if [[ $BASE == */* || $BASE == .* ]] || [ ! -f "$ROOT/bases/$BASE" ]; then
	die "BASE=$BASE: no pin bases/$BASE (bases: $BASES)"
fi
PATCHES=$ROOT/patches/$BASE # the series of this base: quilt series file + patches
BUILD=$ROOT/build           # shared by every base: ccache, dl (downloads), the build lock
WORK=$BUILD/$BASE           # everything made from this base
LOGS=$WORK/logs
RESULTS=$WORK/results       # what runs measured; `make results` publishes it
KTREE=$WORK/linux           # base + series, one commit per patch
KBASE=$WORK/linux-base      # worktree of the base commit
OUT=$WORK/out               # O= build dirs, one per tree x config
GUEST=$WORK/guest           # guest userspace + initramfs, one per kernel build
BASE_TAG=base
mkdir -p "$LOGS" "$RESULTS"

# Cross compiler for s390x; ccache in front when available.
CROSS=s390x-linux-gnu-
if command -v ccache >/dev/null 2>&1; then
	export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	# Paths under build/ reach the compiler relative to the build dir
	# (O=build/BASE/out/NAME, source ../../linux/...), so a hit does not
	# depend on where the checkout or the base's dir is. ccache does not
	# rewrite the kernel's -fmacro-prefix-map=<abs srctree>/=: build.sh
	# adds the relative one, or __FILE__ would keep "../../linux/".
	# CCACHE_BASEDIR= (empty) switches this off.
	export CCACHE_BASEDIR=${CCACHE_BASEDIR-$BUILD}
	KCC="ccache ${CROSS}gcc"
	KCC_X86="ccache gcc"
else
	KCC="${CROSS}gcc"
	KCC_X86="gcc"
fi
JOBS=${JOBS:-$(($(nproc) + 1))}

# step NAME LOG CMD...: run CMD with all output in LOG, print progress
# (elapsed time every 30 s) and, on failure, the tail of LOG.
step() {
	local name=$1 log=$2 start rc ticker
	shift 2
	start=$(date +%s)
	say "==> $name (log: ${log#"$ROOT"/})"
	# The ticker's sleep dies with it: an orphaned sleep would hold every
	# descriptor the step inherited (a lock, a pipe someone reads to EOF).
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		while :; do
			sleep 30 &
			nap=$!
			wait "$nap"
			say "    ... $name: $(($(date +%s) - start)) s"
		done
	) >/dev/null &
	ticker=$!
	rc=0
	"$@" >"$log" 2>&1 || rc=$?
	kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		say "FAILED: $name (exit $rc, $(($(date +%s) - start)) s). Last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    | /' >&2
		return "$rc"
	fi
	say "    done: $name in $(($(date +%s) - start)) s"
}

# Read KEY=VALUE from the pin of this base (bases/$BASE).
base_field() { sed -n "s/^$1=//p" "$ROOT/bases/$BASE"; }
