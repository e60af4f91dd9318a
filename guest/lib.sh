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
