# shellcheck shell=bash
# The one result recorder of `make check`. Every gate records PASS, FAIL or
# SKIP under a stable name; `expect` declares, before anything runs, a name
# the run must produce; results_finish turns every expected name that was
# never recorded into a FAIL with that name. A gate therefore cannot vanish:
# it passes, fails, or shows up as missing.
#
# Results go to one file ($RESULTS_DIR/results.tsv, "VERDICT<TAB>name<TAB>
# detail"), so scripts that check.sh runs as separate processes record into
# the same run. To add a gate: record it where it runs, and add its name to
# the expectations (scripts/check.sh, expect_all).

# results_init DIR: start a run (a fresh results and expectations file).
results_init() {
	export RESULTS_DIR=$1
	mkdir -p "$RESULTS_DIR"
	: >"$RESULTS_DIR/results.tsv"
	: >"$RESULTS_DIR/expected.txt"
}

_results_need() {
	[ -n "${RESULTS_DIR:-}" ] && [ -f "$RESULTS_DIR/results.tsv" ] || {
		echo "results.sh: results_init was not called (RESULTS_DIR unset)" >&2
		return 1
	}
}

# record PASS|FAIL|SKIP NAME [DETAIL]: one result, also shown on stderr.
record() {
	local verdict=$1 name=$2 detail=${3:-}
	_results_need || return 1
	case $verdict in
	PASS | FAIL | SKIP) ;;
	*) detail="not a verdict: '$verdict'; $detail" verdict=FAIL ;;
	esac
	# A tab or newline in a detail would split the line.
	detail=$(printf '%s' "$detail" | tr '\t\n' '  ')
	printf '%s\t%s\t%s\n' "$verdict" "$name" "$detail" >>"$RESULTS_DIR/results.tsv"
	printf '%s %s%s\n' "$verdict" "$name" "${detail:+  ($detail)}" >&2
}

# record_lines: record "VERDICT<TAB>name<TAB>detail" lines from stdin.
record_lines() {
	local verdict name detail
	while IFS=$'\t' read -r verdict name detail; do
		[ -n "$verdict$name" ] || continue
		record "$verdict" "$name" "$detail"
	done
}

# expect NAME...: these results must be recorded before results_finish.
expect() {
	_results_need || return 1
	printf '%s\n' "$@" >>"$RESULTS_DIR/expected.txt"
}

# results_finish: fail what is missing or recorded twice, print the
# failures and the closing line "N passed, N failed, N skipped"; returns 1
# when anything failed.
results_finish() {
	_results_need || return 1
	local f=$RESULTS_DIR/results.tsv name
	# (no "cut | grep -q" here: under pipefail, grep -q leaving early
	# makes the pipeline fail when cut gets SIGPIPE, a found name "missing")
	while IFS= read -r name; do
		record FAIL "$name" "missing result: the gate never recorded one"
	done < <(awk -F'\t' 'NR == FNR { seen[$2] = 1; next } $0 != "" && !($0 in seen)' \
		"$f" "$RESULTS_DIR/expected.txt")
	cut -f2 "$f" | sort | uniq -d | while IFS= read -r name; do
		record FAIL "rig: one result per name" "recorded more than once: $name"
	done
	[ -s "$f" ] || record FAIL "rig: the run recorded results" "nothing was recorded"
	local passed failed skipped
	passed=$(grep -c '^PASS' "$f" || true)
	failed=$(grep -c '^FAIL' "$f" || true)
	skipped=$(grep -c '^SKIP' "$f" || true)
	if [ "$failed" -ne 0 ]; then
		# A splat's own lines, here at the end: a CI log may keep only
		# its tail, and the guest log stays on the machine that ran it.
		# (no match is the usual case: under errexit and pipefail the
		# grep's status 1 must not end the summary here)
		{ grep '^FAIL' "$f" | cut -f3 | grep -o 'kernel splat (.*; log [^ ;)]*' || true; } |
			sed 's/.*log //' | sort -u | head -n2 | while read -r log; do
			python3 "$ROOT/scripts/console.py" splat "$log" 16 >&2 || true
		done
		echo "failed:" >&2
		grep '^FAIL' "$f" | cut -f2,3 | sed 's/\t/  (/; s/$/)/; s/  ()$//; s/^/  /' >&2
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# The per-patch gates of scripts/check-patches.sh, as result names.
patch_tag() { printf 'patch %02d/%02d "%s"' "$1" "$2" "$3"; }
# shellcheck disable=SC2034 # used by check.sh
PATCH_GATES=("builds (s390x, W=1, sparse)" "no new compiler/sparse warning"
	"checkpatch --strict" "kernel-doc adds no warning")
