#!/bin/sh
# Teardown racing css events, rig.count iterations in a row on 0.0.0001.
exec /rig/vfio_ccw_stress -n "${RIG_count:-100}" -s 0.0.0001 -p 0.00
