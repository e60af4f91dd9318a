#!/bin/sh
# The fuzzer under a channel-path vary storm: for each seed of rig.seeds
# (separated by ':' or ',', default 3:4:5), rig.count programs (default 500) on
# 0.0.0001 while chp 0.00, which every subchannel of the guest uses, is
# varied off and on every 0.5-2 ms; then, with the storm over, the state of
# the subchannel. 0.0.0000 (the guest's /dev/hwrng) is set offline first:
# virtio_ccw cannot take its queues down while its path is off (README,
# "Found by the rig and not fixed"). TAP per seed: the fuzzer's own results
# (an unexplained lost interrupt fails), and the subchannel back on
# io_subchannel with its ccw device online within 30 s of the storm's end.
# The s390dbf messages of cio and vfio-ccw about it are printed on a failure.
. /rig/lib.sh
chp=/sys/devices/css0/chp0.00/status
dbf=/sys/kernel/debug/s390dbf
stop=/tmp/storm.stop
seeds=$(echo "${RIG_seeds:-3:4:5}" | tr ,: '  ')
count=${RIG_count:-500}

# storm: vary the path off and on until $stop exists (bounded by a count)
storm() {
	n=0
	while [ ! -e $stop ] && [ $n -lt 500000 ]; do
		echo off >$chp
		usleep $((500 + (n * 37) % 1500))
		echo on >$chp
		usleep $((500 + (n * 53) % 1500))
		n=$((n + 1))
	done
	echo on >$chp
	echo "# storm: $n vary off/on cycles"
}

# online_within SCH SECONDS: the ccw device under SCH is online
online_within() {
	deadline=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $deadline ]; do
		for c in /sys/bus/css/devices/$1/0.*.*; do
			[ "$(cat "$c/online" 2>/dev/null)" = 1 ] && return 0
		done
		sleep 0.2
	done
	return 1
}

for l in cio_msg vfio_ccw_msg; do echo 6 >$dbf/$l/level 2>/dev/null; done
echo 0 >/sys/bus/ccw/devices/0.0.0000/online
rc=0 t=0
echo "@@SELFTEST storm"
echo "1..$(($(echo $seeds | wc -w) * 2))"
for s in $seeds; do
	rm -f $stop
	storm &
	sp=$!
	/rig/vfio_ccw_fuzz -s "$s" -n "$count" -S 0.0.0001 >/tmp/storm-fuzz.log 2>&1
	touch $stop
	wait $sp
	grep '^@@FUZZ done' /tmp/storm-fuzz.log
	t=$((t + 1))
	# the fuzzer's own verdict must be there: a fuzzer that did not run
	# (or stopped early) fails this as a lost interrupt would
	if grep -q '^ok 3 ' /tmp/storm-fuzz.log; then
		echo "ok $t storm: seed $s: every program ends in an interrupt or an errno"
	else
		echo "not ok $t storm: seed $s: every program ends in an interrupt or an errno"
		grep -A 12 'lost interrupt' /tmp/storm-fuzz.log | head -n 40 | sed 's/^/# /'
		tail -n 3 /tmp/storm-fuzz.log | sed 's/^/# fuzzer: /'
		rc=1
	fi
	t=$((t + 1))
	sch_driver=$(basename "$(readlink /sys/bus/css/devices/0.0.0001/driver 2>/dev/null)")
	if [ "$sch_driver" = io_subchannel ] && online_within 0.0.0001 30; then
		echo "ok $t storm: seed $s: 0.0.0001 online at io_subchannel after the storm"
	else
		echo "not ok $t storm: seed $s: 0.0.0001 online at io_subchannel after the storm (driver ${sch_driver:-none})"
		for c in /sys/bus/css/devices/0.0.0001/0.*.*; do
			[ -e "$c" ] && echo "# ccw device: ${c##*/}"
		done
		grep -E 'sch 0\.0\.0001|device 0\.0\.0001|cdev=0\.0\.0001' $dbf/cio_msg/sprintf 2>/dev/null |
			tail -n 20 | sed 's/^/# cio: /'
		rc=1
		# What brings it back tells which state is stale: one more vary
		# off and on (the path events), or a rebind (io_subchannel's
		# probe computes the path masks again). The next seed needs it.
		echo off >$chp
		echo on >$chp
		if online_within 0.0.0001 30; then
			echo "# 0.0.0001 online after one more vary off and on"
		else
			echo 0.0.0001 >/sys/bus/css/drivers/io_subchannel/unbind 2>/dev/null
			echo 0.0.0001 >/sys/bus/css/drivers/io_subchannel/bind 2>/dev/null
			if online_within 0.0.0001 30; then
				echo "# 0.0.0001 online after a rebind to io_subchannel"
			else
				echo "# 0.0.0001 not online after a rebind either"
			fi
		fi
	fi
done
echo 1 >/sys/bus/ccw/devices/0.0.0000/online
exit $rc
