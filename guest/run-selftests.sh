#!/bin/sh
# Run every selftest binary of the series; each is announced for tap.py.
# The subchannels 0.0.0001.. are the tests'; 0.0.0000 backs /dev/hwrng.
# rig.only=fixture.test,... runs only those tests (rig.skip leaves them
# out), through the harness options -r/-f/-T/-F; rig.count=N repeats the
# run N times and stops at the first failing round.
n=${RIG_ndev:-4} i=1 list=
while [ "$i" -lt "$n" ]; do
	list="$list${list:+,}0.0.$(printf %04x "$i")"
	i=$((i + 1))
done
# Hot unplug and plug go through the host: host-cmd.sh asks the runner.
export VFIO_CCW_SCH="$list" VFIO_CCW_CHP_VARY=1 \
	VFIO_CCW_UNPLUG_CMD="/rig/host-cmd.sh unplug" \
	VFIO_CCW_PLUG_CMD="/rig/host-cmd.sh plug"
only=${RIG_only:-}
# No channel subsystem (x86_64): the mdev lifecycle tests run against the
# mtty sample instead, the only ones that apply. Without mtty either, every
# test would skip and the run would pass having tested nothing: fail it.
if [ ! -d /sys/bus/css ]; then
	if [ ! -d /sys/devices/virtual/mtty/mtty ]; then
		echo "@@RIG-ERROR no channel subsystem and no mtty parent: nothing to test (did insmod of /rig/modules/*.ko fail?)"
		exit 1
	fi
	export VFIO_MDEV_PARENT=/sys/devices/virtual/mtty/mtty VFIO_MDEV_TYPE=mtty-2
	only=${RIG_only:-mdev}
fi
# rig.only/rig.skip -> the harness's options: fixture.test is -r to run it
# and -T to leave it out (test names are unique in the binary), a fixture
# alone -f/-F. Exclusions first: the first option that matches decides.
set --
for n in $(echo "${RIG_skip:-}" | tr , ' '); do
	case $n in
	*.*) set -- "$@" -T "${n#*.}" ;;
	*) set -- "$@" -F "$n" ;;
	esac
done
for n in $(echo "$only" | tr , ' '); do
	case $n in
	*.*) set -- "$@" -r "$n" ;;
	*) set -- "$@" -f "$n" ;;
	esac
done
# Selftest binaries older than the series' "selftests/vfio: select tests
# with the harness's options" (e.g. v3's own) ignore the options and read
# these; they print @@HOST themselves and do not read the reply, which the
# runner writes to the console's input: no echo of it onto the output.
export VFIO_TEST_ONLY="$only" VFIO_TEST_SKIP="${RIG_skip:-}" VFIO_CCW_HOST_AGENT=1
stty -echo </dev/console 2>/dev/null
rc=0 round=1 found=0
while [ "$round" -le "${RIG_count:-1}" ]; do
	for t in /rig/selftests/*; do
		[ -x "$t" ] || continue
		found=1
		echo "@@SELFTEST $(basename "$t")"
		"$t" "$@" || rc=1
	done
	[ "${RIG_count:-1}" -gt 1 ] && echo "@@ROUND $round rc=$rc"
	[ "$rc" -eq 0 ] || break
	round=$((round + 1))
done
[ "$found" = 1 ] || { echo "@@RIG-ERROR no selftest binaries in /rig/selftests"; rc=1; }
exit $rc
