#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh [BATS ARGS...] - run the Bats suites (TAP output) and end with a
# totals line like the unit-test runner's:
#   bats tests: 209 passed, 0 failed, 0 skipped (209 tests)
# A skipped test is reported as skipped, never counted as passed.
# Exit status: bats's own (non-zero if anything failed or bats broke).
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp "${TMPDIR:-/tmp}/smtps-bats.XXXXXX")
trap 'rm -f "$out" "$out.rc"' EXIT

{ bats --tap "$@" "$here" 2>&1; echo $? > "$out.rc"; } | tee "$out"
rc=$(cat "$out.rc")

plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$out" | head -n 1)
skip=$(grep -Ec '^ok [0-9]+ .*# skip' "$out")
okall=$(grep -Ec '^ok [0-9]+' "$out")
fail=$(grep -Ec '^not ok [0-9]+' "$out")
pass=$((okall - skip))
echo "bats tests: $pass passed, $fail failed, $skip skipped (${plan:-?} tests)"
if [ "$rc" -eq 0 ] && [ -n "$plan" ] && [ $((okall + fail)) -ne "$plan" ]; then
	echo "bats tests: only $((okall + fail)) of $plan tests reported" >&2
	rc=1
fi
exit "$rc"
