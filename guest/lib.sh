# shellcheck shell=sh
# Helpers for the guest scripts (busybox sh).

# wait_subchannels N: wait (bounded, 20 s) until N I/O subchannels are bound
# and their ccw devices are online under a driver.
wait_subchannels() {
	n=$1 deadline=$(($(date +%s) + 20))
	while :; do
		ready=0
		for s in /sys/bus/css/devices/*; do
			[ -e "$s/driver" ] || continue
			for c in "$s"/0.*.*; do
				[ -e "$c/online" ] && [ "$(cat "$c/online")" = 1 ] && ready=$((ready + 1))
			done
		done
		[ "$ready" -ge "$n" ] && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# online_within SCH SECONDS: wait (bounded) until the ccw device under
# subchannel SCH is online
online_within() {
	ow_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt $ow_end ]; do
		for c in /sys/bus/css/devices/$1/0.*.*; do
			[ "$(cat "$c/online" 2>/dev/null)" = 1 ] && return 0
		done
		sleep 0.2
	done
	return 1
}

# gone_within SCH SECONDS: wait (bounded) until subchannel SCH is gone
gone_within() {
	gw_end=$(($(date +%s) + $2))
	while [ -e /sys/bus/css/devices/$1 ]; do
		[ "$(date +%s)" -lt $gw_end ] || return 1
		sleep 0.2
	done
}

# replug BUSID: hot-unplug the virtio-rng-ccw device BUSID through the host
# and plug it again with the same devno: QEMU builds its subchannel anew
# (the only way to clear the deferred cc 3 QEMU keeps, see vfio_ccw_fuzz.c).
# Bounded: host-cmd.sh waits 30 s for each reply, the removal 30 s.
replug() {
	/rig/host-cmd.sh unplug "$1" || return 1
	gone_within "$1" 30
	/rig/host-cmd.sh plug "$1"
}

# splat_ere: what scripts/console.py calls a kernel splat, as one grep -E
# expression (scripts/guest.sh packs it; the guest's own checks and the
# host's judge must never disagree). No file is an error, not "no splat".
splat_ere() {
	[ -s /rig/splat.ere ] || { echo "@@RIG-ERROR /rig/splat.ere missing" >&2; echo 'BUG:'; return 1; }
	cat /rig/splat.ere
}
