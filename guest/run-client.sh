#!/bin/sh
# vfio-ccw driven by its real users (make client): Debian's s390x QEMU 7.2
# inside this guest opens the mdev with -device vfio-ccw and its firmware
# runs channel programs through it; the subchannel is bound the way
# driverctl does it (driver_override + drivers_probe); mdevctl defines,
# starts, stops and undefines an mdev; lscss shows the subchannel's driver.
# Five TAP results (binary "client"):
#   1 firmware_io        0.0.0001: the nested firmware's channel programs
#                        and their interrupts, counted in the s390dbf trace
#   2 remove_while_held  0.0.0001: mdev remove while that QEMU holds it
#   3 unbind_while_held  0.0.0002: driverctl-style unbind + rebind while a
#                        QEMU holds its mdev
#   4 sigkill_in_flight  0.0.0003: QEMU killed with SIGKILL while its
#                        firmware's I/O runs; mdev remove, give-back,
#                        kmemleak
#   5 mdevctl_lscss      0.0.0001: mdevctl define/start/stop/undefine of a
#                        vfio_ccw-io mdev, lscss before and after
# Every wait is bounded; a nested QEMU that outlives its test is killed
# (by its pid) so that the next test and the leak scan still run.
#
# What the nested QEMU passes through, and why it stays alive: the rig's
# devices are virtio-rng-ccw. To a nested QEMU a passed-through subchannel
# is a plain channel device, not a virtio device it emulates, so its
# firmware cannot IPL from it: the firmware enables the subchannel, runs
# SENSE ID through the mdev (control unit 3832 = virtio, model 4 = rng: not
# a block, SCSI or net device) and gives up with a disabled-wait PSW, which
# QEMU reports as a guest panic. QEMU's default panic action is to shut
# down, which closes the device (that is how an earlier probe's QEMU
# "died"). Here -action panic=pause keeps it running, paused and still
# holding the mdev: the firmware's programs are test 1, and the same QEMU,
# holding the device, is the user whom test 2's mdev remove must reach.
# Tests 2 and 3 need no I/O, only an open device: their QEMUs start with -S
# (no firmware) except test 2, which reuses test 1's. Test 4 needs I/O in
# flight: its QEMU runs the firmware and is killed at its first program.
. /rig/lib.sh
export PATH=$PATH:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/lib/s390x-linux-gnu:/usr/lib/s390x-linux-gnu
dir=/tmp/client
# /etc/mdevctl.d/scripts.d/{callouts,notifiers}: directories the mdevctl
# package ships (dpkg creates them); mdevctl refuses to run without them.
mkdir -p $dir /dev/shm /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
dbf=/sys/kernel/debug/s390dbf/vfio_ccw_trace
css=/sys/bus/css
mdevs=/sys/bus/mdev/devices
# bounds, in seconds (the debug kernel under TCG runs nested TCG)
QEMU_UP=600 FW_DONE=1500 RELEASE=90 ONLINE=60
# what scripts/console.py calls a splat (its judge also fails the test a
# splat is printed in; this makes the test's own result say so)
splat=$(splat_ere)

note() { echo "# $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
# since T0: seconds (2 decimals) since the uptime T0
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
uuid() { cat /proc/sys/kernel/random/uuid; }
drv() { basename "$(readlink "$css/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }

# bind SCH DRIVER: driverctl set-override's way: driver_override, unbind
# from the current driver, drivers_probe. Bounded by RELEASE for the unbind
# (it runs in the background: a unbind that waits for a user must not hang
# the run). 0 when SCH ends up under DRIVER.
bind() {
	s=$1 d=$2 cur=$(drv "$1")
	echo "$d" >"$css/devices/$s/driver_override" || return 1
	[ "$cur" = "$d" ] && return 0
	if [ -n "$cur" ]; then
		(echo "$s" >"$css/drivers/$cur/unbind") &
		bpid=$!
		waitpid_bounded $bpid $RELEASE || { note "unbind of $s from $cur still blocked after ${RELEASE} s"; return 1; }
	fi
	echo "$s" >$css/drivers_probe 2>/dev/null
	[ "$(drv "$s")" = "$d" ]
}

# alive PID: PID runs (a child that exited stays a zombie until it is
# waited for, and kill -0 still finds a zombie)
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# waitpid_bounded PID SECONDS: 0 once PID has exited, 1 at the deadline
waitpid_bounded() {
	wp0=$(now)
	while alive "$1"; do
		awk -v a="$wp0" -v b="$(now)" -v m="$2" 'BEGIN { exit !(b - a >= m) }' && return 1
		sleep 0.2
	done
	wait "$1" 2>/dev/null
	return 0
}

# rng_snap: the hw_random sources now (before a give-back)
hr=/sys/class/misc/hw_random
rng_snap() { tr ' ' '\n' <$hr/rng_available | grep . | sort >$dir/rng.before; }
# works SCH: the subchannel is back under io_subchannel, its ccw device
# online (virtio_ccw's SENSE ID and virtio handshake ran through it), and
# the hw_random source its virtio-rng registered (the one rng_snap did not
# see) gives 16 bytes read through /dev/hwrng.
works() {
	[ "$(drv "$1")" = io_subchannel ] || { note "$1 is under '$(drv "$1")', not io_subchannel"; return 1; }
	online_within "$1" $ONLINE || { note "the ccw device under $1 is not online ${ONLINE} s after the give-back"; return 1; }
	wk0=$(date +%s) new=
	while [ -z "$new" ] && [ $(($(date +%s) - wk0)) -lt $ONLINE ]; do
		new=$(tr ' ' '\n' <$hr/rng_available | grep . | sort | grep -vxF -f $dir/rng.before | head -n1)
		[ -n "$new" ] || sleep 0.2
	done
	[ -n "$new" ] || { note "$1: online, but its virtio-rng registered no new hw_random source within ${ONLINE} s"; return 1; }
	echo "$new" >$hr/rng_current || { note "$1: cannot select $new as rng_current"; return 1; }
	n=$(timeout 30 dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c)
	[ "$n" = 16 ] || { note "$1: reading /dev/hwrng through $new gave $n bytes, not 16"; return 1; }
	note "$1: online under io_subchannel, 16 bytes from its $new"
}

mdev_create() { # mdev_create SCH UUID
	echo "$2" >"$css/devices/$1/mdev_supported_types/vfio_ccw-io/create"
}

# The nested QEMU. qemu_start NAME SCH UUID [QEMU ARGS]: QMP on a pipe
# chardev (NAME.qmp.in/.out), its log NAME.log, its firmware's console
# NAME.con; the QMP capabilities handshake answers only once the machine is
# built, the vfio-ccw device realized (opened): qemu_start returns 0 then.
qemu_start() {
	name=$1 s=$2 u=$3
	shift 3
	q=$dir/$name
	rm -f "$q".*
	mkfifo "$q.qmp.in" "$q.qmp.out"
	: >"$q.events"
	qemu-system-s390x -M s390-ccw-virtio -accel tcg,tb-size=64 -m 128 \
		-display none -nodefaults -no-user-config \
		-chardev file,id=con,path="$q.con" -device sclpconsole,chardev=con \
		-chardev pipe,id=qmp,path="$q.qmp" -mon chardev=qmp,mode=control \
		-action panic=pause \
		-device vfio-ccw,id=pt,sysfsdev=$mdevs/"$u",bootindex=1 \
		"$@" </dev/null >"$q.log" 2>&1 &
	qpid=$!
	cat "$q.qmp.out" >"$q.events" &
	catpid=$!
	exec 7<>"$q.qmp.in"
	echo '{"execute":"qmp_capabilities"}' >&7
	up0=$(now)
	qmp_wait '"return"' $QEMU_UP || { qemu_dump; return 1; }
	note "$name: QEMU (pid $qpid) up with $s's mdev $u open after $(since "$up0") s"
}
# qmp_wait PATTERN SECONDS: PATTERN in QMP's output (replies and events)
# while QEMU lives; 1 at the deadline or when QEMU is gone
qmp_wait() {
	qw0=$(date +%s)
	while :; do
		grep -q "$1" "$q.events" && return 0
		alive $qpid || { note "QEMU (pid $qpid) exited before QMP said $1"; return 1; }
		[ $(($(date +%s) - qw0)) -ge "$2" ] && { note "QMP did not say $1 within $2 s"; return 1; }
		sleep 0.5
	done
}
qemu_dump() {
	for f in log con events; do
		[ -s "$q.$f" ] && tail -n 15 "$q.$f" | sed "s/^/# $(basename "$q").$f: /"
	done
}
# qemu_stop: quit through QMP, SIGKILL after 30 s; the QMP reader ends too
qemu_stop() {
	if alive $qpid; then
		echo '{"execute":"quit"}' >&7 2>/dev/null
		waitpid_bounded $qpid 30 || { kill -9 $qpid; waitpid_bounded $qpid 30; }
	fi
	exec 7>&-
	kill $catpid 2>/dev/null
	wait $catpid 2>/dev/null
}

# dbf_count SCH: "STARTED REFUSED IRQS" from the vfio_ccw s390dbf trace:
# each start is three entries (stIO, the subchannel, its condition code as
# a 4-byte int), each interrupt two (IRQ, the subchannel). A line is the
# header (area, time, level, exception, cpu, caller: 6 fields), the 16
# bytes of the entry in hex, "|" and the same in ASCII: the condition code
# is the 4th byte, field 10.
dbf_count() {
	awk -v dev="$1" '
	{ i = index($0, "| "); a = substr($0, i + 2); h = substr($0, 1, i - 1) }
	st == 2 { split(h, f, " "); if (f[10] == "00") ok++; else bad++; st = 0; next }
	st == 1 { st = index(a, dev) == 1 ? 2 : 0; next }
	irq == 1 { if (index(a, dev) == 1) irqs++; irq = 0; next }
	index(a, "stIO") == 1 { st = 1; next }
	index(a, "IRQ") == 1 { irq = 1; next }
	END { printf "%d %d %d\n", ok, bad, irqs }' $dbf/hex_ascii
}
# dbf_read SCH: d_ok d_bad d_irq from dbf_count
dbf_read() {
	read -r d_ok d_bad d_irq <<EOF
$(dbf_count "$1")
EOF
}
dbf_reset() {
	echo 6 >$dbf/level && echo - >$dbf/flush
}

# released NAME DMESG0: QEMU's request notifier ran (DEVICE_DELETED on QMP)
# and the kernel relayed the request (the series and the base both say
# "Relaying device request"; "No device request channel registered" means
# QEMU had none)
released() {
	ok=1
	grep -q DEVICE_DELETED "$q.events" || { note "$1: QEMU never reported DEVICE_DELETED"; ok=0; }
	dmesg | tail -n +"$2" >$dir/dmesg.new
	grep -q 'Relaying device request' $dir/dmesg.new || { note "$1: no 'Relaying device request' in the kernel log"; ok=0; }
	grep -q 'No device request channel registered' $dir/dmesg.new && { note "$1: the kernel found no request channel"; ok=0; }
	alive $qpid || { note "$1: QEMU died instead of releasing the device"; ok=0; }
	[ $ok = 1 ]
}
# the kernel log buffer is small: a test starts from an empty one (the
# console, which the judge reads, keeps everything)
dmesg_mark() { dmesg -c >/dev/null; echo 1; }
splats_since() { dmesg | tail -n +"$1" | grep -c -E "$splat"; }

# result N NAME OK: test N's TAP line; it fails also when the kernel log
# has a splat since the test's mark $m
result() {
	ok=$3
	[ "$(splats_since "$m")" = 0 ] || ok=0
	if [ "$ok" = 1 ]; then echo "ok $1 $2"; else echo "not ok $1 $2"; rc=1; fi
}

rc=0
S1=0.0.0001 S2=0.0.0002 S3=0.0.0003
echo "@@SELFTEST client"
echo "1..5"
command -v qemu-system-s390x >/dev/null || note "no qemu-system-s390x in the initramfs (scripts/deps.sh client; build the client profile)"
qemu-system-s390x --version | head -n1 | sed 's/^/# /'
note "lscss at the start:"
lscss 2>&1 | sed 's/^/#   /'
for s in $S1 $S2 $S3; do
	bind $s vfio_ccw || note "could not bind $s to vfio_ccw (driver: '$(drv $s)')"
done

# 1: the nested firmware's channel programs through the mdev. Fails when
# QEMU does not come up with the device open, when its firmware does not
# reach its panic (a program it waits for forever: no interrupt) within
# FW_DONE, when no program started, or when a started program had no
# interrupt.
echo "# RUN firmware_io ..."
u1=$(uuid) ok=0
m=$(dmesg_mark)
if dbf_reset && mdev_create $S1 "$u1"; then
	t1=$(now)
	if qemu_start fw $S1 "$u1"; then
		if qmp_wait GUEST_PANICKED $FW_DONE; then
			dbf_read $S1
			note "firmware_io: the firmware gave up after $(since "$t1") s: $d_ok programs started (cc 0), $d_bad refused, $d_irq interrupts on $S1"
			grep -v '^$' $dir/fw.con | tail -n 4 | sed 's/^/# fw.con: /'
			[ "$d_ok" -ge 1 ] && [ "$d_irq" -ge "$d_ok" ] && ok=1
			[ $ok = 1 ] || head -n 30 $dbf/hex_ascii | sed 's/^/# dbf: /'
		else
			qemu_dump
		fi
	fi
else
	note "firmware_io: could not set up the trace or create the mdev on $S1"
fi
result 1 firmware_io $ok

# 2: remove the mdev while test 1's QEMU still holds it open (paused after
# its firmware's panic). Fails when the remove does not finish within
# RELEASE, when the mdev is still there, or when the release did not go
# through QEMU's request notifier.
echo "# RUN remove_while_held ..."
ok=0
m=$(dmesg_mark)
if alive "${qpid:-0}" && [ -d "$mdevs/$u1" ]; then
	t0=$(now)
	(echo 1 >"$mdevs/$u1/remove") &
	rpid=$!
	if waitpid_bounded $rpid $RELEASE; then
		note "remove_while_held: mdev remove returned after $(since "$t0") s"
		[ ! -e "$mdevs/$u1" ] && released remove_while_held "$m" && ok=1
	else
		note "remove_while_held: mdev remove still blocked after ${RELEASE} s: killing QEMU"
		kill -9 $qpid
		waitpid_bounded $rpid 60 || note "remove_while_held: the remove is still blocked after QEMU's death"
	fi
	[ $ok = 1 ] || qemu_dump
else
	note "remove_while_held: no QEMU holding $S1's mdev (test 1 failed)"
fi
qemu_stop
result 2 remove_while_held $ok

# 3: driverctl-style unbind while a QEMU holds the mdev: driver_override
# io_subchannel, unbind from vfio_ccw, drivers_probe; then back to vfio_ccw
# the same way. Fails when the unbind does not finish within RELEASE, the
# release did not go through QEMU, or the subchannel does not work under
# io_subchannel or cannot be bound to vfio_ccw again.
echo "# RUN unbind_while_held ..."
u3=$(uuid) ok=0
m=$(dmesg_mark)
if mdev_create $S2 "$u3" && qemu_start held $S2 "$u3" -S; then
	t0=$(now)
	rng_snap
	if bind $S2 io_subchannel; then
		note "unbind_while_held: $S2 unbound from vfio_ccw and probed by io_subchannel after $(since "$t0") s"
		[ ! -e "$mdevs/$u3" ] && released unbind_while_held "$m" && works $S2 &&
			bind $S2 vfio_ccw && ok=1
	else
		note "unbind_while_held: $S2 not under io_subchannel (driver '$(drv $S2)'): killing QEMU"
		kill -9 $qpid
	fi
	[ $ok = 1 ] || qemu_dump
fi
qemu_stop
result 3 unbind_while_held $ok

# 4: SIGKILL while the firmware's I/O runs: QEMU is killed as soon as the
# trace shows its first program on S3. Fails when no program starts within
# FW_DONE, when QEMU does not die, when the mdev cannot be removed within
# RELEASE, when the subchannel does not work under io_subchannel, or when
# kmemleak reports anything.
echo "# RUN sigkill_in_flight ..."
u4=$(uuid) ok=0
m=$(dmesg_mark)
if dbf_reset && mdev_create $S3 "$u4" && qemu_start kill $S3 "$u4"; then
	# the first start in the trace, polled every 20 ms (the trace holds
	# only this subchannel's entries since dbf_reset); then SIGKILL
	t0=$(date +%s) started=0
	while [ $(($(date +%s) - t0)) -lt $FW_DONE ] && alive $qpid; do
		grep -q '| stIO' $dbf/hex_ascii && { started=1; break; }
		sleep 0.02
	done
	kill -9 $qpid 2>/dev/null
	dbf_read $S3
	if [ "$d_ok" -gt "$d_irq" ]; then
		note "sigkill_in_flight: SIGKILL with $d_ok program(s) started and $d_irq interrupt(s) on $S3: a program in flight"
	else
		note "sigkill_in_flight: SIGKILL with $d_ok program(s) started and $d_irq interrupt(s) on $S3: every started program already had its interrupt (the outer QEMU ends a program inside SSCH)"
	fi
	if [ $started = 1 ] && waitpid_bounded $qpid 60; then
		t0=$(now)
		(echo 1 >"$mdevs/$u4/remove") &
		rpid=$!
		if waitpid_bounded $rpid $RELEASE && [ ! -e "$mdevs/$u4" ]; then
			note "sigkill_in_flight: mdev removed after $(since "$t0") s"
			rng_snap
			bind $S3 io_subchannel && works $S3 && ok=1
		else
			note "sigkill_in_flight: the mdev of the killed QEMU is not removed within ${RELEASE} s"
		fi
	else
		note "sigkill_in_flight: no program started, or QEMU did not die"
		qemu_dump
	fi
fi
qemu_stop
if [ -w /sys/kernel/debug/kmemleak ]; then
	# young objects are not reported and a scan that first sees an object
	# only takes its checksum: age them, then scan twice
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -n "$leaks" ]; then
		note "sigkill_in_flight: kmemleak reports $(echo "$leaks" | grep -c 'unreferenced object') object(s):"
		echo "$leaks" | head -n 60 | sed 's/^/# /'
		ok=0
	else
		note "sigkill_in_flight: kmemleak: no leaks"
	fi
else
	note "sigkill_in_flight: no kmemleak in this kernel"
	ok=0
fi
result 4 sigkill_in_flight $ok

# 5: mdevctl on S1 (bound to vfio_ccw the driverctl way, back to
# io_subchannel at the end), lscss before and after. Fails when lscss does
# not show the subchannel under its driver (--vfio lists the subchannels of
# vfio_ccw), or when any mdevctl step fails or leaves sysfs or
# /etc/mdevctl.d other than it says.
echo "# RUN mdevctl_lscss ..."
u5=$(uuid) ok=1
m=$(dmesg_mark)
bad() { note "mdevctl_lscss: $*"; ok=0; }
# in_vfio_list SCH: lscss --vfio lists SCH
in_vfio_list() { lscss --vfio 2>&1 | tee $dir/lscss.out | grep -qE "(^| )$1 "; }
# io_subchannel brings the ccw device online asynchronously (its SENSE ID
# and the virtio handshake; on the base the css slow path takes seconds
# more): lscss runs once the device works
rng_snap
bind $S1 io_subchannel || bad "$S1 not back under io_subchannel"
works $S1 || bad "$S1 does not work under io_subchannel"
note "lscss with $S1 under io_subchannel:"
lscss 2>&1 | sed 's/^/#   /'
lscss 2>&1 | grep -qE "^$S1 +$S1 " || bad "lscss does not list $S1"
in_vfio_list $S1 && bad "lscss --vfio lists $S1 under io_subchannel"
bind $S1 vfio_ccw || bad "$S1 not bound to vfio_ccw"
in_vfio_list $S1 || bad "lscss --vfio does not list $S1 bound to vfio_ccw"
note "lscss --vfio with $S1 under vfio_ccw:"
sed 's/^/#   /' $dir/lscss.out
mc() { # mc ARGS: one mdevctl command, its output shown and left in $out
	note "mdevctl $*"
	r=0
	out=$(timeout 60 mdevctl "$@" 2>&1) || r=$?
	[ -n "$out" ] && echo "$out" | sed 's/^/#   /'
	[ $r = 0 ] || bad "mdevctl $* exited $r"
	return $r
}
mc define --uuid "$u5" --parent $S1 --type vfio_ccw-io
[ -f "/etc/mdevctl.d/$S1/$u5" ] || bad "no /etc/mdevctl.d/$S1/$u5 after define"
mc list --defined
echo "$out" | grep -q "$u5" || bad "mdevctl list --defined does not show $u5"
mc start --uuid "$u5"
[ -d "$mdevs/$u5" ] || bad "no $mdevs/$u5 after start"
mc list
echo "$out" | grep -q "$u5" || bad "mdevctl list does not show $u5 active"
mc stop --uuid "$u5"
[ -e "$mdevs/$u5" ] && bad "$mdevs/$u5 still there after stop"
mc undefine --uuid "$u5"
[ -e "/etc/mdevctl.d/$S1/$u5" ] && bad "/etc/mdevctl.d/$S1/$u5 still there after undefine"
rng_snap
bind $S1 io_subchannel || bad "$S1 not back under io_subchannel"
in_vfio_list $S1 && bad "lscss --vfio still lists $S1"
works $S1 || bad "$S1 does not work under io_subchannel"
note "lscss at the end:"
lscss 2>&1 | sed 's/^/#   /'
result 5 mdevctl_lscss $ok
for s in $S2; do bind $s io_subchannel >/dev/null 2>&1; done
exit $rc
