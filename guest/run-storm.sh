#!/bin/sh
# The fuzzer under a channel-path vary storm: for each seed of rig.seeds
# (separated by ':' or ',', default 3:4:5), rig.count programs (default 500) on
# 0.0.0001 while chp 0.00, which every subchannel of the guest uses, is
# varied off and on every 0.5-2 ms; then, with the storm over, the state of
# the subchannel. 0.0.0000 (the guest's /dev/hwrng) is set offline first:
# virtio_ccw cannot take its queues down while its path is off (README,
# "Found by the rig and not fixed"). TAP per seed: the fuzzer's own results
# (an unexplained lost interrupt fails), and the subchannel back on
# io_subchannel with its ccw device online within 30 s of the storm's end,
# or, when QEMU kept a deferred cc 3 in the subchannel (the fuzzer names
# it), within 30 s of a re-plug through the host. What cio knows about a
# subchannel that stays offline is printed.
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

# diag_not_online: what the kernel knows about 0.0.0001 not online
diag_not_online() {
	for c in /sys/bus/css/devices/0.0.0001/0.*.*; do
		[ -e "$c" ] && echo "# ccw device: ${c##*/}"
	done
	grep -E 'sch 0\.0\.0001|device 0\.0\.0001|cdev=0\.0\.0001' $dbf/cio_msg/sprintf 2>/dev/null |
		tail -n 20 | sed 's/^/# cio: /'
	for a in pimpampom chpids; do
		echo "# 0.0.0001 $a: $(cat /sys/bus/css/devices/0.0.0001/$a 2>&1)"
	done
	echo "# chp 0.00 status: $(cat $chp 2>&1)"
	grep '^fuzz: SENSE ID on a fresh mdev' /tmp/storm-fuzz.log | sed 's/^/# /'
	# cio's request status records: the last bytes are the path mask
	# and the status (3: path error)
	grep -A1 'reqstat' $dbf/cio_trace/hex_ascii 2>/dev/null | grep -v -e reqstat -e '^--' |
		tail -n 3 | sed 's/^/# reqstat: /'
}

# rebind_io SCH: unbind SCH from io_subchannel and bind it again
rebind_io() {
	echo "$1" >/sys/bus/css/drivers/io_subchannel/unbind 2>/dev/null
	echo "$1" >/sys/bus/css/drivers/io_subchannel/bind
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
	/rig/vfio_ccw_fuzz -V -s "$s" -n "$count" -S 0.0.0001 >/tmp/storm-fuzz.log 2>&1
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
		continue
	fi
	diag_not_online
	# The fuzzer's last SENSE ID ran to its end with deferred cc 3 in
	# its SCSW: QEMU keeps that cc (see vfio_ccw_fuzz.c, any_lpm) and
	# only a reset of its subchannel clears it. The device must then
	# come back after a re-plug through the host, and does not count
	# as unusable; anything else fails.
	if grep -q '^@@FUZZ sticky-cc3 0.0.0001' /tmp/storm-fuzz.log; then
		if replug 0.0.0001 && online_within 0.0.0001 30; then
			echo "ok $t storm: seed $s: 0.0.0001 online at io_subchannel after the storm" \
				"# QEMU kept a deferred cc 3; online after a re-plug"
			continue
		fi
		echo "# 0.0.0001 not online after a re-plug either"
	fi
	echo "not ok $t storm: seed $s: 0.0.0001 online at io_subchannel after the storm (driver ${sch_driver:-none})"
	rc=1
	# the next seed needs the subchannel: what brings it back tells
	# which state is stale (path events, io_subchannel's masks, QEMU)
	echo off >$chp
	echo on >$chp
	if online_within 0.0.0001 30; then
		echo "# 0.0.0001 online after one more vary off and on"
	elif rebind_io 0.0.0001 && online_within 0.0.0001 30; then
		echo "# 0.0.0001 online after a rebind to io_subchannel"
	elif replug 0.0.0001 && online_within 0.0.0001 30; then
		echo "# 0.0.0001 online after a re-plug through the host"
	else
		echo "# 0.0.0001 not online after a vary, a rebind or a re-plug"
	fi
done
echo 1 >/sys/bus/ccw/devices/0.0.0000/online
exit $rc
