# vfio-ccw / mdev lifecycle series and the rig that proves it.
# `make` builds everything from a fresh clone and runs the passthrough demo;
# `make check` runs every gate and ends with "N passed, N failed".
# Variables: TREE=series|base (kernel the guest tests run on, check/stress),
# FORCE=1 (reset build/linux to patches/), BASE_OVERRIDE=1 (other base),
# STRESS_RUNS=N, JOBS=N. Runs write only under build/; `make results`
# publishes what they measured into README.md (PUBLISH="demo check" for some).
SHELL := /bin/bash
.DEFAULT_GOAL := demo
.PHONY: demo check test-rig tree export range-diff bench stress results deps clean help

demo:
	@scripts/demo.sh
check:
	@scripts/check.sh
test-rig:
	@tests/run
tree: deps
	@scripts/tree.sh
export:
	@scripts/export.sh
range-diff:
	@scripts/range-diff.sh
bench:
	@bench/run.sh
stress:
	@scripts/stress.sh
results:
	@python3 scripts/results.py publish $(PUBLISH)
deps:
	@scripts/deps.sh
clean:
	rm -rf build/out build/guest build/logs build/results
help:
	@sed -n '1,9p' Makefile
