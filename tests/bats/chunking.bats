#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# CHUNKING (RFC 3030, the performance work): one recipient with PIPELINING gets MAIL,
# RCPT, "BDAT size LAST" and the message in one write (after AUTH's own
# round trip), without
# dot-stuffing; every other case uses DATA, so all-or-nothing holds.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

chunk_server() {
	scenario <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo SIZE 52428800
ehlo 8BITMIME
ehlo CHUNKING
ehlo AUTH PLAIN LOGIN
$(cat)
EOF
	start_server
	write_config tls+auth
}

dot_message() {
	printf 'Date: Tue, 01 Oct 2024 10:00:00 +0000\nMessage-ID: <c.1@example.org>\nFrom: alice@example.org\nSubject: chunks\n\n.hidden line\n.\nlast\n' > "$INPUT"
}

@test "CHUNKING, one recipient: AUTH alone, then MAIL, RCPT, BDAT LAST, message and QUIT in one write" {
	chunk_server < /dev/null
	dot_message
	run_smtps bob@example.net
	assert_status 0
	size=$(wc -c < "$SRV/msg.1")
	assert_sequence 'C: AUTH PLAIN .*' 'S: 235 .*' \
	    'C: MAIL FROM:<alice@example.org> SIZE=[0-9]*' 'S: 250 .*' \
	    'C\+ RCPT TO:<bob@example.net>' 'S: 250 .*' \
	    "C\\+ BDAT $size LAST" "-- chunk: $size bytes LAST" \
	    '-- message 1: .*' 'S: 250 .*' 'C\+ QUIT' 'S: 221 .*'
	refute_transcript 'C[:+] DATA'
	# no dot-stuffing in BDAT: the bytes on the wire are the message
	cmp "$SRV/msg.1" "$SRV/msg.1.raw" || fail "BDAT data is not the message"
	assert_delivered 1 --no-raw
}

@test "CHUNKING, the one recipient refused (550): exit 67, nothing delivered" {
	chunk_server <<'EOF'
on RCPT reply 550 5.1.1 no such user
EOF
	dot_message
	run_smtps bob@example.net
	assert_status 67
	assert_error_line 'bob@example\.net.*550 5\.1\.1'
	assert_no_message
}

@test "CHUNKING, recipient deferred (451) with --no-queue: exit 75, nothing delivered" {
	chunk_server <<'EOF'
on RCPT reply 451 4.2.0 try later
EOF
	dot_message
	run_smtps bob@example.net
	assert_status 75
	assert_no_message
	assert_dead_letter '^Subject: chunks'
}

@test "CHUNKING with two recipients uses DATA (all-or-nothing needs the RCPT replies first)" {
	chunk_server < /dev/null
	dot_message
	run_smtps bob@example.net carol@example.net
	assert_status 0
	assert_transcript 'C\+ DATA'
	refute_transcript 'C[:+] BDAT.*'
	assert_delivered 1
}

@test "CHUNKING without PIPELINING uses DATA" {
	scenario <<EOF
$(sc_tls)
ehlo CHUNKING
ehlo AUTH PLAIN
EOF
	start_server
	write_config tls+auth
	dot_message
	run_smtps bob@example.net
	assert_status 0
	refute_transcript 'C[:+] BDAT.*'
	assert_delivered 1
}
