#!/bin/sh
# make check's reliability boot: the fuzzer (rig.count programs), the
# injected faults, then the soak (rig.minutes), one after the other; each
# prints its own TAP. The exit status is the first failure's.
rc=0
for r in fuzz fault soak; do
	"/rig/run-$r.sh" || { [ $rc = 0 ] && rc=1; }
done
exit $rc
