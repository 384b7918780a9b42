#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# STARTTLS: delivery with AUTH PLAIN and LOGIN, EHLO again after TLS with
# the old capabilities forgotten, no AUTH before TLS, and every way a
# server can strip or subvert STARTTLS refused.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

@test "STARTTLS + AUTH PLAIN: exact transcript, EHLO again, AUTH only after TLS" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	size=$(crlf_size)
	assert_transcript_order_is <<EOF
S: 220 localhost ESMTP smtps-test
C: EHLO client.example
S: 250-localhost
S: 250-PIPELINING
S: 250-SIZE 52428800
S: 250-8BITMIME
S: 250-ENHANCEDSTATUSCODES
S: 250-AUTH PLAIN LOGIN
S: 250 STARTTLS
C: STARTTLS
S: 220 2.0.0 Ready to start TLS
-- TLS
C: EHLO client.example
S: 250-localhost
S: 250-PIPELINING
S: 250-SIZE 52428800
S: 250-8BITMIME
S: 250-ENHANCEDSTATUSCODES
S: 250 AUTH PLAIN LOGIN
C: AUTH PLAIN $(plain_b64)
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@example.org> SIZE=$size
S: 250 2.1.0 Ok
C+ RCPT TO:<bob@example.net>
S: 250 2.1.5 Ok
C+ DATA
S: 354 End data with <CR><LF>.<CR><LF>
-- message 1: $size bytes
C: .
S: 250 2.0.0 Ok: queued as 1
C: QUIT
S: 221 2.0.0 Bye
-- EOF
EOF
	assert_transcript 'C\+ RCPT TO:<bob@example.net>'
	assert_transcript 'C\+ DATA'
	assert_delivered 1
}

@test "STARTTLS + AUTH LOGIN" {
	scenario <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo AUTH LOGIN
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_before '-- TLS' 'C: AUTH LOGIN'
	assert_transcript "C: $(b64 alice)"
	assert_transcript "C: $(b64 's3cret pass')"
	assert_before "C: $(b64 alice)" "C: $(b64 's3cret pass')"
	assert_delivered 1
}

@test "STARTTLS is the default on a non-465 port when tls_starttls is absent" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	write_config starttls+auth
	sed -i '/^tls_starttls/d' "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_before 'C: STARTTLS' '-- TLS'
	assert_before '-- TLS' 'C: AUTH PLAIN .*'
	assert_delivered 1
}

@test "capabilities from before STARTTLS are forgotten" {
	# before TLS: tiny SIZE and PIPELINING; after TLS: neither
	scenario <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo SIZE 10
ehlo_tls 8BITMIME
ehlo_tls AUTH PLAIN LOGIN
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	# no SIZE= (not offered after TLS), no refusal for the old SIZE 10
	assert_transcript 'C: MAIL FROM:<alice@example\.org>'
	# no pipelining after TLS: every command waited for its reply
	refute_transcript 'C\+ .*'
	assert_delivered 1
}

@test "AUTH offered only before TLS: refused after TLS, never sent (69)" {
	scenario <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo AUTH PLAIN LOGIN
ehlo_tls PIPELINING
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '^smtps: .*AUTH'
	assert_no_auth_no_mail
}

@test "STARTTLS not offered: refused, nothing sent in plaintext (69)" {
	scenario <<EOF
$(sc_starttls)
starttls off
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '^smtps: .*STARTTLS'
	refute_transcript 'C: STARTTLS'
	assert_no_auth_no_mail
}

@test "STARTTLS answered 454: temporary failure, no plaintext fallback (75)" {
	scenario <<EOF
$(sc_starttls)
on STARTTLS reply 454 4.7.0 TLS not available due to local problem
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_error_line '454 4\.7\.0 TLS not available'
	assert_no_auth_no_mail
	assert_dead_letter '^Subject: test message'
}

@test "STARTTLS answered 502: permanent failure, no plaintext fallback (69)" {
	scenario <<EOF
$(sc_starttls)
on STARTTLS reply 502 5.5.1 not now
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '502 5\.5\.1 not now'
	assert_no_auth_no_mail
}

@test "bytes injected after the STARTTLS 220 in the same write: refused (76)" {
	scenario <<EOF
$(sc_starttls)
on STARTTLS raw 220 2.0.0 Ready\r\n250-injected\r\n250 AUTH PLAIN\r\n
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_error_line '^smtps: .*'
	assert_no_auth_no_mail
	# refused before the handshake: no TLS session was set up
	refute_transcript '-- TLS'
}

@test "bytes injected after the STARTTLS 220 in a later write: refused (76)" {
	scenario <<EOF
$(sc_starttls)
on STARTTLS raw 220 2.0.0 Ready\r\n\p250 injected\r\n
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_no_auth_no_mail
}

@test "STARTTLS with an expired certificate: refused before AUTH (69)" {
	scenario <<EOF
$(sc_starttls expired)
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '^smtps: .*(TLS|certificate)'
	assert_no_auth_no_mail
	# after STARTTLS nothing more was said in either direction
	[ "$(tline 'C: STARTTLS')" -gt 0 ] || fail "no STARTTLS"
	[ "$(grep -c '^C: EHLO' "$SRV/transcript")" -eq 1 ] ||
		fail "EHLO sent again after a failed handshake"
}

@test "STARTTLS with a wrong-name certificate: refused before AUTH (69)" {
	scenario <<EOF
$(sc_starttls wrongname)
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_no_auth_no_mail
}

@test "STARTTLS with a fingerprint mismatch: refused before AUTH (69)" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	write_config starttls+auth "tls_fingerprint $(cat "$CERTS/expired.fp")"
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_no_auth_no_mail
}

@test "STARTTLS + -v: AUTH hidden, both EHLOs shown" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	write_config starttls+auth
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	[ "$(grep -c '^--> EHLO client.example$' "$T/stderr")" -eq 2 ] ||
		fail "expected two EHLO lines in -v output"
	assert_stderr_match '^--> STARTTLS$'
	assert_stderr_match '^--> AUTH PLAIN \*\*\*$'
	refute_stderr_fixed "$(plain_b64)"
	refute_stderr_fixed 's3cret'
}
