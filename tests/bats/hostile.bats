#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Hostile servers: floods, garbage, resets, escape sequences.  smtps must
# fail cleanly with the documented exit code, quickly, never hang, never
# pass server bytes raw to the terminal.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

LIMIT=15

plain_with() {
	{ sc_plain; cat; } > "$T/scenario"
	start_server
	write_config plain "timeout 5"
	std_message
}

assert_quick() {
	[ "$ELAPSED" -le "$LIMIT" ] || fail "took ${ELAPSED}s"
}

# stderr holds no raw control bytes other than the newlines
assert_stderr_clean() {
	! LC_ALL=C grep -q '[[:cntrl:]]' "$T/stderr" ||
		fail "raw control characters on stderr: $(od -c "$T/stderr" | head -5)"
}

@test "endless greeting line (no CRLF): 76, quickly" {
	plain_with <<'EOF'
on greeting flood-line
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_quick
	assert_error_line '^smtps: '
	assert_stderr_clean
}

@test "endless multi-line EHLO reply: 76, quickly" {
	plain_with <<'EOF'
on EHLO flood-lines
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_quick
	assert_no_message
}

@test "endless reply line over TLS: 76, quickly" {
	{ sc_tls; echo "on EHLO flood-line"; } > "$T/scenario"
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_quick
	assert_no_auth_no_mail
}

@test "endless multi-line reply to the final dot: 76" {
	plain_with <<'EOF'
on DOT flood-lines
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_quick
}

@test "garbage reply to MAIL: 76" {
	plain_with <<'EOF'
on MAIL raw \x00\xff\xfe garbage\r\n
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_error_line '^smtps: '
	assert_stderr_clean
	assert_no_message
}

@test "reply code out of range (600): 76" {
	plain_with <<'EOF'
on EHLO reply 600 what
EOF
	run_smtps bob@example.net
	assert_status 76
}

@test "short reply line ('25'): 76" {
	plain_with <<'EOF'
on greeting raw 25\r\n
EOF
	run_smtps bob@example.net
	assert_status 76
}

@test "multi-line reply with changing codes: 76" {
	plain_with <<'EOF'
on EHLO reply 250-localhost\n251 PIPELINING
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_no_message
}

@test "reply lines split across TCP writes are reassembled" {
	plain_with <<'EOF'
on greeting raw 22\p0 localhost ESMTP\r\n
on EHLO raw 250-local\phost\r\n250-PIPE\pLINING\r\n250 8BITMIME\p\r\n
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "LF-only reply lines are accepted" {
	plain_with <<'EOF'
on greeting raw 220 localhost ESMTP\n
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "connection closed before the greeting: 75" {
	plain_with <<'EOF'
on greeting close
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "connection closed at RCPT: 75, no message" {
	plain_with <<'EOF'
ehlo 8BITMIME
on RCPT close
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
	assert_no_message
}

@test "connection reset (RST) at MAIL: 75" {
	plain_with <<'EOF'
ehlo 8BITMIME
on MAIL reset
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "connection closed after the final dot, before the reply: 75" {
	plain_with <<'EOF'
on DOT close
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line '^smtps: '
	assert_dead_letter
}

@test "TLS connection reset during the conversation: 75" {
	{ sc_tls; echo "on AUTH reset"; } > "$T/scenario"
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "escape sequences in server text are made visible on stderr" {
	plain_with <<'EOF'
on RCPT reply 550 5.1.1 \e[31mred\e]0;title\x07 \e[2J gone
EOF
	run_smtps bob@example.net
	assert_status 67
	assert_stderr_clean
	assert_stderr_match '\\(e|x1[bB])\[31mred'
}

@test "escape sequences in server text are made visible in -v output" {
	plain_with <<'EOF'
on greeting reply 220 hi \e[2J\e[H there
EOF
	run_smtps -v bob@example.net
	assert_status 0
	assert_stderr_clean
	assert_stderr_match '^<-- 220 hi \\(e|x1[bB])\[2J'
}

@test "server sends the greeting, then garbage binary: 76" {
	plain_with <<'EOF'
on EHLO raw \x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_stderr_clean
}

@test "plain server where implicit TLS is expected: handshake fails cleanly" {
	plain_with < /dev/null
	write_config tls+auth
	run_smtps bob@example.net
	# the server's "220 ..." is not a TLS record
	assert_status 76
	assert_quick
	assert_no_auth_no_mail
}
