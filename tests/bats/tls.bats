#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Implicit TLS: delivery with AUTH PLAIN and LOGIN, exact transcript, and
# every certificate failure refused before anything (least of all AUTH)
# is sent.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# start an implicit-TLS server with certificate $1 and run smtps against it
# with the extra config lines $2..
bad_cert() {
	local cert=$1
	shift
	scenario <<EOF
$(sc_tls "$cert")
EOF
	start_server
	write_config tls+auth "$@"
	std_message
	run_smtps bob@example.net
}

# the client refused the certificate: it sent nothing at all over TLS (the
# server may have sent its greeting already: TLS 1.3 lets it write before
# the client's Finished)
assert_refused_cert() {
	assert_status 69
	assert_error_line '^smtps: .*(TLS|certificate)'
	refute_transcript 'C[:+] .*'
	assert_no_auth_no_mail
}

@test "implicit TLS + AUTH PLAIN: exact transcript, message delivered as is" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ -z "$output" ] || fail "stdout not empty: $output"
	[ ! -s "$T/stderr" ] || fail "stderr not empty on success"
	size=$(crlf_size)
	assert_transcript_order_is <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
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
	# pipelined: RCPT and DATA came in the same write as MAIL
	assert_transcript 'C\+ RCPT TO:<bob@example.net>'
	assert_transcript 'C\+ DATA'
	assert_delivered 1
	# with headers complete, the delivered message is the CRLF input
	cmp -s <(sed 's/$/\r/' "$INPUT") "$SRV/msg.1" || fail "not byte-exact"
}

@test "implicit TLS + AUTH LOGIN (server offers only LOGIN)" {
	scenario <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo AUTH LOGIN
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript_order_is <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
C: EHLO client.example
S: 250-localhost
S: 250-PIPELINING
S: 250 AUTH LOGIN
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: $(b64 alice)
S: 334 UGFzc3dvcmQ6
C: $(b64 's3cret pass')
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@example.org>
S: 250 2.1.0 Ok
C+ RCPT TO:<bob@example.net>
S: 250 2.1.5 Ok
C+ DATA
S: 354 End data with <CR><LF>.<CR><LF>
-- message 1: $(crlf_size) bytes
C: .
S: 250 2.0.0 Ok: queued as 1
C: QUIT
S: 221 2.0.0 Bye
-- EOF
EOF
	assert_delivered 1
}

@test "auth on picks PLAIN whatever the order the server lists" {
	scenario <<EOF
$(sc_tls)
ehlo AUTH LOGIN PLAIN
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	refute_transcript 'C: AUTH LOGIN.*'
}

@test "auth login forces LOGIN although PLAIN is offered" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "auth login"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'C: AUTH LOGIN'
	refute_transcript 'C: AUTH PLAIN.*'
	assert_delivered 1
}

@test "host name localhost verified by DNS SAN (tls on for a loopback name)" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "host localhost"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "tls_host_override localhost with host 127.0.0.1" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_host_override localhost"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "tls_host_override naming another host is refused before AUTH" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_host_override mail.example.com"
	std_message
	run_smtps bob@example.net
	assert_refused_cert
}

@test "expired certificate refused before AUTH (69)" {
	bad_cert expired
	assert_refused_cert
}

@test "not yet valid certificate refused before AUTH (69)" {
	bad_cert future
	assert_refused_cert
}

@test "wrong host name (SAN other.example only) refused before AUTH (69)" {
	bad_cert wrongname
	assert_refused_cert
}

@test "certificate from an untrusted CA refused before AUTH (69)" {
	bad_cert untrusted
	assert_refused_cert
}

@test "system trust (no tls_trust_file) refuses the test CA (69)" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	sed -i '/^tls_trust_file/d' "$CFG"
	std_message
	run_smtps bob@example.net
	assert_refused_cert
}

@test "RSA-1024 server key refused before AUTH (69)" {
	bad_cert rsa1024
	assert_refused_cert
}

@test "SHA-1 signed certificate refused before AUTH (69)" {
	bad_cert sha1
	assert_refused_cert
}

@test "tls_fingerprint mismatch refused before AUTH (69)" {
	bad_cert server "tls_fingerprint $(cat "$CERTS/untrusted.fp")"
	assert_refused_cert
}

@test "tls_fingerprint match (colon form) is accepted" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_fingerprint $(cat "$CERTS/server.fp")"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "tls_fingerprint match (plain lower-case hex) is accepted" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_fingerprint $(cat "$CERTS/server.fphex")"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "tls_certcheck off + pinned fingerprint accepts an untrusted certificate" {
	scenario <<EOF
$(sc_tls untrusted)
EOF
	start_server
	write_config tls+auth "tls_certcheck off" \
	    "tls_fingerprint $(cat "$CERTS/untrusted.fp")"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "a pinned fingerprint alone trusts an untrusted certificate (as msmtp)" {
	# man/smtps-mailrc.5: the pinned certificate is trusted on its own
	scenario <<EOF
$(sc_tls untrusted)
EOF
	start_server
	write_config tls+auth "tls_fingerprint $(cat "$CERTS/untrusted.fp")"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "a pinned RSA-1024 certificate is still refused (profile applies)" {
	bad_cert rsa1024 "tls_fingerprint $(cat "$CERTS/rsa1024.fp")"
	assert_refused_cert
}

@test "tls_certcheck off + wrong fingerprint is still refused before AUTH" {
	bad_cert untrusted "tls_certcheck off" \
	    "tls_fingerprint $(cat "$CERTS/server.fp")"
	assert_refused_cert
}

@test "tls_certcheck off without fingerprint: delivered, with a warning" {
	scenario <<EOF
$(sc_tls untrusted)
EOF
	start_server
	write_config tls+auth "tls_certcheck off"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: warning: '
	assert_delivered 1
}

@test "tls_priorities is applied (TLS 1.3 disabled -> TLS 1.2)" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_priorities NORMAL:-VERS-TLS1.3"
	std_message
	run_smtps bob@example.net
	assert_status 0
	grep -q '^TLSv1.2 ' "$SRV/tls" || fail "negotiated $(cat "$SRV/tls")"
}

@test "a server that only speaks TLS 1.1 is refused (TLS 1.2 minimum)" {
	scenario <<EOF
$(sc_tls)
tls_min 1.0
tls_max 1.1
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	# a failed handshake: EX_PROTOCOL, or EX_UNAVAILABLE if treated as a
	# TLS policy failure (DESIGN does not say which)
	case $status in 69|76) ;; *) fail "expected 69 or 76, got $status" ;; esac
	assert_error_line '^smtps: .*TLS'
	assert_no_auth_no_mail
	refute_transcript '-- TLS'
}

@test "-v shows the TLS conversation with the credentials hidden" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_stderr_match '^--> EHLO client\.example$'
	assert_stderr_match '^<-- 250 AUTH PLAIN LOGIN$'
	assert_stderr_match '^--> AUTH PLAIN \*\*\*$'
	assert_stderr_match '^--> MAIL FROM:<alice@example\.org>'
	assert_stderr_match '^--> QUIT$'
	refute_stderr_fixed "$(plain_b64)"
	refute_stderr_fixed 's3cret'
}
