#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --doctor: every step a send needs, one "ok"/"FAIL" line each, against
# each broken server the scripted server can play; the diagnosis line of
# the failing step and the exit code of each (man smtps.1, CHECKING A SETUP).

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# some line of stdout matches ERE
assert_line_re() {
	echo "$output" | grep -Eq -- "$1" || fail "no line /$1/ in: $output"
}
# no secret of the test account anywhere in what smtps printed
assert_no_secret() {
	! grep -Fq -- "$USER_PASS" "$T/stdout" "$T/stderr" ||
		fail "the password was printed"
	! grep -Fq -- "s3cret" "$T/stdout" "$T/stderr" ||
		fail "part of the password was printed"
}

@test "doctor: all good over STARTTLS: every step ok, MAIL/RCPT then RSET, nothing sent, exit 0" {
	scenario <<EOF
$(sc_starttls)
connections 2
EOF
	start_server
	write_config starttls+auth
	run_smtps --doctor
	assert_status 0
	assert_line_re '^ok   config: account default: 127\.0\.0\.1 port [0-9]+, STARTTLS, sign-in as alice$'
	assert_line_re '^ok   dns: 127\.0\.0\.1 is 127\.0\.0\.1$'
	assert_line_re '^ok   tcp: connected to port [0-9]+$'
	assert_line_re '^ok   tls: TLS1\.[23] .*\(STARTTLS\), certificate .*CN=localhost.*, valid until [0-9]{4}-[0-9]{2}-[0-9]{2}, verified$'
	assert_line_re '^ok   ehlo: .*AUTH PLAIN LOGIN'
	assert_line_re '^ok   auth: offered PLAIN LOGIN; smtps uses PLAIN$'
	assert_line_re '^ok   sign-in: alice accepted with PLAIN$'
	assert_line_re '^ok   send: MAIL FROM:<alice@example\.org> and RCPT TO:<alice@example\.org> accepted, then RSET \(nothing sent\)$'
	assert_line_re '^ok   queue: off'
	! echo "$output" | grep -q '^FAIL' || fail "a FAIL line: $output"
	assert_transcript 'C: RSET'
	refute_transcript 'C[:+] DATA'
	assert_no_secret
}

@test "doctor: all good over implicit TLS: one connection, exit 0" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 0
	assert_line_re '^ok   tls: TLS1\.[23] .*\(TLS at once\), certificate .*CN=localhost.*, verified$'
	assert_line_re '^ok   send: '
	assert_transcript 'C: RSET'
	refute_transcript 'C[:+] DATA'
	[ "$(cat "$SRV/accepted")" = 1 ] || fail "connections: $(cat "$SRV/accepted")"
}

@test "doctor: a plaintext greeting on the TLS port: use STARTTLS, exit 78" {
	scenario <<EOF
$(sc_starttls)
connections 2
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 78
	assert_line_re '^ok   tcp: connected to port [0-9]+$'
	assert_line_re "^FAIL tls: port $PORT sends a plaintext SMTP greeting, not TLS \(tls_starttls off expects TLS at once\) - set tls_starttls on for this port \(STARTTLS after the greeting\), or use port 465 for TLS at once$"
	assert_error_line '^smtps: --doctor: the tls step failed$'
	! echo "$output" | grep -q '^ok   \(ehlo\|auth\|sign-in\|send\)' || fail "$output"
}

@test "doctor: TLS at once on the STARTTLS port: set tls_starttls off, exit 78" {
	scenario <<EOF
$(sc_tls)
connections 2
EOF
	start_server
	write_config starttls+auth
	run_smtps --doctor
	assert_status 78
	assert_line_re "^FAIL tls: port $PORT speaks TLS at once: no plaintext greeting for STARTTLS - set tls_starttls off \(and tls on\) for this port: TLS at once; or use port 587 for STARTTLS$"
	refute_transcript 'C[:+] (EHLO|AUTH|MAIL).*'
}

@test "doctor: an expired certificate: renew it, never certcheck off; exit 69" {
	scenario <<EOF
$(sc_tls expired)
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^FAIL tls: .*certificate has expired.* - the server.s certificate has expired \(or this machine.s clock is wrong: check date\) - its administrator must renew it; do not turn tls_certcheck off for this$'
	refute_transcript 'C[:+] (AUTH|MAIL).*'
}

@test "doctor: a certificate for another name: host or tls_host_override; exit 69" {
	scenario <<EOF
$(sc_tls wrongname)
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^FAIL tls: .*does not match host.* - the certificate does not name the host you set - set host to a name it carries \(smtps -S shows them\), or tls_host_override NAME when you connect by address$'
}

@test "doctor: an untrusted signer: tls_trust_file or tls_fingerprint; exit 69" {
	scenario <<EOF
$(sc_tls untrusted)
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^FAIL tls: .* - no trusted authority signed the certificate - give its CA with tls_trust_file FILE \(PEM\), or pin it with tls_fingerprint \(smtps -S shows it\)$'
}

@test "doctor: no AUTH offered but the account has a user: exit 69" {
	scenario <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo 8BITMIME
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^ok   ehlo: PIPELINING, 8BITMIME$'
	assert_line_re "^FAIL auth: server 127\.0\.0\.1 does not offer AUTH, but the account has a user - the server offers no AUTH here - many offer it only after TLS \(tls on\) or on port 587 or 465; a relay that needs no sign-in: remove user$"
	refute_transcript 'C[:+] (AUTH|MAIL).*'
}

@test "doctor: a wrong password (535 5.7.8): check user and the password source; exit 77; no secret printed" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth 'password "wrong s3cret"'
	run_smtps --doctor
	assert_status 77
	assert_line_re '^FAIL sign-in: .*\[server said: 535 .*\] - the server refused the user name or password - check user and the password source \(password, passwordeval, ~/\.netrc, keyring\); -v shows the exchange with the secret hidden$'
	refute_transcript 'C[:+] MAIL.*'
	assert_no_secret
	! grep -Fq 'wrong s3cret' "$T/stdout" "$T/stderr" || fail "password printed"
}

@test "doctor: Microsoft 365's 535 5.7.139: SMTP AUTH off for the mailbox; exit 77" {
	scenario <<EOF
$(sc_tls)
on AUTH reply 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 77
	assert_line_re '^FAIL sign-in: .*5\.7\.139.* - Microsoft 365 refused SMTP AUTH for this mailbox \(5\.7\.139: .*oauth2_provider microsoft.*https://learn\.microsoft\.com/.*authenticated-client-smtp-submission$'
	assert_no_secret
}

@test "doctor: Microsoft 365's 5.7.30: no password any more, OAuth2; exit 77" {
	scenario <<EOF
$(sc_tls)
on AUTH reply 535 5.7.30 Basic authentication is not supported for Client Submission.
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 77
	assert_line_re '^FAIL sign-in: .* - Microsoft 365 takes no password for SMTP any more \(5\.7\.30: .*smtps --authorize; see https://techcommunity\.microsoft\.com/.*'
}

@test "doctor: Gmail's 534-5.7.9: an app password; exit 77" {
	scenario <<EOF
$(sc_tls)
on AUTH reply 534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x.1 - gsmtp
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 77
	assert_line_re '^FAIL sign-in: .* - Gmail wants an app password \(534-5\.7\.9: 2-Step Verification is on\) - .*https://support\.google\.com/accounts/answer/185833$'
}

@test "doctor: MAIL refused (5.7.1): from is not the account's; exit 69, no DATA" {
	scenario <<EOF
$(sc_tls)
on MAIL reply 550 5.7.1 Sender address rejected: not owned by user alice
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^ok   sign-in: alice accepted with PLAIN$'
	assert_line_re '^FAIL send: .*\[server said: 550 5\.7\.1 Sender address rejected: not owned by user alice\] - the server does not let this account send as the from address \(5\.7\.1\) - set from to an address of the account$'
	refute_transcript 'C[:+] DATA'
}

@test "doctor: nothing listens on the port: check host and port; exit 75" {
	write_config tls+auth "port $(free_port)"
	run_smtps --doctor
	assert_status 75
	assert_line_re '^FAIL tcp: cannot connect to 127\.0\.0\.1 port [0-9]+: Connection refused - nothing listens there - check host and port \(465: TLS at once, tls_starttls off; 587: STARTTLS, tls_starttls on\)$'
	assert_line_re '^ok   dns: '
}

@test "doctor: a config error is the config step's line; exit 78" {
	write_config tls+auth 'tls_starttls maybe'
	run_smtps --doctor
	assert_status 78
	assert_line_re '^FAIL config: .*tls_starttls.* - fix the line named \(smtps-mailrc\(5\)\); smtps -P shows the account$'
}

@test "doctor: the queue step counts entries, the oldest, the last error" {
	scenario <<EOF
$(sc_tls)
connections 2
on DOT#1 reply 451 4.3.0 try later please
EOF
	start_server
	write_config tls+auth 'queue on'
	printf 'Subject: q\n\nbody\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	stop_flusher
	: > "$INPUT"
	run_smtps --doctor
	assert_status 0
	assert_line_re '^ok   queue: 1 waiting \(0 unreadable\), oldest [0-9]+ s, last error: .*451 4\.3\.0 try later please'
}

@test "--doctor takes no recipients" {
	write_config tls+auth
	run_smtps --doctor bob@example.net
	assert_status 64
}

@test "doctor: a 554 greeting: the server refuses this client; exit 69" {
	scenario <<EOF
$(sc_tls)
on greeting reply 554 5.7.1 Access denied for your address
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^ok   tls: '
	assert_line_re '^FAIL greeting: .*\[server said: 554 5\.7\.1 Access denied for your address\] - the server refuses connections from this address \(block list, or not allowed here\) - ask its administrator; a submission port \(587, 465\) may take authenticated clients$'
}

@test "doctor: STARTTLS not offered: port 465 or tls off; exit 69" {
	scenario <<EOF
$(sc_plain)
connections 2
EOF
	start_server
	write_config starttls+auth
	run_smtps --doctor
	assert_status 69
	assert_line_re '^FAIL tls: server 127\.0\.0\.1 does not offer STARTTLS; refusing to continue without TLS - the server offers no STARTTLS - use port 465 with tls_starttls off; tls off only on a network you trust$'
	refute_transcript 'C[:+] (AUTH|MAIL).*'
}

@test "doctor: Microsoft 365's 5.7.57 on MAIL: sign in first; exit 69" {
	scenario <<EOF
$(sc_tls)
on MAIL reply 530 5.7.57 Client not authenticated to send mail.
EOF
	start_server
	write_config tls
	run_smtps --doctor
	assert_status 69
	assert_line_re '^ok   auth: not used \(no user; the server offers PLAIN LOGIN\)$'
	assert_line_re '^FAIL send: .* - Microsoft 365 takes mail only from a signed-in client \(5\.7\.57\) - set auth on, user \(the mailbox address\) and a password source$'
}

@test "doctor: the sender's own address refused as a recipient: exit 67" {
	scenario <<EOF
$(sc_tls)
on RCPT reply 550 5.1.1 <alice@example.org>: Recipient address rejected
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 67
	assert_line_re '^FAIL send: RCPT TO:<alice@example\.org> refused \[server said: 550 5\.1\.1 <alice@example\.org>: Recipient address rejected\] - '
	assert_transcript 'C: RSET'
}

@test "doctor: an OAuth2 token signs in with XOAUTH2; the token is never printed" {
	local tok=ya29.doctor-token-7 b64
	scenario <<EOF
$(sc_tls)
ehlo AUTH PLAIN XOAUTH2
token $tok
EOF
	start_server
	write_config tls "user $USER_NAME" "auth xoauth2" "password $tok"
	run_smtps -v --doctor
	assert_status 0
	assert_line_re '^ok   auth: offered PLAIN XOAUTH2; smtps uses XOAUTH2$'
	assert_line_re '^ok   sign-in: alice accepted with XOAUTH2$'
	b64=$(printf 'user=%s\001auth=Bearer %s\001\001' "$USER_NAME" "$tok" |
	    base64 -w0)
	for s in "$tok" "$b64"; do
		! grep -Fq -- "$s" "$T/stdout" "$T/stderr" ||
			fail "the token was printed"
	done
}

@test "doctor: the server closes instead of answering EHLO: the ehlo step; exit 75" {
	scenario <<EOF
$(sc_tls)
on EHLO close
EOF
	start_server
	write_config tls+auth
	run_smtps --doctor
	assert_status 75
	assert_line_re '^ok   tls: established \(TLS at once\), certificate verified$'
	assert_line_re '^FAIL ehlo: .*connection closed by server.* - smtps -v shows the whole exchange$'
}

@test "doctor -a NAME walks that account, not the default" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	# the default points nowhere; "other" is the working one
	sed -i 's/^account default : test$//' "$CFG"
	{
		echo "account broken : test"
		echo "port $(free_port)"
		echo "account other : test"
		echo "account default : broken"
	} >> "$CFG"
	run_smtps --doctor -a other
	assert_status 0
	assert_line_re "^ok   config: account other: 127\.0\.0\.1 port $PORT, TLS at once, sign-in as alice\$"
}
