#!/bin/sh
# Run every selftest binary of the series; each is announced for tap.py.
# The subchannels 0.0.0001.. are the tests'; 0.0.0000 backs /dev/hwrng.
# rig.only=fixture.test,... runs only those tests; rig.count=N repeats the
# run N times and stops at the first failing round.
n=${RIG_ndev:-4} i=1 list=
while [ "$i" -lt "$n" ]; do
	list="$list${list:+,}0.0.$(printf %04x "$i")"
	i=$((i + 1))
done
export VFIO_CCW_SCH=$list VFIO_CCW_HOST_AGENT=1 VFIO_CCW_CHP_VARY=1 VFIO_TEST_ONLY=${RIG_only:-} VFIO_TEST_SKIP=${RIG_skip:-}
# No channel subsystem (x86_64): the mdev lifecycle tests run against the
# mtty sample instead, the only ones that apply.
if [ ! -d /sys/bus/css ] && [ -d /sys/devices/virtual/mtty/mtty ]; then
	export VFIO_MDEV_PARENT=/sys/devices/virtual/mtty/mtty VFIO_MDEV_TYPE=mtty-2
	VFIO_TEST_ONLY=${RIG_only:-mdev}
fi
rc=0 round=1 found=0
while [ "$round" -le "${RIG_count:-1}" ]; do
	for t in /rig/selftests/*; do
		[ -x "$t" ] || continue
		found=1
		echo "@@SELFTEST $(basename "$t")"
		"$t" || rc=1
	done
	[ "${RIG_count:-1}" -gt 1 ] && echo "@@ROUND $round rc=$rc"
	[ "$rc" -eq 0 ] || break
	round=$((round + 1))
done
[ "$found" = 1 ] || { echo "@@RIG-ERROR no selftest binaries in /rig/selftests"; rc=1; }
exit $rc
