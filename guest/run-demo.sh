#!/bin/sh
# The passthrough demo: SENSE ID through vfio-ccw on the first subchannel.
sch=${RIG_sch:-0.0.0000}
exec /rig/vfio_ccw_demo -s "$sch" -n 200 -l 20
