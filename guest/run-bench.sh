#!/bin/sh
# Benchmarks, same on base and patched kernels. bench/run.sh compares the
# @@BENCH lines of the two.
#   rig.bench=full    memory and bind time for every subchannel but
#                     0.0.0000, lifecycle and SENSE ID round trip on
#                     0.0.0000, channel-program latency and throughput
#                     from 1 and from 4 threads on as many subchannels
#   rig.bench=icount  only the channel-program latencies, in a guest whose
#                     clock counts instructions (QEMU -icount): the cost of
#                     the I/O and interrupt path, free of host noise
#   rig.bench=alloc   the bytes vfio_ccw's own code allocates per bound idle
#                     subchannel, from the allocation traces of a kernel
#                     booted with slub_debug=U (bench/run.sh passes it)
n=${RIG_ndev:-2} rounds=${RIG_rounds:-5} i=1 list=
while [ "$i" -lt "$n" ]; do
	list="$list 0.0.$(printf %04x "$i")"
	i=$((i + 1))
done
four=$(echo $list | cut -d' ' -f1-4)
rc=0
if [ "${RIG_bench:-full}" = alloc ]; then
	# shellcheck disable=SC2086
	/rig/vfio_ccw_bench -a -r "$rounds" $list || rc=1
	exit $rc
fi
if [ "${RIG_bench:-full}" = full ]; then
	# shellcheck disable=SC2086
	/rig/vfio_ccw_bench -r "$rounds" $list || rc=1
	/rig/vfio_ccw_demo -s 0.0.0000 -n 1000 -l 50 || rc=1
fi
for c in 1 16; do
	/rig/vfio_ccw_iobench -n 200 -c $c -r "$rounds" 0.0.0000 || rc=1
	[ "${RIG_bench:-full}" = full ] || continue
	# shellcheck disable=SC2086
	/rig/vfio_ccw_iobench -n 200 -c $c -r "$rounds" $four || rc=1
done
exit $rc
