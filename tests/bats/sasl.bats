#!/usr/bin/env bats
# SASL mechanisms beyond PLAIN/LOGIN (issue 10): XOAUTH2 and OAUTHBEARER
# (RFC 7628) with the error challenge, SCRAM, CRAM-MD5, EXTERNAL, the
# choice `auth on` makes, and no secret, token or proof of one in -v,
# logs, the queue or dead.letter.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	TOKEN=ya29.test-access-token-1
}
teardown() {
	stop_flusher
	common_teardown
}

# implicit TLS, the account's user, AUTH offering $1 (no PIPELINING)
sc_mechs() {
	printf 'mode tls\ncert %s\nkey %s\nuser %s\npassword %s\nehlo AUTH %s\n' \
	    "$CERTS/server.pem" "$CERTS/server-key.pem" "$USER_NAME" \
	    "$USER_PASS" "$1"
}

xoauth2_b64() {
	printf 'user=%s\001auth=Bearer %s\001\001' "$USER_NAME" "${1:-$TOKEN}" |
	    base64 -w0
}
oauthbearer_b64() {
	printf 'n,a=%s,\001host=127.0.0.1\001port=%s\001auth=Bearer %s\001\001' \
	    "$USER_NAME" "$PORT" "${1:-$TOKEN}" | base64 -w0
}

# the token, the password and their base64 forms appear nowhere smtps
# wrote: stderr, the log file, the queue, dead.letter
assert_no_secret() {
	local f s
	for s in "$TOKEN" "$(b64 "$TOKEN")" "$USER_PASS" "$(b64 "$USER_PASS")" \
	    "$(xoauth2_b64)" "$(oauthbearer_b64)" "$(plain_b64)" "$@"; do
		for f in "$T/stderr" "$T/stdout" "$T/log" "$HOME/dead.letter"; do
			[ ! -e "$f" ] || ! grep -Fq -- "$s" "$f" ||
				fail "$f holds a secret: $s"
		done
		[ ! -d "$HOME/queue" ] || ! grep -rFq -- "$s" "$HOME/queue" ||
			fail "the queue holds a secret: $s"
	done
}

@test "auth xoauth2: the token from password, one AUTH line, exact transcript" {
	scenario <<EOF
$(sc_mechs "PLAIN XOAUTH2")
token $TOKEN
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript_order_is <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
C: EHLO client.example
S: 250-localhost
S: 250 AUTH PLAIN XOAUTH2
C: AUTH XOAUTH2 $(xoauth2_b64)
-- XOAUTH2: user alice, token valid
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<alice@example.org>
S: 250 2.1.0 Ok
C: RCPT TO:<bob@example.net>
S: 250 2.1.5 Ok
C: DATA
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

@test "auth oauthbearer: token from passwordeval, RFC 7628 host and port" {
	scenario <<EOF
$(sc_mechs "XOAUTH2 OAUTHBEARER")
token $TOKEN
EOF
	start_server
	write_config tls "user $USER_NAME" "auth oauthbearer" \
	    "passwordeval \"echo $TOKEN\""
	std_message
	run_smtps -v bob@example.net
	assert_status 0
	assert_sequence "C: AUTH OAUTHBEARER $(oauthbearer_b64)" \
	    "-- OAUTHBEARER: host=127.0.0.1 port=$PORT" \
	    '-- OAUTHBEARER: user alice, token valid' 'S: 235 .*' 'C: MAIL .*'
	assert_stderr_match '^--> AUTH OAUTHBEARER \*\*\*$'
	assert_stderr_match 'AUTH mechanism OAUTHBEARER'
	assert_no_secret
}

@test "xoauth2 token rejected: error challenge, empty dummy response, exit 77 with the status" {
	scenario <<EOF
$(sc_mechs "XOAUTH2")
token another-token
oauth_scope https://mail.google.com/
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps -v bob@example.net
	assert_status 77
	assert_error_line 'AUTH XOAUTH2 \(the server said the token is not valid: status 401, scope https://mail\.google\.com/\).*535 5\.7\.8'
	local json='{"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"}'
	assert_sequence "C: AUTH XOAUTH2 $(xoauth2_b64)" \
	    '-- XOAUTH2: user alice, token rejected' \
	    "S: 334 $(b64 "$json")" 'C: ' 'S: 535 5\.7\.8 .*'
	refute_transcript '-- XOAUTH2: wrong dummy response.*'
	refute_transcript 'C: MAIL.*'
	assert_no_message
	assert_no_secret
}

@test "oauthbearer token rejected: the dummy response is AQ== (%x01), exit 77" {
	scenario <<EOF
$(sc_mechs "OAUTHBEARER")
token another-token
EOF
	start_server
	write_config tls "user $USER_NAME" "auth oauthbearer" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 77
	assert_error_line 'status invalid_token, scope https://mail\.example/smtp'
	assert_sequence 'S: 334 .*' 'C: AQ==' 'S: 535 .*'
	refute_transcript '-- OAUTHBEARER: wrong dummy response.*'
	assert_no_auth_mail_after_refusal
}

assert_no_auth_mail_after_refusal() {
	refute_transcript 'C[:+] MAIL.*'
	assert_no_message
}

@test "token rejected without an error challenge (Microsoft 365 style 535): exit 77" {
	scenario <<EOF
$(sc_mechs "XOAUTH2")
oauth_challenge off
on AUTH reply 535 5.7.3 Authentication unsuccessful
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 77
	assert_error_line 'AUTH XOAUTH2: refused \(535\).*535 5\.7\.3 Authentication unsuccessful'
	refute_transcript 'S: 334.*'
	[ "$(grep -c '^C: AUTH' "$SRV/transcript")" -eq 1 ] ||
		fail "AUTH was retried although no token renewal is configured"
	assert_no_auth_mail_after_refusal
}

@test "the valid tokens file is re-read at every AUTH (a token expires between sends)" {
	echo "$TOKEN" > "$T/tokens"
	scenario <<EOF
$(sc_mechs "XOAUTH2")
tokens_file $T/tokens
connections 2
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 0
	printf 'ya29.newer\n' > "$T/tokens"
	run_smtps bob@example.net
	assert_status 77
	assert_sequence '-- XOAUTH2: user alice, token valid' '-- message 1.*' \
	    '-- XOAUTH2: user alice, token rejected' 'S: 535 .*'
	[ ! -e "$SRV/msg.2" ] || fail "second message delivered with an expired token"
}

@test "xoauth2 answered 454: temporary, exit 75, dead.letter without the token" {
	scenario <<EOF
$(sc_mechs "XOAUTH2")
token $TOKEN
on AUTH reply 454 4.7.0 Temporary authentication failure
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN" \
	    "logfile $T/log"
	std_message
	run_smtps -v bob@example.net
	assert_status 75
	assert_dead_letter '^Subject: test message'
	assert_no_secret
}

@test "xoauth2 4xx with queueing on: queued, the queue and log hold no token" {
	scenario <<EOF
$(sc_mechs "XOAUTH2")
on AUTH reply 454 4.7.0 Try later
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN" \
	    "queue on" "logfile $T/log"
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ -n "$(ls "$HOME/queue" 2>/dev/null)" ] || fail "nothing queued"
	assert_no_secret
}

@test "auth xoauth2 but the server offers only PLAIN: exit 69, nothing sent" {
	scenario <<EOF
$(sc_mechs "PLAIN LOGIN")
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'server does not offer AUTH xoauth2 \(offered: PLAIN LOGIN\)'
	assert_no_auth_no_mail
}

@test "auth on with a password never picks XOAUTH2/OAUTHBEARER (a password is no token)" {
	scenario <<EOF
$(sc_mechs "XOAUTH2 OAUTHBEARER LOGIN")
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'C: AUTH LOGIN'
	refute_transcript 'C: AUTH (XOAUTH2|OAUTHBEARER).*'
}

@test "auth xoauth2 over a connection without TLS: refused before any byte (78)" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain "user $USER_NAME" "auth xoauth2" "password $TOKEN"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line 'allow_plaintext_auth'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "auth gssapi, ntlm, digest-md5: one line naming what to use instead (78)" {
	local m
	for m in gssapi ntlm digest-md5; do
		write_config tls "user $USER_NAME" "auth $m" "password x"
		run_smtps bob@example.net
		assert_status 78
		assert_error_line "mailrc:[0-9]+: auth $m: .*use "
		[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "more than one line for $m"
	done
}
