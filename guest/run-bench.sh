#!/bin/sh
# Benchmarks, same on base and patched kernels: memory and bind time for
# every subchannel but 0.0.0000, then lifecycle and round-trip figures from
# the demo on 0.0.0000. bench/run.sh compares the @@BENCH lines.
n=${RIG_ndev:-2} i=1 list=
while [ "$i" -lt "$n" ]; do
	list="$list 0.0.$(printf %04x "$i")"
	i=$((i + 1))
done
rc=0
# shellcheck disable=SC2086
/rig/vfio_ccw_bench -r "${RIG_rounds:-5}" $list || rc=1
/rig/vfio_ccw_demo -s 0.0.0000 -n 1000 -l 50 || rc=1
exit $rc
