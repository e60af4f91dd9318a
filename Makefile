# vfio-ccw / mdev lifecycle series and the rig that proves it.
# `make` builds everything from a fresh clone and runs the passthrough demo;
# `make check` runs every gate and ends with "N passed, N failed".
# Variables: TREE=series|base (kernel the guest tests run on, check/stress),
# FORCE=1 (reset build/linux to patches/), BASE_OVERRIDE=1 (other base),
# STRESS_RUNS=N, JOBS=N.
SHELL := /bin/bash
.DEFAULT_GOAL := demo
.PHONY: demo check tree export bench stress deps clean help

demo:
	@scripts/demo.sh
check:
	@scripts/check.sh
tree: deps
	@scripts/tree.sh
export:
	@scripts/export.sh
bench:
	@bench/run.sh
stress:
	@scripts/stress.sh
deps:
	@scripts/deps.sh
clean:
	rm -rf build/out build/guest build/logs
help:
	@sed -n '1,8p' Makefile
