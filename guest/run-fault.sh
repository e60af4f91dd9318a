#!/bin/sh
# Injected allocation faults (fail-nth) over vfio-ccw's bind, mdev create,
# open, SET_IRQS, channel-program translation and region accesses, on
# 0.0.0001 (rig.sch overrides). rig.only=OP,... runs only those operations.
# fail-nth is consulted before probability and filters, but failslab and
# fail_page_alloc skip sleeping allocations (and fail_page_alloc order-0
# ones) before they get there: let them reach it.
d=/sys/kernel/debug
for f in failslab fail_page_alloc; do
	if [ ! -d "$d/$f" ]; then
		echo "@@RIG-ERROR $d/$f missing (CONFIG_FAILSLAB/FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS)"
		exit 1
	fi
	echo N >"$d/$f/ignore-gfp-wait"
	# one line per injected fault (rig.verbose=2: with its stack, to tell
	# the sites apart; only faults of allocations without __GFP_NOWARN)
	echo "${RIG_verbose:-1}" >"$d/$f/verbose"
done
echo N >"$d/fail_page_alloc/ignore-gfp-highmem"
echo 0 >"$d/fail_page_alloc/min-order"
set -- -s "${RIG_sch:-0.0.0001}" -m "${RIG_maxsites:-2000}"
[ -n "${RIG_only:-}" ] && set -- "$@" -o "$RIG_only"
echo "@@SELFTEST vfio_ccw_fault"
exec /rig/vfio_ccw_fault "$@"
