# vfio-ccw / mdev lifecycle series and the rig that proves it.
# `make` builds everything from a fresh clone and runs the passthrough demo;
# `make check` runs every gate and ends with "N passed, N failed".
# Variables: TREE=series|base (kernel the guest tests run on, check/stress),
# FORCE=1 (reset build/linux to patches/), BASE_OVERRIDE=1 (other base),
# STRESS_RUNS=N, JOBS=N. fuzz, fault, soak, client (nested QEMU, mdevctl,
# lscss): base and series side by side (TREES=series for one; FUZZ_SEED,
# FUZZ_COUNT, SOAK_MINUTES); kcsan: the data-race kernel. Runs write only
# under build/; `make results` publishes into README.md (PUBLISH=...).
SHELL := /bin/bash
.DEFAULT_GOAL := demo
.PHONY: demo check test-rig tree export range-diff bench stress fuzz fault soak client kcsan results deps clean help

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
fuzz:
	@scripts/side.sh fuzz "rig.seed=$(or $(FUZZ_SEED),1) rig.count=$(or $(FUZZ_COUNT),20000)"
fault:
	@scripts/side.sh fault
soak:
	@scripts/side.sh soak "rig.seed=$(or $(FUZZ_SEED),1) rig.minutes=$(or $(SOAK_MINUTES),30)"
client:
	@scripts/deps.sh client
	@scripts/side.sh client
kcsan:
	@scripts/kcsan.sh
results:
	@python3 scripts/results.py publish $(PUBLISH)
deps:
	@scripts/deps.sh
clean:
	rm -rf build/out build/guest build/logs build/results
help:
	@sed -n '1,10p' Makefile
