#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every wait has a deadline: a server that stops talking (or talks without
# ever finishing a reply) makes smtps fail with 75 within its timeout, over
# plain TCP and over TLS.  `timeout 30` around smtps (run_smtps) is only a
# guard: a hang shows as status 124.  Timing is asserted loosely (the
# configured timeout is 2 s, the bound is 15 s) so a slow CI box is fine.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

LIMIT=15

# assert_timed_out: exit 75, ended well within the guard, message kept
assert_timed_out() {
	assert_status 75
	[ "$ELAPSED" -le "$LIMIT" ] || fail "took ${ELAPSED}s (timeout 2s)"
	[ "$ELAPSED" -ge 1 ] || fail "ended after ${ELAPSED}s: it did not wait at all"
	assert_error_line '^smtps: '
	assert_dead_letter
}

plain_with() {
	{ sc_plain; cat; } > "$T/scenario"
	start_server
	write_config plain "timeout 2"
	std_message
}

@test "silent server (no greeting): 75 within the timeout" {
	plain_with <<'EOF'
on greeting silent
EOF
	run_smtps bob@example.net
	assert_timed_out
	refute_transcript 'C[:+] .*'
}

@test "silent after EHLO: 75 within the timeout" {
	plain_with <<'EOF'
on EHLO silent
EOF
	run_smtps bob@example.net
	assert_timed_out
}

@test "silent after MAIL/RCPT/DATA: 75 within the timeout" {
	plain_with <<'EOF'
on MAIL silent
EOF
	run_smtps bob@example.net
	assert_timed_out
	assert_no_message
}

@test "silent after the final dot: 75 within the timeout" {
	plain_with <<'EOF'
on DOT silent
EOF
	run_smtps bob@example.net
	assert_timed_out
	# the whole message did reach the server before it went silent
	[ -e "$SRV/msg.1" ] || fail "message not sent"
}

@test "silent after the final dot, timeout from the config not the 5 min default" {
	plain_with <<'EOF'
on DOT silent
EOF
	write_config plain "timeout 3"
	run_smtps bob@example.net
	assert_status 75
	[ "$ELAPSED" -le "$LIMIT" ] || fail "took ${ELAPSED}s (timeout 3s)"
	[ "$ELAPSED" -ge 2 ] || fail "ended after ${ELAPSED}s, before the timeout"
}

@test "endless multi-line reply, one line every 0.5 s: deadline is per reply" {
	plain_with <<'EOF'
on EHLO trickle
EOF
	run_smtps bob@example.net
	assert_timed_out
}

@test "silent implicit-TLS server (no handshake): 75 within the timeout" {
	plain_with <<'EOF'
on greeting silent
EOF
	write_config tls+auth "timeout 2"
	run_smtps bob@example.net
	assert_timed_out
}

@test "silent over TLS (no greeting after the handshake): 75 within the timeout" {
	{ sc_tls; echo "on greeting silent"; } > "$T/scenario"
	start_server
	write_config tls+auth "timeout 2"
	std_message
	run_smtps bob@example.net
	assert_timed_out
	assert_no_auth_no_mail
}

@test "silent over TLS after the final dot: 75 within the timeout" {
	{ sc_tls; echo "on DOT silent"; } > "$T/scenario"
	start_server
	write_config tls+auth "timeout 2"
	std_message
	run_smtps bob@example.net
	assert_timed_out
}

@test "trickling reply over TLS: deadline enforced over TLS too" {
	{ sc_tls; echo "on AUTH trickle"; } > "$T/scenario"
	start_server
	write_config tls+auth "timeout 2"
	std_message
	run_smtps bob@example.net
	assert_timed_out
}

@test "STARTTLS 220 and then no handshake: 75 within the timeout" {
	{ sc_starttls; echo "on STARTTLS reply+silent 220 2.0.0 go ahead"; } > "$T/scenario"
	start_server
	write_config starttls+auth "timeout 2"
	std_message
	run_smtps bob@example.net
	assert_timed_out
	assert_no_auth_no_mail
}
