#!/bin/sh
# Channel-program fuzzing of vfio-ccw on 0.0.0001: rig.count programs from
# rig.seed (vfio_ccw_fuzz binds the subchannel to vfio_ccw, runs them,
# checks a fresh mdev still runs SENSE ID and gives the subchannel back to
# io_subchannel). rig.index=N replays program N of the seed alone, verbosely.
set -- -S "${RIG_sch:-0.0.0001}" -s "${RIG_seed:-1}" -n "${RIG_count:-1000}"
[ -n "${RIG_index:-}" ] && set -- "$@" -i "$RIG_index"
[ -n "${RIG_fuzzopt:-}" ] && set -- "$@" "$RIG_fuzzopt"
echo "@@SELFTEST vfio_ccw_fuzz"
exec /rig/vfio_ccw_fuzz "$@"
