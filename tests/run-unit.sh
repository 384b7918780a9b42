#!/bin/sh
# SPDX-License-Identifier: ISC
# Run each unit-test binary given as argument; print a totals line.
# Exit non-zero if any test binary failed.
pass=0 fail=0 bad=0
for t in "$@"; do
	out=$("./$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	[ -n "$p" ] || { p=0; f=1; echo "$t: no totals line (crashed?)"; }
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -eq 0 ] || bad=$((bad + 1))
done
echo "unit tests: $pass passed, $fail failed ($# programs, $bad failing)"
[ "$fail" -eq 0 ] && [ "$bad" -eq 0 ]
