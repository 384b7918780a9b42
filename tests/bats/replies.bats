#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Replies must answer the command they belong to (RFC 5321 4.3.2, RFC
# 2920; hostile-input hardening): a reply no command asked for, or a code the command
# cannot get, means the server's replies are out of step.  Before the
# final dot: 76 and no message byte sent; after it: the message may have
# been taken, so it is kept (queued, or dead.letter with the queue off)
# with a possible duplicate noted.  Never exit 0 on a reply that answered
# something else.  And no mail command leaves before AUTH succeeded.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { stop_flusher; common_teardown; }

plain_with() {
	{ sc_plain; cat; } > "$T/scenario"
	start_server
	write_config plain "$@"
	std_message
}

@test "a stray 250 after the 354 is never taken as the answer to the final dot: 76, no message byte sent" {
	plain_with <<'EOF'
on DATA reply 354 End data with <CR><LF>.<CR><LF>\n250 2.0.0 stray
on DOT reply 451 4.3.0 the real answer
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_error_line 'no command asked for.*out of step'
	assert_no_message
	assert_dead_letter '^Subject: test message'
}

@test "two replies to the final dot (250, then the real 451): never 0, kept as possibly delivered" {
	plain_with <<'EOF'
on DOT reply 250 2.0.0 Ok: queued as 1\n451 4.3.0 the real answer
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'may have accepted it.*replied 451 to QUIT.*out of step'
	assert_dead_letter '^Subject: test message'
}

@test "without PIPELINING, a reply after the dot's that comes late (a second write) is never taken for the dot's answer: QUIT right after the dot's reply must get 221, never 0" {
	plain_with <<'EOF'
ehlo 8BITMIME
on DOT raw 250 2.0.0 stray\r\n\p25 2.0.0 the real answer, malformed\r\n
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'may have accepted it'
	assert_dead_letter '^Subject: test message'
	server_idle 10 || fail "the server still serves the connection"
	assert_sequence 'C: \.' 'S: \[raw\] 250 2\.0\.0 stray.*'
}

@test "a 221 to the final dot is not a delivery: never 0, kept as possibly delivered" {
	plain_with <<'EOF'
on DOT reply 221 2.0.0 Bye
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'may have accepted it.*replied 221 to end of message, a reply RFC 5321 does not allow for end of data'
	assert_dead_letter '^Subject: test message'
}

@test "a 354 to RCPT is out of step: 76, no message byte sent" {
	plain_with <<'EOF'
on RCPT reply 354 go ahead
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_error_line 'replied 354 to RCPT TO:<bob@example.net>, a reply RFC 5321 does not allow'
	assert_no_message
}

@test "BDAT: two replies to RCPT push the real 451 to BDAT out of step: never 0" {
	plain_with <<'EOF'
ehlo PIPELINING
ehlo CHUNKING
ehlo ENHANCEDSTATUSCODES
on RCPT reply 250 2.1.5 Ok\n250 2.1.5 Ok again
on BDAT reply 451 4.3.0 the real answer
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_transcript 'C\+ BDAT [0-9]+ LAST'
	assert_error_line 'may have accepted it.*out of step'
	assert_dead_letter '^Subject: test message'
}

@test "without PIPELINING, a reply no command asked for stops the next command: 76" {
	plain_with <<'EOF'
ehlo 8BITMIME
on MAIL reply 250 2.1.0 Ok\n250 2.1.0 Ok again
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_error_line 'no command asked for.*out of step'
	refute_transcript 'C: RCPT.*'
	assert_no_message
}

@test "a 421 waiting when no reply is due is the server closing (RFC 5321 3.8): temporary, 75, not a protocol error" {
	plain_with <<'EOF'
ehlo 8BITMIME
on MAIL reply 250 2.1.0 Ok\n421 4.3.2 shutting down
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'closing the connection.*421 4\.3\.2 shutting down'
	refute_transcript 'C: RCPT.*'
	assert_no_message
}

@test "with the queue on, replies out of step after the dot: queued, 'a duplicate is possible'" {
	plain_with "queue on" "queue_backoff_min 1h" "queue_backoff_max 2h" <<'EOF'
on DOT reply 250 2.0.0 Ok: queued as 1\n550 5.7.1 the real answer
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued .*out of step.*a duplicate is possible.*; retrying in [0-9]+ s$'
	# the link was not lost: the note says what happened
	assert_stderr_match '\(the replies were out of step after the final dot: '
	refute_stderr_fixed 'connection was lost'
	ls "$HOME"/queue/*.env > /dev/null || fail "not queued"
	grep -q 'replies were out of step after the final dot: a duplicate is possible' \
	    "$HOME/queue/log" || fail "not logged: $(cat "$HOME/queue/log")"
	! grep -q 'connection was lost' "$HOME/queue/log" || fail "log says the link was lost"
}

@test "AUTH refused: no mail command leaves before the server said 235 (AUTH is its own round trip)" {
	server_and_config tls+auth <<EOF
$(sc_tls)
password another one
require_auth off
EOF
	send_std
	assert_status 77
	assert_error_line 'server said: 535 5\.7\.8'
	refute_transcript 'C. MAIL.*'
	refute_transcript 'C. RCPT.*'
	refute_transcript '-- message.*'
	assert_no_message
}
