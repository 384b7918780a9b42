#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Real SASL (the sign-in work): the second Dovecot of servers.sh ($DC_SASL_PORT)
# offers PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 EXTERNAL XOAUTH2
# OAUTHBEARER, verifies alice's client certificate and checks OAuth2
# tokens through its oauth2 passdb (introspect.py, valid tokens in
# $OAUTH_TOKENS).  Every mechanism signs in, the message arrives byte for
# byte, Dovecot's log names the mechanism, and the -v output holds no
# secret.  Dovecot 2.3.19 has no -PLUS (channel binding): that is covered
# by tests/bats/sasl.bats against the scripted server.

load helper

setup_file() { it_setup_file; }
teardown_file() { it_teardown_file; }
setup() { it_setup; }

sasl_message() {
	printf 'From: alice@example.org\nTo: bob@example.org\nSubject: %s\n' "$1"
	printf 'Date: Fri, 27 Nov 2026 10:00:00 +0100\n'
	printf 'Message-ID: <%s.%s@client.example.org>\n\nbody\n.\nend\n' "$$" "$RANDOM"
}

# case_mech AUTH MECHANISM [ACCOUNT]: sign in with it, deliver, check
case_mech() {
	local auth=$1 mech=$2 acct=${3:-dcsasl}
	sasl_message "$mech via the SASL dovecot" | message
	run_smtps -v -a "$acct" "--auth=$auth" bob@example.org
	assert_status 0
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q "^--> AUTH $mech \*\*\*\$" "$T/verbose" || fail "AUTH $mech not used"
	grep -q "^smtps: authenticated as alice with $mech\$" "$T/verbose" ||
		fail "no 'authenticated' line"
	assert_no_secret "$T/verbose"
	wait_mail bob@example.org 1
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
	dc_sasl_log_since | grep -q "Login: user=<alice>, method=$mech," ||
		fail "Dovecot did not log a $mech login"
}

dc_sasl_log_since() { tail -n +"$((DC_SASL_LOG_START + 1))" "$DC_SASL_LOG"; }

setup() {
	it_setup
	DC_SASL_LOG_START=$(wc -l < "$DC_SASL_LOG" 2>/dev/null || echo 0)
}

@test "dovecot SASL: auth on picks SCRAM-SHA-256" { case_mech on SCRAM-SHA-256; }
@test "dovecot SASL: SCRAM-SHA-1" { case_mech scram-sha-1 SCRAM-SHA-1; }
@test "dovecot SASL: SCRAM-SHA-256 named" { case_mech scram-sha-256 SCRAM-SHA-256; }
@test "dovecot SASL: PLAIN" { case_mech plain PLAIN; }
# Without the client certificate: with one, Dovecot 2.3 takes the user
# name from it (auth_ssl_username_from_cert) and then reads LOGIN's first
# answer (the user name) as the password
@test "dovecot SASL: LOGIN" { case_mech login LOGIN dcsasl-nocert; }
@test "dovecot SASL: CRAM-MD5 (named)" { case_mech cram-md5 CRAM-MD5; }

@test "dovecot SASL: EXTERNAL with the client certificate, no password run" {
	case_mech external EXTERNAL dcsasl-external
	[ ! -e "$T/passwordeval-ran" ] || fail "passwordeval ran for auth external"
}

@test "dovecot SASL: EXTERNAL without a client certificate: refused before connecting (78)" {
	sasl_message "external without a certificate" | message
	run_smtps -a dcsasl-nocert --auth=external bob@example.org
	assert_status 78
	printf '%s\n' "$stderr" | grep -q 'auth external needs TLS and a client certificate' ||
		fail "no clear error line"
	dc_sasl_log_since | grep -q 'rip=' && fail "Dovecot saw a connection"
	true
}

@test "dovecot SASL: SCRAM-SHA-256 with a wrong password: 77, nothing delivered" {
	sasl_message "scram wrong password" | message
	run_smtps -v -a dcsasl-badpw bob@example.org
	assert_status 77
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q '^--> AUTH SCRAM-SHA-256 \*\*\*$' "$T/verbose" || fail "SCRAM not used"
	grep -q '^smtps: AUTH SCRAM-SHA-256: refused (535)' "$T/verbose" ||
		fail "no exit-77 line with the server's refusal"
	grep -q '^--> MAIL' "$T/verbose" && fail "MAIL sent after the refusal"
	dc_sasl_log_since | grep -q 'method=SCRAM-SHA-256' || fail "Dovecot logged no SCRAM attempt"
	[ "$(mail_count bob@example.org)" -eq 0 ] || fail "bob got mail"
}

# case_token MECHANISM: the token signs in; then, no longer valid, is
# refused after Dovecot's RFC 7628 error challenge (77, its status shown)
case_token() {
	local mech=$1 lower
	lower=$(echo "$mech" | tr A-Z a-z)
	echo it-access-token-1 > "$OAUTH_TOKENS"
	case_mech "$lower" "$mech" dcsasl-token
	grep -Fq it-access-token-1 "$T/verbose" && fail "the token is in -v output"
	rm -f "$MAILBASE"/*/*/new/*
	: > "$OAUTH_TOKENS"
	sasl_message "$mech with a revoked token" | message
	run_smtps -v -a dcsasl-token "--auth=$lower" bob@example.org
	assert_status 77
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q "^<-- 334 " "$T/verbose" || fail "no error challenge"
	grep -q "^smtps: AUTH $mech (the server said the token is not valid: status " \
	    "$T/verbose" || fail "no exit-77 line with the token's status"
	grep -Fq it-access-token-1 "$T/verbose" && fail "the token is in -v output"
	grep -q '^--> MAIL' "$T/verbose" && fail "MAIL sent after the refusal"
	[ "$(mail_count bob@example.org)" -eq 0 ] || fail "bob got mail"
}

@test "dovecot SASL: XOAUTH2, valid then revoked token (oauth2 passdb)" { case_token XOAUTH2; }
@test "dovecot SASL: OAUTHBEARER, valid then revoked token (oauth2 passdb)" { case_token OAUTHBEARER; }

@test "dovecot SASL: -S lists the mechanisms and names SCRAM-SHA-256" {
	: | message
	run_smtps -S -a dcsasl
	assert_status 0
	printf '%s\n' "$output" | grep -qx 'AUTH offered:   PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2 OAUTHBEARER EXTERNAL' ||
		fail "no offered line: $output"
	printf '%s\n' "$output" | grep -q '^smtps would use: SCRAM-SHA-256 (auth on' ||
		fail "no choice line: $output"
}
