#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Differential test of the message path: tests/msgdiff.py generates a
# corpus from a fixed seed, sends every message through the real binary
# to scripted servers and compares what arrived with what Python's email
# package reads from the input, after the documented rewrites (listed in
# msgdiff.py and printed with how many messages each touched).

load helper

setup() { common_setup; }
teardown() { common_teardown; }

# MSGDIFF_COUNT: fewer messages for slow builds (check-sanitize)
@test "2500 generated messages (cron, mailx, format-patch, MIME, resent, obsolete syntax, LF/CRLF/CR/mixed line ends, NUL) arrive as Python's email parser reads them, but for the documented rewrites" {
	run "$PYTHON" "$REPO/tests/msgdiff.py" --smtps "$SMTPS" --count "${MSGDIFF_COUNT:-2500}" \
	    --keep "$T/msgdiff"
	printf '%s\n' "$output" >&2
	[ "$status" -eq 0 ] || fail "messages differ (first ones above)"
	[[ $output == *"no difference that is not a documented decision"* ]] ||
		fail "msgdiff.py did not finish"
}
