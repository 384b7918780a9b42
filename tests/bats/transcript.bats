#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The conversation itself, as a specification: for each core flow the
# scripted server's whole transcript, every line in order, client and
# server, and the flights (C+ = sent in the same write as the client's
# line before it, i.e. pipelined).  What is masked, and why, is in
# helper.bash (assert_transcript_exact) and transcript_view.py.  The first
# test spells the whole session out; the others write the EHLO exchange
# and the mail transaction with helper.bash's fragments ehlo_reply and
# tx_mail (which states the flights) and spell out what they are about.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() {
	stop_flusher
	common_teardown
}

# implicit TLS, the test account, EHLO offering PIPELINING (unless $2 is
# "nopipe") and AUTH $1
sc_auth_tls() {
	sc_tls
	[ "${2:-}" = nopipe ] || echo "ehlo PIPELINING"
	echo "ehlo AUTH $1"
}

# send std_message to the recipients given, expect exit 0 and the message
send_ok() {
	send_std "$@"
	assert_status 0
	assert_delivered 1
}

# auth_session MECHS MODE [LINE...]: the server of sc_auth_tls MECHS plus
# the scenario lines on stdin, write_config MODE LINE..., then send_ok to
# bob@example.net
auth_session() {
	local mechs=$1
	shift
	server_and_config "$@" <<EOF
$(sc_auth_tls "$mechs")
$(cat)
EOF
	send_ok bob@example.net
}

@test "implicit TLS, AUTH PLAIN, PIPELINING: TLS first, AUTH alone, then MAIL+RCPT+DATA in one write, QUIT with the dot" {
	auth_session "PLAIN LOGIN" tls+auth < /dev/null
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
C: EHLO client.example
S: 250-localhost
S: 250-PIPELINING
S: 250 AUTH PLAIN LOGIN
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
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
C+ QUIT
S: 221 2.0.0 Bye
-- EOF
EOF
}

@test "STARTTLS: EHLO, STARTTLS, handshake, EHLO again, and only then AUTH" {
	server_and_config starttls+auth <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo AUTH PLAIN LOGIN
EOF
	send_ok bob@example.net
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH PLAIN LOGIN" STARTTLS)
C: STARTTLS
S: 220 2.0.0 Ready to start TLS
-- TLS
$(ehlo_reply PIPELINING "AUTH PLAIN LOGIN")
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH LOGIN: no initial response, user and password each after its 334" {
	auth_session "LOGIN" tls+auth < /dev/null
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH LOGIN")
C: AUTH LOGIN
S: 334 b64"Username:"
C: b64"alice"
S: 334 b64"Password:"
C: b64"s3cret pass"
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH CRAM-MD5: the user and the HMAC of the server's challenge" {
	auth_session "CRAM-MD5" tls+auth "auth cram-md5" < /dev/null
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH CRAM-MD5")
C: AUTH CRAM-MD5
S: 334 b64"<pid.time@localhost>"
C: b64"alice <hmac-md5>"
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH SCRAM-SHA-256 without -PLUS offered: gs2 'y' (could bind, server cannot), the server's signature answered with an empty line" {
	auth_session "SCRAM-SHA-256" tls+auth "auth scram-sha-256" < /dev/null
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH SCRAM-SHA-256")
C: AUTH SCRAM-SHA-256 b64"y,,n=alice,r=<nonce>"
-- SCRAM-SHA-256: user alice, gs2 y
S: 334 b64"r=<nonce>,s=QSXCR+Q6sek8bf92,i=4096"
C: b64"c=[y,,],r=<nonce>,p=<proof>"
-- SCRAM-SHA-256: channel binding ok, proof valid
S: 334 b64"v=<signature>"
C: 
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "auth on with SCRAM-SHA-256-PLUS offered over TLS 1.3: bound with tls-exporter" {
	auth_session "SCRAM-SHA-256 SCRAM-SHA-256-PLUS" tls+auth < /dev/null
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH SCRAM-SHA-256 SCRAM-SHA-256-PLUS")
C: AUTH SCRAM-SHA-256-PLUS b64"p=tls-exporter,,n=alice,r=<nonce>"
-- SCRAM-SHA-256-PLUS: user alice, gs2 p=tls-exporter
S: 334 b64"r=<nonce>,s=QSXCR+Q6sek8bf92,i=4096"
C: b64"c=[p=tls-exporter,,]+<cb-data>,r=<nonce>,p=<proof>"
-- SCRAM-SHA-256-PLUS: channel binding ok, proof valid
S: 334 b64"v=<signature>"
C: 
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH XOAUTH2: one line with user and bearer token" {
	auth_session XOAUTH2 tls "user $USER_NAME" "auth xoauth2" \
	    "password tok-1" <<EOF
token tok-1
EOF
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH XOAUTH2")
C: AUTH XOAUTH2 b64"user=alice\\x01auth=Bearer tok-1\\x01\\x01"
-- XOAUTH2: user alice, token valid
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH OAUTHBEARER: one line with the GS2 header, host, port and token (RFC 7628)" {
	auth_session OAUTHBEARER tls "user $USER_NAME" "auth oauthbearer" \
	    "password tok-1" <<EOF
token tok-1
EOF
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH OAUTHBEARER")
C: AUTH OAUTHBEARER b64"n,a=alice,\\x01host=127.0.0.1\\x01port=$PORT\\x01auth=Bearer tok-1\\x01\\x01"
-- OAUTHBEARER: host=127.0.0.1 port=$PORT
-- OAUTHBEARER: user alice, token valid
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "AUTH EXTERNAL: the client certificate in the handshake, the user as authorization identity" {
	auth_session "EXTERNAL" tls "user $USER_NAME" "auth external" \
	    "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/client-key.pem" <<EOF
client_cert require $CERTS/ca.pem
EOF
	assert_transcript_exact <<EOF
-- TLS
-- TLS client certificate: O=smtps tests,CN=smtps test client
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH EXTERNAL")
C: AUTH EXTERNAL b64"alice"
-- EXTERNAL: authzid 'alice', client certificate yes
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net)
EOF
}

@test "three recipients with PIPELINING: MAIL, the three RCPTs and DATA in one write" {
	server_and_config tls+auth <<EOF
$(sc_auth_tls "PLAIN LOGIN")
EOF
	send_ok bob@example.net carol@example.net dave@example.com
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH PLAIN LOGIN")
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net carol@example.net dave@example.com)
EOF
}

@test "two recipients without PIPELINING: every command waits for the reply to the one before" {
	server_and_config tls+auth <<EOF
$(sc_auth_tls "PLAIN LOGIN" nopipe)
EOF
	send_ok bob@example.net carol@example.net
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply "AUTH PLAIN LOGIN")
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
S: 235 2.7.0 Authentication successful
$(TX_FLIGHT=C: tx_mail bob@example.net carol@example.net)
EOF
}

@test "CHUNKING, one recipient: MAIL, RCPT, BDAT LAST with the whole message and QUIT in one write" {
	server_and_config tls+auth <<EOF
$(sc_auth_tls "PLAIN LOGIN")
ehlo CHUNKING
EOF
	send_std
	assert_status 0
	assert_delivered 1 --no-raw
	cmp "$SRV/msg.1" "$SRV/msg.1.raw" || fail "BDAT data is not the message"
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH PLAIN LOGIN" CHUNKING)
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@example.org>
S: 250 2.1.0 Ok
C+ RCPT TO:<bob@example.net>
S: 250 2.1.5 Ok
C+ BDAT $(crlf_size) LAST
-- chunk: $(crlf_size) bytes LAST
-- message 1: $(crlf_size) bytes
S: 250 2.0.0 Ok: queued as 1
C+ QUIT
S: 221 2.0.0 Bye
-- EOF
EOF
}

@test "CHUNKING, two recipients: DATA, not BDAT, so that a refused recipient can still cancel the message" {
	server_and_config tls+auth <<EOF
$(sc_auth_tls "PLAIN LOGIN")
ehlo CHUNKING
EOF
	send_ok bob@example.net carol@example.net
	assert_transcript_exact <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING "AUTH PLAIN LOGIN" CHUNKING)
C: AUTH PLAIN b64"\\0alice\\0s3cret pass"
S: 235 2.7.0 Authentication successful
$(tx_mail bob@example.net carol@example.net)
EOF
}

@test "queued on 451 after the dot, then -q delivers it on a new connection (the last entry: QUIT leaves with its dot)" {
	scenario <<EOF
$(sc_plain)
connections 2
on DOT#1 reply 451 4.3.0 try later
EOF
	start_server
	# the detached flusher waits an hour: the retry is -q's
	write_config plain "queue on" "queue_backoff_min 3600" \
	    "queue_backoff_max 7200"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued .*451 4\.3\.0 try later'
	[ "$(ls "$HOME/queue"/*.env | wc -l)" -eq 1 ] || fail "not queued"
	run_smtps -q
	assert_status 0
	! ls "$HOME/queue"/*.env 2>/dev/null || fail "the entry is still queued"
	assert_delivered 2
	# the scripted server's default capabilities
	local caps=(PIPELINING "SIZE 52428800" 8BITMIME ENHANCEDSTATUSCODES
	    "AUTH PLAIN LOGIN")
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply "${caps[@]}")
$(TX_SIZE=1 TX_DOT="451 4.3.0 try later" tx_mail bob@example.net)
S: 220 localhost ESMTP smtps-test
$(ehlo_reply "${caps[@]}")
$(TX_SIZE=1 TX_N=2 tx_mail bob@example.net)
EOF
}
