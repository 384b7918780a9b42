#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# SASL mechanisms beyond PLAIN/LOGIN (the sign-in work): XOAUTH2 and OAUTHBEARER
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
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_mechs "PLAIN XOAUTH2")
token $TOKEN
EOF
	send_std
	assert_status 0
	assert_transcript_order_is <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
$(ehlo_reply "AUTH PLAIN XOAUTH2")
C: AUTH XOAUTH2 $(xoauth2_b64)
-- XOAUTH2: user alice, token valid
S: 235 2.7.0 Authentication successful
$(TX_FLIGHT=C: tx_mail bob@example.net)
EOF
	assert_delivered 1
}

@test "auth oauthbearer: token from passwordeval, RFC 7628 host and port" {
	server_and_config tls "user $USER_NAME" "auth oauthbearer" \
	    "passwordeval \"echo $TOKEN\"" <<EOF
$(sc_mechs "XOAUTH2 OAUTHBEARER")
token $TOKEN
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_sequence "C: AUTH OAUTHBEARER $(oauthbearer_b64)" \
	    "-- OAUTHBEARER: host=127.0.0.1 port=$PORT" \
	    '-- OAUTHBEARER: user alice, token valid' 'S: 235 .*' 'C: MAIL .*'
	assert_stderr_match '^--> AUTH OAUTHBEARER \*\*\*$'
	assert_stderr_match 'AUTH mechanism OAUTHBEARER'
	assert_no_secret
}

@test "xoauth2 token rejected: error challenge, empty dummy response, exit 77 with the status" {
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_mechs "XOAUTH2")
token another-token
oauth_scope https://mail.google.com/
EOF
	send_std -v bob@example.net
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
	server_and_config tls "user $USER_NAME" "auth oauthbearer" \
	    "password $TOKEN" <<EOF
$(sc_mechs "OAUTHBEARER")
token another-token
EOF
	send_std
	assert_status 77
	assert_error_line 'status invalid_token, scope https://mail\.example/smtp'
	local json='{"status": "invalid_token", "scope": "https://mail.example/smtp"}'
	assert_transcript_order_is <<EOF
-- TLS
S: 220 localhost ESMTP smtps-test
C: EHLO client.example
S: 250-localhost
S: 250 AUTH OAUTHBEARER
C: AUTH OAUTHBEARER $(oauthbearer_b64)
-- OAUTHBEARER: host=127.0.0.1 port=$PORT
-- OAUTHBEARER: user alice, token rejected
S: 334 $(b64 "$json")
C: AQ==
S: 535 5.7.8 Error: authentication failed
-- EOF
EOF
	assert_no_auth_mail_after_refusal
}

assert_no_auth_mail_after_refusal() {
	refute_transcript 'C[:+] MAIL.*'
	assert_no_message
}

@test "token rejected without an error challenge (Microsoft 365 style 535): exit 77" {
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_mechs "XOAUTH2")
oauth_challenge off
on AUTH reply 535 5.7.3 Authentication unsuccessful
EOF
	send_std
	assert_status 77
	assert_error_line 'AUTH XOAUTH2: refused \(535\).*535 5\.7\.3 Authentication unsuccessful'
	refute_transcript 'S: 334.*'
	[ "$(grep -c '^C: AUTH' "$SRV/transcript")" -eq 1 ] ||
		fail "AUTH was retried although no token renewal is configured"
	assert_no_auth_mail_after_refusal
}

@test "the valid tokens file is re-read at every AUTH (a token expires between sends)" {
	echo "$TOKEN" > "$T/tokens"
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_mechs "XOAUTH2")
tokens_file $T/tokens
connections 2
EOF
	send_std
	assert_status 0
	printf 'ya29.newer\n' > "$T/tokens"
	run_smtps bob@example.net
	assert_status 77
	assert_sequence '-- XOAUTH2: user alice, token valid' '-- message 1.*' \
	    '-- XOAUTH2: user alice, token rejected' 'S: 535 .*'
	[ ! -e "$SRV/msg.2" ] || fail "second message delivered with an expired token"
}

@test "xoauth2 answered 454: temporary, exit 75, dead.letter without the token" {
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" "logfile $T/log" <<EOF
$(sc_mechs "XOAUTH2")
token $TOKEN
on AUTH reply 454 4.7.0 Temporary authentication failure
EOF
	send_std -v bob@example.net
	assert_status 75
	assert_dead_letter '^Subject: test message'
	assert_no_secret
}

@test "xoauth2 4xx with queueing on: queued, the queue and log hold no token" {
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" \
	    "queue on" "logfile $T/log" <<EOF
$(sc_mechs "XOAUTH2")
on AUTH reply 454 4.7.0 Try later
EOF
	send_std
	assert_status 0
	[ -n "$(ls "$HOME/queue" 2>/dev/null)" ] || fail "nothing queued"
	assert_no_secret
}

@test "auth xoauth2 but the server offers only PLAIN: exit 69, nothing sent" {
	server_and_config tls "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_mechs "PLAIN LOGIN")
EOF
	send_std
	assert_status 69
	assert_error_line 'server does not offer AUTH xoauth2 \(offered: PLAIN LOGIN\)'
	assert_no_auth_no_mail
}

@test "auth on with a password never picks XOAUTH2/OAUTHBEARER (a password is no token)" {
	server_and_config tls+auth <<EOF
$(sc_mechs "XOAUTH2 OAUTHBEARER LOGIN")
EOF
	send_std
	assert_status 0
	assert_transcript 'C: AUTH LOGIN'
	refute_transcript 'C: AUTH (XOAUTH2|OAUTHBEARER).*'
}

@test "auth xoauth2 over a connection without TLS: refused before any byte (78)" {
	server_and_config plain "user $USER_NAME" "auth xoauth2" \
	    "password $TOKEN" <<EOF
$(sc_plain)
EOF
	send_std
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

# the decoded SASL payload of the client line N lines after the AUTH line
# (0 = the AUTH line's initial response)
client_payload() {
	local n=${1:-0} line
	line=$(grep -E '^C[:+] ' "$SRV/transcript" | grep -A"$n" -E '^C[:+] AUTH ' |
	    sed -n "$((n + 1))p")
	line=${line#C? }
	line=${line#AUTH * }
	printf '%s' "$line" | base64 -d
}

@test "auth on picks SCRAM-SHA-256 over SCRAM-SHA-1 and PLAIN; never pipelined" {
	server_and_config tls+auth <<EOF
$(sc_mechs "PLAIN SCRAM-SHA-1 SCRAM-SHA-256")
ehlo PIPELINING
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_sequence 'C: AUTH SCRAM-SHA-256 .*' \
	    '-- SCRAM-SHA-256: user alice, gs2 y' \
	    'S: 334 .*' 'C: .*' '-- SCRAM-SHA-256: channel binding ok, proof valid' \
	    'S: 334 .*' 'C: ' 'S: 235 .*' 'C: MAIL FROM:.*'
	refute_transcript 'C\+ .*AUTH.*|C\+ MAIL.*'
	# y: smtps could bind the channel but the server offers no -PLUS
	[[ $(client_payload 0) =~ ^y,,n=alice,r=[A-Za-z0-9+/]{32}$ ]] ||
		fail "client-first is $(client_payload 0)"
	[[ $(client_payload 1) =~ ^c=eSws,r=[^,]+srvNonce[0-9]+,p=[A-Za-z0-9+/]{43}=$ ]] ||
		fail "client-final is $(client_payload 1)"
	assert_stderr_match 'AUTH mechanism SCRAM-SHA-256 \(server offers PLAIN SCRAM-SHA-1 SCRAM-SHA-256; auth on; channel binding tls-exporter\)'
	assert_stderr_match '^--> AUTH SCRAM-SHA-256 \*\*\*$'
	# the server signature (with salt and nonces it would let a reader of
	# -v output guess the password offline) is hidden, the proof too
	assert_stderr_match '^<-- \*\*\*$'
	refute_stderr_match '^<-- 334 dj'
	[ "$(grep -c '^--> \*\*\*$' "$T/stderr")" -eq 2 ] ||
		fail "expected the client-final and the empty response as ***"
	refute_stderr_fixed "$(grep -E '^C: ' "$SRV/transcript" | grep -A1 'AUTH SCRAM' | tail -n 1 | cut -c4-)"
	assert_delivered 1
	assert_no_secret
}

@test "auth scram-sha-1: RFC 5802 exchange, 20-byte proof" {
	server_and_config tls+auth "auth scram-sha-1" <<EOF
$(sc_mechs "SCRAM-SHA-1 SCRAM-SHA-256")
EOF
	send_std
	assert_status 0
	assert_transcript '-- SCRAM-SHA-1: channel binding ok, proof valid'
	[[ $(client_payload 1) =~ ,p=[A-Za-z0-9+/]{27}=$ ]] ||
		fail "client-final is $(client_payload 1)"
	assert_delivered 1
}

@test "SCRAM wrong password: 535 -> exit 77, no MAIL" {
	server_and_config tls+auth <<EOF
$(sc_mechs "SCRAM-SHA-256")
password not the one
EOF
	send_std
	assert_status 77
	assert_error_line 'AUTH SCRAM-SHA-256: refused \(535\)'
	assert_transcript '-- SCRAM-SHA-256: channel binding ok, proof invalid'
	assert_no_auth_mail_after_refusal
}

@test "SCRAM server signature wrong (impostor): exit 77, nothing more sent" {
	server_and_config tls+auth <<EOF
$(sc_mechs "SCRAM-SHA-256")
ehlo PIPELINING
scram_bad_signature on
EOF
	send_std
	assert_status 77
	assert_error_line 'server signature does not verify'
	# the server notes the end of the connection after smtps has exited
	server_idle 10 || fail "the server still serves the connection"
	# the last thing smtps sent is the client-final message: no empty
	# response, no MAIL, no QUIT
	[ "$(grep -E '^C[:+] ' "$SRV/transcript" | tail -n 1)" = \
	    "$(grep -E '^C[:+] ' "$SRV/transcript" | grep -A1 AUTH | tail -n 1)" ] ||
		fail "smtps sent more after the bad server signature"
	assert_sequence 'S: 334 dj[0-9A-Za-z+/].*' '-- (EOF|error: .*)'
	refute_transcript 'C[:+] (MAIL|RCPT|DATA|QUIT).*'
	assert_no_message
}

@test "SCRAM iteration count beyond the limit: exit 76, nothing more" {
	server_and_config tls+auth <<EOF
$(sc_mechs "SCRAM-SHA-1")
scram_iter 5000000
EOF
	send_std
	assert_status 76
	assert_error_line 'iteration count 5000000 out of range'
	refute_transcript 'C[:+] (MAIL|QUIT).*'
}

@test "SCRAM with a password SASLprep refuses: one line, exit 78" {
	server_and_config tls "user $USER_NAME" \
	    "passwordeval \"printf 'a\\\\007b'\"" <<EOF
$(sc_mechs "SCRAM-SHA-256")
EOF
	send_std
	assert_status 78
	assert_error_line 'SASLprep'
	[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "more than one line"
	refute_transcript 'C[:+] MAIL.*'
}

@test "TLS 1.3: auth on picks SCRAM-SHA-256-PLUS bound with tls-exporter (RFC 9266)" {
	server_and_config tls+auth <<EOF
$(sc_mechs "PLAIN SCRAM-SHA-256 SCRAM-SHA-1-PLUS SCRAM-SHA-256-PLUS")
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_sequence 'C: AUTH SCRAM-SHA-256-PLUS .*' \
	    '-- SCRAM-SHA-256-PLUS: user alice, gs2 p=tls-exporter' \
	    '-- SCRAM-SHA-256-PLUS: channel binding ok, proof valid' 'S: 235 .*'
	[[ $(client_payload 0) =~ ^p=tls-exporter,,n=alice,r= ]] ||
		fail "client-first is $(client_payload 0)"
	assert_stderr_match 'channel binding tls-exporter\)'
	assert_delivered 1
}

@test "TLS 1.2: auth scram-sha-1-plus bound with tls-unique (RFC 5929)" {
	server_and_config tls+auth "auth scram-sha-1-plus" <<EOF
$(sc_mechs "SCRAM-SHA-1-PLUS SCRAM-SHA-256-PLUS")
tls_max 1.2
EOF
	send_std
	assert_status 0
	assert_sequence '-- SCRAM-SHA-1-PLUS: user alice, gs2 p=tls-unique' \
	    '-- SCRAM-SHA-1-PLUS: channel binding ok, proof valid' 'S: 235 .*'
	assert_delivered 1
}

@test "SCRAM-PLUS through a relay with another TLS session: the binding differs, 535, exit 77" {
	server_and_config tls+auth <<EOF
$(sc_mechs "SCRAM-SHA-256-PLUS")
scram_cb_mismatch on
EOF
	send_std
	assert_status 77
	assert_transcript '-- SCRAM-SHA-256-PLUS: channel binding WRONG, proof invalid'
	assert_no_auth_mail_after_refusal
}

@test "auth external: the client certificate signs in, no password looked up or run" {
	server_and_config tls "user $USER_NAME" "auth external" \
	    "passwordeval \"touch $T/ran; echo x\"" \
	    "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/client-key.pem" <<EOF
$(sc_mechs "PLAIN EXTERNAL")
client_cert require $CERTS/ca.pem
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_sequence '-- TLS client certificate: .*' \
	    "C: AUTH EXTERNAL $(b64 "$USER_NAME")" \
	    "-- EXTERNAL: authzid 'alice', client certificate yes" 'S: 235 .*'
	[ ! -e "$T/ran" ] || fail "passwordeval ran for auth external"
	assert_stderr_match 'AUTH mechanism EXTERNAL'
	assert_delivered 1
}

@test "auth external without a password keyword is a valid account" {
	server_and_config tls "user $USER_NAME" "auth external" \
	    "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/client-key.pem" <<EOF
$(sc_mechs "EXTERNAL")
client_cert require $CERTS/ca.pem
EOF
	send_std
	assert_status 0
	assert_delivered 1
}

@test "auth external without tls_cert_file: one line, exit 78, no connection" {
	server_and_config tls "user $USER_NAME" "auth external" <<EOF
$(sc_mechs "EXTERNAL")
EOF
	send_std
	assert_status 78
	assert_error_line 'auth external needs TLS and a client certificate'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "auth external refused by the server: exit 77" {
	server_and_config tls "user bob" "auth external" \
	    "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/client-key.pem" <<EOF
$(sc_mechs "EXTERNAL")
client_cert request $CERTS/ca.pem
EOF
	send_std
	assert_status 77
	assert_transcript "-- EXTERNAL: authzid 'bob', client certificate yes"
	assert_no_auth_mail_after_refusal
}

@test "auth cram-md5: RFC 2195 exchange when named; auth on never picks it" {
	server_and_config tls+auth "auth cram-md5" <<EOF
$(sc_mechs "CRAM-MD5")
connections 2
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_sequence 'C: AUTH CRAM-MD5' 'S: 334 .*' 'C: .*' 'S: 235 .*'
	local resp
	resp=$(grep -A2 '^C: AUTH CRAM-MD5' "$SRV/transcript" | tail -n 1 | cut -c4-)
	printf '%s' "$resp" | base64 -d | grep -Eq '^alice [0-9a-f]{32}$' ||
		fail "CRAM-MD5 response is not 'alice <hex digest>'"
	refute_stderr_fixed "$resp"
	assert_delivered 1
	write_config tls+auth
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'no usable AUTH mechanism \(offered: CRAM-MD5;'
}

@test "cram-md5 with a wrong password: exit 77" {
	server_and_config tls+auth "auth cram-md5" <<EOF
$(sc_mechs "CRAM-MD5")
password other
EOF
	send_std
	assert_status 77
	assert_no_auth_mail_after_refusal
}

@test "auth scram-sha-256 named while -PLUS is offered: gs2 flag n (RFC 5802 6), not y" {
	server_and_config tls+auth "auth scram-sha-256" <<EOF
$(sc_mechs "SCRAM-SHA-256 SCRAM-SHA-256-PLUS")
EOF
	send_std
	assert_status 0
	assert_sequence '-- SCRAM-SHA-256: user alice, gs2 n' \
	    '-- SCRAM-SHA-256: channel binding ok, proof valid' 'S: 235 .*'
	assert_delivered 1
}

@test "SCRAM server says 235 without its signature: exit 77, no MAIL" {
	server_and_config tls+auth <<EOF
$(sc_mechs "SCRAM-SHA-256")
ehlo PIPELINING
scram_skip_final on
EOF
	send_std
	assert_status 77
	assert_error_line 'accepted without proving that it knows the password'
	assert_transcript 'S: 235 .*'
	refute_transcript 'C[:+] (MAIL|RCPT|DATA|QUIT).*'
	assert_no_message
}

@test "STARTTLS: SCRAM-SHA-256-PLUS binds to the TLS session started by STARTTLS" {
	server_and_config starttls+auth <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo_tls AUTH PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS
EOF
	send_std
	assert_status 0
	assert_sequence '-- TLS' 'C: AUTH SCRAM-SHA-256-PLUS .*' \
	    '-- SCRAM-SHA-256-PLUS: user alice, gs2 p=tls-exporter' \
	    '-- SCRAM-SHA-256-PLUS: channel binding ok, proof valid' 'S: 235 .*'
	assert_delivered 1
}

@test "every password mechanism, AUTH answered 454: -v, log file, dead.letter hold no secret" {
	local m
	for m in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
		rm -f "$HOME/dead.letter" "$T/log"
		scenario <<EOF
$(sc_mechs "$m")
on AUTH reply 454 4.7.0 Temporary authentication failure
EOF
		start_server
		write_config tls+auth "auth $(echo "$m" | tr A-Z a-z)" \
		    "logfile $T/log"
		std_message
		run_smtps -v bob@example.net
		assert_status 75
		assert_stderr_match "^--> AUTH $m( \\*\\*\\*)?\$"
		assert_dead_letter '^Subject: test message'
		[ -s "$T/log" ] || fail "no log line for $m"
		assert_no_secret "$(printf '%s' "$USER_PASS" | base64 -w0)" \
		    "$(printf 'alice\0%s' "$USER_PASS" | base64 -w0)"
		stop_server
	done
}
