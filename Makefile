# vfio-ccw / mdev lifecycle series and the rig that proves it.
# `make` builds everything from a fresh clone and runs the passthrough demo;
# `make check` runs the gates of both bases (6.12 in part: scripts/
# check-bases.sh) and ends with "N passed, N failed".
# BASE=6.1|6.12: the base (pin bases/BASE, series patches/BASE/, work dirs
# build/BASE/); default 6.1 (scripts/lib.sh), e.g. `make BASE=6.12 tree`.
# Variables: TREE=series|base (kernel the guest tests run on, check/stress),
# FORCE=1 (reset build/BASE/linux to patches/BASE/), BASE_OVERRIDE=1 (a base
# that differs from its pin), STRESS_RUNS=N, JOBS=N. fuzz, storm, fault,
# soak, client (nested QEMU, mdevctl, lscss): base and series side by side
# (TREES=series for one; FUZZ_SEED, FUZZ_COUNT, STORM_SEEDS=3:4:5,
# SOAK_MINUTES); kcsan: the data-race kernel. Runs write only under build/;
# `make results` publishes into README.md (PUBLISH=...; only for the
# base its Results are of: <!-- results-base: B --> there). postings:
# the upstream postings of docs/postings/BASE/ into build/BASE/postings/.
SHELL := /bin/bash
# The base goes to every script in the environment (empty when not given:
# scripts/lib.sh, the one place with the default, checks it and sets the paths).
export BASE
.DEFAULT_GOAL := demo
.PHONY: demo check test-rig tree export range-diff postings bench stress fuzz storm fault soak client kcsan results deps clean help

demo:
	@scripts/demo.sh
# Without BASE: every base, one summary (scripts/check-bases.sh: 6.1 with
# all gates, 6.12 with part of them); with BASE=B: that base, all gates.
check:
	@if [ -n "$(BASE)" ]; then scripts/check.sh; else scripts/check-bases.sh; fi
test-rig:
	@tests/run
tree: deps
	@scripts/tree.sh
export:
	@scripts/export.sh
range-diff:
	@scripts/range-diff.sh
postings:
	@scripts/postings.sh
bench:
	@bench/run.sh
stress:
	@scripts/stress.sh
# The guest's deadline follows the work: 10 fuzzed programs a second at
# worst (20-25 measured on the debug kernel under TCG), the soak's minutes
# plus its final checks.
FUZZ_N = $(or $(FUZZ_COUNT),20000)
SOAK_M = $(or $(SOAK_MINUTES),30)
fuzz:
	@TIMEOUT=$$(( 900 + $(FUZZ_N) / 10 )) scripts/side.sh fuzz "rig.seed=$(or $(FUZZ_SEED),1) rig.count=$(FUZZ_N)"
storm:
	@scripts/side.sh storm "rig.seeds=$(or $(STORM_SEEDS),3:4:5) rig.count=$(or $(FUZZ_COUNT),500)"
fault:
	@scripts/side.sh fault
soak:
	@TIMEOUT=$$(( 1200 + $(SOAK_M) * 60 )) scripts/side.sh soak "rig.seed=$(or $(FUZZ_SEED),1) rig.minutes=$(SOAK_M)"
client:
	@scripts/deps.sh client
	@scripts/side.sh client
kcsan:
	@scripts/kcsan.sh
results:
	@. scripts/lib.sh && RESULTS=$$RESULTS python3 scripts/results.py publish $(PUBLISH)
deps:
	@scripts/deps.sh
# Every base's build dirs, logs and results (and those of the layout before
# build/BASE/); not the kernel trees, not build/ccache or build/dl.
clean:
	rm -rf $(foreach b,$(notdir $(wildcard bases/*)) .,$(addprefix build/$(b)/,out guest logs results))
help:
	@sed -n '1,15p' Makefile
