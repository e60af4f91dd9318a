#!/bin/sh
# host-cmd.sh unplug|plug BUSID: hot-unplug or plug again the rig's
# virtio-rng-ccw device with ccw bus id BUSID (0.0.NNNN, QEMU id rngN with
# N its devno) through the host. run-selftests.sh gives it to the
# selftests as VFIO_CCW_UNPLUG_CMD / VFIO_CCW_PLUG_CMD.
# It prints "@@HOST device_del|device_add ..." on the console, which
# scripts/qemu-run.py carries out through QMP; the runner writes QMP's
# answer as one "@@HOST-REPLY JSON" line to the console's input, and this
# waits (bounded) for it. Exit 0 when QMP returned, 1 on an error or no
# reply, 2 on bad arguments.
verb=${1:-} busid=${2:-}
case $busid in
0.0.[0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
*) echo "host-cmd: bad ccw bus id '$busid'" >&2; exit 2 ;;
esac
devno=${busid##*.}
id=rng$((0x$devno))
case $verb in
unplug) req="device_del $id" ;;
plug) req="device_add virtio-rng-ccw,devno=fe.0.$devno,id=$id" ;;
*) echo "usage: host-cmd.sh unplug|plug 0.0.NNNN" >&2; exit 2 ;;
esac
con=/dev/console
# The tty would echo the reply onto the console output, where the runner
# would read it as the guest's: no echo. Restored at the end.
saved=$(stty -g <$con 2>/dev/null)
stty -echo <$con 2>/dev/null
echo "@@HOST $req" >$con
reply='' rc=1
# busybox ash has read -t
# shellcheck disable=SC3045
if read -r -t 30 reply <$con; then
	case $reply in
	"@@HOST-REPLY "*'"return"'*) rc=0 ;;
	"@@HOST-REPLY "*) echo "host-cmd: $req: ${reply#@@HOST-REPLY }" >&2 ;;
	*) echo "host-cmd: $req: unexpected reply '$reply'" >&2 ;;
	esac
else
	echo "host-cmd: $req: no reply within 30 s" >&2
fi
[ -n "$saved" ] && stty "$saved" <$con 2>/dev/null
exit $rc
