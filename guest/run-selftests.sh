#!/bin/sh
# Run every selftest binary of the series; each is announced for tap.py.
# The subchannels 0.0.0001.. are the tests'; 0.0.0000 backs /dev/hwrng.
n=${RIG_ndev:-4} i=1 list=
while [ "$i" -lt "$n" ]; do
	list="$list${list:+,}0.0.$(printf %04x "$i")"
	i=$((i + 1))
done
export VFIO_CCW_SCH=$list VFIO_CCW_HOST_AGENT=1
rc=0
for t in /rig/selftests/*; do
	[ -x "$t" ] || continue
	echo "@@SELFTEST $(basename "$t")"
	"$t" || rc=1
done
[ -n "$t" ] && [ -x "$t" ] || { echo "@@RIG-ERROR no selftest binaries in /rig/selftests"; rc=1; }
exit $rc
