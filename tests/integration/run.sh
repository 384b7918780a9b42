#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh [BATS ARGS...] - run the integration suites (real Postfix, Dovecot,
# git send-email, s-nail; see helper.bash) with TAP output, then one totals
# line:
#   integration tests: 45 passed, 0 failed, 0 skipped (45 tests)
# Skipped tests (only when not root) are reported as skipped, never counted
# as passed, and a loud line says why.
# Exit status: bats's own (non-zero if anything failed or bats broke).
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp "${TMPDIR:-/tmp}/smtps-integration.XXXXXX")
trap 'rm -f "$out" "$out.rc"' EXIT

start=$(date +%s)
{ bats --tap "$@" "$here" 2>&1; echo $? > "$out.rc"; } | tee "$out"
rc=$(cat "$out.rc")

plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$out" | head -n 1)
skip=$(grep -Ec '^ok [0-9]+ .*# skip' "$out")
okall=$(grep -Ec '^ok [0-9]+' "$out")
fail=$(grep -Ec '^not ok [0-9]+' "$out")
pass=$((okall - skip))
if [ "$skip" -gt 0 ]; then
	echo "integration tests: WARNING: $skip test(s) SKIPPED, not run:" \
	    "they need root (see the reason above)"
fi
echo "integration tests: $pass passed, $fail failed, $skip skipped" \
    "(${plan:-?} tests, $(( $(date +%s) - start )) s)"
if [ "$rc" -eq 0 ] && [ -n "$plan" ] && [ $((okall + fail)) -ne "$plan" ]; then
	echo "integration tests: only $((okall + fail)) of $plan tests reported" >&2
	rc=1
fi
exit "$rc"
